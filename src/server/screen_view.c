/* mamori serve: the authority's screening view of one installation plan (docs/screening.md
 * "The screening view"): for each party named in the plan, what mamori holds on it: whether it
 * is an organization in mamori at all, its latest assessment status, its supply edges below
 * the operator with their tiers and flow-down checks (the supply graph, authority's view), and
 * the equipment's product with its labels. Read-only; the authority's route only. */
#include <stdio.h>
#include <string.h>

#include "mamori/iot.h"
#include "server/screen.h"
#include "server/supply.h"
#include "util/util.h"

/* The edges of view (supply_view of the operator) whose supplier is org_id. */
static json_t *edges_of(const json_t *view, const char *org_id)
{
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(view, "items"), i, e)
    {
        if (out && mm_streq(json_string_value(json_object_get(e, "supplier_id")), org_id))
            json_array_append(out, e);
    }
    return out;
}

/* One party's entry; notes says in words what the view does not find. */
static json_t *party_entry(http_req *r, const json_t *p, const char *role, const char *path,
                           const json_t *view, int *rc)
{
    const char *org_id = json_string_value(json_object_get(p, "org"));
    json_t *notes = json_array();
    json_t *e = json_pack("{s:s, s:s, s:O?, s:O?, s:O?, s:O?, s:O?}", "role", role, "path", path,
                          "org", json_object_get(p, "org"), "name", json_object_get(p, "name"),
                          "country", json_object_get(p, "country"), "component",
                          json_object_get(p, "component"), "scope", json_object_get(p, "scope"));
    if (!e || !notes) {
        json_decref(e);
        json_decref(notes);
        *rc = MM_ENOMEM;
        return NULL;
    }
    if (!org_id) {
        json_object_set_new(e, "known", json_false());
        json_array_append_new(notes, json_string("named only: not an organization in mamori, "
                                                 "so mamori holds nothing on it"));
        json_object_set_new(e, "notes", notes);
        return e;
    }
    json_t *org = NULL;
    char status[32] = "";
    *rc = mm_store_get_org(r->st, &org, org_id);
    if (*rc == MM_OK)
        *rc = mm_store_latest_status(r->st, org_id, status);
    if (*rc) {
        json_decref(org);
        json_decref(notes);
        json_decref(e);
        return NULL;
    }
    json_t *edges = edges_of(view, org_id);
    json_object_set_new(e, "known", json_true());
    json_object_set(e, "organization_name", json_object_get(org, "name"));
    json_object_set_new(e, "latest_status", status[0] ? json_string(status) : json_null());
    if (!status[0])
        json_array_append_new(notes, json_string("no assessment on file"));
    if (json_array_size(edges) == 0)
        json_array_append_new(notes, json_string("no active supply edge below the operator in the "
                                                 "supply graph: no flow-down check"));
    size_t i;
    json_t *ed;
    json_array_foreach(edges, i, ed)
    {
        const char *check = json_string_value(json_object_get(ed, "check"));
        if (check && strcmp(check, "ok") != 0) {
            char note[160];
            snprintf(note, sizeof note, "flow-down check '%s' on contract %s", check,
                     json_string_value(json_object_get(ed, "contract")));
            json_array_append_new(notes, json_string(note));
        }
    }
    json_object_set_new(e, "supply_edges", edges ? edges : json_array());
    json_object_set_new(e, "notes", notes);
    json_decref(org);
    return e;
}

int screen_plan_view(http_req *r, const char *id, json_t **out)
{
    *out = NULL;
    json_t *p = NULL, *view = NULL, *parties = json_array();
    int rc = parties ? mm_store_plan_get(r->st, &p, id) : MM_ENOMEM;
    const char *op = json_string_value(json_object_get(p, "operator_id"));
    if (rc == MM_OK)
        rc = supply_view(r, op, NULL, NULL, &view);
    const json_t *plan = json_object_get(p, "plan");
    if (rc == MM_OK) {
        json_t *e =
            party_entry(r, json_object_get(plan, "supplier"), "supplier", "$.supplier", view, &rc);
        if (e)
            json_array_append_new(parties, e);
    }
    static const struct {
        const char *list, *role;
    } lists[] = {{"component_suppliers", "component-supplier"}, {"maintainers", "maintainer"}};
    for (size_t l = 0; l < 2 && rc == MM_OK; l++) {
        const json_t *a = json_object_get(plan, lists[l].list);
        for (size_t i = 0; i < json_array_size(a) && rc == MM_OK; i++) {
            char path[64];
            snprintf(path, sizeof path, "$.%s[%zu]", lists[l].list, i);
            json_t *e = party_entry(r, json_array_get(a, i), lists[l].role, path, view, &rc);
            if (e)
                json_array_append_new(parties, e);
        }
    }
    /* the equipment: its category as the data gives it, its product with labels */
    const json_t *eq = json_object_get(plan, "equipment");
    json_t *category = json_null(), *product = json_null();
    const json_t *sectors = screen_sectors();
    const json_t *sector = mm_sector_find(sectors, json_string_value(json_object_get(p, "sector")));
    json_t *cats = sector ? mm_sector_equipment(sector) : NULL;
    size_t i;
    json_t *c;
    json_array_foreach(cats, i, c)
    {
        if (mm_streq(json_string_value(json_object_get(c, "id")),
                     json_string_value(json_object_get(eq, "category"))))
            category = json_incref(c);
    }
    json_decref(cats);
    const char *prod = json_string_value(json_object_get(eq, "product"));
    const char *maker =
        json_string_value(json_object_get(json_object_get(plan, "supplier"), "org"));
    if (rc == MM_OK && prod && maker) {
        json_t *pr = NULL;
        int prc = mm_store_get_product(r->st, &pr, maker, prod);
        if (prc == MM_OK)
            product = pr;
        else if (prc != MM_ENOTFOUND)
            rc = prc;
    }
    if (rc == MM_OK)
        *out = json_pack("{s:O, s:o?, s:o, s:o, s:o}", "plan", p, "sector",
                         sector ? mm_sector_summary(sector) : NULL, "category", category, "product",
                         product, "parties", parties);
    else {
        json_decref(category);
        json_decref(product);
        json_decref(parties);
    }
    if (rc == MM_OK && !*out)
        rc = MM_ENOMEM;
    json_decref(p);
    json_decref(view);
    return rc;
}

void h_plan_screening(http_req *r, reply *out)
{
    json_t *v = NULL;
    int rc = screen_plan_view(r, r->param[0], &v);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, v);
}
