/* mamori serve: the routes of /api/v1/ and their handlers. Each route declares what it
 * needs (internal.h: need); mm_api_dispatch authenticates, checks CSRF and the one-time
 * password, finds the organization concerned and asks mm_access_decide before any handler
 * runs, so no handler decides tenant access by itself. docs/api.md is the user's manual. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "mamori/submit.h"
#include "server/bodies.h"
#include "server/cache.h"
#include "server/form.h"
#include "server/internal.h"
#include "server/web.h"
#include "util/util.h"

/* ---- small helpers ------------------------------------------------------------------- */

/* A whole number query parameter in [min, max], or def; -1 after filling out. */
static long long query_int(http_req *r, reply *out, const char *name, long long def, long long min,
                           long long max)
{
    const char *v = req_query(r, name);
    if (!v)
        return def;
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    if (!v[0] || *end || n < min || n > max) {
        reply_error(out, 400, "bad_request", "?%s=%.32s: expected a whole number from %lld to %lld",
                    name, v, min, max);
        return -1;
    }
    return n;
}

/* page_no and per_page into offset/limit; false after filling out. */
static bool paging(http_req *r, reply *out, long long *page_no, long long *per_page)
{
    *page_no = query_int(r, out, "page", 1, 1, 1000000);
    if (*page_no < 0)
        return false;
    *per_page = query_int(r, out, "per_page", 50, 1, 1000);
    return *per_page >= 0;
}

static void paged(reply *out, json_t *result, long long page_no, long long per_page)
{
    json_object_set_new(result, "page", json_integer(page_no));
    json_object_set_new(result, "per_page", json_integer(per_page));
    reply_json(out, 200, result);
}

/* Runs an audit append after a successful write in one transaction: begin was called. */
static int audit_commit(http_req *r, int rc, const char *action, const char *object, json_t *detail)
{
    char *dt = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    if (rc == MM_OK)
        rc = mm_store_audit_append(r->st, NULL, r->who.login, action, object, dt);
    free(dt);
    if (rc == MM_OK)
        rc = mm_store_commit(r->st);
    else
        mm_store_rollback(r->st);
    return rc;
}

json_t *latest_view(const http_req *r, const json_t *sub)
{
    if (!sub)
        return json_null();
    const char *assessed = json_string_value(json_object_get(sub, "assessed"));
    const char *status = json_string_value(json_object_get(sub, "status"));
    json_t *o =
        json_pack("{s:O,s:O,s:O,s:O,s:s,s:O,s:O}", "id", json_object_get(sub, "id"), "received",
                  json_object_get(sub, "received"), "framework", json_object_get(sub, "framework"),
                  "score", json_object_get(sub, "score"), "status",
                  assessed && strcmp(assessed, r->stale_before) < 0 ? "stale"
                  : status                                          ? status
                                                                    : "none",
                  "assessed", json_object_get(sub, "assessed"), "affirmed_by",
                  json_object_get(sub, "affirmed_by"));
    return o ? o : json_null();
}

/* The organization's latest submission (latest_view), or null. */
static json_t *latest_of(http_req *r, const json_t *org)
{
    const char *sid = json_string_value(json_object_get(org, "latest_submission"));
    json_t *sub = NULL;
    if (!sid || mm_store_get_submission(r->st, &sub, sid, false) != MM_OK)
        return json_null();
    json_t *o = latest_view(r, sub);
    json_decref(sub);
    return o;
}

/* ---- organizations ------------------------------------------------------------------- */

static void h_org_create(http_req *r, reply *out)
{
    const char *name = json_string_value(json_object_get(r->json, "name"));
    const char *kind = json_string_value(json_object_get(r->json, "kind"));
    const char *parent = json_string_value(json_object_get(r->json, "parent_id"));
    json_t *ids = json_object_get(r->json, "identifiers");
    if (!kind)
        kind = "contractor";
    if (strcmp(kind, "contractor") != 0) {
        reply_error(out, 400, "bad_request",
                    "$.kind: only contractors can be created (there is one authority)");
        return;
    }
    char *ids_text = ids ? json_dumps(ids, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    char id[37];
    mm_store_new_id(id);
    if (parent) {
        json_t *p = NULL;
        int prc = mm_store_get_org(r->st, &p, parent);
        const char *pk = prc == MM_OK ? json_string_value(json_object_get(p, "kind")) : NULL;
        bool ok = pk && strcmp(pk, "contractor") == 0;
        json_decref(p);
        if (!ok) {
            free(ids_text);
            reply_error(out, 400, "bad_request", "$.parent_id: no such contractor");
            return;
        }
    }
    mm_org org = {
        .id = id, .kind = kind, .name = name, .identifiers = ids_text, .parent_id = parent};
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_create_org(r->st, &org);
    rc = audit_commit(r, rc, "organization.create", id,
                      json_pack("{s:s,s:s}", "name", name, "kind", kind));
    free(ids_text);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    json_t *o = NULL;
    rc = mm_store_get_org(r->st, &o, id);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 201, o);
}

static void h_org_get(http_req *r, reply *out)
{
    json_t *o = NULL;
    int rc = mm_store_get_org(r->st, &o, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    json_object_set_new(o, "latest", latest_of(r, o));
    bool full = r->who.authority || strcmp(r->who.org_id, r->param[0]) == 0;
    if (!full) {
        /* a prime with its subcontractor's consent: the summary status only */
        json_t *s = json_pack(
            "{s:O,s:O,s:O,s:O}", "id", json_object_get(o, "id"), "name", json_object_get(o, "name"),
            "parent_id", json_object_get(o, "parent_id"), "latest", json_object_get(o, "latest"));
        json_decref(o);
        o = s;
    }
    reply_json(out, 200, o);
}

static void h_org_subs(http_req *r, reply *out)
{
    long long page_no, per_page;
    if (!paging(r, out, &page_no, &per_page))
        return;
    mm_org_query q = {.kind = "contractor",
                      .parent_id = r->param[0],
                      .sort = "name",
                      .stale_before = r->stale_before,
                      .offset = (page_no - 1) * per_page,
                      .limit = per_page};
    json_t *res = NULL;
    int rc = mm_store_list_orgs(r->st, &res, &q);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(res, "items"), i, it)
    {
        bool consent = json_is_true(json_object_get(it, "prime_consent"));
        if (!consent && !r->who.authority) {
            json_object_set_new(it, "latest", json_null());
            json_object_del(it, "status");
        }
        json_object_set_new(it, "status_visible", json_boolean(consent || r->who.authority));
        json_object_del(it, "latest_submission");
    }
    paged(out, res, page_no, per_page);
}

static void h_org_consent(http_req *r, reply *out)
{
    bool c = json_is_true(json_object_get(r->json, "prime_may_see_status"));
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_set_org_consent(r->st, r->param[0], c);
    rc = audit_commit(r, rc, "organization.consent", r->param[0],
                      json_pack("{s:b}", "prime_may_see_status", c));
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:s,s:b}", "id", r->param[0], "prime_may_see_status", c));
}

/* ---- users --------------------------------------------------------------------------- */

static void h_users_list(http_req *r, reply *out)
{
    json_t *items = NULL;
    int rc = mm_store_list_users(r->st, &items, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "items", items));
}

static void h_users_create(http_req *r, reply *out)
{
    const char *login = json_string_value(json_object_get(r->json, "login"));
    const char *role = json_string_value(json_object_get(r->json, "role"));
    json_t *org = NULL;
    int rc = mm_store_get_org(r->st, &org, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    bool authority_org = strcmp(json_string_value(json_object_get(org, "kind")), "authority") == 0;
    json_decref(org);
    bool authority_role = !strncmp(role, "authority-", 10);
    if (!mm_store_valid_role(role) || authority_role != authority_org) {
        reply_error(out, 400, "bad_request",
                    "$.role: '%.32s' is not a role for this organization (%s)", role,
                    authority_org ? "authority-admin or authority-analyst"
                                  : "contractor-admin or contractor-member");
        return;
    }
    mm_user *taken = NULL;
    rc = mm_store_get_user(r->st, &taken, login);
    mm_user_free(taken);
    if (rc == MM_OK) {
        reply_error(out, 409, "conflict", "$.login: '%.128s' is already taken", login);
        return;
    }
    char password[24], hash[128];
    if (mm_password_generate(password, sizeof password, 16) != MM_OK ||
        mm_password_hash(hash, password) != MM_OK) {
        reply_error(out, 503, "unavailable", "cannot make a password now; try again");
        return;
    }
    mm_user u = {.org_id = (char *)r->param[0],
                 .login = (char *)login,
                 .role = (char *)role,
                 .password_hash = hash,
                 .must_change = true};
    int64_t id = 0;
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_create_user(r->st, &id, &u);
    char obj[32];
    snprintf(obj, sizeof obj, "user:%lld", (long long)id);
    rc = audit_commit(
        r, rc, "user.create", obj,
        json_pack("{s:s,s:s,s:s}", "login", login, "role", role, "org_id", r->param[0]));
    sodium_memzero(hash, sizeof hash);
    if (rc) {
        sodium_memzero(password, sizeof password);
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 201,
               json_pack("{s:{s:I,s:s,s:s,s:s,s:b},s:s,s:s}", "user", "id", (json_int_t)id, "login",
                         login, "role", role, "org_id", r->param[0], "must_change", 1,
                         "one_time_password", password, "note",
                         "shown once; the user must change it at the first logon"));
    sodium_memzero(password, sizeof password);
}

/* ---- signing keys -------------------------------------------------------------------- */

static void h_keys_list(http_req *r, reply *out)
{
    json_t *items = NULL;
    int rc = mm_store_list_keys(r->st, &items, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "items", items));
}

void h_keys_add(http_req *r, reply *out)
{
    const char *kind = json_string_value(json_object_get(r->json, "kind"));
    const char *pk = json_string_value(json_object_get(r->json, "public_key"));
    const char *given_id = json_string_value(json_object_get(r->json, "key_id"));
    const char *label = json_string_value(json_object_get(r->json, "label"));
    if (!label)
        label = json_string_value(json_object_get(r->json, "org"));
    if (strcmp(kind, "mamori-ed25519-public") != 0) {
        reply_error(out, 400, "bad_request",
                    "$.kind: expected \"mamori-ed25519-public\" (register the .pub file made by "
                    "mamori keygen, never the secret key)");
        return;
    }
    unsigned char raw[32];
    size_t got = 0;
    if (sodium_base642bin(raw, sizeof raw, pk, strlen(pk), NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != sizeof raw) {
        reply_error(out, 400, "bad_request", "$.public_key: expected base64 of 32 bytes");
        return;
    }
    char key_id[17];
    mm_key_id(key_id, raw);
    if (given_id && strcmp(given_id, key_id) != 0) {
        reply_error(out, 400, "bad_request", "$.key_id: %s is not the id of this public key (%s)",
                    given_id, key_id);
        return;
    }
    int64_t id = 0;
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_add_key(r->st, &id, r->param[0], key_id, pk, label ? label : "", r->now);
    rc = audit_commit(r, rc, "key.register", key_id,
                      json_pack("{s:s,s:s}", "org_id", r->param[0], "public_key", pk));
    if (rc == MM_ECONFLICT) {
        reply_error(out, 409, "conflict",
                    "$.public_key: this key (%s) is already registered; make a new key pair "
                    "with mamori keygen",
                    key_id);
        return;
    }
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 201,
               json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "key_id", key_id, "public_key",
                         pk, "org_id", r->param[0]));
}

void h_keys_revoke(http_req *r, reply *out)
{
    char *end = NULL;
    long long id = strtoll(r->param[1], &end, 10);
    if (id <= 0 || *end) {
        reply_error(out, 404, "not_found", "no such key");
        return;
    }
    char obj[32];
    snprintf(obj, sizeof obj, "key:%lld", id);
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_revoke_key(r->st, r->param[0], id, r->now);
    rc = audit_commit(r, rc, "key.revoke", obj, json_pack("{s:s}", "org_id", r->param[0]));
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "status", "revoked"));
}

/* ---- submissions --------------------------------------------------------------------- */

static void h_submit(http_req *r, reply *out)
{
    ingest_ctx ctx = {.r3 = r->srv->r3,
                      .r2 = r->srv->r2,
                      .profile = r->srv->profile,
                      .server_sk = r->srv->server_sk};
    mm_ingest(&ctx, r->st, r->who.org_id, r->who.login, r->body, r->body_len, r->now, r->now_unix,
              out);
}

static void h_subs_list(http_req *r, reply *out)
{
    long long page_no, per_page;
    if (!paging(r, out, &page_no, &per_page))
        return;
    json_t *res = NULL;
    int rc =
        mm_store_list_submissions(r->st, &res, r->param[0], (page_no - 1) * per_page, per_page);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    paged(out, res, page_no, per_page);
}

static void h_sub_get(http_req *r, reply *out)
{
    const char *b = req_query(r, "body");
    json_t *sub = NULL;
    int rc = mm_store_get_submission(r->st, &sub, r->param[0], b && strcmp(b, "1") == 0);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, sub);
}

static void h_sub_diff(http_req *r, reply *out)
{
    json_t *a = NULL, *b = NULL;
    int rc = mm_store_get_submission(r->st, &a, r->param[0], false);
    if (rc == MM_OK)
        rc = mm_store_get_submission(r->st, &b, r->param[1], false);
    /* the second must belong to the same organization, which access checked for the first */
    if (rc == MM_OK && !json_equal(json_object_get(a, "org_id"), json_object_get(b, "org_id")))
        rc = MM_ENOTFOUND;
    if (rc) {
        json_decref(a);
        json_decref(b);
        reply_store_error(out, rc);
        return;
    }
    json_t *d = NULL;
    rc = mm_summary_diff(&d, json_object_get(a, "summary"), json_object_get(b, "summary"));
    if (rc == MM_OK) {
        json_t *fa = json_object_get(a, "framework"), *fb = json_object_get(b, "framework");
        json_object_set_new(d, "older", json_string(r->param[0]));
        json_object_set_new(d, "newer", json_string(r->param[1]));
        json_object_set_new(d, "framework", json_pack("{s:O,s:O}", "from", fa, "to", fb));
        /* Rev 2 and Rev 3 number their requirements differently: a gap list across them
         * compares nothing, and neither do their scores (SPRS vs requirements met) */
        bool same = json_equal(fa, fb);
        json_object_set_new(d, "comparable", json_boolean(same));
        if (!same)
            json_object_set_new(json_object_get(d, "score"), "delta", json_null());
        if (!same)
            json_object_set_new(d, "note",
                                json_string("the two submissions use different frameworks "
                                            "(SP 800-171 Rev 2 and Rev 3): their requirement "
                                            "ids and scores are not comparable"));
    }
    json_decref(a);
    json_decref(b);
    if (rc) {
        reply_error(out, 500, "internal", "%s", mm_error_last());
        return;
    }
    reply_json(out, 200, d);
}

/* ---- the authority's views ----------------------------------------------------------- */

static bool wants_csv(http_req *r)
{
    const char *f = req_query(r, "format");
    if (f)
        return strcmp(f, "csv") == 0;
    const char *acc = req_header(r, MHD_HTTP_HEADER_ACCEPT);
    return acc && strstr(acc, "text/csv") && !strstr(acc, "application/json");
}

static void contractors_csv(json_t *items, reply *out)
{
    mm_buf b = {0};
    mm_buf_puts(&b, "id,name,identifiers,parent_id,status,score,framework,assessed,received,"
                    "affirmed_by\r\n");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        json_t *l = json_object_get(it, "latest");
        char *ids = json_dumps(json_object_get(it, "identifiers"), JSON_COMPACT | JSON_SORT_KEYS);
        char score[24] = "";
        if (json_is_integer(json_object_get(l, "score")))
            snprintf(score, sizeof score, "%lld",
                     (long long)json_integer_value(json_object_get(l, "score")));
        const char *cols[] = {
            json_string_value(json_object_get(it, "id")),
            json_string_value(json_object_get(it, "name")),
            ids,
            json_string_value(json_object_get(it, "parent_id")),
            json_is_object(l) ? json_string_value(json_object_get(l, "status")) : "none",
            score,
            json_string_value(json_object_get(l, "framework")),
            json_string_value(json_object_get(l, "assessed")),
            json_string_value(json_object_get(l, "received")),
            json_string_value(json_object_get(l, "affirmed_by")),
        };
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
            if (c)
                mm_buf_putc(&b, ',');
            mm_buf_put_csv(&b, cols[c] ? cols[c] : "");
        }
        mm_buf_puts(&b, "\r\n");
        free(ids);
    }
    const char *t = mm_buf_cstr(&b);
    out->status = t ? 200 : 500;
    out->text = t ? strdup(t) : NULL;
    out->ctype = "text/csv; charset=utf-8";
    mm_buf_free(&b);
    if (!out->text)
        reply_error(out, 500, "internal", "out of memory");
}

static void h_contractors(http_req *r, reply *out)
{
    long long page_no, per_page;
    if (!paging(r, out, &page_no, &per_page))
        return;
    static const char *const sorts[] = {"name", "score", "status", "assessed", "received"};
    static const char *const statuses[] = {"meets",          "conditional", "not-met",
                                           "no-valid-score", "stale",       "none"};
    const char *sort = req_query(r, "sort"), *order = req_query(r, "order");
    const char *status = req_query(r, "status");
    bool ok = true;
    if (sort) {
        ok = false;
        for (size_t i = 0; i < 5; i++)
            ok = ok || strcmp(sort, sorts[i]) == 0;
    }
    if (!ok) {
        reply_error(out, 400, "bad_request",
                    "?sort: expected name, score, status, assessed or received");
        return;
    }
    if (order && strcmp(order, "asc") != 0 && strcmp(order, "desc") != 0) {
        reply_error(out, 400, "bad_request", "?order: expected asc or desc");
        return;
    }
    if (status) {
        ok = false;
        for (size_t i = 0; i < 6; i++)
            ok = ok || strcmp(status, statuses[i]) == 0;
        if (!ok) {
            reply_error(out, 400, "bad_request",
                        "?status: expected meets, conditional, not-met, no-valid-score, stale "
                        "or none");
            return;
        }
    }
    const char *q = req_query(r, "q");
    if (q && strlen(q) > 200) {
        reply_error(out, 400, "bad_request", "?q: at most 200 characters");
        return;
    }
    bool csv = wants_csv(r);
    mm_org_query qq = {.kind = "contractor",
                       .parent_id = req_query(r, "parent"),
                       .status = status,
                       .q = q && q[0] ? q : NULL,
                       .sort = sort ? sort : "name",
                       .desc = order && strcmp(order, "desc") == 0,
                       .stale_before = r->stale_before,
                       .offset = (page_no - 1) * per_page,
                       .limit = per_page};
    json_t *res = NULL;
    int rc = mm_store_list_orgs(r->st, &res, &qq);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(res, "items"), i, it)
        json_object_del(it, "latest_submission");
    if (csv) {
        contractors_csv(json_object_get(res, "items"), out);
        json_decref(res);
        return;
    }
    paged(out, res, page_no, per_page);
}

static void h_failures(http_req *r, reply *out)
{
    long long limit = query_int(r, out, "limit", 200, 1, 1000);
    if (limit < 0)
        return;
    json_t *items = NULL;
    int rc = mm_store_failure_counts(r->st, &items, limit);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *fw = json_string_value(json_object_get(it, "framework"));
        const mm_catalog *cat = fw && strcmp(fw, "800-171r2") == 0 ? r->srv->r2 : r->srv->r3;
        const mm_requirement *req =
            mm_catalog_requirement(cat, json_string_value(json_object_get(it, "requirement")));
        if (req && req->title)
            json_object_set_new(it, "title", json_string(req->title));
    }
    reply_json(out, 200, json_pack("{s:o}", "items", items));
}

static void h_overdue(http_req *r, reply *out)
{
    long long page_no, per_page;
    if (!paging(r, out, &page_no, &per_page))
        return;
    json_t *res = NULL;
    int rc = mm_store_overdue_milestones(r->st, &res, r->today, (page_no - 1) * per_page, per_page);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    json_object_set_new(res, "today", json_string(r->today));
    paged(out, res, page_no, per_page);
}

/* The cached authority views: the key is the route, today's date (stale and overdue
 * depend on it) and every query parameter the handler reads. */
static void cached_view(http_req *r, reply *out, const char *route, const char *const *params,
                        handler_fn fn)
{
    int64_t version = 0;
    if (mm_store_audit_head(r->st, &version) != MM_OK) {
        fn(r, out); /* no version, no cache */
        return;
    }
    mm_buf key = {0};
    mm_buf_printf(&key, "%s\x1f%s", route, r->today);
    for (const char *const *p = params; *p; p++) {
        const char *v = req_query(r, *p);
        mm_buf_printf(&key, "\x1f%s=%s", *p, v ? v : "\x1e");
    }
    const char *k = mm_buf_cstr(&key);
    if (k && !mm_view_cache_get(k, version, out)) {
        fn(r, out);
        mm_view_cache_put(k, version, out);
    } else if (!k) {
        fn(r, out);
    }
    mm_buf_free(&key);
}

static void h_contractors_cached(http_req *r, reply *out)
{
    static const char *const params[] = {"page", "per_page", "sort",   "order", "status",
                                         "q",    "parent",   "format", NULL};
    /* CSV chosen by the Accept header (no ?format) gets a key of its own */
    bool accept_csv = !req_query(r, "format") && wants_csv(r);
    cached_view(r, out, accept_csv ? "contractors.csv" : "contractors", params, h_contractors);
}

static void h_failures_cached(http_req *r, reply *out)
{
    static const char *const params[] = {"limit", NULL};
    cached_view(r, out, "failures", params, h_failures);
}

static void h_overdue_cached(http_req *r, reply *out)
{
    static const char *const params[] = {"page", "per_page", NULL};
    cached_view(r, out, "overdue", params, h_overdue);
}

/* ---- public -------------------------------------------------------------------------- */

static void h_healthz(http_req *r, reply *out)
{
    (void)r;
    reply_json(out, 200, json_pack("{s:s}", "status", "ok"));
}

static void h_readyz(http_req *r, reply *out)
{
    int v = 0;
    if (mm_store_schema_version(r->st, &v) != MM_OK) {
        reply_error(out, 503, "unavailable", "the store does not answer");
        return;
    }
    reply_json(out, 200, json_pack("{s:s,s:i}", "status", "ready", "schema", v));
}

static void h_version(http_req *r, reply *out)
{
    int v = 0;
    if (mm_store_schema_version(r->st, &v) != MM_OK) {
        reply_error(out, 503, "unavailable", "the store does not answer");
        return;
    }
    reply_json(out, 200, json_pack("{s:s,s:i}", "mamori", MM_VERSION, "schema", v));
}

static void h_server_key(http_req *r, reply *out)
{
    char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, r->srv->server_pk, 32, sodium_base64_VARIANT_ORIGINAL);
    reply_json(out, 200,
               json_pack("{s:s,s:s,s:s}", "kind", "mamori-server-key", "public_key", b64, "key_id",
                         r->srv->server_key_id));
}

/* ---- the route table ----------------------------------------------------------------- */

/* T_OWN_ORG: the caller's own organization (the dashboard's /my pages) */
typedef enum target_kind { T_NONE, T_ORG, T_SUB, T_OWN_ORG } target_kind;

typedef struct route {
    const char *method;
    const char *pattern; /* "{}" matches one path segment */
    need need;
    target_kind target;
    const body_field *body; /* JSON body checked against this; NULL: no JSON body */
    bool raw_body;          /* the handler reads the raw body (submissions) */
    bool one_time_ok;       /* allowed before a one-time password is changed */
    handler_fn fn;
    /* a dashboard page_no (web.c): no credentials redirect to /login, 403 and 404 are HTML
     * pages, a POST is a form whose csrf field is checked */
    bool html;
} route;

static const route routes[] = {
    {"GET", "/healthz", NEED_NONE, T_NONE, NULL, false, true, h_healthz, false},
    {"GET", "/readyz", NEED_NONE, T_NONE, NULL, false, true, h_readyz, false},
    {"GET", "/api/v1/version", NEED_NONE, T_NONE, NULL, false, true, h_version, false},
    {"GET", "/api/v1/server-key", NEED_NONE, T_NONE, NULL, false, true, h_server_key, false},
    {"POST", "/api/v1/session", NEED_NONE, T_NONE, body_login, false, true, h_login, false},
    {"GET", "/api/v1/session", NEED_SELF, T_NONE, NULL, false, true, h_whoami, false},
    {"DELETE", "/api/v1/session", NEED_SELF, T_NONE, NULL, false, true, h_logout, false},
    {"POST", "/api/v1/password", NEED_SELF, T_NONE, body_password, false, true, h_password, false},
    {"GET", "/api/v1/tokens", NEED_SELF, T_NONE, NULL, false, false, h_tokens_list, false},
    {"POST", "/api/v1/tokens", NEED_SELF, T_NONE, body_token, false, false, h_tokens_create, false},
    {"DELETE", "/api/v1/tokens/{}", NEED_SELF, T_NONE, NULL, false, false, h_tokens_revoke, false},
    {"GET", "/api/v1/contractors", NEED_AUTHORITY_READ, T_NONE, NULL, false, false,
     h_contractors_cached, false},
    {"POST", "/api/v1/organizations", NEED_AUTHORITY_ADMIN, T_NONE, body_org, false, false,
     h_org_create, false},
    {"GET", "/api/v1/organizations/{}", NEED_ORG_SUMMARY, T_ORG, NULL, false, false, h_org_get,
     false},
    {"GET", "/api/v1/organizations/{}/subcontractors", NEED_ORG_READ, T_ORG, NULL, false, false,
     h_org_subs, false},
    {"PUT", "/api/v1/organizations/{}/consent", NEED_ORG_ADMIN, T_ORG, body_consent, false, false,
     h_org_consent, false},
    {"GET", "/api/v1/organizations/{}/users", NEED_ORG_USERS, T_ORG, NULL, false, false,
     h_users_list, false},
    {"POST", "/api/v1/organizations/{}/users", NEED_ORG_USERS, T_ORG, body_user, false, false,
     h_users_create, false},
    {"GET", "/api/v1/organizations/{}/keys", NEED_ORG_READ, T_ORG, NULL, false, false, h_keys_list,
     false},
    {"POST", "/api/v1/organizations/{}/keys", NEED_ORG_ADMIN, T_ORG, body_key, false, false,
     h_keys_add, false},
    {"DELETE", "/api/v1/organizations/{}/keys/{}", NEED_ORG_ADMIN, T_ORG, NULL, false, false,
     h_keys_revoke, false},
    {"GET", "/api/v1/organizations/{}/submissions", NEED_ORG_READ, T_ORG, NULL, false, false,
     h_subs_list, false},
    {"POST", "/api/v1/submissions", NEED_SUBMIT, T_NONE, NULL, true, false, h_submit, false},
    {"GET", "/api/v1/submissions/{}", NEED_SUB_READ, T_SUB, NULL, false, false, h_sub_get, false},
    {"GET", "/api/v1/submissions/{}/diff/{}", NEED_SUB_READ, T_SUB, NULL, false, false, h_sub_diff,
     false},
    {"GET", "/api/v1/requirements/failures", NEED_AUTHORITY_READ, T_NONE, NULL, false, false,
     h_failures_cached, false},
    {"GET", "/api/v1/poam/overdue", NEED_AUTHORITY_READ, T_NONE, NULL, false, false,
     h_overdue_cached, false},
    /* shared threat information under TLP 2.0 (share_api.c, docs/sharing.md); the item
     * reads are NEED_ANY: what each reader may see is decided per item by mm_tlp_may_read */
    {"POST", "/api/v1/communities", NEED_AUTHORITY_ADMIN, T_NONE, body_community, false, false,
     h_communities_create, false},
    {"GET", "/api/v1/communities", NEED_SELF, T_NONE, NULL, false, false, h_communities_list,
     false},
    {"POST", "/api/v1/communities/{}/members", NEED_AUTHORITY_ADMIN, T_NONE, body_member, false,
     false, h_community_member_add, false},
    {"DELETE", "/api/v1/communities/{}/members/{}", NEED_AUTHORITY_ADMIN, T_NONE, NULL, false,
     false, h_community_member_remove, false},
    {"POST", "/api/v1/items", NEED_SELF, T_NONE, NULL, true, false, h_items_create, false},
    {"GET", "/api/v1/items", NEED_ANY, T_NONE, NULL, false, false, h_items_list, false},
    {"GET", "/api/v1/items/count", NEED_ANY, T_NONE, NULL, false, false, h_items_count, false},
    {"POST", "/api/v1/items/merge", NEED_SELF, T_NONE, NULL, true, false, h_items_merge, false},
    {"POST", "/api/v1/items/import", NEED_SELF, T_NONE, NULL, true, false, h_items_import, false},
    {"GET", "/api/v1/items/{}", NEED_ANY, T_NONE, NULL, false, false, h_item_get, false},
    {"GET", "/api/v1/items/{}/export", NEED_ANY, T_NONE, NULL, false, false, h_item_export, false},
    {"GET", "/api/v1/items/{}/stix", NEED_ANY, T_NONE, NULL, false, false, h_item_stix, false},
    {"POST", "/api/v1/items/{}/share", NEED_SELF, T_NONE, NULL, true, false, h_item_share, false},
    {"POST", "/api/v1/items/{}/permissions", NEED_SELF, T_NONE, NULL, true, false,
     h_item_permission, false},
    /* incident reports (incident_api.c, docs/incidents.md): reads through the sharing core */
    {"POST", "/api/v1/incidents", NEED_SUBMIT, T_NONE, NULL, true, false, h_incidents_create,
     false},
    {"GET", "/api/v1/incidents", NEED_SELF, T_NONE, NULL, false, false, h_incidents_list, false},
    {"GET", "/api/v1/incidents/{}", NEED_SELF, T_NONE, NULL, false, false, h_incident_get, false},
    /* the dashboard (web.c, docs/dashboard.md) */
    {"GET", "/static/{}", NEED_NONE, T_NONE, NULL, false, true, w_static, false},
    {"GET", "/", NEED_SELF, T_NONE, NULL, false, true, w_root, true},
    {"GET", "/login", NEED_NONE, T_NONE, NULL, false, true, w_login_form, true},
    {"POST", "/login", NEED_NONE, T_NONE, NULL, false, true, w_login, true},
    {"POST", "/logout", NEED_SELF, T_NONE, NULL, false, true, w_logout, true},
    {"GET", "/password", NEED_SELF, T_NONE, NULL, false, true, w_password_form, true},
    {"POST", "/password", NEED_SELF, T_NONE, NULL, false, true, w_password, true},
    {"GET", "/overview", NEED_AUTHORITY_READ, T_NONE, NULL, false, false, w_overview, true},
    {"GET", "/incidents", NEED_SELF, T_NONE, NULL, false, false, w_incidents, true},
    {"GET", "/contractors", NEED_AUTHORITY_READ, T_NONE, NULL, false, false, w_contractors, true},
    {"GET", "/contractors/{}", NEED_ORG_SUMMARY, T_ORG, NULL, false, false, w_contractor, true},
    {"GET", "/contractors/{}/diff", NEED_ORG_READ, T_ORG, NULL, false, false, w_diff, true},
    {"GET", "/requirements/{}", NEED_AUTHORITY_READ, T_NONE, NULL, false, false, w_requirement,
     true},
    {"GET", "/my", NEED_SUBMIT, T_OWN_ORG, NULL, false, false, w_my, true},
    {"POST", "/my/upload", NEED_SUBMIT, T_OWN_ORG, NULL, false, false, w_upload, true},
    {"GET", "/my/tokens", NEED_SELF, T_NONE, NULL, false, false, w_tokens, true},
    {"POST", "/my/tokens", NEED_SELF, T_NONE, NULL, false, false, w_token_create, true},
    {"POST", "/my/tokens/{}/revoke", NEED_SELF, T_NONE, NULL, false, false, w_token_revoke, true},
    {"GET", "/my/keys", NEED_ORG_READ, T_OWN_ORG, NULL, false, false, w_keys, true},
    {"POST", "/my/keys", NEED_ORG_ADMIN, T_OWN_ORG, NULL, false, false, w_key_add, true},
    {"POST", "/my/keys/{}/revoke", NEED_ORG_ADMIN, T_OWN_ORG, NULL, false, false, w_key_revoke,
     true},
};

#define NROUTES (sizeof routes / sizeof routes[0])

/* Matches url against pattern, capturing "{}" segments into r->param. */
static bool match(http_req *r, const char *pattern, const char *url)
{
    size_t np = 0, used = 0;
    const char *p = pattern, *u = url;
    while (*p && *u) {
        if (p[0] == '{' && p[1] == '}') {
            const char *end = strchr(u, '/');
            size_t n = end ? (size_t)(end - u) : strlen(u);
            if (n == 0 || n > 100 || np >= 3 || used + n + 1 > sizeof r->pbuf)
                return false;
            memcpy(r->pbuf + used, u, n);
            r->pbuf[used + n] = '\0';
            r->param[np++] = r->pbuf + used;
            used += n + 1;
            u += n;
            p += 2;
            continue;
        }
        if (*p != *u)
            return false;
        p++;
        u++;
    }
    return !*p && !*u;
}

static bool unsafe(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* The request's path and query, for /login?next= (NULL when it does not fit). */
typedef struct next_buf {
    char s[900];
    bool first, cut;
} next_buf;

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    next_buf *n = cls;
    if (!key || strcmp(key, "lang") == 0)
        return MHD_YES;
    size_t l = strlen(n->s);
    if (l + 2 >= sizeof n->s) {
        n->cut = true;
        return MHD_NO;
    }
    n->s[l] = n->first ? '?' : '&';
    n->s[l + 1] = '\0';
    n->first = false;
    if (!mm_url_encode(n->s, sizeof n->s, key) || strlen(n->s) + 2 >= sizeof n->s) {
        n->cut = true;
        return MHD_NO;
    }
    strcat(n->s, "=");
    if (value && !mm_url_encode(n->s, sizeof n->s, value))
        n->cut = true;
    return n->cut ? MHD_NO : MHD_YES;
}

/* A page_no that needs a signed-in user, asked for without one: 303 to the logon form, which
 * comes back here (a GET) afterwards. reason: "idle" after inactivity, or NULL. */
static void to_login(http_req *r, reply *out, const char *reason)
{
    char loc[1200] = "/login?";
    if (reason) {
        strcat(loc, "reason=");
        strcat(loc, reason);
    }
    if (strcmp(r->method, "GET") == 0 && strcmp(r->url, "/") != 0) {
        next_buf n = {.first = true};
        snprintf(n.s, sizeof n.s, "%s", r->url);
        MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_query, &n);
        char enc[1000] = "";
        if (!n.cut && mm_url_encode(enc, sizeof enc, n.s)) {
            strcat(loc, reason ? "&next=" : "next=");
            strcat(loc, enc);
        }
    }
    size_t l = strlen(loc);
    if (loc[l - 1] == '?')
        loc[l - 1] = '\0';
    web_redirect(out, loc);
    if (reason) /* the ended session's cookie */
        out->set_cookie =
            strdup(r->srv->tls ? "mm_session=; HttpOnly; SameSite=Strict; Path=/; "
                                 "Max-Age=0; Secure"
                               : "mm_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
}

/* The form of an html POST into r->form; false after filling out (a 400 page_no). */
static bool read_form(http_req *r, reply *out)
{
    mm_form *f = calloc(1, sizeof *f);
    if (!f) {
        web_error_page(r, out, 503, "error.busy");
        return false;
    }
    r->form = f;
    char msg[160];
    if (mm_form_parse(f, req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE), r->body, r->body_len,
                      r->srv->max_body, msg, sizeof msg) != 0) {
        web_error_page(r, out, 400, "error.form");
        return false;
    }
    return true;
}

/* Constant-time comparison of a form's csrf field with expected (64 hex digits). */
static bool form_csrf_ok(const http_req *r, const char *expected)
{
    const char *v = mm_form_value(r->form, "csrf");
    return v && expected && strlen(v) == 64 && strlen(expected) == 64 &&
           sodium_memcmp(v, expected, 64) == 0;
}

void mm_api_dispatch(http_req *r, reply *out)
{
    const route *rt = NULL;
    char allow[64] = "";
    for (size_t i = 0; i < NROUTES; i++) {
        if (!match(r, routes[i].pattern, r->url))
            continue;
        const char *m = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
        if (strcmp(routes[i].method, m) == 0) {
            rt = &routes[i];
            break;
        }
        if (strlen(allow) + strlen(routes[i].method) + 3 < sizeof allow) {
            if (allow[0])
                strcat(allow, ", ");
            strcat(allow, routes[i].method);
        }
    }
    if (!rt) {
        if (strstr(allow, "GET") && strlen(allow) + 7 < sizeof allow)
            strcat(allow, ", HEAD");
        if (allow[0]) {
            reply_error(out, 405, "method_not_allowed", "%s is not allowed here (allowed: %s)",
                        r->method, allow);
            snprintf(out->allow, sizeof out->allow, "%s", allow);
            return;
        }
        const char *acc = req_header(r, MHD_HTTP_HEADER_ACCEPT);
        if (strncmp(r->url, "/api/", 5) != 0 && acc && strstr(acc, "text/html")) {
            web_error_page(r, out, 404, "error.not_found");
            return;
        }
        reply_error(out, 404, "not_found", "no such resource");
        return;
    }
    /* a page_no's form: its csrf field stands for the X-CSRF-Token header */
    if (rt->html && unsafe(r->method) && !read_form(r, out))
        return;
    /* who is asking */
    if (rt->need != NEED_NONE) {
        if (mm_auth_resolve(r, out) != 0) {
            if (rt->html) {
                /* an ended session: back to the logon form, saying why when it was idle */
                const char *msg = json_string_value(
                    json_object_get(json_object_get(out->json, "error"), "message"));
                to_login(r, out, msg && strstr(msg, "inactivity") ? "idle" : "ended");
            }
            return;
        }
        if (!r->who.authenticated && rt->need != NEED_ANY) {
            if (rt->html) {
                to_login(r, out, NULL);
                return;
            }
            reply_error(out, 401, "unauthenticated",
                        "sign in (POST /api/v1/session) or send Authorization: Bearer TOKEN");
            return;
        }
        if (r->who.via_session && unsafe(r->method) &&
            !(rt->html ? form_csrf_ok(r, r->who.csrf) : mm_auth_csrf_ok(r))) {
            if (rt->html) {
                web_error_page(r, out, 403, "error.csrf");
                return;
            }
            reply_error(out, 403, "forbidden",
                        "missing or wrong X-CSRF-Token header (the csrf_token given at logon)");
            return;
        }
        if (r->who.must_change && !rt->one_time_ok) {
            if (rt->html) {
                web_redirect(out, "/password");
                return;
            }
            reply_error(out, 403, "password_change_required",
                        "change the one-time password first: POST /api/v1/password");
            return;
        }
    } else if (rt->html && unsafe(r->method)) {
        /* the logon form: no session yet, so a double-submit cookie set with the form */
        const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "mm_prelogin");
        if (!form_csrf_ok(r, c)) {
            web_error_page(r, out, 403, "error.prelogin");
            return;
        }
    }
    /* the organization concerned, and the decision */
    json_t *org = NULL, *sub = NULL;
    target_org t = {0};
    if (rt->target != T_NONE) {
        const char *org_id = rt->target == T_OWN_ORG ? r->who.org_id : r->param[0];
        if (rt->target == T_SUB) {
            if (mm_store_get_submission(r->st, &sub, r->param[0], false) == MM_OK)
                org_id = json_string_value(json_object_get(sub, "org_id"));
            else
                org_id = NULL;
        }
        if (org_id && org_id[0] && mm_store_get_org(r->st, &org, org_id) == MM_OK) {
            t.exists = true;
            t.id = json_string_value(json_object_get(org, "id"));
            t.kind = json_string_value(json_object_get(org, "kind"));
            t.parent_id = json_string_value(json_object_get(org, "parent_id"));
            t.prime_consent = json_is_true(json_object_get(org, "prime_consent"));
        }
    }
    const char *why = NULL;
    int decision = mm_access_decide(&r->who, rt->need, rt->target == T_NONE ? NULL : &t, &why);
    json_decref(org);
    json_decref(sub);
    if (decision == 401) {
        if (rt->html) {
            to_login(r, out, NULL);
            return;
        }
        reply_error(out, 401, "unauthenticated", "sign in first");
        return;
    }
    if (decision == 404) {
        if (rt->html) {
            web_error_page(r, out, 404, "error.not_found");
            return;
        }
        reply_error(out, 404, "not_found", "no such resource");
        return;
    }
    if (decision) {
        if (rt->html) {
            web_error_page(r, out, 403, "error.forbidden");
            return;
        }
        reply_error(out, 403, "forbidden", "%s", why ? why : "not allowed");
        return;
    }
    /* the body */
    if (rt->body || rt->raw_body) {
        const char *ct = req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
        if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
            (ct[16] && ct[16] != ';' && ct[16] != ' ')) {
            reply_error(out, 415, "unsupported_media_type",
                        "send the body as Content-Type: application/json");
            return;
        }
    }
    if (rt->body) {
        char msg[200];
        r->json = mm_body_parse(r->body ? r->body : "", r->body_len, msg, sizeof msg);
        if (!r->json || mm_body_check(r->json, rt->body, msg, sizeof msg) != 0) {
            reply_error(out, 400, "bad_request", "%s", msg);
            return;
        }
    }
    rt->fn(r, out);
}
