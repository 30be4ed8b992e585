/* Signed submissions: key files, the canonical envelope, Ed25519 signing and verifying. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mamori/error.h"
#include "mamori/submit.h"
#include "submit/submit_internal.h"
#include "util/json.h"
#include "util/util.h"

#define KIND_SECRET     "mamori-ed25519-secret"
#define KIND_PUBLIC     "mamori-ed25519-public"
#define KIND_SUBMISSION "mamori-submission"
#define B64             sodium_base64_VARIANT_ORIGINAL
#define KEY_FILE_MAX    (64u * 1024)

int mm_submit_init_sodium(void)
{
    if (sodium_init() < 0) {
        mm_error_set("libsodium could not be initialised");
        return MM_ERROR;
    }
    return MM_OK;
}

void mm_key_id(char out[17], const unsigned char public_key[MM_KEY_PUBLIC_BYTES])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, public_key, MM_KEY_PUBLIC_BYTES);
    sodium_bin2hex(out, 17, h, 8);
}

void mm_key_free(mm_key *k)
{
    if (!k)
        return;
    free(k->org);
    sodium_memzero(k, sizeof *k);
    free(k);
}

int mm_key_generate(mm_key **out, const char *org)
{
    *out = NULL;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (!org || !org[0]) {
        mm_error_set("keygen: the organization name is empty");
        return MM_EINVALID;
    }
    mm_key *k = calloc(1, sizeof *k);
    if (!k || !(k->org = strdup(org))) {
        free(k);
        return MM_ENOMEM;
    }
    crypto_sign_keypair(k->public_key, k->secret_key);
    k->has_secret = true;
    mm_key_id(k->key_id, k->public_key);
    *out = k;
    return MM_OK;
}

/* Writes text to a new file (O_EXCL) with mode; fsyncs. */
static int write_new(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        int e = errno;
        mm_error_set("%s: %s%s", path, strerror(e),
                     e == EEXIST ? " (key files are never overwritten)" : "");
        return e == EEXIST ? MM_EINVALID : MM_EIO;
    }
    int rc = MM_OK;
    if (fchmod(fd, mode) != 0)
        rc = MM_EIO;
    const char *parts[2] = {text, "\n"};
    for (int p = 0; p < 2; p++) {
        size_t len = strlen(parts[p]), done = 0;
        while (rc == MM_OK && done < len) {
            ssize_t n = write(fd, parts[p] + done, len - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                rc = MM_EIO;
            else
                done += (size_t)n;
        }
    }
    if (rc == MM_OK && fsync(fd) != 0)
        rc = MM_EIO;
    if (close(fd) != 0 && rc == MM_OK)
        rc = MM_EIO;
    if (rc) {
        mm_error_set("%s: cannot write: %s", path, strerror(errno));
        unlink(path);
    }
    return rc;
}

char *mm_submit_b64(const unsigned char *bin, size_t len)
{
    size_t n = sodium_base64_encoded_len(len, B64);
    char *s = malloc(n);
    if (s)
        sodium_bin2base64(s, n, bin, len, B64);
    return s;
}

bool mm_submit_unb64(unsigned char *out, size_t want, const char *s)
{
    size_t got = 0;
    if (!s || sodium_base642bin(out, want, s, strlen(s), NULL, &got, NULL, B64) != 0)
        return false;
    return got == want;
}

int mm_key_write(const mm_key *k, const char *path, long long created)
{
    if (!k->has_secret) {
        mm_error_set("keygen: no secret key to write");
        return MM_EUSAGE;
    }
    char when[21];
    mm_time_rfc3339(when, created);
    char *pk = mm_submit_b64(k->public_key, MM_KEY_PUBLIC_BYTES);
    char *sk = mm_submit_b64(k->secret_key, MM_KEY_SECRET_BYTES);
    char *pubpath = malloc(strlen(path) + 5);
    json_t *sec = NULL, *pub = NULL;
    char *sec_text = NULL, *pub_text = NULL;
    int rc = MM_ENOMEM;
    if (!pk || !sk || !pubpath)
        goto done;
    sprintf(pubpath, "%s.pub", path);
    sec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", KIND_SECRET, "org", k->org,
                    "public_key", pk, "secret_key", sk, "key_id", k->key_id, "created", when);
    pub = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", KIND_PUBLIC, "org", k->org, "public_key",
                    pk, "key_id", k->key_id, "created", when);
    if (!sec || !pub) {
        mm_error_set("keygen: the organization name is not valid UTF-8");
        rc = MM_EINVALID;
        goto done;
    }
    sec_text = json_dumps(sec, JSON_INDENT(2) | JSON_SORT_KEYS);
    pub_text = json_dumps(pub, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!sec_text || !pub_text)
        goto done;
    struct stat st;
    if (lstat(pubpath, &st) == 0) {
        mm_error_set("%s: file exists (key files are never overwritten)", pubpath);
        rc = MM_EINVALID;
        goto done;
    }
    rc = write_new(path, sec_text, 0600);
    if (rc)
        goto done;
    rc = write_new(pubpath, pub_text, 0644);
    if (rc)
        unlink(path);
done:
    if (sk)
        sodium_memzero(sk, strlen(sk));
    if (sec_text)
        sodium_memzero(sec_text, strlen(sec_text));
    if (sec) {
        json_t *v = json_object_get(sec, "secret_key");
        if (v)
            sodium_memzero((char *)json_string_value(v), json_string_length(v));
    }
    free(pk);
    free(sk);
    free(pubpath);
    free(sec_text);
    free(pub_text);
    json_decref(sec);
    json_decref(pub);
    return rc;
}

int mm_key_load(mm_key **out, const char *path)
{
    *out = NULL;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    char *text = NULL;
    size_t len = 0;
    int rc = mm_file_read(&text, &len, path, KEY_FILE_MAX);
    if (rc)
        return rc;
    json_t *root;
    int lrc = mm_json_load(&root, text, len, path, 0);
    sodium_memzero(text, len);
    free(text);
    mm_key *k = NULL;
    if (lrc)
        return lrc;
    rc = MM_EINVALID;
    const char *kind = json_string_value(json_object_get(root, "kind"));
    const char *org = json_string_value(json_object_get(root, "org"));
    const char *pk = json_string_value(json_object_get(root, "public_key"));
    json_t *skv = json_object_get(root, "secret_key");
    bool secret = mm_streq(kind, KIND_SECRET);
    if (!secret && !mm_streq(kind, KIND_PUBLIC)) {
        mm_error_set("%s: not a mamori key file (\"kind\" is not \"%s\" or \"%s\")", path,
                     KIND_SECRET, KIND_PUBLIC);
        goto done;
    }
    if (!org || !org[0]) {
        mm_error_set("%s: \"org\" is missing or empty", path);
        goto done;
    }
    if (!(k = calloc(1, sizeof *k)) || !(k->org = strdup(org))) {
        rc = MM_ENOMEM;
        goto done;
    }
    if (!mm_submit_unb64(k->public_key, MM_KEY_PUBLIC_BYTES, pk)) {
        mm_error_set("%s: \"public_key\" is not base64 of %d bytes", path, MM_KEY_PUBLIC_BYTES);
        goto done;
    }
    if (secret) {
        if (!mm_submit_unb64(k->secret_key, MM_KEY_SECRET_BYTES, json_string_value(skv))) {
            mm_error_set("%s: \"secret_key\" is not base64 of %d bytes", path, MM_KEY_SECRET_BYTES);
            goto done;
        }
        /* libsodium's secret key is seed || public key; derive and compare both */
        unsigned char pk2[MM_KEY_PUBLIC_BYTES], sk2[MM_KEY_SECRET_BYTES];
        crypto_sign_seed_keypair(pk2, sk2, k->secret_key);
        bool match = sodium_memcmp(pk2, k->public_key, sizeof pk2) == 0 &&
                     sodium_memcmp(sk2, k->secret_key, sizeof sk2) == 0;
        sodium_memzero(sk2, sizeof sk2);
        if (!match) {
            mm_error_set("%s: \"secret_key\" and \"public_key\" are not one key pair", path);
            goto done;
        }
        k->has_secret = true;
    }
    mm_key_id(k->key_id, k->public_key);
    const char *kid = json_string_value(json_object_get(root, "key_id"));
    if (kid && strcmp(kid, k->key_id) != 0) {
        mm_error_set("%s: \"key_id\" %s is not the key_id of its public key (%s)", path, kid,
                     k->key_id);
        goto done;
    }
    *out = k;
    k = NULL;
    rc = MM_OK;
done:
    if (json_is_string(skv))
        sodium_memzero((char *)json_string_value(skv), json_string_length(skv));
    json_decref(root);
    mm_key_free(k);
    return rc;
}

int mm_evidence_hash_file(char out[65], const char *path)
{
    if (mm_submit_init_sodium())
        return MM_ERROR;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        mm_error_set("%s: %s", path, strerror(errno));
        return errno == EACCES ? MM_EACCES : MM_EIO;
    }
    struct stat st;
    int rc = MM_OK;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        mm_error_set("%s: not a regular file", path);
        close(fd);
        return MM_EINVALID;
    }
    if ((unsigned long long)st.st_size > MM_EVIDENCE_MAX_BYTES) {
        mm_error_set("%s: evidence files are limited to 1 GiB", path);
        close(fd);
        return MM_ETOOBIG;
    }
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    enum { CHUNK = 64 * 1024 };
    unsigned char *buf = malloc(CHUNK);
    unsigned long long total = 0;
    if (!buf) {
        close(fd);
        return MM_ENOMEM;
    }
    for (;;) {
        ssize_t n = read(fd, buf, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            mm_error_set("%s: %s", path, strerror(errno));
            rc = MM_EIO;
            break;
        }
        if (n == 0)
            break;
        total += (unsigned long long)n;
        if (total > MM_EVIDENCE_MAX_BYTES) { /* grew while being read */
            mm_error_set("%s: evidence files are limited to 1 GiB", path);
            rc = MM_ETOOBIG;
            break;
        }
        crypto_hash_sha256_update(&h, buf, (unsigned long long)n);
    }
    close(fd);
    free(buf);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, digest);
    if (rc == MM_OK)
        sodium_bin2hex(out, 65, digest, sizeof digest);
    return rc;
}

/* ---- canonical form ------------------------------------------------------------------ */

/* Whether v holds a real anywhere (the common case, none, without building paths). */
static bool has_real(json_t *v)
{
    const char *key;
    json_t *m;
    size_t i;
    if (json_is_real(v))
        return true;
    if (json_is_object(v)) {
        json_object_foreach(v, key, m)
        {
            if (has_real(m))
                return true;
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, m)
        {
            if (has_real(m))
                return true;
        }
    }
    return false;
}

/* Names the first real in v (their printing is not canonical); path names the place. */
static int real_at(json_t *v, char *path, size_t cap, const char *name)
{
    size_t len = strlen(path);
    if (json_is_real(v)) {
        mm_error_set("%s: %s: non-integer numbers cannot be signed (write it as a string)", name,
                     path);
        return MM_EINVALID;
    }
    if (json_is_object(v)) {
        const char *key;
        json_t *m;
        json_object_foreach(v, key, m)
        {
            snprintf(path + len, cap - len, ".%s", key);
            int rc = real_at(m, path, cap, name);
            path[len] = '\0';
            if (rc)
                return rc;
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m)
        {
            snprintf(path + len, cap - len, "[%zu]", i);
            int rc = real_at(m, path, cap, name);
            path[len] = '\0';
            if (rc)
                return rc;
        }
    }
    return MM_OK;
}

/* Rejects reals anywhere in v, naming the first one's place (path: where v is). */
static int check_numbers(json_t *v, char *path, size_t cap, const char *name)
{
    return has_real(v) ? real_at(v, path, cap, name) : MM_OK;
}

static int cmp_evidence(const void *a, const void *b)
{
    return strcmp(((const mm_evidence_hash *)a)->path, ((const mm_evidence_hash *)b)->path);
}

bool mm_submit_is_hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* The envelope object of s (new reference), or NULL with the error set in *rc. */
static json_t *build_envelope(const mm_submission *s, int *rc)
{
    json_t *assessment = NULL, *ev = NULL, *env = NULL;
    mm_evidence_hash *sorted = NULL;
    char path[512] = "$";
    *rc = MM_EINVALID;
    if (!s->official || !s->official[0]) {
        mm_error_set("the affirming official's name is empty");
        return NULL;
    }
    if (!s->date || !mm_is_date(s->date)) {
        mm_error_set("the affirming official's date '%s' is not YYYY-MM-DD",
                     s->date ? s->date : "");
        return NULL;
    }
    if (mm_json_load(&assessment, s->assessment, s->assessment_len, s->name, 0)) {
        *rc = MM_EPARSE;
        return NULL;
    }
    if (!json_is_object(assessment)) {
        mm_error_set("%s: an assessment is a JSON object", s->name);
        goto fail;
    }
    if ((*rc = check_numbers(assessment, path, sizeof path, s->name)) != MM_OK)
        goto fail;
    *rc = MM_ENOMEM;
    if (s->nevidence && !(sorted = malloc(s->nevidence * sizeof *sorted)))
        goto fail;
    if (s->nevidence)
        memcpy(sorted, s->evidence, s->nevidence * sizeof *sorted);
    if (s->nevidence > 1)
        qsort(sorted, s->nevidence, sizeof *sorted, cmp_evidence);
    if (!(ev = json_array()))
        goto fail;
    for (size_t i = 0; i < s->nevidence; i++) {
        *rc = MM_EINVALID;
        if (i && strcmp(sorted[i].path, sorted[i - 1].path) == 0) {
            mm_error_set("evidence file '%s' is given twice", sorted[i].path);
            goto fail;
        }
        if (!mm_submit_is_hex64(sorted[i].sha256)) {
            mm_error_set("evidence file '%s': bad SHA-256", sorted[i].path);
            goto fail;
        }
        json_t *e = json_pack("{s:s, s:s}", "path", sorted[i].path, "sha256", sorted[i].sha256);
        if (!e || json_array_append_new(ev, e)) {
            mm_error_set("evidence path '%s' is not valid UTF-8", sorted[i].path);
            goto fail;
        }
    }
    env = json_pack("{s:s, s:i, s:O, s:O, s:{s:s, s:s}}", "kind", KIND_SUBMISSION, "version", 1,
                    "assessment", assessment, "evidence", ev, "affirming_official", "name",
                    s->official, "date", s->date);
    if (!env) {
        mm_error_set("the affirming official's name is not valid UTF-8");
        *rc = MM_EINVALID;
        goto fail;
    }
    *rc = MM_OK;
fail:
    free(sorted);
    json_decref(assessment);
    json_decref(ev);
    return env;
}

char *mm_submit_canonical_bytes(const json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
}

int mm_submission_canonical(char **out, size_t *out_len, const mm_submission *s)
{
    *out = NULL;
    int rc;
    json_t *env = build_envelope(s, &rc);
    if (!env)
        return rc;
    *out = mm_submit_canonical_bytes(env);
    json_decref(env);
    if (!*out)
        return MM_ENOMEM;
    *out_len = strlen(*out);
    return MM_OK;
}

int mm_submission_sign(char **out, const mm_submission *s, const mm_key *k)
{
    *out = NULL;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (!k->has_secret) {
        mm_error_set("signing needs a secret key file, not a public one");
        return MM_EUSAGE;
    }
    int rc;
    json_t *env = build_envelope(s, &rc), *doc = NULL;
    if (!env)
        return rc;
    char *canon = mm_submit_canonical_bytes(env), *sig64 = NULL;
    rc = MM_ENOMEM;
    if (!canon)
        goto done;
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)canon, strlen(canon), k->secret_key);
    if (!(sig64 = mm_submit_b64(sig, sizeof sig)))
        goto done;
    doc = json_pack("{s:O, s:s, s:s}", "envelope", env, "signature", sig64, "key_id", k->key_id);
    if (!doc || !(*out = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS)))
        goto done;
    rc = MM_OK;
done:
    free(canon);
    free(sig64);
    json_decref(doc);
    json_decref(env);
    return rc;
}

/* ---- verifying -------------------------------------------------------------------------- */

const char *mm_verify_status_name(mm_verify_status st)
{
    switch (st) {
    case MM_VERIFY_VALID:
        return "valid";
    case MM_VERIFY_WRONG_KEY:
        return "wrong key";
    case MM_VERIFY_BAD_ENCODING:
        return "bad signature encoding";
    case MM_VERIFY_TAMPERED:
        return "tampered envelope";
    }
    return "unknown";
}

bool mm_submit_has_exactly(const json_t *obj, const char *const *names, size_t n)
{
    if (!json_is_object(obj) || json_object_size(obj) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!json_object_get(obj, names[i]))
            return false;
    return true;
}

static int check_envelope(json_t *env, const char *name)
{
    static const char *const members[] = {"kind", "version", "assessment", "evidence",
                                          "affirming_official"};
    static const char *const evm[] = {"path", "sha256"};
    static const char *const offm[] = {"name", "date"};
    char path[512] = "$.envelope.assessment";
    if (!mm_submit_has_exactly(env, members, 5)) {
        mm_error_set("%s: $.envelope: must have exactly the members kind, version, assessment, "
                     "evidence, affirming_official",
                     name);
        return MM_EINVALID;
    }
    json_t *version = json_object_get(env, "version");
    if (!mm_streq(json_string_value(json_object_get(env, "kind")), KIND_SUBMISSION) ||
        !json_is_integer(version) || json_integer_value(version) != 1) {
        mm_error_set("%s: $.envelope: not a version 1 \"%s\"", name, KIND_SUBMISSION);
        return MM_EINVALID;
    }
    json_t *a = json_object_get(env, "assessment");
    if (!json_is_object(a)) {
        mm_error_set("%s: $.envelope.assessment: not an object", name);
        return MM_EINVALID;
    }
    int rc = check_numbers(a, path, sizeof path, name);
    if (rc)
        return rc;
    json_t *ev = json_object_get(env, "evidence"), *e;
    size_t i;
    if (!json_is_array(ev)) {
        mm_error_set("%s: $.envelope.evidence: not an array", name);
        return MM_EINVALID;
    }
    const char *prev = NULL;
    json_array_foreach(ev, i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));
        if (!mm_submit_has_exactly(e, evm, 2) || !p ||
            !mm_submit_is_hex64(json_string_value(json_object_get(e, "sha256"))) ||
            (prev && strcmp(prev, p) >= 0)) {
            mm_error_set("%s: $.envelope.evidence[%zu]: not {path, sha256} in path order", name, i);
            return MM_EINVALID;
        }
        prev = p;
    }
    json_t *off = json_object_get(env, "affirming_official");
    const char *oname = json_string_value(json_object_get(off, "name"));
    const char *date = json_string_value(json_object_get(off, "date"));
    if (!mm_submit_has_exactly(off, offm, 2) || !oname || !oname[0] || !date || !mm_is_date(date)) {
        mm_error_set("%s: $.envelope.affirming_official: not {name, date YYYY-MM-DD}", name);
        return MM_EINVALID;
    }
    return MM_OK;
}

/* Parses a signed document (a submission or an affirmation, kind says which) and checks its
 * shape: d->root gets the document (mm_signed_free), d->envelope, d->signature and
 * d->key_id point into it; nothing else is computed yet. The one parse of mm_submission_*
 * and mm_affirmation_*. */
int mm_signed_parse(mm_signed *d, const mm_signed_kind *kind, const char *doc, size_t len,
                    const char *name)
{
    static const char *const members[] = {"envelope", "signature", "key_id"};
    memset(d, 0, sizeof *d);
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (len > kind->max_bytes) {
        mm_error_set("%s: larger than %zu bytes", name, kind->max_bytes);
        return MM_ETOOBIG;
    }
    json_t *r;
    if (mm_json_load(&r, doc, len, name, 0))
        return MM_EPARSE;
    const char *sig64 = json_string_value(json_object_get(r, "signature"));
    const char *kid = json_string_value(json_object_get(r, "key_id"));
    json_t *env = json_object_get(r, "envelope");
    int rc = MM_EINVALID;
    if (!mm_submit_has_exactly(r, members, 3) || !sig64 || !kid)
        mm_error_set("%s: not a signed %s (members envelope, signature, key_id)", name, kind->what);
    else
        rc = kind->check_envelope(env, name);
    if (rc) {
        json_decref(r);
        return rc;
    }
    *d = (mm_signed){.root = r, .envelope = env, .signature = sig64, .key_id = kid};
    return MM_OK;
}

int mm_signed_digest(mm_signed *d, const char *name)
{
    if (strlen(d->key_id) != 16) {
        mm_error_set("%s: $.key_id: not a key id of 16 hex digits", name);
        return MM_EINVALID;
    }
    if (!d->canonical && !(d->canonical = mm_submit_canonical_bytes(d->envelope)))
        return MM_ENOMEM;
    d->canonical_len = strlen(d->canonical);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)d->canonical, d->canonical_len);
    sodium_bin2hex(d->hash, sizeof d->hash, h, sizeof h);
    return MM_OK;
}

void mm_signed_free(mm_signed *d)
{
    json_decref(d->root);
    free(d->canonical);
    memset(d, 0, sizeof *d);
}

int mm_submit_signature_check(mm_verify_status *status, const char *sig64, const char *canon,
                              size_t canon_len, const unsigned char *public_key)
{
    unsigned char sig[crypto_sign_BYTES];
    if (!mm_submit_unb64(sig, sizeof sig, sig64)) {
        *status = MM_VERIFY_BAD_ENCODING;
        mm_error_set("the signature is not base64 of %d bytes", crypto_sign_BYTES);
        return MM_OK;
    }
    if (crypto_sign_verify_detached(sig, (const unsigned char *)canon, canon_len, public_key) !=
        0) {
        *status = MM_VERIFY_TAMPERED;
        mm_error_set("the signature does not match the envelope (changed after signing)");
    } else {
        *status = MM_VERIFY_VALID;
    }
    return MM_OK;
}

static const mm_signed_kind submission_kind = {"submission", MM_SIGNED_MAX_BYTES, check_envelope};

int mm_submission_open(mm_signed *d, const char *doc, size_t len, const char *name)
{
    int rc = mm_signed_parse(d, &submission_kind, doc, len, name);
    if (rc == MM_OK && (rc = mm_signed_digest(d, name)) != MM_OK)
        mm_signed_free(d);
    return rc;
}

int mm_signed_verify(mm_verify_status *status, mm_signed *d, const mm_key *pub)
{
    *status = MM_VERIFY_TAMPERED;
    const char *kid = d->key_id;
    if (!kid || strlen(kid) != 16 || sodium_memcmp(kid, pub->key_id, 16) != 0) {
        *status = MM_VERIFY_WRONG_KEY;
        mm_error_set("signed with key %.16s, not with key %s of %s", kid ? kid : "", pub->key_id,
                     pub->org ? pub->org : "its owner");
        return MM_OK;
    }
    if (!d->canonical && !(d->canonical = mm_submit_canonical_bytes(d->envelope)))
        return MM_ENOMEM;
    d->canonical_len = strlen(d->canonical);
    return mm_submit_signature_check(status, d->signature, d->canonical, d->canonical_len,
                                     pub->public_key);
}

int mm_submission_verify(mm_verify_status *status, const char *doc, size_t len, const char *name,
                         const mm_key *pub)
{
    *status = MM_VERIFY_TAMPERED;
    mm_signed d;
    int rc = mm_signed_parse(&d, &submission_kind, doc, len, name);
    if (rc)
        return rc;
    rc = mm_signed_verify(status, &d, pub);
    mm_signed_free(&d);
    return rc;
}

int mm_submission_inspect(json_t **envelope, char key_id[17], char hash[65], const char *doc,
                          size_t len, const char *name)
{
    *envelope = NULL;
    mm_signed d;
    int rc = mm_submission_open(&d, doc, len, name);
    if (rc)
        return rc;
    memcpy(key_id, d.key_id, 17);
    memcpy(hash, d.hash, 65);
    *envelope = json_incref(d.envelope);
    mm_signed_free(&d);
    return MM_OK;
}
