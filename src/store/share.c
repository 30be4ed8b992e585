/* The store's sharing tables (schema 3): communities, items, recipients, permissions. One
 * set of fixed statements for both backends, in the SQL both dialects share, run through
 * the backend's exec_params with every value a parameter ($1..$n). Nothing here decides
 * who may read an item: mm_tlp_may_read does, in the server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/store.h"
#include "store/store_internal.h"

static int q(mm_store *s, json_t **out, int64_t *changes, const char *sql, int n,
             const char *const *v)
{
    return mm_store_be(s)->exec_params(mm_store_impl(s), out, changes, sql, n, v);
}

static const char *cell(const json_t *row, size_t i)
{
    return json_string_value(json_array_get(row, i));
}

static json_t *cell_json(const json_t *row, size_t i)
{
    const char *t = cell(row, i);
    return t ? json_string(t) : json_null();
}

static json_t *cell_int(const json_t *row, size_t i)
{
    const char *t = cell(row, i);
    return t ? json_integer(strtoll(t, NULL, 10)) : json_null();
}

static json_t *cell_parsed(const json_t *row, size_t i, bool object)
{
    const char *t = cell(row, i);
    json_t *v = t ? json_loads(t, 0, NULL) : NULL;
    if (!v || (object ? !json_is_object(v) : !json_is_array(v))) {
        json_decref(v);
        v = object ? json_object() : json_array();
    }
    return v;
}

static int oom(void)
{
    mm_error_set("out of memory");
    return MM_ENOMEM;
}

static bool present(const char *s)
{
    return s && s[0];
}

/* ---- communities ----------------------------------------------------------------------- */

int mm_store_create_community(mm_store *s, const char *id, const char *name,
                              const char *description, const char *created)
{
    if (!present(id) || !present(name) || !created) {
        mm_error_set("a community needs an id and a name");
        return MM_EINVALID;
    }
    const char *v[] = {id, name, description ? description : "", created};
    int rc =
        q(s, NULL, NULL,
          "INSERT INTO communities (id, name, description, created) VALUES ($1, $2, $3, $4)", 4, v);
    if (rc == MM_ECONFLICT)
        mm_error_set("a community named '%.100s' exists already", name);
    return rc;
}

#define COMMUNITY_SQL                                                                              \
    "SELECT c.id, c.name, c.description, c.created, m.org_id FROM communities c"                   \
    " LEFT JOIN community_members m ON m.community_id = c.id"

static int communities(mm_store *s, json_t **out, const char *sql, int n, const char *const *v)
{
    json_t *rows = NULL;
    *out = NULL;
    int rc = q(s, &rows, NULL, sql, n, v);
    if (rc)
        return rc;
    json_t *list = json_array(), *cur = NULL;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (!list)
            break;
        if (!cur || strcmp(json_string_value(json_object_get(cur, "id")), cell(row, 0)) != 0) {
            cur = json_pack("{s:o,s:o,s:o,s:o,s:[]}", "id", cell_json(row, 0), "name",
                            cell_json(row, 1), "description", cell_json(row, 2), "created",
                            cell_json(row, 3), "members");
            if (!cur || json_array_append_new(list, cur)) {
                json_decref(list);
                list = NULL;
                break;
            }
        }
        if (cell(row, 4))
            json_array_append_new(json_object_get(cur, "members"), cell_json(row, 4));
    }
    json_decref(rows);
    if (!list)
        return oom();
    *out = list;
    return MM_OK;
}

int mm_store_list_communities(mm_store *s, json_t **out, const char *org_id)
{
    if (!org_id)
        return communities(s, out, COMMUNITY_SQL " ORDER BY c.name, c.id, m.org_id", 0, NULL);
    const char *v[] = {org_id};
    return communities(s, out,
                       COMMUNITY_SQL " WHERE c.id IN (SELECT community_id FROM community_members"
                                     " WHERE org_id = $1) ORDER BY c.name, c.id, m.org_id",
                       1, v);
}

int mm_store_get_community(mm_store *s, json_t **out, const char *id)
{
    const char *v[] = {id ? id : ""};
    json_t *list = NULL;
    *out = NULL;
    int rc = communities(s, &list, COMMUNITY_SQL " WHERE c.id = $1 ORDER BY c.name, c.id, m.org_id",
                         1, v);
    if (rc)
        return rc;
    if (json_array_size(list) == 0) {
        json_decref(list);
        mm_error_set("no such community");
        return MM_ENOTFOUND;
    }
    *out = json_incref(json_array_get(list, 0));
    json_decref(list);
    return MM_OK;
}

int mm_store_add_community_member(mm_store *s, const char *community_id, const char *org_id,
                                  const char *added)
{
    const char *v[] = {community_id, org_id, added};
    int rc =
        q(s, NULL, NULL,
          "INSERT INTO community_members (community_id, org_id, added) VALUES ($1, $2, $3)", 3, v);
    if (rc == MM_ECONFLICT)
        mm_error_set("the organization is a member already");
    else if (rc == MM_ENOTFOUND)
        mm_error_set("no such community or organization");
    return rc;
}

int mm_store_remove_community_member(mm_store *s, const char *community_id, const char *org_id)
{
    const char *v[] = {community_id, org_id};
    int64_t n = 0;
    int rc = q(s, NULL, &n, "DELETE FROM community_members WHERE community_id = $1 AND org_id = $2",
               2, v);
    if (rc == MM_OK && n == 0) {
        mm_error_set("the organization is not a member of this community");
        rc = MM_ENOTFOUND;
    }
    return rc;
}

int mm_store_org_tree(mm_store *s, json_t **out)
{
    return q(s, out, NULL, "SELECT id, kind, parent_id FROM organizations ORDER BY id", 0, NULL);
}

/* ---- items ----------------------------------------------------------------------------- */

static int add_recipients(mm_store *s, const char *item_id, const json_t *users, const json_t *orgs,
                          const char *added, const char *added_by)
{
    int rc = MM_OK;
    size_t i;
    json_t *x;
    json_array_foreach(users, i, x)
    {
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(x));
        const char *v[] = {item_id, id, added, added_by};
        rc = q(s, NULL, NULL,
               "INSERT INTO item_recipients (item_id, user_id, added, added_by)"
               " SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT), CAST($3 AS TEXT), CAST($4 AS TEXT)"
               " WHERE NOT EXISTS (SELECT 1 FROM item_recipients"
               " WHERE item_id = CAST($1 AS TEXT) AND user_id = CAST($2 AS BIGINT))",
               4, v);
        if (rc)
            return rc;
    }
    json_array_foreach(orgs, i, x)
    {
        const char *v[] = {item_id, json_string_value(x), added, added_by};
        rc = q(s, NULL, NULL,
               "INSERT INTO item_recipients (item_id, org_id, added, added_by)"
               " SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT)"
               " WHERE NOT EXISTS (SELECT 1 FROM item_recipients"
               " WHERE item_id = CAST($1 AS TEXT) AND org_id = CAST($2 AS TEXT))",
               4, v);
        if (rc)
            return rc;
    }
    return rc;
}

int mm_store_create_item(mm_store *s, const mm_item_rec *r)
{
    if (!present(r->id) || !present(r->originator_org) || !present(r->tlp) || !r->title ||
        !r->body || !r->created) {
        mm_error_set("an item needs an id, an originator, a label, a title and a body");
        return MM_EINVALID;
    }
    char user[24];
    snprintf(user, sizeof(user), "%lld", (long long)r->originator_user);
    const char *v[] = {r->id,
                       r->kind ? r->kind : "report",
                       r->originator_org,
                       r->originator_user > 0 ? user : NULL,
                       r->tlp,
                       r->community_id,
                       r->title,
                       r->body,
                       r->sources ? r->sources : "[]",
                       r->created};
    int rc = q(s, NULL, NULL,
               "INSERT INTO shared_items (id, kind, originator_org, originator_user, tlp,"
               " community_id, title, body, sources, created, modified)"
               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
               10, v);
    if (rc == MM_OK)
        rc = add_recipients(s, r->id, r->recipient_users, r->recipient_orgs, r->created,
                            r->added_by ? r->added_by : "");
    return rc;
}

int mm_store_list_items(mm_store *s, json_t **out, const char *id)
{
    *out = NULL;
    const char *v[] = {id};
    json_t *items = NULL, *recs = NULL;
    int rc = q(s, &items, NULL,
               "SELECT id, kind, tlp, originator_org, originator_user, community_id, title, body,"
               " sources, created, modified FROM shared_items WHERE CAST($1 AS TEXT) IS NULL OR id "
               "= CAST($1 AS TEXT)"
               " ORDER BY modified DESC, id",
               1, v);
    if (rc == MM_OK)
        rc = q(s, &recs, NULL,
               "SELECT item_id, org_id, user_id FROM item_recipients"
               " WHERE CAST($1 AS TEXT) IS NULL OR item_id = CAST($1 AS TEXT) ORDER BY id",
               1, v);
    if (rc) {
        json_decref(items);
        return rc;
    }
    if (id && json_array_size(items) == 0) {
        json_decref(items);
        json_decref(recs);
        mm_error_set("no such item");
        return MM_ENOTFOUND;
    }
    json_t *list = json_array(), *by_id = json_object();
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row)
    {
        json_t *o = json_pack(
            "{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:{s:[],s:[]}}", "id", cell_json(row, 0),
            "kind", cell_json(row, 1), "tlp", cell_json(row, 2), "originator_org",
            cell_json(row, 3), "originator_user", cell_int(row, 4), "community_id",
            cell_json(row, 5), "title", cell_json(row, 6), "body", cell_parsed(row, 7, true),
            "sources", cell_parsed(row, 8, false), "created", cell_json(row, 9), "modified",
            cell_json(row, 10), "recipients", "orgs", "users");
        if (!o || !list || !by_id || json_array_append(list, o) ||
            json_object_set(by_id, cell(row, 0), o)) {
            json_decref(o);
            rc = oom();
            break;
        }
        json_decref(o);
    }
    json_array_foreach(recs, i, row)
    {
        if (rc)
            break;
        json_t *o = json_object_get(by_id, cell(row, 0));
        json_t *r = json_object_get(o, "recipients");
        if (!r)
            continue;
        if (cell(row, 1))
            json_array_append_new(json_object_get(r, "orgs"), cell_json(row, 1));
        else
            json_array_append_new(json_object_get(r, "users"), cell_int(row, 2));
    }
    json_decref(items);
    json_decref(recs);
    json_decref(by_id);
    if (rc) {
        json_decref(list);
        return rc;
    }
    if (id) {
        *out = json_incref(json_array_get(list, 0));
        json_decref(list);
    } else {
        *out = list;
    }
    return MM_OK;
}

int mm_store_add_item_recipients(mm_store *s, const char *item_id, const json_t *users,
                                 const json_t *orgs, const char *added, const char *added_by)
{
    return add_recipients(s, item_id, users, orgs, added, added_by ? added_by : "");
}

int mm_store_set_item_label(mm_store *s, const char *item_id, const char *tlp,
                            const char *community_id, const char *modified)
{
    const char *v[] = {item_id, tlp, community_id, modified};
    int64_t n = 0;
    int rc =
        q(s, NULL, &n,
          "UPDATE shared_items SET tlp = $2, community_id = $3, modified = $4 WHERE id = $1", 4, v);
    if (rc == MM_OK && n == 0) {
        mm_error_set("no such item");
        rc = MM_ENOTFOUND;
    }
    return rc;
}

int mm_store_add_item_permission(mm_store *s, int64_t *out_id, const char *item_id,
                                 const char *grantee_org, const char *what, const char *granted_by,
                                 const char *granted)
{
    const char *v[] = {item_id, grantee_org, what ? what : "{}", granted_by, granted};
    json_t *rows = NULL;
    int rc = q(s, &rows, NULL,
               "INSERT INTO item_permissions (item_id, grantee_org, what, granted_by, granted)"
               " VALUES ($1, $2, $3, $4, $5) RETURNING id",
               5, v);
    if (rc == MM_OK && out_id)
        *out_id = strtoll(cell(json_array_get(rows, 0), 0) ? cell(json_array_get(rows, 0), 0) : "0",
                          NULL, 10);
    json_decref(rows);
    return rc;
}

int mm_store_list_item_permissions(mm_store *s, json_t **out, const char *item_id,
                                   const char *grantee_org)
{
    *out = NULL;
    const char *v[] = {item_id, grantee_org};
    json_t *rows = NULL;
    int rc = q(s, &rows, NULL,
               "SELECT id, grantee_org, what, granted_by, granted FROM item_permissions"
               " WHERE item_id = CAST($1 AS TEXT) AND (CAST($2 AS TEXT) IS NULL"
               " OR grantee_org = CAST($2 AS TEXT)) ORDER BY id",
               2, v);
    if (rc)
        return rc;
    json_t *list = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *o = json_pack("{s:o,s:o,s:o,s:o,s:o}", "id", cell_int(row, 0), "grantee_org",
                              cell_json(row, 1), "what", cell_parsed(row, 2, true), "granted_by",
                              cell_json(row, 3), "granted", cell_json(row, 4));
        if (!o || !list || json_array_append_new(list, o)) {
            json_decref(list);
            list = NULL;
            break;
        }
    }
    json_decref(rows);
    if (!list)
        return oom();
    *out = list;
    return MM_OK;
}
