/* Signed annual affirmations (32 CFR 170.22; docs/signing.md "Affirmations"): the affirming
 * official's statement that the organization's latest submission still holds, signed with the
 * organization's key like a submission, without a new assessment.
 *
 * The envelope: {"affirming_official": {"date", "name"}, "kind": "mamori-affirmation",
 * "submission_id": ID, "version": 1}; the document {"envelope", "key_id", "signature"} with the
 * signature over the envelope's canonical bytes (the same serialisation as a submission's). */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/submit.h"
#include "submit/submit_internal.h"
#include "util/json.h"
#include "util/util.h"

#define KIND_AFFIRMATION "mamori-affirmation"

static bool good_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
            return false;
    return true;
}

static int check_envelope(json_t *env, const char *name)
{
    static const char *const members[] = {"kind", "version", "submission_id", "affirming_official"};
    static const char *const offm[] = {"name", "date"};
    if (!mm_submit_has_exactly(env, members, 4)) {
        mm_error_set("%s: $.envelope: must have exactly the members kind, version, "
                     "submission_id, affirming_official",
                     name);
        return MM_EINVALID;
    }
    json_t *version = json_object_get(env, "version");
    if (!mm_streq(json_string_value(json_object_get(env, "kind")), KIND_AFFIRMATION) ||
        !json_is_integer(version) || json_integer_value(version) != 1) {
        mm_error_set("%s: $.envelope: not a version 1 \"%s\"", name, KIND_AFFIRMATION);
        return MM_EINVALID;
    }
    if (!good_id(json_string_value(json_object_get(env, "submission_id")))) {
        mm_error_set("%s: $.envelope.submission_id: not a submission id (1 to 64 of a-z, 0-9, -)",
                     name);
        return MM_EINVALID;
    }
    json_t *off = json_object_get(env, "affirming_official");
    const char *oname = json_string_value(json_object_get(off, "name"));
    const char *date = json_string_value(json_object_get(off, "date"));
    if (!mm_submit_has_exactly(off, offm, 2) || !oname || !oname[0] || strlen(oname) > 200 ||
        !date || !mm_is_date(date)) {
        mm_error_set("%s: $.envelope.affirming_official: not {name (1 to 200 bytes), date "
                     "YYYY-MM-DD}",
                     name);
        return MM_EINVALID;
    }
    return MM_OK;
}

int mm_affirmation_sign(char **out, const mm_affirmation *a, const mm_key *k)
{
    *out = NULL;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (!k->has_secret) {
        mm_error_set("signing needs a secret key file, not a public one");
        return MM_EUSAGE;
    }
    json_t *env = json_pack("{s:s, s:i, s:s?, s:{s:s?, s:s?}}", "kind", KIND_AFFIRMATION, "version",
                            1, "submission_id", a->submission_id, "affirming_official", "name",
                            a->official, "date", a->date);
    if (!env)
        return MM_ENOMEM;
    int rc = check_envelope(env, "affirmation");
    char *canon = NULL, *sig64 = NULL;
    json_t *doc = NULL;
    if (rc)
        goto done;
    rc = MM_ENOMEM;
    if (!(canon = mm_submit_canonical_bytes(env)))
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

static const mm_signed_kind affirmation_kind = {"affirmation", MM_AFFIRMATION_MAX_BYTES,
                                                check_envelope};

int mm_affirmation_open(mm_signed *d, const char *doc, size_t len, const char *name)
{
    int rc = mm_signed_parse(d, &affirmation_kind, doc, len, name);
    if (rc == MM_OK && (rc = mm_signed_digest(d, name)) != MM_OK)
        mm_signed_free(d);
    return rc;
}

int mm_affirmation_inspect(json_t **envelope, char key_id[17], char hash[65], const char *doc,
                           size_t len, const char *name)
{
    *envelope = NULL;
    mm_signed d;
    int rc = mm_affirmation_open(&d, doc, len, name);
    if (rc)
        return rc;
    memcpy(key_id, d.key_id, 17);
    memcpy(hash, d.hash, 65);
    *envelope = json_incref(d.envelope);
    mm_signed_free(&d);
    return MM_OK;
}

int mm_affirmation_verify(mm_verify_status *status, const char *doc, size_t len, const char *name,
                          const mm_key *pub)
{
    *status = MM_VERIFY_TAMPERED;
    mm_signed d;
    int rc = mm_affirmation_open(&d, doc, len, name);
    if (rc)
        return rc;
    if (sodium_memcmp(d.key_id, pub->key_id, 16) != 0) {
        *status = MM_VERIFY_WRONG_KEY;
        mm_error_set("signed with key %.16s, not with key %s", d.key_id, pub->key_id);
    } else {
        rc = mm_submit_signature_check(status, d.signature, d.canonical, d.canonical_len,
                                       pub->public_key);
    }
    mm_signed_free(&d);
    return rc;
}
