/* mamori admin clearance|policy|ntk|person: the domain actions over clearances, the
 * authority's policy table and need-to-know groups (mamori/server.h, mm_gates_admin). No
 * HTTP and no printing: the CLI (cmd_clearance.c) calls it and answers. Each change is one
 * transaction with its audit record. */
#include <string.h>

#include "mamori/server.h"
#include "server/internal.h"

static const char *const action_names[] = {"clearance.grant", "clearance.revoke",   "policy.add",
                                           "policy.remove",   "ntk.create",         "ntk.add",
                                           "ntk.remove",      "person.nationality", "org.country"};

int mm_gates_admin(mm_store *st, const mm_gates_op *op, int64_t *out_id)
{
    if ((unsigned)op->action >= sizeof action_names / sizeof action_names[0]) {
        mm_error_set("no such action");
        return MM_EINVALID;
    }
    int64_t id = 0;
    char object[96] = "";
    json_t *detail = NULL;
    int rc = mm_store_begin(st);
    if (rc)
        return rc;
    const mm_clearance_rec *c = &op->clearance;
    switch (op->action) {
    case MM_GATES_GRANT:
        rc = mm_store_add_clearance(st, &id, c);
        snprintf(object, sizeof object, "clearance:%lld", (long long)id);
        detail = json_pack(
            "{s:o,s:s?,s:s,s:s,s:s,s:s,s:s?,s:s}", "user_id",
            c->user_id > 0 ? json_integer(c->user_id) : json_null(), "org_id", c->org_id, "regime",
            c->regime ? c->regime : "", "level", c->level ? c->level : "", "granting_body",
            c->granting_body ? c->granting_body : "", "granted", c->granted ? c->granted : "",
            "expires", c->expires, "evidence", c->evidence ? c->evidence : "");
        break;
    case MM_GATES_REVOKE:
        rc = mm_store_revoke_clearance(st, op->id, op->now);
        snprintf(object, sizeof object, "clearance:%lld", (long long)op->id);
        break;
    case MM_GATES_RULE_ADD:
        rc = mm_store_add_clearance_rule(st, &id, op->held_regime, op->held_level,
                                         op->required_regime, op->required_level, op->source,
                                         op->now, op->actor);
        snprintf(object, sizeof object, "policy:%lld", (long long)id);
        detail = json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?}", "held_regime", op->held_regime,
                           "held_level", op->held_level, "required_regime", op->required_regime,
                           "required_level", op->required_level, "source", op->source);
        break;
    case MM_GATES_RULE_REMOVE:
        rc = mm_store_remove_clearance_rule(st, op->id);
        snprintf(object, sizeof object, "policy:%lld", (long long)op->id);
        break;
    case MM_GATES_GROUP_CREATE:
        rc = mm_store_create_ntk_group(st, op->group, op->name, op->org_id, op->hide_members,
                                       op->now);
        snprintf(object, sizeof object, "ntk:%.80s", op->group ? op->group : "");
        detail = json_pack("{s:s?,s:s?,s:b}", "name", op->name, "owner_org", op->org_id,
                           "hide_members", op->hide_members);
        break;
    case MM_GATES_MEMBER_ADD:
        rc = mm_store_add_ntk_member(st, op->group, op->user_id, op->manager, op->now, op->actor);
        snprintf(object, sizeof object, "ntk:%.80s", op->group ? op->group : "");
        detail = json_pack("{s:I,s:b}", "user_id", (json_int_t)op->user_id, "manager", op->manager);
        break;
    case MM_GATES_MEMBER_REMOVE:
        rc = mm_store_remove_ntk_member(st, op->group, op->user_id);
        snprintf(object, sizeof object, "ntk:%.80s", op->group ? op->group : "");
        detail = json_pack("{s:I}", "user_id", (json_int_t)op->user_id);
        break;
    case MM_GATES_NATIONALITY:
        rc = mm_store_set_nationality(st, op->user_id, op->code);
        snprintf(object, sizeof object, "user:%lld", (long long)op->user_id);
        detail = json_pack("{s:s?}", "nationality", op->code);
        break;
    case MM_GATES_COUNTRY:
        rc = mm_store_set_org_country(st, op->org_id, op->code);
        snprintf(object, sizeof object, "org:%.80s", op->org_id ? op->org_id : "");
        detail = json_pack("{s:s?}", "country", op->code);
        break;
    }
    rc = mm_audited_commit(st, rc, op->actor, action_names[op->action], object, detail);
    if (rc == MM_OK && out_id)
        *out_id = id;
    return rc;
}
