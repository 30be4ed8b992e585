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

/* Graceful stop: stops accepting connections, waits (up to 10 s) for requests in flight
 * to finish, then closes every connection and frees srv. Accepts NULL. */
void mm_server_stop(mm_server *srv);

/* Writes one structured log line to stderr: {"ts", "level", "msg"}. */
void mm_server_log(const char *level, const char *msg);

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

#ifdef __cplusplus
}
#endif
#endif
