/* mamori serve: what the server's files share (not a public interface). */
#ifndef MAMORI_SERVER_INTERNAL_H
#define MAMORI_SERVER_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mamori/assess.h"
#include "mamori/catalog.h"
#include "mamori/server.h"
#include "mamori/store.h"

/* ---- who is asking ------------------------------------------------------------------- */

typedef struct principal {
    bool authenticated;
    int64_t user_id;
    char login[128];
    char role[32];
    char org_id[64];
    bool authority; /* the user's organization is the authority */
    bool must_change;
    bool via_session; /* the cookie, not a token: unsafe methods need the CSRF token */
    char session_id[33];
    char csrf[65];
} principal;

/* ---- what a route needs: the one place where tenant isolation is decided ------------- */

typedef enum need {
    NEED_NONE = 0,        /* anyone, even anonymous */
    NEED_SELF,            /* any signed-in user, acting on itself */
    NEED_AUTHORITY_READ,  /* authority-admin or authority-analyst */
    NEED_AUTHORITY_ADMIN, /* authority-admin */
    NEED_ORG_READ,        /* the authority, or a user of the organization in the path */
    NEED_ORG_SUMMARY,     /* as ORG_READ, or a prime whose subcontractor consented */
    NEED_ORG_USERS,       /* authority-admin, or the organization's contractor-admin */
    NEED_ORG_ADMIN,       /* the organization's contractor-admin (keys, consent) */
    NEED_SUBMIT,          /* a contractor user, for its own organization */
    NEED_SUB_READ,        /* ORG_READ on the organization that owns the submission */
    NEED_ANY              /* anyone, anonymous too; credentials are resolved when sent (the
                           * shared items' reads: what each reader sees is mm_tlp_may_read's) */
} need;

/* What the access decision knows about the organization a request is about. */
typedef struct target_org {
    bool exists;
    const char *id;
    const char *kind;
    const char *parent_id; /* NULL if none */
    bool prime_consent;
} target_org;

/* 0 when p may do what n says to target (NULL for needs without an organization); else the
 * HTTP status to answer: 401 (not signed in), 404 (may not even see the organization; the
 * server does not reveal that it exists), 403 (may see it, but the role does not allow this).
 * *why (may be NULL) gets a message for 403. */
int mm_access_decide(const principal *p, need n, const target_org *target, const char **why);

/* ---- the server ---------------------------------------------------------------------- */

/* A pool of store connections, one per worker thread at most. */
typedef struct store_pool {
    pthread_mutex_t lock;
    pthread_cond_t free_cv;
    mm_store **free;
    size_t nfree, size;
} store_pool;

typedef struct security_policy {
    long lockout_attempts; /* 03.01.08 ODP.01 */
    long lockout_window;   /* seconds, ODP.02 */
    long lockout_duration; /* seconds, ODP.04 */
    long idle_timeout;     /* seconds, 03.01.10 ODP.02 */
    long session_lifetime; /* seconds, 03.01.11 */
} security_policy;

/* What taking in a submission needs (the server's, or the demo seeder's). */
typedef struct ingest_ctx {
    const mm_catalog *r3, *r2;
    const mm_profile *profile;      /* the authority's ODP profile (Rev 3) */
    const unsigned char *server_sk; /* 64 bytes: signs receipts */
} ingest_ctx;

struct mm_server {
    struct MHD_Daemon *daemon;
    store_pool pool;
    size_t max_body;
    unsigned port;
    bool tls;
    _Atomic int in_flight;
    _Atomic bool stopping;
    security_policy policy;
    mm_catalog *r3, *r2;
    mm_profile *profile; /* the authority's ODP profile (Rev 3) */
    unsigned char server_pk[32], server_sk[64];
    char server_key_id[17];
    char dummy_hash[128]; /* verified against for unknown logins: equal timing */
    /* the dashboard's cache warm-up (web_render.c) */
    pthread_t warm_thread;
    bool warm_running;
    _Atomic bool warm_stop;
    int incident_hours; /* incident reports are due this long after discovery */
};

/* Starts (and stops, joining it) the thread that fills the dashboard's submission cache. */
void web_warm_start(mm_server *srv);
void web_warm_stop(mm_server *srv);

mm_store *mm_pool_get(mm_server *srv);
void mm_pool_put(mm_server *srv, mm_store *st);

/* ---- a request and its answer -------------------------------------------------------- */

typedef struct reply {
    unsigned status;
    json_t *json; /* the body (stolen) ... */
    char *text;   /* ... or this text (malloc'd) with ctype */
    const char *ctype;
    char *set_cookie; /* malloc'd Set-Cookie value, or NULL */
    long retry_after; /* seconds for Retry-After, or 0 */
    char allow[64];   /* for 405 */
    /* the dashboard's pages (web.c) */
    bool html;                 /* an HTML page: the page's Content-Security-Policy */
    char *location;            /* malloc'd Location for a redirect, or NULL */
    char *set_cookie_more[2];  /* malloc'd further Set-Cookie values, or NULL */
    const char *cache_control; /* static: instead of no-store, or NULL */
    bool close;                /* Connection: close (a framing error: framing.c) */
} reply;

typedef struct http_req {
    mm_server *srv;
    struct MHD_Connection *conn;
    const char *method;
    const char *url;
    const char *param[3]; /* the {…} segments of the route, in order (point into pbuf) */
    char pbuf[512];
    char *body;
    size_t body_len;
    json_t *json; /* the parsed body for routes that take one */
    principal who;
    struct mm_form *form; /* an HTML form's fields (routes with html set, POST) */
    mm_store *st;         /* a pooled connection for this request */
    char now[32];         /* RFC 3339 UTC of the request */
    long long now_unix;
    char today[11];
    char stale_before[11]; /* today three years ago: a latest assessment older is "stale" */
} http_req;

typedef void (*handler_fn)(http_req *r, reply *out);

/* Fills *out with a JSON error {"error": {"code", "message"}}. */
void reply_error(reply *out, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The error for a failed store call: 404, 409, 400 or 500 from its code. */
void reply_store_error(reply *out, int rc);
void reply_json(reply *out, unsigned status, json_t *body);

/* The summary of a latest submission the lists and pages show: {"id", "received",
 * "framework", "score", "status" ("stale" when assessed before r->stale_before),
 * "assessed", "affirmed_by"} (a new reference; json null when sub is NULL). */
json_t *latest_view(const http_req *r, const json_t *sub);

/* A query parameter (URL-decoded by libmicrohttpd), or NULL. */
const char *req_query(http_req *r, const char *name);
const char *req_header(http_req *r, const char *name);

/* ---- authentication (auth.c) --------------------------------------------------------- */

/* Resolves the credentials of the request into r->who. 0 when none were sent or they are
 * valid; 401 with out filled when they were sent and are not valid. */
int mm_auth_resolve(http_req *r, reply *out);
/* Constant-time check of X-CSRF-Token for cookie requests with an unsafe method. */
bool mm_auth_csrf_ok(http_req *r);

void h_login(http_req *r, reply *out);
void h_whoami(http_req *r, reply *out);
void h_logout(http_req *r, reply *out);
void h_password(http_req *r, reply *out);
void h_tokens_list(http_req *r, reply *out);
void h_tokens_create(http_req *r, reply *out);
void h_tokens_revoke(http_req *r, reply *out);

/* SHA-256 of text as lowercase hex. */
void mm_sha256_hex(char out[65], const void *data, size_t len);
/* n random bytes as 2n hex digits into out (2n + 1 bytes). */
void mm_random_hex(char *out, size_t n);

/* ---- ingestion of a signed submission (ingest.c) ------------------------------------- */

/* Verifies, evaluates and stores a signed submission for org_id; fills out with the receipt
 * (201) or the error. actor names the user for the audit record. */
void mm_ingest(const ingest_ctx *srv, mm_store *st, const char *org_id, const char *actor,
               const char *doc, size_t len, const char *now, long long now_unix, reply *out);

/* Signing keys of an organization (r->param[0]): JSON bodies as the API's. */
void h_keys_add(http_req *r, reply *out);
void h_keys_revoke(http_req *r, reply *out);

/* ---- shared threat information under TLP 2.0 (share_api.c, docs/sharing.md) -------- */

void h_communities_create(http_req *r, reply *out);
void h_communities_list(http_req *r, reply *out);
void h_community_member_add(http_req *r, reply *out);
void h_community_member_remove(http_req *r, reply *out);
void h_items_create(http_req *r, reply *out);
void h_items_list(http_req *r, reply *out);
void h_items_count(http_req *r, reply *out);
void h_item_get(http_req *r, reply *out);
void h_item_export(http_req *r, reply *out);
void h_items_merge(http_req *r, reply *out);
void h_item_stix(http_req *r, reply *out);
void h_items_import(http_req *r, reply *out);
void h_item_share(http_req *r, reply *out);
void h_item_permission(http_req *r, reply *out);

/* Every shared item the requester may read (mm_tlp_may_read), as mm_store_list_items gives
 * them: a new reference; NULL with out filled on failure. */
json_t *share_visible_items(http_req *r, reply *out);
/* Appends "item.read" to the audit log for every RED or AMBER item of items (via: "list",
 * "get", ...), in one transaction. */
int share_audit_reads(http_req *r, json_t *items, const char *via);

/* ---- incident reports (incident_api.c, docs/incidents.md) ---------------------------- */

void h_incidents_create(http_req *r, reply *out);
void h_incidents_list(http_req *r, reply *out);
void h_incident_get(http_req *r, reply *out);
/* Sets item's "incident" to its report as GET /api/v1/incidents/{id} shows it (the item
 * must already have been found readable: no access decision here). MM_ENOTFOUND. */
int incident_attach(http_req *r, json_t *item);

/* ---- routing (api.c) ----------------------------------------------------------------- */

/* Answers a request whose body (if any) has been read completely. */
void mm_api_dispatch(http_req *r, reply *out);

/* Logs one JSON line with ts, level, msg and the members of obj (stolen). */
void mm_server_log_json(const char *level, const char *msg, json_t *obj);

#endif
