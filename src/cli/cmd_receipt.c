/* mamori receipt: check a saved receipt of the server (verify), or get a submission's receipt
 * again from the server (get). */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/http.h"
#include "cli/receipt.h"
#include "mamori/submit.h"
#include "util/util.h"

#define RECEIPT_FILE_MAX_BYTES (64u * 1024) /* as mm_receipt_verify's limit */

static const char usage_text[] =
    "usage: mamori receipt verify RECEIPT.json --server-key SERVER-KEY.json [--signed FILE]\n"
    "       mamori receipt get ID --server URL [--server-key SERVER-KEY.json]\n"
    "                          [-o RECEIPT.json] [--cacert FILE] [--timeout SECONDS]\n"
    "                          [--token TOKEN]\n"
    "\n"
    "  verify: checks a receipt saved from `mamori submit` (or curl) against the server's\n"
    "  receipt key. Exit 0 when valid, 1 when not (with the reason), 2 for unreadable or\n"
    "  malformed input.\n"
    "    --server-key FILE  the server's receipt key (GET URL/api/v1/server-key saved)\n"
    "    --signed FILE      the signed document sent (mamori sign): the receipt must be\n"
    "                       for it (its body_hash)\n"
    "    --format F         text (default) or json: {\"valid\", \"submission_id\", \"status\",\n"
    "                       \"score\", \"server_key_id\", \"reason\"} (docs/cli.md)\n"
    "\n"
    "  get: fetches the receipt of submission ID again (GET URL/api/v1/submissions/ID/\n"
    "  receipt: only for the organization that submitted it), verifies it and writes it.\n"
    "  Exit 0 when verified, 1 when it does not verify, 2 for usage, network and server\n"
    "  errors and an ID the server does not give (404).\n"
    "    --server URL       the authority's server\n"
    "    --server-key FILE  the server's receipt key, pinned (else fetched, with a note)\n"
    "    -o, --output FILE  where to write the receipt (default: standard output)\n"
    "    --cacert FILE      CA certificates to check the server's TLS certificate with\n"
    "    --timeout SECONDS  for each request (default 60)\n"
    "    --token TOKEN      the API token; better: set MAMORI_TOKEN\n";

static int receipt_verify(int argc, char **argv)
{
    const char *server_key = NULL, *signed_file = NULL, *format = NULL;
    bool json = false;
    const cli_option opts[] = {
        {.name = "server-key", .takes_value = true, .value = &server_key},
        {.name = "signed", .takes_value = true, .value = &signed_file},
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
    if (a.npos != 1 || !server_key) {
        cli_error("receipt verify: RECEIPT.json and --server-key FILE are required");
        return MM_EXIT_USAGE;
    }
    if (cli_format_option(&json, "receipt verify", format) != MM_EXIT_OK)
        return MM_EXIT_USAGE;
    unsigned char pub[MM_KEY_PUBLIC_BYTES];
    char key_id[17], hash[65] = "", why[CLI_MESSAGE_MAX + 4], sid[64];
    int ex = cli_server_key(pub, key_id, NULL, NULL, server_key);
    if (ex != MM_EXIT_OK)
        return ex;
    if (signed_file) {
        char *doc = NULL;
        size_t len = 0;
        json_t *env = NULL;
        char kid[17];
        int rc = mm_file_read(&doc, &len, signed_file, MM_SIGNED_MAX_BYTES);
        if (rc == MM_OK)
            rc = mm_submission_inspect(&env, kid, hash, doc, len, signed_file);
        json_decref(env);
        free(doc);
        if (rc)
            return cli_fail(rc);
    }
    char *text = NULL;
    size_t len = 0;
    int rc = mm_file_read(&text, &len, a.pos[0], RECEIPT_FILE_MAX_BYTES);
    if (rc)
        return cli_fail(rc);
    json_t *fields = cli_receipt_fields(text, len);
    if (cli_server_key_retired(pub, key_id, server_key,
                               json_string_value(json_object_get(fields, "server_key_id"))))
        fprintf(stderr, "note: signed with the retired server key %s (in %s)\n", key_id,
                server_key);
    json_decref(fields);
    ex = cli_receipt_check(why, sid, text, len, pub, key_id, signed_file ? hash : NULL);
    if (ex == MM_EXIT_USAGE) {
        /* mm_receipt_verify names the document "receipt" ("receipt: ...", "receipt:2:18:
         * ..."): the file's name is better */
        if (strncmp(why, "receipt:", 8) == 0)
            cli_error("%s%s", a.pos[0], why + 7);
        else
            cli_error("%s: %s", a.pos[0], why);
    } else if (json) {
        json_t *o = cli_receipt_fields(text, len);
        const char *w = strncmp(why, "receipt: ", 9) == 0 ? why + 9 : why;
        if (o) {
            json_object_set_new(o, "valid", json_boolean(ex == MM_EXIT_OK));
            json_object_set_new(o, "server_key_id", json_string(key_id));
            json_object_set_new(o, "reason", ex == MM_EXIT_OK ? json_null() : json_string(w));
        }
        int x = cli_print_json(o);
        if (x)
            ex = x;
    } else if (ex == MM_EXIT_FINDINGS) {
        const char *w = strncmp(why, "receipt: ", 9) == 0 ? why + 9 : why;
        printf("receipt INVALID: %s\n", w);
    } else {
        char line[CLI_MESSAGE_MAX + 4];
        cli_receipt_summary(line, text, len);
        printf("receipt valid: submission %s (server key %s)\n", line, key_id);
    }
    free(text);
    return ex;
}

static int receipt_get(int argc, char **argv)
{
    const char *server = NULL, *server_key = NULL, *out = NULL, *cacert = NULL;
    const char *timeout_arg = NULL, *token_arg = NULL;
    const cli_option opts[] = {
        {.name = "server", .takes_value = true, .value = &server},
        {.name = "server-key", .takes_value = true, .value = &server_key},
        {.name = "output", .takes_value = true, .value = &out, .short_name = 'o'},
        {.name = "cacert", .takes_value = true, .value = &cacert},
        {.name = "timeout", .takes_value = true, .value = &timeout_arg},
        {.name = "token", .takes_value = true, .value = &token_arg},
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
    if (a.npos != 1 || !server) {
        cli_error("receipt get: ID and --server URL are required");
        return MM_EXIT_USAGE;
    }
    const char *id = a.pos[0];
    if (!id[0] || strlen(id) > 63 || strspn(id, CLI_SUBMISSION_ID_CHARS) != strlen(id) ||
        id[0] == '.') {
        char shown[CLI_MESSAGE_MAX + 4];
        cli_clean_text(shown, id);
        cli_error("receipt get: '%s' is not a submission id (as in a receipt's submission_id: "
                  "letters, digits, '-', '.' and '_', at most 63)",
                  shown);
        return MM_EXIT_USAGE;
    }
    long timeout = 60;
    if (!cli_timeout_option(&timeout, "receipt get", timeout_arg))
        return MM_EXIT_USAGE;
    const char *token = NULL;
    char *base = cli_server_open("receipt get", server, token_arg, &token);
    if (!base)
        return MM_EXIT_USAGE;

    int ex = MM_EXIT_USAGE;
    char *auth = NULL;
    struct curl_slist *headers = NULL;
    mm_buf url = MM_BUF_INIT;
    cli_response r = CLI_RESPONSE_INIT;
    cli_http h = {NULL, cacert, timeout, NULL};
    unsigned char pub[MM_KEY_PUBLIC_BYTES];
    char key_id[17], why[CLI_MESSAGE_MAX + 4], sid[64], msg[CLI_MESSAGE_MAX + 4];
    long status = 0;
    bool curl_started = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!curl_started || !(h.curl = curl_easy_init())) {
        cli_error("cannot start libcurl");
        goto done;
    }
    if ((ex = cli_server_key(pub, key_id, &h, base, server_key)) != MM_EXIT_OK)
        goto done;
    ex = MM_EXIT_USAGE;
    if (cli_api_headers(&headers, &auth, token) != MM_EXIT_OK)
        goto done;
    mm_buf_printf(&url, "%s/api/v1/submissions/%s/receipt", base, id);
    if (url.failed) {
        cli_error("out of memory");
        goto done;
    }
    if ((ex = cli_http_do(&h, mm_buf_cstr(&url), headers, NULL, 0, &status, &r)) != MM_EXIT_OK)
        goto done;
    ex = MM_EXIT_USAGE;
    if (status != 200) {
        cli_error_message(msg, &r);
        cli_error("%s: HTTP %ld: %s", mm_buf_cstr(&url), status, msg);
        goto done;
    }
    const char *body = mm_buf_cstr(&r.body);
    ex = cli_receipt_check(why, sid, body, r.body.len, pub, key_id, NULL);
    if (ex == MM_EXIT_OK && strcmp(sid, id) != 0) {
        snprintf(why, sizeof why, "it is the receipt of submission %s, not of %s", sid, id);
        ex = MM_EXIT_FINDINGS;
    }
    if (ex != MM_EXIT_OK) {
        cli_error("%s: the receipt is invalid: %s", mm_buf_cstr(&url), why);
        ex = MM_EXIT_FINDINGS;
        goto done;
    }
    char line[CLI_MESSAGE_MAX + 4];
    cli_receipt_summary(line, body, r.body.len);
    fprintf(stderr, "receipt: %s (verified with server key %s)\n", line, key_id);
    int rc = cli_write_answer(&r, out);
    if (rc) {
        cli_error("the receipt verified, but: %s",
                  mm_error_last()[0] ? mm_error_last() : mm_strerror(rc));
        ex = MM_EXIT_USAGE;
    }
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
    free(base);
    return ex;
}

const mm_command cli_receipt_commands[] = {
    {"verify", receipt_verify, "check a saved receipt against the server's receipt key"},
    {"get", receipt_get, "fetch a submission's receipt again and verify it"},
};
const size_t cli_receipt_ncommands = sizeof cli_receipt_commands / sizeof cli_receipt_commands[0];

int cmd_receipt(int argc, char **argv)
{
    return cli_dispatch(argc, argv, "receipt", cli_receipt_commands, cli_receipt_ncommands,
                        usage_text);
}
