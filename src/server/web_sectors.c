/* mamori serve: the national picture's pages (docs/dashboard.md "/sectors", docs/screening.md
 * "The national picture"), for the authority only: /sectors (per ESPA sector: operators, plans
 * under examination and their deadlines, suppliers and maintainers without a valid assessment,
 * incidents), and the drill-down /sectors/{key} -> /sectors/{key}/operators/{org} ->
 * /sectors/{key}/plans/{id} -> the party's own page (/contractors/{org}). Each page computes
 * its view with national_picture / national_plan (every store read, so a failure is a 503
 * page) and only writes after. */
#include <stdio.h>
#include <string.h>

#include "server/screen_national.h"
#include "server/web.h"
#include "server/web_parts.h"
#include "util/util.h"

static const char *sv(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static long long nv(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    return (long long)json_integer_value(b ? json_object_get(v, b) : v);
}

/* The data's own mark on a value it does not verify. */
static void not_verified(page *p)
{
    web_puts(p, " <span class=\"unverified\">(");
    web_put_tr(p, "sectors.not_verified");
    web_puts(p, ")</span>");
}

/* The sector's name as the data gives it (web_put_espa_sector), marked "not verified" where
 * the data does not verify it. */
static void sector_name(page *p, const json_t *s)
{
    if (!web_put_espa_sector(p, sv(s, "key")))
        not_verified(p);
}

static void head_row(page *p, const char *const *cols, size_t n)
{
    web_puts(p, "<thead><tr>");
    for (size_t c = 0; c < n; c++) {
        web_puts(p, "<th scope=\"col\">");
        web_put_tr(p, cols[c]);
        web_puts(p, "</th>");
    }
    web_puts(p, "</tr></thead><tbody>");
}

/* A table under its heading (the layout puts the table in a region that scrolls sideways on a
 * narrow screen, named by that heading: put_main in web_render.c). */
static void table_open(page *p, const char *id, const char *label_key)
{
    web_printf(p, "<h2 id=\"%s-h\">", id);
    web_put_tr(p, label_key);
    web_printf(p, "</h2><table id=\"%s\" class=\"data\">", id);
}

static void table_close(page *p)
{
    web_puts(p, "</tbody></table>");
}

static void crumbs(page *p, const json_t *sector, const char *op_id, const char *op_name)
{
    web_puts(p, "<p class=\"crumbs\"><a href=\"/sectors\">");
    web_put_tr(p, "sectors.title");
    web_puts(p, "</a>");
    if (sector) {
        web_puts(p, " &#8250; <a href=\"/sectors/");
        web_attr(p, sv(sector, "key"));
        web_puts(p, "\">");
        web_put_espa_sector(p, sv(sector, "key"));
        web_puts(p, "</a>");
    }
    if (op_id) {
        web_puts(p, " &#8250; <a href=\"/sectors/");
        web_attr(p, sv(sector, "key"));
        web_puts(p, "/operators/");
        web_attr(p, op_id);
        web_puts(p, "\">");
        web_user(p, op_name ? op_name : op_id);
        web_puts(p, "</a>");
    }
    web_puts(p, "</p>");
}

/* "without valid / total" of a party group */
static void put_ratio(page *p, const json_t *g)
{
    web_printf(p, "%lld / %lld", nv(g, "without_valid", NULL), nv(g, "total", NULL));
}

/* ---- /sectors ------------------------------------------------------------------------------ */

static void sectors_render(page *p, const json_t *pic)
{
    web_puts(p, "<h1>");
    web_put_tr(p, "sectors.title");
    web_puts(p, "</h1><p class=\"note\">");
    web_put_trf(p, "sectors.note", sv(pic, "as_of"), sv(pic, "incidents_since"), NULL);
    web_puts(p, "</p>");
    table_open(p, "sectors", "sectors.by_sector");
    static const char *const cols[] = {
        "sectors.sector",      "sectors.ministry", "sectors.operators", "sectors.plans_open",
        "sectors.due_soon",    "sectors.overdue",  "sectors.next_due",  "sectors.suppliers",
        "sectors.maintainers", "sectors.share",    "sectors.incidents"};
    head_row(p, cols, sizeof cols / sizeof cols[0]);
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(pic, "sectors"), i, s)
    {
        const json_t *share = json_object_get(s, "share_without_valid");
        web_puts(p, "<tr data-sector=\"");
        web_attr(p, sv(s, "key"));
        web_printf(p,
                   "\" data-operators=\"%lld\" data-open=\"%lld\" data-due-soon=\"%lld\" "
                   "data-without=\"%lld\"><th scope=\"row\"><a href=\"/sectors/",
                   nv(s, "operators", NULL), nv(s, "plans_open", NULL), nv(s, "due_soon", NULL),
                   nv(s, "suppliers", "without_valid") + nv(s, "maintainers", "without_valid"));
        web_attr(p, sv(s, "key"));
        web_puts(p, "\">");
        sector_name(p, s);
        web_puts(p, "</a></th><td>");
        web_esc(p, sv(s, "ministry") ? sv(s, "ministry") : "–");
        if (sv(s, "ministry") && !json_is_true(json_object_get(s, "ministry_verified")))
            not_verified(p);
        web_printf(p, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td><td>",
                   nv(s, "operators", NULL), nv(s, "plans_open", NULL), nv(s, "due_soon", NULL),
                   nv(s, "overdue", NULL));
        web_esc(p, sv(s, "next_due") ? sv(s, "next_due") : "–");
        web_puts(p, "</td><td>");
        put_ratio(p, json_object_get(s, "suppliers"));
        web_puts(p, "</td><td>");
        put_ratio(p, json_object_get(s, "maintainers"));
        if (json_is_real(share))
            web_printf(p, "</td><td>%.0f%%", 100.0 * json_real_value(share));
        else
            web_puts(p, "</td><td>–");
        web_printf(p, "</td><td>%lld</td></tr>", nv(s, "incidents", "count"));
    }
    table_close(p);
    /* the shareable aggregate: counts only, at the label the authority picks */
    web_puts(p, "<h2 id=\"aggregate-h\">");
    web_put_tr(p, "sectors.aggregate");
    web_puts(p, "</h2><p class=\"note\">");
    web_put_tr(p, "sectors.aggregate_note");
    web_puts(p, "</p><form id=\"aggregate\" class=\"filters\" method=\"get\" "
                "action=\"/api/v1/national/aggregate\"><input type=\"hidden\" name=\"format\" "
                "value=\"stix\"><label>");
    web_put_tr(p, "sectors.tlp");
    web_puts(p, " <select name=\"tlp\">");
    static const char *const tlps[][2] = {{"clear", "TLP:CLEAR"},
                                          {"green", "TLP:GREEN"},
                                          {"amber", "TLP:AMBER"},
                                          {"amber-strict", "TLP:AMBER+STRICT"},
                                          {"red", "TLP:RED"}};
    for (size_t t = 0; t < 5; t++)
        web_printf(p, "<option value=\"%s\"%s>%s</option>", tlps[t][0], t == 2 ? " selected" : "",
                   tlps[t][1]);
    web_puts(p, "</select></label> <button type=\"submit\">");
    web_put_tr(p, "sectors.export_stix");
    web_puts(p, "</button> <a id=\"aggregate-json\" href=\"/api/v1/national/aggregate\">");
    web_put_tr(p, "sectors.export_json");
    web_puts(p, "</a></form>");
}

void w_sectors(http_req *r, reply *out)
{
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "sectors.title");
    /* the same for every authority reader: kept in the view cache under the store's version
     * (and today, the language) */
    char ckey[96];
    int64_t cver = -1;
    if (web_page_cached(&p, r, ckey, sizeof ckey, "sectors", &cver)) {
        web_page_finish(&p, out, 200);
        return;
    }
    json_t *pic = NULL;
    if (national_picture(r, NULL, NULL, &pic) != MM_OK) {
        json_decref(pic);
        mm_buf_free(&p.b);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    sectors_render(&p, pic);
    json_decref(pic);
    web_page_keep(&p, ckey, cver);
    web_page_finish(&p, out, 200);
}

/* ---- the plans' table (a sector's, an operator's) ------------------------------------------ */

static void plans_table(page *p, const json_t *sector, const json_t *plans)
{
    table_open(p, "sector-plans", "sectors.plans");
    static const char *const cols[] = {
        "sectors.plan",    "plans.operator",         "plans.state", "plans.filed", "plans.due",
        "plans.days_left", "sectors.parties_without"};
    head_row(p, cols, sizeof cols / sizeof cols[0]);
    size_t i;
    json_t *pl;
    json_array_foreach(plans, i, pl)
    {
        bool soon = json_is_true(json_object_get(pl, "due_soon"));
        bool late = json_is_true(json_object_get(pl, "overdue"));
        web_puts(p, "<tr data-plan=\"");
        web_attr(p, sv(pl, "id"));
        web_puts(p, "\" data-state=\"");
        web_attr(p, sv(pl, "state"));
        web_printf(p, "\" data-due-soon=\"%d\"%s><th scope=\"row\"><a href=\"/sectors/", soon,
                   late   ? " class=\"overdue\""
                   : soon ? " class=\"due-soon\""
                          : "");
        web_attr(p, sv(sector, "key"));
        web_puts(p, "/plans/");
        web_attr(p, sv(pl, "id"));
        web_puts(p, "\">");
        web_user(p, sv(pl, "model") ? sv(pl, "model") : sv(pl, "id"));
        web_puts(p, "</a>");
        if (sv(pl, "category")) {
            web_puts(p, " <span class=\"mono\">");
            web_esc(p, sv(pl, "category"));
            web_puts(p, "</span>");
        }
        web_puts(p, "</th><td><a href=\"/sectors/");
        web_attr(p, sv(sector, "key"));
        web_puts(p, "/operators/");
        web_attr(p, sv(pl, "operator_id"));
        web_puts(p, "\">");
        web_user(p, sv(pl, "operator_name") ? sv(pl, "operator_name") : sv(pl, "operator_id"));
        web_puts(p, "</a></td><td>");
        web_esc(p, web_plan_state_label(p, sv(pl, "state")));
        web_puts(p, "</td><td>");
        char day[11];
        snprintf(day, sizeof day, "%.10s", sv(pl, "filed") ? sv(pl, "filed") : "");
        web_esc(p, day);
        web_puts(p, "</td><td>");
        web_esc(p, sv(pl, "due"));
        web_puts(p, "</td><td>");
        if (json_is_integer(json_object_get(pl, "days_left")))
            web_printf(p, "%lld", nv(pl, "days_left", NULL));
        web_printf(p, "</td><td>%lld / %lld</td></tr>", nv(pl, "parties_without_valid", NULL),
                   nv(pl, "parties_total", NULL));
    }
    if (json_array_size(plans) == 0) {
        web_puts(p, "<tr><td colspan=\"7\" class=\"muted\" id=\"no-plans\">");
        web_put_tr(p, "plans.none");
        web_puts(p, "</td></tr>");
    }
    table_close(p);
}

/* ---- /sectors/{key} ------------------------------------------------------------------------ */

static void summary_list(page *p, const json_t *s)
{
    web_printf(p,
               "<ul id=\"sector-summary\" class=\"cards\"><li class=\"card\"><span><span "
               "class=\"label\">%s</span><span class=\"count\">%lld</span></span></li>",
               web_tr(p, "sectors.operators"), nv(s, "operators", NULL));
    web_printf(p,
               "<li class=\"card\"><span><span class=\"label\">%s</span><span "
               "class=\"count\">%lld</span></span></li>",
               web_tr(p, "sectors.plans_open"), nv(s, "plans_open", NULL));
    web_printf(p,
               "<li class=\"card\"><span><span class=\"label\">%s</span><span "
               "class=\"count\">%lld</span></span></li>",
               web_tr(p, "sectors.due_soon"), nv(s, "due_soon", NULL));
    web_printf(p,
               "<li class=\"card\"><span><span class=\"label\">%s</span><span "
               "class=\"count\">%lld / %lld</span></span></li>",
               web_tr(p, "sectors.parties_without"),
               nv(s, "suppliers", "without_valid") + nv(s, "maintainers", "without_valid"),
               nv(s, "suppliers", "total") + nv(s, "maintainers", "total"));
    web_printf(p,
               "<li class=\"card\"><span><span class=\"label\">%s</span><span "
               "class=\"count\">%lld</span></span></li></ul>",
               web_tr(p, "sectors.incidents"), nv(s, "incidents", "count"));
}

static void operators_table(page *p, const json_t *sector, const json_t *ops)
{
    table_open(p, "sector-operators", "sectors.operator_list");
    static const char *const cols[] = {
        "plans.operator",   "sectors.designated", "sectors.ministry", "sectors.plans_open",
        "sectors.due_soon", "sectors.overdue",    "sectors.incidents"};
    head_row(p, cols, sizeof cols / sizeof cols[0]);
    size_t i;
    json_t *o;
    json_array_foreach(ops, i, o)
    {
        web_puts(p, "<tr data-operator=\"");
        web_attr(p, sv(o, "org_id"));
        web_puts(p, "\"><th scope=\"row\"><a href=\"/sectors/");
        web_attr(p, sv(sector, "key"));
        web_puts(p, "/operators/");
        web_attr(p, sv(o, "org_id"));
        web_puts(p, "\">");
        web_user(p, sv(o, "name"));
        web_puts(p, "</a></th><td>");
        web_esc(p, sv(o, "designated"));
        web_puts(p, "</td><td>");
        web_user(p, sv(o, "ministry"));
        web_printf(p, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td></tr>",
                   nv(o, "plans_open", NULL), nv(o, "due_soon", NULL), nv(o, "overdue", NULL),
                   nv(o, "incidents", NULL));
    }
    if (json_array_size(ops) == 0) {
        web_puts(p, "<tr><td colspan=\"7\" class=\"muted\" id=\"no-operators\">");
        web_put_tr(p, "sectors.no_operators");
        web_puts(p, "</td></tr>");
    }
    table_close(p);
}

void w_sector(http_req *r, reply *out)
{
    json_t *v = NULL;
    int rc = national_picture(r, r->param[0], NULL, &v);
    if (rc) {
        json_decref(v);
        web_error_page(r, out, rc == MM_ENOTFOUND ? 404 : 503,
                       rc == MM_ENOTFOUND ? "error.not_found" : "error.busy");
        return;
    }
    const json_t *s = json_object_get(v, "sector");
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "sectors.title");
    crumbs(&p, NULL, NULL, NULL);
    web_puts(&p, "<h1 id=\"sector-title\">");
    sector_name(&p, s);
    web_puts(&p, "</h1>");
    summary_list(&p, s);
    operators_table(&p, s, json_object_get(v, "operators"));
    plans_table(&p, s, json_object_get(v, "plans"));
    json_decref(v);
    web_page_finish(&p, out, 200);
}

/* ---- /sectors/{key}/operators/{org} -------------------------------------------------------- */

void w_sector_operator(http_req *r, reply *out)
{
    json_t *v = NULL;
    int rc = national_picture(r, r->param[0], r->param[1], &v);
    const json_t *op = json_array_get(json_object_get(v, "operators"), 0);
    if (rc || !op) {
        json_decref(v);
        web_error_page(r, out, rc && rc != MM_ENOTFOUND ? 503 : 404,
                       rc && rc != MM_ENOTFOUND ? "error.busy" : "error.not_found");
        return;
    }
    const json_t *s = json_object_get(v, "sector");
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "sectors.title");
    crumbs(&p, s, NULL, NULL);
    web_puts(&p, "<h1 id=\"operator-title\">");
    web_user(&p, sv(op, "name"));
    web_puts(&p, "</h1><p id=\"designation\">");
    web_put_trf(&p, "sectors.designation", sv(op, "designated"), sv(op, "ministry"), NULL);
    web_puts(&p, " <a href=\"/contractors/");
    web_attr(&p, sv(op, "org_id"));
    web_puts(&p, "\">");
    web_put_tr(&p, "sectors.organization_page");
    web_puts(&p, "</a></p>");
    plans_table(&p, s, json_object_get(v, "plans"));
    json_decref(v);
    web_page_finish(&p, out, 200);
}

/* ---- /sectors/{key}/plans/{id} ------------------------------------------------------------- */

void w_sector_plan(http_req *r, reply *out)
{
    json_t *v = NULL;
    int rc = national_plan(r, r->param[0], r->param[1], &v);
    if (rc) {
        json_decref(v);
        web_error_page(r, out, rc == MM_ENOTFOUND ? 404 : 503,
                       rc == MM_ENOTFOUND ? "error.not_found" : "error.busy");
        return;
    }
    const json_t *s = json_object_get(v, "sector"), *pl = json_object_get(v, "plan");
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "sectors.plan");
    crumbs(&p, s, sv(pl, "operator_id"), sv(pl, "operator_name"));
    web_puts(&p, "<h1 id=\"plan-title\">");
    web_user(&p, sv(pl, "model"));
    web_puts(&p, "</h1><p id=\"plan-clock\" data-state=\"");
    web_attr(&p, sv(pl, "state"));
    web_puts(&p, "\">");
    web_put_trf(&p, "sectors.clock", web_plan_state_label(&p, sv(pl, "state")), sv(pl, "due"),
                NULL);
    web_puts(&p, "</p>");
    table_open(&p, "plan-parties", "sectors.parties");
    static const char *const cols[] = {"sectors.role", "sectors.party", "sectors.status",
                                       "sectors.valid"};
    head_row(&p, cols, sizeof cols / sizeof cols[0]);
    size_t i;
    json_t *pt;
    json_array_foreach(json_object_get(pl, "parties"), i, pt)
    {
        bool known = json_is_true(json_object_get(pt, "known"));
        bool valid = json_is_true(json_object_get(pt, "valid"));
        web_puts(&p, "<tr data-role=\"");
        web_attr(&p, sv(pt, "role"));
        web_printf(&p, "\" data-known=\"%d\" data-valid=\"%d\"><td>", known, valid);
        char key[64];
        snprintf(key, sizeof key, "sectors.role.%s", sv(pt, "role"));
        web_put_tr(&p, key);
        web_puts(&p, "</td><th scope=\"row\">");
        if (known) {
            web_puts(&p, "<a href=\"/contractors/");
            web_attr(&p, sv(pt, "org"));
            web_puts(&p, "\">");
            web_user(&p, sv(pt, "organization_name"));
            web_puts(&p, "</a>");
        } else {
            web_user(&p, sv(pt, "name") ? sv(pt, "name") : sv(pt, "org"));
            web_puts(&p, " <span class=\"muted\">(");
            web_put_tr(&p, "sectors.unknown_party");
            web_puts(&p, ")</span>");
        }
        web_puts(&p, "</th><td>");
        web_badge(&p, sv(pt, "status"));
        web_puts(&p, "</td><td>");
        web_put_tr(&p, valid ? "sectors.yes" : "sectors.no");
        web_puts(&p, "</td></tr>");
    }
    table_close(&p);
    json_decref(v);
    web_page_finish(&p, out, 200);
}

/* ---- the overview's plans near their deadline ---------------------------------------------- */

void sectors_due_section(page *p, const json_t *due)
{
    web_puts(p, "<section><h2>");
    web_put_tr(p, "overview.plans_due");
    web_puts(p, "</h2>");
    if (json_array_size(due) == 0) {
        web_puts(p, "<p id=\"plans-due-none\" class=\"muted\">");
        web_put_tr(p, "overview.plans_due_none");
        web_puts(p, "</p></section>");
        return;
    }
    web_puts(p, "<table id=\"plans-due\" class=\"data\">");
    static const char *const cols[] = {"plans.operator", "plans.sector", "plans.state", "plans.due",
                                       "plans.days_left"};
    head_row(p, cols, sizeof cols / sizeof cols[0]);
    size_t i;
    json_t *pl;
    json_array_foreach(due, i, pl)
    {
        long long left = nv(pl, "days_left", NULL);
        web_puts(p, "<tr data-plan=\"");
        web_attr(p, sv(pl, "id"));
        web_printf(p, "\" class=\"%s\"><th scope=\"row\"><a href=\"/sectors/",
                   left < 0 ? "overdue" : "due-soon");
        web_attr(p, sv(pl, "sector"));
        web_puts(p, "/plans/");
        web_attr(p, sv(pl, "id"));
        web_puts(p, "\">");
        web_user(p, sv(pl, "operator_name") ? sv(pl, "operator_name") : sv(pl, "operator_id"));
        web_puts(p, "</a></th><td>");
        web_put_espa_sector(p, sv(pl, "sector"));
        web_puts(p, "</td><td>");
        web_esc(p, web_plan_state_label(p, sv(pl, "state")));
        web_puts(p, "</td><td>");
        web_esc(p, sv(pl, "due"));
        web_printf(p, "</td><td>%lld</td></tr>", left);
    }
    web_puts(p, "</tbody></table></section>");
}

/* ---- /my: an operator's own plans ---------------------------------------------------------- */

void sectors_my_plans(page *p, const json_t *plans)
{
    if (json_array_size(plans) == 0)
        return;
    web_puts(p, "<section><h2 id=\"my-plans-h\">");
    web_put_tr(p, "my.plans");
    web_puts(p, "</h2><table id=\"my-plans\" class=\"data\">");
    static const char *const cols[] = {"plans.filed", "plans.sector", "plans.state", "plans.due"};
    head_row(p, cols, sizeof cols / sizeof cols[0]);
    size_t i;
    json_t *pl;
    json_array_foreach(plans, i, pl)
    {
        char day[11];
        snprintf(day, sizeof day, "%.10s", sv(pl, "filed") ? sv(pl, "filed") : "");
        web_puts(p, "<tr data-plan=\"");
        web_attr(p, sv(pl, "id"));
        web_puts(p, "\" data-state=\"");
        web_attr(p, sv(pl, "state"));
        web_puts(p, "\"><td>");
        web_esc(p, day);
        web_puts(p, "</td><td>");
        web_put_espa_sector(p, sv(pl, "sector"));
        web_puts(p, "</td><td>");
        web_esc(p, web_plan_state_label(p, sv(pl, "state")));
        web_puts(p, "</td><td>");
        web_esc(p, sv(pl, "due"));
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table><p><a id=\"my-plans-all\" href=\"/plans\">");
    web_put_tr(p, "plans.title");
    web_puts(p, "</a></p></section>");
}
