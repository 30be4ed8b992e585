/* mamori keygen: an Ed25519 key pair of an organization, for signing submissions. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "mamori/submit.h"

static const char usage_text[] =
    "usage: mamori keygen --org NAME -o KEYFILE\n"
    "\n"
    "  Makes an Ed25519 key pair for signing submissions. The secret key goes to KEYFILE\n"
    "  (mode 0600), the public key to KEYFILE.pub (register it on the server). Existing\n"
    "  files are never overwritten. See docs/signing.md.\n"
    "\n"
    "  --org NAME      the organization the key belongs to\n"
    "  -o, --output F  the secret key file\n";

int cmd_keygen(int argc, char **argv)
{
    const char *org = NULL, *out = NULL;
    const cli_option opts[] = {
        {.name = "org", .takes_value = true, .value = &org},
        {.name = "output", .takes_value = true, .value = &out, .short_name = 'o'},
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
    if (a.npos || !org || !out) {
        cli_error("%s", a.npos ? "keygen takes no arguments"
                               : "keygen: --org NAME and -o KEYFILE are required");
        return MM_EXIT_USAGE;
    }
    if (strcmp(out, "-") == 0) {
        /* the pair is two files, KEYFILE and KEYFILE.pub, and a secret key has no business
         * in a terminal or a pipe */
        cli_error("keygen: -o - is not possible: the key pair is two files (KEYFILE and "
                  "KEYFILE.pub); give a file name");
        return MM_EXIT_USAGE;
    }
    mm_key *k = NULL;
    int rc = mm_key_generate(&k, org);
    if (rc == MM_OK)
        rc = mm_key_write(k, out, (long long)time(NULL));
    if (rc) {
        mm_key_free(k);
        return cli_fail(rc);
    }
    printf("secret key: %s (keep it secret)\npublic key: %s.pub\nkey id:     %s\n", out, out,
           k->key_id);
    mm_key_free(k);
    return MM_EXIT_OK;
}
