/* Machine-readable JSON of an evaluated assessment (the shape is in docs/assessment-format.md). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mamori/error.h"
#include "report/report_internal.h"

static json_t *jstr_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *str_array(const char *const *items, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(items[i]));
    return arr;
}

static const char *cmmc_name(mm_cmmc_status s)
{
    return s == MM_CMMC_FINAL ? "final" : s == MM_CMMC_CONDITIONAL ? "conditional" : "not-eligible";
}

json_t *mm_report_poam_json(const mm_assessment *a);

json_t *mm_report_poam_json(const mm_assessment *a)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < a->npoam; i++) {
        const mm_poam_item *it = &a->poam[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(it->id));
        json_object_set_new(o, "requirement", json_string(it->requirement));
        json_object_set_new(o, "weakness", json_string(it->weakness));
        json_object_set_new(o, "responsible", jstr_or_null(it->responsible));
        json_object_set_new(o, "status", json_string(it->status));
        json_object_set_new(o, "detected", jstr_or_null(it->detected));
        json_object_set_new(o, "scheduled_completion", jstr_or_null(it->scheduled_completion));
        json_object_set_new(o, "remediation", jstr_or_null(it->remediation));
        json_object_set_new(o, "resources", jstr_or_null(it->resources));
        json_t *ms = json_array();
        for (size_t k = 0; k < it->nmilestones; k++) {
            const mm_milestone *m = &it->milestones[k];
            json_t *mo = json_object();
            json_object_set_new(mo, "description", json_string(m->description));
            json_object_set_new(mo, "due", json_string(m->due));
            json_object_set_new(mo, "status", json_string(m->status));
            json_object_set_new(mo, "completed", jstr_or_null(m->completed));
            json_array_append_new(ms, mo);
        }
        json_object_set_new(o, "milestones", ms);
        json_array_append_new(arr, o);
    }
    return arr;
}

int mm_report_json(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    bool r2 = cat->framework == MM_FW_R2;
    json_t *root = json_object();
    json_object_set_new(root, "mamori", json_string(o->tool_version ? o->tool_version : ""));
    json_object_set_new(root, "framework", json_string(mm_framework_name(cat->framework)));
    json_object_set_new(root, "source", jstr_or_null(a->source));
    json_t *org = json_object();
    json_object_set_new(org, "name", jstr_or_null(a->org_name));
    json_t *ids = json_array();
    for (size_t i = 0; i < a->norg_ids; i++) {
        json_t *id = json_object();
        json_object_set_new(id, "scheme", json_string(a->org_ids[i].scheme));
        json_object_set_new(id, "value", json_string(a->org_ids[i].value));
        json_array_append_new(ids, id);
    }
    json_object_set_new(org, "identifiers", ids);
    json_object_set_new(root, "organization", org);
    json_t *sys = json_object();
    json_object_set_new(sys, "name", jstr_or_null(a->system_name));
    json_object_set_new(sys, "description", jstr_or_null(a->system_description));
    json_object_set_new(sys, "boundary", jstr_or_null(a->boundary));
    json_object_set_new(root, "system", sys);
    json_object_set_new(root, "scope", jstr_or_null(a->scope));
    json_object_set_new(root, "contract", jstr_or_null(a->contract));
    json_object_set_new(root, "assessed", jstr_or_null(a->assessed));
    json_object_set_new(root, "valid_until", jstr_or_null(a->valid_until));
    json_object_set_new(root, "posted", jstr_or_null(a->posted));
    json_object_set_new(root, "assessor", jstr_or_null(a->assessor));
    json_object_set_new(root, "affirming_official", jstr_or_null(a->affirming_official));
    if (r->profile) {
        json_t *p = json_object();
        json_object_set_new(p, "name", jstr_or_null(r->profile->name));
        json_object_set_new(p, "source", jstr_or_null(r->profile->source));
        json_object_set_new(root, "odp_profile", p);
    } else {
        json_object_set_new(root, "odp_profile", json_null());
    }

    json_t *score = json_object();
    if (r2) {
        json_object_set_new(score, "sprs", r->sprs_valid ? json_integer(r->sprs) : json_null());
        json_object_set_new(score, "sprs_valid", json_boolean(r->sprs_valid));
        json_object_set_new(score, "sprs_invalid_reason", jstr_or_null(r->sprs_invalid_reason));
        json_object_set_new(score, "sprs_max", json_integer(cat->sprs_base));
        json_object_set_new(score, "sprs_min", json_integer(cat->sprs_min));
        json_object_set_new(score, "methodology", json_string("DoD Assessment Methodology v1.2.1"));
    } else {
        json_object_set_new(score, "sprs", json_null());
        json_object_set_new(score, "sprs_valid", json_false());
        json_object_set_new(score, "sprs_invalid_reason",
                            json_string("SPRS scoring is defined for Rev 2 only; Rev 3 reports "
                                        "requirements and objectives met"));
    }
    json_object_set_new(root, "score", score);
    json_object_set_new(root, "requirements_met", json_integer((json_int_t)r->requirements_met));
    json_object_set_new(root, "requirements_total",
                        json_integer((json_int_t)r->requirements_total));
    json_object_set_new(root, "requirements_not_assessed",
                        json_integer((json_int_t)r->requirements_not_assessed));
    json_object_set_new(root, "objectives_met", json_integer((json_int_t)r->objectives_met));
    json_object_set_new(root, "objectives_total", json_integer((json_int_t)r->objectives_total));
    json_object_set_new(root, "objectives_not_assessed",
                        json_integer((json_int_t)r->objectives_not_assessed));

    json_t *fams = json_array();
    for (size_t i = 0; i < cat->nfamilies; i++) {
        const mm_family_result *fr = &r->families[i];
        json_t *f = json_object();
        json_object_set_new(f, "id", json_string(cat->families[i].id));
        json_object_set_new(f, "abbrev", json_string(cat->families[i].abbrev));
        json_object_set_new(f, "title", json_string(cat->families[i].title));
        json_object_set_new(f, "met", json_integer((json_int_t)fr->met));
        json_object_set_new(f, "total", json_integer((json_int_t)fr->total));
        json_object_set_new(f, "objectives_met", json_integer((json_int_t)fr->objectives_met));
        json_object_set_new(f, "objectives_total", json_integer((json_int_t)fr->objectives_total));
        json_array_append_new(fams, f);
    }
    json_object_set_new(root, "families", fams);

    if (r2) {
        json_t *c1 = json_object();
        json_object_set_new(c1, "status", json_string(cmmc_name(r->cmmc1)));
        json_object_set_new(c1, "reasons", str_array(r->cmmc1_reasons, r->ncmmc1_reasons));
        json_object_set_new(root, "cmmc_level1", c1);
        json_t *c = json_object();
        json_object_set_new(c, "eligible",
                            json_boolean(r->cmmc != MM_CMMC_NOT_ELIGIBLE && !r->cmmc2.expired));
        json_object_set_new(c, "status", json_string(mm_cmmc_level2_status_name(&r->cmmc2)));
        json_object_set_new(c, "status_date", json_string(r->cmmc2.status_date));
        json_object_set_new(c, "closeout_by", jstr_or_null(r->cmmc_closeout));
        json_object_set_new(c, "reasons", str_array(r->cmmc_reasons, r->ncmmc_reasons));
        json_object_set_new(root, "cmmc_level2", c);
        json_object_set_new(root, "dfars_note", json_null());
    } else {
        json_object_set_new(root, "cmmc_level1", json_null());
        json_object_set_new(root, "cmmc_level2", json_null());
        json_object_set_new(root, "dfars_note",
                            json_string(mm_i18n_tr("en", MM_REPORT_DFARS_NOTE)));
    }
    json_t *plan = json_object();
    const mm_requirement *pq = NULL;
    for (size_t i = 0; i < cat->nrequirements && !pq; i++)
        if (!cat->requirements[i].withdrawn &&
            (r2 ? cat->requirements[i].plans_of_action
                : strcmp(cat->requirements[i].id, "03.12.02") == 0))
            pq = &cat->requirements[i];
    json_object_set_new(plan, "requirement", pq ? json_string(pq->id) : json_null());
    json_object_set_new(plan, "scored_not_implemented",
                        json_boolean(pq && r->requirements[pq - cat->requirements].no_plan_rule));
    json_t *missing = json_array();
    for (size_t k = 0; k < r->nno_plan; k++)
        json_array_append_new(missing, json_string(cat->requirements[r->no_plan[k]].id));
    json_object_set_new(plan, "without_plan", missing);
    json_object_set_new(root, "plan_of_action", plan);

    json_t *reqs = json_array();
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *q = &cat->requirements[i];
        if (q->withdrawn)
            continue;
        const mm_requirement_result *rr = &r->requirements[i];
        json_t *j = json_object();
        json_object_set_new(j, "id", json_string(q->id));
        json_object_set_new(j, "family", json_string(cat->families[q->family].id));
        json_object_set_new(j, "status", json_string(mm_status_name(rr->status)));
        json_t *ob = json_object();
        json_object_set_new(ob, "satisfied", json_integer((json_int_t)rr->satisfied));
        json_object_set_new(ob, "other_than_satisfied",
                            json_integer((json_int_t)rr->other_than_satisfied));
        json_object_set_new(ob, "not_applicable", json_integer((json_int_t)rr->not_applicable));
        json_object_set_new(ob, "not_assessed", json_integer((json_int_t)rr->not_assessed));
        json_object_set_new(j, "objectives", ob);
        if (r2)
            json_object_set_new(j, "points_lost", json_integer(rr->points_lost));
        json_object_set_new(j, "on_poam", json_boolean(rr->on_poam));
        if (rr->no_plan_rule)
            json_object_set_new(j, "scored_by",
                                json_string("DoD Assessment Methodology v1.2.1 5(g)(iii): "
                                            "unimplemented requirements lack a plan of action"));
        char *cite = mm_report_scan_citation(r, i);
        if (cite) {
            json_object_set_new(j, "scan_evidence", json_string(cite));
            free(cite);
        }
        json_array_append_new(reqs, j);
    }
    json_object_set_new(root, "requirements", reqs);

    json_t *gaps = json_array();
    for (size_t g = 0; g < r->ngaps; g++) {
        size_t i = r->gaps[g];
        const mm_requirement *q = &cat->requirements[i];
        const mm_requirement_result *rr = &r->requirements[i];
        json_t *j = json_object();
        json_object_set_new(j, "id", json_string(q->id));
        json_object_set_new(j, "title", json_string(q->title));
        json_object_set_new(j, "status", json_string(mm_status_name(rr->status)));
        if (r2)
            json_object_set_new(j, "points", json_integer(rr->points_lost));
        json_object_set_new(
            j, "objectives_unmet",
            json_integer((json_int_t)(rr->other_than_satisfied + rr->not_assessed)));
        json_object_set_new(j, "on_poam", json_boolean(rr->on_poam));
        json_array_append_new(gaps, j);
    }
    json_object_set_new(root, "gaps", gaps);
    json_object_set_new(root, "poam", mm_report_poam_json(a));

    json_t *conf = json_array();
    for (size_t i = 0; i < r->nconflicts; i++) {
        const mm_odp *p = &cat->odps[r->conflicts[i].odp];
        json_t *c = json_object();
        json_object_set_new(c, "odp", json_string(p->id));
        json_object_set_new(c, "requirement", json_string(cat->requirements[p->requirement].id));
        json_object_set_new(c, "given", json_string(r->conflicts[i].given));
        json_object_set_new(c, "fixed", json_string(r->conflicts[i].fixed));
        json_array_append_new(conf, c);
    }
    json_object_set_new(root, "odp_conflicts", conf);
    json_t *scans = json_object();
    json_object_set_new(scans, "hosts", str_array(a->scan_hosts, a->nscan_hosts));
    json_t *ov = json_array();
    for (size_t i = 0; i < cat->nobjectives; i++) {
        const mm_answer *ans = &a->answers[i];
        if (!ans->override)
            continue;
        json_t *ovr = json_object();
        json_object_set_new(ovr, "objective", json_string(cat->objectives[i].id));
        json_object_set_new(ovr, "answer", json_string(mm_determination_name(ans->determination)));
        json_object_set_new(ovr, "scan", json_string(mm_determination_name(ans->scan)));
        const char *why = ans->justification
                              ? ans->justification
                              : a->requirements[cat->objectives[i].requirement].justification;
        json_object_set_new(ovr, "justification", jstr_or_null(why));
        json_array_append_new(ov, ovr);
    }
    json_object_set_new(scans, "overrides", ov);
    json_object_set_new(root, "scans", scans);
    json_object_set_new(root, "warnings", str_array(r->warnings, r->nwarnings));

    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!s)
        return MM_ENOMEM;
    mm_buf_puts(b, s);
    mm_buf_putc(b, '\n');
    free(s);
    return MM_OK;
}
