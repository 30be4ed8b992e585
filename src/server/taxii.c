/* mamori serve: TAXII 2.1 (OASIS Standard, 10 June 2021; docs/taxii.md): discovery, one API
 * root, collections (one per TLP label, one per community), objects, manifests, versions,
 * adding objects with a status resource. Section numbers below are the standard's.
 *
 * A collection's content is exactly what the shared items' API shows the caller: every read
 * takes share_visible (share_core.c), which asks share_readable, which asks mm_tlp_may_read;
 * nothing here decides who reads what. The STIX objects are the items' STIX export
 * (mm_stix_export) and an added envelope goes through the STIX import (mm_stix_parse,
 * share_import_items) with its validation and audit record. Reads of AMBER or narrower items
 * are audited as "item.read" via "taxii", as the API's are. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"
#include "mamori/taxii.h"
#include "server/share_core.h"
#include "server/taxii.h"
#include "util/util.h"

#define ROOT "/taxii2/api/"

/* ---- collections ----------------------------------------------------------------------- */

/* What a collection holds: the items of one label, or of one community. */
typedef struct collection {
    char id[37];
    bool is_label;
    mm_tlp tlp;         /* is_label */
    char community[64]; /* !is_label */
    char title[200];
    bool can_write;
} collection;

static const char *const label_alias[] = {"tlp-clear", "tlp-green", "tlp-amber", "tlp-amber-strict",
                                          "tlp-red"};

/* A label's collection id: a UUIDv5 of a fixed name, the same on every mamori server. */
static void label_id(char out[37], mm_tlp t)
{
    char name[80];
    snprintf(name, sizeof name, "mamori taxii collection %s", mm_tlp_label(t));
    mm_uuid_v5(out, name);
}

static json_t *collection_json(const collection *c)
{
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:b,s:b,s:[s]}", "id", c->id, "title", c->title, "description",
                  c->is_label ? "the shared items of this label that you may read"
                              : "the shared items of this community that you may read",
                  "can_read", 1, "can_write", c->can_write, "media_types", MM_TAXII_STIX_MEDIA);
    if (o && c->is_label)
        json_object_set_new(o, "alias", json_string(label_alias[c->tlp]));
    return o;
}

/* The caller's collections: the five labels (anyone may be a recipient at any label), then
 * the communities as GET /api/v1/communities shows them to the caller. */
static int collections_of(http_req *r, collection **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    json_t *comms = NULL;
    int rc = mm_store_list_communities(r->st, &comms, r->who.authority ? NULL : r->who.org_id);
    if (rc)
        return rc;
    collection *c = calloc(5 + json_array_size(comms), sizeof *c);
    if (!c) {
        json_decref(comms);
        return MM_ENOMEM;
    }
    for (int t = MM_TLP_CLEAR; t <= MM_TLP_RED; t++) {
        collection *x = &c[(*n)++];
        x->is_label = true;
        x->tlp = (mm_tlp)t;
        label_id(x->id, x->tlp);
        snprintf(x->title, sizeof x->title, "%s", mm_tlp_label(x->tlp));
        x->can_write = true;
    }
    size_t i;
    json_t *cm;
    json_array_foreach(comms, i, cm)
    {
        collection *x = &c[(*n)++];
        const char *id = json_string_value(json_object_get(cm, "id"));
        snprintf(x->id, sizeof x->id, "%s", id ? id : "");
        snprintf(x->community, sizeof x->community, "%s", id ? id : "");
        snprintf(x->title, sizeof x->title, "community: %.180s",
                 json_string_value(json_object_get(cm, "name")));
        x->tlp = MM_TLP_GREEN;
    }
    json_decref(comms);
    *out = c;
    return MM_OK;
}

/* The collection of the path (r->param[0]) into *c; false after a 404 (or the store's
 * error): a collection the caller does not have is not found. */
static bool collection_of_path(http_req *r, reply *out, collection *c)
{
    collection *all = NULL;
    size_t n = 0;
    int rc = collections_of(r, &all, &n);
    if (rc) {
        reply_store_error(out, rc);
        return false;
    }
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        if (strcmp(all[i].id, r->param[0]) == 0) {
            *c = all[i];
            found = true;
        }
    }
    free(all);
    if (!found)
        reply_error(out, 404, "not_found", "no such collection");
    return found;
}

/* ---- the objects of a collection --------------------------------------------------------- */

typedef struct entry {
    json_t *obj;         /* borrowed from the bundles */
    const char *item_id; /* the item it came from (borrowed) */
    size_t item;         /* index into the items array */
    char date_added[28]; /* canonical: the item's last change */
    char version[28];    /* canonical */
    const char *version_text;
} entry;

typedef struct objset {
    json_t *items;   /* the items (as the API shows them), oldest change first */
    json_t *bundles; /* their STIX bundles */
    entry *e;
    size_t n;
} objset;

static void objset_free(objset *s)
{
    json_decref(s->items);
    json_decref(s->bundles);
    free(s->e);
    memset(s, 0, sizeof *s);
}

static int by_added(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->date_added, y->date_added);
    if (c == 0)
        c = strcmp(json_string_value(json_object_get(x->obj, "id")),
                   json_string_value(json_object_get(y->obj, "id")));
    if (c == 0)
        c = strcmp(x->version, y->version);
    return c;
}

static bool in_collection(const collection *c, const json_t *item)
{
    if (c->is_label)
        return share_tlp_of(item) == c->tlp;
    const char *cm = json_string_value(json_object_get(item, "community_id"));
    return cm && strcmp(cm, c->community) == 0;
}

/* Every STIX object of the items of collection c the caller may read (share_visible),
 * each object once (the first item that carries it: markings and identities are shared),
 * sorted by date added, then id. */
static int objects_of(http_req *r, const collection *c, objset *s)
{
    memset(s, 0, sizeof *s);
    json_t *vis = NULL;
    int rc = share_visible(r, NULL, &vis);
    if (rc)
        return rc;
    s->items = json_array();
    s->bundles = json_array();
    if (!s->items || !s->bundles) {
        json_decref(vis);
        return MM_ENOMEM;
    }
    /* the store gives newest first: walk back for oldest first */
    for (size_t i = json_array_size(vis); rc == MM_OK && i-- > 0;) {
        json_t *it = json_array_get(vis, i);
        if (!in_collection(c, it))
            continue;
        /* what came in over TAXII or federation from the caller's own organization is not
         * served back to it (it sent it; a peer would take its own items back as new) */
        json_t *body = json_object_get(it, "body");
        if ((json_object_get(body, "origin") ||
             mm_streq(json_string_value(json_object_get(json_object_get(body, "imported"), "via")),
                      "taxii")) &&
            mm_streq(json_string_value(json_object_get(it, "originator_org")), r->who.org_id))
            continue;
        json_t *o = share_item_out(it);
        if (!o) {
            rc = MM_ENOMEM;
            break;
        }
        if (mm_streq(json_string_value(json_object_get(o, "kind")), "incident"))
            rc = incident_attach(r, o);
        json_t *bundle = NULL;
        if (rc == MM_OK && mm_stix_export(&bundle, o) != MM_OK)
            rc = MM_EINVALID;
        if (rc == MM_OK) {
            json_array_append_new(s->items, o);
            json_array_append_new(s->bundles, bundle);
        } else {
            json_decref(o);
        }
    }
    json_decref(vis);
    if (rc)
        return rc;
    size_t cap = 0;
    size_t i;
    json_t *b;
    json_array_foreach(s->bundles, i, b) cap += json_array_size(json_object_get(b, "objects"));
    s->e = calloc(cap + 1, sizeof *s->e);
    if (!s->e)
        return MM_ENOMEM;
    json_array_foreach(s->bundles, i, b)
    {
        json_t *it = json_array_get(s->items, i);
        char added[28];
        if (mm_taxii_time(added, json_string_value(json_object_get(it, "modified"))) != MM_OK)
            continue; /* never happens: the store writes RFC 3339 times */
        size_t j;
        json_t *obj;
        json_array_foreach(json_object_get(b, "objects"), j, obj)
        {
            const char *id = json_string_value(json_object_get(obj, "id"));
            const char *v = mm_taxii_object_version(obj);
            char canon[28];
            if (!id || !v || mm_taxii_time(canon, v) != MM_OK)
                continue;
            bool seen = false;
            for (size_t k = 0; k < s->n && !seen; k++)
                seen = strcmp(json_string_value(json_object_get(s->e[k].obj, "id")), id) == 0 &&
                       strcmp(s->e[k].version, canon) == 0;
            if (seen)
                continue;
            entry *e = &s->e[s->n++];
            e->obj = obj;
            e->item = i;
            e->item_id = json_string_value(json_object_get(it, "id"));
            memcpy(e->date_added, added, sizeof added);
            memcpy(e->version, canon, sizeof canon);
            e->version_text = v;
        }
    }
    qsort(s->e, s->n, sizeof *s->e, by_added);
    return MM_OK;
}

/* The first and last versions (canonical) of the object id in s. */
static void first_last(const objset *s, const char *id, const char **first, const char **last)
{
    *first = *last = NULL;
    for (size_t k = 0; k < s->n; k++) {
        if (strcmp(json_string_value(json_object_get(s->e[k].obj, "id")), id) != 0)
            continue;
        if (!*first || strcmp(s->e[k].version, *first) < 0)
            *first = s->e[k].version;
        if (!*last || strcmp(s->e[k].version, *last) > 0)
            *last = s->e[k].version;
    }
}

/* The request's filters (section 3.4); false after a 400. only_id: the object of the path
 * (match[id] is then not allowed, as the standard's endpoints with an object id say). */
static bool filter_of(http_req *r, reply *out, mm_taxii_filter *f, const char *only_id,
                      bool versions)
{
    const char *id = only_id ? NULL : req_query(r, "match[id]");
    if (only_id && req_query(r, "match[id]")) {
        reply_error(out, 400, "bad_request", "match[id]: not a filter of this endpoint");
        return false;
    }
    if (versions && (req_query(r, "match[version]") || req_query(r, "match[type]"))) {
        reply_error(out, 400, "bad_request",
                    "match[version] and match[type]: not filters of the versions endpoint");
        return false;
    }
    if (mm_taxii_filter_parse(
            f, req_query(r, "added_after"), only_id ? NULL : req_query(r, "match[type]"), id,
            versions ? "all" : req_query(r, "match[version]"), req_query(r, "match[spec_version]"),
            req_query(r, "limit"), req_query(r, "next")) != MM_OK) {
        reply_error(out, 400, "bad_request", "%s", mm_error_last());
        return false;
    }
    return true;
}

/* The entries that pass f (and, with only_id, are that object), in order, into *sel. */
static size_t select_entries(const objset *s, const mm_taxii_filter *f, const char *only_id,
                             size_t *sel, size_t *n_id)
{
    size_t n = 0;
    *n_id = 0;
    for (size_t k = 0; k < s->n; k++) {
        const entry *e = &s->e[k];
        const char *id = json_string_value(json_object_get(e->obj, "id"));
        if (only_id && strcmp(id, only_id) != 0)
            continue;
        (*n_id)++;
        const char *first, *last;
        first_last(s, id, &first, &last);
        const char *type = json_string_value(json_object_get(e->obj, "type"));
        if (mm_taxii_filter_object(f, type, id, e->date_added) &&
            mm_taxii_filter_version(f, e->version, first, last))
            sel[n++] = k;
    }
    return n;
}

typedef enum view { V_OBJECTS, V_MANIFEST, V_VERSIONS } view;

/* GET objects, manifest, one object, its versions: the page of the selected entries. */
static void answer_page(http_req *r, reply *out, view v, const char *only_id)
{
    collection c;
    if (!collection_of_path(r, out, &c))
        return;
    mm_taxii_filter f;
    if (!filter_of(r, out, &f, only_id, v == V_VERSIONS))
        return;
    objset s;
    int rc = objects_of(r, &c, &s);
    size_t *sel = rc == MM_OK ? calloc(s.n + 1, sizeof *sel) : NULL;
    if (rc || !sel) {
        objset_free(&s);
        mm_taxii_filter_clear(&f);
        reply_store_error(out, rc ? rc : MM_ENOMEM);
        return;
    }
    size_t n_id = 0;
    size_t n = select_entries(&s, &f, only_id, sel, &n_id);
    if (only_id && n_id == 0) {
        free(sel);
        objset_free(&s);
        mm_taxii_filter_clear(&f);
        reply_error(out, 404, "not_found", "no such object in this collection");
        return;
    }
    size_t from = f.offset < n ? f.offset : n;
    size_t to = from + f.limit < n ? from + f.limit : n;
    json_t *list = json_array(), *read = json_array();
    bool *item_seen = calloc(json_array_size(s.items) + 1, sizeof *item_seen);
    for (size_t k = from; list && read && item_seen && k < to; k++) {
        const entry *e = &s.e[sel[k]];
        if (v == V_OBJECTS)
            json_array_append(list, e->obj);
        else if (v == V_MANIFEST)
            json_array_append_new(list, json_pack("{s:O,s:s,s:s,s:s}", "id",
                                                  json_object_get(e->obj, "id"), "date_added",
                                                  e->date_added, "version", e->version_text,
                                                  "media_type", MM_TAXII_STIX_MEDIA));
        else
            json_array_append_new(list, json_string(e->version_text));
        if (!item_seen[e->item]) {
            item_seen[e->item] = true;
            json_array_append(read, json_array_get(s.items, e->item));
        }
    }
    if (from < to) {
        snprintf(out->taxii_first, sizeof out->taxii_first, "%s", s.e[sel[from]].date_added);
        snprintf(out->taxii_last, sizeof out->taxii_last, "%s", s.e[sel[to - 1]].date_added);
    }
    free(item_seen);
    free(sel);
    objset_free(&s);
    mm_taxii_filter_clear(&f);
    /* the reads of AMBER and narrower items: audited as the API's are, before the answer */
    rc = list && read ? share_audit_reads(r, read, "taxii") : MM_ENOMEM;
    json_decref(read);
    if (rc) {
        json_decref(list);
        out->taxii_first[0] = out->taxii_last[0] = '\0';
        reply_store_error(out, rc);
        return;
    }
    /* an empty page is an empty resource (sections 3.7, 5.3) */
    json_t *body = json_object();
    if (json_array_size(list)) {
        json_object_set_new(body, "more", json_boolean(to < n));
        if (to < n) {
            char next[24];
            snprintf(next, sizeof next, "%zu", to);
            json_object_set_new(body, "next", json_string(next));
        }
        json_object_set_new(body, v == V_VERSIONS ? "versions" : "objects", list);
    } else {
        json_decref(list);
    }
    reply_json(out, 200, body);
}

void h_taxii_objects(http_req *r, reply *out)
{
    answer_page(r, out, V_OBJECTS, NULL);
}

void h_taxii_manifest(http_req *r, reply *out)
{
    answer_page(r, out, V_MANIFEST, NULL);
}

void h_taxii_object(http_req *r, reply *out)
{
    answer_page(r, out, V_OBJECTS, r->param[1]);
}

void h_taxii_versions(http_req *r, reply *out)
{
    answer_page(r, out, V_VERSIONS, r->param[1]);
}

/* ---- discovery, the API root, collections (sections 4.1, 4.2, 5.1, 5.2) ----------------- */

void h_taxii_discovery(http_req *r, reply *out)
{
    (void)r;
    reply_json(out, 200,
               json_pack("{s:s,s:s,s:s,s:[s]}", "title", "mamori TAXII 2.1", "description",
                         "shared threat information under TLP 2.0 (docs/taxii.md)", "default", ROOT,
                         "api_roots", ROOT));
}

void h_taxii_root(http_req *r, reply *out)
{
    reply_json(out, 200,
               json_pack("{s:s,s:s,s:[s],s:I}", "title", "mamori", "description",
                         "the items this server shares, one collection per TLP label and per "
                         "community",
                         "versions", MM_TAXII_MEDIA, "max_content_length",
                         (json_int_t)r->srv->max_body));
}

void h_taxii_collections(http_req *r, reply *out)
{
    collection *all = NULL;
    size_t n = 0;
    int rc = collections_of(r, &all, &n);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++)
        json_array_append_new(list, collection_json(&all[i]));
    free(all);
    reply_json(out, 200, json_pack("{s:o}", "collections", list));
}

void h_taxii_collection(http_req *r, reply *out)
{
    collection c;
    if (collection_of_path(r, out, &c))
        reply_json(out, 200, collection_json(&c));
}

/* ---- adding objects and the status resource (sections 4.3, 5.5) -------------------------- */

typedef struct add_ctx {
    const char *status_id;
    const char *collection;
    const char *body;
} add_ctx;

static int put_status(http_req *r, void *cls)
{
    const add_ctx *a = cls;
    mm_taxii_status_rec rec = {.id = a->status_id,
                               .user_id = r->who.user_id,
                               .org_id = r->who.org_id,
                               .collection = a->collection,
                               .created = r->now,
                               .body = a->body};
    return mm_store_put_taxii_status(r->st, &rec);
}

void h_taxii_add(http_req *r, reply *out)
{
    collection c;
    if (!collection_of_path(r, out, &c))
        return;
    if (!c.can_write) {
        reply_error(out, 403, "forbidden", "this collection cannot be written to");
        return;
    }
    json_t *bundle = NULL;
    int rc = mm_taxii_envelope(&bundle, r->body ? r->body : "", r->body_len);
    if (rc) {
        reply_error(out, rc == MM_EPARSE ? 400 : 422, rc == MM_EPARSE ? "bad_request" : "invalid",
                    "%s", mm_error_last());
        return;
    }
    char *text = json_dumps(bundle, JSON_COMPACT);
    mm_stix_import *imp = NULL;
    char why[512] = "";
    int prc = text ? mm_stix_parse(&imp, text, strlen(text), &c.tlp) : MM_ENOMEM;
    if (prc != MM_OK)
        snprintf(why, sizeof why, "%s", mm_error_last());
    free(text);
    char sid[37];
    mm_store_new_id(sid);
    json_t *ok = json_array(), *bad = json_array();
    size_t i;
    json_t *obj;
    json_array_foreach(json_object_get(bundle, "objects"), i, obj)
    {
        const char *v = mm_taxii_object_version(obj);
        json_t *d =
            json_pack("{s:O,s:s}", "id", json_object_get(obj, "id"), "version", v ? v : r->now);
        if (prc != MM_OK && d)
            json_object_set_new(d, "message", json_string(why));
        json_array_append_new(prc == MM_OK ? ok : bad, d);
    }
    size_t total = json_array_size(json_object_get(bundle, "objects"));
    json_decref(bundle);
    json_t *status = json_pack("{s:s,s:s,s:s,s:I,s:I,s:o,s:I,s:o,s:I,s:[]}", "id", sid, "status",
                               "complete", "request_timestamp", r->now, "total_count",
                               (json_int_t)total, "success_count", (json_int_t)json_array_size(ok),
                               "successes", ok, "failure_count", (json_int_t)json_array_size(bad),
                               "failures", bad, "pending_count", (json_int_t)0, "pendings");
    char *stext = status ? json_dumps(status, JSON_COMPACT) : NULL;
    add_ctx a = {.status_id = sid, .collection = c.id, .body = stext};
    json_t *ids = NULL;
    if (!stext) {
        rc = MM_ENOMEM;
    } else if (prc == MM_OK) {
        rc = share_import_items(r, imp, &c.tlp, "taxii", put_status, &a, &ids);
    } else {
        rc = mm_store_begin(r->st);
        if (rc == MM_OK)
            rc = put_status(r, &a);
        rc = mm_audited_commit(r->st, rc, r->who.login, "taxii.add-refused", sid,
                               json_pack("{s:s,s:s}", "collection", c.id, "reason", why));
    }
    mm_stix_import_free(imp);
    json_decref(ids);
    free(stext);
    if (rc) {
        json_decref(status);
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 202, status);
}

void h_taxii_status(http_req *r, reply *out)
{
    json_t *st = NULL;
    int rc = mm_store_get_taxii_status(r->st, &st, r->param[0], r->who.user_id);
    if (rc == MM_ENOTFOUND) {
        reply_error(out, 404, "not_found", "no such status");
        return;
    }
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, st);
}
