/*
 * sshd_config(5), read the way OpenSSH's sshd reads it:
 *
 * - a line is "Keyword arguments" or "Keyword=arguments" (white space and at most one '='
 *   separate them); keywords are case-insensitive and stored lower case; the arguments are
 *   kept as written (quotes included), trimmed, with a trailing comment removed (a '#'
 *   starting a word outside quotes, as OpenSSH 8.7 and later read it); a keyword without
 *   arguments is an error for sshd and gives no fact here;
 * - "Include pattern..." expands each glob pattern (relative ones under /etc/ssh) in
 *   sorted order and parses the files in place. An Include inside a Match block applies
 *   within it. A file already being read (an Include loop) is skipped; nesting deeper than
 *   16 fails with MM_EINVALID, as sshd refuses it; at most 1024 files are read in all
 *   (MM_ETOOBIG), since a folder whose files include each other grows factorially;
 * - "Match criteria" starts a block that lasts until the next Match line or the end of the
 *   file it is in (a Match in an included file does not leak into the includer). Facts in
 *   it carry the Match line as written as their context. "Match all" is an ordinary block:
 *   sshd applies its settings on top of the global ones, so they are not global facts. A
 *   Match inside a file included from a Match block applies only when both match; its
 *   facts carry both lines joined by "; " ("Match User backup; Match Address 10.0.0.0/8").
 *
 * mm_parse_sshd_text has no root to read from and ignores Include lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/probe.h"
#include "mamori/error.h"

#define SSHD_MAX_DEPTH 16   /* include nesting sshd accepts (SERVCONF_MAX_DEPTH) */
#define SSHD_MAX_FILES 1024 /* files read in one parse, includes counted */
#define SSHD_DIR       "/etc/ssh"

typedef struct sshd_state {
    mm_facts *out;
    const mm_root *r;                      /* NULL: Include lines are ignored */
    const char *stack[SSHD_MAX_DEPTH + 1]; /* the files being read, outermost first */
    int depth;                             /* entries in stack */
    size_t files;                          /* files read so far */
} sshd_state;

static int parse_buf(sshd_state *st, char *buf, size_t len, const char *file, const char *outer);

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

/* Cuts s at a '#' that starts a word outside quotes (a backslash escapes one character). */
static void cut_comment(char *s)
{
    char quote = 0;
    bool word_start = true;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            word_start = false;
        } else if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
            word_start = false;
        } else if (is_space(*p)) {
            word_start = true;
        } else if (*p == '#' && word_start) {
            *p = '\0';
            return;
        } else {
            word_start = false;
        }
    }
}

/* The next word of *s with its quotes removed, NUL-terminated in place; NULL at the end. */
static char *next_word(char **s)
{
    char *p = skip_space(*s);
    if (!*p)
        return NULL;
    char *word = p, *w = p;
    char quote = 0;
    for (; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            else
                *w++ = *p;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (is_space(*p)) {
            p++;
            break;
        } else {
            *w++ = *p;
        }
    }
    *s = p;
    *w = '\0';
    return word;
}

static bool on_stack(const sshd_state *st, const char *path)
{
    for (int i = 0; i < st->depth; i++)
        if (strcmp(st->stack[i], path) == 0)
            return true;
    return false;
}

/* Reads path under the root and parses it; an absent file is skipped. */
static int parse_path(sshd_state *st, const char *path, const char *outer)
{
    char *data = NULL;
    size_t len = 0;
    int rc = mm_root_read(st->r, path, MM_CONFIG_MAX_BYTES, &data, &len);
    if (rc != MM_OK)
        return rc;
    rc = parse_buf(st, data, len, path, outer);
    free(data);
    return rc;
}

/* "Include pattern...": each pattern's matches in sorted order, parsed in place. */
static int include(sshd_state *st, char *args, const char *file, int line, const char *ctx)
{
    char *word;
    while ((word = next_word(&args)) != NULL) {
        if (!*word)
            continue;
        char *pattern = NULL;
        if (word[0] == '/') {
            pattern = strdup(word);
        } else {
            size_t n = strlen(SSHD_DIR) + 1 + strlen(word) + 1;
            pattern = malloc(n);
            if (pattern)
                snprintf(pattern, n, "%s/%s", SSHD_DIR, word);
        }
        if (!pattern) {
            mm_error_set("%s:%d: out of memory", file, line);
            return MM_ENOMEM;
        }
        char **paths = NULL;
        size_t n = 0;
        int rc = mm_root_glob(st->r, pattern, &paths, &n);
        free(pattern);
        if (rc != MM_OK)
            return rc;
        for (size_t i = 0; i < n && rc == MM_OK; i++) {
            if (on_stack(st, paths[i]))
                continue; /* an Include loop: sshd would fail, we read each file once */
            if (st->depth > SSHD_MAX_DEPTH) {
                mm_error_set("%s:%d: Include nested more than %d deep", file, line, SSHD_MAX_DEPTH);
                rc = MM_EINVALID;
                break;
            }
            rc = parse_path(st, paths[i], ctx);
            if (rc == MM_ENOTFOUND)
                rc = MM_OK; /* vanished since the glob, or a dangling symlink */
        }
        mm_strv_free(paths, n);
        if (rc != MM_OK)
            return rc;
    }
    return MM_OK;
}

/* Parses buf (modified in place) as file, with outer as the context of lines before any
 * Match line (the Match block an Include of this file sits in, or NULL). */
static int parse_buf(sshd_state *st, char *buf, size_t len, const char *file, const char *outer)
{
    if (++st->files > SSHD_MAX_FILES) {
        mm_error_set("%s: more than %d files included", file, SSHD_MAX_FILES);
        return MM_ETOOBIG;
    }
    if (st->depth > SSHD_MAX_DEPTH) {
        mm_error_set("%s: Include nested more than %d deep", file, SSHD_MAX_DEPTH);
        return MM_EINVALID;
    }
    st->stack[st->depth++] = file;

    char *match = NULL; /* the current Match context (malloc'd), NULL before any */
    int rc = MM_OK;
    char *p = buf, *end = buf + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    for (int line = 1; p < end && rc == MM_OK; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *next = nl ? nl + 1 : end;
        if (nl)
            *nl = '\0';
        char *s = skip_space(p);
        p = next;
        if (!*s || *s == '#')
            continue;
        char *kw_end = s;
        while (*kw_end && !is_space(*kw_end) && *kw_end != '=')
            kw_end++;
        size_t kw_len = (size_t)(kw_end - s);
        if (kw_len == 0)
            continue; /* "=value": no keyword */
        char *args = skip_space(kw_end);
        if (*args == '=')
            args = skip_space(args + 1);
        cut_comment(args);
        trim_end(args);
        const char *ctx = match ? match : outer;

        if (kw_len == 5 && strncasecmp(s, "match", 5) == 0) {
            /* the whole line as written, comment and trailing space removed */
            trim_end(s);
            size_t n = (outer ? strlen(outer) + 2 : 0) + strlen(s) + 1;
            char *m = malloc(n);
            if (!m) {
                rc = MM_ENOMEM;
                break;
            }
            if (outer)
                snprintf(m, n, "%s; %s", outer, s);
            else
                snprintf(m, n, "%s", s);
            free(match);
            match = m;
            continue;
        }
        if (!*args)
            continue; /* sshd: "no argument after keyword" */
        *kw_end = '\0';
        for (char *c = s; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        if (strcmp(s, "include") == 0) {
            if (st->r)
                rc = include(st, args, file, line, ctx);
            continue;
        }
        rc = mm_facts_add(st->out, s, args, file, line, ctx);
    }
    if (rc == MM_ENOMEM)
        mm_error_set("%s: out of memory", file);
    free(match);
    st->depth--;
    return rc;
}

int mm_parse_sshd_text(mm_facts *out, const char *data, size_t len, const char *file)
{
    if (!data)
        len = 0;
    char *copy = malloc(len + 1);
    if (!copy) {
        mm_error_set("%s: out of memory", file ? file : "");
        return MM_ENOMEM;
    }
    if (len)
        memcpy(copy, data, len);
    copy[len] = '\0';
    sshd_state st = {.out = out};
    int rc = parse_buf(&st, copy, len, file ? file : "", NULL);
    free(copy);
    return rc;
}

int mm_parse_sshd(mm_facts *out, const mm_root *r, const char *path)
{
    sshd_state st = {.out = out, .r = r};
    return parse_path(&st, path, NULL);
}
