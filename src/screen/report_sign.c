/* The screening report signed by the server's receipt key (docs/screening.md "Signed
 * reports", docs/signing.md): the signed bytes are the canonical form of the
 * "screening_report" object, by the same serialisation as a submission's envelope, a receipt
 * and a recognition claim (mm_submit_canonical_bytes), so a third party checks a report with
 * the key of GET /api/v1/server-key alone. An HTML report is checked through the signed
 * document it embeds, and must be exactly what that document renders to. */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/screen_report.h"
#include "mamori/submit.h"
#include "submit/submit_internal.h"
#include "util/json.h"
#include "util/util.h"

int mm_screen_report_sign(char **out, json_t *report, const unsigned char secret_key[64])
{
    *out = NULL;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (!json_is_object(report) ||
        !mm_streq(json_string_value(json_object_get(report, "kind")), MM_SCREEN_REPORT_KIND)) {
        mm_error_set("screening report: not a \"%s\" object", MM_SCREEN_REPORT_KIND);
        return MM_EINVALID;
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    char kid[17];
    crypto_sign_ed25519_sk_to_pk(pk, secret_key);
    mm_key_id(kid, pk);
    if (json_object_set_new(report, "server_key_id", json_string(kid)))
        return MM_ENOMEM;
    int rc = MM_ENOMEM;
    char *canon = NULL, *sig64 = NULL;
    json_t *doc = NULL;
    if (!(canon = mm_submit_canonical_bytes(report)))
        goto done;
    crypto_sign_detached(sig, NULL, (const unsigned char *)canon, strlen(canon), secret_key);
    if (!(sig64 = mm_submit_b64(sig, sizeof sig)))
        goto done;
    doc = json_pack("{s:O, s:s}", "screening_report", report, "signature", sig64);
    if (!doc || !(*out = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS)))
        goto done;
    rc = MM_OK;
done:
    free(canon);
    free(sig64);
    json_decref(doc);
    return rc;
}

static int verify_json(bool *valid, json_t **report_out, const char *doc, size_t len,
                       const unsigned char public_key[32])
{
    static const char *const members[] = {"screening_report", "signature"};
    json_t *root;
    if (mm_json_load(&root, doc, len, "screening report", 0))
        return MM_EPARSE;
    int rc = MM_EINVALID;
    char *canon = NULL;
    const json_t *rep = json_object_get(root, "screening_report");
    const char *sig64 = json_string_value(json_object_get(root, "signature"));
    const json_t *version = json_object_get(rep, "version");
    const char *server_kid = json_string_value(json_object_get(rep, "server_key_id"));
    if (!mm_submit_has_exactly(root, members, 2) || !sig64) {
        mm_error_set("screening report: not a signed screening report (members "
                     "screening_report, signature)");
        goto done;
    }
    if (!json_is_object(rep) ||
        !mm_streq(json_string_value(json_object_get(rep, "kind")), MM_SCREEN_REPORT_KIND) ||
        !json_is_integer(version) || json_integer_value(version) != 1 || !server_kid) {
        mm_error_set("screening report: $.screening_report: not a version 1 \"%s\" with a "
                     "server_key_id",
                     MM_SCREEN_REPORT_KIND);
        goto done;
    }
    rc = MM_OK; /* well-formed: from here on, valid or not */
    char kid[17];
    mm_key_id(kid, public_key);
    unsigned char sig[crypto_sign_BYTES];
    if (strcmp(server_kid, kid) != 0) {
        mm_error_set("screening report: signed by server key %.16s, not by key %s", server_kid,
                     kid);
    } else if (!mm_submit_unb64(sig, sizeof sig, sig64)) {
        mm_error_set("screening report: the signature is not base64 of %d bytes",
                     crypto_sign_BYTES);
    } else if (!(canon = mm_submit_canonical_bytes(rep))) {
        rc = MM_ENOMEM;
    } else if (crypto_sign_verify_detached(sig, (const unsigned char *)canon, strlen(canon),
                                           public_key) != 0) {
        mm_error_set("screening report: the signature does not match (changed after signing)");
    } else {
        *valid = true;
        if (report_out)
            *report_out = json_incref((json_t *)rep);
    }
done:
    free(canon);
    json_decref(root);
    return rc;
}

/* The first needle (n bytes) in hay (len bytes), or NULL. */
static const char *find(const char *hay, size_t len, const char *needle, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

/* The signed document embedded in an HTML report (between the markers, HTML-escaped) into
 * *out (malloc'd, unescaped); MM_EINVALID when there is none. */
static int embedded(char **out, size_t *n, const char *doc, size_t len)
{
    static const char open[] = "<pre id=\"signed-report\">", close[] = "</pre>";
    *out = NULL;
    const char *a = find(doc, len, open, sizeof open - 1);
    const char *start = a ? a + sizeof open - 1 : NULL;
    const char *b =
        start ? find(start, len - (size_t)(start - doc), close, sizeof close - 1) : NULL;
    if (!b) {
        mm_error_set("screening report: an HTML page without the signed report it shows "
                     "(<pre id=\"signed-report\">)");
        return MM_EINVALID;
    }
    char *t = malloc((size_t)(b - start) + 1);
    if (!t)
        return MM_ENOMEM;
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&#39;", '\''}};
    size_t k = 0;
    for (const char *s = start; s < b;) {
        size_t e = 0;
        while (*s == '&' && e < sizeof ents / sizeof ents[0] &&
               strncmp(s, ents[e].ent, strlen(ents[e].ent)) != 0)
            e++;
        if (*s == '&' && e < sizeof ents / sizeof ents[0]) {
            t[k++] = ents[e].c;
            s += strlen(ents[e].ent);
        } else {
            t[k++] = *s++;
        }
    }
    t[k] = '\0';
    *out = t;
    *n = k;
    return MM_OK;
}

int mm_screen_report_verify(bool *valid, json_t **report_out, const char *doc, size_t len,
                            const unsigned char public_key[32])
{
    *valid = false;
    if (report_out)
        *report_out = NULL;
    if (mm_submit_init_sodium())
        return MM_ERROR;
    if (len > MM_SCREEN_REPORT_MAX_BYTES) {
        mm_error_set("screening report: larger than %u bytes", MM_SCREEN_REPORT_MAX_BYTES);
        return MM_EINVALID;
    }
    size_t i = 0;
    while (i < len && (doc[i] == ' ' || doc[i] == '\n' || doc[i] == '\r' || doc[i] == '\t'))
        i++;
    if (i == len || doc[i] != '<')
        return verify_json(valid, report_out, doc, len, public_key);
    char *inner = NULL, *again = NULL;
    size_t n = 0;
    int rc = embedded(&inner, &n, doc, len);
    if (rc == MM_OK)
        rc = verify_json(valid, report_out, inner, n, public_key);
    if (rc == MM_OK && *valid) {
        /* the page must be what the signed document renders to, byte for byte */
        rc = mm_screen_report_html(&again, inner, n);
        if (rc == MM_OK && (strlen(again) != len || memcmp(again, doc, len) != 0)) {
            *valid = false;
            if (report_out) {
                json_decref(*report_out);
                *report_out = NULL;
            }
            mm_error_set("screening report: the page differs from the signed report it embeds "
                         "(edited after signing)");
        }
    }
    free(inner);
    free(again);
    return rc;
}
