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
#include "report/report_internal.h"

/* Markers around ODP values in rendered text; replaced by <span class="odp">. */
#define ODP_OPEN  "\x01"
#define ODP_CLOSE "\x02"

static const char *const css[] = {
    ":root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--accent:#0b3d6e;"
    "--ok:#1a7f37;--ok-bg:#dafbe1;--warn:#9a6700;--warn-bg:#fff8c5;--bad:#b91c1c;"
    "--bad-bg:#ffebe9;--na:#59636e;--na-bg:#eef1f4}\n",
    "*{box-sizing:border-box}\n",
    "html{-webkit-text-size-adjust:100%}\n",
    "body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 system-ui,-apple-system,"
    "\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,\"Noto Sans\",\"Noto Sans CJK JP\","
    "\"Hiragino Sans\",\"Yu Gothic\",sans-serif}\n",
    ".page{max-width:980px;margin:0 auto;padding:32px 28px 48px}\n",
    "h1,h2,h3{line-height:1.25;margin:0}\n",
    "h1{font-size:28px;font-weight:650}\n",
    "h2{font-size:20px;font-weight:650;margin:40px 0 14px;padding-bottom:6px;"
    "border-bottom:2px solid var(--accent);color:var(--accent)}\n",
    "h3{font-size:16px;font-weight:600}\n",
    "p{margin:0 0 10px}\n",
    "a{color:var(--accent)}\n",
    ".kicker{text-transform:uppercase;letter-spacing:.08em;font-size:12px;font-weight:600;"
    "color:var(--muted);margin-bottom:6px}\n",
    ".doc-head{border-bottom:1px solid var(--line);padding-bottom:18px}\n",
    ".meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:16px 0 0;"
    "font-size:14px}\n",
    ".meta dt{color:var(--muted)}\n",
    ".meta dd{margin:0}\n",
    "nav.toc{font-size:13px;margin:14px 0 0;color:var(--muted)}\n",
    "nav.toc a{margin-right:14px;text-decoration:none}\n",
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:14px}\n",
    ".card{border:1px solid var(--line);border-radius:8px;padding:14px 16px;"
    "border-top:4px solid var(--na)}\n",
    ".card.ok{border-top-color:var(--ok)}.card.warn{border-top-color:#d4a72c}"
    ".card.bad{border-top-color:var(--bad)}\n",
    ".card .label{font-size:12px;text-transform:uppercase;letter-spacing:.06em;"
    "color:var(--muted);font-weight:600}\n",
    ".card .big{font-size:34px;font-weight:700;line-height:1.15;margin:4px 0;"
    "font-variant-numeric:tabular-nums}\n",
    ".card .big.word{font-size:24px}\n",
    ".card .of{font-size:18px;font-weight:500;color:var(--muted)}\n",
    ".card .sub{font-size:13px;color:var(--muted);margin:0}\n",
    ".card.ok .big{color:var(--ok)}.card.warn .big{color:var(--warn)}"
    ".card.bad .big{color:var(--bad)}\n",
    ".meter{height:6px;background:var(--na-bg);border-radius:3px;overflow:hidden;"
    "margin:6px 0 8px;print-color-adjust:exact;-webkit-print-color-adjust:exact}\n",
    ".meter span{display:block;height:100%;background:var(--accent)}\n",
    ".callout{border:1px solid var(--line);border-left:4px solid var(--na);border-radius:6px;"
    "padding:12px 16px;margin:14px 0 0;font-size:14px}\n",
    ".callout.ok{border-left-color:var(--ok)}.callout.warn{border-left-color:#d4a72c}"
    ".callout.bad{border-left-color:var(--bad)}\n",
    ".callout ul{margin:6px 0 0;padding-left:20px}\n",
    ".note{font-size:13px;color:var(--muted)}\n",
    ".chart{margin:0 0 14px}\n",
    ".chart svg{display:block;width:100%;height:auto}\n",
    "table{border-collapse:collapse;width:100%;font-size:13.5px;margin:8px 0}\n",
    "th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid "
    "var(--line)}\n",
    "th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;"
    "letter-spacing:.04em;border-bottom:2px solid var(--line)}\n",
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n",
    "td.id{white-space:nowrap;font-variant-numeric:tabular-nums}\n",
    "th.det{width:11em}\n",
    "th.notes{width:30%}\n",
    ".badge{display:inline-block;font-size:12px;font-weight:600;line-height:1.4;padding:1px "
    "8px;border-radius:10px;border:1px solid transparent;white-space:nowrap;"
    "background:var(--na-bg);color:var(--na)}\n",
    ".badge.ok{background:var(--ok-bg);color:var(--ok);border-color:#aceebb}\n",
    ".badge.warn{background:var(--warn-bg);color:var(--warn);border-color:#f2d77a}\n",
    ".badge.bad{background:var(--bad-bg);color:var(--bad);border-color:#ffcecb}\n",
    ".badge.plain{background:#fff;color:var(--muted);border-color:var(--line)}\n",
    "a.badge{text-decoration:none}\n",
    ".item{border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:0 0 14px}\n",
    ".item-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 10px;"
    "margin-bottom:8px}\n",
    ".item-head .rid{font-weight:700;font-variant-numeric:tabular-nums;color:var(--accent)}\n",
    ".item-head h3{flex:1 1 260px}\n",
    ".stmt{white-space:pre-wrap;background:var(--soft);border-radius:6px;padding:10px 12px;"
    "font-size:14px}\n",
    ".odp{color:var(--accent);background:#eef4fb;border-bottom:1px dotted var(--accent);"
    "padding:0 2px;-webkit-box-decoration-break:clone;box-decoration-break:clone}\n",
    ".facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 14px;font-size:14px;"
    "margin:8px 0}\n",
    ".facts dt{color:var(--muted)}\n",
    ".facts dd{margin:0;overflow-wrap:anywhere}\n",
    ".facts ul,td ul{margin:0;padding-left:18px}\n",
    ".oid{font-weight:600;white-space:nowrap}\n",
    ".muted{color:var(--muted)}\n",
    "footer{margin-top:44px;padding-top:12px;border-top:1px solid var(--line);font-size:12px;"
    "color:var(--muted)}\n",
    "@media print{\n",
    "@page{margin:16mm 14mm}\n",
    "body{font-size:10pt;background:none}\n",
    ".page{max-width:none;padding:0}\n",
    "nav.toc{display:none}\n",
    "h2{margin-top:22px;break-after:avoid;page-break-after:avoid}\n",
    "h3{break-after:avoid;page-break-after:avoid}\n",
    ".cards{grid-template-columns:repeat(3,1fr)}\n",
    ".card,.callout,.item-head,.stmt,.facts{break-inside:avoid;page-break-inside:avoid}\n",
    "tr,.chart{break-inside:avoid;page-break-inside:avoid}\n",
    "thead{display:table-header-group}\n",
    ".badge{background:none}\n",
    ".stmt{background:none;border:1px solid var(--line)}\n",
    "a{color:inherit;text-decoration:none}\n",
    "}\n",
    NULL};

/* ---- small helpers ------------------------------------------------------------------- */

/* Escaped s; text holding a bidirectional control (a "Trojan Source" name) is isolated in
 * <bdi>, so it cannot reorder what stands around it. */
static void esc(mm_buf *b, const char *s)
{
    bool iso = s && mm_has_bidi(s);
    if (iso)
        mm_buf_puts(b, "<bdi>");
    mm_buf_put_html(b, s);
    if (iso)
        mm_buf_puts(b, "</bdi>");
}

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
        esc(b, run);
        if (c == ODP_OPEN[0] && !open) {
            mm_buf_puts(b, "<span class=\"odp\">");
            open = true;
        } else if (c == ODP_CLOSE[0] && open) {
            mm_buf_puts(b, "</span>");
            open = false;
        }
        run = s + 1;
    }
    esc(b, run);
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

static const char *status_label(mm_status s)
{
    switch (s) {
    case MM_STATUS_MET:
        return "Met";
    case MM_STATUS_NOT_MET:
        return "Not met";
    case MM_STATUS_PARTIAL:
        return "Partially met";
    case MM_STATUS_NOT_APPLICABLE:
        return "Not applicable";
    default:
        return "Not assessed";
    }
}

static const char *status_class(mm_status s)
{
    switch (s) {
    case MM_STATUS_MET:
        return "ok";
    case MM_STATUS_NOT_MET:
        return "bad";
    case MM_STATUS_PARTIAL:
    case MM_STATUS_NOT_ASSESSED:
        return "warn";
    default:
        return "na";
    }
}

static const char *det_label(mm_determination d)
{
    switch (d) {
    case MM_DET_SATISFIED:
        return "Satisfied";
    case MM_DET_OTHER_THAN_SATISFIED:
        return "Other than satisfied";
    case MM_DET_NOT_APPLICABLE:
        return "Not applicable";
    default:
        return "Not assessed";
    }
}

static const char *poam_status_label(const char *s)
{
    if (mm_streq(s, "closed"))
        return "Closed";
    if (mm_streq(s, "risk-accepted"))
        return "Risk accepted";
    return "Open";
}

static const char *poam_status_class(const char *s)
{
    if (mm_streq(s, "closed"))
        return "ok";
    if (mm_streq(s, "risk-accepted"))
        return "na";
    return "warn";
}

static const char *milestone_label(const char *s)
{
    if (mm_streq(s, "completed"))
        return "Completed";
    if (mm_streq(s, "in-progress"))
        return "In progress";
    return "Planned";
}

static const char *milestone_class(const char *s)
{
    if (mm_streq(s, "completed"))
        return "ok";
    if (mm_streq(s, "in-progress"))
        return "warn";
    return "plain";
}

static unsigned pct(size_t met, size_t total)
{
    return total ? (unsigned)((met * 100 + total / 2) / total) : 0;
}

/* Class of a met/total ratio: all met, at least half, less. */
static const char *ratio_class(size_t met, size_t total)
{
    return met == total ? "ok" : met * 2 >= total ? "warn" : "bad";
}

static void dt_dd(mm_buf *b, const char *term, const char *value)
{
    if (!value)
        return;
    mm_buf_printf(b, "<dt>%s</dt><dd>", term);
    esc(b, value);
    mm_buf_puts(b, "</dd>\n");
}

static void str_list(mm_buf *b, const char *const *items, size_t n)
{
    if (n == 1) {
        esc(b, items[0]);
        return;
    }
    mm_buf_puts(b, "<ul>");
    for (size_t i = 0; i < n; i++) {
        mm_buf_puts(b, "<li>");
        esc(b, items[i]);
        mm_buf_puts(b, "</li>");
    }
    mm_buf_puts(b, "</ul>");
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

static void head(mm_buf *b, const mm_result *r, const char *rev)
{
    const mm_assessment *a = r->assessment;
    mm_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'; img-src data:\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    mm_buf_printf(b, "NIST SP 800-171 %s assessment", rev);
    if (a->org_name) {
        mm_buf_puts(b, " \xe2\x80\x94 ");
        esc(b, a->org_name);
    }
    mm_buf_puts(b, "</title>\n<style>\n");
    for (size_t i = 0; css[i]; i++)
        mm_buf_puts(b, css[i]);
    mm_buf_puts(b, "</style>\n</head>\n<body>\n<div class=\"page\">\n");
}

static void header(mm_buf *b, const mm_result *r, const char *rev, bool r2)
{
    const mm_assessment *a = r->assessment;
    mm_buf_printf(b,
                  "<header class=\"doc-head\">\n<p class=\"kicker\">NIST SP 800-171 %s "
                  "self-assessment report</p>\n<h1>",
                  rev);
    esc(b, a->org_name ? a->org_name : "Unnamed organization");
    mm_buf_puts(b, "</h1>\n<dl class=\"meta\">\n");
    if (a->norg_ids) {
        mm_buf_puts(b, "<dt>Identifiers</dt><dd>");
        for (size_t i = 0; i < a->norg_ids; i++) {
            if (i)
                mm_buf_puts(b, " \xc2\xb7 ");
            esc(b, a->org_ids[i].scheme);
            mm_buf_putc(b, ' ');
            esc(b, a->org_ids[i].value);
        }
        mm_buf_puts(b, "</dd>\n");
    }
    dt_dd(b, "System", a->system_name);
    dt_dd(b, "Description", a->system_description);
    dt_dd(b, "Boundary", a->boundary);
    if (a->scope) {
        mm_buf_puts(b, "<dt>Scope</dt><dd>");
        esc(b, a->scope);
        if (a->contract) {
            mm_buf_puts(b, " (contract ");
            esc(b, a->contract);
            mm_buf_putc(b, ')');
        }
        mm_buf_puts(b, "</dd>\n");
    } else {
        dt_dd(b, "Contract", a->contract);
    }
    dt_dd(b, "Assessment date", a->assessed);
    dt_dd(b, "Valid until", a->valid_until);
    dt_dd(b, "Assessor", a->assessor);
    dt_dd(b, "Affirming official", a->affirming_official);
    mm_buf_printf(b, "<dt>Framework</dt><dd>%s</dd>\n",
                  r2 ? "NIST SP 800-171 Rev 2 with SP 800-171A (June 2018)"
                     : "NIST SP 800-171 Rev 3 with SP 800-171A Rev 3");
    if (!r2)
        dt_dd(b, "ODP profile", r->profile ? r->profile->name : "none");
    mm_buf_puts(b, "</dl>\n<nav class=\"toc\" aria-label=\"Contents\"><a href=\"#summary\">"
                   "Summary</a><a href=\"#families\">Families</a><a href=\"#gaps\">Gaps</a>"
                   "<a href=\"#poam\">POA&amp;M</a>");
    if (r->nconflicts)
        mm_buf_puts(b, "<a href=\"#odp-conflicts\">ODP conflicts</a>");
    if (r->nwarnings)
        mm_buf_puts(b, "<a href=\"#warnings\">Warnings</a>");
    mm_buf_puts(b, "</nav>\n</header>\n");
}

static void count_card(mm_buf *b, const char *label, size_t met, size_t total, size_t not_assessed,
                       const char *what)
{
    mm_buf_printf(b,
                  "<div class=\"card %s\"><div class=\"label\">%s</div>"
                  "<div class=\"big\">%zu<span class=\"of\"> / %zu</span></div>"
                  "<div class=\"meter\" role=\"img\" aria-label=\"%u%% %s met\">"
                  "<span style=\"width:%u%%\"></span></div><p class=\"sub\">%u%% met",
                  ratio_class(met, total), label, met, total, pct(met, total), what,
                  pct(met, total), pct(met, total));
    if (not_assessed)
        mm_buf_printf(b, "; %zu not assessed", not_assessed);
    mm_buf_puts(b, "</p></div>\n");
}

static void summary(mm_buf *b, const mm_result *r, bool r2)
{
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    mm_buf_puts(b, "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    if (r2) {
        if (r->sprs_valid) {
            int min = (int)(cat->sprs_base * cat->cmmc_min_ratio + 0.999);
            const char *cls = r->sprs == cat->sprs_base ? "ok" : r->sprs >= min ? "warn" : "bad";
            mm_buf_printf(b,
                          "<div class=\"card %s\"><div class=\"label\">SPRS score</div>"
                          "<div class=\"big\">%d<span class=\"of\"> / %d</span></div>"
                          "<p class=\"sub\">DoD Assessment Methodology v1.2.1; possible range "
                          "%d to %d</p></div>\n",
                          cls, r->sprs, cat->sprs_base, cat->sprs_min, cat->sprs_base);
        } else {
            mm_buf_puts(b, "<div class=\"card bad\"><div class=\"label\">SPRS score</div>"
                           "<div class=\"big word\">No valid score</div><p class=\"sub\">"
                           "the reason is below</p></div>\n");
        }
        mm_buf_printf(b,
                      "<div class=\"card %s\" id=\"cmmc-level1\"><div class=\"label\">CMMC "
                      "Level 1</div><div class=\"big word\">%s</div><p class=\"sub\">",
                      r->cmmc1 == MM_CMMC_FINAL ? "ok" : "bad",
                      r->cmmc1 == MM_CMMC_FINAL ? "Final" : "Not eligible");
        if (r->cmmc1 == MM_CMMC_FINAL)
            mm_buf_puts(b, "self-assessment; the 17 FAR 52.204-21 requirements met");
        else
            mm_buf_printf(b,
                          "%zu of the 17 FAR 52.204-21 requirements not met; no POA&amp;M "
                          "at Level 1",
                          r->ncmmc1_reasons);
        mm_buf_puts(b, "</p></div>\n");
        bool expired = r->cmmc == MM_CMMC_CONDITIONAL && r->cmmc2.expired;
        const char *cm = r->cmmc == MM_CMMC_FINAL         ? "Final"
                         : expired                        ? "Conditional (expired)"
                         : r->cmmc == MM_CMMC_CONDITIONAL ? "Conditional"
                                                          : "Not eligible";
        const char *cc = r->cmmc == MM_CMMC_FINAL         ? "ok"
                         : expired                        ? "bad"
                         : r->cmmc == MM_CMMC_CONDITIONAL ? "warn"
                                                          : "bad";
        mm_buf_printf(b,
                      "<div class=\"card %s\" id=\"cmmc-level2\"><div class=\"label\">CMMC "
                      "Level 2</div><div class=\"big word\">%s</div><p class=\"sub\">",
                      cc, cm);
        if (r->cmmc == MM_CMMC_CONDITIONAL && r->cmmc_closeout) {
            mm_buf_puts(b, "self-assessment; status date ");
            esc(b, r->cmmc2.status_date);
            mm_buf_puts(b, expired ? "; POA&amp;M close-out was due by "
                                   : "; POA&amp;M close-out by ");
            esc(b, r->cmmc_closeout);
        } else if (r->cmmc == MM_CMMC_FINAL) {
            mm_buf_puts(b, "self-assessment; every requirement met");
        } else if (!r->sprs_valid) {
            mm_buf_puts(b, "no valid SPRS score");
        } else {
            mm_buf_printf(b, "%zu reason%s below", r->ncmmc_reasons,
                          r->ncmmc_reasons == 1 ? "" : "s");
        }
        mm_buf_puts(b, "</p></div>\n");
    }
    count_card(b, "Requirements", r->requirements_met, r->requirements_total,
               r->requirements_not_assessed, "of requirements");
    count_card(b, "Objectives", r->objectives_met, r->objectives_total, r->objectives_not_assessed,
               "of objectives");
    size_t without = 0;
    for (size_t g = 0; g < r->ngaps; g++)
        without += !r->requirements[r->gaps[g]].on_poam;
    mm_buf_printf(b,
                  "<div class=\"card %s\"><div class=\"label\">Gaps</div>"
                  "<div class=\"big\">%zu</div><p class=\"sub\">",
                  !r->ngaps ? "ok"
                  : without ? "bad"
                            : "warn",
                  r->ngaps);
    if (r->ngaps)
        mm_buf_printf(b, "%zu on the POA&amp;M, %zu without", r->ngaps - without, without);
    else
        mm_buf_puts(b, "every requirement met or not applicable");
    mm_buf_puts(b, "</p></div>\n");
    mm_buf_puts(b, "</div>\n");

    if (r2 && !r->sprs_valid) {
        mm_buf_puts(b, "<div class=\"callout bad\" id=\"no-score\"><strong>No valid SPRS "
                       "score.</strong> ");
        esc(b, r->sprs_invalid_reason);
        mm_buf_puts(b, "</div>\n");
    }
    /* CMMC reasons; the invalid score's reason is shown once, just above */
    size_t nreasons = 0;
    for (size_t i = 0; r2 && i < r->ncmmc_reasons; i++)
        nreasons += r->sprs_valid || !mm_streq(r->cmmc_reasons[i], r->sprs_invalid_reason);
    if (nreasons) {
        mm_buf_printf(b,
                      "<div class=\"callout %s\"><strong>CMMC Level 2 (self-assessment), "
                      "32 CFR 170.21(a)(2):</strong>\n<ul>\n",
                      r->cmmc == MM_CMMC_NOT_ELIGIBLE ? "bad" : "warn");
        for (size_t i = 0; i < r->ncmmc_reasons; i++) {
            if (!r->sprs_valid && mm_streq(r->cmmc_reasons[i], r->sprs_invalid_reason))
                continue;
            mm_buf_puts(b, "<li>");
            esc(b, r->cmmc_reasons[i]);
            mm_buf_puts(b, "</li>\n");
        }
        mm_buf_puts(b, "</ul></div>\n");
    }
    if (r2 && r->ncmmc1_reasons) {
        mm_buf_puts(b, "<div class=\"callout bad\"><strong>CMMC Level 1 (self-assessment), "
                       "32 CFR 170.15 and 170.21(a)(1):</strong>\n<ul>\n");
        for (size_t i = 0; i < r->ncmmc1_reasons; i++) {
            mm_buf_puts(b, "<li>");
            esc(b, r->cmmc1_reasons[i]);
            mm_buf_puts(b, "</li>\n");
        }
        mm_buf_puts(b, "</ul></div>\n");
    }
    if (r->nno_plan) {
        mm_buf_printf(b,
                      "<div class=\"callout %s\" id=\"no-plan\"><strong>Without a plan of "
                      "action:</strong> ",
                      r2 ? "bad" : "warn");
        for (size_t k = 0; k < r->nno_plan; k++) {
            mm_buf_puts(b, k ? ", " : "");
            esc(b, cat->requirements[r->no_plan[k]].id);
        }
        mm_buf_puts(b, r2 ? ". 3.12.2 is therefore scored not implemented (DoD Assessment "
                            "Methodology v1.2.1 5(g)(iii)).</div>\n"
                          : ". Reported for 03.12.02, not scored: the Methodology's rule is "
                            "for Rev 2.</div>\n");
    }
    if (!r2) {
        mm_buf_puts(b, "<p class=\"note\">SP 800-171 Rev 3 has no point score: the DoD "
                       "Assessment Methodology (SPRS) scores Rev 2 only. A requirement is met "
                       "when each of its assessment objectives is satisfied or not "
                       "applicable.</p>\n<p class=\"note\" id=\"dfars-note\">");
        esc(b, mm_report_dfars_note);
        mm_buf_puts(b, "</p>\n");
    }
    mm_buf_puts(b, "</section>\n");
}

#define CHART_W     760
#define CHART_ROW   26
#define CHART_LABEL 312
#define CHART_BAR   320

static void families(mm_buf *b, const mm_result *r)
{
    const mm_catalog *cat = r->assessment->catalog;
    size_t n = cat->nfamilies;
    mm_buf_puts(b, "<section id=\"families\">\n<h2>Requirements met per family</h2>\n");
    mm_buf_printf(b,
                  "<figure class=\"chart\" style=\"margin:0\">\n<svg xmlns=\"http://www.w3.org/"
                  "2000/svg\" viewBox=\"0 0 %d %zu\" role=\"img\" "
                  "aria-labelledby=\"fam-title fam-desc\" font-size=\"13\" "
                  "font-family=\"system-ui, -apple-system, Segoe UI, Roboto, Arial, "
                  "sans-serif\">\n<title id=\"fam-title\">Requirements met per family</title>\n"
                  "<desc id=\"fam-desc\">",
                  CHART_W, n * CHART_ROW + 4);
    for (size_t i = 0; i < n; i++) {
        const mm_family_result *fr = &r->families[i];
        esc(b, cat->families[i].title);
        mm_buf_printf(b, ": %zu of %zu requirements met%s", fr->met, fr->total,
                      i + 1 < n ? "; " : ".");
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
        esc(b, f->id);
        mm_buf_putc(b, ' ');
        esc(b, f->title);
        mm_buf_printf(b, ": %zu of %zu requirements met, %zu of %zu objectives</title>", fr->met,
                      fr->total, fr->objectives_met, fr->objectives_total);
        mm_buf_printf(b, "<text x=\"0\" y=\"%zu\" font-weight=\"600\" fill=\"#0b3d6e\">", y + 17);
        esc(b, f->abbrev);
        mm_buf_printf(b, "</text><text x=\"32\" y=\"%zu\" fill=\"#1f2328\">", y + 17);
        esc(b, f->title);
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
                      pct(fr->met, fr->total));
    }
    mm_buf_puts(b, "</svg>\n</figure>\n<table class=\"families\">\n<caption class=\"note\" "
                   "style=\"caption-side:bottom;text-align:left\">The chart's numbers; objectives "
                   "count as met when satisfied or not applicable.</caption>\n"
                   "<thead><tr><th>Family</th><th>Title</th><th class=\"num\">Requirements "
                   "met</th><th class=\"num\">%</th><th class=\"num\">Objectives met</th>"
                   "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const mm_family_result *fr = &r->families[i];
        const mm_family *f = &cat->families[i];
        mm_buf_puts(b, "<tr><td class=\"id\">");
        esc(b, f->id);
        mm_buf_putc(b, ' ');
        esc(b, f->abbrev);
        mm_buf_puts(b, "</td><td>");
        esc(b, f->title);
        mm_buf_printf(b,
                      "</td><td class=\"num\">%zu / %zu</td><td class=\"num\">%u%%</td>"
                      "<td class=\"num\">%zu / %zu</td></tr>\n",
                      fr->met, fr->total, pct(fr->met, fr->total), fr->objectives_met,
                      fr->objectives_total);
    }
    mm_buf_printf(b,
                  "</tbody>\n<tfoot><tr><th>All</th><th></th><th class=\"num\">%zu / %zu</th>"
                  "<th class=\"num\">%u%%</th><th class=\"num\">%zu / %zu</th></tr></tfoot>\n"
                  "</table>\n</section>\n",
                  r->requirements_met, r->requirements_total,
                  pct(r->requirements_met, r->requirements_total), r->objectives_met,
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

/* Notes, evidence and justification of one objective's answer. */
static void answer_notes(mm_buf *b, const mm_answer *ans)
{
    const char *sep = "";
    if (ans->notes) {
        esc(b, ans->notes);
        sep = "<br>";
    }
    if (ans->justification) {
        mm_buf_printf(b, "%s<span class=\"muted\">Justification:</span> ", sep);
        esc(b, ans->justification);
        sep = "<br>";
    }
    if (ans->nevidence) {
        mm_buf_printf(b, "%s<span class=\"muted\">Evidence:</span> ", sep);
        for (size_t e = 0; e < ans->nevidence; e++) {
            if (e)
                mm_buf_puts(b, ", ");
            esc(b, ans->evidence[e]);
        }
        sep = "<br>";
    }
    if (!*sep)
        mm_buf_puts(b, "<span class=\"muted\">\xe2\x80\x94</span>");
}

/* The objectives of requirement q that are other than satisfied or not assessed. */
static void unmet_objectives(mm_buf *b, const mm_result *r, const mm_requirement *q)
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
    if (from_req == n)
        mm_buf_puts(b, "<p class=\"note\">No objective has a determination of its own: the "
                       "requirement's status applies to each.</p>\n");
    mm_buf_puts(b, "<table class=\"objectives\">\n<thead><tr><th>Objective not met</th>"
                   "<th class=\"det\">Determination</th>");
    if (notes)
        mm_buf_puts(b, "<th class=\"notes\">Notes and evidence</th>");
    mm_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (size_t j = 0; j < q->nobjectives; j++) {
        const mm_answer *ans = &answers[j];
        if (!listed(ans))
            continue;
        mm_buf_puts(b, "<tr><td><span class=\"oid\">");
        esc(b, q->objectives[j].id);
        mm_buf_puts(b, "</span> ");
        put_text(b, r, q->objectives[j].text);
        mm_buf_printf(b, "</td><td><span class=\"badge %s\">%s</span>",
                      ans->determination == MM_DET_OTHER_THAN_SATISFIED ? "bad" : "warn",
                      det_label(ans->determination));
        if (ans->from_requirement && from_req < n)
            mm_buf_puts(b, "<br><span class=\"note\">from the requirement's status</span>");
        mm_buf_puts(b, "</td>");
        if (notes) {
            mm_buf_puts(b, "<td>");
            answer_notes(b, ans);
            mm_buf_puts(b, "</td>");
        }
        mm_buf_puts(b, "</tr>\n");
    }
    mm_buf_puts(b, "</tbody>\n</table>\n");
}

static void gap(mm_buf *b, const mm_result *r, size_t i, bool r2)
{
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    const mm_requirement *q = &cat->requirements[i];
    const mm_requirement_result *rr = &r->requirements[i];
    const mm_requirement_answer *ra = &a->requirements[i];
    size_t unmet = rr->other_than_satisfied + rr->not_assessed;

    mm_buf_puts(b, "<article class=\"item\" id=\"req-");
    esc(b, q->id);
    mm_buf_puts(b, "\">\n<div class=\"item-head\"><span class=\"rid\">");
    esc(b, q->id);
    mm_buf_puts(b, "</span><h3>");
    /* Rev 2 requirements have no title apart from their text, shown below. */
    esc(b, r2 ? cat->families[q->family].title : q->title);
    if (r2 && q->cmmc_id) {
        mm_buf_puts(b, " <span class=\"muted\">(");
        esc(b, q->cmmc_id);
        mm_buf_puts(b, ")</span>");
    }
    mm_buf_printf(b, "</h3><span class=\"badge %s\">%s</span>", status_class(rr->status),
                  status_label(rr->status));
    if (r2)
        mm_buf_printf(b, "<span class=\"badge plain\">%d point%s</span>", rr->points_lost,
                      rr->points_lost == 1 ? "" : "s");
    mm_buf_printf(b, "<span class=\"badge plain\">%zu/%zu objectives unmet</span>", unmet,
                  q->nobjectives);
    size_t k = poam_for(a, i);
    if (k) {
        mm_buf_printf(b, "<a class=\"badge ok\" href=\"#poam-%zu\">POA&amp;M ", k);
        esc(b, a->poam[k - 1].id);
        mm_buf_puts(b, "</a>");
    } else {
        mm_buf_puts(b, "<span class=\"badge bad\">No POA&amp;M item</span>");
    }
    mm_buf_puts(b, "</div>\n<p class=\"stmt\">");
    put_text(b, r, q->statement);
    mm_buf_puts(b, "</p>\n");

    char *scan = mm_report_scan_citation(r, (size_t)(q - r->assessment->catalog->requirements));
    if (ra->implementation || ra->justification || ra->notes || ra->responsible || ra->nevidence ||
        scan) {
        mm_buf_puts(b, "<dl class=\"facts\">\n");
        dt_dd(b, "Implementation", ra->implementation);
        dt_dd(b, "Host scans", scan);
        dt_dd(b, "Justification", ra->justification);
        dt_dd(b, "Notes", ra->notes);
        dt_dd(b, "Responsible", ra->responsible);
        if (ra->nevidence) {
            mm_buf_puts(b, "<dt>Evidence</dt><dd>");
            str_list(b, ra->evidence, ra->nevidence);
            mm_buf_puts(b, "</dd>\n");
        }
        mm_buf_puts(b, "</dl>\n");
    }
    free(scan);

    unmet_objectives(b, r, q);
    mm_buf_puts(b, "</article>\n");
}

static void gaps(mm_buf *b, const mm_result *r, bool r2)
{
    mm_buf_printf(b, "<section id=\"gaps\">\n<h2>Gaps (%zu)</h2>\n", r->ngaps);
    if (!r->ngaps) {
        mm_buf_puts(b, "<p>No gaps: every requirement is met or not applicable.</p>\n"
                       "</section>\n");
        return;
    }
    mm_buf_printf(b, "<p class=\"note\">Requirements not met, in priority order: %s.",
                  r2 ? "most SPRS points first" : "most objectives unmet first");
    if (!r2)
        mm_buf_puts(b, " Values of organization-defined parameters are "
                       "<span class=\"odp\">marked</span> in the text.");
    mm_buf_puts(b, "</p>\n");
    for (size_t g = 0; g < r->ngaps; g++)
        gap(b, r, r->gaps[g], r2);
    mm_buf_puts(b, "</section>\n");
}

static void poam(mm_buf *b, const mm_result *r, bool r2)
{
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    mm_buf_printf(b, "<section id=\"poam\">\n<h2>Plan of action and milestones (%zu)</h2>\n",
                  a->npoam);
    if (!a->npoam)
        mm_buf_puts(b, "<p>The assessment has no POA&amp;M items.</p>\n");
    for (size_t k = 0; k < a->npoam; k++) {
        const mm_poam_item *it = &a->poam[k];
        const mm_requirement *q = &cat->requirements[it->requirement_index];
        const mm_requirement_result *rr = &r->requirements[it->requirement_index];
        mm_buf_printf(b,
                      "<article class=\"item\" id=\"poam-%zu\">\n<div class=\"item-head\">"
                      "<span class=\"rid\">",
                      k + 1);
        esc(b, it->id);
        mm_buf_puts(b, "</span><h3>");
        esc(b, it->weakness);
        mm_buf_printf(b, "</h3><span class=\"badge %s\">%s</span></div>\n<dl class=\"facts\">\n",
                      poam_status_class(it->status), poam_status_label(it->status));
        mm_buf_puts(b, "<dt>Requirement</dt><dd>");
        bool link = is_gap(r, it->requirement_index);
        if (link) {
            mm_buf_puts(b, "<a href=\"#req-");
            esc(b, q->id);
            mm_buf_puts(b, "\">");
        }
        esc(b, q->id);
        if (link)
            mm_buf_puts(b, "</a>");
        if (!r2) {
            mm_buf_putc(b, ' ');
            esc(b, q->title);
        }
        mm_buf_printf(b, " <span class=\"badge %s\">%s</span>", status_class(rr->status),
                      status_label(rr->status));
        if (r2)
            mm_buf_printf(b, " <span class=\"badge plain\">%d SPRS point%s lost</span>",
                          rr->points_lost, rr->points_lost == 1 ? "" : "s");
        mm_buf_puts(b, "</dd>\n");
        dt_dd(b, "Responsible", it->responsible);
        dt_dd(b, "Detected", it->detected);
        dt_dd(b, "Scheduled completion", it->scheduled_completion);
        dt_dd(b, "Remediation", it->remediation);
        dt_dd(b, "Resources", it->resources);
        mm_buf_puts(b, "</dl>\n");
        if (it->nmilestones) {
            mm_buf_puts(b, "<table class=\"milestones\">\n<thead><tr><th>Due</th><th>Milestone"
                           "</th><th>Status</th><th>Completed</th></tr></thead>\n<tbody>\n");
            for (size_t m = 0; m < it->nmilestones; m++) {
                const mm_milestone *ml = &it->milestones[m];
                mm_buf_puts(b, "<tr><td class=\"id\">");
                esc(b, ml->due);
                mm_buf_puts(b, "</td><td>");
                esc(b, ml->description);
                mm_buf_printf(b,
                              "</td><td><span class=\"badge %s\">%s</span></td><td class=\"id\">",
                              milestone_class(ml->status), milestone_label(ml->status));
                esc(b, ml->completed ? ml->completed : "");
                mm_buf_puts(b, "</td></tr>\n");
            }
            mm_buf_puts(b, "</tbody>\n</table>\n");
        } else {
            mm_buf_puts(b, "<p class=\"note\">No milestones.</p>\n");
        }
        mm_buf_puts(b, "</article>\n");
    }
    size_t without = 0;
    for (size_t g = 0; g < r->ngaps; g++)
        without += !r->requirements[r->gaps[g]].on_poam;
    if (without) {
        mm_buf_printf(b,
                      "<div class=\"callout bad\"><strong>%zu unmet requirement%s without an "
                      "open POA&amp;M item:</strong> ",
                      without, without == 1 ? "" : "s");
        size_t shown = 0;
        for (size_t g = 0; g < r->ngaps; g++) {
            size_t i = r->gaps[g];
            if (r->requirements[i].on_poam)
                continue;
            mm_buf_puts(b, shown++ ? ", <a href=\"#req-" : "<a href=\"#req-");
            esc(b, cat->requirements[i].id);
            mm_buf_puts(b, "\">");
            esc(b, cat->requirements[i].id);
            mm_buf_puts(b, "</a>");
        }
        mm_buf_puts(b, "</div>\n");
    }
    mm_buf_puts(b, "</section>\n");
}

static void conflicts(mm_buf *b, const mm_result *r)
{
    const mm_catalog *cat = r->assessment->catalog;
    if (!r->nconflicts)
        return;
    mm_buf_printf(b,
                  "<section id=\"odp-conflicts\">\n<h2>ODP conflicts (%zu)</h2>\n<p "
                  "class=\"note\">The assessment gives a value that the ODP profile fixes "
                  "differently; the profile's value is used in this report.</p>\n"
                  "<table>\n<thead><tr><th>ODP</th><th>Requirement</th><th>Value in the "
                  "assessment</th><th>Value fixed by the profile (used)</th></tr></thead>\n"
                  "<tbody>\n",
                  r->nconflicts);
    for (size_t i = 0; i < r->nconflicts; i++) {
        const mm_odp *p = &cat->odps[r->conflicts[i].odp];
        mm_buf_puts(b, "<tr><td class=\"id\">");
        esc(b, p->id);
        mm_buf_puts(b, "</td><td class=\"id\">");
        esc(b, cat->requirements[p->requirement].id);
        mm_buf_puts(b, "</td><td>");
        esc(b, r->conflicts[i].given);
        mm_buf_puts(b, "</td><td><strong>");
        esc(b, r->conflicts[i].fixed);
        mm_buf_puts(b, "</strong></td></tr>\n");
    }
    mm_buf_puts(b, "</tbody>\n</table>\n</section>\n");
}

static void warnings(mm_buf *b, const mm_result *r)
{
    if (!r->nwarnings)
        return;
    mm_buf_printf(b, "<section id=\"warnings\">\n<h2>Warnings (%zu)</h2>\n<ul>\n", r->nwarnings);
    for (size_t i = 0; i < r->nwarnings; i++) {
        mm_buf_puts(b, "<li>");
        esc(b, r->warnings[i]);
        mm_buf_puts(b, "</li>\n");
    }
    mm_buf_puts(b, "</ul>\n</section>\n");
}

int mm_report_html(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    const mm_assessment *a = r->assessment;
    bool r2 = a->catalog->framework == MM_FW_R2;
    const char *rev = r2 ? "Rev 2" : "Rev 3";
    char ts[21];
    mm_report_timestamp(ts, r, o);

    head(b, r, rev);
    header(b, r, rev, r2);
    mm_buf_puts(b, "<main>\n");
    summary(b, r, r2);
    families(b, r);
    gaps(b, r, r2);
    poam(b, r, r2);
    conflicts(b, r);
    warnings(b, r);
    mm_buf_puts(b, "</main>\n<footer>\n<p>Generated by mamori");
    if (o->tool_version) {
        mm_buf_putc(b, ' ');
        esc(b, o->tool_version);
    }
    mm_buf_puts(b, " from ");
    /* the file name only: the report may leave the machine it was made on */
    const char *src = a->source ? a->source : "an assessment";
    const char *slash = strrchr(src, '/');
    esc(b, slash && slash[1] ? slash + 1 : src);
    mm_buf_printf(b, "; report date %.10s. A self-assessment against NIST SP 800-171 %s", ts, rev);
    if (r2)
        mm_buf_puts(b, ", scored with the DoD Assessment Methodology v1.2.1");
    mm_buf_puts(b, "; it is not a certification.</p>\n</footer>\n</div>\n</body>\n</html>\n");
    return b->failed ? MM_ENOMEM : MM_OK;
}
