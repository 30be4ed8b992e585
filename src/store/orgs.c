/* Organizations: creation, one organization, the prime's consent, and the authority's
 * contractor list (one statement: the matching rows, their count and the page). */
#include <stdio.h>
#include <stdlib.h>
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

/* The list is built from the fixed fragments below, only those of the filters that are set:
 * each '?' of a fragment becomes the next parameter ($1, $2, ...), so no value is ever in the
 * text and a filter that is off costs nothing (migration 18's index on (kind, lower(name), id)
 * then gives the default order without a sort). Three levels: c, the organizations that pass
 * the filters on their own row, with their derived status and normalized score; m, those
 * that pass the filters on what is derived, ordered and cut to the page; then the page's
 * rows with the last affirmation and the overdue milestones of their latest submission (two
 * look-ups for each of the page's rows only). */
#define ORG_LIST_MAX_PARAMS 32
typedef struct list_sql {
    char text[6144];
    size_t len;
    mm_param p[ORG_LIST_MAX_PARAMS];
    int n;
    bool over; /* the text or the parameters did not fit (a bug: the fragments are fixed) */
} list_sql;

static void sql_add(list_sql *b, const char *frag, const mm_param *ps, int np)
{
    int k = 0;
    for (const char *c = frag; *c && !b->over; c++) {
        char num[8];
        const char *put = c;
        size_t n = 1;
        if (*c == '?') {
            if (k >= np || b->n >= ORG_LIST_MAX_PARAMS) {
                b->over = true;
                break;
            }
            b->p[b->n++] = ps[k++];
            n = (size_t)snprintf(num, sizeof num, "$%d", b->n);
            put = num;
        }
        if (b->len + n >= sizeof b->text) {
            b->over = true;
            break;
        }
        memcpy(b->text + b->len, put, n);
        b->len += n;
        b->text[b->len] = '\0';
    }
    if (k != np)
        b->over = true;
}
#define SQL_ADD(b, frag, ...)                                                                      \
    sql_add(b, frag, (const mm_param[]){__VA_ARGS__},                                              \
            (int)(sizeof((const mm_param[]){__VA_ARGS__}) / sizeof(mm_param)))

#define ORG_LATEST_COLS                                                                            \
    "o.latest_submission AS l_id, o.latest_received AS l_received,"                                \
    " o.latest_framework AS l_framework, o.latest_score AS l_score,"                               \
    " o.latest_status AS l_status, o.latest_assessed AS l_assessed,"                               \
    " o.latest_affirmed_by AS l_affirmed_by"
/* the page's columns, as org_item reads them after the count's cell */
#define ORG_PAGE_COLS                                                                              \
    "p.id, p.kind, p.name, p.identifiers, p.parent_id, p.prime_consent, p.created,"                \
    " p.latest_submission, p.l_id, p.l_received, p.l_framework, p.l_score, p.l_status,"            \
    " p.l_assessed, p.l_affirmed_by, p.cstatus"
#define ORG_LAST_AFFIRMED(id)                                                                      \
    "(SELECT max(a.affirmed_on) FROM affirmations a WHERE a.submission_id = " id ")"
#define ORG_OVERDUE(id, what)                                                                      \
    "(SELECT " what " FROM submission_milestones sm WHERE sm.submission_id = " id                  \
    " AND sm.due < ? AND sm.status <> 'completed')"
#define ORG_ABASE "coalesce(" ORG_LAST_AFFIRMED("l_id") ", substr(l_received, 1, 10))"

/* c: the organizations that pass the filters on their own row (FROM ... ) c */
static void org_list_c(list_sql *b, const mm_org_query *q, bool norm, bool scan)
{
    sql_add(b,
            "(SELECT o.id, o.kind, o.name, o.identifiers, o.parent_id, o.prime_consent,"
            " o.created, o.latest_submission, " ORG_LATEST_COLS ","
            " CASE WHEN o.latest_submission IS NULL THEN 'none'",
            NULL, 0);
    if (q->stale_before)
        SQL_ADD(b,
                " WHEN coalesce(o.latest_assessed, substr(o.latest_received, 1, 10)) < ?"
                " THEN 'stale'",
                P_TEXT(q->stale_before));
    if (q->expired_before)
        SQL_ADD(b,
                " WHEN o.latest_framework = '800-171r2' AND o.latest_status = 'conditional'"
                " AND substr(o.latest_received, 1, 10) < ? THEN 'conditional-expired'",
                P_TEXT(q->expired_before));
    sql_add(b, " ELSE o.latest_status END AS cstatus, ", NULL, 0);
    if (norm)
        SQL_ADD(b,
                "CASE WHEN o.latest_score IS NULL THEN NULL"
                " WHEN o.latest_framework = '800-171r2' THEN (o.latest_score * 1.0) / ?"
                " ELSE (o.latest_score * 1.0) / ? END AS l_norm",
                P_INT(q->score_max_r2), P_INT(q->score_max_r3));
    else
        sql_add(b, "CAST(NULL AS {INT64}) AS l_norm", NULL, 0);
    sql_add(b, " FROM organizations o WHERE 1 = 1", NULL, 0);
    if (q->kind)
        SQL_ADD(b, scan ? " AND o.kind || '' = ?" : " AND o.kind = ?", P_TEXT(q->kind));
    if (q->parent_id)
        SQL_ADD(b, " AND o.parent_id = ?", P_TEXT(q->parent_id));
    if (q->q && q->q[0])
        SQL_ADD(b,
                " AND ({INSTR}(lower(o.name), lower(?)) > 0"
                " OR {INSTR}(lower(o.identifiers), lower(?)) > 0)",
                P_TEXT(q->q), P_TEXT(q->q));
    if (q->framework)
        SQL_ADD(b, " AND o.latest_framework = ?", P_TEXT(q->framework));
    if (q->sector)
        SQL_ADD(b, " AND " MM_SECTOR_SQL " = ?", P_TEXT(q->sector));
    if (q->assessed_from)
        SQL_ADD(b, " AND o.latest_assessed >= ?", P_TEXT(q->assessed_from));
    if (q->assessed_to)
        SQL_ADD(b, " AND o.latest_assessed <= ?", P_TEXT(q->assessed_to));
    if (q->received_from)
        SQL_ADD(b, " AND substr(o.latest_received, 1, 10) >= ?", P_TEXT(q->received_from));
    if (q->received_to)
        SQL_ADD(b, " AND substr(o.latest_received, 1, 10) <= ?", P_TEXT(q->received_to));
    if (mm_streq(q->supply, "prime"))
        sql_add(b,
                " AND EXISTS (SELECT 1 FROM supply_edges e WHERE e.customer_id = o.id"
                " AND e.state = 'active')",
                NULL, 0);
    else if (mm_streq(q->supply, "supplier"))
        sql_add(b,
                " AND EXISTS (SELECT 1 FROM supply_edges e WHERE e.supplier_id = o.id"
                " AND e.state = 'active')",
                NULL, 0);
    if (q->supplier_of)
        SQL_ADD(b,
                " AND EXISTS (SELECT 1 FROM supply_edges e WHERE e.supplier_id = o.id"
                " AND e.customer_id = ? AND e.state = 'active')",
                P_TEXT(q->supplier_of));
    sql_add(b, ") c WHERE 1 = 1", NULL, 0);
    /* the filters on what is derived */
    if (q->status)
        SQL_ADD(b, " AND cstatus = ?", P_TEXT(q->status));
    if (mm_streq(q->affirmation, "overdue"))
        SQL_ADD(b, " AND l_id IS NOT NULL AND " ORG_ABASE " < ?", P_TEXT(q->affirm_overdue_before));
    else if (mm_streq(q->affirmation, "due"))
        SQL_ADD(b, " AND l_id IS NOT NULL AND " ORG_ABASE " >= ? AND " ORG_ABASE " <= ?",
                P_TEXT(q->affirm_overdue_before), P_TEXT(q->affirm_due_by));
    if (q->overdue_only)
        SQL_ADD(b, " AND EXISTS " ORG_OVERDUE("l_id", "1"), P_TEXT(q->overdue_before));
    if (q->score_min_set)
        SQL_ADD(b, " AND l_norm * 100 >= ?", P_INT(q->score_min));
    if (q->score_max_set)
        SQL_ADD(b, " AND l_norm * 100 <= ?", P_INT(q->score_max));
}

/* The count of the matching organizations. */
static void org_list_count(list_sql *b, const mm_org_query *q, bool norm)
{
    sql_add(b, "SELECT count(*) FROM ", NULL, 0);
    org_list_c(b, q, norm, false);
}

/* The page: (0 where the count goes, mm_db_paged's rows; the columns of org_item). */
static void org_list_page(list_sql *b, const mm_org_query *q, bool norm, const char *order)
{
    sql_add(b, "SELECT 0, " ORG_PAGE_COLS ", " ORG_LAST_AFFIRMED("p.l_id") ", ", NULL, 0);
    if (q->overdue_before)
        SQL_ADD(b, ORG_OVERDUE("p.l_id", "count(*)"), P_TEXT(q->overdue_before));
    else
        sql_add(b, "0", NULL, 0);
    sql_add(b,
            " FROM (SELECT c.*, CASE cstatus WHEN 'meets' THEN 0 WHEN 'conditional' THEN 1"
            " WHEN 'conditional-expired' THEN 2 WHEN 'stale' THEN 3 WHEN 'not-met' THEN 4"
            " WHEN 'no-valid-score' THEN 5 ELSE 6 END AS status_rank FROM ",
            NULL, 0);
    /* a sort other than by name reads every matching row before the first: in one pass over
     * the table (kind || '' keeps SQLite from walking the kind index and going back to the
     * table for each row, a third more instructions; bench_list) */
    org_list_c(b, q, norm, !mm_streq(q->sort ? q->sort : "name", "name"));
    sql_add(b, " ORDER BY ", NULL, 0);
    sql_add(b, order, NULL, 0);
    SQL_ADD(b, " LIMIT ? OFFSET ?) p ORDER BY ", P_INT(q->limit), P_INT(q->offset));
    sql_add(b, order, NULL, 0);
}

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
    /* large: not on a server thread's stack */
    list_sql *cb = malloc(sizeof *cb), *pb = malloc(sizeof *pb);
    if (!cb || !pb) {
        free(cb);
        free(pb);
        return mm_oom();
    }
    *cb = (list_sql){0};
    *pb = (list_sql){0};
    org_list_count(cb, q, norm);
    org_list_page(pb, q, norm, order);
    if (cb->over || pb->over) {
        free(cb);
        free(pb);
        mm_error_set("organization list: the statement does not fit its buffer");
        return MM_EUSAGE;
    }
    json_t *rows = NULL;
    int64_t total = 0;
    bool own = !s->in_tx;
    rc = own ? s->drv->begin(s->db, MM_TX_READ) : MM_OK;
    if (rc == MM_OK && !q->no_total)
        rc = mm_db_int(s, &total, cb->text, cb->n, cb->p);
    if (rc == MM_OK)
        rc = mm_db_rows(s, &rows, NULL, pb->text, pb->n, pb->p);
    free(cb);
    free(pb);
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
