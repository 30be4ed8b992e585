/* mamori reports: what every renderer shares (report_internal.h): the timestamp, ODP-filled
 * text and scan citations. Kept apart from report.c, the dispatch to the renderers, so that
 * no renderer and report.c call each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/catalog.h"
#include "report/report_internal.h"
#include "util/util.h"

void mm_report_timestamp(char out[21], const mm_result *r, const mm_report_options *o)
{
    const char *d = r->assessment->assessed;
    if (d) {
        memcpy(out, d, 10);
        memcpy(out + 10, "T00:00:00Z", 11);
        return;
    }
    mm_time_rfc3339(out, o ? o->now : 0);
}

const char *mm_report_lang(const mm_report_options *o)
{
    return o && o->lang && strcmp(o->lang, "ja") == 0 ? "ja" : "en";
}

const char *mm_report_num(char out[24], long long n)
{
    snprintf(out, 24, "%lld", n);
    return out;
}

char *mm_report_render_text(const mm_result *r, const char *text)
{
    return mm_catalog_render(r->assessment->catalog, text, mm_result_odp_lookup, (void *)r, "", "");
}

char *mm_report_scan_citation(const mm_result *r, size_t i)
{
    const mm_assessment *a = r->assessment;
    const mm_requirement *q = &a->catalog->requirements[i];
    mm_buf b = MM_BUF_INIT;
    size_t shown = 0;
    for (size_t j = 0; j < q->nobjectives; j++) {
        const mm_answer *ans = &a->answers[&q->objectives[j] - a->catalog->objectives];
        for (size_t k = 0; k < ans->nscan_evidence; k++) {
            const char *line = ans->scan_evidence[k];
            if (b.data && strstr(b.data, line))
                continue;
            mm_buf_puts(&b, shown ? "; " : "Automated evidence (mamori scan): ");
            mm_buf_puts(&b, line);
            shown++;
        }
    }
    if (!shown || b.failed) {
        mm_buf_free(&b);
        return NULL;
    }
    mm_buf_putc(&b, '.');
    return b.data;
}
