/*
 * libFuzzer target: the one JSON loader (src/util/json.c). It does more than call jansson:
 * the byte order mark, the UTF-16/UTF-32 and Shift_JIS detection (with the line and column
 * of the first byte that is not UTF-8) and the path helpers run on every input. Checks:
 * a success leaves a value and an error a message; a message has the name first; the
 * getters and the member check never fail on the document's own keys and types.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int line, col;
    (void)mm_json_foreign_encoding((const char *)data, size, &line, &col);
    if (line < 1 || col < 1)
        abort();
    json_t *j = NULL;
    int rc = mm_json_load(&j, (const char *)data, size, "fuzz.json", 0);
    if (rc != MM_OK) {
        if (j || rc != MM_EPARSE || strncmp(mm_error_last(), "fuzz.json", 9) != 0)
            abort();
        mm_error_clear();
        return 0;
    }
    if (!j)
        abort();
    if (json_is_object(j)) {
        const char *keys[65];
        size_t n = 0;
        const char *key;
        json_t *v;
        json_object_foreach(j, key, v)
        {
            char path[128];
            mm_json_path_key(path, sizeof(path), "$", key);
            if (strlen(path) >= sizeof(path))
                abort();
            const char *s;
            json_t *o;
            if (json_is_string(v) && mm_json_get_string(&s, j, key, true, "f", "$"))
                abort();
            if (json_is_object(v) && mm_json_get_object(&o, j, key, true, "f", "$"))
                abort();
            if (json_is_array(v) && mm_json_get_array(&o, j, key, true, "f", "$"))
                abort();
            if (json_is_number(v) && !mm_json_get_string(&s, j, key, true, "f", "$"))
                abort(); /* a number is not a string */
            if (n < 64)
                keys[n++] = key;
        }
        keys[n] = NULL;
        if (json_object_size(j) <= 64 && mm_json_check_members(j, keys, "f", "$"))
            abort();
    }
    json_decref(j);
    mm_error_clear();
    return 0;
}
