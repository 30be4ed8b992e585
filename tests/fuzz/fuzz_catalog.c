/*
 * libFuzzer target: the catalog loader, fed through mm_content_override in place of an
 * embedded content file. The first byte picks the format: odd (as '{' is) loads the input
 * as the Rev 3 OSCAL catalog, even (as ' ' or '\n' are) as the Rev 2 file; the whole
 * input, that byte included, is the file. The other content files (the Rev 2 <-> Rev 3
 * mapping, the SPRS weights) stay the embedded ones.
 */
#include <stdint.h>
#include <stdlib.h>

#include "catalog/catalog_internal.h"
#include "mamori/catalog.h"
#include "mamori/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool r3 = size == 0 || (data[0] & 1);
    const char *name = r3 ? "catalogs/sp800-171r3-catalog.json" : "catalogs/sp800-171r2.json";
    mm_content_override(name, (const char *)data, size);
    mm_catalog *cat = NULL;
    if (mm_catalog_load(&cat, r3 ? MM_FW_R3 : MM_FW_R2, NULL) == MM_OK) {
        /* the lookups the parsers rely on must hold for whatever loaded */
        for (size_t i = 0; i < cat->nrequirements; i++)
            (void)mm_catalog_requirement(cat, cat->requirements[i].id);
        for (size_t i = 0; i < cat->nobjectives; i++)
            (void)mm_catalog_objective(cat, cat->objectives[i].id);
        (void)mm_catalog_active_count(cat);
    }
    mm_catalog_free(cat);
    mm_content_override(NULL, NULL, 0);
    mm_error_clear();
    return 0;
}
