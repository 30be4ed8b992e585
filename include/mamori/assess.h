/*
 * mamori: an assessment (answers per objective and requirement, ODP values, POA&M) and
 * its evaluation (requirement results rolled up from objectives, family totals, the SPRS
 * score of the DoD Assessment Methodology v1.2.1 for Rev 2, CMMC Level 2 eligibility).
 *
 * An assessment borrows its catalog, which must outlive it. Every pointer inside an
 * mm_assessment or mm_result is owned by it; treat the structs as read-only.
 */
#ifndef MAMORI_ASSESS_H
#define MAMORI_ASSESS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "mamori/catalog.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The determination of one assessment objective (SP 800-171A). */
typedef enum mm_determination {
    MM_DET_NOT_ASSESSED = 0,
    MM_DET_SATISFIED,
    MM_DET_OTHER_THAN_SATISFIED,
    MM_DET_NOT_APPLICABLE
} mm_determination;

/* The result of one requirement. */
typedef enum mm_status {
    MM_STATUS_NOT_ASSESSED = 0,
    MM_STATUS_MET,
    MM_STATUS_NOT_MET,
    MM_STATUS_PARTIAL, /* only where the methodology gives partial credit */
    MM_STATUS_NOT_APPLICABLE
} mm_status;

const char *mm_determination_name(mm_determination d); /* "satisfied", ... */
const char *mm_status_name(mm_status s);               /* "met", "not-met", ... */

typedef struct mm_identifier {
    const char *scheme; /* "CAGE", "UEI", "DUNS", "corporate-number", ... */
    const char *value;
} mm_identifier;

typedef struct mm_answer {
    mm_determination determination;
    bool from_requirement;     /* set by a requirement-level status, not per objective */
    const char *justification; /* required for not-applicable */
    const char **evidence;     /* evidence references (file names, URLs, ticket ids) */
    size_t nevidence;
    const char *notes; /* assessor notes */
    /* from host scans (mm_assessment_apply_scan) */
    mm_determination scan;      /* what the scans say; MM_DET_NOT_ASSESSED when nothing */
    const char **scan_evidence; /* "host: rule: status: message (file:line)" lines */
    size_t nscan_evidence;
    bool human;    /* the file answered this objective (or its requirement) */
    bool override; /* a human answer kept against the scans, with justification */
} mm_answer;

typedef struct mm_requirement_answer {
    mm_status status;           /* requirement-level status given in the file, if any */
    const char *implementation; /* implementation statement (for the SSP) */
    const char *justification;  /* for not-applicable, or why partial */
    const char *notes;
    const char **evidence;
    size_t nevidence;
    const char *responsible; /* who implements it (role or person) */
} mm_requirement_answer;

typedef struct mm_milestone {
    const char *description;
    const char *due;       /* YYYY-MM-DD */
    const char *status;    /* "planned", "in-progress", "completed" */
    const char *completed; /* YYYY-MM-DD or NULL */
} mm_milestone;

typedef struct mm_poam_item {
    const char *id;          /* "POAM-1" */
    const char *weakness;    /* what is wrong */
    const char *requirement; /* requirement id, as in the catalog */
    size_t requirement_index;
    const char *responsible;          /* responsible party */
    const char *status;               /* "open", "closed", "risk-accepted" */
    const char *detected;             /* YYYY-MM-DD or NULL */
    const char *scheduled_completion; /* YYYY-MM-DD or NULL */
    const char *remediation;          /* planned remediation */
    const char *resources;            /* resources required */
    mm_milestone *milestones;
    size_t nmilestones;
} mm_poam_item;

typedef struct mm_assessment {
    mm_framework framework;
    const mm_catalog *catalog; /* borrowed */
    const char *source;        /* file name given to the parser */
    const char *org_name;
    mm_identifier *org_ids;
    size_t norg_ids;
    const char *system_name;
    const char *system_description;
    const char *boundary;
    const char *scope;       /* "enterprise", "enclave" or "contract" */
    const char *contract;    /* contract number when scope is "contract" */
    const char *assessed;    /* date of the assessment, YYYY-MM-DD */
    const char *valid_until; /* YYYY-MM-DD */
    const char *posted;      /* dates.posted: when the result was posted (CMMC status date) */
    const char *ssp_name;    /* ssp.name, ssp.version, ssp.date: the SSP assessed (SPRS) */
    const char *ssp_version;
    const char *ssp_date;
    const char **cage_codes; /* ssp.cage_codes: CAGE codes the SSP covers (SPRS) */
    size_t ncage_codes;
    const char *assessor;
    const char *affirming_official;
    const char **odp_values;             /* parallel to catalog->odps; NULL where not given */
    mm_answer *answers;                  /* parallel to catalog->objectives */
    mm_requirement_answer *requirements; /* parallel to catalog->requirements */
    mm_poam_item *poam;
    size_t npoam;
    const char **scan_hosts; /* hosts of the scans applied, in order */
    size_t nscan_hosts;
    const char **scan_notes; /* what merging the scans decided (overrides, ignored answers) */
    size_t nscan_notes;
    struct mm_scan_tally *tally; /* private: per-objective counts while scans are applied */
    struct mm_arena *arena;
} mm_assessment;

#define MM_ASSESSMENT_MAX_BYTES (16u * 1024 * 1024)

/* Reads only the "framework" member of an assessment file (for choosing the catalog).
 * Errors as mm_assessment_parse. */
int mm_assessment_framework(mm_framework *out, const char *data, size_t len, const char *name)
    __attribute__((warn_unused_result));

/* Parses an assessment (full or short form, see docs/assessment-format.md) against cat.
 * name is used in messages ("FILE:LINE:COL: ..." or "FILE: $.path: ..."). The caller owns
 * *out (mm_assessment_free). Errors: MM_EPARSE (malformed JSON, not UTF-8), MM_EINVALID
 * (unknown id, status not allowed, framework mismatch, ...), MM_ENOMEM. */
int mm_assessment_parse(mm_assessment **out, const mm_catalog *cat, const char *data, size_t len,
                        const char *name) __attribute__((warn_unused_result));
/* The same from a parsed document (root, borrowed): for a caller that has parsed it already
 * (the server's submission, inside its envelope); messages name JSON paths only. */
int mm_assessment_parse_json(mm_assessment **out, const mm_catalog *cat, const json_t *root,
                             const char *name) __attribute__((warn_unused_result));

/* Reads and parses a file ("-" for stdin); files over MM_ASSESSMENT_MAX_BYTES: MM_ETOOBIG. */
int mm_assessment_load(mm_assessment **out, const mm_catalog *cat, const char *path)
    __attribute__((warn_unused_result));

/* Applies a scan result file (the JSON of `mamori scan --format json`) to the assessment:
 * for Rev 3, each rule's objectives; for Rev 2, each rule's requirements (a fail makes the
 * requirement not met; a pass is attached as evidence only, since a setting shows only part
 * of a Rev 2 requirement). Call once per scan, then mm_assessment_finish_scans. Errors name
 * the file and the JSON path. */
int mm_assessment_apply_scan(mm_assessment *a, const char *data, size_t len, const char *name)
    __attribute__((warn_unused_result));

/* Decides every scanned objective: any fail on any host: other than satisfied; all pass:
 * satisfied (Rev 3). A human answer that contradicts the scans is kept only when it has a
 * written justification (an override, reported); otherwise the scans decide and a note
 * says so. */
int mm_assessment_finish_scans(mm_assessment *a) __attribute__((warn_unused_result));

/* A complete template for fw with every objective and its text, as JSON (malloc'd). */
int mm_assessment_template(char **out, const mm_catalog *cat, const mm_profile *profile)
    __attribute__((warn_unused_result));

void mm_assessment_free(mm_assessment *a);

/* ---- evaluation ------------------------------------------------------------------------ */

typedef struct mm_requirement_result {
    mm_status status;
    size_t satisfied, not_applicable, other_than_satisfied, not_assessed; /* objectives */
    int points_lost; /* Rev 2: SPRS deduction */
    bool on_poam;    /* an open POA&M item names it */
    /* Rev 2, 3.12.2 only: scored not implemented by DoD Assessment Methodology 5(g)(iii)
     * because unimplemented requirements have no plan of action (see mm_result.no_plan) */
    bool no_plan_rule;
} mm_requirement_result;

typedef struct mm_family_result {
    size_t met, total; /* requirements (active ones) */
    size_t objectives_met, objectives_total;
} mm_family_result;

typedef enum mm_cmmc_status {
    MM_CMMC_NOT_ELIGIBLE = 0,
    MM_CMMC_CONDITIONAL, /* POA&M open; close-out within 180 days */
    MM_CMMC_FINAL        /* every requirement met */
} mm_cmmc_status;

/* Days from the Conditional CMMC status date to the POA&M close-out (32 CFR 170.21(b)). */
#define MM_CMMC_CLOSEOUT_DAYS 180

/* CMMC Level 2 (Self) status at a point in time (see mm_cmmc_level2_at). */
typedef struct mm_cmmc_level2 {
    mm_cmmc_status status; /* what the rules of 170.21(a)(2) give the result */
    bool expired;          /* conditional, and today is after closeout_by */
    char status_date[11];  /* YYYY-MM-DD: the date the result was posted */
    char closeout_by[11];  /* conditional: status_date + 180 days; "" otherwise */
    size_t late_poam;      /* open POA&M items planned to finish after closeout_by */
} mm_cmmc_level2;

/* An ODP whose value in the assessment contradicts the profile's fixed one. */
typedef struct mm_odp_conflict {
    size_t odp; /* index into catalog->odps */
    const char *given;
    const char *fixed;
} mm_odp_conflict;

typedef struct mm_result {
    const mm_assessment *assessment;     /* borrowed */
    const mm_profile *profile;           /* borrowed; NULL for Rev 2 */
    mm_requirement_result *requirements; /* parallel to catalog->requirements */
    mm_family_result *families;          /* parallel to catalog->families */
    size_t requirements_met, requirements_total, requirements_not_assessed;
    size_t objectives_met, objectives_total, objectives_not_assessed;
    /* Rev 2 */
    bool sprs_valid;
    int sprs; /* meaningful only when sprs_valid */
    const char *sprs_invalid_reason;
    mm_cmmc_status cmmc;
    const char **cmmc_reasons; /* why not eligible, or the conditions of conditional */
    size_t ncmmc_reasons;
    const char *cmmc_closeout; /* conditional: POA&M close-out deadline YYYY-MM-DD */
    mm_cmmc_level2 cmmc2;      /* the status on the evaluation's "today" (with expiry) */
    /* CMMC Level 1 (Self), 32 CFR 170.15 and 170.21(a)(1): the 17 Rev 2 requirements of
     * FAR 52.204-21 (catalog far_52_204_21); final only when every one is met */
    mm_cmmc_status cmmc1; /* MM_CMMC_FINAL or MM_CMMC_NOT_ELIGIBLE */
    const char **cmmc1_reasons;
    size_t ncmmc1_reasons;
    /* Requirements not met, partial or not assessed with no open POA&M item (the plan of
     * action of Rev 2 3.12.2 / Rev 3 03.12.02), indices into catalog->requirements. For
     * Rev 2 a non-empty list scores 3.12.2 not implemented (Methodology 5(g)(iii)); for
     * Rev 3 it is a warning only. */
    size_t *no_plan;
    size_t nno_plan;
    /* both */
    const char **warnings;
    size_t nwarnings;
    size_t *gaps; /* requirement indices not met, in priority order */
    size_t ngaps;
    const char **odp_effective; /* parallel to catalog->odps: value used in reports */
    mm_odp_conflict *conflicts;
    size_t nconflicts;
    struct mm_arena *arena;
} mm_result;

/* Evaluates an assessment. profile may be NULL (Rev 2, or no ODP profile). Dates that
 * need "today" (the CMMC close-out when the assessment has no date) use the clock. */
int mm_assessment_evaluate(mm_result **out, const mm_assessment *a, const mm_profile *profile)
    __attribute__((warn_unused_result));

/* Same, with "today" given as a Unix time (e.g. SOURCE_DATE_EPOCH), for reproducible output. */
int mm_assessment_evaluate_at(mm_result **out, const mm_assessment *a, const mm_profile *profile,
                              long long now) __attribute__((warn_unused_result));
void mm_result_free(mm_result *r);

/* CMMC Level 2 (Self) status of r as of today, for a result posted on status_date (both
 * YYYY-MM-DD; status_date NULL: today). Pure: reads r only, allocates nothing, so the server
 * can compute the status from the date a submission was received and expire it in lists.
 * Conditional becomes expired when today is after status_date + 180 days (32 CFR 170.21(b));
 * a later final result is the caller's to look for. Errors: MM_EINVALID (a date not
 * YYYY-MM-DD; r not Rev 2). */
int mm_cmmc_level2_at(mm_cmmc_level2 *out, const mm_result *r, const char *status_date,
                      const char *today) __attribute__((warn_unused_result));

/* "final", "conditional", "conditional-expired" or "not-eligible". */
const char *mm_cmmc_level2_status_name(const mm_cmmc_level2 *s);

/* The SPRS record of DoD Assessment Methodology v1.2.1 Annex B for a Rev 2 result. Strings
 * are borrowed from the assessment/result; plan_complete is "" when none. */
typedef struct mm_sprs_record {
    const char *ssp_name, *ssp_version, *ssp_date;
    const char *const *cage_codes;
    size_t ncage_codes;
    const char *assessment_date;
    int score;
    char plan_complete[11];      /* latest planned finish of open POA&M items; "" when 110 */
    const char *assessment_type; /* "Basic": the contractor's self-assessment */
    const char *confidence;      /* "Low": DFARS 252.204-7020(a), a Basic Assessment "results in
                                    a confidence level of 'Low' ... because it is a
                                    self-generated score" */
} mm_sprs_record;

/* Fills the SPRS record. Errors (message "FILE: $.path: missing, needed for the SPRS
 * record" or why): MM_EINVALID for a missing input, no valid score, or a Rev 3 result. */
int mm_sprs_record_get(mm_sprs_record *out, const mm_result *r) __attribute__((warn_unused_result));

/* Lookup function for mm_catalog_render giving the effective ODP values of r. */
const char *mm_result_odp_lookup(void *result, const char *odp_id);

#ifdef __cplusplus
}
#endif
#endif
