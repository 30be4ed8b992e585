/* mamori serve: the dashboard's designations page, /designations (docs/dashboard.md,
 * docs/screening.md "Organizations' sectors and designations"): every organization with a
 * recorded sector and, for designated operators, the date of designation and the ministry;
 * the authority's admins record one with a form, through the API's action
 * (screen_sector_set: the sector from the list, the designation both or neither, audited as
 * organization.sector). */
#include <stdio.h>
#include <string.h>

#include "mamori/screen_report.h"
#include "server/form.h"
#include "server/screen.h"
#include "server/screen_report.h"
#include "server/web.h"
#include "server/web_parts.h"
#include "util/util.h"

static const char *sv(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static bool is_admin(const http_req *r)
{
    return r->who.authority && mm_streq(r->who.role, "authority-admin");
}

static void put_form(page *p)
{
    web_puts(p, "<form id=\"designation-form\" method=\"post\" action=\"/designations\">");
    web_csrf_field(p);
    web_puts(p, "<label for=\"d-org\">");
    web_put_tr(p, "designations.org");
    web_puts(p, "</label> <input id=\"d-org\" name=\"org\" required> <label for=\"d-sector\">");
    web_put_tr(p, "designations.sector");
    web_puts(p, "</label> <select id=\"d-sector\" name=\"sector\">");
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(screen_sectors(), "sectors"), i, s)
    {
        web_puts(p, "<option value=\"");
        web_attr(p, sv(s, "key"));
        web_puts(p, "\">");
        web_esc(p, web_espa_sector_label(p, sv(s, "key")));
        web_puts(p, "</option>");
    }
    web_puts(p, "</select> <label for=\"d-date\">");
    web_put_tr(p, "designations.designated");
    web_puts(p, "</label> <input id=\"d-date\" name=\"designated\" type=\"date\"> <label "
                "for=\"d-ministry\">");
    web_put_tr(p, "designations.ministry");
    web_puts(p, "</label> <input id=\"d-ministry\" name=\"ministry\"> <button type=\"submit\">");
    web_put_tr(p, "designations.record");
    web_puts(p, "</button></form><p class=\"note\">");
    web_put_tr(p, "designations.form_note");
    web_puts(p, "</p>");
}

static void designations_page(http_req *r, reply *out, const char *err, unsigned status)
{
    json_t *list = NULL;
    if (mm_store_designations(r->st, &list) != MM_OK) {
        json_decref(list);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "designations.title");
    web_puts(&p, "<h1>");
    web_put_tr(&p, "designations.title");
    web_puts(&p, "</h1><p class=\"note\">");
    web_put_tr(&p, "designations.intro");
    web_puts(&p, "</p>");
    if (err)
        web_error_box(&p, err);
    if (is_admin(r))
        put_form(&p);
    if (json_array_size(list) == 0) {
        web_puts(&p, "<p id=\"no-designations\" class=\"muted\">");
        web_put_tr(&p, "designations.none");
        web_puts(&p, "</p>");
    }
    web_puts(&p, "<table id=\"designations\" class=\"data\"><thead><tr>");
    static const char *const cols[] = {"designations.org", "designations.sector",
                                       "designations.designated", "designations.ministry",
                                       "designations.recorded"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        web_puts(&p, "<th scope=\"col\">");
        web_put_tr(&p, cols[c]);
        web_puts(&p, "</th>");
    }
    web_puts(&p, "</tr></thead><tbody>");
    size_t i;
    json_t *d;
    json_array_foreach(list, i, d)
    {
        web_puts(&p, "<tr data-org=\"");
        web_attr(&p, sv(d, "org_id"));
        web_printf(&p, "\" data-designated=\"%d\"><td>", sv(d, "designated") != NULL);
        web_user(&p, sv(d, "name"));
        web_puts(&p, "</td><td>");
        web_put_espa_sector(&p, sv(d, "sector"));
        web_puts(&p, "</td><td>");
        web_esc(&p, sv(d, "designated"));
        web_puts(&p, "</td><td>");
        web_user(&p, sv(d, "ministry"));
        web_puts(&p, "</td><td>");
        web_esc(&p, sv(d, "recorded"));
        web_puts(&p, "</td></tr>");
    }
    web_puts(&p, "</tbody></table>");
    json_decref(list);
    web_page_finish(&p, out, status);
}

void w_designations(http_req *r, reply *out)
{
    designations_page(r, out, NULL, 200);
}

static const char *field(http_req *r, const char *name)
{
    const char *v = r->form ? mm_form_value(r->form, name) : NULL;
    return v && v[0] ? v : NULL;
}

void w_designation_set(http_req *r, reply *out)
{
    const char *org = field(r, "org"), *sector = field(r, "sector");
    json_t *row = NULL;
    act_fail f = {0};
    int rc = !org      ? act_failed(&f, ACT_INVALID, MM_EINVALID, "$.org: name an organization id")
             : !sector ? act_failed(&f, ACT_INVALID, MM_EINVALID, "$.sector: choose a sector")
                       : screen_sector_set(r, org, sector, field(r, "designated"),
                                           field(r, "ministry"), &row, &f);
    json_decref(row);
    if (rc == MM_OK) {
        web_redirect(out, "/designations");
        return;
    }
    if (f.kind == ACT_STORE || f.kind == ACT_BUSY || f.kind == ACT_INTERNAL) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    designations_page(r, out, f.msg,
                      f.kind == ACT_NOT_FOUND       ? 404
                      : f.kind == ACT_UNPROCESSABLE ? 422
                                                    : 400);
}
