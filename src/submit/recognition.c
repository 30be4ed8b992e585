/* Recognition claims signed by the server's receipt key (docs/iot.md "Signed claims"): the
 * signed bytes are the canonical form of the "recognition" object, made by the same
 * serialisation as a submission's envelope and a receipt (mm_submit_canonical_bytes), so a
 * third party checks a claim with the key of GET /api/v1/server-key alone. */
#include <jansson.h>

#include "mamori/error.h"
#include "mamori/submit.h"
#include "submit/submit_internal.h"

#define KIND_RECOGNITION "mamori-recognition"

static const mm_server_doc recognition_doc = {.member = "recognition",
                                              .kind = KIND_RECOGNITION,
                                              .what = "recognition",
                                              .desc = "recognition claim"};

int mm_recognition_sign(char **out, json_t *claim, const unsigned char secret_key[64])
{
    return mm_server_doc_sign(out, &recognition_doc, claim, secret_key);
}

int mm_recognition_verify(bool *valid, json_t **claim_out, const char *doc, size_t len,
                          const unsigned char public_key[32])
{
    *valid = false;
    if (claim_out)
        *claim_out = NULL;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (len > MM_RECOGNITION_MAX_BYTES) {
        mm_error_set("recognition: larger than %u bytes", MM_RECOGNITION_MAX_BYTES);
        return MM_EINVALID;
    }
    return mm_server_doc_verify(valid, claim_out, &recognition_doc, doc, len, public_key);
}
