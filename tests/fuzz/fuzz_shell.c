/*
 * libFuzzer target: the shell-assignment reader (mm_parse_shell_text, no file access) and
 * the lookup over its facts. Every fact must have a key that is a shell name, a value, a
 * file and a line within the input, and one of the four contexts; mm_shell_lookup of every
 * key must return one of the facts or NULL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mm_facts f;
    if (mm_facts_init(&f) != MM_OK)
        return 0;
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (mm_parse_shell_text(&f, (const char *)data, size, "/etc/profile") == MM_OK) {
        for (size_t i = 0; i < f.n; i++) {
            const mm_fact *x = &f.items[i];
            if (!x->key || !*x->key || !x->value || !x->file || x->line < 1 ||
                (size_t)x->line > lines || !x->context)
                abort();
            if (strcmp(x->context, MM_SH_SET) && strcmp(x->context, MM_SH_SET_READONLY) &&
                strcmp(x->context, MM_SH_READONLY) && strcmp(x->context, MM_SH_UNSET))
                abort();
            if (strspn(x->key, "_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") !=
                    strlen(x->key) ||
                (x->key[0] >= '0' && x->key[0] <= '9'))
                abort();
            const mm_fact *v = mm_shell_lookup(&f, x->key);
            if (v && (v < f.items || v >= f.items + f.n || strcmp(v->key, x->key) != 0))
                abort();
        }
    }
    mm_facts_free(&f);
    return 0;
}
