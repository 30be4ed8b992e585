/*
 * libFuzzer target: the assessment file. Each input goes through the whole pipeline the
 * CLI runs: framework sniffing, parsing against the matching catalog, evaluation (Rev 3
 * with the embedded DoD ODP profile) and every report format. Renderers that are still
 * stubs return an error, which is ignored; only crashes, leaks and sanitizer reports count.
 */
#include <stdint.h>
#include <stdlib.h>

#include "mamori/assess.h"
#include "mamori/catalog.h"
#include "mamori/error.h"
#include "mamori/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Loaded on the first call and kept for the whole run (reachable, so not leaks). */
static mm_catalog *catalogs[2];
static mm_profile *profile;

static void load_once(void)
{
    if (catalogs[MM_FW_R3])
        return;
    if (mm_catalog_load(&catalogs[MM_FW_R3], MM_FW_R3, NULL) ||
        mm_catalog_load(&catalogs[MM_FW_R2], MM_FW_R2, NULL) ||
        mm_profile_load(&profile, catalogs[MM_FW_R3], NULL))
        abort(); /* the embedded content must load */
}

static void render_all(const mm_result *res, const uint8_t *data, size_t size)
{
    mm_report_options opts = {
        .color = size > 0 && (data[size - 1] & 1),
        .now = 1767225600, /* 2026-01-01T00:00:00Z */
        .tool_version = "fuzz",
        /* half the inputs in Japanese: the catalog's {0} filled with hostile text */
        .lang = size > 0 && (data[size - 1] & 2) ? "ja" : "en",
    };
    for (int f = MM_REPORT_TEXT; f <= MM_REPORT_SPRS_CSV; f++) {
        char *out = NULL;
        size_t len = 0;
        (void)mm_report_render(&out, &len, res, (mm_report_format)f, &opts);
        free(out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_once();
    const char *text = (const char *)data;
    mm_framework fw;
    /* A file whose framework cannot be read is still parsed (against Rev 3) so the
     * parser's own checks of the same member are exercised too. */
    if (mm_assessment_framework(&fw, text, size, "fuzz.json") != MM_OK)
        fw = MM_FW_R3;
    mm_assessment *a = NULL;
    if (mm_assessment_parse(&a, catalogs[fw], text, size, "fuzz.json") == MM_OK) {
        mm_result *res = NULL;
        if (mm_assessment_evaluate(&res, a, fw == MM_FW_R3 ? profile : NULL) == MM_OK)
            render_all(res, data, size);
        mm_result_free(res);
    }
    mm_assessment_free(a);
    mm_error_clear();
    return 0;
}
