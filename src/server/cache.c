/* mamori serve: the cache of the authority's views (see cache.h). A fixed number of
 * entries, least recently used replaced; one mutex (a lookup is a few string compares). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "server/cache.h"

#define ENTRIES   64
#define MAX_BYTES ((size_t)4 << 20) /* larger answers are not kept */

typedef struct entry {
    char *key;
    int64_t version;
    unsigned status;
    char *text;
    const char *ctype; /* a string literal */
    uint64_t used;
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry entries[ENTRIES];
static uint64_t tick;

bool mm_view_cache_get(const char *key, int64_t version, reply *out)
{
    bool hit = false;
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < ENTRIES; i++) {
        entry *e = &entries[i];
        if (!e->key || e->version != version || strcmp(e->key, key) != 0)
            continue;
        char *copy = strdup(e->text);
        if (copy) {
            e->used = ++tick;
            out->status = e->status;
            out->text = copy;
            out->ctype = e->ctype;
            hit = true;
        }
        break;
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void mm_view_cache_put(const char *key, int64_t version, reply *out)
{
    if (out->status != 200)
        return;
    if (!out->text && out->json) {
        out->text = json_dumps(out->json, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!out->text)
            return;
        json_decref(out->json);
        out->json = NULL;
        out->ctype = "application/json; charset=utf-8";
    }
    if (!out->text || strlen(out->text) > MAX_BYTES)
        return;
    char *k = strdup(key), *t = strdup(out->text);
    if (!k || !t) {
        free(k);
        free(t);
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
    free(victim->key);
    free(victim->text);
    victim->key = k;
    victim->text = t;
    victim->version = version;
    victim->status = out->status;
    victim->ctype = out->ctype ? out->ctype : "application/json; charset=utf-8";
    victim->used = ++tick;
    pthread_mutex_unlock(&lock);
}

char *mm_view_cache_text(const char *key, int64_t version)
{
    reply r = {0};
    if (!mm_view_cache_get(key, version, &r))
        return NULL;
    return r.text;
}

void mm_view_cache_store(const char *key, int64_t version, const char *text)
{
    if (!text)
        return;
    reply r = {0};
    r.status = 200;
    r.text = strdup(text);
    r.ctype = "text/html; charset=utf-8";
    if (!r.text)
        return;
    mm_view_cache_put(key, version, &r);
    free(r.text);
}
