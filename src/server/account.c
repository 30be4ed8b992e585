/* mamori serve: the domain actions on accounts, sessions, tokens and signing keys
 * (account.h). No HTTP here: the callers answer. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/submit.h"
#include "server/account.h"
#include "util/util.h"

#define TOKEN_SECRET_BYTES 32

#define fail act_failed

static int store_fail(act_fail *f, int rc)
{
    return fail(f, ACT_STORE, rc, "%s", mm_error_last());
}

/* ---- sessions and passwords -------------------------------------------------------------- */

/* The login as given, cut and cleaned for the audit log (it may be an attacker's). */
static void audit_login_name(char out[72], const char *login)
{
    size_t i = 0;
    for (; login[i] && i < 64; i++)
        out[i] = ((unsigned char)login[i] < 0x20) ? '?' : login[i];
    out[i] = '\0';
}

/* A wrong password for u: counts the failure against the state as it is now, under the
 * write lock (guesses sent at once are counted one after the other), and locks the account
 * after too many, ending all its sessions. what is the audit action of the failure
 * ("logon.failure", "password.change-refused"); a failure that does not lock answers
 * not_locked (ACT_UNAUTHENTICATED for a logon, ACT_FORBIDDEN for a password change). */
static int wrong_password(http_req *r, const mm_user *u, const char *who, const char *uid,
                          const char *what, act_kind not_locked, const char *not_locked_msg,
                          act_fail *f)
{
    const security_policy *pol = &r->srv->policy;
    char until[32] = "";
    int failed = 0;
    bool already_locked = false;
    mm_user *now_u = NULL;
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_get_user_by_id(r->st, &now_u, u->id);
    if (rc == MM_OK) {
        long long lock_now = mm_auth_parse_time(now_u->locked_until);
        long long since = mm_auth_parse_time(now_u->failed_since);
        already_locked = lock_now > r->now_unix;
        failed = now_u->failed_logons;
        char since_s[32];
        if (!now_u->failed_since || r->now_unix - since >= pol->lockout_window ||
            (lock_now && !already_locked)) {
            failed = 0; /* a new window (or the first failure after a lock ran out) */
            snprintf(since_s, sizeof since_s, "%s", r->now);
        } else {
            snprintf(since_s, sizeof since_s, "%s", now_u->failed_since);
        }
        failed++;
        if (already_locked)
            snprintf(until, sizeof until, "%s", now_u->locked_until);
        else if (failed >= pol->lockout_attempts)
            mm_time_rfc3339(until, r->now_unix + pol->lockout_duration);
        rc = mm_store_set_logon_state(r->st, u->id, failed, since_s, until[0] ? until : NULL);
        if (rc == MM_OK)
            rc = mm_audit_note(
                r->st, who, what, uid,
                json_pack("{s:s,s:i}", "reason", "wrong password", "failures", failed));
        bool locking = until[0] && !already_locked;
        rc = mm_audited_commit(r->st, rc, "system", locking ? "account.locked" : NULL, uid,
                               locking ? json_pack("{s:s,s:i}", "until", until, "failures", failed)
                                       : NULL);
    } else {
        mm_store_rollback(r->st);
    }
    mm_user_free(now_u);
    if (!until[0])
        return fail(f, not_locked, MM_EACCES, "%s", not_locked_msg);
    long long left = mm_auth_parse_time(until) - r->now_unix;
    if (!already_locked)
        mm_best_effort(mm_store_delete_user_sessions(r->st, u->id), "delete_user_sessions");
    f->retry_after = (long)(left > 0 ? left : 1);
    return fail(f, ACT_LOCKED, MM_EACCES,
                "%s; the account is locked for %lld s after %ld failed password checks and "
                "its sessions have ended",
                not_locked_msg, left > 0 ? left : 1, pol->lockout_attempts);
}

/* The logon check under the lockout policy: *out gets the user when login and password
 * are right (failures counted and audited, the account locked after too many); uid gets
 * "user:ID" for the audit records. */
static int password_check(http_req *r, const char *login, const char *password, mm_user **out,
                          char uid[32], act_fail *f)
{
    const security_policy *pol = &r->srv->policy;
    char who[72];
    audit_login_name(who, login);
    *out = NULL;

    mm_user *u = NULL;
    int rc = mm_store_get_user(r->st, &u, login);
    if (rc == MM_ENOTFOUND || (rc == MM_OK && u->disabled)) {
        (void)mm_password_verify(r->srv->dummy_hash, password); /* the same time as a user */
        mm_best_effort(mm_audit_note(r->st, who, "logon.failure", who,
                                     json_pack("{s:s}", "reason",
                                               rc == MM_OK ? "disabled user" : "unknown user")),
                       "audit_append");
        mm_user_free(u);
        return fail(f, ACT_UNAUTHENTICATED, MM_EACCES, "wrong login or password");
    }
    if (rc)
        return store_fail(f, rc);
    snprintf(uid, 32, "user:%lld", (long long)u->id);
    long long locked = mm_auth_parse_time(u->locked_until);
    if (locked > r->now_unix) {
        mm_best_effort(mm_audit_note(r->st, who, "logon.refused-locked", uid, NULL),
                       "audit_append");
        f->retry_after = (long)(locked - r->now_unix);
        mm_user_free(u);
        return fail(f, ACT_LOCKED, MM_EACCES,
                    "the account is locked after %ld failed logons; try again in %lld s or ask "
                    "an administrator",
                    pol->lockout_attempts, locked - r->now_unix);
    }
    if (!mm_password_verify(u->password_hash, password)) {
        rc = wrong_password(r, u, who, uid, "logon.failure", ACT_UNAUTHENTICATED,
                            "wrong login or password", f);
        mm_user_free(u);
        return rc;
    }
    *out = u;
    return MM_OK;
}

int auth_basic(http_req *r, const char *login, const char *password, act_fail *f)
{
    mm_user *u = NULL;
    char uid[32];
    int rc = password_check(r, login, password, &u, uid, f);
    if (rc)
        return rc;
    /* earlier failures are forgotten after a good password, as after a logon */
    if (u->failed_logons > 0 || u->failed_since || u->locked_until) {
        rc = mm_store_begin(r->st);
        if (rc == MM_OK)
            rc = mm_store_set_logon_state(r->st, u->id, 0, NULL, NULL);
        rc = mm_audited_commit(r->st, rc, u->login, "logon.success", uid,
                               json_pack("{s:s}", "via", "basic"));
    }
    if (rc == MM_OK)
        rc = mm_auth_load_principal(r, &r->who, u);
    mm_user_free(u);
    return rc ? store_fail(f, rc) : MM_OK;
}

int auth_login(http_req *r, const char *login, const char *password, login_result *res, act_fail *f)
{
    const security_policy *pol = &r->srv->policy;
    memset(res, 0, sizeof *res);
    mm_user *u = NULL;
    char uid[32];
    int rc = password_check(r, login, password, &u, uid, f);
    if (rc)
        return rc;
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_set_logon_state(r->st, u->id, 0, NULL, NULL);
    if (rc == MM_OK)
        rc = mm_auth_load_principal(r, &res->who, u);
    if (rc == MM_OK)
        rc = mm_auth_session_new(r, u->id, res->cookie, res->csrf);
    rc = mm_audited_commit(r->st, rc, u->login, "logon.success", uid, NULL);
    mm_user_free(u);
    if (rc) {
        res->cookie[0] = '\0';
        return store_fail(f, rc);
    }
    mm_time_rfc3339(res->expires, r->now_unix + pol->session_lifetime);
    return MM_OK;
}

int auth_logout(http_req *r, const char **cookie, act_fail *f)
{
    if (!r->who.via_session)
        return fail(f, ACT_INVALID, MM_EUSAGE,
                    "this request has no session (a token is not a session: revoke it with "
                    "DELETE /api/v1/tokens/ID)");
    int rc = mm_store_delete_session(r->st, r->who.session_id);
    if (rc == MM_OK)
        rc = mm_audit_note(r->st, r->who.login, "logout", r->who.session_id, NULL);
    if (rc)
        return store_fail(f, rc);
    *cookie = mm_auth_clear_cookie(r->srv);
    return MM_OK;
}

int password_change(http_req *r, const char *current, const char *new_password,
                    password_result *res, act_fail *f)
{
    memset(res, 0, sizeof *res);
    mm_user *u = NULL;
    int rc = mm_store_get_user_by_id(r->st, &u, r->who.user_id);
    if (rc)
        return store_fail(f, rc);
    char uid[32];
    snprintf(uid, sizeof uid, "user:%lld", (long long)u->id);
    /* a locked account (reached here with a token) changes nothing and learns nothing */
    long long locked = mm_auth_parse_time(u->locked_until);
    if (locked > r->now_unix) {
        mm_best_effort(mm_audit_note(r->st, r->who.login, "password.refused-locked", uid, NULL),
                       "audit_append");
        f->retry_after = (long)(locked - r->now_unix);
        mm_user_free(u);
        return fail(f, ACT_LOCKED, MM_EACCES,
                    "the account is locked after %ld failed password checks; try again in "
                    "%lld s or ask an administrator",
                    r->srv->policy.lockout_attempts, locked - r->now_unix);
    }
    /* a wrong current password counts toward the lockout exactly like a failed logon */
    if (!mm_password_verify(u->password_hash, current)) {
        rc = wrong_password(r, u, r->who.login, uid, "password.change-refused", ACT_FORBIDDEN,
                            "the current password is wrong", f);
        mm_user_free(u);
        return rc;
    }
    mm_user_free(u);
    if (strcmp(current, new_password) == 0)
        return fail(f, ACT_INVALID, MM_EINVALID,
                    "$.new: the new password must differ from the current one");
    char hash[128];
    if (mm_password_hash(hash, new_password) != MM_OK)
        return fail(f, ACT_BUSY, MM_ERROR, "cannot hash the password now; try again");
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_set_password(r->st, r->who.user_id, hash, false);
    if (rc == MM_OK)
        rc = mm_store_delete_user_sessions(r->st, r->who.user_id);
    if (rc == MM_OK && r->who.via_session)
        rc = mm_auth_session_new(r, r->who.user_id, res->cookie, res->csrf);
    rc = mm_audited_commit(r->st, rc, r->who.login, "password.change", r->who.login, NULL);
    sodium_memzero(hash, sizeof hash);
    if (rc) {
        memset(res, 0, sizeof *res);
        return store_fail(f, rc);
    }
    return MM_OK;
}

/* ---- API tokens --------------------------------------------------------------------------- */

/* A positive whole number from a path segment, or 0. */
static long long path_id(const char *text)
{
    char *end = NULL;
    long long id = strtoll(text, &end, 10);
    return id > 0 && !*end ? id : 0;
}

int token_create(http_req *r, const char *name, long days, token_result *res, act_fail *f)
{
    memset(res, 0, sizeof *res);
    mm_time_rfc3339(res->expires, r->now_unix + days * 86400L);
    char secret[2 * TOKEN_SECRET_BYTES + 1], hash[65];
    mm_random_hex(secret, TOKEN_SECRET_BYTES);
    mm_sha256_hex(hash, secret, strlen(secret));
    int64_t id = 0;
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_create_token(r->st, &id, r->who.user_id, hash, name, r->now, res->expires);
    char obj[32];
    snprintf(obj, sizeof obj, "token:%lld", (long long)id);
    rc = mm_audited_commit(r->st, rc, r->who.login, "token.create", obj, NULL);
    if (rc == MM_OK) {
        res->id = id;
        snprintf(res->token, sizeof res->token, "mm_%lld_%s", (long long)id, secret);
    }
    sodium_memzero(secret, sizeof secret);
    return rc ? store_fail(f, rc) : MM_OK;
}

int token_revoke(http_req *r, const char *id_text, long long *id, act_fail *f)
{
    *id = path_id(id_text);
    if (!*id)
        return fail(f, ACT_NOT_FOUND, MM_ENOTFOUND, "no such token");
    char obj[32];
    snprintf(obj, sizeof obj, "token:%lld", *id);
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_revoke_token(r->st, *id, r->who.user_id, r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "token.revoke", obj, NULL);
    if (rc == MM_ENOTFOUND)
        return fail(f, ACT_NOT_FOUND, rc, "no such token of yours");
    return rc ? store_fail(f, rc) : MM_OK;
}

/* ---- signing keys --------------------------------------------------------------------------- */

int key_add(http_req *r, const char *org_id, const key_input *in, key_result *res, act_fail *f)
{
    memset(res, 0, sizeof *res);
    if (strcmp(in->kind, "mamori-ed25519-public") != 0)
        return fail(f, ACT_INVALID, MM_EINVALID,
                    "$.kind: expected \"mamori-ed25519-public\" (register the .pub file made by "
                    "mamori keygen, never the secret key)");
    unsigned char raw[32];
    size_t got = 0;
    if (sodium_base642bin(raw, sizeof raw, in->public_key, strlen(in->public_key), NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != sizeof raw)
        return fail(f, ACT_INVALID, MM_EINVALID, "$.public_key: expected base64 of 32 bytes");
    mm_key_id(res->key_id, raw);
    if (in->key_id && strcmp(in->key_id, res->key_id) != 0)
        return fail(f, ACT_INVALID, MM_EINVALID,
                    "$.key_id: %s is not the id of this public key (%s)", in->key_id, res->key_id);
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_add_key(r->st, &res->id, org_id, res->key_id, in->public_key,
                              in->label ? in->label : "", r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "key.register", res->key_id,
                           json_pack("{s:s,s:s}", "org_id", org_id, "public_key", in->public_key));
    if (rc == MM_ECONFLICT)
        return fail(f, ACT_CONFLICT, rc,
                    "$.public_key: this key (%s) is already registered; make a new key pair "
                    "with mamori keygen",
                    res->key_id);
    return rc ? store_fail(f, rc) : MM_OK;
}

int key_revoke(http_req *r, const char *org_id, const char *id_text, long long *id, act_fail *f)
{
    *id = path_id(id_text);
    if (!*id)
        return fail(f, ACT_NOT_FOUND, MM_ENOTFOUND, "no such key");
    char obj[32];
    snprintf(obj, sizeof obj, "key:%lld", *id);
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_revoke_key(r->st, org_id, *id, r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "key.revoke", obj,
                           json_pack("{s:s}", "org_id", org_id));
    return rc ? store_fail(f, rc) : MM_OK;
}
