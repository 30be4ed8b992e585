#ifndef MM_CLI_ARGS_H
#define MM_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#define CLI_MAX_POS   16
#define CLI_MAX_MULTI 64

typedef struct cli_option {
    const char *name; /* without "--" */
    bool takes_value;
    const char **value; /* single value */
    bool *flag;         /* for options without a value */
    bool multi;         /* may repeat: values go to list/count */
    const char **list;
    size_t *count;
    char short_name; /* "-o" style alias, or 0 */
} cli_option;

typedef struct cli_args {
    const char *pos[CLI_MAX_POS];
    size_t npos;
    bool help;
} cli_args;

/* Parses argv[1..]; prints a message and returns -1 on an unknown or incomplete option. */
int cli_parse_args(cli_args *a, int argc, char **argv, const cli_option *opts);

/* The options a subcommand parses, for the generated shell completion and man pages
 * (`mamori completion`): while a visitor is set, cli_parse_args hands it the subcommand's
 * option table and returns -1 at once without reading argv. NULL clears it. */
typedef void (*cli_option_visitor)(const cli_option *opts, void *ctx);
void cli_set_option_visitor(cli_option_visitor fn, void *ctx);

#endif
