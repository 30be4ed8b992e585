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

    /* 2: the server: logon state, consent, sessions by id, key ids, submission summaries,
     * gaps and milestones for the authority's views, the server's receipt key */
    "ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN failed_since TEXT;"
    "ALTER TABLE organizations ADD COLUMN prime_consent INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE organizations ADD COLUMN latest_submission TEXT REFERENCES submissions(id);"
    "CREATE INDEX organizations_kind_name ON organizations(kind, name);"
    "CREATE INDEX organizations_parent ON organizations(parent_id);"
    "DROP TABLE sessions;"
    "CREATE TABLE sessions ("
    "  id TEXT PRIMARY KEY,"
    "  secret_hash TEXT NOT NULL,"
    "  csrf TEXT NOT NULL,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  created TEXT NOT NULL,"
    "  last_seen TEXT NOT NULL,"
    "  expires TEXT NOT NULL);"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE INDEX api_tokens_user ON api_tokens(user_id);"
    "ALTER TABLE signing_keys ADD COLUMN key_id TEXT;"
    "ALTER TABLE signing_keys ADD COLUMN label TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX signing_keys_org_key ON signing_keys(org_id, key_id);"
    "ALTER TABLE submissions ADD COLUMN framework TEXT;"
    "ALTER TABLE submissions ADD COLUMN status TEXT;"
    "ALTER TABLE submissions ADD COLUMN assessed TEXT;"
    "ALTER TABLE submissions ADD COLUMN summary TEXT NOT NULL DEFAULT '{}'"
    "  CHECK (json_valid(summary));"
    "CREATE UNIQUE INDEX submissions_body_hash ON submissions(body_hash);"
    "CREATE TABLE submission_gaps ("
    "  id INTEGER PRIMARY KEY,"
    "  submission_id TEXT NOT NULL REFERENCES submissions(id),"
    "  requirement TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('not-met', 'partial', 'not-assessed')));"
    "CREATE INDEX submission_gaps_submission ON submission_gaps(submission_id, requirement);"
    "CREATE TABLE submission_milestones ("
    "  id INTEGER PRIMARY KEY,"
    "  submission_id TEXT NOT NULL REFERENCES submissions(id),"
    "  requirement TEXT NOT NULL,"
    "  poam_id TEXT NOT NULL DEFAULT '',"
    "  description TEXT NOT NULL DEFAULT '',"
    "  due TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('planned', 'in-progress', 'completed')));"
    "CREATE INDEX submission_milestones_submission ON submission_milestones(submission_id, due);"
    "CREATE TRIGGER submission_gaps_no_update BEFORE UPDATE ON submission_gaps"
    "  BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;"
    "CREATE TRIGGER submission_gaps_no_delete BEFORE DELETE ON submission_gaps"
    "  BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;"
    "CREATE TRIGGER submission_milestones_no_update BEFORE UPDATE ON submission_milestones"
    "  BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;"
    "CREATE TRIGGER submission_milestones_no_delete BEFORE DELETE ON submission_milestones"
    "  BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;"
    "CREATE TABLE server_keys ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  public_key TEXT NOT NULL,"
    "  secret_key TEXT NOT NULL,"
    "  created TEXT NOT NULL);",
    /* 3: shared threat information under TLP 2.0 (src/store/share.c, docs/sharing.md):
     * communities and their member organizations, items with one label each, their named
     * recipients and the originator's recorded permissions to redistribute */
    "CREATE TABLE communities ("
    "  id TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  description TEXT NOT NULL DEFAULT '',"
    "  created TEXT NOT NULL);"
    "CREATE TABLE community_members ("
    "  id INTEGER PRIMARY KEY,"
    "  community_id TEXT NOT NULL REFERENCES communities(id),"
    "  org_id TEXT NOT NULL REFERENCES organizations(id),"
    "  added TEXT NOT NULL,"
    "  UNIQUE (community_id, org_id));"
    "CREATE INDEX community_members_org ON community_members(org_id);"
    "CREATE TABLE shared_items ("
    "  id TEXT PRIMARY KEY,"
    "  kind TEXT NOT NULL DEFAULT 'report' CHECK (kind IN ('report', 'incident')),"
    "  originator_org TEXT NOT NULL REFERENCES organizations(id),"
    "  originator_user INTEGER REFERENCES users(id),"
    "  tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),"
    "  community_id TEXT REFERENCES communities(id),"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(body) AND json_type(body) = 'object'),"
    "  sources TEXT NOT NULL DEFAULT '[]'"
    "    CHECK (json_valid(sources) AND json_type(sources) = 'array'),"
    "  created TEXT NOT NULL,"
    "  modified TEXT NOT NULL);"
    "CREATE TABLE item_recipients ("
    "  id INTEGER PRIMARY KEY,"
    "  item_id TEXT NOT NULL REFERENCES shared_items(id),"
    "  org_id TEXT REFERENCES organizations(id),"
    "  user_id INTEGER REFERENCES users(id),"
    "  added TEXT NOT NULL,"
    "  added_by TEXT NOT NULL,"
    "  CHECK ((org_id IS NULL) <> (user_id IS NULL)));"
    "CREATE INDEX item_recipients_item ON item_recipients(item_id);"
    "CREATE TABLE item_permissions ("
    "  id INTEGER PRIMARY KEY,"
    "  item_id TEXT NOT NULL REFERENCES shared_items(id),"
    "  grantee_org TEXT NOT NULL REFERENCES organizations(id),"
    "  what TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(what) AND json_type(what) = 'object'),"
    "  granted_by TEXT NOT NULL,"
    "  granted TEXT NOT NULL);"
    "CREATE INDEX item_permissions_item ON item_permissions(item_id, grantee_org);",
    /* 4: incident reports (src/store/incident.c): each one a shared item of kind 'incident'
     * for its label and recipients, and this row for its details and deadline */
    "CREATE TABLE incidents ("
    "  id INTEGER PRIMARY KEY,"
    "  item_id TEXT NOT NULL UNIQUE REFERENCES shared_items(id),"
    "  org_id TEXT NOT NULL REFERENCES organizations(id),"
    "  report_type TEXT NOT NULL CHECK (report_type IN ('initial', 'follow-on', 'voluntary')),"
    "  initial_id INTEGER REFERENCES incidents(id),"
    "  report_number TEXT NOT NULL UNIQUE,"
    "  discovered TEXT NOT NULL,"
    "  discovered_offset INTEGER NOT NULL,"
    "  reported TEXT NOT NULL,"
    "  due TEXT NOT NULL,"
    "  preserve_until TEXT NOT NULL,"
    "  body TEXT NOT NULL CHECK (json_valid(body) AND json_type(body) = 'object'),"
    "  sub_report_number TEXT,"
    "  created TEXT NOT NULL,"
    "  CHECK ((report_type = 'follow-on') = (initial_id IS NOT NULL)));"
    "CREATE INDEX incidents_org ON incidents(org_id);",
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
                 "INSERT INTO users (org_id, login, role, password_hash, created, must_change)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (rc)
        goto done;
    now(ts);
    sqlite3_bind_text(st, 1, u->org_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, u->login, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, u->role, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, u->password_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, ts, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, u->must_change ? 1 : 0);
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

static char *col_dup_or_null(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? strdup((const char *)t) : NULL;
}

#define USER_COLS                                                                                  \
    "id, org_id, login, role, password_hash, must_change, disabled, failed_logons, "               \
    "failed_since, locked_until"

/* Steps st (a SELECT of USER_COLS) once and makes the user. what names it in messages. */
static int read_user(sq *s, sqlite3_stmt *st, mm_user **out, const char *what)
{
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        mm_error_set("no user %s", what);
        return MM_ENOTFOUND;
    }
    if (step != SQLITE_ROW)
        return fail(s, "get user");
    mm_user *u = calloc(1, sizeof(*u));
    if (u) {
        u->id = sqlite3_column_int64(st, 0);
        u->org_id = col_dup(st, 1);
        u->login = col_dup(st, 2);
        u->role = col_dup(st, 3);
        u->password_hash = col_dup(st, 4);
        u->must_change = sqlite3_column_int(st, 5) != 0;
        u->disabled = sqlite3_column_int(st, 6) != 0;
        u->failed_logons = sqlite3_column_int(st, 7);
        u->failed_since = col_dup_or_null(st, 8);
        u->locked_until = col_dup_or_null(st, 9);
    }
    if (!u || !u->org_id || !u->login || !u->role || !u->password_hash ||
        (!u->failed_since && sqlite3_column_type(st, 8) != SQLITE_NULL) ||
        (!u->locked_until && sqlite3_column_type(st, 9) != SQLITE_NULL)) {
        mm_user_free(u);
        mm_error_set("out of memory");
        return MM_ENOMEM;
    }
    *out = u;
    return MM_OK;
}

static int sq_get_user_by_login(void *impl, mm_user **out, const char *login)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, "SELECT " USER_COLS " FROM users WHERE login = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, login, -1, SQLITE_TRANSIENT);
    char what[160];
    snprintf(what, sizeof(what), "'%s'", login);
    rc = read_user(s, st, out, what);
    sqlite3_finalize(st);
    return rc;
}

static int sq_get_user_by_id(void *impl, mm_user **out, int64_t id)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, "SELECT " USER_COLS " FROM users WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    char what[40];
    snprintf(what, sizeof(what), "with id %lld", (long long)id);
    rc = read_user(s, st, out, what);
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

static int sq_audit_head(void *impl, int64_t *out)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, "SELECT coalesce(max(id), 0) FROM audit_log");
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = fail(s, "read the audit head");
    sqlite3_finalize(st);
    return rc;
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
    int step = SQLITE_DONE;
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

/* ---- schema 2: helpers ------------------------------------------------------------- */

/* Like fail, but tells the expected constraint failures apart: a missing referenced row is
 * MM_ENOTFOUND, a duplicate MM_ECONFLICT. */
static int fail_write(sq *s, const char *what)
{
    int code = sqlite3_extended_errcode(s->db);
    int rc = fail(s, what);
    if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
        return MM_ENOTFOUND;
    if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
        return MM_ECONFLICT;
    return rc;
}

static int oom(void)
{
    mm_error_set("out of memory");
    return MM_ENOMEM;
}

/* Sets o[key] = v (stealing v); clears *ok when v is NULL or the set fails. */
static void put(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (!v || json_object_set_new(o, key, v) != 0)
        *ok = false;
}

static json_t *col_json_text(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    return json_string(col_text(st, i));
}

static json_t *col_json_int(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    return json_integer(sqlite3_column_int64(st, i));
}

static json_t *col_json_object(sqlite3_stmt *st, int i)
{
    json_t *v = json_loads(col_text(st, i), JSON_REJECT_DUPLICATES, NULL);
    if (v && !json_is_object(v)) {
        json_decref(v);
        v = NULL;
    }
    return v ? v : json_object();
}

static void copy_col(char *dst, size_t size, sqlite3_stmt *st, int i)
{
    snprintf(dst, size, "%s", col_text(st, i));
}

/* Runs st (an UPDATE or DELETE) and gives MM_ENOTFOUND with message notfound when it
 * changed no row. */
static int step_change(sq *s, sqlite3_stmt *st, const char *what, const char *notfound)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        return fail_write(s, what);
    if (sqlite3_changes(s->db) == 0) {
        mm_error_set("%s", notfound);
        return MM_ENOTFOUND;
    }
    return MM_OK;
}

/* A one-statement write in its own transaction (or the caller's). */
static int write_one(sq *s, sqlite3_stmt *st, const char *what, const char *notfound)
{
    int rc = tx_begin(s);
    if (rc)
        return rc;
    rc = step_change(s, st, what, notfound);
    return tx_end(s, rc);
}

/* ---- organizations ------------------------------------------------------------------- */

#define ORG_COLS                                                                                   \
    "o.id, o.kind, o.name, o.identifiers, o.parent_id, o.prime_consent, o.created, "               \
    "o.latest_submission"
#define NORG_COLS 8

static json_t *org_json(sqlite3_stmt *st, int c)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    if (!ok)
        return NULL;
    put(o, "id", json_string(col_text(st, c + 0)), &ok);
    put(o, "kind", json_string(col_text(st, c + 1)), &ok);
    put(o, "name", json_string(col_text(st, c + 2)), &ok);
    put(o, "identifiers", col_json_object(st, c + 3), &ok);
    put(o, "parent_id", col_json_text(st, c + 4), &ok);
    put(o, "prime_consent", json_boolean(sqlite3_column_int(st, c + 5) != 0), &ok);
    put(o, "created", json_string(col_text(st, c + 6)), &ok);
    put(o, "latest_submission", col_json_text(st, c + 7), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int sq_get_org(void *impl, json_t **out, const char *id)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, "SELECT " ORG_COLS " FROM organizations o WHERE o.id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        mm_error_set("no organization '%s'", id);
        rc = MM_ENOTFOUND;
    } else if (step != SQLITE_ROW) {
        rc = fail(s, "get organization");
    } else if (!(*out = org_json(st, 0))) {
        rc = oom();
    }
    sqlite3_finalize(st);
    return rc;
}

static int sq_set_org_consent(void *impl, const char *id, bool consent)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, "UPDATE organizations SET prime_consent = ?2 WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, consent ? 1 : 0);
    char notfound[160];
    snprintf(notfound, sizeof(notfound), "no organization '%s'", id);
    rc = write_one(s, st, "set consent", notfound);
    sqlite3_finalize(st);
    return rc;
}

/* The sort orders of the organization list: fixed SQL text chosen by the (checked) name,
 * never built from the query's values. Ties go to id ascending either way. */
static const struct {
    const char *name, *asc, *desc;
} org_orders[] = {
    {"name", "name COLLATE NOCASE ASC, id", "name COLLATE NOCASE DESC, id"},
    {"score", "l_score ASC NULLS LAST, id", "l_score DESC NULLS LAST, id"},
    {"status", "status_rank ASC, id", "status_rank DESC, id"},
    {"assessed", "l_assessed ASC NULLS LAST, id", "l_assessed DESC NULLS LAST, id"},
    {"received", "l_received ASC NULLS LAST, id", "l_received DESC NULLS LAST, id"},
};

/* one query: the matching rows (m), their count, and the page, in one statement */
#define ORG_LIST_SQL                                                                               \
    "WITH c AS ("                                                                                  \
    "  SELECT " ORG_COLS ","                                                                       \
    "    l.id AS l_id, l.received AS l_received, l.framework AS l_framework,"                      \
    "    l.score AS l_score, l.status AS l_status, l.assessed AS l_assessed,"                      \
    "    l.affirmed_by AS l_affirmed_by,"                                                          \
    "    CASE WHEN l.id IS NULL THEN 'none'"                                                       \
    "         WHEN ?1 IS NOT NULL AND l.assessed < ?1 THEN 'stale'"                                \
    "         ELSE l.status END AS cstatus"                                                        \
    "  FROM organizations o LEFT JOIN submissions l ON l.id = o.latest_submission"                 \
    "  WHERE (?2 IS NULL OR o.kind = ?2) AND (?3 IS NULL OR o.parent_id = ?3)"                     \
    "    AND (?4 IS NULL OR instr(lower(o.name), lower(?4)) > 0"                                   \
    "         OR instr(lower(o.identifiers), lower(?4)) > 0)),"                                    \
    " m AS (SELECT *, CASE cstatus WHEN 'meets' THEN 0 WHEN 'conditional' THEN 1"                  \
    "   WHEN 'stale' THEN 2 WHEN 'not-met' THEN 3 WHEN 'no-valid-score' THEN 4 ELSE 5 END"         \
    "   AS status_rank FROM c WHERE ?5 IS NULL OR cstatus = ?5)"                                   \
    " SELECT t.total, p.* FROM (SELECT count(*) AS total FROM m) t"                                \
    " LEFT JOIN (SELECT * FROM m ORDER BY %s LIMIT ?6 OFFSET ?7) p ON 1"                           \
    " ORDER BY %s"

static int sq_list_orgs(void *impl, json_t **out, const mm_org_query *q)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    const char *order = NULL;
    for (size_t i = 0; i < sizeof(org_orders) / sizeof(org_orders[0]); i++)
        if (strcmp(q->sort ? q->sort : "name", org_orders[i].name) == 0)
            order = q->desc ? org_orders[i].desc : org_orders[i].asc;
    if (!order) {
        mm_error_set("organization list: cannot sort by '%s'", q->sort);
        return MM_EUSAGE;
    }
    char sql[sizeof(ORG_LIST_SQL) + 128];
    snprintf(sql, sizeof(sql), ORG_LIST_SQL, order, order);
    int rc = prepare(s, &st, sql);
    if (rc)
        return rc;
    bind_text_or_null(st, 1, q->stale_before);
    bind_text_or_null(st, 2, q->kind);
    bind_text_or_null(st, 3, q->parent_id);
    bind_text_or_null(st, 4, q->q && q->q[0] ? q->q : NULL);
    bind_text_or_null(st, 5, q->status);
    sqlite3_bind_int64(st, 6, q->limit);
    sqlite3_bind_int64(st, 7, q->offset);
    json_t *res = json_object(), *items = json_array();
    bool ok = res && items;
    int step = SQLITE_DONE;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!json_object_get(res, "total"))
            put(res, "total", json_integer(sqlite3_column_int64(st, 0)), &ok);
        if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            continue; /* the page is empty: only the count */
        json_t *o = org_json(st, 1);
        json_t *latest = NULL;
        int c = 1 + NORG_COLS;
        if (sqlite3_column_type(st, c) == SQLITE_NULL) {
            latest = json_null();
        } else if ((latest = json_object())) {
            put(latest, "id", json_string(col_text(st, c + 0)), &ok);
            put(latest, "received", json_string(col_text(st, c + 1)), &ok);
            put(latest, "framework", col_json_text(st, c + 2), &ok);
            put(latest, "score", col_json_int(st, c + 3), &ok);
            put(latest, "status", json_string(col_text(st, c + 7)), &ok);
            put(latest, "assessed", col_json_text(st, c + 5), &ok);
            put(latest, "affirmed_by", json_string(col_text(st, c + 6)), &ok);
        }
        if (o) {
            put(o, "status", json_string(col_text(st, c + 7)), &ok);
            put(o, "latest", latest, &ok);
        } else {
            json_decref(latest);
            ok = false;
        }
        if (!o || json_array_append_new(items, o) != 0)
            ok = false;
    }
    if (!ok) {
        rc = oom();
    } else if (step != SQLITE_DONE) {
        rc = fail(s, "list organizations");
    } else {
        put(res, "items", items, &ok);
        items = NULL;
        if (!ok)
            rc = oom();
    }
    sqlite3_finalize(st);
    json_decref(items);
    if (rc)
        json_decref(res);
    else
        *out = res;
    return rc;
}

/* ---- users ------------------------------------------------------------------------- */

static int sq_list_users(void *impl, json_t **out, const char *org_id)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
                     "SELECT id, login, role, org_id, must_change, disabled, locked_until, created"
                     " FROM users WHERE ?1 IS NULL OR org_id = ?1 ORDER BY login");
    if (rc)
        return rc;
    bind_text_or_null(st, 1, org_id);
    json_t *arr = json_array();
    bool ok = arr != NULL;
    int step = SQLITE_DONE;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *u = json_object();
        ok = u != NULL;
        if (!ok)
            break;
        put(u, "id", json_integer(sqlite3_column_int64(st, 0)), &ok);
        put(u, "login", json_string(col_text(st, 1)), &ok);
        put(u, "role", json_string(col_text(st, 2)), &ok);
        put(u, "org_id", json_string(col_text(st, 3)), &ok);
        put(u, "must_change", json_boolean(sqlite3_column_int(st, 4) != 0), &ok);
        put(u, "disabled", json_boolean(sqlite3_column_int(st, 5) != 0), &ok);
        put(u, "locked_until", col_json_text(st, 6), &ok);
        put(u, "created", json_string(col_text(st, 7)), &ok);
        if (json_array_append_new(arr, u) != 0)
            ok = false;
    }
    if (!ok)
        rc = oom();
    else if (step != SQLITE_DONE)
        rc = fail(s, "list users");
    sqlite3_finalize(st);
    if (rc)
        json_decref(arr);
    else
        *out = arr;
    return rc;
}

static int sq_set_logon_state(void *impl, int64_t user_id, int failed_logons,
                              const char *failed_since, const char *locked_until)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
                     "UPDATE users SET failed_logons = ?2, failed_since = ?3, locked_until = ?4"
                     " WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int(st, 2, failed_logons);
    bind_text_or_null(st, 3, failed_since);
    bind_text_or_null(st, 4, locked_until);
    char notfound[48];
    snprintf(notfound, sizeof(notfound), "no user with id %lld", (long long)user_id);
    rc = write_one(s, st, "set logon state", notfound);
    sqlite3_finalize(st);
    return rc;
}

static int sq_set_password(void *impl, int64_t user_id, const char *password_hash, bool must_change)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
                     "UPDATE users SET password_hash = ?2, must_change = ?3, failed_logons = 0,"
                     " failed_since = NULL, locked_until = NULL WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_text(st, 2, password_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, must_change ? 1 : 0);
    char notfound[48];
    snprintf(notfound, sizeof(notfound), "no user with id %lld", (long long)user_id);
    rc = write_one(s, st, "set password", notfound);
    sqlite3_finalize(st);
    return rc;
}

/* ---- tokens ------------------------------------------------------------------------ */

static int sq_create_token(void *impl, int64_t *out_id, int64_t user_id, const char *token_hash,
                           const char *name, const char *created, const char *expires)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = tx_begin(s);
    if (rc)
        return rc;
    rc = prepare(s, &st,
                 "INSERT INTO api_tokens (user_id, token_hash, name, created, expires)"
                 " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (rc)
        goto done;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_text(st, 2, token_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, created, -1, SQLITE_TRANSIENT);
    bind_text_or_null(st, 5, expires);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = fail_write(s, "create token");
    else
        *out_id = sqlite3_last_insert_rowid(s->db);
done:
    sqlite3_finalize(st);
    return tx_end(s, rc);
}

static int sq_get_token(void *impl, mm_token *out, int64_t id)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
                     "SELECT id, user_id, token_hash, coalesce(expires, ''), revoked IS NOT NULL"
                     " FROM api_tokens WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        mm_error_set("no token with id %lld", (long long)id);
        rc = MM_ENOTFOUND;
    } else if (step != SQLITE_ROW) {
        rc = fail(s, "get token");
    } else {
        out->id = sqlite3_column_int64(st, 0);
        out->user_id = sqlite3_column_int64(st, 1);
        copy_col(out->token_hash, sizeof(out->token_hash), st, 2);
        copy_col(out->expires, sizeof(out->expires), st, 3);
        out->revoked = sqlite3_column_int(st, 4) != 0;
    }
    sqlite3_finalize(st);
    return rc;
}

static int sq_list_tokens(void *impl, json_t **out, int64_t user_id)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
                     "SELECT id, name, created, expires, revoked FROM api_tokens"
                     " WHERE user_id = ?1 ORDER BY id");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    json_t *arr = json_array();
    bool ok = arr != NULL;
    int step = SQLITE_DONE;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *t = json_object();
        ok = t != NULL;
        if (!ok)
            break;
        put(t, "id", json_integer(sqlite3_column_int64(st, 0)), &ok);
        put(t, "name", json_string(col_text(st, 1)), &ok);
        put(t, "created", json_string(col_text(st, 2)), &ok);
        put(t, "expires", col_json_text(st, 3), &ok);
        put(t, "revoked", col_json_text(st, 4), &ok);
        if (json_array_append_new(arr, t) != 0)
            ok = false;
    }
    if (!ok)
        rc = oom();
    else if (step != SQLITE_DONE)
        rc = fail(s, "list tokens");
    sqlite3_finalize(st);
    if (rc)
        json_decref(arr);
    else
        *out = arr;
    return rc;
}

static int sq_revoke_token(void *impl, int64_t id, int64_t user_id, const char *when)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    /* revoking twice keeps the first time */
    int rc = prepare(s, &st,
                     "UPDATE api_tokens SET revoked = coalesce(revoked, ?3)"
                     " WHERE id = ?1 AND user_id = ?2");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, when, -1, SQLITE_TRANSIENT);
    char notfound[80];
    snprintf(notfound, sizeof(notfound), "no token %lld of user %lld", (long long)id,
             (long long)user_id);
    rc = write_one(s, st, "revoke token", notfound);
    sqlite3_finalize(st);
    return rc;
}

/* ---- sessions ---------------------------------------------------------------------- */

static int sq_create_session(void *impl, const mm_session *ss)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = tx_begin(s);
    if (rc)
        return rc;
    rc = prepare(s, &st,
                 "INSERT INTO sessions (id, secret_hash, csrf, user_id, created, last_seen,"
                 " expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (rc)
        goto done;
    sqlite3_bind_text(st, 1, ss->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, ss->secret_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, ss->csrf, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, ss->user_id);
    sqlite3_bind_text(st, 5, ss->created, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, ss->last_seen, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, ss->expires, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = fail_write(s, "create session");
done:
    sqlite3_finalize(st);
    return tx_end(s, rc);
}

static int sq_get_session(void *impl, mm_session *out, const char *id)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
                     "SELECT id, secret_hash, csrf, user_id, created, last_seen, expires"
                     " FROM sessions WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        mm_error_set("no such session");
        rc = MM_ENOTFOUND;
    } else if (step != SQLITE_ROW) {
        rc = fail(s, "get session");
    } else {
        copy_col(out->id, sizeof(out->id), st, 0);
        copy_col(out->secret_hash, sizeof(out->secret_hash), st, 1);
        copy_col(out->csrf, sizeof(out->csrf), st, 2);
        out->user_id = sqlite3_column_int64(st, 3);
        copy_col(out->created, sizeof(out->created), st, 4);
        copy_col(out->last_seen, sizeof(out->last_seen), st, 5);
        copy_col(out->expires, sizeof(out->expires), st, 6);
    }
    sqlite3_finalize(st);
    return rc;
}

static int sq_touch_session(void *impl, const char *id, const char *last_seen)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, "UPDATE sessions SET last_seen = ?2 WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, last_seen, -1, SQLITE_TRANSIENT);
    rc = write_one(s, st, "touch session", "no such session");
    sqlite3_finalize(st);
    return rc;
}

static int sq_delete_session(void *impl, const char *id)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, "DELETE FROM sessions WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    rc = write_one(s, st, "delete session", "no such session");
    sqlite3_finalize(st);
    return rc;
}

static int sq_delete_user_sessions(void *impl, int64_t user_id)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = tx_begin(s);
    if (rc)
        return rc;
    rc = prepare(s, &st, "DELETE FROM sessions WHERE user_id = ?1");
    if (rc == MM_OK) {
        sqlite3_bind_int64(st, 1, user_id);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = fail(s, "delete sessions");
    }
    sqlite3_finalize(st);
    return tx_end(s, rc);
}

/* ---- signing keys ------------------------------------------------------------------ */

static int sq_add_key(void *impl, int64_t *out_id, const char *org_id, const char *key_id,
                      const char *public_key, const char *label, const char *created)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = tx_begin(s);
    if (rc)
        return rc;
    rc = prepare(s, &st,
                 "INSERT INTO signing_keys (org_id, key_id, public_key, label, created)"
                 " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (rc)
        goto done;
    sqlite3_bind_text(st, 1, org_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, key_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, public_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, label, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, created, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = fail_write(s, "add key");
        if (rc == MM_ECONFLICT)
            mm_error_set("key %s: this public key is already registered", key_id);
        else if (rc == MM_ENOTFOUND)
            mm_error_set("no organization '%s'", org_id);
    } else {
        *out_id = sqlite3_last_insert_rowid(s->db);
    }
done:
    sqlite3_finalize(st);
    return tx_end(s, rc);
}

static int sq_find_key(void *impl, mm_key_rec *out, const char *org_id, const char *key_id)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
                     "SELECT id, org_id, key_id, public_key FROM signing_keys"
                     " WHERE org_id = ?1 AND key_id = ?2 AND revoked IS NULL"
                     " ORDER BY id DESC LIMIT 1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, org_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, key_id, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        mm_error_set("organization %s has no unrevoked key %s", org_id, key_id);
        rc = MM_ENOTFOUND;
    } else if (step != SQLITE_ROW) {
        rc = fail(s, "find key");
    } else {
        out->id = sqlite3_column_int64(st, 0);
        copy_col(out->org_id, sizeof(out->org_id), st, 1);
        copy_col(out->key_id, sizeof(out->key_id), st, 2);
        copy_col(out->public_key, sizeof(out->public_key), st, 3);
        out->revoked = false;
    }
    sqlite3_finalize(st);
    return rc;
}

static int sq_list_keys(void *impl, json_t **out, const char *org_id)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
                     "SELECT id, key_id, public_key, label, created, revoked FROM signing_keys"
                     " WHERE org_id = ?1 ORDER BY id");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, org_id, -1, SQLITE_TRANSIENT);
    json_t *arr = json_array();
    bool ok = arr != NULL;
    int step = SQLITE_DONE;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *k = json_object();
        ok = k != NULL;
        if (!ok)
            break;
        put(k, "id", json_integer(sqlite3_column_int64(st, 0)), &ok);
        put(k, "key_id", col_json_text(st, 1), &ok);
        put(k, "public_key", json_string(col_text(st, 2)), &ok);
        put(k, "label", json_string(col_text(st, 3)), &ok);
        put(k, "created", json_string(col_text(st, 4)), &ok);
        put(k, "revoked", col_json_text(st, 5), &ok);
        if (json_array_append_new(arr, k) != 0)
            ok = false;
    }
    if (!ok)
        rc = oom();
    else if (step != SQLITE_DONE)
        rc = fail(s, "list keys");
    sqlite3_finalize(st);
    if (rc)
        json_decref(arr);
    else
        *out = arr;
    return rc;
}

static int sq_revoke_key(void *impl, const char *org_id, int64_t id, const char *when)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
                     "UPDATE signing_keys SET revoked = coalesce(revoked, ?3)"
                     " WHERE id = ?1 AND org_id = ?2");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, org_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, when, -1, SQLITE_TRANSIENT);
    char notfound[160];
    snprintf(notfound, sizeof(notfound), "organization %s has no key %lld", org_id, (long long)id);
    rc = write_one(s, st, "revoke key", notfound);
    sqlite3_finalize(st);
    return rc;
}

/* ---- submissions ------------------------------------------------------------------- */

static int insert_submission_rows(sq *s, const mm_submission_rec *r)
{
    sqlite3_stmt *st = NULL;
    char latest[16] = "";
    bool has_latest = false;
    int rc = prepare(s, &st,
                     "SELECT l.assessed FROM organizations o"
                     " LEFT JOIN submissions l ON l.id = o.latest_submission WHERE o.id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, r->org_id, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        mm_error_set("submission %s: no organization '%s'", r->id, r->org_id);
        rc = MM_ENOTFOUND;
        goto done;
    } else if (step != SQLITE_ROW) {
        rc = fail(s, "read the latest submission");
        goto done;
    }
    has_latest = sqlite3_column_type(st, 0) != SQLITE_NULL;
    copy_col(latest, sizeof(latest), st, 0);
    sqlite3_finalize(st);

    rc = prepare(s, &st, "SELECT org_id FROM signing_keys WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, r->key_row);
    step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        mm_error_set("submission %s: no signing key %lld", r->id, (long long)r->key_row);
        rc = MM_ENOTFOUND;
        goto done;
    } else if (step != SQLITE_ROW) {
        rc = fail(s, "read the signing key");
        goto done;
    } else if (strcmp(col_text(st, 0), r->org_id) != 0) {
        mm_error_set("submission %s: signing key %lld is not %s's", r->id, (long long)r->key_row,
                     r->org_id);
        rc = MM_EINVALID;
        goto done;
    }
    sqlite3_finalize(st);

    rc = prepare(s, &st, "SELECT 1 FROM submissions WHERE body_hash = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, r->body_hash, -1, SQLITE_TRANSIENT);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        mm_error_set("submission already received (same content hash)");
        rc = MM_ECONFLICT;
        goto done;
    } else if (step != SQLITE_DONE) {
        rc = fail(s, "look for a replay");
        goto done;
    }
    sqlite3_finalize(st);

    rc = prepare(s, &st,
                 "INSERT INTO submissions (id, org_id, key_id, received, body, body_hash,"
                 " signature, framework, score, status, assessed, affirmed_by, affirmed_on,"
                 " summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, r->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, r->org_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, r->key_row);
    sqlite3_bind_text(st, 4, r->received, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, r->body, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, r->body_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, r->signature, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, r->framework, -1, SQLITE_TRANSIENT);
    if (r->has_score)
        sqlite3_bind_int(st, 9, r->score);
    else
        sqlite3_bind_null(st, 9);
    sqlite3_bind_text(st, 10, r->status, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 11, r->assessed, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 12, r->affirmed_by, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 13, r->affirmed_on, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 14, r->summary ? r->summary : "{}", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = fail_write(s, "store submission");
        if (rc == MM_ECONFLICT)
            mm_error_set("submission %s: the id is taken", r->id);
        goto done;
    }
    sqlite3_finalize(st);

    rc = prepare(s, &st,
                 "INSERT INTO submission_gaps (submission_id, requirement, status)"
                 " VALUES (?1, ?2, ?3)");
    if (rc)
        return rc;
    for (size_t i = 0; i < r->ngaps; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, r->id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, r->gaps[i].requirement, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, r->gaps[i].status, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = fail(s, "store a gap");
            goto done;
        }
    }
    sqlite3_finalize(st);

    rc = prepare(s, &st,
                 "INSERT INTO submission_milestones (submission_id, requirement, poam_id,"
                 " description, due, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (rc)
        return rc;
    for (size_t i = 0; i < r->nmilestones; i++) {
        const mm_milestone_rec *m = &r->milestones[i];
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, r->id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, m->requirement, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, m->poam_id ? m->poam_id : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, m->description ? m->description : "", -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, m->due, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, m->status, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = fail(s, "store a milestone");
            goto done;
        }
    }
    sqlite3_finalize(st);
    st = NULL;

    /* the newest assessment is the organization's latest; on the same date, the newer
     * submission */
    if (has_latest && strcmp(latest, r->assessed) > 0)
        return MM_OK;
    rc = prepare(s, &st, "UPDATE organizations SET latest_submission = ?1 WHERE id = ?2");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, r->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, r->org_id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = fail(s, "set the latest submission");
done:
    sqlite3_finalize(st);
    return rc;
}

static int sq_insert_submission(void *impl, const mm_submission_rec *r)
{
    sq *s = impl;
    if (!s->in_tx) {
        int rc = tx_begin(s);
        if (rc)
            return rc;
        return tx_end(s, insert_submission_rows(s, r));
    }
    /* inside the caller's transaction: a savepoint, so a failure leaves nothing of it */
    int rc = exec(s, "SAVEPOINT submission", "savepoint");
    if (rc)
        return rc;
    rc = insert_submission_rows(s, r);
    if (rc)
        sqlite3_exec(s->db, "ROLLBACK TO submission", NULL, NULL, NULL);
    sqlite3_exec(s->db, "RELEASE submission", NULL, NULL, NULL);
    return rc;
}

#define SUB_COLS                                                                                   \
    "s.id, s.org_id, s.received, s.body_hash, s.framework, s.score, s.status, s.assessed,"         \
    " s.affirmed_by, s.affirmed_on, k.key_id, s.summary, s.body"

static json_t *submission_json(sqlite3_stmt *st, int c, bool with_summary, bool with_body)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    if (!ok)
        return NULL;
    put(o, "id", json_string(col_text(st, c + 0)), &ok);
    put(o, "org_id", json_string(col_text(st, c + 1)), &ok);
    put(o, "received", json_string(col_text(st, c + 2)), &ok);
    put(o, "body_hash", json_string(col_text(st, c + 3)), &ok);
    put(o, "framework", col_json_text(st, c + 4), &ok);
    put(o, "score", col_json_int(st, c + 5), &ok);
    put(o, "status", col_json_text(st, c + 6), &ok);
    put(o, "assessed", col_json_text(st, c + 7), &ok);
    put(o, "affirmed_by", json_string(col_text(st, c + 8)), &ok);
    put(o, "affirmed_on", json_string(col_text(st, c + 9)), &ok);
    put(o, "key_id", col_json_text(st, c + 10), &ok);
    if (with_summary)
        put(o, "summary", col_json_object(st, c + 11), &ok);
    if (with_body)
        put(o, "body",
            json_stringn((const char *)sqlite3_column_text(st, c + 12),
                         (size_t)sqlite3_column_bytes(st, c + 12)),
            &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int sq_get_submission(void *impl, json_t **out, const char *id, bool with_body)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st,
                     "SELECT " SUB_COLS " FROM submissions s"
                     " LEFT JOIN signing_keys k ON k.id = s.key_id WHERE s.id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        mm_error_set("no submission '%s'", id);
        rc = MM_ENOTFOUND;
    } else if (step != SQLITE_ROW) {
        rc = fail(s, "get submission");
    } else if (!(*out = submission_json(st, 0, true, with_body))) {
        rc = oom();
    }
    sqlite3_finalize(st);
    return rc;
}

/* Steps st, whose rows are (total, NULL-able page columns from column 1), into
 * {"total", "items"} with make(st) for each page row. */
static int paged(sq *s, sqlite3_stmt *st, json_t **out, json_t *(*make)(sqlite3_stmt *),
                 const char *what)
{
    json_t *res = json_object(), *items = json_array();
    bool ok = res && items;
    int rc = MM_OK, step = SQLITE_DONE;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!json_object_get(res, "total"))
            put(res, "total", json_integer(sqlite3_column_int64(st, 0)), &ok);
        if (sqlite3_column_type(st, 1) == SQLITE_NULL)
            continue;
        json_t *o = make(st);
        if (!o || json_array_append_new(items, o) != 0)
            ok = false;
    }
    if (!ok) {
        rc = oom();
    } else if (step != SQLITE_DONE) {
        rc = fail(s, what);
    } else {
        put(res, "items", items, &ok);
        items = NULL;
        if (!ok)
            rc = oom();
    }
    json_decref(items);
    if (rc)
        json_decref(res);
    else
        *out = res;
    return rc;
}

static json_t *submission_item(sqlite3_stmt *st)
{
    return submission_json(st, 1, false, false);
}

static int org_exists(sq *s, const char *org_id)
{
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, "SELECT 1 FROM organizations WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, org_id, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        mm_error_set("no organization '%s'", org_id);
        rc = MM_ENOTFOUND;
    } else if (step != SQLITE_ROW) {
        rc = fail(s, "find organization");
    }
    sqlite3_finalize(st);
    return rc;
}

static int sq_list_submissions(void *impl, json_t **out, const char *org_id, int64_t offset,
                               int64_t limit)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = org_exists(s, org_id);
    if (rc)
        return rc;
    rc = prepare(s, &st,
                 "SELECT t.total, p.* FROM"
                 " (SELECT count(*) AS total FROM submissions WHERE org_id = ?1) t"
                 " LEFT JOIN (SELECT " SUB_COLS " FROM submissions s"
                 "   LEFT JOIN signing_keys k ON k.id = s.key_id WHERE s.org_id = ?1"
                 "   ORDER BY s.received DESC, s.id LIMIT ?2 OFFSET ?3) p ON 1"
                 " ORDER BY p.received DESC, p.id");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, org_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, limit);
    sqlite3_bind_int64(st, 3, offset);
    rc = paged(s, st, out, submission_item, "list submissions");
    sqlite3_finalize(st);
    return rc;
}

static int sq_failure_counts(void *impl, json_t **out, int64_t limit)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(
        s, &st,
        "SELECT g.requirement, l.framework,"
        "  sum(g.status = 'not-met'), sum(g.status = 'partial'), sum(g.status = 'not-assessed'),"
        "  count(DISTINCT o.id) AS contractors"
        " FROM organizations o"
        " JOIN submissions l ON l.id = o.latest_submission"
        " JOIN submission_gaps g ON g.submission_id = l.id"
        " WHERE o.kind = 'contractor'"
        " GROUP BY g.requirement, l.framework"
        " ORDER BY contractors DESC, g.requirement, l.framework LIMIT ?1");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, limit);
    json_t *arr = json_array();
    bool ok = arr != NULL;
    int step = SQLITE_DONE;
    while (ok && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *r = json_object();
        ok = r != NULL;
        if (!ok)
            break;
        put(r, "requirement", json_string(col_text(st, 0)), &ok);
        put(r, "framework", col_json_text(st, 1), &ok);
        put(r, "not_met", json_integer(sqlite3_column_int64(st, 2)), &ok);
        put(r, "partial", json_integer(sqlite3_column_int64(st, 3)), &ok);
        put(r, "not_assessed", json_integer(sqlite3_column_int64(st, 4)), &ok);
        put(r, "contractors", json_integer(sqlite3_column_int64(st, 5)), &ok);
        if (json_array_append_new(arr, r) != 0)
            ok = false;
    }
    if (!ok)
        rc = oom();
    else if (step != SQLITE_DONE)
        rc = fail(s, "count failures");
    sqlite3_finalize(st);
    if (rc)
        json_decref(arr);
    else
        *out = arr;
    return rc;
}

static json_t *milestone_item(sqlite3_stmt *st)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    if (!ok)
        return NULL;
    put(o, "org_id", json_string(col_text(st, 1)), &ok);
    put(o, "org_name", json_string(col_text(st, 2)), &ok);
    put(o, "submission_id", json_string(col_text(st, 3)), &ok);
    put(o, "requirement", json_string(col_text(st, 4)), &ok);
    put(o, "poam_id", json_string(col_text(st, 5)), &ok);
    put(o, "description", json_string(col_text(st, 6)), &ok);
    put(o, "due", json_string(col_text(st, 7)), &ok);
    put(o, "status", json_string(col_text(st, 8)), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

#define OVERDUE_FROM                                                                               \
    " FROM organizations o"                                                                        \
    " JOIN submission_milestones m ON m.submission_id = o.latest_submission"                       \
    " WHERE o.kind = 'contractor' AND m.due < ?1 AND m.status <> 'completed'"

static int sq_overdue_milestones(void *impl, json_t **out, const char *today, int64_t offset,
                                 int64_t limit)
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    int rc = prepare(
        s, &st,
        "SELECT t.total, p.* FROM (SELECT count(*) AS total" OVERDUE_FROM ") t"
        " LEFT JOIN (SELECT o.id AS org_id, o.name AS org_name, m.submission_id,"
        "   m.requirement, m.poam_id, m.description, m.due, m.status, m.id AS mid" OVERDUE_FROM
        " ORDER BY m.due, o.id, m.id LIMIT ?2 OFFSET ?3) p ON 1"
        " ORDER BY p.due, p.org_id, p.mid");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, limit);
    sqlite3_bind_int64(st, 3, offset);
    rc = paged(s, st, out, milestone_item, "list overdue milestones");
    sqlite3_finalize(st);
    return rc;
}

/* ---- the server's key -------------------------------------------------------------- */

static int sq_server_key(void *impl, char public_key[64], char secret_key[128])
{
    sq *s = impl;
    sqlite3_stmt *st = NULL;
    char ts[21];
    int rc = tx_begin(s);
    if (rc)
        return rc;
    rc = prepare(s, &st,
                 "INSERT INTO server_keys (id, public_key, secret_key, created)"
                 " VALUES (1, ?1, ?2, ?3) ON CONFLICT (id) DO NOTHING");
    if (rc)
        goto done;
    now(ts);
    sqlite3_bind_text(st, 1, public_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, secret_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, ts, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = fail(s, "store the server key");
        goto done;
    }
    sqlite3_finalize(st);
    rc = prepare(s, &st, "SELECT public_key, secret_key FROM server_keys WHERE id = 1");
    if (rc)
        goto done;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = fail(s, "read the server key");
        goto done;
    }
    if ((size_t)sqlite3_column_bytes(st, 0) >= 64 || (size_t)sqlite3_column_bytes(st, 1) >= 128) {
        mm_error_set("%s: the stored server key is damaged (too long)", s->path);
        rc = MM_EINVALID;
        goto done;
    }
    copy_col(public_key, 64, st, 0);
    copy_col(secret_key, 128, st, 1);
done:
    sqlite3_finalize(st);
    return tx_end(s, rc);
}

/* ---- dump: export and import (src/store/dump.c) -------------------------------------
 * Table and column names come only from the fixed descriptors in dump.c; values are bound. */

/* Appends text to sql[size] at *len; false when it does not fit. */
static bool sql_add(char *sql, size_t size, size_t *len, const char *text)
{
    size_t n = strlen(text);
    if (*len + n >= size)
        return false;
    memcpy(sql + *len, text, n + 1);
    *len += n;
    return true;
}

static int sql_too_long(const mm_dump_table *t)
{
    mm_error_set("%s: the dump statement is too long", t->name);
    return MM_ERROR;
}

static json_t *sq_dump_value(sqlite3_stmt *st, int i, const mm_dump_column *c)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return json_null();
    switch (c->type) {
    case MM_COL_INT:
        return json_integer((json_int_t)sqlite3_column_int64(st, i));
    case MM_COL_BOOL:
        return json_boolean(sqlite3_column_int64(st, i) != 0);
    case MM_COL_TEXT:
        break;
    }
    const char *text = (const char *)sqlite3_column_text(st, i);
    return text ? json_stringn(text, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

static int sq_dump_table(sq *s, size_t ti, const mm_dump_table *t,
                         int (*row)(void *ctx, size_t table, json_t *row), void *ctx)
{
    char sql[1024] = "SELECT ";
    size_t len = strlen(sql);
    for (size_t c = 0; c < t->ncols; c++)
        if ((c && !sql_add(sql, sizeof(sql), &len, ", ")) ||
            !sql_add(sql, sizeof(sql), &len, t->cols[c].name))
            return sql_too_long(t);
    if (!sql_add(sql, sizeof(sql), &len, " FROM ") || !sql_add(sql, sizeof(sql), &len, t->name) ||
        !sql_add(sql, sizeof(sql), &len, " ORDER BY ") || !sql_add(sql, sizeof(sql), &len, t->key))
        return sql_too_long(t);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, sql);
    if (rc)
        return rc;
    int step;
    while (rc == MM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();
        for (size_t c = 0; o && c < t->ncols; c++) {
            json_t *v = sq_dump_value(st, (int)c, &t->cols[c]);
            if (!v || json_object_set_new(o, t->cols[c].name, v)) {
                mm_error_set("%s: %s.%s of a row is not UTF-8 text (or out of memory)", s->path,
                             t->name, t->cols[c].name);
                json_decref(o);
                o = NULL;
                rc = MM_EINVALID;
            }
        }
        if (rc == MM_OK && !o)
            rc = oom();
        if (rc == MM_OK)
            rc = row(ctx, ti, o);
        json_decref(o);
    }
    if (rc == MM_OK && step != SQLITE_DONE)
        rc = fail(s, "read a table for the dump");
    sqlite3_finalize(st);
    return rc;
}

static int sq_dump_export(void *impl, const mm_dump_table *tables, size_t n,
                          int (*row)(void *ctx, size_t table, json_t *row), void *ctx)
{
    sq *s = impl;
    if (s->in_tx) {
        mm_error_set("%s: export inside a transaction", s->path);
        return MM_EUSAGE;
    }
    /* one read transaction: every table from the same snapshot while writers go on */
    int rc = exec(s, "BEGIN", "begin");
    if (rc)
        return rc;
    for (size_t i = 0; rc == MM_OK && i < n; i++)
        rc = sq_dump_table(s, i, &tables[i], row, ctx);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

static int sq_dump_empty(void *impl, bool *out, char what[64], const mm_dump_table *tables,
                         size_t n)
{
    sq *s = impl;
    *out = true;
    int rc = MM_OK;
    for (size_t i = 0; rc == MM_OK && *out && i <= n; i++) {
        const char *name = i < n ? tables[i].name : "sessions";
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT EXISTS (SELECT 1 FROM %s)", name);
        sqlite3_stmt *st = NULL;
        rc = prepare(s, &st, sql);
        if (rc)
            break;
        if (sqlite3_step(st) != SQLITE_ROW)
            rc = fail(s, "check that the database is empty");
        else if (sqlite3_column_int(st, 0)) {
            *out = false;
            snprintf(what, 64, "%s", name);
        }
        sqlite3_finalize(st);
    }
    return rc;
}

static void sq_dump_bind(sqlite3_stmt *st, int i, const mm_dump_column *c, json_t *v)
{
    if (!v || json_is_null(v))
        sqlite3_bind_null(st, i);
    else if (c->type == MM_COL_INT)
        sqlite3_bind_int64(st, i, (sqlite3_int64)json_integer_value(v));
    else if (c->type == MM_COL_BOOL)
        sqlite3_bind_int(st, i, json_is_true(v) ? 1 : 0);
    else
        sqlite3_bind_text(st, i, json_string_value(v), (int)json_string_length(v),
                          SQLITE_TRANSIENT);
}

static int sq_dump_insert(void *impl, const mm_dump_table *t, json_t *row)
{
    sq *s = impl;
    char sql[1024] = "INSERT INTO ";
    size_t len = strlen(sql);
    if (!sql_add(sql, sizeof(sql), &len, t->name) || !sql_add(sql, sizeof(sql), &len, " ("))
        return sql_too_long(t);
    for (size_t c = 0; c < t->ncols; c++)
        if ((c && !sql_add(sql, sizeof(sql), &len, ", ")) ||
            !sql_add(sql, sizeof(sql), &len, t->cols[c].name))
            return sql_too_long(t);
    if (!sql_add(sql, sizeof(sql), &len, ") VALUES ("))
        return sql_too_long(t);
    for (size_t c = 0; c < t->ncols; c++) {
        char p[16];
        snprintf(p, sizeof(p), "%s?%zu", c ? ", " : "", c + 1);
        if (!sql_add(sql, sizeof(sql), &len, p))
            return sql_too_long(t);
    }
    if (!sql_add(sql, sizeof(sql), &len, ")"))
        return sql_too_long(t);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, sql);
    if (rc)
        return rc;
    for (size_t c = 0; c < t->ncols; c++)
        sq_dump_bind(st, (int)c + 1, &t->cols[c],
                     t->cols[c].deferred ? NULL : json_object_get(row, t->cols[c].name));
    char what[96];
    snprintf(what, sizeof(what), "insert a %s row", t->name);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = fail_write(s, what);
    sqlite3_finalize(st);
    return rc;
}

static int sq_dump_link(void *impl, const mm_dump_table *t, json_t *row)
{
    sq *s = impl;
    char sql[512] = "UPDATE ";
    size_t len = strlen(sql);
    bool any = false;
    if (!sql_add(sql, sizeof(sql), &len, t->name) || !sql_add(sql, sizeof(sql), &len, " SET "))
        return sql_too_long(t);
    int n = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        if (!t->cols[c].deferred)
            continue;
        json_t *v = json_object_get(row, t->cols[c].name);
        any = any || (v && !json_is_null(v));
        char p[16];
        snprintf(p, sizeof(p), " = ?%d", ++n);
        if ((n > 1 && !sql_add(sql, sizeof(sql), &len, ", ")) ||
            !sql_add(sql, sizeof(sql), &len, t->cols[c].name) ||
            !sql_add(sql, sizeof(sql), &len, p))
            return sql_too_long(t);
    }
    if (!any)
        return MM_OK;
    char p[16];
    snprintf(p, sizeof(p), " = ?%d", n + 1);
    if (!sql_add(sql, sizeof(sql), &len, " WHERE ") || !sql_add(sql, sizeof(sql), &len, t->key) ||
        !sql_add(sql, sizeof(sql), &len, p))
        return sql_too_long(t);
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, sql);
    if (rc)
        return rc;
    n = 0;
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].deferred)
            sq_dump_bind(st, ++n, &t->cols[c], json_object_get(row, t->cols[c].name));
    sq_dump_bind(st, n + 1, &t->cols[0], json_object_get(row, t->key));
    char what[96];
    snprintf(what, sizeof(what), "link a %s row", t->name);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = fail_write(s, what);
    sqlite3_finalize(st);
    return rc;
}

static int sq_dump_finish(void *impl, const mm_dump_table *tables, size_t n)
{
    (void)impl;
    (void)tables;
    (void)n;
    /* INTEGER PRIMARY KEY tables continue after max(id) by themselves, and an insert with an
     * explicit id into audit_log (AUTOINCREMENT) raises sqlite_sequence to it: nothing to do */
    return MM_OK;
}

static int sq_schema_peek(const char *path, int *out)
{
    *out = 0;
    if (strcmp(path, ":memory:") == 0 || access(path, F_OK) != 0)
        return MM_OK; /* nothing there yet */
    sqlite3 *db = NULL;
    int rc = MM_OK;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        mm_error_set("%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        rc = MM_EIO;
        goto done;
    }
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM sqlite_master"
                           " WHERE type = 'table' AND name = 'schema_version'",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        mm_error_set("%s: not a mamori database: %s", path, sqlite3_errmsg(db));
        rc = MM_EIO;
        goto done;
    }
    bool has = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    st = NULL;
    if (!has)
        goto done;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM schema_version", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        mm_error_set("%s: read schema version: %s", path, sqlite3_errmsg(db));
        rc = MM_EIO;
        goto done;
    }
    *out = sqlite3_column_int(st, 0);
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

/* ---- fixed statements of the front end (src/store/share.c) ---------------------------- */

/* Runs one fixed statement whose parameters are written $1..$n (as PostgreSQL's; here
 * ?1..?n) with n text values (NULL: SQL NULL). Rows come back as arrays of strings (NULL:
 * null) in *out when out is given; *changes (may be NULL) gets the rows changed. */
static int sq_exec_params(void *impl, json_t **out, int64_t *changes, const char *sql, int n,
                          const char *const *v)
{
    sq *s = impl;
    if (out)
        *out = NULL;
    char *text = strdup(sql);
    if (!text)
        return oom();
    for (char *c = text; *c; c++)
        if (c[0] == '$' && c[1] >= '0' && c[1] <= '9')
            c[0] = '?';
    sqlite3_stmt *st = NULL;
    int rc = prepare(s, &st, text);
    free(text);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        if (v[i])
            sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_TRANSIENT);
    bool write = !sqlite3_stmt_readonly(st);
    json_t *rows = out ? json_array() : NULL;
    if (out && !rows) {
        sqlite3_finalize(st);
        return oom();
    }
    if (write)
        rc = tx_begin(s);
    int step = SQLITE_DONE;
    while (rc == MM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!rows)
            continue;
        json_t *row = json_array();
        int nc = sqlite3_column_count(st);
        for (int c = 0; row && c < nc; c++) {
            const char *t = (const char *)sqlite3_column_text(st, c);
            if (json_array_append_new(row, t ? json_string(t) : json_null())) {
                json_decref(row);
                row = NULL;
            }
        }
        if (!row || json_array_append_new(rows, row))
            rc = oom();
    }
    if (rc == MM_OK && step != SQLITE_DONE)
        rc = write ? fail_write(s, "run a statement") : fail(s, "run a statement");
    if (rc == MM_OK && changes)
        *changes = write ? sqlite3_changes(s->db) : 0;
    sqlite3_finalize(st);
    if (write)
        rc = tx_end(s, rc);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    if (out)
        *out = rows;
    return MM_OK;
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
    .audit_head = sq_audit_head,
    .get_org = sq_get_org,
    .set_org_consent = sq_set_org_consent,
    .list_orgs = sq_list_orgs,
    .get_user_by_id = sq_get_user_by_id,
    .list_users = sq_list_users,
    .set_logon_state = sq_set_logon_state,
    .set_password = sq_set_password,
    .create_token = sq_create_token,
    .get_token = sq_get_token,
    .list_tokens = sq_list_tokens,
    .revoke_token = sq_revoke_token,
    .create_session = sq_create_session,
    .get_session = sq_get_session,
    .touch_session = sq_touch_session,
    .delete_session = sq_delete_session,
    .delete_user_sessions = sq_delete_user_sessions,
    .add_key = sq_add_key,
    .find_key = sq_find_key,
    .list_keys = sq_list_keys,
    .revoke_key = sq_revoke_key,
    .insert_submission = sq_insert_submission,
    .get_submission = sq_get_submission,
    .list_submissions = sq_list_submissions,
    .failure_counts = sq_failure_counts,
    .overdue_milestones = sq_overdue_milestones,
    .server_key = sq_server_key,
    /* dump */
    .dump_export = sq_dump_export,
    .dump_empty = sq_dump_empty,
    .dump_insert = sq_dump_insert,
    .dump_link = sq_dump_link,
    .dump_finish = sq_dump_finish,
    .schema_peek = sq_schema_peek,
    .exec_params = sq_exec_params,
};
