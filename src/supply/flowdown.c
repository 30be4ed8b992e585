/* The supply chain's domain (docs/supply-chain.md): the clause catalog
 * (content/clauses/clauses.json), the flow-down check of one edge against its supplier's
 * latest status, and tiers by breadth-first search. No SQL and no I/O besides the content
 * file: the store gives the edges, the server the dates. */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "mamori/supply.h"
#include "util/util.h"

struct mm_clause_catalog {
    json_t *doc;     /* the file */
    json_t *clauses; /* borrowed from doc */
};

static const char *const check_rules[] = {"sp800-171-implemented", "sprs-current", "cmmc-level2",
                                          "cmmc-level1-far", "authority-stated"};

static bool known_rule(const char *r)
{
    for (size_t i = 0; i < sizeof check_rules / sizeof check_rules[0]; i++)
        if (mm_streq(r, check_rules[i]))
            return true;
    return false;
}

int mm_clause_catalog_load(mm_clause_catalog **out, const char *content_dir)
{
    *out = NULL;
    const char *name = "clauses/clauses.json";
    json_t *doc = NULL;
    int rc = mm_content_json(&doc, content_dir, name);
    if (rc)
        return rc;
    json_t *list = json_object_get(doc, "clauses");
    if (!json_is_array(list)) {
        mm_error_set("%s: $.clauses: not an array", name);
        json_decref(doc);
        return MM_EINVALID;
    }
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        const char *id = json_string_value(json_object_get(c, "id"));
        json_t *check = json_object_get(c, "check");
        if (!id || !json_is_string(json_object_get(c, "citation")) ||
            !(json_is_null(check) || known_rule(json_string_value(check))) ||
            !json_is_boolean(json_object_get(c, "text_available"))) {
            mm_error_set("%s: $.clauses[%zu]: needs id, citation, text_available and a known "
                         "check (or null)",
                         name, i);
            json_decref(doc);
            return MM_EINVALID;
        }
    }
    mm_clause_catalog *cat = calloc(1, sizeof *cat);
    if (!cat) {
        json_decref(doc);
        return MM_ENOMEM;
    }
    cat->doc = doc;
    cat->clauses = list;
    *out = cat;
    return MM_OK;
}

void mm_clause_catalog_free(mm_clause_catalog *c)
{
    if (!c)
        return;
    json_decref(c->doc);
    free(c);
}

const json_t *mm_clause_catalog_json(const mm_clause_catalog *c)
{
    return c->clauses;
}

const json_t *mm_clause_find(const mm_clause_catalog *c, const char *id)
{
    size_t i;
    json_t *it;
    json_array_foreach(c->clauses, i, it)
    {
        if (mm_streq(json_string_value(json_object_get(it, "id")), id))
            return it;
    }
    return NULL;
}

bool mm_clause_ids_valid(const mm_clause_catalog *c, const json_t *ids, const char **bad)
{
    *bad = "";
    if (!json_is_array(ids))
        return false;
    size_t i;
    json_t *it;
    json_array_foreach(ids, i, it)
    {
        const char *id = json_string_value(it);
        if (!id || !mm_clause_find(c, id)) {
            *bad = id ? id : "(not a string)";
            return false;
        }
    }
    return true;
}

bool mm_supply_handles_valid(const json_t *handles, const char **bad)
{
    static const char *const ok[] = {"cui", "fci", "mod-protected", "none"};
    *bad = "";
    if (!json_is_array(handles))
        return false;
    size_t i;
    json_t *it;
    json_array_foreach(handles, i, it)
    {
        const char *h = json_string_value(it);
        bool found = false;
        for (size_t k = 0; h && k < sizeof ok / sizeof ok[0]; k++)
            found = found || strcmp(h, ok[k]) == 0;
        if (!found) {
            *bad = h ? h : "(not a string)";
            return false;
        }
    }
    return true;
}

/* ---- the check --------------------------------------------------------------------------- */

/* the answers, worst first */
static const char *const answers[] = {"no-consent", "not-met",  "expired",
                                      "missing",    "unstated", "ok"};

static int rank(const char *a)
{
    for (int i = 0; i < (int)(sizeof answers / sizeof answers[0]); i++)
        if (mm_streq(a, answers[i]))
            return i;
    return (int)(sizeof answers / sizeof answers[0]);
}

static bool has(const json_t *arr, const char *v)
{
    size_t i;
    json_t *it;
    json_array_foreach(arr, i, it)
    {
        if (mm_streq(json_string_value(it), v))
            return true;
    }
    return false;
}

/* The status date of the latest submission: assessed, else the day it was received. */
static void status_date(char out[11], const mm_supply_latest *l)
{
    const char *d = l->assessed ? l->assessed : l->received;
    out[0] = '\0';
    if (d && strlen(d) >= 10) {
        memcpy(out, d, 10);
        out[10] = '\0';
    }
}

/* FAR 52.204-21 (b)(1)'s 15 basic safeguarding requirements, read through the 17 SP 800-171
 * Rev 2 requirements CMMC Level 1 maps them to (content/catalogs/sp800-171r2.json
 * far_52_204_21; 32 CFR 170.15): the evaluator's Level 1 result of the latest submission. */
static const char *far_rule(const mm_supply_latest *l, const char **why)
{
    if (!mm_streq(l->framework, "800-171r2")) {
        *why = "the FAR 52.204-21 requirements are read from the 17 SP 800-171 Rev 2 "
               "requirements they map to; the latest submission is not Rev 2";
        return "missing";
    }
    if (mm_streq(l->cmmc_level1, "final")) {
        *why = "the 17 Rev 2 requirements the 15 FAR 52.204-21 (b)(1) items map to are met "
               "(CMMC Level 1)";
        return "ok";
    }
    if (mm_streq(l->cmmc_level1, "not-eligible")) {
        *why = "a Rev 2 requirement that a FAR 52.204-21 (b)(1) item maps to is not met";
        return "not-met";
    }
    *why = "the latest submission has no result for the FAR 52.204-21 requirements";
    return "missing";
}

/* One rule against the latest status; *why is a fixed text. */
static const char *apply_rule(const char *rule, const mm_supply_latest *l, const mm_supply_dates *d,
                              const char **why)
{
    const char *status = l->status, *fw = l->framework, *received = l->received;
    char date[11];
    status_date(date, l);
    bool stale = date[0] && d->sprs_before && strcmp(date, d->sprs_before) < 0;
    bool cond_expired = mm_streq(fw, "800-171r2") && mm_streq(status, "conditional") && received &&
                        d->cmmc_expired_before && strncmp(received, d->cmmc_expired_before, 10) < 0;
    if (!status) {
        *why = "no submission from the supplier";
        return "missing";
    }
    if (strcmp(rule, "cmmc-level1-far") == 0)
        return far_rule(l, why);
    if (strcmp(rule, "sprs-current") == 0) {
        if (!l->has_score) {
            *why = "the latest submission has no SPRS score";
            return "missing";
        }
        if (stale) {
            *why = "the latest assessment is more than 3 years old";
            return "expired";
        }
        *why = "an assessment score not more than 3 years old";
        return "ok";
    }
    if (stale) {
        *why = "the latest assessment is more than 3 years old";
        return "expired";
    }
    if (cond_expired) {
        *why = "conditional status past its 180-day POA&M close-out (32 CFR 170.21(b))";
        return "expired";
    }
    if (strcmp(rule, "cmmc-level2") == 0 && !mm_streq(fw, "800-171r2")) {
        *why = "CMMC Level 2 is assessed against SP 800-171 Rev 2; the latest status is Rev 3";
        return "not-met";
    }
    if (mm_streq(status, "meets") || mm_streq(status, "conditional")) {
        *why = mm_streq(status, "meets") ? "all requirements met"
                                         : "conditional: open POA&M items within 180 days";
        return "ok";
    }
    *why = mm_streq(status, "no-valid-score") ? "the latest submission has no valid score"
                                              : "requirements not met";
    return "not-met";
}

static const json_t *statement_of(const json_t *statements, const char *clause)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(statements, "items"), i, it)
    {
        if (mm_streq(json_string_value(json_object_get(it, "clause_id")), clause))
            return it;
    }
    return NULL;
}

const char *mm_supply_check(const json_t *clauses, const json_t *handles, bool visible,
                            const mm_supply_latest *l, const mm_clause_catalog *c,
                            const json_t *statements, const mm_supply_dates *d,
                            mm_supply_check_fn each, void *ctx)
{
    bool protected_info = has(handles, "cui") || has(handles, "mod-protected");
    bool fci = has(handles, "fci");
    const mm_supply_latest none = {0};
    const char *worst = NULL;
    bool checked = false;
    size_t i;
    json_t *cl;
    json_array_foreach(protected_info || fci ? clauses : NULL, i, cl)
    {
        const char *id = json_string_value(cl);
        const json_t *clause = c ? mm_clause_find(c, id) : NULL;
        const char *rule = json_string_value(json_object_get(clause, "check"));
        const char *why = NULL, *answer = NULL;
        /* FAR 52.204-21 on an edge carrying FCI; the other clauses on an edge carrying CUI
         * or MOD-protected information (a clause with no check: nothing to answer) */
        bool far = mm_streq(rule, "cmmc-level1-far");
        if (!rule || (far ? !fci : !protected_info))
            continue;
        checked = true;
        if (strcmp(rule, "authority-stated") == 0) {
            const json_t *st = statement_of(statements, id);
            rule = json_string_value(json_object_get(st, "check_rule"));
            if (!st || !rule || strcmp(rule, "authority-stated") == 0) {
                answer = "unstated";
                why = st ? "the authority's statement names no check"
                         : "the requirement text is not available and the authority has not "
                           "stated what the clause requires";
            }
        }
        if (!answer && !visible) {
            answer = "no-consent";
            why = "the supplier has not consented to show its status to this customer";
        }
        if (!answer)
            answer = apply_rule(rule, l ? l : &none, d, &why);
        if (each)
            each(ctx, id, answer, why);
        if (!worst || rank(answer) < rank(worst))
            worst = answer;
    }
    if (protected_info && !checked && !visible)
        worst = "no-consent";
    return worst;
}

static void add_check(void *ctx, const char *clause, const char *answer, const char *why)
{
    json_array_append_new(
        ctx, json_pack("{s:s, s:s, s:s}", "clause", clause, "check", answer, "why", why));
}

void mm_supply_check_edge(json_t *edge, const mm_clause_catalog *c, const json_t *statements,
                          const mm_supply_dates *d)
{
    const json_t *latest = json_object_get(edge, "latest");
    const json_t *score = json_object_get(latest, "score");
    mm_supply_latest l = {
        .framework = json_string_value(json_object_get(latest, "framework")),
        .status = json_string_value(json_object_get(latest, "status")),
        .assessed = json_string_value(json_object_get(latest, "assessed")),
        .received = json_string_value(json_object_get(latest, "received")),
        .cmmc_level1 = json_string_value(json_object_get(latest, "cmmc_level1")),
        .has_score = score && !json_is_null(score),
    };
    json_t *checks = json_array();
    const char *worst =
        mm_supply_check(json_object_get(edge, "clauses"), json_object_get(edge, "handles"),
                        json_is_true(json_object_get(edge, "status_visible")), &l, c, statements, d,
                        checks ? add_check : NULL, checks);
    json_object_set_new(edge, "check", worst ? json_string(worst) : json_null());
    json_object_set_new(edge, "checks", checks ? checks : json_array());
}

static int status_rank(const char *s)
{
    if (mm_streq(s, "meets"))
        return 0;
    if (mm_streq(s, "conditional"))
        return 1;
    if (mm_streq(s, "not-met") || mm_streq(s, "no-valid-score"))
        return 2;
    return -1;
}

bool mm_supply_status_worse(const char *before, const char *after)
{
    int b = status_rank(before), a = status_rank(after);
    return b >= 0 && a > b;
}

/* ---- tiers ------------------------------------------------------------------------------- */

void mm_supply_tiers(json_t *items, const char *root)
{
    /* breadth-first over the edge list: a frontier of organization ids at tier t; an edge
     * whose customer is in the frontier gets tier t and its supplier joins the next one.
     * Edges are few per reader; a map keeps it linear. */
    mm_map seen = {0}, frontier = {0};
    if (mm_map_put(&frontier, root, (void *)1) != 0)
        goto done;
    mm_map_put(&seen, root, (void *)1);
    for (int tier = 1; frontier.count > 0 && tier <= 64; tier++) {
        mm_map next = {0};
        size_t i;
        json_t *e;
        json_array_foreach(items, i, e)
        {
            const char *cust = json_string_value(json_object_get(e, "customer_id"));
            const char *sup = json_string_value(json_object_get(e, "supplier_id"));
            if (!cust || !sup || json_object_get(e, "tier") || !mm_map_get(&frontier, cust))
                continue;
            json_object_set_new(e, "tier", json_integer(tier));
            if (!mm_map_get(&seen, sup)) {
                mm_map_put(&seen, sup, (void *)1);
                mm_map_put(&next, sup, (void *)1);
            }
        }
        mm_map_free(&frontier);
        frontier = next;
    }
done:
    mm_map_free(&frontier);
    mm_map_free(&seen);
}
