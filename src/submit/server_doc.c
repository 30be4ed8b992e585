/* Documents signed by the server's receipt key (submit_internal.h, docs/signing.md): the
 * signed bytes are the canonical form of the document's object, made by the same
 * serialisation as a submission's envelope and a receipt (mm_submit_canonical_bytes), so a
 * third party checks one with the key of GET /api/v1/server-key alone. Recognition claims
 * (recognition.c) and screening reports (src/screen/report_sign.c) are signed and checked
 * here. */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "submit/submit_internal.h"
#include "util/json.h"
#include "util/util.h"

int mm_server_doc_sign(char **out, const mm_server_doc *d, json_t *obj,
                       const unsigned char secret_key[64])
{
    *out = NULL;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (!json_is_object(obj) ||
        !mm_streq(json_string_value(json_object_get(obj, "kind")), d->kind)) {
        mm_error_set("%s: not a \"%s\" object", d->what, d->kind);
        return MM_EINVALID;
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    char kid[17];
    crypto_sign_ed25519_sk_to_pk(pk, secret_key);
    mm_key_id(kid, pk);
    if (json_object_set_new(obj, "server_key_id", json_string(kid)))
        return MM_ENOMEM;
    int rc = MM_ENOMEM;
    char *canon = NULL, *sig64 = NULL;
    json_t *doc = NULL;
    if (!(canon = mm_submit_canonical_bytes(obj)))
        goto done;
    crypto_sign_detached(sig, NULL, (const unsigned char *)canon, strlen(canon), secret_key);
    if (!(sig64 = mm_submit_b64(sig, sizeof sig)))
        goto done;
    doc = json_pack("{s:O, s:s}", d->member, obj, "signature", sig64);
    if (!doc || !(*out = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS)))
        goto done;
    rc = MM_OK;
done:
    free(canon);
    free(sig64);
    json_decref(doc);
    return rc;
}

int mm_server_doc_verify(bool *valid, json_t **obj_out, const mm_server_doc *d, const char *doc,
                         size_t len, const unsigned char public_key[32])
{
    const char *const members[] = {d->member, "signature"};
    json_t *root;
    if (mm_json_load(&root, doc, len, d->what, 0))
        return MM_EPARSE;
    int rc = MM_EINVALID;
    char *canon = NULL;
    const json_t *obj = json_object_get(root, d->member);
    const char *sig64 = json_string_value(json_object_get(root, "signature"));
    const json_t *version = json_object_get(obj, "version");
    const char *server_kid = json_string_value(json_object_get(obj, "server_key_id"));
    if (!mm_submit_has_exactly(root, members, 2) || !sig64) {
        mm_error_set("%s: not a signed %s (members %s, signature)", d->what, d->desc, d->member);
        goto done;
    }
    if (!json_is_object(obj) ||
        !mm_streq(json_string_value(json_object_get(obj, "kind")), d->kind) ||
        !json_is_integer(version) || json_integer_value(version) != 1 || !server_kid) {
        mm_error_set("%s: $.%s: not a version 1 \"%s\" with a server_key_id", d->what, d->member,
                     d->kind);
        goto done;
    }
    rc = MM_OK; /* well-formed: from here on, valid or not */
    char kid[17];
    mm_key_id(kid, public_key);
    unsigned char sig[crypto_sign_BYTES];
    if (strcmp(server_kid, kid) != 0) {
        mm_error_set("%s: signed by server key %.16s, not by key %s", d->what, server_kid, kid);
    } else if (!mm_submit_unb64(sig, sizeof sig, sig64)) {
        mm_error_set("%s: the signature is not base64 of %d bytes", d->what, crypto_sign_BYTES);
    } else if (!(canon = mm_submit_canonical_bytes(obj))) {
        rc = MM_ENOMEM;
    } else if (crypto_sign_verify_detached(sig, (const unsigned char *)canon, strlen(canon),
                                           public_key) != 0) {
        mm_error_set("%s: the signature does not match (changed after signing)", d->what);
    } else {
        *valid = true;
        if (obj_out)
            *obj_out = json_incref((json_t *)obj);
    }
done:
    free(canon);
    json_decref(root);
    return rc;
}
