/* mamori serve: the analyst's portfolio views (docs/dashboard.md "Trends", "What changed",
 * the overview's overdue counts), worked out once for the API (portfolio.c's handlers) and the
 * pages (web_trends.c, web_overview.c). Each returns MM_OK or the store's code, with *out a
 * new reference. */
#ifndef MM_SERVER_PORTFOLIO_H
#define MM_SERVER_PORTFOLIO_H

#include "server/internal.h"

#define PORTFOLIO_MONTHS_DEFAULT 12
#define PORTFOLIO_MONTHS_MAX     60
#define PORTFOLIO_SINCE_DAYS     30  /* "what changed" since this many days ago by default */
#define PORTFOLIO_CHANGES_MAX    200 /* submissions listed (the counts cover them all) */

/* The portfolio at the end of each of the last `months` months (the current one as of
 * today): {"months": [{"month": "YYYY-MM", "as_of": "YYYY-MM-DD", "frameworks":
 * {"800-171r2": {"contractors", "statuses": {status: n, ...}, "scored", "median_score":
 * number|null}, "800-171r3": {...}}}]}, oldest first. */
int portfolio_trend(http_req *r, int months, json_t **out);
/* What changed since the day (YYYY-MM-DD, not after today): mm_store_changes_since's
 * answer plus "since", "today" and "incidents": the reports the reader may see
 * (incidents_list, so the TLP decision is the API's) reported since the day. */
int portfolio_changes(http_req *r, const char *since, json_t **out);
/* mm_store_overdue_counts as of today, its ages cut at 30, 90 and 180 days, the top 10
 * requirements; plus "ages": ["1-30", "31-90", "91-180", "181+"]. */
int portfolio_overdue_counts(http_req *r, json_t **out);

/* ?since (a date the route checked) or today - PORTFOLIO_SINCE_DAYS into since[11]; false
 * after a 400 (an API error) for a day after today. */
bool portfolio_since(http_req *r, reply *out, char since[11]);

/* GET /api/v1/trends?months=N and GET /api/v1/changes?since=YYYY-MM-DD */
void h_trends(http_req *r, reply *out);
void h_changes(http_req *r, reply *out);

#endif
