/* mamori serve: every overdue POA&M milestone of the contractors' latest submissions, paged
 * (docs/dashboard.md, "Overdue milestones"). The overview shows the oldest 20 and links here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/portfolio.h"
#include "server/web.h"
#include "server/web_parts.h"

/* One page of the list: the page asked for and mm_store_overdue_milestones' answer. */
typedef struct overdue_model {
    long long page_no, total, pages;
    json_t *od;  /* {"total", "items"} */
    json_t *odc; /* portfolio_overdue_counts */
} overdue_model;

void web_overdue_table(page *p, const json_t *items)
{
    web_puts(p, "<table id=\"overdue\" class=\"data\"><thead><tr>");
    web_th(p, "col.contractor", NULL);
    web_th(p, "col.requirement", NULL);
    web_th(p, "col.poam", NULL);
    web_th(p, "col.description", NULL);
    web_th(p, "col.due", NULL);
    web_th(p, "col.status", NULL);
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        web_printf(p, "<tr><td><a href=\"/contractors/%s\">", web_sval(it, "org_id"));
        web_user(p, web_sval(it, "org_name"));
        web_puts(p, "</a></td><td>");
        web_put_req_link(p, web_sval(it, "requirement"), true);
        web_puts(p, "</td><td>");
        web_user(p, web_sval(it, "poam_id"));
        web_puts(p, "</td><td>");
        web_user(p, web_sval(it, "description"));
        web_puts(p, "</td><td class=\"late\">");
        web_esc(p, web_sval(it, "due"));
        web_puts(p, "</td><td>");
        web_milestone_status(p, web_sval(it, "status"));
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table>");
}

void web_overdue_counts(page *p, const json_t *c)
{
    char n[24];
    long long nc = (long long)json_integer_value(json_object_get(c, "contractors"));
    snprintf(n, sizeof n, "%lld", nc);
    web_printf(p, "<p id=\"overdue-contractors\" data-count=\"%lld\">", nc);
    web_puts(p, "<a href=\"/contractors?overdue=1&amp;sort=name\">");
    web_put_trf(p, "overview.overdue_contractors", n, NULL, NULL);
    web_puts(p, "</a></p>\n<div class=\"charts two\">"
                "<table class=\"data\" id=\"overdue-ages\"><caption>");
    web_put_tr(p, "overview.overdue_counts");
    web_puts(p, "</caption><thead><tr>");
    web_th(p, "overview.overdue_age", NULL);
    web_th(p, "col.milestones", "num");
    web_puts(p, "</tr></thead><tbody>");
    const json_t *ages = json_object_get(c, "ages"), *by = json_object_get(c, "by_age");
    for (size_t i = 0; i < json_array_size(by); i++) {
        web_puts(p, "<tr><th scope=\"row\">");
        web_esc(p, json_string_value(json_array_get(ages, i)));
        web_printf(p, "</th><td class=\"num\">%lld</td></tr>",
                   (long long)json_integer_value(json_array_get(by, i)));
    }
    web_puts(p, "</tbody></table>\n<table class=\"data\" "
                "id=\"overdue-requirements\"><caption>");
    web_put_tr(p, "overview.overdue_requirements");
    web_puts(p, "</caption><thead><tr>");
    web_th(p, "col.requirement", NULL);
    web_th(p, "col.framework", NULL);
    web_th(p, "col.milestones", "num");
    web_th(p, "col.contractors", "num");
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(c, "requirements"), i, it)
    {
        web_puts(p, "<tr><td>");
        web_put_req_link(p, web_sval(it, "requirement"), true);
        web_printf(p, "</td><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>",
                   web_fw_label(web_sval(it, "framework")),
                   (long long)json_integer_value(json_object_get(it, "milestones")),
                   (long long)json_integer_value(json_object_get(it, "contractors")));
    }
    web_puts(p, "</tbody></table></div>\n");
}

/* The page asked for (?page=N, 1 when absent or out of range) and its rows: MM_OK or the
 * store's code. */
static int overdue_model_make(overdue_model *m, http_req *r)
{
    const char *pg = req_query(r, "page");
    long long page_no = pg ? strtoll(pg, NULL, 10) : 1;
    if (page_no < 1 || page_no > 100000)
        page_no = 1;
    *m = (overdue_model){.page_no = page_no};
    int rc =
        mm_store_overdue_milestones(r->st, &m->od, r->today, (page_no - 1) * PER_PAGE, PER_PAGE);
    if (rc == MM_OK)
        rc = portfolio_overdue_counts(r, &m->odc);
    if (rc)
        return rc;
    m->total = json_integer_value(json_object_get(m->od, "total"));
    m->pages = m->total ? (m->total + PER_PAGE - 1) / PER_PAGE : 1;
    return MM_OK;
}

static void overdue_render(page *p, const overdue_model *m)
{
    web_puts(p, "<h1>");
    web_put_tr(p, "overdue.title");
    web_puts(p, "</h1>\n<p class=\"note\" id=\"overdue-count\">");
    char n[24];
    snprintf(n, sizeof n, "%lld", m->total);
    web_put_trf(p, "overview.overdue_total", n, NULL, NULL);
    web_puts(p, " <a href=\"/contractors?overdue=1&amp;sort=name\">");
    web_put_tr(p, "overdue.by_contractor");
    web_puts(p, "</a></p>\n");
    web_overdue_counts(p, m->odc);
    web_overdue_table(p, json_object_get(m->od, "items"));
    web_puts(p, "\n<nav class=\"pagination\" aria-label=\"");
    web_put_tr_attr(p, "contractors.pages", NULL, NULL, NULL);
    web_puts(p, "\">");
    if (m->page_no > 1) {
        web_printf(p, "<a rel=\"prev\" href=\"/overdue?page=%lld\">", m->page_no - 1);
        web_put_tr(p, "contractors.prev");
        web_puts(p, "</a> ");
    }
    char a0[24], a1[24];
    snprintf(a0, sizeof a0, "%lld", m->page_no);
    snprintf(a1, sizeof a1, "%lld", m->pages);
    web_puts(p, "<span id=\"page-info\">");
    web_put_trf(p, "contractors.page_info", a0, a1, NULL);
    web_puts(p, "</span>");
    if (m->page_no < m->pages) {
        web_printf(p, " <a rel=\"next\" href=\"/overdue?page=%lld\">", m->page_no + 1);
        web_put_tr(p, "contractors.next");
        web_puts(p, "</a>");
    }
    web_puts(p, "</nav>");
}

void w_overdue(http_req *r, reply *out)
{
    overdue_model m;
    if (overdue_model_make(&m, r) != MM_OK) {
        json_decref(m.od);
        json_decref(m.odc);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "overdue.title");
    overdue_render(&p, &m);
    json_decref(m.od);
    json_decref(m.odc);
    web_page_finish(&p, out, 200);
}
