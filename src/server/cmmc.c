/* mamori serve: CMMC status in time, worked out when read (32 CFR 170.21, 170.22).
 *
 * The server's Conditional CMMC Status Date is the day it received the submission (UTC), not
 * the assessment's date nor its dates.posted. The POA&M close-out is due 180 days after it
 * (MM_CMMC_CLOSEOUT_DAYS, 32 CFR 170.21(b)); after that day a conditional Rev 2 status is
 * "conditional-expired" (a later final result replaces the latest submission, and with it the
 * status). Everything here is a pure function of (stored status, status date, today), so it
 * needs no batch job and applies to whatever row holds the latest status. The SQL of the
 * contractor list compares with the same cut-offs (server_dates), so list, filter and page
 * agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/internal.h"
#include "util/util.h"

/* The date one calendar year before d (February 29 becomes February 28). */
static void year_before(char out[11], const char *d)
{
    snprintf(out, 11, "%04d%.6s", atoi(d) - 1, d + 4);
    if (strcmp(out + 4, "-02-29") == 0)
        memcpy(out + 4, "-02-28", 7);
}

/* The date one calendar year after d (February 29 becomes February 28). */
static void year_after(char out[11], const char *d)
{
    snprintf(out, 11, "%04d%.6s", atoi(d) + 1, d + 4);
    if (strcmp(out + 4, "-02-29") == 0)
        memcpy(out + 4, "-02-28", 7);
}

/* The cut-offs of the last day asked for on this thread: a pure function of the day, worked
 * out again only when the day changes (a request's dates cost a few snprintf otherwise). */
typedef struct day_dates {
    char today[11], stale_before[11], cmmc_expired_before[11], affirm_overdue_before[11],
        affirm_due_by[11];
} day_dates;
static _Thread_local day_dates last_day;

static void work_out_dates(http_req *r);

void server_dates(http_req *r, const char *today)
{
    if (strncmp(last_day.today, today, 10) == 0 && last_day.today[0]) {
        memcpy(r->today, last_day.today, 11);
        memcpy(r->stale_before, last_day.stale_before, 11);
        memcpy(r->cmmc_expired_before, last_day.cmmc_expired_before, 11);
        memcpy(r->affirm_overdue_before, last_day.affirm_overdue_before, 11);
        memcpy(r->affirm_due_by, last_day.affirm_due_by, 11);
        return;
    }
    memcpy(r->today, today, 10);
    r->today[10] = '\0';
    work_out_dates(r);
    memcpy(last_day.stale_before, r->stale_before, 11);
    memcpy(last_day.cmmc_expired_before, r->cmmc_expired_before, 11);
    memcpy(last_day.affirm_overdue_before, r->affirm_overdue_before, 11);
    memcpy(last_day.affirm_due_by, r->affirm_due_by, 11);
    memcpy(last_day.today, r->today, 11);
}

static void work_out_dates(http_req *r)
{
    snprintf(r->stale_before, sizeof r->stale_before, "%04d%s", atoi(r->today) - 3, r->today + 4);
    if (strcmp(r->stale_before + 4, "-02-29") == 0)
        memcpy(r->stale_before + 4, "-02-28", 7);
    long t = mm_date_days(r->today);
    /* expired when today > status date + 180, i.e. status date < today - 180 */
    mm_date_format(r->cmmc_expired_before, t - MM_CMMC_CLOSEOUT_DAYS);
    /* overdue when today > base + 1 year, i.e. base < today one year ago; due when base + 1
     * year <= today + 30 days, i.e. base <= (today + 30) one year ago */
    year_before(r->affirm_overdue_before, r->today);
    char soon[11];
    mm_date_format(soon, t + MM_AFFIRM_NOTICE_DAYS);
    year_before(r->affirm_due_by, soon);
}

const char *cmmc_server_status(const http_req *r, const char *framework, const char *status,
                               const char *received)
{
    if (mm_streq(framework, "800-171r2") && mm_streq(status, "conditional") && received &&
        strlen(received) >= 10 && strncmp(received, r->cmmc_expired_before, 10) < 0)
        return "conditional-expired";
    return status;
}

json_t *cmmc_level2_view(const http_req *r, const json_t *sub)
{
    const char *fw = json_string_value(json_object_get(sub, "framework"));
    const char *received = json_string_value(json_object_get(sub, "received"));
    json_t *cmmc = json_object_get(json_object_get(sub, "summary"), "cmmc");
    const char *st = json_string_value(json_object_get(cmmc, "status"));
    if (!mm_streq(fw, "800-171r2") || !st || !received || strlen(received) < 10)
        return json_null();
    char date[11], closeout[11] = "";
    memcpy(date, received, 10);
    date[10] = '\0';
    if (!mm_is_date(date))
        return json_null();
    bool conditional = strcmp(st, "conditional") == 0;
    bool expired = false;
    if (conditional) {
        long c = mm_date_days(date) + MM_CMMC_CLOSEOUT_DAYS;
        mm_date_format(closeout, c);
        expired = mm_date_days(r->today) > c;
    }
    const char *name = expired ? "conditional-expired" : st;
    json_t *reasons = json_array();
    if (reasons && conditional)
        json_array_append_new(
            reasons,
            json_string(
                expired
                    ? "expired: the POA&M close-out was due within 180 days of the Conditional "
                      "CMMC Status Date (32 CFR 170.21(b)); there is no later final result"
                    : "conditional: every open POA&M item must be closed out within 180 days of "
                      "the Conditional CMMC Status Date (32 CFR 170.21(b))"));
    json_t *o =
        json_pack("{s:s, s:b, s:s, s:o, s:o, s:s}", "status", name, "eligible",
                  strcmp(st, "final") == 0 || (conditional && !expired), "status_date", date,
                  "closeout_by", closeout[0] ? json_string(closeout) : json_null(), "reasons",
                  reasons ? reasons : json_array(), "status_date_source", "received");
    return o ? o : json_null();
}

json_t *cmmc_level1_view(const json_t *sub)
{
    json_t *l1 = json_object_get(json_object_get(sub, "summary"), "cmmc_level1");
    return json_is_object(l1) ? json_deep_copy(l1) : json_null();
}

void affirmation_dates(const http_req *r, const char *base, char due_by[11], bool *due,
                       bool *overdue)
{
    due_by[0] = '\0';
    *due = *overdue = false;
    if (!base || strlen(base) < 10)
        return;
    char d[11];
    memcpy(d, base, 10);
    d[10] = '\0';
    if (!mm_is_date(d))
        return;
    year_after(due_by, d);
    *overdue = strcmp(d, r->affirm_overdue_before) < 0;
    *due = !*overdue && strcmp(d, r->affirm_due_by) <= 0;
}

void affirmation_annotate(const http_req *r, json_t *item)
{
    json_t *latest = json_object_get(item, "latest");
    const char *base = json_string_value(json_object_get(item, "last_affirmed"));
    if (!base)
        base = json_string_value(json_object_get(latest, "received"));
    char due_by[11];
    bool due, overdue;
    affirmation_dates(r, json_is_object(latest) ? base : NULL, due_by, &due, &overdue);
    json_object_set_new(item, "affirmation_due_by", due_by[0] ? json_string(due_by) : json_null());
    json_object_set_new(item, "affirmation_due", json_boolean(due));
    json_object_set_new(item, "affirmation_overdue", json_boolean(overdue));
}
