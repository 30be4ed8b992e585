/* The body of a new supply edge (POST /api/v1/organizations/{org}/suppliers), read through
 * mm_json_load: {"supplier_id", "contract", "clauses": [...], "handles": [...],
 * "tier_hint", "since", "until"}. Outside input: tests/fuzz/fuzz_supply_edge.c. */
#include <stdlib.h>
#include <string.h>

#include "mamori/supply.h"
#include "util/json.h"
#include "util/util.h"

void mm_supply_edge_body_free(mm_supply_edge_body *b)
{
    if (!b)
        return;
    json_decref(b->doc);
    free(b->clauses);
    free(b->handles);
    free(b);
}

static int check_date(const json_t *doc, const char *key, const char **out, const char *name)
{
    int rc = mm_json_get_string(out, doc, key, false, name, "$");
    if (rc == MM_OK && *out && !mm_is_date(*out)) {
        char path[64];
        mm_json_path_key(path, sizeof path, "$", key);
        return mm_json_fail(name, path, "\"%.40s\" is not a date YYYY-MM-DD", *out);
    }
    return rc;
}

int mm_supply_edge_body_parse(mm_supply_edge_body **out, const char *data, size_t len,
                              const char *name, const mm_clause_catalog *c)
{
    static const char *const allowed[] = {"supplier_id", "contract", "clauses", "handles",
                                          "tier_hint",   "since",    "until",   NULL};
    *out = NULL;
    mm_supply_edge_body *b = calloc(1, sizeof *b);
    if (!b)
        return MM_ENOMEM;
    json_t *clauses = NULL, *handles = NULL;
    json_int_t tier = 0;
    bool present = false;
    const char *bad = NULL;
    int rc = mm_json_load(&b->doc, data, len, name, 0);
    if (rc == MM_OK && !json_is_object(b->doc))
        rc = mm_json_fail(name, "$", "expected an object, found %s", mm_json_type_name(b->doc));
    if (rc == MM_OK)
        rc = mm_json_check_members(b->doc, allowed, name, "$");
    if (rc == MM_OK)
        rc = mm_json_get_string(&b->supplier_id, b->doc, "supplier_id", true, name, "$");
    if (rc == MM_OK)
        rc = mm_json_get_string(&b->contract, b->doc, "contract", true, name, "$");
    if (rc == MM_OK && (!b->contract[0] || strlen(b->contract) > 200))
        rc = mm_json_fail(name, "$.contract", "expected 1 to 200 characters");
    if (rc == MM_OK && (!b->supplier_id[0] || strlen(b->supplier_id) > 64))
        rc = mm_json_fail(name, "$.supplier_id", "expected an organization id");
    if (rc == MM_OK)
        rc = mm_json_get_array(&clauses, b->doc, "clauses", true, name, "$");
    if (rc == MM_OK)
        rc = mm_json_get_array(&handles, b->doc, "handles", true, name, "$");
    if (rc == MM_OK && json_array_size(clauses) > 32)
        rc = mm_json_fail(name, "$.clauses", "at most 32 clauses");
    if (rc == MM_OK && !mm_clause_ids_valid(c, clauses, &bad))
        rc = mm_json_fail(name, "$.clauses",
                          "\"%.60s\" is not a clause of the catalog "
                          "(GET /api/v1/clauses)",
                          bad);
    if (rc == MM_OK && (json_array_size(handles) < 1 || json_array_size(handles) > 4))
        rc = mm_json_fail(name, "$.handles", "expected 1 to 4 of cui, fci, mod-protected, none");
    if (rc == MM_OK && !mm_supply_handles_valid(handles, &bad))
        rc = mm_json_fail(name, "$.handles",
                          "\"%.40s\" is not one of cui, fci, mod-protected, none", bad);
    if (rc == MM_OK)
        rc = mm_json_get_integer(&tier, &present, b->doc, "tier_hint", false, name, "$");
    if (rc == MM_OK && present && (tier < 1 || tier > 64))
        rc = mm_json_fail(name, "$.tier_hint", "expected 1 to 64");
    if (rc == MM_OK)
        rc = check_date(b->doc, "since", &b->since, name);
    if (rc == MM_OK)
        rc = check_date(b->doc, "until", &b->until, name);
    if (rc == MM_OK && b->since && b->until && strcmp(b->since, b->until) > 0)
        rc = mm_json_fail(name, "$.until", "before since");
    if (rc == MM_OK) {
        b->tier_hint = (int64_t)tier;
        b->clauses = json_dumps(clauses, JSON_COMPACT);
        b->handles = json_dumps(handles, JSON_COMPACT);
        if (!b->clauses || !b->handles)
            rc = MM_ENOMEM;
    }
    if (rc) {
        mm_supply_edge_body_free(b);
        return rc;
    }
    *out = b;
    return MM_OK;
}
