/* Tests of signed submissions: key files, the canonical form, signing and verifying. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "mamori/error.h"
#include "mamori/submit.h"

static const char assessment_a[] =
    "{\"framework\": \"800-171r3\", \"organization\": {\"name\": \"Hokuto K.K.\"},\n"
    " \"requirements\": {\"03.01.01\": \"met\", \"03.01.02\": {\"status\": \"not-met\"}},\n"
    " \"count\": 3, \"note\": \"caf\\u00e9 \\u2713\"}";
/* the same object: other key order, other whitespace, a literal UTF-8 character */
static const char assessment_b[] =
    "{ \"note\":\"caf\xc3\xa9 \\u2713\",\"count\":3,\"requirements\":{\"03.01.02\":{\"status\":"
    "\"not-met\"},\"03.01.01\":\"met\"},\n\n\t\"organization\":{\"name\":\"Hokuto K.K.\"},"
    "\"framework\":\"800-171r3\"}";

typedef struct fixture {
    char dir[256];
    mm_key *key;   /* secret */
    mm_key *other; /* another secret key */
    mm_evidence_hash ev[2];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    /* a private folder of its own under TMPDIR (never the build tree's shared tmp/) */
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/mamori-test-sign.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(f->dir))
        return -1;
    if (mm_key_generate(&f->key, "Hokuto K.K.") || mm_key_generate(&f->other, "Other K.K."))
        return -1;
    f->ev[0].path = "b/log.txt";
    f->ev[1].path = "a/policy.pdf";
    memset(f->ev[0].sha256, 'a', 64);
    memset(f->ev[1].sha256, '0', 64);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    mm_key_free(f->key);
    mm_key_free(f->other);
    free(f);
    return 0;
}

static mm_submission submission(fixture *f, const char *text)
{
    mm_submission s = {text, strlen(text), "a.json", f->ev, 2, "Taro Yamada", "2026-11-20"};
    return s;
}

static mm_verify_status verify(const char *doc, const mm_key *k)
{
    mm_verify_status st = MM_VERIFY_VALID;
    assert_int_equal(mm_submission_verify(&st, doc, strlen(doc), "signed.json", k), MM_OK);
    return st;
}

static void test_round_trip(void **state)
{
    fixture *f = *state;
    mm_submission s = submission(f, assessment_a);
    char *doc = NULL;
    assert_int_equal(mm_submission_sign(&doc, &s, f->key), MM_OK);
    assert_int_equal(verify(doc, f->key), MM_VERIFY_VALID);
    /* through the key files, too */
    char path[300], pub[310];
    snprintf(path, sizeof path, "%s/rt.key", f->dir);
    snprintf(pub, sizeof pub, "%s.pub", path);
    assert_int_equal(mm_key_write(f->key, path, 1767225600), MM_OK);
    mm_key *ks = NULL, *kp = NULL;
    assert_int_equal(mm_key_load(&ks, path), MM_OK);
    assert_int_equal(mm_key_load(&kp, pub), MM_OK);
    assert_true(ks->has_secret);
    assert_false(kp->has_secret);
    assert_string_equal(kp->org, "Hokuto K.K.");
    assert_string_equal(kp->key_id, f->key->key_id);
    assert_memory_equal(ks->secret_key, f->key->secret_key, MM_KEY_SECRET_BYTES);
    assert_int_equal(verify(doc, kp), MM_VERIFY_VALID);
    mm_key_free(ks);
    mm_key_free(kp);
    free(doc);
}

static void test_canonical_ignores_order_and_whitespace(void **state)
{
    fixture *f = *state;
    mm_submission sa = submission(f, assessment_a), sb = submission(f, assessment_b);
    char *ca = NULL, *cb = NULL;
    size_t la = 0, lb = 0;
    assert_int_equal(mm_submission_canonical(&ca, &la, &sa), MM_OK);
    assert_int_equal(mm_submission_canonical(&cb, &lb, &sb), MM_OK);
    assert_int_equal(la, lb);
    assert_memory_equal(ca, cb, la);
    /* the exact bytes: sorted keys, no spaces, \u escapes, evidence sorted by path */
    const char *want =
        "{\"affirming_official\":{\"date\":\"2026-11-20\",\"name\":\"Taro Yamada\"},"
        "\"assessment\":{\"count\":3,\"framework\":\"800-171r3\",\"note\":\"caf\\u00E9 "
        "\\u2713\",\"organization\":{\"name\":\"Hokuto K.K.\"},\"requirements\":{\"03.01.01\":"
        "\"met\",\"03.01.02\":{\"status\":\"not-met\"}}},\"evidence\":[{\"path\":"
        "\"a/policy.pdf\",\"sha256\":\"0000000000000000000000000000000000000000000000000000000000"
        "000000\"},{\"path\":\"b/log.txt\",\"sha256\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaa\"}],\"kind\":\"mamori-submission\",\"version\":1}";
    assert_string_equal(ca, want);
    free(ca);
    free(cb);
}

static void test_reals_rejected(void **state)
{
    fixture *f = *state;
    mm_submission s = submission(f, "{\"a\": [1, {\"b\": 2.5}]}");
    char *c = NULL;
    size_t n = 0;
    assert_int_equal(mm_submission_canonical(&c, &n, &s), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "$.a[1].b"));
    s = submission(f, "[1]");
    assert_int_equal(mm_submission_canonical(&c, &n, &s), MM_EINVALID);
    s = submission(f, "{\"a\": 1, \"a\": 2}");
    assert_int_equal(mm_submission_canonical(&c, &n, &s), MM_EPARSE);
    s = submission(f, assessment_a);
    s.date = "2026-13-01";
    assert_int_equal(mm_submission_canonical(&c, &n, &s), MM_EINVALID);
    s.date = "2026-11-20";
    s.official = "";
    assert_int_equal(mm_submission_canonical(&c, &n, &s), MM_EINVALID);
    assert_null(c);
}

/* Replaces the first occurrence of from by to in doc (same length). */
static char *edit(const char *doc, const char *from, const char *to)
{
    char *copy = strdup(doc);
    char *p = strstr(copy, from);
    assert_non_null(p);
    assert_int_equal(strlen(from), strlen(to));
    memcpy(p, to, strlen(to));
    return copy;
}

static void test_any_change_fails(void **state)
{
    fixture *f = *state;
    mm_submission s = submission(f, assessment_a);
    char *doc = NULL;
    assert_int_equal(mm_submission_sign(&doc, &s, f->key), MM_OK);
    static const char *const edits[][2] = {
        {"\"met\"", "\"MET\""},           /* assessment */
        {"Hokuto K.K.", "Hokuto K.J."},   /* assessment */
        {"\"count\": 3", "\"count\": 4"}, /* assessment number */
        {"\"aaaaaaaa", "\"baaaaaaa"},     /* evidence hash */
        {"a/policy.pdf", "a/policy.pdg"}, /* evidence path */
        {"Taro Yamada", "Taro Yamadb"},   /* official */
        {"2026-11-20", "2026-11-21"},     /* date */
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *bad = edit(doc, edits[i][0], edits[i][1]);
        assert_int_equal(verify(bad, f->key), MM_VERIFY_TAMPERED);
        free(bad);
    }
    /* every single byte of the signature changed */
    const char *sig = strstr(doc, "\"signature\": \"") + 14;
    for (size_t i = 0; i < 86; i++) {
        char *bad = strdup(doc);
        char *p = bad + (sig - doc) + i;
        *p = *p == 'A' ? 'B' : 'A';
        mm_verify_status st = verify(bad, f->key);
        assert_true(st == MM_VERIFY_TAMPERED || st == MM_VERIFY_BAD_ENCODING);
        free(bad);
    }
    free(doc);
}

static void test_other_key_fails(void **state)
{
    fixture *f = *state;
    mm_submission s = submission(f, assessment_a);
    char *doc = NULL;
    assert_int_equal(mm_submission_sign(&doc, &s, f->key), MM_OK);
    assert_int_equal(verify(doc, f->other), MM_VERIFY_WRONG_KEY);
    assert_non_null(strstr(mm_error_last(), f->key->key_id));
    /* a forged key_id does not help: the signature still fails */
    char *forged = edit(doc, f->key->key_id, f->other->key_id);
    assert_int_equal(verify(forged, f->other), MM_VERIFY_TAMPERED);
    free(forged);
    free(doc);
}

static void test_garbled_signature(void **state)
{
    fixture *f = *state;
    mm_submission s = submission(f, assessment_a);
    char *doc = NULL;
    assert_int_equal(mm_submission_sign(&doc, &s, f->key), MM_OK);
    char *sig = strstr(doc, "\"signature\": \"") + 14;
    char *end = strchr(sig, '"');
    /* truncated: drop the last 4 characters */
    char *bad = malloc(strlen(doc) + 1);
    size_t head = (size_t)(end - doc) - 4;
    memcpy(bad, doc, head);
    strcpy(bad + head, end);
    assert_int_equal(verify(bad, f->key), MM_VERIFY_BAD_ENCODING);
    assert_non_null(strstr(mm_error_last(), "base64"));
    /* not base64 at all */
    memcpy(bad, doc, strlen(doc) + 1);
    bad[sig - doc] = '!';
    assert_int_equal(verify(bad, f->key), MM_VERIFY_BAD_ENCODING);
    free(bad);
    /* malformed documents are errors, not verdicts */
    mm_verify_status st;
    const char *malformed[] = {
        "{",
        "[]",
        "{\"envelope\": {}, \"signature\": \"\", \"key_id\": \"\"}",
        "{\"envelope\": 1, \"signature\": \"x\", \"key_id\": \"x\"}",
        "{\"signature\": \"x\", \"key_id\": \"x\"}",
    };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        int rc = mm_submission_verify(&st, malformed[i], strlen(malformed[i]), "m.json", f->key);
        assert_true(rc == MM_EPARSE || rc == MM_EINVALID);
    }
    free(doc);
}

static void test_secret_key_file(void **state)
{
    fixture *f = *state;
    char path[300], pub[310];
    snprintf(path, sizeof path, "%s/org.key", f->dir);
    snprintf(pub, sizeof pub, "%s.pub", path);
    mode_t old = umask(0);
    int rc = mm_key_write(f->key, path, 1767225600);
    umask(old);
    assert_int_equal(rc, MM_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(pub, &st), 0);
    /* never overwritten: the secret file, or the .pub file alone */
    assert_int_equal(mm_key_write(f->other, path, 1767225600), MM_EINVALID);
    mm_key *k = NULL;
    assert_int_equal(mm_key_load(&k, path), MM_OK);
    assert_string_equal(k->key_id, f->key->key_id);
    mm_key_free(k);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mm_key_write(f->other, path, 1767225600), MM_EINVALID);
    assert_int_equal(access(path, F_OK), -1); /* nothing left behind */
    /* signing with a public key is refused */
    assert_int_equal(mm_key_load(&k, pub), MM_OK);
    mm_submission s = submission(f, assessment_a);
    char *doc = NULL;
    assert_int_equal(mm_submission_sign(&doc, &s, k), MM_EUSAGE);
    mm_key_free(k);
}

static void test_evidence_hash(void **state)
{
    fixture *f = *state;
    char path[300], hex[65];
    snprintf(path, sizeof path, "%s/ev.txt", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("abc", fp);
    fclose(fp);
    assert_int_equal(mm_evidence_hash_file(hex, path), MM_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(mm_evidence_hash_file(hex, f->dir), MM_EINVALID);
    assert_int_equal(mm_evidence_hash_file(hex, "/nonexistent/x"), MM_EIO);
}

static void test_inspect(void **state)
{
    fixture *f = *state;
    mm_submission s = submission(f, assessment_a);
    char *doc = NULL, *canon = NULL;
    size_t clen = 0;
    assert_int_equal(mm_submission_sign(&doc, &s, f->key), MM_OK);
    assert_int_equal(mm_submission_canonical(&canon, &clen, &s), MM_OK);
    unsigned char h[crypto_hash_sha256_BYTES];
    char want[65];
    crypto_hash_sha256(h, (const unsigned char *)canon, clen);
    sodium_bin2hex(want, sizeof want, h, sizeof h);

    json_t *env = NULL;
    char kid[17], hash[65];
    assert_int_equal(mm_submission_inspect(&env, kid, hash, doc, strlen(doc), "signed.json"),
                     MM_OK);
    assert_string_equal(hash, want);
    assert_string_equal(kid, f->key->key_id);
    assert_true(json_is_object(env));
    assert_string_equal(json_string_value(json_object_get(env, "kind")), "mamori-submission");
    char *again = json_dumps(env, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    assert_string_equal(again, canon);
    free(again);
    json_decref(env);

    /* the signature is not checked, the shape is: a forged signature still inspects */
    char *forged = strdup(doc);
    char *sp = strstr(forged, "\"signature\": \"");
    assert_non_null(sp);
    sp += strlen("\"signature\": \"");
    *sp = *sp == 'A' ? 'B' : 'A';
    assert_int_equal(mm_submission_inspect(&env, kid, hash, forged, strlen(forged), "s.json"),
                     MM_OK);
    assert_string_equal(hash, want);
    json_decref(env);
    free(forged);
    /* the same checks as verify for malformed documents */
    static const char *const bad[] = {
        "{",
        "[]",
        "{\"envelope\": {}, \"signature\": \"\", \"key_id\": \"0123456789abcdef\"}",
        "{\"signature\": \"x\", \"key_id\": \"x\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mm_verify_status st;
        int want_rc = mm_submission_verify(&st, bad[i], strlen(bad[i]), "b.json", f->key);
        assert_true(want_rc == MM_EPARSE || want_rc == MM_EINVALID);
        env = (json_t *)1;
        assert_int_equal(mm_submission_inspect(&env, kid, hash, bad[i], strlen(bad[i]), "b.json"),
                         want_rc);
        assert_null(env);
    }
    /* a key_id that is not 16 characters cannot be looked up */
    char *longkid = NULL;
    {
        const char *p = strstr(doc, f->key->key_id);
        assert_non_null(p);
        size_t at = (size_t)(p - doc), n = strlen(doc);
        longkid = malloc(n + 2);
        memcpy(longkid, doc, at);
        longkid[at] = '0';
        memcpy(longkid + at + 1, doc + at, n - at + 1);
    }
    assert_int_equal(mm_submission_inspect(&env, kid, hash, longkid, strlen(longkid), "l.json"),
                     MM_EINVALID);
    free(longkid);
    free(canon);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_canonical_ignores_order_and_whitespace),
        cmocka_unit_test(test_reals_rejected),
        cmocka_unit_test(test_any_change_fails),
        cmocka_unit_test(test_other_key_fails),
        cmocka_unit_test(test_garbled_signature),
        cmocka_unit_test(test_secret_key_file),
        cmocka_unit_test(test_evidence_hash),
        cmocka_unit_test(test_inspect),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
