/* Unit tests for src/notify/message.c: header lines (RFC 2047 encoded words, folding, no CR
 * or LF from a value), the RFC 5322 message, the webhook signature and its check. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mamori/notify.h"

/* the text of every "=?UTF-8?B?...?=" word in h, decoded and joined; each word at most 75
 * characters and each decoded piece whole UTF-8 (checked) */
static char *decode_words(const char *h)
{
    static char out[4096];
    size_t o = 0;
    const char *p = h;
    while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
        const char *end = strstr(p + 10, "?=");
        assert_non_null(end);
        assert_true((size_t)(end + 2 - p) <= 75);
        char b64[128] = "";
        memcpy(b64, p + 10, (size_t)(end - p - 10));
        unsigned char bin[128];
        size_t n = 0;
        assert_int_equal(sodium_base642bin(bin, sizeof bin, b64, strlen(b64), NULL, &n, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        /* a piece never ends inside a character: its last lead byte is complete */
        size_t i = n;
        while (i > 0 && (bin[i - 1] & 0xc0) == 0x80)
            i--;
        if (i > 0 && bin[i - 1] >= 0xc0) {
            size_t want = bin[i - 1] >= 0xf0 ? 4 : bin[i - 1] >= 0xe0 ? 3 : 2;
            assert_int_equal(n - (i - 1), want);
        }
        memcpy(out + o, bin, n);
        o += n;
        p = end + 2;
    }
    out[o] = '\0';
    return out;
}

static void test_header_ascii(void **state)
{
    (void)state;
    char *h = NULL;
    assert_int_equal(mm_notify_header(&h, "Subject", "[mamori] Org A: new submission"), MM_OK);
    assert_string_equal(h, "Subject: [mamori] Org A: new submission");
    free(h);
    /* a long value is folded before a word, every line at most 78 characters */
    char longv[400] = "";
    for (int i = 0; i < 30; i++)
        strcat(longv, "milestone ");
    assert_int_equal(mm_notify_header(&h, "Subject", longv), MM_OK);
    assert_non_null(strstr(h, "\r\n "));
    for (char *line = h, *next; line; line = next) {
        next = strstr(line, "\r\n");
        size_t len = next ? (size_t)(next - line) : strlen(line);
        assert_true(len <= 78);
        if (next)
            next += 2;
    }
    free(h);
}

static void test_header_japanese(void **state)
{
    (void)state;
    const char *v = "[mamori] 北斗精密工業: 新しい提出 (800-171r2, conditional) と条件付き状態の"
                    "期限切れ間近のお知らせ";
    char *h = NULL;
    assert_int_equal(mm_notify_header(&h, "Subject", v), MM_OK);
    assert_int_equal(strncmp(h, "Subject: =?UTF-8?B?", 19), 0);
    assert_non_null(strstr(h, "?=\r\n =?UTF-8?B?")); /* folded between words */
    assert_string_equal(decode_words(h), v);
    free(h);
}

static void test_header_no_crlf(void **state)
{
    (void)state;
    char *h = NULL;
    assert_int_equal(mm_notify_header(&h, "Subject", "hi\r\nBcc: victim@example.test"), MM_OK);
    assert_null(strstr(h, "\r\nBcc"));
    assert_null(strchr(h, '\n'));
    free(h);
    assert_int_equal(mm_notify_header(&h, "Subject", "件名\r\nBcc: x@example.test"), MM_OK);
    assert_null(strstr(decode_words(h), "\n"));
    free(h);
}

static void test_mail(void **state)
{
    (void)state;
    mm_notify_mail m = {.from = "mamori@authority.test",
                        .to = "ana@authority.test",
                        .subject = "[mamori] 新しい提出",
                        .body = "一行目\nsecond line\n",
                        .message_id = "<mamori.7.1@authority.test>",
                        .date = 1795000000,
                        .lang = "ja"};
    char *msg = NULL;
    size_t len = 0;
    assert_int_equal(mm_notify_mail_render(&msg, &len, &m), MM_OK);
    assert_int_equal(strlen(msg), len);
    /* 1795000000 as Python's email.utils.formatdate gives it, in RFC 5322 form */
    assert_non_null(strstr(msg, "Date: Wed, 18 Nov 2026 11:06:40 +0000\r\n"));
    assert_non_null(strstr(msg, "\r\nFrom: mamori <mamori@authority.test>\r\n"));
    assert_non_null(strstr(msg, "\r\nTo: <ana@authority.test>\r\n"));
    assert_non_null(strstr(msg, "\r\nSubject: =?UTF-8?B?"));
    assert_non_null(strstr(msg, "\r\nMessage-ID: <mamori.7.1@authority.test>\r\n"));
    assert_non_null(strstr(msg, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(msg, "\r\nContent-Language: ja\r\n"));
    /* the body: base64 of the text with CRLF line ends */
    const char *body = strstr(msg, "\r\n\r\n");
    assert_non_null(body);
    body += 4;
    char b64[512] = "";
    for (const char *c = body; *c; c++)
        if (*c != '\r' && *c != '\n')
            strncat(b64, c, 1);
    unsigned char bin[512];
    size_t n = 0;
    assert_int_equal(sodium_base642bin(bin, sizeof bin, b64, strlen(b64), NULL, &n, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    bin[n] = '\0';
    assert_string_equal((char *)bin, "一行目\r\nsecond line\r\n");
    free(msg);
    /* a recipient that is not an address, or one that would add a header, is refused */
    m.to = "ana@authority.test>\r\nBcc: x@y";
    assert_int_equal(mm_notify_mail_render(&msg, &len, &m), MM_EINVALID);
    assert_null(msg);
    m.to = "no-at-sign";
    assert_int_equal(mm_notify_mail_render(&msg, &len, &m), MM_EINVALID);
}

static void test_sign_verify(void **state)
{
    (void)state;
    const char *body = "{\"id\":\"ntf-1-u1\"}";
    char sig[65];
    assert_int_equal(mm_notify_sign(sig, "whsec_test", 1700000000, body, strlen(body)), MM_OK);
    /* HMAC-SHA256("whsec_test", "1700000000." + body), computed with Python's hmac module */
    assert_string_equal(sig, "c42d1b869656c2318e184007c37d4ff124968ead44bcd8e42c7b6f76d58a36c4");
    char header[120];
    snprintf(header, sizeof header, "t=1700000000,v1=%s", sig);
    assert_true(mm_notify_verify(header, "whsec_test", body, strlen(body), 1700000100, 300));
    /* another body, another secret, too old, malformed: no */
    assert_false(mm_notify_verify(header, "whsec_test", "{}", 2, 1700000100, 300));
    assert_false(mm_notify_verify(header, "whsec_other", body, strlen(body), 1700000100, 300));
    assert_false(mm_notify_verify(header, "whsec_test", body, strlen(body), 1700001000, 300));
    assert_false(mm_notify_verify("v1=abc", "whsec_test", body, strlen(body), 0, 0));
    assert_false(mm_notify_verify("t=1700000000,v1=00", "whsec_test", body, strlen(body), 0, 0));
    assert_int_equal(mm_notify_sign(sig, "", 1, body, strlen(body)), MM_EINVALID);
}

/* webhook URLs against the operator's prefixes: parts, not text (src/notify/url.c) */
static void test_url_check(void **state)
{
    (void)state;
    const char *const pre[] = {"https://allowed.example/hooks", "http://127.0.0.1:8080/"};
    static const struct {
        const char *url;
        int want;
    } cases[] = {
        {"https://allowed.example/hooks", 0},
        {"https://allowed.example/hooks/a?x=1", 0},
        {"HTTPS://ALLOWED.EXAMPLE/hooks/a", 0},     /* scheme and host: any case */
        {"https://allowed.example:443/hooks/a", 0}, /* the default port */
        {"http://127.0.0.1:8080/x", 0},
        {"https://allowed.example/hooksevil", 1}, /* a path prefix without its boundary */
        {"https://allowed.example/other", 1},
        {"https://allowed.example/hooks/../admin", 1},     /* dot segments resolved first */
        {"https://allowed.example.evil.example/hooks", 1}, /* a host prefix */
        {"https://allowed.example:8443/hooks", 1},         /* another port */
        {"http://allowed.example/hooks", 1},               /* another scheme */
        {"https://evil.example/hooks", 1},
        {"http://127.0.0.2:8080/", 1},
        {"http://2130706433:8080/", 0},     /* 127.0.0.1 as a number: libcurl sends it there */
        {"http://0x7f000002:8080/", 1},     /* 127.0.0.2 in hex */
        {"https://93.184.216.34/hooks", 1}, /* an IP literal for a prefix's host name */
        {"http://[::1]:8080/", 1},
        {"https://allowed.example@evil.example/hooks", -1},  /* user information */
        {"https://allowed.example/hooks/@evil.example/", 0}, /* "@" in the path only */
        {"https://u:p@allowed.example/hooks", -1},
        {"https://allowed%2eexample/hooks", 0}, /* libcurl decodes the host: allowed.example */
        {"https://allowed.example%2eevil.example/hooks", 1},  /* decoded: another host */
        {"https://allowed.example%40evil.example/hooks", -1}, /* libcurl refuses the host */
        {"https://allowed.example/hooks/%2e%2e/admin", -1},
        {"https://allowed.example/hooks%2F..%2Fadmin", -1},
        {"https://allowed.example\\@evil.example/hooks", -1},
        {"ftp://allowed.example/hooks", -1},
        {"https://allowed.example/hooks x", -1},
        {"not a url", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *why = NULL;
        int got = mm_notify_url_check(cases[i].url, pre, 2, &why);
        if (got != cases[i].want)
            fail_msg("%s: %d, expected %d (%s)", cases[i].url, got, cases[i].want, why ? why : "");
        assert_true(got == 0 ? why == NULL : why != NULL);
    }
    assert_int_equal(mm_notify_url_check("https://allowed.example/hooks", NULL, 0, NULL), 1);
    const char *why = NULL;
    assert_true(mm_notify_prefix_ok("https://hooks.example.go.jp/", &why));
    assert_false(mm_notify_prefix_ok("https://user@hooks.example.go.jp/", &why));
    assert_false(mm_notify_prefix_ok("hooks.example.go.jp", &why));
}

static void test_kinds(void **state)
{
    (void)state;
    assert_string_equal(mm_notify_kind_of("status-drop", NULL), "supply-alert");
    assert_string_equal(mm_notify_kind_of("status-drop", "status-drop:x"), "status-drop");
    assert_true(mm_notify_kind_valid("affirmation-due"));
    assert_false(mm_notify_kind_valid("nope"));
    assert_true(mm_notify_address_ok("a.b+c@example.test"));
    assert_false(mm_notify_address_ok("a b@example.test"));
    assert_false(mm_notify_address_ok("a@b@c"));
    assert_false(mm_notify_address_ok("<a@b>"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_ascii),   cmocka_unit_test(test_header_japanese),
        cmocka_unit_test(test_header_no_crlf), cmocka_unit_test(test_mail),
        cmocka_unit_test(test_sign_verify),    cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_url_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
