/* mamori: the subcommand table and the helpers every subcommand shares. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "cli/cli.h"
#include "i18n/i18n.h"
#include "util/util.h"

static const mm_command commands[] = {
    {"catalog", cmd_catalog, "list, show and search SP 800-171 Rev 3 and Rev 2 requirements"},
    {"assess", cmd_assess, "evaluate an assessment: score, gaps, SSP, POA&M (init: template)"},
    {"scan", cmd_scan, "scan a Linux system (or an image under --root) for SP 800-171 evidence"},
    {"admin", cmd_admin, "server administration: init, user, seed-demo, export, import, migrate"},
    {"serve", cmd_serve, "run the authority's server: the API and the dashboard"},
    {"audit", cmd_audit, "verify the server's hash-chained audit log"},
    {"keygen", cmd_keygen, "make an Ed25519 key pair for signing submissions"},
    {"sign", cmd_sign, "sign an assessment, its evidence hashes and the affirming official"},
    {"verify", cmd_verify, "verify a signed submission against a public key"},
    {"submit", cmd_submit, "sign an assessment and submit it to the authority's server"},
    {"affirm", cmd_affirm, "send the annual affirmation of the latest submission (32 CFR 170.22)"},
    {"receipt", cmd_receipt, "verify a saved receipt of the server, or get one again"},
    {"incident", cmd_incident, "check a cyber incident report and its deadline; send it"},
    {"crosswalk", cmd_crosswalk, "what covers each criterion of one framework in another, cited"},
    {"product", cmd_product, "the IoT product registry on the server: list, add, show, label"},
    {"recognize", cmd_recognize,
     "a product's signed recognition claim as another IoT label scheme; verify one"},
    {"version", cmd_version, "print the version"},
    {"graph", cmd_graph, "the supply chain: suppliers and flow-down checks, affected, national"},
    {"completion", cmd_completion, "print the bash or zsh completion script"},
    {"screen", cmd_screen, "critical infrastructure: check an installation plan; the sectors"},
};

/* Commands whose first argument picks an action: the tables their dispatchers run, and the
 * words of those that read it as a positional (catalog, assess) or take one (audit,
 * incident through cli_subcommand). */
static const mm_command audit_words[] = {{"verify", cmd_audit, NULL}};
static const mm_command incident_words[] = {{"report", cmd_incident, NULL}};
static const mm_command catalog_words[] = {{"list", cmd_catalog, NULL},
                                           {"show", cmd_catalog, NULL},
                                           {"search", cmd_catalog, NULL},
                                           {"export", cmd_catalog, NULL}};
static const mm_command assess_words[] = {{"init", cmd_assess, NULL}};
static const mm_command screen_words[] = {{"sectors", cmd_screen, NULL},
                                          {"national", cmd_screen, NULL},
                                          {"report", cmd_screen_report, NULL},
                                          {"verify", cmd_screen_verify, NULL},
                                          {"designate", cmd_screen_designate, NULL}};
#define GROUP(n, t)                                                                                \
    {                                                                                              \
        n, t, sizeof t / sizeof t[0]                                                               \
    }
static const mm_command_group groups[] = {
    GROUP("audit", audit_words),     GROUP("incident", incident_words),
    GROUP("catalog", catalog_words), GROUP("assess", assess_words),
    GROUP("screen", screen_words),
};

const mm_command *cli_commands(size_t *n)
{
    *n = sizeof commands / sizeof commands[0];
    return commands;
}

const mm_command_group *cli_command_groups(size_t *n)
{
    static mm_command_group all[sizeof groups / sizeof groups[0] + 2];
    size_t k = 0;
    all[k++] = (mm_command_group){"admin", cli_admin_commands, cli_admin_ncommands};
    all[k++] = (mm_command_group){"receipt", cli_receipt_commands, cli_receipt_ncommands};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        all[k++] = groups[i];
    *n = k;
    return all;
}

int cli_dispatch(int argc, char **argv, const char *group, const mm_command *subs, size_t n,
                 const char *usage_text)
{
    for (size_t i = 0; argc >= 2 && i < n; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (argc >= 2)
        cli_error("unknown %s command '%s' (see 'mamori %s --help')", group, argv[1], group);
    cli_usage(stderr, usage_text);
    return MM_EXIT_USAGE;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("mamori: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const char *lang_override;

void cli_set_lang(const char *lang)
{
    lang_override = mm_i18n_known(lang) ? lang : NULL;
}

const char *cli_lang(void)
{
    return lang_override ? lang_override : mm_i18n_env_lang();
}

void cli_usage(FILE *f, const char *usage)
{
    const char *lang = cli_lang();
    if (strcmp(lang, "en") != 0 && strncmp(usage, "usage: mamori ", 14) == 0) {
        /* "cli.help." and the command words of the first line, joined by '.' */
        char key[64] = "cli.help.";
        size_t k = strlen(key), k0 = k;
        for (const char *w = usage + 14; *w >= 'a' && *w <= 'z';) {
            size_t n = strspn(w, "abcdefghijklmnopqrstuvwxyz-");
            if (w[n] != ' ' && w[n] != '\n')
                break; /* "ASSESSMENT.json", "bash|zsh": no command word */
            if (k + 1 + n >= sizeof key)
                break;
            if (k > k0)
                key[k++] = '.';
            memcpy(key + k, w, n);
            k += n;
            key[k] = '\0';
            w += n;
            w += strspn(w, " ");
        }
        const char *s = mm_i18n_tr(lang, key);
        if (strcmp(s, key) != 0) {
            fputs(s, f);
            return;
        }
    }
    fputs(usage, f);
}

void cli_error_tr(const char *key, const char *a0, const char *a1, const char *a2)
{
    mm_buf b = MM_BUF_INIT;
    mm_i18n_put(&b, cli_lang(), false, key, a0, a1, a2, NULL);
    cli_error("%s", mm_buf_cstr(&b));
    mm_buf_free(&b);
}

int cli_fail(int rc)
{
    const char *msg = mm_error_last();
    cli_error("%s", msg[0] ? msg : mm_strerror(rc));
    (void)rc;
    return MM_EXIT_USAGE; /* 1 is kept for "gaps found" (--fail-on-gaps) */
}

const char *cli_content_dir(const char *flag)
{
    if (flag)
        return flag;
    const char *env = getenv("MAMORI_CONTENT");
    return env && env[0] ? env : NULL;
}

bool cli_db_exists(const char *db)
{
    if (strncmp(db, "postgresql:", 11) == 0 || strncmp(db, "postgres:", 9) == 0)
        return true;
    const char *path = db;
    if (strncmp(path, "sqlite:", 7) == 0) {
        path += 7;
        if (strncmp(path, "//", 2) == 0)
            path += 2;
    }
    if (!path[0] || strcmp(path, ":memory:") == 0)
        return true; /* the store's own message for an empty path; memory is never a file */
    struct stat st;
    if (stat(path, &st) == 0)
        return true;
    if (errno == ENOENT || errno == ENOTDIR)
        cli_error("%s: no such database (create one with mamori admin init, mamori serve or "
                  "mamori admin migrate)",
                  path);
    else
        cli_error("%s: %s", path, strerror(errno));
    return false;
}

int cli_format_option(bool *json, const char *cmd, const char *value)
{
    *json = false;
    if (!value || strcmp(value, "text") == 0)
        return MM_EXIT_OK;
    if (strcmp(value, "json") == 0) {
        *json = true;
        return MM_EXIT_OK;
    }
    cli_error("%s: --format %s: expected text or json", cmd, value);
    return MM_EXIT_USAGE;
}

int cli_print_json(json_t *obj)
{
    if (!obj) {
        cli_error("out of memory");
        return MM_EXIT_USAGE;
    }
    int rc = json_dumpf(obj, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(obj);
    if (rc != 0 || fputc('\n', stdout) == EOF) {
        cli_error("cannot write the JSON output");
        return MM_EXIT_USAGE;
    }
    return MM_EXIT_OK;
}

bool cli_use_color(FILE *stream)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && nc[0])
        return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fileno(stream));
}

long long cli_now(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0)
            return v;
    }
    return (long long)time(NULL);
}

int cli_subcommand(int argc, char **argv, const char *group, const char *sub,
                   int (*fn)(int argc, char **argv), const char *usage)
{
    if (argc >= 2 && strcmp(argv[1], sub) == 0)
        return fn(argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        cli_usage(stdout, usage);
        return MM_EXIT_OK;
    }
    if (argc >= 2)
        cli_error("unknown %s command '%s' (see 'mamori %s --help')", group, argv[1], group);
    cli_usage(stderr, usage);
    return MM_EXIT_USAGE;
}

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("mamori %s\n", MM_VERSION);
    return MM_EXIT_OK;
}

const char *cli_help(const mm_command *c)
{
    const char *lang = cli_lang();
    if (strcmp(lang, "en") == 0)
        return c->help;
    char key[64];
    snprintf(key, sizeof key, "cli.cmd.%s", c->name);
    const char *s = mm_i18n_tr(lang, key);
    return strcmp(s, key) == 0 ? c->help : s;
}

static void usage(FILE *out)
{
    const char *lang = mm_i18n_env_lang();
    fputs(mm_i18n_tr(lang, "cli.usage"), out);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, cli_help(&commands[i]));
    fputs(mm_i18n_tr(lang, "cli.usage_more"), out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return MM_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return MM_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s' (see 'mamori --help')", argv[1]);
    return MM_EXIT_USAGE;
}
