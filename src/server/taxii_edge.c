/* mamori serve: the edge of TAXII 2.1 (docs/taxii.md): media types (406, 415), HTTP Basic
 * credentials checked by the logon check with its lockout (account.c auth_basic), and every
 * answer as application/taxii+json;version=2.1 with errors as TAXII error messages (section
 * 3.6.1: title, description, error_code, http_status). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "mamori/taxii.h"
#include "server/account.h"
#include "server/taxii.h"

bool taxii_path(const char *url)
{
    return url && strncmp(url, "/taxii2/", 8) == 0;
}

bool taxii_media_ok(http_req *r, reply *out)
{
    if (!mm_taxii_media_ok(req_header(r, MHD_HTTP_HEADER_ACCEPT), true)) {
        reply_error(out, 406, "not_acceptable", "send Accept: %s", MM_TAXII_MEDIA);
        return false;
    }
    if (strcmp(r->method, "POST") == 0 &&
        !mm_taxii_media_ok(req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE), false)) {
        reply_error(out, 415, "unsupported_media_type", "send the envelope as Content-Type: %s",
                    MM_TAXII_MEDIA);
        return false;
    }
    return true;
}

int taxii_auth(http_req *r, reply *out)
{
    const char *auth = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!auth || strncasecmp(auth, "Basic ", 6) != 0)
        return mm_auth_resolve(r, out);
    memset(&r->who, 0, sizeof r->who);
    char login[129], password[1025];
    if (mm_taxii_basic(auth, login, sizeof login, password, sizeof password) != MM_OK) {
        reply_error(out, 401, "unauthenticated", "%s", mm_error_last());
        return 401;
    }
    act_fail f = {0};
    int rc = auth_basic(r, login, password, &f);
    sodium_memzero(password, sizeof password);
    if (rc) {
        reply_fail(out, &f);
        return out->status ? (int)out->status : 401;
    }
    return 0;
}

static const char *title_of(unsigned status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 413:
        return "Request Entity Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 423:
        return "Locked";
    case 503:
        return "Service Unavailable";
    default:
        return status >= 500 ? "Internal Server Error" : "Error";
    }
}

void taxii_finish(http_req *r, reply *out)
{
    (void)r;
    if (out->status >= 400 && out->json) {
        json_t *e = json_object_get(out->json, "error");
        const char *code = json_string_value(json_object_get(e, "code"));
        const char *msg = json_string_value(json_object_get(e, "message"));
        char st[8];
        snprintf(st, sizeof st, "%u", out->status);
        json_t *t =
            json_pack("{s:s,s:s,s:s,s:s}", "title", title_of(out->status), "description",
                      msg ? msg : "", "error_code", code ? code : "error", "http_status", st);
        if (t) {
            json_decref(out->json);
            out->json = t;
        }
    }
    if (out->status == 401)
        out->www_basic = true;
    if (out->json || out->text)
        out->ctype = MM_TAXII_MEDIA;
}
