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
#include "mamori/submit.h"
#include "util/util.h"

#define RESPONSE_MAX_BYTES   (1024u * 1024) /* any answer of the server: 1 MiB */
#define SERVER_KEY_MAX_BYTES (64u * 1024)   /* a pinned server key file */
#define MESSAGE_MAX          300            /* a server's error message, as printed */

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

/* ---- HTTP ------------------------------------------------------------------------------ */

typedef struct response {
    mm_buf body;
    bool too_big;
} response;

static size_t on_write(char *data, size_t size, size_t n, void *arg)
{
    response *r = arg;
    size_t len = size * n;
    if (len > RESPONSE_MAX_BYTES || r->body.len + len > RESPONSE_MAX_BYTES) {
        r->too_big = true;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    mm_buf_put(&r->body, data, len);
    return r->body.failed ? 0 : len;
}

typedef struct http {
    CURL *curl;
    const char *cacert;
    long timeout;
} http;

/* Performs a request on url (a POST of body when body is not NULL) and fills *status and
 * r. Prints the message and returns MM_EXIT_USAGE when the server cannot be reached. */
static int http_do(http *h, const char *url, struct curl_slist *headers, const char *body,
                   size_t body_len, long *status, response *r)
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
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)RESPONSE_MAX_BYTES);
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
    }
    CURLcode cc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    if (r->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
        cli_error("%s: the server's answer is larger than %u bytes", url, RESPONSE_MAX_BYTES);
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

/* Copies the server's text for a terminal: control characters become '?', at most
 * MESSAGE_MAX bytes. */
static void clean_text(char out[MESSAGE_MAX + 4], const char *s)
{
    size_t i = 0;
    for (; s[i] && i < MESSAGE_MAX; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    out[i] = '\0';
    if (s[i])
        memcpy(out + i, "...", 4);
}

/* The message of an error answer {"error": {"code", "message"}}, cleaned for printing. */
static void error_message(char out[MESSAGE_MAX + 4], const response *r)
{
    json_t *doc = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, NULL);
    json_t *err = json_object_get(doc, "error");
    const char *msg = json_string_value(json_object_get(err, "message"));
    const char *code = json_string_value(json_object_get(err, "code"));
    clean_text(out, msg ? msg : code ? code : "(no error message in the answer)");
    json_decref(doc);
}

/* ---- the server's public key -------------------------------------------------------------- */

/* Parses {"public_key": base64 of 32 bytes, "key_id": its 16 hex digits} from where. */
static int parse_server_key(unsigned char pub[MM_KEY_PUBLIC_BYTES], char key_id[17],
                            const char *text, size_t len, const char *where)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        cli_error("%s: %d:%d: %s", where, jerr.line, jerr.column, jerr.text);
        return MM_EXIT_USAGE;
    }
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
            char shown[MESSAGE_MAX + 4];
            clean_text(shown, id);
            cli_error("%s: $.key_id: \"%s\" is not the key id of the public key (%s)", where, shown,
                      key_id);
            rc = MM_EXIT_USAGE;
        }
    }
    json_decref(doc);
    return rc;
}

static int load_server_key(unsigned char pub[MM_KEY_PUBLIC_BYTES], char key_id[17], http *h,
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
    response r = {MM_BUF_INIT, false};
    long status = 0;
    int ex = url.failed ? MM_EXIT_USAGE : http_do(h, mm_buf_cstr(&url), NULL, NULL, 0, &status, &r);
    if (ex == MM_EXIT_OK && status != 200) {
        char msg[MESSAGE_MAX + 4];
        error_message(msg, &r);
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
static int check_receipt(const response *r, const unsigned char pub[MM_KEY_PUBLIC_BYTES],
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
        char shown_id[MESSAGE_MAX + 4], shown_status[MESSAGE_MAX + 4];
        clean_text(shown_id, submission_id);
        clean_text(shown_status, status ? status : "?");
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

/* ---- the command -------------------------------------------------------------------------- */

/* True for a token that can go in a header as it is: printable ASCII, no spaces. */
static bool token_ok(const char *t)
{
    if (!t[0] || strlen(t) > 4096)
        return false;
    for (; *t; t++)
        if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
            return false;
    return true;
}

static bool parse_timeout(long *out, const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > 3600)
        return false;
    *out = v;
    return true;
}

/* The server URL without trailing slashes (malloc'd), or NULL when it is not http(s). */
static char *server_base(const char *url)
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

/* True for an http:// URL whose host is not loopback: the token would cross a network in
 * the clear. */
static bool cleartext_remote(const char *base)
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
    if (timeout_arg && !parse_timeout(&timeout, timeout_arg)) {
        cli_error("submit: --timeout: '%s' is not a number of seconds from 1 to 3600", timeout_arg);
        return MM_EXIT_USAGE;
    }
    const char *env_token = getenv("MAMORI_TOKEN");
    const char *token = token_arg ? token_arg : (env_token && env_token[0] ? env_token : NULL);
    if (!token) {
        cli_error("submit: no API token: set MAMORI_TOKEN (or pass --token)");
        return MM_EXIT_USAGE;
    }
    if (!token_ok(token)) {
        cli_error("submit: the API token has spaces, control or non-ASCII characters");
        return MM_EXIT_USAGE;
    }
    char *base = server_base(server);
    if (!base) {
        cli_error("submit: --server: '%s' is not an http:// or https:// URL without a query",
                  server);
        return MM_EXIT_USAGE;
    }

    if (cleartext_remote(base))
        fprintf(stderr, "warning: %s is plain http: the token is sent unencrypted (use https)\n",
                base);

    int ex = MM_EXIT_USAGE;
    mm_key *k = NULL;
    char *signed_doc = NULL, *auth = NULL;
    json_t *envelope = NULL;
    char org_key_id[17], sent_hash[65], server_key_id[17] = "";
    unsigned char pub[MM_KEY_PUBLIC_BYTES];
    struct curl_slist *headers = NULL, *h2;
    mm_buf url = MM_BUF_INIT;
    response r = {MM_BUF_INIT, false};
    http h = {NULL, cacert, timeout};
    bool curl_started = false;
    long status = 0;
    char msg[MESSAGE_MAX + 4];

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

    auth = malloc(strlen("Authorization: Bearer ") + strlen(token) + 1);
    if (!auth) {
        cli_error("out of memory");
        goto done;
    }
    strcpy(auth, "Authorization: Bearer ");
    strcat(auth, token);
    if (!(h2 = curl_slist_append(headers, auth)))
        goto oom;
    headers = h2;
    if (!(h2 = curl_slist_append(headers, "Content-Type: application/json")))
        goto oom;
    headers = h2;
    if (!(h2 = curl_slist_append(headers, "Accept: application/json")))
        goto oom;
    headers = h2;
    mm_buf_printf(&url, "%s/api/v1/submissions", base);
    if (url.failed)
        goto oom;

    ex = http_do(&h, mm_buf_cstr(&url), headers, signed_doc, strlen(signed_doc), &status, &r);
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
        error_message(msg, &r);
        cli_error("server refused the submission: HTTP %ld: %s", status, msg);
        ex = MM_EXIT_FINDINGS;
    } else if (status >= 500) {
        error_message(msg, &r);
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
