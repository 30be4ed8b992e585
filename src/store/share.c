/* The store's sharing tables (schema 3): communities, items, recipients, permissions. One
 * set of statements for both databases (src/store/driver.h), every value a typed parameter
 * ($1..$n). Nothing here decides
 * who may read an item: mm_tlp_may_read does, in the server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/store.h"
#include "store/driver.h"

/* ---- communities ----------------------------------------------------------------------- */

int mm_store_create_community(mm_store *s, const char *id, const char *name,
                              const char *description, const char *created)
{
    if (!mm_nonempty(id) || !mm_nonempty(name) || !created) {
        mm_error_set("a community needs an id and a name");
        return MM_EINVALID;
    }
    const mm_param v[] = {P_TEXT(id), P_TEXT(name), P_TEXT(description ? description : ""),
                          P_TEXT(created)};
    return mm_db_insert(
        s, NULL, "INSERT INTO communities (id, name, description, created) VALUES ($1, $2, $3, $4)",
        4, v, NULL, "a community named '%.100s' exists already", name);
}

int mm_store_update_community(mm_store *s, const char *id, const char *name,
                              const char *description)
{
    if (!mm_nonempty(id) || (name && !name[0])) {
        mm_error_set("a community needs an id and a name");
        return MM_EINVALID;
    }
    char notfound[160];
    snprintf(notfound, sizeof notfound, "no community '%.64s'", id);
    const mm_param v[] = {P_TEXT(id), P_TEXT(name), P_TEXT(description)};
    int rc = mm_db_change(s, notfound,
                          "UPDATE communities SET name = coalesce($2, name),"
                          " description = coalesce($3, description) WHERE id = $1",
                          3, v);
    if (rc == MM_ECONFLICT)
        mm_error_set("a community named '%.100s' exists already", name ? name : "");
    return rc;
}

static json_t *member_org(const json_t *row)
{
    return mm_cell_text(row, 4);
}

/* The communities with their members, by name: those org_id is a member of (NULL: all), or
 * with id the one community of that id (MM_ENOTFOUND when there is none). */
static int communities(mm_store *s, json_t **out, const char *org_id, const char *id)
{
    static const char *const keys[] = {"id", "name", "description", "created", NULL};
    json_t *rows = NULL;
    const mm_param v[] = {P_TEXT(org_id), P_TEXT(id)};
    int rc =
        mm_db_rows(s, &rows, NULL,
                   "SELECT c.id, c.name, c.description, c.created, m.org_id FROM communities c"
                   " LEFT JOIN community_members m ON m.community_id = c.id"
                   " WHERE ($1 IS NULL OR c.id IN (SELECT community_id"
                   "   FROM community_members WHERE org_id = $1)) AND ($2 IS NULL OR c.id = $2)"
                   " ORDER BY c.name, c.id, m.org_id",
                   2, v);
    *out = NULL;
    return rc ? rc
              : mm_db_groups(out, rows, keys, "ssss", member_org, id ? "no such community" : NULL);
}

int mm_store_list_communities(mm_store *s, json_t **out, const char *org_id)
{
    return communities(s, out, org_id, NULL);
}

int mm_store_get_community(mm_store *s, json_t **out, const char *id)
{
    return communities(s, out, NULL, id ? id : "");
}

int mm_store_add_community_member(mm_store *s, const char *community_id, const char *org_id,
                                  const char *added)
{
    const mm_param v[] = {P_TEXT(community_id), P_TEXT(org_id), P_TEXT(added)};
    return mm_db_insert(
        s, NULL, "INSERT INTO community_members (community_id, org_id, added) VALUES ($1, $2, $3)",
        3, v, "no such community or organization", "the organization is a member already");
}

int mm_store_remove_community_member(mm_store *s, const char *community_id, const char *org_id)
{
    const mm_param v[] = {P_TEXT(community_id), P_TEXT(org_id)};
    return mm_db_change(s, "the organization is not a member of this community",
                        "DELETE FROM community_members WHERE community_id = $1 AND org_id = $2", 2,
                        v);
}

int mm_store_org_tree(mm_store *s, json_t **out)
{
    return mm_db_rows(s, out, NULL, "SELECT id, kind, parent_id FROM organizations ORDER BY id", 0,
                      NULL);
}

/* ---- items ----------------------------------------------------------------------------- */

/* Recipients: users, then organizations; ones already there are skipped. */
int mm_store_add_item_recipients(mm_store *s, const char *item_id, const json_t *users,
                                 const json_t *orgs, const char *added, const char *added_by)
{
    static const char *const sql[] = {
        "INSERT INTO item_recipients (item_id, user_id, added, added_by) SELECT $1, $2, $3, $4"
        " WHERE NOT EXISTS (SELECT 1 FROM item_recipients WHERE item_id = $1 AND user_id = $2)",
        "INSERT INTO item_recipients (item_id, org_id, added, added_by) SELECT $1, $2, $3, $4"
        " WHERE NOT EXISTS (SELECT 1 FROM item_recipients WHERE item_id = $1 AND org_id = $2)"};
    const json_t *lists[] = {users, orgs};
    int rc = MM_OK;
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        json_t *x;
        json_array_foreach(lists[k], i, x)
        {
            const mm_param v[] = {P_TEXT(item_id),
                                  k ? P_TEXT(json_string_value(x)) : P_INT(json_integer_value(x)),
                                  P_TEXT(added), P_TEXT(added_by ? added_by : "")};
            if ((rc = mm_db_rows(s, NULL, NULL, sql[k], 4, v)))
                return rc;
        }
    }
    return rc;
}

int mm_store_create_item(mm_store *s, const mm_item_rec *r)
{
    if (!mm_nonempty(r->id) || !mm_nonempty(r->originator_org) || !mm_nonempty(r->tlp) ||
        !r->title || !r->body || !r->created) {
        mm_error_set("an item needs an id, an originator, a label, a title and a body");
        return MM_EINVALID;
    }
    const mm_param v[] = {P_TEXT(r->id),
                          P_TEXT(r->kind ? r->kind : "report"),
                          P_TEXT(r->originator_org),
                          r->originator_user > 0 ? P_INT(r->originator_user) : P_NULL,
                          P_TEXT(r->tlp),
                          P_TEXT(r->community_id),
                          P_TEXT(r->title),
                          P_TEXT(r->body),
                          P_TEXT(r->sources ? r->sources : "[]"),
                          P_TEXT(r->created)};
    int rc = mm_db_rows(s, NULL, NULL,
                        "INSERT INTO shared_items (id, kind, originator_org, originator_user, tlp,"
                        " community_id, title, body, sources, created, modified)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
                        10, v);
    if (rc == MM_OK)
        rc = mm_store_add_item_recipients(s, r->id, r->recipient_users, r->recipient_orgs,
                                          r->created, r->added_by);
    return rc;
}

int mm_store_list_items(mm_store *s, json_t **out, const char *id)
{
    static const char *const keys[] = {
        "id",    "kind", "tlp",     "originator_org", "originator_user", "community_id",
        "title", "body", "sources", "created",        "modified",        NULL};
    *out = NULL;
    const mm_param v[] = {P_TEXT(id)};
    json_t *list = NULL, *recs = NULL, *reshares = NULL, *by_id = json_object();
    int rc = mm_db_objects(s, &list,
                           "SELECT id, kind, tlp, originator_org, originator_user, community_id,"
                           " title, body, sources, created, modified FROM shared_items"
                           " WHERE $1 IS NULL OR id = $1 ORDER BY modified DESC, id",
                           1, v, keys, "ssssissoass");
    if (rc == MM_OK)
        rc = mm_db_rows(s, &recs, NULL,
                        "SELECT item_id, org_id, user_id FROM item_recipients"
                        " WHERE $1 IS NULL OR item_id = $1 ORDER BY id",
                        1, v);
    if (rc == MM_OK)
        rc = mm_db_rows(s, &reshares, NULL,
                        "SELECT item_id, from_org, to_org, reshared_by, reshared FROM item_reshares"
                        " WHERE $1 IS NULL OR item_id = $1 ORDER BY id",
                        1, v);
    if (rc == MM_OK && id && json_array_size(list) == 0) {
        mm_error_set("no such item");
        rc = MM_ENOTFOUND;
    }
    json_t *gates = NULL; /* schema 10: each item's gates (gates.c) */
    if (rc == MM_OK)
        rc = mm_store_item_gates(s, &gates, id);
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row)
    {
        json_t *g = json_object_get(gates, json_string_value(json_object_get(row, "id")));
        if (rc || !by_id || json_object_set_new(row, "gate", g ? json_incref(g) : json_null()) ||
            json_object_set_new(row, "recipients", json_pack("{s:[],s:[]}", "orgs", "users")) ||
            json_object_set_new(row, "reshares", json_array()) ||
            json_object_set(by_id, json_string_value(json_object_get(row, "id")), row)) {
            rc = rc ? rc : mm_oom();
            break;
        }
    }
    json_array_foreach(recs, i, row)
    {
        json_t *r = json_object_get(json_object_get(by_id, mm_cell(row, 0)), "recipients");
        if (!rc && r)
            json_array_append_new(json_object_get(r, mm_cell(row, 1) ? "orgs" : "users"),
                                  mm_cell(row, 1) ? mm_cell_text(row, 1) : mm_cell_int(row, 2));
    }
    json_array_foreach(reshares, i, row)
    {
        json_t *r = json_object_get(json_object_get(by_id, mm_cell(row, 0)), "reshares");
        if (!rc && r)
            json_array_append_new(r,
                                  json_pack("{s:o,s:o,s:o,s:o}", "from_org", mm_cell_text(row, 1),
                                            "to_org", mm_cell_text(row, 2), "by",
                                            mm_cell_text(row, 3), "at", mm_cell_text(row, 4)));
    }
    json_decref(recs);
    json_decref(reshares);
    json_decref(gates);
    json_decref(by_id);
    if (rc == MM_OK)
        *out = id ? json_incref(json_array_get(list, 0)) : json_incref(list);
    json_decref(list);
    return rc;
}

int mm_store_add_item_reshare(mm_store *s, const char *item_id, const char *from_org,
                              const char *to_org, const char *by, const char *when)
{
    const mm_param v[] = {P_TEXT(item_id), P_TEXT(from_org), P_TEXT(to_org), P_TEXT(by),
                          P_TEXT(when)};
    return mm_db_insert(s, NULL,
                        "INSERT INTO item_reshares (item_id, from_org, to_org, reshared_by,"
                        " reshared) VALUES ($1, $2, $3, $4, $5)",
                        5, v, NULL, "the item is re-shared with organization '%.64s' already",
                        to_org);
}

int mm_store_set_item_label(mm_store *s, const char *item_id, const char *tlp,
                            const char *community_id, const char *modified)
{
    const mm_param v[] = {P_TEXT(item_id), P_TEXT(tlp), P_TEXT(community_id), P_TEXT(modified)};
    return mm_db_change(
        s, "no such item",
        "UPDATE shared_items SET tlp = $2, community_id = $3, modified = $4 WHERE id = $1", 4, v);
}

int mm_store_add_item_permission(mm_store *s, int64_t *out_id, const char *item_id,
                                 const char *grantee_org, const char *what, const char *granted_by,
                                 const char *granted)
{
    const mm_param v[] = {P_TEXT(item_id), P_TEXT(grantee_org), P_TEXT(what ? what : "{}"),
                          P_TEXT(granted_by), P_TEXT(granted)};
    return mm_db_insert(s, out_id,
                        "INSERT INTO item_permissions (item_id, grantee_org, what, granted_by,"
                        " granted) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        5, v, NULL, NULL);
}

int mm_store_list_item_permissions(mm_store *s, json_t **out, const char *item_id,
                                   const char *grantee_org)
{
    static const char *const keys[] = {"id", "grantee_org", "what", "granted_by", "granted", NULL};
    const mm_param v[] = {P_TEXT(item_id), P_TEXT(grantee_org)};
    return mm_db_objects(s, out,
                         "SELECT id, grantee_org, what, granted_by, granted FROM item_permissions"
                         " WHERE item_id = $1 AND ($2 IS NULL OR grantee_org = $2) ORDER BY id",
                         2, v, keys, "isoss");
}
