/* mamori serve: logon, sessions, CSRF, API tokens, lockout and password changes.
 *
 * Credentials are never stored or logged in clear: a token is "mm_<id>_<secret>" and a
 * session cookie "<id>.<secret>"; the store keeps the SHA-256 of the secret, looked up by
 * id and compared in constant time (sodium_memcmp). */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "server/bodies.h"
#include "server/internal.h"
#include "util/util.h"

#define TOKEN_SECRET_BYTES   32
#define SESSION_SECRET_BYTES 32

void mm_sha256_hex(char out[65], const void *data, size_t len)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

void mm_random_hex(char *out, size_t n)
{
    unsigned char buf[64];
    if (n > sizeof buf)
        n = sizeof buf;
    randombytes_buf(buf, n);
    sodium_bin2hex(out, 2 * n + 1, buf, n);
    sodium_memzero(buf, sizeof buf);
}

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
            return false;
    return true;
}

/* A store call whose failure must not fail the request (a session touch, a record of a
 * refused logon): the failure is logged, never ignored silently. */
static void best_effort(int rc, const char *what)
{
    if (rc != MM_OK)
        mm_server_log_json("warn", "store write failed",
                           json_pack("{s:s,s:s}", "what", what, "error", mm_error_last()));
}

static void time_after(char out[32], long long t, long seconds)
{
    mm_time_rfc3339(out, t + seconds);
}

/* Unix time of an RFC 3339 UTC string written by mm_time_rfc3339. */
static long long parse_time(const char *s)
{
    if (!s || strlen(s) < 20)
        return 0;
    long days = mm_date_days(s);
    if (days < 0)
        return 0;
    int hh = 0, mi = 0, ss = 0;
    if (sscanf(s + 11, "%2d:%2d:%2d", &hh, &mi, &ss) != 3)
        return 0;
    return (long long)days * 86400 + hh * 3600 + mi * 60 + ss;
}

/* Fills p from a user (and its organization's kind). */
static int load_principal(http_req *r, principal *p, const mm_user *u)
{
    json_t *org = NULL;
    int rc = mm_store_get_org(r->st, &org, u->org_id);
    if (rc)
        return rc;
    const char *kind = json_string_value(json_object_get(org, "kind"));
    p->authenticated = true;
    p->user_id = u->id;
    snprintf(p->login, sizeof p->login, "%s", u->login);
    snprintf(p->role, sizeof p->role, "%s", u->role);
    snprintf(p->org_id, sizeof p->org_id, "%s", u->org_id);
    p->authority = kind && strcmp(kind, "authority") == 0;
    p->must_change = u->must_change;
    json_decref(org);
    return MM_OK;
}

static int unauthenticated(reply *out, const char *why)
{
    reply_error(out, 401, "unauthenticated", "%s", why);
    return 401;
}

static int resolve_token(http_req *r, const char *tok, reply *out)
{
    /* mm_<id>_<64 hex> */
    if (strncmp(tok, "mm_", 3) != 0)
        return unauthenticated(out, "the token is not a mamori token (mm_...)");
    char *end = NULL;
    long long id = strtoll(tok + 3, &end, 10);
    if (id <= 0 || *end != '_' || strlen(end + 1) != 2 * TOKEN_SECRET_BYTES ||
        !all_hex(end + 1, 2 * TOKEN_SECRET_BYTES))
        return unauthenticated(out, "the token is malformed");
    char hash[65];
    mm_sha256_hex(hash, end + 1, 2 * TOKEN_SECRET_BYTES);
    mm_token t;
    int rc = mm_store_get_token(r->st, &t, id);
    if (rc || sodium_memcmp(hash, t.token_hash, 64) != 0)
        return unauthenticated(out, "unknown token");
    if (t.revoked)
        return unauthenticated(out, "the token was revoked");
    if (t.expires[0] && strcmp(t.expires, r->now) <= 0)
        return unauthenticated(out, "the token has expired");
    mm_user *u = NULL;
    if (mm_store_get_user_by_id(r->st, &u, t.user_id) || u->disabled) {
        mm_user_free(u);
        return unauthenticated(out, "the token's user is disabled");
    }
    rc = load_principal(r, &r->who, u);
    mm_user_free(u);
    if (rc)
        return unauthenticated(out, "the token's organization is gone");
    return 0;
}

static int resolve_session(http_req *r, const char *cookie, reply *out)
{
    /* <32 hex>.<64 hex> */
    if (strlen(cookie) < 32 + 1 + 64 || cookie[32] != '.' || !all_hex(cookie, 32) ||
        !all_hex(cookie + 33, 64) || cookie[97] != '\0')
        return unauthenticated(out, "the session cookie is malformed; sign in again");
    char id[33];
    memcpy(id, cookie, 32);
    id[32] = '\0';
    char hash[65];
    mm_sha256_hex(hash, cookie + 33, 64);
    mm_session s;
    int rc = mm_store_get_session(r->st, &s, id);
    if (rc || sodium_memcmp(hash, s.secret_hash, 64) != 0)
        return unauthenticated(out, "the session has ended; sign in again");
    long long last = parse_time(s.last_seen);
    if (strcmp(s.expires, r->now) <= 0 || r->now_unix - last >= r->srv->policy.idle_timeout) {
        best_effort(mm_store_delete_session(r->st, id), "delete_session");
        best_effort(mm_store_audit_append(r->st, NULL, "system", "session.expired", id, NULL),
                    "audit_append");
        return unauthenticated(out, strcmp(s.expires, r->now) <= 0
                                        ? "the session reached its longest lifetime; sign in again"
                                        : "the session ended after inactivity; sign in again");
    }
    mm_user *u = NULL;
    if (mm_store_get_user_by_id(r->st, &u, s.user_id) || u->disabled) {
        mm_user_free(u);
        return unauthenticated(out, "the session's user is disabled");
    }
    rc = load_principal(r, &r->who, u);
    mm_user_free(u);
    if (rc)
        return unauthenticated(out, "the session's organization is gone");
    r->who.via_session = true;
    memcpy(r->who.session_id, id, sizeof id);
    memcpy(r->who.csrf, s.csrf, sizeof s.csrf);
    /* keep writes rare (at most every 15 s) but often enough for a short idle timeout */
    long every = r->srv->policy.idle_timeout / 4 < 15 ? r->srv->policy.idle_timeout / 4 : 15;
    if (r->now_unix - last >= (every < 1 ? 1 : every))
        best_effort(mm_store_touch_session(r->st, id, r->now), "touch_session");
    return 0;
}

int mm_auth_resolve(http_req *r, reply *out)
{
    memset(&r->who, 0, sizeof r->who);
    const char *auth = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth) {
        if (strncasecmp(auth, "Bearer ", 7) != 0)
            return unauthenticated(out, "Authorization: expected 'Bearer mm_...'");
        const char *tok = auth + 7;
        while (*tok == ' ')
            tok++;
        return resolve_token(r, tok, out);
    }
    const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "mm_session");
    if (cookie)
        return resolve_session(r, cookie, out);
    return 0;
}

bool mm_auth_csrf_ok(http_req *r)
{
    const char *h = req_header(r, "X-CSRF-Token");
    return h && strlen(h) == 64 && r->who.csrf[0] && sodium_memcmp(h, r->who.csrf, 64) == 0;
}

/* ---- sessions ----------------------------------------------------------------------- */

static json_t *user_json(const principal *p)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)p->user_id, "login", p->login,
                     "role", p->role, "org_id", p->org_id, "org_kind",
                     p->authority ? "authority" : "contractor");
}

/* Makes a session for user and puts its cookie in out. */
static int new_session(http_req *r, int64_t user_id, reply *out, char csrf[65])
{
    mm_session s;
    memset(&s, 0, sizeof s);
    mm_random_hex(s.id, 16);
    char secret[2 * SESSION_SECRET_BYTES + 1];
    mm_random_hex(secret, SESSION_SECRET_BYTES);
    mm_sha256_hex(s.secret_hash, secret, strlen(secret));
    mm_random_hex(s.csrf, 32);
    s.user_id = user_id;
    snprintf(s.created, sizeof s.created, "%s", r->now);
    snprintf(s.last_seen, sizeof s.last_seen, "%s", r->now);
    time_after(s.expires, r->now_unix, r->srv->policy.session_lifetime);
    int rc = mm_store_create_session(r->st, &s);
    if (rc == MM_OK) {
        char cookie[256];
        snprintf(cookie, sizeof cookie, "mm_session=%s.%s; HttpOnly; SameSite=Strict; Path=/%s",
                 s.id, secret, r->srv->tls ? "; Secure" : "");
        free(out->set_cookie);
        out->set_cookie = strdup(cookie);
        memcpy(csrf, s.csrf, 65);
    }
    sodium_memzero(secret, sizeof secret);
    return rc;
}

static const char *clear_cookie(const mm_server *srv)
{
    return srv->tls ? "mm_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure"
                    : "mm_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0";
}

/* The login as given, cut and cleaned for the audit log (it may be an attacker's). */
static void audit_login_name(char out[72], const char *login)
{
    size_t i = 0;
    for (; login[i] && i < 64; i++)
        out[i] = ((unsigned char)login[i] < 0x20) ? '?' : login[i];
    out[i] = '\0';
}

void h_login(http_req *r, reply *out)
{
    const char *login = json_string_value(json_object_get(r->json, "login"));
    const char *password = json_string_value(json_object_get(r->json, "password"));
    const security_policy *pol = &r->srv->policy;
    char who[72];
    audit_login_name(who, login);

    mm_user *u = NULL;
    int rc = mm_store_get_user(r->st, &u, login);
    if (rc == MM_ENOTFOUND || (rc == MM_OK && u->disabled)) {
        (void)mm_password_verify(r->srv->dummy_hash, password); /* the same time as a user */
        json_t *d = json_pack("{s:s}", "reason", rc == MM_OK ? "disabled user" : "unknown user");
        char *dt = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
        best_effort(mm_store_audit_append(r->st, NULL, who, "logon.failure", who, dt),
                    "audit_append");
        free(dt);
        json_decref(d);
        mm_user_free(u);
        reply_error(out, 401, "unauthenticated", "wrong login or password");
        return;
    }
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    char uid[32];
    snprintf(uid, sizeof uid, "user:%lld", (long long)u->id);
    long long locked = parse_time(u->locked_until);
    if (locked > r->now_unix) {
        best_effort(mm_store_audit_append(r->st, NULL, who, "logon.refused-locked", uid, NULL),
                    "audit_append");
        out->retry_after = (long)(locked - r->now_unix);
        reply_error(out, 423, "locked",
                    "the account is locked after %ld failed logons; try again in %lld s or "
                    "ask an administrator",
                    pol->lockout_attempts, locked - r->now_unix);
        mm_user_free(u);
        return;
    }
    bool good = mm_password_verify(u->password_hash, password);
    if (!good) {
        /* count the failure against the state as it is now, under the write lock: guesses
         * sent at once are counted one after the other */
        char until[32] = "";
        int failed = 0;
        bool already_locked = false;
        rc = mm_store_begin(r->st);
        mm_user *now_u = NULL;
        if (rc == MM_OK)
            rc = mm_store_get_user_by_id(r->st, &now_u, u->id);
        if (rc == MM_OK) {
            long long lock_now = parse_time(now_u->locked_until);
            long long since = parse_time(now_u->failed_since);
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
                time_after(until, r->now_unix, pol->lockout_duration);
            rc = mm_store_set_logon_state(r->st, u->id, failed, since_s, until[0] ? until : NULL);
            json_t *d = json_pack("{s:s,s:i}", "reason", "wrong password", "failures", failed);
            char *dt = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
            if (rc == MM_OK)
                rc = mm_store_audit_append(r->st, NULL, who, "logon.failure", uid, dt);
            free(dt);
            json_decref(d);
            if (rc == MM_OK && until[0] && !already_locked) {
                d = json_pack("{s:s,s:i}", "until", until, "failures", failed);
                dt = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
                rc = mm_store_audit_append(r->st, NULL, "system", "account.locked", uid, dt);
                free(dt);
                json_decref(d);
            }
            if (rc == MM_OK)
                rc = mm_store_commit(r->st);
            else
                mm_store_rollback(r->st);
        } else if (rc != MM_OK) {
            mm_store_rollback(r->st);
        }
        mm_user_free(now_u);
        if (until[0]) {
            long long left = parse_time(until) - r->now_unix;
            if (!already_locked)
                best_effort(mm_store_delete_user_sessions(r->st, u->id), "delete_user_sessions");
            out->retry_after = (long)(left > 0 ? left : 1);
            reply_error(out, 423, "locked",
                        "wrong login or password; the account is locked for %lld s after %ld "
                        "failed logons",
                        left > 0 ? left : 1, pol->lockout_attempts);
        } else {
            reply_error(out, 401, "unauthenticated", "wrong login or password");
        }
        mm_user_free(u);
        return;
    }
    principal p;
    memset(&p, 0, sizeof p);
    char csrf[65] = "";
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_set_logon_state(r->st, u->id, 0, NULL, NULL);
    if (rc == MM_OK)
        rc = load_principal(r, &p, u);
    if (rc == MM_OK)
        rc = new_session(r, u->id, out, csrf);
    if (rc == MM_OK)
        rc = mm_store_audit_append(r->st, NULL, u->login, "logon.success", uid, NULL);
    if (rc == MM_OK)
        rc = mm_store_commit(r->st);
    else
        mm_store_rollback(r->st);
    if (rc) {
        free(out->set_cookie);
        out->set_cookie = NULL;
        reply_store_error(out, rc);
        mm_user_free(u);
        return;
    }
    char expires[32];
    time_after(expires, r->now_unix, pol->session_lifetime);
    reply_json(out, 200,
               json_pack("{s:o,s:s,s:b,s:I,s:s}", "user", user_json(&p), "csrf_token", csrf,
                         "must_change_password", u->must_change, "idle_timeout",
                         (json_int_t)pol->idle_timeout, "expires", expires));
    mm_user_free(u);
}

void h_whoami(http_req *r, reply *out)
{
    json_t *o = json_pack("{s:o,s:b}", "user", user_json(&r->who), "must_change_password",
                          r->who.must_change);
    if (r->who.via_session)
        json_object_set_new(o, "csrf_token", json_string(r->who.csrf));
    reply_json(out, 200, o);
}

void h_logout(http_req *r, reply *out)
{
    if (!r->who.via_session) {
        reply_error(out, 400, "bad_request",
                    "this request has no session (a token is not a "
                    "session: revoke it with DELETE /api/v1/tokens/ID)");
        return;
    }
    int rc = mm_store_delete_session(r->st, r->who.session_id);
    if (rc == MM_OK)
        rc = mm_store_audit_append(r->st, NULL, r->who.login, "logout", r->who.session_id, NULL);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    out->set_cookie = strdup(clear_cookie(r->srv));
    reply_json(out, 200, json_pack("{s:s}", "status", "signed out"));
}

void h_password(http_req *r, reply *out)
{
    const char *cur = json_string_value(json_object_get(r->json, "current"));
    const char *new = json_string_value(json_object_get(r->json, "new"));
    mm_user *u = NULL;
    int rc = mm_store_get_user_by_id(r->st, &u, r->who.user_id);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    if (!mm_password_verify(u->password_hash, cur)) {
        best_effort(mm_store_audit_append(r->st, NULL, r->who.login, "password.change-refused",
                                          r->who.login, NULL),
                    "audit_append");
        reply_error(out, 403, "forbidden", "the current password is wrong");
        mm_user_free(u);
        return;
    }
    mm_user_free(u);
    if (strcmp(cur, new) == 0) {
        reply_error(out, 400, "bad_request",
                    "$.new: the new password must differ from the "
                    "current one");
        return;
    }
    char hash[128];
    if (mm_password_hash(hash, new) != MM_OK) {
        reply_error(out, 503, "unavailable", "cannot hash the password now; try again");
        return;
    }
    char csrf[65] = "";
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_set_password(r->st, r->who.user_id, hash, false);
    if (rc == MM_OK)
        rc = mm_store_delete_user_sessions(r->st, r->who.user_id);
    if (rc == MM_OK && r->who.via_session)
        rc = new_session(r, r->who.user_id, out, csrf);
    if (rc == MM_OK)
        rc =
            mm_store_audit_append(r->st, NULL, r->who.login, "password.change", r->who.login, NULL);
    if (rc == MM_OK)
        rc = mm_store_commit(r->st);
    else
        mm_store_rollback(r->st);
    sodium_memzero(hash, sizeof hash);
    if (rc) {
        free(out->set_cookie);
        out->set_cookie = NULL;
        reply_store_error(out, rc);
        return;
    }
    json_t *o = json_pack("{s:s}", "status", "password changed; other sessions ended");
    if (csrf[0])
        json_object_set_new(o, "csrf_token", json_string(csrf));
    reply_json(out, 200, o);
}

/* ---- API tokens --------------------------------------------------------------------- */

void h_tokens_list(http_req *r, reply *out)
{
    json_t *items = NULL;
    int rc = mm_store_list_tokens(r->st, &items, r->who.user_id);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "items", items));
}

void h_tokens_create(http_req *r, reply *out)
{
    const char *name = json_string_value(json_object_get(r->json, "name"));
    json_t *days = json_object_get(r->json, "expires_days");
    long d = json_is_integer(days) ? (long)json_integer_value(days) : 90;
    char expires[32];
    time_after(expires, r->now_unix, d * 86400L);
    char secret[2 * TOKEN_SECRET_BYTES + 1], hash[65];
    mm_random_hex(secret, TOKEN_SECRET_BYTES);
    mm_sha256_hex(hash, secret, strlen(secret));
    int64_t id = 0;
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_create_token(r->st, &id, r->who.user_id, hash, name, r->now, expires);
    char obj[32];
    snprintf(obj, sizeof obj, "token:%lld", (long long)id);
    if (rc == MM_OK)
        rc = mm_store_audit_append(r->st, NULL, r->who.login, "token.create", obj, NULL);
    if (rc == MM_OK)
        rc = mm_store_commit(r->st);
    else
        mm_store_rollback(r->st);
    if (rc) {
        sodium_memzero(secret, sizeof secret);
        reply_store_error(out, rc);
        return;
    }
    char token[128];
    snprintf(token, sizeof token, "mm_%lld_%s", (long long)id, secret);
    reply_json(out, 201,
               json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)id, "token", token, "name",
                         name, "expires", expires, "note",
                         "shown once: keep it in a secret store or MAMORI_TOKEN"));
    sodium_memzero(secret, sizeof secret);
    sodium_memzero(token, sizeof token);
}

void h_tokens_revoke(http_req *r, reply *out)
{
    char *end = NULL;
    long long id = strtoll(r->param[0], &end, 10);
    if (id <= 0 || *end) {
        reply_error(out, 404, "not_found", "no such token");
        return;
    }
    char obj[32];
    snprintf(obj, sizeof obj, "token:%lld", id);
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_revoke_token(r->st, id, r->who.user_id, r->now);
    if (rc == MM_OK)
        rc = mm_store_audit_append(r->st, NULL, r->who.login, "token.revoke", obj, NULL);
    if (rc == MM_OK)
        rc = mm_store_commit(r->st);
    else
        mm_store_rollback(r->st);
    if (rc == MM_ENOTFOUND) {
        reply_error(out, 404, "not_found", "no such token of yours");
        return;
    }
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "revoked"));
}
