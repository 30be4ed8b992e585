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

/* The store's version without a round trip per request (PostgreSQL). A thread with a
 * connection of its own listens for the NOTIFY that every write transaction sends at its
 * commit (mm_store_wait_change) and reads the head (mm_store_audit_head) again at once when
 * told, and at least every MM_VERSION_POLL_MS anyway. A request uses the watched version
 * only when the read it came from began less than MM_VERSION_BOUND_MS ago; else (the
 * connection lost, being re-made, or the thread late) it reads the version itself. So a
 * change committed on any instance is seen by every request that begins
 * MM_VERSION_BOUND_MS after its commit or later, on every instance; usually much sooner
 * (as soon as the notification arrives, a fraction of a millisecond), and at once on the
 * instance that made it (mm_version_watch_touch). docs/store.md. */
#define MM_VERSION_POLL_MS  100
#define MM_VERSION_BOUND_MS 250
typedef struct mm_version_watch mm_version_watch;
/* Starts watching db's version: *out NULL (and MM_OK) when the database cannot tell of
 * changes (SQLite, where a request reads the version itself in a few microseconds). */
int mm_version_watch_start(mm_version_watch **out, const char *db)
    __attribute__((warn_unused_result));
void mm_version_watch_stop(mm_version_watch *w); /* NULL: nothing */
/* The watched version in *out when it is fresh (see above); false: read it yourself. */
bool mm_version_watch_get(mm_version_watch *w, int64_t *out);
/* After a request that may have written (any method but GET and HEAD), before its answer:
 * this process's next requests read the version themselves until the watcher has read it
 * anew, so a client sees its own change on the instance that made it at once. */
void mm_version_watch_touch(mm_version_watch *w);

#endif
