/* The terminal summary: score, status, families, the gaps in priority order, POA&M. */
#include <string.h>

#include "mamori/error.h"
#include "report/report_internal.h"

typedef struct style {
    const char *bold, *red, *green, *yellow, *dim, *off;
} style;

static const style plain = {"", "", "", "", "", ""};
static const style ansi = {"\033[1m", "\033[31m", "\033[32m", "\033[33m", "\033[2m", "\033[0m"};

static void bar(mm_buf *b, const style *s, size_t met, size_t total, int width)
{
    int full = total ? (int)((met * (size_t)width + total / 2) / total) : 0;
    mm_buf_puts(b, met == total ? s->green : met * 2 >= total ? s->yellow : s->red);
    for (int i = 0; i < width; i++)
        mm_buf_puts(b, i < full ? "#" : ".");
    mm_buf_puts(b, s->off);
}

static int text_body(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    const style *s = o->color ? &ansi : &plain;
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    bool r2 = cat->framework == MM_FW_R2;

    mm_buf_printf(b, "%sNIST SP %s assessment%s", s->bold, r2 ? "800-171 Rev 2" : "800-171 Rev 3",
                  s->off);
    if (a->org_name)
        mm_buf_printf(b, " of %s", a->org_name);
    mm_buf_putc(b, '\n');
    for (size_t i = 0; i < a->norg_ids; i++)
        mm_buf_printf(b, "%s%s %s", i ? ", " : "  ", a->org_ids[i].scheme, a->org_ids[i].value);
    if (a->norg_ids)
        mm_buf_putc(b, '\n');
    if (a->system_name)
        mm_buf_printf(b, "  System: %s%s%s\n", a->system_name, a->scope ? "  scope: " : "",
                      a->scope ? a->scope : "");
    if (a->assessed)
        mm_buf_printf(b, "  Assessed: %s%s%s\n", a->assessed, a->assessor ? " by " : "",
                      a->assessor ? a->assessor : "");
    if (r->profile)
        mm_buf_printf(b, "  ODP profile: %s\n", r->profile->name);
    mm_buf_putc(b, '\n');

    if (r2) {
        if (r->sprs_valid)
            mm_buf_printf(b, "%sSPRS score: %s%d%s / %d%s  (DoD Assessment Methodology v1.2.1)\n",
                          s->bold, r->sprs == cat->sprs_base ? s->green : s->red, r->sprs, s->off,
                          cat->sprs_base, s->off);
        else
            mm_buf_printf(b, "%sSPRS score: %snone%s\n  %s\n", s->bold, s->red, s->off,
                          r->sprs_invalid_reason);
        mm_buf_printf(b, "%sCMMC Level 1 (self):%s %s%s%s  (FAR 52.204-21, 17 requirements)\n",
                      s->bold, s->off, r->cmmc1 == MM_CMMC_FINAL ? s->green : s->red,
                      r->cmmc1 == MM_CMMC_FINAL ? "final" : "not eligible", s->off);
        for (size_t i = 0; i < r->ncmmc1_reasons; i++)
            mm_buf_printf(b, "  - %s\n", r->cmmc1_reasons[i]);
        const char *cm = r->cmmc == MM_CMMC_NOT_ELIGIBLE ? "not eligible"
                                                         : mm_cmmc_level2_status_name(&r->cmmc2);
        bool good = r->cmmc != MM_CMMC_NOT_ELIGIBLE && !r->cmmc2.expired;
        mm_buf_printf(b, "%sCMMC Level 2 (self):%s %s%s%s  status date %s", s->bold, s->off,
                      good ? s->green : s->red, cm, s->off, r->cmmc2.status_date);
        if (r->cmmc_closeout)
            mm_buf_printf(b, ", close-out by %s", r->cmmc_closeout);
        mm_buf_putc(b, '\n');
        for (size_t i = 0; i < r->ncmmc_reasons; i++)
            mm_buf_printf(b, "  - %s\n", r->cmmc_reasons[i]);
    } else {
        mm_buf_printf(b, "%sCMMC:%s %s\n", s->bold, s->off, mm_report_dfars_note);
    }
    if (r->nno_plan) {
        mm_buf_printf(b, "%sWithout a plan of action:%s", s->bold, s->off);
        for (size_t k = 0; k < r->nno_plan && k < 12; k++)
            mm_buf_printf(b, " %s", cat->requirements[r->no_plan[k]].id);
        if (r->nno_plan > 12)
            mm_buf_printf(b, " ... (%zu in all)", r->nno_plan);
        mm_buf_puts(b, r2 ? "  (3.12.2 scored not implemented, Methodology 5(g)(iii))\n"
                          : "  (03.12.02: reported, not scored)\n");
    }
    mm_buf_printf(b, "%sRequirements met:%s %zu / %zu", s->bold, s->off, r->requirements_met,
                  r->requirements_total);
    if (r->requirements_not_assessed)
        mm_buf_printf(b, "  (%zu not assessed)", r->requirements_not_assessed);
    mm_buf_printf(b, "\n%sObjectives met:%s   %zu / %zu", s->bold, s->off, r->objectives_met,
                  r->objectives_total);
    if (r->objectives_not_assessed)
        mm_buf_printf(b, "  (%zu not assessed)", r->objectives_not_assessed);
    mm_buf_puts(b, "\n\nFamilies\n");
    for (size_t i = 0; i < cat->nfamilies; i++) {
        const mm_family_result *fr = &r->families[i];
        mm_buf_printf(b, "  %-6s %-3s %-42.42s ", cat->families[i].id, cat->families[i].abbrev,
                      cat->families[i].title);
        bar(b, s, fr->met, fr->total, 20);
        mm_buf_printf(b, " %2zu/%-2zu  objectives %3zu/%-3zu\n", fr->met, fr->total,
                      fr->objectives_met, fr->objectives_total);
    }

    if (r->ngaps) {
        mm_buf_printf(b, "\n%sGaps%s (%zu, %s)\n", s->bold, s->off, r->ngaps,
                      r2 ? "most points first" : "most objectives unmet first");
        for (size_t g = 0; g < r->ngaps; g++) {
            size_t i = r->gaps[g];
            const mm_requirement *q = &cat->requirements[i];
            const mm_requirement_result *rr = &r->requirements[i];
            const char *col = rr->status == MM_STATUS_NOT_ASSESSED ? s->yellow : s->red;
            if (r2)
                mm_buf_printf(b, "  %s%-8s%s %2d pts  %s%-12s%s %.70s%s%s\n", s->bold, q->id,
                              s->off, rr->points_lost, col, mm_status_name(rr->status), s->off,
                              q->title, strlen(q->title) > 70 ? "..." : "",
                              rr->on_poam        ? "  [POA&M]"
                              : rr->no_plan_rule ? "  [no plan of action: 5(g)(iii)]"
                                                 : "");
            else
                mm_buf_printf(b, "  %s%-9s%s %2zu/%-2zu objectives unmet  %s%-12s%s %s%s\n",
                              s->bold, q->id, s->off, rr->other_than_satisfied + rr->not_assessed,
                              q->nobjectives, col, mm_status_name(rr->status), s->off, q->title,
                              rr->on_poam ? "  [POA&M]" : "");
        }
    } else {
        mm_buf_printf(b, "\n%sNo gaps:%s every requirement is met.\n", s->green, s->off);
    }

    if (a->npoam) {
        mm_buf_printf(b, "\n%sPOA&M%s (%zu items)\n", s->bold, s->off, a->npoam);
        for (size_t k = 0; k < a->npoam; k++) {
            const mm_poam_item *it = &a->poam[k];
            mm_buf_printf(b, "  %-8s %-9s %-13s %s\n", it->id, it->requirement, it->status,
                          it->weakness);
            for (size_t m = 0; m < it->nmilestones; m++)
                mm_buf_printf(b, "           %s %-11s %s\n", it->milestones[m].due,
                              it->milestones[m].status, it->milestones[m].description);
        }
    }
    if (a->nscan_hosts) {
        mm_buf_printf(b, "\n%sHost scans%s: ", s->bold, s->off);
        for (size_t i = 0; i < a->nscan_hosts; i++)
            mm_buf_printf(b, "%s%s", i ? ", " : "", a->scan_hosts[i]);
        size_t nov = 0;
        for (size_t i = 0; i < cat->nobjectives; i++)
            nov += a->answers[i].override;
        mm_buf_printf(b, "  (%zu override%s of a scan result)\n", nov, nov == 1 ? "" : "s");
    }
    if (r->nwarnings) {
        mm_buf_printf(b, "\n%sWarnings%s\n", s->yellow, s->off);
        for (size_t i = 0; i < r->nwarnings; i++)
            mm_buf_printf(b, "  - %s\n", r->warnings[i]);
    }
    return MM_OK;
}

/* The summary with every bidirectional control of the assessment's text (names, POA&M
 * items, notes) shown as "<U+202E>": a "Trojan Source" string cannot reorder what the
 * terminal shows (docs/cli.md). */
int mm_report_text(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    mm_buf t = MM_BUF_INIT;
    int rc = text_body(&t, r, o);
    if (rc == MM_OK && t.failed)
        rc = MM_ENOMEM;
    if (rc == MM_OK)
        mm_buf_put_bidi_safe(b, mm_buf_cstr(&t));
    mm_buf_free(&t);
    return rc;
}
