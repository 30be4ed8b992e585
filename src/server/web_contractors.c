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
#include "server/web.h"
#include "server/web_parts.h"

/* ---- the contractor list --------------------------------------------------------------------- */

static bool one_of(const char *v, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v, list[i]) == 0)
            return true;
    return false;
}

/* Appends "&name=value" (value URL-encoded) to a query under construction. */
static void qappend(char *q, size_t size, const char *name, const char *value)
{
    if (!value || !value[0])
        return;
    size_t l = strlen(q);
    snprintf(q + l, size - l, "%s%s=", q[0] ? "&" : "", name);
    mm_url_encode(q, size, value);
}

/* What the list shows: the query as understood, and one page of contractors. */
typedef struct contractors_model {
    const char *q, *status, *sort; /* borrowed from the request */
    const char *affirmation;       /* "due", "overdue" or NULL */
    const char *framework;         /* "800-171r2", "800-171r3" or NULL */
    bool overdue;                  /* only contractors with overdue milestones */
    int64_t max_r2, max_r3;        /* each framework's maximum score */
    bool desc;
    long long page_no, total, pages;
    json_t *res; /* mm_store_list_orgs */
} contractors_model;

/* The query of the request, checked, and its page: MM_OK or the store's code. */
static int contractors_model_make(contractors_model *m, http_req *r)
{
    static const char *const sorts[] = {"name", "score", "status", "assessed"};
    const char *q = req_query(r, "q"), *status = req_query(r, "status");
    const char *sort = req_query(r, "sort"), *order = req_query(r, "order");
    const char *pg = req_query(r, "page");
    if (q && strlen(q) > 200)
        q = NULL;
    if (status && !one_of(status, web_status_names, NSTATUS))
        status = NULL;
    static const char *const affs[] = {"due", "overdue"};
    const char *aff = req_query(r, "affirmation");
    if (aff && !one_of(aff, affs, 2))
        aff = NULL;
    static const char *const fws[] = {"800-171r2", "800-171r3"};
    const char *fw = req_query(r, "framework");
    if (fw && !one_of(fw, fws, 2))
        fw = NULL;
    const char *od = req_query(r, "overdue");
    bool overdue = od && strcmp(od, "1") == 0;
    int64_t max_r2 = r->srv->r2->sprs_base, max_r3 = (int64_t)mm_catalog_active_count(r->srv->r3);
    if (!sort || !one_of(sort, sorts, 4))
        sort = "name";
    bool desc = order && strcmp(order, "desc") == 0;
    long long page_no = pg ? strtoll(pg, NULL, 10) : 1;
    if (page_no < 1 || page_no > 100000)
        page_no = 1;
    mm_org_query qq = {.kind = "contractor",
                       .status = status,
                       .q = q && q[0] ? q : NULL,
                       .sort = sort,
                       .desc = desc,
                       .stale_before = r->stale_before,
                       .expired_before = r->cmmc_expired_before,
                       .affirmation = aff,
                       .affirm_overdue_before = r->affirm_overdue_before,
                       .affirm_due_by = r->affirm_due_by,
                       .framework = fw,
                       .overdue_before = r->today,
                       .overdue_only = overdue,
                       .score_max_r2 = max_r2,
                       .score_max_r3 = max_r3,
                       .offset = (page_no - 1) * PER_PAGE,
                       .limit = PER_PAGE};
    *m = (contractors_model){.q = q,
                             .status = status,
                             .affirmation = aff,
                             .framework = fw,
                             .overdue = overdue,
                             .max_r2 = max_r2,
                             .max_r3 = max_r3,
                             .sort = sort,
                             .desc = desc,
                             .page_no = page_no};
    int rc = mm_store_list_orgs(r->st, &m->res, &qq);
    if (rc)
        return rc;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(m->res, "items"), i, it) affirmation_annotate(r, it);
    m->total = json_integer_value(json_object_get(m->res, "total"));
    m->pages = m->total ? (m->total + PER_PAGE - 1) / PER_PAGE : 1;
    return MM_OK;
}

static void contractors_render(page *p, const contractors_model *m)
{
    const char *q = m->q, *status = m->status, *sort = m->sort;
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
        snprintf(key, sizeof key, "affirmation.%s", affs[a]);
        web_printf(p, "<option value=\"%s\"%s>", affs[a],
                   mm_streq(m->affirmation, affs[a]) ? " selected" : "");
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
                   mm_streq(m->framework, fws[f]) ? " selected" : "", web_fw_label(fws[f]));
    web_printf(p,
               "</select><label class=\"check\"><input type=\"checkbox\" id=\"overdue-only\" "
               "name=\"overdue\" value=\"1\"%s> ",
               m->overdue ? " checked" : "");
    web_put_tr(p, "contractors.overdue_only");
    web_puts(p, "</label>");
    web_printf(p,
               "<input type=\"hidden\" name=\"sort\" value=\"%s\">"
               "<input type=\"hidden\" name=\"order\" value=\"%s\"><button type=\"submit\">",
               sort, desc ? "desc" : "asc");
    web_put_tr(p, "contractors.apply");
    web_puts(p, "</button></form>\n");
    /* the current view's query (without page), for sort links, paging and the CSV */
    char base[700] = "";
    qappend(base, sizeof base, "q", q);
    qappend(base, sizeof base, "status", status);
    qappend(base, sizeof base, "affirmation", m->affirmation);
    qappend(base, sizeof base, "framework", m->framework);
    qappend(base, sizeof base, "overdue", m->overdue ? "1" : NULL);
    char csv[900];
    snprintf(csv, sizeof csv, "/api/v1/contractors?format=csv&per_page=1000%s%s&sort=%s&order=%s",
             base[0] ? "&" : "", base, sort, desc ? "desc" : "asc");
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
        web_puts(p, "</td><td>");
        web_user(p, web_sector_label(p, web_sector_of(it)));
        web_puts(p, "</td><td>");
        web_badge(p, web_sval(it, "status"));
        web_puts(p, "</td><td class=\"num\">");
        web_put_score(p, l);
        const char *fw = web_sval(l, "framework");
        if (json_is_integer(json_object_get(l, "score")))
            web_printf(p, " <span class=\"muted\">/ %lld</span>",
                       (long long)(mm_streq(fw, "800-171r2") ? m->max_r2 : m->max_r3));
        web_printf(p, "</td><td>%s</td><td>", web_fw_label(fw));
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
    web_put_tr(p, "contractors.pages");
    web_puts(p, "\">");
    char view[800];
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
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "contractors.title");
    contractors_render(&p, &m);
    json_decref(m.res);
    web_page_finish(&p, out, 200);
}
