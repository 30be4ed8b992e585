/* SP 800-171 Rev 2 as an OSCAL 1.1.3 catalog, and a profile that imports it whole
 * (docs/oscal.md, "Rev 2 catalog and profile"): NIST publishes no OSCAL (or any
 * machine-readable) Rev 2, so mamori writes its own Rev 2 data (content/catalogs/
 * sp800-171r2.json, provenance in content/catalogs/PROVENANCE.md) for the SSP's
 * import-profile to resolve. Ids are those the SSP, AP, AR and POA&M use: control
 * "sp_800_171_3.1.1", statement "sp_800_171_3.1.1_smt", objective "sp_800_171_3.1.1_obj.a". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/oscal_internal.h"

/* A doc with what the id and string helpers need: the catalog and an arena. */
static int cat_doc(doc *d, const mm_catalog *cat, const mm_report_options *o, const char *what)
{
    memset(d, 0, sizeof(*d));
    d->cat = cat;
    d->o = o;
    d->r2 = cat->framework == MM_FW_R2;
    if (!d->r2) {
        mm_error_set("%s: only Rev 2 is written by mamori; NIST publishes the Rev 3 catalog in "
                     "OSCAL (%s)",
                     what, R3_CATALOG_HREF);
        return MM_EUSAGE;
    }
    d->ar = mm_arena_new();
    if (!d->ar) {
        mm_error_set("%s: out of memory", what);
        return MM_ENOMEM;
    }
    d->org_key = "nist";
    d->sys_key = "sp800-171r2";
    mm_time_rfc3339(d->ts, o ? o->now : 0);
    return MM_OK;
}

static json_t *cat_metadata(doc *d, const char *title, const char *remarks)
{
    json_t *m = oscal_obj(d);
    oscal_put_str(d, m, "title", title);
    oscal_put_str(d, m, "last-modified", d->ts);
    oscal_put_str(d, m, "version", d->cat->version ? d->cat->version : "unknown");
    oscal_put_str(d, m, "oscal-version", OSCAL_VERSION);
    json_t *props = oscal_arr(d);
    oscal_add_prop(d, props, "framework", mm_framework_name(d->cat->framework), true, NULL);
    oscal_add_prop(
        d, props, "generator",
        mm_arena_printf(d->ar, "mamori %s", d->o && d->o->tool_version ? d->o->tool_version : "?"),
        true, NULL);
    oscal_put_arr(m, "props", props);
    json_t *links = oscal_arr(d);
    json_t *l = oscal_obj(d);
    oscal_put_str(d, l, "href", R2_HREF);
    oscal_put_str(d, l, "rel", "reference");
    oscal_put_str(d, l, "text", "NIST SP 800-171 Revision 2 (the publication)");
    oscal_push(links, l);
    oscal_put_arr(m, "links", links);
    oscal_put_str(d, m, "remarks", remarks);
    return m;
}

static json_t *part(doc *d, const char *id, const char *name, const char *prose)
{
    json_t *p = oscal_obj(d);
    if (id)
        oscal_put_str(d, p, "id", id);
    oscal_put_str(d, p, "name", name);
    if (prose)
        oscal_put_str(d, p, "prose", prose);
    return p;
}

static json_t *control(doc *d, const mm_requirement *q)
{
    json_t *c = oscal_obj(d);
    oscal_put_str(d, c, "id", oscal_control_id(d, q));
    oscal_put_str(d, c, "title", oscal_line(d, q->title, q->id));
    json_t *props = oscal_arr(d);
    oscal_add_prop(d, props, "label", q->id, false, NULL);
    if (q->cmmc_id)
        oscal_add_prop(d, props, "cmmc-practice-id", q->cmmc_id, true, NULL);
    oscal_put_arr(c, "props", props);
    json_t *parts = oscal_arr(d);
    oscal_push(parts, part(d, oscal_statement_id(d, q), "statement",
                           q->statement && q->statement[0] ? q->statement : q->title));
    if (q->guidance && q->guidance[0])
        oscal_push(parts, part(d, mm_arena_printf(d->ar, "%s_gdn", oscal_control_id(d, q)),
                               "guidance", q->guidance));
    if (q->nobjectives) {
        json_t *obj = part(d, mm_arena_printf(d->ar, "%s_obj", oscal_control_id(d, q)),
                           "assessment-objective", NULL);
        json_t *items = oscal_arr(d);
        for (size_t i = 0; i < q->nobjectives; i++) {
            json_t *o = part(d, oscal_objective_id(d, &q->objectives[i]), "assessment-objective",
                             q->objectives[i].text);
            json_t *oprops = oscal_arr(d);
            oscal_add_prop(d, oprops, "label", q->objectives[i].id, false, NULL);
            oscal_put_arr(o, "props", oprops);
            oscal_push(items, o);
        }
        oscal_put(obj, "parts", items);
        oscal_push(parts, obj);
    }
    oscal_put(c, "parts", parts);
    return c;
}

int mm_report_oscal_catalog(char **out, size_t *len, const mm_catalog *cat,
                            const mm_report_options *o)
{
    *out = NULL;
    doc dd, *d = &dd;
    int rc = cat_doc(d, cat, o, "oscal catalog");
    if (rc)
        return rc;
    json_t *root = oscal_obj(d);
    json_t *c = oscal_obj(d);
    oscal_put(c, "uuid", oscal_uuid_json(d, "catalog", "%s", "document"));
    oscal_put(c, "metadata",
              cat_metadata(d, "NIST SP 800-171 Revision 2 with SP 800-171A assessment objectives",
                           mm_arena_printf(d->ar,
                                           "Written by mamori from its Rev 2 data, not by NIST: "
                                           "NIST publishes SP 800-171 Rev 2 only as a document "
                                           "(%s). Source of the data: %s (mamori's "
                                           "content/catalogs/PROVENANCE.md).",
                                           R2_HREF, cat->source ? cat->source : "?")));
    json_t *groups = oscal_arr(d);
    for (size_t f = 0; f < cat->nfamilies; f++) {
        const mm_family *fam = &cat->families[f];
        json_t *g = oscal_obj(d);
        oscal_put_str(d, g, "id", mm_arena_printf(d->ar, "sp_800_171_%s", fam->id));
        oscal_put_str(d, g, "class", "family");
        oscal_put_str(d, g, "title", oscal_line(d, fam->title, fam->id));
        json_t *props = oscal_arr(d);
        oscal_add_prop(d, props, "label", fam->id, false, NULL);
        oscal_put_arr(g, "props", props);
        json_t *controls = oscal_arr(d);
        for (size_t i = fam->first; i < fam->first + fam->count; i++)
            if (!cat->requirements[i].withdrawn)
                oscal_push(controls, control(d, &cat->requirements[i]));
        oscal_put(g, "controls", controls);
        oscal_push(groups, g);
    }
    oscal_put(c, "groups", groups);
    oscal_put(root, "catalog", c);
    mm_buf b = MM_BUF_INIT;
    rc = oscal_doc_finish(d, &b, root, "oscal catalog");
    if (rc)
        return rc;
    *out = b.data;
    if (len)
        *len = b.len;
    return MM_OK;
}

int mm_report_oscal_profile(char **out, size_t *len, const mm_catalog *cat,
                            const mm_report_options *o)
{
    *out = NULL;
    doc dd, *d = &dd;
    int rc = cat_doc(d, cat, o, "oscal profile");
    if (rc)
        return rc;
    json_t *root = oscal_obj(d);
    json_t *p = oscal_obj(d);
    oscal_put(p, "uuid", oscal_uuid_json(d, "profile", "%s", "document"));
    oscal_put(p, "metadata",
              cat_metadata(d, "NIST SP 800-171 Revision 2, all requirements",
                           "Written by mamori: imports the whole Rev 2 catalog mamori writes "
                           "(mamori catalog export --framework 800-171r2 --format oscal), "
                           "expected as " R2_CATALOG_HREF " next to this file."));
    json_t *imports = oscal_arr(d);
    json_t *imp = oscal_obj(d);
    oscal_put_str(d, imp, "href", R2_CATALOG_HREF);
    oscal_put(imp, "include-all", oscal_obj(d));
    oscal_push(imports, imp);
    oscal_put(p, "imports", imports);
    json_t *merge = oscal_obj(d);
    oscal_put(merge, "as-is", json_true());
    oscal_put(p, "merge", merge);
    oscal_put(root, "profile", p);
    mm_buf b = MM_BUF_INIT;
    rc = oscal_doc_finish(d, &b, root, "oscal profile");
    if (rc)
        return rc;
    *out = b.data;
    if (len)
        *len = b.len;
    return MM_OK;
}
