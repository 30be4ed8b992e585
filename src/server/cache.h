/* mamori serve: a small cache of the authority's views (contractor list, failure counts,
 * overdue milestones). Every change of stored data appends an audit record in the same
 * transaction, so the last audit id is a version of the whole store: an answer is reused
 * only while the version it was computed at is still the current one, on this instance or
 * any other sharing the database. Only routes that every authority reader sees alike are
 * cached, after the access decision. */
#ifndef MAMORI_SERVER_CACHE_H
#define MAMORI_SERVER_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "server/internal.h"

/* Fills out (status, shared text: a reference, no copy; content type) from the cache when
 * key was stored at version. */
bool mm_view_cache_get(const char *key, int64_t version, reply *out);

/* Stores the answer in out under key at version; out's JSON body (if any) is rendered to
 * text first, and out keeps an equal answer (the same shared text). */
void mm_view_cache_put(const char *key, int64_t version, reply *out);

/* The same for a piece of text (a page's contents): a malloc'd copy, or NULL on a miss. */
char *mm_view_cache_text(const char *key, int64_t version);
void mm_view_cache_store(const char *key, int64_t version, const char *text);

/* A submission (without body) as GET /api/v1/submissions/{id} answers it, from the
 * submission cache (web_submission; submissions never change), rendered once: *out a new
 * reference to the cached text. MM_ENOTFOUND or the store's code with *out NULL. */
int mm_submission_shared(http_req *r, const char *id, mm_shared_text **out);

/* What the access decision needs of an organization (routes.c): its id, kind, parent and
 * prime consent, as of this request's store version (req_store_version), from a small
 * per-process cache keyed on that version like the views (any change of stored data
 * appends an audit record, so a changed organization is read again at the next request on
 * every instance), else from the store. MM_ENOTFOUND when there is no such organization
 * (never cached), or the store's code. */
typedef struct mm_org_facts {
    char id[128];
    char kind[32];
    char parent_id[128]; /* "" when none */
    bool prime_consent;
} mm_org_facts;
int mm_org_facts_get(http_req *r, const char *id, mm_org_facts *out)
    __attribute__((warn_unused_result));

#endif
