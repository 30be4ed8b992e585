/* Unit tests for src/store: migrations, organizations and users, passwords, the audit chain
 * and its tamper detection, the append-only triggers, transactions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "mamori/store.h"

typedef struct fixture {
    char dir[64];
    char path[96];
    mm_store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/mm_store_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
    if (mm_store_open(&f->s, f->path) != MM_OK)
        return -1;
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

/* Runs sql on a second, raw connection; returns the sqlite3 result code. */
static int raw_exec(const fixture *f, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static int64_t raw_count(const fixture *f, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
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
    assert_int_equal(mm_store_open(&f->s, f->path), MM_OK);
    assert_int_equal(mm_store_schema_version(f->s, &v), MM_OK);
    assert_int_equal(v, mm_store_schema_latest());
    /* each migration recorded once */
    assert_int_equal(raw_count(f, "SELECT count(*) FROM schema_version"), v);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                  "('organizations','users','api_tokens','sessions',"
                                  "'signing_keys','submissions','audit_log')"),
                     7);
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* a newer schema than this build knows is refused */
    assert_int_equal(raw_exec(f, "INSERT INTO schema_version VALUES (999, 'x')"), SQLITE_OK);
    mm_store *s2 = NULL;
    assert_int_equal(mm_store_open(&s2, f->path), MM_EINVALID);
    assert_null(s2);
}

static void test_schemes(void **state)
{
    fixture *f = *state;
    mm_store *s = NULL;
    assert_int_equal(mm_store_open(&s, "postgresql://localhost/mamori"), MM_EUSAGE);
    assert_non_null(strstr(mm_error_last(), "not built yet"));
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
                     SQLITE_CONSTRAINT);
    assert_int_equal(raw_exec(f, "DELETE FROM audit_log WHERE id = 3"), SQLITE_CONSTRAINT);
    assert_int_equal(raw_exec(f, "DELETE FROM audit_log"), SQLITE_CONSTRAINT);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM audit_log"), 3);
    assert_int_equal(raw_exec(f, "PRAGMA foreign_keys = OFF;"
                                 "INSERT INTO submissions (id, org_id, key_id, received, body,"
                                 " body_hash, signature, affirmed_by, affirmed_on)"
                                 " VALUES ('s1', 'o', 1, 't', '{}', 'h', 'sig', 'A', 'd')"),
                     SQLITE_OK);
    assert_int_equal(raw_exec(f, "UPDATE submissions SET score = 110"), SQLITE_CONSTRAINT);
    assert_int_equal(raw_exec(f, "DELETE FROM submissions"), SQLITE_CONSTRAINT);
    assert_int_equal(raw_count(f, "SELECT count(*) FROM submissions WHERE score IS NULL"), 1);
    mm_audit_report r;
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.bad_id, 0);
}

static void test_tamper_update(void **state)
{
    fixture *f = *state;
    append_n(f->s, 100);
    assert_int_equal(raw_exec(f, "DROP TRIGGER audit_log_no_update;"
                                 "UPDATE audit_log SET detail = '{\"n\":0}' WHERE id = 37"),
                     SQLITE_OK);
    mm_audit_report r;
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.bad_id, 37);
    assert_int_equal(r.records, 37);
    assert_non_null(strstr(r.what, "contents"));
    assert_int_equal(strlen(r.expected), 64);
    assert_int_equal(strlen(r.found), 64);
    assert_string_not_equal(r.expected, r.found);

    /* recomputing the record's own hash is caught at the next record */
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT prev_hash, ts, actor, action, object, detail"
                                        " FROM audit_log WHERE id = 37",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char h[65];
    mm_audit_hash(
        h, 37, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
        (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
        (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5));
    sqlite3_finalize(st);
    assert_int_equal(
        sqlite3_prepare_v2(db, "UPDATE audit_log SET hash = ?1 WHERE id = 37", -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, h, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.bad_id, 38);
    assert_non_null(strstr(r.what, "prev_hash"));
    assert_string_equal(r.expected, h);
}

static void test_tamper_delete(void **state)
{
    fixture *f = *state;
    append_n(f->s, 100);
    assert_int_equal(raw_exec(f, "DROP TRIGGER audit_log_no_delete;"
                                 "DELETE FROM audit_log WHERE id = 37"),
                     SQLITE_OK);
    mm_audit_report r;
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.bad_id, 37);
    assert_non_null(strstr(r.what, "missing"));
    /* the last record removed */
    mm_store_free(f->s);
    f->s = NULL;
    unlink(f->path);
    assert_int_equal(mm_store_open(&f->s, f->path), MM_OK);
    append_n(f->s, 10);
    assert_int_equal(raw_exec(f, "DROP TRIGGER audit_log_no_delete;"
                                 "DELETE FROM audit_log WHERE id = 10"),
                     SQLITE_OK);
    assert_int_equal(mm_store_audit_verify(f->s, &r), MM_OK);
    assert_int_equal(r.bad_id, 10);
    assert_int_equal(r.records, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schemes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_org_user, setup, teardown),
        cmocka_unit_test(test_password),
        cmocka_unit_test_setup_teardown(test_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_intact, setup, teardown),
        cmocka_unit_test(test_audit_hash_encoding),
        cmocka_unit_test_setup_teardown(test_triggers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_delete, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
