/* mamori serve: the dashboard's IoT products page (docs/dashboard.md "Products"): a
 * manufacturer's users see its own products, the authority's users every manufacturer's,
 * each with its labels, their state on the server's today, and links to the signed
 * recognition claims (the API's, docs/iot.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/products.h"
#include "server/web.h"
#include "util/util.h"

#define PRODUCTS_PAGE_MAX 200

typedef struct products_model {
    json_t *list;     /* mm_store_list_products */
    json_t *products; /* each with its labels (mm_store_get_product) */
} products_model;

static const char *s_of(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void products_model_free(products_model *m)
{
    json_decref(m->list);
    json_decref(m->products);
}

/* Every store read of the page. */
static int products_model_make(products_model *m, http_req *r)
{
    memset(m, 0, sizeof *m);
    const char *org = r->who.authority ? NULL : r->who.org_id;
    int rc = mm_store_list_products(r->st, &m->list, org, 0, PRODUCTS_PAGE_MAX);
    if (rc == MM_OK && !(m->products = json_array()))
        rc = MM_ENOMEM;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(m->list, "items"), i, it)
    {
        json_t *p = NULL;
        if (rc == MM_OK)
            rc = mm_store_get_product(r->st, &p, org, s_of(it, "id"));
        if (rc == MM_OK && json_array_append_new(m->products, p))
            rc = MM_ENOMEM;
    }
    return rc;
}

static const char *const schemes_shown[] = {"jc-star", "uk-psti", "etsi-en-303-645",
                                            "us-cyber-trust-mark"};

static void put_labels(page *p, http_req *r, const json_t *labels)
{
    if (json_array_size(labels) == 0) {
        web_puts(p, "<span class=\"muted\">");
        web_put_tr(p, "products.no_labels");
        web_puts(p, "</span>");
        return;
    }
    web_puts(p, "<ul class=\"labels\">");
    size_t i;
    json_t *l;
    json_array_foreach(labels, i, l)
    {
        const char *state = mm_iot_label_state(s_of(l, "issued"), s_of(l, "expires"), r->today);
        web_puts(p, "<li data-state=\"");
        web_attr(p, state);
        web_puts(p, "\">");
        web_esc(p, s_of(l, "scheme"));
        if (s_of(l, "level") && s_of(l, "level")[0]) {
            web_puts(p, " ★");
            web_esc(p, s_of(l, "level"));
        }
        web_puts(p, " ");
        web_user(p, s_of(l, "label_id"));
        web_puts(p, " ");
        web_esc(p, s_of(l, "issued"));
        web_puts(p, " – ");
        web_esc(p, s_of(l, "expires") ? s_of(l, "expires") : "");
        web_puts(p, " <span class=\"label-state\">");
        char key[48];
        snprintf(key, sizeof key, "products.state.%s", state);
        web_put_tr(p, key);
        web_puts(p, "</span>");
        if (s_of(l, "evidence_sha256")) {
            web_puts(p, "<div class=\"gap-detail\">sha256 ");
            web_esc(p, s_of(l, "evidence_sha256"));
            web_puts(p, "</div>");
        }
        web_puts(p, "</li>");
    }
    web_puts(p, "</ul>");
}

static void products_render(page *p, http_req *r, const products_model *m)
{
    p->title = web_tr(p, "products.title");
    web_puts(p, "<h1>");
    web_put_tr(p, "products.title");
    web_puts(p, "</h1><p class=\"note\">");
    web_put_tr(p, "products.note");
    web_puts(p, "</p>");
    if (json_array_size(m->products) == 0) {
        web_puts(p, "<p id=\"no-products\" class=\"muted\">");
        web_put_tr(p, "products.none");
        web_puts(p, "</p>");
        return;
    }
    web_puts(p, "<table id=\"products\" class=\"data\"><thead><tr>");
    static const char *const cols[] = {"products.manufacturer", "products.product",
                                       "products.model",        "products.firmware",
                                       "products.labels",       "products.recognition"};
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        web_puts(p, "<th scope=\"col\">");
        web_put_tr(p, cols[c]);
        web_puts(p, "</th>");
    }
    web_puts(p, "</tr></thead><tbody>");
    size_t i;
    json_t *it;
    json_array_foreach(m->products, i, it)
    {
        web_puts(p, "<tr data-product=\"");
        web_attr(p, s_of(it, "id"));
        web_puts(p, "\"><td>");
        web_user(p, s_of(it, "org_name"));
        web_puts(p, "</td><td>");
        web_user(p, s_of(it, "name"));
        web_puts(p, "</td><td>");
        web_user(p, s_of(it, "model"));
        web_puts(p, "</td><td>");
        web_user(p, s_of(it, "firmware"));
        web_puts(p, "</td><td>");
        put_labels(p, r, json_object_get(it, "labels"));
        web_puts(p, "</td><td>");
        for (size_t s = 0; s < sizeof schemes_shown / sizeof schemes_shown[0]; s++) {
            web_puts(p, "<a class=\"recognition\" href=\"/api/v1/organizations/");
            web_attr(p, s_of(it, "org_id"));
            web_puts(p, "/products/");
            web_attr(p, s_of(it, "id"));
            web_puts(p, "/recognition?as=");
            web_attr(p, schemes_shown[s]);
            web_puts(p, "\">");
            web_esc(p, schemes_shown[s]);
            web_puts(p, "</a> ");
        }
        web_puts(p, "</td></tr>");
    }
    web_puts(p, "</tbody></table>");
}

void w_products(http_req *r, reply *out)
{
    products_model m;
    int rc = products_model_make(&m, r);
    if (rc) {
        products_model_free(&m);
        web_error_page(r, out, 503, "error.busy");
        return;
    }
    page p;
    web_page_init(&p, r, out);
    products_render(&p, r, &m);
    products_model_free(&m);
    web_page_finish(&p, out, 200);
}
