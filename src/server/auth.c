/* mamori serve: who is asking. Resolves a Bearer token or the session cookie into the
 * request's principal (idle and absolute session limits), checks the CSRF header, and makes
 * and clears session cookies for the account actions (account.c).
 *
 * Credentials are never stored or logged in clear: a token is "mm_<id>_<secret>" and a
 * session cookie "<id>.<secret>"; the store keeps the SHA-256 of the secret, looked up by
 * id and compared in constant time (sodium_memcmp). */
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

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

static void time_after(char out[32], long long t, long seconds)
{
    mm_time_rfc3339(out, t + seconds);
}

long long mm_auth_parse_time(const char *s)
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

static void fill_principal(principal *p, const mm_user *u, bool authority)
{
    p->authenticated = true;
    p->user_id = u->id;
    snprintf(p->login, sizeof p->login, "%s", u->login);
    snprintf(p->role, sizeof p->role, "%s", u->role);
    snprintf(p->org_id, sizeof p->org_id, "%s", u->org_id);
    p->authority = authority;
    p->must_change = u->must_change;
}

int mm_auth_load_principal(http_req *r, principal *p, const mm_user *u)
{
    json_t *org = NULL;
    int rc = mm_store_get_org(r->st, &org, u->org_id);
    if (rc)
        return rc;
    const char *kind = json_string_value(json_object_get(org, "kind"));
    fill_principal(p, u, kind && strcmp(kind, "authority") == 0);
    json_decref(org);
    return MM_OK;
}

static int unauthenticated(reply *out, const char *why)
{
    reply_error(out, 401, "unauthenticated", "%s", why);
    return 401;
}

/* ---- the token cache ---------------------------------------------------------------------
 * What one token's statement answered (its hash, expiry, user and organization's kind), kept
 * per process and used only while the store's version (req_store_version: the last audit
 * id) is the one it was read at. Every change of what is kept here (a revocation, a user
 * disabled, deleted or changed, an organization deleted) appends an audit record in its
 * transaction (mm_audited_commit), on this instance or another on the same database, so the next
 * request anywhere reads a new version and goes to the store again. Only tokens that were
 * good when read are kept (never a failed lookup); the secret's hash is still compared in
 * constant time and the expiry checked on every request. One slot per token id modulo the
 * size; one mutex (a copy of a few hundred bytes). */

#define TOKEN_SLOTS 256

typedef struct token_slot {
    int64_t id; /* 0: empty */
    int64_t version;
    char hash[65];
    char expires[32];
    int64_t user_id;
    char login[128];
    char role[32];
    char org_id[64];
    bool authority;
    bool must_change;
} token_slot;

static pthread_mutex_t token_lock = PTHREAD_MUTEX_INITIALIZER;
static token_slot token_slots[TOKEN_SLOTS];

static bool token_cached(int64_t id, int64_t version, token_slot *out)
{
    token_slot *s = &token_slots[(uint64_t)id % TOKEN_SLOTS];
    pthread_mutex_lock(&token_lock);
    bool hit = s->id == id && s->version == version;
    if (hit)
        *out = *s;
    pthread_mutex_unlock(&token_lock);
    return hit;
}

static void token_keep(const token_slot *in)
{
    pthread_mutex_lock(&token_lock);
    token_slots[(uint64_t)in->id % TOKEN_SLOTS] = *in;
    pthread_mutex_unlock(&token_lock);
}

/* Fills r->who from a good token (cached or just read). */
static void fill_from_slot(principal *p, const token_slot *s)
{
    p->authenticated = true;
    p->user_id = s->user_id;
    memcpy(p->login, s->login, sizeof p->login);
    memcpy(p->role, s->role, sizeof p->role);
    memcpy(p->org_id, s->org_id, sizeof p->org_id);
    p->authority = s->authority;
    p->must_change = s->must_change;
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
    int64_t version = 0;
    bool versioned = req_store_version(r, &version) == MM_OK;
    token_slot c;
    if (versioned && token_cached(id, version, &c) && sodium_memcmp(hash, c.hash, 64) == 0) {
        if (c.expires[0] && strcmp(c.expires, r->now) <= 0)
            return unauthenticated(out, "the token has expired");
        fill_from_slot(&r->who, &c);
        return 0;
    }
    /* the token, its user and the organization's kind: one statement */
    mm_token t;
    mm_user *u = NULL;
    char kind[16];
    int rc = mm_store_get_token_owner(r->st, &t, &u, kind, id), status = 0;
    if (rc || sodium_memcmp(hash, t.token_hash, 64) != 0)
        status = unauthenticated(out, "unknown token");
    else if (t.revoked)
        status = unauthenticated(out, "the token was revoked");
    else if (t.expires[0] && strcmp(t.expires, r->now) <= 0)
        status = unauthenticated(out, "the token has expired");
    else if (!u || u->disabled)
        status = unauthenticated(out, "the token's user is disabled");
    else if (!kind[0])
        status = unauthenticated(out, "the token's organization is gone");
    else {
        fill_principal(&r->who, u, strcmp(kind, "authority") == 0);
        if (versioned) {
            memset(&c, 0, sizeof c);
            c.id = id;
            c.version = version;
            memcpy(c.hash, t.token_hash, sizeof c.hash);
            memcpy(c.expires, t.expires, sizeof c.expires);
            c.user_id = r->who.user_id;
            memcpy(c.login, r->who.login, sizeof c.login);
            memcpy(c.role, r->who.role, sizeof c.role);
            memcpy(c.org_id, r->who.org_id, sizeof c.org_id);
            c.authority = r->who.authority;
            c.must_change = r->who.must_change;
            token_keep(&c);
        }
    }
    mm_user_free(u);
    return status;
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
    long long last = mm_auth_parse_time(s.last_seen);
    if (strcmp(s.expires, r->now) <= 0 || r->now_unix - last >= r->srv->policy.idle_timeout) {
        mm_best_effort(mm_store_delete_session(r->st, id), "delete_session");
        mm_best_effort(mm_audit_note(r->st, "system", "session.expired", id, NULL), "audit_append");
        return unauthenticated(out, strcmp(s.expires, r->now) <= 0
                                        ? "the session reached its longest lifetime; sign in again"
                                        : "the session ended after inactivity; sign in again");
    }
    mm_user *u = NULL;
    if (mm_store_get_user_by_id(r->st, &u, s.user_id) || u->disabled) {
        mm_user_free(u);
        return unauthenticated(out, "the session's user is disabled");
    }
    rc = mm_auth_load_principal(r, &r->who, u);
    mm_user_free(u);
    if (rc)
        return unauthenticated(out, "the session's organization is gone");
    r->who.via_session = true;
    memcpy(r->who.session_id, id, sizeof id);
    memcpy(r->who.csrf, s.csrf, sizeof s.csrf);
    /* keep writes rare (at most every 15 s) but often enough for a short idle timeout */
    long every = r->srv->policy.idle_timeout / 4 < 15 ? r->srv->policy.idle_timeout / 4 : 15;
    if (r->now_unix - last >= (every < 1 ? 1 : every))
        mm_best_effort(mm_store_touch_session(r->st, id, r->now), "touch_session");
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

int mm_auth_session_new(http_req *r, int64_t user_id, char cookie_out[256], char csrf[65])
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
        snprintf(cookie_out, 256, "mm_session=%s.%s; HttpOnly; SameSite=Strict; Path=/%s", s.id,
                 secret, r->srv->tls ? "; Secure" : "");
        memcpy(csrf, s.csrf, 65);
    }
    sodium_memzero(secret, sizeof secret);
    return rc;
}

const char *mm_auth_clear_cookie(const mm_server *srv)
{
    return srv->tls ? "mm_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure"
                    : "mm_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0";
}
