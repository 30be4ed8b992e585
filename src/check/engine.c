/*
 * The scan: every rule's check tree evaluated against the system under the root, with
 * parsed configuration shared between rules (each file is read once), results in rule id
 * order whatever the number of worker threads.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "check/check_internal.h"
#include "check/parse_b.h"
#include "mamori/error.h"

const char *mm_check_status_name(mm_check_status s)
{
    switch (s) {
    case MM_CHECK_PASS:
        return "pass";
    case MM_CHECK_FAIL:
        return "fail";
    case MM_CHECK_ERROR:
        return "error";
    default:
        return "not-applicable";
    }
}

/* ---- the cache of parsed sources ------------------------------------------------------- */

typedef struct parsed {
    char *name; /* "sshd", "kv:/etc/login.defs", "pam:common-auth", ... */
    int rc;
    char *error; /* mm_error_last() when rc != MM_OK */
    mm_facts facts;
    struct parsed *next;
} parsed;

typedef struct scan_ctx {
    mm_root *root;
    const mm_scan_options *opts;
    pthread_mutex_t lock; /* guards sources and the scan arena */
    parsed *sources;
    mm_arena *arena;           /* the scan's arena: evidence and messages */
    pthread_mutex_t walk_lock; /* one whole-filesystem walk, shared by the deep rules */
    bool walked;
    int walk_rc;
    mm_walk_result walk;
    const char *os_id, *os_like;
} scan_ctx;

typedef int (*parse_fn)(mm_facts *out, const mm_root *r, const char *arg);

static int p_sshd(mm_facts *o, const mm_root *r, const char *a)
{
    return mm_parse_sshd(o, r, a);
}
static int p_sysctl(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_sysctl(o, r);
}
static int p_modprobe(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_modprobe(o, r);
}
static int p_pam(mm_facts *o, const mm_root *r, const char *a)
{
    return mm_parse_pam(o, r, a);
}
static int p_packages(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_packages(o, r);
}
static int p_fstab(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_fstab(o, r);
}
static int p_mounts(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_mounts(o, r);
}
static int p_audit(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_audit_rules(o, r);
}
static int p_sudoers(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_sudoers(o, r);
}
static int p_passwd(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_passwd(o, r);
}
static int p_group(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_group(o, r);
}
static int p_shadow(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_shadow(o, r);
}
static int p_wanted(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_systemd_wanted(o, r);
}
static int p_space(mm_facts *o, const mm_root *r, const char *a)
{
    return mm_parse_kv_file(o, r, a, MM_KV_SPACE);
}
static int p_equals(mm_facts *o, const mm_root *r, const char *a)
{
    return mm_parse_kv_file(o, r, a, MM_KV_EQUALS);
}
static int p_shell(mm_facts *o, const mm_root *r, const char *a)
{
    (void)a;
    return mm_parse_login_shell(o, r);
}
static int p_ini(mm_facts *o, const mm_root *r, const char *a)
{
    return mm_parse_kv_file(o, r, a, MM_KV_INI);
}

/* The parsed source name(arg), parsed on first use. Never NULL unless out of memory. */
static parsed *get_source(scan_ctx *c, const char *name, parse_fn fn, const char *arg)
{
    char key[512];
    snprintf(key, sizeof(key), "%s:%s", name, arg ? arg : "");
    pthread_mutex_lock(&c->lock);
    parsed *s = c->sources;
    while (s && strcmp(s->name, key) != 0)
        s = s->next;
    if (!s && (s = calloc(1, sizeof(*s)))) {
        s->name = strdup(key);
        if (!s->name || mm_facts_init(&s->facts) != MM_OK) {
            free(s->name);
            mm_facts_free(&s->facts);
            free(s);
            s = NULL;
        } else {
            mm_error_clear();
            s->rc = fn(&s->facts, c->root, arg);
            if (s->rc)
                s->error = strdup(mm_error_last()[0] ? mm_error_last() : mm_strerror(s->rc));
            s->next = c->sources;
            c->sources = s;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return s;
}

/* ---- evaluation ---------------------------------------------------------------------------- */

typedef struct evidence_list {
    mm_evidence *v;
    size_t n, cap;
} evidence_list;

typedef struct eval {
    scan_ctx *c;
    evidence_list ev;
    const char *message; /* why the outcome: from the leaf that decided it */
} eval;

static char *cstr(scan_ctx *c, const char *s)
{
    pthread_mutex_lock(&c->lock);
    char *p = mm_arena_strdup(c->arena, s);
    pthread_mutex_unlock(&c->lock);
    return p;
}

static char *cfmt(scan_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *cfmt(scan_ctx *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return cstr(c, buf);
}

static void add_ev(eval *e, const char *source, int line, const char *key, const char *observed,
                   const char *expected, const char *note)
{
    if (e->ev.n == e->ev.cap) {
        size_t cap = e->ev.cap ? e->ev.cap * 2 : 4;
        mm_evidence *p = realloc(e->ev.v, cap * sizeof(*p));
        if (!p)
            return;
        e->ev.v = p;
        e->ev.cap = cap;
    }
    mm_evidence *x = &e->ev.v[e->ev.n++];
    x->source = source ? cstr(e->c, source) : NULL;
    x->line = line;
    x->key = key ? cstr(e->c, key) : NULL;
    x->observed = observed ? cstr(e->c, observed) : NULL;
    x->expected = expected ? cstr(e->c, expected) : NULL;
    x->note = note ? cstr(e->c, note) : NULL;
}

static mm_check_status source_error(eval *e, const parsed *s, const char *what)
{
    if (!s) {
        e->message = "out of memory";
        return MM_CHECK_ERROR;
    }
    add_ev(e, what, 0, NULL, NULL, NULL, s->error);
    e->message = cfmt(e->c, "could not read %s: %s", what, s->error ? s->error : "error");
    return MM_CHECK_ERROR;
}

static bool is_number(const char *s, double *out)
{
    if (!s)
        return false;
    while (isspace((unsigned char)*s))
        s++;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

/* The number an ODP value of the scan's profile gives, converted to unit. */
static bool odp_number(scan_ctx *c, const char *odp, const char *unit, double *out,
                       const char **text)
{
    const mm_profile *p = c->opts->profile;
    *text = NULL;
    if (!p)
        return false;
    const mm_profile_value *pv = mm_profile_value_of(p, odp);
    if (!pv || !pv->value)
        return false;
    *text = pv->value;
    return mm_odp_number(pv->value, unit, out);
}

static const char *op_text(int op)
{
    static const char *const t[] = {"=",  "!=",     "<",        "<=",      ">",
                                    ">=", "one of", "matching", "present", "absent"};
    return t[op];
}

/* Compares observed (NULL: absent) with what n expects. Fills *expected. */
static mm_check_status compare(eval *e, const mm_check_node *n, const char *observed,
                               const char **expected)
{
    scan_ctx *c = e->c;
    const char *want = n->value;
    if (n->odp) {
        double num;
        const char *text;
        if (!odp_number(c, n->odp, n->odp_unit, &num, &text)) {
            *expected = cfmt(c, "%s %s", op_text(n->op), n->odp);
            e->message = cfmt(c, "the ODP profile gives no number for %s%s%s", n->odp,
                              text ? ": " : "", text ? text : "");
            return MM_CHECK_ERROR;
        }
        want = cfmt(c, "%g", num);
        *expected = cfmt(c, "%s %s (%s: \"%s\")", op_text(n->op), want, n->odp, text);
    } else if (n->op == OP_IN) {
        char buf[512] = "";
        for (size_t i = 0; i < n->nvalues; i++) {
            strncat(buf, i ? ", " : "", sizeof(buf) - strlen(buf) - 1);
            strncat(buf, n->values[i], sizeof(buf) - strlen(buf) - 1);
        }
        *expected = cfmt(c, "one of %s", buf);
    } else if (n->op == OP_PRESENT || n->op == OP_ABSENT) {
        *expected = op_text(n->op);
    } else {
        *expected = cfmt(c, "%s %s", op_text(n->op), want);
    }
    if (n->op == OP_ABSENT)
        return observed ? MM_CHECK_FAIL : MM_CHECK_PASS;
    if (!observed)
        return MM_CHECK_FAIL;
    double a, b;
    switch (n->op) {
    case OP_PRESENT:
        return MM_CHECK_PASS;
    case OP_EQ:
    case OP_NE: {
        bool eq =
            (is_number(observed, &a) && is_number(want, &b)) ? a == b : !strcasecmp(observed, want);
        return eq == (n->op == OP_EQ) ? MM_CHECK_PASS : MM_CHECK_FAIL;
    }
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
        if (!is_number(observed, &a) || !is_number(want, &b))
            return MM_CHECK_FAIL;
        return (n->op == OP_LT   ? a < b
                : n->op == OP_LE ? a <= b
                : n->op == OP_GT ? a > b
                                 : a >= b)
                   ? MM_CHECK_PASS
                   : MM_CHECK_FAIL;
    case OP_IN:
        for (size_t i = 0; i < n->nvalues; i++)
            if (!strcasecmp(observed, n->values[i]))
                return MM_CHECK_PASS;
        return MM_CHECK_FAIL;
    case OP_MATCHES:
        return n->regex && regexec(n->regex, observed, 0, NULL, 0) == 0 ? MM_CHECK_PASS
                                                                        : MM_CHECK_FAIL;
    default:
        return MM_CHECK_FAIL;
    }
}

/* Evaluates one looked-up value (fact may be NULL: absent) and records the evidence. */
static mm_check_status judge(eval *e, const mm_check_node *n, const mm_fact *f, const char *where,
                             const char *key)
{
    const char *observed = f ? (f->value && f->value[0] ? f->value : "set") : NULL;
    const char *note = NULL, *expected = NULL;
    if (!f && n->def) {
        observed = n->def;
        note = "not set: the program's default applies";
    }
    mm_check_status st = compare(e, n, observed, &expected);
    add_ev(e, f ? f->file : where, f ? f->line : 0, key, observed, expected,
           note ? note : (f && f->context ? f->context : (!f ? "not set" : NULL)));
    if (st == MM_CHECK_ERROR)
        return st; /* compare() said why */
    if (!e->message || st != MM_CHECK_PASS) {
        if (f && f->line)
            e->message = cfmt(e->c, "%s is %s at %s:%d (expected %s)", key, observed, f->file,
                              f->line, expected);
        else if (f)
            e->message =
                cfmt(e->c, "%s is %s in %s (expected %s)", key, observed, f->file, expected);
        else if (n->def)
            e->message = cfmt(e->c, "%s is not set, so the default %s applies (expected %s)", key,
                              n->def, expected);
        else
            e->message = cfmt(e->c, "%s is not set (expected %s)", key, expected);
    }
    return st;
}

static const mm_fact *last_any(const mm_facts *f, const char *key)
{
    for (size_t i = f->n; i-- > 0;)
        if (strcmp(f->items[i].key, key) == 0)
            return &f->items[i];
    return NULL;
}

static int file_exists(scan_ctx *c, const char *path)
{
    struct stat st;
    return mm_root_stat(c->root, path, &st) == MM_OK;
}

static mm_check_status eval_node(eval *e, const mm_check_node *n);

/* Several files of one format parsed in order (main file, then conf.d), last value wins. */
static mm_check_status config_kv(eval *e, const mm_check_node *n, const char *const *paths,
                                 size_t npaths, const char *confd, parse_fn fn)
{
    scan_ctx *c = e->c;
    const mm_fact *best = NULL;
    const char *first_present = NULL;
    for (size_t i = 0; i < npaths; i++) {
        if (!file_exists(c, paths[i]))
            continue;
        if (!first_present)
            first_present = paths[i];
        parsed *s = get_source(c, "kv", fn, paths[i]);
        if (!s || s->rc)
            return source_error(e, s, paths[i]);
        const mm_fact *f = last_any(&s->facts, n->key);
        if (f)
            best = f;
        if (!confd)
            break; /* alternatives: the first existing file is the configuration */
    }
    if (confd) {
        char **v;
        size_t nv;
        if (mm_root_glob(c->root, confd, &v, &nv) == MM_OK) {
            for (size_t i = 0; i < nv; i++) {
                parsed *s = get_source(c, "kv", fn, v[i]);
                if (!s || s->rc) {
                    mm_strv_free(v, nv);
                    return source_error(e, s, v[i]);
                }
                const mm_fact *f = last_any(&s->facts, n->key);
                if (f)
                    best = f;
            }
            mm_strv_free(v, nv);
        }
    }
    if (!first_present && !best && !n->def && n->op != OP_ABSENT) {
        add_ev(e, paths[0], 0, n->key, NULL, NULL, "file absent");
        e->message = cfmt(c, "%s is absent", paths[0]);
        return MM_CHECK_FAIL;
    }
    return judge(e, n, best, first_present ? first_present : paths[0], n->key);
}

static mm_check_status eval_config(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    const char *fmt = n->target;
    if (!strcmp(fmt, "sshd")) {
        const char *path = n->path ? n->path : "/etc/ssh/sshd_config";
        parsed *s = get_source(c, "sshd", p_sshd, path);
        if (s && s->rc == MM_ENOTFOUND && !n->def) {
            add_ev(e, path, 0, n->key, NULL, NULL, "file absent");
            e->message = cfmt(c, "%s is absent", path);
            return n->op == OP_ABSENT ? MM_CHECK_PASS : MM_CHECK_FAIL;
        }
        if (!s || (s->rc && s->rc != MM_ENOTFOUND))
            return source_error(e, s, path);
        char key[128];
        size_t i = 0;
        for (; n->key[i] && i < sizeof(key) - 1; i++)
            key[i] = (char)tolower((unsigned char)n->key[i]);
        key[i] = '\0';
        return judge(e, n, mm_facts_first(&s->facts, key), path, n->key);
    }
    if (!strcmp(fmt, "shell")) {
        parsed *s = get_source(c, "shell", p_shell, NULL);
        if (!s || s->rc)
            return source_error(e, s, "/etc/profile");
        return judge(e, n, mm_shell_lookup(&s->facts, n->key),
                     "/etc/profile, /etc/profile.d/*.sh, /etc/bash.bashrc", n->key);
    }
    if (!strcmp(fmt, "sysctl")) {
        parsed *s = get_source(c, "sysctl", p_sysctl, NULL);
        if (!s || (s->rc && s->rc != MM_ENOTFOUND))
            return source_error(e, s, "sysctl.d");
        const mm_fact *f = mm_facts_last(&s->facts, n->key);
        mm_check_status st = judge(e, n, f, "/etc/sysctl.conf and sysctl.d", n->key);
        if (mm_root_is_live(c->root)) {
            char path[256], *val = NULL;
            snprintf(path, sizeof(path), "/proc/sys/%s", n->key);
            for (char *p = path + 10; *p; p++)
                if (*p == '.')
                    *p = '/';
            int rc = mm_root_read(c->root, path, 4096, &val, NULL);
            if (rc == MM_OK) {
                char *t = val + strlen(val);
                while (t > val && isspace((unsigned char)t[-1]))
                    *--t = '\0';
                for (char *p = val; *p; p++)
                    if (*p == '\t')
                        *p = ' ';
                mm_fact live = {n->key, val, path, 0, "running value"};
                const char *saved = e->message;
                mm_check_status rs = judge(e, n, &live, path, n->key);
                if (st == MM_CHECK_PASS)
                    st = rs;
                else
                    e->message = saved;
            } else if (rc != MM_ENOTFOUND) {
                st = MM_CHECK_ERROR;
                e->message = cfmt(c, "could not read %s: %s", path, mm_error_last());
            }
            free(val);
        }
        return st;
    }
    if (!strcmp(fmt, "modprobe")) {
        parsed *s = get_source(c, "modprobe", p_modprobe, NULL);
        if (!s || (s->rc && s->rc != MM_ENOTFOUND))
            return source_error(e, s, "modprobe.d");
        char key[128];
        size_t i = 0;
        for (; n->key[i] && i < sizeof(key) - 1; i++)
            key[i] = n->key[i] == '-' ? '_' : n->key[i];
        key[i] = '\0';
        /* any directive for the module may satisfy the check */
        const mm_fact *hit = NULL;
        for (size_t k = 0; k < s->facts.n; k++) {
            const mm_fact *f = &s->facts.items[k];
            if (strcmp(f->key, key) != 0)
                continue;
            const char *exp;
            eval tmp = {c, {0}, NULL};
            if (compare(&tmp, n, f->value, &exp) == MM_CHECK_PASS) {
                hit = f;
                free(tmp.ev.v);
                break;
            }
            free(tmp.ev.v);
            if (!hit)
                hit = f;
        }
        return judge(e, n, hit, "modprobe.d", n->key);
    }
    static const char *const logindefs[] = {"/etc/login.defs"};
    static const char *const auditd[] = {"/etc/audit/auditd.conf"};
    static const char *const faillock[] = {"/etc/security/faillock.conf"};
    static const char *const pwquality[] = {"/etc/security/pwquality.conf"};
    static const char *const chrony[] = {"/etc/chrony/chrony.conf", "/etc/chrony.conf"};
    static const char *const timesyncd[] = {"/etc/systemd/timesyncd.conf"};
    const char *one[1] = {n->path};
    if (!strcmp(fmt, "login.defs"))
        return config_kv(e, n, n->path ? one : logindefs, 1, NULL, p_space);
    if (!strcmp(fmt, "auditd"))
        return config_kv(e, n, n->path ? one : auditd, 1, NULL, p_equals);
    if (!strcmp(fmt, "faillock"))
        return config_kv(e, n, n->path ? one : faillock, 1, NULL, p_equals);
    if (!strcmp(fmt, "pwquality"))
        return config_kv(e, n, n->path ? one : pwquality, 1,
                         "/etc/security/pwquality.conf.d/*.conf", p_equals);
    if (!strcmp(fmt, "chrony"))
        return config_kv(e, n, n->path ? one : chrony, n->path ? 1 : 2, NULL, p_space);
    if (!strcmp(fmt, "timesyncd"))
        return config_kv(e, n, n->path ? one : timesyncd, 1, "/etc/systemd/timesyncd.conf.d/*.conf",
                         p_ini);
    e->message = "unknown config format";
    return MM_CHECK_ERROR;
}

static const char *basename_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The module token of a PAM line's value ("control module args"), or NULL. */
static const char *pam_module(const char *v, const char **args)
{
    const char *p = v;
    if (*p == '[') {
        p = strchr(p, ']');
        if (!p)
            return NULL;
        p++;
    } else {
        while (*p && !isspace((unsigned char)*p))
            p++;
    }
    while (isspace((unsigned char)*p))
        p++;
    *args = p;
    while (**args && !isspace((unsigned char)**args))
        (*args)++;
    return *p ? p : NULL;
}

static mm_check_status eval_pam(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    parsed *s = NULL;
    const char *service = NULL;
    for (size_t i = 0; i < n->nlist; i++) {
        char path[256];
        snprintf(path, sizeof(path), "/etc/pam.d/%s", n->list[i]);
        if (!file_exists(c, path))
            continue;
        service = n->list[i];
        s = get_source(c, "pam", p_pam, service);
        break;
    }
    if (!service) {
        add_ev(e, "/etc/pam.d", 0, n->list[0], NULL, NULL, "no such PAM service");
        e->message = cfmt(c, "no PAM service %s", n->list[0]);
        return n->present == 0 ? MM_CHECK_PASS : MM_CHECK_FAIL;
    }
    if (!s || s->rc)
        return source_error(e, s, service);
    const mm_fact *line = NULL, *with_arg = NULL;
    char argval[256] = "";
    for (size_t k = 0; k < s->facts.n; k++) {
        const mm_fact *f = &s->facts.items[k];
        if (n->type && strcmp(f->key, n->type) != 0)
            continue;
        const char *args;
        const char *mod = pam_module(f->value, &args);
        if (!mod)
            continue;
        char modname[128];
        size_t ml = (size_t)(args - mod);
        if (ml >= sizeof(modname))
            ml = sizeof(modname) - 1;
        memcpy(modname, mod, ml);
        modname[ml] = '\0';
        if (strcmp(basename_of(modname), n->module) != 0)
            continue;
        if (!line)
            line = f;
        if (n->key && !with_arg) {
            size_t kl = strlen(n->key);
            for (const char *a = args; *a;) {
                while (isspace((unsigned char)*a))
                    a++;
                const char *end = a;
                while (*end && !isspace((unsigned char)*end))
                    end++;
                if ((size_t)(end - a) >= kl && !strncmp(a, n->key, kl) &&
                    (a[kl] == '=' || a + kl == end)) {
                    with_arg = f;
                    size_t vl = a[kl] == '=' ? (size_t)(end - a - (long)kl - 1) : 0;
                    if (vl >= sizeof(argval))
                        vl = sizeof(argval) - 1;
                    memcpy(argval, a + kl + 1, a[kl] == '=' ? vl : 0);
                    argval[a[kl] == '=' ? vl : 0] = '\0';
                    break;
                }
                a = end;
            }
        }
    }
    char what[256];
    snprintf(what, sizeof(what), "%s%s%s", n->type ? n->type : "", n->type ? " " : "", n->module);
    if (!n->key) {
        bool want = n->present != 0;
        add_ev(e,
               line         ? line->file
               : s->facts.n ? s->facts.items[0].file
                            : service,
               line ? line->line : 0, what, line ? line->value : NULL, want ? "present" : "absent",
               NULL);
        e->message =
            cfmt(c, "%s is %s in the %s stack", what, line ? "present" : "absent", service);
        return (line != NULL) == want ? MM_CHECK_PASS : MM_CHECK_FAIL;
    }
    if (!with_arg) {
        mm_fact none = {n->key, NULL, line ? line->file : service, line ? line->line : 0, NULL};
        (void)none;
        return judge(e, n, NULL, line ? line->file : service, n->key);
    }
    mm_fact f = {n->key, argval, with_arg->file, with_arg->line, NULL};
    return judge(e, n, &f, with_arg->file, n->key);
}

static mm_check_status eval_file(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    struct stat st;
    int rc = mm_root_stat(c->root, n->target, &st);
    if (rc == MM_ENOTFOUND) {
        bool want_absent = n->exists == 0;
        add_ev(e, n->target, 0, "exists", "no", want_absent ? "no" : "yes", NULL);
        e->message = cfmt(c, "%s does not exist", n->target);
        return want_absent ? MM_CHECK_PASS : MM_CHECK_FAIL;
    }
    if (rc) {
        add_ev(e, n->target, 0, NULL, NULL, NULL, mm_error_last());
        e->message = cfmt(c, "could not read %s: %s", n->target, mm_error_last());
        return MM_CHECK_ERROR;
    }
    if (n->exists == 0) {
        add_ev(e, n->target, 0, "exists", "yes", "no", NULL);
        e->message = cfmt(c, "%s exists", n->target);
        return MM_CHECK_FAIL;
    }
    mm_check_status result = MM_CHECK_PASS;
    char obs[64], exp[64];
    if (n->mode_max) {
        unsigned mode = st.st_mode & 07777;
        snprintf(obs, sizeof(obs), "%04o", mode);
        snprintf(exp, sizeof(exp), "%04o or stricter", n->mode);
        bool ok = (mode & ~n->mode) == 0;
        add_ev(e, n->target, 0, "mode", obs, exp, NULL);
        if (!ok) {
            result = MM_CHECK_FAIL;
            e->message = cfmt(c, "%s has mode %s (expected %s)", n->target, obs, exp);
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        const char **names = pass ? n->groups : n->owners;
        size_t nn = pass ? n->ngroups : n->nowners;
        if (!nn)
            continue;
        unsigned id = pass ? (unsigned)st.st_gid : (unsigned)st.st_uid;
        parsed *s = get_source(c, pass ? "group" : "passwd", pass ? p_group : p_passwd, NULL);
        const char *name = NULL;
        for (size_t k = 0; s && !s->rc && k < s->facts.n && !name; k++) {
            /* value: "x:UID:GID:..." (passwd) or "x:GID:members" (group) */
            const char *v = strchr(s->facts.items[k].value, ':');
            if (v && strtoul(v + 1, NULL, 10) == id && isdigit((unsigned char)v[1]))
                name = s->facts.items[k].key;
        }
        snprintf(obs, sizeof(obs), "%s (%u)", name ? name : "?", id);
        bool ok = false;
        char list[128] = "";
        for (size_t k = 0; k < nn; k++) {
            ok |= name && !strcmp(name, names[k]);
            strncat(list, k ? " or " : "", sizeof(list) - strlen(list) - 1);
            strncat(list, names[k], sizeof(list) - strlen(list) - 1);
        }
        add_ev(e, n->target, 0, pass ? "group" : "owner", obs, list, NULL);
        if (!ok && result == MM_CHECK_PASS) {
            result = MM_CHECK_FAIL;
            e->message = cfmt(c, "%s %s is %s (expected %s)", n->target, pass ? "group" : "owner",
                              obs, list);
        }
    }
    if (result == MM_CHECK_PASS)
        e->message = cfmt(
            c, "%s exists%s", n->target,
            n->mode_max || n->nowners || n->ngroups ? " with the expected mode and owner" : "");
    return result;
}

static mm_check_status eval_package(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    parsed *s = get_source(c, "packages", p_packages, NULL);
    if (!s || s->rc)
        return source_error(e, s, "the package database");
    const mm_fact *hit = NULL;
    for (size_t i = 0; i < n->nlist && !hit; i++)
        hit = last_any(&s->facts, n->list[i]);
    char names[256] = "";
    for (size_t i = 0; i < n->nlist; i++) {
        strncat(names, i ? " or " : "", sizeof(names) - strlen(names) - 1);
        strncat(names, n->list[i], sizeof(names) - strlen(names) - 1);
    }
    const char *src =
        file_exists(c, "/var/lib/dpkg/status") ? "/var/lib/dpkg/status" : "rpm database";
    add_ev(e, src, 0, hit ? hit->key : names,
           hit ? cfmt(c, "installed %s", hit->value) : "not installed",
           n->present ? "installed" : "not installed", NULL);
    e->message =
        cfmt(c, "%s %s", hit ? hit->key : names, hit ? "is installed" : "is not installed");
    return (hit != NULL) == (n->present != 0) ? MM_CHECK_PASS : MM_CHECK_FAIL;
}

static mm_check_status eval_service(eval *e, const mm_check_node *n)
{
    const char *state = NULL;
    parsed *w = get_source(e->c, "systemd-wanted", p_wanted, NULL);
    int rc =
        mm_systemd_unit_state_with(e->c->root, w && !w->rc ? &w->facts : NULL, n->target, &state);
    if (rc) {
        add_ev(e, "/etc/systemd/system", 0, n->target, NULL, NULL, mm_error_last());
        e->message = cfmt(e->c, "could not read the state of %s: %s", n->target, mm_error_last());
        return MM_CHECK_ERROR;
    }
    char want[128] = "";
    bool ok = false;
    for (size_t i = 0; i < n->nvalues; i++) {
        ok |= !strcmp(state, n->values[i]);
        strncat(want, i ? " or " : "", sizeof(want) - strlen(want) - 1);
        strncat(want, n->values[i], sizeof(want) - strlen(want) - 1);
    }
    add_ev(e, "/etc/systemd/system", 0, n->target, state, want, NULL);
    e->message = cfmt(e->c, "%s is %s (expected %s)", n->target, state, want);
    return ok ? MM_CHECK_PASS : MM_CHECK_FAIL;
}

static bool has_option(const char *opts, const char *opt)
{
    size_t l = strlen(opt);
    for (const char *p = opts; p && *p;) {
        if (!strncmp(p, opt, l) && (p[l] == ',' || p[l] == '\0'))
            return true;
        p = strchr(p, ',');
        if (p)
            p++;
    }
    return false;
}

static mm_check_status mount_in(eval *e, const mm_check_node *n, parsed *s, const char *what)
{
    const mm_fact *f = last_any(&s->facts, n->target);
    if (!f) {
        add_ev(e, what, 0, n->target, NULL, n->exists == 1 ? "a separate file system" : "mounted",
               "no entry");
        e->message = cfmt(e->c, "%s has no entry in %s", n->target, what);
        return n->exists == 1 || n->nvalues ? MM_CHECK_FAIL : MM_CHECK_PASS;
    }
    /* value: "device type options dump pass" */
    char dev[256], type[64], opts[512] = "";
    if (sscanf(f->value, "%255s %63s %511s", dev, type, opts) < 3)
        opts[0] = '\0';
    mm_check_status st = MM_CHECK_PASS;
    for (size_t i = 0; i < n->nvalues; i++) {
        bool ok = has_option(opts, n->values[i]);
        add_ev(e, f->file, f->line, cfmt(e->c, "%s options", n->target), opts, n->values[i], NULL);
        if (!ok && st == MM_CHECK_PASS) {
            st = MM_CHECK_FAIL;
            e->message = cfmt(e->c, "%s is mounted without %s (%s)", n->target, n->values[i], what);
        }
    }
    if (!n->nvalues)
        add_ev(e, f->file, f->line, n->target, f->value, "a separate file system", NULL);
    if (st == MM_CHECK_PASS)
        e->message = cfmt(e->c, "%s is a separate file system%s", n->target,
                          n->nvalues ? " with the expected options" : "");
    return st;
}

static mm_check_status eval_mount(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    parsed *s = get_source(c, "fstab", p_fstab, NULL);
    if (!s || (s->rc && s->rc != MM_ENOTFOUND))
        return source_error(e, s, "/etc/fstab");
    mm_check_status st = mount_in(e, n, s, "/etc/fstab");
    if (mm_root_is_live(c->root)) {
        parsed *m = get_source(c, "mounts", p_mounts, NULL);
        if (m && !m->rc) {
            const char *saved = e->message;
            mm_check_status ms = mount_in(e, n, m, "/proc/mounts");
            if (st == MM_CHECK_PASS)
                st = ms;
            else
                e->message = saved;
        }
    }
    return st;
}

static mm_check_status eval_audit(eval *e, const mm_check_node *n)
{
    parsed *s = get_source(e->c, "audit", p_audit, NULL);
    if (s && s->rc == MM_ENOTFOUND) {
        add_ev(e, "/etc/audit/rules.d", 0, NULL, NULL, n->value, "no audit rules");
        e->message = "no audit rules are configured";
        return MM_CHECK_FAIL;
    }
    if (!s || s->rc)
        return source_error(e, s, "/etc/audit/rules.d");
    for (size_t i = 0; i < s->facts.n; i++) {
        const mm_fact *f = &s->facts.items[i];
        if (regexec(n->regex, f->value, 0, NULL, 0) == 0) {
            add_ev(e, f->file, f->line, "audit rule", f->value, n->value, NULL);
            e->message = cfmt(e->c, "audit rule present: %s", f->value);
            return MM_CHECK_PASS;
        }
    }
    add_ev(e, "/etc/audit/rules.d", 0, "audit rule", NULL, n->value, "no rule matches");
    e->message = cfmt(e->c, "no audit rule matches %s", n->value);
    return MM_CHECK_FAIL;
}

static mm_check_status eval_accounts(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    bool shadow =
        !strcmp(n->target, "no_empty_passwords") || !strcmp(n->target, "strong_password_hashes");
    parsed *s =
        shadow ? get_source(c, "shadow", p_shadow, NULL) : get_source(c, "passwd", p_passwd, NULL);
    const char *file = shadow ? "/etc/shadow" : "/etc/passwd";
    if (!s || s->rc)
        return source_error(e, s, file);
    size_t bad = 0;
    for (size_t i = 0; i < s->facts.n; i++) {
        const mm_fact *f = &s->facts.items[i];
        const char *v = f->value;
        const char *why = NULL;
        if (!strcmp(n->target, "uid0_only_root")) {
            const char *uid = strchr(v, ':');
            if (uid && !strncmp(uid + 1, "0:", 2) && strcmp(f->key, "root") != 0)
                why = "UID 0";
        } else if (!strcmp(n->target, "no_legacy_plus_entries")) {
            if (f->key[0] == '+' || f->key[0] == '-')
                why = "NIS legacy entry";
        } else {
            size_t hl = strcspn(v, ":");
            if (!strcmp(n->target, "no_empty_passwords")) {
                if (hl == 0)
                    why = "empty password";
            } else if (hl > 0 && v[0] != '!' && v[0] != '*') {
                if (strncmp(v, "$y$", 3) && strncmp(v, "$6$", 3) && strncmp(v, "$5$", 3) &&
                    strncmp(v, "$gy$", 4))
                    why = "weak password hash";
            }
        }
        if (why) {
            if (bad < 10)
                add_ev(e, file, f->line, f->key, why, NULL, NULL);
            bad++;
        }
    }
    if (!bad) {
        add_ev(e, file, 0, n->target, cfmt(c, "%zu entries checked", s->facts.n), "none offending",
               NULL);
        e->message = cfmt(c, "%s: no offending entry in %s", n->target, file);
        return MM_CHECK_PASS;
    }
    e->message =
        cfmt(c, "%zu offending entr%s in %s (%s)", bad, bad == 1 ? "y" : "ies", file, n->target);
    return MM_CHECK_FAIL;
}

static mm_check_status eval_sudoers(eval *e, const mm_check_node *n)
{
    parsed *s = get_source(e->c, "sudoers", p_sudoers, NULL);
    if (s && s->rc == MM_ENOTFOUND) {
        add_ev(e, "/etc/sudoers", 0, NULL, NULL, NULL, "sudo is not configured");
        e->message = "/etc/sudoers is absent";
        return !strcmp(n->target, "no_rule_matches") ? MM_CHECK_PASS : MM_CHECK_FAIL;
    }
    if (!s || s->rc)
        return source_error(e, s, "/etc/sudoers");
    if (!strcmp(n->target, "defaults")) {
        for (size_t i = 0; i < s->facts.n; i++) {
            const mm_fact *f = &s->facts.items[i];
            if (strcmp(f->key, "Defaults") != 0)
                continue;
            /* "use_pty", "logfile=/var/log/sudo.log", "env_reset, use_pty" */
            const char *p = f->value;
            size_t l = strlen(n->value);
            while ((p = strstr(p, n->value))) {
                bool start = p == f->value || p[-1] == ' ' || p[-1] == ',' || p[-1] == '\t';
                char endc = p[l];
                if (start && (endc == '\0' || endc == ',' || endc == ' ' || endc == '=')) {
                    add_ev(e, f->file, f->line, "Defaults", f->value, n->value, NULL);
                    e->message =
                        cfmt(e->c, "sudo Defaults sets %s (%s:%d)", n->value, f->file, f->line);
                    return MM_CHECK_PASS;
                }
                p += l;
            }
        }
        add_ev(e, "/etc/sudoers", 0, "Defaults", NULL, n->value, "not set");
        e->message = cfmt(e->c, "sudo Defaults does not set %s", n->value);
        return MM_CHECK_FAIL;
    }
    size_t bad = 0;
    for (size_t i = 0; i < s->facts.n; i++) {
        const mm_fact *f = &s->facts.items[i];
        if (strcmp(f->key, "rule") != 0 || regexec(n->regex, f->value, 0, NULL, 0) != 0)
            continue;
        if (bad++ < 10)
            add_ev(e, f->file, f->line, "rule", f->value, cfmt(e->c, "no %s", n->value), NULL);
    }
    if (!bad) {
        add_ev(e, "/etc/sudoers", 0, "rules", "none matching", cfmt(e->c, "no %s", n->value), NULL);
        e->message = cfmt(e->c, "no sudo rule matches %s", n->value);
        return MM_CHECK_PASS;
    }
    e->message = cfmt(e->c, "%zu sudo rule%s %s %s", bad, bad == 1 ? "" : "s",
                      bad == 1 ? "matches" : "match", n->value);
    return MM_CHECK_FAIL;
}

static mm_check_status eval_fips(eval *e)
{
    scan_ctx *c = e->c;
    char *v = NULL;
    if (mm_root_is_live(c->root)) {
        int rc = mm_root_read(c->root, "/proc/sys/crypto/fips_enabled", 64, &v, NULL);
        if (rc == MM_ENOTFOUND) {
            add_ev(e, "/proc/sys/crypto/fips_enabled", 0, "fips_enabled", NULL, "1",
                   "the kernel has no FIPS support");
            e->message = "the kernel is not in FIPS mode (no /proc/sys/crypto/fips_enabled)";
            return MM_CHECK_FAIL;
        }
        if (rc) {
            e->message = cfmt(c, "could not read fips_enabled: %s", mm_error_last());
            return MM_CHECK_ERROR;
        }
        bool on = v[0] == '1';
        add_ev(e, "/proc/sys/crypto/fips_enabled", 1, "fips_enabled", on ? "1" : "0", "1", NULL);
        free(v);
        e->message = on ? "the kernel is in FIPS mode" : "the kernel is not in FIPS mode";
        return on ? MM_CHECK_PASS : MM_CHECK_FAIL;
    }
    static const char *const files[] = {"/etc/kernel/cmdline", "/etc/default/grub"};
    for (size_t i = 0; i < 2; i++) {
        if (mm_root_read(c->root, files[i], 1 << 20, &v, NULL) != MM_OK)
            continue;
        const char *hit = strstr(v, "fips=1");
        int line = 1;
        for (const char *p = v; hit && p < hit; p++)
            line += *p == '\n';
        free(v);
        if (hit) {
            add_ev(e, files[i], line, "kernel command line", "fips=1", "fips=1", NULL);
            e->message = cfmt(c, "fips=1 is on the kernel command line (%s)", files[i]);
            return MM_CHECK_PASS;
        }
    }
    add_ev(e, "/etc/default/grub", 0, "kernel command line", NULL, "fips=1", "not set");
    e->message = "fips=1 is not on the kernel command line";
    return MM_CHECK_FAIL;
}

static mm_check_status eval_process(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    if (!mm_root_is_live(c->root)) {
        e->message = "running processes are known only when scanning the live system";
        return MM_CHECK_NOT_APPLICABLE;
    }
    char **pids;
    size_t np;
    if (mm_root_list(c->root, "/proc", &pids, &np) != MM_OK) {
        e->message = cfmt(c, "could not list /proc: %s", mm_error_last());
        return MM_CHECK_ERROR;
    }
    bool found = false;
    for (size_t i = 0; i < np && !found; i++) {
        if (!isdigit((unsigned char)pids[i][0]))
            continue;
        char path[64], *comm = NULL;
        snprintf(path, sizeof(path), "/proc/%s/comm", pids[i]);
        if (mm_root_read(c->root, path, 256, &comm, NULL) == MM_OK) {
            comm[strcspn(comm, "\n")] = '\0';
            found = !strcmp(comm, n->target);
        }
        free(comm);
    }
    mm_strv_free(pids, np);
    add_ev(e, "/proc", 0, n->target, found ? "running" : "not running",
           n->present ? "running" : "not running", NULL);
    e->message = cfmt(c, "%s is %s", n->target, found ? "running" : "not running");
    return found == (n->present != 0) ? MM_CHECK_PASS : MM_CHECK_FAIL;
}

static const mm_walk_result *get_walk(scan_ctx *c, int *rc)
{
    parsed *pw = get_source(c, "passwd", p_passwd, NULL);
    parsed *gr = get_source(c, "group", p_group, NULL);
    pthread_mutex_lock(&c->walk_lock);
    if (!c->walked) {
        c->walk_rc = mm_walk_all(&c->walk, c->root, pw && !pw->rc ? &pw->facts : NULL,
                                 gr && !gr->rc ? &gr->facts : NULL);
        c->walked = true;
    }
    pthread_mutex_unlock(&c->walk_lock);
    *rc = c->walk_rc;
    return &c->walk;
}

static mm_check_status eval_walk(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    int rc;
    const mm_walk_result *w = get_walk(c, &rc);
    if (rc) {
        e->message = "could not walk the file system";
        return MM_CHECK_ERROR;
    }
    const mm_walk_list *l = !strcmp(n->target, "world_writable") ? &w->world_writable
                            : !strcmp(n->target, "suid")         ? &w->suid
                                                                 : &w->unowned;
    if (l == &w->unowned && !w->owners_known) {
        e->message = "files without an owner need /etc/passwd and /etc/group";
        return MM_CHECK_ERROR;
    }
    size_t count = l->count, shown = 0;
    for (size_t i = 0; i < l->n; i++) {
        bool allowed = false;
        for (size_t k = 0; k < n->nlist && !allowed; k++)
            allowed = !strcmp(n->list[k], l->paths[i]);
        if (allowed) {
            count--;
            continue;
        }
        if (shown++ < 10)
            add_ev(e, l->paths[i], 0, n->target, "found", "none", NULL);
    }
    if (!count)
        add_ev(e, mm_root_path(c->root), 0, n->target, "none", "none", NULL);
    e->message = cfmt(c, "%zu file%s found (%s)", count, count == 1 ? "" : "s", n->target);
    return count ? MM_CHECK_FAIL : MM_CHECK_PASS;
}

static mm_check_status eval_node(eval *e, const mm_check_node *n)
{
    switch (n->kind) {
    case N_ALL:
    case N_ANY: {
        bool any_err = false, all_na = true;
        const char *first_fail = NULL, *first_pass = NULL;
        for (size_t i = 0; i < n->nkids; i++) {
            e->message = NULL;
            mm_check_status s = eval_node(e, n->kids[i]);
            if (s != MM_CHECK_NOT_APPLICABLE)
                all_na = false;
            if (s == MM_CHECK_ERROR)
                any_err = true;
            if (s == MM_CHECK_FAIL && !first_fail)
                first_fail = e->message;
            if (s == MM_CHECK_PASS && !first_pass)
                first_pass = e->message;
            if (n->kind == N_ALL && s == MM_CHECK_FAIL) {
                e->message = first_fail;
                return MM_CHECK_FAIL;
            }
            if (n->kind == N_ANY && s == MM_CHECK_PASS) {
                e->message = first_pass;
                return MM_CHECK_PASS;
            }
        }
        if (any_err)
            return MM_CHECK_ERROR;
        if (all_na)
            return MM_CHECK_NOT_APPLICABLE;
        e->message = n->kind == N_ALL ? first_pass : first_fail;
        return n->kind == N_ALL ? MM_CHECK_PASS : MM_CHECK_FAIL;
    }
    case N_NOT: {
        size_t first = e->ev.n;
        mm_check_status s = eval_node(e, n->kids[0]);
        for (size_t i = first; i < e->ev.n; i++) /* what is expected is the opposite */
            if (e->ev.v[i].expected)
                e->ev.v[i].expected = cfmt(e->c, "not %s", e->ev.v[i].expected);
        if (e->message && (s == MM_CHECK_PASS || s == MM_CHECK_FAIL))
            e->message = cfmt(e->c, "%s (the rule requires the opposite)", e->message);
        if (s == MM_CHECK_PASS)
            return MM_CHECK_FAIL;
        if (s == MM_CHECK_FAIL)
            return MM_CHECK_PASS;
        return s;
    }
    case N_FILE:
        return eval_file(e, n);
    case N_CONFIG:
        return eval_config(e, n);
    case N_PAM:
        return eval_pam(e, n);
    case N_PACKAGE:
        return eval_package(e, n);
    case N_SERVICE:
        return eval_service(e, n);
    case N_MOUNT:
        return eval_mount(e, n);
    case N_AUDIT:
        return eval_audit(e, n);
    case N_ACCOUNTS:
        return eval_accounts(e, n);
    case N_SUDOERS:
        return eval_sudoers(e, n);
    case N_FIPS:
        return eval_fips(e);
    case N_PROCESS:
        return eval_process(e, n);
    case N_WALK:
        return eval_walk(e, n);
    }
    return MM_CHECK_ERROR;
}

static bool platform_matches(const scan_ctx *c, const mm_rule *r)
{
    if (!r->nplatforms || !c->os_id)
        return true;
    for (size_t i = 0; i < r->nplatforms; i++) {
        if (!strcmp(r->platforms[i], c->os_id))
            return true;
        if (c->os_like) {
            const char *p = c->os_like;
            size_t l = strlen(r->platforms[i]);
            while ((p = strstr(p, r->platforms[i]))) {
                if ((p == c->os_like || p[-1] == ' ') && (p[l] == ' ' || p[l] == '\0'))
                    return true;
                p += l;
            }
        }
    }
    return false;
}

static void run_rule(scan_ctx *c, const mm_rule *r, mm_rule_result *out)
{
    eval e = {c, {0}, NULL};
    out->rule = r;
    if (r->deep && !c->opts->deep) {
        out->status = MM_CHECK_NOT_APPLICABLE;
        out->message = "whole-filesystem rule: run with --deep";
    } else if (!platform_matches(c, r)) {
        out->status = MM_CHECK_NOT_APPLICABLE;
        out->message = cfmt(c, "not for this platform (%s)", c->os_id);
    } else {
        mm_check_status st = MM_CHECK_PASS;
        if (r->applies_if) {
            st = eval_node(&e, r->applies_if);
            if (st == MM_CHECK_FAIL || st == MM_CHECK_NOT_APPLICABLE) {
                out->status = MM_CHECK_NOT_APPLICABLE;
                out->message =
                    cfmt(c, "not applicable: %s", e.message ? e.message : "condition not met");
            } else if (st == MM_CHECK_ERROR) {
                out->status = MM_CHECK_ERROR;
                out->message = e.message;
            }
            if (st != MM_CHECK_PASS)
                goto done;
            /* keep only the check's evidence */
            e.ev.n = 0;
            e.message = NULL;
        }
        out->status = eval_node(&e, r->check);
        out->message = e.message;
    }
done:
    if (!out->message)
        out->message = mm_check_status_name(out->status);
    if (e.ev.n) {
        pthread_mutex_lock(&c->lock);
        out->evidence = mm_arena_calloc(c->arena, e.ev.n, sizeof(mm_evidence));
        pthread_mutex_unlock(&c->lock);
        if (out->evidence) {
            memcpy(out->evidence, e.ev.v, e.ev.n * sizeof(mm_evidence));
            out->nevidence = e.ev.n;
        }
    }
    free(e.ev.v);
}

typedef struct worker {
    scan_ctx *c;
    const mm_ruleset *rs;
    mm_scan *scan;
    atomic_size_t next;
    atomic_size_t done;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&w->next, 1);
        if (i >= w->rs->nrules)
            break;
        run_rule(w->c, &w->rs->rules[i], &w->scan->results[i]);
        size_t d = atomic_fetch_add(&w->done, 1) + 1;
        if (w->c->opts->progress) {
            pthread_mutex_lock(&w->c->lock);
            w->c->opts->progress(w->c->opts->progress_ctx, d, w->rs->nrules);
            pthread_mutex_unlock(&w->c->lock);
        }
    }
    return NULL;
}

/* os-release: PRETTY_NAME, ID and ID_LIKE (quotes removed). */
static void read_os(scan_ctx *c, mm_scan *s)
{
    mm_facts f;
    if (mm_facts_init(&f))
        return;
    int rc = mm_parse_kv_file(&f, c->root, "/etc/os-release", MM_KV_EQUALS);
    if (rc == MM_ENOTFOUND)
        rc = mm_parse_kv_file(&f, c->root, "/usr/lib/os-release", MM_KV_EQUALS);
    if (!rc) {
        const char *keys[] = {"PRETTY_NAME", "ID", "ID_LIKE"};
        const char **outs[] = {&s->os, &s->os_id, &c->os_like};
        for (int i = 0; i < 3; i++) {
            const mm_fact *x = last_any(&f, keys[i]);
            if (!x)
                continue;
            char v[256];
            snprintf(v, sizeof(v), "%s", x->value);
            size_t l = strlen(v);
            char *p = v;
            if (l >= 2 && (v[0] == '"' || v[0] == '\'') && v[l - 1] == v[0]) {
                v[l - 1] = '\0';
                p = v + 1;
            }
            *outs[i] = mm_arena_strdup(c->arena, p);
        }
    }
    mm_facts_free(&f);
    c->os_id = s->os_id;
}

static void read_host(scan_ctx *c, mm_scan *s)
{
    char *h = NULL;
    if (mm_root_read(c->root, "/etc/hostname", 4096, &h, NULL) == MM_OK) {
        h[strcspn(h, " \t\r\n")] = '\0';
        if (h[0])
            s->host = mm_arena_strdup(c->arena, h);
    }
    free(h);
    if (!s->host && mm_root_is_live(c->root)) {
        struct utsname u;
        if (uname(&u) == 0)
            s->host = mm_arena_strdup(c->arena, u.nodename);
    }
    if (!s->host)
        s->host = "unknown";
}

void mm_scan_free(mm_scan *s)
{
    if (!s)
        return;
    free(s->results);
    mm_arena_free(s->arena);
    free(s);
}

int mm_scan_run(mm_scan **out, const mm_ruleset *rs, const mm_scan_options *opts)
{
    *out = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    mm_scan *s = calloc(1, sizeof(*s));
    if (!s || !(s->arena = mm_arena_new())) {
        free(s);
        return MM_ENOMEM;
    }
    s->results = calloc(rs->nrules + 1, sizeof(mm_rule_result));
    if (!s->results) {
        mm_scan_free(s);
        return MM_ENOMEM;
    }
    scan_ctx c = {0};
    c.opts = opts;
    c.arena = s->arena;
    pthread_mutex_init(&c.lock, NULL);
    pthread_mutex_init(&c.walk_lock, NULL);
    const char *rootpath = opts->root ? opts->root : "/";
    int rc = mm_root_open(&c.root, rootpath);
    if (rc) {
        pthread_mutex_destroy(&c.walk_lock);
        pthread_mutex_destroy(&c.lock);
        mm_scan_free(s);
        return rc;
    }
    s->root = mm_arena_strdup(s->arena, rootpath);
    char ts[21];
    mm_time_rfc3339(ts, opts->now);
    s->started = mm_arena_strdup(s->arena, ts);
    s->profile = opts->profile ? mm_arena_strdup(s->arena, opts->profile->name) : NULL;
    read_os(&c, s);
    read_host(&c, s);

    worker w = {&c, rs, s, 0, 0};
    int jobs = opts->jobs > 1 ? opts->jobs : 1;
    if (jobs > 64)
        jobs = 64;
    pthread_t th[64];
    int started = 0;
    for (int i = 1; i < jobs; i++)
        if (pthread_create(&th[started], NULL, work, &w) == 0)
            started++;
    work(&w);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);

    s->nresults = rs->nrules;
    for (size_t i = 0; i < s->nresults; i++)
        s->counts[s->results[i].status]++;
    while (c.sources) {
        parsed *n = c.sources->next;
        mm_facts_free(&c.sources->facts);
        free(c.sources->name);
        free(c.sources->error);
        free(c.sources);
        c.sources = n;
    }
    mm_root_free(c.root);
    mm_walk_result_free(&c.walk);
    pthread_mutex_destroy(&c.walk_lock);
    pthread_mutex_destroy(&c.lock);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s->duration_ms =
        (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (mm_arena_failed(s->arena)) {
        mm_scan_free(s);
        return MM_ENOMEM;
    }
    *out = s;
    return MM_OK;
}
