/*
 * libFuzzer target: the STIX 2.1 bundle importer (mm_stix_parse), outside input from any
 * signed-in user or a partner's feed. What a successful parse promises is checked, and the
 * items it gives export again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mm_tlp dflt = MM_TLP_AMBER;
    for (int pass = 0; pass < 2; pass++) {
        mm_stix_import *imp = NULL;
        int rc = mm_stix_parse(&imp, (const char *)data, size, pass ? &dflt : NULL);
        if (rc != MM_OK) {
            if (imp || !mm_error_last()[0])
                abort();
            continue;
        }
        if (!imp || imp->n_items == 0)
            abort();
        json_t *items = json_array();
        for (size_t i = 0; i < imp->n_items; i++) {
            const mm_stix_item *it = &imp->items[i];
            if (!it->title || !it->title[0] || strlen(it->title) > 300 || !it->stix_id ||
                !json_is_object(it->body) || (int)it->tlp < 0 || (int)it->tlp > 4)
                abort();
            if (json_array_size(json_object_get(it->body, "indicators")) > 1000)
                abort();
            json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:O}", "id", (json_int_t)i + 1,
                                                   "tlp", mm_tlp_label(it->tlp), "title", it->title,
                                                   "body", it->body));
        }
        json_t *bundle = NULL;
        if (mm_stix_export(&bundle, items) != MM_OK)
            abort();
        json_decref(bundle);
        json_decref(items);
        mm_stix_import_free(imp);
    }
    return 0;
}
