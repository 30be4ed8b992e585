/* mamori serve: the contractor list and the audit log as CSV (docs/api.md): the list's rows,
 * and the whole filtered list (GET /api/v1/contractors.csv) or log (GET /api/v1/audit.csv)
 * streamed, read a page at a time. */
#ifndef MM_SERVER_EXPORT_H
#define MM_SERVER_EXPORT_H

#include "server/internal.h"
#include "util/util.h"

/* The header line, and one contractor (an item of mm_store_list_orgs annotated by
 * affirmation_annotate); every cell through mm_buf_put_csv (formula and bidi safe). */
void contractors_csv_header(mm_buf *b);
void contractors_csv_row(mm_buf *b, const json_t *item);

/* GET /api/v1/contractors.csv: every contractor of the filtered, sorted list (the list's
 * query parameters, no paging), streamed as chunks of at most EXPORT_PAGE rows. */
void h_contractors_export(http_req *r, reply *out);

/* GET /api/v1/audit.csv: every record of the audit log matching the filters of GET
 * /api/v1/audit (no paging), newest first, streamed MM_AUDIT_PAGE_MAX records at a time. */
void h_audit_export(http_req *r, reply *out);

/* Rows read from the store at a time. */
#define EXPORT_PAGE 1000

#endif
