/* mamori product: the IoT product registry on the server (docs/iot.md): list, add, show, and
 * label a product. Each subcommand is one API call; the server's answer (JSON) is written to
 * standard output or -o FILE. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api_client.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "mamori/iot.h"
#include "mamori/submit.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori product list --server URL [--all] [--org ORG] [common options]\n"
    "       mamori product add --server URL --name NAME --model MODEL [--firmware VERSION]\n"
    "                          [--org ORG] [common options]\n"
    "       mamori product show ID --server URL [--org ORG] [common options]\n"
    "       mamori product label ID --server URL --scheme SCHEME [--level N] --label-id X\n"
    "                          --issued YYYY-MM-DD [--expires YYYY-MM-DD]\n"
    "                          [--evidence FILE] [--evidence-ref REF] [--org ORG]\n"
    "                          [common options]\n"
    "\n"
    "  The manufacturer's IoT products and the security labels they hold, on the authority's\n"
    "  server. A manufacturer's users see its own products (its contractor-admin adds them\n"
    "  and their labels); the authority's users see every one (list --all).\n"
    "    --org ORG          the manufacturer (default: the token's own organization)\n"
    "    --scheme SCHEME    jc-star (with --level 1 to 4), uk-psti, etsi-en-303-645,\n"
    "                       us-cyber-trust-mark\n"
    "    --evidence FILE    the label's evidence file: its SHA-256 is recorded (the file is\n"
    "                       not sent); --evidence-ref defaults to the file's name\n"
    "  Common options:\n"
    "    -o, --output FILE  where to write the server's answer (default: standard output)\n"
    "    --cacert FILE      CA certificates to check the server's TLS certificate with\n"
    "    --timeout SECONDS  for each request (default 60)\n"
    "    --token TOKEN      the API token; better: set MAMORI_TOKEN\n"
    "  Exit 0 on success, 2 for usage, input, network and server errors.\n";

typedef struct opts {
    const char *server, *org, *out, *cacert, *timeout, *token;
    const char *name, *model, *firmware;
    const char *scheme, *level, *label_id, *issued, *expires, *evidence, *evidence_ref;
    bool all;
} opts;

static int finish(cli_api *a, cli_response *r, const char *out, int ex)
{
    if (ex == MM_EXIT_OK) {
        int rc = cli_write_answer(r, out);
        if (rc) {
            cli_error("%s: %s", a->cmd, mm_error_last()[0] ? mm_error_last() : mm_strerror(rc));
            ex = MM_EXIT_USAGE;
        }
    }
    mm_buf_free(&r->body);
    cli_api_close(a);
    return ex;
}

static int run(const char *sub, const cli_args *ca, const opts *o)
{
    char cmd[32], org[64], path[400];
    snprintf(cmd, sizeof cmd, "product %s", sub);
    bool with_id = strcmp(sub, "show") == 0 || strcmp(sub, "label") == 0;
    if (ca->npos != (with_id ? 1u : 0u)) {
        cli_error("%s: %s", cmd, with_id ? "one product ID is required" : "no arguments");
        return MM_EXIT_USAGE;
    }
    const char *id = with_id ? ca->pos[0] : NULL;
    if (with_id && !cli_api_id_ok(id)) {
        cli_error("%s: '%s' is not a product id", cmd, id);
        return MM_EXIT_USAGE;
    }
    json_t *body = NULL;
    if (strcmp(sub, "add") == 0) {
        if (!o->name || !o->model) {
            cli_error("%s: --name and --model are required", cmd);
            return MM_EXIT_USAGE;
        }
        body = json_pack("{s:s, s:s, s:s?}", "name", o->name, "model", o->model, "firmware",
                         o->firmware);
    } else if (strcmp(sub, "label") == 0) {
        if (!o->scheme || !o->label_id || !o->issued) {
            cli_error("%s: --scheme, --label-id and --issued are required", cmd);
            return MM_EXIT_USAGE;
        }
        /* the same checks as the server's, before anything is sent */
        if (mm_iot_label_check(o->scheme, o->level)) {
            const char *m = mm_error_last();
            cli_error("%s: --%s", cmd, strncmp(m, "$.", 2) == 0 ? m + 2 : m);
            return MM_EXIT_USAGE;
        }
        const char *dates[][2] = {{"issued", o->issued}, {"expires", o->expires}};
        for (size_t i = 0; i < 2; i++)
            if (dates[i][1] && !mm_is_date(dates[i][1])) {
                cli_error("%s: --%s: '%s' is not a date YYYY-MM-DD", cmd, dates[i][0], dates[i][1]);
                return MM_EXIT_USAGE;
            }
        char hash[65] = "";
        if (o->evidence) {
            int rc = mm_evidence_hash_file(hash, o->evidence);
            if (rc)
                return cli_fail(rc);
        }
        const char *ref = o->evidence_ref;
        if (!ref && o->evidence) {
            const char *slash = strrchr(o->evidence, '/');
            ref = slash ? slash + 1 : o->evidence;
        }
        body = json_pack("{s:s, s:s?, s:s, s:s, s:s?, s:s?, s:s?}", "scheme", o->scheme, "level",
                         o->level, "label_id", o->label_id, "issued", o->issued, "expires",
                         o->expires, "evidence_sha256", hash[0] ? hash : NULL, "evidence_ref", ref);
    }
    if ((strcmp(sub, "add") == 0 || strcmp(sub, "label") == 0) && !body) {
        cli_error("%s: an option is not valid UTF-8", cmd);
        return MM_EXIT_USAGE;
    }
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    cli_api a;
    cli_response r = CLI_RESPONSE_INIT;
    int ex = cli_api_open(&a, cmd, o->server, o->token, o->cacert, o->timeout);
    if (ex == MM_EXIT_OK && !(strcmp(sub, "list") == 0 && o->all))
        ex = cli_api_org(&a, org, o->org);
    if (ex == MM_EXIT_OK) {
        if (strcmp(sub, "list") == 0 && o->all)
            snprintf(path, sizeof path, "/api/v1/products?per_page=1000");
        else if (strcmp(sub, "list") == 0)
            snprintf(path, sizeof path, "/api/v1/organizations/%s/products?per_page=1000", org);
        else if (strcmp(sub, "add") == 0)
            snprintf(path, sizeof path, "/api/v1/organizations/%s/products", org);
        else if (strcmp(sub, "show") == 0)
            snprintf(path, sizeof path, "/api/v1/organizations/%s/products/%s", org, id);
        else
            snprintf(path, sizeof path, "/api/v1/organizations/%s/products/%s/labels", org, id);
        ex = cli_api_call(&a, path, text, text ? 201 : 200, &r);
    }
    free(text);
    return finish(&a, &r, o->out, ex);
}

int cmd_product(int argc, char **argv)
{
    static const char *const subs[] = {"list", "add", "show", "label"};
    const char *sub = argc >= 2 ? argv[1] : NULL;
    bool known = false;
    for (size_t i = 0; sub && i < sizeof subs / sizeof subs[0]; i++)
        known |= strcmp(sub, subs[i]) == 0;
    if (sub && (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (!known) {
        if (sub)
            cli_error("unknown product command '%s' (see 'mamori product --help')", sub);
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    opts o = {0};
    const cli_option table[] = {
        {.name = "server", .takes_value = true, .value = &o.server},
        {.name = "org", .takes_value = true, .value = &o.org},
        {.name = "output", .takes_value = true, .value = &o.out, .short_name = 'o'},
        {.name = "cacert", .takes_value = true, .value = &o.cacert},
        {.name = "timeout", .takes_value = true, .value = &o.timeout},
        {.name = "token", .takes_value = true, .value = &o.token},
        {.name = "all", .flag = &o.all},
        {.name = "name", .takes_value = true, .value = &o.name},
        {.name = "model", .takes_value = true, .value = &o.model},
        {.name = "firmware", .takes_value = true, .value = &o.firmware},
        {.name = "scheme", .takes_value = true, .value = &o.scheme},
        {.name = "level", .takes_value = true, .value = &o.level},
        {.name = "label-id", .takes_value = true, .value = &o.label_id},
        {.name = "issued", .takes_value = true, .value = &o.issued},
        {.name = "expires", .takes_value = true, .value = &o.expires},
        {.name = "evidence", .takes_value = true, .value = &o.evidence},
        {.name = "evidence-ref", .takes_value = true, .value = &o.evidence_ref},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc - 1, argv + 1, table) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    return run(sub, &a, &o);
}
