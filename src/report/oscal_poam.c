/* OSCAL 1.1.3 plan of action and milestones of an evaluated assessment (docs/oscal.md). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/oscal_internal.h"

/* ---- plan of action and milestones ---------------------------------------------------------- */

/* The key of POA&M item k in UUID names: its id, with "#k" when an earlier item has the same. */
static const char *poam_key(doc *d, size_t k)
{
    const char *id = d->a->poam[k].id ? d->a->poam[k].id : "";
    for (size_t j = 0; j < k; j++)
        if (mm_streq(d->a->poam[j].id, id))
            return mm_arena_printf(d->ar, "%s#%zu", id, k + 1);
    return id;
}

/* The unmet requirements that no open POA&M item names, or NULL when there are none. */
static const char *unmet_without_item(doc *d)
{
    const mm_catalog *cat = d->cat;
    mm_buf b = MM_BUF_INIT;
    size_t n = 0;
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement_result *rr = &d->r->requirements[i];
        if (cat->requirements[i].withdrawn || !oscal_unmet(rr->status) || rr->on_poam)
            continue;
        mm_buf_printf(&b, "%s%s (%s)", n ? ", " : "", cat->requirements[i].id,
                      mm_status_name(rr->status));
        n++;
    }
    const char *s = n ? mm_arena_printf(d->ar,
                                        "Unmet requirements without an open POA&M item (%zu): "
                                        "%s.",
                                        n, mm_buf_cstr(&b))
                      : NULL;
    mm_buf_free(&b);
    return s;
}

static const char *risk_status(const char *status)
{
    if (mm_streq(status, "closed"))
        return "closed";
    if (mm_streq(status, "risk-accepted"))
        return "deviation-approved";
    return "open";
}

static json_t *milestone_task(doc *d, const mm_poam_item *it, const char *key, size_t j)
{
    const mm_milestone *m = &it->milestones[j];
    json_t *t = oscal_obj(d);
    oscal_put(t, "uuid", oscal_uuid_json(d, "poam", "milestone/%s/%zu", key, j + 1));
    oscal_put_str(d, t, "type", "milestone");
    oscal_put_str(
        d, t, "title",
        oscal_line(d, m->description, mm_arena_printf(d->ar, "Milestone due %s", m->due)));
    json_t *props = oscal_arr(d);
    oscal_add_prop(d, props, "milestone-status", m->status, true, NULL);
    oscal_add_prop(d, props, "completed-date", m->completed, true, NULL);
    oscal_put_arr(t, "props", props);
    json_t *timing = oscal_obj(d);
    json_t *on = oscal_obj(d);
    oscal_put_str(d, on, "date", oscal_date_time(d, m->due));
    oscal_put(timing, "on-date", on);
    oscal_put(t, "timing", timing);
    oscal_put_arr(t, "responsible-roles", oscal_responsible_roles(d, it->responsible));
    return t;
}

/* The latest date an item plans to finish: its scheduled completion or last milestone. */
static const char *poam_deadline(const mm_poam_item *it)
{
    const char *last = it->scheduled_completion;
    for (size_t j = 0; j < it->nmilestones; j++)
        if (!last || strcmp(it->milestones[j].due, last) > 0)
            last = it->milestones[j].due;
    return last;
}

int mm_report_oscal_poam(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    doc dd, *d = &dd;
    int rc = oscal_doc_init(d, r, o);
    if (rc) {
        mm_arena_free(d->ar);
        mm_error_set("oscal-poam: out of memory");
        return rc;
    }
    const mm_assessment *a = d->a;
    const mm_catalog *cat = d->cat;
    const char *missing = unmet_without_item(d);
    json_t *root = oscal_obj(d);
    json_t *p = oscal_obj(d);
    oscal_put(p, "uuid", oscal_uuid_json(d, "poam", "%s", "document"));
    oscal_put(p, "metadata", oscal_metadata(d, "Plan of Action and Milestones", missing));
    json_t *imp = oscal_obj(d);
    oscal_put_str(d, imp, "href", SSP_HREF);
    oscal_put_str(d, imp, "remarks",
                  "The system security plan of the same assessment (mamori assess --format "
                  "oscal-ssp), expected as " SSP_HREF " next to this file.");
    oscal_put(p, "import-ssp", imp);
    oscal_put(p, "system-id", oscal_system_id(d));

    json_t *observations = oscal_arr(d), *risks = oscal_arr(d), *findings = oscal_arr(d),
           *items = oscal_arr(d);
    for (size_t k = 0; k < a->npoam; k++) {
        const mm_poam_item *it = &a->poam[k];
        const mm_requirement *q = &cat->requirements[it->requirement_index];
        const mm_requirement_result *rr = &r->requirements[it->requirement_index];
        const char *key = poam_key(d, k);
        const char *id = oscal_line(d, it->id, NOT_PROVIDED);
        const char *title = oscal_line(d, q->title, q->id);
        const char *weakness = oscal_text(it->weakness, NOT_PROVIDED);
        char obs_uuid[37], risk_uuid[37], finding_uuid[37];
        oscal_uuid_of(d, obs_uuid, "poam", "observation/%s", key);
        oscal_uuid_of(d, risk_uuid, "poam", "risk/%s", key);
        oscal_uuid_of(d, finding_uuid, "poam", "finding/%s", key);

        json_t *ob = oscal_obj(d);
        oscal_put_str(d, ob, "uuid", obs_uuid);
        oscal_put_str(d, ob, "title",
                      mm_arena_printf(d->ar, "Weakness %s: %s %s", id, q->id, title));
        oscal_put_str(d, ob, "description", weakness);
        json_t *methods = oscal_arr(d);
        oscal_push_str(d, methods, "UNKNOWN");
        oscal_put(ob, "methods", methods);
        json_t *types = oscal_arr(d);
        oscal_push_str(d, types, "finding");
        oscal_put(ob, "types", types);
        oscal_put(ob, "subjects", oscal_subjects(d));
        oscal_put_str(d, ob, "collected", it->detected ? oscal_date_time(d, it->detected) : d->ts);
        oscal_push(observations, ob);

        json_t *rk = oscal_obj(d);
        oscal_put_str(d, rk, "uuid", risk_uuid);
        oscal_put_str(d, rk, "title", mm_arena_printf(d->ar, "Weakness in %s %s", q->id, title));
        oscal_put_str(d, rk, "description", weakness);
        oscal_put_str(d, rk, "statement",
                      mm_arena_printf(d->ar, "%s (%s) is %s in %s: %s", q->id, title,
                                      oscal_status_phrase(rr->status), d->sys,
                                      oscal_line(d, it->weakness, NOT_PROVIDED)));
        json_t *rprops = oscal_arr(d);
        oscal_add_prop(d, rprops, "poam-item-id", id, true, NULL);
        oscal_put(rk, "props", rprops);
        oscal_put_str(d, rk, "status", risk_status(it->status));
        const char *deadline = poam_deadline(it);
        if (deadline)
            oscal_put_str(d, rk, "deadline", oscal_date_time(d, deadline));
        json_t *rems = oscal_arr(d);
        json_t *resp = oscal_obj(d);
        oscal_put(resp, "uuid", oscal_uuid_json(d, "poam", "remediation/%s", key));
        oscal_put_str(d, resp, "lifecycle",
                      mm_streq(it->status, "closed") ? "completed" : "planned");
        oscal_put_str(d, resp, "title", mm_arena_printf(d->ar, "Remediation of %s", id));
        oscal_put_str(
            d, resp, "description",
            oscal_text(it->remediation, it->nmilestones
                                            ? "The assessment describes the remediation by its "
                                              "milestones only."
                                            : "The assessment gives no planned remediation."));
        json_t *assets = oscal_arr(d);
        if (oscal_line(d, it->resources, NULL)) {
            json_t *as = oscal_obj(d);
            oscal_put(as, "uuid", oscal_uuid_json(d, "poam", "required-asset/%s", key));
            oscal_put_str(d, as, "description", oscal_text(it->resources, NOT_PROVIDED));
            oscal_push(assets, as);
        }
        oscal_put_arr(resp, "required-assets", assets);
        json_t *tasks = oscal_arr(d);
        for (size_t j = 0; j < it->nmilestones; j++)
            oscal_push(tasks, milestone_task(d, it, key, j));
        oscal_put_arr(resp, "tasks", tasks);
        oscal_push(rems, resp);
        oscal_put(rk, "remediations", rems);
        oscal_put(rk, "related-observations", oscal_uuid_list(d, "observation-uuid", obs_uuid));
        oscal_push(risks, rk);

        json_t *f = oscal_obj(d);
        oscal_put_str(d, f, "uuid", finding_uuid);
        oscal_put_str(d, f, "title", mm_arena_printf(d->ar, "%s %s", q->id, title));
        oscal_put_str(d, f, "description", weakness);
        json_t *target = oscal_obj(d);
        oscal_put_str(d, target, "type", "statement-id");
        oscal_put_str(d, target, "target-id", oscal_statement_id(d, q));
        json_t *ts = oscal_obj(d);
        oscal_put_str(d, ts, "state", oscal_satisfied(rr->status) ? "satisfied" : "not-satisfied");
        oscal_put(target, "status", ts);
        oscal_put(f, "target", target);
        oscal_put(f, "implementation-statement-uuid",
                  oscal_uuid_json(d, "ssp", "statement/%s", q->id));
        oscal_put(f, "related-observations", oscal_uuid_list(d, "observation-uuid", obs_uuid));
        oscal_put(f, "related-risks", oscal_uuid_list(d, "risk-uuid", risk_uuid));
        oscal_push(findings, f);

        json_t *pi = oscal_obj(d);
        oscal_put(pi, "uuid", oscal_uuid_json(d, "poam", "poam-item/%s", key));
        oscal_put_str(d, pi, "title", mm_arena_printf(d->ar, "%s: %s %s", id, q->id, title));
        oscal_put_str(d, pi, "description", weakness);
        json_t *props = oscal_arr(d);
        oscal_add_prop(d, props, "poam-item-id", id, true, NULL);
        oscal_add_prop(d, props, "requirement", q->id, true, NULL);
        oscal_add_prop(d, props, "control-id", oscal_control_id(d, q), true, NULL);
        oscal_add_prop(d, props, "status", it->status, true, NULL);
        oscal_add_prop(d, props, "detected", it->detected, true, NULL);
        oscal_add_prop(d, props, "scheduled-completion", it->scheduled_completion, true, NULL);
        oscal_add_prop(d, props, "responsible", it->responsible, true, NULL);
        oscal_put(pi, "props", props);
        oscal_put(pi, "related-findings", oscal_uuid_list(d, "finding-uuid", finding_uuid));
        oscal_put(pi, "related-observations", oscal_uuid_list(d, "observation-uuid", obs_uuid));
        oscal_put(pi, "related-risks", oscal_uuid_list(d, "risk-uuid", risk_uuid));
        oscal_push(items, pi);
    }
    if (a->npoam == 0) {
        /* the schema needs one poam-item: say that the assessment has none */
        json_t *pi = oscal_obj(d);
        oscal_put(pi, "uuid", oscal_uuid_json(d, "poam", "poam-item/%s", "none"));
        oscal_put_str(d, pi, "title", "No POA&M items");
        oscal_put_str(d, pi, "description", "The assessment lists no plan of action items.");
        json_t *props = oscal_arr(d);
        oscal_add_prop(d, props, "placeholder", "true", true, NULL);
        oscal_put(pi, "props", props);
        if (missing)
            oscal_put_str(d, pi, "remarks", missing);
        oscal_push(items, pi);
    }
    oscal_put_arr(p, "observations", observations);
    oscal_put_arr(p, "risks", risks);
    oscal_put_arr(p, "findings", findings);
    oscal_put(p, "poam-items", items);
    oscal_put(root, "plan-of-action-and-milestones", p);
    return oscal_doc_finish(d, b, root, "oscal-poam");
}
