/* mamori serve: the caches (cache.h): the authority's views under the store's version, and
 * (below) the submissions the dashboard reads, with the thread that warms them up.
 * The views' cache: A fixed number of
 * entries, least recently used replaced; one mutex (a lookup is a few string compares). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "server/cache.h"
#include "server/supply.h"
#include "server/web.h"

#define ENTRIES   64
#define MAX_BYTES ((size_t)4 << 20) /* larger answers are not kept */

typedef struct entry {
    char *key;
    int64_t version;
    unsigned status;
    mm_shared_text *text; /* shared with the answers in flight */
    const char *ctype;    /* a string literal */
    uint64_t used;
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry entries[ENTRIES];
static uint64_t tick;

/* The entry's text under key at version (a new reference), or NULL. */
static mm_shared_text *lookup(const char *key, int64_t version, unsigned *status,
                              const char **ctype)
{
    mm_shared_text *t = NULL;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < ENTRIES; i++) {
        entry *e = &entries[i];
        if (!e->key || e->version != version || strcmp(e->key, key) != 0)
            continue;
        e->used = ++tick;
        *status = e->status;
        *ctype = e->ctype;
        t = mm_shared_ref(e->text);
        break;
    }
    pthread_mutex_unlock(&lock);
    return t;
}

bool mm_view_cache_get(const char *key, int64_t version, reply *out)
{
    unsigned status = 0;
    const char *ctype = NULL;
    mm_shared_text *t = lookup(key, version, &status, &ctype);
    if (!t)
        return false;
    mm_shared_unref(out->shared);
    out->shared = t; /* no copy: the answer holds a reference */
    out->status = status;
    out->ctype = ctype;
    return true;
}

/* Keeps t (one reference, taken over) under key at version. */
static void keep(const char *key, int64_t version, unsigned status, const char *ctype,
                 mm_shared_text *t)
{
    char *k = strdup(key);
    if (!k) {
        mm_shared_unref(t);
        return;
    }
    pthread_mutex_lock(&lock);
    entry *victim = &entries[0];
    for (size_t i = 0; i < ENTRIES; i++) {
        entry *e = &entries[i];
        if (e->key && strcmp(e->key, key) == 0) {
            victim = e;
            break;
        }
        if (!e->key || e->used < victim->used)
            victim = e;
        if (!e->key)
            break;
    }
    char *old_key = victim->key;
    mm_shared_text *old_text = victim->text; /* answers in flight keep their own reference */
    victim->key = k;
    victim->text = t;
    victim->version = version;
    victim->status = status;
    victim->ctype = ctype ? ctype : "application/json; charset=utf-8";
    victim->used = ++tick;
    pthread_mutex_unlock(&lock);
    free(old_key);
    mm_shared_unref(old_text);
}

void mm_view_cache_put(const char *key, int64_t version, reply *out)
{
    if (out->status != 200 || out->shared)
        return;
    if (!out->text && out->json) {
        out->text = json_dumps(out->json, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!out->text)
            return;
        json_decref(out->json);
        out->json = NULL;
        out->ctype = "application/json; charset=utf-8";
    }
    if (!out->text)
        return;
    size_t len = strlen(out->text);
    if (len > MAX_BYTES)
        return;
    mm_shared_text *t = mm_shared_new(out->text, len);
    if (!t)
        return;
    /* the answer and the cache share the one copy */
    free(out->text);
    out->text = NULL;
    out->shared = mm_shared_ref(t);
    if (!out->ctype)
        out->ctype = "application/json; charset=utf-8";
    keep(key, version, out->status, out->ctype, t);
}

char *mm_view_cache_text(const char *key, int64_t version)
{
    unsigned status = 0;
    const char *ctype = NULL;
    mm_shared_text *t = lookup(key, version, &status, &ctype);
    if (!t)
        return NULL;
    char *copy = strdup(t->text);
    mm_shared_unref(t);
    return copy;
}

void mm_view_cache_store(const char *key, int64_t version, const char *text)
{
    if (!text)
        return;
    size_t len = strlen(text);
    if (len > MAX_BYTES)
        return;
    mm_shared_text *t = mm_shared_new(text, len);
    if (t)
        keep(key, version, 200, "text/html; charset=utf-8", t);
}

/* ---- the submission cache: a bounded LRU, shared by the worker threads ------------------- */

#define CACHE_MAX     4096
#define CACHE_BUCKETS 8192

typedef struct centry {
    char id[40];
    json_t *v;
    mm_shared_text *text; /* v as the API answers it (compact, in order), once asked for */
    struct centry *prev, *next, *hnext;
} centry;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static centry *buckets[CACHE_BUCKETS];
static centry *lru_head, *lru_tail; /* head: most recently used */
static size_t cache_count;

static size_t hash_id(const char *s)
{
    size_t h = 1469598103934665603ULL & (size_t)-1;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h % CACHE_BUCKETS;
}

static void lru_unlink(centry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        lru_head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        lru_tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push(centry *e)
{
    e->next = lru_head;
    e->prev = NULL;
    if (lru_head)
        lru_head->prev = e;
    lru_head = e;
    if (!lru_tail)
        lru_tail = e;
}

static int cached_submission(mm_store *st, const char *id, json_t **out)
{
    *out = NULL;
    if (!id || strlen(id) >= sizeof((centry *)0)->id)
        return MM_ENOTFOUND;
    size_t h = hash_id(id);
    pthread_mutex_lock(&cache_lock);
    for (centry *e = buckets[h]; e; e = e->hnext) {
        if (strcmp(e->id, id) == 0) {
            lru_unlink(e);
            lru_push(e);
            *out = json_incref(e->v);
            pthread_mutex_unlock(&cache_lock);
            return MM_OK;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    json_t *sub = NULL;
    int rc = mm_store_get_submission(st, &sub, id, false);
    if (rc != MM_OK)
        return rc;
    *out = sub;
    centry *ne = calloc(1, sizeof *ne);
    if (!ne)
        return MM_OK;
    snprintf(ne->id, sizeof ne->id, "%s", id);
    ne->v = json_incref(sub);
    pthread_mutex_lock(&cache_lock);
    for (centry *e = buckets[h]; e; e = e->hnext) {
        if (strcmp(e->id, id) == 0) { /* another thread was first */
            pthread_mutex_unlock(&cache_lock);
            json_decref(ne->v);
            free(ne);
            return MM_OK;
        }
    }
    ne->hnext = buckets[h];
    buckets[h] = ne;
    lru_push(ne);
    cache_count++;
    while (cache_count > CACHE_MAX && lru_tail) {
        centry *old = lru_tail;
        lru_unlink(old);
        centry **pp = &buckets[hash_id(old->id)];
        while (*pp && *pp != old)
            pp = &(*pp)->hnext;
        if (*pp)
            *pp = old->hnext;
        cache_count--;
        json_decref(old->v);
        mm_shared_unref(old->text);
        free(old);
    }
    pthread_mutex_unlock(&cache_lock);
    return MM_OK;
}

int web_submission(http_req *r, const char *id, json_t **out)
{
    return cached_submission(r->st, id, out);
}

/* The entry of id, under cache_lock. */
static centry *find_locked(const char *id)
{
    for (centry *e = buckets[hash_id(id)]; e; e = e->hnext)
        if (strcmp(e->id, id) == 0)
            return e;
    return NULL;
}

int mm_submission_shared(http_req *r, const char *id, mm_shared_text **out)
{
    *out = NULL;
    json_t *sub = NULL;
    int rc = cached_submission(r->st, id, &sub); /* checks id's length */
    if (rc)
        return rc;
    pthread_mutex_lock(&cache_lock);
    centry *e = find_locked(id);
    if (e && e->text)
        *out = mm_shared_ref(e->text);
    pthread_mutex_unlock(&cache_lock);
    if (!*out) {
        char *text = json_dumps(sub, JSON_COMPACT | JSON_PRESERVE_ORDER);
        *out = text ? mm_shared_new(text, strlen(text)) : NULL;
        free(text);
        if (*out) {
            pthread_mutex_lock(&cache_lock);
            e = find_locked(id);
            if (e && !e->text)
                e->text = mm_shared_ref(*out);
            pthread_mutex_unlock(&cache_lock);
        }
    }
    json_decref(sub);
    return *out ? MM_OK : MM_ENOMEM;
}

/* ---- the organizations' access facts, under the store's version ----------------------- */

#define ORG_SLOTS 512

typedef struct org_slot {
    int64_t version;
    bool used;
    mm_org_facts f;
} org_slot;

static pthread_mutex_t org_lock = PTHREAD_MUTEX_INITIALIZER;
static org_slot org_slots[ORG_SLOTS];

static bool copy_fits(char *out, size_t size, const char *in)
{
    size_t n = in ? strlen(in) : 0;
    if (n >= size)
        return false;
    memcpy(out, in ? in : "", n);
    out[n] = '\0';
    return true;
}

int mm_org_facts_get(http_req *r, const char *id, mm_org_facts *out)
{
    memset(out, 0, sizeof *out);
    if (!id || !id[0] || strlen(id) >= sizeof out->id)
        return MM_ENOTFOUND;
    int64_t version = 0;
    bool versioned = req_store_version(r, &version) == MM_OK;
    org_slot *s = &org_slots[hash_id(id) % ORG_SLOTS];
    if (versioned) {
        bool hit = false;
        pthread_mutex_lock(&org_lock);
        if (s->used && s->version == version && strcmp(s->f.id, id) == 0) {
            *out = s->f;
            hit = true;
        }
        pthread_mutex_unlock(&org_lock);
        if (hit)
            return MM_OK;
    }
    json_t *org = NULL;
    int rc = mm_store_get_org(r->st, &org, id);
    if (rc)
        return rc;
    bool ok =
        copy_fits(out->id, sizeof out->id, json_string_value(json_object_get(org, "id"))) &&
        copy_fits(out->kind, sizeof out->kind, json_string_value(json_object_get(org, "kind"))) &&
        copy_fits(out->parent_id, sizeof out->parent_id,
                  json_string_value(json_object_get(org, "parent_id")));
    out->prime_consent = json_is_true(json_object_get(org, "prime_consent"));
    json_decref(org);
    if (!ok) { /* longer than any id the server makes: not an organization it can serve */
        memset(out, 0, sizeof *out);
        return MM_ENOTFOUND;
    }
    if (versioned && strcmp(out->id, id) == 0) {
        pthread_mutex_lock(&org_lock);
        s->used = true;
        s->version = version;
        s->f = *out;
        pthread_mutex_unlock(&org_lock);
    }
    return MM_OK;
}

/* Fills the cache with every contractor's latest submission, so that the first overview
 * after a start does not read a thousand summaries. Runs on its own thread; takes a store
 * connection from the pool for one page of 1,000 contractors at a time. */
static void *warm_main(void *arg)
{
    mm_server *srv = arg;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* the authority's alliance map first: its layout is the slowest first page (supply.c) */
    mm_store *map_st = mm_pool_get(srv);
    supply_map_warm(map_st);
    mm_pool_put(srv, map_st);
    long n = 0;
    for (int64_t off = 0; !atomic_load(&srv->warm_stop) && n < CACHE_MAX; off += 1000) {
        mm_store *st = mm_pool_get(srv);
        mm_org_query q = {.kind = "contractor", .sort = "name", .offset = off, .limit = 1000};
        json_t *res = NULL;
        int rc = mm_store_list_orgs(st, &res, &q);
        size_t i, got = 0;
        json_t *it;
        if (rc == MM_OK) {
            json_t *items = json_object_get(res, "items");
            got = json_array_size(items);
            json_array_foreach(items, i, it)
            {
                if (atomic_load(&srv->warm_stop) || n >= CACHE_MAX)
                    break;
                json_t *sub = NULL;
                (void)cached_submission(
                    st, json_string_value(json_object_get(json_object_get(it, "latest"), "id")),
                    &sub);
                n += sub != NULL;
                json_decref(sub);
            }
        }
        json_decref(res);
        mm_pool_put(srv, st);
        if (rc != MM_OK || got < 1000)
            break;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    mm_server_log_json("info", "dashboard cache warmed",
                       json_pack("{s:i,s:f}", "submissions", (int)n, "duration_ms", ms));
    return NULL;
}

void web_warm_start(mm_server *srv)
{
    atomic_store(&srv->warm_stop, false);
    srv->warm_running = pthread_create(&srv->warm_thread, NULL, warm_main, srv) == 0;
}

void web_warm_stop(mm_server *srv)
{
    if (!srv->warm_running)
        return;
    atomic_store(&srv->warm_stop, true);
    pthread_join(srv->warm_thread, NULL);
    srv->warm_running = false;
}

/* ---- the store's version, pushed (PostgreSQL) ------------------------------------------ */

struct mm_version_watch {
    char *db;
    mm_store *st; /* the watcher thread's own connection (listening), or NULL */
    pthread_t thread;
    bool running;
    _Atomic bool stop;
    _Atomic int64_t version;
    _Atomic int64_t read_at;     /* monotonic ms when the read of version began; 0: none valid */
    _Atomic uint64_t writes;     /* this process's writes (mm_version_watch_touch) */
    _Atomic uint64_t read_after; /* the count of them when the read of version began */
};

static int64_t monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Reads the head on the watcher's connection and publishes it with the time the read
 * began: the version first, so that a reader who sees the new time sees this version or a
 * newer one. */
static int watch_read(mm_version_watch *w)
{
    uint64_t writes = atomic_load(&w->writes);
    int64_t at = monotonic_ms(), v = 0;
    int rc = mm_store_audit_head(w->st, &v);
    if (rc == MM_OK) {
        atomic_store(&w->version, v);
        atomic_store(&w->read_after, writes);
        atomic_store(&w->read_at, at > 0 ? at : 1);
    }
    return rc;
}

static void nap_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static void *watch_main(void *arg)
{
    mm_version_watch *w = arg;
    bool lost = false;
    while (!atomic_load(&w->stop)) {
        if (!w->st && mm_store_open(&w->st, w->db) != MM_OK) {
            w->st = NULL;
            nap_ms(MM_VERSION_POLL_MS);
            continue;
        }
        if (lost) {
            lost = false;
            mm_server_log_json("info", "store version watch: listening again", NULL);
        }
        bool changed = false;
        int rc = mm_store_wait_change(w->st, MM_VERSION_POLL_MS, &changed);
        /* changed or not: the head is read again at least every MM_VERSION_POLL_MS, so a
         * version older than MM_VERSION_BOUND_MS is never used even when notifications stop
         * coming without the connection failing */
        if (rc == MM_OK)
            rc = watch_read(w);
        if (rc != MM_OK) {
            /* until the connection is back, every request reads the version itself */
            atomic_store(&w->read_at, 0);
            mm_server_log_json("warn", "store version watch: connection lost",
                               json_pack("{s:s}", "error", mm_error_last()));
            mm_store_free(w->st);
            w->st = NULL;
            lost = true;
            nap_ms(MM_VERSION_POLL_MS);
        }
    }
    return NULL;
}

int mm_version_watch_start(mm_version_watch **out, const char *db)
{
    *out = NULL;
    mm_version_watch *w = calloc(1, sizeof *w);
    if (!w || !(w->db = strdup(db))) {
        free(w);
        return MM_ENOMEM;
    }
    atomic_init(&w->stop, false);
    atomic_init(&w->version, 0);
    atomic_init(&w->read_at, 0);
    atomic_init(&w->writes, 0);
    atomic_init(&w->read_after, 0);
    bool changed = false;
    int rc = mm_store_open(&w->st, db);
    if (rc == MM_OK)
        rc = mm_store_wait_change(w->st, 0, &changed); /* starts listening */
    if (rc == MM_OK)
        rc = watch_read(w);
    if (rc == MM_OK) {
        w->running = pthread_create(&w->thread, NULL, watch_main, w) == 0;
        if (!w->running)
            rc = MM_ERROR;
    }
    if (rc) {
        mm_version_watch_stop(w);
        return rc == MM_EUSAGE ? MM_OK : rc; /* SQLite: no watch, nothing wrong */
    }
    *out = w;
    return MM_OK;
}

void mm_version_watch_stop(mm_version_watch *w)
{
    if (!w)
        return;
    if (w->running) {
        atomic_store(&w->stop, true);
        pthread_join(w->thread, NULL);
    }
    mm_store_free(w->st);
    free(w->db);
    free(w);
}

bool mm_version_watch_get(mm_version_watch *w, int64_t *out)
{
    if (!w)
        return false;
    int64_t at = atomic_load(&w->read_at);
    if (!at || atomic_load(&w->read_after) != atomic_load(&w->writes) ||
        monotonic_ms() - at >= MM_VERSION_BOUND_MS)
        return false;
    *out = atomic_load(&w->version);
    return true;
}

void mm_version_watch_touch(mm_version_watch *w)
{
    if (w)
        atomic_fetch_add(&w->writes, 1);
}
