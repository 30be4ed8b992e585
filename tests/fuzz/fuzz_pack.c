/*
 * libFuzzer target: framework packs (mm_pack_parse, an OSCAL catalog from outside). A pack
 * that parses is looked up criterion by criterion, by display id and text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/framework.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mm_pack *p = NULL;
    if (mm_pack_parse(&p, (const char *)data, size, "fuzz-pack.json") == MM_OK) {
        for (size_t i = 0; i < p->ncriteria; i++) {
            const mm_criterion *c = &p->criteria[i];
            if (mm_pack_criterion(p, c->id) != c || !mm_criterion_text(c)[0])
                abort();
        }
        (void)mm_pack_active_count(p);
    }
    mm_pack_free(p);
    mm_error_clear();
    return 0;
}
