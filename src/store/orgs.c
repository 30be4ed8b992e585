/* Organizations: creation, one organization, the prime's consent, and the authority's
 * contractor list (one statement: the matching rows, their count and the page). */
#include <stdio.h>
#include <string.h>

#include "mamori/store.h"
#include "store/driver.h"
#include "util/util.h"

#define ORG_COLS                                                                                   \
    "o.id, o.kind, o.name, o.identifiers, o.parent_id, o.prime_consent, o.created, "               \
    "o.latest_submission"
#define NORG_COLS 8

int mm_store_create_org(mm_store *s, const mm_org *org)
{
    if (!org->id || !org->id[0] || !org->name || !org->name[0]) {
        mm_error_set("organization: id and name are required");
        return MM_EINVALID;
    }
    if (!mm_store_valid_kind(org->kind)) {
        mm_error_set("organization %s: kind '%s' is not authority or contractor", org->id,
                     org->kind ? org->kind : "");
        return MM_EINVALID;
    }
    if (org->identifiers && !mm_json_object_text(org->identifiers)) {
        mm_error_set("organization %s: identifiers must be a JSON object", org->id);
        return MM_EINVALID;
    }
    char ts[21];
    mm_now(ts);
    const mm_param p[] = {
        P_TEXT(org->id),        P_TEXT(org->kind),
        P_TEXT(org->name),      P_TEXT(org->identifiers ? org->identifiers : "{}"),
        P_TEXT(org->parent_id), P_TEXT(ts)};
    int rc =
        mm_db_rows(s, NULL, NULL,
                   "INSERT INTO organizations (id, kind, name, identifiers, parent_id, created)"
                   " VALUES ($1, $2, $3, $4, $5, $6)",
                   NPARAMS(p), p);
    return rc == MM_ENOTFOUND || rc == MM_ECONFLICT ? MM_EINVALID : rc;
}

static const char *const org_keys[] = {"id",        "kind",          "name",    "identifiers",
                                       "parent_id", "prime_consent", "created", "latest_submission",
                                       NULL};
#define ORG_TYPES "sssosbss"

int mm_store_get_org(mm_store *s, json_t **out, const char *id)
{
    *out = NULL;
    char notfound[160];
    snprintf(notfound, sizeof(notfound), "no organization '%s'", id ? id : "");
    json_t *row = NULL;
    const mm_param p[] = {P_TEXT(id)};
    int rc = mm_need(id, "organization id");
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, notfound,
                       "SELECT " ORG_COLS " FROM organizations o WHERE o.id = $1", 1, p);
    if (rc == MM_OK && !(*out = mm_row_object(row, 0, org_keys, ORG_TYPES)))
        rc = mm_oom();
    json_decref(row);
    return rc;
}

int mm_store_update_org(mm_store *s, const char *id, const char *name, const char *identifiers)
{
    if (name && !name[0]) {
        mm_error_set("organization %s: the name must not be empty", id ? id : "");
        return MM_EINVALID;
    }
    if (identifiers && !mm_json_object_text(identifiers)) {
        mm_error_set("organization %s: identifiers must be a JSON object", id ? id : "");
        return MM_EINVALID;
    }
    char notfound[160];
    snprintf(notfound, sizeof(notfound), "no organization '%s'", id ? id : "");
    const mm_param p[] = {P_TEXT(id), P_TEXT(name), P_TEXT(identifiers)};
    int rc = mm_need(id, "organization id");
    return rc ? rc
              : mm_db_change(s, notfound,
                             "UPDATE organizations SET name = coalesce($2, name),"
                             " identifiers = coalesce($3, identifiers) WHERE id = $1",
                             3, p);
}

int mm_store_set_org_consent(mm_store *s, const char *id, bool consent)
{
    char notfound[160];
    snprintf(notfound, sizeof(notfound), "no organization '%s'", id ? id : "");
    const mm_param p[] = {P_TEXT(id), P_BOOL(consent)};
    int rc = mm_need(id, "organization id");
    return rc ? rc
              : mm_db_change(s, notfound,
                             "UPDATE organizations SET prime_consent = $2 WHERE id = $1", 2, p);
}

/* The sort orders of the organization list: fixed SQL text chosen by the (checked) name,
 * never built from the query's values. Ties go to id ascending either way. lower() folds
 * ASCII only on both databases (PostgreSQL's columns are COLLATE "C"). */
static const struct {
    const char *name, *asc, *desc;
} org_orders[] = {
    {"name", "lower(name) ASC, id", "lower(name) DESC, id"},
    {"score", "coalesce(l_norm, l_score) ASC NULLS LAST, id",
     "coalesce(l_norm, l_score) DESC NULLS LAST, id"},
    {"status", "status_rank ASC, id", "status_rank DESC, id"},
    {"assessed", "l_assessed ASC NULLS LAST, id", "l_assessed DESC NULLS LAST, id"},
    {"received", "l_received ASC NULLS LAST, id", "l_received DESC NULLS LAST, id"},
};

static const char *const org_statuses[] = {
    "meets", "conditional", "conditional-expired", "not-met", "no-valid-score", "stale", "none"};

/* the matching rows (m); the latest submission's columns are its copy on the organization's
 * row (migration 9), no join */
#define ORG_LIST_SQL                                                                               \
    "WITH c AS ("                                                                                  \
    "  SELECT " ORG_COLS ","                                                                       \
    "    o.latest_submission AS l_id, o.latest_received AS l_received,"                            \
    "    o.latest_framework AS l_framework, o.latest_score AS l_score,"                            \
    "    o.latest_status AS l_status, o.latest_assessed AS l_assessed,"                            \
    "    o.latest_affirmed_by AS l_affirmed_by,"                                                   \
    "    CASE WHEN o.latest_submission IS NULL THEN 'none'"                                        \
    "         WHEN $1 IS NOT NULL AND coalesce(o.latest_assessed,"                                 \
    "              substr(o.latest_received, 1, 10)) < $1 THEN 'stale'"                            \
    "         WHEN $8 IS NOT NULL AND o.latest_framework = '800-171r2'"                            \
    "              AND o.latest_status = 'conditional'"                                            \
    "              AND substr(o.latest_received, 1, 10) < $8 THEN 'conditional-expired'"           \
    "         ELSE o.latest_status END AS cstatus,"                                                \
    "    (SELECT max(a.affirmed_on) FROM affirmations a"                                           \
    "      WHERE a.submission_id = o.latest_submission) AS l_last_affirmed,"                       \
    "    (SELECT count(*) FROM submission_milestones sm"                                           \
    "      WHERE sm.submission_id = o.latest_submission AND $12 IS NOT NULL"                       \
    "        AND sm.due < $12 AND sm.status <> 'completed') AS l_overdue,"                         \
    "    CASE WHEN o.latest_score IS NULL OR CAST($14 AS {INT64}) IS NULL"                         \
    "              OR CAST($15 AS {INT64}) IS NULL THEN NULL"                                      \
    "         WHEN o.latest_framework = '800-171r2'"                                               \
    "         THEN (o.latest_score * 1.0) / CAST($14 AS {INT64})"                                  \
    "         ELSE (o.latest_score * 1.0) / CAST($15 AS {INT64}) END AS l_norm"                    \
    "  FROM organizations o"                                                                       \
    "  WHERE ($2 IS NULL OR o.kind = $2) AND ($3 IS NULL OR o.parent_id = $3)"                     \
    "    AND ($4 IS NULL OR {INSTR}(lower(o.name), lower($4)) > 0"                                 \
    "         OR {INSTR}(lower(o.identifiers), lower($4)) > 0)"                                    \
    "    AND ($13 IS NULL OR o.latest_framework = $13)"                                            \
    "    AND ($17 IS NULL OR coalesce(nullif({JSON_TEXT:o.identifiers:sector}, ''), 'unknown')"    \
    "         = $17)"                                                                              \
    "    AND ($18 IS NULL OR o.latest_assessed >= $18)"                                            \
    "    AND ($19 IS NULL OR o.latest_assessed <= $19)"                                            \
    "    AND ($20 IS NULL OR substr(o.latest_received, 1, 10) >= $20)"                             \
    "    AND ($21 IS NULL OR substr(o.latest_received, 1, 10) <= $21)"                             \
    "    AND ($22 IS NULL OR ($22 = 'prime' AND EXISTS (SELECT 1 FROM supply_edges e"              \
    "          WHERE e.customer_id = o.id AND e.state = 'active'))"                                \
    "         OR ($22 = 'supplier' AND EXISTS (SELECT 1 FROM supply_edges e"                       \
    "          WHERE e.supplier_id = o.id AND e.state = 'active')))"                               \
    "    AND ($23 IS NULL OR EXISTS (SELECT 1 FROM supply_edges e WHERE e.supplier_id = o.id"      \
    "          AND e.customer_id = $23 AND e.state = 'active'))),"                                 \
    " m AS (SELECT *, CASE cstatus WHEN 'meets' THEN 0 WHEN 'conditional' THEN 1"                  \
    "   WHEN 'conditional-expired' THEN 2 WHEN 'stale' THEN 3 WHEN 'not-met' THEN 4"               \
    "   WHEN 'no-valid-score' THEN 5 ELSE 6 END"                                                   \
    "   AS status_rank, coalesce(l_last_affirmed, substr(l_received, 1, 10)) AS abase"             \
    "   FROM c WHERE ($5 IS NULL OR cstatus = $5) AND ($9 IS NULL OR (l_id IS NOT NULL AND"        \
    "   (($9 = 'overdue' AND coalesce(l_last_affirmed, substr(l_received, 1, 10)) < $10) OR"       \
    "    ($9 = 'due' AND coalesce(l_last_affirmed, substr(l_received, 1, 10)) >= $10 AND"          \
    "     coalesce(l_last_affirmed, substr(l_received, 1, 10)) <= $11))))"                         \
    "   AND (CAST($16 AS {INT64}) = 0 OR l_overdue > 0)"                                           \
    "   AND (CAST($24 AS {INT64}) IS NULL OR l_norm * 100 >= CAST($24 AS {INT64}))"                \
    "   AND (CAST($25 AS {INT64}) IS NULL OR l_norm * 100 <= CAST($25 AS {INT64})))"
/* the count, and the page (with 0 where the count goes: mm_db_paged's rows); two statements
 * in one read snapshot: in one, SQLite materialized m (10,000 rows) or joined the two at
 * twice their cost. The count names $6 and $7 (the page's limit and offset) only so that
 * both statements take the same parameters. */
#define ORG_COUNT_SQL                                                                              \
    ORG_LIST_SQL " SELECT count(*) FROM m WHERE CAST($6 AS {INT64}) IS NOT NULL"                   \
                 " OR CAST($7 AS {INT64}) IS NOT NULL"
#define ORG_PAGE_SQL ORG_LIST_SQL " SELECT 0, m.* FROM m ORDER BY %s LIMIT $6 OFFSET $7"

static json_t *org_item(const json_t *row)
{
    json_t *o = mm_row_object(row, 1, org_keys, ORG_TYPES);
    size_t c = 1 + NORG_COLS;
    json_t *latest =
        mm_cell(row, c) == NULL
            ? json_null()
            : json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", mm_cell_text(row, c), "received",
                        mm_cell_text(row, c + 1), "framework", mm_cell_text(row, c + 2), "score",
                        mm_cell_int(row, c + 3), "status", mm_cell_text(row, c + 7), "assessed",
                        mm_cell_text(row, c + 5), "affirmed_by", mm_cell_text(row, c + 6));
    bool ok = o && latest;
    if (ok) {
        mm_put(o, "status", mm_cell_text(row, c + 7), &ok);
        mm_put(o, "latest", latest, &ok);
        mm_put(o, "last_affirmed", mm_cell_text(row, c + 8), &ok);
        mm_put(o, "overdue", mm_cell_int(row, c + 9), &ok);
    } else {
        json_decref(latest);
    }
    if (!ok)
        json_decref(o);
    return ok ? o : NULL;
}

/* The analyst's filters of the list checked: MM_OK or MM_EUSAGE with the message. */
static int filters_ok(const mm_org_query *q, bool norm)
{
    const struct {
        const char *name, *v;
    } dates[] = {{"assessed_from", q->assessed_from},
                 {"assessed_to", q->assessed_to},
                 {"received_from", q->received_from},
                 {"received_to", q->received_to}};
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
        if (dates[i].v && !mm_is_date(dates[i].v)) {
            mm_error_set("organization list: %s '%s' is not YYYY-MM-DD", dates[i].name, dates[i].v);
            return MM_EUSAGE;
        }
    if (q->supply && !mm_streq(q->supply, "prime") && !mm_streq(q->supply, "supplier")) {
        mm_error_set("organization list: supply '%s' is not prime or supplier", q->supply);
        return MM_EUSAGE;
    }
    if ((q->score_min_set || q->score_max_set) && !norm) {
        mm_error_set("organization list: a score range needs each framework's maximum");
        return MM_EUSAGE;
    }
    return MM_OK;
}

int mm_store_list_orgs(mm_store *s, json_t **out, const mm_org_query *q)
{
    *out = NULL;
    int rc = mm_check_page("organization list", q->offset, q->limit);
    if (rc)
        return rc;
    if (q->kind && !mm_store_valid_kind(q->kind)) {
        mm_error_set("organization list: kind '%s' is not authority or contractor", q->kind);
        return MM_EUSAGE;
    }
    if (q->status &&
        !mm_one_of(q->status, org_statuses, sizeof(org_statuses) / sizeof(org_statuses[0]))) {
        mm_error_set("organization list: unknown status '%s' (meets, conditional, "
                     "conditional-expired, not-met, no-valid-score, stale, none)",
                     q->status);
        return MM_EUSAGE;
    }
    const char *order = NULL;
    for (size_t i = 0; i < sizeof(org_orders) / sizeof(org_orders[0]); i++)
        if (strcmp(q->sort ? q->sort : "name", org_orders[i].name) == 0)
            order = q->desc ? org_orders[i].desc : org_orders[i].asc;
    if (!order) {
        mm_error_set("organization list: cannot sort by '%s' (name, score, status, assessed, "
                     "received)",
                     q->sort);
        return MM_EUSAGE;
    }
    if (q->stale_before && !mm_is_date(q->stale_before)) {
        mm_error_set("organization list: stale_before '%s' is not YYYY-MM-DD", q->stale_before);
        return MM_EUSAGE;
    }
    if (q->expired_before && !mm_is_date(q->expired_before)) {
        mm_error_set("organization list: expired_before '%s' is not YYYY-MM-DD", q->expired_before);
        return MM_EUSAGE;
    }
    if (q->affirmation &&
        (!(mm_streq(q->affirmation, "due") || mm_streq(q->affirmation, "overdue")) ||
         !mm_is_date(q->affirm_overdue_before) || !mm_is_date(q->affirm_due_by))) {
        mm_error_set("organization list: affirmation '%s' is not due or overdue, or its "
                     "cut-off dates are missing",
                     q->affirmation);
        return MM_EUSAGE;
    }
    if (q->framework && !mm_streq(q->framework, "800-171r2") &&
        !mm_streq(q->framework, "800-171r3")) {
        mm_error_set("organization list: framework '%s' is not 800-171r2 or 800-171r3",
                     q->framework);
        return MM_EUSAGE;
    }
    if ((q->overdue_before && !mm_is_date(q->overdue_before)) ||
        (q->overdue_only && !q->overdue_before)) {
        mm_error_set("organization list: overdue_before '%s' is not YYYY-MM-DD",
                     q->overdue_before ? q->overdue_before : "");
        return MM_EUSAGE;
    }
    bool norm = q->score_max_r2 > 0 && q->score_max_r3 > 0;
    rc = filters_ok(q, norm);
    if (rc)
        return rc;
    char sql[sizeof(ORG_PAGE_SQL) + 64];
    snprintf(sql, sizeof(sql), ORG_PAGE_SQL, order);
    const mm_param p[] = {P_TEXT(q->stale_before),
                          P_TEXT(q->kind),
                          P_TEXT(q->parent_id),
                          P_TEXT(q->q && q->q[0] ? q->q : NULL),
                          P_TEXT(q->status),
                          P_INT(q->limit),
                          P_INT(q->offset),
                          P_TEXT(q->expired_before),
                          P_TEXT(q->affirmation),
                          P_TEXT(q->affirm_overdue_before),
                          P_TEXT(q->affirm_due_by),
                          P_TEXT(q->overdue_before),
                          P_TEXT(q->framework),
                          norm ? P_INT(q->score_max_r2) : P_NULL,
                          norm ? P_INT(q->score_max_r3) : P_NULL,
                          P_INT(q->overdue_only ? 1 : 0),
                          P_TEXT(q->sector),
                          P_TEXT(q->assessed_from),
                          P_TEXT(q->assessed_to),
                          P_TEXT(q->received_from),
                          P_TEXT(q->received_to),
                          P_TEXT(q->supply),
                          P_TEXT(q->supplier_of),
                          q->score_min_set ? P_INT(q->score_min) : P_NULL,
                          q->score_max_set ? P_INT(q->score_max) : P_NULL};
    json_t *rows = NULL;
    int64_t total = 0;
    bool own = !s->in_tx;
    rc = own ? s->drv->begin(s->db, MM_TX_READ) : MM_OK;
    if (rc == MM_OK && !q->no_total)
        rc = mm_db_int(s, &total, ORG_COUNT_SQL, NPARAMS(p), p);
    if (rc == MM_OK)
        rc = mm_db_rows(s, &rows, NULL, sql, NPARAMS(p), p);
    if (own && rc == MM_OK)
        rc = s->drv->commit(s->db);
    else if (own)
        s->drv->rollback(s->db);
    /* the count in the first row's first cell; an empty page: one row of the count alone */
    char num[24];
    snprintf(num, sizeof(num), "%lld", (long long)total);
    json_t *first = json_array_get(rows, 0);
    if (rc == MM_OK && (first ? json_array_set_new(first, 0, json_string(num))
                              : json_array_append_new(rows, json_pack("[s,n]", num))))
        rc = mm_oom();
    if (rc) {
        json_decref(rows);
        return rc;
    }
    return mm_db_paged(out, rows, org_item);
}
