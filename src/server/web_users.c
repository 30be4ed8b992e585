/* mamori serve: the users page of administrators (docs/dashboard.md): the users an
 * administrator may manage, with buttons that unlock, reset, disable, enable and delete them.
 * The actions are mm_user_admin's (users.c), the same the API and the CLI call. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/server.h"
#include "server/web.h"
#include "server/web_parts.h"

/* One action button of a user's row: a form posting to /users/{org}/{id}/{verb}. */
static void put_action(page *p, const char *org, long long id, const char *verb, bool danger)
{
    char key[40];
    web_printf(p, "<form method=\"post\" action=\"/users/");
    web_attr(p, org);
    web_printf(p, "/%lld/%s\" class=\"inline\"", id, verb);
    if (danger) {
        snprintf(key, sizeof key, "users.confirm_%s", verb);
        web_puts(p, " data-confirm=\"");
        web_put_tr_attr(p, key, NULL, NULL, NULL);
        web_puts(p, "\"");
    }
    web_puts(p, ">");
    web_csrf_field(p);
    snprintf(key, sizeof key, "users.%s", verb);
    web_printf(p, "<button type=\"submit\" data-action=\"%s\"%s>", verb,
               danger ? " class=\"danger\"" : "");
    web_put_tr(p, key);
    web_puts(p, "</button></form>");
}

static void users_render(page *p, const json_t *items, const char *ok, const char *otp,
                         const char *err)
{
    http_req *r = p->r;
    web_puts(p, "<h1>");
    web_put_tr(p, "users.title");
    web_puts(p, "</h1><p class=\"note\">");
    web_put_tr(p, r->who.authority ? "users.intro_authority" : "users.intro_contractor");
    web_puts(p, "</p>");
    if (err)
        web_error_box(p, err);
    if (ok) {
        web_puts(p, "<p class=\"ok\" role=\"status\" id=\"user-result\">");
        web_user(p, ok);
        web_puts(p, "</p>");
    }
    if (otp) {
        web_puts(p, "<p class=\"ok\" id=\"one-time\">");
        web_put_tr(p, "users.otp");
        web_puts(p, " <code id=\"one-time-password\">");
        web_esc(p, otp);
        web_puts(p, "</code></p>");
    }
    web_puts(p, "<table id=\"users\" class=\"data\"><thead><tr>");
    static const char *const cols[] = {"col.login", "col.role", "col.organization", "col.state"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        web_th(p, cols[c], NULL);
    web_puts(p, "<th></th></tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        long long id = (long long)json_integer_value(json_object_get(it, "id"));
        const char *org = web_sval(it, "org_id");
        const char *locked = web_sval(it, "locked_until");
        bool disabled = json_is_true(json_object_get(it, "disabled"));
        bool is_locked = locked && strcmp(locked, r->now) > 0;
        bool self = id == (long long)r->who.user_id;
        web_printf(p, "<tr data-user-id=\"%lld\"><td>", id);
        web_user(p, web_sval(it, "login"));
        web_puts(p, "</td><td>");
        web_role(p, web_sval(it, "role"));
        web_puts(p, "</td><td>");
        web_user(p, web_sval(it, "org_name") ? web_sval(it, "org_name") : org);
        web_printf(p, "</td><td data-state=\"%s\">",
                   disabled    ? "disabled"
                   : is_locked ? "locked"
                               : "enabled");
        web_put_tr(p, disabled    ? "users.state_disabled"
                      : is_locked ? "users.state_locked"
                                  : "users.state_enabled");
        if (json_is_true(json_object_get(it, "must_change"))) {
            web_puts(p, " ");
            web_put_tr(p, "users.state_must_change");
        }
        web_puts(p, "</td><td class=\"actions\">");
        if (is_locked)
            put_action(p, org, id, "unlock", false);
        if (!self) {
            put_action(p, org, id, "reset", true);
            put_action(p, org, id, disabled ? "enable" : "disable", !disabled);
            put_action(p, org, id, "delete", true);
        }
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table>");
}

/* The users the caller manages: all for an authority-admin, its organization's for a
 * contractor-admin; each with "org_name". */
static json_t *managed_users(http_req *r)
{
    json_t *items = NULL;
    if (mm_store_list_users(r->st, &items, r->who.authority ? NULL : r->who.org_id) != MM_OK)
        return NULL;
    size_t i;
    json_t *it;
    json_t *names = json_object();
    json_array_foreach(items, i, it)
    {
        const char *org = web_sval(it, "org_id");
        json_t *name = org ? json_object_get(names, org) : NULL;
        if (org && !name) {
            json_t *o = NULL;
            if (mm_store_get_org(r->st, &o, org) == MM_OK) {
                name = json_object_get(o, "name");
                json_object_set(names, org, name);
            }
            json_decref(o);
        }
        if (name)
            json_object_set(it, "org_name", name);
    }
    json_decref(names);
    return items;
}

static void users_page(http_req *r, reply *out, const char *ok, const char *otp, const char *err,
                       unsigned status)
{
    json_t *items = managed_users(r);
    if (!items) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "users.title");
    p.self = "/users";
    users_render(&p, items, ok, otp, err);
    json_decref(items);
    web_page_finish(&p, out, status);
}

void w_users(http_req *r, reply *out)
{
    users_page(r, out, NULL, NULL, NULL, 200);
}

/* POST /users/{org}/{id}/{action}: the route's need has checked the caller may manage the
 * users of {org}; mm_user_admin checks the user is one of them. */
void w_user_action(http_req *r, reply *out)
{
    int action = mm_user_action_parse(r->param[2]);
    char *end = NULL;
    long long id = strtoll(r->param[1], &end, 10);
    if (action < 0 || id <= 0 || *end) {
        web_error_page(r, out, 404, "error.not_found");
        return;
    }
    mm_user_admin_ctx ctx = {.actor = r->who.login,
                             .actor_id = r->who.user_id,
                             .org_id = r->param[0],
                             .now = r->now_unix};
    char otp[32] = "";
    int rc = mm_user_admin(r->st, &ctx, (mm_user_action)action, id, otp, sizeof otp);
    page lp;
    web_page_init(&lp, r, out);
    if (rc == MM_ENOTFOUND) {
        web_error_page(r, out, 404, "error.not_found");
    } else if (rc == MM_ECONFLICT) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", mm_error_last());
        users_page(r, out, NULL, NULL, msg, 409);
    } else if (rc) {
        web_error_page(r, out, 503, "error.busy");
    } else {
        char key[40], msg[200], idtext[24];
        snprintf(key, sizeof key, "users.done_%s", r->param[2]);
        snprintf(idtext, sizeof idtext, "%lld", id);
        web_trf_plain(&lp, msg, sizeof msg, key, idtext, NULL, NULL);
        users_page(r, out, msg, otp[0] ? otp : NULL, NULL, 200);
    }
    sodium_memzero(otp, sizeof otp);
}
