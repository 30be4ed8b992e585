/*
 * libFuzzer target: the formats of a delivered notification (src/notify/message.c). The input
 * is a header value (an organization's name, a subject: text that others wrote) and a
 * Mamori-Signature header to check. Every header line must carry no CR or LF other than a fold
 * (CRLF then a space) and no line over 78 characters where the value is ASCII words of at most
 * 60; a message must keep its headers apart from its body; a signature never verifies with a
 * wrong secret; a webhook URL (src/notify/url.c) allowed under a prefix has no backslash and
 * is at most 500 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *v = malloc(size + 1);
    if (!v)
        return 0;
    memcpy(v, data, size);
    v[size] = '\0';
    char *h = NULL;
    if (mm_notify_header(&h, "Subject", v) == MM_OK) {
        for (const char *c = h; *c; c++) {
            if (*c == '\n' && (c == h || c[-1] != '\r' || c[1] != ' '))
                abort(); /* a bare LF, or a line break that is not a fold */
            if (*c == '\r' && c[1] != '\n')
                abort();
        }
        free(h);
    }
    mm_notify_mail m = {.from = "mamori@example.test",
                        .to = "user@example.test",
                        .subject = v,
                        .body = v,
                        .message_id = "<mamori.1.1@example.test>",
                        .date = 0,
                        .lang = "en"};
    char *msg = NULL;
    size_t len = 0;
    if (mm_notify_mail_render(&msg, &len, &m) == MM_OK) {
        const char *end = strstr(msg, "\r\n\r\n");
        if (!end || strstr(msg, "\r\nBcc:") != NULL)
            abort(); /* the headers end once, and a value adds none */
        free(msg);
    }
    const char body[] = "{}";
    if (mm_notify_verify(v, "whsec_fuzz", body, 2, 0, 0) &&
        mm_notify_verify(v, "whsec_other", body, 2, 0, 0))
        abort(); /* one signature, two secrets */
    const char *const prefixes[] = {"https://hooks.example/in", "http://127.0.0.1:8080/"};
    if (mm_notify_url_check(v, prefixes, 2, NULL) == 0 && (strchr(v, '\\') || size > 500))
        abort(); /* what the checker allows, it has checked */
    free(v);
    return 0;
}
