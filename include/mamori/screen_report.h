/*
 * The screening report of an installation plan (issue 16 item 3; docs/screening.md "The
 * screening report"): for each party named in a plan, what mamori holds on it as its reader
 * may see it, findings ranked by mamori's own documented heuristic (never a regulatory
 * criterion), signed by the server's receipt key and verifiable offline.
 *
 * The server gathers the facts (src/server/screen_report.c); everything here is pure: no
 * store, no clock, no I/O. JSON results are the caller's (json_decref); strings malloc'd.
 */
#ifndef MAMORI_SCREEN_REPORT_H
#define MAMORI_SCREEN_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "mamori/store.h"

#define MM_SCREEN_REPORT_KIND "mamori-screening-report"
/* The largest signed report (JSON or HTML) the verifier reads. */
#define MM_SCREEN_REPORT_MAX_BYTES (8u << 20)

/* The severities, most severe first ("high", "medium", "low", "info"). */
extern const char *const mm_screen_severities[4];

/* Adds "findings" (ranked: severity, then role, then the party's plan path, then rule) and
 * "summary" ({"high": n, "medium": n, "low": n, "info": n}) to report from its "parties" and
 * "product" members (docs/screening.md "Ranking" has the rules R1 to R8 and their
 * severities). Each finding: {"rank", "severity", "rule", "role", "path", "party", "what",
 * "evidence": [{"kind", ...}]}. MM_OK, MM_EINVALID (no parties array) or MM_ENOMEM. */
int mm_screen_report_rank(json_t *report) __attribute__((warn_unused_result));

/* Signs report (its "kind" must be MM_SCREEN_REPORT_KIND; "server_key_id" is set) with the
 * server's 64-byte secret key: *out the document {"screening_report": {...}, "signature":
 * base64 of Ed25519 over the canonical bytes of "screening_report"} as JSON text. */
int mm_screen_report_sign(char **out, json_t *report, const unsigned char secret_key[64])
    __attribute__((warn_unused_result));

/* Verifies a signed report against the server's 32-byte public key. JSON text, or an HTML
 * report of mm_screen_report_html (its embedded signed document is verified, and the page
 * must be exactly what that document renders to: an edited page is not valid). MM_OK with
 * *valid (the reason in mm_error_last when not), MM_EPARSE / MM_EINVALID when doc is no
 * signed report. *report_out (may be NULL): the signed report when valid. */
int mm_screen_report_verify(bool *valid, json_t **report_out, const char *doc, size_t len,
                            const unsigned char public_key[32]) __attribute__((warn_unused_result));

/* The standalone HTML report of a signed document (the text mm_screen_report_sign made):
 * every value escaped, no script, no request (its own Content-Security-Policy), the signed
 * document embedded verbatim so that mm_screen_report_verify can check the page. The same
 * input gives the same bytes. */
int mm_screen_report_html(char **out, const char *signed_doc, size_t len)
    __attribute__((warn_unused_result));

/* ---- the store (src/store/screen_report.c) --------------------------------------------- */

/* Every organization with a recorded sector: [{"org_id", "name", "sector", "designated",
 * "ministry", "recorded", "recorded_by"}] by sector and name (designated and ministry null
 * for an organization that is not a designated operator). */
int mm_store_designations(mm_store *s, json_t **out) __attribute__((warn_unused_result));

#endif
