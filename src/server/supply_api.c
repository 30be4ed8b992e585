/* mamori serve: the supply chain's API (docs/api.md, "Supply chain"; docs/supply-chain.md).
 * Handlers are adapters: they read the request, call supply.c or the store, and answer. The
 * route's need has decided who may call; what the caller sees of other organizations is
 * decided by the store's visibility rules (consent along every link). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/notify.h"
#include "server/form.h"
#include "server/supply.h"
#include "util/util.h"

/* An optional whole-number query parameter in [lo, hi] (def when absent); -1 after a 400. */
static long long query_num(http_req *r, reply *out, const char *name, long long def, long long lo,
                           long long hi)
{
    const char *v = req_query(r, name);
    if (!v || !*v)
        return def;
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    if (*end || n < lo || n > hi) {
        reply_error(out, 400, "bad_request", "query parameter %s: expected %lld to %lld", name, lo,
                    hi);
        return -1;
    }
    return n;
}

static const char *query_text(http_req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && *v ? v : NULL;
}

/* ---- clauses ----------------------------------------------------------------------------- */

void h_clauses_list(http_req *r, reply *out)
{
    const mm_clause_catalog *c = supply_clauses();
    if (!c) {
        reply_error(out, 500, "internal", "the clause catalog is not available");
        return;
    }
    json_t *st = NULL;
    int rc = mm_store_clause_statements(r->st, &st);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200,
               json_pack("{s:O, s:O}", "items", mm_clause_catalog_json(c), "statements",
                         json_object_get(st, "items")));
    json_decref(st);
}

void h_clause_statement(http_req *r, reply *out)
{
    const mm_clause_catalog *c = supply_clauses();
    const json_t *clause = c ? mm_clause_find(c, r->param[0]) : NULL;
    if (!clause) {
        reply_error(out, 404, "not_found", "no such clause");
        return;
    }
    if (!mm_streq(json_string_value(json_object_get(clause, "check")), "authority-stated")) {
        reply_error(out, 409, "conflict",
                    "the text of %s is available and its check is fixed (GET /api/v1/clauses); "
                    "only a clause without available text takes the authority's statement",
                    r->param[0]);
        return;
    }
    const char *text = json_string_value(json_object_get(r->json, "text"));
    const char *check = json_string_value(json_object_get(r->json, "check"));
    if (check && !mm_streq(check, "sp800-171-implemented") && !mm_streq(check, "sprs-current") &&
        !mm_streq(check, "cmmc-level2")) {
        reply_error(out, 400, "bad_request",
                    "body: $.check: expected one of sp800-171-implemented, sprs-current, "
                    "cmmc-level2");
        return;
    }
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_clause_state(r->st, r->param[0], text, check, r->who.login, r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "clause.statement", r->param[0],
                           json_pack("{s:s, s:s?}", "text", text, "check", check));
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200,
               json_pack("{s:s, s:s, s:s?, s:s}", "clause_id", r->param[0], "text", text, "check",
                         check, "stated_by", r->who.login));
}

/* ---- edges ------------------------------------------------------------------------------- */

void h_suppliers_create(http_req *r, reply *out)
{
    act_fail f = {0};
    json_t *edge = NULL;
    if (supply_create(r, r->param[0], &edge, &f)) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 201, edge);
}

/* The path of the next page of the suppliers' view, or JSON null on the last page. */
static json_t *suppliers_next(const http_req *r, const mm_supply_page *q, long long page,
                              long long per, json_int_t total)
{
    char org[512] = "", url[768];
    if (page * per >= total || !mm_url_encode(org, sizeof org, r->param[0]))
        return json_null();
    /* handles and check are among the route's query choices: no encoding needed */
    snprintf(url, sizeof url, "/api/v1/organizations/%s/suppliers?page=%lld&per_page=%lld%s%s%s%s",
             org, page + 1, per, q->handles ? "&handles=" : "", q->handles ? q->handles : "",
             q->check ? "&check=" : "", q->check ? q->check : "");
    return json_string(url);
}

void h_suppliers_list(http_req *r, reply *out)
{
    long long page = query_num(r, out, "page", 1, 1, 1000000);
    long long per = page < 0 ? -1 : query_num(r, out, "per_page", 100, 1, 1000);
    if (page < 0 || per < 0)
        return;
    const mm_supply_page q = {.handles = query_text(r, "handles"),
                              .check = query_text(r, "check"),
                              .offset = (page - 1) * per,
                              .limit = per};
    json_t *v = NULL;
    int rc = supply_view_page(r, r->param[0], &q, &v);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    json_int_t total = json_integer_value(json_object_get(v, "total"));
    json_object_del(v, "offset");
    json_object_set_new(v, "page", json_integer(page));
    json_object_set_new(v, "per_page", json_integer(per));
    json_object_set_new(v, "next", suppliers_next(r, &q, page, per, total));
    reply_json(out, 200, v);
}

void h_customers_list(http_req *r, reply *out)
{
    json_t *v = NULL;
    int rc = mm_store_supply_customers(r->st, &v, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, v);
}

/* A party's action on one edge (confirm, end), answered with the edge as it is now. */
static void edge_action(http_req *r, reply *out,
                        int (*act)(http_req *, const char *, const char *, act_fail *))
{
    act_fail f = {0};
    if (act(r, r->param[0], r->param[1], &f)) {
        reply_fail(out, &f);
        return;
    }
    json_t *e = NULL;
    int rc = mm_store_supply_get(r->st, &e, r->param[1]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, e);
}

void h_supply_confirm(http_req *r, reply *out)
{
    edge_action(r, out, supply_confirm);
}

void h_supply_end(http_req *r, reply *out)
{
    edge_action(r, out, supply_end);
}

void h_supply_consent(http_req *r, reply *out)
{
    bool see = json_is_true(json_object_get(r->json, "see_status"));
    bool pass_up = json_is_true(json_object_get(r->json, "pass_up"));
    act_fail f = {0};
    if (supply_set_consent(r, r->param[0], r->param[1], see, pass_up, &f)) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 200,
               json_pack("{s:s, s:s, s:b, s:b}", "supplier_id", r->param[0], "customer_id",
                         r->param[1], "see_status", see, "pass_up", see && pass_up));
}

/* ---- the authority's views --------------------------------------------------------------- */

void h_supply_affected(http_req *r, reply *out)
{
    json_t *v = NULL;
    int rc = mm_store_supply_affected(r->st, &v, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, v);
}

void h_supply_national(http_req *r, reply *out)
{
    long long page = query_num(r, out, "page", 1, 1, 1000000);
    long long per = page < 0 ? -1 : query_num(r, out, "per_page", 50, 1, 1000);
    long long tier = per < 0 ? -1 : query_num(r, out, "tier", 0, 1, 64);
    if (page < 0 || per < 0 || tier < 0)
        return;
    const char *clause = query_text(r, "clause");
    const mm_clause_catalog *c = supply_clauses();
    if (clause && (!c || !mm_clause_find(c, clause))) {
        reply_error(out, 400, "bad_request", "query parameter clause: no such clause");
        return;
    }
    mm_supply_query q = {.sector = query_text(r, "sector"),
                         .country = query_text(r, "country"),
                         .clause = clause,
                         .status = query_text(r, "status"),
                         .tier = tier,
                         .offset = (page - 1) * per,
                         .limit = per};
    json_t *v = NULL;
    int rc = mm_store_supply_national(r->st, &v, &q);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    json_object_set_new(v, "page", json_integer(page));
    json_object_set_new(v, "per_page", json_integer(per));
    reply_json(out, 200, v);
}

void h_org_profile(http_req *r, reply *out)
{
    const char *sector = json_string_value(json_object_get(r->json, "sector"));
    const char *country = json_string_value(json_object_get(r->json, "country"));
    if (country && !(country[0] >= 'A' && country[0] <= 'Z' && country[1] >= 'A' &&
                     country[1] <= 'Z' && !country[2])) {
        reply_error(out, 400, "bad_request",
                    "body: $.country: \"%.8s\" is not an ISO 3166-1 alpha-2 code (JP, US)",
                    country);
        return;
    }
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_org_profile(r->st, r->param[0], sector, country);
    rc = mm_audited_commit(r->st, rc, r->who.login, "organization.profile", r->param[0],
                           json_pack("{s:s?, s:s?}", "sector", sector, "country", country));
    json_t *v = NULL;
    if (rc == MM_OK)
        rc = mm_store_org_profile_get(r->st, &v, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, v);
}

/* ---- notifications ----------------------------------------------------------------------- */

void h_notifications_list(http_req *r, reply *out)
{
    long long page = query_num(r, out, "page", 1, 1, 1000000);
    long long per = page < 0 ? -1 : query_num(r, out, "per_page", 50, 1, 1000);
    if (page < 0 || per < 0)
        return;
    const char *unread = req_query(r, "unread");
    json_t *v = NULL;
    int rc = mm_store_notify_list(r->st, &v, r->who.org_id, r->who.user_id, NULL,
                                  mm_streq(unread, "1"), (page - 1) * per, per);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, v);
}

void h_notification_read(http_req *r, reply *out)
{
    char *end = NULL;
    long long id = strtoll(r->param[0], &end, 10);
    if (*end || id <= 0) {
        reply_error(out, 404, "not_found", "no such notification");
        return;
    }
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_notify_read(r->st, r->who.org_id, r->who.user_id, id, r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "notification.read", r->param[0], NULL);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "read", r->now));
}

/* ---- the alliance map -------------------------------------------------------------------- */

void h_supply_map(http_req *r, reply *out)
{
    mm_map_filter f = {.sector = query_text(r, "sector"),
                       .country = query_text(r, "country"),
                       .status = query_text(r, "status"),
                       .group = query_text(r, "group"),
                       .max_nodes = SUPPLY_MAP_MAX_NODES};
    json_t *view = NULL;
    int rc = supply_map(r, &f, &view);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    if (mm_streq(req_query(r, "format"), "graphml")) {
        char *x = mm_supply_map_graphml(view);
        json_decref(view);
        if (!x) {
            reply_error(out, 503, "unavailable", "out of memory");
            return;
        }
        out->status = 200;
        out->text = x;
        out->ctype = "application/graphml+xml";
        return;
    }
    reply_json(out, 200, view);
}
