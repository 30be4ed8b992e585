/* mamori serve: the dashboard's shared items (docs/dashboard.md, docs/sharing.md): the list
 * with search and label filter, an item's page (with its STIX 2.1 download) and the form that
 * shares a new one. Every read goes through the sharing core exactly as the API's do
 * (share_visible, share_readable_item: the TLP decision with the gates of gated items, and the
 * audit of RED/AMBER reads and of refusals); creating is share_item_create, the API's action.
 * Each page: a view model (every store read, so a failure is a 503 page), then its render. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"
#include "server/form.h"
#include "server/share_core.h"
#include "server/web.h"
#include "server/web_parts.h"

/* ?tlp= of the list: the stored label names in lower case, "+" written "-" */
static const char *const tlp_filters[] = {"clear", "green", "amber", "amber-strict", "red"};

/* ---- the list ------------------------------------------------------------------------- */

typedef struct items_view {
    json_t *items; /* the readable items matching q and the label, newest first */
    const char *q;
    int tlp; /* -1: any */
} items_view;

static int tlp_filter_of(const char *v)
{
    for (int i = 0; v && i < 5; i++)
        if (strcmp(v, tlp_filters[i]) == 0)
            return i;
    return -1;
}

static int items_model(http_req *r, items_view *v)
{
    memset(v, 0, sizeof *v);
    v->q = req_query(r, "q");
    v->tlp = tlp_filter_of(req_query(r, "tlp"));
    json_t *all = NULL;
    int rc = share_visible(r, v->q && v->q[0] ? v->q : NULL, &all);
    if (rc)
        return rc;
    v->items = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(all, i, it)
    {
        if (v->tlp < 0 || (int)share_tlp_of(it) == v->tlp)
            json_array_append(v->items, it);
    }
    json_decref(all);
    /* the same audit of RED / AMBER+STRICT / AMBER reads as the API's list */
    return share_audit_reads(r, v->items, v->q && v->q[0] ? "search" : "list");
}

static void put_tlp(page *p, const json_t *it)
{
    mm_tlp t = share_tlp_of(it);
    web_printf(p, "<span class=\"tlp\" data-tlp=\"%s\">%s</span>", tlp_filters[t], mm_tlp_label(t));
}

static void items_render(page *p, const items_view *v)
{
    web_puts(p, "<h1>");
    web_put_tr(p, "items.title");
    web_puts(p, "</h1><p class=\"note\">");
    web_put_tr(p, "items.intro");
    web_puts(p, "</p><p><a id=\"new-item\" class=\"button\" href=\"/items/new\">");
    web_put_tr(p, "items.new");
    web_puts(p, "</a></p><form id=\"item-search\" method=\"get\" action=\"/items\" "
                "class=\"filters\"><label>");
    web_put_tr(p, "items.search");
    web_puts(p, " <input type=\"search\" name=\"q\" value=\"");
    web_attr(p, v->q ? v->q : "");
    web_puts(p, "\"></label> <label>");
    web_put_tr(p, "items.label");
    web_puts(p, " <select name=\"tlp\"><option value=\"\">");
    web_put_tr(p, "items.any_label");
    web_puts(p, "</option>");
    for (int i = 0; i < 5; i++)
        web_printf(p, "<option value=\"%s\"%s>%s</option>", tlp_filters[i],
                   v->tlp == i ? " selected" : "", mm_tlp_label((mm_tlp)i));
    web_puts(p, "</select></label> <button type=\"submit\">");
    web_put_tr(p, "items.filter");
    web_puts(p, "</button></form>");
    if (json_array_size(v->items) == 0) {
        web_puts(p, "<p id=\"no-items\" class=\"muted\">");
        web_put_tr(p, "items.none");
        web_puts(p, "</p>");
    }
    web_puts(p, "<table id=\"items\" class=\"data\"><thead><tr>");
    static const char *const cols[] = {"items.col_title", "items.label", "items.col_from",
                                       "items.col_modified"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++)
        web_th(p, cols[c], NULL);
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(v->items, i, it)
    {
        web_puts(p, "<tr data-item-id=\"");
        web_attr(p, web_sval(it, "id"));
        web_puts(p, "\"><td><a href=\"/items/");
        web_attr(p, web_sval(it, "id"));
        web_puts(p, "\">");
        web_user(p, web_sval(it, "title"));
        web_puts(p, "</a>");
        if (json_is_object(json_object_get(it, "gate"))) {
            web_puts(p, " <span class=\"gated\">");
            web_put_tr(p, "items.gated");
            web_puts(p, "</span>");
        }
        web_puts(p, "</td><td>");
        put_tlp(p, it);
        web_puts(p, "</td><td>");
        web_esc(p, web_sval(it, "originator_org"));
        web_puts(p, "</td><td>");
        web_time(p, web_sval(it, "modified"));
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table>");
}

void w_items(http_req *r, reply *out)
{
    items_view v;
    if (items_model(r, &v) != MM_OK) {
        json_decref(v.items);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "items.title");
    p.self = "/items";
    items_render(&p, &v);
    json_decref(v.items);
    web_page_finish(&p, out, 200);
}

/* ---- one item --------------------------------------------------------------------------- */

static void put_dd(page *p, const char *key, const char *value, bool user_text)
{
    web_puts(p, "<dt>");
    web_put_tr(p, key);
    web_puts(p, "</dt><dd>");
    if (user_text)
        web_user(p, value ? value : "");
    else
        web_esc(p, value ? value : "");
    web_puts(p, "</dd>");
}

static void put_list(page *p, const json_t *a)
{
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        if (i)
            web_puts(p, ", ");
        if (json_is_integer(x))
            web_printf(p, "%lld", (long long)json_integer_value(x));
        else
            web_user(p, json_string_value(x));
    }
}

static void item_render(page *p, const json_t *it, const char *err)
{
    const char *id = web_sval(it, "id");
    json_t *body = json_object_get(it, "body");
    web_puts(p, "<h1 id=\"item-title\">");
    web_user(p, web_sval(it, "title"));
    web_puts(p, "</h1><p>");
    put_tlp(p, it);
    web_puts(p, " <a id=\"stix-download\" download href=\"/api/v1/items/");
    web_attr(p, id);
    web_puts(p, "/stix\">");
    web_put_tr(p, "items.stix");
    web_puts(p, "</a></p>");
    if (err)
        web_error_box(p, err);
    web_puts(p, "<dl class=\"facts\">");
    put_dd(p, "items.col_from", web_sval(it, "originator_org"), false);
    put_dd(p, "items.created", web_sval(it, "created"), false);
    put_dd(p, "items.col_modified", web_sval(it, "modified"), false);
    web_puts(p, "<dt>");
    web_put_tr(p, "items.recipients");
    web_puts(p, "</dt><dd id=\"item-recipients\">");
    json_t *rec = json_object_get(it, "recipients");
    put_list(p, json_object_get(rec, "orgs"));
    if (json_array_size(json_object_get(rec, "orgs")) &&
        json_array_size(json_object_get(rec, "users")))
        web_puts(p, "; ");
    put_list(p, json_object_get(rec, "users"));
    web_puts(p, "</dd>");
    json_t *res = json_object_get(it, "reshares");
    if (json_array_size(res)) {
        web_puts(p, "<dt>");
        web_put_tr(p, "items.reshares");
        web_puts(p, "</dt><dd id=\"item-reshares\">");
        size_t i;
        json_t *x;
        json_array_foreach(res, i, x)
        {
            if (i)
                web_puts(p, "; ");
            web_esc(p, web_sval(x, "from_org"));
            web_puts(p, " &rarr; ");
            web_esc(p, web_sval(x, "to_org"));
        }
        web_puts(p, "</dd>");
    }
    json_t *gate = json_object_get(it, "gate");
    if (json_is_object(gate)) {
        json_t *c = json_object_get(gate, "clearance");
        web_puts(p, "<dt>");
        web_put_tr(p, "items.gate");
        web_puts(p, "</dt><dd id=\"item-gate\">");
        if (json_is_object(c)) {
            web_put_tr(p, "items.gate_clearance");
            web_puts(p, " ");
            web_user(p, web_sval(c, "regime"));
            web_puts(p, " / ");
            web_user(p, web_sval(c, "level"));
            web_puts(p, ". ");
        }
        if (web_sval(gate, "ntk_group")) {
            web_put_tr(p, "items.gate_group");
            web_puts(p, " ");
            web_user(p, web_sval(gate, "ntk_group"));
            web_puts(p, ". ");
        }
        if (json_array_size(json_object_get(gate, "nationalities"))) {
            web_put_tr(p, "items.gate_nationalities");
            web_puts(p, " ");
            put_list(p, json_object_get(gate, "nationalities"));
            web_puts(p, ". ");
        }
        if (json_array_size(json_object_get(gate, "org_countries"))) {
            web_put_tr(p, "items.gate_countries");
            web_puts(p, " ");
            put_list(p, json_object_get(gate, "org_countries"));
            web_puts(p, ". ");
        }
        web_puts(p, "</dd>");
    }
    web_puts(p, "</dl><h2>");
    web_put_tr(p, "items.description");
    web_puts(p, "</h2><div id=\"item-description\" class=\"narrative\">");
    web_user(p, web_sval(body, "description"));
    web_puts(p, "</div>");
    json_t *ind = json_object_get(body, "indicators");
    if (json_array_size(ind)) {
        web_puts(p, "<h2>");
        web_put_tr(p, "items.indicators");
        web_puts(p, "</h2><table id=\"indicators\" class=\"data\"><tbody>");
        size_t i;
        json_t *x;
        json_array_foreach(ind, i, x)
        {
            web_puts(p, "<tr><td>");
            web_user(p, web_sval(x, "type"));
            web_puts(p, "</td><td><code>");
            web_user(p, web_sval(x, "value"));
            web_puts(p, "</code></td></tr>");
        }
        web_puts(p, "</tbody></table>");
    }
    /* widening (labels and recipients): the originator's organization; others need its
     * recorded permission, which the action checks */
    const char *origin = web_sval(it, "originator_org");
    if (origin && strcmp(origin, p->r->who.org_id) == 0) {
        mm_tlp cur = share_tlp_of(it);
        web_puts(p, "<h2>");
        web_put_tr(p, "items.widen");
        web_puts(p, "</h2><form id=\"widen-form\" method=\"post\" action=\"/items/");
        web_attr(p, id);
        web_puts(p, "/share\">");
        web_csrf_field(p);
        web_puts(p, "<p><label>");
        web_put_tr(p, "items.label");
        web_puts(p, " <select name=\"tlp\">");
        for (int i = (int)cur; i >= 0; i--)
            web_printf(p, "<option value=\"%s\"%s>%s</option>", mm_tlp_label((mm_tlp)i),
                       i == (int)cur ? " selected" : "", mm_tlp_label((mm_tlp)i));
        web_puts(p, "</select></label></p><p><label>");
        web_put_tr(p, "items.recipient_users");
        web_puts(p, " <input type=\"text\" name=\"users\"></label></p><p><label>");
        web_put_tr(p, "items.recipient_orgs");
        web_puts(p, " <input type=\"text\" name=\"orgs\"></label></p><p><label>");
        web_put_tr(p, "items.community");
        web_puts(p, " <input type=\"text\" name=\"community\"></label></p><p><button "
                    "type=\"submit\">");
        web_put_tr(p, "items.widen");
        web_puts(p, "</button></p></form>");
    }
    if (share_tlp_of(it) == MM_TLP_AMBER) {
        web_puts(p, "<h2>");
        web_put_tr(p, "items.reshare");
        web_puts(p, "</h2><p class=\"note\">");
        web_put_tr(p, "items.reshare_intro");
        web_puts(p, "</p><form id=\"reshare-form\" method=\"post\" action=\"/items/");
        web_attr(p, id);
        web_puts(p, "/reshare\">");
        web_csrf_field(p);
        web_puts(p, "<label>");
        web_put_tr(p, "items.recipient_orgs");
        web_puts(p, " <input type=\"text\" name=\"orgs\"></label> <button type=\"submit\">");
        web_put_tr(p, "items.reshare");
        web_puts(p, "</button></form>");
    }
}

static void item_page(http_req *r, reply *out, const char *id, const char *err, unsigned status)
{
    reply scratch = {0};
    json_t *it = share_readable_item(r, &scratch, id);
    unsigned got = scratch.status;
    json_decref(scratch.json);
    free(scratch.text);
    if (!it) {
        web_error_page(r, out, got == 404 ? 404 : 503,
                       got == 404 ? "error.not_found" : "error.busy");
        return;
    }
    json_t *one = json_pack("[O]", it);
    int rc = one ? share_audit_reads(r, one, "get") : MM_ENOMEM;
    json_decref(one);
    if (rc) {
        json_decref(it);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "items.title");
    item_render(&p, it, err);
    json_decref(it);
    web_page_finish(&p, out, status);
}

void w_item(http_req *r, reply *out)
{
    item_page(r, out, r->param[0], NULL, 200);
}

/* words of a field separated by commas, spaces or new lines, as a JSON array */
static json_t *words(const char *text);

/* POST /items/{id}/share: share_item_widen, the API's action (a wider label, more
 * recipients, a community) */
void w_item_widen(http_req *r, reply *out)
{
    const char *tlp = r->form ? mm_form_value(r->form, "tlp") : NULL;
    const char *users = r->form ? mm_form_value(r->form, "users") : NULL;
    const char *orgs = r->form ? mm_form_value(r->form, "orgs") : NULL;
    const char *community = r->form ? mm_form_value(r->form, "community") : NULL;
    json_t *j = json_object(), *rec = json_object();
    if (tlp && tlp[0])
        json_object_set_new(j, "tlp", json_string(tlp));
    if (community && community[0])
        json_object_set_new(j, "community", json_string(community));
    json_object_set_new(rec, "users", words(users ? users : ""));
    json_object_set_new(rec, "orgs", words(orgs ? orgs : ""));
    json_object_set_new(j, "recipients", rec);
    act_fail f = {0};
    int rc = share_item_widen(r, r->param[0], j, &f);
    json_decref(j);
    if (rc == MM_OK) {
        char loc[64];
        snprintf(loc, sizeof loc, "/items/%s", r->param[0]);
        web_redirect(out, loc);
    } else if (f.kind == ACT_NOT_FOUND) {
        web_error_page(r, out, 404, "error.not_found");
    } else if (f.kind == ACT_INVALID || f.kind == ACT_FORBIDDEN) {
        item_page(r, out, r->param[0], f.msg, f.kind == ACT_INVALID ? 400 : 403);
    } else {
        web_error_page(r, out, 503, "error.busy");
    }
}

/* POST /items/{id}/reshare: share_item_reshare, the API's action */
void w_item_reshare(http_req *r, reply *out)
{
    const char *v = r->form ? mm_form_value(r->form, "orgs") : NULL;
    json_t *orgs = words(v ? v : "");
    act_fail f = {0};
    int rc = json_array_size(orgs) ? share_item_reshare(r, r->param[0], orgs, &f)
                                   : act_failed(&f, ACT_INVALID, MM_EINVALID,
                                                "$.orgs: name at least one organization");
    json_decref(orgs);
    if (rc == MM_OK) {
        char loc[64];
        snprintf(loc, sizeof loc, "/items/%s", r->param[0]);
        web_redirect(out, loc);
    } else if (f.kind == ACT_NOT_FOUND) {
        web_error_page(r, out, 404, "error.not_found");
    } else if (f.kind == ACT_INVALID || f.kind == ACT_FORBIDDEN) {
        item_page(r, out, r->param[0], f.msg, f.kind == ACT_INVALID ? 400 : 403);
    } else {
        web_error_page(r, out, 503, "error.busy");
    }
}

/* ---- sharing a new item ------------------------------------------------------------------ */

static const char *fv(const http_req *r, const char *name)
{
    const char *v = r->form ? mm_form_value(r->form, name) : NULL;
    return v ? v : "";
}

static void put_field(page *p, const http_req *r, const char *name, const char *key,
                      const char *type)
{
    web_puts(p, "<p><label>");
    web_put_tr(p, key);
    web_printf(p, " <input type=\"%s\" name=\"%s\" value=\"", type, name);
    web_attr(p, fv(r, name));
    web_puts(p, "\"></label></p>");
}

static void form_render(page *p, const http_req *r, const char *err)
{
    web_puts(p, "<h1>");
    web_put_tr(p, "items.new");
    web_puts(p, "</h1><p id=\"sbu-notice\" class=\"note\" role=\"note\">");
    web_put_tr(p, "items.sbu");
    web_puts(p, "</p>");
    if (err)
        web_error_box(p, err);
    web_puts(p, "<form id=\"item-form\" method=\"post\" action=\"/items\">");
    web_csrf_field(p);
    put_field(p, r, "title", "items.col_title", "text");
    web_puts(p, "<p><label>");
    web_put_tr(p, "items.label");
    web_puts(p, " <select name=\"tlp\">");
    for (int i = 0; i < 5; i++) {
        const char *l = mm_tlp_label((mm_tlp)i);
        web_printf(p, "<option value=\"%s\"%s>%s</option>", l,
                   strcmp(fv(r, "tlp"), l) == 0 ? " selected" : "", l);
    }
    web_puts(p, "</select></label></p><p><label>");
    web_put_tr(p, "items.description");
    web_puts(p, " <textarea name=\"description\" rows=\"6\">");
    web_esc(p, fv(r, "description"));
    web_puts(p, "</textarea></label></p><p><label>");
    web_put_tr(p, "items.indicators_field");
    web_puts(p, " <textarea name=\"indicators\" rows=\"4\">");
    web_esc(p, fv(r, "indicators"));
    web_puts(p, "</textarea></label></p>");
    put_field(p, r, "users", "items.recipient_users", "text");
    put_field(p, r, "orgs", "items.recipient_orgs", "text");
    put_field(p, r, "community", "items.community", "text");
    web_puts(p, "<fieldset><legend>");
    web_put_tr(p, "items.gate");
    web_puts(p, "</legend>");
    put_field(p, r, "regime", "items.gate_regime", "text");
    put_field(p, r, "level", "items.gate_level", "text");
    put_field(p, r, "ntk_group", "items.gate_group", "text");
    put_field(p, r, "nationalities", "items.gate_nationalities", "text");
    put_field(p, r, "org_countries", "items.gate_countries", "text");
    web_puts(p, "</fieldset><p><button type=\"submit\">");
    web_put_tr(p, "items.share");
    web_puts(p, "</button></p></form><h2>");
    web_put_tr(p, "items.upload");
    web_puts(p, "</h2><p class=\"note\">");
    web_put_tr(p, "items.upload_intro");
    web_puts(p, "</p><form id=\"stix-upload\" method=\"post\" action=\"/items/import\" "
                "enctype=\"multipart/form-data\">");
    web_csrf_field(p);
    web_puts(p, "<p><input type=\"file\" id=\"stix-file\" name=\"bundle\" aria-label=\"");
    web_put_tr_attr(p, "items.upload", NULL, NULL, NULL);
    web_puts(p, "\" accept=\"application/json,.json\"></p><p><label>");
    web_put_tr(p, "items.upload_default");
    web_puts(p, " <select name=\"default\"><option value=\"\">");
    web_put_tr(p, "items.upload_refuse");
    web_puts(p, "</option>");
    for (int i = 0; i < 5; i++)
        web_printf(p, "<option value=\"%s\">%s</option>", mm_tlp_label((mm_tlp)i),
                   mm_tlp_label((mm_tlp)i));
    web_puts(p, "</select></label></p><p><button type=\"submit\" id=\"stix-send\">");
    web_put_tr(p, "items.upload");
    web_puts(p, "</button></p></form>");
}

static void form_page(http_req *r, reply *out, const char *err, unsigned status)
{
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "items.new");
    p.self = "/items/new";
    form_render(&p, r, err);
    web_page_finish(&p, out, status);
}

void w_item_form(http_req *r, reply *out)
{
    form_page(r, out, NULL, 200);
}

/* words of a field separated by commas, spaces or new lines, as a JSON array */
static json_t *words(const char *text)
{
    json_t *a = json_array();
    const char *s = text;
    while (a && *s) {
        size_t skip = strspn(s, ", \t\r\n");
        s += skip;
        size_t n = strcspn(s, ", \t\r\n");
        if (n)
            json_array_append_new(a, json_stringn(s, n));
        s += n;
    }
    return a;
}

/* "type value" per line */
static json_t *indicator_lines(const char *text)
{
    json_t *a = json_array();
    const char *s = text;
    while (a && *s) {
        size_t n = strcspn(s, "\r\n");
        const char *sp = memchr(s, ' ', n);
        if (n && sp && sp > s && (size_t)(sp - s) + 1 < n)
            json_array_append_new(a, json_pack("{s:s%,s:s%}", "type", s, (size_t)(sp - s), "value",
                                               sp + 1, n - (size_t)(sp - s) - 1));
        else if (n)
            json_array_append_new(a, json_pack("{s:s%}", "type", s, n)); /* refused below */
        s += n;
        s += strspn(s, "\r\n");
    }
    return a;
}

/* The form as the body of POST /api/v1/items, checked by the same parser (the API's rules and
 * messages); the item is then created by the API's own action. */
void w_item_create(http_req *r, reply *out)
{
    json_t *j = json_pack("{s:s,s:s,s:s}", "title", fv(r, "title"), "tlp", fv(r, "tlp"),
                          "description", fv(r, "description"));
    json_t *ind = indicator_lines(fv(r, "indicators"));
    if (json_array_size(ind))
        json_object_set(j, "indicators", ind);
    json_decref(ind);
    json_t *users = words(fv(r, "users")), *orgs = words(fv(r, "orgs"));
    if (json_array_size(users) || json_array_size(orgs)) {
        json_t *rec = json_object();
        if (json_array_size(users))
            json_object_set(rec, "users", users);
        if (json_array_size(orgs))
            json_object_set(rec, "orgs", orgs);
        json_object_set_new(j, "recipients", rec);
    }
    json_decref(users);
    json_decref(orgs);
    if (fv(r, "community")[0])
        json_object_set_new(j, "community", json_string(fv(r, "community")));
    json_t *gate = json_object();
    if (fv(r, "regime")[0] || fv(r, "level")[0])
        json_object_set_new(
            gate, "clearance",
            json_pack("{s:s,s:s}", "regime", fv(r, "regime"), "level", fv(r, "level")));
    if (fv(r, "ntk_group")[0])
        json_object_set_new(gate, "ntk_group", json_string(fv(r, "ntk_group")));
    if (fv(r, "nationalities")[0])
        json_object_set_new(gate, "nationalities", words(fv(r, "nationalities")));
    if (fv(r, "org_countries")[0])
        json_object_set_new(gate, "org_countries", words(fv(r, "org_countries")));
    if (json_object_size(gate))
        json_object_set(j, "gate", gate);
    json_decref(gate);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!text) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    mm_share_item_body b;
    int rc = mm_share_parse_item(&b, text, strlen(text));
    free(text);
    if (rc) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", mm_error_last());
        form_page(r, out, msg, 400);
        return;
    }
    char id[37];
    act_fail f = {0};
    rc = share_item_create(r, &b, id, &f);
    mm_share_item_clear(&b);
    if (rc && f.kind == ACT_INVALID) {
        form_page(r, out, f.msg, 400);
        return;
    }
    if (rc) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    char loc[64];
    snprintf(loc, sizeof loc, "/items/%s", id);
    web_redirect(out, loc);
}

/* POST /items/import: a STIX 2.1 bundle through share_items_import, the API's action; then
 * the first imported item's page (or the list when there are several) */
void w_items_import(http_req *r, reply *out)
{
    const mm_form_field *file = r->form ? mm_form_get(r->form, "bundle") : NULL;
    const char *d = fv(r, "default");
    mm_tlp dflt;
    bool has_default = d[0] && mm_tlp_parse(&dflt, d) == MM_OK;
    json_t *ids = NULL;
    act_fail f = {0};
    int rc =
        file && file->len
            ? share_items_import(r, file->value, file->len, has_default ? &dflt : NULL, &ids, &f)
            : act_failed(&f, ACT_INVALID, MM_EINVALID, "bundle: choose a STIX 2.1 file");
    if (rc && (f.kind == ACT_INVALID || f.kind == ACT_UNPROCESSABLE)) {
        form_page(r, out, f.msg, f.kind == ACT_INVALID ? 400 : 422);
        return;
    }
    if (rc) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    char loc[64];
    if (json_array_size(ids) == 1)
        snprintf(loc, sizeof loc, "/items/%s", json_string_value(json_array_get(ids, 0)));
    else
        snprintf(loc, sizeof loc, "/items");
    json_decref(ids);
    web_redirect(out, loc);
}
