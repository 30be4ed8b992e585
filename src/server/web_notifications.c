/* mamori serve: the dashboard's notifications page (docs/notifications.md, docs/dashboard.md):
 * the caller's organization's notifications of the kinds the user chose, newest first, the
 * ones this user has not read marked (read marks are each user's own), each with a form to mark it
 * read and one for all; the header's bell counts the unread (web_render.c). POST
 * /notifications/read marks one (field id) or all. */
#include <stdio.h>
#include <stdlib.h>

#include "mamori/notify.h"
#include "mamori/supply.h"
#include "server/form.h"
#include "server/notify.h"
#include "server/supply.h"
#include "server/web.h"
#include "util/util.h"

typedef struct notes_model {
    json_t *list; /* mm_store_notify_list */
} notes_model;

static int notes_model_make(notes_model *m, http_req *r)
{
    json_t *prefs = NULL;
    int rc = mm_store_notify_prefs_get(r->st, &prefs, r->who.user_id);
    if (rc == MM_OK)
        rc = mm_store_notify_list(r->st, &m->list, r->who.org_id, r->who.user_id,
                                  json_object_get(prefs, "events"), false, 0, 100);
    json_decref(prefs);
    return rc;
}

static void notes_render(page *p, const notes_model *m, const char *done)
{
    p->title = web_tr(p, "notifications.title");
    web_puts(p, "<h1>");
    web_put_tr(p, "notifications.title");
    web_puts(p, "</h1>");
    if (done) {
        web_puts(p, "<p id=\"notifications-done\" class=\"note\" role=\"status\">");
        web_put_tr(p, done);
        web_puts(p, "</p>");
    }
    web_puts(p, "<p class=\"note\">");
    web_put_tr(p, "notifications.note");
    web_puts(p, " <a id=\"notify-preferences-link\" href=\"/notifications/preferences\">");
    web_put_tr(p, "notify.prefs.title");
    web_puts(p, "</a></p>");
    json_t *items = json_object_get(m->list, "items");
    long long unread = (long long)json_integer_value(json_object_get(m->list, "unread"));
    if (json_array_size(items) == 0) {
        web_puts(p, "<p id=\"no-notifications\" class=\"muted\">");
        web_put_tr(p, "notifications.none");
        web_puts(p, "</p>");
    }
    if (unread > 0) {
        web_puts(
            p,
            "<form method=\"post\" action=\"/notifications/read\" id=\"notifications-read-all\">");
        web_csrf_field(p);
        web_puts(p, "<input type=\"hidden\" name=\"all\" value=\"1\"><button type=\"submit\">");
        web_put_tr(p, "notifications.read_all");
        web_puts(p, "</button></form>");
    }
    web_puts(p, "<table id=\"notifications\" class=\"data\"><thead><tr>"
                "<th scope=\"col\">");
    web_put_tr(p, "notifications.created");
    web_puts(p, "</th><th scope=\"col\">");
    web_put_tr(p, "notifications.kind");
    web_puts(p, "</th><th scope=\"col\">");
    web_put_tr(p, "notifications.subject");
    web_puts(p, "</th><th scope=\"col\">");
    web_put_tr(p, "notifications.state");
    web_puts(p, "</th></tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        bool is_unread = json_is_null(json_object_get(it, "read"));
        long long id = (long long)json_integer_value(json_object_get(it, "id"));
        const char *klass = json_string_value(json_object_get(it, "class"));
        web_printf(p, "<tr data-notification=\"%lld\" data-unread=\"%d\" data-kind=\"", id,
                   is_unread ? 1 : 0);
        web_attr(p, klass);
        web_puts(p, "\"><td>");
        web_time(p, json_string_value(json_object_get(it, "created")));
        web_puts(p, "</td><td>");
        char key[80];
        snprintf(key, sizeof key, "notify.kind.%s", klass ? klass : "");
        web_put_tr(p, key);
        web_puts(p, "</td><td>");
        mm_buf subject = MM_BUF_INIT;
        notify_subject(&subject, p->lang, klass, json_object_get(it, "detail"),
                       json_string_value(json_object_get(it, "subject")));
        web_user(p, mm_buf_cstr(&subject));
        mm_buf_free(&subject);
        web_puts(p, "</td><td>");
        if (is_unread) {
            web_puts(p, "<form method=\"post\" action=\"/notifications/read\">");
            web_csrf_field(p);
            web_printf(p, "<input type=\"hidden\" name=\"id\" value=\"%lld\">", id);
            web_puts(p, "<button type=\"submit\">");
            web_put_tr(p, "notifications.mark_read");
            web_puts(p, "</button></form>");
        } else {
            web_put_tr(p, "notifications.read");
        }
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table>");
}

static void notes_page(http_req *r, reply *out, const char *done)
{
    notes_model m = {0};
    if (notes_model_make(&m, r) != MM_OK) {
        json_decref(m.list);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    notes_render(&p, &m, done);
    json_decref(m.list);
    web_page_finish(&p, out, 200);
}

void w_notifications(http_req *r, reply *out)
{
    notes_page(r, out, NULL);
}

void w_notifications_read(http_req *r, reply *out)
{
    const char *id = r->form ? mm_form_value(r->form, "id") : NULL;
    bool all = r->form && mm_form_value(r->form, "all");
    char *end = NULL;
    long long n = id ? strtoll(id, &end, 10) : 0;
    if (!all && (!id || !*id || *end || n <= 0)) {
        web_error_page(r, out, 400, "error.form");
        return;
    }
    int rc = mm_store_begin(r->st);
    int64_t count = 0;
    if (rc == MM_OK && all)
        rc = mm_store_notify_read_all(r->st, r->who.org_id, r->who.user_id, r->now, &count);
    else if (rc == MM_OK)
        rc = mm_store_notify_read(r->st, r->who.org_id, r->who.user_id, n, r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "notification.read", all ? "all" : id, NULL);
    if (rc == MM_ENOTFOUND) {
        web_error_page(r, out, 404, "error.not_found");
        return;
    }
    if (rc) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    notes_page(r, out, "notifications.marked");
}
