/*
 * The one JSON loader and validator for outside input (see json.h).
 *
 * Encodings: RFC 8259 section 8.1 requires UTF-8 for JSON exchanged between systems and
 * allows a parser to ignore a byte order mark; we ignore a UTF-8 one. Text in another
 * encoding is not guessed at and converted: it is named, so the user can save it as UTF-8.
 * UTF-16 and UTF-32 are told by their byte order mark or, without one, by the pattern of
 * NUL bytes in the first two ASCII characters (RFC 4627 section 3). Shift_JIS is told by
 * text that is not UTF-8 but is made only of ASCII, half-width katakana (0xA1-0xDF) and
 * lead/trail byte pairs (JIS X 0208 Appendix 1: lead 0x81-0x9F or 0xE0-0xFC, trail
 * 0x40-0x7E or 0x80-0xFC).
 */
#include <stdio.h>
#include <string.h>

#include "mamori/error.h"
#include "util/json.h"

/* Length of the UTF-8 sequence at p (at most n bytes), 0 when it is not well-formed
 * (RFC 3629 section 4: no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return len;
}

/* Offset of the first byte that is not UTF-8, or len when all of it is. */
static size_t utf8_prefix(const unsigned char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t k = utf8_seq(p + i, len - i);
        if (!k)
            return i;
        i += k;
    }
    return len;
}

/* True when p is Shift_JIS text with at least one byte outside ASCII. */
static bool is_shift_jis(const unsigned char *p, size_t len)
{
    bool wide = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        if (c < 0x80)
            continue;
        wide = true;
        if (c >= 0xA1 && c <= 0xDF) /* half-width katakana */
            continue;
        if ((c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC)) {
            if (i + 1 >= len)
                return false;
            unsigned char t = p[i + 1];
            if (!((t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFC)))
                return false;
            i++;
            continue;
        }
        return false;
    }
    return wide;
}

const char *mm_json_foreign_encoding(const char *data, size_t len, int *line, int *col)
{
    const unsigned char *p = (const unsigned char *)data;
    if (line)
        *line = 1;
    if (col)
        *col = 1;
    if (!p || len < 2)
        return NULL;
    /* byte order marks; FF FE 00 00 is UTF-32LE before it is UTF-16LE */
    if (len >= 4 && p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0)
        return "UTF-32LE";
    if (len >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF)
        return "UTF-32BE";
    if (p[0] == 0xFF && p[1] == 0xFE)
        return "UTF-16LE";
    if (p[0] == 0xFE && p[1] == 0xFF)
        return "UTF-16BE";
    /* no mark: JSON text starts with an ASCII character, so the NULs give it away */
    if (len >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] != 0)
        return "UTF-32BE";
    if (len >= 4 && p[0] != 0 && p[1] == 0 && p[2] == 0 && p[3] == 0)
        return "UTF-32LE";
    if (p[0] == 0 && p[1] != 0)
        return "UTF-16BE";
    if (p[0] != 0 && p[1] == 0)
        return "UTF-16LE";
    size_t bad = utf8_prefix(p, len);
    if (bad == len || !is_shift_jis(p, len))
        return NULL;
    int l = 1, c = 1;
    for (size_t i = 0; i < bad;) {
        if (p[i] == '\n') {
            l++;
            c = 1;
            i++;
            continue;
        }
        i += utf8_seq(p + i, bad - i);
        c++;
    }
    if (line)
        *line = l;
    if (col)
        *col = c;
    return "Shift_JIS";
}

int mm_json_load(json_t **out, const char *data, size_t len, const char *name, size_t flags)
{
    *out = NULL;
    if (!name)
        name = "input";
    if (!data) {
        data = "";
        len = 0;
    }
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    int line, col;
    const char *enc = mm_json_foreign_encoding(data, len, &line, &col);
    if (enc) {
        mm_error_set("%s:%d:%d: the file is %s text, not UTF-8: save it as UTF-8", name, line, col,
                     enc);
        return MM_EPARSE;
    }
    json_error_t err;
    *out = json_loadb(data, len, JSON_REJECT_DUPLICATES | flags, &err);
    if (!*out) {
        if (err.line > 0)
            mm_error_set("%s:%d:%d: invalid JSON: %s", name, err.line, err.column, err.text);
        else
            mm_error_set("%s: invalid JSON: %s", name, err.text);
        return MM_EPARSE;
    }
    return MM_OK;
}

const char *mm_json_type_name(const json_t *v)
{
    if (!v)
        return "nothing";
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

int mm_json_vfail(const char *name, const char *path, const char *fmt, va_list ap)
{
    char msg[768];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    mm_error_set("%s: %s: %s", name ? name : "input", path ? path : "$", msg);
    return MM_EINVALID;
}

int mm_json_fail(const char *name, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = mm_json_vfail(name, path, fmt, ap);
    va_end(ap);
    return rc;
}

static bool plain_key(const char *k)
{
    if (!*k || (*k >= '0' && *k <= '9'))
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '_' || *k == '$' || *k == '-'))
            return false;
    return true;
}

void mm_json_path_key(char *out, size_t size, const char *path, const char *key)
{
    if (!size)
        return;
    if (!path)
        path = "$";
    if (plain_key(key)) {
        snprintf(out, size, "%s.%s", path, key);
        return;
    }
    int n = snprintf(out, size, "%s[\"", path);
    size_t o = n < 0 ? 0 : (size_t)n;
    for (const char *k = key; *k && o + 1 < size; k++) {
        unsigned char c = (unsigned char)*k;
        if (c == '"' || c == '\\') {
            if (o + 2 >= size)
                break;
            out[o++] = '\\';
        } else if (c < 0x20)
            c = '?';
        out[o++] = (char)c;
    }
    if (o + 2 < size) {
        out[o++] = '"';
        out[o++] = ']';
    }
    out[o < size ? o : size - 1] = '\0';
}

void mm_json_path_index(char *out, size_t size, const char *path, size_t i)
{
    snprintf(out, size, "%s[%zu]", path ? path : "$", i);
}

/* The member, NULL when absent or null; fails when required and missing. */
static int member(json_t **v, const json_t *obj, const char *key, bool required, const char *what,
                  const char *name, const char *path)
{
    *v = json_object_get(obj, key);
    if (*v && json_is_null(*v))
        *v = NULL;
    if (!*v && required)
        return mm_json_fail(name, path, "\"%s\" is missing (expected %s)", key, what);
    return MM_OK;
}

static int wrong(const json_t *v, const char *key, const char *what, const char *name,
                 const char *path)
{
    char p[512];
    mm_json_path_key(p, sizeof(p), path, key);
    return mm_json_fail(name, p, "expected %s, found %s", what, mm_json_type_name(v));
}

int mm_json_get_string(const char **out, const json_t *obj, const char *key, bool required,
                       const char *name, const char *path)
{
    json_t *v;
    *out = NULL;
    int rc = member(&v, obj, key, required, "a string", name, path);
    if (rc || !v)
        return rc;
    if (!json_is_string(v))
        return wrong(v, key, "a string", name, path);
    *out = json_string_value(v);
    return MM_OK;
}

int mm_json_get_object(json_t **out, const json_t *obj, const char *key, bool required,
                       const char *name, const char *path)
{
    json_t *v;
    *out = NULL;
    int rc = member(&v, obj, key, required, "an object", name, path);
    if (rc || !v)
        return rc;
    if (!json_is_object(v))
        return wrong(v, key, "an object", name, path);
    *out = v;
    return MM_OK;
}

int mm_json_get_array(json_t **out, const json_t *obj, const char *key, bool required,
                      const char *name, const char *path)
{
    json_t *v;
    *out = NULL;
    int rc = member(&v, obj, key, required, "an array", name, path);
    if (rc || !v)
        return rc;
    if (!json_is_array(v))
        return wrong(v, key, "an array", name, path);
    *out = v;
    return MM_OK;
}

int mm_json_get_integer(json_int_t *out, bool *present, const json_t *obj, const char *key,
                        bool required, const char *name, const char *path)
{
    json_t *v;
    *out = 0;
    if (present)
        *present = false;
    int rc = member(&v, obj, key, required, "a whole number", name, path);
    if (rc || !v)
        return rc;
    if (!json_is_integer(v))
        return wrong(v, key, "a whole number", name, path);
    *out = json_integer_value(v);
    if (present)
        *present = true;
    return MM_OK;
}

int mm_json_get_bool(bool *out, bool *present, const json_t *obj, const char *key, bool required,
                     const char *name, const char *path)
{
    json_t *v;
    *out = false;
    if (present)
        *present = false;
    int rc = member(&v, obj, key, required, "true or false", name, path);
    if (rc || !v)
        return rc;
    if (!json_is_boolean(v))
        return wrong(v, key, "true or false", name, path);
    *out = json_is_true(v);
    if (present)
        *present = true;
    return MM_OK;
}

int mm_json_check_members(const json_t *obj, const char *const *allowed, const char *name,
                          const char *path)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        bool known = false;
        for (size_t i = 0; allowed && allowed[i] && !known; i++)
            known = strcmp(allowed[i], key) == 0;
        if (!known) {
            char p[512];
            mm_json_path_key(p, sizeof(p), path, key);
            return mm_json_fail(name, p, "unknown member");
        }
    }
    return MM_OK;
}
