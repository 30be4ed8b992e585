/* mamori serve: the national picture of critical infrastructure and its shareable aggregate
 * (screen_national.h; docs/screening.md "The national picture"). Read-only: the rows come
 * from src/store/screen_national.c, the sector list from content (screen_sectors), and what
 * counts as a valid assessment is the contractor list's rule (cmmc.c): a latest status of
 * meets or conditional that is neither stale (older than three years) nor a Rev 2
 * conditional past its 180-day close-out. */
#include <stdio.h>
#include <string.h>

#include "mamori/share.h"
#include "server/screen.h"
#include "server/screen_national.h"
#include "util/util.h"

static const char *sv(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static bool open_state(const char *state)
{
    return mm_streq(state, "submitted") || mm_streq(state, "under-examination") ||
           mm_streq(state, "extended");
}

/* The status shown for an organization's standing, and whether it is a valid assessment. */
static const char *standing_status(const http_req *r, const json_t *st, bool *valid)
{
    const char *status = sv(st, "status");
    *valid = false;
    if (!status || !status[0])
        return "none";
    const char *received = sv(st, "received");
    char date[11] = "";
    snprintf(date, sizeof date, "%.10s", sv(st, "assessed") ? sv(st, "assessed") : received);
    if (r->stale_before[0] && date[0] && strcmp(date, r->stale_before) < 0)
        return "stale";
    const char *shown = cmmc_server_status(r, sv(st, "framework"), status, received);
    *valid = mm_streq(shown, "meets") || mm_streq(shown, "conditional");
    return shown;
}

/* One party of a plan: {"role", "path", "org" | "name", "known", "organization_name",
 * "status", "valid"}; standings caches what the store said per organization. */
static json_t *party_entry(http_req *r, json_t *standings, const json_t *p, const char *role,
                           const char *path, int *rc)
{
    const char *org = sv(p, "org");
    json_t *e = json_pack("{s:s, s:s, s:O?, s:O?}", "role", role, "path", path, "org",
                          json_object_get(p, "org"), "name", json_object_get(p, "name"));
    if (!e) {
        *rc = MM_ENOMEM;
        return NULL;
    }
    if (!org) {
        json_object_set_new(e, "known", json_false());
        json_object_set_new(e, "status", json_string("none"));
        json_object_set_new(e, "valid", json_false());
        return e;
    }
    json_t *st = json_object_get(standings, org);
    if (!st) {
        json_t *got = NULL;
        int src = mm_store_org_standing(r->st, &got, org);
        if (src == MM_ENOTFOUND) {
            got = json_object();
        } else if (src) {
            *rc = src;
            json_decref(e);
            return NULL;
        }
        json_object_set_new(standings, org, got);
        st = got;
    }
    bool valid = false;
    const char *status = standing_status(r, st, &valid);
    json_object_set_new(e, "known", json_boolean(sv(st, "org_id") != NULL));
    json_object_set(e, "organization_name", json_object_get(st, "name"));
    json_object_set_new(e, "status", json_string(status));
    json_object_set_new(e, "valid", json_boolean(valid));
    return e;
}

/* Every party of a plan body, in the plan's order: supplier, component suppliers,
 * maintainers. */
static json_t *plan_parties(http_req *r, json_t *standings, const json_t *plan, int *rc)
{
    json_t *out = json_array();
    if (!out) {
        *rc = MM_ENOMEM;
        return NULL;
    }
    json_t *e =
        party_entry(r, standings, json_object_get(plan, "supplier"), "supplier", "$.supplier", rc);
    if (e)
        json_array_append_new(out, e);
    static const struct {
        const char *list, *role;
    } lists[] = {{"component_suppliers", "component-supplier"}, {"maintainers", "maintainer"}};
    for (size_t l = 0; l < 2 && *rc == MM_OK; l++) {
        const json_t *a = json_object_get(plan, lists[l].list);
        for (size_t i = 0; i < json_array_size(a) && *rc == MM_OK; i++) {
            char path[64];
            snprintf(path, sizeof path, "$.%s[%zu]", lists[l].list, i);
            e = party_entry(r, standings, json_array_get(a, i), lists[l].role, path, rc);
            if (e)
                json_array_append_new(out, e);
        }
    }
    if (*rc) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* Today's date for the picture. */
static void today_of(const http_req *r, char today[11])
{
    snprintf(today, 11, "%.10s", r->today[0] ? r->today : r->now);
}

/* A plan's entry: the row with its clock as of today and its parties (the body dropped). */
static json_t *plan_entry(http_req *r, json_t *standings, const json_t *row, const char *today,
                          const char *operator_name, int *rc)
{
    const char *state = sv(row, "state"), *due = sv(row, "due");
    bool open = open_state(state);
    long left = open && mm_is_date(due) ? mm_date_days(due) - mm_date_days(today) : 0;
    json_t *parties = plan_parties(r, standings, json_object_get(row, "plan"), rc);
    if (!parties)
        return NULL;
    json_int_t without = 0;
    size_t i;
    json_t *p;
    json_array_foreach(parties, i, p) without += !json_is_true(json_object_get(p, "valid"));
    const json_t *eq = json_object_get(json_object_get(row, "plan"), "equipment");
    json_t *e = json_pack(
        "{s:O, s:O, s:s?, s:O, s:O, s:O, s:O, s:b, s:o, s:b, s:b, s:O?, s:O?, s:I, s:I, s:o}", "id",
        json_object_get(row, "id"), "operator_id", json_object_get(row, "operator_id"),
        "operator_name", operator_name, "sector", json_object_get(row, "sector"), "state",
        json_object_get(row, "state"), "filed", json_object_get(row, "filed"), "due",
        json_object_get(row, "due"), "open", open, "days_left",
        open ? json_integer(left) : json_null(), "due_soon",
        open && left >= 0 && left <= NATIONAL_DUE_SOON_DAYS, "overdue", open && left < 0,
        "category", json_object_get(eq, "category"), "model", json_object_get(eq, "model"),
        "parties_total", (json_int_t)json_array_size(parties), "parties_without_valid", without,
        "parties", parties);
    if (!e)
        *rc = MM_ENOMEM;
    return e;
}

/* Distinct parties of a role group: key "org:ID" or "name:NAME" -> valid. */
static void tally_party(json_t *seen, const json_t *p)
{
    char key[600];
    const char *org = sv(p, "org"), *name = sv(p, "name");
    snprintf(key, sizeof key, "%s:%.500s", org ? "org" : "name", org ? org : name ? name : "");
    bool valid = json_is_true(json_object_get(p, "valid"));
    json_t *was = json_object_get(seen, key);
    if (!was)
        json_object_set_new(seen, key,
                            json_pack("{s:b, s:b}", "valid", valid, "known",
                                      json_is_true(json_object_get(p, "known"))));
}

static json_t *party_counts(const json_t *seen)
{
    json_int_t total = 0, without = 0, unknown = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)seen, k, v)
    {
        total++;
        without += !json_is_true(json_object_get(v, "valid"));
        unknown += !json_is_true(json_object_get(v, "known"));
    }
    return json_pack("{s:I, s:I, s:I}", "total", total, "without_valid", without, "unknown",
                     unknown);
}

/* A sector's summary from the rows (plans: their entries, with parties). */
static json_t *sector_summary(const json_t *sector, const json_t *ops, const json_t *plans,
                              const json_t *incidents)
{
    json_t *info = mm_sector_summary(sector);
    const char *key = sv(sector, "key");
    json_int_t n_ops = 0, n_plans = 0, n_open = 0, soon = 0, overdue = 0, inc = 0;
    const char *next_due = NULL, *last_inc = NULL;
    json_t *sup = json_object(), *mnt = json_object();
    size_t i;
    json_t *o;
    json_array_foreach(ops, i, o) n_ops += mm_streq(sv(o, "sector"), key);
    json_array_foreach(plans, i, o)
    {
        if (!mm_streq(sv(o, "sector"), key) || mm_streq(sv(o, "state"), "withdrawn"))
            continue;
        n_plans++;
        if (json_is_true(json_object_get(o, "open"))) {
            n_open++;
            soon += json_is_true(json_object_get(o, "due_soon"));
            overdue += json_is_true(json_object_get(o, "overdue"));
            if (!next_due || strcmp(sv(o, "due"), next_due) < 0)
                next_due = sv(o, "due");
        }
        size_t j;
        json_t *p;
        json_array_foreach(json_object_get(o, "parties"), j, p)
            tally_party(mm_streq(sv(p, "role"), "maintainer") ? mnt : sup, p);
    }
    json_array_foreach(incidents, i, o)
    {
        if (!mm_streq(sv(o, "sector"), key))
            continue;
        inc += json_integer_value(json_object_get(o, "count"));
        if (!last_inc || (sv(o, "last") && strcmp(sv(o, "last"), last_inc) > 0))
            last_inc = sv(o, "last");
    }
    json_t *sc = party_counts(sup), *mc = party_counts(mnt);
    json_int_t parties = json_integer_value(json_object_get(sc, "total")) +
                         json_integer_value(json_object_get(mc, "total"));
    json_int_t without = json_integer_value(json_object_get(sc, "without_valid")) +
                         json_integer_value(json_object_get(mc, "without_valid"));
    json_t *out =
        info ? json_pack("{s:O, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:I, s:I, s:I, s:I, s:I, s:s?,"
                         " s:o, s:o, s:o, s:{s:I, s:s?}}",
                         "key", json_object_get(info, "key"), "label_ja",
                         json_object_get(info, "label_ja"), "label_ja_verified",
                         json_object_get(info, "label_ja_verified"), "label_en",
                         json_object_get(info, "label_en"), "label_en_verified",
                         json_object_get(info, "label_en_verified"), "ministry",
                         json_object_get(info, "ministry"), "ministry_verified",
                         json_object_get(info, "ministry_verified"), "operators", n_ops, "plans",
                         n_plans, "plans_open", n_open, "due_soon", soon, "overdue", overdue,
                         "next_due", next_due, "suppliers", sc, "maintainers", mc,
                         "share_without_valid",
                         parties ? json_real((double)without / (double)parties) : json_null(),
                         "incidents", "count", inc, "last", last_inc)
             : NULL;
    if (!out) {
        json_decref(sc);
        json_decref(mc);
    }
    json_decref(info);
    json_decref(sup);
    json_decref(mnt);
    return out;
}

/* The name of operator org_id among ops, or NULL. */
static const char *operator_name(const json_t *ops, const char *org_id)
{
    size_t i;
    json_t *o;
    json_array_foreach(ops, i, o) if (mm_streq(sv(o, "org_id"), org_id)) return sv(o, "name");
    return NULL;
}

/* An operator's entry of the drill-down: its designation and its plans' counts. */
static json_t *operator_entry(const json_t *op, const json_t *plans, const json_t *incidents)
{
    const char *id = sv(op, "org_id");
    json_int_t n = 0, open = 0, soon = 0, overdue = 0, inc = 0;
    size_t i;
    json_t *p;
    json_array_foreach(plans, i, p)
    {
        if (!mm_streq(sv(p, "operator_id"), id))
            continue;
        n++;
        open += json_is_true(json_object_get(p, "open"));
        soon += json_is_true(json_object_get(p, "due_soon"));
        overdue += json_is_true(json_object_get(p, "overdue"));
    }
    json_array_foreach(incidents, i, p) if (mm_streq(sv(p, "org_id"), id)) inc +=
        json_integer_value(json_object_get(p, "count"));
    return json_pack("{s:O, s:O, s:O, s:O, s:I, s:I, s:I, s:I, s:I}", "org_id",
                     json_object_get(op, "org_id"), "name", json_object_get(op, "name"),
                     "designated", json_object_get(op, "designated"), "ministry",
                     json_object_get(op, "ministry"), "plans", n, "plans_open", open, "due_soon",
                     soon, "overdue", overdue, "incidents", inc);
}

int national_picture(http_req *r, const char *sector, const char *operator_id, json_t **out)
{
    *out = NULL;
    const json_t *list = screen_sectors();
    if (!list) {
        mm_error_set("the sector list is not available");
        return MM_EIO;
    }
    if (sector && !mm_sector_find(list, sector)) {
        mm_error_set("no such sector");
        return MM_ENOTFOUND;
    }
    char today[11], since[11];
    today_of(r, today);
    mm_date_format(since, mm_date_days(today) - NATIONAL_INCIDENT_DAYS);
    json_t *ops = NULL, *rows = NULL, *incidents = NULL, *plans = json_array(),
           *standings = json_object(), *sectors = json_array();
    int rc = plans && standings && sectors ? MM_OK : MM_ENOMEM;
    if (rc == MM_OK)
        rc = mm_store_national_operators(r->st, &ops, sector);
    if (rc == MM_OK)
        rc = mm_store_national_plans(r->st, &rows, sector, operator_id);
    if (rc == MM_OK)
        rc = mm_store_national_incidents(r->st, &incidents, since);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (rc)
            break;
        json_t *e =
            plan_entry(r, standings, row, today, operator_name(ops, sv(row, "operator_id")), &rc);
        if (e)
            json_array_append_new(plans, e);
    }
    json_array_foreach(json_object_get(list, "sectors"), i, row)
    {
        if (rc)
            break;
        if (sector && !mm_streq(sv(row, "key"), sector))
            continue;
        json_t *s = sector_summary(row, ops, plans, incidents);
        if (!s || json_array_append_new(sectors, s))
            rc = MM_ENOMEM;
    }
    if (rc == MM_OK)
        *out = json_pack("{s:s, s:i, s:s}", "as_of", today, "due_soon_days", NATIONAL_DUE_SOON_DAYS,
                         "incidents_since", since);
    if (rc == MM_OK && *out && !sector) {
        json_object_set(*out, "sectors", sectors);
    } else if (rc == MM_OK && *out) {
        json_t *opl = json_array();
        json_array_foreach(ops, i, row)
        {
            if (operator_id && !mm_streq(sv(row, "org_id"), operator_id))
                continue;
            json_array_append_new(opl, operator_entry(row, plans, incidents));
        }
        json_object_set(*out, "sector", json_array_get(sectors, 0));
        json_object_set_new(*out, "operators", opl);
        json_object_set(*out, "plans", plans);
    }
    if (rc == MM_OK && !*out)
        rc = MM_ENOMEM;
    json_decref(ops);
    json_decref(rows);
    json_decref(incidents);
    json_decref(plans);
    json_decref(standings);
    json_decref(sectors);
    return rc;
}

int national_plan(http_req *r, const char *sector, const char *id, json_t **out)
{
    *out = NULL;
    json_t *plan = NULL, *view = NULL;
    int rc = mm_store_plan_get(r->st, &plan, id);
    if (rc == MM_OK && !mm_streq(sv(plan, "sector"), sector)) {
        mm_error_set("no such installation plan in this sector");
        rc = MM_ENOTFOUND;
    }
    if (rc == MM_OK)
        rc = national_picture(r, sector, sv(plan, "operator_id"), &view);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(view, "plans"), i, p)
    {
        if (mm_streq(sv(p, "id"), id))
            *out = json_pack("{s:O, s:O, s:O, s:O}", "as_of", json_object_get(view, "as_of"),
                             "sector", json_object_get(view, "sector"), "plan", p, "events",
                             json_object_get(plan, "events"));
    }
    if (rc == MM_OK && !*out)
        rc = MM_ENOMEM;
    json_decref(plan);
    json_decref(view);
    return rc;
}

int national_due_plans(http_req *r, json_t **out)
{
    *out = NULL;
    json_t *all = NULL, *due = json_array();
    int rc = due ? mm_store_plan_list(r->st, &all, NULL) : MM_ENOMEM;
    char today[11];
    today_of(r, today);
    size_t i;
    json_t *p;
    json_array_foreach(all, i, p)
    {
        const char *d = sv(p, "due");
        if (rc || !open_state(sv(p, "state")) || !mm_is_date(d))
            continue;
        long left = mm_date_days(d) - mm_date_days(today);
        if (left > NATIONAL_DUE_SOON_DAYS)
            continue;
        json_object_set_new(p, "days_left", json_integer(left));
        json_t *op = NULL; /* the operator's name, for the overview (few plans are near) */
        if (mm_store_get_org(r->st, &op, sv(p, "operator_id")) == MM_OK)
            json_object_set(p, "operator_name", json_object_get(op, "name"));
        json_decref(op);
        /* soonest first: insert before the first with more days left */
        size_t at = 0;
        while (at < json_array_size(due) &&
               json_integer_value(json_object_get(json_array_get(due, at), "days_left")) <= left)
            at++;
        if (json_array_insert(due, at, p))
            rc = MM_ENOMEM;
    }
    json_decref(all);
    if (rc)
        json_decref(due);
    else
        *out = due;
    return rc;
}

/* ---- the shareable aggregate ------------------------------------------------------------ */

/* A count as shared: under 5 (0 included) the string "<5", as the alliance map shows them. */
static json_t *shared_count(json_int_t n)
{
    return n < 5 ? json_string("<5") : json_integer(n);
}

static json_int_t iv(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    return json_integer_value(b ? json_object_get(v, b) : v);
}

int national_aggregate(http_req *r, json_t **out)
{
    *out = NULL;
    json_t *pic = NULL;
    int rc = national_picture(r, NULL, NULL, &pic);
    json_t *sectors = rc == MM_OK ? json_array() : NULL;
    if (rc == MM_OK && !sectors)
        rc = MM_ENOMEM;
    json_int_t tot[8] = {0};
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(pic, "sectors"), i, s)
    {
        if (rc)
            break;
        json_int_t c[8] = {iv(s, "operators", NULL),      iv(s, "plans_open", NULL),
                           iv(s, "due_soon", NULL),       iv(s, "overdue", NULL),
                           iv(s, "suppliers", "total"),   iv(s, "suppliers", "without_valid"),
                           iv(s, "maintainers", "total"), iv(s, "maintainers", "without_valid")};
        json_int_t inc = iv(s, "incidents", "count");
        for (int k = 0; k < 8; k++)
            tot[k] += c[k];
        json_int_t parties = c[4] + c[6], without = c[5] + c[7];
        /* the share only where neither part is under 5: else it would tell a small count */
        json_t *share = without >= 5 && parties - without >= 5
                            ? json_integer((json_int_t)((100 * without + parties / 2) / parties))
                            : json_string("<5 in a part");
        json_t *e = json_pack(
            "{s:O, s:O?, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "sector",
            json_object_get(s, "key"), "label_en", json_object_get(s, "label_en"), "operators",
            shared_count(c[0]), "plans_under_examination", shared_count(c[1]), "due_soon",
            shared_count(c[2]), "overdue", shared_count(c[3]), "suppliers", shared_count(c[4]),
            "suppliers_without_valid_assessment", shared_count(c[5]), "maintainers",
            shared_count(c[6]), "maintainers_without_valid_assessment", shared_count(c[7]),
            "percent_without_valid_assessment", share, "incidents", shared_count(inc));
        if (!e || json_array_append_new(sectors, e))
            rc = MM_ENOMEM;
    }
    if (rc == MM_OK)
        *out = json_pack(
            "{s:s, s:s, s:O, s:i, s:i, s:s, s:o, s:{s:o, s:o, s:o, s:o, s:o, s:o}}", "kind",
            "mamori-national-aggregate", "version", "1.0", "as_of", json_object_get(pic, "as_of"),
            "due_soon_days", NATIONAL_DUE_SOON_DAYS, "incident_window_days", NATIONAL_INCIDENT_DAYS,
            "small_counts",
            "counts under 5 (0 included) are the string \"<5\"; no organization, no plan",
            "sectors", sectors, "totals", "operators", shared_count(tot[0]),
            "plans_under_examination", shared_count(tot[1]), "due_soon", shared_count(tot[2]),
            "overdue", shared_count(tot[3]), "parties", shared_count(tot[4] + tot[6]),
            "parties_without_valid_assessment", shared_count(tot[5] + tot[7]));
    else
        json_decref(sectors);
    if (rc == MM_OK && !*out)
        rc = MM_ENOMEM;
    json_decref(pic);
    return rc;
}

int national_aggregate_stix(http_req *r, const char *tlp, json_t **out)
{
    *out = NULL;
    mm_tlp t;
    if (mm_tlp_parse(&t, tlp) != MM_OK)
        return MM_EINVALID;
    json_t *agg = NULL, *org = NULL;
    int rc = national_aggregate(r, &agg);
    if (rc == MM_OK)
        rc = mm_store_get_org(r->st, &org, r->who.org_id);
    if (rc == MM_OK)
        rc = mm_stix_aggregate_report(out, agg, t, r->who.org_id, sv(org, "name"), r->now);
    json_decref(agg);
    json_decref(org);
    return rc;
}
