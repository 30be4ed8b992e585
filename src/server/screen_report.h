/* mamori serve: the screening report of an installation plan (screen_report.c: the facts and
 * the signed document; screen_report_web.c: the dashboard's page). docs/screening.md "The
 * screening report". The reader is the requester: the authority, or a user of the plan's own
 * operator; a supplier or maintainer named in a plan has no route to it. */
#ifndef MM_SERVER_SCREEN_REPORT_H
#define MM_SERVER_SCREEN_REPORT_H

#include "mamori/screen_report.h"
#include "server/internal.h"

#define SCREEN_MONTHS_DEFAULT 12
#define SCREEN_MONTHS_MAX     120
#define SCREEN_FRAMEWORKS_MAX 16

/* What the reader selected: the frameworks (pack ids; every pack of --frameworks-shown, else
 * every pack, when none is given) and the incident window in months. */
typedef struct screen_report_opts {
    const char *frameworks[SCREEN_FRAMEWORKS_MAX];
    size_t nframeworks;
    int months;
} screen_report_opts;

/* Reads ?frameworks=a,b and ?months=N (400 naming the parameter). */
int screen_report_opts_read(http_req *r, screen_report_opts *o, act_fail *f);

/* The ranked, unsigned report of plan id as the requester may see it (org_id non-NULL: the
 * plan must be that operator's, 404 otherwise): {"kind", "version", "generated", "reader",
 * "plan", "equipment", "category", "product", "selection", "parties", "findings",
 * "summary"}. Reads of incident reports shown in detail are audited as item.read. */
int screen_report_make(http_req *r, const char *org_id, const char *id, const screen_report_opts *o,
                       json_t **out, act_fail *f);

/* The same, signed by the server's receipt key (audited as plan.report): *doc the signed
 * JSON text, malloc'd. */
int screen_report_signed(http_req *r, const char *org_id, const char *id,
                         const screen_report_opts *o, char **doc, act_fail *f);

void h_plan_report(http_req *r, reply *out);
void h_org_plan_report(http_req *r, reply *out);
/* the dashboard's page of one plan (screen_report_web.c) */
void w_plan(http_req *r, reply *out);
/* the designations page and its form (web_designations.c) */
void w_designations(http_req *r, reply *out);
void w_designation_set(http_req *r, reply *out);

#endif
