/* mamori serve: the administration of organizations (org_admin.c): the domain actions the
 * API's handlers (api.c) and the dashboard's pages (web_orgs.c) both call. Each change is one
 * audited transaction (mm_audited_commit); nothing is written when the input is refused. */
#ifndef MAMORI_SERVER_ORG_ADMIN_H
#define MAMORI_SERVER_ORG_ADMIN_H

#include <jansson.h>

#include "server/bodies.h"
#include "server/internal.h"

/* The identifiers mamori checks, by their key in an organization's "identifiers" object: a
 * CAGE code (5 digits or capital letters), a SAM.gov UEI (12 digits or capital letters) and
 * a Japanese corporate number (法人番号, 13 digits; its check digit is not verified: the
 * demo's numbers have none). Other keys are kept as they are. */
#define ORG_NSCHEMES 3
typedef struct org_scheme {
    const char *key;   /* "cage", "uei", "corporate-number" */
    const char *field; /* the form field: "cage", "uei", "corporate_number" */
    const char *label; /* its label's string key (content/web/i18n) */
    const char *error; /* the string key of the page's message when malformed */
} org_scheme;
extern const org_scheme org_schemes[ORG_NSCHEMES];

/* What is wrong with an input, field by field (NULL: nothing): string keys of
 * content/web/i18n, which the pages show beside each field. */
typedef struct org_problems {
    const char *name;
    const char *ids[ORG_NSCHEMES];
    const char *sector;
} org_problems;

/* Checks an input of org_create (update false: name required) or of org_update (name NULL:
 * kept); every identifier a string, "" standing for none: MM_OK, or ACT_INVALID naming the
 * first bad member ("$.identifiers.cage: ...") with pr (may be NULL) filled for every one.
 * Writes nothing; the actions below call it first. */
int org_check(const char *name, const json_t *ids, bool update, org_problems *pr, act_fail *f)
    __attribute__((warn_unused_result));

/* Creates a contractor named name with identifiers (a JSON object of strings, borrowed, ""
 * members left out; NULL: none), parent_id (NULL: none) and ESPA sector (a key of the
 * sector list, NULL: none), in one transaction audited as organization.create; id gets its
 * id. ACT_INVALID naming the member ("$.identifiers.cage: ...", "$.sector: ...") with pr (may
 * be NULL) filled field by field. */
int org_create(http_req *r, const char *name, const json_t *identifiers, const char *parent_id,
               const char *sector, char id[37], org_problems *pr, act_fail *f)
    __attribute__((warn_unused_result));

/* Edits organization id in one transaction: renames it (name NULL: kept), changes its
 * identifiers by ids (NULL: none; a string member sets that identifier, "" removes it, keys
 * not named are kept) and its ESPA sector (NULL: kept; a new sector keeps the designation
 * recorded). Either all of it is written or none. Audited once as organization.update with
 * what changed ({"changed": {"name": ..., "cage": ..., "sector": ...}}); an edit that changes
 * nothing writes nothing, no audit record either, and leaves *did false (true when written).
 * ACT_INVALID as org_create; ACT_STORE with MM_ENOTFOUND for an unknown organization, or the
 * store's failure (nothing written). */
int org_update(http_req *r, const char *id, const char *name, const json_t *ids, const char *sector,
               bool *did, org_problems *pr, act_fail *f) __attribute__((warn_unused_result));

/* A subcontractor's consent that its prime may see its summary status (PUT
 * .../consent and the consent page), audited as organization.consent. */
int org_set_prime_consent(http_req *r, const char *id, bool consent, act_fail *f)
    __attribute__((warn_unused_result));

/* The API's adapter of org_update: PUT /api/v1/organizations/{org}. */
extern const body_field body_org_update[];
void h_org_update(http_req *r, reply *out);

/* The dashboard's pages (web_orgs.c, web_consent.c). */
void w_orgs(http_req *r, reply *out);
void w_org_new(http_req *r, reply *out);
void w_org_create(http_req *r, reply *out);
void w_org_edit(http_req *r, reply *out);
void w_org_save(http_req *r, reply *out);
void w_consent(http_req *r, reply *out);
void w_consent_prime(http_req *r, reply *out);
void w_consent_supply(http_req *r, reply *out);

#endif
