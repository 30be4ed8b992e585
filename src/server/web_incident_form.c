/* mamori serve: the dashboard's incident report form (docs/dashboard.md, docs/incidents.md),
 * the in-browser equivalent of `mamori incident report --server`: the report file itself
 * (the same file the command sends), or its members as fields. Either way the text goes to
 * incident_create, the action of POST /api/v1/incidents: the same checks, messages, deadline,
 * label and audit record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/form.h"
#include "server/web.h"

static const char *fv(const http_req *r, const char *name)
{
    const char *v = r->form ? mm_form_value(r->form, name) : NULL;
    return v ? v : "";
}

static void put_input(page *p, const http_req *r, const char *name, const char *key)
{
    web_puts(p, "<p><label>");
    web_put_tr(p, key);
    web_printf(p, " <input type=\"text\" name=\"%s\" value=\"", name);
    web_attr(p, fv(r, name));
    web_puts(p, "\"></label></p>");
}

static void put_select(page *p, const http_req *r, const char *name, const char *key,
                       const char *const *values)
{
    web_puts(p, "<p><label>");
    web_put_tr(p, key);
    web_printf(p, " <select name=\"%s\">", name);
    for (size_t i = 0; values[i]; i++) {
        web_puts(p, "<option value=\"");
        web_attr(p, values[i]);
        web_printf(p, "\"%s>", strcmp(fv(r, name), values[i]) == 0 ? " selected" : "");
        web_esc(p, values[i]);
        web_puts(p, "</option>");
    }
    web_puts(p, "</select></label></p>");
}

/* CISA's categories (docs/incidents.md) */
static const char *const types[] = {"initial", "follow-on", "voluntary", NULL};
static const char *const labels[] = {"AMBER+STRICT", "RED", NULL};
static const char *const functional[] = {"NO IMPACT",
                                         "NO IMPACT TO SERVICES",
                                         "MINIMAL IMPACT TO NON-CRITICAL SERVICES",
                                         "MINIMAL IMPACT TO CRITICAL SERVICES",
                                         "SIGNIFICANT IMPACT TO NON-CRITICAL SERVICES",
                                         "DENIAL OF NON-CRITICAL SERVICES",
                                         "SIGNIFICANT IMPACT TO CRITICAL SERVICES",
                                         "DENIAL OF CRITICAL SERVICES/LOSS OF CONTROL",
                                         NULL};
static const char *const information[] = {"NO IMPACT",
                                          "SUSPECTED BUT NOT IDENTIFIED",
                                          "PRIVACY DATA BREACH",
                                          "PROPRIETARY INFORMATION BREACH",
                                          "DESTRUCTION OF NON-CRITICAL SYSTEMS",
                                          "CRITICAL SYSTEMS DATA BREACH",
                                          "CORE CREDENTIAL COMPROMISE",
                                          "DESTRUCTION OF CRITICAL SYSTEM",
                                          NULL};
static const char *const recoverability[] = {"REGULAR", "SUPPLEMENTED", "EXTENDED",
                                             "NOT RECOVERABLE", NULL};

static void form_render(page *p, const http_req *r, const char *err)
{
    web_puts(p, "<h1>");
    web_put_tr(p, "report.title");
    web_puts(p, "</h1><p class=\"note\">");
    web_put_tr(p, "report.intro");
    web_puts(p, "</p><p id=\"sbu-notice\" class=\"note\" role=\"note\">");
    web_put_tr(p, "items.sbu");
    web_puts(p, "</p>");
    if (err)
        web_error_box(p, err);
    web_puts(p, "<form id=\"report-form\" method=\"post\" action=\"/incidents\" "
                "enctype=\"multipart/form-data\">");
    web_csrf_field(p);
    web_puts(p, "<fieldset><legend>");
    web_put_tr(p, "report.file");
    web_puts(p, "</legend><p><input type=\"file\" id=\"report-file\" name=\"report_file\" "
                "aria-label=\"");
    web_put_tr_attr(p, "report.file", NULL, NULL, NULL);
    web_puts(p, "\" accept=\"application/json,.json\"></p></fieldset><fieldset><legend>");
    web_put_tr(p, "report.fields");
    web_puts(p, "</legend>");
    put_select(p, r, "report_type", "report.report_type", types);
    put_input(p, r, "initial_report", "report.initial_report");
    put_input(p, r, "discovered", "report.discovered");
    put_input(p, r, "time_zone", "report.time_zone");
    put_select(p, r, "tlp", "items.label", labels);
    put_input(p, r, "company_name", "report.company_name");
    put_input(p, r, "company_poc", "report.company_poc");
    put_input(p, r, "contract_numbers", "report.contract_numbers");
    web_puts(p, "<p><label>");
    web_put_tr(p, "incidents.narrative");
    web_puts(p, " <textarea name=\"narrative\" rows=\"6\">");
    web_esc(p, fv(r, "narrative"));
    web_puts(p, "</textarea></label></p>");
    put_select(p, r, "functional_impact", "incidents.functional_impact", functional);
    put_select(p, r, "information_impact", "incidents.information_impact", information);
    put_select(p, r, "recoverability", "incidents.recoverability", recoverability);
    put_input(p, r, "attack_vectors", "report.attack_vectors");
    put_input(p, r, "requirements", "report.requirements");
    web_puts(p, "</fieldset><p><button type=\"submit\" id=\"report-send\">");
    web_put_tr(p, "report.send");
    web_puts(p, "</button></p></form>");
}

static void form_page(http_req *r, reply *out, const char *err, unsigned status)
{
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "report.title");
    p.self = "/incidents/new";
    form_render(&p, r, err);
    web_page_finish(&p, out, status);
}

void w_incident_form(http_req *r, reply *out)
{
    form_page(r, out, NULL, 200);
}

/* a comma-separated field as a JSON array of its trimmed parts */
static json_t *list_of(const char *text)
{
    json_t *a = json_array();
    const char *s = text;
    while (a && *s) {
        s += strspn(s, ", \t");
        size_t n = strcspn(s, ",");
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        if (n)
            json_array_append_new(a, json_stringn(s, n));
        s += n;
        s += strcspn(s, ",");
    }
    return a;
}

/* the report's members from the fields (empty ones left out: absent, as in a file) */
static char *report_of_fields(const http_req *r)
{
    static const char *const text[] = {"report_type",
                                       "initial_report",
                                       "discovered",
                                       "time_zone",
                                       "tlp",
                                       "company_name",
                                       "company_poc",
                                       "narrative",
                                       "functional_impact",
                                       "information_impact",
                                       "recoverability",
                                       NULL};
    static const char *const lists[] = {"contract_numbers", "attack_vectors", "requirements", NULL};
    json_t *j = json_object();
    for (size_t i = 0; j && text[i]; i++)
        if (fv(r, text[i])[0])
            json_object_set_new(j, text[i], json_string(fv(r, text[i])));
    for (size_t i = 0; j && lists[i]; i++)
        if (fv(r, lists[i])[0])
            json_object_set_new(j, lists[i], list_of(fv(r, lists[i])));
    char *t = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return t;
}

void w_incident_create(http_req *r, reply *out)
{
    const mm_form_field *file = r->form ? mm_form_get(r->form, "report_file") : NULL;
    bool from_file = file && file->filename && file->len > 0;
    char *fields = from_file ? NULL : report_of_fields(r);
    if (!from_file && !fields) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    int64_t id = 0;
    act_fail f = {0};
    int rc = from_file ? incident_create(r, file->value, file->len, &id, &f)
                       : incident_create(r, fields, strlen(fields), &id, &f);
    free(fields);
    if (rc && (f.kind == ACT_INVALID || f.kind == ACT_UNPROCESSABLE)) {
        form_page(r, out, f.msg, f.kind == ACT_INVALID ? 400 : 422);
        return;
    }
    if (rc) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    char loc[48];
    snprintf(loc, sizeof loc, "/incidents/%lld", (long long)id);
    web_redirect(out, loc);
}
