/* A small option parser: "--name value", "--name=value", flags, and positionals. */
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"

static cli_option_visitor visitor;
static void *visitor_ctx;

void cli_set_option_visitor(cli_option_visitor fn, void *ctx)
{
    visitor = fn;
    visitor_ctx = ctx;
}

int cli_parse_args(cli_args *a, int argc, char **argv, const cli_option *opts)
{
    memset(a, 0, sizeof(*a));
    if (visitor) {
        visitor(opts, visitor_ctx);
        return -1;
    }
    for (int i = 1; i < argc; i++) {
        char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            for (i++; i < argc && a->npos < CLI_MAX_POS; i++)
                a->pos[a->npos++] = argv[i];
            break;
        }
        if (arg[0] == '-' && arg[1] && arg[1] != '-' && arg[2] == '\0') {
            const cli_option *o = opts;
            for (; o && o->name; o++)
                if (o->short_name == arg[1])
                    break;
            if (!o || !o->name || !o->takes_value) {
                cli_error("unknown option '%s' (see --help)", arg);
                return -1;
            }
            if (i + 1 >= argc) {
                cli_error("option '%s' needs a value", arg);
                return -1;
            }
            *o->value = argv[++i];
            continue;
        }
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (a->npos == CLI_MAX_POS) {
                cli_error("too many arguments");
                return -1;
            }
            a->pos[a->npos++] = arg;
            continue;
        }
        if (strcmp(arg, "--help") == 0) {
            a->help = true;
            continue;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const cli_option *o = opts;
        for (; o && o->name; o++)
            if (strlen(o->name) == nlen && strncmp(o->name, name, nlen) == 0)
                break;
        if (!o || !o->name) {
            cli_error("unknown option '--%.*s' (see --help)", (int)nlen, name);
            return -1;
        }
        if (!o->takes_value) {
            if (eq) {
                cli_error("option '--%s' takes no value", o->name);
                return -1;
            }
            *o->flag = true;
            continue;
        }
        const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!val) {
            cli_error("option '--%s' needs a value", o->name);
            return -1;
        }
        if (o->multi) {
            if (*o->count < CLI_MAX_MULTI)
                o->list[(*o->count)++] = val;
        } else {
            *o->value = val;
        }
    }
    return 0;
}
