/* The server's receipt key and the check of a receipt (cli/receipt.h). */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/receipt.h"
#include "util/json.h"
#include "util/util.h"

#define SERVER_KEY_MAX_BYTES (64u * 1024) /* a pinned server key file */

static int parse_server_key(unsigned char pub[MM_KEY_PUBLIC_BYTES], char key_id[17],
                            const char *text, size_t len, const char *where)
{
    int rc = mm_server_key_parse(pub, key_id, text, len, where);
    return rc ? cli_fail(rc) : MM_EXIT_OK;
}

/* GET base/api/v1/server-key. */
static int fetch_server_key(unsigned char pub[MM_KEY_PUBLIC_BYTES], char key_id[17], cli_http *h,
                            const char *base)
{
    mm_buf url = MM_BUF_INIT;
    mm_buf_printf(&url, "%s/api/v1/server-key", base);
    cli_response r = CLI_RESPONSE_INIT;
    long status = 0;
    int ex =
        url.failed ? MM_EXIT_USAGE : cli_http_do(h, mm_buf_cstr(&url), NULL, NULL, 0, &status, &r);
    if (ex == MM_EXIT_OK && status != 200) {
        char msg[CLI_MESSAGE_MAX + 4];
        cli_error_message(msg, &r);
        cli_error("%s: HTTP %ld: %s", mm_buf_cstr(&url), status, msg);
        ex = MM_EXIT_USAGE;
    }
    if (ex == MM_EXIT_OK)
        ex = parse_server_key(pub, key_id, mm_buf_cstr(&r.body), r.body.len, mm_buf_cstr(&url));
    mm_buf_free(&r.body);
    mm_buf_free(&url);
    return ex;
}

int cli_server_key(unsigned char pub[MM_KEY_PUBLIC_BYTES], char key_id[17], cli_http *h,
                   const char *base, const char *pinned)
{
    if (!pinned) {
        int ex = fetch_server_key(pub, key_id, h, base);
        if (ex == MM_EXIT_OK)
            fprintf(stderr,
                    "note: server key fetched from the server, not pinned (key %s; pin it with "
                    "--server-key FILE)\n",
                    key_id);
        return ex;
    }
    char *text = NULL;
    size_t len = 0;
    int rc = mm_file_read(&text, &len, pinned, SERVER_KEY_MAX_BYTES);
    if (rc)
        return cli_fail(rc);
    int ex = parse_server_key(pub, key_id, text, len, pinned);
    free(text);
    if (ex != MM_EXIT_OK || !base)
        return ex;
    /* The server's own key, to refuse a pinned key that cannot verify its receipts before
     * anything is sent. The pinned key still decides what is valid: a server that presents
     * another key only makes us stop. */
    unsigned char served[MM_KEY_PUBLIC_BYTES];
    char served_id[17];
    if (fetch_server_key(served, served_id, h, base) != MM_EXIT_OK)
        return MM_EXIT_USAGE;
    if (sodium_memcmp(served, pub, MM_KEY_PUBLIC_BYTES) != 0) {
        cli_error("%s: the pinned server key %s is not the key the server presents (%s): "
                  "nothing was sent (check --server-key and --server)",
                  pinned, key_id, served_id);
        return MM_EXIT_USAGE;
    }
    return MM_EXIT_OK;
}

static int checked(char why[CLI_MESSAGE_MAX + 4], const char *doc, size_t len,
                   const unsigned char pub[MM_KEY_PUBLIC_BYTES], const char *want_hash);

bool cli_server_key_retired(unsigned char pub[MM_KEY_PUBLIC_BYTES], char key_id[17],
                            const char *pinned, const char *wanted_id)
{
    if (!wanted_id || strcmp(wanted_id, key_id) == 0)
        return false;
    char *text = NULL;
    size_t len = 0;
    if (mm_file_read(&text, &len, pinned, SERVER_KEY_MAX_BYTES) != MM_OK)
        return false;
    json_t *doc = json_loadb(text, len, 0, NULL);
    free(text);
    bool found = false;
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(doc, "retired"), i, k)
    {
        const char *b64 = json_string_value(json_object_get(k, "public_key"));
        unsigned char pk[MM_KEY_PUBLIC_BYTES];
        size_t got = 0;
        char kid[17];
        if (!b64 ||
            sodium_base642bin(pk, sizeof pk, b64, strlen(b64), NULL, &got, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0 ||
            got != sizeof pk)
            continue;
        mm_key_id(kid, pk); /* the id is worked out, never taken from the file */
        if (strcmp(kid, wanted_id) == 0) {
            memcpy(pub, pk, sizeof pk);
            memcpy(key_id, kid, sizeof kid);
            found = true;
            break;
        }
    }
    json_decref(doc);
    return found;
}

int cli_receipt_check(char why[CLI_MESSAGE_MAX + 4], char sid[64], const char *doc, size_t len,
                      const unsigned char pub[MM_KEY_PUBLIC_BYTES], const char *key_id,
                      const char *want_hash)
{
    (void)key_id; /* mm_receipt_verify checks server_key_id against pub */
    sid[0] = '\0';
    /* the id it names, valid or not, so that it can be fetched again */
    json_t *d = json_loadb(doc ? doc : "", len, 0, NULL);
    const char *named =
        json_string_value(json_object_get(json_object_get(d, "receipt"), "submission_id"));
    if (named && strlen(named) < 64 && strspn(named, CLI_SUBMISSION_ID_CHARS) == strlen(named))
        snprintf(sid, 64, "%s", named);
    json_decref(d);
    /* the reason may quote what the server sent: cleaned for the terminal */
    char raw[CLI_MESSAGE_MAX + 4];
    int ex = checked(raw, doc, len, pub, want_hash);
    cli_clean_text(why, raw);
    return ex;
}

static int checked(char why[CLI_MESSAGE_MAX + 4], const char *doc, size_t len,
                   const unsigned char pub[MM_KEY_PUBLIC_BYTES], const char *want_hash)
{
    bool valid = false;
    char body_hash[65] = "", submission_id[64] = "";
    why[0] = '\0';
    mm_error_clear();
    int rc = mm_receipt_verify(&valid, doc ? doc : "", len, pub, body_hash, submission_id);
    if (rc != MM_OK) {
        snprintf(why, CLI_MESSAGE_MAX + 4, "%s",
                 mm_error_last()[0] ? mm_error_last() : mm_strerror(rc));
        return MM_EXIT_USAGE;
    }
    if (!valid) {
        snprintf(why, CLI_MESSAGE_MAX + 4, "%s",
                 mm_error_last()[0] ? mm_error_last() : "bad signature");
        return MM_EXIT_FINDINGS;
    }
    if (want_hash && strcmp(body_hash, want_hash) != 0) {
        snprintf(why, CLI_MESSAGE_MAX + 4,
                 "its body_hash %.64s is not the hash of what was sent (%s)", body_hash, want_hash);
        return MM_EXIT_FINDINGS;
    }
    return MM_EXIT_OK;
}

json_t *cli_receipt_fields(const char *doc, size_t len)
{
    json_t *d = json_loadb(doc ? doc : "", len, 0, NULL);
    json_t *rec = json_object_get(d, "receipt");
    json_t *out = json_object();
    static const char *const names[] = {"submission_id", "status", "score", "server_key_id"};
    for (size_t i = 0; out && i < sizeof names / sizeof names[0]; i++) {
        json_t *v = json_object_get(rec, names[i]);
        json_object_set_new(out, names[i],
                            json_is_string(v) || json_is_integer(v) ? json_copy(v) : json_null());
    }
    json_decref(d);
    return out;
}

void cli_receipt_summary(char out[CLI_MESSAGE_MAX + 4], const char *doc, size_t len)
{
    json_t *d = json_loadb(doc, len, 0, NULL);
    json_t *rec = json_object_get(d, "receipt");
    const char *id = json_string_value(json_object_get(rec, "submission_id"));
    const char *status = json_string_value(json_object_get(rec, "status"));
    json_t *score = json_object_get(rec, "score");
    char line[200], s[24] = "none";
    if (json_is_integer(score))
        snprintf(s, sizeof s, "%lld", (long long)json_integer_value(score));
    snprintf(line, sizeof line, "%.64s status %.20s score %s", id ? id : "?", status ? status : "?",
             s);
    cli_clean_text(out, line);
    json_decref(d);
}
