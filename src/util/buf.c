#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void mm_buf_free(mm_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

void mm_buf_reset(mm_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static bool grow(mm_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void mm_buf_put(mm_buf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void mm_buf_puts(mm_buf *b, const char *s)
{
    if (s)
        mm_buf_put(b, s, strlen(s));
}

void mm_buf_putc(mm_buf *b, char c)
{
    mm_buf_put(b, &c, 1);
}

void mm_buf_vprintf(mm_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if (!grow(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void mm_buf_printf(mm_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mm_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void mm_buf_put_html(mm_buf *b, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            continue;
        }
        mm_buf_put(b, run, (size_t)(s - run));
        mm_buf_puts(b, rep);
        run = s + 1;
    }
    mm_buf_put(b, run, (size_t)(s - run));
}

unsigned mm_bidi_control(const char *s, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    *len = 0;
    if (u[0] == 0xD8 && u[1] == 0x9C) {
        *len = 2;
        return 0x061C;
    }
    if (u[0] != 0xE2 || !u[1] || !u[2])
        return 0;
    unsigned cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
    if ((u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80)
        return 0;
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
        cp == 0x200F) {
        *len = 3;
        return cp;
    }
    return 0;
}

bool mm_has_bidi(const char *s)
{
    size_t n;
    for (; s && *s; s++)
        if (mm_bidi_control(s, &n))
            return true;
    return false;
}

void mm_buf_put_bidi_safe(mm_buf *b, const char *s)
{
    const char *run = s;
    size_t n;
    for (; s && *s;) {
        unsigned cp = mm_bidi_control(s, &n);
        if (!cp) {
            s++;
            continue;
        }
        mm_buf_put(b, run, (size_t)(s - run));
        mm_buf_printf(b, "<U+%04X>", cp);
        s += n;
        run = s;
    }
    if (run && s > run)
        mm_buf_put(b, run, (size_t)(s - run));
}

void mm_buf_put_csv(mm_buf *b, const char *s)
{
    if (!s)
        return;
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    /* A cell that starts like a formula is shown as text by spreadsheets (CWE-1236). */
    bool formula =
        s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r';
    if (quote || formula)
        mm_buf_putc(b, '"');
    if (formula)
        mm_buf_putc(b, '\'');
    size_t n;
    for (; *s; s++) {
        unsigned cp = mm_bidi_control(s, &n);
        if (cp) {
            mm_buf_printf(b, "<U+%04X>", cp);
            s += n - 1;
            continue;
        }
        if (*s == '"')
            mm_buf_putc(b, '"');
        mm_buf_putc(b, *s);
    }
    if (quote || formula)
        mm_buf_putc(b, '"');
}

const char *mm_buf_cstr(mm_buf *b)
{
    return b->data && !b->failed ? b->data : "";
}
