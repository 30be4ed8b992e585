/* The analyst's views over the whole portfolio (docs/dashboard.md): the sectors the
 * contractor list filters on, the portfolio by month, and what changed since a date. One SQL
 * text for both databases (driver.h), every value a parameter. Nothing here decides who may
 * read them: the server's routes are the authority's alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/store.h"
#include "store/driver.h"
#include "util/util.h"

int mm_store_contractor_sectors(mm_store *s, json_t **out)
{
    *out = NULL;
    json_t *rows = NULL;
    int rc = mm_db_rows(s, &rows, NULL,
                        "SELECT DISTINCT " MM_SECTOR_SQL " AS sector FROM organizations o"
                        " WHERE o.kind = 'contractor' ORDER BY sector",
                        0, NULL);
    if (rc)
        return rc;
    json_t *a = json_array();
    for (size_t i = 0; a && i < json_array_size(rows); i++)
        if (json_array_append(a, json_array_get(json_array_get(rows, i), 0))) {
            json_decref(a);
            a = NULL;
        }
    json_decref(rows);
    if (!a)
        return mm_oom();
    *out = a;
    return MM_OK;
}

int mm_store_contractor_count(mm_store *s, int64_t *out)
{
    return mm_db_int(s, out, "SELECT count(*) FROM organizations WHERE kind = 'contractor'", 0,
                     NULL);
}

/* The portfolio trend in one pass over the contractors' submissions (ordered by organization
 * and time, the submissions_org index's order), each organization's few kept until the next
 * begins; then, for each month, its latest before the month's end is tallied by framework,
 * status as of that day, and score. One statement whatever the number of months: reading the
 * submissions once costs what a month's window over them cost. */
static const char *const trend_fws[] = {"800-171r2", "800-171r3"};
static const char *const trend_statuses[] = {
    "meets", "conditional", "conditional-expired", "not-met", "no-valid-score", "stale", "unknown"};
#define TREND_NFW       2
#define TREND_NST       7
#define TREND_SCORE_MIN (-400) /* SPRS goes down to -203 */
#define TREND_SCORES    801    /* -400..400 */

typedef struct trend_sub {
    char received[32], day[11];
    int fw, st; /* indices of trend_fws, trend_statuses */
    bool scored;
    int score;
} trend_sub;

typedef struct trend_acc {
    const mm_trend_month *m;
    size_t n;
    char org[80];
    trend_sub *subs;
    size_t nsubs, cap;
    long *counts; /* [month][fw][status] */
    long *hist;   /* [month][fw][score - TREND_SCORE_MIN] */
} trend_acc;

static int index_of(const char *v, const char *const *list, int n, int none)
{
    for (int i = 0; v && i < n; i++)
        if (strcmp(v, list[i]) == 0)
            return i;
    return none;
}

/* The organization's submissions kept so far, tallied for each month; then forgotten. */
static void trend_flush(trend_acc *a)
{
    for (size_t mo = 0; mo < a->n && a->nsubs; mo++) {
        const trend_sub *t = NULL;
        for (size_t k = a->nsubs; k-- > 0;) /* the latest received before the month's end */
            if (strncmp(a->subs[k].received, a->m[mo].before, 10) < 0) {
                t = &a->subs[k];
                break;
            }
        if (!t || t->fw < 0)
            continue;
        int st = t->st;
        if (strcmp(t->day, a->m[mo].stale_before) < 0)
            st = 5; /* stale */
        else if (t->fw == 0 && st == 1 && strncmp(t->received, a->m[mo].expired_before, 10) < 0)
            st = 2; /* conditional-expired */
        a->counts[(mo * TREND_NFW + (size_t)t->fw) * TREND_NST + (size_t)st]++;
        if (t->scored && t->score >= TREND_SCORE_MIN && t->score < TREND_SCORE_MIN + TREND_SCORES)
            a->hist[(mo * TREND_NFW + (size_t)t->fw) * TREND_SCORES +
                    (size_t)(t->score - TREND_SCORE_MIN)]++;
    }
    a->nsubs = 0;
}

/* A row: org_id, received, framework, status, score, assessed (or the received day). */
static int trend_row(void *ctx, int n, const char *const *v, const size_t *len)
{
    (void)len;
    trend_acc *a = ctx;
    if (n < 6 || !v[0] || !v[1])
        return MM_OK;
    if (strcmp(a->org, v[0]) != 0) {
        trend_flush(a);
        snprintf(a->org, sizeof a->org, "%s", v[0]);
    }
    if (a->nsubs == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        trend_sub *t = realloc(a->subs, cap * sizeof *t);
        if (!t)
            return mm_oom();
        a->subs = t;
        a->cap = cap;
    }
    trend_sub *t = &a->subs[a->nsubs++];
    snprintf(t->received, sizeof t->received, "%s", v[1]);
    snprintf(t->day, sizeof t->day, "%s", v[5] ? v[5] : v[1]);
    t->fw = index_of(v[2], trend_fws, TREND_NFW, -1);
    t->st = index_of(v[3], trend_statuses, TREND_NST - 1, TREND_NST - 1);
    t->scored = v[4] != NULL;
    t->score = v[4] ? atoi(v[4]) : 0;
    return MM_OK;
}

/* month mo as {framework: {"contractors", "statuses": {status: n}, "scores": [[score, n]]}} */
static json_t *trend_month(const trend_acc *a, size_t mo)
{
    json_t *o = json_object();
    for (size_t f = 0; o && f < TREND_NFW; f++) {
        json_t *sts = json_object(), *scores = json_array();
        long total = 0;
        for (size_t k = 0; sts && k < TREND_NST; k++) {
            long c = a->counts[(mo * TREND_NFW + f) * TREND_NST + k];
            total += c;
            if (c && json_object_set_new(sts, trend_statuses[k], json_integer(c)))
                break;
        }
        for (size_t k = 0; scores && k < TREND_SCORES; k++) {
            long c = a->hist[(mo * TREND_NFW + f) * TREND_SCORES + k];
            if (c && json_array_append_new(
                         scores, json_pack("[i,I]", (int)k + TREND_SCORE_MIN, (json_int_t)c)))
                break;
        }
        json_t *fw = sts && scores ? json_pack("{s:I,s:O,s:O}", "contractors", (json_int_t)total,
                                               "statuses", sts, "scores", scores)
                                   : NULL;
        json_decref(sts);
        json_decref(scores);
        if (!fw || json_object_set_new(o, trend_fws[f], fw)) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

int mm_store_portfolio_trend(mm_store *s, json_t **out, const mm_trend_month *months, size_t n)
{
    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (!mm_is_date(months[i].before) || !mm_is_date(months[i].stale_before) ||
            !mm_is_date(months[i].expired_before) ||
            (i > 0 && strcmp(months[i - 1].before, months[i].before) > 0)) {
            mm_error_set("portfolio trend: month %zu's dates are not YYYY-MM-DD in order", i + 1);
            return MM_EUSAGE;
        }
    if (n == 0) {
        *out = json_array();
        return *out ? MM_OK : mm_oom();
    }
    trend_acc a = {.m = months, .n = n};
    a.counts = calloc(n * TREND_NFW * TREND_NST, sizeof *a.counts);
    a.hist = calloc(n * TREND_NFW * TREND_SCORES, sizeof *a.hist);
    int rc = a.counts && a.hist ? MM_OK : mm_oom();
    const mm_param p[] = {P_TEXT(months[n - 1].before)};
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "SELECT s.org_id, s.received, s.framework, s.status, s.score,"
                        " coalesce(s.assessed, substr(s.received, 1, 10))"
                        " FROM submissions s JOIN organizations o ON o.id = s.org_id"
                        "  AND o.kind = 'contractor'"
                        " WHERE s.received < $1 ORDER BY s.org_id, s.received, s.id",
                        NPARAMS(p), p, trend_row, &a, NULL);
    if (rc == MM_OK)
        trend_flush(&a);
    json_t *all = rc == MM_OK ? json_array() : NULL;
    for (size_t mo = 0; all && mo < n; mo++) {
        json_t *m = trend_month(&a, mo);
        if (!m || json_array_append_new(all, m)) {
            json_decref(all);
            all = NULL;
        }
    }
    if (rc == MM_OK && !all)
        rc = mm_oom();
    free(a.subs);
    free(a.counts);
    free(a.hist);
    if (rc == MM_OK)
        *out = all;
    return rc;
}

/* The submissions received since $1 with the status and score of the organization's
 * submission before each (lag over the organizations that have one since $1). */
#define CHANGES_CTE                                                                                \
    "WITH x AS (SELECT s.id, s.org_id, s.received, s.framework, s.status, s.score,"                \
    "    lag(s.status) OVER (PARTITION BY s.org_id ORDER BY s.received, s.id) AS prev_status,"     \
    "    lag(s.score) OVER (PARTITION BY s.org_id ORDER BY s.received, s.id) AS prev_score,"       \
    "    lag(s.framework) OVER (PARTITION BY s.org_id ORDER BY s.received, s.id) AS prev_fw"       \
    "  FROM submissions s JOIN organizations o ON o.id = s.org_id AND o.kind = 'contractor'"       \
    "  WHERE s.org_id IN (SELECT org_id FROM submissions WHERE received >= $1)),"                  \
    " y AS (SELECT * FROM x WHERE received >= $1 AND CAST($2 AS {INT64}) IS NOT NULL"              \
    "  AND CAST($3 AS {INT64}) IS NOT NULL)"
static const char *const change_keys[] = {"id",         "org_id",         "org_name", "received",
                                          "framework",  "status",         "score",    "prev_status",
                                          "prev_score", "prev_framework", NULL};

int mm_store_changes_since(mm_store *s, json_t **out, const char *since, const char *expired_from,
                           const char *expired_before, int64_t limit)
{
    *out = NULL;
    if (!mm_is_date(since) || !mm_is_date(expired_from) || !mm_is_date(expired_before)) {
        mm_error_set("changes since: the dates are not YYYY-MM-DD");
        return MM_EUSAGE;
    }
    if (limit < 1 || limit > 1000) {
        mm_error_set("changes since: limit %lld is not 1..1000", (long long)limit);
        return MM_EUSAGE;
    }
    const mm_param p[] = {P_TEXT(since), P_INT(limit), P_INT(0)};
    const mm_param pe[] = {P_TEXT(expired_from), P_TEXT(expired_before), P_INT(limit)};
    json_t *counts = NULL, *subs = NULL, *expired = NULL;
    bool own = !s->in_tx;
    int rc = own ? s->drv->begin(s->db, MM_TX_READ) : MM_OK;
    if (rc == MM_OK)
        rc =
            mm_db_row(s, &counts, "no counts",
                      CHANGES_CTE " SELECT count(*), coalesce(sum(CASE WHEN prev_status IS NOT NULL"
                                  " AND prev_status <> status THEN 1 ELSE 0 END), 0),"
                                  " count(DISTINCT org_id) FROM y",
                      NPARAMS(p), p);
    if (rc == MM_OK)
        rc = mm_db_objects(s, &subs,
                           CHANGES_CTE " SELECT y.id, y.org_id, o.name, y.received, y.framework,"
                                       " y.status, y.score, y.prev_status, y.prev_score, y.prev_fw"
                                       " FROM y JOIN organizations o ON o.id = y.org_id"
                                       " ORDER BY y.received DESC, y.id LIMIT $2 OFFSET $3",
                           NPARAMS(p), p, change_keys, "ssssssisis");
        /* Rev 2 conditional statuses whose 180 days ran out in [since, today): the latest
         * submission received in [expired_from, expired_before); their count, and the first */
#define EXPIRED_FROM                                                                               \
    " FROM organizations o"                                                                        \
    " WHERE o.kind = 'contractor' AND o.latest_framework = '800-171r2'"                            \
    "  AND o.latest_status = 'conditional'"                                                        \
    "  AND substr(o.latest_received, 1, 10) >= $1"                                                 \
    "  AND substr(o.latest_received, 1, 10) < $2"
    int64_t nexpired = 0;
    if (rc == MM_OK)
        rc = mm_db_int(s, &nexpired,
                       "SELECT count(*)" EXPIRED_FROM " AND CAST($3 AS {INT64}) IS NOT NULL",
                       NPARAMS(pe), pe);
    if (rc == MM_OK) {
        static const char *const ek[] = {"org_id", "org_name", "received", NULL};
        rc = mm_db_objects(s, &expired,
                           "SELECT o.id, o.name, o.latest_received" EXPIRED_FROM
                           " ORDER BY o.latest_received, o.id LIMIT $3",
                           NPARAMS(pe), pe, ek, "sss");
    }
    if (own && rc == MM_OK)
        rc = s->drv->commit(s->db);
    else if (own)
        s->drv->rollback(s->db);
    if (rc == MM_OK && !(*out = json_pack("{s:I,s:I,s:I,s:I,s:O,s:O}", "new_submissions",
                                          (json_int_t)mm_cell_i64(counts, 0), "status_changes",
                                          (json_int_t)mm_cell_i64(counts, 1), "organizations",
                                          (json_int_t)mm_cell_i64(counts, 2),
                                          "conditional_expired_total", (json_int_t)nexpired,
                                          "submissions", subs, "conditional_expired", expired)))
        rc = mm_oom();
    json_decref(counts);
    json_decref(subs);
    json_decref(expired);
    return rc;
}

/* the open milestones past due of the contractors' latest submissions (as
 * mm_store_overdue_milestones reads them) */
#define OVERDUE_FROM                                                                               \
    " FROM organizations o"                                                                        \
    " JOIN submission_milestones m ON m.submission_id = o.latest_submission"                       \
    " WHERE o.kind = 'contractor' AND m.due < $1 AND m.status <> 'completed'"

int mm_store_overdue_counts(mm_store *s, json_t **out, const char *today, const char *const ages[3],
                            int64_t top)
{
    *out = NULL;
    if (!mm_is_date(today) || !mm_is_date(ages[0]) || !mm_is_date(ages[1]) ||
        !mm_is_date(ages[2])) {
        mm_error_set("overdue counts: the dates are not YYYY-MM-DD");
        return MM_EUSAGE;
    }
    if (top < 1 || top > 100) {
        mm_error_set("overdue counts: top %lld is not 1..100", (long long)top);
        return MM_EUSAGE;
    }
    const mm_param p[] = {P_TEXT(today), P_TEXT(ages[0]), P_TEXT(ages[1]), P_TEXT(ages[2]),
                          P_INT(top)};
    json_t *row = NULL, *reqs = NULL;
    bool own = !s->in_tx;
    int rc = own ? s->drv->begin(s->db, MM_TX_READ) : MM_OK;
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, "no counts",
                       "SELECT count(*), count(DISTINCT o.id),"
                       " coalesce(sum(CASE WHEN m.due >= $2 THEN 1 ELSE 0 END), 0),"
                       " coalesce(sum(CASE WHEN m.due < $2 AND m.due >= $3 THEN 1 ELSE 0 END), 0),"
                       " coalesce(sum(CASE WHEN m.due < $3 AND m.due >= $4 THEN 1 ELSE 0 END), 0),"
                       " coalesce(sum(CASE WHEN m.due < $4 THEN 1 ELSE 0 END), 0)" OVERDUE_FROM
                       " AND CAST($5 AS {INT64}) IS NOT NULL",
                       NPARAMS(p), p);
    if (rc == MM_OK) {
        static const char *const keys[] = {"framework", "requirement", "milestones", "contractors",
                                           NULL};
        rc = mm_db_objects(s, &reqs,
                           "SELECT o.latest_framework, m.requirement, count(*),"
                           " count(DISTINCT o.id)" OVERDUE_FROM
                           " AND $2 IS NOT NULL AND $3 IS NOT NULL AND $4 IS NOT NULL"
                           " GROUP BY o.latest_framework, m.requirement"
                           " ORDER BY count(*) DESC, o.latest_framework, m.requirement LIMIT $5",
                           NPARAMS(p), p, keys, "ssii");
    }
    if (own && rc == MM_OK)
        rc = s->drv->commit(s->db);
    else if (own)
        s->drv->rollback(s->db);
    if (rc == MM_OK &&
        !(*out =
              json_pack("{s:I,s:I,s:[I,I,I,I],s:O}", "milestones", (json_int_t)mm_cell_i64(row, 0),
                        "contractors", (json_int_t)mm_cell_i64(row, 1), "by_age",
                        (json_int_t)mm_cell_i64(row, 2), (json_int_t)mm_cell_i64(row, 3),
                        (json_int_t)mm_cell_i64(row, 4), (json_int_t)mm_cell_i64(row, 5),
                        "requirements", reqs)))
        rc = mm_oom();
    json_decref(row);
    json_decref(reqs);
    return rc;
}
