/*
 * libFuzzer target: receipt documents (mm_receipt_verify). The server key pair is fixed
 * (made once from the seed 00 01 02 ... 1f, key_id 56475aa75463474c), so the seeds in
 * corpus/fuzz_receipt/ carry its server_key_id and the fuzzer reaches the signature check.
 */
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
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
    char body_hash[65], submission_id[64];
    if (mm_receipt_verify(&valid, (const char *)data, size, public_key, body_hash, submission_id) ==
        MM_OK) {
        /* the outputs are NUL-terminated strings of the sizes promised */
        if (strlen(body_hash) != 64 || strlen(submission_id) >= 64)
            abort();
    }
    mm_error_clear();
    return 0;
}
