/* What the commands that talk to the server (`mamori submit`, `receipt get`, `recognize`)
 * share: their six server options as one option-table fragment, and the parse-and-help
 * prologue of a command. Each command keeps its own usage text. */
#ifndef MM_CLI_SERVER_OPTS_H
#define MM_CLI_SERVER_OPTS_H

#include "cli/args.h"

/* --server URL, --server-key FILE, -o/--output FILE, --cacert FILE, --timeout SECONDS and
 * --token TOKEN as given (NULL when not). */
typedef struct cli_server_opts {
    const char *server, *server_key, *output, *cacert, *timeout, *token;
} cli_server_opts;

/* The entries of an option table for o (a cli_server_opts *), in that order. */
/* clang-format off */
#define CLI_SERVER_OPTIONS(o)                                                                  \
    {.name = "server", .takes_value = true, .value = &(o)->server},                            \
    {.name = "server-key", .takes_value = true, .value = &(o)->server_key},                    \
    {.name = "output", .takes_value = true, .value = &(o)->output, .short_name = 'o'},         \
    {.name = "cacert", .takes_value = true, .value = &(o)->cacert},                            \
    {.name = "timeout", .takes_value = true, .value = &(o)->timeout},                          \
    {.name = "token", .takes_value = true, .value = &(o)->token}
/* clang-format on */

/* cli_parse_args, then the usage text on standard error (a bad option) or on standard
 * output (--help): -1 when the command goes on, else its exit code. */
int cli_parse_or_usage(cli_args *a, int argc, char **argv, const cli_option *opts,
                       const char *usage);

#endif
