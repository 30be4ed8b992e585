/*
 * mamori: reports of an evaluated assessment: a terminal summary, machine JSON, a
 * self-contained HTML page, OSCAL 1.1.3 JSON (SSP, POA&M, assessment results) and a POA&M
 * spreadsheet (CSV).
 */
#ifndef MAMORI_REPORT_H
#define MAMORI_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "mamori/assess.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mm_report_format {
    MM_REPORT_TEXT = 0,
    MM_REPORT_JSON,
    MM_REPORT_HTML,
    MM_REPORT_OSCAL_SSP,
    MM_REPORT_OSCAL_POAM,
    MM_REPORT_OSCAL_AR,
    MM_REPORT_CSV_POAM,
    MM_REPORT_SPRS,     /* the SPRS record (Methodology Annex B) as JSON; Rev 2 only */
    MM_REPORT_SPRS_CSV, /* the same as one CSV row under a header */
    MM_REPORT_OSCAL_AP  /* the OSCAL assessment plan the results import */
} mm_report_format;

/* "text", "json", "html", "oscal-ssp", "oscal-poam", "oscal-ar", "csv-poam", "sprs",
 * "sprs-csv", "oscal-ap". */
int mm_report_format_parse(mm_report_format *out, const char *name)
    __attribute__((warn_unused_result));
const char *mm_report_format_name(mm_report_format fmt);

typedef struct mm_report_options {
    bool color;               /* ANSI colour in text output */
    long long now;            /* Unix time used where the assessment gives no date (OSCAL
                                 timestamps): pass SOURCE_DATE_EPOCH for reproducible output */
    const char *tool_version; /* "0.1.0" */
    bool no_bom;              /* csv-poam: leave out the UTF-8 byte order mark it starts with
                                 by default (Excel on Japanese Windows reads UTF-8 CSV
                                 without one as Shift_JIS) */
    const char *lang;         /* text and html: "ja" for Japanese; NULL or "en": English.
                                 NIST's requirement text stays English either way */
} mm_report_options;

/* Renders r in fmt into a malloc'd, NUL-terminated buffer (*out, *len); the caller frees
 * *out. Output depends only on r and opts, so equal inputs give identical bytes. */
int mm_report_render(char **out, size_t *len, const mm_result *r, mm_report_format fmt,
                     const mm_report_options *opts) __attribute__((warn_unused_result));

/* The file names the OSCAL documents expect each other under, in one folder (the hrefs of
 * import-profile, import-ssp, import-ap; docs/oscal.md). */
#define MM_OSCAL_SSP_FILE        "ssp.json"
#define MM_OSCAL_AP_FILE         "assessment-plan.json"
#define MM_OSCAL_AR_FILE         "assessment-results.json"
#define MM_OSCAL_POAM_FILE       "poam.json"
#define MM_OSCAL_R2_CATALOG_FILE "catalog-800-171r2.json"
#define MM_OSCAL_R2_PROFILE_FILE "profile-800-171r2.json"

/* SP 800-171 Rev 2 as an OSCAL 1.1.3 catalog (from mamori's Rev 2 data, provenance in its
 * metadata), and a profile importing it whole (href MM_OSCAL_R2_CATALOG_FILE): malloc'd
 * into *out. MM_EUSAGE (with a message) for a Rev 3 catalog, which NIST publishes in
 * OSCAL; MM_ENOMEM. */
int mm_report_oscal_catalog(char **out, size_t *len, const mm_catalog *cat,
                            const mm_report_options *opts) __attribute__((warn_unused_result));
int mm_report_oscal_profile(char **out, size_t *len, const mm_catalog *cat,
                            const mm_report_options *opts) __attribute__((warn_unused_result));

/* Two frameworks side by side (include/mamori/framework.h's mm_compare) as HTML: the
 * criteria with no counterpart first, then each relation with its type and source. A whole
 * page, or with fragment only its sections (for the dashboard). Its headings and labels in
 * opts->lang (NULL opts: English); the frameworks' titles and text, the crosswalk's title,
 * citations and remarks stay as published, marked with their language. *out is malloc'd;
 * *len (when not NULL) its length. Errors: MM_ENOMEM. */
struct mm_compare;
int mm_report_compare_html(char **out, size_t *len, const struct mm_compare *cmp, bool fragment,
                           const mm_report_options *opts) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
