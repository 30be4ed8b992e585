/*
 * STIX 2.1 import: a bundle's reports and notes become shared items (TLP 1.0 or 2.0 markings,
 * most restrictive wins; other marking definitions kept). Pure: no store, no I/O. Outside
 * input: tests/fuzz/fuzz_stix.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mamori/share.h"
#include "share/stix_internal.h"
#include "util/json.h"
#include "util/util.h"

/* TLP 1.0 (STIX 2.1 section 7.2.1.4): WHITE is read as CLEAR. */
static const struct {
    const char *id;
    mm_tlp tlp;
} tlp1[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", MM_TLP_CLEAR},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", MM_TLP_GREEN},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", MM_TLP_AMBER},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", MM_TLP_RED},
};

/* ---- import ---------------------------------------------------------------------------- */

/* Before jansson sees the text: nesting depth and string lengths. */
static int prescan(const char *text, size_t len)
{
    int depth = 0;
    bool in_str = false;
    size_t str_start = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_str) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                in_str = false;
                if (i - str_start > MAX_STRING)
                    return stix_fail(MM_EINVALID,
                                     "bundle: a string longer than 1 MiB (at byte %zu)", str_start);
            }
            continue;
        }
        if (c == '"') {
            in_str = true;
            str_start = i;
        } else if (c == '[' || c == '{') {
            if (++depth > MAX_DEPTH)
                return stix_fail(MM_EINVALID, "bundle: nested deeper than %d levels (at byte %zu)",
                                 MAX_DEPTH, i);
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    if (in_str && len - str_start > MAX_STRING)
        return stix_fail(MM_EINVALID, "bundle: a string longer than 1 MiB (at byte %zu)",
                         str_start);
    return MM_OK;
}

/* The bundle's objects and an index of them by id ({"id": position}). */
typedef struct bundle_ctx {
    const json_t *objects;
    json_t *index;
} bundle_ctx;

static const json_t *find_object(const bundle_ctx *b, const char *id, size_t *pos)
{
    const json_t *k = json_object_get(b->index, id);
    if (!k)
        return NULL;
    if (pos)
        *pos = (size_t)json_integer_value(k);
    return json_array_get(b->objects, (size_t)json_integer_value(k));
}

/* A marking definition of the bundle that is not TLP (a statement, an AIS/ACS marking, ...),
 * as it is kept on the item and exported again: its own members, as STIX 2.1. */
static json_t *kept_marking(const json_t *def)
{
    static const char *const members[] = {"id",         "created",         "name",
                                          "definition", "definition_type", "extensions"};
    json_t *m = json_pack("{s:s,s:s}", "type", "marking-definition", "spec_version", "2.1");
    for (size_t i = 0; m && i < sizeof(members) / sizeof(members[0]); i++) {
        json_t *v = json_object_get(def, members[i]);
        if (v && json_object_set(m, members[i], v)) {
            json_decref(m);
            return NULL;
        }
    }
    return m;
}

/* Adds a kept marking to kept (once). */
static int keep_marking(json_t *kept, const json_t *def)
{
    const char *id = json_string_value(json_object_get(def, "id"));
    size_t i;
    json_t *m;
    json_array_foreach(
        kept, i, m) if (mm_streq(json_string_value(json_object_get(m, "id")), id)) return MM_OK;
    if (json_array_size(kept) >= 20)
        return stix_fail(MM_EINVALID, "bundle: more than 20 non-TLP markings on one report");
    if (json_array_append_new(kept, kept_marking(def)))
        return stix_fail(MM_ENOMEM, "out of memory");
    return MM_OK;
}

/* The label a marking id stands for. 1: a TLP marking (*t set), 0: a non-TLP marking
 * defined in the bundle (a statement, an AIS/ACS marking: no effect on the label; added to
 * kept when kept is not NULL), <0: unknown (message set). */
static int marking_of(mm_tlp *t, const bundle_ctx *objects, const char *id, const char *where,
                      json_t *kept)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(id, stix_tlp2_ids[i]) == 0) {
            *t = (mm_tlp)i;
            return 1;
        }
    for (size_t i = 0; i < sizeof(tlp1) / sizeof(tlp1[0]); i++)
        if (strcmp(id, tlp1[i].id) == 0) {
            *t = tlp1[i].tlp;
            return 1;
        }
    const json_t *def = find_object(objects, id, NULL);
    if (def && mm_streq(json_string_value(json_object_get(def, "type")), "marking-definition")) {
        /* a TLP 1.0 definition under another id is not a TLP marking we know */
        if (mm_streq(json_string_value(json_object_get(def, "definition_type")), "tlp") ||
            json_object_get(json_object_get(def, "extensions"), TLP2_EXT))
            return stix_fail(MM_EINVALID,
                             "bundle: %s: %.120s is a TLP definition under an id that is not "
                             "TLP's own",
                             where, id);
        return kept ? keep_marking(kept, def) : 0;
    }
    return stix_fail(
        MM_EINVALID,
        "bundle: %s: unknown marking definition %.120s (neither TLP nor defined in the "
        "bundle)",
        where, id);
}

/* The most restrictive TLP marking of object o (index k). 1: marked, 0: unmarked, <0. */
static int object_tlp(mm_tlp *out, const bundle_ctx *objects, const json_t *o, size_t k,
                      json_t *kept)
{
    char where[160];
    bool marked = false;
    mm_tlp best = MM_TLP_CLEAR;
    const json_t *refs = json_object_get(o, "object_marking_refs");
    if (refs) {
        snprintf(where, sizeof(where), "$.objects[%zu].object_marking_refs", k);
        if (!json_is_array(refs))
            return stix_fail(MM_EINVALID, "bundle: %s: expected an array of marking ids", where);
        size_t i;
        json_t *r;
        json_array_foreach(refs, i, r)
        {
            snprintf(where, sizeof(where), "$.objects[%zu].object_marking_refs[%zu]", k, i);
            if (!json_is_string(r))
                return stix_fail(MM_EINVALID, "bundle: %s: expected a marking id (a string)",
                                 where);
            mm_tlp t;
            int m = marking_of(&t, objects, json_string_value(r), where, kept);
            if (m < 0)
                return m;
            if (m == 1) {
                best = marked ? mm_tlp_merge(best, t) : t;
                marked = true;
            }
        }
    }
    const json_t *gm = json_object_get(o, "granular_markings");
    if (gm) {
        snprintf(where, sizeof(where), "$.objects[%zu].granular_markings", k);
        if (!json_is_array(gm))
            return stix_fail(MM_EINVALID, "bundle: %s: expected an array", where);
        size_t i;
        json_t *g;
        json_array_foreach(gm, i, g)
        {
            snprintf(where, sizeof(where), "$.objects[%zu].granular_markings[%zu].marking_ref", k,
                     i);
            const json_t *r = json_object_get(g, "marking_ref");
            if (!r)
                continue; /* a language marking */
            if (!json_is_string(r))
                return stix_fail(MM_EINVALID, "bundle: %s: expected a marking id (a string)",
                                 where);
            mm_tlp t;
            int m = marking_of(&t, objects, json_string_value(r), where, kept);
            if (m < 0)
                return m;
            if (m == 1) {
                best = marked ? mm_tlp_merge(best, t) : t;
                marked = true;
            }
        }
    }
    *out = best;
    return marked ? 1 : 0;
}

/* A pattern's string literal at *pp, unescaped (the caller frees it), *pp moved past it;
 * NULL when there is none (or out of memory). */
static char *unquote(const char **pp)
{
    const char *p = *pp;
    if (*p != '\'')
        return NULL;
    p++;
    size_t n = strlen(p);
    char *v = malloc(n + 1);
    if (!v)
        return NULL;
    char *w = v;
    for (; *p && *p != '\''; p++) {
        if (*p == '\\' && (p[1] == '\\' || p[1] == '\''))
            p++;
        *w++ = *p;
    }
    *w = '\0';
    if (*p != '\'') {
        free(v);
        return NULL;
    }
    *pp = p + 1;
    return v;
}

/* Reads back "[PATH = 'literal']" (or the attachment form) into our indicator. 1: read,
 * 0: not a pattern we write, <0: out of memory. */
static int read_pattern(json_t *indicators, json_t *attachments, const char *pat)
{
    static const char att[] = "[file:name = ";
    if (strncmp(pat, att, sizeof(att) - 1) == 0) {
        const char *p = pat + sizeof(att) - 1;
        char *name = unquote(&p);
        static const char mid[] = " AND file:hashes.'SHA-256' = ";
        char *sha = NULL;
        if (name && strncmp(p, mid, sizeof(mid) - 1) == 0) {
            p += sizeof(mid) - 1;
            sha = unquote(&p);
        }
        int rc = 0;
        if (name && sha && strcmp(p, "]") == 0)
            rc = json_array_append_new(attachments,
                                       json_pack("{s:s,s:s}", "name", name, "sha256", sha))
                     ? -1
                     : 1;
        free(name);
        free(sha);
        return rc;
    }
    /* file:hashes.KEY: the hash algorithm's name matched without regard to case, quoted or
     * not (OASIS's APT1 example writes file:hashes.md5) */
    static const char hashes[] = "[file:hashes.";
    if (strncmp(pat, hashes, sizeof(hashes) - 1) == 0) {
        const char *p = pat + sizeof(hashes) - 1;
        char key[16];
        size_t n = 0;
        bool quoted = *p == '\'';
        if (quoted)
            p++;
        while (*p && *p != '\'' && *p != ' ' && n < sizeof(key) - 1)
            key[n++] = *p++;
        key[n] = '\0';
        if (quoted && *p++ != '\'')
            return 0;
        if (strncmp(p, " = ", 3) != 0)
            return 0;
        p += 3;
        for (size_t i = 0; i < stix_npatterns; i++) {
            const char *path = stix_patterns[i].path;
            if (strncmp(path, "file:hashes.", 12) != 0)
                continue;
            path += 12;
            size_t pn = strlen(path);
            if (path[0] == '\'') {
                path++;
                pn -= 2;
            }
            if (pn != n || strncasecmp(path, key, n) != 0)
                continue;
            char *v = unquote(&p);
            int rc = 0;
            if (v && strcmp(p, "]") == 0)
                rc = json_array_append_new(indicators, json_pack("{s:s,s:s}", "type",
                                                                 stix_patterns[i].type, "value", v))
                         ? -1
                         : 1;
            free(v);
            return rc;
        }
        return 0;
    }
    for (size_t i = 0; i < stix_npatterns; i++) {
        size_t n = strlen(stix_patterns[i].path);
        if (pat[0] != '[' || strncmp(pat + 1, stix_patterns[i].path, n) != 0 ||
            strncmp(pat + 1 + n, " = ", 3) != 0)
            continue;
        const char *p = pat + 1 + n + 3;
        char *v = unquote(&p);
        int rc = 0;
        if (v && strcmp(p, "]") == 0)
            rc = json_array_append_new(
                     indicators, json_pack("{s:s,s:s}", "type", stix_patterns[i].type, "value", v))
                     ? -1
                     : 1;
        free(v);
        return rc;
    }
    return 0;
}

static const char *str_member(const json_t *o, const char *name, size_t k, bool required, int *rc)
{
    const json_t *v = json_object_get(o, name);
    if (!v) {
        if (required)
            *rc = stix_fail(MM_EINVALID, "bundle: $.objects[%zu].%s: required", k, name);
        return NULL;
    }
    if (!json_is_string(v)) {
        *rc = stix_fail(MM_EINVALID, "bundle: $.objects[%zu].%s: expected a string", k, name);
        return NULL;
    }
    return json_string_value(v);
}

static void item_clear(mm_stix_item *it)
{
    free(it->title);
    free(it->stix_id);
    json_decref(it->body);
}

void mm_stix_import_free(mm_stix_import *imp)
{
    if (!imp)
        return;
    for (size_t i = 0; i < imp->n_items; i++)
        item_clear(&imp->items[i]);
    free(imp->items);
    free(imp);
}

/* The refusal of an object without a TLP marking (and no default label): names the non-TLP
 * marking it carries, if any. */
static int no_tlp(size_t k, const char *what, const char *id, const json_t *kept)
{
    const json_t *m = json_array_get(kept, 0);
    if (!m)
        return stix_fail(MM_EINVALID,
                         "bundle: $.objects[%zu]: %s %.120s carries no TLP marking (and no default "
                         "label is set)",
                         k, what, id);
    const char *name = json_string_value(json_object_get(m, "name"));
    const char *dt = json_string_value(json_object_get(m, "definition_type"));
    return stix_fail(
        MM_EINVALID,
        "bundle: $.objects[%zu]: %s %.120s carries no TLP marking, only %.120s (%s %.80s), "
        "and no default label is set",
        k, what, id, json_string_value(json_object_get(m, "id")),
        name ? "name"
        : dt ? "definition_type"
             : "an extension",
        name ? name
        : dt ? dt
             : "");
}

/* One item from the report or note at objects[k]. */
static int import_one(mm_stix_item *it, const bundle_ctx *objects, size_t k, const mm_tlp *dflt)
{
    const json_t *o = json_array_get(objects->objects, k);
    bool note = mm_streq(json_string_value(json_object_get(o, "type")), "note");
    int rc = MM_OK;
    const char *id = str_member(o, "id", k, true, &rc);
    const char *title = str_member(o, note ? "abstract" : "name", k, !note, &rc);
    const char *desc = str_member(o, note ? "content" : "description", k, note, &rc);
    if (rc)
        return rc;
    if (!title)
        title = desc; /* a note without an abstract: its content */
    size_t tlen = strlen(title);
    char *short_title = NULL;
    if (tlen == 0)
        return stix_fail(MM_EINVALID, "bundle: $.objects[%zu].%s: empty", k,
                         note ? "content" : "name");
    if (tlen > 300) {
        /* cut at a character boundary */
        size_t cut = 300;
        while (cut > 0 && ((unsigned char)title[cut] & 0xC0) == 0x80)
            cut--;
        short_title = strndup(title, cut);
        if (!short_title)
            return stix_fail(MM_ENOMEM, "out of memory");
        title = short_title;
    }
    mm_tlp t;
    json_t *inds = json_array(), *atts = json_array(), *kept = json_array();
    mm_buf extra = MM_BUF_INIT;
    rc = MM_ENOMEM;
    if (!inds || !atts || !kept)
        goto done;
    int m = object_tlp(&t, objects, o, k, kept);
    if (m < 0) {
        rc = m;
        goto done;
    }
    bool marked = m == 1;
    if (!marked && !dflt) {
        rc = no_tlp(k, note ? "note" : "report", id, kept);
        goto done;
    }
    rc = MM_ENOMEM;
    const json_t *refs = json_object_get(o, "object_refs");
    if (refs && !json_is_array(refs)) {
        rc = stix_fail(MM_EINVALID, "bundle: $.objects[%zu].object_refs: expected an array of ids",
                       k);
        goto done;
    }
    size_t i;
    json_t *r;
    json_array_foreach(refs, i, r)
    {
        if (!json_is_string(r)) {
            rc = stix_fail(MM_EINVALID, "bundle: $.objects[%zu].object_refs[%zu]: expected an id",
                           k, i);
            goto done;
        }
        size_t j = 0;
        const json_t *ind = find_object(objects, json_string_value(r), &j);
        if (!ind || !mm_streq(json_string_value(json_object_get(ind, "type")), "indicator"))
            continue; /* not in the bundle, or not an indicator: nothing to take */
        int irc = MM_OK;
        const char *pat = str_member(ind, "pattern", j, true, &irc);
        const char *ptype = str_member(ind, "pattern_type", j, false, &irc);
        if (irc) {
            rc = irc;
            goto done;
        }
        mm_tlp it_t;
        size_t n_kept = json_array_size(kept);
        int im = object_tlp(&it_t, objects, ind, j, kept);
        if (im < 0) {
            rc = im;
            goto done;
        }
        if (im == 0 && !dflt) {
            json_t *own = json_array();
            for (size_t q = n_kept; own && q < json_array_size(kept); q++)
                json_array_append(own, json_array_get(kept, q));
            rc = own ? no_tlp(j, "indicator", json_string_value(r), own) : MM_ENOMEM;
            json_decref(own);
            goto done;
        }
        if (im == 1) {
            t = marked ? mm_tlp_merge(t, it_t) : it_t;
            marked = true;
        }
        size_t before = json_array_size(inds);
        int got = (!ptype || strcmp(ptype, "stix") == 0) ? read_pattern(inds, atts, pat) : 0;
        if (got < 0)
            goto done;
        /* valid_from is kept (and exported again) */
        const json_t *vf = json_object_get(ind, "valid_from");
        if (got == 1 && json_array_size(inds) > before &&
            stix_is_timestamp(json_string_value(vf)) &&
            json_object_set(json_array_get(inds, before), "valid_from", (json_t *)vf))
            goto done;
        if (got == 0)
            mm_buf_printf(&extra, "\n- %s: %s", ptype ? ptype : "stix", pat);
        if (extra.failed)
            goto done;
        if (json_array_size(inds) > 1000 || json_array_size(atts) > 100) {
            rc = stix_fail(MM_EINVALID,
                           "bundle: $.objects[%zu].object_refs: more than 1000 indicators "
                           "or 100 attachments",
                           k);
            goto done;
        }
    }
    if (!marked)
        t = *dflt;
    char *text = stix_mk("%s%s%s", desc ? desc : "", extra.len ? "\n\nPatterns kept as text:" : "",
                         extra.len ? extra.data : "");
    if (!text)
        goto done;
    it->body =
        json_pack("{s:s,s:O,s:O}", "description", text, "indicators", inds, "attachments", atts);
    if (it->body && json_array_size(kept) && json_object_set(it->body, "markings", kept)) {
        json_decref(it->body);
        it->body = NULL;
    }
    free(text);
    it->title = strdup(title);
    it->stix_id = strdup(id);
    it->tlp = t;
    if (!it->body || !it->title || !it->stix_id) {
        item_clear(it);
        memset(it, 0, sizeof(*it));
        goto done;
    }
    rc = MM_OK;
done:
    if (rc == MM_ENOMEM)
        mm_error_set("out of memory");
    json_decref(inds);
    json_decref(atts);
    json_decref(kept);
    mm_buf_free(&extra);
    free(short_title);
    return rc;
}

int mm_stix_parse(mm_stix_import **out, const char *text, size_t len, const mm_tlp *default_tlp)
{
    *out = NULL;
    int rc = prescan(text, len);
    if (rc)
        return rc;
    json_t *j = NULL;
    rc = mm_json_load(&j, text, len, "bundle", 0);
    if (rc)
        return rc;
    json_t *index = NULL;
    mm_stix_import *imp = calloc(1, sizeof(*imp));
    if (!imp) {
        rc = stix_fail(MM_ENOMEM, "out of memory");
        goto done;
    }
    if (!json_is_object(j)) {
        rc = stix_fail(MM_EINVALID, "bundle: $: expected a bundle object");
        goto done;
    }
    if (!mm_streq(json_string_value(json_object_get(j, "type")), "bundle")) {
        rc = stix_fail(MM_EINVALID, "bundle: $.type: expected \"bundle\"");
        goto done;
    }
    const json_t *objects = json_object_get(j, "objects");
    if (!json_is_array(objects)) {
        rc = stix_fail(MM_EINVALID, "bundle: $.objects: expected an array of STIX objects");
        goto done;
    }
    size_t n = json_array_size(objects);
    if (n > MAX_OBJECTS) {
        rc = stix_fail(MM_EINVALID, "bundle: $.objects: %zu objects, more than %d", n, MAX_OBJECTS);
        goto done;
    }
    bundle_ctx ctx = {objects, json_object()};
    index = ctx.index;
    if (!index) {
        rc = stix_fail(MM_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        const json_t *o = json_array_get(objects, k);
        if (!json_is_object(o)) {
            rc = stix_fail(MM_EINVALID, "bundle: $.objects[%zu]: expected an object", k);
            goto done;
        }
        const char *id = str_member(o, "id", k, true, &rc);
        if (rc)
            goto done;
        if (json_object_set_new(index, id, json_integer((json_int_t)k))) {
            rc = stix_fail(MM_ENOMEM, "out of memory");
            goto done;
        }
    }
    size_t wanted = 0;
    bool stix20 = false;
    for (size_t k = 0; k < n; k++) {
        const json_t *o = json_array_get(objects, k);
        if (!json_is_object(o)) {
            rc = stix_fail(MM_EINVALID, "bundle: $.objects[%zu]: expected an object", k);
            goto done;
        }
        const char *type = str_member(o, "type", k, true, &rc);
        if (rc)
            goto done;
        if (strcmp(type, "marking-definition") == 0 || strcmp(type, "extension-definition") == 0)
            continue;
        /* every other object is checked for its markings, imported or not */
        mm_tlp t;
        json_t *kept = json_array();
        int m = kept ? object_tlp(&t, &ctx, o, k, kept) : stix_fail(MM_ENOMEM, "out of memory");
        if (m == 0 && !default_tlp)
            m = no_tlp(k, type, json_string_value(json_object_get(o, "id")), kept);
        json_decref(kept);
        if (m < 0) {
            rc = m;
            goto done;
        }
        if (strcmp(type, "report") == 0 || strcmp(type, "note") == 0) {
            wanted++;
            const json_t *sv = json_object_get(o, "spec_version");
            if (sv && !mm_streq(json_string_value(sv), "2.1") &&
                !mm_streq(json_string_value(sv), "2.0")) {
                rc = stix_fail(MM_EINVALID,
                               "bundle: $.objects[%zu].spec_version: expected \"2.1\" (or \"2.0\", "
                               "read as 2.1)",
                               k);
                goto done;
            }
            if (!mm_streq(json_string_value(sv), "2.1"))
                stix20 = true;
        }
    }
    /* STIX 2.0 (the bundle says so, or its objects carry no spec_version): read as 2.1, the
     * differences being in what is not imported (labels, TLP 1.0 markings are read as such) */
    const char *bv = json_string_value(json_object_get(j, "spec_version"));
    if (bv && strcmp(bv, "2.0") != 0) {
        rc = stix_fail(MM_EINVALID,
                       "bundle: $.spec_version: \"%.20s\" (2.0 bundles say \"2.0\"; "
                       "2.1 bundles carry none)",
                       bv);
        goto done;
    }
    imp->format = bv || stix20 ? "stix-2.0 (upgraded to stix-2.1)" : "stix-2.1";
    if (wanted == 0) {
        rc = stix_fail(MM_EINVALID, "bundle: $.objects: no report or note to import");
        goto done;
    }
    imp->items = calloc(wanted, sizeof(*imp->items));
    if (!imp->items) {
        rc = stix_fail(MM_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        const char *type = json_string_value(json_object_get(json_array_get(objects, k), "type"));
        if (strcmp(type, "report") != 0 && strcmp(type, "note") != 0)
            continue;
        rc = import_one(&imp->items[imp->n_items], &ctx, k, default_tlp);
        if (rc)
            goto done;
        imp->n_items++;
    }
    *out = imp;
    imp = NULL;
done:
    mm_stix_import_free(imp);
    json_decref(index);
    json_decref(j);
    return rc;
}
