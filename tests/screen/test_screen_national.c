/* Unit tests for the national picture's store queries (src/store/screen_national.c) and the
 * STIX 2.1 aggregate (src/share/stix_aggregate.c; docs/sharing.md "The national aggregate").
 * The store cases run on PostgreSQL when MM_TEST_DB is a postgresql:// URL (ctest:
 * test_screen_national_pg), else on a temporary SQLite file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mamori/error.h"
#include "mamori/screen.h"
#include "mamori/share.h"
#include "mamori/store.h"
#include "screen_fixture.h"

static mm_store *open_store(void)
{
    static const screen_fixture_org orgs[] = {
        {"auth", "authority", "{}"},    {"rail-b", "contractor", "{}"},
        {"rail-a", "contractor", "{}"}, {"water", "contractor", "{}"},
        {"sup", "contractor", "{}"},    {"plain", "contractor", "{}"}};
    return screen_fixture_open("national", orgs, sizeof orgs / sizeof orgs[0]);
}

static const char *sv(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void test_store_national(void **state)
{
    (void)state;
    mm_store *s = open_store();
    const char *now = "2026-12-07T09:00:00Z";
    assert_int_equal(
        mm_store_org_sector_set(s, "rail-b", "railway", "2024-05-17", "MLIT", "a", now), MM_OK);
    assert_int_equal(
        mm_store_org_sector_set(s, "rail-a", "railway", "2024-06-01", "MLIT", "a", now), MM_OK);
    assert_int_equal(mm_store_org_sector_set(s, "water", "water", "2024-05-17", "MLIT", "a", now),
                     MM_OK);
    /* a sector without a designation: not an operator */
    assert_int_equal(mm_store_org_sector_set(s, "plain", "railway", NULL, NULL, "a", now), MM_OK);

    json_t *ops = NULL;
    assert_int_equal(mm_store_national_operators(s, &ops, NULL), MM_OK);
    assert_int_equal(json_array_size(ops), 3);
    /* by sector, then name */
    assert_string_equal(sv(json_array_get(ops, 0), "org_id"), "rail-a");
    assert_string_equal(sv(json_array_get(ops, 1), "org_id"), "rail-b");
    assert_string_equal(sv(json_array_get(ops, 2), "org_id"), "water");
    assert_string_equal(sv(json_array_get(ops, 0), "designated"), "2024-06-01");
    json_decref(ops);
    assert_int_equal(mm_store_national_operators(s, &ops, "water"), MM_OK);
    assert_int_equal(json_array_size(ops), 1);
    json_decref(ops);
    assert_int_equal(mm_store_national_operators(s, &ops, "gas"), MM_OK);
    assert_int_equal(json_array_size(ops), 0);
    json_decref(ops);

    json_t *plan = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s}, s:[{s:s}]}", "operator", "rail-a",
                             "sector", "railway", "equipment", "category", "railway.1", "model",
                             "IXL", "supplier", "org", "sup", "maintainers", "name", "Ops KK");
    assert_int_equal(mm_store_plan_file(s, "p1", plan, 30, "x", now), MM_OK);
    json_object_set_new(plan, "operator", json_string("rail-b"));
    assert_int_equal(mm_store_plan_file(s, "p2", plan, 10, "x", now), MM_OK);
    json_decref(plan);
    json_t *plans = NULL;
    assert_int_equal(mm_store_national_plans(s, &plans, "railway", NULL), MM_OK);
    assert_int_equal(json_array_size(plans), 2);
    /* by deadline: p2's 10 days first, each with its body */
    assert_string_equal(sv(json_array_get(plans, 0), "id"), "p2");
    assert_string_equal(sv(json_array_get(plans, 0), "due"), "2026-12-17");
    assert_string_equal(
        sv(json_object_get(json_object_get(json_array_get(plans, 0), "plan"), "supplier"), "org"),
        "sup");
    json_decref(plans);
    assert_int_equal(mm_store_national_plans(s, &plans, NULL, "rail-a"), MM_OK);
    assert_int_equal(json_array_size(plans), 1);
    assert_string_equal(sv(json_array_get(plans, 0), "id"), "p1");
    json_decref(plans);
    assert_int_equal(mm_store_national_plans(s, &plans, "water", NULL), MM_OK);
    assert_int_equal(json_array_size(plans), 0);
    json_decref(plans);

    json_t *st = NULL;
    assert_int_equal(mm_store_org_standing(s, &st, "sup"), MM_OK);
    assert_string_equal(sv(st, "name"), "sup");
    assert_true(json_is_null(json_object_get(st, "status"))); /* no submission */
    json_decref(st);
    assert_int_equal(mm_store_org_standing(s, &st, "nobody"), MM_ENOTFOUND);
    assert_null(st);

    json_t *inc = NULL;
    assert_int_equal(mm_store_national_incidents(s, &inc, "2025-12-07"), MM_OK);
    assert_int_equal(json_array_size(inc), 0);
    json_decref(inc);
    assert_int_equal(mm_store_national_incidents(s, &inc, NULL), MM_EINVALID);
    assert_null(inc);
    screen_fixture_close(s);
}

static const json_t *object_of(const json_t *bundle, const char *type)
{
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(bundle, "objects"), i,
                       o) if (strcmp(sv(o, "type"), type) == 0) return o;
    return NULL;
}

static void test_stix_aggregate(void **state)
{
    (void)state;
    json_t *agg = json_pack("{s:s, s:s, s:[{s:s, s:s, s:i}]}", "kind", "mamori-national-aggregate",
                            "as_of", "2026-12-07", "sectors", "sector", "railway", "operators",
                            "<5", "maintainers", 12);
    json_t *b = NULL;
    assert_int_equal(mm_stix_aggregate_report(&b, agg, MM_TLP_AMBER_STRICT, "auth", "Authority",
                                              "2026-12-07T09:"
                                              "00:00Z"),
                     MM_OK);
    assert_string_equal(sv(b, "type"), "bundle");
    const json_t *mark = object_of(b, "marking-definition");
    /* FIRST's TLP 2.0 AMBER+STRICT id */
    assert_string_equal(sv(mark, "id"), "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
    const json_t *rep = object_of(b, "report"), *ext = object_of(b, "extension-definition");
    assert_string_equal(sv(rep, "created"), "2026-12-07T09:00:00.000Z");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(rep, "object_marking_refs"), 0)),
        sv(mark, "id"));
    /* the documented id of the extension (docs/sharing.md) */
    assert_string_equal(sv(ext, "id"),
                        "extension-definition--8b6da79d-78ab-5c43-bbfa-99cfbd54550f");
    const json_t *carried = json_object_get(json_object_get(rep, "extensions"), sv(ext, "id"));
    assert_string_equal(sv(carried, "extension_type"), "property-extension");
    assert_true(json_equal(json_object_get(carried, "sectors"), json_object_get(agg, "sectors")));
    /* created_by_ref: the author's identity, named */
    size_t i;
    json_t *o;
    const json_t *author = NULL;
    json_array_foreach(json_object_get(b, "objects"), i, o)
    {
        if (strcmp(sv(o, "id"), sv(rep, "created_by_ref")) == 0)
            author = o;
    }
    assert_non_null(author);
    assert_string_equal(sv(author, "name"), "Authority");
    /* the same input gives the same bundle */
    json_t *again = NULL;
    assert_int_equal(mm_stix_aggregate_report(&again, agg, MM_TLP_AMBER_STRICT, "auth", "Authority",
                                              "2026-12-07T09:00:00Z"),
                     MM_OK);
    assert_true(json_equal(b, again));
    json_decref(again);
    json_decref(b);
    /* refused: no aggregate object, no author */
    assert_int_equal(mm_stix_aggregate_report(&b,
                                              json_array_get(json_object_get(agg, "sectors"), 5),
                                              MM_TLP_GREEN, "auth", "A", "2026-12-07T09:00:00Z"),
                     MM_EINVALID);
    assert_null(b);
    assert_int_equal(
        mm_stix_aggregate_report(&b, agg, MM_TLP_GREEN, "", "A", "2026-12-07T09:00:00Z"),
        MM_EINVALID);
    json_decref(agg);
}

int main(void)
{
    screen_fixture_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_national),
        cmocka_unit_test(test_stix_aggregate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
