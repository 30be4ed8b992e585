/*
 * STIX 2.1: the national aggregate of critical infrastructure as a report (docs/sharing.md
 * "The national aggregate"). The aggregate rides in a property extension of the report,
 * defined by an extension-definition SMO that the bundle carries (created by mamori's own
 * identity), so a consumer that does not know it still reads a valid report and one that does
 * finds every count under one key. Markings: the official TLP 2.0 definitions (stix.c). Pure:
 * no store, no clock.
 */
#include <stdio.h>
#include <string.h>

#include "mamori/share.h"
#include "share/stix_internal.h"
#include "util/util.h"

/* When mamori's extension-definition was written (version 1.0): fixed, like its id. */
#define AGG_EXT_CREATED "2026-12-07T00:00:00.000Z"
#define AGG_EXT_SCHEMA                                                                             \
    "mamori national aggregate 1.0: the property extension holds {\"kind\": "                      \
    "\"mamori-national-aggregate\", \"version\", \"as_of\" (YYYY-MM-DD), \"due_soon_days\", "      \
    "\"incident_window_days\", \"small_counts\", \"sectors\": [{\"sector\" (a key of the ESPA "    \
    "sector list), \"label_en\", \"operators\", \"plans_under_examination\", \"due_soon\", "       \
    "\"overdue\", \"suppliers\", \"suppliers_without_valid_assessment\", \"maintainers\", "        \
    "\"maintainers_without_valid_assessment\", \"percent_without_valid_assessment\", "             \
    "\"incidents\"}], \"totals\"}; every count is an integer of at least 5 or the string "         \
    "\"<5\"; no organization and no plan is named. Defined in mamori's docs/sharing.md."

static void stix_time_of(char out[25], const char *t)
{
    if (!t || strlen(t) < 19)
        t = "1970-01-01T00:00:00";
    snprintf(out, 25, "%.19s.000Z", t);
}

static void named_id(char out[100], const char *type, const char *name)
{
    char uuid[37];
    mm_uuid_v5(uuid, name);
    snprintf(out, 100, "%s--%s", type, uuid);
}

int mm_stix_aggregate_report(json_t **out, const json_t *aggregate, mm_tlp t,
                             const char *author_key, const char *author_name, const char *now)
{
    *out = NULL;
    if (!json_is_object(aggregate) || !author_key || !author_key[0] || (unsigned)t > MM_TLP_RED)
        return stix_fail(MM_EINVALID, "stix aggregate: an aggregate object and an author needed");
    char created[25], author[100], mamori[100], ext[100], report[100], bundle[100], key[300];
    stix_time_of(created, now);
    snprintf(key, sizeof key, "stix:identity:org:%.200s", author_key);
    named_id(author, "identity", key);
    named_id(mamori, "identity", "stix:identity:mamori");
    named_id(ext, "extension-definition", MM_STIX_AGGREGATE_EXT_NAME);
    const char *as_of = json_string_value(json_object_get(aggregate, "as_of"));
    snprintf(key, sizeof key, "stix:report:national-aggregate:%.200s:%.40s", author_key, created);
    named_id(report, "report", key);
    snprintf(key, sizeof key, "stix:bundle:national-aggregate:%.200s:%.40s", author_key, created);
    named_id(bundle, "bundle", key);
    const char *mark = stix_tlp2_ids[t];
    char name[200];
    snprintf(name, sizeof name, "Critical infrastructure: national aggregate as of %.10s",
             as_of ? as_of : created);
    json_t *extension = json_deep_copy(aggregate);
    if (extension)
        json_object_set_new(extension, "extension_type", json_string("property-extension"));
    json_t *objects = json_pack(
        "[o, {s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s]},"
        " {s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s},"
        " {s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s]},"
        " {s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:[s, s], s:[s], s:{s:o}}]",
        stix_marking_definition(t),
        /* the author: the authority that shares the aggregate */
        "type", "identity", "spec_version", "2.1", "id", author, "created_by_ref", author,
        "created", created, "modified", created, "name",
        author_name && author_name[0] ? author_name : author_key, "identity_class", "organization",
        "description", "the authority that shares this aggregate", "object_marking_refs", mark,
        /* mamori, the creator of the extension's definition */
        "type", "identity", "spec_version", "2.1", "id", mamori, "created_by_ref", mamori,
        "created", AGG_EXT_CREATED, "modified", AGG_EXT_CREATED, "name", "mamori", "identity_class",
        "system", "description", "mamori, the system that defines the national aggregate extension",
        /* the extension's definition */
        "type", "extension-definition", "spec_version", "2.1", "id", ext, "created_by_ref", mamori,
        "created", AGG_EXT_CREATED, "modified", AGG_EXT_CREATED, "name",
        "mamori national aggregate", "description",
        "Per-sector counts of Japan's essential-infrastructure screening (Economic Security "
        "Promotion Act, Chapter III): designated operators, installation plans under "
        "examination, suppliers and maintainers without a valid assessment, incidents. "
        "Aggregates only.",
        "schema", AGG_EXT_SCHEMA, "version", "1.0", "extension_types", "property-extension",
        /* the report */
        "type", "report", "spec_version", "2.1", "id", report, "created_by_ref", author, "created",
        created, "modified", created, "name", name, "description",
        "Aggregate counts per essential-infrastructure sector; counts under 5 are \"<5\"; no "
        "organization or plan is named. The counts are in this report's property extension, "
        "whose extension-definition is in the bundle.",
        "published", created, "report_types", "threat-report", "object_refs", author, mamori,
        "object_marking_refs", mark, "extensions", ext, extension);
    if (!objects)
        return stix_fail(MM_ENOMEM, "out of memory");
    *out = json_pack("{s:s, s:s, s:o}", "type", "bundle", "id", bundle, "objects", objects);
    return *out ? MM_OK : stix_fail(MM_ENOMEM, "out of memory");
}
