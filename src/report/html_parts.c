/* The HTML report's shared parts (html_internal.h): the stylesheet, escaping, translated
 * labels and the classes of statuses. */
#include <stdio.h>
#include <string.h>

#include "report/html_internal.h"

const char *const mm_report_html_css[] = {
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

/* Escaped s; text holding a bidirectional control (a "Trojan Source" name) is isolated in
 * <bdi>, so it cannot reorder what stands around it. */
void mm_html_esc(mm_buf *b, const char *s)
{
    bool iso = s && mm_has_bidi(s);
    if (iso)
        mm_buf_puts(b, "<bdi>");
    mm_buf_put_html(b, s);
    if (iso)
        mm_buf_puts(b, "</bdi>");
}

/* The string key in lang, escaped, with {0}..{3} filled (escaped; NULL: nothing). */
void mm_html_tr4(mm_buf *b, const char *lang, const char *key, const char *a0, const char *a1,
                 const char *a2, const char *a3)
{
    mm_i18n_put(b, lang, true, key, a0, a1, a2, a3);
}

void mm_html_tr(mm_buf *b, const char *lang, const char *key)
{
    mm_i18n_put(b, lang, true, key, NULL, NULL, NULL, NULL);
}

/* Text that stays English (NIST's titles and text, the evaluator's reasons): marked
 * lang="en" in a page of another language. */
void mm_html_en_open(mm_buf *b, const char *lang)
{
    if (strcmp(lang, "en") != 0)
        mm_buf_puts(b, "<span lang=\"en\">");
}

void mm_html_en_close(mm_buf *b, const char *lang)
{
    if (strcmp(lang, "en") != 0)
        mm_buf_puts(b, "</span>");
}

void mm_html_esc_en(mm_buf *b, const char *lang, const char *s)
{
    mm_html_en_open(b, lang);
    mm_html_esc(b, s);
    mm_html_en_close(b, lang);
}

/* <span class="badge CLS">label</span> */
void mm_html_badge(mm_buf *b, const char *lang, const char *cls, const char *key)
{
    mm_buf_printf(b, "<span class=\"badge %s\">", cls);
    mm_html_tr(b, lang, key);
    mm_buf_puts(b, "</span>");
}

void mm_html_dt_dd(mm_buf *b, const char *lang, const char *term, const char *value)
{
    if (!value)
        return;
    mm_buf_puts(b, "<dt>");
    mm_html_tr(b, lang, term);
    mm_buf_puts(b, "</dt><dd>");
    mm_html_esc(b, value);
    mm_buf_puts(b, "</dd>\n");
}

/* dt_dd for a date ("2026-03-07"): written for lang (mm_i18n_date) */
void mm_html_dt_date(mm_buf *b, const char *lang, const char *term, const char *value)
{
    char d[64];
    mm_html_dt_dd(b, lang, term, value ? mm_i18n_date(d, sizeof d, lang, value) : NULL);
}

unsigned mm_html_pct(size_t met, size_t total)
{
    return total ? (unsigned)((met * 100 + total / 2) / total) : 0;
}

/* Class of a met/total ratio: all met, at least half, less. */
const char *mm_html_ratio_class(size_t met, size_t total)
{
    return met == total ? "ok" : met * 2 >= total ? "warn" : "bad";
}

void mm_html_str_list(mm_buf *b, const char *const *items, size_t n)
{
    if (n == 1) {
        mm_html_esc(b, items[0]);
        return;
    }
    mm_buf_puts(b, "<ul>");
    for (size_t i = 0; i < n; i++) {
        mm_buf_puts(b, "<li>");
        mm_html_esc(b, items[i]);
        mm_buf_puts(b, "</li>");
    }
    mm_buf_puts(b, "</ul>");
}

const char *mm_html_status_label(mm_status s)
{
    switch (s) {
    case MM_STATUS_MET:
        return "chart.met";
    case MM_STATUS_NOT_MET:
        return "gap.not-met";
    case MM_STATUS_PARTIAL:
        return "gap.partial";
    case MM_STATUS_NOT_APPLICABLE:
        return "htm.not_applicable";
    default:
        return "gap.not-assessed";
    }
}

const char *mm_html_status_class(mm_status s)
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

const char *mm_html_det_label(mm_determination d)
{
    switch (d) {
    case MM_DET_SATISFIED:
        return "htm.det.satisfied";
    case MM_DET_OTHER_THAN_SATISFIED:
        return "htm.det.other";
    case MM_DET_NOT_APPLICABLE:
        return "htm.not_applicable";
    default:
        return "gap.not-assessed";
    }
}

const char *mm_html_poam_status_label(const char *s)
{
    if (mm_streq(s, "closed"))
        return "htm.poam.closed";
    if (mm_streq(s, "risk-accepted"))
        return "htm.poam.risk-accepted";
    return "htm.poam.open";
}

const char *mm_html_poam_status_class(const char *s)
{
    if (mm_streq(s, "closed"))
        return "ok";
    if (mm_streq(s, "risk-accepted"))
        return "na";
    return "warn";
}

const char *mm_html_milestone_label(const char *s)
{
    if (mm_streq(s, "completed"))
        return "htm.milestone.completed";
    if (mm_streq(s, "in-progress"))
        return "htm.milestone.in-progress";
    return "htm.milestone.planned";
}

const char *mm_html_milestone_class(const char *s)
{
    if (mm_streq(s, "completed"))
        return "ok";
    if (mm_streq(s, "in-progress"))
        return "warn";
    return "plain";
}
