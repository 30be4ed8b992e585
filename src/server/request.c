/* mamori serve: a request and its answer: the JSON log lines, the replies (reply_*), the
 * request's query and headers (req_*), the failures of domain actions (act_failed,
 * reply_fail) and the pool of store connections. Everything else in src/server uses these;
 * they use nothing else of src/server. */
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/internal.h"
#include "util/util.h"

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
    /* ASCII only: every non-ASCII character, bidi controls included, as \uXXXX, so no log
     * viewer reorders a line (docs/operations.md) */
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII |
                                   JSON_REAL_PRECISION(6));
    json_decref(o);
    if (line) {
        fprintf(stderr, "%s\n", line); /* one stdio call: lines never interleave */
        free(line);
    }
}

/* Appends s to buf at *o as a JSON string's contents (s is printable ASCII: only '"' and
 * '\\' need escaping); false when it does not fit in size. */
static bool put_json_chars(char *buf, size_t size, size_t *o, const char *s)
{
    for (; *s; s++) {
        if (*o + 2 >= size)
            return false;
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf[(*o)++] = '\\';
        buf[(*o)++] = (c < 0x20 || c > 0x7e) ? '?' : (char)c;
    }
    return true;
}

static bool put_lit(char *buf, size_t size, size_t *o, const char *s, size_t n)
{
    if (*o + n >= size)
        return false;
    memcpy(buf + *o, s, n);
    *o += n;
    return true;
}
#define PUT_LIT(s) put_lit(line, sizeof line, &o, s, sizeof s - 1)

/* Writes v (< 10^digits) as exactly digits decimal digits. */
static void put_digits(char *p, unsigned long v, int digits)
{
    for (int i = digits - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void mm_server_log_request(bool ok, const char *method, const char *path, unsigned status,
                           double ms)
{
    char line[768];
    size_t o = 0;
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    /* {"ts":"YYYY-MM-DDTHH:MM:SS.mmmZ" */
    char t[] = "{\"ts\":\"0000-00-00T00:00:00.000Z\",\"level\":\"";
    put_digits(t + 7, (unsigned long)tm.tm_year + 1900, 4);
    put_digits(t + 12, (unsigned long)tm.tm_mon + 1, 2);
    put_digits(t + 15, (unsigned long)tm.tm_mday, 2);
    put_digits(t + 18, (unsigned long)tm.tm_hour, 2);
    put_digits(t + 21, (unsigned long)tm.tm_min, 2);
    put_digits(t + 24, (unsigned long)tm.tm_sec, 2);
    put_digits(t + 27, (unsigned long)(ts.tv_nsec / 1000000), 3);
    bool fits = put_lit(line, sizeof line, &o, t, sizeof t - 1);
    fits = fits && (ok ? PUT_LIT("info\",\"msg\":\"request\",\"method\":\"")
                       : PUT_LIT("warn\",\"msg\":\"request aborted\",\"method\":\""));
    fits = fits && put_json_chars(line, sizeof line, &o, method) && PUT_LIT("\",\"path\":\"") &&
           put_json_chars(line, sizeof line, &o, path) && PUT_LIT("\",\"status\":");
    /* the status (3 digits) and the duration in ms with 3 decimals: a JSON number */
    if (ms < 0)
        ms = 0;
    unsigned long us = ms < 4e9 ? (unsigned long)(ms * 1000.0 + 0.5) : 4000000000000UL;
    char num[64];
    size_t n = 0;
    char digits[24];
    int nd = 0;
    for (unsigned long v = status > 999 ? 999 : status; nd == 0 || v; v /= 10)
        digits[nd++] = (char)('0' + v % 10);
    while (nd)
        num[n++] = digits[--nd];
    memcpy(num + n, ",\"duration_ms\":", 15);
    n += 15;
    for (unsigned long v = us / 1000; nd == 0 || v; v /= 10)
        digits[nd++] = (char)('0' + v % 10);
    while (nd)
        num[n++] = digits[--nd];
    num[n++] = '.';
    put_digits(num + n, us % 1000, 3);
    n += 3;
    memcpy(num + n, "}\n", 2);
    n += 2;
    fits = fits && put_lit(line, sizeof line, &o, num, n);
    if (!fits) { /* a path too long for the buffer: the general way */
        mm_server_log_json(ok ? "info" : "warn", ok ? "request" : "request aborted",
                           json_pack("{s:s,s:s,s:i,s:f}", "method", method, "path", path, "status",
                                     (int)status, "duration_ms", ms));
        return;
    }
    fwrite(line, 1, o, stderr); /* one write (stderr is unbuffered): lines never interleave */
}

void mm_server_log(const char *level, const char *msg)
{
    log_json(level, msg, NULL);
}

void mm_server_log_json(const char *level, const char *msg, json_t *obj)
{
    log_json(level, msg, obj);
}

/* ---- replies ---------------------------------------------------------------------- */

mm_shared_text *mm_shared_new(const char *text, size_t len)
{
    mm_shared_text *t = malloc(sizeof *t + len + 1);
    if (!t)
        return NULL;
    atomic_init(&t->refs, 1);
    t->len = len;
    memcpy(t->text, text, len);
    t->text[len] = '\0';
    return t;
}

mm_shared_text *mm_shared_ref(mm_shared_text *t)
{
    if (t)
        atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
    return t;
}

void mm_shared_unref(mm_shared_text *t)
{
    if (t && atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) == 1)
        free(t);
}

void reply_json(reply *out, unsigned status, json_t *body)
{
    json_decref(out->json);
    out->status = body ? status : 500;
    out->json = body;
}

void reply_error(reply *out, unsigned status, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    free(out->text);
    out->text = NULL;
    mm_shared_unref(out->shared);
    out->shared = NULL;
    reply_json(out, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
}

void mm_best_effort(int rc, const char *what)
{
    if (rc != MM_OK)
        mm_server_log_json("warn", "store write failed",
                           json_pack("{s:s,s:s}", "what", what, "error", mm_error_last()));
}

void reply_store_error(reply *out, int rc)
{
    switch (rc) {
    case MM_ENOTFOUND:
        reply_error(out, 404, "not_found", "no such resource");
        break;
    /* the store's own messages may name the database file or SQL: they go to the log,
     * the client gets a plain one (handlers check what users can get wrong beforehand) */
    case MM_ECONFLICT:
        mm_server_log_json("warn", "store conflict", json_pack("{s:s}", "error", mm_error_last()));
        reply_error(out, 409, "conflict", "that already exists");
        break;
    /* a rule of the stored data (a constraint of the schema or a check of the store): the
     * store's message names the rule and never the database (sqlite.c, postgres.c) */
    case MM_EINVALID:
    case MM_EUSAGE:
        mm_server_log_json("warn", "store refused", json_pack("{s:s}", "error", mm_error_last()));
        reply_error(out, 422, "rule_broken", "a rule of the stored data is broken: %.400s",
                    mm_error_last()[0] ? mm_error_last() : "(no message)");
        break;
    default:
        mm_server_log_json("error", "store", json_pack("{s:s}", "error", mm_error_last()));
        reply_error(out, 503, "unavailable", "the store failed; try again");
        break;
    }
}

int act_failed(act_fail *f, act_kind kind, int rc, const char *fmt, ...)
{
    f->kind = kind;
    f->rc = rc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof f->msg, fmt, ap);
    va_end(ap);
    return rc;
}

void reply_fail(reply *out, const act_fail *f)
{
    static const struct {
        unsigned status;
        const char *code;
    } map[] = {
        [ACT_OK] = {500, "internal"},
        [ACT_INVALID] = {400, "bad_request"},
        [ACT_UNAUTHENTICATED] = {401, "unauthenticated"},
        [ACT_FORBIDDEN] = {403, "forbidden"},
        [ACT_NOT_FOUND] = {404, "not_found"},
        [ACT_CONFLICT] = {409, "conflict"},
        [ACT_LOCKED] = {423, "locked"},
        [ACT_TOO_BIG] = {413, "payload_too_large"},
        [ACT_UNPROCESSABLE] = {422, "invalid_submission"},
        [ACT_INTERNAL] = {500, "internal"},
        [ACT_BUSY] = {503, "unavailable"},
    };
    if (f->kind == ACT_STORE || f->kind == ACT_OK) {
        if (f->msg[0]) /* the message recorded when it failed, not a later one */
            mm_error_set("%s", f->msg);
        reply_store_error(out, f->rc ? f->rc : MM_ERROR);
        return;
    }
    out->retry_after = f->retry_after;
    reply_error(out, map[f->kind].status, map[f->kind].code, "%s", f->msg);
}

const char *req_query(http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int req_store_version(http_req *r, int64_t *out)
{
    if (!r->version_known) {
        int rc = mm_store_audit_head(r->st, &r->version);
        if (rc != MM_OK)
            return rc;
        r->version_known = true;
    }
    *out = r->version;
    return MM_OK;
}

/* ---- the store pool --------------------------------------------------------------- */

mm_store *mm_pool_get(mm_server *srv)
{
    store_pool *p = &srv->pool;
    pthread_mutex_lock(&p->lock);
    p->waiting++;
    while (p->nfree == 0)
        pthread_cond_wait(&p->free_cv, &p->lock);
    p->waiting--;
    mm_store *st = p->free[--p->nfree];
    pthread_mutex_unlock(&p->lock);
    return st;
}

void mm_pool_put(mm_server *srv, mm_store *st)
{
    store_pool *p = &srv->pool;
    pthread_mutex_lock(&p->lock);
    p->free[p->nfree++] = st;
    pthread_cond_signal(&p->free_cv);
    pthread_mutex_unlock(&p->lock);
}
