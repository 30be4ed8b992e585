/*
 * mamori: answer once, see every framework. An evaluated assessment in one framework
 * projected onto another through a crosswalk (include/mamori/framework.h).
 *
 * Only relations that carry an answer are used: a source criterion equivalent to the target
 * criterion, or a superset of it, that is met makes the target met; an equivalent one that
 * is not met makes it not met. Subset and intersects relations carry nothing (meeting part
 * of a requirement is not meeting it). Every projected answer says which answer and which
 * relation it comes from and is never an answer given directly; everything else is listed
 * as still to be answered, with the reason.
 */
#ifndef MAMORI_PROJECT_H
#define MAMORI_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "mamori/assess.h"
#include "mamori/framework.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mm_projection_state {
    MM_PROJ_TO_ANSWER = 0, /* no relation carries an answer: must still be answered */
    MM_PROJ_PROJECTED,     /* status projected from an answer of the source framework */
    MM_PROJ_CONFLICT       /* relations carry contradicting answers: must be answered */
} mm_projection_state;

typedef struct mm_projected {
    const mm_criterion *criterion; /* of the target framework (borrowed from its pack) */
    mm_projection_state state;
    mm_status status;          /* MM_STATUS_MET or MM_STATUS_NOT_MET when projected,
                                * MM_STATUS_NOT_ASSESSED otherwise */
    const char *from;          /* projected: the source criterion whose answer it is */
    mm_status from_status;     /* that answer */
    const mm_mapping_row *via; /* projected: the relation (source -> this criterion) */
    const char *reason;        /* why it must still be answered (static text) */
} mm_projected;

typedef struct mm_projection {
    const mm_pack *source, *target; /* borrowed */
    const mm_crosswalk *cw;         /* borrowed: source -> target */
    mm_projected *items;            /* parallel to target->criteria (withdrawn: TO_ANSWER,
                                     * reason "withdrawn") */
    size_t nitems;
    size_t active, met, not_met, to_answer, conflicts; /* over active criteria */
} mm_projection;

/* Projects the evaluated res (whose catalog's requirement ids are the criteria of source)
 * onto target through cw (source -> target). Borrows everything given, which must outlive
 * *out. Errors: MM_EUSAGE when cw does not relate source to target, MM_ENOMEM. */
int mm_project(mm_projection **out, const mm_result *res, const mm_pack *source,
               const mm_pack *target, const mm_crosswalk *cw) __attribute__((warn_unused_result));
void mm_projection_free(mm_projection *p);

const char *mm_projection_state_name(mm_projection_state s); /* "to-answer", "projected", ... */

#ifdef __cplusplus
}
#endif
#endif
