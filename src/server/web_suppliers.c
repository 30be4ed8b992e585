/* mamori serve: an organization's suppliers at every tier, with their flow-down checks
 * (docs/supply-chain.md, docs/dashboard.md): the page of GET
 * /api/v1/organizations/{org}/suppliers, the same view (supply_view_page), the same route
 * need (the authority, or a user of that organization) and the same filters, one page of
 * 50 edges at a time. What a contractor sees is what the store's visibility rules give it:
 * its direct suppliers, and below them only what every link consented to pass up; never a
 * customer's other suppliers. Supplier names link to their pages for the authority only. */
#include <stdio.h>
#include <stdlib.h>

#include "server/supply.h"
#include "server/web.h"
#include "server/web_parts.h"

#define PER_PAGE 50

static const char *q(http_req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && *v ? v : NULL;
}

/* a link to page n of this view with the same filters */
static void page_link(page *p, const char *org, const char *handles, const char *check, long long n,
                      const char *id, const char *key)
{
    web_printf(p, "<a id=\"%s\" href=\"/contractors/", id);
    web_attr(p, org);
    web_printf(p, "/suppliers?page=%lld", n);
    if (handles) {
        web_puts(p, "&amp;handles=");
        web_attr(p, handles);
    }
    if (check) {
        web_puts(p, "&amp;check=");
        web_attr(p, check);
    }
    web_puts(p, "\">");
    web_put_tr(p, key);
    web_puts(p, "</a> ");
}

static void edge_row(page *p, const json_t *e, bool authority, const json_t *names)
{
    const char *sup = json_string_value(json_object_get(e, "supplier_id"));
    const char *cust = json_string_value(json_object_get(e, "customer_id"));
    const char *check = json_string_value(json_object_get(e, "check"));
    web_printf(p, "<tr data-edge=\"");
    web_attr(p, json_string_value(json_object_get(e, "id")));
    web_printf(p, "\" data-check=\"%s\"><td>", check ? check : "");
    web_printf(p, "%lld</td><td>", (long long)json_integer_value(json_object_get(e, "tier")));
    if (authority) {
        web_puts(p, "<a href=\"/contractors/");
        web_attr(p, sup);
        web_puts(p, "\">");
    }
    web_user(p, json_string_value(json_object_get(e, "supplier_name")));
    web_puts(p, authority ? "</a></td><td>" : "</td><td>");
    const char *cname = json_string_value(json_object_get(names, cust ? cust : ""));
    web_user(p, cname ? cname : cust);
    web_puts(p, "</td><td>");
    web_user(p, json_string_value(json_object_get(e, "contract")));
    web_puts(p, "</td><td>");
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(e, "handles"), i, h)
    {
        web_printf(p, "%s", i ? ", " : "");
        web_esc(p, json_string_value(h));
    }
    web_puts(p, "</td><td>");
    const json_t *latest = json_object_get(e, "latest");
    if (json_is_true(json_object_get(e, "status_visible")))
        web_badge(p, json_is_object(latest) ? json_string_value(json_object_get(latest, "status"))
                                            : "none");
    else
        web_put_tr(p, "suppliers.hidden");
    web_printf(p, "</td><td><span class=\"check\" data-check=\"%s\">", check ? check : "");
    if (check)
        web_esc(p, check);
    else
        web_put_tr(p, "suppliers.check.none");
    web_puts(p, "</span><ul class=\"checks\">");
    json_t *c;
    json_array_foreach(json_object_get(e, "checks"), i, c)
    {
        web_puts(p, "<li>");
        web_esc(p, json_string_value(json_object_get(c, "clause")));
        web_puts(p, ": ");
        web_esc(p, json_string_value(json_object_get(c, "check")));
        web_puts(p, " (");
        web_esc(p, json_string_value(json_object_get(c, "why")));
        web_puts(p, ")</li>");
    }
    web_puts(p, "</ul></td></tr>");
}

static void suppliers_render(page *p, http_req *r, const json_t *org, const json_t *v,
                             long long page_no)
{
    static const char *const handles[] = {"cui", "fci", "mod-protected", "none", NULL};
    static const char *const checks[] = {"ok",         "missing",  "expired", "not-met",
                                         "no-consent", "unstated", NULL};
    const char *id = r->param[0], *fh = q(r, "handles"), *fc = q(r, "check");
    web_puts(p, "<h1>");
    web_put_tr(p, "suppliers.title");
    web_puts(p, ": ");
    web_user(p, json_string_value(json_object_get(org, "name")));
    web_puts(p, "</h1><p class=\"note\">");
    web_put_tr(p, r->who.authority ? "suppliers.note.all" : "suppliers.note.own");
    web_puts(p, "</p><form id=\"suppliers-filter\" method=\"get\" action=\"/contractors/");
    web_attr(p, id);
    web_puts(p, "/suppliers\">");
    web_select_input(p, "handles", "suppliers.handles", handles, fh);
    web_select_input(p, "check", "suppliers.check", checks, fc);
    web_puts(p, "<button type=\"submit\">");
    web_put_tr(p, "map.apply");
    web_puts(p, "</button></form>");
    long long total = (long long)json_integer_value(json_object_get(v, "total"));
    char n[32], from[32], to[32];
    size_t shown = json_array_size(json_object_get(v, "items"));
    snprintf(n, sizeof n, "%lld", total);
    snprintf(from, sizeof from, "%lld", shown ? (page_no - 1) * PER_PAGE + 1 : 0);
    snprintf(to, sizeof to, "%lld", (page_no - 1) * PER_PAGE + (long long)shown);
    web_printf(p, "<p id=\"suppliers-summary\" data-total=\"%s\" data-shown=\"%zu\">", n, shown);
    web_put_trf(p, "suppliers.summary", n, from, to);
    web_puts(p, "</p><p id=\"suppliers-counts\">");
    const char *k;
    json_t *c;
    json_object_foreach(json_object_get(v, "counts"), k, c)
    {
        web_printf(p, "<span class=\"count\" data-check=\"");
        web_attr(p, k);
        web_printf(p, "\">");
        web_esc(p, k);
        web_printf(p, ": %lld</span> ", (long long)json_integer_value(c));
    }
    web_puts(p, "</p>");
    if (!shown) {
        web_puts(p, "<p id=\"no-suppliers\" class=\"muted\">");
        web_put_tr(p, "suppliers.none");
        web_puts(p, "</p>");
    }
    /* customer names: the organization itself and the suppliers named in the page */
    json_t *names = json_object();
    json_object_set_new(names, id, json_copy(json_object_get(org, "name")));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(v, "items"), i, e)
    {
        const char *sid = json_string_value(json_object_get(e, "supplier_id"));
        if (sid)
            json_object_set(names, sid, json_object_get(e, "supplier_name"));
    }
    static const char *const cols[] = {
        "suppliers.tier",    "suppliers.supplier", "suppliers.customer", "suppliers.contract",
        "suppliers.handles", "suppliers.status",   "suppliers.check",    NULL};
    web_puts(p, "<table id=\"suppliers\" class=\"data\"><thead><tr>");
    for (const char *const *col = cols; *col; col++) {
        web_puts(p, "<th scope=\"col\">");
        web_put_tr(p, *col);
        web_puts(p, "</th>");
    }
    web_puts(p, "</tr></thead><tbody>");
    json_array_foreach(json_object_get(v, "items"), i, e)
    {
        edge_row(p, e, r->who.authority, names);
    }
    web_puts(p, "</tbody></table><nav class=\"pager\" aria-label=\"");
    web_attr(p, web_tr(p, "suppliers.pages"));
    web_puts(p, "\">");
    if (page_no > 1)
        page_link(p, id, fh, fc, page_no - 1, "suppliers-prev", "suppliers.prev");
    if (page_no * PER_PAGE < total)
        page_link(p, id, fh, fc, page_no + 1, "suppliers-next", "suppliers.next");
    web_puts(p, "</nav>");
    json_decref(names);
}

void w_suppliers(http_req *r, reply *out)
{
    const char *pg = q(r, "page");
    char *end = NULL;
    long long page_no = pg ? strtoll(pg, &end, 10) : 1;
    if ((pg && *end) || page_no < 1 || page_no > 1000000) {
        web_error_page(r, out, 400, "suppliers.bad_page");
        return;
    }
    const mm_supply_page sq = {.handles = q(r, "handles"),
                               .check = q(r, "check"),
                               .offset = (page_no - 1) * PER_PAGE,
                               .limit = PER_PAGE};
    json_t *org = NULL, *v = NULL;
    int rc = mm_store_get_org(r->st, &org, r->param[0]);
    if (rc == MM_OK)
        rc = supply_view_page(r, r->param[0], &sq, &v);
    if (rc) {
        json_decref(org);
        json_decref(v);
        web_error_page(r, out, rc == MM_ENOTFOUND ? 404 : 503,
                       rc == MM_ENOTFOUND ? "error.not_found" : "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "suppliers.title");
    suppliers_render(&p, r, org, v, page_no);
    json_decref(org);
    json_decref(v);
    web_page_finish(&p, out, 200);
}
