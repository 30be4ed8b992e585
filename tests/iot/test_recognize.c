/* Tests of IoT recognition (src/iot) and its signed claims (src/submit/recognition.c): the
 * shipped packs and relations load and every relation names a criterion of its packs; a
 * PSTI-compliant product covers JC-STAR S1.1-02/05/16 from 2026-01-01 and not before; no
 * published arrangement between the U.S. Cyber Trust Mark and JC-STAR (said plainly, nothing
 * covered); an expired label covers nothing; a changed claim or another key does not verify. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "mamori/error.h"
#include "mamori/framework.h"
#include "mamori/iot.h"
#include "mamori/submit.h"

static mm_iot *iot;

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0 || mm_iot_load(&iot, NULL) != MM_OK) {
        fprintf(stderr, "test_recognize: %s\n", mm_error_last());
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    mm_iot_free(iot);
    return 0;
}

/* A product holding one label. */
static json_t *product(const char *scheme, const char *level, const char *issued,
                       const char *expires)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:s?, s:n, s:n}]}",
                     "id", "p-1", "org_id", "maker", "org_name", "Maker KK", "name", "Cam", "model",
                     "C-100", "firmware", "1.0", "labels", "scheme", scheme, "level", level,
                     "label_id", "L-1", "issued", issued, "expires", expires, "evidence_sha256",
                     "evidence_ref");
}

static json_t *claim_for(const char *scheme, const char *level, const char *expires, const char *as,
                         const char *date)
{
    json_t *p = product(scheme, level, "2025-01-10", expires), *c = NULL;
    assert_non_null(p);
    assert_int_equal(mm_iot_recognize(&c, iot, p, as, date, "2026-12-07T00:00:00Z"), MM_OK);
    json_decref(p);
    return c;
}

static bool listed(const json_t *arr, const char *id)
{
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "id")), id) == 0)
            return true;
    }
    return false;
}

static void test_data_loads(void **state)
{
    (void)state;
    /* the counts of the reference data: 67 provisions, 16 ★1 ids, 3 PSTI requirements, 10
     * capabilities; and "text not available" where the text was not read or not shipped */
    json_t *c = claim_for("uk-psti", "", NULL, "etsi-en-303-645", "2026-06-01");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "as"), "criteria")), 67);
    const json_t *rem = json_object_get(c, "remaining");
    assert_int_equal(json_array_size(rem), 67); /* nothing published goes PSTI -> ETSI */
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(rem, 0), "text")),
                           MM_TEXT_NOT_AVAILABLE));
    assert_string_equal(json_string_value(json_object_get(json_array_get(rem, 0), "id")), "5.1-1");
    json_decref(c);
    c = claim_for("uk-psti", "", NULL, "jc-star", "2026-06-01");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "as"), "criteria")), 16);
    json_decref(c);
    c = claim_for("uk-psti", "", NULL, "us-cyber-trust-mark", "2026-06-01");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "as"), "criteria")), 10);
    rem = json_object_get(c, "remaining");
    /* capability 1 has NIST's text; capability 5 was not read */
    assert_null(strstr(json_string_value(json_object_get(json_array_get(rem, 0), "text")),
                       MM_TEXT_NOT_AVAILABLE));
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(rem, 4), "text")),
                           MM_TEXT_NOT_AVAILABLE));
    json_decref(c);
    c = claim_for("jc-star", "1", NULL, "uk-psti", "2026-06-01");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "as"), "criteria")), 3);
    json_decref(c);
}

static void test_psti_to_jcstar_from_2026(void **state)
{
    (void)state;
    static const char *const waived[] = {"S1.1-02", "S1.1-05", "S1.1-16"};
    /* on the day IPA's recognition takes effect: exactly the three items, with the source */
    json_t *c = claim_for("uk-psti", "", NULL, "jc-star", "2026-01-01");
    const json_t *cov = json_object_get(c, "covered");
    assert_int_equal(json_array_size(cov), 3);
    for (size_t i = 0; i < 3; i++) {
        assert_true(listed(cov, waived[i]));
        const json_t *by = json_array_get(json_object_get(json_array_get(cov, i), "by"), 0);
        assert_string_equal(json_string_value(json_object_get(by, "relation")), "psti-jcstar-jp");
        assert_string_equal(json_string_value(json_object_get(by, "effective")), "2026-01-01");
        assert_non_null(strstr(json_string_value(json_object_get(by, "citation")),
                               "https://www.ipa.go.jp/security/jc-star/shinsei/psti.html"));
        assert_true(json_is_true(json_object_get(by, "verified")));
    }
    assert_int_equal(json_integer_value(json_object_get(c, "remaining_count")), 13);
    assert_false(listed(json_object_get(c, "remaining"), "S1.1-02"));
    assert_true(listed(json_object_get(c, "remaining"), "S1.1-01"));
    const json_t *arr = json_array_get(json_object_get(c, "arrangements"), 0);
    assert_true(json_is_true(json_object_get(arr, "exists")));
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(arr, "arrangements"), 0), "id")),
                        "meti-dsit-moc");
    json_decref(c);
    /* the day before: nothing covered, the three items pending from 2026-01-01 */
    c = claim_for("uk-psti", "", NULL, "jc-star-star1", "2025-12-31");
    assert_int_equal(json_array_size(json_object_get(c, "covered")), 0);
    assert_int_equal(json_integer_value(json_object_get(c, "remaining_count")), 16);
    const json_t *pend = json_object_get(c, "pending");
    assert_int_equal(json_array_size(pend), 3);
    for (size_t i = 0; i < 3; i++)
        assert_true(listed(pend, waived[i]));
    json_decref(c);
}

static void test_no_arrangement(void **state)
{
    (void)state;
    json_t *c = claim_for("us-cyber-trust-mark", "", NULL, "jc-star", "2026-06-01");
    assert_int_equal(json_array_size(json_object_get(c, "covered")), 0);
    assert_int_equal(json_integer_value(json_object_get(c, "remaining_count")), 16);
    const json_t *arr = json_array_get(json_object_get(c, "arrangements"), 0);
    assert_true(json_is_false(json_object_get(arr, "exists")));
    assert_int_equal(json_array_size(json_object_get(arr, "relations")), 0);
    const char *st = json_string_value(json_object_get(arr, "statement"));
    assert_non_null(strstr(st, "No published arrangement between U.S. Cyber Trust Mark"));
    assert_non_null(strstr(st, "JC-STAR"));
    /* the data's own "not found" statements travel with the claim */
    const json_t *nf = json_object_get(json_object_get(c, "basis"), "not_found");
    assert_non_null(strstr(json_string_value(json_array_get(nf, 0)), "NIST IR 8425"));
    json_decref(c);
    /* the other way too */
    c = claim_for("jc-star", "1", NULL, "us-cyber-trust-mark", "2026-06-01");
    assert_int_equal(json_array_size(json_object_get(c, "covered")), 0);
    assert_true(json_is_false(
        json_object_get(json_array_get(json_object_get(c, "arrangements"), 0), "exists")));
    json_decref(c);
}

static void test_expired_and_other_relations(void **state)
{
    (void)state;
    /* an expired PSTI statement covers nothing, and says so */
    json_t *c = claim_for("uk-psti", "", "2026-03-31", "jc-star", "2026-06-01");
    assert_int_equal(json_array_size(json_object_get(c, "covered")), 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(c, "labels"), 0), "state")),
                        "expired");
    json_decref(c);
    /* still current on its expiry day */
    c = claim_for("uk-psti", "", "2026-03-31", "jc-star", "2026-03-31");
    assert_int_equal(json_array_size(json_object_get(c, "covered")), 3);
    json_decref(c);
    /* ETSI conformance: PSTI paras 1-3 by Schedule 2 (para 3's link unverified, and marked) */
    c = claim_for("etsi-en-303-645", "", NULL, "uk-psti", "2026-06-01");
    const json_t *cov = json_object_get(c, "covered");
    assert_int_equal(json_array_size(cov), 3);
    const json_t *by3 = json_array_get(json_object_get(json_array_get(cov, 2), "by"), 0);
    assert_string_equal(json_string_value(json_object_get(by3, "relation")), "psti-etsi-3");
    assert_true(json_is_false(json_object_get(by3, "verified")));
    json_decref(c);
    /* a ★1 label covers all 16 of ★1 itself; a ★2 label nothing (no pack, no relation) */
    c = claim_for("jc-star", "1", NULL, "jc-star", "2026-06-01");
    assert_int_equal(json_array_size(json_object_get(c, "covered")), 16);
    json_decref(c);
    c = claim_for("jc-star", "2", NULL, "jc-star", "2026-06-01");
    assert_int_equal(json_array_size(json_object_get(c, "covered")), 0);
    json_decref(c);
    /* ... nor of PSTI: the UK's recognition is of ★1 labels, and the claim does not say
     * "no arrangement" (there is one, for ★1) but that mamori has nothing for level 2 */
    c = claim_for("jc-star", "2", NULL, "uk-psti", "2026-06-01");
    assert_int_equal(json_array_size(json_object_get(c, "covered")), 0);
    const char *st = json_string_value(
        json_object_get(json_array_get(json_object_get(c, "arrangements"), 0), "statement"));
    assert_non_null(strstr(st, "level 2"));
    assert_null(strstr(st, "No published arrangement"));
    json_decref(c);
    /* a scheme mamori does not know */
    json_t *p = product("uk-psti", "", "2025-01-10", NULL);
    assert_int_equal(mm_iot_recognize(&c, iot, p, "sg-cls", "2026-06-01", "x"), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "jc-star"));
    assert_int_equal(mm_iot_recognize(&c, iot, p, "jc-star", "2026-02-30", "x"), MM_EINVALID);
    json_decref(p);
}

static void test_label_checks(void **state)
{
    (void)state;
    assert_int_equal(mm_iot_label_check("jc-star", "1"), MM_OK);
    assert_int_equal(mm_iot_label_check("jc-star", ""), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "$.level"));
    assert_int_equal(mm_iot_label_check("jc-star", "5"), MM_EINVALID);
    assert_int_equal(mm_iot_label_check("uk-psti", ""), MM_OK);
    assert_int_equal(mm_iot_label_check("uk-psti", "1"), MM_EINVALID);
    assert_int_equal(mm_iot_label_check("ce", ""), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "$.scheme"));
    assert_string_equal(mm_iot_label_state("2026-01-01", NULL, "2025-12-31"), "not-yet-valid");
    assert_string_equal(mm_iot_label_state("2026-01-01", "2026-02-01", "2026-02-01"), "current");
    assert_string_equal(mm_iot_label_state("2026-01-01", "2026-02-01", "2026-02-02"), "expired");
}

static void test_signed_claim(void **state)
{
    (void)state;
    unsigned char pk[32], sk[64], opk[32], osk[64];
    crypto_sign_keypair(pk, sk);
    crypto_sign_keypair(opk, osk);
    json_t *c = claim_for("uk-psti", "", NULL, "jc-star", "2026-01-01");
    char *doc = NULL;
    assert_int_equal(mm_recognition_sign(&doc, c, sk), MM_OK);
    json_decref(c);
    bool valid = false;
    json_t *back = NULL;
    assert_int_equal(mm_recognition_verify(&valid, &back, doc, strlen(doc), pk), MM_OK);
    assert_true(valid);
    assert_int_equal(json_integer_value(json_object_get(back, "covered_count")), 3);
    json_decref(back);
    /* another server's key */
    assert_int_equal(mm_recognition_verify(&valid, NULL, doc, strlen(doc), opk), MM_OK);
    assert_false(valid);
    assert_non_null(strstr(mm_error_last(), "not by key"));
    /* one criterion moved from remaining to covered: refused */
    char *t = strstr(doc, "\"covered_count\": 3");
    assert_non_null(t);
    t[strlen("\"covered_count\": ")] = '4';
    assert_int_equal(mm_recognition_verify(&valid, &back, doc, strlen(doc), pk), MM_OK);
    assert_false(valid);
    assert_null(back);
    assert_non_null(strstr(mm_error_last(), "does not match"));
    /* not a claim at all */
    assert_int_equal(mm_recognition_verify(&valid, NULL, "{\"receipt\":{}}", 14, pk), MM_EINVALID);
    assert_int_equal(mm_recognition_verify(&valid, NULL, "{", 1, pk), MM_EPARSE);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_loads),     cmocka_unit_test(test_psti_to_jcstar_from_2026),
        cmocka_unit_test(test_no_arrangement), cmocka_unit_test(test_expired_and_other_relations),
        cmocka_unit_test(test_label_checks),   cmocka_unit_test(test_signed_claim),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
