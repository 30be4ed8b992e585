/* The command line's HTTP client: see cli/http.h. */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/http.h"
#include "util/util.h"

static size_t on_write(char *data, size_t size, size_t n, void *arg)
{
    cli_response *r = arg;
    size_t len = size * n;
    if (len > CLI_RESPONSE_MAX_BYTES || r->body.len + len > CLI_RESPONSE_MAX_BYTES) {
        r->too_big = true;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    mm_buf_put(&r->body, data, len);
    return r->body.failed ? 0 : len;
}

int cli_http_do(cli_http *h, const char *url, struct curl_slist *headers, const char *body,
                size_t body_len, long *status, cli_response *r)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    CURL *c = h->curl;
    curl_easy_reset(c);
    /* Only HTTP(S), whatever the URL says: no file://, no other protocol. */
    if (curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK ||
        curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK) {
        cli_error("this libcurl cannot restrict protocols (needs 7.85 or later)");
        return MM_EXIT_USAGE;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* never carry the token elsewhere */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (h->cacert)
        curl_easy_setopt(c, CURLOPT_CAINFO, h->cacert);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, h->timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, h->timeout);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CLI_RESPONSE_MAX_BYTES);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "mamori/" MM_VERSION);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    if (headers)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        if (h->method)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, h->method);
    }
    CURLcode cc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    if (r->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        cli_error("%s: the server's answer is larger than %u bytes", url, CLI_RESPONSE_MAX_BYTES);
        return MM_EXIT_USAGE;
    }
    if (r->body.failed) {
        cli_error("out of memory");
        return MM_EXIT_USAGE;
    }
    if (cc != CURLE_OK) {
        cli_error("cannot reach %s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(cc));
        return MM_EXIT_USAGE;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    mm_buf_cstr(&r->body);
    return MM_EXIT_OK;
}

void cli_clean_text(char out[CLI_MESSAGE_MAX + 4], const char *s)
{
    size_t i = 0;
    for (; s[i] && i < CLI_MESSAGE_MAX; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    out[i] = '\0';
    if (s[i])
        memcpy(out + i, "...", 4);
}

void cli_error_message(char out[CLI_MESSAGE_MAX + 4], const cli_response *r)
{
    json_t *doc = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, NULL);
    json_t *err = json_object_get(doc, "error");
    const char *msg = json_string_value(json_object_get(err, "message"));
    const char *code = json_string_value(json_object_get(err, "code"));
    cli_clean_text(out, msg ? msg : code ? code : "(no error message in the answer)");
    json_decref(doc);
}

bool cli_token_ok(const char *t)
{
    if (!t[0] || strlen(t) > 4096)
        return false;
    for (; *t; t++)
        if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
            return false;
    return true;
}

bool cli_parse_timeout(long *out, const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > 3600)
        return false;
    *out = v;
    return true;
}

char *cli_server_base(const char *url)
{
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        return NULL;
    if (strpbrk(url, " \t\r\n?#"))
        return NULL;
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    char *base = malloc(n + 1);
    if (base) {
        memcpy(base, url, n);
        base[n] = '\0';
    }
    return base;
}

bool cli_cleartext_remote(const char *base)
{
    static const char *const loopback[] = {"http://127.0.0.1", "http://localhost", "http://[::1]"};
    if (strncmp(base, "http://", 7) != 0)
        return false;
    for (size_t i = 0; i < sizeof loopback / sizeof loopback[0]; i++) {
        size_t n = strlen(loopback[i]);
        if (strncmp(base, loopback[i], n) == 0 &&
            (base[n] == '\0' || base[n] == ':' || base[n] == '/'))
            return false;
    }
    return true;
}

const char *cli_api_token(const char *cmd, const char *flag)
{
    const char *env = getenv("MAMORI_TOKEN");
    const char *token = flag ? flag : (env && env[0] ? env : NULL);
    if (!token) {
        cli_error("%s: no API token: set MAMORI_TOKEN (or pass --token)", cmd);
        return NULL;
    }
    if (!cli_token_ok(token)) {
        cli_error("%s: the API token has spaces, control or non-ASCII characters", cmd);
        return NULL;
    }
    return token;
}

int cli_api_headers(struct curl_slist **headers, char **auth, const char *token)
{
    static const char prefix[] = "Authorization: Bearer ";
    struct curl_slist *h2;
    *auth = malloc(sizeof prefix + strlen(token));
    if (!*auth)
        goto oom;
    memcpy(*auth, prefix, sizeof prefix);
    strcat(*auth, token);
    if (!(h2 = curl_slist_append(*headers, *auth)))
        goto oom;
    *headers = h2;
    if (!(h2 = curl_slist_append(*headers, "Content-Type: application/json")))
        goto oom;
    *headers = h2;
    if (!(h2 = curl_slist_append(*headers, "Accept: application/json")))
        goto oom;
    *headers = h2;
    return MM_EXIT_OK;
oom:
    cli_error("out of memory");
    return MM_EXIT_USAGE;
}

bool cli_timeout_option(long *out, const char *cmd, const char *arg)
{
    *out = 60;
    if (arg && !cli_parse_timeout(out, arg)) {
        cli_error("%s: --timeout: '%s' is not a number of seconds from 1 to 3600", cmd, arg);
        return false;
    }
    return true;
}

char *cli_server_open(const char *cmd, const char *server, const char *token_flag,
                      const char **token)
{
    *token = cli_api_token(cmd, token_flag);
    if (!*token)
        return NULL;
    char *base = cli_server_base(server);
    if (!base) {
        cli_error("%s: --server: '%s' is not an http:// or https:// URL without a query", cmd,
                  server);
        return NULL;
    }
    if (cli_cleartext_remote(base))
        fprintf(stderr, "warning: %s is plain http: the token is sent unencrypted (use https)\n",
                base);
    return base;
}

int cli_write_answer(cli_response *r, const char *out)
{
    mm_buf_cstr(&r->body);
    if (r->body.len == 0 || r->body.data[r->body.len - 1] != '\n')
        mm_buf_putc(&r->body, '\n');
    return r->body.failed ? MM_ENOMEM
                          : mm_file_write_atomic(out ? out : "-", r->body.data, r->body.len);
}
