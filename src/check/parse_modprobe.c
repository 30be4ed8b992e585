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

static const char *const modprobe_dirs[] = {"/etc/modprobe.d", "/run/modprobe.d",
                                            "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d",
                                            "/lib/modprobe.d"};

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
    int rc = mm_dropin_files(r, modprobe_dirs, sizeof(modprobe_dirs) / sizeof(modprobe_dirs[0]),
                             &paths, &n, &found);
    if (rc != MM_OK)
        return rc;
    for (size_t i = 0; i < n && rc == MM_OK; i++) {
        char *data = NULL;
        size_t len = 0;
        struct stat st;
        rc = mm_dropin_read(r, paths[i], &data, &len, &st);
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
