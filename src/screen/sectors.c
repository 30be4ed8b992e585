/* The ESPA sector list (content/screening/espa-sectors.json; docs/screening.md): loaded as the
 * data gives it, looked up by key or exact name, its equipment numbered, each sector shown
 * with the data's own "not verified" / 未読 marks. Nothing here completes the data. */
#include <stdio.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "mamori/error.h"
#include "mamori/screen.h"

#define SECTOR_FILE "screening/espa-sectors.json"

int mm_sectors_load(json_t **out, const char *content_dir)
{
    *out = NULL;
    json_t *root = NULL;
    int rc = mm_content_json(&root, content_dir, SECTOR_FILE);
    if (rc)
        return rc;
    json_t *list = json_object_get(root, "sectors");
    size_t i;
    json_t *s;
    bool ok = json_is_array(list) && json_array_size(list) > 0;
    json_array_foreach(list, i, s) ok = ok && json_is_string(json_object_get(s, "key"));
    if (!ok) {
        json_decref(root);
        mm_error_set("%s: $.sectors: expected an array of sectors, each with a key", SECTOR_FILE);
        return MM_EINVALID;
    }
    *out = root;
    return MM_OK;
}

const json_t *mm_sector_find(const json_t *sectors, const char *key)
{
    size_t i;
    json_t *s;
    if (!key)
        return NULL;
    json_array_foreach(json_object_get(sectors, "sectors"), i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "key")), key) == 0)
            return s;
    }
    return NULL;
}

const char *mm_sector_match(const json_t *sectors, const char *text)
{
    static const char *const names[] = {"key", "label_ja", "label_ja_secondary",
                                        "label_en_secondary"};
    size_t i;
    json_t *s;
    if (!text || !text[0])
        return NULL;
    json_array_foreach(json_object_get(sectors, "sectors"), i, s)
    {
        for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
            const char *v = json_string_value(json_object_get(s, names[n]));
            if (v && strcmp(v, text) == 0)
                return json_string_value(json_object_get(s, "key"));
        }
    }
    return NULL;
}

json_t *mm_sector_equipment(const json_t *sector)
{
    json_t *out = json_array();
    const char *key = json_string_value(json_object_get(sector, "key"));
    size_t i, j;
    json_t *b, *item;
    int n = 0;
    json_array_foreach(json_object_get(sector, "specified_critical_equipment_ja"), i, b)
    {
        json_array_foreach(json_object_get(b, "items"), j, item)
        {
            char id[96];
            snprintf(id, sizeof id, "%s.%d", key ? key : "?", ++n);
            if (!out || json_array_append_new(
                            out, json_pack("{s:s, s:O?, s:O}", "id", id, "business",
                                           json_object_get(b, "business"), "text", item)) != 0) {
                json_decref(out);
                return NULL;
            }
        }
    }
    return out;
}

/* The first of keys that the sector has, with whether it was the verified one (keys[0]). */
static const json_t *first_of(const json_t *s, const char *const *keys, size_t n, bool *primary)
{
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(s, keys[i]);
        if (v && !json_is_null(v)) {
            *primary = i == 0;
            return v;
        }
    }
    *primary = false;
    return NULL;
}

json_t *mm_sector_summary(const json_t *sector)
{
    static const char *const ja[] = {"label_ja", "label_ja_secondary"};
    bool ja_primary = false;
    const json_t *label_ja = first_of(sector, ja, 2, &ja_primary);
    const json_t *verified = json_object_get(sector, "competent_ministry_verified");
    json_t *eq = mm_sector_equipment(sector);
    if (!eq)
        return NULL;
    json_t *out = json_pack(
        "{s:O, s:O?, s:b, s:O?, s:b, s:O?, s:b, s:O?, s:O?, s:I}", "key",
        json_object_get(sector, "key"), "label_ja", (json_t *)label_ja, "label_ja_verified",
        ja_primary, "label_en", json_object_get(sector, "label_en_secondary"), "label_en_verified",
        0, "ministry", json_object_get(sector, "competent_ministry"), "ministry_verified",
        json_is_true(verified), "equipment_status", json_object_get(sector, "equipment_status"),
        "source",
        json_object_get(sector, json_object_get(sector, "ordinance_source") ? "ordinance_source"
                                                                            : "label_ja_source"),
        "equipment_categories", (json_int_t)json_array_size(eq));
    json_decref(eq);
    return out;
}
