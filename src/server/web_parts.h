/* mamori serve: the pieces the dashboard's page files (web_*.c) share (web_parts.c). */
#ifndef MAMORI_SERVER_WEB_PARTS_H
#define MAMORI_SERVER_WEB_PARTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "server/web.h"

#define PER_PAGE 50 /* rows of a paged table */

/* A string member of o, or NULL. */
const char *web_sval(const json_t *o, const char *k);
/* Where a signed-in user starts: /overview (the authority) or /my. */
const char *web_home_of(const principal *w);

/* A filter form's <label>LABEL <input type="text"></label> and <label>LABEL <select></label>
 * (a "-" option for none, then opts, value selected): the label from the catalog, every text
 * escaped (web_map.c, web_suppliers.c). */
void web_text_input(page *p, const char *name, const char *label, const char *value);
void web_select_input(page *p, const char *name, const char *label, const char *const *opts,
                      const char *value);

/* The organization's sector identifier, or NULL. */
const char *web_sector_of(const json_t *org);
/* The name of a sector identifier in p's language (content/web/i18n "sector.ID"), or the
 * identifier itself when the catalog has no name for it. */
const char *web_sector_label(const page *p, const char *id);
/* An ESPA sector (content/screening/espa-sectors.json) by its key: its name as the data gives
 * it, in the page's language where the data has one (web_parts.c espa_label), else the key;
 * as text (an <option>), or put escaped and, in the other language, in <span lang>; put
 * answers whether the data verified the name shown. */
const char *web_espa_sector_label(const page *p, const char *key);
bool web_put_espa_sector(page *p, const char *key);
/* An installation plan's state (docs/screening.md "States") in the page's language
 * ("plans.state.under-examination"); an unknown one as it is. */
const char *web_plan_state_label(const page *p, const char *state);
/* An organization's identifier as <dt>name</dt><dd>value</dd>: the names mamori knows (cage,
 * sector) and the sector's value from the catalogs, any other as typed (in <bdi>). */
void web_put_identifier(page *p, const char *key, const char *value);
/* The score of a latest submission (or a dash). */
void web_put_score(page *p, const json_t *latest);
/* The score out of its framework's maximum, "92 / 97" (the maximum muted), and with_fw its
 * framework's label after it, "(Rev 3)"; a dash when there is no score. */
void web_put_score_of(page *p, const json_t *latest, bool with_fw);
/* A requirement id, linked to /requirements/{id} when link. */
void web_put_req_link(page *p, const char *req, bool link);
/* <th scope="col" class="cls">the string key</th> */
void web_th(page *p, const char *key, const char *cls);
/* The gaps of a submission summary as a table (requirement links when links). */
void web_put_gaps_table(page *p, const json_t *summary, bool links);
/* The latest submission of an organization as the lists show it into *out (a new reference;
 * json null when it has none): MM_OK or the store's code. */
int web_latest_row(http_req *r, const json_t *org, json_t **out);
/* web_submission, with "not found" (or no id) as MM_OK and *out NULL. */
int web_submission_opt(http_req *r, const char *id, json_t **out);

/* The authority's aggregate pages are the same for every reader: web_page_cached puts the
 * cached contents of what (in p's language, today) into p and is true on a hit; else
 * *version is the store's version to keep the page under with web_page_keep (-1: the store
 * did not answer). */
bool web_page_cached(page *p, http_req *r, char *key, size_t size, const char *what,
                     int64_t *version);
void web_page_keep(page *p, const char *key, int64_t version);

/* The overdue milestones table (id "overdue") of mm_store_overdue_milestones' items: the
 * overview's oldest and the /overdue page (web_overdue.c). */
void web_overdue_table(page *p, const json_t *items);
/* The overdue counts of portfolio_overdue_counts: how many contractors (id
 * "overdue-contractors"), by age (table "overdue-ages"), the top requirements (table
 * "overdue-requirements"); on the overview and /overdue. */
void web_overdue_counts(page *p, const json_t *c);

#endif
