/* The JSON API session of `mamori product` and `mamori recognize` (api_client.h). */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api_client.h"
#include "cli/cli.h"
#include "cli/receipt.h"

int cli_api_open(cli_api *a, const char *cmd, const char *server, const char *token_flag,
                 const char *cacert, const char *timeout_arg)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    a->h.cacert = cacert;
    if (!server) {
        cli_error("%s: --server URL is required", cmd);
        return MM_EXIT_USAGE;
    }
    if (!cli_timeout_option(&a->h.timeout, cmd, timeout_arg))
        return MM_EXIT_USAGE;
    if (!(a->base = cli_server_open(cmd, server, token_flag, &a->token)))
        return MM_EXIT_USAGE;
    a->curl_started = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!a->curl_started || !(a->h.curl = curl_easy_init())) {
        cli_error("cannot start libcurl");
        return MM_EXIT_USAGE;
    }
    return cli_api_headers(&a->headers, &a->auth, a->token);
}

void cli_api_close(cli_api *a)
{
    if (a->auth) {
        sodium_memzero(a->auth, strlen(a->auth));
        free(a->auth);
    }
    curl_slist_free_all(a->headers);
    if (a->h.curl)
        curl_easy_cleanup(a->h.curl);
    if (a->curl_started)
        curl_global_cleanup();
    free(a->base);
    memset(a, 0, sizeof *a);
}

int cli_api_call(cli_api *a, const char *path, const char *body, long want, cli_response *r)
{
    mm_buf url = MM_BUF_INIT;
    mm_buf_printf(&url, "%s%s", a->base, path);
    if (url.failed) {
        cli_error("out of memory");
        return MM_EXIT_USAGE;
    }
    long status = 0;
    int ex = cli_http_do(&a->h, mm_buf_cstr(&url), a->headers, body, body ? strlen(body) : 0,
                         &status, r);
    if (ex == MM_EXIT_OK && status != want) {
        char msg[CLI_MESSAGE_MAX + 4];
        cli_error_message(msg, r);
        cli_error("%s: %s: HTTP %ld: %s", a->cmd, path, status, msg);
        ex = MM_EXIT_USAGE;
    }
    mm_buf_free(&url);
    return ex;
}

bool cli_api_id_ok(const char *id)
{
    return id && id[0] && id[0] != '.' && strlen(id) < 64 &&
           strspn(id, CLI_SUBMISSION_ID_CHARS) == strlen(id);
}

int cli_api_org(cli_api *a, char out[64], const char *org_flag)
{
    if (org_flag) {
        if (!cli_api_id_ok(org_flag)) {
            cli_error("%s: --org: not an organization id", a->cmd);
            return MM_EXIT_USAGE;
        }
        snprintf(out, 64, "%s", org_flag);
        return MM_EXIT_OK;
    }
    cli_response r = CLI_RESPONSE_INIT;
    int ex = cli_api_call(a, "/api/v1/session", NULL, 200, &r);
    json_t *j = ex == MM_EXIT_OK ? json_loadb(r.body.data, r.body.len, 0, NULL) : NULL;
    const char *org = json_string_value(json_object_get(json_object_get(j, "user"), "org_id"));
    if (ex == MM_EXIT_OK && !cli_api_id_ok(org)) {
        cli_error("%s: the server did not say which organization the token belongs to", a->cmd);
        ex = MM_EXIT_USAGE;
    }
    if (ex == MM_EXIT_OK)
        snprintf(out, 64, "%s", org);
    json_decref(j);
    mm_buf_free(&r.body);
    return ex;
}
