/*
 * libFuzzer target: the request target's percent-decoder (src/server/framing.c), which
 * libmicrohttpd runs on every path and query parameter. The input is the raw text (cut at its
 * first NUL, as MHD hands it over). The decoded text must stay inside the buffer, be
 * NUL-terminated at the returned length with no NUL before it (a "%00" must not cut it short),
 * be shorter by two bytes per "%XX" decoded, and equal the input when there is no '%'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/framing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    size_t in_len = strlen(s);
    char *orig = strdup(s);
    if (!orig) {
        free(s);
        return 0;
    }
    size_t escapes = 0;
    for (size_t i = 0; i < in_len;) {
        if (orig[i] == '%' && is_hex(orig[i + 1]) && is_hex(orig[i + 2])) {
            escapes++;
            i += 3;
        } else {
            i++;
        }
    }
    size_t n = framing_percent_decode(s);
    if (n != in_len - 2 * escapes || s[n] != '\0' || memchr(s, '\0', n))
        abort();
    if (!strchr(orig, '%') && strcmp(s, orig) != 0)
        abort();
    free(orig);
    free(s);
    return 0;
}
