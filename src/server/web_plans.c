/* mamori serve: the dashboard's installation plans page (docs/screening.md, docs/dashboard.md
 * "/plans"): the authority sees every plan, an organization's users its own; each with its
 * state and examination deadline, the days left, and those due within 7 days marked. The
 * moves are the API's (POST /api/v1/plans/{id}/state, .../deadline). */
#include <stdio.h>
#include <string.h>

#include "server/screen.h"
#include "server/web.h"
#include "server/web_parts.h"
#include "util/util.h"

#define DUE_SOON_DAYS 7

void w_plans(http_req *r, reply *out)
{
    json_t *items = NULL;
    if (mm_store_plan_list(r->st, &items, r->who.authority ? NULL : r->who.org_id) != MM_OK) {
        json_decref(items);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    char today[11];
    memcpy(today, r->now, 10);
    today[10] = '\0';
    if (r->today[0])
        memcpy(today, r->today, sizeof today);
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "plans.title");
    web_puts(&p, "<h1>");
    web_put_tr(&p, "plans.title");
    web_puts(&p, "</h1><p class=\"note\">");
    web_put_tr(&p, r->who.authority ? "plans.note.authority" : "plans.note.operator");
    web_puts(&p, "</p>");
    if (json_array_size(items) == 0) {
        web_puts(&p, "<p id=\"no-plans\" class=\"muted\">");
        web_put_tr(&p, "plans.none");
        web_puts(&p, "</p>");
    }
    web_puts(&p, "<table id=\"plans\" class=\"data\"><thead><tr>");
    static const char *const cols[] = {"plans.filed", "plans.operator", "plans.sector",
                                       "plans.state", "plans.due",      "plans.days_left"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        web_puts(&p, "<th scope=\"col\">");
        web_put_tr(&p, cols[c]);
        web_puts(&p, "</th>");
    }
    web_puts(&p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    bool open_today = mm_is_date(today);
    json_array_foreach(items, i, it)
    {
        const char *state = json_string_value(json_object_get(it, "state"));
        const char *due = json_string_value(json_object_get(it, "due"));
        bool open = mm_streq(state, "submitted") || mm_streq(state, "under-examination") ||
                    mm_streq(state, "extended");
        long left =
            open && open_today && mm_is_date(due) ? mm_date_days(due) - mm_date_days(today) : 0;
        bool soon = open && left <= DUE_SOON_DAYS;
        web_puts(&p, "<tr data-plan=\"");
        web_esc(&p, json_string_value(json_object_get(it, "id")));
        web_puts(&p, "\" data-state=\"");
        web_esc(&p, state);
        web_printf(&p, "\" data-due-soon=\"%d\"%s><td><a href=\"/plans/", soon ? 1 : 0,
                   soon ? " class=\"due-soon\"" : "");
        web_attr(&p, json_string_value(json_object_get(it, "id"))); /* its screening report */
        web_puts(&p, "\">");
        web_time(&p, json_string_value(json_object_get(it, "filed")));
        web_puts(&p, "</a></td><td>");
        web_esc(&p, json_string_value(json_object_get(it, "operator_id")));
        web_puts(&p, "</td><td>");
        web_put_espa_sector(&p, json_string_value(json_object_get(it, "sector")));
        web_puts(&p, "</td><td>");
        web_esc(&p, web_plan_state_label(&p, state));
        web_puts(&p, "</td><td>");
        web_esc(&p, due);
        web_puts(&p, "</td><td>");
        if (open)
            web_printf(&p, "%ld", left);
        web_puts(&p, "</td></tr>");
    }
    web_puts(&p, "</tbody></table>");
    json_decref(items);
    web_page_finish(&p, out, 200);
}
