/* mamori recognize: a product's signed recognition claim from the server (which criteria of
 * another scheme its labels cover, from published relations only), and the check of a saved
 * claim against the server's receipt key (docs/iot.md). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api_client.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/receipt.h"
#include "cli/server_opts.h"
#include "mamori/submit.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori recognize --product ID --as SCHEME --server URL [--org ORG]\n"
    "                        [--server-key SERVER-KEY.json] [-o CLAIM.json] [--cacert FILE]\n"
    "                        [--timeout SECONDS] [--token TOKEN]\n"
    "       mamori recognize verify CLAIM.json --server-key SERVER-KEY.json\n"
    "\n"
    "  Asks the server which criteria of SCHEME the product's current labels already cover,\n"
    "  from published relations only, which remain, and whether any published arrangement\n"
    "  relates the schemes. The answer is signed by the server's receipt key; it is verified,\n"
    "  summarised on standard error and written to -o (default: standard output).\n"
    "    --as SCHEME        jc-star, uk-psti, etsi-en-303-645, us-cyber-trust-mark\n"
    "    --org ORG          the manufacturer (default: the token's own organization)\n"
    "    --server-key FILE  the server's receipt key, pinned (else fetched, with a note)\n"
    "\n"
    "  verify: checks a saved claim against the server's receipt key (GET URL/api/v1/\n"
    "  server-key saved). Exit 0 when valid, 1 when not (with the reason), 2 for unreadable\n"
    "  or malformed input.\n";

/* The claim's summary lines. */
static void summary(FILE *f, const json_t *c)
{
    const json_t *as = json_object_get(c, "as"), *p = json_object_get(c, "product");
    fprintf(f, "product %s (%s %s, firmware %s) as %s on %s: %lld of %lld criteria covered\n",
            json_string_value(json_object_get(p, "id")),
            json_string_value(json_object_get(p, "name")),
            json_string_value(json_object_get(p, "model")),
            json_string_value(json_object_get(p, "firmware")),
            json_string_value(json_object_get(as, "framework")),
            json_string_value(json_object_get(c, "date")),
            (long long)json_integer_value(json_object_get(c, "covered_count")),
            (long long)json_integer_value(json_object_get(as, "criteria")));
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(c, "covered"), i, v)
    {
        const json_t *by = json_array_get(json_object_get(v, "by"), 0);
        fprintf(f, "  covered %s by %s %s (%s)\n", json_string_value(json_object_get(v, "id")),
                json_string_value(json_object_get(by, "scheme")),
                json_string_value(json_object_get(by, "label_id")),
                json_string_value(json_object_get(by, "relation")));
    }
    json_array_foreach(json_object_get(c, "pending"), i, v)
    {
        const json_t *r = json_array_get(json_object_get(v, "relations"), 0);
        fprintf(f, "  not yet: %s from %s (%s)\n", json_string_value(json_object_get(v, "id")),
                json_string_value(json_object_get(r, "effective")),
                json_string_value(json_object_get(r, "relation")));
    }
    json_array_foreach(json_object_get(c, "labels"), i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "state")), "current") != 0)
            fprintf(f, "  label %s %s is %s: it covers nothing\n",
                    json_string_value(json_object_get(v, "scheme")),
                    json_string_value(json_object_get(v, "label_id")),
                    json_string_value(json_object_get(v, "state")));
    }
    json_array_foreach(json_object_get(c, "arrangements"), i, v)
    {
        fprintf(f, "  %s\n", json_string_value(json_object_get(v, "statement")));
    }
}

/* 0 valid, 1 not valid, 2 not a claim; prints the reason (and the summary when valid). */
static int check(FILE *f, const char *name, const char *doc, size_t len,
                 const unsigned char pub[MM_KEY_PUBLIC_BYTES], const char *key_id)
{
    bool valid = false;
    json_t *claim = NULL;
    mm_error_clear();
    int rc = mm_recognition_verify(&valid, &claim, doc, len, pub);
    char why[CLI_MESSAGE_MAX + 4];
    cli_clean_text(why, mm_error_last());
    if (rc) {
        cli_error("%s%s", name, strncmp(why, "recognition", 11) == 0 ? why + 11 : why);
        return MM_EXIT_USAGE;
    }
    if (!valid) {
        printf("recognition INVALID: %s\n",
               strncmp(why, "recognition: ", 13) == 0 ? why + 13 : why);
        return MM_EXIT_FINDINGS;
    }
    fprintf(f, "recognition valid (server key %s): ", key_id);
    summary(f, claim);
    json_decref(claim);
    return MM_EXIT_OK;
}

static int recognize_verify(int argc, char **argv)
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
        cli_error("recognize verify: CLAIM.json and --server-key FILE are required");
        return MM_EXIT_USAGE;
    }
    unsigned char pub[MM_KEY_PUBLIC_BYTES];
    char key_id[17];
    ex = cli_server_key(pub, key_id, NULL, NULL, server_key);
    if (ex != MM_EXIT_OK)
        return ex;
    char *text = NULL;
    size_t len = 0;
    int rc = mm_file_read(&text, &len, a.pos[0], MM_RECOGNITION_MAX_BYTES);
    if (rc)
        return cli_fail(rc);
    ex = check(stdout, a.pos[0], text, len, pub, key_id);
    free(text);
    return ex;
}

int cmd_recognize(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "verify") == 0)
        return recognize_verify(argc - 1, argv + 1);
    const char *org_flag = NULL, *product = NULL, *as = NULL;
    cli_server_opts so = {0};
    const cli_option opts[] = {
        CLI_SERVER_OPTIONS(&so),
        {.name = "org", .takes_value = true, .value = &org_flag},
        {.name = "product", .takes_value = true, .value = &product},
        {.name = "as", .takes_value = true, .value = &as},
        {.name = NULL},
    };
    cli_args a;
    int ex = cli_parse_or_usage(&a, argc, argv, opts, usage_text);
    if (ex >= 0)
        return ex;
    if (a.npos || !product || !as) {
        cli_error("recognize: --product ID and --as SCHEME are required (or: recognize verify)");
        return MM_EXIT_USAGE;
    }
    if (!cli_api_id_ok(product) || !cli_api_id_ok(as)) {
        cli_error("recognize: --%s: not an id", cli_api_id_ok(product) ? "as" : "product");
        return MM_EXIT_USAGE;
    }
    cli_api api;
    cli_response r = CLI_RESPONSE_INIT;
    char org[64], path[300], key_id[17];
    unsigned char pub[MM_KEY_PUBLIC_BYTES];
    ex = cli_api_open(&api, "recognize", so.server, so.token, so.cacert, so.timeout);
    if (ex == MM_EXIT_OK)
        ex = cli_server_key(pub, key_id, &api.h, api.base, so.server_key);
    if (ex == MM_EXIT_OK)
        ex = cli_api_org(&api, org, org_flag);
    if (ex == MM_EXIT_OK) {
        snprintf(path, sizeof path, "/api/v1/organizations/%s/products/%s/recognition?as=%s", org,
                 product, as);
        ex = cli_api_call(&api, path, NULL, 200, &r);
    }
    if (ex == MM_EXIT_OK) {
        ex = check(stderr, path, mm_buf_cstr(&r.body), r.body.len, pub, key_id);
        if (ex == MM_EXIT_FINDINGS)
            cli_error("recognize: the server's claim does not verify: nothing written");
    }
    if (ex == MM_EXIT_OK) {
        int rc = cli_write_answer(&r, so.output);
        if (rc) {
            cli_error("recognize: %s", mm_error_last()[0] ? mm_error_last() : mm_strerror(rc));
            ex = MM_EXIT_USAGE;
        }
    }
    mm_buf_free(&r.body);
    cli_api_close(&api);
    return ex;
}
