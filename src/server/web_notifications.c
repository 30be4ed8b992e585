/* mamori serve: the dashboard's notifications page (docs/supply-chain.md, "Notifications"):
 * the caller's organization's notifications, newest first, the unread ones marked; the
 * header's badge counts the unread (web_render.c). Marking read is the API's
 * (POST /api/v1/notifications/{id}/read). */
#include <stdio.h>

#include "mamori/supply.h"
#include "server/supply.h"
#include "server/web.h"

void w_notifications(http_req *r, reply *out)
{
    json_t *v = NULL;
    if (mm_store_list_notifications(r->st, &v, r->who.org_id, false, 0, 100) != MM_OK) {
        json_decref(v);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "notifications.title");
    web_puts(&p, "<h1>");
    web_put_tr(&p, "notifications.title");
    web_puts(&p, "</h1><p class=\"note\">");
    web_put_tr(&p, "notifications.note");
    web_puts(&p, "</p>");
    json_t *items = json_object_get(v, "items");
    if (json_array_size(items) == 0) {
        web_puts(&p, "<p id=\"no-notifications\" class=\"muted\">");
        web_put_tr(&p, "notifications.none");
        web_puts(&p, "</p>");
    }
    web_puts(&p, "<table id=\"notifications\" class=\"data\"><thead><tr><th scope=\"col\">");
    web_put_tr(&p, "notifications.created");
    web_puts(&p, "</th><th scope=\"col\">");
    web_put_tr(&p, "notifications.kind");
    web_puts(&p, "</th><th scope=\"col\">");
    web_put_tr(&p, "notifications.subject");
    web_puts(&p, "</th></tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        bool unread = json_is_null(json_object_get(it, "read"));
        web_printf(&p, "<tr data-notification=\"%lld\" data-unread=\"%d\"><td>",
                   (long long)json_integer_value(json_object_get(it, "id")), unread ? 1 : 0);
        web_time(&p, json_string_value(json_object_get(it, "created")));
        web_puts(&p, "</td><td>");
        web_esc(&p, json_string_value(json_object_get(it, "kind")));
        web_puts(&p, "</td><td>");
        web_user(&p, json_string_value(json_object_get(it, "subject")));
        web_puts(&p, "</td></tr>");
    }
    web_puts(&p, "</tbody></table>");
    json_decref(v);
    web_page_finish(&p, out, 200);
}
