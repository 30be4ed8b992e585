/*
 * libFuzzer target: the system text parsers (no file access). The first byte of the input
 * selects the parser, the rest is its input: 0 PAM, 1 fstab, 2 sudoers, 3 dpkg status,
 * 4 an RPM header blob, 5 audit rules, 6 passwd-like files (modulo 7 of its low 7 bits; the
 * high bit gives PAM a type filter). The PAM and sudoers include
 * callbacks parse the same input again, one level deeper, for a bounded number of includes
 * (so the depth limit and the type filter are exercised). Every fact must have a key, a
 * value, a file and a line within the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INCLUDES 16

typedef struct input {
    const char *data;
    size_t size;
    int includes;
} input;

static void check(const mm_facts *f, size_t size)
{
    for (size_t i = 0; i < f->n; i++) {
        const mm_fact *x = &f->items[i];
        if (!x->key || !x->value || !x->file || !*x->file || x->line < 1 ||
            (size_t)x->line > size + 1)
            abort();
    }
}

static int pam_again(void *ctx, mm_facts *out, const char *name, const char *type, int depth)
{
    input *in = ctx;
    if (!*name || depth > MM_INCLUDE_DEPTH_MAX || depth < 1 || in->includes >= MAX_INCLUDES)
        return MM_OK;
    in->includes++;
    return mm_parse_pam_text(out, in->data, in->size, "fuzz.pam.included", type, depth, pam_again,
                             in);
}

static int sudoers_again(void *ctx, mm_facts *out, const char *path, bool dir, int depth)
{
    input *in = ctx;
    (void)dir;
    /* the path comes made absolute and normalised */
    size_t n = strlen(path);
    if (path[0] != '/' || strstr(path, "//") || strstr(path, "/./") || strstr(path, "/../") ||
        (n > 1 && path[n - 1] == '/') || (n >= 2 && strcmp(path + n - 2, "/.") == 0) ||
        (n >= 3 && strcmp(path + n - 3, "/..") == 0))
        abort();
    if (depth > MM_INCLUDE_DEPTH_MAX || depth < 1 || in->includes >= MAX_INCLUDES)
        return MM_OK;
    in->includes++;
    return mm_parse_sudoers_text(out, in->data, in->size, path, depth, sudoers_again, in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned which = data[0];
    input in = {(const char *)data + 1, size - 1, 0};
    mm_facts f;
    if (mm_facts_init(&f) != MM_OK)
        return 0;
    int rc = MM_OK;
    switch ((which & 0x7f) % 7) {
    case 0:
        rc = mm_parse_pam_text(&f, in.data, in.size, "/etc/pam.d/fuzz",
                               which & 0x80 ? "auth" : NULL, 0, pam_again, &in);
        break;
    case 1: {
        rc = mm_parse_fstab_text(&f, in.data, in.size, "/etc/fstab");
        char *s = malloc(in.size + 1);
        if (s) {
            memcpy(s, in.data, in.size);
            s[in.size] = '\0';
            size_t before = strlen(s);
            mm_fstab_unescape(s);
            if (strlen(s) > before)
                abort();
            free(s);
        }
        break;
    }
    case 2:
        rc = mm_parse_sudoers_text(&f, in.data, in.size, "/etc/sudoers", 0, sudoers_again, &in);
        break;
    case 3:
        rc = mm_parse_dpkg_status_text(&f, in.data, in.size, "/var/lib/dpkg/status");
        break;
    case 4: {
        char *name = NULL, *evr = NULL;
        rc = mm_rpm_header_parse((const uint8_t *)in.data, in.size, &name, &evr);
        if (rc == MM_OK && (!name || !evr || !*name))
            abort();
        if (rc != MM_OK && (name || evr))
            abort();
        free(name);
        free(evr);
        rc = MM_ERROR; /* no facts to check */
        break;
    }
    case 5:
        rc = mm_parse_audit_text(&f, in.data, in.size, "/etc/audit/audit.rules");
        break;
    default:
        rc = mm_parse_colon_text(&f, in.data, in.size, "/etc/passwd");
        break;
    }
    if (rc == MM_OK)
        check(&f, in.size);
    mm_facts_free(&f);
    mm_error_clear();
    return 0;
}
