/* mamori serve: /audit, the audit log read and its chain verified (docs/dashboard.md, "Audit
 * log"): the filters of GET /api/v1/audit as a GET form, a page of records newest first with
 * links to the newer and older pages, and a button that verifies the whole chain with the
 * code of `mamori audit verify` (POST /audit/verify, the same page with the result). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/form.h"
#include "server/web.h"
#include "server/web_parts.h"

typedef struct audit_model {
    mm_audit_filter f;
    json_t *page; /* audit_page's answer */
    bool verified, busy;
    mm_audit_report rep;
} audit_model;

/* The filters (without the page's edge) as a query "name=value&..." into out. */
static void filter_url(const mm_audit_filter *f, char *out, size_t size)
{
    char limit[24] = "";
    if (f->limit)
        snprintf(limit, sizeof limit, "%lld", (long long)f->limit);
    const struct {
        const char *name, *v;
    } fields[] = {{"actor", f->actor}, {"action", f->action}, {"org", f->org_id},
                  {"from", f->from},   {"to", f->to},         {"limit", limit[0] ? limit : NULL}};
    out[0] = '\0';
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (!fields[i].v)
            continue;
        size_t l = strlen(out);
        if (l + strlen(fields[i].name) + 3 >= size)
            return;
        snprintf(out + l, size - l, "%s%s=", l ? "&" : "", fields[i].name);
        (void)mm_url_encode(out, size, fields[i].v); /* routes.c bounds every value */
    }
}

static void put_text_field(page *p, const char *id, const char *key, const char *v, int max)
{
    web_printf(p, "<label for=\"%s\">", id);
    web_put_tr(p, key);
    web_printf(p, "</label><input id=\"%s\" name=\"%s\" dir=\"auto\" maxlength=\"%d\" value=\"", id,
               id, max);
    web_attr(p, v ? v : "");
    web_puts(p, "\">");
}

static void put_filters(page *p, const mm_audit_filter *f)
{
    web_puts(p, "<form id=\"audit-filter\" method=\"get\" action=\"/audit\" class=\"filters\" "
                "role=\"search\">");
    put_text_field(p, "actor", "audit.actor", f->actor, 100);
    web_puts(p, "<label for=\"action\">");
    web_put_tr(p, "audit.action");
    web_puts(p, "</label><select id=\"action\" name=\"action\"><option value=\"\">");
    web_put_tr(p, "audit.any_action");
    web_puts(p, "</option>");
    for (const char *const *a = audit_actions; *a; a++)
        web_printf(p, "<option%s>%s</option>", mm_streq(f->action, *a) ? " selected" : "", *a);
    web_puts(p, "</select>");
    put_text_field(p, "org", "audit.org", f->org_id, 64);
    static const char *const dates[] = {"from", "to"};
    for (int d = 0; d < 2; d++) {
        char key[16];
        snprintf(key, sizeof key, "audit.%s", dates[d]);
        web_printf(p, "<label for=\"%s\">", dates[d]);
        web_put_tr(p, key);
        web_printf(p, "</label><input id=\"%s\" name=\"%s\" type=\"date\" value=\"", dates[d],
                   dates[d]);
        web_attr(p, d ? (f->to ? f->to : "") : (f->from ? f->from : ""));
        web_puts(p, "\">");
    }
    web_puts(p, "<button type=\"submit\">");
    web_put_tr(p, "audit.apply");
    web_puts(p, "</button> <a id=\"audit-clear\" href=\"/audit\">");
    web_put_tr(p, "audit.clear");
    web_puts(p, "</a></form>\n");
}

static void put_verify(page *p, const audit_model *m, const char *query)
{
    web_puts(p, "<form id=\"audit-verify\" method=\"post\" action=\"/audit/verify");
    if (query[0]) {
        web_puts(p, "?");
        web_attr(p, query);
    }
    web_puts(p, "\" class=\"inline\">");
    web_csrf_field(p);
    web_puts(p, "<button type=\"submit\" id=\"verify-chain\">");
    web_put_tr(p, "audit.verify");
    web_puts(p, "</button> <span class=\"note\">");
    web_put_tr(p, "audit.verify_note");
    web_puts(p, "</span></form>\n");
    if (m->busy) {
        web_puts(p, "<div class=\"error\" role=\"alert\" id=\"verify-result\" data-intact=\"\">");
        web_put_tr(p, "audit.busy");
        web_puts(p, "</div>\n");
        return;
    }
    if (!m->verified)
        return;
    char n[24], id[24];
    snprintf(n, sizeof n, "%lld", (long long)m->rep.records);
    snprintf(id, sizeof id, "%lld", (long long)m->rep.bad_id);
    if (!m->rep.bad_id) {
        web_puts(p, "<p class=\"ok\" role=\"status\" id=\"verify-result\" data-intact=\"true\" "
                    "data-records=\"");
        web_printf(p, "%s\">", n);
        web_put_trf(p, "audit.intact", n, NULL, NULL);
        web_puts(p, "</p>\n");
        return;
    }
    web_printf(p,
               "<div class=\"error\" role=\"alert\" id=\"verify-result\" data-intact=\"false\" "
               "data-records=\"%s\" data-bad-id=\"%s\"><p>",
               n, id);
    web_put_trf(p, "audit.broken", id, n, NULL);
    web_puts(p, "</p><p>");
    web_put_tr(p, "audit.reason");
    web_puts(p, " ");
    web_en(p, m->rep.what);
    web_puts(p, "</p>");
    if (m->rep.expected[0]) {
        web_puts(p, "<p>");
        web_put_tr(p, "audit.expected");
        web_puts(p, " <code>");
        web_esc(p, m->rep.expected);
        web_puts(p, "</code><br>");
        web_put_tr(p, "audit.found");
        web_puts(p, " <code>");
        web_esc(p, m->rep.found[0] ? m->rep.found : "-");
        web_puts(p, "</code></p>");
    }
    web_puts(p, "<p><a href=\"/audit?before=");
    web_printf(p, "%lld\">", (long long)m->rep.bad_id + 1);
    web_put_tr(p, "audit.show_bad");
    web_puts(p, "</a></p></div>\n");
}

static void put_records(page *p, const json_t *items)
{
    web_puts(p, "<table id=\"audit\" class=\"data\"><thead><tr>");
    web_th(p, "audit.time", NULL);
    web_th(p, "audit.actor", NULL);
    web_th(p, "audit.action", NULL);
    web_th(p, "col.organization", NULL);
    web_th(p, "audit.target", NULL);
    web_th(p, "audit.details", NULL);
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *actor = web_sval(it, "actor"), *org = web_sval(it, "org_id");
        web_printf(p, "<tr data-id=\"%lld\"><td>",
                   (long long)json_integer_value(json_object_get(it, "id")));
        web_time(p, web_sval(it, "ts"));
        char href[400] = "/audit?actor=";
        (void)mm_url_encode(href, sizeof href, actor);
        web_puts(p, "</td><td><a href=\"");
        web_attr(p, href);
        web_puts(p, "\">");
        web_user(p, actor);
        web_puts(p, "</a></td><td><code>");
        web_esc(p, web_sval(it, "action"));
        web_puts(p, "</code></td><td>");
        if (org && org[0]) {
            snprintf(href, sizeof href, "/audit?org=");
            (void)mm_url_encode(href, sizeof href, org);
            web_puts(p, "<a href=\"");
            web_attr(p, href);
            web_puts(p, "\">");
            web_user(p, web_sval(it, "org_name"));
            web_puts(p, "</a>");
        }
        web_puts(p, "</td><td>");
        web_user(p, web_sval(it, "object"));
        web_puts(p, "</td><td><code class=\"detail\">");
        char *d = json_dumps(json_object_get(it, "detail"), JSON_COMPACT | JSON_SORT_KEYS);
        web_user(p, d && strcmp(d, "{}") != 0 ? d : "");
        free(d);
        web_puts(p, "</code></td></tr>");
    }
    web_puts(p, "</tbody></table>\n");
    if (!json_array_size(items)) {
        web_puts(p, "<p class=\"note\" id=\"audit-none\">");
        web_put_tr(p, "audit.none");
        web_puts(p, "</p>\n");
    }
}

static void put_paging(page *p, const json_t *pg, const char *query)
{
    json_t *newer = json_object_get(pg, "newer"), *older = json_object_get(pg, "older");
    web_puts(p, "<nav class=\"pagination\" aria-label=\"");
    web_put_tr(p, "audit.pages");
    web_puts(p, "\">");
    if (json_is_integer(newer)) {
        web_puts(p, "<a rel=\"prev\" id=\"audit-newer\" href=\"/audit?");
        web_attr(p, query);
        web_printf(p, "%safter=%lld\">", query[0] ? "&amp;" : "",
                   (long long)json_integer_value(newer));
        web_put_tr(p, "audit.newer");
        web_puts(p, "</a> ");
    }
    if (json_is_integer(older)) {
        web_puts(p, "<a rel=\"next\" id=\"audit-older\" href=\"/audit?");
        web_attr(p, query);
        web_printf(p, "%sbefore=%lld\">", query[0] ? "&amp;" : "",
                   (long long)json_integer_value(older));
        web_put_tr(p, "audit.older");
        web_puts(p, "</a>");
    }
    web_puts(p, "</nav>\n");
}

static void audit_render(page *p, const audit_model *m)
{
    char query[1200];
    filter_url(&m->f, query, sizeof query);
    web_puts(p, "<h1>");
    web_put_tr(p, "audit.title");
    web_puts(p, "</h1>\n<p class=\"note\">");
    web_put_tr(p, "audit.intro");
    web_puts(p, "</p>\n");
    put_verify(p, m, query);
    put_filters(p, &m->f);
    /* the CSV: every record of the filters, without the page's size */
    mm_audit_filter all = m->f;
    all.limit = 0;
    char csv[1200];
    filter_url(&all, csv, sizeof csv);
    web_puts(p, "<p class=\"toolbar\"><a id=\"audit-csv\" href=\"/api/v1/audit.csv");
    if (csv[0]) {
        web_puts(p, "?");
        web_attr(p, csv);
    }
    web_puts(p, "\" download>");
    web_put_tr(p, "audit.csv");
    web_puts(p, "</a></p>\n");
    put_records(p, json_object_get(m->page, "items"));
    put_paging(p, m->page, query);
}

/* The page for r's filters, with the chain verified first when verify is set. */
static void audit_answer(http_req *r, reply *out, bool verify)
{
    audit_model m = {0};
    audit_filter_read(r, &m.f);
    int rc = MM_OK;
    if (verify)
        m.busy = !audit_verify_run(r, &m.rep, &rc);
    m.verified = verify && !m.busy;
    if (rc == MM_OK)
        rc = audit_page(r->st, &m.f, &m.page);
    if (rc == MM_EINVALID) { /* the dispatch checked each value: from after to is left */
        page lp;
        web_page_init(&lp, r, out);
        char msg[300];
        if (m.f.before && m.f.after)
            web_trf_plain(&lp, msg, sizeof msg, "audit.bad_edges", NULL, NULL, NULL);
        else
            web_trf_plain(&lp, msg, sizeof msg, "audit.bad_range", m.f.from, m.f.to, NULL);
        mm_buf_free(&lp.b);
        web_error_page_text(r, out, 400, msg, NULL);
        return;
    }
    if (rc) {
        json_decref(m.page);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "audit.title");
    p.self = "/audit";
    audit_render(&p, &m);
    json_decref(m.page);
    web_page_finish(&p, out, m.busy ? 429 : 200);
}

void w_audit(http_req *r, reply *out)
{
    audit_answer(r, out, false);
}

void w_audit_verify(http_req *r, reply *out)
{
    audit_answer(r, out, true);
}
