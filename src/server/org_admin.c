/* mamori serve: the administration of organizations (org_admin.h): creating a contractor and
 * changing its name and identifiers, each once for the API (h_org_create, h_org_update) and
 * the dashboard (web_orgs.c), checked field by field before anything is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/org_admin.h"
#include "server/screen.h"
#include "util/util.h"

const org_scheme org_schemes[ORG_NSCHEMES] = {
    {"cage", "cage", "orgs.cage", "orgs.err_cage"},
    {"uei", "uei", "orgs.uei", "orgs.err_uei"},
    {"corporate-number", "corporate_number", "orgs.corporate_number", "orgs.err_corporate_number"},
};

/* the API's words for a malformed identifier, in the order of org_schemes */
static const char *const scheme_rules[ORG_NSCHEMES] = {
    "a CAGE code is 5 characters, digits and capital letters",
    "a UEI is 12 characters, digits and capital letters",
    "a corporate number is 13 digits",
};

const body_field body_org_update[] = {
    {"name", BODY_STRING, false, 1, 200},
    {"identifiers", BODY_OBJECT, false, 0, 20},
    {NULL, 0, false, 0, 0},
};

static bool well_formed(size_t k, const char *v)
{
    return k == 0   ? mm_is_code(v, 5, false)
           : k == 1 ? mm_is_code(v, 12, false)
                    : mm_is_code(v, 13, true);
}

int org_check(const char *name, const json_t *ids, bool update, org_problems *pr, act_fail *f)
{
    bool name_given = !update || name;
    org_problems local;
    if (!pr)
        pr = &local;
    *pr = (org_problems){0};
    char first[300] = "";
    if (name_given && (!name || !name[0] || strlen(name) > 200)) {
        pr->name = "orgs.err_name";
        snprintf(first, sizeof first, "$.name: give a name of 1 to 200 bytes");
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)ids, key, v)
    {
        const char *s = json_string_value(v);
        bool ok = s && strlen(s) <= 200; /* "" stands for none */
        size_t k = 0;
        while (k < ORG_NSCHEMES && strcmp(org_schemes[k].key, key) != 0)
            k++;
        if (ok && k < ORG_NSCHEMES && s[0] && !well_formed(k, s))
            ok = false;
        if (ok)
            continue;
        if (k < ORG_NSCHEMES)
            pr->ids[k] = org_schemes[k].error;
        if (!first[0])
            snprintf(first, sizeof first, "$.identifiers.%.40s: %s", key,
                     k < ORG_NSCHEMES ? scheme_rules[k]
                                      : "a string of at most 200 bytes (\"\": none)");
    }
    return first[0] ? act_failed(f, ACT_INVALID, MM_EINVALID, "%s", first) : MM_OK;
}

static int store_fail(act_fail *f, int rc)
{
    return act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
}

/* sector (NULL: none) must be a key of the ESPA list: ACT_INVALID with pr->sector set. */
static int sector_check(const char *sector, org_problems *pr, act_fail *f)
{
    if (!sector || mm_sector_find(screen_sectors(), sector))
        return MM_OK;
    if (pr)
        pr->sector = "orgs.err_sector";
    return act_failed(f, ACT_INVALID, MM_EINVALID,
                      "$.sector: '%.60s' is not a sector of the list (GET /api/v1/sectors)",
                      sector);
}

int org_create(http_req *r, const char *name, const json_t *identifiers, const char *parent_id,
               const char *sector, char id[37], org_problems *pr, act_fail *f)
{
    int rc = org_check(name, identifiers, false, pr, f);
    if (rc == MM_OK)
        rc = sector_check(sector, pr, f);
    if (rc)
        return rc;
    if (parent_id) {
        json_t *p = NULL;
        int prc = mm_store_get_org(r->st, &p, parent_id);
        bool ok =
            prc == MM_OK && mm_streq(json_string_value(json_object_get(p, "kind")), "contractor");
        json_decref(p);
        if (!ok)
            return act_failed(f, ACT_INVALID, MM_EINVALID, "$.parent_id: no such contractor");
    }
    json_t *given = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)identifiers, key, v) if (json_string_value(v)[0])
        json_object_set(given, key, v);
    char *ids_text = json_dumps(given, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(given);
    if (!ids_text)
        return act_failed(f, ACT_INTERNAL, MM_ENOMEM, "out of memory");
    mm_store_new_id(id);
    mm_org org = {.id = id,
                  .kind = "contractor",
                  .name = name,
                  .identifiers = ids_text,
                  .parent_id = parent_id};
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_create_org(r->st, &org);
    if (rc == MM_OK && sector)
        rc = mm_store_org_sector_set(r->st, id, sector, NULL, NULL, r->who.login, r->now);
    rc = mm_audited_commit(
        r->st, rc, r->who.login, "organization.create", id,
        json_pack("{s:s,s:s,s:s?}", "name", name, "kind", "contractor", "sector", sector));
    free(ids_text);
    return rc ? store_fail(f, rc) : MM_OK;
}

/* What the edit changes, read in the transaction: the identifiers merged into *merged, each
 * changed member (name, an identifier's key, sector: the ESPA sector, *espa then true) into
 * changed; an identifier keyed "sector" (free text, docs/dashboard.md "Sectors") is named
 * "identifiers.sector" there, so that it is never taken for the ESPA sector. */
static int edit_diff(http_req *r, const char *id, const char *name, const json_t *ids,
                     const char *sector, json_t **merged, json_t *changed, json_t **sec_row,
                     bool *espa)
{
    *espa = false;
    json_t *org = NULL;
    int rc = mm_store_get_org(r->st, &org, id);
    if (rc == MM_OK && sector && (rc = mm_store_org_sector_get(r->st, sec_row, id)) == MM_ENOTFOUND)
        rc = MM_OK;
    if (rc) {
        json_decref(org);
        return rc;
    }
    *merged = json_deep_copy(json_object_get(org, "identifiers"));
    if (!json_is_object(*merged)) {
        json_decref(*merged);
        *merged = json_object();
    }
    if (name && !mm_streq(name, json_string_value(json_object_get(org, "name"))))
        json_object_set_new(changed, "name", json_string(name));
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)ids, key, v)
    {
        bool none = !json_string_value(v)[0];
        if (json_equal(json_object_get(*merged, key), v) ||
            (none && !json_object_get(*merged, key)))
            continue;
        if (none)
            json_object_del(*merged, key);
        else
            json_object_set(*merged, key, v);
        json_object_set(changed, mm_streq(key, "sector") ? "identifiers.sector" : key, v);
    }
    if (sector && !mm_streq(sector, json_string_value(json_object_get(*sec_row, "sector")))) {
        json_object_set_new(changed, "sector", json_string(sector));
        *espa = true;
    }
    json_decref(org);
    return MM_OK;
}

int org_update(http_req *r, const char *id, const char *name, const json_t *ids, const char *sector,
               bool *did, org_problems *pr, act_fail *f)
{
    *did = false;
    int rc = org_check(name, ids, true, pr, f);
    if (rc == MM_OK)
        rc = sector_check(sector, pr, f);
    if (rc)
        return rc;
    json_t *merged = NULL, *sec = NULL, *changed = json_object();
    char *text = NULL;
    bool espa = false;
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = edit_diff(r, id, name, ids, sector, &merged, changed, &sec, &espa);
    if (rc == MM_OK && json_object_size(changed) == 0) {
        /* nothing differs: nothing written, no audit record */
        mm_store_rollback(r->st);
        json_decref(changed);
        json_decref(merged);
        json_decref(sec);
        return MM_OK;
    }
    bool org_row = rc == MM_OK && json_object_size(changed) > (espa ? 1u : 0u);
    if (org_row && !(text = json_dumps(merged, JSON_COMPACT | JSON_SORT_KEYS))) {
        mm_error_set("out of memory");
        rc = MM_ENOMEM;
    }
    if (org_row && rc == MM_OK)
        rc = mm_store_update_org(r->st, id, name, text);
    /* a new sector keeps the designation recorded (the designations page changes it) */
    if (rc == MM_OK && espa)
        rc = mm_store_org_sector_set(
            r->st, id, sector, json_string_value(json_object_get(sec, "designated")),
            json_string_value(json_object_get(sec, "ministry")), r->who.login, r->now);
    rc = mm_audited_commit(r->st, rc, r->who.login, "organization.update", id,
                           json_pack("{s:o}", "changed", changed));
    free(text);
    json_decref(merged);
    json_decref(sec);
    *did = rc == MM_OK;
    return rc ? store_fail(f, rc) : MM_OK;
}

int org_set_prime_consent(http_req *r, const char *id, bool consent, act_fail *f)
{
    int rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_set_org_consent(r->st, id, consent);
    rc = mm_audited_commit(r->st, rc, r->who.login, "organization.consent", id,
                           json_pack("{s:b}", "prime_may_see_status", consent));
    return rc ? store_fail(f, rc) : MM_OK;
}

void h_org_update(http_req *r, reply *out)
{
    act_fail f = {0};
    json_t *o = NULL;
    bool did;
    int rc = org_update(r, r->param[0], json_string_value(json_object_get(r->json, "name")),
                        json_object_get(r->json, "identifiers"), NULL, &did, NULL, &f);
    if (rc == MM_OK && (rc = mm_store_get_org(r->st, &o, r->param[0])) != MM_OK)
        rc = store_fail(&f, rc);
    if (rc) {
        reply_fail(out, &f);
        return;
    }
    reply_json(out, 200, o);
}
