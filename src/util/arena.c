#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

typedef struct chunk {
    struct chunk *next;
    size_t used;
    size_t size;
    max_align_t data[];
} chunk;

struct mm_arena {
    chunk *head;
    bool failed;
};

#define CHUNK_BYTES (64 * 1024)

mm_arena *mm_arena_new(void)
{
    return calloc(1, sizeof(mm_arena));
}

void mm_arena_free(mm_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

bool mm_arena_failed(const mm_arena *a)
{
    return a->failed;
}

void *mm_arena_alloc(mm_arena *a, size_t size)
{
    const size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        size_t want = size > CHUNK_BYTES ? size : CHUNK_BYTES;
        chunk *n = malloc(sizeof(chunk) + want);
        if (!n) {
            a->failed = true;
            return NULL;
        }
        n->size = want;
        n->used = 0;
        if (c && size > CHUNK_BYTES) {
            /* a big block gets a chunk of its own behind the current one */
            n->next = c->next;
            c->next = n;
        } else {
            n->next = c;
            a->head = n;
        }
        c = n;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

void *mm_arena_calloc(mm_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        a->failed = true;
        return NULL;
    }
    return mm_arena_alloc(a, n * size);
}

char *mm_arena_strndup(mm_arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = mm_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *mm_arena_strdup(mm_arena *a, const char *s)
{
    return s ? mm_arena_strndup(a, s, strlen(s)) : NULL;
}

char *mm_arena_printf(mm_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        a->failed = true;
        return NULL;
    }
    char *p = mm_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
