/* /etc/passwd, /etc/group and /etc/shadow: one fact per line, keyed by the first field. */
#include <stdlib.h>
#include <string.h>

#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

int mm_parse_colon_text(mm_facts *out, const char *data, size_t len, const char *file)
{
    const char *p = data, *end = data + len, *s;
    size_t n;
    int lineno = 0, rc = MM_OK;
    mm_buf line = MM_BUF_INIT;
    while (!rc && mm_next_line(&p, end, &s, &n)) {
        lineno++;
        mm_buf_reset(&line);
        mm_buf_put(&line, s, n);
        if (line.failed) {
            rc = MM_ENOMEM;
            break;
        }
        char *key = line.data, *colon = strchr(key, ':');
        if (!key[strspn(key, " \t\r")])
            continue; /* blank */
        if (colon)
            *colon = '\0';
        rc = mm_facts_add(out, key, colon ? colon + 1 : "", file, lineno, NULL);
    }
    mm_buf_free(&line);
    return rc;
}

int mm_parse_passwd(mm_facts *out, const mm_root *r)
{
    return mm_parse_root_file(out, r, "/etc/passwd", mm_parse_colon_text);
}

int mm_parse_group(mm_facts *out, const mm_root *r)
{
    return mm_parse_root_file(out, r, "/etc/group", mm_parse_colon_text);
}

int mm_parse_shadow(mm_facts *out, const mm_root *r)
{
    return mm_parse_root_file(out, r, "/etc/shadow", mm_parse_colon_text);
}
