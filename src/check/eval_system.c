/*
 * The checks of a rule that read the system rather than one configuration key: files and
 * their modes, PAM stacks, packages, services, mounts, audit rules, accounts, sudoers,
 * FIPS mode, processes and the whole-tree walk.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/audit_rule.h"
#include "check/engine_internal.h"
#include "mamori/error.h"

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
        if (!eng_file_exists(c, path))
            continue;
        service = n->list[i];
        s = eng_source(c, "pam", p_pam, service);
        break;
    }
    if (!service) {
        eng_evidence(e, "/etc/pam.d", 0, n->list[0], NULL, NULL, "no such PAM service");
        e->message = eng_fmt(c, "no PAM service %s", n->list[0]);
        return n->present == 0 ? MM_CHECK_PASS : MM_CHECK_FAIL;
    }
    if (!s || s->rc)
        return eng_source_error(e, s, service);
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
        eng_evidence(e,
                     line         ? line->file
                     : s->facts.n ? s->facts.items[0].file
                                  : service,
                     line ? line->line : 0, what, line ? line->value : NULL,
                     want ? "present" : "absent", NULL);
        e->message =
            eng_fmt(c, "%s is %s in the %s stack", what, line ? "present" : "absent", service);
        return (line != NULL) == want ? MM_CHECK_PASS : MM_CHECK_FAIL;
    }
    if (!with_arg) {
        mm_fact none = {n->key, NULL, line ? line->file : service, line ? line->line : 0, NULL};
        (void)none;
        return eng_judge(e, n, NULL, line ? line->file : service, n->key);
    }
    mm_fact f = {n->key, argval, with_arg->file, with_arg->line, NULL};
    return eng_judge(e, n, &f, with_arg->file, n->key);
}

static mm_check_status eval_file(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    struct stat st;
    int rc = mm_root_stat(c->root, n->target, &st);
    if (rc == MM_ENOTFOUND) {
        bool want_absent = n->exists == 0;
        eng_evidence(e, n->target, 0, "exists", "no", want_absent ? "no" : "yes", NULL);
        e->message = eng_fmt(c, "%s does not exist", n->target);
        return want_absent ? MM_CHECK_PASS : MM_CHECK_FAIL;
    }
    if (rc) {
        eng_evidence(e, n->target, 0, NULL, NULL, NULL, mm_error_last());
        e->message = eng_fmt(c, "could not read %s: %s", n->target, mm_error_last());
        return MM_CHECK_ERROR;
    }
    if (n->exists == 0) {
        eng_evidence(e, n->target, 0, "exists", "yes", "no", NULL);
        e->message = eng_fmt(c, "%s exists", n->target);
        return MM_CHECK_FAIL;
    }
    mm_check_status result = MM_CHECK_PASS;
    char obs[64], exp[64];
    if (n->mode_max) {
        unsigned mode = st.st_mode & 07777;
        snprintf(obs, sizeof(obs), "%04o", mode);
        snprintf(exp, sizeof(exp), "%04o or stricter", n->mode);
        bool ok = (mode & ~n->mode) == 0;
        eng_evidence(e, n->target, 0, "mode", obs, exp, NULL);
        if (!ok) {
            result = MM_CHECK_FAIL;
            e->message = eng_fmt(c, "%s has mode %s (expected %s)", n->target, obs, exp);
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        const char **names = pass ? n->groups : n->owners;
        size_t nn = pass ? n->ngroups : n->nowners;
        if (!nn)
            continue;
        unsigned id = pass ? (unsigned)st.st_gid : (unsigned)st.st_uid;
        parsed *s = eng_source(c, pass ? "group" : "passwd", pass ? p_group : p_passwd, NULL);
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
        eng_evidence(e, n->target, 0, pass ? "group" : "owner", obs, list, NULL);
        if (!ok && result == MM_CHECK_PASS) {
            result = MM_CHECK_FAIL;
            e->message = eng_fmt(c, "%s %s is %s (expected %s)", n->target,
                                 pass ? "group" : "owner", obs, list);
        }
    }
    if (result == MM_CHECK_PASS)
        e->message = eng_fmt(
            c, "%s exists%s", n->target,
            n->mode_max || n->nowners || n->ngroups ? " with the expected mode and owner" : "");
    return result;
}

static mm_check_status eval_package(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    parsed *s = eng_source(c, "packages", p_packages, NULL);
    if (!s || s->rc)
        return eng_source_error(e, s, "the package database");
    const mm_fact *hit = NULL;
    for (size_t i = 0; i < n->nlist && !hit; i++)
        hit = eng_last(&s->facts, n->list[i]);
    char names[256] = "";
    for (size_t i = 0; i < n->nlist; i++) {
        strncat(names, i ? " or " : "", sizeof(names) - strlen(names) - 1);
        strncat(names, n->list[i], sizeof(names) - strlen(names) - 1);
    }
    const char *src =
        eng_file_exists(c, "/var/lib/dpkg/status") ? "/var/lib/dpkg/status" : "rpm database";
    eng_evidence(e, src, 0, hit ? hit->key : names,
                 hit ? eng_fmt(c, "installed %s", hit->value) : "not installed",
                 n->present ? "installed" : "not installed", NULL);
    e->message =
        eng_fmt(c, "%s %s", hit ? hit->key : names, hit ? "is installed" : "is not installed");
    return (hit != NULL) == (n->present != 0) ? MM_CHECK_PASS : MM_CHECK_FAIL;
}

static mm_check_status eval_service(eval *e, const mm_check_node *n)
{
    const char *state = NULL;
    parsed *w = eng_source(e->c, "systemd-wanted", p_wanted, NULL);
    int rc =
        mm_systemd_unit_state_with(e->c->root, w && !w->rc ? &w->facts : NULL, n->target, &state);
    if (rc) {
        eng_evidence(e, "/etc/systemd/system", 0, n->target, NULL, NULL, mm_error_last());
        e->message =
            eng_fmt(e->c, "could not read the state of %s: %s", n->target, mm_error_last());
        return MM_CHECK_ERROR;
    }
    char want[128] = "";
    bool ok = false;
    for (size_t i = 0; i < n->nvalues; i++) {
        ok |= !strcmp(state, n->values[i]);
        strncat(want, i ? " or " : "", sizeof(want) - strlen(want) - 1);
        strncat(want, n->values[i], sizeof(want) - strlen(want) - 1);
    }
    eng_evidence(e, "/etc/systemd/system", 0, n->target, state, want, NULL);
    e->message = eng_fmt(e->c, "%s is %s (expected %s)", n->target, state, want);
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
    const mm_fact *f = eng_last(&s->facts, n->target);
    if (!f) {
        eng_evidence(e, what, 0, n->target, NULL,
                     n->exists == 1 ? "a separate file system" : "mounted", "no entry");
        e->message = eng_fmt(e->c, "%s has no entry in %s", n->target, what);
        return n->exists == 1 || n->nvalues ? MM_CHECK_FAIL : MM_CHECK_PASS;
    }
    /* value: "device type options dump pass" */
    char dev[256], type[64], opts[512] = "";
    if (sscanf(f->value, "%255s %63s %511s", dev, type, opts) < 3)
        opts[0] = '\0';
    mm_check_status st = MM_CHECK_PASS;
    for (size_t i = 0; i < n->nvalues; i++) {
        bool ok = has_option(opts, n->values[i]);
        eng_evidence(e, f->file, f->line, eng_fmt(e->c, "%s options", n->target), opts,
                     n->values[i], NULL);
        if (!ok && st == MM_CHECK_PASS) {
            st = MM_CHECK_FAIL;
            e->message =
                eng_fmt(e->c, "%s is mounted without %s (%s)", n->target, n->values[i], what);
        }
    }
    if (!n->nvalues)
        eng_evidence(e, f->file, f->line, n->target, f->value, "a separate file system", NULL);
    if (st == MM_CHECK_PASS)
        e->message = eng_fmt(e->c, "%s is a separate file system%s", n->target,
                             n->nvalues ? " with the expected options" : "");
    return st;
}

static mm_check_status eval_mount(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    parsed *s = eng_source(c, "fstab", p_fstab, NULL);
    if (!s || (s->rc && s->rc != MM_ENOTFOUND))
        return eng_source_error(e, s, "/etc/fstab");
    mm_check_status st = mount_in(e, n, s, "/etc/fstab");
    if (mm_root_is_live(c->root)) {
        parsed *m = eng_source(c, "mounts", p_mounts, NULL);
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

/* The architecture a syscall rule applies to: its arch field, else the native one (auditctl
 * adds the machine's own; hosts scanned are 64-bit). */
static const char *rule_arch(const mm_audit_rule *r)
{
    const char *a = mm_audit_rule_field(r, "arch");
    return a ? a : "b64";
}

/* Does the always,exit syscall rule r do what n asks of the syscall form? */
static bool audit_syscall_matches(const mm_audit_rule *r, const mm_check_node *n)
{
    if (r->kind != MM_AUDIT_SYSCALL || strcmp(r->action, "always") || strcmp(r->list, "exit"))
        return false;
    bool any = mm_audit_rule_has(r->syscalls, r->nsyscalls, "all");
    for (size_t i = 0; i < n->audit.nsyscalls && !any; i++)
        any = mm_audit_rule_has(r->syscalls, r->nsyscalls, n->audit.syscalls[i]);
    if (!any)
        return false;
    for (size_t i = 0; i < n->audit.nfields; i++)
        if (!mm_audit_rule_has(r->fields, r->nfields, n->audit.fields[i]))
            return false;
    for (size_t i = 0; i < n->audit.ncompares; i++)
        if (!mm_audit_rule_has(r->compares, r->ncompares, n->audit.compares[i]))
            return false;
    return true;
}

/* Does r watch one of n's paths (path= or dir=, as -w or as a syscall rule) for n's perm? */
static bool audit_watch_matches(const mm_audit_rule *r, const mm_check_node *n)
{
    if (r->kind != MM_AUDIT_SYSCALL || strcmp(r->action, "always") || strcmp(r->list, "exit"))
        return false;
    const char *p = mm_audit_rule_field(r, "path");
    if (!p)
        p = mm_audit_rule_field(r, "dir");
    if (!p || !mm_audit_rule_has(n->audit.watch, n->audit.nwatch, p))
        return false;
    const char *perm = mm_audit_rule_field(r, "perm");
    if (!perm) /* a path rule without perm= is for the syscalls it names */
        return false;
    for (const char *q = n->audit.perm ? n->audit.perm : ""; *q; q++)
        if (!strchr(perm, *q))
            return false;
    return true;
}

static const char *audit_want_text(eval *e, const mm_check_node *n)
{
    char buf[1024] = "";
    size_t u = 0;
#define ADD(...) u += (size_t)snprintf(buf + u, u < sizeof(buf) ? sizeof(buf) - u : 0, __VA_ARGS__)
    if (n->audit.enabled)
        ADD("-e %s (last)", n->audit.enabled);
    for (size_t i = 0; i < n->audit.nwatch && u < sizeof(buf); i++)
        ADD("%s%s", i ? " or " : "watch ", n->audit.watch[i]);
    if (n->audit.perm && u < sizeof(buf))
        ADD(" -p %s", n->audit.perm);
    for (size_t i = 0; i < n->audit.nsyscalls && u < sizeof(buf); i++)
        ADD("%s%s", i ? "|" : "-a always,exit -S ", n->audit.syscalls[i]);
    for (size_t i = 0; i < n->audit.nfields && u < sizeof(buf); i++)
        ADD(" -F %s", n->audit.fields[i]);
    for (size_t i = 0; i < n->audit.ncompares && u < sizeof(buf); i++)
        ADD(" -C %s", n->audit.compares[i]);
#undef ADD
    return eng_str(e->c, buf);
}

static mm_check_status eval_audit(eval *e, const mm_check_node *n)
{
    const char *want = audit_want_text(e, n);
    parsed *s = eng_source(e->c, "audit", p_audit, NULL);
    if (s && s->rc == MM_ENOTFOUND) {
        eng_evidence(e, "/etc/audit/rules.d", 0, NULL, NULL, want, "no audit rules");
        e->message = "no audit rules are configured";
        return MM_CHECK_FAIL;
    }
    if (!s || s->rc)
        return eng_source_error(e, s, "/etc/audit/rules.d");
    mm_audit_rule *r = malloc(sizeof(*r));
    if (!r) {
        e->message = "out of memory";
        return MM_CHECK_ERROR;
    }
    mm_check_status st = MM_CHECK_FAIL;
    if (n->audit.enabled) {
        const mm_fact *last = NULL;
        for (size_t i = 0; i < s->facts.n; i++)
            if (mm_audit_rule_parse(r, s->facts.items[i].value) == MM_OK &&
                r->kind == MM_AUDIT_CONTROL && !strcmp(r->control, "-e"))
                last = &s->facts.items[i];
        if (last && mm_audit_rule_parse(r, last->value) == MM_OK &&
            !strcmp(r->control_value, n->audit.enabled))
            st = MM_CHECK_PASS;
        eng_evidence(e, last ? last->file : "/etc/audit/rules.d", last ? last->line : 0, "-e",
                     last ? r->control_value : NULL, want, last ? NULL : "no -e line");
        e->message = last ? eng_fmt(e->c, "the last -e line is \"%s\" at %s:%d", last->value,
                                    last->file, last->line)
                          : "no -e line in the audit rules";
    } else if (n->audit.nwatch) {
        for (size_t i = 0; i < s->facts.n && st != MM_CHECK_PASS; i++) {
            const mm_fact *f = &s->facts.items[i];
            if (mm_audit_rule_parse(r, f->value) == MM_OK && audit_watch_matches(r, n)) {
                st = MM_CHECK_PASS;
                eng_evidence(e, f->file, f->line, "audit rule", f->value, want, NULL);
                e->message = eng_fmt(e->c, "audit rule present: %s", f->value);
            }
        }
    } else {
        /* per architecture: every arch the syscall rules name (the native one when a rule
         * names none) needs its own matching rule, as b32 and b64 syscalls are audited
         * apart */
        const char *arches[8];
        size_t narch = 0;
        for (size_t i = 0; i < s->facts.n; i++) {
            if (mm_audit_rule_parse(r, s->facts.items[i].value) != MM_OK ||
                r->kind != MM_AUDIT_SYSCALL || !r->nsyscalls || strcmp(r->list, "exit"))
                continue;
            const char *a = rule_arch(r);
            const char *known = !strcmp(a, "b64") ? "b64" : !strcmp(a, "b32") ? "b32" : NULL;
            if (known && !mm_audit_rule_has(arches, narch, known) && narch < 8)
                arches[narch++] = known;
        }
        if (!narch)
            arches[narch++] = "b64";
        st = MM_CHECK_PASS;
        for (size_t k = 0; k < narch; k++) {
            const mm_fact *hit = NULL;
            for (size_t i = 0; i < s->facts.n && !hit; i++) {
                const mm_fact *f = &s->facts.items[i];
                if (mm_audit_rule_parse(r, f->value) == MM_OK && audit_syscall_matches(r, n) &&
                    !strcmp(rule_arch(r), arches[k]))
                    hit = f;
            }
            char key[32];
            snprintf(key, sizeof(key), "audit rule (%s)", arches[k]);
            if (hit) {
                eng_evidence(e, hit->file, hit->line, key, hit->value, want, NULL);
            } else {
                eng_evidence(e, "/etc/audit/rules.d", 0, key, NULL, want, "no rule matches");
                if (st == MM_CHECK_PASS)
                    e->message = eng_fmt(e->c, "no %s audit rule matches %s", arches[k], want);
                st = MM_CHECK_FAIL;
            }
        }
        if (st == MM_CHECK_PASS)
            e->message = eng_fmt(e->c, "audit rule present for %s%s%s: %s", arches[0],
                                 narch > 1 ? " and " : "", narch > 1 ? arches[1] : "", want);
        free(r);
        return st;
    }
    if (st != MM_CHECK_PASS && !n->audit.enabled) {
        eng_evidence(e, "/etc/audit/rules.d", 0, "audit rule", NULL, want, "no rule matches");
        e->message = eng_fmt(e->c, "no audit rule matches %s", want);
    }
    free(r);
    return st;
}

static mm_check_status eval_accounts(eval *e, const mm_check_node *n)
{
    scan_ctx *c = e->c;
    bool shadow =
        !strcmp(n->target, "no_empty_passwords") || !strcmp(n->target, "strong_password_hashes");
    parsed *s =
        shadow ? eng_source(c, "shadow", p_shadow, NULL) : eng_source(c, "passwd", p_passwd, NULL);
    const char *file = shadow ? "/etc/shadow" : "/etc/passwd";
    if (!s || s->rc)
        return eng_source_error(e, s, file);
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
                eng_evidence(e, file, f->line, f->key, why, NULL, NULL);
            bad++;
        }
    }
    if (!bad) {
        eng_evidence(e, file, 0, n->target, eng_fmt(c, "%zu entries checked", s->facts.n),
                     "none offending", NULL);
        e->message = eng_fmt(c, "%s: no offending entry in %s", n->target, file);
        return MM_CHECK_PASS;
    }
    e->message =
        eng_fmt(c, "%zu offending entr%s in %s (%s)", bad, bad == 1 ? "y" : "ies", file, n->target);
    return MM_CHECK_FAIL;
}

static mm_check_status eval_sudoers(eval *e, const mm_check_node *n)
{
    parsed *s = eng_source(e->c, "sudoers", p_sudoers, NULL);
    if (s && s->rc == MM_ENOTFOUND) {
        eng_evidence(e, "/etc/sudoers", 0, NULL, NULL, NULL, "sudo is not configured");
        e->message = "/etc/sudoers is absent";
        return !strcmp(n->target, "no_rule_matches") ? MM_CHECK_PASS : MM_CHECK_FAIL;
    }
    if (!s || s->rc)
        return eng_source_error(e, s, "/etc/sudoers");
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
                    eng_evidence(e, f->file, f->line, "Defaults", f->value, n->value, NULL);
                    e->message =
                        eng_fmt(e->c, "sudo Defaults sets %s (%s:%d)", n->value, f->file, f->line);
                    return MM_CHECK_PASS;
                }
                p += l;
            }
        }
        eng_evidence(e, "/etc/sudoers", 0, "Defaults", NULL, n->value, "not set");
        e->message = eng_fmt(e->c, "sudo Defaults does not set %s", n->value);
        return MM_CHECK_FAIL;
    }
    size_t bad = 0;
    for (size_t i = 0; i < s->facts.n; i++) {
        const mm_fact *f = &s->facts.items[i];
        if (strcmp(f->key, "rule") != 0 || regexec(n->regex, f->value, 0, NULL, 0) != 0)
            continue;
        if (bad++ < 10)
            eng_evidence(e, f->file, f->line, "rule", f->value, eng_fmt(e->c, "no %s", n->value),
                         NULL);
    }
    if (!bad) {
        eng_evidence(e, "/etc/sudoers", 0, "rules", "none matching",
                     eng_fmt(e->c, "no %s", n->value), NULL);
        e->message = eng_fmt(e->c, "no sudo rule matches %s", n->value);
        return MM_CHECK_PASS;
    }
    e->message = eng_fmt(e->c, "%zu sudo rule%s %s %s", bad, bad == 1 ? "" : "s",
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
            eng_evidence(e, "/proc/sys/crypto/fips_enabled", 0, "fips_enabled", NULL, "1",
                         "the kernel has no FIPS support");
            e->message = "the kernel is not in FIPS mode (no /proc/sys/crypto/fips_enabled)";
            return MM_CHECK_FAIL;
        }
        if (rc) {
            e->message = eng_fmt(c, "could not read fips_enabled: %s", mm_error_last());
            return MM_CHECK_ERROR;
        }
        bool on = v[0] == '1';
        eng_evidence(e, "/proc/sys/crypto/fips_enabled", 1, "fips_enabled", on ? "1" : "0", "1",
                     NULL);
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
            eng_evidence(e, files[i], line, "kernel command line", "fips=1", "fips=1", NULL);
            e->message = eng_fmt(c, "fips=1 is on the kernel command line (%s)", files[i]);
            return MM_CHECK_PASS;
        }
    }
    eng_evidence(e, "/etc/default/grub", 0, "kernel command line", NULL, "fips=1", "not set");
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
        e->message = eng_fmt(c, "could not list /proc: %s", mm_error_last());
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
    eng_evidence(e, "/proc", 0, n->target, found ? "running" : "not running",
                 n->present ? "running" : "not running", NULL);
    e->message = eng_fmt(c, "%s is %s", n->target, found ? "running" : "not running");
    return found == (n->present != 0) ? MM_CHECK_PASS : MM_CHECK_FAIL;
}

static const mm_walk_result *get_walk(scan_ctx *c, int *rc)
{
    parsed *pw = eng_source(c, "passwd", p_passwd, NULL);
    parsed *gr = eng_source(c, "group", p_group, NULL);
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
            eng_evidence(e, l->paths[i], 0, n->target, "found", "none", NULL);
    }
    if (!count)
        eng_evidence(e, mm_root_path(c->root), 0, n->target, "none", "none", NULL);
    e->message = eng_fmt(c, "%zu file%s found (%s)", count, count == 1 ? "" : "s", n->target);
    return count ? MM_CHECK_FAIL : MM_CHECK_PASS;
}

mm_check_status eng_eval_system(eval *e, const mm_check_node *n)
{
    switch (n->kind) {
    case N_FILE:
        return eval_file(e, n);
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
    default:
        return MM_CHECK_ERROR;
    }
}
