/*
 * libFuzzer target: signed recognition claims (mm_recognition_verify), the file `mamori
 * recognize verify` reads. The server key pair is fixed (made once from the seed 00 01 02 ...
 * 1f, key_id 56475aa75463474c), so the seeds in corpus/fuzz_recognition/ carry its
 * server_key_id and the fuzzer reaches the signature check.
 */
#include <jansson.h>
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
    json_t *claim = NULL;
    int rc = mm_recognition_verify(&valid, &claim, (const char *)data, size, public_key);
    /* a claim comes back exactly when it is valid */
    if ((rc == MM_OK && valid) != (claim != NULL))
        abort();
    if (claim && !json_is_object(claim))
        abort();
    json_decref(claim);
    mm_error_clear();
    return 0;
}
