/* mamori serve: critical infrastructure (docs/screening.md, docs/api.md "Critical
 * infrastructure"): the sector list, organizations' sectors and designations, installation
 * plans and their examination clock. screen.c holds the domain actions (each write audited),
 * screen_api.c the API's adapters. An operator sees its own plans, the authority every plan;
 * nothing here tells a supplier or maintainer named in a plan that the plan exists. */
#ifndef MM_SERVER_SCREEN_H
#define MM_SERVER_SCREEN_H

#include "mamori/screen.h"
#include "server/bodies.h"
#include "server/internal.h"
#include "server/supply.h"

extern const body_field body_org_sector[], body_plan_state[], body_plan_deadline[],
    body_plan_withdraw[];

/* The ESPA sector list, loaded once (embedded content); NULL with the message logged when it
 * cannot be. Borrowed for the life of the process. */
const json_t *screen_sectors(void);

/* Records org_id's sector (a key of the list) and designation (both or neither), audited as
 * organization.sector; *out: the stored row. */
int screen_sector_set(http_req *r, const char *org_id, const char *sector, const char *designated,
                      const char *ministry, json_t **out, act_fail *f);

/* Files the plan in r->body for operator org_id (the plan's own "operator" must name it): the
 * plan is checked against the sector list ("body: $.path: ..."), the operator must be
 * designated in the plan's sector, every {"org": ID} party must exist, a product must be one
 * of the supplier's products. Audited as plan.file; *out: the stored plan. */
int screen_plan_file(http_req *r, const char *org_id, json_t **out, act_fail *f);

/* Moves plan id to state to with reason, audited as plan.state; org_id non-NULL: the plan
 * must be that organization's (404 otherwise). *out: the plan. */
int screen_plan_move(http_req *r, const char *org_id, const char *id, const char *to,
                     const char *reason, json_t **out, act_fail *f);

/* Changes plan id's examination deadline to due with reason, audited as plan.deadline. */
int screen_plan_deadline(http_req *r, const char *id, const char *due, const char *reason,
                         json_t **out, act_fail *f);

/* The authority's screening view of plan id (screen_view.c; docs/screening.md "The screening
 * view"): {"plan", "sector", "category", "product", "parties": [{"role", "path", "org" or
 * "name", "known", "organization_name", "latest_status", "supply_edges", "notes"}]}. */
int screen_plan_view(http_req *r, const char *id, json_t **out);

void h_sectors_list(http_req *r, reply *out);
void h_org_sector(http_req *r, reply *out);
void h_plans_all(http_req *r, reply *out);
void h_plans_list(http_req *r, reply *out);
void h_plan_create(http_req *r, reply *out);
void h_plan_get(http_req *r, reply *out);
void h_plan_withdraw(http_req *r, reply *out);
void h_plan_state(http_req *r, reply *out);
void h_plan_deadline(http_req *r, reply *out);
void h_plan_screening(http_req *r, reply *out);

/* the dashboard's page (web_plans.c) */
void w_plans(http_req *r, reply *out);

/* seed-demo (seed_screen.c): designated operators in the sectors whose ministry the data
 * gives, and their installation plans in every state, over the demo's organizations (in the
 * caller's transaction, audited). */
int seed_screen(mm_store *st, const seed_supply_org *orgs, unsigned n, unsigned long long seed,
                const char *now);

#endif
