/* mamori serve: the sharing core under TLP 2.0 (docs/sharing.md, docs/api.md
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
#include "server/share_core.h"
#include "util/util.h"

/* ---- who is reading, and what an item allows ------------------------------------------- */

void share_ctx_free(share_ctx *c)
{
    json_decref(c->tree);
    json_decref(c->comms);
    memset(c, 0, sizeof(*c));
}

int share_ctx_load(http_req *r, share_ctx *c)
{
    memset(c, 0, sizeof(*c));
    int rc = mm_store_org_tree(r->st, &c->tree);
    if (rc == MM_OK)
        rc = mm_store_list_communities(r->st, &c->comms, NULL);
    if (rc) {
        share_ctx_free(c);
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

void share_reader_free(reader_buf *b)
{
    free(b->comms);
    memset(b, 0, sizeof(*b));
}

/* A reader: user_id of org_id (user_id 0: any plain user of the organization); org_id NULL
 * is an anonymous reader. false when out of memory. */
bool share_reader_of(const share_ctx *c, reader_buf *b, int64_t user_id, const char *org_id)
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
bool share_reader_of_request(const share_ctx *c, reader_buf *b, const http_req *r)
{
    if (!r->who.authenticated)
        return share_reader_of(c, b, 0, NULL);
    return share_reader_of(c, b, r->who.user_id, r->who.org_id);
}

void share_access_free(access_buf *b)
{
    free(b->orgs);
    free(b->users);
    free(b->reshared);
    memset(b, 0, sizeof(*b));
}

/* The access data of an item as the store gives it (mm_store_list_items). */
bool share_access_of(const json_t *item, access_buf *b)
{
    memset(b, 0, sizeof(*b));
    mm_tlp t;
    if (mm_tlp_parse(&t, json_string_value(json_object_get(item, "tlp"))) != MM_OK)
        t = MM_TLP_RED; /* never happens (a CHECK constraint); fail closed */
    json_t *rec = json_object_get(item, "recipients");
    json_t *orgs = json_object_get(rec, "orgs"), *users = json_object_get(rec, "users");
    b->orgs = calloc(json_array_size(orgs) + 1, sizeof(*b->orgs));
    b->users = calloc(json_array_size(users) + 1, sizeof(*b->users));
    json_t *reshares = json_object_get(item, "reshares");
    b->reshared = calloc(json_array_size(reshares) + 1, sizeof(*b->reshared));
    if (!b->orgs || !b->users || !b->reshared) {
        share_access_free(b);
        return false;
    }
    size_t i;
    json_t *x;
    json_array_foreach(orgs, i, x) b->orgs[b->a.n_recipient_orgs++] = json_string_value(x);
    json_array_foreach(users, i, x) b->users[b->a.n_recipient_users++] = json_integer_value(x);
    json_array_foreach(reshares, i, x)
    {
        const char *to = json_string_value(json_object_get(x, "to_org"));
        if (to)
            b->reshared[b->a.n_reshared_orgs++] = to;
    }
    b->a.reshared_orgs = b->reshared;
    b->a.tlp = t;
    b->a.originator_org = json_string_value(json_object_get(item, "originator_org"));
    b->a.originator_user = json_integer_value(json_object_get(item, "originator_user"));
    b->a.recipient_orgs = b->orgs;
    b->a.recipient_users = b->users;
    b->a.community_id = json_string_value(json_object_get(item, "community_id"));
    return true;
}

/* THE helper every read path uses: may this reader see this item (mm_tlp_may_read)? */
bool share_readable(const reader_buf *rd, const json_t *item)
{
    access_buf ab;
    if (!share_access_of(item, &ab))
        return false;
    bool ok = mm_tlp_may_read(&ab.a, &rd->r, NULL);
    share_access_free(&ab);
    return ok;
}

mm_tlp share_tlp_of(const json_t *item)
{
    mm_tlp t = MM_TLP_RED;
    if (mm_tlp_parse(&t, json_string_value(json_object_get(item, "tlp"))) != MM_OK)
        t = MM_TLP_RED;
    return t;
}

/* An item as the API shows it: the label as FIRST writes it. A new reference. */
json_t *share_item_out(const json_t *item)
{
    json_t *o = json_deep_copy(item);
    if (o)
        json_object_set_new(o, "tlp", json_string(mm_tlp_label(share_tlp_of(item))));
    return o;
}

/* Appends "item.read" for every RED, AMBER+STRICT or AMBER item of items (one
 * transaction). via: "list", "search", "get", "export". */
int share_audit_reads(http_req *r, json_t *items, const char *via)
{
    bool any = false;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) any = any || share_tlp_of(it) >= MM_TLP_AMBER;
    if (!any)
        return MM_OK;
    int rc = mm_store_begin(r->st);
    json_array_foreach(items, i, it)
    {
        mm_tlp t = share_tlp_of(it);
        if (rc || t < MM_TLP_AMBER)
            continue;
        rc = mm_audit_note(r->st, r->who.login, "item.read",
                           json_string_value(json_object_get(it, "id")),
                           json_pack("{s:s,s:s,s:s}", "via", via, "tlp", mm_tlp_label(t), "org_id",
                                     r->who.org_id));
    }
    return mm_audited_commit(r->st, rc, NULL, NULL, NULL, NULL);
}

/* ---- recipients given by name ---------------------------------------------------------- */

/* logins -> [user id, ...]; orgs checked to exist. false after filling out (400). */
bool share_resolve_recipients(http_req *r, reply *out, const json_t *logins, const json_t *orgs,
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

bool share_community_exists(http_req *r, const char *id)
{
    json_t *c = NULL;
    if (mm_store_get_community(r->st, &c, id) != MM_OK)
        return false;
    json_decref(c);
    return true;
}

/* ---- items: create --------------------------------------------------------------------- */

void share_reply_item(http_req *r, reply *out, unsigned status, const char *id)
{
    json_t *it = NULL;
    int rc = mm_store_list_items(r->st, &it, id);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, status, share_item_out(it));
    json_decref(it);
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

int share_visible(http_req *r, const char *q, json_t **out)
{
    share_ctx c;
    json_t *all = NULL;
    *out = NULL;
    int rc = share_ctx_load(r, &c);
    if (rc == MM_OK)
        rc = mm_store_list_items(r->st, &all, NULL);
    if (rc) {
        share_ctx_free(&c);
        return rc;
    }
    reader_buf rd;
    json_t *vis = json_array();
    if (!vis || !share_reader_of_request(&c, &rd, r)) {
        json_decref(vis);
        json_decref(all);
        share_ctx_free(&c);
        return MM_ENOMEM;
    }
    size_t i;
    json_t *it;
    json_array_foreach(all, i, it)
    {
        if (share_readable(&rd, it) && matches(it, q))
            json_array_append(vis, it);
    }
    share_reader_free(&rd);
    json_decref(all);
    share_ctx_free(&c);
    *out = vis;
    return MM_OK;
}

json_t *share_readable_item(http_req *r, reply *out, const char *id)
{
    share_ctx c;
    json_t *it = NULL;
    int rc = mm_store_list_items(r->st, &it, id);
    if (rc == MM_ENOTFOUND) {
        reply_error(out, 404, "not_found", "no such item");
        return NULL;
    }
    if (rc == MM_OK)
        rc = share_ctx_load(r, &c);
    if (rc) {
        json_decref(it);
        reply_store_error(out, rc);
        return NULL;
    }
    reader_buf rd;
    bool ok = share_reader_of_request(&c, &rd, r) && share_readable(&rd, it);
    share_reader_free(&rd);
    share_ctx_free(&c);
    if (!ok) {
        json_decref(it);
        reply_error(out, 404, "not_found", "no such item");
        return NULL;
    }
    return it;
}

/* How a single item is answered: as it is, the mamori export, or a STIX 2.1 bundle. */
