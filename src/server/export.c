/* mamori serve: the contractor list as CSV (export.h). The streamed export reads the list a
 * page of EXPORT_PAGE rows at a time, each with a store connection taken from the pool for
 * that page alone, so a slow download holds no connection; each page is its own read, so a
 * contractor changed between two pages can move across them (docs/api.md says so). */
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
 * connection, store or body), the query with its own copies of the filter values, and the
 * text of the page read last, sent from pos. */
#define NOWN 16
typedef struct export_stream {
    http_req r;
    mm_org_query q;
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
        int rc = export_page(x, st);
        mm_pool_put(x->r.srv, st);
        if (rc != MM_OK) {
            /* the response is cut short: the client sees an unfinished chunked body */
            mm_server_log_json("error", "contractor export failed",
                               json_pack("{s:s}", "error", mm_error_last()));
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
    }
    size_t n = x->text.len - x->pos < max ? x->text.len - x->pos : max;
    memcpy(buf, x->text.data + x->pos, n);
    x->pos += n;
    return (ssize_t)n;
}

void h_contractors_export(http_req *r, reply *out)
{
    const char *sort = req_query(r, "sort"), *order = req_query(r, "order");
    list_filter f;
    list_filter_read(&f, r);
    export_stream *x = calloc(1, sizeof *x);
    if (!x) {
        reply_error(out, 500, "internal", "out of memory");
        return;
    }
    x->r = *r;
    x->r.conn = NULL;
    x->r.st = NULL;
    x->r.body = NULL;
    x->r.json = NULL;
    x->r.form = NULL;
    memset(x->r.param, 0, sizeof x->r.param);
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
    /* the first page now, on the request's connection: a failing store is a 503, not a
     * cut stream */
    int rc = MM_OK;
    if (ok) {
        contractors_csv_header(&x->text);
        rc = export_page(x, r->st);
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
