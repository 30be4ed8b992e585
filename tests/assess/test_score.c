/* Unit tests for src/assess/evaluate.c: roll-up from objectives, SPRS (DoD Assessment
 * Methodology v1.2.1), CMMC Level 2 conditional status (32 CFR 170.21(a)(2)), Rev 3 totals,
 * gap order and ODP values under a profile. Every rule has a test that fails if the rule is
 * wrong. Assessments are written as JSON and go through mm_assessment_parse. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/assess.h"
#include "mamori/error.h"
#include "util/util.h"

static mm_catalog *r3, *r2;
static mm_profile *dod;
static const char *assessed_date;
static const char *posted_date; /* dates.posted in generated assessments (NULL: none) */
static const char *today_date;  /* "today" of the evaluation (mm_assessment_evaluate_at) */

#define ASSESSED "2026-11-02"
#define CLOSEOUT "2027-05-01" /* ASSESSED + 180 days */
#define DAY_180  "2027-05-01"
#define DAY_181  "2027-05-02"

static int group_setup(void **state)
{
    (void)state;
    if (mm_catalog_load(&r3, MM_FW_R3, NULL) != MM_OK)
        return -1;
    if (mm_catalog_load(&r2, MM_FW_R2, NULL) != MM_OK)
        return -1;
    if (mm_profile_load(&dod, r3, NULL) != MM_OK)
        return -1;
    assessed_date = ASSESSED;
    posted_date = ASSESSED;
    today_date = ASSESSED;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    mm_profile_free(dod);
    mm_catalog_free(r3);
    mm_catalog_free(r2);
    return 0;
}

/* ---- building assessments ------------------------------------------------------------------ */

/* A requirement's answer in a generated assessment: a status ("not-met"), raw JSON (starting
 * with '{'), or "-" to leave the requirement out (not assessed). */
typedef struct ovr {
    const char *id;
    const char *val;
} ovr;

typedef struct run {
    mm_assessment *a;
    mm_result *r;
} run;

static void put_value(mm_buf *b, const char *id, const char *val)
{
    if (!val || strcmp(val, "-") == 0)
        return;
    if (b->data[b->len - 1] != '{')
        mm_buf_puts(b, ", ");
    if (val[0] == '{')
        mm_buf_printf(b, "\"%s\": %s", id, val);
    else
        mm_buf_printf(b, "\"%s\": \"%s\"", id, val);
}

/* Every active requirement of cat answered `all` unless ovr (ended by {NULL, NULL}) says
 * otherwise; extra is more top-level members ("\"poam\": [...]") or NULL. */
static char *doc(const mm_catalog *cat, const char *all, const ovr *o, const char *extra)
{
    mm_buf b = MM_BUF_INIT;
    mm_buf_printf(&b, "{\"framework\": \"%s\"", mm_framework_name(cat->framework));
    if (assessed_date && posted_date)
        mm_buf_printf(&b, ", \"dates\": {\"assessed\": \"%s\", \"posted\": \"%s\"}", assessed_date,
                      posted_date);
    else if (assessed_date || posted_date)
        mm_buf_printf(&b, ", \"dates\": {\"%s\": \"%s\"}", assessed_date ? "assessed" : "posted",
                      assessed_date ? assessed_date : posted_date);
    if (extra)
        mm_buf_printf(&b, ", %s", extra);
    mm_buf_puts(&b, ", \"requirements\": {");
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        if (r->withdrawn)
            continue;
        const char *val = all;
        for (const ovr *p = o; p && p->id; p++)
            if (strcmp(p->id, r->id) == 0)
                val = p->val;
        put_value(&b, r->id, val);
    }
    mm_buf_puts(&b, "}}");
    assert_false(b.failed);
    return b.data;
}

static run eval_json(const mm_catalog *cat, const char *json, const mm_profile *prof)
{
    run x = {NULL, NULL};
    int rc = mm_assessment_parse(&x.a, cat, json, strlen(json), "score.json");
    if (rc != MM_OK)
        fail_msg("parse failed (%d): %s", rc, mm_error_last());
    long long now = (long long)mm_date_days(today_date) * 86400 + 3600;
    assert_int_equal(mm_assessment_evaluate_at(&x.r, x.a, prof, now), MM_OK);
    assert_non_null(x.r);
    assert_ptr_equal(x.r->assessment, x.a);
    return x;
}

static run eval(const mm_catalog *cat, const char *all, const ovr *o, const char *extra)
{
    char *json = doc(cat, all, o, extra);
    run x = eval_json(cat, json, NULL);
    free(json);
    return x;
}

static void run_free(run *x)
{
    mm_result_free(x->r);
    mm_assessment_free(x->a);
    x->r = NULL;
    x->a = NULL;
}

/* A POA&M with one open item for each id in ids (ended by NULL), all due on `due`. */
static char *poam(const char *const *ids, const char *due)
{
    mm_buf b = MM_BUF_INIT;
    mm_buf_puts(&b, "\"poam\": [");
    for (size_t i = 0; ids[i]; i++)
        mm_buf_printf(&b,
                      "%s{\"weakness\": \"not implemented\", \"requirement\": \"%s\", "
                      "\"scheduled_completion\": \"%s\"}",
                      i ? ", " : "", ids[i], due);
    mm_buf_puts(&b, "]");
    return b.data;
}

static const mm_requirement_result *rr(const run *x, const char *id)
{
    const mm_catalog *cat = x->a->catalog;
    const mm_requirement *r = mm_catalog_requirement(cat, id);
    if (!r)
        fail_msg("no requirement %s", id);
    return &x->r->requirements[mm_catalog_requirement_index(cat, r)];
}

/* Index of the first warning holding every one of the (NULL-ended) needles, or -1. */
static int warning_with(const mm_result *r, const char *n1, const char *n2)
{
    for (size_t i = 0; i < r->nwarnings; i++)
        if (strstr(r->warnings[i], n1) && (!n2 || strstr(r->warnings[i], n2)))
            return (int)i;
    return -1;
}

static int reason_with(const mm_result *r, const char *n1, const char *n2)
{
    for (size_t i = 0; i < r->ncmmc_reasons; i++)
        if (strstr(r->cmmc_reasons[i], n1) && (!n2 || strstr(r->cmmc_reasons[i], n2)))
            return (int)i;
    return -1;
}

static void dump(const mm_result *r)
{
    for (size_t i = 0; i < r->nwarnings; i++)
        print_message("warning: %s\n", r->warnings[i]);
    for (size_t i = 0; i < r->ncmmc_reasons; i++)
        print_message("cmmc: %s\n", r->cmmc_reasons[i]);
}

#define assert_sprs(x, want)                                                                       \
    do {                                                                                           \
        if (!(x).r->sprs_valid || (x).r->sprs != (want)) {                                         \
            dump((x).r);                                                                           \
            fail_msg("sprs %d (valid %d), expected %d", (x).r->sprs, (x).r->sprs_valid, (want));   \
        }                                                                                          \
    } while (0)

#define assert_cmmc(x, want)                                                                       \
    do {                                                                                           \
        if ((x).r->cmmc != (want)) {                                                               \
            dump((x).r);                                                                           \
            fail_msg("cmmc %d, expected %d", (x).r->cmmc, (want));                                 \
        }                                                                                          \
    } while (0)

/* ---- SPRS ---------------------------------------------------------------------------------- */

static void test_all_met(void **state)
{
    (void)state;
    run x = eval(r2, "met", NULL, NULL);
    assert_sprs(x, 110);
    assert_null(x.r->sprs_invalid_reason);
    assert_int_equal(x.r->requirements_met, 110);
    assert_int_equal(x.r->requirements_total, 110);
    assert_int_equal(x.r->requirements_not_assessed, 0);
    assert_int_equal(x.r->objectives_met, 320);
    assert_int_equal(x.r->objectives_total, 320);
    assert_int_equal(x.r->objectives_not_assessed, 0);
    assert_int_equal(x.r->ngaps, 0);
    assert_int_equal(x.r->nwarnings, 0);
    assert_cmmc(x, MM_CMMC_FINAL);
    assert_null(x.r->cmmc_closeout);
    for (size_t i = 0; i < r2->nrequirements; i++) {
        assert_int_equal(x.r->requirements[i].status, MM_STATUS_MET);
        assert_int_equal(x.r->requirements[i].points_lost, 0);
        assert_int_equal(x.r->requirements[i].satisfied, r2->requirements[i].nobjectives);
    }
    assert_null(x.r->profile);
    run_free(&x);
    mm_result_free(NULL);
}

static void test_all_not_met(void **state)
{
    (void)state;
    /* everything not met but 3.12.4 (0 points, and without it no score) */
    ovr o[] = {{"3.12.4", "met"}, {NULL, NULL}};
    run x = eval(r2, "not-met", o, NULL);
    assert_sprs(x, -203);
    assert_int_equal(x.r->sprs, r2->sprs_min);
    assert_int_equal(x.r->requirements_met, 1);
    assert_int_equal(x.r->ngaps, 109);
    assert_int_equal(x.r->objectives_met, 8); /* 3.12.4[a-h] */
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    assert_true(reason_with(x.r, "below 88", NULL) >= 0);
    run_free(&x);
}

static void test_each_deduction(void **state)
{
    (void)state;
    struct {
        const char *id;
        int sprs, lost;
    } cases[] = {{"3.1.1", 105, 5}, {"3.1.5", 107, 3}, {"3.1.3", 109, 1}, {"3.12.2", 107, 3}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        ovr o[] = {{cases[k].id, "not-met"}, {NULL, NULL}};
        const char *ids[] = {cases[k].id, NULL};
        char *p = poam(ids, "2027-01-31"); /* planned: only its own value is lost */
        run x = eval(r2, "met", o, p);
        free(p);
        assert_sprs(x, cases[k].sprs);
        assert_int_equal(rr(&x, cases[k].id)->status, MM_STATUS_NOT_MET);
        assert_int_equal(rr(&x, cases[k].id)->points_lost, cases[k].lost);
        assert_int_equal(x.r->requirements_met, 109);
        assert_int_equal(x.r->ngaps, 1);
        run_free(&x);
        /* Methodology 5(g)(iii): "A lack of plan of action for unimplemented security
         * requirements will result in Security Requirement 3.12.2 being assessed as 'not
         * implemented'." Without the item, 3.12.2's 3 points go too. */
        x = eval(r2, "met", o, NULL);
        bool self = strcmp(cases[k].id, "3.12.2") == 0;
        assert_sprs(x, cases[k].sprs - (self ? 0 : 3));
        assert_int_equal(x.r->requirements_met, self ? 109 : 108);
        assert_int_equal(x.r->ngaps, self ? 1 : 2);
        run_free(&x);
    }
    /* every requirement on its own (with a POA&M item): 110 minus exactly its value */
    int total = 0;
    for (size_t i = 0; i < r2->nrequirements; i++) {
        const mm_requirement *r = &r2->requirements[i];
        if (r->sprs_na)
            continue;
        ovr o[] = {{r->id, "not-met"}, {NULL, NULL}};
        const char *ids[] = {r->id, NULL};
        char *p = poam(ids, "2027-01-31");
        run x = eval(r2, "met", o, p);
        free(p);
        if (!x.r->sprs_valid || x.r->sprs != 110 - r->sprs_points)
            fail_msg("%s not met: sprs %d, expected %d", r->id, x.r->sprs, 110 - r->sprs_points);
        assert_int_equal(x.r->requirements[i].points_lost, r->sprs_points);
        total += 110 - x.r->sprs;
        run_free(&x);
    }
    assert_int_equal(total, 313);
    /* several at once add up */
    ovr many[] = {{"3.1.1", "not-met"},
                  {"3.1.5", "not-met"},
                  {"3.1.3", "not-met"},
                  {"3.14.7", "not-met"},
                  {NULL, NULL}};
    run x = eval(r2, "met", many, NULL);
    /* no POA&M: 3.12.2 is scored not implemented as well (Methodology 5(g)(iii)) */
    assert_sprs(x, 110 - 5 - 3 - 1 - 3 - 3);
    assert_int_equal(x.r->requirements_met, 105);
    run_free(&x);
}

static void test_partial_credit(void **state)
{
    (void)state;
    /* every partial requirement below has an open POA&M item, so that only its own value
     * is lost (without one, 3.12.2 is scored not implemented: test_plans_of_action_rule) */
    const char *planned[] = {"3.5.3", "3.13.11", NULL};
    char *pl = poam(planned, "2027-01-31");
    ovr mfa[] = {{"3.5.3", "partial"}, {NULL, NULL}};
    run x = eval(r2, "met", mfa, pl);
    assert_sprs(x, 107);
    assert_int_equal(rr(&x, "3.5.3")->status, MM_STATUS_PARTIAL);
    assert_int_equal(rr(&x, "3.5.3")->points_lost, 3);
    assert_int_equal(x.r->requirements_met, 109); /* partial is not met */
    assert_int_equal(x.r->ngaps, 1);
    assert_int_equal(rr(&x, "3.5.3")->other_than_satisfied, 4);
    assert_int_equal(x.r->objectives_met, 316);
    run_free(&x);

    ovr crypto[] = {{"3.13.11", "partial"}, {NULL, NULL}};
    x = eval(r2, "met", crypto, pl);
    assert_sprs(x, 107);
    assert_int_equal(rr(&x, "3.13.11")->points_lost, 3);
    assert_int_equal(x.r->requirements_met, 109);
    run_free(&x);

    ovr both[] = {{"3.5.3", "partial"}, {"3.13.11", "partial"}, {NULL, NULL}};
    x = eval(r2, "met", both, pl);
    assert_sprs(x, 104);
    run_free(&x);

    /* not met at all costs the full 5 */
    ovr full[] = {{"3.5.3", "not-met"}, {"3.13.11", "not-met"}, {NULL, NULL}};
    x = eval(r2, "met", full, pl);
    assert_sprs(x, 100);
    run_free(&x);
    free(pl);

    /* a partial requirement whose objectives are all satisfied is met */
    ovr sat[] = {
        {"3.13.11", "{\"status\": \"partial\", \"objectives\": {\"3.13.11[a]\": \"satisfied\"}}"},
        {NULL, NULL}};
    x = eval(r2, "met", sat, NULL);
    assert_sprs(x, 110);
    assert_int_equal(rr(&x, "3.13.11")->status, MM_STATUS_MET);
    run_free(&x);

    /* "partial" anywhere else is refused by the parser */
    ovr bad[] = {{"3.1.1", "partial"}, {NULL, NULL}};
    char *json = doc(r2, "met", bad, NULL);
    mm_assessment *a = (mm_assessment *)1;
    assert_int_equal(mm_assessment_parse(&a, r2, json, strlen(json), "x.json"), MM_EINVALID);
    assert_null(a);
    free(json);
}

static void test_not_applicable(void **state)
{
    (void)state;
    ovr o[] = {{"3.1.16", "{\"status\": \"not-applicable\", \"justification\": \"no wireless\"}"},
               {"3.1.1", "{\"status\": \"not-applicable\", \"justification\": \"none\"}"},
               {NULL, NULL}};
    run x = eval(r2, "met", o, NULL);
    assert_sprs(x, 110);
    assert_int_equal(rr(&x, "3.1.16")->status, MM_STATUS_NOT_APPLICABLE);
    assert_int_equal(rr(&x, "3.1.16")->points_lost, 0);
    assert_int_equal(rr(&x, "3.1.1")->points_lost, 0);
    assert_int_equal(rr(&x, "3.1.1")->not_applicable, 6);
    assert_int_equal(x.r->requirements_met, 110);
    assert_int_equal(x.r->objectives_met, 320);
    assert_int_equal(x.r->ngaps, 0);
    assert_int_equal(x.r->nwarnings, 0);
    assert_cmmc(x, MM_CMMC_FINAL);
    run_free(&x);

    /* without a justification: same score, and a warning naming it */
    ovr nj[] = {{"3.1.16", "not-applicable"}, {NULL, NULL}};
    x = eval(r2, "met", nj, NULL);
    assert_sprs(x, 110);
    assert_true(warning_with(x.r, "not-applicable without a justification", "3.1.16") >= 0);
    run_free(&x);
}

static void test_not_assessed(void **state)
{
    (void)state;
    ovr o[] = {{"3.1.1", "-"}, {"3.1.3", "not-assessed"}, {NULL, NULL}};
    run x = eval(r2, "met", o, NULL);
    /* not assessed is scored not implemented, and without a plan of action 3.12.2 too
     * (Methodology 5(g)(iii)) */
    assert_sprs(x, 110 - 5 - 1 - 3);
    assert_int_equal(rr(&x, "3.1.1")->status, MM_STATUS_NOT_ASSESSED);
    assert_int_equal(rr(&x, "3.1.1")->points_lost, 5);
    assert_int_equal(rr(&x, "3.1.1")->not_assessed, 6);
    assert_int_equal(rr(&x, "3.1.3")->points_lost, 1);
    assert_int_equal(x.r->requirements_not_assessed, 2);
    assert_int_equal(x.r->requirements_met, 107);
    assert_int_equal(x.r->objectives_not_assessed, 6 + 5);
    assert_int_equal(x.r->ngaps, 3);
    int w = warning_with(x.r, "not assessed", "3.1.1");
    assert_true(w >= 0);
    assert_non_null(strstr(x.r->warnings[w], "3.1.3"));
    assert_non_null(strstr(x.r->warnings[w], "2 requirements"));
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    run_free(&x);

    /* some objectives determined, the others not: not assessed, full deduction */
    ovr half[] = {{"3.1.3",
                   "{\"objectives\": {\"3.1.3[a]\": \"satisfied\", \"3.1.3[b]\": \"satisfied\", "
                   "\"3.1.3[c]\": \"satisfied\"}}"},
                  {NULL, NULL}};
    x = eval(r2, "met", half, NULL);
    assert_sprs(x, 109 - 3); /* 3.12.2: no plan of action for 3.1.3 */
    assert_int_equal(rr(&x, "3.1.3")->status, MM_STATUS_NOT_ASSESSED);
    assert_int_equal(rr(&x, "3.1.3")->satisfied, 3);
    assert_int_equal(rr(&x, "3.1.3")->not_assessed, 2);
    assert_int_equal(x.r->requirements_not_assessed, 1);
    assert_int_equal(x.r->objectives_met, 318);
    assert_true(warning_with(x.r, "not assessed", "3.1.3") >= 0);
    run_free(&x);

    /* an empty assessment: every requirement not assessed */
    x = eval(r2, "-", NULL, NULL);
    assert_int_equal(x.r->requirements_not_assessed, 110);
    assert_int_equal(x.r->objectives_not_assessed, 320);
    assert_int_equal(x.r->requirements_met, 0);
    assert_false(x.r->sprs_valid); /* 3.12.4 not assessed */
    run_free(&x);
}

static void test_poam_never_restores(void **state)
{
    (void)state;
    const char *ids[] = {"3.1.3", "3.1.1", NULL};
    char *p = poam(ids, "2027-01-31");
    ovr o[] = {{"3.1.3", "not-met"}, {"3.1.1", "not-met"}, {NULL, NULL}};
    run x = eval(r2, "met", o, p);
    assert_sprs(x, 104);
    assert_true(rr(&x, "3.1.3")->on_poam);
    assert_true(rr(&x, "3.1.1")->on_poam);
    assert_false(rr(&x, "3.1.2")->on_poam);
    assert_int_equal(rr(&x, "3.1.3")->status, MM_STATUS_NOT_MET);
    assert_int_equal(x.r->requirements_met, 108);
    run_free(&x);
    free(p);

    /* a closed item does not put its requirement on the POA&M */
    const char *closed = "\"poam\": [{\"weakness\": \"w\", \"requirement\": \"3.1.3\", "
                         "\"status\": \"closed\"}]";
    ovr c[] = {{"3.1.3", "not-met"}, {NULL, NULL}};
    x = eval(r2, "met", c, closed);
    assert_sprs(x, 109 - 3); /* a closed item is no plan: 3.12.2 not implemented too */
    assert_false(rr(&x, "3.1.3")->on_poam);
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    assert_true(reason_with(x.r, "3.1.3", "no open POA&M item") >= 0);
    run_free(&x);
}

/* DoD Assessment Methodology v1.2.1 5(g)(iii): "A lack of plan of action for unimplemented
 * security requirements will result in Security Requirement 3.12.2 being assessed as 'not
 * implemented'." */
static void test_plans_of_action_rule(void **state)
{
    (void)state;
    /* the example: 3.1.8 not met, no POA&M item, 3.12.2 claimed met: 110 - 1 (3.1.8)
     * - 3 (3.12.2) = 106, not 109 */
    ovr ex[] = {{"3.1.8", "not-met"}, {"3.12.2", "met"}, {NULL, NULL}};
    run x = eval(r2, "met", ex, NULL);
    assert_int_equal(mm_catalog_requirement(r2, "3.1.8")->sprs_points, 1);
    assert_int_equal(mm_catalog_requirement(r2, "3.12.2")->sprs_points, 3);
    assert_sprs(x, 106);
    assert_int_equal(rr(&x, "3.12.2")->status, MM_STATUS_NOT_MET);
    assert_true(rr(&x, "3.12.2")->no_plan_rule);
    assert_int_equal(rr(&x, "3.12.2")->points_lost, 3);
    assert_int_equal(x.r->nno_plan, 1);
    assert_string_equal(r2->requirements[x.r->no_plan[0]].id, "3.1.8");
    assert_int_equal(x.r->requirements_met, 108);
    int w = warning_with(x.r, "3.12.2", "3.1.8");
    assert_true(w >= 0);
    assert_non_null(strstr(x.r->warnings[w], "5(g)(iii)"));
    run_free(&x);

    /* the result names every requirement without a plan, and only those */
    ovr o[] = {{"3.1.3", "not-met"}, {"3.1.5", "not-met"}, {"3.1.4", "not-met"}, {NULL, NULL}};
    const char *one[] = {"3.1.4", NULL};
    char *p = poam(one, "2027-01-31");
    x = eval(r2, "met", o, p);
    assert_sprs(x, 110 - 1 - 3 - 1 - 3);
    assert_int_equal(x.r->nno_plan, 2);
    assert_string_equal(r2->requirements[x.r->no_plan[0]].id, "3.1.3");
    assert_string_equal(r2->requirements[x.r->no_plan[1]].id, "3.1.5");
    w = warning_with(x.r, "3.12.2", "3.1.3");
    assert_true(w >= 0);
    assert_non_null(strstr(x.r->warnings[w], "3.1.5"));
    assert_null(strstr(x.r->warnings[w], "3.1.4")); /* it has an item */
    assert_non_null(strstr(x.r->warnings[w], "2 unimplemented requirements"));
    run_free(&x);
    free(p);

    /* each unimplemented requirement has an open item: 3.12.2 keeps its status */
    const char *all[] = {"3.1.3", "3.1.5", "3.1.4", NULL};
    p = poam(all, "2027-01-31");
    x = eval(r2, "met", o, p);
    assert_sprs(x, 110 - 1 - 3 - 1);
    assert_int_equal(rr(&x, "3.12.2")->status, MM_STATUS_MET);
    assert_false(rr(&x, "3.12.2")->no_plan_rule);
    assert_int_equal(x.r->nno_plan, 0);
    assert_int_equal(warning_with(x.r, "3.12.2", NULL), -1);
    assert_int_equal(x.r->nwarnings, 0);
    run_free(&x);
    free(p);

    /* 3.12.2 already not met: its 3 points are lost once, not twice */
    ovr o2[] = {{"3.1.3", "not-met"}, {"3.12.2", "not-met"}, {NULL, NULL}};
    x = eval(r2, "met", o2, NULL);
    assert_sprs(x, 110 - 1 - 3);
    assert_false(rr(&x, "3.12.2")->no_plan_rule);
    assert_int_equal(x.r->nno_plan, 1); /* 3.1.3; 3.12.2 itself is not listed */
    run_free(&x);

    /* partial (scored not implemented) and not-assessed requirements need a plan too */
    ovr o3[] = {{"3.1.6", "-"}, {"3.5.3", "partial"}, {NULL, NULL}};
    x = eval(r2, "met", o3, NULL);
    assert_sprs(x, 110 - 1 - 3 - 3);
    assert_int_equal(x.r->nno_plan, 2);
    assert_true(warning_with(x.r, "3.12.2", "3.1.6") >= 0);
    run_free(&x);

    /* a risk-accepted item is an open plan (only closed items are not) */
    const char *ra = "\"poam\": [{\"weakness\": \"w\", \"requirement\": \"3.1.8\", \"status\": "
                     "\"risk-accepted\"}]";
    x = eval(r2, "met", ex, ra);
    assert_sprs(x, 109);
    run_free(&x);

    /* 3.12.4 has no points and no score without it: no plan-of-action deduction for it */
    ovr ssp[] = {{"3.12.4", "not-met"}, {NULL, NULL}};
    x = eval(r2, "met", ssp, NULL);
    assert_int_equal(x.r->nno_plan, 0);
    assert_int_equal(rr(&x, "3.12.2")->status, MM_STATUS_MET);
    run_free(&x);
}

/* Rev 3 03.12.02 (plan of action): the Methodology's scoring rule is for Rev 2; a Rev 3
 * result reports the missing plans as a warning and changes no status. */
static void test_plans_of_action_r3(void **state)
{
    (void)state;
    ovr o[] = {{"03.01.01", "not-met"}, {NULL, NULL}};
    run x = eval(r3, "met", o, NULL);
    assert_int_equal(x.r->nno_plan, 1);
    assert_string_equal(r3->requirements[x.r->no_plan[0]].id, "03.01.01");
    assert_int_equal(rr(&x, "03.12.02")->status, MM_STATUS_MET);
    assert_false(rr(&x, "03.12.02")->no_plan_rule);
    assert_int_equal(x.r->requirements_met, 96);
    int w = warning_with(x.r, "03.12.02", "03.01.01");
    assert_true(w >= 0);
    assert_non_null(strstr(x.r->warnings[w], "reported only"));
    run_free(&x);
}

/* 32 CFR 170.15 / 170.21(a)(1): Level 1 (Self) covers the FAR 52.204-21 requirements, in CMMC
 * the 17 Rev 2 requirements flagged in the catalog; "A POA&M is not permitted at any time
 * for Level 1 self-assessments." */
static void test_cmmc_level1(void **state)
{
    (void)state;
    size_t nfar = 0;
    for (size_t i = 0; i < r2->nrequirements; i++)
        nfar += r2->requirements[i].far_52_204_21;
    assert_int_equal(nfar, 17);

    run x = eval(r2, "met", NULL, NULL);
    assert_int_equal(x.r->cmmc1, MM_CMMC_FINAL);
    assert_int_equal(x.r->ncmmc1_reasons, 0);
    run_free(&x);

    /* each of the 17 not met: not eligible, naming it; a POA&M item does not help */
    for (size_t i = 0; i < r2->nrequirements; i++) {
        const mm_requirement *r = &r2->requirements[i];
        if (!r->far_52_204_21)
            continue;
        ovr o[] = {{r->id, "not-met"}, {NULL, NULL}};
        const char *ids[] = {r->id, NULL};
        char *p = poam(ids, "2027-01-31");
        x = eval(r2, "met", o, p);
        free(p);
        if (x.r->cmmc1 != MM_CMMC_NOT_ELIGIBLE)
            fail_msg("%s not met: Level 1 still final", r->id);
        assert_int_equal(x.r->ncmmc1_reasons, 1);
        assert_non_null(strstr(x.r->cmmc1_reasons[0], r->id));
        assert_non_null(strstr(x.r->cmmc1_reasons[0], "170.21(a)(1)"));
        run_free(&x);
    }
    /* a requirement outside FAR 52.204-21 does not affect Level 1 */
    ovr o[] = {{"3.1.3", "not-met"}, {NULL, NULL}};
    x = eval(r2, "met", o, NULL);
    assert_int_equal(x.r->cmmc1, MM_CMMC_FINAL);
    run_free(&x);
}

static void test_ssp_required(void **state)
{
    (void)state;
    const char *st[] = {"not-met", "-", "not-assessed"};
    for (size_t k = 0; k < 3; k++) {
        ovr o[] = {{"3.12.4", st[k]}, {NULL, NULL}};
        run x = eval(r2, "met", o, NULL);
        assert_false(x.r->sprs_valid);
        assert_non_null(x.r->sprs_invalid_reason);
        assert_non_null(strstr(x.r->sprs_invalid_reason, "3.12.4"));
        assert_int_equal(rr(&x, "3.12.4")->points_lost, 0);
        assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
        assert_true(reason_with(x.r, "3.12.4", NULL) >= 0);
        assert_null(x.r->cmmc_closeout);
        run_free(&x);
    }
    /* with a POA&M item for it, still no score */
    const char *ids[] = {"3.12.4", NULL};
    char *p = poam(ids, "2027-01-31");
    ovr o[] = {{"3.12.4", "not-met"}, {NULL, NULL}};
    run x = eval(r2, "met", o, p);
    assert_false(x.r->sprs_valid);
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    run_free(&x);
    free(p);
}

static void test_roll_up(void **state)
{
    (void)state;
    /* no status: every objective satisfied -> met */
    ovr sat[] = {{"3.1.2", "{\"objectives\": {\"3.1.2[a]\": \"satisfied\", \"3.1.2[b]\": "
                           "\"satisfied\"}}"},
                 {NULL, NULL}};
    run x = eval(r2, "met", sat, NULL);
    assert_sprs(x, 110);
    assert_int_equal(rr(&x, "3.1.2")->status, MM_STATUS_MET);
    run_free(&x);

    /* satisfied and not applicable -> met */
    ovr mix[] = {{"3.1.2", "{\"objectives\": {\"3.1.2[a]\": \"satisfied\", \"3.1.2[b]\": "
                           "{\"determination\": \"not-applicable\", \"justification\": "
                           "\"j\"}}}"},
                 {NULL, NULL}};
    x = eval(r2, "met", mix, NULL);
    assert_sprs(x, 110);
    assert_int_equal(rr(&x, "3.1.2")->status, MM_STATUS_MET);
    assert_int_equal(rr(&x, "3.1.2")->satisfied, 1);
    assert_int_equal(rr(&x, "3.1.2")->not_applicable, 1);
    assert_int_equal(x.r->objectives_met, 320);
    run_free(&x);

    /* every objective not applicable -> not applicable, no deduction */
    ovr na[] = {{"3.1.2", "{\"objectives\": {\"3.1.2[a]\": {\"determination\": \"not-applicable\", "
                          "\"justification\": \"j\"}, \"3.1.2[b]\": {\"determination\": "
                          "\"not-applicable\", \"justification\": \"j\"}}}"},
                {NULL, NULL}};
    x = eval(r2, "met", na, NULL);
    assert_sprs(x, 110);
    assert_int_equal(rr(&x, "3.1.2")->status, MM_STATUS_NOT_APPLICABLE);
    assert_int_equal(x.r->requirements_met, 110);
    run_free(&x);

    /* one objective other than satisfied -> not met, full deduction */
    ovr one[] = {{"3.1.1", "{\"objectives\": {\"3.1.1[a]\": \"satisfied\", \"3.1.1[b]\": "
                           "\"satisfied\", \"3.1.1[c]\": \"satisfied\", \"3.1.1[d]\": "
                           "\"satisfied\", \"3.1.1[e]\": \"satisfied\", \"3.1.1[f]\": "
                           "\"other-than-satisfied\"}}"},
                 {NULL, NULL}};
    x = eval(r2, "met", one, NULL);
    assert_sprs(x, 105 - 3); /* and 3.12.2: no plan of action (Methodology 5(g)(iii)) */
    assert_int_equal(rr(&x, "3.1.1")->status, MM_STATUS_NOT_MET);
    assert_int_equal(rr(&x, "3.1.1")->satisfied, 5);
    assert_int_equal(rr(&x, "3.1.1")->other_than_satisfied, 1);
    assert_int_equal(x.r->objectives_met, 319);
    assert_int_equal(warning_with(x.r, "contradicted", NULL), -1); /* no status was claimed */
    run_free(&x);

    /* "met" claimed, an objective says otherwise: not met, and a warning */
    ovr claim[] = {{"3.1.1", "{\"status\": \"met\", \"objectives\": {\"3.1.1[c]\": "
                             "\"other-than-satisfied\"}}"},
                   {"3.1.2", "{\"status\": \"not-applicable\", \"justification\": \"j\", "
                             "\"objectives\": {\"3.1.2[a]\": \"satisfied\"}}"},
                   {NULL, NULL}};
    x = eval(r2, "met", claim, NULL);
    assert_sprs(x, 105 - 3); /* 3.12.2: 3.1.1 has no plan of action */
    assert_int_equal(rr(&x, "3.1.1")->status, MM_STATUS_NOT_MET);
    assert_int_equal(rr(&x, "3.1.1")->satisfied, 5);
    assert_int_equal(x.r->requirements_met, 108);
    int w = warning_with(x.r, "contradicted", "3.1.1");
    assert_true(w >= 0);
    /* 3.1.2: claimed not applicable, one objective satisfied -> met, also a contradiction */
    assert_int_equal(rr(&x, "3.1.2")->status, MM_STATUS_MET);
    assert_non_null(strstr(x.r->warnings[w], "3.1.2"));
    run_free(&x);
}

/* ---- CMMC Level 2 ---------------------------------------------------------------------- */

/* The first n 1-point requirements that may be on a POA&M, in catalog order, into ids. */
static size_t one_pointers(const char **ids, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < r2->nrequirements && k < n; i++) {
        const mm_requirement *r = &r2->requirements[i];
        if (r->sprs_points == 1 && !r->never_on_poam && !r->plans_of_action)
            ids[k++] = r->id;
    }
    ids[k] = NULL;
    return k;
}

static run eval_unmet_with_poam(const char *const *ids, const char *due)
{
    ovr o[64];
    size_t n = 0;
    for (; ids[n]; n++) {
        o[n].id = ids[n];
        o[n].val = "not-met";
    }
    o[n].id = NULL;
    o[n].val = NULL;
    char *p = poam(ids, due);
    run x = eval(r2, "met", o, p);
    free(p);
    return x;
}

static void test_cmmc_min_score(void **state)
{
    (void)state;
    const char *ids[32];
    assert_int_equal(one_pointers(ids, 22), 22);
    run x = eval_unmet_with_poam(ids, "2027-01-31");
    assert_sprs(x, 88);
    assert_cmmc(x, MM_CMMC_CONDITIONAL);
    assert_string_equal(x.r->cmmc_closeout, CLOSEOUT);
    assert_int_equal(x.r->ncmmc_reasons, 1);
    assert_non_null(strstr(x.r->cmmc_reasons[0], CLOSEOUT));
    run_free(&x);

    assert_int_equal(one_pointers(ids, 23), 23);
    x = eval_unmet_with_poam(ids, "2027-01-31");
    assert_sprs(x, 87);
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    assert_null(x.r->cmmc_closeout);
    assert_int_equal(x.r->ncmmc_reasons, 1);
    assert_non_null(strstr(x.r->cmmc_reasons[0], "score 87 is below 88"));
    run_free(&x);
}

static void test_cmmc_point_values(void **state)
{
    (void)state;
    /* one 1-point requirement with an item: conditional */
    const char *one[] = {"3.1.3", NULL};
    run x = eval_unmet_with_poam(one, "2027-01-31");
    assert_sprs(x, 109);
    assert_cmmc(x, MM_CMMC_CONDITIONAL);
    assert_string_equal(x.r->cmmc_closeout, CLOSEOUT);
    run_free(&x);

    /* 3- and 5-point requirements may not be on a POA&M */
    const char *three[] = {"3.1.5", NULL};
    x = eval_unmet_with_poam(three, "2027-01-31");
    assert_sprs(x, 107);
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    assert_int_equal(x.r->ncmmc_reasons, 1);
    assert_true(reason_with(x.r, "3.1.5", "3 points") >= 0);
    run_free(&x);
    const char *five[] = {"3.1.1", "3.1.3", NULL};
    x = eval_unmet_with_poam(five, "2027-01-31");
    assert_sprs(x, 104);
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    assert_int_equal(x.r->ncmmc_reasons, 1);
    assert_true(reason_with(x.r, "3.1.1", "5 points") >= 0);
    assert_int_equal(reason_with(x.r, "3.1.3", NULL), -1);
    run_free(&x);
    const char *poa[] = {"3.12.2", NULL};
    x = eval_unmet_with_poam(poa, "2027-01-31");
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    assert_true(reason_with(x.r, "3.12.2", NULL) >= 0);
    run_free(&x);

    /* 3.13.11 at its partial value (3) may be on a POA&M */
    const char *crypto[] = {"3.13.11", NULL};
    char *p = poam(crypto, "2027-01-31");
    ovr part[] = {{"3.13.11", "partial"}, {NULL, NULL}};
    x = eval(r2, "met", part, p);
    assert_sprs(x, 107);
    assert_cmmc(x, MM_CMMC_CONDITIONAL);
    assert_string_equal(x.r->cmmc_closeout, CLOSEOUT);
    run_free(&x);
    /* ... but not without an item */
    x = eval(r2, "met", part, NULL);
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    assert_true(reason_with(x.r, "3.13.11", "no open POA&M item") >= 0);
    run_free(&x);
    /* ... and not at its full value (5) */
    ovr full[] = {{"3.13.11", "not-met"}, {NULL, NULL}};
    x = eval(r2, "met", full, p);
    assert_sprs(x, 105);
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    assert_true(reason_with(x.r, "3.13.11", "5 points") >= 0);
    run_free(&x);
    free(p);

    /* 3.5.3 partial is worth 3 points and has no CMMC exception */
    const char *mfa[] = {"3.5.3", NULL};
    p = poam(mfa, "2027-01-31");
    ovr mpart[] = {{"3.5.3", "partial"}, {NULL, NULL}};
    x = eval(r2, "met", mpart, p);
    assert_sprs(x, 107);
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    assert_true(reason_with(x.r, "3.5.3", "3 points") >= 0);
    run_free(&x);
    free(p);
}

static void test_cmmc_never_on_poam(void **state)
{
    (void)state;
    const char *never[] = {"3.1.20", "3.1.22", "3.12.4", "3.10.3", "3.10.4", "3.10.5"};
    for (size_t k = 0; k < 6; k++) {
        const char *ids[] = {never[k], NULL};
        run x = eval_unmet_with_poam(ids, "2027-01-31");
        assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
        assert_null(x.r->cmmc_closeout);
        if (strcmp(never[k], "3.12.4") != 0) {
            assert_sprs(x, 109);
            assert_true(rr(&x, never[k])->on_poam);
            assert_int_equal(x.r->ncmmc_reasons, 1);
            if (reason_with(x.r, never[k], "never") < 0) {
                dump(x.r);
                fail_msg("no reason names %s", never[k]);
            }
        } else {
            assert_false(x.r->sprs_valid);
            assert_true(reason_with(x.r, "3.12.4", NULL) >= 0);
        }
        run_free(&x);
    }
    /* the same requirements met, another 1-point one on the POA&M: conditional */
    const char *ok[] = {"3.1.21", NULL};
    run x = eval_unmet_with_poam(ok, "2027-01-31");
    assert_cmmc(x, MM_CMMC_CONDITIONAL);
    run_free(&x);
}

static void test_cmmc_needs_poam_item(void **state)
{
    (void)state;
    ovr o[] = {{"3.1.3", "not-met"}, {"3.1.4", "not-met"}, {NULL, NULL}};
    const char *ids[] = {"3.1.4", NULL};
    char *p = poam(ids, "2027-01-31");
    run x = eval(r2, "met", o, p);
    assert_sprs(x, 108 - 3); /* 3.12.2 scored not implemented: 3.1.3 has no plan */
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    /* 3.12.2 is then not met and worth 3 points: it may not be on a POA&M either */
    assert_int_equal(x.r->ncmmc_reasons, 2);
    assert_true(reason_with(x.r, "3.1.3", "no open POA&M item") >= 0);
    assert_true(reason_with(x.r, "3.12.2", "3 points") >= 0);
    run_free(&x);
    free(p);
    /* a not-assessed 1-point requirement without an item */
    ovr na[] = {{"3.1.3", "-"}, {NULL, NULL}};
    x = eval(r2, "met", na, NULL);
    assert_cmmc(x, MM_CMMC_NOT_ELIGIBLE);
    assert_true(reason_with(x.r, "3.1.3", "no open POA&M item") >= 0);
    run_free(&x);
}

/* 32 CFR 170.21(b): the POA&M close-out must be within 180 days of the Conditional CMMC
 * status date; the status date is the date the result is posted (dates.posted), else today. */
static void test_cmmc_closeout_180_days(void **state)
{
    (void)state;
    const char *ids[] = {"3.1.3", NULL};
    run x = eval_unmet_with_poam(ids, DAY_180);
    assert_cmmc(x, MM_CMMC_CONDITIONAL);
    assert_string_equal(x.r->cmmc_closeout, CLOSEOUT);
    assert_string_equal(x.r->cmmc2.status_date, ASSESSED);
    assert_string_equal(x.r->cmmc2.closeout_by, CLOSEOUT);
    assert_int_equal(x.r->cmmc2.late_poam, 0);
    assert_int_equal(warning_with(x.r, "close-out", NULL), -1);
    run_free(&x);

    /* day 181: a plan after the close-out date is a warning, not a reason for "not
     * eligible": the rule limits when the close-out happens, not what a plan says */
    x = eval_unmet_with_poam(ids, DAY_181);
    assert_cmmc(x, MM_CMMC_CONDITIONAL);
    assert_string_equal(x.r->cmmc_closeout, CLOSEOUT);
    assert_int_equal(x.r->cmmc2.late_poam, 1);
    assert_true(warning_with(x.r, DAY_181, CLOSEOUT) >= 0);
    assert_true(warning_with(x.r, "POAM-1", "170.21(b)") >= 0);
    assert_int_equal(reason_with(x.r, DAY_181, NULL), -1);
    run_free(&x);

    /* a milestone past the close-out counts; a completed one does not */
    ovr o[] = {{"3.1.3", "not-met"}, {NULL, NULL}};
    const char *late = "\"poam\": [{\"weakness\": \"w\", \"requirement\": \"3.1.3\", "
                       "\"scheduled_completion\": \"2027-01-31\", \"milestones\": ["
                       "{\"description\": \"m\", \"due\": \"" DAY_181 "\"}]}]";
    x = eval(r2, "met", o, late);
    assert_cmmc(x, MM_CMMC_CONDITIONAL);
    assert_true(warning_with(x.r, DAY_181, NULL) >= 0);
    run_free(&x);
    const char *done = "\"poam\": [{\"weakness\": \"w\", \"requirement\": \"3.1.3\", "
                       "\"scheduled_completion\": \"2027-01-31\", \"milestones\": ["
                       "{\"description\": \"m\", \"due\": \"" DAY_181 "\", "
                       "\"status\": \"completed\"}]}]";
    x = eval(r2, "met", o, done);
    assert_cmmc(x, MM_CMMC_CONDITIONAL);
    assert_int_equal(warning_with(x.r, DAY_181, NULL), -1);
    run_free(&x);

    /* the status date is dates.posted, not the assessment date */
    posted_date = "2026-01-01";
    today_date = "2026-01-01";
    char *p180 = poam(ids, "2026-06-30");
    x = eval(r2, "met", o, p180);
    posted_date = ASSESSED;
    today_date = ASSESSED;
    free(p180);
    assert_cmmc(x, MM_CMMC_CONDITIONAL);
    assert_string_equal(x.r->cmmc2.status_date, "2026-01-01");
    assert_string_equal(x.r->cmmc_closeout, "2026-06-30");
    run_free(&x);

    /* no dates.posted: the status date is today */
    posted_date = NULL;
    char *json = doc(r2, "met", o, "\"poam\": [{\"weakness\": \"w\", \"requirement\": \"3.1.3\"}]");
    posted_date = ASSESSED;
    mm_assessment *a = NULL;
    assert_int_equal(mm_assessment_parse(&a, r2, json, strlen(json), "d.json"), MM_OK);
    assert_null(a->posted);
    mm_result *r = NULL;
    assert_int_equal(mm_assessment_evaluate_at(&r, a, NULL, 1767225600LL), MM_OK); /* 2026-01-01 */
    assert_int_equal(r->cmmc, MM_CMMC_CONDITIONAL);
    assert_string_equal(r->cmmc2.status_date, "2026-01-01");
    assert_string_equal(r->cmmc_closeout, "2026-06-30");
    mm_result_free(r);
    mm_assessment_free(a);
    free(json);
}

/* 32 CFR 170.21(b): without a close-out within 180 days the conditional status expires;
 * mm_cmmc_level2_at computes it for any status date and today (the server's entry point). */
static void test_cmmc_expiry(void **state)
{
    (void)state;
    const char *ids[] = {"3.1.3", NULL};
    run x = eval_unmet_with_poam(ids, "2027-01-31");
    assert_cmmc(x, MM_CMMC_CONDITIONAL);
    mm_cmmc_level2 s;
    /* on the close-out date itself: still conditional */
    assert_int_equal(mm_cmmc_level2_at(&s, x.r, ASSESSED, DAY_180), MM_OK);
    assert_false(s.expired);
    assert_string_equal(mm_cmmc_level2_status_name(&s), "conditional");
    assert_string_equal(s.closeout_by, CLOSEOUT);
    /* the day after: expired */
    assert_int_equal(mm_cmmc_level2_at(&s, x.r, ASSESSED, DAY_181), MM_OK);
    assert_true(s.expired);
    assert_string_equal(mm_cmmc_level2_status_name(&s), "conditional-expired");
    /* a later status date (the server's receipt time) moves the close-out */
    assert_int_equal(mm_cmmc_level2_at(&s, x.r, "2026-12-01", DAY_181), MM_OK);
    assert_false(s.expired);
    assert_string_equal(s.closeout_by, "2027-05-30");
    /* no status date: today */
    assert_int_equal(mm_cmmc_level2_at(&s, x.r, NULL, "2026-12-01"), MM_OK);
    assert_string_equal(s.status_date, "2026-12-01");
    /* bad dates are refused */
    assert_int_equal(mm_cmmc_level2_at(&s, x.r, "2026-13-01", DAY_181), MM_EINVALID);
    assert_int_equal(mm_cmmc_level2_at(&s, x.r, ASSESSED, "tomorrow"), MM_EINVALID);
    run_free(&x);

    /* evaluated after the close-out date: the result itself says expired */
    today_date = DAY_181;
    x = eval_unmet_with_poam(ids, "2027-01-31");
    today_date = ASSESSED;
    assert_cmmc(x, MM_CMMC_CONDITIONAL);
    assert_true(x.r->cmmc2.expired);
    assert_true(reason_with(x.r, "expired", CLOSEOUT) >= 0);
    run_free(&x);

    /* final and not eligible never expire */
    x = eval(r2, "met", NULL, NULL);
    assert_int_equal(mm_cmmc_level2_at(&s, x.r, "2020-01-01", DAY_181), MM_OK);
    assert_false(s.expired);
    assert_string_equal(mm_cmmc_level2_status_name(&s), "final");
    assert_string_equal(s.closeout_by, "");
    run_free(&x);

    /* Rev 3: no CMMC status */
    x = eval(r3, "met", NULL, NULL);
    assert_int_equal(mm_cmmc_level2_at(&s, x.r, ASSESSED, ASSESSED), MM_EINVALID);
    run_free(&x);
}

/* The SPRS record (Methodology Annex B): SSP name, version, date, CAGE codes, assessment
 * date, score, the date 110 is expected, confidence level; missing inputs are named. */
static void test_sprs_record(void **state)
{
    (void)state;
    const char *ssp = "\"ssp\": {\"name\": \"Enclave SSP\", \"version\": \"2.1\", \"date\": "
                      "\"2026-10-15\", \"cage_codes\": [\"1ABC2\", \"3DEF4\"]}, \"poam\": ["
                      "{\"weakness\": \"w\", \"requirement\": \"3.1.3\", "
                      "\"scheduled_completion\": \"2027-02-01\"}, {\"weakness\": \"w\", "
                      "\"requirement\": \"3.1.4\", \"scheduled_completion\": \"2027-03-15\"}, "
                      "{\"weakness\": \"w\", \"requirement\": \"3.1.5\", \"status\": \"closed\", "
                      "\"scheduled_completion\": \"2027-09-01\"}]";
    ovr o[] = {{"3.1.3", "not-met"}, {"3.1.4", "not-met"}, {NULL, NULL}};
    run x = eval(r2, "met", o, ssp);
    mm_sprs_record s;
    assert_int_equal(mm_sprs_record_get(&s, x.r), MM_OK);
    assert_string_equal(s.ssp_name, "Enclave SSP");
    assert_string_equal(s.ssp_version, "2.1");
    assert_string_equal(s.ssp_date, "2026-10-15");
    assert_int_equal(s.ncage_codes, 2);
    assert_string_equal(s.cage_codes[1], "3DEF4");
    assert_string_equal(s.assessment_date, ASSESSED);
    assert_int_equal(s.score, 108);
    assert_string_equal(s.plan_complete, "2027-03-15"); /* latest open item; closed ignored */
    assert_string_equal(s.assessment_type, "Basic");
    /* DFARS 252.204-7020(a): a Basic Assessment "Results in a confidence level of 'Low' in
     * the resulting score, because it is a self-generated score." */
    assert_string_equal(s.confidence, "Low");
    run_free(&x);

    /* 110: no completion date */
    x = eval(r2, "met", NULL, ssp);
    assert_int_equal(mm_sprs_record_get(&s, x.r), MM_OK);
    assert_int_equal(s.score, 110);
    assert_string_equal(s.plan_complete, "");
    run_free(&x);

    /* each missing input is named, nothing is invented */
    struct {
        const char *extra, *path;
    } miss[] = {
        {"\"ssp\": {\"version\": \"1\", \"date\": \"2026-10-15\", \"cage_codes\": [\"A\"]}",
         "$.ssp.name"},
        {"\"ssp\": {\"name\": \"n\", \"date\": \"2026-10-15\", \"cage_codes\": [\"A\"]}",
         "$.ssp.version"},
        {"\"ssp\": {\"name\": \"n\", \"version\": \"1\", \"cage_codes\": [\"A\"]}", "$.ssp.date"},
        {"\"ssp\": {\"name\": \"n\", \"version\": \"1\", \"date\": \"2026-10-15\"}",
         "$.ssp.cage_codes"},
        {NULL, "$.ssp.name"},
    };
    for (size_t k = 0; k < sizeof(miss) / sizeof(miss[0]); k++) {
        x = eval(r2, "met", NULL, miss[k].extra);
        assert_int_equal(mm_sprs_record_get(&s, x.r), MM_EINVALID);
        if (!strstr(mm_error_last(), miss[k].path) ||
            !strstr(mm_error_last(), "missing, needed for the SPRS record"))
            fail_msg("case %zu: %s", k, mm_error_last());
        assert_non_null(strstr(mm_error_last(), "score.json: "));
        run_free(&x);
    }
    assessed_date = NULL;
    x = eval(r2, "met", NULL, ssp);
    assessed_date = ASSESSED;
    assert_int_equal(mm_sprs_record_get(&s, x.r), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "$.dates.assessed: missing"));
    run_free(&x);

    /* no valid score (no SSP requirement met): no record */
    ovr nossp[] = {{"3.12.4", "not-met"}, {NULL, NULL}};
    x = eval(r2, "met", nossp, ssp);
    assert_int_equal(mm_sprs_record_get(&s, x.r), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "3.12.4"));
    run_free(&x);

    /* Rev 3: refused, saying why */
    x = eval(r3, "met", NULL, NULL);
    assert_int_equal(mm_sprs_record_get(&s, x.r), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "Rev 2 only"));
    run_free(&x);
}

/* The rule constants agree with the sources recorded in content/ (cmmc-status-sources.json). */
static void test_sources_recorded(void **state)
{
    (void)state;
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(mm_file_read(&data, &len,
                                  MM_SOURCE_DIR "/content/catalogs/cmmc-status-sources.json",
                                  1u << 20),
                     MM_OK);
    char want[64];
    snprintf(want, sizeof(want), "\"closeout_days\": %d", MM_CMMC_CLOSEOUT_DAYS);
    assert_non_null(strstr(data, want));
    assert_non_null(strstr(data, "2024-O0013"));
    assert_non_null(strstr(data, "A POA&M is not permitted at any time for Level 1"));
    free(data);
}

/* ---- Rev 3 ----------------------------------------------------------------------------- */

static void test_r3_counts(void **state)
{
    (void)state;
    run x = eval(r3, "met", NULL, NULL);
    assert_int_equal(x.r->requirements_met, 97);
    assert_int_equal(x.r->requirements_total, 97);
    assert_int_equal(x.r->objectives_met, 422);
    assert_int_equal(x.r->objectives_total, 422);
    assert_int_equal(x.r->ngaps, 0);
    assert_false(x.r->sprs_valid); /* no SPRS score for Rev 3 */
    assert_int_equal(x.r->ncmmc_reasons, 0);
    static const size_t active[17] = {16, 2, 8, 10, 8, 5, 3, 7, 2, 5, 3, 4, 10, 5, 3, 3, 3};
    size_t objectives = 0;
    for (size_t f = 0; f < 17; f++) {
        assert_int_equal(x.r->families[f].total, active[f]);
        assert_int_equal(x.r->families[f].met, active[f]);
        assert_int_equal(x.r->families[f].objectives_met, x.r->families[f].objectives_total);
        objectives += x.r->families[f].objectives_total;
    }
    assert_int_equal(objectives, 422);
    size_t ac = 0;
    for (size_t i = 0; i < r3->families[0].count; i++)
        ac += r3->requirements[r3->families[0].first + i].nobjectives;
    assert_int_equal(x.r->families[0].objectives_total, ac);
    assert_int_equal(x.r->families[0].objectives_met, ac);
    run_free(&x);

    /* not applicable counts as met */
    ovr na[] = {{"03.01.01", "{\"status\": \"not-applicable\", \"justification\": \"j\"}"},
                {NULL, NULL}};
    x = eval(r3, "met", na, NULL);
    assert_int_equal(x.r->requirements_met, 97);
    assert_int_equal(x.r->objectives_met, 422);
    assert_int_equal(x.r->families[0].met, 16);
    run_free(&x);

    /* family totals with a mix */
    ovr mix[] = {{"03.01.01", "not-met"},
                 {"03.01.03", "{\"objectives\": {\"A.03.01.03.01\": \"satisfied\"}}"},
                 {"03.02.01", "not-applicable"},
                 {NULL, NULL}};
    x = eval(r3, "-", mix, NULL);
    assert_int_equal(x.r->requirements_met, 1);
    assert_int_equal(x.r->requirements_not_assessed, 95);
    assert_int_equal(x.r->families[0].met, 0);
    assert_int_equal(x.r->families[0].total, 16);
    assert_int_equal(x.r->families[0].objectives_met, 1);
    assert_int_equal(x.r->families[1].met, 1);
    assert_int_equal(x.r->families[1].objectives_met, 11);
    assert_int_equal(x.r->objectives_met, 12);
    assert_int_equal(x.r->objectives_not_assessed, 422 - 22 - 12);
    assert_int_equal(rr(&x, "03.01.01")->other_than_satisfied, 22);
    assert_int_equal(rr(&x, "03.01.03")->status, MM_STATUS_NOT_ASSESSED);
    assert_int_equal(x.r->ngaps, 96);
    run_free(&x);
}

static void test_gap_order(void **state)
{
    (void)state;
    const mm_requirement *si = mm_catalog_requirement(r3, "03.14.01");
    assert_int_equal(si->nobjectives, 5);
    /* unmet objectives: 03.01.01 1, 03.01.02 2, 03.01.03 2, 03.14.01 5 */
    ovr o[] = {{"03.01.01", "{\"status\": \"met\", \"objectives\": {\"A.03.01.01.e\": "
                            "\"other-than-satisfied\"}}"},
               {"03.01.02", "not-met"},
               {"03.01.03", "not-met"},
               {"03.14.01", "not-met"},
               {NULL, NULL}};
    run x = eval(r3, "met", o, NULL);
    assert_int_equal(x.r->ngaps, 4);
    const char *want[] = {"03.14.01", "03.01.02", "03.01.03", "03.01.01"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(r3->requirements[x.r->gaps[i]].id, want[i]);
    run_free(&x);

    /* Rev 2: by points lost, ties in catalog order */
    ovr o2[] = {{"3.14.7", "not-met"}, {"3.1.3", "not-met"},  {"3.5.3", "partial"},
                {"3.1.5", "not-met"},  {"3.13.1", "not-met"}, {"3.1.1", "not-met"},
                {"3.1.4", "-"},        {NULL, NULL}};
    x = eval(r2, "met", o2, NULL);
    /* nothing is planned, so 3.12.2 (3 points) is a gap too (Methodology 5(g)(iii)) */
    assert_int_equal(x.r->ngaps, 8);
    const char *want2[] = {"3.1.1",  "3.13.1", "3.1.5", "3.5.3",
                           "3.12.2", "3.14.7", "3.1.3", "3.1.4"};
    for (size_t i = 0; i < 8; i++)
        if (strcmp(r2->requirements[x.r->gaps[i]].id, want2[i]) != 0)
            fail_msg("gap %zu is %s, expected %s", i, r2->requirements[x.r->gaps[i]].id, want2[i]);
    run_free(&x);
}

/* ---- ODPs under a profile -------------------------------------------------------------- */

static size_t odp_index(const char *id)
{
    const mm_odp *o = mm_catalog_odp(r3, id);
    if (!o)
        fail_msg("no ODP %s", id);
    return (size_t)(o - r3->odps);
}

static run eval_odps(const char *odp_json, const mm_profile *prof)
{
    char extra[1024];
    snprintf(extra, sizeof(extra), "\"odp\": {%s}", odp_json);
    char *json = doc(r3, "met", NULL, extra);
    run x = eval_json(r3, json, prof);
    free(json);
    return x;
}

static void test_odp_fixed_wins(void **state)
{
    (void)state;
    size_t i1 = odp_index("A.03.01.01.ODP.01"), i2 = odp_index("A.03.01.01.ODP.02");
    run x = eval_odps("\"A.03.01.01.ODP.01\": \"at most 30 days\"", dod);
    assert_ptr_equal(x.r->profile, dod);
    assert_string_equal(x.r->odp_effective[i1], "at most 90 days");
    assert_int_equal(x.r->nconflicts, 1);
    assert_int_equal(x.r->conflicts[0].odp, i1);
    assert_string_equal(x.r->conflicts[0].given, "at most 30 days");
    assert_string_equal(x.r->conflicts[0].fixed, "at most 90 days");
    int w = warning_with(x.r, "A.03.01.01.ODP.01", "at most 30 days");
    assert_true(w >= 0);
    assert_non_null(strstr(x.r->warnings[w], "at most 90 days"));
    /* values the assessment leaves out come from the profile */
    assert_string_equal(x.r->odp_effective[i2], "24 hours");
    for (size_t i = 0; i < r3->nodps; i++)
        assert_non_null(x.r->odp_effective[i]);
    /* rendering with the result's values */
    assert_string_equal(mm_result_odp_lookup(x.r, "A.03.01.01.ODP.01"), "at most 90 days");
    assert_null(mm_result_odp_lookup(x.r, "A.03.01.01.ODP.99"));
    char *s = mm_catalog_render(r3, mm_catalog_objective(r3, "A.03.01.01.f.02")->text,
                                mm_result_odp_lookup, x.r, "<", ">");
    assert_non_null(strstr(s, "inactive for <at most 90 days>"));
    free(s);
    run_free(&x);

    /* no profile: the assessment's value, no conflict */
    x = eval_odps("\"A.03.01.01.ODP.01\": \"at most 30 days\"", NULL);
    assert_string_equal(x.r->odp_effective[i1], "at most 30 days");
    assert_null(x.r->odp_effective[i2]);
    assert_int_equal(x.r->nconflicts, 0);
    assert_int_equal(x.r->nwarnings, 0);
    run_free(&x);
}

static void test_odp_not_fixed(void **state)
{
    (void)state;
    /* the DoD profile's guidance entries are overridden by the assessment */
    size_t g = odp_index("A.03.01.20.ODP.01");
    assert_false(dod->values[g].fixed);
    run x = eval_odps("\"A.03.01.20.ODP.01\": \"our terms\"", dod);
    assert_string_equal(x.r->odp_effective[g], "our terms");
    assert_int_equal(x.r->nconflicts, 0);
    assert_int_equal(x.r->nwarnings, 0);
    run_free(&x);

    /* "fixed": false in a profile */
    const char *pj = "{\"values\": {\"A.03.01.01.ODP.01\": {\"value\": \"60 days\", "
                     "\"fixed\": false}, \"A.03.01.01.ODP.02\": \"8 hours\"}}";
    mm_profile *p = NULL;
    assert_int_equal(mm_profile_parse(&p, r3, pj, strlen(pj), "p.json"), MM_OK);
    size_t i1 = odp_index("A.03.01.01.ODP.01"), i2 = odp_index("A.03.01.01.ODP.02");
    x = eval_odps("\"A.03.01.01.ODP.01\": \"30 days\"", p);
    assert_string_equal(x.r->odp_effective[i1], "30 days");
    assert_string_equal(x.r->odp_effective[i2], "8 hours");
    assert_int_equal(x.r->nconflicts, 0);
    run_free(&x);
    x = eval_odps("", p);
    assert_string_equal(x.r->odp_effective[i1], "60 days"); /* not given: the profile's */
    run_free(&x);
    mm_profile_free(p);
}

static void test_odp_same_value(void **state)
{
    (void)state;
    size_t i1 = odp_index("A.03.01.01.ODP.01");
    /* case, runs of white space, tabs, trailing space: the same value */
    const char *same[] = {"\"At Most 90 Days\"", "\"at  most\\t90   days\"",
                          "\"at most 90 days  \"", "\"AT MOST 90 DAYS\\n\""};
    for (size_t k = 0; k < sizeof(same) / sizeof(same[0]); k++) {
        char o[256];
        snprintf(o, sizeof(o), "\"A.03.01.01.ODP.01\": %s", same[k]);
        run x = eval_odps(o, dod);
        if (x.r->nconflicts != 0)
            fail_msg("%s reported as a conflict with \"at most 90 days\"", same[k]);
        assert_int_equal(x.r->nwarnings, 0);
        assert_string_equal(x.r->odp_effective[i1], "at most 90 days");
        run_free(&x);
    }
    /* different words are a conflict */
    const char *diff[] = {"\"at most 91 days\"", "\"at most 90\"", "\"atmost 90 days\""};
    for (size_t k = 0; k < sizeof(diff) / sizeof(diff[0]); k++) {
        char o[256];
        snprintf(o, sizeof(o), "\"A.03.01.01.ODP.01\": %s", diff[k]);
        run x = eval_odps(o, dod);
        if (x.r->nconflicts != 1)
            fail_msg("%s not reported as a conflict", diff[k]);
        run_free(&x);
    }
}

/* White space differences are not conflicts, leading white space included
 * ("  at most 90 days" vs "at most 90 days"). */
static void test_odp_leading_whitespace(void **state)
{
    (void)state;
    const char *same[] = {"\" at most 90 days\"", "\"\\tat most 90 days\"",
                          "\"  At most 90 days\""};
    for (size_t k = 0; k < sizeof(same) / sizeof(same[0]); k++) {
        char o[256];
        snprintf(o, sizeof(o), "\"A.03.01.01.ODP.01\": %s", same[k]);
        run x = eval_odps(o, dod);
        size_t n = x.r->nconflicts;
        run_free(&x);
        if (n != 0)
            fail_msg("%s reported as a conflict with \"at most 90 days\"", same[k]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_met),
        cmocka_unit_test(test_all_not_met),
        cmocka_unit_test(test_each_deduction),
        cmocka_unit_test(test_partial_credit),
        cmocka_unit_test(test_not_applicable),
        cmocka_unit_test(test_not_assessed),
        cmocka_unit_test(test_poam_never_restores),
        cmocka_unit_test(test_plans_of_action_rule),
        cmocka_unit_test(test_plans_of_action_r3),
        cmocka_unit_test(test_cmmc_level1),
        cmocka_unit_test(test_ssp_required),
        cmocka_unit_test(test_roll_up),
        cmocka_unit_test(test_cmmc_min_score),
        cmocka_unit_test(test_cmmc_point_values),
        cmocka_unit_test(test_cmmc_never_on_poam),
        cmocka_unit_test(test_cmmc_needs_poam_item),
        cmocka_unit_test(test_cmmc_closeout_180_days),
        cmocka_unit_test(test_cmmc_expiry),
        cmocka_unit_test(test_sprs_record),
        cmocka_unit_test(test_sources_recorded),
        cmocka_unit_test(test_r3_counts),
        cmocka_unit_test(test_gap_order),
        cmocka_unit_test(test_odp_fixed_wins),
        cmocka_unit_test(test_odp_not_fixed),
        cmocka_unit_test(test_odp_same_value),
        cmocka_unit_test(test_odp_leading_whitespace),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
