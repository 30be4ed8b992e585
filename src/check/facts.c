/* mm_facts: what a parser read, with the file and line it read it from. */
#include <stdlib.h>
#include <string.h>

#include "check/probe.h"
#include "mamori/error.h"

int mm_facts_init(mm_facts *f)
{
    memset(f, 0, sizeof(*f));
    f->arena = mm_arena_new();
    return f->arena ? MM_OK : MM_ENOMEM;
}

void mm_facts_free(mm_facts *f)
{
    if (!f)
        return;
    free(f->items);
    mm_arena_free(f->arena);
    memset(f, 0, sizeof(*f));
}

int mm_facts_add(mm_facts *f, const char *key, const char *value, const char *file, int line,
                 const char *context)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        mm_fact *items = realloc(f->items, cap * sizeof(*items));
        if (!items)
            return MM_ENOMEM;
        f->items = items;
        f->cap = cap;
    }
    mm_fact *x = &f->items[f->n];
    x->key = mm_arena_strdup(f->arena, key ? key : "");
    x->value = mm_arena_strdup(f->arena, value ? value : "");
    x->file = mm_arena_strdup(f->arena, file ? file : "");
    x->line = line;
    x->context = mm_arena_strdup(f->arena, context);
    if (mm_arena_failed(f->arena))
        return MM_ENOMEM;
    f->n++;
    return MM_OK;
}

const mm_fact *mm_facts_first(const mm_facts *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (!f->items[i].context && strcmp(f->items[i].key, key) == 0)
            return &f->items[i];
    return NULL;
}

const mm_fact *mm_facts_last(const mm_facts *f, const char *key)
{
    for (size_t i = f->n; i-- > 0;)
        if (!f->items[i].context && strcmp(f->items[i].key, key) == 0)
            return &f->items[i];
    return NULL;
}

int mm_parse_root_file(mm_facts *out, const mm_root *r, const char *path, mm_text_parser parse)
{
    char *data = NULL;
    size_t len = 0;
    int rc = mm_root_read(r, path, MM_CONFIG_MAX_BYTES, &data, &len);
    if (rc)
        return rc;
    rc = parse(out, data, len, path);
    free(data);
    return rc;
}
