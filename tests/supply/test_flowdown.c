/* Tests of the flow-down check of one supply edge (src/supply/flowdown.c, mm_supply_check):
 * which clauses are checked on which edges, FAR 52.204-21 read through the CMMC Level 1
 * result on edges carrying FCI, and the worst answer winning. docs/supply-chain.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "mamori/error.h"
#include "mamori/supply.h"

static mm_clause_catalog *cat;
static const mm_supply_dates dates = {
    .today = "2026-12-07", .sprs_before = "2023-12-07", .cmmc_expired_before = "2026-06-10"};

static int group_setup(void **state)
{
    (void)state;
    return mm_clause_catalog_load(&cat, NULL) == MM_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    mm_clause_catalog_free(cat);
    return 0;
}

/* the worst answer of an edge with these clauses and handles (JSON texts) */
static const char *check(const char *clauses, const char *handles, bool visible,
                         const mm_supply_latest *l)
{
    json_t *c = json_loads(clauses, 0, NULL), *h = json_loads(handles, 0, NULL);
    const char *a = mm_supply_check(c, h, visible, l, cat, NULL, &dates, NULL, NULL);
    json_decref(c);
    json_decref(h);
    return a;
}

static const char *str(const char *s)
{
    return s ? s : "(null)";
}

#define FAR "[\"far-52.204-21\"]"
#define FCI "[\"fci\"]"

static void test_far_on_fci(void **state)
{
    (void)state;
    mm_supply_latest l = {.framework = "800-171r2",
                          .status = "not-met",
                          .assessed = "2026-06-01",
                          .has_score = true,
                          .cmmc_level1 = "final"};
    /* Level 1 final: the 17 requirements the FAR items map to are met, whatever else is not */
    assert_string_equal(str(check(FAR, FCI, true, &l)), "ok");
    l.cmmc_level1 = "not-eligible";
    assert_string_equal(str(check(FAR, FCI, true, &l)), "not-met");
    l.cmmc_level1 = NULL;
    assert_string_equal(str(check(FAR, FCI, true, &l)), "missing");
    l = (mm_supply_latest){.framework = "800-171r3", .status = "meets", .cmmc_level1 = NULL};
    assert_string_equal(str(check(FAR, FCI, true, &l)), "missing");
    assert_string_equal(str(check(FAR, FCI, true, NULL)), "missing");
    assert_string_equal(str(check(FAR, FCI, false, NULL)), "no-consent");
    /* an old assessment: the clause sets no period, so no expiry */
    l = (mm_supply_latest){.framework = "800-171r2",
                           .status = "meets",
                           .assessed = "2020-01-01",
                           .cmmc_level1 = "final"};
    assert_string_equal(str(check(FAR, FCI, true, &l)), "ok");
}

static void test_which_edges(void **state)
{
    (void)state;
    mm_supply_latest l = {
        .framework = "800-171r2", .status = "meets", .assessed = "2026-06-01", .has_score = true};
    /* FAR 52.204-21 only on an edge carrying FCI; the DFARS clauses not on an FCI-only edge */
    assert_null(check(FAR, "[\"cui\"]", true, &l));
    assert_null(check("[\"dfars-252.204-7021\"]", FCI, true, &l));
    assert_null(check(FAR, "[\"none\"]", false, NULL));
    assert_string_equal(str(check("[\"dfars-252.204-7012\"]", "[\"cui\"]", true, &l)), "ok");
    /* both on an edge carrying both: the worst wins (no Level 1 result: missing) */
    assert_string_equal(
        str(check("[\"dfars-252.204-7012\",\"far-52.204-21\"]", "[\"cui\",\"fci\"]", true, &l)),
        "missing");
    /* CUI without consent: no-consent even when no clause has a check */
    assert_string_equal(str(check("[]", "[\"cui\"]", false, NULL)), "no-consent");
    /* 7020 without a score: missing; with a stale one: expired */
    l.has_score = false;
    assert_string_equal(str(check("[\"dfars-252.204-7020\"]", "[\"cui\"]", true, &l)), "missing");
    l.has_score = true;
    l.assessed = "2022-01-01";
    assert_string_equal(str(check("[\"dfars-252.204-7020\"]", "[\"cui\"]", true, &l)), "expired");
}

static void test_edge_json(void **state)
{
    (void)state;
    json_t *e = json_pack("{s:[s], s:[s], s:b, s:{s:s, s:s, s:n, s:s, s:s, s:s}}", "clauses",
                          "far-52.204-21", "handles", "fci", "status_visible", 1, "latest",
                          "framework", "800-171r2", "status", "meets", "score", "assessed",
                          "2026-06-01", "received", "2026-06-02T00:00:00Z", "cmmc_level1", "final");
    assert_non_null(e);
    mm_supply_check_edge(e, cat, NULL, &dates);
    assert_string_equal(json_string_value(json_object_get(e, "check")), "ok");
    json_t *c = json_array_get(json_object_get(e, "checks"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "clause")), "far-52.204-21");
    assert_non_null(strstr(json_string_value(json_object_get(c, "why")), "CMMC Level 1"));
    json_decref(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_far_on_fci),
        cmocka_unit_test(test_which_edges),
        cmocka_unit_test(test_edge_json),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
