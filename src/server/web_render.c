/* mamori serve: what every dashboard page shares: the language and its strings, the layout,
 * escaping helpers, redirects and error pages, a cache of submissions and the inline SVG
 * charts (each with a text alternative and a table of the same numbers, as the HTML report
 * draws them). Nothing here decides who may see what: mm_api_dispatch did, before. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "mamori/catalog.h"
#include "server/web.h"

/* ---- strings ------------------------------------------------------------------------ */

static pthread_once_t strings_once = PTHREAD_ONCE_INIT;
static json_t *strings_en, *strings_ja;
static const char *layout_html;

static json_t *load_strings(const char *name)
{
    size_t len = 0;
    const char *data = mm_content_embedded(name, &len);
    json_t *j = data ? json_loadb(data, len, 0, NULL) : NULL;
    if (!json_is_object(j)) {
        json_decref(j);
        mm_server_log_json("error", "dashboard strings do not load",
                           json_pack("{s:s}", "file", name));
        return json_object();
    }
    return j;
}

static void load_all(void)
{
    strings_en = load_strings("web/i18n/en.json");
    strings_ja = load_strings("web/i18n/ja.json");
    size_t len = 0;
    layout_html = mm_content_embedded("web/layout.html", &len);
    if (!layout_html)
        layout_html = "<!DOCTYPE html><html lang=\"{{lang}}\"><head><meta charset=\"utf-8\">"
                      "<title>{{title}}</title></head><body>{{main}}</body></html>";
}

const char *web_tr(const page *p, const char *key)
{
    pthread_once(&strings_once, load_all);
    const char *s = NULL;
    if (p && strcmp(p->lang, "ja") == 0)
        s = json_string_value(json_object_get(strings_ja, key));
    if (!s)
        s = json_string_value(json_object_get(strings_en, key));
    return s ? s : key;
}

void web_esc(page *p, const char *s)
{
    mm_buf_put_html(&p->b, s ? s : "");
}

void web_puts(page *p, const char *s)
{
    mm_buf_puts(&p->b, s);
}

void web_printf(page *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mm_buf_vprintf(&p->b, fmt, ap);
    va_end(ap);
}

/* s with {0}..{2} replaced, all escaped, appended to b. */
static void put_subst(mm_buf *b, const char *s, const char *const args[3])
{
    const char *run = s;
    for (const char *c = s; *c; c++) {
        if (c[0] == '{' && c[1] >= '0' && c[1] <= '2' && c[2] == '}') {
            char *part = strndup(run, (size_t)(c - run));
            mm_buf_put_html(b, part ? part : "");
            free(part);
            const char *a = args[c[1] - '0'];
            mm_buf_put_html(b, a ? a : "");
            c += 2;
            run = c + 1;
        }
    }
    mm_buf_put_html(b, run);
}

void web_trf_plain(const page *p, char *out, size_t size, const char *key, const char *a0,
                   const char *a1, const char *a2)
{
    const char *args[3] = {a0, a1, a2};
    const char *s = web_tr(p, key);
    size_t o = 0;
    for (; *s && o + 1 < size; s++) {
        if (s[0] == '{' && s[1] >= '0' && s[1] <= '2' && s[2] == '}') {
            const char *a = args[s[1] - '0'];
            for (; a && *a && o + 1 < size; a++)
                out[o++] = *a;
            s += 2;
            continue;
        }
        out[o++] = *s;
    }
    out[o] = '\0';
}

void web_put_tr(page *p, const char *key)
{
    mm_buf_put_html(&p->b, web_tr(p, key));
}

void web_put_trf(page *p, const char *key, const char *a0, const char *a1, const char *a2)
{
    const char *args[3] = {a0, a1, a2};
    put_subst(&p->b, web_tr(p, key), args);
}

static const char *const statuses[] = {"meets",          "conditional", "not-met",
                                       "no-valid-score", "stale",       "none"};

void web_badge(page *p, const char *status)
{
    const char *s = "none";
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (status && strcmp(status, statuses[i]) == 0)
            s = statuses[i];
    char key[40];
    snprintf(key, sizeof key, "status.%s", s);
    web_printf(p, "<span class=\"badge\" data-status=\"%s\">", s);
    web_put_tr(p, key);
    web_puts(p, "</span>");
}

void web_csrf_field(page *p)
{
    web_printf(p, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", p->r->who.csrf);
}

void web_error_box(page *p, const char *text)
{
    web_puts(p, "<div class=\"error\" role=\"alert\">");
    web_esc(p, text);
    web_puts(p, "</div>\n");
}

/* ---- the language --------------------------------------------------------------------- */

/* "ja" or "en" from an Accept-Language header: the one with the higher q (ja on a tie,
 * when it comes first). */
static const char *from_accept_language(const char *h)
{
    if (!h)
        return "en";
    double best_q = -1;
    const char *best = "en";
    const char *s = h;
    while (*s) {
        while (*s == ' ' || *s == ',')
            s++;
        const char *tag = s;
        while (*s && *s != ',' && *s != ';' && *s != ' ')
            s++;
        size_t tl = (size_t)(s - tag);
        double q = 1.0;
        while (*s && *s != ',') {
            if (s[0] == ';' && s[1] == 'q' && s[2] == '=')
                q = strtod(s + 3, NULL);
            s++;
        }
        const char *lang = NULL;
        if (tl >= 2 && strncasecmp(tag, "ja", 2) == 0 && (tl == 2 || tag[2] == '-'))
            lang = "ja";
        else if (tl >= 2 && strncasecmp(tag, "en", 2) == 0 && (tl == 2 || tag[2] == '-'))
            lang = "en";
        if (lang && q > best_q) {
            best_q = q;
            best = lang;
        }
    }
    return best;
}

void web_page_init(page *p, http_req *r, reply *out)
{
    memset(p, 0, sizeof *p);
    p->r = r;
    const char *q = req_query(r, "lang");
    const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "mm_lang");
    if (q && (strcmp(q, "ja") == 0 || strcmp(q, "en") == 0)) {
        p->lang = strcmp(q, "ja") == 0 ? "ja" : "en";
        char cookie[128];
        snprintf(cookie, sizeof cookie, "mm_lang=%s; SameSite=Lax; Path=/; Max-Age=31536000%s",
                 p->lang, r->srv->tls ? "; Secure" : "");
        free(out->set_cookie_more[1]);
        out->set_cookie_more[1] = strdup(cookie);
    } else if (c && (strcmp(c, "ja") == 0 || strcmp(c, "en") == 0)) {
        p->lang = strcmp(c, "ja") == 0 ? "ja" : "en";
    } else {
        p->lang = from_accept_language(req_header(r, "Accept-Language"));
    }
}

/* ---- the layout ------------------------------------------------------------------------ */

static void put_header(page *p, mm_buf *h)
{
    page hp = *p;
    hp.b = (mm_buf){0};
    const principal *w = &p->r->who;
    web_puts(&hp, "<nav class=\"main-nav\" aria-label=\"");
    web_put_tr(&hp, "nav.label");
    web_puts(&hp, "\">");
    if (w->authenticated && !w->must_change) {
        if (w->authority) {
            web_puts(&hp, "<a href=\"/overview\">");
            web_put_tr(&hp, "nav.overview");
            web_puts(&hp, "</a><a href=\"/contractors\">");
            web_put_tr(&hp, "nav.contractors");
            web_puts(&hp, "</a>");
        } else {
            web_puts(&hp, "<a href=\"/my\">");
            web_put_tr(&hp, "nav.my");
            web_printf(&hp, "</a><a href=\"/contractors/%s\">", w->org_id);
            web_put_tr(&hp, "nav.my_org");
            web_puts(&hp, "</a><a href=\"/my/keys\">");
            web_put_tr(&hp, "nav.keys");
            web_puts(&hp, "</a>");
        }
        web_puts(&hp, "<a href=\"/incidents\">");
        web_put_tr(&hp, "nav.incidents");
        web_puts(&hp, "</a><a href=\"/my/tokens\">");
        web_put_tr(&hp, "nav.tokens");
        web_puts(&hp, "</a>");
    }
    web_puts(&hp, "</nav>");
    /* language links keep the page, with ?lang= */
    const char *self = p->self ? p->self : p->r->url;
    web_puts(&hp, "<div class=\"langs\">");
    web_printf(&hp, "<a id=\"lang-ja\" lang=\"ja\" hreflang=\"ja\" href=\"");
    web_esc(&hp, self);
    web_printf(&hp, "?lang=ja\"%s>日本語</a> <a id=\"lang-en\" lang=\"en\" hreflang=\"en\" href=\"",
               strcmp(p->lang, "ja") == 0 ? " aria-current=\"true\"" : "");
    web_esc(&hp, self);
    web_printf(&hp, "?lang=en\"%s>English</a></div>",
               strcmp(p->lang, "en") == 0 ? " aria-current=\"true\"" : "");
    if (w->authenticated && w->via_session) {
        web_puts(&hp, "<form id=\"logout-form\" method=\"post\" action=\"/logout\">"
                      "<span class=\"who\">");
        web_esc(&hp, w->login);
        web_puts(&hp, "</span>");
        web_csrf_field(&hp);
        web_puts(&hp, "<button id=\"logout\" type=\"submit\">");
        web_put_tr(&hp, "nav.logout");
        web_puts(&hp, "</button></form>");
    }
    mm_buf_puts(h, mm_buf_cstr(&hp.b));
    mm_buf_free(&hp.b);
}

void web_page_finish(page *p, reply *out, unsigned status)
{
    pthread_once(&strings_once, load_all);
    mm_buf head = {0}, foot = {0};
    put_header(p, &head);
    {
        page fp = *p;
        fp.b = (mm_buf){0};
        char mins[24];
        snprintf(mins, sizeof mins, "%ld", (p->r->srv->policy.idle_timeout + 59) / 60);
        web_puts(&fp, "<p id=\"idle-note\">");
        web_put_trf(&fp, "footer.idle", mins, NULL, NULL);
        web_puts(&fp, "</p><p class=\"muted\">mamori " MM_VERSION " · ");
        web_put_tr(&fp, "footer.tagline");
        web_puts(&fp, "</p>");
        mm_buf_puts(&foot, mm_buf_cstr(&fp.b));
        mm_buf_free(&fp.b);
    }
    mm_buf title = {0};
    mm_buf_put_html(&title, p->title ? p->title : "mamori");
    mm_buf o = {0};
    const char *s = layout_html;
    while (*s) {
        const char *open = strstr(s, "{{");
        if (!open) {
            mm_buf_puts(&o, s);
            break;
        }
        mm_buf_put(&o, s, (size_t)(open - s));
        const char *close = strstr(open, "}}");
        if (!close) {
            mm_buf_puts(&o, open);
            break;
        }
        size_t n = (size_t)(close - open - 2);
        const char *name = open + 2;
        if (n == 4 && !strncmp(name, "lang", 4))
            mm_buf_puts(&o, p->lang);
        else if (n == 5 && !strncmp(name, "title", 5))
            mm_buf_puts(&o, mm_buf_cstr(&title));
        else if (n == 6 && !strncmp(name, "header", 6))
            mm_buf_puts(&o, mm_buf_cstr(&head));
        else if (n == 4 && !strncmp(name, "main", 4))
            mm_buf_puts(&o, mm_buf_cstr(&p->b));
        else if (n == 6 && !strncmp(name, "footer", 6))
            mm_buf_puts(&o, mm_buf_cstr(&foot));
        else if (n == 10 && !strncmp(name, "body_class", 10))
            mm_buf_puts(&o, p->body_class ? p->body_class : "");
        else if (n == 4 && !strncmp(name, "skip", 4))
            mm_buf_put_html(&o, web_tr(p, "nav.skip"));
        s = close + 2;
    }
    const char *text = mm_buf_cstr(&o);
    free(out->text);
    json_decref(out->json);
    out->json = NULL;
    out->text = o.failed ? NULL : strdup(text);
    out->status = out->text ? status : 500;
    out->ctype = "text/html; charset=utf-8";
    out->html = true;
    mm_buf_free(&o);
    mm_buf_free(&head);
    mm_buf_free(&foot);
    mm_buf_free(&title);
    mm_buf_free(&p->b);
}

void web_redirect(reply *out, const char *location)
{
    json_decref(out->json);
    out->json = NULL;
    free(out->text);
    out->text = strdup("");
    out->ctype = "text/plain; charset=utf-8";
    out->status = 303;
    out->html = true;
    free(out->location);
    out->location = strdup(location);
}

void web_error_page(http_req *r, reply *out, unsigned status, const char *key)
{
    page p;
    web_page_init(&p, r, out);
    char tkey[32];
    snprintf(tkey, sizeof tkey, "error.%u", status);
    p.title = web_tr(&p, tkey);
    p.self = "/";
    web_puts(&p, "<h1>");
    web_esc(&p, p.title);
    web_puts(&p, "</h1>");
    web_error_box(&p, web_tr(&p, key));
    web_puts(&p, "<p><a href=\"/\">");
    web_put_tr(&p, "error.home");
    web_puts(&p, "</a></p>");
    web_page_finish(&p, out, status);
}

/* ---- data helpers ---------------------------------------------------------------------- */

json_t *web_all_contractors(http_req *r, const char *status, const char *parent_id)
{
    json_t *all = json_array();
    for (int64_t off = 0;; off += 1000) {
        mm_org_query q = {.kind = "contractor",
                          .parent_id = parent_id,
                          .status = status,
                          .sort = "name",
                          .stale_before = r->stale_before,
                          .offset = off,
                          .limit = 1000};
        json_t *res = NULL;
        if (mm_store_list_orgs(r->st, &res, &q) != MM_OK) {
            json_decref(all);
            return NULL;
        }
        json_t *items = json_object_get(res, "items");
        json_array_extend(all, items);
        size_t got = json_array_size(items);
        json_int_t total = json_integer_value(json_object_get(res, "total"));
        json_decref(res);
        if (got < 1000 || (json_int_t)(off + (int64_t)got) >= total)
            break;
    }
    return all;
}

/* ---- the submission cache: a bounded LRU, shared by the worker threads ------------------- */

#define CACHE_MAX     4096
#define CACHE_BUCKETS 8192

typedef struct centry {
    char id[40];
    json_t *v;
    struct centry *prev, *next, *hnext;
} centry;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static centry *buckets[CACHE_BUCKETS];
static centry *lru_head, *lru_tail; /* head: most recently used */
static size_t cache_count;

static size_t hash_id(const char *s)
{
    size_t h = 1469598103934665603ULL & (size_t)-1;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h % CACHE_BUCKETS;
}

static void lru_unlink(centry *e)
{
    if (e->prev)
        e->prev->next = e->next;
    else
        lru_head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        lru_tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push(centry *e)
{
    e->next = lru_head;
    e->prev = NULL;
    if (lru_head)
        lru_head->prev = e;
    lru_head = e;
    if (!lru_tail)
        lru_tail = e;
}

static json_t *cached_submission(mm_store *st, const char *id)
{
    if (!id || strlen(id) >= sizeof((centry *)0)->id)
        return NULL;
    size_t h = hash_id(id);
    pthread_mutex_lock(&cache_lock);
    for (centry *e = buckets[h]; e; e = e->hnext) {
        if (strcmp(e->id, id) == 0) {
            lru_unlink(e);
            lru_push(e);
            json_t *v = json_incref(e->v);
            pthread_mutex_unlock(&cache_lock);
            return v;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    json_t *sub = NULL;
    if (mm_store_get_submission(st, &sub, id, false) != MM_OK)
        return NULL;
    centry *ne = calloc(1, sizeof *ne);
    if (!ne)
        return sub;
    snprintf(ne->id, sizeof ne->id, "%s", id);
    ne->v = json_incref(sub);
    pthread_mutex_lock(&cache_lock);
    for (centry *e = buckets[h]; e; e = e->hnext) {
        if (strcmp(e->id, id) == 0) { /* another thread was first */
            pthread_mutex_unlock(&cache_lock);
            json_decref(ne->v);
            free(ne);
            return sub;
        }
    }
    ne->hnext = buckets[h];
    buckets[h] = ne;
    lru_push(ne);
    cache_count++;
    while (cache_count > CACHE_MAX && lru_tail) {
        centry *old = lru_tail;
        lru_unlink(old);
        centry **pp = &buckets[hash_id(old->id)];
        while (*pp && *pp != old)
            pp = &(*pp)->hnext;
        if (*pp)
            *pp = old->hnext;
        cache_count--;
        json_decref(old->v);
        free(old);
    }
    pthread_mutex_unlock(&cache_lock);
    return sub;
}

json_t *web_submission(http_req *r, const char *id)
{
    return cached_submission(r->st, id);
}

/* Fills the cache with every contractor's latest submission, so that the first overview
 * after a start does not read a thousand summaries. Runs on its own thread; takes a store
 * connection from the pool for one page of 1,000 contractors at a time. */
static void *warm_main(void *arg)
{
    mm_server *srv = arg;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long n = 0;
    for (int64_t off = 0; !atomic_load(&srv->warm_stop) && n < CACHE_MAX; off += 1000) {
        mm_store *st = mm_pool_get(srv);
        mm_org_query q = {.kind = "contractor", .sort = "name", .offset = off, .limit = 1000};
        json_t *res = NULL;
        int rc = mm_store_list_orgs(st, &res, &q);
        size_t i, got = 0;
        json_t *it;
        if (rc == MM_OK) {
            json_t *items = json_object_get(res, "items");
            got = json_array_size(items);
            json_array_foreach(items, i, it)
            {
                if (atomic_load(&srv->warm_stop) || n >= CACHE_MAX)
                    break;
                json_t *sub = cached_submission(
                    st, json_string_value(json_object_get(json_object_get(it, "latest"), "id")));
                n += sub != NULL;
                json_decref(sub);
            }
        }
        json_decref(res);
        mm_pool_put(srv, st);
        if (rc != MM_OK || got < 1000)
            break;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    mm_server_log_json("info", "dashboard cache warmed",
                       json_pack("{s:i,s:f}", "submissions", (int)n, "duration_ms", ms));
    return NULL;
}

void web_warm_start(mm_server *srv)
{
    atomic_store(&srv->warm_stop, false);
    srv->warm_running = pthread_create(&srv->warm_thread, NULL, warm_main, srv) == 0;
}

void web_warm_stop(mm_server *srv)
{
    if (!srv->warm_running)
        return;
    atomic_store(&srv->warm_stop, true);
    pthread_join(srv->warm_thread, NULL);
    srv->warm_running = false;
}

/* ---- charts ------------------------------------------------------------------------------ */

static void fig_open(page *p, const char *id, const char *title, int w, int h, const char *desc)
{
    web_printf(p, "<figure class=\"chart\" id=\"fig-%s\"><figcaption>", id);
    web_esc(p, title);
    web_printf(p,
               "</figcaption>\n<svg id=\"%s\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" "
               "height=\"%d\" preserveAspectRatio=\"xMinYMin meet\" aria-label=\"",
               id, w, h, w, h);
    web_esc(p, title);
    web_puts(p, ". ");
    web_esc(p, desc);
    web_printf(p, "\" xmlns=\"http://www.w3.org/2000/svg\"><title>");
    web_esc(p, title);
    web_puts(p, "</title><desc>");
    web_esc(p, desc);
    web_puts(p, "</desc>\n");
}

static void table_open(page *p)
{
    web_puts(p, "</svg>\n<details class=\"data-view\"><summary>");
    web_put_tr(p, "chart.table");
    web_puts(p, "</summary><table class=\"data\">");
}

static void fig_close(page *p)
{
    web_puts(p, "</table></details></figure>\n");
}

static void text_at(page *p, double x, double y, const char *anchor, const char *cls, const char *s)
{
    web_printf(p, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor,
               cls);
    web_esc(p, s);
    web_puts(p, "</text>");
}

void web_chart_histogram(page *p, const char *id, const char *title, const char *const *row_titles,
                         const hist_bin *bins, size_t nrows, size_t nbins)
{
    const int W = 680, RH = 150, L = 40, R = 10;
    int H = (int)(RH * nrows) + 10;
    long total = 0, max = 1;
    for (size_t i = 0; i < nrows * nbins; i++) {
        total += bins[i].count;
        if (bins[i].count > max)
            max = bins[i].count;
    }
    char desc[160];
    char a0[24];
    snprintf(a0, sizeof a0, "%ld", (long)(total));
    web_trf_plain(p, desc, sizeof desc, "chart.histogram_desc", a0, NULL, NULL);
    fig_open(p, id, title, W, H, desc);
    double bw = (double)(W - L - R) / (double)nbins;
    for (size_t row = 0; row < nrows; row++) {
        double top = (double)(row * RH) + 22, base = top + RH - 52;
        text_at(p, 0, top - 8, "start", "row-title", row_titles[row]);
        web_printf(p, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d1d9e0\"/>", L,
                   base, W - R, base);
        for (size_t b = 0; b < nbins; b++) {
            const hist_bin *hb = &bins[row * nbins + b];
            double hgt = (base - top - 14) * (double)hb->count / (double)max;
            double x = L + (double)b * bw;
            web_printf(p,
                       "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                       "fill=\"#0b3d6e\"><title>",
                       x + 2, base - hgt, bw - 4, hgt);
            web_esc(p, hb->label);
            web_printf(p, ": %ld</title></rect>", hb->count);
            char n[24];
            snprintf(n, sizeof n, "%ld", hb->count);
            text_at(p, x + bw / 2, base - hgt - 3, "middle", "val", n);
            text_at(p, x + bw / 2, base + 14, "middle", "axis", hb->label);
        }
    }
    table_open(p);
    web_puts(p, "<thead><tr><th></th><th>");
    web_put_tr(p, "chart.range");
    web_puts(p, "</th><th class=\"num\">");
    web_put_tr(p, "chart.contractors");
    web_puts(p, "</th></tr></thead><tbody>");
    for (size_t row = 0; row < nrows; row++)
        for (size_t b = 0; b < nbins; b++) {
            web_puts(p, "<tr><td>");
            web_esc(p, row_titles[row]);
            web_puts(p, "</td><td>");
            web_esc(p, bins[row * nbins + b].label);
            web_printf(p, "</td><td class=\"num\">%ld</td></tr>", bins[row * nbins + b].count);
        }
    web_puts(p, "</tbody>");
    fig_close(p);
}

/* red (at most half met) to amber (three quarters) to green (all met): the target is 100 %,
 * so the scale spends its colours on the upper half */
static void rate_color(char out[8], double v)
{
    v = v <= 0.5 ? 0 : (v - 0.5) * 2;
    static const int c0[3] = {0xb9, 0x1c, 0x1c}, c1[3] = {0xd4, 0xa7, 0x2c},
                     c2[3] = {0x1a, 0x7f, 0x37};
    const int *a = v < 0.5 ? c0 : c1, *b = v < 0.5 ? c1 : c2;
    double t = v < 0.5 ? v * 2 : (v - 0.5) * 2;
    int rgb[3];
    for (int i = 0; i < 3; i++)
        rgb[i] = (int)lround(a[i] + (b[i] - a[i]) * t);
    snprintf(out, 8, "#%02x%02x%02x", rgb[0] & 255, rgb[1] & 255, rgb[2] & 255);
}

void web_chart_heatmap(page *p, const char *id, const char *title, const char *const *rows,
                       size_t nrows, const char *const *cols, size_t ncols, const double *rate,
                       const long *n)
{
    const int LW = 230, CW = 58, CH = 22, TH = 110;
    int W = LW + CW * (int)ncols + 110, H = TH + CH * (int)nrows + 10;
    char desc[200];
    char a0[24];
    snprintf(a0, sizeof a0, "%ld", (long)(nrows));
    char a1[24];
    snprintf(a1, sizeof a1, "%ld", (long)(ncols));
    web_trf_plain(p, desc, sizeof desc, "chart.heatmap_desc", a0, a1, NULL);
    fig_open(p, id, title, W, H, desc);
    for (size_t c = 0; c < ncols; c++) {
        double x = LW + CW * (double)c + CW / 2.0;
        web_printf(p,
                   "<text class=\"axis\" transform=\"translate(%.1f,%d) rotate(-40)\" "
                   "text-anchor=\"start\">",
                   x, TH - 6);
        web_esc(p, cols[c]);
        web_puts(p, "</text>");
    }
    for (size_t rr = 0; rr < nrows; rr++) {
        double y = TH + CH * (double)rr;
        text_at(p, LW - 6, y + CH / 2.0 + 4, "end", "axis", rows[rr]);
        for (size_t c = 0; c < ncols; c++) {
            double v = rate[rr * ncols + c];
            double x = LW + CW * (double)c;
            char col[8] = "#eef1f4";
            if (v >= 0)
                rate_color(col, v);
            web_printf(p,
                       "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"%s\" "
                       "stroke=\"#fff\"><title>",
                       x, y, CW, CH, col);
            web_esc(p, rows[rr]);
            web_puts(p, " / ");
            web_esc(p, cols[c]);
            if (v >= 0)
                web_printf(p, ": %.0f%%", v * 100);
            web_puts(p, "</title></rect>");
            if (v >= 0) {
                char t[16];
                snprintf(t, sizeof t, "%.0f", v * 100);
                web_printf(p,
                           "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"cell\" "
                           "fill=\"%s\">%s</text>",
                           x + CW / 2.0, y + CH / 2.0 + 4, v > 0.25 && v < 0.7 ? "#1f2328" : "#fff",
                           t);
            }
        }
    }
    table_open(p);
    web_puts(p, "<thead><tr><th>");
    web_put_tr(p, "chart.family");
    web_puts(p, "</th>");
    for (size_t c = 0; c < ncols; c++) {
        web_puts(p, "<th class=\"num\">");
        web_esc(p, cols[c]);
        web_puts(p, "</th>");
    }
    web_puts(p, "</tr></thead><tbody>");
    for (size_t rr = 0; rr < nrows; rr++) {
        web_puts(p, "<tr><th scope=\"row\">");
        web_esc(p, rows[rr]);
        web_puts(p, "</th>");
        for (size_t c = 0; c < ncols; c++) {
            double v = rate[rr * ncols + c];
            if (v >= 0)
                web_printf(p, "<td class=\"num\">%.0f%% <span class=\"muted\">(%ld)</span></td>",
                           v * 100, n ? n[rr * ncols + c] : 0L);
            else
                web_puts(p, "<td class=\"num muted\">–</td>");
        }
        web_puts(p, "</tr>");
    }
    web_puts(p, "</tbody>");
    fig_close(p);
}

void web_chart_line(page *p, const char *id, const char *title, const char *const *labels,
                    const double *values, const bool *has, size_t n, const char *value_head)
{
    const int W = 720, H = 240, L = 50, R = 50, T = 20, B = 50;
    double lo = 0, hi = 1;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (!has[i])
            continue;
        if (!any || values[i] < lo)
            lo = values[i];
        if (!any || values[i] > hi)
            hi = values[i];
        any = true;
    }
    if (lo > 0)
        lo = 0;
    if (hi <= lo)
        hi = lo + 1;
    char desc[160];
    char a0[24];
    snprintf(a0, sizeof a0, "%ld", (long)(n));
    web_trf_plain(p, desc, sizeof desc, "chart.line_desc", a0, NULL, NULL);
    fig_open(p, id, title, W, H, desc);
    double pw = W - L - R, ph = H - T - B;
    for (int g = 0; g <= 4; g++) {
        double v = lo + (hi - lo) * g / 4.0, y = T + ph - ph * g / 4.0;
        web_printf(p, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eef1f4\"/>", L,
                   y, W - R, y);
        char t[24];
        snprintf(t, sizeof t, "%.0f", v);
        text_at(p, L - 6, y + 4, "end", "axis", t);
    }
    mm_buf pts = {0};
    for (size_t i = 0; i < n; i++) {
        double x = L + (n > 1 ? pw * (double)i / (double)(n - 1) : pw / 2);
        if (n <= 12 || i % ((n + 11) / 12) == 0 || i == n - 1)
            text_at(p, x, H - B + 18, "middle", "axis", labels[i]);
        if (!has[i])
            continue;
        double y = T + ph - ph * (values[i] - lo) / (hi - lo);
        mm_buf_printf(&pts, "%.1f,%.1f ", x, y);
    }
    web_printf(p, "<polyline fill=\"none\" stroke=\"#0b3d6e\" stroke-width=\"2\" points=\"%s\"/>",
               mm_buf_cstr(&pts));
    mm_buf_free(&pts);
    for (size_t i = 0; i < n; i++) {
        if (!has[i])
            continue;
        double x = L + (n > 1 ? pw * (double)i / (double)(n - 1) : pw / 2);
        double y = T + ph - ph * (values[i] - lo) / (hi - lo);
        web_printf(p, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#0b3d6e\"><title>", x, y);
        web_esc(p, labels[i]);
        web_printf(p, ": %.0f</title></circle>", values[i]);
    }
    table_open(p);
    web_puts(p, "<thead><tr><th>");
    web_put_tr(p, "chart.submission");
    web_puts(p, "</th><th class=\"num\">");
    web_esc(p, value_head);
    web_puts(p, "</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        web_puts(p, "<tr><td>");
        web_esc(p, labels[i]);
        if (has[i])
            web_printf(p, "</td><td class=\"num\">%.0f</td></tr>", values[i]);
        else
            web_puts(p, "</td><td class=\"num muted\">–</td></tr>");
    }
    web_puts(p, "</tbody>");
    fig_close(p);
}

void web_chart_bars(page *p, const char *id, const char *title, const char *const *labels,
                    const long *met, const long *total, size_t n)
{
    const int LW = 320, W = 760, RH = 22, T = 6;
    int H = T * 2 + RH * (int)n;
    char desc[160];
    char a0[24];
    snprintf(a0, sizeof a0, "%ld", (long)(n));
    web_trf_plain(p, desc, sizeof desc, "chart.bars_desc", a0, NULL, NULL);
    fig_open(p, id, title, W, H, desc);
    double bw = W - LW - 70;
    for (size_t i = 0; i < n; i++) {
        double y = T + RH * (double)i;
        double r = total[i] > 0 ? (double)met[i] / (double)total[i] : 0;
        char col[8];
        rate_color(col, r);
        text_at(p, LW - 6, y + RH / 2.0 + 4, "end", "axis", labels[i]);
        web_printf(p,
                   "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"#eef1f4\"/>"
                   "<rect class=\"bar\" x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
                   "fill=\"%s\"><title>",
                   LW, y + 3, bw, RH - 6, LW, y + 3, bw * r, RH - 6, col);
        web_esc(p, labels[i]);
        web_printf(p, ": %ld/%ld</title></rect>", met[i], total[i]);
        char t[40];
        snprintf(t, sizeof t, "%ld/%ld", met[i], total[i]);
        text_at(p, LW + bw + 6, y + RH / 2.0 + 4, "start", "val", t);
    }
    table_open(p);
    web_puts(p, "<thead><tr><th>");
    web_put_tr(p, "chart.family");
    web_puts(p, "</th><th class=\"num\">");
    web_put_tr(p, "chart.met");
    web_puts(p, "</th><th class=\"num\">");
    web_put_tr(p, "chart.total");
    web_puts(p, "</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        web_puts(p, "<tr><td>");
        web_esc(p, labels[i]);
        web_printf(p, "</td><td class=\"num\">%ld</td><td class=\"num\">%ld</td></tr>", met[i],
                   total[i]);
    }
    web_puts(p, "</tbody>");
    fig_close(p);
}

void web_chart_timeline(page *p, const char *id, const char *title, const timeline_item *items,
                        size_t n, const char *today)
{
    const int W = 720, L = 150, R = 50, T = 30, RH = 20;
    size_t shown = n > 40 ? 40 : n;
    int H = T + RH * (int)(shown ? shown : 1) + 30;
    long lo = mm_date_days(today), hi = lo;
    for (size_t i = 0; i < n; i++) {
        if (!items[i].due || !mm_is_date(items[i].due))
            continue;
        long d = mm_date_days(items[i].due);
        if (d < lo)
            lo = d;
        if (d > hi)
            hi = d;
    }
    lo -= 7;
    hi += 7;
    size_t overdue = 0;
    for (size_t i = 0; i < n; i++)
        overdue += items[i].overdue;
    char desc[200];
    char a0[24];
    snprintf(a0, sizeof a0, "%ld", (long)(n));
    char a1[24];
    snprintf(a1, sizeof a1, "%ld", (long)(overdue));
    web_trf_plain(p, desc, sizeof desc, "chart.timeline_desc", a0, a1, NULL);
    fig_open(p, id, title, W, H, desc);
    double pw = W - L - R;
#define XOF(d) (L + pw * (double)((d)-lo) / (double)(hi - lo))
    /* month ticks */
    for (int k = 0; k <= 4; k++) {
        long d = lo + (hi - lo) * k / 4;
        char ds[11];
        mm_date_format(ds, d);
        double x = XOF(d);
        web_printf(p, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eef1f4\"/>", x,
                   T - 6, x, H - 24);
        text_at(p, x, H - 8, "middle", "axis", ds);
    }
    double tx = XOF(mm_date_days(today));
    web_printf(p,
               "<line class=\"today\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
               "stroke=\"#b91c1c\" stroke-dasharray=\"4 3\"/>",
               tx, T - 14, tx, H - 24);
    text_at(p, tx, T - 16, "middle", "axis today-label", web_tr(p, "chart.today"));
    for (size_t i = 0; i < shown; i++) {
        double y = T + RH * (double)i + RH / 2.0;
        text_at(p, L - 8, y + 4, "end", "axis", items[i].label);
        if (!items[i].due || !mm_is_date(items[i].due))
            continue;
        double x = XOF(mm_date_days(items[i].due));
        web_printf(p,
                   "<circle class=\"milestone%s\" data-overdue=\"%s\" cx=\"%.1f\" cy=\"%.1f\" "
                   "r=\"6\" fill=\"%s\"><title>",
                   items[i].overdue ? " overdue" : "", items[i].overdue ? "true" : "false", x, y,
                   items[i].overdue ? "#b91c1c" : "#0b3d6e");
        web_esc(p, items[i].label);
        web_puts(p, " ");
        web_esc(p, items[i].due);
        web_puts(p, ": ");
        web_esc(p, items[i].description);
        web_puts(p, "</title></circle>");
    }
#undef XOF
    table_open(p);
    web_puts(p, "<thead><tr><th>");
    web_put_tr(p, "chart.item");
    web_puts(p, "</th><th>");
    web_put_tr(p, "chart.due");
    web_puts(p, "</th><th>");
    web_put_tr(p, "chart.status");
    web_puts(p, "</th><th>");
    web_put_tr(p, "chart.description");
    web_puts(p, "</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        web_printf(p, "<tr%s><td>", items[i].overdue ? " class=\"overdue\"" : "");
        web_esc(p, items[i].label);
        web_puts(p, "</td><td>");
        web_esc(p, items[i].due);
        if (items[i].overdue) {
            web_puts(p, " <strong class=\"late\">");
            web_put_tr(p, "chart.overdue");
            web_puts(p, "</strong>");
        }
        web_puts(p, "</td><td>");
        web_esc(p, items[i].status);
        web_puts(p, "</td><td>");
        web_esc(p, items[i].description);
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody>");
    fig_close(p);
}
