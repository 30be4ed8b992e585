/*
 * The assessment file: full and short forms (docs/assessment-format.md). Every error
 * names the file and either LINE:COL (syntax) or the JSON path of the offending value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mamori/assess.h"
#include "mamori/error.h"
#include "util/json.h"
#include "util/util.h"

const char *mm_determination_name(mm_determination d)
{
    switch (d) {
    case MM_DET_SATISFIED:
        return "satisfied";
    case MM_DET_OTHER_THAN_SATISFIED:
        return "other-than-satisfied";
    case MM_DET_NOT_APPLICABLE:
        return "not-applicable";
    default:
        return "not-assessed";
    }
}

const char *mm_status_name(mm_status s)
{
    switch (s) {
    case MM_STATUS_MET:
        return "met";
    case MM_STATUS_NOT_MET:
        return "not-met";
    case MM_STATUS_PARTIAL:
        return "partial";
    case MM_STATUS_NOT_APPLICABLE:
        return "not-applicable";
    default:
        return "not-assessed";
    }
}

typedef struct parser {
    const char *name;
    const mm_catalog *cat;
    mm_assessment *a;
    mm_arena *arena;
} parser;

static int fail(const parser *p, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(const parser *p, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = mm_json_vfail(p->name, path, fmt, ap);
    va_end(ap);
    return rc;
}

/* Optional string member: absent and null are NULL; anything else but a string fails. */
static int opt_str(const parser *p, const json_t *obj, const char *key, const char *path,
                   const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return MM_OK;
    if (!json_is_string(v))
        return fail(p, path, "\"%s\" must be a string, found %s", key, mm_json_type_name(v));
    if (json_string_length(v) == 0)
        return MM_OK; /* an empty field, as in a fresh template, is the same as none */
    *out = mm_arena_strdup(p->arena, json_string_value(v));
    return *out ? MM_OK : MM_ENOMEM;
}

static int opt_date(const parser *p, const json_t *obj, const char *key, const char *path,
                    const char **out)
{
    int rc = opt_str(p, obj, key, path, out);
    if (!rc && *out && !mm_is_date(*out))
        return fail(p, path, "\"%s\" must be a date YYYY-MM-DD, found \"%s\"", key, *out);
    return rc;
}

static int str_list(const parser *p, const json_t *v, const char *path, const char ***out,
                    size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!v || json_is_null(v))
        return MM_OK;
    if (json_is_string(v)) {
        *out = mm_arena_calloc(p->arena, 1, sizeof(char *));
        if (!*out)
            return MM_ENOMEM;
        (*out)[(*n)++] = mm_arena_strdup(p->arena, json_string_value(v));
        return MM_OK;
    }
    if (!json_is_array(v))
        return fail(p, path, "expected an array of strings, found %s", mm_json_type_name(v));
    *out = mm_arena_calloc(p->arena, json_array_size(v) + 1, sizeof(char *));
    if (!*out)
        return MM_ENOMEM;
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            return fail(p, path, "item %zu: expected a string, found %s", i, mm_json_type_name(e));
        (*out)[(*n)++] = mm_arena_strdup(p->arena, json_string_value(e));
    }
    return MM_OK;
}

/* Keys allowed in an object; informational keys (title, text, ...) and keys starting with
 * '_' or '$' are accepted and ignored, so templates can carry the catalog's text. */
static int check_keys(const parser *p, const json_t *obj, const char *path,
                      const char *const *allowed)
{
    static const char *const info[] = {"title",          "text",     "statement", "family",
                                       "objective_text", "odp_text", "points",    NULL};
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (key[0] == '_' || key[0] == '$')
            continue;
        bool ok = false;
        for (const char *const *k = allowed; *k && !ok; k++)
            ok = strcmp(*k, key) == 0;
        for (const char *const *k = info; *k && !ok; k++)
            ok = strcmp(*k, key) == 0;
        if (!ok) {
            char list[512] = "";
            for (const char *const *k = allowed; *k; k++) {
                if (list[0])
                    strncat(list, ", ", sizeof(list) - strlen(list) - 1);
                strncat(list, *k, sizeof(list) - strlen(list) - 1);
            }
            return fail(p, path, "unknown member \"%s\" (expected one of: %s)", key, list);
        }
    }
    return MM_OK;
}

/* A requirement id of the other revision, for a clearer message. */
static const char *other_revision_hint(mm_framework fw, const char *id)
{
    if (fw == MM_FW_R2 && strncmp(id, "A.03.", 5) == 0)
        return " (this is a Rev 3 objective, but the file says framework 800-171r2)";
    if (fw == MM_FW_R3 && id[0] == '3' && strchr(id, '['))
        return " (this is a Rev 2 objective, but the file says framework 800-171r3)";
    if (fw == MM_FW_R2 && strncmp(id, "03.", 3) == 0)
        return " (this is a Rev 3 id, but the file says framework 800-171r2)";
    if (fw == MM_FW_R3 && id[0] == '3' && id[1] == '.')
        return " (this is a Rev 2 id, but the file says framework 800-171r3; Rev 3 writes "
               "03.01.01)";
    return "";
}

static int parse_status(const parser *p, const mm_requirement *r, const char *s, const char *path,
                        mm_status *out)
{
    if (mm_streq(s, "met"))
        *out = MM_STATUS_MET;
    else if (mm_streq(s, "not-met"))
        *out = MM_STATUS_NOT_MET;
    else if (mm_streq(s, "not-applicable"))
        *out = MM_STATUS_NOT_APPLICABLE;
    else if (mm_streq(s, "not-assessed"))
        *out = MM_STATUS_NOT_ASSESSED;
    else if (mm_streq(s, "partial")) {
        if (!r->sprs_partial)
            return fail(p, path,
                        "status \"partial\" is not allowed for %s: the DoD Assessment "
                        "Methodology gives partial credit only to Rev 2's 3.5.3 and 3.13.11; "
                        "use \"not-met\"",
                        r->id);
        *out = MM_STATUS_PARTIAL;
    } else
        return fail(p, path,
                    "unknown status \"%s\" (expected met, not-met, partial, not-applicable or "
                    "not-assessed)",
                    s ? s : "");
    return MM_OK;
}

static int parse_determination(const parser *p, const char *s, const char *path,
                               mm_determination *out)
{
    if (mm_streq(s, "satisfied") || mm_streq(s, "met"))
        *out = MM_DET_SATISFIED;
    else if (mm_streq(s, "other-than-satisfied") || mm_streq(s, "not-met"))
        *out = MM_DET_OTHER_THAN_SATISFIED;
    else if (mm_streq(s, "not-applicable"))
        *out = MM_DET_NOT_APPLICABLE;
    else if (mm_streq(s, "not-assessed"))
        *out = MM_DET_NOT_ASSESSED;
    else
        return fail(p, path,
                    "unknown determination \"%s\" (expected satisfied, other-than-satisfied, "
                    "not-applicable or not-assessed)",
                    s ? s : "");
    return MM_OK;
}

static int parse_objective(const parser *p, const char *id, const json_t *v, const char *path)
{
    const mm_objective *o = mm_catalog_objective(p->cat, id);
    if (!o)
        return fail(p, path, "unknown objective \"%s\" in %s%s", id,
                    mm_framework_name(p->cat->framework),
                    other_revision_hint(p->cat->framework, id));
    mm_answer *ans = &p->a->answers[o - p->cat->objectives];
    if (p->cat->requirements[o->requirement].withdrawn)
        return fail(p, path, "objective \"%s\" belongs to a withdrawn requirement", id);
    if (json_is_string(v))
        return parse_determination(p, json_string_value(v), path, &ans->determination);
    if (!json_is_object(v))
        return fail(p, path, "expected a determination string or an object, found %s",
                    mm_json_type_name(v));
    static const char *const keys[] = {"determination", "justification", "evidence", "notes", NULL};
    int rc = check_keys(p, v, path, keys);
    const char *det = NULL;
    if (!rc)
        rc = opt_str(p, v, "determination", path, &det);
    if (!rc && det)
        rc = parse_determination(p, det, path, &ans->determination);
    if (!rc)
        rc = opt_str(p, v, "justification", path, &ans->justification);
    if (!rc)
        rc = opt_str(p, v, "notes", path, &ans->notes);
    if (!rc) {
        char sub[256];
        snprintf(sub, sizeof(sub), "%s.evidence", path);
        rc = str_list(p, json_object_get(v, "evidence"), sub, &ans->evidence, &ans->nevidence);
    }
    return rc;
}

static int parse_objectives(const parser *p, const json_t *objs, const char *path,
                            const mm_requirement *owner)
{
    if (!objs || json_is_null(objs))
        return MM_OK;
    if (!json_is_object(objs))
        return fail(p, path,
                    "expected an object mapping objective ids to determinations, "
                    "found %s",
                    mm_json_type_name(objs));
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)objs, key, v)
    {
        char sub[256];
        snprintf(sub, sizeof(sub), "%s[\"%.64s\"]", path, key);
        const mm_objective *o = mm_catalog_objective(p->cat, key);
        if (owner && o && &p->cat->requirements[o->requirement] != owner)
            return fail(p, sub, "objective \"%s\" belongs to %s, not %s", key,
                        p->cat->requirements[o->requirement].id, owner->id);
        int rc = parse_objective(p, key, v, sub);
        if (rc)
            return rc;
    }
    return MM_OK;
}

static int parse_requirement(const parser *p, const char *id, const json_t *v, const char *path)
{
    const mm_requirement *r = mm_catalog_requirement(p->cat, id);
    if (!r)
        return fail(p, path, "unknown requirement \"%s\" in %s%s", id,
                    mm_framework_name(p->cat->framework),
                    other_revision_hint(p->cat->framework, id));
    if (r->withdrawn) {
        char to[256] = "";
        for (size_t i = 0; i < r->nwithdrawn_to; i++) {
            strncat(to, i ? ", " : "", sizeof(to) - strlen(to) - 1);
            strncat(to, r->withdrawn_to[i], sizeof(to) - strlen(to) - 1);
        }
        if (to[0])
            return fail(p, path, "requirement %s is withdrawn in %s (%s %s); answer for %s", id,
                        mm_framework_name(p->cat->framework),
                        r->withdrawn_relation ? r->withdrawn_relation : "moved to", to, to);
        return fail(p, path, "requirement %s is withdrawn in %s", id,
                    mm_framework_name(p->cat->framework));
    }
    size_t ri = mm_catalog_requirement_index(p->cat, r);
    mm_requirement_answer *ra = &p->a->requirements[ri];
    int rc;
    if (json_is_string(v)) {
        rc = parse_status(p, r, json_string_value(v), path, &ra->status);
    } else if (json_is_object(v)) {
        static const char *const keys[] = {"status",   "implementation", "justification", "notes",
                                           "evidence", "responsible",    "objectives",    NULL};
        rc = check_keys(p, v, path, keys);
        const char *st = NULL;
        if (!rc)
            rc = opt_str(p, v, "status", path, &st);
        if (!rc && st)
            rc = parse_status(p, r, st, path, &ra->status);
        if (!rc)
            rc = opt_str(p, v, "implementation", path, &ra->implementation);
        if (!rc)
            rc = opt_str(p, v, "justification", path, &ra->justification);
        if (!rc)
            rc = opt_str(p, v, "notes", path, &ra->notes);
        if (!rc)
            rc = opt_str(p, v, "responsible", path, &ra->responsible);
        char sub[256];
        snprintf(sub, sizeof(sub), "%s.evidence", path);
        if (!rc)
            rc = str_list(p, json_object_get(v, "evidence"), sub, &ra->evidence, &ra->nevidence);
        snprintf(sub, sizeof(sub), "%s.objectives", path);
        if (!rc)
            rc = parse_objectives(p, json_object_get(v, "objectives"), sub, r);
    } else {
        rc = fail(p, path, "expected a status string or an object, found %s", mm_json_type_name(v));
    }
    return rc;
}

/* A requirement-level status applies to every objective not determined on its own. */
static void apply_requirement_status(mm_assessment *a)
{
    const mm_catalog *cat = a->catalog;
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        mm_status st = a->requirements[i].status;
        mm_determination d;
        switch (st) {
        case MM_STATUS_MET:
            d = MM_DET_SATISFIED;
            break;
        case MM_STATUS_NOT_MET:
        case MM_STATUS_PARTIAL:
            d = MM_DET_OTHER_THAN_SATISFIED;
            break;
        case MM_STATUS_NOT_APPLICABLE:
            d = MM_DET_NOT_APPLICABLE;
            break;
        default:
            continue;
        }
        for (size_t j = 0; j < r->nobjectives; j++) {
            mm_answer *ans = &a->answers[&r->objectives[j] - cat->objectives];
            if (ans->determination == MM_DET_NOT_ASSESSED) {
                ans->determination = d;
                ans->from_requirement = true;
                if (d == MM_DET_NOT_APPLICABLE && !ans->justification)
                    ans->justification = a->requirements[i].justification;
            }
        }
    }
}

static int parse_org(const parser *p, const json_t *org)
{
    if (!org || json_is_null(org))
        return MM_OK;
    if (json_is_string(org)) {
        p->a->org_name = mm_arena_strdup(p->arena, json_string_value(org));
        return MM_OK;
    }
    if (!json_is_object(org))
        return fail(p, "$.organization", "expected an object, found %s", mm_json_type_name(org));
    static const char *const keys[] = {"name", "identifiers", NULL};
    int rc = check_keys(p, org, "$.organization", keys);
    if (!rc)
        rc = opt_str(p, org, "name", "$.organization", &p->a->org_name);
    if (rc)
        return rc;
    const json_t *ids = json_object_get(org, "identifiers");
    if (!ids || json_is_null(ids))
        return MM_OK;
    size_t n = json_is_array(ids) ? json_array_size(ids) : json_object_size(ids);
    p->a->org_ids = mm_arena_calloc(p->arena, n + 1, sizeof(mm_identifier));
    if (!p->a->org_ids)
        return MM_ENOMEM;
    if (json_is_object(ids)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)ids, k, v)
        {
            if (!json_is_string(v))
                return fail(p, "$.organization.identifiers", "\"%s\" must be a string", k);
            mm_identifier *id = &p->a->org_ids[p->a->norg_ids++];
            id->scheme = mm_arena_strdup(p->arena, k);
            id->value = mm_arena_strdup(p->arena, json_string_value(v));
        }
        return MM_OK;
    }
    if (!json_is_array(ids))
        return fail(p, "$.organization.identifiers",
                    "expected an array of {\"scheme\", \"value\"} or an object, found %s",
                    mm_json_type_name(ids));
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        char path[96];
        snprintf(path, sizeof(path), "$.organization.identifiers[%zu]", i);
        mm_identifier *id = &p->a->org_ids[p->a->norg_ids];
        if (!json_is_object(v))
            return fail(p, path, "expected an object {\"scheme\": ..., \"value\": ...}");
        rc = opt_str(p, v, "scheme", path, &id->scheme);
        if (!rc)
            rc = opt_str(p, v, "value", path, &id->value);
        if (rc)
            return rc;
        if (!id->value)
            continue; /* a template's blank identifier */
        if (!id->scheme)
            return fail(p, path, "\"scheme\" (e.g. CAGE, UEI) is required with a value");
        p->a->norg_ids++;
    }
    return MM_OK;
}

static int parse_poam(const parser *p, const json_t *arr)
{
    if (!arr || json_is_null(arr))
        return MM_OK;
    if (!json_is_array(arr))
        return fail(p, "$.poam", "expected an array of POA&M items, found %s",
                    mm_json_type_name(arr));
    mm_assessment *a = p->a;
    a->poam = mm_arena_calloc(p->arena, json_array_size(arr) + 1, sizeof(mm_poam_item));
    if (!a->poam)
        return MM_ENOMEM;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        char path[64];
        snprintf(path, sizeof(path), "$.poam[%zu]", i);
        if (!json_is_object(v))
            return fail(p, path, "expected an object, found %s", mm_json_type_name(v));
        static const char *const keys[] = {"id",
                                           "weakness",
                                           "requirement",
                                           "responsible",
                                           "status",
                                           "detected",
                                           "scheduled_completion",
                                           "remediation",
                                           "resources",
                                           "milestones",
                                           NULL};
        mm_poam_item *it = &a->poam[a->npoam++];
        int rc = check_keys(p, v, path, keys);
        if (!rc)
            rc = opt_str(p, v, "id", path, &it->id);
        if (!rc)
            rc = opt_str(p, v, "weakness", path, &it->weakness);
        if (!rc)
            rc = opt_str(p, v, "requirement", path, &it->requirement);
        if (!rc)
            rc = opt_str(p, v, "responsible", path, &it->responsible);
        if (!rc)
            rc = opt_str(p, v, "status", path, &it->status);
        if (!rc)
            rc = opt_date(p, v, "detected", path, &it->detected);
        if (!rc)
            rc = opt_date(p, v, "scheduled_completion", path, &it->scheduled_completion);
        if (!rc)
            rc = opt_str(p, v, "remediation", path, &it->remediation);
        if (!rc)
            rc = opt_str(p, v, "resources", path, &it->resources);
        if (rc)
            return rc;
        if (!it->requirement)
            return fail(p, path,
                        "\"requirement\" is required (the requirement id the weakness "
                        "is against)");
        const mm_requirement *r = mm_catalog_requirement(p->cat, it->requirement);
        if (!r)
            return fail(p, path, "unknown requirement \"%s\" in %s%s", it->requirement,
                        mm_framework_name(p->cat->framework),
                        other_revision_hint(p->cat->framework, it->requirement));
        if (r->withdrawn)
            return fail(p, path,
                        "requirement %s is withdrawn in %s; name the requirement it "
                        "went to",
                        r->id, mm_framework_name(p->cat->framework));
        it->requirement = r->id;
        it->requirement_index = mm_catalog_requirement_index(p->cat, r);
        if (!it->weakness)
            return fail(p, path, "\"weakness\" is required (what is not implemented)");
        if (!it->status)
            it->status = "open";
        if (!mm_streq(it->status, "open") && !mm_streq(it->status, "closed") &&
            !mm_streq(it->status, "risk-accepted"))
            return fail(p, path, "\"status\" must be open, closed or risk-accepted, found \"%s\"",
                        it->status);
        if (!it->id)
            it->id = mm_arena_printf(p->arena, "POAM-%zu", i + 1);
        const json_t *ms = json_object_get(v, "milestones");
        if (json_is_null(ms))
            ms = NULL;
        if (ms && !json_is_array(ms))
            return fail(p, path, "\"milestones\" must be an array, found %s",
                        mm_json_type_name(ms));
        it->milestones = mm_arena_calloc(p->arena, json_array_size(ms) + 1, sizeof(mm_milestone));
        if (!it->milestones)
            return MM_ENOMEM;
        size_t j;
        json_t *m;
        json_array_foreach(ms, j, m)
        {
            char mpath[96];
            snprintf(mpath, sizeof(mpath), "%s.milestones[%zu]", path, j);
            if (!json_is_object(m))
                return fail(p, mpath, "expected an object, found %s", mm_json_type_name(m));
            static const char *const mkeys[] = {"description", "due", "status", "completed", NULL};
            mm_milestone *ml = &it->milestones[it->nmilestones++];
            rc = check_keys(p, m, mpath, mkeys);
            if (!rc)
                rc = opt_str(p, m, "description", mpath, &ml->description);
            if (!rc)
                rc = opt_date(p, m, "due", mpath, &ml->due);
            if (!rc)
                rc = opt_str(p, m, "status", mpath, &ml->status);
            if (!rc)
                rc = opt_date(p, m, "completed", mpath, &ml->completed);
            if (rc)
                return rc;
            if (!ml->description || !ml->due)
                return fail(p, mpath, "\"description\" and \"due\" (YYYY-MM-DD) are required");
            if (!ml->status)
                ml->status = ml->completed ? "completed" : "planned";
            if (!mm_streq(ml->status, "planned") && !mm_streq(ml->status, "in-progress") &&
                !mm_streq(ml->status, "completed"))
                return fail(p, mpath,
                            "\"status\" must be planned, in-progress or completed, found \"%s\"",
                            ml->status);
        }
    }
    return MM_OK;
}

static int parse_odps(const parser *p, const json_t *odp)
{
    if (!odp || json_is_null(odp))
        return MM_OK;
    if (!json_is_object(odp))
        return fail(p, "$.odp", "expected an object mapping ODP ids to values, found %s",
                    mm_json_type_name(odp));
    if (p->cat->framework != MM_FW_R3 && json_object_size(odp))
        return fail(p, "$.odp", "Rev 2 has no organization-defined parameters; remove \"odp\"");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)odp, key, v)
    {
        char path[128];
        snprintf(path, sizeof(path), "$.odp[\"%.64s\"]", key);
        const mm_odp *o = mm_catalog_odp(p->cat, key);
        if (!o)
            return fail(p, path, "unknown ODP \"%s\" (expected an id like A.03.01.01.ODP.01)", key);
        if (json_is_null(v))
            continue;
        if (!json_is_string(v))
            return fail(p, path, "expected a string, found %s", mm_json_type_name(v));
        if (json_string_length(v) == 0)
            continue; /* blank, as in a fresh template: not given */
        p->a->odp_values[o - p->cat->odps] = mm_arena_strdup(p->arena, json_string_value(v));
    }
    return MM_OK;
}

static int load_json(json_t **out, const char *data, size_t len, const char *name)
{
    int rc = mm_json_load(out, data, len, name, 0);
    if (rc)
        return rc;
    if (!json_is_object(*out)) {
        mm_error_set("%s: $: expected a JSON object with \"framework\", found %s", name,
                     mm_json_type_name(*out));
        json_decref(*out);
        *out = NULL;
        return MM_EINVALID;
    }
    return MM_OK;
}

static int read_framework(const json_t *root, const char *name, mm_framework *out)
{
    const json_t *fw = json_object_get(root, "framework");
    if (!json_is_string(fw)) {
        mm_error_set("%s: $.framework: %s; expected \"800-171r3\" or \"800-171r2\"", name,
                     fw ? "must be a string" : "missing");
        return MM_EINVALID;
    }
    if (mm_framework_parse(out, json_string_value(fw)) != MM_OK) {
        mm_error_set("%s: $.framework: unknown framework \"%s\"; expected \"800-171r3\" or "
                     "\"800-171r2\"",
                     name, json_string_value(fw));
        return MM_EINVALID;
    }
    return MM_OK;
}

int mm_assessment_framework(mm_framework *out, const char *data, size_t len, const char *name)
{
    json_t *root;
    int rc = load_json(&root, data, len, name);
    if (rc)
        return rc;
    rc = read_framework(root, name, out);
    json_decref(root);
    return rc;
}

void mm_assessment_free(mm_assessment *a)
{
    if (!a)
        return;
    mm_arena_free(a->arena);
    free(a);
}

int mm_assessment_parse(mm_assessment **out, const mm_catalog *cat, const char *data, size_t len,
                        const char *name)
{
    *out = NULL;
    json_t *root = NULL;
    int rc = load_json(&root, data, len, name);
    if (rc == MM_OK)
        rc = mm_assessment_parse_json(out, cat, root, name);
    json_decref(root);
    return rc;
}

int mm_assessment_parse_json(mm_assessment **out, const mm_catalog *cat, const json_t *root,
                             const char *name)
{
    *out = NULL;
    int rc = MM_OK;
    if (!json_is_object(root)) {
        mm_error_set("%s: $: expected a JSON object with \"framework\", found %s", name,
                     mm_json_type_name(root));
        return MM_EINVALID;
    }
    mm_assessment *a = calloc(1, sizeof(*a));
    parser p = {name, cat, a, NULL};
    if (!a || !(a->arena = mm_arena_new())) {
        rc = MM_ENOMEM;
        goto done;
    }
    p.arena = a->arena;
    a->catalog = cat;
    a->source = mm_arena_strdup(a->arena, name);
    a->odp_values = mm_arena_calloc(a->arena, cat->nodps + 1, sizeof(char *));
    a->answers = mm_arena_calloc(a->arena, cat->nobjectives + 1, sizeof(mm_answer));
    a->requirements =
        mm_arena_calloc(a->arena, cat->nrequirements + 1, sizeof(mm_requirement_answer));
    if (mm_arena_failed(a->arena)) {
        rc = MM_ENOMEM;
        goto done;
    }
    mm_framework fw;
    rc = read_framework(root, name, &fw);
    if (rc)
        goto done;
    if (fw != cat->framework) {
        rc = fail(&p, "$.framework", "the file is for %s but %s was asked for",
                  mm_framework_name(fw), mm_framework_name(cat->framework));
        goto done;
    }
    a->framework = fw;
    static const char *const keys[] = {"framework",  "organization",
                                       "system",     "scope",
                                       "contract",   "dates",
                                       "assessor",   "affirming_official",
                                       "odp",        "requirements",
                                       "objectives", "poam",
                                       "ssp",        NULL};
    rc = check_keys(&p, root, "$", keys);
    if (rc)
        goto done;
    rc = parse_org(&p, json_object_get(root, "organization"));
    if (rc)
        goto done;
    const json_t *sys = json_object_get(root, "system");
    if (json_is_string(sys)) {
        a->system_name = mm_arena_strdup(a->arena, json_string_value(sys));
    } else if (sys && !json_is_null(sys)) {
        static const char *const skeys[] = {"name", "description", "boundary", NULL};
        if (!json_is_object(sys))
            rc = fail(&p, "$.system", "expected an object, found %s", mm_json_type_name(sys));
        if (!rc)
            rc = check_keys(&p, sys, "$.system", skeys);
        if (!rc)
            rc = opt_str(&p, sys, "name", "$.system", &a->system_name);
        if (!rc)
            rc = opt_str(&p, sys, "description", "$.system", &a->system_description);
        if (!rc)
            rc = opt_str(&p, sys, "boundary", "$.system", &a->boundary);
        if (rc)
            goto done;
    }
    rc = opt_str(&p, root, "scope", "$", &a->scope);
    if (!rc && a->scope && !mm_streq(a->scope, "enterprise") && !mm_streq(a->scope, "enclave") &&
        !mm_streq(a->scope, "contract"))
        rc =
            fail(&p, "$.scope", "expected enterprise, enclave or contract, found \"%s\"", a->scope);
    if (!rc)
        rc = opt_str(&p, root, "contract", "$", &a->contract);
    if (!rc)
        rc = opt_str(&p, root, "assessor", "$", &a->assessor);
    if (!rc)
        rc = opt_str(&p, root, "affirming_official", "$", &a->affirming_official);
    const json_t *dates = json_object_get(root, "dates");
    if (!rc && dates && !json_is_null(dates)) {
        static const char *const dkeys[] = {"assessed", "valid_until", "posted", NULL};
        if (!json_is_object(dates))
            rc = fail(&p, "$.dates", "expected an object, found %s", mm_json_type_name(dates));
        if (!rc)
            rc = check_keys(&p, dates, "$.dates", dkeys);
        if (!rc)
            rc = opt_date(&p, dates, "assessed", "$.dates", &a->assessed);
        if (!rc)
            rc = opt_date(&p, dates, "valid_until", "$.dates", &a->valid_until);
        if (!rc)
            rc = opt_date(&p, dates, "posted", "$.dates", &a->posted);
    }
    const json_t *ssp = json_object_get(root, "ssp");
    if (!rc && ssp && !json_is_null(ssp)) {
        static const char *const pkeys[] = {"name", "version", "date", "cage_codes", NULL};
        if (!json_is_object(ssp))
            rc = fail(&p, "$.ssp", "expected an object, found %s", mm_json_type_name(ssp));
        if (!rc)
            rc = check_keys(&p, ssp, "$.ssp", pkeys);
        if (!rc)
            rc = opt_str(&p, ssp, "name", "$.ssp", &a->ssp_name);
        if (!rc)
            rc = opt_str(&p, ssp, "version", "$.ssp", &a->ssp_version);
        if (!rc)
            rc = opt_date(&p, ssp, "date", "$.ssp", &a->ssp_date);
        const json_t *cc = json_object_get(ssp, "cage_codes");
        if (!rc && cc && !json_is_null(cc))
            rc = str_list(&p, cc, "$.ssp.cage_codes", &a->cage_codes, &a->ncage_codes);
    }
    if (!rc)
        rc = parse_odps(&p, json_object_get(root, "odp"));
    if (rc)
        goto done;
    const json_t *reqs = json_object_get(root, "requirements");
    if (reqs && !json_is_null(reqs)) {
        if (!json_is_object(reqs)) {
            rc = fail(&p, "$.requirements",
                      "expected an object mapping requirement ids to statuses, found %s",
                      mm_json_type_name(reqs));
            goto done;
        }
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)reqs, key, v)
        {
            char path[128];
            snprintf(path, sizeof(path), "$.requirements[\"%.64s\"]", key);
            rc = parse_requirement(&p, key, v, path);
            if (rc)
                goto done;
        }
    }
    rc = parse_objectives(&p, json_object_get(root, "objectives"), "$.objectives", NULL);
    if (!rc)
        rc = parse_poam(&p, json_object_get(root, "poam"));
    if (rc)
        goto done;
    apply_requirement_status(a);
    for (size_t i = 0; i < cat->nobjectives; i++)
        a->answers[i].human = a->answers[i].determination != MM_DET_NOT_ASSESSED;
    if (mm_arena_failed(a->arena))
        rc = MM_ENOMEM;
done:
    if (rc) {
        mm_assessment_free(a);
        return rc;
    }
    *out = a;
    return MM_OK;
}

int mm_assessment_load(mm_assessment **out, const mm_catalog *cat, const char *path)
{
    char *data;
    size_t len;
    *out = NULL;
    int rc = mm_file_read(&data, &len, path, MM_ASSESSMENT_MAX_BYTES);
    if (rc)
        return rc;
    rc = mm_assessment_parse(out, cat, data, len, path);
    free(data);
    return rc;
}
