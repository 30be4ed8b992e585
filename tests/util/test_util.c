/* Unit tests for src/util: buffers, map, SHA-1, UUIDs, dates, files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mamori/error.h"
#include "util/util.h"

/* ---- mm_buf ------------------------------------------------------------------------------ */

static void test_buf_append(void **state)
{
    (void)state;
    mm_buf b = MM_BUF_INIT;
    assert_string_equal(mm_buf_cstr(&b), "");
    mm_buf_puts(&b, "abc");
    mm_buf_putc(&b, '-');
    mm_buf_put(&b, "xyz123", 3);
    mm_buf_puts(&b, NULL); /* ignored */
    assert_string_equal(mm_buf_cstr(&b), "abc-xyz");
    assert_int_equal(b.len, 7);
    /* grow past the first allocation several times */
    for (int i = 0; i < 1000; i++)
        mm_buf_puts(&b, "0123456789");
    assert_int_equal(b.len, 10007);
    assert_int_equal(strlen(mm_buf_cstr(&b)), 10007);
    assert_memory_equal(b.data + 7, "0123456789", 10);
    assert_memory_equal(b.data + 9997, "0123456789", 10);
    assert_false(b.failed);
    mm_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(mm_buf_cstr(&b), "");
    mm_buf_free(&b);
    assert_null(b.data);
    mm_buf_free(&b); /* twice is fine */
}

static void test_buf_printf(void **state)
{
    (void)state;
    mm_buf b = MM_BUF_INIT;
    mm_buf_printf(&b, "%s=%d;", "points", 5);
    mm_buf_printf(&b, "%05.1f|%zu", 3.14159, (size_t)42);
    assert_string_equal(mm_buf_cstr(&b), "points=5;003.1|42");
    /* a formatted piece larger than the initial capacity */
    char big[1001];
    memset(big, 'q', 1000);
    big[1000] = '\0';
    mm_buf_printf(&b, "[%s]", big);
    assert_int_equal(b.len, 17 + 1002);
    assert_int_equal(b.data[17], '[');
    assert_int_equal(b.data[17 + 1001], ']');
    assert_int_equal(b.data[b.len], '\0');
    mm_buf_printf(&b, "%s", ""); /* empty */
    assert_int_equal(b.len, 17 + 1002);
    mm_buf_free(&b);
}

static void test_buf_html(void **state)
{
    (void)state;
    mm_buf b = MM_BUF_INIT;
    mm_buf_put_html(&b, "a & b < c > d \"e\" 'f'");
    assert_string_equal(mm_buf_cstr(&b), "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;");
    mm_buf_reset(&b);
    mm_buf_put_html(&b, "<script>alert('x')</script>");
    assert_string_equal(mm_buf_cstr(&b), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    mm_buf_reset(&b);
    mm_buf_put_html(&b, "plain text, no change");
    assert_string_equal(mm_buf_cstr(&b), "plain text, no change");
    mm_buf_reset(&b);
    mm_buf_put_html(&b, "&amp;"); /* already escaped text is escaped again */
    assert_string_equal(mm_buf_cstr(&b), "&amp;amp;");
    mm_buf_reset(&b);
    mm_buf_put_html(&b, "");
    mm_buf_put_html(&b, NULL);
    assert_string_equal(mm_buf_cstr(&b), "");
    mm_buf_free(&b);
}

static void csv_is(const char *in, const char *want)
{
    mm_buf b = MM_BUF_INIT;
    mm_buf_put_csv(&b, in);
    assert_string_equal(mm_buf_cstr(&b), want);
    mm_buf_free(&b);
}

static void test_buf_csv(void **state)
{
    (void)state;
    csv_is("plain", "plain");
    csv_is("", "");
    csv_is("a,b", "\"a,b\"");
    csv_is("say \"hi\"", "\"say \"\"hi\"\"\"");
    csv_is("two\nlines", "\"two\nlines\"");
    csv_is("cr\rhere", "\"cr\rhere\"");
    /* formula neutralisation (CWE-1236): quoted and prefixed with ' */
    csv_is("=SUM(A1:A2)", "\"'=SUM(A1:A2)\"");
    csv_is("+1", "\"'+1\"");
    csv_is("-1", "\"'-1\"");
    csv_is("@cmd", "\"'@cmd\"");
    csv_is("=\"x\",1", "\"'=\"\"x\"\",1\"");
    /* only a leading character triggers it */
    csv_is("a=b", "a=b");
    csv_is("3.1.1", "3.1.1");
    /* bidirectional controls ("Trojan Source") shown as text */
    csv_is("Acme \xe2\x80\xae"
           "evil\xe2\x80\xac",
           "Acme <U+202E>evil<U+202C>");
    csv_is("\xe2\x81\xa6x\xe2\x81\xa9", "<U+2066>x<U+2069>");
    csv_is("a\xe2\x80\x8f\xd8\x9c"
           "b",
           "a<U+200F><U+061C>b");
    csv_is("\xe2\x80\x94 dash, \xe6\x97\xa5",
           "\"\xe2\x80\x94 dash, \xe6\x97\xa5\""); /* others kept */
}

static void test_bidi(void **state)
{
    (void)state;
    size_t n = 0;
    assert_int_equal(mm_bidi_control("\xe2\x80\xae", &n), 0x202E);
    assert_int_equal(n, 3);
    assert_int_equal(mm_bidi_control("\xe2\x80\xaa", &n), 0x202A);
    assert_int_equal(mm_bidi_control("\xe2\x81\xa9", &n), 0x2069);
    assert_int_equal(mm_bidi_control("\xe2\x80\x8e", &n), 0x200E);
    assert_int_equal(mm_bidi_control("\xd8\x9c", &n), 0x061C);
    assert_int_equal(n, 2);
    assert_int_equal(mm_bidi_control("\xe2\x80\xaf", &n), 0); /* U+202F: a space */
    assert_int_equal(mm_bidi_control("\xe2\x81\xa5", &n), 0); /* U+2065: unassigned */
    assert_int_equal(mm_bidi_control("\xe2\x80", &n), 0);     /* cut short */
    assert_int_equal(n, 0);
    assert_true(mm_has_bidi("x\xe2\x81\xa7y"));
    assert_false(mm_has_bidi("\xe6\x97\xa5\xe6\x9c\xac"));
    assert_false(mm_has_bidi(NULL));
    mm_buf b = MM_BUF_INIT;
    mm_buf_put_bidi_safe(&b, "ad\xe2\x80\xaemin \xe6\x97\xa5");
    assert_string_equal(mm_buf_cstr(&b), "ad<U+202E>min \xe6\x97\xa5");
    mm_buf_free(&b);
}

/* ---- mm_map ------------------------------------------------------------------------------ */

static void test_map(void **state)
{
    (void)state;
    mm_map m = MM_MAP_INIT;
    assert_null(mm_map_get(&m, "x")); /* empty map */
    assert_null(mm_map_get(&m, NULL));
    int one = 1, two = 2;
    assert_int_equal(mm_map_put(&m, "one", &one), MM_OK);
    assert_int_equal(mm_map_put(&m, "two", &two), MM_OK);
    assert_ptr_equal(mm_map_get(&m, "one"), &one);
    assert_ptr_equal(mm_map_get(&m, "two"), &two);
    assert_null(mm_map_get(&m, "three"));
    assert_int_equal(m.count, 2);
    /* replacing a value keeps the count */
    assert_int_equal(mm_map_put(&m, "one", &two), MM_OK);
    assert_ptr_equal(mm_map_get(&m, "one"), &two);
    assert_int_equal(m.count, 2);

    /* many keys: the map grows and keeps every entry */
    enum { N = 2000 };
    static char keys[N][16];
    static int vals[N];
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof(keys[i]), "3.%d.%d", i / 50, i % 50);
        vals[i] = i;
        assert_int_equal(mm_map_put(&m, keys[i], &vals[i]), MM_OK);
    }
    assert_int_equal(m.count, N + 2);
    assert_true(m.cap >= 2 * m.count);
    for (int i = 0; i < N; i++) {
        int *v = mm_map_get(&m, keys[i]);
        assert_non_null(v);
        assert_int_equal(*v, i);
    }
    assert_null(mm_map_get(&m, "3.40.0"));
    assert_ptr_equal(mm_map_get(&m, "two"), &two);
    mm_map_free(&m);
    assert_int_equal(m.count, 0);
    assert_null(mm_map_get(&m, "one"));
    mm_map_free(&m);
}

/* ---- SHA-1 ------------------------------------------------------------------------------- */

static void sha1_is(const void *data, size_t len, const char *want)
{
    uint8_t d[20];
    char hex[41];
    mm_sha1(d, data, len);
    for (int i = 0; i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    assert_string_equal(hex, want);
}

static void test_sha1_fips180(void **state)
{
    (void)state;
    sha1_is("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
    sha1_is("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha1_is(m448, strlen(m448), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnop"
                       "jklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    sha1_is(m896, strlen(m896), "a49b2446a02c645bf419f995b67091253a04a259");
    char *million = malloc(1000000);
    assert_non_null(million);
    memset(million, 'a', 1000000);
    sha1_is(million, 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    /* padding edge cases: 55 bytes fit one block, 56 need two; 63, 64 and 119 as well */
    sha1_is(million, 55, "c1c8bbdc22796e28c0e15163d20899b65621d65a");
    sha1_is(million, 56, "c2db330f6083854c99d4b5bfb6e8f29f201be699");
    sha1_is(million, 63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5");
    sha1_is(million, 64, "0098ba824b5c16427bd7a1122a5a442a25ec644d");
    sha1_is(million, 119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56");
    free(million);
}

/* ---- UUID v5 ----------------------------------------------------------------------------- */

static void assert_uuid_v5(const char *u)
{
    assert_int_equal(strlen(u), 36);
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(u[i], '-');
        else
            assert_non_null(strchr("0123456789abcdef", u[i]));
    }
    assert_int_equal(u[14], '5');           /* version 5 */
    assert_non_null(strchr("89ab", u[19])); /* RFC 4122 variant 10xx */
}

static void test_uuid_v5(void **state)
{
    (void)state;
    char a[37], b[37], c[37];
    mm_uuid_v5(a, "hello");
    mm_uuid_v5(b, "hello");
    mm_uuid_v5(c, "hellp");
    assert_uuid_v5(a);
    assert_uuid_v5(c);
    assert_string_equal(a, b); /* deterministic */
    assert_string_not_equal(a, c);
    /* RFC 4122 section 4.3 in mamori's namespace 6f1c2b9e-583d-5a41-9c07-4e2a7710b35d:
     * Python's uuid.uuid5(UUID("6f1c2b9e-..."), name) gives these */
    assert_string_equal(a, "296dfae0-28fd-586d-876d-5a96f67bb6bf");
    mm_uuid_v5(a, "A.03.01.01");
    assert_string_equal(a, "530af976-9139-587d-a760-209d3951b027");
    mm_uuid_v5(a, "");
    assert_string_equal(a, "f8ff5a0c-b150-5cb9-9a43-15dc8bee821d");
    char name[497];
    memset(name, 'x', 496);
    name[496] = '\0';
    mm_uuid_v5(a, name);
    assert_string_equal(a, "e708d0d6-50de-54a6-9e09-034f6ce8bed9");
    /* longer names take another path: still version 5, deterministic, distinct */
    char longname[2001];
    memset(longname, 'y', 2000);
    longname[2000] = '\0';
    mm_uuid_v5(a, longname);
    mm_uuid_v5(b, longname);
    assert_uuid_v5(a);
    assert_string_equal(a, b);
    longname[1999] = 'z';
    mm_uuid_v5(c, longname);
    assert_uuid_v5(c);
    assert_string_not_equal(a, c);
}

/* ---- codes: CAGE, UEI, corporate number ---------------------------------------------------- */

static void test_is_code(void **state)
{
    (void)state;
    assert_true(mm_is_code("1ABC2", 5, false));
    assert_false(mm_is_code("1abc2", 5, false)); /* capital letters only */
    assert_false(mm_is_code("1ABC", 5, false));
    assert_false(mm_is_code("1ABC23", 5, false));
    assert_false(mm_is_code("1AB-2", 5, false));
    assert_true(mm_is_code("JX4MZ1KT5Q87", 12, false));
    assert_true(mm_is_code("4010401099999", 13, true));
    assert_false(mm_is_code("401040109999A", 13, true)); /* digits only */
    assert_false(mm_is_code("", 1, true));
    assert_false(mm_is_code(NULL, 5, false));
}

/* ---- dates ------------------------------------------------------------------------------- */

static void test_is_date(void **state)
{
    (void)state;
    assert_true(mm_is_date("2026-11-02"));
    assert_true(mm_is_date("2024-02-29")); /* leap year */
    assert_false(mm_is_date("2026-02-29"));
    assert_true(mm_is_date("2026-02-28"));
    assert_true(mm_is_date("2000-02-29"));  /* divisible by 400 */
    assert_false(mm_is_date("1900-02-29")); /* divisible by 100, not 400 */
    assert_false(mm_is_date("2100-02-29"));
    assert_true(mm_is_date("2026-12-31"));
    assert_true(mm_is_date("2026-01-31"));
    assert_false(mm_is_date("2026-04-31"));
    assert_true(mm_is_date("2026-04-30"));
    assert_false(mm_is_date("2026-13-01"));
    assert_false(mm_is_date("2026-00-10"));
    assert_false(mm_is_date("2026-01-00"));
    assert_false(mm_is_date("2026-01-32"));
    assert_false(mm_is_date("2026-1-01"));
    assert_false(mm_is_date("2026/01/01"));
    assert_false(mm_is_date("20260101"));
    assert_false(mm_is_date("2026-01-01T00:00:00Z"));
    assert_false(mm_is_date("2026-01-01 "));
    assert_false(mm_is_date(" 2026-01-01"));
    assert_false(mm_is_date("2026-0a-01"));
    assert_false(mm_is_date("yyyy-mm-dd"));
    assert_false(mm_is_date("+026-01-01"));
    assert_false(mm_is_date(""));
    assert_false(mm_is_date(NULL));
}

static void test_date_days(void **state)
{
    (void)state;
    char out[11];
    assert_int_equal(mm_date_days("1970-01-01"), 0);
    assert_int_equal(mm_date_days("1970-01-02"), 1);
    assert_int_equal(mm_date_days("1969-12-31"), -1);
    assert_int_equal(mm_date_days("2000-03-01"), 11017);
    assert_int_equal(mm_date_days("2024-03-01") - mm_date_days("2024-02-28"), 2);
    assert_int_equal(mm_date_days("2026-03-01") - mm_date_days("2026-02-28"), 1);
    mm_date_format(out, 0);
    assert_string_equal(out, "1970-01-01");
    mm_date_format(out, mm_date_days("2026-11-02") + 180);
    assert_string_equal(out, "2027-05-01");
    mm_date_format(out, mm_date_days("2024-02-28") + 1);
    assert_string_equal(out, "2024-02-29");
    /* round trip over every day from 1900 to 2199 */
    long first = mm_date_days("1900-01-01"), last = mm_date_days("2199-12-31");
    assert_int_equal(last - first + 1, 300 * 365 + 73); /* 73 leap days in 1900..2199 */
    for (long d = first; d <= last; d++) {
        mm_date_format(out, d);
        if (!mm_is_date(out) || mm_date_days(out) != d)
            fail_msg("day %ld formats as %s", d, out);
    }
    char t[21];
    mm_time_rfc3339(t, 0);
    assert_string_equal(t, "1970-01-01T00:00:00Z");
    mm_time_rfc3339(t, -1);
    assert_string_equal(t, "1969-12-31T23:59:59Z");
    mm_time_rfc3339(t, 1798761600LL + 3661); /* 2027-01-01 */
    assert_string_equal(t, "2027-01-01T01:01:01Z");
}

/* ---- files ------------------------------------------------------------------------------- */

typedef struct tmpdir {
    char path[512];
} tmpdir;

static int tmp_setup(void **state)
{
    tmpdir *t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    snprintf(t->path, sizeof(t->path), "%s/test_util.XXXXXX", MM_BINARY_DIR);
    if (!mkdtemp(t->path)) {
        snprintf(t->path, sizeof(t->path), "/tmp/test_util.XXXXXX");
        if (!mkdtemp(t->path)) {
            free(t);
            return -1;
        }
    }
    *state = t;
    return 0;
}

static int tmp_teardown(void **state)
{
    tmpdir *t = *state;
    DIR *d = opendir(t->path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[1024];
            snprintf(p, sizeof(p), "%s/%s", t->path, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(t->path);
    free(t);
    return 0;
}

/* Number of entries in dir, and the name of one of them into first. */
static int dir_entries(const char *dir, char *first, size_t n)
{
    int count = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    if (first && n)
        first[0] = '\0';
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (count == 0 && first)
            snprintf(first, n, "%s", e->d_name);
        count++;
    }
    closedir(d);
    return count;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_file_read(void **state)
{
    tmpdir *t = *state;
    char path[1024];
    snprintf(path, sizeof(path), "%s/in.json", t->path);
    char data[100];
    memset(data, 'x', sizeof(data));
    data[0] = '{';
    write_file(path, data, sizeof(data));

    char *out = NULL;
    size_t len = 0;
    assert_int_equal(mm_file_read(&out, &len, path, 100), MM_OK); /* exactly at the limit */
    assert_non_null(out);
    assert_int_equal(len, 100);
    assert_memory_equal(out, data, 100);
    assert_int_equal(out[100], '\0');
    free(out);

    out = (char *)1;
    mm_error_clear();
    assert_int_equal(mm_file_read(&out, &len, path, 99), MM_ETOOBIG);
    assert_null(out);
    assert_non_null(strstr(mm_error_last(), path));

    char missing[1024];
    snprintf(missing, sizeof(missing), "%s/no-such-file.json", t->path);
    mm_error_clear();
    assert_int_equal(mm_file_read(&out, &len, missing, 1000), MM_ENOTFOUND);
    assert_null(out);
    assert_non_null(strstr(mm_error_last(), "no-such-file.json"));

    /* a directory is not a file */
    assert_int_equal(mm_file_read(&out, &len, t->path, 1000), MM_EIO);
    assert_null(out);

    /* an empty file reads as "" */
    write_file(path, "", 0);
    assert_int_equal(mm_file_read(&out, &len, path, 10), MM_OK);
    assert_int_equal(len, 0);
    assert_string_equal(out, "");
    free(out);
    unlink(path);
}

static void test_file_write_atomic(void **state)
{
    tmpdir *t = *state;
    char path[1024], name[256];
    snprintf(path, sizeof(path), "%s/report.txt", t->path);
    assert_int_equal(mm_file_write_atomic(path, "first\n", 6), MM_OK);
    /* only the file itself is left: no temporary file */
    assert_int_equal(dir_entries(t->path, name, sizeof(name)), 1);
    assert_string_equal(name, "report.txt");
    char *out;
    size_t len;
    assert_int_equal(mm_file_read(&out, &len, path, 1000), MM_OK);
    assert_string_equal(out, "first\n");
    free(out);

    /* replacing keeps one file with the new content */
    assert_int_equal(mm_file_write_atomic(path, "second, longer\n", 15), MM_OK);
    assert_int_equal(dir_entries(t->path, name, sizeof(name)), 1);
    assert_int_equal(mm_file_read(&out, &len, path, 1000), MM_OK);
    assert_int_equal(len, 15);
    assert_string_equal(out, "second, longer\n");
    free(out);

    /* binary data with NUL bytes */
    assert_int_equal(mm_file_write_atomic(path, "a\0b", 3), MM_OK);
    assert_int_equal(mm_file_read(&out, &len, path, 1000), MM_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(out, "a\0b", 3);
    free(out);
    unlink(path);

    /* the rename fails (the path is a folder): the temporary file is removed */
    char sub[1024], inner[1100];
    snprintf(sub, sizeof(sub), "%s/folder", t->path);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(inner, sizeof(inner), "%s/keep", sub);
    write_file(inner, "k", 1);
    assert_int_equal(mm_file_write_atomic(sub, "x", 1), MM_EIO);
    assert_int_equal(dir_entries(t->path, name, sizeof(name)), 1);
    assert_string_equal(name, "folder");
    unlink(inner);
    rmdir(sub);

    /* into a folder that does not exist: an error, and nothing is created */
    char bad[1024];
    snprintf(bad, sizeof(bad), "%s/missing/report.txt", t->path);
    mm_error_clear();
    assert_int_equal(mm_file_write_atomic(bad, "x", 1), MM_EIO);
    assert_non_null(strstr(mm_error_last(), "missing/report.txt"));
    assert_int_equal(dir_entries(t->path, NULL, 0), 0);
    struct stat st;
    assert_int_not_equal(stat(bad, &st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_code),
        cmocka_unit_test(test_buf_append),
        cmocka_unit_test(test_buf_printf),
        cmocka_unit_test(test_buf_html),
        cmocka_unit_test(test_buf_csv),
        cmocka_unit_test(test_bidi),
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_sha1_fips180),
        cmocka_unit_test(test_uuid_v5),
        cmocka_unit_test(test_is_date),
        cmocka_unit_test(test_date_days),
        cmocka_unit_test_setup_teardown(test_file_read, tmp_setup, tmp_teardown),
        cmocka_unit_test_setup_teardown(test_file_write_atomic, tmp_setup, tmp_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
