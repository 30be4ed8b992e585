/* mamori serve: the portfolio trend (/trends) and what changed since a day (/changes), the
 * authority's (docs/dashboard.md "Trends", "What changed"). Both read portfolio.c, as the API
 * does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/portfolio.h"
#include "server/web.h"
#include "server/web_parts.h"

static const char *const fws[] = {"800-171r2", "800-171r3"};
/* the statuses of a month, in the list's order (orgs.c status_rank) */
static const char *const statuses[] = {"meets", "conditional", "conditional-expired",
                                       "stale", "not-met",     "no-valid-score"};
#define NST (sizeof statuses / sizeof statuses[0])

/* ---- /trends ------------------------------------------------------------------------------ */

typedef struct trends_model {
    int months;
    json_t *t; /* portfolio_trend */
} trends_model;

static int trends_model_make(trends_model *m, http_req *r)
{
    const char *v = req_query(r, "months"); /* 1..60 (routes.c) */
    m->months = v && v[0] ? atoi(v) : PORTFOLIO_MONTHS_DEFAULT;
    m->t = NULL;
    return portfolio_trend(r, m->months, &m->t);
}

static void trends_form(page *p, int months)
{
    static const int choices[] = {6, 12, 24, 36, 60};
    web_puts(p, "<form id=\"trend-form\" method=\"get\" action=\"/trends\" class=\"filters\">"
                "<label for=\"months\">");
    web_put_tr(p, "trends.months");
    web_puts(p, "</label><select id=\"months\" name=\"months\">");
    bool listed = false;
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
        listed = listed || choices[i] == months;
        web_printf(p, "<option value=\"%d\"%s>%d</option>", choices[i],
                   choices[i] == months ? " selected" : "", choices[i]);
    }
    if (!listed)
        web_printf(p, "<option value=\"%d\" selected>%d</option>", months, months);
    web_puts(p, "</select><button type=\"submit\">");
    web_put_tr(p, "contractors.apply");
    web_puts(p, "</button></form>\n");
}

/* One framework's section: the status counts (a chart and a table), the median score. */
static void trends_framework(page *p, const json_t *months, const char *fw)
{
    size_t n = json_array_size(months);
    const char **labels = calloc(n ? n : 1, sizeof *labels);
    long *counts = calloc(NST * (n ? n : 1), sizeof *counts);
    double *med = calloc(n ? n : 1, sizeof *med);
    bool *has = calloc(n ? n : 1, sizeof *has);
    const char *titles[NST];
    char keys[NST][48];
    for (size_t k = 0; k < NST; k++) {
        snprintf(keys[k], sizeof keys[k], "status.%s", statuses[k]);
        titles[k] = web_tr(p, keys[k]);
    }
    web_printf(p, "<section class=\"trend\" id=\"trend-%s\"><h2>%s</h2>", fw, web_fw_label(fw));
    if (!labels || !counts || !med || !has) {
        web_error_box(p, web_tr(p, "error.busy"));
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *mo = json_array_get(months, i);
        const json_t *f = json_object_get(json_object_get(mo, "frameworks"), fw);
        labels[i] = web_sval(mo, "month");
        for (size_t k = 0; k < NST; k++)
            counts[k * n + i] = (long)json_integer_value(
                json_object_get(json_object_get(f, "statuses"), statuses[k]));
        json_t *md = json_object_get(f, "median_score");
        has[i] = json_is_number(md);
        med[i] = has[i] ? json_number_value(md) : 0;
    }
    char title[160], id[48];
    snprintf(title, sizeof title, "%s: %s", web_fw_label(fw), web_tr(p, "trends.statuses"));
    snprintf(id, sizeof id, "trend-status-%s", fw);
    web_puts(p, "<div class=\"charts two\">");
    web_chart_stacked(p, id, title, labels, n, statuses, titles, NST, counts,
                      web_tr(p, "trends.month"));
    snprintf(title, sizeof title, "%s: %s", web_fw_label(fw), web_tr(p, "trends.median"));
    snprintf(id, sizeof id, "trend-median-%s", fw);
    web_chart_line(p, id, title, labels, med, has, n, web_tr(p, "trends.month"),
                   web_tr(p, "trends.median"));
    web_puts(p, "</div>");
    /* the table of every number, always shown (the charts' alternative) */
    web_printf(p, "<table class=\"data\" id=\"trend-table-%s\">", fw);
    web_puts(p, "<caption>");
    web_esc(p, web_fw_label(fw));
    web_puts(p, "</caption><thead><tr>");
    web_th(p, "trends.month", NULL);
    web_th(p, "trends.contractors", "num");
    for (size_t k = 0; k < NST; k++)
        web_th(p, keys[k], "num");
    web_th(p, "trends.median", "num");
    web_puts(p, "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const json_t *mo = json_array_get(months, i);
        const json_t *f = json_object_get(json_object_get(mo, "frameworks"), fw);
        web_printf(p, "<tr data-month=\"%s\"><th scope=\"row\">", labels[i]);
        web_esc(p, labels[i]);
        web_printf(p, "</th><td class=\"num\">%lld</td>",
                   (long long)json_integer_value(json_object_get(f, "contractors")));
        for (size_t k = 0; k < NST; k++)
            web_printf(p, "<td class=\"num\">%ld</td>", counts[k * n + i]);
        if (has[i])
            web_printf(p, "<td class=\"num\">%.1f</td></tr>", med[i]);
        else
            web_puts(p, "<td class=\"num muted\">–</td></tr>");
    }
    web_puts(p, "</tbody></table>");
done:
    web_puts(p, "</section>\n");
    free(labels);
    free(counts);
    free(med);
    free(has);
}

static void trends_render(page *p, const trends_model *m)
{
    web_puts(p, "<h1>");
    web_put_tr(p, "trends.title");
    web_puts(p, "</h1>\n<p class=\"note\">");
    web_put_tr(p, "trends.note");
    web_puts(p, " <a id=\"changes-link\" href=\"/changes\">");
    web_put_tr(p, "changes.title");
    web_puts(p, "</a></p>\n");
    trends_form(p, m->months);
    const json_t *months = json_object_get(m->t, "months");
    for (size_t f = 0; f < 2; f++)
        trends_framework(p, months, fws[f]);
}

void w_trends(http_req *r, reply *out)
{
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "trends.title");
    trends_model m = {0};
    const char *v = req_query(r, "months");
    char what[32], ckey[96];
    snprintf(what, sizeof what, "trends-%d", v && v[0] ? atoi(v) : PORTFOLIO_MONTHS_DEFAULT);
    int64_t cver = -1;
    if (web_page_cached(&p, r, ckey, sizeof ckey, what, &cver)) {
        web_page_finish(&p, out, 200);
        return;
    }
    if (trends_model_make(&m, r) != MM_OK) {
        mm_buf_free(&p.b);
        json_decref(m.t);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    trends_render(&p, &m);
    json_decref(m.t);
    web_page_keep(&p, ckey, cver);
    web_page_finish(&p, out, 200);
}

/* ---- /changes ----------------------------------------------------------------------------- */

static void put_count(page *p, const char *id, const char *key, long long n)
{
    char a[24];
    snprintf(a, sizeof a, "%lld", n);
    web_printf(p, "<li id=\"%s\" data-count=\"%lld\">", id, n);
    web_put_trf(p, key, a, NULL, NULL);
    web_puts(p, "</li>");
}

static void changes_render(page *p, const json_t *c)
{
    const char *since = web_sval(c, "since");
    web_puts(p, "<h1>");
    web_put_tr(p, "changes.title");
    web_puts(p, "</h1>\n<form id=\"changes-form\" method=\"get\" action=\"/changes\" "
                "class=\"filters\"><label for=\"since\">");
    web_put_tr(p, "changes.since");
    web_puts(p, "</label><input id=\"since\" name=\"since\" type=\"date\" max=\"");
    web_attr(p, web_sval(c, "today"));
    web_puts(p, "\" value=\"");
    web_attr(p, since);
    web_puts(p, "\"><button type=\"submit\">");
    web_put_tr(p, "contractors.apply");
    web_puts(p, "</button></form>\n<ul class=\"counts\" id=\"changes-counts\">");
    json_t *exp = json_object_get(c, "conditional_expired");
    json_t *inc = json_object_get(c, "incidents");
    put_count(p, "count-new", "changes.new",
              (long long)json_integer_value(json_object_get(c, "new_submissions")));
    put_count(p, "count-changed", "changes.changed",
              (long long)json_integer_value(json_object_get(c, "status_changes")));
    put_count(p, "count-expired", "changes.expired",
              (long long)json_integer_value(json_object_get(c, "conditional_expired_total")));
    put_count(p, "count-incidents", "changes.incidents", (long long)json_array_size(inc));
    web_puts(p, "</ul>\n<h2>");
    web_put_tr(p, "changes.submissions");
    web_puts(p, "</h2><table class=\"data\" id=\"changes\"><thead><tr>");
    web_th(p, "col.received", NULL);
    web_th(p, "col.contractor", NULL);
    web_th(p, "col.framework", NULL);
    web_th(p, "changes.before", NULL);
    web_th(p, "col.status", NULL);
    web_th(p, "col.score", "num");
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(c, "submissions"), i, it)
    {
        const char *st = web_sval(it, "status"), *prev = web_sval(it, "prev_status");
        bool changed = prev && !mm_streq(prev, st);
        web_printf(p, "<tr data-sub=\"%s\"%s><td>", web_sval(it, "id"),
                   changed ? " data-changed=\"1\"" : "");
        web_esc(p, web_sval(it, "received"));
        web_printf(p, "</td><td><a href=\"/contractors/%s\">", web_sval(it, "org_id"));
        web_user(p, web_sval(it, "org_name"));
        web_printf(p, "</a></td><td>%s</td><td>", web_fw_label(web_sval(it, "framework")));
        if (prev)
            web_badge(p, prev);
        else
            web_put_tr(p, "changes.first");
        web_puts(p, "</td><td>");
        web_badge(p, st);
        web_puts(p, "</td><td class=\"num\">");
        json_t *ps = json_object_get(it, "prev_score"), *sc = json_object_get(it, "score");
        if (json_is_integer(ps))
            web_printf(p, "%lld → ", (long long)json_integer_value(ps));
        if (json_is_integer(sc))
            web_printf(p, "%lld", (long long)json_integer_value(sc));
        else
            web_puts(p, "–");
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table>\n");
    long long listed = (long long)json_array_size(json_object_get(c, "submissions"));
    if (listed < json_integer_value(json_object_get(c, "new_submissions"))) {
        char a[24];
        snprintf(a, sizeof a, "%lld", listed);
        web_puts(p, "<p class=\"note\">");
        web_put_trf(p, "changes.limited", a, NULL, NULL);
        web_puts(p, "</p>");
    }
    web_puts(p, "<h2>");
    web_put_tr(p, "changes.expired_title");
    web_puts(p, "</h2><ul id=\"changes-expired\">");
    json_array_foreach(exp, i, it)
    {
        web_printf(p, "<li><a href=\"/contractors/%s\">", web_sval(it, "org_id"));
        web_user(p, web_sval(it, "org_name"));
        web_puts(p, "</a></li>");
    }
    web_puts(p, "</ul><h2>");
    web_put_tr(p, "changes.incidents_title");
    web_puts(p, "</h2><ul id=\"changes-incidents\">");
    json_array_foreach(inc, i, it)
    {
        web_printf(p, "<li><a href=\"/incidents/%lld\">",
                   (long long)json_integer_value(json_object_get(it, "id")));
        web_esc(p, web_sval(it, "report_number"));
        web_puts(p, "</a> ");
        web_esc(p, web_sval(it, "reported"));
        web_puts(p, "</li>");
    }
    web_puts(p, "</ul>");
}

void w_changes(http_req *r, reply *out)
{
    const char *v = req_query(r, "since"); /* a date (routes.c) */
    char since[11];
    if (v && v[0] && strcmp(v, r->today) > 0) {
        page lp;
        web_page_init(&lp, r, out);
        char m[300];
        web_trf_plain(&lp, m, sizeof m, "changes.future", r->today, v, NULL);
        mm_buf_free(&lp.b);
        web_error_page_text(r, out, 400, m, NULL);
        return;
    }
    if (v && v[0])
        snprintf(since, sizeof since, "%s", v);
    else
        mm_date_format(since, mm_date_days(r->today) - PORTFOLIO_SINCE_DAYS);
    json_t *c = NULL;
    if (portfolio_changes(r, since, &c) != MM_OK) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "changes.title");
    changes_render(&p, c);
    json_decref(c);
    web_page_finish(&p, out, 200);
}
