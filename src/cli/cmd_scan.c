/* mamori scan: automated evidence for SP 800-171's technical requirements. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "i18n/i18n.h"
#include "mamori/check.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori scan [--root DIR] [--rules DIR] [--odp PROFILE.json] [--format text|json|html]\n"
    "                   [-o OUT] [--jobs N] [--deep] [--fail-on-fail] [--lang en|ja]\n"
    "\n"
    "  --root DIR        scan the system under DIR (a mounted image, an unpacked container);\n"
    "                    default / (the running system, with its runtime state)\n"
    "  --rules DIR       rule files (*.json) to use instead of the built-in rules\n"
    "  --odp FILE        ODP profile for ODP-dependent values; default: DoD values (embedded)\n"
    "  --format F        text (default), json (the input of 'mamori assess --scan'), html\n"
    "  -o, --output OUT  write to OUT (atomically) instead of standard output\n"
    "  --jobs N          worker threads (default: 1)\n"
    "  --deep            also run whole-filesystem rules (world-writable, unowned, set-uid)\n"
    "  --fail-on-fail    exit 1 when any rule fails\n"
    "  --lang en|ja      the language of the text and html output's headings and labels;\n"
    "                    default from LC_ALL, LC_MESSAGES or LANG (rules stay English)\n"
    "\n"
    "Read-only: nothing is written under the root and nothing is executed.\n"
    "exit: 0 success, 1 failed rules (with --fail-on-fail), 2 usage or invalid input\n";

static void progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    int width = 30, full = total ? (int)(done * (size_t)width / total) : width;
    fprintf(stderr, "\r  scanning [%.*s%*s] %zu/%zu", full, "##############################",
            width - full, "", done, total);
    if (done == total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

int cmd_scan(int argc, char **argv)
{
    const char *root = "/", *rules = NULL, *odp = NULL, *format = "text", *out = NULL;
    const char *jobs_s = NULL, *content = NULL, *lang = NULL;
    bool deep = false, fail_on_fail = false;
    const cli_option opts[] = {
        {.name = "root", .takes_value = true, .value = &root},
        {.name = "rules", .takes_value = true, .value = &rules},
        {.name = "odp", .takes_value = true, .value = &odp},
        {.name = "format", .takes_value = true, .value = &format},
        {.name = "output", .takes_value = true, .value = &out, .short_name = 'o'},
        {.name = "jobs", .takes_value = true, .value = &jobs_s, .short_name = 'j'},
        {.name = "content", .takes_value = true, .value = &content},
        {.name = "deep", .flag = &deep},
        {.name = "fail-on-fail", .flag = &fail_on_fail},
        {.name = "lang", .takes_value = true, .value = &lang},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    cli_set_lang(lang); /* its messages, and --help, in the language asked (a known one) */
    if (a.help) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (a.npos) {
        cli_error_tr("cli.err.scan_args", a.pos[0], NULL, NULL);
        return MM_EXIT_USAGE;
    }
    int fmt = !strcmp(format, "text")   ? 0
              : !strcmp(format, "json") ? 1
              : !strcmp(format, "html") ? 2
                                        : -1;
    if (fmt < 0) {
        cli_error_tr("cli.err.scan_format", format, NULL, NULL);
        return MM_EXIT_USAGE;
    }
    if (lang && !mm_i18n_known(lang)) {
        cli_error_tr("cli.err.lang", lang, NULL, NULL);
        return MM_EXIT_USAGE;
    }
    lang = cli_lang();
    int jobs = 1;
    if (jobs_s) {
        char *end;
        long j = strtol(jobs_s, &end, 10);
        if (*end || j < 1 || j > 64) {
            cli_error_tr("cli.err.jobs", jobs_s, NULL, NULL);
            return MM_EXIT_USAGE;
        }
        jobs = (int)j;
    }
    mm_catalog *r3 = NULL, *r2 = NULL;
    mm_profile *prof = NULL;
    mm_ruleset *rs = NULL;
    mm_scan *scan = NULL;
    char *text = NULL;
    int code = MM_EXIT_USAGE;
    /* The built-in rules and profile were checked against the catalogs when they were built
     * (tests/check/test_rules.sh); a user's rules or profile are checked here, which costs
     * the catalogs' loading time (most of a default scan otherwise). */
    int rc = MM_OK;
    if (rules || odp || content) {
        rc = mm_catalog_load(&r3, MM_FW_R3, cli_content_dir(content));
        if (!rc)
            rc = mm_catalog_load(&r2, MM_FW_R2, cli_content_dir(content));
    }
    if (!rc)
        rc = mm_profile_load(&prof, r3, odp);
    if (!rc)
        rc = mm_rules_load(&rs, rules, r3, r2);
    if (rc) {
        code = cli_fail(rc);
        goto done;
    }
    mm_scan_options so = {
        .root = root,
        .profile = prof,
        .deep = deep,
        .jobs = jobs,
        .progress = isatty(STDERR_FILENO) && !getenv("MAMORI_NO_PROGRESS") ? progress : NULL,
        .now = cli_now(),
    };
    rc = mm_scan_run(&scan, rs, &so);
    if (!rc)
        rc = fmt == 1   ? mm_scan_to_json(&text, scan, MM_VERSION)
             : fmt == 2 ? mm_scan_to_html(&text, scan, lang)
                        : mm_scan_to_text(&text, scan, !out && cli_use_color(stdout), lang);
    if (rc) {
        code = cli_fail(rc);
        goto done;
    }
    rc = mm_file_write_atomic(out ? out : "-", text, strlen(text));
    if (rc) {
        code = cli_fail(rc);
        goto done;
    }
    code = fail_on_fail && scan->counts[MM_CHECK_FAIL] ? MM_EXIT_FINDINGS : MM_EXIT_OK;
done:
    free(text);
    mm_scan_free(scan);
    mm_ruleset_free(rs);
    mm_profile_free(prof);
    mm_catalog_free(r2);
    mm_catalog_free(r3);
    return code;
}
