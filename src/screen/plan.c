/* Installation plans (導入等計画書; docs/screening.md): the plan file's check against the sector
 * list, and the states a plan moves through. Used by the CLI offline and by the store before
 * anything is written. */
#include <string.h>

#include "mamori/error.h"
#include "mamori/screen.h"
#include "util/json.h"
#include "util/util.h"

bool mm_plan_transition_ok(const char *from, const char *to)
{
    /* from -> the states it may move to (docs/screening.md "States") */
    static const struct {
        const char *from, *to;
    } moves[] = {
        {"submitted", "under-examination"}, {"submitted", "cleared"},
        {"submitted", "withdrawn"},         {"under-examination", "extended"},
        {"under-examination", "cleared"},   {"under-examination", "recommendation"},
        {"under-examination", "withdrawn"}, {"extended", "cleared"},
        {"extended", "recommendation"},     {"extended", "withdrawn"},
        {"recommendation", "order"},        {"recommendation", "cleared"},
        {"recommendation", "withdrawn"},
    };
    if (!from || !to)
        return false;
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (strcmp(moves[i].from, from) == 0 && strcmp(moves[i].to, to) == 0)
            return true;
    return false;
}

static bool text_ok(const json_t *v, size_t max)
{
    const char *s = json_string_value(v);
    return s && s[0] && strlen(s) <= max;
}

/* Only the members in keys (NULL-terminated) are allowed in o. */
static int members_only(const json_t *o, const char *const *keys, const char *name,
                        const char *path)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        size_t i = 0;
        while (keys[i] && strcmp(keys[i], k) != 0)
            i++;
        if (!keys[i])
            return mm_json_fail(name, path, "unknown member '%s'", k);
    }
    return MM_OK;
}

/* A party: {"org": ID} (an organization in mamori) or {"name": TEXT} (an outside party),
 * with role_key ("component", "scope") optional text. *who gets "org:ID" or "name:TEXT". */
static int party(const json_t *p, const char *name, const char *path, const char *role_key,
                 char *who, size_t size)
{
    if (!json_is_object(p))
        return mm_json_fail(name, path,
                            "expected an object {\"org\": ID} or {\"name\": TEXT}, not %s",
                            mm_json_type_name(p));
    const char *const keys[] = {"org", "name", "country", role_key, NULL};
    int rc = members_only(p, keys, name, path);
    if (rc)
        return rc;
    const json_t *org = json_object_get(p, "org"), *nm = json_object_get(p, "name");
    if ((org != NULL) == (nm != NULL))
        return mm_json_fail(name, path,
                            "name the party by exactly one of org (an organization "
                            "in mamori) or name (an outside party)");
    char sub[200];
    snprintf(sub, sizeof sub, "%s.%s", path, org ? "org" : "name");
    if (!text_ok(org ? org : nm, 200))
        return mm_json_fail(name, sub, "expected non-empty text of at most 200 bytes");
    const json_t *c = json_object_get(p, "country");
    if (c) {
        const char *cs = json_string_value(c);
        if (!cs || strlen(cs) != 2 || cs[0] < 'A' || cs[0] > 'Z' || cs[1] < 'A' || cs[1] > 'Z') {
            snprintf(sub, sizeof sub, "%s.country", path);
            return mm_json_fail(name, sub, "expected an ISO 3166-1 alpha-2 code (JP, US)");
        }
    }
    if (role_key && json_object_get(p, role_key) && !text_ok(json_object_get(p, role_key), 500)) {
        snprintf(sub, sizeof sub, "%s.%s", path, role_key);
        return mm_json_fail(name, sub, "expected non-empty text of at most 500 bytes");
    }
    snprintf(who, size, "%s:%s", org ? "org" : "name", json_string_value(org ? org : nm));
    return MM_OK;
}

static int equipment(const json_t *e, const json_t *sector, const char *name)
{
    if (!json_is_object(e))
        return mm_json_fail(name, "$.equipment", "expected an object, not %s",
                            mm_json_type_name(e));
    static const char *const keys[] = {"category", "description", "product",
                                       "model",    "version",     NULL};
    int rc = members_only(e, keys, name, "$.equipment");
    if (rc)
        return rc;
    static const char *const texts[] = {"description", "product", "model", "version"};
    for (size_t i = 0; i < 4; i++) {
        const json_t *v = json_object_get(e, texts[i]);
        char path[64];
        snprintf(path, sizeof path, "$.equipment.%s", texts[i]);
        if (v && !text_ok(v, 1000))
            return mm_json_fail(name, path, "expected non-empty text of at most 1000 bytes");
    }
    if (!json_object_get(e, "model"))
        return mm_json_fail(name, "$.equipment.model", "required: the equipment's model");
    json_t *cats = mm_sector_equipment(sector);
    if (!cats)
        return MM_ENOMEM;
    const json_t *cat = json_object_get(e, "category");
    const char *key = json_string_value(json_object_get(sector, "key"));
    rc = MM_OK;
    if (json_array_size(cats) == 0) {
        if (cat)
            rc = mm_json_fail(name, "$.equipment.category",
                              "the sector list gives no equipment categories for '%s' (not read "
                              "in the data); leave category out and describe the equipment in "
                              "description",
                              key);
        else if (!json_object_get(e, "description"))
            rc = mm_json_fail(name, "$.equipment.description",
                              "required when the sector has no equipment categories");
    } else if (!json_is_string(cat)) {
        rc = mm_json_fail(name, "$.equipment.category",
                          "required: one of %s.1 to %s.%zu (mamori screen sectors --equipment %s)",
                          key, key, json_array_size(cats), key);
    } else {
        size_t i;
        json_t *c;
        bool found = false;
        json_array_foreach(cats, i, c) found =
            found ||
            strcmp(json_string_value(json_object_get(c, "id")), json_string_value(cat)) == 0;
        if (!found)
            rc = mm_json_fail(name, "$.equipment.category",
                              "'%s' is not an equipment category of sector '%s' (%s.1 to %s.%zu)",
                              json_string_value(cat), key, key, key, json_array_size(cats));
    }
    json_decref(cats);
    return rc;
}

int mm_plan_check(const json_t *plan, const json_t *sectors, const char *name)
{
    if (!json_is_object(plan))
        return mm_json_fail(name, "$", "expected an installation plan object, not %s",
                            mm_json_type_name(plan));
    static const char *const keys[] = {"kind",        "operator",
                                       "sector",      "equipment",
                                       "supplier",    "component_suppliers",
                                       "maintainers", "planned_start",
                                       "planned_end", "note",
                                       NULL};
    int rc = members_only(plan, keys, name, "$");
    if (rc)
        return rc;
    const json_t *kind = json_object_get(plan, "kind");
    if (kind && !mm_streq(json_string_value(kind), "mamori-installation-plan"))
        return mm_json_fail(name, "$.kind", "expected \"mamori-installation-plan\"");
    if (!text_ok(json_object_get(plan, "operator"), 200))
        return mm_json_fail(name, "$.operator",
                            "required: the designated operator's organization id");
    const char *skey = json_string_value(json_object_get(plan, "sector"));
    if (!skey)
        return mm_json_fail(name, "$.sector", "required: a sector key (mamori screen sectors)");
    const json_t *sector = mm_sector_find(sectors, skey);
    if (!sector)
        return mm_json_fail(name, "$.sector",
                            "'%s' is not a sector of the list (mamori screen sectors)", skey);
    rc = equipment(json_object_get(plan, "equipment"), sector, name);
    if (rc)
        return rc;
    const json_t *note = json_object_get(plan, "note");
    if (note && !text_ok(note, 4000))
        return mm_json_fail(name, "$.note", "expected non-empty text of at most 4000 bytes");
    const char *start = json_string_value(json_object_get(plan, "planned_start"));
    const char *end = json_string_value(json_object_get(plan, "planned_end"));
    if (json_object_get(plan, "planned_start") && !mm_is_date(start))
        return mm_json_fail(name, "$.planned_start", "expected a date YYYY-MM-DD");
    if (json_object_get(plan, "planned_end") && !mm_is_date(end))
        return mm_json_fail(name, "$.planned_end", "expected a date YYYY-MM-DD");
    if (start && end && strcmp(end, start) < 0)
        return mm_json_fail(name, "$.planned_end", "%s is before planned_start %s", end, start);
    char sup[220];
    if (!json_object_get(plan, "supplier"))
        return mm_json_fail(name, "$.supplier", "required: the equipment's supplier");
    rc = party(json_object_get(plan, "supplier"), name, "$.supplier", NULL, sup, sizeof sup);
    if (rc)
        return rc;
    static const struct {
        const char *list, *role_key;
    } lists[] = {{"component_suppliers", "component"}, {"maintainers", "scope"}};
    for (size_t l = 0; l < 2; l++) {
        const json_t *a = json_object_get(plan, lists[l].list);
        char path[96];
        snprintf(path, sizeof path, "$.%s", lists[l].list);
        if (!a)
            continue;
        if (!json_is_array(a) || json_array_size(a) > 200)
            return mm_json_fail(name, path, "expected an array of at most 200 parties");
        char seen[200][220];
        for (size_t i = 0; i < json_array_size(a); i++) {
            snprintf(path, sizeof path, "$.%s[%zu]", lists[l].list, i);
            rc =
                party(json_array_get(a, i), name, path, lists[l].role_key, seen[i], sizeof seen[i]);
            if (rc)
                return rc;
            for (size_t j = 0; j < i; j++)
                if (strcmp(seen[j], seen[i]) == 0)
                    return mm_json_fail(name, path, "%s is already $.%s[%zu]",
                                        seen[i] + 4 + (seen[i][0] == 'n'), lists[l].list, j);
            if (l == 0 && strcmp(seen[i], sup) == 0)
                return mm_json_fail(name, path,
                                    "%s is also $.supplier: a party is the supplier or one of its "
                                    "component suppliers, not both",
                                    seen[i] + 4 + (seen[i][0] == 'n'));
        }
    }
    return MM_OK;
}
