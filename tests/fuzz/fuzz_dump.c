/*
 * libFuzzer target: the lines of a mamori dump (mm_dump_parse_line), the outside input of
 * `mamori admin import`. Parser only: no database. The input is split at newlines like a
 * dump file and every line is parsed; what a successful parse promises is checked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        mm_dump_line l;
        if (mm_dump_parse_line(&l, p, len) == MM_OK) {
            switch (l.kind) {
            case MM_DUMP_HEADER:
                if (l.schema < 1 || l.row)
                    abort();
                break;
            case MM_DUMP_ROW:
                if (l.table >= mm_dump_table_count() || !l.row)
                    abort();
                break;
            case MM_DUMP_TRAILER:
                if (strlen(l.sha256) != 64 || l.row)
                    abort();
                for (size_t i = 0; i < mm_dump_table_count(); i++)
                    if (l.counts[i] < 0)
                        abort();
                break;
            default:
                abort();
            }
        }
        mm_dump_line_clear(&l);
        mm_error_clear();
        p += len + 1;
    }
    return 0;
}
