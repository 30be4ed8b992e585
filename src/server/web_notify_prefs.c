/* mamori serve: the dashboard's notification preferences (docs/notifications.md): which kinds,
 * which channels, the address, the language of mail, a digest and a webhook URL. The form posts
 * to the same path; the change is notify_prefs_update, as the API's. A new webhook secret is
 * shown once, on the answer to the post that made it. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "server/form.h"
#include "server/notify.h"
#include "server/web.h"
#include "util/util.h"

static bool in(const json_t *arr, const char *s)
{
    size_t i;
    json_t *e;
    json_array_foreach(arr, i, e)
    {
        if (mm_streq(json_string_value(e), s))
            return true;
    }
    return false;
}

static void checkbox(page *p, const char *name, const char *label_key, bool on)
{
    web_printf(p, "<label><input type=\"checkbox\" name=\"%s\" value=\"1\"%s> ", name,
               on ? " checked" : "");
    web_put_tr(p, label_key);
    web_puts(p, "</label> ");
}

static void option(page *p, const char *value, const char *label_key, const char *cur)
{
    web_printf(p, "<option value=\"%s\"%s>", value, mm_streq(value, cur) ? " selected" : "");
    web_put_tr(p, label_key);
    web_puts(p, "</option>");
}

static void prefs_render(page *p, const json_t *prefs, const char *secret, const char *error,
                         bool saved)
{
    p->title = web_tr(p, "notify.prefs.title");
    web_puts(p, "<h1>");
    web_put_tr(p, "notify.prefs.title");
    web_puts(p, "</h1>");
    if (error)
        web_error_box(p, error);
    if (saved) {
        web_puts(p, "<p id=\"notify-prefs-saved\" class=\"note\" role=\"status\">");
        web_put_tr(p, "notify.prefs.saved");
        web_puts(p, "</p>");
    }
    if (secret && *secret) {
        web_puts(p, "<p id=\"notify-webhook-secret\" class=\"note\">");
        web_put_tr(p, "notify.prefs.secret_once");
        web_puts(p, " <code>");
        web_esc(p, secret);
        web_puts(p, "</code></p>");
    }
    const json_t *events = json_object_get(prefs, "events");
    const json_t *channels = json_object_get(prefs, "channels");
    web_puts(p, "<form method=\"post\" action=\"/notifications/preferences\" id=\"notify-prefs\">");
    web_csrf_field(p);
    web_puts(p, "<fieldset><legend>");
    web_put_tr(p, "notify.prefs.events");
    web_puts(p, "</legend>");
    for (size_t i = 0; i < MM_NOTIFY_NKINDS; i++) {
        char name[60], key[80];
        snprintf(name, sizeof name, "ev_%s", mm_notify_kinds[i]);
        snprintf(key, sizeof key, "notify.kind.%s", mm_notify_kinds[i]);
        checkbox(p, name, key, in(events, mm_notify_kinds[i]));
    }
    web_puts(p, "</fieldset><fieldset><legend>");
    web_put_tr(p, "notify.prefs.channels");
    web_puts(p, "</legend>");
    checkbox(p, "ch_dashboard", "notify.channel.dashboard", in(channels, "dashboard"));
    checkbox(p, "ch_email", "notify.channel.email", in(channels, "email"));
    checkbox(p, "ch_webhook", "notify.channel.webhook", in(channels, "webhook"));
    web_puts(p, "</fieldset><p><label for=\"notify-email\">");
    web_put_tr(p, "notify.prefs.email");
    web_puts(p, "</label> <input type=\"email\" id=\"notify-email\" name=\"email\" value=\"");
    web_attr(p, json_string_value(json_object_get(prefs, "email")));
    web_puts(p, "\"></p><p><label for=\"notify-lang\">");
    web_put_tr(p, "notify.prefs.lang");
    web_puts(p, "</label> <select id=\"notify-lang\" name=\"lang\">");
    const char *lang = json_string_value(json_object_get(prefs, "lang"));
    option(p, "en", "notify.lang.en", lang);
    option(p, "ja", "notify.lang.ja", lang);
    web_puts(p, "</select></p><p><label for=\"notify-digest\">");
    web_put_tr(p, "notify.prefs.digest");
    web_puts(p, "</label> <select id=\"notify-digest\" name=\"digest\">");
    const char *digest = json_string_value(json_object_get(prefs, "digest"));
    option(p, "none", "notify.digest.none", digest);
    option(p, "hourly", "notify.digest.hourly", digest);
    option(p, "daily", "notify.digest.daily", digest);
    web_puts(p, "</select></p><p><label for=\"notify-webhook\">");
    web_put_tr(p, "notify.prefs.webhook");
    web_puts(p, "</label> <input type=\"url\" id=\"notify-webhook\" name=\"webhook_url\" value=\"");
    web_attr(p, json_string_value(json_object_get(prefs, "webhook_url")));
    web_puts(p, "\"> ");
    checkbox(p, "rotate_secret", "notify.prefs.rotate", false);
    web_puts(p, "</p><p><button type=\"submit\">");
    web_put_tr(p, "notify.prefs.save");
    web_puts(p, "</button></p></form>");
}

static void prefs_page(http_req *r, reply *out, const json_t *prefs, const char *secret,
                       const char *error, bool saved, unsigned status)
{
    page p;
    web_page_init(&p, r, out);
    prefs_render(&p, prefs, secret, error, saved);
    web_page_finish(&p, out, status);
}

void w_notify_prefs(http_req *r, reply *out)
{
    json_t *prefs = NULL;
    if (mm_store_notify_prefs_get(r->st, &prefs, r->who.user_id) != MM_OK) {
        json_decref(prefs);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    prefs_page(r, out, prefs, NULL, NULL, false, 200);
    json_decref(prefs);
}

void w_notify_prefs_post(http_req *r, reply *out)
{
    const mm_form *f = r->form;
    json_t *ch = json_object(), *events = json_array(), *channels = json_array();
    for (size_t i = 0; i < MM_NOTIFY_NKINDS; i++) {
        char name[60];
        snprintf(name, sizeof name, "ev_%s", mm_notify_kinds[i]);
        if (f && mm_form_value(f, name))
            json_array_append_new(events, json_string(mm_notify_kinds[i]));
    }
    static const char *const names[] = {"dashboard", "email", "webhook"};
    for (size_t i = 0; i < 3; i++) {
        char name[40];
        snprintf(name, sizeof name, "ch_%s", names[i]);
        if (f && mm_form_value(f, name))
            json_array_append_new(channels, json_string(names[i]));
    }
    json_object_set_new(ch, "events", events);
    json_object_set_new(ch, "channels", channels);
    const char *email = f ? mm_form_value(f, "email") : NULL;
    const char *url = f ? mm_form_value(f, "webhook_url") : NULL;
    json_object_set_new(ch, "email", email && *email ? json_string(email) : json_null());
    json_object_set_new(ch, "webhook_url", url && *url ? json_string(url) : json_null());
    const char *lang = f ? mm_form_value(f, "lang") : NULL;
    const char *digest = f ? mm_form_value(f, "digest") : NULL;
    json_object_set_new(ch, "lang", json_string(lang ? lang : ""));
    json_object_set_new(ch, "digest", json_string(digest ? digest : ""));
    json_t *prefs = NULL;
    act_fail af = {0};
    char secret[80];
    int rc = notify_prefs_update(r, ch, f && mm_form_value(f, "rotate_secret"), &prefs, secret,
                                 sizeof secret, &af);
    if (rc == MM_OK) {
        prefs_page(r, out, prefs, secret, NULL, true, 200);
    } else if (af.kind == ACT_INVALID || af.kind == ACT_UNPROCESSABLE) {
        /* the form as sent, with what is wrong */
        json_object_set_new(ch, "webhook_secret_set", json_false());
        prefs_page(r, out, ch, NULL, af.msg, false, 400);
    } else {
        web_error_page(r, out, 503, "error.busy");
    }
    sodium_memzero(secret, sizeof secret);
    json_decref(prefs);
    json_decref(ch);
}
