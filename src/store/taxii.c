/* mamori store: TAXII 2.1 status resources (schema 11; src/server/taxii.c, docs/taxii.md). */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"

int mm_store_put_taxii_status(mm_store *s, const mm_taxii_status_rec *rec)
{
    int rc = mm_need(rec->id, "status id");
    if (rc == MM_OK)
        rc = mm_need(rec->org_id, "organization id");
    if (rc == MM_OK)
        rc = mm_need(rec->body, "status body");
    if (rc)
        return rc;
    const mm_param p[] = {P_TEXT(rec->id),         P_INT(rec->user_id),  P_TEXT(rec->org_id),
                          P_TEXT(rec->collection), P_TEXT(rec->created), P_TEXT(rec->body)};
    return mm_db_rows(s, NULL, NULL,
                      "INSERT INTO taxii_status (id, user_id, org_id, collection, created, body)"
                      " VALUES ($1, $2, $3, $4, $5, $6)",
                      6, p);
}

int mm_store_get_taxii_status(mm_store *s, json_t **out, const char *id, int64_t user_id)
{
    *out = NULL;
    json_t *row = NULL;
    const mm_param p[] = {P_TEXT(id), P_INT(user_id)};
    int rc = mm_need(id, "status id");
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, "no such status",
                       "SELECT body FROM taxii_status WHERE id = $1 AND user_id = $2", 2, p);
    if (rc == MM_OK && !(*out = mm_cell_json(row, 0, true)))
        rc = mm_oom();
    json_decref(row);
    return rc;
}

/* ---- the federation log -------------------------------------------------------------------- */

int mm_store_federation_seen(mm_store *s, bool *out, const char *peer, const char *direction,
                             const char *ref)
{
    *out = false;
    int64_t n = 0;
    const mm_param p[] = {P_TEXT(peer), P_TEXT(direction), P_TEXT(ref)};
    int rc = mm_db_int(s, &n,
                       "SELECT count(*) FROM federation_log WHERE peer = $1 AND direction = $2"
                       " AND ref = $3",
                       3, p);
    *out = n > 0;
    return rc;
}

int mm_store_federation_note(mm_store *s, const char *peer, const char *direction, const char *ref,
                             const char *item_id, const char *at)
{
    const mm_param p[] = {P_TEXT(peer), P_TEXT(direction), P_TEXT(ref), P_TEXT(item_id),
                          P_TEXT(at)};
    return mm_db_rows(s, NULL, NULL,
                      "INSERT INTO federation_log (peer, direction, ref, item_id, at)"
                      " VALUES ($1, $2, $3, $4, $5)",
                      5, p);
}
