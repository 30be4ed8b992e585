/* OSCAL 1.1.3 system security plan of an evaluated assessment (docs/oscal.md). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/oscal_internal.h"

/* ---- system security plan ------------------------------------------------------------------ */

static json_t *ssp_characteristics(doc *d)
{
    const mm_assessment *a = d->a;
    json_t *sc = oscal_obj(d);
    json_t *ids = oscal_arr(d);
    oscal_push(ids, oscal_system_id(d));
    oscal_put(sc, "system-ids", ids);
    oscal_put_str(d, sc, "system-name", d->sys);
    oscal_put_str(d, sc, "description", oscal_text(a->system_description, NOT_PROVIDED));
    json_t *props = oscal_arr(d);
    oscal_add_prop(d, props, "assessment-scope", a->scope, true, NULL);
    oscal_add_prop(d, props, "contract-number", a->contract, true, NULL);
    oscal_add_prop(d, props, "assessment-date", a->assessed, true, NULL);
    oscal_add_prop(d, props, "assessment-valid-until", a->valid_until, true, NULL);
    oscal_put_arr(sc, "props", props);
    oscal_put_str(d, sc, "security-sensitivity-level", "moderate");

    json_t *info = oscal_obj(d);
    json_t *types = oscal_arr(d);
    json_t *t = oscal_obj(d);
    oscal_put(t, "uuid", oscal_uuid_json(d, "ssp", "information-type/%s", "cui"));
    oscal_put_str(d, t, "title", "Controlled Unclassified Information (CUI)");
    oscal_put_str(
        d, t, "description",
        "CUI that the system processes, stores or transmits. NIST SP 800-171 protects its "
        "confidentiality at the FIPS 199 moderate impact level.");
    json_t *cats = oscal_arr(d);
    json_t *c = oscal_obj(d);
    oscal_put_str(d, c, "system", CUI_REGISTRY);
    oscal_push(cats, c);
    oscal_put(t, "categorizations", cats);
    const char *impacts[] = {"confidentiality-impact", "integrity-impact", "availability-impact"};
    for (size_t i = 0; i < 3; i++) {
        json_t *im = oscal_obj(d);
        oscal_put_str(d, im, "base", MODERATE);
        oscal_put_str(d, im, "selected", MODERATE);
        oscal_put(t, impacts[i], im);
    }
    oscal_push(types, t);
    oscal_put(info, "information-types", types);
    oscal_put(sc, "system-information", info);

    json_t *sil = oscal_obj(d);
    oscal_put_str(d, sil, "security-objective-confidentiality", MODERATE);
    oscal_put_str(d, sil, "security-objective-integrity", MODERATE);
    oscal_put_str(d, sil, "security-objective-availability", MODERATE);
    oscal_put(sc, "security-impact-level", sil);
    json_t *st = oscal_obj(d);
    oscal_put_str(d, st, "state", "operational");
    oscal_put(sc, "status", st);
    json_t *ab = oscal_obj(d);
    oscal_put_str(d, ab, "description", oscal_text(a->boundary, NOT_PROVIDED));
    if (a->scope)
        oscal_put_str(
            d, ab, "remarks",
            a->contract ? mm_arena_printf(d->ar, "Scope: %s (contract %s).", a->scope, a->contract)
                        : mm_arena_printf(d->ar, "Scope: %s.", a->scope));
    oscal_put(sc, "authorization-boundary", ab);
    json_t *rp = oscal_arr(d);
    oscal_push(rp, oscal_responsible_party(d, "system-owner", d->org_party));
    oscal_put(sc, "responsible-parties", rp);
    return sc;
}

static json_t *ssp_implementation(doc *d)
{
    json_t *si = oscal_obj(d);
    json_t *users = oscal_arr(d);
    json_t *u = oscal_obj(d);
    oscal_put(u, "uuid", oscal_uuid_json(d, "ssp", "user/%s", "authorized-users"));
    oscal_put_str(d, u, "title", "Authorized users");
    oscal_put_str(d, u, "description",
                  mm_arena_printf(d->ar,
                                  "People authorized to use %s and the CUI it processes, stores "
                                  "or transmits.",
                                  d->sys));
    json_t *props = oscal_arr(d);
    oscal_add_prop(d, props, "type", "internal", false, NULL);
    oscal_put(u, "props", props);
    oscal_push(users, u);
    oscal_put(si, "users", users);
    json_t *comps = oscal_arr(d);
    json_t *c = oscal_obj(d);
    oscal_put_str(d, c, "uuid", d->component);
    oscal_put_str(d, c, "type", "this-system");
    oscal_put_str(d, c, "title", d->sys);
    oscal_put_str(d, c, "description",
                  oscal_text(d->a->system_description, "The system as a whole."));
    json_t *st = oscal_obj(d);
    oscal_put_str(d, st, "state", "operational");
    oscal_put(c, "status", st);
    oscal_push(comps, c);
    oscal_put(si, "components", comps);
    return si;
}

static json_t *set_parameters(doc *d, const mm_requirement *q)
{
    const mm_result *r = d->r;
    json_t *sp = oscal_arr(d);
    for (size_t j = 0; j < q->nodps; j++) {
        size_t i = (size_t)(&q->odps[j] - d->cat->odps);
        const char *v = oscal_line(d, r->odp_effective[i], NULL);
        if (!v)
            continue;
        json_t *o = oscal_obj(d);
        oscal_put_str(d, o, "param-id", q->odps[j].id);
        json_t *vals = oscal_arr(d);
        oscal_push_str(d, vals, v);
        oscal_put(o, "values", vals);
        for (size_t k = 0; k < r->nconflicts; k++)
            if (r->conflicts[k].odp == i)
                oscal_put_str(d, o, "remarks",
                              mm_arena_printf(d->ar,
                                              "The assessment gives \"%s\"; the ODP profile fixes "
                                              "this value.",
                                              r->conflicts[k].given));
        oscal_push(sp, o);
    }
    return sp;
}

static json_t *implemented_requirement(doc *d, size_t i)
{
    const mm_requirement *q = &d->cat->requirements[i];
    const mm_requirement_answer *ra = &d->a->requirements[i];
    const mm_requirement_result *rr = &d->r->requirements[i];
    const char *state = oscal_impl_state(rr);
    json_t *ir = oscal_obj(d);
    oscal_put(ir, "uuid", oscal_uuid_json(d, "ssp", "implemented-requirement/%s", q->id));
    oscal_put_str(d, ir, "control-id", oscal_control_id(d, q));
    json_t *props = oscal_arr(d);
    if (state)
        /* in mamori's namespace: the OSCAL 1.1.3 metaschema allows only control-origination
         * in OSCAL's on implemented-requirement (oscal_ssp_metaschema.xml, its constraint) */
        oscal_add_prop(d, props, "implementation-status", state, true, NULL);
    oscal_add_prop(d, props, "assessment-status", mm_status_name(rr->status), true, NULL);
    if (d->r2)
        oscal_add_prop(d, props, "cmmc-practice-id", q->cmmc_id, true, NULL);
    oscal_put_arr(ir, "props", props);
    json_t *links = oscal_arr(d);
    oscal_add_evidence_links(d, links, ra->evidence, ra->nevidence);
    oscal_put_arr(ir, "links", links);
    oscal_put_arr(ir, "set-parameters", set_parameters(d, q));
    oscal_put_arr(ir, "responsible-roles", oscal_responsible_roles(d, ra->responsible));

    json_t *stmts = oscal_arr(d);
    json_t *s = oscal_obj(d);
    oscal_put_str(d, s, "statement-id", oscal_statement_id(d, q));
    oscal_put(s, "uuid", oscal_uuid_json(d, "ssp", "statement/%s", q->id));
    json_t *bcs = oscal_arr(d);
    json_t *bc = oscal_obj(d);
    oscal_put_str(d, bc, "component-uuid", d->component);
    oscal_put(bc, "uuid", oscal_uuid_json(d, "ssp", "by-component/%s/this-system", q->id));
    char *cite = mm_report_scan_citation(d->r, i);
    if (cite) {
        char *desc = NULL;
        size_t dl = strlen(cite) + (ra->implementation ? strlen(ra->implementation) : 0) + 4;
        if ((desc = malloc(dl)))
            snprintf(desc, dl, "%s%s%s", ra->implementation ? ra->implementation : "",
                     ra->implementation ? "\n\n" : "", cite);
        oscal_put_str(d, bc, "description", desc ? desc : cite);
        free(desc);
        free(cite);
    } else {
        oscal_put_str(d, bc, "description", oscal_text(ra->implementation, NO_STATEMENT));
    }
    if (state) {
        json_t *is = oscal_obj(d);
        oscal_put_str(d, is, "state", state);
        if (rr->no_plan_rule)
            oscal_put_str(d, is, "remarks", oscal_no_plan_text(d));
        else if (rr->status == MM_STATUS_NOT_MET || rr->status == MM_STATUS_PARTIAL)
            oscal_put_str(d, is, "remarks",
                          rr->on_poam ? "Not fully implemented; an open POA&M item plans the rest."
                                      : "Not fully implemented; no open POA&M item names it.");
        oscal_put(bc, "implementation-status", is);
    }
    oscal_push(bcs, bc);
    oscal_put(s, "by-components", bcs);
    oscal_push(stmts, s);
    oscal_put(ir, "statements", stmts);
    const char *rem = oscal_remarks_of(d, ra->justification, ra->notes);
    if (rr->status == MM_STATUS_NOT_ASSESSED)
        rem = rem ? mm_arena_printf(d->ar, "Not assessed.\n\n%s", rem) : "Not assessed.";
    if (rem)
        oscal_put_str(d, ir, "remarks", rem);
    return ir;
}

int mm_report_oscal_ssp(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    doc dd, *d = &dd;
    int rc = oscal_doc_init(d, r, o);
    if (rc) {
        mm_arena_free(d->ar);
        mm_error_set("oscal-ssp: out of memory");
        return rc;
    }
    const mm_catalog *cat = d->cat;
    json_t *root = oscal_obj(d);
    json_t *ssp = oscal_obj(d);
    oscal_put(ssp, "uuid", oscal_uuid_json(d, "ssp", "%s", "document"));
    oscal_put(ssp, "metadata", oscal_metadata(d, "System Security Plan", NULL));

    json_t *ip = oscal_obj(d);
    oscal_put_str(d, ip, "href", d->r2 ? R2_PROFILE_HREF : R3_CATALOG_HREF);
    if (d->r2)
        oscal_put_str(d, ip, "remarks",
                      "NIST publishes no OSCAL catalog or profile of SP 800-171 Rev 2: this href "
                      "names the profile mamori writes (mamori catalog export --framework "
                      "800-171r2 --format oscal-profile), which imports the Rev 2 catalog mamori "
                      "writes from its own data as " R2_CATALOG_HREF " (--format oscal); mamori "
                      "assess FILE --oscal-dir DIR writes both next to this file. Control ids "
                      "have the form sp_800_171_3.1.1 (an OSCAL token may not start with a "
                      "digit), statement ids sp_800_171_3.1.1_smt.");
    else
        oscal_put_str(
            d, ip, "remarks",
            r->profile
                ? mm_arena_printf(d->ar,
                                  "NIST's OSCAL catalog of SP 800-171 Rev 3 (catalog version "
                                  "%s), imported whole. ODP values in set-parameters are the "
                                  "effective ones: those the ODP profile \"%s\" fixes, else "
                                  "the assessment's, else the profile's guidance.",
                                  cat->version ? cat->version : "?",
                                  r->profile->name ? r->profile->name : "?")
                : mm_arena_printf(d->ar,
                                  "NIST's OSCAL catalog of SP 800-171 Rev 3 (catalog version "
                                  "%s), imported whole. ODP values in set-parameters are the "
                                  "assessment's.",
                                  cat->version ? cat->version : "?"));
    oscal_put(ssp, "import-profile", ip);
    oscal_put(ssp, "system-characteristics", ssp_characteristics(d));
    oscal_put(ssp, "system-implementation", ssp_implementation(d));

    json_t *ci = oscal_obj(d);
    oscal_put_str(d, ci, "description",
                  mm_arena_printf(d->ar,
                                  "How %s implements the requirements of %s in %s. Implementation "
                                  "status is that found by the assessment of %.10s: %zu of %zu "
                                  "requirements met.",
                                  d->org, d->fw_label, d->sys, d->ts, r->requirements_met,
                                  r->requirements_total));
    json_t *irs = oscal_arr(d);
    for (size_t i = 0; i < cat->nrequirements; i++)
        if (!cat->requirements[i].withdrawn)
            oscal_push(irs, implemented_requirement(d, i));
    oscal_put(ci, "implemented-requirements", irs);
    oscal_put(ssp, "control-implementation", ci);
    oscal_put(root, "system-security-plan", ssp);
    return oscal_doc_finish(d, b, root, "oscal-ssp");
}
