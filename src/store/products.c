/* IoT products and the security labels they hold (schema 10; docs/iot.md). One set of
 * statements for both databases, every value a typed parameter. Nothing here knows the label
 * schemes or decides a recognition: src/iot does, from the labels read here. */
#include <stdio.h>
#include <string.h>

#include "mamori/store.h"
#include "store/driver.h"
#include "util/util.h"

int mm_store_create_product(mm_store *s, const mm_product_rec *r)
{
    const struct {
        const char *value, *name;
    } required[] = {{r->id, "id"},       {r->org_id, "org_id"},   {r->name, "name"},
                    {r->model, "model"}, {r->created, "created"}, {r->created_by, "created_by"}};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!mm_nonempty(required[i].value)) {
            mm_error_set("product: %s is required", required[i].name);
            return MM_EINVALID;
        }
    json_t *org = NULL;
    int rc = mm_store_get_org(s, &org, r->org_id);
    json_decref(org);
    if (rc)
        return rc;
    const mm_param p[] = {P_TEXT(r->id),
                          P_TEXT(r->org_id),
                          P_TEXT(r->name),
                          P_TEXT(r->model),
                          P_TEXT(r->firmware ? r->firmware : ""),
                          P_TEXT(r->created),
                          P_TEXT(r->created_by)};
    return mm_db_insert(
        s, NULL,
        "INSERT INTO products (id, org_id, name, model, firmware, created, created_by)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        NPARAMS(p), p, NULL, "product: %s already has a product '%s' model '%s' firmware '%s'",
        r->org_id, r->name, r->model, r->firmware ? r->firmware : "");
}

#define PRODUCT_COLS                                                                               \
    "p.id, p.org_id, o.name, p.name, p.model, p.firmware, p.created, p.created_by,"                \
    " (SELECT count(*) FROM product_labels l WHERE l.product_id = p.id)"
static const char *const product_keys[] = {"id",       "org_id",  "org_name",   "name",   "model",
                                           "firmware", "created", "created_by", "labels", NULL};
#define PRODUCT_TYPES "ssssssssi"
#define PRODUCT_ORDER " ORDER BY o.name, p.name, p.model, p.firmware, p.id"

static json_t *product_item(const json_t *row)
{
    return mm_row_object(row, 1, product_keys, PRODUCT_TYPES);
}

int mm_store_list_products(mm_store *s, json_t **out, const char *org_id, int64_t offset,
                           int64_t limit)
{
    /* $1 the organization (NULL: every one's), $2 limit, $3 offset */
    static const char sql[] =
        "SELECT t.total, p.* FROM"
        " (SELECT count(*) AS total FROM products WHERE $1 IS NULL OR org_id = $1) t"
        " LEFT JOIN (SELECT " PRODUCT_COLS " FROM products p"
        "   JOIN organizations o ON o.id = p.org_id WHERE $1 IS NULL OR p.org_id = $1" PRODUCT_ORDER
        " LIMIT $2 OFFSET $3) p ON true";
    if (org_id)
        return mm_db_org_page(s, out, "product list", org_id, offset, limit, sql, product_item);
    *out = NULL;
    int rc = mm_check_page("product list", offset, limit);
    json_t *rows = NULL;
    const mm_param p[] = {P_TEXT(NULL), P_INT(limit), P_INT(offset)};
    if (rc == MM_OK)
        rc = mm_db_rows(s, &rows, NULL, sql, NPARAMS(p), p);
    return rc ? rc : mm_db_paged(out, rows, product_item);
}

static const char *const label_keys[] = {
    "id",           "scheme", "level",    "label_id", "issued", "expires", "evidence_sha256",
    "evidence_ref", "added",  "added_by", NULL};

int mm_store_get_product(mm_store *s, json_t **out, const char *org_id, const char *id)
{
    *out = NULL;
    int rc = mm_need(id, "product id");
    json_t *rows = NULL, *labels = NULL;
    const mm_param p[] = {P_TEXT(id), P_TEXT(org_id)};
    if (rc == MM_OK)
        rc = mm_db_rows(s, &rows, NULL,
                        "SELECT " PRODUCT_COLS " FROM products p"
                        " JOIN organizations o ON o.id = p.org_id"
                        " WHERE p.id = $1 AND ($2 IS NULL OR p.org_id = $2)",
                        NPARAMS(p), p);
    if (rc == MM_OK && json_array_size(rows) == 0) {
        mm_error_set("no product '%s'", id);
        rc = MM_ENOTFOUND;
    }
    const mm_param lp[] = {P_TEXT(id)};
    if (rc == MM_OK)
        rc = mm_db_objects(s, &labels,
                           "SELECT id, scheme, level, label_id, issued, expires, evidence_sha256,"
                           " evidence_ref, added, added_by FROM product_labels"
                           " WHERE product_id = $1 ORDER BY scheme, issued, id",
                           NPARAMS(lp), lp, label_keys, "isssssssss");
    if (rc == MM_OK) {
        *out = mm_row_object(json_array_get(rows, 0), 0, product_keys, PRODUCT_TYPES);
        bool ok = *out != NULL;
        if (ok) {
            json_object_del(*out, "labels");
            mm_put(*out, "labels", labels, &ok);
            labels = NULL;
        }
        if (!ok) {
            json_decref(*out);
            *out = NULL;
            rc = mm_oom();
        }
    }
    json_decref(labels);
    json_decref(rows);
    return rc;
}

static int check_label(const mm_product_label_rec *r)
{
    const struct {
        const char *value, *name;
    } required[] = {{r->product_id, "product_id"},
                    {r->scheme, "scheme"},
                    {r->label_id, "label_id"},
                    {r->added, "added"},
                    {r->added_by, "added_by"}};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!mm_nonempty(required[i].value)) {
            mm_error_set("label: %s is required", required[i].name);
            return MM_EINVALID;
        }
    if (!mm_is_date(r->issued)) {
        mm_error_set("label: issued '%s' is not a date YYYY-MM-DD", r->issued ? r->issued : "");
        return MM_EINVALID;
    }
    if (r->expires && !mm_is_date(r->expires)) {
        mm_error_set("label: expires '%s' is not a date YYYY-MM-DD", r->expires);
        return MM_EINVALID;
    }
    if (r->expires && strcmp(r->expires, r->issued) < 0) {
        mm_error_set("label: expires %s is before issued %s", r->expires, r->issued);
        return MM_EINVALID;
    }
    if (r->evidence_sha256 && !mm_is_hex(r->evidence_sha256, 64)) {
        mm_error_set("label: evidence_sha256 is not 64 lowercase hex digits");
        return MM_EINVALID;
    }
    return MM_OK;
}

int mm_store_add_product_label(mm_store *s, int64_t *out_id, const char *org_id,
                               const mm_product_label_rec *r)
{
    int rc = check_label(r);
    if (rc == MM_OK)
        rc = mm_need(org_id, "label: organization id");
    const mm_param cp[] = {P_TEXT(r->product_id), P_TEXT(org_id)};
    if (rc == MM_OK)
        rc = mm_db_exists(s, "SELECT count(*) FROM products WHERE id = $1 AND org_id = $2",
                          NPARAMS(cp), cp, "no product '%s'", r->product_id);
    const mm_param p[] = {
        P_TEXT(r->product_id),      P_TEXT(r->scheme),       P_TEXT(r->level ? r->level : ""),
        P_TEXT(r->label_id),        P_TEXT(r->issued),       P_TEXT(r->expires),
        P_TEXT(r->evidence_sha256), P_TEXT(r->evidence_ref), P_TEXT(r->added),
        P_TEXT(r->added_by)};
    return rc ? rc
              : mm_db_insert(s, out_id,
                             "INSERT INTO product_labels (product_id, scheme, level, label_id,"
                             " issued, expires, evidence_sha256, evidence_ref, added, added_by)"
                             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                             NPARAMS(p), p, NULL, "label: the product already holds %s label '%s'",
                             r->scheme, r->label_id);
}
