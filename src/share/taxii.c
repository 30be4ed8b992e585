/*
 * mamori: TAXII 2.1's outside input (include/mamori/taxii.h): media types, Basic
 * credentials, the filters of the objects, manifest and versions endpoints, and the
 * envelope a client adds. The sections cited are those of the OASIS Standard (10 June 2021).
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mamori/taxii.h"
#include "util/json.h"

/* ---- media types (section 1.6.8) ------------------------------------------------------- */

/* one media range [from, to) without blanks: application/taxii+json[;version=2.1] */
static bool one_media(const char *from, const char *to)
{
    char buf[128];
    size_t n = 0;
    for (const char *p = from; p < to; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (n + 1 >= sizeof buf)
            return false;
        buf[n++] = (char)tolower((unsigned char)*p);
    }
    buf[n] = '\0';
    static const char base[] = "application/taxii+json";
    size_t b = sizeof base - 1;
    if (strncmp(buf, base, b) != 0)
        return false;
    if (buf[b] == '\0')
        return true;
    if (buf[b] != ';')
        return false;
    /* parameters: version=2.1 must be there if any version is; q= is allowed */
    bool ok = true;
    char *save = NULL;
    for (char *par = strtok_r(buf + b + 1, ";", &save); par; par = strtok_r(NULL, ";", &save)) {
        if (strncmp(par, "version=", 8) == 0)
            ok = ok && strcmp(par + 8, "2.1") == 0;
        else if (strncmp(par, "q=", 2) == 0)
            ok = ok && strcmp(par + 2, "0") != 0 && strcmp(par + 2, "0.0") != 0;
        else
            ok = false;
    }
    return ok;
}

bool mm_taxii_media_ok(const char *header, bool accept)
{
    if (!header)
        return false;
    const char *p = header;
    for (;;) {
        const char *end = accept ? strchr(p, ',') : NULL;
        if (!end)
            end = p + strlen(p);
        if (one_media(p, end))
            return true;
        if (!*end)
            return false;
        p = end + 1;
    }
}

/* ---- Basic credentials (RFC 7617) ------------------------------------------------------ */

int mm_taxii_basic(const char *header, char *login, size_t login_size, char *password,
                   size_t password_size)
{
    login[0] = password[0] = '\0';
    if (!header || strncasecmp(header, "Basic ", 6) != 0) {
        mm_error_set("Authorization: expected 'Basic ...'");
        return MM_EINVALID;
    }
    const char *b64 = header + 6;
    while (*b64 == ' ')
        b64++;
    size_t n = strlen(b64);
    if (n == 0 || n > 4096) {
        mm_error_set("Authorization: Basic credentials missing or too long");
        return MM_EINVALID;
    }
    unsigned char buf[3072];
    size_t len = 0;
    if (sodium_base642bin(buf, sizeof buf - 1, b64, n, NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        mm_error_set("Authorization: Basic credentials are not base64");
        return MM_EINVALID;
    }
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++) {
        if (buf[i] < 0x20 || buf[i] == 0x7f) {
            sodium_memzero(buf, sizeof buf);
            mm_error_set("Authorization: a control character in the Basic credentials");
            return MM_EINVALID;
        }
    }
    char *colon = memchr(buf, ':', len);
    size_t ln = colon ? (size_t)(colon - (char *)buf) : 0;
    size_t pn = colon ? len - ln - 1 : 0;
    int rc = MM_OK;
    if (!colon || ln == 0) {
        mm_error_set("Authorization: Basic credentials need 'login:password'");
        rc = MM_EINVALID;
    } else if (ln >= login_size || pn >= password_size) {
        mm_error_set("Authorization: the login or password is too long");
        rc = MM_EINVALID;
    } else {
        memcpy(login, buf, ln);
        login[ln] = '\0';
        memcpy(password, colon + 1, pn);
        password[pn] = '\0';
    }
    sodium_memzero(buf, sizeof buf);
    return rc;
}

/* ---- timestamps (section 1.6.10) ------------------------------------------------------- */

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

int mm_taxii_time(char out[28], const char *text)
{
    out[0] = '\0';
    /* YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z */
    size_t n = text ? strlen(text) : 0;
    bool shape = n >= 20 && digits(text, 4) && text[4] == '-' && digits(text + 5, 2) &&
                 text[7] == '-' && digits(text + 8, 2) && (text[10] == 'T' || text[10] == 't') &&
                 digits(text + 11, 2) && text[13] == ':' && digits(text + 14, 2) &&
                 text[16] == ':' && digits(text + 17, 2);
    size_t frac = 0;
    if (shape && text[19] == '.') {
        while (isdigit((unsigned char)text[20 + frac]))
            frac++;
        shape = frac >= 1 && frac <= 9 && n == 21 + frac;
    } else {
        shape = shape && n == 20;
    }
    shape = shape && (text[n - 1] == 'Z' || text[n - 1] == 'z');
    int mo = shape ? atoi(text + 5) : 0, d = shape ? atoi(text + 8) : 0;
    int h = shape ? atoi(text + 11) : 0, mi = shape ? atoi(text + 14) : 0;
    int s = shape ? atoi(text + 17) : 0;
    if (!shape || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
        mm_error_set("expected a timestamp such as 2016-01-01T01:01:01.000Z, got '%.40s'",
                     text ? text : "");
        return MM_EINVALID;
    }
    char f[7] = "000000";
    for (size_t i = 0; i < frac && i < 6; i++)
        f[i] = text[20 + i];
    snprintf(out, 28, "%.10sT%.8s.%sZ", text, text + 11, f);
    return MM_OK;
}

/* ---- filters (section 3.4) ------------------------------------------------------------- */

void mm_taxii_filter_clear(mm_taxii_filter *f)
{
    char **lists[] = {f->types, f->ids, f->versions};
    for (size_t k = 0; k < 3; k++) {
        for (char **p = lists[k]; p && *p; p++)
            free(*p);
        free(lists[k]);
    }
    memset(f, 0, sizeof *f);
}

/* a comma-separated list into a NULL-terminated array of copies */
static int split(char ***out, const char *name, const char *text)
{
    *out = NULL;
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    if (cap > 100) {
        mm_error_set("%s: at most 100 values", name);
        return MM_EINVALID;
    }
    char **v = calloc(cap + 1, sizeof *v);
    if (!v)
        return MM_ENOMEM;
    size_t k = 0;
    const char *p = text;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 0 || n > 300) {
            for (size_t i = 0; i < k; i++)
                free(v[i]);
            free(v);
            mm_error_set("%s: an empty or over-long value", name);
            return MM_EINVALID;
        }
        if (!(v[k] = strndup(p, n))) {
            for (size_t i = 0; i < k; i++)
                free(v[i]);
            free(v);
            return MM_ENOMEM;
        }
        k++;
        if (!end)
            break;
        p = end + 1;
    }
    *out = v;
    return MM_OK;
}

static int whole(size_t *out, const char *name, const char *text, size_t lo, size_t hi)
{
    char *end = NULL;
    if (!digits(text, strlen(text)) || !text[0] || strlen(text) > 9) {
        mm_error_set("%s: expected a whole number from %zu to %zu", name, lo, hi);
        return MM_EINVALID;
    }
    unsigned long long v = strtoull(text, &end, 10);
    if (v < lo || v > hi) {
        mm_error_set("%s: expected a whole number from %zu to %zu", name, lo, hi);
        return MM_EINVALID;
    }
    *out = (size_t)v;
    return MM_OK;
}

int mm_taxii_filter_parse(mm_taxii_filter *f, const char *added_after, const char *type,
                          const char *id, const char *version, const char *spec_version,
                          const char *limit, const char *next)
{
    memset(f, 0, sizeof *f);
    f->limit = MM_TAXII_LIMIT_DEFAULT;
    f->spec_21 = true;
    int rc = MM_OK;
    if (added_after && mm_taxii_time(f->added_after, added_after) != MM_OK) {
        char m[200];
        snprintf(m, sizeof m, "%s", mm_error_last());
        mm_error_set("added_after: %s", m);
        rc = MM_EINVALID;
    }
    if (rc == MM_OK && type)
        rc = split(&f->types, "match[type]", type);
    if (rc == MM_OK && id)
        rc = split(&f->ids, "match[id]", id);
    if (rc == MM_OK && spec_version) {
        char **sv = NULL;
        rc = split(&sv, "match[spec_version]", spec_version);
        f->spec_21 = false;
        for (char **p = sv; p && *p; p++) {
            f->spec_21 = f->spec_21 || strcmp(*p, "2.1") == 0;
            free(*p);
        }
        free(sv);
    }
    if (rc == MM_OK && version) {
        char **vs = NULL;
        rc = split(&vs, "match[version]", version);
        size_t n = 0;
        for (char **p = vs; p && *p; p++)
            n++;
        if (rc == MM_OK && !(f->versions = calloc(n + 1, sizeof *f->versions)))
            rc = MM_ENOMEM;
        size_t k = 0;
        for (char **p = vs; rc == MM_OK && p && *p; p++) {
            char canon[28];
            if (strcmp(*p, "first") == 0)
                f->v_first = true;
            else if (strcmp(*p, "last") == 0)
                f->v_last = true;
            else if (strcmp(*p, "all") == 0)
                f->v_all = true;
            else if (mm_taxii_time(canon, *p) == MM_OK) {
                if (!(f->versions[k++] = strdup(canon)))
                    rc = MM_ENOMEM;
            } else {
                mm_error_set("match[version]: expected first, last, all or timestamps, got "
                             "'%.40s'",
                             *p);
                rc = MM_EINVALID;
            }
        }
        for (char **p = vs; p && *p; p++)
            free(*p);
        free(vs);
    } else if (rc == MM_OK) {
        f->v_last = true;
    }
    if (rc == MM_OK && limit)
        rc = whole(&f->limit, "limit", limit, 1, MM_TAXII_LIMIT_MAX);
    if (rc == MM_OK && next)
        rc = whole(&f->offset, "next", next, 0, 100000000);
    if (rc)
        mm_taxii_filter_clear(f);
    return rc;
}

static bool listed(char *const *list, const char *v)
{
    if (!list)
        return true;
    for (; *list; list++)
        if (v && strcmp(*list, v) == 0)
            return true;
    return false;
}

bool mm_taxii_filter_object(const mm_taxii_filter *f, const char *type, const char *id,
                            const char *date_added)
{
    return f->spec_21 && listed(f->types, type) && listed(f->ids, id) &&
           (!f->added_after[0] || (date_added && strcmp(date_added, f->added_after) > 0));
}

bool mm_taxii_filter_version(const mm_taxii_filter *f, const char *version, const char *first,
                             const char *last)
{
    if (f->v_all)
        return true;
    if (f->v_first && first && strcmp(version, first) == 0)
        return true;
    if (f->v_last && last && strcmp(version, last) == 0)
        return true;
    for (char **p = f->versions; p && *p; p++)
        if (strcmp(*p, version) == 0)
            return true;
    return false;
}

/* ---- the envelope of Add Objects (sections 3.7 and 5.5) -------------------------------- */

int mm_taxii_envelope(json_t **bundle_out, const char *text, size_t len)
{
    *bundle_out = NULL;
    json_t *env = NULL;
    int rc = mm_json_load(&env, text, len, "envelope", 0);
    if (rc)
        return rc;
    const char *key;
    json_t *v;
    rc = MM_EINVALID;
    if (!json_is_object(env)) {
        mm_error_set("envelope: $: expected an object {\"objects\": [...]}");
        goto done;
    }
    json_object_foreach(env, key, v)
    {
        if (strcmp(key, "objects") != 0 && strcmp(key, "more") != 0 && strcmp(key, "next") != 0) {
            mm_error_set("envelope: $.%.40s: not a member of an envelope", key);
            goto done;
        }
    }
    json_t *objs = json_object_get(env, "objects");
    if (!json_is_array(objs) || json_array_size(objs) == 0 || json_array_size(objs) > 10000) {
        mm_error_set("envelope: $.objects: expected 1 to 10000 STIX objects");
        goto done;
    }
    size_t i;
    json_array_foreach(objs, i, v)
    {
        if (!json_is_object(v) || !json_is_string(json_object_get(v, "type")) ||
            !json_is_string(json_object_get(v, "id"))) {
            mm_error_set("envelope: $.objects[%zu]: expected a STIX object with a string "
                         "\"type\" and \"id\"",
                         i);
            goto done;
        }
    }
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    raw[6] = (unsigned char)((raw[6] & 0x0f) | 0x40);
    raw[8] = (unsigned char)((raw[8] & 0x3f) | 0x80);
    char bid[64];
    snprintf(bid, sizeof bid,
             "bundle--%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", raw[0],
             raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7], raw[8], raw[9], raw[10],
             raw[11], raw[12], raw[13], raw[14], raw[15]);
    *bundle_out = json_pack("{s:s,s:s,s:O}", "type", "bundle", "id", bid, "objects", objs);
    rc = *bundle_out ? MM_OK : MM_ENOMEM;
done:
    json_decref(env);
    return rc;
}

const char *mm_taxii_object_version(const json_t *obj)
{
    const char *v = json_string_value(json_object_get(obj, "modified"));
    return v ? v : json_string_value(json_object_get(obj, "created"));
}
