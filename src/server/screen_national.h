/* mamori serve: the national picture of critical infrastructure (docs/screening.md "The
 * national picture", docs/sharing.md "The national aggregate"). For the authority only: per
 * ESPA sector its designated operators, the plans under examination and their deadlines, the
 * share of suppliers and maintainers named in plans without a valid assessment, incidents;
 * the drill-down sector -> operator -> plan -> party; and the aggregate the authority may
 * share with an ally's counterpart (counts only, under 5 as "<5", no names, no plan ids), as
 * JSON and as a STIX 2.1 report. screen_national.c builds the views, screen_national_api.c
 * answers the API, web_sectors.c draws the pages. */
#ifndef MM_SERVER_SCREEN_NATIONAL_H
#define MM_SERVER_SCREEN_NATIONAL_H

#include "server/internal.h"
#include "server/web.h"

/* A plan is "due soon" when its examination deadline is at most this many days away. */
#define NATIONAL_DUE_SOON_DAYS 7
/* Incident reports counted: those reported in the last this many days. */
#define NATIONAL_INCIDENT_DAYS 365

/* The national picture as of r->today (a new reference in *out):
 *   sector NULL: {"as_of", "due_soon_days", "incidents_since", "sectors": [summary...]};
 *   sector a key of the list: {"as_of", ..., "sector": summary, "operators": [...],
 *   "plans": [...]}, the operators and plans of that sector (of operator_id alone when not
 *   NULL), each plan with its parties.
 * A summary: {"key", "label_ja", "label_ja_verified", "label_en", "label_en_verified",
 * "ministry", "ministry_verified", "operators",
 * "plans", "plans_open", "due_soon", "overdue", "next_due", "suppliers": {"total",
 * "without_valid", "unknown"}, "maintainers": {...}, "share_without_valid", "incidents":
 * {"count", "last"}}. MM_ENOTFOUND for a sector not on the list; else the store's code. */
int national_picture(http_req *r, const char *sector, const char *operator_id, json_t **out);

/* One plan of the drill-down (national_picture's plan entry with its parties); MM_ENOTFOUND
 * when plan id is not of sector. */
int national_plan(http_req *r, const char *sector, const char *id, json_t **out);

/* The shareable aggregate of the picture (sector NULL): counts only, each under 5 as the
 * string "<5", the share only where neither part is under 5; no organization, no plan id. */
int national_aggregate(http_req *r, json_t **out);

/* The aggregate as a STIX 2.1 bundle: the TLP 2.0 marking (tlp: "clear", "green", "amber",
 * "amber+strict" or "red"), the authority's identity (created_by_ref), mamori's identity and
 * the extension-definition of the aggregate, and a report carrying it as a property
 * extension (docs/sharing.md). */
int national_aggregate_stix(http_req *r, const char *tlp, json_t **out);

/* The open plans (submitted, under examination, extended) whose examination deadline is at
 * most NATIONAL_DUE_SOON_DAYS away or past, soonest first: mm_store_plan_list's rows with
 * "days_left" and the operator's "operator_name" (for the overview). */
int national_due_plans(http_req *r, json_t **out);

void h_national(http_req *r, reply *out);
void h_national_sector(http_req *r, reply *out);
void h_national_aggregate(http_req *r, reply *out);

/* the dashboard's pages (web_sectors.c) */
void w_sectors(http_req *r, reply *out);
void w_sector(http_req *r, reply *out);
void w_sector_operator(http_req *r, reply *out);
void w_sector_plan(http_req *r, reply *out);
/* The overview's section of plans near their deadline (due: national_due_plans'). */
void sectors_due_section(page *p, const json_t *due);
/* An operator's own plans and their states on /my (plans: mm_store_plan_list's of its
 * organization; nothing when there are none). */
void sectors_my_plans(page *p, const json_t *plans);

#endif
