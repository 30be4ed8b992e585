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

#include "i18n/i18n.h"
#include "mamori/catalog.h"
#include "mamori/notify.h"
#include "mamori/supply.h"
#include "server/web.h"

/* ---- strings ------------------------------------------------------------------------ */

static pthread_once_t layout_once = PTHREAD_ONCE_INIT;
static const char *layout_html;

static void load_layout(void)
{
    size_t len = 0;
    layout_html = mm_content_embedded("web/layout.html", &len);
    if (!layout_html)
        layout_html = "<!DOCTYPE html><html lang=\"{{lang}}\"><head><meta charset=\"utf-8\">"
                      "<title>{{title}}</title></head><body>{{main}}</body></html>";
}

/* The strings are src/i18n's: its catalog holds the dashboard's content/web/i18n too (under
 * the CLI's own keys, which no page names), and its substitution fills {0}..{2} here. */
const char *web_tr_lang(const char *lang, const char *key)
{
    return mm_i18n_tr(lang, key);
}

const char *web_tr(const page *p, const char *key)
{
    return web_tr_lang(p ? p->lang : NULL, key);
}

/* s escaped for HTML, with each bidirectional control shown as "<U+202E>" (escaped) */
static void put_html_bidi_visible(mm_buf *b, const char *s)
{
    if (!mm_has_bidi(s)) {
        mm_buf_put_html(b, s ? s : "");
        return;
    }
    mm_buf t = MM_BUF_INIT;
    mm_buf_put_bidi_safe(&t, s);
    mm_buf_put_html(b, mm_buf_cstr(&t));
    mm_buf_free(&t);
}

void web_esc(page *p, const char *s)
{
    /* the safety net: text with a bidi control is isolated even where a page forgot
     * web_user (in an attribute value use web_attr) */
    bool iso = mm_has_bidi(s);
    if (iso)
        mm_buf_puts(&p->b, "<bdi>");
    mm_buf_put_html(&p->b, s ? s : "");
    if (iso)
        mm_buf_puts(&p->b, "</bdi>");
}

void web_en(page *p, const char *s)
{
    bool mark = strcmp(p->lang ? p->lang : "en", "en") != 0;
    if (mark)
        mm_buf_puts(&p->b, "<span lang=\"en\">");
    web_esc(p, s);
    if (mark)
        mm_buf_puts(&p->b, "</span>");
}

void web_milestone_status(page *p, const char *status)
{
    static const char *const known[] = {"planned", "in-progress", "completed"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (status && strcmp(status, known[i]) == 0) {
            char key[40];
            snprintf(key, sizeof key, "milestone.%s", known[i]);
            web_printf(p, "<span class=\"milestone\" data-status=\"%s\">", known[i]);
            web_put_tr(p, key);
            web_puts(p, "</span>");
            return;
        }
    web_esc(p, status ? status : "");
}

void web_role(page *p, const char *role)
{
    static const char *const known[] = {"authority-admin", "authority-analyst", "contractor-admin",
                                        "contractor-member"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (role && strcmp(role, known[i]) == 0) {
            char key[40];
            snprintf(key, sizeof key, "role.%s", known[i]);
            web_printf(p, "<span class=\"role\" data-role=\"%s\">", known[i]);
            web_put_tr(p, key);
            web_puts(p, "</span>");
            return;
        }
    web_esc(p, role ? role : "");
}

const char *web_fw_label(const char *fw)
{
    /* a no-break space: "Rev" and its number never part at a line's end */
    return mm_streq(fw, "800-171r2")   ? "Rev\xc2\xa0"
                                         "2"
           : mm_streq(fw, "800-171r3") ? "Rev\xc2\xa0"
                                         "3"
                                       : "–";
}

void web_attr(page *p, const char *s)
{
    put_html_bidi_visible(&p->b, s);
}

void web_user(page *p, const char *s)
{
    mm_buf_puts(&p->b, "<bdi>");
    mm_buf_put_html(&p->b, s ? s : "");
    mm_buf_puts(&p->b, "</bdi>");
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

void web_trf_plain(const page *p, char *out, size_t size, const char *key, const char *a0,
                   const char *a1, const char *a2)
{
    mm_buf t = MM_BUF_INIT;
    mm_i18n_put_esc(&t, p ? p->lang : NULL, MM_I18N_PLAIN, key, a0, a1, a2, NULL);
    snprintf(out, size, "%s", mm_buf_cstr(&t));
    mm_buf_free(&t);
}

void web_put_tr(page *p, const char *key)
{
    mm_i18n_put_esc(&p->b, p->lang, MM_I18N_HTML, key, NULL, NULL, NULL, NULL);
}

void web_put_trf(page *p, const char *key, const char *a0, const char *a1, const char *a2)
{
    mm_i18n_put_esc(&p->b, p->lang, MM_I18N_HTML, key, a0, a1, a2, NULL);
}

void web_put_tr_attr(page *p, const char *key, const char *a0, const char *a1, const char *a2)
{
    mm_i18n_put_esc(&p->b, p->lang, MM_I18N_ATTR, key, a0, a1, a2, NULL);
}

const char *const web_status_names[] = {
    "meets", "conditional", "conditional-expired", "not-met", "no-valid-score", "stale", "none"};

int web_status_index(const char *s)
{
    for (int i = 0; i < NSTATUS; i++)
        if (s && strcmp(s, web_status_names[i]) == 0)
            return i;
    return NSTATUS - 1;
}

void web_badge(page *p, const char *status)
{
    const char *s = web_status_names[web_status_index(status)];
    char key[40];
    snprintf(key, sizeof key, "status.%s", s);
    web_printf(p, "<span class=\"badge\" data-status=\"%s\">", s);
    web_put_tr(p, key);
    web_puts(p, "</span>");
}

void web_put_affirmation(page *p, const json_t *it)
{
    const char *state = json_is_true(json_object_get(it, "affirmation_overdue")) ? "overdue"
                        : json_is_true(json_object_get(it, "affirmation_due"))   ? "due"
                                                                                 : "none";
    const char *by = json_string_value(json_object_get(it, "affirmation_due_by"));
    char key[40];
    snprintf(key, sizeof key, "affirmation.%s", state);
    web_printf(p, "<span class=\"affirmation\" data-state=\"%s\">", state);
    if (by) {
        web_put_trf(p, key, by, NULL, NULL);
    }
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
    /* the zone of the times: ?tz= (remembered), the mm_tz cookie, else the language's */
    const char *tq = req_query(r, "tz");
    const char *tc = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "mm_tz");
    if (tq && (strcmp(tq, "jst") == 0 || strcmp(tq, "utc") == 0)) {
        p->tz = strcmp(tq, "jst") == 0 ? "jst" : "utc";
        char cookie[128];
        snprintf(cookie, sizeof cookie, "mm_tz=%s; SameSite=Lax; Path=/; Max-Age=31536000%s", p->tz,
                 r->srv->tls ? "; Secure" : "");
        free(out->set_cookie_more[2]);
        out->set_cookie_more[2] = strdup(cookie);
    } else if (tc && (strcmp(tc, "jst") == 0 || strcmp(tc, "utc") == 0)) {
        p->tz = strcmp(tc, "jst") == 0 ? "jst" : "utc";
    } else {
        p->tz = strcmp(p->lang, "ja") == 0 ? "jst" : "utc";
    }
}

/* ---- times ------------------------------------------------------------------------------ */

/* s as seconds since the epoch: YYYY-MM-DDTHH:MM[:SS[.fff]](Z|+hh:mm|-hh:mm); false when
 * it is not that */
static bool parse_instant(const char *s, time_t *out)
{
    int y, mo, d, h, mi, sec = 0, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%*1[T ]%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n < 16)
        return false;
    const char *c = s + n;
    if (*c == ':') {
        if (sscanf(c + 1, "%2d", &sec) != 1)
            return false;
        c += 3;
        if (*c == '.')
            for (c++; *c >= '0' && *c <= '9'; c++)
                ;
    }
    long off = 0;
    if (*c == 'Z' || *c == 'z') {
        c++;
    } else if (*c == '+' || *c == '-') {
        int oh, om;
        if (sscanf(c + 1, "%2d:%2d", &oh, &om) != 2)
            return false;
        off = (oh * 60L + om) * 60L * (*c == '-' ? -1 : 1);
        c += 6;
    } else {
        return false;
    }
    if (*c || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return false;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    *out = timegm(&tm) - off;
    return true;
}

static void put_time(page *p, const char *iso, bool element)
{
    time_t t;
    if (!parse_instant(iso, &t)) {
        bool date = element && iso && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-';
        if (date) {
            web_puts(p, "<time datetime=\"");
            web_attr(p, iso);
            web_puts(p, "\">");
        }
        web_esc(p, iso ? iso : "");
        if (date)
            web_puts(p, "</time>");
        return;
    }
    struct tm u, l;
    gmtime_r(&t, &u);
    bool jst = p->tz && strcmp(p->tz, "jst") == 0;
    time_t lt = t + (jst ? 9 * 3600 : 0); /* Japan has no daylight saving time */
    gmtime_r(&lt, &l);
    char utc[32], title[40], shown[40];
    strftime(utc, sizeof utc, "%Y-%m-%dT%H:%M:%SZ", &u);
    strftime(title, sizeof title, "%Y-%m-%d %H:%M:%S UTC", &u);
    strftime(shown, sizeof shown, jst ? "%Y-%m-%d %H:%M JST" : "%Y-%m-%d %H:%M UTC", &l);
    if (element)
        web_printf(p, "<time datetime=\"%s\" title=\"%s\">%s</time>", utc, title, shown);
    else
        web_puts(p, shown);
}

void web_time(page *p, const char *iso)
{
    put_time(p, iso, true);
}

void web_time_text(page *p, const char *iso)
{
    put_time(p, iso, false);
}

/* ---- the layout ------------------------------------------------------------------------ */

/* The header's bell (docs/notifications.md "Read marks", docs/dashboard.md): a link to
 * /notifications whose accessible name carries the caller's own unread count (the kinds it
 * chose), an icon hidden from assistive technology and a visible badge when some are unread.
 * One indexed statement a page (mm_store_notify_unread), counting up to BELL_CAP ("99+");
 * best effort: a page does not fail for its count (the link stays, without one). */
#define BELL_CAP 100

static void put_bell(page *p)
{
    const principal *w = &p->r->who;
    int64_t unread = 0;
    bool known = w->org_id[0] && mm_store_notify_unread(p->r->st, &unread, w->org_id, w->user_id,
                                                        BELL_CAP) == MM_OK;
    bool many = unread >= BELL_CAP;
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)(many ? BELL_CAP - 1 : unread));
    web_puts(p, "<a href=\"/notifications\" id=\"nav-notifications\" class=\"bell\"");
    if (known) {
        web_puts(p, " aria-label=\"");
        web_put_tr_attr(p, many ? "nav.notifications_many" : "nav.notifications_unread", num, NULL,
                        NULL);
        web_puts(p, "\"");
    }
    /* a bell (24 x 24 outline), drawn in the link's colour */
    web_puts(p,
             "><svg aria-hidden=\"true\" focusable=\"false\" viewBox=\"0 0 24 24\" width=\"16\""
             " height=\"16\"><path d=\"M12 2a6 6 0 0 0-6 6v3.6L4.3 15.2A1 1 0 0 0 5.2 17h13.6"
             "a1 1 0 0 0 .9-1.8L18 11.6V8a6 6 0 0 0-6-6zm0 2a4 4 0 0 1 4 4v4.1l1.1 2.9H6.9L8 12.1V8"
             "a4 4 0 0 1 4-4zm-2.5 14a2.5 2.5 0 0 0 5 0z\"/></svg>");
    web_put_tr(p, "nav.notifications");
    if (known && unread > 0)
        web_printf(p,
                   " <span id=\"notification-badge\" class=\"count\" data-unread=\"%lld\""
                   " aria-hidden=\"true\">%s%s</span>",
                   (long long)unread, num, many ? "+" : "");
    web_puts(p, "</a>");
}

static void put_header(page *p, mm_buf *h)
{
    page hp = *p;
    hp.b = (mm_buf){0};
    const principal *w = &p->r->who;
    web_puts(&hp, "<nav class=\"main-nav\" aria-label=\"");
    web_put_tr_attr(&hp, "nav.label", NULL, NULL, NULL);
    web_puts(&hp, "\">");
    if (w->authenticated && !w->must_change) {
        if (w->authority) {
            web_puts(&hp, "<a href=\"/overview\">");
            web_put_tr(&hp, "nav.overview");
            web_puts(&hp, "</a><a href=\"/contractors\">");
            web_put_tr(&hp, "nav.contractors");
            web_puts(&hp, "</a><a href=\"/trends\">");
            web_put_tr(&hp, "nav.trends");
            web_puts(&hp, "</a><a href=\"/sectors\">");
            web_put_tr(&hp, "nav.sectors");
            web_puts(&hp, "</a>");
        } else {
            web_puts(&hp, "<a href=\"/my\">");
            web_put_tr(&hp, "nav.my");
            web_printf(&hp, "</a><a href=\"/contractors/%s\">", w->org_id);
            web_put_tr(&hp, "nav.my_org");
            web_printf(&hp, "</a><a href=\"/contractors/%s/suppliers\" id=\"nav-suppliers\">",
                       w->org_id);
            web_put_tr(&hp, "nav.suppliers");
            web_puts(&hp, "</a><a href=\"/my/keys\">");
            web_put_tr(&hp, "nav.keys");
            web_printf(&hp, "</a><a href=\"/organizations/%s/consent\" id=\"nav-consent\">",
                       w->org_id);
            web_put_tr(&hp, "nav.consent");
            web_puts(&hp, "</a>");
        }
        if (strcmp(w->role, "authority-admin") == 0) {
            web_puts(&hp, "<a href=\"/organizations\" id=\"nav-organizations\">");
            web_put_tr(&hp, "nav.organizations");
            web_puts(&hp, "</a>");
        }
        if (strcmp(w->role, "authority-admin") == 0 || strcmp(w->role, "contractor-admin") == 0) {
            web_puts(&hp, "<a href=\"/users\">");
            web_put_tr(&hp, "nav.users");
            web_puts(&hp, "</a>");
        }
        if (w->authority && strcmp(w->role, "authority-admin") == 0) {
            web_puts(&hp, "<a href=\"/audit\" id=\"nav-audit\">");
            web_put_tr(&hp, "nav.audit");
            web_puts(&hp, "</a>");
        }
        web_puts(&hp, "<a href=\"/products\">");
        web_put_tr(&hp, "nav.products");
        web_puts(&hp, "</a>");
        web_puts(&hp, "<a href=\"/incidents\">");
        web_put_tr(&hp, "nav.incidents");
        web_puts(&hp, "</a><a href=\"/frameworks\">");
        web_put_tr(&hp, "nav.frameworks");
        web_puts(&hp, "</a><a href=\"/items\">");
        web_put_tr(&hp, "nav.items");
        web_puts(&hp, "</a><a href=\"/groups\">");
        web_put_tr(&hp, "nav.groups");
        web_puts(&hp, "</a><a href=\"/communities\">");
        web_put_tr(&hp, "nav.communities");
        web_puts(&hp, "</a><a href=\"/map\">");
        web_put_tr(&hp, "nav.map");
        web_puts(&hp, "</a>");
        put_bell(&hp);
        web_puts(&hp, "<a href=\"/my/tokens\">");
        web_put_tr(&hp, "nav.tokens");
        web_puts(&hp, "</a>");
    }
    web_puts(&hp, "</nav>");
    /* language links keep the page, with ?lang= */
    const char *self = p->self ? p->self : p->r->url;
    web_puts(&hp, "<div class=\"langs\">");
    web_printf(&hp, "<a id=\"lang-ja\" lang=\"ja\" hreflang=\"ja\" href=\"");
    web_attr(&hp, self);
    web_printf(&hp, "?lang=ja\"%s>日本語</a> <a id=\"lang-en\" lang=\"en\" hreflang=\"en\" href=\"",
               strcmp(p->lang, "ja") == 0 ? " aria-current=\"true\"" : "");
    web_attr(&hp, self);
    web_printf(&hp, "?lang=en\"%s>English</a></div>",
               strcmp(p->lang, "en") == 0 ? " aria-current=\"true\"" : "");
    if (w->authenticated && w->via_session) {
        web_puts(&hp, "<form id=\"logout-form\" method=\"post\" action=\"/logout\">"
                      "<span class=\"who\">");
        web_user(&hp, w->login);
        web_puts(&hp, "</span>");
        web_csrf_field(&hp);
        web_puts(&hp, "<button id=\"logout\" type=\"submit\">");
        web_put_tr(&hp, "nav.logout");
        web_puts(&hp, "</button></form>");
    }
    mm_buf_puts(h, mm_buf_cstr(&hp.b));
    mm_buf_free(&hp.b);
}

/* The text of the last <h1>/<h2> before end in m (tags dropped, quotes as &quot;): the name
 * of the scroll box of the table that follows it; empty when there is none. */
static void put_heading_before(mm_buf *o, const char *m, const char *end)
{
    const char *h = NULL;
    for (const char *c = m; c && c < end; c++) {
        c = strstr(c, "<h");
        if (!c || c >= end)
            break;
        if (c[2] == '1' || c[2] == '2')
            h = c;
    }
    if (!h)
        return;
    const char *s = strchr(h, '>');
    const char *e = s ? strstr(s, "</h") : NULL;
    if (!s || !e || e > end)
        return;
    bool tag = false;
    for (const char *c = s + 1; c < e; c++) {
        if (*c == '<')
            tag = true;
        else if (*c == '>')
            tag = false;
        else if (!tag && *c == '"')
            mm_buf_puts(o, "&quot;");
        else if (!tag && *c != '\n')
            mm_buf_put(o, c, 1);
    }
}

/* The page's main part with every <table> inside a box that scrolls sideways on its own
 * (WCAG 1.4.10: the page never does): focusable, so a keyboard can scroll it, and named by
 * the heading above the table. */
static void put_main(mm_buf *o, const page *p, const char *m)
{
    const char *run = m;
    for (const char *c = m; (c = strstr(c, "<table")) != NULL;) {
        if (c[6] != ' ' && c[6] != '>') {
            c += 6;
            continue;
        }
        const char *close = strstr(c, "</table>");
        if (!close)
            break; /* not a whole table: left as it is */
        mm_buf_put(o, run, (size_t)(c - run));
        mm_buf_puts(o, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"");
        mm_buf_put_html(o, web_tr(p, "table.region"));
        size_t before = o->len;
        mm_buf_puts(o, ": ");
        size_t mid = o->len;
        put_heading_before(o, m, c);
        if (o->len == mid)
            o->len = before;
        mm_buf_puts(o, "\">");
        mm_buf_put(o, c, (size_t)(close + 8 - c));
        mm_buf_puts(o, "</div>");
        run = c = close + 8;
    }
    mm_buf_puts(o, run);
}

void web_page_finish(page *p, reply *out, unsigned status)
{
    pthread_once(&layout_once, load_layout);
    mm_buf head = {0}, foot = {0};
    put_header(p, &head);
    {
        page fp = *p;
        fp.b = (mm_buf){0};
        char mins[24];
        snprintf(mins, sizeof mins, "%ld", (p->r->srv->policy.idle_timeout + 59) / 60);
        web_puts(&fp, "<p id=\"idle-note\">");
        web_put_trf(&fp, "footer.idle", mins, NULL, NULL);
        web_puts(&fp, "</p><p id=\"tz-note\">");
        web_put_tr(&fp, "footer.tz");
        const char *self = p->self ? p->self : p->r->url;
        for (int i = 0; i < 2; i++) {
            const char *z = i ? "utc" : "jst";
            web_printf(&fp, " <a id=\"tz-%s\" href=\"", z);
            web_attr(&fp, self);
            web_printf(&fp, "?tz=%s\"%s>%s</a>", z,
                       strcmp(p->tz ? p->tz : "", z) == 0 ? " aria-current=\"true\"" : "",
                       i ? "UTC" : "JST");
        }
        web_puts(&fp, "</p><p class=\"muted\">mamori " MM_VERSION " · ");
        web_put_tr(&fp, "footer.tagline");
        web_puts(&fp, "</p>");
        mm_buf_puts(&foot, mm_buf_cstr(&fp.b));
        mm_buf_free(&fp.b);
    }
    mm_buf title = {0};
    put_html_bidi_visible(&title, p->title ? p->title : "mamori"); /* no element in <title> */
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
            put_main(&o, p, mm_buf_cstr(&p->b));
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
    web_error_page_text(r, out, status, NULL, key);
}

void web_error_page_text(http_req *r, reply *out, unsigned status, const char *text,
                         const char *key)
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
    web_error_box(&p, text ? text : web_tr(&p, key));
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
                          .expired_before = r->cmmc_expired_before,
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
