/*
 * /etc/sudoers with its includes expanded in place, as sudo reads it: @include and
 * #include name a file, @includedir and #includedir a folder whose files are read in
 * name order, skipping names that contain '.' or end with '~' (and anything that is not
 * a regular file). Relative paths are relative to the folder of the including file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

#define BLANK " \t\r\v\f"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The length of directive d at the start of s (n bytes) when a blank follows it, else 0. */
static size_t directive_n(const char *s, size_t n, const char *d)
{
    size_t l = strlen(d);
    return l < n && strncmp(s, d, l) == 0 && strchr(BLANK, s[l]) && s[l] ? l : 0;
}

static size_t directive(const char *s, const char *d)
{
    return directive_n(s, strlen(s), d);
}

/* "#..." at the start of a (left-trimmed) line of n bytes that is a plain comment: neither
 * an include directive nor a user ID ("#1000"). */
static bool is_comment_line(const char *s, size_t n)
{
    return n > 0 && s[0] == '#' && !(n > 1 && is_digit(s[1])) && !directive_n(s, n, "#include") &&
           !directive_n(s, n, "#includedir");
}

void mm_path_normalize(char *path)
{
    if (path[0] != '/')
        return;
    char *o = path; /* output end; path[0] stays '/' */
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *e = p + strcspn(p, "/");
        size_t n = (size_t)(e - p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (o > path && o[-1] != '/')
                o--;
            if (o > path)
                o--; /* the '/' before the removed name */
        } else {
            *o++ = '/';
            memmove(o, p, n);
            o += n;
        }
        p = e;
    }
    if (o == path)
        *o++ = '/';
    *o = '\0';
}

/* The path of an include directive (rest: the text after the directive word), made
 * absolute against the folder of file. NULL when empty; *oom on allocation failure. */
static char *include_path(const char *rest, const char *file, bool *oom)
{
    mm_buf b = MM_BUF_INIT;
    rest += strspn(rest, BLANK);
    if (*rest == '"') { /* a quoted path: backslash escapes the next character */
        for (rest++; *rest && *rest != '"'; rest++) {
            if (*rest == '\\' && rest[1])
                rest++;
            mm_buf_putc(&b, *rest);
        }
    } else {
        for (; *rest && !strchr(BLANK, *rest); rest++) {
            if (*rest == '\\' && rest[1])
                rest++;
            mm_buf_putc(&b, *rest);
        }
    }
    if (!b.len || b.failed) {
        *oom = b.failed;
        mm_buf_free(&b);
        return NULL;
    }
    if (b.data[0] == '/') {
        mm_path_normalize(b.data);
        return b.data;
    }
    const char *slash = strrchr(file, '/');
    size_t dl = slash ? (size_t)(slash - file) : 0;
    size_t sz = dl + 1 + b.len + 1;
    char *abs = malloc(sz);
    if (abs) {
        snprintf(abs, sz, "%.*s/%s", (int)dl, file, b.data);
        mm_path_normalize(abs);
    } else {
        *oom = true;
    }
    mm_buf_free(&b);
    return abs;
}

/* Cuts a trailing comment: a '#' after a blank, outside double quotes, not before a digit
 * (a user ID such as "(#0)" is never after a blank either). */
static void cut_comment(char *s)
{
    bool quoted = false;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
        } else if (*p == '"') {
            quoted = !quoted;
        } else if (*p == '#' && !quoted && p > s && strchr(BLANK, p[-1]) && !is_digit(p[1])) {
            *p = '\0';
            return;
        }
    }
}

static void rtrim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && strchr(BLANK, s[n - 1]))
        s[--n] = '\0';
}

static int sudoers_line(mm_facts *out, char *line, const char *file, int lineno, int depth,
                        mm_sudoers_include_fn include, void *ctx)
{
    char *s = line + strspn(line, BLANK);
    size_t d;
    bool dir = false;
    if ((d = directive(s, "@includedir")) || (d = directive(s, "#includedir")))
        dir = true;
    else
        d = directive(s, "@include") ? 8 : directive(s, "#include") ? 8 : 0;
    if (d) {
        if (!include)
            return MM_OK;
        bool oom = false;
        char *path = include_path(s + d, file, &oom);
        if (!path)
            return oom ? MM_ENOMEM : MM_OK;
        int rc = include(ctx, out, path, dir, depth + 1);
        free(path);
        return rc;
    }
    if (is_comment_line(s, strlen(s)))
        return MM_OK;
    cut_comment(s);
    rtrim(s);
    if (!*s)
        return MM_OK;
    size_t w = strcspn(s, BLANK);
    size_t q = strcspn(s, BLANK ":@!>");
    if (q == 8 && strncmp(s, "Defaults", 8) == 0)
        return mm_facts_add(out, "Defaults", s + 8 + strspn(s + 8, BLANK), file, lineno, NULL);
    static const char *const aliases[] = {"User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias",
                                          "Cmd_Alias"};
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (w == strlen(aliases[i]) && strncmp(s, aliases[i], w) == 0)
            return mm_facts_add(out, "alias", s, file, lineno, NULL);
    return mm_facts_add(out, "rule", s, file, lineno, NULL);
}

int mm_parse_sudoers_text(mm_facts *out, const char *data, size_t len, const char *file, int depth,
                          mm_sudoers_include_fn include, void *ctx)
{
    const char *p = data, *end = data + len, *s;
    size_t n;
    mm_buf line = MM_BUF_INIT;
    int lineno = 0, first = 0, rc = MM_OK;
    bool joined = false;
    while (!rc && mm_next_line(&p, end, &s, &n)) {
        lineno++;
        const char *nul = memchr(s, '\0', n);
        if (nul)
            n = (size_t)(nul - s);
        size_t b = 0;
        while (b < n && strchr(BLANK, s[b]))
            b++;
        if (!joined) {
            first = lineno;
            if (is_comment_line(s + b, n - b))
                continue; /* a comment does not continue on the next line */
        }
        size_t t = n;
        while (t > b && strchr(BLANK, s[t - 1]))
            t--;
        if (t > b && s[t - 1] == '\\') {
            size_t k = t - 1; /* one space for the backslash and the blanks before it */
            while (k > b && strchr(BLANK, s[k - 1]))
                k--;
            mm_buf_put(&line, s + b, k - b);
            mm_buf_putc(&line, ' ');
            joined = true;
            continue;
        }
        mm_buf_put(&line, s + b, t - b);
        joined = false;
        if (line.failed)
            rc = MM_ENOMEM;
        else
            rc = sudoers_line(out, line.data, file, first, depth, include, ctx);
        mm_buf_reset(&line);
    }
    if (!rc && joined)
        rc = line.failed ? MM_ENOMEM
                         : sudoers_line(out, line.data, file, first, depth, include, ctx);
    mm_buf_free(&line);
    return rc;
}

/* ---- files ------------------------------------------------------------------------------ */

typedef struct sudo_ctx {
    const mm_root *r;
    char *chain[MM_INCLUDE_DEPTH_MAX + 2]; /* the files being read, outermost first */
    int nchain;
} sudo_ctx;

static int sudo_include(void *ctx, mm_facts *out, const char *path, bool dir, int depth);

static int sudo_file(sudo_ctx *c, mm_facts *out, const char *path, int depth)
{
    for (int i = 0; i < c->nchain; i++)
        if (strcmp(c->chain[i], path) == 0)
            return MM_OK; /* a loop */
    if (c->nchain >= (int)(sizeof(c->chain) / sizeof(c->chain[0])))
        return MM_OK;
    char *data;
    size_t len;
    int rc = mm_root_read(c->r, path, MM_CONFIG_MAX_BYTES, &data, &len);
    if (rc)
        return rc;
    char *copy = strdup(path);
    if (!copy) {
        free(data);
        return MM_ENOMEM;
    }
    c->chain[c->nchain++] = copy;
    rc = mm_parse_sudoers_text(out, data, len, copy, depth, sudo_include, c);
    free(c->chain[--c->nchain]);
    free(data);
    return rc;
}

static int sudo_dir(sudo_ctx *c, mm_facts *out, const char *dir, int depth)
{
    char **names;
    size_t n;
    int rc = mm_root_list(c->r, dir, &names, &n);
    if (rc)
        return rc;
    mm_buf path = MM_BUF_INIT;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t l = strlen(names[i]);
        if (strchr(names[i], '.') || names[i][l - 1] == '~')
            continue;
        mm_buf_reset(&path);
        mm_buf_printf(&path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
        if (path.failed) {
            rc = MM_ENOMEM;
            break;
        }
        struct stat st;
        rc = mm_root_stat(c->r, path.data, &st);
        if (rc == MM_ENOTFOUND) {
            rc = MM_OK; /* a dangling link */
            continue;
        }
        if (!rc && S_ISREG(st.st_mode)) {
            rc = sudo_file(c, out, path.data, depth);
            if (rc == MM_ENOTFOUND)
                rc = MM_OK;
        }
    }
    mm_buf_free(&path);
    mm_strv_free(names, n);
    return rc;
}

static int sudo_include(void *ctx, mm_facts *out, const char *path, bool dir, int depth)
{
    if (depth > MM_INCLUDE_DEPTH_MAX)
        return MM_OK;
    int rc = dir ? sudo_dir(ctx, out, path, depth) : sudo_file(ctx, out, path, depth);
    return rc == MM_ENOTFOUND ? MM_OK : rc; /* an absent file or folder is skipped */
}

int mm_parse_sudoers(mm_facts *out, const mm_root *r)
{
    sudo_ctx c = {.r = r};
    return sudo_file(&c, out, "/etc/sudoers", 0);
}
