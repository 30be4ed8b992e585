/* /etc/fstab and /proc/mounts: one fact per mount point. */
#include <stdlib.h>
#include <string.h>

#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

#define WS " \t\r\v\f"

void mm_fstab_unescape(char *s)
{
    char *o = s;
    for (const char *p = s; *p;) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
            p[3] >= '0' && p[3] <= '7') {
            *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 4;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
}

int mm_parse_fstab_text(mm_facts *out, const char *data, size_t len, const char *file)
{
    const char *p = data, *end = data + len, *s;
    size_t n;
    int lineno = 0, rc = MM_OK;
    mm_buf line = MM_BUF_INIT, value = MM_BUF_INIT;
    while (!rc && mm_next_line(&p, end, &s, &n)) {
        lineno++;
        mm_buf_reset(&line);
        mm_buf_put(&line, s, n);
        if (line.failed) {
            rc = MM_ENOMEM;
            break;
        }
        char *f[6] = {0}, *q = line.data ? line.data : (char *)"";
        q += strspn(q, WS);
        if (*q == '#' || !*q)
            continue;
        int nf = 0;
        while (nf < 6 && *q) {
            f[nf++] = q;
            q += strcspn(q, WS);
            if (*q)
                *q++ = '\0';
            q += strspn(q, WS);
        }
        if (nf < 3)
            continue;
        mm_buf_reset(&value);
        mm_buf_printf(&value, "%s %s %s %s %s", f[0], f[2], f[3] ? f[3] : "defaults",
                      f[4] ? f[4] : "0", f[5] ? f[5] : "0");
        mm_fstab_unescape(f[1]);
        rc = value.failed ? MM_ENOMEM
                          : mm_facts_add(out, f[1], mm_buf_cstr(&value), file, lineno, NULL);
    }
    mm_buf_free(&line);
    mm_buf_free(&value);
    return rc;
}

int mm_parse_fstab(mm_facts *out, const mm_root *r)
{
    return mm_parse_root_file(out, r, "/etc/fstab", mm_parse_fstab_text);
}

int mm_parse_mounts(mm_facts *out, const mm_root *r)
{
    if (!mm_root_is_live(r)) {
        mm_error_set("/proc/mounts: %s is not the running system's root", mm_root_path(r));
        return MM_ENOTFOUND;
    }
    return mm_parse_root_file(out, r, "/proc/mounts", mm_parse_fstab_text);
}
