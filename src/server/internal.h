/* mamori serve: what the server's files share (not a public interface). */
#ifndef MAMORI_SERVER_INTERNAL_H
#define MAMORI_SERVER_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

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
    NEED_SUB_OWN,         /* a user of the organization that owns the submission, only (its
                           * receipt: 404 to other organizations, 403 to the authority) */
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
    size_t waiting; /* requests waiting for a free connection (GET /metrics) */
} store_pool;

/* The counters of GET /metrics (metrics.c), per process. */
#define MM_METRICS_BUCKETS 11
typedef struct server_metrics {
    _Atomic unsigned long long requests[6]; /* by status class: [0] other, [1..5] 1xx..5xx */
    _Atomic unsigned long long aborted;     /* the connection ended before the answer */
    _Atomic unsigned long long buckets[MM_METRICS_BUCKETS]; /* durations, not cumulative */
    _Atomic unsigned long long count, sum_us;
    _Atomic unsigned long long submissions[3]; /* POST /api/v1/submissions: 201, 4xx, other */
    _Atomic unsigned long long page_cache[2];  /* web_page_cached: hits, misses */
    long long started;                         /* Unix time */
} server_metrics;

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
    /* submissions taken in at once share a transaction (ingest.c); NULL: each its own */
    struct commit_group *group;
} ingest_ctx;
typedef struct commit_group commit_group;
commit_group *commit_group_new(void); /* NULL: out of memory */
void commit_group_free(commit_group *g);

typedef struct mm_federation mm_federation; /* federation.c */

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
    /* the dashboard's cache warm-up (cache.c) */
    pthread_t warm_thread;
    bool warm_running;
    _Atomic bool warm_stop;
    int incident_hours; /* incident reports are due this long after discovery */
    char today[11];     /* --today: a fixed "today", or "" for the clock's date */

    /* the built-in packs and crosswalks, and --frameworks; the --frameworks-shown ids
     * (canonical; none: all) */
    struct mm_frameworks *frameworks;
    char **shown;
    size_t nshown;
    mm_federation *fed;           /* --peers: federation with other authorities, or NULL */
    struct mm_notifier *notifier; /* notifications delivered (notify.c) */
    /* what a TLS reload (mm_server_reload_tls) starts the daemon again with */
    unsigned mhd_flags, threads, timeout_s, max_connections;
    server_metrics metrics;
    json_t *retired_keys; /* GET /api/v1/server-key "retired": [{"key_id", "public_key", ...}] */
    /* the store's version, pushed (cache.h); NULL on SQLite */
    struct mm_version_watch *watch;
    /* the submissions' group commit (ingest.c) */
    struct commit_group *group;
};

void mm_metrics_init(server_metrics *m);
/* Counts one finished request (on_completed): its status, its duration and, for a POST of a
 * submission, its result; completed is false when the connection ended first. */
void mm_metrics_record(server_metrics *m, const char *method, const char *path, unsigned status,
                       double ms, bool completed);

/* Starts (and stops, joining it) the thread that fills the dashboard's submission cache. */
void web_warm_start(mm_server *srv);
void web_warm_stop(mm_server *srv);

mm_store *mm_pool_get(mm_server *srv);
void mm_pool_put(mm_server *srv, mm_store *st);

/* ---- a request and its answer -------------------------------------------------------- */

/* A text shared by a cache and the answers in flight, reference counted: an answer from
 * the cache is sent without a copy, and stays valid when the entry is replaced meanwhile. */
typedef struct mm_shared_text {
    atomic_int refs;
    size_t len;
    char text[];
} mm_shared_text;
/* A new shared copy of text[0..len) with one reference, or NULL (out of memory). */
mm_shared_text *mm_shared_new(const char *text, size_t len);
mm_shared_text *mm_shared_ref(mm_shared_text *t);
void mm_shared_unref(mm_shared_text *t); /* NULL is fine */

typedef struct reply {
    unsigned status;
    json_t *json;           /* the body (stolen) ... */
    char *text;             /* ... or this text (malloc'd) with ctype */
    mm_shared_text *shared; /* ... or this shared text (one reference) with ctype */
    const char *ctype;
    char *set_cookie; /* malloc'd Set-Cookie value, or NULL */
    long retry_after; /* seconds for Retry-After, or 0 */
    char allow[64];   /* for 405 */
    /* the dashboard's pages (web_*.c) */
    bool html;                 /* an HTML page: the page's Content-Security-Policy */
    char *location;            /* malloc'd Location for a redirect, or NULL */
    char *set_cookie_more[3];  /* malloc'd further Set-Cookie values, or NULL */
    const char *cache_control; /* static: instead of no-store, or NULL */
    bool close;                /* Connection: close (a framing error: framing.c) */
    /* TAXII 2.1 (taxii.c): X-TAXII-Date-Added-First/Last of a page ("" for none), and
     * WWW-Authenticate: Basic on a 401 */
    char taxii_first[28], taxii_last[28];
    bool www_basic;
    /* a body streamed in chunks (export.c) when there is no text or json: libmicrohttpd
     * calls stream_read (MHD_ContentReaderCallback) until it ends, then stream_free(cls) */
    ssize_t (*stream_read)(void *cls, uint64_t pos, char *buf, size_t max);
    void (*stream_free)(void *cls);
    void *stream_cls;
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
    /* cmmc.c server_dates: today - 180 days: a conditional Rev 2 status received before has
     * expired (32 CFR 170.21(b)) */
    char cmmc_expired_before[11];
    char affirm_overdue_before[11]; /* today one year ago: last affirmed before is overdue */
    char affirm_due_by[11];         /* (today + 30 days) one year ago: on or before is due */
    /* the store's version (mm_store_audit_head) read once per request: req_store_version */
    int64_t version;
    bool version_known;
} http_req;

/* ---- CMMC status in time (cmmc.c) ------------------------------------------------------ */

/* Days before the annual affirmation falls due from which it shows as due. */
#define MM_AFFIRM_NOTICE_DAYS 30

/* Fills r->today (from today, YYYY-MM-DD) and the cut-offs worked out from it: stale_before,
 * cmmc_expired_before, affirm_overdue_before, affirm_due_by. */
void server_dates(http_req *r, const char *today);
/* The status shown for a latest submission: "conditional-expired" for a Rev 2 "conditional"
 * received (status date) before r->cmmc_expired_before, else status (borrowed). */
const char *cmmc_server_status(const http_req *r, const char *framework, const char *status,
                               const char *received);
/* The CMMC Level 2 status of a stored submission (with its summary) as of r->today, its
 * status date the day it was received: {"status", "eligible", "status_date", "closeout_by",
 * "reasons", "status_date_source"}; json null for Rev 3. A new reference. */
json_t *cmmc_level2_view(const http_req *r, const json_t *sub);
/* The summary's {"status", "reasons"} of CMMC Level 1, or json null (Rev 3, or stored before
 * the summary had it). A new reference. */
json_t *cmmc_level1_view(const json_t *sub);
/* The annual affirmation from base (the last affirmation's date, else the status date): the
 * next one is due by base + 1 year (due_by, "" without a base); *due within 30 days of it,
 * *overdue after it (32 CFR 170.22). */
void affirmation_dates(const http_req *r, const char *base, char due_by[11], bool *due,
                       bool *overdue);
/* Sets on item (an organization with "latest" and "last_affirmed", as the contractor list
 * gives it) "affirmation_due_by" (string or null), "affirmation_due", "affirmation_overdue". */
void affirmation_annotate(const http_req *r, json_t *item);

typedef void (*handler_fn)(http_req *r, reply *out);

/* Fills *out with a JSON error {"error": {"code", "message"}}. */
void reply_error(reply *out, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The error for a failed store call: 404, 409, 400 or 500 from its code. */
void reply_store_error(reply *out, int rc);
void reply_json(reply *out, unsigned status, json_t *body);
/* A store call whose failure must not fail the request (a session touch, a record of a
 * refused logon): the failure is logged, never ignored silently. */
void mm_best_effort(int rc, const char *what);

/* The summary of a latest submission the lists and pages show: {"id", "received",
 * "framework", "score", "status" ("stale" when assessed before r->stale_before),
 * "assessed", "affirmed_by"} (a new reference; json null when sub is NULL). */
json_t *latest_view(const http_req *r, const json_t *sub);

/* A query parameter (URL-decoded by libmicrohttpd), or NULL. */
const char *req_query(http_req *r, const char *name);
const char *req_header(http_req *r, const char *name);
/* The store's version (the last audit id: every change of stored data appends an audit
 * record in its transaction) as of this request, read from the store at the first call and
 * kept for the rest of the request (the token cache and the view cache use the same one). */
int req_store_version(http_req *r, int64_t *out) __attribute__((warn_unused_result));

/* ---- why a domain action failed (account.h, ingest.c, ...)
 * --------------------------------------------------------------- */

typedef enum act_kind {
    ACT_OK = 0,
    ACT_INVALID,         /* 400: the input breaks a rule (msg names the member) */
    ACT_UNAUTHENTICATED, /* 401: wrong login or password */
    ACT_FORBIDDEN,       /* 403: e.g. the current password is wrong */
    ACT_NOT_FOUND,       /* 404 */
    ACT_CONFLICT,        /* 409 */
    ACT_LOCKED,          /* 423: the account is locked for retry_after seconds */
    ACT_TOO_BIG,         /* 413 */
    ACT_UNPROCESSABLE,   /* 422: e.g. a submission whose signature or assessment fails */
    ACT_INTERNAL,        /* 500 */
    ACT_BUSY,            /* 503: try again */
    ACT_STORE            /* the store failed with rc (reply_store_error) */
} act_kind;

typedef struct act_fail {
    act_kind kind;
    int rc;
    long retry_after;
    char msg[400];
    char original[37]; /* ACT_CONFLICT of a replay: the original submission's id (or "") */
} act_fail;

/* The API's answer for a failed action: the status and code of its kind, with its message. */
void reply_fail(reply *out, const act_fail *f);

/* Fills f (kind, rc, message) and returns rc. */
int act_failed(act_fail *f, act_kind kind, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* affirmation.c: takes in the signed affirmation in r->body for org_id (the caller's own
 * organization: the route needs its contractor-admin). *out: the stored affirmation. */
int affirmation_receive(http_req *r, const char *org_id, json_t **out, act_fail *f);

/* ---- authentication (auth.c) --------------------------------------------------------- */

/* Resolves the credentials of the request into r->who. 0 when none were sent or they are
 * valid; 401 with out filled when they were sent and are not valid. */
int mm_auth_resolve(http_req *r, reply *out);
/* Constant-time check of X-CSRF-Token for cookie requests with an unsafe method. */
bool mm_auth_csrf_ok(http_req *r);

/* Makes a session for user_id: cookie gets its Set-Cookie value, csrf its CSRF token. */
int mm_auth_session_new(http_req *r, int64_t user_id, char cookie[256], char csrf[65]);
/* The Set-Cookie value that ends the session cookie (static). */
const char *mm_auth_clear_cookie(const mm_server *srv);
/* Fills p from a user (and its organization's kind). */
int mm_auth_load_principal(http_req *r, principal *p, const mm_user *u);
/* Unix time of an RFC 3339 UTC string written by mm_time_rfc3339 (0 when not one). */
long long mm_auth_parse_time(const char *s);

/* SHA-256 of text as lowercase hex. */
void mm_sha256_hex(char out[65], const void *data, size_t len);
/* n random bytes as 2n hex digits into out (2n + 1 bytes). */
void mm_random_hex(char *out, size_t n);

/* ---- ingestion of a signed submission (ingest.c) ------------------------------------- */

/* Verifies, evaluates and stores a signed submission for org_id (actor names the user for the
 * audit record); *receipt gets the signed receipt (malloc'd JSON text). A replay (the same
 * envelope from the same organization) fails ACT_CONFLICT with f->original set. */
int submission_ingest(const ingest_ctx *srv, mm_store *st, const char *org_id, const char *actor,
                      const char *doc, size_t len, const char *now, long long now_unix,
                      char **receipt, act_fail *f);
/* The same with the server's catalogs and key, for the requester's organization, now. */
int submission_ingest_request(http_req *r, const char *doc, size_t len, char **receipt,
                              act_fail *f);

/* The signed receipt of a stored submission (json from mm_store_get_submission), signed
 * again with the server's key: the same bytes as the receipt sent at 201 (Ed25519 is
 * deterministic). *out is malloc'd JSON text. */
int submission_receipt(char **out, const json_t *sub, const unsigned char server_sk[64]);

/* ---- the audited write (audit.c) -------------------------------------------------------- */

/* Ends a write transaction that mm_store_begin opened: when rc is MM_OK, appends the audit
 * record (actor, action, object, detail: stolen, may be NULL; no record when action is NULL:
 * the records were written with mm_audit_note inside the transaction)
 * and commits; otherwise, or when that fails, rolls back. The final code. */
int mm_audited_commit(mm_store *st, int rc, const char *actor, const char *action,
                      const char *object, json_t *detail);
/* One audit record on its own (a refused logon, a logout): detail stolen, may be NULL. */
int mm_audit_note(mm_store *st, const char *actor, const char *action, const char *object,
                  json_t *detail);

/* ---- reading and verifying the audit log (audit_api.c; docs/api.md "The audit log") ---- */

/* The actions the server and the CLI write to the audit log (NULL-terminated): the values of
 * ?action= on GET /api/v1/audit and /audit. */
extern const char *const audit_actions[];
/* The filter of a request's query (?actor, ?action, ?org, ?from, ?to, ?before, ?after,
 * ?limit: checked by the route table's query forms), borrowed from r. */
void audit_filter_read(http_req *r, mm_audit_filter *f);
/* A page of the log for f (mm_store_audit_list) read on st, shared items' titles left out of the
 * details (they stay under the items' TLP rules). MM_EINVALID with a message naming the
 * parameter, or the store's code. */
int audit_page(mm_store *st, const mm_audit_filter *f, json_t **out);
/* Verifies the whole chain with mm_store_audit_verify (the CLI's `mamori audit verify`), one
 * walk at a time per process: false (nothing done) while another runs. */
bool audit_verify_run(http_req *r, mm_audit_report *rep, int *rc);

/* ---- the API's handlers (api*.c, share_api.c, incident_api.c), named in the route table -- */

void h_login(http_req *r, reply *out);
void h_whoami(http_req *r, reply *out);
void h_logout(http_req *r, reply *out);
void h_password(http_req *r, reply *out);
void h_tokens_list(http_req *r, reply *out);
/* account administration (api_users.c) */
void h_user_unlock(http_req *r, reply *out);
void h_user_reset(http_req *r, reply *out);
void h_user_disable(http_req *r, reply *out);
void h_user_enable(http_req *r, reply *out);
void h_user_delete(http_req *r, reply *out);
void h_tokens_create(http_req *r, reply *out);
void h_tokens_revoke(http_req *r, reply *out);
void h_keys_list(http_req *r, reply *out);
void h_keys_add(http_req *r, reply *out);
void h_keys_revoke(http_req *r, reply *out);
/* organizations, users, submissions and the authority's views (api.c) */
void h_org_create(http_req *r, reply *out);
void h_org_get(http_req *r, reply *out);
void h_org_subs(http_req *r, reply *out);
void h_org_consent(http_req *r, reply *out);
void h_users_list(http_req *r, reply *out);
void h_users_create(http_req *r, reply *out);
void h_submit(http_req *r, reply *out);
void h_affirm_create(http_req *r, reply *out);
void h_affirm_list(http_req *r, reply *out);
void h_subs_list(http_req *r, reply *out);
void h_sub_get(http_req *r, reply *out);
void h_sub_receipt(http_req *r, reply *out);
void h_sub_diff(http_req *r, reply *out);
void h_contractors_cached(http_req *r, reply *out);
void h_failures_cached(http_req *r, reply *out);
void h_overdue_cached(http_req *r, reply *out);
void h_national_cached(http_req *r, reply *out);
void h_national_sector_cached(http_req *r, reply *out);
void h_healthz(http_req *r, reply *out);
void h_readyz(http_req *r, reply *out);
void h_metrics(http_req *r, reply *out);
void h_audit_list(http_req *r, reply *out);   /* audit_api.c */
void h_audit_verify(http_req *r, reply *out); /* audit_api.c */
void h_version(http_req *r, reply *out);
void h_server_key(http_req *r, reply *out);

/* ---- shared threat information under TLP 2.0 (share_api.c, share_merge.c) ----------- */

void h_communities_create(http_req *r, reply *out);
void h_communities_list(http_req *r, reply *out);
void h_community_member_add(http_req *r, reply *out);
void h_community_member_remove(http_req *r, reply *out);
/* clearances, the policy table, need-to-know groups (clearance_api.c; schema 10) */
void h_clearances_list(http_req *r, reply *out);
void h_clearances_create(http_req *r, reply *out);
void h_clearance_revoke(http_req *r, reply *out);
void h_policy_list(http_req *r, reply *out);
void h_policy_add(http_req *r, reply *out);
void h_policy_remove(http_req *r, reply *out);
void h_ntk_list(http_req *r, reply *out);
void h_ntk_create(http_req *r, reply *out);
void h_ntk_member_add(http_req *r, reply *out);
void h_ntk_member_remove(http_req *r, reply *out);
/* What the API and the dashboard's /groups share (clearance_api.c): the need-to-know groups
 * the requester sees (the authority every one; others those they are in), each as
 * ntk_group_view shows it (no member list for a member of a group that hides it; "manager":
 * whether the requester may change its members). */
int ntk_visible_groups(http_req *r, json_t **out);
json_t *ntk_group_view(const http_req *r, const json_t *g);
/* Group id if the requester may change its members (an authority-admin or a manager): *out
 * the group; MM_ENOTFOUND (not a member: nothing told), MM_EACCES (a member), the store's. */
int ntk_managed_group(http_req *r, const char *id, json_t **out);
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
void h_item_reshare(http_req *r, reply *out);

/* ---- incident reports (incident_api.c, docs/incidents.md) ---------------------------- */

void h_incidents_create(http_req *r, reply *out);
void h_incidents_list(http_req *r, reply *out);
void h_incident_get(http_req *r, reply *out);
/* Every incident report the requester's TLP marking allows, as GET /api/v1/incidents shows
 * them, into *list (a new array); the RED/AMBER reads audited as "list". MM_OK or the
 * store's code. */
int incidents_list(http_req *r, json_t **list);
/* One incident report the requester may read, by id or report number (its read audited as
 * GET /api/v1/incidents/{id}'s): *out a new reference; MM_ENOTFOUND when there is none or it
 * may not be read (the same answer), or the store's code. */
int incident_get(http_req *r, const char *key, json_t **out);
/* The domain action of POST /api/v1/incidents and of the dashboard's report form: parses and
 * checks the report text (mm_incident_parse, the discovery time against now), stores it as a
 * shared item of kind "incident" with its incidents row and audit record. *out_id: the new
 * report's id. ACT_INVALID (not JSON), ACT_UNPROCESSABLE (a broken rule, the message names
 * the member), ACT_BUSY, ACT_STORE. */
int incident_create(http_req *r, const char *text, size_t len, int64_t *out_id, act_fail *f);
/* Sets item's "incident" to its report as GET /api/v1/incidents/{id} shows it (the item
 * must already have been found readable: no access decision here). MM_ENOTFOUND. */
int incident_attach(http_req *r, json_t *item);

/* ---- routing (routes.c) -------------------------------------------------------------- */

/* Answers a request whose body (if any) has been read completely. */
void mm_api_dispatch(http_req *r, reply *out);
/* Writes the route table, one "METHOD PATTERN[ html]" line a route ({} for a path segment). */
void mm_routes_print(FILE *f);

/* Logs one JSON line with ts, level, msg and the members of obj (stolen). */
void mm_server_log_json(const char *level, const char *msg, json_t *obj);
/* The request's log line, the same fields as mm_server_log_json's ({"ts", "level": "info"
 * (ok) or "warn", "msg": "request" or "request aborted", "method", "path", "status",
 * "duration_ms"}) written into a fixed buffer with one write, without building JSON values.
 * method and path must be printable ASCII already (server.c copy_printable). */
void mm_server_log_request(bool ok, const char *method, const char *path, unsigned status,
                           double ms);

#endif
