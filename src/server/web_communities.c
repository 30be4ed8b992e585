/* mamori serve: the dashboard's communities (docs/dashboard.md, docs/sharing.md): the
 * audience of TLP:GREEN items, managed by authority-admins. Everyone signed in sees the
 * communities of their organization (the authority every one); authority-admins create
 * communities and add and remove member organizations, through the API's actions
 * (community_create, community_member: audited); a member is picked from the organizations
 * found by name or identifier (/communities/{id}/add, without JavaScript). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/bodies.h"
#include "server/form.h"
#include "server/org_admin.h"
#include "server/share_core.h"
#include "server/web.h"
#include "server/web_parts.h"

static bool is_admin(const http_req *r)
{
    return r->who.authority && strcmp(r->who.role, "authority-admin") == 0;
}

/* The members' names (id -> name) for the authority, which may read every organization; NULL
 * for anyone else, who sees the members' ids as before. */
static json_t *member_names(http_req *r, const json_t *list)
{
    if (!r->who.authority)
        return NULL;
    json_t *names = json_object();
    size_t i, k;
    json_t *c, *m;
    json_array_foreach(list, i, c)
    {
        json_array_foreach(json_object_get(c, "members"), k, m)
        {
            const char *id = json_string_value(m);
            json_t *o = NULL;
            if (!id || json_object_get(names, id) || mm_store_get_org(r->st, &o, id) != MM_OK)
                continue;
            json_object_set(names, id, json_object_get(o, "name"));
            json_decref(o);
        }
    }
    return names;
}

/* The GET form that finds organizations to add to community id (the picker's page answers
 * it); with unique (the /communities page of several communities) the ids of its input and
 * hint end in "-" and the community's id. */
static void put_member_search(page *p, const char *id, const char *q, bool unique)
{
    const char *suffix = unique ? id : "";
    const char *dash = unique ? "-" : "";
    web_puts(p, "<form method=\"get\" class=\"member-search\" role=\"search\" "
                "action=\"/communities/");
    web_attr(p, id);
    web_puts(p, "/add\"><label for=\"member-q");
    web_puts(p, dash);
    web_attr(p, suffix);
    web_puts(p, "\">");
    web_put_tr(p, "communities.find_org");
    web_puts(p, "</label> <input type=\"search\" name=\"q\" id=\"member-q");
    web_puts(p, dash);
    web_attr(p, suffix);
    web_puts(p, "\" value=\"");
    web_attr(p, q ? q : "");
    web_puts(p, "\" aria-describedby=\"member-q-hint");
    web_puts(p, dash);
    web_attr(p, suffix);
    web_puts(p, "\"> <button type=\"submit\">");
    web_put_tr(p, "communities.find");
    web_puts(p, "</button> <span class=\"note\" id=\"member-q-hint");
    web_puts(p, dash);
    web_attr(p, suffix);
    web_puts(p, "\">");
    web_put_tr(p, "communities.find_hint");
    web_puts(p, "</span></form>");
}

static void communities_render(page *p, const json_t *list, const json_t *names, const char *ok,
                               const char *err)
{
    http_req *r = p->r;
    bool admin = is_admin(r);
    web_puts(p, "<h1>");
    web_put_tr(p, "communities.title");
    web_puts(p, "</h1><p class=\"note\">");
    web_put_tr(p, "communities.intro");
    web_puts(p, "</p>");
    if (err)
        web_error_box(p, err);
    if (ok) {
        web_puts(p, "<p class=\"ok\" role=\"status\" id=\"community-result\">");
        web_put_tr(p, ok);
        web_puts(p, "</p>");
    }
    if (admin) {
        web_puts(p, "<form id=\"community-form\" method=\"post\" action=\"/communities\">");
        web_csrf_field(p);
        web_puts(p, "<label>");
        web_put_tr(p, "communities.name");
        web_puts(p, " <input type=\"text\" name=\"name\"></label> <label>");
        web_put_tr(p, "communities.description");
        web_puts(p, " <input type=\"text\" name=\"description\"></label> <button "
                    "type=\"submit\">");
        web_put_tr(p, "communities.create");
        web_puts(p, "</button></form>");
    }
    if (json_array_size(list) == 0) {
        web_puts(p, "<p id=\"no-communities\" class=\"muted\">");
        web_put_tr(p, "communities.none");
        web_puts(p, "</p>");
    }
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        const char *id = web_sval(c, "id");
        web_puts(p, "<section class=\"community\" data-community-id=\"");
        web_attr(p, id);
        web_puts(p, "\"><h2>");
        web_user(p, web_sval(c, "name"));
        web_puts(p, "</h2><p>");
        web_user(p, web_sval(c, "description"));
        web_puts(p, "</p>");
        if (admin) {
            web_puts(p, "<details class=\"community-edit\"><summary>");
            web_put_tr(p, "communities.edit");
            web_puts(p, "</summary><form method=\"post\" class=\"community-edit-form\" "
                        "action=\"/communities/");
            web_attr(p, id);
            web_puts(p, "\">");
            web_csrf_field(p);
            web_puts(p, "<label>");
            web_put_tr(p, "communities.name");
            web_puts(p, " <input type=\"text\" name=\"name\" value=\"");
            web_attr(p, web_sval(c, "name"));
            web_puts(p, "\"></label> <label>");
            web_put_tr(p, "communities.description");
            web_puts(p, " <input type=\"text\" name=\"description\" value=\"");
            web_attr(p, web_sval(c, "description") ? web_sval(c, "description") : "");
            web_puts(p, "\"></label> <button type=\"submit\">");
            web_put_tr(p, "communities.save");
            web_puts(p, "</button></form></details>");
        }
        web_puts(p, "<ul class=\"members\">");
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(c, "members"), k, m)
        {
            web_puts(p, "<li data-org-id=\"");
            web_attr(p, json_string_value(m));
            web_puts(p, "\">");
            const char *name = json_string_value(json_object_get(names, json_string_value(m)));
            if (name) {
                web_user(p, name);
                web_puts(p, " <code class=\"org-id\">");
                web_esc(p, json_string_value(m));
                web_puts(p, "</code>");
            } else {
                web_esc(p, json_string_value(m));
            }
            if (admin) {
                web_puts(p, " <form method=\"post\" class=\"inline\" action=\"/communities/");
                web_attr(p, id);
                web_puts(p, "/members/");
                web_attr(p, json_string_value(m));
                web_puts(p, "/remove\" data-confirm=\"");
                web_put_tr_attr(p, "communities.confirm_remove", NULL, NULL, NULL);
                web_puts(p, "\">");
                web_csrf_field(p);
                web_puts(p, "<button type=\"submit\" class=\"danger\" data-action=\"remove\">");
                web_put_tr(p, "groups.remove");
                web_puts(p, "</button></form>");
            }
            web_puts(p, "</li>");
        }
        web_puts(p, "</ul>");
        if (admin)
            put_member_search(p, id, NULL, true);
        web_puts(p, "</section>");
    }
}

static void communities_page(http_req *r, reply *out, const char *ok, const char *err,
                             unsigned status)
{
    json_t *list = NULL;
    if (mm_store_list_communities(r->st, &list, r->who.authority ? NULL : r->who.org_id) != MM_OK) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "communities.title");
    p.self = "/communities";
    json_t *names = member_names(r, list);
    communities_render(&p, list, names, ok, err);
    json_decref(names);
    json_decref(list);
    web_page_finish(&p, out, status);
}

void w_communities(http_req *r, reply *out)
{
    communities_page(r, out, NULL, NULL, 200);
}

/* ---- the member picker: organizations found by name or identifier, not yet members ---- */

#define PICK_MAX 20 /* the candidates shown; more: refine the search */

typedef struct picker {
    const char *q;      /* the search, or NULL */
    json_t *community;  /* mm_store_get_community */
    json_t *candidates; /* organizations matching q that are not members, at most PICK_MAX */
    bool more;          /* more match than shown: refine the search */
} picker;

static bool is_member(const json_t *community, const char *org)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(community, "members"), i,
                       m) if (mm_streq(json_string_value(m), org)) return true;
    return false;
}

/* The community and the organizations found by q: by a part of the name or of an
 * identifier, or by the organization's id (what /organizations/{org}/edit shows). */
static int picker_make(picker *k, http_req *r, const char *community_id, const char *q)
{
    *k = (picker){.q = q && q[0] ? q : NULL, .candidates = json_array()};
    int rc = mm_store_get_community(r->st, &k->community, community_id);
    if (rc || !k->q)
        return rc;
    json_t *one = NULL, *found = NULL;
    if (mm_store_get_org(r->st, &one, k->q) == MM_OK) {
        found = json_pack("{s:[O],s:i}", "items", one, "total", 1);
    } else {
        size_t members = json_array_size(json_object_get(k->community, "members"));
        mm_org_query oq = {.q = k->q, .sort = "name", .limit = (int64_t)(PICK_MAX + members + 1)};
        rc = mm_store_list_orgs(r->st, &found, &oq);
    }
    json_decref(one);
    size_t i, shown = 0;
    json_t *o;
    json_array_foreach(json_object_get(found, "items"), i, o)
    {
        if (is_member(k->community, web_sval(o, "id")))
            continue;
        if (shown == PICK_MAX) {
            k->more = true; /* one more that is no member */
            break;
        }
        json_array_append(k->candidates, o);
        shown++;
    }
    json_decref(found);
    return rc;
}

static void picker_free(picker *k)
{
    json_decref(k->community);
    json_decref(k->candidates);
}

static void picker_render(page *p, const picker *k, const char *ok, const char *err)
{
    const char *id = web_sval(k->community, "id");
    web_puts(p, "<h1>");
    web_put_trf(p, "communities.add_title", web_sval(k->community, "name"), NULL, NULL);
    web_puts(p, "</h1><p><a href=\"/communities\">");
    web_put_tr(p, "communities.back");
    web_puts(p, "</a></p>");
    if (err)
        web_error_box(p, err);
    if (ok) {
        web_puts(p, "<p class=\"ok\" role=\"status\" id=\"community-result\">");
        web_put_tr(p, ok);
        web_puts(p, "</p>");
    }
    put_member_search(p, id, k->q, false);
    if (!k->q)
        return;
    if (json_array_size(k->candidates) == 0) {
        web_puts(p, "<p id=\"no-candidates\" class=\"muted\" role=\"status\">");
        web_put_tr(p, "communities.no_candidates");
        web_puts(p, "</p>");
        return;
    }
    web_puts(p, "<table id=\"member-candidates\" class=\"data\"><caption>");
    web_put_tr(p, "communities.candidates");
    web_puts(p, "</caption><thead><tr>");
    web_th(p, "orgs.name", NULL);
    for (size_t s = 0; s < ORG_NSCHEMES; s++)
        web_th(p, org_schemes[s].label, NULL);
    web_th(p, "orgs.actions", NULL);
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *o;
    json_array_foreach(k->candidates, i, o)
    {
        const char *org = web_sval(o, "id");
        const json_t *ids = json_object_get(o, "identifiers");
        web_puts(p, "<tr data-org-id=\"");
        web_attr(p, org);
        web_puts(p, "\"><td id=\"cand-");
        web_attr(p, org);
        web_puts(p, "\">");
        web_user(p, web_sval(o, "name"));
        web_puts(p, "</td>");
        for (size_t s = 0; s < ORG_NSCHEMES; s++) {
            web_printf(p, "<td data-key=\"%s\">", org_schemes[s].key);
            web_user(p, web_sval(ids, org_schemes[s].key));
            web_puts(p, "</td>");
        }
        web_puts(p, "<td><form method=\"post\" class=\"add-candidate\" action=\"/communities/");
        web_attr(p, id);
        web_puts(p, "/members\">");
        web_csrf_field(p);
        web_puts(p, "<input type=\"hidden\" name=\"org_id\" value=\"");
        web_attr(p, org);
        web_puts(p, "\"><input type=\"hidden\" name=\"q\" value=\"");
        web_attr(p, k->q);
        web_puts(p, "\"><button type=\"submit\" aria-describedby=\"cand-");
        web_attr(p, org);
        web_puts(p, "\">");
        web_put_tr(p, "groups.add");
        web_puts(p, "</button></form></td></tr>");
    }
    web_puts(p, "</tbody></table>");
    if (k->more) {
        web_puts(p, "<p id=\"candidates-more\" class=\"note\">");
        web_put_tr(p, "communities.more");
        web_puts(p, "</p>");
    }
}

static void picker_page(http_req *r, reply *out, const char *community_id, const char *q,
                        const char *ok, const char *err, unsigned status)
{
    picker k;
    int rc = picker_make(&k, r, community_id, q);
    if (rc) {
        web_error_page(r, out, rc == MM_ENOTFOUND ? 404 : 503,
                       rc == MM_ENOTFOUND ? "error.not_found" : "error.busy");
        picker_free(&k);
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "communities.add");
    picker_render(&p, &k, ok, err);
    picker_free(&k);
    web_page_finish(&p, out, status);
}

void w_community_picker(http_req *r, reply *out)
{
    picker_page(r, out, r->param[0], req_query(r, "q"), NULL, NULL, 200);
}

static void answer(http_req *r, reply *out, int rc, const act_fail *f, const char *ok)
{
    if (rc == MM_OK)
        communities_page(r, out, ok, NULL, 200);
    else if (f->kind == ACT_NOT_FOUND && strcmp(f->msg, "no such community") == 0)
        web_error_page(r, out, 404, "error.not_found");
    else if (f->kind == ACT_STORE)
        web_error_page(r, out, 503, "error.busy");
    else
        communities_page(r, out, NULL, f->msg,
                         f->kind == ACT_CONFLICT    ? 409
                         : f->kind == ACT_NOT_FOUND ? 404
                                                    : 400);
}

void w_community_create(http_req *r, reply *out)
{
    const char *name = r->form ? mm_form_value(r->form, "name") : NULL;
    const char *desc = r->form ? mm_form_value(r->form, "description") : NULL;
    char msg[200], id[37];
    act_fail f = {0};
    int rc =
        mm_body_check_value(body_community, "name", name, msg, sizeof msg) != 0 ||
                mm_body_check_value(body_community, "description", desc, msg, sizeof msg) != 0 ||
                !name || !name[0]
            ? act_failed(&f, ACT_INVALID, MM_EINVALID, "%s",
                         !name || !name[0] ? "$.name: give the community a name" : msg)
            : community_create(r, name, desc, id, &f);
    answer(r, out, rc, &f, "communities.created");
}

void w_community_update(http_req *r, reply *out)
{
    const char *name = r->form ? mm_form_value(r->form, "name") : NULL;
    const char *desc = r->form ? mm_form_value(r->form, "description") : NULL;
    char msg[200];
    act_fail f = {0};
    int rc = !name || !name[0]
                 ? act_failed(&f, ACT_INVALID, MM_EINVALID, "$.name: give the community a name")
             : mm_body_check_value(body_community_update, "name", name, msg, sizeof msg) != 0 ||
                     mm_body_check_value(body_community_update, "description", desc, msg,
                                         sizeof msg) != 0
                 ? act_failed(&f, ACT_INVALID, MM_EINVALID, "%s", msg)
                 : community_update(r, r->param[0], name, desc ? desc : "", &f);
    answer(r, out, rc, &f, "communities.updated");
}

void w_community_member_add(http_req *r, reply *out)
{
    const char *org = r->form ? mm_form_value(r->form, "org_id") : NULL;
    const char *q = r->form ? mm_form_value(r->form, "q") : NULL;
    act_fail f = {0};
    int rc = org && org[0]
                 ? community_member(r, r->param[0], org, true, &f)
                 : act_failed(&f, ACT_INVALID, MM_EINVALID, "$.org_id: name an organization");
    if (!q || (rc && ((f.kind == ACT_NOT_FOUND && strcmp(f.msg, "no such community") == 0) ||
                      f.kind == ACT_STORE)))
        answer(r, out, rc, &f, "communities.added"); /* the API's form, or a page of error */
    else if (rc)
        picker_page(r, out, r->param[0], q, NULL, f.msg,
                    f.kind == ACT_CONFLICT    ? 409
                    : f.kind == ACT_NOT_FOUND ? 404
                                              : 400);
    else
        picker_page(r, out, r->param[0], q, "communities.added", NULL, 200);
}

void w_community_member_remove(http_req *r, reply *out)
{
    act_fail f = {0};
    int rc = community_member(r, r->param[0], r->param[1], false, &f);
    answer(r, out, rc, &f, "communities.removed");
}
