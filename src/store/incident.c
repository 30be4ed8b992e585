/* The store's incidents table (schema 4): one fixed set of statements for both backends,
 * in the SQL both dialects share, every value a parameter, run through exec_params like
 * src/store/share.c. Nothing here decides who may read a report: the server does, through
 * mm_tlp_may_read on the report's shared item. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/store.h"
#include "store/store_internal.h"

static int q(mm_store *s, json_t **out, int64_t *changes, const char *sql, int n,
             const char *const *v)
{
    return mm_store_be(s)->exec_params(mm_store_impl(s), out, changes, sql, n, v);
}

static const char *cell(const json_t *row, size_t i)
{
    return json_string_value(json_array_get(row, i));
}

static json_t *cell_text(const json_t *row, size_t i)
{
    const char *t = cell(row, i);
    return t ? json_string(t) : json_null();
}

static json_t *cell_int(const json_t *row, size_t i)
{
    const char *t = cell(row, i);
    return t ? json_integer(strtoll(t, NULL, 10)) : json_null();
}

static json_t *cell_object(const json_t *row, size_t i)
{
    const char *t = cell(row, i);
    json_t *v = t ? json_loads(t, 0, NULL) : NULL;
    if (!json_is_object(v)) {
        json_decref(v);
        v = json_object();
    }
    return v;
}

static bool present(const char *s)
{
    return s && s[0];
}

int mm_store_create_incident(mm_store *s, int64_t *out_id, char *number, const mm_incident_rec *rec)
{
    if (!present(rec->item_id) || !present(rec->org_id) || !present(rec->report_type) ||
        !present(rec->discovered) || !present(rec->reported) || strlen(rec->reported) < 4 ||
        !present(rec->due) || !present(rec->preserve_until) || !present(rec->body) ||
        !present(rec->created)) {
        mm_error_set("an incident needs its item, organization, type, times and body");
        return MM_EINVALID;
    }
    char year[5], like[16], num[32], initial[24], offset[16];
    memcpy(year, rec->reported, 4);
    year[4] = '\0';
    snprintf(like, sizeof like, "MAM-%s-%%", year);
    const char *v1[] = {like};
    json_t *rows = NULL;
    int rc = q(s, &rows, NULL, "SELECT COUNT(*) FROM incidents WHERE report_number LIKE $1", 1, v1);
    if (rc)
        return rc;
    long long n = strtoll(cell(json_array_get(rows, 0), 0) ? cell(json_array_get(rows, 0), 0) : "0",
                          NULL, 10);
    json_decref(rows);
    snprintf(num, sizeof num, "MAM-%s-%06lld", year, n + 1);
    snprintf(initial, sizeof initial, "%" PRId64, rec->initial_id);
    snprintf(offset, sizeof offset, "%d", rec->discovered_offset);
    const char *v[] = {rec->item_id,
                       rec->org_id,
                       rec->report_type,
                       rec->initial_id > 0 ? initial : NULL,
                       num,
                       rec->discovered,
                       offset,
                       rec->reported,
                       rec->due,
                       rec->preserve_until,
                       rec->body,
                       present(rec->sub_report_number) ? rec->sub_report_number : NULL,
                       rec->created};
    rc = q(s, NULL, NULL,
           "INSERT INTO incidents (item_id, org_id, report_type, initial_id, report_number,"
           " discovered, discovered_offset, reported, due, preserve_until, body,"
           " sub_report_number, created) VALUES ($1, $2, $3, CAST($4 AS BIGINT), $5, $6,"
           " CAST($7 AS BIGINT), $8, $9, $10, $11, $12, $13)",
           13, v);
    if (rc == MM_ECONFLICT)
        mm_error_set("report number %s was taken meanwhile, or the item has a report", num);
    if (rc)
        return rc;
    const char *v2[] = {num};
    rc = q(s, &rows, NULL, "SELECT id FROM incidents WHERE report_number = $1", 1, v2);
    if (rc)
        return rc;
    if (out_id)
        *out_id = strtoll(cell(json_array_get(rows, 0), 0) ? cell(json_array_get(rows, 0), 0) : "0",
                          NULL, 10);
    json_decref(rows);
    if (number)
        snprintf(number, 32, "%s", num);
    return MM_OK;
}

int mm_store_list_incidents(mm_store *s, json_t **out, const char *org_id, int64_t id,
                            const char *report_number)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, id);
    const char *v[] = {org_id, id > 0 ? idtext : NULL, report_number};
    json_t *rows = NULL;
    *out = NULL;
    int rc = q(s, &rows, NULL,
               "SELECT i.id, i.item_id, i.org_id, i.report_type, i.initial_id, f.report_number,"
               " i.report_number, i.discovered, i.discovered_offset, i.reported, i.due,"
               " i.preserve_until, i.body, i.sub_report_number, i.created"
               " FROM incidents i LEFT JOIN incidents f ON f.id = i.initial_id"
               " WHERE (CAST($1 AS TEXT) IS NULL OR i.org_id = $1)"
               " AND (CAST($2 AS TEXT) IS NULL OR i.id = CAST($2 AS BIGINT))"
               " AND (CAST($3 AS TEXT) IS NULL OR i.report_number = $3)"
               " ORDER BY i.id",
               3, v);
    if (rc)
        return rc;
    json_t *list = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *o = json_pack(
            "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", cell_int(row, 0),
            "item_id", cell_text(row, 1), "org_id", cell_text(row, 2), "report_type",
            cell_text(row, 3), "initial_id", cell_int(row, 4), "initial_report", cell_text(row, 5),
            "report_number", cell_text(row, 6), "discovered", cell_text(row, 7),
            "discovered_offset", cell_int(row, 8), "reported", cell_text(row, 9), "due",
            cell_text(row, 10), "preserve_until", cell_text(row, 11), "body", cell_object(row, 12),
            "sub_report_number", cell_text(row, 13), "created", cell_text(row, 14));
        if (!list || !o || json_array_append_new(list, o)) {
            json_decref(list);
            list = NULL;
            break;
        }
    }
    json_decref(rows);
    if (!list) {
        mm_error_set("out of memory");
        return MM_ENOMEM;
    }
    *out = list;
    return MM_OK;
}
