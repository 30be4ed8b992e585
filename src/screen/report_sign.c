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

static const mm_server_doc report_doc = {.member = "screening_report",
                                         .kind = MM_SCREEN_REPORT_KIND,
                                         .what = "screening report",
                                         .desc = "screening report"};

int mm_screen_report_sign(char **out, json_t *report, const unsigned char secret_key[64])
{
    return mm_server_doc_sign(out, &report_doc, report, secret_key);
}

static int verify_json(bool *valid, json_t **report_out, const char *doc, size_t len,
                       const unsigned char public_key[32])
{
    return mm_server_doc_verify(valid, report_out, &report_doc, doc, len, public_key);
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
