/* mamori serve: the API's face of account administration (mm_user_admin, users.c):
 * POST /api/v1/organizations/{org}/users/{id}/unlock|reset|disable|enable and
 * DELETE /api/v1/organizations/{org}/users/{id}. The route's need (NEED_ORG_USERS) has
 * already decided that the caller may manage the users of {org}. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/server.h"
#include "server/internal.h"

/* A positive whole number from a path segment, or 0. */
static long long path_id(const char *text)
{
    char *end = NULL;
    long long id = strtoll(text, &end, 10);
    return id > 0 && !*end ? id : 0;
}

static void user_action(http_req *r, reply *out, mm_user_action action)
{
    long long id = path_id(r->param[1]);
    if (!id) {
        reply_error(out, 404, "not_found", "no such user in this organization");
        return;
    }
    mm_user_admin_ctx ctx = {.actor = r->who.login,
                             .actor_id = r->who.user_id,
                             .org_id = r->param[0],
                             .now = r->now_unix};
    char otp[32];
    int rc = mm_user_admin(r->st, &ctx, action, id, otp, sizeof otp);
    if (rc == MM_ENOTFOUND) {
        reply_error(out, 404, "not_found", "no such user in this organization");
        return;
    }
    if (rc == MM_ECONFLICT) {
        reply_error(out, 409, "conflict", "%s", mm_error_last());
        return;
    }
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    static const char *const status[] = {"unlocked", "reset", "disabled", "enabled", "deleted"};
    json_t *o = json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", status[action]);
    if (action == MM_USER_RESET) {
        json_object_set_new(o, "one_time_password", json_string(otp));
        json_object_set_new(o, "must_change", json_true());
        json_object_set_new(o, "note",
                            json_string("shown once; the user must change it at the next logon"));
    }
    sodium_memzero(otp, sizeof otp);
    reply_json(out, 200, o);
}

void h_user_unlock(http_req *r, reply *out)
{
    user_action(r, out, MM_USER_UNLOCK);
}

void h_user_reset(http_req *r, reply *out)
{
    user_action(r, out, MM_USER_RESET);
}

void h_user_disable(http_req *r, reply *out)
{
    user_action(r, out, MM_USER_DISABLE);
}

void h_user_enable(http_req *r, reply *out)
{
    user_action(r, out, MM_USER_ENABLE);
}

void h_user_delete(http_req *r, reply *out)
{
    user_action(r, out, MM_USER_DELETE);
}
