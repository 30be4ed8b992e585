/* mamori screen report | verify | designate (docs/screening.md "The screening report",
 * docs/cli.md): fetch a plan's signed screening report from the server, check a saved one
 * offline against the server's receipt key, and record an operator's sector and designation. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api_client.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/http.h"
#include "cli/receipt.h"
#include "cli/server_opts.h"
#include "mamori/screen_report.h"
#include "mamori/submit.h"
#include "util/json.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori screen report PLAN-ID --server URL [--org ORG] [--frameworks IDS]\n"
    "                            [--months N] [--format json|html] [-o FILE]\n"
    "                            [--cacert FILE] [--timeout S] [--token TOKEN]\n"
    "       mamori screen verify REPORT --server-key SERVER-KEY.json\n"
    "       mamori screen designate ORG --sector KEY [--designated DATE --ministry M]\n"
    "                               --server URL [--cacert FILE] [--timeout S] [--token T]\n"
    "\n"
    "  report: the plan's signed screening report (docs/screening.md), checked against the\n"
    "    server's receipt key before it is written (JSON, or --format html). The authority's\n"
    "    token reads every plan; an operator's, with --org (default: its own organization),\n"
    "    its own plans. --frameworks: framework ids, comma-separated; --months: the incident\n"
    "    window (default 12).\n"
    "  verify: checks a saved report (JSON or HTML) offline. Exit 0 valid, 1 not valid\n"
    "    (altered, another key), 2 not a report.\n"
    "  designate: the authority records an organization's sector and, for a designated\n"
    "    operator, the date of designation and the ministry (both or neither).\n";

static int verify_doc(const char *name, const char *doc, size_t len,
                      const unsigned char pub[MM_KEY_PUBLIC_BYTES], const char *key_id, bool quiet)
{
    bool valid = false;
    json_t *rep = NULL;
    mm_error_clear();
    int rc = mm_screen_report_verify(&valid, &rep, doc, len, pub);
    char why[CLI_MESSAGE_MAX + 4];
    cli_clean_text(why, mm_error_last());
    if (rc) {
        cli_error("%s: %s", name, why);
        return MM_EXIT_USAGE;
    }
    if (!valid) {
        printf("screening report INVALID: %s\n",
               strncmp(why, "screening report: ", 18) == 0 ? why + 18 : why);
        return MM_EXIT_FINDINGS;
    }
    const json_t *s = json_object_get(rep, "summary");
    if (!quiet)
        printf("screening report valid (server key %s): plan %s, generated %s, findings %lld "
               "high, %lld medium, %lld low, %lld info\n",
               key_id, json_string_value(json_object_get(json_object_get(rep, "plan"), "id")),
               json_string_value(json_object_get(rep, "generated")),
               (long long)json_integer_value(json_object_get(s, "high")),
               (long long)json_integer_value(json_object_get(s, "medium")),
               (long long)json_integer_value(json_object_get(s, "low")),
               (long long)json_integer_value(json_object_get(s, "info")));
    json_decref(rep);
    return MM_EXIT_OK;
}

int cmd_screen_verify(int argc, char **argv)
{
    const char *server_key = NULL;
    const cli_option opts[] = {
        {.name = "server-key", .takes_value = true, .value = &server_key},
        {.name = NULL},
    };
    cli_args a;
    int ex = cli_parse_or_usage(&a, argc, argv, opts, usage_text);
    if (ex >= 0)
        return ex;
    if (a.npos != 1 || !server_key) {
        cli_error("screen verify: REPORT and --server-key FILE are required");
        return MM_EXIT_USAGE;
    }
    unsigned char pub[MM_KEY_PUBLIC_BYTES];
    char key_id[17];
    ex = cli_server_key(pub, key_id, NULL, NULL, server_key);
    if (ex != MM_EXIT_OK)
        return ex;
    char *text = NULL;
    size_t len = 0;
    int rc = mm_file_read(&text, &len, a.pos[0], MM_SCREEN_REPORT_MAX_BYTES);
    if (rc)
        return cli_fail(rc);
    ex = verify_doc(a.pos[0], text, len, pub, key_id, false);
    free(text);
    return ex;
}

/* Percent-encodes s (ids and framework ids: letters, digits, '-', '.', '_', ',' kept). */
static void put_query(mm_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == ',')
            mm_buf_putc(b, (char)c);
        else
            mm_buf_printf(b, "%%%02X", c);
    }
}

int cmd_screen_report(int argc, char **argv)
{
    const char *org = NULL, *frameworks = NULL, *months = NULL, *format = NULL;
    cli_server_opts so = {0};
    const cli_option opts[] = {
        CLI_CONNECT_OUTPUT_OPTIONS(&so),
        {.name = "org", .takes_value = true, .value = &org},
        {.name = "frameworks", .takes_value = true, .value = &frameworks},
        {.name = "months", .takes_value = true, .value = &months},
        {.name = "format", .takes_value = true, .value = &format},
        {.name = NULL},
    };
    cli_args a;
    int ex = cli_parse_or_usage(&a, argc, argv, opts, usage_text);
    if (ex >= 0)
        return ex;
    if (a.npos != 1 || !cli_api_id_ok(a.pos[0])) {
        cli_error("screen report: one PLAN-ID is required (mamori screen --help)");
        return MM_EXIT_USAGE;
    }
    if (format && strcmp(format, "json") != 0 && strcmp(format, "html") != 0) {
        cli_error("screen report: --format: expected json or html, not '%s'", format);
        return MM_EXIT_USAGE;
    }
    cli_api c;
    cli_response r = CLI_RESPONSE_INIT, kr = CLI_RESPONSE_INIT;
    ex = cli_api_open(&c, "screen report", so.server, so.token, so.cacert, so.timeout);
    char who[64] = "";
    json_t *me = NULL;
    bool authority = false;
    if (ex == MM_EXIT_OK && !org) {
        ex = cli_api_call(&c, "/api/v1/session", NULL, 200, &kr);
        if (ex == MM_EXIT_OK &&
            mm_json_load(&me, mm_buf_cstr(&kr.body), kr.body.len, "session", 0) == MM_OK)
            authority = mm_streq(
                json_string_value(json_object_get(json_object_get(me, "user"), "org_kind")),
                "authority");
        mm_buf_free(&kr.body);
        kr = (cli_response)CLI_RESPONSE_INIT;
    }
    if (ex == MM_EXIT_OK && !authority)
        ex = cli_api_org(&c, who, org);
    mm_buf path = MM_BUF_INIT;
    if (who[0]) {
        mm_buf_puts(&path, "/api/v1/organizations/");
        put_query(&path, who);
        mm_buf_puts(&path, "/plans/");
    } else {
        mm_buf_puts(&path, "/api/v1/plans/");
    }
    put_query(&path, a.pos[0]);
    mm_buf_printf(&path, "/report?format=%s", format ? format : "json");
    if (frameworks) {
        mm_buf_puts(&path, "&frameworks=");
        put_query(&path, frameworks);
    }
    if (months) {
        mm_buf_puts(&path, "&months=");
        put_query(&path, months);
    }
    if (ex == MM_EXIT_OK)
        ex =
            path.failed ? cli_fail(MM_ENOMEM) : cli_api_call(&c, mm_buf_cstr(&path), NULL, 200, &r);
    /* check the signature before writing anything */
    unsigned char pub[MM_KEY_PUBLIC_BYTES];
    char key_id[17];
    if (ex == MM_EXIT_OK)
        ex = cli_server_key(pub, key_id, &c.h, c.base, NULL);
    if (ex == MM_EXIT_OK) {
        ex = verify_doc("the server's report", mm_buf_cstr(&r.body), r.body.len, pub, key_id, true);
        if (ex != MM_EXIT_OK) {
            cli_error("screen report: the server's report does not verify: nothing written");
            ex = MM_EXIT_USAGE;
        }
    }
    if (ex == MM_EXIT_OK && cli_write_answer(&r, so.output)) {
        cli_error("screen report: %s", mm_error_last());
        ex = MM_EXIT_USAGE;
    }
    json_decref(me);
    mm_buf_free(&path);
    mm_buf_free(&r.body);
    cli_api_close(&c);
    return ex;
}

int cmd_screen_designate(int argc, char **argv)
{
    const char *sector = NULL, *designated = NULL, *ministry = NULL;
    cli_server_opts so = {0};
    const cli_option opts[] = {
        CLI_CONNECT_OPTIONS(&so),
        {.name = "sector", .takes_value = true, .value = &sector},
        {.name = "designated", .takes_value = true, .value = &designated},
        {.name = "ministry", .takes_value = true, .value = &ministry},
        {.name = NULL},
    };
    cli_args a;
    int ex = cli_parse_or_usage(&a, argc, argv, opts, usage_text);
    if (ex >= 0)
        return ex;
    if (a.npos != 1 || !cli_api_id_ok(a.pos[0]) || !sector) {
        cli_error("screen designate: ORG and --sector KEY are required (mamori screen --help)");
        return MM_EXIT_USAGE;
    }
    if ((designated != NULL) != (ministry != NULL)) {
        cli_error("screen designate: a designation needs both --designated DATE and --ministry");
        return MM_EXIT_USAGE;
    }
    if (designated && !mm_is_date(designated)) {
        cli_error("screen designate: --designated: '%s' is not a date YYYY-MM-DD", designated);
        return MM_EXIT_USAGE;
    }
    json_t *body = json_pack("{s:s, s:s?, s:s?}", "sector", sector, "designated", designated,
                             "ministry", ministry);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        return cli_fail(MM_ENOMEM);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/organizations/%s/sector", a.pos[0]);
    cli_api c;
    cli_response r = CLI_RESPONSE_INIT;
    ex = cli_api_open(&c, "screen designate", so.server, so.token, so.cacert, so.timeout);
    c.h.method = "PUT";
    if (ex == MM_EXIT_OK)
        ex = cli_api_call(&c, path, text, 200, &r);
    free(text);
    if (ex == MM_EXIT_OK && cli_write_answer(&r, NULL)) {
        cli_error("screen designate: %s", mm_error_last());
        ex = MM_EXIT_USAGE;
    }
    mm_buf_free(&r.body);
    cli_api_close(&c);
    return ex;
}
