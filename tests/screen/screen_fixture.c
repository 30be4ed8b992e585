/* The store fixture of the screening tests (screen_fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mamori/error.h"
#include "screen_fixture.h"

static const char *pg_url;
static char db_path[128];

void screen_fixture_init(void)
{
    const char *u = getenv("MM_TEST_DB");
    pg_url = u && strncmp(u, "postgresql://", 13) == 0 ? u : NULL;
}

mm_store *screen_fixture_open(const char *name, const screen_fixture_org *orgs, size_t n)
{
    if (pg_url) {
        PGconn *c = PQconnectdb(pg_url);
        assert_int_equal(PQstatus(c), CONNECTION_OK);
        PQclear(PQexec(c, "SET client_min_messages = warning"));
        PGresult *r = PQexec(c, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
        assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
        PQclear(r);
        PQfinish(c);
    } else {
        snprintf(db_path, sizeof db_path, "/tmp/mm-test-%s-%ld.db", name, (long)getpid());
        unlink(db_path);
    }
    mm_store *s = NULL;
    assert_int_equal(mm_store_open(&s, pg_url ? pg_url : db_path), MM_OK);
    for (size_t i = 0; i < n; i++) {
        mm_org o = {.id = orgs[i].id,
                    .kind = orgs[i].kind,
                    .name = orgs[i].id,
                    .identifiers = orgs[i].identifiers};
        assert_int_equal(mm_store_create_org(s, &o), MM_OK);
    }
    return s;
}

void screen_fixture_close(mm_store *s)
{
    mm_store_free(s);
    if (!pg_url) {
        char p[160];
        unlink(db_path);
        snprintf(p, sizeof p, "%s-wal", db_path);
        unlink(p);
        snprintf(p, sizeof p, "%s-shm", db_path);
        unlink(p);
    }
}
