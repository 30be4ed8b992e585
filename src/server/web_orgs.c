/* mamori serve: the administration of organizations on the dashboard (docs/dashboard.md):
 * /organizations, the contractors found by name or identifier, a page at a time; the forms
 * to create one and to change its name, identifiers and sector. Authority-admins only (the
 * routes' need, as the API's). The actions are org_admin.c's (org_create, org_update: name,
 * identifiers and sector in one audited transaction); a refused form is drawn again with a
 * message beside each field it names (400) and nothing written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/form.h"
#include "server/org_admin.h"
#include "server/screen.h"
#include "server/web.h"
#include "server/web_parts.h"
#include "util/util.h"

/* ---- the list -------------------------------------------------------------------------- */

typedef struct orgs_model {
    const char *q;
    long long page_no, pages, total;
    json_t *res; /* mm_store_list_orgs */
} orgs_model;

static int orgs_model_make(orgs_model *m, http_req *r)
{
    const char *pg = req_query(r, "page");
    *m = (orgs_model){.q = req_query(r, "q"), .page_no = pg ? strtoll(pg, NULL, 10) : 1};
    if (m->q && !m->q[0])
        m->q = NULL;
    mm_org_query q = {.kind = "contractor",
                      .q = m->q,
                      .sort = "name",
                      .offset = (m->page_no - 1) * PER_PAGE,
                      .limit = PER_PAGE};
    int rc = mm_store_list_orgs(r->st, &m->res, &q);
    if (rc)
        return rc;
    m->total = json_integer_value(json_object_get(m->res, "total"));
    m->pages = m->total ? (m->total + PER_PAGE - 1) / PER_PAGE : 1;
    return MM_OK;
}

/* the query written back into a link: q escaped for a URL, then for HTML */
static void put_q(page *p, const char *q)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *c = (const unsigned char *)q; q && *c; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
            *c == '-' || *c == '.' || *c == '_')
            web_printf(p, "%c", *c);
        else
            web_printf(p, "%%%c%c", hex[*c >> 4], hex[*c & 15]);
    }
}

static void put_pager(page *p, const orgs_model *m)
{
    web_puts(p, "<nav class=\"pagination\" aria-label=\"");
    web_put_tr_attr(p, "contractors.pages", NULL, NULL, NULL);
    web_puts(p, "\">");
    for (int dir = -1; dir <= 1; dir += 2) {
        long long to = m->page_no + dir;
        if (dir == 1) {
            char a0[24], a1[24];
            snprintf(a0, sizeof a0, "%lld", m->page_no);
            snprintf(a1, sizeof a1, "%lld", m->pages);
            web_puts(p, " <span id=\"page-info\">");
            web_put_trf(p, "contractors.page_info", a0, a1, NULL);
            web_puts(p, "</span> ");
        }
        if (to < 1 || to > m->pages)
            continue;
        web_printf(p, "<a rel=\"%s\" href=\"/organizations?page=%lld", dir < 0 ? "prev" : "next",
                   to);
        if (m->q) {
            web_puts(p, "&amp;q=");
            put_q(p, m->q);
        }
        web_puts(p, "\">");
        web_put_tr(p, dir < 0 ? "contractors.prev" : "contractors.next");
        web_puts(p, "</a>");
    }
    web_puts(p, "</nav>");
}

static void orgs_render(page *p, const orgs_model *m)
{
    web_puts(p, "<h1>");
    web_put_tr(p, "orgs.title");
    web_puts(p, "</h1><p class=\"note\">");
    web_put_tr(p, "orgs.intro");
    web_puts(p, "</p><p><a id=\"org-new\" class=\"button\" href=\"/organizations/new\">");
    web_put_tr(p, "orgs.new");
    web_puts(p, "</a></p><form id=\"org-search\" method=\"get\" action=\"/organizations\" "
                "role=\"search\"><label for=\"org-q\">");
    web_put_tr(p, "orgs.search");
    web_puts(p, "</label> <input id=\"org-q\" name=\"q\" type=\"search\" value=\"");
    web_attr(p, m->q ? m->q : "");
    web_puts(p, "\"> <button type=\"submit\">");
    web_put_tr(p, "orgs.find");
    web_puts(p, "</button></form><p id=\"org-count\" role=\"status\">");
    char n[24];
    snprintf(n, sizeof n, "%lld", m->total);
    web_put_trf(p, "orgs.count", n, NULL, NULL);
    web_puts(p, "</p><table id=\"orgs\" class=\"data\"><thead><tr>");
    web_th(p, "orgs.name", NULL);
    for (size_t k = 0; k < ORG_NSCHEMES; k++)
        web_th(p, org_schemes[k].label, NULL);
    web_th(p, "orgs.created", NULL);
    web_th(p, "orgs.actions", NULL);
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(m->res, "items"), i, o)
    {
        const char *id = web_sval(o, "id");
        const json_t *ids = json_object_get(o, "identifiers");
        web_puts(p, "<tr data-org-id=\"");
        web_attr(p, id);
        web_puts(p, "\"><td><a href=\"/contractors/");
        web_attr(p, id);
        web_puts(p, "\">");
        web_user(p, web_sval(o, "name"));
        web_puts(p, "</a></td>");
        for (size_t k = 0; k < ORG_NSCHEMES; k++) {
            web_printf(p, "<td data-key=\"%s\">", org_schemes[k].key);
            web_user(p, web_sval(ids, org_schemes[k].key));
            web_puts(p, "</td>");
        }
        web_puts(p, "<td>");
        web_time(p, web_sval(o, "created"));
        web_puts(p, "</td><td><a class=\"edit\" href=\"/organizations/");
        web_attr(p, id);
        web_puts(p, "/edit\">");
        web_put_tr(p, "orgs.edit");
        web_puts(p, "</a> <a class=\"consent\" href=\"/organizations/");
        web_attr(p, id);
        web_puts(p, "/consent\">");
        web_put_tr(p, "orgs.consent");
        web_puts(p, "</a></td></tr>");
    }
    web_puts(p, "</tbody></table>");
    put_pager(p, m);
}

void w_orgs(http_req *r, reply *out)
{
    orgs_model m;
    if (orgs_model_make(&m, r) != MM_OK) {
        json_decref(m.res);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "orgs.title");
    orgs_render(&p, &m);
    json_decref(m.res);
    web_page_finish(&p, out, 200);
}

/* ---- the create and edit forms --------------------------------------------------------- */

typedef struct org_form {
    const char *id; /* NULL: a new organization */
    const char *name;
    const char *ids[ORG_NSCHEMES];
    const char *sector;                      /* the ESPA sector's key, or NULL */
    const char *legacy_profile, *legacy_ids; /* the free-text sectors of before, or NULL */
    const char *err;                         /* a message not about one field */
    bool saved, unchanged;                   /* after a post: written, or nothing to write */
    org_problems pr;
    json_t *keep[3]; /* what the strings above point into */
} org_form;

static void form_free(org_form *f)
{
    for (size_t i = 0; i < 3; i++)
        json_decref(f->keep[i]);
}

/* The stored organization id into f: MM_ENOTFOUND for none or not a contractor. */
static int form_load(org_form *f, http_req *r, const char *id)
{
    *f = (org_form){.id = id};
    json_t *org = NULL, *sec = NULL, *prof = NULL;
    int rc = mm_store_get_org(r->st, &org, id);
    if (rc == MM_OK && !mm_streq(web_sval(org, "kind"), "contractor"))
        rc = MM_ENOTFOUND;
    if (rc == MM_OK && (rc = mm_store_org_sector_get(r->st, &sec, id)) == MM_ENOTFOUND)
        rc = MM_OK;
    if (rc == MM_OK)
        rc = mm_store_org_profile_get(r->st, &prof, id);
    f->keep[0] = org;
    f->keep[1] = sec;
    f->keep[2] = prof;
    if (rc)
        return rc;
    const json_t *ids = json_object_get(org, "identifiers");
    f->name = web_sval(org, "name");
    for (size_t k = 0; k < ORG_NSCHEMES; k++)
        f->ids[k] = web_sval(ids, org_schemes[k].key);
    f->sector = web_sval(sec, "sector");
    f->legacy_profile = web_sval(prof, "sector");
    f->legacy_ids = web_sval(ids, "sector");
    return MM_OK;
}

static void put_field(page *p, const char *field, const char *label, const char *value,
                      const char *problem, const char *hint)
{
    web_printf(p, "<div class=\"field\"><label for=\"f-%s\">", field);
    web_put_tr(p, label);
    web_printf(p, "</label> <input id=\"f-%s\" name=\"%s\" value=\"", field, field);
    web_attr(p, value ? value : "");
    web_puts(p, "\"");
    if (problem)
        web_printf(p, " aria-invalid=\"true\" aria-describedby=\"err-%s\"", field);
    else if (hint)
        web_printf(p, " aria-describedby=\"hint-%s\"", field);
    web_puts(p, ">");
    if (hint) {
        web_printf(p, " <span class=\"note\" id=\"hint-%s\">", field);
        web_put_tr(p, hint);
        web_puts(p, "</span>");
    }
    if (problem) {
        web_printf(p, "<p class=\"field-error\" id=\"err-%s\">", field);
        web_put_tr(p, problem);
        web_puts(p, "</p>");
    }
    web_puts(p, "</div>");
}

static void put_sector(page *p, const org_form *f)
{
    web_puts(p, "<div class=\"field\"><label for=\"f-sector\">");
    web_put_tr(p, "orgs.sector");
    web_puts(p, "</label> <select id=\"f-sector\" name=\"sector\"");
    if (f->pr.sector)
        web_puts(p, " aria-invalid=\"true\" aria-describedby=\"err-sector\"");
    web_puts(p, ">");
    if (!f->sector || f->pr.sector) {
        web_puts(p, "<option value=\"\">");
        web_put_tr(p, "orgs.sector_none");
        web_puts(p, "</option>");
    }
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(screen_sectors(), "sectors"), i, s)
    {
        const char *key = web_sval(s, "key");
        web_puts(p, "<option value=\"");
        web_attr(p, key);
        web_printf(p, "\"%s>", mm_streq(key, f->sector) ? " selected" : "");
        web_esc(p, web_espa_sector_label(p, key));
        web_puts(p, "</option>");
    }
    web_puts(p, "</select>");
    if (f->pr.sector) {
        web_puts(p, "<p class=\"field-error\" id=\"err-sector\">");
        web_put_tr(p, f->pr.sector);
        web_puts(p, "</p>");
    }
    web_puts(p, "</div>");
    if (f->legacy_profile || f->legacy_ids) {
        web_puts(p, "<p class=\"note\" id=\"legacy-sector\">");
        web_put_tr(p, "orgs.legacy_sector");
        for (int k = 0; k < 2; k++) {
            const char *v = k ? f->legacy_ids : f->legacy_profile;
            if (!v)
                continue;
            web_puts(p, " <span class=\"legacy\">");
            web_user(p, v);
            web_puts(p, "</span>");
        }
        web_puts(p, "</p>");
    }
}

static void form_render(page *p, const org_form *f)
{
    web_puts(p, "<h1>");
    if (f->id)
        web_user(p, f->name);
    else
        web_put_tr(p, "orgs.new");
    web_puts(p, "</h1><p><a href=\"/organizations\">");
    web_put_tr(p, "orgs.back");
    web_puts(p, "</a>");
    if (f->id) {
        web_puts(p, " · <a id=\"org-consent-link\" href=\"/organizations/");
        web_attr(p, f->id);
        web_puts(p, "/consent\">");
        web_put_tr(p, "orgs.consent");
        web_puts(p, "</a>");
    }
    web_puts(p, "</p>");
    if (f->id) {
        web_puts(p, "<p class=\"note\">");
        web_put_tr(p, "orgs.id");
        web_puts(p, " <code id=\"org-id\">");
        web_esc(p, f->id);
        web_puts(p, "</code></p>");
    }
    if (f->saved) {
        web_puts(p, "<p class=\"ok\" role=\"status\" id=\"org-result\">");
        web_put_tr(p, "orgs.saved");
        web_puts(p, "</p>");
    } else if (f->unchanged) {
        web_puts(p, "<p class=\"note\" role=\"status\" id=\"org-result\">");
        web_put_tr(p, "orgs.unchanged");
        web_puts(p, "</p>");
    }
    if (f->err)
        web_error_box(p, f->err);
    bool bad = f->pr.name || f->pr.sector;
    for (size_t k = 0; k < ORG_NSCHEMES; k++)
        bad = bad || f->pr.ids[k];
    if (bad && !f->err) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s", web_tr(p, "orgs.fix"));
        web_error_box(p, msg);
    }
    web_puts(p, "<form id=\"org-form\" method=\"post\" action=\"/organizations");
    if (f->id) {
        web_puts(p, "/");
        web_attr(p, f->id);
    }
    web_puts(p, "\">");
    web_csrf_field(p);
    put_field(p, "name", "orgs.name", f->name, f->pr.name, NULL);
    for (size_t k = 0; k < ORG_NSCHEMES; k++)
        put_field(p, org_schemes[k].field, org_schemes[k].label, f->ids[k], f->pr.ids[k],
                  "orgs.id_hint");
    put_sector(p, f);
    web_puts(p, "<button type=\"submit\">");
    web_put_tr(p, f->id ? "orgs.save" : "orgs.create");
    web_puts(p, "</button></form>");
}

static void form_page(http_req *r, reply *out, const org_form *f, unsigned status)
{
    page p;
    web_page_init(&p, r, out);
    p.title = f->id ? f->name : web_tr(&p, "orgs.new");
    form_render(&p, f);
    web_page_finish(&p, out, status);
}

void w_org_new(http_req *r, reply *out)
{
    org_form f = {0};
    form_page(r, out, &f, 200);
}

void w_org_edit(http_req *r, reply *out)
{
    org_form f;
    int rc = form_load(&f, r, r->param[0]);
    const char *sv = req_query(r, "saved");
    f.saved = mm_streq(sv, "1");
    f.unchanged = mm_streq(sv, "0");
    if (rc)
        web_error_page(r, out, rc == MM_ENOTFOUND ? 404 : 503,
                       rc == MM_ENOTFOUND ? "error.not_found" : "error.busy");
    else
        form_page(r, out, &f, 200);
    form_free(&f);
}

static const char *field(const http_req *r, const char *name)
{
    const char *v = r->form ? mm_form_value(r->form, name) : NULL;
    return v && v[0] ? v : NULL;
}

/* The posted form into f (over what was stored, for an edit) and the identifiers that
 * change into *ids (a string sets, "" removes); false when a field is refused. */
static bool form_read(org_form *f, http_req *r, json_t **ids)
{
    *ids = json_object();
    const char *name = r->form ? mm_form_value(r->form, "name") : NULL;
    f->name = name ? name : "";
    for (size_t k = 0; k < ORG_NSCHEMES; k++) {
        const char *v = field(r, org_schemes[k].field);
        if (!mm_streq(v, f->ids[k]))
            json_object_set_new(*ids, org_schemes[k].key, json_string(v ? v : ""));
        f->ids[k] = v;
    }
    const char *sector = field(r, "sector");
    if (sector && !mm_sector_find(screen_sectors(), sector))
        f->pr.sector = "orgs.err_sector";
    else if (sector)
        f->sector = sector;
    act_fail fail = {0};
    org_problems pr;
    bool ok = org_check(f->name, *ids, f->id != NULL, &pr, &fail) == MM_OK;
    pr.sector = f->pr.sector;
    f->pr = pr;
    return ok && !f->pr.sector;
}

/* After a failed action: the form again (400, 404) or an error page. */
static void refused(http_req *r, reply *out, org_form *f, const act_fail *fail)
{
    if (fail->kind == ACT_STORE && fail->rc == MM_ENOTFOUND)
        web_error_page(r, out, 404, "error.not_found");
    else if (fail->kind == ACT_STORE || fail->kind == ACT_BUSY || fail->kind == ACT_INTERNAL)
        web_error_page(r, out, 503, "error.busy");
    else {
        f->err = fail->msg;
        form_page(r, out, f, fail->kind == ACT_UNPROCESSABLE ? 422 : 400);
    }
}

/* to the edit page, saying "Saved" or "No changes" */
static void saved(reply *out, const char *id, bool did)
{
    char loc[128];
    snprintf(loc, sizeof loc, "/organizations/%s/edit?saved=%d", id, did ? 1 : 0);
    web_redirect(out, loc);
}

void w_org_create(http_req *r, reply *out)
{
    org_form f = {0};
    json_t *ids = NULL;
    if (!form_read(&f, r, &ids)) {
        form_page(r, out, &f, 400);
        json_decref(ids);
        return;
    }
    char id[37];
    act_fail fail = {0};
    int rc = org_create(r, f.name, ids, NULL, f.sector, id, &f.pr, &fail);
    json_decref(ids);
    if (rc)
        refused(r, out, &f, &fail);
    else
        saved(out, id, true);
}

void w_org_save(http_req *r, reply *out)
{
    org_form f;
    int rc = form_load(&f, r, r->param[0]);
    if (rc) {
        web_error_page(r, out, rc == MM_ENOTFOUND ? 404 : 503,
                       rc == MM_ENOTFOUND ? "error.not_found" : "error.busy");
        form_free(&f);
        return;
    }
    json_t *ids = NULL;
    if (!form_read(&f, r, &ids)) {
        form_page(r, out, &f, 400);
        json_decref(ids);
        form_free(&f);
        return;
    }
    act_fail fail = {0};
    bool did;
    rc = org_update(r, f.id, f.name, ids, field(r, "sector"), &did, &f.pr, &fail);
    json_decref(ids);
    if (rc)
        refused(r, out, &f, &fail);
    else
        saved(out, f.id, did);
    form_free(&f);
}
