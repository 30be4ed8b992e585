/* mamori serve: request framing and the request target's bytes (see framing.h).
 *
 * libmicrohttpd 0.9.75 (Debian 12) frames a request body from the FIRST Transfer-Encoding
 * field line if there is one (chunked only when its value is exactly "chunked", in any letter
 * case; any other value makes the body "everything until the connection closes"), else from
 * the FIRST Content-Length field line; further lines of either are kept but ignored. It
 * refuses a Content-Length that is not all digits (so "5, 5") with its own 400 and closes.
 * These checks close the rest: a second field line of either, both at once, a coding MHD
 * would not decode, Transfer-Encoding in HTTP/1.0, whitespace before a field's colon (MHD keeps
 * it in the name) and control bytes in the decoded target. */
#include <string.h>
#include <strings.h>

#include "server/framing.h"

typedef struct framing_fields {
    unsigned content_length; /* field lines named Content-Length */
    unsigned transfer_encoding;
    bool chunked;  /* the (first) Transfer-Encoding value is exactly "chunked" */
    bool bad_name; /* a field name with whitespace or a control byte in it */
} framing_fields;

static bool control_byte(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

static bool has_control(const char *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (control_byte((unsigned char)s[i]))
            return true;
    return false;
}

static bool name_is(const char *key, size_t key_size, const char *name)
{
    return key_size == strlen(name) && strncasecmp(key, name, key_size) == 0;
}

static enum MHD_Result count_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    framing_fields *f = cls;
    for (size_t i = 0; i < key_size; i++)
        if ((unsigned char)key[i] <= 0x20 || key[i] == 0x7f)
            f->bad_name = true;
    if (key_size == 0)
        f->bad_name = true;
    if (name_is(key, key_size, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        f->content_length++;
    } else if (name_is(key, key_size, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        if (f->transfer_encoding++ == 0)
            f->chunked = value && name_is(value, value_size, "chunked");
    }
    return MHD_YES;
}

static enum MHD_Result query_ok(void *cls, enum MHD_ValueKind kind, const char *key,
                                size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    bool *bad = cls;
    if (has_control(key, key_size) || has_control(value, value_size))
        *bad = true;
    return *bad ? MHD_NO : MHD_YES;
}

/* Every refusal closes the connection: a framing error leaves the rest of the stream
 * unreadable (RFC 9112 6.3), and MHD 0.9.75 closes after any answer queued before the body
 * anyway; the header says so to the client. */
static bool refuse(reply *out, unsigned status, const char *code, const char *msg)
{
    reply_error(out, status, code, "%s", msg);
    out->close = true;
    return false;
}

bool framing_ok(struct MHD_Connection *conn, const char *url, const char *version, reply *out)
{
    framing_fields f = {0};
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, count_field, &f);
    /* RFC 9112 5.1: whitespace between a field name and the colon gets 400. MHD keeps it as
     * part of the name ("Content-Length "), so it frames without the field while a lenient
     * proxy in front may frame with it */
    if (f.bad_name)
        return refuse(out, 400, "bad_request", "a header name with whitespace or a control byte");
    /* RFC 9112 6.3 (5) and RFC 9110 8.6: a second Content-Length is refused even when it
     * repeats the first (6.3 allows either; MHD already refuses the list form "5, 5") */
    if (f.content_length > 1)
        return refuse(out, 400, "bad_request", "more than one Content-Length");
    if (f.transfer_encoding) {
        /* RFC 9112 6.1: a coding the server does not understand gets 501; MHD decodes
         * "chunked" alone, from the first field line only */
        if (f.transfer_encoding > 1 || !f.chunked)
            return refuse(out, 501, "not_implemented",
                          "the only transfer coding accepted is chunked, alone");
        /* RFC 9112 6.1: the server MAY reject both at once and MUST close after answering */
        if (f.content_length)
            return refuse(out, 400, "bad_request", "both Transfer-Encoding and Content-Length");
        /* RFC 9112 6.1: Transfer-Encoding in HTTP/1.0 means faulty framing */
        if (version && strcmp(version, MHD_HTTP_VERSION_1_0) == 0)
            return refuse(out, 400, "bad_request", "Transfer-Encoding in HTTP/1.0");
    }
    if (!url || has_control(url, strlen(url)))
        return refuse(out, 400, "bad_request", "a control byte in the path");
    bool bad = false;
    MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, query_ok, &bad);
    if (bad)
        return refuse(out, 400, "bad_request", "a control byte in the query");
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t framing_percent_decode(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        int hi = r[0] == '%' ? hex_digit(r[1]) : -1;
        int lo = hi >= 0 ? hex_digit(r[2]) : -1;
        if (lo >= 0) {
            unsigned char b = (unsigned char)(hi * 16 + lo);
            *w++ = (char)(b ? b : 0x7f);
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

size_t framing_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return framing_percent_decode(s);
}
