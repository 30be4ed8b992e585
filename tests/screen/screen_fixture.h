/* The store fixture that tests/screen/test_screen.c and test_screen_national.c share: a fresh
 * store on PostgreSQL when MM_TEST_DB is a postgresql:// URL (its public schema dropped and
 * made again), else on a temporary SQLite file, with the organizations the test names.
 * CMakeLists.txt builds screen_fixture.c into both tests. */
#ifndef MM_TESTS_SCREEN_FIXTURE_H
#define MM_TESTS_SCREEN_FIXTURE_H

#include <stddef.h>

#include "mamori/store.h"

/* One organization of the fixture: id (also its name), kind, identifiers (JSON text). */
typedef struct screen_fixture_org {
    const char *id, *kind, *identifiers;
} screen_fixture_org;

/* Reads MM_TEST_DB once, at the start of main. */
void screen_fixture_init(void);

/* A fresh store holding the n organizations of orgs (cmocka assertions on any failure); on
 * SQLite the file is /tmp/mm-test-NAME-PID.db. Close it with screen_fixture_close. */
mm_store *screen_fixture_open(const char *name, const screen_fixture_org *orgs, size_t n);

/* Frees s and removes the SQLite file (with its -wal and -shm) when there is one. */
void screen_fixture_close(mm_store *s);

#endif
