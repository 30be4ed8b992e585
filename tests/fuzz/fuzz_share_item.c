/*
 * libFuzzer target: the body of POST /api/v1/items (mm_share_parse_item), outside input
 * from any signed-in user. What a successful parse promises is checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mm_share_item_body b;
    if (mm_share_parse_item(&b, (const char *)data, size) == MM_OK) {
        if (!b.json || !b.title || !b.title[0] || !b.description || (int)b.tlp < 0 ||
            (int)b.tlp > 4)
            abort();
        if (b.tlp == MM_TLP_RED &&
            (json_array_size(b.recipient_users) == 0 || json_array_size(b.recipient_orgs) > 0))
            abort();
        if (b.community && b.tlp != MM_TLP_GREEN)
            abort();
        json_t *stored = mm_share_item_stored_body(&b);
        if (!stored)
            abort();
        char *text = json_dumps(stored, JSON_COMPACT);
        free(text);
        json_decref(stored);
        mm_share_item_clear(&b);
        if (b.json)
            abort();
    } else if (b.json) {
        abort();
    }
    return 0;
}
