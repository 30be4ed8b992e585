/*
 * Audit rules read as auditctl reads them: one rule per line, options in any order, the
 * watch form (-w) as the syscall rule the kernel gets, field values in one spelling. Rules
 * are compared on this normal form, never on their text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/audit_rule.h"
#include "mamori/error.h"

#define WS " \t\r\v\f"

static const char *keep(mm_audit_rule *r, const char *s, size_t n)
{
    if (r->used + n + 1 > sizeof(r->store))
        return NULL;
    char *p = r->store + r->used;
    memcpy(p, s, n);
    p[n] = '\0';
    r->used += n + 1;
    return p;
}

static bool add(mm_audit_rule *r, const char **v, size_t *n, const char *s, size_t len)
{
    if (*n >= MM_AUDIT_MAX_ITEMS)
        return false;
    const char *k = keep(r, s, len);
    if (!k)
        return false;
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(v[i], k))
            return true; /* -S open -S open: once */
    v[(*n)++] = k;
    return true;
}

/* A syscall, field or comparison name: letters, digits, '_' (auditctl knows no other). */
static bool is_word(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

/* The operators of -F and -C, longest first. */
static const char *const fops[] = {"!=", "<=", ">=", "&=", "=", "<", ">", "&", NULL};

/* Splits "name OP value" at its operator; false when there is none. */
static bool split_op(const char *s, size_t *name_len, const char **op)
{
    size_t i = strcspn(s, "!=<>&");
    if (!s[i] || !i)
        return false;
    for (int k = 0; fops[k]; k++)
        if (!strncmp(s + i, fops[k], strlen(fops[k]))) {
            *name_len = i;
            *op = fops[k];
            return true;
        }
    return false;
}

static const char *arch_name(const char *v)
{
    /* auditctl's machine names (lib/machinetab.h) and the b32/b64 aliases of the running
     * machine, taken here as x86_64/aarch64/ppc64/s390x, whose 32-bit halves are b32 */
    static const char *const b64[] = {"b64",     "x86_64", "aarch64", "ppc64",
                                      "ppc64le", "s390x",  NULL};
    static const char *const b32[] = {"b32",   "i386",      "i486",     "i586",   "i686",
                                      "armeb", "armv5tejl", "armv5tel", "armv6l", "armv7l",
                                      "ppc",   "s390",      NULL};
    for (int i = 0; b64[i]; i++)
        if (!strcmp(v, b64[i]))
            return "b64";
    for (int i = 0; b32[i]; i++)
        if (!strcmp(v, b32[i]))
            return "b32";
    return v;
}

/* Field values in one spelling: arch names, exit codes, the unset id. */
static const char *field_value(const char *name, const char *v)
{
    if (!strcmp(name, "arch"))
        return arch_name(v);
    if (!strcmp(name, "exit")) {
        /* the two errno values the rules ask about (asm-generic/errno-base.h) */
        if (!strcmp(v, "-13"))
            return "-EACCES";
        if (!strcmp(v, "-1"))
            return "-EPERM";
        return v;
    }
    static const char *const ids[] = {"auid", "uid",  "euid", "suid",  "fsuid", "loginuid",
                                      "gid",  "egid", "sgid", "fsgid", NULL};
    for (int i = 0; ids[i]; i++)
        if (!strcmp(name, ids[i]) && (!strcmp(v, "-1") || !strcmp(v, "4294967295")))
            return "unset"; /* auditctl: "unset" is (uid_t)-1 */
    return v;
}

static void perm_letters(const char *v, char out[5])
{
    static const char order[] = "rwxa";
    size_t n = 0;
    for (const char *o = order; *o; o++)
        if (strchr(v, *o))
            out[n++] = *o;
    out[n] = '\0';
}

int mm_audit_field_normalize(const char *s, char *out, size_t cap)
{
    size_t nl;
    const char *op;
    if (!split_op(s, &nl, &op) || nl >= 64 || !is_word(s, nl))
        return MM_EPARSE;
    char name[64];
    memcpy(name, s, nl);
    name[nl] = '\0';
    const char *v = s + nl + strlen(op);
    char perm[5];
    if (!strcmp(name, "perm")) {
        perm_letters(v, perm);
        v = perm;
    } else if (!strcmp(name, "path") || !strcmp(name, "dir")) {
        size_t l = strlen(v);
        while (l > 1 && v[l - 1] == '/')
            l--;
        int w = snprintf(out, cap, "%s%s%.*s", name, op, (int)l, v);
        return w < 0 || (size_t)w >= cap ? MM_EPARSE : MM_OK;
    } else {
        v = field_value(name, v);
    }
    int w = snprintf(out, cap, "%s%s%s", name, op, v);
    return w < 0 || (size_t)w >= cap ? MM_EPARSE : MM_OK;
}

int mm_audit_compare_normalize(const char *s, char *out, size_t cap)
{
    size_t nl;
    const char *op;
    if (!split_op(s, &nl, &op))
        return MM_EPARSE;
    const char *b = s + nl + strlen(op);
    size_t bl = strlen(b);
    if (!bl || !is_word(s, nl) || !is_word(b, bl))
        return MM_EPARSE;
    /* a OP b is b OP' a: = and != are symmetric, < and > swap (auditctl -C takes = and !=) */
    const char *swapped = !strcmp(op, "<")    ? ">"
                          : !strcmp(op, ">")  ? "<"
                          : !strcmp(op, "<=") ? ">="
                          : !strcmp(op, ">=") ? "<="
                                              : op;
    int c = strncmp(s, b, nl < bl ? nl : bl);
    if (!c)
        c = nl < bl ? -1 : nl > bl ? 1 : 0;
    int w = c <= 0 ? snprintf(out, cap, "%.*s%s%s", (int)nl, s, op, b)
                   : snprintf(out, cap, "%s%s%.*s", b, swapped, (int)nl, s);
    return w < 0 || (size_t)w >= cap ? MM_EPARSE : MM_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool add_csv(mm_audit_rule *r, const char **v, size_t *n, const char *s)
{
    while (*s) {
        size_t l = strcspn(s, ",");
        if (l && (!is_word(s, l) || !add(r, v, n, s, l)))
            return false;
        s += l;
        if (*s == ',')
            s++;
    }
    return true;
}

static bool add_field(mm_audit_rule *r, const char *s)
{
    char buf[MM_AUDIT_ITEM_MAX];
    if (mm_audit_field_normalize(s, buf, sizeof(buf)) != MM_OK)
        return false;
    return add(r, r->fields, &r->nfields, buf, strlen(buf));
}

int mm_audit_rule_parse(mm_audit_rule *r, const char *line)
{
    memset(r, 0, sizeof(*r));
    char words[64][MM_AUDIT_ITEM_MAX];
    size_t nw = 0;
    const char *p = line;
    while (*p) {
        p += strspn(p, WS);
        if (!*p)
            break;
        if (*p == '#') /* a comment line; after a rule, a stray word for auditctl */
            return MM_EPARSE;
        size_t l = strcspn(p, WS);
        if (nw == 64 || l >= MM_AUDIT_ITEM_MAX)
            return MM_EPARSE;
        memcpy(words[nw], p, l);
        words[nw++][l] = '\0';
        p += l;
    }
    if (!nw)
        return MM_EPARSE;
    const char *watch = NULL, *perm = NULL, *listaction = NULL;
    bool syscall_rule = false;
    for (size_t i = 0; i < nw; i++) {
        const char *o = words[i];
        const char *arg = i + 1 < nw ? words[i + 1] : NULL;
        if (!strcmp(o, "-a") || !strcmp(o, "-A")) {
            if (!arg)
                return MM_EPARSE;
            listaction = arg;
            syscall_rule = true;
            i++;
        } else if (!strcmp(o, "-S")) {
            if (!arg || !add_csv(r, r->syscalls, &r->nsyscalls, arg))
                return MM_EPARSE;
            i++;
        } else if (!strcmp(o, "-F")) {
            if (!arg || !add_field(r, arg))
                return MM_EPARSE;
            i++;
        } else if (!strcmp(o, "-C")) {
            char buf[MM_AUDIT_ITEM_MAX];
            if (!arg || mm_audit_compare_normalize(arg, buf, sizeof(buf)) != MM_OK ||
                !add(r, r->compares, &r->ncompares, buf, strlen(buf)))
                return MM_EPARSE;
            i++;
        } else if (!strcmp(o, "-k")) {
            char buf[MM_AUDIT_ITEM_MAX];
            if (!arg || snprintf(buf, sizeof(buf), "key=%s", arg) >= (int)sizeof(buf) ||
                !add(r, r->fields, &r->nfields, buf, strlen(buf)))
                return MM_EPARSE;
            i++;
        } else if (!strcmp(o, "-w")) {
            if (!arg)
                return MM_EPARSE;
            watch = arg;
            i++;
        } else if (!strcmp(o, "-p")) {
            if (!arg)
                return MM_EPARSE;
            perm = arg;
            i++;
        } else if (!strcmp(o, "-W") || !strcmp(o, "-d") || !strcmp(o, "-l") || !strcmp(o, "-s") ||
                   !strcmp(o, "-m")) {
            return MM_EPARSE; /* deletes, lists, status, messages: no rule is added */
        } else if (o[0] == '-' && !syscall_rule && !watch && i == 0) {
            /* a control line: -e 2, -b 8192, -f 1, -D, --backlog_wait_time 60000 */
            r->kind = MM_AUDIT_CONTROL;
            if (!keep(r, "", 0))
                return MM_EPARSE;
            r->control = keep(r, o, strlen(o));
            if (arg && arg[0] == '#')
                return MM_EPARSE;
            r->control_value = keep(r, arg ? arg : "", arg ? strlen(arg) : 0);
            return r->control && r->control_value ? MM_OK : MM_EPARSE;
        } else {
            return MM_EPARSE;
        }
    }
    if (watch && syscall_rule)
        return MM_EPARSE;
    if (watch) {
        /* auditctl turns "-w PATH -p PERM" into an always,exit rule with path= (dir= for a
         * folder) and perm= (all of rwxa when -p is missing) */
        char buf[MM_AUDIT_ITEM_MAX];
        if (snprintf(buf, sizeof(buf), "path=%s", watch) >= (int)sizeof(buf) ||
            !add_field(r, buf) ||
            snprintf(buf, sizeof(buf), "perm=%s", perm ? perm : "rwxa") >= (int)sizeof(buf) ||
            !add_field(r, buf))
            return MM_EPARSE;
        r->list = "exit";
        r->action = "always";
    } else if (perm || !listaction) {
        return MM_EPARSE;
    } else {
        /* LIST,ACTION in either order */
        const char *comma = strchr(listaction, ',');
        if (!comma || strchr(comma + 1, ','))
            return MM_EPARSE;
        const char *a = keep(r, listaction, (size_t)(comma - listaction));
        const char *b = keep(r, comma + 1, strlen(comma + 1));
        if (!a || !b)
            return MM_EPARSE;
        bool a_is_action = !strcmp(a, "always") || !strcmp(a, "never");
        r->action = a_is_action ? a : b;
        r->list = a_is_action ? b : a;
        if (strcmp(r->action, "always") && strcmp(r->action, "never"))
            return MM_EPARSE;
    }
    r->kind = MM_AUDIT_SYSCALL;
    qsort(r->syscalls, r->nsyscalls, sizeof(*r->syscalls), cmp_str);
    qsort(r->fields, r->nfields, sizeof(*r->fields), cmp_str);
    qsort(r->compares, r->ncompares, sizeof(*r->compares), cmp_str);
    return MM_OK;
}

int mm_audit_rule_text(const mm_audit_rule *r, char *out, size_t cap)
{
    size_t n = 0;
#define PUT(...)                                                                                   \
    do {                                                                                           \
        int w_ = snprintf(out + n, n < cap ? cap - n : 0, __VA_ARGS__);                            \
        if (w_ < 0 || (size_t)w_ >= (n < cap ? cap - n : 0))                                       \
            return MM_ETOOBIG;                                                                     \
        n += (size_t)w_;                                                                           \
    } while (0)
    if (!cap)
        return MM_ETOOBIG;
    out[0] = '\0';
    if (r->kind == MM_AUDIT_CONTROL) {
        PUT("%s%s%s", r->control, r->control_value[0] ? " " : "", r->control_value);
        return MM_OK;
    }
    if (r->kind != MM_AUDIT_SYSCALL)
        return MM_EPARSE;
    PUT("-a %s,%s", r->action, r->list);
    for (size_t i = 0; i < r->nsyscalls; i++)
        PUT("%s%s", i ? "," : " -S ", r->syscalls[i]);
    for (size_t i = 0; i < r->nfields; i++)
        PUT(" -F %s", r->fields[i]);
    for (size_t i = 0; i < r->ncompares; i++)
        PUT(" -C %s", r->compares[i]);
#undef PUT
    return MM_OK;
}

const char *mm_audit_rule_field(const mm_audit_rule *r, const char *name)
{
    size_t l = strlen(name);
    for (size_t i = 0; i < r->nfields; i++)
        if (!strncmp(r->fields[i], name, l) && r->fields[i][l] == '=')
            return r->fields[i] + l + 1;
    return NULL;
}

bool mm_audit_rule_has(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}
