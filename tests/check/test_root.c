/* mm_root: reads stay inside the root whatever links the tree holds; bounded reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check/probe.h"
#include "mamori/error.h"

static char top[256], rootdir[300], outside[300];

static void put(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", top, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void mk(const char *rel)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", top, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void ln(const char *target, const char *rel)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", top, rel);
    assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(top, sizeof(top), "/tmp/mm-root-XXXXXX");
    if (!mkdtemp(top))
        return -1;
    snprintf(rootdir, sizeof(rootdir), "%s/root", top);
    snprintf(outside, sizeof(outside), "%s/secret", top);
    mk("root");
    mk("root/etc");
    mk("root/etc/ssh");
    mk("root/etc/ssh/sshd_config.d");
    put("secret", "OUTSIDE\n");
    put("root/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
    put("root/etc/ssh/sshd_config.d/10-a.conf", "A\n");
    put("root/etc/ssh/sshd_config.d/20-b.conf", "B\n");
    put("root/etc/ssh/sshd_config.d/.hidden.conf", "H\n");
    put("root/etc/big", "0123456789");
    ln("/etc/passwd", "root/etc/abs-link");       /* absolute: the root's own file */
    ln("../passwd", "root/etc/ssh/rel-link");     /* relative, inside */
    ln("../../../secret", "root/etc/escape-rel"); /* climbs out: clamped at the root */
    ln(outside, "root/etc/escape-abs");           /* absolute host path: re-rooted */
    ln("loop2", "root/etc/loop1");
    ln("loop1", "root/etc/loop2");
    ln("/etc", "root/etc/dirlink");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
    return system(cmd) == 0 ? 0 : -1;
}

static mm_root *open_root(void)
{
    mm_root *r = NULL;
    assert_int_equal(mm_root_open(&r, rootdir), MM_OK);
    assert_false(mm_root_is_live(r));
    return r;
}

static void test_read_inside(void **state)
{
    (void)state;
    mm_root *r = open_root();
    char *s;
    size_t n;
    assert_int_equal(mm_root_read(r, "/etc/passwd", 1024, &s, &n), MM_OK);
    assert_string_equal(s, "root:x:0:0::/root:/bin/sh\n");
    free(s);
    assert_int_equal(mm_root_read(r, "/etc/abs-link", 1024, &s, &n), MM_OK);
    assert_string_equal(s, "root:x:0:0::/root:/bin/sh\n");
    free(s);
    assert_int_equal(mm_root_read(r, "/etc/ssh/rel-link", 1024, &s, &n), MM_OK);
    free(s);
    assert_int_equal(mm_root_read(r, "/etc/dirlink/passwd", 1024, &s, &n), MM_OK);
    free(s);
    assert_int_equal(mm_root_read(r, "/etc/missing", 1024, &s, &n), MM_ENOTFOUND);
    mm_root_free(r);
}

static void test_never_outside(void **state)
{
    (void)state;
    mm_root *r = open_root();
    char *s = NULL;
    size_t n;
    /* "../../../secret" from /etc is clamped at the root: /secret, which does not exist */
    assert_int_equal(mm_root_read(r, "/etc/escape-rel", 1024, &s, &n), MM_ENOTFOUND);
    assert_null(s);
    /* the host's absolute path is looked up inside the root */
    assert_int_equal(mm_root_read(r, "/etc/escape-abs", 1024, &s, &n), MM_ENOTFOUND);
    assert_int_equal(mm_root_read(r, "/../secret", 1024, &s, &n), MM_ENOTFOUND);
    assert_int_equal(mm_root_read(r, "/etc/../../../secret", 1024, &s, &n), MM_ENOTFOUND);
    assert_int_not_equal(mm_root_read(r, "/etc/loop1", 1024, &s, &n), MM_OK);
    assert_null(s);
    struct stat st;
    assert_int_equal(mm_root_lstat(r, "/etc/escape-abs", &st), MM_OK);
    assert_true(S_ISLNK(st.st_mode));
    char *t;
    assert_int_equal(mm_root_readlink(r, "/etc/escape-abs", &t), MM_OK);
    assert_string_equal(t, outside);
    free(t);
    mm_root_free(r);
}

static void test_bounded(void **state)
{
    (void)state;
    mm_root *r = open_root();
    char *s = NULL;
    size_t n;
    assert_int_equal(mm_root_read(r, "/etc/big", 10, &s, &n), MM_OK);
    assert_int_equal(n, 10);
    free(s);
    assert_int_equal(mm_root_read(r, "/etc/big", 9, &s, &n), MM_ETOOBIG);
    assert_null(s);
    assert_int_equal(mm_root_read(r, "/etc", 100, &s, &n), MM_EIO); /* not a file */
    mm_root_free(r);
}

static void test_list_glob(void **state)
{
    (void)state;
    mm_root *r = open_root();
    char **v;
    size_t n;
    assert_int_equal(mm_root_list(r, "/etc/ssh/sshd_config.d", &v, &n), MM_OK);
    assert_int_equal(n, 3);
    assert_string_equal(v[0], ".hidden.conf");
    assert_string_equal(v[1], "10-a.conf");
    mm_strv_free(v, n);
    assert_int_equal(mm_root_glob(r, "/etc/ssh/sshd_config.d/*.conf", &v, &n), MM_OK);
    assert_int_equal(n, 2); /* '*' does not match a leading dot */
    assert_string_equal(v[0], "/etc/ssh/sshd_config.d/10-a.conf");
    assert_string_equal(v[1], "/etc/ssh/sshd_config.d/20-b.conf");
    mm_strv_free(v, n);
    assert_int_equal(mm_root_glob(r, "/etc/nothing/*.conf", &v, &n), MM_OK);
    assert_int_equal(n, 0);
    mm_strv_free(v, n);
    assert_int_equal(mm_root_glob(r, "/etc/passwd", &v, &n), MM_OK);
    assert_int_equal(n, 1);
    mm_strv_free(v, n);
    assert_int_equal(mm_root_list(r, "/nope", &v, &n), MM_ENOTFOUND);
    mm_root_free(r);
}

static void test_live(void **state)
{
    (void)state;
    mm_root *r = NULL;
    assert_int_equal(mm_root_open(&r, "/"), MM_OK);
    assert_true(mm_root_is_live(r));
    char *s;
    size_t n;
    assert_int_equal(mm_root_read(r, "/proc/self/status", 1 << 20, &s, &n), MM_OK);
    assert_non_null(strstr(s, "Name:"));
    free(s);
    mm_root_free(r);
    assert_int_equal(mm_root_open(&r, "/nonexistent-root"), MM_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_inside), cmocka_unit_test(test_never_outside),
        cmocka_unit_test(test_bounded),     cmocka_unit_test(test_list_glob),
        cmocka_unit_test(test_live),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
