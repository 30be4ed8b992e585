/* mamori submit: sign an assessment as `mamori sign` does, send it to the authority's
 * server and verify the server's signed receipt. */
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/http.h"
#include "mamori/submit.h"
#include "util/json.h"
#include "util/util.h"

#define SERVER_KEY_MAX_BYTES (64u * 1024) /* a pinned server key file */

static const char usage_text[] =
    "usage: mamori submit ASSESSMENT.json --server URL --key KEYFILE --official NAME\n"
    "                     --date YYYY-MM-DD [--evidence FILE]... [--server-key PUBFILE]\n"
    "                     [-o RECEIPT.json] [--cacert FILE] [--timeout SECONDS]\n"
    "                     [--token TOKEN]\n"
    "\n"
    "  Signs the assessment exactly as `mamori sign` does, sends the signed document to\n"
    "  URL/api/v1/submissions and verifies the server's signed receipt. Exit 0 when the\n"
    "  submission was accepted and the receipt verified, 1 when the server refused it or\n"
    "  the receipt is invalid, 2 for usage, file and network errors and server errors.\n"
    "\n"
    "  --server URL        the authority's server (https://...)\n"
    "  --key FILE          the organization's secret key file (mamori keygen)\n"
    "  --official NAME     the affirming official\n"
    "  --date DATE         the date of the affirmation, YYYY-MM-DD\n"
    "  --evidence FILE     an evidence file to hash (repeatable, at most 64, 1 GiB each)\n"
    "  --server-key FILE   the server's public key {\"public_key\", \"key_id\"} (pinned);\n"
    "                      without it the key is fetched from URL/api/v1/server-key\n"
    "  -o, --output FILE   the verified receipt (default: standard output)\n"
    "  --cacert FILE       CA certificates to check the server's TLS certificate with\n"
    "  --timeout SECONDS   for each request (default 60)\n"
    "  --token TOKEN       the API token; better: set MAMORI_TOKEN (argv is visible in ps)\n";

/* ---- the server's public key -------------------------------------------------------------- */

/* Parses {"public_key": base64 of 32 bytes, "key_id": its 16 hex digits} from where. */
static int parse_server_key(unsigned char pub[MM_KEY_PUBLIC_BYTES], char key_id[17],
                            const char *text, size_t len, const char *where)
{
    json_t *doc;
    if (mm_json_load(&doc, text, len, where, 0))
        return cli_fail(MM_EPARSE);
    const char *b64 = json_string_value(json_object_get(doc, "public_key"));
    const char *id = json_string_value(json_object_get(doc, "key_id"));
    size_t n = 0;
    int rc = MM_EXIT_OK;
    if (!json_is_object(doc) || !b64 || !id) {
        cli_error("%s: not a server key: it needs \"public_key\" and \"key_id\" strings", where);
        rc = MM_EXIT_USAGE;
    } else if (sodium_base642bin(pub, MM_KEY_PUBLIC_BYTES, b64, strlen(b64), NULL, &n, NULL,
                                 sodium_base64_VARIANT_ORIGINAL) != 0 ||
               n != MM_KEY_PUBLIC_BYTES) {
        cli_error("%s: $.public_key: not base64 of %d bytes", where, MM_KEY_PUBLIC_BYTES);
        rc = MM_EXIT_USAGE;
    } else {
        mm_key_id(key_id, pub);
        if (strcmp(key_id, id) != 0) {
            char shown[CLI_MESSAGE_MAX + 4];
            cli_clean_text(shown, id);
            cli_error("%s: $.key_id: \"%s\" is not the key id of the public key (%s)", where, shown,
                      key_id);
            rc = MM_EXIT_USAGE;
        }
    }
    json_decref(doc);
    return rc;
}

static int load_server_key(unsigned char pub[MM_KEY_PUBLIC_BYTES], char key_id[17], cli_http *h,
                           const char *base, const char *pinned)
{
    if (pinned) {
        char *text = NULL;
        size_t len = 0;
        int rc = mm_file_read(&text, &len, pinned, SERVER_KEY_MAX_BYTES);
        if (rc)
            return cli_fail(rc);
        int ex = parse_server_key(pub, key_id, text, len, pinned);
        free(text);
        return ex;
    }
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
    if (ex == MM_EXIT_OK)
        fprintf(stderr,
                "note: server key fetched from the server, not pinned (key %s; pin it with "
                "--server-key FILE)\n",
                key_id);
    mm_buf_free(&r.body);
    mm_buf_free(&url);
    return ex;
}

/* ---- the receipt ------------------------------------------------------------------------- */

/* Verifies the receipt in r against pub, and that it is for the document whose canonical
 * hash is sent_hash. Prints the outcome; MM_EXIT_OK or MM_EXIT_FINDINGS. */
static int check_receipt(const cli_response *r, const unsigned char pub[MM_KEY_PUBLIC_BYTES],
                         const char *key_id, const char *sent_hash)
{
    bool valid = false;
    char body_hash[65] = "", submission_id[64] = "";
    mm_error_clear();
    const char *doc = r->body.data ? r->body.data : "";
    int rc = mm_receipt_verify(&valid, doc, r->body.len, pub, body_hash, submission_id);
    if (rc != MM_OK || !valid) {
        const char *why = mm_error_last();
        cli_error("the server accepted the submission (HTTP 201) but its receipt is invalid: %s",
                  why[0] ? why
                  : rc   ? mm_strerror(rc)
                         : "bad signature");
        return MM_EXIT_FINDINGS;
    }
    if (strcmp(body_hash, sent_hash) != 0) {
        cli_error("the server accepted the submission (HTTP 201) but its receipt is invalid: "
                  "its body_hash %.64s is not the hash of what was sent (%s)",
                  body_hash, sent_hash);
        return MM_EXIT_FINDINGS;
    }
    json_t *d = json_loadb(doc, r->body.len, 0, NULL);
    json_t *rec = json_object_get(d, "receipt");
    const char *status = json_string_value(json_object_get(rec, "status"));
    const char *rkey = json_string_value(json_object_get(rec, "server_key_id"));
    json_t *score = json_object_get(rec, "score");
    int ex = MM_EXIT_OK;
    if (rkey && strcmp(rkey, key_id) != 0) {
        cli_error("the server accepted the submission (HTTP 201) but its receipt is invalid: "
                  "it names server key %.16s, verified with %s",
                  rkey, key_id);
        ex = MM_EXIT_FINDINGS;
    } else {
        char shown_id[CLI_MESSAGE_MAX + 4], shown_status[CLI_MESSAGE_MAX + 4];
        cli_clean_text(shown_id, submission_id);
        cli_clean_text(shown_status, status ? status : "?");
        if (json_is_integer(score))
            fprintf(stderr,
                    "submitted: %s status %s score %lld (receipt verified with server key %s)\n",
                    shown_id, shown_status, (long long)json_integer_value(score), key_id);
        else
            fprintf(stderr,
                    "submitted: %s status %s score none (receipt verified with server key %s)\n",
                    shown_id, shown_status, key_id);
    }
    json_decref(d);
    return ex;
}

int cmd_submit(int argc, char **argv)
{
    const char *server = NULL, *keyfile = NULL, *official = NULL, *date = NULL, *out = NULL;
    const char *token_arg = NULL, *server_key = NULL, *cacert = NULL, *timeout_arg = NULL;
    const char *evidence[CLI_MAX_MULTI];
    size_t nevidence = 0;
    const cli_option opts[] = {
        {.name = "server", .takes_value = true, .value = &server},
        {.name = "key", .takes_value = true, .value = &keyfile},
        {.name = "official", .takes_value = true, .value = &official},
        {.name = "date", .takes_value = true, .value = &date},
        {.name = "evidence",
         .takes_value = true,
         .multi = true,
         .list = evidence,
         .count = &nevidence},
        {.name = "token", .takes_value = true, .value = &token_arg},
        {.name = "server-key", .takes_value = true, .value = &server_key},
        {.name = "output", .takes_value = true, .value = &out, .short_name = 'o'},
        {.name = "cacert", .takes_value = true, .value = &cacert},
        {.name = "timeout", .takes_value = true, .value = &timeout_arg},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        fputs(usage_text, stderr);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        fputs(usage_text, stdout);
        return MM_EXIT_OK;
    }
    if (a.npos != 1 || !server || !keyfile || !official || !date) {
        cli_error("submit: ASSESSMENT.json, --server, --key, --official and --date are required");
        return MM_EXIT_USAGE;
    }
    long timeout = 60;
    if (timeout_arg && !cli_parse_timeout(&timeout, timeout_arg)) {
        cli_error("submit: --timeout: '%s' is not a number of seconds from 1 to 3600", timeout_arg);
        return MM_EXIT_USAGE;
    }
    const char *token = cli_api_token("submit", token_arg);
    if (!token)
        return MM_EXIT_USAGE;
    char *base = cli_server_base(server);
    if (!base) {
        cli_error("submit: --server: '%s' is not an http:// or https:// URL without a query",
                  server);
        return MM_EXIT_USAGE;
    }

    if (cli_cleartext_remote(base))
        fprintf(stderr, "warning: %s is plain http: the token is sent unencrypted (use https)\n",
                base);

    int ex = MM_EXIT_USAGE;
    mm_key *k = NULL;
    char *signed_doc = NULL, *auth = NULL;
    json_t *envelope = NULL;
    char org_key_id[17], sent_hash[65], server_key_id[17] = "";
    unsigned char pub[MM_KEY_PUBLIC_BYTES];
    struct curl_slist *headers = NULL;
    mm_buf url = MM_BUF_INIT;
    cli_response r = CLI_RESPONSE_INIT;
    cli_http h = {NULL, cacert, timeout};
    bool curl_started = false;
    long status = 0;
    char msg[CLI_MESSAGE_MAX + 4];

    int rc = cli_sign_submission(&signed_doc, &k, a.pos[0], keyfile, official, date, evidence,
                                 nevidence);
    if (rc == MM_OK)
        rc = mm_submission_inspect(&envelope, org_key_id, sent_hash, signed_doc, strlen(signed_doc),
                                   a.pos[0]);
    if (rc) {
        ex = cli_fail(rc);
        goto done;
    }
    curl_started = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!curl_started || !(h.curl = curl_easy_init())) {
        cli_error("cannot start libcurl");
        goto done;
    }
    /* The server key first: a key that cannot be had stops before anything is sent. */
    ex = load_server_key(pub, server_key_id, &h, base, server_key);
    if (ex != MM_EXIT_OK)
        goto done;
    ex = MM_EXIT_USAGE;

    if (cli_api_headers(&headers, &auth, token) != MM_EXIT_OK)
        goto done;
    mm_buf_printf(&url, "%s/api/v1/submissions", base);
    if (url.failed)
        goto oom;

    ex = cli_http_do(&h, mm_buf_cstr(&url), headers, signed_doc, strlen(signed_doc), &status, &r);
    if (ex != MM_EXIT_OK)
        goto done;
    if (status == 201) {
        ex = check_receipt(&r, pub, server_key_id, sent_hash);
        if (ex == MM_EXIT_OK) {
            mm_buf_cstr(&r.body);
            if (r.body.len == 0 || r.body.data[r.body.len - 1] != '\n')
                mm_buf_putc(&r.body, '\n');
            rc = r.body.failed ? MM_ENOMEM
                               : mm_file_write_atomic(out ? out : "-", r.body.data, r.body.len);
            if (rc) {
                cli_error("the submission was accepted and its receipt verified, but: %s",
                          mm_error_last()[0] ? mm_error_last() : mm_strerror(rc));
                ex = MM_EXIT_USAGE;
            }
        }
    } else if (status >= 400 && status < 500) {
        cli_error_message(msg, &r);
        cli_error("server refused the submission: HTTP %ld: %s", status, msg);
        ex = MM_EXIT_FINDINGS;
    } else if (status >= 500) {
        cli_error_message(msg, &r);
        cli_error("server error: HTTP %ld: %s", status, msg);
        ex = MM_EXIT_USAGE;
    } else if (status >= 300 && status < 400) {
        cli_error("%s answered HTTP %ld: a redirect, not followed (check --server)",
                  mm_buf_cstr(&url), status);
        ex = MM_EXIT_USAGE;
    } else {
        cli_error("%s answered HTTP %ld, not 201 with a receipt", mm_buf_cstr(&url), status);
        ex = MM_EXIT_USAGE;
    }
    goto done;
oom:
    cli_error("out of memory");
    ex = MM_EXIT_USAGE;
done:
    if (auth) {
        sodium_memzero(auth, strlen(auth));
        free(auth);
    }
    curl_slist_free_all(headers);
    if (h.curl)
        curl_easy_cleanup(h.curl);
    if (curl_started)
        curl_global_cleanup();
    mm_buf_free(&r.body);
    mm_buf_free(&url);
    json_decref(envelope);
    mm_key_free(k);
    free(signed_doc);
    free(base);
    return ex;
}
