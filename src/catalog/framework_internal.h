/* Internal parts of framework packs and crosswalks shared by their files. */
#ifndef MM_FRAMEWORK_INTERNAL_H
#define MM_FRAMEWORK_INTERNAL_H

#include <jansson.h>

#include "mamori/framework.h"
#include "util/util.h"

/* Largest pack or crosswalk file read (SP 800-53 Rev 5 is about 1.7 MB). */
#define MM_FRAMEWORK_MAX_BYTES (32u * 1024 * 1024)

struct mm_pack_private {
    mm_arena *arena;
    mm_map ids;         /* display id and OSCAL control id -> mm_criterion* */
    const char **oscal; /* the OSCAL control id of each criterion */
};

/* One row's extra facts: where its criteria sit in their packs, their OSCAL ids. */
typedef struct mm_row_extra {
    size_t source_index, target_index; /* SIZE_MAX when the row has no target */
    const char *source_oscal, *target_oscal;
} mm_row_extra;

struct mm_crosswalk_private {
    mm_arena *arena;
    mm_row_extra *extra; /* parallel to rows */
    mm_map first;        /* source id -> 1 + index of its first row (as uintptr_t) */
    size_t *count;       /* per row: for the first row of a source, how many rows it has */
};

/* The value of obj's OSCAL prop called pname (the first), or NULL when it has none; fails
 * (naming file name and the JSON path) on a prop that is not an object with a string name and
 * value. Packs' controls and crosswalks' maps read their props through it. */
int mm_oscal_prop(const char **out, const json_t *obj, const char *pname, const char *name,
                  const char *path) __attribute__((warn_unused_result));

/* The file name without folders and without ".json": "x/y/z.json" -> "z" (arena copy). */
char *mm_framework_stem(mm_arena *a, const char *name);

/* The canonical id of a built-in pack given its id or an alias ("r3", "sp800-53r5"), or
 * NULL when id names no built-in pack. */
const char *mm_pack_builtin_id(const char *id);

/* Every pair of packs the mappings of a collection relate, as malloc'd "source\ttarget"
 * strings (each once, in file order; free each and the array). Errors as mm_crosswalk_peek. */
int mm_crosswalk_pairs(char ***pairs, size_t *n, const char *data, size_t len, const char *name);

#endif
