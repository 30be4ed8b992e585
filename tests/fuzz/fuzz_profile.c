/*
 * libFuzzer target: ODP profiles (mm_profile_parse against the Rev 3 catalog). A profile
 * that parses is then used to evaluate a small fixed assessment whose ODP values differ
 * from most profiles, so the conflict detection and the text and JSON reports see the
 * fuzzed values too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/assess.h"
#include "mamori/catalog.h"
#include "mamori/error.h"
#include "mamori/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char assessment_json[] =
    "{\"framework\": \"800-171r3\", \"organization\": \"Fuzz K.K.\","
    " \"dates\": {\"assessed\": \"2026-11-02\"},"
    " \"odp\": {\"A.03.01.01.ODP.01\": \"at most 30 days\","
    " \"A.03.01.08.ODP.01\": \"at most ten (10)\", \"A.03.01.10.ODP.01\": \"15 minutes\"},"
    " \"requirements\": {\"03.01.01\": \"met\", \"03.01.08\": \"not-met\","
    " \"03.01.10\": {\"objectives\": {\"A.03.01.10.a\": \"satisfied\"}},"
    " \"03.13.11\": \"not-met\"},"
    " \"poam\": [{\"requirement\": \"03.13.11\", \"weakness\": \"no FIPS crypto\"}]}";

static mm_catalog *catalog;
static mm_assessment *assessment;

static void load_once(void)
{
    if (catalog)
        return;
    if (mm_catalog_load(&catalog, MM_FW_R3, NULL) ||
        mm_assessment_parse(&assessment, catalog, assessment_json, strlen(assessment_json),
                            "fuzz-assessment.json"))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_once();
    mm_profile *p = NULL;
    if (mm_profile_parse(&p, catalog, (const char *)data, size, "fuzz-profile.json") == MM_OK) {
        mm_result *res = NULL;
        if (mm_assessment_evaluate(&res, assessment, p) == MM_OK) {
            mm_report_options opts = {.now = 1767225600, .tool_version = "fuzz"};
            char *out = NULL;
            (void)mm_report_render(&out, NULL, res, MM_REPORT_TEXT, &opts);
            free(out);
            out = NULL;
            (void)mm_report_render(&out, NULL, res, MM_REPORT_JSON, &opts);
            free(out);
        }
        mm_result_free(res);
    }
    mm_profile_free(p);
    mm_error_clear();
    return 0;
}
