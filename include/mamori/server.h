/*
 * mamori: the authority's HTTP server (libmicrohttpd): the JSON API under /api/v1/
 * described in docs/api.md, health and readiness.
 *
 * The server logs one JSON object per line on stderr (ts, level, msg, and for requests
 * method, path, status, duration_ms); it never logs request bodies, cookies or
 * Authorization headers.
 */
#ifndef MAMORI_SERVER_H
#define MAMORI_SERVER_H

#include <stddef.h>

#include "mamori/error.h"
#include "mamori/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mm_server mm_server;

typedef struct mm_server_config {
    const char *listen; /* "HOST:PORT" or "[V6]:PORT", numeric; port 0 picks a free one */
    unsigned threads;   /* worker threads (thread pool size), 1..256 */
    size_t max_body;    /* largest request body accepted, in bytes; larger gets 413 */
    unsigned timeout_s; /* idle connection time limit, seconds */
    unsigned max_connections;
    const char *db;       /* the store's URL (mm_store_open) */
    unsigned db_pool;     /* store connections (requests wait for a free one), 1..1024;
                           * 0 means threads + 1 */
    const char *profile;  /* the authority's ODP profile file, or NULL for the embedded DoD one */
    const char *tls_cert; /* PEM files: serve HTTPS (both or neither) */
    const char *tls_key;
    /* the security policy; 0 takes the value from the ODP profile (03.01.08, 03.01.10,
     * 03.01.11), in seconds except attempts */
    long lockout_attempts, lockout_window, lockout_duration, idle_timeout, session_lifetime;
    /* incident reports are due this many hours after discovery (docs/incidents.md); 0: 72 */
    unsigned incident_hours;
    /* YYYY-MM-DD: the server's "today" for what it works out when read (stale, the CMMC
     * close-out expiry, affirmations due), for tests and demonstrations; NULL: the clock's
     * UTC date. Times (received, sessions) always come from the clock. */
    const char *today;
    /* a folder of framework packs and crosswalks the authority adds to the built-in ones
     * (docs/frameworks.md), or NULL; a bad file refuses to start (MM_EINVALID, its path) */
    const char *frameworks;
    /* the frameworks a contractor's status is shown in on its page, comma-separated ids
     * ("800-171r2,800-53r5"); NULL: every framework a crosswalk relates to the assessed one */
    const char *frameworks_shown;
    /* a peers file (docs/taxii.md "Federation"): other authorities' TAXII 2.1 servers to pull
     * from and push to; NULL: none */
    const char *peers;
    /* notifications delivered (docs/notifications.md, docs/operations.md "Notifications"):
     * the SMTP relay's URL (smtp://HOST:PORT, STARTTLS when offered; smtps://), NULL: no
     * email; the sender address; the relay's user and a file holding its password; STARTTLS
     * required rather than tried; seconds between rounds (0: 60); the first retry's delay in
     * seconds, doubled on each failure up to 6 hours (0: 60); comma-separated URL prefixes a
     * webhook may begin with (NULL: no webhooks); the dashboard's public URL, for links; the
     * CA certificates (a PEM file) the relay's certificate is checked against (NULL: the
     * system's) */
    const char *notify_smtp, *notify_from, *notify_smtp_user, *notify_smtp_password_file;
    bool notify_smtp_require_tls;
    unsigned notify_interval, notify_retry;
    const char *notify_webhooks, *notify_url, *notify_smtp_cacert;
} mm_server_config;

/* The defaults: 127.0.0.1:8171, 4 threads, 16 MiB bodies, 30 s, 256 connections. */
void mm_server_config_init(mm_server_config *cfg);

/* Opens the store (a pool of cfg->db_pool connections, by default threads + 1), loads the catalogs
 * and the ODP profile, then serves in background threads and logs the "listening" line with the
 * actual port. *out is the caller's; stop and free it with mm_server_stop. MM_EUSAGE for a bad
 * listen address or limits, MM_EIO when the address cannot be bound, the store's errors. */
int mm_server_start(mm_server **out, const mm_server_config *cfg)
    __attribute__((warn_unused_result));

/* The port the server listens on (useful after asking for port 0). */
unsigned mm_server_port(const mm_server *srv);

/* Serves HTTPS with the PEM certificate and key at these paths from now on (SIGHUP of mamori
 * serve): the pair is tried first, and on any failure the server goes on with the old one.
 * The listening socket is handed to a new daemon, so no connection waiting to be accepted is
 * lost; connections already open finish on the old daemon, which is stopped when they are
 * done (or after 10 s, closing those still idle). Call from one thread, never at the same
 * time as mm_server_stop. MM_EUSAGE when the server was started without TLS, MM_EINVALID
 * when the pair does not load, the errors of mm_file_read, MM_EIO. */
int mm_server_reload_tls(mm_server *srv, const char *cert_path, const char *key_path)
    __attribute__((warn_unused_result));

/* Graceful stop: stops accepting connections, waits (up to 10 s) for requests in flight
 * to finish, then closes every connection and frees srv. Accepts NULL. */
void mm_server_stop(mm_server *srv);

/* Writes one structured log line to stderr: {"ts", "level", "msg"}. */
void mm_server_log(const char *level, const char *msg);

/* ---- account administration (src/server/users.c, docs/api.md "Managing users") ---------- */

typedef enum mm_user_action {
    MM_USER_UNLOCK,  /* clears the lockout (failed logons and the lock) */
    MM_USER_RESET,   /* a new one-time password, to be changed at the next logon; ends sessions */
    MM_USER_DISABLE, /* no logon; its sessions end and its tokens are revoked at once */
    MM_USER_ENABLE,  /* may log on again (ended sessions and tokens stay ended) */
    MM_USER_DELETE,  /* disabled for good; its login cannot be taken again for 90 days */
} mm_user_action;

/* Who acts, and on which users it may act. */
typedef struct mm_user_admin_ctx {
    const char *actor; /* the audit log's actor: the administrator's login, or "cli:admin-user" */
    int64_t
        actor_id; /* the acting user's id (it may not disable, delete or reset itself); 0: none */
    const char *org_id; /* only users of this organization (the path's); NULL: any (the CLI) */
    long long now;      /* Unix time */
} mm_user_admin_ctx;

/* The action's name as in paths, audit records and the CLI ("unlock", ...), and back (-1 when
 * unknown). */
const char *mm_user_action_name(mm_user_action a);
int mm_user_action_parse(const char *name);

/* Does action to user user_id (audited as ctx->actor "user.<action>" on "user:ID", with the
 * user's login and organization, in the change's transaction). For MM_USER_RESET,
 * otp (size >= 24) gets the one-time password, shown once; wipe it after use.
 * MM_ENOTFOUND: no such (live) user in ctx->org_id. MM_ECONFLICT (message says why): the
 * last enabled authority-admin would be disabled or deleted, or the actor acts on itself
 * (disable, delete, reset: use the password change instead). The store's errors. */
int mm_user_admin(mm_store *st, const mm_user_admin_ctx *ctx, mm_user_action action,
                  int64_t user_id, char *otp, size_t otp_size) __attribute__((warn_unused_result));

/* ---- demo data (src/server/seed.c) ------------------------------------------------------ */

typedef struct mm_seed_options {
    unsigned contractors;    /* how many contractors (default 1000) */
    unsigned submissions;    /* signed submissions per contractor (default 5) */
    unsigned long long seed; /* the same seed gives the same organizations and documents */
    unsigned jobs;           /* worker threads that generate, sign and take in (default 1) */
    long long now;           /* Unix time of "today" for the dates (0: the clock) */
    const char *profile;     /* the authority's ODP profile, or NULL for the embedded DoD one */
    /* called on the calling thread about once a second and at the end (may be NULL) */
    void (*progress)(void *ctx, unsigned long long done, unsigned long long total);
    void *progress_ctx;
} mm_seed_options;

/* The defaults above. */
void mm_seed_options_init(mm_seed_options *o);

/* Fills the database at db_url (initialised by `mamori admin init`, without contractors)
 * with demo data: o->contractors contractors with made-up Japanese and US company names,
 * CAGE codes and sectors (about one in five a subcontractor of a prime, half of those
 * consenting), one Ed25519 signing key each, and o->submissions assessments per contractor
 * dated over the last four years, each signed and taken in by mm_ingest exactly as
 * `POST /api/v1/submissions` would (verified, scored, stored, audited). Organizations,
 * keys and documents depend only on o->seed and o->now. No users are made.
 * MM_EINVALID when the database has no authority admin or already has contractors; the
 * store's errors; MM_ERROR when a generated submission is refused (a bug). */
int mm_seed_demo(const char *db_url, const mm_seed_options *o) __attribute__((warn_unused_result));

/* ---- clearances, the policy table, need-to-know groups (src/server/clearance.c) ----------
 *
 * The domain actions of `mamori admin clearance|policy|ntk|person` (and of the API): each
 * one change in its own transaction with its audit record (docs/sharing.md, "Gated
 * items"). */
typedef enum mm_gates_action {
    MM_GATES_GRANT,         /* clearance: record a clearance or facility certification */
    MM_GATES_REVOKE,        /* id: revoke clearance record id */
    MM_GATES_RULE_ADD,      /* rule + source: add a row to the authority's policy table */
    MM_GATES_RULE_REMOVE,   /* id: remove policy row id */
    MM_GATES_GROUP_CREATE,  /* group, name, org_id, hide_members */
    MM_GATES_MEMBER_ADD,    /* group, user_id, manager */
    MM_GATES_MEMBER_REMOVE, /* group, user_id */
    MM_GATES_NATIONALITY,   /* user_id, code (NULL or "": remove) */
    MM_GATES_COUNTRY,       /* org_id, code (NULL or "": remove) */
} mm_gates_action;

typedef struct mm_gates_op {
    mm_gates_action action;
    const char *actor; /* the audit log's actor ("cli:admin-clearance" or a login) */
    const char *now;   /* RFC 3339 UTC */
    mm_clearance_rec clearance;
    int64_t id;
    const char *held_regime, *held_level, *required_regime, *required_level, *source;
    const char *group, *name, *org_id, *code;
    int64_t user_id;
    bool hide_members, manager;
} mm_gates_op;

/* Does op (audited as "clearance.grant", "clearance.revoke", "policy.add", "policy.remove",
 * "ntk.create", "ntk.add", "ntk.remove", "person.nationality", "org.country"). *out_id (may
 * be NULL): the new record's id (grant, rule add). The store's codes, with its message. */
int mm_gates_admin(mm_store *st, const mm_gates_op *op, int64_t *out_id)
    __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
