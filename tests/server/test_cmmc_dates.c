/* Unit tests of CMMC status in time on the server (src/server/cmmc.c): the status date is the
 * day a submission was received, the close-out 180 days after it, expiry from day 181, and the
 * annual affirmation's due and overdue dates. Sources: content/catalogs/cmmc-status-sources.json.
 * The same rules through HTTP on both back ends: tests/server/test_cmmc.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "server/internal.h"

static http_req at(const char *today)
{
    http_req r;
    memset(&r, 0, sizeof r);
    server_dates(&r, today);
    return r;
}

/* 32 CFR 170.21(b) (the 180 days as the secondary summaries recorded in the sources file give
 * them): "POA&M close-out ... within 180 days of the Conditional CMMC Status Date"; after that
 * the conditional status expires. The server's status date is the day it received the
 * submission. Received 2026-03-01: day 180 is 2026-08-28, day 181 is 2026-08-29. */
static void test_level2_day_180_and_181(void **state)
{
    (void)state;
    const char *received = "2026-03-01T09:30:00Z";
    http_req r = at("2026-08-28");
    assert_string_equal(cmmc_server_status(&r, "800-171r2", "conditional", received),
                        "conditional");
    r = at("2026-08-29");
    assert_string_equal(cmmc_server_status(&r, "800-171r2", "conditional", received),
                        "conditional-expired");
    /* only a conditional Rev 2 status expires: CMMC scores Rev 2; final stays final */
    assert_string_equal(cmmc_server_status(&r, "800-171r3", "conditional", received),
                        "conditional");
    assert_string_equal(cmmc_server_status(&r, "800-171r2", "final", received), "final");
    assert_string_equal(cmmc_server_status(&r, "800-171r2", "not-eligible", received),
                        "not-eligible");
}

/* The view: status date = received day, closeout_by = + 180 days, expired and not eligible
 * from day 181. */
static void test_level2_view(void **state)
{
    (void)state;
    json_t *sub = json_pack("{s:s, s:s, s:{s:{s:s}}}", "framework", "800-171r2", "received",
                            "2026-03-01T09:30:00Z", "summary", "cmmc", "status", "conditional");
    http_req r = at("2026-08-28");
    json_t *v = cmmc_level2_view(&r, sub);
    assert_string_equal(json_string_value(json_object_get(v, "status_date")), "2026-03-01");
    assert_string_equal(json_string_value(json_object_get(v, "closeout_by")), "2026-08-28");
    assert_string_equal(json_string_value(json_object_get(v, "status")), "conditional");
    assert_true(json_is_true(json_object_get(v, "eligible")));
    json_decref(v);
    r = at("2026-08-29");
    v = cmmc_level2_view(&r, sub);
    assert_string_equal(json_string_value(json_object_get(v, "status")), "conditional-expired");
    assert_true(json_is_false(json_object_get(v, "eligible")));
    json_decref(v);
    json_decref(sub);
}

/* 32 CFR 170.22 (read only in secondary sources, as the sources file says): an affirmation
 * every year. Due from 30 days before the anniversary (a product choice, documented), overdue
 * after it. Base 2026-03-01: due by 2027-03-01; due from 2027-01-30; overdue from 2027-03-02. */
static void test_affirmation_due_overdue(void **state)
{
    (void)state;
    char due_by[11];
    bool due, overdue;
    http_req r = at("2027-01-29");
    affirmation_dates(&r, "2026-03-01", due_by, &due, &overdue);
    assert_string_equal(due_by, "2027-03-01");
    assert_false(due);
    assert_false(overdue);
    r = at("2027-01-30");
    affirmation_dates(&r, "2026-03-01", due_by, &due, &overdue);
    assert_true(due);
    assert_false(overdue);
    r = at("2027-03-01");
    affirmation_dates(&r, "2026-03-01", due_by, &due, &overdue);
    assert_true(due);
    assert_false(overdue);
    r = at("2027-03-02");
    affirmation_dates(&r, "2026-03-01", due_by, &due, &overdue);
    assert_false(due);
    assert_true(overdue);
    /* no base (never submitted): neither */
    affirmation_dates(&r, NULL, due_by, &due, &overdue);
    assert_false(due || overdue);
    assert_string_equal(due_by, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level2_day_180_and_181),
        cmocka_unit_test(test_level2_view),
        cmocka_unit_test(test_affirmation_due_overdue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
