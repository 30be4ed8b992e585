/*
 * Audit rules as auditd loads them: the *.rules files of /etc/audit/rules.d in the order
 * augenrules concatenates them (ls -v), or /etc/audit/audit.rules when that folder is
 * absent or holds no *.rules file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

#define WS " \t\r\v\f"

int mm_parse_audit_text(mm_facts *out, const char *data, size_t len, const char *file)
{
    const char *p = data, *end = data + len, *s;
    size_t n;
    int lineno = 0, rc = MM_OK;
    mm_buf rule = MM_BUF_INIT;
    while (!rc && mm_next_line(&p, end, &s, &n)) {
        lineno++;
        mm_buf_reset(&rule);
        const char *e = s + n;
        const char *nul = memchr(s, '\0', n);
        if (nul)
            e = nul;
        while (s < e && strchr(WS, *s))
            s++;
        if (s == e || *s == '#')
            continue;
        while (s < e) {
            size_t w = 0;
            while (s + w < e && !strchr(WS, s[w]))
                w++;
            if (rule.len)
                mm_buf_putc(&rule, ' ');
            mm_buf_put(&rule, s, w);
            s += w;
            while (s < e && strchr(WS, *s))
                s++;
        }
        if (rule.failed)
            rc = MM_ENOMEM;
        else
            rc = mm_facts_add(out, rule.data, rule.data, file, lineno, NULL);
    }
    mm_buf_free(&rule);
    return rc;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int mm_natural_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (is_digit(*a) && is_digit(*b)) {
            while (*a == '0')
                a++;
            while (*b == '0')
                b++;
            size_t na = 0, nb = 0;
            while (is_digit(a[na]))
                na++;
            while (is_digit(b[nb]))
                nb++;
            if (na != nb)
                return na < nb ? -1 : 1;
            int c = strncmp(a, b, na);
            if (c)
                return c;
            a += na;
            b += nb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    if (*a || *b)
        return *a ? 1 : -1;
    return 0;
}

static int cmp_natural(const void *a, const void *b)
{
    int c = mm_natural_cmp(*(char *const *)a, *(char *const *)b);
    return c ? c : strcmp(*(char *const *)a, *(char *const *)b);
}

int mm_parse_audit_rules(mm_facts *out, const mm_root *r)
{
    static const char dir[] = "/etc/audit/rules.d";
    char **names = NULL;
    size_t n = 0, used = 0;
    int rc = mm_root_list(r, dir, &names, &n);
    if (rc == MM_ENOTFOUND)
        rc = MM_OK;
    if (rc)
        return rc;
    /* keep the regular files named *.rules (augenrules reads nothing else) */
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        if (l > 6 && strcmp(names[i] + l - 6, ".rules") == 0 && names[i][0] != '.')
            names[used++] = names[i];
        else
            free(names[i]);
    }
    if (used)
        qsort(names, used, sizeof(*names), cmp_natural);
    size_t files = 0;
    for (size_t i = 0; i < used && !rc; i++) {
        char path[sizeof(dir) + 256 + 2];
        struct stat st;
        if (strlen(names[i]) > 256)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        rc = mm_root_stat(r, path, &st);
        if (rc == MM_ENOTFOUND) { /* a dangling link: augenrules skips it too */
            rc = MM_OK;
            continue;
        }
        if (!rc && S_ISREG(st.st_mode)) {
            rc = mm_parse_root_file(out, r, path, mm_parse_audit_text);
            files++;
        }
    }
    mm_strv_free(names, used);
    if (rc || files)
        return rc;
    return mm_parse_root_file(out, r, "/etc/audit/audit.rules", mm_parse_audit_text);
}
