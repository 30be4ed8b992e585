/* The prologue the server commands share (server_opts.h). */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/server_opts.h"

int cli_parse_or_usage(cli_args *a, int argc, char **argv, const cli_option *opts,
                       const char *usage)
{
    if (cli_parse_args(a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage);
        return MM_EXIT_USAGE;
    }
    if (a->help) {
        cli_usage(stdout, usage);
        return MM_EXIT_OK;
    }
    return -1;
}
