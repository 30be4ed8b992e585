/* A customer's suppliers at every tier the reader may see, with each edge's tier and
 * flow-down check: the one view the API, the dashboard and `mamori graph suppliers` show.
 *
 * The authority's tree below a prime is thousands of edges (docs/benchmarks.md, "The supply
 * chain's queries"), and a request shows one page of it: the edges are read from the store's
 * row callback into an arena (no JSON), tiered and checked there, counted and filtered, and
 * JSON is built for the page's items only. */
#include <stdlib.h>
#include <string.h>

#include "mamori/supply.h"
#include "util/util.h"

static int oom(void)
{
    mm_error_set("out of memory");
    return MM_ENOMEM;
}

typedef struct vrow {
    const char *v[MM_SUPPLY_TREE_CELLS];
    int tier; /* 0: not reached */
    const char *check;
} vrow;

typedef struct vctx {
    mm_arena *a;
    vrow *rows;
    size_t n, cap;
} vctx;

static int take_row(void *ctx, int n, const char *const *v, const size_t *len)
{
    vctx *t = ctx;
    if (n < MM_SUPPLY_TREE_CELLS)
        return oom();
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        vrow *r = realloc(t->rows, cap * sizeof *r);
        if (!r)
            return oom();
        t->rows = r;
        t->cap = cap;
    }
    vrow *r = &t->rows[t->n];
    memset(r, 0, sizeof *r);
    for (int i = 0; i < MM_SUPPLY_TREE_CELLS; i++)
        if (v[i] && !(r->v[i] = mm_arena_strndup(t->a, v[i], len[i])))
            return oom();
    t->n++;
    return MM_OK;
}

/* Breadth-first from root: an edge whose customer is at tier t - 1 has tier t (root: 0). */
static int tiers(vrow *rows, size_t n, const char *root)
{
    mm_map seen = MM_MAP_INIT, frontier = MM_MAP_INIT;
    int rc = mm_map_put(&frontier, root, (void *)1) || mm_map_put(&seen, root, (void *)1);
    for (int tier = 1; !rc && frontier.count > 0 && tier <= 64; tier++) {
        mm_map next = MM_MAP_INIT;
        for (size_t i = 0; !rc && i < n; i++) {
            vrow *r = &rows[i];
            const char *cust = r->v[3], *sup = r->v[1];
            if (!cust || !sup || r->tier || !mm_map_get(&frontier, cust))
                continue;
            r->tier = tier;
            if (!mm_map_get(&seen, sup))
                rc = mm_map_put(&seen, sup, (void *)1) || mm_map_put(&next, sup, (void *)1);
        }
        mm_map_free(&frontier);
        frontier = next;
    }
    mm_map_free(&frontier);
    mm_map_free(&seen);
    return rc ? oom() : MM_OK;
}

/* The JSON arrays of clauses and handles: few distinct texts, each parsed once. */
typedef struct arrays {
    mm_map m;
    json_t *held; /* owns the parsed arrays */
} arrays;

static const json_t *array_of(arrays *c, const char *text)
{
    if (!text)
        return NULL;
    json_t *v = mm_map_get(&c->m, text);
    if (v)
        return v;
    v = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_array(v)) {
        json_decref(v);
        v = json_array();
    }
    if (!v || json_array_append_new(c->held, v) || mm_map_put(&c->m, text, v))
        return NULL;
    return v;
}

static bool carries(const json_t *handles, const char *h)
{
    size_t i;
    json_t *it;
    json_array_foreach(handles, i, it)
    {
        if (mm_streq(json_string_value(it), h))
            return true;
    }
    return false;
}

typedef struct view {
    vctx t;
    arrays arr;
    size_t *kept;
    size_t nkept;
    json_t *counts;
} view;

/* Checks every edge, keeps those the filters keep and counts their answers. */
static int check_all(view *w, bool all, const mm_supply_page *q, const mm_clause_catalog *c,
                     const json_t *statements, const mm_supply_dates *d)
{
    w->kept = malloc((w->t.n ? w->t.n : 1) * sizeof *w->kept);
    if (!w->kept || !w->counts)
        return oom();
    size_t counts[8] = {0};
    static const char *const names[] = {"ok",         "missing",  "expired",    "not-met",
                                        "no-consent", "unstated", "not-checked"};
    for (size_t i = 0; i < w->t.n; i++) {
        vrow *r = &w->t.rows[i];
        const char *const *v = r->v;
        const json_t *clauses = array_of(&w->arr, v[5]), *handles = array_of(&w->arr, v[6]);
        if ((v[5] && !clauses) || (v[6] && !handles))
            return oom();
        bool visible = all || v[10];
        mm_supply_latest l = {.framework = v[11],
                              .status = v[12],
                              .has_score = v[13] != NULL,
                              .assessed = v[14],
                              .received = v[15],
                              .cmmc_level1 = v[16]};
        r->check = mm_supply_check(clauses, handles, visible, visible ? &l : NULL, c, statements, d,
                                   NULL, NULL);
        if ((q->handles && !carries(handles, q->handles)) ||
            (q->check && !mm_streq(r->check, q->check)))
            continue;
        w->kept[w->nkept++] = i;
        const char *key = r->check ? r->check : "not-checked";
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (strcmp(key, names[k]) == 0)
                counts[k]++;
    }
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (counts[k] &&
            json_object_set_new(w->counts, names[k], json_integer((json_int_t)counts[k])))
            return oom();
    return MM_OK;
}

/* The page's items, each built as mm_store_supply_tree's with its tier and checks. */
static int page_items(view *w, json_t *items, bool all, const mm_supply_page *q,
                      const mm_clause_catalog *c, const json_t *statements,
                      const mm_supply_dates *d)
{
    size_t from = (size_t)q->offset, to = w->nkept;
    if (q->limit > 0 && from + (size_t)q->limit < to)
        to = from + (size_t)q->limit;
    for (size_t k = from; k < to; k++) {
        const vrow *r = &w->t.rows[w->kept[k]];
        json_t *it = mm_supply_tree_item(r->v, all);
        if (!it)
            return oom();
        if (r->tier)
            json_object_set_new(it, "tier", json_integer(r->tier));
        mm_supply_check_edge(it, c, statements, d);
        if (json_array_append_new(items, it))
            return oom();
    }
    return MM_OK;
}

int mm_supply_view_page(mm_store *s, json_t **out, const char *org_id, bool all,
                        const mm_supply_page *q, const mm_clause_catalog *c,
                        const mm_supply_dates *d)
{
    *out = NULL;
    if (q->offset < 0 || q->limit < 0) {
        mm_error_set("supply view: offset and limit must not be negative");
        return MM_EINVALID;
    }
    view w = {.t = {.a = mm_arena_new()},
              .arr = {.m = MM_MAP_INIT, .held = json_array()},
              .counts = json_object()};
    json_t *statements = NULL, *items = json_array();
    int rc = w.t.a && w.arr.held && items ? MM_OK : oom();
    if (rc == MM_OK)
        rc = mm_store_supply_tree_each(s, org_id, all, take_row, &w.t);
    if (rc == MM_OK && mm_arena_failed(w.t.a))
        rc = oom();
    if (rc == MM_OK)
        rc = mm_store_clause_statements(s, &statements);
    if (rc == MM_OK)
        rc = tiers(w.t.rows, w.t.n, org_id);
    if (rc == MM_OK)
        rc = check_all(&w, all, q, c, statements, d);
    if (rc == MM_OK)
        rc = page_items(&w, items, all, q, c, statements, d);
    if (rc == MM_OK && !(*out = json_pack("{s:s, s:I, s:I, s:O, s:O}", "org_id", org_id, "total",
                                          (json_int_t)w.nkept, "offset", (json_int_t)q->offset,
                                          "items", items, "counts", w.counts)))
        rc = oom();
    json_decref(items);
    json_decref(w.counts);
    json_decref(statements);
    json_decref(w.arr.held);
    mm_map_free(&w.arr.m);
    free(w.kept);
    free(w.t.rows);
    mm_arena_free(w.t.a);
    return rc;
}

int mm_supply_view(mm_store *s, json_t **out, const char *org_id, bool all, const char *handles,
                   const char *check, const mm_clause_catalog *c, const mm_supply_dates *d)
{
    const mm_supply_page q = {.handles = handles, .check = check};
    return mm_supply_view_page(s, out, org_id, all, &q, c, d);
}
