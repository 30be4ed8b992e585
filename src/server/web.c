/* mamori serve: the dashboard's pages (docs/dashboard.md). Each handler runs after
 * mm_api_dispatch has authenticated the caller, checked the form's CSRF field and asked
 * mm_access_decide; the handlers only read (through the store's read functions) and draw.
 * Writes go through the API's own handlers (logon, password, tokens, keys, submissions), so
 * the dashboard has no rules of its own about them. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "mamori/submit.h"
#include "server/bodies.h"
#include "server/form.h"
#include "server/cache.h"
#include "server/web.h"

#define PER_PAGE 50

static const char *sval(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static const char *home_of(const principal *w)
{
    return w->authority ? "/overview" : "/my";
}

/* A reply produced by an API handler, cleaned up. */
static void reply_clear(reply *t)
{
    json_decref(t->json);
    free(t->text);
    free(t->set_cookie);
    free(t->location);
    for (size_t i = 0; i < 2; i++)
        free(t->set_cookie_more[i]);
    memset(t, 0, sizeof *t);
}

static const char *api_message(const reply *t)
{
    const char *m =
        json_string_value(json_object_get(json_object_get(t->json, "error"), "message"));
    return m ? m : "";
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
    web_redirect(out, r->who.must_change ? "/password" : home_of(&r->who));
}

/* ---- logon, logout, password ---------------------------------------------------------------- */

/* A same-origin path to go to after logon: starts with one "/", plain characters only. */
static bool safe_next(const char *n)
{
    if (!n || n[0] != '/' || n[1] == '/' || n[1] == '\\' || strlen(n) > 800)
        return false;
    for (const char *c = n; *c; c++)
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f || *c == '\\')
            return false;
    return strncmp(n, "/login", 6) != 0 && strncmp(n, "/logout", 7) != 0;
}

static void login_page(http_req *r, reply *out, unsigned status, const char *err, const char *login,
                       const char *next)
{
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "login.title");
    p.self = "/login";
    p.body_class = "narrow";
    char token[65];
    mm_random_hex(token, 32);
    char cookie[160];
    snprintf(cookie, sizeof cookie, "mm_prelogin=%s; HttpOnly; SameSite=Strict; Path=/login%s",
             token, r->srv->tls ? "; Secure" : "");
    free(out->set_cookie_more[0]);
    out->set_cookie_more[0] = strdup(cookie);
    web_puts(&p, "<h1>");
    web_put_tr(&p, "login.title");
    web_puts(&p, "</h1>\n");
    const char *reason = req_query(r, "reason");
    char mins[24];
    snprintf(mins, sizeof mins, "%ld", (r->srv->policy.idle_timeout + 59) / 60);
    if (err) {
        web_error_box(&p, err);
    } else if (reason && strcmp(reason, "idle") == 0) {
        char m[300];
        web_trf_plain(&p, m, sizeof m, "login.idle", mins, NULL, NULL);
        web_error_box(&p, m);
    } else if (reason && strcmp(reason, "ended") == 0) {
        web_error_box(&p, web_tr(&p, "login.ended"));
    }
    web_puts(&p, "<form id=\"login-form\" method=\"post\" action=\"/login\" class=\"stack\">");
    web_printf(&p, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", token);
    if (next && safe_next(next)) {
        web_puts(&p, "<input type=\"hidden\" name=\"next\" value=\"");
        web_esc(&p, next);
        web_puts(&p, "\">");
    }
    web_puts(&p, "<label for=\"login\">");
    web_put_tr(&p, "login.login");
    web_puts(&p, "</label><input id=\"login\" name=\"login\" autocomplete=\"username\" required "
                 "maxlength=\"128\" value=\"");
    web_esc(&p, login ? login : "");
    web_puts(&p, "\"><label for=\"password\">");
    web_put_tr(&p, "login.password");
    web_puts(&p, "</label><input id=\"password\" name=\"password\" type=\"password\" "
                 "autocomplete=\"current-password\" required maxlength=\"1024\">"
                 "<button id=\"signin\" type=\"submit\">");
    web_put_tr(&p, "login.signin");
    web_puts(&p, "</button></form>\n<p class=\"note\">");
    char att[24], dur[24];
    snprintf(att, sizeof att, "%ld", r->srv->policy.lockout_attempts);
    snprintf(dur, sizeof dur, "%ld", (r->srv->policy.lockout_duration + 59) / 60);
    web_put_trf(&p, "login.policy", att, dur, NULL);
    web_puts(&p, "</p>");
    memset(token, 0, sizeof token);
    web_page_finish(&p, out, status);
}

void w_login_form(http_req *r, reply *out)
{
    login_page(r, out, 200, NULL, NULL, req_query(r, "next"));
}

void w_login(http_req *r, reply *out)
{
    const char *login = mm_form_value(r->form, "login");
    const char *password = mm_form_value(r->form, "password");
    const char *next = mm_form_value(r->form, "next");
    page lp; /* for the strings only */
    web_page_init(&lp, r, out);
    if (!login || !login[0] || !password || !password[0]) {
        login_page(r, out, 200, web_tr(&lp, "login.missing"), login, next);
        return;
    }
    r->json = json_pack("{s:s,s:s}", "login", login, "password", password);
    char msg[200];
    if (!r->json || mm_body_check(r->json, body_login, msg, sizeof msg) != 0) {
        login_page(r, out, 200, web_tr(&lp, "login.wrong"), login, next);
        return;
    }
    reply t = {0};
    h_login(r, &t);
    if (t.status == 200) {
        json_t *u = json_object_get(t.json, "user");
        bool must = json_is_true(json_object_get(t.json, "must_change_password"));
        bool authority = mm_streq(sval(u, "org_kind"), "authority");
        const char *to = must              ? "/password"
                         : safe_next(next) ? next
                         : authority       ? "/overview"
                                           : "/my";
        web_redirect(out, to);
        out->set_cookie = t.set_cookie;
        t.set_cookie = NULL;
        out->set_cookie_more[0] = strdup("mm_prelogin=; HttpOnly; SameSite=Strict; Path=/login; "
                                         "Max-Age=0");
    } else if (t.status == 423) {
        char mins[24], m[300];
        snprintf(mins, sizeof mins, "%ld", (t.retry_after + 59) / 60);
        web_trf_plain(&lp, m, sizeof m, "login.locked", mins, NULL, NULL);
        login_page(r, out, 423, m, login, next);
    } else if (t.status == 401) {
        login_page(r, out, 200, web_tr(&lp, "login.wrong"), login, next);
    } else {
        login_page(r, out, 503, web_tr(&lp, "error.busy"), login, next);
    }
    reply_clear(&t);
}

void w_logout(http_req *r, reply *out)
{
    reply t = {0};
    h_logout(r, &t);
    web_redirect(out, "/login");
    out->set_cookie = t.set_cookie;
    t.set_cookie = NULL;
    reply_clear(&t);
}

static void password_page(http_req *r, reply *out, unsigned status, const char *err)
{
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "password.title");
    p.self = "/password";
    p.body_class = "narrow";
    web_puts(&p, "<h1>");
    web_put_tr(&p, "password.title");
    web_puts(&p, "</h1>\n");
    if (err)
        web_error_box(&p, err);
    if (r->who.must_change) {
        web_puts(&p, "<p class=\"notice\" role=\"status\">");
        web_put_tr(&p, "password.one_time");
        web_puts(&p, "</p>");
    }
    web_puts(&p, "<form id=\"password-form\" method=\"post\" action=\"/password\" "
                 "class=\"stack\">");
    web_csrf_field(&p);
    web_puts(&p, "<label for=\"current\">");
    web_put_tr(&p, "password.current");
    web_puts(&p, "</label><input id=\"current\" name=\"current\" type=\"password\" "
                 "autocomplete=\"current-password\" required maxlength=\"1024\">"
                 "<label for=\"new\">");
    web_put_tr(&p, "password.new");
    web_puts(&p, "</label><input id=\"new\" name=\"new\" type=\"password\" "
                 "autocomplete=\"new-password\" required minlength=\"12\" maxlength=\"1024\" "
                 "aria-describedby=\"new-help\"><p id=\"new-help\" class=\"note\">");
    web_put_tr(&p, "password.rules");
    web_puts(&p, "</p><label for=\"confirm\">");
    web_put_tr(&p, "password.confirm");
    web_puts(&p, "</label><input id=\"confirm\" name=\"confirm\" type=\"password\" "
                 "autocomplete=\"new-password\" required maxlength=\"1024\">"
                 "<button id=\"change\" type=\"submit\">");
    web_put_tr(&p, "password.submit");
    web_puts(&p, "</button></form>");
    web_page_finish(&p, out, status);
}

void w_password_form(http_req *r, reply *out)
{
    password_page(r, out, 200, NULL);
}

void w_password(http_req *r, reply *out)
{
    const char *cur = mm_form_value(r->form, "current");
    const char *nw = mm_form_value(r->form, "new");
    const char *confirm = mm_form_value(r->form, "confirm");
    page lp;
    web_page_init(&lp, r, out);
    if (!cur || !cur[0] || !nw || !confirm) {
        password_page(r, out, 200, web_tr(&lp, "password.missing"));
        return;
    }
    if (strcmp(nw, confirm) != 0) {
        password_page(r, out, 200, web_tr(&lp, "password.mismatch"));
        return;
    }
    r->json = json_pack("{s:s,s:s}", "current", cur, "new", nw);
    char msg[200];
    if (!r->json || mm_body_check(r->json, body_password, msg, sizeof msg) != 0) {
        password_page(r, out, 200, web_tr(&lp, "password.too_short"));
        return;
    }
    reply t = {0};
    h_password(r, &t);
    if (t.status == 200) {
        r->who.must_change = false;
        web_redirect(out, home_of(&r->who));
        out->set_cookie = t.set_cookie;
        t.set_cookie = NULL;
    } else if (t.status == 403) {
        password_page(r, out, 200, web_tr(&lp, "password.wrong_current"));
    } else if (t.status == 400) {
        password_page(r, out, 200, web_tr(&lp, "password.same"));
    } else {
        password_page(r, out, 503, web_tr(&lp, "error.busy"));
    }
    reply_clear(&t);
}

/* ---- shared pieces of the authority's pages ------------------------------------------------- */

static const char *const status_names[] = {"meets",          "conditional", "not-met",
                                           "no-valid-score", "stale",       "none"};
#define NSTATUS 6

static int status_index(const char *s)
{
    for (int i = 0; i < NSTATUS; i++)
        if (s && strcmp(s, status_names[i]) == 0)
            return i;
    return NSTATUS - 1;
}

static const char *sector_of(const json_t *org)
{
    const char *s = sval(json_object_get(org, "identifiers"), "sector");
    return s && s[0] ? s : "unknown";
}

static void put_score(page *p, const json_t *latest)
{
    json_t *sc = json_object_get(latest, "score");
    if (json_is_integer(sc))
        web_printf(p, "%lld", (long long)json_integer_value(sc));
    else
        web_puts(p, "<span class=\"muted\">–</span>");
}

static const char *fw_label(const char *fw)
{
    return mm_streq(fw, "800-171r2") ? "Rev 2" : mm_streq(fw, "800-171r3") ? "Rev 3" : "–";
}

static void put_req_link(page *p, const char *req, bool link)
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

static void th(page *p, const char *key, const char *cls)
{
    web_printf(p, "<th scope=\"col\"%s%s%s>", cls ? " class=\"" : "", cls ? cls : "",
               cls ? "\"" : "");
    web_put_tr(p, key);
    web_puts(p, "</th>");
}

/* ---- the overview -------------------------------------------------------------------------- */

#define NBINS 8

typedef struct famrow {
    const char *title;
    long met[64], total[64];
} famrow;

/* The contents of the authority's aggregate pages depend only on the stored data, the
 * language and the day, never on who reads them (no forms inside): they are kept in the view
 * cache under the store's version (cache.h) and rebuilt only after a change. */
static bool page_cached(page *p, http_req *r, char *key, size_t size, const char *what,
                        int64_t *version)
{
    snprintf(key, size, "page:%s\x1f%s\x1f%s", what, p->lang, r->today);
    if (mm_store_audit_head(r->st, version) != MM_OK) {
        *version = -1;
        return false;
    }
    char *hit = mm_view_cache_text(key, *version);
    if (!hit)
        return false;
    mm_buf_puts(&p->b, hit);
    free(hit);
    return true;
}

static void page_keep(page *p, const char *key, int64_t version)
{
    if (version >= 0)
        mm_view_cache_store(key, version, mm_buf_cstr(&p->b));
}

void w_overview(http_req *r, reply *out)
{
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "overview.title");
    char ckey[96];
    int64_t cver = -1;
    if (page_cached(&p, r, ckey, sizeof ckey, "overview", &cver)) {
        web_page_finish(&p, out, 200);
        return;
    }
    json_t *all = web_all_contractors(r, NULL, NULL);
    if (!all) {
        web_error_page(r, out, 503, "error.busy");
        mm_buf_free(&p.b);
        return;
    }
    long counts[NSTATUS] = {0};
    /* score histograms: Rev 3 (requirements met) and Rev 2 (SPRS), finer near the top */
    static const char *const r3_labels[NBINS] = {"<50",   "50–59", "60–69", "70–79",
                                                 "80–84", "85–89", "90–94", "95+"};
    static const long r3_edges[NBINS - 1] = {50, 60, 70, 80, 85, 90, 95};
    static const char *const r2_labels[NBINS] = {"<0",    "0–49",  "50–69",   "70–79",
                                                 "80–89", "90–99", "100–104", "105–110"};
    static const long r2_edges[NBINS - 1] = {0, 50, 70, 80, 90, 100, 105};
    hist_bin bins[2 * NBINS];
    memset(bins, 0, sizeof bins);
    for (int i = 0; i < NBINS; i++) {
        bins[i].label = r3_labels[i];
        bins[NBINS + i].label = r2_labels[i];
    }
    long no_score = 0;
    /* heatmap: family titles × sectors */
    const char *sectors[64];
    size_t nsec = 0;
    famrow *fams = calloc(64, sizeof *fams);
    size_t nfam = 0;
    json_t *held = json_array(); /* the summaries read, kept until the page is done */
    size_t i;
    json_t *it;
    json_array_foreach(all, i, it)
    {
        counts[status_index(sval(it, "status"))]++;
        json_t *latest = json_object_get(it, "latest");
        if (!json_is_object(latest))
            continue;
        json_t *sc = json_object_get(latest, "score");
        bool r2 = mm_streq(sval(latest, "framework"), "800-171r2");
        if (!json_is_integer(sc)) {
            no_score++;
        } else {
            long v = (long)json_integer_value(sc);
            const long *edges = r2 ? r2_edges : r3_edges;
            int b = 0;
            while (b < NBINS - 1 && v >= edges[b])
                b++;
            bins[(r2 ? NBINS : 0) + b].count++;
        }
        const char *sec = sector_of(it);
        size_t s = 0;
        while (s < nsec && strcmp(sectors[s], sec) != 0)
            s++;
        if (s == nsec) {
            if (nsec == 64)
                continue;
            sectors[nsec++] = sec;
        }
        json_t *sub = web_submission(r, sval(latest, "id"));
        json_t *fl = json_object_get(json_object_get(sub, "summary"), "families");
        size_t k;
        json_t *f;
        json_array_foreach(fl, k, f)
        {
            const char *t = sval(f, "title");
            if (!t || !fams)
                continue;
            size_t fi = 0;
            while (fi < nfam && strcmp(fams[fi].title, t) != 0)
                fi++;
            if (fi == nfam) {
                if (nfam == 64)
                    continue;
                fams[nfam++].title = t;
            }
            fams[fi].met[s] += (long)json_integer_value(json_object_get(f, "met"));
            fams[fi].total[s] += (long)json_integer_value(json_object_get(f, "total"));
        }
        if (sub)
            json_array_append_new(held, sub); /* the family titles point into it */
    }
    web_puts(&p, "<h1>");
    web_put_tr(&p, "overview.title");
    web_printf(&p, "</h1>\n<p class=\"lead\">");
    char tot[24];
    snprintf(tot, sizeof tot, "%zu", json_array_size(all));
    web_put_trf(&p, "overview.lead", tot, r->today, NULL);
    web_puts(&p, "</p>\n<section aria-labelledby=\"h-status\"><h2 id=\"h-status\">");
    web_put_tr(&p, "overview.by_status");
    web_puts(&p, "</h2><ul id=\"status-counts\" class=\"cards\">");
    for (int s = 0; s < NSTATUS; s++) {
        char key[40];
        snprintf(key, sizeof key, "status.%s", status_names[s]);
        web_printf(&p,
                   "<li class=\"card\" data-status=\"%s\"><a href=\"/contractors?status=%s\">"
                   "<span class=\"label\">",
                   status_names[s], status_names[s]);
        web_put_tr(&p, key);
        web_printf(&p, "</span> <span class=\"count\">%ld</span></a></li>", counts[s]);
    }
    web_puts(&p, "</ul></section>\n<section class=\"charts\"><h2>");
    web_put_tr(&p, "overview.scores");
    web_puts(&p, "</h2>");
    const char *rows[2] = {web_tr(&p, "overview.hist_r3"), web_tr(&p, "overview.hist_r2")};
    web_chart_histogram(&p, "score-histogram", web_tr(&p, "overview.hist_title"), rows, bins, 2,
                        NBINS);
    if (no_score) {
        char ns[24];
        snprintf(ns, sizeof ns, "%ld", no_score);
        web_puts(&p, "<p class=\"note\">");
        web_put_trf(&p, "overview.no_score", ns, NULL, NULL);
        web_puts(&p, "</p>");
    }
    /* the heatmap */
    double *rate = calloc(nfam * nsec + 1, sizeof *rate);
    long *nn = calloc(nfam * nsec + 1, sizeof *nn);
    const char *rowt[64];
    for (size_t f = 0; rate && nn && f < nfam; f++) {
        rowt[f] = fams[f].title;
        for (size_t s = 0; s < nsec; s++) {
            rate[f * nsec + s] =
                fams[f].total[s] > 0 ? (double)fams[f].met[s] / (double)fams[f].total[s] : -1;
            nn[f * nsec + s] = fams[f].total[s];
        }
    }
    if (rate && nn)
        web_chart_heatmap(&p, "family-heatmap", web_tr(&p, "overview.heatmap_title"), rowt, nfam,
                          sectors, nsec, rate, nn);
    web_puts(&p, "<p class=\"note\">");
    web_put_tr(&p, "overview.heatmap_note");
    web_puts(&p, "</p></section>\n");
    free(rate);
    free(nn);
    free(fams);
    json_decref(held);
    /* the requirements that fail most */
    web_puts(&p, "<section><h2>");
    web_put_tr(&p, "overview.top_failures");
    web_puts(&p, "</h2><table id=\"top-failures\" class=\"data\"><thead><tr>");
    th(&p, "col.requirement", NULL);
    th(&p, "col.title", NULL);
    th(&p, "col.framework", NULL);
    th(&p, "col.contractors", "num");
    th(&p, "col.not_met", "num");
    th(&p, "col.partial", "num");
    th(&p, "col.not_assessed", "num");
    web_puts(&p, "</tr></thead><tbody>");
    json_t *fails = NULL;
    if (mm_store_failure_counts(r->st, &fails, 15) == MM_OK) {
        json_array_foreach(fails, i, it)
        {
            const char *fw = sval(it, "framework");
            const mm_catalog *cat = mm_streq(fw, "800-171r2") ? r->srv->r2 : r->srv->r3;
            const mm_requirement *req = mm_catalog_requirement(cat, sval(it, "requirement"));
            web_puts(&p, "<tr><td>");
            put_req_link(&p, sval(it, "requirement"), true);
            web_puts(&p, "</td><td>");
            web_esc(&p, req ? req->title : "");
            web_printf(&p,
                       "</td><td>%s</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
                       "<td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>",
                       fw_label(fw),
                       (long long)json_integer_value(json_object_get(it, "contractors")),
                       (long long)json_integer_value(json_object_get(it, "not_met")),
                       (long long)json_integer_value(json_object_get(it, "partial")),
                       (long long)json_integer_value(json_object_get(it, "not_assessed")));
        }
    }
    json_decref(fails);
    web_puts(&p, "</tbody></table></section>\n");
    /* overdue milestones */
    json_t *od = NULL;
    web_puts(&p, "<section><h2>");
    web_put_tr(&p, "overview.overdue");
    web_puts(&p, "</h2>");
    if (mm_store_overdue_milestones(r->st, &od, r->today, 0, 20) == MM_OK) {
        char n[24];
        snprintf(n, sizeof n, "%lld", (long long)json_integer_value(json_object_get(od, "total")));
        web_puts(&p, "<p class=\"note\">");
        web_put_trf(&p, "overview.overdue_total", n, NULL, NULL);
        web_puts(&p, "</p>");
    }
    web_puts(&p, "<table id=\"overdue\" class=\"data\"><thead><tr>");
    th(&p, "col.contractor", NULL);
    th(&p, "col.requirement", NULL);
    th(&p, "col.poam", NULL);
    th(&p, "col.description", NULL);
    th(&p, "col.due", NULL);
    th(&p, "col.status", NULL);
    web_puts(&p, "</tr></thead><tbody>");
    json_array_foreach(json_object_get(od, "items"), i, it)
    {
        web_printf(&p, "<tr><td><a href=\"/contractors/%s\">", sval(it, "org_id"));
        web_esc(&p, sval(it, "org_name"));
        web_puts(&p, "</a></td><td>");
        put_req_link(&p, sval(it, "requirement"), true);
        web_puts(&p, "</td><td>");
        web_esc(&p, sval(it, "poam_id"));
        web_puts(&p, "</td><td>");
        web_esc(&p, sval(it, "description"));
        web_puts(&p, "</td><td class=\"late\">");
        web_esc(&p, sval(it, "due"));
        web_puts(&p, "</td><td>");
        web_esc(&p, sval(it, "status"));
        web_puts(&p, "</td></tr>");
    }
    json_decref(od);
    web_puts(&p, "</tbody></table></section>\n");
    /* stale assessments */
    web_puts(&p, "<section><h2>");
    web_put_tr(&p, "overview.stale");
    web_puts(&p, "</h2><table id=\"stale\" class=\"data\"><thead><tr>");
    th(&p, "col.contractor", NULL);
    th(&p, "col.assessed", NULL);
    th(&p, "col.framework", NULL);
    th(&p, "col.received", NULL);
    web_puts(&p, "</tr></thead><tbody>");
    size_t nstale = 0;
    json_array_foreach(all, i, it)
    {
        if (!mm_streq(sval(it, "status"), "stale"))
            continue;
        if (++nstale > 50)
            break;
        json_t *l = json_object_get(it, "latest");
        web_printf(&p, "<tr><td><a href=\"/contractors/%s\">", sval(it, "id"));
        web_esc(&p, sval(it, "name"));
        web_puts(&p, "</a></td><td>");
        web_esc(&p, sval(l, "assessed"));
        web_printf(&p, "</td><td>%s</td><td>", fw_label(sval(l, "framework")));
        web_esc(&p, sval(l, "received"));
        web_puts(&p, "</td></tr>");
    }
    web_puts(&p, "</tbody></table>");
    if (counts[4] > 50) {
        web_puts(&p, "<p><a href=\"/contractors?status=stale\">");
        web_put_tr(&p, "overview.all_stale");
        web_puts(&p, "</a></p>");
    }
    web_puts(&p, "</section>\n");
    json_decref(all);
    page_keep(&p, ckey, cver);
    web_page_finish(&p, out, 200);
}

/* ---- the contractor list --------------------------------------------------------------------- */

static bool one_of(const char *v, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v, list[i]) == 0)
            return true;
    return false;
}

/* Appends "&name=value" (value URL-encoded) to a query under construction. */
static void qappend(char *q, size_t size, const char *name, const char *value)
{
    if (!value || !value[0])
        return;
    size_t l = strlen(q);
    snprintf(q + l, size - l, "%s%s=", q[0] ? "&" : "", name);
    mm_url_encode(q, size, value);
}

void w_contractors(http_req *r, reply *out)
{
    static const char *const sorts[] = {"name", "score", "status", "assessed"};
    const char *q = req_query(r, "q"), *status = req_query(r, "status");
    const char *sort = req_query(r, "sort"), *order = req_query(r, "order");
    const char *pg = req_query(r, "page");
    if (q && strlen(q) > 200)
        q = NULL;
    if (status && !one_of(status, status_names, NSTATUS))
        status = NULL;
    if (!sort || !one_of(sort, sorts, 4))
        sort = "name";
    bool desc = order && strcmp(order, "desc") == 0;
    long long page_no = pg ? strtoll(pg, NULL, 10) : 1;
    if (page_no < 1 || page_no > 100000)
        page_no = 1;
    mm_org_query qq = {.kind = "contractor",
                       .status = status,
                       .q = q && q[0] ? q : NULL,
                       .sort = sort,
                       .desc = desc,
                       .stale_before = r->stale_before,
                       .offset = (page_no - 1) * PER_PAGE,
                       .limit = PER_PAGE};
    json_t *res = NULL;
    if (mm_store_list_orgs(r->st, &res, &qq) != MM_OK) {
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    long long total = json_integer_value(json_object_get(res, "total"));
    long long pages = total ? (total + PER_PAGE - 1) / PER_PAGE : 1;
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "contractors.title");
    web_puts(&p, "<h1>");
    web_put_tr(&p, "contractors.title");
    web_puts(&p, "</h1>\n<form id=\"filter\" method=\"get\" action=\"/contractors\" "
                 "class=\"filters\" role=\"search\"><label for=\"q\">");
    web_put_tr(&p, "contractors.search");
    web_puts(&p, "</label><input id=\"q\" name=\"q\" type=\"search\" maxlength=\"200\" value=\"");
    web_esc(&p, q ? q : "");
    web_puts(&p, "\"><label for=\"status\">");
    web_put_tr(&p, "col.status");
    web_puts(&p, "</label><select id=\"status\" name=\"status\"><option value=\"\">");
    web_put_tr(&p, "contractors.any_status");
    web_puts(&p, "</option>");
    for (int s = 0; s < NSTATUS; s++) {
        char key[40];
        snprintf(key, sizeof key, "status.%s", status_names[s]);
        web_printf(&p, "<option value=\"%s\"%s>", status_names[s],
                   mm_streq(status, status_names[s]) ? " selected" : "");
        web_put_tr(&p, key);
        web_puts(&p, "</option>");
    }
    web_printf(&p,
               "</select><input type=\"hidden\" name=\"sort\" value=\"%s\">"
               "<input type=\"hidden\" name=\"order\" value=\"%s\"><button type=\"submit\">",
               sort, desc ? "desc" : "asc");
    web_put_tr(&p, "contractors.apply");
    web_puts(&p, "</button></form>\n");
    /* the current view's query (without page), for sort links, paging and the CSV */
    char base[700] = "";
    qappend(base, sizeof base, "q", q);
    qappend(base, sizeof base, "status", status);
    char csv[900];
    snprintf(csv, sizeof csv, "/api/v1/contractors?format=csv&per_page=1000%s%s&sort=%s&order=%s",
             base[0] ? "&" : "", base, sort, desc ? "desc" : "asc");
    web_puts(&p, "<p class=\"toolbar\"><span id=\"result-count\">");
    char tot[24];
    snprintf(tot, sizeof tot, "%lld", total);
    web_put_trf(&p, "contractors.count", tot, NULL, NULL);
    web_puts(&p, "</span> <a id=\"csv-export\" href=\"");
    web_esc(&p, csv);
    web_puts(&p, "\" download>");
    web_put_tr(&p, "contractors.csv");
    web_puts(&p, "</a></p>\n<table id=\"contractors\" class=\"data\"><thead><tr>");
    static const struct {
        const char *sort, *key;
    } cols[] = {{"name", "col.name"},        {NULL, "col.cage"},     {NULL, "col.sector"},
                {"status", "col.status"},    {"score", "col.score"}, {NULL, "col.framework"},
                {"assessed", "col.assessed"}};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        if (!cols[c].sort) {
            th(&p, cols[c].key, NULL);
            continue;
        }
        bool cur = strcmp(sort, cols[c].sort) == 0;
        const char *next_order = cur && !desc ? "desc" : "asc";
        web_printf(&p, "<th scope=\"col\"%s%s>", cur ? " aria-sort=\"" : "",
                   cur ? (desc ? "descending\"" : "ascending\"") : "");
        web_printf(&p, "<a data-sort=\"%s\" href=\"/contractors?", cols[c].sort);
        web_esc(&p, base);
        web_printf(&p, "%ssort=%s&amp;order=%s\">", base[0] ? "&amp;" : "", cols[c].sort,
                   next_order);
        web_put_tr(&p, cols[c].key);
        if (cur)
            web_puts(&p, desc ? " ▼" : " ▲");
        web_puts(&p, "</a></th>");
    }
    web_puts(&p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(res, "items"), i, it)
    {
        json_t *l = json_object_get(it, "latest");
        const char *id = sval(it, "id");
        web_printf(&p, "<tr data-org-id=\"%s\"><td><a href=\"/contractors/%s\">", id, id);
        web_esc(&p, sval(it, "name"));
        web_puts(&p, "</a></td><td>");
        web_esc(&p, sval(json_object_get(it, "identifiers"), "cage"));
        web_puts(&p, "</td><td>");
        web_esc(&p, sector_of(it));
        web_puts(&p, "</td><td>");
        web_badge(&p, sval(it, "status"));
        web_puts(&p, "</td><td class=\"num\">");
        put_score(&p, l);
        web_printf(&p, "</td><td>%s</td><td>", fw_label(sval(l, "framework")));
        web_esc(&p, sval(l, "assessed"));
        web_puts(&p, "</td></tr>\n");
    }
    web_puts(&p, "</tbody></table>\n<nav class=\"pagination\" aria-label=\"");
    web_put_tr(&p, "contractors.pages");
    web_puts(&p, "\">");
    char view[800];
    snprintf(view, sizeof view, "%s%ssort=%s&order=%s", base, base[0] ? "&" : "", sort,
             desc ? "desc" : "asc");
    if (page_no > 1) {
        web_puts(&p, "<a rel=\"prev\" href=\"/contractors?");
        web_esc(&p, view);
        web_printf(&p, "&amp;page=%lld\">", page_no - 1);
        web_put_tr(&p, "contractors.prev");
        web_puts(&p, "</a> ");
    }
    char a0[24], a1[24];
    snprintf(a0, sizeof a0, "%lld", page_no);
    snprintf(a1, sizeof a1, "%lld", pages);
    web_puts(&p, "<span id=\"page-info\">");
    web_put_trf(&p, "contractors.page_info", a0, a1, NULL);
    web_puts(&p, "</span>");
    if (page_no < pages) {
        web_puts(&p, " <a rel=\"next\" href=\"/contractors?");
        web_esc(&p, view);
        web_printf(&p, "&amp;page=%lld\">", page_no + 1);
        web_put_tr(&p, "contractors.next");
        web_puts(&p, "</a>");
    }
    web_puts(&p, "</nav>");
    json_decref(res);
    web_page_finish(&p, out, 200);
}

/* ---- one contractor ----------------------------------------------------------------------------
 */

/* The subcontractors of org_id as a nested list (depth levels at most). */
static void put_subs(page *p, http_req *r, const char *org_id, int depth, bool top)
{
    json_t *subs = web_all_contractors(r, NULL, org_id);
    if (!subs || (json_array_size(subs) == 0 && !top)) {
        json_decref(subs);
        return;
    }
    web_puts(p, top ? "<ul id=\"subcontractors\" class=\"tree\">" : "<ul>");
    if (json_array_size(subs) == 0) {
        web_puts(p, "<li class=\"muted\">");
        web_put_tr(p, "contractor.no_subs");
        web_puts(p, "</li>");
    }
    size_t i;
    json_t *it;
    json_array_foreach(subs, i, it)
    {
        bool visible = r->who.authority || json_is_true(json_object_get(it, "prime_consent"));
        const char *id = sval(it, "id");
        web_printf(p, "<li data-org-id=\"%s\">", id);
        if (visible) {
            web_printf(p, "<a href=\"/contractors/%s\">", id);
            web_esc(p, sval(it, "name"));
            web_puts(p, "</a> ");
            web_badge(p, sval(it, "status"));
            web_puts(p, " <span class=\"num\">");
            put_score(p, json_object_get(it, "latest"));
            web_puts(p, "</span>");
        } else {
            web_esc(p, sval(it, "name"));
            web_puts(p, " <span class=\"not-shared\">");
            web_put_tr(p, "contractor.not_shared");
            web_puts(p, "</span>");
        }
        if (depth > 1 && r->who.authority)
            put_subs(p, r, id, depth - 1, false);
        web_puts(p, "</li>");
    }
    web_puts(p, "</ul>");
    json_decref(subs);
}

static void put_org_head(page *p, const json_t *org, const json_t *latest_row)
{
    web_puts(p, "<h1>");
    web_esc(p, sval(org, "name"));
    web_puts(p, "</h1>\n<dl class=\"meta\"><dt>");
    web_put_tr(p, "col.status");
    web_puts(p, "</dt><dd id=\"org-status\">");
    web_badge(p, sval(latest_row, "status"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.score");
    web_puts(p, "</dt><dd id=\"org-score\">");
    put_score(p, latest_row);
    web_puts(p, "</dd>");
    json_t *ids = json_object_get(org, "identifiers");
    const char *k;
    json_t *v;
    json_object_foreach(ids, k, v)
    {
        if (!json_is_string(v))
            continue;
        web_puts(p, "<dt>");
        web_esc(p, k);
        web_puts(p, "</dt><dd>");
        web_esc(p, json_string_value(v));
        web_puts(p, "</dd>");
    }
    web_puts(p, "</dl>\n");
}

/* The latest row as the contractor list has it (latest_view), or null. */
static json_t *latest_row(http_req *r, const json_t *org)
{
    json_t *sub = web_submission(r, sval(org, "latest_submission"));
    json_t *o = latest_view(r, sub);
    json_decref(sub);
    return o;
}

/* One line under a gap's title: a label and the strings of g's array member, escaped. */
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
        web_esc(p, json_string_value(v));
    }
    web_puts(p, "</div>");
}

static void put_gaps_table(page *p, const json_t *summary, bool links)
{
    web_puts(p, "<table id=\"gaps\" class=\"data\"><thead><tr>");
    th(p, "col.requirement", NULL);
    th(p, "col.title", NULL);
    th(p, "col.gap_status", NULL);
    th(p, "col.points", "num");
    th(p, "col.poam", NULL);
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *g;
    json_t *ms = json_object_get(summary, "milestones");
    json_array_foreach(json_object_get(summary, "gaps"), i, g)
    {
        const char *req = sval(g, "requirement");
        web_puts(p, "<tr><td>");
        put_req_link(p, req, links);
        web_puts(p, "</td><td>");
        web_esc(p, sval(g, "title"));
        put_gap_detail(p, g, "objectives", "contractor.gap_objectives");
        put_gap_detail(p, g, "evidence", "contractor.gap_evidence");
        put_gap_detail(p, g, "scan_evidence", "contractor.gap_scans");
        if (sval(g, "notes")) {
            web_puts(p, "<div class=\"gap-detail\">");
            web_esc(p, sval(g, "notes"));
            web_puts(p, "</div>");
        }
        web_printf(p, "</td><td><span class=\"gap\" data-gap=\"%s\">",
                   mm_streq(sval(g, "status"), "partial")        ? "partial"
                   : mm_streq(sval(g, "status"), "not-assessed") ? "not-assessed"
                                                                 : "not-met");
        char key[48];
        snprintf(key, sizeof key, "gap.%s", sval(g, "status") ? sval(g, "status") : "not-met");
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
                if (!mm_streq(sval(m, "requirement"), req))
                    continue;
                web_puts(p, any ? "<br>" : "");
                web_esc(p, sval(m, "poam_id"));
                web_puts(p, " · ");
                web_esc(p, sval(m, "due"));
                web_puts(p, " · ");
                web_esc(p, sval(m, "status"));
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

static void put_timeline(page *p, http_req *r, const json_t *summary)
{
    json_t *ms = json_object_get(summary, "milestones");
    size_t n = json_array_size(ms);
    timeline_item *items = calloc(n ? n : 1, sizeof *items);
    char(*labels)[96] = calloc(n ? n : 1, sizeof *labels);
    if (!items || !labels) {
        free(items);
        free(labels);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *m = json_array_get(ms, i);
        snprintf(labels[i], sizeof labels[i], "%s %s",
                 sval(m, "requirement") ? sval(m, "requirement") : "",
                 sval(m, "poam_id") ? sval(m, "poam_id") : "");
        items[i].label = labels[i];
        items[i].description = sval(m, "description");
        items[i].due = sval(m, "due");
        items[i].status = sval(m, "status");
        items[i].overdue = items[i].due && strcmp(items[i].due, r->today) < 0 &&
                           !mm_streq(items[i].status, "completed");
    }
    web_chart_timeline(p, "poam-timeline", web_tr(p, "contractor.timeline"), items, n, r->today);
    if (n == 0) {
        web_puts(p, "<p class=\"muted\" id=\"no-milestones\">");
        web_put_tr(p, "contractor.no_milestones");
        web_puts(p, "</p>");
    }
    free(items);
    free(labels);
}

void w_contractor(http_req *r, reply *out)
{
    json_t *org = NULL;
    if (mm_store_get_org(r->st, &org, r->param[0]) != MM_OK) {
        web_error_page(r, out, 404, "error.not_found");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = sval(org, "name");
    json_t *lr = latest_row(r, org);
    bool full = r->who.authority || strcmp(r->who.org_id, r->param[0]) == 0;
    put_org_head(&p, org, lr);
    if (!full) {
        /* a prime, with its subcontractor's consent: the summary status only */
        web_puts(&p, "<p class=\"notice\" id=\"summary-only\">");
        web_put_tr(&p, "contractor.summary_only");
        web_puts(&p, "</p>");
        web_page_finish(&p, out, 200);
        json_decref(lr);
        json_decref(org);
        return;
    }
    json_t *subs = NULL;
    if (mm_store_list_submissions(r->st, &subs, r->param[0], 0, 200) != MM_OK)
        subs = json_pack("{s:i,s:[]}", "total", 0, "items");
    json_t *items = json_object_get(subs, "items");
    size_t n = json_array_size(items);
    /* the score history, oldest first */
    const char **labels = calloc(n + 1, sizeof *labels);
    double *vals = calloc(n + 1, sizeof *vals);
    bool *has = calloc(n + 1, sizeof *has);
    char(*lb)[48] = calloc(n + 1, sizeof *lb);
    bool mixed = false;
    for (size_t i = 0; labels && vals && has && lb && i < n; i++) {
        json_t *s = json_array_get(items, n - 1 - i);
        const char *a = sval(s, "assessed");
        const char *rc = sval(s, "received");
        snprintf(lb[i], sizeof lb[i], "%s", a && a[0] ? a : rc ? rc : "?");
        labels[i] = lb[i];
        json_t *sc = json_object_get(s, "score");
        has[i] = json_is_integer(sc);
        vals[i] = has[i] ? (double)json_integer_value(sc) : 0;
        if (!mm_streq(sval(s, "framework"), sval(json_array_get(items, 0), "framework")))
            mixed = true;
    }
    web_puts(&p, "<section class=\"charts two\"><h2>");
    web_put_tr(&p, "contractor.standing");
    web_puts(&p, "</h2>");
    if (labels && vals && has && lb)
        web_chart_line(&p, "score-history", web_tr(&p, "contractor.history"), labels, vals, has, n,
                       web_tr(&p, "col.score"));
    if (mixed) {
        web_puts(&p, "<p class=\"note\">");
        web_put_tr(&p, "contractor.mixed");
        web_puts(&p, "</p>");
    }
    free(labels);
    free(vals);
    free(has);
    free(lb);
    json_t *latest = web_submission(r, sval(org, "latest_submission"));
    json_t *summary = json_object_get(latest, "summary");
    json_t *fams = json_object_get(summary, "families");
    size_t nf = json_array_size(fams);
    const char **fl = calloc(nf + 1, sizeof *fl);
    long *met = calloc(nf + 1, sizeof *met), *tot = calloc(nf + 1, sizeof *tot);
    char(*fb)[160] = calloc(nf + 1, sizeof *fb);
    for (size_t i = 0; fl && met && tot && fb && i < nf; i++) {
        json_t *f = json_array_get(fams, i);
        snprintf(fb[i], sizeof fb[i], "%s %s", sval(f, "id") ? sval(f, "id") : "",
                 sval(f, "title") ? sval(f, "title") : "");
        fl[i] = fb[i];
        met[i] = (long)json_integer_value(json_object_get(f, "met"));
        tot[i] = (long)json_integer_value(json_object_get(f, "total"));
    }
    if (fl && met && tot && fb)
        web_chart_bars(&p, "family-bars", web_tr(&p, "contractor.families"), fl, met, tot, nf);
    free(fl);
    free(met);
    free(tot);
    free(fb);
    web_puts(&p, "</section>\n<section><h2>");
    web_put_tr(&p, "contractor.gaps");
    web_puts(&p, "</h2>");
    if (latest) {
        web_puts(&p, "<p class=\"note\">");
        web_put_trf(&p, "contractor.gaps_of", sval(latest, "assessed"), sval(latest, "id"), NULL);
        web_puts(&p, "</p>");
    }
    put_gaps_table(&p, summary, r->who.authority);
    web_puts(&p, "</section>\n<section><h2>");
    web_put_tr(&p, "contractor.poam");
    web_puts(&p, "</h2>");
    put_timeline(&p, r, summary);
    web_puts(&p, "</section>\n");
    json_decref(latest);
    /* the history, with the diff form */
    web_puts(&p, "<section><h2>");
    web_put_tr(&p, "contractor.submissions");
    web_puts(&p, "</h2><table id=\"submissions\" class=\"data\"><thead><tr>");
    th(&p, "col.received", NULL);
    th(&p, "col.assessed", NULL);
    th(&p, "col.framework", NULL);
    th(&p, "col.status", NULL);
    th(&p, "col.score", "num");
    th(&p, "col.submission", NULL);
    web_puts(&p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        web_puts(&p, "<tr><td>");
        web_esc(&p, sval(it, "received"));
        web_puts(&p, "</td><td>");
        web_esc(&p, sval(it, "assessed"));
        web_printf(&p, "</td><td>%s</td><td>", fw_label(sval(it, "framework")));
        web_badge(&p, sval(it, "status"));
        web_puts(&p, "</td><td class=\"num\">");
        put_score(&p, it);
        web_puts(&p, "</td><td class=\"mono\">");
        web_esc(&p, sval(it, "id"));
        web_puts(&p, "</td></tr>");
    }
    web_puts(&p, "</tbody></table>");
    if (n >= 2) {
        web_printf(&p,
                   "<form id=\"diff-form\" method=\"get\" action=\"/contractors/%s/diff\" "
                   "class=\"filters\">",
                   r->param[0]);
        for (int w = 0; w < 2; w++) {
            web_printf(&p, "<label for=\"diff-%c\">", w ? 'b' : 'a');
            web_put_tr(&p, w ? "diff.newer" : "diff.older");
            web_printf(&p, "</label><select id=\"diff-%c\" name=\"%c\">", w ? 'b' : 'a',
                       w ? 'b' : 'a');
            json_array_foreach(items, i, it)
            {
                bool sel = w ? i == 0 : i == 1;
                web_printf(&p, "<option value=\"%s\"%s>", sval(it, "id"), sel ? " selected" : "");
                web_esc(&p, sval(it, "assessed"));
                web_puts(&p, " · ");
                web_esc(&p, sval(it, "received"));
                web_puts(&p, "</option>");
            }
            web_puts(&p, "</select>");
        }
        web_puts(&p, "<button type=\"submit\">");
        web_put_tr(&p, "diff.compare");
        web_puts(&p, "</button></form>");
    }
    web_puts(&p, "</section>\n<section><h2>");
    web_put_tr(&p, "contractor.subs");
    web_puts(&p, "</h2>");
    put_subs(&p, r, r->param[0], 3, true);
    web_puts(&p, "</section>\n");
    web_page_finish(&p, out, 200);
    json_decref(subs);
    json_decref(lr);
    json_decref(org);
}

static void put_id_list(page *p, const char *id, const json_t *arr, bool links)
{
    web_printf(p, "<ul id=\"%s\" class=\"ids\">", id);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_is_string(v) ? json_string_value(v) : sval(v, "requirement");
        web_puts(p, "<li>");
        put_req_link(p, s, links);
        if (!json_is_string(v)) {
            web_puts(p, ": ");
            web_esc(p, sval(v, "from"));
            web_puts(p, " → ");
            web_esc(p, sval(v, "to"));
        }
        web_puts(p, "</li>");
    }
    if (json_array_size(arr) == 0) {
        web_puts(p, "<li class=\"muted\">");
        web_put_tr(p, "diff.none");
        web_puts(p, "</li>");
    }
    web_puts(p, "</ul>");
}

void w_diff(http_req *r, reply *out)
{
    const char *a = req_query(r, "a"), *b = req_query(r, "b");
    json_t *sa = a ? web_submission(r, a) : NULL, *sb = b ? web_submission(r, b) : NULL;
    /* both must be this organization's (access was decided for the organization) */
    if (!sa || !sb || !mm_streq(sval(sa, "org_id"), r->param[0]) ||
        !mm_streq(sval(sb, "org_id"), r->param[0])) {
        json_decref(sa);
        json_decref(sb);
        web_error_page(r, out, 404, "error.not_found");
        return;
    }
    /* older first */
    if (strcmp(sval(sa, "received") ? sval(sa, "received") : "",
               sval(sb, "received") ? sval(sb, "received") : "") > 0) {
        json_t *t = sa;
        sa = sb;
        sb = t;
    }
    json_t *d = NULL;
    int rc = mm_summary_diff(&d, json_object_get(sa, "summary"), json_object_get(sb, "summary"));
    json_t *org = NULL;
    if (mm_store_get_org(r->st, &org, r->param[0]) != MM_OK)
        org = NULL;
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "diff.title");
    web_printf(&p, "<p class=\"crumbs\"><a href=\"/contractors/%s\">", r->param[0]);
    web_esc(&p, sval(org, "name"));
    web_puts(&p, "</a></p><h1>");
    web_put_tr(&p, "diff.title");
    web_puts(&p, "</h1>");
    if (rc != MM_OK) {
        web_error_box(&p, web_tr(&p, "error.busy"));
    } else {
        bool same = mm_streq(sval(sa, "framework"), sval(sb, "framework"));
        json_t *sc = json_object_get(d, "score");
        web_puts(&p, "<dl class=\"meta\"><dt>");
        web_put_tr(&p, "diff.older");
        web_puts(&p, "</dt><dd>");
        web_esc(&p, sval(sa, "assessed"));
        web_puts(&p, " <span class=\"mono\">");
        web_esc(&p, sval(sa, "id"));
        web_puts(&p, "</span></dd><dt>");
        web_put_tr(&p, "diff.newer");
        web_puts(&p, "</dt><dd>");
        web_esc(&p, sval(sb, "assessed"));
        web_puts(&p, " <span class=\"mono\">");
        web_esc(&p, sval(sb, "id"));
        web_puts(&p, "</span></dd><dt>");
        web_put_tr(&p, "col.score");
        web_puts(&p, "</dt><dd id=\"diff-score\">");
        put_score(&p, sa);
        web_puts(&p, " → ");
        put_score(&p, sb);
        json_t *delta = json_object_get(sc, "delta");
        if (same && json_is_integer(delta))
            web_printf(&p, " (<span class=\"delta\">%+lld</span>)",
                       (long long)json_integer_value(delta));
        web_puts(&p, "</dd><dt>");
        web_put_tr(&p, "col.status");
        web_puts(&p, "</dt><dd>");
        web_badge(&p, sval(sa, "status"));
        web_puts(&p, " → ");
        web_badge(&p, sval(sb, "status"));
        web_puts(&p, "</dd></dl>");
        if (!same) {
            web_puts(&p, "<p class=\"notice\">");
            web_put_tr(&p, "diff.not_comparable");
            web_puts(&p, "</p>");
        }
        web_puts(&p, "<h2>");
        web_put_tr(&p, "diff.fixed");
        web_puts(&p, "</h2>");
        put_id_list(&p, "fixed", json_object_get(d, "fixed"), r->who.authority);
        web_puts(&p, "<h2>");
        web_put_tr(&p, "diff.new_gaps");
        web_puts(&p, "</h2>");
        put_id_list(&p, "new-gaps", json_object_get(d, "new_gaps"), r->who.authority);
        web_puts(&p, "<h2>");
        web_put_tr(&p, "diff.changed");
        web_puts(&p, "</h2>");
        put_id_list(&p, "changed", json_object_get(d, "changed"), r->who.authority);
    }
    json_decref(d);
    json_decref(org);
    json_decref(sa);
    json_decref(sb);
    web_page_finish(&p, out, 200);
}

/* ---- one requirement across the base ----------------------------------------------------------
 */

void w_requirement(http_req *r, reply *out)
{
    const char *rid = r->param[0];
    const mm_catalog *cat = r->srv->r3;
    const mm_requirement *req = mm_catalog_requirement(cat, rid);
    if (!req) {
        cat = r->srv->r2;
        req = mm_catalog_requirement(cat, rid);
    }
    if (!req) {
        web_error_page(r, out, 404, "error.not_found");
        return;
    }
    const char *fw = mm_framework_name(cat->framework);
    page p;
    web_page_init(&p, r, out);
    p.title = req->id;
    char ckey[96], what[48];
    int64_t cver = -1;
    snprintf(what, sizeof what, "requirement:%s", req->id);
    if (page_cached(&p, r, ckey, sizeof ckey, what, &cver)) {
        web_page_finish(&p, out, 200);
        return;
    }
    json_t *all = web_all_contractors(r, NULL, NULL);
    if (!all) {
        mm_buf_free(&p.b);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    long assessed = 0, failing = 0, detailed = 0;
    json_t *fails = json_array();
    /* per objective: how many contractors' latest submissions fail it (summaries made since
     * the gaps carry their objectives; older ones count only for the requirement) */
    long *obj_fail = calloc(req->nobjectives ? req->nobjectives : 1, sizeof *obj_fail);
    size_t i;
    json_t *it;
    json_array_foreach(all, i, it)
    {
        json_t *l = json_object_get(it, "latest");
        if (!json_is_object(l) || !mm_streq(sval(l, "framework"), fw))
            continue;
        json_t *sub = web_submission(r, sval(l, "id"));
        if (!sub)
            continue;
        assessed++;
        size_t k;
        json_t *g;
        json_array_foreach(json_object_get(json_object_get(sub, "summary"), "gaps"), k, g)
        {
            if (!mm_streq(sval(g, "requirement"), req->id))
                continue;
            failing++;
            json_t *objs = json_object_get(g, "objectives");
            if (json_is_array(objs) && obj_fail) {
                detailed++;
                size_t q;
                json_t *oid;
                json_array_foreach(objs, q, oid)
                {
                    for (size_t o = 0; o < req->nobjectives; o++)
                        if (mm_streq(json_string_value(oid), req->objectives[o].id))
                            obj_fail[o]++;
                }
            }
            json_array_append_new(
                fails, json_pack("{s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(it, "id"), "name",
                                 json_object_get(it, "name"), "gap", json_object_get(g, "status"),
                                 "on_poam", json_object_get(g, "on_poam"), "status",
                                 json_object_get(it, "status")));
            break;
        }
        json_decref(sub);
    }
    web_printf(&p, "<p class=\"crumbs\">%s · ", fw_label(fw));
    web_esc(&p, cat->families[req->family].title);
    web_puts(&p, "</p><h1>");
    web_esc(&p, req->id);
    web_puts(&p, " ");
    web_esc(&p, req->title);
    web_puts(&p, "</h1>\n<p class=\"big\" id=\"met-count\">");
    char a0[24], a1[24];
    snprintf(a0, sizeof a0, "%ld", assessed - failing);
    snprintf(a1, sizeof a1, "%ld", assessed);
    web_put_trf(&p, "requirement.met_count", a0, a1, fw_label(fw));
    web_puts(&p, "</p>\n<section><h2>");
    web_put_tr(&p, "requirement.failing");
    web_puts(&p, "</h2><table id=\"failing-contractors\" class=\"data\"><thead><tr>");
    th(&p, "col.contractor", NULL);
    th(&p, "col.gap_status", NULL);
    th(&p, "col.poam", NULL);
    th(&p, "col.status", NULL);
    web_puts(&p, "</tr></thead><tbody>");
    json_array_foreach(fails, i, it)
    {
        web_printf(&p, "<tr data-org-id=\"%s\"><td><a href=\"/contractors/%s\">", sval(it, "id"),
                   sval(it, "id"));
        web_esc(&p, sval(it, "name"));
        web_puts(&p, "</a></td><td>");
        char key[48];
        snprintf(key, sizeof key, "gap.%s", sval(it, "gap") ? sval(it, "gap") : "not-met");
        web_put_tr(&p, key);
        web_puts(&p, "</td><td>");
        web_put_tr(&p, json_is_true(json_object_get(it, "on_poam")) ? "requirement.on_poam"
                                                                    : "requirement.no_poam");
        web_puts(&p, "</td><td>");
        web_badge(&p, sval(it, "status"));
        web_puts(&p, "</td></tr>");
    }
    web_puts(&p, "</tbody></table></section>\n<section><h2>");
    web_put_tr(&p, "requirement.objectives");
    web_puts(&p, "</h2><p class=\"note\" id=\"objectives-note\">");
    char d0[24], d1[24];
    snprintf(d0, sizeof d0, "%ld", detailed);
    snprintf(d1, sizeof d1, "%ld", failing);
    web_put_trf(&p, "requirement.objectives_note", d0, d1, NULL);
    web_puts(&p, "</p><table id=\"failing-objectives\" class=\"data\"><thead><tr>");
    th(&p, "col.objective", NULL);
    th(&p, "col.text", NULL);
    th(&p, "col.contractors_failing", "num");
    web_puts(&p, "</tr></thead><tbody>");
    /* most failed first; ties in catalog order */
    size_t *order = calloc(req->nobjectives ? req->nobjectives : 1, sizeof *order);
    for (size_t o = 0; order && o < req->nobjectives; o++) {
        size_t k = o;
        while (k > 0 && obj_fail && obj_fail[order[k - 1]] < obj_fail[o]) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = o;
    }
    for (size_t n = 0; order && n < req->nobjectives; n++) {
        size_t o = order[n];
        web_puts(&p, "<tr><td>");
        web_esc(&p, req->objectives[o].id);
        web_puts(&p, "</td><td>");
        web_esc(&p, req->objectives[o].text);
        web_printf(&p, "</td><td class=\"num\">%ld</td></tr>", obj_fail ? obj_fail[o] : 0);
    }
    web_puts(&p, "</tbody></table></section>\n");
    free(order);
    free(obj_fail);
    json_decref(fails);
    json_decref(all);
    page_keep(&p, ckey, cver);
    web_page_finish(&p, out, 200);
}

/* ---- the contractor's own pages ---------------------------------------------------------------
 */

static void upload_form(page *p)
{
    web_puts(p, "<form id=\"upload-form\" method=\"post\" action=\"/my/upload\" "
                "enctype=\"multipart/form-data\" class=\"stack\">");
    web_csrf_field(p);
    web_puts(p, "<label for=\"assessment-file\">");
    web_put_tr(p, "my.upload_label");
    web_puts(p, "</label><input id=\"assessment-file\" type=\"file\" name=\"assessment\" "
                "accept=\".json,application/json\" required><p class=\"note\">");
    web_put_tr(p, "my.upload_help");
    web_puts(p, "</p><button id=\"upload\" type=\"submit\">");
    web_put_tr(p, "my.upload");
    web_puts(p, "</button></form>");
}

/* The /my page; extra (may be NULL) is HTML put first (an upload's result). */
static void my_page(http_req *r, reply *out, page *p, unsigned status)
{
    json_t *org = NULL;
    if (mm_store_get_org(r->st, &org, r->who.org_id) != MM_OK) {
        mm_buf_free(&p->b);
        web_error_page(r, out, 404, "error.not_found");
        return;
    }
    p->title = web_tr(p, "my.title");
    p->self = "/my";
    json_t *lr = latest_row(r, org);
    mm_buf upload = p->b; /* the upload's result, if any, goes after the heading */
    p->b = (mm_buf){0};
    web_puts(p, "<h1>");
    web_esc(p, sval(org, "name"));
    web_puts(p, "</h1>\n<div id=\"my-status\" class=\"status-line\">");
    web_badge(p, sval(lr, "status"));
    web_puts(p, " <span class=\"label\">");
    web_put_tr(p, "col.score");
    web_puts(p, "</span> <span class=\"score\">");
    put_score(p, lr);
    web_printf(p, "</span> <span class=\"muted\">%s</span>", fw_label(sval(lr, "framework")));
    web_printf(p, " <a href=\"/contractors/%s\">", r->who.org_id);
    web_put_tr(p, "my.details");
    web_puts(p, "</a></div>\n");
    if (upload.len)
        mm_buf_puts(&p->b, mm_buf_cstr(&upload));
    mm_buf_free(&upload);
    web_puts(p, "<section><h2>");
    web_put_tr(p, "my.upload_title");
    web_puts(p, "</h2>");
    upload_form(p);
    web_puts(p, "</section>\n");
    /* POA&M progress */
    json_t *latest = web_submission(r, sval(org, "latest_submission"));
    json_t *ms = json_object_get(json_object_get(latest, "summary"), "milestones");
    long open = 0, late = 0, inprog = 0;
    size_t i;
    json_t *m;
    json_array_foreach(ms, i, m)
    {
        open++;
        if (mm_streq(sval(m, "status"), "in-progress"))
            inprog++;
        if (sval(m, "due") && strcmp(sval(m, "due"), r->today) < 0)
            late++;
    }
    web_puts(p, "<section><h2>");
    web_put_tr(p, "my.poam");
    web_puts(p, "</h2><p id=\"poam-progress\">");
    char a0[24], a1[24], a2[24];
    snprintf(a0, sizeof a0, "%ld", open);
    snprintf(a1, sizeof a1, "%ld", inprog);
    snprintf(a2, sizeof a2, "%ld", late);
    web_put_trf(p, "my.poam_progress", a0, a1, a2);
    web_puts(p, "</p><table id=\"my-poam\" class=\"data\"><thead><tr>");
    th(p, "col.requirement", NULL);
    th(p, "col.poam", NULL);
    th(p, "col.description", NULL);
    th(p, "col.due", NULL);
    th(p, "col.status", NULL);
    web_puts(p, "</tr></thead><tbody>");
    json_array_foreach(ms, i, m)
    {
        bool is_late = sval(m, "due") && strcmp(sval(m, "due"), r->today) < 0;
        web_printf(p, "<tr%s><td>", is_late ? " class=\"overdue\"" : "");
        web_esc(p, sval(m, "requirement"));
        web_puts(p, "</td><td>");
        web_esc(p, sval(m, "poam_id"));
        web_puts(p, "</td><td>");
        web_esc(p, sval(m, "description"));
        web_puts(p, "</td><td>");
        web_esc(p, sval(m, "due"));
        if (is_late) {
            web_puts(p, " <strong class=\"late\">");
            web_put_tr(p, "chart.overdue");
            web_puts(p, "</strong>");
        }
        web_puts(p, "</td><td>");
        web_esc(p, sval(m, "status"));
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table></section>\n");
    json_decref(latest);
    /* submissions and receipts */
    json_t *subs = NULL;
    web_puts(p, "<section><h2>");
    web_put_tr(p, "my.submissions");
    web_puts(p, "</h2><table id=\"my-submissions\" class=\"data\"><thead><tr>");
    th(p, "col.submission", NULL);
    th(p, "col.hash", NULL);
    th(p, "col.received", NULL);
    th(p, "col.assessed", NULL);
    th(p, "col.status", NULL);
    th(p, "col.score", "num");
    web_puts(p, "</tr></thead><tbody>");
    if (mm_store_list_submissions(r->st, &subs, r->who.org_id, 0, 100) == MM_OK) {
        json_array_foreach(json_object_get(subs, "items"), i, m)
        {
            web_puts(p, "<tr><td class=\"mono\">");
            web_esc(p, sval(m, "id"));
            web_puts(p, "</td><td class=\"mono hash\">");
            web_esc(p, sval(m, "body_hash"));
            web_puts(p, "</td><td>");
            web_esc(p, sval(m, "received"));
            web_puts(p, "</td><td>");
            web_esc(p, sval(m, "assessed"));
            web_puts(p, "</td><td>");
            web_badge(p, sval(m, "status"));
            web_puts(p, "</td><td class=\"num\">");
            put_score(p, m);
            web_puts(p, "</td></tr>");
        }
    }
    json_decref(subs);
    web_puts(p, "</tbody></table></section>\n<p class=\"links\"><a href=\"/my/tokens\">");
    web_put_tr(p, "nav.tokens");
    web_puts(p, "</a> · <a href=\"/my/keys\">");
    web_put_tr(p, "nav.keys");
    web_puts(p, "</a></p>");
    json_decref(lr);
    json_decref(org);
    web_page_finish(p, out, status);
}

void w_my(http_req *r, reply *out)
{
    page p;
    web_page_init(&p, r, out);
    my_page(r, out, &p, 200);
}

/* A file name fit for messages: its last path segment, printable ASCII, not empty. */
static void clean_name(char out[128], const char *name)
{
    const char *base = name ? name : "";
    for (const char *c = base; *c; c++)
        if (*c == '/' || *c == '\\')
            base = c + 1;
    size_t o = 0;
    for (; *base && o < 100; base++)
        out[o++] = ((unsigned char)*base < 0x21 || (unsigned char)*base > 0x7e) ? '_' : *base;
    out[o] = '\0';
    if (!o)
        snprintf(out, 128, "assessment.json");
}

static void preview(page *p, http_req *r, const char *name, const char *data, size_t len)
{
    mm_framework fw;
    mm_assessment *a = NULL;
    mm_result *res = NULL;
    json_t *summary = NULL;
    int rc = mm_assessment_framework(&fw, data, len, name);
    if (rc == MM_OK)
        rc = mm_assessment_parse(&a, fw == MM_FW_R2 ? r->srv->r2 : r->srv->r3, data, len, name);
    if (rc == MM_OK)
        rc = mm_assessment_evaluate_at(&res, a, fw == MM_FW_R2 ? NULL : r->srv->profile,
                                       r->now_unix);
    if (rc == MM_OK)
        rc = mm_submission_summary(&summary, res);
    web_puts(p, "<section id=\"upload-result\" class=\"result\" data-kind=\"preview\"><h2>");
    web_put_tr(p, "upload.preview_title");
    web_puts(p, "</h2>");
    if (rc != MM_OK) {
        web_error_box(p, mm_error_last());
        web_puts(p, "<p class=\"note\">");
        web_put_tr(p, "upload.fix_and_retry");
        web_puts(p, "</p></section>");
        mm_result_free(res);
        mm_assessment_free(a);
        return;
    }
    web_puts(p, "<dl class=\"meta\"><dt>");
    web_put_tr(p, "col.status");
    web_puts(p, "</dt><dd id=\"upload-status\">");
    web_badge(p, sval(summary, "status"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.score");
    web_puts(p, "</dt><dd id=\"upload-score\">");
    put_score(p, summary);
    web_printf(p, "</dd><dt>");
    web_put_tr(p, "col.framework");
    web_printf(p, "</dd><dd>%s</dd><dt>", fw_label(sval(summary, "framework")));
    web_put_tr(p, "col.gaps");
    web_printf(p, "</dt><dd>%zu</dd></dl>", json_array_size(json_object_get(summary, "gaps")));
    web_puts(p, "<p class=\"notice\" id=\"not-submitted\">");
    web_put_tr(p, "upload.not_submitted");
    web_puts(p, "</p><pre class=\"cmd\"><code>mamori submit ");
    web_esc(p, name);
    web_puts(p, " --server ");
    const char *host = req_header(r, "Host");
    web_printf(p, "%s://", r->srv->tls ? "https" : "http");
    web_esc(p, host ? host : "SERVER");
    web_puts(p, " --key ORG.key --official \"NAME\" --date YYYY-MM-DD</code></pre>");
    put_gaps_table(p, summary, false);
    web_puts(p, "</section>");
    json_decref(summary);
    mm_result_free(res);
    mm_assessment_free(a);
}

static void submitted(page *p, http_req *r, const char *data, size_t len)
{
    ingest_ctx ctx = {.r3 = r->srv->r3,
                      .r2 = r->srv->r2,
                      .profile = r->srv->profile,
                      .server_sk = r->srv->server_sk};
    reply t = {0};
    mm_ingest(&ctx, r->st, r->who.org_id, r->who.login, data, len, r->now, r->now_unix, &t);
    web_puts(p, "<section id=\"upload-result\" class=\"result\" data-kind=\"submission\"><h2>");
    web_put_tr(p, "upload.submitted_title");
    web_puts(p, "</h2>");
    if (t.status != 201) {
        web_error_box(p, api_message(&t));
        web_puts(p, "</section>");
        reply_clear(&t);
        return;
    }
    json_t *rec = json_loads(t.text ? t.text : "", 0, NULL);
    json_t *rc = json_object_get(rec, "receipt");
    web_puts(p, "<p class=\"ok\" role=\"status\">");
    web_put_tr(p, "upload.accepted");
    web_puts(p, "</p><dl class=\"meta\" id=\"receipt\"><dt>");
    web_put_tr(p, "col.submission");
    web_puts(p, "</dt><dd class=\"mono\" id=\"receipt-id\">");
    web_esc(p, sval(rc, "submission_id"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.hash");
    web_puts(p, "</dt><dd class=\"mono\">");
    web_esc(p, sval(rc, "body_hash"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.received");
    web_puts(p, "</dt><dd>");
    web_esc(p, sval(rc, "received"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.status");
    web_puts(p, "</dt><dd id=\"upload-status\">");
    web_badge(p, sval(rc, "status"));
    web_puts(p, "</dd><dt>");
    web_put_tr(p, "col.score");
    web_puts(p, "</dt><dd id=\"upload-score\">");
    put_score(p, rc);
    web_puts(p, "</dd></dl><details><summary>");
    web_put_tr(p, "upload.receipt_json");
    web_puts(p, "</summary><pre class=\"cmd\"><code>");
    web_esc(p, t.text);
    web_puts(p, "</code></pre></details></section>");
    json_decref(rec);
    reply_clear(&t);
}

void w_upload(http_req *r, reply *out)
{
    page p;
    web_page_init(&p, r, out);
    const mm_form_field *f = mm_form_get(r->form, "assessment");
    unsigned status = 200;
    if (!f || f->len == 0) {
        web_puts(&p, "<section id=\"upload-result\" class=\"result\">");
        web_error_box(&p, web_tr(&p, "upload.no_file"));
        web_puts(&p, "</section>");
        my_page(r, out, &p, 400);
        return;
    }
    char name[128];
    clean_name(name, f->filename);
    /* a signed document (mamori sign) is a submission; anything else is previewed */
    json_t *doc = json_loadb(f->value, f->len, 0, NULL);
    bool is_signed = json_is_object(doc) && json_object_get(doc, "envelope") &&
                     json_object_get(doc, "signature");
    json_decref(doc);
    if (is_signed)
        submitted(&p, r, f->value, f->len);
    else
        preview(&p, r, name, f->value, f->len);
    my_page(r, out, &p, status);
}

/* ---- tokens and keys ------------------------------------------------------------------------- */

static void tokens_page(http_req *r, reply *out, const json_t *created, const char *err)
{
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "tokens.title");
    p.self = "/my/tokens";
    web_puts(&p, "<h1>");
    web_put_tr(&p, "tokens.title");
    web_puts(&p, "</h1><p class=\"note\">");
    web_put_tr(&p, "tokens.intro");
    web_puts(&p, "</p>");
    if (err)
        web_error_box(&p, err);
    if (created) {
        web_puts(&p, "<div class=\"notice\" role=\"status\"><p>");
        web_put_tr(&p, "tokens.shown_once");
        web_puts(&p, "</p><pre class=\"cmd\"><code id=\"new-token\">");
        web_esc(&p, sval(created, "token"));
        web_puts(&p, "</code></pre></div>");
    }
    json_t *items = NULL;
    if (mm_store_list_tokens(r->st, &items, r->who.user_id) != MM_OK)
        items = NULL;
    web_puts(&p, "<table id=\"tokens\" class=\"data\"><thead><tr>");
    th(&p, "col.name", NULL);
    th(&p, "col.created", NULL);
    th(&p, "col.expires", NULL);
    th(&p, "col.state", NULL);
    web_puts(&p, "<th></th></tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        bool revoked = json_is_string(json_object_get(it, "revoked"));
        long long id = (long long)json_integer_value(json_object_get(it, "id"));
        web_printf(&p, "<tr data-token-id=\"%lld\"><td>", id);
        web_esc(&p, sval(it, "name"));
        web_puts(&p, "</td><td>");
        web_esc(&p, sval(it, "created"));
        web_puts(&p, "</td><td>");
        web_esc(&p, sval(it, "expires"));
        web_puts(&p, "</td><td>");
        web_put_tr(&p, revoked ? "tokens.revoked" : "tokens.active");
        web_puts(&p, "</td><td>");
        if (!revoked) {
            web_printf(&p,
                       "<form method=\"post\" action=\"/my/tokens/%lld/revoke\" "
                       "data-confirm=\"",
                       id);
            web_put_tr(&p, "tokens.confirm_revoke");
            web_puts(&p, "\">");
            web_csrf_field(&p);
            web_puts(&p, "<button type=\"submit\" class=\"danger\">");
            web_put_tr(&p, "tokens.revoke");
            web_puts(&p, "</button></form>");
        }
        web_puts(&p, "</td></tr>");
    }
    json_decref(items);
    web_puts(&p, "</tbody></table><h2>");
    web_put_tr(&p, "tokens.new");
    web_puts(&p, "</h2><form id=\"token-form\" method=\"post\" action=\"/my/tokens\" "
                 "class=\"stack\">");
    web_csrf_field(&p);
    web_puts(&p, "<label for=\"token-name\">");
    web_put_tr(&p, "col.name");
    web_puts(&p, "</label><input id=\"token-name\" name=\"name\" required maxlength=\"100\">"
                 "<label for=\"token-days\">");
    web_put_tr(&p, "tokens.days");
    web_puts(&p, "</label><input id=\"token-days\" name=\"expires_days\" type=\"number\" min=\"1\" "
                 "max=\"366\" value=\"90\"><button id=\"token-create\" type=\"submit\">");
    web_put_tr(&p, "tokens.create");
    web_puts(&p, "</button></form>");
    web_page_finish(&p, out, 200);
}

void w_tokens(http_req *r, reply *out)
{
    tokens_page(r, out, NULL, NULL);
}

void w_token_create(http_req *r, reply *out)
{
    const char *name = mm_form_value(r->form, "name");
    const char *days = mm_form_value(r->form, "expires_days");
    page lp;
    web_page_init(&lp, r, out);
    long d = 90;
    if (days && days[0]) {
        char *end = NULL;
        d = strtol(days, &end, 10);
        if (*end)
            d = -1;
    }
    r->json = json_pack("{s:s,s:I}", "name", name ? name : "", "expires_days", (json_int_t)d);
    char msg[200];
    if (!name || !name[0] || !r->json || mm_body_check(r->json, body_token, msg, sizeof msg)) {
        tokens_page(r, out, NULL, web_tr(&lp, "tokens.bad"));
        return;
    }
    reply t = {0};
    h_tokens_create(r, &t);
    if (t.status == 201)
        tokens_page(r, out, t.json, NULL);
    else
        tokens_page(r, out, NULL, web_tr(&lp, "error.busy"));
    reply_clear(&t);
}

void w_token_revoke(http_req *r, reply *out)
{
    reply t = {0};
    h_tokens_revoke(r, &t);
    if (t.status == 200)
        web_redirect(out, "/my/tokens");
    else
        web_error_page(r, out, 404, "error.not_found");
    reply_clear(&t);
}

static void keys_page(http_req *r, reply *out, const char *ok, const char *err, unsigned status)
{
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "keys.title");
    p.self = "/my/keys";
    web_puts(&p, "<h1>");
    web_put_tr(&p, "keys.title");
    web_puts(&p, "</h1><p class=\"note\">");
    web_put_tr(&p, "keys.intro");
    web_puts(&p, "</p>");
    if (err)
        web_error_box(&p, err);
    if (ok) {
        web_puts(&p, "<p class=\"ok\" role=\"status\" id=\"key-added\">");
        web_esc(&p, ok);
        web_puts(&p, "</p>");
    }
    bool admin = strcmp(r->who.role, "contractor-admin") == 0;
    json_t *items = NULL;
    if (mm_store_list_keys(r->st, &items, r->who.org_id) != MM_OK)
        items = NULL;
    web_puts(&p, "<table id=\"keys\" class=\"data\"><thead><tr>");
    th(&p, "col.key_id", NULL);
    th(&p, "col.label", NULL);
    th(&p, "col.created", NULL);
    th(&p, "col.state", NULL);
    web_puts(&p, "<th></th></tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        bool revoked = json_is_string(json_object_get(it, "revoked"));
        long long id = (long long)json_integer_value(json_object_get(it, "id"));
        web_printf(&p, "<tr data-key-row=\"%lld\"><td class=\"mono\">", id);
        web_esc(&p, sval(it, "key_id"));
        web_puts(&p, "</td><td>");
        web_esc(&p, sval(it, "label"));
        web_puts(&p, "</td><td>");
        web_esc(&p, sval(it, "created"));
        web_puts(&p, "</td><td>");
        web_put_tr(&p, revoked ? "tokens.revoked" : "tokens.active");
        web_puts(&p, "</td><td>");
        if (!revoked && admin) {
            web_printf(&p,
                       "<form method=\"post\" action=\"/my/keys/%lld/revoke\" "
                       "data-confirm=\"",
                       id);
            web_put_tr(&p, "keys.confirm_revoke");
            web_puts(&p, "\">");
            web_csrf_field(&p);
            web_puts(&p, "<button type=\"submit\" class=\"danger\">");
            web_put_tr(&p, "tokens.revoke");
            web_puts(&p, "</button></form>");
        }
        web_puts(&p, "</td></tr>");
    }
    json_decref(items);
    web_puts(&p, "</tbody></table>");
    if (admin) {
        web_puts(&p, "<h2>");
        web_put_tr(&p, "keys.add");
        web_puts(&p, "</h2><form id=\"key-form\" method=\"post\" action=\"/my/keys\" "
                     "enctype=\"multipart/form-data\" class=\"stack\">");
        web_csrf_field(&p);
        web_puts(&p, "<label for=\"key-pub\">");
        web_put_tr(&p, "keys.paste");
        web_puts(&p, "</label><textarea id=\"key-pub\" name=\"pub\" rows=\"6\" "
                     "spellcheck=\"false\"></textarea><label for=\"key-file\">");
        web_put_tr(&p, "keys.or_file");
        web_puts(&p, "</label><input id=\"key-file\" type=\"file\" name=\"pub_file\" "
                     "accept=\".pub,.json\"><button id=\"key-add\" type=\"submit\">");
        web_put_tr(&p, "keys.submit");
        web_puts(&p, "</button></form>");
    } else {
        web_puts(&p, "<p class=\"note\">");
        web_put_tr(&p, "keys.admin_only");
        web_puts(&p, "</p>");
    }
    web_page_finish(&p, out, status);
}

void w_keys(http_req *r, reply *out)
{
    keys_page(r, out, NULL, NULL, 200);
}

void w_key_add(http_req *r, reply *out)
{
    page lp;
    web_page_init(&lp, r, out);
    const mm_form_field *f = mm_form_get(r->form, "pub_file");
    const char *text = NULL;
    size_t len = 0;
    if (f && f->len) {
        text = f->value;
        len = f->len;
    } else if ((text = mm_form_value(r->form, "pub")) != NULL) {
        len = strlen(text);
    }
    if (!text || !len) {
        keys_page(r, out, NULL, web_tr(&lp, "keys.missing"), 400);
        return;
    }
    char msg[200];
    r->json = mm_body_parse(text, len, msg, sizeof msg);
    if (!r->json || mm_body_check(r->json, body_key, msg, sizeof msg) != 0) {
        char m[400];
        snprintf(m, sizeof m, "%s (%s)", web_tr(&lp, "keys.bad"), msg);
        keys_page(r, out, NULL, m, 400);
        return;
    }
    r->param[0] = r->who.org_id;
    reply t = {0};
    h_keys_add(r, &t);
    if (t.status == 201) {
        char m[200];
        web_trf_plain(&lp, m, sizeof m, "keys.added", sval(t.json, "key_id"), NULL, NULL);
        keys_page(r, out, m, NULL, 200);
    } else {
        keys_page(r, out, NULL, api_message(&t), t.status >= 500 ? 503 : 400);
    }
    reply_clear(&t);
}

void w_key_revoke(http_req *r, reply *out)
{
    r->param[1] = r->param[0];
    r->param[0] = r->who.org_id;
    reply t = {0};
    h_keys_revoke(r, &t);
    if (t.status == 200)
        web_redirect(out, "/my/keys");
    else
        web_error_page(r, out, 404, "error.not_found");
    reply_clear(&t);
}
