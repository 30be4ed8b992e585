/*
 * Rule files (content/rules/ *.json, docs/rules.md): loaded into mm_rule with their check
 * trees validated, and their ids checked against the catalogs.
 */
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check/audit_rule.h"
#include "check/check_internal.h"
#include "mamori/error.h"
#include "util/json.h"

#define RULE_FILE_MAX (4u * 1024 * 1024)

typedef struct loader {
    mm_arena *a;
    const char *file;
    const mm_catalog *r3, *r2;
    regex_t **regexes; /* every compiled regex, freed with the ruleset */
    size_t nregexes, capregexes;
} loader;

static int bad(const loader *l, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(const loader *l, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mm_error_set("%s: %s: %s", l->file, path, msg);
    return MM_EINVALID;
}

static const char **strings(loader *l, const json_t *v, const char *path, size_t *n, int *rc)
{
    *n = 0;
    if (!v)
        return NULL;
    if (json_is_string(v)) {
        const char **out = mm_arena_calloc(l->a, 1, sizeof(char *));
        if (out)
            out[(*n)++] = mm_arena_strdup(l->a, json_string_value(v));
        return out;
    }
    if (!json_is_array(v)) {
        *rc = bad(l, path, "expected a string or an array of strings");
        return NULL;
    }
    const char **out = mm_arena_calloc(l->a, json_array_size(v) + 1, sizeof(char *));
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e)) {
            *rc = bad(l, path, "item %zu: expected a string", i);
            return NULL;
        }
        if (out)
            out[(*n)++] = mm_arena_strdup(l->a, json_string_value(e));
    }
    return out;
}

static const char *str(loader *l, const json_t *obj, const char *key, const char *path, int *rc)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return NULL;
    if (json_is_integer(v))
        return mm_arena_printf(l->a, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return mm_arena_printf(l->a, "%g", json_real_value(v));
    if (!json_is_string(v)) {
        *rc = bad(l, path, "\"%s\" must be a string", key);
        return NULL;
    }
    return mm_arena_strdup(l->a, json_string_value(v));
}

static int tri(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return !v ? -1 : json_is_true(v) ? 1 : 0;
}

static const char *const kinds[] = {"all",     "any",     "not",   "file",  "config",   "pam",
                                    "package", "service", "mount", "audit", "accounts", "sudoers",
                                    "fips",    "process", "walk",  NULL};

static const char *const formats[] = {"sshd",      "login.defs", "auditd",    "faillock",
                                      "pwquality", "chrony",     "timesyncd", "sysctl",
                                      "modprobe",  "shell",      NULL};

static const char *const ops[] = {"eq", "ne",      "lt",      "le",     "gt", "ge",
                                  "in", "matches", "present", "absent", NULL};

static int index_of(const char *const *list, const char *s)
{
    for (int i = 0; s && list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

static regex_t *compile(loader *l, const char *re, const char *path, int *rc)
{
    regex_t *rx = malloc(sizeof(*rx));
    if (!rx) {
        *rc = MM_ENOMEM;
        return NULL;
    }
    int e = regcomp(rx, re, REG_EXTENDED | REG_ICASE | REG_NOSUB);
    if (e) {
        char msg[128];
        regerror(e, rx, msg, sizeof(msg));
        free(rx);
        *rc = bad(l, path, "invalid regular expression \"%s\": %s", re, msg);
        return NULL;
    }
    if (l->nregexes == l->capregexes) {
        size_t cap = l->capregexes ? l->capregexes * 2 : 32;
        regex_t **p = realloc(l->regexes, cap * sizeof(*p));
        if (!p) {
            regfree(rx);
            free(rx);
            *rc = MM_ENOMEM;
            return NULL;
        }
        l->regexes = p;
        l->capregexes = cap;
    }
    l->regexes[l->nregexes++] = rx;
    return rx;
}

/* Reads the comparison part shared by config and pam: op, value(s), default, odp. */
static int comparison(loader *l, const json_t *j, mm_check_node *n, const char *path)
{
    int rc = MM_OK;
    const char *op = str(l, j, "op", path, &rc);
    n->odp = str(l, j, "odp", path, &rc);
    n->odp_unit = str(l, j, "odp_unit", path, &rc);
    n->def = str(l, j, "default", path, &rc);
    if (rc)
        return rc;
    if (!op)
        op = n->odp || json_object_get(j, "value") ? "eq" : "present";
    n->op = index_of(ops, op);
    if (n->op < 0)
        return bad(l, path,
                   "unknown op \"%s\" (eq, ne, lt, le, gt, ge, in, matches, present, "
                   "absent)",
                   op);
    const json_t *v = json_object_get(j, "value");
    if (n->op == OP_IN) {
        n->values = strings(l, v, path, &n->nvalues, &rc);
        if (!rc && !n->nvalues)
            rc = bad(l, path, "op \"in\" needs \"value\": an array of strings");
    } else if (n->op != OP_PRESENT && n->op != OP_ABSENT) {
        n->value = str(l, j, "value", path, &rc);
        if (!rc && !n->value && !n->odp)
            rc = bad(l, path, "op \"%s\" needs \"value\" or \"odp\"", op);
        if (!rc && n->odp && l->r3 && !mm_catalog_odp(l->r3, n->odp))
            rc = bad(l, path, "unknown ODP \"%s\"", n->odp);
        if (!rc && n->op == OP_MATCHES)
            n->regex = n->value ? compile(l, n->value, path, &rc) : NULL;
    }
    if (!rc && n->odp_unit && !mm_unit_seconds(n->odp_unit))
        rc = bad(l, path, "odp_unit must be seconds, minutes, hours or days");
    return rc;
}

/* The audit check {"audit": {"syscall": [...], "field": [...], "compare": [...]}},
 * {"audit": {"watch": PATH or [...], "perm": "wa"}} or {"audit": {"enabled": "2"}}, with
 * fields and comparisons put in the normal form of audit_rule.h. */
static int audit_node(loader *l, const json_t *arg, const char *path, mm_check_node *n)
{
    int rc = MM_OK;
    if (!json_is_object(arg))
        return bad(l, path, "\"audit\" must be an object");
    static const char *const keys[] = {"syscall", "field",   "compare", "watch",
                                       "perm",    "enabled", NULL};
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)arg, key, v)
    {
        if (index_of(keys, key) < 0)
            return bad(l, path,
                       "audit: unknown member \"%s\" (syscall, field, compare, watch, "
                       "perm, enabled)",
                       key);
    }
    n->audit.syscalls = strings(l, json_object_get(arg, "syscall"), path, &n->audit.nsyscalls, &rc);
    n->audit.fields = strings(l, json_object_get(arg, "field"), path, &n->audit.nfields, &rc);
    n->audit.compares = strings(l, json_object_get(arg, "compare"), path, &n->audit.ncompares, &rc);
    n->audit.watch = strings(l, json_object_get(arg, "watch"), path, &n->audit.nwatch, &rc);
    n->audit.perm = str(l, arg, "perm", path, &rc);
    n->audit.enabled = str(l, arg, "enabled", path, &rc);
    if (rc)
        return rc;
    int forms = (n->audit.nsyscalls > 0) + (n->audit.nwatch > 0) + (n->audit.enabled != NULL);
    if (forms != 1)
        return bad(l, path, "audit: give one of \"syscall\", \"watch\" or \"enabled\"");
    if ((n->audit.nfields || n->audit.ncompares) && !n->audit.nsyscalls)
        return bad(l, path, "audit: \"field\" and \"compare\" go with \"syscall\"");
    if (n->audit.perm && (!n->audit.nwatch || !*n->audit.perm ||
                          strspn(n->audit.perm, "rwxa") != strlen(n->audit.perm)))
        return bad(l, path, "audit: \"perm\" is letters of rwxa, with \"watch\"");
    char buf[MM_AUDIT_ITEM_MAX];
    for (size_t i = 0; i < n->audit.nfields; i++) {
        if (mm_audit_field_normalize(n->audit.fields[i], buf, sizeof(buf)) != MM_OK)
            return bad(l, path, "audit: field \"%s\" is not NAME OP VALUE", n->audit.fields[i]);
        n->audit.fields[i] = mm_arena_strdup(l->a, buf);
    }
    for (size_t i = 0; i < n->audit.ncompares; i++) {
        if (mm_audit_compare_normalize(n->audit.compares[i], buf, sizeof(buf)) != MM_OK)
            return bad(l, path, "audit: compare \"%s\" is not FIELD OP FIELD",
                       n->audit.compares[i]);
        n->audit.compares[i] = mm_arena_strdup(l->a, buf);
    }
    for (size_t i = 0; i < n->audit.nwatch; i++) {
        char *w = mm_arena_strdup(l->a, n->audit.watch[i]);
        if (!w)
            return MM_ENOMEM;
        if (w[0] != '/')
            return bad(l, path, "audit: watch \"%s\" is not an absolute path", w);
        size_t len = strlen(w);
        while (len > 1 && w[len - 1] == '/')
            w[--len] = '\0';
        n->audit.watch[i] = w;
    }
    return MM_OK;
}

static int node(loader *l, const json_t *j, const char *path, mm_check_node **out, int depth)
{
    int rc = MM_OK;
    *out = NULL;
    if (depth > 32)
        return bad(l, path, "checks nested too deeply");
    if (!json_is_object(j))
        return bad(l, path, "a check must be an object");
    mm_check_node *n = mm_arena_calloc(l->a, 1, sizeof(*n));
    if (!n)
        return MM_ENOMEM;
    int kind = -1;
    for (int k = 0; kinds[k]; k++) {
        if (json_object_get(j, kinds[k])) {
            if (kind >= 0)
                return bad(l, path, "a check has both \"%s\" and \"%s\"", kinds[kind], kinds[k]);
            kind = k;
        }
    }
    if (kind < 0)
        return bad(l, path,
                   "a check needs one of: all, any, not, file, config, pam, package, "
                   "service, mount, audit, accounts, sudoers, fips, process, walk");
    n->kind = (mm_node_kind)kind;
    const json_t *arg = json_object_get(j, kinds[kind]);
    char sub[256];
    switch (n->kind) {
    case N_ALL:
    case N_ANY: {
        if (!json_is_array(arg) || !json_array_size(arg))
            return bad(l, path, "\"%s\" needs a non-empty array of checks", kinds[kind]);
        n->nkids = json_array_size(arg);
        n->kids = mm_arena_calloc(l->a, n->nkids, sizeof(mm_check_node *));
        if (!n->kids)
            return MM_ENOMEM;
        for (size_t i = 0; i < n->nkids && !rc; i++) {
            snprintf(sub, sizeof(sub), "%s.%s[%zu]", path, kinds[kind], i);
            rc = node(l, json_array_get(arg, i), sub, &n->kids[i], depth + 1);
        }
        break;
    }
    case N_NOT:
        n->nkids = 1;
        n->kids = mm_arena_calloc(l->a, 1, sizeof(mm_check_node *));
        if (!n->kids)
            return MM_ENOMEM;
        snprintf(sub, sizeof(sub), "%s.not", path);
        rc = node(l, arg, sub, &n->kids[0], depth + 1);
        break;
    case N_FILE:
        n->target = str(l, j, "file", path, &rc);
        n->exists = tri(j, "exists");
        n->mode_max = str(l, j, "mode_max", path, &rc);
        n->owners = strings(l, json_object_get(j, "owner"), path, &n->nowners, &rc);
        n->groups = strings(l, json_object_get(j, "group"), path, &n->ngroups, &rc);
        if (!rc && (!n->target || n->target[0] != '/'))
            rc = bad(l, path, "\"file\" must be an absolute path");
        if (!rc && n->mode_max) {
            char *end;
            unsigned long m = strtoul(n->mode_max, &end, 8);
            if (*end || m > 07777)
                rc = bad(l, path, "mode_max must be octal like \"0640\"");
            n->mode = (unsigned)m;
        }
        break;
    case N_CONFIG:
        n->target = str(l, j, "config", path, &rc);
        n->key = str(l, j, "key", path, &rc);
        n->path = str(l, j, "path", path, &rc);
        if (!rc && index_of(formats, n->target) < 0)
            rc = bad(l, path, "unknown config format \"%s\"", n->target ? n->target : "");
        if (!rc && !n->key)
            rc = bad(l, path, "\"config\" needs a \"key\"");
        if (!rc)
            rc = comparison(l, j, n, path);
        break;
    case N_PAM:
        n->list = strings(l, arg, path, &n->nlist, &rc);
        n->type = str(l, j, "type", path, &rc);
        n->module = str(l, j, "module", path, &rc);
        n->present = tri(j, "present");
        n->key = str(l, j, "arg", path, &rc);
        if (!rc && (!n->nlist || !n->module))
            rc = bad(l, path, "\"pam\" needs service names and a \"module\"");
        if (!rc && n->key)
            rc = comparison(l, j, n, path);
        break;
    case N_PACKAGE:
        n->list = strings(l, arg, path, &n->nlist, &rc);
        n->present = tri(j, "installed");
        if (!rc && n->present < 0)
            n->present = 1;
        break;
    case N_SERVICE:
        n->target = str(l, j, "service", path, &rc);
        n->values = strings(l, json_object_get(j, "state"), path, &n->nvalues, &rc);
        if (!rc && !n->nvalues)
            rc = bad(l, path, "\"service\" needs a \"state\"");
        break;
    case N_MOUNT:
        n->target = str(l, j, "mount", path, &rc);
        n->values = strings(l, json_object_get(j, "option"), path, &n->nvalues, &rc);
        n->exists = tri(j, "separate");
        break;
    case N_AUDIT:
        rc = audit_node(l, arg, path, n);
        break;
    case N_ACCOUNTS:
        n->target = str(l, j, "accounts", path, &rc);
        if (!rc && !mm_streq(n->target, "uid0_only_root") &&
            !mm_streq(n->target, "no_empty_passwords") &&
            !mm_streq(n->target, "no_legacy_plus_entries") &&
            !mm_streq(n->target, "strong_password_hashes"))
            rc = bad(l, path, "unknown accounts check \"%s\"", n->target ? n->target : "");
        break;
    case N_SUDOERS:
        n->target = str(l, j, "sudoers", path, &rc);
        n->value = str(l, j, "value", path, &rc);
        if (!rc && (!n->value ||
                    (!mm_streq(n->target, "defaults") && !mm_streq(n->target, "no_rule_matches"))))
            rc = bad(l, path, "\"sudoers\" is \"defaults\" or \"no_rule_matches\" with a value");
        if (!rc && mm_streq(n->target, "no_rule_matches"))
            n->regex = compile(l, n->value, path, &rc);
        break;
    case N_FIPS:
        break;
    case N_PROCESS:
        n->target = str(l, j, "process", path, &rc);
        n->present = tri(j, "running");
        if (n->present < 0)
            n->present = 1;
        break;
    case N_WALK:
        n->target = str(l, j, "walk", path, &rc);
        n->list = strings(l, json_object_get(j, "allow"), path, &n->nlist, &rc);
        if (!rc && !mm_streq(n->target, "world_writable") && !mm_streq(n->target, "unowned") &&
            !mm_streq(n->target, "suid"))
            rc = bad(l, path, "unknown walk \"%s\"", n->target ? n->target : "");
        break;
    }
    if (!rc && mm_arena_failed(l->a))
        rc = MM_ENOMEM;
    *out = n;
    return rc;
}

static bool has_walk(const mm_check_node *n)
{
    if (!n)
        return false;
    if (n->kind == N_WALK)
        return true;
    for (size_t i = 0; i < n->nkids; i++)
        if (has_walk(n->kids[i]))
            return true;
    return false;
}

static int check_ids(loader *l, const mm_rule *r, const char *path)
{
    for (size_t i = 0; l->r3 && i < r->nrequirements; i++) {
        const mm_requirement *q = mm_catalog_requirement(l->r3, r->requirements[i]);
        if (!q || q->withdrawn)
            return bad(l, path, "\"%s\" is not an active SP 800-171 Rev 3 requirement",
                       r->requirements[i]);
    }
    for (size_t i = 0; l->r3 && i < r->nobjectives; i++) {
        const mm_objective *o = mm_catalog_objective(l->r3, r->objectives[i]);
        if (!o)
            return bad(l, path, "\"%s\" is not a Rev 3 objective", r->objectives[i]);
        bool listed = false;
        for (size_t k = 0; k < r->nrequirements; k++)
            listed |= strcmp(l->r3->requirements[o->requirement].id, r->requirements[k]) == 0;
        if (!listed)
            return bad(l, path, "objective %s belongs to %s, which the rule does not list",
                       r->objectives[i], l->r3->requirements[o->requirement].id);
        r->objectives[i] = o->id; /* canonical form */
    }
    for (size_t i = 0; l->r2 && i < r->nrequirements_r2; i++)
        if (!mm_catalog_requirement(l->r2, r->requirements_r2[i]))
            return bad(l, path, "\"%s\" is not an SP 800-171 Rev 2 requirement",
                       r->requirements_r2[i]);
    return MM_OK;
}

static int load_rule(loader *l, const json_t *j, const char *path, mm_rule *r)
{
    int rc = MM_OK;
    if (!json_is_object(j))
        return bad(l, path, "a rule must be an object");
    static const char *const keys[] = {
        "id",        "title", "requirements", "objectives", "requirements_r2", "sp800_53",
        "platforms", "deep",  "applies_if",   "check",      "rationale",       "remediation",
        NULL};
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)j, key, v)
    {
        if (key[0] != '_' && index_of(keys, key) < 0)
            return bad(l, path, "unknown member \"%s\"", key);
    }
    r->file = l->file;
    r->id = str(l, j, "id", path, &rc);
    r->title = str(l, j, "title", path, &rc);
    r->rationale = str(l, j, "rationale", path, &rc);
    r->remediation = str(l, j, "remediation", path, &rc);
    if (rc)
        return rc;
    if (!r->id || !r->title)
        return bad(l, path, "\"id\" and \"title\" are required");
    for (const char *s = r->id; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return bad(l, path, "id \"%s\": only a-z, 0-9 and '-'", r->id);
    char sub[256];
    snprintf(sub, sizeof(sub), "%s(%s)", path, r->id);
    r->requirements = strings(l, json_object_get(j, "requirements"), sub, &r->nrequirements, &rc);
    r->objectives = strings(l, json_object_get(j, "objectives"), sub, &r->nobjectives, &rc);
    r->requirements_r2 =
        strings(l, json_object_get(j, "requirements_r2"), sub, &r->nrequirements_r2, &rc);
    r->sp800_53 = strings(l, json_object_get(j, "sp800_53"), sub, &r->nsp800_53, &rc);
    r->platforms = strings(l, json_object_get(j, "platforms"), sub, &r->nplatforms, &rc);
    r->deep = json_is_true(json_object_get(j, "deep"));
    if (rc)
        return rc;
    if (!r->nrequirements || !r->nobjectives)
        return bad(l, sub, "\"requirements\" and \"objectives\" (Rev 3) are required");
    rc = check_ids(l, r, sub);
    if (rc)
        return rc;
    const json_t *c = json_object_get(j, "check");
    if (!c)
        return bad(l, sub, "\"check\" is required");
    char cp[300];
    snprintf(cp, sizeof(cp), "%s.check", sub);
    rc = node(l, c, cp, &r->check, 0);
    if (!rc && json_object_get(j, "applies_if")) {
        snprintf(cp, sizeof(cp), "%s.applies_if", sub);
        rc = node(l, json_object_get(j, "applies_if"), cp, &r->applies_if, 0);
    }
    if (!rc && has_walk(r->check) && !r->deep)
        rc = bad(l, sub, "a rule with a \"walk\" check must say \"deep\": true");
    return rc;
}

typedef struct rulev {
    mm_rule *v;
    size_t n, cap;
} rulev;

static int load_file(loader *l, rulev *rv, const char *data, size_t len, const char *name)
{
    json_t *root;
    if (mm_json_load(&root, data, len, name, 0))
        return MM_EPARSE;
    l->file = mm_arena_strdup(l->a, name);
    int rc = MM_OK;
    const json_t *rules = json_object_get(root, "rules");
    if (!json_is_array(rules)) {
        rc = bad(l, "$", "expected {\"rules\": [...]}");
        goto done;
    }
    size_t i;
    json_t *j;
    json_array_foreach(rules, i, j)
    {
        if (rv->n == rv->cap) {
            size_t cap = rv->cap ? rv->cap * 2 : 64;
            mm_rule *p = realloc(rv->v, cap * sizeof(*p));
            if (!p) {
                rc = MM_ENOMEM;
                goto done;
            }
            rv->v = p;
            rv->cap = cap;
        }
        char path[64];
        snprintf(path, sizeof(path), "$.rules[%zu]", i);
        memset(&rv->v[rv->n], 0, sizeof(mm_rule));
        rc = load_rule(l, j, path, &rv->v[rv->n]);
        if (rc)
            goto done;
        rv->n++;
    }
done:
    json_decref(root);
    return rc;
}

static int cmp_rule(const void *a, const void *b)
{
    return strcmp(((const mm_rule *)a)->id, ((const mm_rule *)b)->id);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_json_name(const char *s)
{
    size_t n = strlen(s);
    return n > 5 && strcmp(s + n - 5, ".json") == 0 && s[0] != '.';
}

static int load_dir(loader *l, rulev *rv, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        mm_error_set("%s: cannot open the rules folder", dir);
        return MM_ENOTFOUND;
    }
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512)
        if (is_json_name(e->d_name) && (names[n] = strdup(e->d_name)))
            n++;
    closedir(d);
    qsort(names, n, sizeof(char *), cmp_name);
    int rc = MM_OK;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        char *data = NULL;
        size_t len;
        if (!rc)
            rc = mm_file_read(&data, &len, path, RULE_FILE_MAX);
        if (!rc)
            rc = load_file(l, rv, data, len, path);
        free(data);
        free(names[i]);
    }
    if (!rc && !n) {
        mm_error_set("%s: no *.json rule files", dir);
        rc = MM_ENOTFOUND;
    }
    return rc;
}

void mm_ruleset_free(mm_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->nregexes; i++) {
        regfree((regex_t *)rs->regexes[i]);
        free(rs->regexes[i]);
    }
    free(rs->regexes);
    free(rs->rules);
    mm_arena_free(rs->arena);
    free(rs);
}

static int finish(mm_ruleset *rs, loader *l, rulev *rv, int rc);

int mm_rules_parse(mm_ruleset **out, const char *data, size_t len, const char *name,
                   const mm_catalog *r3, const mm_catalog *r2)
{
    *out = NULL;
    mm_ruleset *rs = calloc(1, sizeof(*rs));
    if (!rs || !(rs->arena = mm_arena_new())) {
        free(rs);
        return MM_ENOMEM;
    }
    loader l = {rs->arena, "", r3, r2, NULL, 0, 0};
    rulev rv = {0};
    int rc = finish(rs, &l, &rv, load_file(&l, &rv, data, len, name));
    if (!rc)
        *out = rs;
    return rc;
}

int mm_rules_load(mm_ruleset **out, const char *dir, const mm_catalog *r3, const mm_catalog *r2)
{
    *out = NULL;
    mm_ruleset *rs = calloc(1, sizeof(*rs));
    if (!rs || !(rs->arena = mm_arena_new())) {
        free(rs);
        return MM_ENOMEM;
    }
    loader l = {rs->arena, "", r3, r2, NULL, 0, 0};
    rulev rv = {0};
    int rc = MM_OK;
    if (dir) {
        rc = load_dir(&l, &rv, dir);
    } else {
        const char *name;
        size_t len;
        const char *data;
        size_t found = 0;
        for (size_t i = 0; !rc && (data = mm_content_embedded_at(i, &name, &len)); i++) {
            if (strncmp(name, "rules/", 6) != 0 || !is_json_name(name + 6))
                continue;
            found++;
            char label[256];
            snprintf(label, sizeof(label), "content/%s", name);
            rc = load_file(&l, &rv, data, len, label);
        }
        if (!rc && !found) {
            mm_error_set("no rules are compiled in (content/rules/ was empty at build time)");
            rc = MM_ENOTFOUND;
        }
    }
    rc = finish(rs, &l, &rv, rc);
    if (!rc)
        *out = rs;
    return rc;
}

/* Hands the loaded rules to rs, sorts them and refuses duplicate ids; frees rs on error. */
static int finish(mm_ruleset *rs, loader *l, rulev *rv, int rc)
{
    rs->rules = rv->v;
    rs->nrules = rv->n;
    rs->regexes = (void **)l->regexes;
    rs->nregexes = l->nregexes;
    if (!rc && rs->nrules > 1) {
        qsort(rs->rules, rs->nrules, sizeof(mm_rule), cmp_rule);
        for (size_t i = 1; i < rs->nrules; i++)
            if (strcmp(rs->rules[i - 1].id, rs->rules[i].id) == 0) {
                mm_error_set("%s: rule id \"%s\" is also used in %s", rs->rules[i].file,
                             rs->rules[i].id, rs->rules[i - 1].file);
                rc = MM_EINVALID;
                break;
            }
    }
    if (rc)
        mm_ruleset_free(rs);
    return rc;
}
