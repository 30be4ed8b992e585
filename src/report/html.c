/*
 * The HTML report: one self-contained page for a manager. Header (organization, system,
 * scope, dates, ODP profile), the score (Rev 2: SPRS and CMMC Level 2; Rev 3: requirements
 * and objectives met), per-family bars as inline SVG with a table of the same numbers, the
 * gaps in priority order with their unmet objectives, the POA&M with milestones, ODP
 * conflicts and warnings.
 *
 * The page loads nothing: CSS is inline, there is no script, and a Content-Security-Policy
 * forbids any fetch. Every string from the assessment or the catalog goes through
 * mm_buf_put_html. The output depends only on r and o (the footer date comes from
 * mm_report_timestamp).
 */
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "report/html_internal.h"

/* Markers around ODP values in rendered text; replaced by <span class="odp">. */
#define ODP_OPEN  "\x01"
#define ODP_CLOSE "\x02"

/* ---- small helpers ------------------------------------------------------------------- */

/* Escaped s, turning the ODP markers into a span; always leaves the markup balanced.
 * s is modified (each marker becomes a NUL). */
static void esc_marked(mm_buf *b, char *s)
{
    bool open = false;
    char *run = s;
    for (; *s; s++) {
        char c = *s;
        if (c != ODP_OPEN[0] && c != ODP_CLOSE[0])
            continue;
        *s = '\0';
        mm_html_esc(b, run);
        if (c == ODP_OPEN[0] && !open) {
            mm_buf_puts(b, "<span class=\"odp\">");
            open = true;
        } else if (c == ODP_CLOSE[0] && open) {
            mm_buf_puts(b, "</span>");
            open = false;
        }
        run = s + 1;
    }
    mm_html_esc(b, run);
    if (open)
        mm_buf_puts(b, "</span>");
}

/* Catalog text with the effective ODP values in place, highlighted, escaped. */
static void put_text(mm_buf *b, const mm_result *r, const char *text)
{
    if (!text)
        return;
    char *s = mm_catalog_render(r->assessment->catalog, text, mm_result_odp_lookup, (void *)r,
                                ODP_OPEN, ODP_CLOSE);
    if (!s) {
        b->failed = true;
        return;
    }
    esc_marked(b, s);
    free(s);
}

/* Index+1 of the first open (not closed) POA&M item for requirement i, else 0. */
static size_t poam_for(const mm_assessment *a, size_t i)
{
    for (size_t k = 0; k < a->npoam; k++)
        if (a->poam[k].requirement_index == i && !mm_streq(a->poam[k].status, "closed"))
            return k + 1;
    return 0;
}

static bool is_gap(const mm_result *r, size_t i)
{
    for (size_t g = 0; g < r->ngaps; g++)
        if (r->gaps[g] == i)
            return true;
    return false;
}

/* ---- sections ------------------------------------------------------------------------ */

static void head(mm_buf *b, const mm_result *r, const char *rev, const char *lang)
{
    const mm_assessment *a = r->assessment;
    mm_buf_printf(b,
                  "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "style-src 'unsafe-inline'; img-src data:\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"referrer\" content=\"no-referrer\">\n<title>",
                  lang);
    mm_html_tr4(b, lang, "htm.title", rev, NULL, NULL, NULL);
    if (a->org_name) {
        mm_buf_puts(b, " \xe2\x80\x94 ");
        mm_html_esc(b, a->org_name);
    }
    mm_buf_puts(b, "</title>\n<style>\n");
    for (size_t i = 0; mm_report_html_css[i]; i++)
        mm_buf_puts(b, mm_report_html_css[i]);
    mm_buf_puts(b, "</style>\n</head>\n<body>\n<div class=\"page\">\n");
}

/* <a href="#id">label</a> */
static void toc(mm_buf *b, const char *lang, const char *id, const char *key)
{
    mm_buf_printf(b, "<a href=\"#%s\">", id);
    mm_html_tr(b, lang, key);
    mm_buf_puts(b, "</a>");
}

static void header(mm_buf *b, const mm_result *r, const char *rev, bool r2, const char *lang)
{
    const mm_assessment *a = r->assessment;
    mm_buf_puts(b, "<header class=\"doc-head\">\n<p class=\"kicker\">");
    mm_html_tr4(b, lang, "htm.kicker", rev, NULL, NULL, NULL);
    mm_buf_puts(b, "</p>\n<h1>");
    if (a->org_name)
        mm_html_esc(b, a->org_name);
    else
        mm_html_tr(b, lang, "htm.unnamed");
    mm_buf_puts(b, "</h1>\n<dl class=\"meta\">\n");
    if (a->norg_ids) {
        mm_buf_puts(b, "<dt>");
        mm_html_tr(b, lang, "htm.identifiers");
        mm_buf_puts(b, "</dt><dd>");
        for (size_t i = 0; i < a->norg_ids; i++) {
            if (i)
                mm_buf_puts(b, " \xc2\xb7 ");
            mm_html_esc(b, a->org_ids[i].scheme);
            mm_buf_putc(b, ' ');
            mm_html_esc(b, a->org_ids[i].value);
        }
        mm_buf_puts(b, "</dd>\n");
    }
    mm_html_dt_dd(b, lang, "htm.system", a->system_name);
    mm_html_dt_dd(b, lang, "col.description", a->system_description);
    mm_html_dt_dd(b, lang, "htm.boundary", a->boundary);
    if (a->scope) {
        mm_buf_puts(b, "<dt>");
        mm_html_tr(b, lang, "htm.scope");
        mm_buf_puts(b, "</dt><dd>");
        mm_html_esc(b, a->scope);
        if (a->contract)
            mm_html_tr4(b, lang, "htm.scope_contract", a->contract, NULL, NULL, NULL);
        mm_buf_puts(b, "</dd>\n");
    } else {
        mm_html_dt_dd(b, lang, "htm.contract", a->contract);
    }
    mm_html_dt_date(b, lang, "htm.assessed", a->assessed);
    mm_html_dt_date(b, lang, "htm.valid_until", a->valid_until);
    mm_html_dt_dd(b, lang, "htm.assessor", a->assessor);
    mm_html_dt_dd(b, lang, "htm.affirming_official", a->affirming_official);
    mm_buf_puts(b, "<dt>");
    mm_html_tr(b, lang, "col.framework");
    mm_buf_puts(b, "</dt><dd>");
    mm_html_tr(b, lang, r2 ? "htm.framework_r2" : "htm.framework_r3");
    mm_buf_puts(b, "</dd>\n");
    if (!r2)
        mm_html_dt_dd(b, lang, "htm.odp_profile",
                      r->profile ? r->profile->name : mm_i18n_tr(lang, "htm.none"));
    mm_buf_puts(b, "</dl>\n<nav class=\"toc\" aria-label=\"");
    mm_buf_put_html(b, mm_i18n_tr(lang, "htm.contents"));
    mm_buf_puts(b, "\">");
    toc(b, lang, "summary", "htm.summary");
    toc(b, lang, "families", "rpt.families");
    toc(b, lang, "gaps", "col.gaps");
    toc(b, lang, "poam", "col.poam");
    if (r->nconflicts)
        toc(b, lang, "odp-conflicts", "htm.odp_conflicts");
    if (r->nwarnings)
        toc(b, lang, "warnings", "rpt.warnings");
    mm_buf_puts(b, "</nav>\n</header>\n");
}

static void count_card(mm_buf *b, const char *lang, const char *label, size_t met, size_t total,
                       size_t not_assessed, const char *what)
{
    char n0[24];
    mm_buf_printf(b, "<div class=\"card %s\"><div class=\"label\">",
                  mm_html_ratio_class(met, total));
    mm_html_tr(b, lang, label);
    mm_buf_printf(b,
                  "</div><div class=\"big\">%zu<span class=\"of\"> / %zu</span></div>"
                  "<div class=\"meter\" role=\"img\" aria-label=\"",
                  met, total);
    mm_i18n_put(b, lang, true, what, mm_report_num(n0, mm_html_pct(met, total)), NULL, NULL, NULL);
    mm_buf_printf(b, "\"><span style=\"width:%u%%\"></span></div><p class=\"sub\">",
                  mm_html_pct(met, total));
    mm_html_tr4(b, lang, "htm.pct_met", mm_report_num(n0, mm_html_pct(met, total)), NULL, NULL,
                NULL);
    if (not_assessed)
        mm_html_tr4(b, lang, "htm.n_not_assessed", mm_report_num(n0, (long long)not_assessed), NULL,
                    NULL, NULL);
    mm_buf_puts(b, "</p></div>\n");
}

/* <ul> of reasons (English, from the evaluator), skipping skip */
static void reasons(mm_buf *b, const char *lang, const char *const *items, size_t n,
                    const char *skip)
{
    mm_buf_puts(b, "\n<ul>\n");
    for (size_t i = 0; i < n; i++) {
        if (skip && mm_streq(items[i], skip))
            continue;
        mm_buf_puts(b, "<li>");
        mm_html_esc_en(b, lang, items[i]);
        mm_buf_puts(b, "</li>\n");
    }
    mm_buf_puts(b, "</ul></div>\n");
}

static void summary(mm_buf *b, const mm_result *r, bool r2, const char *lang)
{
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    char n0[24], n1[24], n2[24], d0[64];
    mm_buf_puts(b, "<section id=\"summary\">\n<h2>");
    mm_html_tr(b, lang, "htm.summary");
    mm_buf_puts(b, "</h2>\n<div class=\"cards\">\n");
    if (r2) {
        if (r->sprs_valid) {
            int min = (int)(cat->sprs_base * cat->cmmc_min_ratio + 0.999);
            const char *cls = r->sprs == cat->sprs_base ? "ok" : r->sprs >= min ? "warn" : "bad";
            mm_buf_printf(b, "<div class=\"card %s\"><div class=\"label\">", cls);
            mm_html_tr(b, lang, "htm.sprs");
            mm_buf_printf(b,
                          "</div><div class=\"big\">%d<span class=\"of\"> / %d</span></div>"
                          "<p class=\"sub\">",
                          r->sprs, cat->sprs_base);
            mm_html_tr4(b, lang, "htm.sprs_range", mm_report_num(n0, cat->sprs_min),
                        mm_report_num(n1, cat->sprs_base), NULL, NULL);
            mm_buf_puts(b, "</p></div>\n");
        } else {
            mm_buf_puts(b, "<div class=\"card bad\"><div class=\"label\">");
            mm_html_tr(b, lang, "htm.sprs");
            mm_buf_puts(b, "</div><div class=\"big word\">");
            mm_html_tr(b, lang, "status.no-valid-score");
            mm_buf_puts(b, "</div><p class=\"sub\">");
            mm_html_tr(b, lang, "htm.reason_below");
            mm_buf_puts(b, "</p></div>\n");
        }
        mm_buf_printf(b, "<div class=\"card %s\" id=\"cmmc-level1\"><div class=\"label\">",
                      r->cmmc1 == MM_CMMC_FINAL ? "ok" : "bad");
        mm_html_tr(b, lang, "htm.cmmc1");
        mm_buf_puts(b, "</div><div class=\"big word\">");
        mm_html_tr(b, lang,
                   r->cmmc1 == MM_CMMC_FINAL ? "cmmc.status.final" : "cmmc.status.not-eligible");
        mm_buf_puts(b, "</div><p class=\"sub\">");
        if (r->cmmc1 == MM_CMMC_FINAL)
            mm_html_tr(b, lang, "htm.cmmc1_final");
        else
            mm_html_tr4(b, lang, "htm.cmmc1_not", mm_report_num(n0, (long long)r->ncmmc1_reasons),
                        NULL, NULL, NULL);
        mm_buf_puts(b, "</p></div>\n");
        bool expired = r->cmmc == MM_CMMC_CONDITIONAL && r->cmmc2.expired;
        const char *cm = r->cmmc == MM_CMMC_FINAL         ? "cmmc.status.final"
                         : expired                        ? "status.conditional-expired"
                         : r->cmmc == MM_CMMC_CONDITIONAL ? "cmmc.status.conditional"
                                                          : "cmmc.status.not-eligible";
        const char *cc = r->cmmc == MM_CMMC_FINAL         ? "ok"
                         : expired                        ? "bad"
                         : r->cmmc == MM_CMMC_CONDITIONAL ? "warn"
                                                          : "bad";
        mm_buf_printf(b, "<div class=\"card %s\" id=\"cmmc-level2\"><div class=\"label\">", cc);
        mm_html_tr(b, lang, "htm.cmmc2");
        mm_buf_puts(b, "</div><div class=\"big word\">");
        mm_html_tr(b, lang, cm);
        mm_buf_puts(b, "</div><p class=\"sub\">");
        if (r->cmmc == MM_CMMC_CONDITIONAL && r->cmmc_closeout) {
            char d1[64];
            mm_html_tr4(b, lang, expired ? "htm.cmmc2_expired" : "htm.cmmc2_conditional",
                        mm_i18n_date(d0, sizeof d0, lang, r->cmmc2.status_date),
                        mm_i18n_date(d1, sizeof d1, lang, r->cmmc_closeout), NULL, NULL);
        } else if (r->cmmc == MM_CMMC_FINAL) {
            mm_html_tr(b, lang, "htm.cmmc2_final");
        } else if (!r->sprs_valid) {
            mm_html_tr(b, lang, "htm.cmmc2_no_score");
        } else {
            mm_html_tr4(b, lang, r->ncmmc_reasons == 1 ? "htm.reason_n" : "htm.reasons_n",
                        mm_report_num(n0, (long long)r->ncmmc_reasons), NULL, NULL, NULL);
        }
        mm_buf_puts(b, "</p></div>\n");
    }
    count_card(b, lang, "htm.requirements", r->requirements_met, r->requirements_total,
               r->requirements_not_assessed, "htm.pct_requirements");
    count_card(b, lang, "requirement.objectives", r->objectives_met, r->objectives_total,
               r->objectives_not_assessed, "htm.pct_objectives");
    size_t without = 0;
    for (size_t g = 0; g < r->ngaps; g++)
        without += !r->requirements[r->gaps[g]].on_poam;
    mm_buf_printf(b, "<div class=\"card %s\"><div class=\"label\">",
                  !r->ngaps ? "ok"
                  : without ? "bad"
                            : "warn");
    mm_html_tr(b, lang, "col.gaps");
    mm_buf_printf(b, "</div><div class=\"big\">%zu</div><p class=\"sub\">", r->ngaps);
    if (r->ngaps)
        mm_html_tr4(b, lang, "htm.gaps_poam", mm_report_num(n1, (long long)(r->ngaps - without)),
                    mm_report_num(n2, (long long)without), NULL, NULL);
    else
        mm_html_tr(b, lang, "htm.gaps_none");
    mm_buf_puts(b, "</p></div>\n");
    mm_buf_puts(b, "</div>\n");

    if (r2 && !r->sprs_valid) {
        mm_buf_puts(b, "<div class=\"callout bad\" id=\"no-score\"><strong>");
        mm_html_tr(b, lang, "htm.no_score");
        mm_buf_puts(b, "</strong> ");
        mm_html_esc_en(b, lang, r->sprs_invalid_reason);
        mm_buf_puts(b, "</div>\n");
    }
    /* CMMC reasons; the invalid score's reason is shown once, just above */
    const char *skip = r->sprs_valid ? NULL : r->sprs_invalid_reason;
    size_t nreasons = 0;
    for (size_t i = 0; r2 && i < r->ncmmc_reasons; i++)
        nreasons += !skip || !mm_streq(r->cmmc_reasons[i], skip);
    if (nreasons) {
        mm_buf_printf(b, "<div class=\"callout %s\"><strong>",
                      r->cmmc == MM_CMMC_NOT_ELIGIBLE ? "bad" : "warn");
        mm_html_tr(b, lang, "htm.cmmc2_reasons");
        mm_buf_puts(b, "</strong>");
        reasons(b, lang, r->cmmc_reasons, r->ncmmc_reasons, skip);
    }
    if (r2 && r->ncmmc1_reasons) {
        mm_buf_puts(b, "<div class=\"callout bad\"><strong>");
        mm_html_tr(b, lang, "htm.cmmc1_reasons");
        mm_buf_puts(b, "</strong>");
        reasons(b, lang, r->cmmc1_reasons, r->ncmmc1_reasons, NULL);
    }
    if (r->nno_plan) {
        mm_buf_printf(b, "<div class=\"callout %s\" id=\"no-plan\"><strong>", r2 ? "bad" : "warn");
        mm_html_tr(b, lang, "rpt.no_plan");
        mm_buf_puts(b, "</strong> ");
        for (size_t k = 0; k < r->nno_plan; k++) {
            mm_buf_puts(b, k ? ", " : "");
            mm_html_esc(b, cat->requirements[r->no_plan[k]].id);
        }
        mm_html_tr(b, lang, r2 ? "htm.no_plan_r2" : "htm.no_plan_r3");
        mm_buf_puts(b, "</div>\n");
    }
    if (!r2) {
        mm_buf_puts(b, "<p class=\"note\">");
        mm_html_tr(b, lang, "htm.r3_note");
        mm_buf_puts(b, "</p>\n<p class=\"note\" id=\"dfars-note\">");
        mm_html_tr(b, lang, MM_REPORT_DFARS_NOTE);
        mm_buf_puts(b, "</p>\n");
    }
    mm_buf_puts(b, "</section>\n");
}

#define CHART_W     760
#define CHART_ROW   26
#define CHART_LABEL 312
#define CHART_BAR   320

static void families(mm_buf *b, const mm_result *r, const char *lang)
{
    const mm_catalog *cat = r->assessment->catalog;
    size_t n = cat->nfamilies;
    char n0[24], n1[24], n2[24], n3[24];
    mm_buf_puts(b, "<section id=\"families\">\n<h2>");
    mm_html_tr(b, lang, "htm.per_family");
    mm_buf_printf(b,
                  "</h2>\n<figure class=\"chart\" style=\"margin:0\">\n<svg "
                  "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %zu\" role=\"img\" "
                  "aria-labelledby=\"fam-title fam-desc\" font-size=\"13\" "
                  "font-family=\"system-ui, -apple-system, Segoe UI, Roboto, Arial, "
                  "sans-serif\">\n<title id=\"fam-title\">",
                  CHART_W, n * CHART_ROW + 4);
    mm_html_tr(b, lang, "htm.per_family");
    mm_buf_puts(b, "</title>\n<desc id=\"fam-desc\">");
    for (size_t i = 0; i < n; i++) {
        const mm_family_result *fr = &r->families[i];
        mm_html_esc(b, cat->families[i].title);
        mm_html_tr4(b, lang, "htm.family_met", mm_report_num(n0, (long long)fr->met),
                    mm_report_num(n1, (long long)fr->total), NULL, NULL);
        mm_buf_puts(b, i + 1 < n ? "; " : ".");
    }
    mm_buf_puts(b, "</desc>\n");
    for (size_t i = 0; i < n; i++) {
        const mm_family_result *fr = &r->families[i];
        const mm_family *f = &cat->families[i];
        size_t y = i * CHART_ROW + 2;
        unsigned w = fr->total ? (unsigned)((fr->met * CHART_BAR + fr->total / 2) / fr->total) : 0;
        const char *fill = fr->met == fr->total       ? "#2da44e"
                           : fr->met * 2 >= fr->total ? "#d4a72c"
                                                      : "#cf222e";
        mm_buf_puts(b, "<g><title>");
        mm_html_esc(b, f->id);
        mm_buf_putc(b, ' ');
        mm_html_esc(b, f->title);
        mm_html_tr4(b, lang, "htm.family_title", mm_report_num(n0, (long long)fr->met),
                    mm_report_num(n1, (long long)fr->total),
                    mm_report_num(n2, (long long)fr->objectives_met),
                    mm_report_num(n3, (long long)fr->objectives_total));
        mm_buf_printf(b, "</title><text x=\"0\" y=\"%zu\" font-weight=\"600\" fill=\"#0b3d6e\">",
                      y + 17);
        mm_html_esc(b, f->abbrev);
        mm_buf_printf(b, "</text><text x=\"32\" y=\"%zu\" fill=\"#1f2328\"%s>", y + 17,
                      strcmp(lang, "en") ? " lang=\"en\"" : "");
        mm_html_esc(b, f->title);
        mm_buf_printf(b,
                      "</text><rect x=\"%d\" y=\"%zu\" width=\"%d\" height=\"14\" rx=\"3\" "
                      "fill=\"#eaeef2\"/>",
                      CHART_LABEL, y + 6, CHART_BAR);
        if (w)
            mm_buf_printf(b,
                          "<rect x=\"%d\" y=\"%zu\" width=\"%u\" height=\"14\" rx=\"3\" "
                          "fill=\"%s\"/>",
                          CHART_LABEL, y + 6, w, fill);
        mm_buf_printf(b,
                      "<text x=\"%d\" y=\"%zu\" fill=\"#1f2328\" font-weight=\"600\">%zu/%zu"
                      "</text><text x=\"%d\" y=\"%zu\" fill=\"#59636e\" "
                      "text-anchor=\"end\">%u%%</text></g>\n",
                      CHART_LABEL + CHART_BAR + 14, y + 17, fr->met, fr->total, CHART_W - 2, y + 17,
                      mm_html_pct(fr->met, fr->total));
    }
    mm_buf_puts(b, "</svg>\n</figure>\n<table class=\"families\">\n<caption class=\"note\" "
                   "style=\"caption-side:bottom;text-align:left\">");
    mm_html_tr(b, lang, "htm.chart_caption");
    mm_buf_puts(b, "</caption>\n<thead><tr><th>");
    mm_html_tr(b, lang, "chart.family");
    mm_buf_puts(b, "</th><th>");
    mm_html_tr(b, lang, "col.title");
    mm_buf_puts(b, "</th><th class=\"num\">");
    mm_html_tr(b, lang, "htm.requirements_met");
    mm_buf_puts(b, "</th><th class=\"num\">%</th><th class=\"num\">");
    mm_html_tr(b, lang, "htm.objectives_met");
    mm_buf_puts(b, "</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const mm_family_result *fr = &r->families[i];
        const mm_family *f = &cat->families[i];
        mm_buf_puts(b, "<tr><td class=\"id\">");
        mm_html_esc(b, f->id);
        mm_buf_putc(b, ' ');
        mm_html_esc(b, f->abbrev);
        mm_buf_puts(b, "</td><td>");
        mm_html_esc_en(b, lang, f->title);
        mm_buf_printf(b,
                      "</td><td class=\"num\">%zu / %zu</td><td class=\"num\">%u%%</td>"
                      "<td class=\"num\">%zu / %zu</td></tr>\n",
                      fr->met, fr->total, mm_html_pct(fr->met, fr->total), fr->objectives_met,
                      fr->objectives_total);
    }
    mm_buf_puts(b, "</tbody>\n<tfoot><tr><th>");
    mm_html_tr(b, lang, "htm.all");
    mm_buf_printf(b,
                  "</th><th></th><th class=\"num\">%zu / %zu</th>"
                  "<th class=\"num\">%u%%</th><th class=\"num\">%zu / %zu</th></tr></tfoot>\n"
                  "</table>\n</section>\n",
                  r->requirements_met, r->requirements_total,
                  mm_html_pct(r->requirements_met, r->requirements_total), r->objectives_met,
                  r->objectives_total);
}

static bool listed(const mm_answer *ans)
{
    return ans->determination == MM_DET_OTHER_THAN_SATISFIED ||
           ans->determination == MM_DET_NOT_ASSESSED;
}

static bool has_notes(const mm_answer *ans)
{
    return ans->notes || ans->justification || ans->nevidence;
}

/* <span class="muted">label:</span> */
static void muted(mm_buf *b, const char *lang, const char *sep, const char *key)
{
    mm_buf_printf(b, "%s<span class=\"muted\">", sep);
    mm_html_tr(b, lang, key);
    mm_buf_puts(b, "</span> ");
}

/* Notes, evidence and justification of one objective's answer. */
static void answer_notes(mm_buf *b, const mm_answer *ans, const char *lang)
{
    const char *sep = "";
    if (ans->notes) {
        mm_html_esc(b, ans->notes);
        sep = "<br>";
    }
    if (ans->justification) {
        muted(b, lang, sep, "htm.justification_colon");
        mm_html_esc(b, ans->justification);
        sep = "<br>";
    }
    if (ans->nevidence) {
        muted(b, lang, sep, "htm.evidence_colon");
        for (size_t e = 0; e < ans->nevidence; e++) {
            if (e)
                mm_buf_puts(b, ", ");
            mm_html_esc(b, ans->evidence[e]);
        }
        sep = "<br>";
    }
    if (!*sep)
        mm_buf_puts(b, "<span class=\"muted\">\xe2\x80\x94</span>");
}

/* The objectives of requirement q that are other than satisfied or not assessed. */
static void unmet_objectives(mm_buf *b, const mm_result *r, const mm_requirement *q,
                             const char *lang)
{
    const mm_assessment *a = r->assessment;
    const mm_answer *answers = &a->answers[q->objectives - a->catalog->objectives];
    size_t n = 0, from_req = 0, notes = 0;
    for (size_t j = 0; j < q->nobjectives; j++) {
        if (!listed(&answers[j]))
            continue;
        n++;
        from_req += answers[j].from_requirement;
        notes += has_notes(&answers[j]);
    }
    if (!n)
        return;
    if (from_req == n) {
        mm_buf_puts(b, "<p class=\"note\">");
        mm_html_tr(b, lang, "htm.no_own_determination");
        mm_buf_puts(b, "</p>\n");
    }
    mm_buf_puts(b, "<table class=\"objectives\">\n<thead><tr><th>");
    mm_html_tr(b, lang, "htm.objective_not_met");
    mm_buf_puts(b, "</th><th class=\"det\">");
    mm_html_tr(b, lang, "htm.determination");
    mm_buf_puts(b, "</th>");
    if (notes) {
        mm_buf_puts(b, "<th class=\"notes\">");
        mm_html_tr(b, lang, "htm.notes_evidence");
        mm_buf_puts(b, "</th>");
    }
    mm_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (size_t j = 0; j < q->nobjectives; j++) {
        const mm_answer *ans = &answers[j];
        if (!listed(ans))
            continue;
        mm_buf_puts(b, "<tr><td><span class=\"oid\">");
        mm_html_esc(b, q->objectives[j].id);
        mm_buf_puts(b, "</span> ");
        mm_html_en_open(b, lang);
        put_text(b, r, q->objectives[j].text);
        mm_html_en_close(b, lang);
        mm_buf_puts(b, "</td><td>");
        mm_html_badge(b, lang, ans->determination == MM_DET_OTHER_THAN_SATISFIED ? "bad" : "warn",
                      mm_html_det_label(ans->determination));
        if (ans->from_requirement && from_req < n) {
            mm_buf_puts(b, "<br><span class=\"note\">");
            mm_html_tr(b, lang, "htm.from_requirement");
            mm_buf_puts(b, "</span>");
        }
        mm_buf_puts(b, "</td>");
        if (notes) {
            mm_buf_puts(b, "<td>");
            answer_notes(b, ans, lang);
            mm_buf_puts(b, "</td>");
        }
        mm_buf_puts(b, "</tr>\n");
    }
    mm_buf_puts(b, "</tbody>\n</table>\n");
}

static void gap(mm_buf *b, const mm_result *r, size_t i, bool r2, const char *lang)
{
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    const mm_requirement *q = &cat->requirements[i];
    const mm_requirement_result *rr = &r->requirements[i];
    const mm_requirement_answer *ra = &a->requirements[i];
    size_t unmet = rr->other_than_satisfied + rr->not_assessed;
    char n0[24], n1[24];

    mm_buf_puts(b, "<article class=\"item\" id=\"req-");
    mm_html_esc(b, q->id);
    mm_buf_puts(b, "\">\n<div class=\"item-head\"><span class=\"rid\">");
    mm_html_esc(b, q->id);
    mm_buf_puts(b, strcmp(lang, "en") ? "</span><h3 lang=\"en\">" : "</span><h3>");
    /* Rev 2 requirements have no title apart from their text, shown below. */
    mm_html_esc(b, r2 ? cat->families[q->family].title : q->title);
    if (r2 && q->cmmc_id) {
        mm_buf_puts(b, " <span class=\"muted\">(");
        mm_html_esc(b, q->cmmc_id);
        mm_buf_puts(b, ")</span>");
    }
    mm_buf_puts(b, "</h3>");
    mm_html_badge(b, lang, mm_html_status_class(rr->status), mm_html_status_label(rr->status));
    if (r2) {
        mm_buf_puts(b, "<span class=\"badge plain\">");
        mm_html_tr4(b, lang, rr->points_lost == 1 ? "htm.point" : "htm.points",
                    mm_report_num(n0, rr->points_lost), NULL, NULL, NULL);
        mm_buf_puts(b, "</span>");
    }
    mm_buf_puts(b, "<span class=\"badge plain\">");
    mm_html_tr4(b, lang, "htm.objectives_unmet", mm_report_num(n0, (long long)unmet),
                mm_report_num(n1, (long long)q->nobjectives), NULL, NULL);
    mm_buf_puts(b, "</span>");
    size_t k = poam_for(a, i);
    if (k) {
        mm_buf_printf(b, "<a class=\"badge ok\" href=\"#poam-%zu\">POA&amp;M ", k);
        mm_html_esc(b, a->poam[k - 1].id);
        mm_buf_puts(b, "</a>");
    } else {
        mm_html_badge(b, lang, "bad", "htm.no_poam_item");
    }
    mm_buf_puts(b, strcmp(lang, "en") ? "</div>\n<p class=\"stmt\" lang=\"en\">"
                                      : "</div>\n<p class=\"stmt\">");
    put_text(b, r, q->statement);
    mm_buf_puts(b, "</p>\n");

    char *scan = mm_report_scan_citation(r, (size_t)(q - r->assessment->catalog->requirements));
    if (ra->implementation || ra->justification || ra->notes || ra->responsible || ra->nevidence ||
        scan) {
        mm_buf_puts(b, "<dl class=\"facts\">\n");
        mm_html_dt_dd(b, lang, "htm.implementation", ra->implementation);
        mm_html_dt_dd(b, lang, "rpt.host_scans", scan);
        mm_html_dt_dd(b, lang, "htm.justification", ra->justification);
        mm_html_dt_dd(b, lang, "htm.notes", ra->notes);
        mm_html_dt_dd(b, lang, "htm.responsible", ra->responsible);
        if (ra->nevidence) {
            mm_buf_puts(b, "<dt>");
            mm_html_tr(b, lang, "htm.evidence");
            mm_buf_puts(b, "</dt><dd>");
            mm_html_str_list(b, ra->evidence, ra->nevidence);
            mm_buf_puts(b, "</dd>\n");
        }
        mm_buf_puts(b, "</dl>\n");
    }
    free(scan);

    unmet_objectives(b, r, q, lang);
    mm_buf_puts(b, "</article>\n");
}

static void gaps(mm_buf *b, const mm_result *r, bool r2, const char *lang)
{
    char n0[24];
    mm_buf_puts(b, "<section id=\"gaps\">\n<h2>");
    mm_html_tr4(b, lang, "htm.gaps_n", mm_report_num(n0, (long long)r->ngaps), NULL, NULL, NULL);
    mm_buf_puts(b, "</h2>\n");
    if (!r->ngaps) {
        mm_buf_puts(b, "<p>");
        mm_html_tr(b, lang, "htm.no_gaps");
        mm_buf_puts(b, "</p>\n</section>\n");
        return;
    }
    mm_buf_puts(b, "<p class=\"note\">");
    mm_html_tr(b, lang, r2 ? "htm.gaps_order_r2" : "htm.gaps_order_r3");
    if (!r2) {
        mm_buf t = MM_BUF_INIT; /* "marked" marked as the ODP values are */
        mm_buf_putc(&t, ' ');
        mm_i18n_put(&t, lang, false, "htm.odp_marked", ODP_OPEN, ODP_CLOSE, NULL, NULL);
        b->failed |= t.failed;
        esc_marked(b, t.data ? t.data : (char *)"");
        mm_buf_free(&t);
    }
    mm_buf_puts(b, "</p>\n");
    for (size_t g = 0; g < r->ngaps; g++)
        gap(b, r, r->gaps[g], r2, lang);
    mm_buf_puts(b, "</section>\n");
}

static void poam(mm_buf *b, const mm_result *r, bool r2, const char *lang)
{
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    char n0[24];
    mm_buf_puts(b, "<section id=\"poam\">\n<h2>");
    mm_html_tr4(b, lang, "htm.poam_n", mm_report_num(n0, (long long)a->npoam), NULL, NULL, NULL);
    mm_buf_puts(b, "</h2>\n");
    if (!a->npoam) {
        mm_buf_puts(b, "<p>");
        mm_html_tr(b, lang, "htm.poam_none");
        mm_buf_puts(b, "</p>\n");
    }
    for (size_t k = 0; k < a->npoam; k++) {
        const mm_poam_item *it = &a->poam[k];
        const mm_requirement *q = &cat->requirements[it->requirement_index];
        const mm_requirement_result *rr = &r->requirements[it->requirement_index];
        mm_buf_printf(b,
                      "<article class=\"item\" id=\"poam-%zu\">\n<div class=\"item-head\">"
                      "<span class=\"rid\">",
                      k + 1);
        mm_html_esc(b, it->id);
        mm_buf_puts(b, "</span><h3>");
        mm_html_esc(b, it->weakness);
        mm_buf_puts(b, "</h3>");
        mm_html_badge(b, lang, mm_html_poam_status_class(it->status),
                      mm_html_poam_status_label(it->status));
        mm_buf_puts(b, "</div>\n<dl class=\"facts\">\n<dt>");
        mm_html_tr(b, lang, "col.requirement");
        mm_buf_puts(b, "</dt><dd>");
        bool link = is_gap(r, it->requirement_index);
        if (link) {
            mm_buf_puts(b, "<a href=\"#req-");
            mm_html_esc(b, q->id);
            mm_buf_puts(b, "\">");
        }
        mm_html_esc(b, q->id);
        if (link)
            mm_buf_puts(b, "</a>");
        if (!r2) {
            mm_buf_putc(b, ' ');
            mm_html_esc_en(b, lang, q->title);
        }
        mm_buf_putc(b, ' ');
        mm_html_badge(b, lang, mm_html_status_class(rr->status), mm_html_status_label(rr->status));
        if (r2) {
            mm_buf_puts(b, " <span class=\"badge plain\">");
            mm_html_tr4(b, lang, rr->points_lost == 1 ? "htm.point_lost" : "htm.points_lost",
                        mm_report_num(n0, rr->points_lost), NULL, NULL, NULL);
            mm_buf_puts(b, "</span>");
        }
        mm_buf_puts(b, "</dd>\n");
        mm_html_dt_dd(b, lang, "htm.responsible", it->responsible);
        mm_html_dt_date(b, lang, "htm.detected", it->detected);
        mm_html_dt_date(b, lang, "htm.scheduled_completion", it->scheduled_completion);
        mm_html_dt_dd(b, lang, "htm.remediation", it->remediation);
        mm_html_dt_dd(b, lang, "htm.resources", it->resources);
        mm_buf_puts(b, "</dl>\n");
        if (it->nmilestones) {
            static const char *const cols[] = {"col.due", "htm.milestone", "col.status",
                                               "htm.completed"};
            mm_buf_puts(b, "<table class=\"milestones\">\n<thead><tr>");
            for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
                mm_buf_puts(b, "<th>");
                mm_html_tr(b, lang, cols[c]);
                mm_buf_puts(b, "</th>");
            }
            mm_buf_puts(b, "</tr></thead>\n<tbody>\n");
            for (size_t m = 0; m < it->nmilestones; m++) {
                const mm_milestone *ml = &it->milestones[m];
                char d[64];
                mm_buf_puts(b, "<tr><td class=\"id\">");
                mm_html_esc(b, mm_i18n_date(d, sizeof d, lang, ml->due));
                mm_buf_puts(b, "</td><td>");
                mm_html_esc(b, ml->description);
                mm_buf_puts(b, "</td><td>");
                mm_html_badge(b, lang, mm_html_milestone_class(ml->status),
                              mm_html_milestone_label(ml->status));
                mm_buf_puts(b, "</td><td class=\"id\">");
                mm_html_esc(b, ml->completed ? mm_i18n_date(d, sizeof d, lang, ml->completed) : "");
                mm_buf_puts(b, "</td></tr>\n");
            }
            mm_buf_puts(b, "</tbody>\n</table>\n");
        } else {
            mm_buf_puts(b, "<p class=\"note\">");
            mm_html_tr(b, lang, "htm.no_milestones");
            mm_buf_puts(b, "</p>\n");
        }
        mm_buf_puts(b, "</article>\n");
    }
    size_t without = 0;
    for (size_t g = 0; g < r->ngaps; g++)
        without += !r->requirements[r->gaps[g]].on_poam;
    if (without) {
        mm_buf_puts(b, "<div class=\"callout bad\"><strong>");
        mm_html_tr4(b, lang, without == 1 ? "htm.without_poam" : "htm.without_poam_n",
                    mm_report_num(n0, (long long)without), NULL, NULL, NULL);
        mm_buf_puts(b, "</strong> ");
        size_t shown = 0;
        for (size_t g = 0; g < r->ngaps; g++) {
            size_t i = r->gaps[g];
            if (r->requirements[i].on_poam)
                continue;
            mm_buf_puts(b, shown++ ? ", <a href=\"#req-" : "<a href=\"#req-");
            mm_html_esc(b, cat->requirements[i].id);
            mm_buf_puts(b, "\">");
            mm_html_esc(b, cat->requirements[i].id);
            mm_buf_puts(b, "</a>");
        }
        mm_buf_puts(b, "</div>\n");
    }
    mm_buf_puts(b, "</section>\n");
}

static void conflicts(mm_buf *b, const mm_result *r, const char *lang)
{
    const mm_catalog *cat = r->assessment->catalog;
    char n0[24];
    if (!r->nconflicts)
        return;
    static const char *const cols[] = {"htm.odp", "col.requirement", "htm.value_given",
                                       "htm.value_fixed"};
    mm_buf_puts(b, "<section id=\"odp-conflicts\">\n<h2>");
    mm_html_tr4(b, lang, "htm.odp_conflicts_n", mm_report_num(n0, (long long)r->nconflicts), NULL,
                NULL, NULL);
    mm_buf_puts(b, "</h2>\n<p class=\"note\">");
    mm_html_tr(b, lang, "htm.odp_conflicts_note");
    mm_buf_puts(b, "</p>\n<table>\n<thead><tr>");
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        mm_buf_puts(b, "<th>");
        mm_html_tr(b, lang, cols[c]);
        mm_buf_puts(b, "</th>");
    }
    mm_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < r->nconflicts; i++) {
        const mm_odp *p = &cat->odps[r->conflicts[i].odp];
        mm_buf_puts(b, "<tr><td class=\"id\">");
        mm_html_esc(b, p->id);
        mm_buf_puts(b, "</td><td class=\"id\">");
        mm_html_esc(b, cat->requirements[p->requirement].id);
        mm_buf_puts(b, "</td><td>");
        mm_html_esc(b, r->conflicts[i].given);
        mm_buf_puts(b, "</td><td><strong>");
        mm_html_esc(b, r->conflicts[i].fixed);
        mm_buf_puts(b, "</strong></td></tr>\n");
    }
    mm_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

static void warnings(mm_buf *b, const mm_result *r, const char *lang)
{
    char n0[24];
    if (!r->nwarnings)
        return;
    mm_buf_puts(b, "<section id=\"warnings\">\n<h2>");
    mm_html_tr4(b, lang, "htm.warnings_n", mm_report_num(n0, (long long)r->nwarnings), NULL, NULL,
                NULL);
    mm_buf_puts(b, "</h2>\n<ul>\n");
    for (size_t i = 0; i < r->nwarnings; i++) {
        mm_buf_puts(b, "<li>");
        mm_html_esc_en(b, lang, r->warnings[i]);
        mm_buf_puts(b, "</li>\n");
    }
    mm_buf_puts(b, "</ul>\n</section>\n");
}

int mm_report_html(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    const mm_assessment *a = r->assessment;
    const char *lang = mm_report_lang(o);
    bool r2 = a->catalog->framework == MM_FW_R2;
    const char *rev = r2 ? "Rev 2" : "Rev 3";
    char ts[21], day[11], d[64];
    mm_report_timestamp(ts, r, o);

    head(b, r, rev, lang);
    header(b, r, rev, r2, lang);
    mm_buf_puts(b, "<main>\n");
    summary(b, r, r2, lang);
    families(b, r, lang);
    gaps(b, r, r2, lang);
    poam(b, r, r2, lang);
    conflicts(b, r, lang);
    warnings(b, r, lang);
    /* the file name only: the report may leave the machine it was made on */
    const char *src = a->source ? a->source : mm_i18n_tr(lang, "htm.an_assessment");
    const char *slash = strrchr(src, '/');
    memcpy(day, ts, 10);
    day[10] = '\0';
    mm_buf_puts(b, "</main>\n<footer>\n<p>");
    mm_html_tr4(b, lang, o->tool_version ? "htm.footer_version" : "htm.footer", o->tool_version,
                slash && slash[1] ? slash + 1 : src, mm_i18n_date(d, sizeof d, lang, day), rev);
    if (r2)
        mm_html_tr(b, lang, "htm.footer_r2");
    mm_html_tr(b, lang, "htm.footer_end");
    mm_buf_puts(b, "</p>\n</footer>\n</div>\n</body>\n</html>\n");
    return b->failed ? MM_ENOMEM : MM_OK;
}
