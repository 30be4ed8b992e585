/* mamori: the formats of a delivered notification (docs/notifications.md): an RFC 5322 mail
 * message with an RFC 2047 subject, and the webhook's HMAC-SHA256 signature. Pure functions:
 * no clock, no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mamori/notify.h"
#include "util/util.h"

const char *const mm_notify_kinds[MM_NOTIFY_NKINDS] = {
    "submission",        "status-drop",     "conditional-expiring", "milestone-overdue",
    "incident-deadline", "affirmation-due", "supply-alert",
};

const char *mm_notify_kind_of(const char *kind, const char *cause)
{
    return cause && *cause ? kind : "supply-alert";
}

bool mm_notify_kind_valid(const char *kind)
{
    for (size_t i = 0; kind && i < MM_NOTIFY_NKINDS; i++)
        if (strcmp(kind, mm_notify_kinds[i]) == 0)
            return true;
    return false;
}

bool mm_notify_address_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 254)
        return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@'))
        return false;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c <= ' ' || *c >= 0x7f || strchr("\"<>()[]\\,;:", *c))
            return false;
    return true;
}

static bool printable_ascii(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < ' ' || *c >= 0x7f)
            return false;
    return true;
}

/* the length of the UTF-8 sequence that starts with byte c (1 for a stray byte) */
static size_t utf8_len(unsigned char c)
{
    return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

static void put_b64(mm_buf *b, const unsigned char *data, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *t = malloc(cap);
    if (!t) {
        b->failed = true;
        return;
    }
    sodium_bin2base64(t, cap, data, n, sodium_base64_VARIANT_ORIGINAL);
    mm_buf_puts(b, t);
    free(t);
}

int mm_notify_header(char **out, const char *name, const char *value)
{
    *out = NULL;
    mm_buf b = MM_BUF_INIT;
    /* CR and LF never reach a header: a value cannot add a header of its own */
    char *v = strdup(value ? value : "");
    if (!v)
        return MM_ENOMEM;
    for (char *c = v; *c; c++)
        if (*c == '\r' || *c == '\n')
            *c = ' ';
    mm_buf_printf(&b, "%s:", name);
    size_t col = strlen(name) + 1;
    if (printable_ascii(v)) {
        /* as it is, folded (CRLF before a space) where a word would pass column 78 */
        mm_buf_putc(&b, ' ');
        col++;
        const char *w = v;
        while (*w) {
            const char *sp = strchr(w + 1, ' ');
            size_t n = sp ? (size_t)(sp - w) : strlen(w);
            if (*w == ' ' && col + n > 78) {
                mm_buf_puts(&b, "\r\n");
                col = 0;
            }
            mm_buf_put(&b, w, n);
            col += n;
            w += n;
        }
    } else {
        /* encoded words of at most 75 characters: "=?UTF-8?B?" + base64 + "?=" leaves 63
         * characters of base64, i.e. 45 bytes of text, never splitting a character */
        const unsigned char *s = (const unsigned char *)v;
        size_t len = strlen(v), i = 0;
        bool first = true;
        while (i < len) {
            size_t n = 0;
            while (i + n < len) {
                size_t c = utf8_len(s[i + n]);
                if (c > len - i - n)
                    c = len - i - n; /* a cut sequence at the end of the value */
                if (n + c > 45)
                    break;
                n += c;
            }
            if (n == 0)
                n = len - i < 4 ? len - i : 4;
            mm_buf_puts(&b, first ? " " : "\r\n ");
            mm_buf_puts(&b, "=?UTF-8?B?");
            put_b64(&b, s + i, n);
            mm_buf_puts(&b, "?=");
            first = false;
            i += n;
        }
    }
    free(v);
    if (b.failed) {
        mm_buf_free(&b);
        return MM_ENOMEM;
    }
    *out = b.data ? b.data : strdup("");
    return *out ? MM_OK : MM_ENOMEM;
}

static void put_header(mm_buf *b, const char *name, const char *value)
{
    char *h = NULL;
    if (mm_notify_header(&h, name, value) != MM_OK) {
        b->failed = true;
        return;
    }
    mm_buf_puts(b, h);
    mm_buf_puts(b, "\r\n");
    free(h);
}

int mm_notify_mail_render(char **out, size_t *len, const mm_notify_mail *m)
{
    *out = NULL;
    *len = 0;
    if (!mm_notify_address_ok(m->from) || !mm_notify_address_ok(m->to)) {
        mm_error_set("mail: %s address '%s' is not local@domain in printable ASCII",
                     mm_notify_address_ok(m->from) ? "recipient" : "sender",
                     mm_notify_address_ok(m->from) ? (m->to ? m->to : "")
                                                   : (m->from ? m->from : ""));
        return MM_EINVALID;
    }
    if (!m->message_id || !printable_ascii(m->message_id) || m->message_id[0] != '<') {
        mm_error_set("mail: the Message-ID is not <...@...>");
        return MM_EINVALID;
    }
    /* Date: RFC 5322 3.3, in UTC, English day and month names whatever the locale */
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    gmtime_r(&m->date, &tm);
    mm_buf b = MM_BUF_INIT;
    mm_buf_printf(&b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
                  tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    mm_buf_printf(&b, "From: mamori <%s>\r\n", m->from);
    mm_buf_printf(&b, "To: <%s>\r\n", m->to);
    put_header(&b, "Subject", m->subject);
    mm_buf_printf(&b, "Message-ID: %s\r\n", m->message_id);
    mm_buf_puts(&b, "MIME-Version: 1.0\r\n"
                    "Content-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: base64\r\n");
    if (m->lang)
        mm_buf_printf(&b, "Content-Language: %s\r\n", strcmp(m->lang, "ja") == 0 ? "ja" : "en");
    mm_buf_puts(&b, "Auto-Submitted: auto-generated\r\n\r\n");
    /* the body with CRLF line ends, base64 in lines of 76 characters (57 bytes each) */
    mm_buf text = MM_BUF_INIT;
    for (const char *c = m->body ? m->body : ""; *c; c++) {
        if (*c == '\n')
            mm_buf_putc(&text, '\r');
        mm_buf_putc(&text, *c);
    }
    const unsigned char *t = (const unsigned char *)(text.data ? text.data : "");
    size_t tn = text.len;
    for (size_t i = 0; i < tn; i += 57) {
        put_b64(&b, t + i, tn - i < 57 ? tn - i : 57);
        mm_buf_puts(&b, "\r\n");
    }
    bool failed = text.failed;
    mm_buf_free(&text);
    if (failed || b.failed) {
        mm_buf_free(&b);
        return MM_ENOMEM;
    }
    *len = b.len;
    *out = b.data;
    return MM_OK;
}

int mm_notify_sign(char out[65], const char *secret, long long t, const char *body, size_t len)
{
    out[0] = '\0';
    if (!secret || !*secret) {
        mm_error_set("webhook: no secret to sign with");
        return MM_EINVALID;
    }
    if (sodium_init() < 0) {
        mm_error_set("libsodium does not initialise");
        return MM_EIO;
    }
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char ts[24];
    int n = snprintf(ts, sizeof ts, "%lld.", t);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out, 65, mac, sizeof mac);
    sodium_memzero(&st, sizeof st);
    return MM_OK;
}

bool mm_notify_verify(const char *header, const char *secret, const char *body, size_t len,
                      long long now, long long tolerance)
{
    if (!header || strncmp(header, "t=", 2) != 0)
        return false;
    char *end = NULL;
    long long t = strtoll(header + 2, &end, 10);
    if (!end || end == header + 2 || strncmp(end, ",v1=", 4) != 0)
        return false;
    const char *sig = end + 4;
    if (strlen(sig) != 64)
        return false;
    if (tolerance > 0 && (t > now + tolerance || t < now - tolerance))
        return false;
    char want[65];
    if (mm_notify_sign(want, secret, t, body, len) != MM_OK)
        return false;
    return sodium_memcmp(want, sig, 64) == 0;
}
