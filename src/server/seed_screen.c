/* mamori admin seed-demo: critical infrastructure in the demo (docs/screening.md). From the
 * seed only: a few of the demo's organizations are designated operators, one in each sector
 * whose competent ministry the sector list has read in its ordinance (only those: a
 * designation needs its ministry, and mamori names none the data does not), and each files
 * installation plans in every state a plan can be in (submitted, under examination with an
 * examination deadline a few days away, extended, cleared, recommendation, order,
 * withdrawn). The plans name other demo organizations as supplier, component supplier and
 * maintainer, and outside parties too, so that the screening report has unknown parties to
 * show. Every change has its audit record, in the caller's transaction. */
#include <stdio.h>
#include <string.h>

#include "server/screen.h"
#include "server/supply.h"
#include "util/util.h"

#define ACTOR         "cli:seed-demo"
#define OPERATORS_MAX 6

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* the fictional outside parties the plans name (no organization in mamori) */
static const char *const outside[] = {"Kita Field Services KK", "Minato Remote Ops KK",
                                      "Harbor Boards Ltd", "Sakura Control Panels KK"};

/* A plan of operator op in sector (key, category or NULL), parties from orgs. */
static json_t *make_plan(const seed_supply_org *orgs, unsigned n, unsigned op, const char *key,
                         const char *category, unsigned k, uint64_t *r)
{
    unsigned pick[3];
    for (int i = 0; i < 3; i++) {
        *r = mix(*r);
        pick[i] = (unsigned)(*r % n);
        if (pick[i] == op)
            pick[i] = (pick[i] + 1) % n;
    }
    if (pick[1] == pick[0])
        pick[1] = (pick[1] + 1) % n;
    if (pick[1] == op)
        pick[1] = (pick[1] + 1) % n;
    char model[32];
    snprintf(model, sizeof model, "CTL-%u", 100 + k);
    json_t *eq = category ? json_pack("{s:s, s:s, s:s}", "category", category, "model", model,
                                      "version", "2.1")
                          : json_pack("{s:s, s:s, s:s}", "description", "control system (demo)",
                                      "model", model, "version", "2.1");
    json_t *comps =
        json_pack("[{s:s, s:s}]", "org", orgs[pick[1]].id, "component", "control board");
    if (comps && k % 2 == 0)
        json_array_append_new(comps, json_pack("{s:s, s:s, s:s}", "name", outside[2], "country",
                                               "JP", "component", "power unit"));
    json_t *maint =
        json_pack("[{s:s, s:s}]", "org", orgs[pick[2]].id, "scope", "on-site maintenance");
    if (maint && k % 3 != 1)
        json_array_append_new(maint, json_pack("{s:s, s:s, s:s}", "name", outside[k % 2], "country",
                                               "JP", "scope", "remote maintenance"));
    if (pick[2] == pick[0] || pick[2] == pick[1]) { /* no party twice */
        json_decref(maint);
        maint = json_pack("[{s:s, s:s}]", "name", outside[3], "scope", "on-site maintenance");
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:{s:s}, s:o, s:o}", "kind", "mamori-installation-plan",
                     "operator", orgs[op].id, "sector", key, "equipment", eq, "supplier", "org",
                     orgs[pick[0]].id, "component_suppliers", comps, "maintainers", maint);
}

/* Files plan id and moves it to the k-th state of the demo's list. */
static int file_and_move(mm_store *st, const char *id, const json_t *plan, unsigned k,
                         const char *now)
{
    int rc = mm_store_plan_file(st, id, plan, MM_PLAN_EXAM_DAYS, ACTOR, now);
    if (rc == MM_OK)
        rc = mm_audit_note(st, ACTOR, "plan.file", id,
                           json_pack("{s:O, s:O}", "operator", json_object_get(plan, "operator"),
                                     "sector", json_object_get(plan, "sector")));
    static const char *const path[][3] = {
        {NULL},                                           /* submitted */
        {"under-examination", "soon"},                    /* due in a few days */
        {"under-examination", "extend"},                  /* extended */
        {"cleared"},                                      /* */
        {"under-examination", "recommendation"},          /* */
        {"under-examination", "recommendation", "order"}, /* */
        {"withdrawn"},                                    /* */
    };
    const char *const *steps = path[k % (sizeof path / sizeof path[0])];
    long today = mm_date_days((char[11]){now[0], now[1], now[2], now[3], now[4], now[5], now[6],
                                         now[7], now[8], now[9], 0});
    for (int s = 0; s < 3 && steps[s] && rc == MM_OK; s++) {
        char due[11];
        if (strcmp(steps[s], "soon") == 0 || strcmp(steps[s], "extend") == 0) {
            bool soon = steps[s][0] == 's';
            mm_date_format(due, today + (soon ? 3 : MM_PLAN_EXAM_DAYS + 30));
            const char *why =
                soon ? "demo: a shortened examination" : "demo: the supplier's audit takes longer";
            rc = mm_store_plan_clock(st, id, due, why, ACTOR, now);
            if (rc == MM_OK)
                rc = mm_audit_note(st, ACTOR, "plan.deadline", id,
                                   json_pack("{s:s, s:s}", "due", due, "reason", why));
            continue;
        }
        const char *reason =
            strcmp(steps[s], "under-examination") == 0 || strcmp(steps[s], "cleared") == 0
                ? NULL
                : "demo: see the screening report";
        rc = mm_store_plan_move(st, id, steps[s], reason, ACTOR, now);
        if (rc == MM_OK)
            rc = mm_audit_note(st, ACTOR, "plan.state", id,
                               json_pack("{s:s, s:s?}", "state", steps[s], "reason", reason));
    }
    return rc;
}

int seed_screen(mm_store *st, const seed_supply_org *orgs, unsigned n, unsigned long long seed,
                const char *now)
{
    if (n < 8)
        return MM_OK; /* too few organizations for operators and their parties */
    json_t *sectors = NULL;
    int rc = mm_sectors_load(&sectors, NULL);
    uint64_t r = mix(seed ^ 0x5c7ee9ULL);
    unsigned ops = 0, plans = 0;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(sectors, "sectors"), i, s)
    {
        if (rc || ops == OPERATORS_MAX)
            break;
        json_t *sum = mm_sector_summary(s);
        json_t *cats = mm_sector_equipment(s);
        const char *ministry = json_string_value(json_object_get(sum, "ministry"));
        const char *key = json_string_value(json_object_get(sum, "key"));
        if (!sum || !cats)
            rc = MM_ENOMEM;
        if (rc == MM_OK && ministry && key &&
            json_is_true(json_object_get(sum, "ministry_verified"))) {
            unsigned op = ops * 2 + 1; /* spread over the demo's first organizations */
            char designated[11];
            r = mix(r);
            snprintf(designated, sizeof designated, "2024-%02u-%02u", 1 + (unsigned)(r % 12),
                     1 + (unsigned)((r >> 8) % 28));
            rc = mm_store_org_sector_set(st, orgs[op].id, key, designated, ministry, ACTOR, now);
            if (rc == MM_OK)
                rc = mm_audit_note(st, ACTOR, "organization.sector", orgs[op].id,
                                   json_pack("{s:s, s:s, s:s}", "sector", key, "designated",
                                             designated, "ministry", ministry));
            const char *category =
                json_array_size(cats)
                    ? json_string_value(json_object_get(json_array_get(cats, 0), "id"))
                    : NULL;
            for (unsigned k = 0; rc == MM_OK && k < (ops == 0 ? 7u : 2u); k++, plans++) {
                json_t *plan = make_plan(orgs, n, op, key, category, plans, &r);
                char id[37];
                mm_store_new_id(id);
                rc = !plan ? MM_ENOMEM : mm_plan_check(plan, sectors, "seed-demo plan");
                if (rc == MM_OK)
                    rc = file_and_move(st, id, plan, ops == 0 ? k : plans, now);
                json_decref(plan);
            }
            ops++;
        }
        json_decref(sum);
        json_decref(cats);
    }
    json_decref(sectors);
    return rc;
}
