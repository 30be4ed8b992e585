/* Unit tests for src/store: migrations (1 to 2), organizations and users, passwords, the
 * audit chain and its tamper detection, the append-only triggers, transactions, tokens,
 * sessions, signing keys, submissions and the authority's views, the server key. The same
 * suite runs on PostgreSQL when MM_TEST_DB is a postgresql:// URL (ctest: test_store_pg). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <time.h>

#include "mamori/store.h"

/* The database under test: MM_TEST_DB (a postgresql:// URL runs every case against
 * PostgreSQL, each on an empty schema) or, by default, a temporary SQLite file per case. */
static const char *pg_url;

static bool on_pg(void)
{
    return pg_url != NULL;
}

typedef struct fixture {
    char dir[64];
    char path[96];
    const char *url; /* what mm_store_open gets: path, or pg_url */
    mm_store *s;
} fixture;

enum { RAW_OK, RAW_CONSTRAINT, RAW_ERROR };

static PGconn *pg_connect(void)
{
    PGconn *c = PQconnectdb(pg_url);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "test_store: cannot connect to MM_TEST_DB: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    return c;
}

/* An empty public schema: every case starts from nothing. */
static int pg_reset(void)
{
    PGconn *c = pg_connect();
    if (!c)
        return -1;
    PGresult *r = PQexec(c, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc)
        fprintf(stderr, "test_store: cannot reset the schema: %s", PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return rc;
}

/* Runs sql (sqlite_sql or pg_sql, by backend) on a second, raw connection: RAW_OK, or
 * RAW_CONSTRAINT when a constraint or trigger refused it. */
static int raw_exec2(const fixture *f, const char *sqlite_sql, const char *pg_sql)
{
    if (on_pg()) {
        PGconn *c = pg_connect();
        assert_non_null(c);
        PGresult *r = PQexec(c, pg_sql);
        ExecStatusType st = PQresultStatus(r);
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? RAW_OK
                 : state && strncmp(state, "23", 2) == 0         ? RAW_CONSTRAINT
                                                                 : RAW_ERROR;
        if (rc == RAW_ERROR)
            fprintf(stderr, "raw_exec: %s", PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
        return rc;
    }
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    int rc = sqlite3_exec(db, sqlite_sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc == SQLITE_OK ? RAW_OK : rc == SQLITE_CONSTRAINT ? RAW_CONSTRAINT : RAW_ERROR;
}

static int raw_exec(const fixture *f, const char *sql)
{
    return raw_exec2(f, sql, sql);
}

/* The first row of a query, its columns as strings into cols[i] (each 256 bytes). */
static void raw_row2(const fixture *f, const char *sqlite_sql, const char *pg_sql, char cols[][256],
                     int n)
{
    if (on_pg()) {
        PGconn *c = pg_connect();
        assert_non_null(c);
        PGresult *r = PQexec(c, pg_sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            fprintf(stderr, "raw_row: %s", PQerrorMessage(c));
        assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
        assert_true(PQntuples(r) >= 1);
        assert_true(PQnfields(r) >= n);
        for (int i = 0; i < n; i++)
            snprintf(cols[i], 256, "%s", PQgetvalue(r, 0, i));
        PQclear(r);
        PQfinish(c);
        return;
    }
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sqlite_sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    for (int i = 0; i < n; i++) {
        const unsigned char *t = sqlite3_column_text(st, i);
        snprintf(cols[i], 256, "%s", t ? (const char *)t : "");
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static int64_t raw_count2(const fixture *f, const char *sqlite_sql, const char *pg_sql)
{
    char v[1][256];
    raw_row2(f, sqlite_sql, pg_sql, v, 1);
    return strtoll(v[0], NULL, 10);
}

static int64_t raw_count(const fixture *f, const char *sql)
{
    return raw_count2(f, sql, sql);
}

/* Closes the store and makes its database empty (a new file, or an empty schema). */
static void wipe(fixture *f)
{
    mm_store_free(f->s);
    f->s = NULL;
    if (on_pg()) {
        assert_int_equal(pg_reset(), 0);
    } else {
        const char *suffix[] = {"", "-wal", "-shm", "-journal"};
        char p[128];
        for (size_t i = 0; i < 4; i++) {
            snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
            unlink(p);
        }
    }
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/mm_store_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
    f->url = f->path;
    if (on_pg()) {
        f->url = pg_url;
        if (pg_reset() != 0)
            return -1;
    }
    if (mm_store_open(&f->s, f->url) != MM_OK) {
        fprintf(stderr, "test_store: open: %s\n", mm_error_last());
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    mm_store_free(f->s);
    char p[128];
    const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static void add_org(mm_store *s, const char *id, const char *kind, const char *parent)
{
    mm_org o = {.id = id,
                .kind = kind,
                .name = id,
                .identifiers = "{\"cage\":\"1ABC2\"}",
                .parent_id = parent};
    assert_int_equal(mm_store_create_org(s, &o), MM_OK);
}

static void append_n(mm_store *s, int n)
{
    for (int i = 1; i <= n; i++) {
        char detail[64];
        snprintf(detail, sizeof(detail), "{\"n\":%d}", i);
        int64_t id = 0;
        assert_int_equal(mm_store_audit_append(s, &id, "tester", "test.event", "obj", detail),
                         MM_OK);
        assert_int_equal(id, i);
    }
}

static void test_migrations(void **state)
{
    fixture *f = *state;
    int v = 0;
    assert_int_equal(mm_store_schema_version(f->s, &v), MM_OK);
    assert_int_equal(v, mm_store_schema_latest());
    assert_true(v >= 1);
    mm_store_free(f->s);
    f->s = NULL;
    assert_int_equal(mm_store_open(&f->s, f->url), MM_OK);
    assert_int_equal(mm_store_schema_version(f->s, &v), MM_OK);
    assert_int_equal(v, mm_store_schema_latest());
    /* each migration recorded once */
    assert_int_equal(raw_count(f, "SELECT count(*) FROM schema_version"), v);
    assert_int_equal(raw_count2(f,
                                "SELECT count(*) FROM sqlite_master WHERE name IN "
                                "('organizations','users','api_tokens','sessions',"
                                "'signing_keys','submissions','audit_log')",
                                "SELECT count(*) FROM information_schema.tables"
                                " WHERE table_schema = current_schema() AND table_name IN "
                                "('organizations','users','api_tokens','sessions',"
                                "'signing_keys','submissions','audit_log')"),
                     7);
    if (!on_pg()) {
        struct stat sb;
        assert_int_equal(stat(f->path, &sb), 0);
        assert_int_equal(sb.st_mode & 0777, 0600);
    }
    /* a newer schema than this build knows is refused */
    assert_int_equal(raw_exec(f, "INSERT INTO schema_version VALUES (999, 'x')"), RAW_OK);
    mm_store *s2 = NULL;
    assert_int_equal(mm_store_open(&s2, f->url), MM_EINVALID);
    assert_null(s2);
}

static void test_schemes(void **state)
{
    fixture *f = *state;
    mm_store *s = NULL;
    /* PostgreSQL: a server that is not there is MM_EIO, and the message names the URL
     * without its password (nor the query, which may hold one) */
    assert_int_equal(mm_store_open(&s, "postgresql://mamori:s3cr3t-pw@127.0.0.1:1/mamori"), MM_EIO);
    assert_null(s);
    assert_non_null(strstr(mm_error_last(), "postgresql://mamori@127.0.0.1:1/mamori"));
    assert_null(strstr(mm_error_last(), "s3cr3t-pw"));
    assert_int_equal(mm_store_open(&s, "postgres://127.0.0.1:1/mamori?password=s3cr3t-pw"), MM_EIO);
    assert_null(strstr(mm_error_last(), "s3cr3t-pw"));
    assert_int_equal(mm_store_open(&s, "postgresql://u:s3cr3t-pw@127.0.0.1:notaport/x"), MM_EIO);
    assert_null(strstr(mm_error_last(), "s3cr3t-pw"));
    assert_int_equal(mm_store_open(&s, "mysql://x"), MM_EUSAGE);
    assert_int_equal(mm_store_open(&s, ""), MM_EUSAGE);
    char url[128];
    snprintf(url, sizeof(url), "sqlite:%s", f->path);
    assert_int_equal(mm_store_open(&s, url), MM_OK);
    mm_store_free(s);
    mm_store_free(NULL);
}

static void test_org_user(void **state)
{
    fixture *f = *state;
    add_org(f->s, "auth", "authority", NULL);
    add_org(f->s, "prime", "contractor", NULL);
    add_org(f->s, "sub", "contractor", "prime");
    mm_org bad = {.id = "x", .kind = "vendor", .name = "x"};
    assert_int_equal(mm_store_create_org(f->s, &bad), MM_EINVALID);
    mm_org orphan = {.id = "y", .kind = "contractor", .name = "y", .parent_id = "nope"};
    assert_int_equal(mm_store_create_org(f->s, &orphan), MM_EINVALID);
    mm_org badjson = {.id = "z", .kind = "contractor", .name = "z", .identifiers = "{oops"};
    assert_int_equal(mm_store_create_org(f->s, &badjson), MM_EINVALID);
    mm_org dup = {.id = "prime", .kind = "contractor", .name = "again"};
    assert_int_equal(mm_store_create_org(f->s, &dup), MM_EINVALID);

    char hash[128];
    assert_int_equal(mm_password_hash(hash, "correct horse"), MM_OK);
    mm_user u = {
        .org_id = "prime", .login = "alice", .role = "contractor-admin", .password_hash = hash};
    int64_t id = 0;
    assert_int_equal(mm_store_create_user(f->s, &id, &u), MM_OK);
    assert_true(id > 0);
    assert_int_equal(mm_store_create_user(f->s, NULL, &u), MM_EINVALID); /* login taken */
    mm_user u2 = {
        .org_id = "nowhere", .login = "bob", .role = "contractor-member", .password_hash = hash};
    assert_int_equal(mm_store_create_user(f->s, NULL, &u2), MM_EINVALID);
    u2.org_id = "prime";
    u2.role = "root";
    assert_int_equal(mm_store_create_user(f->s, NULL, &u2), MM_EINVALID);
    u2.role = "contractor-member";
    u2.password_hash = "plaintext";
    assert_int_equal(mm_store_create_user(f->s, NULL, &u2), MM_EINVALID);

    mm_user *got = NULL;
    assert_int_equal(mm_store_get_user(f->s, &got, "alice"), MM_OK);
    assert_int_equal(got->id, id);
    assert_string_equal(got->org_id, "prime");
    assert_string_equal(got->role, "contractor-admin");
    assert_true(mm_password_verify(got->password_hash, "correct horse"));
    assert_false(mm_password_verify(got->password_hash, "correct horse "));
    mm_user_free(got);
    got = NULL;
    assert_int_equal(mm_store_get_user(f->s, &got, "bob"), MM_ENOTFOUND);
    assert_null(got);
    /* a login that looks like SQL is just a login */
    assert_int_equal(mm_store_get_user(f->s, &got, "x' OR '1'='1"), MM_ENOTFOUND);
    int64_t n = 0;
    assert_int_equal(mm_store_count_users(f->s, &n, "contractor-admin"), MM_OK);
    assert_int_equal(n, 1);
    assert_int_equal(mm_store_count_users(f->s, &n, "authority-admin"), MM_OK);
    assert_int_equal(n, 0);
}

static void test_password(void **state)
{
    (void)state;
    char pw[21], pw2[21], hash[128];
    assert_int_equal(mm_password_generate(pw, sizeof(pw), 20), MM_OK);
    assert_int_equal(strlen(pw), 20);
    assert_null(strpbrk(pw, "0O1lIio"));
    assert_int_equal(mm_password_generate(pw2, sizeof(pw2), 20), MM_OK);
    assert_string_not_equal(pw, pw2);
    assert_int_equal(mm_password_generate(pw2, sizeof(pw2), 21), MM_EUSAGE);
    assert_int_equal(mm_password_hash(hash, pw), MM_OK);
    assert_memory_equal(hash, "$argon2id$", 10);
    assert_null(strstr(hash, pw));
    assert_true(mm_password_verify(hash, pw));
    assert_false(mm_password_verify(hash, pw2));
    assert_false(mm_password_verify(hash, ""));
}

static void test_transaction(void **state)
{
    fixture *f = *state;
    assert_int_equal(mm_store_begin(f->s), MM_OK);
    assert_int_equal(mm_store_begin(f->s), MM_EUSAGE);
    add_org(f->s, "gone", "contractor", NULL);
    assert_int_equal(mm_store_audit_append(f->s, NULL, "t", "org.create", "org:gone", NULL), MM_OK);
    assert_int_equal(mm_store_rollback(f->s), MM_OK);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM organizations"), 0);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit_log"), 0);
    assert_int_equal(mm_store_begin(f->s), MM_OK);
    add_org(f->s, "kept", "contractor", NULL);
    assert_int_equal(mm_store_audit_append(f->s, NULL, "t", "org.create", "org:kept", NULL), MM_OK);
    mm_audit_report r;
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK); /* inside the transaction */
    assert_int_equal(r.records, 1);
    assert_int_equal(mm_store_commit(f->s), MM_OK);
    assert_int_equal(mm_store_commit(f->s), MM_EUSAGE);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM organizations"), 1);
}

static void test_audit_intact(void **state)
{
    fixture *f = *state;
    mm_audit_report r;
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.records, 0);
    assert_int_equal(r.bad_id, 0);
    append_n(f->s, 100);
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.records, 100);
    assert_int_equal(r.bad_id, 0);
    assert_int_equal(
        raw_count(f, "SELECT count(*) FROM audit_log WHERE id = 1 AND prev_hash = "
                     "'0000000000000000000000000000000000000000000000000000000000000000'"),
        1);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit_log a JOIN audit_log b"
                                  " ON b.id = a.id + 1 WHERE b.prev_hash = a.hash"),
                     99);
    assert_int_equal(mm_store_audit_append(f->s, NULL, "t", "x", "o", "[1]"), MM_EINVALID);
    assert_int_equal(mm_store_audit_append(f->s, NULL, "", "x", "o", NULL), MM_EINVALID);
}

/* Several records appended at once (the group commit's) link as one by one would: ids in
 * order, each to the one before, after the records already there; more than one INSERT's
 * worth (16 a statement); a bad record appends none; inside a transaction they go with it. */
static void test_audit_many(void **state)
{
    fixture *f = *state;
    append_n(f->s, 3);
    mm_audit_rec recs[40];
    char details[40][32];
    for (int i = 0; i < 40; i++) {
        snprintf(details[i], sizeof details[i], "{\"n\":%d}", i);
        recs[i] = (mm_audit_rec){"tester", "test.many", "obj", i % 2 ? details[i] : NULL};
    }
    int64_t first = 0;
    assert_int_equal(mm_store_audit_append_many(f->s, &first, recs, 40), MM_OK);
    assert_int_equal(first, 4);
    mm_audit_report r;
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.records, 43);
    assert_int_equal(r.bad_id, 0);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit_log WHERE action = 'test.many'"
                                  " AND id BETWEEN 4 AND 43"),
                     40);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit_log WHERE id = 5"
                                  " AND detail = '{\"n\":1}'"),
                     1);
    recs[7].actor = "";
    assert_int_equal(mm_store_audit_append_many(f->s, NULL, recs, 40), MM_EINVALID);
    recs[7].actor = "tester";
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit_log"), 43);
    assert_int_equal(mm_store_begin(f->s), MM_OK);
    assert_int_equal(mm_store_audit_append_many(f->s, &first, recs, 2), MM_OK);
    assert_int_equal(first, 44);
    assert_int_equal(mm_store_rollback(f->s), MM_OK);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit_log"), 43);
    int64_t id = 0;
    assert_int_equal(mm_store_audit_append(f->s, &id, "tester", "test.event", "obj", NULL), MM_OK);
    assert_int_equal(id, 44);
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.records, 44);
    assert_int_equal(r.bad_id, 0);
}

/* The ids of a page of mm_store_audit_list (newest first) into ids; its count. */
static size_t audit_ids(mm_store *s, const mm_audit_filter *f, int64_t *ids, int64_t *older,
                        int64_t *newer)
{
    json_t *page = NULL;
    assert_int_equal(mm_store_audit_list(s, &page, f), MM_OK);
    json_t *items = json_object_get(page, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        ids[i] = json_integer_value(json_object_get(json_array_get(items, i), "id"));
    *older = json_integer_value(json_object_get(page, "older")); /* 0 for null */
    *newer = json_integer_value(json_object_get(page, "newer"));
    size_t n = json_array_size(items);
    json_decref(page);
    return n;
}

/* A filtered page of the audit log, newest first: by actor, action, organization (a deleted
 * user's records too), with keyset pages both ways; bad filters refused, naming the member. */
static void test_audit_list(void **state)
{
    fixture *f = *state;
    add_org(f->s, "org-a", "contractor", NULL);
    add_org(f->s, "org-b", "contractor", NULL);
    char hash[128];
    assert_int_equal(mm_password_hash(hash, "correct horse"), MM_OK);
    mm_user ua = {
        .org_id = "org-a", .login = "ua", .role = "contractor-admin", .password_hash = hash};
    mm_user ux = {
        .org_id = "org-a", .login = "ux", .role = "contractor-member", .password_hash = hash};
    mm_user ub = {
        .org_id = "org-b", .login = "ub", .role = "contractor-admin", .password_hash = hash};
    int64_t ux_id = 0;
    assert_int_equal(mm_store_create_user(f->s, NULL, &ua), MM_OK);
    assert_int_equal(mm_store_create_user(f->s, &ux_id, &ux), MM_OK);
    assert_int_equal(mm_store_create_user(f->s, NULL, &ub), MM_OK);
    /* ids 1..30: ua, ub, ux in turn; every third of ua's a "t.rare" */
    for (int i = 1; i <= 30; i++) {
        const char *who = i % 3 == 1 ? "ua" : i % 3 == 2 ? "ub" : "ux";
        assert_int_equal(
            mm_store_audit_append(f->s, NULL, who, i % 9 == 1 ? "t.rare" : "t.common", "obj", NULL),
            MM_OK);
    }
    /* ux deleted: its records stay org-a's through deleted_login */
    assert_int_equal(
        mm_store_delete_user(f->s, ux_id, "2026-12-01T00:00:00Z", "2027-03-01T00:00:00Z"), MM_OK);
    int64_t ids[64], older = 0, newer = 0;
    size_t n = audit_ids(f->s, &(mm_audit_filter){.limit = 4}, ids, &older, &newer);
    assert_int_equal(n, 4);
    assert_int_equal(ids[0], 30);
    assert_int_equal(ids[3], 27);
    assert_int_equal(older, 27);
    assert_int_equal(newer, 0);
    n = audit_ids(f->s, &(mm_audit_filter){.limit = 4, .before = 27}, ids, &older, &newer);
    assert_int_equal(n, 4);
    assert_int_equal(ids[0], 26);
    assert_int_equal(newer, 26);
    /* back: the nearest 4 above 26 */
    n = audit_ids(f->s, &(mm_audit_filter){.limit = 4, .after = 26}, ids, &older, &newer);
    assert_int_equal(n, 4);
    assert_int_equal(ids[0], 30);
    assert_int_equal(ids[3], 27);
    assert_int_equal(older, 27);
    assert_int_equal(newer, 0);
    n = audit_ids(f->s, &(mm_audit_filter){.action = "t.rare"}, ids, &older, &newer);
    assert_int_equal(n, 4); /* 1, 10, 19, 28 */
    assert_int_equal(ids[0], 28);
    assert_int_equal(ids[3], 1);
    assert_int_equal(older, 0);
    n = audit_ids(f->s, &(mm_audit_filter){.actor = "ub"}, ids, &older, &newer);
    assert_int_equal(n, 10);
    assert_int_equal(ids[9], 2);
    n = audit_ids(f->s, &(mm_audit_filter){.org_id = "org-a", .limit = 200}, ids, &older, &newer);
    assert_int_equal(n, 20); /* ua's and the deleted ux's */
    assert_int_equal(ids[0], 30);
    n = audit_ids(f->s, &(mm_audit_filter){.org_id = "org-a", .action = "t.rare", .limit = 1}, ids,
                  &older, &newer);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 28);
    assert_int_equal(older, 28);
    n = audit_ids(f->s, &(mm_audit_filter){.from = "2000-01-01", .to = "2000-01-31"}, ids, &older,
                  &newer);
    assert_int_equal(n, 0);
    n = audit_ids(f->s, &(mm_audit_filter){.from = "2000-01-01", .to = "2999-12-31", .limit = 200},
                  ids, &older, &newer);
    assert_int_equal(n, 30);
    json_t *page = NULL;
    assert_int_equal(mm_store_audit_list(f->s, &page, &(mm_audit_filter){.limit = 1}), MM_OK);
    json_t *it = json_array_get(json_object_get(page, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(it, "org_id")), "org-a"); /* ux: 30 */
    assert_true(json_is_object(json_object_get(it, "detail")));
    json_decref(page);
    const mm_audit_filter bad[] = {{.from = "2026-02-30"},
                                   {.to = "tomorrow"},
                                   {.from = "2026-12-02", .to = "2026-12-01"},
                                   {.before = 5, .after = 2},
                                   {.limit = MM_AUDIT_PAGE_MAX + 1},
                                   {.before = -1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        page = NULL;
        assert_int_equal(mm_store_audit_list(f->s, &page, &bad[i]), MM_EINVALID);
        assert_null(page);
    }
}

/* Two connections (two servers on one database) appending at once still form one chain. */
typedef struct appender {
    const char *url;
    int n, failures;
} appender;

static void *append_many(void *arg)
{
    appender *a = arg;
    mm_store *s = NULL;
    if (mm_store_open(&s, a->url) != MM_OK) {
        a->failures = a->n;
        return NULL;
    }
    for (int i = 0; i < a->n; i++) {
        int64_t id = 0;
        if (mm_store_audit_append(s, &id, "tester", "test.concurrent", "obj", "{}") != MM_OK)
            a->failures++;
    }
    mm_store_free(s);
    return NULL;
}

static void test_audit_concurrent(void **state)
{
    fixture *f = *state;
    appender a[3] = {{f->url, 60, 0}, {f->url, 60, 0}, {f->url, 60, 0}};
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&t[i], NULL, append_many, &a[i]), 0);
    /* and one in a transaction of its own, with other writes, on the fixture's connection */
    assert_int_equal(mm_store_begin(f->s), MM_OK);
    add_org(f->s, "during", "contractor", NULL);
    assert_int_equal(mm_store_audit_append(f->s, NULL, "t", "org.create", "org:during", NULL),
                     MM_OK);
    assert_int_equal(mm_store_commit(f->s), MM_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(a[i].failures, 0);
    }
    mm_audit_report r;
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.bad_id, 0);
    assert_int_equal(r.records, 181);
    assert_int_equal(raw_count(f, "SELECT count(DISTINCT prev_hash) FROM audit_log"), 181);
}

static void test_audit_hash_encoding(void **state)
{
    (void)state;
    char a[65], b[65];
    /* length prefixes keep field boundaries: moving a character across them changes it */
    mm_audit_hash(a, 1, "00", "t", "ab", "c", "o", "{}");
    mm_audit_hash(b, 1, "00", "t", "a", "bc", "o", "{}");
    assert_string_not_equal(a, b);
    mm_audit_hash(b, 1, "00", "t", "ab", "c", "o", "{}");
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), 64);
    mm_audit_hash(b, 2, "00", "t", "ab", "c", "o", "{}");
    assert_string_not_equal(a, b);
}

static void test_triggers(void **state)
{
    fixture *f = *state;
    append_n(f->s, 3);
    assert_int_equal(raw_exec(f, "UPDATE audit_log SET detail = '{}' WHERE id = 2"),
                     RAW_CONSTRAINT);
    assert_int_equal(raw_exec(f, "DELETE FROM audit_log WHERE id = 3"), RAW_CONSTRAINT);
    assert_int_equal(raw_exec(f, "DELETE FROM audit_log"), RAW_CONSTRAINT);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit_log"), 3);
    assert_int_equal(raw_exec2(f,
                               "PRAGMA foreign_keys = OFF;"
                               "INSERT INTO submissions (id, org_id, key_id, received, body,"
                               " body_hash, signature, affirmed_by, affirmed_on)"
                               " VALUES ('s1', 'o', 1, 't', '{}', 'h', 'sig', 'A', 'd')",
                               "SET session_replication_role = replica;"
                               "INSERT INTO submissions (id, org_id, key_id, received, body,"
                               " body_hash, signature, affirmed_by, affirmed_on)"
                               " VALUES ('s1', 'o', 1, 't', '{}', 'h', 'sig', 'A', 'd')"),
                     RAW_OK);
    assert_int_equal(raw_exec(f, "UPDATE submissions SET score = 110"), RAW_CONSTRAINT);
    assert_int_equal(raw_exec(f, "DELETE FROM submissions"), RAW_CONSTRAINT);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submissions WHERE score IS NULL"), 1);
    if (on_pg()) /* TRUNCATE skips row triggers; it is refused too */
        assert_int_equal(raw_exec(f, "TRUNCATE audit_log"), RAW_CONSTRAINT);
    mm_audit_report r;
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.bad_id, 0);
}

static void test_tamper_update(void **state)
{
    fixture *f = *state;
    append_n(f->s, 100);
    assert_int_equal(raw_exec2(f,
                               "DROP TRIGGER audit_log_no_update;"
                               "UPDATE audit_log SET detail = '{\"n\":0}' WHERE id = 37",
                               "DROP TRIGGER audit_log_no_update ON audit_log;"
                               "UPDATE audit_log SET detail = '{\"n\":0}' WHERE id = 37"),
                     RAW_OK);
    mm_audit_report r;
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.bad_id, 37);
    assert_int_equal(r.records, 37);
    assert_non_null(strstr(r.what, "contents"));
    assert_int_equal(strlen(r.expected), 64);
    assert_int_equal(strlen(r.found), 64);
    assert_string_not_equal(r.expected, r.found);

    /* recomputing the record's own hash is caught at the next record */
    const char *sel = "SELECT prev_hash, ts, actor, action, object, detail"
                      " FROM audit_log WHERE id = 37";
    char c[6][256];
    raw_row2(f, sel, sel, c, 6);
    char h[65], sql[160];
    mm_audit_hash(h, 37, c[0], c[1], c[2], c[3], c[4], c[5]);
    snprintf(sql, sizeof(sql), "UPDATE audit_log SET hash = '%s' WHERE id = 37", h); /* hex */
    assert_int_equal(raw_exec(f, sql), RAW_OK);
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.bad_id, 38);
    assert_non_null(strstr(r.what, "prev_hash"));
    assert_string_equal(r.expected, h);
}

static void test_tamper_delete(void **state)
{
    fixture *f = *state;
    append_n(f->s, 100);
    assert_int_equal(raw_exec2(f,
                               "DROP TRIGGER audit_log_no_delete;"
                               "DELETE FROM audit_log WHERE id = 37",
                               "DROP TRIGGER audit_log_no_delete ON audit_log;"
                               "DELETE FROM audit_log WHERE id = 37"),
                     RAW_OK);
    mm_audit_report r;
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.bad_id, 37);
    assert_non_null(strstr(r.what, "missing"));
    /* the last record removed */
    wipe(f);
    assert_int_equal(mm_store_open(&f->s, f->url), MM_OK);
    append_n(f->s, 10);
    assert_int_equal(raw_exec2(f,
                               "DROP TRIGGER audit_log_no_delete;"
                               "DELETE FROM audit_log WHERE id = 10",
                               "DROP TRIGGER audit_log_no_delete ON audit_log;"
                               "DELETE FROM audit_log WHERE id = 10"),
                     RAW_OK);
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.bad_id, 10);
    assert_int_equal(r.records, 9);
}

/* ---- schema 2 ------------------------------------------------------------------------ */

static int64_t add_user(mm_store *s, const char *org, const char *login, const char *role)
{
    mm_user u = {.org_id = (char *)org,
                 .login = (char *)login,
                 .role = (char *)role,
                 .password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"};
    int64_t id = 0;
    assert_int_equal(mm_store_create_user(s, &id, &u), MM_OK);
    return id;
}

/* A hex SHA-256 of text: distinct, valid hashes for tests. */
static void hex_hash(char out[65], const char *text)
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, (const unsigned char *)text, strlen(text));
    sodium_bin2hex(out, 65, d, sizeof(d));
}

/* Registers a fresh Ed25519 public key for org; returns its row. */
static int64_t add_key(mm_store *s, const char *org, char key_id[17], char b64[48])
{
    unsigned char pk[32], sk[64];
    crypto_sign_keypair(pk, sk);
    sodium_bin2base64(b64, 48, pk, sizeof(pk), sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2hex(key_id, 17, pk, 8);
    int64_t id = 0;
    assert_int_equal(mm_store_add_key(s, &id, org, key_id, b64, "laptop", "2026-11-01T00:00:00Z"),
                     MM_OK);
    assert_true(id > 0);
    return id;
}

/* Inserts submission id for org with the given assessment date, status and score (-1:
 * none), plus gaps and milestones; returns the store's answer. */
static int put_sub(mm_store *s, const char *id, const char *org, int64_t key_row,
                   const char *received, const char *assessed, const char *status, int score,
                   const mm_gap_rec *gaps, size_t ngaps, const mm_milestone_rec *ms, size_t nms)
{
    char hash[65];
    hex_hash(hash, id);
    mm_submission_rec r = {.id = id,
                           .org_id = org,
                           .key_row = key_row,
                           .received = received,
                           .body = "{\"signed\":\"document\"}",
                           .body_hash = hash,
                           .signature = "c2lnbmF0dXJl",
                           .framework = "800-171r2",
                           .has_score = score >= 0,
                           .score = score,
                           .status = status,
                           .assessed = assessed,
                           .affirmed_by = "Senior Official",
                           .affirmed_on = assessed,
                           .summary = "{\"met\":100}",
                           .gaps = gaps,
                           .ngaps = ngaps,
                           .milestones = ms,
                           .nmilestones = nms};
    return mm_store_insert_submission(s, &r);
}

static const char *latest_of(mm_store *s, const char *org, char buf[64])
{
    json_t *o = NULL;
    assert_int_equal(mm_store_get_org(s, &o, org), MM_OK);
    json_t *l = json_object_get(o, "latest_submission");
    snprintf(buf, 64, "%s", json_is_string(l) ? json_string_value(l) : "(null)");
    json_decref(o);
    return buf;
}

/* The first migration exactly as it shipped (a copy: the store's own must never change). */
static const char migration1[] =
    "CREATE TABLE organizations (id TEXT PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('authority', 'contractor')), name TEXT NOT NULL,"
    "  identifiers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(identifiers)),"
    "  parent_id TEXT REFERENCES organizations(id), created TEXT NOT NULL);"
    "CREATE TABLE users (id INTEGER PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES organizations(id), login TEXT NOT NULL UNIQUE,"
    "  role TEXT NOT NULL CHECK (role IN ('authority-admin', 'authority-analyst',"
    "                                     'contractor-admin', 'contractor-member')),"
    "  password_hash TEXT NOT NULL, failed_logons INTEGER NOT NULL DEFAULT 0,"
    "  locked_until TEXT, disabled INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL);"
    "CREATE INDEX users_org ON users(org_id);"
    "CREATE TABLE api_tokens (id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id), token_hash TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, expires TEXT, revoked TEXT);"
    "CREATE TABLE sessions (id_hash TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id), csrf_hash TEXT NOT NULL,"
    "  created TEXT NOT NULL, last_seen TEXT NOT NULL, expires TEXT NOT NULL);"
    "CREATE TABLE signing_keys (id INTEGER PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES organizations(id), public_key TEXT NOT NULL UNIQUE,"
    "  created TEXT NOT NULL, revoked TEXT);"
    "CREATE TABLE submissions (id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES organizations(id),"
    "  key_id INTEGER NOT NULL REFERENCES signing_keys(id), received TEXT NOT NULL,"
    "  body TEXT NOT NULL, body_hash TEXT NOT NULL, signature TEXT NOT NULL, score INTEGER,"
    "  affirmed_by TEXT NOT NULL, affirmed_on TEXT NOT NULL,"
    "  supersedes TEXT REFERENCES submissions(id));"
    "CREATE INDEX submissions_org ON submissions(org_id, received);"
    "CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions"
    "  BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;"
    "CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions"
    "  BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;"
    "CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL, ts TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
    "  object TEXT NOT NULL, detail TEXT NOT NULL);"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

/* The same for PostgreSQL: migration 1 of postgres.c as it shipped (a copy). */
#define PT  "TEXT COLLATE \"C\""
#define PID "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
#define PREFUSE(table, msg)                                                                        \
    "CREATE TRIGGER " table "_no_update BEFORE UPDATE ON " table                                   \
    " FOR EACH ROW EXECUTE FUNCTION mm_refuse('" msg "');"                                         \
    "CREATE TRIGGER " table "_no_delete BEFORE DELETE ON " table                                   \
    " FOR EACH ROW EXECUTE FUNCTION mm_refuse('" msg "');"                                         \
    "CREATE TRIGGER " table "_no_truncate BEFORE TRUNCATE ON " table                               \
    " FOR EACH STATEMENT EXECUTE FUNCTION mm_refuse('" msg "');"
static const char *const pg_migration1[] = {
    "CREATE FUNCTION mm_json_object(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$"
    " BEGIN RETURN jsonb_typeof(t::jsonb) = 'object';"
    " EXCEPTION WHEN others THEN RETURN false; END $$;"
    "CREATE FUNCTION mm_refuse() RETURNS trigger LANGUAGE plpgsql AS $$"
    " BEGIN RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',"
    " MESSAGE = TG_ARGV[0]; END $$;"
    "CREATE TABLE organizations (id " PT " PRIMARY KEY,"
    "  kind " PT " NOT NULL CHECK (kind IN ('authority', 'contractor')), name " PT " NOT NULL,"
    "  identifiers " PT " NOT NULL DEFAULT '{}' CHECK (mm_json_object(identifiers)),"
    "  parent_id " PT " REFERENCES organizations(id), created " PT " NOT NULL);"
    "CREATE TABLE users (id " PID ", org_id " PT " NOT NULL REFERENCES organizations(id),"
    "  login " PT " NOT NULL UNIQUE, role " PT " NOT NULL CHECK (role IN ('authority-admin',"
    "  'authority-analyst', 'contractor-admin', 'contractor-member')),"
    "  password_hash " PT " NOT NULL, failed_logons INTEGER NOT NULL DEFAULT 0,"
    "  locked_until " PT ", disabled BOOLEAN NOT NULL DEFAULT false, created " PT " NOT NULL);"
    "CREATE INDEX users_org ON users(org_id);"
    "CREATE TABLE api_tokens (id " PID ", user_id BIGINT NOT NULL REFERENCES users(id),"
    "  token_hash " PT " NOT NULL UNIQUE, name " PT " NOT NULL DEFAULT '',"
    "  created " PT " NOT NULL, expires " PT ", revoked " PT ");"
    "CREATE TABLE sessions (id_hash " PT " PRIMARY KEY,"
    "  user_id BIGINT NOT NULL REFERENCES users(id), csrf_hash " PT " NOT NULL,"
    "  created " PT " NOT NULL, last_seen " PT " NOT NULL, expires " PT " NOT NULL);",
    "CREATE TABLE signing_keys (id " PID ", org_id " PT " NOT NULL REFERENCES organizations(id),"
    "  public_key " PT " NOT NULL UNIQUE, created " PT " NOT NULL, revoked " PT ");"
    "CREATE TABLE submissions (id " PT " PRIMARY KEY,"
    "  org_id " PT " NOT NULL REFERENCES organizations(id),"
    "  key_id BIGINT NOT NULL REFERENCES signing_keys(id), received " PT " NOT NULL,"
    "  body " PT " NOT NULL, body_hash " PT " NOT NULL, signature " PT " NOT NULL,"
    "  score INTEGER, affirmed_by " PT " NOT NULL, affirmed_on " PT " NOT NULL,"
    "  supersedes " PT " REFERENCES submissions(id));"
    "CREATE INDEX submissions_org ON submissions(org_id, received);",
    PREFUSE(
        "submissions",
        "submissions are immutable") "CREATE TABLE audit_log (id BIGINT PRIMARY KEY, prev_hash " PT
                                     " NOT NULL,"
                                     "  hash " PT " NOT NULL, ts " PT " NOT NULL, actor " PT
                                     " NOT NULL, action " PT " NOT NULL,"
                                     "  object " PT " NOT NULL, detail " PT " NOT NULL);",
    PREFUSE(
        "audit_log",
        "the audit log is append-only") "CREATE TABLE audit_log_issued (one BOOLEAN PRIMARY KEY "
                                        "DEFAULT true CHECK (one),"
                                        "  seq BIGINT NOT NULL);"
                                        "INSERT INTO audit_log_issued (seq) VALUES (0);"
                                        "CREATE FUNCTION mm_audit_issued() RETURNS trigger "
                                        "LANGUAGE plpgsql AS $$"
                                        " BEGIN UPDATE audit_log_issued SET seq = greatest(seq, "
                                        "NEW.id); RETURN NULL; END $$;"
                                        "CREATE TRIGGER audit_log_issued AFTER INSERT ON audit_log"
                                        "  FOR EACH ROW EXECUTE FUNCTION mm_audit_issued();",
};

static void test_migrate_v1(void **state)
{
    fixture *f = *state;
    wipe(f);
    /* a version-1 database with data in it, as an older mamori left it */
    assert_int_equal(raw_exec(f, "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,"
                                 " applied TEXT NOT NULL);"
                                 "INSERT INTO schema_version VALUES (1, '2026-10-01T00:00:00Z');"),
                     RAW_OK);
    if (on_pg())
        for (size_t i = 0; i < sizeof(pg_migration1) / sizeof(pg_migration1[0]); i++)
            assert_int_equal(raw_exec(f, pg_migration1[i]), RAW_OK);
    else
        assert_int_equal(raw_exec(f, migration1), RAW_OK);
    assert_int_equal(
        raw_exec(f, "INSERT INTO organizations (id, kind, name, created)"
                    "  VALUES ('c1', 'contractor', 'Old Co', '2026-10-01T00:00:00Z');"
                    "INSERT INTO users (org_id, login, role, password_hash, failed_logons,"
                    "  locked_until, created) VALUES ('c1', 'old', 'contractor-admin',"
                    "  '$argon2id$x', 2, '2026-10-02T00:00:00Z', '2026-10-01T00:00:00Z');"
                    "INSERT INTO sessions VALUES ('h', 1, 'c', 't', 't', 't');"
                    "INSERT INTO signing_keys (org_id, public_key, created)"
                    "  VALUES ('c1', 'AAAA', '2026-10-01T00:00:00Z');"
                    "INSERT INTO submissions (id, org_id, key_id, received, body, body_hash,"
                    "  signature, score, affirmed_by, affirmed_on) VALUES ('s-old', 'c1', 1,"
                    "  '2026-10-03T00:00:00Z', '{}', 'oldhash', 'sig', 88, 'A', '2026-10-03')"),
        RAW_OK);
    assert_int_equal(mm_store_open(&f->s, f->url), MM_OK);
    int v = 0;
    assert_int_equal(mm_store_schema_version(f->s, &v), MM_OK);
    assert_int_equal(v, mm_store_schema_latest());
    assert_int_equal(raw_count(f, "SELECT count(*) FROM schema_version"), v);
    /* the data survived; the new columns have their defaults */
    mm_user *u = NULL;
    assert_int_equal(mm_store_get_user(f->s, &u, "old"), MM_OK);
    assert_false(u->must_change);
    assert_false(u->disabled);
    assert_int_equal(u->failed_logons, 2);
    assert_null(u->failed_since);
    assert_string_equal(u->locked_until, "2026-10-02T00:00:00Z");
    mm_user_free(u);
    json_t *o = NULL;
    assert_int_equal(mm_store_get_org(f->s, &o, "c1"), MM_OK);
    assert_true(json_is_false(json_object_get(o, "prime_consent")));
    assert_true(json_is_null(json_object_get(o, "latest_submission")));
    json_decref(o);
    json_t *sub = NULL;
    assert_int_equal(mm_store_get_submission(f->s, &sub, "s-old", false), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(sub, "score")), 88);
    assert_true(json_is_null(json_object_get(sub, "framework")));
    assert_int_equal(json_object_size(json_object_get(sub, "summary")), 0);
    json_decref(sub);
    /* sessions were rebuilt (the old ones are gone), the new tables exist */
    assert_int_equal(raw_count(f, "SELECT count(*) FROM sessions"), 0);
    assert_int_equal(raw_count2(f,
                                "SELECT count(*) FROM pragma_table_info('sessions') WHERE name IN"
                                " ('id', 'secret_hash', 'csrf', 'user_id', 'created', 'last_seen',"
                                " 'expires')",
                                "SELECT count(*) FROM information_schema.columns"
                                " WHERE table_schema = current_schema()"
                                " AND table_name = 'sessions' AND column_name IN"
                                " ('id', 'secret_hash', 'csrf', 'user_id', 'created', 'last_seen',"
                                " 'expires')"),
                     7);
    assert_int_equal(raw_count2(f,
                                "SELECT count(*) FROM sqlite_master WHERE name IN"
                                " ('submission_gaps', 'submission_milestones', 'server_keys',"
                                " 'submissions_org_body_hash', 'signing_keys_org_key')",
                                "SELECT count(*) FROM pg_class c JOIN pg_namespace n"
                                " ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                                " AND c.relname IN"
                                " ('submission_gaps', 'submission_milestones', 'server_keys',"
                                " 'submissions_org_body_hash', 'signing_keys_org_key')"),
                     5);
    /* submissions are still immutable, and a replay of the old one is refused */
    assert_int_equal(raw_exec(f, "UPDATE submissions SET score = 1"), RAW_CONSTRAINT);
    assert_int_equal(raw_exec(f, "INSERT INTO submissions (id, org_id, key_id, received, body,"
                                 " body_hash, signature, affirmed_by, affirmed_on) VALUES"
                                 " ('s2', 'c1', 1, 't', '{}', 'oldhash', 's', 'A', 'd')"),
                     RAW_CONSTRAINT);
    /* reopening applies nothing more */
    mm_store_free(f->s);
    f->s = NULL;
    assert_int_equal(mm_store_open(&f->s, f->url), MM_OK);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM schema_version"), mm_store_schema_latest());
}

static void test_org_read(void **state)
{
    fixture *f = *state;
    add_org(f->s, "prime", "contractor", NULL);
    add_org(f->s, "sub", "contractor", "prime");
    json_t *o = NULL;
    assert_int_equal(mm_store_get_org(f->s, &o, "sub"), MM_OK);
    assert_string_equal(json_string_value(json_object_get(o, "id")), "sub");
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "contractor");
    assert_string_equal(json_string_value(json_object_get(o, "parent_id")), "prime");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(o, "identifiers"), "cage")), "1ABC2");
    assert_true(json_is_false(json_object_get(o, "prime_consent")));
    assert_int_equal(strlen(json_string_value(json_object_get(o, "created"))), 20);
    json_decref(o);
    assert_int_equal(mm_store_set_org_consent(f->s, "sub", true), MM_OK);
    assert_int_equal(mm_store_get_org(f->s, &o, "sub"), MM_OK);
    assert_true(json_is_true(json_object_get(o, "prime_consent")));
    json_decref(o);
    assert_int_equal(mm_store_get_org(f->s, &o, "prime"), MM_OK);
    assert_true(json_is_null(json_object_get(o, "parent_id")));
    assert_true(json_is_false(json_object_get(o, "prime_consent"))); /* only sub changed */
    json_decref(o);
    assert_int_equal(mm_store_get_org(f->s, &o, "nope"), MM_ENOTFOUND);
    assert_null(o);
    assert_int_equal(mm_store_set_org_consent(f->s, "nope", true), MM_ENOTFOUND);
    assert_int_equal(mm_store_get_org(f->s, &o, ""), MM_EINVALID);
}

/* schema 3: communities, items, recipients, permissions (the same on both backends) */
static void test_share(void **state)
{
    fixture *f = *state;
    add_org(f->s, "orig", "contractor", NULL);
    add_org(f->s, "other", "contractor", NULL);
    assert_int_equal(
        mm_store_create_community(f->s, "c1", "Defence ISAC", "d", "2026-11-01T00:00:00Z"), MM_OK);
    assert_int_equal(
        mm_store_create_community(f->s, "c2", "Defence ISAC", "", "2026-11-01T00:00:00Z"),
        MM_ECONFLICT);
    assert_int_equal(mm_store_add_community_member(f->s, "c1", "other", "2026-11-01T00:00:00Z"),
                     MM_OK);
    assert_int_equal(mm_store_add_community_member(f->s, "c1", "other", "2026-11-01T00:00:00Z"),
                     MM_ECONFLICT);
    assert_int_equal(mm_store_add_community_member(f->s, "c1", "nope", "2026-11-01T00:00:00Z"),
                     MM_ENOTFOUND);
    json_t *l = NULL;
    assert_int_equal(mm_store_list_communities(f->s, &l, "other"), MM_OK);
    assert_int_equal(json_array_size(l), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(l, 0), "members")), 1);
    json_decref(l);
    assert_int_equal(mm_store_list_communities(f->s, &l, "orig"), MM_OK);
    assert_int_equal(json_array_size(l), 0);
    json_decref(l);
    json_t *users = json_pack("[I]", (json_int_t)1), *orgs = json_pack("[s]", "other");
    mm_item_rec r = {.id = "i1",
                     .originator_org = "orig",
                     .tlp = "AMBER",
                     .title = "t",
                     .body = "{\"description\":\"d\"}",
                     .created = "2026-11-02T00:00:00Z",
                     .recipient_orgs = orgs,
                     .added_by = "x"};
    assert_int_equal(mm_store_create_item(f->s, &r), MM_OK);
    assert_int_equal(
        mm_store_add_item_recipients(f->s, "i1", NULL, orgs, "2026-11-02T00:00:00Z", "x"),
        MM_OK); /* already there: skipped */
    assert_int_equal(mm_store_set_item_label(f->s, "i1", "GREEN", "c1", "2026-11-03T00:00:00Z"),
                     MM_OK);
    assert_int_equal(mm_store_set_item_label(f->s, "i1", "PINK", NULL, "2026-11-03T00:00:00Z"),
                     MM_EINVALID);
    json_t *it = NULL;
    assert_int_equal(mm_store_list_items(f->s, &it, "i1"), MM_OK);
    assert_string_equal(json_string_value(json_object_get(it, "tlp")), "GREEN");
    assert_string_equal(json_string_value(json_object_get(it, "community_id")), "c1");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(it, "body"), "description")), "d");
    assert_int_equal(json_array_size(json_object_get(json_object_get(it, "recipients"), "orgs")),
                     1);
    assert_true(json_is_null(json_object_get(it, "originator_user")));
    json_decref(it);
    assert_int_equal(mm_store_list_items(f->s, &it, "nope"), MM_ENOTFOUND);
    int64_t pid = 0;
    assert_int_equal(mm_store_add_item_permission(f->s, &pid, "i1", "other",
                                                  "{\"widen_to\":\"CLEAR\"}", "x",
                                                  "2026-11-03T00:00:00Z"),
                     MM_OK);
    assert_true(pid > 0);
    assert_int_equal(mm_store_list_item_permissions(f->s, &l, "i1", "other"), MM_OK);
    assert_int_equal(json_array_size(l), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(l, 0), "what"), "widen_to")),
                        "CLEAR");
    json_decref(l);
    assert_int_equal(mm_store_list_item_permissions(f->s, &l, "i1", "orig"), MM_OK);
    assert_int_equal(json_array_size(l), 0);
    json_decref(l);
    assert_int_equal(mm_store_remove_community_member(f->s, "c1", "other"), MM_OK);
    assert_int_equal(mm_store_remove_community_member(f->s, "c1", "other"), MM_ENOTFOUND);
    assert_int_equal(mm_store_org_tree(f->s, &l), MM_OK);
    assert_int_equal(json_array_size(l), 2);
    json_decref(l);
    json_decref(users);
    json_decref(orgs);
}

/* schema 5: re-shares, and the migration that narrows and never widens */
/* TAXII 2.1 status resources (only their poster reads them again; immutable) and the
 * federation log (each exchange once), on both databases. */
static void test_taxii_store(void **state)
{
    fixture *f = *state;
    add_org(f->s, "poster-org", "contractor", NULL);
    char hash[128];
    assert_int_equal(mm_password_hash(hash, "correct horse"), MM_OK);
    mm_user u = {.org_id = "poster-org",
                 .login = "poster",
                 .role = "contractor-member",
                 .password_hash = hash};
    int64_t uid = 0;
    assert_int_equal(mm_store_create_user(f->s, &uid, &u), MM_OK);
    mm_taxii_status_rec st = {.id = "s1",
                              .user_id = uid,
                              .org_id = "poster-org",
                              .collection = "c1",
                              .created = "2026-12-07T00:00:00Z",
                              .body = "{\"id\":\"s1\",\"status\":\"complete\"}"};
    assert_int_equal(mm_store_put_taxii_status(f->s, &st), MM_OK);
    assert_int_not_equal(mm_store_put_taxii_status(f->s, &st), MM_OK); /* the same id */
    json_t *got = NULL;
    assert_int_equal(mm_store_get_taxii_status(f->s, &got, "s1", uid), MM_OK);
    assert_string_equal(json_string_value(json_object_get(got, "status")), "complete");
    json_decref(got);
    assert_int_equal(mm_store_get_taxii_status(f->s, &got, "s1", uid + 1), MM_ENOTFOUND);
    assert_null(got);
    assert_int_equal(mm_store_get_taxii_status(f->s, &got, "s2", uid), MM_ENOTFOUND);
    assert_int_equal(raw_exec(f, "UPDATE taxii_status SET body = '{}'"), RAW_CONSTRAINT);

    bool seen = true;
    assert_int_equal(mm_store_federation_seen(f->s, &seen, "us", "push", "i1@t"), MM_OK);
    assert_false(seen);
    assert_int_equal(
        mm_store_federation_note(f->s, "us", "push", "i1@t", "i1", "2026-12-07T00:00:00Z"), MM_OK);
    assert_int_equal(mm_store_federation_seen(f->s, &seen, "us", "push", "i1@t"), MM_OK);
    assert_true(seen);
    assert_int_equal(mm_store_federation_seen(f->s, &seen, "us", "pull", "i1@t"), MM_OK);
    assert_false(seen); /* another direction */
    assert_int_equal(mm_store_federation_seen(f->s, &seen, "jp", "push", "i1@t"), MM_OK);
    assert_false(seen); /* another peer */
    assert_int_equal(
        mm_store_federation_note(f->s, "us", "push", "i1@t", "i1", "2026-12-07T00:00:01Z"),
        MM_ECONFLICT);
    assert_int_not_equal(
        mm_store_federation_note(f->s, "us", "sideways", "x", NULL, "2026-12-07T00:00:00Z"),
        MM_OK); /* the CHECK constraint */
    assert_int_equal(raw_exec(f, "DELETE FROM federation_log"), RAW_CONSTRAINT);
}

static void test_reshares_and_narrowing(void **state)
{
    fixture *f = *state;
    add_org(f->s, "orig", "contractor", NULL);
    add_org(f->s, "recip", "contractor", NULL);
    add_org(f->s, "sub", "contractor", "recip");
    json_t *orgs = json_pack("[s]", "recip");
    mm_item_rec r = {.id = "i1",
                     .originator_org = "orig",
                     .tlp = "AMBER",
                     .title = "t",
                     .body = "{}",
                     .created = "2026-11-02T00:00:00Z",
                     .recipient_orgs = orgs,
                     .added_by = "x"};
    assert_int_equal(mm_store_create_item(f->s, &r), MM_OK);
    json_decref(orgs);
    json_t *it = NULL;
    assert_int_equal(mm_store_list_items(f->s, &it, "i1"), MM_OK);
    assert_int_equal(json_array_size(json_object_get(it, "reshares")), 0);
    json_decref(it);
    assert_int_equal(
        mm_store_add_item_reshare(f->s, "i1", "recip", "sub", "alice", "2026-11-03T00:00:00Z"),
        MM_OK);
    assert_int_equal(
        mm_store_add_item_reshare(f->s, "i1", "recip", "sub", "alice", "2026-11-04T00:00:00Z"),
        MM_ECONFLICT);
    assert_int_equal(
        mm_store_add_item_reshare(f->s, "i1", "recip", "nope", "alice", "2026-11-03T00:00:00Z"),
        MM_ENOTFOUND);
    assert_int_equal(mm_store_list_items(f->s, &it, "i1"), MM_OK);
    json_t *rs = json_array_get(json_object_get(it, "reshares"), 0);
    assert_int_equal(json_array_size(json_object_get(it, "reshares")), 1);
    assert_string_equal(json_string_value(json_object_get(rs, "from_org")), "recip");
    assert_string_equal(json_string_value(json_object_get(rs, "to_org")), "sub");
    assert_string_equal(json_string_value(json_object_get(rs, "by")), "alice");
    assert_string_equal(json_string_value(json_object_get(rs, "at")), "2026-11-03T00:00:00Z");
    json_decref(it);

    /* incident reports as an older mamori may have stored them; the migration runs again */
    assert_int_equal(
        raw_exec(f, "INSERT INTO shared_items (id, kind, originator_org, tlp, title, created,"
                    " modified) VALUES"
                    " ('inc-amber', 'incident', 'orig', 'AMBER', 't', 't', 't'),"
                    " ('inc-green', 'incident', 'orig', 'GREEN', 't', 't', 't'),"
                    " ('inc-clear', 'incident', 'orig', 'CLEAR', 't', 't', 't'),"
                    " ('inc-strict', 'incident', 'orig', 'AMBER+STRICT', 't', 't', 't'),"
                    " ('inc-red', 'incident', 'orig', 'RED', 't', 't', 't'),"
                    " ('report', 'report', 'orig', 'GREEN', 't', 't', 't')"),
        RAW_OK);
    mm_store_free(f->s);
    f->s = NULL;
    char sql[160];
    snprintf(sql, sizeof sql,
             "DELETE FROM item_reshares; DROP TABLE item_reshares;"
             " DELETE FROM schema_version WHERE version = %d",
             5 /* the need-to-know migration (src/store/schema.c) */);
    assert_int_equal(raw_exec(f, sql), RAW_OK);
    assert_int_equal(mm_store_open(&f->s, f->url), MM_OK);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM shared_items WHERE kind = 'incident'"
                                  " AND tlp = 'AMBER+STRICT'"),
                     4);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM shared_items WHERE id = 'inc-red'"
                                  " AND tlp = 'RED'"),
                     1);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM shared_items WHERE id = 'report'"
                                  " AND tlp = 'GREEN'"),
                     1); /* other items keep their label */
    assert_int_equal(raw_count(f, "SELECT count(*) FROM item_reshares"), 0);
}

/* schema 4: incident reports, each on a shared item of kind "incident" */
static void test_incidents(void **state)
{
    fixture *f = *state;
    add_org(f->s, "auth", "authority", NULL);
    add_org(f->s, "c1", "contractor", NULL);
    add_org(f->s, "c2", "contractor", NULL);
    json_t *orgs = json_pack("[s,s]", "c1", "auth");
    mm_item_rec item = {.id = "inc-1",
                        .kind = "incident",
                        .originator_org = "c1",
                        .tlp = "AMBER+STRICT",
                        .title = "incident",
                        .body = "{}",
                        .created = "2026-03-09T00:00:00Z",
                        .recipient_orgs = orgs,
                        .added_by = "x"};
    assert_int_equal(mm_store_create_item(f->s, &item), MM_OK);
    mm_incident_rec r = {.item_id = "inc-1",
                         .org_id = "c1",
                         .report_type = "initial",
                         .discovered = "2026-03-08T04:00:00Z",
                         .discovered_offset = -18000,
                         .reported = "2026-03-09T00:00:00Z",
                         .due = "2026-03-11T04:00:00Z",
                         .preserve_until = "2026-06-07T00:00:00Z",
                         .body = "{\"narrative\":\"n\"}",
                         .created = "2026-03-09T00:00:00Z"};
    int64_t id1 = 0, id2 = 0;
    char num[32];
    assert_int_equal(mm_store_create_incident(f->s, &id1, num, &r), MM_OK);
    assert_string_equal(num, "MAM-2026-000001");
    assert_true(id1 > 0);
    /* one report per item */
    assert_int_equal(mm_store_create_incident(f->s, NULL, NULL, &r), MM_ECONFLICT);
    item.id = "inc-2";
    assert_int_equal(mm_store_create_item(f->s, &item), MM_OK);
    r.item_id = "inc-2";
    r.report_type = "follow-on";
    r.initial_id = id1;
    r.sub_report_number = "DIBNET-1";
    assert_int_equal(mm_store_create_incident(f->s, &id2, num, &r), MM_OK);
    assert_string_equal(num, "MAM-2026-000002");
    /* a follow-on needs its initial report, and only a follow-on has one */
    item.id = "inc-3";
    assert_int_equal(mm_store_create_item(f->s, &item), MM_OK);
    r.item_id = "inc-3";
    r.initial_id = 0;
    assert_int_not_equal(mm_store_create_incident(f->s, NULL, NULL, &r), MM_OK);
    json_t *l = NULL;
    assert_int_equal(mm_store_list_incidents(f->s, &l, "c1", 0, NULL), MM_OK);
    assert_int_equal(json_array_size(l), 2);
    json_t *fo = json_array_get(l, 1);
    assert_string_equal(json_string_value(json_object_get(fo, "initial_report")),
                        "MAM-2026-000001");
    assert_int_equal(json_integer_value(json_object_get(fo, "discovered_offset")), -18000);
    assert_string_equal(json_string_value(json_object_get(fo, "sub_report_number")), "DIBNET-1");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(fo, "body"), "narrative")), "n");
    assert_true(json_is_null(json_object_get(json_array_get(l, 0), "initial_id")));
    json_decref(l);
    assert_int_equal(mm_store_list_incidents(f->s, &l, "c2", 0, NULL), MM_OK);
    assert_int_equal(json_array_size(l), 0);
    json_decref(l);
    assert_int_equal(mm_store_list_incidents(f->s, &l, NULL, id2, NULL), MM_OK);
    assert_int_equal(json_array_size(l), 1);
    json_decref(l);
    assert_int_equal(mm_store_list_incidents(f->s, &l, NULL, 0, "MAM-2026-000001"), MM_OK);
    assert_int_equal(json_array_size(l), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(l, 0), "id")), id1);
    json_decref(l);
    json_decref(orgs);
}

static void test_user_state(void **state)
{
    fixture *f = *state;
    add_org(f->s, "a", "contractor", NULL);
    add_org(f->s, "b", "contractor", NULL);
    char hash[128];
    assert_int_equal(mm_password_hash(hash, "one-time"), MM_OK);
    mm_user nu = {.org_id = "a",
                  .login = "zed",
                  .role = "contractor-admin",
                  .password_hash = hash,
                  .must_change = true};
    int64_t zed = 0;
    assert_int_equal(mm_store_create_user(f->s, &zed, &nu), MM_OK);
    int64_t amy = add_user(f->s, "a", "amy", "contractor-member");
    int64_t bob = add_user(f->s, "b", "bob", "contractor-admin");

    mm_user *u = NULL;
    assert_int_equal(mm_store_get_user_by_id(f->s, &u, zed), MM_OK);
    assert_string_equal(u->login, "zed");
    assert_true(u->must_change);
    assert_int_equal(u->failed_logons, 0);
    assert_null(u->failed_since);
    assert_null(u->locked_until);
    mm_user_free(u);
    assert_int_equal(mm_store_get_user_by_id(f->s, &u, amy), MM_OK);
    assert_false(u->must_change);
    mm_user_free(u);
    u = NULL;
    assert_int_equal(mm_store_get_user_by_id(f->s, &u, 9999), MM_ENOTFOUND);
    assert_null(u);

    assert_int_equal(
        mm_store_set_logon_state(f->s, amy, 3, "2026-11-23T10:00:00Z", "2026-11-23T10:15:00Z"),
        MM_OK);
    assert_int_equal(mm_store_get_user(f->s, &u, "amy"), MM_OK);
    assert_int_equal(u->failed_logons, 3);
    assert_string_equal(u->failed_since, "2026-11-23T10:00:00Z");
    assert_string_equal(u->locked_until, "2026-11-23T10:15:00Z");
    mm_user_free(u);
    assert_int_equal(mm_store_set_logon_state(f->s, 9999, 1, NULL, NULL), MM_ENOTFOUND);
    assert_int_equal(mm_store_set_logon_state(f->s, amy, -1, NULL, NULL), MM_EINVALID);

    /* a new password clears the lockout and sets the one-time flag as asked */
    char hash2[128];
    assert_int_equal(mm_password_hash(hash2, "new secret"), MM_OK);
    assert_int_equal(mm_store_set_password(f->s, amy, hash2, true), MM_OK);
    assert_int_equal(mm_store_get_user_by_id(f->s, &u, amy), MM_OK);
    assert_true(mm_password_verify(u->password_hash, "new secret"));
    assert_true(u->must_change);
    assert_int_equal(u->failed_logons, 0);
    assert_null(u->failed_since);
    assert_null(u->locked_until);
    mm_user_free(u);
    assert_int_equal(mm_store_set_password(f->s, zed, hash2, false), MM_OK);
    assert_int_equal(mm_store_get_user_by_id(f->s, &u, zed), MM_OK);
    assert_false(u->must_change);
    mm_user_free(u);
    assert_int_equal(mm_store_set_password(f->s, amy, "plain", false), MM_EINVALID);
    assert_int_equal(mm_store_set_password(f->s, 9999, hash2, false), MM_ENOTFOUND);

    json_t *list = NULL;
    assert_int_equal(mm_store_list_users(f->s, &list, "a"), MM_OK);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "login")),
                        "amy");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "login")),
                        "zed");
    assert_true(json_is_true(json_object_get(json_array_get(list, 0), "must_change")));
    assert_true(json_is_null(json_object_get(json_array_get(list, 0), "locked_until")));
    assert_null(json_object_get(json_array_get(list, 0), "password_hash"));
    json_decref(list);
    assert_int_equal(mm_store_list_users(f->s, &list, NULL), MM_OK);
    assert_int_equal(json_array_size(list), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "id")), bob);
    json_decref(list);
    assert_int_equal(mm_store_list_users(f->s, &list, "nobody"), MM_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
}

/* account administration (migration 5): disable, revoke a user's tokens, delete with a
 * quarantined login, count the enabled users of a role */
static void test_user_admin(void **state)
{
    fixture *f = *state;
    add_org(f->s, "auth", "authority", NULL);
    add_org(f->s, "a", "contractor", NULL);
    int64_t root = add_user(f->s, "auth", "root", "authority-admin");
    int64_t amy = add_user(f->s, "a", "amy", "contractor-member");
    int64_t n = 0;
    assert_int_equal(mm_store_count_enabled_users(f->s, &n, "authority-admin"), MM_OK);
    assert_int_equal(n, 1);
    assert_int_equal(mm_store_set_user_disabled(f->s, root, true), MM_OK);
    assert_int_equal(mm_store_count_enabled_users(f->s, &n, "authority-admin"), MM_OK);
    assert_int_equal(n, 0);
    assert_int_equal(mm_store_set_user_disabled(f->s, root, false), MM_OK);
    assert_int_equal(mm_store_set_user_disabled(f->s, 9999, true), MM_ENOTFOUND);

    char hash[65];
    memset(hash, 'a', 64);
    hash[64] = '\0';
    int64_t t1 = 0, t2 = 0;
    assert_int_equal(
        mm_store_create_token(f->s, &t1, amy, hash, "one", "2026-11-01T00:00:00Z", NULL), MM_OK);
    hash[0] = 'b';
    assert_int_equal(
        mm_store_create_token(f->s, &t2, amy, hash, "two", "2026-11-01T00:00:00Z", NULL), MM_OK);
    assert_int_equal(mm_store_revoke_token(f->s, t1, amy, "2026-11-02T00:00:00Z"), MM_OK);
    assert_int_equal(mm_store_revoke_user_tokens(f->s, amy, "2026-11-03T00:00:00Z"), MM_OK);
    mm_token t;
    assert_int_equal(mm_store_get_token(f->s, &t, t2), MM_OK);
    assert_true(t.revoked);
    json_t *list = NULL;
    assert_int_equal(mm_store_list_tokens(f->s, &list, amy), MM_OK);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "revoked")),
                        "2026-11-02T00:00:00Z"); /* the first revocation kept */
    json_decref(list);

    /* delete: renamed, out of the list, the login refused until reusable */
    assert_int_equal(
        mm_store_delete_user(f->s, amy, "2026-11-04T00:00:00Z", "2999-01-01T00:00:00Z"), MM_OK);
    assert_int_equal(
        mm_store_delete_user(f->s, amy, "2026-11-04T00:00:00Z", "2999-01-01T00:00:00Z"),
        MM_ENOTFOUND); /* already deleted */
    mm_user *u = NULL;
    assert_int_equal(mm_store_get_user(f->s, &u, "amy"), MM_ENOTFOUND);
    assert_int_equal(mm_store_get_user_by_id(f->s, &u, amy), MM_OK);
    assert_true(u->deleted);
    assert_true(u->disabled);
    char renamed[40];
    snprintf(renamed, sizeof renamed, "deleted:%lld", (long long)amy);
    assert_string_equal(u->login, renamed);
    mm_user_free(u);
    assert_int_equal(mm_store_list_users(f->s, &list, "a"), MM_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    char pw[128];
    assert_int_equal(mm_password_hash(pw, "again and again"), MM_OK);
    mm_user again = {
        .org_id = "a", .login = "amy", .role = "contractor-member", .password_hash = pw};
    assert_int_equal(mm_store_create_user(f->s, NULL, &again), MM_ECONFLICT);
    assert_non_null(strstr(mm_error_last(), "2999-01-01T00:00:00Z"));
    mm_user sneaky = {
        .org_id = "a", .login = renamed, .role = "contractor-member", .password_hash = pw};
    assert_int_equal(mm_store_create_user(f->s, NULL, &sneaky), MM_EINVALID);
    /* a login deleted long ago may be taken again */
    int64_t bea = add_user(f->s, "a", "bea", "contractor-member");
    assert_int_equal(
        mm_store_delete_user(f->s, bea, "2000-01-01T00:00:00Z", "2000-04-01T00:00:00Z"), MM_OK);
    again.login = "bea";
    assert_int_equal(mm_store_create_user(f->s, NULL, &again), MM_OK);
}

static void test_tokens(void **state)
{
    fixture *f = *state;
    add_org(f->s, "a", "contractor", NULL);
    int64_t amy = add_user(f->s, "a", "amy", "contractor-admin");
    int64_t bob = add_user(f->s, "a", "bob", "contractor-member");
    char h1[65], h2[65];
    hex_hash(h1, "secret one");
    hex_hash(h2, "secret two");
    int64_t t1 = 0, t2 = 0;
    assert_int_equal(mm_store_create_token(f->s, &t1, amy, h1, "ci", "2026-11-01T00:00:00Z", NULL),
                     MM_OK);
    assert_int_equal(mm_store_create_token(f->s, &t2, amy, h2, NULL, "2026-11-02T00:00:00Z",
                                           "2027-11-02T00:00:00Z"),
                     MM_OK);
    assert_true(t2 > t1);
    assert_int_equal(
        mm_store_create_token(f->s, NULL, bob, h1, "dup", "2026-11-03T00:00:00Z", NULL),
        MM_ECONFLICT);
    char h3[65];
    hex_hash(h3, "secret three");
    assert_int_equal(mm_store_create_token(f->s, NULL, 9999, h3, "x", "2026-11-03T00:00:00Z", NULL),
                     MM_ENOTFOUND);
    assert_int_equal(mm_store_create_token(f->s, NULL, amy, "ABC", "x", "t", NULL), MM_EINVALID);

    mm_token tok;
    assert_int_equal(mm_store_get_token(f->s, &tok, t1), MM_OK);
    assert_int_equal(tok.user_id, amy);
    assert_string_equal(tok.token_hash, h1);
    assert_string_equal(tok.expires, "");
    assert_false(tok.revoked);
    assert_int_equal(mm_store_get_token(f->s, &tok, t2), MM_OK);
    assert_string_equal(tok.expires, "2027-11-02T00:00:00Z");
    assert_int_equal(mm_store_get_token(f->s, &tok, 9999), MM_ENOTFOUND);

    /* someone else's token cannot be revoked, and stays valid */
    assert_int_equal(mm_store_revoke_token(f->s, t1, bob, "2026-11-05T00:00:00Z"), MM_ENOTFOUND);
    assert_int_equal(mm_store_get_token(f->s, &tok, t1), MM_OK);
    assert_false(tok.revoked);
    assert_int_equal(mm_store_revoke_token(f->s, t1, amy, "2026-11-05T00:00:00Z"), MM_OK);
    assert_int_equal(mm_store_revoke_token(f->s, t1, amy, "2026-11-06T00:00:00Z"), MM_OK);
    assert_int_equal(mm_store_get_token(f->s, &tok, t1), MM_OK);
    assert_true(tok.revoked);
    assert_int_equal(mm_store_revoke_token(f->s, 9999, amy, "2026-11-05T00:00:00Z"), MM_ENOTFOUND);

    json_t *list = NULL;
    assert_int_equal(mm_store_list_tokens(f->s, &list, amy), MM_OK);
    assert_int_equal(json_array_size(list), 2);
    json_t *first = json_array_get(list, 0);
    assert_int_equal(json_integer_value(json_object_get(first, "id")), t1);
    assert_string_equal(json_string_value(json_object_get(first, "name")), "ci");
    assert_string_equal(json_string_value(json_object_get(first, "revoked")),
                        "2026-11-05T00:00:00Z"); /* the first revocation's time */
    assert_true(json_is_null(json_object_get(first, "expires")));
    assert_true(json_is_null(json_object_get(json_array_get(list, 1), "revoked")));
    assert_null(json_object_get(first, "token_hash"));
    json_decref(list);
    assert_int_equal(mm_store_list_tokens(f->s, &list, bob), MM_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    /* the token with its user and the organization's kind, in one statement */
    mm_token to;
    mm_user *owner = NULL;
    char kind[16];
    assert_int_equal(mm_store_get_token_owner(f->s, &to, &owner, kind, t2), MM_OK);
    assert_int_equal(to.id, t2);
    assert_string_equal(to.token_hash, h2);
    assert_string_equal(to.expires, "2027-11-02T00:00:00Z");
    assert_non_null(owner);
    assert_int_equal(owner->id, amy);
    assert_string_equal(owner->login, "amy");
    assert_string_equal(owner->org_id, "a");
    assert_string_equal(kind, "contractor");
    mm_user_free(owner);
    assert_int_equal(mm_store_get_token_owner(f->s, &to, &owner, kind, 99999), MM_ENOTFOUND);
    assert_null(owner);
}

static void fill_session(mm_session *ss, const char *seed, int64_t user)
{
    char h[65];
    memset(ss, 0, sizeof(*ss));
    hex_hash(h, seed);
    snprintf(ss->id, sizeof(ss->id), "%.32s", h);
    hex_hash(ss->secret_hash, h);
    snprintf(ss->csrf, sizeof(ss->csrf), "csrf-%s", seed);
    ss->user_id = user;
    snprintf(ss->created, sizeof(ss->created), "2026-11-23T10:00:00Z");
    snprintf(ss->last_seen, sizeof(ss->last_seen), "2026-11-23T10:00:00Z");
    snprintf(ss->expires, sizeof(ss->expires), "2026-11-23T18:00:00Z");
}

static void test_sessions(void **state)
{
    fixture *f = *state;
    add_org(f->s, "a", "contractor", NULL);
    int64_t amy = add_user(f->s, "a", "amy", "contractor-admin");
    int64_t bob = add_user(f->s, "a", "bob", "contractor-member");
    mm_session s1, s2, s3, got;
    fill_session(&s1, "one", amy);
    fill_session(&s2, "two", amy);
    fill_session(&s3, "three", bob);
    assert_int_equal(mm_store_create_session(f->s, &s1), MM_OK);
    assert_int_equal(mm_store_create_session(f->s, &s2), MM_OK);
    assert_int_equal(mm_store_create_session(f->s, &s3), MM_OK);
    assert_int_equal(mm_store_create_session(f->s, &s1), MM_ECONFLICT);
    mm_session orphan;
    fill_session(&orphan, "orphan", 9999);
    assert_int_equal(mm_store_create_session(f->s, &orphan), MM_ENOTFOUND);
    mm_session bad = s1;
    bad.id[3] = 'Z';
    assert_int_equal(mm_store_create_session(f->s, &bad), MM_EINVALID);

    assert_int_equal(mm_store_get_session(f->s, &got, s1.id), MM_OK);
    assert_memory_equal(&got, &s1, sizeof(got));
    assert_int_equal(mm_store_touch_session(f->s, s1.id, "2026-11-23T11:00:00Z"), MM_OK);
    assert_int_equal(mm_store_get_session(f->s, &got, s1.id), MM_OK);
    assert_string_equal(got.last_seen, "2026-11-23T11:00:00Z");
    assert_string_equal(got.created, "2026-11-23T10:00:00Z");
    assert_int_equal(mm_store_touch_session(f->s, orphan.id, "2026-11-23T11:00:00Z"), MM_ENOTFOUND);
    assert_int_equal(mm_store_get_session(f->s, &got, orphan.id), MM_ENOTFOUND);

    assert_int_equal(mm_store_delete_session(f->s, s2.id), MM_OK);
    assert_int_equal(mm_store_get_session(f->s, &got, s2.id), MM_ENOTFOUND);
    assert_int_equal(mm_store_delete_session(f->s, s2.id), MM_ENOTFOUND);
    /* all of amy's sessions end; bob's stays */
    assert_int_equal(mm_store_create_session(f->s, &s2), MM_OK);
    assert_int_equal(mm_store_delete_user_sessions(f->s, amy), MM_OK);
    assert_int_equal(mm_store_get_session(f->s, &got, s1.id), MM_ENOTFOUND);
    assert_int_equal(mm_store_get_session(f->s, &got, s2.id), MM_ENOTFOUND);
    assert_int_equal(mm_store_get_session(f->s, &got, s3.id), MM_OK);
    assert_int_equal(got.user_id, bob);
    assert_int_equal(mm_store_delete_user_sessions(f->s, amy), MM_OK); /* none left: fine */
}

static void test_keys(void **state)
{
    fixture *f = *state;
    add_org(f->s, "a", "contractor", NULL);
    add_org(f->s, "b", "contractor", NULL);
    char kid1[17], kid2[17], pk1[48], pk2[48];
    int64_t k1 = add_key(f->s, "a", kid1, pk1);
    int64_t k2 = add_key(f->s, "a", kid2, pk2);
    /* the same public key again, for either organization */
    assert_int_equal(mm_store_add_key(f->s, NULL, "a", kid1, pk1, NULL, "2026-11-02T00:00:00Z"),
                     MM_ECONFLICT);
    assert_int_equal(mm_store_add_key(f->s, NULL, "b", kid1, pk1, NULL, "2026-11-02T00:00:00Z"),
                     MM_ECONFLICT);
    char kid3[17], pk3[48];
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(pk3, sizeof(pk3), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2hex(kid3, sizeof(kid3), raw, 8);
    assert_int_equal(mm_store_add_key(f->s, NULL, "nope", kid3, pk3, NULL, "t"), MM_ENOTFOUND);
    assert_int_equal(mm_store_add_key(f->s, NULL, "a", kid3, "bm90IDMyIGJ5dGVz", NULL, "t"),
                     MM_EINVALID);
    assert_int_equal(mm_store_add_key(f->s, NULL, "a", "XYZ", pk3, NULL, "t"), MM_EINVALID);

    mm_key_rec k;
    assert_int_equal(mm_store_find_key(f->s, &k, "a", kid2), MM_OK);
    assert_int_equal(k.id, k2);
    assert_string_equal(k.org_id, "a");
    assert_string_equal(k.key_id, kid2);
    assert_string_equal(k.public_key, pk2);
    assert_false(k.revoked);
    assert_int_equal(mm_store_find_key(f->s, &k, "b", kid2), MM_ENOTFOUND);

    /* b cannot revoke a's key; a can, and then it is not found */
    assert_int_equal(mm_store_revoke_key(f->s, "b", k1, "2026-11-10T00:00:00Z"), MM_ENOTFOUND);
    assert_int_equal(mm_store_find_key(f->s, &k, "a", kid1), MM_OK);
    assert_int_equal(mm_store_revoke_key(f->s, "a", k1, "2026-11-10T00:00:00Z"), MM_OK);
    assert_int_equal(mm_store_find_key(f->s, &k, "a", kid1), MM_ENOTFOUND);
    assert_int_equal(mm_store_find_key(f->s, &k, "a", kid2), MM_OK);

    json_t *list = NULL;
    assert_int_equal(mm_store_list_keys(f->s, &list, "a"), MM_OK);
    assert_int_equal(json_array_size(list), 2);
    json_t *first = json_array_get(list, 0);
    assert_int_equal(json_integer_value(json_object_get(first, "id")), k1);
    assert_string_equal(json_string_value(json_object_get(first, "key_id")), kid1);
    assert_string_equal(json_string_value(json_object_get(first, "public_key")), pk1);
    assert_string_equal(json_string_value(json_object_get(first, "label")), "laptop");
    assert_string_equal(json_string_value(json_object_get(first, "revoked")),
                        "2026-11-10T00:00:00Z");
    assert_true(json_is_null(json_object_get(json_array_get(list, 1), "revoked")));
    json_decref(list);
    assert_int_equal(mm_store_list_keys(f->s, &list, "b"), MM_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
}

static void test_submissions(void **state)
{
    fixture *f = *state;
    add_org(f->s, "a", "contractor", NULL);
    add_org(f->s, "b", "contractor", NULL);
    char kid[17], pk[48], kidb[17], pkb[48];
    int64_t key = add_key(f->s, "a", kid, pk);
    int64_t keyb = add_key(f->s, "b", kidb, pkb);
    mm_gap_rec gaps[] = {{"3.1.1", "not-met"}, {"3.5.3", "partial"}};
    mm_milestone_rec ms[] = {{"3.5.3", "P-1", "MFA for all", "2027-01-31", "planned"}};
    char buf[64];

    assert_int_equal(put_sub(f->s, "s1", "a", key, "2026-11-01T00:00:00Z", "2026-10-30",
                             "conditional", 95, gaps, 2, ms, 1),
                     MM_OK);
    assert_string_equal(latest_of(f->s, "a", buf), "s1");
    json_t *sub = NULL;
    assert_int_equal(mm_store_get_submission(f->s, &sub, "s1", true), MM_OK);
    assert_string_equal(json_string_value(json_object_get(sub, "org_id")), "a");
    assert_string_equal(json_string_value(json_object_get(sub, "framework")), "800-171r2");
    assert_string_equal(json_string_value(json_object_get(sub, "status")), "conditional");
    assert_string_equal(json_string_value(json_object_get(sub, "assessed")), "2026-10-30");
    assert_string_equal(json_string_value(json_object_get(sub, "key_id")), kid);
    assert_int_equal(json_integer_value(json_object_get(sub, "score")), 95);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(sub, "summary"), "met")),
                     100);
    assert_string_equal(json_string_value(json_object_get(sub, "body")),
                        "{\"signed\":\"document\"}");
    json_decref(sub);
    assert_int_equal(mm_store_get_submission(f->s, &sub, "s1", false), MM_OK);
    assert_null(json_object_get(sub, "body"));
    json_decref(sub);
    assert_int_equal(mm_store_get_submission(f->s, &sub, "nope", false), MM_ENOTFOUND);

    /* a replay (same content hash under a new id): refused, nothing stored */
    char hash[65];
    hex_hash(hash, "s1");
    mm_submission_rec replay = {.id = "s1-again",
                                .org_id = "a",
                                .key_row = key,
                                .received = "2026-11-02T00:00:00Z",
                                .body = "{}",
                                .body_hash = hash,
                                .signature = "c2ln",
                                .framework = "800-171r2",
                                .status = "meets",
                                .assessed = "2026-11-02",
                                .affirmed_by = "X",
                                .affirmed_on = "2026-11-02",
                                .gaps = gaps,
                                .ngaps = 2,
                                .milestones = ms,
                                .nmilestones = 1};
    assert_int_equal(mm_store_insert_submission(f->s, &replay), MM_ECONFLICT);
    assert_string_equal(mm_error_last(), "submission already received (same content hash)");
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submissions"), 1);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submission_gaps"), 2);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submission_milestones"), 1);
    assert_string_equal(latest_of(f->s, "a", buf), "s1");
    /* the same id again is a conflict too */
    assert_int_equal(
        put_sub(f->s, "s1", "a", key, "t", "2026-11-02", "meets", 110, NULL, 0, NULL, 0),
        MM_ECONFLICT);

    /* unknown organization or key; a key of another organization */
    assert_int_equal(
        put_sub(f->s, "s9", "nope", key, "t", "2026-11-02", "meets", 110, NULL, 0, NULL, 0),
        MM_ENOTFOUND);
    assert_int_equal(
        put_sub(f->s, "s9", "a", 9999, "t", "2026-11-02", "meets", 110, NULL, 0, NULL, 0),
        MM_ENOTFOUND);
    assert_int_equal(
        put_sub(f->s, "s9", "a", keyb, "t", "2026-11-02", "meets", 110, NULL, 0, NULL, 0),
        MM_EINVALID);
    assert_int_equal(
        put_sub(f->s, "s9", "a", key, "t", "2026/11/02", "meets", 110, NULL, 0, NULL, 0),
        MM_EINVALID);
    assert_int_equal(
        put_sub(f->s, "s9", "a", key, "t", "2026-11-02", "great", 110, NULL, 0, NULL, 0),
        MM_EINVALID);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submissions"), 1);

    /* latest: an older assessment received later does not replace it; the same date does;
     * a newer one does */
    assert_int_equal(put_sub(f->s, "s2", "a", key, "2026-11-03T00:00:00Z", "2026-09-01", "meets",
                             110, NULL, 0, NULL, 0),
                     MM_OK);
    assert_string_equal(latest_of(f->s, "a", buf), "s1");
    assert_int_equal(put_sub(f->s, "s3", "a", key, "2026-11-04T00:00:00Z", "2026-10-30", "not-met",
                             40, NULL, 0, NULL, 0),
                     MM_OK);
    assert_string_equal(latest_of(f->s, "a", buf), "s3");
    assert_int_equal(put_sub(f->s, "s4", "a", key, "2026-11-05T00:00:00Z", "2026-11-05",
                             "no-valid-score", -1, NULL, 0, NULL, 0),
                     MM_OK);
    assert_string_equal(latest_of(f->s, "a", buf), "s4");
    assert_string_equal(latest_of(f->s, "b", buf), "(null)");

    /* the list: newest received first, paged, with the total */
    json_t *list = NULL;
    assert_int_equal(mm_store_list_submissions(f->s, &list, "a", 0, 2), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 4);
    json_t *items = json_object_get(list, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "id")), "s4");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "id")), "s3");
    assert_true(json_is_null(json_object_get(json_array_get(items, 0), "score")));
    assert_null(json_object_get(json_array_get(items, 0), "summary"));
    assert_null(json_object_get(json_array_get(items, 0), "body"));
    json_decref(list);
    assert_int_equal(mm_store_list_submissions(f->s, &list, "a", 3, 2), MM_OK);
    assert_int_equal(json_array_size(json_object_get(list, "items")), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(list, "items"), 0), "id")),
        "s1");
    json_decref(list);
    assert_int_equal(mm_store_list_submissions(f->s, &list, "a", 10, 2), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 4);
    assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
    json_decref(list);
    assert_int_equal(mm_store_list_submissions(f->s, &list, "b", 0, 10), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(list, "total")), 0);
    json_decref(list);
    assert_int_equal(mm_store_list_submissions(f->s, &list, "nope", 0, 10), MM_ENOTFOUND);
    assert_int_equal(mm_store_list_submissions(f->s, &list, "a", 0, 0), MM_EUSAGE);
    assert_int_equal(mm_store_list_submissions(f->s, &list, "a", 0, 1001), MM_EUSAGE);
    assert_null(list);
}

/* The content hash is unique within an organization only (another organization's copy of
 * the same envelope is its own submission); the original of a replay is found by hash; an
 * assessment without a date is stored with assessed NULL and the day received as its
 * status date. */
static void test_submission_hash_and_dates(void **state)
{
    fixture *f = *state;
    add_org(f->s, "a", "contractor", NULL);
    add_org(f->s, "b", "contractor", NULL);
    char kid[17], pk[48], kidb[17], pkb[48], buf[64], id[37];
    int64_t key = add_key(f->s, "a", kid, pk);
    int64_t keyb = add_key(f->s, "b", kidb, pkb);
    assert_int_equal(put_sub(f->s, "s1", "a", key, "2026-11-01T00:00:00Z", "2026-10-30", "meets",
                             110, NULL, 0, NULL, 0),
                     MM_OK);
    char hash[65];
    hex_hash(hash, "s1");
    mm_submission_rec r = {.id = "b1",
                           .org_id = "b",
                           .key_row = keyb,
                           .received = "2026-11-02T00:00:00Z",
                           .body = "{}",
                           .body_hash = hash,
                           .signature = "c2ln",
                           .framework = "800-171r2",
                           .status = "meets",
                           .assessed = NULL,
                           .affirmed_by = "X",
                           .affirmed_on = "2026-11-02"};
    assert_int_equal(mm_store_insert_submission(f->s, &r), MM_OK);
    assert_int_equal(mm_store_find_submission(f->s, id, "a", hash), MM_OK);
    assert_string_equal(id, "s1");
    assert_int_equal(mm_store_find_submission(f->s, id, "b", hash), MM_OK);
    assert_string_equal(id, "b1");
    assert_int_equal(mm_store_find_submission(f->s, id, "c", hash), MM_ENOTFOUND);
    assert_string_equal(id, "");
    /* b's copy has no date: assessed is null, it is b's latest */
    json_t *sub = NULL;
    assert_int_equal(mm_store_get_submission(f->s, &sub, "b1", false), MM_OK);
    assert_true(json_is_null(json_object_get(sub, "assessed")));
    json_decref(sub);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submissions WHERE assessed IS NULL"), 1);
    assert_string_equal(latest_of(f->s, "b", buf), "b1");
    /* for a: received 2026-10-15, before the latest's assessed date: not the latest; received
     * 2026-10-30 (the same day): the latest; a dated one of 2026-10-29 after it: not */
    r.org_id = "a", r.key_row = key, r.id = "s2", r.received = "2026-10-15T00:00:00Z";
    hex_hash(hash, "s2");
    assert_int_equal(mm_store_insert_submission(f->s, &r), MM_OK);
    assert_string_equal(latest_of(f->s, "a", buf), "s1");
    r.id = "s3", r.received = "2026-10-30T09:00:00Z", r.assessed = "";
    hex_hash(hash, "s3");
    assert_int_equal(mm_store_insert_submission(f->s, &r), MM_OK);
    assert_string_equal(latest_of(f->s, "a", buf), "s3");
    assert_int_equal(put_sub(f->s, "s4", "a", key, "2026-11-03T00:00:00Z", "2026-10-29", "meets",
                             110, NULL, 0, NULL, 0),
                     MM_OK);
    assert_string_equal(latest_of(f->s, "a", buf), "s3");
    /* a replay within a is still refused */
    r.id = "s3-again";
    assert_int_equal(mm_store_insert_submission(f->s, &r), MM_ECONFLICT);
}

static void test_submission_in_tx(void **state)
{
    fixture *f = *state;
    add_org(f->s, "a", "contractor", NULL);
    char kid[17], pk[48], buf[64];
    int64_t key = add_key(f->s, "a", kid, pk);
    mm_gap_rec gaps[] = {{"3.1.1", "not-met"}};
    /* inside the caller's transaction: a replay fails alone, the rest commits */
    assert_int_equal(mm_store_begin(f->s), MM_OK);
    assert_int_equal(put_sub(f->s, "t1", "a", key, "2026-11-01T00:00:00Z", "2026-11-01", "meets",
                             110, gaps, 1, NULL, 0),
                     MM_OK);
    assert_int_equal(put_sub(f->s, "t1", "a", key, "2026-11-01T00:00:00Z", "2026-11-01", "meets",
                             110, gaps, 1, NULL, 0),
                     MM_ECONFLICT);
    assert_int_equal(mm_store_audit_append(f->s, NULL, "t", "submission.receive", "t1", NULL),
                     MM_OK);
    assert_int_equal(mm_store_commit(f->s), MM_OK);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submissions"), 1);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submission_gaps"), 1);
    assert_string_equal(latest_of(f->s, "a", buf), "t1");
    /* rolled back with the caller's transaction: gone, latest as before */
    assert_int_equal(mm_store_begin(f->s), MM_OK);
    assert_int_equal(put_sub(f->s, "t2", "a", key, "2026-11-02T00:00:00Z", "2026-11-02", "meets",
                             110, gaps, 1, NULL, 0),
                     MM_OK);
    assert_int_equal(mm_store_rollback(f->s), MM_OK);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submissions"), 1);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submission_gaps"), 1);
    assert_string_equal(latest_of(f->s, "a", buf), "t1");
}

/* ids and names of the list's items, joined by commas */
static void item_ids(json_t *list, char *out, size_t size)
{
    size_t i, n = 0;
    json_t *it;
    out[0] = '\0';
    json_array_foreach(json_object_get(list, "items"), i, it)
    {
        n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "," : "",
                              json_string_value(json_object_get(it, "id")));
        assert_true(n < size);
    }
}

static void list_ids(mm_store *s, mm_org_query *q, char *out, size_t size, int64_t *total)
{
    json_t *list = NULL;
    assert_int_equal(mm_store_list_orgs(s, &list, q), MM_OK);
    item_ids(list, out, size);
    if (total)
        *total = json_integer_value(json_object_get(list, "total"));
    json_decref(list);
}

static void test_list_orgs(void **state)
{
    fixture *f = *state;
    mm_org orgs[] = {
        {.id = "o1", .kind = "contractor", .name = "Bravo", .identifiers = "{\"cage\":\"11111\"}"},
        {.id = "o2", .kind = "contractor", .name = "alpha", .identifiers = "{\"cage\":\"22222\"}"},
        {.id = "o3", .kind = "contractor", .name = "100% Charlie"},
        {.id = "o4", .kind = "contractor", .name = "Delta_Ltd", .parent_id = "o1"},
        {.id = "o5", .kind = "contractor", .name = "Echo", .parent_id = "o1"},
        {.id = "o6", .kind = "authority", .name = "Agency"},
        {.id = "o7", .kind = "contractor", .name = "Bravo"}, /* same name as o1: tie by id */
    };
    for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++)
        assert_int_equal(mm_store_create_org(f->s, &orgs[i]), MM_OK);
    char kid[17], pk[48];
    int64_t k1 = add_key(f->s, "o1", kid, pk), k2 = add_key(f->s, "o2", kid, pk);
    int64_t k3 = add_key(f->s, "o3", kid, pk), k4 = add_key(f->s, "o4", kid, pk);
    int64_t k7 = add_key(f->s, "o7", kid, pk);
    /* o1 meets (110), o2 conditional (90), o3 not-met (20) but assessed long ago (stale),
     * o4 no-valid-score, o5 none, o7 meets (110, same as o1) */
    assert_int_equal(put_sub(f->s, "x1", "o1", k1, "2026-11-10T00:00:00Z", "2026-11-01", "meets",
                             110, NULL, 0, NULL, 0),
                     MM_OK);
    assert_int_equal(put_sub(f->s, "x2", "o2", k2, "2026-11-11T00:00:00Z", "2026-11-02",
                             "conditional", 90, NULL, 0, NULL, 0),
                     MM_OK);
    assert_int_equal(put_sub(f->s, "x3", "o3", k3, "2026-11-12T00:00:00Z", "2023-01-15", "not-met",
                             20, NULL, 0, NULL, 0),
                     MM_OK);
    assert_int_equal(put_sub(f->s, "x4", "o4", k4, "2026-11-09T00:00:00Z", "2026-11-03",
                             "no-valid-score", -1, NULL, 0, NULL, 0),
                     MM_OK);
    assert_int_equal(put_sub(f->s, "x7", "o7", k7, "2026-11-13T00:00:00Z", "2026-11-04", "meets",
                             110, NULL, 0, NULL, 0),
                     MM_OK);
    char ids[256];
    int64_t total = 0;
    mm_org_query q = {.kind = "contractor", .stale_before = "2023-11-23", .limit = 100};

    /* by name (case-insensitive), ties by id */
    list_ids(f->s, &q, ids, sizeof(ids), &total);
    assert_string_equal(ids, "o3,o2,o1,o7,o4,o5");
    assert_int_equal(total, 6);
    q.desc = true;
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o5,o4,o1,o7,o2,o3");

    /* the object: computed status and latest */
    json_t *list = NULL;
    q.desc = false;
    assert_int_equal(mm_store_list_orgs(f->s, &list, &q), MM_OK);
    json_t *items = json_object_get(list, "items");
    json_t *o3 = json_array_get(items, 0), *o2 = json_array_get(items, 1);
    json_t *o5 = json_array_get(items, 5);
    assert_string_equal(json_string_value(json_object_get(o3, "status")), "stale");
    assert_string_equal(json_string_value(json_object_get(json_object_get(o3, "latest"), "status")),
                        "stale");
    assert_string_equal(json_string_value(json_object_get(json_object_get(o2, "latest"), "status")),
                        "conditional");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o2, "latest"), "score")),
                     90);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(o2, "latest"), "received")),
        "2026-11-11T00:00:00Z");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(o2, "latest"), "affirmed_by")),
        "Senior Official");
    assert_string_equal(json_string_value(json_object_get(o2, "latest_submission")), "x2");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(o2, "identifiers"), "cage")), "22222");
    assert_true(json_is_null(json_object_get(o5, "latest")));
    assert_string_equal(json_string_value(json_object_get(o5, "status")), "none");
    json_decref(list);

    /* status filter on the computed status */
    q.status = "stale";
    list_ids(f->s, &q, ids, sizeof(ids), &total);
    assert_string_equal(ids, "o3");
    q.status = "not-met";
    list_ids(f->s, &q, ids, sizeof(ids), &total);
    assert_string_equal(ids, "");
    assert_int_equal(total, 0);
    q.status = "none";
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o5");
    q.status = "meets";
    list_ids(f->s, &q, ids, sizeof(ids), &total);
    assert_string_equal(ids, "o1,o7");
    assert_int_equal(total, 2);
    /* without stale_before nothing is stale */
    q.status = "not-met";
    q.stale_before = NULL;
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o3");
    q.stale_before = "2023-11-23";
    q.status = NULL;

    /* sorts: ties always by id ascending */
    q.sort = "score";
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o3,o2,o1,o7,o4,o5");
    q.desc = true;
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o1,o7,o2,o3,o4,o5");
    q.sort = "status"; /* meets, conditional, stale, not-met, no-valid-score, none */
    q.desc = false;
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o1,o7,o2,o3,o4,o5");
    q.desc = true;
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o5,o4,o3,o2,o1,o7");
    q.sort = "assessed";
    q.desc = false;
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o3,o1,o2,o4,o7,o5");
    q.sort = "received";
    q.desc = true;
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o7,o3,o2,o1,o4,o5");

    /* paging: total counts every match */
    q.sort = "name";
    q.desc = false;
    q.offset = 2;
    q.limit = 2;
    list_ids(f->s, &q, ids, sizeof(ids), &total);
    assert_string_equal(ids, "o1,o7");
    assert_int_equal(total, 6);
    q.offset = 6;
    list_ids(f->s, &q, ids, sizeof(ids), &total);
    assert_string_equal(ids, "");
    assert_int_equal(total, 6);
    q.offset = 0;
    q.limit = 100;

    /* search: substring of name or identifiers, case-insensitive, % and _ literal */
    q.q = "%";
    list_ids(f->s, &q, ids, sizeof(ids), &total);
    assert_string_equal(ids, "o3");
    q.q = "_";
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o4");
    q.q = "BRAV";
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o1,o7");
    q.q = "2222";
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o2");
    q.q = "' OR 1=1 --";
    list_ids(f->s, &q, ids, sizeof(ids), &total);
    assert_int_equal(total, 0);
    q.q = NULL;

    /* kind and prime */
    q.parent_id = "o1";
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o4,o5");
    q.parent_id = NULL;
    q.kind = NULL;
    list_ids(f->s, &q, ids, sizeof(ids), &total);
    assert_int_equal(total, 7);
    q.kind = "authority";
    list_ids(f->s, &q, ids, sizeof(ids), NULL);
    assert_string_equal(ids, "o6");

    /* bad queries */
    json_t *none = NULL;
    q.kind = NULL;
    q.limit = 0;
    assert_int_equal(mm_store_list_orgs(f->s, &none, &q), MM_EUSAGE);
    q.limit = 1001;
    assert_int_equal(mm_store_list_orgs(f->s, &none, &q), MM_EUSAGE);
    q.limit = 10;
    q.sort = "id; DROP TABLE organizations";
    assert_int_equal(mm_store_list_orgs(f->s, &none, &q), MM_EUSAGE);
    q.sort = NULL;
    q.status = "great";
    assert_int_equal(mm_store_list_orgs(f->s, &none, &q), MM_EUSAGE);
    q.status = NULL;
    q.stale_before = "last year";
    assert_int_equal(mm_store_list_orgs(f->s, &none, &q), MM_EUSAGE);
    assert_null(none);
}

/* Migration 5 (intended 8): the latest submission's copy on the organization's row is
 * backfilled from the submissions already stored (simulated here by taking the columns away
 * and the schema back to version 4), and insert_submission keeps it in step afterwards. */
static void test_latest_copy(void **state)
{
    fixture *f = *state;
    add_org(f->s, "a", "contractor", NULL);
    add_org(f->s, "b", "contractor", NULL);
    char kid[17], pk[48];
    int64_t key = add_key(f->s, "a", kid, pk);
    assert_int_equal(put_sub(f->s, "s1", "a", key, "2026-11-01T00:00:00Z", "2026-10-30",
                             "conditional", 95, NULL, 0, NULL, 0),
                     MM_OK);
    assert_int_equal(put_sub(f->s, "s2", "a", key, "2026-11-05T00:00:00Z", "2026-11-04", "meets",
                             110, NULL, 0, NULL, 0),
                     MM_OK);
    /* an older assessment received later is not the latest */
    assert_int_equal(put_sub(f->s, "s3", "a", key, "2026-11-06T00:00:00Z", "2026-09-01", "not-met",
                             50, NULL, 0, NULL, 0),
                     MM_OK);
    const char *cols = "SELECT latest_submission, latest_received, latest_framework, latest_score,"
                       " latest_status, latest_assessed, latest_affirmed_by FROM organizations"
                       " WHERE id = 'a'";
    char v[7][256];
    raw_row2(f, cols, cols, v, 7);
    assert_string_equal(v[0], "s2");
    assert_string_equal(v[1], "2026-11-05T00:00:00Z");
    assert_string_equal(v[2], "800-171r2");
    assert_string_equal(v[3], "110");
    assert_string_equal(v[4], "meets");
    assert_string_equal(v[5], "2026-11-04");
    assert_true(v[6][0] != '\0');

    /* back to before migration 9: the copy's columns gone; reopening runs the migration again */
    mm_store_free(f->s);
    f->s = NULL;
    assert_int_equal(raw_exec2(f,
                               "ALTER TABLE organizations DROP COLUMN latest_received;"
                               "ALTER TABLE organizations DROP COLUMN latest_framework;"
                               "ALTER TABLE organizations DROP COLUMN latest_score;"
                               "ALTER TABLE organizations DROP COLUMN latest_status;"
                               "ALTER TABLE organizations DROP COLUMN latest_assessed;"
                               "ALTER TABLE organizations DROP COLUMN latest_affirmed_by;"
                               "DELETE FROM schema_version WHERE version = 9",
                               "ALTER TABLE organizations DROP COLUMN latest_received,"
                               " DROP COLUMN latest_framework, DROP COLUMN latest_score,"
                               " DROP COLUMN latest_status, DROP COLUMN latest_assessed,"
                               " DROP COLUMN latest_affirmed_by;"
                               "DELETE FROM schema_version WHERE version = 9"),
                     RAW_OK);
    assert_int_equal(mm_store_open(&f->s, f->url), MM_OK);
    char w[7][256];
    raw_row2(f, cols, cols, w, 7);
    for (int i = 0; i < 7; i++)
        assert_string_equal(w[i], v[i]);
    /* b has none: the copy is NULL, and the list says "none" */
    const char *bcols = "SELECT count(*) FROM organizations WHERE id = 'b' AND latest_score IS NULL"
                        " AND latest_status IS NULL AND latest_received IS NULL";
    assert_int_equal(raw_count(f, bcols), 1);
    mm_org_query q = {.kind = "contractor", .sort = "name", .limit = 10};
    json_t *list = NULL;
    assert_int_equal(mm_store_list_orgs(f->s, &list, &q), MM_OK);
    json_t *items = json_object_get(list, "items");
    assert_int_equal(json_array_size(items), 2);
    json_t *a = json_array_get(items, 0), *la = json_object_get(a, "latest");
    assert_string_equal(json_string_value(json_object_get(a, "status")), "meets");
    assert_string_equal(json_string_value(json_object_get(la, "id")), "s2");
    assert_int_equal(json_integer_value(json_object_get(la, "score")), 110);
    assert_string_equal(json_string_value(json_object_get(la, "received")), "2026-11-05T00:00:00Z");
    assert_string_equal(json_string_value(json_object_get(la, "assessed")), "2026-11-04");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "status")),
                        "none");
    json_decref(list);
    /* a newer one after the migration moves the copy */
    assert_int_equal(put_sub(f->s, "s4", "a", key, "2026-11-09T00:00:00Z", "2026-11-08", "not-met",
                             80, NULL, 0, NULL, 0),
                     MM_OK);
    raw_row2(f, cols, cols, w, 7);
    assert_string_equal(w[0], "s4");
    assert_string_equal(w[3], "80");
    assert_string_equal(w[4], "not-met");
    assert_string_equal(w[5], "2026-11-08");
}

/* More gaps and milestones than one multi-row INSERT takes: every row stored, in order. */
static void test_many_gaps(void **state)
{
    fixture *f = *state;
    add_org(f->s, "a", "contractor", NULL);
    char kid[17], pk[48];
    int64_t key = add_key(f->s, "a", kid, pk);
    mm_gap_rec gaps[97];
    mm_milestone_rec ms[45];
    char reqs[97][16];
    for (int i = 0; i < 97; i++) {
        snprintf(reqs[i], sizeof reqs[i], "03.%02d.%02d", i / 10, i % 10);
        gaps[i] = (mm_gap_rec){reqs[i], i % 3 == 0 ? "not-met" : "partial"};
    }
    for (int i = 0; i < 45; i++)
        ms[i] = (mm_milestone_rec){reqs[i], "P", "do it", "2027-01-31",
                                   i % 2 ? "planned" : "in-progress"};
    assert_int_equal(put_sub(f->s, "s1", "a", key, "2026-11-01T00:00:00Z", "2026-10-30",
                             "conditional", 60, gaps, 97, ms, 45),
                     MM_OK);
    assert_int_equal(
        raw_count(f, "SELECT count(*) FROM submission_gaps WHERE submission_id = 's1'"), 97);
    assert_int_equal(raw_count(f, "SELECT count(DISTINCT requirement) FROM submission_gaps"), 97);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submission_gaps WHERE status = 'not-met'"),
                     33);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submission_milestones"
                                  " WHERE submission_id = 's1' AND due = '2027-01-31'"),
                     45);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submission_milestones"
                                  " WHERE status = 'planned'"),
                     22);
    /* a bad gap anywhere leaves nothing of the submission */
    gaps[60].status = "bogus";
    assert_int_equal(put_sub(f->s, "s2", "a", key, "2026-11-02T00:00:00Z", "2026-11-01",
                             "conditional", 60, gaps, 97, NULL, 0),
                     MM_EINVALID);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submissions"), 1);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submission_gaps"), 97);
}

static void test_list_orgs_10k(void **state)
{
    fixture *f = *state;
    assert_int_equal(mm_store_begin(f->s), MM_OK);
    for (int i = 0; i < 10000; i++) {
        char id[16], name[32], kid[17], pk[48], sid[16], assessed[11];
        snprintf(id, sizeof(id), "org%05d", i);
        snprintf(name, sizeof(name), "Contractor %d", (i * 7919) % 10000);
        mm_org o = {.id = id, .kind = "contractor", .name = name};
        assert_int_equal(mm_store_create_org(f->s, &o), MM_OK);
        if (i % 2)
            continue;
        int64_t k = add_key(f->s, id, kid, pk);
        snprintf(sid, sizeof(sid), "sub%05d", i);
        snprintf(assessed, sizeof(assessed), "20%02d-01-01", 20 + i % 7);
        assert_int_equal(put_sub(f->s, sid, id, k, "2026-11-01T00:00:00Z", assessed,
                                 i % 4 ? "meets" : "not-met", i % 111, NULL, 0, NULL, 0),
                         MM_OK);
    }
    assert_int_equal(mm_store_commit(f->s), MM_OK);
    const char *sorts[] = {"name", "score", "status", "assessed", "received"};
    for (size_t i = 0; i < 5; i++) {
        mm_org_query q = {.kind = "contractor",
                          .sort = sorts[i],
                          .desc = i % 2,
                          .stale_before = "2023-06-01",
                          .offset = 9950,
                          .limit = 100};
        json_t *list = NULL;
        assert_int_equal(mm_store_list_orgs(f->s, &list, &q), MM_OK);
        assert_int_equal(json_integer_value(json_object_get(list, "total")), 10000);
        assert_int_equal(json_array_size(json_object_get(list, "items")), 50);
        json_decref(list);
        /* (its speed is measured in bench/server, not asserted here: a timed unit test fails
         * on a loaded machine and measures nothing reliable) */
        q.status = "stale";
        q.q = "contractor 1";
        q.offset = 0;
        assert_int_equal(mm_store_list_orgs(f->s, &list, &q), MM_OK);
        /* stale: even i with i % 7 in {0, 1, 2} (assessed 2020..2022), names with "1" */
        assert_true(json_integer_value(json_object_get(list, "total")) > 0);
        json_t *it;
        size_t j;
        json_array_foreach(json_object_get(list, "items"), j, it)
            assert_string_equal(json_string_value(json_object_get(it, "status")), "stale");
        json_decref(list);
    }
}

static void test_authority_views(void **state)
{
    fixture *f = *state;
    add_org(f->s, "a", "contractor", NULL);
    add_org(f->s, "b", "contractor", NULL);
    add_org(f->s, "c", "contractor", NULL);
    char kid[17], pk[48];
    int64_t ka = add_key(f->s, "a", kid, pk), kb = add_key(f->s, "b", kid, pk);
    int64_t kc = add_key(f->s, "c", kid, pk);
    mm_gap_rec old_gaps[] = {{"3.9.9", "not-met"}, {"3.1.1", "not-met"}};
    mm_milestone_rec old_ms[] = {{"3.9.9", "P-0", "old plan", "2026-01-01", "planned"}};
    mm_gap_rec a_gaps[] = {{"3.1.1", "not-met"}, {"3.5.3", "partial"}};
    mm_milestone_rec a_ms[] = {{"3.5.3", "P-1", "MFA", "2026-10-01", "in-progress"},
                               {"3.1.1", "P-2", "access", "2026-09-01", "completed"},
                               {"3.1.1", "P-3", "later", "2027-06-01", "planned"}};
    mm_gap_rec b_gaps[] = {{"3.1.1", "partial"}, {"3.5.3", "not-assessed"}, {"3.3.1", "not-met"}};
    mm_milestone_rec b_ms[] = {{"3.3.1", "B-1", "logs", "2026-08-15", "planned"},
                               {"3.5.3", "B-2", "due today", "2026-11-23", "planned"}};
    mm_gap_rec c_gaps[] = {{"3.1.1", "not-met"}};
    /* a's first submission is superseded: its gaps and milestones no longer count */
    assert_int_equal(put_sub(f->s, "a-old", "a", ka, "2026-06-01T00:00:00Z", "2026-06-01",
                             "not-met", 50, old_gaps, 2, old_ms, 1),
                     MM_OK);
    assert_int_equal(put_sub(f->s, "a-new", "a", ka, "2026-11-01T00:00:00Z", "2026-11-01",
                             "conditional", 95, a_gaps, 2, a_ms, 3),
                     MM_OK);
    assert_int_equal(put_sub(f->s, "b-1", "b", kb, "2026-11-02T00:00:00Z", "2026-11-02", "not-met",
                             60, b_gaps, 3, b_ms, 2),
                     MM_OK);
    assert_int_equal(put_sub(f->s, "c-1", "c", kc, "2026-11-03T00:00:00Z", "2026-11-03", "not-met",
                             70, c_gaps, 1, NULL, 0),
                     MM_OK);

    json_t *fc = NULL;
    assert_int_equal(mm_store_failure_counts(f->s, &fc, 10), MM_OK);
    assert_int_equal(json_array_size(fc), 3);
    json_t *r0 = json_array_get(fc, 0), *r1 = json_array_get(fc, 1), *r2 = json_array_get(fc, 2);
    assert_string_equal(json_string_value(json_object_get(r0, "requirement")), "3.1.1");
    assert_string_equal(json_string_value(json_object_get(r0, "framework")), "800-171r2");
    assert_int_equal(json_integer_value(json_object_get(r0, "contractors")), 3);
    assert_int_equal(json_integer_value(json_object_get(r0, "not_met")), 2);
    assert_int_equal(json_integer_value(json_object_get(r0, "partial")), 1);
    assert_int_equal(json_integer_value(json_object_get(r0, "not_assessed")), 0);
    assert_string_equal(json_string_value(json_object_get(r1, "requirement")), "3.5.3");
    assert_int_equal(json_integer_value(json_object_get(r1, "contractors")), 2);
    assert_int_equal(json_integer_value(json_object_get(r1, "partial")), 1);
    assert_int_equal(json_integer_value(json_object_get(r1, "not_assessed")), 1);
    assert_string_equal(json_string_value(json_object_get(r2, "requirement")), "3.3.1");
    assert_int_equal(json_integer_value(json_object_get(r2, "contractors")), 1);
    json_decref(fc);
    assert_int_equal(mm_store_failure_counts(f->s, &fc, 1), MM_OK);
    assert_int_equal(json_array_size(fc), 1);
    json_decref(fc);
    assert_int_equal(mm_store_failure_counts(f->s, &fc, 0), MM_EUSAGE);

    json_t *od = NULL;
    assert_int_equal(mm_store_overdue_milestones(f->s, &od, "2026-11-23", 0, 10), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(od, "total")), 2);
    json_t *items = json_object_get(od, "items");
    assert_int_equal(json_array_size(items), 2);
    json_t *m0 = json_array_get(items, 0), *m1 = json_array_get(items, 1);
    assert_string_equal(json_string_value(json_object_get(m0, "poam_id")), "B-1");
    assert_string_equal(json_string_value(json_object_get(m0, "org_id")), "b");
    assert_string_equal(json_string_value(json_object_get(m0, "org_name")), "b");
    assert_string_equal(json_string_value(json_object_get(m0, "submission_id")), "b-1");
    assert_string_equal(json_string_value(json_object_get(m0, "requirement")), "3.3.1");
    assert_string_equal(json_string_value(json_object_get(m0, "description")), "logs");
    assert_string_equal(json_string_value(json_object_get(m0, "due")), "2026-08-15");
    assert_string_equal(json_string_value(json_object_get(m0, "status")), "planned");
    assert_string_equal(json_string_value(json_object_get(m1, "poam_id")), "P-1");
    json_decref(od);
    assert_int_equal(mm_store_overdue_milestones(f->s, &od, "2026-11-23", 1, 1), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(od, "total")), 2);
    assert_int_equal(json_array_size(json_object_get(od, "items")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(od, "items"), 0), "poam_id")),
                        "P-1");
    json_decref(od);
    assert_int_equal(mm_store_overdue_milestones(f->s, &od, "2026-11-24", 0, 10), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(od, "total")), 3); /* B-2 now late */
    json_decref(od);
    assert_int_equal(mm_store_overdue_milestones(f->s, &od, "2026-01-01", 0, 10), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(od, "total")), 0);
    assert_int_equal(json_array_size(json_object_get(od, "items")), 0);
    json_decref(od);
    od = NULL;
    assert_int_equal(mm_store_overdue_milestones(f->s, &od, "today", 0, 10), MM_EUSAGE);
    assert_int_equal(mm_store_overdue_milestones(f->s, &od, "2026-11-23", -1, 10), MM_EUSAGE);
    assert_null(od);
}

static void test_server_key(void **state)
{
    fixture *f = *state;
    unsigned char pk[32], sk[64], pk2[32], sk2[64];
    assert_int_equal(raw_count(f, "SELECT count(*) FROM server_keys"), 0);
    assert_int_equal(mm_store_server_key(f->s, pk, sk), MM_OK);
    assert_int_equal(mm_store_server_key(f->s, pk2, sk2), MM_OK);
    assert_memory_equal(pk, pk2, 32);
    assert_memory_equal(sk, sk2, 64);
    mm_store_free(f->s);
    f->s = NULL;
    assert_int_equal(mm_store_open(&f->s, f->url), MM_OK);
    assert_int_equal(mm_store_server_key(f->s, pk2, sk2), MM_OK);
    assert_memory_equal(pk, pk2, 32);
    assert_memory_equal(sk, sk2, 64);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM server_keys"), 1);
    /* a working pair, stored as base64 */
    unsigned char sig[64];
    crypto_sign_detached(sig, NULL, (const unsigned char *)"receipt", 7, sk2);
    assert_int_equal(crypto_sign_verify_detached(sig, (const unsigned char *)"receipt", 7, pk), 0);
    assert_int_equal(raw_count2(f,
                                "SELECT length(public_key) = 44 AND length(secret_key) = 88"
                                " FROM server_keys",
                                "SELECT (length(public_key) = 44 AND length(secret_key) = 88)::int"
                                " FROM server_keys"),
                     1);
    /* a damaged row is reported, not used */
    assert_int_equal(raw_exec(f, "UPDATE server_keys SET secret_key = 'AAAA'"), RAW_OK);
    assert_int_equal(mm_store_server_key(f->s, pk2, sk2), MM_EINVALID);
}

/* IoT products and labels (schema 10): a manufacturer's products, their labels, the same
 * "not found" for another organization's product, duplicates and bad labels refused with
 * nothing stored */
static void test_products(void **state)
{
    fixture *f = *state;
    add_org(f->s, "auth", "authority", NULL);
    add_org(f->s, "maker", "contractor", NULL);
    add_org(f->s, "other", "contractor", NULL);
    mm_product_rec p = {.id = "p-1",
                        .org_id = "maker",
                        .name = "Cam",
                        .model = "C-100",
                        .firmware = "1.2.3",
                        .created = "2026-01-02T00:00:00Z",
                        .created_by = "alice"};
    assert_int_equal(mm_store_create_product(f->s, &p), MM_OK);
    assert_int_equal(mm_store_create_product(f->s, &p), MM_ECONFLICT);
    p.id = "p-2";
    p.firmware = "1.2.4"; /* another firmware is another product */
    assert_int_equal(mm_store_create_product(f->s, &p), MM_OK);
    p.id = "p-3";
    p.org_id = "nobody";
    assert_int_equal(mm_store_create_product(f->s, &p), MM_ENOTFOUND);
    p.org_id = "maker";
    p.name = "";
    assert_int_equal(mm_store_create_product(f->s, &p), MM_EINVALID);

    mm_product_label_rec l = {.product_id = "p-1",
                              .scheme = "uk-psti",
                              .label_id = "SoC-42",
                              .issued = "2025-06-01",
                              .expires = NULL,
                              .evidence_sha256 = "0123456789abcdef0123456789abcdef"
                                                 "0123456789abcdef0123456789abcdef",
                              .evidence_ref = "soc.pdf",
                              .added = "2026-01-02T00:00:00Z",
                              .added_by = "alice"};
    int64_t lid = 0;
    assert_int_equal(mm_store_add_product_label(f->s, &lid, "maker", &l), MM_OK);
    assert_true(lid > 0);
    assert_int_equal(mm_store_add_product_label(f->s, NULL, "maker", &l), MM_ECONFLICT);
    /* another organization cannot label the product */
    l.label_id = "x";
    assert_int_equal(mm_store_add_product_label(f->s, NULL, "other", &l), MM_ENOTFOUND);
    l.expires = "2025-05-31"; /* before issued */
    assert_int_equal(mm_store_add_product_label(f->s, NULL, "maker", &l), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "before issued"));
    l.expires = "2027-13-01";
    assert_int_equal(mm_store_add_product_label(f->s, NULL, "maker", &l), MM_EINVALID);
    l.expires = "2027-06-01";
    l.evidence_sha256 = "ABC";
    assert_int_equal(mm_store_add_product_label(f->s, NULL, "maker", &l), MM_EINVALID);
    l.evidence_sha256 = NULL;
    l.scheme = "jc-star";
    l.level = "1";
    l.label_id = "JC-1";
    assert_int_equal(mm_store_add_product_label(f->s, NULL, "maker", &l), MM_OK);

    json_t *o = NULL;
    assert_int_equal(mm_store_get_product(f->s, &o, "maker", "p-1"), MM_OK);
    assert_string_equal(json_string_value(json_object_get(o, "org_name")), "maker");
    assert_string_equal(json_string_value(json_object_get(o, "firmware")), "1.2.3");
    json_t *labels = json_object_get(o, "labels");
    assert_int_equal(json_array_size(labels), 2);
    json_t *l0 = json_array_get(labels, 0), *l1 = json_array_get(labels, 1);
    assert_string_equal(json_string_value(json_object_get(l0, "scheme")), "jc-star");
    assert_string_equal(json_string_value(json_object_get(l0, "level")), "1");
    assert_string_equal(json_string_value(json_object_get(l0, "expires")), "2027-06-01");
    assert_true(json_is_null(json_object_get(l0, "evidence_sha256")));
    assert_string_equal(json_string_value(json_object_get(l1, "scheme")), "uk-psti");
    assert_true(json_is_null(json_object_get(l1, "expires")));
    assert_string_equal(json_string_value(json_object_get(l1, "evidence_ref")), "soc.pdf");
    json_decref(o);
    /* another manufacturer: not found, as for an id that does not exist; the authority
     * (no organization filter) reads it */
    assert_int_equal(mm_store_get_product(f->s, &o, "other", "p-1"), MM_ENOTFOUND);
    assert_null(o);
    assert_int_equal(mm_store_get_product(f->s, &o, NULL, "p-1"), MM_OK);
    json_decref(o);

    assert_int_equal(mm_store_list_products(f->s, &o, "maker", 0, 50), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(o, "total")), 2);
    json_t *items = json_object_get(o, "items");
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "id")), "p-1");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "labels")), 2);
    json_decref(o);
    assert_int_equal(mm_store_list_products(f->s, &o, "other", 0, 50), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(o, "total")), 0);
    assert_int_equal(json_array_size(json_object_get(o, "items")), 0);
    json_decref(o);
    assert_int_equal(mm_store_list_products(f->s, &o, NULL, 1, 50), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(o, "total")), 2);
    assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
    json_decref(o);
    assert_int_equal(mm_store_list_products(f->s, &o, "nobody", 0, 50), MM_ENOTFOUND);
}

int main(void)
{
    const char *db = getenv("MM_TEST_DB");
    if (db && db[0]) {
        if (strncmp(db, "postgresql://", 13) != 0 && strncmp(db, "postgres://", 11) != 0) {
            fprintf(stderr, "test_store: MM_TEST_DB must be a postgresql:// URL (or unset)\n");
            return 1;
        }
        pg_url = db;
        PGconn *c = pg_connect();
        if (!c)
            return 1; /* never a skip: no database is a failure */
        PQfinish(c);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schemes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_org_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_admin, setup, teardown),
        cmocka_unit_test(test_password),
        cmocka_unit_test_setup_teardown(test_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_intact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_concurrent, setup, teardown),
        cmocka_unit_test(test_audit_hash_encoding),
        cmocka_unit_test_setup_teardown(test_triggers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reshares_and_narrowing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_taxii_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_org_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submissions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_share, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incidents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submission_hash_and_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submission_in_tx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_orgs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_orgs_10k, setup, teardown),
        cmocka_unit_test_setup_teardown(test_latest_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_gaps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_authority_views, setup, teardown),
        cmocka_unit_test_setup_teardown(test_server_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_products, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
