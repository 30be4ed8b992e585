/* mamori serve: the daemon. libmicrohttpd's thread pool, the listening socket and TLS,
 * limits, the request's life from the first header to the log line, and the graceful stop.
 * What a request and its answer are (reply_*, req_*, the log, the store pool) is
 * request.c's; which handler answers is routes.c's. */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "mamori/server.h"
#include "mamori/submit.h"
#include "server/cache.h"
#include "server/form.h"
#include "server/framing.h"
#include "mamori/incident.h"
#include "mamori/framework.h"
#include "server/federation.h"
#include "server/notify.h"
#include "server/internal.h"
#include "server/taxii.h"
#include "util/util.h"

#define DRAIN_SECONDS 10

/* Per-request state, freed when MHD reports the request completed. */
typedef struct request {
    struct timespec start;
    char method[16];
    char path[256];
    unsigned status;
    size_t body_bytes;
    char *body; /* the body read so far (max_body at most), NUL-terminated */
    bool counted;
    bool answered;  /* an answer was queued before the body was read */
    bool too_large; /* a chunked body went past the limit: dropped */
    size_t dropped;
} request;

/* libmicrohttpd's own messages, as warnings. */
__attribute__((format(printf, 2, 0))) static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            *p = '?';
    mm_server_log_json("warn", msg, NULL);
}

/* Copies untrusted text for the log: printable ASCII only, a bidirectional control shown
 * as "<U+202E>", any other byte as '?', cut to the buffer. */
static void copy_printable(char *out, size_t size, const char *in)
{
    size_t o = 0, n;
    for (size_t i = 0; in && in[i] && o + 1 < size;) {
        unsigned cp = mm_bidi_control(in + i, &n);
        if (cp && o + 9 < size) {
            o += (size_t)snprintf(out + o, size - o, "<U+%04X>", cp);
            i += n;
            continue;
        }
        out[o++] = ((unsigned char)in[i] < 0x20 || (unsigned char)in[i] > 0x7e) ? '?' : in[i];
        i++;
    }
    out[o] = '\0';
}

/* ---- answering ---------------------------------------------------------------------- */

static void shared_done(void *cls)
{
    mm_shared_unref(cls);
}

static enum MHD_Result queue(struct MHD_Connection *conn, mm_server *srv, request *req, reply *rp)
{
    mm_shared_text *shared = rp->shared;
    rp->shared = NULL;
    if (shared && (rp->text || rp->json)) { /* a body of its own wins */
        mm_shared_unref(shared);
        shared = NULL;
    }
    char *text = rp->text;
    const char *ctype = rp->ctype ? rp->ctype : "application/json; charset=utf-8";
    if (!text && rp->json)
        text = json_dumps(rp->json, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(rp->json);
    rp->json = NULL;
    unsigned status = rp->status ? rp->status : 500;
    void *stream = !text && !shared ? rp->stream_cls : NULL;
    if (rp->stream_cls && !stream && rp->stream_free) /* a body of its own wins */
        rp->stream_free(rp->stream_cls);
    rp->stream_cls = NULL;
    if (!text && !shared && !stream) {
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        ctype = "application/json; charset=utf-8";
        text = strdup("{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
        if (!text)
            return MHD_NO;
    }
    /* a shared text is sent as it is and released when libmicrohttpd is done with it */
    /* a stream is read in chunks of at most 64 KiB, sent chunked (its length is unknown) */
    struct MHD_Response *resp =
        stream   ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, rp->stream_read,
                                                     stream, rp->stream_free)
        : shared ? MHD_create_response_from_buffer_with_free_callback_cls(shared->len, shared->text,
                                                                          shared_done, shared)
                 : MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        mm_shared_unref(shared);
        if (stream && rp->stream_free)
            rp->stream_free(stream);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", ctype);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control",
                            rp->cache_control ? rp->cache_control : "no-store");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    /* pages load their own stylesheet and script (never inline) and post only here */
    MHD_add_response_header(resp, "Content-Security-Policy",
                            rp->html ? "default-src 'none'; style-src 'self'; script-src 'self'; "
                                       "img-src 'self' data:; form-action 'self'; "
                                       "frame-ancestors 'none'; base-uri 'none'"
                                     : "default-src 'none'; frame-ancestors 'none'");
    if (rp->location)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, rp->location);
    for (size_t i = 0; i < 3; i++)
        if (rp->set_cookie_more[i])
            MHD_add_response_header(resp, "Set-Cookie", rp->set_cookie_more[i]);
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (srv->tls)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    if (rp->allow[0])
        MHD_add_response_header(resp, "Allow", rp->allow);
    if (rp->set_cookie)
        MHD_add_response_header(resp, "Set-Cookie", rp->set_cookie);
    if (rp->retry_after > 0) {
        char ra[24];
        snprintf(ra, sizeof ra, "%ld", rp->retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    if (strstr(ctype, "text/csv"))
        MHD_add_response_header(resp, "Content-Disposition",
                                "attachment; filename=\"contractors.csv\"");
    if (rp->taxii_first[0])
        MHD_add_response_header(resp, "X-TAXII-Date-Added-First", rp->taxii_first);
    if (rp->taxii_last[0])
        MHD_add_response_header(resp, "X-TAXII-Date-Added-Last", rp->taxii_last);
    if (rp->www_basic)
        MHD_add_response_header(resp, "WWW-Authenticate", "Basic realm=\"mamori TAXII\"");
    if (rp->close || atomic_load(&srv->stopping))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    free(rp->set_cookie);
    rp->set_cookie = NULL;
    free(rp->location);
    rp->location = NULL;
    for (size_t i = 0; i < 3; i++) {
        free(rp->set_cookie_more[i]);
        rp->set_cookie_more[i] = NULL;
    }
    req->status = status;
    enum MHD_Result r = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result queue_error(struct MHD_Connection *conn, mm_server *srv, request *req,
                                   unsigned status, const char *code, const char *msg)
{
    reply rp = {0};
    reply_error(&rp, status, code, "%s", msg);
    if (taxii_path(req->path)) /* a TAXII error message there (TAXII 2.1 section 3.6.1) */
        taxii_finish(NULL, &rp);
    return queue(conn, srv, req, &rp);
}

/* The request line's path must be plain: no NUL, no control bytes, no "..", not too long. */
static bool plain_path(const char *url)
{
    size_t n = strlen(url);
    if (n == 0 || n > 1024 || url[0] != '/')
        return false;
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
            return false;
    return !strstr(url, "/../") && !strstr(url, "//") &&
           !(n >= 3 && strcmp(url + n - 3, "/..") == 0);
}

/* Header iterator: a NUL or another control byte (except tab) in a name or value makes
 * the request malformed (C strings would silently cut such a value short). */
static enum MHD_Result header_ok(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    bool *bad = cls;
    for (size_t i = 0; i < key_size; i++)
        if ((unsigned char)key[i] <= 0x20 || key[i] == 0x7f)
            *bad = true;
    for (size_t i = 0; value && i < value_size; i++)
        if (((unsigned char)value[i] < 0x20 && value[i] != '\t') || value[i] == 0x7f)
            *bad = true;
    return *bad ? MHD_NO : MHD_YES;
}

static enum MHD_Result answer(struct MHD_Connection *conn, mm_server *srv, request *req,
                              const char *url, const char *method)
{
    if (!plain_path(url))
        return queue_error(conn, srv, req, 400, "bad_request", "malformed path");
    bool bad = false;
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, header_ok, &bad);
    if (bad)
        return queue_error(conn, srv, req, 400, "bad_request",
                           "a header has a control character in its name or value");
    http_req r;
    memset(&r, 0, sizeof r);
    r.srv = srv;
    r.conn = conn;
    r.method = method;
    r.url = url;
    r.body = req->body;
    r.body_len = req->body_bytes;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    r.now_unix = now.tv_sec;
    mm_time_rfc3339(r.now, r.now_unix);
    server_dates(&r, srv->today[0] ? srv->today : r.now);
    reply rp = {0};
    r.version_known = mm_version_watch_get(srv->watch, &r.version);
    r.st = mm_pool_get(srv);
    mm_api_dispatch(&r, &rp);
    mm_pool_put(srv, r.st);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        mm_version_watch_touch(srv->watch);
    json_decref(r.json);
    if (r.form) {
        mm_form_free(r.form);
        free(r.form);
    }
    return queue(conn, srv, req, &rp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    mm_server *srv = cls;
    request *req = *con_cls;
    if (!req) {
        /* first call: the headers are in; the body (if any) follows */
        req = calloc(1, sizeof *req);
        if (!req)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &req->start);
        copy_printable(req->method, sizeof req->method, method);
        copy_printable(req->path, sizeof req->path, url);
        req->counted = true;
        atomic_fetch_add(&srv->in_flight, 1);
        *con_cls = req;
        reply fr = {0};
        if (!framing_ok(conn, url, version, &fr)) {
            req->answered = true;
            return queue(conn, srv, req, &fr);
        }
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end = NULL;
            unsigned long long n = strtoull(cl, &end, 10);
            if (end == cl || *end || n > srv->max_body) {
                req->answered = true;
                return queue_error(conn, srv, req, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large",
                                   "the request body is larger than the limit");
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (req->answered)
            return MHD_YES; /* already answered (413): discard */
        if (req->too_large || req->body_bytes + n > srv->max_body) {
            /* chunked (no Content-Length): read and drop the rest, then answer 413; a body
             * that goes on past twice the limit gets the connection closed */
            req->too_large = true;
            free(req->body);
            req->body = NULL;
            req->dropped += n;
            return req->dropped > 2 * srv->max_body + 65536 ? MHD_NO : MHD_YES;
        }
        char *nb = realloc(req->body, req->body_bytes + n + 1);
        if (!nb)
            return MHD_NO;
        memcpy(nb + req->body_bytes, upload_data, n);
        req->body = nb;
        req->body_bytes += n;
        req->body[req->body_bytes] = '\0';
        return MHD_YES;
    }
    if (req->answered)
        return MHD_YES;
    req->answered = true;
    if (req->too_large)
        return queue_error(conn, srv, req, MHD_HTTP_CONTENT_TOO_LARGE, "payload_too_large",
                           "the request body is larger than the limit");
    return answer(conn, srv, req, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    mm_server *srv = cls;
    request *req = *con_cls;
    if (!req)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - req->start.tv_sec) * 1e3 +
                (double)(now.tv_nsec - req->start.tv_nsec) / 1e6;
    bool ok = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK;
    mm_server_log_request(ok, req->method, req->path, req->status, ms);
    mm_metrics_record(&srv->metrics, req->method, req->path, req->status, ms, ok);
    if (req->counted)
        atomic_fetch_sub(&srv->in_flight, 1);
    free(req->body);
    free(req);
    *con_cls = NULL;
}

/* ---- lifecycle -------------------------------------------------------------------- */

void mm_server_config_init(mm_server_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->listen = "127.0.0.1:8171";
    cfg->threads = 4;
    cfg->max_body = (size_t)16 << 20;
    cfg->timeout_s = 30;
    cfg->max_connections = 256;
}

/* One value of the security policy: the flag's if given, else the profile's ODP, else the
 * fallback; logged with where it came from. */
static long policy_value(const mm_profile *prof, long flag, const char *odp, const char *unit,
                         long fallback, const char *name, json_t *log)
{
    const char *src = "default";
    long v = fallback;
    double n = 0;
    const mm_profile_value *pv = prof ? mm_profile_value_of(prof, odp) : NULL;
    if (flag > 0) {
        v = flag;
        src = "flag";
    } else if (pv && pv->value && mm_odp_number(pv->value, unit, &n) && n >= 1) {
        v = (long)n;
        src = odp;
    }
    json_object_set_new(log, name, json_pack("{s:I,s:s}", "value", (json_int_t)v, "from", src));
    return v;
}

static void set_policy(mm_server *srv, const mm_server_config *cfg)
{
    json_t *log = json_object();
    security_policy *p = &srv->policy;
    const mm_profile *pr = srv->profile;
    p->lockout_attempts = policy_value(pr, cfg->lockout_attempts, "A.03.01.08.ODP.01", NULL, 5,
                                       "lockout_attempts", log);
    p->lockout_window = policy_value(pr, cfg->lockout_window, "A.03.01.08.ODP.02", "second", 300,
                                     "lockout_window_s", log);
    p->lockout_duration = policy_value(pr, cfg->lockout_duration, "A.03.01.08.ODP.04", "second",
                                       900, "lockout_duration_s", log);
    p->idle_timeout = policy_value(pr, cfg->idle_timeout, "A.03.01.10.ODP.02", "second", 900,
                                   "idle_timeout_s", log);
    p->session_lifetime = policy_value(pr, cfg->session_lifetime, "A.03.01.11.ODP.01", "second",
                                       86400, "session_lifetime_s", log);
    mm_server_log_json("info", "security policy", log);
}

/* Parses "HOST:PORT" / "[V6]:PORT" (numeric only) into addr. */
static int parse_listen(struct sockaddr_storage *addr, const char *listen)
{
    char host[64];
    const char *port;
    if (listen[0] == '[') {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':' || (size_t)(close - listen - 1) >= sizeof host)
            goto bad;
        memcpy(host, listen + 1, (size_t)(close - listen - 1));
        host[close - listen - 1] = '\0';
        port = close + 2;
    } else {
        const char *colon = strrchr(listen, ':');
        if (!colon || (size_t)(colon - listen) >= sizeof host || strchr(listen, ':') != colon)
            goto bad;
        memcpy(host, listen, (size_t)(colon - listen));
        host[colon - listen] = '\0';
        port = colon + 1;
    }
    char *end = NULL;
    unsigned long p = strtoul(port, &end, 10);
    if (!port[0] || *end || p > 65535)
        goto bad;
    memset(addr, 0, sizeof *addr);
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)p);
        return MM_OK;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)p);
        return MM_OK;
    }
bad:
    mm_error_set("--listen %s: expected a numeric ADDRESS:PORT such as 127.0.0.1:8171", listen);
    return MM_EUSAGE;
}

static void free_server(mm_server *srv)
{
    federation_free(srv);
    notify_free(srv);
    json_decref(srv->retired_keys);
    mm_version_watch_stop(srv->watch);
    commit_group_free(srv->group);
    for (size_t i = 0; i < srv->pool.nfree; i++)
        mm_store_free(srv->pool.free[i]);
    free(srv->pool.free);
    pthread_mutex_destroy(&srv->pool.lock);
    pthread_cond_destroy(&srv->pool.free_cv);
    mm_catalog_free(srv->r3);
    mm_catalog_free(srv->r2);
    mm_profile_free(srv->profile);
    mm_frameworks_free(srv->frameworks);
    for (size_t i = 0; i < srv->nshown; i++)
        free(srv->shown[i]);
    free(srv->shown);
    sodium_memzero(srv->server_sk, sizeof srv->server_sk);
    free(srv);
}

/* Loads what the server needs besides the network: catalogs, profile, the store pool, the
 * receipt key, the policy. */
/* The frameworks a contractor's status is shown in (comma-separated ids), each loaded. */
static int load_shown(mm_server *srv, const char *list)
{
    for (const char *s = list; s && *s;) {
        size_t n = strcspn(s, ",");
        char id[80];
        snprintf(id, sizeof id, "%.*s", (int)(n < sizeof id ? n : sizeof id - 1), s);
        const mm_pack *p = mm_frameworks_pack(srv->frameworks, id);
        if (!p) {
            mm_error_set("frameworks-shown: unknown framework '%s' (loaded: built-in ones and "
                         "those of --frameworks)",
                         id);
            return MM_EINVALID;
        }
        char **m = realloc(srv->shown, (srv->nshown + 1) * sizeof *m);
        if (!m || !(m[srv->nshown] = strdup(p->id))) {
            if (m)
                srv->shown = m;
            return MM_ENOMEM;
        }
        srv->shown = m;
        srv->nshown++;
        s += n;
        if (*s == ',')
            s++;
    }
    return MM_OK;
}

static int prepare(mm_server *srv, const mm_server_config *cfg)
{
    int rc = mm_catalog_load(&srv->r3, MM_FW_R3, NULL);
    if (rc == MM_OK)
        rc = mm_catalog_load(&srv->r2, MM_FW_R2, NULL);
    if (rc == MM_OK)
        rc = mm_profile_load(&srv->profile, srv->r3, cfg->profile);
    if (rc == MM_OK)
        rc = mm_frameworks_load(&srv->frameworks, cfg->frameworks);
    if (rc == MM_OK)
        rc = load_shown(srv, cfg->frameworks_shown);
    if (rc)
        return rc;
    size_t n = cfg->db_pool ? cfg->db_pool : (size_t)cfg->threads + 1;
    srv->pool.free = calloc(n, sizeof *srv->pool.free);
    if (!srv->pool.free)
        return MM_ENOMEM;
    srv->pool.size = n;
    for (size_t i = 0; i < n; i++) {
        rc = mm_store_open(&srv->pool.free[i], cfg->db);
        if (rc)
            return rc;
        srv->pool.nfree++;
    }
    rc = mm_store_server_key(srv->pool.free[0], srv->server_pk, srv->server_sk);
    if (rc)
        return rc;
    mm_key_id(srv->server_key_id, srv->server_pk);
    rc = mm_store_server_keys_retired(srv->pool.free[0], &srv->retired_keys);
    if (rc)
        return rc;
    size_t ki;
    json_t *k;
    json_array_foreach(srv->retired_keys, ki, k)
    {
        unsigned char pk[32];
        char kid[17] = "";
        const char *b64 = json_string_value(json_object_get(k, "public_key"));
        size_t got = 0;
        if (b64 &&
            sodium_base642bin(pk, sizeof pk, b64, strlen(b64), NULL, &got, NULL,
                              sodium_base64_VARIANT_ORIGINAL) == 0 &&
            got == sizeof pk)
            mm_key_id(kid, pk);
        json_object_set_new(k, "key_id", json_string(kid));
    }
    char pw[40];
    if (mm_password_generate(pw, sizeof pw, 24) != MM_OK ||
        mm_password_hash(srv->dummy_hash, pw) != MM_OK)
        return MM_ENOMEM;
    set_policy(srv, cfg);
    if (!(srv->group = commit_group_new()))
        return MM_ENOMEM;
    return mm_version_watch_start(&srv->watch, cfg->db);
}

/* The daemon on addr, or on the listening socket fd (a reload) when fd is valid; HTTPS when
 * cert is not NULL. */
static struct MHD_Daemon *start_daemon(mm_server *srv, const struct sockaddr *addr, MHD_socket fd,
                                       const char *cert, const char *key)
{
#define DAEMON_OPTIONS                                                                             \
    MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL, MHD_OPTION_THREAD_POOL_SIZE, srv->threads,       \
        MHD_OPTION_CONNECTION_TIMEOUT, srv->timeout_s, MHD_OPTION_CONNECTION_LIMIT,                \
        srv->max_connections, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,                      \
        MHD_OPTION_UNESCAPE_CALLBACK, framing_unescape, NULL,                                      \
        cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert, MHD_OPTION_HTTPS_MEM_KEY, key,    \
        MHD_OPTION_END
    if (fd != MHD_INVALID_SOCKET)
        return MHD_start_daemon(srv->mhd_flags, 0, NULL, NULL, on_request, srv,
                                MHD_OPTION_LISTEN_SOCKET, fd, DAEMON_OPTIONS);
    return MHD_start_daemon(srv->mhd_flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
                            addr, DAEMON_OPTIONS);
#undef DAEMON_OPTIONS
}

int mm_server_start(mm_server **out, const mm_server_config *cfg)
{
    *out = NULL;
    struct sockaddr_storage addr;
    int rc = parse_listen(&addr, cfg->listen);
    if (rc)
        return rc;
    if (cfg->threads < 1 || cfg->threads > 256) {
        mm_error_set("--threads %u: expected 1 to 256", cfg->threads);
        return MM_EUSAGE;
    }
    if (cfg->db_pool > 1024) {
        mm_error_set("--db-pool %u: expected 1 to 1024", cfg->db_pool);
        return MM_EUSAGE;
    }
    if (!cfg->db) {
        mm_error_set("serve: --db is required");
        return MM_EUSAGE;
    }
    if (!cfg->tls_cert != !cfg->tls_key) {
        mm_error_set("--tls-cert and --tls-key go together");
        return MM_EUSAGE;
    }
    char *cert = NULL, *key = NULL;
    size_t cert_len = 0, key_len = 0;
    if (cfg->tls_cert) {
        rc = mm_file_read(&cert, &cert_len, cfg->tls_cert, 1 << 20);
        if (rc == MM_OK)
            rc = mm_file_read(&key, &key_len, cfg->tls_key, 1 << 20);
        if (rc) {
            free(cert);
            return rc;
        }
    }
    mm_server *srv = calloc(1, sizeof *srv);
    if (!srv) {
        free(cert);
        free(key);
        mm_error_set("out of memory");
        return MM_ENOMEM;
    }
    srv->max_body = cfg->max_body;
    srv->incident_hours =
        cfg->incident_hours ? (int)cfg->incident_hours : MM_INCIDENT_DEFAULT_HOURS;
    if (cfg->today && mm_is_date(cfg->today))
        memcpy(srv->today, cfg->today, 11);
    srv->tls = cert != NULL;
    atomic_init(&srv->in_flight, 0);
    mm_metrics_init(&srv->metrics);
    atomic_init(&srv->stopping, false);
    pthread_mutex_init(&srv->pool.lock, NULL);
    pthread_cond_init(&srv->pool.free_cv, NULL);
    rc = prepare(srv, cfg);
    if (rc == MM_OK)
        rc = federation_load(srv, cfg->peers);
    if (rc == MM_OK)
        rc = notify_load(srv, cfg);
    if (rc) {
        free(cert);
        free(key);
        free_server(srv);
        return rc;
    }
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (srv->tls)
        flags |= MHD_USE_TLS;
    srv->mhd_flags = flags;
    srv->threads = cfg->threads;
    srv->timeout_s = cfg->timeout_s;
    srv->max_connections = cfg->max_connections;
    srv->daemon = start_daemon(srv, (struct sockaddr *)&addr, MHD_INVALID_SOCKET, cert, key);
    if (key)
        sodium_memzero(key, key_len);
    free(cert);
    free(key);
    if (!srv->daemon) {
        mm_error_set("%s: cannot listen there (in use, not an address of this host%s)", cfg->listen,
                     srv->tls ? ", or the TLS certificate and key do not load" : "");
        free_server(srv);
        return MM_EIO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    if (info && getsockname(info->listen_fd, (struct sockaddr *)&bound, &blen) == 0)
        srv->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                      : ((struct sockaddr_in *)&bound)->sin_port);
    char host[INET6_ADDRSTRLEN] = "";
    if (addr.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&addr)->sin6_addr, host, sizeof host);
    else
        inet_ntop(AF_INET, &((struct sockaddr_in *)&addr)->sin_addr, host, sizeof host);
    mm_server_log_json("info", "listening",
                       json_pack("{s:s,s:i,s:i,s:i,s:I,s:b,s:s}", "addr", host, "port",
                                 (int)srv->port, "threads", (int)cfg->threads, "db_pool",
                                 (int)srv->pool.size, "max_body", (json_int_t)cfg->max_body, "tls",
                                 srv->tls, "server_key_id", srv->server_key_id));
    web_warm_start(srv);
    federation_start(srv);
    notify_start(srv);
    *out = srv;
    return MM_OK;
}

unsigned mm_server_port(const mm_server *srv)
{
    return srv->port;
}

/* Reads a PEM certificate and key; both are the caller's (the key to be wiped). */
static int read_pem_pair(char **cert, size_t *cert_len, char **key, size_t *key_len,
                         const char *cert_path, const char *key_path)
{
    *cert = *key = NULL;
    int rc = mm_file_read(cert, cert_len, cert_path, 1 << 20);
    if (rc == MM_OK)
        rc = mm_file_read(key, key_len, key_path, 1 << 20);
    if (rc) {
        free(*cert);
        *cert = NULL;
    }
    return rc;
}

int mm_server_reload_tls(mm_server *srv, const char *cert_path, const char *key_path)
{
    if (!srv->tls) {
        mm_error_set("the server was started without TLS: restart it to serve HTTPS");
        return MM_EUSAGE;
    }
    if (!cert_path || !key_path) {
        mm_error_set("--tls-cert and --tls-key go together");
        return MM_EUSAGE;
    }
    char *cert, *key;
    size_t cert_len, key_len;
    int rc = read_pem_pair(&cert, &cert_len, &key, &key_len, cert_path, key_path);
    if (rc)
        return rc;
    /* a trial daemon without a socket or threads: the pair loads, or nothing changes */
    struct MHD_Daemon *trial =
        MHD_start_daemon(MHD_USE_TLS | MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, on_request, srv,
                         MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL, MHD_OPTION_HTTPS_MEM_CERT,
                         cert, MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
    if (!trial) {
        mm_error_set("%s, %s: the TLS certificate and key do not load (still serving the old "
                     "ones)",
                     cert_path, key_path);
        rc = MM_EINVALID;
        goto done;
    }
    MHD_stop_daemon(trial);
    /* the listening socket moves to a new daemon: connections waiting to be accepted stay
     * in its queue, and those already accepted finish on the old daemon */
    struct MHD_Daemon *old = srv->daemon;
    MHD_socket fd = MHD_quiesce_daemon(old);
    if (fd == MHD_INVALID_SOCKET) {
        mm_error_set("cannot take the listening socket over for the reload");
        rc = MM_EIO;
        goto done;
    }
    struct MHD_Daemon *fresh = start_daemon(srv, NULL, fd, cert, key);
    if (!fresh) {
        mm_error_set("cannot start serving with the new TLS certificate");
        rc = MM_EIO;
        goto done;
    }
    srv->daemon = fresh;
    mm_server_log_json("info", "tls reloaded", json_pack("{s:s}", "cert", cert_path));
    struct timespec tick = {0, 20 * 1000 * 1000};
    for (int i = 0; i < DRAIN_SECONDS * 50; i++) {
        const union MHD_DaemonInfo *info =
            MHD_get_daemon_info(old, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (!info || info->num_connections == 0)
            break;
        nanosleep(&tick, NULL);
    }
    MHD_stop_daemon(old);
done:
    sodium_memzero(key, key_len);
    free(cert);
    free(key);
    return rc;
}

void mm_server_stop(mm_server *srv)
{
    if (!srv)
        return;
    atomic_store(&srv->stopping, true);
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon); /* stop accepting */
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    mm_server_log_json("info", "draining",
                       json_pack("{s:i}", "in_flight", atomic_load(&srv->in_flight)));
    struct timespec tick = {0, 20 * 1000 * 1000};
    for (int i = 0; i < DRAIN_SECONDS * 50 && atomic_load(&srv->in_flight) > 0; i++)
        nanosleep(&tick, NULL);
    MHD_stop_daemon(srv->daemon); /* closes idle keep-alive connections, joins threads */
    web_warm_stop(srv);
    federation_stop(srv);
    notify_stop(srv);
    free_server(srv);
}
