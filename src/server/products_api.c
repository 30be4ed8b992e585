/* mamori serve: the API's adapters of IoT products (products.c; docs/api.md "IoT products").
 * A manufacturer's users see its own products (the routes under /organizations/{org}); the
 * authority's see every one. */
#include <stdlib.h>
#include <string.h>

#include "server/products.h"

const body_field body_product[] = {
    {"name", BODY_STRING, true, 1, 200},
    {"model", BODY_STRING, true, 1, 200},
    {"firmware", BODY_STRING, false, 0, 100},
    {NULL, 0, false, 0, 0},
};
const body_field body_label[] = {
    {"scheme", BODY_STRING, true, 1, 64},         {"level", BODY_STRING, false, 0, 8},
    {"label_id", BODY_STRING, true, 1, 200},      {"issued", BODY_STRING, true, 10, 10},
    {"expires", BODY_STRING, false, 0, 10},       {"evidence_sha256", BODY_STRING, false, 64, 64},
    {"evidence_ref", BODY_STRING, false, 0, 500}, {NULL, 0, false, 0, 0},
};

static const char *member(const http_req *r, const char *name)
{
    return json_string_value(json_object_get(r->json, name));
}

/* ?page and ?per_page into offset and limit; false after answering 400. */
static bool paging(http_req *r, reply *out, long long *page_no, long long *per_page)
{
    const char *pg = req_query(r, "page"), *pp = req_query(r, "per_page");
    *page_no = pg ? strtoll(pg, NULL, 10) : 1;
    *per_page = pp ? strtoll(pp, NULL, 10) : 50;
    if (*page_no < 1 || *page_no > 1000000 || *per_page < 1 || *per_page > 1000) {
        reply_error(out, 400, "bad_request", "?page: 1 or more; ?per_page: 1 to 1000");
        return false;
    }
    return true;
}

static void list(http_req *r, reply *out, const char *org_id)
{
    long long page_no, per_page;
    if (!paging(r, out, &page_no, &per_page))
        return;
    json_t *res = NULL;
    int rc = mm_store_list_products(r->st, &res, org_id, (page_no - 1) * per_page, per_page);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    json_object_set_new(res, "page", json_integer(page_no));
    json_object_set_new(res, "per_page", json_integer(per_page));
    reply_json(out, 200, res);
}

void h_products_all(http_req *r, reply *out)
{
    list(r, out, NULL);
}

void h_products_list(http_req *r, reply *out)
{
    list(r, out, r->param[0]);
}

void h_product_create(http_req *r, reply *out)
{
    product_input in = {member(r, "name"), member(r, "model"), member(r, "firmware")};
    json_t *p = NULL;
    act_fail f = {0};
    if (product_create(r, r->param[0], &in, &p, &f) != MM_OK) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 201, p);
}

void h_product_get(http_req *r, reply *out)
{
    json_t *p = NULL;
    int rc = mm_store_get_product(r->st, &p, r->param[0], r->param[1]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, p);
}

void h_product_label_add(http_req *r, reply *out)
{
    label_input in = {member(r, "scheme"),      member(r, "level"),   member(r, "label_id"),
                      member(r, "issued"),      member(r, "expires"), member(r, "evidence_sha256"),
                      member(r, "evidence_ref")};
    json_t *p = NULL;
    act_fail f = {0};
    if (product_label_add(r, r->param[0], r->param[1], &in, &p, &f) != MM_OK) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 201, p);
}

void h_product_recognition(http_req *r, reply *out)
{
    const char *as = req_query(r, "as");
    if (!as || !as[0]) {
        reply_error(out, 400, "bad_request",
                    "?as: the scheme to be recognised as is required (jc-star, uk-psti, "
                    "etsi-en-303-645, us-cyber-trust-mark)");
        return;
    }
    char *doc = NULL;
    act_fail f = {0};
    if (product_recognize(r, r->param[0], r->param[1], as, &doc, &f) != MM_OK) {
        reply_fail(out, &f);
        return;
    }
    out->status = 200;
    out->text = doc;
    out->ctype = "application/json; charset=utf-8";
}
