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
#include <strings.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "check/engine_internal.h"
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
parsed *eng_source(scan_ctx *c, const char *name, parse_fn fn, const char *arg)
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

char *eng_str(scan_ctx *c, const char *s)
{
    pthread_mutex_lock(&c->lock);
    char *p = mm_arena_strdup(c->arena, s);
    pthread_mutex_unlock(&c->lock);
    return p;
}

char *eng_fmt(scan_ctx *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return eng_str(c, buf);
}

void eng_evidence(eval *e, const char *source, int line, const char *key, const char *observed,
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
    x->source = source ? eng_str(e->c, source) : NULL;
    x->line = line;
    x->key = key ? eng_str(e->c, key) : NULL;
    x->observed = observed ? eng_str(e->c, observed) : NULL;
    x->expected = expected ? eng_str(e->c, expected) : NULL;
    x->note = note ? eng_str(e->c, note) : NULL;
}

mm_check_status eng_source_error(eval *e, const parsed *s, const char *what)
{
    if (!s) {
        e->message = "out of memory";
        return MM_CHECK_ERROR;
    }
    eng_evidence(e, what, 0, NULL, NULL, NULL, s->error);
    e->message = eng_fmt(e->c, "could not read %s: %s", what, s->error ? s->error : "error");
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
mm_check_status eng_compare(eval *e, const mm_check_node *n, const char *observed,
                            const char **expected)
{
    scan_ctx *c = e->c;
    const char *want = n->value;
    if (n->odp) {
        double num;
        const char *text;
        if (!odp_number(c, n->odp, n->odp_unit, &num, &text)) {
            *expected = eng_fmt(c, "%s %s", op_text(n->op), n->odp);
            e->message = eng_fmt(c, "the ODP profile gives no number for %s%s%s", n->odp,
                                 text ? ": " : "", text ? text : "");
            return MM_CHECK_ERROR;
        }
        want = eng_fmt(c, "%g", num);
        *expected = eng_fmt(c, "%s %s (%s: \"%s\")", op_text(n->op), want, n->odp, text);
    } else if (n->op == OP_IN) {
        char buf[512] = "";
        for (size_t i = 0; i < n->nvalues; i++) {
            strncat(buf, i ? ", " : "", sizeof(buf) - strlen(buf) - 1);
            strncat(buf, n->values[i], sizeof(buf) - strlen(buf) - 1);
        }
        *expected = eng_fmt(c, "one of %s", buf);
    } else if (n->op == OP_PRESENT || n->op == OP_ABSENT) {
        *expected = op_text(n->op);
    } else {
        *expected = eng_fmt(c, "%s %s", op_text(n->op), want);
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
mm_check_status eng_judge(eval *e, const mm_check_node *n, const mm_fact *f, const char *where,
                          const char *key)
{
    const char *observed = f ? (f->value && f->value[0] ? f->value : "set") : NULL;
    const char *note = NULL, *expected = NULL;
    if (!f && n->def) {
        observed = n->def;
        note = "not set: the program's default applies";
    }
    mm_check_status st = eng_compare(e, n, observed, &expected);
    eng_evidence(e, f ? f->file : where, f ? f->line : 0, key, observed, expected,
                 note ? note : (f && f->context ? f->context : (!f ? "not set" : NULL)));
    if (st == MM_CHECK_ERROR)
        return st; /* eng_compare() said why */
    if (!e->message || st != MM_CHECK_PASS) {
        if (f && f->line)
            e->message = eng_fmt(e->c, "%s is %s at %s:%d (expected %s)", key, observed, f->file,
                                 f->line, expected);
        else if (f)
            e->message =
                eng_fmt(e->c, "%s is %s in %s (expected %s)", key, observed, f->file, expected);
        else if (n->def)
            e->message = eng_fmt(e->c, "%s is not set, so the default %s applies (expected %s)",
                                 key, n->def, expected);
        else
            e->message = eng_fmt(e->c, "%s is not set (expected %s)", key, expected);
    }
    return st;
}

const mm_fact *eng_last(const mm_facts *f, const char *key)
{
    for (size_t i = f->n; i-- > 0;)
        if (strcmp(f->items[i].key, key) == 0)
            return &f->items[i];
    return NULL;
}

int eng_file_exists(scan_ctx *c, const char *path)
{
    struct stat st;
    return mm_root_stat(c->root, path, &st) == MM_OK;
}

/* Several files of one format parsed in order (main file, then conf.d), last value wins. */
static mm_check_status config_kv(eval *e, const mm_check_node *n, const char *const *paths,
                                 size_t npaths, const char *confd, parse_fn fn, bool logindefs)
{
    scan_ctx *c = e->c;
    const mm_fact *best = NULL;
    const char *first_present = NULL;
    for (size_t i = 0; i < npaths; i++) {
        if (!eng_file_exists(c, paths[i]))
            continue;
        if (!first_present)
            first_present = paths[i];
        parsed *s = eng_source(c, "kv", fn, paths[i]);
        if (!s || s->rc)
            return eng_source_error(e, s, paths[i]);
        const mm_fact *f = eng_last(&s->facts, n->key);
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
                parsed *s = eng_source(c, "kv", fn, v[i]);
                if (!s || s->rc) {
                    mm_strv_free(v, nv);
                    return eng_source_error(e, s, v[i]);
                }
                const mm_fact *f = eng_last(&s->facts, n->key);
                if (f)
                    best = f;
            }
            mm_strv_free(v, nv);
        }
    }
    if (!first_present && !best && !n->def && n->op != OP_ABSENT) {
        eng_evidence(e, paths[0], 0, n->key, NULL, NULL, "file absent");
        e->message = eng_fmt(c, "%s is absent", paths[0]);
        return MM_CHECK_FAIL;
    }
    mm_fact defs;
    char word[256];
    if (best && logindefs) {
        /* login.defs as shadow's getdef reads it: leading quotes and blanks skipped, the
         * value ends at the next blank or quote ("027" and 027 # note are 027) */
        const char *v = best->value + strspn(best->value, " \"\t");
        size_t l = strcspn(v, " \"\t");
        snprintf(word, sizeof(word), "%.*s", (int)(l < sizeof(word) ? l : sizeof(word) - 1), v);
        defs = *best;
        defs.value = word;
        best = &defs;
    }
    return eng_judge(e, n, best, first_present ? first_present : paths[0], n->key);
}

/* True for the line of a "Match all" block (any case, any blanks). */
static bool match_all(const char *line)
{
    const char *p = line + strspn(line, " \t");
    if (strncasecmp(p, "match", 5) != 0)
        return false;
    p += 5;
    size_t sp = strspn(p, " \t=");
    if (!sp)
        return false;
    p += sp;
    if (strncasecmp(p, "all", 3) != 0)
        return false;
    p += 3;
    return p[strspn(p, " \t\r")] == '\0' || p[strspn(p, " \t\r")] == '#';
}

static mm_check_status eval_config(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    const char *fmt = n->target;
    if (!strcmp(fmt, "sshd")) {
        const char *path = n->path ? n->path : "/etc/ssh/sshd_config";
        parsed *s = eng_source(c, "sshd", p_sshd, path);
        if (s && s->rc == MM_ENOTFOUND && !n->def) {
            eng_evidence(e, path, 0, n->key, NULL, NULL, "file absent");
            e->message = eng_fmt(c, "%s is absent", path);
            return n->op == OP_ABSENT ? MM_CHECK_PASS : MM_CHECK_FAIL;
        }
        if (!s || (s->rc && s->rc != MM_ENOTFOUND))
            return eng_source_error(e, s, path);
        char key[128];
        size_t i = 0;
        for (; n->key[i] && i < sizeof(key) - 1; i++)
            key[i] = (char)tolower((unsigned char)n->key[i]);
        key[i] = '\0';
        /* sshd: the first value counts; a "Match all" block applies to every connection and
         * overrides the global section (sshd_config(5)), so its first value wins when set */
        const mm_fact *f = mm_facts_first(&s->facts, key);
        for (size_t k = 0; k < s->facts.n; k++) {
            const mm_fact *x = &s->facts.items[k];
            if (x->context && !strcmp(x->key, key) && match_all(x->context)) {
                f = x;
                break;
            }
        }
        return eng_judge(e, n, f, path, n->key);
    }
    if (!strcmp(fmt, "shell")) {
        parsed *s = eng_source(c, "shell", p_shell, NULL);
        if (!s || s->rc)
            return eng_source_error(e, s, "/etc/profile");
        return eng_judge(e, n, mm_shell_lookup(&s->facts, n->key),
                         "/etc/profile, /etc/profile.d/*.sh, /etc/bash.bashrc", n->key);
    }
    if (!strcmp(fmt, "sysctl")) {
        parsed *s = eng_source(c, "sysctl", p_sysctl, NULL);
        if (!s || (s->rc && s->rc != MM_ENOTFOUND))
            return eng_source_error(e, s, "sysctl.d");
        const mm_fact *f = mm_facts_last(&s->facts, n->key);
        mm_check_status st = eng_judge(e, n, f, "/etc/sysctl.conf and sysctl.d", n->key);
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
                mm_check_status rs = eng_judge(e, n, &live, path, n->key);
                if (st == MM_CHECK_PASS)
                    st = rs;
                else
                    e->message = saved;
            } else if (rc != MM_ENOTFOUND) {
                st = MM_CHECK_ERROR;
                e->message = eng_fmt(c, "could not read %s: %s", path, mm_error_last());
            }
            free(val);
        }
        return st;
    }
    if (!strcmp(fmt, "modprobe")) {
        parsed *s = eng_source(c, "modprobe", p_modprobe, NULL);
        if (!s || (s->rc && s->rc != MM_ENOTFOUND))
            return eng_source_error(e, s, "modprobe.d");
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
            if (eng_compare(&tmp, n, f->value, &exp) == MM_CHECK_PASS) {
                hit = f;
                free(tmp.ev.v);
                break;
            }
            free(tmp.ev.v);
            if (!hit)
                hit = f;
        }
        return eng_judge(e, n, hit, "modprobe.d", n->key);
    }
    static const char *const logindefs[] = {"/etc/login.defs"};
    static const char *const auditd[] = {"/etc/audit/auditd.conf"};
    static const char *const faillock[] = {"/etc/security/faillock.conf"};
    static const char *const pwquality[] = {"/etc/security/pwquality.conf"};
    static const char *const chrony[] = {"/etc/chrony/chrony.conf", "/etc/chrony.conf"};
    static const char *const timesyncd[] = {"/etc/systemd/timesyncd.conf"};
    const char *one[1] = {n->path};
    if (!strcmp(fmt, "login.defs"))
        return config_kv(e, n, n->path ? one : logindefs, 1, NULL, p_space, !n->path);
    if (!strcmp(fmt, "auditd"))
        return config_kv(e, n, n->path ? one : auditd, 1, NULL, p_equals, false);
    if (!strcmp(fmt, "faillock"))
        return config_kv(e, n, n->path ? one : faillock, 1, NULL, p_equals, false);
    if (!strcmp(fmt, "pwquality"))
        return config_kv(e, n, n->path ? one : pwquality, 1,
                         "/etc/security/pwquality.conf.d/*.conf", p_equals, false);
    if (!strcmp(fmt, "chrony"))
        return config_kv(e, n, n->path ? one : chrony, n->path ? 1 : 2, NULL, p_space, false);
    if (!strcmp(fmt, "timesyncd"))
        return config_kv(e, n, n->path ? one : timesyncd, 1, "/etc/systemd/timesyncd.conf.d/*.conf",
                         p_ini, false);
    e->message = "unknown config format";
    return MM_CHECK_ERROR;
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
                e->ev.v[i].expected = eng_fmt(e->c, "not %s", e->ev.v[i].expected);
        if (e->message && (s == MM_CHECK_PASS || s == MM_CHECK_FAIL))
            e->message = eng_fmt(e->c, "%s (the rule requires the opposite)", e->message);
        if (s == MM_CHECK_PASS)
            return MM_CHECK_FAIL;
        if (s == MM_CHECK_FAIL)
            return MM_CHECK_PASS;
        return s;
    }
    case N_CONFIG:
        return eval_config(e, n);
    case N_PAM:
    case N_PACKAGE:
    case N_SERVICE:
    case N_MOUNT:
    case N_AUDIT:
    case N_ACCOUNTS:
    case N_SUDOERS:
    case N_FIPS:
    case N_PROCESS:
    case N_WALK:
    case N_FILE:
        return eng_eval_system(e, n);
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
        out->message = eng_fmt(c, "not for this platform (%s)", c->os_id);
    } else {
        mm_check_status st = MM_CHECK_PASS;
        if (r->applies_if) {
            st = eval_node(&e, r->applies_if);
            if (st == MM_CHECK_FAIL || st == MM_CHECK_NOT_APPLICABLE) {
                out->status = MM_CHECK_NOT_APPLICABLE;
                out->message =
                    eng_fmt(c, "not applicable: %s", e.message ? e.message : "condition not met");
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
            const mm_fact *x = eng_last(&f, keys[i]);
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
    if (!mm_root_is_live(c.root)) {
        /* a root that is not an operating system's would give answers about nothing: the
         * empty folder "passes" every rule that checks an absence (os-release(5)) */
        struct stat st;
        if (mm_root_stat(c.root, "/etc/os-release", &st) != MM_OK &&
            mm_root_stat(c.root, "/usr/lib/os-release", &st) != MM_OK) {
            mm_error_set("%s: not the root of an operating system (no etc/os-release or "
                         "usr/lib/os-release)",
                         rootpath);
            mm_root_free(c.root);
            pthread_mutex_destroy(&c.walk_lock);
            pthread_mutex_destroy(&c.lock);
            mm_scan_free(s);
            return MM_EINVALID;
        }
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
