/* Tests of receipts (src/submit/receipt.c): signing and verifying, the exact canonical
 * bytes, any change or another key making it invalid, malformed documents. */
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
#include "mamori/submit.h"

#define HASH "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

typedef struct fixture {
    unsigned char pk[32], sk[64];
    unsigned char other_pk[32], other_sk[64];
    char kid[17];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || sodium_init() < 0)
        return -1;
    unsigned char seed[32];
    for (int i = 0; i < 32; i++)
        seed[i] = (unsigned char)i;
    crypto_sign_seed_keypair(f->pk, f->sk, seed);
    crypto_sign_keypair(f->other_pk, f->other_sk);
    mm_key_id(f->kid, f->pk);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static mm_receipt receipt(void)
{
    mm_receipt r = {"sub-0001", "org-7", HASH, "2026-11-23T14:17:34Z", "conditional", true, 97};
    return r;
}

static bool verify(const char *doc, const unsigned char pk[32])
{
    bool valid = true;
    int rc = mm_receipt_verify(&valid, doc, strlen(doc), pk, NULL, NULL);
    if (rc != MM_OK)
        fail_msg("verify failed (%d): %s", rc, mm_error_last());
    return valid;
}

/* doc with the first occurrence of from replaced by to (any lengths). */
static char *edit(const char *doc, const char *from, const char *to)
{
    const char *p = strstr(doc, from);
    assert_non_null(p);
    size_t at = (size_t)(p - doc), n = strlen(doc), lf = strlen(from), lt = strlen(to);
    char *out = malloc(n - lf + lt + 1);
    assert_non_null(out);
    memcpy(out, doc, at);
    memcpy(out + at, to, lt);
    memcpy(out + at + lt, doc + at + lf, n - at - lf + 1);
    return out;
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    mm_receipt r = receipt();
    char *doc = NULL;
    assert_int_equal(mm_receipt_sign(&doc, &r, f->sk), MM_OK);
    bool valid = false;
    char body_hash[65] = "", sid[64] = "";
    assert_int_equal(mm_receipt_verify(&valid, doc, strlen(doc), f->pk, body_hash, sid), MM_OK);
    assert_true(valid);
    assert_string_equal(body_hash, HASH);
    assert_string_equal(sid, "sub-0001");

    /* the document: {"receipt", "signature"}; server_key_id from the secret key */
    json_t *root = json_loads(doc, 0, NULL);
    assert_non_null(root);
    assert_int_equal(json_object_size(root), 2);
    json_t *rec = json_object_get(root, "receipt");
    assert_string_equal(json_string_value(json_object_get(rec, "server_key_id")), f->kid);
    assert_string_equal(f->kid, "56475aa75463474c");
    assert_int_equal(json_integer_value(json_object_get(rec, "score")), 97);

    /* the signature is over exactly these bytes */
    const char *want =
        "{\"body_hash\":\"" HASH "\",\"kind\":\"mamori-receipt\",\"org_id\":\"org-7\","
        "\"received\":\"2026-11-23T14:17:34Z\",\"score\":97,\"server_key_id\":"
        "\"56475aa75463474c\",\"status\":\"conditional\",\"submission_id\":"
        "\"sub-0001\",\"version\":1}";
    unsigned char sig[64];
    size_t got = 0;
    const char *sig64 = json_string_value(json_object_get(root, "signature"));
    assert_int_equal(sodium_base642bin(sig, sizeof sig, sig64, strlen(sig64), NULL, &got, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    assert_int_equal(got, 64);
    assert_int_equal(
        crypto_sign_verify_detached(sig, (const unsigned char *)want, strlen(want), f->pk), 0);
    json_decref(root);

    /* layout does not matter: compact, other member order */
    json_t *again = json_loads(doc, 0, NULL);
    char *compact = json_dumps(again, JSON_COMPACT);
    assert_true(verify(compact, f->pk));
    free(compact);
    json_decref(again);
    free(doc);

    /* no score: null */
    r.has_score = false;
    assert_int_equal(mm_receipt_sign(&doc, &r, f->sk), MM_OK);
    assert_non_null(strstr(doc, "\"score\": null"));
    assert_true(verify(doc, f->pk));
    free(doc);

    /* non-ASCII text is signed in its escaped form and verifies */
    r.org_id = "\xe5\x8c\x97\xe6\x96\x97"; /* 北斗 */
    assert_int_equal(mm_receipt_sign(&doc, &r, f->sk), MM_OK);
    assert_true(verify(doc, f->pk));
    free(doc);
}

static void test_any_change_fails(void **state)
{
    fixture *f = *state;
    mm_receipt r = receipt();
    char *doc = NULL;
    assert_int_equal(mm_receipt_sign(&doc, &r, f->sk), MM_OK);
    static const char *const edits[][2] = {
        {"sub-0001", "sub-0002"},
        {"org-7", "org-8"},
        {"0123456789abcdef\"", "0123456789abcdee\""}, /* body_hash, last digit */
        {"2026-11-23", "2026-11-24"},
        {"\"conditional\"", "\"meets\""},
        {"\"score\": 97", "\"score\": 110"},
        {"\"score\": 97", "\"score\": null"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *bad = edit(doc, edits[i][0], edits[i][1]);
        assert_false(verify(bad, f->pk));
        free(bad);
    }
    /* a garbled signature: well-formed, not valid */
    char *bad = edit(doc, "\"signature\": \"", "\"signature\": \"AAAA");
    assert_false(verify(bad, f->pk));
    free(bad);
    bad = edit(doc, "\"signature\": \"", "\"signature\": \"!");
    assert_false(verify(bad, f->pk));
    free(bad);
    free(doc);
}

static void test_wrong_key(void **state)
{
    fixture *f = *state;
    mm_receipt r = receipt();
    char *doc = NULL;
    assert_int_equal(mm_receipt_sign(&doc, &r, f->sk), MM_OK);
    assert_false(verify(doc, f->other_pk));
    assert_non_null(strstr(mm_error_last(), "56475aa75463474c"));
    /* claiming the other key's id does not help: the signature fails */
    char other_kid[17];
    mm_key_id(other_kid, f->other_pk);
    char *forged = edit(doc, f->kid, other_kid);
    assert_false(verify(forged, f->other_pk));
    assert_false(verify(forged, f->pk));
    free(forged);
    /* signed by the other key: valid only with the other key */
    char *doc2 = NULL;
    assert_int_equal(mm_receipt_sign(&doc2, &r, f->other_sk), MM_OK);
    assert_true(verify(doc2, f->other_pk));
    assert_false(verify(doc2, f->pk));
    free(doc2);
    free(doc);
}

static void test_malformed(void **state)
{
    fixture *f = *state;
    bool valid = true;
    static const char *const not_json[] = {"", "{", "{\"receipt\": }", "nul"};
    for (size_t i = 0; i < sizeof not_json / sizeof not_json[0]; i++) {
        valid = true;
        assert_int_equal(
            mm_receipt_verify(&valid, not_json[i], strlen(not_json[i]), f->pk, NULL, NULL),
            MM_EPARSE);
        assert_false(valid);
    }
    /* duplicate members are not JSON we accept */
    const char *dup = "{\"signature\": \"x\", \"signature\": \"y\"}";
    assert_int_equal(mm_receipt_verify(&valid, dup, strlen(dup), f->pk, NULL, NULL), MM_EPARSE);

    mm_receipt r = receipt();
    char *doc = NULL;
    assert_int_equal(mm_receipt_sign(&doc, &r, f->sk), MM_OK);
    static const char *const shape[][2] = {
        {"\"kind\": \"mamori-receipt\"", "\"kind\": \"mamori-submission\""},
        {"\"version\": 1", "\"version\": 2"},
        {"\"version\": 1", "\"version\": \"1\""},
        {"\"score\": 97", "\"score\": 97.5"},
        {"\"score\": 97", "\"score\": \"97\""},
        {"\"status\": \"conditional\"", "\"status\": \"\""},
        {"\"status\": \"conditional\"", "\"status\": 3"},
        {"\"org_id\": \"org-7\"", "\"org_id\": null"},
        {"\"body_hash\": \"0123", "\"body_hash\": \"X123"},
        {"\"server_key_id\": \"", "\"extra\": 1, \"server_key_id\": \""},
        {"\"server_key_id\": \"56475aa75463474c\",", ""},
        {"\"server_key_id\": \"56475aa75463474c\"", "\"server_key_id\": 5"},
        {"\"signature\": \"", "\"extra\": 1, \"signature\": \""},
        {"\"receipt\": {", "\"receipt\": [{"},
        {"\"submission_id\": \"sub-0001\"",
         "\"submission_id\": \"0123456789012345678901234567890123456789012345678901234567890123\""},
    };
    for (size_t i = 0; i < sizeof shape / sizeof shape[0]; i++) {
        char *bad = edit(doc, shape[i][0], shape[i][1]);
        valid = true;
        int rc = mm_receipt_verify(&valid, bad, strlen(bad), f->pk, NULL, NULL);
        if (rc != MM_EINVALID && rc != MM_EPARSE)
            fail_msg("edit %zu accepted (%d): %s", i, rc, bad);
        assert_false(valid);
        free(bad);
    }
    const char *arr = "[1, 2]";
    assert_int_equal(mm_receipt_verify(&valid, arr, strlen(arr), f->pk, NULL, NULL), MM_EINVALID);
    free(doc);
}

static void test_sign_rejects(void **state)
{
    fixture *f = *state;
    char *doc = (char *)1;
    mm_receipt r = receipt();
    r.status = NULL;
    assert_int_equal(mm_receipt_sign(&doc, &r, f->sk), MM_EINVALID);
    assert_null(doc);
    r = receipt();
    r.submission_id = "";
    assert_int_equal(mm_receipt_sign(&doc, &r, f->sk), MM_EINVALID);
    r = receipt();
    r.body_hash = "abc";
    assert_int_equal(mm_receipt_sign(&doc, &r, f->sk), MM_EINVALID);
    r = receipt();
    r.org_id = "\xff\xfe";
    assert_int_equal(mm_receipt_sign(&doc, &r, f->sk), MM_EINVALID);
    r = receipt();
    r.submission_id = "0123456789012345678901234567890123456789012345678901234567890123";
    assert_int_equal(mm_receipt_sign(&doc, &r, f->sk), MM_EINVALID);
}

/* The server's receipt key file: the kind, the key and its id are checked; an
 * organization's key file is refused by name. */
static void test_server_key(void **state)
{
    fixture *f = *state;
    char b64[64], text[512], kid[17];
    unsigned char pk[32];
    sodium_bin2base64(b64, sizeof b64, f->pk, 32, sodium_base64_VARIANT_ORIGINAL);
    snprintf(text, sizeof text,
             "{\"kind\": \"mamori-server-key\", \"public_key\": \"%s\", \"key_id\": \"%s\"}", b64,
             f->kid);
    assert_int_equal(mm_server_key_parse(pk, kid, text, strlen(text), "k.json"), MM_OK);
    assert_memory_equal(pk, f->pk, 32);
    assert_string_equal(kid, f->kid);
    snprintf(text, sizeof text,
             "{\"kind\": \"mamori-ed25519-public\", \"org\": \"H\", \"public_key\": \"%s\", "
             "\"key_id\": \"%s\"}",
             b64, f->kid);
    assert_int_equal(mm_server_key_parse(pk, kid, text, strlen(text), "org.pub"), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "org.pub: $.kind: \"mamori-ed25519-public\" is an "
                                            "organization's signing key"));
    assert_string_equal(kid, "");
    snprintf(text, sizeof text, "{\"public_key\": \"%s\", \"key_id\": \"%s\"}", b64, f->kid);
    assert_int_equal(mm_server_key_parse(pk, kid, text, strlen(text), "k.json"), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "k.json: $.kind: not a server key"));
    snprintf(text, sizeof text,
             "{\"kind\": \"mamori-server-key\", \"public_key\": \"%s\", \"key_id\": "
             "\"0000000000000000\"}",
             b64);
    assert_int_equal(mm_server_key_parse(pk, kid, text, strlen(text), "k.json"), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "k.json: $.key_id: \"0000000000000000\" is not"));
    snprintf(text, sizeof text,
             "{\"kind\": \"mamori-server-key\", \"public_key\": \"AAAA\", \"key_id\": \"%s\"}",
             f->kid);
    assert_int_equal(mm_server_key_parse(pk, kid, text, strlen(text), "k.json"), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "k.json: $.public_key: not base64 of 32 bytes"));
    assert_int_equal(mm_server_key_parse(pk, kid, "{\"kind\":", 8, "k.json"), MM_EPARSE);
    assert_int_equal(mm_server_key_parse(pk, kid, "[1]", 3, "k.json"), MM_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_any_change_fails),
        cmocka_unit_test(test_wrong_key),    cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_sign_rejects), cmocka_unit_test(test_server_key),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
