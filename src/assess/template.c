/* `mamori assess init`: a complete assessment template with every objective's text. */
#include <stdlib.h>

#include <jansson.h>

#include "mamori/assess.h"
#include "mamori/error.h"
#include "util/util.h"

typedef struct prof_ctx {
    const mm_catalog *cat;
    const mm_profile *prof;
} prof_ctx;

static const char *lookup(void *ctx, const char *id)
{
    prof_ctx *pc = ctx;
    const mm_odp *o = mm_catalog_odp(pc->cat, id);
    return o && pc->prof ? pc->prof->values[o - pc->cat->odps].value : NULL;
}

static json_t *rendered(const mm_catalog *cat, const char *text, prof_ctx *pc)
{
    char *s = mm_catalog_render(cat, text, lookup, pc, "", "");
    json_t *j = json_string(s ? s : text);
    free(s);
    return j;
}

int mm_assessment_template(char **out, const mm_catalog *cat, const mm_profile *profile)
{
    prof_ctx pc = {cat, profile};
    json_t *root = json_object();
    json_object_set_new(root, "_about",
                        json_string("mamori assessment. Set each objective's determination to "
                                    "satisfied, other-than-satisfied, not-applicable (with a "
                                    "justification) or leave it not-assessed; or give a "
                                    "requirement-level status (met, not-met, not-applicable) "
                                    "that applies to all its objectives. title, statement and "
                                    "text are for reading and are ignored. Format: "
                                    "docs/assessment-format.md"));
    json_object_set_new(root, "framework", json_string(mm_framework_name(cat->framework)));
    json_t *org = json_object();
    json_object_set_new(org, "name", json_string(""));
    json_t *ids = json_array();
    json_t *cage = json_object();
    json_object_set_new(cage, "scheme", json_string("CAGE"));
    json_object_set_new(cage, "value", json_string(""));
    json_array_append_new(ids, cage);
    json_object_set_new(org, "identifiers", ids);
    json_object_set_new(root, "organization", org);
    json_t *sys = json_object();
    json_object_set_new(sys, "name", json_string(""));
    json_object_set_new(sys, "description", json_string(""));
    json_object_set_new(sys, "boundary", json_string(""));
    json_object_set_new(root, "system", sys);
    json_object_set_new(root, "scope", json_string("enterprise"));
    json_t *dates = json_object();
    json_object_set_new(dates, "assessed", json_null());
    json_object_set_new(root, "dates", dates);
    json_object_set_new(root, "assessor", json_null());
    json_object_set_new(root, "affirming_official", json_null());
    if (cat->nodps) {
        json_t *odp = json_object(), *help = json_object();
        for (size_t i = 0; i < cat->nodps; i++) {
            const mm_odp *p = &cat->odps[i];
            const mm_profile_value *pv = profile ? &profile->values[i] : NULL;
            json_object_set_new(odp, p->id, json_null());
            char *h = NULL;
            mm_arena *tmp = mm_arena_new();
            if (tmp) {
                h = mm_arena_printf(tmp, "%s: %s%s%s%s", cat->requirements[p->requirement].id,
                                    p->guideline ? p->guideline : p->label,
                                    pv && pv->value ? (pv->fixed ? " Fixed by the profile: "
                                                                 : " Profile guidance: ")
                                                    : "",
                                    pv && pv->value ? pv->value : "", "");
                json_object_set_new(help, p->id, json_string(h ? h : ""));
            }
            mm_arena_free(tmp);
        }
        json_object_set_new(root, "_odp_help", help);
        json_object_set_new(root, "odp", odp);
    }
    json_t *reqs = json_object();
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement *r = &cat->requirements[i];
        if (r->withdrawn)
            continue;
        json_t *rq = json_object();
        if (cat->framework == MM_FW_R3)
            json_object_set_new(rq, "title", json_string(r->title));
        json_object_set_new(rq, "statement", rendered(cat, r->statement, &pc));
        json_object_set_new(rq, "implementation", json_string(""));
        json_object_set_new(rq, "responsible", json_null());
        json_object_set_new(rq, "evidence", json_array());
        json_t *objs = json_object();
        for (size_t j = 0; j < r->nobjectives; j++) {
            json_t *ob = json_object();
            json_object_set_new(ob, "text", rendered(cat, r->objectives[j].text, &pc));
            json_object_set_new(ob, "determination", json_string("not-assessed"));
            json_object_set_new(ob, "evidence", json_array());
            json_object_set_new(ob, "notes", json_null());
            json_object_set_new(objs, r->objectives[j].id, ob);
        }
        json_object_set_new(rq, "objectives", objs);
        json_object_set_new(reqs, r->id, rq);
    }
    json_object_set_new(root, "requirements", reqs);
    json_object_set_new(root, "poam", json_array());
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!s)
        return MM_ENOMEM;
    *out = s;
    return MM_OK;
}
