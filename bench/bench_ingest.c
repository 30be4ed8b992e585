/*
 * bench_ingest: how many signed submissions per second the server's own code takes in
 * (submission_ingest: inspect, signature verification, parsing and scoring the assessment again,
 * the summary, storing it with its gaps, milestones and audit record in one SQLite
 * transaction, the signed receipt), in process and on one thread.
 *
 *   bench_ingest [-n N] [-r RUNS] [--dir DIR]
 *   bench_ingest --write-bodies FILE --key SECRET_KEY_FILE [-n N]
 *
 * The first form signs N distinct submissions first (not timed: the example assessments
 * examples/hokuto/assessment-r3.json and -r2.json, alternately, each with its own system
 * name so no two are the same), then, RUNS times (default 3), times submission_ingest of all of
 * them into a fresh database in DIR (default /tmp), and prints one line per run and the
 * median: "median SUBS_PER_S". The second form writes N distinct signed submissions, one
 * per line, signed with the key file (made by `mamori keygen`), for an HTTP benchmark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "mamori/submit.h"
#include "server/internal.h"

#define EX_R3 "examples/hokuto/assessment-r3.json"
#define EX_R2 "examples/hokuto/assessment-r2.json"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* N signed documents (one line each) made from the two examples. */
static char **sign_all(size_t n, const mm_key *key)
{
    json_error_t err;
    json_t *ex[2] = {json_load_file(EX_R3, 0, &err), json_load_file(EX_R2, 0, &err)};
    if (!ex[0] || !ex[1]) {
        fprintf(stderr, "bench_ingest: %s: %s (run from the source tree)\n", EX_R3, err.text);
        return NULL;
    }
    char **docs = calloc(n, sizeof *docs);
    for (size_t i = 0; docs && i < n; i++) {
        json_t *a = ex[i % 2];
        char sys[64];
        snprintf(sys, sizeof sys, "CUI enclave, benchmark copy %zu", i);
        json_object_set_new(a, "system", json_string(sys));
        char *text = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER);
        mm_submission s = {.assessment = text,
                           .assessment_len = strlen(text),
                           .name = "assessment.json",
                           .official = "Kenji Sato",
                           .date = "2026-11-05"};
        if (mm_submission_sign(&docs[i], &s, key) != MM_OK) {
            fprintf(stderr, "bench_ingest: sign: %s\n", mm_error_last());
            exit(1);
        }
        free(text);
        for (char *p = docs[i]; *p; p++) /* newlines are only whitespace in JSON text */
            if (*p == '\n')
                *p = ' ';
    }
    json_decref(ex[0]);
    json_decref(ex[1]);
    return docs;
}

static int write_bodies(const char *path, const char *keyfile, size_t n)
{
    mm_key *key = NULL;
    if (mm_key_load(&key, keyfile) != MM_OK || !key->has_secret) {
        fprintf(stderr, "bench_ingest: %s: %s\n", keyfile,
                key ? "not a secret key file" : mm_error_last());
        return 1;
    }
    char **docs = sign_all(n, key);
    FILE *f = fopen(path, "w");
    if (!docs || !f) {
        fprintf(stderr, "bench_ingest: cannot write %s\n", path);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s\n", docs[i]);
        free(docs[i]);
    }
    free(docs);
    mm_key_free(key);
    return fclose(f) == 0 ? 0 : 1;
}

/* One timed run: a fresh database, one organization and its key, then N ingests. */
static double run_once(const char *dir, int run, char **docs, size_t n, const mm_key *key,
                       const ingest_ctx *ctx)
{
    char db[512];
    snprintf(db, sizeof db, "%s/bench-ingest-%ld-%d.db", dir, (long)getpid(), run);
    mm_store *st = NULL;
    const char *org_id = "00000000-0000-4000-8000-000000000001";
    mm_org org = {.id = org_id, .kind = "contractor", .name = "Benchmark Contractor K.K."};
    char pk64[64];
    sodium_bin2base64(pk64, sizeof pk64, key->public_key, 32, sodium_base64_VARIANT_ORIGINAL);
    int64_t row;
    if (mm_store_open(&st, db) != MM_OK || mm_store_create_org(st, &org) != MM_OK ||
        mm_store_add_key(st, &row, org_id, key->key_id, pk64, "bench", "2026-11-01T00:00:00Z") !=
            MM_OK) {
        fprintf(stderr, "bench_ingest: %s: %s\n", db, mm_error_last());
        exit(1);
    }
    long long now_unix = 1794960000; /* 2026-11-18 */
    double t0 = now_s();
    for (size_t i = 0; i < n; i++) {
        char *receipt = NULL;
        act_fail f = {0};
        if (submission_ingest(ctx, st, org_id, "bench", docs[i], strlen(docs[i]),
                              "2026-11-18T00:00:00Z", now_unix, &receipt, &f) != MM_OK) {
            fprintf(stderr, "bench_ingest: submission %zu: %s\n", i, f.msg);
            exit(1);
        }
        free(receipt);
    }
    double dt = now_s() - t0;
    mm_store_free(st);
    char side[600];
    unlink(db);
    snprintf(side, sizeof side, "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db);
    unlink(side);
    return (double)n / dt;
}

int main(int argc, char **argv)
{
    size_t n = 2000;
    int runs = 3;
    const char *dir = "/tmp", *bodies = NULL, *keyfile = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--write-bodies") == 0 && i + 1 < argc)
            bodies = argv[++i];
        else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
            keyfile = argv[++i];
        else {
            fprintf(stderr, "usage: bench_ingest [-n N] [-r RUNS] [--dir DIR]\n"
                            "       bench_ingest --write-bodies FILE --key KEYFILE [-n N]\n");
            return 2;
        }
    }
    if (sodium_init() < 0 || n < 1 || runs < 1 || runs > 99)
        return 2;
    if (bodies)
        return keyfile ? write_bodies(bodies, keyfile, n) : 2;

    mm_catalog *r3 = NULL, *r2 = NULL;
    mm_profile *profile = NULL;
    mm_key *key = NULL;
    if (mm_catalog_load(&r3, MM_FW_R3, NULL) != MM_OK ||
        mm_catalog_load(&r2, MM_FW_R2, NULL) != MM_OK ||
        mm_profile_load(&profile, r3, NULL) != MM_OK ||
        mm_key_generate(&key, "Benchmark Contractor K.K.") != MM_OK) {
        fprintf(stderr, "bench_ingest: %s\n", mm_error_last());
        return 1;
    }
    unsigned char server_pk[32], server_sk[64];
    crypto_sign_keypair(server_pk, server_sk);
    ingest_ctx ctx = {.r3 = r3, .r2 = r2, .profile = profile, .server_sk = server_sk};
    fprintf(stderr, "bench_ingest: signing %zu submissions (not timed)\n", n);
    char **docs = sign_all(n, key);
    if (!docs)
        return 1;
    double rate[99];
    for (int r = 0; r < runs; r++) {
        rate[r] = run_once(dir, r, docs, n, key, &ctx);
        printf("run %d: %zu submissions, %.0f/s\n", r + 1, n, rate[r]);
        fflush(stdout);
    }
    qsort(rate, (size_t)runs, sizeof rate[0], cmp_double);
    printf("median %.0f\n", runs % 2 ? rate[runs / 2] : (rate[runs / 2 - 1] + rate[runs / 2]) / 2);
    for (size_t i = 0; i < n; i++)
        free(docs[i]);
    free(docs);
    mm_key_free(key);
    mm_profile_free(profile);
    mm_catalog_free(r2);
    mm_catalog_free(r3);
    return 0;
}
