/* The scan's outputs: JSON (the input of `mamori assess --scan`), terminal text, HTML. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check/check_internal.h"
#include "i18n/i18n.h"
#include "mamori/error.h"

static json_t *strs(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *opt(const char *s)
{
    return s ? json_string(s) : json_null();
}

int mm_scan_to_json(char **out, const mm_scan *s, const char *tool_version)
{
    json_t *root = json_object();
    json_object_set_new(root, "mamori", json_string(tool_version ? tool_version : ""));
    json_object_set_new(root, "kind", json_string("scan"));
    json_object_set_new(root, "host", json_string(s->host));
    json_object_set_new(root, "root", json_string(s->root));
    json_object_set_new(root, "os", opt(s->os));
    json_object_set_new(root, "os_id", opt(s->os_id));
    json_object_set_new(root, "started", json_string(s->started));
    json_object_set_new(root, "duration_ms",
                        json_real((double)(long long)(s->duration_ms * 1000) / 1000.0));
    json_object_set_new(root, "odp_profile", opt(s->profile));
    json_t *sum = json_object();
    for (int i = 0; i < 4; i++)
        json_object_set_new(sum, mm_check_status_name((mm_check_status)i),
                            json_integer((json_int_t)s->counts[i]));
    json_object_set_new(root, "summary", sum);
    json_t *res = json_array();
    for (size_t i = 0; i < s->nresults; i++) {
        const mm_rule_result *r = &s->results[i];
        const mm_rule *q = r->rule;
        json_t *o = json_object();
        json_object_set_new(o, "rule", json_string(q->id));
        json_object_set_new(o, "title", json_string(q->title));
        json_object_set_new(o, "status", json_string(mm_check_status_name(r->status)));
        json_object_set_new(o, "message", opt(r->message));
        json_object_set_new(o, "requirements", strs(q->requirements, q->nrequirements));
        json_object_set_new(o, "objectives", strs(q->objectives, q->nobjectives));
        json_object_set_new(o, "requirements_r2", strs(q->requirements_r2, q->nrequirements_r2));
        json_object_set_new(o, "sp800_53", strs(q->sp800_53, q->nsp800_53));
        json_t *ev = json_array();
        for (size_t k = 0; k < r->nevidence; k++) {
            const mm_evidence *e = &r->evidence[k];
            json_t *j = json_object();
            json_object_set_new(j, "source", opt(e->source));
            json_object_set_new(j, "line", e->line ? json_integer(e->line) : json_null());
            json_object_set_new(j, "key", opt(e->key));
            json_object_set_new(j, "observed", opt(e->observed));
            json_object_set_new(j, "expected", opt(e->expected));
            json_object_set_new(j, "note", opt(e->note));
            json_array_append_new(ev, j);
        }
        json_object_set_new(o, "evidence", ev);
        if (r->status == MM_CHECK_FAIL)
            json_object_set_new(o, "remediation", opt(q->remediation));
        json_array_append_new(res, o);
    }
    json_object_set_new(root, "results", res);
    char *js = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!js)
        return MM_ENOMEM;
    size_t n = strlen(js);
    char *p = realloc(js, n + 2);
    if (!p) {
        free(js);
        return MM_ENOMEM;
    }
    p[n] = '\n';
    p[n + 1] = '\0';
    *out = p;
    return MM_OK;
}

static const char *status_color(mm_check_status st)
{
    return st == MM_CHECK_PASS    ? "\033[32m"
           : st == MM_CHECK_FAIL  ? "\033[31m"
           : st == MM_CHECK_ERROR ? "\033[33m"
                                  : "\033[2m";
}

/* The string key in lang with {0}..{3}: plain text (html false) or escaped for HTML. */
static void put(mm_buf *b, const char *lang, bool html, const char *key, const char *a0,
                const char *a1, const char *a2, const char *a3)
{
    mm_i18n_put(b, lang, html, key, a0, a1, a2, a3);
}

static const char *num(char out[24], size_t n)
{
    snprintf(out, 24, "%zu", n);
    return out;
}

int mm_scan_to_text(char **out, const mm_scan *s, bool color, const char *lang)
{
    mm_buf b = MM_BUF_INIT;
    const char *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";
    char n0[24], n1[24], n2[24], n3[24], n4[24], ms[32];
    mm_buf_printf(&b, "%smamori scan%s ", bold, off);
    put(&b, lang, false, "scan.of", s->host, s->root, NULL, NULL);
    mm_buf_printf(&b, "%s%s\n", s->os ? "  " : "", s->os ? s->os : "");
    snprintf(ms, sizeof ms, "%.0f", s->duration_ms);
    mm_buf_puts(&b, "  ");
    put(&b, lang, false, "scan.counts", num(n0, s->nresults), ms, NULL, NULL);
    put(&b, lang, false, "scan.statuses", num(n1, s->counts[MM_CHECK_PASS]),
        num(n2, s->counts[MM_CHECK_FAIL]), num(n3, s->counts[MM_CHECK_ERROR]),
        num(n4, s->counts[MM_CHECK_NOT_APPLICABLE]));
    mm_buf_putc(&b, '\n');
    if (s->profile) {
        put(&b, lang, false, "txt.odp_profile", s->profile, NULL, NULL, NULL);
        mm_buf_putc(&b, '\n');
    }
    for (int pass = 0; pass < 3; pass++) {
        mm_check_status want = pass == 0   ? MM_CHECK_FAIL
                               : pass == 1 ? MM_CHECK_ERROR
                                           : MM_CHECK_PASS;
        if (!s->counts[want])
            continue;
        mm_buf_printf(&b, "\n%s", bold);
        put(&b, lang, false,
            pass == 0   ? "scan.failed"
            : pass == 1 ? "scan.error"
                        : "scan.passed",
            NULL, NULL, NULL, NULL);
        mm_buf_printf(&b, "%s\n", off);
        for (size_t i = 0; i < s->nresults; i++) {
            const mm_rule_result *r = &s->results[i];
            if (r->status != want)
                continue;
            mm_buf_printf(&b, "  %s%-5s%s %-9s %s\n", color ? status_color(r->status) : "",
                          mm_check_status_name(r->status), off, r->rule->requirements[0],
                          r->rule->title);
            if (want != MM_CHECK_PASS) {
                mm_buf_printf(&b, "        %s\n", r->message);
                for (size_t k = 0; k < r->nevidence && k < 3; k++) {
                    const mm_evidence *e = &r->evidence[k];
                    if (e->source && e->line)
                        mm_buf_printf(&b, "        at %s:%d\n", e->source, e->line);
                }
                if (want == MM_CHECK_FAIL && r->rule->remediation) {
                    mm_buf_puts(&b, "        ");
                    put(&b, lang, false, "scan.fix", r->rule->remediation, NULL, NULL, NULL);
                    mm_buf_putc(&b, '\n');
                }
            }
        }
    }
    if (b.failed || !b.data) {
        mm_buf_free(&b);
        return MM_ENOMEM;
    }
    *out = b.data;
    return MM_OK;
}

static void html_row(mm_buf *b, const mm_rule_result *r, const char *lang)
{
    const char *st = mm_check_status_name(r->status);
    /* the rules' own text is English: marked so in a page of another language */
    const char *en = strcmp(lang ? lang : "en", "ja") == 0 ? " lang=\"en\"" : "";
    char key[48];
    snprintf(key, sizeof key, "scan.status.%s", st);
    mm_buf_printf(b, "<tr><td class=\"%s\">", st);
    put(b, lang, true, key, NULL, NULL, NULL, NULL);
    mm_buf_printf(b, "</td><td><strong%s>", en);
    mm_buf_put_html(b, r->rule->title);
    mm_buf_puts(b, "</strong><br><code>");
    mm_buf_put_html(b, r->rule->id);
    mm_buf_printf(b, "</code><br>%s", *en ? "<span lang=\"en\">" : "");
    mm_buf_put_html(b, r->message);
    mm_buf_puts(b, *en ? "</span>" : "");
    if (r->status == MM_CHECK_FAIL && r->rule->remediation) {
        mm_buf_puts(b, "<br><em>");
        put(b, lang, true, "scan.fix_html", NULL, NULL, NULL, NULL);
        mm_buf_printf(b, "</em> %s", *en ? "<span lang=\"en\">" : "");
        mm_buf_put_html(b, r->rule->remediation);
        mm_buf_puts(b, *en ? "</span>" : "");
    }
    mm_buf_puts(b, "</td><td>");
    for (size_t k = 0; k < r->rule->nrequirements; k++) {
        mm_buf_puts(b, k ? ", " : "");
        mm_buf_put_html(b, r->rule->requirements[k]);
    }
    mm_buf_puts(b, "</td><td>");
    for (size_t k = 0; k < r->rule->nrequirements_r2; k++) {
        mm_buf_puts(b, k ? ", " : "");
        mm_buf_put_html(b, r->rule->requirements_r2[k]);
    }
    mm_buf_puts(b, "</td><td>");
    for (size_t k = 0; k < r->nevidence && k < 6; k++) {
        const mm_evidence *e = &r->evidence[k];
        mm_buf_puts(b, "<code>");
        mm_buf_put_html(b, e->source);
        if (e->line)
            mm_buf_printf(b, ":%d", e->line);
        mm_buf_puts(b, "</code> ");
        mm_buf_put_html(b, e->key);
        mm_buf_puts(b, " = ");
        if (e->observed)
            mm_buf_put_html(b, e->observed);
        else
            put(b, lang, true, "scan.absent", NULL, NULL, NULL, NULL);
        if (e->expected)
            put(b, lang, true, "scan.expected", e->expected, NULL, NULL, NULL);
        mm_buf_puts(b, "<br>");
    }
    mm_buf_puts(b, "</td></tr>\n");
}

int mm_scan_to_html(char **out, const mm_scan *s, const char *lang)
{
    mm_buf b = MM_BUF_INIT;
    char n0[24], n1[24], n2[24], n3[24], n4[24], ms[32];
    mm_buf_printf(&b,
                  "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "style-src 'unsafe-inline'\">\n<title>",
                  strcmp(lang ? lang : "en", "ja") == 0 ? "ja" : "en");
    put(&b, lang, true, "scan.title", s->host, NULL, NULL, NULL);
    mm_buf_puts(&b, "</title>\n<style>\nbody{font:14px/1.45 system-ui,sans-serif;margin:2em auto;"
                    "max-width:70em;color:#1f2328;padding:0 1em}\ntable{border-collapse:collapse;"
                    "width:100%}\nth,td{text-align:left;padding:.35em .5em;border-bottom:1px solid "
                    "#d0d7de;vertical-align:top;overflow-wrap:anywhere}\n.pass{color:#1a7f37}.fail{"
                    "color:#cf222e;"
                    "font-weight:600}.error{color:#9a6700}.not-applicable{color:#6e7781}\n"
                    "code{font-size:12px}\n@media print{tr{break-inside:avoid}}\n</style>\n"
                    "</head>\n<body>\n<h1>");
    put(&b, lang, true, "scan.title", s->host, NULL, NULL, NULL);
    mm_buf_puts(&b, "</h1>\n<p>");
    put(&b, lang, true, "scan.root", NULL, NULL, NULL, NULL);
    mm_buf_puts(&b, " <code>");
    mm_buf_put_html(&b, s->root);
    mm_buf_puts(&b, "</code>");
    if (s->os) {
        mm_buf_puts(&b, ", ");
        mm_buf_put_html(&b, s->os);
    }
    snprintf(ms, sizeof ms, "%.0f", s->duration_ms);
    char started[64];
    put(&b, lang, true, "scan.started", mm_i18n_date(started, sizeof started, lang, s->started), ms,
        num(n0, s->nresults), NULL);
    mm_buf_puts(&b, " <span class=\"pass\">");
    put(&b, lang, true, "scan.n_pass", num(n1, s->counts[0]), NULL, NULL, NULL);
    mm_buf_puts(&b, "</span>, <span class=\"fail\">");
    put(&b, lang, true, "scan.n_fail", num(n2, s->counts[1]), NULL, NULL, NULL);
    mm_buf_puts(&b, "</span>, <span class=\"error\">");
    put(&b, lang, true, "scan.n_error", num(n3, s->counts[2]), NULL, NULL, NULL);
    mm_buf_puts(&b, "</span>, ");
    put(&b, lang, true, "scan.n_not_applicable", num(n4, s->counts[3]), NULL, NULL, NULL);
    mm_buf_puts(&b, "</p>\n<table>\n<thead><tr><th>");
    put(&b, lang, true, "col.status", NULL, NULL, NULL, NULL);
    mm_buf_puts(&b, "</th><th>");
    put(&b, lang, true, "scan.rule", NULL, NULL, NULL, NULL);
    mm_buf_puts(&b, "</th><th>Rev 3</th><th>Rev 2</th><th>");
    put(&b, lang, true, "htm.evidence", NULL, NULL, NULL, NULL);
    mm_buf_puts(&b, "</th></tr></thead>\n<tbody>\n");
    /* failures first, then errors, passes, not applicable; rule id order within each */
    static const mm_check_status order[] = {MM_CHECK_FAIL, MM_CHECK_ERROR, MM_CHECK_PASS,
                                            MM_CHECK_NOT_APPLICABLE};
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < s->nresults; i++)
            if (s->results[i].status == order[k])
                html_row(&b, &s->results[i], lang);
    mm_buf_puts(&b, "</tbody>\n</table>\n</body>\n</html>\n");
    if (b.failed || !b.data) {
        mm_buf_free(&b);
        return MM_ENOMEM;
    }
    *out = b.data;
    return MM_OK;
}
