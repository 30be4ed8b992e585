/* A customer's suppliers at every tier the reader may see, with each edge's tier and
 * flow-down check: the one view the API, the dashboard and `mamori graph suppliers` show. */
#include "mamori/supply.h"
#include "util/util.h"

static bool carries(const json_t *edge, const char *handles)
{
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(edge, "handles"), i, h)
    {
        if (mm_streq(json_string_value(h), handles))
            return true;
    }
    return false;
}

int mm_supply_view(mm_store *s, json_t **out, const char *org_id, bool all, const char *handles,
                   const char *check, const mm_clause_catalog *c, const mm_supply_dates *d)
{
    *out = NULL;
    json_t *tree = NULL, *statements = NULL;
    int rc = mm_store_supply_tree(s, &tree, org_id, all);
    if (rc == MM_OK)
        rc = mm_store_clause_statements(s, &statements);
    if (rc) {
        json_decref(tree);
        return rc;
    }
    json_t *items = json_object_get(tree, "items");
    mm_supply_tiers(items, org_id);
    json_t *kept = json_array(), *counts = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(items, i, e)
    {
        mm_supply_check_edge(e, c, statements, d);
        const char *ck = json_string_value(json_object_get(e, "check"));
        if ((handles && !carries(e, handles)) || (check && !mm_streq(ck, check)))
            continue;
        const char *key = ck ? ck : "not-checked";
        json_object_set_new(counts, key,
                            json_integer(json_integer_value(json_object_get(counts, key)) + 1));
        json_array_append(kept, e);
    }
    json_decref(statements);
    json_decref(tree);
    *out = json_pack("{s:s, s:o, s:o}", "org_id", org_id, "items", kept, "counts", counts);
    return *out ? MM_OK : MM_ENOMEM;
}
