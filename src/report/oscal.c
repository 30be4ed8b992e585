#include "mamori/error.h"
#include "report/report_internal.h"

int mm_report_oscal_ssp(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    (void)b;
    (void)r;
    (void)o;
    mm_error_set("oscal-ssp: not implemented yet");
    return MM_ERROR;
}

int mm_report_oscal_poam(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    (void)b;
    (void)r;
    (void)o;
    mm_error_set("oscal-poam: not implemented yet");
    return MM_ERROR;
}

int mm_report_oscal_ar(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    (void)b;
    (void)r;
    (void)o;
    mm_error_set("oscal-ar: not implemented yet");
    return MM_ERROR;
}
