/*
 * The POA&M as a spreadsheet: CSV (RFC 4180: CRLF line ends, a header row, UTF-8) in the
 * columns of the government POA&M templates (FedRAMP POA&M template, DoD POA&M). One row
 * per POA&M item, then one row per unmet requirement without an open POA&M item (status
 * "No POA&M item"), so the sheet shows every gap. Rev 2 adds the SPRS points.
 *
 * Every field goes through mm_buf_put_csv, which quotes and neutralises cells that a
 * spreadsheet would read as a formula.
 */
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "report/report_internal.h"

enum {
    COL_ID,
    COL_CONTROLS,
    COL_NAME,
    COL_DESCRIPTION,
    COL_DETECTOR,
    COL_SOURCE_ID,
    COL_ASSET,
    COL_CONTACT,
    COL_RESOURCES,
    COL_REMEDIATION,
    COL_DETECTED,
    COL_SCHEDULED,
    COL_MILESTONES,
    COL_CHANGES,
    COL_STATUS_DATE,
    COL_STATUS,
    COL_REQ_STATUS,
    COL_COMMENTS,
    COL_SPRS_POINTS, /* Rev 2 only, from here */
    COL_SPRS_LOST,
    NCOLS
};

static const char *const header[NCOLS] = {
    "POA&M ID",
    "Controls",
    "Weakness Name",
    "Weakness Description",
    "Weakness Detector Source",
    "Weakness Source Identifier",
    "Asset Identifier",
    "Point of Contact",
    "Resources Required",
    "Overall Remediation Plan",
    "Original Detection Date",
    "Scheduled Completion Date",
    "Planned Milestones",
    "Milestone Changes",
    "Status Date",
    "Status",
    "Requirement Status",
    "Comments",
    "SPRS Points",
    "SPRS Points Lost",
};

/* Scratch buffers for the fields of one row that are built from several parts. */
typedef struct row {
    const char *f[NCOLS];
    mm_buf name, desc, source_id, milestones, changes, comments, points, lost;
} row;

static void row_free(row *w)
{
    mm_buf *bufs[] = {&w->name,    &w->desc,     &w->source_id, &w->milestones,
                      &w->changes, &w->comments, &w->points,    &w->lost};
    for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
        mm_buf_free(bufs[i]);
}

static bool row_failed(const row *w)
{
    return w->name.failed || w->desc.failed || w->source_id.failed || w->milestones.failed ||
           w->changes.failed || w->comments.failed || w->points.failed || w->lost.failed;
}

static void put_row(mm_buf *b, const char *const *f, size_t ncols)
{
    for (size_t i = 0; i < ncols; i++) {
        if (i)
            mm_buf_putc(b, ',');
        mm_buf_put_csv(b, f[i] ? f[i] : "");
    }
    mm_buf_puts(b, "\r\n");
}

/* Appends s with each line break and the indentation after it turned into one space. */
static void put_flat(mm_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\r' || *s == '\n') {
            while (s[1] == '\r' || s[1] == '\n' || s[1] == ' ' || s[1] == '\t')
                s++;
            mm_buf_putc(b, ' ');
        } else {
            mm_buf_putc(b, *s);
        }
    }
}

static const char *poam_status(const char *s)
{
    if (mm_streq(s, "closed"))
        return "Closed";
    if (mm_streq(s, "risk-accepted"))
        return "Risk Accepted";
    return "Open";
}

static void sep(mm_buf *b)
{
    if (b->len)
        mm_buf_puts(b, "; ");
}

/* The fields that come from the requirement: name, description (its text with the ODP
 * values), the unmet objectives, their notes, the SPRS points. */
static int requirement_fields(row *w, const mm_result *r, size_t i)
{
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    const mm_requirement *q = &cat->requirements[i];
    const mm_requirement_result *rr = &r->requirements[i];
    const mm_requirement_answer *ra = &a->requirements[i];

    w->f[COL_CONTROLS] = q->id;
    w->f[COL_REQ_STATUS] = mm_status_name(rr->status);
    mm_buf_printf(&w->name, "%s ", q->id);
    put_flat(&w->name, q->title);
    w->f[COL_NAME] = mm_buf_cstr(&w->name);

    char *text = mm_report_render_text(r, q->statement);
    if (!text)
        return MM_ENOMEM;
    mm_buf_printf(&w->desc, "Requirement %s: ", q->id);
    put_flat(&w->desc, text);
    free(text);
    w->f[COL_DESCRIPTION] = mm_buf_cstr(&w->desc);

    if (ra->justification) {
        mm_buf_puts(&w->comments, "Justification: ");
        put_flat(&w->comments, ra->justification);
    }
    if (ra->notes) {
        sep(&w->comments);
        put_flat(&w->comments, ra->notes);
    }
    const mm_answer *answers = &a->answers[q->objectives - cat->objectives];
    for (size_t j = 0; j < q->nobjectives; j++) {
        const mm_answer *ans = &answers[j];
        if (ans->determination != MM_DET_OTHER_THAN_SATISFIED &&
            ans->determination != MM_DET_NOT_ASSESSED)
            continue;
        if (w->source_id.len)
            mm_buf_puts(&w->source_id, ", ");
        mm_buf_puts(&w->source_id, q->objectives[j].id);
        if (ans->notes || ans->nevidence) {
            sep(&w->comments);
            mm_buf_printf(&w->comments, "%s %s: ", q->objectives[j].id,
                          mm_determination_name(ans->determination));
            put_flat(&w->comments, ans->notes);
            for (size_t e = 0; e < ans->nevidence; e++) {
                mm_buf_puts(&w->comments, e ? ", " : ans->notes ? " (evidence: " : "evidence: ");
                put_flat(&w->comments, ans->evidence[e]);
            }
            if (ans->nevidence && ans->notes)
                mm_buf_putc(&w->comments, ')');
        }
    }
    w->f[COL_SOURCE_ID] = mm_buf_cstr(&w->source_id);
    w->f[COL_COMMENTS] = mm_buf_cstr(&w->comments);

    if (cat->framework == MM_FW_R2) {
        if (q->sprs_na)
            mm_buf_puts(&w->points, "n/a");
        else
            mm_buf_printf(&w->points, "%d", q->sprs_points);
        mm_buf_printf(&w->lost, "%d", rr->points_lost);
        w->f[COL_SPRS_POINTS] = mm_buf_cstr(&w->points);
        w->f[COL_SPRS_LOST] = mm_buf_cstr(&w->lost);
    }
    return MM_OK;
}

int mm_report_csv_poam(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    size_t ncols = cat->framework == MM_FW_R2 ? NCOLS : COL_SPRS_POINTS;
    char ts[21], today[11];
    mm_report_timestamp(ts, r, o);
    memcpy(today, ts, 10);
    today[10] = '\0';
    const char *status_date = a->assessed ? a->assessed : today;
    if (!o || !o->no_bom)
        mm_buf_puts(b, "\xEF\xBB\xBF");
    int rc = MM_OK;

    put_row(b, header, ncols);
    for (size_t k = 0; k < a->npoam && !rc; k++) {
        const mm_poam_item *it = &a->poam[k];
        row w = {0};
        rc = requirement_fields(&w, r, it->requirement_index);
        w.f[COL_ID] = it->id;
        w.f[COL_NAME] = it->weakness;
        w.f[COL_DETECTOR] = "mamori self-assessment";
        w.f[COL_ASSET] = a->system_name;
        w.f[COL_CONTACT] =
            it->responsible ? it->responsible : a->requirements[it->requirement_index].responsible;
        w.f[COL_RESOURCES] = it->resources;
        w.f[COL_REMEDIATION] = it->remediation;
        w.f[COL_DETECTED] = it->detected;
        w.f[COL_SCHEDULED] = it->scheduled_completion;
        for (size_t m = 0; m < it->nmilestones; m++) {
            const mm_milestone *ml = &it->milestones[m];
            sep(&w.milestones);
            mm_buf_printf(&w.milestones, "%s: ", ml->due);
            put_flat(&w.milestones, ml->description);
            if (mm_streq(ml->status, "planned"))
                continue;
            sep(&w.changes);
            mm_buf_printf(&w.changes, "%s: ", ml->due);
            put_flat(&w.changes, ml->description);
            mm_buf_printf(&w.changes, " (%s%s%s)", ml->status, ml->completed ? " " : "",
                          ml->completed ? ml->completed : "");
        }
        w.f[COL_MILESTONES] = mm_buf_cstr(&w.milestones);
        w.f[COL_CHANGES] = mm_buf_cstr(&w.changes);
        w.f[COL_STATUS_DATE] = status_date;
        w.f[COL_STATUS] = poam_status(it->status);
        if (!rc && row_failed(&w))
            rc = MM_ENOMEM;
        if (!rc)
            put_row(b, w.f, ncols);
        row_free(&w);
    }

    /* Unmet requirements with no open POA&M item, in priority order. */
    for (size_t g = 0; g < r->ngaps && !rc; g++) {
        size_t i = r->gaps[g];
        if (r->requirements[i].on_poam)
            continue;
        bool closed_item = false;
        for (size_t k = 0; k < a->npoam; k++)
            closed_item |= a->poam[k].requirement_index == i;
        row w = {0};
        rc = requirement_fields(&w, r, i);
        w.f[COL_DETECTOR] = "mamori self-assessment";
        w.f[COL_ASSET] = a->system_name;
        w.f[COL_CONTACT] = a->requirements[i].responsible;
        w.f[COL_DETECTED] = a->assessed;
        w.f[COL_STATUS_DATE] = status_date;
        w.f[COL_STATUS] = closed_item ? "No open POA&M item" : "No POA&M item";
        if (!rc && row_failed(&w))
            rc = MM_ENOMEM;
        if (!rc)
            put_row(b, w.f, ncols);
        row_free(&w);
    }
    return rc ? rc : b->failed ? MM_ENOMEM : MM_OK;
}
