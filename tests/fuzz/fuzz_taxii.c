/*
 * libFuzzer target: TAXII 2.1's outside input (include/mamori/taxii.h): the envelope of Add
 * Objects (then through the STIX import, as the server does), a peers file (federation),
 * the query filters, Basic credentials, media types and timestamps. The input is split at NUL bytes
 * into the envelope and the strings. What a success promises is checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"
#include "mamori/taxii.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* part 0: the envelope; parts 1..8: strings */
    const char *part[9] = {0};
    size_t plen[9] = {0};
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= size && k < 9; i++) {
        if (i == size || copy[i] == '\0') {
            part[k] = copy + start;
            plen[k] = i - start;
            k++;
            start = i + 1;
        }
    }
    json_t *bundle = NULL;
    int rc = mm_taxii_envelope(&bundle, part[0], plen[0]);
    if (rc == MM_OK) {
        json_t *objs = json_object_get(bundle, "objects");
        if (!json_is_array(objs) || json_array_size(objs) == 0 || json_array_size(objs) > 10000)
            abort();
        char *text = json_dumps(bundle, JSON_COMPACT);
        mm_tlp floor = MM_TLP_GREEN;
        mm_stix_import *imp = NULL;
        if (text && mm_stix_parse(&imp, text, strlen(text), &floor) == MM_OK && !imp)
            abort();
        mm_stix_import_free(imp);
        free(text);
    } else if (bundle || !mm_error_last()[0]) {
        abort();
    }
    json_decref(bundle);
    /* the same bytes as a peers file (mamori serve --peers) */
    mm_taxii_peers *peers = NULL;
    if (mm_taxii_peers_parse(&peers, part[0], plen[0], "peers") == MM_OK) {
        if (!peers || peers->n == 0 || peers->n > 32)
            abort();
        for (size_t i = 0; i < peers->n; i++) {
            const mm_taxii_peer *p = &peers->peer[i];
            if (!p->name || !p->api_root || !p->org_id || !p->token == !p->token_file ||
                p->n_pull + p->n_push == 0)
                abort();
            for (size_t k = 0; k < p->n_pull; k++)
                if (p->pull[k].labels & (1u << MM_TLP_RED))
                    abort();
            for (size_t k = 0; k < p->n_push; k++)
                if (p->push[k].labels & (1u << MM_TLP_RED))
                    abort();
        }
    } else if (peers || !mm_error_last()[0]) {
        abort();
    }
    mm_taxii_peers_free(peers);

    mm_taxii_filter f;
    if (mm_taxii_filter_parse(&f, part[1], part[2], part[3], part[4], part[5], part[6], part[7]) ==
        MM_OK) {
        if (f.limit < 1 || f.limit > MM_TAXII_LIMIT_MAX)
            abort();
        if (f.added_after[0] && strlen(f.added_after) != 27)
            abort();
        (void)mm_taxii_filter_object(&f, part[8] ? part[8] : "", "x--1",
                                     "2020-01-01T00:00:00.000000Z");
        (void)mm_taxii_filter_version(&f, "2020-01-01T00:00:00.000000Z", NULL, NULL);
        mm_taxii_filter_clear(&f);
    }
    char login[129], password[1025];
    if (part[1] &&
        mm_taxii_basic(part[1], login, sizeof login, password, sizeof password) == MM_OK) {
        if (!login[0] || strlen(login) >= sizeof login || strlen(password) >= sizeof password)
            abort();
    }
    char t[28];
    if (part[2] && mm_taxii_time(t, part[2]) == MM_OK && strlen(t) != 27)
        abort();
    (void)mm_taxii_media_ok(part[3], true);
    (void)mm_taxii_media_ok(part[3], false);
    free(copy);
    return 0;
}
