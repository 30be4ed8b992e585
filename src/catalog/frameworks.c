/*
 * A set of frameworks: the built-in packs and crosswalks, plus the packs and crosswalks of a
 * folder an authority names (include/mamori/framework.h). A folder is loaded whole or not
 * at all.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog/catalog_internal.h"
#include "catalog/framework_internal.h"
#include "mamori/error.h"
#include "util/json.h"

/* Every other embedded file under frameworks/ is a pack and under crosswalks/ a crosswalk
 * (CMakeLists.txt MM_EMBED; provenance in content/frameworks/PROVENANCE.md). */
static bool embedded_in(const char *name, const char *folder)
{
    size_t f = strlen(folder), n = strlen(name);
    return strncmp(name, folder, f) == 0 && n > f + 5 && strcmp(name + n - 5, ".json") == 0;
}

#define MAX_FILES 512

struct mm_frameworks {
    mm_pack **packs;
    size_t npacks;
    mm_crosswalk **cws;
    size_t ncws;
};

void mm_frameworks_free(mm_frameworks *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->npacks; i++)
        mm_pack_free(set->packs[i]);
    for (size_t i = 0; i < set->ncws; i++)
        mm_crosswalk_free(set->cws[i]);
    free(set->packs);
    free(set->cws);
    free(set);
}

size_t mm_frameworks_npacks(const mm_frameworks *set)
{
    return set->npacks;
}

const mm_pack *mm_frameworks_pack_at(const mm_frameworks *set, size_t i)
{
    return i < set->npacks ? set->packs[i] : NULL;
}

size_t mm_frameworks_ncrosswalks(const mm_frameworks *set)
{
    return set->ncws;
}

const mm_crosswalk *mm_frameworks_crosswalk_at(const mm_frameworks *set, size_t i)
{
    return i < set->ncws ? set->cws[i] : NULL;
}

const mm_pack *mm_frameworks_pack(const mm_frameworks *set, const char *id)
{
    if (!id)
        return NULL;
    const char *canon = mm_pack_builtin_id(id);
    for (size_t i = 0; i < set->npacks; i++)
        if (strcmp(set->packs[i]->id, id) == 0 || mm_streq(set->packs[i]->id, canon))
            return set->packs[i];
    return NULL;
}

static int add_pack(mm_frameworks *set, mm_pack *p, const char *where)
{
    if (mm_frameworks_pack(set, p->id)) {
        mm_error_set("%s: $.catalog.metadata: framework '%s' is already loaded (from %s)", where,
                     p->id, mm_frameworks_pack(set, p->id)->source);
        mm_pack_free(p);
        return MM_EINVALID;
    }
    mm_pack **m = realloc(set->packs, (set->npacks + 1) * sizeof(*m));
    if (!m) {
        mm_pack_free(p);
        return MM_ENOMEM;
    }
    set->packs = m;
    set->packs[set->npacks++] = p;
    return MM_OK;
}

static int add_pair(mm_frameworks *set, const char *data, size_t len, const char *name,
                    const char *s, const char *t)
{
    const mm_pack *src = mm_frameworks_pack(set, s), *tgt = mm_frameworks_pack(set, t);
    if (!src || !tgt) {
        mm_error_set("%s: $.mapping-collection.mappings: framework '%s' is not loaded", name,
                     src ? t : s);
        return MM_EINVALID;
    }
    mm_crosswalk *cw = NULL;
    int rc = mm_crosswalk_parse(&cw, data, len, name, src, tgt);
    if (rc)
        return rc;
    mm_crosswalk **m = realloc(set->cws, (set->ncws + 1) * sizeof(*m));
    if (!m) {
        mm_crosswalk_free(cw);
        return MM_ENOMEM;
    }
    set->cws = m;
    set->cws[set->ncws++] = cw;
    return MM_OK;
}

/* One crosswalk per pair of packs the collection relates. */
static int add_crosswalk(mm_frameworks *set, const char *data, size_t len, const char *name)
{
    char **pairs = NULL;
    size_t n = 0;
    int rc = mm_crosswalk_pairs(&pairs, &n, data, len, name);
    for (size_t i = 0; i < n; i++) {
        char *tab = strchr(pairs[i], '\t');
        if (!rc && tab) {
            *tab = '\0';
            rc = add_pair(set, data, len, name, pairs[i], tab + 1);
        }
        free(pairs[i]);
    }
    free(pairs);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json files of dir, sorted, as malloc'd paths (NULL-terminated); *n of them. A
 * missing sub-folder is no error when optional. */
static int list_json(char ***out, size_t *n, const char *dir, bool optional)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        if (optional)
            return MM_OK;
        mm_error_set("%s: cannot open the frameworks folder", dir);
        return MM_EIO;
    }
    char **v = calloc(MAX_FILES + 1, sizeof(*v));
    int rc = v ? MM_OK : MM_ENOMEM;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (*n == MAX_FILES) {
            mm_error_set("%s: more than %d files", dir, MAX_FILES);
            rc = MM_ETOOBIG;
            break;
        }
        size_t sz = strlen(dir) + len + 2;
        if (!(v[*n] = malloc(sz)))
            rc = MM_ENOMEM;
        else
            snprintf(v[(*n)++], sz, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (rc) {
        for (size_t i = 0; v && i < *n; i++)
            free(v[i]);
        free(v);
        *n = 0;
        return rc;
    }
    qsort(v, *n, sizeof(*v), cmp_str);
    *out = v;
    return MM_OK;
}

typedef struct loaded {
    char *path, *data;
    size_t len;
    bool crosswalk;
} loaded;

static int load_dir(mm_frameworks *set, const char *dir)
{
    char **top = NULL, **sub = NULL;
    size_t ntop = 0, nsub = 0, nfiles = 0;
    char subdir[4096];
    snprintf(subdir, sizeof(subdir), "%s/crosswalks", dir);
    int rc = list_json(&top, &ntop, dir, false);
    if (!rc)
        rc = list_json(&sub, &nsub, subdir, true);
    loaded *files = rc ? NULL : calloc(ntop + nsub + 1, sizeof(*files));
    if (!rc && !files)
        rc = MM_ENOMEM;
    for (size_t i = 0; !rc && i < ntop + nsub; i++) {
        loaded *f = &files[nfiles++];
        f->path = i < ntop ? top[i] : sub[i - ntop];
        rc = mm_file_read(&f->data, &f->len, f->path, MM_FRAMEWORK_MAX_BYTES);
        if (rc)
            break;
        json_t *root = NULL;
        rc = mm_json_load(&root, f->data, f->len, f->path, 0);
        if (rc)
            break;
        f->crosswalk = json_object_get(root, "mapping-collection") != NULL;
        if (!f->crosswalk && !json_object_get(root, "catalog"))
            rc = mm_json_fail(f->path, "$",
                              "expected an OSCAL catalog (a framework pack) or mapping "
                              "collection (a crosswalk)");
        json_decref(root);
    }
    /* packs first, so crosswalks can name any pack of the folder */
    for (size_t i = 0; !rc && i < nfiles; i++) {
        if (files[i].crosswalk)
            continue;
        mm_pack *p = NULL;
        rc = mm_pack_parse(&p, files[i].data, files[i].len, files[i].path);
        if (!rc)
            rc = add_pack(set, p, files[i].path);
    }
    for (size_t i = 0; !rc && i < nfiles; i++)
        if (files[i].crosswalk)
            rc = add_crosswalk(set, files[i].data, files[i].len, files[i].path);
    for (size_t i = 0; i < nfiles; i++)
        free(files[i].data);
    free(files);
    for (size_t i = 0; i < ntop; i++)
        free(top[i]);
    for (size_t i = 0; i < nsub; i++)
        free(sub[i]);
    free(top);
    free(sub);
    return rc;
}

int mm_frameworks_load(mm_frameworks **out, const char *dir)
{
    *out = NULL;
    mm_frameworks *set = calloc(1, sizeof(*set));
    if (!set)
        return MM_ENOMEM;
    static const char *const builtin[] = {"800-171r3", "800-171r2", "800-53r5"};
    int rc = MM_OK;
    for (size_t i = 0; !rc && i < sizeof(builtin) / sizeof(builtin[0]); i++) {
        mm_pack *p = NULL;
        rc = mm_pack_builtin(&p, builtin[i]);
        if (!rc)
            rc = add_pack(set, p, "built-in");
    }
    const char *name, *data;
    size_t len;
    for (size_t i = 0; !rc && (data = mm_content_embedded_at(i, &name, &len)); i++) {
        if (!embedded_in(name, "frameworks/") ||
            strcmp(name, "frameworks/sp800-53r5-catalog.json") == 0)
            continue;
        char where[160];
        snprintf(where, sizeof(where), "embedded %s", name);
        mm_pack *p = NULL;
        rc = mm_pack_parse(&p, data, len, where);
        if (!rc) {
            p->builtin = true;
            rc = add_pack(set, p, where);
        }
    }
    for (size_t i = 0; !rc && (data = mm_content_embedded_at(i, &name, &len)); i++) {
        if (!embedded_in(name, "crosswalks/"))
            continue;
        char where[160];
        snprintf(where, sizeof(where), "embedded %s", name);
        rc = add_crosswalk(set, data, len, where);
    }
    if (!rc && dir)
        rc = load_dir(set, dir);
    if (rc) {
        mm_frameworks_free(set);
        return rc;
    }
    *out = set;
    return MM_OK;
}

int mm_frameworks_crosswalk(mm_crosswalk **out, const mm_frameworks *set, const char *a,
                            const char *b)
{
    *out = NULL;
    const mm_pack *pa = mm_frameworks_pack(set, a), *pb = mm_frameworks_pack(set, b);
    if (!pa || !pb) {
        mm_error_set("unknown framework '%s'", pa ? b : a);
        return MM_ENOTFOUND;
    }
    for (size_t i = 0; i < set->ncws; i++) {
        const mm_crosswalk *cw = set->cws[i];
        if (strcmp(cw->source_pack, pa->id) == 0 && strcmp(cw->target_pack, pb->id) == 0) {
            /* a copy the caller owns: the inverse of the inverse */
            mm_crosswalk *inv = NULL;
            int rc = mm_crosswalk_invert(&inv, cw);
            if (!rc)
                rc = mm_crosswalk_invert(out, inv);
            mm_crosswalk_free(inv);
            if (!rc && !((*out)->title = mm_arena_strdup((*out)->priv->arena, cw->title)))
                rc = MM_ENOMEM;
            if (rc) {
                mm_crosswalk_free(*out);
                *out = NULL;
            }
            return rc;
        }
    }
    for (size_t i = 0; i < set->ncws; i++) {
        const mm_crosswalk *cw = set->cws[i];
        if (strcmp(cw->source_pack, pb->id) == 0 && strcmp(cw->target_pack, pa->id) == 0)
            return mm_crosswalk_invert(out, cw);
    }
    mm_error_set("no crosswalk relates %s and %s (mamori does not compose crosswalks through "
                 "a third framework)",
                 pa->id, pb->id);
    return MM_ENOTFOUND;
}
