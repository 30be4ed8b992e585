/*
 * Critical infrastructure (issue 16; docs/screening.md): the sectors of Japan's Economic
 * Security Promotion Act (Act No. 43 of 2022, Chapter III) as a fixed list, operators'
 * designations, and installation plans examined before specified critical equipment is
 * installed. The sector list is content/screening/espa-sectors.json, copied from the
 * project's reference data with its "not verified" / 未読 marks; nothing here adds a sector,
 * a ministry or an equipment category the data does not give.
 */
#ifndef MAMORI_SCREEN_H
#define MAMORI_SCREEN_H

#include <stdbool.h>

#include <jansson.h>

#include "mamori/store.h"

/* The embedded sector file (or DIR/screening/espa-sectors.json when content_dir is given)
 * in *out: {"_meta": ..., "sectors": [...]}, the caller's. */
int mm_sectors_load(json_t **out, const char *content_dir) __attribute__((warn_unused_result));

/* The sector whose key is key, or NULL (borrowed from sectors). */
const json_t *mm_sector_find(const json_t *sectors, const char *key);

/* The key of the sector that text names exactly (its key, its Japanese label or its English
 * label as the data gives them, byte for byte), or NULL: no fuzzy match, no guess. */
const char *mm_sector_match(const json_t *sectors, const char *text);

/* The sector's specified critical equipment as the data gives it, numbered: an array of
 * {"id": "KEY.N", "business": ..., "text": ...} (N from 1 in the data's order); an empty
 * array when the data lists none for the sector. NULL when out of memory. */
json_t *mm_sector_equipment(const json_t *sector);

/* One sector as mamori shows it: key, label_ja, label_en, ministry, ministry_verified (true
 * only when the data says so), equipment_status and the number of equipment categories,
 * with "verified": false and the data's own words wherever the data marks a value secondary
 * or not read. NULL when out of memory. */
json_t *mm_sector_summary(const json_t *sector);

/* ---- installation plans ------------------------------------------------------------------ */

/* The states of a plan and the moves between them (docs/screening.md "States"). */
#define MM_PLAN_STATES                                                                             \
    "submitted", "under-examination", "extended", "cleared", "recommendation", "order", "withdrawn"

/* True when a plan may move from state from to state to. */
bool mm_plan_transition_ok(const char *from, const char *to);

/* The default examination period in days (the data: "examination_period": {"days": 30}). */
#define MM_PLAN_EXAM_DAYS 30

/* The largest plan file `mamori screen` reads and the largest plan the server files (POST
 * .../plans: 413 past it); a plan is a page of JSON, so 1 MiB leaves room for any real one. */
#define MM_PLAN_MAX_BYTES (1u << 20)

/* Checks an installation plan (docs/screening.md "The plan file") against the sector list:
 * operator, sector (a key of the list), equipment (category from the sector's list when the
 * data has one, else none; product, model, version), supplier, component_suppliers[],
 * maintainers[] (each party {"org": ID} or {"name": TEXT}), planned dates in order, no party
 * twice in conflicting roles. name names the file in messages: "NAME: $.path: what";
 * MM_EINVALID. */
int mm_plan_check(const json_t *plan, const json_t *sectors, const char *name)
    __attribute__((warn_unused_result));

/* ---- the store (src/store/screen.c; schema 15) ------------------------------------------- */

/* Sets an organization's sector (a key the caller has checked against the list) and, for a
 * designated operator, its designation: designated (YYYY-MM-DD) and ministry both or neither. */
int mm_store_org_sector_set(mm_store *s, const char *org_id, const char *sector,
                            const char *designated, const char *ministry, const char *by,
                            const char *now) __attribute__((warn_unused_result));
/* {"org_id", "sector", "designated", "ministry", "recorded", "recorded_by"}; MM_ENOTFOUND when
 * the organization has no sector recorded. */
int mm_store_org_sector_get(mm_store *s, json_t **out, const char *org_id)
    __attribute__((warn_unused_result));
/* Every free-text sector value the store holds from before the list (org_profiles.sector and
 * an organization's identifiers.sector): [{"org_id", "name", "from", "value", "sector"}],
 * sector the organization's recorded list key or null. */
int mm_store_sector_texts(mm_store *s, json_t **out) __attribute__((warn_unused_result));

/* Files a plan (checked by mm_plan_check): state submitted, due = filed + days. */
int mm_store_plan_file(mm_store *s, const char *id, const json_t *plan, int days, const char *by,
                       const char *now) __attribute__((warn_unused_result));
/* {"id", "operator_id", "sector", "plan", "state", "filed", "filed_by", "due", "updated",
 * "events": [{"at", "by", "from", "to", "due", "reason"}]} */
int mm_store_plan_get(mm_store *s, json_t **out, const char *id)
    __attribute__((warn_unused_result));
/* The plans of operator_id (NULL: every plan), newest first, without plan and events. */
int mm_store_plan_list(mm_store *s, json_t **out, const char *operator_id)
    __attribute__((warn_unused_result));
/* Moves a plan to state to (mm_plan_transition_ok; MM_ECONFLICT otherwise). reason is
 * required for recommendation, order and withdrawn. */
int mm_store_plan_move(mm_store *s, const char *id, const char *to, const char *reason,
                       const char *by, const char *now) __attribute__((warn_unused_result));
/* Sets the examination deadline to due (YYYY-MM-DD) with a reason (required): later than the
 * current one extends (state extended), earlier shortens (state kept). Only while the plan
 * is submitted, under-examination or extended. */
int mm_store_plan_clock(mm_store *s, const char *id, const char *due, const char *reason,
                        const char *by, const char *now) __attribute__((warn_unused_result));

/* ---- the national picture (src/store/screen_national.c; docs/screening.md) --------------- */

/* The designated operators (a designation recorded) of sector (NULL: every sector), by
 * sector and name: [{"org_id", "name", "sector", "designated", "ministry"}]. */
int mm_store_national_operators(mm_store *s, json_t **out, const char *sector)
    __attribute__((warn_unused_result));
/* The plans of sector and operator_id (each NULL: any), by sector and deadline, with their
 * bodies: [{"id", "operator_id", "sector", "state", "filed", "due", "plan"}]. */
int mm_store_national_plans(mm_store *s, json_t **out, const char *sector, const char *operator_id)
    __attribute__((warn_unused_result));
/* What the store holds on an organization named in a plan: {"org_id", "name", "kind",
 * "status", "framework", "assessed", "received"} (its latest submission's; nulls without
 * one); MM_ENOTFOUND when there is no such organization. */
int mm_store_org_standing(mm_store *s, json_t **out, const char *org_id)
    __attribute__((warn_unused_result));
/* Incident reports since (a date or time, compared with "reported") of every organization
 * with a recorded sector, per organization: [{"org_id", "sector", "count", "last"}]. */
int mm_store_national_incidents(mm_store *s, json_t **out, const char *since)
    __attribute__((warn_unused_result));

#endif
