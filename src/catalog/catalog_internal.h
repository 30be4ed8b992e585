/* Internal parts of the catalog module shared by its files. */
#ifndef MM_CATALOG_INTERNAL_H
#define MM_CATALOG_INTERNAL_H

#include <jansson.h>

#include "mamori/catalog.h"
#include "util/util.h"

struct mm_catalog_private {
    mm_arena *arena;
    mm_map requirements; /* id -> mm_requirement* */
    mm_map objectives;   /* id -> mm_objective* */
    mm_map odps;         /* id -> mm_odp* */
};

/* Reads a content file (embedded when content_dir is NULL) and parses it as JSON. */
int mm_content_json(json_t **out, const char *content_dir, const char *name);

/* Tests and fuzz targets only: serve data in place of the embedded content file name
 * (e.g. "catalogs/sp800-171r3-catalog.json") until called again; name NULL ends it. */
void mm_content_override(const char *name, const char *data, size_t len);

#endif
