/*
 * libFuzzer target: the server's receipt key file (mm_server_key_parse), which `mamori
 * submit --server-key` and `mamori receipt` read from the user and from the server.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/submit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char pub[32];
    char key_id[17];
    if (mm_server_key_parse(pub, key_id, (const char *)data, size, "fuzz") == MM_OK) {
        /* a key accepted has the key id of its public key */
        char kid[17];
        mm_key_id(kid, pub);
        if (strlen(key_id) != 16 || strcmp(kid, key_id) != 0)
            abort();
    }
    mm_error_clear();
    return 0;
}
