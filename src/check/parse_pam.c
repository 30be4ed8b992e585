/*
 * PAM service stacks (/etc/pam.d/SERVICE, or /usr/lib/pam.d/SERVICE when the distribution
 * keeps its vendor files there) with "@include NAME" and the "include" / "substack"
 * controls expanded in place. Lines are assembled the way Linux-PAM's pam_line.c does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

#define WS " \t\r\v\f"

/* The next word of *s: a word that starts with '[' runs to the first ']' not preceded by a
 * backslash (or to the end), then to the next white space. False when none is left. */
static bool next_word(const char **s, const char **w, size_t *n)
{
    const char *p = *s + strspn(*s, WS);
    if (!*p)
        return false;
    const char *e = p;
    if (*e == '[') {
        for (e++; *e && !(*e == ']' && e[-1] != '\\'); e++)
            ;
        if (*e)
            e++;
    }
    e += strcspn(e, WS);
    *w = p;
    *n = (size_t)(e - p);
    *s = e;
    return true;
}

static bool word_is(const char *w, size_t n, const char *s)
{
    return n == strlen(s) && strncasecmp(w, s, n) == 0;
}

static int include_word(mm_facts *out, const char *w, size_t n, const char *type, int depth,
                        mm_pam_include_fn include, void *ctx)
{
    if (!include)
        return MM_OK;
    char *name = strndup(w, n);
    if (!name)
        return MM_ENOMEM;
    int rc = include(ctx, out, name, type, depth + 1);
    free(name);
    return rc;
}

/* One assembled line (comments removed, continuations joined). */
static int pam_line(mm_facts *out, const char *line, const char *file, int lineno, const char *type,
                    int depth, mm_pam_include_fn include, void *ctx)
{
    const char *s = line, *w;
    size_t n;
    if (!next_word(&s, &w, &n))
        return MM_OK;
    if (word_is(w, n, "@include")) {
        if (!next_word(&s, &w, &n))
            return MM_OK;
        return include_word(out, w, n, type, depth, include, ctx);
    }
    if (*w == '-') {
        w++;
        n--;
    }
    char key[64];
    if (n == 0 || n >= sizeof(key))
        return MM_OK; /* not a type PAM knows (it would reject the line) */
    for (size_t i = 0; i < n; i++)
        key[i] = (w[i] >= 'A' && w[i] <= 'Z') ? (char)(w[i] - 'A' + 'a') : w[i];
    key[n] = '\0';
    if (type && strcmp(key, type) != 0)
        return MM_OK;
    const char *rest = s;
    if (next_word(&s, &w, &n) && (word_is(w, n, "include") || word_is(w, n, "substack"))) {
        if (!next_word(&s, &w, &n))
            return MM_OK;
        return include_word(out, w, n, key, depth, include, ctx);
    }
    mm_buf value = MM_BUF_INIT;
    for (s = rest; next_word(&s, &w, &n);) {
        if (value.len)
            mm_buf_putc(&value, ' ');
        mm_buf_put(&value, w, n);
    }
    int rc =
        value.failed ? MM_ENOMEM : mm_facts_add(out, key, mm_buf_cstr(&value), file, lineno, NULL);
    mm_buf_free(&value);
    return rc;
}

int mm_parse_pam_text(mm_facts *out, const char *data, size_t len, const char *file,
                      const char *type, int depth, mm_pam_include_fn include, void *ctx)
{
    const char *p = data, *end = data + len, *s;
    size_t n;
    mm_buf line = MM_BUF_INIT;
    int lineno = 0, first = 0, rc = MM_OK;
    bool joined = false;
    while (!rc && mm_next_line(&p, end, &s, &n)) {
        lineno++;
        if (!joined)
            first = lineno;
        /* a '#' (or a NUL byte) ends the line and any continuation */
        size_t m = 0;
        while (m < n && s[m] != '#' && s[m] != '\0')
            m++;
        bool comment = m < n;
        /* a backslash at the end (white space may follow) joins the next line */
        size_t t = n;
        while (t > 0 && strchr(" \t\r", s[t - 1]) && s[t - 1] != '\0')
            t--;
        bool cont = t > 0 && s[t - 1] == '\\';
        size_t b = 0;
        while (b < m && (s[b] == ' ' || s[b] == '\t'))
            b++;
        if (cont && !comment) {
            mm_buf_put(&line, s + b, t - 1 - b);
            mm_buf_putc(&line, ' ');
            joined = true;
            continue;
        }
        mm_buf_put(&line, s + b, m - b);
        joined = false;
        if (line.failed)
            rc = MM_ENOMEM;
        else
            rc = pam_line(out, mm_buf_cstr(&line), file, first, type, depth, include, ctx);
        mm_buf_reset(&line);
    }
    if (!rc && joined) /* the file ended inside a continued line */
        rc = line.failed
                 ? MM_ENOMEM
                 : pam_line(out, mm_buf_cstr(&line), file, first, type, depth, include, ctx);
    mm_buf_free(&line);
    return rc;
}

/* ---- files ------------------------------------------------------------------------------ */

typedef struct pam_ctx {
    const mm_root *r;
    char *chain[MM_INCLUDE_DEPTH_MAX + 2]; /* the files being read, outermost first */
    int nchain;
} pam_ctx;

static int pam_include(void *ctx, mm_facts *out, const char *name, const char *type, int depth);

/* Reads the PAM file name (absolute, or a name under /etc/pam.d then /usr/lib/pam.d). */
static int pam_file(pam_ctx *c, mm_facts *out, const char *name, const char *type, int depth)
{
    if (!*name)
        return MM_ENOTFOUND;
    static const char *const dirs[] = {"/etc/pam.d/", "/usr/lib/pam.d/"};
    char *data = NULL, *path = NULL;
    size_t len = 0;
    int rc = MM_ENOTFOUND;
    for (size_t i = 0; i < (name[0] == '/' ? 1 : 2) && rc == MM_ENOTFOUND; i++) {
        free(path);
        size_t sz = strlen(dirs[i]) + strlen(name) + 1;
        if (!(path = malloc(sz))) {
            rc = MM_ENOMEM;
            break;
        }
        snprintf(path, sz, "%s%s", name[0] == '/' ? "" : dirs[i], name);
        mm_path_normalize(path);
        rc = mm_root_read(c->r, path, MM_CONFIG_MAX_BYTES, &data, &len);
    }
    if (!rc) {
        bool seen = false;
        for (int i = 0; i < c->nchain; i++)
            seen = seen || strcmp(c->chain[i], path) == 0;
        if (!seen && c->nchain < (int)(sizeof(c->chain) / sizeof(c->chain[0]))) {
            c->chain[c->nchain++] = path;
            rc = mm_parse_pam_text(out, data, len, path, type, depth, pam_include, c);
            c->nchain--;
        }
    }
    free(data);
    free(path);
    return rc;
}

static int pam_include(void *ctx, mm_facts *out, const char *name, const char *type, int depth)
{
    if (depth > MM_INCLUDE_DEPTH_MAX)
        return MM_OK;
    int rc = pam_file(ctx, out, name, type, depth);
    return rc == MM_ENOTFOUND ? MM_OK : rc; /* an absent included file is skipped */
}

int mm_parse_pam(mm_facts *out, const mm_root *r, const char *service)
{
    if (!service || !*service || (strchr(service, '/') && service[0] != '/')) {
        mm_error_set("PAM service \"%s\": not a service name", service ? service : "");
        return MM_EUSAGE;
    }
    pam_ctx c = {.r = r};
    return pam_file(&c, out, service, NULL, 0);
}
