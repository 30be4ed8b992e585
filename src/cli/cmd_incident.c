/* mamori incident report: validate a cyber incident report, show its deadline and
 * preservation date, and (with --server) send it to the authority. */
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/http.h"
#include "mamori/incident.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori incident report FILE [--hours N] [--due-soon-hours N] [--content DIR]\n"
    "                              [--server URL [--token TOKEN] [--cacert FILE]\n"
    "                               [--timeout SECONDS]]\n"
    "\n"
    "  Validates an incident report (docs/incidents.md) and prints when it is due (N hours\n"
    "  after discovery, default 72: DFARS 252.204-7012) and until when images and packet\n"
    "  captures must be kept (90 days after the report), with the deadline state if it\n"
    "  were sent now. With --server it sends the report to URL/api/v1/incidents and prints\n"
    "  the report number the authority assigned and the deadline state. Exit 0 when valid\n"
    "  (and accepted), 1 when the server refused it, 2 for an invalid file, usage, network\n"
    "  and server errors.\n"
    "\n"
    "  --hours N           the deadline in hours after discovery (offline; the server uses\n"
    "                      its own, `mamori serve --incident-hours`)\n"
    "  --due-soon-hours N  'due-soon' when less than N hours are left (default 24)\n"
    "  --content DIR       catalogs to check requirement ids against (default: embedded)\n"
    "  --server URL        the authority's server (https://...)\n"
    "  --token TOKEN       the API token; better: set MAMORI_TOKEN (argv is visible in ps)\n"
    "  --cacert FILE       CA certificates to check the server's TLS certificate with\n"
    "  --timeout SECONDS   for the request (default 60)\n"
    "  --format F          text (default) or json: offline {\"file\", \"valid\", \"type\",\n"
    "                      \"tlp\", \"initial_report\", \"discovered\", \"due\", \"hours\",\n"
    "                      \"state\", \"seconds_left\", \"preserve_until\"}; with --server\n"
    "                      {\"sent\", \"http_status\", \"incident\" | \"error\"} (docs/cli.md)\n";

static const char group_usage[] =
    "usage: mamori incident report FILE [options]\n"
    "\n"
    "  report   validate an incident report, show its deadline; --server sends it\n"
    "\n"
    "Run 'mamori incident report --help' for the options.\n";

static bool parse_hours(int *out, const char *s, int max)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > max)
        return false;
    *out = (int)v;
    return true;
}

/* t in the reporter's local time: the zone's offset at t when a zone was given, else the
 * offset the reporter wrote. */
static void local_time(char out[MM_INCIDENT_TIME_TEXT_BYTES], const mm_incident *inc, long long t)
{
    int off = inc->discovered_offset;
    if (inc->time_zone && mm_incident_zone_offset(&off, inc->time_zone, t) != MM_OK)
        off = inc->discovered_offset;
    mm_incident_format_time(out, t, off);
}

static void print_offline(const mm_incident *inc, const char *file, int hours, int soon,
                          long long now)
{
    char disc[MM_INCIDENT_TIME_TEXT_BYTES], disc_utc[MM_INCIDENT_TIME_TEXT_BYTES];
    char due_l[MM_INCIDENT_TIME_TEXT_BYTES], due_utc[MM_INCIDENT_TIME_TEXT_BYTES];
    char pres_l[MM_INCIDENT_TIME_TEXT_BYTES], pres_utc[MM_INCIDENT_TIME_TEXT_BYTES];
    long long due = mm_incident_due(inc->discovered, hours);
    long long pres = mm_incident_preserve_until(now, MM_INCIDENT_PRESERVE_DAYS);
    local_time(disc, inc, inc->discovered);
    mm_incident_format_time(disc_utc, inc->discovered, 0);
    local_time(due_l, inc, due);
    mm_incident_format_time(due_utc, due, 0);
    local_time(pres_l, inc, pres);
    mm_incident_format_time(pres_utc, pres, 0);
    const char *zone = inc->time_zone ? inc->time_zone : "";
    mm_deadline_state s = mm_incident_state(due, -1, now, soon);
    printf("%s: valid %s incident report (%s)\n", file, mm_incident_type_name(inc->type), inc->tlp);
    if (inc->initial_report)
        printf("follow-on to:   %s\n", inc->initial_report);
    printf("discovered:     %s%s%s (%s)\n", disc, zone[0] ? " " : "", zone, disc_utc);
    printf("due:            %s%s%s (%s), %d hours after discovery\n", due_l, zone[0] ? " " : "",
           zone, due_utc, hours);
    long long left = due - now;
    if (s == MM_DEADLINE_OVERDUE)
        printf("state now:      overdue by %lld h %02lld min: report it at once\n", (-left) / 3600,
               (-left) % 3600 / 60);
    else
        printf("state now:      %s, %lld h %02lld min left\n", mm_deadline_state_name(s),
               left / 3600, left % 3600 / 60);
    printf("preserve until: %s%s%s (%s): images and packet captures, 90 days after a report "
           "sent now\n",
           pres_l, zone[0] ? " " : "", zone, pres_utc);
}

/* --format json offline: the same facts as print_offline, times in UTC. */
static int print_offline_json(const mm_incident *inc, const char *file, int hours, int soon,
                              long long now)
{
    char disc[MM_INCIDENT_TIME_TEXT_BYTES], due_t[MM_INCIDENT_TIME_TEXT_BYTES],
        pres_t[MM_INCIDENT_TIME_TEXT_BYTES];
    long long due = mm_incident_due(inc->discovered, hours);
    long long pres = mm_incident_preserve_until(now, MM_INCIDENT_PRESERVE_DAYS);
    mm_incident_format_time(disc, inc->discovered, 0);
    mm_incident_format_time(due_t, due, 0);
    mm_incident_format_time(pres_t, pres, 0);
    mm_deadline_state s = mm_incident_state(due, -1, now, soon);
    return cli_print_json(
        json_pack("{s:s,s:b,s:s,s:s,s:s?,s:s,s:s?,s:s,s:i,s:s,s:I,s:s}", "file", file, "valid", 1,
                  "type", mm_incident_type_name(inc->type), "tlp", inc->tlp, "initial_report",
                  inc->initial_report, "discovered", disc, "time_zone", inc->time_zone, "due",
                  due_t, "hours", hours, "state", mm_deadline_state_name(s), "seconds_left",
                  (json_int_t)(due - now), "preserve_until", pres_t));
}

/* Prints the server's answer to a report it accepted. */
static int print_accepted(const cli_response *r)
{
    json_t *doc = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, NULL);
    json_t *inc = json_object_get(doc, "incident");
    const char *number = json_string_value(json_object_get(inc, "report_number"));
    const char *state = json_string_value(json_object_get(inc, "deadline_state"));
    const char *due = json_string_value(json_object_get(inc, "due"));
    const char *pres = json_string_value(json_object_get(inc, "preserve_until"));
    int ex = MM_EXIT_OK;
    if (!number || !state || !due || !pres) {
        cli_error("the server accepted the report (HTTP 201) but its answer has no "
                  "report_number, deadline_state, due and preserve_until");
        ex = MM_EXIT_USAGE;
    } else {
        char n[CLI_MESSAGE_MAX + 4], s[CLI_MESSAGE_MAX + 4], d[CLI_MESSAGE_MAX + 4],
            p[CLI_MESSAGE_MAX + 4];
        cli_clean_text(n, number);
        cli_clean_text(s, state);
        cli_clean_text(d, due);
        cli_clean_text(p, pres);
        printf("reported: %s\ndeadline: %s (due %s)\npreserve until: %s\n", n, s, d, p);
    }
    json_decref(doc);
    return ex;
}

static int send_report(const mm_incident *inc, const char *server, const char *token_arg,
                       const char *cacert, long timeout, bool json)
{
    const char *token = NULL;
    char *base = cli_server_open("incident report", server, token_arg, &token);
    if (!base)
        return MM_EXIT_USAGE;
    int ex = MM_EXIT_USAGE;
    char *body = NULL, *auth = NULL;
    struct curl_slist *headers = NULL;
    mm_buf url = MM_BUF_INIT;
    cli_response r = CLI_RESPONSE_INIT;
    cli_http h = {NULL, cacert, timeout, NULL};
    bool curl_started = false;
    long status = 0;
    char msg[CLI_MESSAGE_MAX + 4];

    int rc = mm_incident_to_json(&body, inc);
    if (rc) {
        ex = cli_fail(rc);
        goto done;
    }
    curl_started = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!curl_started || !(h.curl = curl_easy_init())) {
        cli_error("cannot start libcurl");
        goto done;
    }
    if (cli_api_headers(&headers, &auth, token) != MM_EXIT_OK)
        goto done;
    mm_buf_printf(&url, "%s/api/v1/incidents", base);
    if (url.failed) {
        cli_error("out of memory");
        goto done;
    }
    ex = cli_http_do(&h, mm_buf_cstr(&url), headers, body, strlen(body), &status, &r);
    if (ex != MM_EXIT_OK)
        goto done;
    if (json && status >= 200 && status < 500 && (status == 201 || status >= 400)) {
        /* the server's answer as it is: {"incident": {...}} or {"error": {...}} */
        json_t *d = json_loadb(r.body.data ? r.body.data : "", r.body.len, 0, NULL);
        json_t *o =
            json_pack("{s:b,s:I}", "sent", status == 201, "http_status", (json_int_t)status);
        const char *k = status == 201 ? "incident" : "error";
        if (o && json_is_object(json_object_get(d, k)))
            json_object_set(o, k, json_object_get(d, k));
        json_decref(d);
        if (status != 201) {
            cli_error_message(msg, &r);
            cli_error("server refused the report: HTTP %ld: %s", status, msg);
        }
        ex = cli_print_json(o);
        if (ex == MM_EXIT_OK && status != 201)
            ex = MM_EXIT_FINDINGS;
    } else if (status == 201) {
        ex = print_accepted(&r);
    } else if (status >= 400 && status < 500) {
        cli_error_message(msg, &r);
        cli_error("server refused the report: HTTP %ld: %s", status, msg);
        ex = MM_EXIT_FINDINGS;
    } else if (status >= 300 && status < 400) {
        cli_error("%s answered HTTP %ld: a redirect, not followed (check --server)",
                  mm_buf_cstr(&url), status);
        ex = MM_EXIT_USAGE;
    } else {
        cli_error_message(msg, &r);
        cli_error("%s answered HTTP %ld, not 201: %s", mm_buf_cstr(&url), status, msg);
        ex = MM_EXIT_USAGE;
    }
done:
    if (auth) {
        sodium_memzero(auth, strlen(auth));
        free(auth);
    }
    curl_slist_free_all(headers);
    if (h.curl)
        curl_easy_cleanup(h.curl);
    if (curl_started)
        curl_global_cleanup();
    mm_buf_free(&r.body);
    mm_buf_free(&url);
    free(body);
    free(base);
    return ex;
}

static int incident_report(int argc, char **argv)
{
    const char *hours_arg = NULL, *soon_arg = NULL, *content = NULL, *server = NULL;
    const char *token_arg = NULL, *cacert = NULL, *timeout_arg = NULL, *format = NULL;
    bool json = false;
    const cli_option opts[] = {
        {.name = "format", .takes_value = true, .value = &format},
        {.name = "hours", .takes_value = true, .value = &hours_arg},
        {.name = "due-soon-hours", .takes_value = true, .value = &soon_arg},
        {.name = "content", .takes_value = true, .value = &content},
        {.name = "server", .takes_value = true, .value = &server},
        {.name = "token", .takes_value = true, .value = &token_arg},
        {.name = "cacert", .takes_value = true, .value = &cacert},
        {.name = "timeout", .takes_value = true, .value = &timeout_arg},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (a.npos != 1) {
        cli_error("incident report: one FILE is required");
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    int hours = MM_INCIDENT_DEFAULT_HOURS, soon = MM_INCIDENT_DUE_SOON_HOURS;
    if (hours_arg && !parse_hours(&hours, hours_arg, MM_INCIDENT_MAX_HOURS)) {
        cli_error("incident report: --hours: '%s' is not a number of hours from 1 to %d", hours_arg,
                  MM_INCIDENT_MAX_HOURS);
        return MM_EXIT_USAGE;
    }
    if (soon_arg && !parse_hours(&soon, soon_arg, MM_INCIDENT_MAX_HOURS)) {
        cli_error("incident report: --due-soon-hours: '%s' is not a number of hours from 1 to "
                  "%d",
                  soon_arg, MM_INCIDENT_MAX_HOURS);
        return MM_EXIT_USAGE;
    }
    long timeout = 60;
    if (!cli_timeout_option(&timeout, "incident report", timeout_arg))
        return MM_EXIT_USAGE;
    if (cli_format_option(&json, "incident report", format) != MM_EXIT_OK)
        return MM_EXIT_USAGE;
    if (!server && (token_arg || cacert || timeout_arg)) {
        cli_error("incident report: --token, --cacert and --timeout need --server");
        return MM_EXIT_USAGE;
    }
    const char *dir = cli_content_dir(content);
    mm_catalog *r3 = NULL, *r2 = NULL;
    mm_incident *inc = NULL;
    int ex;
    int rc = mm_catalog_load(&r3, MM_FW_R3, dir);
    if (rc == MM_OK)
        rc = mm_catalog_load(&r2, MM_FW_R2, dir);
    if (rc == MM_OK)
        rc = mm_incident_load(&inc, a.pos[0], r3, r2);
    if (rc == MM_OK)
        rc = mm_incident_check_discovered(inc, cli_now(), a.pos[0]);
    if (rc) {
        ex = cli_fail(rc);
    } else if (server) {
        ex = send_report(inc, server, token_arg, cacert, timeout, json);
    } else if (json) {
        ex = print_offline_json(inc, a.pos[0], hours, soon, cli_now());
    } else {
        print_offline(inc, a.pos[0], hours, soon, cli_now());
        ex = MM_EXIT_OK;
    }
    mm_incident_free(inc);
    mm_catalog_free(r2);
    mm_catalog_free(r3);
    return ex;
}

int cmd_incident(int argc, char **argv)
{
    return cli_subcommand(argc, argv, "incident", "report", incident_report, group_usage);
}
