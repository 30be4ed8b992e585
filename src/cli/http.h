/* The command line's HTTP client (libcurl): requests to the authority's server with the
 * checks every subcommand that talks to it needs (`mamori submit`, `mamori incident`). */
#ifndef MM_CLI_HTTP_H
#define MM_CLI_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

#define CLI_RESPONSE_MAX_BYTES (1024u * 1024) /* any answer of the server: 1 MiB */
#define CLI_MESSAGE_MAX        300            /* a server's error message, as printed */

typedef struct cli_response {
    mm_buf body;
    bool too_big;
} cli_response;

#define CLI_RESPONSE_INIT                                                                          \
    {                                                                                              \
        MM_BUF_INIT, false                                                                         \
    }

typedef struct cli_http {
    CURL *curl;
    const char *cacert; /* CA certificates file, or NULL for the system's */
    long timeout;       /* seconds, for each request */
    const char *method; /* another method than GET / POST ("PUT"), or NULL */
} cli_http;

/* Performs a request on url (a POST of body when body is not NULL) and fills *status and
 * r (the body NUL-terminated). Only http and https, no redirects followed, at most
 * CLI_RESPONSE_MAX_BYTES. Prints the message and returns MM_EXIT_USAGE when the server
 * cannot be reached; MM_EXIT_OK otherwise, whatever the status. */
int cli_http_do(cli_http *h, const char *url, struct curl_slist *headers, const char *body,
                size_t body_len, long *status, cli_response *r);

/* Copies the server's text for a terminal: control characters become '?', at most
 * CLI_MESSAGE_MAX bytes and "..." when cut. */
void cli_clean_text(char out[CLI_MESSAGE_MAX + 4], const char *s);

/* The message of an error answer {"error": {"code", "message"}}, cleaned for printing. */
void cli_error_message(char out[CLI_MESSAGE_MAX + 4], const cli_response *r);

/* True for a token that can go in a header as it is: printable ASCII, no spaces. */
bool cli_token_ok(const char *t);

/* Parses --timeout: whole seconds from 1 to 3600. */
bool cli_parse_timeout(long *out, const char *s);

/* The server URL without trailing slashes (malloc'd), or NULL when it is not http(s) or
 * has a query, a fragment or white space. */
char *cli_server_base(const char *url);

/* True for an http:// URL whose host is not loopback: the token would cross a network in
 * the clear. */
bool cli_cleartext_remote(const char *base);

/* The API token: --token when given, else MAMORI_TOKEN. Prints the message (prefixed by
 * cmd) and returns NULL when there is none or it cannot go in a header. Borrowed. */
const char *cli_api_token(const char *cmd, const char *flag);

/* Writes the server's answer r to out ("-" or NULL: standard output; otherwise atomically),
 * ending with a newline. MM_OK or an mm_error (message set). */
int cli_write_answer(cli_response *r, const char *out);

/* --timeout (arg NULL: 60 s) into *out; prints the message prefixed by cmd and returns false
 * when it is not whole seconds from 1 to 3600. */
bool cli_timeout_option(long *out, const char *cmd, const char *arg);

/* What every command that talks to the server does first: the API token (cli_api_token, into
 * *token) and the server's base URL (cli_server_base), with a warning on standard error when
 * the token would cross a network in the clear. Returns the base (malloc'd), or NULL after
 * printing the message prefixed by cmd. */
char *cli_server_open(const char *cmd, const char *server, const char *token_flag,
                      const char **token);

/* Appends the headers of a JSON API call with a bearer token to *headers; *auth gets the
 * Authorization line (malloc'd: wipe and free it after the request). Prints the message
 * and returns MM_EXIT_USAGE when out of memory. */
int cli_api_headers(struct curl_slist **headers, char **auth, const char *token);

#endif
