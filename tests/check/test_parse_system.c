/* Unit tests for the system parsers: PAM, fstab, audit rules, sudoers, accounts, packages,
 * systemd unit state; buffer-level functions and small trees built in a temp folder. */
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

#include <sqlite3.h>

#include "check/audit_rule.h"
#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

/* ---- helpers ------------------------------------------------------------------------------ */

typedef struct tree {
    char dir[256];
    mm_root *root;
    mm_facts facts;
} tree;

static void mkdirs(const char *path)
{
    char p[512];
    snprintf(p, sizeof(p), "%s", path);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    }
    mkdir(p, 0755);
}

/* Writes text to the file at rel (inside the tree), making its folders. */
static void put(const tree *t, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s", t->dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdirs(path);
    *slash = '/';
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void mkdir_in(const tree *t, const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s", t->dir, rel);
    mkdirs(path);
}

static void link_at(const tree *t, const char *rel, const char *target)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s", t->dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdirs(path);
    *slash = '/';
    assert_int_equal(symlink(target, path), 0);
}

/* Removes path and everything under it (links are removed, never followed). */
static int rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d)
            return -1;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[1024];
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            rm_rf(sub);
        }
        closedir(d);
        return rmdir(path);
    }
    return unlink(path);
}

static int tree_setup(void **state)
{
    tree *t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    snprintf(t->dir, sizeof(t->dir), "%s", "/tmp/mm-parse-system-XXXXXX");
    if (!mkdtemp(t->dir) || mm_facts_init(&t->facts)) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int tree_teardown(void **state)
{
    tree *t = *state;
    mm_root_free(t->root);
    mm_facts_free(&t->facts);
    int rc = rm_rf(t->dir);
    free(t);
    return rc;
}

static const mm_root *root(tree *t)
{
    if (!t->root)
        assert_int_equal(mm_root_open(&t->root, t->dir), MM_OK);
    return t->root;
}

static void fact_is(const mm_facts *f, size_t i, const char *key, const char *value,
                    const char *file, int line)
{
    assert_true(i < f->n);
    assert_string_equal(f->items[i].key, key);
    assert_string_equal(f->items[i].value, value);
    if (file)
        assert_string_equal(f->items[i].file, file);
    if (line >= 0)
        assert_int_equal(f->items[i].line, line);
}

/* ---- PAM ------------------------------------------------------------------------------------ */

typedef struct include_log {
    char calls[8][64];
    int n;
} include_log;

static int log_include(void *ctx, mm_facts *out, const char *name, const char *type, int depth)
{
    (void)out;
    include_log *l = ctx;
    if (l->n < 8)
        snprintf(l->calls[l->n++], sizeof(l->calls[0]), "%s|%s|%d", name, type ? type : "*", depth);
    return MM_OK;
}

static void test_pam_text(void **state)
{
    (void)state;
    static const char text[] =
        "# comment line\n"
        "auth\t[success=1 default=ignore]   pam_unix.so  nullok # trailing comment\n"
        "-session optional pam_systemd.so\n"
        "AUTH required pam_deny.so\n"
        "password requisite pam_pwquality.so \\\n"
        "    retry=3 \\  \n"
        "    minlen=14\n"
        "\n"
        "@include common-account\n"
        "account include system-auth\n"
        "session substack password-auth\n"
        "auth required pam_exec.so [a  b] c\n"
        "# continued comment \\\n"
        "account required pam_time.so\n"
        "session";
    mm_facts f;
    assert_int_equal(mm_facts_init(&f), MM_OK);
    include_log l = {0};
    assert_int_equal(
        mm_parse_pam_text(&f, text, sizeof(text) - 1, "/etc/pam.d/x", NULL, 0, log_include, &l),
        MM_OK);
    assert_int_equal(f.n, 7);
    fact_is(&f, 0, "auth", "[success=1 default=ignore] pam_unix.so nullok", "/etc/pam.d/x", 2);
    fact_is(&f, 1, "session", "optional pam_systemd.so", NULL, 3);
    fact_is(&f, 2, "auth", "required pam_deny.so", NULL, 4);
    fact_is(&f, 3, "password", "requisite pam_pwquality.so retry=3 minlen=14", NULL, 5);
    fact_is(&f, 4, "auth", "required pam_exec.so [a  b] c", NULL, 12);
    fact_is(&f, 5, "account", "required pam_time.so", NULL, 14);
    fact_is(&f, 6, "session", "", NULL, 15);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.calls[0], "common-account|*|1");
    assert_string_equal(l.calls[1], "system-auth|account|1");
    assert_string_equal(l.calls[2], "password-auth|session|1");

    /* a type filter keeps only that type, include lines included */
    mm_facts_free(&f);
    assert_int_equal(mm_facts_init(&f), MM_OK);
    l.n = 0;
    assert_int_equal(mm_parse_pam_text(&f, text, sizeof(text) - 1, "x", "auth", 2, log_include, &l),
                     MM_OK);
    assert_int_equal(f.n, 3);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.calls[0], "common-account|auth|3");
    mm_facts_free(&f);
}

static void test_pam_tree(void **state)
{
    tree *t = *state;
    put(t, "/etc/pam.d/sshd",
        "# sshd\n"
        "@include common-auth\n"
        "account    include      system-auth\n"
        "-session   substack     password-auth\n"
        "auth       include      missing-file\n"
        "session    required     pam_loginuid.so\n"
        "@include loop\n");
    put(t, "/etc/pam.d/common-auth",
        "auth [success=1 default=ignore] pam_unix.so nullok\n"
        "auth requisite pam_deny.so\n");
    put(t, "/etc/pam.d/system-auth",
        "auth     required   pam_env.so\n"
        "account  required   pam_unix.so\n"
        "password sufficient pam_unix.so sha512\n");
    /* RHEL's password-auth, with a nested @include and its own include */
    put(t, "/etc/pam.d/password-auth",
        "auth    required  pam_faillock.so preauth\n"
        "session optional  pam_keyinit.so revoke\n"
        "@include nested\n");
    put(t, "/etc/pam.d/nested",
        "session required pam_limits.so\n"
        "auth required pam_nologin.so\n");
    put(t, "/etc/pam.d/loop", "session optional pam_motd.so\n@include loop\n");
    mm_facts *f = &t->facts;
    assert_int_equal(mm_parse_pam(f, root(t), "sshd"), MM_OK);
    assert_int_equal(f->n, 7);
    fact_is(f, 0, "auth", "[success=1 default=ignore] pam_unix.so nullok", "/etc/pam.d/common-auth",
            1);
    fact_is(f, 1, "auth", "requisite pam_deny.so", "/etc/pam.d/common-auth", 2);
    fact_is(f, 2, "account", "required pam_unix.so", "/etc/pam.d/system-auth", 2);
    fact_is(f, 3, "session", "optional pam_keyinit.so revoke", "/etc/pam.d/password-auth", 2);
    fact_is(f, 4, "session", "required pam_limits.so", "/etc/pam.d/nested", 1);
    fact_is(f, 5, "session", "required pam_loginuid.so", "/etc/pam.d/sshd", 6);
    /* the loop file is read once: its own @include of itself is not followed */
    fact_is(f, 6, "session", "optional pam_motd.so", "/etc/pam.d/loop", 1);
    /* absent service; a service from /usr/lib/pam.d; a bad name */
    assert_int_equal(mm_parse_pam(f, root(t), "nope"), MM_ENOTFOUND);
    put(t, "/usr/lib/pam.d/vendor", "auth required pam_unix.so\n");
    size_t before = f->n;
    assert_int_equal(mm_parse_pam(f, root(t), "vendor"), MM_OK);
    fact_is(f, before, "auth", "required pam_unix.so", "/usr/lib/pam.d/vendor", 1);
    assert_int_equal(mm_parse_pam(f, root(t), "../etc/x"), MM_EUSAGE);
    assert_int_equal(mm_parse_pam(f, root(t), ""), MM_EUSAGE);
}

static void test_pam_depth(void **state)
{
    tree *t = *state;
    /* a chain of 12 files: d0 includes d1 includes d2 ... only depth <= 8 is read */
    for (int i = 0; i < 12; i++) {
        char rel[64], text[128];
        snprintf(rel, sizeof(rel), "/etc/pam.d/d%d", i);
        snprintf(text, sizeof(text), "auth required pam_d%d.so\n@include d%d\n", i, i + 1);
        put(t, rel, text);
    }
    assert_int_equal(mm_parse_pam(&t->facts, root(t), "d0"), MM_OK);
    assert_int_equal(t->facts.n, MM_INCLUDE_DEPTH_MAX + 1);
    fact_is(&t->facts, 8, "auth", "required pam_d8.so", "/etc/pam.d/d8", 1);
}

/* ---- fstab ---------------------------------------------------------------------------------- */

static void test_fstab(void **state)
{
    tree *t = *state;
    put(t, "/etc/fstab",
        "# <file system> <mount point> <type> <options> <dump> <pass>\n"
        "UUID=1234  /  ext4  errors=remount-ro  0  1\n"
        "\n"
        "  # indented comment\n"
        "LABEL=My\\040Disk /mnt/my\\040disk\\011x vfat noauto,nodev\n"
        "tmpfs /tmp tmpfs\n"
        "/dev/sdb1 /only-two\n"
        "/dev/sdc1 /back\\134slash xfs defaults 0 2 extra\n");
    mm_facts *f = &t->facts;
    assert_int_equal(mm_parse_fstab(f, root(t)), MM_OK);
    assert_int_equal(f->n, 4);
    fact_is(f, 0, "/", "UUID=1234 ext4 errors=remount-ro 0 1", "/etc/fstab", 2);
    fact_is(f, 1, "/mnt/my disk\tx", "LABEL=My\\040Disk vfat noauto,nodev 0 0", NULL, 5);
    fact_is(f, 2, "/tmp", "tmpfs tmpfs defaults 0 0", NULL, 6);
    fact_is(f, 3, "/back\\slash", "/dev/sdc1 xfs defaults 0 2", NULL, 8);
    /* not the live root: no /proc/mounts */
    assert_int_equal(mm_parse_mounts(f, root(t)), MM_ENOTFOUND);

    char s[] = "a\\040b\\0\\12\\999\\1341";
    mm_fstab_unescape(s);
    assert_string_equal(s, "a b\\0\\12\\999\\1");
}

static void test_mounts_live(void **state)
{
    (void)state;
    mm_root *r;
    assert_int_equal(mm_root_open(&r, "/"), MM_OK);
    mm_facts f;
    assert_int_equal(mm_facts_init(&f), MM_OK);
    int rc = mm_parse_mounts(&f, r);
    if (rc == MM_OK) {
        assert_non_null(mm_facts_first(&f, "/"));
        assert_string_equal(mm_facts_first(&f, "/")->file, "/proc/mounts");
    } else {
        assert_int_equal(rc, MM_ENOTFOUND); /* no /proc in this sandbox */
    }
    mm_facts_free(&f);
    mm_root_free(r);
}

/* ---- audit ---------------------------------------------------------------------------------- */

static void test_audit(void **state)
{
    tree *t = *state;
    put(t, "/etc/audit/audit.rules", "-D\n-w /etc/passwd -p wa -k old\n");
    mm_facts *f = &t->facts;
    /* no rules.d: audit.rules */
    assert_int_equal(mm_parse_audit_rules(f, root(t)), MM_OK);
    assert_int_equal(f->n, 2);
    fact_is(f, 0, "-D", "-D", "/etc/audit/audit.rules", 1);
    fact_is(f, 1, "-w /etc/passwd -p wa -k old", "-w /etc/passwd -p wa -k old", NULL, 2);

    /* an empty rules.d: still audit.rules */
    mkdir_in(t, "/etc/audit/rules.d");
    f->n = 0;
    assert_int_equal(mm_parse_audit_rules(f, root(t)), MM_OK);
    assert_int_equal(f->n, 2);

    /* rules.d in augenrules' order (ls -v: 9 before 10); other names ignored */
    put(t, "/etc/audit/rules.d/10-base.rules", "## comment\n\n-b   8192\n-f 1\n");
    put(t, "/etc/audit/rules.d/9-first.rules",
        "-a always,exit  -F arch=b64\t-S execve   -k exec  \n");
    put(t, "/etc/audit/rules.d/99-finalize.rules", "  # lock\n-e 2\n");
    put(t, "/etc/audit/rules.d/README", "-w /not/read\n");
    put(t, "/etc/audit/rules.d/x.rules.bak", "-w /not/read\n");
    f->n = 0;
    assert_int_equal(mm_parse_audit_rules(f, root(t)), MM_OK);
    assert_int_equal(f->n, 4);
    fact_is(f, 0, "-a always,exit -F arch=b64 -S execve -k exec",
            "-a always,exit -F arch=b64 -S execve -k exec", "/etc/audit/rules.d/9-first.rules", 1);
    fact_is(f, 1, "-b 8192", "-b 8192", "/etc/audit/rules.d/10-base.rules", 3);
    fact_is(f, 2, "-f 1", "-f 1", NULL, 4);
    fact_is(f, 3, "-e 2", "-e 2", "/etc/audit/rules.d/99-finalize.rules", 2);

    assert_true(mm_natural_cmp("9-a.rules", "10-a.rules") < 0);
    assert_true(mm_natural_cmp("10-a.rules", "10-b.rules") < 0);
    assert_true(mm_natural_cmp("a", "a1") < 0);
    assert_int_equal(mm_natural_cmp("x01", "x1"), 0);
}

/* The normal form of a rule line (audit_rule.h), or "-" when it adds no rule. */
static const char *audit_norm(const char *line)
{
    static char out[2048];
    mm_audit_rule *r = malloc(sizeof(*r));
    assert_non_null(r);
    if (mm_audit_rule_parse(r, line) != MM_OK)
        snprintf(out, sizeof(out), "-");
    else
        assert_int_equal(mm_audit_rule_text(r, out, sizeof(out)), MM_OK);
    free(r);
    return out;
}

static void test_audit_normal_form(void **state)
{
    (void)state;
    /* each pair is one rule for auditctl, and one normal form here */
    static const char *const same[][2] = {
        {"-a always,exit -F arch=b64 -S execve -C uid!=euid -k x",
         "-a always,exit -F arch=b64 -S execve -C euid!=uid -k x"},
        {"-a always,exit -F arch=b64 -S execve -C euid!=uid -F auid!=unset",
         "-a always,exit -S execve -F auid!=unset -C euid!=uid -F arch=b64"},
        {"-a always,exit -S open -k access", "-a always,exit -S open -F key=access"},
        {"-a always,exit -F arch=b64 -S open -S openat -S creat",
         "-a always,exit -F arch=b64 -S creat,open,openat"},
        {"-a always,exit -S open,openat -S open", "-a always,exit -S openat,open"},
        {"-a exit,always -S mount", "-a always,exit -S mount"},
        {"-A always,exit -S mount", "-a always,exit -S mount"},
        {"-a always,exit -F arch=x86_64 -S mount", "-a always,exit -F arch=b64 -S mount"},
        {"-a always,exit -F arch=i386 -S mount", "-a always,exit -F arch=b32 -S mount"},
        {"-a always,exit -S open -F exit=-13", "-a always,exit -S open -F exit=-EACCES"},
        {"-a always,exit -S open -F exit=-1", "-a always,exit -S open -F exit=-EPERM"},
        {"-a always,exit -S open -F auid!=4294967295", "-a always,exit -S open -F auid!=unset"},
        {"-a always,exit -S open -F auid!=-1", "-a always,exit -S open -F auid!=unset"},
        {"-w /etc/passwd -p wa -k identity",
         "-a always,exit -F path=/etc/passwd -F perm=wa -F key=identity"},
        {"-w /etc/passwd -p aw -k identity",
         "-a always,exit -F perm=wa -F path=/etc/passwd -k identity"},
        {"-w /etc/sudoers.d/ -p wa", "-a always,exit -F path=/etc/sudoers.d -F perm=aw"},
        {"-w /etc/hosts", "-w /etc/hosts -p arwx"},
        {"  -a\talways,exit   -S mount  ", "-a always,exit -S mount"},
        {"-e 2", "-e   2"},
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++) {
        char a[2048];
        snprintf(a, sizeof(a), "%s", audit_norm(same[i][0]));
        const char *b = audit_norm(same[i][1]);
        if (strcmp(a, b) != 0 || !strcmp(a, "-"))
            fail_msg("pair %zu: \"%s\" -> \"%s\" but \"%s\" -> \"%s\"", i, same[i][0], a,
                     same[i][1], b);
    }
    assert_string_equal(audit_norm("-a exit,always -F arch=b64 -S openat,open -C uid!=euid "
                                   "-F exit=-13 -k k -w"),
                        "-");
    assert_string_equal(audit_norm("-a exit,always -F arch=b64 -S openat,open -C uid!=euid "
                                   "-F exit=-13 -k k"),
                        "-a always,exit -S open,openat -F arch=b64 -F exit=-EACCES -F key=k "
                        "-C euid!=uid");
    /* and these differ */
    static const char *const differ[][2] = {
        {"-a never,exit -S mount", "-a always,exit -S mount"},
        {"-a always,exit -F arch=b32 -S mount", "-a always,exit -F arch=b64 -S mount"},
        {"-a always,exit -S open -F exit=-EPERM", "-a always,exit -S open -F exit=-EACCES"},
        {"-a always,exit -S execve -C euid!=uid", "-a always,exit -S execve -C euid=uid"},
        {"-w /etc/passwd -p r", "-w /etc/passwd -p w"},
        {"-a always,exit -S open -F auid>=1000", "-a always,exit -S open -F auid<=1000"},
    };
    for (size_t i = 0; i < sizeof(differ) / sizeof(*differ); i++) {
        char a[2048];
        snprintf(a, sizeof(a), "%s", audit_norm(differ[i][0]));
        if (!strcmp(a, audit_norm(differ[i][1])))
            fail_msg("pair %zu should differ: %s", i, a);
    }
    /* lines that add no rule */
    static const char *const none[] = {"",
                                       "# comment",
                                       "-W /etc/passwd -p wa",
                                       "-d always,exit -S mount",
                                       "-a always,exit -p wa",
                                       "-a always -S open",
                                       "-a always,exit -S open -F noop",
                                       "-w /a -a always,exit",
                                       "-a always,exit -S mount # no trailing comments"};
    for (size_t i = 0; i < sizeof(none) / sizeof(*none); i++)
        if (strcmp(audit_norm(none[i]), "-") != 0)
            fail_msg("\"%s\" should add no rule: %s", none[i], audit_norm(none[i]));
    char buf[64];
    assert_int_equal(mm_audit_compare_normalize("uid>euid", buf, sizeof(buf)), MM_OK);
    assert_string_equal(buf, "euid<uid");
    assert_int_equal(mm_audit_compare_normalize("uid", buf, sizeof(buf)), MM_EPARSE);
}

static void test_audit_absent(void **state)
{
    tree *t = *state;
    assert_int_equal(mm_parse_audit_rules(&t->facts, root(t)), MM_ENOTFOUND);
}

/* ---- sudoers -------------------------------------------------------------------------------- */

static void test_sudoers(void **state)
{
    tree *t = *state;
    put(t, "/etc/sudoers",
        "# sudoers\n"
        "Defaults\tenv_reset\n"
        "Defaults:backup  !requiretty\n"
        "Defaults  passprompt=\"# pw:\"   # trailing comment\n"
        "Cmnd_Alias  SHUTDOWN = /sbin/halt, \\\n"
        "            /sbin/reboot\n"
        "root    ALL=(ALL:ALL) ALL\n"
        "#1000   ALL=(#0) /usr/bin/id\n"
        "#includedir /etc/sudoers.d\n"
        "@include sudoers.local\n"
        "#include \"/etc/missing\"\n"
        "%admin ALL=(ALL) ALL\n");
    put(t, "/etc/sudoers.d/10-ops", "%ops ALL=(ALL) NOPASSWD: ALL\n@include ../sudoers\n");
    put(t, "/etc/sudoers.d/a.b", "skipped ALL=(ALL) ALL\n");
    put(t, "/etc/sudoers.d/x~", "skipped ALL=(ALL) ALL\n");
    put(t, "/etc/sudoers.d/README", "# comments only\n");
    mkdir_in(t, "/etc/sudoers.d/subdir");
    put(t, "/etc/sudoers.local", "User_Alias OPS = alice, bob\n#include sudoers.d/20-rel\n");
    put(t, "/etc/sudoers.d/20-rel", "bob ALL = /usr/bin/less\n");
    mm_facts *f = &t->facts;
    assert_int_equal(mm_parse_sudoers(f, root(t)), MM_OK);
    assert_int_equal(f->n, 11);
    fact_is(f, 0, "Defaults", "env_reset", "/etc/sudoers", 2);
    fact_is(f, 1, "Defaults", ":backup  !requiretty", NULL, 3);
    fact_is(f, 2, "Defaults", "passprompt=\"# pw:\"", NULL, 4);
    fact_is(f, 3, "alias", "Cmnd_Alias  SHUTDOWN = /sbin/halt, /sbin/reboot", NULL, 5);
    fact_is(f, 4, "rule", "root    ALL=(ALL:ALL) ALL", NULL, 7);
    fact_is(f, 5, "rule", "#1000   ALL=(#0) /usr/bin/id", NULL, 8);
    /* includedir: 10-ops (its include of ../sudoers is a loop and not followed), 20-rel;
     * a.b, x~ and the folder are skipped */
    fact_is(f, 6, "rule", "%ops ALL=(ALL) NOPASSWD: ALL", "/etc/sudoers.d/10-ops", 1);
    fact_is(f, 7, "rule", "bob ALL = /usr/bin/less", "/etc/sudoers.d/20-rel", 1);
    /* @include sudoers.local, relative to /etc; its #include relative to /etc too */
    fact_is(f, 8, "alias", "User_Alias OPS = alice, bob", "/etc/sudoers.local", 1);
    fact_is(f, 9, "rule", "bob ALL = /usr/bin/less", "/etc/sudoers.d/20-rel", 1);
    fact_is(f, 10, "rule", "%admin ALL=(ALL) ALL", "/etc/sudoers", 12);
}

static void test_sudoers_absent(void **state)
{
    tree *t = *state;
    assert_int_equal(mm_parse_sudoers(&t->facts, root(t)), MM_ENOTFOUND);
}

static int log_sudo(void *ctx, mm_facts *out, const char *path, bool dir, int depth)
{
    (void)out;
    include_log *l = ctx;
    if (l->n < 8)
        snprintf(l->calls[l->n++], sizeof(l->calls[0]), "%s|%s|%d", path, dir ? "dir" : "file",
                 depth);
    return MM_OK;
}

static void test_sudoers_text(void **state)
{
    (void)state;
    static const char text[] = "@includedir   /etc/sudoers.d\n"
                               "#includedir rel.d\n"
                               "@include \"with space\"\n"
                               "#include\tx\\ y\n"
                               "#include_not a comment\n"
                               "#   \\\n"
                               "Defaults@host x\n"
                               "Defaultsfoo bar\n"
                               "Host_Alias H = a # comment\n"
                               "u ALL=ALL \\";
    mm_facts f;
    assert_int_equal(mm_facts_init(&f), MM_OK);
    include_log l = {0};
    assert_int_equal(
        mm_parse_sudoers_text(&f, text, sizeof(text) - 1, "/etc/sub/file", 3, log_sudo, &l), MM_OK);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.calls[0], "/etc/sudoers.d|dir|4");
    assert_string_equal(l.calls[1], "/etc/sub/rel.d|dir|4");
    assert_string_equal(l.calls[2], "/etc/sub/with space|file|4");
    assert_string_equal(l.calls[3], "/etc/sub/x y|file|4");
    assert_int_equal(f.n, 4);
    fact_is(&f, 0, "Defaults", "@host x", NULL, 7);
    fact_is(&f, 1, "rule", "Defaultsfoo bar", NULL, 8);
    fact_is(&f, 2, "alias", "Host_Alias H = a", NULL, 9);
    fact_is(&f, 3, "rule", "u ALL=ALL", NULL, 10);
    mm_facts_free(&f);
}

/* ---- accounts ------------------------------------------------------------------------------- */

static void test_accounts(void **state)
{
    tree *t = *state;
    put(t, "/etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\n"
        "alice:x:1000:1000:Alice A,,,:/home/alice:/bin/zsh\n"
        "\n"
        "+@netgroup::::::\n"
        "-bob\n");
    put(t, "/etc/group", "wheel:x:10:alice,bob\nempty:x:11:\n");
    put(t, "/etc/shadow", "root:!:19000:0:99999:7:::\nalice:$6$salt$hash:19001::::::\n");
    mm_facts *f = &t->facts;
    assert_int_equal(mm_parse_passwd(f, root(t)), MM_OK);
    assert_int_equal(f->n, 4);
    fact_is(f, 0, "root", "x:0:0:root:/root:/bin/bash", "/etc/passwd", 1);
    fact_is(f, 1, "alice", "x:1000:1000:Alice A,,,:/home/alice:/bin/zsh", NULL, 2);
    fact_is(f, 2, "+@netgroup", ":::::", NULL, 4);
    fact_is(f, 3, "-bob", "", NULL, 5);
    f->n = 0;
    assert_int_equal(mm_parse_group(f, root(t)), MM_OK);
    assert_int_equal(f->n, 2);
    fact_is(f, 0, "wheel", "x:10:alice,bob", "/etc/group", 1);
    fact_is(f, 1, "empty", "x:11:", NULL, 2);
    f->n = 0;
    assert_int_equal(mm_parse_shadow(f, root(t)), MM_OK);
    fact_is(f, 0, "root", "!:19000:0:99999:7:::", "/etc/shadow", 1);
    fact_is(f, 1, "alice", "$6$salt$hash:19001::::::", NULL, 2);

    char path[512];
    snprintf(path, sizeof(path), "%s/etc/shadow", t->dir);
    assert_int_equal(chmod(path, 0), 0);
    f->n = 0;
    int rc = mm_parse_shadow(f, root(t));
    /* root reads a mode-000 file anyway: the MM_EACCES case is only testable as non-root */
    if (geteuid() != 0) {
        assert_int_equal(rc, MM_EACCES);
        assert_non_null(strstr(mm_error_last(), "/etc/shadow"));
    } else {
        assert_int_equal(rc, MM_OK);
    }
    chmod(path, 0600);
}

static void test_accounts_absent(void **state)
{
    tree *t = *state;
    assert_int_equal(mm_parse_passwd(&t->facts, root(t)), MM_ENOTFOUND);
    assert_int_equal(mm_parse_group(&t->facts, root(t)), MM_ENOTFOUND);
    assert_int_equal(mm_parse_shadow(&t->facts, root(t)), MM_ENOTFOUND);
}

/* ---- packages ------------------------------------------------------------------------------- */

static void test_dpkg(void **state)
{
    tree *t = *state;
    put(t, "/var/lib/dpkg/status",
        "Package: openssh-server\n"
        "Status: install ok installed\n"
        "Priority: optional\n"
        "Version: 1:9.2p1-2+deb12u3\n"
        "Description: secure shell (SSH) server\n"
        " Version: 0.0 (a continuation line, not a field)\n"
        "\n"
        "Package: telnetd\n"
        "Status: deinstall ok config-files\n"
        "Version: 0.17-44\n"
        "\n"
        "\n"
        "package: held\r\n"
        "status: hold ok installed\r\n"
        "version: 2.0\r\n"
        "\r\n"
        "Package: half\n"
        "Status: install ok half-installed\n"
        "Version: 1\n"
        "\n"
        "Status: install ok installed\n"
        "Version: 3 (no Package field)\n"
        "\n"
        "Package: last\n"
        "Version: 4.5\n"
        "Status: install  ok  installed");
    mm_facts *f = &t->facts;
    assert_int_equal(mm_parse_packages(f, root(t)), MM_OK);
    assert_int_equal(f->n, 3);
    fact_is(f, 0, "openssh-server", "1:9.2p1-2+deb12u3", "/var/lib/dpkg/status", 1);
    fact_is(f, 1, "held", "2.0", NULL, 13);
    fact_is(f, 2, "last", "4.5", NULL, 24);
}

/* A hand-made RPM header: NAME, VERSION, RELEASE, and EPOCH when epoch >= 0. */
static size_t make_header(uint8_t *buf, size_t size, const char *name, const char *ver,
                          const char *rel, long epoch)
{
    uint32_t il = epoch >= 0 ? 5 : 4, off = 0;
    uint8_t data[512];
    struct {
        uint32_t tag, type, off, count;
    } e[5];
    /* a region-like first entry (tag 63) that the parser ignores */
    e[0].tag = 63, e[0].type = 7, e[0].off = 0, e[0].count = 16;
    memset(data, 0, 16);
    off = 16;
    const char *s[3] = {name, ver, rel};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(s[i]) + 1;
        memcpy(data + off, s[i], n);
        e[i + 1].tag = 1000 + (uint32_t)i, e[i + 1].type = 6, e[i + 1].off = off;
        e[i + 1].count = 1;
        off += (uint32_t)n;
    }
    if (epoch >= 0) {
        while (off % 4)
            data[off++] = 0;
        e[4].tag = 1003, e[4].type = 4, e[4].off = off, e[4].count = 1;
        data[off] = (uint8_t)(epoch >> 24), data[off + 1] = (uint8_t)(epoch >> 16);
        data[off + 2] = (uint8_t)(epoch >> 8), data[off + 3] = (uint8_t)epoch;
        off += 4;
    }
    size_t total = 8 + il * 16 + off;
    assert_true(total <= size);
    uint32_t words[2] = {il, off};
    uint8_t *p = buf;
    for (int i = 0; i < 2; i++, p += 4)
        p[0] = (uint8_t)(words[i] >> 24), p[1] = (uint8_t)(words[i] >> 16),
        p[2] = (uint8_t)(words[i] >> 8), p[3] = (uint8_t)words[i];
    for (uint32_t i = 0; i < il; i++) {
        uint32_t w[4] = {e[i].tag, e[i].type, e[i].off, e[i].count};
        for (int k = 0; k < 4; k++, p += 4)
            p[0] = (uint8_t)(w[k] >> 24), p[1] = (uint8_t)(w[k] >> 16), p[2] = (uint8_t)(w[k] >> 8),
            p[3] = (uint8_t)w[k];
    }
    memcpy(p, data, off);
    return total;
}

static void test_rpm_header(void **state)
{
    (void)state;
    uint8_t h[1024];
    char *name, *evr;
    size_t n = make_header(h, sizeof(h), "bash", "5.1.8", "9.el9", -1);
    assert_int_equal(mm_rpm_header_parse(h, n, &name, &evr), MM_OK);
    assert_string_equal(name, "bash");
    assert_string_equal(evr, "5.1.8-9.el9");
    free(name);
    free(evr);
    n = make_header(h, sizeof(h), "openssh", "8.7p1", "38.el9", 2);
    assert_int_equal(mm_rpm_header_parse(h, n, &name, &evr), MM_OK);
    assert_string_equal(evr, "2:8.7p1-38.el9");
    free(name);
    free(evr);
    /* every truncation fails cleanly */
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(mm_rpm_header_parse(h, k, &name, &evr), MM_EPARSE);
        assert_null(name);
        assert_null(evr);
    }
    /* a string offset past the store; an unterminated string; an epoch past the end */
    uint8_t bad[1024];
    memcpy(bad, h, n);
    bad[8 + 16 + 8] = 0x7f; /* NAME's offset */
    assert_int_equal(mm_rpm_header_parse(bad, n, &name, &evr), MM_EPARSE);
    size_t n2 = make_header(bad, sizeof(bad), "bash", "5.1.8", "9.el9", -1);
    bad[n2 - 1] = 'x'; /* RELEASE, the last string, loses its NUL */
    assert_int_equal(mm_rpm_header_parse(bad, n2, &name, &evr), MM_EPARSE);
    memcpy(bad, h, n);
    bad[8 + 4 * 16 + 11] = 0xfe; /* EPOCH's offset */
    assert_int_equal(mm_rpm_header_parse(bad, n, &name, &evr), MM_EPARSE);
    memcpy(bad, h, n);
    bad[0] = 0xff; /* il */
    assert_int_equal(mm_rpm_header_parse(bad, n, &name, &evr), MM_EPARSE);
    assert_int_equal(mm_rpm_header_parse(h, 0, &name, &evr), MM_EPARSE);
}

/* Creates an rpmdb.sqlite at rel with the given blobs (hnum 1..n). */
static void make_rpmdb(const tree *t, const char *rel, const uint8_t **blobs, const size_t *sizes,
                       int n)
{
    char path[512];
    snprintf(path, sizeof(path), "%s%s", t->dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdirs(path);
    *slash = '/';
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY "
                                  "AUTOINCREMENT, blob BLOB NOT NULL)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?)", -1, &q, NULL),
                     SQLITE_OK);
    for (int i = 0; i < n; i++) {
        sqlite3_bind_blob(q, 1, blobs[i], (int)sizes[i], SQLITE_STATIC);
        assert_int_equal(sqlite3_step(q), SQLITE_DONE);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n++;
    closedir(d);
    return n;
}

static void test_rpmdb(void **state)
{
    tree *t = *state;
    uint8_t h1[512], h2[512];
    size_t s[2];
    s[0] = make_header(h1, sizeof(h1), "openssh-server", "8.7p1", "38.el9", 1);
    s[1] = make_header(h2, sizeof(h2), "bash", "5.1.8", "9.el9", -1);
    const uint8_t *b[2] = {h1, h2};
    make_rpmdb(t, "/var/lib/rpm/rpmdb.sqlite", b, s, 2);
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/var/lib/rpm", t->dir);
    int entries = count_entries(dir);
    mm_facts *f = &t->facts;
    assert_int_equal(mm_parse_packages(f, root(t)), MM_OK);
    assert_int_equal(f->n, 2);
    fact_is(f, 0, "openssh-server", "1:8.7p1-38.el9", "/var/lib/rpm/rpmdb.sqlite", 0);
    fact_is(f, 1, "bash", "5.1.8-9.el9", NULL, 0);
    /* nothing was written next to the database: no journal, WAL or lock file */
    assert_int_equal(count_entries(dir), entries);
}

static void test_rpmdb_corrupt(void **state)
{
    tree *t = *state;
    uint8_t h1[512], h2[64];
    size_t s[2];
    s[0] = make_header(h1, sizeof(h1), "bash", "5.1.8", "9.el9", -1);
    memcpy(h2, h1, sizeof(h2));
    h2[7] = 0xff; /* dl larger than the blob */
    s[1] = sizeof(h2);
    const uint8_t *b[2] = {h1, h2};
    make_rpmdb(t, "/usr/lib/sysimage/rpm/rpmdb.sqlite", b, s, 2);
    assert_int_equal(mm_parse_packages(&t->facts, root(t)), MM_EIO);
    assert_non_null(strstr(mm_error_last(), "package 2"));
    assert_int_equal(t->facts.n, 0);
}

static void test_rpmdb_links(void **state)
{
    tree *t = *state;
    uint8_t h1[512];
    size_t s[1];
    s[0] = make_header(h1, sizeof(h1), "bash", "5.1.8", "9.el9", -1);
    const uint8_t *b[1] = {h1};
    /* Fedora: /var/lib/rpm -> ../../usr/lib/sysimage/rpm; the real folder is read */
    make_rpmdb(t, "/usr/lib/sysimage/rpm/rpmdb.sqlite", b, s, 1);
    link_at(t, "/var/lib/rpm", "../../usr/lib/sysimage/rpm");
    mm_facts *f = &t->facts;
    assert_int_equal(mm_parse_packages(f, root(t)), MM_OK);
    assert_int_equal(f->n, 1);
    fact_is(f, 0, "bash", "5.1.8-9.el9", "/usr/lib/sysimage/rpm/rpmdb.sqlite", 0);
    /* a database that is itself a link is never handed to SQLite */
    char path[512];
    snprintf(path, sizeof(path), "%s/usr/lib/sysimage/rpm/rpmdb.sqlite", t->dir);
    char moved[512];
    snprintf(moved, sizeof(moved), "%s/real.sqlite", t->dir);
    assert_int_equal(rename(path, moved), 0);
    link_at(t, "/usr/lib/sysimage/rpm/rpmdb.sqlite", "/real.sqlite");
    f->n = 0;
    assert_int_equal(mm_parse_packages(f, root(t)), MM_EIO);
    assert_non_null(strstr(mm_error_last(), "symbolic link"));
}

static void test_packages_absent(void **state)
{
    tree *t = *state;
    assert_int_equal(mm_parse_packages(&t->facts, root(t)), MM_ENOTFOUND);
    put(t, "/var/lib/rpm/Packages", "BerkeleyDB would be here");
    assert_int_equal(mm_parse_packages(&t->facts, root(t)), MM_EIO);
    assert_non_null(strstr(mm_error_last(), "not supported"));
}

static void test_rpmdb_not_sqlite(void **state)
{
    tree *t = *state;
    put(t, "/var/lib/rpm/rpmdb.sqlite", "this is not a database, just text\n");
    assert_int_equal(mm_parse_packages(&t->facts, root(t)), MM_EIO);
}

/* ---- systemd -------------------------------------------------------------------------------- */

static void test_systemd(void **state)
{
    tree *t = *state;
    const mm_root *r;
    put(t, "/usr/lib/systemd/system/sshd.service", "[Unit]\n");
    put(t, "/usr/lib/systemd/system/auditd.service", "[Unit]\n");
    put(t, "/usr/lib/systemd/system/telnet.socket", "[Unit]\n");
    put(t, "/lib/systemd/system/rsyslog.service", "[Unit]\n");
    put(t, "/usr/lib/systemd/system/getty@.service", "[Unit]\n");
    put(t, "/usr/lib/systemd/system/debug-shell.service", "[Unit]\n");
    put(t, "/usr/lib/systemd/system/static.service", "[Unit]\n");
    put(t, "/usr/lib/systemd/system/ssh.service", "[Unit]\n");
    link_at(t, "/etc/systemd/system/multi-user.target.wants/sshd.service",
            "/usr/lib/systemd/system/sshd.service");
    link_at(t, "/etc/systemd/system/sysinit.target.requires/auditd.service",
            "/usr/lib/systemd/system/auditd.service");
    link_at(t, "/etc/systemd/system/telnet.socket", "/dev/null");
    link_at(t, "/run/systemd/system/debug-shell.service", "/dev/null");
    link_at(t, "/etc/systemd/system/getty.target.wants/getty@tty1.service",
            "/usr/lib/systemd/system/getty@.service");
    link_at(t, "/usr/lib/systemd/system/sysinit.target.wants/static.service", "../static.service");
    put(t, "/etc/systemd/system/empty-masked.service", "");
    r = root(t);
    const char *st;
    struct {
        const char *unit, *state;
    } cases[] = {
        {"sshd.service", "enabled"},        {"auditd.service", "enabled"},
        {"telnet.socket", "masked"},        {"debug-shell.service", "masked"},
        {"rsyslog.service", "disabled"},    {"getty@tty1.service", "enabled"},
        {"getty@tty2.service", "disabled"}, {"static.service", "enabled"},
        {"nope.service", "absent"},         {"empty-masked.service", "masked"},
        {"ssh.service", "disabled"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(mm_systemd_unit_state(r, cases[i].unit, &st), MM_OK);
        if (strcmp(st, cases[i].state) != 0)
            fail_msg("%s: %s, expected %s", cases[i].unit, st, cases[i].state);
    }
    /* an alias link in /etc/systemd/system to a unit that is enabled */
    link_at(t, "/etc/systemd/system/sshd-alias.service", "/usr/lib/systemd/system/ssh.service");
    link_at(t, "/etc/systemd/system/multi-user.target.wants/ssh.service",
            "/usr/lib/systemd/system/ssh.service");
    assert_int_equal(mm_systemd_unit_state(r, "sshd-alias.service", &st), MM_OK);
    assert_string_equal(st, "enabled");
    /* a masked template masks its instances */
    link_at(t, "/etc/systemd/system/getty@.service", "/dev/null");
    assert_int_equal(mm_systemd_unit_state(r, "getty@tty1.service", &st), MM_OK);
    assert_string_equal(st, "masked");
    /* names that are not unit names */
    assert_int_equal(mm_systemd_unit_state(r, "../x.service", &st), MM_EUSAGE);
    assert_int_equal(mm_systemd_unit_state(r, "", &st), MM_EUSAGE);
}

static void test_systemd_empty(void **state)
{
    tree *t = *state;
    const char *st = NULL;
    assert_int_equal(mm_systemd_unit_state(root(t), "sshd.service", &st), MM_OK);
    assert_string_equal(st, "absent");
}

#define T(f) cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pam_text),
        T(test_pam_tree),
        T(test_pam_depth),
        T(test_fstab),
        cmocka_unit_test(test_mounts_live),
        T(test_audit),
        T(test_audit_absent),
        cmocka_unit_test(test_audit_normal_form),
        T(test_sudoers),
        T(test_sudoers_absent),
        cmocka_unit_test(test_sudoers_text),
        T(test_accounts),
        T(test_accounts_absent),
        T(test_dpkg),
        cmocka_unit_test(test_rpm_header),
        T(test_rpmdb),
        T(test_rpmdb_corrupt),
        T(test_rpmdb_links),
        T(test_packages_absent),
        T(test_rpmdb_not_sqlite),
        T(test_systemd),
        T(test_systemd_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
