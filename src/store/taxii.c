/* mamori store: TAXII 2.1 status resources (schema 10; src/server/taxii.c, docs/taxii.md). */
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
