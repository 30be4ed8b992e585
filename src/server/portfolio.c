/* mamori serve: the analyst's portfolio views (portfolio.h): the trend by month, what
 * changed since a day, the overdue counts; and their API handlers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/assess.h"
#include "server/portfolio.h"
#include "util/util.h"

static const char *const frameworks[] = {"800-171r2", "800-171r3"};

/* day (YYYY-MM-DD) three years before, February 29 as February 28 (cmmc.c's stale cut-off) */
static void three_years_before(char out[11], const char *day)
{
    snprintf(out, 11, "%04d%s", atoi(day) - 3, day + 4);
    if (strcmp(out + 4, "-02-29") == 0)
        memcpy(out + 4, "-02-28", 7);
}

/* The median of n scores given as [[score, count], ...] ascending. */
static double median_of(const json_t *hist, long long n)
{
    long long seen = 0, lo_rank = (n - 1) / 2, hi_rank = n / 2;
    double lo = 0, hi = 0;
    bool have_lo = false;
    size_t i;
    json_t *it;
    json_array_foreach(hist, i, it)
    {
        long long c = json_integer_value(json_array_get(it, 1));
        double v = (double)json_integer_value(json_array_get(it, 0));
        if (!have_lo && lo_rank < seen + c) {
            lo = v;
            have_lo = true;
        }
        if (hi_rank < seen + c) {
            hi = v;
            break;
        }
        seen += c;
    }
    return (lo + hi) / 2;
}

/* One month of mm_store_portfolio_trend with each framework's "scored" and "median_score"
 * in place of its scores. */
static json_t *month_frameworks(json_t *month)
{
    json_t *fws = json_object();
    for (size_t f = 0; fws && f < 2; f++) {
        json_t *fw = json_object_get(month, frameworks[f]);
        json_t *scores = json_object_get(fw, "scores");
        long long scored = 0;
        size_t i;
        json_t *it;
        json_array_foreach(scores, i, it) scored += json_integer_value(json_array_get(it, 1));
        json_t *o =
            json_pack("{s:O,s:O,s:I,s:o}", "contractors", json_object_get(fw, "contractors"),
                      "statuses", json_object_get(fw, "statuses"), "scored", (json_int_t)scored,
                      "median_score", scored ? json_real(median_of(scores, scored)) : json_null());
        if (!o || json_object_set_new(fws, frameworks[f], o)) {
            json_decref(fws);
            fws = NULL;
        }
    }
    return fws;
}

int portfolio_trend(http_req *r, int months, json_t **out)
{
    *out = NULL;
    if (months < 1 || months > PORTFOLIO_MONTHS_MAX)
        months = PORTFOLIO_MONTHS_DEFAULT;
    /* the days of each month: as_of (its last day, today for this month), before (the next
     * day), and that day's cut-offs */
    char days[PORTFOLIO_MONTHS_MAX][4][11];
    mm_trend_month m[PORTFOLIO_MONTHS_MAX];
    int y = atoi(r->today), mo = atoi(r->today + 5);
    for (int k = months - 1; k >= 0; k--) {
        int i = months - 1 - k; /* oldest first */
        int yy = y, mm = mo - k;
        while (mm < 1) {
            mm += 12;
            yy--;
        }
        char first_next[11];
        snprintf(first_next, sizeof first_next, "%04d-%02d-01", mm == 12 ? yy + 1 : yy,
                 mm == 12 ? 1 : mm + 1);
        long as_of = k == 0 ? mm_date_days(r->today) : mm_date_days(first_next) - 1;
        mm_date_format(days[i][0], as_of);
        mm_date_format(days[i][1], as_of + 1);
        three_years_before(days[i][2], days[i][0]);
        mm_date_format(days[i][3], as_of - MM_CMMC_CLOSEOUT_DAYS);
        m[i] = (mm_trend_month){
            .before = days[i][1], .stale_before = days[i][2], .expired_before = days[i][3]};
    }
    json_t *rows = NULL;
    int rc = mm_store_portfolio_trend(r->st, &rows, m, (size_t)months);
    if (rc)
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < months; i++) {
        json_t *fws = month_frameworks(json_array_get(rows, (size_t)i));
        char month[8];
        memcpy(month, days[i][0], 7);
        month[7] = '\0';
        if (!fws || json_array_append_new(list, json_pack("{s:s,s:s,s:o}", "month", month, "as_of",
                                                          days[i][0], "frameworks", fws))) {
            json_decref(list);
            list = NULL;
        }
    }
    json_decref(rows);
    if (!list || !(*out = json_pack("{s:o}", "months", list))) {
        mm_error_set("out of memory");
        return MM_ENOMEM;
    }
    return MM_OK;
}

int portfolio_changes(http_req *r, const char *since, json_t **out)
{
    *out = NULL;
    /* the conditional statuses that ran out since the day were received 180 days before it;
     * nothing is older than the first day a date can be (a since of 1900-01-01 is allowed) */
    char expired_from[11];
    long from = mm_date_days(since) - MM_CMMC_CLOSEOUT_DAYS;
    mm_date_format(expired_from,
                   from < mm_date_days(MM_DATE_MIN) ? mm_date_days(MM_DATE_MIN) : from);
    json_t *ch = NULL, *incidents = NULL;
    int rc = mm_store_changes_since(r->st, &ch, since, expired_from, r->cmmc_expired_before,
                                    PORTFOLIO_CHANGES_MAX);
    if (rc == MM_OK)
        rc = incidents_list(r, &incidents);
    if (rc) {
        json_decref(ch);
        return rc;
    }
    json_t *recent = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(incidents, i, it)
    {
        const char *rep = json_string_value(json_object_get(it, "reported"));
        if (rep && strcmp(rep, since) >= 0 && recent)
            json_array_append_new(recent, json_pack("{s:O,s:O,s:O,s:O,s:O}", "id",
                                                    json_object_get(it, "id"), "report_number",
                                                    json_object_get(it, "report_number"), "org_id",
                                                    json_object_get(it, "org_id"), "report_type",
                                                    json_object_get(it, "report_type"), "reported",
                                                    json_object_get(it, "reported")));
    }
    json_decref(incidents);
    json_object_set_new(ch, "since", json_string(since));
    json_object_set_new(ch, "today", json_string(r->today));
    if (!recent || json_object_set_new(ch, "incidents", recent)) {
        json_decref(ch);
        mm_error_set("out of memory");
        return MM_ENOMEM;
    }
    *out = ch;
    return MM_OK;
}

int portfolio_overdue_counts(http_req *r, json_t **out)
{
    char a[3][11];
    long t = mm_date_days(r->today);
    mm_date_format(a[0], t - 30);
    mm_date_format(a[1], t - 90);
    mm_date_format(a[2], t - 180);
    const char *const ages[3] = {a[0], a[1], a[2]};
    int rc = mm_store_overdue_counts(r->st, out, r->today, ages, 10);
    if (rc == MM_OK)
        json_object_set_new(*out, "ages",
                            json_pack("[s,s,s,s]", "1-30", "31-90", "91-180", "181+"));
    return rc;
}

/* ---- the API ------------------------------------------------------------------------- */

void h_trends(http_req *r, reply *out)
{
    const char *v = req_query(r, "months"); /* checked by the route (1..60) */
    int months = v && v[0] ? atoi(v) : PORTFOLIO_MONTHS_DEFAULT;
    json_t *t = NULL;
    int rc = portfolio_trend(r, months, &t);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, t);
}

/* ?since (checked as a date by the route) or today - PORTFOLIO_SINCE_DAYS into since[11];
 * false after a 400 for a day after today. */
bool portfolio_since(http_req *r, reply *out, char since[11])
{
    const char *v = req_query(r, "since");
    if (v && v[0] && strcmp(v, r->today) > 0) {
        reply_error(out, 400, "bad_request", "?since=%s: a day not after today (%s)", v, r->today);
        return false;
    }
    if (v && v[0])
        snprintf(since, 11, "%s", v);
    else
        mm_date_format(since, mm_date_days(r->today) - PORTFOLIO_SINCE_DAYS);
    return true;
}

void h_changes(http_req *r, reply *out)
{
    char since[11];
    if (!portfolio_since(r, out, since))
        return;
    json_t *c = NULL;
    int rc = portfolio_changes(r, since, &c);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, c);
}
