/*
 * mamori: catalogs of SP 800-171 (Rev 3 from NIST's OSCAL catalog, Rev 2 from the data
 * under content/catalogs/) loaded into one model, and ODP profiles.
 *
 * A catalog owns everything reachable from it; every pointer in these structs is borrowed
 * from the catalog and lives until mm_catalog_free(). Treat the structs as read-only.
 */
#ifndef MAMORI_CATALOG_H
#define MAMORI_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mm_framework {
    MM_FW_R3 = 0, /* SP 800-171 Rev 3 (May 2024) with SP 800-171A Rev 3 */
    MM_FW_R2 = 1  /* SP 800-171 Rev 2 (Feb 2020) with SP 800-171A (June 2018) */
} mm_framework;

/* "800-171r3" or "800-171r2". */
const char *mm_framework_name(mm_framework fw);
/* Parses "800-171r3" / "800-171r2" (also "r3", "rev3", "sp800-171r3"); MM_EINVALID else. */
int mm_framework_parse(mm_framework *out, const char *name) __attribute__((warn_unused_result));

/* An organization-defined parameter (Rev 3 only). */
typedef struct mm_odp {
    const char *id;        /* "A.03.01.01.ODP.01" */
    const char *label;     /* "time period", or "SELECTED PARAMETER VALUES" */
    const char *usage;     /* "organization-defined time period" (may be NULL) */
    const char *guideline; /* what the organization defines */
    const char **choices;  /* for a selection: its choices (may hold placeholders) */
    size_t nchoices;
    const char *how_many; /* "one", "one-or-more", or NULL when not a selection */
    size_t requirement;   /* index into mm_catalog.requirements */
} mm_odp;

/* An assessment objective (a determination statement of SP 800-171A). */
typedef struct mm_objective {
    const char *id;     /* Rev 3 "A.03.01.01.b.01", Rev 2 "3.1.1[a]" */
    const char *text;   /* "system accounts are ...", may hold {{ insert: param, ID }} */
    const char *part;   /* the statement item it assesses ("03.01.01.b"), NULL for Rev 2 */
    size_t requirement; /* index into mm_catalog.requirements */
} mm_objective;

/* An assessment method with its objects (Rev 3 only: NIST publishes no machine-readable
 * Rev 2 objects). */
typedef struct mm_method {
    const char *method; /* "examine", "interview" or "test" */
    const char **objects;
    size_t nobjects;
} mm_method;

typedef struct mm_requirement {
    const char *id;        /* "03.01.01" or "3.1.1" */
    size_t family;         /* index into mm_catalog.families */
    const char *title;     /* Rev 3 title; Rev 2 has none, so its text */
    const char *statement; /* the requirement text, items on their own lines */
    const char *guidance;  /* discussion */
    bool withdrawn;
    const char *withdrawn_relation; /* "incorporated_into", "addressed_by" or NULL */
    const char **withdrawn_to;      /* where its content went */
    size_t nwithdrawn_to;
    const mm_odp *odps;
    size_t nodps;
    const mm_objective *objectives;
    size_t nobjectives;
    const mm_method *methods;
    size_t nmethods;
    const char **controls; /* SP 800-53 source controls (Rev 3: Rev 5; Rev 2: Rev 4) */
    size_t ncontrols;
    const char **related; /* Rev 3: its Rev 2 sources; Rev 2: its Rev 3 targets */
    size_t nrelated;
    const char *related_note; /* Rev 2: its disposition in Rev 3 ("carried_forward", ...) */
    /* Rev 2 only (zero for Rev 3): the DoD Assessment Methodology v1.2.1 and CMMC */
    int sprs_points;  /* points lost when not implemented (3.12.4: 0, see sprs_na) */
    bool sprs_na;     /* 3.12.4: no points; without it there is no valid score */
    int sprs_partial; /* points lost when partially implemented (3.5.3, 3.13.11), else 0 */
    const char *partial_condition; /* the methodology's wording for that partial case */
    bool basic;                    /* basic (FIPS 200) rather than derived (SP 800-53) */
    bool far_52_204_21;            /* one of FAR 52.204-21's basic safeguarding requirements */
    bool never_on_poam;            /* CMMC: may never be on a POA&M (32 CFR 170.21(a)(2)(iii)) */
    bool poam_at_partial;          /* CMMC: may be on a POA&M at its partial value (3.13.11) */
    bool plans_of_action;          /* the requirement to have plans of action (3.12.2) */
    const char *cmmc_id;           /* "AC.L1-3.1.1" */
} mm_requirement;

typedef struct mm_family {
    const char *id;     /* "03.01" / "3.1" */
    const char *abbrev; /* "AC" */
    const char *title;  /* "Access Control" */
    size_t first;       /* index of its first requirement */
    size_t count;       /* number of requirements, withdrawn ones included */
} mm_family;

typedef struct mm_catalog {
    mm_framework framework;
    const char *title;
    const char *version; /* the catalog's version */
    const char *source;  /* where the data came from */
    mm_family *families;
    size_t nfamilies;
    mm_requirement *requirements; /* in catalog order, withdrawn ones included */
    size_t nrequirements;
    mm_objective *objectives; /* every objective in catalog order */
    size_t nobjectives;
    mm_odp *odps;
    size_t nodps;
    /* Rev 2 scoring constants, read from sprs-weights-r2.json */
    int sprs_base;            /* 110 */
    int sprs_min;             /* -203 */
    double cmmc_min_ratio;    /* 0.8 */
    int cmmc_max_poam_points; /* 1 */
    struct mm_catalog_private *priv;
} mm_catalog;

/* Loads a catalog. content_dir NULL uses the data compiled into the library; otherwise
 * the files are read from content_dir/catalogs/. The caller owns *out (mm_catalog_free).
 * Errors: MM_EIO, MM_EPARSE, MM_EINVALID (the data does not have the expected shape). */
int mm_catalog_load(mm_catalog **out, mm_framework fw, const char *content_dir)
    __attribute__((warn_unused_result));
void mm_catalog_free(mm_catalog *cat);

/* Lookups (NULL when absent). Requirement ids may be written "03.01.01" or, for Rev 3,
 * also "SP_800_171_03.01.01"; objective ids also in 800-171A's "A.03.01.01.b[01]" form. */
const mm_requirement *mm_catalog_requirement(const mm_catalog *cat, const char *id);
const mm_objective *mm_catalog_objective(const mm_catalog *cat, const char *id);
const mm_odp *mm_catalog_odp(const mm_catalog *cat, const char *id);
/* Index of r / o / p in its catalog array. */
size_t mm_catalog_requirement_index(const mm_catalog *cat, const mm_requirement *r);

/* Number of requirements that are not withdrawn. */
size_t mm_catalog_active_count(const mm_catalog *cat);

/* ---- ODP profiles ----------------------------------------------------------------------- */

/* The ODP values an authority fixes for its contractors. JSON:
 *   {"_meta": {"title": "..."}, "values": {"A.03.01.01.ODP.01": {"value": "at most 90 days",
 *    "fixed": true, "guidance": false}, "A.03.01.05.ODP.03": "at least every 12 months"}}
 * A value is fixed (wins over the contractor's) unless "fixed": false or "guidance": true. */
typedef struct mm_profile_value {
    const char *value; /* NULL when the profile says nothing for this ODP */
    bool fixed;
    bool guidance;
} mm_profile_value;

typedef struct mm_profile {
    const char *name;         /* title of the profile */
    const char *source;       /* file it came from, or "embedded: DoD ODP values (2025-04-10)" */
    mm_profile_value *values; /* parallel to the catalog's odps */
    size_t nvalues;
    size_t nset;                      /* how many ODPs the profile sets */
    const struct mm_catalog *catalog; /* borrowed: the catalog the values are parallel to */
    const char **ids;                 /* without a catalog (cat NULL): the ODP id of each value */
    struct mm_arena *arena;
} mm_profile;

/* Loads a profile for cat (a Rev 3 catalog). path NULL loads the embedded DoD profile.
 * Unknown ODP ids are MM_EINVALID with the JSON path in the message. With cat NULL the ids
 * are not checked and the values are kept in file order with their ids (p->ids): enough to
 * look values up by id (mm_profile_value_of), as the scanner does. */
int mm_profile_load(mm_profile **out, const mm_catalog *cat, const char *path)
    __attribute__((warn_unused_result));
/* Same, from memory; name is used in messages. */
int mm_profile_parse(mm_profile **out, const mm_catalog *cat, const char *data, size_t len,
                     const char *name) __attribute__((warn_unused_result));
void mm_profile_free(mm_profile *p);
/* The value the profile gives ODP id, or NULL. */
const mm_profile_value *mm_profile_value_of(const mm_profile *p, const char *odp_id);

/* The number an ODP value gives, converted to unit ("second", "minute", "hour", "day", or
 * NULL for a plain count): "at most five (5)" -> 5; "period of five (5) minutes" in seconds
 * -> 300. List markers such as "1)" are skipped. False when the value has no number. */
bool mm_odp_number(const char *value, const char *unit, double *out);
/* Seconds in a unit named by its singular or plural word, or 0 for an unknown unit. */
long mm_unit_seconds(const char *unit);

/* ---- rendering -------------------------------------------------------------------------- */

/* Looks up the value to show for ODP id; NULL when there is none. */
typedef const char *(*mm_odp_lookup)(void *ctx, const char *odp_id);

/* Replaces each {{ insert: param, ID }} in text with open + value + close, or, when lookup
 * gives no value, with "[Assignment: <usage or label>]" (or "[Selection: a; b]"). Returns
 * a malloc'd string the caller frees; NULL when out of memory. */
char *mm_catalog_render(const mm_catalog *cat, const char *text, mm_odp_lookup lookup, void *ctx,
                        const char *open, const char *close);

/* Raw embedded content file ("catalogs/sp800-171r3-catalog.json"); NULL if absent. */
const char *mm_content_embedded(const char *name, size_t *len);
/* The i-th embedded content file (its name in *name), or NULL past the last one. */
const char *mm_content_embedded_at(size_t i, const char **name, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
