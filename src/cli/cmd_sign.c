/* mamori sign: sign an assessment, its evidence hashes and the affirming official. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "mamori/submit.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori sign ASSESSMENT.json --key KEYFILE --official NAME --date YYYY-MM-DD\n"
    "                   [--evidence FILE]... -o SIGNED.json\n"
    "\n"
    "  Signs the canonical form of the assessment, the SHA-256 of each evidence file and the\n"
    "  affirming official's name and date with the organization's secret key, and writes a\n"
    "  signed submission document. See docs/signing.md.\n"
    "\n"
    "  --key FILE       the secret key file (mamori keygen)\n"
    "  --official NAME  the affirming official\n"
    "  --date DATE      the date of the affirmation, YYYY-MM-DD\n"
    "  --evidence FILE  an evidence file to hash (repeatable, at most 64, 1 GiB each)\n"
    "  -o, --output F   the signed document (\"-\" for standard output)\n";

int cli_sign_submission(char **out, mm_key **key_out, const char *assessment, const char *keyfile,
                        const char *official, const char *date, const char *const *evidence,
                        size_t nevidence)
{
    mm_key *k = NULL;
    char *text = NULL;
    size_t len = 0;
    mm_evidence_hash ev[CLI_MAX_MULTI];
    *out = NULL;
    *key_out = NULL;
    if (nevidence > CLI_MAX_MULTI) {
        mm_error_set("at most %d evidence files", CLI_MAX_MULTI);
        return MM_EUSAGE;
    }
    /* today by the clock (signing is not a reproducible output: SOURCE_DATE_EPOCH, which may
     * fix an earlier day for reports, is not read here): an affirmation after it cannot be
     * true */
    char today[32];
    mm_time_rfc3339(today, (long long)time(NULL));
    today[10] = '\0';
    if (date && mm_is_date(date) && strcmp(date, today) > 0) {
        mm_error_set("--date: %s is after today (%s): an affirmation cannot be dated in the future",
                     date, today);
        return MM_EINVALID;
    }
    int rc = mm_key_load(&k, keyfile);
    if (rc == MM_OK && !k->has_secret) {
        mm_error_set("%s: a public key file; signing needs the secret key file", keyfile);
        rc = MM_EUSAGE;
    }
    for (size_t i = 0; rc == MM_OK && i < nevidence; i++) {
        ev[i].path = evidence[i];
        rc = mm_evidence_hash_file(ev[i].sha256, evidence[i]);
    }
    if (rc == MM_OK)
        rc = mm_file_read(&text, &len, assessment, MM_ASSESSMENT_MAX_BYTES);
    if (rc == MM_OK) {
        /* nor an assessment dated after today (the server refuses both too) */
        json_t *doc = json_loadb(text, len, 0, NULL);
        const char *assessed =
            json_string_value(json_object_get(json_object_get(doc, "dates"), "assessed"));
        if (assessed && mm_is_date(assessed) && strcmp(assessed, today) > 0) {
            mm_error_set("%s: $.dates.assessed: %s is after today (%s): an assessment cannot be "
                         "dated in the future",
                         assessment, assessed, today);
            rc = MM_EINVALID;
        }
        json_decref(doc);
    }
    if (rc == MM_OK) {
        mm_submission s = {text, len, assessment, ev, nevidence, official, date};
        rc = mm_submission_sign(out, &s, k);
    }
    free(text);
    if (rc == MM_OK)
        *key_out = k;
    else
        mm_key_free(k);
    return rc;
}

int cmd_sign(int argc, char **argv)
{
    const char *keyfile = NULL, *official = NULL, *date = NULL, *out = NULL;
    const char *evidence[CLI_MAX_MULTI];
    size_t nevidence = 0;
    const cli_option opts[] = {
        {.name = "key", .takes_value = true, .value = &keyfile},
        {.name = "official", .takes_value = true, .value = &official},
        {.name = "date", .takes_value = true, .value = &date},
        {.name = "evidence",
         .takes_value = true,
         .multi = true,
         .list = evidence,
         .count = &nevidence},
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
    if (a.npos != 1 || !keyfile || !official || !date || !out) {
        cli_error("sign: ASSESSMENT.json, --key, --official, --date and -o are required");
        return MM_EXIT_USAGE;
    }
    mm_key *k = NULL;
    char *signed_doc = NULL;
    int rc = cli_sign_submission(&signed_doc, &k, a.pos[0], keyfile, official, date, evidence,
                                 nevidence);
    if (rc == MM_OK) {
        size_t n = strlen(signed_doc);
        signed_doc[n] = '\n'; /* json_dumps leaves room for the NUL: replace it */
        rc = mm_file_write_atomic(out, signed_doc, n + 1);
        signed_doc[n] = '\0';
    }
    if (rc == MM_OK && strcmp(out, "-") != 0)
        fprintf(stderr, "signed by %s (key %s): %s\n", k->org, k->key_id, out);
    mm_key_free(k);
    free(signed_doc);
    return rc ? cli_fail(rc) : MM_EXIT_OK;
}
