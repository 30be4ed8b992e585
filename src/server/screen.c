/* mamori serve: the domain actions of critical infrastructure (docs/screening.md): an
 * organization's sector and designation, filing an installation plan, moving it and its
 * examination clock. Each write ends with mm_audited_commit. The API (screen_api.c) calls
 * these; nothing here answers HTTP. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "mamori/iot.h"
#include "server/screen.h"
#include "util/json.h"
#include "util/util.h"

static json_t *sectors;
static pthread_once_t sectors_once = PTHREAD_ONCE_INIT;

static void sectors_load(void)
{
    if (mm_sectors_load(&sectors, NULL) != MM_OK)
        mm_server_log_json("error", "screen", json_pack("{s:s}", "error", mm_error_last()));
}

const json_t *screen_sectors(void)
{
    pthread_once(&sectors_once, sectors_load);
    return sectors;
}

static int store_failed(act_fail *f, int rc)
{
    const char *m = mm_error_last();
    switch (rc) {
    case MM_ENOTFOUND:
        return act_failed(f, ACT_NOT_FOUND, rc, "%s", m);
    case MM_ECONFLICT:
        return act_failed(f, ACT_CONFLICT, rc, "%s", m);
    case MM_EINVALID:
        return act_failed(f, ACT_INVALID, rc, "%s", m);
    case MM_ENOMEM:
        return act_failed(f, ACT_BUSY, rc, "out of memory");
    default:
        return act_failed(f, ACT_STORE, rc, "the store failed");
    }
}

int screen_sector_set(http_req *r, const char *org_id, const char *sector, const char *designated,
                      const char *ministry, json_t **out, act_fail *f)
{
    *out = NULL;
    const json_t *list = screen_sectors();
    if (!list)
        return act_failed(f, ACT_INTERNAL, MM_EIO, "the sector list is not available");
    if (!mm_sector_find(list, sector))
        return act_failed(f, ACT_INVALID, MM_EINVALID,
                          "body: $.sector: '%s' is not a sector of the list (GET /api/v1/sectors)",
                          sector);
    if ((designated != NULL) != (ministry != NULL))
        return act_failed(f, ACT_INVALID, MM_EINVALID,
                          "body: $.%s: a designation needs both designated and ministry",
                          designated ? "ministry" : "designated");
    if (designated && !mm_is_date(designated))
        return act_failed(f, ACT_INVALID, MM_EINVALID,
                          "body: $.designated: expected a date YYYY-MM-DD");
    json_t *org = NULL;
    int rc = mm_store_get_org(r->st, &org, org_id);
    bool authority =
        rc == MM_OK && mm_streq(json_string_value(json_object_get(org, "kind")), "authority");
    json_decref(org);
    if (rc)
        return store_failed(f, rc);
    if (authority)
        return act_failed(f, ACT_UNPROCESSABLE, MM_EINVALID,
                          "the authority's own organization is no operator: it has no sector");
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_org_sector_set(r->st, org_id, sector, designated, ministry, r->who.login,
                                     r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "organization.sector", org_id,
                           json_pack("{s:s, s:s?, s:s?}", "sector", sector, "designated",
                                     designated, "ministry", ministry));
    if (rc == MM_OK)
        rc = mm_store_org_sector_get(r->st, out, org_id);
    return rc ? store_failed(f, rc) : MM_OK;
}

/* The organization named by party p (NULL for an outside party) must exist: 400 naming path. */
static int party_known(http_req *r, const json_t *p, const char *path, act_fail *f)
{
    const char *org = json_string_value(json_object_get(p, "org"));
    if (!org)
        return MM_OK;
    json_t *o = NULL;
    int rc = mm_store_get_org(r->st, &o, org);
    json_decref(o);
    if (rc == MM_ENOTFOUND)
        return act_failed(f, ACT_INVALID, MM_EINVALID,
                          "body: %s.org: no such organization in mamori (name an outside party "
                          "with name instead)",
                          path);
    return rc ? store_failed(f, rc) : MM_OK;
}

/* The checks of a plan that need the store: designation, parties, product. */
static int plan_known(http_req *r, const char *org_id, const json_t *plan, act_fail *f)
{
    const char *sector = json_string_value(json_object_get(plan, "sector"));
    json_t *des = NULL;
    int rc = mm_store_org_sector_get(r->st, &des, org_id);
    if (rc && rc != MM_ENOTFOUND)
        return store_failed(f, rc);
    bool designated = rc == MM_OK &&
                      mm_streq(json_string_value(json_object_get(des, "sector")), sector) &&
                      json_is_string(json_object_get(des, "designated"));
    json_decref(des);
    if (!designated)
        return act_failed(f, ACT_UNPROCESSABLE, MM_EINVALID,
                          "body: $.operator: the organization is not a designated operator of "
                          "sector '%s' (PUT /api/v1/organizations/{org}/sector)",
                          sector);
    rc = party_known(r, json_object_get(plan, "supplier"), "$.supplier", f);
    static const char *const lists[] = {"component_suppliers", "maintainers"};
    for (size_t l = 0; l < 2 && rc == MM_OK; l++) {
        const json_t *a = json_object_get(plan, lists[l]);
        for (size_t i = 0; i < json_array_size(a) && rc == MM_OK; i++) {
            char path[64];
            snprintf(path, sizeof path, "$.%s[%zu]", lists[l], i);
            rc = party_known(r, json_array_get(a, i), path, f);
        }
    }
    const char *product =
        json_string_value(json_object_get(json_object_get(plan, "equipment"), "product"));
    if (rc == MM_OK && product) {
        const char *maker =
            json_string_value(json_object_get(json_object_get(plan, "supplier"), "org"));
        json_t *p = NULL;
        int prc = maker ? mm_store_get_product(r->st, &p, maker, product) : MM_ENOTFOUND;
        json_decref(p);
        if (prc == MM_ENOTFOUND)
            return act_failed(f, ACT_INVALID, MM_EINVALID,
                              "body: $.equipment.product: not a product of the supplier in the "
                              "product registry (the supplier must be an organization in mamori)");
        if (prc)
            return store_failed(f, prc);
    }
    return rc;
}

int screen_plan_file(http_req *r, const char *org_id, json_t **out, act_fail *f)
{
    *out = NULL;
    const json_t *list = screen_sectors();
    if (!list)
        return act_failed(f, ACT_INTERNAL, MM_EIO, "the sector list is not available");
    json_t *org = NULL;
    int rc = mm_store_get_org(r->st, &org, org_id);
    json_decref(org);
    if (rc)
        return store_failed(f, rc);
    if (r->body_len > MM_PLAN_MAX_BYTES)
        return act_failed(f, ACT_TOO_BIG, MM_ETOOBIG,
                          "body: %zu bytes is larger than the limit of %u bytes for an "
                          "installation plan: nothing filed",
                          r->body_len, MM_PLAN_MAX_BYTES);
    json_t *plan = NULL;
    rc = mm_json_load(&plan, r->body ? r->body : "", r->body_len, "body", 0);
    if (rc == MM_OK)
        rc = mm_plan_check(plan, list, "body");
    if (rc) {
        json_decref(plan);
        return rc == MM_ENOMEM ? act_failed(f, ACT_BUSY, rc, "out of memory")
                               : act_failed(f, ACT_INVALID, rc, "%s", mm_error_last());
    }
    if (!mm_streq(json_string_value(json_object_get(plan, "operator")), org_id)) {
        json_decref(plan);
        return act_failed(f, ACT_INVALID, MM_EINVALID,
                          "body: $.operator: the plan names another operator than the "
                          "organization it is filed for");
    }
    char id[37];
    mm_store_new_id(id);
    rc = mm_store_begin(r->st);
    if (rc) {
        json_decref(plan);
        return store_failed(f, rc);
    }
    act_fail known = {0};
    int k = plan_known(r, org_id, plan, &known);
    if (k == MM_OK)
        rc = mm_store_plan_file(r->st, id, plan, MM_PLAN_EXAM_DAYS, r->who.login, r->now);
    rc = mm_audited_commit(
        r->st, k ? k : rc, r->who.login, "plan.file", id,
        json_pack("{s:s, s:O}", "operator", org_id, "sector", json_object_get(plan, "sector")));
    json_decref(plan);
    if (k) {
        *f = known;
        return k;
    }
    if (rc == MM_OK)
        rc = mm_store_plan_get(r->st, out, id);
    return rc ? store_failed(f, rc) : MM_OK;
}

/* 404 unless plan id is org_id's (org_id NULL: any plan). */
static int plan_of(http_req *r, const char *org_id, const char *id, act_fail *f)
{
    json_t *p = NULL;
    int rc = mm_store_plan_get(r->st, &p, id);
    bool mine = rc == MM_OK &&
                (!org_id || mm_streq(json_string_value(json_object_get(p, "operator_id")), org_id));
    json_decref(p);
    if (rc)
        return store_failed(f, rc);
    return mine ? MM_OK : act_failed(f, ACT_NOT_FOUND, MM_ENOTFOUND, "no such installation plan");
}

int screen_plan_move(http_req *r, const char *org_id, const char *id, const char *to,
                     const char *reason, json_t **out, act_fail *f)
{
    *out = NULL;
    static const char *const states[] = {MM_PLAN_STATES};
    size_t n = 0;
    while (n < sizeof states / sizeof states[0] && !mm_streq(states[n], to))
        n++;
    if (n == sizeof states / sizeof states[0])
        return act_failed(f, ACT_INVALID, MM_EINVALID,
                          "body: $.state: '%s' is not a state (submitted, under-examination, "
                          "extended, cleared, recommendation, order, withdrawn)",
                          to);
    int rc = plan_of(r, org_id, id, f);
    if (rc)
        return rc;
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_plan_move(r->st, id, to, reason, r->who.login, r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "plan.state", id,
                           json_pack("{s:s, s:s?}", "state", to, "reason", reason));
    if (rc == MM_OK)
        rc = mm_store_plan_get(r->st, out, id);
    return rc ? store_failed(f, rc) : MM_OK;
}

int screen_plan_deadline(http_req *r, const char *id, const char *due, const char *reason,
                         json_t **out, act_fail *f)
{
    *out = NULL;
    int rc = plan_of(r, NULL, id, f);
    if (rc)
        return rc;
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_plan_clock(r->st, id, due, reason, r->who.login, r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "plan.deadline", id,
                           json_pack("{s:s, s:s?}", "due", due, "reason", reason));
    if (rc == MM_OK)
        rc = mm_store_plan_get(r->st, out, id);
    return rc ? store_failed(f, rc) : MM_OK;
}
