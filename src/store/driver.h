/* The store's SQL layer and the small driver under it. Internal to src/store.
 *
 * Every domain function (orgs.c, users.c, audit.c, submissions.c, share.c, incident.c,
 * dump.c) is written once, in SQL both databases read, with parameters written $1..$n and
 * bound by type. A driver (sqlite.c, postgres.c) knows only how to connect, run one such
 * statement, and its dialect: the few words that differ, substituted where the SQL says
 * {WORD} or {WORD:arg} (schema.c mostly). Models: OpenSMTPD's queue_backend, curl's
 * Curl_ssl. docs/store.md, "How to add a store query". */
#ifndef MM_STORE_DRIVER_H
#define MM_STORE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mamori/store.h"

/* A bound parameter. */
typedef enum mm_param_type { MM_P_NULL, MM_P_TEXT, MM_P_INT, MM_P_BOOL } mm_param_type;
typedef struct mm_param {
    mm_param_type type;
    const char *text; /* MM_P_TEXT */
    int64_t i;        /* MM_P_INT, MM_P_BOOL */
} mm_param;

/* NULL text is SQL NULL of type text; P_NULL a NULL whose type the statement decides */
#define P_TEXT(s)  ((mm_param){MM_P_TEXT, (s), 0})
#define P_INT(v)   ((mm_param){MM_P_INT, NULL, (int64_t)(v)})
#define P_BOOL(b)  ((mm_param){MM_P_BOOL, NULL, (b) ? 1 : 0})
#define P_NULL     ((mm_param){MM_P_NULL, NULL, 0})
#define NPARAMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* the sector the contractor list shows and filters on (orgs.c, views.c): the identifiers'
 * "sector" of organization o, "unknown" when none (web_sector_of) */
#define MM_SECTOR_SQL "coalesce(nullif({JSON_TEXT:o.identifiers:sector}, ''), 'unknown')"

/* One result row: n cells, v[i] the text of cell i (NULL for SQL NULL; integers in decimal,
 * booleans "1"/"0" on SQLite and "t"/"f" on PostgreSQL: read them with mm_cell_bool), len[i]
 * its length. Borrowed for the call; a non-zero return stops the statement and is returned. */
typedef int (*mm_row_fn)(void *ctx, int n, const char *const *v, const size_t *len);
/* A mm_row_fn: the first cell of a row as an int into *(int *)ctx. */
int mm_row_int(void *ctx, int n, const char *const *v, const size_t *len);

typedef enum mm_tx_mode {
    MM_TX_READ,    /* one read snapshot while writers go on */
    MM_TX_WRITE,   /* the write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: READ COMMITTED and a
                    * transaction-scoped advisory lock), held to the end: the audit chain's lock */
    MM_TX_MIGRATE, /* as MM_TX_WRITE with the migration lock (PostgreSQL) */
    /* a write whose write lock is taken later, by the driver's lock (only for drivers that
     * have one: mm_store_begin_late) */
    MM_TX_WRITE_LATE,
} mm_tx_mode;

/* A dialect word: {name} or {name:arg} in SQL text becomes text, where "@" stands for arg. */
typedef struct mm_word {
    const char *name, *text;
} mm_word;

typedef struct mm_driver {
    const char *name;
    const mm_word *words; /* ends with {NULL, NULL} */
    /* Connects to path (a file, or a libpq URL); *out is the driver's handle. */
    int (*open)(void **out, const char *path);
    void (*close)(void *db);
    int (*begin)(void *db, mm_tx_mode mode);
    int (*commit)(void *db);
    int (*rollback)(void *db); /* quiet: keeps the error message of what failed */
    /* Runs sql (after word substitution) with n typed parameters: row(ctx, ...) for every
     * result row (row may be NULL); *changes (may be NULL) the rows a write changed. With n
     * == 0 and no row, sql may hold several statements (the migrations). Errors: a broken
     * foreign key MM_ENOTFOUND, a duplicate MM_ECONFLICT, another constraint MM_EINVALID,
     * else MM_EIO/MM_ENOMEM, with the database's message. */
    int (*exec)(void *db, const char *sql, int n, const mm_param *p, mm_row_fn row, void *ctx,
                int64_t *changes);
    /* The schema version at path without migrating or creating anything (0: none). */
    int (*schema_peek)(const char *path, int *out);
    /* After an import: table's id counter continues after its highest key. */
    int (*reset_sequence)(void *db, const char *table, const char *key);
    /* Optional (NULL: the write lock is always taken at begin). Takes the write lock in a
     * transaction begun with MM_TX_WRITE_LATE (no-op when held or not in such a one): the
     * audit chain's lock, taken by mm_store_audit_append before it reads the chain's head. */
    int (*lock)(void *db);
    /* Optional (NULL: the database cannot tell). Waits at most timeout_ms for a write
     * transaction of any connection to commit; *changed true when one did (or may have: the
     * first call, which starts listening). MM_EIO when the connection is lost. */
    int (*wait_change)(void *db, int timeout_ms, bool *changed);
} mm_driver;

extern const mm_driver mm_driver_sqlite;
extern const mm_driver mm_driver_postgres;

/* ---- the SQL layer (db.c): what every domain file uses --------------------------------- */

struct mm_store {
    const mm_driver *drv;
    void *db;
    bool in_tx; /* inside mm_store_begin */
    int depth;  /* inside mm_db_tx_begin */
};

/* Runs one statement (see mm_driver.exec), each {WORD} of sql replaced by the driver's word;
 * a write inside mm_store_begin under a savepoint of its own. */
int mm_db_exec(mm_store *s, const char *sql, int n, const mm_param *p, mm_row_fn row, void *ctx,
               int64_t *changes);
/* Runs one statement; *out (when out is given) gets the rows as arrays of strings or null. */
int mm_db_rows(mm_store *s, json_t **out, int64_t *changes, const char *sql, int n,
               const mm_param *p);
/* The first cell of the first row as an integer in *out (0 when no row or NULL). */
int mm_db_int(mm_store *s, int64_t *out, const char *sql, int n, const mm_param *p);
/* The first row of a SELECT in *out (the caller's); MM_ENOTFOUND with message notfound when
 * there is none. */
int mm_db_row(mm_store *s, json_t **out, const char *notfound, const char *sql, int n,
              const mm_param *p);
/* A write that changes rows: MM_ENOTFOUND with message notfound when it changed none. */
int mm_db_change(mm_store *s, const char *notfound, const char *sql, int n, const mm_param *p);
/* One insert path: runs sql (an INSERT, with RETURNING id when out_id is wanted), *out_id
 * (may be NULL) the first cell (0 on failure). A broken reference gets the message notfound,
 * a duplicate the message conflict (printf-style, with the arguments after it); NULL keeps
 * the database's. */
int mm_db_insert(mm_store *s, int64_t *out_id, const char *sql, int n, const mm_param *p,
                 const char *notfound, const char *conflict, ...)
    __attribute__((format(printf, 7, 8)));
/* MM_ENOTFOUND with the message notfound (printf-style) when the SELECT count(*) sql counts
 * no row. */
int mm_db_exists(mm_store *s, const char *sql, int n, const mm_param *p, const char *notfound, ...)
    __attribute__((format(printf, 5, 6)));
/* A write of several statements: its own transaction under the write lock, or a savepoint
 * in the caller's (mm_store_begin), so that a failure leaves nothing of it. */
int mm_db_tx_begin(mm_store *s);
int mm_db_tx_end(mm_store *s, int rc);

/* {"total", "items": [make(row), ...]} of rows (consumed) whose cells are (total, page
 * columns...), the page columns NULL when the page is empty (the count comes alone). */
int mm_db_paged(json_t **out, json_t *rows, json_t *(*make)(const json_t *row));
/* One page of an organization's rows: checks org_id and the page (messages name what), that
 * the organization exists, then runs sql ($1 the organization, $2 limit, $3 offset; its first
 * column the total, as mm_db_paged reads) into *out. */
int mm_db_org_page(mm_store *s, json_t **out, const char *what, const char *org_id, int64_t offset,
                   int64_t limit, const char *sql, json_t *(*make)(const json_t *row));

/* Row cells from first on as an object: keys[i] (NULL-terminated) names cell first + i, of
 * type types[i]: 's' text or null, 'i' integer or null, 'b' boolean, 'o' a JSON object
 * ({} when not one), 'a' a JSON array. NULL when out of memory. */
json_t *mm_row_object(const json_t *row, size_t first, const char *const *keys, const char *types);
/* Rows (consumed) of a parent's cells (keys and types as mm_row_object's; the first its id)
 * then a member's (all NULL when it has none), ordered by parent: in *out the parents, each
 * with "members": [member(row), ...]. With one (the message when there is none), the first
 * parent alone (MM_ENOTFOUND when there is none). */
int mm_db_groups(json_t **out, json_t *rows, const char *const *keys, const char *types,
                 json_t *(*member)(const json_t *row), const char *one);
/* The rows of a SELECT as such objects in *out. */
int mm_db_objects(mm_store *s, json_t **out, const char *sql, int n, const mm_param *p,
                  const char *const *keys, const char *types);

/* Reading rows of mm_db_rows. */
const char *mm_cell(const json_t *row, size_t i);
json_t *mm_cell_text(const json_t *row, size_t i);              /* string or null */
json_t *mm_cell_int(const json_t *row, size_t i);               /* integer or null */
json_t *mm_cell_json(const json_t *row, size_t i, bool object); /* parsed ({} / [] if bad) */
bool mm_cell_bool(const char *v);
void mm_cell_copy(char *dst, size_t size, const json_t *row, size_t i); /* "" for NULL */
int64_t mm_cell_i64(const json_t *row, size_t i);
int mm_oom(void);
int mm_crypto_ready(void); /* sodium_init, with a message when it fails */
/* Sets o[key] = v (stealing v); clears *ok when v is NULL or the set fails. */
void mm_put(json_t *o, const char *key, json_t *v, bool *ok);

/* ---- schema (schema.c), checks shared by the domain files (db.c) ------------------------- */

/* Copies every organization's latest submission (organizations.latest_submission) onto its
 * row: latest_received, _framework, _score, _status, _assessed, _affirmed_by (NULL when it
 * has none). Run by migration 5 (intended 8) and after an import (the dump leaves out these
 * derived columns); mm_store_insert_submission sets them for one organization. */
#define MM_ORG_LATEST_REFRESH                                                                      \
    "UPDATE organizations SET (latest_received, latest_framework, latest_score, latest_status,"    \
    " latest_assessed, latest_affirmed_by) = (SELECT s.received, s.framework, s.score, s.status,"  \
    " s.assessed, s.affirmed_by FROM submissions s WHERE s.id = organizations.latest_submission)"

int mm_schema_migrate(mm_store *s);
bool mm_store_valid_kind(const char *kind);
bool mm_nonempty(const char *s);
bool mm_is_hex(const char *s, size_t len);
bool mm_one_of(const char *s, const char *const *list, size_t n); /* s is one of list[0..n) */
int mm_need(const char *value, const char *what);
int mm_check_page(const char *what, int64_t offset, int64_t limit);
bool mm_json_object_text(const char *text);
void mm_now(char out[21]);

/* ---- signed documents stored: submissions.c, affirmations.c ----------------------------- */

typedef struct mm_field {
    const char *value, *name;
} mm_field;

/* The checks of a signed document's record before it is stored: every required field
 * non-empty ("PREFIX: NAME is required"), each of dates a date ("PREFIX: NAME 'V' is not
 * YYYY-MM-DD"), body_hash 64 lowercase hex digits, a key row; prefix is "submission ID" or
 * "affirmation". MM_EINVALID. */
int mm_signed_rec_check(const char *prefix, const mm_field *required, size_t nrequired,
                        const mm_field *dates, size_t ndates, const char *body_hash,
                        int64_t key_row);

/* What a signed document's row refers to, checked against one row of the store whose first
 * four cells are the organization's id (NULL: none), the key row's id (NULL: none), the key
 * row's organization and how many stored documents have the same content hash, in that
 * order: "PREFIX: no organization 'ORG'" (MM_ENOTFOUND); then after_org (may be NULL: the
 * caller's own check of the row, MM_OK or an error with its message); "PREFIX: no signing
 * key N" (MM_ENOTFOUND, only when key_named; else a missing key is not the organization's);
 * "PREFIX: signing key N is not ORG's" (MM_EINVALID); "KIND already received (same content
 * hash)" (MM_ECONFLICT). */
typedef struct mm_signed_refs {
    const char *prefix; /* "submission ID", "affirmation" */
    const char *kind;   /* "submission", "affirmation" */
    const char *org_id;
    int64_t key_row;
    bool key_named;
    int (*after_org)(const json_t *row, const void *ctx);
    const void *ctx;
} mm_signed_refs;
int mm_signed_refs_check(const mm_signed_refs *w, const json_t *row);

/* ---- dump: the fixed list of tables and columns (dump.c) ---------------------------------- */

typedef enum mm_col_type { MM_COL_TEXT, MM_COL_INT, MM_COL_BOOL } mm_col_type;

typedef struct mm_dump_column {
    const char *name;
    mm_col_type type;
    bool nullable;
    bool deferred; /* inserted as NULL, set once every table is in */
} mm_dump_column;

typedef struct mm_dump_table {
    const char *name;
    const char *key; /* the primary key column (first column); rows go in its order */
    const mm_dump_column *cols;
    size_t ncols;
    bool identity; /* the key is a counter (reset after an import) */
} mm_dump_table;

extern const mm_dump_table mm_dump_tables[];
extern const size_t mm_dump_ntables;

#endif
