/* mamori serve: frameworks side by side (GET /frameworks?a=&b=, docs/dashboard.md), and a
 * contractor's status in each framework the authority selects (--frameworks-shown),
 * projected from its latest submission through published crosswalks (docs/frameworks.md).
 * Projected answers carry their relation and are never shown as answered directly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/framework.h"
#include "mamori/project.h"
#include "mamori/report.h"
#include "server/internal.h"
#include "server/web.h"
#include "util/json.h"
#include "util/util.h"

/* ---- the domain action: a submission's status in other frameworks ------------------ */

static bool shown(const mm_server *srv, const char *id)
{
    if (!srv->nshown)
        return true;
    for (size_t i = 0; i < srv->nshown; i++)
        if (strcmp(srv->shown[i], id) == 0)
            return true;
    return false;
}

/* One framework's projection as {"framework", "title", "crosswalk", "active",
 * "projected_met", "projected_not_met", "to_answer", "conflicts"}, or {"framework", "title",
 * "crosswalk": null} when no crosswalk relates it to the assessed framework. */
static json_t *one_status(const mm_server *srv, const mm_result *res, const mm_pack *src,
                          const mm_pack *tgt, int *rc)
{
    mm_crosswalk *cw = NULL;
    mm_projection *p = NULL;
    *rc = mm_frameworks_crosswalk(&cw, srv->frameworks, src->id, tgt->id);
    if (*rc == MM_ENOTFOUND) {
        *rc = MM_OK;
        return json_pack("{s:s, s:s, s:n}", "framework", tgt->id, "title", tgt->title, "crosswalk");
    }
    if (*rc == MM_OK)
        *rc = mm_project(&p, res, src, tgt, cw);
    json_t *o = NULL;
    if (*rc == MM_OK)
        o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "framework", tgt->id, "title",
                      tgt->title, "crosswalk", cw->title, "active", (json_int_t)p->active,
                      "projected_met", (json_int_t)p->met, "projected_not_met",
                      (json_int_t)p->not_met, "to_answer", (json_int_t)p->to_answer, "conflicts",
                      (json_int_t)p->conflicts);
    mm_projection_free(p);
    mm_crosswalk_free(cw);
    return o;
}

/* The latest submission's status in each framework the authority shows, as a JSON array
 * (new reference) in *out; [] when there is no submission. MM_OK, or the store's code. */
static bool selected(const mm_server *srv, const char *id, const char *const *ids, size_t n)
{
    if (!ids)
        return shown(srv, id);
    for (size_t i = 0; i < n; i++)
        if (mm_streq(ids[i], id))
            return true;
    return false;
}

static int status_in(json_t **out, http_req *r, const char *submission_id, const char *const *ids,
                     size_t nids);

int framework_status(json_t **out, http_req *r, const char *submission_id)
{
    return status_in(out, r, submission_id, NULL, 0);
}

int framework_status_in(json_t **out, http_req *r, const char *submission_id,
                        const char *const *ids, size_t nids)
{
    return status_in(out, r, submission_id, ids ? ids : (const char *const[]){""}, nids);
}

/* ids NULL: the frameworks of --frameworks-shown (without a selection, those a crosswalk
 * reaches); else exactly ids, with or without a crosswalk. */
static int status_in(json_t **out, http_req *r, const char *submission_id, const char *const *ids,
                     size_t nids)
{
    mm_server *srv = r->srv;
    *out = json_array();
    if (!*out)
        return MM_ENOMEM;
    if (!submission_id)
        return MM_OK;
    json_t *sub = NULL, *doc = NULL;
    char *text = NULL;
    mm_assessment *a = NULL;
    mm_result *res = NULL;
    int rc = mm_store_get_submission(r->st, &sub, submission_id, true);
    if (rc == MM_ENOTFOUND) {
        json_decref(sub);
        return MM_OK;
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    /* the stored body was verified and scored when it came in; one that no longer parses
     * (a catalog changed since) shows no projection rather than a failing page */
    const char *body = json_string_value(json_object_get(sub, "body"));
    if (body && mm_json_load(&doc, body, strlen(body), "submission", 0) == MM_OK)
        text = json_dumps(json_object_get(json_object_get(doc, "envelope"), "assessment"),
                          JSON_COMPACT | JSON_PRESERVE_ORDER);
    mm_framework fw;
    int prc = text ? mm_assessment_framework(&fw, text, strlen(text), "assessment") : MM_EINVALID;
    if (prc == MM_OK)
        prc = mm_assessment_parse(&a, fw == MM_FW_R2 ? srv->r2 : srv->r3, text, strlen(text),
                                  "assessment");
    if (prc == MM_OK)
        prc = mm_assessment_evaluate_at(&res, a, fw == MM_FW_R2 ? NULL : srv->profile, r->now_unix);
    const mm_pack *src =
        prc == MM_OK ? mm_frameworks_pack(srv->frameworks, mm_framework_name(fw)) : NULL;
    for (size_t i = 0; src && rc == MM_OK && i < mm_frameworks_npacks(srv->frameworks); i++) {
        const mm_pack *tgt = mm_frameworks_pack_at(srv->frameworks, i);
        if (tgt == src || !selected(srv, tgt->id, ids, nids))
            continue;
        json_t *o = one_status(srv, res, src, tgt, &rc);
        if (rc == MM_OK && !o)
            rc = MM_ENOMEM;
        /* without a selection, only the frameworks a crosswalk reaches */
        if (o && !ids && !srv->nshown && json_is_null(json_object_get(o, "crosswalk"))) {
            json_decref(o);
            continue;
        }
        if (o && json_array_append_new(*out, o))
            rc = MM_ENOMEM;
    }
    mm_error_clear();
    mm_result_free(res);
    mm_assessment_free(a);
    free(text);
    json_decref(doc);
    json_decref(sub);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

static void put_count(page *p, const json_t *o, const char *key)
{
    web_printf(p, "<td class=\"num\" data-col=\"%s\">%lld</td>", key,
               (long long)json_integer_value(json_object_get(o, key)));
}

void framework_status_render(page *p, const json_t *status, const char *from)
{
    if (!json_array_size(status))
        return;
    web_puts(p, "<section id=\"framework-status\"><h2>");
    web_put_tr(p, "frameworks.status");
    web_puts(p, "</h2><p class=\"note\">");
    web_put_tr(p, "frameworks.status_note");
    web_puts(p, "</p><table class=\"data\"><thead><tr>");
    static const char *const cols[] = {"frameworks.framework", "frameworks.projected_met",
                                       "frameworks.projected_not_met", "frameworks.to_answer"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        web_puts(p, "<th scope=\"col\">");
        web_put_tr(p, cols[c]);
        web_puts(p, "</th>");
    }
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *o;
    json_array_foreach(status, i, o)
    {
        const char *id = json_string_value(json_object_get(o, "framework"));
        web_puts(p, "<tr data-framework=\"");
        web_attr(p, id);
        web_puts(p, "\"><td><a href=\"/frameworks?a=");
        web_attr(p, from);
        web_puts(p, "&amp;b=");
        web_attr(p, id);
        web_puts(p, "\">");
        web_esc(p, id);
        web_puts(p, "</a><div class=\"gap-detail\">");
        web_en(p, json_string_value(json_object_get(o, "title")));
        web_puts(p, "</div></td>");
        if (json_is_null(json_object_get(o, "crosswalk"))) {
            web_puts(p, "<td colspan=\"3\" class=\"muted\" data-col=\"no-crosswalk\">");
            web_put_tr(p, "frameworks.no_crosswalk");
            web_puts(p, "</td></tr>");
            continue;
        }
        put_count(p, o, "projected_met");
        put_count(p, o, "projected_not_met");
        put_count(p, o, "to_answer");
        web_puts(p, "</tr>");
    }
    web_puts(p, "</tbody></table></section>");
}

/* ---- GET /frameworks?a=&b= ----------------------------------------------------------- */

void w_frameworks(http_req *r, reply *out)
{
    const mm_frameworks *set = r->srv->frameworks;
    const char *a = req_query(r, "a"), *b = req_query(r, "b");
    mm_crosswalk *cw = NULL;
    mm_compare *cmp = NULL;
    char *html = NULL;
    page p;
    web_page_init(&p, r, out); /* the side by side is written in the viewer's language */
    if (a && *a && b && *b) {
        const mm_pack *pa = mm_frameworks_pack(set, a), *pb = mm_frameworks_pack(set, b);
        int rc = pa && pb ? mm_frameworks_crosswalk(&cw, set, pa->id, pb->id) : MM_ENOTFOUND;
        if (rc == MM_OK)
            rc = mm_compare_build(&cmp, pa, pb, cw);
        if (rc == MM_OK)
            rc = mm_report_compare_html(&html, NULL, cmp, true,
                                        &(mm_report_options){.lang = p.lang});
        if (rc) {
            mm_compare_free(cmp);
            mm_crosswalk_free(cw);
            if (rc == MM_ENOTFOUND)
                web_error_page(r, out, 404, "frameworks.unknown");
            else
                web_error_page(r, out, 500, "error.busy");
            return;
        }
    }
    p.title = web_tr(&p, "frameworks.title");
    web_puts(&p, "<h1>");
    web_put_tr(&p, "frameworks.title");
    web_puts(&p, "</h1><p class=\"note\">");
    web_put_tr(&p, "frameworks.note");
    web_puts(&p, "</p><nav id=\"crosswalks\" class=\"pairs\"><ul>");
    for (size_t i = 0; i < mm_frameworks_ncrosswalks(set); i++) {
        const mm_crosswalk *c = mm_frameworks_crosswalk_at(set, i);
        for (int dir = 0; dir < 2; dir++) {
            const char *x = dir ? c->target_pack : c->source_pack;
            const char *y = dir ? c->source_pack : c->target_pack;
            web_puts(&p, "<li><a href=\"/frameworks?a=");
            web_attr(&p, x);
            web_puts(&p, "&amp;b=");
            web_attr(&p, y);
            web_puts(&p, "\">");
            web_esc(&p, x);
            web_puts(&p, " \xe2\x86\x92 ");
            web_esc(&p, y);
            web_puts(&p, "</a></li>");
        }
    }
    web_puts(&p, "</ul></nav>");
    if (html) {
        web_puts(&p, "<div id=\"side-by-side\" class=\"compare\">");
        web_puts(&p, html);
        web_puts(&p, "</div>");
    }
    free(html);
    mm_compare_free(cmp);
    mm_crosswalk_free(cw);
    web_page_finish(&p, out, 200);
}
