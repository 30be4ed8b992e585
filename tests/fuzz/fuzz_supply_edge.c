/*
 * libFuzzer target: the body of a new supply edge (src/supply/edge_body.c), parsed and
 * checked against the embedded clause catalog exactly as POST
 * /api/v1/organizations/{org}/suppliers does. A refusal always names where and what.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/supply.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mm_clause_catalog *c;
    if (!c && mm_clause_catalog_load(&c, NULL) != MM_OK)
        abort();
    mm_supply_edge_body *b = NULL;
    int rc = mm_supply_edge_body_parse(&b, (const char *)data, size, "body", c);
    if (rc == MM_OK) {
        if (!b || !b->supplier_id || !b->contract || !b->clauses || !b->handles)
            abort();
    } else if (rc != MM_ENOMEM && strncmp(mm_error_last(), "body", 4) != 0) {
        abort(); /* every message starts with the input's name */
    }
    mm_supply_edge_body_free(b);
    return 0;
}
