/*
 * libFuzzer target: the incident report (src/incident/). Each input is parsed as a report
 * against the embedded Rev 3 and Rev 2 catalogs; a report that parses is written in the
 * canonical form, which must parse again to the same canonical form, and its deadline
 * functions run. The input is also given to the RFC 3339 parser as a string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/catalog.h"
#include "mamori/error.h"
#include "mamori/incident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mm_catalog *r3, *r2;

static void load_once(void)
{
    if (r3)
        return;
    if (mm_catalog_load(&r3, MM_FW_R3, NULL) || mm_catalog_load(&r2, MM_FW_R2, NULL))
        abort(); /* the embedded content must load */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_once();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    long long t;
    int off;
    if (mm_incident_parse_time(&t, &off, text) == MM_OK) {
        char out[MM_INCIDENT_TIME_TEXT_BYTES];
        long long t2;
        int off2;
        mm_incident_format_time(out, t, off);
        if (mm_incident_parse_time(&t2, &off2, out) != MM_OK || t2 != t || off2 != off)
            abort(); /* a formatted time must parse back to the same instant and offset */
    }
    mm_incident *inc = NULL;
    if (mm_incident_parse(&inc, text, size, "fuzz.json", r3, r2) == MM_OK) {
        char *a = NULL, *b = NULL;
        mm_incident *again = NULL;
        if (mm_incident_to_json(&a, inc) == MM_OK) {
            if (mm_incident_parse(&again, a, strlen(a), "canonical.json", r3, r2) != MM_OK)
                abort(); /* the canonical form must be valid */
            if (mm_incident_to_json(&b, again) == MM_OK && strcmp(a, b) != 0)
                abort(); /* and stable */
        }
        long long due = mm_incident_due(inc->discovered, MM_INCIDENT_DEFAULT_HOURS);
        (void)mm_incident_state(due, -1, inc->discovered, MM_INCIDENT_DUE_SOON_HOURS);
        (void)mm_incident_preserve_until(due, MM_INCIDENT_PRESERVE_DAYS);
        free(a);
        free(b);
        mm_incident_free(again);
    }
    mm_incident_free(inc);
    free(text);
    return 0;
}
