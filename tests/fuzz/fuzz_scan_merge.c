/* libFuzzer target: scan result files given to `mamori assess --scan` (outside input),
 * merged into a fixed Rev 3 and Rev 2 assessment, then evaluated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/assess.h"

static mm_catalog *cats[2];

static const char *const base[2] = {
    "{\"framework\": \"800-171r3\", \"requirements\": {\"03.01.08\": \"met\", \"03.01.01\": "
    "{\"status\": \"met\", \"justification\": \"x\"}}}",
    "{\"framework\": \"800-171r2\", \"requirements\": {\"3.1.8\": \"met\", \"3.12.4\": \"met\"}}"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cats[0] &&
        (mm_catalog_load(&cats[0], MM_FW_R3, NULL) || mm_catalog_load(&cats[1], MM_FW_R2, NULL)))
        abort();
    for (int k = 0; k < 2; k++) {
        mm_assessment *a = NULL;
        if (mm_assessment_parse(&a, cats[k], base[k], strlen(base[k]), "base.json"))
            abort();
        if (mm_assessment_apply_scan(a, (const char *)data, size, "fuzz.json") == 0 &&
            mm_assessment_apply_scan(a, (const char *)data, size, "fuzz2.json") == 0 &&
            mm_assessment_finish_scans(a) == 0) {
            mm_result *r = NULL;
            if (mm_assessment_evaluate_at(&r, a, NULL, 0) == 0)
                mm_result_free(r);
        }
        mm_assessment_free(a);
    }
    return 0;
}
