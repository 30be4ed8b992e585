/* mamori serve: run the authority's HTTP server until SIGTERM or SIGINT; SIGHUP reloads the
 * TLS certificate and key; systemd (Type=notify) hears READY=1 once it listens. */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "mamori/server.h"
#include "mamori/store.h"
#include "util/json.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori serve --db PATH [--listen ADDR:PORT] [--config FILE] [options]\n"
    "\n"
    "  Serves the HTTP API (docs/api.md). Logs one JSON object per line on stderr.\n"
    "  SIGTERM or SIGINT stops it gracefully. SIGHUP reads the TLS certificate and key\n"
    "  again (their paths from the flags, else from --config read again) without dropping\n"
    "  connections; other options take a restart. Under systemd (Type=notify) it sends\n"
    "  READY=1 once it listens (docs/operations.md).\n"
    "\n"
    "  --db PATH              the database: sqlite:PATH, a file path or postgresql://URL\n"
    "                         (created if a file, migrated)\n"
    "  --listen ADDR:PORT     the address to bind (default 127.0.0.1:8171; port 0: any free)\n"
    "  --config FILE          a JSON object with any of these options by name, e.g.\n"
    "                         {\"db\": \"/var/lib/mamori/mamori.db\", \"threads\": 8}; flags win\n"
    "  --threads N            worker threads (default 4, at most 256)\n"
    "  --db-pool N            store connections (default threads + 1, 1 to 1024); requests\n"
    "                         wait for a free one\n"
    "  --max-body BYTES       largest request body (default 16777216); larger gets 413\n"
    "  --tls-cert FILE        serve HTTPS with this PEM certificate (chain) ...\n"
    "  --tls-key FILE         ... and this PEM private key\n"
    "  --profile FILE         the authority's ODP profile (default: the embedded DoD values)\n"
    "  --lockout-attempts N   failed logons before a lockout (default: ODP 03.01.08, 5)\n"
    "  --lockout-window S     within this many seconds (default: 03.01.08, 300)\n"
    "  --lockout-duration S   locked for this many seconds (default: 03.01.08, 900)\n"
    "  --idle-timeout S       a session ends after this idle time (default: 03.01.10, 900)\n"
    "  --session-lifetime S   a session's longest life (default: 03.01.11, 86400)\n"
    "  --incident-hours N     incident reports are due N hours after discovery (default 72,\n"
    "                         DFARS 252.204-7012; docs/incidents.md)\n"
    "  --today YYYY-MM-DD     fix the server's \"today\" for the dates it works out when read\n"
    "                         (stale, CMMC close-out expiry, affirmation due); for tests and\n"
    "                         demonstrations (default: the clock's UTC date)\n"
    "  --frameworks DIR       framework packs and crosswalks to add to the built-in ones\n"
    "                         (docs/frameworks.md); a bad file refuses to start\n"
    "  --frameworks-shown L   the frameworks (comma-separated ids) a contractor's status is\n"
    "                         shown in, projected from its latest submission (default: every\n"
    "                         framework a crosswalk relates to the assessed one)\n"
    "  --peers FILE           other authorities' TAXII 2.1 servers to pull from and push to\n"
    "                         (docs/taxii.md, \"Federation\")\n"
    "  --notify-smtp URL      the SMTP relay for notification mail: smtp://HOST:PORT (STARTTLS\n"
    "                         when offered) or smtps://HOST:PORT (docs/notifications.md)\n"
    "  --notify-from ADDR     the sender address of notification mail\n"
    "  --notify-smtp-user U   the relay's user name ...\n"
    "  --notify-smtp-password-file FILE  ... and a file holding its password\n"
    "  --notify-smtp-tls try|require  STARTTLS tried (default) or required\n"
    "  --notify-interval S    seconds between notification rounds (default 60)\n"
    "  --notify-retry S       the first retry's delay, doubled each time up to 6 h (default 60)\n"
    "  --notify-webhooks L    comma-separated URL prefixes webhooks may go to (default: none)\n"
    "  --notify-url URL       the dashboard's public URL, for links in mail\n"
    "  --notify-smtp-cacert FILE  the CA certificates (PEM) the relay's certificate is checked\n"
    "                         against (default: the system's)\n";

/* A whole decimal number in [min, max], or -1 after printing why not. */
static int parse_count(unsigned long long *out, const char *flag, const char *text,
                       unsigned long long min, unsigned long long max)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (!text[0] || text[0] == '-' || *end || errno || v < min || v > max) {
        cli_error("%s %s: expected a whole number from %llu to %llu", flag, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

static int serve(const char **vals, const char **flags, const char *config);

/* The option names a config file may hold, in the order of vals[] in cmd_serve. */
static const char *const names[] = {
    "db",
    "listen",
    "threads",
    "max-body",
    "tls-cert",
    "tls-key",
    "profile",
    "lockout-attempts",
    "lockout-window",
    "lockout-duration",
    "idle-timeout",
    "session-lifetime",
    "db-pool",
    "incident-hours",
    "today",
    "frameworks",
    "frameworks-shown",
    "peers",
    "notify-smtp",
    "notify-from",
    "notify-smtp-user",
    "notify-smtp-password-file",
    "notify-smtp-tls",
    "notify-interval",
    "notify-retry",
    "notify-webhooks",
    "notify-url",
    "notify-smtp-cacert",
};
#define NNAMES (sizeof names / sizeof names[0])

/* Fills the values not given as flags from the config file. Numbers may be written as JSON
 * numbers or strings. The strings are kept in *keep (freed by the caller). */
static int read_config(const char *path, const char **vals, json_t **keep)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mm_file_read(&text, &len, path, 1 << 20);
    if (rc)
        return cli_fail(rc);
    json_t *j;
    rc = mm_json_load(&j, text, len, path, 0);
    free(text);
    if (rc)
        return cli_fail(rc);
    if (!json_is_object(j)) {
        cli_error("%s: $: expected a JSON object of options, found %s", path, mm_json_type_name(j));
        json_decref(j);
        return MM_EXIT_USAGE;
    }
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        size_t i = 0;
        while (i < NNAMES && strcmp(names[i], k) != 0)
            i++;
        char where[160];
        mm_json_path_key(where, sizeof where, "$", k);
        if (i == NNAMES) {
            cli_error("%s: %s: unknown option (known: db, listen, threads, max-body, tls-cert, "
                      "tls-key, profile, lockout-*, idle-timeout, session-lifetime, db-pool, "
                      "incident-hours, today, frameworks, frameworks-shown, peers, notify-*)",
                      path, where);
            json_decref(j);
            return MM_EXIT_USAGE;
        }
        if (json_is_integer(v)) {
            char num[32];
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            json_object_set_new(j, k, json_string(num));
            v = json_object_get(j, k);
        }
        if (!json_is_string(v)) {
            cli_error("%s: %s: expected a string or a whole number, found %s", path, where,
                      mm_json_type_name(v));
            json_decref(j);
            return MM_EXIT_USAGE;
        }
        if (!vals[i])
            vals[i] = json_string_value(v);
    }
    *keep = j;
    return MM_EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
    const char *vals[NNAMES] = {0};
    const char *config = NULL;
    cli_option opts[NNAMES + 2];
    memset(opts, 0, sizeof opts);
    for (size_t i = 0; i < NNAMES; i++)
        opts[i] = (cli_option){.name = names[i], .takes_value = true, .value = &vals[i]};
    opts[NNAMES] = (cli_option){.name = "config", .takes_value = true, .value = &config};
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (a.npos) {
        cli_error("serve takes no arguments");
        return MM_EXIT_USAGE;
    }
    json_t *keep = NULL;
    const char *flags[NNAMES];
    memcpy(flags, vals, sizeof flags);
    if (config) {
        int x = read_config(config, vals, &keep);
        if (x)
            return x;
    }
    int code = serve(vals, flags, config);
    json_decref(keep);
    return code;
}

/* SIGHUP: the TLS pair again, its paths from the flags or the config file read again. */
static void reload(mm_server *srv, const char **flags, const char *config)
{
    sd_notifyf(0, "RELOADING=1\nSTATUS=reloading the TLS certificate");
    const char *vals[NNAMES];
    memcpy(vals, flags, sizeof vals);
    json_t *keep = NULL;
    if (config && read_config(config, vals, &keep) != MM_EXIT_OK) {
        mm_server_log("warn", "reload: the configuration does not read; nothing changed");
    } else if (mm_server_reload_tls(srv, vals[4], vals[5]) != MM_OK) {
        char msg[600];
        snprintf(msg, sizeof msg, "reload: %s", mm_error_last());
        mm_server_log("warn", msg);
    }
    json_decref(keep);
    sd_notify(0, "READY=1\nSTATUS=serving");
}

static int serve(const char **vals, const char **flags, const char *config)
{
    if (!vals[0]) {
        cli_error("serve: --db PATH is required (or \"db\" in --config)");
        return MM_EXIT_USAGE;
    }
    mm_server_config cfg;
    mm_server_config_init(&cfg);
    cfg.db = vals[0];
    if (vals[1])
        cfg.listen = vals[1];
    unsigned long long n;
    if (vals[2]) {
        if (parse_count(&n, "--threads", vals[2], 1, 256))
            return MM_EXIT_USAGE;
        cfg.threads = (unsigned)n;
    }
    if (vals[3]) {
        if (parse_count(&n, "--max-body", vals[3], 0, (unsigned long long)1 << 40))
            return MM_EXIT_USAGE;
        cfg.max_body = (size_t)n;
    }
    cfg.tls_cert = vals[4];
    cfg.tls_key = vals[5];
    cfg.profile = vals[6];
    long *pol[] = {&cfg.lockout_attempts, &cfg.lockout_window, &cfg.lockout_duration,
                   &cfg.idle_timeout, &cfg.session_lifetime};
    for (size_t i = 0; i < 5; i++) {
        if (!vals[7 + i])
            continue;
        char flag[40];
        snprintf(flag, sizeof flag, "--%s", names[7 + i]);
        if (parse_count(&n, flag, vals[7 + i], 1, 10u * 365 * 86400))
            return MM_EXIT_USAGE;
        *pol[i] = (long)n;
    }
    if (vals[12]) {
        if (parse_count(&n, "--db-pool", vals[12], 1, 1024))
            return MM_EXIT_USAGE;
        cfg.db_pool = (unsigned)n;
    }
    if (vals[13]) {
        if (parse_count(&n, "--incident-hours", vals[13], 1, 8760))
            return MM_EXIT_USAGE;
        cfg.incident_hours = (unsigned)n;
    }
    if (vals[14]) {
        if (!mm_is_date(vals[14])) {
            cli_error("--today %s: expected a date YYYY-MM-DD", vals[14]);
            return MM_EXIT_USAGE;
        }
        cfg.today = vals[14];
    }
    cfg.frameworks = vals[15];
    cfg.frameworks_shown = vals[16];
    cfg.peers = vals[17];
    cfg.notify_smtp = vals[18];
    cfg.notify_from = vals[19];
    cfg.notify_smtp_user = vals[20];
    cfg.notify_smtp_password_file = vals[21];
    if (vals[22] && strcmp(vals[22], "try") != 0 && strcmp(vals[22], "require") != 0) {
        cli_error("--notify-smtp-tls %s: expected try or require", vals[22]);
        return MM_EXIT_USAGE;
    }
    cfg.notify_smtp_require_tls = vals[22] && strcmp(vals[22], "require") == 0;
    if (vals[23]) {
        if (parse_count(&n, "--notify-interval", vals[23], 1, 86400))
            return MM_EXIT_USAGE;
        cfg.notify_interval = (unsigned)n;
    }
    if (vals[24]) {
        if (parse_count(&n, "--notify-retry", vals[24], 1, 21600))
            return MM_EXIT_USAGE;
        cfg.notify_retry = (unsigned)n;
    }
    cfg.notify_webhooks = vals[25];
    cfg.notify_url = vals[26];
    cfg.notify_smtp_cacert = vals[27];

    /* Block the stop signals before any thread starts, so every thread inherits the mask
     * and only sigwait() below sees them; no work happens in a signal handler. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    mm_server *srv = NULL;
    int rc = mm_server_start(&srv, &cfg);
    if (rc)
        return cli_fail(rc);
    sd_notify(0, "READY=1\nSTATUS=serving");
    int sig = 0;
    for (;;) {
        if (sigwait(&stop, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            break;
        reload(srv, flags, config);
    }
    sd_notify(0, "STOPPING=1");
    mm_server_log("info", sig == SIGTERM ? "shutdown: SIGTERM" : "shutdown: SIGINT");
    mm_server_stop(srv);
    mm_server_log("info", "stopped");
    return MM_EXIT_OK;
}
