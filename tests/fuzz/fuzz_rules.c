/* libFuzzer target: rule files (--rules DIR is outside input): parse, check ids against the
 * catalogs, and run what parses against a small fixture root. */
#include <stdint.h>
#include <stdlib.h>

#include "mamori/check.h"

static mm_catalog *r3, *r2;
static mm_profile *prof;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!r3) {
        if (mm_catalog_load(&r3, MM_FW_R3, NULL) || mm_catalog_load(&r2, MM_FW_R2, NULL) ||
            mm_profile_load(&prof, r3, NULL))
            abort();
    }
    mm_ruleset *rs = NULL;
    if (mm_rules_parse(&rs, (const char *)data, size, "fuzz.json", r3, r2) == 0) {
        mm_scan_options o = {.root = "tests/fixtures/roots/debian-mixed", .profile = prof};
        mm_scan *s = NULL;
        if (mm_scan_run(&s, rs, &o) == 0) {
            char *out = NULL;
            if (mm_scan_to_json(&out, s, "fuzz") == 0)
                free(out);
            mm_scan_free(s);
        }
        mm_ruleset_free(rs);
    }
    return 0;
}
