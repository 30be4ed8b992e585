/* mamori serve: the API's face of the account actions (account.h): logon, session, password,
 * tokens and signing keys. Each handler reads its JSON body (checked by the route's table),
 * calls one action and answers. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/account.h"

static json_t *user_json(const principal *p)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)p->user_id, "login", p->login,
                     "role", p->role, "org_id", p->org_id, "org_kind",
                     p->authority ? "authority" : "contractor");
}

static const char *member(const http_req *r, const char *name)
{
    return json_string_value(json_object_get(r->json, name));
}

void h_login(http_req *r, reply *out)
{
    login_result res;
    act_fail f = {0};
    if (auth_login(r, member(r, "login"), member(r, "password"), &res, &f) != MM_OK) {
        reply_fail(out, &f);
        return;
    }
    out->set_cookie = strdup(res.cookie);
    reply_json(out, 200,
               json_pack("{s:o,s:s,s:b,s:I,s:s}", "user", user_json(&res.who), "csrf_token",
                         res.csrf, "must_change_password", res.who.must_change, "idle_timeout",
                         (json_int_t)r->srv->policy.idle_timeout, "expires", res.expires));
    sodium_memzero(&res, sizeof res);
}

void h_whoami(http_req *r, reply *out)
{
    json_t *o = json_pack("{s:o,s:b}", "user", user_json(&r->who), "must_change_password",
                          r->who.must_change);
    if (r->who.via_session)
        json_object_set_new(o, "csrf_token", json_string(r->who.csrf));
    reply_json(out, 200, o);
}

void h_logout(http_req *r, reply *out)
{
    const char *cookie = NULL;
    act_fail f = {0};
    if (auth_logout(r, &cookie, &f) != MM_OK) {
        reply_fail(out, &f);
        return;
    }
    out->set_cookie = strdup(cookie);
    reply_json(out, 200, json_pack("{s:s}", "status", "signed out"));
}

void h_password(http_req *r, reply *out)
{
    password_result res;
    act_fail f = {0};
    if (password_change(r, member(r, "current"), member(r, "new"), &res, &f) != MM_OK) {
        reply_fail(out, &f);
        return;
    }
    if (res.cookie[0])
        out->set_cookie = strdup(res.cookie);
    json_t *o = json_pack("{s:s}", "status", "password changed; other sessions ended");
    if (res.csrf[0])
        json_object_set_new(o, "csrf_token", json_string(res.csrf));
    reply_json(out, 200, o);
    sodium_memzero(&res, sizeof res);
}

/* ---- API tokens --------------------------------------------------------------------------- */

void h_tokens_list(http_req *r, reply *out)
{
    json_t *items = NULL;
    int rc = mm_store_list_tokens(r->st, &items, r->who.user_id);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "items", items));
}

void h_tokens_create(http_req *r, reply *out)
{
    json_t *days = json_object_get(r->json, "expires_days");
    token_result res;
    act_fail f = {0};
    if (token_create(r, member(r, "name"),
                     json_is_integer(days) ? (long)json_integer_value(days) : 90, &res,
                     &f) != MM_OK) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 201,
               json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)res.id, "token", res.token,
                         "name", member(r, "name"), "expires", res.expires, "note",
                         "shown once: keep it in a secret store or MAMORI_TOKEN"));
    sodium_memzero(&res, sizeof res);
}

void h_tokens_revoke(http_req *r, reply *out)
{
    long long id = 0;
    act_fail f = {0};
    if (token_revoke(r, r->param[0], &id, &f) != MM_OK) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "revoked"));
}

/* ---- signing keys of an organization (r->param[0]) ------------------------------------------ */

void h_keys_list(http_req *r, reply *out)
{
    json_t *items = NULL;
    int rc = mm_store_list_keys(r->st, &items, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "items", items));
}

void h_keys_add(http_req *r, reply *out)
{
    key_input in = {.kind = member(r, "kind"),
                    .public_key = member(r, "public_key"),
                    .key_id = member(r, "key_id"),
                    .label = member(r, "label") ? member(r, "label") : member(r, "org")};
    key_result res;
    act_fail f = {0};
    if (key_add(r, r->param[0], &in, &res, &f) != MM_OK) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 201,
               json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)res.id, "key_id", res.key_id,
                         "public_key", in.public_key, "org_id", r->param[0]));
}

void h_keys_revoke(http_req *r, reply *out)
{
    long long id = 0;
    act_fail f = {0};
    if (key_revoke(r, r->param[0], r->param[1], &id, &f) != MM_OK) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "revoked"));
}
