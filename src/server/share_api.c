/* mamori serve: the shared items' API (docs/sharing.md, docs/api.md "Shared items"):
 * communities, creating items, the read paths (list, count, get, export, STIX) and STIX
 * import. Who may read what is the sharing core's (share_core.c). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"
#include "server/bodies.h"
#include "server/share_core.h"
#include "util/util.h"

/* ---- communities ----------------------------------------------------------------------- */

int community_create(http_req *r, const char *name, const char *desc, char id[37], act_fail *f)
{
    mm_store_new_id(id);
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_create_community(r->st, id, name, desc ? desc : "", r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "community.create", id,
                           json_pack("{s:s?}", "name", name));
    if (rc == MM_ECONFLICT)
        return act_failed(f, ACT_CONFLICT, rc, "$.name: a community named '%.100s' exists already",
                          name);
    if (rc)
        return act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
    return MM_OK;
}

void h_communities_create(http_req *r, reply *out)
{
    const char *name = json_string_value(json_object_get(r->json, "name"));
    const char *desc = json_string_value(json_object_get(r->json, "description"));
    char id[37];
    act_fail f = {0};
    json_t *c = NULL;
    int rc = community_create(r, name, desc, id, &f);
    if (rc) {
        reply_fail(out, &f);
        return;
    }
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

int community_member(http_req *r, const char *community, const char *org, bool add, act_fail *f)
{
    json_t *c = NULL, *o = NULL;
    if (mm_store_get_community(r->st, &c, community) != MM_OK)
        return act_failed(f, ACT_NOT_FOUND, MM_ENOTFOUND, "no such community");
    json_decref(c);
    if (add && mm_store_get_org(r->st, &o, org) != MM_OK)
        return act_failed(f, ACT_INVALID, MM_EINVALID, "$.org_id: no such organization");
    json_decref(o);
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = add ? mm_store_add_community_member(r->st, community, org, r->now)
                 : mm_store_remove_community_member(r->st, community, org);
    rc = mm_audited_commit(r->st, rc, r->who.login,
                           add ? "community.member.add" : "community.member.remove", community,
                           json_pack("{s:s?}", "org_id", org));
    if (rc == MM_ECONFLICT)
        return act_failed(f, ACT_CONFLICT, rc, "$.org_id: already a member");
    if (rc == MM_ENOTFOUND && !add)
        return act_failed(f, ACT_NOT_FOUND, rc, "not a member of the community");
    if (rc)
        return act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
    return MM_OK;
}

const body_field body_community_update[] = {
    {"name", BODY_STRING, false, 1, 100},
    {"description", BODY_STRING, false, 0, 2000},
    {NULL, 0, false, 0, 0},
};

int community_update(http_req *r, const char *id, const char *name, const char *desc, act_fail *f)
{
    json_t *c = NULL;
    if (mm_store_get_community(r->st, &c, id) != MM_OK)
        return act_failed(f, ACT_NOT_FOUND, MM_ENOTFOUND, "no such community");
    json_decref(c);
    if (name && !name[0])
        return act_failed(f, ACT_INVALID, MM_EINVALID, "$.name: give the community a name");
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_update_community(r->st, id, name, desc);
    rc = mm_audited_commit(r->st, rc, r->who.login, "community.update", id,
                           json_pack("{s:s?, s:s?}", "name", name, "description", desc));
    if (rc == MM_ECONFLICT)
        return act_failed(f, ACT_CONFLICT, rc, "$.name: a community named '%.100s' exists already",
                          name);
    if (rc)
        return act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
    return MM_OK;
}

void h_community_update(http_req *r, reply *out)
{
    act_fail f = {0};
    json_t *c = NULL;
    if (community_update(r, r->param[0], json_string_value(json_object_get(r->json, "name")),
                         json_string_value(json_object_get(r->json, "description")), &f)) {
        reply_fail(out, &f);
        return;
    }
    int rc = mm_store_get_community(r->st, &c, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, c);
}

void h_community_member_add(http_req *r, reply *out)
{
    const char *org = json_string_value(json_object_get(r->json, "org_id"));
    act_fail f = {0};
    json_t *c = NULL;
    int rc = community_member(r, r->param[0], org, true, &f);
    if (rc) {
        reply_fail(out, &f);
        return;
    }
    rc = mm_store_get_community(r->st, &c, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 201, c);
}

void h_community_member_remove(http_req *r, reply *out)
{
    act_fail f = {0};
    int rc = community_member(r, r->param[0], r->param[1], false, &f);
    if (rc) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 200,
               json_pack("{s:s,s:s,s:s}", "community_id", r->param[0], "org_id", r->param[1],
                         "status", "removed"));
}

/* The domain action of POST /api/v1/items and of the dashboard's item form (web_items.c):
 * stores a parsed item of the requester, its recipients resolved by login, its community and
 * gate checked, with its audit record ("item.create"), in one transaction. id: the new
 * item's. ACT_INVALID (the member named), ACT_STORE. */
int share_resolve(http_req *r, const json_t *logins, const json_t *orgs, json_t **out_users,
                  act_fail *f)
{
    json_t *users = json_array();
    *out_users = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(logins, i, x)
    {
        mm_user *u = NULL;
        if (mm_store_get_user(r->st, &u, json_string_value(x)) != MM_OK) {
            json_decref(users);
            return act_failed(f, ACT_INVALID, MM_EINVALID,
                              "$.recipients.users[%zu]: no such user '%.128s'", i,
                              json_string_value(x));
        }
        json_array_append_new(users, json_integer((json_int_t)u->id));
        mm_user_free(u);
    }
    json_array_foreach(orgs, i, x)
    {
        json_t *o = NULL;
        if (mm_store_get_org(r->st, &o, json_string_value(x)) != MM_OK) {
            json_decref(users);
            return act_failed(f, ACT_INVALID, MM_EINVALID,
                              "$.recipients.orgs[%zu]: no such organization", i);
        }
        json_decref(o);
    }
    *out_users = users;
    return MM_OK;
}

int share_item_create(http_req *r, const mm_share_item_body *b, char id[37], act_fail *f)
{
    json_t *users = NULL;
    int rc0 = share_resolve(r, b->recipient_users, b->recipient_orgs, &users, f);
    if (rc0)
        return rc0;
    if (b->community && !share_community_exists(r, b->community)) {
        json_decref(users);
        return act_failed(f, ACT_INVALID, MM_EINVALID, "$.community: no such community");
    }
    json_t *body = mm_share_item_stored_body(b);
    char *body_text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    mm_store_new_id(id);
    mm_item_rec rec = {.id = id,
                       .kind = "report",
                       .originator_org = r->who.org_id,
                       .originator_user = r->who.user_id,
                       .tlp = mm_tlp_name(b->tlp),
                       .community_id = b->community,
                       .title = b->title,
                       .body = body_text,
                       .sources = "[]",
                       .created = r->now,
                       .recipient_users = users,
                       .recipient_orgs = b->recipient_orgs,
                       .added_by = r->who.login};
    int rc = body_text ? mm_store_begin(r->st) : MM_ENOMEM;
    if (rc == MM_OK)
        rc = mm_store_create_item(r->st, &rec);
    bool bad_group = false; /* schema 10: the item's gates, in the same transaction */
    if (rc == MM_OK && b->gate) {
        rc = mm_store_set_item_gate(r->st, id, b->gate);
        bad_group = rc == MM_ENOTFOUND;
    }
    if (body_text)
        rc = mm_audited_commit(r->st, rc, r->who.login, "item.create", id,
                               json_pack("{s:s,s:s,s:O?}", "tlp", mm_tlp_label(b->tlp), "title",
                                         b->title, "gate", b->gate));
    free(body_text);
    json_decref(users);
    if (bad_group)
        return act_failed(f, ACT_INVALID, MM_EINVALID,
                          "$.gate.ntk_group: no such need-to-know group");
    if (rc)
        return act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
    return MM_OK;
}

void h_items_create(http_req *r, reply *out)
{
    mm_share_item_body b;
    if (mm_share_parse_item(&b, r->body ? r->body : "", r->body_len) != MM_OK) {
        reply_error(out, 400, "bad_request", "%s", mm_error_last());
        return;
    }
    char id[37];
    act_fail f = {0};
    int rc = share_item_create(r, &b, id, &f);
    mm_share_item_clear(&b);
    if (rc) {
        reply_fail(out, &f);
        return;
    }
    share_reply_item(r, out, 201, id);
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
    json_t *vis = NULL;
    int vrc = share_visible(r, q, &vis);
    if (vrc) {
        reply_store_error(out, vrc);
        return;
    }
    size_t total = json_array_size(vis);
    size_t from = (size_t)((page_no - 1) * per_page);
    json_t *page = json_array();
    for (size_t i = from; page && i < total && i < from + (size_t)per_page; i++)
        json_array_append_new(page, share_item_out(json_array_get(vis, i)));
    json_decref(vis);
    int rc = page ? share_audit_reads(r, page, q && q[0] ? "search" : "list") : MM_ENOMEM;
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
    json_t *vis = NULL;
    int vrc = share_visible(r, q, &vis);
    if (vrc) {
        reply_store_error(out, vrc);
        return;
    }
    size_t n = json_array_size(vis);
    json_decref(vis);
    reply_json(out, 200, json_pack("{s:I}", "count", (json_int_t)n));
}

/* The item of the path if the requester may read it (a new reference), else NULL after a
 * 404 that does not say whether it exists. */
enum read_as { READ_GET, READ_EXPORT, READ_STIX };

static void read_one(http_req *r, reply *out, enum read_as as)
{
    json_t *it = share_readable_item(r, out, r->param[0]);
    if (!it)
        return;
    json_t *one = json_pack("[o]", share_item_out(it));
    json_decref(it);
    int rc = one ? share_audit_reads(r, one, as == READ_GET ? "get" : "export") : MM_ENOMEM;
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

/* Stores the items of a parsed bundle as the caller's organization's, each body marked
 * "imported" (format, STIX id, time, and via), each label at least floor (may be NULL), in
 * one audited transaction ("item.import"): nothing is stored on an error. Before the commit,
 * also(r, ctx) (may be NULL) may add its own writes to the transaction. *ids gets the new
 * item ids (a new array). MM_OK or the store's code. */
int share_import_items(http_req *r, const mm_stix_import *imp, const mm_tlp *floor, const char *via,
                       int (*also)(http_req *r, void *ctx), void *ctx, json_t **ids_out)
{
    /* a RED item names its reader: the importing user */
    json_t *self = json_pack("[I]", (json_int_t)r->who.user_id);
    json_t *none = json_array();
    json_t *ids = json_array();
    *ids_out = NULL;
    int rc = self && none && ids ? mm_store_begin(r->st) : MM_ENOMEM;
    for (size_t i = 0; rc == MM_OK && i < imp->n_items; i++) {
        const mm_stix_item *it = &imp->items[i];
        mm_tlp t = floor ? mm_tlp_merge(it->tlp, *floor) : it->tlp;
        json_t *body = json_deep_copy(it->body);
        if (!body ||
            json_object_set_new(body, "imported",
                                json_pack("{s:s,s:s,s:s,s:s}", "format", imp->format, "stix_id",
                                          it->stix_id, "at", r->now, "via", via))) {
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
                           .tlp = mm_tlp_name(t),
                           .community_id = NULL,
                           .title = it->title,
                           .body = body_text,
                           .sources = "[]",
                           .created = r->now,
                           .recipient_users = t == MM_TLP_RED ? self : none,
                           .recipient_orgs = none,
                           .added_by = r->who.login};
        rc = body_text ? mm_store_create_item(r->st, &rec) : MM_ENOMEM;
        free(body_text);
        if (rc == MM_OK && json_array_append_new(ids, json_string(id)))
            rc = MM_ENOMEM;
    }
    if (rc == MM_OK && also)
        rc = also(r, ctx);
    json_decref(self);
    json_decref(none);
    rc = mm_audited_commit(
        r->st, rc, r->who.login, "item.import", "stix",
        json_pack("{s:I,s:O,s:s}", "items", (json_int_t)imp->n_items, "ids", ids, "via", via));
    if (rc)
        json_decref(ids);
    else
        *ids_out = ids;
    return rc;
}

/* POST /api/v1/items/import: a STIX 2.1 bundle (mm_stix_parse) becomes items owned by the
 * caller's organization, each body marked "imported"; ?default=LABEL for unmarked bundles.
 * All items in one transaction: nothing is stored on an error. */
int share_items_import(http_req *r, const char *text, size_t len, const mm_tlp *dflt,
                       json_t **out_ids, act_fail *f)
{
    *out_ids = NULL;
    mm_stix_import *imp = NULL;
    int rc = mm_stix_parse(&imp, text ? text : "", len, dflt);
    if (rc)
        return act_failed(f, rc == MM_EPARSE ? ACT_INVALID : ACT_UNPROCESSABLE, rc, "%s",
                          mm_error_last());
    json_t *ids = NULL;
    rc = share_import_items(r, imp, NULL, "api", NULL, NULL, &ids);
    mm_stix_import_free(imp);
    if (rc) {
        json_decref(ids);
        return act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
    }
    *out_ids = ids;
    return MM_OK;
}

void h_items_import(http_req *r, reply *out)
{
    mm_tlp dflt;
    const char *d = req_query(r, "default");
    if (d && mm_tlp_parse(&dflt, d) != MM_OK) {
        reply_error(out, 400, "bad_request", "?default=: %s", mm_error_last());
        return;
    }
    json_t *ids = NULL;
    act_fail f = {0};
    int rc = share_items_import(r, r->body, r->body_len, d ? &dflt : NULL, &ids, &f);
    if (rc) {
        if (f.kind == ACT_UNPROCESSABLE) /* the codes this endpoint has always answered */
            reply_error(out, 422, "invalid", "%s", f.msg);
        else
            reply_fail(out, &f);
        return;
    }
    json_t *items = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        json_t *one = NULL;
        if (mm_store_list_items(r->st, &one, json_string_value(v)) == MM_OK)
            json_array_append_new(items, share_item_out(one)); /* one item, not an array */
        json_decref(one);
    }
    json_decref(ids);
    reply_json(out, 201, json_pack("{s:o}", "items", items));
}
