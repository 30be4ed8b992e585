/*
 * Evaluation: requirement results rolled up from objective determinations, family totals,
 * the SPRS score (DoD Assessment Methodology v1.2.1) and CMMC Level 2 eligibility
 * (32 CFR 170.21(a)(2)) for Rev 2, met/total counts for Rev 3, the gaps in priority order,
 * and the effective ODP values under a profile.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mamori/assess.h"
#include "mamori/error.h"
#include "util/util.h"

typedef struct list {
    const char **items;
    size_t n, cap;
} list;

static void list_add(mm_arena *a, list *l, const char *s)
{
    if (!s)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        const char **items = mm_arena_calloc(a, cap, sizeof(*items));
        if (!items)
            return;
        if (l->n)
            memcpy(items, l->items, l->n * sizeof(*items));
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = s;
}

/* Appends ids to a comma-separated list held in b, at most max of them shown. */
static void id_list(mm_buf *b, const char *id, size_t *count)
{
    if (*count < 12)
        mm_buf_printf(b, "%s%s", *count ? ", " : "", id);
    else if (*count == 12)
        mm_buf_puts(b, ", ...");
    (*count)++;
}

/* Next significant character of s for comparison: white space runs read as one ' ',
 * leading and trailing white space as nothing, letters in lower case; 0 at the end. */
static int next_norm(const char **s, bool *started)
{
    const char *p = *s;
    if (isspace((unsigned char)*p)) {
        while (isspace((unsigned char)*p))
            p++;
        *s = p;
        if (*started && *p)
            return ' ';
    }
    if (!*p)
        return 0;
    *started = true;
    *s = p + 1;
    return tolower((unsigned char)*p);
}

/* ODP values compare equal ignoring case and white space differences. */
static bool same_value(const char *a, const char *b)
{
    bool sa = false, sb = false;
    for (;;) {
        int ca = next_norm(&a, &sa), cb = next_norm(&b, &sb);
        if (ca != cb)
            return false;
        if (!ca)
            return true;
    }
}

void mm_result_free(mm_result *r)
{
    if (!r)
        return;
    mm_arena_free(r->arena);
    free(r);
}

const char *mm_result_odp_lookup(void *result, const char *odp_id)
{
    const mm_result *r = result;
    const mm_catalog *cat = r->assessment->catalog;
    const mm_odp *o = mm_catalog_odp(cat, odp_id);
    return o ? r->odp_effective[o - cat->odps] : NULL;
}

static void effective_odps(mm_result *res, mm_arena *ar)
{
    const mm_assessment *a = res->assessment;
    const mm_catalog *cat = a->catalog;
    const mm_profile *prof = res->profile;
    res->conflicts = mm_arena_calloc(ar, cat->nodps + 1, sizeof(mm_odp_conflict));
    if (!res->conflicts)
        return;
    for (size_t i = 0; i < cat->nodps; i++) {
        const char *given = a->odp_values[i];
        const mm_profile_value *pv = prof && i < prof->nvalues ? &prof->values[i] : NULL;
        if (pv && pv->value && pv->fixed) {
            res->odp_effective[i] = pv->value;
            if (given && !same_value(given, pv->value)) {
                mm_odp_conflict *c = &res->conflicts[res->nconflicts++];
                c->odp = i;
                c->given = given;
                c->fixed = pv->value;
            }
        } else if (given) {
            res->odp_effective[i] = given;
        } else if (pv && pv->value) {
            res->odp_effective[i] = pv->value;
        }
    }
}

static mm_status roll_up(const mm_requirement_result *rr, mm_status given, size_t nobjectives)
{
    if (nobjectives == 0)
        return given;
    if (rr->other_than_satisfied == 0 && rr->not_assessed == 0)
        return rr->satisfied == 0 ? MM_STATUS_NOT_APPLICABLE : MM_STATUS_MET;
    if (rr->other_than_satisfied > 0)
        return given == MM_STATUS_PARTIAL ? MM_STATUS_PARTIAL : MM_STATUS_NOT_MET;
    return MM_STATUS_NOT_ASSESSED;
}

static bool unmet(mm_status s)
{
    return s == MM_STATUS_NOT_MET || s == MM_STATUS_PARTIAL || s == MM_STATUS_NOT_ASSESSED;
}

/* Gap order: Rev 2 by points lost, Rev 3 by objectives unmet; then catalog order. */
static int gap_cmp(const mm_result *res, size_t a, size_t b)
{
    const mm_requirement_result *ra = &res->requirements[a];
    const mm_requirement_result *rb = &res->requirements[b];
    long ka, kb;
    if (res->assessment->framework == MM_FW_R2) {
        ka = ra->points_lost;
        kb = rb->points_lost;
    } else {
        ka = (long)(ra->other_than_satisfied + ra->not_assessed);
        kb = (long)(rb->other_than_satisfied + rb->not_assessed);
    }
    if (ka != kb)
        return ka > kb ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* The last date an open POA&M item plans to finish: its scheduled completion, or its
 * latest milestone; -1 when it has none. */
static long poam_finish(const mm_poam_item *it)
{
    long last = it->scheduled_completion ? mm_date_days(it->scheduled_completion) : -1;
    for (size_t k = 0; k < it->nmilestones; k++) {
        if (mm_streq(it->milestones[k].status, "completed"))
            continue;
        long d = mm_date_days(it->milestones[k].due);
        if (d > last)
            last = d;
    }
    return last;
}

/* Today's date (YYYY-MM-DD) from a Unix time. */
static void today_of(char out[11], long long now)
{
    mm_date_format(out, (long)(now / 86400));
}

int mm_cmmc_level2_at(mm_cmmc_level2 *out, const mm_result *r, const char *status_date,
                      const char *today)
{
    memset(out, 0, sizeof(*out));
    if (r->assessment->framework != MM_FW_R2) {
        mm_error_set("CMMC Level 2 status is computed from a Rev 2 result (32 CFR 170.21 "
                     "scores SP 800-171 Rev 2)");
        return MM_EINVALID;
    }
    if (!today || !mm_is_date(today)) {
        mm_error_set("today: expected a date YYYY-MM-DD, found \"%s\"", today ? today : "");
        return MM_EINVALID;
    }
    if (!status_date)
        status_date = today;
    if (!mm_is_date(status_date)) {
        mm_error_set("status date: expected a date YYYY-MM-DD, found \"%s\"", status_date);
        return MM_EINVALID;
    }
    out->status = r->cmmc;
    memcpy(out->status_date, status_date, 10);
    if (r->cmmc != MM_CMMC_CONDITIONAL)
        return MM_OK;
    /* 32 CFR 170.21(b): the POA&M close-out assessment must be within 180 days of the
     * Conditional CMMC Status Date; after it the conditional status expires. */
    long closeout = mm_date_days(status_date) + MM_CMMC_CLOSEOUT_DAYS;
    mm_date_format(out->closeout_by, closeout);
    out->expired = mm_date_days(today) > closeout;
    const mm_assessment *a = r->assessment;
    for (size_t k = 0; k < a->npoam; k++)
        if (!mm_streq(a->poam[k].status, "closed") && poam_finish(&a->poam[k]) > closeout)
            out->late_poam++;
    return MM_OK;
}

const char *mm_cmmc_level2_status_name(const mm_cmmc_level2 *s)
{
    switch (s->status) {
    case MM_CMMC_FINAL:
        return "final";
    case MM_CMMC_CONDITIONAL:
        return s->expired ? "conditional-expired" : "conditional";
    case MM_CMMC_NOT_ELIGIBLE:
        break;
    }
    return "not-eligible";
}

/* The plan-of-action requirement: Rev 2 3.12.2 (flagged by the catalog), Rev 3 03.12.02. */
static const mm_requirement *plan_requirement(const mm_catalog *cat)
{
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        if (r->withdrawn)
            continue;
        if (cat->framework == MM_FW_R2 ? r->plans_of_action : mm_streq(r->id, "03.12.02"))
            return r;
    }
    return NULL;
}

/* Requirements not implemented with no open POA&M item. For Rev 2, DoD Assessment
 * Methodology v1.2.1 5(g)(iii): "A lack of plan of action for unimplemented security
 * requirements will result in Security Requirement 3.12.2 being assessed as 'not
 * implemented'." Rev 3 has no such scoring rule: the list is reported as a warning. */
static void plan_rule(mm_result *res, mm_arena *ar, list *warn)
{
    const mm_catalog *cat = res->assessment->catalog;
    const mm_requirement *plan = plan_requirement(cat);
    mm_buf ids = MM_BUF_INIT;
    size_t shown = 0;
    res->no_plan = mm_arena_calloc(ar, cat->nrequirements + 1, sizeof(size_t));
    if (!res->no_plan)
        return;
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        const mm_requirement_result *rr = &res->requirements[i];
        /* 3.12.4 (the SSP) has no points: without it there is no score at all (5(g)(i)) */
        if (r->withdrawn || r == plan || r->sprs_na || !unmet(rr->status) || rr->on_poam)
            continue;
        res->no_plan[res->nno_plan++] = i;
        id_list(&ids, r->id, &shown);
    }
    if (!res->nno_plan || !plan) {
        mm_buf_free(&ids);
        return;
    }
    mm_requirement_result *pr = &res->requirements[plan - cat->requirements];
    const char *s = res->nno_plan == 1 ? "" : "s";
    const char *has = res->nno_plan == 1 ? "has" : "have";
    if (cat->framework == MM_FW_R2) {
        if (!unmet(pr->status)) {
            pr->status = MM_STATUS_NOT_MET;
            pr->no_plan_rule = true;
        }
        list_add(ar, warn,
                 mm_arena_printf(ar,
                                 "%s (plans of action) is scored not implemented: %zu "
                                 "unimplemented requirement%s %s no open POA&M item (DoD "
                                 "Assessment Methodology v1.2.1 5(g)(iii)): %s",
                                 plan->id, res->nno_plan, s, has, mm_buf_cstr(&ids)));
    } else {
        list_add(ar, warn,
                 mm_arena_printf(ar,
                                 "%s (plan of action): %zu requirement%s not met %s no open "
                                 "POA&M item: %s (reported only: the scoring rule of the DoD "
                                 "Assessment Methodology 5(g)(iii) is defined for Rev 2)",
                                 plan->id, res->nno_plan, s, has, mm_buf_cstr(&ids)));
    }
    mm_buf_free(&ids);
}

/* CMMC Level 1 (Self): 32 CFR 170.15 assesses the FAR 52.204-21 basic safeguarding
 * requirements (in CMMC: the 17 Rev 2 requirements flagged far_52_204_21); "A POA&M is not
 * permitted at any time for Level 1 self-assessments" (170.21(a)(1)). */
static void cmmc_level1(mm_result *res, mm_arena *ar)
{
    const mm_catalog *cat = res->assessment->catalog;
    list reasons = {0};
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        const mm_requirement_result *rr = &res->requirements[i];
        if (r->withdrawn || !r->far_52_204_21)
            continue;
        if (rr->status == MM_STATUS_MET || rr->status == MM_STATUS_NOT_APPLICABLE)
            continue;
        list_add(ar, &reasons,
                 mm_arena_printf(ar, "%s (%s) is %s%s", r->id, r->cmmc_id ? r->cmmc_id : "",
                                 mm_status_name(rr->status),
                                 rr->on_poam ? "; its POA&M item does not count: a POA&M is "
                                               "not permitted at Level 1 (32 CFR 170.21(a)(1))"
                                             : ""));
    }
    res->cmmc1 = reasons.n ? MM_CMMC_NOT_ELIGIBLE : MM_CMMC_FINAL;
    res->cmmc1_reasons = reasons.items;
    res->ncmmc1_reasons = reasons.n;
}

static void score_r2(mm_result *res, mm_arena *ar, list *warn, long long now)
{
    const mm_assessment *a = res->assessment;
    const mm_catalog *cat = a->catalog;
    int score = cat->sprs_base;
    const mm_requirement *ssp = NULL;
    mm_buf notassessed = MM_BUF_INIT;
    size_t n_notassessed = 0;
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        mm_requirement_result *rr = &res->requirements[i];
        if (r->withdrawn)
            continue;
        if (r->sprs_na)
            ssp = r;
        switch (rr->status) {
        case MM_STATUS_MET:
        case MM_STATUS_NOT_APPLICABLE:
            rr->points_lost = 0;
            break;
        case MM_STATUS_PARTIAL:
            rr->points_lost = r->sprs_partial;
            break;
        default:
            rr->points_lost = r->sprs_points;
            break;
        }
        score -= rr->points_lost;
        if (rr->status == MM_STATUS_NOT_ASSESSED)
            id_list(&notassessed, r->id, &n_notassessed);
    }
    res->sprs = score;
    res->sprs_valid = true;
    if (ssp && res->requirements[ssp - cat->requirements].status != MM_STATUS_MET) {
        res->sprs_valid = false;
        res->sprs_invalid_reason = mm_arena_printf(
            ar,
            "%s (system security plan) is %s: without an SSP the assessment cannot be "
            "completed and there is no valid score (DoD Assessment Methodology 5(g)(i))",
            ssp->id, mm_status_name(res->requirements[ssp - cat->requirements].status));
    }
    if (n_notassessed)
        list_add(ar, warn,
                 mm_arena_printf(
                     ar, "%zu requirement%s not assessed, scored as not implemented: %s",
                     n_notassessed, n_notassessed == 1 ? "" : "s", mm_buf_cstr(&notassessed)));
    mm_buf_free(&notassessed);

    cmmc_level1(res, ar);

    /* CMMC Level 2 (Self), 32 CFR 170.21(a)(2) */
    list reasons = {0};
    if (!res->sprs_valid) {
        list_add(ar, &reasons, res->sprs_invalid_reason);
    } else if (score == cat->sprs_base) {
        res->cmmc = MM_CMMC_FINAL;
    } else {
        /* (i) "The assessment score divided by the total number of CMMC Level 2 security
         * requirements is greater than or equal to 0.8" */
        int min = (int)(cat->sprs_base * cat->cmmc_min_ratio + 0.999);
        if (score < min)
            list_add(ar, &reasons,
                     mm_arena_printf(ar,
                                     "score %d is below %d (%.0f%% of %d), the minimum for "
                                     "conditional status (170.21(a)(2)(i))",
                                     score, min, cat->cmmc_min_ratio * 100, cat->sprs_base));
        for (size_t i = 0; i < cat->nrequirements; i++) {
            const mm_requirement *r = &cat->requirements[i];
            const mm_requirement_result *rr = &res->requirements[i];
            if (r->withdrawn || !unmet(rr->status))
                continue;
            if (r->never_on_poam)
                list_add(ar, &reasons,
                         mm_arena_printf(ar,
                                         "%s is %s and may never be on a POA&M "
                                         "(170.21(a)(2)(iii))",
                                         r->id, mm_status_name(rr->status)));
            else if (rr->points_lost > cat->cmmc_max_poam_points &&
                     !(rr->status == MM_STATUS_PARTIAL && r->poam_at_partial))
                list_add(ar, &reasons,
                         mm_arena_printf(ar,
                                         "%s is %s and worth %d points; only %d-point "
                                         "requirements (and 3.13.11 at its reduced value) may "
                                         "be on a POA&M (170.21(a)(2)(ii))",
                                         r->id, mm_status_name(rr->status), rr->points_lost,
                                         cat->cmmc_max_poam_points));
            else if (!rr->on_poam)
                list_add(ar, &reasons,
                         mm_arena_printf(ar, "%s is %s and has no open POA&M item", r->id,
                                         mm_status_name(rr->status)));
        }
        if (reasons.n == 0)
            res->cmmc = MM_CMMC_CONDITIONAL;
    }

    /* the status over time: posted (or today) is the status date; 180 days to close out */
    char today[11];
    today_of(today, now);
    if (mm_cmmc_level2_at(&res->cmmc2, res, a->posted, today) != MM_OK)
        res->cmmc2.status = MM_CMMC_NOT_ELIGIBLE; /* not reached: dates are checked */
    if (res->cmmc == MM_CMMC_CONDITIONAL) {
        const char *cdate = res->cmmc2.closeout_by;
        res->cmmc_closeout = mm_arena_strdup(ar, cdate);
        if (res->cmmc2.expired)
            list_add(ar, &reasons,
                     mm_arena_printf(ar,
                                     "expired: the conditional status of %s needed a POA&M "
                                     "close-out by %s (180 days, 32 CFR 170.21(b)); without a "
                                     "later final result it has expired",
                                     res->cmmc2.status_date, cdate));
        else
            list_add(ar, &reasons,
                     mm_arena_printf(ar,
                                     "conditional: every open POA&M item must be closed out "
                                     "by %s (180 days from the status date %s, 32 CFR "
                                     "170.21(b))",
                                     cdate, res->cmmc2.status_date));
        /* a plan finishing after the close-out is a warning: the rule limits when the
         * close-out happens, not what a plan says */
        long closeout = mm_date_days(cdate);
        for (size_t k = 0; k < a->npoam; k++) {
            const mm_poam_item *it = &a->poam[k];
            if (mm_streq(it->status, "closed"))
                continue;
            long fin = poam_finish(it);
            if (fin > closeout) {
                char fdate[11];
                mm_date_format(fdate, fin);
                list_add(ar, warn,
                         mm_arena_printf(ar,
                                         "%s (%s) plans to finish on %s, after the CMMC POA&M "
                                         "close-out date %s (status date %s + 180 days, 32 "
                                         "CFR 170.21(b)); the conditional status expires "
                                         "then unless the item is closed out",
                                         it->id, it->requirement, fdate, cdate,
                                         res->cmmc2.status_date));
            }
        }
    }
    res->cmmc_reasons = reasons.items;
    res->ncmmc_reasons = reasons.n;
}

int mm_sprs_record_get(mm_sprs_record *out, const mm_result *r)
{
    const mm_assessment *a = r->assessment;
    const char *name = a->source ? a->source : "assessment";
    memset(out, 0, sizeof(*out));
    if (a->framework != MM_FW_R2) {
        mm_error_set("%s: $.framework: the SPRS record is for SP 800-171 Rev 2 only: the DoD "
                     "Assessment Methodology v1.2.1 scores Rev 2, and DFARS 252.204-7012 "
                     "contracts are assessed against Rev 2 under the DoD class deviation "
                     "(2024-O0013)",
                     name);
        return MM_EINVALID;
    }
    static const struct {
        size_t off;
        const char *path;
    } need[] = {
        {offsetof(mm_assessment, ssp_name), "$.ssp.name"},
        {offsetof(mm_assessment, ssp_version), "$.ssp.version"},
        {offsetof(mm_assessment, ssp_date), "$.ssp.date"},
        {offsetof(mm_assessment, assessed), "$.dates.assessed"},
    };
    for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
        const char *v = *(const char *const *)((const char *)a + need[i].off);
        if (!v || !*v) {
            mm_error_set("%s: %s: missing, needed for the SPRS record", name, need[i].path);
            return MM_EINVALID;
        }
        if (i == 2) /* the CAGE codes come after the SSP's date in Annex B */
            if (!a->ncage_codes) {
                mm_error_set("%s: $.ssp.cage_codes: missing, needed for the SPRS record", name);
                return MM_EINVALID;
            }
    }
    if (!r->sprs_valid) {
        mm_error_set("%s: no valid SPRS score, so no SPRS record: %s", name,
                     r->sprs_invalid_reason ? r->sprs_invalid_reason : "");
        return MM_EINVALID;
    }
    out->ssp_name = a->ssp_name;
    out->ssp_version = a->ssp_version;
    out->ssp_date = a->ssp_date;
    out->cage_codes = a->cage_codes;
    out->ncage_codes = a->ncage_codes;
    out->assessment_date = a->assessed;
    out->score = r->sprs;
    /* DFARS 252.204-7020(a): a Basic Assessment is the contractor's self-assessment and
     * "Results in a confidence level of 'Low' in the resulting score, because it is a
     * self-generated score." */
    out->assessment_type = "Basic";
    out->confidence = "Low";
    if (r->sprs < a->catalog->sprs_base) {
        long last = -1;
        for (size_t k = 0; k < a->npoam; k++) {
            if (mm_streq(a->poam[k].status, "closed"))
                continue;
            long fin = poam_finish(&a->poam[k]);
            if (fin > last)
                last = fin;
        }
        if (last >= 0)
            mm_date_format(out->plan_complete, last);
    }
    return MM_OK;
}

int mm_assessment_evaluate(mm_result **out, const mm_assessment *a, const mm_profile *profile)
{
    return mm_assessment_evaluate_at(out, a, profile, (long long)time(NULL));
}

int mm_assessment_evaluate_at(mm_result **out, const mm_assessment *a, const mm_profile *profile,
                              long long now)
{
    *out = NULL;
    const mm_catalog *cat = a->catalog;
    mm_result *res = calloc(1, sizeof(*res));
    if (!res || !(res->arena = mm_arena_new())) {
        free(res);
        return MM_ENOMEM;
    }
    mm_arena *ar = res->arena;
    res->assessment = a;
    res->profile = cat->framework == MM_FW_R3 ? profile : NULL;
    res->requirements = mm_arena_calloc(ar, cat->nrequirements + 1, sizeof(mm_requirement_result));
    res->families = mm_arena_calloc(ar, cat->nfamilies + 1, sizeof(mm_family_result));
    res->gaps = mm_arena_calloc(ar, cat->nrequirements + 1, sizeof(size_t));
    res->odp_effective = mm_arena_calloc(ar, cat->nodps + 1, sizeof(char *));
    if (mm_arena_failed(ar)) {
        mm_result_free(res);
        return MM_ENOMEM;
    }
    list warn = {0};
    mm_buf mismatch = MM_BUF_INIT, nojust = MM_BUF_INIT;
    size_t n_mismatch = 0, n_nojust = 0;

    for (size_t k = 0; k < a->npoam; k++)
        if (!mm_streq(a->poam[k].status, "closed"))
            res->requirements[a->poam[k].requirement_index].on_poam = true;

    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        mm_requirement_result *rr = &res->requirements[i];
        if (r->withdrawn)
            continue;
        bool missing_just = false;
        for (size_t j = 0; j < r->nobjectives; j++) {
            const mm_answer *ans = &a->answers[&r->objectives[j] - cat->objectives];
            switch (ans->determination) {
            case MM_DET_SATISFIED:
                rr->satisfied++;
                break;
            case MM_DET_NOT_APPLICABLE:
                rr->not_applicable++;
                missing_just |= !ans->justification;
                break;
            case MM_DET_OTHER_THAN_SATISFIED:
                rr->other_than_satisfied++;
                break;
            default:
                rr->not_assessed++;
                break;
            }
        }
        mm_status given = a->requirements[i].status;
        rr->status = roll_up(rr, given, r->nobjectives);
        if ((given == MM_STATUS_MET || given == MM_STATUS_NOT_APPLICABLE) && given != rr->status)
            id_list(&mismatch, r->id, &n_mismatch);
        if (missing_just)
            id_list(&nojust, r->id, &n_nojust);
    }
    plan_rule(res, ar, &warn);

    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        mm_requirement_result *rr = &res->requirements[i];
        if (r->withdrawn)
            continue;
        mm_family_result *fr = &res->families[r->family];
        fr->total++;
        fr->objectives_total += r->nobjectives;
        fr->objectives_met += rr->satisfied + rr->not_applicable;
        res->requirements_total++;
        res->objectives_total += r->nobjectives;
        res->objectives_met += rr->satisfied + rr->not_applicable;
        res->objectives_not_assessed += rr->not_assessed;
        if (rr->status == MM_STATUS_MET || rr->status == MM_STATUS_NOT_APPLICABLE) {
            fr->met++;
            res->requirements_met++;
        } else {
            if (rr->status == MM_STATUS_NOT_ASSESSED)
                res->requirements_not_assessed++;
            res->gaps[res->ngaps++] = i;
        }
    }
    if (n_mismatch)
        list_add(ar, &warn,
                 mm_arena_printf(ar,
                                 "requirement status contradicted by its objectives (the "
                                 "objectives decide): %s",
                                 mm_buf_cstr(&mismatch)));
    if (n_nojust)
        list_add(ar, &warn,
                 mm_arena_printf(ar, "not-applicable without a justification: %s",
                                 mm_buf_cstr(&nojust)));
    mm_buf_free(&mismatch);
    mm_buf_free(&nojust);

    for (size_t i = 0; i < a->nscan_notes; i++)
        list_add(ar, &warn, a->scan_notes[i]);
    effective_odps(res, ar);
    for (size_t i = 0; i < res->nconflicts; i++) {
        const mm_odp *o = &cat->odps[res->conflicts[i].odp];
        list_add(ar, &warn,
                 mm_arena_printf(ar,
                                 "ODP %s (%s): the assessment says \"%s\" but the profile "
                                 "fixes \"%s\"; the profile's value is used",
                                 o->id, cat->requirements[o->requirement].id,
                                 res->conflicts[i].given, res->conflicts[i].fixed));
    }

    if (cat->framework == MM_FW_R2)
        score_r2(res, ar, &warn, now);
    for (size_t i = 1; i < res->ngaps; i++) { /* insertion sort: at most 130 gaps */
        size_t g = res->gaps[i], j = i;
        for (; j > 0 && gap_cmp(res, g, res->gaps[j - 1]) < 0; j--)
            res->gaps[j] = res->gaps[j - 1];
        res->gaps[j] = g;
    }
    res->warnings = warn.items;
    res->nwarnings = warn.n;
    if (mm_arena_failed(ar)) {
        mm_result_free(res);
        return MM_ENOMEM;
    }
    *out = res;
    return MM_OK;
}
