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
    c->st = r->st;
    snprintf(c->today, sizeof c->today, "%.10s", r->now);
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
    free(b->clearances);
    free(b->groups);
    free(b->policy);
    json_decref(b->gates);
    memset(b, 0, sizeof(*b));
}

/* the reader's clearances, groups, nationality, country and the policy (schema 10) */
static bool reader_gates(const share_ctx *c, reader_buf *b, int64_t user_id, const char *org_id)
{
    memcpy(b->today, c->today, sizeof b->today);
    b->r.today = b->today[0] ? b->today : NULL;
    if (!c->st || mm_store_reader_facts(c->st, &b->gates, user_id, org_id) != MM_OK)
        return false;
    json_t *cl = json_object_get(b->gates, "clearances");
    json_t *gr = json_object_get(b->gates, "groups");
    json_t *po = json_object_get(b->gates, "policy");
    b->clearances = calloc(json_array_size(cl) + 1, sizeof(*b->clearances));
    b->groups = calloc(json_array_size(gr) + 1, sizeof(*b->groups));
    b->policy = calloc(json_array_size(po) + 1, sizeof(*b->policy));
    if (!b->clearances || !b->groups || !b->policy)
        return false;
    size_t i;
    json_t *x;
    json_array_foreach(cl, i, x)
    {
        b->clearances[i] = (mm_clearance){
            .regime = json_string_value(json_object_get(x, "regime")),
            .level = json_string_value(json_object_get(x, "level")),
            .granted = json_string_value(json_object_get(x, "granted")),
            .expires = json_string_value(json_object_get(x, "expires")),
            .facility = json_is_true(json_object_get(x, "facility")),
        };
    }
    json_array_foreach(gr, i, x) b->groups[i] = json_string_value(x);
    json_array_foreach(po, i, x)
    {
        b->policy[i] = (mm_clearance_rule){
            .held_regime = json_string_value(json_object_get(x, "held_regime")),
            .held_level = json_string_value(json_object_get(x, "held_level")),
            .required_regime = json_string_value(json_object_get(x, "required_regime")),
            .required_level = json_string_value(json_object_get(x, "required_level")),
        };
    }
    b->r.clearances = b->clearances;
    b->r.n_clearances = json_array_size(cl);
    b->r.groups = b->groups;
    b->r.n_groups = json_array_size(gr);
    b->r.policy = b->policy;
    b->r.n_policy = json_array_size(po);
    b->r.nationality = json_string_value(json_object_get(b->gates, "nationality"));
    b->r.org_country = json_string_value(json_object_get(b->gates, "org_country"));
    return true;
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
    if (!reader_gates(c, b, user_id, org_id)) {
        share_reader_free(b);
        return false;
    }
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
    free(b->nats);
    free(b->countries);
    memset(b, 0, sizeof(*b));
}

/* the item's gates ("gate" as mm_store_list_items gives it; schema 10) */
static bool access_gates(const json_t *item, access_buf *b)
{
    json_t *g = json_object_get(item, "gate");
    json_t *nat = json_object_get(g, "nationalities"), *cty = json_object_get(g, "org_countries");
    b->nats = calloc(json_array_size(nat) + 1, sizeof(*b->nats));
    b->countries = calloc(json_array_size(cty) + 1, sizeof(*b->countries));
    if (!b->nats || !b->countries)
        return false;
    if (!json_is_object(g))
        return true;
    json_t *c = json_object_get(g, "clearance");
    b->a.clearance_regime = json_string_value(json_object_get(c, "regime"));
    b->a.clearance_level = json_string_value(json_object_get(c, "level"));
    b->a.facility_required = json_is_true(json_object_get(g, "facility"));
    b->a.ntk_group = json_string_value(json_object_get(g, "ntk_group"));
    size_t i;
    json_t *x;
    json_array_foreach(nat, i, x) b->nats[b->a.n_nationalities++] = json_string_value(x);
    json_array_foreach(cty, i, x) b->countries[b->a.n_org_countries++] = json_string_value(x);
    b->a.nationalities = b->nats;
    b->a.org_countries = b->countries;
    return true;
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
    if (!access_gates(item, b)) {
        share_access_free(b);
        return false;
    }
    return true;
}

/* THE helper every read path uses: may this reader see this item (mm_tlp_may_read)? */
bool share_readable(const reader_buf *rd, const json_t *item)
{
    return share_decide(rd, item) == MM_GATE_OK;
}

mm_share_gate share_decide(const reader_buf *rd, const json_t *item)
{
    access_buf ab;
    if (!share_access_of(item, &ab))
        return MM_GATE_TLP; /* out of memory: fail closed */
    mm_share_gate g = mm_share_decide(&ab.a, &rd->r, NULL);
    share_access_free(&ab);
    return g;
}

/* a gated item (its "gate" is not null) */
static bool item_gated(const json_t *item)
{
    return json_is_object(json_object_get(item, "gate"));
}

int share_audit_refusal(http_req *r, const char *item_id, mm_share_gate gate, const char *via)
{
    int rc = mm_store_begin(r->st);
    return mm_audited_commit(
        r->st, rc, r->who.authenticated ? r->who.login : "anonymous", "item.refused", item_id,
        json_pack("{s:s,s:s,s:s?}", "via", via, "gate", mm_share_gate_name(gate), "org_id",
                  r->who.authenticated ? r->who.org_id : NULL));
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
    json_t *refused = json_array(); /* [[item id, gate], ...] */
    json_array_foreach(all, i, it)
    {
        if (!matches(it, q))
            continue;
        mm_share_gate g = share_decide(&rd, it);
        if (g == MM_GATE_OK)
            json_array_append(vis, it);
        else if (g != MM_GATE_TLP && item_gated(it))
            json_array_append_new(refused, json_pack("[O,i]", json_object_get(it, "id"), g));
    }
    share_reader_free(&rd);
    share_ctx_free(&c);
    /* every gated item the label alone would have shown: audited, never told the reader */
    rc = refused ? MM_OK : MM_ENOMEM;
    json_t *x;
    json_array_foreach(refused, i, x)
    {
        if (rc == MM_OK)
            rc = share_audit_refusal(r, json_string_value(json_array_get(x, 0)),
                                     (mm_share_gate)json_integer_value(json_array_get(x, 1)),
                                     "list");
    }
    json_decref(refused);
    json_decref(all);
    if (rc) {
        json_decref(vis);
        return rc;
    }
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
    bool have = share_reader_of_request(&c, &rd, r);
    mm_share_gate g = have ? share_decide(&rd, it) : MM_GATE_TLP;
    share_reader_free(&rd);
    share_ctx_free(&c);
    if (!have) {
        json_decref(it);
        reply_error(out, 503, "unavailable", "the store is not available; try again");
        return NULL;
    }
    if (g != MM_GATE_OK) {
        /* a gated item asked for by id: audited with the condition, which the reader is
         * never told (the same 404 as a missing item) */
        rc = item_gated(it)
                 ? share_audit_refusal(r, json_string_value(json_object_get(it, "id")), g, "get")
                 : MM_OK;
        json_decref(it);
        if (rc)
            reply_store_error(out, rc);
        else
            reply_error(out, 404, "not_found", "no such item");
        return NULL;
    }
    return it;
}

/* How a single item is answered: as it is, the mamori export, or a STIX 2.1 bundle. */
