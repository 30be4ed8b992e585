/* mamori serve: an organization's consents on the dashboard, /organizations/{org}/consent
 * (docs/dashboard.md, docs/supply-chain.md "Consent"): that its prime may see its summary
 * status, and towards each customer of its supply edges whether that customer may see its
 * status and pass it up the chain. The organization's users and the authority read it (the
 * route's need, as GET .../customers); its contractor-admin grants and withdraws, through
 * the API's actions (org_set_prime_consent, supply_set_consent: audited). */
#include <stdio.h>
#include <string.h>

#include "server/form.h"
#include "server/org_admin.h"
#include "server/supply.h"
#include "server/web.h"
#include "server/web_parts.h"
#include "util/util.h"

typedef struct consent_model {
    const char *id;
    json_t *org, *prime; /* the organization, its prime (NULL: none) */
    json_t *customers;   /* mm_store_supply_customers */
    bool editable;       /* the organization's contractor-admin */
} consent_model;

static int consent_model_make(consent_model *m, http_req *r, const char *id)
{
    *m = (consent_model){.id = id,
                         .editable = !r->who.authority && mm_streq(r->who.org_id, id) &&
                                     mm_streq(r->who.role, "contractor-admin")};
    int rc = mm_store_get_org(r->st, &m->org, id);
    const char *parent = rc == MM_OK ? web_sval(m->org, "parent_id") : NULL;
    if (rc == MM_OK && parent)
        rc = mm_store_get_org(r->st, &m->prime, parent);
    if (rc == MM_OK)
        rc = mm_store_supply_customers(r->st, &m->customers, id);
    return rc;
}

static void model_free(consent_model *m)
{
    json_decref(m->org);
    json_decref(m->prime);
    json_decref(m->customers);
}

static void yes_no(page *p, bool v)
{
    web_printf(p, "<span class=\"consent-state\" data-state=\"%s\">", v ? "yes" : "no");
    web_put_tr(p, v ? "consent.yes" : "consent.no");
    web_puts(p, "</span>");
}

static void put_prime(page *p, const consent_model *m)
{
    web_puts(p, "<section id=\"prime-consent\"><h2>");
    web_put_tr(p, "consent.prime_title");
    web_puts(p, "</h2>");
    if (!m->prime) {
        web_puts(p, "<p class=\"muted\" id=\"no-prime\">");
        web_put_tr(p, "consent.no_prime");
        web_puts(p, "</p></section>");
        return;
    }
    bool c = json_is_true(json_object_get(m->org, "prime_consent"));
    web_puts(p, "<p>");
    web_put_tr(p, "consent.prime_may_see");
    web_puts(p, " ");
    web_user(p, web_sval(m->prime, "name"));
    web_puts(p, ": ");
    yes_no(p, c);
    web_puts(p, "</p>");
    if (m->editable) {
        web_puts(p, "<form id=\"prime-consent-form\" method=\"post\" action=\"/organizations/");
        web_attr(p, m->id);
        web_puts(p, "/consent\">");
        web_csrf_field(p);
        web_printf(p,
                   "<input type=\"hidden\" name=\"prime_may_see_status\" value=\"%s\">"
                   "<button type=\"submit\"%s>",
                   c ? "0" : "1", c ? " class=\"danger\"" : "");
        web_put_tr(p, c ? "consent.withdraw" : "consent.grant");
        web_puts(p, "</button></form>");
    }
    web_puts(p, "</section>");
}

static void put_customers(page *p, const consent_model *m)
{
    web_puts(p, "<section id=\"supply-consent\"><h2>");
    web_put_tr(p, "consent.customers_title");
    web_puts(p, "</h2><p class=\"note\">");
    web_put_tr(p, "consent.customers_intro");
    web_puts(p, "</p>");
    const json_t *items = json_object_get(m->customers, "items");
    if (json_array_size(items) == 0) {
        web_puts(p, "<p class=\"muted\" id=\"no-customers\">");
        web_put_tr(p, "consent.no_customers");
        web_puts(p, "</p></section>");
        return;
    }
    web_puts(p, "<table id=\"customer-consents\" class=\"data\"><thead><tr>");
    web_th(p, "consent.customer", NULL);
    web_th(p, "consent.see_status", NULL);
    web_th(p, "consent.pass_up", NULL);
    if (m->editable)
        web_th(p, "consent.change", NULL);
    web_puts(p, "</tr></thead><tbody>");
    size_t i, k;
    json_t *e, *prev;
    json_array_foreach(items, i, e)
    {
        /* consent is per customer: one row for each, however many edges */
        const char *cid = web_sval(e, "customer_id");
        bool seen = false;
        json_array_foreach(items, k, prev)
        {
            if (k >= i)
                break;
            seen = seen || mm_streq(web_sval(prev, "customer_id"), cid);
        }
        if (seen)
            continue;
        bool see = json_is_true(json_object_get(e, "consent"));
        bool up = json_is_true(json_object_get(e, "pass_up"));
        web_puts(p, "<tr data-customer-id=\"");
        web_attr(p, cid);
        web_puts(p, "\"><td>");
        web_user(p, web_sval(e, "customer_name"));
        web_puts(p, "</td><td>");
        yes_no(p, see);
        web_puts(p, "</td><td>");
        yes_no(p, see && up);
        web_puts(p, "</td>");
        if (m->editable) {
            web_puts(p, "<td><form class=\"consent-form\" method=\"post\" "
                        "action=\"/organizations/");
            web_attr(p, m->id);
            web_puts(p, "/supply-consent/");
            web_attr(p, cid);
            web_puts(p, "\">");
            web_csrf_field(p);
            web_printf(p, "<input type=\"hidden\" name=\"see_status\" value=\"%s\">",
                       see ? "0" : "1");
            if (!see) {
                web_puts(p, "<label><input type=\"checkbox\" name=\"pass_up\" value=\"1\"> ");
                web_put_tr(p, "consent.pass_up");
                web_puts(p, "</label> ");
            }
            web_printf(p, "<button type=\"submit\"%s>", see ? " class=\"danger\"" : "");
            web_put_tr(p, see ? "consent.withdraw" : "consent.grant");
            web_puts(p, "</button></form></td>");
        }
        web_puts(p, "</tr>");
    }
    web_puts(p, "</tbody></table></section>");
}

static void consent_page(http_req *r, reply *out, const char *id, const char *ok, const char *err,
                         unsigned status)
{
    consent_model m;
    int rc = consent_model_make(&m, r, id);
    if (rc) {
        model_free(&m);
        web_error_page(r, out, rc == MM_ENOTFOUND ? 404 : 503,
                       rc == MM_ENOTFOUND ? "error.not_found" : "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    p.title = web_tr(&p, "consent.title");
    web_puts(&p, "<h1>");
    web_put_tr(&p, "consent.title");
    web_puts(&p, "</h1><p class=\"note\" id=\"consent-org\">");
    web_user(&p, web_sval(m.org, "name"));
    if (!m.editable) {
        web_puts(&p, " · <span id=\"consent-readonly\">");
        web_put_tr(&p, "consent.readonly");
        web_puts(&p, "</span>");
    }
    web_puts(&p, "</p>");
    if (err)
        web_error_box(&p, err);
    if (ok) {
        web_puts(&p, "<p class=\"ok\" role=\"status\" id=\"consent-result\">");
        web_put_tr(&p, ok);
        web_puts(&p, "</p>");
    }
    put_prime(&p, &m);
    put_customers(&p, &m);
    model_free(&m);
    web_page_finish(&p, out, status);
}

void w_consent(http_req *r, reply *out)
{
    consent_page(r, out, r->param[0], NULL, NULL, 200);
}

static void answer(http_req *r, reply *out, int rc, const act_fail *f)
{
    if (rc == MM_OK)
        consent_page(r, out, r->param[0], "consent.saved", NULL, 200);
    else if (f->kind == ACT_STORE && f->rc == MM_ENOTFOUND)
        web_error_page(r, out, 404, "error.not_found");
    else if (f->kind == ACT_STORE || f->kind == ACT_BUSY || f->kind == ACT_INTERNAL)
        web_error_page(r, out, 503, "error.busy");
    else
        consent_page(r, out, r->param[0], NULL, f->msg, f->kind == ACT_NOT_FOUND ? 404 : 400);
}

static bool flag(const http_req *r, const char *name)
{
    return r->form && mm_streq(mm_form_value(r->form, name), "1");
}

void w_consent_prime(http_req *r, reply *out)
{
    act_fail f = {0};
    int rc = org_set_prime_consent(r, r->param[0], flag(r, "prime_may_see_status"), &f);
    answer(r, out, rc, &f);
}

void w_consent_supply(http_req *r, reply *out)
{
    act_fail f = {0};
    int rc = supply_set_consent(r, r->param[0], r->param[1], flag(r, "see_status"),
                                flag(r, "pass_up"), &f);
    answer(r, out, rc, &f);
}
