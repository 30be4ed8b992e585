/* mamori serve: the domain actions on IoT products (docs/iot.md): create a product, add a
 * label, and the signed recognition claim. The API (products_api.c) and the page
 * (web_products.c) call these; neither calls the other. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/submit.h"
#include "server/products.h"

static mm_iot *iot;
static pthread_once_t iot_once = PTHREAD_ONCE_INIT;

static void iot_load(void)
{
    if (mm_iot_load(&iot, NULL) != MM_OK)
        mm_server_log_json("error", "iot", json_pack("{s:s}", "error", mm_error_last()));
}

const mm_iot *products_iot(void)
{
    pthread_once(&iot_once, iot_load);
    return iot;
}

static int store_failed(act_fail *f, int rc)
{
    const char *m = mm_error_last();
    switch (rc) {
    case MM_ENOTFOUND:
        return act_failed(f, ACT_NOT_FOUND, rc, "%s", m);
    case MM_ECONFLICT:
        return act_failed(f, ACT_CONFLICT, rc, "%s", m);
    case MM_EINVALID:
        return act_failed(f, ACT_INVALID, rc, "%s", m);
    default:
        return act_failed(f, ACT_STORE, rc, "the store failed");
    }
}

int product_create(http_req *r, const char *org_id, const product_input *in, json_t **out,
                   act_fail *f)
{
    *out = NULL;
    char id[37];
    mm_store_new_id(id);
    mm_product_rec rec = {.id = id,
                          .org_id = org_id,
                          .name = in->name,
                          .model = in->model,
                          .firmware = in->firmware ? in->firmware : "",
                          .created = r->now,
                          .created_by = r->who.login};
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_create_product(r->st, &rec);
    rc = mm_audited_commit(r->st, rc, r->who.login, "product.create", id,
                           json_pack("{s:s,s:s,s:s,s:s}", "org_id", org_id, "name", rec.name,
                                     "model", rec.model, "firmware", rec.firmware));
    if (rc == MM_OK)
        rc = mm_store_get_product(r->st, out, org_id, id);
    return rc ? store_failed(f, rc) : MM_OK;
}

int product_label_add(http_req *r, const char *org_id, const char *product_id,
                      const label_input *in, json_t **out, act_fail *f)
{
    *out = NULL;
    if (mm_iot_label_check(in->scheme, in->level))
        return act_failed(f, ACT_INVALID, MM_EINVALID, "%s", mm_error_last());
    mm_product_label_rec rec = {.product_id = product_id,
                                .scheme = in->scheme,
                                .level = in->level ? in->level : "",
                                .label_id = in->label_id,
                                .issued = in->issued,
                                .expires = in->expires && in->expires[0] ? in->expires : NULL,
                                .evidence_sha256 = in->evidence_sha256,
                                .evidence_ref = in->evidence_ref,
                                .added = r->now,
                                .added_by = r->who.login};
    int64_t id = 0;
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_add_product_label(r->st, &id, org_id, &rec);
    char obj[64];
    snprintf(obj, sizeof obj, "product:%s", product_id);
    rc = mm_audited_commit(r->st, rc, r->who.login, "product.label", obj,
                           json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?,s:s?}", "org_id", org_id, "scheme",
                                     rec.scheme, "level", rec.level, "label_id", rec.label_id,
                                     "issued", rec.issued, "expires", rec.expires,
                                     "evidence_sha256", rec.evidence_sha256));
    if (rc == MM_OK)
        rc = mm_store_get_product(r->st, out, org_id, product_id);
    return rc ? store_failed(f, rc) : MM_OK;
}

int product_recognize(http_req *r, const char *org_id, const char *product_id, const char *as,
                      char **doc, act_fail *f)
{
    *doc = NULL;
    const mm_iot *set = products_iot();
    if (!set)
        return act_failed(f, ACT_STORE, MM_ERROR, "the IoT criteria could not be loaded");
    json_t *product = NULL, *claim = NULL;
    int rc = mm_store_get_product(r->st, &product, org_id, product_id);
    if (rc) {
        json_decref(product);
        return store_failed(f, rc);
    }
    rc = mm_iot_recognize(&claim, set, product, as, r->today, r->now);
    json_decref(product);
    if (rc == MM_EINVALID)
        return act_failed(f, ACT_INVALID, rc, "?as: %s", mm_error_last());
    if (rc == MM_OK)
        rc = mm_recognition_sign(doc, claim, r->srv->server_sk);
    json_t *detail = NULL;
    if (rc == MM_OK)
        detail = json_pack("{s:s?,s:s,s:s,s:O,s:O}", "org_id", org_id, "as", as, "date", r->today,
                           "covered", json_object_get(claim, "covered_count"), "remaining",
                           json_object_get(claim, "remaining_count"));
    json_decref(claim);
    if (rc) {
        mm_server_log_json("error", "recognize", json_pack("{s:s}", "error", mm_error_last()));
        return act_failed(f, ACT_STORE, rc, "the claim could not be signed");
    }
    char obj[64];
    snprintf(obj, sizeof obj, "product:%s", product_id);
    rc = mm_audit_note(r->st, r->who.login, "product.recognize", obj, detail);
    if (rc) {
        free(*doc);
        *doc = NULL;
        return store_failed(f, rc);
    }
    return MM_OK;
}
