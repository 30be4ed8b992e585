/* Tests of the server's summary of a submission (src/submit/summary.c): the status rules of
 * both frameworks, the score, families, gaps, milestones, and the diff of two summaries.
 * Assessments are written as JSON here and go through mm_assessment_parse with the embedded
 * catalogs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "mamori/assess.h"
#include "mamori/error.h"
#include "mamori/submit.h"
#include "util/util.h"

#define NOW 1793577600LL /* 2026-11-02T00:00:00Z */

static mm_catalog *r3, *r2;

static int group_setup(void **state)
{
    (void)state;
    if (mm_catalog_load(&r3, MM_FW_R3, NULL) != MM_OK ||
        mm_catalog_load(&r2, MM_FW_R2, NULL) != MM_OK)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    mm_catalog_free(r3);
    mm_catalog_free(r2);
    return 0;
}

/* A requirement's answer: a status, raw JSON (starting with '{'), or "-" (left out). */
typedef struct ovr {
    const char *id;
    const char *val;
} ovr;

typedef struct run {
    mm_assessment *a;
    mm_result *r;
    json_t *s; /* the summary */
} run;

/* Every active requirement of cat "met" unless o (ended by {NULL, NULL}) says otherwise;
 * extra is more top-level members or NULL. */
static char *doc(const mm_catalog *cat, const ovr *o, const char *extra)
{
    mm_buf b = MM_BUF_INIT;
    mm_buf_printf(&b,
                  "{\"framework\": \"%s\", \"organization\": {\"name\": \"Hokuto K.K.\"}, "
                  "\"dates\": {\"assessed\": \"2026-11-02\"}",
                  mm_framework_name(cat->framework));
    if (extra)
        mm_buf_printf(&b, ", %s", extra);
    mm_buf_puts(&b, ", \"requirements\": {");
    bool first = true;
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        if (r->withdrawn)
            continue;
        const char *val = "met";
        for (const ovr *p = o; p && p->id; p++)
            if (strcmp(p->id, r->id) == 0)
                val = p->val;
        if (strcmp(val, "-") == 0)
            continue;
        mm_buf_printf(&b, val[0] == '{' ? "%s\"%s\": %s" : "%s\"%s\": \"%s\"", first ? "" : ", ",
                      r->id, val);
        first = false;
    }
    mm_buf_puts(&b, "}}");
    assert_false(b.failed);
    return b.data;
}

static run eval(const mm_catalog *cat, const ovr *o, const char *extra)
{
    run x = {NULL, NULL, NULL};
    char *json = doc(cat, o, extra);
    int rc = mm_assessment_parse(&x.a, cat, json, strlen(json), "summary.json");
    if (rc != MM_OK)
        fail_msg("parse failed (%d): %s", rc, mm_error_last());
    free(json);
    assert_int_equal(mm_assessment_evaluate_at(&x.r, x.a, NULL, NOW), MM_OK);
    assert_int_equal(mm_submission_summary(&x.s, x.r), MM_OK);
    assert_non_null(x.s);
    assert_string_equal(json_string_value(json_object_get(x.s, "status")),
                        mm_submission_status(x.r));
    return x;
}

static void run_free(run *x)
{
    json_decref(x->s);
    mm_result_free(x->r);
    mm_assessment_free(x->a);
}

static const char *str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        fail_msg("\"%s\" is not a string", key);
    return json_string_value(v);
}

static json_int_t integer(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        fail_msg("\"%s\" is not an integer", key);
    return json_integer_value(v);
}

static const json_t *arr(const json_t *obj, const char *key, size_t want)
{
    const json_t *v = json_object_get(obj, key);
    assert_true(json_is_array(v));
    if (json_array_size(v) != want) {
        char *t = json_dumps(v, JSON_COMPACT);
        fail_msg("\"%s\" has %zu items, expected %zu: %s", key, json_array_size(v), want, t);
    }
    return v;
}

/* The first n 1-point Rev 2 requirements that may be on a POA&M, in catalog order. */
static void one_pointers(const char **ids, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < r2->nrequirements && k < n; i++) {
        const mm_requirement *r = &r2->requirements[i];
        if (!r->withdrawn && r->sprs_points == 1 && !r->never_on_poam && !r->plans_of_action)
            ids[k++] = r->id;
    }
    assert_int_equal(k, n);
}

/* ---- Rev 3 ---------------------------------------------------------------------------------- */

static void test_r3_meets(void **state)
{
    (void)state;
    /* not-applicable counts as met */
    ovr o[] = {{"03.01.12", "{\"status\": \"not-applicable\", \"justification\": \"no remote "
                            "access\"}"},
               {NULL, NULL}};
    run x = eval(r3, o, NULL);
    size_t active = mm_catalog_active_count(r3);
    assert_string_equal(str(x.s, "status"), "meets");
    assert_string_equal(str(x.s, "framework"), "800-171r3");
    assert_string_equal(str(x.s, "assessed"), "2026-11-02");
    assert_string_equal(str(x.s, "organization"), "Hokuto K.K.");
    assert_int_equal(integer(x.s, "score"), active);
    assert_null(json_object_get(x.s, "sprs"));
    assert_null(json_object_get(x.s, "cmmc"));
    const json_t *req = json_object_get(x.s, "requirements");
    assert_int_equal(integer(req, "met"), active);
    assert_int_equal(integer(req, "total"), active);
    assert_int_equal(integer(req, "not_assessed"), 0);
    const json_t *obj = json_object_get(x.s, "objectives");
    assert_int_equal(integer(obj, "met"), integer(obj, "total"));
    const json_t *fams = arr(x.s, "families", r3->nfamilies);
    const json_t *f0 = json_array_get(fams, 0);
    assert_string_equal(str(f0, "id"), r3->families[0].id);
    assert_string_equal(str(f0, "title"), "Access Control");
    assert_int_equal(integer(f0, "met"), integer(f0, "total"));
    arr(x.s, "gaps", 0);
    arr(x.s, "milestones", 0);
    assert_true(json_is_array(json_object_get(x.s, "warnings")));
    run_free(&x);
}

/* 03.01.01 and 03.13.11 not met, both on the POA&M, with milestones of every kind */
static const char poam_r3[] =
    "\"poam\": ["
    "{\"id\": \"POAM-1\", \"requirement\": \"03.13.11\", \"weakness\": \"no FIPS crypto\","
    " \"status\": \"open\", \"scheduled_completion\": \"2027-03-31\","
    " \"milestones\": [{\"description\": \"test on the build server\", \"due\": \"2027-01-15\","
    "  \"status\": \"completed\"},"
    "  {\"description\": \"roll out\", \"due\": \"2027-03-31\", \"status\": \"in-progress\"},"
    "  {\"description\": \"re-key volumes\", \"due\": \"2027-03-31\"}]},"
    "{\"id\": \"POAM-2\", \"requirement\": \"03.01.01\", \"weakness\": \"stale accounts\","
    " \"remediation\": \"nightly disable job\", \"scheduled_completion\": \"2027-02-01\"},"
    "{\"id\": \"POAM-3\", \"requirement\": \"03.01.01\", \"weakness\": \"old finding\","
    " \"status\": \"closed\", \"milestones\": [{\"description\": \"done long ago\","
    "  \"due\": \"2026-01-01\", \"status\": \"planned\"}]},"
    "{\"id\": \"POAM-4\", \"requirement\": \"03.01.01\", \"weakness\": \"no remediation\","
    " \"status\": \"open\", \"scheduled_completion\": \"2027-04-01\"},"
    "{\"id\": \"POAM-5\", \"requirement\": \"03.01.01\", \"weakness\": \"nothing planned\"}"
    "]";

static void test_r3_conditional(void **state)
{
    (void)state;
    ovr o[] = {{"03.01.01", "not-met"}, {"03.13.11", "not-met"}, {NULL, NULL}};
    run x = eval(r3, o, poam_r3);
    size_t active = mm_catalog_active_count(r3);
    assert_string_equal(str(x.s, "status"), "conditional");
    assert_int_equal(integer(x.s, "score"), active - 2);
    /* gaps in the order of r->gaps, with the catalog's title */
    const json_t *gaps = arr(x.s, "gaps", 2);
    assert_int_equal(x.r->ngaps, 2);
    for (size_t g = 0; g < 2; g++) {
        const mm_requirement *req = &r3->requirements[x.r->gaps[g]];
        const json_t *j = json_array_get(gaps, g);
        assert_string_equal(str(j, "requirement"), req->id);
        assert_string_equal(str(j, "title"), req->title);
        assert_string_equal(str(j, "status"), "not-met");
        assert_true(json_is_null(json_object_get(j, "points_lost")));
        assert_true(json_is_true(json_object_get(j, "on_poam")));
    }
    /* milestones: open items only, not completed ones; an item without milestones gives
     * one from its scheduled completion (remediation, else weakness); none without a date */
    const json_t *ms = arr(x.s, "milestones", 4);
    static const char *const want[][5] = {
        {"03.13.11", "POAM-1", "roll out", "2027-03-31", "in-progress"},
        {"03.13.11", "POAM-1", "re-key volumes", "2027-03-31", "planned"},
        {"03.01.01", "POAM-2", "nightly disable job", "2027-02-01", "planned"},
        {"03.01.01", "POAM-4", "no remediation", "2027-04-01", "planned"},
    };
    for (size_t i = 0; i < 4; i++) {
        const json_t *m = json_array_get(ms, i);
        assert_int_equal(json_object_size(m), 5);
        assert_string_equal(str(m, "requirement"), want[i][0]);
        assert_string_equal(str(m, "poam_id"), want[i][1]);
        assert_string_equal(str(m, "description"), want[i][2]);
        assert_string_equal(str(m, "due"), want[i][3]);
        assert_string_equal(str(m, "status"), want[i][4]);
    }
    /* the family of 03.01.01 lost one */
    const json_t *f0 = json_array_get(json_object_get(x.s, "families"), 0);
    assert_int_equal(integer(f0, "met") + 1, integer(f0, "total"));
    run_free(&x);
}

static void test_r3_not_met(void **state)
{
    (void)state;
    /* a gap without an open POA&M item (a closed one does not count) */
    ovr o[] = {
        {"03.01.01", "not-met"}, {"03.13.11", "not-met"}, {"03.05.03", "not-met"}, {NULL, NULL}};
    run x = eval(r3, o, poam_r3);
    assert_string_equal(str(x.s, "status"), "not-met");
    assert_int_equal(integer(x.s, "score"), mm_catalog_active_count(r3) - 3);
    const json_t *gaps = arr(x.s, "gaps", 3);
    size_t nonpoam = 0;
    for (size_t g = 0; g < 3; g++) {
        const json_t *j = json_array_get(gaps, g);
        assert_string_equal(str(j, "requirement"), r3->requirements[x.r->gaps[g]].id);
        /* a requirement-level "not-met" makes every one of its objectives a failing one */
        size_t nobj = 0;
        for (size_t k = 0; k < r3->nobjectives; k++)
            nobj += r3->objectives[k].requirement == x.r->gaps[g];
        assert_true(nobj > 0);
        const json_t *objs = arr(j, "objectives", nobj);
        char prefix[32];
        snprintf(prefix, sizeof prefix, "A.%s.", str(j, "requirement"));
        for (size_t k = 0; k < nobj; k++) {
            const char *oid = json_string_value(json_array_get(objs, k));
            /* "A.03.05.03.01", or "A.03.13.11" for a requirement with one objective */
            if (!oid || (strncmp(oid, prefix, strlen(prefix)) != 0 &&
                         strncmp(oid, prefix, strlen(prefix) - 1) != 0))
                fail_msg("objective %s of gap %s", oid ? oid : "(null)", prefix);
        }
        assert_true(json_is_array(json_object_get(j, "evidence")));
        assert_true(json_is_array(json_object_get(j, "scan_evidence")));
        if (!json_is_true(json_object_get(j, "on_poam"))) {
            assert_string_equal(str(j, "requirement"), "03.05.03");
            nonpoam++;
        }
    }
    assert_int_equal(nonpoam, 1);
    run_free(&x);

    const char *closed = "\"poam\": [{\"requirement\": \"03.01.01\", \"weakness\": \"w\", "
                         "\"status\": \"closed\"}]";
    ovr o2[] = {{"03.01.01", "not-met"}, {NULL, NULL}};
    x = eval(r3, o2, closed);
    assert_string_equal(str(x.s, "status"), "not-met");
    arr(x.s, "milestones", 0);
    run_free(&x);
}

static void test_r3_no_valid_score(void **state)
{
    (void)state;
    /* one requirement not assessed, even with every other gap on the POA&M */
    ovr o[] = {{"03.01.01", "not-met"}, {"03.13.11", "not-met"}, {"03.14.06", "-"}, {NULL, NULL}};
    run x = eval(r3, o, poam_r3);
    assert_string_equal(str(x.s, "status"), "no-valid-score");
    assert_int_equal(integer(x.s, "score"), mm_catalog_active_count(r3) - 3);
    assert_int_equal(integer(json_object_get(x.s, "requirements"), "not_assessed"), 1);
    const json_t *gaps = arr(x.s, "gaps", 3);
    bool seen = false;
    for (size_t g = 0; g < 3; g++) {
        const json_t *j = json_array_get(gaps, g);
        if (strcmp(str(j, "requirement"), "03.14.06") == 0) {
            assert_string_equal(str(j, "status"), "not-assessed");
            assert_true(json_is_false(json_object_get(j, "on_poam")));
            seen = true;
        }
    }
    assert_true(seen);
    run_free(&x);
    /* only an unassessed requirement and nothing else: still no valid score */
    ovr o2[] = {{"03.14.06", "-"}, {NULL, NULL}};
    x = eval(r3, o2, NULL);
    assert_string_equal(str(x.s, "status"), "no-valid-score");
    run_free(&x);
}

/* ---- Rev 2 ---------------------------------------------------------------------------------- */

static void test_r2_meets(void **state)
{
    (void)state;
    run x = eval(r2, NULL, NULL);
    assert_string_equal(str(x.s, "status"), "meets");
    assert_string_equal(str(x.s, "framework"), "800-171r2");
    assert_int_equal(integer(x.s, "score"), 110);
    const json_t *sprs = json_object_get(x.s, "sprs");
    assert_true(json_is_true(json_object_get(sprs, "valid")));
    assert_int_equal(integer(sprs, "score"), 110);
    assert_true(json_is_null(json_object_get(sprs, "reason")));
    const json_t *cmmc = json_object_get(x.s, "cmmc");
    assert_string_equal(str(cmmc, "status"), "final");
    assert_true(json_is_null(json_object_get(cmmc, "closeout")));
    assert_true(json_is_array(json_object_get(cmmc, "reasons")));
    arr(x.s, "gaps", 0);
    arr(x.s, "families", r2->nfamilies);
    assert_int_equal(integer(json_object_get(x.s, "requirements"), "total"), 110);
    run_free(&x);
}

static void test_r2_conditional(void **state)
{
    (void)state;
    const char *ids[2];
    one_pointers(ids, 2);
    ovr o[] = {{ids[0], "not-met"}, {ids[1], "not-met"}, {NULL, NULL}};
    char extra[600];
    snprintf(extra, sizeof extra,
             "\"poam\": [{\"requirement\": \"%s\", \"weakness\": \"w1\", "
             "\"scheduled_completion\": \"2027-01-31\"}, {\"requirement\": \"%s\", "
             "\"weakness\": \"w2\", \"milestones\": [{\"description\": \"m\", "
             "\"due\": \"2027-02-28\"}]}]",
             ids[0], ids[1]);
    run x = eval(r2, o, extra);
    assert_string_equal(str(x.s, "status"), "conditional");
    assert_int_equal(integer(x.s, "score"), 108);
    const json_t *cmmc = json_object_get(x.s, "cmmc");
    assert_string_equal(str(cmmc, "status"), "conditional");
    assert_string_equal(str(cmmc, "closeout"), "2027-05-01");
    const json_t *gaps = arr(x.s, "gaps", 2);
    assert_string_equal(str(json_array_get(gaps, 0), "requirement"), ids[0]);
    assert_int_equal(integer(json_array_get(gaps, 0), "points_lost"), 1);
    assert_true(json_is_true(json_object_get(json_array_get(gaps, 1), "on_poam")));
    const json_t *ms = arr(x.s, "milestones", 2);
    assert_string_equal(str(json_array_get(ms, 0), "poam_id"), "POAM-1");
    assert_string_equal(str(json_array_get(ms, 0), "description"), "w1");
    assert_string_equal(str(json_array_get(ms, 0), "due"), "2027-01-31");
    assert_string_equal(str(json_array_get(ms, 1), "poam_id"), "POAM-2");
    assert_string_equal(str(json_array_get(ms, 1), "description"), "m");
    assert_string_equal(str(json_array_get(ms, 1), "requirement"), ids[1]);
    run_free(&x);
}

static void test_r2_not_met(void **state)
{
    (void)state;
    /* 3.1.2 (5 points) may not be on a POA&M: not eligible though it has an item */
    ovr o[] = {{"3.1.2", "not-met"}, {"3.1.1", "-"}, {NULL, NULL}};
    const char *extra = "\"poam\": [{\"requirement\": \"3.1.2\", \"weakness\": \"w\"}, "
                        "{\"requirement\": \"3.1.1\", \"weakness\": \"w\"}]";
    run x = eval(r2, o, extra);
    assert_string_equal(str(x.s, "status"), "not-met");
    assert_int_equal(integer(x.s, "score"), 100);
    assert_string_equal(str(json_object_get(x.s, "cmmc"), "status"), "not-eligible");
    assert_true(json_array_size(json_object_get(json_object_get(x.s, "cmmc"), "reasons")) > 0);
    /* gaps by points lost; an unassessed Rev 2 requirement scores as not implemented */
    const json_t *gaps = arr(x.s, "gaps", 2);
    for (size_t g = 0; g < 2; g++)
        assert_string_equal(str(json_array_get(gaps, g), "requirement"),
                            r2->requirements[x.r->gaps[g]].id);
    assert_int_equal(integer(json_array_get(gaps, 0), "points_lost"), 5);
    assert_int_equal(integer(json_array_get(gaps, 1), "points_lost"), 5);
    run_free(&x);
}

static void test_r2_no_valid_score(void **state)
{
    (void)state;
    ovr o[] = {{"3.12.4", "not-met"}, {NULL, NULL}};
    const char *extra = "\"poam\": [{\"requirement\": \"3.12.4\", \"weakness\": \"no SSP\"}]";
    run x = eval(r2, o, extra);
    assert_string_equal(str(x.s, "status"), "no-valid-score");
    assert_true(json_is_null(json_object_get(x.s, "score")));
    const json_t *sprs = json_object_get(x.s, "sprs");
    assert_true(json_is_false(json_object_get(sprs, "valid")));
    assert_true(json_is_null(json_object_get(sprs, "score")));
    assert_non_null(strstr(str(sprs, "reason"), "3.12.4"));
    assert_string_equal(str(json_object_get(x.s, "cmmc"), "status"), "not-eligible");
    const json_t *gaps = arr(x.s, "gaps", 1);
    assert_int_equal(integer(json_array_get(gaps, 0), "points_lost"), 0);
    run_free(&x);
}

/* ---- diff ----------------------------------------------------------------------------------- */

static void test_diff(void **state)
{
    (void)state;
    ovr o1[] = {
        {"03.01.01", "not-met"}, {"03.01.02", "not-met"}, {"03.01.03", "not-met"}, {NULL, NULL}};
    ovr o2[] = {{"03.01.02", "-"}, {"03.01.04", "not-met"}, {NULL, NULL}};
    run a = eval(r3, o1, NULL), b = eval(r3, o2, NULL);
    json_t *d = NULL;
    assert_int_equal(mm_summary_diff(&d, a.s, b.s), MM_OK);
    assert_string_equal(str(d, "from"), "2026-11-02");
    assert_string_equal(str(d, "to"), "2026-11-02");
    const json_t *score = json_object_get(d, "score");
    assert_int_equal(integer(score, "from"), mm_catalog_active_count(r3) - 3);
    assert_int_equal(integer(score, "to"), mm_catalog_active_count(r3) - 2);
    assert_int_equal(integer(score, "delta"), 1);
    assert_string_equal(str(json_object_get(d, "status"), "from"), "not-met");
    assert_string_equal(str(json_object_get(d, "status"), "to"), "no-valid-score");
    const json_t *fixed = arr(d, "fixed", 2);
    const char *f0 = json_string_value(json_array_get(fixed, 0));
    const char *f1 = json_string_value(json_array_get(fixed, 1));
    assert_true((strcmp(f0, "03.01.01") == 0 && strcmp(f1, "03.01.03") == 0) ||
                (strcmp(f0, "03.01.03") == 0 && strcmp(f1, "03.01.01") == 0));
    const json_t *ng = arr(d, "new_gaps", 1);
    assert_string_equal(json_string_value(json_array_get(ng, 0)), "03.01.04");
    const json_t *ch = arr(d, "changed", 1);
    assert_string_equal(str(json_array_get(ch, 0), "requirement"), "03.01.02");
    assert_string_equal(str(json_array_get(ch, 0), "from"), "not-met");
    assert_string_equal(str(json_array_get(ch, 0), "to"), "not-assessed");
    json_decref(d);

    /* the same summary: nothing changed */
    assert_int_equal(mm_summary_diff(&d, a.s, a.s), MM_OK);
    assert_int_equal(integer(json_object_get(d, "score"), "delta"), 0);
    arr(d, "fixed", 0);
    arr(d, "new_gaps", 0);
    arr(d, "changed", 0);
    json_decref(d);
    run_free(&a);
    run_free(&b);

    /* a null score (Rev 2 without a valid score): delta null */
    ovr o3[] = {{"3.12.4", "not-met"}, {NULL, NULL}};
    a = eval(r2, o3, NULL);
    b = eval(r2, NULL, NULL);
    assert_int_equal(mm_summary_diff(&d, a.s, b.s), MM_OK);
    score = json_object_get(d, "score");
    assert_true(json_is_null(json_object_get(score, "from")));
    assert_int_equal(integer(score, "to"), 110);
    assert_true(json_is_null(json_object_get(score, "delta")));
    assert_string_equal(json_string_value(json_array_get(arr(d, "fixed", 1), 0)), "3.12.4");
    json_decref(d);

    /* not summaries */
    json_t *bad = json_pack("{s:i}", "gaps", 1), *arr1 = json_array();
    d = (json_t *)1;
    assert_int_equal(mm_summary_diff(&d, bad, a.s), MM_EINVALID);
    assert_null(d);
    assert_int_equal(mm_summary_diff(&d, a.s, arr1), MM_EINVALID);
    json_t *badgap = json_pack("{s:[{s:i}]}", "gaps", "requirement", 3);
    assert_int_equal(mm_summary_diff(&d, badgap, a.s), MM_EINVALID);
    json_decref(badgap);
    json_decref(bad);
    json_decref(arr1);
    run_free(&a);
    run_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_r3_meets),   cmocka_unit_test(test_r3_conditional),
        cmocka_unit_test(test_r3_not_met), cmocka_unit_test(test_r3_no_valid_score),
        cmocka_unit_test(test_r2_meets),   cmocka_unit_test(test_r2_conditional),
        cmocka_unit_test(test_r2_not_met), cmocka_unit_test(test_r2_no_valid_score),
        cmocka_unit_test(test_diff),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
