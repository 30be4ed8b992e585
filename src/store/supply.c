/* The supply chain (schema 10; docs/supply-chain.md): supply edges many to many, each
 * supplier's consent per customer, the queries over the graph (recursive CTEs both
 * databases read), organizations' sector and country, clause statements and notifications.
 *
 * Visibility is decided here, in the SQL, because it is a property of paths: a customer sees
 * its direct suppliers (their status only with consent), and an edge further down only when
 * every link from it down to that edge granted consent with pass_up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/supply.h"
#include "store/driver.h"
#include "util/util.h"

/* ---- checks ------------------------------------------------------------------------------ */

static int need_date_or_null(const char *d, const char *what)
{
    if (d && !mm_is_date(d)) {
        mm_error_set("supply edge: %s '%s' is not YYYY-MM-DD", what, d);
        return MM_EINVALID;
    }
    return MM_OK;
}

/* The organization exists and is a contractor. */
static int need_contractor(mm_store *s, const char *id, const char *what)
{
    json_t *org = NULL;
    int rc = mm_need(id, what);
    if (rc == MM_OK)
        rc = mm_store_get_org(s, &org, id);
    if (rc == MM_ENOTFOUND)
        mm_error_set("%s: no organization '%s'", what, id);
    const char *kind = json_string_value(json_object_get(org, "kind"));
    if (rc == MM_OK && !mm_streq(kind, "contractor")) {
        mm_error_set("%s: '%s' is not a contractor", what, id);
        rc = MM_EINVALID;
    }
    json_decref(org);
    return rc;
}

/* ---- edges ------------------------------------------------------------------------------- */

/* every supplier of $1 at any tier over edges that are not ended: a new edge $2 -> $1
 * (supplier $2) closes a cycle when $2 is the customer itself or one of these is $2...
 * written the other way: a cycle when $1 (the customer) is found below $2 (the supplier) */
static const char cycle_sql[] =
    "WITH RECURSIVE below(id) AS ("
    " SELECT supplier_id FROM supply_edges WHERE customer_id = $1 AND state <> 'ended'"
    " UNION"
    " SELECT e.supplier_id FROM supply_edges e JOIN below b ON e.customer_id = b.id"
    " WHERE e.state <> 'ended')"
    " SELECT count(*) FROM below WHERE id = $2";

static int create_rows(mm_store *s, const mm_supply_edge *e)
{
    int64_t cycle = 0;
    /* the new edge makes supplier -> customer; a cycle when the customer already supplies
     * the supplier at some tier, i.e. the customer is below the supplier */
    const mm_param cp[] = {P_TEXT(e->supplier_id), P_TEXT(e->customer_id)};
    int rc = mm_db_int(s, &cycle, cycle_sql, NPARAMS(cp), cp);
    if (rc == MM_OK && cycle) {
        mm_error_set("supply edge: %s already supplies %s at some tier; the edge would make a "
                     "cycle",
                     e->customer_id, e->supplier_id);
        return MM_ECONFLICT;
    }
    const mm_param p[] = {P_TEXT(e->id),
                          P_TEXT(e->supplier_id),
                          P_TEXT(e->customer_id),
                          P_TEXT(e->contract),
                          P_TEXT(e->clauses ? e->clauses : "[]"),
                          P_TEXT(e->handles ? e->handles : "[]"),
                          e->tier_hint > 0 ? P_INT(e->tier_hint) : P_NULL,
                          P_TEXT(e->since),
                          P_TEXT(e->until),
                          P_TEXT(e->now),
                          P_TEXT(e->by)};
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "INSERT INTO supply_edges (id, supplier_id, customer_id, contract, clauses,"
                        " handles, tier_hint, since, until, state, created, created_by)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'proposed', $10, $11)",
                        NPARAMS(p), p, NULL, NULL, NULL);
    if (rc == MM_ECONFLICT)
        mm_error_set("supply edge: %s already has an open edge to %s under contract '%s'",
                     e->supplier_id, e->customer_id, e->contract);
    return rc;
}

int mm_store_supply_create(mm_store *s, const mm_supply_edge *e)
{
    int rc = mm_need(e->id, "supply edge: id");
    if (rc == MM_OK)
        rc = mm_need(e->contract, "supply edge: contract");
    if (rc == MM_OK)
        rc = mm_need(e->by, "supply edge: created_by");
    if (rc == MM_OK)
        rc = need_date_or_null(e->since, "since");
    if (rc == MM_OK)
        rc = need_date_or_null(e->until, "until");
    if (rc == MM_OK && e->since && e->until && strcmp(e->since, e->until) > 0) {
        mm_error_set("supply edge: until %s is before since %s", e->until, e->since);
        rc = MM_EINVALID;
    }
    if (rc == MM_OK && e->tier_hint < 0) {
        mm_error_set("supply edge: tier_hint %lld is negative", (long long)e->tier_hint);
        rc = MM_EINVALID;
    }
    if (rc == MM_OK && mm_streq(e->supplier_id, e->customer_id)) {
        mm_error_set("supply edge: an organization cannot supply itself");
        rc = MM_ECONFLICT;
    }
    if (rc == MM_OK)
        rc = need_contractor(s, e->supplier_id, "supply edge: supplier");
    if (rc == MM_OK)
        rc = need_contractor(s, e->customer_id, "supply edge: customer");
    if (rc == MM_OK)
        rc = mm_db_tx_begin(s);
    return rc ? rc : mm_db_tx_end(s, create_rows(s, e));
}

#define EDGE_COLS                                                                                  \
    "id, supplier_id, customer_id, contract, clauses, handles, tier_hint, since, until, state,"    \
    " created, created_by, confirmed, confirmed_by, ended, ended_by"
static const char *const edge_keys[] = {
    "id",        "supplier_id",  "customer_id", "contract", "clauses", "handles",
    "tier_hint", "since",        "until",       "state",    "created", "created_by",
    "confirmed", "confirmed_by", "ended",       "ended_by", NULL};
#define EDGE_TYPES "ssssaaisssssssss"

int mm_store_supply_get(mm_store *s, json_t **out, const char *id)
{
    *out = NULL;
    json_t *row = NULL;
    const mm_param p[] = {P_TEXT(id)};
    int rc = mm_need(id, "supply edge id");
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, "no such supply edge",
                       "SELECT " EDGE_COLS " FROM supply_edges WHERE id = $1", 1, p);
    if (rc == MM_OK && !(*out = mm_row_object(row, 0, edge_keys, EDGE_TYPES)))
        rc = mm_oom();
    json_decref(row);
    return rc;
}

/* The edge's state for a party: MM_ENOTFOUND when org_id is not that party. */
static int edge_state(mm_store *s, const char *id, const char *org_id, bool supplier_only,
                      char state[16])
{
    json_t *e = NULL;
    int rc = mm_store_supply_get(s, &e, id);
    if (rc == MM_OK) {
        bool party = mm_streq(json_string_value(json_object_get(e, "supplier_id")), org_id) ||
                     (!supplier_only &&
                      mm_streq(json_string_value(json_object_get(e, "customer_id")), org_id));
        if (!party) {
            mm_error_set("no such supply edge");
            rc = MM_ENOTFOUND;
        } else {
            snprintf(state, 16, "%s", json_string_value(json_object_get(e, "state")));
        }
    }
    json_decref(e);
    return rc;
}

int mm_store_supply_confirm(mm_store *s, const char *id, const char *supplier_id, const char *by,
                            const char *now)
{
    char state[16] = "";
    int rc = mm_db_tx_begin(s);
    if (rc)
        return rc;
    rc = edge_state(s, id, supplier_id, true, state);
    if (rc == MM_OK && strcmp(state, "proposed") != 0) {
        mm_error_set("supply edge %s is %s: only a proposed edge is confirmed", id, state);
        rc = MM_ECONFLICT;
    }
    const mm_param p[] = {P_TEXT(id), P_TEXT(now), P_TEXT(by)};
    if (rc == MM_OK)
        rc = mm_db_change(s, "no such supply edge",
                          "UPDATE supply_edges SET state = 'active', confirmed = $2,"
                          " confirmed_by = $3 WHERE id = $1 AND state = 'proposed'",
                          NPARAMS(p), p);
    return mm_db_tx_end(s, rc);
}

int mm_store_supply_end(mm_store *s, const char *id, const char *org_id, const char *by,
                        const char *now)
{
    char state[16] = "";
    int rc = mm_db_tx_begin(s);
    if (rc)
        return rc;
    rc = edge_state(s, id, org_id, false, state);
    if (rc == MM_OK && strcmp(state, "ended") == 0) {
        mm_error_set("supply edge %s has already ended", id);
        rc = MM_ECONFLICT;
    }
    const mm_param p[] = {P_TEXT(id), P_TEXT(now), P_TEXT(by)};
    if (rc == MM_OK)
        rc = mm_db_change(s, "no such supply edge",
                          "UPDATE supply_edges SET state = 'ended', ended = $2, ended_by = $3"
                          " WHERE id = $1 AND state <> 'ended'",
                          NPARAMS(p), p);
    return mm_db_tx_end(s, rc);
}

int mm_store_supply_consent(mm_store *s, const char *supplier_id, const char *customer_id, bool see,
                            bool pass_up, const char *by, const char *now)
{
    int rc = mm_need(supplier_id, "consent: supplier");
    if (rc == MM_OK)
        rc = mm_need(customer_id, "consent: customer");
    if (rc == MM_OK)
        rc = mm_db_tx_begin(s);
    if (rc)
        return rc;
    int64_t edges = 0;
    const mm_param q[] = {P_TEXT(supplier_id), P_TEXT(customer_id)};
    rc = mm_db_int(s, &edges,
                   "SELECT count(*) FROM supply_edges WHERE supplier_id = $1 AND customer_id = $2"
                   " AND state <> 'ended'",
                   NPARAMS(q), q);
    if (rc == MM_OK && !edges) {
        mm_error_set("consent: %s is not a customer of this organization", customer_id);
        rc = MM_ENOTFOUND;
    }
    if (rc == MM_OK)
        rc = mm_db_exec(s, "DELETE FROM supply_consent WHERE supplier_id = $1 AND customer_id = $2",
                        NPARAMS(q), q, NULL, NULL, NULL);
    const mm_param p[] = {P_TEXT(supplier_id), P_TEXT(customer_id), P_INT(pass_up ? 1 : 0),
                          P_TEXT(now), P_TEXT(by)};
    if (rc == MM_OK && see)
        rc = mm_db_exec(s,
                        "INSERT INTO supply_consent (supplier_id, customer_id, pass_up, granted,"
                        " granted_by) VALUES ($1, $2, $3, $4, $5)",
                        NPARAMS(p), p, NULL, NULL, NULL);
    return mm_db_tx_end(s, rc);
}

/* ---- the tree below a customer ----------------------------------------------------------- */

/* The walk is over organizations, not edges, so each one is expanded once (twice at most):
 * v(org_id, passes) holds the suppliers the reader may see below it, passes when the edges
 * below that supplier may be seen too. Contractor: its direct suppliers (passes = the
 * supplier's pass_up towards it), then below a supplier that passes, the suppliers that
 * consented with pass_up. Authority: every supplier below, passing. The visible edges are then
 * the reader's own direct edges and, below a passing supplier, the edges whose supplier
 * consented with pass_up (the authority: every active edge below). Rows are a set and no
 * cycle is stored, so the walk ends. */
/* CONSENT: the consent column and its join (the authority's view needs neither: every
 * status is visible to it, and 7,000 lookups of the pair are a fifth of the query) */
#define TREE_SELECT(CONSENT_COL, CONSENT_JOIN)                                                     \
    "SELECT e.id, e.supplier_id, o.name, e.customer_id, e.contract, e.clauses, e.handles,"         \
    " e.tier_hint, e.since, e.until, " CONSENT_COL ", o.latest_framework, o.latest_status,"        \
    " o.latest_score, o.latest_assessed, o.latest_received,"                                       \
    " CASE WHEN {INSTR}(e.clauses, '\"far-52.204-21\"') > 0 THEN (SELECT"                          \
    "  {JSON_TEXT:sb.summary:cmmc_level1.status} FROM submissions sb"                              \
    "  WHERE sb.id = o.latest_submission) END"                                                     \
    " FROM v CROSS JOIN supply_edges e JOIN organizations o ON o.id = e.supplier_id" CONSENT_JOIN
#define CONSENT_JOIN                                                                               \
    " LEFT JOIN supply_consent c ON c.supplier_id = e.supplier_id"                                 \
    "  AND c.customer_id = e.customer_id"

/* The reader's visible organizations are computed once (v, seeded with the reader itself),
 * then each one's active edges are read through supply_edges_customer: no OR over the
 * recursion, no per-row subquery (docs/benchmarks.md, "Supply chain"). "v CROSS JOIN e" keeps
 * SQLite's join order (v first; otherwise it may scan every edge); PostgreSQL plans it freely. */
static const char tree_contractor_sql[] =
    "WITH RECURSIVE v(org_id, passes) AS ("
    " SELECT id, 1 FROM organizations WHERE id = $1"
    " UNION"
    " SELECT e.supplier_id, 1 FROM v JOIN supply_edges e ON e.customer_id = v.org_id"
    " JOIN supply_consent c ON c.supplier_id = e.supplier_id AND c.customer_id = e.customer_id"
    " WHERE e.state = 'active' AND c.pass_up = 1) " TREE_SELECT(
        "c.id", CONSENT_JOIN) " WHERE e.customer_id = v.org_id AND e.state = 'active'"
                              " AND (e.customer_id = $1 OR c.pass_up = 1)"
                              " ORDER BY e.customer_id, o.name, e.id";

static const char tree_all_sql[] =
    "WITH RECURSIVE v(org_id) AS ("
    " SELECT id FROM organizations WHERE id = $1"
    " UNION"
    " SELECT e.supplier_id FROM v JOIN supply_edges e ON e.customer_id = v.org_id"
    " WHERE e.state = 'active') " TREE_SELECT(
        "NULL", "") " WHERE e.customer_id = v.org_id AND e.state = 'active'"
                    " ORDER BY e.customer_id, o.name, e.id";

/* The JSON arrays of clause and handle lists: few distinct texts among many edges, so each
 * text is parsed once per query (the map owns copies of its keys). */
typedef struct array_cache {
    mm_map m;
} array_cache;

static json_t *parse_array(const char *t)
{
    json_t *v = t ? json_loads(t, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (!json_is_array(v)) {
        json_decref(v);
        v = json_array();
    }
    return v;
}

static json_t *cached_array(array_cache *c, const char *t)
{
    if (!c || !t)
        return parse_array(t);
    json_t *v = mm_map_get(&c->m, t);
    if (!v) {
        char *key = strdup(t);
        v = parse_array(t);
        if (!key || mm_map_put(&c->m, key, v) != 0) {
            free(key);
            return v;
        }
    }
    return json_incref(v);
}

static void array_cache_free(array_cache *c)
{
    for (size_t i = 0; i < c->m.cap; i++)
        if (c->m.keys && c->m.keys[i]) {
            json_decref(c->m.vals[i]);
            free((char *)c->m.keys[i]);
        }
    mm_map_free(&c->m);
}

static json_t *text_or_null(const char *v)
{
    return v ? json_string(v) : json_null();
}

static json_t *int_or_null(const char *v)
{
    return v ? json_integer(strtoll(v, NULL, 10)) : json_null();
}

/* One edge row of TREE_SELECT (its MM_SUPPLY_TREE_CELLS cells in v) as the reader sees it. */
static json_t *tree_item_cells(const char *const *v, bool all, array_cache *cache)
{
    static const char *const keys[] = {"id", "supplier_id", "supplier_name", "customer_id",
                                       "contract"};
    json_t *o = json_object();
    bool ok = o != NULL;
    for (size_t k = 0; ok && k < 5; k++)
        mm_put(o, keys[k], text_or_null(v[k]), &ok);
    bool visible = all || v[10] != NULL;
    json_t *latest = json_null();
    if (ok && visible && v[11]) {
        latest = json_object();
        mm_put(latest, "framework", text_or_null(v[11]), &ok);
        mm_put(latest, "status", text_or_null(v[12]), &ok);
        mm_put(latest, "score", int_or_null(v[13]), &ok);
        mm_put(latest, "assessed", text_or_null(v[14]), &ok);
        mm_put(latest, "received", text_or_null(v[15]), &ok);
        mm_put(latest, "cmmc_level1", text_or_null(v[16]), &ok);
    }
    mm_put(o, "clauses", cached_array(cache, v[5]), &ok);
    mm_put(o, "handles", cached_array(cache, v[6]), &ok);
    mm_put(o, "tier_hint", int_or_null(v[7]), &ok);
    mm_put(o, "since", text_or_null(v[8]), &ok);
    mm_put(o, "until", text_or_null(v[9]), &ok);
    mm_put(o, "status_visible", json_boolean(visible), &ok);
    mm_put(o, "latest", latest, &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *mm_supply_tree_item(const char *const *v, bool all)
{
    return tree_item_cells(v, all, NULL);
}

/* the same from a row of mm_db_rows, its first 16 cells from first (no Level 1 result) */
static json_t *tree_item(const json_t *row, size_t first, bool all)
{
    const char *v[MM_SUPPLY_TREE_CELLS] = {NULL};
    for (size_t i = 0; i < 16; i++)
        v[i] = mm_cell(row, first + i);
    return tree_item_cells(v, all, NULL);
}

typedef struct tree_ctx {
    json_t *items;
    bool all;
    array_cache cache;
} tree_ctx;

/* each row straight into its item: no intermediate array of rows */
static int tree_row(void *ctx, int n, const char *const *v, const size_t *len)
{
    (void)len;
    tree_ctx *t = ctx;
    json_t *it = n >= MM_SUPPLY_TREE_CELLS ? tree_item_cells(v, t->all, &t->cache) : NULL;
    if (!it || json_array_append_new(t->items, it))
        return mm_oom();
    return MM_OK;
}

static int tree_rows(mm_store *s, json_t **out, const char *sql, int n, const mm_param *p, bool all)
{
    *out = NULL;
    tree_ctx t = {.items = json_array(), .all = all, .cache = {MM_MAP_INIT}};
    int rc = t.items ? mm_db_exec(s, sql, n, p, tree_row, &t, NULL) : mm_oom();
    array_cache_free(&t.cache);
    if (rc == MM_OK && !(*out = json_pack("{s:o}", "items", t.items)))
        return mm_oom();
    if (rc)
        json_decref(t.items);
    return rc;
}

int mm_store_supply_tree(mm_store *s, json_t **out, const char *org_id, bool all)
{
    *out = NULL;
    json_t *org = NULL;
    int rc = mm_need(org_id, "supply tree: organization id");
    if (rc == MM_OK)
        rc = mm_store_get_org(s, &org, org_id);
    json_decref(org);
    const mm_param p[] = {P_TEXT(org_id)};
    if (rc == MM_OK)
        rc = tree_rows(s, out, all ? tree_all_sql : tree_contractor_sql, 1, p, all);
    return rc;
}

int mm_store_supply_tree_each(mm_store *s, const char *org_id, bool all, mm_supply_row_fn row,
                              void *ctx)
{
    json_t *org = NULL;
    int rc = mm_need(org_id, "supply tree: organization id");
    if (rc == MM_OK)
        rc = mm_store_get_org(s, &org, org_id);
    json_decref(org);
    const mm_param p[] = {P_TEXT(org_id)};
    if (rc == MM_OK)
        rc = mm_db_exec(s, all ? tree_all_sql : tree_contractor_sql, 1, p, row, ctx, NULL);
    return rc;
}

int mm_store_supply_customers(mm_store *s, json_t **out, const char *org_id)
{
    *out = NULL;
    static const char *const keys[] = {"id",      "customer_id", "customer_name", "contract",
                                       "clauses", "handles",     "state",         "since",
                                       "until",   "consent",     "pass_up",       NULL};
    json_t *items = NULL, *org = NULL;
    int rc = mm_need(org_id, "customers: organization id");
    if (rc == MM_OK)
        rc = mm_store_get_org(s, &org, org_id);
    json_decref(org);
    const mm_param p[] = {P_TEXT(org_id)};
    if (rc == MM_OK)
        rc = mm_db_objects(s, &items,
                           "SELECT e.id, e.customer_id, o.name, e.contract, e.clauses, e.handles,"
                           " e.state, e.since, e.until,"
                           " CASE WHEN c.id IS NULL THEN 0 ELSE 1 END, coalesce(c.pass_up, 0)"
                           " FROM supply_edges e JOIN organizations o ON o.id = e.customer_id"
                           " LEFT JOIN supply_consent c ON c.supplier_id = e.supplier_id"
                           "  AND c.customer_id = e.customer_id"
                           " WHERE e.supplier_id = $1 ORDER BY o.name, e.contract, e.id",
                           1, p, keys, "ssssaasssbb");
    if (rc == MM_OK && !(*out = json_pack("{s:o}", "items", items)))
        rc = mm_oom();
    return rc;
}

int mm_store_supply_affected(mm_store *s, json_t **out, const char *org_id)
{
    *out = NULL;
    static const char *const keys[] = {"id", "name", "sector", "country", NULL};
    json_t *items = NULL, *org = NULL;
    int rc = mm_need(org_id, "affected: organization id");
    if (rc == MM_OK)
        rc = mm_store_get_org(s, &org, org_id);
    json_decref(org);
    const mm_param p[] = {P_TEXT(org_id)};
    if (rc == MM_OK)
        rc = mm_db_objects(
            s, &items,
            "WITH RECURSIVE up(id) AS ("
            " SELECT customer_id FROM supply_edges"
            " WHERE supplier_id = $1 AND state = 'active'"
            " UNION"
            " SELECT e.customer_id FROM supply_edges e JOIN up ON e.supplier_id = up.id"
            " WHERE e.state = 'active')"
            " SELECT o.id, o.name, pr.sector, pr.country FROM up"
            " JOIN organizations o ON o.id = up.id"
            " LEFT JOIN org_profiles pr ON pr.org_id = o.id ORDER BY o.name, o.id",
            1, p, keys, "ssss");
    if (rc == MM_OK && !(*out = json_pack("{s:s, s:I, s:o}", "supplier_id", org_id, "total",
                                          (json_int_t)json_array_size(items), "items", items)))
        rc = mm_oom();
    return rc;
}

/* ---- the national view ------------------------------------------------------------------- */

static json_t *national_item(const json_t *row)
{
    json_t *o = tree_item(row, 1, true);
    bool ok = o != NULL;
    if (ok) {
        mm_put(o, "customer_name", mm_cell_text(row, 17), &ok);
        mm_put(o, "supplier_sector", mm_cell_text(row, 18), &ok);
        mm_put(o, "supplier_country", mm_cell_text(row, 19), &ok);
    }
    if (!ok)
        json_decref(o);
    return ok ? o : NULL;
}

int mm_store_supply_national(mm_store *s, json_t **out, const mm_supply_query *q)
{
    *out = NULL;
    int rc = mm_check_page("supply view", q->offset, q->limit);
    if (rc)
        return rc;
    char clause[160] = "";
    if (q->clause)
        snprintf(clause, sizeof clause, "\"%s\"", q->clause);
    const mm_param p[] = {P_TEXT(q->sector), P_TEXT(q->country), P_TEXT(q->clause ? clause : NULL),
                          P_TEXT(q->status), P_INT(q->tier),     P_INT(q->limit),
                          P_INT(q->offset)};
    json_t *rows = NULL;
    rc = mm_db_rows(s, &rows, NULL,
                    /* f: the matching edges, narrow (id and sort key); counted, and one
                     * page of it sorted before the page's columns are joined. The suppliers
                     * first ("CROSS JOIN" keeps SQLite's order): a sector or country filter
                     * reads org_profiles_sector, then each supplier's edges by
                     * supply_edges_supplier, rather than every edge with two lookups each
                     * (docs/benchmarks.md) */
                    "WITH f AS (SELECT e.id, o.name AS sname FROM organizations o"
                    "  LEFT JOIN org_profiles pr ON pr.org_id = o.id"
                    "  CROSS JOIN supply_edges e"
                    "  WHERE e.supplier_id = o.id AND e.state = 'active'"
                    "  AND ($1 IS NULL OR pr.sector = $1) AND ($2 IS NULL OR pr.country = $2)"
                    "  AND ($3 IS NULL OR {INSTR}(e.clauses, $3) > 0)"
                    "  AND ($4 IS NULL OR coalesce(o.latest_status, 'none') = $4)"
                    "  AND ($5 = 0 OR e.tier_hint = $5))"
                    " SELECT t.total, p.* FROM (SELECT count(*) AS total FROM f) t"
                    " LEFT JOIN (SELECT e.id, e.supplier_id, o.name, e.customer_id, e.contract,"
                    "  e.clauses, e.handles, e.tier_hint, e.since, e.until, 1 AS consent,"
                    "  o.latest_framework, o.latest_status, o.latest_score, o.latest_assessed,"
                    "  o.latest_received, cu.name AS cname, pr.sector, pr.country, k.sname"
                    "  FROM (SELECT id, sname FROM f ORDER BY sname, id LIMIT $6 OFFSET $7) k"
                    "  JOIN supply_edges e ON e.id = k.id"
                    "  JOIN organizations o ON o.id = e.supplier_id"
                    "  JOIN organizations cu ON cu.id = e.customer_id"
                    "  LEFT JOIN org_profiles pr ON pr.org_id = e.supplier_id) p ON true"
                    " ORDER BY p.sname, p.id",
                    NPARAMS(p), p);
    return rc ? rc : mm_db_paged(out, rows, national_item);
}

/* ---- profiles and clause statements ----------------------------------------------------- */

int mm_store_org_profile(mm_store *s, const char *org_id, const char *sector, const char *country)
{
    json_t *org = NULL;
    int rc = mm_need(org_id, "profile: organization id");
    if (rc == MM_OK)
        rc = mm_store_get_org(s, &org, org_id);
    json_decref(org);
    if (rc == MM_OK && country &&
        (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' ||
         country[1] > 'Z')) {
        mm_error_set("profile: country '%s' is not an ISO 3166-1 alpha-2 code (JP, US)", country);
        rc = MM_EINVALID;
    }
    const mm_param p[] = {P_TEXT(org_id), P_TEXT(sector), P_TEXT(country)};
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "INSERT INTO org_profiles (org_id, sector, country) VALUES ($1, $2, $3)"
                        " ON CONFLICT (org_id) DO UPDATE SET sector = $2, country = $3",
                        NPARAMS(p), p, NULL, NULL, NULL);
    return rc;
}

int mm_store_org_profile_get(mm_store *s, json_t **out, const char *org_id)
{
    *out = NULL;
    json_t *org = NULL, *row = NULL;
    int rc = mm_need(org_id, "profile: organization id");
    if (rc == MM_OK)
        rc = mm_store_get_org(s, &org, org_id);
    json_decref(org);
    const mm_param p[] = {P_TEXT(org_id)};
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, "no organization",
                       "SELECT o.id, pr.sector, pr.country FROM organizations o"
                       " LEFT JOIN org_profiles pr ON pr.org_id = o.id WHERE o.id = $1",
                       1, p);
    static const char *const keys[] = {"org_id", "sector", "country", NULL};
    if (rc == MM_OK && !(*out = mm_row_object(row, 0, keys, "sss")))
        rc = mm_oom();
    json_decref(row);
    return rc;
}

int mm_store_clause_state(mm_store *s, const char *clause_id, const char *text,
                          const char *check_rule, const char *by, const char *now)
{
    int rc = mm_need(clause_id, "clause statement: clause");
    if (rc == MM_OK)
        rc = mm_need(text, "clause statement: text");
    const mm_param p[] = {P_TEXT(clause_id), P_TEXT(text), P_TEXT(check_rule), P_TEXT(now),
                          P_TEXT(by)};
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "INSERT INTO clause_statements (clause_id, text, check_rule, stated,"
                        " stated_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (clause_id)"
                        " DO UPDATE SET text = $2, check_rule = $3, stated = $4, stated_by = $5",
                        NPARAMS(p), p, NULL, NULL, NULL);
    return rc;
}

int mm_store_clause_statements(mm_store *s, json_t **out)
{
    *out = NULL;
    static const char *const keys[] = {"clause_id", "text",      "check_rule",
                                       "stated",    "stated_by", NULL};
    json_t *items = NULL;
    int rc = mm_db_objects(s, &items,
                           "SELECT clause_id, text, check_rule, stated, stated_by"
                           " FROM clause_statements ORDER BY clause_id",
                           0, NULL, keys, "sssss");
    if (rc == MM_OK && !(*out = json_pack("{s:o}", "items", items)))
        rc = mm_oom();
    return rc;
}

/* ---- notifications ----------------------------------------------------------------------- */

int mm_store_notify_up(mm_store *s, const char *supplier_id, const char *kind, const char *subject,
                       const char *detail_json, const char *now, int64_t *count)
{
    int rc = mm_need(supplier_id, "notification: supplier");
    if (rc == MM_OK)
        rc = mm_need(kind, "notification: kind");
    if (rc == MM_OK)
        rc = mm_need(subject, "notification: subject");
    if (rc == MM_OK && detail_json && !mm_json_object_text(detail_json)) {
        mm_error_set("notification: detail is not a JSON object");
        rc = MM_EINVALID;
    }
    /* up(id, passes): a direct customer the supplier consented to (passes: with pass_up);
     * above a customer that passes, its customers it consented to with pass_up */
    const mm_param p[] = {P_TEXT(supplier_id), P_TEXT(kind), P_TEXT(subject),
                          P_TEXT(detail_json ? detail_json : "{}"), P_TEXT(now)};
    int64_t changes = 0;
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "INSERT INTO notifications (recipient_org, kind, subject, detail, created)"
                        " WITH RECURSIVE up(id, passes) AS ("
                        " SELECT c.customer_id, c.pass_up FROM supply_consent c"
                        " JOIN supply_edges e ON e.supplier_id = c.supplier_id"
                        "  AND e.customer_id = c.customer_id AND e.state = 'active'"
                        " WHERE c.supplier_id = $1"
                        " UNION"
                        " SELECT c.customer_id, 1 FROM up JOIN supply_consent c"
                        "  ON c.supplier_id = up.id AND c.pass_up = 1"
                        " JOIN supply_edges e ON e.supplier_id = c.supplier_id"
                        "  AND e.customer_id = c.customer_id AND e.state = 'active'"
                        " WHERE up.passes = 1)"
                        " SELECT DISTINCT id, $2, $3, $4, $5 FROM up WHERE id <> $1",
                        NPARAMS(p), p, NULL, NULL, &changes);
    if (count)
        *count = changes;
    return rc;
}

int mm_store_latest_status(mm_store *s, const char *org_id, char out[32])
{
    json_t *row = NULL;
    const mm_param p[] = {P_TEXT(org_id)};
    out[0] = '\0';
    int rc = mm_db_row(s, &row, "no such organization",
                       "SELECT coalesce(latest_status, ''), name FROM organizations WHERE id = $1",
                       1, p);
    if (rc == MM_OK)
        mm_cell_copy(out, 32, row, 0);
    json_decref(row);
    return rc;
}

/* ---- the alliance map --------------------------------------------------------------------- */

/* the last audit record of a change that may show on the map: not a sign-in, a token, a
 * password, a user account or a notification read; read backwards from the end */
int mm_store_map_version(mm_store *s, int64_t *out)
{
    *out = 0;
    return mm_db_int(s, out,
                     "SELECT coalesce((SELECT id FROM audit_log WHERE action NOT LIKE 'logon.%'"
                     " AND action NOT LIKE 'logout%' AND action NOT LIKE 'token.%'"
                     " AND action NOT LIKE 'password.%' AND action NOT LIKE 'session.%'"
                     " AND action NOT LIKE 'user.%' AND action <> 'notification.read'"
                     " ORDER BY id DESC LIMIT 1), 0)",
                     0, NULL);
}

static const char map_nodes_all[] =
    "SELECT o.id, o.name, pr.sector, pr.country, o.latest_status FROM organizations o"
    " LEFT JOIN org_profiles pr ON pr.org_id = o.id WHERE o.kind = 'contractor' ORDER BY o.id";
static const char map_supply_all[] = "SELECT supplier_id, customer_id, handles FROM supply_edges"
                                     " WHERE state = 'active' ORDER BY id";
/* item flows: each (originator, recipient organization, label) with its count */
static const char map_flows_all[] =
    "SELECT si.originator_org, ir.org_id, si.tlp, count(*) FROM shared_items si"
    " JOIN item_recipients ir ON ir.item_id = si.id WHERE ir.org_id IS NOT NULL"
    " AND ir.org_id <> si.originator_org GROUP BY si.originator_org, ir.org_id, si.tlp"
    " ORDER BY 1, 2, 3";
static const char map_communities_all[] =
    "SELECT c.id, c.name, count(m.org_id) FROM communities c"
    " LEFT JOIN community_members m ON m.community_id = c.id GROUP BY c.id, c.name ORDER BY c.name";
static const char map_members_all[] =
    "SELECT community_id, org_id FROM community_members ORDER BY community_id, org_id";

/* a contractor's neighbourhood: itself, the suppliers of its view, its direct customers, the
 * organizations it exchanged items with */
static const char map_flows_own[] =
    "SELECT si.originator_org, ir.org_id, si.tlp, count(*) FROM shared_items si"
    " JOIN item_recipients ir ON ir.item_id = si.id WHERE ir.org_id IS NOT NULL"
    " AND ir.org_id <> si.originator_org AND (si.originator_org = $1 OR ir.org_id = $1)"
    " GROUP BY si.originator_org, ir.org_id, si.tlp ORDER BY 1, 2, 3";
static const char map_customers_own[] =
    "SELECT e.supplier_id, e.customer_id, e.handles FROM supply_edges e"
    " WHERE e.supplier_id = $1 AND e.state = 'active' ORDER BY e.id";
static const char map_communities_own[] =
    "SELECT c.id, c.name, (SELECT count(*) FROM community_members x WHERE x.community_id = c.id)"
    " FROM communities c JOIN community_members m ON m.community_id = c.id AND m.org_id = $1"
    " ORDER BY c.name";
static const char map_node_one[] =
    "SELECT o.id, o.name, pr.sector, pr.country, o.latest_status FROM organizations o"
    " LEFT JOIN org_profiles pr ON pr.org_id = o.id WHERE o.id = $1";

int mm_store_supply_map(mm_store *s, json_t **out, const char *org_id)
{
    *out = NULL;
    static const char *const nk[] = {"id", "name", "sector", "country", "status", NULL};
    static const char *const sk[] = {"supplier", "customer", "handles", NULL};
    static const char *const fk[] = {"from", "to", "tlp", "count", NULL};
    static const char *const ck[] = {"id", "name", "members", NULL};
    static const char *const mk[] = {"community", "org", NULL};
    json_t *nodes = NULL, *supply = NULL, *flows = NULL, *comms = NULL, *members = NULL;
    const mm_param p[] = {P_TEXT(org_id)};
    int rc = MM_OK;
    if (!org_id) {
        rc = mm_db_objects(s, &nodes, map_nodes_all, 0, NULL, nk, "sssss");
        if (rc == MM_OK)
            rc = mm_db_objects(s, &supply, map_supply_all, 0, NULL, sk, "ssa");
        if (rc == MM_OK)
            rc = mm_db_objects(s, &flows, map_flows_all, 0, NULL, fk, "sssi");
        if (rc == MM_OK)
            rc = mm_db_objects(s, &comms, map_communities_all, 0, NULL, ck, "ssi");
        if (rc == MM_OK)
            rc = mm_db_objects(s, &members, map_members_all, 0, NULL, mk, "ss");
    } else {
        /* the suppliers it may see (the view's edges), its customers, its item flows */
        json_t *tree = NULL, *visible = json_object();
        rc = mm_store_supply_tree(s, &tree, org_id, false);
        supply = json_array();
        size_t i;
        json_t *e;
        json_object_set_new(visible, org_id, json_true());
        json_array_foreach(json_object_get(tree, "items"), i, e)
        {
            if (json_is_true(json_object_get(e, "status_visible")))
                json_object_set_new(visible, json_string_value(json_object_get(e, "supplier_id")),
                                    json_true());
            json_array_append_new(supply, json_pack("{s:O, s:O, s:O}", "supplier",
                                                    json_object_get(e, "supplier_id"), "customer",
                                                    json_object_get(e, "customer_id"), "handles",
                                                    json_object_get(e, "handles")));
        }
        json_decref(tree);
        json_t *cust = NULL;
        if (rc == MM_OK)
            rc = mm_db_objects(s, &cust, map_customers_own, 1, p, sk, "ssa");
        json_array_extend(supply, cust);
        json_decref(cust);
        if (rc == MM_OK)
            rc = mm_db_objects(s, &flows, map_flows_own, 1, p, fk, "sssi");
        if (rc == MM_OK)
            rc = mm_db_objects(s, &comms, map_communities_own, 1, p, ck, "ssi");
        members = json_array();
        /* the nodes: every organization named by a link, once */
        nodes = json_array();
        json_t *seen = json_object();
        json_object_set_new(seen, org_id, json_true());
        json_array_foreach(supply, i, e)
        {
            json_object_set_new(seen, json_string_value(json_object_get(e, "supplier")),
                                json_true());
            json_object_set_new(seen, json_string_value(json_object_get(e, "customer")),
                                json_true());
        }
        json_array_foreach(flows, i, e)
        {
            json_object_set_new(seen, json_string_value(json_object_get(e, "from")), json_true());
            json_object_set_new(seen, json_string_value(json_object_get(e, "to")), json_true());
        }
        const char *id;
        json_t *unused;
        json_object_foreach(seen, id, unused)
        {
            json_t *one = NULL;
            const mm_param q[] = {P_TEXT(id)};
            if (rc == MM_OK)
                rc = mm_db_objects(s, &one, map_node_one, 1, q, nk, "sssss");
            /* a status only where the view shows it: its own, consenting suppliers' */
            json_t *n = json_array_get(one, 0);
            if (n && !json_object_get(visible, id))
                json_object_set_new(n, "status", json_null());
            json_array_extend(nodes, one);
            json_decref(one);
        }
        json_decref(seen);
        json_decref(visible);
    }
    if (rc == MM_OK && !(*out = json_pack("{s:s?, s:o, s:o, s:o, s:o, s:o}", "scope", org_id,
                                          "nodes", nodes, "supply", supply, "sharing", flows,
                                          "communities", comms, "members", members)))
        rc = mm_oom();
    if (rc) {
        json_decref(nodes);
        json_decref(supply);
        json_decref(flows);
        json_decref(comms);
        json_decref(members);
    }
    return rc;
}

/* ---- the alliance map, grouped in SQL (the authority's dense view) --------------------------- */

#define ORG_FILTER(o, p)                                                                           \
    " AND ($1 IS NULL OR " p ".sector = $1) AND ($2 IS NULL OR " p ".country = $2)"                \
    " AND ($3 IS NULL OR coalesce(" o ".latest_status, 'none') = $3)"
/* the three groupings, each a fixed text: k(a) is the group key of profile alias a */
#define GROUP_SQL(KA, KB, KC, KD, KE, KF)                                                          \
    {                                                                                              \
        "SELECT " KA ", min(pr.sector), min(pr.country), coalesce(o.latest_status, 'none'),"       \
        " count(*) FROM organizations o LEFT JOIN org_profiles pr ON pr.org_id = o.id"             \
        " WHERE o.kind = 'contractor'" ORG_FILTER("o", "pr") " GROUP BY 1, 4 ORDER BY 1, 4",       \
            "SELECT " KB ", " KC ", count(*) FROM supply_edges e"                                  \
            " JOIN organizations so ON so.id = e.supplier_id JOIN organizations co ON co.id = "    \
            "e.customer_id"                                                                        \
            " LEFT JOIN org_profiles sp ON sp.org_id = e.supplier_id"                              \
            " LEFT JOIN org_profiles cp ON cp.org_id = e.customer_id WHERE e.state = "             \
            "'active'" ORG_FILTER("so", "sp")                                                      \
                ORG_FILTER("co", "cp") " GROUP BY 1, 2 ORDER BY 1, 2",                             \
            "SELECT " KD ", " KE ", si.tlp, count(*) FROM shared_items si"                         \
            " JOIN item_recipients ir ON ir.item_id = si.id"                                       \
            " JOIN organizations so ON so.id = si.originator_org JOIN organizations co ON co.id "  \
            "= ir.org_id"                                                                          \
            " LEFT JOIN org_profiles sp ON sp.org_id = si.originator_org"                          \
            " LEFT JOIN org_profiles cp ON cp.org_id = ir.org_id WHERE ir.org_id <> "              \
            "si.originator_org"                                                                    \
            " AND so.kind = 'contractor' AND co.kind = 'contractor'" ORG_FILTER("so", "sp")        \
                ORG_FILTER("co", "cp") " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3" KF                     \
    }

static const char *const group_sql[3][3] = {
    GROUP_SQL("coalesce(pr.sector, 'unknown') || ' / ' || coalesce(pr.country, '--')",
              "coalesce(sp.sector, 'unknown') || ' / ' || coalesce(sp.country, '--')",
              "coalesce(cp.sector, 'unknown') || ' / ' || coalesce(cp.country, '--')",
              "coalesce(sp.sector, 'unknown') || ' / ' || coalesce(sp.country, '--')",
              "coalesce(cp.sector, 'unknown') || ' / ' || coalesce(cp.country, '--')", ""),
    GROUP_SQL("coalesce(pr.sector, 'unknown')", "coalesce(sp.sector, 'unknown')",
              "coalesce(cp.sector, 'unknown')", "coalesce(sp.sector, 'unknown')",
              "coalesce(cp.sector, 'unknown')", ""),
    GROUP_SQL("coalesce(pr.country, '--')", "coalesce(sp.country, '--')",
              "coalesce(cp.country, '--')", "coalesce(sp.country, '--')",
              "coalesce(cp.country, '--')", ""),
};

int mm_store_supply_map_groups(mm_store *s, json_t **out, const char *by, const char *sector,
                               const char *country, const char *status)
{
    *out = NULL;
    int g = mm_streq(by, "sector") ? 1 : mm_streq(by, "country") ? 2 : 0;
    static const char *const nk[] = {"key", "sector", "country", "status", "organizations", NULL};
    static const char *const sk[] = {"source", "target", "edges", NULL};
    static const char *const fk[] = {"source", "target", "tlp", "items", NULL};
    const mm_param p[] = {P_TEXT(sector), P_TEXT(country), P_TEXT(status)};
    json_t *nodes = NULL, *supply = NULL, *sharing = NULL;
    int rc = mm_db_objects(s, &nodes, group_sql[g][0], 3, p, nk, "ssssi");
    if (rc == MM_OK)
        rc = mm_db_objects(s, &supply, group_sql[g][1], 3, p, sk, "ssi");
    if (rc == MM_OK)
        rc = mm_db_objects(s, &sharing, group_sql[g][2], 3, p, fk, "sssi");
    if (rc == MM_OK && !(*out = json_pack("{s:o, s:o, s:o}", "nodes", nodes, "supply", supply,
                                          "sharing", sharing)))
        rc = mm_oom();
    if (rc) {
        json_decref(nodes);
        json_decref(supply);
        json_decref(sharing);
    }
    return rc;
}
