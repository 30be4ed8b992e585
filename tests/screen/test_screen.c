/* Unit tests for src/screen and src/store/screen.c (docs/screening.md): the ESPA sector list
 * as the data gives it (with its not-verified marks), exact matching of old sector text, the
 * plan file's checks with their JSON paths, the plan states, and the store of sectors,
 * designations and plans. The store cases run on PostgreSQL when MM_TEST_DB is a
 * postgresql:// URL (ctest: test_screen_pg), else on a temporary SQLite file. */
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
#include "mamori/store.h"
#include "screen_fixture.h"

static json_t *sectors;

static int load(void **state)
{
    (void)state;
    return mm_sectors_load(&sectors, NULL) == MM_OK ? 0 : -1;
}

static int unload(void **state)
{
    (void)state;
    json_decref(sectors);
    return 0;
}

static void test_sector_list(void **state)
{
    (void)state;
    /* 15 sectors in the data (14 at first, port transport added in 2024) */
    assert_int_equal(json_array_size(json_object_get(sectors, "sectors")), 15);
    assert_non_null(mm_sector_find(sectors, "electricity"));
    assert_non_null(mm_sector_find(sectors, "port-transport"));
    assert_null(mm_sector_find(sectors, "medical")); /* reported, not read: not in the list */
    assert_null(mm_sector_find(sectors, NULL));
}

static void test_sector_match_exact(void **state)
{
    (void)state;
    assert_string_equal(mm_sector_match(sectors, "railway"), "railway");
    assert_string_equal(mm_sector_match(sectors, "電気通信事業"), "telecommunications");
    assert_string_equal(mm_sector_match(sectors, "broadcasting"), "broadcasting");
    /* no case folding, no partial match, no guess */
    assert_null(mm_sector_match(sectors, "Railway"));
    assert_null(mm_sector_match(sectors, "electric"));
    assert_null(mm_sector_match(sectors, "aerospace"));
    assert_null(mm_sector_match(sectors, ""));
}

static void test_sector_equipment_and_marks(void **state)
{
    (void)state;
    json_t *eq = mm_sector_equipment(mm_sector_find(sectors, "electricity"));
    /* the METI ordinance Art. 1 items as read: 2 + 1 + 2 + 1 */
    assert_int_equal(json_array_size(eq), 6);
    assert_string_equal(json_string_value(json_object_get(json_array_get(eq, 0), "id")),
                        "electricity.1");
    assert_string_equal(json_string_value(json_object_get(json_array_get(eq, 0), "business")),
                        "一般送配電事業");
    /* the data's 未読 mark stays in the text */
    assert_non_null(
        strstr(json_string_value(json_object_get(json_array_get(eq, 5), "text")), "未読"));
    json_decref(eq);
    eq = mm_sector_equipment(mm_sector_find(sectors, "gas"));
    assert_int_equal(json_array_size(eq), 0); /* not read: no category is made up */
    json_decref(eq);

    json_t *gas = mm_sector_summary(mm_sector_find(sectors, "gas"));
    assert_false(json_is_true(json_object_get(gas, "ministry_verified")));
    assert_true(json_is_null(json_object_get(gas, "ministry")) ||
                !json_object_get(gas, "ministry"));
    assert_string_equal(json_string_value(json_object_get(gas, "equipment_status")), "not read");
    assert_false(json_is_true(json_object_get(gas, "label_ja_verified")));
    json_decref(gas);
    json_t *fin = mm_sector_summary(mm_sector_find(sectors, "finance"));
    assert_false(json_is_true(json_object_get(fin, "ministry_verified")));
    json_decref(fin);
    json_t *rail = mm_sector_summary(mm_sector_find(sectors, "railway"));
    assert_true(json_is_true(json_object_get(rail, "ministry_verified")));
    assert_false(json_is_true(json_object_get(rail, "label_en_verified")));
    json_decref(rail);
}

static const char good_plan[] =
    "{\"kind\": \"mamori-installation-plan\", \"operator\": \"op1\", \"sector\": \"electricity\","
    " \"equipment\": {\"category\": \"electricity.2\", \"model\": \"EMS-9\", \"version\": \"4.1\"},"
    " \"supplier\": {\"org\": \"sup1\"},"
    " \"component_suppliers\": [{\"name\": \"Acme Boards\", \"country\": \"JP\","
    " \"component\": \"controller board\"}],"
    " \"maintainers\": [{\"org\": \"sup1\", \"scope\": \"remote maintenance\"}],"
    " \"planned_start\": \"2027-01-10\", \"planned_end\": \"2027-02-10\"}";

/* Checks good_plan with patch applied (a JSON object merged over it; a null member removes
 * it) and expects message to be part of the error (NULL: accepted). */
static void check_patched(const char *patch, const char *message)
{
    json_t *plan = json_loads(good_plan, 0, NULL);
    json_t *p = json_loads(patch, 0, NULL);
    assert_non_null(plan);
    assert_non_null(p);
    const char *k;
    json_t *v;
    json_object_foreach(p, k, v)
    {
        if (json_is_null(v))
            json_object_del(plan, k);
        else
            json_object_set(plan, k, v);
    }
    int rc = mm_plan_check(plan, sectors, "plan.json");
    if (!message) {
        if (rc)
            fprintf(stderr, "unexpected: %s\n", mm_error_last());
        assert_int_equal(rc, MM_OK);
    } else {
        assert_int_equal(rc, MM_EINVALID);
        if (!strstr(mm_error_last(), message))
            fprintf(stderr, "got: %s\nwanted: %s\n", mm_error_last(), message);
        assert_non_null(strstr(mm_error_last(), message));
    }
    json_decref(p);
    json_decref(plan);
}

static void test_plan_check(void **state)
{
    (void)state;
    check_patched("{}", NULL);
    check_patched("{\"sector\": \"medical\"}", "plan.json: $.sector: 'medical' is not a sector");
    check_patched("{\"operator\": null}", "plan.json: $.operator: required");
    check_patched("{\"equipment\": {\"category\": \"electricity.7\", \"model\": \"x\"}}",
                  "plan.json: $.equipment.category: 'electricity.7' is not an equipment category");
    check_patched("{\"equipment\": {\"model\": \"x\"}}",
                  "plan.json: $.equipment.category: required");
    /* a sector whose equipment the data does not give: no category, a description */
    check_patched(
        "{\"sector\": \"gas\", \"equipment\": {\"category\": \"gas.1\", \"model\": \"x\"}}",
        "plan.json: $.equipment.category: the sector list gives no equipment");
    check_patched("{\"sector\": \"gas\", \"equipment\": {\"model\": \"x\"}}",
                  "plan.json: $.equipment.description: required");
    check_patched(
        "{\"sector\": \"gas\", \"equipment\": {\"model\": \"x\", \"description\": \"SCADA\"}}",
        NULL);
    check_patched("{\"planned_end\": \"2026-12-31\"}",
                  "plan.json: $.planned_end: 2026-12-31 is before planned_start 2027-01-10");
    check_patched("{\"planned_start\": \"2027-13-01\"}",
                  "plan.json: $.planned_start: expected a date");
    check_patched("{\"supplier\": {\"org\": \"a\", \"name\": \"b\"}}",
                  "plan.json: $.supplier: name the party by exactly one");
    check_patched("{\"supplier\": null}", "plan.json: $.supplier: required");
    check_patched("{\"component_suppliers\": [{\"org\": \"sup1\"}]}",
                  "plan.json: $.component_suppliers[0]: sup1 is also $.supplier");
    check_patched("{\"maintainers\": [{\"name\": \"M\"}, {\"org\": \"x\"}, {\"name\": \"M\"}]}",
                  "plan.json: $.maintainers[2]: M is already $.maintainers[0]");
    check_patched("{\"maintainers\": [{\"name\": \"M\", \"scope\": 3}]}",
                  "plan.json: $.maintainers[0].scope: expected non-empty text");
    check_patched("{\"color\": \"red\"}", "plan.json: $: unknown member 'color'");
}

static void test_plan_transitions(void **state)
{
    (void)state;
    assert_true(mm_plan_transition_ok("submitted", "under-examination"));
    assert_true(mm_plan_transition_ok("under-examination", "recommendation"));
    assert_true(mm_plan_transition_ok("recommendation", "order"));
    assert_false(mm_plan_transition_ok("submitted", "order"));
    assert_false(mm_plan_transition_ok("cleared", "under-examination"));
    assert_false(mm_plan_transition_ok("withdrawn", "submitted"));
    assert_false(mm_plan_transition_ok("order", "cleared"));
    assert_false(mm_plan_transition_ok("submitted", "bogus"));
}

/* ---- the store, on SQLite or PostgreSQL ------------------------------------------------- */

static mm_store *open_store(void)
{
    static const screen_fixture_org orgs[] = {{"auth", "authority", "{}"},
                                              {"op1", "contractor", "{\"sector\":\"railway\"}"},
                                              {"op2", "contractor", "{\"sector\":\"aerospace\"}"},
                                              {"sup1", "contractor", "{}"}};
    return screen_fixture_open("screen", orgs, sizeof orgs / sizeof orgs[0]);
}

static void test_store_sectors(void **state)
{
    (void)state;
    mm_store *s = open_store();
    int version = 0;
    assert_int_equal(mm_store_schema_version(s, &version), MM_OK);
    assert_int_equal(version, mm_store_schema_latest()); /* migration 16 applied */
    /* the old free text is all reported, matched or not */
    json_t *texts = NULL;
    assert_int_equal(mm_store_sector_texts(s, &texts), MM_OK);
    assert_int_equal(json_array_size(texts), 2);
    json_t *t = json_array_get(texts, 0);
    assert_string_equal(json_string_value(json_object_get(t, "org_id")), "op1");
    assert_string_equal(json_string_value(json_object_get(t, "value")), "railway");
    assert_string_equal(json_string_value(json_object_get(t, "from")), "identifiers.sector");
    assert_true(json_is_null(json_object_get(t, "sector")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(texts, 1), "value")),
                        "aerospace");
    json_decref(texts);

    assert_int_equal(mm_store_org_sector_set(s, "op1", "railway", "2024-05-17", "MLIT", "admin",
                                             "2026-12-07T00:00:00Z"),
                     MM_OK);
    assert_int_equal(mm_store_org_sector_set(s, "op2", "railway", "2024-05-17", NULL, "admin",
                                             "2026-12-07T00:00:00Z"),
                     MM_EINVALID);
    assert_int_equal(mm_store_org_sector_set(s, "op2", "railway", "2024-5-17", "MLIT", "admin",
                                             "2026-12-07T00:00:00Z"),
                     MM_EINVALID);
    assert_int_equal(mm_store_org_sector_set(s, "nobody", "railway", NULL, NULL, "admin",
                                             "2026-12-07T00:00:00Z"),
                     MM_ENOTFOUND);
    json_t *got = NULL;
    assert_int_equal(mm_store_org_sector_get(s, &got, "op1"), MM_OK);
    assert_string_equal(json_string_value(json_object_get(got, "designated")), "2024-05-17");
    assert_string_equal(json_string_value(json_object_get(got, "ministry")), "MLIT");
    json_decref(got);
    assert_int_equal(mm_store_org_sector_get(s, &got, "op2"), MM_ENOTFOUND);
    assert_int_equal(mm_store_sector_texts(s, &texts), MM_OK);
    assert_string_equal(json_string_value(json_object_get(json_array_get(texts, 0), "sector")),
                        "railway");
    json_decref(texts);
    screen_fixture_close(s);
}

static void test_store_plans(void **state)
{
    (void)state;
    mm_store *s = open_store();
    json_t *plan = json_loads(good_plan, 0, NULL);
    assert_int_equal(
        mm_store_plan_file(s, "p1", plan, MM_PLAN_EXAM_DAYS, "op-admin", "2026-12-07T09:00:00Z"),
        MM_OK);
    json_object_set_new(plan, "operator", json_string("op2"));
    assert_int_equal(
        mm_store_plan_file(s, "p2", plan, MM_PLAN_EXAM_DAYS, "auth-admin", "2026-12-08T09:00:00Z"),
        MM_OK);
    json_object_set_new(plan, "operator", json_string("nobody"));
    assert_int_equal(
        mm_store_plan_file(s, "p3", plan, MM_PLAN_EXAM_DAYS, "auth-admin", "2026-12-08T09:00:00Z"),
        MM_ENOTFOUND);
    json_decref(plan);

    json_t *got = NULL;
    assert_int_equal(mm_store_plan_get(s, &got, "p1"), MM_OK);
    assert_string_equal(json_string_value(json_object_get(got, "state")), "submitted");
    assert_string_equal(json_string_value(json_object_get(got, "due")), "2027-01-06"); /* +30 */
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(got, "plan"), "equipment"), "model")),
                        "EMS-9");
    json_decref(got);

    json_t *list = NULL;
    assert_int_equal(mm_store_plan_list(s, &list, "op1"), MM_OK);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
    assert_int_equal(mm_store_plan_list(s, &list, NULL), MM_OK);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "id")), "p2");
    json_decref(list);

    const char *now = "2026-12-10T09:00:00Z";
    /* not allowed: an order before any recommendation; extending before the examination */
    assert_int_equal(mm_store_plan_move(s, "p1", "order", "x", "auth", now), MM_ECONFLICT);
    assert_int_equal(mm_store_plan_clock(s, "p1", "2027-02-01", "more time", "auth", now),
                     MM_ECONFLICT);
    assert_int_equal(mm_store_plan_move(s, "p1", "under-examination", NULL, "auth", now), MM_OK);
    /* an extension needs a reason; the deadline moves, the state is extended */
    assert_int_equal(mm_store_plan_clock(s, "p1", "2027-02-01", "", "auth", now), MM_EINVALID);
    assert_int_equal(mm_store_plan_clock(s, "p1", "2027-02-01", NULL, "auth", now), MM_EINVALID);
    assert_int_equal(mm_store_plan_clock(s, "p1", "2027-02-01", "vendor audit", "auth", now),
                     MM_OK);
    /* shortening keeps the state */
    assert_int_equal(mm_store_plan_clock(s, "p1", "2027-01-20", "done early", "auth", now), MM_OK);
    assert_int_equal(mm_store_plan_move(s, "p1", "recommendation", NULL, "auth", now), MM_EINVALID);
    assert_int_equal(
        mm_store_plan_move(s, "p1", "recommendation", "replace the maintainer", "auth", now),
        MM_OK);
    assert_int_equal(mm_store_plan_move(s, "p1", "order", "not followed", "auth", now), MM_OK);
    assert_int_equal(mm_store_plan_move(s, "p1", "withdrawn", "x", "auth", now), MM_ECONFLICT);
    assert_int_equal(mm_store_plan_clock(s, "p1", "2027-03-01", "late", "auth", now), MM_ECONFLICT);
    assert_int_equal(mm_store_plan_get(s, &got, "p1"), MM_OK);
    assert_string_equal(json_string_value(json_object_get(got, "state")), "order");
    assert_string_equal(json_string_value(json_object_get(got, "due")), "2027-01-20");
    json_t *ev = json_object_get(got, "events");
    assert_int_equal(json_array_size(ev), 6);
    json_t *ext = json_array_get(ev, 2);
    assert_string_equal(json_string_value(json_object_get(ext, "to")), "extended");
    assert_string_equal(json_string_value(json_object_get(ext, "reason")), "vendor audit");
    assert_string_equal(json_string_value(json_object_get(ext, "due")), "2027-02-01");
    json_t *shorter = json_array_get(ev, 3);
    assert_string_equal(json_string_value(json_object_get(shorter, "from")), "extended");
    assert_string_equal(json_string_value(json_object_get(shorter, "to")), "extended");
    json_decref(got);
    assert_int_equal(mm_store_plan_get(s, &got, "nope"), MM_ENOTFOUND);
    screen_fixture_close(s);
}

int main(void)
{
    screen_fixture_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sector_list),
        cmocka_unit_test(test_sector_match_exact),
        cmocka_unit_test(test_sector_equipment_and_marks),
        cmocka_unit_test(test_plan_check),
        cmocka_unit_test(test_plan_transitions),
        cmocka_unit_test(test_store_sectors),
        cmocka_unit_test(test_store_plans),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
