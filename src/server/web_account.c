/* mamori serve: the API tokens and signing keys pages (docs/dashboard.md). The actions are
 * account.c's, the same the API calls. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "mamori/submit.h"
#include "server/account.h"
#include "server/bodies.h"
#include "server/cache.h"
#include "server/form.h"
#include "server/web.h"
#include "server/web_parts.h"

/* ---- tokens and keys ------------------------------------------------------------------------- */

/* The head of the tokens' or keys' table: four columns and the buttons'. */
static void put_list_head(page *p, const char *id, const char *const cols[4])
{
    web_printf(p, "<table id=\"%s\" class=\"data\"><thead><tr>", id);
    for (int c = 0; c < 4; c++)
        web_th(p, cols[c], NULL);
    web_puts(p, "<th></th></tr></thead><tbody>");
}

/* The end of a token's or key's row: its state, and a revoke button (kind: "tokens" or
 * "keys", the path and the strings' prefix) when it is active and may be revoked. */
static void put_state_revoke(page *p, const char *kind, long long id, bool revoked, bool may_revoke)
{
    web_put_tr(p, revoked ? "tokens.revoked" : "tokens.active");
    web_puts(p, "</td><td>");
    if (!revoked && may_revoke) {
        char key[40];
        snprintf(key, sizeof key, "%s.confirm_revoke", kind);
        web_printf(p, "<form method=\"post\" action=\"/my/%s/%lld/revoke\" data-confirm=\"", kind,
                   id);
        web_put_tr_attr(p, key, NULL, NULL, NULL);
        web_puts(p, "\">");
        web_csrf_field(p);
        web_puts(p, "<button type=\"submit\" class=\"danger\">");
        web_put_tr(p, "tokens.revoke");
        web_puts(p, "</button></form>");
    }
    web_puts(p, "</td></tr>");
}

static void tokens_render(page *p, const json_t *items, const token_result *created,
                          const char *err)
{
    web_puts(p, "<h1>");
    web_put_tr(p, "tokens.title");
    web_puts(p, "</h1><p class=\"note\">");
    web_put_tr(p, "tokens.intro");
    web_puts(p, "</p>");
    if (err)
        web_error_box(p, err);
    if (created) {
        web_puts(p, "<div class=\"notice\" role=\"status\"><p>");
        web_put_tr(p, "tokens.shown_once");
        web_puts(p, "</p><pre class=\"cmd\"><code id=\"new-token\">");
        web_esc(p, created->token);
        web_puts(p, "</code></pre></div>");
    }
    static const char *const cols[4] = {"col.name", "col.created", "col.expires", "col.state"};
    put_list_head(p, "tokens", cols);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        bool revoked = json_is_string(json_object_get(it, "revoked"));
        long long id = (long long)json_integer_value(json_object_get(it, "id"));
        web_printf(p, "<tr data-token-id=\"%lld\"><td>", id);
        web_user(p, web_sval(it, "name"));
        web_puts(p, "</td><td>");
        web_time(p, web_sval(it, "created"));
        web_puts(p, "</td><td>");
        web_time(p, web_sval(it, "expires"));
        web_puts(p, "</td><td>");
        put_state_revoke(p, "tokens", id, revoked, true);
    }
    web_puts(p, "</tbody></table><h2>");
    web_put_tr(p, "tokens.new");
    web_puts(p, "</h2><form id=\"token-form\" method=\"post\" action=\"/my/tokens\" "
                "class=\"stack\">");
    web_csrf_field(p);
    web_puts(p, "<label for=\"token-name\">");
    web_put_tr(p, "col.name");
    web_puts(p, "</label><input id=\"token-name\" name=\"name\" required maxlength=\"100\">"
                "<label for=\"token-days\">");
    web_put_tr(p, "tokens.days");
    web_puts(p, "</label><input id=\"token-days\" name=\"expires_days\" type=\"number\" min=\"1\" "
                "max=\"366\" value=\"90\"><button id=\"token-create\" type=\"submit\">");
    web_put_tr(p, "tokens.create");
    web_puts(p, "</button></form>");
}

static void tokens_page(http_req *r, reply *out, const token_result *created, const char *err)
{
    json_t *items = NULL;
    if (mm_store_list_tokens(r->st, &items, r->who.user_id) != MM_OK) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "tokens.title");
    p.self = "/my/tokens";
    tokens_render(&p, items, created, err);
    json_decref(items);
    web_page_finish(&p, out, 200);
}

void w_tokens(http_req *r, reply *out)
{
    tokens_page(r, out, NULL, NULL);
}

void w_token_create(http_req *r, reply *out)
{
    const char *name = mm_form_value(r->form, "name");
    const char *days = mm_form_value(r->form, "expires_days");
    page lp;
    web_page_init(&lp, r, out);
    char msg[200];
    if (mm_body_check_value(body_token, "name", name, msg, sizeof msg) != 0 ||
        mm_body_check_value(body_token, "expires_days", days, msg, sizeof msg) != 0) {
        tokens_page(r, out, NULL, web_tr(&lp, "tokens.bad"));
        return;
    }
    token_result res;
    act_fail f = {0};
    if (token_create(r, name, days && days[0] ? strtol(days, NULL, 10) : 90, &res, &f) == MM_OK)
        tokens_page(r, out, &res, NULL);
    else
        tokens_page(r, out, NULL, web_tr(&lp, "error.busy"));
    sodium_memzero(&res, sizeof res);
}

void w_token_revoke(http_req *r, reply *out)
{
    long long id = 0;
    act_fail f = {0};
    if (token_revoke(r, r->param[0], &id, &f) == MM_OK)
        web_redirect(out, "/my/tokens");
    else
        web_error_page(r, out, f.kind == ACT_NOT_FOUND ? 404 : 503,
                       f.kind == ACT_NOT_FOUND ? "error.not_found" : "error.busy");
}

static void keys_render(page *p, http_req *r, const json_t *items, const char *ok, const char *err)
{
    web_puts(p, "<h1>");
    web_put_tr(p, "keys.title");
    web_puts(p, "</h1><p class=\"note\">");
    web_put_tr(p, "keys.intro");
    web_puts(p, "</p>");
    if (err)
        web_error_box(p, err);
    if (ok) {
        web_puts(p, "<p class=\"ok\" role=\"status\" id=\"key-added\">");
        web_esc(p, ok);
        web_puts(p, "</p>");
    }
    bool admin = strcmp(r->who.role, "contractor-admin") == 0;
    static const char *const cols[4] = {"col.key_id", "col.label", "col.created", "col.state"};
    put_list_head(p, "keys", cols);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        bool revoked = json_is_string(json_object_get(it, "revoked"));
        long long id = (long long)json_integer_value(json_object_get(it, "id"));
        web_printf(p, "<tr data-key-row=\"%lld\"><td class=\"mono\">", id);
        web_esc(p, web_sval(it, "key_id"));
        web_puts(p, "</td><td>");
        web_user(p, web_sval(it, "label"));
        web_puts(p, "</td><td>");
        web_time(p, web_sval(it, "created"));
        web_puts(p, "</td><td>");
        put_state_revoke(p, "keys", id, revoked, admin);
    }
    web_puts(p, "</tbody></table>");
    if (admin) {
        web_puts(p, "<h2>");
        web_put_tr(p, "keys.add");
        web_puts(p, "</h2><form id=\"key-form\" method=\"post\" action=\"/my/keys\" "
                    "enctype=\"multipart/form-data\" class=\"stack\">");
        web_csrf_field(p);
        web_puts(p, "<label for=\"key-pub\">");
        web_put_tr(p, "keys.paste");
        web_puts(p, "</label><textarea id=\"key-pub\" name=\"pub\" rows=\"6\" "
                    "spellcheck=\"false\"></textarea><label for=\"key-file\">");
        web_put_tr(p, "keys.or_file");
        web_puts(p, "</label><input id=\"key-file\" type=\"file\" name=\"pub_file\" "
                    "accept=\".pub,.json\"><button id=\"key-add\" type=\"submit\">");
        web_put_tr(p, "keys.submit");
        web_puts(p, "</button></form>");
    } else {
        web_puts(p, "<p class=\"note\">");
        web_put_tr(p, "keys.admin_only");
        web_puts(p, "</p>");
    }
}

static void keys_page(http_req *r, reply *out, const char *ok, const char *err, unsigned status)
{
    json_t *items = NULL;
    if (mm_store_list_keys(r->st, &items, r->who.org_id) != MM_OK) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "keys.title");
    p.self = "/my/keys";
    keys_render(&p, r, items, ok, err);
    json_decref(items);
    web_page_finish(&p, out, status);
}

void w_keys(http_req *r, reply *out)
{
    keys_page(r, out, NULL, NULL, 200);
}

void w_key_add(http_req *r, reply *out)
{
    page lp;
    web_page_init(&lp, r, out);
    const mm_form_field *f = mm_form_get(r->form, "pub_file");
    const char *text = NULL;
    size_t len = 0;
    if (f && f->len) {
        text = f->value;
        len = f->len;
    } else if ((text = mm_form_value(r->form, "pub")) != NULL) {
        len = strlen(text);
    }
    if (!text || !len) {
        keys_page(r, out, NULL, web_tr(&lp, "keys.missing"), 400);
        return;
    }
    char msg[200];
    r->json = mm_body_parse(text, len, msg, sizeof msg);
    if (!r->json || mm_body_check(r->json, body_key, msg, sizeof msg) != 0) {
        char m[400];
        snprintf(m, sizeof m, "%s (%s)", web_tr(&lp, "keys.bad"), msg);
        keys_page(r, out, NULL, m, 400);
        return;
    }
    json_t *pub = r->json;
    key_input in = {.kind = web_sval(pub, "kind"),
                    .public_key = web_sval(pub, "public_key"),
                    .key_id = web_sval(pub, "key_id"),
                    .label =
                        web_sval(pub, "label") ? web_sval(pub, "label") : web_sval(pub, "org")};
    key_result res;
    act_fail fail = {0};
    if (key_add(r, r->who.org_id, &in, &res, &fail) == MM_OK) {
        char m[200];
        web_trf_plain(&lp, m, sizeof m, "keys.added", res.key_id, NULL, NULL);
        keys_page(r, out, m, NULL, 200);
    } else if (fail.kind == ACT_STORE || fail.kind == ACT_BUSY) {
        keys_page(r, out, NULL, web_tr(&lp, "error.busy"), 503);
    } else {
        keys_page(r, out, NULL, fail.msg, 400);
    }
}

void w_key_revoke(http_req *r, reply *out)
{
    long long id = 0;
    act_fail f = {0};
    if (key_revoke(r, r->who.org_id, r->param[0], &id, &f) == MM_OK)
        web_redirect(out, "/my/keys");
    else
        web_error_page(r, out, f.kind == ACT_STORE && f.rc != MM_ENOTFOUND ? 503 : 404,
                       f.kind == ACT_STORE && f.rc != MM_ENOTFOUND ? "error.busy"
                                                                   : "error.not_found");
}
