/* mamori serve: the dashboard's page of one installation plan, /plans/{id} (docs/dashboard.md,
 * docs/screening.md "The screening report"): the plan, its ranked findings with their
 * evidence and its parties, as the reader may see them (screen_report_make: the authority
 * every plan, an operator's users their own, anyone else 404), a form to choose the
 * frameworks and the incident window, and links to the signed JSON and HTML reports. */
#include <stdio.h>
#include <string.h>

#include "server/screen_report.h"
#include "server/web.h"
#include "util/util.h"

static const char *sv(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void put_evidence(page *p, const json_t *ev)
{
    size_t i;
    json_t *e;
    web_puts(p, "<ul class=\"evidence\">");
    json_array_foreach(ev, i, e)
    {
        web_puts(p, "<li>");
        const char *k;
        json_t *v;
        bool first = true;
        json_object_foreach((json_t *)e, k, v)
        {
            char num[32] = "";
            if (json_is_integer(v))
                snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            if (!json_is_string(v) && !num[0])
                continue;
            web_puts(p, first ? "" : "; ");
            first = false;
            web_esc(p, k);
            web_puts(p, ": ");
            web_user(p, num[0] ? num : json_string_value(v));
        }
        web_puts(p, "</li>");
    }
    web_puts(p, "</ul>");
}

static void put_head(page *p, const char *const *keys, size_t n)
{
    web_puts(p, "<thead><tr>");
    for (size_t c = 0; c < n; c++) {
        web_puts(p, "<th scope=\"col\">");
        web_put_tr(p, keys[c]);
        web_puts(p, "</th>");
    }
    web_puts(p, "</tr></thead><tbody>");
}

static void put_findings(page *p, const json_t *rep)
{
    web_puts(p, "<h2>");
    web_put_tr(p, "screen_report.findings");
    web_puts(p, "</h2><p class=\"note\">");
    web_put_tr(p, "screen_report.ranking_note");
    web_puts(p, "</p>");
    const json_t *findings = json_object_get(rep, "findings");
    if (json_array_size(findings) == 0) {
        web_puts(p, "<p id=\"no-findings\" class=\"muted\">");
        web_put_tr(p, "screen_report.no_findings");
        web_puts(p, "</p>");
        return;
    }
    static const char *const cols[] = {"screen_report.rank",    "screen_report.severity",
                                       "screen_report.role",    "screen_report.party",
                                       "screen_report.finding", "screen_report.evidence"};
    web_puts(p, "<table id=\"findings\" class=\"data\">");
    put_head(p, cols, sizeof cols / sizeof cols[0]);
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f)
    {
        char key[64];
        web_printf(p, "<tr data-rule=\"");
        web_attr(p, sv(f, "rule"));
        web_puts(p, "\" data-severity=\"");
        web_attr(p, sv(f, "severity"));
        web_printf(p, "\"><td>%lld</td><td><span class=\"badge\" data-severity=\"",
                   (long long)json_integer_value(json_object_get(f, "rank")));
        web_attr(p, sv(f, "severity"));
        web_puts(p, "\">");
        snprintf(key, sizeof key, "screen_report.severity.%s", sv(f, "severity"));
        web_put_tr(p, key);
        web_puts(p, "</span></td><td>");
        snprintf(key, sizeof key, "screen_report.role.%s", sv(f, "role"));
        web_put_tr(p, key);
        web_puts(p, "</td><td>");
        web_user(p, sv(f, "organization_name") ? sv(f, "organization_name") : sv(f, "party"));
        web_puts(p, "</td><td>");
        web_esc(p, sv(f, "rule"));
        web_puts(p, ": ");
        snprintf(key, sizeof key, "screen_report.rule.%s", sv(f, "rule"));
        web_put_tr(p, key);
        web_puts(p, "</td><td>");
        put_evidence(p, json_object_get(f, "evidence"));
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table>");
}

static void put_parties(page *p, const json_t *rep)
{
    web_puts(p, "<h2>");
    web_put_tr(p, "screen_report.parties");
    web_puts(p, "</h2><table id=\"parties\" class=\"data\">");
    static const char *const cols[] = {"screen_report.role",      "screen_report.path",
                                       "screen_report.party",     "screen_report.assessment",
                                       "screen_report.incidents", "screen_report.edges"};
    put_head(p, cols, sizeof cols / sizeof cols[0]);
    size_t i;
    json_t *pt;
    json_array_foreach(json_object_get(rep, "parties"), i, pt)
    {
        char key[64];
        const json_t *a = json_object_get(pt, "assessment");
        bool known = json_is_true(json_object_get(pt, "known"));
        bool vis = json_is_true(json_object_get(pt, "status_visible"));
        web_puts(p, "<tr data-path=\"");
        web_attr(p, sv(pt, "path"));
        web_printf(p, "\" data-known=\"%d\" data-visible=\"%d\"><td>", known, vis);
        snprintf(key, sizeof key, "screen_report.role.%s", sv(pt, "role"));
        web_put_tr(p, key);
        web_puts(p, "</td><td>");
        web_esc(p, sv(pt, "path"));
        web_puts(p, "</td><td>");
        web_user(p, sv(pt, "organization_name") ? sv(pt, "organization_name") : sv(pt, "name"));
        if (!known) {
            web_puts(p, " <span class=\"muted\">(");
            web_put_tr(p, "screen_report.unknown");
            web_puts(p, ")</span>");
        }
        web_puts(p, "</td><td>");
        if (known && !vis)
            web_put_tr(p, "screen_report.withheld");
        else if (known && json_is_object(a)) {
            web_badge(p, sv(a, "status"));
            web_puts(p, " ");
            web_esc(p, sv(a, "framework"));
            web_puts(p, " ");
            web_esc(p, sv(a, "status_date"));
        } else if (known)
            web_put_tr(p, "screen_report.no_assessment");
        web_puts(p, "</td><td>");
        const json_t *inc = json_object_get(pt, "incidents");
        if (json_is_object(inc))
            web_printf(p, "%lld", (long long)json_integer_value(json_object_get(inc, "count")));
        web_printf(p, "</td><td>%zu</td></tr>",
                   json_array_size(json_object_get(pt, "supply_edges")));
    }
    web_puts(p, "</tbody></table>");
}

static void put_form(page *p, const json_t *rep, const char *id)
{
    const json_t *sel = json_object_get(rep, "selection");
    char joined[1024] = "";
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(sel, "frameworks"), i, v)
    {
        size_t n = strlen(joined);
        snprintf(joined + n, sizeof joined - n, "%s%s", i ? "," : "", json_string_value(v));
    }
    web_puts(p, "<form id=\"report-options\" method=\"get\" action=\"/plans/");
    web_attr(p, id);
    web_puts(p, "\"><label for=\"frameworks\">");
    web_put_tr(p, "screen_report.frameworks");
    web_puts(p, "</label> <input id=\"frameworks\" name=\"frameworks\" value=\"");
    web_attr(p, joined);
    web_puts(p, "\"> <label for=\"months\">");
    web_put_tr(p, "screen_report.months");
    web_printf(p,
               "</label> <input id=\"months\" name=\"months\" type=\"number\" min=\"1\" "
               "max=\"%d\" value=\"%lld\"> <button type=\"submit\">",
               SCREEN_MONTHS_MAX, (long long)json_integer_value(json_object_get(sel, "months")));
    web_put_tr(p, "screen_report.apply");
    web_puts(p, "</button></form>");
}

static void put_downloads(page *p, const json_t *rep, const char *id)
{
    const json_t *sel = json_object_get(rep, "selection");
    char base[256];
    if (p->r->who.authority)
        snprintf(base, sizeof base, "/api/v1/plans/%s/report", id);
    else
        snprintf(base, sizeof base, "/api/v1/organizations/%s/plans/%s/report",
                 sv(json_object_get(rep, "plan"), "operator_id"), id);
    char q[1200] = "";
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(sel, "frameworks"), i, v)
    {
        size_t n = strlen(q);
        snprintf(q + n, sizeof q - n, "%s%s", i ? "," : "", json_string_value(v));
    }
    static const char *const fmts[][2] = {{"json", "screen_report.signed_json"},
                                          {"html", "screen_report.signed_html"}};
    web_puts(p, "<p id=\"downloads\">");
    for (size_t k = 0; k < 2; k++) {
        web_puts(p, "<a href=\"");
        web_attr(p, base);
        web_printf(p, "?format=%s&amp;months=%lld&amp;frameworks=", fmts[k][0],
                   (long long)json_integer_value(json_object_get(sel, "months")));
        web_attr(p, q);
        web_printf(p, "\" id=\"download-%s\">", fmts[k][0]);
        web_put_tr(p, fmts[k][1]);
        web_puts(p, k ? "</a>" : "</a> · ");
    }
    web_puts(p, "</p><p class=\"note\">");
    web_put_tr(p, "screen_report.verify_note");
    web_puts(p, "</p>");
}

void w_plan(http_req *r, reply *out)
{
    const char *id = r->param[0];
    screen_report_opts o;
    act_fail f = {0};
    json_t *rep = NULL;
    int rc = screen_report_opts_read(r, &o, &f);
    if (rc) {
        web_error_page_text(r, out, 400, f.msg, "error.400");
        return;
    }
    rc = screen_report_make(r, r->who.authority ? NULL : r->who.org_id, id, &o, &rep, &f);
    if (rc) {
        if (f.kind == ACT_NOT_FOUND)
            web_error_page(r, out, 404, "error.not_found");
        else
            web_error_page(r, out, 503, "error.busy");
        return;
    }
    const json_t *plan = json_object_get(rep, "plan");
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "screen_report.title");
    web_puts(&p, "<h1>");
    web_put_tr(&p, "screen_report.title");
    web_puts(&p, "</h1><dl class=\"meta\" id=\"plan\">");
    static const char *const facts[][2] = {
        {"screen_report.plan", "id"}, {"plans.operator", "operator_id"}, {"plans.sector", "sector"},
        {"plans.state", "state"},     {"plans.filed", "filed"},          {"plans.due", "due"}};
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        web_puts(&p, "<dt>");
        web_put_tr(&p, facts[i][0]);
        web_puts(&p, "</dt><dd>");
        web_esc(&p, sv(plan, facts[i][1]));
        web_puts(&p, "</dd>");
    }
    const json_t *eq = json_object_get(rep, "equipment");
    web_puts(&p, "<dt>");
    web_put_tr(&p, "screen_report.equipment");
    web_puts(&p, "</dt><dd>");
    web_user(&p, sv(eq, "model"));
    web_puts(&p, " ");
    web_user(&p, sv(eq, "version"));
    web_puts(&p, " ");
    web_esc(&p, sv(eq, "category"));
    web_puts(&p, "</dd></dl>");
    put_form(&p, rep, id);
    const json_t *sum = json_object_get(rep, "summary");
    char counts[4][24];
    for (int s = 0; s < 4; s++)
        snprintf(counts[s], sizeof counts[s], "%lld",
                 (long long)json_integer_value(json_object_get(sum, mm_screen_severities[s])));
    web_puts(&p, "<p id=\"summary\">");
    web_put_trf(&p, "screen_report.summary", counts[0], counts[1], counts[2]);
    web_puts(&p, "</p>");
    put_findings(&p, rep);
    put_parties(&p, rep);
    put_downloads(&p, rep, id);
    json_decref(rep);
    web_page_finish(&p, out, 200);
}
