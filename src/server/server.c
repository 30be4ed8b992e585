/* mamori serve: the HTTP front end on libmicrohttpd (thread pool, limits, JSON logs). */
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

#include "mamori/server.h"

#define DRAIN_SECONDS 10

struct mm_server {
    struct MHD_Daemon *daemon;
    mm_store *store;
    pthread_mutex_t store_lock; /* one SQLite connection: one request at a time uses it */
    size_t max_body;
    unsigned port;
    atomic_int in_flight; /* requests begun and not yet completed */
    atomic_bool stopping;
};

/* Per-request state, freed when MHD reports the request completed. */
typedef struct request {
    struct timespec start;
    char method[16];
    char path[256];
    unsigned status;
    size_t body_bytes;
    bool counted;
} request;

/* ---- logging ---------------------------------------------------------------------- */

static void timestamp(char out[32])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    char base[24];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 32, "%s.%03ldZ", base, ts.tv_nsec / 1000000);
}

/* Emits obj (stolen) with ts, level and msg added, as one line. */
static void log_json(const char *level, const char *msg, json_t *obj)
{
    char ts[32];
    timestamp(ts);
    json_t *o = json_object();
    if (!o) {
        json_decref(obj);
        return;
    }
    json_object_set_new(o, "ts", json_string(ts));
    json_object_set_new(o, "level", json_string(level));
    json_object_set_new(o, "msg", json_string(msg));
    if (obj)
        json_object_update(o, obj);
    json_decref(obj);
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
    json_decref(o);
    if (line) {
        fprintf(stderr, "%s\n", line); /* one stdio call: lines never interleave */
        free(line);
    }
}

void mm_server_log(const char *level, const char *msg)
{
    log_json(level, msg, NULL);
}

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
    log_json("warn", msg, NULL);
}

/* Copies untrusted text for the log: printable ASCII only, cut to the buffer. */
static void copy_printable(char *out, size_t size, const char *in)
{
    size_t i = 0;
    for (; in && in[i] && i + 1 < size; i++)
        out[i] = ((unsigned char)in[i] < 0x20 || (unsigned char)in[i] > 0x7e) ? '?' : in[i];
    out[i] = '\0';
}

/* ---- responses -------------------------------------------------------------------- */

static enum MHD_Result respond(struct MHD_Connection *conn, mm_server *srv, request *req,
                               unsigned status, json_t *body, const char *allow)
{
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(body);
    if (!text) {
        status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        text = strdup("{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
        if (!text)
            return MHD_NO;
    }
    size_t len = strlen(text);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (allow)
        MHD_add_response_header(resp, "Allow", allow);
    if (atomic_load(&srv->stopping))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    req->status = status;
    enum MHD_Result r = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

static const char *error_code(unsigned status)
{
    switch (status) {
    case 400:
        return "bad_request";
    case 404:
        return "not_found";
    case 405:
        return "method_not_allowed";
    case 413:
        return "payload_too_large";
    case 503:
        return "unavailable";
    default:
        return status >= 500 ? "internal" : "error";
    }
}

/* The one way every error is answered: {"error": {"code", "message"}}. */
static enum MHD_Result respond_error(struct MHD_Connection *conn, mm_server *srv, request *req,
                                     unsigned status, const char *message, const char *allow)
{
    json_t *body =
        json_pack("{s:{s:s,s:s}}", "error", "code", error_code(status), "message", message);
    return respond(conn, srv, req, status, body, allow);
}

/* ---- endpoints -------------------------------------------------------------------- */

static int schema_version(mm_server *srv, int *out)
{
    pthread_mutex_lock(&srv->store_lock);
    int rc = mm_store_schema_version(srv->store, out);
    pthread_mutex_unlock(&srv->store_lock);
    return rc;
}

typedef enum route { ROUTE_NONE, ROUTE_HEALTHZ, ROUTE_READYZ, ROUTE_VERSION } route;

static route find_route(const char *url)
{
    if (!strcmp(url, "/healthz"))
        return ROUTE_HEALTHZ;
    if (!strcmp(url, "/readyz"))
        return ROUTE_READYZ;
    if (!strcmp(url, "/api/v1/version"))
        return ROUTE_VERSION;
    return ROUTE_NONE;
}

static enum MHD_Result serve_route(struct MHD_Connection *conn, mm_server *srv, request *req,
                                   route rt)
{
    int version = 0;
    switch (rt) {
    case ROUTE_HEALTHZ:
        return respond(conn, srv, req, MHD_HTTP_OK, json_pack("{s:s}", "status", "ok"), NULL);
    case ROUTE_READYZ:
        if (schema_version(srv, &version) != MM_OK)
            return respond_error(conn, srv, req, MHD_HTTP_SERVICE_UNAVAILABLE,
                                 "the store does not answer", NULL);
        return respond(conn, srv, req, MHD_HTTP_OK,
                       json_pack("{s:s,s:i}", "status", "ready", "schema", version), NULL);
    case ROUTE_VERSION:
        if (schema_version(srv, &version) != MM_OK)
            return respond_error(conn, srv, req, MHD_HTTP_SERVICE_UNAVAILABLE,
                                 "the store does not answer", NULL);
        return respond(conn, srv, req, MHD_HTTP_OK,
                       json_pack("{s:s,s:i}", "mamori", MM_VERSION, "schema", version), NULL);
    case ROUTE_NONE:
        break;
    }
    return respond_error(conn, srv, req, MHD_HTTP_NOT_FOUND, "no such resource", NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
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
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end = NULL;
            unsigned long long n = strtoull(cl, &end, 10);
            if (end == cl || *end || n > srv->max_body)
                return respond_error(conn, srv, req, MHD_HTTP_CONTENT_TOO_LARGE,
                                     "the request body is larger than the limit", NULL);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        /* no endpoint takes a body yet: count and discard it */
        req->body_bytes += *upload_data_size;
        *upload_data_size = 0;
        if (req->body_bytes > srv->max_body) {
            req->status = MHD_HTTP_CONTENT_TOO_LARGE; /* chunked: cannot answer mid-body */
            return MHD_NO;
        }
        return MHD_YES;
    }
    route rt = find_route(url);
    if (rt != ROUTE_NONE && strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
        strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return respond_error(conn, srv, req, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed here",
                             "GET, HEAD");
    return serve_route(conn, srv, req, rt);
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
    json_t *f = json_pack("{s:s,s:s,s:i,s:f}", "method", req->method, "path", req->path, "status",
                          (int)req->status, "duration_ms", ms);
    log_json(ok ? "info" : "warn", ok ? "request" : "request aborted", f);
    if (req->counted)
        atomic_fetch_sub(&srv->in_flight, 1);
    free(req);
    *con_cls = NULL;
}

/* ---- lifecycle -------------------------------------------------------------------- */

void mm_server_config_init(mm_server_config *cfg)
{
    cfg->listen = "127.0.0.1:8171";
    cfg->threads = 4;
    cfg->max_body = (size_t)16 << 20;
    cfg->timeout_s = 30;
    cfg->max_connections = 256;
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

int mm_server_start(mm_server **out, mm_store *store, const mm_server_config *cfg)
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
    mm_server *srv = calloc(1, sizeof *srv);
    if (!srv) {
        mm_error_set("out of memory");
        return MM_ENOMEM;
    }
    srv->store = store;
    srv->max_body = cfg->max_body;
    atomic_init(&srv->in_flight, 0);
    atomic_init(&srv->stopping, false);
    pthread_mutex_init(&srv->store_lock, NULL);
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned int)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_connections,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
    if (!srv->daemon) {
        mm_error_set("%s: cannot listen there (in use, or not an address of this host)",
                     cfg->listen);
        pthread_mutex_destroy(&srv->store_lock);
        free(srv);
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
    log_json("info", "listening",
             json_pack("{s:s,s:i,s:i,s:I}", "addr", host, "port", (int)srv->port, "threads",
                       (int)cfg->threads, "max_body", (json_int_t)cfg->max_body));
    *out = srv;
    return MM_OK;
}

unsigned mm_server_port(const mm_server *srv)
{
    return srv->port;
}

void mm_server_stop(mm_server *srv)
{
    if (!srv)
        return;
    atomic_store(&srv->stopping, true);
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon); /* stop accepting */
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    log_json("info", "draining", json_pack("{s:i}", "in_flight", atomic_load(&srv->in_flight)));
    struct timespec tick = {0, 20 * 1000 * 1000};
    for (int i = 0; i < DRAIN_SECONDS * 50 && atomic_load(&srv->in_flight) > 0; i++)
        nanosleep(&tick, NULL);
    MHD_stop_daemon(srv->daemon); /* closes idle keep-alive connections, joins threads */
    pthread_mutex_destroy(&srv->store_lock);
    free(srv);
}
