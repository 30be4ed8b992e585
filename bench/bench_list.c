/*
 * bench_list: the authority's contractor list computed uncached, in process (docs/benchmarks.md,
 * "The contractor list uncached").
 *
 *   bench_list [--db URL] [-n ORGS] [-s SUBMISSIONS] [-r RUNS] [--only CASE]
 *
 * Seeds ORGS contractors (default 10,000) with SUBMISSIONS submissions each (default 20) in
 * bulk SQL (not timed; no signatures: the list reads the rows alone), the latest copied onto
 * each organization's row as mm_store_insert_submission keeps it, two milestones on every
 * latest submission and an affirmation on a tenth of them; then times each case RUNS times
 * (default 21) as the server asks it (mm_store_list_orgs with the request's dates and both
 * frameworks' maxima; the sector choices with mm_store_contractor_sectors) and prints the
 * median, min and max of the wall clock and of this process's CPU time, in ms.
 * --db: a SQLite path or a postgresql:// URL; a database that already holds contractors is
 * used as it is (no seeding: for runs under callgrind). Default: a fresh SQLite file in /tmp,
 * removed at the end. For a load-independent count:
 *
 *   valgrind --tool=callgrind --toggle-collect=run_case bench_list --db FILE --only default -r 11
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mamori/store.h"
#include "store/driver.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void fail(const char *what, int rc)
{
    fprintf(stderr, "bench_list: %s: %s (%d)\n", what, mm_error_last(), rc);
    exit(1);
}

#define SEQ "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1) "
#define DATE_OF(j)                                                                                 \
    "(2024 + (" j ") / 12) || '-' || CASE WHEN (" j ") % 12 < 9 THEN '0' ELSE '' END"              \
    " || ((" j ") % 12 + 1)"

static void seed(mm_store *s, long orgs, long subs)
{
    double t0 = now_ms();
    int rc = mm_store_begin(s);
    const mm_param po[] = {P_INT(orgs), P_TEXT("{\"sector\":\""), P_TEXT("\"}")};
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        SEQ "INSERT INTO organizations (id, kind, name, identifiers, created)"
                            " SELECT 'c' || i, 'contractor', 'Contractor ' || ((i * 7919) % $1),"
                            " $2 || CASE i % 8 WHEN 0 THEN 'aerospace' WHEN 1 THEN 'shipbuilding'"
                            " WHEN 2 THEN 'electronics' WHEN 3 THEN 'munitions' WHEN 4 THEN"
                            " 'vehicles' WHEN 5 THEN 'software' WHEN 6 THEN 'materials' ELSE '' END"
                            " || $3, '2024-01-01T00:00:00Z' FROM n",
                        NPARAMS(po), po, NULL, NULL, NULL);
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "INSERT INTO signing_keys (org_id, public_key, created)"
                        " VALUES ('c0', 'bench-key', '2024-01-01T00:00:00Z')",
                        0, NULL, NULL, NULL, NULL);
    int64_t key = 0;
    if (rc == MM_OK)
        rc = mm_db_int(s, &key, "SELECT max(id) FROM signing_keys", 0, NULL);
    const mm_param ps[] = {P_INT(orgs * subs), P_INT(subs), P_INT(key)};
    if (rc == MM_OK)
        rc = mm_db_exec(
            s,
            SEQ "INSERT INTO submissions (id, org_id, key_id, received, body, body_hash, signature,"
                " score, affirmed_by, affirmed_on, framework, status, assessed)"
                " SELECT 's' || i, 'c' || (i / $2), $3, " DATE_OF(
                    "i % $2") " || '-15T10:00:00Z',"
                              " '{}', 'h' || i, 'sig', CASE (i / $2) % 2 WHEN 0 THEN (i * 37) % "
                              "314 - 203"
                              " ELSE (i * 37) % 98 END, 'Bench Official', " DATE_OF(
                                  "i % $2") " || '-14',"
                                            " CASE (i / $2) % 2 WHEN 0 THEN '800-171r2' ELSE "
                                            "'800-171r3' END,"
                                            " CASE (i * 7 + i / $2) % 4 WHEN 0 THEN 'meets' WHEN 1 "
                                            "THEN 'conditional'"
                                            " WHEN 2 THEN 'not-met' ELSE 'no-valid-score' "
                                            "END, " DATE_OF("i % $2") " || '-01'"
                                                                      " FROM n",
            NPARAMS(ps), ps, NULL, NULL, NULL);
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "UPDATE organizations SET latest_submission = (SELECT s.id FROM"
                        " submissions s WHERE s.org_id = organizations.id"
                        " ORDER BY s.received DESC, s.id DESC LIMIT 1) WHERE kind = 'contractor'",
                        0, NULL, NULL, NULL, NULL);
    if (rc == MM_OK)
        rc = mm_db_exec(s, MM_ORG_LATEST_REFRESH, 0, NULL, NULL, NULL, NULL);
    if (rc == MM_OK)
        rc =
            mm_db_exec(s,
                       "INSERT INTO submission_milestones (submission_id, requirement, due, status)"
                       " SELECT latest_submission, '03.01.01', '2026-03-01', 'planned'"
                       " FROM organizations WHERE kind = 'contractor' UNION ALL"
                       " SELECT latest_submission, '03.05.03', '2027-03-01', 'completed'"
                       " FROM organizations WHERE kind = 'contractor'",
                       0, NULL, NULL, NULL, NULL);
    const mm_param pa[] = {P_INT(key)};
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "INSERT INTO affirmations (id, org_id, submission_id, key_id, affirmed_by,"
                        " affirmed_on, received, received_by, body, body_hash, signature)"
                        " SELECT 'a' || id, id, latest_submission, $1, 'Bench Official',"
                        " '2026-03-01', '2026-03-01T00:00:00Z', 'bench', '{}', 'ah' || id, 'sig'"
                        " FROM organizations WHERE kind = 'contractor' AND name LIKE '%3'",
                        NPARAMS(pa), pa, NULL, NULL, NULL);
    if (rc == MM_OK)
        rc = mm_store_commit(s);
    if (rc)
        fail("seeding", rc);
    if (mm_db_exec(s, "ANALYZE", 0, NULL, NULL, NULL, NULL) != MM_OK)
        fail("analyze", MM_EIO);
    printf("seeded: %ld contractors x %ld submissions in %.1f s\n", orgs, subs,
           (now_ms() - t0) / 1e3);
}

typedef struct bench_case {
    const char *name, *what;
    mm_org_query q; /* its filters; the request's dates and maxima are added */
    int other;      /* 1: mm_store_contractor_sectors; 2: mm_store_contractor_count instead */
} bench_case;

static const bench_case cases[] = {
    {"default", "first page, sort name (the API's and the dashboard's default)", {.limit = 50}, 0},
    {"score",
     "first page, sort score desc (run.sh's request)",
     {.limit = 50, .sort = "score", .desc = true},
     0},
    {"page100", "page 100 of 50, sort name", {.limit = 50, .offset = 4950}, 0},
    {"sector", "sector=aerospace", {.limit = 50, .sector = "aerospace"}, 0},
    {"status",
     "status=not-met, sort status",
     {.limit = 50, .status = "not-met", .sort = "status"},
     0},
    {"score-range",
     "framework=800-171r2, score 50..90, sort score desc",
     {.limit = 50,
      .framework = "800-171r2",
      .score_min_set = true,
      .score_min = 50,
      .score_max_set = true,
      .score_max = 90,
      .sort = "score",
      .desc = true},
     0},
    {"affirmation", "affirmation=due", {.limit = 50, .affirmation = "due"}, 0},
    {"overdue", "overdue=1, sort status", {.limit = 50, .overdue_only = true, .sort = "status"}, 0},
    {"search", "q=contractor 12", {.limit = 50, .q = "contractor 12"}, 0},
    {"sectors", "the sector filter's choices (mm_store_contractor_sectors)", {0}, 1},
    {"count", "the contractors' count (mm_store_contractor_count: the sector cache's key)", {0}, 2},
};
#define NCASES (sizeof cases / sizeof cases[0])

/* One computation of case c (the function callgrind's --toggle-collect names). */
__attribute__((noinline)) int run_case(mm_store *s, const bench_case *c, size_t *items);
__attribute__((noinline)) int run_case(mm_store *s, const bench_case *c, size_t *items)
{
    json_t *v = NULL;
    int rc;
    if (c->other == 1) {
        rc = mm_store_contractor_sectors(s, &v);
        *items = json_array_size(v);
    } else if (c->other == 2) {
        int64_t n = 0;
        rc = mm_store_contractor_count(s, &n);
        *items = (size_t)n;
    } else {
        mm_org_query q = c->q;
        q.kind = "contractor";
        q.stale_before = "2023-12-07";
        q.expired_before = "2026-06-10";
        q.affirm_overdue_before = "2025-12-07";
        q.affirm_due_by = "2027-01-06";
        q.overdue_before = "2026-12-07";
        q.score_max_r2 = 110;
        q.score_max_r3 = 97;
        rc = mm_store_list_orgs(s, &v, &q);
        *items = (size_t)json_integer_value(json_object_get(v, "total"));
    }
    json_decref(v);
    return rc;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *only = NULL;
    long orgs = 10000, subs = 20, runs = 21;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            orgs = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            subs = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            runs = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "usage: bench_list [--db URL] [-n ORGS] [-s SUBMISSIONS] [-r RUNS]"
                            " [--only CASE]\n");
            return 2;
        }
    }
    if (orgs < 1 || subs < 1 || runs < 1) {
        fprintf(stderr, "bench_list: -n, -s and -r must be at least 1\n");
        return 2;
    }
    char path[64] = "";
    if (!db) {
        snprintf(path, sizeof path, "/tmp/bench_list-%ld.db", (long)getpid());
        db = path;
    }
    mm_store *s = NULL;
    int rc = mm_store_open(&s, db);
    if (rc)
        fail("open", rc);
    int64_t have = 0;
    rc = mm_db_int(s, &have, "SELECT count(*) FROM organizations WHERE kind = 'contractor'", 0,
                   NULL);
    if (rc)
        fail("count", rc);
    if (have == 0)
        seed(s, orgs, subs);
    else
        printf("using the %lld contractors already in the database\n", (long long)have);
    double *t = calloc((size_t)runs, sizeof *t), *cpu = calloc((size_t)runs, sizeof *cpu);
    if (!t || !cpu)
        fail("memory", MM_ENOMEM);
    printf("%-12s %9s %9s %9s %9s %8s  %s\n", "case", "wall p50", "min", "max", "cpu p50",
           "matches", "what");
    for (size_t k = 0; k < NCASES; k++) {
        const bench_case *c = &cases[k];
        if (only && strcmp(only, c->name) != 0)
            continue;
        size_t items = 0;
        if (run_case(s, c, &items) != MM_OK) /* warm-up: the statements prepared */
            fail(c->name, MM_EIO);
        for (long r = 0; r < runs; r++) {
            double a = now_ms(), b = cpu_ms();
            rc = run_case(s, c, &items);
            t[r] = now_ms() - a;
            cpu[r] = cpu_ms() - b;
            if (rc)
                fail(c->name, rc);
        }
        qsort(t, (size_t)runs, sizeof *t, cmp_double);
        qsort(cpu, (size_t)runs, sizeof *cpu, cmp_double);
        printf("%-12s %9.3f %9.3f %9.3f %9.3f %8zu  %s\n", c->name, t[runs / 2], t[0], t[runs - 1],
               cpu[runs / 2], items, c->what);
    }
    free(t);
    free(cpu);
    mm_store_free(s);
    if (path[0]) {
        char side[80];
        unlink(path);
        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
    }
    return 0;
}
