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

void w_requirement(http_req *r, reply *out)
{
    const char *rid = r->param[0];
    const mm_catalog *cat = r->srv->r3;
    const mm_requirement *req = mm_catalog_requirement(cat, rid);
    if (!req) {
        cat = r->srv->r2;
        req = mm_catalog_requirement(cat, rid);
    }
    if (!req) {
        web_error_page(r, out, 404, "error.not_found");
        return;
    }
    const char *fw = mm_framework_name(cat->framework);
    page p;
    web_page_init(&p, r, out);
    p.title = req->id;
    char ckey[96], what[48];
    int64_t cver = -1;
    snprintf(what, sizeof what, "requirement:%s", req->id);
    if (web_page_cached(&p, r, ckey, sizeof ckey, what, &cver)) {
        web_page_finish(&p, out, 200);
        return;
    }
    json_t *all = web_all_contractors(r, NULL, NULL);
    if (!all) {
        mm_buf_free(&p.b);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    long assessed = 0, failing = 0, detailed = 0;
    json_t *fails = json_array();
    /* per objective: how many contractors' latest submissions fail it (summaries made since
     * the gaps carry their objectives; older ones count only for the requirement) */
    long *obj_fail = calloc(req->nobjectives ? req->nobjectives : 1, sizeof *obj_fail);
    size_t i;
    json_t *it;
    json_array_foreach(all, i, it)
    {
        json_t *l = json_object_get(it, "latest");
        if (!json_is_object(l) || !mm_streq(web_sval(l, "framework"), fw))
            continue;
        json_t *sub = web_submission(r, web_sval(l, "id"));
        if (!sub)
            continue;
        assessed++;
        size_t k;
        json_t *g;
        json_array_foreach(json_object_get(json_object_get(sub, "summary"), "gaps"), k, g)
        {
            if (!mm_streq(web_sval(g, "requirement"), req->id))
                continue;
            failing++;
            json_t *objs = json_object_get(g, "objectives");
            if (json_is_array(objs) && obj_fail) {
                detailed++;
                size_t q;
                json_t *oid;
                json_array_foreach(objs, q, oid)
                {
                    for (size_t o = 0; o < req->nobjectives; o++)
                        if (mm_streq(json_string_value(oid), req->objectives[o].id))
                            obj_fail[o]++;
                }
            }
            json_array_append_new(
                fails, json_pack("{s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(it, "id"), "name",
                                 json_object_get(it, "name"), "gap", json_object_get(g, "status"),
                                 "on_poam", json_object_get(g, "on_poam"), "status",
                                 json_object_get(it, "status")));
            break;
        }
        json_decref(sub);
    }
    web_printf(&p, "<p class=\"crumbs\">%s · ", web_fw_label(fw));
    web_esc(&p, cat->families[req->family].title);
    web_puts(&p, "</p><h1>");
    web_esc(&p, req->id);
    web_puts(&p, " ");
    web_esc(&p, req->title);
    web_puts(&p, "</h1>\n<p class=\"big\" id=\"met-count\">");
    char a0[24], a1[24];
    snprintf(a0, sizeof a0, "%ld", assessed - failing);
    snprintf(a1, sizeof a1, "%ld", assessed);
    web_put_trf(&p, "requirement.met_count", a0, a1, web_fw_label(fw));
    web_puts(&p, "</p>\n<section><h2>");
    web_put_tr(&p, "requirement.failing");
    web_puts(&p, "</h2><table id=\"failing-contractors\" class=\"data\"><thead><tr>");
    web_th(&p, "col.contractor", NULL);
    web_th(&p, "col.gap_status", NULL);
    web_th(&p, "col.poam", NULL);
    web_th(&p, "col.status", NULL);
    web_puts(&p, "</tr></thead><tbody>");
    json_array_foreach(fails, i, it)
    {
        web_printf(&p, "<tr data-org-id=\"%s\"><td><a href=\"/contractors/%s\">",
                   web_sval(it, "id"), web_sval(it, "id"));
        web_esc(&p, web_sval(it, "name"));
        web_puts(&p, "</a></td><td>");
        char key[48];
        snprintf(key, sizeof key, "gap.%s", web_sval(it, "gap") ? web_sval(it, "gap") : "not-met");
        web_put_tr(&p, key);
        web_puts(&p, "</td><td>");
        web_put_tr(&p, json_is_true(json_object_get(it, "on_poam")) ? "requirement.on_poam"
                                                                    : "requirement.no_poam");
        web_puts(&p, "</td><td>");
        web_badge(&p, web_sval(it, "status"));
        web_puts(&p, "</td></tr>");
    }
    web_puts(&p, "</tbody></table></section>\n<section><h2>");
    web_put_tr(&p, "requirement.objectives");
    web_puts(&p, "</h2><p class=\"note\" id=\"objectives-note\">");
    char d0[24], d1[24];
    snprintf(d0, sizeof d0, "%ld", detailed);
    snprintf(d1, sizeof d1, "%ld", failing);
    web_put_trf(&p, "requirement.objectives_note", d0, d1, NULL);
    web_puts(&p, "</p><table id=\"failing-objectives\" class=\"data\"><thead><tr>");
    web_th(&p, "col.objective", NULL);
    web_th(&p, "col.text", NULL);
    web_th(&p, "col.contractors_failing", "num");
    web_puts(&p, "</tr></thead><tbody>");
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
        web_puts(&p, "<tr><td>");
        web_esc(&p, req->objectives[o].id);
        web_puts(&p, "</td><td>");
        web_esc(&p, req->objectives[o].text);
        web_printf(&p, "</td><td class=\"num\">%ld</td></tr>", obj_fail ? obj_fail[o] : 0);
    }
    web_puts(&p, "</tbody></table></section>\n");
    free(order);
    free(obj_fail);
    json_decref(fails);
    json_decref(all);
    web_page_keep(&p, ckey, cver);
    web_page_finish(&p, out, 200);
}
