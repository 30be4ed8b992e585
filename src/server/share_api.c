/* mamori serve: shared threat information under TLP 2.0 (docs/sharing.md, docs/api.md
 * "Shared items"). Communities (the authority's), items with one label each, merging,
 * widening with the originator's recorded permission.
 *
 * Every read path (list, count, search, get, export, and the merge's sources) asks ONE
 * helper, share_readable, which asks mm_tlp_may_read (src/share/tlp.c). The store only
 * hands over every item's access data; nothing else here decides who sees an item. An item
 * the reader may not see answers 404, exactly as an item that does not exist. Every read of
 * a RED, AMBER+STRICT or AMBER item is written to the audit log ("item.read") before the
 * answer leaves; if that fails the answer is a 500 and nothing is shown. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"
#include "server/bodies.h"
#include "server/internal.h"
#include "util/util.h"

/* ---- who is reading, and what an item allows ------------------------------------------- */

/* What every decision of a request needs: the organizations (id, kind, parent) and the
 * communities with their members, read once per request. */
typedef struct share_ctx {
    json_t *tree;  /* [[id, kind, parent_id|null], ...] */
    json_t *comms; /* [{"id", "members": [...]}, ...] */
    const char *authority;
} share_ctx;

typedef struct reader_buf {
    mm_share_reader r;
    const char **comms;
} reader_buf;

typedef struct access_buf {
    mm_share_access a;
    const char **orgs;
    int64_t *users;
} access_buf;

static void ctx_free(share_ctx *c)
{
    json_decref(c->tree);
    json_decref(c->comms);
    memset(c, 0, sizeof(*c));
}

static int ctx_load(http_req *r, share_ctx *c)
{
    memset(c, 0, sizeof(*c));
    int rc = mm_store_org_tree(r->st, &c->tree);
    if (rc == MM_OK)
        rc = mm_store_list_communities(r->st, &c->comms, NULL);
    if (rc) {
        ctx_free(c);
        return rc;
    }
    size_t i;
    json_t *row;
    json_array_foreach(c->tree, i, row)
    {
        const char *kind = json_string_value(json_array_get(row, 1));
        if (kind && strcmp(kind, "authority") == 0) {
            c->authority = json_string_value(json_array_get(row, 0));
            break;
        }
    }
    return MM_OK;
}

static const char *parent_of(const share_ctx *c, const char *org)
{
    size_t i;
    json_t *row;
    json_array_foreach(c->tree, i, row)
    {
        const char *id = json_string_value(json_array_get(row, 0));
        if (id && org && strcmp(id, org) == 0)
            return json_string_value(json_array_get(row, 2));
    }
    return NULL;
}

static void reader_free(reader_buf *b)
{
    free(b->comms);
    memset(b, 0, sizeof(*b));
}

/* A reader: user_id of org_id (user_id 0: any plain user of the organization); org_id NULL
 * is an anonymous reader. false when out of memory. */
static bool reader_of(const share_ctx *c, reader_buf *b, int64_t user_id, const char *org_id)
{
    memset(b, 0, sizeof(*b));
    if (!org_id || !org_id[0]) {
        b->r.anonymous = true;
        return true;
    }
    b->r.user_id = user_id;
    b->r.org_id = org_id;
    b->r.parent_org = parent_of(c, org_id);
    b->r.authority_org = c->authority;
    b->r.authority = c->authority && strcmp(c->authority, org_id) == 0;
    b->comms = calloc(json_array_size(c->comms) + 1, sizeof(*b->comms));
    if (!b->comms)
        return false;
    size_t i, j;
    json_t *cm, *m;
    json_array_foreach(c->comms, i, cm)
    {
        json_array_foreach(json_object_get(cm, "members"), j, m)
        {
            if (strcmp(json_string_value(m), org_id) == 0) {
                b->comms[b->r.n_communities++] = json_string_value(json_object_get(cm, "id"));
                break;
            }
        }
    }
    b->r.communities = b->comms;
    return true;
}

/* the requester */
static bool reader_of_request(const share_ctx *c, reader_buf *b, const http_req *r)
{
    if (!r->who.authenticated)
        return reader_of(c, b, 0, NULL);
    return reader_of(c, b, r->who.user_id, r->who.org_id);
}

static void access_free(access_buf *b)
{
    free(b->orgs);
    free(b->users);
    memset(b, 0, sizeof(*b));
}

/* The access data of an item as the store gives it (mm_store_list_items). */
static bool access_of(const json_t *item, access_buf *b)
{
    memset(b, 0, sizeof(*b));
    mm_tlp t;
    if (mm_tlp_parse(&t, json_string_value(json_object_get(item, "tlp"))) != MM_OK)
        t = MM_TLP_RED; /* never happens (a CHECK constraint); fail closed */
    json_t *rec = json_object_get(item, "recipients");
    json_t *orgs = json_object_get(rec, "orgs"), *users = json_object_get(rec, "users");
    b->orgs = calloc(json_array_size(orgs) + 1, sizeof(*b->orgs));
    b->users = calloc(json_array_size(users) + 1, sizeof(*b->users));
    if (!b->orgs || !b->users) {
        access_free(b);
        return false;
    }
    size_t i;
    json_t *x;
    json_array_foreach(orgs, i, x) b->orgs[b->a.n_recipient_orgs++] = json_string_value(x);
    json_array_foreach(users, i, x) b->users[b->a.n_recipient_users++] = json_integer_value(x);
    b->a.tlp = t;
    b->a.originator_org = json_string_value(json_object_get(item, "originator_org"));
    b->a.originator_user = json_integer_value(json_object_get(item, "originator_user"));
    b->a.recipient_orgs = b->orgs;
    b->a.recipient_users = b->users;
    b->a.community_id = json_string_value(json_object_get(item, "community_id"));
    return true;
}

/* THE helper every read path uses: may this reader see this item (mm_tlp_may_read)? */
static bool share_readable(const reader_buf *rd, const json_t *item)
{
    access_buf ab;
    if (!access_of(item, &ab))
        return false;
    bool ok = mm_tlp_may_read(&ab.a, &rd->r, NULL);
    access_free(&ab);
    return ok;
}

static mm_tlp tlp_of(const json_t *item)
{
    mm_tlp t = MM_TLP_RED;
    if (mm_tlp_parse(&t, json_string_value(json_object_get(item, "tlp"))) != MM_OK)
        t = MM_TLP_RED;
    return t;
}

/* An item as the API shows it: the label as FIRST writes it. A new reference. */
static json_t *item_out(const json_t *item)
{
    json_t *o = json_deep_copy(item);
    if (o)
        json_object_set_new(o, "tlp", json_string(mm_tlp_label(tlp_of(item))));
    return o;
}

/* Appends "item.read" for every RED, AMBER+STRICT or AMBER item of items (one
 * transaction). via: "list", "search", "get", "export". */
static int audit_reads(http_req *r, json_t *items, const char *via)
{
    bool any = false;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) any = any || tlp_of(it) >= MM_TLP_AMBER;
    if (!any)
        return MM_OK;
    int rc = mm_store_begin(r->st);
    json_array_foreach(items, i, it)
    {
        mm_tlp t = tlp_of(it);
        if (rc || t < MM_TLP_AMBER)
            continue;
        json_t *d =
            json_pack("{s:s,s:s,s:s}", "via", via, "tlp", mm_tlp_label(t), "org_id", r->who.org_id);
        char *dt = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(d);
        rc = dt ? mm_store_audit_append(r->st, NULL, r->who.login, "item.read",
                                        json_string_value(json_object_get(it, "id")), dt)
                : MM_ENOMEM;
        free(dt);
    }
    if (rc == MM_OK)
        rc = mm_store_commit(r->st);
    else
        mm_store_rollback(r->st);
    return rc;
}

/* An audited write: begin was called; appends the record and commits, or rolls back. */
static int audit_commit(http_req *r, int rc, const char *action, const char *object, json_t *detail)
{
    char *dt = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    if (rc == MM_OK)
        rc = mm_store_audit_append(r->st, NULL, r->who.login, action, object, dt);
    free(dt);
    if (rc == MM_OK)
        rc = mm_store_commit(r->st);
    else
        mm_store_rollback(r->st);
    return rc;
}

/* ---- communities ----------------------------------------------------------------------- */

void h_communities_create(http_req *r, reply *out)
{
    const char *name = json_string_value(json_object_get(r->json, "name"));
    const char *desc = json_string_value(json_object_get(r->json, "description"));
    char id[37];
    mm_store_new_id(id);
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_create_community(r->st, id, name, desc ? desc : "", r->now);
    rc = audit_commit(r, rc, "community.create", id, json_pack("{s:s}", "name", name));
    if (rc == MM_ECONFLICT) {
        reply_error(out, 409, "conflict", "$.name: a community named '%.100s' exists already",
                    name);
        return;
    }
    json_t *c = NULL;
    if (rc == MM_OK)
        rc = mm_store_get_community(r->st, &c, id);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 201, c);
}

void h_communities_list(http_req *r, reply *out)
{
    json_t *items = NULL;
    int rc = mm_store_list_communities(r->st, &items, r->who.authority ? NULL : r->who.org_id);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "items", items));
}

void h_community_member_add(http_req *r, reply *out)
{
    const char *org = json_string_value(json_object_get(r->json, "org_id"));
    json_t *c = NULL, *o = NULL;
    if (mm_store_get_community(r->st, &c, r->param[0]) != MM_OK) {
        reply_error(out, 404, "not_found", "no such community");
        return;
    }
    json_decref(c);
    if (mm_store_get_org(r->st, &o, org) != MM_OK) {
        reply_error(out, 400, "bad_request", "$.org_id: no such organization");
        return;
    }
    json_decref(o);
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_add_community_member(r->st, r->param[0], org, r->now);
    rc =
        audit_commit(r, rc, "community.member.add", r->param[0], json_pack("{s:s}", "org_id", org));
    if (rc == MM_ECONFLICT) {
        reply_error(out, 409, "conflict", "$.org_id: already a member");
        return;
    }
    if (rc == MM_OK)
        rc = mm_store_get_community(r->st, &c, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 201, c);
}

void h_community_member_remove(http_req *r, reply *out)
{
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_remove_community_member(r->st, r->param[0], r->param[1]);
    rc = audit_commit(r, rc, "community.member.remove", r->param[0],
                      json_pack("{s:s}", "org_id", r->param[1]));
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200,
               json_pack("{s:s,s:s,s:s}", "community_id", r->param[0], "org_id", r->param[1],
                         "status", "removed"));
}

/* ---- recipients given by name ---------------------------------------------------------- */

/* logins -> [user id, ...]; orgs checked to exist. false after filling out (400). */
static bool resolve_recipients(http_req *r, reply *out, const json_t *logins, const json_t *orgs,
                               json_t **out_users)
{
    *out_users = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(logins, i, x)
    {
        mm_user *u = NULL;
        if (mm_store_get_user(r->st, &u, json_string_value(x)) != MM_OK) {
            reply_error(out, 400, "bad_request", "$.recipients.users[%zu]: no such user '%.128s'",
                        i, json_string_value(x));
            json_decref(*out_users);
            *out_users = NULL;
            return false;
        }
        json_array_append_new(*out_users, json_integer((json_int_t)u->id));
        mm_user_free(u);
    }
    json_array_foreach(orgs, i, x)
    {
        json_t *o = NULL;
        if (mm_store_get_org(r->st, &o, json_string_value(x)) != MM_OK) {
            reply_error(out, 400, "bad_request", "$.recipients.orgs[%zu]: no such organization", i);
            json_decref(*out_users);
            *out_users = NULL;
            return false;
        }
        json_decref(o);
    }
    return true;
}

static bool community_exists(http_req *r, const char *id)
{
    json_t *c = NULL;
    if (mm_store_get_community(r->st, &c, id) != MM_OK)
        return false;
    json_decref(c);
    return true;
}

/* ---- items: create --------------------------------------------------------------------- */

static void reply_item(http_req *r, reply *out, unsigned status, const char *id)
{
    json_t *it = NULL;
    int rc = mm_store_list_items(r->st, &it, id);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, status, item_out(it));
    json_decref(it);
}

void h_items_create(http_req *r, reply *out)
{
    mm_share_item_body b;
    if (mm_share_parse_item(&b, r->body ? r->body : "", r->body_len) != MM_OK) {
        reply_error(out, 400, "bad_request", "%s", mm_error_last());
        return;
    }
    json_t *users = NULL;
    if (!resolve_recipients(r, out, b.recipient_users, b.recipient_orgs, &users)) {
        mm_share_item_clear(&b);
        return;
    }
    if (b.community && !community_exists(r, b.community)) {
        reply_error(out, 400, "bad_request", "$.community: no such community");
        json_decref(users);
        mm_share_item_clear(&b);
        return;
    }
    json_t *body = mm_share_item_stored_body(&b);
    char *body_text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    char id[37];
    mm_store_new_id(id);
    mm_item_rec rec = {.id = id,
                       .kind = "report",
                       .originator_org = r->who.org_id,
                       .originator_user = r->who.user_id,
                       .tlp = mm_tlp_name(b.tlp),
                       .community_id = b.community,
                       .title = b.title,
                       .body = body_text,
                       .sources = "[]",
                       .created = r->now,
                       .recipient_users = users,
                       .recipient_orgs = b.recipient_orgs,
                       .added_by = r->who.login};
    int rc = body_text ? mm_store_begin(r->st) : MM_ENOMEM;
    if (rc == MM_OK)
        rc = mm_store_create_item(r->st, &rec);
    if (body_text)
        rc = audit_commit(r, rc, "item.create", id,
                          json_pack("{s:s,s:s}", "tlp", mm_tlp_label(b.tlp), "title", b.title));
    free(body_text);
    json_decref(users);
    mm_share_item_clear(&b);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_item(r, out, 201, id);
}

/* ---- items: the read paths ------------------------------------------------------------- */

/* ASCII case-insensitive substring */
static bool contains(const char *hay, const char *needle)
{
    if (!hay)
        return false;
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t k = 0;
        while (k < n && hay[k] &&
               tolower((unsigned char)hay[k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == n)
            return true;
    }
    return n == 0;
}

/* the search of ?q=: title, description, indicator values and types, attachment names and
 * hashes */
static bool matches(const json_t *item, const char *q)
{
    if (!q || !q[0])
        return true;
    json_t *body = json_object_get(item, "body");
    if (contains(json_string_value(json_object_get(item, "title")), q) ||
        contains(json_string_value(json_object_get(body, "description")), q))
        return true;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(body, "indicators"), i, x)
    {
        if (contains(json_string_value(json_object_get(x, "value")), q) ||
            contains(json_string_value(json_object_get(x, "type")), q))
            return true;
    }
    json_array_foreach(json_object_get(body, "attachments"), i, x)
    {
        if (contains(json_string_value(json_object_get(x, "name")), q) ||
            contains(json_string_value(json_object_get(x, "sha256")), q))
            return true;
    }
    return false;
}

/* Every item the requester may read (and matching q): a new array, or NULL after filling
 * out. */
static json_t *visible_items(http_req *r, reply *out, const char *q)
{
    share_ctx c;
    json_t *all = NULL;
    int rc = ctx_load(r, &c);
    if (rc == MM_OK)
        rc = mm_store_list_items(r->st, &all, NULL);
    if (rc) {
        ctx_free(&c);
        reply_store_error(out, rc);
        return NULL;
    }
    reader_buf rd;
    json_t *vis = json_array();
    if (!vis || !reader_of_request(&c, &rd, r)) {
        json_decref(vis);
        json_decref(all);
        ctx_free(&c);
        reply_error(out, 503, "unavailable", "out of memory");
        return NULL;
    }
    size_t i;
    json_t *it;
    json_array_foreach(all, i, it)
    {
        if (share_readable(&rd, it) && matches(it, q))
            json_array_append(vis, it);
    }
    reader_free(&rd);
    json_decref(all);
    ctx_free(&c);
    return vis;
}

static const char *search_of(http_req *r, reply *out, bool *bad)
{
    const char *q = req_query(r, "q");
    *bad = false;
    if (q && strlen(q) > 200) {
        reply_error(out, 400, "bad_request", "?q=: at most 200 characters");
        *bad = true;
    }
    return q;
}

void h_items_list(http_req *r, reply *out)
{
    bool bad;
    const char *q = search_of(r, out, &bad);
    if (bad)
        return;
    long long page_no = 1, per_page = 50;
    const char *p = req_query(r, "page"), *pp = req_query(r, "per_page");
    char *end = NULL;
    if (p && ((page_no = strtoll(p, &end, 10)) < 1 || *end || page_no > 1000000)) {
        reply_error(out, 400, "bad_request", "?page=: expected a whole number from 1");
        return;
    }
    if (pp && ((per_page = strtoll(pp, &end, 10)) < 1 || *end || per_page > 1000)) {
        reply_error(out, 400, "bad_request", "?per_page=: expected a whole number from 1 to 1000");
        return;
    }
    json_t *vis = visible_items(r, out, q);
    if (!vis)
        return;
    size_t total = json_array_size(vis);
    size_t from = (size_t)((page_no - 1) * per_page);
    json_t *page = json_array();
    for (size_t i = from; page && i < total && i < from + (size_t)per_page; i++)
        json_array_append_new(page, item_out(json_array_get(vis, i)));
    json_decref(vis);
    int rc = page ? audit_reads(r, page, q && q[0] ? "search" : "list") : MM_ENOMEM;
    if (rc) {
        json_decref(page);
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200,
               json_pack("{s:I,s:o,s:I,s:I}", "total", (json_int_t)total, "items", page, "page",
                         (json_int_t)page_no, "per_page", (json_int_t)per_page));
}

void h_items_count(http_req *r, reply *out)
{
    bool bad;
    const char *q = search_of(r, out, &bad);
    if (bad)
        return;
    json_t *vis = visible_items(r, out, q);
    if (!vis)
        return;
    size_t n = json_array_size(vis);
    json_decref(vis);
    reply_json(out, 200, json_pack("{s:I}", "count", (json_int_t)n));
}

/* The item of the path if the requester may read it (a new reference), else NULL after a
 * 404 that does not say whether it exists. */
static json_t *readable_item(http_req *r, reply *out, const char *id)
{
    share_ctx c;
    json_t *it = NULL;
    int rc = mm_store_list_items(r->st, &it, id);
    if (rc == MM_ENOTFOUND) {
        reply_error(out, 404, "not_found", "no such item");
        return NULL;
    }
    if (rc == MM_OK)
        rc = ctx_load(r, &c);
    if (rc) {
        json_decref(it);
        reply_store_error(out, rc);
        return NULL;
    }
    reader_buf rd;
    bool ok = reader_of_request(&c, &rd, r) && share_readable(&rd, it);
    reader_free(&rd);
    ctx_free(&c);
    if (!ok) {
        json_decref(it);
        reply_error(out, 404, "not_found", "no such item");
        return NULL;
    }
    return it;
}

/* How a single item is answered: as it is, the mamori export, or a STIX 2.1 bundle. */
enum read_as { READ_GET, READ_EXPORT, READ_STIX };

static void read_one(http_req *r, reply *out, enum read_as as)
{
    json_t *it = readable_item(r, out, r->param[0]);
    if (!it)
        return;
    json_t *one = json_pack("[o]", item_out(it));
    json_decref(it);
    int rc = one ? audit_reads(r, one, as == READ_GET ? "get" : "export") : MM_ENOMEM;
    if (rc) {
        json_decref(one);
        reply_store_error(out, rc);
        return;
    }
    json_t *o = json_incref(json_array_get(one, 0));
    json_decref(one);
    if (as == READ_EXPORT) {
        json_t *e =
            json_pack("{s:s,s:i,s:s,s:s,s:o}", "kind", "mamori-item", "version", 1, "marking",
                      json_string_value(json_object_get(o, "tlp")), "exported", r->now, "item", o);
        reply_json(out, 200, e);
        return;
    }
    if (as == READ_STIX) {
        json_t *bundle = NULL;
        /* an incident report: its incidents row too (an incident with the core extension) */
        rc = mm_streq(json_string_value(json_object_get(o, "kind")), "incident")
                 ? incident_attach(r, o)
                 : MM_OK;
        if (rc) {
            json_decref(o);
            reply_store_error(out, rc);
            return;
        }
        rc = mm_stix_export(&bundle, o);
        json_decref(o);
        if (rc) {
            reply_error(out, 500, "internal", "%s", mm_error_last());
            return;
        }
        reply_json(out, 200, bundle);
        return;
    }
    reply_json(out, 200, o);
}

void h_item_get(http_req *r, reply *out)
{
    read_one(r, out, READ_GET);
}

void h_item_export(http_req *r, reply *out)
{
    read_one(r, out, READ_EXPORT);
}

void h_item_stix(http_req *r, reply *out)
{
    read_one(r, out, READ_STIX);
}

/* ---- STIX import ----------------------------------------------------------------------- */

/* POST /api/v1/items/import: a STIX 2.1 bundle (mm_stix_parse) becomes items owned by the
 * caller's organization, each body marked "imported"; ?default=LABEL for unmarked bundles.
 * All items in one transaction: nothing is stored on an error. */
void h_items_import(http_req *r, reply *out)
{
    mm_tlp dflt;
    const char *d = req_query(r, "default");
    if (d && mm_tlp_parse(&dflt, d) != MM_OK) {
        reply_error(out, 400, "bad_request", "?default=: %s", mm_error_last());
        return;
    }
    mm_stix_import *imp = NULL;
    int rc = mm_stix_parse(&imp, r->body ? r->body : "", r->body_len, d ? &dflt : NULL);
    if (rc) {
        reply_error(out, rc == MM_EPARSE ? 400 : 422, rc == MM_EPARSE ? "bad_request" : "invalid",
                    "%s", mm_error_last());
        return;
    }
    /* a RED item names its reader: the importing user */
    json_t *self = json_pack("[I]", (json_int_t)r->who.user_id);
    json_t *none = json_array();
    json_t *ids = json_array();
    rc = self && none && ids ? mm_store_begin(r->st) : MM_ENOMEM;
    for (size_t i = 0; rc == MM_OK && i < imp->n_items; i++) {
        const mm_stix_item *it = &imp->items[i];
        json_t *body = json_deep_copy(it->body);
        if (!body || json_object_set_new(body, "imported",
                                         json_pack("{s:s,s:s,s:s}", "format", imp->format,
                                                   "stix_id", it->stix_id, "at", r->now))) {
            json_decref(body);
            rc = MM_ENOMEM;
            break;
        }
        char *body_text = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        char id[37];
        mm_store_new_id(id);
        mm_item_rec rec = {.id = id,
                           .kind = "report",
                           .originator_org = r->who.org_id,
                           .originator_user = r->who.user_id,
                           .tlp = mm_tlp_name(it->tlp),
                           .community_id = NULL,
                           .title = it->title,
                           .body = body_text,
                           .sources = "[]",
                           .created = r->now,
                           .recipient_users = it->tlp == MM_TLP_RED ? self : none,
                           .recipient_orgs = none,
                           .added_by = r->who.login};
        rc = body_text ? mm_store_create_item(r->st, &rec) : MM_ENOMEM;
        free(body_text);
        if (rc == MM_OK && json_array_append_new(ids, json_string(id)))
            rc = MM_ENOMEM;
    }
    size_t n = imp->n_items;
    mm_stix_import_free(imp);
    json_decref(self);
    json_decref(none);
    rc = audit_commit(r, rc, "item.import", "stix",
                      json_pack("{s:I,s:O}", "items", (json_int_t)n, "ids", ids));
    if (rc) {
        json_decref(ids);
        reply_store_error(out, rc);
        return;
    }
    json_t *items = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        json_t *one = NULL;
        if (mm_store_list_items(r->st, &one, json_string_value(v)) == MM_OK)
            json_array_append_new(items, item_out(one)); /* one item, not an array */
        json_decref(one);
    }
    json_decref(ids);
    reply_json(out, 201, json_pack("{s:o}", "items", items));
}

/* ---- merge ----------------------------------------------------------------------------- */

static bool in_array(const json_t *a, const json_t *v)
{
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        if (json_equal(x, v))
            return true;
    }
    return false;
}

/* may a reader read every item of items? */
static bool reads_all(const reader_buf *rd, const json_t *items)
{
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (!share_readable(rd, it))
            return false;
    }
    return true;
}

void h_items_merge(http_req *r, reply *out)
{
    char msg[200];
    json_t *j = mm_body_parse(r->body ? r->body : "", r->body_len, msg, sizeof(msg));
    if (!j) {
        reply_error(out, 400, "bad_request", "%s", msg);
        return;
    }
    json_t *ids = json_object_get(j, "ids");
    const char *title = json_string_value(json_object_get(j, "title"));
    bool ok = json_is_object(j) && json_object_size(j) == 2 && json_is_array(ids) &&
              json_array_size(ids) >= 2 && json_array_size(ids) <= 50 && title && title[0] &&
              strlen(title) <= 300;
    for (size_t i = 0; ok && i < json_array_size(ids); i++)
        ok = json_is_string(json_array_get(ids, i));
    if (!ok) {
        json_decref(j);
        reply_error(out, 400, "bad_request",
                    "$: expected {\"ids\": [2 to 50 item ids], \"title\": 1 to 300 characters}");
        return;
    }
    /* the sources: each must be readable (else 404, as if it did not exist) */
    json_t *src = json_array();
    for (size_t i = 0; i < json_array_size(ids); i++) {
        json_t *it = readable_item(r, out, json_string_value(json_array_get(ids, i)));
        if (!it) {
            json_decref(src);
            json_decref(j);
            return;
        }
        json_array_append_new(src, it);
    }
    share_ctx c;
    int rc = ctx_load(r, &c);
    if (rc) {
        json_decref(src);
        json_decref(j);
        reply_store_error(out, rc);
        return;
    }
    /* the label: the most restrictive; the community: the sources' common one */
    mm_tlp t = MM_TLP_CLEAR;
    const char *community = NULL;
    bool same_community = true;
    json_t *body = json_pack("{s:s,s:[],s:[]}", "description", "", "indicators", "attachments");
    json_t *cand_orgs = json_array(), *cand_users = json_array(), *desc = json_array();
    size_t i;
    json_t *it, *x;
    json_array_foreach(src, i, it)
    {
        t = mm_tlp_merge(t, tlp_of(it));
        const char *cm = json_string_value(json_object_get(it, "community_id"));
        if (i == 0)
            community = cm;
        else if (!cm || !community || strcmp(cm, community) != 0)
            same_community = false;
        json_t *ob = json_object_get(it, "body");
        size_t k;
        json_array_foreach(json_object_get(ob, "indicators"), k, x)
        {
            if (!in_array(json_object_get(body, "indicators"), x))
                json_array_append(json_object_get(body, "indicators"), x);
        }
        json_array_foreach(json_object_get(ob, "attachments"), k, x)
        {
            if (!in_array(json_object_get(body, "attachments"), x))
                json_array_append(json_object_get(body, "attachments"), x);
        }
        const char *d = json_string_value(json_object_get(ob, "description"));
        if (d && d[0])
            json_array_append_new(desc, json_string(d));
        json_t *org = json_object_get(it, "originator_org");
        if (!in_array(cand_orgs, org))
            json_array_append(cand_orgs, org);
        json_array_foreach(json_object_get(json_object_get(it, "recipients"), "orgs"), k, x)
        {
            if (!in_array(cand_orgs, x))
                json_array_append(cand_orgs, x);
        }
        json_t *ou = json_object_get(it, "originator_user");
        if (json_is_integer(ou) && !in_array(cand_users, ou))
            json_array_append(cand_users, ou);
        json_array_foreach(json_object_get(json_object_get(it, "recipients"), "users"), k, x)
        {
            if (!in_array(cand_users, x))
                json_array_append(cand_users, x);
        }
    }
    if (!same_community || t != MM_TLP_GREEN)
        community = NULL;
    /* the recipients: only those every source allows */
    json_t *orgs = json_array(), *users = json_array();
    json_array_foreach(cand_orgs, i, x)
    {
        const char *org = json_string_value(x);
        reader_buf rd;
        if (t == MM_TLP_RED || strcmp(org, r->who.org_id) == 0 || !reader_of(&c, &rd, 0, org))
            continue;
        if (reads_all(&rd, src))
            json_array_append(orgs, x);
        reader_free(&rd);
    }
    json_array_foreach(cand_users, i, x)
    {
        mm_user *u = NULL;
        reader_buf rd;
        if (json_integer_value(x) == r->who.user_id ||
            mm_store_get_user_by_id(r->st, &u, json_integer_value(x)) != MM_OK)
            continue;
        if (reader_of(&c, &rd, u->id, u->org_id)) {
            if (reads_all(&rd, src))
                json_array_append(users, x);
            reader_free(&rd);
        }
        mm_user_free(u);
    }
    /* the guarantee: no organization reads the merged item that a source does not allow it */
    const char **org_list = calloc(json_array_size(orgs) + 1, sizeof(*org_list));
    int64_t *user_list = calloc(json_array_size(users) + 1, sizeof(*user_list));
    json_array_foreach(orgs, i, x) if (org_list) org_list[i] = json_string_value(x);
    json_array_foreach(users, i, x) if (user_list) user_list[i] = json_integer_value(x);
    mm_share_access m = {.tlp = t,
                         .originator_org = r->who.org_id,
                         .originator_user = r->who.user_id,
                         .recipient_orgs = org_list,
                         .n_recipient_orgs = json_array_size(orgs),
                         .recipient_users = user_list,
                         .n_recipient_users = json_array_size(users),
                         .community_id = community};
    const char *wider = NULL;
    json_array_foreach(c.tree, i, x)
    {
        reader_buf rd;
        const char *org = json_string_value(json_array_get(x, 0));
        if (wider || !reader_of(&c, &rd, 0, org))
            continue;
        if (mm_tlp_may_read(&m, &rd.r, NULL) && !reads_all(&rd, src))
            wider = org;
        reader_free(&rd);
    }
    rc = org_list && user_list && body ? MM_OK : MM_ENOMEM;
    char id[37] = "";
    if (rc == MM_OK && wider) {
        reply_error(out, 409, "conflict",
                    "the merged item would reach an organization that a source does not allow "
                    "(your own organization is the merged item's originator): merge only items "
                    "your organization may read, or ask the originators");
    } else if (rc == MM_OK) {
        /* the description: the sources', one after another */
        char *joined = NULL;
        size_t len = 0;
        json_array_foreach(desc, i, x)
        {
            const char *d = json_string_value(x);
            char *n = realloc(joined, len + strlen(d) + 3);
            if (!n)
                break;
            joined = n;
            if (len) {
                memcpy(joined + len, "\n\n", 2);
                len += 2;
            }
            memcpy(joined + len, d, strlen(d) + 1);
            len += strlen(d);
        }
        json_object_set_new(body, "description", json_string(joined ? joined : ""));
        free(joined);
        char *body_text = json_dumps(body, JSON_COMPACT);
        char *sources = json_dumps(ids, JSON_COMPACT);
        mm_store_new_id(id);
        mm_item_rec rec = {.id = id,
                           .kind = "report",
                           .originator_org = r->who.org_id,
                           .originator_user = r->who.user_id,
                           .tlp = mm_tlp_name(t),
                           .community_id = community,
                           .title = title,
                           .body = body_text,
                           .sources = sources,
                           .created = r->now,
                           .recipient_users = users,
                           .recipient_orgs = orgs,
                           .added_by = r->who.login};
        rc = body_text && sources ? mm_store_begin(r->st) : MM_ENOMEM;
        if (rc == MM_OK)
            rc = mm_store_create_item(r->st, &rec);
        if (body_text && sources)
            rc = audit_commit(r, rc, "item.merge", id,
                              json_pack("{s:s,s:O}", "tlp", mm_tlp_label(t), "sources", ids));
        free(body_text);
        free(sources);
        if (rc)
            reply_store_error(out, rc);
    } else {
        reply_store_error(out, rc);
    }
    free(org_list);
    free(user_list);
    json_decref(orgs);
    json_decref(users);
    json_decref(cand_orgs);
    json_decref(cand_users);
    json_decref(desc);
    json_decref(body);
    json_decref(src);
    json_decref(j);
    ctx_free(&c);
    if (rc == MM_OK && !wider)
        reply_item(r, out, 201, id);
}

/* ---- widening: share and permissions --------------------------------------------------- */

/* {"users": [logins], "orgs": [ids]}: false after filling out */
static bool recipients_ok(reply *out, const json_t *rec, const char *where)
{
    if (!rec)
        return true;
    if (!json_is_object(rec)) {
        reply_error(out, 400, "bad_request", "%s: expected an object", where);
        return false;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)rec, key, v)
    {
        if ((strcmp(key, "users") != 0 && strcmp(key, "orgs") != 0) || !json_is_array(v) ||
            json_array_size(v) > 200) {
            reply_error(out, 400, "bad_request",
                        "%s: only \"users\" and \"orgs\", arrays of at most 200 strings", where);
            return false;
        }
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (!json_is_string(x) || json_string_length(x) < 1 || json_string_length(x) > 128) {
                reply_error(out, 400, "bad_request", "%s.%s: expected strings", where, key);
                return false;
            }
        }
    }
    return true;
}

/* is every element of want in some permission's member name? */
static bool permitted_all(const json_t *perms, const char *name, const json_t *want)
{
    size_t i;
    json_t *x;
    json_array_foreach(want, i, x)
    {
        bool found = false;
        size_t k;
        json_t *p;
        json_array_foreach(perms, k, p)
        {
            found = found || in_array(json_object_get(json_object_get(p, "what"), name), x);
        }
        if (!found)
            return false;
    }
    return true;
}

void h_item_share(http_req *r, reply *out)
{
    char msg[200];
    json_t *j = mm_body_parse(r->body ? r->body : "", r->body_len, msg, sizeof(msg));
    if (!j) {
        reply_error(out, 400, "bad_request", "%s", msg);
        return;
    }
    json_t *it = NULL, *perms = NULL, *users = NULL;
    const char *key;
    json_t *v;
    bool ok = json_is_object(j);
    json_object_foreach(j, key, v)
    {
        ok = ok && (strcmp(key, "tlp") == 0 || strcmp(key, "community") == 0 ||
                    strcmp(key, "recipients") == 0);
    }
    if (!ok) {
        reply_error(out, 400, "bad_request", "$: only tlp, community and recipients");
        goto done;
    }
    json_t *rec = json_object_get(j, "recipients");
    if (!recipients_ok(out, rec, "$.recipients"))
        goto done;
    it = readable_item(r, out, r->param[0]);
    if (!it)
        goto done;
    mm_tlp cur = tlp_of(it), want = cur;
    const char *tl = json_string_value(json_object_get(j, "tlp"));
    if (json_object_get(j, "tlp") && (!tl || mm_tlp_parse(&want, tl) != MM_OK)) {
        reply_error(out, 400, "bad_request", "$.tlp: not a TLP 2.0 label");
        goto done;
    }
    if (want > cur) {
        reply_error(out, 400, "bad_request",
                    "$.tlp: sharing only widens; %s is narrower than the item's %s",
                    mm_tlp_label(want), mm_tlp_label(cur));
        goto done;
    }
    json_t *cv = json_object_get(j, "community");
    const char *community = json_string_value(cv);
    if (cv && !community) {
        reply_error(out, 400, "bad_request", "$.community: expected a community id");
        goto done;
    }
    if (community && want != MM_TLP_GREEN) {
        reply_error(out, 400, "bad_request",
                    "$.community: a community is the audience of "
                    "TLP:GREEN only");
        goto done;
    }
    if (community && !community_exists(r, community)) {
        reply_error(out, 400, "bad_request", "$.community: no such community");
        goto done;
    }
    json_t *logins = json_object_get(rec, "users"), *orgs = json_object_get(rec, "orgs");
    if (want == MM_TLP_RED && json_array_size(orgs) > 0) {
        reply_error(out, 400, "bad_request",
                    "$.recipients.orgs: TLP:RED goes to named individuals only");
        goto done;
    }
    /* the originator's organization, or its recorded permission */
    const char *origin = json_string_value(json_object_get(it, "originator_org"));
    if (!origin || strcmp(origin, r->who.org_id) != 0) {
        int rc = mm_store_list_item_permissions(r->st, &perms, r->param[0], r->who.org_id);
        if (rc) {
            reply_store_error(out, rc);
            goto done;
        }
        bool allowed = json_array_size(perms) > 0;
        if (allowed && want < cur) {
            bool label_ok = false;
            size_t k;
            json_t *p;
            json_array_foreach(perms, k, p)
            {
                mm_tlp w;
                const char *ws =
                    json_string_value(json_object_get(json_object_get(p, "what"), "widen_to"));
                label_ok = label_ok || (ws && mm_tlp_parse(&w, ws) == MM_OK && want >= w);
            }
            allowed = label_ok;
        }
        if (allowed && community) {
            json_t *one = json_pack("[s]", community);
            allowed = permitted_all(perms, "community_ids", one);
            json_decref(one);
        }
        allowed =
            allowed && permitted_all(perms, "orgs", orgs) && permitted_all(perms, "users", logins);
        if (!allowed) {
            reply_error(out, 403, "forbidden",
                        "sharing wider than the label needs the originator organization's "
                        "recorded permission (POST /api/v1/items/{id}/permissions), and this "
                        "change is not covered by one");
            goto done;
        }
    }
    if (!resolve_recipients(r, out, logins, orgs, &users))
        goto done;
    const char *new_comm =
        community ? community : json_string_value(json_object_get(it, "community_id"));
    if (want != MM_TLP_GREEN && want != MM_TLP_CLEAR)
        new_comm = NULL;
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK && (want != cur || community))
        rc = mm_store_set_item_label(r->st, r->param[0], mm_tlp_name(want), new_comm, r->now);
    if (rc == MM_OK)
        rc = mm_store_add_item_recipients(r->st, r->param[0], users, orgs, r->now, r->who.login);
    json_t *detail = json_pack("{s:s,s:s,s:O}", "from", mm_tlp_label(cur), "to", mm_tlp_label(want),
                               "recipients", rec ? rec : json_null());
    rc = audit_commit(r, rc, "item.share", r->param[0], detail);
    if (rc) {
        reply_store_error(out, rc);
        goto done;
    }
    reply_item(r, out, 200, r->param[0]);
done:
    json_decref(users);
    json_decref(perms);
    json_decref(it);
    json_decref(j);
}

void h_item_permission(http_req *r, reply *out)
{
    char msg[200];
    json_t *j = mm_body_parse(r->body ? r->body : "", r->body_len, msg, sizeof(msg));
    if (!j) {
        reply_error(out, 400, "bad_request", "%s", msg);
        return;
    }
    json_t *it = NULL, *what = NULL;
    const char *grantee = json_string_value(json_object_get(j, "org_id"));
    bool ok = json_is_object(j) && grantee;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (strcmp(key, "org_id") == 0)
            continue;
        if (strcmp(key, "widen_to") == 0) {
            mm_tlp w;
            ok = ok && json_is_string(v) && mm_tlp_parse(&w, json_string_value(v)) == MM_OK;
        } else if (strcmp(key, "orgs") == 0 || strcmp(key, "users") == 0 ||
                   strcmp(key, "community_ids") == 0) {
            ok = ok && json_is_array(v) && json_array_size(v) <= 200;
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x) ok = ok && json_is_string(x);
        } else {
            ok = false;
        }
    }
    if (!ok || json_object_size(j) < 2) {
        reply_error(out, 400, "bad_request",
                    "$: expected {\"org_id\", and any of \"widen_to\": label, \"orgs\": [ids], "
                    "\"users\": [logins], \"community_ids\": [ids]}");
        goto done;
    }
    it = readable_item(r, out, r->param[0]);
    if (!it)
        goto done;
    const char *origin = json_string_value(json_object_get(it, "originator_org"));
    if (!origin || strcmp(origin, r->who.org_id) != 0) {
        reply_error(out, 403, "forbidden",
                    "only the originator organization's users record permissions to share");
        goto done;
    }
    json_t *o = NULL;
    if (mm_store_get_org(r->st, &o, grantee) != MM_OK) {
        reply_error(out, 400, "bad_request", "$.org_id: no such organization");
        goto done;
    }
    json_decref(o);
    what = json_deep_copy(j);
    json_object_del(what, "org_id");
    char *wt = what ? json_dumps(what, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    int64_t pid = 0;
    int rc = wt ? mm_store_begin(r->st) : MM_ENOMEM;
    if (rc == MM_OK)
        rc = mm_store_add_item_permission(r->st, &pid, r->param[0], grantee, wt, r->who.login,
                                          r->now);
    if (wt)
        rc = audit_commit(r, rc, "item.permission", r->param[0],
                          json_pack("{s:s,s:O}", "grantee_org", grantee, "what", what));
    free(wt);
    if (rc) {
        reply_store_error(out, rc);
        goto done;
    }
    reply_json(out, 201,
               json_pack("{s:I,s:s,s:s,s:O,s:s,s:s}", "id", (json_int_t)pid, "item_id", r->param[0],
                         "grantee_org", grantee, "what", what, "granted_by", r->who.login,
                         "granted", r->now));
done:
    json_decref(what);
    json_decref(it);
    json_decref(j);
}

/* ---- for the other kinds of shared items (incident_api.c) ------------------------------ */

json_t *share_visible_items(http_req *r, reply *out)
{
    return visible_items(r, out, NULL);
}

int share_audit_reads(http_req *r, json_t *items, const char *via)
{
    return audit_reads(r, items, via);
}
