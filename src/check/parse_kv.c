/*
 * Key/value configuration formats: "KEY value" (login.defs, chrony.conf), "key = value"
 * (auditd.conf, faillock.conf, pwquality.conf) and INI sections (systemd's *.conf).
 *
 * Lines are split on '\n'; a '\r' before it and white space at either end are dropped; a
 * UTF-8 byte order mark at the start is skipped; there is no line continuation. Comment
 * lines start with '#' (and ';' for EQUALS and INI) after optional white space; comments
 * after a value are kept as part of it (none of these formats defines them).
 */
#include <stdlib.h>
#include <string.h>

#include "check/probe.h"
#include "mamori/error.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Trims white space at both ends of s in place. */
static char *trim(char *s)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* One line: "KEY value...". The key is the first word, the value the rest (may be ""). */
static int add_space(mm_facts *out, char *s, const char *file, int line)
{
    char *v = s;
    while (*v && !is_space(*v))
        v++;
    if (*v)
        *v++ = '\0';
    return mm_facts_add(out, s, trim(v), file, line, NULL);
}

/* "key = value" (the first '=' separates). A line without '=' is a key with an empty
 * value: faillock.conf writes its flags ("audit", "silent") that way. */
static int add_equals(mm_facts *out, char *s, const char *file, int line, const char *context,
                      bool need_equals)
{
    char *eq = strchr(s, '=');
    const char *value = "";
    if (eq) {
        *eq = '\0';
        value = trim(eq + 1);
    } else if (need_equals) {
        return MM_OK;
    }
    char *key = trim(s);
    if (!*key)
        return MM_OK;
    return mm_facts_add(out, key, value, file, line, context);
}

int mm_parse_kv_text(mm_facts *out, const char *data, size_t len, const char *file,
                     mm_kv_syntax syntax)
{
    if (syntax != MM_KV_SPACE && syntax != MM_KV_EQUALS && syntax != MM_KV_INI) {
        mm_error_set("%s: unknown key/value syntax %d", file ? file : "", (int)syntax);
        return MM_EUSAGE;
    }
    if (!data)
        len = 0;
    char *copy = malloc(len + 1);
    char *section = NULL; /* INI: the current section name, malloc'd */
    int rc = MM_OK;
    if (!copy) {
        rc = MM_ENOMEM;
        goto done;
    }
    if (len)
        memcpy(copy, data, len);
    copy[len] = '\0';

    char *p = copy, *end = copy + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    for (int line = 1; p < end; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *next = nl ? nl + 1 : end;
        if (nl)
            *nl = '\0';
        /* an embedded NUL ends the line's text early; the line count stays right */
        char *s = trim(p);
        p = next;
        if (!*s || *s == '#' || (*s == ';' && syntax != MM_KV_SPACE))
            continue;
        switch (syntax) {
        case MM_KV_SPACE:
            rc = add_space(out, s, file, line);
            break;
        case MM_KV_EQUALS:
            rc = add_equals(out, s, file, line, NULL, false);
            break;
        case MM_KV_INI:
            if (*s == '[') {
                /* "[Name]"; a header without its ']' becomes a section named by the
                 * whole line, so what follows is not taken for global settings */
                size_t n = strlen(s);
                char *name = s;
                if (n >= 2 && s[n - 1] == ']') {
                    s[n - 1] = '\0';
                    name = trim(s + 1);
                }
                char *dup = strdup(name);
                if (!dup) {
                    rc = MM_ENOMEM;
                    break;
                }
                free(section);
                section = dup;
            } else {
                rc = add_equals(out, s, file, line, section, true);
            }
            break;
        }
        if (rc != MM_OK)
            goto done;
    }
done:
    if (rc == MM_ENOMEM)
        mm_error_set("%s: out of memory", file ? file : "");
    free(section);
    free(copy);
    return rc;
}

int mm_parse_kv_file(mm_facts *out, const mm_root *r, const char *path, mm_kv_syntax syntax)
{
    char *data = NULL;
    size_t len = 0;
    int rc = mm_root_read(r, path, MM_CONFIG_MAX_BYTES, &data, &len);
    if (rc != MM_OK)
        return rc;
    rc = mm_parse_kv_text(out, data, len, path, syntax);
    free(data);
    return rc;
}
