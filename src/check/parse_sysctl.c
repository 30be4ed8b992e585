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

#define CONF_MAX_FILES 4096 /* winning *.conf files read at most */

static const char *const sysctl_dirs[] = {"/etc/sysctl.d", "/run/sysctl.d",
                                          "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d",
                                          "/lib/sysctl.d"};
#define SYSCTL_CONF "/etc/sysctl.conf"

typedef struct conf_name {
    char *name;
    size_t dir; /* index into the folder list */
} conf_name;

static int cmp_conf_name(const void *a, const void *b)
{
    const conf_name *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->dir < y->dir ? -1 : x->dir > y->dir;
}

static bool wanted_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".conf") == 0;
}

/* The paths of the winning *.conf names of dirs, sorted by name (malloc'd; mm_strv_free).
 * *found tells whether any folder exists. Errors other than an absent folder fail. */
static int conf_files(const mm_root *r, const char *const *dirs, size_t ndirs, char ***out,
                      size_t *nout, bool *found)
{
    conf_name *v = NULL;
    size_t n = 0, cap = 0;
    char **paths = NULL;
    size_t npaths = 0;
    int rc = MM_OK;
    *out = NULL;
    *nout = 0;
    *found = false;
    for (size_t d = 0; d < ndirs; d++) {
        char **names = NULL;
        size_t count = 0;
        rc = mm_root_list(r, dirs[d], &names, &count);
        if (rc == MM_ENOTFOUND) {
            rc = MM_OK;
            continue;
        }
        if (rc != MM_OK)
            goto done;
        *found = true;
        for (size_t i = 0; i < count; i++) {
            if (!wanted_name(names[i]))
                continue;
            if (n >= CONF_MAX_FILES * ndirs) {
                mm_strv_free(names, count);
                mm_error_set("%s: more than %d configuration files", dirs[d], CONF_MAX_FILES);
                rc = MM_ETOOBIG;
                goto done;
            }
            if (n == cap) {
                size_t c = cap ? cap * 2 : 32;
                conf_name *p = realloc(v, c * sizeof(*p));
                if (!p) {
                    mm_strv_free(names, count);
                    rc = MM_ENOMEM;
                    goto done;
                }
                v = p;
                cap = c;
            }
            v[n].name = names[i]; /* taken over */
            v[n].dir = d;
            names[i] = NULL;
            n++;
        }
        mm_strv_free(names, count);
    }
    if (n)
        qsort(v, n, sizeof(*v), cmp_conf_name);
    paths = calloc(n ? n : 1, sizeof(char *));
    if (!paths) {
        rc = MM_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(v[i].name, v[i - 1].name) == 0)
            continue; /* hidden by the same name in an earlier folder */
        if (npaths >= CONF_MAX_FILES) {
            mm_error_set("%s: more than %d configuration files", dirs[0], CONF_MAX_FILES);
            rc = MM_ETOOBIG;
            goto done;
        }
        size_t len = strlen(dirs[v[i].dir]) + 1 + strlen(v[i].name) + 1;
        if (!(paths[npaths] = malloc(len))) {
            rc = MM_ENOMEM;
            goto done;
        }
        snprintf(paths[npaths++], len, "%s/%s", dirs[v[i].dir], v[i].name);
    }
    *out = paths;
    *nout = npaths;
    paths = NULL;
done:
    if (rc == MM_ENOMEM)
        mm_error_set("%s: out of memory", dirs[0]);
    mm_strv_free(paths, npaths);
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
    return rc;
}

/* Reads a winning configuration file. *data stays NULL when the name is masked (a symlink
 * to /dev/null, a dangling symlink, not a regular file). */
static int read_conf(const mm_root *r, const char *path, char **data, size_t *len, struct stat *st)
{
    *data = NULL;
    *len = 0;
    int rc = mm_root_lstat(r, path, st);
    if (rc == MM_ENOTFOUND)
        return MM_OK;
    if (rc != MM_OK)
        return rc;
    if (S_ISLNK(st->st_mode)) {
        char *target = NULL;
        rc = mm_root_readlink(r, path, &target);
        if (rc == MM_ENOTFOUND)
            return MM_OK;
        if (rc != MM_OK)
            return rc;
        bool masked = strcmp(target, "/dev/null") == 0;
        free(target);
        if (masked)
            return MM_OK;
        rc = mm_root_stat(r, path, st);
        if (rc == MM_ENOTFOUND)
            return MM_OK;
        if (rc != MM_OK)
            return rc;
    }
    if (!S_ISREG(st->st_mode))
        return MM_OK;
    rc = mm_root_read(r, path, MM_CONFIG_MAX_BYTES, data, len);
    return rc == MM_ENOTFOUND ? MM_OK : rc;
}

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
    int rc = conf_files(r, sysctl_dirs, sizeof(sysctl_dirs) / sizeof(sysctl_dirs[0]), &paths, &n,
                        &found);
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
        rc = read_conf(r, paths[i], &data, &len, &st);
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
