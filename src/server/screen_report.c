/* mamori serve: the screening report of an installation plan (docs/screening.md "The
 * screening report"): for each party of the plan, what mamori holds on it as the requester
 * may see it, ranked (mm_screen_report_rank) and signed by the server's receipt key
 * (mm_screen_report_sign). What the reader sees:
 *   - the authority: every party's assessment status, its status in each selected framework,
 *     its supply edges below the operator (every tier), the count and dates of its incident
 *     reports in the window, and an incident's number and label only when the sharing core's
 *     decision (share_decide, over mm_share_decide) lets the authority read the report;
 *   - the plan's operator: a party's status, frameworks and incident counts only where the
 *     party consented towards the operator in the supply graph (its own view of the graph),
 *     incident details again only as TLP and the gates allow; the product registry (the
 *     manufacturer's and the authority's) is withheld.
 * Nothing is written but the audit records (plan.report, item.read). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/framework.h"
#include "mamori/iot.h"
#include "server/products.h"
#include "server/screen.h"
#include "server/screen_report.h"
#include "server/share_core.h"
#include "server/supply.h"
#include "server/web.h"
#include "util/util.h"

int screen_report_opts_read(http_req *r, screen_report_opts *o, act_fail *f)
{
    memset(o, 0, sizeof *o);
    o->months = SCREEN_MONTHS_DEFAULT;
    const char *m = req_query(r, "months");
    if (m && m[0]) {
        char *end = NULL;
        long v = strtol(m, &end, 10);
        if (*end || v < 1 || v > SCREEN_MONTHS_MAX || m[0] < '0' || m[0] > '9')
            return act_failed(f, ACT_INVALID, MM_EINVALID,
                              "query: months: expected a whole number of months from 1 to %d",
                              SCREEN_MONTHS_MAX);
        o->months = (int)v;
    }
    const mm_frameworks *set = r->srv->frameworks;
    const char *fw = req_query(r, "frameworks");
    if (!fw || !fw[0]) {
        for (size_t i = 0; i < mm_frameworks_npacks(set) && o->nframeworks < SCREEN_FRAMEWORKS_MAX;
             i++) {
            const mm_pack *p = mm_frameworks_pack_at(set, i);
            bool shown = !r->srv->nshown;
            for (size_t k = 0; k < r->srv->nshown; k++)
                shown = shown || strcmp(r->srv->shown[k], p->id) == 0;
            if (shown)
                o->frameworks[o->nframeworks++] = p->id;
        }
        return MM_OK;
    }
    char one[128];
    for (const char *s = fw; *s;) {
        size_t n = strcspn(s, ",");
        if (n == 0 || n >= sizeof one)
            return act_failed(f, ACT_INVALID, MM_EINVALID,
                              "query: frameworks: expected framework ids separated by commas "
                              "(GET /api/v1/frameworks)");
        memcpy(one, s, n);
        one[n] = '\0';
        const mm_pack *p = mm_frameworks_pack(set, one);
        if (!p)
            return act_failed(f, ACT_INVALID, MM_EINVALID,
                              "query: frameworks: '%s' is not a framework of this server (GET "
                              "/api/v1/frameworks)",
                              one);
        bool dup = false;
        for (size_t k = 0; k < o->nframeworks; k++)
            dup = dup || strcmp(o->frameworks[k], p->id) == 0;
        if (!dup && o->nframeworks == SCREEN_FRAMEWORKS_MAX)
            return act_failed(f, ACT_INVALID, MM_EINVALID,
                              "query: frameworks: at most %d frameworks", SCREEN_FRAMEWORKS_MAX);
        if (!dup)
            o->frameworks[o->nframeworks++] = p->id;
        s += n;
        if (*s == ',')
            s++;
    }
    return MM_OK;
}

/* today minus months calendar months (the day kept, or the month's last) into since. */
static void window_start(char since[11], const char *today, int months)
{
    int y = atoi(today), m = atoi(today + 5), d = atoi(today + 8);
    m -= months;
    while (m < 1) {
        m += 12;
        y--;
    }
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    snprintf(since, 11, "%04d-%02d-%02d", y, m, d > last ? last : d);
}

typedef struct gather {
    http_req *r;
    const screen_report_opts *o;
    char since[11];
    json_t *view;    /* the supply graph below the operator, as the reader sees it */
    json_t *visible; /* {item id: item} of the incident reports the reader may read */
    json_t *read;    /* the items shown in detail (audited item.read) */
} gather;

static const char *sv(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The reader may see org_id's status: the authority always; the operator through an edge of
 * its own view whose status is visible (the supplier's consent). */
static bool status_visible(const gather *g, const char *org_id)
{
    if (g->r->who.authority)
        return true;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(g->view, "items"), i, e)
    {
        if (mm_streq(sv(e, "supplier_id"), org_id) &&
            json_is_true(json_object_get(e, "status_visible")))
            return true;
    }
    return false;
}

static json_t *edges_of(const gather *g, const char *org_id)
{
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(g->view, "items"), i, e)
    {
        if (out && mm_streq(sv(e, "supplier_id"), org_id))
            json_array_append_new(
                out,
                json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}", "id", json_object_get(e, "id"),
                          "contract", json_object_get(e, "contract"), "customer_id",
                          json_object_get(e, "customer_id"), "tier", json_object_get(e, "tier"),
                          "check", json_object_get(e, "check"), "why", json_object_get(e, "why")));
    }
    return out;
}

/* {"submission_id", "framework", "status", "score", "status_date", "valid"} of the latest
 * submission, or json null. */
static json_t *assessment_of(gather *g, const json_t *org, int *rc)
{
    const char *sid = sv(org, "latest_submission");
    json_t *sub = NULL;
    if (!sid)
        return json_null();
    *rc = mm_store_get_submission(g->r->st, &sub, sid, false);
    if (*rc == MM_ENOTFOUND) {
        *rc = MM_OK;
        return json_null();
    }
    if (*rc)
        return NULL;
    json_t *lv = latest_view(g->r, sub);
    const char *status = sv(lv, "status");
    const char *date = sv(sub, "assessed") ? sv(sub, "assessed") : sv(sub, "received");
    char day[11] = "";
    if (date)
        snprintf(day, sizeof day, "%s", date);
    json_t *a = json_pack("{s:s, s:O?, s:s?, s:O?, s:s, s:b}", "submission_id", sid, "framework",
                          json_object_get(sub, "framework"), "status", status, "score",
                          json_object_get(sub, "score"), "status_date", day, "valid",
                          mm_streq(status, "meets") || mm_streq(status, "conditional"));
    json_decref(lv);
    json_decref(sub);
    return a;
}

/* The selected frameworks: the assessed one as it was scored, the others projected. */
static json_t *frameworks_of(gather *g, const json_t *a, int *rc)
{
    json_t *out = json_array();
    const char *fw = sv(a, "framework");
    json_t *proj = NULL;
    *rc = out ? framework_status_in(&proj, g->r, sv(a, "submission_id"), g->o->frameworks,
                                    g->o->nframeworks)
              : MM_ENOMEM;
    for (size_t i = 0; *rc == MM_OK && i < g->o->nframeworks; i++) {
        const char *id = g->o->frameworks[i];
        json_t *one = NULL;
        if (mm_streq(id, fw)) {
            one = json_pack("{s:s, s:b, s:O?, s:O?}", "framework", id, "assessed", 1, "status",
                            json_object_get(a, "status"), "score", json_object_get(a, "score"));
        } else {
            size_t k;
            json_t *p;
            json_array_foreach(proj, k, p)
            {
                if (!one && mm_streq(sv(p, "framework"), id)) {
                    one = json_deep_copy(p);
                    if (one)
                        json_object_set_new(one, "assessed", json_false());
                }
            }
        }
        if (one && json_array_append_new(out, one))
            *rc = MM_ENOMEM;
    }
    json_decref(proj);
    if (*rc) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* The party's incident reports since the window's start: count and dates, and number and
 * label only for the ones the reader may read. */
static json_t *incidents_of(gather *g, const char *org_id, int *rc)
{
    json_t *rows = NULL;
    *rc = mm_store_list_incidents(g->r->st, &rows, org_id, 0, NULL);
    if (*rc)
        return NULL;
    json_t *items = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *reported = sv(row, "reported");
        if (!items || !reported || strncmp(reported, g->since, 10) < 0)
            continue;
        const json_t *it = json_object_get(g->visible, sv(row, "item_id"));
        json_t *one = json_pack("{s:s, s:O?}", "reported", reported, "discovered",
                                json_object_get(row, "discovered"));
        if (one && it) {
            json_object_set(one, "report_number", json_object_get(row, "report_number"));
            json_object_set(one, "report_type", json_object_get(row, "report_type"));
            json_object_set_new(one, "tlp", json_string(mm_tlp_label(share_tlp_of(it))));
            json_array_append(g->read, (json_t *)it);
        }
        if (!one || json_array_append_new(items, one)) {
            json_decref(items);
            items = NULL;
        }
    }
    json_decref(rows);
    json_t *out = items
                      ? json_pack("{s:i, s:s, s:I, s:o}", "months", g->o->months, "since", g->since,
                                  "count", (json_int_t)json_array_size(items), "items", items)
                      : NULL;
    if (!out)
        *rc = MM_ENOMEM;
    return out;
}

static json_t *party_facts(gather *g, const json_t *p, const char *role, const char *path, int *rc)
{
    const char *org_id = sv(p, "org");
    json_t *e =
        json_pack("{s:s, s:s, s:O?, s:O?, s:O?, s:O?, s:O?, s:b}", "role", role, "path", path,
                  "org", json_object_get(p, "org"), "name", json_object_get(p, "name"), "country",
                  json_object_get(p, "country"), "component", json_object_get(p, "component"),
                  "scope", json_object_get(p, "scope"), "known", org_id != NULL);
    if (!e) {
        *rc = MM_ENOMEM;
        return NULL;
    }
    if (!org_id)
        return e;
    json_t *org = NULL;
    *rc = mm_store_get_org(g->r->st, &org, org_id);
    if (*rc == MM_ENOTFOUND) { /* filed when it existed; gone since */
        *rc = MM_OK;
        json_object_set_new(e, "known", json_false());
        return e;
    }
    bool vis = *rc == MM_OK && status_visible(g, org_id);
    if (*rc == MM_OK) {
        json_object_set(e, "organization_name", json_object_get(org, "name"));
        json_object_set_new(e, "status_visible", json_boolean(vis));
        json_object_set_new(e, "supply_edges", edges_of(g, org_id));
    }
    if (*rc == MM_OK && vis) {
        json_t *a = assessment_of(g, org, rc);
        json_t *fws = json_is_object(a) ? frameworks_of(g, a, rc) : json_array();
        json_t *inc = *rc == MM_OK ? incidents_of(g, org_id, rc) : NULL;
        json_object_set_new(e, "assessment", a ? a : json_null());
        json_object_set_new(e, "frameworks", fws ? fws : json_array());
        json_object_set_new(e, "incidents", inc ? inc : json_null());
    }
    json_decref(org);
    if (*rc) {
        json_decref(e);
        return NULL;
    }
    return e;
}

/* The product of the registry with each label's state today and its recognition in each
 * scheme (counts), or json null; *withheld for a reader who may not read the registry. */
static json_t *product_of(gather *g, const json_t *plan, bool *withheld, int *rc)
{
    const char *prod = sv(json_object_get(plan, "equipment"), "product");
    const char *maker = sv(json_object_get(plan, "supplier"), "org");
    *withheld = false;
    if (!prod || !maker)
        return json_null();
    if (!g->r->who.authority) {
        *withheld = true;
        return json_null();
    }
    json_t *pr = NULL;
    *rc = mm_store_get_product(g->r->st, &pr, maker, prod);
    if (*rc == MM_ENOTFOUND) {
        *rc = MM_OK;
        return json_null();
    }
    if (*rc)
        return NULL;
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(pr, "labels"), i, l)
    {
        json_object_set_new(
            l, "state",
            json_string(mm_iot_label_state(sv(l, "issued"), sv(l, "expires"), g->r->today)));
    }
    json_t *rec = json_array();
    const mm_iot *iot = products_iot();
    size_t n = 0;
    const mm_iot_scheme *schemes = mm_iot_schemes(&n);
    for (i = 0; iot && rec && i < n; i++) {
        json_t *claim = NULL;
        if (mm_iot_recognize(&claim, iot, pr, schemes[i].id, g->r->today, g->r->now) == MM_OK)
            json_array_append_new(
                rec, json_pack("{s:s, s:O?, s:O?}", "as", schemes[i].id, "covered_count",
                               json_object_get(claim, "covered_count"), "remaining_count",
                               json_object_get(claim, "remaining_count")));
        json_decref(claim);
    }
    mm_error_clear();
    json_object_set_new(pr, "recognition", rec ? rec : json_array());
    return pr;
}

static int plan_parties(gather *g, const json_t *plan, json_t *parties)
{
    int rc = MM_OK;
    json_t *e = party_facts(g, json_object_get(plan, "supplier"), "supplier", "$.supplier", &rc);
    if (e)
        json_array_append_new(parties, e);
    static const struct {
        const char *list, *role;
    } lists[] = {{"component_suppliers", "component-supplier"}, {"maintainers", "maintainer"}};
    for (size_t l = 0; l < 2 && rc == MM_OK; l++) {
        const json_t *a = json_object_get(plan, lists[l].list);
        for (size_t i = 0; i < json_array_size(a) && rc == MM_OK; i++) {
            char path[64];
            snprintf(path, sizeof path, "$.%s[%zu]", lists[l].list, i);
            e = party_facts(g, json_array_get(a, i), lists[l].role, path, &rc);
            if (e)
                json_array_append_new(parties, e);
        }
    }
    return rc;
}

/* {item id: item} of the incident reports the requester may read (the sharing core). */
static int visible_incidents(http_req *r, json_t **out)
{
    json_t *vis = NULL;
    *out = NULL;
    int rc = share_visible(r, NULL, &vis);
    if (rc)
        return rc;
    json_t *map = json_object();
    size_t i;
    json_t *it;
    json_array_foreach(vis, i, it)
    {
        if (map && mm_streq(sv(it, "kind"), "incident") && sv(it, "id"))
            json_object_set(map, sv(it, "id"), it);
    }
    json_decref(vis);
    *out = map;
    return map ? MM_OK : MM_ENOMEM;
}

static int fail_store(act_fail *f, int rc)
{
    if (rc == MM_ENOTFOUND)
        return act_failed(f, ACT_NOT_FOUND, rc, "no such installation plan");
    if (rc == MM_ENOMEM)
        return act_failed(f, ACT_BUSY, rc, "out of memory");
    return act_failed(f, ACT_STORE, rc, "the store failed");
}

int screen_report_make(http_req *r, const char *org_id, const char *id, const screen_report_opts *o,
                       json_t **out, act_fail *f)
{
    *out = NULL;
    gather g = {.r = r, .o = o};
    json_t *p = NULL, *parties = json_array(), *product = NULL, *rep = NULL, *sel = NULL;
    g.read = json_array();
    int rc = parties && g.read ? mm_store_plan_get(r->st, &p, id) : MM_ENOMEM;
    const char *op = sv(p, "operator_id");
    if (rc == MM_OK && org_id && !mm_streq(op, org_id))
        rc = MM_ENOTFOUND;
    if (rc == MM_OK && !r->who.authority && !mm_streq(op, r->who.org_id))
        rc = MM_ENOTFOUND; /* the route's access check already says so: fail closed */
    window_start(g.since, r->today, o->months);
    if (rc == MM_OK)
        rc = supply_view(r, op, NULL, NULL, &g.view);
    if (rc == MM_OK)
        rc = visible_incidents(r, &g.visible);
    const json_t *plan = json_object_get(p, "plan");
    if (rc == MM_OK)
        rc = plan_parties(&g, plan, parties);
    bool withheld = false;
    if (rc == MM_OK)
        product = product_of(&g, plan, &withheld, &rc);
    const json_t *sector = mm_sector_find(screen_sectors(), sv(p, "sector"));
    json_t *category = json_null();
    json_t *cats = sector ? mm_sector_equipment(sector) : NULL;
    size_t i;
    json_t *c;
    json_array_foreach(cats, i, c)
    {
        if (mm_streq(sv(c, "id"), sv(json_object_get(plan, "equipment"), "category"))) {
            json_decref(category);
            category = json_incref(c);
        }
    }
    json_decref(cats);
    json_t *fws = json_array();
    for (i = 0; fws && i < o->nframeworks; i++)
        json_array_append_new(fws, json_string(o->frameworks[i]));
    sel =
        fws ? json_pack("{s:o, s:i, s:s}", "frameworks", fws, "months", o->months, "since", g.since)
            : NULL;
    if (rc == MM_OK)
        rep = json_pack(
            "{s:s, s:i, s:s, s:{s:s?, s:s?, s:b}, s:{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?},"
            " s:O?, s:O, s:o, s:b, s:O, s:O, s:s}",
            "kind", MM_SCREEN_REPORT_KIND, "version", 1, "generated", r->now, "reader", "org_id",
            r->who.org_id, "login", r->who.login, "authority", r->who.authority, "plan", "id",
            json_object_get(p, "id"), "operator_id", json_object_get(p, "operator_id"), "sector",
            json_object_get(p, "sector"), "state", json_object_get(p, "state"), "filed",
            json_object_get(p, "filed"), "due", json_object_get(p, "due"), "planned_start",
            json_object_get(plan, "planned_start"), "equipment", json_object_get(plan, "equipment"),
            "category", category, "product", product ? product : json_null(), "product_withheld",
            withheld, "selection", sel, "parties", parties, "rules", "docs/screening.md#ranking");
    if (rc == MM_OK)
        product = NULL; /* stolen by the pack */
    if (rc == MM_OK && !rep)
        rc = MM_ENOMEM;
    if (rc == MM_OK)
        rc = mm_screen_report_rank(rep);
    if (rc == MM_OK)
        rc = share_audit_reads(r, g.read, "screening");
    json_decref(category);
    json_decref(product);
    json_decref(sel);
    json_decref(parties);
    json_decref(p);
    json_decref(g.view);
    json_decref(g.visible);
    json_decref(g.read);
    if (rc) {
        json_decref(rep);
        return fail_store(f, rc);
    }
    *out = rep;
    return MM_OK;
}

int screen_report_signed(http_req *r, const char *org_id, const char *id,
                         const screen_report_opts *o, char **doc, act_fail *f)
{
    *doc = NULL;
    json_t *rep = NULL;
    int rc = screen_report_make(r, org_id, id, o, &rep, f);
    if (rc)
        return rc;
    rc = mm_screen_report_sign(doc, rep, r->srv->server_sk);
    json_t *detail = json_pack(
        "{s:O?, s:O?, s:i}", "summary", json_object_get(rep, "summary"), "frameworks",
        json_object_get(json_object_get(rep, "selection"), "frameworks"), "months", o->months);
    json_decref(rep);
    if (rc) {
        json_decref(detail);
        return act_failed(f, ACT_INTERNAL, rc, "the report could not be signed");
    }
    rc = mm_store_begin(r->st);
    rc = mm_audited_commit(r->st, rc, r->who.login, "plan.report", id, detail);
    if (rc) {
        free(*doc);
        *doc = NULL;
        return fail_store(f, rc);
    }
    return MM_OK;
}

static void report_reply(http_req *r, reply *out, const char *org_id, const char *id)
{
    screen_report_opts o;
    act_fail f = {0};
    char *doc = NULL, *html = NULL;
    const char *format = req_query(r, "format");
    int rc = screen_report_opts_read(r, &o, &f);
    if (rc == MM_OK)
        rc = screen_report_signed(r, org_id, id, &o, &doc, &f);
    if (rc) {
        reply_fail(out, &f);
        return;
    }
    if (mm_streq(format, "html")) {
        rc = mm_screen_report_html(&html, doc, strlen(doc));
        free(doc);
        if (rc) {
            reply_error(out, 500, "internal", "the report could not be drawn");
            return;
        }
        out->status = 200;
        out->text = html;
        out->ctype = "text/html; charset=utf-8";
        return;
    }
    out->status = 200;
    out->text = doc;
    out->ctype = "application/json; charset=utf-8";
}

void h_plan_report(http_req *r, reply *out)
{
    report_reply(r, out, NULL, r->param[0]);
}

void h_org_plan_report(http_req *r, reply *out)
{
    report_reply(r, out, r->param[0], r->param[1]);
}
