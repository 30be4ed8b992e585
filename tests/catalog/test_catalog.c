/* Unit tests for src/catalog: Rev 3 and Rev 2 loaded into one model, lookups, rendering,
 * ODP profiles. Each catalog is loaded once for the whole binary. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/catalog.h"
#include "mamori/error.h"

static mm_catalog *r3, *r2;

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
    mm_catalog_free(NULL);
    return 0;
}

static const mm_requirement *req(const mm_catalog *cat, const char *id)
{
    const mm_requirement *r = mm_catalog_requirement(cat, id);
    if (!r)
        fail_msg("requirement %s not found", id);
    return r;
}

static bool has(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

/* ---- Rev 3 ------------------------------------------------------------------------------- */

static void test_r3_counts(void **state)
{
    (void)state;
    assert_int_equal(r3->framework, MM_FW_R3);
    assert_int_equal(r3->nfamilies, 17);
    assert_int_equal(r3->nrequirements, 130);
    assert_int_equal(mm_catalog_active_count(r3), 97);
    size_t withdrawn = 0;
    for (size_t i = 0; i < r3->nrequirements; i++)
        withdrawn += r3->requirements[i].withdrawn;
    assert_int_equal(withdrawn, 33);
    assert_int_equal(r3->nobjectives, 422);
    assert_int_equal(r3->nodps, 88);
    assert_non_null(r3->title);
    /* Rev 3 has no SPRS points */
    for (size_t i = 0; i < r3->nrequirements; i++) {
        assert_int_equal(r3->requirements[i].sprs_points, 0);
        assert_int_equal(r3->requirements[i].sprs_partial, 0);
        assert_false(r3->requirements[i].never_on_poam);
    }
}

static void test_r3_families(void **state)
{
    (void)state;
    static const size_t active[17] = {16, 2, 8, 10, 8, 5, 3, 7, 2, 5, 3, 4, 10, 5, 3, 3, 3};
    size_t next = 0, objectives = 0;
    for (size_t f = 0; f < r3->nfamilies; f++) {
        const mm_family *fam = &r3->families[f];
        char want[8];
        snprintf(want, sizeof(want), "03.%02zu", f + 1);
        assert_string_equal(fam->id, want);
        assert_int_equal(fam->first, next); /* families are contiguous, in order */
        size_t n = 0;
        for (size_t i = fam->first; i < fam->first + fam->count; i++) {
            const mm_requirement *r = &r3->requirements[i];
            assert_int_equal(r->family, f);
            assert_int_equal(strncmp(r->id, fam->id, 5), 0);
            n += !r->withdrawn;
            objectives += r->nobjectives;
            if (r->withdrawn)
                assert_int_equal(r->nobjectives, 0);
            else
                assert_true(r->nobjectives > 0);
        }
        if (n != active[f])
            fail_msg("family %s: %zu active requirements, expected %zu", fam->id, n, active[f]);
        next = fam->first + fam->count;
    }
    assert_int_equal(next, 130);
    assert_int_equal(objectives, 422);
    assert_string_equal(r3->families[0].abbrev, "AC");
    assert_string_equal(r3->families[0].title, "Access Control");
    assert_string_equal(r3->families[4].abbrev, "IA");
    assert_string_equal(r3->families[12].abbrev, "SC");
}

static void test_r3_withdrawn(void **state)
{
    (void)state;
    const mm_requirement *r = req(r3, "03.01.13");
    assert_true(r->withdrawn);
    assert_string_equal(r->withdrawn_relation, "addressed_by");
    assert_int_equal(r->nwithdrawn_to, 1);
    assert_string_equal(r->withdrawn_to[0], "03.13.08");
    r = req(r3, "03.04.09");
    assert_string_equal(r->withdrawn_relation, "addressed_by");
    assert_int_equal(r->nwithdrawn_to, 5);
    assert_string_equal(r->withdrawn_to[4], "03.12.03");
    r = req(r3, "03.14.07");
    assert_string_equal(r->withdrawn_relation, "incorporated_into");
    assert_int_equal(r->nwithdrawn_to, 1);
    assert_string_equal(r->withdrawn_to[0], "03.14.06");
    /* NIST gives no destination for 6 of them (03.05.06 ...: withdrawn outright) */
    size_t with_links = 0;
    for (size_t i = 0; i < r3->nrequirements; i++) {
        r = &r3->requirements[i];
        if (!r->withdrawn) {
            assert_int_equal(r->nwithdrawn_to, 0);
            continue;
        }
        if (!r->withdrawn_relation) {
            assert_int_equal(r->nwithdrawn_to, 0);
            continue;
        }
        with_links++;
        assert_true(r->nwithdrawn_to > 0);
        assert_true(strcmp(r->withdrawn_relation, "addressed_by") == 0 ||
                    strcmp(r->withdrawn_relation, "incorporated_into") == 0);
        for (size_t k = 0; k < r->nwithdrawn_to; k++) {
            const mm_requirement *to = mm_catalog_requirement(r3, r->withdrawn_to[k]);
            if (!to)
                fail_msg("%s withdrawn to unknown %s", r->id, r->withdrawn_to[k]);
        }
        assert_int_equal(r->nodps, 0);
    }
    assert_int_equal(with_links, 27);
    assert_null(req(r3, "03.05.06")->withdrawn_relation);
    assert_true(req(r3, "03.05.06")->withdrawn);
    assert_false(req(r3, "03.01.01")->withdrawn);
    assert_null(req(r3, "03.01.01")->withdrawn_relation);
}

static void test_r3_requirement(void **state)
{
    (void)state;
    const mm_requirement *r = req(r3, "03.01.01");
    assert_string_equal(r->title, "Account Management");
    assert_int_equal(r->family, 0);
    assert_int_equal(mm_catalog_requirement_index(r3, r), 0);
    assert_int_equal(r->nobjectives, 22);
    assert_int_equal(r->nodps, 6);
    assert_string_equal(r->odps[0].id, "A.03.01.01.ODP.01");
    assert_string_equal(r->odps[0].label, "time period");
    assert_string_equal(r->odps[0].usage, "organization-defined time period");
    assert_int_equal(r->odps[0].requirement, 0);
    assert_non_null(r->statement);
    assert_non_null(r->guidance);
    assert_null(strstr(r->guidance, "](#/cprt/")); /* CPRT links stripped */
    /* objectives point back at their requirement */
    for (size_t j = 0; j < r->nobjectives; j++)
        assert_int_equal(r->objectives[j].requirement, 0);
    const mm_objective *o = mm_catalog_objective(r3, "A.03.01.01.f.02");
    assert_non_null(o);
    assert_string_equal(o->part, "03.01.01.f.02");
    assert_string_equal(mm_catalog_objective(r3, "A.03.01.01.b.01")->part, "03.01.01.b");
    assert_non_null(strstr(o->text, "{{ insert: param, A.03.01.01.ODP.01 }}"));

    /* methods: examine, interview, test, each with objects */
    assert_int_equal(r->nmethods, 3);
    const char *want[] = {"examine", "interview", "test"};
    for (size_t k = 0; k < 3; k++) {
        bool found = false;
        for (size_t m = 0; m < r->nmethods; m++) {
            if (strcmp(r->methods[m].method, want[k]) == 0) {
                found = true;
                assert_true(r->methods[m].nobjects > 0);
                for (size_t j = 0; j < r->methods[m].nobjects; j++)
                    assert_true(strlen(r->methods[m].objects[j]) > 0);
            }
        }
        if (!found)
            fail_msg("03.01.01 has no %s method", want[k]);
    }
    /* SP 800-53 Rev 5 sources and Rev 2 sources */
    assert_true(has(r->controls, r->ncontrols, "AC-2"));
    assert_true(has(r->controls, r->ncontrols, "AC-2(3)"));
    assert_int_equal(r->ncontrols, 4);
    assert_true(has(r->related, r->nrelated, "3.1.1"));
    assert_true(has(r->related, r->nrelated, "3.13.3"));
    /* each method is one of the three; NIST's data gives 03.01.22 and 03.14.03 none */
    size_t without = 0, nmethods = 0;
    for (size_t i = 0; i < r3->nrequirements; i++) {
        const mm_requirement *q = &r3->requirements[i];
        if (q->withdrawn) {
            assert_int_equal(q->nmethods, 0);
            continue;
        }
        without += q->nmethods == 0;
        nmethods += q->nmethods;
        for (size_t m = 0; m < q->nmethods; m++)
            assert_true(strcmp(q->methods[m].method, "examine") == 0 ||
                        strcmp(q->methods[m].method, "interview") == 0 ||
                        strcmp(q->methods[m].method, "test") == 0);
    }
    assert_int_equal(without, 2);
    assert_int_equal(req(r3, "03.01.22")->nmethods, 0);
    assert_int_equal(nmethods,
                     91 * 3 + 4 * 2); /* 03.06.03, 03.06.04, 03.12.05, 03.15.01: no test */
}

static void test_r3_odps(void **state)
{
    (void)state;
    size_t total = 0;
    for (size_t i = 0; i < r3->nrequirements; i++) {
        const mm_requirement *r = &r3->requirements[i];
        for (size_t k = 0; k < r->nodps; k++) {
            assert_int_equal(r->odps[k].requirement, i);
            assert_ptr_equal(mm_catalog_odp(r3, r->odps[k].id), &r->odps[k]);
        }
        total += r->nodps;
    }
    assert_int_equal(total, 88);
    const mm_odp *sel = mm_catalog_odp(r3, "A.03.12.05.ODP.01");
    assert_non_null(sel);
    assert_string_equal(sel->how_many, "one-or-more");
    assert_int_equal(sel->nchoices, 7);
    assert_string_equal(sel->choices[0], "interconnection security agreements");
    assert_null(mm_catalog_odp(r3, "A.03.01.01.ODP.07"));
    assert_null(mm_catalog_odp(r2, "A.03.01.01.ODP.01"));
}

static void test_lookups(void **state)
{
    (void)state;
    const mm_requirement *r = mm_catalog_requirement(r3, "03.01.01");
    assert_non_null(r);
    assert_ptr_equal(mm_catalog_requirement(r3, "SP_800_171_03.01.01"), r);
    assert_ptr_equal(r, &r3->requirements[0]);
    assert_null(mm_catalog_requirement(r3, "03.01.99"));
    assert_null(mm_catalog_requirement(r3, "3.1.1"));
    assert_null(mm_catalog_requirement(r3, ""));
    assert_null(mm_catalog_requirement(r3, NULL));

    const mm_objective *o = mm_catalog_objective(r3, "A.03.01.01.a.01");
    assert_non_null(o);
    assert_string_equal(o->id, "A.03.01.01.a.01");
    assert_string_equal(o->text, "system account types allowed are defined.");
    assert_ptr_equal(mm_catalog_objective(r3, "A.03.01.01.a[01]"), o);
    assert_ptr_equal(mm_catalog_objective(r3, "A.03.01.20.c[02]"),
                     mm_catalog_objective(r3, "A.03.01.20.c.02"));
    assert_non_null(mm_catalog_objective(r3, "A.03.01.01.e"));
    assert_null(mm_catalog_objective(r3, "A.03.01.01.a.09"));
    assert_null(mm_catalog_objective(r3, "A.03.01.01.a[09]"));
    assert_null(mm_catalog_objective(r3, "3.1.1[a]"));
    assert_null(mm_catalog_objective(r3, ""));
    assert_null(mm_catalog_objective(r3, NULL));

    r = mm_catalog_requirement(r2, "3.1.1");
    assert_non_null(r);
    assert_ptr_equal(r, &r2->requirements[0]);
    assert_null(mm_catalog_requirement(r2, "03.01.01"));
    assert_null(mm_catalog_requirement(r2, "3.1.23"));
    o = mm_catalog_objective(r2, "3.1.1[a]");
    assert_non_null(o);
    assert_string_equal(o->text, "authorized users are identified.");
    assert_int_equal(o->requirement, 0);
    assert_null(mm_catalog_objective(r2, "3.1.1[g]"));
    assert_null(mm_catalog_objective(r2, "A.03.01.01.a.01"));
}

static void test_framework_parse(void **state)
{
    (void)state;
    mm_framework fw = MM_FW_R2;
    const char *r3names[] = {"800-171r3", "r3", "rev3", "sp800-171r3"};
    const char *r2names[] = {"800-171r2", "r2", "rev2", "sp800-171r2"};
    for (size_t i = 0; i < 4; i++) {
        fw = MM_FW_R2;
        assert_int_equal(mm_framework_parse(&fw, r3names[i]), MM_OK);
        assert_int_equal(fw, MM_FW_R3);
        fw = MM_FW_R3;
        assert_int_equal(mm_framework_parse(&fw, r2names[i]), MM_OK);
        assert_int_equal(fw, MM_FW_R2);
    }
    fw = MM_FW_R3;
    mm_error_clear();
    assert_int_equal(mm_framework_parse(&fw, "800-171r1"), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "800-171r1"));
    assert_int_equal(mm_framework_parse(&fw, "R3"), MM_EINVALID);
    assert_int_equal(mm_framework_parse(&fw, ""), MM_EINVALID);
    assert_int_equal(mm_framework_parse(&fw, NULL), MM_EINVALID);
    assert_int_equal(fw, MM_FW_R3); /* unchanged on failure */
    assert_string_equal(mm_framework_name(MM_FW_R3), "800-171r3");
    assert_string_equal(mm_framework_name(MM_FW_R2), "800-171r2");
}

/* ---- Rev 2 ------------------------------------------------------------------------------- */

static void test_r2_counts(void **state)
{
    (void)state;
    assert_int_equal(r2->framework, MM_FW_R2);
    assert_int_equal(r2->nfamilies, 14);
    assert_int_equal(r2->nrequirements, 110);
    assert_int_equal(mm_catalog_active_count(r2), 110);
    assert_int_equal(r2->nobjectives, 320);
    assert_int_equal(r2->nodps, 0);
    static const size_t per_family[14] = {22, 3, 9, 9, 11, 3, 6, 9, 2, 6, 3, 4, 16, 7};
    size_t next = 0;
    for (size_t f = 0; f < 14; f++) {
        char want[8];
        snprintf(want, sizeof(want), "3.%zu", f + 1);
        assert_string_equal(r2->families[f].id, want);
        assert_int_equal(r2->families[f].first, next);
        assert_int_equal(r2->families[f].count, per_family[f]);
        next += per_family[f];
    }
    assert_string_equal(r2->families[0].abbrev, "AC");
    assert_string_equal(r2->families[11].abbrev, "CA");
    assert_int_equal(r2->sprs_base, 110);
    assert_int_equal(r2->sprs_min, -203);
    assert_true(r2->cmmc_min_ratio > 0.7999 && r2->cmmc_min_ratio < 0.8001);
    assert_int_equal(r2->cmmc_max_poam_points, 1);
    const mm_requirement *r = req(r2, "3.1.1");
    assert_int_equal(r->nobjectives, 6);
    assert_string_equal(r->cmmc_id, "AC.L1-3.1.1");
    assert_true(r->basic);
    assert_true(r->far_52_204_21);
    assert_true(has(r->controls, r->ncontrols, "AC-2"));
    assert_true(has(r->related, r->nrelated, "03.01.01"));
    assert_string_equal(r->related_note, "carried_forward");
}

static void test_r2_points(void **state)
{
    (void)state;
    assert_int_equal(req(r2, "3.1.1")->sprs_points, 5);
    assert_int_equal(req(r2, "3.1.5")->sprs_points, 3);
    assert_int_equal(req(r2, "3.1.3")->sprs_points, 1);
    assert_int_equal(req(r2, "3.12.2")->sprs_points, 3);
    const mm_requirement *ssp = req(r2, "3.12.4");
    assert_true(ssp->sprs_na);
    assert_int_equal(ssp->sprs_points, 0);
    assert_int_equal(req(r2, "3.5.3")->sprs_points, 5);
    assert_int_equal(req(r2, "3.5.3")->sprs_partial, 3);
    assert_non_null(req(r2, "3.5.3")->partial_condition);
    assert_int_equal(req(r2, "3.13.11")->sprs_points, 5);
    assert_int_equal(req(r2, "3.13.11")->sprs_partial, 3);
    int sum = 0, n5 = 0, n3 = 0, n1 = 0, npartial = 0, nna = 0, npoa = 0, natpartial = 0;
    for (size_t i = 0; i < r2->nrequirements; i++) {
        const mm_requirement *r = &r2->requirements[i];
        sum += r->sprs_points;
        n5 += r->sprs_points == 5;
        n3 += r->sprs_points == 3;
        n1 += r->sprs_points == 1;
        nna += r->sprs_na;
        npartial += r->sprs_partial != 0;
        npoa += r->plans_of_action;
        natpartial += r->poam_at_partial;
    }
    assert_int_equal(sum, 313);
    assert_int_equal(r2->sprs_base - sum, r2->sprs_min);
    assert_int_equal(n5, 44);
    assert_int_equal(n3, 14);
    assert_int_equal(n1, 51);
    assert_int_equal(nna, 1);
    assert_int_equal(npartial, 2);
    assert_int_equal(npoa, 1);
    assert_true(req(r2, "3.12.2")->plans_of_action);
    assert_int_equal(natpartial, 1);
    assert_true(req(r2, "3.13.11")->poam_at_partial);
    assert_false(req(r2, "3.5.3")->poam_at_partial);
}

static void test_r2_never_on_poam(void **state)
{
    (void)state;
    const char *never[] = {"3.1.20", "3.1.22", "3.12.4", "3.10.3", "3.10.4", "3.10.5"};
    size_t n = 0;
    for (size_t i = 0; i < r2->nrequirements; i++) {
        const mm_requirement *r = &r2->requirements[i];
        if (!r->never_on_poam)
            continue;
        n++;
        if (!has(never, 6, r->id))
            fail_msg("%s is marked never_on_poam", r->id);
    }
    assert_int_equal(n, 6);
    for (size_t k = 0; k < 6; k++)
        assert_true(req(r2, never[k])->never_on_poam);
}

/* ---- rendering --------------------------------------------------------------------------- */

static const char *lookup_90(void *ctx, const char *id)
{
    (*(int *)ctx)++;
    return strcmp(id, "A.03.01.01.ODP.01") == 0 ? "90 days" : NULL;
}

static void test_render(void **state)
{
    (void)state;
    int calls = 0;
    const char *text = "disabled after {{ insert: param, A.03.01.01.ODP.01 }} of inactivity";
    char *s = mm_catalog_render(r3, text, lookup_90, &calls, "<", ">");
    assert_non_null(s);
    assert_string_equal(s, "disabled after <90 days> of inactivity");
    assert_int_equal(calls, 1);
    free(s);
    s = mm_catalog_render(r3, text, lookup_90, &calls, NULL, NULL);
    assert_string_equal(s, "disabled after 90 days of inactivity");
    free(s);
    s = mm_catalog_render(r3, text, NULL, NULL, "<", ">");
    assert_string_equal(s, "disabled after [Assignment: organization-defined time period] of "
                           "inactivity");
    free(s);
    /* the lookup has nothing for ODP.02 */
    s = mm_catalog_render(r3, "{{ insert: param, A.03.01.01.ODP.02 }}.", lookup_90, &calls, "", "");
    assert_string_equal(s, "[Assignment: organization-defined time period].");
    free(s);
    s = mm_catalog_render(r3, "{{ insert: param, A.03.12.05.ODP.01 }}", NULL, NULL, "", "");
    assert_string_equal(s, "[Selection (one or more): interconnection security agreements; "
                           "information exchange security agreements; memoranda of "
                           "understanding or agreement; service-level agreements; user "
                           "agreements; non-disclosure agreements; other types of agreements]");
    free(s);
    /* a selection whose choices hold a nested parameter */
    s = mm_catalog_render(r3, "{{ insert: param, A.03.01.10.ODP.01 }}", NULL, NULL, "", "");
    assert_non_null(strstr(s, "[Selection (one or more): initiating a device lock after "
                              "[Assignment: "));
    assert_null(strstr(s, "{{"));
    free(s);
    s = mm_catalog_render(r3, "no parameters here", NULL, NULL, "", "");
    assert_string_equal(s, "no parameters here");
    free(s);
    s = mm_catalog_render(r3, "", NULL, NULL, "", "");
    assert_string_equal(s, "");
    free(s);
    /* every objective renders without a placeholder left */
    for (size_t i = 0; i < r3->nobjectives; i++) {
        s = mm_catalog_render(r3, r3->objectives[i].text, NULL, NULL, "", "");
        assert_non_null(s);
        if (strstr(s, "{{"))
            fail_msg("%s: %s", r3->objectives[i].id, s);
        free(s);
    }
}

/* ---- profiles ---------------------------------------------------------------------------- */

static void test_profile_dod(void **state)
{
    (void)state;
    mm_profile *p = NULL;
    assert_int_equal(mm_profile_load(&p, r3, NULL), MM_OK);
    assert_non_null(p);
    assert_int_equal(p->nvalues, 88);
    assert_int_equal(p->nset, 88);
    for (size_t i = 0; i < p->nvalues; i++)
        assert_non_null(p->values[i].value);
    const mm_odp *o = mm_catalog_odp(r3, "A.03.01.01.ODP.01");
    const mm_profile_value *v = &p->values[o - r3->odps];
    assert_string_equal(v->value, "at most 90 days");
    assert_true(v->fixed);
    assert_false(v->guidance);
    o = mm_catalog_odp(r3, "A.03.01.20.ODP.01");
    v = &p->values[o - r3->odps];
    assert_true(v->guidance);
    assert_false(v->fixed);
    size_t guidance = 0, fixed = 0;
    for (size_t i = 0; i < p->nvalues; i++) {
        guidance += p->values[i].guidance;
        fixed += p->values[i].fixed;
    }
    assert_int_equal(guidance, 8);
    assert_int_equal(fixed, 80);
    assert_non_null(strstr(p->name, "DoD"));
    mm_profile_free(p);
    mm_profile_free(NULL);

    /* Rev 2 has no ODPs */
    p = (mm_profile *)1;
    assert_int_equal(mm_profile_load(&p, r2, NULL), MM_EUSAGE);
    assert_null(p);
}

static int profile(mm_profile **p, const char *json)
{
    return mm_profile_parse(p, r3, json, strlen(json), "my-profile.json");
}

static void test_profile_parse(void **state)
{
    (void)state;
    mm_profile *p = NULL;
    assert_int_equal(profile(&p, "{\"_meta\": {\"title\": \"Test\"}, \"values\": {"
                                 "\"A.03.01.01.ODP.01\": \"at most 30 days\","
                                 "\"A.03.01.01.ODP.02\": {\"value\": \"8 hours\", "
                                 "\"fixed\": false},"
                                 "\"A.03.01.01.ODP.03\": {\"value\": \"1 day\"},"
                                 "\"A.03.01.01.ODP.04\": {\"value\": \"2 days\", "
                                 "\"guidance\": true, \"fixed\": true}}}"),
                     MM_OK);
    assert_string_equal(p->name, "Test");
    assert_int_equal(p->nset, 4);
    assert_string_equal(p->values[0].value, "at most 30 days");
    assert_true(p->values[0].fixed);
    assert_string_equal(p->values[1].value, "8 hours");
    assert_false(p->values[1].fixed);
    assert_string_equal(p->values[2].value, "1 day");
    assert_true(p->values[2].fixed);
    assert_string_equal(p->values[3].value, "2 days");
    assert_false(p->values[3].fixed); /* guidance is never fixed */
    assert_true(p->values[3].guidance);
    assert_null(p->values[4].value);
    mm_profile_free(p);

    /* an unknown ODP id: MM_EINVALID naming the file and the JSON path */
    p = (mm_profile *)1;
    mm_error_clear();
    assert_int_equal(profile(&p, "{\"values\": {\"A.03.01.01.ODP.09\": \"x\"}}"), MM_EINVALID);
    assert_null(p);
    assert_non_null(strstr(mm_error_last(), "my-profile.json"));
    assert_non_null(strstr(mm_error_last(), "$.values[\"A.03.01.01.ODP.09\"]"));

    /* a value that is neither a string nor an object with a string value */
    mm_error_clear();
    assert_int_equal(profile(&p, "{\"values\": {\"A.03.01.01.ODP.01\": 90}}"), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "$.values[\"A.03.01.01.ODP.01\"]"));
    assert_int_equal(profile(&p, "{\"values\": {\"A.03.01.01.ODP.01\": {\"fixed\": true}}}"),
                     MM_EINVALID);
    mm_error_clear();
    assert_int_equal(profile(&p, "{\"values\": {\"A.03.01.01.ODP.01\": {\"value\": \"x\", "
                                 "\"fixed\": \"no\"}}}"),
                     MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "$.values[\"A.03.01.01.ODP.01\"]"));
    assert_int_equal(profile(&p, "{\"values\": []}"), MM_EINVALID);
    assert_int_equal(profile(&p, "{}"), MM_EINVALID);
    assert_int_equal(profile(&p, "[]"), MM_EINVALID);

    /* malformed JSON: MM_EPARSE with LINE:COL */
    mm_error_clear();
    assert_int_equal(profile(&p, "{\"values\": {\n  \"A.03.01.01.ODP.01\": \"x\",\n}}"), MM_EPARSE);
    assert_null(p);
    assert_non_null(strstr(mm_error_last(), "my-profile.json:3:"));
    mm_error_clear();
    assert_int_equal(profile(&p, "{\"values\": {\"A.03.01.01.ODP.01\": \"x\""), MM_EPARSE);
    assert_non_null(strstr(mm_error_last(), "my-profile.json:1:"));
    /* duplicate keys are malformed too */
    assert_int_equal(profile(&p, "{\"values\": {\"A.03.01.01.ODP.01\": \"x\", "
                                 "\"A.03.01.01.ODP.01\": \"y\"}}"),
                     MM_EPARSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_r3_counts),       cmocka_unit_test(test_r3_families),
        cmocka_unit_test(test_r3_withdrawn),    cmocka_unit_test(test_r3_requirement),
        cmocka_unit_test(test_r3_odps),         cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_framework_parse), cmocka_unit_test(test_r2_counts),
        cmocka_unit_test(test_r2_points),       cmocka_unit_test(test_r2_never_on_poam),
        cmocka_unit_test(test_render),          cmocka_unit_test(test_profile_dod),
        cmocka_unit_test(test_profile_parse),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
