/*
 * libFuzzer target: the audit-rule normaliser (audit_rule.c). Each line of the input is read
 * as a rule; a rule that parses must print a normal form that parses again to the same normal
 * form (the form is a fixed point), with its syscalls, fields and comparisons sorted and
 * unique; comparisons and fields are normalised on their own as well.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/audit_rule.h"
#include "mamori/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sorted_unique(const char *const *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (strcmp(v[i - 1], v[i]) >= 0)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mm_audit_rule a, b;
    static char ta[16384], tb[16384], line[4096];
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (n >= sizeof(line))
            n = sizeof(line) - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        p = nl ? nl + 1 : end;
        if (mm_audit_rule_parse(&a, line) != MM_OK)
            continue;
        sorted_unique(a.syscalls, a.nsyscalls);
        sorted_unique(a.fields, a.nfields);
        sorted_unique(a.compares, a.ncompares);
        if (mm_audit_rule_text(&a, ta, sizeof(ta)) != MM_OK)
            continue;
        if (mm_audit_rule_parse(&b, ta) != MM_OK ||
            mm_audit_rule_text(&b, tb, sizeof(tb)) != MM_OK || strcmp(ta, tb) != 0)
            abort();
        char out[512];
        if (mm_audit_compare_normalize(line, out, sizeof(out)) == MM_OK) {
            char again[512];
            if (mm_audit_compare_normalize(out, again, sizeof(again)) != MM_OK ||
                strcmp(out, again) != 0)
                abort();
        }
    }
    return 0;
}
