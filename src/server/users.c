/* mamori serve and mamori admin user: the domain actions of account administration
 * (mamori/server.h, mm_user_admin). No HTTP and no printing here: the API (api_users.c), the
 * dashboard (web_users.c) and the CLI (cmd_admin.c) call mm_user_admin and answer. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "mamori/server.h"
#include "server/internal.h"
#include "util/util.h"

#define OTP_LEN          16
#define LOGIN_QUARANTINE (90LL * 86400) /* a deleted login is not taken again for 90 days */

static const char *const action_names[] = {"unlock", "reset", "disable", "enable", "delete"};

const char *mm_user_action_name(mm_user_action a)
{
    return (unsigned)a < sizeof action_names / sizeof action_names[0] ? action_names[a] : "?";
}

int mm_user_action_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof action_names / sizeof action_names[0]; i++)
        if (strcmp(name, action_names[i]) == 0)
            return (int)i;
    return -1;
}

/* Refuses what would leave the server without an enabled authority-admin. */
static int keeps_an_admin(mm_store *st, const mm_user *u, mm_user_action action)
{
    if (strcmp(u->role, "authority-admin") != 0 || u->disabled ||
        (action != MM_USER_DISABLE && action != MM_USER_DELETE))
        return MM_OK;
    int64_t n = 0;
    int rc = mm_store_count_enabled_users(st, &n, "authority-admin");
    if (rc == MM_OK && n <= 1) {
        mm_error_set("%s is the last enabled authority-admin: make or enable another one first",
                     u->login);
        rc = MM_ECONFLICT;
    }
    return rc;
}

/* A refusal by rule (the last admin, oneself): audited on its own as "user.ACTION-refused"
 * with the reason; the message (mm_error_last) is kept for the caller. */
static int refused(mm_store *st, const mm_user_admin_ctx *ctx, const char *audit_action,
                   const char *object)
{
    char msg[300], action[48];
    snprintf(msg, sizeof msg, "%s", mm_error_last());
    snprintf(action, sizeof action, "%s-refused", audit_action);
    mm_best_effort(mm_audit_note(st, ctx->actor, action, object, json_pack("{s:s}", "reason", msg)),
                   "audit_append");
    mm_error_set("%s", msg);
    return MM_ECONFLICT;
}

static int apply(mm_store *st, const mm_user_admin_ctx *ctx, mm_user_action action,
                 const mm_user *u, const char *now, char *otp, size_t otp_size)
{
    char hash[128];
    int rc = MM_OK;
    switch (action) {
    case MM_USER_UNLOCK:
        return mm_store_set_logon_state(st, u->id, 0, NULL, NULL);
    case MM_USER_RESET:
        if (!otp || otp_size < OTP_LEN + 1) {
            mm_error_set("reset: no room for the one-time password");
            return MM_EUSAGE;
        }
        rc = mm_password_generate(otp, otp_size, OTP_LEN);
        if (rc == MM_OK)
            rc = mm_password_hash(hash, otp);
        if (rc == MM_OK)
            rc = mm_store_set_password(st, u->id, hash, true);
        if (rc == MM_OK)
            rc = mm_store_delete_user_sessions(st, u->id);
        sodium_memzero(hash, sizeof hash);
        return rc;
    case MM_USER_DISABLE:
        rc = mm_store_set_user_disabled(st, u->id, true);
        break;
    case MM_USER_ENABLE:
        return mm_store_set_user_disabled(st, u->id, false);
    case MM_USER_DELETE: {
        char until[21];
        mm_time_rfc3339(until, ctx->now + LOGIN_QUARANTINE);
        rc = mm_store_delete_user(st, u->id, now, until);
        break;
    }
    }
    /* disable and delete: what the user holds ends now */
    if (rc == MM_OK)
        rc = mm_store_delete_user_sessions(st, u->id);
    if (rc == MM_OK)
        rc = mm_store_revoke_user_tokens(st, u->id, now);
    return rc;
}

int mm_user_admin(mm_store *st, const mm_user_admin_ctx *ctx, mm_user_action action,
                  int64_t user_id, char *otp, size_t otp_size)
{
    if (otp && otp_size)
        otp[0] = '\0';
    if ((unsigned)action > MM_USER_DELETE) {
        mm_error_set("unknown user action %d", (int)action);
        return MM_EUSAGE;
    }
    const char *name = mm_user_action_name(action);
    char object[32], audit_action[32];
    snprintf(object, sizeof object, "user:%lld", (long long)user_id);
    snprintf(audit_action, sizeof audit_action, "user.%s", name);
    if (ctx->actor_id && ctx->actor_id == user_id &&
        (action == MM_USER_DISABLE || action == MM_USER_DELETE || action == MM_USER_RESET)) {
        mm_error_set("you cannot %s your own account%s", name,
                     action == MM_USER_RESET ? ": change your password instead"
                                             : "; ask another administrator");
        return refused(st, ctx, audit_action, object);
    }
    char now[21];
    mm_time_rfc3339(now, ctx->now);
    mm_user *u = NULL;
    int rc = mm_store_begin(st);
    if (rc)
        return rc;
    rc = mm_store_get_user_by_id(st, &u, user_id);
    if (rc == MM_OK && (u->deleted || (ctx->org_id && strcmp(u->org_id, ctx->org_id) != 0))) {
        mm_error_set("no user with id %lld in this organization", (long long)user_id);
        rc = MM_ENOTFOUND;
    } else if (rc == MM_ENOTFOUND) {
        mm_error_set("no user with id %lld%s", (long long)user_id,
                     ctx->org_id ? " in this organization" : "");
    }
    if (rc == MM_OK)
        rc = keeps_an_admin(st, u, action);
    if (rc == MM_OK)
        rc = apply(st, ctx, action, u, now, otp, otp_size);
    json_t *detail = rc == MM_OK ? json_pack("{s:s,s:s,s:s}", "login", u->login, "org_id",
                                             u->org_id, "role", u->role)
                                 : NULL;
    /* keep the message of a refusal across the rollback */
    char msg[300] = "";
    if (rc)
        snprintf(msg, sizeof msg, "%s", mm_error_last());
    rc = mm_audited_commit(st, rc, ctx->actor, audit_action, object, detail);
    if (rc && msg[0])
        mm_error_set("%s", msg);
    mm_user_free(u);
    if (rc && otp && otp_size)
        sodium_memzero(otp, otp_size);
    return rc == MM_ECONFLICT ? refused(st, ctx, audit_action, object) : rc;
}
