/* mamori serve: the supply chain (supply.c: the actions and views; supply_api.c: the API's
 * handlers; web_supply.c, web_map.c: the pages). docs/supply-chain.md. */
#ifndef MAMORI_SERVER_SUPPLY_H
#define MAMORI_SERVER_SUPPLY_H

#include <jansson.h>

#include "mamori/supply.h"
#include "server/internal.h"

/* The clause catalog, loaded once from the embedded content (NULL when it fails to load,
 * with the message logged). Borrowed for the life of the process. */
const mm_clause_catalog *supply_clauses(void);

/* ---- actions: each one audited (mm_audited_commit) ------------------------------------ */

/* The customer's contractor-admin proposes an edge from the body (r->body): *out the edge. */
int supply_create(http_req *r, const char *customer_id, json_t **out, act_fail *f);
/* The supplier confirms edge id (supplier_id: the caller's organization). */
int supply_confirm(http_req *r, const char *supplier_id, const char *id, act_fail *f);
/* Either party ends edge id. */
int supply_end(http_req *r, const char *org_id, const char *id, act_fail *f);
/* The supplier's consent towards a customer (see false: withdrawn at once). */
int supply_set_consent(http_req *r, const char *supplier_id, const char *customer_id, bool see,
                       bool pass_up, act_fail *f);

/* ---- alerts up the chain: inside the transaction that stores the cause ---------------- */

/* After a new submission of org_id was stored: when its latest status is now worse than
 * before (the latest status read before the insert), one "status-drop" notification for every
 * customer up the chain that may see org_id's status. */
int supply_alert_status(mm_store *st, const char *org_id, const char *before, const char *now);
/* After an incident report of org_id was stored: one "incident" notification (that a report
 * was made, its number; never its contents) for every customer up the chain that may see
 * org_id's status. */
int supply_alert_incident(mm_store *st, const char *org_id, const char *report_number,
                          const char *now);

/* ---- seed-demo (seed_supply.c) --------------------------------------------------------- */

typedef struct seed_supply_org {
    const char *id, *sector;
    bool japanese;
    int parent; /* index of its prime (parent_id), or -1 */
} seed_supply_org;
/* The demo's supply network over orgs (in the caller's transaction, audited). */
int seed_supply(mm_store *st, const seed_supply_org *orgs, unsigned n, unsigned long long seed,
                const char *now);

/* ---- views ---------------------------------------------------------------------------- */

/* The suppliers below org_id the caller may see (the authority: all), with each edge's
 * flow-down check and tier: {"org_id", "items": [...], "counts": {check: n}}. handles and
 * check (may be NULL) keep only edges that carry it / have it. */
int supply_view(http_req *r, const char *org_id, const char *handles, const char *check,
                json_t **out);
/* One page of it (mm_supply_view_page): adds "total" and "offset". */
int supply_view_page(http_req *r, const char *org_id, const mm_supply_page *q, json_t **out);

/* The alliance map as the caller may see it (the authority: the whole; a contractor: its
 * neighbourhood), filtered and grouped (mm_supply_map_view). */
int supply_map(http_req *r, const mm_map_filter *f, json_t **view);
/* The map's nodes above which the authority's whole is grouped (the page and the API). */
#define SUPPLY_MAP_MAX_NODES 300
/* The map as supply_map gives it and its Graphviz drawing (*svg NULL when it has no node),
 * both the caller's. The authority's is kept per filter at version (mm_store_map_version; < 0:
 * not kept) and built once: a request for a drawing being built waits for it. */
int supply_map_drawn(mm_store *st, int64_t version, bool authority, const char *org_id,
                     const mm_map_filter *f, json_t **view, char **svg)
    __attribute__((warn_unused_result));
/* Draws the authority's unfiltered map at the store's current version (the server's warm-up
 * thread, at start), so that the first /map after a start finds it drawn. */
void supply_map_warm(mm_store *st);
/* The dashboard's map page (web_map.c). */
void w_map(http_req *r, reply *out);

/* The notifications page and the header's unread badge (web_notifications.c). */
void w_notifications(http_req *r, reply *out);
/* an organization's suppliers at every tier with their checks, paged (web_suppliers.c) */
void w_suppliers(http_req *r, reply *out);

/* ---- handlers (supply_api.c) ------------------------------------------------------------ */

void h_clauses_list(http_req *r, reply *out);
void h_clause_statement(http_req *r, reply *out);
void h_suppliers_create(http_req *r, reply *out);
void h_suppliers_list(http_req *r, reply *out);
void h_customers_list(http_req *r, reply *out);
void h_supply_confirm(http_req *r, reply *out);
void h_supply_end(http_req *r, reply *out);
void h_supply_consent(http_req *r, reply *out);
void h_supply_affected(http_req *r, reply *out);
void h_supply_national(http_req *r, reply *out);
void h_org_profile(http_req *r, reply *out);
void h_notifications_list(http_req *r, reply *out);
void h_notification_read(http_req *r, reply *out);
void h_supply_map(http_req *r, reply *out);

#endif
