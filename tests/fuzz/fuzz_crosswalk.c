/*
 * libFuzzer target: crosswalks (mm_crosswalk_peek and mm_crosswalk_parse, an OSCAL mapping
 * collection from outside) against a small fixed pack and the built-in SP 800-171 Rev 3. A
 * crosswalk that parses is inverted, looked up and written back as OSCAL, which must parse
 * again to the same number of rows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "mamori/framework.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char pack_json[] =
    "{\"catalog\": {\"uuid\": \"0b6c2c3e-5a1f-4e4e-8f60-737473746431\", \"metadata\": "
    "{\"title\": \"Fuzz\", \"version\": \"1\", \"props\": [{\"name\": \"framework-id\", "
    "\"value\": \"test-std\"}]}, \"controls\": ["
    "{\"id\": \"ts-1.1\", \"title\": \"a\", \"props\": [{\"name\": \"label\", \"value\": "
    "\"TS-1.1\"}]}, {\"id\": \"ts-1.2\", \"title\": \"b\"}, {\"id\": \"ts-1.3\", \"title\": "
    "\"c\"}, {\"id\": \"ts-2.1\", \"title\": \"d\"}]}}";

static mm_pack *src, *tgt;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!src && (mm_pack_parse(&src, pack_json, strlen(pack_json), "fuzz") ||
                 mm_pack_builtin(&tgt, "800-171r3")))
        abort();
    char *s = NULL, *t = NULL;
    if (mm_crosswalk_peek(&s, &t, (const char *)data, size, "fuzz-peek.json") == MM_OK) {
        free(s);
        free(t);
    }
    mm_crosswalk *cw = NULL, *inv = NULL, *back = NULL;
    if (mm_crosswalk_parse(&cw, (const char *)data, size, "fuzz-crosswalk.json", src, tgt) ==
        MM_OK) {
        size_t n;
        for (size_t i = 0; i < cw->nrows; i++)
            if (!mm_crosswalk_rows(cw, cw->rows[i].source, &n) || n == 0)
                abort();
        if (mm_crosswalk_invert(&inv, cw) == MM_OK && inv->nrows != cw->nrows)
            abort();
        char *text = mm_crosswalk_to_oscal(cw);
        if (text && cw->nrows > 0) {
            if (mm_crosswalk_parse(&back, text, strlen(text), "again", src, tgt) != MM_OK ||
                back->nrows != cw->nrows)
                abort();
        }
        free(text);
    }
    mm_crosswalk_free(cw);
    mm_crosswalk_free(inv);
    mm_crosswalk_free(back);
    mm_error_clear();
    return 0;
}
