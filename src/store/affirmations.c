/* Annual affirmations (32 CFR 170.22): a signed statement of the affirming official that the
 * organization's latest submission still holds. Immutable once stored; the insert checks,
 * under the write lock, that the submission is still the organization's latest. */
#include <stdio.h>
#include <string.h>

#include "mamori/store.h"
#include "store/driver.h"
#include "util/util.h"

static int check_affirmation(const mm_affirmation_rec *r)
{
    const mm_field required[] = {{r->id, "id"},
                                 {r->org_id, "org_id"},
                                 {r->submission_id, "submission_id"},
                                 {r->affirmed_by, "affirmed_by"},
                                 {r->received, "received"},
                                 {r->received_by, "received_by"},
                                 {r->body, "body"},
                                 {r->signature, "signature"}};
    const mm_field dates[] = {{r->affirmed_on, "affirmed_on"}};
    return mm_signed_rec_check("affirmation", required, NPARAMS(required), dates, NPARAMS(dates),
                               r->body_hash, r->key_row);
}

/* the affirmed submission must be the organization's latest (cell 4) */
static int affirms_latest(const json_t *row, const void *ctx)
{
    const mm_affirmation_rec *r = ctx;
    if (mm_streq(mm_cell(row, 4), r->submission_id))
        return MM_OK;
    mm_error_set("affirmation: submission %s is not the organization's latest (%s): an "
                 "affirmation affirms the latest submission",
                 r->submission_id, mm_cell(row, 4) ? mm_cell(row, 4) : "none");
    return MM_ECONFLICT;
}

static int insert_rows(mm_store *s, const mm_affirmation_rec *r)
{
    json_t *rows = NULL;
    const mm_param cp[] = {P_TEXT(r->org_id), P_INT(r->key_row), P_TEXT(r->body_hash)};
    int rc = mm_db_rows(s, &rows, NULL,
                        "SELECT o.id, k.id, k.org_id,"
                        " (SELECT count(*) FROM affirmations WHERE body_hash = $3),"
                        " o.latest_submission"
                        " FROM (SELECT 1 AS one) one"
                        " LEFT JOIN organizations o ON o.id = $1"
                        " LEFT JOIN signing_keys k ON k.id = $2",
                        NPARAMS(cp), cp);
    const mm_signed_refs refs = {.prefix = "affirmation",
                                 .kind = "affirmation",
                                 .org_id = r->org_id,
                                 .key_row = r->key_row,
                                 .after_org = affirms_latest,
                                 .ctx = r};
    if (rc == MM_OK)
        rc = mm_signed_refs_check(&refs, json_array_get(rows, 0));
    json_decref(rows);
    const mm_param ip[] = {P_TEXT(r->id),        P_TEXT(r->org_id),      P_TEXT(r->submission_id),
                           P_INT(r->key_row),    P_TEXT(r->affirmed_by), P_TEXT(r->affirmed_on),
                           P_TEXT(r->received),  P_TEXT(r->received_by), P_TEXT(r->body),
                           P_TEXT(r->body_hash), P_TEXT(r->signature)};
    if (rc == MM_OK)
        rc = mm_db_rows(s, NULL, NULL,
                        "INSERT INTO affirmations (id, org_id, submission_id, key_id, affirmed_by,"
                        " affirmed_on, received, received_by, body, body_hash, signature)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        NPARAMS(ip), ip);
    return rc;
}

int mm_store_insert_affirmation(mm_store *s, const mm_affirmation_rec *rec)
{
    int rc = check_affirmation(rec);
    if (rc == MM_OK)
        rc = mm_db_tx_begin(s);
    return rc ? rc : mm_db_tx_end(s, insert_rows(s, rec));
}

#define AFF_COLS                                                                                   \
    "a.id, a.org_id, a.submission_id, a.affirmed_by, a.affirmed_on, a.received, a.received_by,"    \
    " a.body_hash, k.key_id"
static const char *const aff_keys[] = {"id",          "org_id",   "submission_id", "affirmed_by",
                                       "affirmed_on", "received", "received_by",   "body_hash",
                                       "key_id",      NULL};
#define AFF_TYPES "sssssssss"

static json_t *affirmation_item(const json_t *row)
{
    return mm_row_object(row, 1, aff_keys, AFF_TYPES);
}

int mm_store_list_affirmations(mm_store *s, json_t **out, const char *org_id, int64_t offset,
                               int64_t limit)
{
    return mm_db_org_page(s, out, "affirmation list", org_id, offset, limit,
                          "SELECT t.total, p.* FROM"
                          " (SELECT count(*) AS total FROM affirmations WHERE org_id = $1) t"
                          " LEFT JOIN (SELECT " AFF_COLS " FROM affirmations a"
                          "   LEFT JOIN signing_keys k ON k.id = a.key_id WHERE a.org_id = $1"
                          "   ORDER BY a.received DESC, a.id LIMIT $2 OFFSET $3) p ON true"
                          " ORDER BY p.received DESC, p.id",
                          affirmation_item);
}

int mm_store_last_affirmation(mm_store *s, json_t **out, const char *submission_id)
{
    *out = NULL;
    json_t *row = NULL;
    const mm_param p[] = {P_TEXT(submission_id)};
    int rc = mm_need(submission_id, "submission id");
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, "no affirmation",
                       "SELECT " AFF_COLS " FROM affirmations a"
                       " LEFT JOIN signing_keys k ON k.id = a.key_id WHERE a.submission_id = $1"
                       " ORDER BY a.affirmed_on DESC, a.received DESC, a.id LIMIT 1",
                       1, p);
    if (rc == MM_OK && !(*out = mm_row_object(row, 0, aff_keys, AFF_TYPES)))
        rc = mm_oom();
    json_decref(row);
    return rc;
}
