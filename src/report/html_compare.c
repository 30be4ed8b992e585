/*
 * Two frameworks side by side as HTML (mm_report_compare_html): the criteria with no
 * counterpart first, then each relation with its type and the published source it comes
 * from. A whole page (inline CSS, no script, the same Content-Security-Policy as the
 * assessment report) or, for the dashboard, the sections alone.
 */
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/framework.h"
#include "mamori/report.h"
#include "util/util.h"

static const char css[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}"
    ".page{max-width:1100px;margin:0 auto;padding:24px}"
    "table{border-collapse:collapse;width:100%;margin:8px 0 24px}"
    "th,td{border-bottom:1px solid #d8dee4;padding:6px 8px;text-align:left;vertical-align:top}"
    "th{background:#f3f5f7}.id{white-space:nowrap;font-family:ui-monospace,monospace}"
    ".rel{white-space:nowrap;font-weight:600}.src{font-size:13px;color:#57606a}"
    ".none{background:#fff4e5}.na{color:#8c959f;font-style:italic}"
    "@media print{.page{max-width:none}}";

static void esc(mm_buf *b, const char *s)
{
    bool iso = s && mm_has_bidi(s);
    if (iso)
        mm_buf_puts(b, "<bdi>");
    mm_buf_put_html(b, s ? s : "");
    if (iso)
        mm_buf_puts(b, "</bdi>");
}

/* id, then title and text ("text not available" marked as such) */
static void criterion_cells(mm_buf *b, const mm_criterion *c)
{
    mm_buf_puts(b, "<td class=\"id\">");
    esc(b, c->id);
    mm_buf_puts(b, "</td><td>");
    if (c->title && *c->title) {
        mm_buf_puts(b, "<strong>");
        esc(b, c->title);
        mm_buf_puts(b, "</strong><br>");
    }
    if (c->text && *c->text)
        esc(b, c->text);
    else
        mm_buf_puts(b, "<span class=\"na\">" MM_TEXT_NOT_AVAILABLE "</span>");
    mm_buf_puts(b, "</td>");
}

static void only_table(mm_buf *b, const mm_compare *cmp, mm_compare_kind kind)
{
    const mm_pack *in = kind == MM_CMP_A_ONLY ? cmp->a : cmp->b;
    const mm_pack *other = kind == MM_CMP_A_ONLY ? cmp->b : cmp->a;
    size_t n = kind == MM_CMP_A_ONLY ? cmp->a_only : cmp->b_only;
    size_t total = kind == MM_CMP_A_ONLY ? cmp->a_active : cmp->b_active;
    mm_buf_printf(b, "<section class=\"cmp-only\" id=\"only-%s\">\n<h2>",
                  kind == MM_CMP_A_ONLY ? "a" : "b");
    esc(b, in->id);
    mm_buf_puts(b, ": no counterpart in ");
    esc(b, other->id);
    mm_buf_printf(b, " (%zu of %zu)</h2>\n", n, total);
    if (!n) {
        mm_buf_puts(b, "<p>Every active criterion has a published relation.</p>\n</section>\n");
        return;
    }
    mm_buf_puts(b, "<table>\n<thead><tr><th>Criterion</th><th>Title and text</th>"
                   "<th>Published relation</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < cmp->nrows; i++) {
        const mm_compare_row *r = &cmp->rows[i];
        if (r->kind != kind)
            continue;
        mm_buf_puts(b, "<tr class=\"none\">");
        criterion_cells(b, kind == MM_CMP_A_ONLY ? r->a : r->b);
        mm_buf_puts(b, "<td>");
        if (r->rel) {
            mm_buf_puts(b, "no relationship to ");
            esc(b, kind == MM_CMP_A_ONLY ? r->rel->target : r->rel->source);
            mm_buf_puts(b, "<div class=\"src\">Source: ");
            esc(b, r->rel->citation);
            mm_buf_puts(b, "</div>");
        } else {
            mm_buf_puts(b, "none published");
        }
        mm_buf_puts(b, "</td></tr>\n");
    }
    mm_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

static void related_table(mm_buf *b, const mm_compare *cmp)
{
    size_t n = cmp->nrows - cmp->a_only - cmp->b_only;
    mm_buf_printf(b, "<section class=\"cmp-related\" id=\"related\">\n<h2>Relations (%zu)</h2>\n",
                  n);
    mm_buf_puts(b, "<table>\n<thead><tr><th colspan=\"2\">");
    esc(b, cmp->a->id);
    mm_buf_puts(b, "</th><th>Relation</th><th colspan=\"2\">");
    esc(b, cmp->b->id);
    mm_buf_puts(b, "</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < cmp->nrows; i++) {
        const mm_compare_row *r = &cmp->rows[i];
        if (r->kind != MM_CMP_RELATED)
            continue;
        mm_buf_puts(b, "<tr>");
        criterion_cells(b, r->a);
        mm_buf_puts(b, "<td class=\"rel\">");
        esc(b, mm_relation_name(r->rel->relation));
        mm_buf_puts(b, "<div class=\"src\">Source: ");
        esc(b, r->rel->citation);
        if (r->rel->remarks) {
            mm_buf_puts(b, "<br>");
            esc(b, r->rel->remarks);
        }
        mm_buf_puts(b, "</div></td>");
        if (r->b) {
            criterion_cells(b, r->b);
        } else {
            mm_buf_puts(b, "<td class=\"id\">");
            esc(b, r->rel->target);
            mm_buf_puts(b, "</td><td></td>");
        }
        mm_buf_puts(b, "</tr>\n");
    }
    mm_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

int mm_report_compare_html(char **out, size_t *len, const mm_compare *cmp, bool fragment)
{
    *out = NULL;
    mm_buf b = MM_BUF_INIT;
    if (!fragment) {
        mm_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                        "'none'; style-src 'unsafe-inline'; img-src data:\">\n"
                        "<meta name=\"viewport\" content=\"width=device-width, "
                        "initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
                        "<title>");
        esc(&b, cmp->a->id);
        mm_buf_puts(&b, " and ");
        esc(&b, cmp->b->id);
        mm_buf_puts(&b, " side by side</title>\n<style>");
        mm_buf_puts(&b, css);
        mm_buf_puts(&b, "</style>\n</head>\n<body>\n<div class=\"page\">\n<h1>");
        esc(&b, cmp->a->id);
        mm_buf_puts(&b, " and ");
        esc(&b, cmp->b->id);
        mm_buf_puts(&b, " side by side</h1>\n");
    }
    mm_buf_puts(&b, "<p class=\"cmp-summary\"><strong>");
    esc(&b, cmp->a->title);
    mm_buf_puts(&b, "</strong> (");
    esc(&b, cmp->a->id);
    mm_buf_puts(&b, ") and <strong>");
    esc(&b, cmp->b->title);
    mm_buf_puts(&b, "</strong> (");
    esc(&b, cmp->b->id);
    mm_buf_printf(&b, "), through &ldquo;");
    esc(&b, cmp->cw->title);
    mm_buf_printf(&b, "&rdquo;. %zu of %zu active criteria of ", cmp->a_only, cmp->a_active);
    esc(&b, cmp->a->id);
    mm_buf_puts(&b, " and ");
    mm_buf_printf(&b, "%zu of %zu of ", cmp->b_only, cmp->b_active);
    esc(&b, cmp->b->id);
    mm_buf_puts(&b, " have no counterpart; they come first. Only published relations are shown, "
                    "each with its source.</p>\n");
    if (cmp->cw->nset_maps)
        mm_buf_printf(&b,
                      "<p class=\"cmp-sets\">Also %zu relation(s) between sets of criteria (a "
                      "whole scheme recognised), which say nothing about one criterion and are "
                      "not listed here.</p>\n",
                      cmp->cw->nset_maps);
    only_table(&b, cmp, MM_CMP_A_ONLY);
    only_table(&b, cmp, MM_CMP_B_ONLY);
    related_table(&b, cmp);
    if (!fragment)
        mm_buf_puts(&b, "</div>\n</body>\n</html>\n");
    if (b.failed) {
        mm_buf_free(&b);
        return MM_ENOMEM;
    }
    if (len)
        *len = b.len;
    *out = b.data ? b.data : strdup("");
    return *out ? MM_OK : MM_ENOMEM;
}
