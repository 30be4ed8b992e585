/* mamori affirm: the annual affirmation (32 CFR 170.22): the affirming official's signed
 * statement that the organization's latest submission still holds, sent to the authority's
 * server without a new assessment (docs/cli.md "affirm", docs/api.md "Annual affirmations"). */
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

static const char usage_text[] =
    "usage: mamori affirm --server URL --org ORG_ID --key KEYFILE --official NAME\n"
    "                     --date YYYY-MM-DD [--submission ID] [-o ANSWER.json]\n"
    "                     [--cacert FILE] [--timeout SECONDS] [--token TOKEN]\n"
    "\n"
    "  The annual affirmation of 32 CFR 170.22: signs, with the organization's key, that\n"
    "  its latest submission still holds, and sends it to\n"
    "  URL/api/v1/organizations/ORG_ID/affirmations (the token must be the organization's\n"
    "  contractor-admin's). Without --submission the organization's latest submission is\n"
    "  asked of the server. Exit 0 when the server stored it, 1 when it refused it, 2 for\n"
    "  usage, file, network and server errors.\n"
    "\n"
    "  --server URL        the authority's server (https://...)\n"
    "  --org ID            the organization's id on the server\n"
    "  --key FILE          the organization's secret key file (mamori keygen)\n"
    "  --official NAME     the affirming official\n"
    "  --date DATE         the date of the affirmation, YYYY-MM-DD (not after today)\n"
    "  --submission ID     the submission affirmed (default: the organization's latest)\n"
    "  -o, --output FILE   the server's answer (default: standard output)\n"
    "  --cacert FILE       CA certificates to check the server's TLS certificate with\n"
    "  --timeout SECONDS   for each request (default 60)\n"
    "  --token TOKEN       the API token; better: set MAMORI_TOKEN (argv is visible in ps)\n";

/* GET base/api/v1/organizations/org: its latest submission's id into sub (65 bytes). */
static int latest_of(char sub[65], cli_http *h, struct curl_slist *headers, const char *base,
                     const char *org)
{
    mm_buf url = MM_BUF_INIT;
    cli_response r = CLI_RESPONSE_INIT;
    long status = 0;
    char msg[CLI_MESSAGE_MAX + 4];
    int ex = MM_EXIT_USAGE;
    char *esc = curl_easy_escape(h->curl, org, 0);
    mm_buf_printf(&url, "%s/api/v1/organizations/%s", base, esc ? esc : "");
    curl_free(esc);
    if (url.failed || !esc) {
        cli_error("out of memory");
        goto done;
    }
    ex = cli_http_do(h, mm_buf_cstr(&url), headers, NULL, 0, &status, &r);
    if (ex != MM_EXIT_OK)
        goto done;
    ex = MM_EXIT_USAGE;
    if (status != 200) {
        cli_error_message(msg, &r);
        cli_error("affirm: cannot read organization %s: HTTP %ld: %s", org, status, msg);
        ex = status >= 400 && status < 500 ? MM_EXIT_FINDINGS : MM_EXIT_USAGE;
        goto done;
    }
    json_t *j = json_loadb(mm_buf_cstr(&r.body), r.body.len, 0, NULL);
    const char *id = json_string_value(json_object_get(json_object_get(j, "latest"), "id"));
    if (id && strlen(id) < 65) {
        snprintf(sub, 65, "%s", id);
        ex = MM_EXIT_OK;
    } else {
        cli_error("affirm: organization %s has no submission to affirm", org);
        ex = MM_EXIT_FINDINGS;
    }
    json_decref(j);
done:
    mm_buf_free(&r.body);
    mm_buf_free(&url);
    return ex;
}

int cmd_affirm(int argc, char **argv)
{
    const char *server = NULL, *org = NULL, *keyfile = NULL, *official = NULL, *date = NULL;
    const char *submission = NULL, *out = NULL, *token_arg = NULL, *cacert = NULL;
    const char *timeout_arg = NULL;
    const cli_option opts[] = {
        {.name = "server", .takes_value = true, .value = &server},
        {.name = "org", .takes_value = true, .value = &org},
        {.name = "key", .takes_value = true, .value = &keyfile},
        {.name = "official", .takes_value = true, .value = &official},
        {.name = "date", .takes_value = true, .value = &date},
        {.name = "submission", .takes_value = true, .value = &submission},
        {.name = "token", .takes_value = true, .value = &token_arg},
        {.name = "output", .takes_value = true, .value = &out, .short_name = 'o'},
        {.name = "cacert", .takes_value = true, .value = &cacert},
        {.name = "timeout", .takes_value = true, .value = &timeout_arg},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (a.npos != 0 || !server || !org || !keyfile || !official || !date) {
        cli_error("affirm: --server, --org, --key, --official and --date are required (and no "
                  "other arguments)");
        return MM_EXIT_USAGE;
    }
    if (!mm_is_date(date)) {
        cli_error("affirm: --date: '%s' is not a date YYYY-MM-DD", date);
        return MM_EXIT_USAGE;
    }
    long timeout = 60;
    if (!cli_timeout_option(&timeout, "affirm", timeout_arg))
        return MM_EXIT_USAGE;
    const char *token = NULL;
    char *base = cli_server_open("affirm", server, token_arg, &token);
    if (!base)
        return MM_EXIT_USAGE;

    int ex = MM_EXIT_USAGE;
    mm_key *k = NULL;
    char *signed_doc = NULL, *auth = NULL, *esc = NULL;
    struct curl_slist *headers = NULL;
    mm_buf url = MM_BUF_INIT;
    cli_response r = CLI_RESPONSE_INIT;
    cli_http h = {NULL, cacert, timeout, NULL};
    bool curl_started = false;
    long status = 0;
    char msg[CLI_MESSAGE_MAX + 4], sub[65] = "";

    int rc = mm_key_load(&k, keyfile);
    if (rc) {
        ex = cli_fail(rc);
        goto done;
    }
    curl_started = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!curl_started || !(h.curl = curl_easy_init())) {
        cli_error("cannot start libcurl");
        goto done;
    }
    if (cli_api_headers(&headers, &auth, token) != MM_EXIT_OK)
        goto done;
    if (submission) {
        snprintf(sub, sizeof sub, "%s", submission);
    } else if ((ex = latest_of(sub, &h, headers, base, org)) != MM_EXIT_OK) {
        goto done;
    }
    ex = MM_EXIT_USAGE;
    mm_affirmation aff = {.submission_id = sub, .official = official, .date = date};
    rc = mm_affirmation_sign(&signed_doc, &aff, k);
    if (rc) {
        ex = cli_fail(rc);
        goto done;
    }
    esc = curl_easy_escape(h.curl, org, 0);
    mm_buf_printf(&url, "%s/api/v1/organizations/%s/affirmations", base, esc ? esc : "");
    if (url.failed || !esc) {
        cli_error("out of memory");
        goto done;
    }
    ex = cli_http_do(&h, mm_buf_cstr(&url), headers, signed_doc, strlen(signed_doc), &status, &r);
    if (ex != MM_EXIT_OK)
        goto done;
    if (status == 201) {
        json_t *j = json_loadb(mm_buf_cstr(&r.body), r.body.len, 0, NULL);
        char due[CLI_MESSAGE_MAX + 4];
        cli_clean_text(due, json_string_value(json_object_get(j, "next_due_by"))
                                ? json_string_value(json_object_get(j, "next_due_by"))
                                : "?");
        json_decref(j);
        fprintf(stderr, "affirmed: submission %s on %s (next affirmation due by %s)\n", sub, date,
                due);
        rc = cli_write_answer(&r, out);
        ex = rc ? cli_fail(rc) : MM_EXIT_OK;
    } else if (status >= 400 && status < 500) {
        cli_error_message(msg, &r);
        cli_error("server refused the affirmation: HTTP %ld: %s", status, msg);
        ex = MM_EXIT_FINDINGS;
    } else {
        cli_error_message(msg, &r);
        cli_error("server answered HTTP %ld, not 201: %s", status, msg);
        ex = MM_EXIT_USAGE;
    }
done:
    if (auth) {
        sodium_memzero(auth, strlen(auth));
        free(auth);
    }
    curl_free(esc);
    curl_slist_free_all(headers);
    if (h.curl)
        curl_easy_cleanup(h.curl);
    if (curl_started)
        curl_global_cleanup();
    mm_buf_free(&r.body);
    mm_buf_free(&url);
    mm_key_free(k);
    free(signed_doc);
    free(base);
    return ex;
}
