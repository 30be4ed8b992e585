/*
 * mamori: the store. All persistent state of the server (organizations, users, tokens,
 * sessions, signing keys, submissions, the audit log) lives behind this narrow interface.
 * A backend is a struct of function pointers chosen by the scheme of the --db URL:
 * "sqlite:PATH" or a plain PATH selects SQLite; "postgresql://..." is reserved.
 *
 * Every write is one transaction: a write function called outside mm_store_begin() runs
 * in its own; between mm_store_begin() and mm_store_commit() the writes land together or
 * not at all. Audit appends take the write lock first, so two writers cannot fork the chain.
 */
#ifndef MAMORI_STORE_H
#define MAMORI_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "mamori/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mm_store mm_store;

typedef struct mm_org {
    const char *id;          /* caller-chosen, e.g. from mm_store_new_id */
    const char *kind;        /* "authority" or "contractor" */
    const char *name;        /* display name */
    const char *identifiers; /* JSON object text ({"cage": "1ABC2"}); NULL means "{}" */
    const char *parent_id;   /* prime contractor's id, or NULL */
} mm_org;

typedef struct mm_user {
    int64_t id;          /* assigned by the store */
    char *org_id;        /* owned by the mm_user (when returned by the store) */
    char *login;         /* unique */
    char *role;          /* authority-admin|authority-analyst|contractor-admin|contractor-member */
    char *password_hash; /* crypto_pwhash_str (Argon2id) string */
} mm_user;

/* The result of walking the audit chain. bad_id is 0 when the chain is intact. */
typedef struct mm_audit_report {
    int64_t records;   /* records walked */
    int64_t bad_id;    /* the first broken record, or 0 */
    char what[160];    /* what is wrong with it */
    char expected[65]; /* the hash the chain expects there ("" when not about a hash) */
    char found[65];    /* the hash found there */
} mm_audit_report;

/* The backend interface (one per scheme). impl is the backend's own handle. */
typedef struct mm_store_backend {
    const char *name;
    int (*open)(void **out, const char *path);
    void (*close)(void *impl);
    int (*begin)(void *impl);
    int (*commit)(void *impl);
    int (*rollback)(void *impl);
    int (*schema_version)(void *impl, int *out);
    int (*create_org)(void *impl, const mm_org *org);
    int (*create_user)(void *impl, int64_t *out_id, const mm_user *user);
    int (*get_user_by_login)(void *impl, mm_user **out, const char *login);
    int (*count_users_with_role)(void *impl, int64_t *out, const char *role);
    int (*audit_append)(void *impl, int64_t *out_id, const char *actor, const char *action,
                        const char *object, const char *detail);
    int (*audit_verify)(void *impl, mm_audit_report *out);
} mm_store_backend;

/* Opens (creating if needed, mode 0600) the store named by url and applies any pending
 * schema migrations in one transaction. *out is the caller's; free with mm_store_free.
 * MM_EUSAGE for an unknown or unbuilt scheme, MM_EIO when the database cannot be opened. */
int mm_store_open(mm_store **out, const char *url) __attribute__((warn_unused_result));
void mm_store_free(mm_store *s);

/* The schema version recorded in the store (the highest migration applied). */
int mm_store_schema_version(mm_store *s, int *out);
/* The highest schema version this build knows. */
int mm_store_schema_latest(void);

/* Groups the following writes into one transaction (takes the write lock at once). */
int mm_store_begin(mm_store *s) __attribute__((warn_unused_result));
int mm_store_commit(mm_store *s) __attribute__((warn_unused_result));
int mm_store_rollback(mm_store *s);

/* Creates an organization. MM_EINVALID for a bad kind, JSON or parent, or a duplicate id. */
int mm_store_create_org(mm_store *s, const mm_org *org) __attribute__((warn_unused_result));
/* Creates a user (user->id is ignored); *out_id (may be NULL) gets the new id.
 * MM_EINVALID for a bad role, an unknown organization or a login already taken. */
int mm_store_create_user(mm_store *s, int64_t *out_id, const mm_user *user)
    __attribute__((warn_unused_result));
/* The user with this login; *out is the caller's (mm_user_free). MM_ENOTFOUND if none. */
int mm_store_get_user(mm_store *s, mm_user **out, const char *login)
    __attribute__((warn_unused_result));
void mm_user_free(mm_user *u);
/* How many users have role. */
int mm_store_count_users(mm_store *s, int64_t *out, const char *role)
    __attribute__((warn_unused_result));

/* Appends a record to the hash-chained audit log with the server's time. detail is JSON
 * object text (NULL means "{}"). *out_id (may be NULL) gets the record's id. */
int mm_store_audit_append(mm_store *s, int64_t *out_id, const char *actor, const char *action,
                          const char *object, const char *detail)
    __attribute__((warn_unused_result));
/* Walks the whole chain and fills *out; returns MM_OK whether or not it is intact (look at
 * out->bad_id), an error only when the log cannot be read. */
int mm_store_audit_verify(mm_store *s, mm_audit_report *out) __attribute__((warn_unused_result));

/* The hash of one audit record: lowercase hex SHA-256 of the length-prefixed encoding of
 * (id, prev_hash, ts, actor, action, object, detail); see docs/store.md. */
void mm_audit_hash(char out[65], int64_t id, const char *prev_hash, const char *ts,
                   const char *actor, const char *action, const char *object, const char *detail);

/* ---- credentials -------------------------------------------------------------------- */

/* A random identifier (a version-4 UUID) into out[37]. */
void mm_store_new_id(char out[37]);
/* A random one-time password of len characters (len < size) from an alphabet without
 * look-alike characters (no 0/O/o, 1/l/I/i). */
int mm_password_generate(char *out, size_t size, size_t len);
/* The Argon2id hash string (crypto_pwhash_str, interactive limits) of password into
 * out[128]. MM_ENOMEM when the hashing memory cannot be had. */
int mm_password_hash(char out[128], const char *password) __attribute__((warn_unused_result));
/* True when password matches hash. */
bool mm_password_verify(const char *hash, const char *password);

#ifdef __cplusplus
}
#endif
#endif
