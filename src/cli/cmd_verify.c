/* mamori verify: check a signed submission against an organization's public key. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "mamori/submit.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori verify SIGNED.json --pub KEYFILE.pub\n"
    "\n"
    "  Recomputes the canonical form of the signed envelope and checks its Ed25519\n"
    "  signature. Exit 0 when valid, 1 when not (wrong key, tampered, bad signature),\n"
    "  2 for unreadable or malformed input. See docs/signing.md.\n"
    "\n"
    "  --pub FILE      the organization's public key file (a secret key file works too)\n"
    "  --format F      text (default) or json: {\"valid\", \"status\", \"org\", \"key_id\",\n"
    "                  \"reason\"} (docs/cli.md)\n";

int cmd_verify(int argc, char **argv)
{
    const char *pubfile = NULL, *format = NULL;
    bool json = false;
    const cli_option opts[] = {
        {.name = "pub", .takes_value = true, .value = &pubfile},
        {.name = "format", .takes_value = true, .value = &format},
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
    if (a.npos != 1 || !pubfile) {
        cli_error("verify: SIGNED.json and --pub KEYFILE.pub are required");
        return MM_EXIT_USAGE;
    }
    if (cli_format_option(&json, "verify", format) != MM_EXIT_OK)
        return MM_EXIT_USAGE;
    mm_key *k = NULL;
    char *text = NULL;
    size_t len = 0;
    mm_verify_status st = MM_VERIFY_TAMPERED;
    int rc = mm_key_load(&k, pubfile);
    if (rc == MM_OK)
        rc = mm_file_read(&text, &len, a.pos[0], MM_SIGNED_MAX_BYTES);
    if (rc == MM_OK)
        rc = mm_submission_verify(&st, text, len, a.pos[0], k);
    free(text);
    if (rc) {
        mm_key_free(k);
        return cli_fail(rc);
    }
    int exit_code = st == MM_VERIFY_VALID ? MM_EXIT_OK : MM_EXIT_FINDINGS;
    if (json) {
        int x = cli_print_json(json_pack("{s:b,s:s,s:s,s:s,s:s?}", "valid", st == MM_VERIFY_VALID,
                                         "status", mm_verify_status_name(st), "org", k->org,
                                         "key_id", k->key_id, "reason",
                                         st == MM_VERIFY_VALID ? NULL : mm_error_last()));
        mm_key_free(k);
        return x ? x : exit_code;
    }
    if (st == MM_VERIFY_VALID) {
        printf("signature valid: org %s, key %s\n", k->org, k->key_id);
    } else {
        printf("signature INVALID: %s: %s\n", mm_verify_status_name(st), mm_error_last());
        exit_code = MM_EXIT_FINDINGS;
    }
    mm_key_free(k);
    return exit_code;
}
