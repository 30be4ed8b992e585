/* The terminal summary: score, status, families, the gaps in priority order, POA&M. */
#include <stdio.h>
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

/* The string key with {0}..{3} replaced, appended as plain text. */
static void put(mm_buf *b, const char *lang, const char *key, const char *a0, const char *a1,
                const char *a2, const char *a3)
{
    mm_i18n_put(b, lang, false, key, a0, a1, a2, a3);
}

/* Columns s takes on a terminal: a character of three or four UTF-8 bytes (CJK and the
 * like) counts two, any other one. */
static size_t columns(const char *s)
{
    size_t n = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if ((*c & 0xc0) != 0x80)
            n += *c >= 0xe0 ? 2 : 1;
    return n;
}

/* s, then spaces up to width columns (as printf's %-Ns for ASCII). */
static void put_padded(mm_buf *b, const char *s, size_t width)
{
    mm_buf_puts(b, s);
    for (size_t n = columns(s); n < width; n++)
        mm_buf_putc(b, ' ');
}

/* A machine word of the assessment ("not-met", "open", "in-progress") as the text report
 * shows it: the word itself in English; in another language the string prefix+word (the
 * dashboard's "gap.", "milestone.", "cmmc.status." where it has them), or the word when
 * the catalog has none. */
static const char *word(const char *lang, const char *prefix, const char *w)
{
    if (strcmp(lang, "en") == 0 || !w)
        return w ? w : "";
    char key[64];
    snprintf(key, sizeof key, "%s%s", prefix, w);
    const char *s = mm_i18n_tr(lang, key);
    return strcmp(s, key) == 0 ? w : s;
}

/* "not eligible" (a CMMC status, as the text report has always written it) in lang */
static const char *not_eligible(const char *lang)
{
    return strcmp(lang, "en") ? mm_i18n_tr(lang, "cmmc.status.not-eligible") : "not eligible";
}

static int text_body(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    const style *s = o->color ? &ansi : &plain;
    const char *lang = mm_report_lang(o);
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    bool r2 = cat->framework == MM_FW_R2;
    char n0[24], n1[24], n2[24], n3[24], d0[64];

    mm_buf_puts(b, s->bold);
    put(b, lang, a->org_name ? "txt.title_of" : "txt.title", r2 ? "800-171 Rev 2" : "800-171 Rev 3",
        a->org_name, NULL, NULL);
    mm_buf_puts(b, s->off);
    mm_buf_putc(b, '\n');
    for (size_t i = 0; i < a->norg_ids; i++)
        mm_buf_printf(b, "%s%s %s", i ? ", " : "  ", a->org_ids[i].scheme, a->org_ids[i].value);
    if (a->norg_ids)
        mm_buf_putc(b, '\n');
    if (a->system_name) {
        put(b, lang, a->scope ? "txt.system_scope" : "txt.system", a->system_name, a->scope, NULL,
            NULL);
        mm_buf_putc(b, '\n');
    }
    if (a->assessed) {
        put(b, lang, a->assessor ? "txt.assessed_by" : "txt.assessed",
            mm_i18n_date(d0, sizeof d0, lang, a->assessed), a->assessor, NULL, NULL);
        mm_buf_putc(b, '\n');
    }
    if (r->profile) {
        put(b, lang, "txt.odp_profile", r->profile->name, NULL, NULL, NULL);
        mm_buf_putc(b, '\n');
    }
    mm_buf_putc(b, '\n');

    if (r2) {
        mm_buf_puts(b, s->bold);
        put(b, lang, "txt.sprs", NULL, NULL, NULL, NULL);
        if (r->sprs_valid) {
            mm_buf_printf(b, " %s%d%s / %d%s  (", r->sprs == cat->sprs_base ? s->green : s->red,
                          r->sprs, s->off, cat->sprs_base, s->off);
            put(b, lang, "txt.methodology", NULL, NULL, NULL, NULL);
            mm_buf_puts(b, ")\n");
        } else {
            mm_buf_printf(b, " %s", s->red);
            put(b, lang, "txt.sprs_none", NULL, NULL, NULL, NULL);
            mm_buf_printf(b, "%s\n  %s\n", s->off, r->sprs_invalid_reason);
        }
        mm_buf_puts(b, s->bold);
        put(b, lang, "txt.cmmc1", NULL, NULL, NULL, NULL);
        mm_buf_printf(b, "%s %s", s->off, r->cmmc1 == MM_CMMC_FINAL ? s->green : s->red);
        mm_buf_puts(b, r->cmmc1 == MM_CMMC_FINAL ? word(lang, "cmmc.status.", "final")
                                                 : not_eligible(lang));
        mm_buf_printf(b, "%s  (", s->off);
        put(b, lang, "txt.cmmc1_basis", NULL, NULL, NULL, NULL);
        mm_buf_puts(b, ")\n");
        for (size_t i = 0; i < r->ncmmc1_reasons; i++)
            mm_buf_printf(b, "  - %s\n", r->cmmc1_reasons[i]);
        const char *cm = r->cmmc == MM_CMMC_NOT_ELIGIBLE
                             ? not_eligible(lang)
                             : word(lang, "cmmc.status.", mm_cmmc_level2_status_name(&r->cmmc2));
        bool good = r->cmmc != MM_CMMC_NOT_ELIGIBLE && !r->cmmc2.expired;
        mm_buf_puts(b, s->bold);
        put(b, lang, "txt.cmmc2", NULL, NULL, NULL, NULL);
        mm_buf_printf(b, "%s %s%s%s  ", s->off, good ? s->green : s->red, cm, s->off);
        put(b, lang, "txt.status_date", mm_i18n_date(d0, sizeof d0, lang, r->cmmc2.status_date),
            NULL, NULL, NULL);
        if (r->cmmc_closeout)
            put(b, lang, "txt.closeout_by", mm_i18n_date(d0, sizeof d0, lang, r->cmmc_closeout),
                NULL, NULL, NULL);
        mm_buf_putc(b, '\n');
        for (size_t i = 0; i < r->ncmmc_reasons; i++)
            mm_buf_printf(b, "  - %s\n", r->cmmc_reasons[i]);
    } else {
        mm_buf_printf(b, "%sCMMC:%s ", s->bold, s->off);
        put(b, lang, MM_REPORT_DFARS_NOTE, NULL, NULL, NULL, NULL);
        mm_buf_putc(b, '\n');
    }
    if (r->nno_plan) {
        mm_buf_puts(b, s->bold);
        put(b, lang, "rpt.no_plan", NULL, NULL, NULL, NULL);
        mm_buf_puts(b, s->off);
        for (size_t k = 0; k < r->nno_plan && k < 12; k++)
            mm_buf_printf(b, " %s", cat->requirements[r->no_plan[k]].id);
        if (r->nno_plan > 12)
            put(b, lang, "txt.in_all", mm_report_num(n0, (long long)r->nno_plan), NULL, NULL, NULL);
        mm_buf_puts(b, "  (");
        put(b, lang, r2 ? "txt.no_plan_r2" : "txt.no_plan_r3", NULL, NULL, NULL, NULL);
        mm_buf_puts(b, ")\n");
    }
    mm_buf_puts(b, s->bold);
    put(b, lang, "txt.requirements_met", NULL, NULL, NULL, NULL);
    mm_buf_printf(b, "%s %zu / %zu", s->off, r->requirements_met, r->requirements_total);
    if (r->requirements_not_assessed)
        put(b, lang, "txt.not_assessed", mm_report_num(n0, (long long)r->requirements_not_assessed),
            NULL, NULL, NULL);
    mm_buf_printf(b, "\n%s", s->bold);
    /* the numbers under the requirements' (the padding after the bold label) */
    const char *om = mm_i18n_tr(lang, "txt.objectives_met");
    mm_buf_printf(b, "%s%s", om, s->off);
    for (size_t n = columns(om); n < columns(mm_i18n_tr(lang, "txt.requirements_met")); n++)
        mm_buf_putc(b, ' ');
    mm_buf_printf(b, " %zu / %zu", r->objectives_met, r->objectives_total);
    if (r->objectives_not_assessed)
        put(b, lang, "txt.not_assessed", mm_report_num(n0, (long long)r->objectives_not_assessed),
            NULL, NULL, NULL);
    mm_buf_puts(b, "\n\n");
    put(b, lang, "rpt.families", NULL, NULL, NULL, NULL);
    mm_buf_putc(b, '\n');
    for (size_t i = 0; i < cat->nfamilies; i++) {
        const mm_family_result *fr = &r->families[i];
        mm_buf_printf(b, "  %-6s %-3s %-42.42s ", cat->families[i].id, cat->families[i].abbrev,
                      cat->families[i].title);
        bar(b, s, fr->met, fr->total, 20);
        mm_buf_printf(b, " %2zu/%-2zu  ", fr->met, fr->total);
        snprintf(n0, sizeof n0, "%3zu", fr->objectives_met);
        put(b, lang, "txt.family_objectives", n0, NULL, NULL, NULL);
        mm_buf_printf(b, "/%-3zu\n", fr->objectives_total);
    }

    if (r->ngaps) {
        mm_buf_printf(b, "\n%s", s->bold);
        put(b, lang, "txt.gaps", NULL, NULL, NULL, NULL);
        mm_buf_puts(b, s->off);
        put(b, lang, r2 ? "txt.gaps_order_r2" : "txt.gaps_order_r3",
            mm_report_num(n0, (long long)r->ngaps), NULL, NULL, NULL);
        mm_buf_putc(b, '\n');
        for (size_t g = 0; g < r->ngaps; g++) {
            size_t i = r->gaps[g];
            const mm_requirement *q = &cat->requirements[i];
            const mm_requirement_result *rr = &r->requirements[i];
            const char *col = rr->status == MM_STATUS_NOT_ASSESSED ? s->yellow : s->red;
            const char *st = word(lang, "gap.", mm_status_name(rr->status));
            mm_buf_printf(b, "  %s%-*s%s ", s->bold, r2 ? 8 : 9, q->id, s->off);
            if (r2) {
                snprintf(n1, sizeof n1, "%2d", rr->points_lost);
                put(b, lang, "txt.points", n1, NULL, NULL, NULL);
            } else {
                snprintf(n1, sizeof n1, "%2zu", rr->other_than_satisfied + rr->not_assessed);
                snprintf(n2, sizeof n2, "%-2zu", q->nobjectives);
                put(b, lang, "txt.objectives_unmet", n1, n2, NULL, NULL);
            }
            mm_buf_printf(b, "  %s", col);
            put_padded(b, st, 12);
            mm_buf_printf(b, "%s ", s->off);
            if (r2)
                mm_buf_printf(b, "%.70s%s", q->title, strlen(q->title) > 70 ? "..." : "");
            else
                mm_buf_puts(b, q->title);
            if (rr->on_poam)
                mm_buf_puts(b, "  [POA&M]");
            else if (r2 && rr->no_plan_rule)
                put(b, lang, "txt.no_plan_tag", NULL, NULL, NULL, NULL);
            mm_buf_putc(b, '\n');
        }
    } else {
        mm_buf_printf(b, "\n%s", s->green);
        put(b, lang, "txt.no_gaps", s->off, NULL, NULL, NULL);
        mm_buf_putc(b, '\n');
    }

    if (a->npoam) {
        mm_buf_printf(b, "\n%sPOA&M%s", s->bold, s->off);
        put(b, lang, "txt.poam_items", mm_report_num(n0, (long long)a->npoam), NULL, NULL, NULL);
        mm_buf_putc(b, '\n');
        for (size_t k = 0; k < a->npoam; k++) {
            const mm_poam_item *it = &a->poam[k];
            mm_buf_printf(b, "  %-8s %-9s ", it->id, it->requirement);
            put_padded(b, word(lang, "txt.poam.", it->status), 13);
            mm_buf_printf(b, " %s\n", it->weakness);
            for (size_t m = 0; m < it->nmilestones; m++) {
                const mm_milestone *ml = &it->milestones[m];
                mm_buf_printf(b, "           %s ", mm_i18n_date(d0, sizeof d0, lang, ml->due));
                put_padded(b, word(lang, "milestone.", ml->status), 11);
                mm_buf_printf(b, " %s\n", ml->description);
            }
        }
    }
    if (a->nscan_hosts) {
        mm_buf_printf(b, "\n%s", s->bold);
        put(b, lang, "rpt.host_scans", NULL, NULL, NULL, NULL);
        mm_buf_printf(b, "%s: ", s->off);
        for (size_t i = 0; i < a->nscan_hosts; i++)
            mm_buf_printf(b, "%s%s", i ? ", " : "", a->scan_hosts[i]);
        size_t nov = 0;
        for (size_t i = 0; i < cat->nobjectives; i++)
            nov += a->answers[i].override;
        put(b, lang, nov == 1 ? "txt.override" : "txt.overrides", mm_report_num(n3, (long long)nov),
            NULL, NULL, NULL);
        mm_buf_putc(b, '\n');
    }
    if (r->nwarnings) {
        mm_buf_printf(b, "\n%s", s->yellow);
        put(b, lang, "rpt.warnings", NULL, NULL, NULL, NULL);
        mm_buf_printf(b, "%s\n", s->off);
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
