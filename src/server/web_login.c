/* mamori serve: the logon, logout and password pages (docs/dashboard.md). The actions are
 * account.c's, the same the API calls. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "mamori/submit.h"
#include "server/account.h"
#include "server/bodies.h"
#include "server/cache.h"
#include "server/form.h"
#include "server/web.h"
#include "server/web_parts.h"

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
        web_attr(&p, next);
        web_puts(&p, "\">");
    }
    web_puts(&p, "<label for=\"login\">");
    web_put_tr(&p, "login.login");
    web_puts(&p, "</label><input id=\"login\" name=\"login\" dir=\"auto\" "
                 "autocomplete=\"username\" required "
                 "maxlength=\"128\" value=\"");
    web_attr(&p, login ? login : "");
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
    char msg[200];
    if (mm_body_check_value(body_login, "login", login, msg, sizeof msg) != 0 ||
        mm_body_check_value(body_login, "password", password, msg, sizeof msg) != 0) {
        login_page(r, out, 200, web_tr(&lp, "login.wrong"), login, next);
        return;
    }
    login_result res;
    act_fail f = {0};
    if (auth_login(r, login, password, &res, &f) == MM_OK) {
        const char *to = res.who.must_change ? "/password"
                         : safe_next(next)   ? next
                                             : web_home_of(&res.who);
        web_redirect(out, to);
        out->set_cookie = strdup(res.cookie);
        out->set_cookie_more[0] = strdup("mm_prelogin=; HttpOnly; SameSite=Strict; Path=/login; "
                                         "Max-Age=0");
        sodium_memzero(&res, sizeof res);
    } else if (f.kind == ACT_LOCKED) {
        char mins[24], m[300];
        snprintf(mins, sizeof mins, "%ld", (f.retry_after + 59) / 60);
        web_trf_plain(&lp, m, sizeof m, "login.locked", mins, NULL, NULL);
        login_page(r, out, 423, m, login, next);
    } else if (f.kind == ACT_UNAUTHENTICATED) {
        login_page(r, out, 200, web_tr(&lp, "login.wrong"), login, next);
    } else {
        login_page(r, out, 503, web_tr(&lp, "error.busy"), login, next);
    }
}

void w_logout(http_req *r, reply *out)
{
    const char *cookie = NULL;
    act_fail f = {0};
    web_redirect(out, "/login");
    if (auth_logout(r, &cookie, &f) == MM_OK)
        out->set_cookie = strdup(cookie);
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
    char msg[200];
    if (mm_body_check_value(body_password, "current", cur, msg, sizeof msg) != 0 ||
        mm_body_check_value(body_password, "new", nw, msg, sizeof msg) != 0) {
        password_page(r, out, 200, web_tr(&lp, "password.too_short"));
        return;
    }
    password_result res;
    act_fail f = {0};
    if (password_change(r, cur, nw, &res, &f) == MM_OK) {
        r->who.must_change = false;
        web_redirect(out, web_home_of(&r->who));
        if (res.cookie[0])
            out->set_cookie = strdup(res.cookie);
        sodium_memzero(&res, sizeof res);
    } else if (f.kind == ACT_LOCKED) {
        /* the lockout ended every session of the account, this one too: back to the logon */
        char mins[24], m[300];
        snprintf(mins, sizeof mins, "%ld", (f.retry_after + 59) / 60);
        web_trf_plain(&lp, m, sizeof m, "login.locked", mins, NULL, NULL);
        memset(&r->who, 0, sizeof r->who);
        out->set_cookie = strdup(mm_auth_clear_cookie(r->srv));
        login_page(r, out, 423, m, NULL, NULL);
    } else if (f.kind == ACT_FORBIDDEN) {
        password_page(r, out, 200, web_tr(&lp, "password.wrong_current"));
    } else if (f.kind == ACT_INVALID) {
        password_page(r, out, 200, web_tr(&lp, "password.same"));
    } else {
        password_page(r, out, 503, web_tr(&lp, "error.busy"));
    }
}
