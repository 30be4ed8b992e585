/* mamori serve: strict parsers of HTML form bodies (form.h). Everything outside the
 * grammar is refused with a message rather than guessed at: the browser's own forms never
 * send it, so anything else is a client to refuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/form.h"

static int fail(char *msg, size_t size, const char *what)
{
    snprintf(msg, size, "%s", what);
    return -1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) (+ is a space, %XX a byte) into out, NUL-terminated; the decoded length,
 * or -1 for a bad escape or a NUL byte. out has room for n + 1 bytes. */
static long url_decode(char *out, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= n)
                return -1;
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0)
                return -1;
            c = (char)(h * 16 + l);
            i += 2;
        }
        if (c == '\0')
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return (long)o;
}

static bool duplicate(const mm_form *f, const char *name)
{
    return mm_form_get(f, name) != NULL;
}

static int parse_urlencoded(mm_form *f, const char *body, size_t len, char *msg, size_t size)
{
    f->mem = malloc(len + 2 * MM_FORM_MAX_FIELDS + 1);
    if (!f->mem)
        return fail(msg, size, "out of memory");
    char *w = f->mem;
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end == i) {
            i++; /* an empty pair ("a=1&&b=2") */
            continue;
        }
        const char *eq = memchr(body + i, '=', end - i);
        if (!eq)
            return fail(msg, size, "form: a field without '='");
        size_t nlen = (size_t)(eq - (body + i)), vlen = end - (size_t)(eq + 1 - body);
        if (nlen == 0 || nlen > MM_FORM_MAX_NAME * 3)
            return fail(msg, size, "form: a field name is empty or too long");
        if (vlen > MM_FORM_MAX_VALUE * 3)
            return fail(msg, size, "form: a value is too long");
        if (f->n >= MM_FORM_MAX_FIELDS)
            return fail(msg, size, "form: too many fields");
        long dn = url_decode(w, body + i, nlen);
        if (dn <= 0 || dn > MM_FORM_MAX_NAME)
            return fail(msg, size, "form: a field name is malformed");
        char *name = w;
        w += dn + 1;
        long dv = url_decode(w, eq + 1, vlen);
        if (dv < 0 || (size_t)dv > MM_FORM_MAX_VALUE)
            return fail(msg, size, "form: a value is malformed (bad %-escape or NUL)");
        if (duplicate(f, name))
            return fail(msg, size, "form: a field is given twice");
        f->fields[f->n++] = (mm_form_field){name, w, (size_t)dv, NULL};
        w += dv + 1;
        i = end + 1;
    }
    return 0;
}

/* The value of parameter key (e.g. boundary, name, filename) in a header value such as
 * 'form-data; name="x"; filename="y"', into out; false when absent, malformed or too long. */
static bool header_param(const char *h, size_t hlen, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key);
    size_t i = 0;
    while (i < hlen) {
        /* go to the next ';' outside quotes */
        while (i < hlen && h[i] != ';') {
            if (h[i] == '"') {
                i++;
                while (i < hlen && h[i] != '"')
                    i++;
            }
            i++;
        }
        if (i >= hlen)
            return false;
        i++;
        while (i < hlen && (h[i] == ' ' || h[i] == '\t'))
            i++;
        if (hlen - i > klen && strncasecmp(h + i, key, klen) == 0 && h[i + klen] == '=') {
            i += klen + 1;
            size_t o = 0;
            if (i < hlen && h[i] == '"') {
                i++;
                while (i < hlen && h[i] != '"') {
                    if (h[i] == '\\' || (unsigned char)h[i] < 0x20 || o + 1 >= size)
                        return false;
                    out[o++] = h[i++];
                }
                if (i >= hlen)
                    return false;
            } else {
                while (i < hlen && h[i] != ';' && h[i] != ' ') {
                    if ((unsigned char)h[i] < 0x20 || h[i] == '"' || o + 1 >= size)
                        return false;
                    out[o++] = h[i++];
                }
            }
            out[o] = '\0';
            return true;
        }
    }
    return false;
}

static const char *find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    if (nlen == 0 || hlen < nlen)
        return NULL;
    const char *end = hay + hlen - nlen;
    for (const char *p = hay; p <= end; p++) {
        p = memchr(p, needle[0], (size_t)(end - p) + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, nlen) == 0)
            return p;
    }
    return NULL;
}

static int parse_multipart(mm_form *f, const char *ctype, const char *body, size_t len,
                           size_t max_file, char *msg, size_t size)
{
    char boundary[75];
    if (!header_param(ctype, strlen(ctype), "boundary", boundary, sizeof boundary) || !boundary[0])
        return fail(msg, size, "multipart: no boundary (or one over 70 characters)");
    char delim[80];
    size_t dlen = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
    /* room for every part's bytes plus its name and file name */
    f->mem = malloc(len + MM_FORM_MAX_FIELDS * (2 * 256 + 2) + 1);
    if (!f->mem)
        return fail(msg, size, "out of memory");
    char *w = f->mem;
    /* the body starts with the delimiter without its CRLF */
    if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0)
        return fail(msg, size, "multipart: the body does not start with the boundary");
    size_t i = dlen - 2;
    for (;;) {
        if (len - i >= 2 && body[i] == '-' && body[i + 1] == '-')
            return 0; /* the closing delimiter; what follows is the epilogue */
        if (len - i < 2 || body[i] != '\r' || body[i + 1] != '\n')
            return fail(msg, size, "multipart: expected CRLF after a boundary");
        i += 2;
        /* headers */
        const char *hend = find(body + i, len - i, "\r\n\r\n", 4);
        if (!hend)
            return fail(msg, size, "multipart: a part's headers do not end");
        if ((size_t)(hend - (body + i)) > 4096)
            return fail(msg, size, "multipart: a part's headers are too long");
        char name[MM_FORM_MAX_NAME + 1] = "", filename[256] = "";
        bool has_cd = false, has_file = false;
        const char *h = body + i;
        while (h < hend + 2) {
            const char *eol = find(h, (size_t)(hend + 2 - h), "\r\n", 2);
            size_t hl = (size_t)(eol - h);
            if (hl > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
                const char *v = h + 20;
                size_t vl = hl - 20;
                while (vl && *v == ' ') {
                    v++;
                    vl--;
                }
                if (vl < 9 || strncasecmp(v, "form-data", 9) != 0 || has_cd)
                    return fail(msg, size, "multipart: expected Content-Disposition: form-data");
                if (!header_param(v, vl, "name", name, sizeof name) || !name[0])
                    return fail(msg, size, "multipart: a part without a name");
                has_file = header_param(v, vl, "filename", filename, sizeof filename);
                has_cd = true;
            }
            h = eol + 2;
        }
        if (!has_cd)
            return fail(msg, size, "multipart: a part without Content-Disposition");
        i = (size_t)(hend + 4 - body);
        const char *pend = find(body + i, len - i, delim, dlen);
        if (!pend)
            return fail(msg, size, "multipart: a part does not end with the boundary");
        size_t vlen = (size_t)(pend - (body + i));
        if (vlen > (has_file ? max_file : MM_FORM_MAX_VALUE))
            return fail(msg, size,
                        has_file ? "multipart: the file is too large"
                                 : "multipart: a value is too long");
        if (f->n >= MM_FORM_MAX_FIELDS)
            return fail(msg, size, "multipart: too many parts");
        if (duplicate(f, name))
            return fail(msg, size, "multipart: a field is given twice");
        if (!has_file && memchr(body + i, '\0', vlen))
            return fail(msg, size, "multipart: a NUL byte in a field");
        mm_form_field *fl = &f->fields[f->n++];
        size_t nl = strlen(name);
        memcpy(w, name, nl + 1);
        fl->name = w;
        w += nl + 1;
        if (has_file) {
            size_t fl_len = strlen(filename);
            memcpy(w, filename, fl_len + 1);
            fl->filename = w;
            w += fl_len + 1;
        }
        memcpy(w, body + i, vlen);
        w[vlen] = '\0';
        fl->value = w;
        fl->len = vlen;
        w += vlen + 1;
        i = (size_t)(pend - body) + dlen;
    }
}

int mm_form_parse(mm_form *f, const char *ctype, const char *body, size_t len, size_t max_file,
                  char *msg, size_t size)
{
    memset(f, 0, sizeof *f);
    if (msg && size)
        msg[0] = '\0';
    if (!ctype)
        return fail(msg, size, "send the form as application/x-www-form-urlencoded");
    if (!body)
        body = "";
    if (strncasecmp(ctype, "application/x-www-form-urlencoded", 33) == 0 &&
        (!ctype[33] || ctype[33] == ';'))
        return parse_urlencoded(f, body, len, msg, size);
    if (strncasecmp(ctype, "multipart/form-data", 19) == 0 && ctype[19] == ';')
        return parse_multipart(f, ctype, body, len, max_file, msg, size);
    return fail(msg, size,
                "send the form as application/x-www-form-urlencoded or multipart/form-data");
}

const mm_form_field *mm_form_get(const mm_form *f, const char *name)
{
    for (size_t i = 0; f && i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return &f->fields[i];
    return NULL;
}

const char *mm_form_value(const mm_form *f, const char *name)
{
    const mm_form_field *fl = mm_form_get(f, name);
    return fl ? fl->value : NULL;
}

void mm_form_free(mm_form *f)
{
    if (!f)
        return;
    free(f->mem);
    memset(f, 0, sizeof *f);
}

bool mm_url_encode(char *out, size_t size, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = strlen(out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
        if (o + (plain ? 1 : 3) + 1 > size)
            return false;
        if (plain) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return true;
}
