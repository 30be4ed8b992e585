/* mamori: where a webhook may go (docs/notifications.md "Where webhooks may go"). A URL is
 * compared with the operator's prefixes as the parts libcurl's own URL parser finds in both (the
 * parser that will send the POST), never as text: the scheme, the host and the port (each
 * case-insensitive, the port defaulted) must be a prefix's, and the path must be the prefix's
 * path or under it at a "/" boundary (a percent-encoded host is compared as libcurl decodes
 * it, the host it connects to). A URL with user information ("https://a@b/"), a backslash, or
 * an encoded ".", "/" or "\" in its path is refused whatever the prefixes, since a receiver
 * might read it otherwise than libcurl does. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "mamori/notify.h"

typedef struct url_parts {
    char *scheme, *host, *port, *path;
    bool userinfo;
} url_parts;

static void parts_free(url_parts *p)
{
    curl_free(p->scheme);
    curl_free(p->host);
    curl_free(p->port);
    curl_free(p->path);
}

/* an encoded ".", "/" or "\\" (%2e, %2f, %5c in either case) */
static bool encoded_separator(const char *path)
{
    for (const char *c = path; *c; c++) {
        if (c[0] != '%' || !c[1] || !c[2])
            continue;
        char lo = (char)(c[2] | 0x20);
        if ((c[1] == '2' && (lo == 'e' || lo == 'f')) || (c[1] == '5' && lo == 'c'))
            return true;
    }
    return false;
}

/* the parts of url, or a reason in *why */
static bool parts_of(url_parts *o, const char *url, const char **why)
{
    memset(o, 0, sizeof *o);
    if (!url || strlen(url) > 500) {
        *why = "expected an http:// or https:// URL of at most 500 characters";
        return false;
    }
    for (const unsigned char *c = (const unsigned char *)url; *c; c++) {
        if (*c <= ' ' || *c >= 0x7f || *c == '\\') {
            *why = "a URL is printable ASCII without spaces or backslashes";
            return false;
        }
    }
    CURLU *u = curl_url();
    if (!u) {
        *why = "out of memory";
        return false;
    }
    bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &o->scheme, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &o->host, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_PORT, &o->port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_PATH, &o->path, 0) == CURLUE_OK;
    char *user = NULL, *password = NULL;
    o->userinfo = curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
                  curl_url_get(u, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK;
    curl_free(user);
    curl_free(password);
    curl_url_cleanup(u);
    if (!ok || (strcasecmp(o->scheme, "http") != 0 && strcasecmp(o->scheme, "https") != 0)) {
        *why = "expected an http:// or https:// URL";
    } else if (o->userinfo) {
        *why = "a URL with user information (\"user@\") is not accepted";
    } else if (encoded_separator(o->path)) {
        *why = "a path with an encoded \".\", \"/\" or \"\\\" is not accepted";
    } else {
        return true;
    }
    parts_free(o);
    memset(o, 0, sizeof *o);
    return false;
}

/* whether u is under the prefix p */
static bool under(const url_parts *u, const url_parts *p)
{
    if (strcasecmp(u->scheme, p->scheme) != 0 || strcasecmp(u->host, p->host) != 0 ||
        strcmp(u->port, p->port) != 0)
        return false;
    size_t n = strlen(p->path);
    if (strncmp(u->path, p->path, n) != 0)
        return false;
    /* "/hooks" allows "/hooks" and "/hooks/x", not "/hooksevil" */
    return n == 0 || p->path[n - 1] == '/' || u->path[n] == '\0' || u->path[n] == '/';
}

int mm_notify_url_check(const char *url, const char *const *prefixes, size_t n, const char **why)
{
    const char *dummy = NULL;
    if (!why)
        why = &dummy;
    *why = NULL;
    url_parts u;
    if (!parts_of(&u, url, why))
        return -1;
    int rc = 1;
    for (size_t i = 0; rc == 1 && i < n; i++) {
        url_parts p;
        const char *pwhy = NULL;
        if (!parts_of(&p, prefixes[i], &pwhy))
            continue;
        if (under(&u, &p))
            rc = 0;
        parts_free(&p);
    }
    parts_free(&u);
    if (rc)
        *why = "not under a URL prefix the operator allowed (notify-webhooks)";
    return rc;
}

bool mm_notify_prefix_ok(const char *prefix, const char **why)
{
    url_parts p;
    if (!parts_of(&p, prefix, why))
        return false;
    parts_free(&p);
    return true;
}
