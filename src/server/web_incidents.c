/* mamori serve: the dashboard's incident reports page. The reports come from the API's own
 * list (incidents_list), so the TLP decision and the audit of RED/AMBER reads are exactly
 * the API's: a report the reader may not see is never on the page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/internal.h"
#include "server/web.h"
#include "server/web_parts.h"
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
    if (!r->who.authority) {
        web_puts(&p, "<p><a id=\"new-report\" class=\"button\" href=\"/incidents/new\">");
        web_put_tr(&p, "incidents.new");
        web_puts(&p, "</a></p>");
    }
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
        web_printf(&p, "\"><td><a href=\"/incidents/%lld\">",
                   (long long)json_integer_value(json_object_get(it, "id")));
        web_esc(&p, s_of(it, "report_number"));
        web_puts(&p, "</a>");
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
        web_time(&p, s_of(it, "discovered"));
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

/* ---- one report (GET /incidents/{id}) ---------------------------------------------------- */

typedef struct incident_view {
    json_t *one;        /* the report as GET /api/v1/incidents/{id} shows it */
    json_t *follow_ons; /* the readable follow-on reports of an initial one */
} incident_view;

static int incident_model(http_req *r, const char *key, incident_view *v)
{
    memset(v, 0, sizeof *v);
    int rc = incident_get(r, key, &v->one);
    json_t *all = NULL;
    if (rc == MM_OK)
        rc = incidents_list(r, &all);
    if (rc)
        return rc;
    v->follow_ons = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(all, i, it)
    {
        const char *init = s_of(it, "initial_report");
        if (init && s_of(v->one, "report_number") &&
            strcmp(init, s_of(v->one, "report_number")) == 0)
            json_array_append(v->follow_ons, it);
    }
    json_decref(all);
    return MM_OK;
}

static void put_fact(page *p, const char *key, const char *value, bool user_text)
{
    if (!value || !value[0])
        return;
    web_puts(p, "<dt>");
    web_put_tr(p, key);
    web_puts(p, "</dt><dd>");
    if (user_text)
        web_user(p, value);
    else
        web_time(p, value); /* a time in the viewer's zone; other values as they are */
    web_puts(p, "</dd>");
}

static void put_words(page *p, const json_t *a)
{
    if (json_is_string(a)) {
        web_user(p, json_string_value(a));
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        if (i)
            web_puts(p, ", ");
        web_user(p, json_string_value(x));
    }
}

static void incident_render(page *p, const incident_view *v)
{
    const json_t *it = v->one;
    const json_t *rep = json_object_get(it, "report");
    char key[48];
    web_puts(p, "<h1 id=\"incident-number\">");
    web_esc(p, s_of(it, "report_number"));
    web_puts(p, "</h1><p><span class=\"tlp\">");
    web_esc(p, s_of(it, "tlp"));
    web_puts(p, "</span> <span id=\"incident-deadline\" class=\"deadline\" data-state=\"");
    web_attr(p, s_of(it, "deadline_state"));
    web_puts(p, "\">");
    snprintf(key, sizeof key, "incidents.state.%s",
             s_of(it, "deadline_state") ? s_of(it, "deadline_state") : "on-time");
    web_put_tr(p, key);
    web_puts(p, "</span></p><dl class=\"facts\">");
    snprintf(key, sizeof key, "incidents.type.%s",
             s_of(it, "report_type") ? s_of(it, "report_type") : "initial");
    web_puts(p, "<dt>");
    web_put_tr(p, "incidents.type");
    web_puts(p, "</dt><dd>");
    web_put_tr(p, key);
    web_puts(p, "</dd>");
    put_fact(p, "incidents.initial", s_of(it, "initial_report"), false);
    put_fact(p, "incidents.company", s_of(rep, "company_name"), true);
    put_fact(p, "incidents.discovered", s_of(it, "discovered"), false);
    put_fact(p, "incidents.reported", s_of(it, "reported"), false);
    put_fact(p, "incidents.due", s_of(it, "due"), false);
    put_fact(p, "incidents.due_local", s_of(it, "due_local"), false);
    put_fact(p, "incidents.preserve", s_of(it, "preserve_until"), false);
    put_fact(p, "incidents.sub_number", s_of(it, "sub_report_number"), false);
    web_puts(p, "</dl><h2>");
    web_put_tr(p, "incidents.narrative");
    web_puts(p, "</h2><div id=\"incident-narrative\" class=\"narrative\">");
    web_user(p, s_of(rep, "narrative"));
    web_puts(p, "</div><h2>");
    web_put_tr(p, "incidents.impacts");
    web_puts(p, "</h2><dl id=\"incident-impacts\" class=\"facts\">");
    put_fact(p, "incidents.functional_impact", s_of(rep, "functional_impact"), false);
    put_fact(p, "incidents.information_impact", s_of(rep, "information_impact"), false);
    put_fact(p, "incidents.recoverability", s_of(rep, "recoverability"), false);
    web_puts(p, "<dt>");
    web_put_tr(p, "incidents.attack_vectors");
    web_puts(p, "</dt><dd>");
    put_words(p, json_object_get(rep, "attack_vectors"));
    web_puts(p, "</dd>");
    put_fact(p, "incidents.cdi_impact", s_of(rep, "cdi_impact"), true);
    web_puts(p, "</dl>");
    json_t *reqs = json_object_get(rep, "requirements");
    if (json_array_size(reqs)) {
        web_puts(p, "<h2>");
        web_put_tr(p, "incidents.requirements");
        web_puts(p, "</h2><ul id=\"incident-requirements\">");
        size_t i;
        json_t *x;
        json_array_foreach(reqs, i, x)
        {
            web_puts(p, "<li>");
            web_put_req_link(p, json_string_value(x), p->r->who.authority);
            web_puts(p, "</li>");
        }
        web_puts(p, "</ul>");
    }
    if (json_array_size(v->follow_ons)) {
        web_puts(p, "<h2>");
        web_put_tr(p, "incidents.follow_ons");
        web_puts(p, "</h2><ul id=\"incident-follow-ons\">");
        size_t i;
        json_t *x;
        json_array_foreach(v->follow_ons, i, x)
        {
            web_printf(p, "<li><a href=\"/incidents/%lld\">",
                       (long long)json_integer_value(json_object_get(x, "id")));
            web_esc(p, s_of(x, "report_number"));
            web_puts(p, "</a> ");
            web_time(p, s_of(x, "reported"));
            web_puts(p, "</li>");
        }
        web_puts(p, "</ul>");
    }
}

void w_incident(http_req *r, reply *out)
{
    incident_view v;
    int rc = incident_model(r, r->param[0], &v);
    if (rc) {
        json_decref(v.one);
        web_error_page(r, out, rc == MM_ENOTFOUND ? 404 : 503,
                       rc == MM_ENOTFOUND ? "error.not_found" : "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "incidents.title");
    incident_render(&p, &v);
    json_decref(v.one);
    json_decref(v.follow_ons);
    web_page_finish(&p, out, 200);
}
