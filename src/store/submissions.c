/* Submissions: a verified signed assessment with its gaps and milestones, the
 * organization's latest, and the authority's views over every contractor's latest. */
#include <stdio.h>
#include <string.h>

#include "mamori/store.h"
#include "mamori/supply.h"
#include "store/driver.h"
#include "util/util.h"

#define ONE_OF(s, list) mm_one_of((s), (list), sizeof(list) / sizeof((list)[0]))

static const char *const sub_statuses[] = {"meets", "conditional", "not-met", "no-valid-score"};
static const char *const frameworks[] = {"800-171r3", "800-171r2"};
static const char *const gap_statuses[] = {"not-met", "partial", "not-assessed"};
static const char *const milestone_statuses[] = {"planned", "in-progress", "completed"};

int mm_signed_rec_check(const char *prefix, const mm_field *required, size_t nrequired,
                        const mm_field *dates, size_t ndates, const char *body_hash,
                        int64_t key_row)
{
    for (size_t i = 0; i < nrequired; i++)
        if (!mm_nonempty(required[i].value)) {
            mm_error_set("%s: %s is required", prefix, required[i].name);
            return MM_EINVALID;
        }
    for (size_t i = 0; i < ndates; i++)
        if (!mm_is_date(dates[i].value)) {
            mm_error_set("%s: %s '%s' is not YYYY-MM-DD", prefix, dates[i].name,
                         dates[i].value ? dates[i].value : "");
            return MM_EINVALID;
        }
    if (!mm_is_hex(body_hash, 64)) {
        mm_error_set("%s: body_hash is not 64 lowercase hex digits", prefix);
        return MM_EINVALID;
    }
    if (key_row <= 0) {
        mm_error_set("%s: no signing key row", prefix);
        return MM_EINVALID;
    }
    return MM_OK;
}

int mm_signed_refs_check(const mm_signed_refs *w, const json_t *row)
{
    int rc;
    if (!mm_cell(row, 0)) {
        mm_error_set("%s: no organization '%s'", w->prefix, w->org_id);
        return MM_ENOTFOUND;
    }
    if (w->after_org && (rc = w->after_org(row, w->ctx)) != MM_OK)
        return rc;
    if (w->key_named && !mm_cell(row, 1)) {
        mm_error_set("%s: no signing key %lld", w->prefix, (long long)w->key_row);
        return MM_ENOTFOUND;
    }
    if (!mm_streq(mm_cell(row, 2), w->org_id)) {
        mm_error_set("%s: signing key %lld is not %s's", w->prefix, (long long)w->key_row,
                     w->org_id);
        return MM_EINVALID;
    }
    if (mm_cell_i64(row, 3) > 0) {
        mm_error_set("%s already received (same content hash)", w->kind);
        return MM_ECONFLICT;
    }
    return MM_OK;
}

/* "submission ID" (or "(no id)"), the start of a submission's messages */
static void sub_prefix(char *out, size_t size, const mm_submission_rec *r)
{
    snprintf(out, size, "submission %s", mm_nonempty(r->id) ? r->id : "(no id)");
}

static int check_submission(const mm_submission_rec *r)
{
    const char *id = mm_nonempty(r->id) ? r->id : "(no id)";
    char prefix[320];
    sub_prefix(prefix, sizeof prefix, r);
    const mm_field required[] = {{r->id, "id"},
                                 {r->org_id, "org_id"},
                                 {r->received, "received"},
                                 {r->body, "body"},
                                 {r->signature, "signature"},
                                 {r->affirmed_by, "affirmed_by"},
                                 {r->affirmed_on, "affirmed_on"}};
    int rc =
        mm_signed_rec_check(prefix, required, NPARAMS(required), NULL, 0, r->body_hash, r->key_row);
    if (rc)
        return rc;
    if (!ONE_OF(r->framework, frameworks)) {
        mm_error_set("submission %s: unknown framework '%s'", id, r->framework ? r->framework : "");
        return MM_EINVALID;
    }
    if (!ONE_OF(r->status, sub_statuses)) {
        mm_error_set("submission %s: unknown status '%s'", id, r->status ? r->status : "");
        return MM_EINVALID;
    }
    if (mm_nonempty(r->assessed) && !mm_is_date(r->assessed)) {
        mm_error_set("submission %s: assessed '%s' is not YYYY-MM-DD", id, r->assessed);
        return MM_EINVALID;
    }
    if (r->summary && !mm_json_object_text(r->summary)) {
        mm_error_set("submission %s: summary must be a JSON object", id);
        return MM_EINVALID;
    }
    if ((r->ngaps && !r->gaps) || (r->nmilestones && !r->milestones)) {
        mm_error_set("submission %s: gap or milestone count without an array", id);
        return MM_EUSAGE;
    }
    for (size_t i = 0; i < r->ngaps; i++)
        if (!mm_nonempty(r->gaps[i].requirement) || !ONE_OF(r->gaps[i].status, gap_statuses)) {
            mm_error_set("submission %s: gap %zu needs a requirement and a status of not-met, "
                         "partial or not-assessed",
                         id, i + 1);
            return MM_EINVALID;
        }
    for (size_t i = 0; i < r->nmilestones; i++) {
        const mm_milestone_rec *m = &r->milestones[i];
        if (!mm_nonempty(m->requirement) || !mm_is_date(m->due) ||
            !ONE_OF(m->status, milestone_statuses)) {
            mm_error_set("submission %s: milestone %zu needs a requirement, a due date "
                         "(YYYY-MM-DD) and a status of planned, in-progress or completed",
                         id, i + 1);
            return MM_EINVALID;
        }
    }
    return MM_OK;
}

/* Gaps and milestones go in as multi-row INSERTs of at most GAPS_PER / MILESTONES_PER rows
 * (one round trip each; the submission id is $1 of every row). The statement's text depends
 * only on its row count, so the drivers' prepared statements are reused. */
#define GAPS_PER       40 /* 1 + 2 x 40 parameters */
#define MILESTONES_PER 20 /* 1 + 5 x 20 */

/* "INSERT INTO head VALUES ($1, $k...), ..." for rows rows of per parameters each */
static void multi_insert_sql(char *sql, size_t size, const char *head, size_t rows, int per)
{
    size_t len = (size_t)snprintf(sql, size, "%s VALUES ", head);
    int k = 2;
    for (size_t i = 0; i < rows && len < size; i++) {
        len += (size_t)snprintf(sql + len, size - len, "%s($1", i ? ", " : "");
        for (int j = 0; j < per && len < size; j++)
            len += (size_t)snprintf(sql + len, size - len, ", $%d", k++);
        if (len < size)
            len += (size_t)snprintf(sql + len, size - len, ")");
    }
}

static int insert_gaps(mm_store *s, const mm_submission_rec *r)
{
    int rc = MM_OK;
    for (size_t at = 0; rc == MM_OK && at < r->ngaps; at += GAPS_PER) {
        size_t rows = r->ngaps - at < GAPS_PER ? r->ngaps - at : GAPS_PER;
        mm_param p[1 + 2 * GAPS_PER];
        int n = 0;
        p[n++] = P_TEXT(r->id);
        for (size_t i = at; i < at + rows; i++) {
            p[n++] = P_TEXT(r->gaps[i].requirement);
            p[n++] = P_TEXT(r->gaps[i].status);
        }
        char sql[64 + GAPS_PER * 24];
        multi_insert_sql(sql, sizeof sql,
                         "INSERT INTO submission_gaps (submission_id, requirement, status)", rows,
                         2);
        rc = mm_db_rows(s, NULL, NULL, sql, n, p);
    }
    return rc;
}

static int insert_milestones(mm_store *s, const mm_submission_rec *r)
{
    int rc = MM_OK;
    for (size_t at = 0; rc == MM_OK && at < r->nmilestones; at += MILESTONES_PER) {
        size_t rows = r->nmilestones - at < MILESTONES_PER ? r->nmilestones - at : MILESTONES_PER;
        mm_param p[1 + 5 * MILESTONES_PER];
        int n = 0;
        p[n++] = P_TEXT(r->id);
        for (size_t i = at; i < at + rows; i++) {
            const mm_milestone_rec *m = &r->milestones[i];
            p[n++] = P_TEXT(m->requirement);
            p[n++] = P_TEXT(m->poam_id ? m->poam_id : "");
            p[n++] = P_TEXT(m->description ? m->description : "");
            p[n++] = P_TEXT(m->due);
            p[n++] = P_TEXT(m->status);
        }
        char sql[128 + MILESTONES_PER * 48];
        multi_insert_sql(sql, sizeof sql,
                         "INSERT INTO submission_milestones (submission_id, requirement, poam_id,"
                         " description, due, status)",
                         rows, 5);
        rc = mm_db_rows(s, NULL, NULL, sql, n, p);
    }
    return rc;
}

/* The status date of a submission: its assessed date, or the day it was received. */
static void status_date(char own[11], const mm_submission_rec *r)
{
    snprintf(own, 11, "%s", mm_nonempty(r->assessed) ? r->assessed : r->received);
}

/* The newest assessment is the organization's latest; on the same date, the newer
 * submission; its list columns are copied onto the organization's row (migration 9). The
 * date is compared in the UPDATE: under mm_store_begin_late two submissions of one
 * organization may get here at once, and PostgreSQL re-reads the row for the WHERE once the
 * first has committed, so the later-dated one wins whatever the order. */
static int update_latest(mm_store *s, const mm_submission_rec *r, const char *seen_id,
                         bool *updated)
{
    char own[11];
    status_date(own, r);
    const mm_param lp[] = {P_TEXT(r->id),
                           P_TEXT(r->org_id),
                           P_TEXT(r->received),
                           P_TEXT(r->framework),
                           r->has_score ? P_INT(r->score) : P_NULL,
                           P_TEXT(r->status),
                           P_TEXT(mm_nonempty(r->assessed) ? r->assessed : NULL),
                           P_TEXT(r->affirmed_by),
                           P_TEXT(own),
                           P_TEXT(seen_id ? seen_id : "")};
    /* under mm_store_begin_late: the audit lock first, so that the organization's row is
     * locked only by the one writer that holds it (another instance's transaction would
     * otherwise wait for this row, lock-free, while this one waits for the audit lock) */
    int rc = s->in_tx && s->drv->lock ? s->drv->lock(s->db) : MM_OK;
    int64_t changed = 0;
#define LATEST_UPDATE                                                                              \
    "UPDATE organizations SET latest_submission = $1, latest_received = $3,"                       \
    " latest_framework = $4, latest_score = $5, latest_status = $6,"                               \
    " latest_assessed = $7, latest_affirmed_by = $8 WHERE id = $2"                                 \
    " AND coalesce(coalesce(latest_assessed, substr(latest_received, 1, 10)), '') <= $9"
    /* seen_id: only while the latest is still the one seen (its status then is the one seen:
     * this statement is the only one that sets them, all together) */
    if (rc == MM_OK)
        rc = mm_db_rows(s, NULL, &changed,
                        seen_id ? LATEST_UPDATE " AND coalesce(latest_submission, '') = $10"
                                : LATEST_UPDATE " AND $10 IS NOT NULL",
                        NPARAMS(lp), lp);
#undef LATEST_UPDATE
    if (updated)
        *updated = rc == MM_OK && changed > 0;
    return rc;
}

/* The checks, the rows, and (set_latest) the organization's latest (under the write lock, or,
 * begun with mm_store_begin_late, before it). */
static int insert_rows(mm_store *s, const mm_submission_rec *r, bool set_latest)
{
    json_t *rows = NULL;
    /* does the organization exist, the key row and its owner, whether the organization sent
     * the content before, and the status date of its latest (the assessed date, or the day it
     * was received when the assessment has none) */
    const mm_param cp[] = {P_TEXT(r->org_id), P_INT(r->key_row), P_TEXT(r->body_hash)};
    int rc = mm_db_rows(s, &rows, NULL,
                        "SELECT o.id, k.id, k.org_id, (SELECT count(*) FROM submissions"
                        " WHERE org_id = $1 AND body_hash = $3),"
                        " coalesce(o.latest_assessed, substr(o.latest_received, 1, 10))"
                        " FROM (SELECT 1 AS one) one"
                        " LEFT JOIN organizations o ON o.id = $1"
                        " LEFT JOIN signing_keys k ON k.id = $2",
                        NPARAMS(cp), cp);
    const json_t *row = json_array_get(rows, 0);
    const char *latest = mm_cell(row, 4);
    char own[11], prefix[320];
    status_date(own, r);
    sub_prefix(prefix, sizeof prefix, r);
    bool newest = !latest || strcmp(latest, own) <= 0;
    const mm_signed_refs refs = {.prefix = prefix,
                                 .kind = "submission",
                                 .org_id = r->org_id,
                                 .key_row = r->key_row,
                                 .key_named = true};
    if (rc == MM_OK)
        rc = mm_signed_refs_check(&refs, row);
    json_decref(rows);
    const mm_param ip[] = {P_TEXT(r->id),
                           P_TEXT(r->org_id),
                           P_INT(r->key_row),
                           P_TEXT(r->received),
                           P_TEXT(r->body),
                           P_TEXT(r->body_hash),
                           P_TEXT(r->signature),
                           P_TEXT(r->framework),
                           r->has_score ? P_INT(r->score) : P_NULL,
                           P_TEXT(r->status),
                           P_TEXT(mm_nonempty(r->assessed) ? r->assessed : NULL),
                           P_TEXT(r->affirmed_by),
                           P_TEXT(r->affirmed_on),
                           P_TEXT(r->summary ? r->summary : "{}")};
    if (rc == MM_OK &&
        (rc = mm_db_rows(s, NULL, NULL,
                         "INSERT INTO submissions (id, org_id, key_id, received, body, body_hash,"
                         " signature, framework, score, status, assessed, affirmed_by,"
                         " affirmed_on, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
                         " $11, $12, $13, $14)",
                         NPARAMS(ip), ip)) == MM_ECONFLICT)
        mm_error_set("submission %s: the id is taken", r->id);
    if (rc == MM_OK)
        rc = insert_gaps(s, r);
    if (rc == MM_OK)
        rc = insert_milestones(s, r);
    if (rc == MM_OK && set_latest && newest)
        rc = update_latest(s, r, NULL, NULL);
    return rc;
}

int mm_store_insert_submission(mm_store *s, const mm_submission_rec *rec)
{
    int rc = check_submission(rec);
    if (rc == MM_OK)
        rc = mm_db_tx_begin(s);
    return rc ? rc : mm_db_tx_end(s, insert_rows(s, rec, true));
}

int mm_store_insert_submission_rows(mm_store *s, const mm_submission_rec *rec)
{
    int rc = check_submission(rec);
    if (rc == MM_OK)
        rc = mm_db_tx_begin(s);
    return rc ? rc : mm_db_tx_end(s, insert_rows(s, rec, false));
}

int mm_store_submission_latest(mm_store *s, const mm_submission_rec *rec, char before[32],
                               char after[32])
{
    before[0] = after[0] = '\0';
    if (!s->in_tx) {
        mm_error_set("submission %s: its latest is set inside mm_store_begin", rec->id);
        return MM_EUSAGE;
    }
    /* no savepoint of its own (mm_db_exec's for a write inside a transaction: two round
     * trips more on PostgreSQL, under the write lock): a failure fails the caller's whole
     * transaction, which the group commit rolls back */
    s->depth++;
    bool updated = false;
    int rc = mm_store_latest_status(s, rec->org_id, before);
    if (rc == MM_OK)
        rc = update_latest(s, rec, NULL, &updated);
    s->depth--;
    /* under the write lock nobody else changes the row: unchanged, the status is before's */
    if (rc == MM_OK)
        snprintf(after, 32, "%s", updated ? rec->status : before);
    return rc;
}

int mm_store_latest_seen(mm_store *s, const char *org_id, mm_latest_seen *out)
{
    *out = (mm_latest_seen){0};
    if (!s->drv->lock)
        return MM_OK; /* SQLite: the write lock is taken at BEGIN, nothing to gain */
    json_t *row = NULL;
    const mm_param p[] = {P_TEXT(org_id)};
    int rc = mm_db_row(s, &row, "no such organization",
                       "SELECT coalesce(latest_submission, ''), coalesce(latest_status, '')"
                       " FROM organizations WHERE id = $1",
                       1, p);
    if (rc == MM_OK) {
        mm_cell_copy(out->id, sizeof out->id, row, 0);
        mm_cell_copy(out->status, sizeof out->status, row, 1);
        out->ok = strlen(mm_cell(row, 0) ? mm_cell(row, 0) : "") < sizeof out->id;
    }
    json_decref(row);
    return rc;
}

int mm_store_submission_latest_seen(mm_store *s, const mm_submission_rec *rec,
                                    const mm_latest_seen *seen, char before[32], char after[32])
{
    if (!seen || !seen->ok || !s->in_tx)
        return mm_store_submission_latest(s, rec, before, after);
    before[0] = after[0] = '\0';
    s->depth++; /* no savepoint: as mm_store_submission_latest */
    bool updated = false;
    int rc = update_latest(s, rec, seen->id, &updated);
    s->depth--;
    if (rc == MM_OK && updated) {
        snprintf(before, 32, "%s", seen->status);
        snprintf(after, 32, "%s", rec->status ? rec->status : "");
        return MM_OK;
    }
    return rc ? rc : mm_store_submission_latest(s, rec, before, after);
}

#define SUB_COLS                                                                                   \
    "s.id, s.org_id, s.received, s.body_hash, s.framework, s.score, s.status, s.assessed,"         \
    " s.affirmed_by, s.affirmed_on, k.key_id"

static const char *const sub_keys[] = {"id",          "org_id",      "received", "body_hash",
                                       "framework",   "score",       "status",   "assessed",
                                       "affirmed_by", "affirmed_on", "key_id",   NULL};
#define SUB_TYPES "sssssisssss"

int mm_store_get_submission(mm_store *s, json_t **out, const char *id, bool with_body)
{
    *out = NULL;
    char notfound[160];
    snprintf(notfound, sizeof(notfound), "no submission '%s'", id ? id : "");
    json_t *row = NULL;
    const mm_param p[] = {P_TEXT(id), P_BOOL(with_body)};
    int rc = mm_need(id, "submission id");
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, notfound,
                       "SELECT " SUB_COLS ", s.summary, CASE WHEN $2 THEN s.body END"
                       " FROM submissions s LEFT JOIN signing_keys k ON k.id = s.key_id"
                       " WHERE s.id = $1",
                       2, p);
    bool ok = rc == MM_OK && (*out = mm_row_object(row, 0, sub_keys, SUB_TYPES));
    if (ok)
        mm_put(*out, "summary", mm_cell_json(row, 11, true), &ok);
    if (ok && with_body)
        mm_put(*out, "body", mm_cell_text(row, 12), &ok);
    json_decref(row);
    if (rc == MM_OK && !ok) {
        json_decref(*out);
        *out = NULL;
        rc = mm_oom();
    }
    return rc;
}

int mm_store_find_submission(mm_store *s, char id_out[37], const char *org_id,
                             const char *body_hash)
{
    id_out[0] = '\0';
    json_t *row = NULL;
    const mm_param p[] = {P_TEXT(org_id), P_TEXT(body_hash)};
    int rc = mm_need(org_id, "submission: organization id");
    if (rc == MM_OK)
        rc = mm_need(body_hash, "submission: body_hash");
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, "no submission with that content hash",
                       "SELECT id FROM submissions WHERE org_id = $1 AND body_hash = $2", 2, p);
    if (rc == MM_OK)
        snprintf(id_out, 37, "%s", mm_cell(row, 0) ? mm_cell(row, 0) : "");
    json_decref(row);
    return rc;
}

static json_t *submission_item(const json_t *row)
{
    return mm_row_object(row, 1, sub_keys, SUB_TYPES);
}

int mm_store_list_submissions(mm_store *s, json_t **out, const char *org_id, int64_t offset,
                              int64_t limit)
{
    return mm_db_org_page(s, out, "submission list", org_id, offset, limit,
                          "SELECT t.total, p.* FROM"
                          " (SELECT count(*) AS total FROM submissions WHERE org_id = $1) t"
                          " LEFT JOIN (SELECT " SUB_COLS " FROM submissions s"
                          "   LEFT JOIN signing_keys k ON k.id = s.key_id WHERE s.org_id = $1"
                          "   ORDER BY s.received DESC, s.id LIMIT $2 OFFSET $3) p ON true"
                          " ORDER BY p.received DESC, p.id",
                          submission_item);
}

int mm_store_failure_counts(mm_store *s, json_t **out, int64_t limit)
{
    static const char *const keys[] = {"requirement",  "framework",   "not_met",  "partial",
                                       "not_assessed", "contractors", "assessed", NULL};
    const mm_param p[] = {P_INT(limit)};
    *out = NULL;
    int rc = mm_check_page("failure counts", 0, limit);
    /* ranked by the share of the framework's contractors that have the gap: raw counts
     * would put every requirement of the larger framework first */
    return rc ? rc
              : mm_db_objects(s, out,
                              "SELECT g.requirement, o.latest_framework,"
                              "  sum(CASE WHEN g.status = 'not-met' THEN 1 ELSE 0 END),"
                              "  sum(CASE WHEN g.status = 'partial' THEN 1 ELSE 0 END),"
                              "  sum(CASE WHEN g.status = 'not-assessed' THEN 1 ELSE 0 END),"
                              "  count(DISTINCT o.id) AS contractors, n.assessed"
                              " FROM organizations o"
                              " JOIN submission_gaps g ON g.submission_id = o.latest_submission"
                              " JOIN (SELECT latest_framework AS fw, count(*) AS assessed"
                              "   FROM organizations WHERE kind = 'contractor'"
                              "   AND latest_submission IS NOT NULL"
                              "   GROUP BY latest_framework) n ON n.fw = o.latest_framework"
                              " WHERE o.kind = 'contractor'"
                              " GROUP BY g.requirement, o.latest_framework, n.assessed"
                              " ORDER BY count(DISTINCT o.id) * 1.0 / n.assessed DESC,"
                              "  count(DISTINCT o.id) DESC, g.requirement, o.latest_framework"
                              " LIMIT $1",
                              1, p, keys, "ssiiiii");
}

static json_t *milestone_item(const json_t *row)
{
    static const char *const keys[] = {"org_id",      "org_name", "submission_id",
                                       "requirement", "poam_id",  "description",
                                       "due",         "status",   NULL};
    return mm_row_object(row, 1, keys, "ssssssss");
}

#define OVERDUE_FROM                                                                               \
    " FROM organizations o"                                                                        \
    " JOIN submission_milestones m ON m.submission_id = o.latest_submission"                       \
    " WHERE o.kind = 'contractor' AND m.due < $1 AND m.status <> 'completed'"

int mm_store_overdue_milestones(mm_store *s, json_t **out, const char *today, int64_t offset,
                                int64_t limit)
{
    *out = NULL;
    if (!mm_is_date(today)) {
        mm_error_set("overdue milestones: today '%s' is not YYYY-MM-DD", today ? today : "");
        return MM_EUSAGE;
    }
    json_t *rows = NULL;
    const mm_param p[] = {P_TEXT(today), P_INT(limit), P_INT(offset)};
    int rc = mm_check_page("overdue milestones", offset, limit);
    if (rc == MM_OK)
        rc = mm_db_rows(
            s, &rows, NULL,
            "SELECT t.total, p.* FROM (SELECT count(*) AS total" OVERDUE_FROM ") t"
            " LEFT JOIN (SELECT o.id AS org_id, o.name AS org_name, m.submission_id,"
            "   m.requirement, m.poam_id, m.description, m.due, m.status, m.id AS mid" OVERDUE_FROM
            " ORDER BY m.due, o.id, m.id LIMIT $2 OFFSET $3) p ON true"
            " ORDER BY p.due, p.org_id, p.mid",
            NPARAMS(p), p);
    return rc ? rc : mm_db_paged(out, rows, milestone_item);
}
