/* mamori serve: the pieces the dashboard's pages share: small accessors, the static files and /,
 * the status names, scores, requirement links, table heads, the gaps table and the page cache
 * of the authority's aggregate pages. */
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "mamori/submit.h"
#include "server/account.h"
#include "server/bodies.h"
#include "server/cache.h"
#include "server/form.h"
#include "server/internal.h"
#include "server/screen.h"
#include "server/web.h"
#include "server/web_parts.h"

const char *web_sval(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

const char *web_home_of(const principal *w)
{
    return w->authority ? "/overview" : "/my";
}

void web_text_input(page *p, const char *name, const char *label, const char *value)
{
    web_puts(p, "<label>");
    web_put_tr(p, label);
    web_printf(p, " <input type=\"text\" name=\"%s\" size=\"12\" value=\"", name);
    web_attr(p, value ? value : "");
    web_puts(p, "\"></label> ");
}

void web_select_input(page *p, const char *name, const char *label, const char *const *opts,
                      const char *value)
{
    web_puts(p, "<label>");
    web_put_tr(p, label);
    web_printf(p, " <select name=\"%s\"><option value=\"\">-</option>", name);
    for (; *opts; opts++) {
        web_printf(p, "<option%s>", mm_streq(*opts, value) ? " selected" : "");
        web_esc(p, *opts);
        web_puts(p, "</option>");
    }
    web_puts(p, "</select></label> ");
}

/* ---- static files ------------------------------------------------------------------------ */

void w_static(http_req *r, reply *out)
{
    static const struct {
        const char *name, *path, *ctype;
    } files[] = {{"app.css", "web/app.css", "text/css; charset=utf-8"},
                 {"app.js", "web/app.js", "text/javascript; charset=utf-8"}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (strcmp(r->param[0], files[i].name) != 0)
            continue;
        size_t len = 0;
        const char *data = mm_content_embedded(files[i].path, &len);
        if (!data)
            break;
        out->text = strndup(data, len);
        out->status = out->text ? 200 : 500;
        out->ctype = files[i].ctype;
        out->cache_control = "public, max-age=3600";
        return;
    }
    reply_error(out, 404, "not_found", "no such resource");
}

void w_root(http_req *r, reply *out)
{
    web_redirect(out, r->who.must_change ? "/password" : web_home_of(&r->who));
}

/* ---- shared pieces of the authority's pages ------------------------------------------------- */

const char *web_sector_of(const json_t *org)
{
    const char *s = web_sval(json_object_get(org, "identifiers"), "sector");
    return s && s[0] ? s : "unknown";
}

/* The catalog's label of PREFIX.ID in the page's language, else FALLBACK. */
static const char *label_of(const page *p, const char *prefix, const char *id, const char *fallback)
{
    char key[96];
    snprintf(key, sizeof key, "%s.%s", prefix, id ? id : "");
    const char *t = web_tr(p, key);
    return t == key ? fallback : t;
}

const char *web_sector_label(const page *p, const char *id)
{
    return label_of(p, "sector", id, id);
}

/* The ESPA sector's name as the data gives it (content/screening/espa-sectors.json), never one
 * it does not: on a Japanese page its Japanese label (the Act's, or a secondary source's) where
 * the data has one, else the English label of a secondary source; on an English page that
 * English label, else the Japanese one; the key when the data has neither. *lang is the
 * label's language, *verified whether the data verified it. */
static const char *espa_label(const char *page_lang, const char *key, const char **lang,
                              bool *verified)
{
    *lang = page_lang;
    *verified = false;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(screen_sectors(), "sectors"), i, s)
    {
        if (!mm_streq(web_sval(s, "key"), key))
            continue;
        const char *ja = web_sval(s, "label_ja"), *en = web_sval(s, "label_en_secondary");
        bool ja_verified = ja != NULL;
        if (!ja)
            ja = web_sval(s, "label_ja_secondary");
        if (ja && (mm_streq(page_lang, "ja") || !en)) {
            *lang = "ja";
            *verified = ja_verified;
            return ja;
        }
        if (en) {
            *lang = "en";
            return en;
        }
    }
    return key ? key : "";
}

const char *web_espa_sector_label(const page *p, const char *key)
{
    const char *lang;
    bool verified;
    return espa_label(p->lang, key, &lang, &verified);
}

bool web_put_espa_sector(page *p, const char *key)
{
    const char *lang;
    bool verified;
    const char *label = espa_label(p->lang, key, &lang, &verified);
    bool other = !mm_streq(lang, p->lang);
    if (other)
        web_printf(p, "<span lang=\"%s\">", lang);
    web_esc(p, label);
    if (other)
        web_puts(p, "</span>");
    return verified;
}

const char *web_plan_state_label(const page *p, const char *state)
{
    return label_of(p, "plans.state", state, state ? state : "");
}

void web_put_identifier(page *p, const char *key, const char *value)
{
    bool sector = mm_streq(key, "sector");
    web_printf(p, "<dt data-identifier=\"");
    web_attr(p, key);
    web_puts(p, "\">");
    if (sector || mm_streq(key, "cage"))
        web_put_tr(p, sector ? "col.sector" : "col.cage");
    else
        web_user(p, key);
    web_puts(p, "</dt><dd>");
    web_user(p, sector ? web_sector_label(p, value) : value);
    web_puts(p, "</dd>");
}

void web_put_score(page *p, const json_t *latest)
{
    json_t *sc = json_object_get(latest, "score");
    if (json_is_integer(sc))
        web_printf(p, "%lld", (long long)json_integer_value(sc));
    else
        web_puts(p, "<span class=\"muted\">–</span>");
}

void web_put_score_of(page *p, const json_t *latest, bool with_fw)
{
    web_put_score(p, latest);
    const char *fw = web_sval(latest, "framework");
    const mm_server *srv = p->r->srv;
    if (json_is_integer(json_object_get(latest, "score")))
        web_printf(p, " <span class=\"muted\">/ %lld</span>",
                   mm_streq(fw, "800-171r2") ? (long long)srv->r2->sprs_base
                                             : (long long)mm_catalog_active_count(srv->r3));
    if (with_fw && fw)
        web_printf(p, " <span class=\"muted\">(%s)</span>", web_fw_label(fw));
}

void web_put_req_link(page *p, const char *req, bool link)
{
    if (link) {
        char enc[200] = "";
        mm_url_encode(enc, sizeof enc, req ? req : "");
        web_printf(p, "<a href=\"/requirements/%s\">", enc);
        web_esc(p, req);
        web_puts(p, "</a>");
    } else {
        web_esc(p, req);
    }
}

void web_th(page *p, const char *key, const char *cls)
{
    web_printf(p, "<th scope=\"col\"%s%s%s>", cls ? " class=\"" : "", cls ? cls : "",
               cls ? "\"" : "");
    web_put_tr(p, key);
    web_puts(p, "</th>");
}

/* The contents of the authority's aggregate pages depend only on the stored data, the
 * language and the day, never on who reads them (no forms inside): they are kept in the view
 * cache under the data's version (mm_store_data_version: a logon or an audited read does not
 * move it, any other write does, on whichever instance) and rebuilt only after a change.
 * Counted in /metrics (mamori_page_cache_total). */
bool web_page_cached(page *p, http_req *r, char *key, size_t size, const char *what,
                     int64_t *version)
{
    snprintf(key, size, "page:%s\x1f%s\x1f%s", what, p->lang, r->today);
    if (mm_store_data_version(r->st, version) != MM_OK) {
        *version = -1;
        return false;
    }
    char *hit = mm_view_cache_text(key, *version);
    atomic_fetch_add(&r->srv->metrics.page_cache[hit ? 0 : 1], 1);
    if (!hit)
        return false;
    mm_buf_puts(&p->b, hit);
    free(hit);
    return true;
}

void web_page_keep(page *p, const char *key, int64_t version)
{
    if (version >= 0)
        mm_view_cache_store(key, version, mm_buf_cstr(&p->b));
}

static void put_gap_detail(page *p, const json_t *g, const char *member, const char *label)
{
    json_t *a = json_object_get(g, member);
    if (!json_is_array(a) || json_array_size(a) == 0)
        return;
    web_printf(p, "<div class=\"gap-detail\" data-detail=\"%s\"><span class=\"muted\">", member);
    web_put_tr(p, label);
    web_puts(p, "</span> ");
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (i)
            web_puts(p, member[0] == 'o' ? ", " : "; ");
        web_user(p, json_string_value(v));
    }
    web_puts(p, "</div>");
}

void web_put_gaps_table(page *p, const json_t *summary, bool links)
{
    web_puts(p, "<table id=\"gaps\" class=\"data\"><thead><tr>");
    web_th(p, "col.requirement", NULL);
    web_th(p, "col.title", NULL);
    web_th(p, "col.gap_status", NULL);
    web_th(p, "col.points", "num");
    web_th(p, "col.poam", NULL);
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *g;
    json_t *ms = json_object_get(summary, "milestones");
    json_array_foreach(json_object_get(summary, "gaps"), i, g)
    {
        const char *req = web_sval(g, "requirement");
        web_puts(p, "<tr><td>");
        web_put_req_link(p, req, links);
        web_puts(p, "</td><td>");
        web_en(p, web_sval(g, "title"));
        put_gap_detail(p, g, "objectives", "contractor.gap_objectives");
        put_gap_detail(p, g, "evidence", "contractor.gap_evidence");
        put_gap_detail(p, g, "scan_evidence", "contractor.gap_scans");
        if (web_sval(g, "notes")) {
            web_puts(p, "<div class=\"gap-detail\">");
            web_user(p, web_sval(g, "notes"));
            web_puts(p, "</div>");
        }
        web_printf(p, "</td><td><span class=\"gap\" data-gap=\"%s\">",
                   mm_streq(web_sval(g, "status"), "partial")        ? "partial"
                   : mm_streq(web_sval(g, "status"), "not-assessed") ? "not-assessed"
                                                                     : "not-met");
        char key[48];
        snprintf(key, sizeof key, "gap.%s",
                 web_sval(g, "status") ? web_sval(g, "status") : "not-met");
        web_put_tr(p, key);
        web_puts(p, "</span></td><td class=\"num\">");
        json_t *pl = json_object_get(g, "points_lost");
        if (json_is_integer(pl))
            web_printf(p, "%lld", (long long)json_integer_value(pl));
        web_puts(p, "</td><td>");
        if (json_is_true(json_object_get(g, "on_poam"))) {
            size_t k;
            json_t *m;
            bool any = false;
            json_array_foreach(ms, k, m)
            {
                if (!mm_streq(web_sval(m, "requirement"), req))
                    continue;
                web_puts(p, any ? "<br>" : "");
                web_user(p, web_sval(m, "poam_id"));
                web_puts(p, " · ");
                web_esc(p, web_sval(m, "due"));
                web_puts(p, " · ");
                web_milestone_status(p, web_sval(m, "status"));
                any = true;
            }
            if (!any)
                web_put_tr(p, "contractor.on_poam");
        } else {
            web_puts(p, "<span class=\"muted\">");
            web_put_tr(p, "contractor.no_poam");
            web_puts(p, "</span>");
        }
        web_puts(p, "</td></tr>");
    }
    if (json_array_size(json_object_get(summary, "gaps")) == 0) {
        web_puts(p, "<tr class=\"empty\"><td colspan=\"5\">");
        web_put_tr(p, "contractor.no_gaps");
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table>");
}

int web_latest_row(http_req *r, const json_t *org, json_t **out)
{
    json_t *sub = NULL;
    int rc = web_submission(r, web_sval(org, "latest_submission"), &sub);
    if (rc != MM_OK && rc != MM_ENOTFOUND) {
        *out = NULL;
        return rc;
    }
    *out = latest_view(r, sub);
    json_decref(sub);
    return MM_OK;
}

int web_submission_opt(http_req *r, const char *id, json_t **out)
{
    int rc = web_submission(r, id, out);
    return rc == MM_ENOTFOUND ? MM_OK : rc;
}
