/* Unit tests for src/assess/parse.c and template.c: the assessment file, full and short
 * form, and every error naming the file and the place in it. */
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

static mm_catalog *r3, *r2;

#define NAME "a.json"

static int group_setup(void **state)
{
    (void)state;
    if (mm_catalog_load(&r3, MM_FW_R3, NULL) != MM_OK)
        return -1;
    if (mm_catalog_load(&r2, MM_FW_R2, NULL) != MM_OK)
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

static mm_assessment *parse_ok(const mm_catalog *cat, const char *json)
{
    mm_assessment *a = NULL;
    int rc = mm_assessment_parse(&a, cat, json, strlen(json), NAME);
    if (rc != MM_OK)
        fail_msg("parse failed (%d): %s", rc, mm_error_last());
    assert_non_null(a);
    return a;
}

/* Parsing json fails with rc; the message names the file and holds each of where/what. */
static void parse_err(const mm_catalog *cat, const char *json, size_t len, int rc,
                      const char *where, const char *what)
{
    mm_assessment *a = (mm_assessment *)1;
    mm_error_clear();
    int got = mm_assessment_parse(&a, cat, json, len, NAME);
    const char *msg = mm_error_last();
    if (got != rc)
        fail_msg("expected %d, got %d (%s) for %s", rc, got, msg, json);
    assert_null(a);
    if (strncmp(msg, NAME ":", strlen(NAME ":")) != 0)
        fail_msg("message does not start with the file name: %s", msg);
    if (where && !strstr(msg, where))
        fail_msg("message does not name \"%s\": %s", where, msg);
    if (what && !strstr(msg, what))
        fail_msg("message does not say \"%s\": %s", what, msg);
}

static void err(const mm_catalog *cat, const char *json, int rc, const char *where,
                const char *what)
{
    parse_err(cat, json, strlen(json), rc, where, what);
}

static const mm_requirement_answer *ranswer(const mm_assessment *a, const char *id)
{
    const mm_requirement *r = mm_catalog_requirement(a->catalog, id);
    assert_non_null(r);
    return &a->requirements[mm_catalog_requirement_index(a->catalog, r)];
}

static const mm_answer *oanswer(const mm_assessment *a, const char *id)
{
    const mm_objective *o = mm_catalog_objective(a->catalog, id);
    if (!o)
        fail_msg("no objective %s", id);
    return &a->answers[o - a->catalog->objectives];
}

/* Every objective of requirement id has determination d (and from_requirement fr). */
static void all_objectives(const mm_assessment *a, const char *id, mm_determination d, bool fr)
{
    const mm_requirement *r = mm_catalog_requirement(a->catalog, id);
    assert_non_null(r);
    assert_true(r->nobjectives > 0);
    for (size_t j = 0; j < r->nobjectives; j++) {
        const mm_answer *ans = &a->answers[&r->objectives[j] - a->catalog->objectives];
        if (ans->determination != d || ans->from_requirement != fr)
            fail_msg("%s: %s, from_requirement %d; expected %s, %d", r->objectives[j].id,
                     mm_determination_name(ans->determination), ans->from_requirement,
                     mm_determination_name(d), fr);
    }
}

/* ---- short and full forms ------------------------------------------------------------------ */

static void test_short_form(void **state)
{
    (void)state;
    mm_assessment *a = parse_ok(r2, "{\"framework\": \"800-171r2\", \"requirements\": "
                                    "{\"3.1.1\": \"met\", \"3.5.3\": \"partial\", "
                                    "\"3.1.16\": \"not-applicable\"}}");
    assert_int_equal(a->framework, MM_FW_R2);
    assert_ptr_equal(a->catalog, r2);
    assert_string_equal(a->source, NAME);
    assert_int_equal(ranswer(a, "3.1.1")->status, MM_STATUS_MET);
    assert_int_equal(ranswer(a, "3.5.3")->status, MM_STATUS_PARTIAL);
    assert_int_equal(ranswer(a, "3.1.16")->status, MM_STATUS_NOT_APPLICABLE);
    assert_int_equal(ranswer(a, "3.1.2")->status, MM_STATUS_NOT_ASSESSED);
    /* the requirement-level status applies to every objective */
    all_objectives(a, "3.1.1", MM_DET_SATISFIED, true);
    all_objectives(a, "3.5.3", MM_DET_OTHER_THAN_SATISFIED, true);
    all_objectives(a, "3.1.16", MM_DET_NOT_APPLICABLE, true);
    all_objectives(a, "3.1.2", MM_DET_NOT_ASSESSED, false);
    size_t determined = 0;
    for (size_t i = 0; i < r2->nobjectives; i++)
        determined += a->answers[i].determination != MM_DET_NOT_ASSESSED;
    assert_int_equal(determined, 6 + 4 + 2); /* 3.1.1[a-f], 3.5.3[a-d], 3.1.16[a-b] */
    assert_int_equal(a->npoam, 0);
    assert_null(a->assessed);
    mm_assessment_free(a);
    mm_assessment_free(NULL);

    a = parse_ok(r2, "{\"framework\": \"800-171r2\"}");
    for (size_t i = 0; i < r2->nobjectives; i++)
        assert_int_equal(a->answers[i].determination, MM_DET_NOT_ASSESSED);
    mm_assessment_free(a);
    /* the framework's other spellings */
    a = parse_ok(r3, "{\"framework\": \"r3\", \"requirements\": {\"03.01.01\": \"not-met\"}}");
    all_objectives(a, "03.01.01", MM_DET_OTHER_THAN_SATISFIED, true);
    mm_assessment_free(a);
}

static void test_objective_determinations(void **state)
{
    (void)state;
    mm_assessment *a = parse_ok(
        r2, "{\"framework\": \"800-171r2\", \"requirements\": {"
            "\"3.1.1\": {\"status\": \"met\", \"implementation\": \"FreeIPA\", "
            "\"responsible\": \"IT\", \"evidence\": [\"ipa.txt\", \"sop.pdf\"], \"objectives\": {"
            "\"3.1.1[b]\": \"other-than-satisfied\","
            "\"3.1.1[c]\": {\"determination\": \"not-applicable\", \"justification\": \"none\", "
            "\"evidence\": \"x.png\", \"notes\": \"n\"}}},"
            "\"3.1.2\": {\"objectives\": {\"3.1.2[a]\": \"met\", \"3.1.2[b]\": \"not-met\"}}},"
            "\"objectives\": {\"3.1.3[a]\": \"satisfied\", \"3.1.3[b]\": \"not-assessed\"}}");
    const mm_requirement_answer *ra = ranswer(a, "3.1.1");
    assert_int_equal(ra->status, MM_STATUS_MET);
    assert_string_equal(ra->implementation, "FreeIPA");
    assert_string_equal(ra->responsible, "IT");
    assert_int_equal(ra->nevidence, 2);
    assert_string_equal(ra->evidence[1], "sop.pdf");
    /* objective-level determinations win; the rest take the requirement's status */
    assert_int_equal(oanswer(a, "3.1.1[a]")->determination, MM_DET_SATISFIED);
    assert_true(oanswer(a, "3.1.1[a]")->from_requirement);
    assert_int_equal(oanswer(a, "3.1.1[b]")->determination, MM_DET_OTHER_THAN_SATISFIED);
    assert_false(oanswer(a, "3.1.1[b]")->from_requirement);
    const mm_answer *c = oanswer(a, "3.1.1[c]");
    assert_int_equal(c->determination, MM_DET_NOT_APPLICABLE);
    assert_false(c->from_requirement);
    assert_string_equal(c->justification, "none");
    assert_string_equal(c->notes, "n");
    assert_int_equal(c->nevidence, 1);
    assert_string_equal(c->evidence[0], "x.png");
    assert_int_equal(oanswer(a, "3.1.1[f]")->determination, MM_DET_SATISFIED);
    /* "met"/"not-met" are accepted for objectives */
    assert_int_equal(ranswer(a, "3.1.2")->status, MM_STATUS_NOT_ASSESSED);
    assert_int_equal(oanswer(a, "3.1.2[a]")->determination, MM_DET_SATISFIED);
    assert_int_equal(oanswer(a, "3.1.2[b]")->determination, MM_DET_OTHER_THAN_SATISFIED);
    /* top-level objectives */
    assert_int_equal(oanswer(a, "3.1.3[a]")->determination, MM_DET_SATISFIED);
    assert_int_equal(oanswer(a, "3.1.3[b]")->determination, MM_DET_NOT_ASSESSED);
    assert_int_equal(oanswer(a, "3.1.3[c]")->determination, MM_DET_NOT_ASSESSED);
    mm_assessment_free(a);

    /* Rev 3, with the 800-171A spelling of an objective id */
    a = parse_ok(r3, "{\"framework\": \"800-171r3\", \"requirements\": {\"03.01.01\": "
                     "{\"status\": \"not-applicable\", \"justification\": \"no accounts\", "
                     "\"objectives\": {\"A.03.01.01.a[01]\": \"satisfied\"}}},"
                     "\"objectives\": {\"A.03.01.02.01\": \"other-than-satisfied\"}}");
    assert_int_equal(oanswer(a, "A.03.01.01.a.01")->determination, MM_DET_SATISFIED);
    const mm_answer *na = oanswer(a, "A.03.01.01.a.02");
    assert_int_equal(na->determination, MM_DET_NOT_APPLICABLE);
    assert_string_equal(na->justification, "no accounts"); /* from the requirement */
    assert_int_equal(oanswer(a, "A.03.01.02.01")->determination, MM_DET_OTHER_THAN_SATISFIED);
    mm_assessment_free(a);
}

static void test_full_form(void **state)
{
    (void)state;
    mm_assessment *a = parse_ok(
        r3,
        "{\"framework\": \"800-171r3\", \"_comment\": \"ignored\","
        "\"organization\": {\"name\": \"Hokuto\", \"identifiers\": ["
        "{\"scheme\": \"CAGE\", \"value\": \"SJ4K7\"}, {\"scheme\": \"UEI\", \"value\": \"\"}]},"
        "\"system\": {\"name\": \"Enclave\", \"description\": \"d\", \"boundary\": \"VLAN 40\"},"
        "\"scope\": \"contract\", \"contract\": \"W912-1\","
        "\"dates\": {\"assessed\": \"2026-11-02\", \"valid_until\": \"2029-11-02\"},"
        "\"assessor\": \"Sato\", \"affirming_official\": \"Tanaka\","
        "\"odp\": {\"A.03.01.01.ODP.01\": \"30 days\", \"A.03.01.01.ODP.02\": null},"
        "\"requirements\": {\"03.01.01\": {\"status\": \"not-met\", \"title\": \"ignored\","
        "\"statement\": \"ignored\", \"notes\": \"\"}},"
        "\"poam\": [{\"id\": \"P-1\", \"weakness\": \"w\", \"requirement\": "
        "\"SP_800_171_03.01.01\", \"responsible\": \"IT\", \"detected\": \"2026-10-01\", "
        "\"scheduled_completion\": \"2027-01-31\", \"remediation\": \"r\", "
        "\"resources\": \"$\", \"milestones\": [{\"description\": \"m1\", \"due\": "
        "\"2026-12-01\"}, {\"description\": \"m2\", \"due\": \"2026-11-01\", "
        "\"completed\": \"2026-11-01\"}]},"
        "{\"weakness\": \"w2\", \"requirement\": \"03.01.02\", \"status\": \"closed\"}]}");
    assert_string_equal(a->org_name, "Hokuto");
    assert_int_equal(a->norg_ids, 1); /* a blank identifier is skipped */
    assert_string_equal(a->org_ids[0].scheme, "CAGE");
    assert_string_equal(a->org_ids[0].value, "SJ4K7");
    assert_string_equal(a->system_name, "Enclave");
    assert_string_equal(a->system_description, "d");
    assert_string_equal(a->boundary, "VLAN 40");
    assert_string_equal(a->scope, "contract");
    assert_string_equal(a->contract, "W912-1");
    assert_string_equal(a->assessed, "2026-11-02");
    assert_string_equal(a->valid_until, "2029-11-02");
    assert_string_equal(a->assessor, "Sato");
    assert_string_equal(a->affirming_official, "Tanaka");
    assert_string_equal(a->odp_values[0], "30 days");
    assert_null(a->odp_values[1]);
    assert_null(ranswer(a, "03.01.01")->notes); /* "" is the same as none */
    assert_int_equal(a->npoam, 2);
    const mm_poam_item *p = &a->poam[0];
    assert_string_equal(p->id, "P-1");
    assert_string_equal(p->requirement, "03.01.01"); /* normalised to the catalog's id */
    assert_int_equal(p->requirement_index, 0);
    assert_string_equal(p->status, "open"); /* the default */
    assert_string_equal(p->detected, "2026-10-01");
    assert_string_equal(p->scheduled_completion, "2027-01-31");
    assert_int_equal(p->nmilestones, 2);
    assert_string_equal(p->milestones[0].status, "planned");
    assert_string_equal(p->milestones[1].status, "completed");
    assert_string_equal(p->milestones[1].completed, "2026-11-01");
    assert_string_equal(a->poam[1].id, "POAM-2"); /* numbered when not given */
    assert_string_equal(a->poam[1].status, "closed");
    assert_int_equal(a->poam[1].requirement_index, 1);
    mm_assessment_free(a);

    /* organization and system as plain strings; identifiers as an object */
    a = parse_ok(r2, "{\"framework\": \"800-171r2\", \"organization\": \"Org\", "
                     "\"system\": \"Sys\"}");
    assert_string_equal(a->org_name, "Org");
    assert_string_equal(a->system_name, "Sys");
    mm_assessment_free(a);
    a = parse_ok(r2, "{\"framework\": \"800-171r2\", \"organization\": {\"identifiers\": "
                     "{\"CAGE\": \"1ABC2\", \"UEI\": \"U1\"}}}");
    assert_int_equal(a->norg_ids, 2);
    assert_string_equal(a->org_ids[1].scheme, "UEI");
    mm_assessment_free(a);

    mm_framework fw = MM_FW_R3;
    const char *j = "{\"framework\": \"800-171r2\", \"requirements\": {\"bogus\": 1}}";
    assert_int_equal(mm_assessment_framework(&fw, j, strlen(j), NAME), MM_OK);
    assert_int_equal(fw, MM_FW_R2);
}

/* ---- errors ---------------------------------------------------------------------------- */

static void test_malformed(void **state)
{
    (void)state;
    /* syntax errors give LINE:COL */
    err(r2, "{\"framework\": \"800-171r2\",\n \"requirements\": {\"3.1.1\": met}}", MM_EPARSE,
        NAME ":2:", "invalid JSON");
    err(r2, "{\"framework\": \"800-171r2\",\n\n  \"requirements\": {\"3.1.1\": \"met\",}}",
        MM_EPARSE, NAME ":3:", NULL);
    /* truncated */
    err(r2, "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": \"me", MM_EPARSE,
        NAME ":1:", NULL);
    err(r2, "{\"framework\": \"800-171r2\"", MM_EPARSE, NAME ":1:", NULL);
    err(r2, "", MM_EPARSE, NAME, NULL);
    /* not UTF-8 */
    err(r2, "{\"framework\": \"800-171r2\", \"system\": \"caf\xe9\"}", MM_EPARSE, NAME ":1:", NULL);
    err(r2, "{\"framework\": \"800-171r2\",\n \"assessor\": \"\xff\xfe\"}", MM_EPARSE,
        NAME ":2:", NULL);
    /* an embedded NUL byte */
    static const char nul[] = "{\"framework\": \"800-171r2\", \"assessor\": \"a\0b\"}";
    parse_err(r2, nul, sizeof(nul) - 1, MM_EPARSE, NAME, NULL);
    /* duplicate keys, at any depth */
    err(r2, "{\"framework\": \"800-171r2\", \"framework\": \"800-171r2\"}", MM_EPARSE,
        NAME ":1:", "duplicate");
    err(r2,
        "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": \"met\",\n"
        "\"3.1.1\": \"not-met\"}}",
        MM_EPARSE, NAME ":2:", "duplicate");
    /* not an object */
    err(r2, "[\"800-171r2\"]", MM_EINVALID, "$", "expected a JSON object");
}

static void test_framework_errors(void **state)
{
    (void)state;
    err(r2, "{\"requirements\": {}}", MM_EINVALID, "$.framework", "missing");
    err(r2, "{\"framework\": 2}", MM_EINVALID, "$.framework", "must be a string");
    err(r2, "{\"framework\": \"800-171r1\"}", MM_EINVALID, "$.framework", "800-171r1");
    /* the file's framework is not the catalog's */
    err(r2, "{\"framework\": \"800-171r3\"}", MM_EINVALID, "$.framework", "800-171r3");
    err(r3, "{\"framework\": \"800-171r2\"}", MM_EINVALID, "$.framework", "800-171r2");
    /* ids of the other revision */
    err(r2, "{\"framework\": \"800-171r2\", \"requirements\": {\"03.01.01\": \"met\"}}",
        MM_EINVALID, "$.requirements[\"03.01.01\"]", "Rev 3 id");
    err(r3, "{\"framework\": \"800-171r3\", \"requirements\": {\"3.1.1\": \"met\"}}", MM_EINVALID,
        "$.requirements[\"3.1.1\"]", "Rev 2 id");
    err(r2, "{\"framework\": \"800-171r2\", \"objectives\": {\"A.03.01.01.a.01\": \"met\"}}",
        MM_EINVALID, "$.objectives[\"A.03.01.01.a.01\"]", "Rev 3 objective");
    err(r3, "{\"framework\": \"800-171r3\", \"objectives\": {\"3.1.1[a]\": \"met\"}}", MM_EINVALID,
        "$.objectives[\"3.1.1[a]\"]", "Rev 2 objective");
    err(r2, "{\"framework\": \"800-171r2\", \"odp\": {\"A.03.01.01.ODP.01\": \"x\"}}", MM_EINVALID,
        "$.odp", "Rev 2 has no");
}

static void test_unknown_ids(void **state)
{
    (void)state;
    err(r2, "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.23\": \"met\"}}", MM_EINVALID,
        "$.requirements[\"3.1.23\"]", "unknown requirement \"3.1.23\"");
    err(r3, "{\"framework\": \"800-171r3\", \"requirements\": {\"03.18.01\": \"met\"}}",
        MM_EINVALID, "$.requirements[\"03.18.01\"]", "unknown requirement");
    err(r2, "{\"framework\": \"800-171r2\", \"objectives\": {\"3.1.1[z]\": \"met\"}}", MM_EINVALID,
        "$.objectives[\"3.1.1[z]\"]", "unknown objective \"3.1.1[z]\"");
    err(r2,
        "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": {\"objectives\": "
        "{\"3.1.1[z]\": \"met\"}}}}",
        MM_EINVALID, "$.requirements[\"3.1.1\"].objectives[\"3.1.1[z]\"]", "unknown objective");
    err(r3, "{\"framework\": \"800-171r3\", \"odp\": {\"A.03.01.01.ODP.09\": \"x\"}}", MM_EINVALID,
        "$.odp[\"A.03.01.01.ODP.09\"]", "unknown ODP");
    /* an objective nested under the wrong requirement */
    err(r2,
        "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": {\"objectives\": "
        "{\"3.1.2[a]\": \"met\"}}}}",
        MM_EINVALID, "$.requirements[\"3.1.1\"].objectives[\"3.1.2[a]\"]",
        "belongs to 3.1.2, not 3.1.1");
    err(r3,
        "{\"framework\": \"800-171r3\", \"requirements\": {\"03.01.02\": {\"objectives\": "
        "{\"A.03.01.01.a.01\": \"satisfied\"}}}}",
        MM_EINVALID, "$.requirements[\"03.01.02\"].objectives[\"A.03.01.01.a.01\"]",
        "belongs to 03.01.01");
    /* a withdrawn requirement answered */
    err(r3, "{\"framework\": \"800-171r3\", \"requirements\": {\"03.01.13\": \"met\"}}",
        MM_EINVALID, "$.requirements[\"03.01.13\"]", "withdrawn");
    err(r3, "{\"framework\": \"800-171r3\", \"requirements\": {\"03.01.13\": \"met\"}}",
        MM_EINVALID, NULL, "03.13.08");
    err(r3, "{\"framework\": \"800-171r3\", \"requirements\": {\"03.05.06\": \"not-met\"}}",
        MM_EINVALID, "$.requirements[\"03.05.06\"]", "withdrawn");
    /* an unknown member */
    err(r2, "{\"framework\": \"800-171r2\", \"requirement\": {}}", MM_EINVALID,
        "$:", "unknown member \"requirement\"");
    err(r2, "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": {\"stauts\": \"met\"}}}",
        MM_EINVALID, "$.requirements[\"3.1.1\"]", "unknown member \"stauts\"");
    err(r2, "{\"framework\": \"800-171r2\", \"dates\": {\"assesed\": \"2026-01-01\"}}", MM_EINVALID,
        "$.dates", "unknown member \"assesed\"");
}

static void test_status_errors(void **state)
{
    (void)state;
    /* partial: only 3.5.3 and 3.13.11 of Rev 2 */
    mm_assessment *a =
        parse_ok(r2, "{\"framework\": \"800-171r2\", \"requirements\": {\"3.13.11\": "
                     "{\"status\": \"partial\", \"justification\": \"not FIPS-validated\"}}}");
    assert_int_equal(ranswer(a, "3.13.11")->status, MM_STATUS_PARTIAL);
    assert_string_equal(ranswer(a, "3.13.11")->justification, "not FIPS-validated");
    mm_assessment_free(a);
    const char *not_partial[] = {"3.1.1", "3.1.5", "3.1.3", "3.5.2", "3.13.8", "3.12.4"};
    for (size_t i = 0; i < 6; i++) {
        char json[256], where[64];
        snprintf(json, sizeof(json),
                 "{\"framework\": \"800-171r2\", \"requirements\": {\"%s\": \"partial\"}}",
                 not_partial[i]);
        snprintf(where, sizeof(where), "$.requirements[\"%s\"]", not_partial[i]);
        err(r2, json, MM_EINVALID, where, "\"partial\" is not allowed");
    }
    err(r2,
        "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": {\"status\": "
        "\"partial\"}}}",
        MM_EINVALID, "$.requirements[\"3.1.1\"]", "\"partial\" is not allowed for 3.1.1");
    /* no Rev 3 requirement takes partial, not even 03.05.03 and 03.13.11 */
    for (size_t i = 0; i < r3->nrequirements; i++) {
        const mm_requirement *r = &r3->requirements[i];
        if (r->withdrawn)
            continue;
        char json[256], where[64];
        snprintf(json, sizeof(json),
                 "{\"framework\": \"800-171r3\", \"requirements\": {\"%s\": \"partial\"}}", r->id);
        snprintf(where, sizeof(where), "$.requirements[\"%s\"]", r->id);
        err(r3, json, MM_EINVALID, where, "\"partial\" is not allowed");
    }
    /* unknown status and determination */
    err(r2, "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": \"done\"}}", MM_EINVALID,
        "$.requirements[\"3.1.1\"]", "unknown status \"done\"");
    err(r2, "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": \"Met\"}}", MM_EINVALID,
        "$.requirements[\"3.1.1\"]", "unknown status");
    err(r2, "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": \"\"}}", MM_EINVALID,
        "$.requirements[\"3.1.1\"]", "unknown status");
    err(r2, "{\"framework\": \"800-171r2\", \"objectives\": {\"3.1.1[a]\": \"partial\"}}",
        MM_EINVALID, "$.objectives[\"3.1.1[a]\"]", "unknown determination \"partial\"");
    err(r2,
        "{\"framework\": \"800-171r2\", \"objectives\": {\"3.1.1[a]\": {\"determination\": "
        "\"yes\"}}}",
        MM_EINVALID, "$.objectives[\"3.1.1[a]\"]", "unknown determination \"yes\"");
}

static void test_type_errors(void **state)
{
    (void)state;
    err(r2, "{\"framework\": \"800-171r2\", \"requirements\": [\"3.1.1\"]}", MM_EINVALID,
        "$.requirements", "found an array");
    err(r2, "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": true}}", MM_EINVALID,
        "$.requirements[\"3.1.1\"]", "found a boolean");
    err(r2, "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": {\"status\": 1}}}",
        MM_EINVALID, "$.requirements[\"3.1.1\"]", "\"status\" must be a string, found a number");
    err(r2, "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": {\"evidence\": [1]}}}",
        MM_EINVALID, "$.requirements[\"3.1.1\"].evidence", "expected a string, found a number");
    err(r2,
        "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.1\": {\"objectives\": "
        "[]}}}",
        MM_EINVALID, "$.requirements[\"3.1.1\"].objectives", "found an array");
    err(r2, "{\"framework\": \"800-171r2\", \"objectives\": {\"3.1.1[a]\": 3}}", MM_EINVALID,
        "$.objectives[\"3.1.1[a]\"]", "found a number");
    err(r2, "{\"framework\": \"800-171r2\", \"organization\": 5}", MM_EINVALID, "$.organization",
        "found a number");
    err(r2, "{\"framework\": \"800-171r2\", \"system\": [1]}", MM_EINVALID, "$.system",
        "found an array");
    err(r2, "{\"framework\": \"800-171r2\", \"dates\": \"2026-01-01\"}", MM_EINVALID, "$.dates",
        "found a string");
    err(r2, "{\"framework\": \"800-171r2\", \"dates\": {\"assessed\": \"2026-02-29\"}}",
        MM_EINVALID, "$.dates", "\"assessed\" must be a date");
    err(r2, "{\"framework\": \"800-171r2\", \"dates\": {\"assessed\": \"02/01/2026\"}}",
        MM_EINVALID, "$.dates", "\"assessed\" must be a date");
    err(r2, "{\"framework\": \"800-171r2\", \"scope\": \"galaxy\"}", MM_EINVALID, "$.scope",
        "galaxy");
    err(r2, "{\"framework\": \"800-171r2\", \"assessor\": {}}", MM_EINVALID, "$",
        "\"assessor\" must be a string, found an object");
    err(r3, "{\"framework\": \"800-171r3\", \"odp\": {\"A.03.01.01.ODP.01\": 90}}", MM_EINVALID,
        "$.odp[\"A.03.01.01.ODP.01\"]", "expected a string, found a number");
    err(r3, "{\"framework\": \"800-171r3\", \"odp\": []}", MM_EINVALID, "$.odp", "found an array");
    err(r2,
        "{\"framework\": \"800-171r2\", \"organization\": {\"identifiers\": [{\"value\": "
        "\"X\"}]}}",
        MM_EINVALID, "$.organization.identifiers[0]", "\"scheme\"");
}

/* dates.posted (the CMMC status date) and ssp (the SPRS record's inputs) */
static void test_posted_and_ssp(void **state)
{
    (void)state;
    mm_assessment *a = parse_ok(
        r2, "{\"framework\": \"800-171r2\", \"dates\": {\"assessed\": \"2026-11-02\", "
            "\"posted\": \"2026-11-05\"}, \"ssp\": {\"name\": \"Plan\", \"version\": \"1.0\", "
            "\"date\": \"2026-10-01\", \"cage_codes\": [\"1ABC2\", \"3DEF4\"]}}");
    assert_string_equal(a->posted, "2026-11-05");
    assert_string_equal(a->ssp_name, "Plan");
    assert_string_equal(a->ssp_version, "1.0");
    assert_string_equal(a->ssp_date, "2026-10-01");
    assert_int_equal(a->ncage_codes, 2);
    assert_string_equal(a->cage_codes[1], "3DEF4");
    mm_assessment_free(a);
    /* one CAGE code as a string; null and "" mean none */
    a = parse_ok(r2, "{\"framework\": \"800-171r2\", \"ssp\": {\"name\": \"\", \"version\": "
                     "null, \"cage_codes\": \"1ABC2\"}}");
    assert_null(a->ssp_name);
    assert_null(a->ssp_version);
    assert_null(a->posted);
    assert_int_equal(a->ncage_codes, 1);
    mm_assessment_free(a);
    a = parse_ok(r2, "{\"framework\": \"800-171r2\", \"ssp\": null}");
    assert_null(a->ssp_name);
    mm_assessment_free(a);

    err(r2, "{\"framework\": \"800-171r2\", \"dates\": {\"posted\": \"2026-02-30\"}}", MM_EINVALID,
        "$.dates", "\"posted\" must be a date");
    err(r2, "{\"framework\": \"800-171r2\", \"ssp\": \"plan\"}", MM_EINVALID, "$.ssp",
        "found a string");
    err(r2, "{\"framework\": \"800-171r2\", \"ssp\": {\"date\": \"yesterday\"}}", MM_EINVALID,
        "$.ssp", "\"date\" must be a date");
    err(r2, "{\"framework\": \"800-171r2\", \"ssp\": {\"version\": 2}}", MM_EINVALID, "$.ssp",
        "\"version\" must be a string, found a number");
    err(r2, "{\"framework\": \"800-171r2\", \"ssp\": {\"cage_codes\": [7]}}", MM_EINVALID,
        "$.ssp.cage_codes", "expected a string, found a number");
    err(r2, "{\"framework\": \"800-171r2\", \"ssp\": {\"cage\": \"1ABC2\"}}", MM_EINVALID, "$.ssp",
        "cage");
}

static void test_poam_errors(void **state)
{
    (void)state;
    err(r2, "{\"framework\": \"800-171r2\", \"poam\": {}}", MM_EINVALID, "$.poam",
        "found an object");
    err(r2, "{\"framework\": \"800-171r2\", \"poam\": [\"3.1.1\"]}", MM_EINVALID, "$.poam[0]",
        "found a string");
    err(r2,
        "{\"framework\": \"800-171r2\", \"poam\": [{\"weakness\": \"w\", \"requirement\": "
        "\"3.1.1\"}, {\"weakness\": \"w\", \"requirement\": \"3.1.99\"}]}",
        MM_EINVALID, "$.poam[1]", "unknown requirement \"3.1.99\"");
    err(r2,
        "{\"framework\": \"800-171r2\", \"poam\": [{\"weakness\": \"w\", \"requirement\": "
        "\"03.01.01\"}]}",
        MM_EINVALID, "$.poam[0]", "Rev 3 id");
    err(r3,
        "{\"framework\": \"800-171r3\", \"poam\": [{\"weakness\": \"w\", \"requirement\": "
        "\"03.01.13\"}]}",
        MM_EINVALID, "$.poam[0]", "withdrawn");
    err(r2, "{\"framework\": \"800-171r2\", \"poam\": [{\"weakness\": \"w\"}]}", MM_EINVALID,
        "$.poam[0]", "\"requirement\" is required");
    err(r2, "{\"framework\": \"800-171r2\", \"poam\": [{\"requirement\": \"3.1.1\"}]}", MM_EINVALID,
        "$.poam[0]", "\"weakness\" is required");
    err(r2,
        "{\"framework\": \"800-171r2\", \"poam\": [{\"weakness\": \"w\", \"requirement\": "
        "\"3.1.1\", \"status\": \"done\"}]}",
        MM_EINVALID, "$.poam[0]", "\"status\" must be open, closed or risk-accepted");
    err(r2,
        "{\"framework\": \"800-171r2\", \"poam\": [{\"weakness\": \"w\", \"requirement\": "
        "\"3.1.1\", \"scheduled_completion\": \"2027-13-01\"}]}",
        MM_EINVALID, "$.poam[0]", "\"scheduled_completion\" must be a date");
    /* milestones */
    err(r2,
        "{\"framework\": \"800-171r2\", \"poam\": [{\"weakness\": \"w\", \"requirement\": "
        "\"3.1.1\", \"milestones\": [{\"description\": \"m\", \"due\": \"2027-02-30\"}]}]}",
        MM_EINVALID, "$.poam[0].milestones[0]", "\"due\" must be a date");
    err(r2,
        "{\"framework\": \"800-171r2\", \"poam\": [{\"weakness\": \"w\", \"requirement\": "
        "\"3.1.1\", \"milestones\": [{\"description\": \"m\", \"due\": \"2027-01-01\"}, "
        "{\"description\": \"m\", \"due\": \"next week\"}]}]}",
        MM_EINVALID, "$.poam[0].milestones[1]", "\"due\" must be a date");
    err(r2,
        "{\"framework\": \"800-171r2\", \"poam\": [{\"weakness\": \"w\", \"requirement\": "
        "\"3.1.1\", \"milestones\": [{\"description\": \"m\"}]}]}",
        MM_EINVALID, "$.poam[0].milestones[0]", "\"due\"");
    err(r2,
        "{\"framework\": \"800-171r2\", \"poam\": [{\"weakness\": \"w\", \"requirement\": "
        "\"3.1.1\", \"milestones\": [{\"description\": \"m\", \"due\": \"2027-01-01\", "
        "\"status\": \"late\"}]}]}",
        MM_EINVALID, "$.poam[0].milestones[0]", "\"status\" must be planned");
    err(r2,
        "{\"framework\": \"800-171r2\", \"poam\": [{\"weakness\": \"w\", \"requirement\": "
        "\"3.1.1\", \"milestones\": {}}]}",
        MM_EINVALID, "$.poam[0]", "\"milestones\" must be an array");
    err(r2,
        "{\"framework\": \"800-171r2\", \"poam\": [{\"weakness\": \"w\", \"requirement\": "
        "\"3.1.1\", \"owner\": \"x\"}]}",
        MM_EINVALID, "$.poam[0]", "unknown member \"owner\"");
}

/* ---- templates --------------------------------------------------------------------------- */

static void template_round_trip(const mm_catalog *cat, const mm_profile *prof)
{
    char *json = NULL;
    assert_int_equal(mm_assessment_template(&json, cat, prof), MM_OK);
    assert_non_null(json);
    mm_assessment *a = parse_ok(cat, json);
    assert_int_equal(a->framework, cat->framework);
    for (size_t i = 0; i < cat->nobjectives; i++)
        assert_int_equal(a->answers[i].determination, MM_DET_NOT_ASSESSED);
    for (size_t i = 0; i < cat->nrequirements; i++)
        assert_int_equal(a->requirements[i].status, MM_STATUS_NOT_ASSESSED);
    for (size_t i = 0; i < cat->nodps; i++)
        assert_null(a->odp_values[i]);
    assert_int_equal(a->norg_ids, 0);
    assert_null(a->org_name);
    assert_int_equal(a->npoam, 0);
    /* every active requirement and objective is in the template */
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        char key[64];
        snprintf(key, sizeof(key), "\"%s\": {", r->id);
        if (r->withdrawn != (strstr(json, key) == NULL))
            fail_msg("template and %s (withdrawn %d)", r->id, r->withdrawn);
    }
    for (size_t i = 0; i < cat->nobjectives; i++) {
        char key[64];
        snprintf(key, sizeof(key), "\"%s\": {", cat->objectives[i].id);
        if (!strstr(json, key))
            fail_msg("template lacks %s", cat->objectives[i].id);
    }
    assert_null(strstr(json, "{{ insert"));
    mm_assessment_free(a);
    free(json);
}

static void test_template(void **state)
{
    (void)state;
    template_round_trip(r2, NULL);
    template_round_trip(r3, NULL);
    mm_profile *p = NULL;
    assert_int_equal(mm_profile_load(&p, r3, NULL), MM_OK);
    template_round_trip(r3, p);
    char *json = NULL;
    assert_int_equal(mm_assessment_template(&json, r3, p), MM_OK);
    assert_non_null(strstr(json, "at most 90 days")); /* the profile's value in the text */
    free(json);
    mm_profile_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_form),       cmocka_unit_test(test_objective_determinations),
        cmocka_unit_test(test_full_form),        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_framework_errors), cmocka_unit_test(test_unknown_ids),
        cmocka_unit_test(test_status_errors),    cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_poam_errors),      cmocka_unit_test(test_template),
        cmocka_unit_test(test_posted_and_ssp),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
