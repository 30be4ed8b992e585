/* Recognition claims signed by the server's receipt key (docs/iot.md "Signed claims"): the
 * signed bytes are the canonical form of the "recognition" object, made by the same
 * serialisation as a submission's envelope and a receipt (mm_submit_canonical_bytes), so a
 * third party checks a claim with the key of GET /api/v1/server-key alone. */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/submit.h"
#include "submit/submit_internal.h"
#include "util/json.h"
#include "util/util.h"

#define KIND_RECOGNITION "mamori-recognition"

int mm_recognition_sign(char **out, json_t *claim, const unsigned char secret_key[64])
{
    *out = NULL;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (!json_is_object(claim) ||
        !mm_streq(json_string_value(json_object_get(claim, "kind")), KIND_RECOGNITION)) {
        mm_error_set("recognition: not a \"%s\" object", KIND_RECOGNITION);
        return MM_EINVALID;
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    char kid[17];
    crypto_sign_ed25519_sk_to_pk(pk, secret_key);
    mm_key_id(kid, pk);
    if (json_object_set_new(claim, "server_key_id", json_string(kid)))
        return MM_ENOMEM;
    int rc = MM_ENOMEM;
    char *canon = NULL, *sig64 = NULL;
    json_t *doc = NULL;
    if (!(canon = mm_submit_canonical_bytes(claim)))
        goto done;
    crypto_sign_detached(sig, NULL, (const unsigned char *)canon, strlen(canon), secret_key);
    if (!(sig64 = mm_submit_b64(sig, sizeof sig)))
        goto done;
    doc = json_pack("{s:O, s:s}", "recognition", claim, "signature", sig64);
    if (!doc || !(*out = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS)))
        goto done;
    rc = MM_OK;
done:
    free(canon);
    free(sig64);
    json_decref(doc);
    return rc;
}

int mm_recognition_verify(bool *valid, json_t **claim_out, const char *doc, size_t len,
                          const unsigned char public_key[32])
{
    static const char *const members[] = {"recognition", "signature"};
    *valid = false;
    if (claim_out)
        *claim_out = NULL;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (len > MM_RECOGNITION_MAX_BYTES) {
        mm_error_set("recognition: larger than %u bytes", MM_RECOGNITION_MAX_BYTES);
        return MM_EINVALID;
    }
    json_t *root;
    if (mm_json_load(&root, doc, len, "recognition", 0))
        return MM_EPARSE;
    int rc = MM_EINVALID;
    char *canon = NULL;
    const json_t *claim = json_object_get(root, "recognition");
    const char *sig64 = json_string_value(json_object_get(root, "signature"));
    const json_t *version = json_object_get(claim, "version");
    const char *server_kid = json_string_value(json_object_get(claim, "server_key_id"));
    if (!mm_submit_has_exactly(root, members, 2) || !sig64) {
        mm_error_set("recognition: not a signed recognition claim (members recognition, "
                     "signature)");
        goto done;
    }
    if (!json_is_object(claim) ||
        !mm_streq(json_string_value(json_object_get(claim, "kind")), KIND_RECOGNITION) ||
        !json_is_integer(version) || json_integer_value(version) != 1 || !server_kid) {
        mm_error_set("recognition: $.recognition: not a version 1 \"%s\" with a server_key_id",
                     KIND_RECOGNITION);
        goto done;
    }
    rc = MM_OK; /* well-formed: from here on, valid or not */
    char kid[17];
    mm_key_id(kid, public_key);
    unsigned char sig[crypto_sign_BYTES];
    if (strcmp(server_kid, kid) != 0) {
        mm_error_set("recognition: signed by server key %.16s, not by key %s", server_kid, kid);
    } else if (!mm_submit_unb64(sig, sizeof sig, sig64)) {
        mm_error_set("recognition: the signature is not base64 of %d bytes", crypto_sign_BYTES);
    } else if (!(canon = mm_submit_canonical_bytes(claim))) {
        rc = MM_ENOMEM;
    } else if (crypto_sign_verify_detached(sig, (const unsigned char *)canon, strlen(canon),
                                           public_key) != 0) {
        mm_error_set("recognition: the signature does not match (changed after signing)");
    } else {
        *valid = true;
        if (claim_out)
            *claim_out = json_incref((json_t *)claim);
    }
done:
    free(canon);
    json_decref(root);
    return rc;
}
