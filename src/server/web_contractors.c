/* mamori serve: the authority's contractor list (docs/dashboard.md). */
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
#include "server/list_filter.h"
#include "server/web.h"
#include "server/web_parts.h"

/* ---- the contractor list --------------------------------------------------------------------- */

/* What the list shows: the query as understood, and one page of contractors. */
typedef struct contractors_model {
    list_filter f;    /* borrowed from the request (routes.c checked each value) */
    const char *sort; /* borrowed from the request, or "name" */
    bool desc;
    long long page_no, total, pages;
    json_t *res;     /* mm_store_list_orgs */
    json_t *sectors; /* mm_store_contractor_sectors: the sector filter's choices */
} contractors_model;

/* The sector filter's choices: kept in the view cache by the number of contractors and the
 * newest edit of an organization (its identifiers hold the sector: organization.update), the
 * only things that change them, so a load costs a count and a look-up over indexes instead of
 * reading every contractor's identifiers (docs/benchmarks.md). */
static int contractor_sectors(http_req *r, json_t **out)
{
    int64_t n = 0, edited = 0;
    int rc = mm_store_contractor_count(r->st, &n);
    if (rc == MM_OK)
        rc = mm_store_audit_last_of(r->st, "organization.update", &edited);
    if (rc)
        return rc;
    char key[64];
    snprintf(key, sizeof key, "contractor-sectors:%lld:%lld", (long long)n, (long long)edited);
    char *text = mm_view_cache_text(key, 0);
    *out = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (*out)
        return MM_OK;
    rc = mm_store_contractor_sectors(r->st, out);
    if (rc == MM_OK) {
        char *dump = json_dumps(*out, JSON_COMPACT);
        mm_view_cache_store(key, 0, dump);
        free(dump);
    }
    return rc;
}

/* The query of the request and its page: MM_OK or the store's code. */
static int contractors_model_make(contractors_model *m, http_req *r)
{
    const char *sort = req_query(r, "sort"), *order = req_query(r, "order");
    const char *pg = req_query(r, "page");
    long long page_no = pg ? strtoll(pg, NULL, 10) : 1;
    if (page_no < 1 || page_no > 100000)
        page_no = 1;
    *m = (contractors_model){.sort = sort && sort[0] ? sort : "name",
                             .desc = mm_streq(order, "desc"),
                             .page_no = page_no};
    list_filter_read(&m->f, r);
    mm_org_query qq = {.kind = "contractor",
                       .sort = m->sort,
                       .desc = m->desc,
                       .offset = (page_no - 1) * PER_PAGE,
                       .limit = PER_PAGE};
    list_filter_query(&m->f, r, &qq);
    int rc = mm_store_list_orgs(r->st, &m->res, &qq);
    if (rc == MM_OK)
        rc = contractor_sectors(r, &m->sectors);
    if (rc)
        return rc;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(m->res, "items"), i, it) affirmation_annotate(r, it);
    m->total = json_integer_value(json_object_get(m->res, "total"));
    m->pages = m->total ? (m->total + PER_PAGE - 1) / PER_PAGE : 1;
    return MM_OK;
}

/* A labelled input of the filter form: type "date", "number" (score percentages) or "text". */
static void put_input(page *p, const char *name, const char *type, const char *label_key,
                      const char *value)
{
    web_printf(p, "<label for=\"f-%s\">", name);
    web_put_tr(p, label_key);
    web_printf(p, "</label><input id=\"f-%s\" name=\"%s\" type=\"%s\"", name, name, type);
    if (strcmp(type, "number") == 0)
        web_puts(p, " min=\"-300\" max=\"100\" step=\"1\"");
    else if (strcmp(type, "text") == 0)
        web_puts(p, " maxlength=\"64\" dir=\"auto\"");
    web_puts(p, " value=\"");
    web_attr(p, value ? value : "");
    web_puts(p, "\">");
}

/* The filters beyond the first row: sector, score range, dates, the supply graph. Open when
 * one of them is set. */
static void put_more_filters(page *p, const contractors_model *m)
{
    const list_filter *f = &m->f;
    bool open = f->sector || f->score_min || f->score_max || f->assessed_from || f->assessed_to ||
                f->received_from || f->received_to || f->supply || f->supplier_of;
    web_printf(p, "<details id=\"more-filters\" class=\"filters-more\"%s><summary>",
               open ? " open" : "");
    web_put_tr(p, "contractors.more_filters");
    web_puts(p, "</summary><label for=\"f-sector\">");
    web_put_tr(p, "col.sector");
    web_puts(p, "</label><select id=\"f-sector\" name=\"sector\"><option value=\"\">");
    web_put_tr(p, "contractors.any_sector");
    web_puts(p, "</option>");
    size_t i;
    json_t *it;
    json_array_foreach(m->sectors, i, it)
    {
        const char *sec = json_string_value(it);
        web_puts(p, "<option value=\"");
        web_attr(p, sec);
        web_printf(p, "\"%s>", mm_streq(f->sector, sec) ? " selected" : "");
        web_user(p, sec);
        web_puts(p, "</option>");
    }
    web_puts(p, "</select>");
    put_input(p, "score_min", "number", "contractors.score_min", f->score_min);
    put_input(p, "score_max", "number", "contractors.score_max", f->score_max);
    put_input(p, "assessed_from", "date", "contractors.assessed_from", f->assessed_from);
    put_input(p, "assessed_to", "date", "contractors.assessed_to", f->assessed_to);
    put_input(p, "received_from", "date", "contractors.received_from", f->received_from);
    put_input(p, "received_to", "date", "contractors.received_to", f->received_to);
    web_puts(p, "<label for=\"f-supply\">");
    web_put_tr(p, "contractors.supply");
    web_puts(p, "</label><select id=\"f-supply\" name=\"supply\"><option value=\"\">");
    web_put_tr(p, "contractors.any_supply");
    web_puts(p, "</option>");
    static const char *const roles[] = {"prime", "supplier"};
    for (int k = 0; k < 2; k++) {
        char key[40];
        snprintf(key, sizeof key, "contractors.supply_%s", roles[k]);
        web_printf(p, "<option value=\"%s\"%s>", roles[k],
                   mm_streq(f->supply, roles[k]) ? " selected" : "");
        web_put_tr(p, key);
        web_puts(p, "</option>");
    }
    web_puts(p, "</select>");
    put_input(p, "supplier_of", "text", "contractors.supplier_of", f->supplier_of);
    web_puts(p, "</details>");
}

static void contractors_render(page *p, const contractors_model *m)
{
    const char *q = m->f.q, *status = m->f.status, *sort = m->sort;
    bool desc = m->desc;
    long long page_no = m->page_no, total = m->total, pages = m->pages;
    const json_t *res = m->res;
    web_puts(p, "<h1>");
    web_put_tr(p, "contractors.title");
    web_puts(p, "</h1>\n<form id=\"filter\" method=\"get\" action=\"/contractors\" "
                "class=\"filters\" role=\"search\"><label for=\"q\">");
    web_put_tr(p, "contractors.search");
    web_puts(p, "</label><input id=\"q\" name=\"q\" dir=\"auto\" type=\"search\" maxlength=\"200\" "
                "value=\"");
    web_attr(p, q ? q : "");
    web_puts(p, "\"><label for=\"status\">");
    web_put_tr(p, "col.status");
    web_puts(p, "</label><select id=\"status\" name=\"status\"><option value=\"\">");
    web_put_tr(p, "contractors.any_status");
    web_puts(p, "</option>");
    for (int s = 0; s < NSTATUS; s++) {
        char key[40];
        snprintf(key, sizeof key, "status.%s", web_status_names[s]);
        web_printf(p, "<option value=\"%s\"%s>", web_status_names[s],
                   mm_streq(status, web_status_names[s]) ? " selected" : "");
        web_put_tr(p, key);
        web_puts(p, "</option>");
    }
    web_puts(p, "</select><label for=\"affirmation\">");
    web_put_tr(p, "col.affirmation");
    web_puts(p, "</label><select id=\"affirmation\" name=\"affirmation\"><option value=\"\">");
    web_put_tr(p, "contractors.any_affirmation");
    web_puts(p, "</option>");
    static const char *const affs[] = {"due", "overdue"};
    for (int a = 0; a < 2; a++) {
        char key[40];
        snprintf(key, sizeof key, "affirmation.state.%s", affs[a]);
        web_printf(p, "<option value=\"%s\"%s>", affs[a],
                   mm_streq(m->f.affirmation, affs[a]) ? " selected" : "");
        web_put_tr(p, key);
        web_puts(p, "</option>");
    }
    web_puts(p, "</select><label for=\"framework\">");
    web_put_tr(p, "col.framework");
    web_puts(p, "</label><select id=\"framework\" name=\"framework\"><option value=\"\">");
    web_put_tr(p, "contractors.any_framework");
    web_puts(p, "</option>");
    static const char *const fws[] = {"800-171r2", "800-171r3"};
    for (int f = 0; f < 2; f++)
        web_printf(p, "<option value=\"%s\"%s>%s</option>", fws[f],
                   mm_streq(m->f.framework, fws[f]) ? " selected" : "", web_fw_label(fws[f]));
    web_printf(p,
               "</select><label class=\"check\"><input type=\"checkbox\" id=\"overdue-only\" "
               "name=\"overdue\" value=\"1\"%s> ",
               m->f.overdue ? " checked" : "");
    web_put_tr(p, "contractors.overdue_only");
    web_puts(p, "</label>");
    put_more_filters(p, m);
    web_printf(p,
               "<input type=\"hidden\" name=\"sort\" value=\"%s\">"
               "<input type=\"hidden\" name=\"order\" value=\"%s\"><button type=\"submit\">",
               sort, desc ? "desc" : "asc");
    web_put_tr(p, "contractors.apply");
    web_puts(p, "</button></form>\n");
    /* the current view's query (without page), for sort links, paging and the CSV */
    char base[1600] = "";
    (void)list_filter_url(&m->f, base, sizeof base); /* routes.c bounds every value */
    char csv[1800];
    snprintf(csv, sizeof csv, "/api/v1/contractors.csv?%s%ssort=%s&order=%s", base,
             base[0] ? "&" : "", sort, desc ? "desc" : "asc");
    web_puts(p, "<p class=\"toolbar\"><span id=\"result-count\">");
    char tot[24];
    snprintf(tot, sizeof tot, "%lld", total);
    web_put_trf(p, "contractors.count", tot, NULL, NULL);
    web_puts(p, "</span> <a id=\"csv-export\" href=\"");
    web_attr(p, csv);
    web_puts(p, "\" download>");
    web_put_tr(p, "contractors.csv");
    web_puts(p, "</a></p>\n<table id=\"contractors\" class=\"data\"><thead><tr>");
    static const struct {
        const char *sort, *key;
    } cols[] = {{"name", "col.name"},         {NULL, "col.cage"},        {NULL, "col.sector"},
                {"status", "col.status"},     {"score", "col.score"},    {NULL, "col.framework"},
                {"assessed", "col.assessed"}, {NULL, "col.affirmation"}, {NULL, "col.overdue"}};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        if (!cols[c].sort) {
            web_th(p, cols[c].key, NULL);
            continue;
        }
        bool cur = strcmp(sort, cols[c].sort) == 0;
        const char *next_order = cur && !desc ? "desc" : "asc";
        web_printf(p, "<th scope=\"col\"%s%s>", cur ? " aria-sort=\"" : "",
                   cur ? (desc ? "descending\"" : "ascending\"") : "");
        web_printf(p, "<a data-sort=\"%s\" href=\"/contractors?", cols[c].sort);
        web_attr(p, base);
        web_printf(p, "%ssort=%s&amp;order=%s\">", base[0] ? "&amp;" : "", cols[c].sort,
                   next_order);
        web_put_tr(p, cols[c].key);
        if (cur)
            web_puts(p, desc ? " ▼" : " ▲");
        web_puts(p, "</a></th>");
    }
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(res, "items"), i, it)
    {
        json_t *l = json_object_get(it, "latest");
        const char *id = web_sval(it, "id");
        web_printf(p, "<tr data-org-id=\"%s\"><td><a href=\"/contractors/%s\">", id, id);
        web_user(p, web_sval(it, "name"));
        web_puts(p, "</a></td><td>");
        web_user(p, web_sval(json_object_get(it, "identifiers"), "cage"));
        web_puts(p, "</td><td class=\"sector\">");
        web_user(p, web_sector_label(p, web_sector_of(it)));
        web_puts(p, "</td><td>");
        web_badge(p, web_sval(it, "status"));
        web_puts(p, "</td><td class=\"num\">");
        web_put_score_of(p, l, false);
        web_printf(p, "</td><td>%s</td><td class=\"date\">",
                   web_fw_label(web_sval(l, "framework")));
        web_esc(p, web_sval(l, "assessed"));
        web_puts(p, "</td><td>");
        web_put_affirmation(p, it);
        long long nod = (long long)json_integer_value(json_object_get(it, "overdue"));
        if (nod > 0)
            web_printf(p, "</td><td class=\"num late\"><a href=\"/contractors/%s\">%lld</a>", id,
                       nod);
        else
            web_puts(p, "</td><td class=\"num\">0");
        web_puts(p, "</td></tr>\n");
    }
    web_puts(p, "</tbody></table>\n<nav class=\"pagination\" aria-label=\"");
    web_put_tr_attr(p, "contractors.pages", NULL, NULL, NULL);
    web_puts(p, "\">");
    char view[1700];
    snprintf(view, sizeof view, "%s%ssort=%s&order=%s", base, base[0] ? "&" : "", sort,
             desc ? "desc" : "asc");
    if (page_no > 1) {
        web_puts(p, "<a rel=\"prev\" href=\"/contractors?");
        web_attr(p, view);
        web_printf(p, "&amp;page=%lld\">", page_no - 1);
        web_put_tr(p, "contractors.prev");
        web_puts(p, "</a> ");
    }
    char a0[24], a1[24];
    snprintf(a0, sizeof a0, "%lld", page_no);
    snprintf(a1, sizeof a1, "%lld", pages);
    web_puts(p, "<span id=\"page-info\">");
    web_put_trf(p, "contractors.page_info", a0, a1, NULL);
    web_puts(p, "</span>");
    if (page_no < pages) {
        web_puts(p, " <a rel=\"next\" href=\"/contractors?");
        web_attr(p, view);
        web_printf(p, "&amp;page=%lld\">", page_no + 1);
        web_put_tr(p, "contractors.next");
        web_puts(p, "</a>");
    }
    web_puts(p, "</nav>");
}

void w_contractors(http_req *r, reply *out)
{
    contractors_model m = {0};
    if (contractors_model_make(&m, r) != MM_OK) {
        json_decref(m.res);
        json_decref(m.sectors);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "contractors.title");
    contractors_render(&p, &m);
    json_decref(m.res);
    json_decref(m.sectors);
    web_page_finish(&p, out, 200);
}
