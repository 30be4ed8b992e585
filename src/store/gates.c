/* The store's clearance and gate tables (schema 10; docs/sharing.md, "Gated items"):
 * clearance records, the authority's policy table, need-to-know groups, an item's gates, a
 * user's nationality and an organization's country. One set of statements for both
 * databases (src/store/driver.h). Nothing here decides who may read an item:
 * mm_share_decide does, in the server. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/store.h"
#include "store/driver.h"
#include "util/json.h"
#include "util/util.h"

/* a regime: 1..64 of [a-z0-9-] (e.g. jp-iesi, us-eo13526) */
static bool is_regime(const char *r)
{
    size_t n = r ? strlen(r) : 0;
    if (n == 0 || n > 64)
        return false;
    for (; *r; r++)
        if (!(islower((unsigned char)*r) || isdigit((unsigned char)*r) || *r == '-'))
            return false;
    return true;
}

static bool is_country(const char *c)
{
    return c && strlen(c) == 2 && isupper((unsigned char)c[0]) && isupper((unsigned char)c[1]);
}

/* ---- clearance records ----------------------------------------------------------------- */

int mm_store_add_clearance(mm_store *s, int64_t *out_id, const mm_clearance_rec *r)
{
    if ((r->user_id > 0) == mm_nonempty(r->org_id)) {
        mm_error_set("a clearance belongs to one user or (a facility certification) to one "
                     "organization");
        return MM_EINVALID;
    }
    if (!mm_nonempty(r->regime) || !mm_nonempty(r->level) || !mm_nonempty(r->granting_body) ||
        !mm_nonempty(r->evidence) || !r->recorded || !mm_nonempty(r->recorded_by)) {
        mm_error_set("a clearance needs a regime, a level, a granting body and an evidence "
                     "reference");
        return MM_EINVALID;
    }
    if (!mm_is_date(r->granted) || (r->expires && r->expires[0] && !mm_is_date(r->expires))) {
        mm_error_set("granted and expires are calendar days written YYYY-MM-DD");
        return MM_EINVALID;
    }
    if (!is_regime(r->regime)) {
        mm_error_set("a regime is lower-case letters, digits and '-' (e.g. jp-iesi, jp-sds, "
                     "us-eo13526)");
        return MM_EINVALID;
    }
    if (r->expires && r->expires[0] && strcmp(r->expires, r->granted) < 0) {
        mm_error_set("the clearance expires (%s) before it is granted (%s)", r->expires,
                     r->granted);
        return MM_EINVALID;
    }
    const mm_param v[] = {r->user_id > 0 ? P_INT(r->user_id) : P_NULL,
                          P_TEXT(r->user_id > 0 ? NULL : r->org_id),
                          P_TEXT(r->regime),
                          P_TEXT(r->level),
                          P_TEXT(r->granting_body),
                          P_TEXT(r->granted),
                          P_TEXT(r->expires && r->expires[0] ? r->expires : NULL),
                          P_TEXT(r->evidence),
                          P_TEXT(r->recorded),
                          P_TEXT(r->recorded_by)};
    return mm_db_insert(s, out_id,
                        "INSERT INTO clearances (user_id, org_id, regime, level, granting_body,"
                        " granted, expires, evidence, recorded, recorded_by)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                        NPARAMS(v), v, r->user_id > 0 ? "no such user" : "no such organization",
                        NULL);
}

int mm_store_revoke_clearance(mm_store *s, int64_t id, const char *when)
{
    const mm_param v[] = {P_INT(id), P_TEXT(when)};
    return mm_db_change(s, "no such clearance (or revoked already)",
                        "UPDATE clearances SET revoked = $2 WHERE id = $1 AND revoked IS NULL", 2,
                        v);
}

int mm_store_list_clearances(mm_store *s, json_t **out, int64_t user_id, const char *org_id)
{
    static const char *const keys[] = {
        "id",      "user_id", "login",    "org_id",      "regime",  "level", "granting_body",
        "granted", "expires", "evidence", "recorded_by", "revoked", NULL};
    const mm_param v[] = {P_INT(user_id), P_TEXT(org_id)};
    return mm_db_objects(s, out,
                         "SELECT c.id, c.user_id, u.login, c.org_id, c.regime, c.level,"
                         " c.granting_body, c.granted, c.expires, c.evidence, c.recorded_by,"
                         " c.revoked FROM clearances c LEFT JOIN users u ON u.id = c.user_id"
                         " WHERE ($1 = 0 OR c.user_id = $1) AND ($2 IS NULL OR c.org_id = $2)"
                         " ORDER BY c.id",
                         2, v, keys, "iissssssssss");
}

/* ---- the authority's policy table ------------------------------------------------------ */

int mm_store_add_clearance_rule(mm_store *s, int64_t *out_id, const char *held_regime,
                                const char *held_level, const char *required_regime,
                                const char *required_level, const char *source, const char *added,
                                const char *added_by)
{
    if (!mm_nonempty(held_regime) || !mm_nonempty(held_level) || !mm_nonempty(required_regime) ||
        !mm_nonempty(required_level) || !mm_nonempty(source)) {
        mm_error_set("a policy row needs the held regime and level, the required regime and "
                     "level, and its source");
        return MM_EINVALID;
    }
    if (!is_regime(held_regime) || !is_regime(required_regime)) {
        mm_error_set("a regime is lower-case letters, digits and '-' (e.g. jp-iesi, jp-sds, "
                     "us-eo13526)");
        return MM_EINVALID;
    }
    if (strcmp(held_regime, required_regime) == 0 && strcmp(held_level, required_level) == 0) {
        mm_error_set("a clearance satisfies its own regime and level without a policy row");
        return MM_EINVALID;
    }
    const mm_param v[] = {P_TEXT(held_regime),    P_TEXT(held_level), P_TEXT(required_regime),
                          P_TEXT(required_level), P_TEXT(source),     P_TEXT(added),
                          P_TEXT(added_by)};
    return mm_db_insert(s, out_id,
                        "INSERT INTO clearance_policy (held_regime, held_level, required_regime,"
                        " required_level, source, added, added_by)"
                        " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                        NPARAMS(v), v, NULL, "the policy has this row already");
}

int mm_store_remove_clearance_rule(mm_store *s, int64_t id)
{
    const mm_param v[] = {P_INT(id)};
    return mm_db_change(s, "no such policy row", "DELETE FROM clearance_policy WHERE id = $1", 1,
                        v);
}

int mm_store_list_clearance_rules(mm_store *s, json_t **out)
{
    static const char *const keys[] = {
        "id",    "held_regime", "held_level", "required_regime", "required_level", "source",
        "added", "added_by",    NULL};
    return mm_db_objects(s, out,
                         "SELECT id, held_regime, held_level, required_regime, required_level,"
                         " source, added, added_by FROM clearance_policy ORDER BY id",
                         0, NULL, keys, "isssssss");
}

/* ---- need-to-know groups --------------------------------------------------------------- */

int mm_store_create_ntk_group(mm_store *s, const char *id, const char *name, const char *owner_org,
                              bool hide_members, const char *created)
{
    if (!mm_nonempty(id) || !mm_nonempty(name) || !mm_nonempty(owner_org) || !created) {
        mm_error_set("a need-to-know group needs an id, a name and an owner organization");
        return MM_EINVALID;
    }
    const mm_param v[] = {P_TEXT(id), P_TEXT(name), P_TEXT(owner_org), P_BOOL(hide_members),
                          P_TEXT(created)};
    return mm_db_insert(s, NULL,
                        "INSERT INTO ntk_groups (id, name, owner_org, hide_members, created)"
                        " VALUES ($1, $2, $3, $4, $5)",
                        5, v, "no such organization",
                        "a need-to-know group named '%.100s' exists already", name);
}

int mm_store_add_ntk_member(mm_store *s, const char *group_id, int64_t user_id, bool manager,
                            const char *added, const char *added_by)
{
    const mm_param v[] = {P_TEXT(group_id), P_INT(user_id), P_BOOL(manager), P_TEXT(added),
                          P_TEXT(added_by ? added_by : "")};
    return mm_db_insert(s, NULL,
                        "INSERT INTO ntk_members (group_id, user_id, manager, added, added_by)"
                        " VALUES ($1, $2, $3, $4, $5)",
                        5, v, "no such group or user", "the user is a member of the group already");
}

int mm_store_remove_ntk_member(mm_store *s, const char *group_id, int64_t user_id)
{
    const mm_param v[] = {P_TEXT(group_id), P_INT(user_id)};
    return mm_db_change(s, "the user is not a member of the group",
                        "DELETE FROM ntk_members WHERE group_id = $1 AND user_id = $2", 2, v);
}

static json_t *ntk_member(const json_t *row)
{
    static const char *const keys[] = {"user_id", "login", "manager", NULL};
    return mm_row_object(row, 5, keys, "isb");
}

int mm_store_list_ntk_groups(mm_store *s, json_t **out, const char *id)
{
    static const char *const keys[] = {"id", "name", "owner_org", "hide_members", "created", NULL};
    *out = NULL;
    const mm_param v[] = {P_TEXT(id)};
    json_t *rows = NULL;
    int rc = mm_db_rows(s, &rows, NULL,
                        "SELECT g.id, g.name, g.owner_org, g.hide_members, g.created, m.user_id,"
                        " u.login, m.manager FROM ntk_groups g"
                        " LEFT JOIN ntk_members m ON m.group_id = g.id"
                        " LEFT JOIN users u ON u.id = m.user_id"
                        " WHERE $1 IS NULL OR g.id = $1 ORDER BY g.name, g.id, m.user_id",
                        1, v);
    return rc ? rc
              : mm_db_groups(out, rows, keys, "sssbs", ntk_member,
                             id ? "no such need-to-know group" : NULL);
}

/* ---- an item's gates ------------------------------------------------------------------- */

static bool countries_ok(const json_t *a)
{
    if (!a)
        return true;
    if (!json_is_array(a) || json_array_size(a) > 250)
        return false;
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        if (!is_country(json_string_value(x)))
            return false;
    }
    return true;
}

int mm_store_set_item_gate(mm_store *s, const char *item_id, const json_t *gate)
{
    const mm_param id[] = {P_TEXT(item_id)};
    int rc =
        mm_db_exists(s, "SELECT count(*) FROM shared_items WHERE id = $1", 1, id, "no such item");
    if (rc == MM_OK)
        rc = mm_db_rows(s, NULL, NULL, "DELETE FROM item_gates WHERE item_id = $1", 1, id);
    if (rc || !gate || json_is_null(gate))
        return rc;
    json_t *c = json_object_get(gate, "clearance");
    const char *regime = json_string_value(json_object_get(c, "regime"));
    const char *level = json_string_value(json_object_get(c, "level"));
    json_t *nat = json_object_get(gate, "nationalities"),
           *cty = json_object_get(gate, "org_countries");
    if ((c && !json_is_null(c) && (!mm_nonempty(regime) || !mm_nonempty(level))) ||
        !countries_ok(nat) || !countries_ok(cty)) {
        mm_error_set("a gate is {\"clearance\": {\"regime\", \"level\"}, \"facility\", "
                     "\"ntk_group\", \"nationalities\": [XX], \"org_countries\": [XX]}");
        return MM_EINVALID;
    }
    char *nt = nat ? json_dumps(nat, JSON_COMPACT) : strdup("[]");
    char *ct = cty ? json_dumps(cty, JSON_COMPACT) : strdup("[]");
    if (!nt || !ct) {
        free(nt);
        free(ct);
        return mm_oom();
    }
    const mm_param v[] = {P_TEXT(item_id),
                          P_TEXT(regime),
                          P_TEXT(level),
                          P_BOOL(json_is_true(json_object_get(gate, "facility"))),
                          P_TEXT(json_string_value(json_object_get(gate, "ntk_group"))),
                          P_TEXT(nt),
                          P_TEXT(ct)};
    rc = mm_db_insert(
        s, NULL,
        "INSERT INTO item_gates (item_id, clearance_regime, clearance_level, facility,"
        " ntk_group, nationalities, org_countries) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        NPARAMS(v), v, "no such need-to-know group", NULL);
    free(nt);
    free(ct);
    return rc;
}

int mm_store_item_gates(mm_store *s, json_t **out, const char *id)
{
    *out = NULL;
    const mm_param v[] = {P_TEXT(id)};
    json_t *rows = NULL;
    int rc = mm_db_rows(s, &rows, NULL,
                        "SELECT item_id, clearance_regime, clearance_level, facility, ntk_group,"
                        " nationalities, org_countries FROM item_gates"
                        " WHERE $1 IS NULL OR item_id = $1",
                        1, v);
    if (rc)
        return rc;
    json_t *map = json_object();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *clr = mm_cell(row, 1) ? json_pack("{s:o,s:o}", "regime", mm_cell_text(row, 1),
                                                  "level", mm_cell_text(row, 2))
                                      : json_null();
        json_t *g = json_pack("{s:o,s:b,s:o,s:o,s:o}", "clearance", clr, "facility",
                              mm_cell_bool(mm_cell(row, 3)), "ntk_group", mm_cell_text(row, 4),
                              "nationalities", mm_cell_json(row, 5, false), "org_countries",
                              mm_cell_json(row, 6, false));
        if (!map || !g || json_object_set_new(map, mm_cell(row, 0), g)) {
            json_decref(map);
            map = NULL;
            break;
        }
    }
    json_decref(rows);
    if (!map)
        return mm_oom();
    *out = map;
    return MM_OK;
}

/* ---- nationality and country ----------------------------------------------------------- */

int mm_store_set_nationality(mm_store *s, int64_t user_id, const char *nat)
{
    const mm_param v[] = {P_INT(user_id), P_TEXT(nat)};
    if (nat && nat[0] && !is_country(nat)) {
        mm_error_set("a nationality is an ISO 3166-1 alpha-2 code (two upper case letters)");
        return MM_EINVALID;
    }
    int rc = mm_db_rows(s, NULL, NULL, "DELETE FROM user_nationality WHERE user_id = $1", 1, v);
    if (rc == MM_OK && nat && nat[0])
        rc = mm_db_insert(s, NULL,
                          "INSERT INTO user_nationality (user_id, nationality) VALUES ($1, $2)", 2,
                          v, "no such user", NULL);
    return rc;
}

int mm_store_set_org_country(mm_store *s, const char *org_id, const char *country)
{
    if (country && country[0] && !is_country(country)) {
        mm_error_set("a country is an ISO 3166-1 alpha-2 code (two upper case letters)");
        return MM_EINVALID;
    }
    /* the one place for an organization's country: org_profiles (schema 15), whose sector
     * this leaves as it is; an empty country clears it */
    const mm_param w[] = {P_TEXT(org_id), P_TEXT(country && country[0] ? country : NULL)};
    return mm_db_insert(s, NULL,
                        "INSERT INTO org_profiles (org_id, sector, country) VALUES ($1, NULL, $2)"
                        " ON CONFLICT (org_id) DO UPDATE SET country = $2",
                        2, w, "no such organization", NULL);
}

/* ---- what the gates ask of a reader ---------------------------------------------------- */

int mm_store_reader_facts(mm_store *s, json_t **out, int64_t user_id, const char *org_id)
{
    static const char *const ckeys[] = {"regime", "level", "granted", "expires", "facility", NULL};
    static const char *const pkeys[] = {"held_regime", "held_level", "required_regime",
                                        "required_level", NULL};
    *out = NULL;
    const mm_param v[] = {P_INT(user_id), P_TEXT(org_id)};
    json_t *clr = NULL, *groups = NULL, *nat = NULL, *cty = NULL, *pol = NULL;
    int rc = mm_db_objects(s, &clr,
                           "SELECT regime, level, granted, expires, org_id IS NOT NULL"
                           " FROM clearances WHERE revoked IS NULL AND"
                           " ((user_id = $1 AND $1 > 0) OR (org_id = $2)) ORDER BY id",
                           2, v, ckeys, "ssssb");
    if (rc == MM_OK)
        rc = mm_db_rows(s, &groups, NULL,
                        "SELECT group_id FROM ntk_members WHERE user_id = $1 ORDER BY group_id", 1,
                        v);
    if (rc == MM_OK)
        rc = mm_db_rows(s, &nat, NULL,
                        "SELECT nationality FROM user_nationality WHERE user_id = $1", 1, v);
    if (rc == MM_OK)
        rc = mm_db_rows(
            s, &cty, NULL,
            "SELECT country FROM org_profiles WHERE org_id = $1 AND country IS NOT NULL", 1, v + 1);
    if (rc == MM_OK)
        rc = mm_db_objects(s, &pol,
                           "SELECT held_regime, held_level, required_regime, required_level"
                           " FROM clearance_policy ORDER BY id",
                           0, NULL, pkeys, "ssss");
    json_t *o = NULL;
    if (rc == MM_OK) {
        json_t *g = json_array();
        size_t i;
        json_t *row;
        json_array_foreach(groups, i, row) json_array_append_new(g, mm_cell_text(row, 0));
        o = json_pack("{s:O,s:o,s:o,s:o,s:O}", "clearances", clr, "groups", g, "nationality",
                      json_array_size(nat) ? mm_cell_text(json_array_get(nat, 0), 0) : json_null(),
                      "org_country",
                      json_array_size(cty) ? mm_cell_text(json_array_get(cty, 0), 0) : json_null(),
                      "policy", pol);
        if (!o)
            rc = mm_oom();
    }
    json_decref(clr);
    json_decref(groups);
    json_decref(nat);
    json_decref(cty);
    json_decref(pol);
    *out = o;
    return rc;
}
