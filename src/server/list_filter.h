/* mamori serve: the contractor list's filters (docs/dashboard.md "Filters"), read from a
 * request's query the same way by the page (web_contractors.c), the API (api.c) and the
 * streamed CSV (export.c). The route table (routes.c Q_LIST_FILTERS) has checked each value
 * before a handler runs. */
#ifndef MM_SERVER_LIST_FILTER_H
#define MM_SERVER_LIST_FILTER_H

#include "server/internal.h"

/* The filters of one request; the strings are borrowed from the request (NULL: none). */
typedef struct list_filter {
    const char *q, *status, *affirmation, *framework, *sector, *supply, *supplier_of;
    const char *assessed_from, *assessed_to, *received_from, *received_to;
    const char *score_min, *score_max; /* whole percentages, as given */
    bool overdue;
} list_filter;

/* Reads the filters of r's query; an empty value is the same as none. */
void list_filter_read(list_filter *f, http_req *r);
/* Sets q's filters (not its kind, sort or page) from f and r's dates. */
void list_filter_query(const list_filter *f, const http_req *r, mm_org_query *q);
/* Appends f as "name=value&..." (values URL-encoded) to out (size bytes, NUL-terminated, may
 * be empty); false when it does not fit. */
bool list_filter_url(const list_filter *f, char *out, size_t size);
/* Whether any filter is set. */
bool list_filter_any(const list_filter *f);

#endif
