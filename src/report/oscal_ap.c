/* OSCAL 1.1.3 assessment plan of an evaluated assessment (docs/oscal.md): what the results
 * (oscal_ar.c) import. It imports the system security plan (oscal_ssp.c) and names the
 * controls, the objectives and the subject that the assessment covers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/oscal_internal.h"

int mm_report_oscal_ap(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    doc dd, *d = &dd;
    int rc = oscal_doc_init(d, r, o);
    if (rc) {
        mm_arena_free(d->ar);
        mm_error_set("oscal-ap: out of memory");
        return rc;
    }
    json_t *root = oscal_obj(d);
    json_t *ap = oscal_obj(d);
    oscal_put(ap, "uuid", oscal_uuid_json(d, "ap", "%s", "document"));
    oscal_put(ap, "metadata", oscal_metadata(d, "Assessment Plan", NULL));
    json_t *imp = oscal_obj(d);
    oscal_put_str(d, imp, "href", SSP_HREF);
    oscal_put_str(
        d, imp, "remarks",
        "The system security plan mamori writes (--format oscal-ssp), expected as " SSP_HREF
        " next to this file.");
    oscal_put(ap, "import-ssp", imp);

    json_t *tc = oscal_obj(d);
    json_t *parts = oscal_arr(d);
    json_t *p = oscal_obj(d);
    oscal_put_str(d, p, "name", "methodology");
    oscal_put_str(d, p, "title", "Methodology");
    oscal_put_str(
        d, p, "prose",
        mm_arena_printf(d->ar,
                        "%s of %s in %s against %s: each determination statement (assessment "
                        "objective) is determined met, not met or not applicable by examining, "
                        "interviewing and testing (NIST SP 800-171A), with mamori's host scan "
                        "as automated evidence where its rules apply.",
                        d->a->assessor ? "Assessment" : "Self-assessment", d->org, d->sys,
                        d->fw_label));
    oscal_push(parts, p);
    oscal_put(tc, "parts", parts);
    oscal_put(ap, "terms-and-conditions", tc);

    oscal_put(ap, "reviewed-controls", oscal_reviewed_controls(d));

    json_t *subjects = oscal_arr(d);
    json_t *s = oscal_obj(d);
    oscal_put_str(d, s, "type", "component");
    oscal_put_str(
        d, s, "description",
        mm_arena_printf(d->ar, "%s, the system the system security plan describes.", d->sys));
    json_t *inc = oscal_arr(d);
    json_t *one = oscal_obj(d);
    oscal_put_str(d, one, "subject-uuid", d->component);
    oscal_put_str(d, one, "type", "component");
    oscal_push(inc, one);
    oscal_put(s, "include-subjects", inc);
    oscal_push(subjects, s);
    oscal_put(ap, "assessment-subjects", subjects);
    oscal_put(root, "assessment-plan", ap);
    return oscal_doc_finish(d, b, root, "oscal-ap");
}
