/* Two frameworks side by side through a crosswalk (include/mamori/framework.h): the
 * criteria with no counterpart first, then the relations. */
#include <stdlib.h>
#include <string.h>

#include "catalog/framework_internal.h"
#include "mamori/error.h"

void mm_compare_free(mm_compare *cmp)
{
    if (!cmp)
        return;
    free(cmp->rows);
    free(cmp);
}

/* True when a relation other than no-relationship reaches this criterion. */
static bool related(const mm_mapping_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].relation != MM_REL_NONE)
            return true;
    return false;
}

int mm_compare_build(mm_compare **out, const mm_pack *a, const mm_pack *b, const mm_crosswalk *cw)
{
    *out = NULL;
    if (!mm_streq(cw->source_pack, a->id) || !mm_streq(cw->target_pack, b->id)) {
        mm_error_set("the crosswalk relates %s -> %s, not %s -> %s", cw->source_pack,
                     cw->target_pack, a->id, b->id);
        return MM_EUSAGE;
    }
    mm_compare *c = calloc(1, sizeof(*c));
    bool *reached = calloc(b->ncriteria + 1, sizeof(bool));
    const mm_mapping_row **none_b = calloc(b->ncriteria + 1, sizeof(*none_b));
    size_t cap = a->ncriteria + b->ncriteria + cw->nrows + 1;
    if (c)
        c->rows = calloc(cap, sizeof(*c->rows));
    if (!c || !c->rows || !reached || !none_b) {
        free(reached);
        free(none_b);
        mm_compare_free(c);
        return MM_ENOMEM;
    }
    c->a = a;
    c->b = b;
    c->cw = cw;
    c->a_active = mm_pack_active_count(a);
    c->b_active = mm_pack_active_count(b);
    for (size_t i = 0; i < cw->nrows; i++) {
        const mm_criterion *t = mm_pack_criterion(b, cw->rows[i].target);
        if (!t)
            continue;
        size_t k = mm_pack_criterion_index(b, t);
        if (cw->rows[i].relation != MM_REL_NONE)
            reached[k] = true;
        else if (!none_b[k])
            none_b[k] = &cw->rows[i];
    }
    for (size_t i = 0; i < a->ncriteria; i++) {
        const mm_criterion *x = &a->criteria[i];
        size_t n;
        const mm_mapping_row *rows = mm_crosswalk_rows(cw, x->id, &n);
        if (x->withdrawn || related(rows, n))
            continue;
        c->rows[c->nrows++] =
            (mm_compare_row){.kind = MM_CMP_A_ONLY, .a = x, .rel = n ? &rows[0] : NULL};
        c->a_only++;
    }
    for (size_t k = 0; k < b->ncriteria; k++) {
        if (b->criteria[k].withdrawn || reached[k])
            continue;
        c->rows[c->nrows++] =
            (mm_compare_row){.kind = MM_CMP_B_ONLY, .b = &b->criteria[k], .rel = none_b[k]};
        c->b_only++;
    }
    for (size_t i = 0; i < a->ncriteria; i++) {
        size_t n;
        const mm_mapping_row *rows = mm_crosswalk_rows(cw, a->criteria[i].id, &n);
        for (size_t j = 0; j < n; j++) {
            if (rows[j].relation == MM_REL_NONE)
                continue;
            c->rows[c->nrows++] = (mm_compare_row){.kind = MM_CMP_RELATED,
                                                   .a = &a->criteria[i],
                                                   .b = mm_pack_criterion(b, rows[j].target),
                                                   .rel = &rows[j]};
        }
    }
    free(reached);
    free(none_b);
    *out = c;
    return MM_OK;
}
