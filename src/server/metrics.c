/* mamori serve: GET /metrics, the server's counters in the Prometheus text exposition format
 * (version 0.0.4): requests by status class, their latency as a histogram, submissions taken
 * in or refused, errors, and the queues (requests in flight, store connections idle and
 * requests waiting for one). Counters are per process, from its start (Prometheus' rate()
 * copes with restarts); who may read them: docs/api.md, "Monitoring". */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/internal.h"
#include "util/util.h"

/* seconds; the last bucket, +Inf, is the count */
static const double bounds[MM_METRICS_BUCKETS] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                  0.5,   1,    2.5,   5,    10};

void mm_metrics_init(server_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->started = (long long)time(NULL);
}

void mm_metrics_record(server_metrics *m, const char *method, const char *path, unsigned status,
                       double ms, bool completed)
{
    unsigned cls = status >= 100 && status < 600 ? status / 100 : 0;
    atomic_fetch_add(&m->requests[cls], 1);
    if (!completed)
        atomic_fetch_add(&m->aborted, 1);
    double s = ms / 1e3;
    size_t b = 0;
    while (b < MM_METRICS_BUCKETS && s > bounds[b])
        b++;
    if (b < MM_METRICS_BUCKETS)
        atomic_fetch_add(&m->buckets[b], 1);
    atomic_fetch_add(&m->count, 1);
    atomic_fetch_add(&m->sum_us, (unsigned long long)(ms * 1e3));
    if (strcmp(method, "POST") == 0 && strcmp(path, "/api/v1/submissions") == 0)
        atomic_fetch_add(&m->submissions[status == 201 ? 0 : cls == 4 ? 1 : 2], 1);
}

void h_metrics(http_req *r, reply *out)
{
    mm_server *srv = r->srv;
    server_metrics *m = &srv->metrics;
    mm_buf b = MM_BUF_INIT;
    mm_buf_printf(&b, "# HELP mamori_http_requests_total HTTP requests answered, by status "
                      "class.\n# TYPE mamori_http_requests_total counter\n");
    static const char *const cls[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
    for (size_t i = 0; i < 6; i++)
        mm_buf_printf(&b, "mamori_http_requests_total{code=\"%s\"} %llu\n", cls[i],
                      (unsigned long long)atomic_load(&m->requests[i]));
    mm_buf_printf(&b,
                  "# HELP mamori_http_errors_total Requests answered 5xx (server) or whose "
                  "connection ended before the answer was sent (aborted).\n"
                  "# TYPE mamori_http_errors_total counter\n"
                  "mamori_http_errors_total{kind=\"server\"} %llu\n"
                  "mamori_http_errors_total{kind=\"aborted\"} %llu\n",
                  (unsigned long long)atomic_load(&m->requests[5]),
                  (unsigned long long)atomic_load(&m->aborted));
    mm_buf_printf(&b, "# HELP mamori_http_request_duration_seconds Time from a request's "
                      "headers to the end of its answer.\n"
                      "# TYPE mamori_http_request_duration_seconds histogram\n");
    unsigned long long cum = 0, count = atomic_load(&m->count);
    for (size_t i = 0; i < MM_METRICS_BUCKETS; i++) {
        cum += atomic_load(&m->buckets[i]);
        mm_buf_printf(&b, "mamori_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                      bounds[i], cum < count ? cum : count);
    }
    mm_buf_printf(&b,
                  "mamori_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                  "mamori_http_request_duration_seconds_sum %.6f\n"
                  "mamori_http_request_duration_seconds_count %llu\n",
                  count, (double)atomic_load(&m->sum_us) / 1e6, count);
    static const char *const res[] = {"accepted", "refused", "failed"};
    mm_buf_printf(&b, "# HELP mamori_submissions_total Signed submissions (POST "
                      "/api/v1/submissions): accepted (201), refused (4xx), failed (5xx).\n"
                      "# TYPE mamori_submissions_total counter\n");
    for (size_t i = 0; i < 3; i++)
        mm_buf_printf(&b, "mamori_submissions_total{result=\"%s\"} %llu\n", res[i],
                      (unsigned long long)atomic_load(&m->submissions[i]));
    mm_buf_printf(&b,
                  "# HELP mamori_page_cache_total The authority's aggregate pages answered "
                  "from the cache (hit) or built (miss).\n"
                  "# TYPE mamori_page_cache_total counter\n"
                  "mamori_page_cache_total{result=\"hit\"} %llu\n"
                  "mamori_page_cache_total{result=\"miss\"} %llu\n",
                  (unsigned long long)atomic_load(&m->page_cache[0]),
                  (unsigned long long)atomic_load(&m->page_cache[1]));
    pthread_mutex_lock(&srv->pool.lock);
    size_t idle = srv->pool.nfree, waiting = srv->pool.waiting, size = srv->pool.size;
    pthread_mutex_unlock(&srv->pool.lock);
    mm_buf_printf(&b,
                  "# HELP mamori_http_requests_in_flight Requests being read or answered.\n"
                  "# TYPE mamori_http_requests_in_flight gauge\n"
                  "mamori_http_requests_in_flight %d\n"
                  "# HELP mamori_db_pool_connections Store connections in the pool.\n"
                  "# TYPE mamori_db_pool_connections gauge\n"
                  "mamori_db_pool_connections %zu\n"
                  "# HELP mamori_db_pool_idle Store connections free for a request.\n"
                  "# TYPE mamori_db_pool_idle gauge\n"
                  "mamori_db_pool_idle %zu\n"
                  "# HELP mamori_db_pool_waiting Requests waiting for a store connection (the "
                  "queue).\n"
                  "# TYPE mamori_db_pool_waiting gauge\n"
                  "mamori_db_pool_waiting %zu\n"
                  "# HELP mamori_build_info The running version.\n"
                  "# TYPE mamori_build_info gauge\n"
                  "mamori_build_info{version=\"%s\"} 1\n"
                  "# HELP process_start_time_seconds Start time of the process (Unix time).\n"
                  "# TYPE process_start_time_seconds gauge\n"
                  "process_start_time_seconds %lld\n",
                  atomic_load(&srv->in_flight), size, idle, waiting, MM_VERSION, m->started);
    if (!b.data) {
        reply_error(out, 500, "internal", "out of memory");
        return;
    }
    out->status = 200;
    out->text = b.data; /* the reply's now */
    out->ctype = "text/plain; version=0.0.4; charset=utf-8";
}
