/* A small JSON API session for the commands that read and change server records
 * (`mamori product`, `mamori recognize`): the token, the server's base URL, libcurl, and the
 * caller's own organization (GET /api/v1/session) when the command needs it. */
#ifndef MM_CLI_API_CLIENT_H
#define MM_CLI_API_CLIENT_H

#include <jansson.h>

#include "cli/http.h"

typedef struct cli_api {
    const char *cmd; /* for messages: "product add" */
    char *base;      /* malloc'd */
    const char *token;
    cli_http h;
    struct curl_slist *headers;
    char *auth; /* malloc'd, wiped on close */
    bool curl_started;
} cli_api;

/* Opens the session (cli_server_open, libcurl, headers). MM_EXIT_OK, or MM_EXIT_USAGE after
 * printing the message. cli_api_close in both cases. */
int cli_api_open(cli_api *a, const char *cmd, const char *server, const char *token_flag,
                 const char *cacert, const char *timeout_arg);
void cli_api_close(cli_api *a);

/* GET (body NULL) or POST of body (JSON text) to base + path; r gets the answer. An answer
 * other than want prints "PATH: HTTP N: message" and returns MM_EXIT_USAGE. */
int cli_api_call(cli_api *a, const char *path, const char *body, long want, cli_response *r);

/* The organization org_flag names, else the caller's own (from GET /api/v1/session), into
 * out (64 bytes). MM_EXIT_OK or MM_EXIT_USAGE. */
int cli_api_org(cli_api *a, char out[64], const char *org_flag);

/* True for an id that may go into a URL path as it is (letters, digits, '-', '.', '_'). */
bool cli_api_id_ok(const char *id);

#endif
