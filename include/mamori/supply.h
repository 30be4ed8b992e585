/*
 * mamori: the supply chain as a graph (docs/supply-chain.md).
 *
 * Store side (src/store/supply.c): supply edges many to many (supplier, customer, contract,
 * clauses, handles, tier_hint, since, until), created by the customer ("proposed"),
 * confirmed by the supplier ("active"), ended by either ("ended"); cycles are refused. Each
 * supplier's consent per customer: the customer may see its status summary, and with
 * pass_up, the customer may also pass that status on to its own customers. Queries: a
 * customer's suppliers at every tier it may see, who is affected if a supplier fell, the
 * authority's national view. Organizations' sector and country; clause statements;
 * notifications.
 *
 * Domain side (src/supply/): the clause catalog (content/clauses/clauses.json), the
 * flow-down check of one edge, tiers.
 *
 * JSON results are the caller's (json_decref). Writes belong inside mm_store_begin and the
 * server's mm_audited_commit. Errors: MM_EINVALID (a bad argument, message names it),
 * MM_ENOTFOUND, MM_ECONFLICT (a cycle, a duplicate open edge, a state that does not allow
 * the change), MM_EIO.
 */
#ifndef MAMORI_SUPPLY_H
#define MAMORI_SUPPLY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "mamori/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A new supply edge. All borrowed. */
typedef struct mm_supply_edge {
    const char *id;          /* mm_store_new_id */
    const char *supplier_id; /* a contractor */
    const char *customer_id; /* a contractor, not the supplier */
    const char *contract;    /* the contract's reference, non-empty */
    const char *clauses;     /* JSON array text of clause ids (checked by the caller) */
    const char *handles;     /* JSON array text of "cui" | "fci" | "mod-protected" | "none" */
    int64_t tier_hint;       /* the customer's own tier count for the supplier; 0: none */
    const char *since;       /* YYYY-MM-DD or NULL */
    const char *until;       /* YYYY-MM-DD or NULL */
    const char *by;          /* the login creating it */
    const char *now;         /* RFC 3339 UTC */
} mm_supply_edge;

/* Stores e as "proposed". MM_ECONFLICT when the supplier is already, at any tier, a
 * customer of the customer (a cycle), or the same open edge exists; MM_ENOTFOUND /
 * MM_EINVALID for an unknown organization or one that is not a contractor. */
int mm_store_supply_create(mm_store *s, const mm_supply_edge *e)
    __attribute__((warn_unused_result));
/* The edge as {"id", "supplier_id", "customer_id", "contract", "clauses", "handles",
 * "tier_hint", "since", "until", "state", "created", "created_by", "confirmed",
 * "confirmed_by", "ended", "ended_by"}; MM_ENOTFOUND. */
int mm_store_supply_get(mm_store *s, json_t **out, const char *id)
    __attribute__((warn_unused_result));
/* The supplier (supplier_id must be the edge's) confirms a proposed edge: "active".
 * MM_ENOTFOUND when it is not that supplier's edge, MM_ECONFLICT when not proposed. */
int mm_store_supply_confirm(mm_store *s, const char *id, const char *supplier_id, const char *by,
                            const char *now) __attribute__((warn_unused_result));
/* Either party (org_id) ends an edge that is not ended. MM_ENOTFOUND when org_id is neither
 * party, MM_ECONFLICT when already ended. */
int mm_store_supply_end(mm_store *s, const char *id, const char *org_id, const char *by,
                        const char *now) __attribute__((warn_unused_result));
/* The supplier's consent towards customer_id: see false withdraws (deletes it; at once),
 * see true grants it, with pass_up. MM_ENOTFOUND when customer_id is not a customer of the
 * supplier on an edge that is not ended. */
int mm_store_supply_consent(mm_store *s, const char *supplier_id, const char *customer_id, bool see,
                            bool pass_up, const char *by, const char *now)
    __attribute__((warn_unused_result));

/* The supply edges below org_id that the reader may see, as {"items": [edge...]} with each
 * edge {"id", "supplier_id", "supplier_name", "customer_id", "contract", "clauses",
 * "handles", "tier_hint", "since", "until", "status_visible", "latest": {"framework",
 * "status", "score", "assessed", "received", "cmmc_level1"} or null when not visible}
 * ("cmmc_level1": the latest submission's CMMC Level 1 status on edges carrying FAR
 * 52.204-21, else null). all: the authority
 * (every active edge below org_id); else org_id's own view: its direct suppliers, and below a
 * supplier only edges where every link from org_id down granted consent with pass_up. */
int mm_store_supply_tree(mm_store *s, json_t **out, const char *org_id, bool all)
    __attribute__((warn_unused_result));
/* The same edges one row at a time, without JSON: row(ctx, n, cells, lengths) gets the
 * MM_SUPPLY_TREE_CELLS cells id, supplier_id, supplier_name, customer_id, contract, clauses,
 * handles (JSON array texts), tier_hint, since, until, consent (non-NULL when the supplier
 * consented towards the edge's customer), latest framework, status, score, assessed,
 * received, and the latest submission's CMMC Level 1 status (only on edges carrying FAR
 * 52.204-21), ordered by customer, supplier name and edge id; a non-zero return stops. */
#define MM_SUPPLY_TREE_CELLS 17
typedef int (*mm_supply_row_fn)(void *ctx, int n, const char *const *v, const size_t *len);
int mm_store_supply_tree_each(mm_store *s, const char *org_id, bool all, mm_supply_row_fn row,
                              void *ctx) __attribute__((warn_unused_result));
/* One item of mm_store_supply_tree from those cells (all: the status is visible). */
json_t *mm_supply_tree_item(const char *const *v, bool all);
/* Edges where org_id is the supplier, any state: {"items": [{"id", "customer_id",
 * "customer_name", "contract", "clauses", "handles", "state", "since", "until",
 * "consent": bool, "pass_up": bool}]}. */
int mm_store_supply_customers(mm_store *s, json_t **out, const char *org_id)
    __attribute__((warn_unused_result));
/* Every organization up the chain of active edges from org_id (who is affected if it fell):
 * {"supplier_id", "total", "items": [{"id", "name", "sector", "country"}]}. */
int mm_store_supply_affected(mm_store *s, json_t **out, const char *org_id)
    __attribute__((warn_unused_result));

/* The authority's national view: active edges with filters (NULL: none). */
typedef struct mm_supply_query {
    const char *sector, *country; /* the supplier's */
    const char *clause;           /* a clause id the edge carries */
    const char *status;           /* the supplier's latest status (as stored) or "none" */
    int64_t tier;                 /* tier_hint; 0: any */
    int64_t offset, limit;        /* limit 1..1000 */
} mm_supply_query;
/* {"total", "items": [edge as in mm_store_supply_tree plus "customer_name",
 * "supplier_sector", "supplier_country"]}, latest always visible. */
int mm_store_supply_national(mm_store *s, json_t **out, const mm_supply_query *q)
    __attribute__((warn_unused_result));

/* The alliance map's data: {"scope": org_id or null, "nodes": [{"id", "name", "sector",
 * "country", "status"}], "supply": [{"supplier", "customer", "handles"}], "sharing":
 * [{"from", "to", "tlp", "count"}] (item flows per label, exact counts: the caller shows
 * counts under 5 as "<5"), "communities": [{"id", "name", "members"}], "members":
 * [{"community", "org"}]}. org_id NULL: the whole (the authority); else that contractor's
 * neighbourhood: the suppliers of its own view (mm_store_supply_tree), its direct customers,
 * the organizations it exchanged items with, its communities (their member counts only). */
int mm_store_supply_map(mm_store *s, json_t **out, const char *org_id)
    __attribute__((warn_unused_result));

/* The authority's map grouped in the database (by "sector", "country", or NULL: both), its
 * organizations kept by sector, country and status (NULL: any): {"nodes": [{"key", "sector",
 * "country", "status", "organizations"}] (one per group and status), "supply": [{"source",
 * "target", "edges"}], "sharing": [{"source", "target", "tlp", "items"}]} (exact counts). */
int mm_store_supply_map_groups(mm_store *s, json_t **out, const char *by, const char *sector,
                               const char *country, const char *status)
    __attribute__((warn_unused_result));

/* Sets an organization's sector and country (NULL clears). */
int mm_store_org_profile(mm_store *s, const char *org_id, const char *sector, const char *country)
    __attribute__((warn_unused_result));
/* {"org_id", "sector", "country"} (null when not set); MM_ENOTFOUND for no organization. */
int mm_store_org_profile_get(mm_store *s, json_t **out, const char *org_id)
    __attribute__((warn_unused_result));

/* What the authority states a clause requires (check_rule NULL: no automatic check). */
int mm_store_clause_state(mm_store *s, const char *clause_id, const char *text,
                          const char *check_rule, const char *by, const char *now)
    __attribute__((warn_unused_result));
/* {"items": [{"clause_id", "text", "check_rule", "stated", "stated_by"}]}. */
int mm_store_clause_statements(mm_store *s, json_t **out) __attribute__((warn_unused_result));

/* Notifications (generic: delivery by mail or webhook may read them later). */
/* One notification for every customer up the chain from supplier_id that may see its
 * status: a direct customer with consent, and further up only through links that each
 * consented with pass_up. Call inside the transaction that stores the cause. *count (may be
 * NULL) the notifications written. */
int mm_store_notify_up(mm_store *s, const char *supplier_id, const char *kind, const char *subject,
                       const char *detail_json, const char *now, int64_t *count)
    __attribute__((warn_unused_result));
/* The organization's latest status as stored ("" when it has none) into out. */
int mm_store_latest_status(mm_store *s, const char *org_id, char out[32])
    __attribute__((warn_unused_result));
/* True when status after is worse than before (meets < conditional < not-met =
 * no-valid-score); a first status ("" before) is not a drop. */
bool mm_supply_status_worse(const char *before, const char *after);
/* (the notifications read and marked read: include/mamori/notify.h) */

/* ---- the domain (src/supply/) ------------------------------------------------------------ */

typedef struct mm_clause_catalog mm_clause_catalog;

/* Loads content/clauses/clauses.json (embedded, or from content_dir when given). *out is the
 * caller's (mm_clause_catalog_free). MM_EINVALID when the file has not the expected shape. */
int mm_clause_catalog_load(mm_clause_catalog **out, const char *content_dir)
    __attribute__((warn_unused_result));
void mm_clause_catalog_free(mm_clause_catalog *c);
/* The catalog's clauses as a JSON array (borrowed from c). */
const json_t *mm_clause_catalog_json(const mm_clause_catalog *c);
/* The clause with that id (borrowed), or NULL. */
const json_t *mm_clause_find(const mm_clause_catalog *c, const char *id);
/* True when every element of the JSON array text is a known clause id / handles value;
 * otherwise false with *bad the first offending element (borrowed; "" for not an array). */
bool mm_clause_ids_valid(const mm_clause_catalog *c, const json_t *ids, const char **bad);
bool mm_supply_handles_valid(const json_t *handles, const char **bad);

/* The dates a check compares with (the server's cut-offs of the day). */
typedef struct mm_supply_dates {
    const char *today;               /* YYYY-MM-DD */
    const char *sprs_before;         /* a score older than this date is not current (3 years) */
    const char *cmmc_expired_before; /* a conditional status received before this expired */
} mm_supply_dates;

/* The latest status of a supplier as a check reads it (NULL fields: none). */
typedef struct mm_supply_latest {
    const char *framework, *status, *assessed, *received;
    const char *cmmc_level1; /* the latest submission's CMMC Level 1 status, or NULL */
    bool has_score;
} mm_supply_latest;
typedef void (*mm_supply_check_fn)(void *ctx, const char *clause, const char *answer,
                                   const char *why);
/* The flow-down check of one edge (clauses and handles: JSON arrays of strings; visible:
 * the reader may see the supplier's status l): the worst answer, or NULL when nothing is
 * checked; each (may be NULL) gets each clause's answer and a fixed text saying why.
 * Clauses are checked on edges carrying CUI or MOD-protected information, FAR 52.204-21
 * (rule cmmc-level1-far) on edges carrying FCI. */
const char *mm_supply_check(const json_t *clauses, const json_t *handles, bool visible,
                            const mm_supply_latest *l, const mm_clause_catalog *c,
                            const json_t *statements, const mm_supply_dates *d,
                            mm_supply_check_fn each, void *ctx);
/* Adds "check" ("ok", "missing", "expired", "not-met", "no-consent", "unstated", or null
 * when nothing on the edge is checked: mm_supply_check) and "checks"
 * ([{"clause", "check", "why"}]) to edge (an item of mm_store_supply_tree). statements:
 * the result of mm_store_clause_statements (may be NULL). The worst answer wins, in the
 * order no-consent, not-met, expired, missing, unstated, ok. */
void mm_supply_check_edge(json_t *edge, const mm_clause_catalog *c, const json_t *statements,
                          const mm_supply_dates *d);
/* The suppliers below org_id the reader may see (all: the authority's view), each edge with
 * "tier" and its flow-down check (mm_supply_check_edge): {"org_id", "items": [...], "counts":
 * {check: n}} over the edges kept; handles and check (may be NULL) keep only the edges that
 * carry it / answer it. */
int mm_supply_view(mm_store *s, json_t **out, const char *org_id, bool all, const char *handles,
                   const char *check, const mm_clause_catalog *c, const mm_supply_dates *d)
    __attribute__((warn_unused_result));
/* One page of that view: items offset .. offset + limit - 1 of the edges kept (limit 0: all
 * of them), in the order customer, supplier name, edge id; adds "total" (the edges kept) and
 * "offset". The edges are read without building JSON (mm_store_supply_tree_each); only the
 * page's items are built. */
typedef struct mm_supply_page {
    const char *handles, *check; /* keep only edges carrying / answering it (NULL: all) */
    int64_t offset, limit;
    /* the store's version the caller read (its audit head, mm_store_audit_head): the checked
     * tree is kept under it, with the reader and today, and reused for the next pages and
     * filters; 0 or less (a caller that knows no version): read afresh, not kept */
    int64_t version;
} mm_supply_page;
int mm_supply_view_page(mm_store *s, json_t **out, const char *org_id, bool all,
                        const mm_supply_page *q, const mm_clause_catalog *c,
                        const mm_supply_dates *d) __attribute__((warn_unused_result));

/* The body of a new supply edge, parsed and checked (clause ids against c, handles, dates).
 * Strings are borrowed from doc; clauses and handles are compact JSON texts (malloc'd). */
typedef struct mm_supply_edge_body {
    json_t *doc;
    const char *supplier_id, *contract, *since, *until;
    char *clauses, *handles;
    int64_t tier_hint; /* 0: none */
} mm_supply_edge_body;
/* MM_EPARSE (not JSON: "NAME:LINE:COL: ...") or MM_EINVALID ("NAME: $.path: ...").
 * *out is the caller's (mm_supply_edge_body_free). */
int mm_supply_edge_body_parse(mm_supply_edge_body **out, const char *data, size_t len,
                              const char *name, const mm_clause_catalog *c)
    __attribute__((warn_unused_result));
void mm_supply_edge_body_free(mm_supply_edge_body *b);

/* ---- the alliance map (map.c) ---------------------------------------------------------- */

typedef struct mm_map_filter {
    const char *sector, *country, *status; /* keep only such organizations (NULL: all) */
    const char *group;                     /* "none", "sector", "country", or NULL: grouped by
                                            * sector and country above max_nodes */
    size_t max_nodes;
} mm_map_filter;
/* The drawable view of a map (mm_store_supply_map): {"scope", "grouped", "organizations",
 * "nodes": [{"id", "label", "sector", "country", "status"?, "organizations", "statuses",
 * "url"}], "links": [{"kind": "supply", "source", "target", "edges"} | {"kind": "sharing",
 * "source", "target", "tlp", "items": n or "<5"}]}. *out is the caller's. */
int mm_supply_map_view(json_t **out, const json_t *map, const mm_map_filter *f)
    __attribute__((warn_unused_result));
/* The same view from the groups mm_store_supply_map_groups made in SQL (by: "sector",
 * "country", or NULL for both). */
int mm_supply_map_view_groups(json_t **out, const json_t *groups, const char *by)
    __attribute__((warn_unused_result));
/* A version of what the map shows: the id of the last audit record other than a sign-in, a
 * token, a password change, a user account's change or a notification read (every change of stored
 * data is audited in its transaction, docs/store.md), so a drawing kept under it stays valid while
 * users only sign in. */
int mm_store_map_version(mm_store *s, int64_t *out) __attribute__((warn_unused_result));
/* The view as GraphML (malloc'd), or NULL when out of memory. */
char *mm_supply_map_graphml(const json_t *view);
/* The view drawn by Graphviz (neato) as an <svg> element (malloc'd in *out). */
int mm_supply_map_svg(char **out, const json_t *view) __attribute__((warn_unused_result));

/* Adds "tier" (1 for org_id's direct suppliers) to every edge of items by breadth-first
 * search from root over the edges given (an edge not reached keeps no tier). */
void mm_supply_tiers(json_t *items, const char *root);

#ifdef __cplusplus
}
#endif

#endif
