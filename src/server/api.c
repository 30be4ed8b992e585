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
#include "server/export.h"
#include "server/form.h"
#include "server/internal.h"
#include "server/screen_national.h"
#include "server/list_filter.h"
#include "server/org_admin.h"
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

json_t *latest_view(const http_req *r, const json_t *sub)
{
    if (!sub)
        return json_null();
    /* the status date: the assessment's date, or the day received when it has none */
    const char *assessed = json_string_value(json_object_get(sub, "assessed"));
    if (!assessed)
        assessed = json_string_value(json_object_get(sub, "received"));
    const char *status = cmmc_server_status(r, json_string_value(json_object_get(sub, "framework")),
                                            json_string_value(json_object_get(sub, "status")),
                                            json_string_value(json_object_get(sub, "received")));
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

/* Sets on o the organization's latest submission (latest_view) as "latest", and its CMMC
 * status in time: "cmmc_level2" (cmmc_level2_view) and "cmmc_level1"; json null for each
 * when there is none. */
static void latest_of(http_req *r, json_t *o)
{
    const char *sid = json_string_value(json_object_get(o, "latest_submission"));
    json_t *sub = NULL;
    if (!sid || mm_store_get_submission(r->st, &sub, sid, false) != MM_OK)
        sub = NULL;
    json_object_set_new(o, "latest", latest_view(r, sub));
    json_object_set_new(o, "cmmc_level2", sub ? cmmc_level2_view(r, sub) : json_null());
    json_object_set_new(o, "cmmc_level1", sub ? cmmc_level1_view(sub) : json_null());
    /* the annual affirmation (32 CFR 170.22) of the latest submission */
    json_t *last = NULL;
    if (sub && mm_store_last_affirmation(r->st, &last, sid) != MM_OK)
        last = NULL;
    json_object_set_new(o, "last_affirmed",
                        last ? json_incref(json_object_get(last, "affirmed_on")) : json_null());
    affirmation_annotate(r, o);
    json_object_set_new(o, "affirmation", last ? last : json_null());
    json_decref(sub);
}

/* ---- organizations ------------------------------------------------------------------- */

void h_org_create(http_req *r, reply *out)
{
    const char *kind = json_string_value(json_object_get(r->json, "kind"));
    if (kind && strcmp(kind, "contractor") != 0) {
        reply_error(out, 400, "bad_request",
                    "$.kind: only contractors can be created (there is one authority)");
        return;
    }
    char id[37];
    act_fail f = {0};
    json_t *o = NULL;
    int rc =
        org_create(r, json_string_value(json_object_get(r->json, "name")),
                   json_object_get(r->json, "identifiers"),
                   json_string_value(json_object_get(r->json, "parent_id")), NULL, id, NULL, &f);
    if (rc == MM_OK && (rc = mm_store_get_org(r->st, &o, id)) != MM_OK)
        rc = act_failed(&f, ACT_STORE, rc, "%s", mm_error_last());
    if (rc) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 201, o);
}

void h_org_get(http_req *r, reply *out)
{
    json_t *o = NULL;
    int rc = mm_store_get_org(r->st, &o, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    latest_of(r, o);
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

void h_org_subs(http_req *r, reply *out)
{
    long long page_no, per_page;
    if (!paging(r, out, &page_no, &per_page))
        return;
    mm_org_query q = {.kind = "contractor",
                      .parent_id = r->param[0],
                      .sort = "name",
                      .stale_before = r->stale_before,
                      .expired_before = r->cmmc_expired_before,
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
            json_object_del(it, "last_affirmed");
        }
        json_object_set_new(it, "status_visible", json_boolean(consent || r->who.authority));
        json_object_del(it, "latest_submission");
    }
    paged(out, res, page_no, per_page);
}

void h_org_consent(http_req *r, reply *out)
{
    bool c = json_is_true(json_object_get(r->json, "prime_may_see_status"));
    act_fail f = {0};
    if (org_set_prime_consent(r, r->param[0], c, &f)) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 200, json_pack("{s:s,s:b}", "id", r->param[0], "prime_may_see_status", c));
}

/* ---- users --------------------------------------------------------------------------- */

void h_users_list(http_req *r, reply *out)
{
    json_t *items = NULL;
    int rc = mm_store_list_users(r->st, &items, r->param[0]);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "items", items));
}

void h_users_create(http_req *r, reply *out)
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
    rc = mm_audited_commit(
        r->st, rc, r->who.login, "user.create", obj,
        json_pack("{s:s,s:s,s:s}", "login", login, "role", role, "org_id", r->param[0]));
    sodium_memzero(hash, sizeof hash);
    if (rc == MM_ECONFLICT) { /* the login of a user deleted less than 90 days ago */
        sodium_memzero(password, sizeof password);
        reply_error(out, 409, "conflict", "$.login: %s", mm_error_last());
        return;
    }
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

/* ---- submissions --------------------------------------------------------------------- */

void h_submit(http_req *r, reply *out)
{
    char *receipt = NULL;
    act_fail f = {0};
    if (submission_ingest_request(r, r->body, r->body_len, &receipt, &f) != MM_OK) {
        reply_fail(out, &f);
        /* a replay: the caller's own original and where its receipt is (the store only ever
         * finds the caller's organization's submissions) */
        if (f.kind == ACT_CONFLICT && f.original[0] && out->json) {
            char link[80];
            snprintf(link, sizeof link, "/api/v1/submissions/%s/receipt", f.original);
            json_object_set_new(out->json, "submission_id", json_string(f.original));
            json_object_set_new(out->json, "receipt", json_string(link));
        }
        return;
    }
    out->status = 201;
    out->text = receipt;
    out->ctype = "application/json; charset=utf-8";
}

void h_subs_list(http_req *r, reply *out)
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

void h_sub_receipt(http_req *r, reply *out)
{
    json_t *sub = NULL;
    char *receipt = NULL;
    int rc = mm_store_get_submission(r->st, &sub, r->param[0], false);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    rc = submission_receipt(&receipt, sub, r->srv->server_sk);
    json_decref(sub);
    if (rc) {
        mm_server_log_json("error", "receipt", json_pack("{s:s}", "error", mm_error_last()));
        reply_error(out, 500, "internal", "the receipt could not be signed");
        return;
    }
    out->status = 200;
    out->text = receipt;
    out->ctype = "application/json; charset=utf-8";
}

void h_sub_get(http_req *r, reply *out)
{
    const char *b = req_query(r, "body");
    json_t *sub = NULL;
    if (!(b && strcmp(b, "1") == 0)) {
        /* without its body: rendered once, from the submission cache */
        mm_shared_text *text = NULL;
        int rc = mm_submission_shared(r, r->param[0], &text);
        if (rc) {
            reply_store_error(out, rc);
            return;
        }
        out->status = 200;
        out->shared = text;
        out->ctype = "application/json; charset=utf-8";
        return;
    }
    int rc = mm_store_get_submission(r->st, &sub, r->param[0], true);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, sub);
}

void h_sub_diff(http_req *r, reply *out)
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
    const char *f = req_query(r, "format"); /* json or csv (routes.c checked it) */
    if (f && f[0])
        return strcmp(f, "csv") == 0;
    const char *acc = req_header(r, MHD_HTTP_HEADER_ACCEPT);
    return acc && strstr(acc, "text/csv") && !strstr(acc, "application/json");
}

static void contractors_csv(json_t *items, reply *out)
{
    mm_buf b = {0};
    contractors_csv_header(&b);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) contractors_csv_row(&b, it);
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
    /* routes.c checked every value (q_contractors_api); an empty value is the same as none */
    const char *sort = req_query(r, "sort"), *order = req_query(r, "order");
    list_filter f;
    list_filter_read(&f, r);
    bool csv = wants_csv(r);
    mm_org_query qq = {.kind = "contractor",
                       .parent_id = req_query(r, "parent"),
                       .sort = sort && sort[0] ? sort : "name",
                       .desc = mm_streq(order, "desc"),
                       .offset = (page_no - 1) * per_page,
                       .limit = per_page};
    list_filter_query(&f, r, &qq);
    json_t *res = NULL;
    int rc = mm_store_list_orgs(r->st, &res, &qq);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(res, "items"), i, it)
    {
        json_object_del(it, "latest_submission");
        affirmation_annotate(r, it);
    }
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

/* Appends sep (unless 0) and s to key at *n; false when it does not fit (with the NUL). */
static bool key_put(char *key, size_t size, size_t *n, const char *s, char sep)
{
    size_t len = strlen(s);
    if (*n + len + 2 > size)
        return false;
    if (sep)
        key[(*n)++] = sep;
    memcpy(key + *n, s, len);
    *n += len;
    return true;
}

/* The cached authority views: the key is the route, today's date (stale and overdue
 * depend on it) and every query parameter the handler reads. */
static void cached_view(http_req *r, reply *out, const char *route, const char *const *params,
                        handler_fn fn)
{
    int64_t version = 0;
    if (req_store_version(r, &version) != MM_OK) {
        fn(r, out); /* no version, no cache */
        return;
    }
    /* route US today (US name=value)...: copied into a fixed buffer; too long, no cache */
    char key[2048];
    size_t n = 0;
    bool fits =
        key_put(key, sizeof key, &n, route, 0) && key_put(key, sizeof key, &n, r->today, 0x1f);
    for (const char *const *p = params; fits && *p; p++) {
        const char *v = req_query(r, *p);
        fits = key_put(key, sizeof key, &n, *p, 0x1f) &&
               key_put(key, sizeof key, &n, v ? v : "\x1e", '=');
    }
    if (!fits) {
        fn(r, out);
        return;
    }
    key[n] = '\0';
    if (!mm_view_cache_get(key, version, out)) {
        fn(r, out);
        mm_view_cache_put(key, version, out);
    }
}

void h_contractors_cached(http_req *r, reply *out)
{
    static const char *const params[] = {
        "page",          "per_page",    "sort",        "order",     "status",        "q",
        "parent",        "format",      "affirmation", "framework", "overdue",       "sector",
        "supply",        "supplier_of", "score_min",   "score_max", "assessed_from", "assessed_to",
        "received_from", "received_to", NULL};
    /* CSV chosen by the Accept header (no ?format) gets a key of its own */
    const char *f = req_query(r, "format");
    bool accept_csv = !(f && f[0]) && wants_csv(r);
    cached_view(r, out, accept_csv ? "contractors.csv" : "contractors", params, h_contractors);
}

void h_failures_cached(http_req *r, reply *out)
{
    static const char *const params[] = {"limit", NULL};
    cached_view(r, out, "failures", params, h_failures);
}

void h_overdue_cached(http_req *r, reply *out)
{
    static const char *const params[] = {"page", "per_page", NULL};
    cached_view(r, out, "overdue", params, h_overdue);
}

/* The national picture (screen_national.c): one query per party organization, so it is kept
 * like the other authority views until the store changes; it depends on the stored data and
 * the day alone, never on which authority reader asks. */
void h_national_cached(http_req *r, reply *out)
{
    static const char *const params[] = {NULL};
    cached_view(r, out, "national", params, h_national);
}

void h_national_sector_cached(http_req *r, reply *out)
{
    static const char *const params[] = {NULL};
    char route[160];
    if (snprintf(route, sizeof route, "national/%s", r->param[0]) >= (int)sizeof route) {
        h_national_sector(r, out);
        return;
    }
    cached_view(r, out, route, params, h_national_sector);
}

/* ---- public -------------------------------------------------------------------------- */

void h_healthz(http_req *r, reply *out)
{
    (void)r;
    reply_json(out, 200, json_pack("{s:s}", "status", "ok"));
}

void h_readyz(http_req *r, reply *out)
{
    int v = 0;
    if (mm_store_schema_version(r->st, &v) != MM_OK) {
        reply_error(out, 503, "unavailable", "the store does not answer");
        return;
    }
    reply_json(out, 200, json_pack("{s:s,s:i}", "status", "ready", "schema", v));
}

void h_version(http_req *r, reply *out)
{
    int v = 0;
    if (mm_store_schema_version(r->st, &v) != MM_OK) {
        reply_error(out, 503, "unavailable", "the store does not answer");
        return;
    }
    reply_json(out, 200, json_pack("{s:s,s:i}", "mamori", MM_VERSION, "schema", v));
}

void h_server_key(http_req *r, reply *out)
{
    char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, r->srv->server_pk, 32, sodium_base64_VARIANT_ORIGINAL);
    reply_json(out, 200,
               json_pack("{s:s,s:s,s:s,s:O}", "kind", "mamori-server-key", "public_key", b64,
                         "key_id", r->srv->server_key_id, "retired", r->srv->retired_keys));
}
