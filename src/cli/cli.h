/* The mamori command line: shared helpers of the cmd_*.c files. */
#ifndef MM_CLI_H
#define MM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "mamori/assess.h"
#include "mamori/catalog.h"
#include "mamori/error.h"

/* Exit codes, the same for every subcommand. */
enum { MM_EXIT_OK = 0, MM_EXIT_FINDINGS = 1, MM_EXIT_USAGE = 2 };

typedef struct mm_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} mm_command;

/* c's one-line help in the language of messages (cli_lang): the catalog's
 * "cli.cmd.NAME" in Japanese, else c->help (English, the table's own). */
const char *cli_help(const mm_command *c);

/* The subcommand table (main.c), for `mamori completion`. */
const mm_command *cli_commands(size_t *n);

/* A command with subcommands of its own ("admin init", "receipt get") and their table; the
 * table is the one its dispatcher runs (cli_dispatch), or for commands whose first
 * argument picks the action ("catalog list"), the words it takes. */
typedef struct mm_command_group {
    const char *name;
    const mm_command *subs;
    size_t nsubs;
} mm_command_group;
const mm_command_group *cli_command_groups(size_t *n);

/* Runs the entry of subs named argv[1]; --help prints usage; anything else is an error
 * naming the group. */
int cli_dispatch(int argc, char **argv, const char *group, const mm_command *subs, size_t n,
                 const char *usage);

/* The language of the command line's messages: the one a command's --lang set
 * (cli_set_lang), else the environment's (mm_i18n_env_lang). */
const char *cli_lang(void);
/* Makes lang ("en", "ja"; anything else: none) the language of the messages that follow
 * (a command with --lang calls it once its options are read). */
void cli_set_lang(const char *lang);
/* Prints a command's usage text to f: in Japanese (cli_lang) the catalog's
 * "cli.help.WORDS" when ja.json has it, WORDS being the command words that start usage's
 * first line after "usage: mamori ", joined by '.' ("cli.help.assess",
 * "cli.help.receipt.verify"); otherwise usage itself, the English. */
void cli_usage(FILE *f, const char *usage);
/* Prints "mamori: <message>" to stderr (message from printf format). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_error for the catalog's string key (content/i18n, "cli.err.*") in cli_lang(),
 * {0}..{2} filled with a0..a2 (a file:where: prefix stays as it is). */
void cli_error_tr(const char *key, const char *a0, const char *a1, const char *a2);
/* Prints "mamori: <mm_error_last()>" and returns the exit code for rc. */
int cli_fail(int rc);
/* mamori admin clearance (cmd_clearance.c): argv[0] is "clearance". */
int cli_admin_clearance(int argc, char **argv);

/* The content directory from --content or MAMORI_CONTENT; NULL for the embedded data. */
const char *cli_content_dir(const char *flag);

/* Commands that only read a database, or must find one (audit verify, admin export,
 * admin seed-demo, admin migrate --from), call this before opening it, so a mistyped path
 * never leaves an empty database behind. For SQLite (sqlite:PATH or a plain path): false
 * with "mamori: PATH: no such database (create one with ...)" when PATH does not exist.
 * PostgreSQL URLs are not checked here (connecting never creates a database). */
bool cli_db_exists(const char *db);

/* --format text|json of submit, verify, receipt verify, incident report and admin (docs/cli.md,
 * "Machine-readable output"): *json true for json; MM_EXIT_USAGE with a message naming cmd for
 * anything else, MM_EXIT_OK otherwise (NULL is text). */
int cli_format_option(bool *json, const char *cmd, const char *value);
/* Prints obj (stolen) on standard output as one line of JSON (non-ASCII escaped, so no
 * terminal control or bidirectional character gets through raw); MM_EXIT_OK, or
 * MM_EXIT_USAGE when obj is NULL (out of memory) or cannot be written. */
int cli_print_json(json_t *obj);

/* True when colour should be used on stream (a tty, NO_COLOR unset, TERM not dumb). */
bool cli_use_color(FILE *stream);

/* "Now" as Unix time: SOURCE_DATE_EPOCH when set (reproducible output), else the clock. */
long long cli_now(void);

/* For a command with subcommands ("admin init"): runs fn when argv[1] is sub, prints usage
 * for --help, and a message for anything else. */
int cli_subcommand(int argc, char **argv, const char *group, const char *sub,
                   int (*fn)(int argc, char **argv), const char *usage);

struct mm_key;
/* Signs a submission exactly as `mamori sign` does: loads the secret key file, hashes the
 * evidence files, reads the assessment and signs. *out gets the signed document (JSON text,
 * malloc'd) and *key_out the organization's key (mm_key_free); both are the caller's, and
 * NULL on failure. Errors: those of mm_key_load, mm_evidence_hash_file, mm_file_read and
 * mm_submission_sign; MM_EUSAGE for a public key file. */
int cli_sign_submission(char **out, struct mm_key **key_out, const char *assessment,
                        const char *keyfile, const char *official, const char *date,
                        const char *const *evidence, size_t nevidence);

int cmd_catalog(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_admin(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_submit(int argc, char **argv);
int cmd_affirm(int argc, char **argv);
int cmd_receipt(int argc, char **argv);
int cmd_incident(int argc, char **argv);
int cmd_product(int argc, char **argv);
int cmd_recognize(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_crosswalk(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_completion(int argc, char **argv);
int cmd_screen(int argc, char **argv);
/* mamori screen national (cmd_screen_national.c): the shareable aggregate from a server
 * (so: the --server, --cacert, --timeout, --token and -o options given). */
struct cli_server_opts;
int screen_national(const struct cli_server_opts *so, const char *format, const char *tlp);
/* mamori screen report | verify | designate (cmd_screen_report.c) */
int cmd_screen_report(int argc, char **argv);
int cmd_screen_verify(int argc, char **argv);
int cmd_screen_designate(int argc, char **argv);

extern const mm_command cli_admin_commands[];
extern const size_t cli_admin_ncommands;
extern const mm_command cli_receipt_commands[];
extern const size_t cli_receipt_ncommands;

#endif
