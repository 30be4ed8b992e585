/*
 * libFuzzer target: the server's request bodies (src/server/bodies.c). The first byte picks
 * the endpoint's table of members (logon, password, token, organization, user, consent,
 * key); the rest is the body, parsed and checked exactly as the server does.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/bodies.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const body_field *const tables[] = {body_login, body_password, body_token, body_org,
                                               body_user,  body_consent,  body_key};
    if (size < 1)
        return 0;
    const body_field *t = tables[data[0] % (sizeof tables / sizeof tables[0])];
    char msg[200];
    json_t *j = mm_body_parse((const char *)data + 1, size - 1, msg, sizeof msg);
    if (!j) {
        if (!msg[0])
            abort(); /* a refusal always says why */
        return 0;
    }
    msg[0] = '\0';
    if (mm_body_check(j, t, msg, sizeof msg) != 0 && !msg[0])
        abort();
    json_decref(j);
    return 0;
}
