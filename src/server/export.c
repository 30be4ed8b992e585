/* mamori serve: the contractor list and the audit log as CSV (export.h). The streamed export
 * reads the list a page of EXPORT_PAGE rows (the audit log's: MM_AUDIT_PAGE_MAX) at a time, each
 * with a store connection taken from the pool for that page alone, so a slow download holds no
 * connection; each page is its own read, so a contractor changed between two pages can move across
 * them (docs/api.md says so). */
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "server/export.h"
#include "server/list_filter.h"

void contractors_csv_header(mm_buf *b)
{
    mm_buf_puts(b, "id,name,identifiers,parent_id,status,score,framework,assessed,received,"
                   "affirmed_by,last_affirmed,affirmation_due_by,affirmation_due,"
                   "affirmation_overdue\r\n");
}

void contractors_csv_row(mm_buf *b, const json_t *it)
{
    json_t *l = json_object_get(it, "latest");
    char *ids = json_dumps(json_object_get(it, "identifiers"), JSON_COMPACT | JSON_SORT_KEYS);
    char score[24] = "";
    if (json_is_integer(json_object_get(l, "score")))
        snprintf(score, sizeof score, "%lld",
                 (long long)json_integer_value(json_object_get(l, "score")));
    const char *cols[] = {
        json_string_value(json_object_get(it, "id")),
        json_string_value(json_object_get(it, "name")),
        ids,
        json_string_value(json_object_get(it, "parent_id")),
        json_is_object(l) ? json_string_value(json_object_get(l, "status")) : "none",
        score,
        json_string_value(json_object_get(l, "framework")),
        json_string_value(json_object_get(l, "assessed")),
        json_string_value(json_object_get(l, "received")),
        json_string_value(json_object_get(l, "affirmed_by")),
        json_string_value(json_object_get(it, "last_affirmed")),
        json_string_value(json_object_get(it, "affirmation_due_by")),
        json_is_true(json_object_get(it, "affirmation_due")) ? "true" : "false",
        json_is_true(json_object_get(it, "affirmation_overdue")) ? "true" : "false",
    };
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        if (c)
            mm_buf_putc(b, ',');
        mm_buf_put_csv(b, cols[c] ? cols[c] : "");
    }
    mm_buf_puts(b, "\r\n");
    free(ids);
}

/* The state of one streamed export: the request's dates (a copy of the request without its
 * connection, store or body), the query (the contractors' or the audit log's) with its own
 * copies of the filter values, the function that appends its next page, and the text of the
 * page read last, sent from pos. */
#define NOWN 16
typedef struct export_stream {
    http_req r;
    mm_org_query q;
    mm_audit_filter af;
    int (*page)(struct export_stream *x, mm_store *st);
    const char *what; /* for the log: "contractor export" */
    char *own[NOWN];
    mm_buf text;
    size_t pos;
    bool done;
} export_stream;

static void export_free(void *cls)
{
    export_stream *x = cls;
    if (!x)
        return;
    for (size_t i = 0; i < NOWN; i++)
        free(x->own[i]);
    mm_buf_free(&x->text);
    free(x);
}

/* A copy of v owned by x (NULL stays NULL); false when out of memory. */
static bool own(export_stream *x, const char **v)
{
    if (!*v)
        return true;
    for (size_t i = 0; i < NOWN; i++)
        if (!x->own[i]) {
            *v = x->own[i] = strdup(*v);
            return *v != NULL;
        }
    return false;
}

/* The next page of rows appended to x->text, read on st: MM_OK (done set after the last
 * page), or the store's code. */
static int export_page(export_stream *x, mm_store *st)
{
    json_t *res = NULL;
    int rc = mm_store_list_orgs(st, &res, &x->q);
    if (rc)
        return rc;
    json_t *items = json_object_get(res, "items");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        affirmation_annotate(&x->r, it);
        contractors_csv_row(&x->text, it);
    }
    x->q.offset += (int64_t)json_array_size(items);
    x->done = json_array_size(items) < (size_t)x->q.limit;
    json_decref(res);
    if (x->text.failed)
        mm_error_set("out of memory");
    return x->text.failed ? MM_ENOMEM : MM_OK;
}

static ssize_t export_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    export_stream *x = cls;
    while (x->pos >= x->text.len) {
        if (x->done)
            return MHD_CONTENT_READER_END_OF_STREAM;
        mm_buf_free(&x->text);
        x->text = (mm_buf){0};
        x->pos = 0;
        mm_store *st = mm_pool_get(x->r.srv);
        int rc = x->page(x, st);
        mm_pool_put(x->r.srv, st);
        if (rc != MM_OK) {
            /* the response is cut short: the client sees an unfinished chunked body */
            mm_server_log_json("error", "export failed",
                               json_pack("{s:s,s:s}", "export", x->what, "error", mm_error_last()));
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
    }
    size_t n = x->text.len - x->pos < max ? x->text.len - x->pos : max;
    memcpy(buf, x->text.data + x->pos, n);
    x->pos += n;
    return (ssize_t)n;
}

/* A new stream for r (a copy of the request without its connection, store or body), or NULL
 * (out of memory). */
static export_stream *export_new(http_req *r, int (*page)(export_stream *, mm_store *),
                                 const char *what)
{
    export_stream *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->r = *r;
    x->r.conn = NULL;
    x->r.st = NULL;
    x->r.body = NULL;
    x->r.json = NULL;
    x->r.form = NULL;
    memset(x->r.param, 0, sizeof x->r.param);
    x->page = page;
    x->what = what;
    return x;
}

/* The first page (after the header) now, on the request's connection, so that a failing store
 * is a 503, not a cut stream; then the rest streamed. ok: the filter's values were copied. */
static void export_start(http_req *r, reply *out, export_stream *x, bool ok,
                         void (*header)(mm_buf *))
{
    int rc = MM_OK;
    if (ok) {
        header(&x->text);
        rc = x->page(x, r->st);
    }
    if (rc || !ok) {
        export_free(x);
        if (ok)
            reply_store_error(out, rc);
        else
            reply_error(out, 500, "internal", "out of memory");
        return;
    }
    out->status = 200;
    out->ctype = "text/csv; charset=utf-8";
    out->stream_read = export_read;
    out->stream_free = export_free;
    out->stream_cls = x;
}

void h_contractors_export(http_req *r, reply *out)
{
    const char *sort = req_query(r, "sort"), *order = req_query(r, "order");
    list_filter f;
    list_filter_read(&f, r);
    export_stream *x = export_new(r, export_page, "contractor export");
    if (!x) {
        reply_error(out, 500, "internal", "out of memory");
        return;
    }
    x->q = (mm_org_query){.kind = "contractor",
                          .sort = sort && sort[0] ? sort : "name",
                          .desc = mm_streq(order, "desc"),
                          .limit = EXPORT_PAGE,
                          .no_total = true};
    list_filter_query(&f, &x->r, &x->q); /* the dates point into x->r */
    const char **v[] = {
        &x->q.q,           &x->q.status,        &x->q.affirmation, &x->q.framework,
        &x->q.sector,      &x->q.supply,        &x->q.supplier_of, &x->q.assessed_from,
        &x->q.assessed_to, &x->q.received_from, &x->q.received_to, &x->q.sort};
    bool ok = true;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        ok = ok && own(x, v[i]);
    export_start(r, out, x, ok, contractors_csv_header);
}

/* ---- the audit log (GET /api/v1/audit.csv) ---------------------------------------------- */

static void audit_csv_header(mm_buf *b)
{
    mm_buf_puts(b, "id,ts,actor,action,org_id,org_name,object,detail\r\n");
}

/* The next page of the log's records (keyset: below the last one sent). */
static int audit_export_page(export_stream *x, mm_store *st)
{
    json_t *res = NULL;
    int rc = audit_page(st, &x->af, &res);
    if (rc)
        return rc;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(res, "items"), i, it)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(it, "id")));
        char *d = json_dumps(json_object_get(it, "detail"), JSON_COMPACT | JSON_SORT_KEYS);
        const char *cols[] = {id,
                              json_string_value(json_object_get(it, "ts")),
                              json_string_value(json_object_get(it, "actor")),
                              json_string_value(json_object_get(it, "action")),
                              json_string_value(json_object_get(it, "org_id")),
                              json_string_value(json_object_get(it, "org_name")),
                              json_string_value(json_object_get(it, "object")),
                              d};
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            if (c)
                mm_buf_putc(&x->text, ',');
            mm_buf_put_csv(&x->text, cols[c] ? cols[c] : "");
        }
        mm_buf_puts(&x->text, "\r\n");
        free(d);
    }
    json_t *older = json_object_get(res, "older");
    x->done = !json_is_integer(older);
    x->af.before = json_integer_value(older);
    json_decref(res);
    if (x->text.failed)
        mm_error_set("out of memory");
    return x->text.failed ? MM_ENOMEM : MM_OK;
}

void h_audit_export(http_req *r, reply *out)
{
    export_stream *x = export_new(r, audit_export_page, "audit export");
    if (!x) {
        reply_error(out, 500, "internal", "out of memory");
        return;
    }
    audit_filter_read(r, &x->af);
    x->af.before = x->af.after = 0;
    x->af.limit = MM_AUDIT_PAGE_MAX;
    const char **v[] = {&x->af.actor, &x->af.action, &x->af.org_id, &x->af.from, &x->af.to};
    bool ok = true;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        ok = ok && own(x, v[i]);
    /* from after to: the API's 400, before anything is streamed */
    if (ok && x->af.from && x->af.to && strcmp(x->af.from, x->af.to) > 0) {
        reply_error(out, 400, "bad_request", "?from: %s is after to (%s)", x->af.from, x->af.to);
        export_free(x);
        return;
    }
    export_start(r, out, x, ok, audit_csv_header);
}
