/* The SQLite driver: a file opened 0600 in WAL mode with foreign keys on; statements
 * prepared once per connection (a small cache by text) with their parameters bound
 * (sqlite3_bind_*). Its dialect: TEXT compares byte by
 * byte already, INTEGER PRIMARY KEY is the id counter, JSON checks with json_valid, append-only
 * tables by RAISE(ABORT) triggers, and AUTOINCREMENT remembers the highest audit id issued. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "mamori/store.h"
#include "store/driver.h"

/* Prepared statements kept per connection, keyed by their text: a statement is parsed and
 * planned once, then reset and bound again (sqlite3_prepare costs more than most of our
 * queries take to run). Least recently used replaced; one in use (a row callback running
 * the same text again) is not shared. */
#define STMT_CACHE 48

typedef struct cached_stmt {
    char *sql; /* the text as given ($n) */
    size_t hash;
    sqlite3_stmt *st;
    uint64_t used;
    bool busy;
} cached_stmt;

typedef struct sq {
    sqlite3 *db;
    char *path;
    cached_stmt stmts[STMT_CACHE];
    uint64_t tick;
} sq;

#define SQ_REFUSE(event, EVENT)                                                                    \
    "CREATE TRIGGER @_no_" event " BEFORE " EVENT " ON @"                                          \
    "  BEGIN SELECT RAISE(ABORT, '#'); END;"

static const mm_word sq_words[] = {
    {"T", "TEXT"},
    {"ID", "INTEGER PRIMARY KEY"},
    {"INT64", "INTEGER"},
    {"BOOL", "INTEGER"},
    {"FALSE", "0"},
    {"JSON", "json_valid(@)"},
    {"OBJECT", "json_valid(@) AND json_type(@) = 'object'"},
    {"ARRAY", "json_valid(@) AND json_type(@) = 'array'"},
    {"IMMUTABLE", SQ_REFUSE("update", "UPDATE") SQ_REFUSE("delete", "DELETE")},
    {"AUDIT_ID", "INTEGER PRIMARY KEY AUTOINCREMENT"},
    {"AUDIT_ISSUED", ""},
    {"PG_FUNCTIONS", ""},
    {"PG_ARRAY_FUNCTION", ""},
    {"ISSUED", "(SELECT seq FROM sqlite_sequence WHERE name = 'audit_log')"},
    {"INSTR", "instr"},
    /* {JSON_TEXT:expr:a.b}: the text at that path of the JSON text expr, or NULL */
    {"JSON_TEXT", "json_extract(@, '$.#')"},
    {NULL, NULL},
};

static int fail(sq *s)
{
    int code = sqlite3_extended_errcode(s->db);
    /* a broken constraint is a rule of the data, told without the database's file name
     * (the server answers it: "CHECK constraint failed: status IN (...)") */
    if ((code & 0xff) == SQLITE_CONSTRAINT)
        mm_error_set("%s", sqlite3_errmsg(s->db));
    else
        mm_error_set("%s: %s", s->path, sqlite3_errmsg(s->db));
    if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
        return MM_ENOTFOUND;
    if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
        return MM_ECONFLICT;
    if ((code & 0xff) == SQLITE_CONSTRAINT)
        return MM_EINVALID;
    if ((code & 0xff) == SQLITE_NOMEM)
        return MM_ENOMEM;
    return MM_EIO;
}

static int plain(sq *s, const char *sql)
{
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? MM_OK : fail(s);
}

static int sq_exec(void *db, const char *sql, int n, const mm_param *p, mm_row_fn row, void *ctx,
                   int64_t *changes);

/* BEGIN, COMMIT, ROLLBACK and the savepoints are prepared once too (sq_exec's cache): a
 * submission's transaction runs about six of them, each parsed anew by sqlite3_exec before */
static int sq_begin(void *db, mm_tx_mode mode)
{
    return sq_exec(db, mode == MM_TX_READ ? "BEGIN" : "BEGIN IMMEDIATE", 0, NULL, NULL, NULL, NULL);
}

static int sq_rollback(void *db)
{
    sq *s = db;
    return sqlite3_get_autocommit(s->db) ? MM_OK
                                         : sq_exec(s, "ROLLBACK", 0, NULL, NULL, NULL, NULL);
}

static int sq_commit(void *db)
{
    int rc = sq_exec(db, "COMMIT", 0, NULL, NULL, NULL, NULL);
    if (rc)
        sq_rollback(db);
    return rc;
}

#define MAX_COLS 64

static size_t text_hash(const char *t)
{
    size_t h = (size_t)1469598103934665603ULL;
    for (; *t; t++)
        h = (h ^ (unsigned char)*t) * (size_t)1099511628211ULL;
    return h;
}

static void cache_clear(sq *s)
{
    for (size_t i = 0; i < STMT_CACHE; i++) {
        sqlite3_finalize(s->stmts[i].st);
        free(s->stmts[i].sql);
        memset(&s->stmts[i], 0, sizeof s->stmts[i]);
    }
}

/* The cached statement of sql (marked busy), or NULL. */
static cached_stmt *cache_find(sq *s, const char *sql, size_t hash)
{
    for (size_t i = 0; i < STMT_CACHE; i++) {
        cached_stmt *c = &s->stmts[i];
        if (c->st && !c->busy && c->hash == hash && strcmp(c->sql, sql) == 0) {
            c->used = ++s->tick;
            c->busy = true;
            return c;
        }
    }
    return NULL;
}

/* Keeps st (one whole statement of sql) in the cache, replacing the least recently used
 * idle one; NULL (st stays the caller's to finalize) when every slot is busy or out of
 * memory. */
static cached_stmt *cache_put(sq *s, const char *sql, size_t hash, sqlite3_stmt *st)
{
    cached_stmt *victim = NULL;
    for (size_t i = 0; i < STMT_CACHE; i++) {
        cached_stmt *c = &s->stmts[i];
        if (c->busy)
            continue;
        if (!c->st) {
            victim = c;
            break;
        }
        if (!victim || c->used < victim->used)
            victim = c;
    }
    char *copy = victim ? strdup(sql) : NULL;
    if (!copy)
        return NULL;
    sqlite3_finalize(victim->st);
    free(victim->sql);
    *victim = (cached_stmt){copy, hash, st, ++s->tick, true};
    return victim;
}

static int sq_exec(void *db, const char *sql, int n, const mm_param *p, mm_row_fn row, void *ctx,
                   int64_t *changes)
{
    sq *s = db;
    /* one statement (with parameters or rows, or without a ';': not the migrations'
     * scripts): cached */
    bool cacheable = n > 0 || row || !strchr(sql, ';');
    size_t hash = cacheable ? text_hash(sql) : 0;
    cached_stmt *hit = cacheable ? cache_find(s, sql, hash) : NULL;
    char *text = hit ? NULL : strdup(sql); /* $1..$n are ?1..?n here */
    if (!hit && !text)
        return mm_oom();
    for (char *c = text; c && *c; c++)
        if (c[0] == '$' && c[1] >= '0' && c[1] <= '9')
            c[0] = '?';
    const char *tail = text ? text : "";
    int rc = MM_OK;
    int64_t changed = 0;
    while (rc == MM_OK && (hit || *tail)) {
        sqlite3_stmt *st = NULL;
        cached_stmt *kept = hit;
        hit = NULL;
        if (kept) {
            st = kept->st;
        } else if (sqlite3_prepare_v2(s->db, tail, -1, &st, &tail) != SQLITE_OK) {
            rc = fail(s);
            break;
        }
        if (!st)
            break; /* only white space left */
        if (!kept && cacheable && tail == text + strlen(text))
            kept = cache_put(s, sql, hash, st);
        for (int i = 0; i < n; i++) {
            if (p[i].type == MM_P_TEXT && p[i].text)
                sqlite3_bind_text(st, i + 1, p[i].text, -1, SQLITE_TRANSIENT);
            else if (p[i].type == MM_P_INT || p[i].type == MM_P_BOOL)
                sqlite3_bind_int64(st, i + 1, p[i].i);
        }
        int nc = sqlite3_column_count(st), step = SQLITE_DONE;
        if (nc > MAX_COLS) {
            mm_error_set("a statement of more than %d columns", MAX_COLS);
            rc = MM_EUSAGE;
        }
        while (rc == MM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
            const char *v[MAX_COLS];
            size_t len[MAX_COLS];
            for (int c = 0; c < nc; c++) {
                v[c] = (const char *)sqlite3_column_text(st, c);
                len[c] = (size_t)sqlite3_column_bytes(st, c);
            }
            rc = row ? row(ctx, nc, v, len) : MM_OK;
        }
        if (rc == MM_OK && step != SQLITE_DONE)
            rc = fail(s);
        if (!sqlite3_stmt_readonly(st))
            changed += sqlite3_changes(s->db);
        if (kept) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            kept->busy = false;
        } else {
            sqlite3_finalize(st);
        }
    }
    free(text);
    if (changes)
        *changes = changed;
    return rc;
}

static void sq_close(void *db)
{
    sq *s = db;
    if (!s)
        return;
    sq_rollback(s);
    cache_clear(s);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

static int sq_open(void **out, const char *path)
{
    *out = NULL;
    /* create the file ourselves so that it is 0600 from its first moment; SQLite gives
     * the -wal and -shm files the same mode */
    if (strcmp(path, ":memory:") != 0) {
        /* only when it does not exist yet: closing a descriptor of a database file this
         * process already has open drops every POSIX lock the process holds on it (the
         * other pool connections'), and another process could then take the database for
         * unused, checkpoint and delete the WAL under them, and its next commit be lost */
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST)
            fd = -2;
        if (fd == -1) {
            mm_error_set("%s: %s", path, strerror(errno));
            return errno == EACCES ? MM_EACCES : MM_EIO;
        }
        if (fd >= 0)
            close(fd);
    }
    sq *s = calloc(1, sizeof(*s));
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return mm_oom();
    }
    int rc = MM_OK;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = s->db ? fail(s) : MM_ENOMEM;
        goto done;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 5000);
    rc = plain(s, "PRAGMA foreign_keys = ON");
    if (rc == MM_OK && strcmp(path, ":memory:") != 0) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
            rc = fail(s);
        else if (sqlite3_step(st) != SQLITE_ROW)
            rc = fail(s);
        else if (strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
            mm_error_set("%s: the database could not be put in WAL mode", path);
            rc = MM_EIO;
        }
        sqlite3_finalize(st);
    }
    if (rc == MM_OK)
        rc = plain(s, "PRAGMA synchronous = FULL");
    /* a page cache of up to 64 MiB (default 2 MiB): the supply chain's recursive queries
     * touch most of the edge and organization pages (docs/benchmarks.md, "Supply chain") */
    if (rc == MM_OK)
        rc = plain(s, "PRAGMA cache_size = -65536");
done:
    if (rc) {
        sq_close(s);
        return rc;
    }
    *out = s;
    return MM_OK;
}

static int sq_schema_peek(const char *path, int *out)
{
    *out = 0;
    if (strcmp(path, ":memory:") == 0 || access(path, F_OK) != 0)
        return MM_OK; /* nothing there yet */
    sq s = {.path = (char *)path};
    int has = 0, rc = MM_OK;
    if (sqlite3_open_v2(path, &s.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        rc = s.db ? fail(&s) : mm_oom();
    sqlite3_busy_timeout(s.db, 5000);
    if (rc == MM_OK)
        rc = sq_exec(&s,
                     "SELECT count(*) FROM sqlite_master"
                     " WHERE type = 'table' AND name = 'schema_version'",
                     0, NULL, mm_row_int, &has, NULL);
    if (rc == MM_OK && has)
        rc = sq_exec(&s, "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL,
                     mm_row_int, out, NULL);
    cache_clear(&s);
    sqlite3_close(s.db);
    return rc;
}

static int sq_reset_sequence(void *db, const char *table, const char *key)
{
    (void)db;
    (void)table;
    (void)key;
    /* INTEGER PRIMARY KEY tables continue after max(id) by themselves, and an insert with an
     * explicit id into audit_log (AUTOINCREMENT) raises sqlite_sequence to it */
    return MM_OK;
}

const mm_driver mm_driver_sqlite = {
    .name = "sqlite",
    .words = sq_words,
    .open = sq_open,
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .exec = sq_exec,
    .schema_peek = sq_schema_peek,
    .reset_sequence = sq_reset_sequence,
};
