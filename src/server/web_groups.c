/* mamori serve: the dashboard's need-to-know groups (docs/dashboard.md, docs/sharing.md
 * "Gated items"): the groups the user sees as GET /api/v1/ntk-groups shows them (a group that
 * hides its membership shows its members to its managers only), and for their managers the
 * forms that add and remove members, through mm_gates_admin (audited) as the API does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/server.h"
#include "server/form.h"
#include "server/web.h"
#include "server/web_parts.h"

static void groups_render(page *p, const json_t *groups, const char *ok, const char *err)
{
    web_puts(p, "<h1>");
    web_put_tr(p, "groups.title");
    web_puts(p, "</h1><p class=\"note\">");
    web_put_tr(p, "groups.intro");
    web_puts(p, "</p>");
    if (err)
        web_error_box(p, err);
    if (ok) {
        web_puts(p, "<p class=\"ok\" role=\"status\" id=\"group-result\">");
        web_put_tr(p, ok);
        web_puts(p, "</p>");
    }
    if (json_array_size(groups) == 0) {
        web_puts(p, "<p id=\"no-groups\" class=\"muted\">");
        web_put_tr(p, "groups.none");
        web_puts(p, "</p>");
    }
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g)
    {
        const char *id = web_sval(g, "id");
        bool manager = json_is_true(json_object_get(g, "manager"));
        web_puts(p, "<section class=\"group\" data-group-id=\"");
        web_attr(p, id);
        web_puts(p, "\"><h2>");
        web_user(p, web_sval(g, "name"));
        web_puts(p, " <code>");
        web_esc(p, id);
        web_puts(p, "</code></h2>");
        json_t *members = json_object_get(g, "members");
        if (!members) {
            web_puts(p, "<p class=\"muted members-hidden\">");
            web_put_tr(p, "groups.hidden");
            web_puts(p, "</p></section>");
            continue;
        }
        web_puts(p, "<table class=\"data members\"><tbody>");
        size_t k;
        json_t *m;
        json_array_foreach(members, k, m)
        {
            web_puts(p, "<tr data-login=\"");
            web_attr(p, web_sval(m, "login"));
            web_puts(p, "\"><td>");
            web_user(p, web_sval(m, "login"));
            web_puts(p, "</td><td>");
            if (json_is_true(json_object_get(m, "manager")))
                web_put_tr(p, "groups.manager");
            web_puts(p, "</td><td>");
            if (manager) {
                web_puts(p, "<form method=\"post\" class=\"inline\" action=\"/groups/");
                web_attr(p, id);
                web_puts(p, "/members/");
                web_attr(p, web_sval(m, "login"));
                web_puts(p, "/remove\" data-confirm=\"");
                web_put_tr_attr(p, "groups.confirm_remove", NULL, NULL, NULL);
                web_puts(p, "\">");
                web_csrf_field(p);
                web_puts(p, "<button type=\"submit\" class=\"danger\" data-action=\"remove\">");
                web_put_tr(p, "groups.remove");
                web_puts(p, "</button></form>");
            }
            web_puts(p, "</td></tr>");
        }
        web_puts(p, "</tbody></table>");
        if (manager) {
            web_puts(p, "<form method=\"post\" class=\"add-member\" action=\"/groups/");
            web_attr(p, id);
            web_puts(p, "/members\">");
            web_csrf_field(p);
            web_puts(p, "<label>");
            web_put_tr(p, "groups.login");
            web_puts(p, " <input type=\"text\" name=\"login\"></label> <label><input "
                        "type=\"checkbox\" name=\"manager\" value=\"1\"> ");
            web_put_tr(p, "groups.manager");
            web_puts(p, "</label> <button type=\"submit\" data-action=\"add\">");
            web_put_tr(p, "groups.add");
            web_puts(p, "</button></form>");
        }
        web_puts(p, "</section>");
    }
}

static void groups_page(http_req *r, reply *out, const char *ok, const char *err, unsigned status)
{
    json_t *groups = NULL;
    if (ntk_visible_groups(r, &groups) != MM_OK) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "groups.title");
    p.self = "/groups";
    groups_render(&p, groups, ok, err);
    json_decref(groups);
    web_page_finish(&p, out, status);
}

void w_groups(http_req *r, reply *out)
{
    groups_page(r, out, NULL, NULL, 200);
}

/* add (login from the form) or remove (login from the path) a member */
static void change(http_req *r, reply *out, bool add, const char *login)
{
    json_t *g = NULL;
    int rc = ntk_managed_group(r, r->param[0], &g);
    json_decref(g);
    if (rc == MM_ENOTFOUND || rc == MM_EACCES) {
        web_error_page(r, out, rc == MM_EACCES ? 403 : 404,
                       rc == MM_EACCES ? "error.forbidden" : "error.not_found");
        return;
    }
    mm_user *u = NULL;
    if (rc == MM_OK && (!login || mm_store_get_user(r->st, &u, login) != MM_OK)) {
        page lp;
        web_page_init(&lp, r, out);
        groups_page(r, out, NULL, web_tr(&lp, "groups.no_user"), 400);
        return;
    }
    mm_gates_op op = {.action = add ? MM_GATES_MEMBER_ADD : MM_GATES_MEMBER_REMOVE,
                      .actor = r->who.login,
                      .now = r->now,
                      .group = r->param[0],
                      .user_id = u ? u->id : 0,
                      .manager = add && r->form && mm_form_value(r->form, "manager")};
    mm_user_free(u);
    if (rc == MM_OK)
        rc = mm_gates_admin(r->st, &op, NULL);
    if (rc == MM_ECONFLICT || rc == MM_ENOTFOUND) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", mm_error_last());
        groups_page(r, out, NULL, msg, 409);
        return;
    }
    if (rc) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    groups_page(r, out, add ? "groups.added" : "groups.removed", NULL, 200);
}

void w_group_member_add(http_req *r, reply *out)
{
    change(r, out, true, r->form ? mm_form_value(r->form, "login") : NULL);
}

void w_group_member_remove(http_req *r, reply *out)
{
    change(r, out, false, r->param[1]);
}
