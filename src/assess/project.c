/* An evaluated assessment projected onto another framework through a crosswalk
 * (include/mamori/project.h). */
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/project.h"
#include "util/util.h"

const char *mm_projection_state_name(mm_projection_state s)
{
    switch (s) {
    case MM_PROJ_PROJECTED:
        return "projected";
    case MM_PROJ_CONFLICT:
        return "conflict";
    case MM_PROJ_TO_ANSWER:
        break;
    }
    return "to-answer";
}

void mm_projection_free(mm_projection *p)
{
    if (!p)
        return;
    free(p->items);
    free(p);
}

/* The status res gives source criterion id, or MM_STATUS_NOT_ASSESSED. */
static mm_status answer_of(const mm_result *res, const char *id)
{
    const mm_catalog *cat = res->assessment->catalog;
    const mm_requirement *q = mm_catalog_requirement(cat, id);
    if (!q || q->withdrawn)
        return MM_STATUS_NOT_ASSESSED;
    return res->requirements[mm_catalog_requirement_index(cat, q)].status;
}

/* What a relation carries from an answer: MM_STATUS_MET, MM_STATUS_NOT_MET, or
 * MM_STATUS_NOT_ASSESSED for nothing. */
static mm_status carried(mm_relation rel, mm_status answer)
{
    if (answer == MM_STATUS_MET && (rel == MM_REL_EQUIVALENT || rel == MM_REL_SUPERSET))
        return MM_STATUS_MET;
    if (answer == MM_STATUS_NOT_MET && rel == MM_REL_EQUIVALENT)
        return MM_STATUS_NOT_MET;
    return MM_STATUS_NOT_ASSESSED;
}

int mm_project(mm_projection **out, const mm_result *res, const mm_pack *source,
               const mm_pack *target, const mm_crosswalk *cw)
{
    *out = NULL;
    if (!mm_streq(cw->source_pack, source->id) || !mm_streq(cw->target_pack, target->id)) {
        mm_error_set("the crosswalk relates %s -> %s, not %s -> %s", cw->source_pack,
                     cw->target_pack, source->id, target->id);
        return MM_EUSAGE;
    }
    mm_projection *p = calloc(1, sizeof(*p));
    if (p)
        p->items = calloc(target->ncriteria + 1, sizeof(*p->items));
    if (!p || !p->items) {
        mm_projection_free(p);
        return MM_ENOMEM;
    }
    p->source = source;
    p->target = target;
    p->cw = cw;
    p->nitems = target->ncriteria;
    for (size_t i = 0; i < target->ncriteria; i++) {
        mm_projected *it = &p->items[i];
        it->criterion = &target->criteria[i];
        it->reason = target->criteria[i].withdrawn
                         ? "withdrawn"
                         : "no published relation from the assessed framework";
    }
    /* every relation, in the crosswalk's order (by source criterion, then file order) */
    for (size_t r = 0; r < cw->nrows; r++) {
        const mm_mapping_row *row = &cw->rows[r];
        const mm_criterion *t = mm_pack_criterion(target, row->target);
        if (!t || t->withdrawn || row->relation == MM_REL_NONE)
            continue;
        size_t k = mm_pack_criterion_index(target, t);
        mm_projected *it = &p->items[k];
        mm_status answer = answer_of(res, row->source);
        mm_status c = carried(row->relation, answer);
        if (c == MM_STATUS_NOT_ASSESSED) {
            if (it->state == MM_PROJ_TO_ANSWER)
                it->reason = row->relation == MM_REL_SUBSET || row->relation == MM_REL_INTERSECTS
                                 ? "related only by subset or intersects relations, which "
                                   "carry no answer"
                                 : "the related answer does not carry over (not met through "
                                   "a superset, partial, not applicable or not assessed)";
            continue;
        }
        if (it->state == MM_PROJ_TO_ANSWER) {
            it->state = MM_PROJ_PROJECTED;
            it->status = c;
            it->from = row->source;
            it->from_status = answer;
            it->via = row;
            it->reason = NULL;
        } else if (it->state == MM_PROJ_PROJECTED && it->status != c) {
            it->state = MM_PROJ_CONFLICT;
            it->status = MM_STATUS_NOT_ASSESSED;
            it->reason = "relations carry contradicting answers";
        }
    }
    for (size_t i = 0; i < target->ncriteria; i++) {
        const mm_projected *it = &p->items[i];
        if (it->criterion->withdrawn)
            continue;
        p->active++;
        if (it->state == MM_PROJ_PROJECTED && it->status == MM_STATUS_MET)
            p->met++;
        else if (it->state == MM_PROJ_PROJECTED)
            p->not_met++;
        else
            p->to_answer++;
        if (it->state == MM_PROJ_CONFLICT)
            p->conflicts++;
    }
    *out = p;
    return MM_OK;
}
