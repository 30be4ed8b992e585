/* mamori serve: merging shared items and widening them with the originator's recorded
 * permission (docs/sharing.md). Who may read what is the sharing core's (share_core.c). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"
#include "server/bodies.h"
#include "server/share_core.h"
#include "util/util.h"

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
        json_t *it = share_readable_item(r, out, json_string_value(json_array_get(ids, i)));
        if (!it) {
            json_decref(src);
            json_decref(j);
            return;
        }
        json_array_append_new(src, it);
    }
    share_ctx c;
    int rc = share_ctx_load(r, &c);
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
        t = mm_tlp_merge(t, share_tlp_of(it));
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
        if (t == MM_TLP_RED || strcmp(org, r->who.org_id) == 0 || !share_reader_of(&c, &rd, 0, org))
            continue;
        if (reads_all(&rd, src))
            json_array_append(orgs, x);
        share_reader_free(&rd);
    }
    json_array_foreach(cand_users, i, x)
    {
        mm_user *u = NULL;
        reader_buf rd;
        if (json_integer_value(x) == r->who.user_id ||
            mm_store_get_user_by_id(r->st, &u, json_integer_value(x)) != MM_OK)
            continue;
        if (share_reader_of(&c, &rd, u->id, u->org_id)) {
            if (reads_all(&rd, src))
                json_array_append(users, x);
            share_reader_free(&rd);
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
        if (wider || !share_reader_of(&c, &rd, 0, org))
            continue;
        if (mm_tlp_may_read(&m, &rd.r, NULL) && !reads_all(&rd, src))
            wider = org;
        share_reader_free(&rd);
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
            rc = mm_audited_commit(r->st, rc, r->who.login, "item.merge", id,
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
    share_ctx_free(&c);
    if (rc == MM_OK && !wider)
        share_reply_item(r, out, 201, id);
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

int share_item_widen(http_req *r, const char *item_id, const json_t *j, act_fail *f)
{
    json_t *it = NULL, *perms = NULL, *users = NULL;
    int rc = MM_OK;
    json_t *rec = json_object_get(j, "recipients");
    reply scratch = {0};
    it = share_readable_item(r, &scratch, item_id);
    json_decref(scratch.json);
    free(scratch.text);
    if (!it) {
        rc = scratch.status == 404 ? act_failed(f, ACT_NOT_FOUND, MM_ENOTFOUND, "no such item")
                                   : act_failed(f, ACT_STORE, MM_EIO, "the store failed");
        goto done;
    }
    mm_tlp cur = share_tlp_of(it), want = cur;
    const char *tl = json_string_value(json_object_get(j, "tlp"));
    if (json_object_get(j, "tlp") && (!tl || mm_tlp_parse(&want, tl) != MM_OK)) {
        rc = act_failed(f, ACT_INVALID, MM_EINVALID, "$.tlp: not a TLP 2.0 label");
        goto done;
    }
    if (want > cur) {
        rc = act_failed(f, ACT_INVALID, MM_EINVALID,
                        "$.tlp: sharing only widens; %s is narrower than the item's %s",
                        mm_tlp_label(want), mm_tlp_label(cur));
        goto done;
    }
    const char *kind = json_string_value(json_object_get(it, "kind"));
    if (kind && strcmp(kind, "incident") == 0 && want < MM_TLP_AMBER_STRICT) {
        rc = act_failed(f, ACT_INVALID, MM_EINVALID,
                        "$.tlp: an incident report stays AMBER+STRICT or RED (need-to-know); the "
                        "authority publishes a sanitised advisory as a separate item");
        goto done;
    }
    json_t *cv = json_object_get(j, "community");
    const char *community = json_string_value(cv);
    if (cv && !community) {
        rc = act_failed(f, ACT_INVALID, MM_EINVALID, "$.community: expected a community id");
        goto done;
    }
    if (community && want != MM_TLP_GREEN) {
        rc = act_failed(f, ACT_INVALID, MM_EINVALID,
                        "$.community: a community is the audience of TLP:GREEN only");
        goto done;
    }
    if (community && !share_community_exists(r, community)) {
        rc = act_failed(f, ACT_INVALID, MM_EINVALID, "$.community: no such community");
        goto done;
    }
    json_t *logins = json_object_get(rec, "users"), *orgs = json_object_get(rec, "orgs");
    if (want == MM_TLP_RED && json_array_size(orgs) > 0) {
        rc = act_failed(f, ACT_INVALID, MM_EINVALID,
                        "$.recipients.orgs: TLP:RED goes to named individuals only");
        goto done;
    }
    /* the originator's organization, or its recorded permission */
    const char *origin = json_string_value(json_object_get(it, "originator_org"));
    if (!origin || strcmp(origin, r->who.org_id) != 0) {
        rc = mm_store_list_item_permissions(r->st, &perms, item_id, r->who.org_id);
        if (rc) {
            act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
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
            rc = act_failed(f, ACT_FORBIDDEN, MM_EACCES,
                            "sharing wider than the label needs the originator organization's "
                            "recorded permission (POST /api/v1/items/{id}/permissions), and this "
                            "change is not covered by one");
            goto done;
        }
    }
    rc = share_resolve(r, logins, orgs, &users, f);
    if (rc)
        goto done;
    const char *new_comm =
        community ? community : json_string_value(json_object_get(it, "community_id"));
    if (want != MM_TLP_GREEN && want != MM_TLP_CLEAR)
        new_comm = NULL;
    rc = mm_store_begin(r->st);
    if (rc == MM_OK && (want != cur || community))
        rc = mm_store_set_item_label(r->st, item_id, mm_tlp_name(want), new_comm, r->now);
    if (rc == MM_OK)
        rc = mm_store_add_item_recipients(r->st, item_id, users, orgs, r->now, r->who.login);
    json_t *detail = json_pack("{s:s,s:s,s:O}", "from", mm_tlp_label(cur), "to", mm_tlp_label(want),
                               "recipients", rec ? rec : json_null());
    rc = mm_audited_commit(r->st, rc, r->who.login, "item.share", item_id, detail);
    if (rc)
        act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
done:
    json_decref(users);
    json_decref(perms);
    json_decref(it);
    return rc;
}

void h_item_share(http_req *r, reply *out)
{
    char msg[200];
    json_t *j = mm_body_parse(r->body ? r->body : "", r->body_len, msg, sizeof(msg));
    if (!j) {
        reply_error(out, 400, "bad_request", "%s", msg);
        return;
    }
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
        json_decref(j);
        return;
    }
    if (!recipients_ok(out, json_object_get(j, "recipients"), "$.recipients")) {
        json_decref(j);
        return;
    }
    act_fail f = {0};
    int rc = share_item_widen(r, r->param[0], j, &f);
    json_decref(j);
    if (rc) {
        reply_fail(out, &f);
        return;
    }
    share_reply_item(r, out, 200, r->param[0]);
}

/* ---- re-share (need-to-know) -------------------------------------------------------------- */

/* the row [id, kind, parent_id] of org in the organization tree, or NULL */
static const json_t *tree_row(const json_t *tree, const char *org)
{
    size_t i;
    json_t *row;
    json_array_foreach(tree, i, row)
    {
        const char *id = json_string_value(json_array_get(row, 0));
        if (id && org && strcmp(id, org) == 0)
            return row;
    }
    return NULL;
}

/* may org (the requester's) re-share it: the originator organization, a recipient
 * organization, or one a recipient re-shared it with */
static bool org_holds(const json_t *it, const char *org)
{
    const char *origin = json_string_value(json_object_get(it, "originator_org"));
    if (origin && strcmp(origin, org) == 0)
        return true;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(json_object_get(it, "recipients"), "orgs"), i, x)
    {
        if (strcmp(json_string_value(x), org) == 0)
            return true;
    }
    json_array_foreach(json_object_get(it, "reshares"), i, x)
    {
        if (strcmp(json_string_value(json_object_get(x, "to_org")), org) == 0)
            return true;
    }
    return false;
}

int share_item_reshare(http_req *r, const char *item_id, const json_t *orgs, act_fail *f)
{
    json_t *it = NULL, *added = json_array();
    share_ctx c = {0};
    bool have_ctx = false;
    int rc = MM_OK;
    size_t i;
    json_t *x;
    reply scratch = {0};
    it = share_readable_item(r, &scratch, item_id);
    json_decref(scratch.json);
    free(scratch.text);
    if (!it) {
        rc = scratch.status == 404 ? act_failed(f, ACT_NOT_FOUND, MM_ENOTFOUND, "no such item")
                                   : act_failed(f, ACT_STORE, MM_EIO, "the store failed");
        goto done;
    }
    mm_tlp t = share_tlp_of(it);
    if (t != MM_TLP_AMBER) {
        rc = act_failed(f, ACT_FORBIDDEN, MM_EACCES,
                        "only a TLP:AMBER item may be re-shared (with a recipient's clients, on a "
                        "need-to-know basis); this one is %s",
                        mm_tlp_label(t));
        goto done;
    }
    /* an item pulled from another authority (federation.c): as that peer allows */
    json_t *origin = json_object_get(json_object_get(it, "body"), "origin");
    if (origin && !json_is_true(json_object_get(origin, "may_reshare"))) {
        rc = act_failed(f, ACT_FORBIDDEN, MM_EACCES,
                        "this item came from the peer '%.40s', which does not allow re-sharing it",
                        json_string_value(json_object_get(origin, "peer")));
        goto done;
    }
    if (!org_holds(it, r->who.org_id)) {
        rc = act_failed(f, ACT_FORBIDDEN, MM_EACCES,
                        "only a recipient organization of the item (or its originator) may "
                        "re-share it, and only with its own clients");
        goto done;
    }
    rc = share_ctx_load(r, &c);
    if (rc) {
        act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
        goto done;
    }
    have_ctx = true;
    bool authority = c.authority && strcmp(c.authority, r->who.org_id) == 0;
    json_array_foreach(orgs, i, x)
    {
        const char *to = json_string_value(x);
        const json_t *row = tree_row(c.tree, to);
        if (!row) {
            rc = act_failed(f, ACT_INVALID, MM_EINVALID, "$.orgs[%zu]: no such organization", i);
            goto done;
        }
        const char *kind = json_string_value(json_array_get(row, 1));
        const char *parent = json_string_value(json_array_get(row, 2));
        bool client = authority ? (kind && strcmp(kind, "contractor") == 0)
                                : (parent && strcmp(parent, r->who.org_id) == 0);
        if (!client) {
            rc = act_failed(f, ACT_FORBIDDEN, MM_EACCES,
                            "$.orgs[%zu]: '%.64s' is not a client of your organization (%s)", i, to,
                            authority ? "the authority re-shares with contractors"
                                      : "a subcontractor whose prime is your organization");
            goto done;
        }
        if (!org_holds(it, to) && !in_array(added, x))
            json_array_append(added, x);
    }
    rc = mm_store_begin(r->st);
    json_array_foreach(added, i, x)
    {
        if (rc == MM_OK)
            rc = mm_store_add_item_reshare(r->st, item_id, r->who.org_id, json_string_value(x),
                                           r->who.login, r->now);
    }
    rc = mm_audited_commit(r->st, rc, r->who.login, "item.reshare", item_id,
                           json_pack("{s:s,s:s,s:O}", "tlp", mm_tlp_label(t), "from_org",
                                     r->who.org_id, "to_orgs", added));
    if (rc)
        act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
done:
    if (have_ctx)
        share_ctx_free(&c);
    json_decref(added);
    json_decref(it);
    return rc;
}

void h_item_reshare(http_req *r, reply *out)
{
    char msg[200];
    json_t *j = mm_body_parse(r->body ? r->body : "", r->body_len, msg, sizeof(msg));
    if (!j) {
        reply_error(out, 400, "bad_request", "%s", msg);
        return;
    }
    json_t *orgs = json_object_get(j, "orgs");
    if (!json_is_object(j) || json_object_size(j) != 1 || !json_is_array(orgs) ||
        json_array_size(orgs) < 1 || json_array_size(orgs) > 200) {
        reply_error(out, 400, "bad_request",
                    "$: expected {\"orgs\": [1 to 200 organization ids]}, the organizations "
                    "(your clients) to re-share the item with");
        json_decref(j);
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(orgs, i, x)
    {
        if (!json_is_string(x) || json_string_length(x) < 1 || json_string_length(x) > 128) {
            reply_error(out, 400, "bad_request", "$.orgs[%zu]: expected an organization id", i);
            json_decref(j);
            return;
        }
    }
    act_fail f = {0};
    int rc = share_item_reshare(r, r->param[0], orgs, &f);
    json_decref(j);
    if (rc) {
        reply_fail(out, &f);
        return;
    }
    share_reply_item(r, out, 200, r->param[0]);
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
    it = share_readable_item(r, out, r->param[0]);
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
        rc = mm_audited_commit(r->st, rc, r->who.login, "item.permission", r->param[0],
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
