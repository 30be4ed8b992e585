/* ODP profiles and the rendering of requirement and objective text with ODP values. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "mamori/error.h"
#include "util/json.h"

#define PROFILE_FILE      "odp/dod-odp-r3.json"
#define PROFILE_MAX_BYTES (16u * 1024 * 1024)

void mm_profile_free(mm_profile *p)
{
    if (!p)
        return;
    mm_arena_free(p->arena);
    free(p);
}

int mm_profile_parse(mm_profile **out, const mm_catalog *cat, const char *data, size_t len,
                     const char *name)
{
    *out = NULL;
    if (cat && cat->framework != MM_FW_R3) {
        mm_error_set("%s: ODP profiles apply to SP 800-171 Rev 3 only; Rev 2 has no ODPs", name);
        return MM_EUSAGE;
    }
    json_t *root;
    if (mm_json_load(&root, data, len, name, 0))
        return MM_EPARSE;
    int rc = MM_OK;
    mm_profile *p = calloc(1, sizeof(*p));
    if (!p || !(p->arena = mm_arena_new())) {
        rc = MM_ENOMEM;
        goto done;
    }
    const json_t *vals = json_object_get(root, "values");
    p->nvalues = cat ? cat->nodps : json_object_size(vals);
    p->catalog = cat;
    p->values = mm_arena_calloc(p->arena, p->nvalues + 1, sizeof(mm_profile_value));
    if (!cat)
        p->ids = mm_arena_calloc(p->arena, p->nvalues + 1, sizeof(char *));
    p->source = mm_arena_strdup(p->arena, name);
    const json_t *values = json_object_get(root, "values");
    if (!json_is_object(root) || !json_is_object(values)) {
        mm_error_set("%s: $.values: expected an object mapping ODP ids to values", name);
        rc = MM_EINVALID;
        goto done;
    }
    const json_t *meta = json_object_get(root, "_meta");
    const char *title = json_string_value(json_object_get(meta, "title"));
    if (!title)
        title = json_string_value(json_object_get(root, "name"));
    p->name = mm_arena_strdup(p->arena, title ? title : name);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)values, key, v)
    {
        const mm_odp *odp = cat ? mm_catalog_odp(cat, key) : NULL;
        if (!cat) {
            /* no catalog to check ids against: keep the values in file order with ids */
            if (!p->ids || p->nset >= p->nvalues) {
                rc = MM_ENOMEM;
                goto done;
            }
            p->ids[p->nset] = mm_arena_strdup(p->arena, key);
        } else if (!odp) {
            mm_error_set("%s: $.values[\"%s\"]: unknown ODP id (expected one like "
                         "A.03.01.01.ODP.01)",
                         name, key);
            rc = MM_EINVALID;
            goto done;
        }
        mm_profile_value *pv = cat ? &p->values[odp - cat->odps] : &p->values[p->nset];
        const char *val = json_string_value(v);
        pv->fixed = true;
        if (json_is_object(v)) {
            val = json_string_value(json_object_get(v, "value"));
            json_t *fixed = json_object_get(v, "fixed");
            json_t *guidance = json_object_get(v, "guidance");
            if ((fixed && !json_is_boolean(fixed)) || (guidance && !json_is_boolean(guidance))) {
                mm_error_set("%s: $.values[\"%s\"]: \"fixed\" and \"guidance\" must be true or "
                             "false",
                             name, key);
                rc = MM_EINVALID;
                goto done;
            }
            pv->guidance = json_is_true(guidance);
            if (fixed)
                pv->fixed = json_is_true(fixed);
            if (pv->guidance)
                pv->fixed = false;
        }
        if (!val) {
            mm_error_set("%s: $.values[\"%s\"]: expected a string or an object with a "
                         "string \"value\"",
                         name, key);
            rc = MM_EINVALID;
            goto done;
        }
        pv->value = mm_arena_strdup(p->arena, val);
        p->nset++;
    }
    if (mm_arena_failed(p->arena))
        rc = MM_ENOMEM;
done:
    json_decref(root);
    if (rc) {
        mm_profile_free(p);
        return rc;
    }
    *out = p;
    return MM_OK;
}

const mm_profile_value *mm_profile_value_of(const mm_profile *p, const char *odp_id)
{
    if (!p || !odp_id)
        return NULL;
    if (p->catalog) {
        const mm_odp *o = mm_catalog_odp(p->catalog, odp_id);
        return o ? &p->values[o - p->catalog->odps] : NULL;
    }
    for (size_t i = 0; p->ids && i < p->nset; i++)
        if (p->ids[i] && strcmp(p->ids[i], odp_id) == 0)
            return &p->values[i];
    return NULL;
}

int mm_profile_load(mm_profile **out, const mm_catalog *cat, const char *path)
{
    if (!path) {
        size_t len;
        const char *data = mm_content_embedded(PROFILE_FILE, &len);
        if (!data) {
            mm_error_set("embedded content %s is missing", PROFILE_FILE);
            return MM_ENOTFOUND;
        }
        int rc = mm_profile_parse(out, cat, data, len, "embedded DoD ODP profile");
        if (!rc)
            (*out)->source = "embedded: content/odp/dod-odp-r3.json";
        return rc;
    }
    char *data;
    size_t len;
    int rc = mm_file_read(&data, &len, path, PROFILE_MAX_BYTES);
    if (rc)
        return rc;
    rc = mm_profile_parse(out, cat, data, len, path);
    free(data);
    return rc;
}

/* ---- rendering ----------------------------------------------------------------------- */

static void render_into(mm_buf *b, const mm_catalog *cat, const char *text, mm_odp_lookup lookup,
                        void *ctx, const char *open, const char *close, int depth)
{
    static const char tag[] = "{{ insert: param,";
    const char *s = text;
    while (s && *s) {
        const char *p = strstr(s, tag);
        if (!p) {
            mm_buf_puts(b, s);
            break;
        }
        const char *end = strstr(p, "}}");
        if (!end) {
            mm_buf_puts(b, s);
            break;
        }
        mm_buf_put(b, s, (size_t)(p - s));
        const char *id = p + sizeof(tag) - 1;
        while (*id == ' ')
            id++;
        size_t idlen = (size_t)(end - id);
        while (idlen && id[idlen - 1] == ' ')
            idlen--;
        char idbuf[64];
        if (idlen >= sizeof(idbuf))
            idlen = sizeof(idbuf) - 1;
        memcpy(idbuf, id, idlen);
        idbuf[idlen] = '\0';
        const char *val = lookup ? lookup(ctx, idbuf) : NULL;
        const mm_odp *odp = mm_catalog_odp(cat, idbuf);
        if (val) {
            mm_buf_puts(b, open);
            mm_buf_puts(b, val);
            mm_buf_puts(b, close);
        } else if (odp && odp->nchoices && depth < 4) {
            mm_buf_puts(b, "[Selection");
            if (mm_streq(odp->how_many, "one-or-more"))
                mm_buf_puts(b, " (one or more)");
            mm_buf_puts(b, ": ");
            for (size_t i = 0; i < odp->nchoices; i++) {
                if (i)
                    mm_buf_puts(b, "; ");
                render_into(b, cat, odp->choices[i], lookup, ctx, open, close, depth + 1);
            }
            mm_buf_putc(b, ']');
        } else {
            mm_buf_puts(b, "[Assignment: ");
            mm_buf_puts(b, odp && odp->usage ? odp->usage : odp && odp->label ? odp->label : idbuf);
            mm_buf_putc(b, ']');
        }
        s = end + 2;
    }
}

char *mm_catalog_render(const mm_catalog *cat, const char *text, mm_odp_lookup lookup, void *ctx,
                        const char *open, const char *close)
{
    mm_buf b = MM_BUF_INIT;
    render_into(&b, cat, text, lookup, ctx, open ? open : "", close ? close : "", 0);
    if (b.failed) {
        mm_buf_free(&b);
        return NULL;
    }
    if (!b.data)
        return strdup("");
    return b.data;
}

/* ---- numbers in ODP values ------------------------------------------------------------- */

long mm_unit_seconds(const char *unit)
{
    if (!unit)
        return 0;
    if (strncmp(unit, "second", 6) == 0)
        return 1;
    if (strncmp(unit, "minute", 6) == 0)
        return 60;
    if (strncmp(unit, "hour", 4) == 0)
        return 3600;
    if (strncmp(unit, "day", 3) == 0)
        return 86400;
    return 0;
}

bool mm_odp_number(const char *v, const char *unit, double *out)
{
    if (!v)
        return false;
    /* "at most five (5)": the number in parentheses; else the first number that is not a
     * list marker like "1)" in "1) Must have a minimum length of 16 characters" */
    const char *num = NULL;
    const char *paren = strchr(v, '(');
    if (paren && isdigit((unsigned char)paren[1]))
        num = paren + 1;
    for (const char *t = v; !num && *t; t++) {
        if (!isdigit((unsigned char)*t) || (t > v && isdigit((unsigned char)t[-1])))
            continue;
        const char *q = t;
        while (isdigit((unsigned char)*q))
            q++;
        if (*q == ')' || (*q == '.' && (q[1] == ' ' || !q[1])))
            continue; /* a list marker */
        num = t;
    }
    if (!num)
        return false;
    double n = strtod(num, NULL);
    long from = 0;
    const char *after = num;
    while (*after && !isalpha((unsigned char)*after))
        after++;
    if (!strncmp(after, "second", 6) || !strncmp(after, "minute", 6) ||
        !strncmp(after, "hour", 4) || !strncmp(after, "day", 3))
        from = mm_unit_seconds(after);
    long to = mm_unit_seconds(unit);
    if (from && to)
        n = n * (double)from / (double)to;
    *out = n;
    return true;
}
