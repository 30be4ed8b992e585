/* The analyst's views over the whole portfolio (docs/dashboard.md): the sectors the
 * contractor list filters on, the portfolio by month, and what changed since a date. One SQL
 * text for both databases (driver.h), every value a parameter. Nothing here decides who may
 * read them: the server's routes are the authority's alone. */
#include <stdio.h>
#include <string.h>

#include "mamori/store.h"
#include "store/driver.h"
#include "util/util.h"

/* the sector the list shows: the identifiers' "sector", "unknown" when none (web_sector_of) */
#define SECTOR_SQL "coalesce(nullif({JSON_TEXT:o.identifiers:sector}, ''), 'unknown')"

int mm_store_contractor_sectors(mm_store *s, json_t **out)
{
    *out = NULL;
    json_t *rows = NULL;
    int rc = mm_db_rows(s, &rows, NULL,
                        "SELECT DISTINCT " SECTOR_SQL " AS sector FROM organizations o"
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

/* Each contractor's latest submission received before $1, its status as of the day before
 * $1 the way the list reads it (orgs.c): "stale" when assessed before $2, a Rev 2
 * "conditional" received before $3 "conditional-expired"; counted by framework, status and
 * score. */
#define MONTH_SQL                                                                                  \
    "SELECT framework, cstatus, score, count(*) FROM ("                                            \
    "  SELECT s.framework, s.score,"                                                               \
    "    CASE WHEN coalesce(s.assessed, substr(s.received, 1, 10)) < $2 THEN 'stale'"              \
    "         WHEN s.framework = '800-171r2' AND s.status = 'conditional'"                         \
    "              AND substr(s.received, 1, 10) < $3 THEN 'conditional-expired'"                  \
    "         ELSE s.status END AS cstatus,"                                                       \
    "    row_number() OVER (PARTITION BY s.org_id ORDER BY s.received DESC, s.id DESC) AS rn"      \
    "  FROM submissions s JOIN organizations o ON o.id = s.org_id AND o.kind = 'contractor'"       \
    "  WHERE s.received < $1) x"                                                                   \
    " WHERE rn = 1 GROUP BY framework, cstatus, score ORDER BY framework, cstatus, score"

int mm_store_portfolio_trend(mm_store *s, json_t **out, const mm_trend_month *months, size_t n)
{
    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (!mm_is_date(months[i].before) || !mm_is_date(months[i].stale_before) ||
            !mm_is_date(months[i].expired_before)) {
            mm_error_set("portfolio trend: month %zu's dates are not YYYY-MM-DD", i + 1);
            return MM_EUSAGE;
        }
    json_t *all = json_array();
    if (!all)
        return mm_oom();
    bool own = !s->in_tx;
    int rc = own ? s->drv->begin(s->db, MM_TX_READ) : MM_OK;
    for (size_t i = 0; rc == MM_OK && i < n; i++) {
        const mm_param p[] = {P_TEXT(months[i].before), P_TEXT(months[i].stale_before),
                              P_TEXT(months[i].expired_before)};
        json_t *rows = NULL;
        rc = mm_db_rows(s, &rows, NULL, MONTH_SQL, NPARAMS(p), p);
        json_t *items = rc == MM_OK ? json_array() : NULL;
        size_t k;
        json_t *row;
        json_array_foreach(rows, k, row)
        {
            json_t *o =
                items ? json_pack("{s:o,s:o,s:o,s:I}", "framework", mm_cell_text(row, 0), "status",
                                  mm_cell_text(row, 1), "score", mm_cell_int(row, 2), "count",
                                  (json_int_t)mm_cell_i64(row, 3))
                      : NULL;
            if (!o || json_array_append_new(items, o)) {
                json_decref(items);
                items = NULL;
                break;
            }
        }
        json_decref(rows);
        if (rc == MM_OK && (!items || json_array_append_new(all, items)))
            rc = mm_oom();
    }
    if (own && rc == MM_OK)
        rc = s->drv->commit(s->db);
    else if (own)
        s->drv->rollback(s->db);
    if (rc) {
        json_decref(all);
        return rc;
    }
    *out = all;
    return MM_OK;
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
     * submission received in [expired_from, expired_before) */
    if (rc == MM_OK) {
        static const char *const ek[] = {"org_id", "org_name", "received", NULL};
        rc = mm_db_objects(s, &expired,
                           "SELECT o.id, o.name, o.latest_received FROM organizations o"
                           " WHERE o.kind = 'contractor' AND o.latest_framework = '800-171r2'"
                           "  AND o.latest_status = 'conditional'"
                           "  AND substr(o.latest_received, 1, 10) >= $1"
                           "  AND substr(o.latest_received, 1, 10) < $2"
                           " ORDER BY o.latest_received, o.id LIMIT $3",
                           NPARAMS(pe), pe, ek, "sss");
    }
    if (own && rc == MM_OK)
        rc = s->drv->commit(s->db);
    else if (own)
        s->drv->rollback(s->db);
    if (rc == MM_OK && !(*out = json_pack("{s:I,s:I,s:I,s:O,s:O}", "new_submissions",
                                          (json_int_t)mm_cell_i64(counts, 0), "status_changes",
                                          (json_int_t)mm_cell_i64(counts, 1), "organizations",
                                          (json_int_t)mm_cell_i64(counts, 2), "submissions", subs,
                                          "conditional_expired", expired)))
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
