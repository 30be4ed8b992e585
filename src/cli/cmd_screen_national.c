/* mamori screen national: the national picture's shareable aggregate from a server
 * (docs/screening.md "The national picture", docs/sharing.md "The national aggregate"):
 * GET /api/v1/national/aggregate as JSON, or as a STIX 2.1 bundle at the TLP 2.0 label the
 * authority chooses. The authority's token only (the server answers 403 to anyone else). */
#include <stdio.h>
#include <string.h>

#include "cli/api_client.h"
#include "cli/cli.h"
#include "cli/http.h"
#include "cli/server_opts.h"
#include "util/util.h"

static bool one_of(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(v, *list) == 0)
            return true;
    return false;
}

int screen_national(const cli_server_opts *so, const char *format, const char *tlp)
{
    static const char *const formats[] = {"json", "stix", NULL};
    static const char *const labels[] = {"clear", "green", "amber", "amber-strict", "red", NULL};
    if (!so->server) {
        cli_error("screen national: --server URL is required (the aggregate is the server's)");
        return MM_EXIT_USAGE;
    }
    if (!format)
        format = "json";
    if (!one_of(format, formats)) {
        cli_error("screen national: --format: '%s' is not json or stix", format);
        return MM_EXIT_USAGE;
    }
    if (strcmp(format, "stix") == 0 && !tlp) {
        cli_error("screen national: --format stix needs --tlp LABEL (clear, green, amber, "
                  "amber-strict, red): the label the aggregate is shared under");
        return MM_EXIT_USAGE;
    }
    if (tlp && strcmp(format, "stix") != 0) {
        cli_error("screen national: --tlp is for --format stix (the JSON carries no marking)");
        return MM_EXIT_USAGE;
    }
    if (tlp && !one_of(tlp, labels)) {
        cli_error("screen national: --tlp: '%s' is not clear, green, amber, amber-strict or red",
                  tlp);
        return MM_EXIT_USAGE;
    }
    char path[120];
    if (tlp)
        snprintf(path, sizeof path, "/api/v1/national/aggregate?format=stix&tlp=%s", tlp);
    else
        snprintf(path, sizeof path, "/api/v1/national/aggregate?format=json");
    cli_api a;
    cli_response r = CLI_RESPONSE_INIT;
    int ex = cli_api_open(&a, "screen national", so->server, so->token, so->cacert, so->timeout);
    if (ex == MM_EXIT_OK)
        ex = cli_api_call(&a, path, NULL, 200, &r);
    if (ex == MM_EXIT_OK && cli_write_answer(&r, so->output)) {
        cli_error("screen national: %s", mm_error_last());
        ex = MM_EXIT_USAGE;
    }
    mm_buf_free(&r.body);
    cli_api_close(&a);
    return ex;
}
