/* The SQLite store: WAL mode, foreign keys, versioned migrations, the hash-chained audit
 * log. Every statement is prepared with its data bound as parameters. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "mamori/store.h"
#include "store/store_internal.h"
#include "util/util.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct sq {
    sqlite3 *db;
    char *path;
    bool in_tx; /* inside mm_store_begin */
} sq;

/* Migrations: migration[i] takes the schema from version i to version i + 1. Never edit
 * one that has shipped; add a new one. */
static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE organizations ("
    "  id TEXT PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('authority', 'contractor')),"
    "  name TEXT NOT NULL,"
    "  identifiers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(identifiers)),"
    "  parent_id TEXT REFERENCES organizations(id),"
    "  created TEXT NOT NULL);"
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES organizations(id),"
    "  login TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL CHECK (role IN ('authority-admin', 'authority-analyst',"
    "                                     'contractor-admin', 'contractor-member')),"
    "  password_hash TEXT NOT NULL,"
    "  failed_logons INTEGER NOT NULL DEFAULT 0,"
    "  locked_until TEXT,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created TEXT NOT NULL);"
    "CREATE INDEX users_org ON users(org_id);"
    "CREATE TABLE api_tokens ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL DEFAULT '',"
    "  created TEXT NOT NULL,"
    "  expires TEXT,"
    "  revoked TEXT);"
    "CREATE TABLE sessions ("
    "  id_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  csrf_hash TEXT NOT NULL,"
    "  created TEXT NOT NULL,"
    "  last_seen TEXT NOT NULL,"
    "  expires TEXT NOT NULL);"
    "CREATE TABLE signing_keys ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES organizations(id),"
    "  public_key TEXT NOT NULL UNIQUE,"
    "  created TEXT NOT NULL,"
    "  revoked TEXT);"
    "CREATE TABLE submissions ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES organizations(id),"
    "  key_id INTEGER NOT NULL REFERENCES signing_keys(id),"
    "  received TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  body_hash TEXT NOT NULL,"
    "  signature TEXT NOT NULL,"
    "  score INTEGER,"
    "  affirmed_by TEXT NOT NULL,"
    "  affirmed_on TEXT NOT NULL,"
    "  supersedes TEXT REFERENCES submissions(id));"
    "CREATE INDEX submissions_org ON submissions(org_id, received);"
    "CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions"
    "  BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;"
    "CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions"
    "  BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;"
    "CREATE TABLE audit_log ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL,"
    "  ts TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  object TEXT NOT NULL,"
    "  detail TEXT NOT NULL);"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int mm_store_schema_latest(void)
{
    return NMIGRATIONS;
}

static int fail(sq *s, const char *what)
{
    int code = sqlite3_extended_errcode(s->db);
    mm_error_set("%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
    if ((code & 0xff) == SQLITE_CONSTRAINT)
        return MM_EINVALID;
    if ((code & 0xff) == SQLITE_NOMEM)
        return MM_ENOMEM;
    return MM_EIO;
}

static int exec(sq *s, const char *sql, const char *what)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail(s, what);
    return MM_OK;
}

static int prepare(sq *s, sqlite3_stmt **st, const char *sql)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return fail(s, "prepare");
    }
    return MM_OK;
}

static void now(char out[21])
{
    mm_time_rfc3339(out, (long long)time(NULL));
}

/* ---- transactions: a write outside mm_store_begin runs in its own -------------------- */

static int tx_begin(sq *s)
{
    return s->in_tx ? MM_OK : exec(s, "BEGIN IMMEDIATE", "begin");
}

static int tx_end(sq *s, int rc)
{
    if (s->in_tx)
        return rc;
    if (rc == MM_OK)
        return exec(s, "COMMIT", "commit");
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static int sq_begin(void *impl)
{
    sq *s = impl;
    if (s->in_tx) {
        mm_error_set("%s: a transaction is already open", s->path);
        return MM_EUSAGE;
    }
    int rc = exec(s, "BEGIN IMMEDIATE", "begin");
    if (rc == MM_OK)
        s->in_tx = true;
    return rc;
}

static int sq_commit(void *impl)
{
    sq *s = impl;
    if (!s->in_tx) {
        mm_error_set("%s: no transaction is open", s->path);
        return MM_EUSAGE;
    }
    int rc = exec(s, "COMMIT", "commit");
    if (rc != MM_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = false;
    return rc;
}

static int sq_rollback(void *impl)
{
    sq *s = impl;
    if (!s->in_tx)
        return MM_OK;
    s->in_tx = false;
    return exec(s, "ROLLBACK", "rollback");
}

/* ---- open and migrate ---------------------------------------------------------------- */

static int read_version(sq *s, int *out)
{
    sqlite3_stmt *st;
    int rc = prepare(s, &st, "SELECT coalesce(max(version), 0) FROM schema_version");
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    else
        rc = fail(s, "read schema version");
    sqlite3_finalize(st);
    return rc;
}

static int migrate(sq *s)
{
    int rc = exec(s, "BEGIN IMMEDIATE", "begin migration");
    if (rc)
        return rc;
    int version = 0;
    rc = exec(s,
              "CREATE TABLE IF NOT EXISTS schema_version ("
              "  version INTEGER PRIMARY KEY, applied TEXT NOT NULL)",
              "create schema_version");
    if (rc == MM_OK)
        rc = read_version(s, &version);
    if (rc == MM_OK && version > NMIGRATIONS) {
        mm_error_set("%s: schema version %d is newer than this mamori knows (%d)", s->path, version,
                     NMIGRATIONS);
        rc = MM_EINVALID;
    }
    for (int v = version; rc == MM_OK && v < NMIGRATIONS; v++) {
        char what[48];
        snprintf(what, sizeof(what), "migration %d", v + 1);
        rc = exec(s, migrations[v], what);
        if (rc)
            break;
        sqlite3_stmt *st;
        rc = prepare(s, &st, "INSERT INTO schema_version (version, applied) VALUES (?1, ?2)");
        if (rc)
            break;
        char ts[21];
        now(ts);
        sqlite3_bind_int(st, 1, v + 1);
        sqlite3_bind_text(st, 2, ts, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = fail(s, what);
        sqlite3_finalize(st);
    }
    if (rc == MM_OK)
        return exec(s, "COMMIT", "commit migration");
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static void sq_close(void *impl)
{
    sq *s = impl;
    if (!s)
        return;
    if (s->in_tx)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
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
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            mm_error_set("%s: %s", path, strerror(errno));
            return errno == EACCES ? MM_EACCES : MM_EIO;
        }
        close(fd);
    }
    sq *s = calloc(1, sizeof(*s));
    if (!s || !(s->path = strdup(path))) {
        free(s);
        mm_error_set("out of memory");
        return MM_ENOMEM;
    }
    int rc = MM_OK;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = s->db ? fail(s, "open") : MM_ENOMEM;
        goto done;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 5000);
    rc = exec(s, "PRAGMA foreign_keys = ON", "enable foreign keys");
    if (rc == MM_OK && strcmp(path, ":memory:") != 0) {
        sqlite3_stmt *st;
        rc = prepare(s, &st, "PRAGMA journal_mode = WAL");
        if (rc == MM_OK) {
            if (sqlite3_step(st) != SQLITE_ROW)
                rc = fail(s, "set WAL mode");
            else if (strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
                mm_error_set("%s: the database could not be put in WAL mode", path);
                rc = MM_EIO;
            }
            sqlite3_finalize(st);
        }
    }
    if (rc == MM_OK)
        rc = exec(s, "PRAGMA synchronous = FULL", "set synchronous");
    if (rc == MM_OK)
        rc = migrate(s);
done:
    if (rc) {
        sq_close(s);
        return rc;
    }
    *out = s;
    return MM_OK;
}

static int sq_schema_version(void *impl, int *out)
{
    *out = 0;
    return read_version(impl, out);
}

/* ---- organizations and users ------------------------------------------------------- */

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static int sq_create_org(void *impl, const mm_org *org)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    char ts[21];
    int rc = tx_begin(s);
    if (rc)
        return rc;
    rc = prepare(s, &st,
                 "INSERT INTO organizations (id, kind, name, identifiers, parent_id, created)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (rc)
        goto done;
    now(ts);
    sqlite3_bind_text(st, 1, org->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, org->kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, org->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, org->identifiers ? org->identifiers : "{}", -1, SQLITE_TRANSIENT);
    bind_text_or_null(st, 5, org->parent_id);
    sqlite3_bind_text(st, 6, ts, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = fail(s, "create organization");
done:
    sqlite3_finalize(st);
    return tx_end(s, rc);
}

static int sq_create_user(void *impl, int64_t *out_id, const mm_user *u)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    char ts[21];
    int rc = tx_begin(s);
    if (rc)
        return rc;
    rc = prepare(s, &st,
                 "INSERT INTO users (org_id, login, role, password_hash, created)"
                 " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (rc)
        goto done;
    now(ts);
    sqlite3_bind_text(st, 1, u->org_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, u->login, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, u->role, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, u->password_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, ts, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = fail(s, "create user");
    else
        *out_id = sqlite3_last_insert_rowid(s->db);
done:
    sqlite3_finalize(st);
    return tx_end(s, rc);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return strdup(t ? (const char *)t : "");
}

static int sq_get_user_by_login(void *impl, mm_user **out, const char *login)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
                     "SELECT id, org_id, login, role, password_hash FROM users WHERE login = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, login, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        mm_error_set("no user '%s'", login);
        rc = MM_ENOTFOUND;
    } else if (step != SQLITE_ROW) {
        rc = fail(s, "get user");
    } else {
        mm_user *u = calloc(1, sizeof(*u));
        if (u) {
            u->id = sqlite3_column_int64(st, 0);
            u->org_id = col_dup(st, 1);
            u->login = col_dup(st, 2);
            u->role = col_dup(st, 3);
            u->password_hash = col_dup(st, 4);
        }
        if (!u || !u->org_id || !u->login || !u->role || !u->password_hash) {
            mm_user_free(u);
            mm_error_set("out of memory");
            rc = MM_ENOMEM;
        } else {
            *out = u;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static int sq_count_users_with_role(void *impl, int64_t *out, const char *role)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, "SELECT count(*) FROM users WHERE role = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, role, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = fail(s, "count users");
    sqlite3_finalize(st);
    return rc;
}

/* ---- the audit log ------------------------------------------------------------------ */

static int sq_audit_append(void *impl, int64_t *out_id, const char *actor, const char *action,
                           const char *object, const char *detail)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    char prev[65] = ZERO_HASH;
    char hash[65];
    char ts[21];
    int64_t id = 1;
    /* BEGIN IMMEDIATE (here or in mm_store_begin) holds the write lock from the read of
     * the last record to the insert, so no other writer can append in between */
    int rc = tx_begin(s);
    if (rc)
        return rc;
    rc = prepare(s, &st, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (rc)
        goto done;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const unsigned char *h = sqlite3_column_text(st, 1);
        id = sqlite3_column_int64(st, 0) + 1;
        snprintf(prev, sizeof(prev), "%s", h ? (const char *)h : "");
    } else if (step != SQLITE_DONE) {
        rc = fail(s, "read the last audit record");
        goto done;
    }
    sqlite3_finalize(st);
    st = NULL;
    now(ts);
    mm_audit_hash(hash, id, prev, ts, actor, action, object, detail);
    rc = prepare(s, &st,
                 "INSERT INTO audit_log (id, prev_hash, hash, ts, actor, action, object, detail)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (rc)
        goto done;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, prev, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, ts, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, actor, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, action, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, object, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, detail, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = fail(s, "append audit record");
    else
        *out_id = id;
done:
    sqlite3_finalize(st);
    return tx_end(s, rc);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static void broken(mm_audit_report *r, int64_t id, const char *what, const char *expected,
                   const char *found)
{
    r->bad_id = id;
    snprintf(r->what, sizeof(r->what), "%s", what);
    snprintf(r->expected, sizeof(r->expected), "%s", expected);
    snprintf(r->found, sizeof(r->found), "%s", found);
}

static int sq_audit_verify(void *impl, mm_audit_report *r)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    char prev[65] = ZERO_HASH;
    char hash[65];
    int64_t want_id = 1;
    /* one read transaction: a consistent snapshot while writers go on */
    int rc = s->in_tx ? MM_OK : exec(s, "BEGIN", "begin");
    if (rc)
        return rc;
    rc = prepare(s, &st,
                 "SELECT id, prev_hash, hash, ts, actor, action, object, detail"
                 " FROM audit_log ORDER BY id");
    if (rc)
        goto done;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const char *prev_hash = col_text(st, 1);
        const char *stored = col_text(st, 2);
        r->records++;
        if (id != want_id) {
            char what[160];
            snprintf(what, sizeof(what), "missing (the next record found is %lld)", (long long)id);
            broken(r, want_id, what, "", "");
            break;
        }
        if (strcmp(prev_hash, prev) != 0) {
            broken(r, id,
                   id == 1 ? "prev_hash is not the zero hash of the first record"
                           : "prev_hash does not match the previous record's hash",
                   prev, prev_hash);
            break;
        }
        mm_audit_hash(hash, id, prev_hash, col_text(st, 3), col_text(st, 4), col_text(st, 5),
                      col_text(st, 6), col_text(st, 7));
        if (strcmp(hash, stored) != 0) {
            broken(r, id, "contents do not match the record's hash", hash, stored);
            break;
        }
        snprintf(prev, sizeof(prev), "%s", stored);
        want_id = id + 1;
    }
    if (!r->bad_id && step != SQLITE_DONE) {
        rc = fail(s, "read the audit log");
        goto done;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (r->bad_id)
        goto done;
    /* records removed from the end: AUTOINCREMENT remembers the highest id issued */
    rc = prepare(s, &st, "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'");
    if (rc)
        goto done;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) >= want_id) {
        char what[160];
        snprintf(what, sizeof(what), "missing (ids up to %lld were issued; the log ends at %lld)",
                 (long long)sqlite3_column_int64(st, 0), (long long)(want_id - 1));
        broken(r, want_id, what, "", "");
    }
done:
    sqlite3_finalize(st);
    if (!s->in_tx)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

const mm_store_backend mm_store_sqlite = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .schema_version = sq_schema_version,
    .create_org = sq_create_org,
    .create_user = sq_create_user,
    .get_user_by_login = sq_get_user_by_login,
    .count_users_with_role = sq_count_users_with_role,
    .audit_append = sq_audit_append,
    .audit_verify = sq_audit_verify,
};
