/* The national picture of critical infrastructure (docs/screening.md "The national picture"):
 * the rows the authority's per-sector view is made from: designated operators, installation
 * plans with their bodies (for the parties), the standing of an organization named in a plan,
 * and incident counts of the sectors' organizations. One set of statements for both
 * databases, every value a typed parameter; what the rows add up to is the server's
 * (src/server/screen_national.c). */
#include <stdio.h>
#include <string.h>

#include "mamori/screen.h"
#include "mamori/store.h"
#include "store/driver.h"
#include "util/util.h"

int mm_store_national_operators(mm_store *s, json_t **out, const char *sector)
{
    static const char *const keys[] = {"org_id", "name", "sector", "designated", "ministry", NULL};
    const mm_param p[] = {P_TEXT(sector)};
    return mm_db_objects(s, out,
                         "SELECT os.org_id, o.name, os.sector, os.designated, os.ministry"
                         " FROM org_sectors os JOIN organizations o ON o.id = os.org_id"
                         " WHERE os.designated IS NOT NULL AND ($1 IS NULL OR os.sector = $1)"
                         " ORDER BY os.sector, o.name, os.org_id",
                         1, p, keys, "sssss");
}

int mm_store_national_plans(mm_store *s, json_t **out, const char *sector, const char *operator_id)
{
    static const char *const keys[] = {"id",    "operator_id", "sector", "state",
                                       "filed", "due",         "plan",   NULL};
    const mm_param p[] = {P_TEXT(sector), P_TEXT(operator_id)};
    return mm_db_objects(s, out,
                         "SELECT id, operator_id, sector, state, filed, due, plan"
                         " FROM install_plans WHERE ($1 IS NULL OR sector = $1)"
                         " AND ($2 IS NULL OR operator_id = $2) ORDER BY sector, due, id",
                         NPARAMS(p), p, keys, "sssssso");
}

int mm_store_org_standing(mm_store *s, json_t **out, const char *org_id)
{
    *out = NULL;
    json_t *row = NULL;
    int rc = mm_need(org_id, "standing: organization id");
    const mm_param p[] = {P_TEXT(org_id)};
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, "no such organization",
                       "SELECT id, name, kind, latest_status, latest_framework, latest_assessed,"
                       " latest_received FROM organizations WHERE id = $1",
                       1, p);
    static const char *const keys[] = {"org_id",    "name",     "kind",     "status",
                                       "framework", "assessed", "received", NULL};
    if (rc == MM_OK && !(*out = mm_row_object(row, 0, keys, "sssssss")))
        rc = mm_oom();
    json_decref(row);
    return rc;
}

int mm_store_national_incidents(mm_store *s, json_t **out, const char *since)
{
    static const char *const keys[] = {"org_id", "sector", "count", "last", NULL};
    int rc = mm_need(since, "incidents: since");
    const mm_param p[] = {P_TEXT(since)};
    if (rc == MM_OK)
        rc = mm_db_objects(s, out,
                           "SELECT os.org_id, os.sector, count(i.id), max(i.reported)"
                           " FROM org_sectors os JOIN incidents i ON i.org_id = os.org_id"
                           " WHERE i.reported >= $1 GROUP BY os.org_id, os.sector"
                           " ORDER BY os.sector, os.org_id",
                           1, p, keys, "ssis");
    else
        *out = NULL;
    return rc;
}
