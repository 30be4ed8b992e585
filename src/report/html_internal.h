/* The HTML report's parts that html.c's sections share (html_parts.c): the stylesheet,
 * escaping, translated labels and the classes of statuses. Internal to src/report. */
#ifndef MM_REPORT_HTML_INTERNAL_H
#define MM_REPORT_HTML_INTERNAL_H

#include "report/report_internal.h"

/* The stylesheet, line by line, NULL-terminated: inline in the page, which loads nothing.
 * The font stack names Japanese fonts (Noto Sans CJK JP, Hiragino Sans, Yu Gothic). */
extern const char *const mm_report_html_css[];

/* Escaped s; text holding a bidirectional control (a "Trojan Source" name) is isolated in
 * <bdi>, so it cannot reorder what stands around it. */
void mm_html_esc(mm_buf *b, const char *s);
/* The string key in lang (mm_i18n_put), escaped, {0}..{3} filled with the escaped args. */
void mm_html_tr4(mm_buf *b, const char *lang, const char *key, const char *a0, const char *a1,
                 const char *a2, const char *a3);
/* The same without arguments. */
void mm_html_tr(mm_buf *b, const char *lang, const char *key);
/* Around text that stays English (NIST's titles and text, the evaluator's reasons): a
 * <span lang="en"> in a page of another language, nothing in English. */
void mm_html_en_open(mm_buf *b, const char *lang);
void mm_html_en_close(mm_buf *b, const char *lang);
/* mm_html_esc(s) between mm_html_en_open and mm_html_en_close. */
void mm_html_esc_en(mm_buf *b, const char *lang, const char *s);
/* <span class="badge CLS">the string key</span> */
void mm_html_badge(mm_buf *b, const char *lang, const char *cls, const char *key);
/* <dt>the string term</dt><dd>value</dd>; nothing when value is NULL. */
void mm_html_dt_dd(mm_buf *b, const char *lang, const char *term, const char *value);
/* The same for a date ("2026-03-07"), written for lang (mm_i18n_date). */
void mm_html_dt_date(mm_buf *b, const char *lang, const char *term, const char *value);
/* met/total in whole percent, rounded; 0 of 0 is 0. */
unsigned mm_html_pct(size_t met, size_t total);
/* The class of a met/total ratio: "ok" all met, "warn" at least half, "bad" less. */
const char *mm_html_ratio_class(size_t met, size_t total);
/* One item as text, several as <ul>. */
void mm_html_str_list(mm_buf *b, const char *const *items, size_t n);
/* The catalog key of a status, a determination, a POA&M item's status and a milestone's
 * status, and the badge class of each. */
const char *mm_html_status_label(mm_status s);
const char *mm_html_status_class(mm_status s);
const char *mm_html_det_label(mm_determination d);
const char *mm_html_poam_status_label(const char *s);
const char *mm_html_poam_status_class(const char *s);
const char *mm_html_milestone_label(const char *s);
const char *mm_html_milestone_class(const char *s);

#endif
