/* mamori serve: one requirement across the contractors (docs/dashboard.md). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "mamori/submit.h"
#include "server/account.h"
#include "server/bodies.h"
#include "server/cache.h"
#include "server/form.h"
#include "server/web.h"
#include "server/web_parts.h"

/* ---- one requirement across the base ----------------------------------------------------------
 */

/* What the page shows about one requirement across the contractors' latest submissions. */
typedef struct requirement_model {
    const mm_catalog *cat;
    const mm_requirement *req;
    const char *fw;
    json_t *all; /* every contractor */
    long assessed, failing, detailed;
    long long page_no, pages; /* the page of the failing contractors shown (PER_PAGE rows) */
    json_t *fails;            /* [{"id", "name", "gap", "on_poam", "status"}] */
    long *obj_fail;           /* per objective: how many fail it */
} requirement_model;

static void requirement_model_free(requirement_model *m)
{
    json_decref(m->all);
    json_decref(m->fails);
    free(m->obj_fail);
    memset(m, 0, sizeof *m);
}

/* Counts for m->req: MM_OK, or the store's code (or MM_ENOMEM). */
static int requirement_model_make(requirement_model *m, http_req *r)
{
    m->all = web_all_contractors(r, NULL, NULL);
    if (!m->all)
        return MM_ERROR;
    /* per objective: how many contractors' latest submissions fail it (summaries made since
     * the gaps carry their objectives; older ones count only for the requirement) */
    const mm_requirement *req = m->req;
    m->fails = json_array();
    m->obj_fail = calloc(req->nobjectives ? req->nobjectives : 1, sizeof *m->obj_fail);
    if (!m->fails || !m->obj_fail)
        return MM_ENOMEM;
    size_t i;
    json_t *it;
    json_array_foreach(m->all, i, it)
    {
        json_t *l = json_object_get(it, "latest");
        if (!json_is_object(l) || !mm_streq(web_sval(l, "framework"), m->fw))
            continue;
        json_t *sub = NULL;
        int rc = web_submission_opt(r, web_sval(l, "id"), &sub);
        if (rc)
            return rc;
        if (!sub)
            continue;
        m->assessed++;
        size_t k;
        json_t *g;
        json_array_foreach(json_object_get(json_object_get(sub, "summary"), "gaps"), k, g)
        {
            if (!mm_streq(web_sval(g, "requirement"), req->id))
                continue;
            m->failing++;
            json_t *objs = json_object_get(g, "objectives");
            if (json_is_array(objs)) {
                m->detailed++;
                size_t q;
                json_t *oid;
                json_array_foreach(objs, q, oid)
                {
                    for (size_t o = 0; o < req->nobjectives; o++)
                        if (mm_streq(json_string_value(oid), req->objectives[o].id))
                            m->obj_fail[o]++;
                }
            }
            json_array_append_new(m->fails, json_pack("{s:O,s:O,s:O,s:O,s:O}", "id",
                                                      json_object_get(it, "id"), "name",
                                                      json_object_get(it, "name"), "gap",
                                                      json_object_get(g, "status"), "on_poam",
                                                      json_object_get(g, "on_poam"), "status",
                                                      json_object_get(it, "status")));
            break;
        }
        json_decref(sub);
    }
    long long n = (long long)json_array_size(m->fails);
    m->pages = n ? (n + PER_PAGE - 1) / PER_PAGE : 1;
    if (m->page_no > m->pages)
        m->page_no = m->pages;
    return MM_OK;
}

/* The failing contractors' pages: "Contractors a–b of n", previous and next. */
static void requirement_pages(page *p, const requirement_model *m)
{
    long long n = (long long)json_array_size(m->fails);
    long long first = n ? (m->page_no - 1) * PER_PAGE + 1 : 0;
    long long last = m->page_no * PER_PAGE < n ? m->page_no * PER_PAGE : n;
    char a0[24], a1[24], a2[24];
    snprintf(a0, sizeof a0, "%lld", first);
    snprintf(a1, sizeof a1, "%lld", last);
    snprintf(a2, sizeof a2, "%lld", n);
    web_puts(p, "<nav class=\"pagination\" aria-label=\"");
    web_put_tr_attr(p, "contractors.pages", NULL, NULL, NULL);
    web_puts(p, "\">");
    if (m->page_no > 1) {
        web_printf(p, "<a rel=\"prev\" href=\"/requirements/%s?page=%lld\">", m->req->id,
                   m->page_no - 1);
        web_put_tr(p, "contractors.prev");
        web_puts(p, "</a> ");
    }
    web_puts(p, "<span id=\"page-info\">");
    web_put_trf(p, "requirement.page_info", a0, a1, a2);
    web_puts(p, "</span>");
    if (m->page_no < m->pages) {
        web_printf(p, " <a rel=\"next\" href=\"/requirements/%s?page=%lld\">", m->req->id,
                   m->page_no + 1);
        web_put_tr(p, "contractors.next");
        web_puts(p, "</a>");
    }
    web_puts(p, "</nav>\n");
}

static void requirement_render(page *p, const requirement_model *m)
{
    const mm_requirement *req = m->req;
    const char *fw = m->fw;
    long assessed = m->assessed, failing = m->failing, detailed = m->detailed;
    const long *obj_fail = m->obj_fail;
    size_t i;
    json_t *it;
    web_printf(p, "<p class=\"crumbs\">%s · ", web_fw_label(fw));
    web_en(p, m->cat->families[req->family].title);
    web_puts(p, "</p><h1>");
    web_esc(p, req->id);
    web_puts(p, " ");
    web_en(p, req->title);
    web_puts(p, "</h1>\n<p class=\"big\" id=\"met-count\">");
    char a0[24], a1[24];
    snprintf(a0, sizeof a0, "%ld", assessed - failing);
    snprintf(a1, sizeof a1, "%ld", assessed);
    web_put_trf(p, "requirement.met_count", a0, a1, web_fw_label(fw));
    web_puts(p, "</p>\n<section><h2>");
    web_put_tr(p, "requirement.failing");
    web_puts(p, "</h2><table id=\"failing-contractors\" class=\"data\"><thead><tr>");
    web_th(p, "col.contractor", NULL);
    web_th(p, "col.gap_status", NULL);
    web_th(p, "col.poam", NULL);
    web_th(p, "col.status", NULL);
    web_puts(p, "</tr></thead><tbody>");
    json_array_foreach(m->fails, i, it)
    {
        if ((long long)i < (m->page_no - 1) * PER_PAGE || (long long)i >= m->page_no * PER_PAGE)
            continue;
        web_printf(p, "<tr data-org-id=\"%s\"><td><a href=\"/contractors/%s\">", web_sval(it, "id"),
                   web_sval(it, "id"));
        web_user(p, web_sval(it, "name"));
        web_puts(p, "</a></td><td>");
        char key[48];
        snprintf(key, sizeof key, "gap.%s", web_sval(it, "gap") ? web_sval(it, "gap") : "not-met");
        web_put_tr(p, key);
        web_puts(p, "</td><td>");
        web_put_tr(p, json_is_true(json_object_get(it, "on_poam")) ? "requirement.on_poam"
                                                                   : "requirement.no_poam");
        web_puts(p, "</td><td>");
        web_badge(p, web_sval(it, "status"));
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table>");
    requirement_pages(p, m);
    web_puts(p, "</section>\n<section><h2>");
    web_put_tr(p, "requirement.objectives");
    web_puts(p, "</h2><p class=\"note\" id=\"objectives-note\">");
    char d0[24], d1[24];
    snprintf(d0, sizeof d0, "%ld", detailed);
    snprintf(d1, sizeof d1, "%ld", failing);
    web_put_trf(p, "requirement.objectives_note", d0, d1, NULL);
    web_puts(p, "</p><table id=\"failing-objectives\" class=\"data\"><thead><tr>");
    web_th(p, "col.objective", NULL);
    web_th(p, "col.text", NULL);
    web_th(p, "col.contractors_failing", "num");
    web_puts(p, "</tr></thead><tbody>");
    /* most failed first; ties in catalog order */
    size_t *order = calloc(req->nobjectives ? req->nobjectives : 1, sizeof *order);
    for (size_t o = 0; order && o < req->nobjectives; o++) {
        size_t k = o;
        while (k > 0 && obj_fail && obj_fail[order[k - 1]] < obj_fail[o]) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = o;
    }
    for (size_t n = 0; order && n < req->nobjectives; n++) {
        size_t o = order[n];
        web_puts(p, "<tr><td>");
        web_esc(p, req->objectives[o].id);
        web_puts(p, "</td><td>");
        /* NIST's words, marked English, each parameter as "[Assignment: ...]" */
        char *text = mm_catalog_render(m->cat, req->objectives[o].text, NULL, NULL, "", "");
        web_en(p, text ? text : req->objectives[o].text);
        free(text);
        web_printf(p, "</td><td class=\"num\">%ld</td></tr>", obj_fail ? obj_fail[o] : 0);
    }
    web_puts(p, "</tbody></table></section>\n");
    free(order);
}

void w_requirement(http_req *r, reply *out)
{
    requirement_model m = {.cat = r->srv->r3};
    m.req = mm_catalog_requirement(m.cat, r->param[0]);
    if (!m.req) {
        m.cat = r->srv->r2;
        m.req = mm_catalog_requirement(m.cat, r->param[0]);
    }
    if (!m.req) {
        web_error_page(r, out, 404, "error.not_found");
        return;
    }
    m.fw = mm_framework_name(m.cat->framework);
    const char *pg = req_query(r, "page"); /* 1..100000 (routes.c) */
    m.page_no = pg && pg[0] ? strtoll(pg, NULL, 10) : 1;
    page p;
    web_page_init(&p, r, out);
    p.title = m.req->id;
    char ckey[96], what[48];
    int64_t cver = -1;
    snprintf(what, sizeof what, "requirement:%s:%lld", m.req->id, m.page_no);
    if (web_page_cached(&p, r, ckey, sizeof ckey, what, &cver)) {
        web_page_finish(&p, out, 200);
        return;
    }
    if (requirement_model_make(&m, r) != MM_OK) {
        requirement_model_free(&m);
        mm_buf_free(&p.b);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    requirement_render(&p, &m);
    requirement_model_free(&m);
    web_page_keep(&p, ckey, cver);
    web_page_finish(&p, out, 200);
}
