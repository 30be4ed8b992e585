/*
 * libFuzzer target: an installation plan file (src/screen/plan.c), read through mm_json_load
 * and checked against the embedded ESPA sector list exactly as `mamori screen PLAN.json` does.
 * A refusal always names the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/screen.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *sectors;
    if (!sectors && mm_sectors_load(&sectors, NULL) != MM_OK)
        abort();
    json_t *plan = NULL;
    int rc = mm_json_load(&plan, (const char *)data, size, "plan.json", 0);
    if (rc == MM_OK)
        rc = mm_plan_check(plan, sectors, "plan.json");
    if (rc != MM_OK && rc != MM_ENOMEM && strncmp(mm_error_last(), "plan.json", 9) != 0)
        abort(); /* every message starts with the input's name */
    json_decref(plan);
    return 0;
}
