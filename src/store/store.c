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
    const char *path = url;
    if (strncmp(url, "sqlite:", 7) == 0) {
        be = &mm_store_sqlite;
        path = url + 7;
        if (strncmp(path, "//", 2) == 0)
            path += 2;
    } else if (strncmp(url, "postgresql:", 11) == 0 || strncmp(url, "postgres:", 9) == 0) {
        mm_error_set("%s: the PostgreSQL store is not built yet (use sqlite:PATH)", url);
        return MM_EUSAGE;
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

int mm_store_audit_verify(mm_store *s, mm_audit_report *out)
{
    memset(out, 0, sizeof(*out));
    return s->be->audit_verify(s->impl, out);
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
