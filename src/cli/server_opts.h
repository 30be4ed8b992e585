/* What the commands that talk to the server (`mamori submit`, `receipt get`, `recognize`,
 * `screen PLAN --server`, `screen national`, `screen report`, `screen designate`) share:
 * their server options as option-table fragments, and the parse-and-help prologue of a
 * command. Each command keeps its own usage text. */
#ifndef MM_CLI_SERVER_OPTS_H
#define MM_CLI_SERVER_OPTS_H

#include "cli/args.h"

/* --server URL, --server-key FILE, -o/--output FILE, --cacert FILE, --timeout SECONDS and
 * --token TOKEN as given (NULL when not). */
typedef struct cli_server_opts {
    const char *server, *server_key, *output, *cacert, *timeout, *token;
} cli_server_opts;

/* The entries of an option table for o (a cli_server_opts *), each list in the order given:
 * CLI_SERVER_OPTIONS all six; CLI_CONNECT_OUTPUT_OPTIONS all but --server-key (commands that
 * fetch with no pinned key: screen, screen national, screen report); CLI_CONNECT_OPTIONS
 * --server, --cacert, --timeout and --token only (screen designate). */
/* clang-format off */
#define CLI_SERVER_OPTION_(o) {.name = "server", .takes_value = true, .value = &(o)->server}
#define CLI_OUTPUT_OPTION_(o)                                                                  \
    {.name = "output", .takes_value = true, .value = &(o)->output, .short_name = 'o'}
#define CLI_CONNECT_TAIL_(o)                                                                   \
    {.name = "cacert", .takes_value = true, .value = &(o)->cacert},                            \
    {.name = "timeout", .takes_value = true, .value = &(o)->timeout},                          \
    {.name = "token", .takes_value = true, .value = &(o)->token}
#define CLI_SERVER_OPTIONS(o)                                                                  \
    CLI_SERVER_OPTION_(o),                                                                     \
    {.name = "server-key", .takes_value = true, .value = &(o)->server_key},                    \
    CLI_OUTPUT_OPTION_(o), CLI_CONNECT_TAIL_(o)
#define CLI_CONNECT_OUTPUT_OPTIONS(o) CLI_SERVER_OPTION_(o), CLI_OUTPUT_OPTION_(o), CLI_CONNECT_TAIL_(o)
#define CLI_CONNECT_OPTIONS(o) CLI_SERVER_OPTION_(o), CLI_CONNECT_TAIL_(o)
/* clang-format on */

/* cli_parse_args, then the usage text on standard error (a bad option) or on standard
 * output (--help): -1 when the command goes on, else its exit code. */
int cli_parse_or_usage(cli_args *a, int argc, char **argv, const cli_option *opts,
                       const char *usage);

#endif
