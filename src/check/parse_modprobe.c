/*
 * modprobe.d(5): the *.conf files of /etc, /run, /usr/local/lib, /usr/lib and /lib
 * modprobe.d merged as kmod merges them (a name in an earlier folder hides the same name
 * in a later one; the winners in bytewise name order; a symlink to /dev/null or any other
 * non-regular file masks the name; hidden names are ignored).
 *
 * Lines: "install MODULE COMMAND...", "remove MODULE COMMAND...", "blacklist MODULE",
 * "options MODULE OPTION...", "alias WILDCARD MODULE", "softdep MODULE ...", "weakdep
 * MODULE ...". A backslash at the end of a line joins the next one to it (the backslash and
 * the line break are dropped, as kmod does); '#' starts a comment line; other directives
 * are ignored, as kmod ignores them. Fact: key = the second word (the module, or the alias
 * for "alias") with '-' read as '_' outside [...] (kmod's underscores()), value = the
 * directive and the rest of the line ("install /bin/false", "blacklist", "options
 * nohwcrypt=1"), line = the first line of a joined line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/probe.h"
#include "mamori/error.h"

#define CONF_MAX_FILES 4096 /* winning *.conf files read at most */

static const char *const modprobe_dirs[] = {"/etc/modprobe.d", "/run/modprobe.d",
                                            "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d",
                                            "/lib/modprobe.d"};

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

static char *skip_space(char *s)
{
    while (is_space(*s))
        s++;
    return s;
}

static void trim_end(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
}

/* The next word of *s, NUL-terminated in place; "" at the end. */
static char *next_word(char **s)
{
    char *p = skip_space(*s), *word = p;
    while (*p && !is_space(*p))
        p++;
    if (*p)
        *p++ = '\0';
    *s = p;
    return word;
}

/* kmod's underscores(): '-' becomes '_' except inside a [...] class of a wildcard. */
static void underscores(char *s)
{
    for (; *s; s++) {
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (!close)
                return;
            s = close;
        } else if (*s == '-') {
            *s = '_';
        }
    }
}

static bool known_directive(const char *d)
{
    static const char *const known[] = {"alias",  "blacklist", "install", "options",
                                        "remove", "softdep",   "weakdep"};
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(d, known[i]) == 0)
            return true;
    return false;
}

/* One logical line (NUL-terminated, modified in place). */
static int add_line(mm_facts *out, char *s, const char *file, int line)
{
    s = skip_space(s);
    trim_end(s);
    if (!*s || *s == '#')
        return MM_OK;
    char *directive = next_word(&s);
    char *module = next_word(&s);
    if (!*module || !known_directive(directive))
        return MM_OK;
    char *rest = skip_space(s);
    underscores(module);
    size_t n = strlen(directive) + 1 + strlen(rest) + 1;
    char *value = malloc(n);
    if (!value)
        return MM_ENOMEM;
    if (*rest)
        snprintf(value, n, "%s %s", directive, rest);
    else
        snprintf(value, n, "%s", directive);
    int rc = mm_facts_add(out, module, value, file, line, NULL);
    free(value);
    return rc;
}

/* Parses buf (len bytes and a NUL after them; modified in place). */
static int parse_modprobe_buf(mm_facts *out, char *buf, size_t len, const char *file)
{
    char *p = buf, *end = buf + len;
    int line = 1;
    while (p < end) {
        int first = line;
        char *w = p, *start = p;
        /* join the physical lines of one logical line, compacting in place */
        while (p < end) {
            if (*p == '\n') {
                p++;
                line++;
                break;
            }
            if (*p == '\\') {
                char *q = p + 1;
                if (q < end && *q == '\r')
                    q++;
                if (q < end && *q == '\n') {
                    p = q + 1;
                    line++;
                    continue;
                }
            }
            *w++ = *p++;
        }
        *w = '\0';
        if (add_line(out, start, file, first) != MM_OK) {
            mm_error_set("%s: out of memory", file);
            return MM_ENOMEM;
        }
    }
    return MM_OK;
}

int mm_parse_modprobe(mm_facts *out, const mm_root *r)
{
    char **paths = NULL;
    size_t n = 0;
    bool found = false;
    int rc = conf_files(r, modprobe_dirs, sizeof(modprobe_dirs) / sizeof(modprobe_dirs[0]), &paths,
                        &n, &found);
    if (rc != MM_OK)
        return rc;
    for (size_t i = 0; i < n && rc == MM_OK; i++) {
        char *data = NULL;
        size_t len = 0;
        struct stat st;
        rc = read_conf(r, paths[i], &data, &len, &st);
        if (rc == MM_OK && data)
            rc = parse_modprobe_buf(out, data, len, paths[i]);
        free(data);
    }
    if (rc == MM_OK && !found) {
        mm_error_set("no modprobe.d folder");
        rc = MM_ENOTFOUND;
    }
    mm_strv_free(paths, n);
    return rc;
}
