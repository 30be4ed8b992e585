/*
 * libFuzzer target: signed submission documents (mm_submission_verify, and mm_submission_open
 * with mm_signed_verify as the server takes them). The key pair is
 * fixed (made once from the seed 00 01 02 ... 1f, key_id 56475aa75463474c), so the seeds
 * in corpus/fuzz_signed/ carry its key_id and the fuzzer reaches the signature check.
 */
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
    unsigned char seed[32], sk[64];
    for (int i = 0; i < 32; i++)
        seed[i] = (unsigned char)i;
    if (sodium_init() < 0)
        abort();
    crypto_sign_seed_keypair(key.public_key, sk, seed);
    mm_key_id(key.key_id, key.public_key);
    key.org = "Fuzz K.K.";
    if (strcmp(key.key_id, "56475aa75463474c") != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    make_key_once();
    mm_verify_status st;
    (void)mm_submission_verify(&st, (const char *)data, size, "fuzz-signed.json", &key);
    (void)mm_verify_status_name(st);
    /* the server's path: parsed once, canonical bytes once (mm_submission_open) */
    mm_signed d;
    if (mm_submission_open(&d, (const char *)data, size, "fuzz-signed.json") == MM_OK) {
        (void)mm_signed_verify(&st, &d, &key);
        mm_signed_free(&d);
    }
    mm_error_clear();
    return 0;
}
