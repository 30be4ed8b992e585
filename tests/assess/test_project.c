/* Unit tests for src/assess/project.c: an evaluated SP 800-171 Rev 3 assessment projected
 * onto the test pack (tests/fixtures/frameworks/test-std.json) through a mapping written
 * here. Only equivalent and superset relations carry an answer; every projected answer
 * names its answer and relation; contradicting relations leave the criterion to answer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/project.h"

#define NS "https://mamori.dev/ns/oscal"

static const char assessment_json[] =
    "{\"framework\": \"800-171r3\", \"organization\": \"Test K.K.\","
    " \"dates\": {\"assessed\": \"2026-11-02\"},"
    " \"requirements\": {\"03.01.01\": \"not-met\", \"03.01.02\": \"met\","
    " \"03.08.04\": \"met\", \"03.03.01\": \"not-met\", \"03.04.01\": \"met\","
    " \"03.05.01\": \"met\"}}";

#define MAP(n, rel, src, tgt)                                                                      \
    "{\"uuid\": \"0b6c2c3e-5a1f-4e4e-8f60-0000000000" n "\", \"relationship\": \"" rel "\", "      \
    "\"sources\": [{\"type\": \"control\", \"id-ref\": \"" src "\"}], "                            \
    "\"targets\": [{\"type\": \"control\", \"id-ref\": \"" tgt "\"}], "                            \
    "\"props\": [{\"name\": \"citation\", \"ns\": \"" NS "\", \"value\": \"test row " n "\"}]}"

static const char mapping_json[] =
    "{\"mapping-collection\": {\"uuid\": \"0b6c2c3e-5a1f-4e4e-8f60-000000000001\", "
    "\"metadata\": {\"title\": \"r3 to test\", \"last-modified\": \"2026-12-07T00:00:00Z\", "
    "\"version\": \"1\", \"oscal-version\": \"1.2.1\"}, \"provenance\": {\"method\": "
    "\"human\", \"matching-rationale\": \"semantic\", \"status\": \"draft\", "
    "\"mapping-description\": \"test\"}, \"mappings\": [{\"uuid\": "
    "\"0b6c2c3e-5a1f-4e4e-8f60-000000000002\", \"source-resource\": {\"type\": \"catalog\", "
    "\"href\": \"#r3\", \"props\": [{\"name\": \"framework-id\", \"value\": \"800-171r3\"}]}, "
    "\"target-resource\": {\"type\": \"catalog\", \"href\": \"#t\", \"props\": [{\"name\": "
    "\"framework-id\", \"value\": \"test-std\"}]}, \"maps\": ["
    /* TS-1.1: 03.01.01 equivalent (not met -> not met) and 03.01.02 superset (met -> met):
     * contradicting */
    MAP("11", "equivalent-to", "03.01.01", "TS-1.1") "," MAP("12", "superset-of", "03.01.02",
                                                             "TS-1.1") ","
    /* TS-2.1: met through a subset: carries nothing */
    MAP("13", "subset-of", "03.08.04", "TS-2.1") ","
    /* TS-1.2: not met through equivalent -> not met; a met intersects adds nothing */
    MAP("14", "equivalent-to", "03.03.01", "TS-1.2") "," MAP("15", "intersects-with", "03.04.01",
                                                             "TS-1.2") ","
    /* TS-1.3: met through superset -> met */
    MAP("16", "superset-of", "03.05.01", "TS-1.3") "]}]}}";

static mm_pack *r3, *test;
static mm_catalog *cat;
static mm_assessment *as;
static mm_result *res;
static mm_crosswalk *cw;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return s;
}

static int setup(void **state)
{
    (void)state;
    size_t len;
    char *t = slurp(MM_SOURCE_DIR "/tests/fixtures/frameworks/test-std.json", &len);
    int rc = !t || mm_pack_parse(&test, t, len, "test-std.json") ||
             mm_pack_builtin(&r3, "800-171r3") || mm_catalog_load(&cat, MM_FW_R3, NULL) ||
             mm_assessment_parse(&as, cat, assessment_json, strlen(assessment_json), "a.json") ||
             mm_assessment_evaluate(&res, as, NULL) ||
             mm_crosswalk_parse(&cw, mapping_json, strlen(mapping_json), "m.json", r3, test);
    free(t);
    if (rc)
        fprintf(stderr, "setup: %s\n", mm_error_last());
    return rc ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    mm_crosswalk_free(cw);
    mm_result_free(res);
    mm_assessment_free(as);
    mm_catalog_free(cat);
    mm_pack_free(r3);
    mm_pack_free(test);
    return 0;
}

static const mm_projected *item(const mm_projection *p, const char *id)
{
    const mm_criterion *c = mm_pack_criterion(p->target, id);
    assert_non_null(c);
    return &p->items[mm_pack_criterion_index(p->target, c)];
}

static void test_projection(void **state)
{
    (void)state;
    mm_projection *p = NULL;
    assert_int_equal(mm_project(&p, res, r3, test, cw), MM_OK);
    assert_int_equal(p->active, 4);

    const mm_projected *it = item(p, "TS-1.3");
    assert_int_equal(it->state, MM_PROJ_PROJECTED);
    assert_int_equal(it->status, MM_STATUS_MET);
    assert_string_equal(it->from, "03.05.01");
    assert_int_equal(it->from_status, MM_STATUS_MET);
    assert_int_equal(it->via->relation, MM_REL_SUPERSET);
    assert_string_equal(it->via->citation, "test row 16");

    it = item(p, "TS-1.2");
    assert_int_equal(it->state, MM_PROJ_PROJECTED);
    assert_int_equal(it->status, MM_STATUS_NOT_MET);
    assert_string_equal(it->from, "03.03.01");
    assert_int_equal(it->via->relation, MM_REL_EQUIVALENT);

    it = item(p, "TS-2.1"); /* met only through a subset relation */
    assert_int_equal(it->state, MM_PROJ_TO_ANSWER);
    assert_int_equal(it->status, MM_STATUS_NOT_ASSESSED);
    assert_null(it->via);
    assert_non_null(strstr(it->reason, "subset or intersects"));

    it = item(p, "TS-1.1"); /* not met by an equivalent, met by a superset */
    assert_int_equal(it->state, MM_PROJ_CONFLICT);
    assert_int_equal(it->status, MM_STATUS_NOT_ASSESSED);

    it = item(p, "TS-2.2"); /* withdrawn */
    assert_int_equal(it->state, MM_PROJ_TO_ANSWER);
    assert_string_equal(it->reason, "withdrawn");

    assert_int_equal(p->met, 1);
    assert_int_equal(p->not_met, 1);
    assert_int_equal(p->to_answer, 2);
    assert_int_equal(p->conflicts, 1);
    mm_projection_free(p);
    mm_projection_free(NULL);

    /* the crosswalk must relate the two packs given */
    assert_int_equal(mm_project(&p, res, test, r3, cw), MM_EUSAGE);
    assert_null(p);
    assert_string_equal(mm_projection_state_name(MM_PROJ_CONFLICT), "conflict");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_projection),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
