/* mamori serve: the supply chain's actions and views (docs/supply-chain.md). The API
 * (supply_api.c) and the pages (web_supply.c) both call these; neither calls the other.
 * Every change is one transaction ended by mm_audited_commit. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/notify.h"
#include "server/supply.h"
#include "util/util.h"

static pthread_once_t clauses_once = PTHREAD_ONCE_INIT;
static mm_clause_catalog *clauses;

static void load_clauses(void)
{
    if (mm_clause_catalog_load(&clauses, NULL) != MM_OK)
        mm_server_log_json("error", "the clause catalog did not load",
                           json_pack("{s:s}", "error", mm_error_last()));
}

const mm_clause_catalog *supply_clauses(void)
{
    pthread_once(&clauses_once, load_clauses);
    return clauses;
}

/* The store's code as an action's failure, with the store's message. */
static int store_fail(act_fail *f, int rc)
{
    act_kind k = rc == MM_ENOTFOUND   ? ACT_NOT_FOUND
                 : rc == MM_ECONFLICT ? ACT_CONFLICT
                 : rc == MM_EINVALID  ? ACT_INVALID
                                      : ACT_STORE;
    return act_failed(f, k, rc, "%s", mm_error_last());
}

int supply_create(http_req *r, const char *customer_id, json_t **out, act_fail *f)
{
    *out = NULL;
    const mm_clause_catalog *c = supply_clauses();
    if (!c)
        return act_failed(f, ACT_INTERNAL, MM_EIO, "the clause catalog is not available");
    mm_supply_edge_body *b = NULL;
    int rc = mm_supply_edge_body_parse(&b, r->body ? r->body : "", r->body_len, "body", c);
    if (rc == MM_ENOMEM)
        return act_failed(f, ACT_BUSY, rc, "out of memory");
    if (rc)
        return act_failed(f, ACT_INVALID, rc, "%s", mm_error_last());
    char id[37];
    mm_store_new_id(id);
    mm_supply_edge e = {.id = id,
                        .supplier_id = b->supplier_id,
                        .customer_id = customer_id,
                        .contract = b->contract,
                        .clauses = b->clauses,
                        .handles = b->handles,
                        .tier_hint = b->tier_hint,
                        .since = b->since,
                        .until = b->until,
                        .by = r->who.login,
                        .now = r->now};
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_supply_create(r->st, &e);
    /* a supplier that is not a contractor the caller may name: one answer for "no such" and
     * "not a contractor", so the body never tells which organizations exist */
    if (rc == MM_EINVALID && strstr(mm_error_last(), "supplier"))
        mm_error_set("body: $.supplier_id: no such contractor");
    if (rc == MM_ENOTFOUND)
        mm_error_set("body: $.supplier_id: no such contractor");
    rc = mm_audited_commit(r->st, rc, r->who.login, "supply.create", id,
                           json_pack("{s:s, s:s, s:s}", "supplier_id", b->supplier_id,
                                     "customer_id", customer_id, "contract", b->contract));
    mm_supply_edge_body_free(b);
    if (rc == MM_ENOTFOUND || (rc == MM_EINVALID))
        return act_failed(f, ACT_INVALID, rc, "%s", mm_error_last());
    if (rc)
        return store_fail(f, rc);
    rc = mm_store_supply_get(r->st, out, id);
    return rc ? store_fail(f, rc) : MM_OK;
}

int supply_confirm(http_req *r, const char *supplier_id, const char *id, act_fail *f)
{
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_supply_confirm(r->st, id, supplier_id, r->who.login, r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "supply.confirm", id,
                           json_pack("{s:s}", "supplier_id", supplier_id));
    return rc ? store_fail(f, rc) : MM_OK;
}

int supply_end(http_req *r, const char *org_id, const char *id, act_fail *f)
{
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_supply_end(r->st, id, org_id, r->who.login, r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "supply.end", id,
                           json_pack("{s:s}", "by_org", org_id));
    return rc ? store_fail(f, rc) : MM_OK;
}

int supply_set_consent(http_req *r, const char *supplier_id, const char *customer_id, bool see,
                       bool pass_up, act_fail *f)
{
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_supply_consent(r->st, supplier_id, customer_id, see, see && pass_up,
                                     r->who.login, r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, see ? "supply.consent" : "supply.withdraw",
                           supplier_id,
                           json_pack("{s:s, s:b, s:b}", "customer_id", customer_id, "see_status",
                                     see, "pass_up", see && pass_up));
    return rc ? store_fail(f, rc) : MM_OK;
}

int supply_view_page(http_req *r, const char *org_id, const mm_supply_page *q, json_t **out)
{
    mm_supply_dates d = {.today = r->today,
                         .sprs_before = r->stale_before,
                         .cmmc_expired_before = r->cmmc_expired_before};
    /* the checked tree is kept under the store's version for the next pages (view.c) */
    mm_supply_page kq = *q;
    if (req_store_version(r, &kq.version) != MM_OK)
        kq.version = 0;
    return mm_supply_view_page(r->st, out, org_id, r->who.authority, &kq, supply_clauses(), &d);
}

int supply_view(http_req *r, const char *org_id, const char *handles, const char *check,
                json_t **out)
{
    const mm_supply_page q = {.handles = handles, .check = check};
    return supply_view_page(r, org_id, &q, out);
}

int supply_alert_status(mm_store *st, const char *org_id, const char *before, const char *now)
{
    char after[32];
    int rc = mm_store_latest_status(st, org_id, after);
    if (rc || !mm_supply_status_worse(before, after))
        return rc;
    json_t *org = NULL;
    rc = mm_store_get_org(st, &org, org_id);
    char subject[300];
    snprintf(subject, sizeof subject, "%s: status %s -> %s",
             rc == MM_OK ? json_string_value(json_object_get(org, "name")) : org_id, before, after);
    json_decref(org);
    json_t *d =
        json_pack("{s:s, s:s, s:s}", "supplier_id", org_id, "before", before, "after", after);
    char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    if (rc == MM_OK)
        rc = mm_store_notify_up(st, org_id, "status-drop", subject, detail ? detail : "{}", now,
                                NULL);
    /* the authorities and the organization itself (docs/notifications.md) */
    if (rc == MM_OK)
        rc = notify_status_drop(st, org_id, before, after, now);
    free(detail);
    return rc;
}

int supply_alert_incident(mm_store *st, const char *org_id, const char *report_number,
                          const char *now)
{
    json_t *org = NULL;
    int rc = mm_store_get_org(st, &org, org_id);
    char subject[300];
    snprintf(subject, sizeof subject, "%s reported a cyber incident (%s)",
             rc == MM_OK ? json_string_value(json_object_get(org, "name")) : org_id, report_number);
    json_decref(org);
    json_t *d = json_pack("{s:s, s:s}", "supplier_id", org_id, "report_number", report_number);
    char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    if (rc == MM_OK)
        rc = mm_store_notify_up(st, org_id, "incident", subject, detail ? detail : "{}", now, NULL);
    free(detail);
    return rc;
}

static int map_build(mm_store *st, bool authority, const char *org_id, const mm_map_filter *f,
                     json_t **view)
{
    *view = NULL;
    json_t *map = NULL;
    int rc = MM_OK;
    /* the authority's whole: grouped in the database unless asked for organizations, or when
     * the filter leaves few enough to draw one by one */
    if (authority && !mm_streq(f->group, "none")) {
        const char *by = f->group; /* sector, country, or NULL: both */
        rc = mm_store_supply_map_groups(st, &map, by, f->sector, f->country, f->status);
        json_int_t orgs = 0;
        size_t i;
        json_t *n;
        json_array_foreach(json_object_get(map, "nodes"), i, n)
        {
            orgs += json_integer_value(json_object_get(n, "organizations"));
        }
        if (rc == MM_OK && (by || (size_t)orgs > f->max_nodes)) {
            rc = mm_supply_map_view_groups(view, map, by);
            json_decref(map);
            return rc;
        }
        json_decref(map);
        map = NULL;
    }
    if (rc == MM_OK)
        rc = mm_store_supply_map(st, &map, authority ? NULL : org_id);
    if (rc == MM_OK)
        rc = mm_supply_map_view(view, map, f);
    json_decref(map);
    return rc;
}

int supply_map(http_req *r, const mm_map_filter *f, json_t **view)
{
    return map_build(r->st, r->who.authority, r->who.org_id, f, view);
}

/* ---- the authority's map, drawn once per version of what it shows ----------------------- */

/* Laying out the authority's map takes Graphviz from half a second to seconds at 10,000
 * organizations; the drawing depends only on the filter and the stored data, so it is kept per
 * filter under mm_store_map_version (docs/supply-chain.md, "The alliance map"). One build at a
 * time: a request that arrives while the same drawing is being built (the warm-up at the
 * server's start, or another request) waits for it and takes the result. */
#define MAP_SLOTS 8

typedef struct map_slot {
    char key[600];
    int64_t version;
    json_t *view;
    char *svg;
} map_slot;

static map_slot map_slots[MAP_SLOTS];
static unsigned map_next;
static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;

static bool map_key(char *key, size_t size, const mm_map_filter *f)
{
    int n = snprintf(key, size, "%s\x1f%s\x1f%s\x1f%s\x1f%zu", f->group ? f->group : "",
                     f->sector ? f->sector : "", f->country ? f->country : "",
                     f->status ? f->status : "", f->max_nodes);
    return n > 0 && (size_t)n < size;
}

static int map_draw(mm_store *st, bool authority, const char *org_id, const mm_map_filter *f,
                    json_t **view, char **svg)
{
    int rc = map_build(st, authority, org_id, f, view);
    if (rc == MM_OK && json_array_size(json_object_get(*view, "nodes")) > 0)
        rc = mm_supply_map_svg(svg, *view);
    return rc;
}

int supply_map_drawn(mm_store *st, int64_t version, bool authority, const char *org_id,
                     const mm_map_filter *f, json_t **view, char **svg)
{
    *view = NULL;
    *svg = NULL;
    char key[600];
    if (!authority || version < 0 || !map_key(key, sizeof key, f))
        return map_draw(st, authority, org_id, f, view, svg);
    pthread_mutex_lock(&map_lock);
    for (unsigned i = 0; i < MAP_SLOTS; i++) {
        map_slot *m = &map_slots[i];
        if (m->view && m->version == version && strcmp(m->key, key) == 0) {
            *view = json_incref(m->view);
            *svg = m->svg ? strdup(m->svg) : NULL;
            bool ok = !m->svg || *svg;
            pthread_mutex_unlock(&map_lock);
            return ok ? MM_OK : MM_ENOMEM;
        }
    }
    /* built under the lock: the other requests for a drawing wait for this one */
    int rc = map_draw(st, authority, NULL, f, view, svg);
    char *copy = rc == MM_OK && *svg ? strdup(*svg) : NULL;
    if (rc == MM_OK && (copy || !*svg)) {
        map_slot *m = &map_slots[map_next++ % MAP_SLOTS];
        json_decref(m->view);
        free(m->svg);
        snprintf(m->key, sizeof m->key, "%s", key);
        m->version = version;
        m->view = json_incref(*view);
        m->svg = copy;
    }
    pthread_mutex_unlock(&map_lock);
    return rc;
}

void supply_map_warm(mm_store *st)
{
    int64_t version = 0;
    json_t *view = NULL;
    char *svg = NULL;
    const mm_map_filter f = {.max_nodes = SUPPLY_MAP_MAX_NODES};
    int rc = mm_store_map_version(st, &version);
    /* only a map dense enough to be grouped is slow to draw: a small one is left alone */
    json_t *groups = NULL;
    json_int_t orgs = 0;
    size_t i;
    json_t *n;
    if (rc == MM_OK)
        rc = mm_store_supply_map_groups(st, &groups, "sector", NULL, NULL, NULL);
    json_array_foreach(json_object_get(groups, "nodes"), i, n)
    {
        orgs += json_integer_value(json_object_get(n, "organizations"));
    }
    json_decref(groups);
    if (rc == MM_OK && orgs <= SUPPLY_MAP_MAX_NODES)
        return;
    if (rc == MM_OK)
        rc = supply_map_drawn(st, version, true, NULL, &f, &view, &svg);
    if (rc)
        mm_server_log_json("warn", "the alliance map was not drawn ahead",
                           json_pack("{s:s}", "error", mm_error_last()));
    json_decref(view);
    free(svg);
}
