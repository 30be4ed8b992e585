/* The screening report's findings (docs/screening.md "Ranking"): rules R1 to R8 over the
 * facts the server gathered for each party of a plan, each finding with its evidence (ids,
 * dates), ranked by severity, role, plan path and rule. The rules and their severities are
 * mamori's own heuristic, written down in the docs; none is a regulatory criterion. Pure:
 * the report in, the report with "findings" and "summary" out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/screen_report.h"
#include "util/util.h"

const char *const mm_screen_severities[4] = {"high", "medium", "low", "info"};

enum { SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV_INFO };

/* the roles, in the order findings of equal severity are listed: the firms entrusted with
 * maintenance have access to the equipment once installed, the supplier delivers it, a
 * component supplier is one step removed */
static int role_order(const char *role)
{
    static const char *const roles[] = {"maintainer", "supplier", "component-supplier"};
    for (int i = 0; i < 3; i++)
        if (mm_streq(role, roles[i]))
            return i;
    return 3; /* the equipment */
}

static bool close_role(const char *role)
{
    return role_order(role) < 2;
}

static const char *sval(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* Appends a finding (evidence stolen) to list; false when out of memory. */
static bool add(json_t *list, int sev, const char *rule, const json_t *party, const char *what,
                json_t *evidence)
{
    const char *who = sval(party, "org") ? sval(party, "org") : sval(party, "name");
    json_t *f = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:o}", "severity",
                          mm_screen_severities[sev], "rule", rule, "role", sval(party, "role"),
                          "path", sval(party, "path"), "party", who, "organization_name",
                          sval(party, "organization_name"), "what", what, "evidence",
                          evidence ? evidence : json_array());
    return f && json_array_append_new(list, f) == 0;
}

static json_t *plan_party(const json_t *party)
{
    return json_pack("[{s:s, s:s?, s:s?, s:s?}]", "kind", "plan-party", "path", sval(party, "path"),
                     "org", sval(party, "org"), "name", sval(party, "name"));
}

static bool party_rules(json_t *list, const json_t *p)
{
    const char *role = sval(p, "role");
    bool close = close_role(role);
    char what[300];
    /* R1: named only, unknown to mamori */
    if (!json_is_true(json_object_get(p, "known"))) {
        snprintf(what, sizeof what,
                 "unknown to mamori: named only, so no assessment, supply edge or incident can be "
                 "checked%s",
                 close ? " for a party with access to the equipment" : "");
        return add(list, close ? SEV_HIGH : SEV_MEDIUM, "R1", p, what, plan_party(p));
    }
    /* R3: the reader may not see its status (no consent towards the reader) */
    if (!json_is_true(json_object_get(p, "status_visible"))) {
        return add(list, close ? SEV_MEDIUM : SEV_LOW, "R3", p,
                   "its assessment status is withheld from this reader (no consent in the supply "
                   "graph): ask the authority, or the party to consent",
                   plan_party(p));
    }
    bool ok = true;
    /* R2: no valid assessment */
    const json_t *a = json_object_get(p, "assessment");
    if (!json_is_object(a)) {
        snprintf(what, sizeof what, "no assessment on file%s",
                 close ? " for a party with access to the equipment" : "");
        ok = add(list, close ? SEV_HIGH : SEV_MEDIUM, "R2", p, what,
                 json_pack("[{s:s, s:s?}]", "kind", "no-submission", "org", sval(p, "org")));
    } else if (!json_is_true(json_object_get(a, "valid"))) {
        snprintf(what, sizeof what, "no valid assessment: the latest is %s (%s)%s",
                 sval(a, "status") ? sval(a, "status") : "?",
                 sval(a, "framework") ? sval(a, "framework") : "?",
                 close ? ", for a party with access to the equipment" : "");
        ok = add(list, close ? SEV_HIGH : SEV_MEDIUM, "R2", p, what,
                 json_pack("[{s:s, s:s?, s:s?, s:s?, s:s?}]", "kind", "submission", "id",
                           sval(a, "submission_id"), "framework", sval(a, "framework"), "status",
                           sval(a, "status"), "status_date", sval(a, "status_date")));
    }
    /* R4: incident reports in the window (counts and dates; report numbers only as TLP allows) */
    const json_t *inc = json_object_get(p, "incidents");
    json_int_t n = json_integer_value(json_object_get(inc, "count"));
    if (ok && n > 0) {
        json_t *ev = json_array();
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(inc, "items"), i, it)
        {
            json_t *e = json_pack("{s:s, s:s?, s:s?, s:s?}", "kind", "incident", "reported",
                                  sval(it, "reported"), "discovered", sval(it, "discovered"),
                                  "report_number", sval(it, "report_number"));
            if (!ev || !e || json_array_append_new(ev, e))
                ok = false;
        }
        snprintf(what, sizeof what, "%lld incident report(s) in the last %lld month(s)",
                 (long long)n, (long long)json_integer_value(json_object_get(inc, "months")));
        ok = ok && add(list, SEV_MEDIUM, "R4", p, what, ev);
        if (!ok)
            json_decref(ev);
    }
    /* R5, R6: the supply graph below the operator */
    const json_t *edges = json_object_get(p, "supply_edges");
    if (ok && json_array_size(edges) == 0)
        ok = add(list, SEV_LOW, "R6", p,
                 "not linked below the operator in the supply graph: no flow-down check",
                 plan_party(p));
    size_t i;
    json_t *e;
    json_array_foreach(edges, i, e)
    {
        const char *check = sval(e, "check");
        if (!ok || !check || strcmp(check, "ok") == 0)
            continue;
        snprintf(what, sizeof what, "flow-down check '%s' on contract %s (tier %lld)", check,
                 sval(e, "contract") ? sval(e, "contract") : "?",
                 (long long)json_integer_value(json_object_get(e, "tier")));
        ok = add(list, SEV_MEDIUM, "R5", p, what,
                 json_pack("[{s:s, s:s?, s:s?, s:O?, s:s, s:s?}]", "kind", "supply-edge", "id",
                           sval(e, "id"), "contract", sval(e, "contract"), "tier",
                           json_object_get(e, "tier"), "check", check, "why", sval(e, "why")));
    }
    /* R7: a framework the authority selected, from the latest assessment */
    json_t *fw;
    json_array_foreach(json_object_get(p, "frameworks"), i, fw)
    {
        if (!ok || json_is_true(json_object_get(fw, "assessed")))
            continue;
        const char *id = sval(fw, "framework");
        if (json_is_null(json_object_get(fw, "crosswalk"))) {
            snprintf(what, sizeof what,
                     "status in %s unknown: no published crosswalk from %s, and no assessment in "
                     "it",
                     id, a ? sval(a, "framework") : "?");
        } else if (json_integer_value(json_object_get(fw, "projected_not_met")) > 0 ||
                   json_integer_value(json_object_get(fw, "to_answer")) > 0) {
            snprintf(what, sizeof what,
                     "in %s (projected through a crosswalk): %lld not met, %lld to answer", id,
                     (long long)json_integer_value(json_object_get(fw, "projected_not_met")),
                     (long long)json_integer_value(json_object_get(fw, "to_answer")));
        } else {
            continue;
        }
        ok = add(list, SEV_LOW, "R7", p, what,
                 json_pack("[{s:s, s:s?, s:s?, s:O?, s:O?, s:O?}]", "kind", "projection",
                           "submission", a ? sval(a, "submission_id") : NULL, "framework", id,
                           "crosswalk", json_object_get(fw, "crosswalk"), "projected_not_met",
                           json_object_get(fw, "projected_not_met"), "to_answer",
                           json_object_get(fw, "to_answer")));
    }
    return ok;
}

/* R8: the equipment's product and its labels */
static bool product_rules(json_t *list, const json_t *report)
{
    const json_t *eq = json_object_get(report, "equipment");
    const json_t *prod = json_object_get(report, "product");
    json_t *as = json_pack("{s:s, s:s}", "role", "equipment", "path", "$.equipment.product");
    if (!as)
        return false;
    bool ok;
    if (json_is_true(json_object_get(report, "product_withheld"))) {
        ok = add(list, SEV_INFO, "R8", as,
                 "the product registry is the manufacturer's and the authority's: its labels are "
                 "withheld from this reader",
                 NULL);
    } else if (!json_is_object(prod)) {
        ok = add(list, SEV_INFO, "R8", as,
                 sval(eq, "product") ? "the plan's product is not in the product registry"
                                     : "the plan names no product of the registry: no label or "
                                       "recognition claim to check",
                 NULL);
    } else {
        json_t *ev = json_array();
        size_t i, current = 0;
        json_t *l;
        json_array_foreach(json_object_get(prod, "labels"), i, l)
        {
            current += mm_streq(sval(l, "state"), "current");
            json_array_append_new(ev, json_pack("{s:s, s:s?, s:s?, s:O?, s:s?, s:s?}", "kind",
                                                "label", "scheme", sval(l, "scheme"), "label_id",
                                                sval(l, "label_id"), "level",
                                                json_object_get(l, "level"), "state",
                                                sval(l, "state"), "expires", sval(l, "expires")));
        }
        if (current) {
            json_decref(ev);
            ok = true;
        } else {
            json_t *pe = json_pack("{s:s, s:s?}", "kind", "product", "id", sval(prod, "id"));
            if (pe)
                json_array_append_new(ev, pe);
            ok = add(list, SEV_LOW, "R8", as, "the product carries no current label", ev);
        }
    }
    json_decref(as);
    return ok;
}

static int cmp_finding(const void *x, const void *y)
{
    const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    int sa = 0, sb = 0;
    for (int i = 0; i < 4; i++) {
        if (mm_streq(sval(a, "severity"), mm_screen_severities[i]))
            sa = i;
        if (mm_streq(sval(b, "severity"), mm_screen_severities[i]))
            sb = i;
    }
    if (sa != sb)
        return sa - sb;
    int ra = role_order(sval(a, "role")), rb = role_order(sval(b, "role"));
    if (ra != rb)
        return ra - rb;
    int c = strcmp(sval(a, "path") ? sval(a, "path") : "", sval(b, "path") ? sval(b, "path") : "");
    return c ? c : strcmp(sval(a, "rule"), sval(b, "rule"));
}

int mm_screen_report_rank(json_t *report)
{
    const json_t *parties = json_object_get(report, "parties");
    if (!json_is_array(parties)) {
        mm_error_set("screening report: $.parties: not an array");
        return MM_EINVALID;
    }
    json_t *list = json_array();
    bool ok = list != NULL;
    size_t i;
    json_t *p;
    json_array_foreach(parties, i, p)
    {
        if (ok)
            ok = party_rules(list, p);
    }
    ok = ok && product_rules(list, report);
    size_t n = ok ? json_array_size(list) : 0;
    json_t **v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v)
        ok = false;
    for (i = 0; ok && i < n; i++)
        v[i] = json_incref(json_array_get(list, i));
    if (ok && n)
        qsort(v, n, sizeof *v, cmp_finding);
    json_t *ranked = ok ? json_array() : NULL;
    json_int_t count[4] = {0};
    for (i = 0; i < n; i++) {
        if (ranked) {
            json_object_set_new(v[i], "rank", json_integer((json_int_t)i + 1));
            for (int s = 0; s < 4; s++)
                count[s] += mm_streq(sval(v[i], "severity"), mm_screen_severities[s]);
            if (json_array_append(ranked, v[i]))
                ok = false;
        }
        json_decref(v[i]);
    }
    free(v);
    json_decref(list);
    json_t *summary = json_pack("{s:I, s:I, s:I, s:I}", "high", count[0], "medium", count[1], "low",
                                count[2], "info", count[3]);
    if (!ok || !ranked || !summary) {
        json_decref(ranked);
        json_decref(summary);
        return MM_ENOMEM;
    }
    int e1 = json_object_set_new(report, "findings", ranked);
    int e2 = json_object_set_new(report, "summary", summary);
    return e1 || e2 ? MM_ENOMEM : MM_OK;
}
