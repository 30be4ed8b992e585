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
#include "cli/receipt.h"
#include "mamori/submit.h"
#include "util/json.h"
#include "util/util.h"

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
    "  A submission accepted with a receipt that does not verify is stored all the same:\n"
    "  get its receipt again with `mamori receipt get ID --server URL`.\n"
    "\n"
    "  --server URL        the authority's server (https://...)\n"
    "  --key FILE          the organization's secret key file (mamori keygen)\n"
    "  --official NAME     the affirming official\n"
    "  --date DATE         the date of the affirmation, YYYY-MM-DD\n"
    "  --evidence FILE     an evidence file to hash (repeatable, at most 64, 1 GiB each)\n"
    "  --server-key FILE   the server's receipt key, the answer of URL/api/v1/server-key\n"
    "                      saved ({\"kind\": \"mamori-server-key\", ...}): pinned, and\n"
    "                      checked against the server's before sending; without it the\n"
    "                      key is fetched from the server\n"
    "  -o, --output FILE   the verified receipt (default: standard output); a receipt\n"
    "                      that does not verify is saved as FILE.unverified-receipt.json\n"
    "                      (else ASSESSMENT.json.unverified-receipt.json)\n"
    "  --cacert FILE       CA certificates to check the server's TLS certificate with\n"
    "  --timeout SECONDS   for each request (default 60)\n"
    "  --token TOKEN       the API token; better: set MAMORI_TOKEN (argv is visible in ps)\n"
    "  --format F          text (default) or json: one object on standard output,\n"
    "                      {\"submitted\", \"receipt_verified\", \"submission_id\", \"status\",\n"
    "                      \"score\", \"server_key_id\", \"receipt\", \"http_status\", \"error\"}\n"
    "                      (docs/cli.md); the receipt itself goes to -o FILE or into it\n";

/* Where what the server sent goes when its receipt does not verify: next to the receipt
 * asked for with -o, else next to the assessment. malloc'd. */
static char *unverified_path(const char *out, const char *assessment)
{
    mm_buf p = MM_BUF_INIT;
    const char *next_to = out && strcmp(out, "-") != 0                 ? out
                          : assessment && strcmp(assessment, "-") != 0 ? assessment
                                                                       : "submission";
    mm_buf_printf(&p, "%s.unverified-receipt.json", next_to);
    if (p.failed) {
        mm_buf_free(&p);
        return NULL;
    }
    return p.data;
}

/* A 201 whose receipt does not verify: the submission is stored, so what the server sent is
 * kept, and the way to get the receipt again is printed. MM_EXIT_FINDINGS. */
static int keep_unverified(const cli_response *r, const char *why, const char *sid, const char *out,
                           const char *assessment, const char *base)
{
    cli_error("the server accepted the submission (HTTP 201) but its receipt is invalid: %s", why);
    char *path = unverified_path(out, assessment);
    int rc = path ? mm_file_write_atomic(path, r->body.data ? r->body.data : "", r->body.len)
                  : MM_ENOMEM;
    if (rc == MM_OK)
        fprintf(stderr, "note: what the server sent is saved in %s\n", path);
    else
        cli_error("cannot save what the server sent: %s",
                  mm_error_last()[0] ? mm_error_last() : mm_strerror(rc));
    fprintf(stderr,
            "note: the submission is stored on the server (a second submit is refused as a "
            "replay); get its receipt again with:\n"
            "  mamori receipt get %s --server %s --server-key SERVER-KEY.json -o receipt.json\n"
            "  (or check a saved one: mamori receipt verify FILE --server-key SERVER-KEY.json)\n",
            sid[0] ? sid : "SUBMISSION-ID", base);
    free(path);
    return MM_EXIT_FINDINGS;
}

/* A 409: a replay. Prints the original's id and receipt link when the server gives them. */
static void replay_note(const cli_response *r, const char *base)
{
    json_t *d = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, NULL);
    const char *sid = json_string_value(json_object_get(d, "submission_id"));
    char shown[CLI_MESSAGE_MAX + 4];
    if (sid) {
        cli_clean_text(shown, sid);
        fprintf(stderr,
                "note: already stored as submission %s; its receipt: mamori receipt get %s "
                "--server %s\n",
                shown, shown, base);
    }
    json_decref(d);
}

int cmd_submit(int argc, char **argv)
{
    const char *server = NULL, *keyfile = NULL, *official = NULL, *date = NULL, *out = NULL;
    const char *token_arg = NULL, *server_key = NULL, *cacert = NULL, *timeout_arg = NULL;
    const char *format = NULL;
    bool json = false;
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
        {.name = "format", .takes_value = true, .value = &format},
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
    if (!cli_timeout_option(&timeout, "submit", timeout_arg))
        return MM_EXIT_USAGE;
    if (cli_format_option(&json, "submit", format) != MM_EXIT_OK)
        return MM_EXIT_USAGE;
    const char *token = NULL;
    char *base = cli_server_open("submit", server, token_arg, &token);
    if (!base)
        return MM_EXIT_USAGE;

    int ex = MM_EXIT_USAGE;
    mm_key *k = NULL;
    char *signed_doc = NULL, *auth = NULL;
    json_t *envelope = NULL;
    char org_key_id[17], sent_hash[65], server_key_id[17] = "";
    unsigned char pub[MM_KEY_PUBLIC_BYTES];
    struct curl_slist *headers = NULL;
    mm_buf url = MM_BUF_INIT;
    cli_response r = CLI_RESPONSE_INIT;
    cli_http h = {NULL, cacert, timeout, NULL};
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
    ex = cli_server_key(pub, server_key_id, &h, base, server_key);
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
        char why[CLI_MESSAGE_MAX + 4], sid[64], line[CLI_MESSAGE_MAX + 4];
        const char *body = mm_buf_cstr(&r.body);
        ex = cli_receipt_check(why, sid, body, r.body.len, pub, server_key_id, sent_hash);
        if (ex != MM_EXIT_OK) {
            ex = keep_unverified(&r, why, sid, out, a.pos[0], base);
            if (json) {
                json_t *o = cli_receipt_fields(body, r.body.len);
                if (o) {
                    json_object_set_new(o, "submitted", json_true());
                    json_object_set_new(o, "receipt_verified", json_false());
                    json_object_set_new(o, "http_status", json_integer(status));
                    json_object_set_new(o, "reason", json_string(why));
                }
                int x = cli_print_json(o);
                ex = x ? x : ex;
            }
            goto done;
        }
        cli_receipt_summary(line, body, r.body.len);
        fprintf(stderr, "submitted: %s (receipt verified with server key %s)\n", line,
                server_key_id);
        if (json) {
            json_t *o = cli_receipt_fields(body, r.body.len);
            if (o) {
                json_object_set_new(o, "submitted", json_true());
                json_object_set_new(o, "receipt_verified", json_true());
                json_object_set_new(o, "http_status", json_integer(status));
                json_object_set_new(o, "server_key_id", json_string(server_key_id));
                json_object_set_new(o, "receipt",
                                    out && strcmp(out, "-") != 0
                                        ? json_null()
                                        : json_loadb(body, r.body.len, 0, NULL));
                json_object_set_new(o, "receipt_file",
                                    out && strcmp(out, "-") != 0 ? json_string(out) : json_null());
            }
            rc = out && strcmp(out, "-") != 0 ? cli_write_answer(&r, out) : MM_OK;
            if (rc == MM_OK) {
                ex = cli_print_json(o);
                goto done;
            }
            json_decref(o);
        } else {
            rc = cli_write_answer(&r, out);
        }
        if (rc) {
            cli_error("the submission was accepted and its receipt verified, but: %s",
                      mm_error_last()[0] ? mm_error_last() : mm_strerror(rc));
            ex = MM_EXIT_USAGE;
        }
    } else if (status >= 400 && status < 500) {
        cli_error_message(msg, &r);
        cli_error("server refused the submission: HTTP %ld: %s", status, msg);
        ex = MM_EXIT_FINDINGS;
        if (json) {
            json_t *d = json_loadb(r.body.data ? r.body.data : "", r.body.len, 0, NULL);
            json_t *err = json_object_get(d, "error");
            int x = cli_print_json(json_pack(
                "{s:b,s:I,s:o,s:O?}", "submitted", 0, "http_status", (json_int_t)status, "error",
                json_is_object(err) ? json_incref(err) : json_pack("{s:s}", "message", msg),
                "submission_id", json_object_get(d, "submission_id")));
            json_decref(d);
            ex = x ? x : ex;
        }
        if (status == 409)
            replay_note(&r, base);
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
