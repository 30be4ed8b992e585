/*
 * Internal to the scan engine (engine.c, eval_system.c): the cache of parsed sources, the
 * state of one rule's evaluation and the helpers every kind of check uses.
 */
#ifndef MM_CHECK_ENGINE_INTERNAL_H
#define MM_CHECK_ENGINE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "check/check_internal.h"

/* ---- the cache of parsed sources ------------------------------------------------------- */

typedef struct parsed {
    char *name; /* "sshd", "kv:/etc/login.defs", "pam:common-auth", ... */
    int rc;
    char *error; /* mm_error_last() when rc != MM_OK */
    mm_facts facts;
    struct parsed *next;
} parsed;

typedef struct scan_ctx {
    mm_root *root;
    const mm_scan_options *opts;
    pthread_mutex_t lock; /* guards sources and the scan arena */
    parsed *sources;
    mm_arena *arena;           /* the scan's arena: evidence and messages */
    pthread_mutex_t walk_lock; /* one whole-filesystem walk, shared by the deep rules */
    bool walked;
    int walk_rc;
    mm_walk_result walk;
    const char *os_id, *os_like;
} scan_ctx;

typedef int (*parse_fn)(mm_facts *out, const mm_root *r, const char *arg);

typedef struct evidence_list {
    mm_evidence *v;
    size_t n, cap;
} evidence_list;

typedef struct eval {
    scan_ctx *c;
    evidence_list ev;
    const char *message; /* why the outcome: from the leaf that decided it */
} eval;

/* The parsed source name(arg), parsed on first use. Never NULL unless out of memory. */
parsed *eng_source(scan_ctx *c, const char *name, parse_fn fn, const char *arg);
/* Copies of strings in the scan's arena (they live as long as the scan). */
char *eng_str(scan_ctx *c, const char *s);
char *eng_fmt(scan_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends one item of evidence to e (strings copied). */
void eng_evidence(eval *e, const char *source, int line, const char *key, const char *observed,
                  const char *expected, const char *note);
/* The error result for a source that could not be read (what names it). */
mm_check_status eng_source_error(eval *e, const parsed *s, const char *what);
/* Compares observed (NULL: absent) with what n expects; fills *expected. */
mm_check_status eng_compare(eval *e, const mm_check_node *n, const char *observed,
                            const char **expected);
/* Judges the fact f (NULL: not set) against n, with evidence and message. */
mm_check_status eng_judge(eval *e, const mm_check_node *n, const mm_fact *f, const char *where,
                          const char *key);
/* The last fact with key, whatever its context. */
const mm_fact *eng_last(const mm_facts *f, const char *key);
int eng_file_exists(scan_ctx *c, const char *path);

/* The checks of eval_system.c: file, pam, package, service, mount, audit, accounts,
 * sudoers, fips, process, walk. */
mm_check_status eng_eval_system(eval *e, const mm_check_node *n);

#endif
