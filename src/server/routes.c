/* mamori serve: the route table, the single list of endpoints (docs/api.md's table is
 * checked against it by tests/server/test_routes.sh), and the dispatch: route, credentials,
 * CSRF, the access decision (access.c), the body's shape, then the handler. */
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/bodies.h"
#include "server/cache.h"
#include "server/export.h"
#include "server/form.h"
#include "server/notify.h"
#include "server/org_admin.h"
#include "server/federation.h"
#include "server/internal.h"
#include "server/portfolio.h"
#include "server/products.h"
#include "server/screen_report.h"
#include "server/taxii.h"
#include "server/supply.h"
#include "server/screen.h"
#include "server/screen_national.h"
#include "server/share_core.h"
#include "server/web.h"

/* ---- the route table ----------------------------------------------------------------- */

/* T_OWN_ORG: the caller's own organization (the dashboard's /my pages) */
typedef enum target_kind { T_NONE, T_ORG, T_SUB, T_OWN_ORG } target_kind;

/* What a route is besides who may call it (named flags, or'd). */
enum route_flag {
    /* a dashboard page (web_*.c): no credentials redirect to /login, 403 and 404 are HTML
     * pages, a POST is a form whose csrf field is checked */
    ROUTE_HTML = 1 << 0,
    ROUTE_RAW_BODY = 1 << 1,    /* the handler reads the raw JSON body (submissions, items) */
    ROUTE_ONE_TIME_OK = 1 << 2, /* allowed before a one-time password is changed */
    /* TAXII 2.1 (taxii.c, taxii_edge.c): Accept and Content-Type are TAXII's (406, 415),
     * Basic credentials are taken, errors are TAXII error messages; the body is the
     * handler's */
    ROUTE_TAXII = 1 << 3,
};

/* A query parameter: enumerated (its allowed values, NULL-terminated), or of a form (values
 * NULL: its row in query_forms). Any other value answers 400 naming the parameter and what
 * it takes; an empty value is the same as none. */
typedef struct query_choice {
    const char *name;
    const char *const *values;
} query_choice;

/* The forms of the parameters that are not enumerated, by name (the same on every route). */
typedef enum query_kind {
    Q_DATE, /* YYYY-MM-DD */
    Q_INT,  /* a whole number from min to max */
    Q_TEXT, /* any text of at most max bytes */
} query_kind;
static const struct query_form {
    const char *name;
    query_kind kind;
    long long min, max;
} query_forms[] = {
    {"q", Q_TEXT, 0, 200},
    {"sector", Q_TEXT, 0, 100},
    {"supplier_of", Q_TEXT, 0, 64},
    /* whole percentages of a framework's maximum: SPRS goes down to -203 of 110 */
    {"score_min", Q_INT, -300, 100},
    {"score_max", Q_INT, -300, 100},
    {"assessed_from", Q_DATE, 0, 0},
    {"assessed_to", Q_DATE, 0, 0},
    {"received_from", Q_DATE, 0, 0},
    {"received_to", Q_DATE, 0, 0},
    {"since", Q_DATE, 0, 0},
    {"page", Q_INT, 1, 100000},
    {"months", Q_INT, 1, 60},
    /* the audit log (audit_api.c): an actor's login, an organization's id, ids */
    {"actor", Q_TEXT, 0, 100},
    {"org", Q_TEXT, 0, 64},
    {"from", Q_DATE, 0, 0},
    {"to", Q_DATE, 0, 0},
    {"before", Q_INT, 1, 99999999999},
    {"after", Q_INT, 1, 99999999999},
    {"limit", Q_INT, 1, MM_AUDIT_PAGE_MAX},
};

static const char *const q_format[] = {"json", "csv", NULL};
static const char *const q_status[] = {
    "meets", "conditional", "conditional-expired", "not-met", "no-valid-score", "stale",
    "none",  NULL};
static const char *const q_affirmation[] = {"due", "overdue", NULL};
static const char *const q_sort_api[] = {"name", "score", "status", "assessed", "received", NULL};
static const char *const q_sort_page[] = {"name", "score", "status", "assessed", NULL};
static const char *const q_order[] = {"asc", "desc", NULL};
static const char *const q_bool[] = {"0", "1", NULL};
static const char *const q_framework[] = {"800-171r2", "800-171r3", NULL};
static const char *const q_reason[] = {"idle", "ended", NULL};
static const char *const q_lang[] = {"ja", "en", NULL};

/* the contractor list's filters (list_filter.c), the same on the page, the API and the CSV */
static const char *const q_supply[] = {"prime", "supplier", NULL};
#define Q_LIST_FILTERS                                                                             \
    {"status", q_status}, {"affirmation", q_affirmation}, {"framework", q_framework},              \
        {"overdue", q_bool}, {"supply", q_supply}, {"sector", NULL}, {"supplier_of", NULL},        \
        {"q", NULL}, {"score_min", NULL}, {"score_max", NULL}, {"assessed_from", NULL},            \
        {"assessed_to", NULL}, {"received_from", NULL},                                            \
    {                                                                                              \
        "received_to", NULL                                                                        \
    }
static const query_choice q_contractors_api[] = {
    {"format", q_format}, {"sort", q_sort_api}, {"order", q_order}, Q_LIST_FILTERS, {0}};
static const query_choice q_contractors_page[] = {
    {"sort", q_sort_page}, {"order", q_order}, Q_LIST_FILTERS, {0}};
static const query_choice q_contractors_csv[] = {
    {"sort", q_sort_api}, {"order", q_order}, Q_LIST_FILTERS, {0}};
/* the portfolio views (portfolio.c, web_trends.c) */
static const query_choice q_trends[] = {{"months", NULL}, {0}};
static const query_choice q_changes[] = {{"since", NULL}, {0}};
static const query_choice q_paged_page[] = {{"page", NULL}, {0}};
static const query_choice q_submission[] = {{"body", q_bool}, {0}};
static const query_choice q_login[] = {{"reason", q_reason}, {0}};
/* a recognition claim's target scheme (docs/iot.md): scheme ids and pack ids */
static const char *const q_as_values[] = {
    "jc-star", "jc-star-star1", "uk-psti", "etsi-en-303-645", "us-cyber-trust-mark", "nistir-8425",
    NULL};
static const query_choice q_as[] = {{"as", q_as_values}, {0}};
/* the shared items' list (web_items.c): the label filter */
static const char *const q_tlp_filter[] = {"clear", "green", "amber", "amber-strict", "red", NULL};
static const query_choice q_items_page[] = {{"tlp", q_tlp_filter}, {0}};
/* the organizations' list and form (web_orgs.c) */
static const query_choice q_orgs_page[] = {{"q", NULL}, {"page", NULL}, {0}};
static const query_choice q_org_edit[] = {{"saved", q_bool}, {0}};
/* the community's member picker (web_communities.c) */
static const query_choice q_search_page[] = {{"q", NULL}, {0}};
/* the supply chain (supply_api.c) */
static const char *const q_handles[] = {"cui", "fci", "mod-protected", "none", NULL};
static const char *const q_check[] = {"ok",         "missing",  "expired", "not-met",
                                      "no-consent", "unstated", NULL};
static const char *const q_supply_status[] = {"meets",          "conditional", "not-met",
                                              "no-valid-score", "none",        NULL};
static const query_choice q_suppliers[] = {{"handles", q_handles}, {"check", q_check}, {0}};
static const query_choice q_supply_national[] = {{"status", q_supply_status}, {0}};
static const query_choice q_notifications[] = {{"unread", q_bool}, {0}};
static const char *const q_map_format[] = {"json", "graphml", NULL};
static const char *const q_map_group[] = {"none", "sector", "country", NULL};
static const char *const q_map_status[] = {"meets",          "conditional", "not-met",
                                           "no-valid-score", "none",        NULL};
static const query_choice q_supply_map[] = {
    {"format", q_map_format}, {"group", q_map_group}, {"status", q_map_status}, {0}};
static const query_choice q_map_page[] = {{"group", q_map_group}, {"status", q_map_status}, {0}};
/* the national aggregate of critical infrastructure (screen_national_api.c) */
static const char *const q_national_format[] = {"json", "stix", NULL};
static const query_choice q_national_aggregate[] = {
    {"format", q_national_format}, {"tlp", q_tlp_filter}, {0}};
/* the screening report (screen_report.c) */
static const char *const q_report_format[] = {"json", "html", NULL};
static const query_choice q_screen_report[] = {{"format", q_report_format}, {0}};
/* the audit log (audit_api.c, web_audit.c): the same filters on the API and the page */
static const query_choice q_audit[] = {{"actor", NULL},
                                       {"action", audit_actions},
                                       {"org", NULL},
                                       {"from", NULL},
                                       {"to", NULL},
                                       {"before", NULL},
                                       {"after", NULL},
                                       {"limit", NULL},
                                       {0}};
static const query_choice q_audit_csv[] = {
    {"actor", NULL}, {"action", audit_actions}, {"org", NULL}, {"from", NULL}, {"to", NULL}, {0}};
/* every page: the language switch */
static const query_choice q_page[] = {{"lang", q_lang}, {0}};

typedef struct route {
    const char *method;
    const char *pattern; /* "{}" matches one path segment */
    need need;
    target_kind target;     /* T_NONE when not given */
    const body_field *body; /* JSON body checked against this; NULL: no JSON body */
    unsigned flags;         /* enum route_flag */
    handler_fn fn;
    const query_choice *query; /* its enumerated query parameters, or NULL */
} route;

/* clang-format off */
static const route routes[] = {
    {.method = "GET", .pattern = "/healthz", .need = NEED_NONE, .flags = ROUTE_ONE_TIME_OK,
     .fn = h_healthz},
    {.method = "GET", .pattern = "/readyz", .need = NEED_NONE, .flags = ROUTE_ONE_TIME_OK,
     .fn = h_readyz},
    {.method = "GET", .pattern = "/metrics", .need = NEED_AUTHORITY_READ, .fn = h_metrics},
    /* the audit log read and verified (audit_api.c, docs/api.md "The audit log") */
    {.method = "GET", .pattern = "/api/v1/audit", .need = NEED_AUTHORITY_ADMIN, .fn = h_audit_list,
     .query = q_audit},
    {.method = "POST", .pattern = "/api/v1/audit/verify", .need = NEED_AUTHORITY_ADMIN,
     .fn = h_audit_verify},
    {.method = "GET", .pattern = "/api/v1/audit.csv", .need = NEED_AUTHORITY_ADMIN,
     .fn = h_audit_export, .query = q_audit_csv},
    {.method = "GET", .pattern = "/api/v1/version", .need = NEED_NONE, .flags = ROUTE_ONE_TIME_OK,
     .fn = h_version},
    {.method = "GET", .pattern = "/api/v1/server-key", .need = NEED_NONE,
     .flags = ROUTE_ONE_TIME_OK, .fn = h_server_key},
    {.method = "POST", .pattern = "/api/v1/session", .need = NEED_NONE, .body = body_login,
     .flags = ROUTE_ONE_TIME_OK, .fn = h_login},
    {.method = "GET", .pattern = "/api/v1/session", .need = NEED_SELF, .flags = ROUTE_ONE_TIME_OK,
     .fn = h_whoami},
    {.method = "DELETE", .pattern = "/api/v1/session", .need = NEED_SELF,
     .flags = ROUTE_ONE_TIME_OK, .fn = h_logout},
    {.method = "POST", .pattern = "/api/v1/password", .need = NEED_SELF, .body = body_password,
     .flags = ROUTE_ONE_TIME_OK, .fn = h_password},
    {.method = "GET", .pattern = "/api/v1/tokens", .need = NEED_SELF, .fn = h_tokens_list},
    {.method = "POST", .pattern = "/api/v1/tokens", .need = NEED_SELF, .body = body_token,
     .fn = h_tokens_create},
    {.method = "DELETE", .pattern = "/api/v1/tokens/{}", .need = NEED_SELF, .fn = h_tokens_revoke},
    {.method = "GET", .pattern = "/api/v1/contractors", .need = NEED_AUTHORITY_READ,
     .fn = h_contractors_cached, .query = q_contractors_api},
    {.method = "GET", .pattern = "/api/v1/contractors.csv", .need = NEED_AUTHORITY_READ,
     .fn = h_contractors_export, .query = q_contractors_csv},
    {.method = "GET", .pattern = "/api/v1/trends", .need = NEED_AUTHORITY_READ, .fn = h_trends,
     .query = q_trends},
    {.method = "GET", .pattern = "/api/v1/changes", .need = NEED_AUTHORITY_READ, .fn = h_changes,
     .query = q_changes},
    {.method = "POST", .pattern = "/api/v1/organizations", .need = NEED_AUTHORITY_ADMIN,
     .body = body_org, .fn = h_org_create},
    {.method = "GET", .pattern = "/api/v1/organizations/{}", .need = NEED_ORG_SUMMARY,
     .target = T_ORG, .fn = h_org_get},
    {.method = "PUT", .pattern = "/api/v1/organizations/{}", .need = NEED_AUTHORITY_ADMIN,
     .body = body_org_update, .fn = h_org_update},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/subcontractors", .need = NEED_ORG_READ,
     .target = T_ORG, .fn = h_org_subs},
    {.method = "PUT", .pattern = "/api/v1/organizations/{}/consent", .need = NEED_ORG_ADMIN,
     .target = T_ORG, .body = body_consent, .fn = h_org_consent},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/users", .need = NEED_ORG_USERS,
     .target = T_ORG, .fn = h_users_list},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/users", .need = NEED_ORG_USERS,
     .target = T_ORG, .body = body_user, .fn = h_users_create},
    /* account administration (api_users.c, users.c) */
    {.method = "POST", .pattern = "/api/v1/organizations/{}/users/{}/unlock",
     .need = NEED_ORG_USERS, .target = T_ORG, .fn = h_user_unlock},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/users/{}/reset",
     .need = NEED_ORG_USERS, .target = T_ORG, .fn = h_user_reset},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/users/{}/disable",
     .need = NEED_ORG_USERS, .target = T_ORG, .fn = h_user_disable},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/users/{}/enable",
     .need = NEED_ORG_USERS, .target = T_ORG, .fn = h_user_enable},
    {.method = "DELETE", .pattern = "/api/v1/organizations/{}/users/{}", .need = NEED_ORG_USERS,
     .target = T_ORG, .fn = h_user_delete},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/keys", .need = NEED_ORG_READ,
     .target = T_ORG, .fn = h_keys_list},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/keys", .need = NEED_ORG_ADMIN,
     .target = T_ORG, .body = body_key, .fn = h_keys_add},
    {.method = "DELETE", .pattern = "/api/v1/organizations/{}/keys/{}", .need = NEED_ORG_ADMIN,
     .target = T_ORG, .fn = h_keys_revoke},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/submissions", .need = NEED_ORG_READ,
     .target = T_ORG, .fn = h_subs_list},
    /* annual affirmations, 32 CFR 170.22 (affirmation.c): the contractor-admin sends the
     * affirming official's signed affirmation of the latest submission */
    {.method = "POST", .pattern = "/api/v1/organizations/{}/affirmations", .need = NEED_ORG_ADMIN,
     .target = T_ORG, .flags = ROUTE_RAW_BODY, .fn = h_affirm_create},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/affirmations", .need = NEED_ORG_READ,
     .target = T_ORG, .fn = h_affirm_list},
    {.method = "POST", .pattern = "/api/v1/submissions", .need = NEED_SUBMIT,
     .flags = ROUTE_RAW_BODY, .fn = h_submit},
    {.method = "GET", .pattern = "/api/v1/submissions/{}", .need = NEED_SUB_READ, .target = T_SUB,
     .fn = h_sub_get, .query = q_submission},
    {.method = "GET", .pattern = "/api/v1/submissions/{}/diff/{}", .need = NEED_SUB_READ,
     .target = T_SUB, .fn = h_sub_diff},
    {.method = "GET", .pattern = "/api/v1/submissions/{}/receipt", .need = NEED_SUB_OWN,
     .target = T_SUB, .fn = h_sub_receipt},
    {.method = "GET", .pattern = "/api/v1/requirements/failures", .need = NEED_AUTHORITY_READ,
     .fn = h_failures_cached},
    {.method = "GET", .pattern = "/api/v1/poam/overdue", .need = NEED_AUTHORITY_READ,
     .fn = h_overdue_cached},
    /* shared threat information under TLP 2.0 (share_api.c, share_merge.c, docs/sharing.md);
     * the item reads are NEED_ANY: what each reader may see is decided per item by
     * mm_tlp_may_read */
    {.method = "POST", .pattern = "/api/v1/communities", .need = NEED_AUTHORITY_ADMIN,
     .body = body_community, .fn = h_communities_create},
    {.method = "GET", .pattern = "/api/v1/communities", .need = NEED_SELF,
     .fn = h_communities_list},
    {.method = "PUT", .pattern = "/api/v1/communities/{}", .need = NEED_AUTHORITY_ADMIN,
     .body = body_community_update, .fn = h_community_update},
    {.method = "POST", .pattern = "/api/v1/communities/{}/members", .need = NEED_AUTHORITY_ADMIN,
     .body = body_member, .fn = h_community_member_add},
    {.method = "DELETE", .pattern = "/api/v1/communities/{}/members/{}",
     .need = NEED_AUTHORITY_ADMIN, .fn = h_community_member_remove},
    {.method = "POST", .pattern = "/api/v1/items", .need = NEED_SELF, .flags = ROUTE_RAW_BODY,
     .fn = h_items_create},
    {.method = "GET", .pattern = "/api/v1/items", .need = NEED_ANY, .fn = h_items_list},
    {.method = "GET", .pattern = "/api/v1/items/count", .need = NEED_ANY, .fn = h_items_count},
    {.method = "POST", .pattern = "/api/v1/items/merge", .need = NEED_SELF, .flags = ROUTE_RAW_BODY,
     .fn = h_items_merge},
    {.method = "POST", .pattern = "/api/v1/items/import", .need = NEED_SELF,
     .flags = ROUTE_RAW_BODY, .fn = h_items_import},
    {.method = "GET", .pattern = "/api/v1/items/{}", .need = NEED_ANY, .fn = h_item_get},
    {.method = "GET", .pattern = "/api/v1/items/{}/export", .need = NEED_ANY, .fn = h_item_export},
    {.method = "GET", .pattern = "/api/v1/items/{}/stix", .need = NEED_ANY, .fn = h_item_stix},
    {.method = "POST", .pattern = "/api/v1/items/{}/share", .need = NEED_SELF,
     .flags = ROUTE_RAW_BODY, .fn = h_item_share},
    {.method = "POST", .pattern = "/api/v1/items/{}/permissions", .need = NEED_SELF,
     .flags = ROUTE_RAW_BODY, .fn = h_item_permission},
    {.method = "POST", .pattern = "/api/v1/items/{}/reshare", .need = NEED_SELF,
     .flags = ROUTE_RAW_BODY, .fn = h_item_reshare},
    /* incident reports (incident_api.c, docs/incidents.md): reads through the sharing core */
    {.method = "POST", .pattern = "/api/v1/incidents", .need = NEED_SUBMIT, .flags = ROUTE_RAW_BODY,
     .fn = h_incidents_create},
    {.method = "GET", .pattern = "/api/v1/incidents", .need = NEED_SELF, .fn = h_incidents_list},
    {.method = "GET", .pattern = "/api/v1/incidents/{}", .need = NEED_SELF, .fn = h_incident_get},
    /* IoT products, their labels and signed recognition claims (products.c, products_api.c,
     * docs/iot.md): a manufacturer's users see its own, the authority's every one */
    {.method = "GET", .pattern = "/api/v1/products", .need = NEED_AUTHORITY_READ,
     .fn = h_products_all},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/products", .need = NEED_ORG_READ,
     .target = T_ORG, .fn = h_products_list},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/products", .need = NEED_ORG_ADMIN,
     .target = T_ORG, .body = body_product, .fn = h_product_create},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/products/{}", .need = NEED_ORG_READ,
     .target = T_ORG, .fn = h_product_get},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/products/{}/labels",
     .need = NEED_ORG_ADMIN, .target = T_ORG, .body = body_label, .fn = h_product_label_add},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/products/{}/recognition",
     .need = NEED_ORG_READ, .target = T_ORG, .fn = h_product_recognition, .query = q_as},
    /* TAXII 2.1 (taxii.c, docs/taxii.md): the collections' reads go through the sharing
     * core, as the items' API's */
    {.method = "GET", .pattern = "/taxii2/", .need = NEED_SELF, .flags = ROUTE_TAXII,
     .fn = h_taxii_discovery},
    {.method = "GET", .pattern = "/taxii2/api/", .need = NEED_SELF, .flags = ROUTE_TAXII,
     .fn = h_taxii_root},
    {.method = "GET", .pattern = "/taxii2/api/status/{}/", .need = NEED_SELF,
     .flags = ROUTE_TAXII, .fn = h_taxii_status},
    {.method = "GET", .pattern = "/taxii2/api/collections/", .need = NEED_SELF,
     .flags = ROUTE_TAXII, .fn = h_taxii_collections},
    {.method = "GET", .pattern = "/taxii2/api/collections/{}/", .need = NEED_SELF,
     .flags = ROUTE_TAXII, .fn = h_taxii_collection},
    {.method = "GET", .pattern = "/taxii2/api/collections/{}/manifest/", .need = NEED_SELF,
     .flags = ROUTE_TAXII, .fn = h_taxii_manifest},
    {.method = "GET", .pattern = "/taxii2/api/collections/{}/objects/", .need = NEED_SELF,
     .flags = ROUTE_TAXII, .fn = h_taxii_objects},
    {.method = "POST", .pattern = "/taxii2/api/collections/{}/objects/", .need = NEED_SELF,
     .flags = ROUTE_TAXII, .fn = h_taxii_add},
    {.method = "GET", .pattern = "/taxii2/api/collections/{}/objects/{}/", .need = NEED_SELF,
     .flags = ROUTE_TAXII, .fn = h_taxii_object},
    {.method = "GET", .pattern = "/taxii2/api/collections/{}/objects/{}/versions/",
     .need = NEED_SELF, .flags = ROUTE_TAXII, .fn = h_taxii_versions},
    /* federation between authorities (federation.c, docs/taxii.md): a round now */
    {.method = "POST", .pattern = "/api/v1/federation/run", .need = NEED_AUTHORITY_ADMIN,
     .fn = h_federation_run},
    /* clearances, the authority's policy table, need-to-know groups (clearance_api.c;
     * docs/sharing.md "Gated items") */
    {.method = "GET", .pattern = "/api/v1/clearances", .need = NEED_AUTHORITY_READ,
     .fn = h_clearances_list},
    {.method = "POST", .pattern = "/api/v1/clearances", .need = NEED_AUTHORITY_ADMIN,
     .body = body_clearance, .fn = h_clearances_create},
    {.method = "POST", .pattern = "/api/v1/clearances/{}/revoke", .need = NEED_AUTHORITY_ADMIN,
     .fn = h_clearance_revoke},
    {.method = "GET", .pattern = "/api/v1/clearance-policy", .need = NEED_AUTHORITY_READ,
     .fn = h_policy_list},
    {.method = "POST", .pattern = "/api/v1/clearance-policy", .need = NEED_AUTHORITY_ADMIN,
     .body = body_policy, .fn = h_policy_add},
    {.method = "DELETE", .pattern = "/api/v1/clearance-policy/{}", .need = NEED_AUTHORITY_ADMIN,
     .fn = h_policy_remove},
    {.method = "GET", .pattern = "/api/v1/ntk-groups", .need = NEED_SELF, .fn = h_ntk_list},
    {.method = "POST", .pattern = "/api/v1/ntk-groups", .need = NEED_AUTHORITY_ADMIN,
     .body = body_ntk_group, .fn = h_ntk_create},
    {.method = "POST", .pattern = "/api/v1/ntk-groups/{}/members", .need = NEED_SELF,
     .body = body_ntk_member, .fn = h_ntk_member_add},
    {.method = "DELETE", .pattern = "/api/v1/ntk-groups/{}/members/{}", .need = NEED_SELF,
     .fn = h_ntk_member_remove},
    /* the dashboard (web_*.c, docs/dashboard.md) */
    /* the supply chain (supply_api.c, docs/supply-chain.md): who sees which edge and status is
     * decided by the store's consent rules; the routes' needs decide who may ask */
    {.method = "GET", .pattern = "/api/v1/clauses", .need = NEED_SELF, .fn = h_clauses_list},
    {.method = "PUT", .pattern = "/api/v1/clauses/{}/statement", .need = NEED_AUTHORITY_ADMIN,
     .body = body_clause_statement, .fn = h_clause_statement},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/suppliers", .need = NEED_ORG_ADMIN,
     .target = T_ORG, .flags = ROUTE_RAW_BODY, .fn = h_suppliers_create},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/suppliers", .need = NEED_ORG_READ,
     .target = T_ORG, .fn = h_suppliers_list, .query = q_suppliers},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/customers", .need = NEED_ORG_READ,
     .target = T_ORG, .fn = h_customers_list},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/supply/{}/confirm",
     .need = NEED_ORG_ADMIN, .target = T_ORG, .fn = h_supply_confirm},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/supply/{}/end", .need = NEED_ORG_ADMIN,
     .target = T_ORG, .fn = h_supply_end},
    {.method = "PUT", .pattern = "/api/v1/organizations/{}/supply-consent/{}",
     .need = NEED_ORG_ADMIN, .target = T_ORG, .body = body_supply_consent, .fn = h_supply_consent},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/affected", .need = NEED_AUTHORITY_READ,
     .fn = h_supply_affected},
    {.method = "PUT", .pattern = "/api/v1/organizations/{}/profile", .need = NEED_AUTHORITY_ADMIN,
     .body = body_org_profile, .fn = h_org_profile},
    {.method = "GET", .pattern = "/api/v1/supply", .need = NEED_AUTHORITY_READ,
     .fn = h_supply_national, .query = q_supply_national},
    {.method = "GET", .pattern = "/api/v1/notifications", .need = NEED_SELF,
     .fn = h_notifications_list, .query = q_notifications},
    {.method = "POST", .pattern = "/api/v1/notifications/{}/read", .need = NEED_SELF,
     .fn = h_notification_read},
    /* notifications delivered (notify_api.c, docs/notifications.md) */
    {.method = "GET", .pattern = "/api/v1/notify/preferences", .need = NEED_SELF,
     .fn = h_notify_prefs_get},
    {.method = "PUT", .pattern = "/api/v1/notify/preferences", .need = NEED_SELF,
     .flags = ROUTE_RAW_BODY, .fn = h_notify_prefs_put},
    {.method = "GET", .pattern = "/api/v1/notify/deliveries", .need = NEED_SELF,
     .fn = h_notify_deliveries},
    {.method = "POST", .pattern = "/api/v1/notify/run", .need = NEED_AUTHORITY_ADMIN,
     .fn = h_notify_run},
    {.method = "GET", .pattern = "/api/v1/supply/map", .need = NEED_SELF, .fn = h_supply_map,
     .query = q_supply_map},
    /* critical infrastructure: sectors, designations, installation plans (screen.c,
     * screen_api.c; docs/screening.md) */
    {.method = "GET", .pattern = "/api/v1/sectors", .need = NEED_SELF, .fn = h_sectors_list},
    {.method = "PUT", .pattern = "/api/v1/organizations/{}/sector", .need = NEED_AUTHORITY_ADMIN,
     .body = body_org_sector, .fn = h_org_sector},
    {.method = "GET", .pattern = "/api/v1/plans", .need = NEED_AUTHORITY_READ, .fn = h_plans_all},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/plans", .need = NEED_ORG_READ,
     .target = T_ORG, .fn = h_plans_list},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/plans", .need = NEED_ORG_USERS,
     .target = T_ORG, .flags = ROUTE_RAW_BODY, .fn = h_plan_create},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/plans/{}", .need = NEED_ORG_READ,
     .target = T_ORG, .fn = h_plan_get},
    {.method = "POST", .pattern = "/api/v1/organizations/{}/plans/{}/withdraw",
     .need = NEED_ORG_USERS, .target = T_ORG, .body = body_plan_withdraw, .fn = h_plan_withdraw},
    {.method = "POST", .pattern = "/api/v1/plans/{}/state", .need = NEED_AUTHORITY_ADMIN,
     .body = body_plan_state, .fn = h_plan_state},
    {.method = "POST", .pattern = "/api/v1/plans/{}/deadline", .need = NEED_AUTHORITY_ADMIN,
     .body = body_plan_deadline, .fn = h_plan_deadline},
    {.method = "GET", .pattern = "/api/v1/plans/{}/screening", .need = NEED_AUTHORITY_READ,
     .fn = h_plan_screening},
    /* the national picture and its shareable aggregate (screen_national*.c) */
    {.method = "GET", .pattern = "/api/v1/national", .need = NEED_AUTHORITY_READ,
     .fn = h_national_cached},
    {.method = "GET", .pattern = "/api/v1/national/aggregate", .need = NEED_AUTHORITY_READ,
     .fn = h_national_aggregate, .query = q_national_aggregate},
    {.method = "GET", .pattern = "/api/v1/national/sectors/{}", .need = NEED_AUTHORITY_READ,
     .fn = h_national_sector_cached},
    /* the signed screening report (screen_report.c) */
    {.method = "GET", .pattern = "/api/v1/plans/{}/report", .need = NEED_AUTHORITY_READ,
     .fn = h_plan_report, .query = q_screen_report},
    {.method = "GET", .pattern = "/api/v1/organizations/{}/plans/{}/report",
     .need = NEED_ORG_READ, .target = T_ORG, .fn = h_org_plan_report, .query = q_screen_report},
    {.method = "GET", .pattern = "/static/{}", .need = NEED_NONE, .flags = ROUTE_ONE_TIME_OK,
     .fn = w_static},
    {.method = "GET", .pattern = "/", .need = NEED_SELF, .flags = ROUTE_HTML | ROUTE_ONE_TIME_OK,
     .fn = w_root},
    {.method = "GET", .pattern = "/login", .need = NEED_NONE,
     .flags = ROUTE_HTML | ROUTE_ONE_TIME_OK, .fn = w_login_form, .query = q_login},
    {.method = "POST", .pattern = "/login", .need = NEED_NONE,
     .flags = ROUTE_HTML | ROUTE_ONE_TIME_OK, .fn = w_login},
    {.method = "POST", .pattern = "/logout", .need = NEED_SELF,
     .flags = ROUTE_HTML | ROUTE_ONE_TIME_OK, .fn = w_logout},
    {.method = "GET", .pattern = "/password", .need = NEED_SELF,
     .flags = ROUTE_HTML | ROUTE_ONE_TIME_OK, .fn = w_password_form},
    {.method = "POST", .pattern = "/password", .need = NEED_SELF,
     .flags = ROUTE_HTML | ROUTE_ONE_TIME_OK, .fn = w_password},
    {.method = "GET", .pattern = "/overview", .need = NEED_AUTHORITY_READ, .flags = ROUTE_HTML,
     .fn = w_overview},
    {.method = "GET", .pattern = "/incidents", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_incidents},
    {.method = "GET", .pattern = "/frameworks", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_frameworks},
    {.method = "GET", .pattern = "/incidents/new", .need = NEED_SUBMIT, .flags = ROUTE_HTML,
     .fn = w_incident_form},
    {.method = "POST", .pattern = "/incidents", .need = NEED_SUBMIT, .flags = ROUTE_HTML,
     .fn = w_incident_create},
    {.method = "GET", .pattern = "/incidents/{}", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_incident},
    /* shared items (web_items.c): reads through the sharing core, as the API's */
    {.method = "GET", .pattern = "/items", .need = NEED_SELF, .flags = ROUTE_HTML, .fn = w_items,
     .query = q_items_page},
    {.method = "GET", .pattern = "/items/new", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_item_form},
    {.method = "POST", .pattern = "/items", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_item_create},
    {.method = "GET", .pattern = "/items/{}", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_item},
    {.method = "POST", .pattern = "/items/import", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_items_import},
    {.method = "POST", .pattern = "/items/{}/reshare", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_item_reshare},
    {.method = "POST", .pattern = "/items/{}/share", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_item_widen},
    /* need-to-know groups (web_groups.c): what GET /api/v1/ntk-groups shows; their managers
     * change the members */
    /* communities (web_communities.c): their members' users see them; authority-admins
     * manage them */
    {.method = "GET", .pattern = "/communities", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_communities},
    {.method = "POST", .pattern = "/communities", .need = NEED_AUTHORITY_ADMIN,
     .flags = ROUTE_HTML, .fn = w_community_create},
    {.method = "POST", .pattern = "/communities/{}", .need = NEED_AUTHORITY_ADMIN,
     .flags = ROUTE_HTML, .fn = w_community_update},
    {.method = "GET", .pattern = "/communities/{}/add", .need = NEED_AUTHORITY_ADMIN,
     .flags = ROUTE_HTML, .fn = w_community_picker, .query = q_search_page},
    {.method = "POST", .pattern = "/communities/{}/members", .need = NEED_AUTHORITY_ADMIN,
     .flags = ROUTE_HTML, .fn = w_community_member_add},
    {.method = "POST", .pattern = "/communities/{}/members/{}/remove",
     .need = NEED_AUTHORITY_ADMIN, .flags = ROUTE_HTML, .fn = w_community_member_remove},
    {.method = "GET", .pattern = "/groups", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_groups},
    {.method = "POST", .pattern = "/groups/{}/members", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_group_member_add},
    {.method = "POST", .pattern = "/groups/{}/members/{}/remove", .need = NEED_SELF,
     .flags = ROUTE_HTML, .fn = w_group_member_remove},
    /* the alliance map (web_map.c, docs/supply-chain.md) */
    {.method = "GET", .pattern = "/notifications", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_notifications},
    {.method = "POST", .pattern = "/notifications/read", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_notifications_read},
    {.method = "GET", .pattern = "/notifications/preferences", .need = NEED_SELF,
     .flags = ROUTE_HTML, .fn = w_notify_prefs},
    {.method = "POST", .pattern = "/notifications/preferences", .need = NEED_SELF,
     .flags = ROUTE_HTML, .fn = w_notify_prefs_post},
    /* installation plans (web_plans.c, docs/screening.md) */
    {.method = "GET", .pattern = "/plans", .need = NEED_SELF, .flags = ROUTE_HTML, .fn = w_plans},
    /* the national picture's drill-down (web_sectors.c) */
    {.method = "GET", .pattern = "/sectors", .need = NEED_AUTHORITY_READ, .flags = ROUTE_HTML,
     .fn = w_sectors},
    {.method = "GET", .pattern = "/sectors/{}", .need = NEED_AUTHORITY_READ, .flags = ROUTE_HTML,
     .fn = w_sector},
    {.method = "GET", .pattern = "/sectors/{}/operators/{}", .need = NEED_AUTHORITY_READ,
     .flags = ROUTE_HTML, .fn = w_sector_operator},
    {.method = "GET", .pattern = "/sectors/{}/plans/{}", .need = NEED_AUTHORITY_READ,
     .flags = ROUTE_HTML, .fn = w_sector_plan},
    {.method = "GET", .pattern = "/plans/{}", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_plan},
    {.method = "GET", .pattern = "/designations", .need = NEED_AUTHORITY_READ,
     .flags = ROUTE_HTML, .fn = w_designations},
    {.method = "POST", .pattern = "/designations", .need = NEED_AUTHORITY_ADMIN,
     .flags = ROUTE_HTML, .fn = w_designation_set},
    {.method = "GET", .pattern = "/map", .need = NEED_SELF, .flags = ROUTE_HTML, .fn = w_map,
     .query = q_map_page},
    {.method = "GET", .pattern = "/contractors", .need = NEED_AUTHORITY_READ, .flags = ROUTE_HTML,
     .fn = w_contractors, .query = q_contractors_page},
    {.method = "GET", .pattern = "/audit", .need = NEED_AUTHORITY_ADMIN, .flags = ROUTE_HTML,
     .fn = w_audit, .query = q_audit},
    {.method = "POST", .pattern = "/audit/verify", .need = NEED_AUTHORITY_ADMIN,
     .flags = ROUTE_HTML, .fn = w_audit_verify},
    {.method = "GET", .pattern = "/overdue", .need = NEED_AUTHORITY_READ, .flags = ROUTE_HTML,
     .fn = w_overdue},
    {.method = "GET", .pattern = "/trends", .need = NEED_AUTHORITY_READ, .flags = ROUTE_HTML,
     .fn = w_trends, .query = q_trends},
    {.method = "GET", .pattern = "/changes", .need = NEED_AUTHORITY_READ, .flags = ROUTE_HTML,
     .fn = w_changes, .query = q_changes},
    {.method = "GET", .pattern = "/contractors/{}", .need = NEED_ORG_SUMMARY, .target = T_ORG,
     .flags = ROUTE_HTML, .fn = w_contractor},
    {.method = "GET", .pattern = "/contractors/{}/diff", .need = NEED_ORG_READ, .target = T_ORG,
     .flags = ROUTE_HTML, .fn = w_diff},
    /* an organization's suppliers at every tier (web_suppliers.c): as its API, one page */
    {.method = "GET", .pattern = "/contractors/{}/suppliers", .need = NEED_ORG_READ,
     .target = T_ORG, .flags = ROUTE_HTML, .fn = w_suppliers, .query = q_suppliers},
    {.method = "GET", .pattern = "/requirements/{}", .need = NEED_AUTHORITY_READ,
     .flags = ROUTE_HTML, .fn = w_requirement, .query = q_paged_page},
    {.method = "GET", .pattern = "/my", .need = NEED_SUBMIT, .target = T_OWN_ORG,
     .flags = ROUTE_HTML, .fn = w_my},
    {.method = "POST", .pattern = "/my/upload", .need = NEED_SUBMIT, .target = T_OWN_ORG,
     .flags = ROUTE_HTML, .fn = w_upload},
    {.method = "GET", .pattern = "/my/tokens", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_tokens},
    {.method = "POST", .pattern = "/my/tokens", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_token_create},
    {.method = "POST", .pattern = "/my/tokens/{}/revoke", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_token_revoke},
    /* a contractor's page (docs/dashboard.md): the authority's users get 403, as on /my */
    {.method = "GET", .pattern = "/my/keys", .need = NEED_SUBMIT, .target = T_OWN_ORG,
     .flags = ROUTE_HTML, .fn = w_keys},
    {.method = "POST", .pattern = "/my/keys", .need = NEED_ORG_ADMIN, .target = T_OWN_ORG,
     .flags = ROUTE_HTML, .fn = w_key_add},
    {.method = "POST", .pattern = "/my/keys/{}/revoke", .need = NEED_ORG_ADMIN, .target = T_OWN_ORG,
     .flags = ROUTE_HTML, .fn = w_key_revoke},
    {.method = "GET", .pattern = "/users", .need = NEED_ORG_USERS, .target = T_OWN_ORG,
     .flags = ROUTE_HTML, .fn = w_users},
    {.method = "POST", .pattern = "/users/{}/{}/{}", .need = NEED_ORG_USERS, .target = T_ORG,
     .flags = ROUTE_HTML, .fn = w_user_action},
    /* the administration of organizations (web_orgs.c; authority-admins, as the API's) and an
     * organization's consents (web_consent.c: read by the API's readers of its customers,
     * changed by its contractor-admin) */
    {.method = "GET", .pattern = "/organizations", .need = NEED_AUTHORITY_ADMIN,
     .flags = ROUTE_HTML, .fn = w_orgs, .query = q_orgs_page},
    {.method = "GET", .pattern = "/organizations/new", .need = NEED_AUTHORITY_ADMIN,
     .flags = ROUTE_HTML, .fn = w_org_new},
    {.method = "POST", .pattern = "/organizations", .need = NEED_AUTHORITY_ADMIN,
     .flags = ROUTE_HTML, .fn = w_org_create},
    {.method = "GET", .pattern = "/organizations/{}/edit", .need = NEED_AUTHORITY_ADMIN,
     .flags = ROUTE_HTML, .fn = w_org_edit, .query = q_org_edit},
    {.method = "POST", .pattern = "/organizations/{}", .need = NEED_AUTHORITY_ADMIN,
     .flags = ROUTE_HTML, .fn = w_org_save},
    {.method = "GET", .pattern = "/organizations/{}/consent", .need = NEED_ORG_READ,
     .target = T_ORG, .flags = ROUTE_HTML, .fn = w_consent},
    {.method = "POST", .pattern = "/organizations/{}/consent", .need = NEED_ORG_ADMIN,
     .target = T_ORG, .flags = ROUTE_HTML, .fn = w_consent_prime},
    {.method = "POST", .pattern = "/organizations/{}/supply-consent/{}", .need = NEED_ORG_ADMIN,
     .target = T_ORG, .flags = ROUTE_HTML, .fn = w_consent_supply},
    /* IoT products (web_products.c): a manufacturer's own, or every one for the authority */
    {.method = "GET", .pattern = "/products", .need = NEED_SELF, .flags = ROUTE_HTML,
     .fn = w_products},
};
/* clang-format on */

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

/* A page that needs a signed-in user, asked for without one: 303 to the logon form, which
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
        out->set_cookie = strdup(mm_auth_clear_cookie(r->srv));
}

/* The form of an html POST into r->form; false after filling out (a 400 page). */
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

/* A query parameter of a form (a date, a number, a text) checked: true when it has it,
 * otherwise a 400 naming the parameter and the form (a page for a page) and false. */
static bool query_form_ok(http_req *r, reply *out, const query_choice *c, const char *v, bool html)
{
    const struct query_form *fc = NULL;
    for (size_t i = 0; i < sizeof query_forms / sizeof query_forms[0]; i++)
        if (strcmp(query_forms[i].name, c->name) == 0)
            fc = &query_forms[i];
    if (!fc) { /* a route names a parameter with neither values nor form: the table's bug */
        reply_error(out, 500, "internal", "?%s: no form for this parameter", c->name);
        return false;
    }
    char form[80];
    bool ok = true;
    if (fc->kind == Q_DATE) {
        ok = mm_is_date(v);
        snprintf(form, sizeof form, "YYYY-MM-DD, " MM_DATE_MIN "..");
    } else if (fc->kind == Q_INT) {
        char *end = NULL;
        long long n = strtoll(v, &end, 10);
        ok = end != v && !*end && strlen(v) < 12 && n >= fc->min && n <= fc->max;
        snprintf(form, sizeof form, "%lld..%lld", fc->min, fc->max);
    } else {
        ok = strlen(v) <= (size_t)fc->max;
        snprintf(form, sizeof form, "<= %lld bytes", fc->max);
    }
    if (ok)
        return true;
    char shown[44];
    snprintf(shown, sizeof shown, "%.40s", v);
    if (html) {
        page lp;
        web_page_init(&lp, r, out);
        char m[400];
        web_trf_plain(&lp, m, sizeof m, "error.query_form", c->name, shown, form);
        web_error_page_text(r, out, 400, m, NULL);
    } else {
        reply_error(out, 400, "bad_request", "?%s=%s: expected %s", c->name, shown, form);
    }
    return false;
}

/* One enumerated query parameter checked: true when absent, empty or allowed; otherwise a
 * 400 naming the parameter and its values (a page for a page) and false. */
static bool query_ok(http_req *r, reply *out, const query_choice *c, bool html)
{
    const char *v = req_query(r, c->name);
    if (!v || !v[0])
        return true;
    if (!c->values)
        return query_form_ok(r, out, c, v, html);
    char all[200] = "";
    bool cut = false; /* a long list (the audit log's actions): its start, then "..." */
    for (const char *const *a = c->values; *a; a++) {
        if (strcmp(v, *a) == 0)
            return true;
        if (!cut && strlen(all) + strlen(*a) + 3 < sizeof all - 5) {
            if (all[0])
                strcat(all, ", ");
            strcat(all, *a);
        } else {
            cut = true;
        }
    }
    if (cut)
        strcat(all, ", ...");
    char shown[44];
    snprintf(shown, sizeof shown, "%.40s", v);
    if (html) {
        page lp;
        web_page_init(&lp, r, out);
        char m[400];
        web_trf_plain(&lp, m, sizeof m, "error.query", c->name, shown, all);
        web_error_page_text(r, out, 400, m, NULL);
    } else {
        reply_error(out, 400, "bad_request", "?%s=%s: expected one of %s", c->name, shown, all);
    }
    return false;
}

/* The route's enumerated query parameters (and every page's ?lang). */
static bool queries_ok(http_req *r, reply *out, const route *rt)
{
    bool html = (rt->flags & ROUTE_HTML) != 0;
    if (html && !query_ok(r, out, &q_page[0], true))
        return false;
    for (const query_choice *c = rt->query; c && c->name; c++)
        if (!query_ok(r, out, c, html))
            return false;
    return true;
}

/* Constant-time comparison of a form's csrf field with expected (64 hex digits). */
static bool form_csrf_ok(const http_req *r, const char *expected)
{
    const char *v = mm_form_value(r->form, "csrf");
    return v && expected && strlen(v) == 64 && strlen(expected) == 64 &&
           sodium_memcmp(v, expected, 64) == 0;
}

static void dispatch(http_req *r, reply *out)
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
    /* a page's form: its csrf field stands for the X-CSRF-Token header */
    if ((rt->flags & ROUTE_HTML) && unsafe(r->method) && !read_form(r, out))
        return;
    bool taxii = (rt->flags & ROUTE_TAXII) != 0;
    if (taxii && !taxii_media_ok(r, out))
        return;
    /* who is asking */
    if (rt->need != NEED_NONE) {
        if ((taxii ? taxii_auth(r, out) : mm_auth_resolve(r, out)) != 0) {
            if ((rt->flags & ROUTE_HTML)) {
                /* an ended session: back to the logon form, saying why when it was idle */
                const char *msg = json_string_value(
                    json_object_get(json_object_get(out->json, "error"), "message"));
                to_login(r, out, msg && strstr(msg, "inactivity") ? "idle" : "ended");
            }
            return;
        }
        if (!r->who.authenticated && rt->need != NEED_ANY) {
            if ((rt->flags & ROUTE_HTML)) {
                to_login(r, out, NULL);
                return;
            }
            reply_error(out, 401, "unauthenticated",
                        taxii ? "send Authorization: Basic (login:password) or Bearer TOKEN"
                              : "sign in (POST /api/v1/session) or send Authorization: Bearer "
                                "TOKEN");
            return;
        }
        if (r->who.via_session && unsafe(r->method) &&
            !((rt->flags & ROUTE_HTML) ? form_csrf_ok(r, r->who.csrf) : mm_auth_csrf_ok(r))) {
            if ((rt->flags & ROUTE_HTML)) {
                web_error_page(r, out, 403, "error.csrf");
                return;
            }
            reply_error(out, 403, "forbidden",
                        "missing or wrong X-CSRF-Token header (the csrf_token given at logon)");
            return;
        }
        if (r->who.must_change && !(rt->flags & ROUTE_ONE_TIME_OK)) {
            if ((rt->flags & ROUTE_HTML)) {
                web_redirect(out, "/password");
                return;
            }
            reply_error(out, 403, "password_change_required",
                        "change the one-time password first: POST /api/v1/password");
            return;
        }
    } else if ((rt->flags & ROUTE_HTML) && unsafe(r->method)) {
        /* the logon form: no session yet, so a double-submit cookie set with the form */
        const char *c = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "mm_prelogin");
        if (!form_csrf_ok(r, c)) {
            web_error_page(r, out, 403, "error.prelogin");
            return;
        }
    }
    /* the organization concerned, and the decision */
    json_t *sub = NULL;
    mm_org_facts of;
    target_org t = {0};
    if (rt->target != T_NONE) {
        const char *org_id = rt->target == T_OWN_ORG ? r->who.org_id : r->param[0];
        if (rt->target == T_SUB) {
            /* from the submission cache (submissions never change) */
            if (web_submission(r, r->param[0], &sub) == MM_OK)
                org_id = json_string_value(json_object_get(sub, "org_id"));
            else
                org_id = NULL;
        }
        /* the facts as of the store's version: cached per process (cache.h) */
        if (org_id && org_id[0] && mm_org_facts_get(r, org_id, &of) == MM_OK) {
            t.exists = true;
            t.id = of.id;
            t.kind = of.kind;
            t.parent_id = of.parent_id[0] ? of.parent_id : NULL;
            t.prime_consent = of.prime_consent;
        }
    }
    const char *why = NULL;
    int decision = mm_access_decide(&r->who, rt->need, rt->target == T_NONE ? NULL : &t, &why);
    json_decref(sub);
    if (decision == 401) {
        if ((rt->flags & ROUTE_HTML)) {
            to_login(r, out, NULL);
            return;
        }
        reply_error(out, 401, "unauthenticated", "sign in first");
        return;
    }
    if (decision == 404) {
        if ((rt->flags & ROUTE_HTML)) {
            web_error_page(r, out, 404, "error.not_found");
            return;
        }
        reply_error(out, 404, "not_found", "no such resource");
        return;
    }
    if (decision) {
        if ((rt->flags & ROUTE_HTML)) {
            web_error_page(r, out, 403, "error.forbidden");
            return;
        }
        reply_error(out, 403, "forbidden", "%s", why ? why : "not allowed");
        return;
    }
    if (!queries_ok(r, out, rt))
        return;
    /* the body */
    if (rt->body || (rt->flags & ROUTE_RAW_BODY)) {
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

void mm_api_dispatch(http_req *r, reply *out)
{
    dispatch(r, out);
    if (taxii_path(r->url))
        taxii_finish(r, out);
}

void mm_routes_print(FILE *f)
{
    for (size_t i = 0; i < NROUTES; i++)
        fprintf(f, "%s %s%s\n", routes[i].method, routes[i].pattern,
                routes[i].flags & ROUTE_HTML ? " html" : "");
}
