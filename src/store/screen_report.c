/* Critical infrastructure (schema 16; docs/screening.md): the queries the screening report's
 * pages need beyond src/store/screen.c. One statement for both databases. */
#include "mamori/screen_report.h"
#include "mamori/store.h"
#include "store/driver.h"
#include "util/util.h"

int mm_store_designations(mm_store *s, json_t **out)
{
    static const char *const keys[] = {"org_id",   "name",     "sector",      "designated",
                                       "ministry", "recorded", "recorded_by", NULL};
    return mm_db_objects(s, out,
                         "SELECT os.org_id, o.name, os.sector, os.designated, os.ministry,"
                         " os.recorded, os.recorded_by FROM org_sectors os JOIN organizations o"
                         " ON o.id = os.org_id ORDER BY os.sector, o.name, os.org_id",
                         0, NULL, keys, "sssssss");
}
