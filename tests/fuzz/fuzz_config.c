/*
 * libFuzzer target: the configuration text parsers (no file access). The input is parsed
 * as each key/value syntax and as sshd_config; every fact must have a key, a value and the
 * file name, and a line number within the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/probe.h"
#include "mamori/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const mm_facts *f, size_t size)
{
    for (size_t i = 0; i < f->n; i++) {
        const mm_fact *x = &f->items[i];
        if (!x->key || !x->value || !x->file || strcmp(x->file, "fuzz.conf") != 0 || x->line < 1 ||
            (size_t)x->line > size + 1)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const mm_kv_syntax syntaxes[] = {MM_KV_SPACE, MM_KV_EQUALS, MM_KV_INI};
    for (size_t s = 0; s < sizeof(syntaxes) / sizeof(syntaxes[0]); s++) {
        mm_facts f;
        if (mm_facts_init(&f) != MM_OK)
            return 0;
        if (mm_parse_kv_text(&f, (const char *)data, size, "fuzz.conf", syntaxes[s]) == MM_OK)
            check(&f, size);
        mm_facts_free(&f);
    }
    mm_facts f;
    if (mm_facts_init(&f) != MM_OK)
        return 0;
    if (mm_parse_sshd_text(&f, (const char *)data, size, "fuzz.conf") == MM_OK)
        check(&f, size);
    mm_facts_free(&f);
    mm_error_clear();
    return 0;
}
