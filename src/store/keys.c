/* Signing keys: the organizations' Ed25519 public keys that verify their submissions, and
 * the server's own receipt-signing key pair. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "mamori/store.h"
#include "store/driver.h"

int mm_store_add_key(mm_store *s, int64_t *out_id, const char *org_id, const char *key_id,
                     const char *public_key, const char *label, const char *created)
{
    int rc = mm_need(org_id, "key: organization id");
    if (rc == MM_OK)
        rc = mm_need(created, "key: created");
    if (rc)
        return rc;
    if (!mm_is_hex(key_id, 16)) {
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
    const mm_param p[] = {P_TEXT(org_id), P_TEXT(key_id), P_TEXT(public_key),
                          P_TEXT(label ? label : ""), P_TEXT(created)};
    rc = mm_db_insert(s, out_id,
                      "INSERT INTO signing_keys (org_id, key_id, public_key, label, created)"
                      " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                      NPARAMS(p), p, NULL, "key %s: this public key is already registered", key_id);
    if (rc == MM_ENOTFOUND)
        mm_error_set("no organization '%s'", org_id);
    return rc;
}

int mm_store_find_key(mm_store *s, mm_key_rec *out, const char *org_id, const char *key_id)
{
    memset(out, 0, sizeof(*out));
    int rc = mm_need(org_id, "key: organization id");
    if (rc == MM_OK)
        rc = mm_need(key_id, "key id");
    char notfound[200];
    snprintf(notfound, sizeof(notfound), "organization %s has no unrevoked key %s", org_id, key_id);
    json_t *row = NULL;
    const mm_param p[] = {P_TEXT(org_id), P_TEXT(key_id)};
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, notfound,
                       "SELECT id, org_id, key_id, public_key FROM signing_keys"
                       " WHERE org_id = $1 AND key_id = $2 AND revoked IS NULL"
                       " ORDER BY id DESC LIMIT 1",
                       2, p);
    if (rc == MM_OK) {
        out->id = mm_cell_i64(row, 0);
        mm_cell_copy(out->org_id, sizeof(out->org_id), row, 1);
        mm_cell_copy(out->key_id, sizeof(out->key_id), row, 2);
        mm_cell_copy(out->public_key, sizeof(out->public_key), row, 3);
    }
    json_decref(row);
    return rc;
}

int mm_store_list_keys(mm_store *s, json_t **out, const char *org_id)
{
    static const char *const keys[] = {"id",      "key_id",  "public_key", "label",
                                       "created", "revoked", NULL};
    const mm_param p[] = {P_TEXT(org_id)};
    *out = NULL;
    int rc = mm_need(org_id, "key list: organization id");
    return rc ? rc
              : mm_db_objects(s, out,
                              "SELECT id, key_id, public_key, label, created, revoked"
                              " FROM signing_keys WHERE org_id = $1 ORDER BY id",
                              1, p, keys, "isssss");
}

int mm_store_revoke_key(mm_store *s, const char *org_id, int64_t id, const char *now)
{
    int rc = mm_need(org_id, "key revocation: organization id");
    if (rc == MM_OK)
        rc = mm_need(now, "key revocation: time");
    if (rc)
        return rc;
    char notfound[160];
    snprintf(notfound, sizeof(notfound), "organization %s has no key %lld", org_id, (long long)id);
    const mm_param p[] = {P_INT(id), P_TEXT(org_id), P_TEXT(now)};
    return mm_db_change(s, notfound,
                        "UPDATE signing_keys SET revoked = coalesce(revoked, $3)"
                        " WHERE id = $1 AND org_id = $2",
                        NPARAMS(p), p);
}

/* The stored pair (base64) into pk64/sk64, storing the fresh candidate in them first if no
 * key exists yet: one transaction. */
static int stored_pair(mm_store *s, char pk64[64], char sk64[128])
{
    char ts[21];
    mm_now(ts);
    const mm_param p[] = {P_TEXT(pk64), P_TEXT(sk64), P_TEXT(ts)};
    json_t *rows = NULL;
    int rc = mm_db_tx_begin(s);
    if (rc)
        return rc;
    rc = mm_db_rows(s, NULL, NULL,
                    "INSERT INTO server_keys (id, public_key, secret_key, created)"
                    " VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING",
                    NPARAMS(p), p);
    if (rc == MM_OK)
        rc = mm_db_rows(s, &rows, NULL,
                        "SELECT public_key, secret_key FROM server_keys ORDER BY id DESC LIMIT 1",
                        0, NULL);
    const char *pk = mm_cell(json_array_get(rows, 0), 0), *sk = mm_cell(json_array_get(rows, 0), 1);
    if (rc == MM_OK && (!pk || !sk || strlen(pk) >= 64 || strlen(sk) >= 128)) {
        mm_error_set("the stored server key is damaged (missing or too long)");
        rc = MM_EINVALID;
    } else if (rc == MM_OK) {
        snprintf(pk64, 64, "%s", pk);
        snprintf(sk64, 128, "%s", sk);
    }
    json_decref(rows);
    return mm_db_tx_end(s, rc);
}

/* A fresh Ed25519 pair in pk and sk, and in base64 in pk64 and sk64. */
static int new_pair(unsigned char pk[32], unsigned char sk[64], char pk64[64], char sk64[128])
{
    if (mm_crypto_ready())
        return MM_ERROR;
    crypto_sign_keypair(pk, sk);
    sodium_bin2base64(pk64, 64, pk, crypto_sign_PUBLICKEYBYTES, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(sk64, 128, sk, crypto_sign_SECRETKEYBYTES, sodium_base64_VARIANT_ORIGINAL);
    return MM_OK;
}

int mm_store_server_key(mm_store *s, unsigned char public_key[32], unsigned char secret_key[64])
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    char pk64[64], sk64[128];
    size_t pklen = 0, sklen = 0;
    if (new_pair(pk, sk, pk64, sk64))
        return MM_ERROR;
    int rc = stored_pair(s, pk64, sk64);
    if (rc == MM_OK && (sodium_base642bin(pk, sizeof(pk), pk64, strlen(pk64), NULL, &pklen, NULL,
                                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
                        sodium_base642bin(sk, sizeof(sk), sk64, strlen(sk64), NULL, &sklen, NULL,
                                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
                        pklen != sizeof(pk) || sklen != sizeof(sk) ||
                        memcmp(pk, sk + crypto_sign_SEEDBYTES, sizeof(pk)) != 0)) {
        mm_error_set("the stored server key is damaged (not an Ed25519 key pair in base64)");
        rc = MM_EINVALID;
    }
    if (rc == MM_OK) {
        memcpy(public_key, pk, sizeof(pk));
        memcpy(secret_key, sk, sizeof(sk));
    }
    sodium_memzero(sk, sizeof(sk));
    sodium_memzero(sk64, sizeof(sk64));
    return rc;
}

int mm_store_server_key_rotate(mm_store *s, const char *actor)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    char pk64[64], sk64[128], ts[21];
    if (new_pair(pk, sk, pk64, sk64))
        return MM_ERROR;
    sodium_memzero(sk, sizeof(sk));
    mm_now(ts);
    const mm_param p[] = {P_TEXT(pk64), P_TEXT(sk64), P_TEXT(ts)};
    int rc = mm_store_begin(s);
    if (rc) {
        sodium_memzero(sk64, sizeof(sk64));
        return rc;
    }
    int64_t n = 0;
    rc = mm_db_int(s, &n, "SELECT count(*) FROM server_keys", 0, NULL);
    if (rc == MM_OK && n == 0) {
        mm_error_set("the database has no server key yet (it is made by the first start of "
                     "mamori serve): nothing to rotate");
        rc = MM_ENOTFOUND;
    }
    if (rc == MM_OK)
        rc = mm_db_rows(s, NULL, NULL,
                        "INSERT INTO server_keys (id, public_key, secret_key, created)"
                        " SELECT max(id) + 1, $1, $2, $3 FROM server_keys",
                        NPARAMS(p), p);
    sodium_memzero(sk64, sizeof(sk64));
    if (rc == MM_OK) {
        char detail[128];
        snprintf(detail, sizeof detail, "{\"public_key\":\"%s\"}", pk64);
        rc = mm_store_audit_append(s, NULL, actor, "server_key.rotate", "server_key", detail);
    }
    if (rc == MM_OK)
        return mm_store_commit(s);
    mm_store_rollback(s);
    return rc;
}

int mm_store_server_keys_retired(mm_store *s, json_t **out)
{
    static const char *const keys[] = {"public_key", "created", "retired", NULL};
    return mm_db_objects(s, out,
                         "SELECT k.public_key, k.created,"
                         " (SELECT min(n.created) FROM server_keys n WHERE n.id > k.id)"
                         " FROM server_keys k"
                         " WHERE k.id < (SELECT max(id) FROM server_keys) ORDER BY k.id DESC",
                         0, NULL, keys, "sss");
}
