/* mamori serve: the API of clearances, the authority's policy table and need-to-know groups
 * (docs/api.md "Clearances and need-to-know groups", docs/sharing.md "Gated items").
 * Adapters over mm_gates_admin (clearance.c): every change is audited there. Who may read an
 * item is not decided here: mm_share_decide, through share_core.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/server.h"
#include "server/internal.h"
#include "util/util.h"

static const char *member(const http_req *r, const char *name)
{
    return json_string_value(json_object_get(r->json, name));
}

/* the store's MM_ENOTFOUND / MM_EINVALID / MM_ECONFLICT of a change the caller asked for:
 * a 400 / 422 / 409 with its message (the store's messages here name no database) */
static void reply_gates_error(reply *out, int rc, const char *notfound_member)
{
    if (rc == MM_ENOTFOUND && notfound_member)
        reply_error(out, 400, "bad_request", "%s: %.200s", notfound_member, mm_error_last());
    else if (rc == MM_ENOTFOUND)
        reply_error(out, 404, "not_found", "%.200s", mm_error_last());
    else if (rc == MM_EINVALID)
        reply_error(out, 422, "rule_broken", "%.300s", mm_error_last());
    else if (rc == MM_ECONFLICT)
        reply_error(out, 409, "conflict", "%.200s", mm_error_last());
    else
        reply_store_error(out, rc);
}

static int run(http_req *r, mm_gates_op *op, int64_t *id)
{
    op->actor = r->who.login;
    op->now = r->now;
    return mm_gates_admin(r->st, op, id);
}

static bool user_of(http_req *r, reply *out, const char *login, int64_t *id)
{
    mm_user *u = NULL;
    if (!login || mm_store_get_user(r->st, &u, login) != MM_OK) {
        reply_error(out, 400, "bad_request", "$.login: no such user");
        return false;
    }
    *id = u->id;
    mm_user_free(u);
    return true;
}

/* ---- clearances ------------------------------------------------------------------------ */

void h_clearances_list(http_req *r, reply *out)
{
    json_t *items = NULL;
    int rc = mm_store_list_clearances(r->st, &items, 0, NULL);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "items", items));
}

void h_clearances_create(http_req *r, reply *out)
{
    const char *login = member(r, "login"), *org = member(r, "org_id");
    if (!login == !org) {
        reply_error(out, 400, "bad_request",
                    "$: give \"login\" (a user's clearance) or \"org_id\" (a facility "
                    "certification), not both");
        return;
    }
    mm_gates_op op = {.action = MM_GATES_GRANT};
    if (login && !user_of(r, out, login, &op.clearance.user_id))
        return;
    op.clearance.org_id = org;
    op.clearance.regime = member(r, "regime");
    op.clearance.level = member(r, "level");
    op.clearance.granting_body = member(r, "granting_body");
    op.clearance.granted = member(r, "granted");
    op.clearance.expires = member(r, "expires");
    op.clearance.evidence = member(r, "evidence");
    op.clearance.recorded = r->now;
    op.clearance.recorded_by = r->who.login;
    int64_t id = 0;
    int rc = run(r, &op, &id);
    if (rc) {
        reply_gates_error(out, rc, "$.org_id");
        return;
    }
    reply_json(out, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "recorded"));
}

void h_clearance_revoke(http_req *r, reply *out)
{
    char *end = NULL;
    long long id = strtoll(r->param[0], &end, 10);
    if (id <= 0 || !end || *end) {
        reply_error(out, 404, "not_found", "no such clearance");
        return;
    }
    mm_gates_op op = {.action = MM_GATES_REVOKE, .id = id};
    int rc = run(r, &op, NULL);
    if (rc) {
        reply_gates_error(out, rc, NULL);
        return;
    }
    reply_json(out, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "revoked"));
}

/* ---- the authority's policy table ------------------------------------------------------ */

void h_policy_list(http_req *r, reply *out)
{
    json_t *items = NULL;
    int rc = mm_store_list_clearance_rules(r->st, &items);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "items", items));
}

void h_policy_add(http_req *r, reply *out)
{
    mm_gates_op op = {.action = MM_GATES_RULE_ADD,
                      .held_regime = member(r, "held_regime"),
                      .held_level = member(r, "held_level"),
                      .required_regime = member(r, "required_regime"),
                      .required_level = member(r, "required_level"),
                      .source = member(r, "source")};
    int64_t id = 0;
    int rc = run(r, &op, &id);
    if (rc) {
        reply_gates_error(out, rc, NULL);
        return;
    }
    reply_json(out, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "added"));
}

void h_policy_remove(http_req *r, reply *out)
{
    char *end = NULL;
    long long id = strtoll(r->param[0], &end, 10);
    if (id <= 0 || !end || *end) {
        reply_error(out, 404, "not_found", "no such policy row");
        return;
    }
    mm_gates_op op = {.action = MM_GATES_RULE_REMOVE, .id = id};
    int rc = run(r, &op, NULL);
    if (rc) {
        reply_gates_error(out, rc, NULL);
        return;
    }
    reply_json(out, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "removed"));
}

/* ---- need-to-know groups --------------------------------------------------------------- */

static bool is_admin(const http_req *r)
{
    return r->who.authority && strcmp(r->who.role, "authority-admin") == 0;
}

/* the caller's place in group g: 2 manager, 1 member, 0 none */
static int place_in(const http_req *r, const json_t *g)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(g, "members"), i, m)
    {
        if (json_integer_value(json_object_get(m, "user_id")) == r->who.user_id)
            return json_is_true(json_object_get(m, "manager")) ? 2 : 1;
    }
    return 0;
}

json_t *ntk_group_view(const http_req *r, const json_t *g)
{
    json_t *v = json_deep_copy(g);
    if (v && !r->who.authority && place_in(r, g) != 2 &&
        json_is_true(json_object_get(g, "hide_members")))
        json_object_del(v, "members");
    if (v)
        json_object_set_new(v, "manager", json_boolean(is_admin(r) || place_in(r, g) == 2));
    return v;
}

int ntk_visible_groups(http_req *r, json_t **out)
{
    json_t *all = NULL;
    *out = NULL;
    int rc = mm_store_list_ntk_groups(r->st, &all, NULL);
    if (rc)
        return rc;
    json_t *items = json_array();
    size_t i;
    json_t *g;
    json_array_foreach(all, i, g)
    {
        if (items && (r->who.authority || place_in(r, g)))
            json_array_append_new(items, ntk_group_view(r, g));
    }
    json_decref(all);
    if (!items)
        return MM_ENOMEM;
    *out = items;
    return MM_OK;
}

void h_ntk_list(http_req *r, reply *out)
{
    json_t *items = NULL;
    int rc = ntk_visible_groups(r, &items);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "items", items));
}

void h_ntk_create(http_req *r, reply *out)
{
    const char *id = member(r, "id");
    for (const char *p = id; p && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
            reply_error(out, 400, "bad_request", "$.id: lower-case letters, digits and '-' only");
            return;
        }
    mm_gates_op op = {.action = MM_GATES_GROUP_CREATE,
                      .group = id,
                      .name = member(r, "name"),
                      .org_id = member(r, "owner_org"),
                      .hide_members = json_is_true(json_object_get(r->json, "hide_members"))};
    int rc = run(r, &op, NULL);
    if (rc) {
        reply_gates_error(out, rc, "$.owner_org");
        return;
    }
    json_t *g = NULL;
    rc = mm_store_list_ntk_groups(r->st, &g, id);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 201, g);
}

int ntk_managed_group(http_req *r, const char *id, json_t **out)
{
    json_t *g = NULL;
    *out = NULL;
    int rc = mm_store_list_ntk_groups(r->st, &g, id);
    if (rc)
        return rc;
    int place = place_in(r, g);
    if (is_admin(r) || place == 2) {
        *out = g;
        return MM_OK;
    }
    json_decref(g);
    if (place == 1 || r->who.authority) {
        mm_error_set("only the group's managers change its members");
        return MM_EACCES;
    }
    mm_error_set("no such need-to-know group");
    return MM_ENOTFOUND;
}

/* the group of the path, or NULL after a 404 / 403 */
static json_t *managed_group(http_req *r, reply *out)
{
    json_t *g = NULL;
    int rc = ntk_managed_group(r, r->param[0], &g);
    if (rc == MM_ENOTFOUND)
        reply_error(out, 404, "not_found", "no such need-to-know group");
    else if (rc == MM_EACCES)
        reply_error(out, 403, "forbidden", "only the group's managers change its members");
    else if (rc)
        reply_store_error(out, rc);
    return g;
}

void h_ntk_member_add(http_req *r, reply *out)
{
    json_t *g = managed_group(r, out);
    if (!g)
        return;
    json_decref(g);
    mm_gates_op op = {.action = MM_GATES_MEMBER_ADD,
                      .group = r->param[0],
                      .manager = json_is_true(json_object_get(r->json, "manager"))};
    if (!user_of(r, out, member(r, "login"), &op.user_id))
        return;
    int rc = run(r, &op, NULL);
    if (rc) {
        reply_gates_error(out, rc, "$.login");
        return;
    }
    rc = mm_store_list_ntk_groups(r->st, &g, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 201, g);
}

void h_ntk_member_remove(http_req *r, reply *out)
{
    json_t *g = managed_group(r, out);
    if (!g)
        return;
    json_decref(g);
    mm_gates_op op = {.action = MM_GATES_MEMBER_REMOVE, .group = r->param[0]};
    mm_user *u = NULL;
    if (mm_store_get_user(r->st, &u, r->param[1]) != MM_OK) {
        reply_error(out, 404, "not_found", "not a member of the group");
        return;
    }
    op.user_id = u->id;
    mm_user_free(u);
    int rc = run(r, &op, NULL);
    if (rc) {
        reply_gates_error(out, rc, NULL);
        return;
    }
    reply_json(out, 200,
               json_pack("{s:s,s:s,s:s}", "group", r->param[0], "login", r->param[1], "status",
                         "removed"));
}
