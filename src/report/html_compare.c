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
#include "i18n/i18n.h"
#include "mamori/report.h"
#include "report/html_internal.h"

static const char css[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}"
    ".page{max-width:1100px;margin:0 auto;padding:24px}"
    "table{border-collapse:collapse;width:100%;margin:8px 0 24px}"
    "th,td{border-bottom:1px solid #d8dee4;padding:6px 8px;text-align:left;vertical-align:top}"
    "th{background:#f3f5f7}.id{white-space:nowrap;font-family:ui-monospace,monospace}"
    ".rel{white-space:nowrap;font-weight:600}.src{font-size:13px;color:#57606a}"
    ".none{background:#fff4e5}.na{color:#8c959f;font-style:italic}"
    "@media print{.page{max-width:none}}";

/* s escaped, in a <span lang="in"> when in (the language s is written in; NULL: English)
 * is not the page's */
static void esc_in(mm_buf *b, const char *lang, const char *in, const char *s)
{
    const char *l = in ? in : "en";
    bool mark = strcmp(l, lang) != 0;
    if (mark)
        mm_buf_printf(b, "<span lang=\"%s\">", l); /* a tag: pack.c checks it */
    mm_html_esc(b, s);
    if (mark)
        mm_buf_puts(b, "</span>");
}

/* id, then title and text ("text not available" marked as such); NIST's and the other
 * frameworks' words stay as published, marked with their language */
static void criterion_cells(mm_buf *b, const char *lang, const mm_criterion *c)
{
    mm_buf_puts(b, "<td class=\"id\">");
    mm_html_esc(b, c->id);
    mm_buf_puts(b, "</td><td>");
    if (c->title && *c->title) {
        mm_buf_puts(b, "<strong>");
        esc_in(b, lang, c->title_lang, c->title);
        mm_buf_puts(b, "</strong><br>");
    }
    if (c->text && *c->text) {
        esc_in(b, lang, c->text_lang, c->text);
    } else {
        mm_buf_puts(b, "<span class=\"na\">");
        mm_html_tr(b, lang, "htm.cmp.text_na");
        mm_buf_puts(b, "</span>");
    }
    mm_buf_puts(b, "</td>");
}

/* "Source: CITATION" (the citation as published, in English) */
static void source(mm_buf *b, const char *lang, const char *citation)
{
    mm_buf c = MM_BUF_INIT;
    mm_html_esc_en(&c, lang, citation);
    mm_i18n_put_esc(b, lang, MM_I18N_MARKUP, "htm.cmp.source_html", mm_buf_cstr(&c), NULL, NULL,
                    NULL);
    b->failed |= c.failed;
    mm_buf_free(&c);
}

static void only_table(mm_buf *b, const char *lang, const mm_compare *cmp, mm_compare_kind kind)
{
    const mm_pack *in = kind == MM_CMP_A_ONLY ? cmp->a : cmp->b;
    const mm_pack *other = kind == MM_CMP_A_ONLY ? cmp->b : cmp->a;
    size_t n = kind == MM_CMP_A_ONLY ? cmp->a_only : cmp->b_only;
    size_t total = kind == MM_CMP_A_ONLY ? cmp->a_active : cmp->b_active;
    char n0[24], n1[24];
    mm_buf_printf(b, "<section class=\"cmp-only\" id=\"only-%s\">\n<h2>",
                  kind == MM_CMP_A_ONLY ? "a" : "b");
    mm_html_tr4(b, lang, "htm.cmp.only", in->id, other->id, mm_report_num(n0, (long long)n),
                mm_report_num(n1, (long long)total));
    mm_buf_puts(b, "</h2>\n");
    if (!n) {
        mm_buf_puts(b, "<p>");
        mm_html_tr(b, lang, "htm.cmp.all_related");
        mm_buf_puts(b, "</p>\n</section>\n");
        return;
    }
    mm_buf_puts(b, "<table>\n<thead><tr><th>");
    mm_html_tr(b, lang, "htm.cmp.col.criterion");
    mm_buf_puts(b, "</th><th>");
    mm_html_tr(b, lang, "htm.cmp.col.title_text");
    mm_buf_puts(b, "</th><th>");
    mm_html_tr(b, lang, "htm.cmp.col.published");
    mm_buf_puts(b, "</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < cmp->nrows; i++) {
        const mm_compare_row *r = &cmp->rows[i];
        if (r->kind != kind)
            continue;
        mm_buf_puts(b, "<tr class=\"none\">");
        criterion_cells(b, lang, kind == MM_CMP_A_ONLY ? r->a : r->b);
        mm_buf_puts(b, "<td>");
        if (r->rel) {
            mm_html_tr4(b, lang, "htm.cmp.no_relationship",
                        kind == MM_CMP_A_ONLY ? r->rel->target : r->rel->source, NULL, NULL, NULL);
            mm_buf_puts(b, "<div class=\"src\">");
            source(b, lang, r->rel->citation);
            mm_buf_puts(b, "</div>");
        } else {
            mm_html_tr(b, lang, "htm.cmp.none_published");
        }
        mm_buf_puts(b, "</td></tr>\n");
    }
    mm_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

static void related_table(mm_buf *b, const char *lang, const mm_compare *cmp)
{
    size_t n = cmp->nrows - cmp->a_only - cmp->b_only;
    char n0[24], key[40];
    mm_buf_puts(b, "<section class=\"cmp-related\" id=\"related\">\n<h2>");
    mm_html_tr4(b, lang, "htm.cmp.relations", mm_report_num(n0, (long long)n), NULL, NULL, NULL);
    mm_buf_puts(b, "</h2>\n<table>\n<thead><tr><th colspan=\"2\">");
    mm_html_esc(b, cmp->a->id);
    mm_buf_puts(b, "</th><th>");
    mm_html_tr(b, lang, "htm.cmp.col.relation");
    mm_buf_puts(b, "</th><th colspan=\"2\">");
    mm_html_esc(b, cmp->b->id);
    mm_buf_puts(b, "</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < cmp->nrows; i++) {
        const mm_compare_row *r = &cmp->rows[i];
        if (r->kind != MM_CMP_RELATED)
            continue;
        mm_buf_puts(b, "<tr>");
        criterion_cells(b, lang, r->a);
        mm_buf_puts(b, "<td class=\"rel\">");
        snprintf(key, sizeof key, "htm.cmp.rel.%s", mm_relation_name(r->rel->relation));
        mm_html_tr(b, lang, key);
        mm_buf_puts(b, "<div class=\"src\">");
        source(b, lang, r->rel->citation);
        if (r->rel->remarks) {
            mm_buf_puts(b, "<br>");
            mm_html_esc_en(b, lang, r->rel->remarks);
        }
        mm_buf_puts(b, "</div></td>");
        if (r->b) {
            criterion_cells(b, lang, r->b);
        } else {
            mm_buf_puts(b, "<td class=\"id\">");
            mm_html_esc(b, r->rel->target);
            mm_buf_puts(b, "</td><td></td>");
        }
        mm_buf_puts(b, "</tr>\n");
    }
    mm_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

/* "<strong>TITLE</strong>" of a pack (its title in English) into out */
static void strong_title(mm_buf *out, const char *lang, const char *title)
{
    mm_buf_puts(out, "<strong>");
    mm_html_esc_en(out, lang, title);
    mm_buf_puts(out, "</strong>");
}

static void summary(mm_buf *b, const char *lang, const mm_compare *cmp)
{
    mm_buf ta = MM_BUF_INIT, ia = MM_BUF_INIT, tb = MM_BUF_INIT, ib = MM_BUF_INIT;
    strong_title(&ta, lang, cmp->a->title);
    mm_html_esc(&ia, cmp->a->id);
    strong_title(&tb, lang, cmp->b->title);
    mm_html_esc(&ib, cmp->b->id);
    mm_buf_puts(b, "<p class=\"cmp-summary\">");
    mm_i18n_put_esc(b, lang, MM_I18N_MARKUP, "htm.cmp.pair_html", mm_buf_cstr(&ta),
                    mm_buf_cstr(&ia), mm_buf_cstr(&tb), mm_buf_cstr(&ib));
    b->failed |= ta.failed || ia.failed || tb.failed || ib.failed;
    mm_buf_reset(&ta);
    mm_html_esc_en(&ta, lang, cmp->cw->title);
    mm_i18n_put_esc(b, lang, MM_I18N_MARKUP, "htm.cmp.through_html", mm_buf_cstr(&ta), NULL, NULL,
                    NULL);
    b->failed |= ta.failed;
    mm_buf_free(&ta);
    mm_buf_free(&ia);
    mm_buf_free(&tb);
    mm_buf_free(&ib);
    char n0[24], n1[24];
    mm_html_tr4(b, lang, "htm.cmp.count_a", mm_report_num(n0, (long long)cmp->a_only),
                mm_report_num(n1, (long long)cmp->a_active), cmp->a->id, NULL);
    mm_html_tr4(b, lang, "htm.cmp.count_b", mm_report_num(n0, (long long)cmp->b_only),
                mm_report_num(n1, (long long)cmp->b_active), cmp->b->id, NULL);
    mm_buf_puts(b, "</p>\n");
    if (cmp->cw->nset_maps) {
        mm_buf_puts(b, "<p class=\"cmp-sets\">");
        mm_html_tr4(b, lang, "htm.cmp.sets", mm_report_num(n0, (long long)cmp->cw->nset_maps), NULL,
                    NULL, NULL);
        mm_buf_puts(b, "</p>\n");
    }
}

int mm_report_compare_html(char **out, size_t *len, const mm_compare *cmp, bool fragment,
                           const mm_report_options *opts)
{
    *out = NULL;
    const char *lang = mm_report_lang(opts);
    mm_buf b = MM_BUF_INIT;
    if (!fragment) {
        mm_buf_printf(&b,
                      "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                      "'none'; style-src 'unsafe-inline'; img-src data:\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, "
                      "initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
                      "<title>",
                      lang);
        mm_html_tr4(&b, lang, "htm.cmp.title", cmp->a->id, cmp->b->id, NULL, NULL);
        mm_buf_puts(&b, "</title>\n<style>");
        mm_buf_puts(&b, css);
        mm_buf_puts(&b, "</style>\n</head>\n<body>\n<div class=\"page\">\n<h1>");
        mm_html_tr4(&b, lang, "htm.cmp.title", cmp->a->id, cmp->b->id, NULL, NULL);
        mm_buf_puts(&b, "</h1>\n");
    }
    summary(&b, lang, cmp);
    only_table(&b, lang, cmp, MM_CMP_A_ONLY);
    only_table(&b, lang, cmp, MM_CMP_B_ONLY);
    related_table(&b, lang, cmp);
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
