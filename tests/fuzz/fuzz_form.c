/*
 * libFuzzer target: the dashboard's form parser (src/server/form.c). The first byte picks
 * the content type (urlencoded, or multipart with one of two boundaries); the rest is the
 * body. Every field found must lie inside the parser's memory and be NUL-terminated, and a
 * refusal must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const types[] = {
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=XyZ",
        "multipart/form-data; boundary=\"----WebKitFormBoundary7MA4YWxkTrZu0gW\"",
        "application/x-www-form-urlencoded; charset=UTF-8",
    };
    if (size < 1)
        return 0;
    const char *ct = types[data[0] % (sizeof types / sizeof types[0])];
    mm_form f;
    char msg[160];
    int rc = mm_form_parse(&f, ct, (const char *)data + 1, size - 1, 1 << 20, msg, sizeof msg);
    if (rc != 0) {
        if (!msg[0])
            abort(); /* a refusal always says why */
    } else {
        for (size_t i = 0; i < f.n; i++) {
            const mm_form_field *fl = &f.fields[i];
            if (!fl->name[0] || fl->value[fl->len] != '\0')
                abort();
            if (mm_form_get(&f, fl->name) != fl) /* names are unique */
                abort();
        }
    }
    mm_form_free(&f);
    char enc[64] = "";
    (void)mm_url_encode(enc, sizeof enc, "a b/c?d=é");
    return 0;
}
