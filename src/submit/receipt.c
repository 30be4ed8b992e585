/* Receipts: the server's signed answer to an accepted submission (docs/signing.md,
 * "Receipts"). The signed bytes are the canonical form of the "receipt" object, made by the
 * same serialisation as a submission's envelope (mm_submit_canonical_bytes). */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/submit.h"
#include "submit/submit_internal.h"
#include "util/json.h"
#include "util/util.h"

#define KIND_RECEIPT      "mamori-receipt"
#define KIND_SERVER_KEY   "mamori-server-key"
#define RECEIPT_MAX_BYTES (64u * 1024)
#define SUBMISSION_ID_MAX 63 /* bytes, so that it fits the caller's 64-byte buffer */

static const char *const receipt_members[] = {"kind",   "version",   "submission_id",
                                              "org_id", "body_hash", "received",
                                              "status", "score",     "server_key_id"};
#define NRECEIPT_MEMBERS (sizeof receipt_members / sizeof receipt_members[0])

static bool nonempty(const char *s)
{
    return s && s[0];
}

int mm_receipt_sign(char **out, const mm_receipt *r, const unsigned char secret_key[64])
{
    *out = NULL;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (!nonempty(r->submission_id) || !nonempty(r->org_id) || !nonempty(r->received) ||
        !nonempty(r->status) || !r->body_hash) {
        mm_error_set("receipt: submission_id, org_id, body_hash, received and status are all "
                     "required");
        return MM_EINVALID;
    }
    if (strlen(r->submission_id) > SUBMISSION_ID_MAX) {
        mm_error_set("receipt: submission_id is longer than %d bytes", SUBMISSION_ID_MAX);
        return MM_EINVALID;
    }
    if (!mm_submit_is_hex64(r->body_hash)) {
        mm_error_set("receipt: body_hash is not 64 lowercase hex digits");
        return MM_EINVALID;
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    char kid[17];
    crypto_sign_ed25519_sk_to_pk(pk, secret_key);
    mm_key_id(kid, pk);
    int rc = MM_ENOMEM;
    char *canon = NULL, *sig64 = NULL;
    json_t *doc = NULL;
    json_t *rec =
        json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "kind", KIND_RECEIPT, "version",
                  1, "submission_id", r->submission_id, "org_id", r->org_id, "body_hash",
                  r->body_hash, "received", r->received, "status", r->status, "score",
                  r->has_score ? json_integer(r->score) : json_null(), "server_key_id", kid);
    if (!rec) {
        mm_error_set("receipt: a member is not valid UTF-8");
        return MM_EINVALID;
    }
    if (!(canon = mm_submit_canonical_bytes(rec)))
        goto done;
    crypto_sign_detached(sig, NULL, (const unsigned char *)canon, strlen(canon), secret_key);
    if (!(sig64 = mm_submit_b64(sig, sizeof sig)))
        goto done;
    doc = json_pack("{s:O, s:s}", "receipt", rec, "signature", sig64);
    if (!doc || !(*out = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS)))
        goto done;
    rc = MM_OK;
done:
    free(canon);
    free(sig64);
    json_decref(doc);
    json_decref(rec);
    return rc;
}

/* Checks the exact shape of the "receipt" object. */
static int check_receipt(const json_t *rec)
{
    if (!mm_submit_has_exactly(rec, receipt_members, NRECEIPT_MEMBERS)) {
        mm_error_set("receipt: $.receipt: must have exactly the members kind, version, "
                     "submission_id, org_id, body_hash, received, status, score, server_key_id");
        return MM_EINVALID;
    }
    const json_t *version = json_object_get(rec, "version");
    if (!mm_streq(json_string_value(json_object_get(rec, "kind")), KIND_RECEIPT) ||
        !json_is_integer(version) || json_integer_value(version) != 1) {
        mm_error_set("receipt: $.receipt: not a version 1 \"%s\"", KIND_RECEIPT);
        return MM_EINVALID;
    }
    static const char *const strings[] = {"submission_id", "org_id", "received", "status"};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        if (!nonempty(json_string_value(json_object_get(rec, strings[i])))) {
            mm_error_set("receipt: $.receipt.%s: not a non-empty string", strings[i]);
            return MM_EINVALID;
        }
    }
    if (json_string_length(json_object_get(rec, "submission_id")) > SUBMISSION_ID_MAX) {
        mm_error_set("receipt: $.receipt.submission_id: longer than %d bytes", SUBMISSION_ID_MAX);
        return MM_EINVALID;
    }
    if (!mm_submit_is_hex64(json_string_value(json_object_get(rec, "body_hash")))) {
        mm_error_set("receipt: $.receipt.body_hash: not 64 lowercase hex digits");
        return MM_EINVALID;
    }
    const json_t *score = json_object_get(rec, "score");
    if (!json_is_integer(score) && !json_is_null(score)) {
        mm_error_set("receipt: $.receipt.score: not an integer or null");
        return MM_EINVALID;
    }
    if (!json_is_string(json_object_get(rec, "server_key_id"))) {
        mm_error_set("receipt: $.receipt.server_key_id: not a string");
        return MM_EINVALID;
    }
    return MM_OK;
}

int mm_receipt_verify(bool *valid, const char *doc, size_t len, const unsigned char public_key[32],
                      char *body_hash_out, char *submission_id_out)
{
    static const char *const members[] = {"receipt", "signature"};
    *valid = false;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (len > RECEIPT_MAX_BYTES) {
        mm_error_set("receipt: larger than %u bytes", RECEIPT_MAX_BYTES);
        return MM_EINVALID;
    }
    json_t *root;
    if (mm_json_load(&root, doc, len, "receipt", 0))
        return MM_EPARSE;
    int rc = MM_EINVALID;
    char *canon = NULL;
    const char *sig64 = json_string_value(json_object_get(root, "signature"));
    if (!mm_submit_has_exactly(root, members, 2) || !sig64) {
        mm_error_set("receipt: not a receipt (members receipt, signature)");
        goto done;
    }
    const json_t *rec = json_object_get(root, "receipt");
    if ((rc = check_receipt(rec)) != MM_OK)
        goto done;
    if (body_hash_out)
        memcpy(body_hash_out, json_string_value(json_object_get(rec, "body_hash")), 65);
    if (submission_id_out) {
        const json_t *sid = json_object_get(rec, "submission_id");
        memcpy(submission_id_out, json_string_value(sid), json_string_length(sid) + 1);
    }
    char kid[17];
    mm_key_id(kid, public_key);
    const char *server_kid = json_string_value(json_object_get(rec, "server_key_id"));
    if (strcmp(server_kid, kid) != 0) {
        mm_error_set("receipt: signed by server key %.16s, not by key %s", server_kid, kid);
        goto done; /* rc is MM_OK: well-formed, not valid */
    }
    unsigned char sig[crypto_sign_BYTES];
    if (!mm_submit_unb64(sig, sizeof sig, sig64)) {
        mm_error_set("receipt: the signature is not base64 of %d bytes", crypto_sign_BYTES);
        goto done; /* rc is MM_OK: well-formed, not valid */
    }
    if (!(canon = mm_submit_canonical_bytes(rec))) {
        rc = MM_ENOMEM;
        goto done;
    }
    if (crypto_sign_verify_detached(sig, (const unsigned char *)canon, strlen(canon), public_key) !=
        0) {
        mm_error_set("receipt: the signature does not match (changed after signing)");
        goto done; /* rc is MM_OK: well-formed, not valid */
    }
    *valid = true;
done:
    free(canon);
    json_decref(root);
    return rc;
}

int mm_server_key_parse(unsigned char public_key[32], char key_id[17], const char *text, size_t len,
                        const char *name)
{
    json_t *doc;
    key_id[0] = '\0';
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (mm_json_load(&doc, text, len, name, 0))
        return MM_EPARSE;
    const char *kind = json_string_value(json_object_get(doc, "kind"));
    const char *b64 = json_string_value(json_object_get(doc, "public_key"));
    const char *id = json_string_value(json_object_get(doc, "key_id"));
    int rc = MM_EINVALID;
    char kid[17];
    if (!json_is_object(doc)) {
        mm_error_set("%s: not a server key (a JSON object with \"kind\": \"%s\")", name,
                     KIND_SERVER_KEY);
    } else if (mm_streq(kind, "mamori-ed25519-public") || mm_streq(kind, "mamori-ed25519-secret")) {
        mm_error_set("%s: $.kind: \"%s\" is an organization's signing key (mamori keygen), not "
                     "the server's receipt key: save the server's with curl URL/api/v1/server-key",
                     name, kind);
    } else if (!mm_streq(kind, KIND_SERVER_KEY)) {
        mm_error_set("%s: $.kind: not a server key (\"kind\": \"%s\" is required; save it with "
                     "curl URL/api/v1/server-key)",
                     name, KIND_SERVER_KEY);
    } else if (!mm_submit_unb64(public_key, 32, b64)) {
        mm_error_set("%s: $.public_key: not base64 of 32 bytes", name);
    } else if (!id) {
        mm_error_set("%s: $.key_id: a string is required", name);
    } else if (mm_key_id(kid, public_key), strcmp(kid, id) != 0) {
        bool hex = strlen(id) == 16 && strspn(id, "0123456789abcdef") == 16;
        mm_error_set("%s: $.key_id: %s%s%s is not the key id of the public key (%s)", name,
                     hex ? "\"" : "", hex ? id : "the value", hex ? "\"" : "", kid);
    } else {
        memcpy(key_id, kid, sizeof kid);
        rc = MM_OK;
    }
    json_decref(doc);
    return rc;
}
