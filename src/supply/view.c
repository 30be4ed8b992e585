/* A customer's suppliers at every tier the reader may see, with each edge's tier and
 * flow-down check: the one view the API, the dashboard and `mamori graph suppliers` show.
 *
 * The authority's tree below a prime is thousands of edges (docs/benchmarks.md, "The supply
 * chain's queries"), and a request shows one page of it: the edges are read from the store's
 * row callback into an arena (no JSON), tiered and checked there, counted and filtered, and
 * JSON is built for the page's items only. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
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
    int tier;          /* 0: not reached */
    const char *check; /* the worst answer (a fixed text), or NULL: not checked */
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

/* The checked tree of one reader at one version of the store: every edge with its tier and
 * check, immutable once built, shared by the requests for its pages (refs). */
typedef struct tree {
    vctx t;
    arrays arr;
    const json_t **handles; /* each row's handles array (in arr) */
    json_t *statements;
    int refs;
    /* the key: a tree is reused only for the same reader, version and day */
    char org[128], today[11];
    bool all;
    int64_t version;
} tree;

static void tree_free(tree *w)
{
    if (!w)
        return;
    json_decref(w->statements);
    json_decref(w->arr.held);
    mm_map_free(&w->arr.m);
    free(w->handles);
    free(w->t.rows);
    mm_arena_free(w->t.a);
    free(w);
}

/* Reads, tiers and checks every edge below org_id as the reader sees it. */
static int tree_build(tree **out, mm_store *s, const char *org_id, bool all,
                      const mm_clause_catalog *c, const mm_supply_dates *d)
{
    *out = NULL;
    tree *w = calloc(1, sizeof *w);
    if (!w)
        return oom();
    w->t.a = mm_arena_new();
    w->arr = (arrays){.m = MM_MAP_INIT, .held = json_array()};
    w->refs = 1;
    int rc = w->t.a && w->arr.held ? MM_OK : oom();
    if (rc == MM_OK)
        rc = mm_store_supply_tree_each(s, org_id, all, take_row, &w->t);
    if (rc == MM_OK && mm_arena_failed(w->t.a))
        rc = oom();
    if (rc == MM_OK)
        rc = mm_store_clause_statements(s, &w->statements);
    if (rc == MM_OK)
        rc = tiers(w->t.rows, w->t.n, org_id);
    if (rc == MM_OK && !(w->handles = calloc(w->t.n ? w->t.n : 1, sizeof *w->handles)))
        rc = oom();
    for (size_t i = 0; rc == MM_OK && i < w->t.n; i++) {
        vrow *r = &w->t.rows[i];
        const char *const *v = r->v;
        const json_t *clauses = array_of(&w->arr, v[5]), *handles = array_of(&w->arr, v[6]);
        if ((v[5] && !clauses) || (v[6] && !handles)) {
            rc = oom();
            break;
        }
        bool visible = all || v[10];
        mm_supply_latest l = {.framework = v[11],
                              .status = v[12],
                              .has_score = v[13] != NULL,
                              .assessed = v[14],
                              .received = v[15],
                              .cmmc_level1 = v[16]};
        r->check = mm_supply_check(clauses, handles, visible, visible ? &l : NULL, c, w->statements,
                                   d, NULL, NULL);
        w->handles[i] = handles;
    }
    if (rc) {
        tree_free(w);
        return rc;
    }
    *out = w;
    return MM_OK;
}

/* ---- the trees kept per version --------------------------------------------------------- */

/* A reader paging through a tree of thousands of edges asks for the same tree once a page:
 * it is kept (8 trees, the oldest replaced) while the store's version is the one it was read
 * at. The caller gives the version (mm_supply_page.version; 0 or less: not kept). */
#define TREES 8
static tree *trees[TREES];
static unsigned trees_next;
static pthread_mutex_t trees_lock = PTHREAD_MUTEX_INITIALIZER;

static void tree_release(tree *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&trees_lock);
    bool last = --w->refs == 0;
    pthread_mutex_unlock(&trees_lock);
    if (last)
        tree_free(w);
}

static bool tree_is(const tree *w, const char *org_id, bool all, int64_t version, const char *today)
{
    return w && w->version == version && w->all == all && strcmp(w->org, org_id) == 0 &&
           strcmp(w->today, today ? today : "") == 0;
}

static int tree_get(tree **out, mm_store *s, const char *org_id, bool all, int64_t version,
                    const mm_clause_catalog *c, const mm_supply_dates *d)
{
    *out = NULL;
    bool keep = version > 0 && strlen(org_id) < sizeof trees[0]->org &&
                (!d->today || strlen(d->today) < sizeof trees[0]->today);
    if (keep) {
        pthread_mutex_lock(&trees_lock);
        for (unsigned i = 0; i < TREES && !*out; i++)
            if (tree_is(trees[i], org_id, all, version, d->today)) {
                trees[i]->refs++;
                *out = trees[i];
            }
        pthread_mutex_unlock(&trees_lock);
        if (*out)
            return MM_OK;
    }
    int rc = tree_build(out, s, org_id, all, c, d);
    if (rc || !keep)
        return rc;
    tree *w = *out;
    snprintf(w->org, sizeof w->org, "%s", org_id);
    snprintf(w->today, sizeof w->today, "%s", d->today ? d->today : "");
    w->all = all;
    w->version = version;
    pthread_mutex_lock(&trees_lock);
    tree *old = trees[trees_next % TREES];
    trees[trees_next++ % TREES] = w;
    w->refs++;
    bool free_old = old && --old->refs == 0;
    pthread_mutex_unlock(&trees_lock);
    if (free_old)
        tree_free(old);
    return MM_OK;
}

/* ---- one page ---------------------------------------------------------------------------- */

int mm_supply_view_page(mm_store *s, json_t **out, const char *org_id, bool all,
                        const mm_supply_page *q, const mm_clause_catalog *c,
                        const mm_supply_dates *d)
{
    *out = NULL;
    if (q->offset < 0 || q->limit < 0) {
        mm_error_set("supply view: offset and limit must not be negative");
        return MM_EINVALID;
    }
    tree *w = NULL;
    int rc = tree_get(&w, s, org_id, all, q->version, c, d);
    if (rc)
        return rc;
    /* the edges the filters keep, counted per answer; JSON for the page's items only */
    static const char *const names[] = {"ok",         "missing",  "expired",    "not-met",
                                        "no-consent", "unstated", "not-checked"};
    size_t counts[sizeof names / sizeof names[0]] = {0}, kept = 0;
    size_t from = (size_t)q->offset, to = q->limit > 0 ? from + (size_t)q->limit : SIZE_MAX;
    json_t *items = json_array(), *cnt = json_object();
    if (!items || !cnt)
        rc = oom();
    for (size_t i = 0; rc == MM_OK && i < w->t.n; i++) {
        const vrow *r = &w->t.rows[i];
        if ((q->handles && !carries(w->handles[i], q->handles)) ||
            (q->check && !mm_streq(r->check, q->check)))
            continue;
        const char *key = r->check ? r->check : "not-checked";
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (strcmp(key, names[k]) == 0)
                counts[k]++;
        if (kept++ < from || kept > to)
            continue;
        json_t *it = mm_supply_tree_item(r->v, all);
        if (it && r->tier)
            json_object_set_new(it, "tier", json_integer(r->tier));
        if (it)
            mm_supply_check_edge(it, c, w->statements, d);
        if (!it || json_array_append_new(items, it))
            rc = oom();
    }
    for (size_t k = 0; rc == MM_OK && k < sizeof names / sizeof names[0]; k++)
        if (counts[k] && json_object_set_new(cnt, names[k], json_integer((json_int_t)counts[k])))
            rc = oom();
    if (rc == MM_OK &&
        !(*out = json_pack("{s:s, s:I, s:I, s:O, s:O}", "org_id", org_id, "total", (json_int_t)kept,
                           "offset", (json_int_t)q->offset, "items", items, "counts", cnt)))
        rc = oom();
    json_decref(items);
    json_decref(cnt);
    tree_release(w);
    return rc;
}

int mm_supply_view(mm_store *s, json_t **out, const char *org_id, bool all, const char *handles,
                   const char *check, const mm_clause_catalog *c, const mm_supply_dates *d)
{
    const mm_supply_page q = {.handles = handles, .check = check, .version = 0};
    return mm_supply_view_page(s, out, org_id, all, &q, c, d);
}
