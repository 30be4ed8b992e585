/* Internal interface of the OSCAL writers (src/report/oscal*.c): the document being built,
 * its ids and the JSON helpers the SSP, AP, AR and POA&M writers share (oscal.c). */
#ifndef MM_REPORT_OSCAL_INTERNAL_H
#define MM_REPORT_OSCAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "mamori/error.h"
#include "report/report_internal.h"

#define OSCAL_VERSION "1.1.3"
#define MM_NS         "https://mamori.dev/ns/oscal"
#define RFC4122       "https://ietf.org/rfc/rfc4122"
#define R3_CATALOG_HREF                                                                            \
    "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-171/rev3/"      \
    "json/NIST_SP800-171_rev3_catalog.json"
#define R2_HREF         "https://doi.org/10.6028/NIST.SP.800-171r2"
#define SSP_HREF        MM_OSCAL_SSP_FILE
#define AP_HREF         MM_OSCAL_AP_FILE
#define R2_CATALOG_HREF MM_OSCAL_R2_CATALOG_FILE
#define R2_PROFILE_HREF MM_OSCAL_R2_PROFILE_FILE
#define CUI_REGISTRY    "https://www.archives.gov/cui/registry/category-list"
#define MODERATE        "fips-199-moderate"
#define NO_ORG          "Unnamed organization"
#define NO_SYSTEM       "Unnamed system"
#define NOT_PROVIDED    "Not provided."
#define NO_STATEMENT    "No implementation statement was provided in the assessment."
#define SYSTEM_SUBJECT  "this-system"

/* A role for each distinct "responsible" text of the assessment. */
typedef struct resp_role {
    const char *title; /* the text, on one line */
    const char *id;    /* "responsible-it-manager" */
} resp_role;

typedef struct doc {
    const mm_result *r;
    const mm_assessment *a;
    const mm_catalog *cat;
    const mm_report_options *o;
    mm_arena *ar;
    bool r2;
    bool failed;             /* a jansson constructor returned NULL */
    const char *org, *sys;   /* display names, never NULL */
    const char *org_key;     /* org and system as they go into UUID names */
    const char *sys_key;     /* ("/" and "%" escaped) */
    const char *fw_label;    /* "NIST SP 800-171 Rev 3" */
    char ts[21];             /* the report's timestamp */
    char org_party[37];      /* UUIDs shared by the three documents */
    char assessor_party[37]; /* "" when the assessment names no assessor */
    char official_party[37]; /* "" when it names no affirming official */
    char component[37];      /* the component "this-system" */
    char system_id[37];
    resp_role *roles;
    size_t nroles;
} doc;

const char *oscal_line(doc *d, const char *s, const char *fallback);
const char *oscal_text(const char *s, const char *fallback);
const char *oscal_date_time(doc *d, const char *date);
void oscal_uuid_of(const doc *d, char out[37], const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *oscal_control_id(doc *d, const mm_requirement *q);
const char *oscal_statement_id(doc *d, const mm_requirement *q);
const char *oscal_objective_id(doc *d, const mm_objective *ob);
json_t *oscal_obj(doc *d);
json_t *oscal_arr(doc *d);
void oscal_put(json_t *o, const char *key, json_t *v);
void oscal_put_str(doc *d, json_t *o, const char *key, const char *s);
void oscal_put_arr(json_t *o, const char *key, json_t *a);
void oscal_push(json_t *a, json_t *v);
void oscal_push_str(doc *d, json_t *a, const char *s);
void oscal_add_prop(doc *d, json_t *props, const char *name, const char *value, bool ours,
                    const char *remarks);
void oscal_add_prop_int(doc *d, json_t *props, const char *name, long long v);
json_t *oscal_uuid_json(doc *d, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
json_t *oscal_ref(doc *d, const char *key, const char *uuid);
json_t *oscal_uuid_list(doc *d, const char *key, const char *uuid);
bool oscal_unmet(mm_status s);
const char *oscal_impl_state(const mm_requirement_result *rr);
const char *oscal_status_phrase(mm_status s);
bool oscal_satisfied(mm_status s);
const char *oscal_cmmc_name(mm_cmmc_status s);
const char *oscal_no_plan_text(doc *d);
int oscal_doc_init(doc *d, const mm_result *r, const mm_report_options *o);
int oscal_doc_finish(doc *d, mm_buf *b, json_t *root, const char *what);
json_t *oscal_responsible_party(doc *d, const char *role_id, const char *party);
json_t *oscal_responsible_roles(doc *d, const char *responsible);
json_t *oscal_metadata(doc *d, const char *kind_title, const char *remarks);
json_t *oscal_system_id(doc *d);
json_t *oscal_subjects(doc *d);
void oscal_add_evidence_links(doc *d, json_t *links, const char *const *ev, size_t n);
void oscal_add_relevant_evidence(doc *d, json_t *out, const char *const *ev, size_t n);
const char *oscal_remarks_of(doc *d, const char *justification, const char *notes);
json_t *oscal_reviewed_controls(doc *d);

#endif
