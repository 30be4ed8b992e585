/* mamori submit: sign an assessment as `mamori sign` does, send it to the authority's
 * server and verify the server's signed receipt. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api_client.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/http.h"
#include "cli/receipt.h"
#include "cli/server_opts.h"
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
    const char *keyfile = NULL, *official = NULL, *date = NULL, *format = NULL;
    cli_server_opts so = {0};
    bool json = false;
    const char *evidence[CLI_MAX_MULTI];
    size_t nevidence = 0;
    const cli_option opts[] = {
        CLI_SERVER_OPTIONS(&so),
        {.name = "key", .takes_value = true, .value = &keyfile},
        {.name = "official", .takes_value = true, .value = &official},
        {.name = "date", .takes_value = true, .value = &date},
        {.name = "evidence",
         .takes_value = true,
         .multi = true,
         .list = evidence,
         .count = &nevidence},
        {.name = "format", .takes_value = true, .value = &format},
        {.name = NULL},
    };
    cli_args a;
    int ex = cli_parse_or_usage(&a, argc, argv, opts, usage_text);
    if (ex >= 0)
        return ex;
    if (a.npos != 1 || !so.server || !keyfile || !official || !date) {
        cli_error("submit: ASSESSMENT.json, --server, --key, --official and --date are required");
        return MM_EXIT_USAGE;
    }
    if (cli_format_option(&json, "submit", format) != MM_EXIT_OK)
        return MM_EXIT_USAGE;
    cli_api api; /* the timeout, the URL and the token are checked before anything is signed */
    mm_key *k = NULL;
    char *signed_doc = NULL;
    json_t *envelope = NULL;
    char org_key_id[17], sent_hash[65], server_key_id[17] = "";
    unsigned char pub[MM_KEY_PUBLIC_BYTES];
    mm_buf url = MM_BUF_INIT;
    cli_response r = CLI_RESPONSE_INIT;
    long status = 0;
    char msg[CLI_MESSAGE_MAX + 4];

    if ((ex = cli_api_open(&api, "submit", so.server, so.token, so.cacert, so.timeout)))
        goto done;
    int rc = cli_sign_submission(&signed_doc, &k, a.pos[0], keyfile, official, date, evidence,
                                 nevidence);
    if (rc == MM_OK)
        rc = mm_submission_inspect(&envelope, org_key_id, sent_hash, signed_doc, strlen(signed_doc),
                                   a.pos[0]);
    if (rc) {
        ex = cli_fail(rc);
        goto done;
    }
    /* The server key first: a key that cannot be had stops before anything is sent. */
    ex = cli_server_key(pub, server_key_id, &api.h, api.base, so.server_key);
    if (ex != MM_EXIT_OK)
        goto done;
    ex = MM_EXIT_USAGE;
    mm_buf_printf(&url, "%s/api/v1/submissions", api.base);
    if (url.failed)
        goto oom;

    ex = cli_http_do(&api.h, mm_buf_cstr(&url), api.headers, signed_doc, strlen(signed_doc),
                     &status, &r);
    if (ex != MM_EXIT_OK)
        goto done;
    if (status == 201) {
        char why[CLI_MESSAGE_MAX + 4], sid[64], line[CLI_MESSAGE_MAX + 4];
        const char *body = mm_buf_cstr(&r.body);
        ex = cli_receipt_check(why, sid, body, r.body.len, pub, server_key_id, sent_hash);
        if (ex != MM_EXIT_OK) {
            ex = keep_unverified(&r, why, sid, so.output, a.pos[0], api.base);
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
            bool to_file = so.output && strcmp(so.output, "-") != 0;
            json_t *o = cli_receipt_fields(body, r.body.len);
            if (o) {
                json_object_set_new(o, "submitted", json_true());
                json_object_set_new(o, "receipt_verified", json_true());
                json_object_set_new(o, "http_status", json_integer(status));
                json_object_set_new(o, "server_key_id", json_string(server_key_id));
                json_object_set_new(o, "receipt",
                                    to_file ? json_null() : json_loadb(body, r.body.len, 0, NULL));
                json_object_set_new(o, "receipt_file",
                                    to_file ? json_string(so.output) : json_null());
            }
            rc = to_file ? cli_write_answer(&r, so.output) : MM_OK;
            if (rc == MM_OK) {
                ex = cli_print_json(o);
                goto done;
            }
            json_decref(o);
        } else {
            rc = cli_write_answer(&r, so.output);
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
            replay_note(&r, api.base);
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
    cli_api_close(&api);
    mm_buf_free(&r.body);
    mm_buf_free(&url);
    json_decref(envelope);
    mm_key_free(k);
    free(signed_doc);
    return ex;
}
