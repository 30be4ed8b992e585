/* mamori serve: run the authority's HTTP server until SIGTERM or SIGINT. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "mamori/server.h"
#include "mamori/store.h"

static const char usage_text[] =
    "usage: mamori serve --db PATH [--listen ADDR:PORT] [--threads N] [--max-body BYTES]\n"
    "\n"
    "  Serves health, readiness and version over HTTP (the API comes in a later release).\n"
    "  Logs one JSON object per line on stderr. SIGTERM or SIGINT stops it gracefully.\n"
    "\n"
    "  --db PATH          the database: sqlite:PATH or a file path (created, migrated)\n"
    "  --listen ADDR:PORT the address to bind (default 127.0.0.1:8171; port 0: any free)\n"
    "  --threads N        worker threads (default 4, at most 256)\n"
    "  --max-body BYTES   largest request body (default 16777216); larger gets 413\n";

/* A whole decimal number in [min, max], or -1 after printing why not. */
static int parse_count(unsigned long long *out, const char *flag, const char *text,
                       unsigned long long min, unsigned long long max)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (!text[0] || text[0] == '-' || *end || errno || v < min || v > max) {
        cli_error("%s %s: expected a whole number from %llu to %llu", flag, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    const char *db = NULL, *listen = NULL, *threads = NULL, *max_body = NULL;
    const cli_option opts[] = {
        {.name = "db", .takes_value = true, .value = &db},
        {.name = "listen", .takes_value = true, .value = &listen},
        {.name = "threads", .takes_value = true, .value = &threads},
        {.name = "max-body", .takes_value = true, .value = &max_body},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        fputs(usage_text, stderr);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        fputs(usage_text, stdout);
        return MM_EXIT_OK;
    }
    if (a.npos || !db) {
        cli_error("%s", a.npos ? "serve takes no arguments" : "serve: --db PATH is required");
        return MM_EXIT_USAGE;
    }
    mm_server_config cfg;
    mm_server_config_init(&cfg);
    unsigned long long n;
    if (listen)
        cfg.listen = listen;
    if (threads) {
        if (parse_count(&n, "--threads", threads, 1, 256))
            return MM_EXIT_USAGE;
        cfg.threads = (unsigned)n;
    }
    if (max_body) {
        if (parse_count(&n, "--max-body", max_body, 0, (unsigned long long)1 << 40))
            return MM_EXIT_USAGE;
        cfg.max_body = (size_t)n;
    }

    /* Block the stop signals before any thread starts, so every thread inherits the mask
     * and only sigwait() below sees them; no work happens in a signal handler. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    mm_store *store = NULL;
    mm_server *srv = NULL;
    int rc = mm_store_open(&store, db);
    if (rc == MM_OK)
        rc = mm_server_start(&srv, store, &cfg);
    if (rc) {
        mm_store_free(store);
        return cli_fail(rc);
    }
    int sig = 0;
    while (sigwait(&stop, &sig) != 0)
        ;
    mm_server_log("info", sig == SIGTERM ? "shutdown: SIGTERM" : "shutdown: SIGINT");
    mm_server_stop(srv);
    mm_store_free(store);
    mm_server_log("info", "stopped");
    return MM_EXIT_OK;
}
