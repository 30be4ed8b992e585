/*
 * Crosswalks: OSCAL 1.2 mapping collections read into typed, cited rows between the
 * criteria of two packs (include/mamori/framework.h).
 *
 * mamori's rules on top of the OSCAL model: a map relating one source criterion to one
 * target criterion gives a row; a map relating sets is checked but gives none (it says
 * nothing about its members one by one); each map carries its citation as a prop named
 * "citation" (ns MM_FRAMEWORK_NS); the source and target resources name their pack by a prop
 * "framework-id"; a pair of criteria related twice must be related with the same type.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "catalog/framework_internal.h"
#include "mamori/error.h"
#include "util/json.h"

#define PATH_SIZE 256

static const struct {
    const char *name, *oscal;
} REL[] = {
    [MM_REL_EQUIVALENT] = {"equivalent", "equivalent-to"},
    [MM_REL_SUBSET] = {"subset", "subset-of"},
    [MM_REL_SUPERSET] = {"superset", "superset-of"},
    [MM_REL_INTERSECTS] = {"intersects", "intersects-with"},
    [MM_REL_NONE] = {"no-relationship", "no-relationship"},
};

const char *mm_relation_name(mm_relation r)
{
    return (unsigned)r <= MM_REL_NONE ? REL[r].name : "unknown";
}

const char *mm_relation_oscal(mm_relation r)
{
    return (unsigned)r <= MM_REL_NONE ? REL[r].oscal : "unknown";
}

int mm_relation_parse(mm_relation *out, const char *name)
{
    for (unsigned i = 0; name && i <= MM_REL_NONE; i++) {
        if (strcmp(name, REL[i].name) == 0 || strcmp(name, REL[i].oscal) == 0) {
            *out = (mm_relation)i;
            return MM_OK;
        }
    }
    if (name && strcmp(name, "equal-to") == 0) {
        *out = MM_REL_EQUIVALENT;
        return MM_OK;
    }
    mm_error_set("unknown relationship '%s': expected equivalent-to, equal-to, subset-of, "
                 "superset-of, intersects-with or no-relationship",
                 name ? name : "");
    return MM_EINVALID;
}

mm_relation mm_relation_inverse(mm_relation r)
{
    return r == MM_REL_SUBSET ? MM_REL_SUPERSET : r == MM_REL_SUPERSET ? MM_REL_SUBSET : r;
}

static mm_crosswalk *crosswalk_new(void)
{
    mm_crosswalk *cw = calloc(1, sizeof(*cw));
    if (!cw)
        return NULL;
    cw->priv = calloc(1, sizeof(*cw->priv));
    if (!cw->priv || !(cw->priv->arena = mm_arena_new())) {
        free(cw->priv);
        free(cw);
        return NULL;
    }
    return cw;
}

void mm_crosswalk_free(mm_crosswalk *cw)
{
    if (!cw)
        return;
    mm_map_free(&cw->priv->first);
    mm_arena_free(cw->priv->arena);
    free(cw->priv);
    free(cw);
}

const mm_mapping_row *mm_crosswalk_rows(const mm_crosswalk *cw, const char *source_id, size_t *n)
{
    *n = 0;
    uintptr_t k = (uintptr_t)mm_map_get(&cw->priv->first, source_id);
    if (!k)
        return NULL;
    *n = cw->priv->count[k - 1];
    return &cw->rows[k - 1];
}

/* ---- building rows ------------------------------------------------------------------- */

typedef struct row_tmp {
    mm_mapping_row row;
    mm_row_extra x;
    size_t order; /* file order, to keep the sort stable */
    const char *path;
} row_tmp;

static int cmp_rows(const void *a, const void *b)
{
    const row_tmp *x = a, *y = b;
    if (x->x.source_index != y->x.source_index)
        return x->x.source_index < y->x.source_index ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Sorts tmp, copies it into cw and indexes it. */
static int finish(mm_crosswalk *cw, row_tmp *tmp, size_t n)
{
    mm_arena *a = cw->priv->arena;
    if (n)
        qsort(tmp, n, sizeof(*tmp), cmp_rows);
    mm_mapping_row *rows = mm_arena_calloc(a, n ? n : 1, sizeof(*rows));
    cw->priv->extra = mm_arena_calloc(a, n ? n : 1, sizeof(mm_row_extra));
    cw->priv->count = mm_arena_calloc(a, n ? n : 1, sizeof(size_t));
    if (mm_arena_failed(a))
        return MM_ENOMEM;
    size_t first = 0;
    for (size_t i = 0; i < n; i++) {
        rows[i] = tmp[i].row;
        cw->priv->extra[i] = tmp[i].x;
        if (i == 0 || tmp[i].x.source_index != tmp[first].x.source_index) {
            first = i;
            if (mm_map_put(&cw->priv->first, rows[i].source, (void *)(uintptr_t)(i + 1)))
                return MM_ENOMEM;
        }
        cw->priv->count[first]++;
    }
    cw->rows = rows;
    cw->nrows = n;
    return MM_OK;
}

/* ---- reading a mapping collection ---------------------------------------------------- */

typedef struct mreader {
    const char *name;
    const mm_pack *src, *tgt;
    mm_arena *a;
    row_tmp *tmp;
    size_t n, cap;
    mm_map pairs;   /* "source\ttarget" -> row_tmp index + 1 */
    size_t nset;    /* maps relating several criteria at once */
    size_t matched; /* mappings relating src -> tgt */
    char **seen;    /* peeking: the "source\ttarget" pack pairs, in file order */
    size_t nseen;
} mreader;

/* The items of sources/targets at path.key, each checked against pack: *n of them, the first
 * in *out and *oscal. */
static int map_items(const mm_criterion **out, const char **oscal, size_t *n, const json_t *map,
                     const char *key, const mm_pack *pack, const mreader *r, const char *path)
{
    json_t *arr;
    char ap[PATH_SIZE], ip[PATH_SIZE], rp[PATH_SIZE];
    int rc = mm_json_get_array(&arr, map, key, true, r->name, path);
    if (rc)
        return rc;
    mm_json_path_key(ap, sizeof(ap), path, key);
    *n = json_array_size(arr);
    if (*n == 0)
        return mm_json_fail(r->name, ap, "expected at least one item");
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item)
    {
        mm_json_path_index(ip, sizeof(ip), ap, i);
        if (!json_is_object(item))
            return mm_json_fail(r->name, ip, "expected an object, found %s",
                                mm_json_type_name(item));
        const char *type, *idref;
        if ((rc = mm_json_get_string(&type, item, "type", true, r->name, ip)) ||
            (rc = mm_json_get_string(&idref, item, "id-ref", true, r->name, ip)))
            return rc;
        if (strcmp(type, "control") != 0) {
            mm_json_path_key(rp, sizeof(rp), ip, "type");
            return mm_json_fail(r->name, rp, "expected \"control\", found \"%s\"", type);
        }
        const mm_criterion *c = mm_pack_criterion(pack, idref);
        if (!c) {
            mm_json_path_key(rp, sizeof(rp), ip, "id-ref");
            return mm_json_fail(r->name, rp, "'%s' is not a control of %s", idref, pack->id);
        }
        if (i == 0) {
            *out = c;
            *oscal = pack->priv->oscal[mm_pack_criterion_index(pack, c)];
        }
    }
    return MM_OK;
}

static int read_map(mreader *r, const json_t *map, const char *path)
{
    const char *rel, *citation, *remarks;
    char rp[PATH_SIZE];
    int rc;
    if (!json_is_object(map))
        return mm_json_fail(r->name, path, "expected a map (an object), found %s",
                            mm_json_type_name(map));
    const char *uuid;
    if ((rc = mm_json_get_string(&uuid, map, "uuid", true, r->name, path)) ||
        (rc = mm_json_get_string(&rel, map, "relationship", true, r->name, path)) ||
        (rc = mm_json_get_string(&remarks, map, "remarks", false, r->name, path)) ||
        (rc = mm_oscal_prop(&citation, map, "citation", r->name, path)))
        return rc;
    row_tmp t = {.order = r->n};
    mm_json_path_key(rp, sizeof(rp), path, "relationship");
    if (mm_relation_parse(&t.row.relation, rel))
        return mm_json_fail(r->name, rp,
                            "unknown relationship '%s' (expected equivalent-to, equal-to, "
                            "subset-of, superset-of, intersects-with or no-relationship)",
                            rel);
    if (!citation || !*citation) {
        mm_json_path_key(rp, sizeof(rp), path, "props");
        return mm_json_fail(r->name, rp,
                            "no citation: every relation needs a prop \"citation\" naming "
                            "its published source");
    }
    const mm_criterion *s, *g;
    size_t ns, ng;
    if ((rc = map_items(&s, &t.x.source_oscal, &ns, map, "sources", r->src, r, path)) ||
        (rc = map_items(&g, &t.x.target_oscal, &ng, map, "targets", r->tgt, r, path)))
        return rc;
    if (ns != 1 || ng != 1) {
        /* a set related to a set (a whole scheme recognised): checked, but it says nothing
         * about its members one by one, so it gives no criterion's row */
        r->nset++;
        return MM_OK;
    }
    t.row.source = s->id;
    t.row.target = g->id;
    t.row.citation = mm_arena_strdup(r->a, citation);
    t.row.remarks = remarks ? mm_arena_strdup(r->a, remarks) : NULL;
    t.x.source_index = mm_pack_criterion_index(r->src, s);
    t.x.target_index = mm_pack_criterion_index(r->tgt, g);
    t.path = mm_arena_strdup(r->a, path);
    char *key = mm_arena_printf(r->a, "%s\t%s", s->id, g->id);
    if (mm_arena_failed(r->a))
        return MM_ENOMEM;
    uintptr_t k = (uintptr_t)mm_map_get(&r->pairs, key);
    if (k && r->tmp[k - 1].row.relation != t.row.relation)
        return mm_json_fail(r->name, rp,
                            "%s -> %s is related twice with contradicting types: %s at %s, "
                            "%s here",
                            s->id, g->id, mm_relation_oscal(r->tmp[k - 1].row.relation),
                            r->tmp[k - 1].path, rel);
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        row_tmp *m = realloc(r->tmp, cap * sizeof(*m));
        if (!m)
            return MM_ENOMEM;
        r->tmp = m;
        r->cap = cap;
    }
    r->tmp[r->n++] = t;
    if (!k && mm_map_put(&r->pairs, key, (void *)(uintptr_t)r->n))
        return MM_ENOMEM;
    return MM_OK;
}

/* The framework-id of a source-resource / target-resource. */
static int resource_id(const char **out, const json_t *mapping, const char *key, const char *name,
                       const char *path)
{
    json_t *res;
    const char *type, *href;
    char rp[PATH_SIZE];
    int rc = mm_json_get_object(&res, mapping, key, true, name, path);
    mm_json_path_key(rp, sizeof(rp), path, key);
    if (rc || (rc = mm_json_get_string(&type, res, "type", true, name, rp)) ||
        (rc = mm_json_get_string(&href, res, "href", true, name, rp)) ||
        (rc = mm_oscal_prop(out, res, "framework-id", name, rp)))
        return rc;
    if (!*out) {
        char pp[PATH_SIZE];
        mm_json_path_key(pp, sizeof(pp), rp, "props");
        return mm_json_fail(name, pp, "no prop \"framework-id\" naming the framework pack");
    }
    return MM_OK;
}

/* The mappings of a collection as an array (OSCAL allows one object in place of it): a new
 * reference, or NULL after setting the error. */
static json_t *mappings_of(const json_t *coll, const char *name, int *rc)
{
    json_t *m = json_object_get(coll, "mappings");
    if (json_is_array(m) && json_array_size(m) > 0)
        return json_incref(m);
    if (json_is_object(m)) {
        json_t *arr = json_array();
        if (!arr || json_array_append(arr, m)) {
            json_decref(arr);
            *rc = MM_ENOMEM;
            return NULL;
        }
        return arr;
    }
    *rc = mm_json_fail(name, "$.mapping-collection.mappings",
                       m ? "expected a non-empty array of mappings, found %s"
                         : "\"mappings\" is missing (expected %s)",
                       m ? mm_json_type_name(m) : "an array of mappings");
    return NULL;
}

static int note_pair(mreader *r, const char *s, const char *t)
{
    char key[300];
    snprintf(key, sizeof(key), "%s\t%s", s, t);
    for (size_t i = 0; i < r->nseen; i++)
        if (strcmp(r->seen[i], key) == 0)
            return MM_OK;
    char **m = realloc(r->seen, (r->nseen + 1) * sizeof(*m));
    if (!m)
        return MM_ENOMEM;
    r->seen = m;
    if (!(r->seen[r->nseen] = strdup(key)))
        return MM_ENOMEM;
    r->nseen++;
    return MM_OK;
}

static int read_collection(mm_crosswalk *cw, mreader *r, const json_t *root, const char **src_id,
                           const char **tgt_id)
{
    json_t *coll, *meta;
    const char *uuid, *title;
    int rc;
    if (!json_is_object(root))
        return mm_json_fail(r->name, "$", "expected an OSCAL mapping collection, found %s",
                            mm_json_type_name(root));
    if ((rc = mm_json_get_object(&coll, root, "mapping-collection", true, r->name, "$")) ||
        (rc = mm_json_get_string(&uuid, coll, "uuid", true, r->name, "$.mapping-collection")) ||
        (rc = mm_json_get_object(&meta, coll, "metadata", true, r->name, "$.mapping-collection")) ||
        (rc = mm_json_get_string(&title, meta, "title", true, r->name,
                                 "$.mapping-collection.metadata")))
        return rc;
    json_t *maps_arr = mappings_of(coll, r->name, &rc);
    if (!maps_arr)
        return rc;
    char mp[PATH_SIZE], ap[PATH_SIZE], jp[PATH_SIZE];
    size_t i, j;
    json_t *mapping, *map;
    json_array_foreach(maps_arr, i, mapping)
    {
        const char *s, *t;
        json_t *maps;
        mm_json_path_index(mp, sizeof(mp), "$.mapping-collection.mappings", i);
        if (!json_is_object(mapping)) {
            rc = mm_json_fail(r->name, mp, "expected a mapping (an object), found %s",
                              mm_json_type_name(mapping));
            break;
        }
        if ((rc = mm_json_get_string(&uuid, mapping, "uuid", true, r->name, mp)) ||
            (rc = resource_id(&s, mapping, "source-resource", r->name, mp)) ||
            (rc = resource_id(&t, mapping, "target-resource", r->name, mp)) ||
            (rc = mm_json_get_array(&maps, mapping, "maps", true, r->name, mp)))
            break;
        if (i == 0) {
            *src_id = s;
            *tgt_id = t;
        }
        if (!r->src || !r->tgt) { /* peeking: note each pair once */
            if ((rc = note_pair(r, s, t)))
                break;
            continue;
        }
        /* a collection may relate several pairs of packs: only this pair's mappings */
        if (!mm_streq(s, r->src->id) || !mm_streq(t, r->tgt->id))
            continue;
        r->matched++;
        mm_json_path_key(ap, sizeof(ap), mp, "maps");
        json_array_foreach(maps, j, map)
        {
            mm_json_path_index(jp, sizeof(jp), ap, j);
            if ((rc = read_map(r, map, jp)))
                break;
        }
        if (rc)
            break;
    }
    json_decref(maps_arr);
    if (!rc && r->src && !r->matched)
        rc = mm_json_fail(r->name, "$.mapping-collection.mappings",
                          "no mapping relates %s -> %s (source-resource and target-resource "
                          "framework-id props)",
                          r->src->id, r->tgt->id);
    if (!rc && r->src) {
        cw->nset_maps = r->nset;
        cw->title = mm_arena_strdup(r->a, title);
        cw->source_pack = mm_arena_strdup(r->a, r->src->id);
        cw->target_pack = mm_arena_strdup(r->a, r->tgt->id);
        cw->file = mm_arena_strdup(r->a, r->name);
        rc = mm_arena_failed(r->a) ? MM_ENOMEM : finish(cw, r->tmp, r->n);
    }
    return rc;
}

int mm_crosswalk_parse(mm_crosswalk **out, const char *data, size_t len, const char *name,
                       const mm_pack *source, const mm_pack *target)
{
    *out = NULL;
    if (!source || !target) {
        mm_error_set("%s: a crosswalk needs its source and target packs", name);
        return MM_EUSAGE;
    }
    json_t *root = NULL;
    mm_crosswalk *cw = crosswalk_new();
    if (!cw)
        return MM_ENOMEM;
    mreader r = {.name = name, .src = source, .tgt = target, .a = cw->priv->arena};
    const char *s = NULL, *t = NULL;
    int rc = mm_json_load(&root, data, len, name, 0);
    if (!rc)
        rc = read_collection(cw, &r, root, &s, &t);
    json_decref(root);
    free(r.tmp);
    mm_map_free(&r.pairs);
    if (rc) {
        mm_crosswalk_free(cw);
        return rc;
    }
    *out = cw;
    return MM_OK;
}

int mm_crosswalk_load_file(mm_crosswalk **out, const char *path, const mm_pack *source,
                           const mm_pack *target)
{
    *out = NULL;
    char *data;
    size_t len;
    int rc = mm_file_read(&data, &len, path, MM_FRAMEWORK_MAX_BYTES);
    if (rc)
        return rc;
    rc = mm_crosswalk_parse(out, data, len, path, source, target);
    free(data);
    return rc;
}

int mm_crosswalk_peek(char **source, char **target, const char *data, size_t len, const char *name)
{
    *source = *target = NULL;
    json_t *root = NULL;
    mreader r = {.name = name};
    const char *s = NULL, *t = NULL;
    int rc = mm_json_load(&root, data, len, name, 0);
    if (!rc)
        rc = read_collection(NULL, &r, root, &s, &t);
    for (size_t i = 0; i < r.nseen; i++)
        free(r.seen[i]);
    free(r.seen);
    if (!rc) {
        *source = strdup(s);
        *target = strdup(t);
        if (!*source || !*target) {
            free(*source);
            free(*target);
            *source = *target = NULL;
            rc = MM_ENOMEM;
        }
    }
    json_decref(root);
    return rc;
}

int mm_crosswalk_pairs(char ***pairs, size_t *n, const char *data, size_t len, const char *name)
{
    *pairs = NULL;
    *n = 0;
    json_t *root = NULL;
    mreader r = {.name = name};
    const char *s = NULL, *t = NULL;
    int rc = mm_json_load(&root, data, len, name, 0);
    if (!rc)
        rc = read_collection(NULL, &r, root, &s, &t);
    json_decref(root);
    if (rc) {
        for (size_t i = 0; i < r.nseen; i++)
            free(r.seen[i]);
        free(r.seen);
        return rc;
    }
    *pairs = r.seen;
    *n = r.nseen;
    return MM_OK;
}

int mm_crosswalk_invert(mm_crosswalk **out, const mm_crosswalk *cw)
{
    *out = NULL;
    mm_crosswalk *inv = crosswalk_new();
    row_tmp *tmp = calloc(cw->nrows ? cw->nrows : 1, sizeof(*tmp));
    int rc = MM_ENOMEM;
    if (!inv || !tmp)
        goto done;
    mm_arena *a = inv->priv->arena;
    inv->title =
        mm_arena_printf(a, "%s (read from %s to %s)", cw->title, cw->target_pack, cw->source_pack);
    inv->source_pack = mm_arena_strdup(a, cw->target_pack);
    inv->target_pack = mm_arena_strdup(a, cw->source_pack);
    inv->file = mm_arena_strdup(a, cw->file);
    inv->nset_maps = cw->nset_maps;
    for (size_t i = 0; i < cw->nrows; i++) {
        const mm_mapping_row *r = &cw->rows[i];
        const mm_row_extra *x = &cw->priv->extra[i];
        tmp[i].row.source = mm_arena_strdup(a, r->target);
        tmp[i].row.target = mm_arena_strdup(a, r->source);
        tmp[i].row.relation = mm_relation_inverse(r->relation);
        tmp[i].row.citation = mm_arena_strdup(a, r->citation);
        tmp[i].row.remarks = r->remarks ? mm_arena_strdup(a, r->remarks) : NULL;
        tmp[i].x.source_index = x->target_index;
        tmp[i].x.target_index = x->source_index;
        tmp[i].x.source_oscal = mm_arena_strdup(a, x->target_oscal);
        tmp[i].x.target_oscal = mm_arena_strdup(a, x->source_oscal);
        tmp[i].order = i;
    }
    rc = mm_arena_failed(a) ? MM_ENOMEM : finish(inv, tmp, cw->nrows);
done:
    free(tmp);
    if (rc) {
        mm_crosswalk_free(inv);
        return rc;
    }
    *out = inv;
    return MM_OK;
}

/* ---- writing OSCAL ----------------------------------------------------------------- */

static json_t *prop(const char *name, const char *value)
{
    return json_pack("{s:s, s:s, s:s}", "name", name, "ns", MM_FRAMEWORK_NS, "value", value);
}

static json_t *resource(const char *pack)
{
    return json_pack("{s:s, s:s, s:[o]}", "type", "catalog", "href",
                     mm_streq(pack, "800-171r3")   ? "#sp800-171r3"
                     : mm_streq(pack, "800-53r5")  ? "#sp800-53r5"
                     : mm_streq(pack, "800-171r2") ? "#sp800-171r2"
                                                   : "#framework",
                     "props", prop("framework-id", pack));
}

char *mm_crosswalk_to_oscal(const mm_crosswalk *cw)
{
    char uuid[37], name[512];
    json_t *maps = json_array();
    for (size_t i = 0; maps && i < cw->nrows; i++) {
        const mm_mapping_row *r = &cw->rows[i];
        const mm_row_extra *x = &cw->priv->extra[i];
        snprintf(name, sizeof(name), "mamori crosswalk %s %s %s %s %s", cw->source_pack,
                 cw->target_pack, r->source, r->target ? r->target : "", r->citation);
        mm_uuid_v5(uuid, name);
        json_t *m = json_pack("{s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:s}], s:[o]}", "uuid", uuid,
                              "relationship", mm_relation_oscal(r->relation), "sources", "type",
                              "control", "id-ref", x->source_oscal, "targets", "type", "control",
                              "id-ref", x->target_oscal ? x->target_oscal : "", "props",
                              prop("citation", r->citation));
        if (m && r->remarks)
            json_object_set_new(m, "remarks", json_string(r->remarks));
        if (!m || json_array_append_new(maps, m)) {
            json_decref(maps);
            return NULL;
        }
    }
    snprintf(name, sizeof(name), "mamori crosswalk %s %s", cw->source_pack, cw->target_pack);
    mm_uuid_v5(uuid, name);
    char muuid[37];
    snprintf(name, sizeof(name), "mamori crosswalk mapping %s %s", cw->source_pack,
             cw->target_pack);
    mm_uuid_v5(muuid, name);
    json_t *doc = json_pack(
        "{s:{s:s, s:{s:s, s:s, s:s, s:s}, s:{s:s, s:s, s:s, s:s}, s:[{s:s, s:o, s:o, s:o}]}}",
        "mapping-collection", "uuid", uuid, "metadata", "title", cw->title, "last-modified",
        "2026-12-07T00:00:00Z", "version", "1", "oscal-version", "1.2.1", "provenance", "method",
        "human", "matching-rationale", "semantic", "status", "complete", "mapping-description",
        "Relations as published by the source cited on each map.", "mappings", "uuid", muuid,
        "source-resource", resource(cw->source_pack), "target-resource", resource(cw->target_pack),
        "maps", maps);
    if (!doc)
        return NULL;
    char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return s;
}
