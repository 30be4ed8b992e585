/* The server's summary of an evaluated assessment, its status, and the difference between
 * two summaries (docs/signing.md, "Status and summary").
 *
 * The summary of mm_submission_summary, member by member (every member always present
 * unless marked "Rev 2 only"; objects list their members in this order, though JSON text
 * made from it with JSON_SORT_KEYS sorts them):
 *
 *   "framework":    "800-171r3" | "800-171r2" (mm_framework_name of the assessment)
 *   "assessed":     the assessment's date YYYY-MM-DD (mm_assessment.assessed), or null
 *   "organization": the organization's name (mm_assessment.org_name), or null
 *   "status":       mm_submission_status: "meets" | "conditional" | "not-met" |
 *                   "no-valid-score"
 *   "score":        Rev 2: the SPRS score when it is valid, else null;
 *                   Rev 3: the number of requirements met (mm_result.requirements_met)
 *   "sprs":         Rev 2 only: {"valid": bool, "score": int | null (null when not valid),
 *                   "reason": string | null (mm_result.sprs_invalid_reason)}
 *   "cmmc":         Rev 2 only: {"status": "final" | "conditional" | "not-eligible",
 *                   "reasons": [string] (mm_result.cmmc_reasons),
 *                   "closeout": "YYYY-MM-DD" | null (mm_result.cmmc_closeout)}
 *   "cmmc_level1":  Rev 2 only: {"status": "final" | "not-eligible" (mm_result.cmmc1),
 *                   "reasons": [string] (mm_result.cmmc1_reasons)}: CMMC Level 1 (Self),
 *                   32 CFR 170.15, 170.21(a)(1)
 *   "requirements": {"met", "total", "not_assessed"}: ints, active requirements only
 *                   (not-applicable counts as met, as the evaluator counts)
 *   "objectives":   {"met", "total", "not_assessed"}: ints (met = satisfied + not applicable)
 *   "families":     [{"id", "title" (the catalog's), "met", "total"}] in catalog order,
 *                   every family of the catalog
 *   "gaps":         [{"requirement" (id), "title" (the catalog's; Rev 2: the requirement
 *                   text), "status" (mm_status_name: "not-met", "partial", "not-assessed"),
 *                   "points_lost" (Rev 2: the SPRS deduction; Rev 3: null), "on_poam" (bool:
 *                   a POA&M item that is not closed names it), "objectives" (ids of its
 *                   objectives other than satisfied or not assessed), "evidence" (the
 *                   references the file gives for it and its objectives, at most 20),
 *                   "scan_evidence" (what host scans found, at most 20 lines), "notes"
 *                   (string | null)}] in the order of mm_result.gaps (Rev 2 by points
 *                   lost, Rev 3 by objectives unmet)
 *   "milestones":   [{"requirement", "poam_id", "description", "due", "status"}]: for each
 *                   POA&M item whose status is "open", in file order, each milestone whose
 *                   status is not "completed", in file order; an open item without milestones
 *                   but with a scheduled_completion gives one milestone {description: its
 *                   remediation, or its weakness when it has none, due: scheduled_completion,
 *                   status: "planned"}. Members the file leaves out are null.
 *   "warnings":     [string] (mm_result.warnings)
 */
#include <jansson.h>
#include <string.h>

#include "mamori/assess.h"
#include "mamori/error.h"
#include "mamori/submit.h"
#include "util/util.h"

static bool all_gaps_on_poam(const mm_result *r)
{
    for (size_t g = 0; g < r->ngaps; g++)
        if (!r->requirements[r->gaps[g]].on_poam)
            return false;
    return true;
}

const char *mm_submission_status(const struct mm_result *r)
{
    if (r->assessment->framework == MM_FW_R2) {
        if (!r->sprs_valid)
            return "no-valid-score";
        switch (r->cmmc) {
        case MM_CMMC_FINAL:
            return "meets";
        case MM_CMMC_CONDITIONAL:
            return "conditional";
        case MM_CMMC_NOT_ELIGIBLE:
            break;
        }
        return "not-met";
    }
    if (r->requirements_not_assessed > 0)
        return "no-valid-score";
    if (r->requirements_met == r->requirements_total)
        return "meets";
    if (all_gaps_on_poam(r))
        return "conditional";
    return "not-met";
}

static const char *cmmc_name(mm_cmmc_status s)
{
    return s == MM_CMMC_FINAL ? "final" : s == MM_CMMC_CONDITIONAL ? "conditional" : "not-eligible";
}

/* A string, or null for NULL. */
static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *str_array(const char *const *items, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, str_or_null(items[i]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *counts(size_t met, size_t total, size_t not_assessed)
{
    return json_pack("{s:I, s:I, s:I}", "met", (json_int_t)met, "total", (json_int_t)total,
                     "not_assessed", (json_int_t)not_assessed);
}

/* Sets key on obj to v (stolen); false when v is NULL or setting fails. */
static bool put(json_t *obj, const char *key, json_t *v)
{
    return v && json_object_set_new(obj, key, v) == 0;
}

static json_t *milestone(const mm_poam_item *it, const char *description, const char *due,
                         const char *status)
{
    json_t *m = json_object();
    if (m && put(m, "requirement", str_or_null(it->requirement)) &&
        put(m, "poam_id", str_or_null(it->id)) && put(m, "description", str_or_null(description)) &&
        put(m, "due", str_or_null(due)) && put(m, "status", str_or_null(status)))
        return m;
    json_decref(m);
    return NULL;
}

static json_t *milestones(const mm_assessment *a)
{
    json_t *arr = json_array();
    for (size_t k = 0; arr && k < a->npoam; k++) {
        const mm_poam_item *it = &a->poam[k];
        if (!mm_streq(it->status, "open"))
            continue;
        if (it->nmilestones == 0 && it->scheduled_completion) {
            const char *d = it->remediation ? it->remediation : it->weakness;
            if (json_array_append_new(arr, milestone(it, d, it->scheduled_completion, "planned")))
                goto fail;
            continue;
        }
        for (size_t j = 0; j < it->nmilestones; j++) {
            const mm_milestone *ml = &it->milestones[j];
            if (mm_streq(ml->status, "completed"))
                continue;
            if (json_array_append_new(arr, milestone(it, ml->description, ml->due, ml->status)))
                goto fail;
        }
    }
    return arr;
fail:
    json_decref(arr);
    return NULL;
}

static json_t *families(const mm_result *r)
{
    const mm_catalog *cat = r->assessment->catalog;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < cat->nfamilies; i++) {
        const mm_family_result *fr = &r->families[i];
        json_t *f = json_pack("{s:s?, s:s?, s:I, s:I}", "id", cat->families[i].id, "title",
                              cat->families[i].title, "met", (json_int_t)fr->met, "total",
                              (json_int_t)fr->total);
        if (json_array_append_new(arr, f)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

#define GAP_EVIDENCE_MAX 20

/* Appends s to arr unless it is there already or arr is full. */
static int add_unique(json_t *arr, const char *s)
{
    if (!s || !s[0] || json_array_size(arr) >= GAP_EVIDENCE_MAX)
        return 0;
    size_t k;
    json_t *v;
    json_array_foreach(arr, k, v)
    {
        if (strcmp(json_string_value(v), s) == 0)
            return 0;
    }
    return json_array_append_new(arr, json_string(s));
}

/* What a reader of a gap needs next to it: the objectives not satisfied (or not assessed),
 * the evidence the file cites for the requirement and those objectives, what the host scans
 * found, and the assessor's notes. */
static int gap_details(json_t *j, const mm_result *r, size_t req_index)
{
    const mm_assessment *a = r->assessment;
    const mm_catalog *cat = a->catalog;
    const mm_requirement_answer *ra = &a->requirements[req_index];
    json_t *objs = json_array(), *ev = json_array(), *scan = json_array();
    int rc = objs && ev && scan ? 0 : -1;
    for (size_t e = 0; rc == 0 && e < ra->nevidence; e++)
        rc = add_unique(ev, ra->evidence[e]);
    for (size_t o = 0; rc == 0 && o < cat->nobjectives; o++) {
        if (cat->objectives[o].requirement != req_index)
            continue;
        const mm_answer *an = &a->answers[o];
        if (an->determination == MM_DET_OTHER_THAN_SATISFIED ||
            an->determination == MM_DET_NOT_ASSESSED)
            rc = json_array_append_new(objs, json_string(cat->objectives[o].id));
        for (size_t e = 0; rc == 0 && e < an->nevidence; e++)
            rc = add_unique(ev, an->evidence[e]);
        for (size_t e = 0; rc == 0 && e < an->nscan_evidence; e++)
            rc = add_unique(scan, an->scan_evidence[e]);
    }
    if (rc == 0)
        rc = json_object_set_new(j, "objectives", objs);
    else
        json_decref(objs);
    if (rc == 0)
        rc = json_object_set_new(j, "evidence", ev);
    else
        json_decref(ev);
    if (rc == 0)
        rc = json_object_set_new(j, "scan_evidence", scan);
    else
        json_decref(scan);
    if (rc == 0)
        rc = json_object_set_new(j, "notes", ra->notes ? json_string(ra->notes) : json_null());
    return rc;
}

static json_t *gaps(const mm_result *r)
{
    const mm_catalog *cat = r->assessment->catalog;
    bool r2 = r->assessment->framework == MM_FW_R2;
    json_t *arr = json_array();
    for (size_t g = 0; arr && g < r->ngaps; g++) {
        size_t i = r->gaps[g];
        const mm_requirement *req = &cat->requirements[i];
        const mm_requirement_result *rr = &r->requirements[i];
        json_t *j =
            json_pack("{s:s?, s:s?, s:s, s:o, s:b}", "requirement", req->id, "title", req->title,
                      "status", mm_status_name(rr->status), "points_lost",
                      r2 ? json_integer(rr->points_lost) : json_null(), "on_poam", rr->on_poam);
        if (j && gap_details(j, r, i) != 0) {
            json_decref(j);
            j = NULL;
        }
        if (!j || json_array_append_new(arr, j)) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

int mm_submission_summary(json_t **out, const struct mm_result *r)
{
    *out = NULL;
    const mm_assessment *a = r->assessment;
    bool r2 = a->framework == MM_FW_R2;
    json_t *s = json_object();
    if (!s)
        return MM_ENOMEM;
    bool ok = put(s, "framework", json_string(mm_framework_name(a->framework))) &&
              put(s, "assessed", str_or_null(a->assessed)) &&
              put(s, "organization", str_or_null(a->org_name)) &&
              put(s, "status", json_string(mm_submission_status(r)));
    if (ok && r2)
        ok = put(s, "score", r->sprs_valid ? json_integer(r->sprs) : json_null()) &&
             put(s, "sprs",
                 json_pack("{s:b, s:o, s:o}", "valid", r->sprs_valid, "score",
                           r->sprs_valid ? json_integer(r->sprs) : json_null(), "reason",
                           str_or_null(r->sprs_invalid_reason))) &&
             put(s, "cmmc",
                 json_pack("{s:s, s:o, s:o}", "status", cmmc_name(r->cmmc), "reasons",
                           str_array(r->cmmc_reasons, r->ncmmc_reasons), "closeout",
                           str_or_null(r->cmmc_closeout))) &&
             put(s, "cmmc_level1",
                 json_pack("{s:s, s:o}", "status", cmmc_name(r->cmmc1), "reasons",
                           str_array(r->cmmc1_reasons, r->ncmmc1_reasons)));
    else if (ok)
        ok = put(s, "score", json_integer((json_int_t)r->requirements_met));
    ok = ok &&
         put(s, "requirements",
             counts(r->requirements_met, r->requirements_total, r->requirements_not_assessed)) &&
         put(s, "objectives",
             counts(r->objectives_met, r->objectives_total, r->objectives_not_assessed)) &&
         put(s, "families", families(r)) && put(s, "gaps", gaps(r)) &&
         put(s, "milestones", milestones(a)) &&
         put(s, "warnings", str_array(r->warnings, r->nwarnings));
    if (!ok) {
        json_decref(s);
        mm_error_set("summary: out of memory, or a string that is not valid UTF-8");
        return MM_ENOMEM;
    }
    *out = s;
    return MM_OK;
}

/* ---- diff -------------------------------------------------------------------------------- */

/* The gap of gaps (an array of {"requirement", "status", ...}) for requirement id, or NULL. */
static const json_t *find_gap(const json_t *gaps_arr, const char *id)
{
    size_t i;
    const json_t *g;
    json_array_foreach(gaps_arr, i, g)
    {
        if (mm_streq(json_string_value(json_object_get(g, "requirement")), id))
            return g;
    }
    return NULL;
}

static bool gaps_well_formed(const json_t *gaps_arr)
{
    size_t i;
    const json_t *g;
    if (!json_is_array(gaps_arr))
        return false;
    json_array_foreach(gaps_arr, i, g)
    {
        if (!json_is_string(json_object_get(g, "requirement")))
            return false;
    }
    return true;
}

/* A copy of member key of obj, or null when absent. */
static json_t *member(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v ? json_deep_copy(v) : json_null();
}

int mm_summary_diff(json_t **out, const json_t *older, const json_t *newer)
{
    *out = NULL;
    const json_t *og = json_object_get(older, "gaps"), *ng = json_object_get(newer, "gaps");
    if (!json_is_object(older) || !json_is_object(newer) || !gaps_well_formed(og) ||
        !gaps_well_formed(ng)) {
        mm_error_set("summary diff: not two summaries (objects with a \"gaps\" array of "
                     "{\"requirement\", ...})");
        return MM_EINVALID;
    }
    const json_t *os = json_object_get(older, "score"), *ns = json_object_get(newer, "score");
    json_t *delta = json_is_integer(os) && json_is_integer(ns)
                        ? json_integer(json_integer_value(ns) - json_integer_value(os))
                        : json_null();
    json_t *d = json_pack("{s:o, s:o, s:{s:o, s:o, s:o}, s:{s:o, s:o}, s:[], s:[], s:[]}", "from",
                          member(older, "assessed"), "to", member(newer, "assessed"), "score",
                          "from", member(older, "score"), "to", member(newer, "score"), "delta",
                          delta, "status", "from", member(older, "status"), "to",
                          member(newer, "status"), "fixed", "new_gaps", "changed");
    if (!d)
        return MM_ENOMEM;
    json_t *fixed = json_object_get(d, "fixed"), *new_gaps = json_object_get(d, "new_gaps");
    json_t *changed = json_object_get(d, "changed");
    size_t i;
    const json_t *g;
    bool ok = true;
    json_array_foreach(og, i, g)
    {
        const char *id = json_string_value(json_object_get(g, "requirement"));
        if (ok && !find_gap(ng, id))
            ok = json_array_append_new(fixed, json_string(id)) == 0;
    }
    json_array_foreach(ng, i, g)
    {
        const char *id = json_string_value(json_object_get(g, "requirement"));
        const json_t *was = find_gap(og, id);
        if (!ok)
            break;
        if (!was) {
            ok = json_array_append_new(new_gaps, json_string(id)) == 0;
        } else if (!json_equal(json_object_get(was, "status"), json_object_get(g, "status"))) {
            ok = json_array_append_new(changed, json_pack("{s:s, s:o, s:o}", "requirement", id,
                                                          "from", member(was, "status"), "to",
                                                          member(g, "status"))) == 0;
        }
    }
    if (!ok) {
        json_decref(d);
        return MM_ENOMEM;
    }
    *out = d;
    return MM_OK;
}
