/* Report dispatch and helpers shared by the renderers. */
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "report/report_internal.h"

static const char *const names[] = {"text",     "json",     "html", "oscal-ssp", "oscal-poam",
                                    "oscal-ar", "csv-poam", "sprs", "sprs-csv",  "oscal-ap"};

int mm_report_format_parse(mm_report_format *out, const char *name)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (name && strcmp(name, names[i]) == 0) {
            *out = (mm_report_format)i;
            return MM_OK;
        }
    }
    mm_error_set("unknown format '%s': expected text, json, html, oscal-ssp, oscal-poam, "
                 "oscal-ar, oscal-ap, csv-poam, sprs or sprs-csv",
                 name ? name : "");
    return MM_EUSAGE;
}

const char *mm_report_format_name(mm_report_format fmt)
{
    return (size_t)fmt < sizeof(names) / sizeof(names[0]) ? names[fmt] : "?";
}

int mm_report_render(char **out, size_t *len, const mm_result *r, mm_report_format fmt,
                     const mm_report_options *opts)
{
    mm_report_options defaults = {.color = false, .now = 0, .tool_version = "0"};
    mm_buf b = MM_BUF_INIT;
    int rc;
    *out = NULL;
    if (!opts)
        opts = &defaults;
    switch (fmt) {
    case MM_REPORT_TEXT:
        rc = mm_report_text(&b, r, opts);
        break;
    case MM_REPORT_JSON:
        rc = mm_report_json(&b, r, opts);
        break;
    case MM_REPORT_HTML:
        rc = mm_report_html(&b, r, opts);
        break;
    case MM_REPORT_OSCAL_SSP:
        rc = mm_report_oscal_ssp(&b, r, opts);
        break;
    case MM_REPORT_OSCAL_POAM:
        rc = mm_report_oscal_poam(&b, r, opts);
        break;
    case MM_REPORT_OSCAL_AR:
        rc = mm_report_oscal_ar(&b, r, opts);
        break;
    case MM_REPORT_OSCAL_AP:
        rc = mm_report_oscal_ap(&b, r, opts);
        break;
    case MM_REPORT_CSV_POAM:
        rc = mm_report_csv_poam(&b, r, opts);
        break;
    case MM_REPORT_SPRS:
    case MM_REPORT_SPRS_CSV:
        rc = mm_report_sprs(&b, r, fmt == MM_REPORT_SPRS_CSV);
        break;
    default:
        mm_error_set("unknown report format %d", (int)fmt);
        rc = MM_EUSAGE;
    }
    if (!rc && b.failed)
        rc = MM_ENOMEM;
    if (rc) {
        mm_buf_free(&b);
        return rc;
    }
    if (!b.data)
        mm_buf_puts(&b, "");
    if (!b.data) {
        return MM_ENOMEM;
    }
    *out = b.data;
    if (len)
        *len = b.len;
    return MM_OK;
}
