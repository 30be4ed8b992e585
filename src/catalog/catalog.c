/*
 * Loads SP 800-171 Rev 3 (NIST's OSCAL catalog) and Rev 2 (mamori's JSON transcription)
 * into the one model of include/mamori/catalog.h, adding the Rev 2 <-> Rev 3 mapping,
 * the SP 800-53 source controls and, for Rev 2, the DoD Assessment Methodology points.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "mamori/error.h"

#define R3_FILE   "catalogs/sp800-171r3-catalog.json"
#define R2_FILE   "catalogs/sp800-171r2.json"
#define MAP_FILE  "catalogs/r2-r3-mapping.json"
#define SPRS_FILE "catalogs/sprs-weights-r2.json"

const char *mm_framework_name(mm_framework fw)
{
    return fw == MM_FW_R2 ? "800-171r2" : "800-171r3";
}

int mm_framework_parse(mm_framework *out, const char *name)
{
    static const char *const r3[] = {"800-171r3", "r3", "rev3", "sp800-171r3", "nist-800-171r3"};
    static const char *const r2[] = {"800-171r2", "r2", "rev2", "sp800-171r2", "nist-800-171r2"};
    for (size_t i = 0; name && i < sizeof(r3) / sizeof(r3[0]); i++) {
        if (strcmp(name, r3[i]) == 0) {
            *out = MM_FW_R3;
            return MM_OK;
        }
        if (strcmp(name, r2[i]) == 0) {
            *out = MM_FW_R2;
            return MM_OK;
        }
    }
    mm_error_set("unknown framework '%s': expected 800-171r3 or 800-171r2", name ? name : "");
    return MM_EINVALID;
}

/* ---- small JSON helpers ------------------------------------------------------------------ */

static const char *jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* The value of the prop named name in an OSCAL props array, or NULL. */
static const char *prop(const json_t *obj, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(obj, "props"), i, p)
    {
        if (mm_streq(jstr(p, "name"), name))
            return jstr(p, "value");
    }
    return NULL;
}

/* Copies s without the CPRT cross-reference links "[](#/cprt/...)" the OSCAL prose holds. */
static char *strip_links(mm_arena *a, const char *s)
{
    if (!s)
        return NULL;
    mm_buf b = MM_BUF_INIT;
    while (*s) {
        if (s[0] == '[' && s[1] == ']' && s[2] == '(') {
            const char *end = strchr(s + 3, ')');
            if (end) {
                s = end + 1;
                if (*s && *s != ' ' && b.len && b.data[b.len - 1] != ' ')
                    mm_buf_putc(&b, ' ');
                continue;
            }
        }
        mm_buf_putc(&b, *s++);
    }
    char *out = mm_arena_strdup(a, mm_buf_cstr(&b));
    mm_buf_free(&b);
    return out;
}

static const char **str_array(mm_arena *a, const json_t *arr, const char *field, size_t *n)
{
    size_t count = json_array_size(arr), i;
    const char **out = mm_arena_calloc(a, count ? count : 1, sizeof(*out));
    json_t *v;
    *n = 0;
    if (!out)
        return NULL;
    json_array_foreach(arr, i, v)
    {
        const char *s = field ? jstr(v, field) : json_string_value(v);
        if (s)
            out[(*n)++] = mm_arena_strdup(a, s);
    }
    return out;
}

static int shape_error(const char *file, const char *what)
{
    mm_error_set("%s: %s", file, what);
    return MM_EINVALID;
}

/* ---- catalog object --------------------------------------------------------------------- */

static mm_catalog *catalog_new(mm_framework fw)
{
    mm_catalog *cat = calloc(1, sizeof(*cat));
    if (!cat)
        return NULL;
    cat->priv = calloc(1, sizeof(*cat->priv));
    if (!cat->priv || !(cat->priv->arena = mm_arena_new())) {
        free(cat->priv);
        free(cat);
        return NULL;
    }
    cat->framework = fw;
    return cat;
}

void mm_catalog_free(mm_catalog *cat)
{
    if (!cat)
        return;
    mm_map_free(&cat->priv->requirements);
    mm_map_free(&cat->priv->objectives);
    mm_map_free(&cat->priv->odps);
    mm_arena_free(cat->priv->arena);
    free(cat->priv);
    free(cat);
}

/* Fills the text fields the rest of mamori prints with "" where the data left them out,
 * so a thin catalog degrades to blank text rather than NULL pointers. */
static void fill_blanks(mm_catalog *cat)
{
    for (size_t i = 0; i < cat->nfamilies; i++) {
        mm_family *f = &cat->families[i];
        if (!f->id)
            f->id = "";
        if (!f->title)
            f->title = "";
        if (!f->abbrev)
            f->abbrev = "";
        if (f->first == SIZE_MAX)
            f->first = 0;
    }
    for (size_t i = 0; i < cat->nrequirements; i++) {
        mm_requirement *r = &cat->requirements[i];
        if (!r->title)
            r->title = r->id;
        if (!r->statement)
            r->statement = "";
    }
    if (!cat->title)
        cat->title = "";
    if (!cat->version)
        cat->version = "";
}

static int index_catalog(mm_catalog *cat)
{
    struct mm_catalog_private *p = cat->priv;
    fill_blanks(cat);
    for (size_t i = 0; i < cat->nrequirements; i++)
        if (mm_map_put(&p->requirements, cat->requirements[i].id, &cat->requirements[i]))
            return MM_ENOMEM;
    for (size_t i = 0; i < cat->nobjectives; i++)
        if (mm_map_put(&p->objectives, cat->objectives[i].id, &cat->objectives[i]))
            return MM_ENOMEM;
    for (size_t i = 0; i < cat->nodps; i++)
        if (mm_map_put(&p->odps, cat->odps[i].id, &cat->odps[i]))
            return MM_ENOMEM;
    return MM_OK;
}

/* ---- Rev 3 from OSCAL ---------------------------------------------------------------- */

static void statement_lines(mm_buf *b, const json_t *part, int depth)
{
    size_t i;
    json_t *sub;
    json_array_foreach(json_object_get(part, "parts"), i, sub)
    {
        if (!mm_streq(jstr(sub, "name"), "item"))
            continue;
        const char *label = prop(sub, "label");
        const char *last = label ? strrchr(label, '.') : NULL;
        if (b->len)
            mm_buf_putc(b, '\n');
        for (int d = 0; d < depth; d++)
            mm_buf_puts(b, "   ");
        if (last) {
            const char *l = last + 1;
            while (*l == '0' && l[1])
                l++; /* "01" -> "1" */
            mm_buf_printf(b, "%s. ", l);
        }
        mm_buf_puts(b, jstr(sub, "prose"));
        statement_lines(b, sub, depth + 1);
    }
}

typedef struct r3_counts {
    size_t reqs, objectives, odps, methods;
} r3_counts;

static void count_r3(const json_t *groups, r3_counts *c)
{
    size_t gi, ci, pi;
    json_t *g, *ctl, *part;
    json_array_foreach(groups, gi, g)
    {
        json_array_foreach(json_object_get(g, "controls"), ci, ctl)
        {
            c->reqs++;
            c->odps += json_array_size(json_object_get(ctl, "params"));
            json_array_foreach(json_object_get(ctl, "parts"), pi, part)
            {
                const char *name = jstr(part, "name");
                if (mm_streq(name, "assessment-objective"))
                    c->objectives++;
                else if (mm_streq(name, "assessment-method"))
                    c->methods++;
            }
        }
    }
}

/* Family abbreviations come from the SP 800-53 source controls of its requirements
 * (03.01's requirements derive from AC-*), so no family list is kept in C. */
static const char *family_abbrev(mm_arena *a, const json_t *map, const char *family_id)
{
    size_t i, j;
    json_t *row, *ctl;
    char best[8] = "", cur[8];
    size_t best_n = 0;
    /* count prefixes; the arrays are small */
    struct {
        char p[8];
        size_t n;
    } seen[32];
    size_t nseen = 0;
    size_t flen = strlen(family_id);
    json_array_foreach(json_object_get(map, "r3_to_sp800_53r5"), i, row)
    {
        const char *rid = jstr(row, "r3_id");
        if (!rid || strncmp(rid, family_id, flen) != 0 || rid[flen] != '.')
            continue;
        json_array_foreach(json_object_get(row, "sp800_53r5_source_controls"), j, ctl)
        {
            const char *id = jstr(ctl, "id");
            if (!id)
                continue;
            size_t k = 0;
            while (id[k] && id[k] != '-' && k < sizeof(cur) - 1) {
                cur[k] = id[k];
                k++;
            }
            cur[k] = '\0';
            size_t s;
            for (s = 0; s < nseen; s++)
                if (strcmp(seen[s].p, cur) == 0)
                    break;
            if (s == nseen) {
                if (nseen == sizeof(seen) / sizeof(seen[0]))
                    continue;
                memcpy(seen[s].p, cur, sizeof(cur));
                seen[s].n = 0;
                nseen++;
            }
            if (++seen[s].n > best_n) {
                best_n = seen[s].n;
                memcpy(best, seen[s].p, sizeof(best));
            }
        }
    }
    return mm_arena_strdup(a, best);
}

static const json_t *map_row(const json_t *arr, const char *key, const char *id)
{
    size_t i;
    json_t *row;
    json_array_foreach(arr, i, row)
    {
        if (mm_streq(jstr(row, key), id))
            return row;
    }
    return NULL;
}

static int load_r3(mm_catalog *cat, const char *content_dir)
{
    mm_arena *a = cat->priv->arena;
    json_t *root = NULL, *map = NULL;
    int rc = mm_content_json(&root, content_dir, R3_FILE);
    if (rc)
        goto done;
    rc = mm_content_json(&map, content_dir, MAP_FILE);
    if (rc)
        goto done;
    const json_t *catalog = json_object_get(root, "catalog");
    const json_t *groups = json_object_get(catalog, "groups");
    if (!json_is_array(groups)) {
        rc = shape_error(R3_FILE, "$.catalog.groups: expected an array of families");
        goto done;
    }
    const json_t *meta = json_object_get(catalog, "metadata");
    cat->title = mm_arena_strdup(a, jstr(meta, "title"));
    cat->version = mm_arena_strdup(a, jstr(meta, "version"));
    cat->source = "NIST SP 800-171 Rev 3 OSCAL catalog (usnistgov/oscal-content)";

    r3_counts c = {0};
    count_r3(groups, &c);
    cat->nfamilies = json_array_size(groups);
    cat->families = mm_arena_calloc(a, cat->nfamilies, sizeof(mm_family));
    cat->requirements = mm_arena_calloc(a, c.reqs, sizeof(mm_requirement));
    cat->objectives = mm_arena_calloc(a, c.objectives + 1, sizeof(mm_objective));
    cat->odps = mm_arena_calloc(a, c.odps + 1, sizeof(mm_odp));
    mm_method *methods = mm_arena_calloc(a, c.methods + 1, sizeof(mm_method));
    if (mm_arena_failed(a)) {
        rc = MM_ENOMEM;
        goto done;
    }

    const json_t *r3_to_53 = json_object_get(map, "r3_to_sp800_53r5");
    const json_t *r3_from_r2 = json_object_get(map, "r3_from_r2");
    size_t gi, ci, pi, nm = 0;
    json_t *g, *ctl, *part;
    json_array_foreach(groups, gi, g)
    {
        mm_family *f = &cat->families[gi];
        const char *gid = jstr(g, "id");
        const char *sort = prop(g, "sort-id");
        f->id = mm_arena_strdup(a, sort ? sort : gid);
        f->title = mm_arena_strdup(a, jstr(g, "title"));
        if (!f->id) {
            rc = shape_error(R3_FILE, "a family (group) has no id");
            goto done;
        }
        f->abbrev = family_abbrev(a, map, f->id);
        f->first = cat->nrequirements;
        json_array_foreach(json_object_get(g, "controls"), ci, ctl)
        {
            size_t ri = cat->nrequirements++;
            mm_requirement *r = &cat->requirements[ri];
            const char *sid = prop(ctl, "sort-id");
            if (!sid) {
                rc = shape_error(R3_FILE, "a requirement has no sort-id");
                goto done;
            }
            r->id = mm_arena_strdup(a, sid);
            r->family = gi;
            r->title = mm_arena_strdup(a, jstr(ctl, "title"));
            r->withdrawn = mm_streq(prop(ctl, "status"), "withdrawn");
            if (r->withdrawn) {
                json_t *links = json_object_get(ctl, "links");
                r->withdrawn_to = str_array(a, links, "href", &r->nwithdrawn_to);
                if (json_array_size(links))
                    r->withdrawn_relation =
                        mm_arena_strdup(a, jstr(json_array_get(links, 0), "rel"));
            }
            /* ODPs */
            r->odps = &cat->odps[cat->nodps];
            json_array_foreach(json_object_get(ctl, "params"), pi, part)
            {
                mm_odp *o = &cat->odps[cat->nodps++];
                o->id = mm_arena_strdup(a, jstr(part, "id"));
                if (!o->id) {
                    rc = shape_error(R3_FILE, "a parameter (ODP) has no id");
                    goto done;
                }
                o->label = mm_arena_strdup(a, jstr(part, "label"));
                o->usage = mm_arena_strdup(a, jstr(part, "usage"));
                o->guideline = mm_arena_strdup(
                    a, jstr(json_array_get(json_object_get(part, "guidelines"), 0), "prose"));
                const json_t *sel = json_object_get(part, "select");
                if (sel) {
                    o->how_many = mm_arena_strdup(a, jstr(sel, "how-many"));
                    if (!o->how_many)
                        o->how_many = "one";
                    o->choices = str_array(a, json_object_get(sel, "choice"), NULL, &o->nchoices);
                }
                o->requirement = ri;
                r->nodps++;
            }
            /* statement, guidance, objectives, methods */
            r->objectives = &cat->objectives[cat->nobjectives];
            r->methods = &methods[nm];
            json_array_foreach(json_object_get(ctl, "parts"), pi, part)
            {
                const char *name = jstr(part, "name");
                if (mm_streq(name, "statement")) {
                    mm_buf b = MM_BUF_INIT;
                    if (jstr(part, "prose"))
                        mm_buf_puts(&b, jstr(part, "prose"));
                    statement_lines(&b, part, 0);
                    r->statement = mm_arena_strdup(a, mm_buf_cstr(&b));
                    mm_buf_free(&b);
                } else if (mm_streq(name, "guidance")) {
                    r->guidance = strip_links(a, jstr(part, "prose"));
                } else if (mm_streq(name, "assessment-objective")) {
                    mm_objective *o = &cat->objectives[cat->nobjectives++];
                    const char *id = jstr(part, "id");
                    const char *pfx = "assessment-objective_DS-";
                    if (id && strncmp(id, pfx, strlen(pfx)) == 0)
                        id += strlen(pfx);
                    o->id = mm_arena_strdup(a, id);
                    o->text = mm_arena_strdup(a, jstr(part, "prose"));
                    const char *href =
                        jstr(json_array_get(json_object_get(part, "links"), 0), "href");
                    if (href && strncmp(href, "#SR-", 4) == 0)
                        o->part = mm_arena_strdup(a, href + 4);
                    o->requirement = ri;
                    r->nobjectives++;
                    if (!o->id || !o->text) {
                        rc = shape_error(R3_FILE, "an assessment objective has no id or prose");
                        goto done;
                    }
                } else if (mm_streq(name, "assessment-method")) {
                    mm_method *m = &methods[nm++];
                    const char *meth = prop(part, "method");
                    char *lower = mm_arena_strdup(a, meth ? meth : "");
                    for (char *s = lower; s && *s; s++)
                        *s = (char)tolower((unsigned char)*s);
                    m->method = lower;
                    const char *objs =
                        jstr(json_array_get(json_object_get(part, "parts"), 0), "prose");
                    /* objects are paragraphs separated by blank lines */
                    size_t cap = 1;
                    for (const char *s = objs; s && (s = strstr(s, "\n\n")); s += 2)
                        cap++;
                    m->objects = mm_arena_calloc(a, cap, sizeof(char *));
                    for (const char *s = objs; s && m->objects;) {
                        const char *e = strstr(s, "\n\n");
                        size_t len = e ? (size_t)(e - s) : strlen(s);
                        if (len)
                            m->objects[m->nobjects++] = mm_arena_strndup(a, s, len);
                        s = e ? e + 2 : NULL;
                    }
                    r->nmethods++;
                }
            }
            /* the mapping: SP 800-53 sources, Rev 2 sources */
            const json_t *row = map_row(r3_to_53, "r3_id", r->id);
            r->controls = str_array(a, json_object_get(row, "sp800_53r5_source_controls"), "id",
                                    &r->ncontrols);
            row = map_row(r3_from_r2, "r3_id", r->id);
            r->related = str_array(a, json_object_get(row, "r2_sources"), "r2_id", &r->nrelated);
            f->count++;
        }
    }
    if (mm_arena_failed(a))
        rc = MM_ENOMEM;
done:
    json_decref(root);
    json_decref(map);
    return rc;
}

/* ---- Rev 2 --------------------------------------------------------------------------- */

static bool in_list(const json_t *arr, const char *id)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (mm_streq(json_string_value(v), id))
            return true;
    }
    return false;
}

static int load_r2(mm_catalog *cat, const char *content_dir)
{
    mm_arena *a = cat->priv->arena;
    json_t *root = NULL, *map = NULL, *sprs = NULL;
    int rc = mm_content_json(&root, content_dir, R2_FILE);
    if (!rc)
        rc = mm_content_json(&map, content_dir, MAP_FILE);
    if (!rc)
        rc = mm_content_json(&sprs, content_dir, SPRS_FILE);
    if (rc)
        goto done;
    const json_t *fams = json_object_get(root, "families");
    const json_t *reqs = json_object_get(root, "requirements");
    if (!json_is_array(fams) || !json_is_array(reqs)) {
        rc = shape_error(R2_FILE, "$: expected arrays 'families' and 'requirements'");
        goto done;
    }
    const json_t *meta = json_object_get(root, "_meta");
    cat->title = mm_arena_strdup(a, jstr(meta, "title"));
    cat->version = "Rev 2 (2020-02, updated 2021-01-28)";
    cat->source = "NIST SP 800-171 Rev 2 and SP 800-171A (transcription, see content/catalogs)";
    const json_t *smeta = json_object_get(sprs, "_meta");
    cat->sprs_base = (int)json_integer_value(json_object_get(smeta, "base_score"));
    cat->sprs_min = (int)json_integer_value(json_object_get(smeta, "min_score"));
    const json_t *cmmc =
        json_object_get(json_object_get(sprs, "_cmmc_32cfr170"), "poam_conditional_level2");
    cat->cmmc_min_ratio = json_number_value(json_object_get(cmmc, "min_score_ratio"));
    cat->cmmc_max_poam_points =
        (int)json_integer_value(json_object_get(cmmc, "max_point_value_on_poam"));
    if (cat->sprs_base <= 0 || cat->cmmc_min_ratio <= 0) {
        rc = shape_error(SPRS_FILE, "$._meta.base_score or $._cmmc_32cfr170: missing");
        goto done;
    }
    const json_t *never = json_object_get(cmmc, "never_on_poam");
    const char *exception = jstr(cmmc, "exception");
    /* the methodology's rules are keyed "<id>_poam" for the plan-of-action requirement */
    const char *poam_rule = NULL;
    {
        const char *k;
        json_t *rv;
        json_object_foreach(json_object_get(sprs, "_rules"), k, rv)
        {
            const char *us = strchr(k, '_');
            if (us && strcmp(us, "_poam") == 0)
                poam_rule = k;
        }
    }
    const json_t *partial = json_object_get(sprs, "_partial_credit");
    const json_t *na = json_object_get(sprs, "_na");
    const json_t *r2_to_r3 = json_object_get(map, "r2_to_r3");

    size_t nobj = 0, i, j;
    json_t *v, *o;
    json_array_foreach(reqs, i, v) nobj += json_array_size(json_object_get(v, "objectives"));
    cat->nfamilies = json_array_size(fams);
    cat->families = mm_arena_calloc(a, cat->nfamilies, sizeof(mm_family));
    cat->requirements = mm_arena_calloc(a, json_array_size(reqs), sizeof(mm_requirement));
    cat->objectives = mm_arena_calloc(a, nobj + 1, sizeof(mm_objective));
    cat->odps = mm_arena_calloc(a, 1, sizeof(mm_odp));
    if (mm_arena_failed(a)) {
        rc = MM_ENOMEM;
        goto done;
    }
    json_array_foreach(fams, i, v)
    {
        mm_family *f = &cat->families[i];
        f->id = mm_arena_strdup(a, jstr(v, "id"));
        f->title = mm_arena_strdup(a, jstr(v, "name"));
        f->abbrev = mm_arena_strdup(a, jstr(v, "abbrev"));
        f->first = SIZE_MAX;
    }
    json_array_foreach(reqs, i, v)
    {
        size_t ri = cat->nrequirements++;
        mm_requirement *r = &cat->requirements[ri];
        r->id = mm_arena_strdup(a, jstr(v, "id"));
        if (!r->id) {
            rc = shape_error(R2_FILE, "a requirement has no id");
            goto done;
        }
        const char *fam = jstr(v, "family");
        for (j = 0; j < cat->nfamilies; j++)
            if (mm_streq(cat->families[j].id, fam))
                break;
        if (j == cat->nfamilies) {
            rc = shape_error(R2_FILE, "a requirement names an unknown family");
            goto done;
        }
        r->family = j;
        if (cat->families[j].first == SIZE_MAX)
            cat->families[j].first = ri;
        cat->families[j].count++;
        r->title = mm_arena_strdup(a, jstr(v, "text"));
        r->statement = r->title;
        r->guidance = mm_arena_strdup(a, jstr(v, "discussion"));
        r->basic = mm_streq(jstr(v, "basic_or_derived"), "basic");
        r->far_52_204_21 = json_is_true(json_object_get(v, "far_52_204_21"));
        r->cmmc_id = mm_arena_strdup(a, jstr(v, "cmmc_id"));
        r->controls =
            str_array(a, json_object_get(v, "nist_800_53r4_mapping"), NULL, &r->ncontrols);
        json_t *pts = json_object_get(sprs, r->id);
        if (!json_is_integer(pts)) {
            mm_error_set("%s: $[\"%s\"]: no point value", SPRS_FILE, r->id);
            rc = MM_EINVALID;
            goto done;
        }
        r->sprs_points = (int)json_integer_value(pts);
        r->sprs_na = in_list(na, r->id);
        const json_t *pc = json_object_get(partial, r->id);
        if (pc) {
            const json_t *rules = json_object_get(pc, "rules");
            /* the smallest deduction among the rules is the partial one */
            size_t k;
            json_t *rule;
            json_array_foreach(rules, k, rule)
            {
                int d = (int)json_integer_value(json_object_get(rule, "deduct"));
                if (d > 0 && d < r->sprs_points && (!r->sprs_partial || d < r->sprs_partial)) {
                    r->sprs_partial = d;
                    r->partial_condition = mm_arena_strdup(a, jstr(rule, "condition"));
                }
            }
        }
        r->never_on_poam = in_list(never, r->id);
        /* the CMMC exception names the requirement by its CMMC id ("SC.L2-3.13.11 may be") */
        if (r->sprs_partial && r->cmmc_id && exception) {
            const char *hit = strstr(exception, r->cmmc_id);
            size_t n = strlen(r->cmmc_id);
            r->poam_at_partial = hit && (hit[n] == ' ' || hit[n] == '\0' || hit[n] == ',');
        }
        size_t idlen = strlen(r->id);
        r->plans_of_action =
            poam_rule && strncmp(poam_rule, r->id, idlen) == 0 && poam_rule[idlen] == '_';
        const json_t *row = map_row(r2_to_r3, "r2_id", r->id);
        r->related = str_array(a, json_object_get(row, "targets"), NULL, &r->nrelated);
        r->related_note = mm_arena_strdup(a, jstr(row, "disposition"));
        r->objectives = &cat->objectives[cat->nobjectives];
        json_array_foreach(json_object_get(v, "objectives"), j, o)
        {
            mm_objective *ob = &cat->objectives[cat->nobjectives++];
            ob->id = mm_arena_strdup(a, jstr(o, "id"));
            ob->text = mm_arena_strdup(a, jstr(o, "text"));
            ob->requirement = ri;
            r->nobjectives++;
            if (!ob->id || !ob->text) {
                rc = shape_error(R2_FILE, "an objective has no id or text");
                goto done;
            }
        }
    }
    if (mm_arena_failed(a))
        rc = MM_ENOMEM;
done:
    json_decref(root);
    json_decref(map);
    json_decref(sprs);
    return rc;
}

int mm_catalog_load(mm_catalog **out, mm_framework fw, const char *content_dir)
{
    *out = NULL;
    mm_catalog *cat = catalog_new(fw);
    if (!cat)
        return MM_ENOMEM;
    int rc = fw == MM_FW_R2 ? load_r2(cat, content_dir) : load_r3(cat, content_dir);
    if (!rc)
        rc = index_catalog(cat);
    if (rc) {
        mm_catalog_free(cat);
        return rc;
    }
    *out = cat;
    return MM_OK;
}

/* ---- lookups ------------------------------------------------------------------------- */

const mm_requirement *mm_catalog_requirement(const mm_catalog *cat, const char *id)
{
    if (!id)
        return NULL;
    if (strncmp(id, "SP_800_171_", 11) == 0)
        id += 11;
    return mm_map_get(&cat->priv->requirements, id);
}

const mm_objective *mm_catalog_objective(const mm_catalog *cat, const char *id)
{
    if (!id)
        return NULL;
    const mm_objective *o = mm_map_get(&cat->priv->objectives, id);
    if (o || cat->framework != MM_FW_R3)
        return o;
    /* 800-171A writes A.03.01.01.b[01]; the catalog's ids are A.03.01.01.b.01 */
    char norm[64];
    size_t n = 0;
    const char *s = id;
    if (strncmp(s, "A.", 2) != 0) {
        norm[n++] = 'A';
        norm[n++] = '.';
    }
    for (; *s && n < sizeof(norm) - 1; s++) {
        if (*s == '[')
            norm[n++] = '.';
        else if (*s != ']')
            norm[n++] = *s;
    }
    norm[n] = '\0';
    return *s ? NULL : mm_map_get(&cat->priv->objectives, norm);
}

const mm_odp *mm_catalog_odp(const mm_catalog *cat, const char *id)
{
    return mm_map_get(&cat->priv->odps, id);
}

size_t mm_catalog_requirement_index(const mm_catalog *cat, const mm_requirement *r)
{
    return (size_t)(r - cat->requirements);
}

size_t mm_catalog_active_count(const mm_catalog *cat)
{
    size_t n = 0;
    for (size_t i = 0; i < cat->nrequirements; i++)
        n += !cat->requirements[i].withdrawn;
    return n;
}
