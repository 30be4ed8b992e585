/*
 * mamori: the store. All persistent state of the server (organizations, users, tokens,
 * sessions, signing keys, submissions, the audit log) lives behind this narrow interface.
 * The database is chosen by the scheme of the --db URL: "sqlite:PATH" or a plain PATH
 * selects SQLite; "postgresql://..." (or "postgres://...", a libpq connection URL) selects
 * PostgreSQL. (The drivers and the SQL layer over them are internal: src/store/driver.h.)
 *
 * Every write is one transaction: a write function called outside mm_store_begin() runs
 * in its own; between mm_store_begin() and mm_store_commit() the writes land together or
 * not at all. Audit appends take the write lock first, so two writers cannot fork the chain
 * (on PostgreSQL the write lock is a transaction-scoped advisory lock, so this holds across
 * several servers sharing one database).
 */
#ifndef MAMORI_STORE_H
#define MAMORI_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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
    bool must_change;    /* a one-time password: only a password change is allowed */
    bool disabled;
    bool deleted;       /* deleted by an administrator: login is "deleted:ID" */
    int failed_logons;  /* consecutive failures within the current window */
    char *failed_since; /* RFC 3339 UTC time of the first of them, or NULL */
    char *locked_until; /* RFC 3339 UTC, or NULL */
} mm_user;

/* The result of walking the audit chain. bad_id is 0 when the chain is intact. */
typedef struct mm_audit_report {
    int64_t records;   /* records walked */
    int64_t bad_id;    /* the first broken record, or 0 */
    char what[160];    /* what is wrong with it */
    char expected[65]; /* the hash the chain expects there ("" when not about a hash) */
    char found[65];    /* the hash found there */
} mm_audit_report;

/* Opens (creating if needed, mode 0600) the store named by url and applies any pending
 * schema migrations in one transaction. *out is the caller's; free with mm_store_free.
 * MM_EUSAGE for an unknown or unbuilt scheme, MM_EIO when the database cannot be opened. */
int mm_store_open(mm_store **out, const char *url) __attribute__((warn_unused_result));
void mm_store_free(mm_store *s);

/* The schema version recorded in the store (the highest migration applied). */
int mm_store_schema_version(mm_store *s, int *out) __attribute__((warn_unused_result));
/* The highest schema version this build knows. */
int mm_store_schema_latest(void);

/* Groups the following writes into one transaction (takes the write lock at once). */
int mm_store_begin(mm_store *s) __attribute__((warn_unused_result));
int mm_store_commit(mm_store *s) __attribute__((warn_unused_result));
int mm_store_rollback(mm_store *s);

/* Creates an organization. MM_EINVALID for a bad kind, JSON or parent, or a duplicate id. */
int mm_store_create_org(mm_store *s, const mm_org *org) __attribute__((warn_unused_result));
/* Creates a user (user->id is ignored); *out_id (may be NULL) gets the new id.
 * MM_EINVALID for a bad role, an unknown organization, a login already taken or one that
 * begins with "deleted:"; MM_ECONFLICT for the login of a user deleted less than 90 days
 * ago (mm_store_delete_user). */
int mm_store_create_user(mm_store *s, int64_t *out_id, const mm_user *user)
    __attribute__((warn_unused_result));
/* The user with this login; *out is the caller's (mm_user_free). MM_ENOTFOUND if none. */
int mm_store_get_user(mm_store *s, mm_user **out, const char *login)
    __attribute__((warn_unused_result));
void mm_user_free(mm_user *u);
/* True for the four roles of the users table. */
bool mm_store_valid_role(const char *role);
/* How many users have role. */
int mm_store_count_users(mm_store *s, int64_t *out, const char *role)
    __attribute__((warn_unused_result));

/* Appends a record to the hash-chained audit log with the server's time. detail is JSON
 * object text (NULL means "{}"). *out_id (may be NULL) gets the record's id. */
int mm_store_audit_append(mm_store *s, int64_t *out_id, const char *actor, const char *action,
                          const char *object, const char *detail)
    __attribute__((warn_unused_result));
/* One record of mm_store_audit_append_many (all borrowed; detail as above). */
typedef struct mm_audit_rec {
    const char *actor, *action, *object, *detail;
} mm_audit_rec;
/* Appends n records in order, as n calls of mm_store_audit_append would (ids first_id,
 * first_id + 1, ..., each linked to the one before), with one read of the chain's head and
 * one INSERT per 16 records: the group commit's records (src/server/ingest.c). *first_id
 * (may be NULL) gets the first record's id. A bad record (the messages of
 * mm_store_audit_append) appends none. Inside mm_store_begin it has no savepoint of its own
 * (unlike mm_store_audit_append): a failure leaves the transaction to be rolled back. */
int mm_store_audit_append_many(mm_store *s, int64_t *first_id, const mm_audit_rec *recs, size_t n)
    __attribute__((warn_unused_result));
/* Walks the whole chain and fills *out; returns MM_OK whether or not it is intact (look at
 * out->bad_id), an error only when the log cannot be read. */
int mm_store_audit_verify(mm_store *s, mm_audit_report *out) __attribute__((warn_unused_result));
/* A page of the audit log, newest first (docs/store.md, "Reading the audit log"). Every
 * member may be NULL / 0 for "any". */
#define MM_AUDIT_PAGE     50  /* the page size when limit is 0 */
#define MM_AUDIT_PAGE_MAX 200 /* the largest page */
typedef struct mm_audit_filter {
    const char *actor;  /* the actor, exactly (a login, "system", "cli:...") */
    const char *action; /* the action, exactly ("logon.failure") */
    const char *org_id; /* records whose actor is, or was before its deletion, a user of it */
    const char *from;   /* YYYY-MM-DD: records of that UTC day or later */
    const char *to;     /* YYYY-MM-DD: records of that UTC day or earlier */
    int64_t before;     /* ids below it (the next page); 0: from the newest */
    int64_t after;      /* ids above it, the nearest ones (the previous page); 0: none */
    int64_t limit;      /* 1..MM_AUDIT_PAGE_MAX; 0: MM_AUDIT_PAGE */
} mm_audit_filter;
/* The records matching f, newest first, in *out (the caller's): {"items": [{"id", "ts",
 * "actor", "action", "object", "detail" (an object), "org_id", "org_name" (the actor's
 * organization, or null)}], "older": the id to pass as before for the next page or null,
 * "newer": the id to pass as after for the previous page or null}. MM_EINVALID naming the
 * member for a bad filter (a date that is not one, from after to, before and after both,
 * a limit out of range). */
int mm_store_audit_list(mm_store *s, json_t **out, const mm_audit_filter *f)
    __attribute__((warn_unused_result));
/* The id of the last audit record (0 when none). Every change of stored data appends one,
 * in the same transaction, so this is a version of the whole store: answers computed from
 * the store can be cached until it moves (on every backend, across server instances). */
int mm_store_audit_head(mm_store *s, int64_t *out) __attribute__((warn_unused_result));
/* The id of the last audit record of a change of the data (0 when none): as
 * mm_store_audit_head, but not moved by the records of sessions and reads that change no
 * data a page aggregates (logons, logouts, expired sessions, reads and refused reads of
 * items, notifications marked read, password changes and refusals, lockouts, tokens, keys,
 * notification preferences). The version of the authority's aggregate pages (web_page_cached):
 * kept across logons and audited reads, moved by every other write, on every instance. */
int mm_store_data_version(mm_store *s, int64_t *out) __attribute__((warn_unused_result));
/* The id of the newest audit record of action (0 when none): one look-up on the
 * (action, id) index, for caches that depend on one kind of change. */
int mm_store_audit_last_of(mm_store *s, const char *action, int64_t *out)
    __attribute__((warn_unused_result));
/* As mm_store_begin, but on PostgreSQL the write lock (which serialises writers across
 * instances) is taken only when the transaction appends its audit record, so its other
 * writes run in parallel with other writers'. Only for writes that need no lock of their
 * own (their rows' constraints and conditional updates keep them right under concurrency);
 * on SQLite the same as mm_store_begin. */
int mm_store_begin_late(mm_store *s) __attribute__((warn_unused_result));
/* Waits at most timeout_ms for a write transaction of any connection to the same database
 * (this process or another) to commit: *changed true when one did, or may have (the first
 * call starts listening). Use a store of its own: its connection is then kept listening.
 * Only PostgreSQL can tell (every write transaction sends a NOTIFY delivered at its
 * commit): MM_EUSAGE on SQLite; MM_EIO when the connection is lost (open a new store). */
int mm_store_wait_change(mm_store *s, int timeout_ms, bool *changed)
    __attribute__((warn_unused_result));

/* The hash of one audit record: lowercase hex SHA-256 of the length-prefixed encoding of
 * (id, prev_hash, ts, actor, action, object, detail); see docs/store.md. */
void mm_audit_hash(char out[65], int64_t id, const char *prev_hash, const char *ts,
                   const char *actor, const char *action, const char *object, const char *detail);

/* ---- organizations, users, credentials (schema 2) ---------------------------------------
 *
 * Times are RFC 3339 UTC strings with seconds ("2026-11-23T14:41:51Z") given by the caller,
 * so that they sort as text. Read functions that return json_t give a new reference the
 * caller must json_decref. Unknown ids give MM_ENOTFOUND; duplicates give MM_ECONFLICT.
 */

/* The organization as {"id", "kind", "name", "identifiers": {...}, "parent_id": id|null,
 * "prime_consent": bool, "created", "latest_submission": id|null}. */
int mm_store_get_org(mm_store *s, json_t **out, const char *id) __attribute__((warn_unused_result));
/* Renames organization id (name NULL: kept) and replaces its identifiers with the JSON object
 * text identifiers (NULL: kept). MM_ENOTFOUND for an unknown organization, MM_EINVALID for an
 * empty name or identifiers that are not a JSON object. */
int mm_store_update_org(mm_store *s, const char *id, const char *name, const char *identifiers)
    __attribute__((warn_unused_result));
/* A subcontractor's consent that its prime may see its summary status. */
int mm_store_set_org_consent(mm_store *s, const char *id, bool consent)
    __attribute__((warn_unused_result));

/* The contractor list of the authority (and of a prime: parent_id set). */
typedef struct mm_org_query {
    const char *kind;         /* "contractor", "authority" or NULL for both */
    const char *parent_id;    /* only the subcontractors of this prime, or NULL */
    const char *status;       /* only this status (see below), or NULL */
    const char *q;            /* substring of name or of the identifiers' text, or NULL */
    const char *sort;         /* "name" (default), "score", "status", "assessed", "received" */
    bool desc;                /* descending; ties are always broken by id ascending */
    const char *stale_before; /* YYYY-MM-DD: a latest assessment dated before is "stale" */
    /* YYYY-MM-DD: a latest Rev 2 "conditional" received (its CMMC status date) before this
     * day is "conditional-expired" (32 CFR 170.21(b): today - 180 days), or NULL */
    const char *expired_before;
    /* annual affirmations (32 CFR 170.22), from the base date: the latest submission's last
     * affirmation, else the day it was received. With both cut-offs set, affirmation
     * "overdue" keeps base < affirm_overdue_before, "due" keeps affirm_overdue_before <= base
     * <= affirm_due_by; NULL: no filter */
    const char *affirmation;
    const char *affirm_overdue_before, *affirm_due_by;
    const char *framework; /* only latest submissions of this framework ("800-171r2" or
                            * "800-171r3"), or NULL */
    /* YYYY-MM-DD (today): each item's "overdue" counts its latest submission's milestones
     * due before this day and not completed; NULL: "overdue" is 0 */
    const char *overdue_before;
    bool overdue_only; /* only organizations with at least one overdue milestone */
    /* the maximum score of each framework (Rev 2: SPRS 110; Rev 3: its active requirements):
     * when both are set, "score" sorts by score / maximum, so the frameworks rank on one
     * scale; 0: by the raw score */
    int64_t score_max_r2, score_max_r3;
    int64_t offset, limit; /* limit 1..1000 */
    /* the analyst's filters (docs/dashboard.md "Filters"); NULL / false: no filter */
    const char *sector; /* the identifiers' "sector" ("unknown" for none), as the list shows */
    /* the latest score as a whole percentage of its framework's maximum (score_max_r2 /
     * score_max_r3, both needed), inclusive; contractors without a score are left out */
    bool score_min_set, score_max_set;
    int64_t score_min, score_max;
    /* YYYY-MM-DD, inclusive: the latest assessment's date, the latest submission's day */
    const char *assessed_from, *assessed_to, *received_from, *received_to;
    /* the supply graph's active edges: "prime" (has a supplier) or "supplier" (has a
     * customer); supplier_of: only the direct active suppliers of this organization */
    const char *supply, *supplier_of;
    bool no_total; /* skip the count (a streamed export's pages): "total" is then 0 */
} mm_org_query;
/* {"total": N (matching, before paging), "items": [org object as mm_store_get_org plus
 * "latest": null | {"id", "received", "framework", "score": int|null, "status",
 * "assessed", "affirmed_by"}, "overdue": its open milestones past due (see
 * overdue_before), where "status" is the submission's status unless the
 * assessment is stale or its conditional status expired: "meets", "conditional",
 * "conditional-expired", "not-met", "no-valid-score", "stale"; and "last_affirmed":
 * the latest submission's last affirmation date, or null;
 * organizations without a submission have status "none"]}. */
int mm_store_list_orgs(mm_store *s, json_t **out, const mm_org_query *q)
    __attribute__((warn_unused_result));

/* ---- the analyst's views (views.c; docs/dashboard.md) ------------------------------------ */

/* The sectors of the contractors as the list shows them (the identifiers' "sector",
 * "unknown" for none), distinct and sorted: a new JSON array of strings. */
int mm_store_contractor_sectors(mm_store *s, json_t **out) __attribute__((warn_unused_result));
/* How many contractor organizations there are (one count over an index). Organizations are
 * never deleted and their kind and identifiers never change after they are created, so the
 * sectors above can only change when this number does: the server caches them by it. */
int mm_store_contractor_count(mm_store *s, int64_t *out) __attribute__((warn_unused_result));

/* One month of the portfolio trend: the state as of the end of the day before `before`
 * (YYYY-MM-DD, exclusive), its statuses read with that day's cut-offs (mm_org_query's
 * stale_before and expired_before). */
typedef struct mm_trend_month {
    const char *before, *stale_before, *expired_before;
} mm_trend_month;
/* For each month (in order), each contractor's latest submission received before it, in one
 * statement: [{"800-171r2": {"contractors": N, "statuses": {status: N, ...}, "scores":
 * [[score, N], ...] ascending}, "800-171r3": {...}} per month]; a status the store does not
 * know counts as "unknown". MM_EUSAGE for a date that is not YYYY-MM-DD. */
int mm_store_portfolio_trend(mm_store *s, json_t **out, const mm_trend_month *months, size_t n)
    __attribute__((warn_unused_result));

/* What changed since a day (YYYY-MM-DD): {"new_submissions": N, "status_changes": N (a
 * submission whose stored status differs from the one before it of its organization),
 * "organizations": N, "submissions": [{"id", "org_id", "org_name", "received", "framework",
 * "status", "score", "prev_status", "prev_score", "prev_framework"}] newest first (at most
 * limit, 1..1000), "conditional_expired": [{"org_id", "org_name", "received"}] (a latest
 * Rev 2 "conditional" received in [expired_from, expired_before), i.e. whose 180 days ran out
 * since the day; the first limit by received), "conditional_expired_total": their count}. */
int mm_store_changes_since(mm_store *s, json_t **out, const char *since, const char *expired_from,
                           const char *expired_before, int64_t limit)
    __attribute__((warn_unused_result));

/* The contractors' overdue milestones (as mm_store_overdue_milestones: their latest
 * submission's, due before today, not completed) counted: {"milestones", "contractors",
 * "by_age": [due on or after ages[0], in [ages[1], ages[0]), in [ages[2], ages[1]), before
 * ages[2]] (the caller's cut-offs, e.g. today - 30, - 90, - 180 days), "requirements": the
 * top (1..100) [{"framework", "requirement", "milestones", "contractors"}] by milestones}. */
int mm_store_overdue_counts(mm_store *s, json_t **out, const char *today, const char *const ages[3],
                            int64_t top) __attribute__((warn_unused_result));

/* Users. mm_store_get_user_by_id as mm_store_get_user. */
int mm_store_get_user_by_id(mm_store *s, mm_user **out, int64_t id)
    __attribute__((warn_unused_result));
/* [{"id", "login", "role", "org_id", "must_change", "disabled", "locked_until", "created"}]
 * of one organization (org_id) or of all (NULL), ordered by login; deleted users are left
 * out. */
int mm_store_list_users(mm_store *s, json_t **out, const char *org_id)
    __attribute__((warn_unused_result));
/* Records the lockout state after a logon attempt (the caller decides it). */
int mm_store_set_logon_state(mm_store *s, int64_t user_id, int failed_logons,
                             const char *failed_since, const char *locked_until)
    __attribute__((warn_unused_result));
/* Account administration (src/server/users.c). A disabled user cannot log on and its
 * sessions and tokens are refused; enabling it again does not bring back what was ended. */
int mm_store_set_user_disabled(mm_store *s, int64_t user_id, bool disabled)
    __attribute__((warn_unused_result));
/* Revokes every token of the user not yet revoked (at now). */
int mm_store_revoke_user_tokens(mm_store *s, int64_t user_id, const char *now)
    __attribute__((warn_unused_result));
/* Deletes a user, keeping its row (the audit log, items and tokens name it): disabled, its
 * login renamed "deleted:ID" and kept in deleted_login, which mm_store_create_user refuses
 * (MM_ECONFLICT) until reusable. MM_ENOTFOUND for no such (or an already deleted) user. */
int mm_store_delete_user(mm_store *s, int64_t user_id, const char *now, const char *reusable)
    __attribute__((warn_unused_result));
/* How many users have role and are neither disabled nor deleted. */
int mm_store_count_enabled_users(mm_store *s, int64_t *out, const char *role)
    __attribute__((warn_unused_result));
/* Sets a new password hash and the one-time flag; resets the lockout state. */
int mm_store_set_password(mm_store *s, int64_t user_id, const char *password_hash, bool must_change)
    __attribute__((warn_unused_result));

/* API tokens. The secret is never stored: token_hash is the lowercase hex SHA-256 of it. */
typedef struct mm_token {
    int64_t id;
    int64_t user_id;
    char token_hash[65];
    char expires[32]; /* "" for none */
    bool revoked;
} mm_token;
int mm_store_create_token(mm_store *s, int64_t *out_id, int64_t user_id, const char *token_hash,
                          const char *name, const char *created, const char *expires)
    __attribute__((warn_unused_result));
int mm_store_get_token(mm_store *s, mm_token *out, int64_t id) __attribute__((warn_unused_result));
/* The token id with, in one statement, its user (*user, the caller's to mm_user_free; NULL
 * when the user is gone) and that user's organization's kind ("" when it is gone): what a
 * request with a Bearer token needs. MM_ENOTFOUND when there is no such token. */
int mm_store_get_token_owner(mm_store *s, mm_token *out, mm_user **user, char kind[16], int64_t id)
    __attribute__((warn_unused_result));
/* [{"id", "name", "created", "expires": time|null, "revoked": time|null}] of one user, by
 * id. */
int mm_store_list_tokens(mm_store *s, json_t **out, int64_t user_id)
    __attribute__((warn_unused_result));
/* Revokes token id of user_id (MM_ENOTFOUND when it is not theirs); revoking again keeps
 * the first time. */
int mm_store_revoke_token(mm_store *s, int64_t id, int64_t user_id, const char *now)
    __attribute__((warn_unused_result));

/* Sessions (server-side; the cookie holds id and a secret whose hash is stored). */
typedef struct mm_session {
    char id[33];          /* 32 hex digits */
    char secret_hash[65]; /* SHA-256 hex of the cookie's secret */
    char csrf[65];        /* the CSRF token (sent to the client; not a credential alone) */
    int64_t user_id;
    char created[32], last_seen[32], expires[32];
} mm_session;
int mm_store_create_session(mm_store *s, const mm_session *sess)
    __attribute__((warn_unused_result));
int mm_store_get_session(mm_store *s, mm_session *out, const char *id)
    __attribute__((warn_unused_result));
int mm_store_touch_session(mm_store *s, const char *id, const char *last_seen)
    __attribute__((warn_unused_result));
/* MM_ENOTFOUND when there is no such session. */
int mm_store_delete_session(mm_store *s, const char *id) __attribute__((warn_unused_result));
/* Ends every session of a user (after a password change or a lockout). */
int mm_store_delete_user_sessions(mm_store *s, int64_t user_id) __attribute__((warn_unused_result));

/* Signing keys of organizations. public_key is base64 of 32 bytes; key_id 16 hex digits
 * (mm_key_id). A public key can be registered once, for one organization. */
typedef struct mm_key_rec {
    int64_t id;
    char org_id[64];
    char key_id[17];
    char public_key[48];
    bool revoked;
} mm_key_rec;
int mm_store_add_key(mm_store *s, int64_t *out_id, const char *org_id, const char *key_id,
                     const char *public_key, const char *label, const char *created)
    __attribute__((warn_unused_result));
/* The organization's unrevoked key with this key_id. MM_ENOTFOUND if none. */
int mm_store_find_key(mm_store *s, mm_key_rec *out, const char *org_id, const char *key_id)
    __attribute__((warn_unused_result));
/* [{"id", "key_id", "public_key", "label", "created", "revoked": time|null}], by id. */
int mm_store_list_keys(mm_store *s, json_t **out, const char *org_id)
    __attribute__((warn_unused_result));
int mm_store_revoke_key(mm_store *s, const char *org_id, int64_t id, const char *now)
    __attribute__((warn_unused_result));

/* ---- submissions ------------------------------------------------------------------------ */

typedef struct mm_gap_rec {
    const char *requirement; /* requirement id, e.g. "03.05.03" or "3.5.3" */
    const char *status;      /* "not-met", "partial", "not-assessed" */
} mm_gap_rec;

typedef struct mm_milestone_rec {
    const char *requirement;
    const char *poam_id;
    const char *description;
    const char *due;    /* YYYY-MM-DD */
    const char *status; /* "planned", "in-progress", "completed" */
} mm_milestone_rec;

/* One verified submission, as the server stores it. All borrowed. */
typedef struct mm_submission_rec {
    const char *id; /* a UUID chosen by the caller */
    const char *org_id;
    int64_t key_row;       /* the signing_keys row that verified it */
    const char *received;  /* server time */
    const char *body;      /* the signed document exactly as received */
    const char *body_hash; /* SHA-256 hex of the envelope's canonical bytes; unique within
                            * the organization */
    const char *signature; /* base64 */
    const char *framework; /* "800-171r3" or "800-171r2" */
    bool has_score;
    int score;            /* SPRS (Rev 2); requirements met (Rev 3) */
    const char *status;   /* "meets", "conditional", "not-met", "no-valid-score" */
    const char *assessed; /* YYYY-MM-DD (the assessment's date); NULL or "" when the
                           * assessment has none (stored as NULL; the day received is then
                           * its status date) */
    const char *affirmed_by, *affirmed_on;
    const char *summary; /* JSON object text: the server's computed summary */
    const mm_gap_rec *gaps;
    size_t ngaps;
    const mm_milestone_rec *milestones; /* of open POA&M items */
    size_t nmilestones;
} mm_submission_rec;

/* Stores a submission (and its gaps and milestones) and makes it its organization's latest
 * when its status date (assessed, else the day received) is not older than the latest's.
 * MM_ECONFLICT when a submission of the same organization with the same body_hash exists (a
 * replay), with nothing stored; MM_ENOTFOUND for an unknown
 * organization or key row; MM_EINVALID when the key row is another organization's. Inside
 * mm_store_begin a failure leaves nothing of the submission and the transaction open. */
int mm_store_insert_submission(mm_store *s, const mm_submission_rec *rec)
    __attribute__((warn_unused_result));
/* The same in two steps, for the group commit (src/server/ingest.c), inside one
 * mm_store_begin_late transaction: the checks and rows (the same errors, a failure leaving
 * nothing of the submission and the transaction open), without the write lock; then, after
 * every submission of the batch went in, mm_store_submission_latest: under the write lock,
 * before[32] gets the organization's latest status (as mm_store_latest_status), the
 * submission becomes its latest when not older, and after[32] gets the status then. A
 * failure of the second step leaves the transaction to be rolled back. */
int mm_store_insert_submission_rows(mm_store *s, const mm_submission_rec *rec)
    __attribute__((warn_unused_result));
int mm_store_submission_latest(mm_store *s, const mm_submission_rec *rec, char before[32],
                               char after[32]) __attribute__((warn_unused_result));
/* What the group commit read of an organization's latest before it takes the write lock
 * (mm_store_latest_seen, one statement, no lock): its latest submission's id and status
 * ("" when none). */
typedef struct mm_latest_seen {
    char id[64], status[32];
    bool ok; /* read */
} mm_latest_seen;
int mm_store_latest_seen(mm_store *s, const char *org_id, mm_latest_seen *out)
    __attribute__((warn_unused_result));
/* As mm_store_submission_latest, but with what was seen before the lock: when the
 * organization's latest is still seen->id, one statement under the write lock instead of
 * two (before is seen->status); otherwise (another submission became its latest since, or
 * this one is older, or seen was not read) the two of mm_store_submission_latest. */
int mm_store_submission_latest_seen(mm_store *s, const mm_submission_rec *rec,
                                    const mm_latest_seen *seen, char before[32], char after[32])
    __attribute__((warn_unused_result));
/* One verified annual affirmation (32 CFR 170.22), as the server stores it. All borrowed. */
typedef struct mm_affirmation_rec {
    const char *id; /* a UUID chosen by the caller */
    const char *org_id;
    const char *submission_id; /* must be the organization's latest when stored */
    int64_t key_row;           /* the signing_keys row that verified it */
    const char *affirmed_by;   /* the affirming official's name */
    const char *affirmed_on;   /* YYYY-MM-DD */
    const char *received;      /* server time */
    const char *received_by;   /* the login that sent it */
    const char *body;          /* the signed document exactly as received */
    const char *body_hash;     /* SHA-256 hex of the envelope's canonical bytes; unique */
    const char *signature;     /* base64 */
} mm_affirmation_rec;

/* Stores an affirmation. MM_ECONFLICT when the submission is not (or no longer) the
 * organization's latest, or an affirmation with the same body_hash exists (a replay);
 * MM_ENOTFOUND for an unknown organization; MM_EINVALID for a key row of another
 * organization or a missing member. Nothing is stored on failure. */
int mm_store_insert_affirmation(mm_store *s, const mm_affirmation_rec *rec)
    __attribute__((warn_unused_result));
/* {"total", "items": [{"id", "org_id", "submission_id", "affirmed_by", "affirmed_on",
 * "received", "received_by", "body_hash", "key_id"}]} of one organization, newest received
 * first. MM_ENOTFOUND for an unknown organization. */
int mm_store_list_affirmations(mm_store *s, json_t **out, const char *org_id, int64_t offset,
                               int64_t limit) __attribute__((warn_unused_result));
/* The affirmation of submission_id with the latest affirmed_on (as a list item), or
 * MM_ENOTFOUND. */
int mm_store_last_affirmation(mm_store *s, json_t **out, const char *submission_id)
    __attribute__((warn_unused_result));
/* {"id", "org_id", "received", "body_hash", "framework", "score": int|null, "status",
 * "assessed", "affirmed_by", "affirmed_on", "key_id", "summary": {...}} plus "body" (the
 * signed document as a string) when with_body. */
int mm_store_get_submission(mm_store *s, json_t **out, const char *id, bool with_body)
    __attribute__((warn_unused_result));
/* The id (36 characters + NUL) of org_id's submission whose body_hash is body_hash: the
 * original of a replay. MM_ENOTFOUND when the organization has none. */
int mm_store_find_submission(mm_store *s, char id_out[37], const char *org_id,
                             const char *body_hash) __attribute__((warn_unused_result));
/* {"total", "items": [as mm_store_get_submission without summary and body]} of one
 * organization, newest received first. */
int mm_store_list_submissions(mm_store *s, json_t **out, const char *org_id, int64_t offset,
                              int64_t limit) __attribute__((warn_unused_result));
/* Across every contractor's latest submission: [{"requirement", "framework", "not_met",
 * "partial", "not_assessed", "contractors" (how many have it as a gap), "assessed" (how many
 * contractors' latest submission is on that framework)}], the largest share contractors /
 * assessed first (ties by count, then requirement id), at most limit rows. */
int mm_store_failure_counts(mm_store *s, json_t **out, int64_t limit)
    __attribute__((warn_unused_result));
/* Milestones of contractors' latest submissions due before today (YYYY-MM-DD) and not
 * completed: {"total", "items": [{"org_id", "org_name", "submission_id", "requirement",
 * "poam_id", "description", "due", "status"}]}, oldest due first. */
int mm_store_overdue_milestones(mm_store *s, json_t **out, const char *today, int64_t offset,
                                int64_t limit) __attribute__((warn_unused_result));

/* The server's own receipt-signing key (Ed25519), created on first use and kept in the
 * database: secret_key is 64 bytes, public_key 32. */
int mm_store_server_key(mm_store *s, unsigned char public_key[32], unsigned char secret_key[64])
    __attribute__((warn_unused_result));
/* Rotates the receipt key: a new pair becomes the current one (the newest row of server_keys),
 * the old ones stay, retired, so that receipts signed with them still verify (the server
 * publishes them: GET /api/v1/server-key "retired"). One transaction with its audit record
 * (server_key.rotate, by actor). A running server signs with the new key after a restart.
 * MM_ENOTFOUND when the database has no key yet. */
int mm_store_server_key_rotate(mm_store *s, const char *actor) __attribute__((warn_unused_result));
/* The retired receipt keys, newest first: [{"public_key" (base64), "created", "retired" (when
 * the next key was made)}]; *out is the caller's. */
int mm_store_server_keys_retired(mm_store *s, json_t **out) __attribute__((warn_unused_result));

/* ---- credentials -------------------------------------------------------------------- */

/* A random identifier (a version-4 UUID) into out[37]. */
void mm_store_new_id(char out[37]);
/* A random one-time password of len characters (len < size) from an alphabet without
 * look-alike characters (no 0/O/o, 1/l/I/i). */
int mm_password_generate(char *out, size_t size, size_t len) __attribute__((warn_unused_result));
/* The Argon2id hash string (crypto_pwhash_str, interactive limits) of password into
 * out[128]. MM_ENOMEM when the hashing memory cannot be had. */
int mm_password_hash(char out[128], const char *password) __attribute__((warn_unused_result));
/* True when password matches hash. */
bool mm_password_verify(const char *hash, const char *password);

/* ---- dump: export and import (docs/store.md, "Dump format") --------------------------
 *
 * A dump is JSON Lines: a header {"kind":"mamori-dump","version":1,"schema":N,"exported":
 * TIME,"tables":[...]}, one {"table":T,"row":{...}} line per row, tables in dependency
 * order, then a trailer {"kind":"mamori-dump-end","rows":{T:count,...},"sha256":HEX} where
 * HEX is the SHA-256 of every byte before the trailer line. Every table but sessions; the
 * dump holds the server's receipt secret key and password hashes. */

typedef struct mm_dump_stats {
    int64_t rows;          /* rows written or imported */
    int64_t audit_records; /* of which audit records */
    int schema;            /* the dump's schema version */
    char sha256[65];       /* the trailer's hash */
} mm_dump_stats;

/* Writes a dump of the whole store to f (the caller opens it, mode 0600: it holds secrets),
 * read in one snapshot. exported is the time for the header (RFC 3339). MM_EINVALID when
 * the store's audit chain does not verify (nothing is written then); MM_EIO on a write
 * error; the store's errors. */
int mm_store_export(mm_store *s, FILE *f, const char *exported, mm_dump_stats *out)
    __attribute__((warn_unused_result));
/* Reads a dump from f (name: for messages) into s, which must be empty (MM_ECONFLICT
 * otherwise), in one transaction: the ids and values as they are, id counters reset after
 * them, the trailer's counts and hash checked and the audit chain verified before the
 * commit. Any failure (a truncated or edited dump, a chain that does not verify:
 * MM_EINVALID) rolls everything back. */
int mm_store_import(mm_store *s, FILE *f, const char *name, mm_dump_stats *out)
    __attribute__((warn_unused_result));
/* The schema version of the database at url without opening it as a store (no migration,
 * nothing created): 0 when it does not exist yet. */
int mm_store_schema_peek(const char *url, int *out) __attribute__((warn_unused_result));

typedef enum mm_dump_kind { MM_DUMP_HEADER = 1, MM_DUMP_ROW, MM_DUMP_TRAILER } mm_dump_kind;

#define MM_DUMP_MAX_TABLES 48

/* One parsed dump line. */
typedef struct mm_dump_line {
    mm_dump_kind kind;
    int schema;                         /* header */
    size_t table;                       /* row: index in the fixed table list */
    json_t *row;                        /* row: the row object (owned; mm_dump_line_clear) */
    int64_t counts[MM_DUMP_MAX_TABLES]; /* trailer: rows per table, in table order */
    char sha256[65];                    /* trailer */
} mm_dump_line;

/* Parses and checks one line (without its newline) against the fixed table list: the
 * header's version, schema and tables; a row's table and exactly its columns with their
 * types (text without NUL, integer, boolean, null where allowed); the trailer's counts and
 * hash. No database involved. MM_EINVALID with a message naming what is wrong. */
int mm_dump_parse_line(mm_dump_line *out, const char *line, size_t len)
    __attribute__((warn_unused_result));
void mm_dump_line_clear(mm_dump_line *l);
/* The number of tables in a dump. */
size_t mm_dump_table_count(void);

/* ---- shared threat information (schema 3; src/store/share.c, docs/sharing.md) ----------
 *
 * The store keeps items, their labels and recipients; it never decides who may read them:
 * the server filters every read through mm_tlp_may_read (mamori/share.h). Multi-statement
 * writes belong inside mm_store_begin / mm_store_commit (with their audit record). */

/* Creates a community (id from mm_store_new_id). MM_ECONFLICT when the name is taken. */
int mm_store_create_community(mm_store *s, const char *id, const char *name,
                              const char *description, const char *created)
    __attribute__((warn_unused_result));
/* [{"id", "name", "description", "created", "members": [org id, ...]}] by name: every
 * community (org_id NULL) or only those org_id is a member of. */
int mm_store_list_communities(mm_store *s, json_t **out, const char *org_id)
    __attribute__((warn_unused_result));
/* Renames community id (name NULL: kept) and sets its description (NULL: kept).
 * MM_ENOTFOUND for an unknown community, MM_ECONFLICT when another has the name. */
int mm_store_update_community(mm_store *s, const char *id, const char *name,
                              const char *description) __attribute__((warn_unused_result));
/* One community as in the list. MM_ENOTFOUND. */
int mm_store_get_community(mm_store *s, json_t **out, const char *id)
    __attribute__((warn_unused_result));
/* Adds (MM_ECONFLICT when already a member; MM_ENOTFOUND for an unknown community or
 * organization) or removes (MM_ENOTFOUND when not a member) a member organization. */
int mm_store_add_community_member(mm_store *s, const char *community_id, const char *org_id,
                                  const char *added) __attribute__((warn_unused_result));
int mm_store_remove_community_member(mm_store *s, const char *community_id, const char *org_id)
    __attribute__((warn_unused_result));
/* [[id, kind, parent_id|null], ...] of every organization, by id (for the sharing rules). */
int mm_store_org_tree(mm_store *s, json_t **out) __attribute__((warn_unused_result));

/* A new item. recipient_users: [user id (integer), ...], recipient_orgs: [org id, ...]
 * (both may be NULL); body: JSON object text; sources: JSON array text (NULL: "[]"). */
typedef struct mm_item_rec {
    const char *id;
    const char *kind; /* "report" or "incident" */
    const char *originator_org;
    int64_t originator_user; /* 0: none */
    const char *tlp;         /* the stored name: "CLEAR" ... "RED" */
    const char *community_id;
    const char *title;
    const char *body;
    const char *sources;
    const char *created;
    const json_t *recipient_users;
    const json_t *recipient_orgs;
    const char *added_by; /* the login that named the recipients */
} mm_item_rec;
int mm_store_create_item(mm_store *s, const mm_item_rec *rec) __attribute__((warn_unused_result));
/* Every item (or the one with id, MM_ENOTFOUND if none) as [{"id", "kind", "tlp",
 * "originator_org", "originator_user": int|null, "community_id": id|null, "title", "body":
 * {...}, "sources": [...], "created", "modified", "recipients": {"orgs": [...], "users":
 * [int, ...]}, "reshares": [{"from_org", "to_org", "by", "at"}]}], newest first (modified,
 * then id). Filtering is the caller's. */
int mm_store_list_items(mm_store *s, json_t **out, const char *id)
    __attribute__((warn_unused_result));
/* Adds recipients (as in mm_item_rec; ones already there are skipped). */
int mm_store_add_item_recipients(mm_store *s, const char *item_id, const json_t *users,
                                 const json_t *orgs, const char *added, const char *added_by)
    __attribute__((warn_unused_result));
/* Records that from_org (a recipient) re-shared item_id with to_org (its client) at when, by
 * the login by. MM_ECONFLICT when to_org has it re-shared already. */
int mm_store_add_item_reshare(mm_store *s, const char *item_id, const char *from_org,
                              const char *to_org, const char *by, const char *when)
    __attribute__((warn_unused_result));
/* Sets the label and community (NULL: none) and the modified time. MM_ENOTFOUND. */
int mm_store_set_item_label(mm_store *s, const char *item_id, const char *tlp,
                            const char *community_id, const char *modified)
    __attribute__((warn_unused_result));
/* Records the originator's permission for grantee_org to redistribute (what: JSON object
 * text); *out_id (may be NULL) gets its id. */
int mm_store_add_item_permission(mm_store *s, int64_t *out_id, const char *item_id,
                                 const char *grantee_org, const char *what, const char *granted_by,
                                 const char *granted) __attribute__((warn_unused_result));
/* [{"id", "grantee_org", "what": {...}, "granted_by", "granted"}] of an item, oldest first;
 * only those for grantee_org unless it is NULL. */
int mm_store_list_item_permissions(mm_store *s, json_t **out, const char *item_id,
                                   const char *grantee_org) __attribute__((warn_unused_result));

/* ---- TAXII 2.1 status resources (schema 10; src/store/taxii.c, docs/taxii.md) ---------- */

/* A status resource of one POST of an envelope (all borrowed; body: the resource's JSON). */
typedef struct mm_taxii_status_rec {
    const char *id;
    int64_t user_id; /* the user that posted: only it reads the status again */
    const char *org_id;
    const char *collection;
    const char *created;
    const char *body;
} mm_taxii_status_rec;
int mm_store_put_taxii_status(mm_store *s, const mm_taxii_status_rec *rec)
    __attribute__((warn_unused_result));
/* The status resource id posted by user_id (a new object), else MM_ENOTFOUND (another
 * user's status is not found either). */
int mm_store_get_taxii_status(mm_store *s, json_t **out, const char *id, int64_t user_id)
    __attribute__((warn_unused_result));
/* The federation log (src/server/federation.c): whether (peer, direction, ref) is recorded
 * (direction "push", "pull", "withheld", "refused"; ref: what was exchanged, e.g. an item
 * id and version, or a STIX id), and recording it (MM_ECONFLICT when it is already). */
int mm_store_federation_seen(mm_store *s, bool *out, const char *peer, const char *direction,
                             const char *ref) __attribute__((warn_unused_result));
int mm_store_federation_note(mm_store *s, const char *peer, const char *direction, const char *ref,
                             const char *item_id, const char *at)
    __attribute__((warn_unused_result));

/* ---- incident reports (schema 4; src/store/incident.c, docs/incidents.md) --------------
 *
 * Each report is a shared item of kind "incident" (its label and recipients: create it with
 * mm_store_create_item first, in the same transaction) and an incidents row with its details.
 * Times are RFC 3339 UTC text. Like the items, the store never decides who may read one. */

typedef struct mm_incident_rec {
    const char *item_id;     /* the shared item (kind "incident") */
    const char *org_id;      /* the reporting organization */
    const char *report_type; /* "initial", "follow-on" or "voluntary" */
    int64_t initial_id;      /* follow-on: the initial report's incidents.id; else 0 */
    const char *discovered;  /* UTC */
    int discovered_offset;   /* seconds east of UTC, as the reporter wrote it */
    const char *reported;    /* UTC; its year is the report number's */
    const char *due;
    const char *preserve_until;
    const char *body;              /* the canonical report (JSON object text) */
    const char *sub_report_number; /* may be NULL */
    const char *created;
} mm_incident_rec;

/* Inserts the row and assigns the next report number of the year of rec->reported,
 * "MAM-YYYY-NNNNNN". *out_id and number (at least 32 bytes) get them (either may be NULL).
 * MM_ECONFLICT when a concurrent writer took the number (try again). */
int mm_store_create_incident(mm_store *s, int64_t *out_id, char *number, const mm_incident_rec *rec)
    __attribute__((warn_unused_result));

/* Incidents as [{"id", "item_id", "org_id", "report_type", "initial_id": int|null,
 * "initial_report": number|null, "report_number", "discovered", "discovered_offset",
 * "reported", "due", "preserve_until", "body": {...}, "sub_report_number": text|null,
 * "created"}] by id; each filter (org_id, id, report_number) applies when not NULL / 0. */
int mm_store_list_incidents(mm_store *s, json_t **out, const char *org_id, int64_t id,
                            const char *report_number) __attribute__((warn_unused_result));

/* ---- IoT products and their labels (schema 10, products.c; docs/iot.md) ---------------- */

/* An IoT product of a manufacturer (an organization). All borrowed. */
typedef struct mm_product_rec {
    const char *id;       /* a UUID chosen by the caller (mm_store_new_id) */
    const char *org_id;   /* the manufacturer */
    const char *name;     /* the product's name */
    const char *model;    /* the model */
    const char *firmware; /* the firmware version ("" when not given) */
    const char *created;  /* server time */
    const char *created_by;
} mm_product_rec;

/* Stores a product. MM_ENOTFOUND for an unknown organization; MM_ECONFLICT when the
 * manufacturer has a product with the same name, model and firmware; MM_EINVALID for a
 * missing member. */
int mm_store_create_product(mm_store *s, const mm_product_rec *rec)
    __attribute__((warn_unused_result));

/* {"total", "items": [{"id", "org_id", "org_name", "name", "model", "firmware", "created",
 * "created_by", "labels": count}]} by manufacturer name, name, model, firmware; org_id NULL:
 * every manufacturer's. MM_ENOTFOUND for an unknown organization. */
int mm_store_list_products(mm_store *s, json_t **out, const char *org_id, int64_t offset,
                           int64_t limit) __attribute__((warn_unused_result));

/* Product id with its labels: {"id", "org_id", "org_name", "name", "model", "firmware",
 * "created", "created_by", "labels": [{"id", "scheme", "level", "label_id", "issued",
 * "expires": text|null, "evidence_sha256": text|null, "evidence_ref": text|null, "added",
 * "added_by"}]} (labels by scheme, issued, id). MM_ENOTFOUND when there is no such product
 * or, with org_id given, when it is another organization's (the same answer, so that one
 * manufacturer cannot probe another's ids). */
int mm_store_get_product(mm_store *s, json_t **out, const char *org_id, const char *id)
    __attribute__((warn_unused_result));

/* One label a product holds. All borrowed. */
typedef struct mm_product_label_rec {
    const char *product_id;
    const char *scheme;          /* checked by the caller against the known schemes */
    const char *level;           /* "" when the scheme has no levels */
    const char *label_id;        /* the scheme's registration or label number */
    const char *issued;          /* YYYY-MM-DD */
    const char *expires;         /* YYYY-MM-DD, not before issued; NULL when it has none */
    const char *evidence_sha256; /* 64 lowercase hex digits, or NULL */
    const char *evidence_ref;    /* where the evidence file is (a URL, a file name), or NULL */
    const char *added;           /* server time */
    const char *added_by;
} mm_product_label_rec;

/* Adds a label to product rec->product_id of org_id; *out_id (may be NULL) gets its id.
 * MM_ENOTFOUND when the product is not org_id's; MM_ECONFLICT when the product already
 * holds a label with the same scheme and label id; MM_EINVALID (naming the member) for a
 * missing member, a date that is not YYYY-MM-DD, an expiry before the issue date or a hash
 * that is not 64 hex digits. */
int mm_store_add_product_label(mm_store *s, int64_t *out_id, const char *org_id,
                               const mm_product_label_rec *rec) __attribute__((warn_unused_result));
/* ---- clearances and gated items (schema 10; src/store/gates.c, docs/sharing.md) --------
 *
 * The store keeps the records; whether a read is allowed is mm_share_decide's
 * (mamori/share.h), in the server. Writes belong inside mm_store_begin / mm_audited_commit. */

/* A clearance record: a user's (user_id > 0, org_id NULL) or an organization's facility
 * certification (org_id, user_id 0). Dates "YYYY-MM-DD"; expires NULL: none recorded. */
typedef struct mm_clearance_rec {
    int64_t user_id;
    const char *org_id;
    const char *regime, *level, *granting_body, *granted, *expires, *evidence;
    const char *recorded, *recorded_by;
} mm_clearance_rec;
/* *out_id (may be NULL) the new record's id. MM_ENOTFOUND for an unknown user or
 * organization; MM_EINVALID (message) for a missing field or expires before granted. */
int mm_store_add_clearance(mm_store *s, int64_t *out_id, const mm_clearance_rec *rec)
    __attribute__((warn_unused_result));
/* Sets revoked = when on record id (revoked records never count). MM_ENOTFOUND (also when
 * revoked already). */
int mm_store_revoke_clearance(mm_store *s, int64_t id, const char *when)
    __attribute__((warn_unused_result));
/* [{"id", "user_id": int|null, "login": text|null, "org_id": text|null, "regime", "level",
 * "granting_body", "granted", "expires", "evidence", "recorded", "recorded_by", "revoked"}]
 * by id: every record, or a user's (user_id > 0), or an organization's facility
 * certifications (org_id). */
int mm_store_list_clearances(mm_store *s, json_t **out, int64_t user_id, const char *org_id)
    __attribute__((warn_unused_result));

/* A row of the authority's policy table (mm_clearance_rule); source: the published text or
 * decision it rests on (required). MM_ECONFLICT when the row exists. */
int mm_store_add_clearance_rule(mm_store *s, int64_t *out_id, const char *held_regime,
                                const char *held_level, const char *required_regime,
                                const char *required_level, const char *source, const char *added,
                                const char *added_by) __attribute__((warn_unused_result));
int mm_store_remove_clearance_rule(mm_store *s, int64_t id) __attribute__((warn_unused_result));
/* [{"id", "held_regime", "held_level", "required_regime", "required_level", "source",
 * "added", "added_by"}] by id. */
int mm_store_list_clearance_rules(mm_store *s, json_t **out) __attribute__((warn_unused_result));

/* A need-to-know group owned by owner_org. MM_ECONFLICT when id or name is taken. */
int mm_store_create_ntk_group(mm_store *s, const char *id, const char *name, const char *owner_org,
                              bool hide_members, const char *created)
    __attribute__((warn_unused_result));
/* Adds (MM_ECONFLICT when a member already; MM_ENOTFOUND for an unknown group or user) or
 * removes (MM_ENOTFOUND when not a member) a member; manager: may add and remove members. */
int mm_store_add_ntk_member(mm_store *s, const char *group_id, int64_t user_id, bool manager,
                            const char *added, const char *added_by)
    __attribute__((warn_unused_result));
int mm_store_remove_ntk_member(mm_store *s, const char *group_id, int64_t user_id)
    __attribute__((warn_unused_result));
/* [{"id", "name", "owner_org", "hide_members", "created", "members": [{"user_id", "login",
 * "manager"}]}] by name: every group (id NULL) or the one with id (MM_ENOTFOUND). What a
 * reader may see of the members is the caller's to decide. */
int mm_store_list_ntk_groups(mm_store *s, json_t **out, const char *id)
    __attribute__((warn_unused_result));

/* Sets (replaces) the gates of an item: gate is {"clearance": {"regime", "level"}|null,
 * "facility": bool, "ntk_group": id|null, "nationalities": [..], "org_countries": [..]},
 * or NULL to remove them. MM_ENOTFOUND for an unknown item or group. */
int mm_store_set_item_gate(mm_store *s, const char *item_id, const json_t *gate)
    __attribute__((warn_unused_result));
/* {item id: gate} of every gated item (id NULL) or of item id: what mm_store_list_items puts
 * in each item's "gate" (null when not gated). */
int mm_store_item_gates(mm_store *s, json_t **out, const char *id)
    __attribute__((warn_unused_result));

/* Records a user's nationality / an organization's country (ISO 3166-1 alpha-2, two upper
 * case letters; NULL or "" removes it). MM_ENOTFOUND, MM_EINVALID. */
int mm_store_set_nationality(mm_store *s, int64_t user_id, const char *nationality)
    __attribute__((warn_unused_result));
int mm_store_set_org_country(mm_store *s, const char *org_id, const char *country)
    __attribute__((warn_unused_result));

/* What the gates ask of a reader, in one read: {"clearances": [{"regime", "level",
 * "granted", "expires", "facility"}] (the user's and org_id's facility certifications, not
 * revoked; expired ones included), "groups": [id, ...], "nationality": text|null,
 * "org_country": text|null, "policy": [{"held_regime", ...}]}. user_id 0: no user. */
int mm_store_reader_facts(mm_store *s, json_t **out, int64_t user_id, const char *org_id)
    __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
