/*
 * libFuzzer target: signed annual affirmations (mm_affirmation_inspect, mm_affirmation_verify),
 * the documents POST /api/v1/organizations/{org}/affirmations takes in. The key pair is the
 * one of fuzz_signed.c (seed 00 01 02 ... 1f, key_id 56475aa75463474c), so the seeds in
 * corpus/fuzz_affirmation/ reach the signature check.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/submit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mm_key key;

static void make_key_once(void)
{
    if (key.org)
        return;
    unsigned char seed[32];
    for (int i = 0; i < 32; i++)
        seed[i] = (unsigned char)i;
    if (sodium_init() < 0)
        abort();
    crypto_sign_seed_keypair(key.public_key, key.secret_key, seed);
    mm_key_id(key.key_id, key.public_key);
    key.org = "Fuzz K.K.";
    key.has_secret = true;
    if (strcmp(key.key_id, "56475aa75463474c") != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    make_key_once();
    json_t *env = NULL;
    char kid[17], hash[65];
    if (mm_affirmation_inspect(&env, kid, hash, (const char *)data, size, "fuzz-aff.json") == 0)
        json_decref(env);
    mm_verify_status st;
    (void)mm_affirmation_verify(&st, (const char *)data, size, "fuzz-aff.json", &key);
    mm_error_clear();
    return 0;
}
