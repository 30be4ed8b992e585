/* The store's incidents table (schema 4): one set of statements for both databases
 * (src/store/driver.h), every value a typed parameter. Nothing here decides who may read a report:
 * the server does, through mm_tlp_may_read on the report's shared item. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/store.h"
#include "store/driver.h"

int mm_store_create_incident(mm_store *s, int64_t *out_id, char *number, const mm_incident_rec *rec)
{
    if (!mm_nonempty(rec->item_id) || !mm_nonempty(rec->org_id) || !mm_nonempty(rec->report_type) ||
        !mm_nonempty(rec->discovered) || !mm_nonempty(rec->reported) || strlen(rec->reported) < 4 ||
        !mm_nonempty(rec->due) || !mm_nonempty(rec->preserve_until) || !mm_nonempty(rec->body) ||
        !mm_nonempty(rec->created)) {
        mm_error_set("an incident needs its item, organization, type, times and body");
        return MM_EINVALID;
    }
    char year[5], like[16], num[32];
    memcpy(year, rec->reported, 4);
    year[4] = '\0';
    snprintf(like, sizeof like, "MAM-%s-%%", year);
    const mm_param v1[] = {P_TEXT(like)};
    int64_t n = 0;
    int rc = mm_db_int(s, &n, "SELECT COUNT(*) FROM incidents WHERE report_number LIKE $1", 1, v1);
    if (rc)
        return rc;
    snprintf(num, sizeof num, "MAM-%s-%06lld", year, (long long)n + 1);
    const mm_param v[] = {
        P_TEXT(rec->item_id),
        P_TEXT(rec->org_id),
        P_TEXT(rec->report_type),
        rec->initial_id > 0 ? P_INT(rec->initial_id) : P_NULL,
        P_TEXT(num),
        P_TEXT(rec->discovered),
        P_INT(rec->discovered_offset),
        P_TEXT(rec->reported),
        P_TEXT(rec->due),
        P_TEXT(rec->preserve_until),
        P_TEXT(rec->body),
        P_TEXT(mm_nonempty(rec->sub_report_number) ? rec->sub_report_number : NULL),
        P_TEXT(rec->created)};
    rc = mm_db_insert(s, out_id,
                      "INSERT INTO incidents (item_id, org_id, report_type, initial_id,"
                      " report_number, discovered, discovered_offset, reported, due,"
                      " preserve_until, body, sub_report_number, created) VALUES ($1, $2, $3, $4,"
                      " $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
                      13, v, NULL, "report number %s was taken meanwhile, or the item has a report",
                      num);
    if (rc)
        return rc;
    if (number)
        snprintf(number, 32, "%s", num);
    return MM_OK;
}

int mm_store_list_incidents(mm_store *s, json_t **out, const char *org_id, int64_t id,
                            const char *report_number)
{
    static const char *const keys[] = {"id",
                                       "item_id",
                                       "org_id",
                                       "report_type",
                                       "initial_id",
                                       "initial_report",
                                       "report_number",
                                       "discovered",
                                       "discovered_offset",
                                       "reported",
                                       "due",
                                       "preserve_until",
                                       "body",
                                       "sub_report_number",
                                       "created",
                                       NULL};
    const mm_param v[] = {P_TEXT(org_id), P_INT(id), P_TEXT(report_number)};
    return mm_db_objects(s, out,
                         "SELECT i.id, i.item_id, i.org_id, i.report_type, i.initial_id,"
                         " f.report_number, i.report_number, i.discovered, i.discovered_offset,"
                         " i.reported, i.due, i.preserve_until, i.body, i.sub_report_number,"
                         " i.created FROM incidents i LEFT JOIN incidents f ON f.id = i.initial_id"
                         " WHERE ($1 IS NULL OR i.org_id = $1)"
                         " AND ($2 <= 0 OR i.id = $2)"
                         " AND ($3 IS NULL OR i.report_number = $3)"
                         " ORDER BY i.id",
                         3, v, keys, "isssisssisssoss");
}
