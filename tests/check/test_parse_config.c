/* Unit tests for the configuration parsers: key/value formats, sshd_config, sysctl.d,
 * modprobe.d. Text parsers on tricky buffers; file parsers on small trees built under a
 * temporary directory and removed afterwards. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

/* ---- helpers ------------------------------------------------------------------------------ */

typedef struct tree {
    char dir[64];  /* the temporary directory */
    char root[96]; /* dir/root: the root handed to mm_root_open */
    mm_root *r;
    mm_facts f;
} tree;

/* Writes rel (under the root, parents created) with content. */
static void put(const tree *t, const char *rel, const char *content)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s", t->root, rel);
    for (char *p = path + strlen(t->root) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
            *p = '/';
        }
    }
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(content, 1, strlen(content), fp), strlen(content));
    assert_int_equal(fclose(fp), 0);
}

static void mkdirs(const tree *t, const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s/", t->root, rel);
    for (char *p = path + strlen(t->root) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
            *p = '/';
        }
    }
}

static void link_at(const tree *t, const char *rel, const char *target)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s", t->root, rel);
    assert_int_equal(symlink(target, path), 0);
}

static void chmod_at(const tree *t, const char *rel, mode_t mode)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s", t->root, rel);
    assert_int_equal(chmod(path, mode), 0);
}

/* rm -r, not following symlinks; the trees here are a few levels deep. */
static void remove_tree(const char *path, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode) && depth < 32) {
        chmod(path, 0700);
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char child[1024];
                snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
                remove_tree(child, depth + 1);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int setup(void **state)
{
    tree *t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    snprintf(t->dir, sizeof(t->dir), "/tmp/mm-parse-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    snprintf(t->root, sizeof(t->root), "%s/root", t->dir);
    if (mkdir(t->root, 0755) != 0 || mm_facts_init(&t->f) != MM_OK)
        return -1;
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    tree *t = *state;
    mm_root_free(t->r);
    mm_facts_free(&t->f);
    remove_tree(t->dir, 0);
    free(t);
    return 0;
}

static mm_root *open_root(tree *t)
{
    if (!t->r)
        assert_int_equal(mm_root_open(&t->r, t->root), MM_OK);
    return t->r;
}

/* The i-th fact with key (any context), or NULL. */
static const mm_fact *nth(const mm_facts *f, const char *key, int i)
{
    for (size_t k = 0; k < f->n; k++)
        if (strcmp(f->items[k].key, key) == 0 && i-- == 0)
            return &f->items[k];
    return NULL;
}

static int count(const mm_facts *f, const char *key)
{
    int n = 0;
    for (size_t k = 0; k < f->n; k++)
        n += strcmp(f->items[k].key, key) == 0;
    return n;
}

static void assert_fact(const mm_fact *x, const char *value, const char *file, int line,
                        const char *context)
{
    assert_non_null(x);
    assert_string_equal(x->value, value);
    assert_string_equal(x->file, file);
    assert_int_equal(x->line, line);
    if (context)
        assert_string_equal(x->context ? x->context : "(null)", context);
    else
        assert_null(x->context);
}

static bool running_as_root(void)
{
    return geteuid() == 0;
}

/* ---- key/value text ----------------------------------------------------------------------- */

static void test_kv_space(void **state)
{
    (void)state;
    mm_facts f;
    assert_int_equal(mm_facts_init(&f), MM_OK);
    const char text[] = "# login.defs\r\n"
                        "   # indented comment\n"
                        "\n"
                        "PASS_MAX_DAYS\t90\r\n"
                        "  PASS_MIN_DAYS  1  \n"
                        "ENCRYPT_METHOD SHA512 # kept: no inline comments\n"
                        "MAIL_DIR \t/var/mail/with space\n"
                        "KEY_ONLY\n"
                        "; semicolon is no comment here\n"
                        "umask 027";
    assert_int_equal(mm_parse_kv_text(&f, text, sizeof(text) - 1, "/etc/login.defs", MM_KV_SPACE),
                     MM_OK);
    assert_int_equal(f.n, 7);
    assert_fact(mm_facts_first(&f, "PASS_MAX_DAYS"), "90", "/etc/login.defs", 4, NULL);
    assert_fact(mm_facts_first(&f, "PASS_MIN_DAYS"), "1", "/etc/login.defs", 5, NULL);
    assert_fact(mm_facts_first(&f, "ENCRYPT_METHOD"), "SHA512 # kept: no inline comments",
                "/etc/login.defs", 6, NULL);
    assert_fact(mm_facts_first(&f, "MAIL_DIR"), "/var/mail/with space", "/etc/login.defs", 7, NULL);
    assert_fact(mm_facts_first(&f, "KEY_ONLY"), "", "/etc/login.defs", 8, NULL);
    assert_fact(mm_facts_first(&f, ";"), "semicolon is no comment here", "/etc/login.defs", 9,
                NULL);
    /* keys are kept as written; no trailing newline */
    assert_null(mm_facts_first(&f, "UMASK"));
    assert_fact(mm_facts_first(&f, "umask"), "027", "/etc/login.defs", 10, NULL);
    mm_facts_free(&f);
}

static void test_kv_equals(void **state)
{
    (void)state;
    mm_facts f;
    assert_int_equal(mm_facts_init(&f), MM_OK);
    const char text[] = "\xEF\xBB\xBF"
                        "log_file = /var/log/audit/audit.log\r\n"
                        "max_log_file=8\n"
                        "\t space_left_action \t=\t email  \r\n"
                        "; semicolon comment\n"
                        "  # hash comment\n"
                        "audit\n"
                        "action_mail_acct = a = b\n"
                        "empty =\n"
                        " = no key\n"
                        "max_log_file = 16\n";
    assert_int_equal(
        mm_parse_kv_text(&f, text, sizeof(text) - 1, "/etc/audit/auditd.conf", MM_KV_EQUALS),
        MM_OK);
    assert_int_equal(f.n, 7);
    const char *file = "/etc/audit/auditd.conf";
    assert_fact(mm_facts_first(&f, "log_file"), "/var/log/audit/audit.log", file, 1, NULL);
    assert_fact(mm_facts_first(&f, "space_left_action"), "email", file, 3, NULL);
    assert_fact(mm_facts_first(&f, "audit"), "", file, 6, NULL); /* faillock.conf flags */
    assert_fact(mm_facts_first(&f, "action_mail_acct"), "a = b", file, 7, NULL);
    assert_fact(mm_facts_first(&f, "empty"), "", file, 8, NULL);
    assert_fact(mm_facts_first(&f, "max_log_file"), "8", file, 2, NULL);
    assert_fact(mm_facts_last(&f, "max_log_file"), "16", file, 10, NULL);
    mm_facts_free(&f);
}

static void test_kv_ini(void **state)
{
    (void)state;
    mm_facts f;
    assert_int_equal(mm_facts_init(&f), MM_OK);
    const char text[] = "Global=1\n"
                        "# systemd-timesyncd\n"
                        "[Time]\r\n"
                        "NTP=ntp1.example.com ntp2.example.com\n"
                        "#FallbackNTP=0.debian.pool.ntp.org\n"
                        "; RootDistanceMaxSec=5\n"
                        "  PollIntervalMaxSec = 2048 \n"
                        "NoEqualsSign\n"
                        "[ Other ]\n"
                        "NTP=other\n"
                        "[Broken\n"
                        "X=y\n";
    assert_int_equal(
        mm_parse_kv_text(&f, text, sizeof(text) - 1, "/etc/systemd/timesyncd.conf", MM_KV_INI),
        MM_OK);
    const char *file = "/etc/systemd/timesyncd.conf";
    assert_int_equal(f.n, 5);
    assert_fact(mm_facts_first(&f, "Global"), "1", file, 1, NULL);
    assert_null(mm_facts_first(&f, "NTP")); /* only in sections */
    assert_fact(nth(&f, "NTP", 0), "ntp1.example.com ntp2.example.com", file, 4, "Time");
    assert_fact(nth(&f, "PollIntervalMaxSec", 0), "2048", file, 7, "Time");
    assert_fact(nth(&f, "NTP", 1), "other", file, 10, "Other");
    /* an unclosed header still opens a section, named by the whole line */
    assert_fact(nth(&f, "X", 0), "y", file, 12, "[Broken");
    assert_null(nth(&f, "NoEqualsSign", 0));
    assert_null(nth(&f, "FallbackNTP", 0));
    mm_facts_free(&f);
}

static void test_kv_edge(void **state)
{
    (void)state;
    mm_facts f;
    assert_int_equal(mm_facts_init(&f), MM_OK);
    assert_int_equal(mm_parse_kv_text(&f, "", 0, "empty", MM_KV_EQUALS), MM_OK);
    assert_int_equal(mm_parse_kv_text(&f, NULL, 0, "null", MM_KV_INI), MM_OK);
    assert_int_equal(f.n, 0);
    /* an embedded NUL ends that line's text; line numbers stay right */
    const char nul[] = "a = 1\0junk\nb = 2\n";
    assert_int_equal(mm_parse_kv_text(&f, nul, sizeof(nul) - 1, "nul", MM_KV_EQUALS), MM_OK);
    assert_fact(mm_facts_first(&f, "a"), "1", "nul", 1, NULL);
    assert_fact(mm_facts_first(&f, "b"), "2", "nul", 2, NULL);
    /* len is honoured: the buffer need not be NUL-terminated */
    assert_int_equal(mm_parse_kv_text(&f, "c 3XXXX", 3, "len", MM_KV_SPACE), MM_OK);
    assert_fact(mm_facts_first(&f, "c"), "3", "len", 1, NULL);
    /* CR only lines are blank */
    assert_int_equal(mm_parse_kv_text(&f, "\r\n\r\n", 4, "cr", MM_KV_SPACE), MM_OK);
    assert_int_equal(f.n, 3);
    assert_int_equal(mm_parse_kv_text(&f, "x", 1, "bad", (mm_kv_syntax)42), MM_EUSAGE);
    mm_facts_free(&f);
}

/* ---- sshd_config text -------------------------------------------------------------------- */

static void test_sshd_text(void **state)
{
    (void)state;
    mm_facts f;
    assert_int_equal(mm_facts_init(&f), MM_OK);
    const char text[] = "# comment\n"
                        "#PermitEmptyPasswords yes\n"
                        "PermitRootLogin no\r\n"
                        "permitrootlogin yes\n"
                        "PasswordAuthentication=no\n"
                        "Ciphers = aes256-ctr,aes128-ctr\n"
                        "\tMaxAuthTries\t3   # trailing comment\n"
                        "Banner \"/etc/my banner\"\n"
                        "AuthorizedKeysFile \".ssh/authorized keys\" .ssh/k2 #c\n"
                        "ChrootDirectory /srv/a#b\n"
                        "X11Forwarding\n"
                        "ForceCommand echo '#not a comment'\n"
                        "Include /etc/ssh/sshd_config.d/*.conf\n"
                        "Match User backup # admins\n"
                        "  PermitRootLogin prohibit-password\n"
                        "  X11Forwarding yes\n"
                        "match   Address 10.0.0.0/8,192.0.2.1\n"
                        "\tPasswordAuthentication yes\n"
                        "Match all\n"
                        "Banner none\n";
    const char *file = "/etc/ssh/sshd_config";
    assert_int_equal(mm_parse_sshd_text(&f, text, sizeof(text) - 1, file), MM_OK);
    assert_int_equal(f.n, 13);
    /* the first global value is the one sshd uses */
    assert_fact(mm_facts_first(&f, "permitrootlogin"), "no", file, 3, NULL);
    assert_fact(nth(&f, "permitrootlogin", 1), "yes", file, 4, NULL);
    assert_fact(mm_facts_first(&f, "passwordauthentication"), "no", file, 5, NULL);
    assert_fact(mm_facts_first(&f, "ciphers"), "aes256-ctr,aes128-ctr", file, 6, NULL);
    assert_fact(mm_facts_first(&f, "maxauthtries"), "3", file, 7, NULL);
    assert_fact(mm_facts_first(&f, "banner"), "\"/etc/my banner\"", file, 8, NULL);
    assert_fact(mm_facts_first(&f, "authorizedkeysfile"), "\".ssh/authorized keys\" .ssh/k2", file,
                9, NULL);
    assert_fact(mm_facts_first(&f, "chrootdirectory"), "/srv/a#b", file, 10, NULL);
    assert_fact(mm_facts_first(&f, "forcecommand"), "echo '#not a comment'", file, 12, NULL);
    assert_null(mm_facts_first(&f, "x11forwarding")); /* no argument: not a setting */
    assert_null(mm_facts_first(&f, "include"));       /* no root: Include is ignored */
    assert_null(mm_facts_first(&f, "match"));
    assert_fact(nth(&f, "permitrootlogin", 2), "prohibit-password", file, 15, "Match User backup");
    assert_fact(nth(&f, "x11forwarding", 0), "yes", file, 16, "Match User backup");
    assert_fact(nth(&f, "passwordauthentication", 1), "yes", file, 18,
                "match   Address 10.0.0.0/8,192.0.2.1");
    /* "Match all" is a block like any other: not global */
    assert_fact(nth(&f, "banner", 1), "none", file, 20, "Match all");
    assert_int_equal(count(&f, "banner"), 2);
    mm_facts_free(&f);
}

/* ---- sshd_config files ------------------------------------------------------------------- */

static void test_sshd_include(void **state)
{
    tree *t = *state;
    put(t, "/etc/ssh/sshd_config",
        "Include /etc/ssh/sshd_config.d/*.conf\n"
        "PermitRootLogin yes\n"
        "Include extra/*.conf missing.conf\n"
        "Match User backup\n"
        "  Include match.d/m.conf\n"
        "  X11Forwarding yes\n");
    put(t, "/etc/ssh/sshd_config.d/10-a.conf",
        "PermitRootLogin no\n"
        "PasswordAuthentication no\n"
        "Include nested.conf\n");
    put(t, "/etc/ssh/sshd_config.d/20-b.conf",
        "PasswordAuthentication yes\n"
        "Match Address 10.0.0.0/8\n"
        "  PermitRootLogin yes\n");
    put(t, "/etc/ssh/sshd_config.d/readme.txt", "PermitRootLogin readme\n");
    /* an Include loop: itself, and the main file */
    put(t, "/etc/ssh/nested.conf",
        "MaxAuthTries 3\n"
        "Include /etc/ssh/nested.conf\n"
        "Include sshd_config\n");
    put(t, "/etc/ssh/extra/b.conf", "LoginGraceTime 30\n");
    put(t, "/etc/ssh/extra/a.conf", "LoginGraceTime 20\n");
    put(t, "/etc/ssh/match.d/m.conf",
        "AllowTcpForwarding no\n"
        "Match Address 192.0.2.1\n"
        "PermitTTY no\n");
    mm_facts *f = &t->f;
    assert_int_equal(mm_parse_sshd(f, open_root(t), "/etc/ssh/sshd_config"), MM_OK);

    const char *a = "/etc/ssh/sshd_config.d/10-a.conf", *b = "/etc/ssh/sshd_config.d/20-b.conf";
    assert_fact(mm_facts_first(f, "permitrootlogin"), "no", a, 1, NULL);
    assert_fact(mm_facts_first(f, "passwordauthentication"), "no", a, 2, NULL);
    assert_fact(nth(f, "passwordauthentication", 1), "yes", b, 1, NULL);
    /* nested, relative to /etc/ssh, read once although it includes itself and the main file */
    assert_int_equal(count(f, "maxauthtries"), 1);
    assert_fact(mm_facts_first(f, "maxauthtries"), "3", "/etc/ssh/nested.conf", 1, NULL);
    /* the Match in 20-b.conf ends with that file */
    assert_fact(nth(f, "permitrootlogin", 1), "yes", b, 3, "Match Address 10.0.0.0/8");
    assert_fact(nth(f, "permitrootlogin", 2), "yes", "/etc/ssh/sshd_config", 2, NULL);
    assert_int_equal(count(f, "permitrootlogin"), 3); /* readme.txt is not *.conf */
    /* glob results in sorted order; an absent file is skipped */
    assert_fact(mm_facts_first(f, "logingracetime"), "20", "/etc/ssh/extra/a.conf", 1, NULL);
    assert_fact(mm_facts_last(f, "logingracetime"), "30", "/etc/ssh/extra/b.conf", 1, NULL);
    /* an Include inside a Match block applies within it; a Match in the included file
     * narrows it further and ends with that file */
    assert_null(mm_facts_first(f, "allowtcpforwarding"));
    assert_fact(nth(f, "allowtcpforwarding", 0), "no", "/etc/ssh/match.d/m.conf", 1,
                "Match User backup");
    assert_fact(nth(f, "permittty", 0), "no", "/etc/ssh/match.d/m.conf", 3,
                "Match User backup; Match Address 192.0.2.1");
    assert_fact(nth(f, "x11forwarding", 0), "yes", "/etc/ssh/sshd_config", 6, "Match User backup");
    assert_int_equal(f->n, 11);

    /* absent main file */
    assert_int_equal(mm_parse_sshd(f, t->r, "/etc/ssh/nothere"), MM_ENOTFOUND);
}

static void test_sshd_limits(void **state)
{
    tree *t = *state;
    char name[64], body[128];
    /* a chain of 18 files (main + 17 nested) is one more than sshd allows */
    for (int i = 0; i < 18; i++) {
        snprintf(name, sizeof(name), "/etc/ssh/chain/%02d", i);
        snprintf(body, sizeof(body), "Port %d\nInclude chain/%02d\n", 1000 + i, i + 1);
        put(t, name, body);
    }
    assert_int_equal(mm_parse_sshd(&t->f, open_root(t), "/etc/ssh/chain/01"), MM_OK);
    assert_int_equal(count(&t->f, "port"), 17);
    assert_int_equal(mm_parse_sshd(&t->f, t->r, "/etc/ssh/chain/00"), MM_EINVALID);
    /* files that include each other grow factorially: the file budget stops them */
    for (int i = 0; i < 9; i++) {
        snprintf(name, sizeof(name), "/etc/ssh/mesh/%d.conf", i);
        put(t, name, "Include mesh/*.conf\nPort 22\n");
    }
    put(t, "/etc/ssh/mesh.conf", "Include mesh/*.conf\n");
    assert_int_equal(mm_parse_sshd(&t->f, t->r, "/etc/ssh/mesh.conf"), MM_ETOOBIG);
}

static void test_sshd_unreadable_and_outside(void **state)
{
    tree *t = *state;
    /* a file outside the root, reached by a relative and an absolute symlink */
    char outside[128], abs_target[192];
    snprintf(outside, sizeof(outside), "%s/secret.conf", t->dir);
    FILE *fp = fopen(outside, "w");
    assert_non_null(fp);
    fputs("PermitRootLogin outside-secret\n", fp);
    fclose(fp);
    snprintf(abs_target, sizeof(abs_target), "%s", outside);
    put(t, "/etc/ssh/sshd_config", "Include sshd_config.d/*.conf\nPermitRootLogin no\n");
    mkdirs(t, "/etc/ssh/sshd_config.d");
    link_at(t, "/etc/ssh/sshd_config.d/10-rel.conf", "../../../../../../../secret.conf");
    link_at(t, "/etc/ssh/sshd_config.d/20-abs.conf", abs_target);
    int rc = mm_parse_sshd(&t->f, open_root(t), "/etc/ssh/sshd_config");
    /* either skipped or refused, never read */
    for (size_t i = 0; i < t->f.n; i++)
        assert_string_not_equal(t->f.items[i].value, "outside-secret");
    if (rc == MM_OK)
        assert_fact(mm_facts_first(&t->f, "permitrootlogin"), "no", "/etc/ssh/sshd_config", 2,
                    NULL);

    /* an unreadable included file fails the parse. root reads it anyway: skipped then */
    put(t, "/etc/ssh/u/sshd_config", "Include /etc/ssh/u/x.conf\n");
    put(t, "/etc/ssh/u/x.conf", "PermitRootLogin yes\n");
    chmod_at(t, "/etc/ssh/u/x.conf", 0);
    rc = mm_parse_sshd(&t->f, t->r, "/etc/ssh/u/sshd_config");
    if (!running_as_root())
        assert_int_equal(rc, MM_EACCES);
    chmod_at(t, "/etc/ssh/u/sshd_config", 0);
    rc = mm_parse_sshd(&t->f, t->r, "/etc/ssh/u/sshd_config");
    if (!running_as_root())
        assert_int_equal(rc, MM_EACCES);
}

/* ---- key/value files --------------------------------------------------------------------- */

static void test_kv_file(void **state)
{
    tree *t = *state;
    put(t, "/etc/security/faillock.conf", "deny = 3\nsilent\n");
    assert_int_equal(
        mm_parse_kv_file(&t->f, open_root(t), "/etc/security/faillock.conf", MM_KV_EQUALS), MM_OK);
    assert_fact(mm_facts_first(&t->f, "deny"), "3", "/etc/security/faillock.conf", 1, NULL);
    assert_fact(mm_facts_first(&t->f, "silent"), "", "/etc/security/faillock.conf", 2, NULL);
    assert_int_equal(mm_parse_kv_file(&t->f, t->r, "/etc/absent.conf", MM_KV_EQUALS), MM_ENOTFOUND);
    /* a symlink leaving the root is not read */
    char outside[128];
    snprintf(outside, sizeof(outside), "%s/outside.conf", t->dir);
    FILE *fp = fopen(outside, "w");
    assert_non_null(fp);
    fputs("deny = outside-secret\n", fp);
    fclose(fp);
    link_at(t, "/etc/security/pwquality.conf", "../../../../../../outside.conf");
    int rc = mm_parse_kv_file(&t->f, t->r, "/etc/security/pwquality.conf", MM_KV_EQUALS);
    assert_int_not_equal(rc, MM_OK);
    assert_int_equal(t->f.n, 2);
    /* unreadable: MM_EACCES (root can read it, so the assertion is skipped for root) */
    put(t, "/etc/login.defs", "UMASK 027\n");
    chmod_at(t, "/etc/login.defs", 0);
    rc = mm_parse_kv_file(&t->f, t->r, "/etc/login.defs", MM_KV_SPACE);
    if (!running_as_root())
        assert_int_equal(rc, MM_EACCES);
}

/* ---- sysctl ------------------------------------------------------------------------------- */

static void test_sysctl_precedence(void **state)
{
    tree *t = *state;
    put(t, "/usr/lib/sysctl.d/10-a.conf", "net.ipv4.ip_forward = 1\nkernel.vendor_only = 1\n");
    put(t, "/etc/sysctl.d/10-a.conf", "net.ipv4.ip_forward = 0\n");
    put(t, "/run/sysctl.d/30-c.conf", "net.ipv4.ip_forward=1\n");
    put(t, "/usr/lib/sysctl.d/50-b.conf",
        "# comment\n"
        "; comment\n"
        "net/ipv4/conf/all/rp_filter = 1\n"
        "net/ipv4/conf/eth0.10/rp_filter = 2\n"
        "-kernel.b = 2\n"
        "not an assignment\n"
        "kernel.c\t=\t  7 7 \r\n");
    put(t, "/lib/sysctl.d/50-b.conf", "kernel.hidden = 1\n");
    put(t, "/usr/local/lib/sysctl.d/40-d.conf", "kernel.d = 4\n");
    put(t, "/usr/lib/sysctl.d/60-masked.conf", "kernel.masked = 1\n");
    mkdirs(t, "/etc/sysctl.d");
    link_at(t, "/etc/sysctl.d/60-masked.conf", "/dev/null");
    put(t, "/usr/lib/sysctl.d/README", "kernel.readme = 1\n");
    put(t, "/usr/lib/sysctl.d/.hidden.conf", "kernel.dot = 1\n");
    put(t, "/etc/sysctl.conf", "kernel.c = 3\nnet.ipv4.ip_forward = 0\n");
    link_at(t, "/etc/sysctl.d/99-sysctl.conf", "../sysctl.conf");
    put(t, "/usr/lib/sysctl.d/99-z.conf", "net.ipv4.ip_forward = 1\n"); /* after 99-sysctl */

    mm_facts *f = &t->f;
    assert_int_equal(mm_parse_sysctl(f, open_root(t)), MM_OK);
    const char *b = "/usr/lib/sysctl.d/50-b.conf";
    assert_fact(nth(f, "net.ipv4.ip_forward", 0), "0", "/etc/sysctl.d/10-a.conf", 1, NULL);
    assert_null(mm_facts_first(f, "kernel.vendor_only")); /* hidden by /etc's 10-a.conf */
    assert_fact(nth(f, "net.ipv4.ip_forward", 1), "1", "/run/sysctl.d/30-c.conf", 1, NULL);
    assert_fact(mm_facts_first(f, "kernel.d"), "4", "/usr/local/lib/sysctl.d/40-d.conf", 1, NULL);
    assert_fact(mm_facts_first(f, "net.ipv4.conf.all.rp_filter"), "1", b, 3, NULL);
    assert_fact(mm_facts_first(f, "net.ipv4.conf.eth0/10.rp_filter"), "2", b, 4, NULL);
    assert_fact(mm_facts_first(f, "kernel.b"), "2", b, 5, NULL);
    assert_null(mm_facts_first(f, "not an assignment"));
    assert_fact(mm_facts_first(f, "kernel.c"), "7 7", b, 7, NULL);
    assert_null(mm_facts_first(f, "kernel.hidden"));
    assert_null(mm_facts_first(f, "kernel.masked"));
    assert_null(mm_facts_first(f, "kernel.readme"));
    assert_null(mm_facts_first(f, "kernel.dot"));
    /* sysctl.conf is read once, where its symlink sorts */
    assert_fact(mm_facts_last(f, "kernel.c"), "3", "/etc/sysctl.d/99-sysctl.conf", 1, NULL);
    assert_int_equal(count(f, "kernel.c"), 2);
    assert_fact(mm_facts_last(f, "net.ipv4.ip_forward"), "1", "/usr/lib/sysctl.d/99-z.conf", 1,
                NULL);
    assert_int_equal(count(f, "net.ipv4.ip_forward"), 4);
    assert_int_equal(f->n, 10);
}

static void test_sysctl_conf_last(void **state)
{
    tree *t = *state;
    mm_facts *f = &t->f;
    assert_int_equal(mm_parse_sysctl(f, open_root(t)), MM_ENOTFOUND);
    mkdirs(t, "/etc/sysctl.d");
    assert_int_equal(mm_parse_sysctl(f, t->r), MM_OK);
    assert_int_equal(f->n, 0);
    put(t, "/usr/lib/sysctl.d/99-z.conf", "kernel.c = 9\n");
    put(t, "/etc/sysctl.conf", "kernel.c = 3\n");
    assert_int_equal(mm_parse_sysctl(f, t->r), MM_OK);
    assert_fact(mm_facts_first(f, "kernel.c"), "9", "/usr/lib/sysctl.d/99-z.conf", 1, NULL);
    assert_fact(mm_facts_last(f, "kernel.c"), "3", "/etc/sysctl.conf", 1, NULL);
    /* sysctl.conf alone is enough */
    char path[256];
    snprintf(path, sizeof(path), "%s/usr", t->root);
    remove_tree(path, 0);
    snprintf(path, sizeof(path), "%s/etc/sysctl.d", t->root);
    remove_tree(path, 0);
    put(t, "/etc/sysctl.conf", "kernel.e = 5\n");
    mm_facts_free(f);
    assert_int_equal(mm_facts_init(f), MM_OK);
    assert_int_equal(mm_parse_sysctl(f, t->r), MM_OK);
    assert_fact(mm_facts_last(f, "kernel.e"), "5", "/etc/sysctl.conf", 1, NULL);
    /* an unreadable file fails the parse (root reads it: skipped for root) */
    put(t, "/etc/sysctl.d/10-x.conf", "kernel.x = 1\n");
    chmod_at(t, "/etc/sysctl.d/10-x.conf", 0);
    int rc = mm_parse_sysctl(f, t->r);
    if (!running_as_root())
        assert_int_equal(rc, MM_EACCES);
}

/* ---- modprobe ----------------------------------------------------------------------------- */

static void test_modprobe(void **state)
{
    tree *t = *state;
    mm_facts *f = &t->f;
    assert_int_equal(mm_parse_modprobe(f, open_root(t)), MM_ENOTFOUND);
    put(t, "/etc/modprobe.d/cis.conf",
        "install cramfs /bin/false\n"
        "blacklist cramfs\n"
        "install\tusb-storage   /bin/true  \n"
        "# comment\n"
        "options  snd-hda-intel  power_save=1 \\\n"
        "  power_save_controller=Y\n"
        "alias char-major-10-[0-9-]* off\n"
        "unknown foo bar\n"
        "blacklist\n"
        "softdep dm-crypt pre: aes-x86\n");
    put(t, "/usr/lib/modprobe.d/cis.conf", "install cramfs /bin/true\n");
    put(t, "/lib/modprobe.d/dccp.conf", "install dccp /bin/false\r\n");
    put(t, "/run/modprobe.d/a.conf", "blacklist usb_storage\n");
    put(t, "/etc/modprobe.d/notes.txt", "blacklist notes\n");
    assert_int_equal(mm_parse_modprobe(f, t->r), MM_OK);
    const char *cis = "/etc/modprobe.d/cis.conf";
    assert_fact(mm_facts_first(f, "usb_storage"), "blacklist", "/run/modprobe.d/a.conf", 1, NULL);
    assert_fact(mm_facts_last(f, "usb_storage"), "install /bin/true", cis, 3, NULL);
    assert_fact(mm_facts_first(f, "cramfs"), "install /bin/false", cis, 1, NULL);
    assert_fact(mm_facts_last(f, "cramfs"), "blacklist", cis, 2, NULL);
    assert_int_equal(count(f, "cramfs"), 2); /* /usr/lib's cis.conf is hidden */
    assert_fact(mm_facts_first(f, "snd_hda_intel"),
                "options power_save=1   power_save_controller=Y", cis, 5, NULL);
    assert_fact(mm_facts_first(f, "char_major_10_[0-9-]*"), "alias off", cis, 7, NULL);
    assert_null(mm_facts_first(f, "foo"));
    assert_fact(mm_facts_first(f, "dm_crypt"), "softdep pre: aes-x86", cis, 10, NULL);
    assert_fact(mm_facts_first(f, "dccp"), "install /bin/false", "/lib/modprobe.d/dccp.conf", 1,
                NULL);
    assert_null(mm_facts_first(f, "notes"));
    assert_int_equal(f->n, 8);
}

/* ---- shell assignments -------------------------------------------------------------------- */

/* The value of name after parsing text alone, or NULL when it ends up unset. */
static const char *sh_value(const char *text, const char *name)
{
    static char buf[256];
    mm_facts f;
    assert_int_equal(mm_facts_init(&f), MM_OK);
    assert_int_equal(mm_parse_shell_text(&f, text, strlen(text), "/etc/profile"), MM_OK);
    const mm_fact *x = mm_shell_lookup(&f, name);
    const char *r = NULL;
    if (x) {
        snprintf(buf, sizeof(buf), "%s", x->value);
        r = buf;
    }
    mm_facts_free(&f);
    return r;
}

static void test_shell_forms(void **state)
{
    (void)state;
    /* every form the hardening guides write sets TMOUT to 900 */
    static const char *const forms[] = {
        "TMOUT=900\n",
        "export TMOUT=900\n",
        "readonly TMOUT=900\n",
        "declare -r TMOUT=900\n",
        "declare -x TMOUT=900\n",
        "declare -rx TMOUT=900\n",
        "declare -r -x TMOUT=900\n",
        "typeset -xr TMOUT=900\n",
        "TMOUT=900; readonly TMOUT; export TMOUT\n",
        "TMOUT=900\nreadonly TMOUT\nexport TMOUT\n",
        "TMOUT='900'\n",
        "TMOUT=\"900\"\n",
        "export TMOUT='900'\n",
        "  readonly  TMOUT=\"900\"   # fifteen minutes\n",
        "TMOUT=9\\\n00\n",
        "TMOUT=9'0'\"0\"\n",
        "FOO=1 TMOUT=900\n",
        "export FOO TMOUT=900\n",
        "TMOUT=1\nTMOUT=900\n",
        "TMOUT=900\nunset TMOUT\nTMOUT=900\n",
        "readonly TMOUT=900\nTMOUT=0\n",
        "readonly TMOUT=900\nunset TMOUT\n",
        "TMOUT=900\nreadonly TMOUT\nTMOUT=0\n",
        "if [ \"$BASH\" ]; then\n  PS1='x'\nfi\nTMOUT=900\n",
        "f() { TMOUT=0; }\nTMOUT=900\n",
        "declare -p TMOUT=0\nTMOUT=900\n",
        "TMOUT=900\nexport -n TMOUT\n",
        "TMOUT=900 # TMOUT=0\n",
        "TMOUT=900\necho 'TMOUT=0'\n",
        "TMOUT=900\nunset -f TMOUT\n",
    };
    for (size_t i = 0; i < sizeof(forms) / sizeof(*forms); i++) {
        const char *v = sh_value(forms[i], "TMOUT");
        if (!v || strcmp(v, "900") != 0)
            fail_msg("form %zu (%s): TMOUT is %s", i, forms[i], v ? v : "unset");
    }
    /* and these leave it unset: nothing the login shell always runs assigns it */
    static const char *const unset_forms[] = {
        "",
        "#TMOUT=900\n",
        "TMOUT=900\nunset TMOUT\n",
        "TMOUT=900\nunset -v TMOUT\n",
        "TMOUT=900 bash\n",
        "if [ -n \"$X\" ]; then TMOUT=900; fi\n",
        "[ -n \"$X\" ] && TMOUT=900\n",
        "false || TMOUT=900\n",
        "( TMOUT=900 )\n",
        "echo | TMOUT=900\n",
        "f() { TMOUT=900; }\n",
        "function f { readonly TMOUT=900; }\n",
        "case $X in a) TMOUT=900;; esac\n",
        "for i in 1; do TMOUT=900; done\n",
        "echo TMOUT=900\n",
        "'TMOUT'=900\n",
        "readonly TMOUT\n",
        "local TMOUT=900\n",
        "export TMOUT\n",
    };
    for (size_t i = 0; i < sizeof(unset_forms) / sizeof(*unset_forms); i++) {
        const char *v = sh_value(unset_forms[i], "TMOUT");
        if (v)
            fail_msg("form %zu (%s): TMOUT is %s, expected unset", i, unset_forms[i], v);
    }
    /* expansions are kept as written (not evaluated), and a statement after a block counts */
    assert_string_equal(sh_value("TMOUT=$((15*60))\n", "TMOUT"), "$((15*60))");
    assert_string_equal(sh_value("if x; then :; fi; TMOUT=60\n", "TMOUT"), "60");
    assert_string_equal(sh_value("TMOUT=\"$(echo 1)\"; X=2\n", "X"), "2");
}

static void test_shell_files(void **state)
{
    tree *t = *state;
    mm_facts *f = &t->f;
    /* nothing there: no variable, no error */
    assert_int_equal(mm_parse_login_shell(f, open_root(t)), MM_OK);
    assert_null(mm_shell_lookup(f, "TMOUT"));
    put(t, "/etc/profile", "TMOUT=100\nexport TMOUT\n");
    put(t, "/etc/profile.d/50-b.sh", "TMOUT=300\n");
    put(t, "/etc/profile.d/10-a.sh", "TMOUT=200\n");
    put(t, "/etc/profile.d/99-z.conf", "TMOUT=1\n"); /* not *.sh: never sourced */
    assert_int_equal(mm_parse_login_shell(f, t->r), MM_OK);
    const mm_fact *x = mm_shell_lookup(f, "TMOUT");
    assert_fact(x, "300", "/etc/profile.d/50-b.sh", 1, MM_SH_SET); /* glob order: 50 last */
    /* bash.bashrc comes last; a readonly assignment before it holds */
    put(t, "/etc/bash.bashrc", "\nTMOUT=0\n");
    mm_facts_free(f);
    assert_int_equal(mm_facts_init(f), MM_OK);
    assert_int_equal(mm_parse_login_shell(f, t->r), MM_OK);
    assert_fact(mm_shell_lookup(f, "TMOUT"), "0", "/etc/bash.bashrc", 2, MM_SH_SET);
    put(t, "/etc/profile.d/10-a.sh", "readonly TMOUT=900\n");
    mm_facts_free(f);
    assert_int_equal(mm_facts_init(f), MM_OK);
    assert_int_equal(mm_parse_login_shell(f, t->r), MM_OK);
    assert_fact(mm_shell_lookup(f, "TMOUT"), "900", "/etc/profile.d/10-a.sh", 1,
                MM_SH_SET_READONLY);
    /* a later unset in another file unsets */
    put(t, "/etc/profile.d/10-a.sh", "TMOUT=900\n");
    put(t, "/etc/profile.d/60-c.sh", "unset TMOUT\n");
    put(t, "/etc/bash.bashrc", "# nothing\n");
    mm_facts_free(f);
    assert_int_equal(mm_facts_init(f), MM_OK);
    assert_int_equal(mm_parse_login_shell(f, t->r), MM_OK);
    assert_null(mm_shell_lookup(f, "TMOUT"));
    /* an unreadable script fails the parse (root reads it anyway) */
    chmod_at(t, "/etc/profile.d/60-c.sh", 0);
    int rc = mm_parse_login_shell(f, t->r);
    if (!running_as_root())
        assert_int_equal(rc, MM_EACCES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kv_space),
        cmocka_unit_test(test_kv_equals),
        cmocka_unit_test(test_kv_ini),
        cmocka_unit_test(test_kv_edge),
        cmocka_unit_test(test_sshd_text),
        cmocka_unit_test_setup_teardown(test_sshd_include, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sshd_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sshd_unreadable_and_outside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kv_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sysctl_precedence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sysctl_conf_last, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modprobe, setup, teardown),
        cmocka_unit_test(test_shell_forms),
        cmocka_unit_test_setup_teardown(test_shell_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
