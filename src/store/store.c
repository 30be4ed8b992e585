/* The store front end: picks a backend by the --db URL's scheme and forwards to it;
 * password and id helpers shared by every backend. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mamori/store.h"
#include "store/store_internal.h"

struct mm_store {
    const mm_store_backend *be;
    void *impl;
};

static int crypto_ready(void)
{
    if (sodium_init() < 0) {
        mm_error_set("libsodium could not be initialised");
        return MM_ERROR;
    }
    return MM_OK;
}

/* The backend for url's scheme and the path or URL it takes. */
static int pick_backend(const mm_store_backend **out, const char **path_out, const char *url)
{
    const mm_store_backend *be = NULL;
    const char *path = url;
    if (strncmp(url, "sqlite:", 7) == 0) {
        be = &mm_store_sqlite;
        path = url + 7;
        if (strncmp(path, "//", 2) == 0)
            path += 2;
    } else if (strncmp(url, "postgresql:", 11) == 0 || strncmp(url, "postgres:", 9) == 0) {
        be = &mm_store_postgres; /* libpq takes the whole URL */
    } else {
        const char *colon = strchr(url, ':');
        const char *slash = strchr(url, '/');
        if (colon && strncmp(colon, "://", 3) == 0 && (!slash || colon < slash)) {
            mm_error_set("%s: unknown database scheme (use sqlite:PATH or a file path)", url);
            return MM_EUSAGE;
        }
        be = &mm_store_sqlite;
    }
    if (!path[0]) {
        mm_error_set("%s: no database path", url);
        return MM_EUSAGE;
    }
    *out = be;
    *path_out = path;
    return MM_OK;
}

int mm_store_open(mm_store **out, const char *url)
{
    *out = NULL;
    if (!url || !url[0]) {
        mm_error_set("--db: no database given");
        return MM_EUSAGE;
    }
    int rc = crypto_ready();
    if (rc)
        return rc;
    const mm_store_backend *be = NULL;
    const char *path = NULL;
    rc = pick_backend(&be, &path, url);
    if (rc)
        return rc;
    mm_store *s = calloc(1, sizeof(*s));
    if (!s) {
        mm_error_set("out of memory");
        return MM_ENOMEM;
    }
    s->be = be;
    rc = be->open(&s->impl, path);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return MM_OK;
}

void mm_store_free(mm_store *s)
{
    if (!s)
        return;
    s->be->close(s->impl);
    free(s);
}

int mm_store_schema_version(mm_store *s, int *out)
{
    return s->be->schema_version(s->impl, out);
}

int mm_store_begin(mm_store *s)
{
    return s->be->begin(s->impl);
}

int mm_store_commit(mm_store *s)
{
    return s->be->commit(s->impl);
}

int mm_store_rollback(mm_store *s)
{
    return s->be->rollback(s->impl);
}

static bool valid_json_object(const char *text)
{
    /* the backend checks with json_valid too; here only the shape */
    return text && text[0] == '{';
}

int mm_store_create_org(mm_store *s, const mm_org *org)
{
    if (!org->id || !org->id[0] || !org->name || !org->name[0]) {
        mm_error_set("organization: id and name are required");
        return MM_EINVALID;
    }
    if (!mm_store_valid_kind(org->kind)) {
        mm_error_set("organization %s: kind '%s' is not authority or contractor", org->id,
                     org->kind ? org->kind : "");
        return MM_EINVALID;
    }
    if (org->identifiers && !valid_json_object(org->identifiers)) {
        mm_error_set("organization %s: identifiers must be a JSON object", org->id);
        return MM_EINVALID;
    }
    return s->be->create_org(s->impl, org);
}

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
    int64_t id = 0;
    int rc = s->be->create_user(s->impl, &id, user);
    if (out_id)
        *out_id = id;
    return rc;
}

int mm_store_get_user(mm_store *s, mm_user **out, const char *login)
{
    *out = NULL;
    return s->be->get_user_by_login(s->impl, out, login ? login : "");
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

int mm_store_count_users(mm_store *s, int64_t *out, const char *role)
{
    *out = 0;
    return s->be->count_users_with_role(s->impl, out, role ? role : "");
}

int mm_store_audit_append(mm_store *s, int64_t *out_id, const char *actor, const char *action,
                          const char *object, const char *detail)
{
    if (!actor || !actor[0] || !action || !action[0] || !object) {
        mm_error_set("audit record: actor, action and object are required");
        return MM_EINVALID;
    }
    if (detail && !valid_json_object(detail)) {
        mm_error_set("audit record %s: detail must be a JSON object", action);
        return MM_EINVALID;
    }
    int64_t id = 0;
    int rc = s->be->audit_append(s->impl, &id, actor, action, object, detail ? detail : "{}");
    if (out_id)
        *out_id = id;
    return rc;
}

int mm_store_audit_head(mm_store *s, int64_t *out)
{
    *out = 0;
    return s->be->audit_head(s->impl, out);
}

int mm_store_audit_verify(mm_store *s, mm_audit_report *out)
{
    memset(out, 0, sizeof(*out));
    return s->be->audit_verify(s->impl, out);
}

/* ---- schema 2: checks shared by the wrappers ----------------------------------------- */

static bool nonempty(const char *s)
{
    return s && s[0];
}

static bool is_hex(const char *s, size_t len)
{
    if (!s || strlen(s) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* YYYY-MM-DD with digits where digits go (the calendar is the caller's business) */
static bool is_date(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

static bool one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

#define ONE_OF(s, list) one_of((s), (list), sizeof(list) / sizeof((list)[0]))

static const char *const sub_statuses[] = {"meets", "conditional", "not-met", "no-valid-score"};
static const char *const org_statuses[] = {"meets",          "conditional", "not-met",
                                           "no-valid-score", "stale",       "none"};
static const char *const org_sorts[] = {"name", "score", "status", "assessed", "received"};
static const char *const frameworks[] = {"800-171r3", "800-171r2"};
static const char *const gap_statuses[] = {"not-met", "partial", "not-assessed"};
static const char *const milestone_statuses[] = {"planned", "in-progress", "completed"};

static int check_page(const char *what, int64_t offset, int64_t limit)
{
    if (limit < 1 || limit > 1000) {
        mm_error_set("%s: limit %lld is not in 1..1000", what, (long long)limit);
        return MM_EUSAGE;
    }
    if (offset < 0) {
        mm_error_set("%s: offset %lld is negative", what, (long long)offset);
        return MM_EUSAGE;
    }
    return MM_OK;
}

static int need(const char *value, const char *what)
{
    if (!nonempty(value)) {
        mm_error_set("%s is required", what);
        return MM_EINVALID;
    }
    return MM_OK;
}

/* ---- organizations ------------------------------------------------------------------- */

int mm_store_get_org(mm_store *s, json_t **out, const char *id)
{
    *out = NULL;
    int rc = need(id, "organization id");
    return rc ? rc : s->be->get_org(s->impl, out, id);
}

int mm_store_set_org_consent(mm_store *s, const char *id, bool consent)
{
    int rc = need(id, "organization id");
    return rc ? rc : s->be->set_org_consent(s->impl, id, consent);
}

int mm_store_list_orgs(mm_store *s, json_t **out, const mm_org_query *q)
{
    *out = NULL;
    int rc = check_page("organization list", q->offset, q->limit);
    if (rc)
        return rc;
    if (q->kind && !mm_store_valid_kind(q->kind)) {
        mm_error_set("organization list: kind '%s' is not authority or contractor", q->kind);
        return MM_EUSAGE;
    }
    if (q->status && !ONE_OF(q->status, org_statuses)) {
        mm_error_set("organization list: unknown status '%s' (meets, conditional, not-met, "
                     "no-valid-score, stale, none)",
                     q->status);
        return MM_EUSAGE;
    }
    if (q->sort && !ONE_OF(q->sort, org_sorts)) {
        mm_error_set("organization list: cannot sort by '%s' (name, score, status, assessed, "
                     "received)",
                     q->sort);
        return MM_EUSAGE;
    }
    if (q->stale_before && !is_date(q->stale_before)) {
        mm_error_set("organization list: stale_before '%s' is not YYYY-MM-DD", q->stale_before);
        return MM_EUSAGE;
    }
    return s->be->list_orgs(s->impl, out, q);
}

/* ---- users ----------------------------------------------------------------------------- */

int mm_store_get_user_by_id(mm_store *s, mm_user **out, int64_t id)
{
    *out = NULL;
    return s->be->get_user_by_id(s->impl, out, id);
}

int mm_store_list_users(mm_store *s, json_t **out, const char *org_id)
{
    *out = NULL;
    return s->be->list_users(s->impl, out, org_id);
}

int mm_store_set_logon_state(mm_store *s, int64_t user_id, int failed_logons,
                             const char *failed_since, const char *locked_until)
{
    if (failed_logons < 0) {
        mm_error_set("user %lld: failed logon count %d is negative", (long long)user_id,
                     failed_logons);
        return MM_EINVALID;
    }
    return s->be->set_logon_state(s->impl, user_id, failed_logons, failed_since, locked_until);
}

int mm_store_set_password(mm_store *s, int64_t user_id, const char *password_hash, bool must_change)
{
    if (!password_hash || strncmp(password_hash, "$argon2id$", 10) != 0) {
        mm_error_set("user %lld: the password hash is not an Argon2id hash", (long long)user_id);
        return MM_EINVALID;
    }
    return s->be->set_password(s->impl, user_id, password_hash, must_change);
}

/* ---- tokens ---------------------------------------------------------------------------- */

int mm_store_create_token(mm_store *s, int64_t *out_id, int64_t user_id, const char *token_hash,
                          const char *name, const char *created, const char *expires)
{
    if (!is_hex(token_hash, 64)) {
        mm_error_set("token: the hash is not 64 lowercase hex digits");
        return MM_EINVALID;
    }
    int rc = need(created, "token: created");
    if (rc)
        return rc;
    int64_t id = 0;
    rc = s->be->create_token(s->impl, &id, user_id, token_hash, name ? name : "", created,
                             nonempty(expires) ? expires : NULL);
    if (out_id)
        *out_id = id;
    return rc;
}

int mm_store_get_token(mm_store *s, mm_token *out, int64_t id)
{
    memset(out, 0, sizeof(*out));
    return s->be->get_token(s->impl, out, id);
}

int mm_store_list_tokens(mm_store *s, json_t **out, int64_t user_id)
{
    *out = NULL;
    return s->be->list_tokens(s->impl, out, user_id);
}

int mm_store_revoke_token(mm_store *s, int64_t id, int64_t user_id, const char *now)
{
    int rc = need(now, "token revocation: time");
    return rc ? rc : s->be->revoke_token(s->impl, id, user_id, now);
}

/* ---- sessions -------------------------------------------------------------------------- */

int mm_store_create_session(mm_store *s, const mm_session *sess)
{
    if (!is_hex(sess->id, 32)) {
        mm_error_set("session: id is not 32 lowercase hex digits");
        return MM_EINVALID;
    }
    if (!is_hex(sess->secret_hash, 64)) {
        mm_error_set("session: secret hash is not 64 lowercase hex digits");
        return MM_EINVALID;
    }
    if (!sess->csrf[0] || !sess->created[0] || !sess->last_seen[0] || !sess->expires[0]) {
        mm_error_set("session: csrf, created, last_seen and expires are required");
        return MM_EINVALID;
    }
    return s->be->create_session(s->impl, sess);
}

int mm_store_get_session(mm_store *s, mm_session *out, const char *id)
{
    memset(out, 0, sizeof(*out));
    int rc = need(id, "session id");
    return rc ? rc : s->be->get_session(s->impl, out, id);
}

int mm_store_touch_session(mm_store *s, const char *id, const char *last_seen)
{
    int rc = need(id, "session id");
    if (rc == MM_OK)
        rc = need(last_seen, "session: last_seen");
    return rc ? rc : s->be->touch_session(s->impl, id, last_seen);
}

int mm_store_delete_session(mm_store *s, const char *id)
{
    int rc = need(id, "session id");
    return rc ? rc : s->be->delete_session(s->impl, id);
}

int mm_store_delete_user_sessions(mm_store *s, int64_t user_id)
{
    return s->be->delete_user_sessions(s->impl, user_id);
}

/* ---- signing keys ---------------------------------------------------------------------- */

int mm_store_add_key(mm_store *s, int64_t *out_id, const char *org_id, const char *key_id,
                     const char *public_key, const char *label, const char *created)
{
    int rc = need(org_id, "key: organization id");
    if (rc == MM_OK)
        rc = need(created, "key: created");
    if (rc)
        return rc;
    if (!is_hex(key_id, 16)) {
        mm_error_set("key of %s: key id is not 16 lowercase hex digits", org_id);
        return MM_EINVALID;
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES + 1];
    size_t len = 0;
    if (!public_key ||
        sodium_base642bin(pk, sizeof(pk), public_key, strlen(public_key), NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len != crypto_sign_PUBLICKEYBYTES) {
        mm_error_set("key %s of %s: the public key is not base64 of 32 bytes", key_id, org_id);
        return MM_EINVALID;
    }
    int64_t id = 0;
    rc = s->be->add_key(s->impl, &id, org_id, key_id, public_key, label ? label : "", created);
    if (out_id)
        *out_id = id;
    return rc;
}

int mm_store_find_key(mm_store *s, mm_key_rec *out, const char *org_id, const char *key_id)
{
    memset(out, 0, sizeof(*out));
    int rc = need(org_id, "key: organization id");
    if (rc == MM_OK)
        rc = need(key_id, "key id");
    return rc ? rc : s->be->find_key(s->impl, out, org_id, key_id);
}

int mm_store_list_keys(mm_store *s, json_t **out, const char *org_id)
{
    *out = NULL;
    int rc = need(org_id, "key list: organization id");
    return rc ? rc : s->be->list_keys(s->impl, out, org_id);
}

int mm_store_revoke_key(mm_store *s, const char *org_id, int64_t id, const char *now)
{
    int rc = need(org_id, "key revocation: organization id");
    if (rc == MM_OK)
        rc = need(now, "key revocation: time");
    return rc ? rc : s->be->revoke_key(s->impl, org_id, id, now);
}

/* ---- submissions ----------------------------------------------------------------------- */

static int check_submission(const mm_submission_rec *r)
{
    const char *id = nonempty(r->id) ? r->id : "(no id)";
    const struct {
        const char *value, *name;
    } required[] = {{r->id, "id"},
                    {r->org_id, "org_id"},
                    {r->received, "received"},
                    {r->body, "body"},
                    {r->signature, "signature"},
                    {r->affirmed_by, "affirmed_by"},
                    {r->affirmed_on, "affirmed_on"}};
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        if (!nonempty(required[i].value)) {
            mm_error_set("submission %s: %s is required", id, required[i].name);
            return MM_EINVALID;
        }
    if (!is_hex(r->body_hash, 64)) {
        mm_error_set("submission %s: body_hash is not 64 lowercase hex digits", id);
        return MM_EINVALID;
    }
    if (r->key_row <= 0) {
        mm_error_set("submission %s: no signing key row", id);
        return MM_EINVALID;
    }
    if (!ONE_OF(r->framework, frameworks)) {
        mm_error_set("submission %s: unknown framework '%s'", id, r->framework ? r->framework : "");
        return MM_EINVALID;
    }
    if (!ONE_OF(r->status, sub_statuses)) {
        mm_error_set("submission %s: unknown status '%s'", id, r->status ? r->status : "");
        return MM_EINVALID;
    }
    if (!is_date(r->assessed)) {
        mm_error_set("submission %s: assessed '%s' is not YYYY-MM-DD", id,
                     r->assessed ? r->assessed : "");
        return MM_EINVALID;
    }
    if (r->summary && !valid_json_object(r->summary)) {
        mm_error_set("submission %s: summary must be a JSON object", id);
        return MM_EINVALID;
    }
    if ((r->ngaps && !r->gaps) || (r->nmilestones && !r->milestones)) {
        mm_error_set("submission %s: gap or milestone count without an array", id);
        return MM_EUSAGE;
    }
    for (size_t i = 0; i < r->ngaps; i++)
        if (!nonempty(r->gaps[i].requirement) || !ONE_OF(r->gaps[i].status, gap_statuses)) {
            mm_error_set("submission %s: gap %zu needs a requirement and a status of not-met, "
                         "partial or not-assessed",
                         id, i + 1);
            return MM_EINVALID;
        }
    for (size_t i = 0; i < r->nmilestones; i++) {
        const mm_milestone_rec *m = &r->milestones[i];
        if (!nonempty(m->requirement) || !is_date(m->due) ||
            !ONE_OF(m->status, milestone_statuses)) {
            mm_error_set("submission %s: milestone %zu needs a requirement, a due date "
                         "(YYYY-MM-DD) and a status of planned, in-progress or completed",
                         id, i + 1);
            return MM_EINVALID;
        }
    }
    return MM_OK;
}

int mm_store_insert_submission(mm_store *s, const mm_submission_rec *rec)
{
    int rc = check_submission(rec);
    return rc ? rc : s->be->insert_submission(s->impl, rec);
}

int mm_store_get_submission(mm_store *s, json_t **out, const char *id, bool with_body)
{
    *out = NULL;
    int rc = need(id, "submission id");
    return rc ? rc : s->be->get_submission(s->impl, out, id, with_body);
}

int mm_store_list_submissions(mm_store *s, json_t **out, const char *org_id, int64_t offset,
                              int64_t limit)
{
    *out = NULL;
    int rc = need(org_id, "submission list: organization id");
    if (rc == MM_OK)
        rc = check_page("submission list", offset, limit);
    return rc ? rc : s->be->list_submissions(s->impl, out, org_id, offset, limit);
}

int mm_store_failure_counts(mm_store *s, json_t **out, int64_t limit)
{
    *out = NULL;
    int rc = check_page("failure counts", 0, limit);
    return rc ? rc : s->be->failure_counts(s->impl, out, limit);
}

int mm_store_overdue_milestones(mm_store *s, json_t **out, const char *today, int64_t offset,
                                int64_t limit)
{
    *out = NULL;
    if (!is_date(today)) {
        mm_error_set("overdue milestones: today '%s' is not YYYY-MM-DD", today ? today : "");
        return MM_EUSAGE;
    }
    int rc = check_page("overdue milestones", offset, limit);
    return rc ? rc : s->be->overdue_milestones(s->impl, out, today, offset, limit);
}

/* ---- the server's key ------------------------------------------------------------------ */

int mm_store_server_key(mm_store *s, unsigned char public_key[32], unsigned char secret_key[64])
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    char pk64[64], sk64[128];
    size_t pklen = 0, sklen = 0;
    int rc = crypto_ready();
    if (rc)
        return rc;
    crypto_sign_keypair(pk, sk);
    sodium_bin2base64(pk64, sizeof(pk64), pk, sizeof(pk), sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(sk64, sizeof(sk64), sk, sizeof(sk), sodium_base64_VARIANT_ORIGINAL);
    rc = s->be->server_key(s->impl, pk64, sk64);
    if (rc)
        goto done;
    if (sodium_base642bin(pk, sizeof(pk), pk64, strlen(pk64), NULL, &pklen, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        sodium_base642bin(sk, sizeof(sk), sk64, strlen(sk64), NULL, &sklen, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        pklen != sizeof(pk) || sklen != sizeof(sk) ||
        memcmp(pk, sk + crypto_sign_SEEDBYTES, sizeof(pk)) != 0) {
        mm_error_set("the stored server key is damaged (not an Ed25519 key pair in base64)");
        rc = MM_EINVALID;
        goto done;
    }
    memcpy(public_key, pk, sizeof(pk));
    memcpy(secret_key, sk, sizeof(sk));
done:
    sodium_memzero(sk, sizeof(sk));
    sodium_memzero(sk64, sizeof(sk64));
    return rc;
}

bool mm_store_valid_kind(const char *kind)
{
    return kind && (strcmp(kind, "authority") == 0 || strcmp(kind, "contractor") == 0);
}

bool mm_store_valid_role(const char *role)
{
    static const char *const roles[] = {"authority-admin", "authority-analyst", "contractor-admin",
                                        "contractor-member"};
    for (size_t i = 0; role && i < sizeof(roles) / sizeof(roles[0]); i++)
        if (strcmp(role, roles[i]) == 0)
            return true;
    return false;
}

/* ---- the audit hash ------------------------------------------------------------------ */

static void put_field(crypto_hash_sha256_state *st, const void *data, size_t len)
{
    unsigned char prefix[8];
    uint64_t n = len;
    for (int i = 7; i >= 0; i--) {
        prefix[i] = (unsigned char)(n & 0xff);
        n >>= 8;
    }
    crypto_hash_sha256_update(st, prefix, sizeof(prefix));
    if (len)
        crypto_hash_sha256_update(st, data, len);
}

void mm_audit_hash(char out[65], int64_t id, const char *prev_hash, const char *ts,
                   const char *actor, const char *action, const char *object, const char *detail)
{
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char idtext[24];
    int n = snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
    crypto_hash_sha256_init(&st);
    put_field(&st, idtext, (size_t)n);
    const char *fields[] = {prev_hash, ts, actor, action, object, detail};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        put_field(&st, fields[i] ? fields[i] : "", fields[i] ? strlen(fields[i]) : 0);
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(out, 65, digest, sizeof(digest));
}

/* ---- credentials ----------------------------------------------------------------------- */

void mm_store_new_id(char out[37])
{
    unsigned char b[16];
    (void)crypto_ready(); /* randombytes works without it; this only picks the fastest source */
    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

int mm_password_generate(char *out, size_t size, size_t len)
{
    static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    if (len == 0 || len >= size) {
        mm_error_set("password length %zu does not fit", len);
        return MM_EUSAGE;
    }
    int rc = crypto_ready();
    if (rc)
        return rc;
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof(alphabet) - 1))];
    out[len] = '\0';
    return MM_OK;
}

int mm_password_hash(char out[128], const char *password)
{
    int rc = crypto_ready();
    if (rc)
        return rc;
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        mm_error_set("password hashing ran out of memory");
        return MM_ENOMEM;
    }
    return MM_OK;
}

bool mm_password_verify(const char *hash, const char *password)
{
    if (!hash || !password || crypto_ready())
        return false;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* ---- dump: export and import (src/store/dump.c) --------------------------------------- */

const mm_store_backend *mm_store_be(mm_store *s)
{
    return s->be;
}

void *mm_store_impl(mm_store *s)
{
    return s->impl;
}

int mm_store_schema_peek(const char *url, int *out)
{
    *out = 0;
    if (!url || !url[0]) {
        mm_error_set("--db: no database given");
        return MM_EUSAGE;
    }
    const mm_store_backend *be = NULL;
    const char *path = NULL;
    int rc = pick_backend(&be, &path, url);
    if (rc)
        return rc;
    return be->schema_peek(path, out);
}
