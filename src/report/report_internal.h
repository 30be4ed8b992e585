/* Internal interface of the report module: one renderer per format, and helpers. */
#ifndef MM_REPORT_INTERNAL_H
#define MM_REPORT_INTERNAL_H

#include "mamori/report.h"
#include "i18n/i18n.h"
#include "util/util.h"

int mm_report_text(mm_buf *b, const mm_result *r, const mm_report_options *o);
int mm_report_json(mm_buf *b, const mm_result *r, const mm_report_options *o);
int mm_report_html(mm_buf *b, const mm_result *r, const mm_report_options *o);
int mm_report_oscal_ssp(mm_buf *b, const mm_result *r, const mm_report_options *o);
int mm_report_oscal_poam(mm_buf *b, const mm_result *r, const mm_report_options *o);
int mm_report_oscal_ar(mm_buf *b, const mm_result *r, const mm_report_options *o);
int mm_report_oscal_ap(mm_buf *b, const mm_result *r, const mm_report_options *o);
int mm_report_csv_poam(mm_buf *b, const mm_result *r, const mm_report_options *o);
/* The SPRS record (mm_sprs_record_get) as JSON, or as CSV when csv. */
int mm_report_sprs(mm_buf *b, const mm_result *r, bool csv);

/* Shown wherever a Rev 3 result is shown next to CMMC: Rev 2 applies to DFARS 252.204-7012
 * contracts (the class deviation) and to CMMC (content/catalogs/cmmc-status-sources.json).
 * The string in the message catalog (content/i18n); JSON always takes the English. */
#define MM_REPORT_DFARS_NOTE "rpt.dfars_note"

/* The timestamp of the report: the assessment date at 00:00:00Z when given, else
 * opts->now; RFC 3339 into out[21]. */
void mm_report_timestamp(char out[21], const mm_result *r, const mm_report_options *o);

/* Requirement or objective text with the effective ODP values in place (malloc'd). */
char *mm_report_render_text(const mm_result *r, const char *text);

/* The host-scan evidence of requirement i's objectives as one paragraph ("Automated
 * evidence (mamori scan): host: rule: pass: ...; ..."), duplicates removed; NULL when no
 * scan covered it. malloc'd. */
char *mm_report_scan_citation(const mm_result *r, size_t i);

/* The language of o's report: "ja" or "en" (the default: o NULL, o->lang NULL or unknown). */
const char *mm_report_lang(const mm_report_options *o);
/* A count as text, for mm_i18n_put's arguments: into out (24 bytes), which it returns. */
const char *mm_report_num(char out[24], long long n);

#endif
