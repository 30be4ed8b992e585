/* mamori serve: the dashboard's incident reports page. The reports come from the API's own
 * list (incidents_list), so the TLP decision and the audit of RED/AMBER reads are exactly
 * the API's: a report the reader may not see is never on the page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/internal.h"
#include "server/web.h"
#include "util/util.h"

static const char *s_of(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* The organization's name for a row (the reader can see the report, hence its reporter). */
static void put_org(page *p, http_req *r, const char *org_id)
{
    json_t *org = NULL;
    if (org_id && mm_store_get_org(r->st, &org, org_id) == MM_OK) {
        web_user(p, s_of(org, "name"));
        json_decref(org);
    } else {
        web_esc(p, org_id ? org_id : "");
    }
}

void w_incidents(http_req *r, reply *out)
{
    json_t *list = NULL;
    if (incidents_list(r, &list) != MM_OK) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "incidents.title");
    web_puts(&p, "<h1>");
    web_put_tr(&p, "incidents.title");
    web_puts(&p, "</h1><p class=\"note\">");
    web_put_tr(&p, "incidents.note");
    web_puts(&p, "</p>");
    json_t *items = list;
    if (json_array_size(items) == 0) {
        web_puts(&p, "<p id=\"no-incidents\" class=\"muted\">");
        web_put_tr(&p, "incidents.none");
        web_puts(&p, "</p>");
    }
    web_puts(&p, "<table id=\"incidents\" class=\"data\"><thead><tr>");
    static const char *const cols[] = {"incidents.number",     "incidents.org", "incidents.type",
                                       "incidents.discovered", "incidents.due", "incidents.state",
                                       "incidents.preserve",   "incidents.tlp"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        web_puts(&p, "<th scope=\"col\">");
        web_put_tr(&p, cols[c]);
        web_puts(&p, "</th>");
    }
    web_puts(&p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *state = s_of(it, "deadline_state");
        web_puts(&p, "<tr data-report=\"");
        web_attr(&p, s_of(it, "report_number"));
        web_puts(&p, "\"><td>");
        web_esc(&p, s_of(it, "report_number"));
        if (s_of(it, "sub_report_number")) {
            web_puts(&p, "<div class=\"gap-detail\">");
            web_put_tr(&p, "incidents.sub_number");
            web_puts(&p, " ");
            web_esc(&p, s_of(it, "sub_report_number"));
            web_puts(&p, "</div>");
        }
        web_puts(&p, "</td><td>");
        put_org(&p, r, s_of(it, "org_id"));
        web_puts(&p, "</td><td>");
        char key[48];
        snprintf(key, sizeof key, "incidents.type.%s",
                 s_of(it, "report_type") ? s_of(it, "report_type") : "initial");
        web_put_tr(&p, key);
        web_puts(&p, "</td><td>");
        web_esc(&p, s_of(it, "discovered"));
        web_puts(&p, "</td><td>");
        web_esc(&p, s_of(it, "due"));
        web_puts(&p, "<div class=\"gap-detail\">");
        web_esc(&p, s_of(it, "due_local"));
        web_puts(&p, "</div></td><td><span class=\"deadline\" data-state=\"");
        web_attr(&p, state);
        web_puts(&p, "\">");
        snprintf(key, sizeof key, "incidents.state.%s", state ? state : "on-time");
        web_put_tr(&p, key);
        web_puts(&p, "</span></td><td>");
        web_esc(&p, s_of(it, "preserve_until"));
        web_puts(&p, "</td><td><span class=\"tlp\">");
        web_esc(&p, s_of(it, "tlp"));
        web_puts(&p, "</span></td></tr>");
    }
    web_puts(&p, "</tbody></table>");
    json_decref(list);
    web_page_finish(&p, out, 200);
}
