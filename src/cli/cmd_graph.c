/* mamori graph: the supply chain on a database, offline, with the authority's view
 * (docs/supply-chain.md): suppliers at every tier with flow-down checks, who is affected if a
 * supplier fell, the national view. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "mamori/store.h"
#include "mamori/supply.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori graph suppliers ORG --db DB [--handles H] [--check C] [--format text|json]\n"
    "       mamori graph affected ORG --db DB [--format text|json]\n"
    "       mamori graph national --db DB [--sector S] [--country CC] [--clause ID]\n"
    "                             [--status S] [--tier N] [--limit N] [--format text|json]\n"
    "\n"
    "  The supply chain stored by `mamori serve`, read with the authority's view.\n"
    "  suppliers  ORG's suppliers at every tier, each edge with its flow-down check\n"
    "             (--handles cui --check not-met: every supplier handling CUI and not met)\n"
    "  affected   every organization up the chain if ORG fell\n"
    "  national   every active edge, filtered (tier: the edge's tier_hint)\n"
    "\n"
    "  --db DB        sqlite:PATH, a file path or postgresql://URL\n"
    "  --today DATE   the day the checks are made on (default: today, UTC)\n"
    "  --format F     text (default) or json\n";

typedef struct graph_opts {
    const char *db, *format, *handles, *check, *sector, *country, *clause, *status, *tier, *limit,
        *today;
    cli_args a;
} graph_opts;

static int parse(graph_opts *g, int argc, char **argv, size_t npos, const char *what)
{
    memset(g, 0, sizeof *g);
    const cli_option opts[] = {
        {.name = "db", .takes_value = true, .value = &g->db},
        {.name = "format", .takes_value = true, .value = &g->format},
        {.name = "handles", .takes_value = true, .value = &g->handles},
        {.name = "check", .takes_value = true, .value = &g->check},
        {.name = "sector", .takes_value = true, .value = &g->sector},
        {.name = "country", .takes_value = true, .value = &g->country},
        {.name = "clause", .takes_value = true, .value = &g->clause},
        {.name = "status", .takes_value = true, .value = &g->status},
        {.name = "tier", .takes_value = true, .value = &g->tier},
        {.name = "limit", .takes_value = true, .value = &g->limit},
        {.name = "today", .takes_value = true, .value = &g->today},
        {.name = NULL},
    };
    if (cli_parse_args(&g->a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    if (g->a.help) {
        cli_usage(stdout, usage_text);
        return -1;
    }
    if (g->a.npos != npos) {
        cli_error("graph %s takes %s", what, npos ? "one organization id" : "no arguments");
        return MM_EXIT_USAGE;
    }
    if (!g->db) {
        cli_error("graph %s: --db DB is required", what);
        return MM_EXIT_USAGE;
    }
    if (g->today && !mm_is_date(g->today)) {
        cli_error("graph %s: --today '%s' is not YYYY-MM-DD", what, g->today);
        return MM_EXIT_USAGE;
    }
    return cli_db_exists(g->db) ? MM_EXIT_OK : MM_EXIT_USAGE;
}

static bool one_of(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(v, *list) == 0)
            return true;
    return false;
}

/* --format text|json (or the export's formats) */
static bool check_format(const graph_opts *g, const char *const *allowed)
{
    if (g->format && !one_of(g->format, allowed)) {
        cli_error("graph: --format '%s' is not one of the formats of this command", g->format);
        return false;
    }
    return true;
}

static int print_json(json_t *v)
{
    char *t = json_dumps(v, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    if (!t)
        return cli_fail(MM_ENOMEM);
    puts(t);
    free(t);
    return MM_EXIT_OK;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "-";
}

/* ---- suppliers ----------------------------------------------------------------------------- */

static int graph_suppliers(int argc, char **argv)
{
    static const char *const fmts[] = {"text", "json", NULL};
    static const char *const handles[] = {"cui", "fci", "mod-protected", "none", NULL};
    static const char *const checks[] = {"ok",         "missing",  "expired", "not-met",
                                         "no-consent", "unstated", NULL};
    graph_opts g;
    int ex = parse(&g, argc, argv, 1, "suppliers");
    if (ex)
        return ex < 0 ? MM_EXIT_OK : ex;
    if (!check_format(&g, fmts))
        return MM_EXIT_USAGE;
    if (g.handles && !one_of(g.handles, handles)) {
        cli_error("graph suppliers: --handles '%s' is not one of cui, fci, mod-protected, none",
                  g.handles);
        return MM_EXIT_USAGE;
    }
    if (g.check && !one_of(g.check, checks)) {
        cli_error("graph suppliers: --check '%s' is not one of ok, missing, expired, not-met, "
                  "no-consent, unstated",
                  g.check);
        return MM_EXIT_USAGE;
    }
    char today[11], sprs[11], expired[11];
    if (g.today)
        snprintf(today, sizeof today, "%s", g.today);
    else
        mm_date_format(today, (long)(cli_now() / 86400) + mm_date_days("1970-01-01"));
    snprintf(sprs, sizeof sprs, "%04d%s", atoi(today) - 3, today + 4);
    if (strcmp(sprs + 4, "-02-29") == 0)
        memcpy(sprs + 4, "-02-28", 7);
    mm_date_format(expired, mm_date_days(today) - 180);
    mm_supply_dates d = {.today = today, .sprs_before = sprs, .cmmc_expired_before = expired};
    mm_clause_catalog *c = NULL;
    mm_store *s = NULL;
    json_t *v = NULL;
    int rc = mm_clause_catalog_load(&c, NULL);
    if (rc == MM_OK)
        rc = mm_store_open(&s, g.db);
    if (rc == MM_OK)
        rc = mm_supply_view(s, &v, g.a.pos[0], true, g.handles, g.check, c, &d);
    mm_store_free(s);
    mm_clause_catalog_free(c);
    if (rc)
        return cli_fail(rc);
    if (g.format && strcmp(g.format, "json") == 0) {
        ex = print_json(v);
        json_decref(v);
        return ex;
    }
    size_t i;
    json_t *e;
    printf("%-4s %-36s %-28s %-12s %-10s %s\n", "tier", "supplier", "name", "status", "check",
           "contract");
    json_array_foreach(json_object_get(v, "items"), i, e)
    {
        const json_t *latest = json_object_get(e, "latest");
        printf("%-4lld %-36s %-28.28s %-12s %-10s %s\n",
               (long long)json_integer_value(json_object_get(e, "tier")), str(e, "supplier_id"),
               str(e, "supplier_name"), json_is_object(latest) ? str(latest, "status") : "none",
               str(e, "check"), str(e, "contract"));
    }
    printf("%zu edges\n", json_array_size(json_object_get(v, "items")));
    json_decref(v);
    return MM_EXIT_OK;
}

/* ---- affected ------------------------------------------------------------------------------ */

static int graph_affected(int argc, char **argv)
{
    static const char *const fmts[] = {"text", "json", NULL};
    graph_opts g;
    int ex = parse(&g, argc, argv, 1, "affected");
    if (ex)
        return ex < 0 ? MM_EXIT_OK : ex;
    if (!check_format(&g, fmts))
        return MM_EXIT_USAGE;
    mm_store *s = NULL;
    json_t *v = NULL;
    int rc = mm_store_open(&s, g.db);
    if (rc == MM_OK)
        rc = mm_store_supply_affected(s, &v, g.a.pos[0]);
    mm_store_free(s);
    if (rc)
        return cli_fail(rc);
    if (g.format && strcmp(g.format, "json") == 0) {
        ex = print_json(v);
        json_decref(v);
        return ex;
    }
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(v, "items"), i, o)
    {
        printf("%-36s %-40.40s %-16s %s\n", str(o, "id"), str(o, "name"), str(o, "sector"),
               str(o, "country"));
    }
    printf("%lld organizations affected\n",
           (long long)json_integer_value(json_object_get(v, "total")));
    json_decref(v);
    return MM_EXIT_OK;
}

/* ---- national ------------------------------------------------------------------------------ */

static long long number(const char *v, const char *what, long long lo, long long hi)
{
    char *end = NULL;
    long long n = v ? strtoll(v, &end, 10) : 0;
    if (v && (!*v || *end || n < lo || n > hi)) {
        cli_error("graph national: --%s '%s' is not a number in %lld..%lld", what, v, lo, hi);
        return -1;
    }
    return n;
}

static int graph_national(int argc, char **argv)
{
    static const char *const fmts[] = {"text", "json", NULL};
    graph_opts g;
    int ex = parse(&g, argc, argv, 0, "national");
    if (ex)
        return ex < 0 ? MM_EXIT_OK : ex;
    if (!check_format(&g, fmts))
        return MM_EXIT_USAGE;
    long long tier = number(g.tier, "tier", 1, 64);
    long long limit = g.limit ? number(g.limit, "limit", 1, 1000) : 1000;
    if (tier < 0 || limit < 0)
        return MM_EXIT_USAGE;
    mm_supply_query q = {.sector = g.sector,
                         .country = g.country,
                         .clause = g.clause,
                         .status = g.status,
                         .tier = tier,
                         .offset = 0,
                         .limit = limit};
    mm_store *s = NULL;
    json_t *v = NULL;
    int rc = mm_store_open(&s, g.db);
    if (rc == MM_OK)
        rc = mm_store_supply_national(s, &v, &q);
    mm_store_free(s);
    if (rc)
        return cli_fail(rc);
    if (g.format && strcmp(g.format, "json") == 0) {
        ex = print_json(v);
        json_decref(v);
        return ex;
    }
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(v, "items"), i, e)
    {
        const json_t *latest = json_object_get(e, "latest");
        printf("%-28.28s -> %-28.28s %-4s %-14s %-12s %s\n", str(e, "supplier_name"),
               str(e, "customer_name"), str(e, "supplier_country"), str(e, "supplier_sector"),
               json_is_object(latest) ? str(latest, "status") : "none", str(e, "contract"));
    }
    printf("%lld edges (%zu shown)\n", (long long)json_integer_value(json_object_get(v, "total")),
           json_array_size(json_object_get(v, "items")));
    json_decref(v);
    return MM_EXIT_OK;
}

int cmd_graph(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } subs[] = {
        {"suppliers", graph_suppliers}, {"affected", graph_affected}, {"national", graph_national}};
    for (size_t i = 0; argc >= 2 && i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].fn(argc - 1, argv + 1);
    return cli_subcommand(argc, argv, "graph", "--no-such--", NULL, usage_text);
}
