/* The standalone HTML screening report (docs/screening.md "Signed reports"): a page drawn
 * from the signed document alone, with the document embedded verbatim (escaped) so that
 * `mamori screen verify` checks the page by drawing it again. No script, no request, every
 * value escaped; the same signed document gives the same bytes. English only (the dashboard's
 * page, /plans/{id}, is in English and Japanese). */
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/screen_report.h"
#include "util/json.h"
#include "util/util.h"

static const char *sv(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void cell(mm_buf *b, const char *s)
{
    mm_buf_puts(b, "<td>");
    mm_buf_put_html(b, s);
    mm_buf_puts(b, "</td>");
}

/* Text that comes from users (names, contracts): isolated in <bdi>, so that bidirectional
 * controls in it cannot reorder the text around it. */
static void ucell(mm_buf *b, const char *s)
{
    mm_buf_puts(b, "<td><bdi>");
    mm_buf_put_html(b, s);
    mm_buf_puts(b, "</bdi></td>");
}

static void evidence(mm_buf *b, const json_t *ev)
{
    size_t i;
    json_t *e;
    mm_buf_puts(b, "<td><ul>");
    json_array_foreach(ev, i, e)
    {
        mm_buf_puts(b, "<li>");
        const char *k;
        json_t *v;
        bool first = true;
        json_object_foreach((json_t *)e, k, v)
        {
            char *t = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
            if (!first)
                mm_buf_puts(b, "; ");
            first = false;
            mm_buf_put_html(b, k);
            mm_buf_puts(b, ": <bdi>");
            mm_buf_put_html(b, json_is_string(v) ? json_string_value(v) : t ? t : "");
            mm_buf_puts(b, "</bdi>");
            free(t);
        }
        mm_buf_puts(b, "</li>");
    }
    mm_buf_puts(b, "</ul></td>");
}

static void parties(mm_buf *b, const json_t *rep)
{
    mm_buf_puts(b, "<h2>Parties</h2><table id=\"parties\"><thead><tr><th>Role</th><th>Plan "
                   "path</th><th>Party</th><th>Known</th><th>Assessment</th><th>Incidents</th>"
                   "<th>Supply edges</th></tr></thead><tbody>");
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(rep, "parties"), i, p)
    {
        const json_t *a = json_object_get(p, "assessment");
        const json_t *inc = json_object_get(p, "incidents");
        mm_buf_puts(b, "<tr>");
        cell(b, sv(p, "role"));
        cell(b, sv(p, "path"));
        mm_buf_puts(b, "<td><bdi>");
        mm_buf_put_html(b,
                        *sv(p, "organization_name") ? sv(p, "organization_name") : sv(p, "name"));
        mm_buf_puts(b, "</bdi>");
        if (*sv(p, "org")) {
            mm_buf_puts(b, " (");
            mm_buf_put_html(b, sv(p, "org"));
            mm_buf_puts(b, ")");
        }
        mm_buf_puts(b, "</td>");
        cell(b, json_is_true(json_object_get(p, "known")) ? "yes" : "no: named only");
        mm_buf_puts(b, "<td>");
        if (!json_is_true(json_object_get(p, "known")))
            mm_buf_puts(b, "-");
        else if (!json_is_true(json_object_get(p, "status_visible")))
            mm_buf_puts(b, "withheld (no consent)");
        else if (!json_is_object(a))
            mm_buf_puts(b, "none on file");
        else {
            mm_buf_put_html(b, sv(a, "status"));
            mm_buf_puts(b, " (");
            mm_buf_put_html(b, sv(a, "framework"));
            mm_buf_puts(b, ", ");
            mm_buf_put_html(b, sv(a, "status_date"));
            mm_buf_puts(b, json_is_true(json_object_get(a, "valid")) ? ", valid)" : ", not valid)");
        }
        mm_buf_puts(b, "</td><td>");
        if (json_is_object(inc) && !json_is_true(json_object_get(inc, "withheld")))
            mm_buf_printf(b, "%lld", (long long)json_integer_value(json_object_get(inc, "count")));
        else
            mm_buf_puts(b, "-");
        mm_buf_printf(b, "</td><td>%zu</td></tr>",
                      json_array_size(json_object_get(p, "supply_edges")));
    }
    mm_buf_puts(b, "</tbody></table>");
}

int mm_screen_report_html(char **out, const char *signed_doc, size_t len)
{
    *out = NULL;
    json_t *root = NULL;
    int rc = mm_json_load(&root, signed_doc, len, "screening report", 0);
    if (rc)
        return rc;
    const json_t *rep = json_object_get(root, "screening_report");
    if (!json_is_object(rep)) {
        json_decref(root);
        mm_error_set("screening report: $.screening_report: not an object");
        return MM_EINVALID;
    }
    const json_t *plan = json_object_get(rep, "plan");
    const json_t *sel = json_object_get(rep, "selection");
    mm_buf b = MM_BUF_INIT;
    mm_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'\"><title>Screening report: plan ");
    mm_buf_put_html(&b, sv(plan, "id"));
    mm_buf_puts(&b, "</title><style>body{font-family:sans-serif;margin:2em;max-width:80em}"
                    "table{border-collapse:collapse}td,th{border:1px solid #888;padding:4px;"
                    "vertical-align:top;text-align:left}pre{white-space:pre-wrap;"
                    "font-size:small}</style></head><body><h1>Screening report</h1><dl>");
    static const char *const facts[][2] = {{"Plan", "id"},       {"Operator", "operator_id"},
                                           {"Sector", "sector"}, {"State", "state"},
                                           {"Filed", "filed"},   {"Examination deadline", "due"}};
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        mm_buf_puts(&b, "<dt>");
        mm_buf_puts(&b, facts[i][0]);
        mm_buf_puts(&b, "</dt><dd>");
        mm_buf_put_html(&b, sv(plan, facts[i][1]));
        mm_buf_puts(&b, "</dd>");
    }
    mm_buf_puts(&b, "<dt>Generated</dt><dd>");
    mm_buf_put_html(&b, sv(rep, "generated"));
    mm_buf_puts(&b, "</dd><dt>Reader</dt><dd>");
    mm_buf_put_html(&b, sv(json_object_get(rep, "reader"), "org_id"));
    mm_buf_puts(&b, "</dd><dt>Incidents since</dt><dd>");
    mm_buf_put_html(&b, sv(sel, "since"));
    mm_buf_puts(&b, "</dd><dt>Frameworks</dt><dd>");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(sel, "frameworks"), i, v)
    {
        if (i)
            mm_buf_puts(&b, ", ");
        mm_buf_put_html(&b, json_string_value(v));
    }
    const json_t *sum = json_object_get(rep, "summary");
    mm_buf_printf(&b,
                  "</dd></dl><p id=\"summary\">Findings: %lld high, %lld medium, %lld low, %lld "
                  "info. The ranking is mamori's own heuristic (docs/screening.md \"Ranking\"), "
                  "not a regulatory criterion.</p>",
                  (long long)json_integer_value(json_object_get(sum, "high")),
                  (long long)json_integer_value(json_object_get(sum, "medium")),
                  (long long)json_integer_value(json_object_get(sum, "low")),
                  (long long)json_integer_value(json_object_get(sum, "info")));
    mm_buf_puts(&b, "<h2>Findings</h2><table id=\"findings\"><thead><tr><th>#</th><th>Severity"
                    "</th><th>Rule</th><th>Role</th><th>Party</th><th>Finding</th><th>Evidence"
                    "</th></tr></thead><tbody>");
    json_t *f;
    json_array_foreach(json_object_get(rep, "findings"), i, f)
    {
        mm_buf_printf(&b, "<tr data-severity=\"%s\"><td>%lld</td>",
                      mm_streq(sv(f, "severity"), "high")     ? "high"
                      : mm_streq(sv(f, "severity"), "medium") ? "medium"
                      : mm_streq(sv(f, "severity"), "low")    ? "low"
                                                              : "info",
                      (long long)json_integer_value(json_object_get(f, "rank")));
        cell(&b, sv(f, "severity"));
        cell(&b, sv(f, "rule"));
        cell(&b, sv(f, "role"));
        ucell(&b, *sv(f, "organization_name") ? sv(f, "organization_name") : sv(f, "party"));
        ucell(&b, sv(f, "what"));
        evidence(&b, json_object_get(f, "evidence"));
        mm_buf_puts(&b, "</tr>");
    }
    mm_buf_puts(&b, "</tbody></table>");
    parties(&b, rep);
    mm_buf_puts(&b, "<h2>Signed report</h2><p>Check it with <code>mamori screen verify FILE "
                    "--server-key SERVER-KEY.json</code>: the page must be exactly what the "
                    "signed report below draws.</p><pre id=\"signed-report\">");
    /* the document verbatim (escaped): embedded() in report_sign.c reads it back */
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, signed_doc, len);
        copy[len] = '\0';
        mm_buf_put_html(&b, copy);
        free(copy);
    } else {
        b.failed = true;
    }
    mm_buf_puts(&b, "</pre></body></html>\n");
    json_decref(root);
    if (b.failed) {
        mm_buf_free(&b);
        return MM_ENOMEM;
    }
    *out = b.data;
    return MM_OK;
}
