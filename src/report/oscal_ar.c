/* OSCAL 1.1.3 assessment results of an evaluated assessment (docs/oscal.md). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/oscal_internal.h"

/* ---- assessment results --------------------------------------------------------------------- */

/* An observation of what backs a requirement or objective (evidence, notes, justification);
 * NULL when there is nothing. */
static json_t *observation(doc *d, const char *uuid, const char *title, const char *const *ev,
                           size_t nev, const char *justification, const char *notes)
{
    const char *rem = oscal_remarks_of(d, justification, notes);
    json_t *evidence = oscal_arr(d);
    oscal_add_relevant_evidence(d, evidence, ev, nev);
    size_t n = json_array_size(evidence);
    if (!rem && !n) {
        json_decref(evidence);
        return NULL;
    }
    mm_buf desc = MM_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        mm_buf_printf(
            &desc, "%s%s", i ? ", " : "Evidence examined: ",
            json_string_value(json_object_get(json_array_get(evidence, i), "description")));
    json_t *ob = oscal_obj(d);
    oscal_put_str(d, ob, "uuid", uuid);
    oscal_put_str(d, ob, "title", title);
    oscal_put_str(d, ob, "description", desc.len ? mm_buf_cstr(&desc) : rem);
    mm_buf_free(&desc);
    json_t *methods = oscal_arr(d);
    oscal_push_str(d, methods, n ? "EXAMINE" : "UNKNOWN");
    oscal_put(ob, "methods", methods);
    json_t *types = oscal_arr(d);
    oscal_push_str(d, types, "control-objective");
    oscal_put(ob, "types", types);
    oscal_put(ob, "subjects", oscal_subjects(d));
    oscal_put_arr(ob, "relevant-evidence", evidence);
    oscal_put_str(d, ob, "collected", d->ts);
    if (rem && n)
        oscal_put_str(d, ob, "remarks", rem);
    return ob;
}

static json_t *target(doc *d, const char *type, const char *id, bool sat, const char *reason,
                      const char *remarks)
{
    json_t *t = oscal_obj(d);
    oscal_put_str(d, t, "type", type);
    oscal_put_str(d, t, "target-id", id);
    json_t *st = oscal_obj(d);
    oscal_put_str(d, st, "state", sat ? "satisfied" : "not-satisfied");
    oscal_put_str(d, st, "reason", reason);
    if (remarks)
        oscal_put_str(d, st, "remarks", remarks);
    oscal_put(t, "status", st);
    return t;
}

static const char *det_reason(mm_determination det)
{
    return det == MM_DET_SATISFIED ? "pass" : det == MM_DET_NOT_APPLICABLE ? "other" : "fail";
}

/* The findings of requirement i (one for the requirement, one per objective with a
 * determination) and the observations they relate to. */
static void ar_requirement(doc *d, size_t i, json_t *observations, json_t *findings)
{
    const mm_catalog *cat = d->cat;
    const mm_requirement *q = &cat->requirements[i];
    const mm_requirement_answer *ra = &d->a->requirements[i];
    const mm_requirement_result *rr = &d->r->requirements[i];
    const char *title = oscal_line(d, q->title, q->id);
    json_t *req_obs = oscal_arr(d);
    char u[37];
    oscal_uuid_of(d, u, "ar", "observation/%s", q->id);
    json_t *ob = observation(d, u, mm_arena_printf(d->ar, "Observation: %s %s", q->id, title),
                             ra->evidence, ra->nevidence, ra->justification, ra->notes);
    if (ob) {
        oscal_push(observations, ob);
        oscal_push(req_obs, oscal_ref(d, "observation-uuid", u));
    }
    json_t *obj_findings = oscal_arr(d);
    for (size_t j = 0; j < q->nobjectives; j++) {
        const mm_objective *o = &q->objectives[j];
        const mm_answer *ans = &d->a->answers[o - cat->objectives];
        char ou[37];
        oscal_uuid_of(d, ou, "ar", "observation/%s", o->id);
        json_t *oo = observation(d, ou, mm_arena_printf(d->ar, "Observation: %s", o->id),
                                 ans->evidence, ans->nevidence, ans->justification, ans->notes);
        if (oo) {
            oscal_push(observations, oo);
            oscal_push(req_obs, oscal_ref(d, "observation-uuid", ou));
        }
        if (ans->determination == MM_DET_NOT_ASSESSED)
            continue;
        json_t *f = oscal_obj(d);
        oscal_put(f, "uuid", oscal_uuid_json(d, "ar", "finding/%s", o->id));
        char *otext = mm_report_render_text(d->r, o->text);
        oscal_put_str(d, f, "title",
                      mm_arena_printf(d->ar, "%s: %s", o->id, oscal_line(d, otext, NOT_PROVIDED)));
        free(otext);
        const char *why = ans->justification ? ans->justification : ra->justification;
        const char *scanned =
            ans->scan == MM_DET_NOT_ASSESSED
                ? ""
                : mm_arena_printf(d->ar, " Host scans: %s (%zu result%s).",
                                  mm_determination_name(ans->scan), ans->nscan_evidence,
                                  ans->nscan_evidence == 1 ? "" : "s");
        const char *over = ans->override
                               ? mm_arena_printf(d->ar,
                                                 " Override: the assessor's answer is kept against "
                                                 "the host scans; justification: %s",
                                                 why ? why : NOT_PROVIDED)
                               : "";
        oscal_put_str(d, f, "description",
                      mm_arena_printf(d->ar, "Determination: %s%s.%s%s",
                                      mm_determination_name(ans->determination),
                                      ans->from_requirement && ans->scan == MM_DET_NOT_ASSESSED
                                          ? " (from the requirement's status)"
                                          : "",
                                      scanned, over));
        json_t *props = oscal_arr(d);
        oscal_add_prop(d, props, "determination", mm_determination_name(ans->determination), true,
                       NULL);
        if (ans->scan != MM_DET_NOT_ASSESSED)
            oscal_add_prop(d, props, "scan-determination", mm_determination_name(ans->scan), true,
                           NULL);
        if (ans->override)
            oscal_add_prop(d, props, "override", "true", true, NULL);
        oscal_put(f, "props", props);
        oscal_put(f, "target",
                  target(d, "objective-id", oscal_objective_id(d, o),
                         ans->determination != MM_DET_OTHER_THAN_SATISFIED,
                         det_reason(ans->determination),
                         ans->determination == MM_DET_NOT_APPLICABLE ? "Not applicable." : NULL));
        if (oo)
            oscal_put(f, "related-observations", oscal_uuid_list(d, "observation-uuid", ou));
        oscal_push(obj_findings, f);
    }

    json_t *f = oscal_obj(d);
    oscal_put(f, "uuid", oscal_uuid_json(d, "ar", "finding/%s", q->id));
    oscal_put_str(d, f, "title", mm_arena_printf(d->ar, "%s %s", q->id, title));
    mm_buf desc = MM_BUF_INIT;
    mm_buf_printf(&desc,
                  "Requirement %s: of %zu determination statement%s, %zu satisfied, %zu other "
                  "than satisfied, %zu not applicable, %zu not assessed.",
                  oscal_status_phrase(rr->status), q->nobjectives, q->nobjectives == 1 ? "" : "s",
                  rr->satisfied, rr->other_than_satisfied, rr->not_applicable, rr->not_assessed);
    if (d->r2 && rr->points_lost)
        mm_buf_printf(&desc, " SPRS points lost: %d.", rr->points_lost);
    if (oscal_unmet(rr->status))
        mm_buf_puts(&desc, rr->on_poam ? " An open POA&M item names it."
                                       : " No open POA&M item names it.");
    if (rr->no_plan_rule)
        mm_buf_printf(&desc, " %s", oscal_no_plan_text(d));
    oscal_put_str(d, f, "description", mm_buf_cstr(&desc));
    mm_buf_free(&desc);
    json_t *props = oscal_arr(d);
    oscal_add_prop(d, props, "requirement-status", mm_status_name(rr->status), true, NULL);
    if (d->r2)
        oscal_add_prop_int(d, props, "sprs-points-lost", rr->points_lost);
    oscal_add_prop(d, props, "on-poam", rr->on_poam ? "true" : "false", true, NULL);
    oscal_put(f, "props", props);
    const char *state = oscal_impl_state(rr);
    bool na = rr->status == MM_STATUS_NOT_APPLICABLE, nas = rr->status == MM_STATUS_NOT_ASSESSED;
    json_t *t = target(d, "statement-id", oscal_statement_id(d, q), oscal_satisfied(rr->status),
                       rr->status == MM_STATUS_MET ? "pass"
                       : na || nas                 ? "other"
                                                   : "fail",
                       nas  ? "Not assessed."
                       : na ? "Not applicable."
                            : NULL);
    if (state) {
        json_t *is = oscal_obj(d);
        oscal_put_str(d, is, "state", state);
        oscal_put(t, "implementation-status", is);
    }
    oscal_put(f, "target", t);
    oscal_put(f, "implementation-statement-uuid", oscal_uuid_json(d, "ssp", "statement/%s", q->id));
    oscal_put_arr(f, "related-observations", req_obs);
    oscal_push(findings, f);
    for (size_t k = 0; k < json_array_size(obj_findings); k++)
        oscal_push(findings, json_incref(json_array_get(obj_findings, k)));
    json_decref(obj_findings);
}

static json_t *result_props(doc *d)
{
    const mm_result *r = d->r;
    json_t *props = oscal_arr(d);
    oscal_add_prop_int(d, props, "requirements-met", (long long)r->requirements_met);
    oscal_add_prop_int(d, props, "requirements-total", (long long)r->requirements_total);
    oscal_add_prop_int(d, props, "requirements-not-assessed",
                       (long long)r->requirements_not_assessed);
    oscal_add_prop_int(d, props, "objectives-met", (long long)r->objectives_met);
    oscal_add_prop_int(d, props, "objectives-total", (long long)r->objectives_total);
    if (!d->r2) {
        if (r->profile)
            oscal_add_prop(d, props, "odp-profile", r->profile->name, true, r->profile->source);
        return props;
    }
    oscal_add_prop(d, props, "assessment-methodology", "DoD Assessment Methodology v1.2.1", true,
                   NULL);
    oscal_add_prop(d, props, "sprs-score-valid", r->sprs_valid ? "true" : "false", true,
                   r->sprs_valid ? NULL : r->sprs_invalid_reason);
    if (r->sprs_valid)
        oscal_add_prop_int(d, props, "sprs-score", r->sprs);
    mm_buf reasons = MM_BUF_INIT;
    for (size_t i = 0; i < r->ncmmc_reasons; i++)
        mm_buf_printf(&reasons, "%s- %s", i ? "\n" : "", r->cmmc_reasons[i]);
    mm_buf l1 = MM_BUF_INIT;
    for (size_t i = 0; i < r->ncmmc1_reasons; i++)
        mm_buf_printf(&l1, "%s- %s", i ? "\n" : "", r->cmmc1_reasons[i]);
    oscal_add_prop(d, props, "cmmc-level-1-status", oscal_cmmc_name(r->cmmc1), true,
                   r->ncmmc1_reasons ? mm_arena_strdup(d->ar, mm_buf_cstr(&l1)) : NULL);
    mm_buf_free(&l1);
    oscal_add_prop(d, props, "cmmc-level-2-status", mm_cmmc_level2_status_name(&r->cmmc2), true,
                   r->ncmmc_reasons ? mm_arena_strdup(d->ar, mm_buf_cstr(&reasons)) : NULL);
    mm_buf_free(&reasons);
    oscal_add_prop(d, props, "cmmc-poam-closeout-date", r->cmmc_closeout, true, NULL);
    return props;
}

int mm_report_oscal_ar(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    doc dd, *d = &dd;
    int rc = oscal_doc_init(d, r, o);
    if (rc) {
        mm_arena_free(d->ar);
        mm_error_set("oscal-ar: out of memory");
        return rc;
    }
    const mm_catalog *cat = d->cat;
    json_t *root = oscal_obj(d);
    json_t *ar = oscal_obj(d);
    oscal_put(ar, "uuid", oscal_uuid_json(d, "ar", "%s", "document"));
    oscal_put(ar, "metadata", oscal_metadata(d, "Assessment Results", NULL));
    json_t *ap = oscal_obj(d);
    oscal_put_str(d, ap, "href", AP_HREF);
    oscal_put_str(d, ap, "remarks",
                  "The assessment plan mamori writes (--format oscal-ap), expected as " AP_HREF
                  " next to this file; it imports the system security plan (oscal-ssp) as " SSP_HREF
                  ". mamori assess FILE --oscal-dir DIR writes them all into DIR.");
    oscal_put(ar, "import-ap", ap);

    json_t *results = oscal_arr(d);
    json_t *res = oscal_obj(d);
    oscal_put(res, "uuid", oscal_uuid_json(d, "ar", "result/%s", "assessment"));
    oscal_put_str(d, res, "title",
                  mm_arena_printf(d->ar, "Assessment of %s against %s", d->sys, d->fw_label));
    mm_buf desc = MM_BUF_INIT;
    mm_buf_printf(&desc,
                  "%s of %s: %zu of %zu requirements met, %zu of %zu determination "
                  "statements met.",
                  d->a->assessor ? "Assessment" : "Self-assessment", d->org, r->requirements_met,
                  r->requirements_total, r->objectives_met, r->objectives_total);
    if (d->r2 && r->sprs_valid)
        mm_buf_printf(&desc, " SPRS score %d (DoD Assessment Methodology v1.2.1).", r->sprs);
    if (d->r2)
        mm_buf_printf(&desc, " CMMC Level 2: %s.", mm_cmmc_level2_status_name(&r->cmmc2));
    oscal_put_str(d, res, "description", mm_buf_cstr(&desc));
    mm_buf_free(&desc);
    oscal_put_str(d, res, "start", d->ts);
    oscal_put_arr(res, "props", result_props(d));

    json_t *rc_ = oscal_reviewed_controls(d);
    oscal_put(res, "reviewed-controls", rc_);

    json_t *observations = oscal_arr(d), *findings = oscal_arr(d);
    for (size_t i = 0; i < cat->nrequirements; i++)
        if (!cat->requirements[i].withdrawn)
            ar_requirement(d, i, observations, findings);
    oscal_put_arr(res, "observations", observations);
    oscal_put_arr(res, "findings", findings);
    if (r->nwarnings) {
        mm_buf w = MM_BUF_INIT;
        mm_buf_puts(&w, "Warnings of the evaluation:");
        for (size_t i = 0; i < r->nwarnings; i++)
            mm_buf_printf(&w, "\n- %s", r->warnings[i]);
        oscal_put_str(d, res, "remarks", mm_buf_cstr(&w));
        mm_buf_free(&w);
    }
    oscal_push(results, res);
    oscal_put(ar, "results", results);
    oscal_put(root, "assessment-results", ar);
    return oscal_doc_finish(d, b, root, "oscal-ar");
}
