/* mamori assess FILE | mamori assess init: evaluate an assessment or write a template. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/args.h"
#include "cli/assess_as.h"
#include "cli/cli.h"
#include "i18n/i18n.h"
#include "mamori/report.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori assess FILE [--scan RESULTS.json]... [--odp PROFILE.json] [--format FORMAT]\n"
    "                          [-o OUT | --oscal-dir DIR] [--fail-on-gaps] [--no-bom]\n"
    "                          [--lang en|ja]\n"
    "       mamori assess FILE --as FRAMEWORK [--frameworks DIR] [--format text|json]\n"
    "       mamori assess init --framework 800-171r3|800-171r2 [--odp PROFILE.json] [-o OUT]\n"
    "\n"
    "  FILE              an assessment (docs/assessment-format.md); '-' reads stdin\n"
    "  --format FORMAT   text (default), json, html, oscal-ssp, oscal-ap, oscal-ar, oscal-poam,\n"
    "                    csv-poam, sprs, sprs-csv (the SPRS record of a Rev 2 self-assessment)\n"
    "  -o, --output OUT  write to OUT (atomically) instead of standard output ('-')\n"
    "  --oscal-dir DIR   write the OSCAL SSP, assessment plan, results and POA&M (and, for\n"
    "                    Rev 2, the catalog and profile the SSP imports) into DIR, where every\n"
    "                    href between them resolves (docs/oscal.md)\n"
    "  --no-bom          csv-poam: no UTF-8 byte order mark (by default it has one, so\n"
    "                    Excel on Japanese Windows does not read it as Shift_JIS)\n"
    "  --odp FILE        ODP profile (Rev 3); default: DoD values of 2025-04-10 (embedded)\n"
    "  --framework F     expect this framework (init: the template's framework)\n"
    "  --as FRAMEWORK    the result projected onto another framework through a published\n"
    "                    crosswalk (equivalent/superset relations only), with what must\n"
    "                    still be answered; --format text or json (docs/frameworks.md)\n"
    "  --frameworks DIR  also load the framework packs and crosswalks of DIR\n"
    "  --scan RESULTS    host scan results (mamori scan --format json); repeat for several\n"
    "                    hosts: objectives the rules cover are decided by the scans\n"
    "  --fail-on-gaps    exit 1 when any requirement is not met\n"
    "  --lang en|ja      the language of the text and html reports; default from LC_ALL,\n"
    "                    LC_MESSAGES or LANG (ja_JP.UTF-8: Japanese), else English\n"
    "  --content DIR     read catalogs from DIR/catalogs instead of the embedded copies\n"
    "\n"
    "exit: 0 success, 1 gaps (with --fail-on-gaps), 2 usage or invalid input\n";

static int write_output(const char *out, const char *data, size_t len)
{
    int rc = mm_file_write_atomic(out ? out : "-", data, len);
    return rc ? cli_fail(rc) : MM_EXIT_OK;
}

static int init(const char *fw_name, const char *odp, const char *content, const char *out)
{
    if (!fw_name) {
        cli_error_tr("cli.err.init_framework", NULL, NULL, NULL);
        return MM_EXIT_USAGE;
    }
    mm_framework fw;
    if (mm_framework_parse(&fw, fw_name))
        return cli_fail(MM_EINVALID);
    if (odp && fw != MM_FW_R3) {
        cli_error_tr("cli.err.odp_r2", NULL, NULL, NULL);
        return MM_EXIT_USAGE;
    }
    mm_catalog *cat = NULL;
    mm_profile *prof = NULL;
    char *s = NULL;
    int code;
    int rc = mm_catalog_load(&cat, fw, cli_content_dir(content));
    if (!rc && fw == MM_FW_R3)
        rc = mm_profile_load(&prof, cat, odp);
    if (!rc)
        rc = mm_assessment_template(&s, cat, prof);
    if (rc) {
        code = cli_fail(rc);
    } else {
        size_t n = strlen(s);
        s[n] = '\0';
        char *withnl = realloc(s, n + 2);
        if (withnl) {
            s = withnl;
            s[n++] = '\n';
            s[n] = '\0';
        }
        code = write_output(out, s, n);
    }
    free(s);
    mm_profile_free(prof);
    mm_catalog_free(cat);
    return code;
}

/* --oscal-dir: every OSCAL document into dir under the names their hrefs use. */
static int write_oscal_dir(const char *dir, const mm_result *res, const mm_report_options *ro)
{
    static const struct {
        mm_report_format fmt;
        const char *file;
    } docs[] = {{MM_REPORT_OSCAL_SSP, MM_OSCAL_SSP_FILE},
                {MM_REPORT_OSCAL_AP, MM_OSCAL_AP_FILE},
                {MM_REPORT_OSCAL_AR, MM_OSCAL_AR_FILE},
                {MM_REPORT_OSCAL_POAM, MM_OSCAL_POAM_FILE}};
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        cli_error_tr("cli.err.mkdir", dir, strerror(errno), NULL);
        return MM_EXIT_USAGE;
    }
    const mm_catalog *cat = res->assessment->catalog;
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]) + 2; i++) {
        char *s = NULL;
        size_t n = 0;
        const char *file;
        int rc;
        if (i < sizeof(docs) / sizeof(docs[0])) {
            file = docs[i].file;
            rc = mm_report_render(&s, &n, res, docs[i].fmt, ro);
        } else if (cat->framework != MM_FW_R2) {
            break; /* Rev 3: the SSP imports NIST's own catalog */
        } else if (i == sizeof(docs) / sizeof(docs[0])) {
            file = MM_OSCAL_R2_CATALOG_FILE;
            rc = mm_report_oscal_catalog(&s, &n, cat, ro);
        } else {
            file = MM_OSCAL_R2_PROFILE_FILE;
            rc = mm_report_oscal_profile(&s, &n, cat, ro);
        }
        char path[4096];
        if (!rc && (size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path)) {
            mm_error_set("%s: path too long", dir);
            rc = MM_EUSAGE;
        }
        if (!rc)
            rc = mm_file_write_atomic(path, s, n);
        free(s);
        if (rc)
            return cli_fail(rc);
    }
    return MM_EXIT_OK;
}

int cmd_assess(int argc, char **argv)
{
    const char *fw_name = NULL, *format = NULL, *odp = NULL, *content = NULL, *out = NULL,
               *oscal_dir = NULL, *as_fw = NULL, *frameworks = NULL, *lang = NULL;
    bool fail_on_gaps = false, no_bom = false;
    const char *scans[CLI_MAX_MULTI];
    size_t nscans = 0;
    const cli_option opts[] = {
        {.name = "scan", .takes_value = true, .multi = true, .list = scans, .count = &nscans},
        {.name = "framework", .takes_value = true, .value = &fw_name},
        {.name = "format", .takes_value = true, .value = &format},
        {.name = "odp", .takes_value = true, .value = &odp},
        {.name = "content", .takes_value = true, .value = &content},
        {.name = "output", .takes_value = true, .value = &out, .short_name = 'o'},
        {.name = "fail-on-gaps", .flag = &fail_on_gaps},
        {.name = "no-bom", .flag = &no_bom},
        {.name = "oscal-dir", .takes_value = true, .value = &oscal_dir},
        {.name = "as", .takes_value = true, .value = &as_fw},
        {.name = "frameworks", .takes_value = true, .value = &frameworks},
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
    if (a.npos == 1 && strcmp(a.pos[0], "init") == 0)
        return init(fw_name, odp, content, out);
    if (a.npos != 1) {
        cli_error_tr(a.npos ? "cli.err.assess_one" : "cli.err.assess_none", NULL, NULL, NULL);
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    if (oscal_dir && (format || out)) {
        cli_error_tr("cli.err.oscal_dir", NULL, NULL, NULL);
        return MM_EXIT_USAGE;
    }
    if (as_fw && oscal_dir) {
        cli_error_tr("cli.err.as_oscal", NULL, NULL, NULL);
        return MM_EXIT_USAGE;
    }
    if (lang && !mm_i18n_known(lang)) {
        cli_error_tr("cli.err.lang", lang, NULL, NULL);
        return MM_EXIT_USAGE;
    }
    mm_report_format fmt;
    if (!as_fw && mm_report_format_parse(&fmt, format ? format : "text"))
        return cli_fail(MM_EUSAGE);

    const char *path = a.pos[0];
    char *data = NULL, *report = NULL;
    size_t len = 0, rlen = 0;
    mm_catalog *cat = NULL;
    mm_profile *prof = NULL;
    mm_assessment *as = NULL;
    mm_result *res = NULL;
    int code = MM_EXIT_USAGE;
    mm_framework fw;
    int rc = mm_file_read(&data, &len, path, MM_ASSESSMENT_MAX_BYTES);
    if (!rc)
        rc = mm_assessment_framework(&fw, data, len, path);
    if (rc) {
        code = cli_fail(rc);
        goto done;
    }
    if (fw_name) {
        mm_framework want;
        if (mm_framework_parse(&want, fw_name)) {
            code = cli_fail(MM_EINVALID);
            goto done;
        }
        if (want != fw) {
            cli_error_tr("cli.err.framework_mismatch", path, mm_framework_name(fw),
                         mm_framework_name(want));
            goto done;
        }
    }
    if (odp && fw != MM_FW_R3) {
        cli_error_tr("cli.err.odp_r2", NULL, NULL, NULL);
        goto done;
    }
    rc = mm_catalog_load(&cat, fw, cli_content_dir(content));
    if (!rc && fw == MM_FW_R3)
        rc = mm_profile_load(&prof, cat, odp);
    if (!rc)
        rc = mm_assessment_parse(&as, cat, data, len, path);
    for (size_t i = 0; !rc && i < nscans; i++) {
        char *sd = NULL;
        size_t sl;
        rc = mm_file_read(&sd, &sl, scans[i], 64u * 1024 * 1024);
        if (!rc)
            rc = mm_assessment_apply_scan(as, sd, sl, scans[i]);
        free(sd);
    }
    if (!rc && nscans)
        rc = mm_assessment_finish_scans(as);
    if (!rc)
        rc = mm_assessment_evaluate_at(&res, as, prof, cli_now());
    if (!rc && as_fw) {
        code = cli_assess_as(res, as_fw, frameworks, format, out);
        goto done;
    }
    mm_report_options ro = {
        .color = fmt == MM_REPORT_TEXT && !out && cli_use_color(stdout),
        .now = cli_now(),
        .tool_version = MM_VERSION,
        .no_bom = no_bom,
        .lang = cli_lang(),
    };
    if (!rc && !oscal_dir)
        rc = mm_report_render(&report, &rlen, res, fmt, &ro);
    if (rc) {
        code = cli_fail(rc);
        goto done;
    }
    code = oscal_dir ? write_oscal_dir(oscal_dir, res, &ro) : write_output(out, report, rlen);
    if (code == MM_EXIT_OK && fail_on_gaps && res->ngaps)
        code = MM_EXIT_FINDINGS;
done:
    free(report);
    mm_result_free(res);
    mm_assessment_free(as);
    mm_profile_free(prof);
    mm_catalog_free(cat);
    free(data);
    return code;
}
