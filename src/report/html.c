#include "mamori/error.h"
#include "report/report_internal.h"

int mm_report_html(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    (void)b;
    (void)r;
    (void)o;
    mm_error_set("html: not implemented yet");
    return MM_ERROR;
}
