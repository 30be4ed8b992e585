/*
 * sysctl settings in the order systemd-sysctl applies them (sysctl.d(5)).
 *
 * The *.conf names of the five folders are merged: a name in an earlier folder hides the
 * same name in a later one, the winners are read in bytewise name order, and a winner that
 * is a symlink to /dev/null (or any other non-regular file) masks the name. Hidden names
 * (".x.conf") are ignored, as systemd ignores them. /etc/sysctl.conf (procps reads it
 * after the folders) comes last, unless one of the files already read is the same file
 * (Debian and Fedora ship /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf): then it is read
 * once, in that name's place, which is where systemd-sysctl reads it.
 *
 * Lines: "key = value"; '#' and ';' start comment lines; a line without '=' is ignored
 * (systemd-sysctl ignores it too). A leading '-' on the key ("ignore errors") is dropped.
 * Keys written with '/' as the first separator have '/' and '.' swapped, as sysctl.d(5)
 * says, so "net/ipv4/conf/eth0.10/rp_filter" is "net.ipv4.conf.eth0/10.rp_filter".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/probe.h"
#include "mamori/error.h"

static const char *const sysctl_dirs[] = {"/etc/sysctl.d", "/run/sysctl.d",
                                          "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
                                          "/lib/sysctl.d"};
#define SYSCTL_CONF "/etc/sysctl.conf"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static char *trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* sysctl.d(5): when the first separator is '/', '/' and '.' are swapped. */
static void normalize_key(char *key)
{
    char *p = strpbrk(key, "/.");
    if (!p || *p == '.')
        return;
    for (; *p; p++) {
        if (*p == '/')
            *p = '.';
        else if (*p == '.')
            *p = '/';
    }
}

/* Parses buf (modified in place). */
static int parse_sysctl_buf(mm_facts *out, char *buf, size_t len, const char *file)
{
    char *p = buf, *end = buf + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    for (int line = 1; p < end; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *next = nl ? nl + 1 : end;
        if (nl)
            *nl = '\0';
        char *s = trim(p);
        p = next;
        if (!*s || *s == '#' || *s == ';')
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            continue;
        *eq = '\0';
        char *key = trim(s);
        if (*key == '-')
            key = trim(key + 1);
        if (!*key)
            continue;
        normalize_key(key);
        if (mm_facts_add(out, key, trim(eq + 1), file, line, NULL) != MM_OK) {
            mm_error_set("%s: out of memory", file);
            return MM_ENOMEM;
        }
    }
    return MM_OK;
}

int mm_parse_sysctl(mm_facts *out, const mm_root *r)
{
    char **paths = NULL;
    size_t n = 0;
    bool found = false;
    int rc = mm_dropin_files(r, sysctl_dirs, sizeof(sysctl_dirs) / sizeof(sysctl_dirs[0]), &paths,
                             &n, &found);
    if (rc != MM_OK)
        return rc;

    /* /etc/sysctl.conf's identity, to notice it behind a sysctl.d symlink */
    struct stat main_st;
    rc = mm_root_stat(r, SYSCTL_CONF, &main_st);
    if (rc != MM_OK && rc != MM_ENOTFOUND)
        goto done;
    if (rc == MM_OK)
        found = true;
    bool have_main = rc == MM_OK && S_ISREG(main_st.st_mode); /* not masked */
    rc = MM_OK;
    bool main_read = false;

    for (size_t i = 0; i < n; i++) {
        char *data = NULL;
        size_t len = 0;
        struct stat st;
        rc = mm_dropin_read(r, paths[i], &data, &len, &st);
        if (rc != MM_OK)
            goto done;
        if (!data)
            continue;
        if (have_main && st.st_dev == main_st.st_dev && st.st_ino == main_st.st_ino)
            main_read = true;
        rc = parse_sysctl_buf(out, data, len, paths[i]);
        free(data);
        if (rc != MM_OK)
            goto done;
    }
    if (have_main && !main_read) {
        char *data = NULL;
        size_t len = 0;
        rc = mm_root_read(r, SYSCTL_CONF, MM_CONFIG_MAX_BYTES, &data, &len);
        if (rc == MM_OK) {
            rc = parse_sysctl_buf(out, data, len, SYSCTL_CONF);
            free(data);
        } else if (rc == MM_ENOTFOUND) {
            rc = MM_OK;
        }
        if (rc != MM_OK)
            goto done;
    }
    if (!found) {
        mm_error_set("%s: absent, and no sysctl.d folder", SYSCTL_CONF);
        rc = MM_ENOTFOUND;
    }
done:
    mm_strv_free(paths, n);
    return rc;
}
