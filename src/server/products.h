/* mamori serve: IoT products, their labels and recognition claims (products.c, the domain
 * actions; products_api.c, the API's adapters; web_products.c, the page). docs/iot.md. */
#ifndef MM_SERVER_PRODUCTS_H
#define MM_SERVER_PRODUCTS_H

#include "mamori/iot.h"
#include "server/bodies.h"
#include "server/internal.h"

/* the JSON bodies of POST .../products and .../products/{id}/labels (products_api.c) */
extern const body_field body_product[], body_label[];

/* The IoT packs and relations, loaded once (embedded content); NULL with the message logged
 * when they cannot be. Borrowed for the life of the process. */
const mm_iot *products_iot(void);

typedef struct product_input {
    const char *name, *model, *firmware; /* firmware may be NULL */
} product_input;

/* Creates a product of org_id (the caller's organization: the route needs its
 * contractor-admin), audited as product.create; *out: the stored product. */
int product_create(http_req *r, const char *org_id, const product_input *in, json_t **out,
                   act_fail *f);

typedef struct label_input {
    const char *scheme, *level, *label_id, *issued, *expires, *evidence_sha256, *evidence_ref;
} label_input;

/* Adds a label to product_id of org_id, audited as product.label; *out: the product with its
 * labels. */
int product_label_add(http_req *r, const char *org_id, const char *product_id,
                      const label_input *in, json_t **out, act_fail *f);

/* The recognition claim of product_id of org_id (NULL: any organization's) as scheme as, on
 * the server's today, signed by the server's receipt key: *doc is malloc'd JSON text. The
 * claim is recorded in the audit log (product.recognize). */
int product_recognize(http_req *r, const char *org_id, const char *product_id, const char *as,
                      char **doc, act_fail *f);

void h_products_all(http_req *r, reply *out);
void h_products_list(http_req *r, reply *out);
void h_product_create(http_req *r, reply *out);
void h_product_get(http_req *r, reply *out);
void h_product_label_add(http_req *r, reply *out);
void h_product_recognition(http_req *r, reply *out);

/* the dashboard's page (web_products.c) */
void w_products(http_req *r, reply *out);

#endif
