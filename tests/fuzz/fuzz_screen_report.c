/*
 * libFuzzer target: signed screening reports (mm_screen_report_verify), the JSON or HTML file
 * `mamori screen verify` reads. The server key pair is fixed (made once from the seed 00 01 02
 * ... 1f, key_id 56475aa75463474c, as fuzz_recognition's), so the seeds in
 * corpus/fuzz_screen_report/ (a report and its HTML page signed by it) reach the signature
 * check and, for a page, drawing it again.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/screen_report.h"
#include "mamori/submit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char public_key[32];
static bool ready;

static void make_key_once(void)
{
    if (ready)
        return;
    unsigned char seed[32], sk[64];
    char kid[17];
    for (int i = 0; i < 32; i++)
        seed[i] = (unsigned char)i;
    if (sodium_init() < 0)
        abort();
    crypto_sign_seed_keypair(public_key, sk, seed);
    mm_key_id(kid, public_key);
    if (strcmp(kid, "56475aa75463474c") != 0)
        abort();
    ready = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    make_key_once();
    bool valid = false;
    json_t *rep = NULL;
    int rc = mm_screen_report_verify(&valid, &rep, (const char *)data, size, public_key);
    /* a report comes back exactly when it is valid */
    if ((rc == MM_OK && valid) != (rep != NULL))
        abort();
    if (rep && !json_is_object(rep))
        abort();
    json_decref(rep);
    /* the page of any well-formed document is drawn without failing */
    char *html = NULL;
    if (mm_screen_report_html(&html, (const char *)data, size) == MM_OK && !html)
        abort();
    free(html);
    mm_error_clear();
    return 0;
}
