/*
 * mamori: frameworks as data. A framework pack is an OSCAL catalog (SP 800-171 Rev 3, Rev 2,
 * SP 800-53 Rev 5, an IoT label scheme, an authority's own standard); a crosswalk is an OSCAL
 * mapping collection (OSCAL 1.2) relating the criteria of one pack to those of another, each
 * row typed and carrying the citation of the published source it comes from.
 *
 * Loading checks everything before anything is kept: a pack or crosswalk that is not the
 * expected OSCAL shape, names a criterion its pack lacks, or relates the same two criteria
 * twice with contradicting types is refused with MM_EINVALID and a message naming the file
 * and the JSON path ("FILE: $.mapping-collection.mappings[0].maps[3].sources[0].id-ref: ...").
 *
 * Ownership: every pointer inside an mm_pack, mm_crosswalk or mm_frameworks is borrowed from
 * the object it came from and lives until that object's _free. Treat the structs as read-only.
 */
#ifndef MAMORI_FRAMEWORK_H
#define MAMORI_FRAMEWORK_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a criterion without published text shows: mamori never writes one in its place. */
#define MM_TEXT_NOT_AVAILABLE "text not available"

/* The OSCAL namespace mamori's own props (framework-id, citation, ...) are written in. */
#define MM_FRAMEWORK_NS "https://mamori.dev/ns/oscal"

/* ---- packs ---------------------------------------------------------------------------- */

/* One criterion of a framework: an OSCAL control (control enhancements included, in
 * catalog order after their parent). */
typedef struct mm_criterion {
    const char *id;          /* as the framework writes it: "03.01.01", "AC-2(13)", "5.1-1" */
    const char *title;       /* "" when the catalog gives none */
    const char *text;        /* the statement, items on their own lines; NULL when the pack
                              * has no published text for it (show MM_TEXT_NOT_AVAILABLE) */
    const char *group;       /* id of its group (family, clause), or NULL */
    const char *group_title; /* title of that group, or NULL */
    const char *parent;      /* id of the control it enhances, or NULL */
    const char *modal;       /* "shall" / "should" where the pack says so (prop "modal"), or NULL */
    bool withdrawn;          /* prop status=withdrawn */
    const char *title_lang;  /* the language of the title where the pack says (prop
                              * title-language, "ja"), NULL otherwise: English */
    const char *text_lang;   /* the same for the text (prop text-language) */
} mm_criterion;

typedef struct mm_pack {
    const char *id;      /* short id: "800-171r3", "800-171r2", "800-53r5", or the pack's own
                          * (metadata prop framework-id, else the file name without .json) */
    const char *title;   /* metadata.title */
    const char *version; /* metadata.version */
    const char *source;  /* where it was loaded from: a path, or "built-in: ..." */
    bool builtin;
    const mm_criterion *criteria; /* in catalog order */
    size_t ncriteria;
    struct mm_pack_private *priv;
} mm_pack;

/* The criterion's text, or MM_TEXT_NOT_AVAILABLE. Never NULL. */
const char *mm_criterion_text(const mm_criterion *c);

/* Loads a pack from an OSCAL catalog file ({"catalog": {...}}). The caller owns *out
 * (mm_pack_free). Errors: MM_EIO, MM_EPARSE, MM_ETOOBIG, MM_EINVALID (with the JSON path). */
int mm_pack_load_file(mm_pack **out, const char *path) __attribute__((warn_unused_result));
/* Same, from memory; name is used in messages and, without a framework-id prop, gives the id. */
int mm_pack_parse(mm_pack **out, const char *data, size_t len, const char *name)
    __attribute__((warn_unused_result));
/* A pack compiled into mamori: "800-171r3", "800-171r2" or "800-53r5" (the aliases of
 * mm_framework_parse are accepted for the first two). MM_ENOTFOUND for another id. */
int mm_pack_builtin(mm_pack **out, const char *id) __attribute__((warn_unused_result));
void mm_pack_free(mm_pack *p);

/* The criterion with this id, or NULL. */
const mm_criterion *mm_pack_criterion(const mm_pack *p, const char *id);
/* Index of c in p->criteria. */
size_t mm_pack_criterion_index(const mm_pack *p, const mm_criterion *c);
/* Number of criteria that are not withdrawn. */
size_t mm_pack_active_count(const mm_pack *p);

/* ---- crosswalks ----------------------------------------------------------------------- */

/* The relation of a source criterion to a target criterion (OSCAL 1.2 mapping
 * relationship): equivalent-to (also equal-to), subset-of, superset-of, intersects-with,
 * no-relationship. */
typedef enum mm_relation {
    MM_REL_EQUIVALENT = 0,
    MM_REL_SUBSET = 1,   /* the source's requirements are a subset of the target's */
    MM_REL_SUPERSET = 2, /* the source's requirements include all of the target's */
    MM_REL_INTERSECTS = 3,
    MM_REL_NONE = 4 /* no-relationship: the source publishes that nothing corresponds */
} mm_relation;

/* "equivalent", "subset", "superset", "intersects", "no-relationship". */
const char *mm_relation_name(mm_relation r);
/* The OSCAL token: "equivalent-to", "subset-of", "superset-of", "intersects-with",
 * "no-relationship". */
const char *mm_relation_oscal(mm_relation r);
/* Parses either form (and OSCAL's "equal-to" as equivalent); MM_EINVALID else. */
int mm_relation_parse(mm_relation *out, const char *name) __attribute__((warn_unused_result));
/* The relation read the other way (subset <-> superset; the others are symmetric). */
mm_relation mm_relation_inverse(mm_relation r);

/* One relation: source criterion -> target criterion, with the citation of its source. */
typedef struct mm_mapping_row {
    const char *source; /* criterion id in the crosswalk's source pack */
    const char *target; /* criterion id in the target pack; NULL for no-relationship rows
                         * that name no target */
    mm_relation relation;
    const char *citation; /* the published source of this relation (never NULL or "") */
    const char *remarks;  /* the row's remarks, or NULL */
} mm_mapping_row;

typedef struct mm_crosswalk {
    const char *title;
    const char *source_pack;    /* pack id of the sources ("800-171r2") */
    const char *target_pack;    /* pack id of the targets ("800-171r3") */
    const char *file;           /* where it was loaded from: a path, or "built-in: ..." */
    const mm_mapping_row *rows; /* sorted by source criterion, then in file order */
    size_t nrows;
    size_t nset_maps; /* maps relating several criteria to several at once (a whole scheme
                       * recognised): their ids are checked, but they give no row */
    struct mm_crosswalk_private *priv;
} mm_crosswalk;

/* Loads an OSCAL mapping collection ({"mapping-collection": {...}}) and checks every
 * source and target id against the packs. Only the mappings whose source-resource and
 * target-resource name these two packs (framework-id props) are read; none is MM_EINVALID.
 * The caller owns *out (mm_crosswalk_free). Errors: MM_EIO, MM_EPARSE, MM_ETOOBIG, MM_EINVALID
 * (with the JSON path). */
int mm_crosswalk_load_file(mm_crosswalk **out, const char *path, const mm_pack *source,
                           const mm_pack *target) __attribute__((warn_unused_result));
int mm_crosswalk_parse(mm_crosswalk **out, const char *data, size_t len, const char *name,
                       const mm_pack *source, const mm_pack *target)
    __attribute__((warn_unused_result));
/* The pack ids the first mapping of a collection names as its source and target resources,
 * without loading it (so a caller can find the packs first). *source and *target are
 * malloc'd. mm_frameworks_load reads every pair a collection relates. */
int mm_crosswalk_peek(char **source, char **target, const char *data, size_t len, const char *name)
    __attribute__((warn_unused_result));
/* The same relations read from target to source (every relation inverted, citations kept).
 * The caller owns *out. */
int mm_crosswalk_invert(mm_crosswalk **out, const mm_crosswalk *cw)
    __attribute__((warn_unused_result));
void mm_crosswalk_free(mm_crosswalk *cw);

/* The rows whose source is source_id (contiguous; *n of them), or NULL with *n = 0. */
const mm_mapping_row *mm_crosswalk_rows(const mm_crosswalk *cw, const char *source_id, size_t *n);

/* Writes the crosswalk as an OSCAL 1.2 mapping collection (malloc'd JSON text). */
char *mm_crosswalk_to_oscal(const mm_crosswalk *cw);

/* ---- a set of frameworks: the built-ins plus a folder -------------------------------- */

typedef struct mm_frameworks mm_frameworks;

/* Loads the built-in packs and crosswalks, then every pack (*.json holding a "catalog") and
 * every crosswalk (*.json holding a "mapping-collection") in dir and in dir/crosswalks/ (dir
 * NULL: built-ins only). One bad file refuses the whole folder: nothing is loaded and the
 * message names the file and the JSON path. A pack id given twice is MM_EINVALID. */
int mm_frameworks_load(mm_frameworks **out, const char *dir) __attribute__((warn_unused_result));
void mm_frameworks_free(mm_frameworks *set);

size_t mm_frameworks_npacks(const mm_frameworks *set);
const mm_pack *mm_frameworks_pack_at(const mm_frameworks *set, size_t i);
/* The pack with this id (built-in aliases accepted), or NULL. */
const mm_pack *mm_frameworks_pack(const mm_frameworks *set, const char *id);
size_t mm_frameworks_ncrosswalks(const mm_frameworks *set);
const mm_crosswalk *mm_frameworks_crosswalk_at(const mm_frameworks *set, size_t i);

/* The crosswalk from pack a to pack b: a loaded one, or a loaded b -> a one inverted.
 * The caller owns *out. MM_ENOTFOUND (with a message) when none relates a and b: mamori
 * never composes crosswalks through a third framework. */
int mm_frameworks_crosswalk(mm_crosswalk **out, const mm_frameworks *set, const char *a,
                            const char *b) __attribute__((warn_unused_result));

/* ---- side by side ---------------------------------------------------------------------- */

typedef enum mm_compare_kind {
    MM_CMP_A_ONLY = 0, /* a criterion of A with no counterpart in B */
    MM_CMP_B_ONLY = 1, /* a criterion of B with no counterpart in A */
    MM_CMP_RELATED = 2 /* a relation of the crosswalk */
} mm_compare_kind;

typedef struct mm_compare_row {
    mm_compare_kind kind;
    const mm_criterion *a;     /* NULL for MM_CMP_B_ONLY */
    const mm_criterion *b;     /* NULL for MM_CMP_A_ONLY */
    const mm_mapping_row *rel; /* the relation for MM_CMP_RELATED; for a no-counterpart row
                                * the published no-relationship row, if any, else NULL */
} mm_compare_row;

/* Two frameworks side by side through a crosswalk from a to b: first the active criteria of
 * A with no counterpart in B (no row, or only no-relationship rows), then those of B that no
 * relation reaches, then every other relation in A's order. Borrows a, b and cw, which must
 * outlive it. */
typedef struct mm_compare {
    const mm_pack *a, *b;
    const mm_crosswalk *cw;
    mm_compare_row *rows;
    size_t nrows;
    size_t a_only, b_only; /* how many rows of each no-counterpart kind */
    size_t a_active, b_active;
} mm_compare;

int mm_compare_build(mm_compare **out, const mm_pack *a, const mm_pack *b, const mm_crosswalk *cw)
    __attribute__((warn_unused_result));
void mm_compare_free(mm_compare *cmp);

#ifdef __cplusplus
}
#endif
#endif
