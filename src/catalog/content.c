#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "mamori/error.h"
#include "util/json.h"

/* Built by CMake from src/util/embed.S.in: {name, start, length} rows, ended by zeros. */
struct embed_row {
    const char *name;
    const char *start;
    uint64_t len;
};
extern const struct embed_row mm_embed_table[];

#define CONTENT_MAX_BYTES (64u * 1024 * 1024)

static struct {
    const char *name;
    const char *data;
    size_t len;
} override;

void mm_content_override(const char *name, const char *data, size_t len)
{
    override.name = name;
    override.data = data;
    override.len = len;
}

const char *mm_content_embedded(const char *name, size_t *len)
{
    if (override.name && strcmp(override.name, name) == 0) {
        if (len)
            *len = override.len;
        return override.data;
    }
    for (const struct embed_row *r = mm_embed_table; r->name; r++) {
        if (strcmp(r->name, name) == 0) {
            if (len)
                *len = (size_t)r->len;
            return r->start;
        }
    }
    return NULL;
}

const char *mm_content_embedded_at(size_t i, const char **name, size_t *len)
{
    for (size_t k = 0; mm_embed_table[k].name; k++) {
        if (k == i) {
            *name = mm_embed_table[k].name;
            if (len)
                *len = (size_t)mm_embed_table[k].len;
            return mm_embed_table[k].start;
        }
    }
    return NULL;
}

int mm_content_json(json_t **out, const char *content_dir, const char *name)
{
    *out = NULL;
    if (!content_dir) {
        size_t len;
        const char *data = mm_content_embedded(name, &len);
        if (!data) {
            mm_error_set("embedded content %s is missing", name);
            return MM_ENOTFOUND;
        }
        char where[256];
        snprintf(where, sizeof(where), "embedded %s", name);
        return mm_json_load(out, data, len, where, 0);
    }
    size_t n = strlen(content_dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path)
        return MM_ENOMEM;
    snprintf(path, n, "%s/%s", content_dir, name);
    char *data;
    size_t len;
    int rc = mm_file_read(&data, &len, path, CONTENT_MAX_BYTES);
    if (rc == MM_OK) {
        rc = mm_json_load(out, data, len, path, 0);
        free(data);
    }
    free(path);
    return rc;
}
