/* mamori audit verify: walk the server's hash-chained audit log. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "mamori/store.h"

static const char usage_text[] =
    "usage: mamori audit verify --db PATH\n"
    "\n"
    "  Checks every record of the audit log against its hash and the hash of the record\n"
    "  before it. Exit 0 when the chain is intact, 1 naming the first broken record.\n"
    "\n"
    "  --db PATH   the database: sqlite:PATH, a file path or postgresql://URL\n";

static int audit_verify(int argc, char **argv)
{
    const char *db = NULL;
    const cli_option opts[] = {
        {.name = "db", .takes_value = true, .value = &db},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (a.npos || !db) {
        cli_error("%s", a.npos ? "audit verify takes no arguments"
                               : "audit verify: --db PATH is required");
        return MM_EXIT_USAGE;
    }
    /* verifying must not create an empty database where there was none */
    if (!cli_db_exists(db))
        return MM_EXIT_USAGE;
    mm_store *s = NULL;
    mm_audit_report r;
    int rc = mm_store_open(&s, db);
    if (rc == MM_OK)
        rc = mm_store_audit_verify(s, &r);
    mm_store_free(s);
    if (rc)
        return cli_fail(rc);
    if (!r.bad_id) {
        printf("audit log: %lld records, chain intact\n", (long long)r.records);
        return MM_EXIT_OK;
    }
    if (r.expected[0])
        printf("audit log: record %lld: %s (expected hash %s, found %s)\n", (long long)r.bad_id,
               r.what, r.expected, r.found[0] ? r.found : "none");
    else
        printf("audit log: record %lld: %s\n", (long long)r.bad_id, r.what);
    return MM_EXIT_FINDINGS;
}

int cmd_audit(int argc, char **argv)
{
    return cli_subcommand(argc, argv, "audit", "verify", audit_verify, usage_text);
}
