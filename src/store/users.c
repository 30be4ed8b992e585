/* Users and their credentials: accounts and logon state, API tokens (only their hashes),
 * and server-side sessions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mamori/store.h"
#include "store/driver.h"

/* ---- users ----------------------------------------------------------------------------- */

int mm_store_create_user(mm_store *s, int64_t *out_id, const mm_user *user)
{
    if (!user->login || !user->login[0] || !user->org_id || !user->password_hash) {
        mm_error_set("user: login, organization and password hash are required");
        return MM_EINVALID;
    }
    if (!mm_store_valid_role(user->role)) {
        mm_error_set("user %s: unknown role '%s'", user->login, user->role ? user->role : "");
        return MM_EINVALID;
    }
    if (strncmp(user->password_hash, "$argon2id$", 10) != 0) {
        mm_error_set("user %s: the password hash is not an Argon2id hash", user->login);
        return MM_EINVALID;
    }
    if (strncmp(user->login, "deleted:", 8) == 0) {
        mm_error_set("user %s: a login may not begin with \"deleted:\"", user->login);
        return MM_EINVALID;
    }
    char ts[21];
    mm_now(ts);
    const mm_param r[] = {P_TEXT(user->login), P_TEXT(ts)};
    json_t *retired = NULL; /* the latest time the login may be taken again, or NULL */
    int rc = mm_db_row(s, &retired, "",
                       "SELECT max(login_reusable) FROM users WHERE deleted_login = $1"
                       " AND login_reusable > $2",
                       NPARAMS(r), r);
    if (rc == MM_OK && mm_cell(retired, 0)) {
        mm_error_set("login '%s' belonged to a deleted user; it can be taken again from %s",
                     user->login, mm_cell(retired, 0));
        rc = MM_ECONFLICT;
    }
    json_decref(retired);
    if (rc)
        return rc;
    const mm_param p[] = {P_TEXT(user->org_id), P_TEXT(user->login),
                          P_TEXT(user->role),   P_TEXT(user->password_hash),
                          P_TEXT(ts),           P_BOOL(user->must_change)};
    int64_t id = 0;
    rc = mm_db_insert(s, &id,
                      "INSERT INTO users (org_id, login, role, password_hash, created, must_change)"
                      " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                      NPARAMS(p), p, NULL, NULL);
    if (rc == MM_ENOTFOUND || rc == MM_ECONFLICT)
        return MM_EINVALID;
    if (out_id)
        *out_id = id;
    /* a new user starts with its organization's earlier notifications read: the bell counts
     * what happens from now on, not years of history (docs/notifications.md "Read marks") */
    const mm_param m[] = {P_INT(id), P_TEXT(ts), P_TEXT(user->org_id)};
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "INSERT INTO notification_read_marks (user_id, upto, at)"
                        " SELECT $1, max(id), $2 FROM notifications WHERE recipient_org = $3"
                        " HAVING max(id) IS NOT NULL",
                        NPARAMS(m), m, NULL, NULL, NULL);
    return rc;
}

void mm_user_free(mm_user *u)
{
    if (!u)
        return;
    free(u->org_id);
    free(u->login);
    free(u->role);
    if (u->password_hash)
        sodium_memzero(u->password_hash, strlen(u->password_hash));
    free(u->password_hash);
    free(u->failed_since);
    free(u->locked_until);
    free(u);
}

static char *dup_or_null(const json_t *row, size_t i, bool *ok)
{
    const char *t = mm_cell(row, i);
    char *d = t ? strdup(t) : NULL;
    *ok = *ok && (d || !t);
    return d;
}

/* The user of a SELECT of these columns (what names it in messages). */
#define USER_SQL                                                                                   \
    "SELECT id, org_id, login, role, password_hash, must_change, disabled, failed_logons,"         \
    " failed_since, locked_until, deleted FROM users WHERE "

/* The user in cells first.. of row (USER_SQL's columns); NULL and *ok false when out of
 * memory. */
static mm_user *user_of_row(const json_t *row, size_t first, bool *ok)
{
    mm_user *u = calloc(1, sizeof(*u));
    *ok = *ok && u;
    if (u) {
        u->id = mm_cell_i64(row, first);
        u->org_id = dup_or_null(row, first + 1, ok);
        u->login = dup_or_null(row, first + 2, ok);
        u->role = dup_or_null(row, first + 3, ok);
        u->password_hash = dup_or_null(row, first + 4, ok);
        u->must_change = mm_cell_bool(mm_cell(row, first + 5));
        u->disabled = mm_cell_bool(mm_cell(row, first + 6));
        u->failed_logons = (int)mm_cell_i64(row, first + 7);
        u->failed_since = dup_or_null(row, first + 8, ok);
        u->locked_until = dup_or_null(row, first + 9, ok);
        u->deleted = mm_cell(row, first + 10) != NULL;
    }
    return u;
}

static int read_user(mm_store *s, mm_user **out, const char *sql, const mm_param *p,
                     const char *what)
{
    char notfound[200];
    snprintf(notfound, sizeof(notfound), "no user %s", what);
    json_t *row = NULL;
    int rc = mm_db_row(s, &row, notfound, sql, 1, p);
    bool ok = true;
    mm_user *u = rc ? NULL : user_of_row(row, 0, &ok);
    json_decref(row);
    if (rc == MM_OK && !ok) {
        mm_user_free(u);
        u = NULL;
        rc = mm_oom();
    }
    *out = u;
    return rc;
}

int mm_store_get_user(mm_store *s, mm_user **out, const char *login)
{
    char what[160];
    snprintf(what, sizeof(what), "'%s'", login ? login : "");
    const mm_param p[] = {P_TEXT(login ? login : "")};
    return read_user(s, out, USER_SQL "login = $1", p, what);
}

int mm_store_get_user_by_id(mm_store *s, mm_user **out, int64_t id)
{
    char what[40];
    snprintf(what, sizeof(what), "with id %lld", (long long)id);
    const mm_param p[] = {P_INT(id)};
    return read_user(s, out, USER_SQL "id = $1", p, what);
}

int mm_store_count_users(mm_store *s, int64_t *out, const char *role)
{
    const mm_param p[] = {P_TEXT(role ? role : "")};
    return mm_db_int(s, out, "SELECT count(*) FROM users WHERE role = $1", 1, p);
}

int mm_store_list_users(mm_store *s, json_t **out, const char *org_id)
{
    static const char *const keys[] = {"id",           "login",       "role",
                                       "org_id",       "must_change", "disabled",
                                       "locked_until", "created",     NULL};
    const mm_param p[] = {P_TEXT(org_id)};
    return mm_db_objects(
        s, out,
        "SELECT id, login, role, org_id, must_change, disabled, locked_until, created"
        " FROM users WHERE ($1 IS NULL OR org_id = $1) AND deleted IS NULL ORDER BY login",
        1, p, keys, "isssbbss");
}

/* A write to the row of user id: MM_ENOTFOUND when it changed none. */
static int change_user(mm_store *s, int64_t id, const char *sql, int n, const mm_param *p)
{
    char notfound[48];
    snprintf(notfound, sizeof(notfound), "no user with id %lld", (long long)id);
    return mm_db_change(s, notfound, sql, n, p);
}

int mm_store_set_logon_state(mm_store *s, int64_t user_id, int failed_logons,
                             const char *failed_since, const char *locked_until)
{
    if (failed_logons < 0) {
        mm_error_set("user %lld: failed logon count %d is negative", (long long)user_id,
                     failed_logons);
        return MM_EINVALID;
    }
    const mm_param p[] = {P_INT(user_id), P_INT(failed_logons), P_TEXT(failed_since),
                          P_TEXT(locked_until)};
    return change_user(s, user_id,
                       "UPDATE users SET failed_logons = $2, failed_since = $3, locked_until = $4"
                       " WHERE id = $1",
                       NPARAMS(p), p);
}

int mm_store_set_password(mm_store *s, int64_t user_id, const char *password_hash, bool must_change)
{
    if (!password_hash || strncmp(password_hash, "$argon2id$", 10) != 0) {
        mm_error_set("user %lld: the password hash is not an Argon2id hash", (long long)user_id);
        return MM_EINVALID;
    }
    const mm_param p[] = {P_INT(user_id), P_TEXT(password_hash), P_BOOL(must_change)};
    return change_user(s, user_id,
                       "UPDATE users SET password_hash = $2, must_change = $3, failed_logons = 0,"
                       " failed_since = NULL, locked_until = NULL WHERE id = $1",
                       NPARAMS(p), p);
}

int mm_store_set_user_disabled(mm_store *s, int64_t user_id, bool disabled)
{
    const mm_param p[] = {P_INT(user_id), P_BOOL(disabled)};
    return change_user(s, user_id,
                       "UPDATE users SET disabled = $2 WHERE id = $1 AND deleted IS NULL",
                       NPARAMS(p), p);
}

int mm_store_revoke_user_tokens(mm_store *s, int64_t user_id, const char *now)
{
    int rc = mm_need(now, "token revocation: time");
    const mm_param p[] = {P_INT(user_id), P_TEXT(now)};
    return rc ? rc
              : mm_db_rows(s, NULL, NULL,
                           "UPDATE api_tokens SET revoked = $2 WHERE user_id = $1"
                           " AND revoked IS NULL",
                           NPARAMS(p), p);
}

int mm_store_delete_user(mm_store *s, int64_t user_id, const char *now, const char *reusable)
{
    int rc = mm_need(now, "user deletion: time");
    if (rc == MM_OK)
        rc = mm_need(reusable, "user deletion: reusable");
    if (rc)
        return rc;
    char renamed[40];
    snprintf(renamed, sizeof(renamed), "deleted:%lld", (long long)user_id);
    const mm_param p[] = {P_INT(user_id), P_TEXT(now), P_TEXT(reusable), P_TEXT(renamed),
                          P_BOOL(true)};
    return change_user(s, user_id,
                       "UPDATE users SET deleted = $2, login_reusable = $3, deleted_login = login,"
                       " login = $4, disabled = $5 WHERE id = $1 AND deleted IS NULL",
                       NPARAMS(p), p);
}

int mm_store_count_enabled_users(mm_store *s, int64_t *out, const char *role)
{
    const mm_param p[] = {P_TEXT(role ? role : ""), P_BOOL(false)};
    return mm_db_int(s, out,
                     "SELECT count(*) FROM users WHERE role = $1 AND disabled = $2"
                     " AND deleted IS NULL",
                     NPARAMS(p), p);
}

/* ---- tokens ---------------------------------------------------------------------------- */

int mm_store_create_token(mm_store *s, int64_t *out_id, int64_t user_id, const char *token_hash,
                          const char *name, const char *created, const char *expires)
{
    if (!mm_is_hex(token_hash, 64)) {
        mm_error_set("token: the hash is not 64 lowercase hex digits");
        return MM_EINVALID;
    }
    int rc = mm_need(created, "token: created");
    if (rc)
        return rc;
    const mm_param p[] = {P_INT(user_id), P_TEXT(token_hash), P_TEXT(name ? name : ""),
                          P_TEXT(created), P_TEXT(mm_nonempty(expires) ? expires : NULL)};
    return mm_db_insert(s, out_id,
                        "INSERT INTO api_tokens (user_id, token_hash, name, created, expires)"
                        " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        NPARAMS(p), p, NULL, NULL);
}

int mm_store_get_token_owner(mm_store *s, mm_token *out, mm_user **user, char kind[16], int64_t id)
{
    memset(out, 0, sizeof(*out));
    *user = NULL;
    kind[0] = '\0';
    char notfound[48];
    snprintf(notfound, sizeof(notfound), "no token with id %lld", (long long)id);
    json_t *row = NULL;
    const mm_param p[] = {P_INT(id)};
    int rc =
        mm_db_row(s, &row, notfound,
                  "SELECT t.id, t.user_id, t.token_hash, coalesce(t.expires, ''),"
                  " CASE WHEN t.revoked IS NULL THEN 0 ELSE 1 END,"
                  " u.id, u.org_id, u.login, u.role, u.password_hash, u.must_change,"
                  " u.disabled, u.failed_logons, u.failed_since, u.locked_until, u.deleted, o.kind"
                  " FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id"
                  " LEFT JOIN organizations o ON o.id = u.org_id WHERE t.id = $1",
                  1, p);
    bool ok = true;
    if (rc == MM_OK) {
        out->id = mm_cell_i64(row, 0);
        out->user_id = mm_cell_i64(row, 1);
        mm_cell_copy(out->token_hash, sizeof(out->token_hash), row, 2);
        mm_cell_copy(out->expires, sizeof(out->expires), row, 3);
        out->revoked = mm_cell_i64(row, 4) != 0;
        if (mm_cell(row, 5))
            *user = user_of_row(row, 5, &ok);
        mm_cell_copy(kind, 16, row, 16);
    }
    json_decref(row);
    if (rc == MM_OK && !ok) {
        mm_user_free(*user);
        *user = NULL;
        rc = mm_oom();
    }
    return rc;
}

int mm_store_get_token(mm_store *s, mm_token *out, int64_t id)
{
    mm_user *user = NULL;
    char kind[16];
    int rc = mm_store_get_token_owner(s, out, &user, kind, id);
    mm_user_free(user);
    return rc;
}

int mm_store_list_tokens(mm_store *s, json_t **out, int64_t user_id)
{
    static const char *const keys[] = {"id", "name", "created", "expires", "revoked", NULL};
    const mm_param p[] = {P_INT(user_id)};
    return mm_db_objects(s, out,
                         "SELECT id, name, created, expires, revoked FROM api_tokens"
                         " WHERE user_id = $1 ORDER BY id",
                         1, p, keys, "issss");
}

int mm_store_revoke_token(mm_store *s, int64_t id, int64_t user_id, const char *now)
{
    int rc = mm_need(now, "token revocation: time");
    if (rc)
        return rc;
    char notfound[80];
    snprintf(notfound, sizeof(notfound), "no token %lld of user %lld", (long long)id,
             (long long)user_id);
    const mm_param p[] = {P_INT(id), P_INT(user_id), P_TEXT(now)};
    /* revoking twice keeps the first time */
    return mm_db_change(s, notfound,
                        "UPDATE api_tokens SET revoked = coalesce(revoked, $3)"
                        " WHERE id = $1 AND user_id = $2",
                        NPARAMS(p), p);
}

/* ---- sessions -------------------------------------------------------------------------- */

int mm_store_create_session(mm_store *s, const mm_session *ss)
{
    if (!mm_is_hex(ss->id, 32)) {
        mm_error_set("session: id is not 32 lowercase hex digits");
        return MM_EINVALID;
    }
    if (!mm_is_hex(ss->secret_hash, 64)) {
        mm_error_set("session: secret hash is not 64 lowercase hex digits");
        return MM_EINVALID;
    }
    if (!ss->csrf[0] || !ss->created[0] || !ss->last_seen[0] || !ss->expires[0]) {
        mm_error_set("session: csrf, created, last_seen and expires are required");
        return MM_EINVALID;
    }
    const mm_param p[] = {P_TEXT(ss->id),     P_TEXT(ss->secret_hash), P_TEXT(ss->csrf),
                          P_INT(ss->user_id), P_TEXT(ss->created),     P_TEXT(ss->last_seen),
                          P_TEXT(ss->expires)};
    return mm_db_rows(s, NULL, NULL,
                      "INSERT INTO sessions (id, secret_hash, csrf, user_id, created, last_seen,"
                      " expires) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                      NPARAMS(p), p);
}

int mm_store_get_session(mm_store *s, mm_session *out, const char *id)
{
    memset(out, 0, sizeof(*out));
    json_t *row = NULL;
    const mm_param p[] = {P_TEXT(id)};
    int rc = mm_need(id, "session id");
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, "no such session",
                       "SELECT id, secret_hash, csrf, user_id, created, last_seen, expires"
                       " FROM sessions WHERE id = $1",
                       1, p);
    if (rc == MM_OK) {
        mm_cell_copy(out->id, sizeof(out->id), row, 0);
        mm_cell_copy(out->secret_hash, sizeof(out->secret_hash), row, 1);
        mm_cell_copy(out->csrf, sizeof(out->csrf), row, 2);
        out->user_id = mm_cell_i64(row, 3);
        mm_cell_copy(out->created, sizeof(out->created), row, 4);
        mm_cell_copy(out->last_seen, sizeof(out->last_seen), row, 5);
        mm_cell_copy(out->expires, sizeof(out->expires), row, 6);
    }
    json_decref(row);
    return rc;
}

int mm_store_touch_session(mm_store *s, const char *id, const char *last_seen)
{
    int rc = mm_need(id, "session id");
    if (rc == MM_OK)
        rc = mm_need(last_seen, "session: last_seen");
    const mm_param p[] = {P_TEXT(id), P_TEXT(last_seen)};
    return rc ? rc
              : mm_db_change(s, "no such session",
                             "UPDATE sessions SET last_seen = $2 WHERE id = $1", 2, p);
}

int mm_store_delete_session(mm_store *s, const char *id)
{
    int rc = mm_need(id, "session id");
    const mm_param p[] = {P_TEXT(id)};
    return rc ? rc : mm_db_change(s, "no such session", "DELETE FROM sessions WHERE id = $1", 1, p);
}

int mm_store_delete_user_sessions(mm_store *s, int64_t user_id)
{
    const mm_param p[] = {P_INT(user_id)};
    return mm_db_rows(s, NULL, NULL, "DELETE FROM sessions WHERE user_id = $1", 1, p);
}
