/* mamori screen: critical infrastructure (docs/screening.md). Checks an installation plan
 * file offline against the ESPA sector list; lists the sectors with the data's own
 * verification marks; reports an existing database's free-text sectors against the list and,
 * with --apply, records the exact matches. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api_client.h"
#include "cli/args.h"
#include "cli/http.h"
#include "cli/cli.h"
#include "cli/server_opts.h"
#include "mamori/screen.h"
#include "mamori/store.h"
#include "util/json.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori screen PLAN.json [--content DIR]\n"
    "       mamori screen PLAN.json --server URL [-o FILE] [--cacert FILE] [--timeout S]\n"
    "                               [--token TOKEN] [--content DIR]\n"
    "       mamori screen sectors [--equipment KEY] [--content DIR]\n"
    "       mamori screen sectors --db URL [--apply] [--content DIR]\n"
    "       mamori screen national --server URL [--format json|stix] [--tlp LABEL]\n"
    "                              [-o FILE] [--cacert FILE] [--timeout S] [--token TOKEN]\n"
    "       mamori screen report PLAN-ID --server URL ... (mamori screen report --help)\n"
    "       mamori screen verify REPORT --server-key SERVER-KEY.json\n"
    "       mamori screen designate ORG --sector KEY [--designated DATE --ministry M]\n"
    "                               --server URL\n"
    "\n"
    "  Critical infrastructure under Japan's Economic Security Promotion Act (Chapter III).\n"
    "  PLAN.json: checks an installation plan (導入等計画書) against the sector list and\n"
    "  prints it as checked; errors name the JSON path (mamori: PLAN.json: $.path: ...).\n"
    "  With --server URL the plan, once checked, is filed for its operator (the token's\n"
    "  organization's contractor-admin, or an authority-admin) and the server's answer, the\n"
    "  plan with its state and examination deadline, is written to standard output or -o FILE.\n"
    "  The token: --token, better MAMORI_TOKEN.\n"
    "  sectors: the sector list as one JSON object per line, with the data's 'verified' marks;\n"
    "    --equipment KEY  the sector's specified critical equipment as the data gives it\n"
    "    --db URL         report every free-text sector the database holds: the list key it\n"
    "                     matches exactly, or unknown (nothing is dropped or guessed)\n"
    "    --apply          with --db: record the exact matches as the organizations' sectors\n"
    "  national: the national picture's shareable aggregate (the authority's token): counts\n"
    "    per sector only, under 5 as \"<5\", no organization or plan named\n"
    "    --format json|stix  JSON (default), or a STIX 2.1 bundle with one report\n"
    "    --tlp LABEL      with stix, required: clear, green, amber, amber-strict or red\n"
    "  Exit 0 on success, 1 when --db finds sector text that matches no sector, 2 for usage\n"
    "  and input errors.\n";

/* POSTs the checked plan to its operator's plans on the server. */
static int file_plan(const json_t *plan, const cli_server_opts *o)
{
    const char *op = json_string_value(json_object_get(plan, "operator"));
    if (!cli_api_id_ok(op)) {
        cli_error("screen: $.operator: '%s' is not an organization id", op);
        return MM_EXIT_USAGE;
    }
    char *text = json_dumps(plan, JSON_COMPACT);
    if (!text)
        return cli_fail(MM_ENOMEM);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/organizations/%s/plans", op);
    cli_api a;
    cli_response r = CLI_RESPONSE_INIT;
    int ex = cli_api_open(&a, "screen", o->server, o->token, o->cacert, o->timeout);
    if (ex == MM_EXIT_OK)
        ex = cli_api_call(&a, path, text, 201, &r);
    free(text);
    if (ex == MM_EXIT_OK && cli_write_answer(&r, o->output)) {
        cli_error("screen: %s", mm_error_last());
        ex = MM_EXIT_USAGE;
    }
    mm_buf_free(&r.body);
    cli_api_close(&a);
    return ex;
}

static int check_plan(const char *path, const json_t *sectors, const cli_server_opts *o)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mm_file_read(&text, &len, path, MM_PLAN_MAX_BYTES);
    if (rc)
        return cli_fail(rc);
    json_t *plan = NULL;
    rc = mm_json_load(&plan, text, len, path, 0);
    free(text);
    if (rc == MM_OK)
        rc = mm_plan_check(plan, sectors, path);
    if (rc) {
        json_decref(plan);
        return cli_fail(rc);
    }
    if (!o->server)
        return cli_print_json(plan);
    int ex = file_plan(plan, o);
    json_decref(plan);
    return ex;
}

static int list_sectors(const json_t *sectors, const char *equipment)
{
    if (equipment) {
        const json_t *s = mm_sector_find(sectors, equipment);
        if (!s) {
            cli_error("screen sectors: --equipment: '%s' is not a sector of the list", equipment);
            return MM_EXIT_USAGE;
        }
        json_t *eq = mm_sector_equipment(s);
        size_t i;
        json_t *e;
        int ex = eq ? MM_EXIT_OK : MM_EXIT_USAGE;
        json_array_foreach(eq, i, e) if (ex == MM_EXIT_OK) ex = cli_print_json(json_incref(e));
        if (eq && json_array_size(eq) == 0)
            fprintf(stderr, "mamori: screen sectors: the data gives no equipment for '%s' (%s)\n",
                    equipment, json_string_value(json_object_get(s, "equipment_status")));
        json_decref(eq);
        return ex;
    }
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(sectors, "sectors"), i, s)
    {
        int ex = cli_print_json(mm_sector_summary(s));
        if (ex)
            return ex;
    }
    return MM_EXIT_OK;
}

static int report_db(const char *db, bool apply, const json_t *sectors)
{
    if (!cli_db_exists(db))
        return MM_EXIT_USAGE;
    mm_store *s = NULL;
    int rc = mm_store_open(&s, db);
    json_t *texts = NULL;
    if (rc == MM_OK)
        rc = mm_store_sector_texts(s, &texts);
    char now[21];
    mm_time_rfc3339(now, cli_now());
    size_t i, unknown = 0, matched = 0, recorded = 0;
    json_t *t;
    json_array_foreach(texts, i, t)
    {
        if (rc)
            break;
        const char *value = json_string_value(json_object_get(t, "value"));
        const char *org = json_string_value(json_object_get(t, "org_id"));
        const char *key = mm_sector_match(sectors, value);
        const json_t *cur = json_object_get(t, "sector");
        json_object_set_new(t, "match", key ? json_string(key) : json_null());
        if (!key) {
            unknown++;
        } else {
            matched++;
            if (apply && json_is_null(cur)) {
                rc = mm_store_org_sector_set(s, org, key, NULL, NULL, "mamori screen sectors", now);
                recorded += rc == MM_OK;
                json_object_set_new(t, "sector", json_string(key));
            }
        }
        if (rc == MM_OK)
            rc = cli_print_json(json_incref(t)) ? MM_ENOMEM : MM_OK;
    }
    json_decref(texts);
    mm_store_free(s);
    if (rc)
        return cli_fail(rc);
    fprintf(stderr,
            "mamori: screen sectors: %zu sector text(s): %zu match the list exactly, %zu unknown"
            "%s; %zu recorded\n",
            matched + unknown, matched, unknown,
            unknown ? " (kept as they are; set each organization's sector by hand)" : "", recorded);
    return unknown ? MM_EXIT_FINDINGS : MM_EXIT_OK;
}

int cmd_screen(int argc, char **argv)
{
    /* report, verify, designate: cmd_screen_report.c */
    static const struct {
        const char *word;
        int (*run)(int, char **);
    } words[] = {{"report", cmd_screen_report},
                 {"verify", cmd_screen_verify},
                 {"designate", cmd_screen_designate}};
    for (size_t i = 0; argc >= 2 && i < sizeof words / sizeof words[0]; i++)
        if (strcmp(argv[1], words[i].word) == 0)
            return words[i].run(argc - 1, argv + 1);
    const char *content = NULL, *equipment = NULL, *db = NULL, *format = NULL, *tlp = NULL;
    bool apply = false;
    cli_server_opts so = {0};
    const cli_option opts[] = {
        CLI_CONNECT_OUTPUT_OPTIONS(&so),
        {.name = "content", .takes_value = true, .value = &content},
        {.name = "equipment", .takes_value = true, .value = &equipment},
        {.name = "db", .takes_value = true, .value = &db},
        {.name = "apply", .flag = &apply},
        {.name = "format", .takes_value = true, .value = &format},
        {.name = "tlp", .takes_value = true, .value = &tlp},
        {0},
    };
    cli_args a;
    int ex = cli_parse_or_usage(&a, argc, argv, opts, usage_text);
    if (ex >= 0)
        return ex;
    if (a.npos == 1 && strcmp(a.pos[0], "national") == 0 && !content && !equipment && !db && !apply)
        return screen_national(&so, format, tlp);
    if (format || tlp) {
        cli_error("screen: --format and --tlp are for 'mamori screen national'");
        return MM_EXIT_USAGE;
    }
    bool sectors_cmd = a.npos == 1 && strcmp(a.pos[0], "sectors") == 0;
    if (a.npos != 1 || (!sectors_cmd && (equipment || db || apply)) ||
        (sectors_cmd && (so.server || so.output)) || (apply && !db) || (equipment && db)) {
        cli_error("screen: expected one PLAN.json, or sectors [--equipment KEY | --db URL "
                  "[--apply]] (mamori screen --help)");
        return MM_EXIT_USAGE;
    }
    json_t *sectors = NULL;
    int rc = mm_sectors_load(&sectors, cli_content_dir(content));
    if (rc)
        return cli_fail(rc);
    ex = !sectors_cmd ? check_plan(a.pos[0], sectors, &so)
         : db         ? report_db(db, apply, sectors)
                      : list_sectors(sectors, equipment);
    json_decref(sectors);
    return ex;
}
