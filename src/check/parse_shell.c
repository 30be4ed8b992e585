/*
 * Shell variables set for login shells: the assignments of /etc/profile, /etc/profile.d/
 * *.sh and the system bashrc read the way bash executes them (quoting, the builtins that
 * assign, readonly, unset), without running anything.
 */
#include <stdlib.h>
#include <string.h>

#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

const char MM_SH_SET[] = "set";
const char MM_SH_SET_READONLY[] = "set readonly";
const char MM_SH_READONLY[] = "readonly";
const char MM_SH_UNSET[] = "unset";

#define MAX_WORDS 64
#define MAX_NEST  64

typedef struct word {
    mm_buf text;
    size_t plain; /* bytes of text before the first quoted or escaped character */
    bool started;
} word;

typedef struct sh {
    mm_facts *out;
    const char *file;
    word w[MAX_WORDS];
    size_t n;     /* finished words */
    int line;     /* line of the command's first word */
    int cur_line; /* line being read */
    char nest[MAX_NEST];
    size_t depth; /* open compound commands, subshells, function bodies */
    bool cond;    /* the command runs after && or || */
    bool piped;   /* part of a pipeline: a subshell */
    int rc;
} sh;

static bool is_name(const char *s, size_t n)
{
    if (!n || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

/* The index of the '=' of an assignment word NAME=value, or 0 when w is not one. */
static size_t assignment(const word *w)
{
    const char *t = w->text.data;
    const char *eq = t ? memchr(t, '=', w->text.len) : NULL;
    if (!eq || (size_t)(eq - t) >= w->plain || !is_name(t, (size_t)(eq - t)))
        return 0;
    return (size_t)(eq - t);
}

static const char *wtext(const word *w)
{
    return w->text.data ? w->text.data : "";
}

static void push(sh *s, char kind)
{
    if (s->depth < MAX_NEST)
        s->nest[s->depth] = kind;
    s->depth++;
}

static void pop(sh *s, char kind)
{
    if (s->depth && (s->depth > MAX_NEST || s->nest[s->depth - 1] == kind || kind == 0))
        s->depth--;
}

static void record(sh *s, const char *name, size_t nlen, const char *value, const char *what)
{
    char key[256];
    if (s->rc || nlen >= sizeof(key))
        return;
    memcpy(key, name, nlen);
    key[nlen] = '\0';
    s->rc = mm_facts_add(s->out, key, value ? value : "", s->file, s->line, what);
}

/* export / readonly / declare / typeset / unset with their arguments. */
static void builtin(sh *s, size_t first)
{
    const char *cmd = wtext(&s->w[first]);
    bool is_unset = !strcmp(cmd, "unset"), is_export = !strcmp(cmd, "export");
    bool readonly = !strcmp(cmd, "readonly");
    bool decl = !strcmp(cmd, "declare") || !strcmp(cmd, "typeset");
    if (!is_unset && !is_export && !readonly && !decl)
        return; /* any other command, including local (functions only) */
    size_t i = first + 1;
    for (; i < s->n; i++) {
        const char *o = wtext(&s->w[i]);
        if (!strcmp(o, "--")) {
            i++;
            break;
        }
        if ((o[0] != '-' && o[0] != '+') || !o[1] || s->w[i].plain < strlen(o))
            break;
        for (const char *p = o + 1; *p; p++) {
            if (*p == 'f' || *p == 'F' || *p == 'p')
                return; /* functions, or printing: no variable changes */
            if (*p == 'n' && is_export)
                return; /* export -n removes the export attribute only */
            if (*p == 'r' && o[0] == '-' && decl)
                readonly = true;
        }
    }
    for (; i < s->n; i++) {
        const char *t = wtext(&s->w[i]);
        size_t eq = assignment(&s->w[i]);
        if (is_unset) {
            if (is_name(t, strlen(t)))
                record(s, t, strlen(t), "", MM_SH_UNSET);
        } else if (eq) {
            record(s, t, eq, t + eq + 1, readonly ? MM_SH_SET_READONLY : MM_SH_SET);
        } else if (readonly && is_name(t, strlen(t))) {
            record(s, t, strlen(t), "", MM_SH_READONLY);
        }
    }
}

/* One simple command has been read: its words are s->w[0..n). */
static void command(sh *s)
{
    size_t i = 0;
    while (i < s->n) {
        const char *t = wtext(&s->w[i]);
        if (s->w[i].plain < strlen(t))
            break; /* a quoted word is never a reserved word */
        if (!strcmp(t, "then") || !strcmp(t, "do") || !strcmp(t, "else") || !strcmp(t, "elif") ||
            !strcmp(t, "!")) {
            i++;
        } else if (!strcmp(t, "{")) {
            push(s, '{');
            i++;
        } else if (!strcmp(t, "}")) {
            pop(s, '{');
            i++;
        } else if (!strcmp(t, "fi")) {
            pop(s, 'i');
            i++;
        } else if (!strcmp(t, "done")) {
            pop(s, 'l');
            i++;
        } else if (!strcmp(t, "esac")) {
            pop(s, 'c');
            i++;
        } else if (!strcmp(t, "if")) {
            push(s, 'i');
            return; /* the condition is a command run inside the compound */
        } else if (!strcmp(t, "while") || !strcmp(t, "until") || !strcmp(t, "for") ||
                   !strcmp(t, "select")) {
            push(s, 'l');
            return;
        } else if (!strcmp(t, "case")) {
            push(s, 'c');
            return;
        } else if (!strcmp(t, "function")) {
            /* function NAME [()] { body: the body runs only when called */
            for (size_t k = i + 1; k < s->n; k++)
                if (!strcmp(wtext(&s->w[k]), "{")) {
                    push(s, '{');
                    break;
                }
            return;
        } else {
            break;
        }
    }
    if (i == s->n || s->depth || s->cond || s->piped)
        return; /* only commands the login shell itself always runs change its variables */
    size_t k = i;
    while (k < s->n && assignment(&s->w[k]))
        k++;
    if (k == s->n) {
        for (size_t a = i; a < k; a++) {
            size_t eq = assignment(&s->w[a]);
            record(s, wtext(&s->w[a]), eq, wtext(&s->w[a]) + eq + 1, MM_SH_SET);
        }
        return;
    }
    if (k == i) /* NAME=v cmd: the assignment is for cmd's environment only */
        builtin(s, i);
}

static void end_word(sh *s)
{
    word *w = &s->w[s->n];
    if (!w->started)
        return;
    if (w->text.failed)
        s->rc = MM_ENOMEM;
    if (s->n < MAX_WORDS - 1)
        s->n++;
    else
        mm_buf_reset(&w->text);
    w = &s->w[s->n];
    mm_buf_reset(&w->text);
    w->plain = SIZE_MAX;
    w->started = false;
}

static void end_command(sh *s, bool cond_next, bool piped_next)
{
    end_word(s);
    if (s->n)
        command(s);
    for (size_t i = 0; i <= s->n && i < MAX_WORDS; i++) {
        mm_buf_reset(&s->w[i].text);
        s->w[i].plain = SIZE_MAX;
        s->w[i].started = false;
    }
    s->n = 0;
    s->cond = cond_next;
    s->piped = piped_next;
}

static void put(sh *s, char c, bool quoted)
{
    word *w = &s->w[s->n];
    if (!w->started) {
        w->started = true;
        if (!s->n)
            s->line = s->cur_line;
    }
    if (quoted && w->plain == SIZE_MAX)
        w->plain = w->text.len;
    mm_buf_putc(&w->text, c);
}

static void mark_quoted(sh *s)
{
    word *w = &s->w[s->n];
    if (!w->started) {
        w->started = true;
        if (!s->n)
            s->line = s->cur_line;
    }
    if (w->plain == SIZE_MAX)
        w->plain = w->text.len;
}

/* Copies the rest of $( ... ), ${ ... } or ` ... ` (the opening is already in the word)
 * into the word as written: an expansion, so the value is not a literal and compares as
 * text. */
static const char *expansion(sh *s, const char *p, const char *end, char open, char close)
{
    int level = 1;
    while (p < end) {
        char c = *p++;
        if (c == '\n')
            s->cur_line++;
        put(s, c, true);
        if (c == close && --level == 0)
            break;
        if (c == open && open != close)
            level++;
    }
    return p;
}

int mm_parse_shell_text(mm_facts *out, const char *data, size_t len, const char *file)
{
    sh *s = calloc(1, sizeof(*s));
    if (!s)
        return MM_ENOMEM;
    s->out = out;
    s->file = file;
    s->cur_line = 1;
    for (size_t i = 0; i < MAX_WORDS; i++) {
        s->w[i].text = (mm_buf)MM_BUF_INIT;
        s->w[i].plain = SIZE_MAX;
    }
    const char *p = data, *end = data + len;
    const char *nul = memchr(data, '\0', len);
    if (nul)
        end = nul;
    while (p < end && !s->rc) {
        char c = *p++;
        word *w = &s->w[s->n];
        switch (c) {
        case '\n':
            end_command(s, false, false);
            s->cur_line++;
            break;
        case ' ':
        case '\t':
        case '\r':
            end_word(s);
            break;
        case ';':
            end_command(s, false, false);
            break;
        case '&':
            if (p < end && *p == '&') {
                p++;
                end_command(s, true, false);
            } else {
                end_command(s, false, false);
            }
            break;
        case '|':
            if (p < end && *p == '|') {
                p++;
                end_command(s, true, false);
            } else {
                s->piped = true;
                end_command(s, false, true);
            }
            break;
        case '(':
            end_command(s, false, false);
            push(s, '(');
            break;
        case ')':
            end_command(s, false, false);
            pop(s, '(');
            break;
        case '#':
            if (!w->started) {
                while (p < end && *p != '\n')
                    p++;
            } else {
                put(s, c, false);
            }
            break;
        case '\\':
            if (p < end && *p == '\n') {
                p++;
                s->cur_line++;
            } else if (p < end) {
                put(s, *p++, true);
            }
            break;
        case '\'':
            mark_quoted(s);
            while (p < end && *p != '\'') {
                if (*p == '\n')
                    s->cur_line++;
                put(s, *p++, true);
            }
            if (p < end)
                p++;
            break;
        case '"':
            mark_quoted(s);
            while (p < end && *p != '"') {
                if (*p == '\\' && p + 1 < end && strchr("$`\"\\\n", p[1])) {
                    if (p[1] == '\n')
                        s->cur_line++;
                    else
                        put(s, p[1], true);
                    p += 2;
                    continue;
                }
                if (*p == '\n')
                    s->cur_line++;
                put(s, *p++, true);
            }
            if (p < end)
                p++;
            break;
        case '`':
            put(s, c, true);
            p = expansion(s, p, end, '`', '`');
            break;
        case '$':
            put(s, c, true);
            if (p < end && *p == '(') {
                put(s, *p++, true);
                p = expansion(s, p, end, '(', ')');
            } else if (p < end && *p == '{') {
                put(s, *p++, true);
                p = expansion(s, p, end, '{', '}');
            }
            break;
        default:
            put(s, c, false);
        }
    }
    if (!s->rc)
        end_command(s, false, false);
    int rc = s->rc;
    for (size_t i = 0; i < MAX_WORDS; i++)
        mm_buf_free(&s->w[i].text);
    free(s);
    return rc;
}

const mm_fact *mm_shell_lookup(const mm_facts *f, const char *name)
{
    const mm_fact *value = NULL;
    bool readonly = false;
    for (size_t i = 0; i < f->n; i++) {
        const mm_fact *x = &f->items[i];
        if (strcmp(x->key, name) != 0)
            continue;
        if (x->context == NULL || !strcmp(x->context, MM_SH_SET)) {
            if (!readonly)
                value = x; /* bash refuses to assign a readonly variable */
        } else if (!strcmp(x->context, MM_SH_SET_READONLY)) {
            if (!readonly)
                value = x;
            readonly = true;
        } else if (!strcmp(x->context, MM_SH_READONLY)) {
            readonly = true;
        } else if (!strcmp(x->context, MM_SH_UNSET)) {
            if (!readonly)
                value = NULL; /* nor unset one */
        }
    }
    return value;
}

int mm_parse_login_shell(mm_facts *out, const mm_root *r)
{
    int rc = mm_parse_root_file(out, r, "/etc/profile", mm_parse_shell_text);
    if (rc && rc != MM_ENOTFOUND)
        return rc;
    char **v = NULL;
    size_t nv = 0;
    rc = mm_root_glob(r, "/etc/profile.d/*.sh", &v, &nv);
    if (rc == MM_ENOTFOUND)
        rc = MM_OK;
    for (size_t i = 0; i < nv && !rc; i++) {
        rc = mm_parse_root_file(out, r, v[i], mm_parse_shell_text);
        if (rc == MM_ENOTFOUND) /* a dangling link: the shell's test -r skips it */
            rc = MM_OK;
    }
    mm_strv_free(v, nv);
    static const char *const rcfiles[] = {"/etc/bash.bashrc", "/etc/bashrc"};
    for (size_t i = 0; i < 2 && !rc; i++) {
        rc = mm_parse_root_file(out, r, rcfiles[i], mm_parse_shell_text);
        if (rc == MM_ENOTFOUND)
            rc = MM_OK;
    }
    return rc;
}
