/*
 * mamori: the authority's HTTP server (libmicrohttpd). This release answers health,
 * readiness and version; the API under /api/v1/ grows in later releases.
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
} mm_server_config;

/* The defaults: 127.0.0.1:8171, 4 threads, 16 MiB bodies, 30 s, 256 connections. */
void mm_server_config_init(mm_server_config *cfg);

/* Starts serving in background threads and logs the "listening" line with the actual
 * port. store is borrowed and must outlive the server; the server serialises its use.
 * *out is the caller's; stop and free it with mm_server_stop. MM_EUSAGE for a bad
 * listen address or limits, MM_EIO when the address cannot be bound. */
int mm_server_start(mm_server **out, mm_store *store, const mm_server_config *cfg)
    __attribute__((warn_unused_result));

/* The port the server listens on (useful after asking for port 0). */
unsigned mm_server_port(const mm_server *srv);

/* Graceful stop: stops accepting connections, waits (up to 10 s) for requests in flight
 * to finish, then closes every connection and frees srv. Accepts NULL. */
void mm_server_stop(mm_server *srv);

/* Writes one structured log line to stderr: {"ts", "level", "msg"}. */
void mm_server_log(const char *level, const char *msg);

#ifdef __cplusplus
}
#endif
#endif
