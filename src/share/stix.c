/*
 * STIX 2.1 bundles of shared items: export (report + indicators + the official TLP 2.0
 * marking definitions) and import (TLP 1.0 or 2.0 markings, most restrictive wins). Pure:
 * no store, no I/O. Marking ids: ../shared/data/sharing/tlp-stix.json (docs/sharing.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mamori/share.h"
#include "util/util.h"

#define TLP2_EXT     "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
#define TLP2_CREATED "2022-10-01T00:00:00.000Z"
#define INCIDENT_EXT "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
#define MAX_DEPTH    32
#define MAX_OBJECTS  10000
#define MAX_STRING   (1024 * 1024)

/* TLP 2.0 marking-definition ids, by label (mm_tlp order). */
static const char *const tlp2_ids[] = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", /* CLEAR */
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", /* GREEN */
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", /* AMBER */
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", /* AMBER+STRICT */
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", /* RED */
};
static const char *const tlp2_values[] = {"clear", "green", "amber", "amber+strict", "red"};

/* TLP 1.0 (STIX 2.1 section 7.2.1.4): WHITE is read as CLEAR. */
static const struct {
    const char *id;
    mm_tlp tlp;
} tlp1[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", MM_TLP_CLEAR},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", MM_TLP_GREEN},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", MM_TLP_AMBER},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", MM_TLP_RED},
};

/* Indicator types written as STIX patterns: our type, the pattern's object path, and the
 * other names accepted for it on export. */
static const struct {
    const char *type;
    const char *path;
    const char *alias;
} patterns[] = {
    {"ipv4-addr", "ipv4-addr:value", "ipv4"},
    {"ipv6-addr", "ipv6-addr:value", "ipv6"},
    {"domain-name", "domain-name:value", "domain"},
    {"url", "url:value", "uri"},
    {"email-addr", "email-addr:value", "email"},
    {"sha256", "file:hashes.'SHA-256'", "file-sha256"},
    {"sha1", "file:hashes.'SHA-1'", "file-sha1"},
    {"md5", "file:hashes.MD5", "file-md5"},
    {"sha512", "file:hashes.'SHA-512'", "file-sha512"},
};
#define N_PATTERNS (sizeof(patterns) / sizeof(patterns[0]))

static int fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(int rc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mm_error_set("%s", msg);
    return rc;
}

/* A formatted string (the caller frees it), NULL when out of memory. */
static char *mk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *mk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* ---- export ---------------------------------------------------------------------------- */

/* A STIX timestamp (milliseconds, Z) from ours ("2026-11-23T16:26:17Z", with or without a
 * fraction). */
static void stix_time(char out[25], const char *t)
{
    if (!t || strlen(t) < 19 || t[4] != '-' || t[10] != 'T') {
        snprintf(out, 25, "1970-01-01T00:00:00.000Z");
        return;
    }
    char ms[4] = "000";
    if (t[19] == '.') {
        for (int i = 0; i < 3 && t[20 + i] >= '0' && t[20 + i] <= '9'; i++)
            ms[i] = t[20 + i];
    }
    snprintf(out, 25, "%.19s.%sZ", t, ms);
}

static void stix_id(char *out, size_t size, const char *type, const char *item_id, const char *what)
{
    char name[600];
    char uuid[37];
    snprintf(name, sizeof(name), "stix:%s:%s%s", type, item_id, what);
    mm_uuid_v5(uuid, name);
    snprintf(out, size, "%s--%s", type, uuid);
}

/* A STIX pattern string literal: quoted, with \ and ' escaped. NULL when out of memory. */
static char *quote(const char *v)
{
    size_t n = strlen(v);
    char *q = malloc(2 * n + 3);
    if (!q)
        return NULL;
    char *p = q;
    *p++ = '\'';
    for (; *v; v++) {
        if (*v == '\\' || *v == '\'')
            *p++ = '\\';
        *p++ = *v;
    }
    *p++ = '\'';
    *p = '\0';
    return q;
}

static int pattern_of(const char *type)
{
    for (size_t i = 0; i < N_PATTERNS; i++)
        if (strcmp(type, patterns[i].type) == 0 || strcmp(type, patterns[i].alias) == 0)
            return (int)i;
    return -1;
}

static json_t *marking_definition(mm_tlp t)
{
    json_t *ext = json_pack("{s:{s:s,s:s}}", TLP2_EXT, "extension_type", "property-extension",
                            "tlp_2_0", tlp2_values[t]);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "type", "marking-definition", "spec_version",
                     "2.1", "id", tlp2_ids[t], "created", TLP2_CREATED, "name", mm_tlp_label(t),
                     "extensions", ext);
}

/* What export_one writes beside the objects: the labels used, the non-TLP marking
 * definitions kept from imported items ({id: definition}) and the originators' identities
 * ({id: identity}, each marked with the widest label of the items that name it). */
typedef struct export_ctx {
    json_t *objects;
    bool used[5];
    json_t *markings;
    json_t *identities;
} export_ctx;

/* The identity of an item's originating organization (created_by_ref of everything made
 * from the item), added to ctx once per organization; its id is written to out. */
static int originator(export_ctx *ctx, char out[100], const json_t *item, mm_tlp t,
                      const char *created)
{
    const char *org = json_string_value(json_object_get(item, "originator_org"));
    const char *name = json_string_value(json_object_get(item, "originator_name"));
    if (!org || !org[0])
        org = "mamori";
    if (!name || !name[0])
        name = org;
    char key[300], uuid[37];
    snprintf(key, sizeof(key), "stix:identity:org:%.200s", org);
    mm_uuid_v5(uuid, key);
    snprintf(out, 100, "identity--%s", uuid);
    json_t *known = json_object_get(ctx->identities, out);
    if (known) {
        mm_tlp was = MM_TLP_CLEAR;
        for (int i = 0; i < 5; i++)
            if (mm_streq(json_string_value(
                             json_array_get(json_object_get(known, "object_marking_refs"), 0)),
                         tlp2_ids[i]))
                was = (mm_tlp)i;
        if (t < was &&
            json_object_set_new(known, "object_marking_refs", json_pack("[s]", tlp2_ids[t])))
            return fail(MM_ENOMEM, "out of memory");
        return MM_OK;
    }
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}", "type", "identity",
                          "spec_version", "2.1", "id", out, "created_by_ref", out, "created",
                          created, "modified", created, "name", name, "identity_class",
                          "organization", "object_marking_refs", tlp2_ids[t]);
    if (!o || json_object_set_new(ctx->identities, out, o))
        return fail(MM_ENOMEM, "out of memory");
    return MM_OK;
}

/* The marking refs of an item: its TLP 2.0 marking, then the statement (and other non-TLP)
 * marking definitions an imported item kept (body "markings"), which go into ctx once. */
static json_t *marking_refs(export_ctx *ctx, const json_t *body, mm_tlp t)
{
    json_t *refs = json_pack("[s]", tlp2_ids[t]);
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(body, "markings"), i, m)
    {
        const char *id = json_string_value(json_object_get(m, "id"));
        if (!refs || !id || strncmp(id, "marking-definition--", 20) != 0)
            continue;
        if (!json_object_get(ctx->markings, id) &&
            json_object_set_new(ctx->markings, id, json_deep_copy(m))) {
            json_decref(refs);
            return NULL;
        }
        if (json_array_append_new(refs, json_string(id))) {
            json_decref(refs);
            return NULL;
        }
    }
    return refs;
}

static json_t *indicator(const char *id, const char *created, const char *modified,
                         const char *valid_from, const char *name, const char *desc,
                         const char *pattern, const char *creator, const json_t *mrefs)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O}", "type", "indicator",
                     "spec_version", "2.1", "id", id, "created_by_ref", creator, "created", created,
                     "modified", modified, "name", name, "description", desc, "pattern", pattern,
                     "pattern_type", "stix", "pattern_version", "2.1", "valid_from", valid_from,
                     "object_marking_refs", mrefs);
}

/* CISA's recoverability categories in the incident core extension's vocabulary; NULL for
 * anything else (left out: not knowing is not "not-applicable"). */
static const char *recoverability_of(const char *cisa)
{
    static const struct {
        const char *cisa, *stix;
    } map[] = {{"REGULAR", "regular"},
               {"SUPPLEMENTED", "supplemented"},
               {"EXTENDED", "extended"},
               {"NOT RECOVERABLE", "not-recoverable"}};
    for (size_t i = 0; cisa && i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(cisa, map[i].cisa) == 0)
            return map[i].stix;
    return NULL;
}

/* "label: a, b" lines of a report's list member, appended to buf. */
static void list_line(mm_buf *buf, const char *label, const json_t *list)
{
    if (!json_is_array(list) || json_array_size(list) == 0)
        return;
    mm_buf_printf(buf, "\n%s: ", label);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
        mm_buf_printf(buf, "%s%s", i ? ", " : "", json_string_value(v) ? json_string_value(v) : "");
}

static void text_line(mm_buf *buf, const char *label, const json_t *v)
{
    if (json_string_value(v) && json_string_value(v)[0])
        mm_buf_printf(buf, "\n%s: %s", label, json_string_value(v));
}

/* An incident report (an item of kind "incident" carrying "incident": the report as GET
 * /api/v1/incidents/{id} shows it) as a STIX `incident` with the incident core extension.
 * determination and investigation_status: see docs/sharing.md ("Incident reports"). */
static int export_incident(json_t *objects, const char *id, const char *title, const json_t *mrefs,
                           const char *creator, const char *created, const char *modified,
                           const json_t *inc)
{
    const json_t *rep = json_object_get(inc, "report");
    mm_buf d = MM_BUF_INIT;
    const char *narrative = json_string_value(json_object_get(rep, "narrative"));
    mm_buf_printf(&d, "%s\n", narrative ? narrative : "");
    text_line(&d, "Report number", json_object_get(inc, "report_number"));
    text_line(&d, "Report type", json_object_get(inc, "report_type"));
    text_line(&d, "Initial report", json_object_get(inc, "initial_report"));
    text_line(&d, "Discovered", json_object_get(inc, "discovered"));
    text_line(&d, "Reported", json_object_get(inc, "reported"));
    text_line(&d, "Functional impact (CISA)", json_object_get(rep, "functional_impact"));
    text_line(&d, "Information impact (CISA)", json_object_get(rep, "information_impact"));
    text_line(&d, "Recoverability (CISA)", json_object_get(rep, "recoverability"));
    list_line(&d, "Attack vectors (CISA)", json_object_get(rep, "attack_vectors"));
    list_line(&d, "Affected systems", json_object_get(rep, "affected_systems"));
    list_line(&d, "NIST SP 800-171 requirements", json_object_get(rep, "requirements"));
    text_line(&d, "Type of compromise", json_object_get(rep, "type_of_compromise"));
    text_line(&d, "Technique", json_object_get(rep, "technique"));
    text_line(&d, "Outcome", json_object_get(rep, "outcome"));
    if (d.failed) {
        mm_buf_free(&d);
        return fail(MM_ENOMEM, "out of memory");
    }
    /* mamori's report form has no determination: every report is of a suspected incident,
     * and a report (initial, follow-on or voluntary) does not close the investigation */
    json_t *ext = json_pack("{s:s,s:s,s:s}", "extension_type", "property-extension",
                            "determination", "suspected", "investigation_status", "open");
    const char *rec = recoverability_of(json_string_value(json_object_get(rep, "recoverability")));
    if (ext && rec)
        json_object_set_new(ext, "recoverability", json_string(rec));
    char sid[100];
    stix_id(sid, sizeof(sid), "incident", id, "");
    json_t *o =
        ext ? json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:O,s:{s:o}}", "type", "incident",
                        "spec_version", "2.1", "id", sid, "created_by_ref", creator, "created",
                        created, "modified", modified, "name", title, "description", d.data,
                        "object_marking_refs", mrefs, "extensions", INCIDENT_EXT, ext)
            : NULL;
    mm_buf_free(&d);
    const char *number = json_string_value(json_object_get(inc, "report_number"));
    if (o && number && number[0])
        json_object_set_new(
            o, "external_references",
            json_pack("[{s:s,s:s}]", "source_name", "mamori", "external_id", number));
    if (!o || json_array_append_new(objects, o))
        return fail(MM_ENOMEM, "out of memory");
    return MM_OK;
}

/* An RFC 3339 UTC timestamp as STIX writes them: YYYY-MM-DDTHH:MM:SS[.fraction]Z. */
static bool is_timestamp(const char *s)
{
    static const char form[] = "dddd-dd-ddTdd:dd:dd";
    if (!s || strlen(s) < sizeof(form))
        return false;
    for (size_t i = 0; i < sizeof(form) - 1; i++)
        if (form[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != form[i])
            return false;
    s += sizeof(form) - 1;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return strcmp(s, "Z") == 0;
}

/* valid_from of an indicator: the one it was imported with, else the item's creation. */
static void valid_from_of(char out[25], const json_t *v, const char *created)
{
    const char *vf = json_string_value(json_object_get(v, "valid_from"));
    if (is_timestamp(vf))
        stix_time(out, vf);
    else
        memcpy(out, created, 25);
}

static int export_one(export_ctx *ctx, const json_t *item)
{
    const char *id = json_string_value(json_object_get(item, "id"));
    char idbuf[32];
    if (!id && json_is_integer(json_object_get(item, "id"))) {
        snprintf(idbuf, sizeof(idbuf), "%lld",
                 (long long)json_integer_value(json_object_get(item, "id")));
        id = idbuf;
    }
    const char *title = json_string_value(json_object_get(item, "title"));
    mm_tlp t;
    if (!id || !id[0] || !title)
        return fail(MM_EINVALID, "stix export: an item needs an id and a title");
    if (mm_tlp_parse(&t, json_string_value(json_object_get(item, "tlp"))) != MM_OK)
        return fail(MM_EINVALID, "stix export: item %s: %s", id, mm_error_last());
    ctx->used[t] = true;
    char created[25], modified[25];
    stix_time(created, json_string_value(json_object_get(item, "created")));
    stix_time(modified, json_string_value(json_object_get(item, "modified")));
    if (strcmp(modified, created) < 0)
        memcpy(modified, created, sizeof(created));
    char creator[100];
    int rc = originator(ctx, creator, item, t, created);
    if (rc)
        return rc;
    const json_t *body = json_object_get(item, "body");
    if (!body)
        body = item;
    json_t *mrefs = marking_refs(ctx, body, t);
    if (!mrefs)
        return fail(MM_ENOMEM, "out of memory");
    const json_t *inc = json_object_get(item, "incident");
    if (mm_streq(json_string_value(json_object_get(item, "kind")), "incident") &&
        json_is_object(inc)) {
        rc = export_incident(ctx->objects, id, title, mrefs, creator, created, modified, inc);
        json_decref(mrefs);
        return rc;
    }
    json_t *objects = ctx->objects;
    const char *desc = json_string_value(json_object_get(body, "description"));
    mm_buf extra = MM_BUF_INIT;
    rc = MM_ENOMEM;
    json_t *refs = json_array();
    if (!refs)
        goto done;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(body, "indicators"), i, v)
    {
        const char *type = json_string_value(json_object_get(v, "type"));
        const char *value = json_string_value(json_object_get(v, "value"));
        if (!type || !value)
            continue;
        int p = pattern_of(type);
        if (p < 0) {
            mm_buf_printf(&extra, "\n- %s: %s", type, value);
            if (extra.failed)
                goto done;
            continue;
        }
        char *q = quote(value);
        char *pat = NULL, *idesc = NULL;
        if (q)
            pat = mk("[%s = %s]", patterns[p].path, q);
        free(q);
        idesc = mk("%s %s, shared in \"%s\"", patterns[p].type, value, title);
        if (!pat || !idesc) {
            free(pat);
            free(idesc);
            goto done;
        }
        char sid[100], what[40], vf[25];
        snprintf(what, sizeof(what), ":indicator:%zu", i);
        stix_id(sid, sizeof(sid), "indicator", id, what);
        valid_from_of(vf, v, created);
        json_t *o = indicator(sid, created, modified, vf, value, idesc, pat, creator, mrefs);
        free(pat);
        free(idesc);
        if (!o || json_array_append_new(objects, o) ||
            json_array_append_new(refs, json_string(sid)))
            goto done;
    }
    json_array_foreach(json_object_get(body, "attachments"), i, v)
    {
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *sha = json_string_value(json_object_get(v, "sha256"));
        if (!name || !sha)
            continue;
        char *qn = quote(name), *qs = quote(sha), *pat = NULL;
        if (qn && qs)
            pat = mk("[file:name = %s AND file:hashes.'SHA-256' = %s]", qn, qs);
        free(qn);
        free(qs);
        char *idesc = mk("attachment %s (SHA-256 %s), shared in \"%s\"", name, sha, title);
        if (!pat || !idesc) {
            free(pat);
            free(idesc);
            goto done;
        }
        char sid[100], what[40];
        snprintf(what, sizeof(what), ":attachment:%zu", i);
        stix_id(sid, sizeof(sid), "indicator", id, what);
        json_t *o = indicator(sid, created, modified, created, name, idesc, pat, creator, mrefs);
        free(pat);
        free(idesc);
        if (!o || json_array_append_new(objects, o) ||
            json_array_append_new(refs, json_string(sid)))
            goto done;
    }
    /* object_refs names SDOs, SROs or SCOs (python-stix2 refuses a marking there): the
     * indicators and the originator's identity, so it is never empty */
    if (json_array_append_new(refs, json_string(creator)))
        goto done;
    char *text = mk("%s%s%s", desc ? desc : "",
                    extra.len ? "\n\nIndicators not expressed as STIX patterns:" : "",
                    extra.len ? extra.data : "");
    if (!text)
        goto done;
    char rid[100];
    stix_id(rid, sizeof(rid), "report", id, "");
    json_t *report = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s],s:O,s:O}", "type",
                               "report", "spec_version", "2.1", "id", rid, "created_by_ref",
                               creator, "created", created, "modified", modified, "name", title,
                               "description", text, "published", created, "report_types",
                               "threat-report", "object_refs", refs, "object_marking_refs", mrefs);
    free(text);
    if (!report || json_array_append_new(objects, report))
        goto done;
    rc = MM_OK;
done:
    json_decref(refs);
    json_decref(mrefs);
    mm_buf_free(&extra);
    if (rc == MM_ENOMEM)
        mm_error_set("out of memory");
    return rc;
}

int mm_stix_export(json_t **out, const json_t *items)
{
    *out = NULL;
    json_t *list = json_is_array(items) ? json_incref((json_t *)items) : json_pack("[O]", items);
    export_ctx ctx = {.objects = json_array(),
                      .used = {false, false, false, false, false},
                      .markings = json_object(),
                      .identities = json_object()};
    mm_buf ids = MM_BUF_INIT;
    int rc = MM_ENOMEM;
    if (!list || !ctx.objects || !ctx.markings || !ctx.identities)
        goto done;
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it)
    {
        if (!json_is_object(it)) {
            rc = fail(MM_EINVALID, "stix export: item %zu is not an object", i);
            goto done;
        }
        rc = export_one(&ctx, it);
        if (rc)
            goto done;
        rc = MM_ENOMEM;
        json_t *idv = json_object_get(it, "id");
        if (json_is_string(idv))
            mm_buf_printf(&ids, "%s,", json_string_value(idv));
        else
            mm_buf_printf(&ids, "%lld,", (long long)json_integer_value(idv));
        if (ids.failed)
            goto done;
    }
    /* first the marking definitions (TLP in label order, then the kept ones), then the
     * identities, then the items' objects */
    const char *k;
    json_t *v;
    size_t at = 0;
    for (int t = 0; t < 5; t++)
        if (ctx.used[t] && json_array_insert_new(ctx.objects, at++, marking_definition((mm_tlp)t)))
            goto done;
    json_object_foreach(ctx.markings, k, v)
    {
        if (json_array_insert(ctx.objects, at++, v))
            goto done;
    }
    json_object_foreach(ctx.identities, k, v)
    {
        if (json_array_insert(ctx.objects, at++, v))
            goto done;
    }
    char bid[100];
    stix_id(bid, sizeof(bid), "bundle", ids.len ? ids.data : "", "");
    *out = json_pack("{s:s,s:s,s:O}", "type", "bundle", "id", bid, "objects", ctx.objects);
    rc = *out ? MM_OK : MM_ENOMEM;
done:
    if (rc == MM_ENOMEM)
        mm_error_set("out of memory");
    json_decref(list);
    json_decref(ctx.objects);
    json_decref(ctx.markings);
    json_decref(ctx.identities);
    mm_buf_free(&ids);
    return rc;
}

/* ---- import ---------------------------------------------------------------------------- */

/* Before jansson sees the text: nesting depth and string lengths. */
static int prescan(const char *text, size_t len)
{
    int depth = 0;
    bool in_str = false;
    size_t str_start = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_str) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                in_str = false;
                if (i - str_start > MAX_STRING)
                    return fail(MM_EINVALID, "bundle: a string longer than 1 MiB (at byte %zu)",
                                str_start);
            }
            continue;
        }
        if (c == '"') {
            in_str = true;
            str_start = i;
        } else if (c == '[' || c == '{') {
            if (++depth > MAX_DEPTH)
                return fail(MM_EINVALID, "bundle: nested deeper than %d levels (at byte %zu)",
                            MAX_DEPTH, i);
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    if (in_str && len - str_start > MAX_STRING)
        return fail(MM_EINVALID, "bundle: a string longer than 1 MiB (at byte %zu)", str_start);
    return MM_OK;
}

/* The bundle's objects and an index of them by id ({"id": position}). */
typedef struct bundle_ctx {
    const json_t *objects;
    json_t *index;
} bundle_ctx;

static const json_t *find_object(const bundle_ctx *b, const char *id, size_t *pos)
{
    const json_t *k = json_object_get(b->index, id);
    if (!k)
        return NULL;
    if (pos)
        *pos = (size_t)json_integer_value(k);
    return json_array_get(b->objects, (size_t)json_integer_value(k));
}

/* A marking definition of the bundle that is not TLP (a statement, an AIS/ACS marking, ...),
 * as it is kept on the item and exported again: its own members, as STIX 2.1. */
static json_t *kept_marking(const json_t *def)
{
    static const char *const members[] = {"id",         "created",         "name",
                                          "definition", "definition_type", "extensions"};
    json_t *m = json_pack("{s:s,s:s}", "type", "marking-definition", "spec_version", "2.1");
    for (size_t i = 0; m && i < sizeof(members) / sizeof(members[0]); i++) {
        json_t *v = json_object_get(def, members[i]);
        if (v && json_object_set(m, members[i], v)) {
            json_decref(m);
            return NULL;
        }
    }
    return m;
}

/* Adds a kept marking to kept (once). */
static int keep_marking(json_t *kept, const json_t *def)
{
    const char *id = json_string_value(json_object_get(def, "id"));
    size_t i;
    json_t *m;
    json_array_foreach(
        kept, i, m) if (mm_streq(json_string_value(json_object_get(m, "id")), id)) return MM_OK;
    if (json_array_size(kept) >= 20)
        return fail(MM_EINVALID, "bundle: more than 20 non-TLP markings on one report");
    if (json_array_append_new(kept, kept_marking(def)))
        return fail(MM_ENOMEM, "out of memory");
    return MM_OK;
}

/* The label a marking id stands for. 1: a TLP marking (*t set), 0: a non-TLP marking
 * defined in the bundle (a statement, an AIS/ACS marking: no effect on the label; added to
 * kept when kept is not NULL), <0: unknown (message set). */
static int marking_of(mm_tlp *t, const bundle_ctx *objects, const char *id, const char *where,
                      json_t *kept)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(id, tlp2_ids[i]) == 0) {
            *t = (mm_tlp)i;
            return 1;
        }
    for (size_t i = 0; i < sizeof(tlp1) / sizeof(tlp1[0]); i++)
        if (strcmp(id, tlp1[i].id) == 0) {
            *t = tlp1[i].tlp;
            return 1;
        }
    const json_t *def = find_object(objects, id, NULL);
    if (def && mm_streq(json_string_value(json_object_get(def, "type")), "marking-definition")) {
        /* a TLP 1.0 definition under another id is not a TLP marking we know */
        if (mm_streq(json_string_value(json_object_get(def, "definition_type")), "tlp") ||
            json_object_get(json_object_get(def, "extensions"), TLP2_EXT))
            return fail(MM_EINVALID,
                        "bundle: %s: %.120s is a TLP definition under an id that is not "
                        "TLP's own",
                        where, id);
        return kept ? keep_marking(kept, def) : 0;
    }
    return fail(MM_EINVALID,
                "bundle: %s: unknown marking definition %.120s (neither TLP nor defined in the "
                "bundle)",
                where, id);
}

/* The most restrictive TLP marking of object o (index k). 1: marked, 0: unmarked, <0. */
static int object_tlp(mm_tlp *out, const bundle_ctx *objects, const json_t *o, size_t k,
                      json_t *kept)
{
    char where[160];
    bool marked = false;
    mm_tlp best = MM_TLP_CLEAR;
    const json_t *refs = json_object_get(o, "object_marking_refs");
    if (refs) {
        snprintf(where, sizeof(where), "$.objects[%zu].object_marking_refs", k);
        if (!json_is_array(refs))
            return fail(MM_EINVALID, "bundle: %s: expected an array of marking ids", where);
        size_t i;
        json_t *r;
        json_array_foreach(refs, i, r)
        {
            snprintf(where, sizeof(where), "$.objects[%zu].object_marking_refs[%zu]", k, i);
            if (!json_is_string(r))
                return fail(MM_EINVALID, "bundle: %s: expected a marking id (a string)", where);
            mm_tlp t;
            int m = marking_of(&t, objects, json_string_value(r), where, kept);
            if (m < 0)
                return m;
            if (m == 1) {
                best = marked ? mm_tlp_merge(best, t) : t;
                marked = true;
            }
        }
    }
    const json_t *gm = json_object_get(o, "granular_markings");
    if (gm) {
        snprintf(where, sizeof(where), "$.objects[%zu].granular_markings", k);
        if (!json_is_array(gm))
            return fail(MM_EINVALID, "bundle: %s: expected an array", where);
        size_t i;
        json_t *g;
        json_array_foreach(gm, i, g)
        {
            snprintf(where, sizeof(where), "$.objects[%zu].granular_markings[%zu].marking_ref", k,
                     i);
            const json_t *r = json_object_get(g, "marking_ref");
            if (!r)
                continue; /* a language marking */
            if (!json_is_string(r))
                return fail(MM_EINVALID, "bundle: %s: expected a marking id (a string)", where);
            mm_tlp t;
            int m = marking_of(&t, objects, json_string_value(r), where, kept);
            if (m < 0)
                return m;
            if (m == 1) {
                best = marked ? mm_tlp_merge(best, t) : t;
                marked = true;
            }
        }
    }
    *out = best;
    return marked ? 1 : 0;
}

/* A pattern's string literal at *pp, unescaped (the caller frees it), *pp moved past it;
 * NULL when there is none (or out of memory). */
static char *unquote(const char **pp)
{
    const char *p = *pp;
    if (*p != '\'')
        return NULL;
    p++;
    size_t n = strlen(p);
    char *v = malloc(n + 1);
    if (!v)
        return NULL;
    char *w = v;
    for (; *p && *p != '\''; p++) {
        if (*p == '\\' && (p[1] == '\\' || p[1] == '\''))
            p++;
        *w++ = *p;
    }
    *w = '\0';
    if (*p != '\'') {
        free(v);
        return NULL;
    }
    *pp = p + 1;
    return v;
}

/* Reads back "[PATH = 'literal']" (or the attachment form) into our indicator. 1: read,
 * 0: not a pattern we write, <0: out of memory. */
static int read_pattern(json_t *indicators, json_t *attachments, const char *pat)
{
    static const char att[] = "[file:name = ";
    if (strncmp(pat, att, sizeof(att) - 1) == 0) {
        const char *p = pat + sizeof(att) - 1;
        char *name = unquote(&p);
        static const char mid[] = " AND file:hashes.'SHA-256' = ";
        char *sha = NULL;
        if (name && strncmp(p, mid, sizeof(mid) - 1) == 0) {
            p += sizeof(mid) - 1;
            sha = unquote(&p);
        }
        int rc = 0;
        if (name && sha && strcmp(p, "]") == 0)
            rc = json_array_append_new(attachments,
                                       json_pack("{s:s,s:s}", "name", name, "sha256", sha))
                     ? -1
                     : 1;
        free(name);
        free(sha);
        return rc;
    }
    /* file:hashes.KEY: the hash algorithm's name matched without regard to case, quoted or
     * not (OASIS's APT1 example writes file:hashes.md5) */
    static const char hashes[] = "[file:hashes.";
    if (strncmp(pat, hashes, sizeof(hashes) - 1) == 0) {
        const char *p = pat + sizeof(hashes) - 1;
        char key[16];
        size_t n = 0;
        bool quoted = *p == '\'';
        if (quoted)
            p++;
        while (*p && *p != '\'' && *p != ' ' && n < sizeof(key) - 1)
            key[n++] = *p++;
        key[n] = '\0';
        if (quoted && *p++ != '\'')
            return 0;
        if (strncmp(p, " = ", 3) != 0)
            return 0;
        p += 3;
        for (size_t i = 0; i < N_PATTERNS; i++) {
            const char *path = patterns[i].path;
            if (strncmp(path, "file:hashes.", 12) != 0)
                continue;
            path += 12;
            size_t pn = strlen(path);
            if (path[0] == '\'') {
                path++;
                pn -= 2;
            }
            if (pn != n || strncasecmp(path, key, n) != 0)
                continue;
            char *v = unquote(&p);
            int rc = 0;
            if (v && strcmp(p, "]") == 0)
                rc = json_array_append_new(
                         indicators, json_pack("{s:s,s:s}", "type", patterns[i].type, "value", v))
                         ? -1
                         : 1;
            free(v);
            return rc;
        }
        return 0;
    }
    for (size_t i = 0; i < N_PATTERNS; i++) {
        size_t n = strlen(patterns[i].path);
        if (pat[0] != '[' || strncmp(pat + 1, patterns[i].path, n) != 0 ||
            strncmp(pat + 1 + n, " = ", 3) != 0)
            continue;
        const char *p = pat + 1 + n + 3;
        char *v = unquote(&p);
        int rc = 0;
        if (v && strcmp(p, "]") == 0)
            rc = json_array_append_new(indicators,
                                       json_pack("{s:s,s:s}", "type", patterns[i].type, "value", v))
                     ? -1
                     : 1;
        free(v);
        return rc;
    }
    return 0;
}

static const char *str_member(const json_t *o, const char *name, size_t k, bool required, int *rc)
{
    const json_t *v = json_object_get(o, name);
    if (!v) {
        if (required)
            *rc = fail(MM_EINVALID, "bundle: $.objects[%zu].%s: required", k, name);
        return NULL;
    }
    if (!json_is_string(v)) {
        *rc = fail(MM_EINVALID, "bundle: $.objects[%zu].%s: expected a string", k, name);
        return NULL;
    }
    return json_string_value(v);
}

static void item_clear(mm_stix_item *it)
{
    free(it->title);
    free(it->stix_id);
    json_decref(it->body);
}

void mm_stix_import_free(mm_stix_import *imp)
{
    if (!imp)
        return;
    for (size_t i = 0; i < imp->n_items; i++)
        item_clear(&imp->items[i]);
    free(imp->items);
    free(imp);
}

/* The refusal of an object without a TLP marking (and no default label): names the non-TLP
 * marking it carries, if any. */
static int no_tlp(size_t k, const char *what, const char *id, const json_t *kept)
{
    const json_t *m = json_array_get(kept, 0);
    if (!m)
        return fail(MM_EINVALID,
                    "bundle: $.objects[%zu]: %s %.120s carries no TLP marking (and no default "
                    "label is set)",
                    k, what, id);
    const char *name = json_string_value(json_object_get(m, "name"));
    const char *dt = json_string_value(json_object_get(m, "definition_type"));
    return fail(MM_EINVALID,
                "bundle: $.objects[%zu]: %s %.120s carries no TLP marking, only %.120s (%s %.80s), "
                "and no default label is set",
                k, what, id, json_string_value(json_object_get(m, "id")),
                name ? "name"
                : dt ? "definition_type"
                     : "an extension",
                name ? name
                : dt ? dt
                     : "");
}

/* One item from the report or note at objects[k]. */
static int import_one(mm_stix_item *it, const bundle_ctx *objects, size_t k, const mm_tlp *dflt)
{
    const json_t *o = json_array_get(objects->objects, k);
    bool note = mm_streq(json_string_value(json_object_get(o, "type")), "note");
    int rc = MM_OK;
    const char *id = str_member(o, "id", k, true, &rc);
    const char *title = str_member(o, note ? "abstract" : "name", k, !note, &rc);
    const char *desc = str_member(o, note ? "content" : "description", k, note, &rc);
    if (rc)
        return rc;
    if (!title)
        title = desc; /* a note without an abstract: its content */
    size_t tlen = strlen(title);
    char *short_title = NULL;
    if (tlen == 0)
        return fail(MM_EINVALID, "bundle: $.objects[%zu].%s: empty", k, note ? "content" : "name");
    if (tlen > 300) {
        /* cut at a character boundary */
        size_t cut = 300;
        while (cut > 0 && ((unsigned char)title[cut] & 0xC0) == 0x80)
            cut--;
        short_title = strndup(title, cut);
        if (!short_title)
            return fail(MM_ENOMEM, "out of memory");
        title = short_title;
    }
    mm_tlp t;
    json_t *inds = json_array(), *atts = json_array(), *kept = json_array();
    mm_buf extra = MM_BUF_INIT;
    rc = MM_ENOMEM;
    if (!inds || !atts || !kept)
        goto done;
    int m = object_tlp(&t, objects, o, k, kept);
    if (m < 0) {
        rc = m;
        goto done;
    }
    bool marked = m == 1;
    if (!marked && !dflt) {
        rc = no_tlp(k, note ? "note" : "report", id, kept);
        goto done;
    }
    rc = MM_ENOMEM;
    const json_t *refs = json_object_get(o, "object_refs");
    if (refs && !json_is_array(refs)) {
        rc = fail(MM_EINVALID, "bundle: $.objects[%zu].object_refs: expected an array of ids", k);
        goto done;
    }
    size_t i;
    json_t *r;
    json_array_foreach(refs, i, r)
    {
        if (!json_is_string(r)) {
            rc = fail(MM_EINVALID, "bundle: $.objects[%zu].object_refs[%zu]: expected an id", k, i);
            goto done;
        }
        size_t j = 0;
        const json_t *ind = find_object(objects, json_string_value(r), &j);
        if (!ind || !mm_streq(json_string_value(json_object_get(ind, "type")), "indicator"))
            continue; /* not in the bundle, or not an indicator: nothing to take */
        int irc = MM_OK;
        const char *pat = str_member(ind, "pattern", j, true, &irc);
        const char *ptype = str_member(ind, "pattern_type", j, false, &irc);
        if (irc) {
            rc = irc;
            goto done;
        }
        mm_tlp it_t;
        size_t n_kept = json_array_size(kept);
        int im = object_tlp(&it_t, objects, ind, j, kept);
        if (im < 0) {
            rc = im;
            goto done;
        }
        if (im == 0 && !dflt) {
            json_t *own = json_array();
            for (size_t q = n_kept; own && q < json_array_size(kept); q++)
                json_array_append(own, json_array_get(kept, q));
            rc = own ? no_tlp(j, "indicator", json_string_value(r), own) : MM_ENOMEM;
            json_decref(own);
            goto done;
        }
        if (im == 1) {
            t = marked ? mm_tlp_merge(t, it_t) : it_t;
            marked = true;
        }
        size_t before = json_array_size(inds);
        int got = (!ptype || strcmp(ptype, "stix") == 0) ? read_pattern(inds, atts, pat) : 0;
        if (got < 0)
            goto done;
        /* valid_from is kept (and exported again) */
        const json_t *vf = json_object_get(ind, "valid_from");
        if (got == 1 && json_array_size(inds) > before && is_timestamp(json_string_value(vf)) &&
            json_object_set(json_array_get(inds, before), "valid_from", (json_t *)vf))
            goto done;
        if (got == 0)
            mm_buf_printf(&extra, "\n- %s: %s", ptype ? ptype : "stix", pat);
        if (extra.failed)
            goto done;
        if (json_array_size(inds) > 1000 || json_array_size(atts) > 100) {
            rc = fail(MM_EINVALID,
                      "bundle: $.objects[%zu].object_refs: more than 1000 indicators "
                      "or 100 attachments",
                      k);
            goto done;
        }
    }
    if (!marked)
        t = *dflt;
    char *text = mk("%s%s%s", desc ? desc : "", extra.len ? "\n\nPatterns kept as text:" : "",
                    extra.len ? extra.data : "");
    if (!text)
        goto done;
    it->body =
        json_pack("{s:s,s:O,s:O}", "description", text, "indicators", inds, "attachments", atts);
    if (it->body && json_array_size(kept) && json_object_set(it->body, "markings", kept)) {
        json_decref(it->body);
        it->body = NULL;
    }
    free(text);
    it->title = strdup(title);
    it->stix_id = strdup(id);
    it->tlp = t;
    if (!it->body || !it->title || !it->stix_id) {
        item_clear(it);
        memset(it, 0, sizeof(*it));
        goto done;
    }
    rc = MM_OK;
done:
    if (rc == MM_ENOMEM)
        mm_error_set("out of memory");
    json_decref(inds);
    json_decref(atts);
    json_decref(kept);
    mm_buf_free(&extra);
    free(short_title);
    return rc;
}

int mm_stix_parse(mm_stix_import **out, const char *text, size_t len, const mm_tlp *default_tlp)
{
    *out = NULL;
    int rc = prescan(text, len);
    if (rc)
        return rc;
    json_error_t jerr;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j)
        return fail(MM_EPARSE, "bundle: not JSON: line %d: %s", jerr.line, jerr.text);
    json_t *index = NULL;
    mm_stix_import *imp = calloc(1, sizeof(*imp));
    if (!imp) {
        rc = fail(MM_ENOMEM, "out of memory");
        goto done;
    }
    if (!json_is_object(j)) {
        rc = fail(MM_EINVALID, "bundle: $: expected a bundle object");
        goto done;
    }
    if (!mm_streq(json_string_value(json_object_get(j, "type")), "bundle")) {
        rc = fail(MM_EINVALID, "bundle: $.type: expected \"bundle\"");
        goto done;
    }
    const json_t *objects = json_object_get(j, "objects");
    if (!json_is_array(objects)) {
        rc = fail(MM_EINVALID, "bundle: $.objects: expected an array of STIX objects");
        goto done;
    }
    size_t n = json_array_size(objects);
    if (n > MAX_OBJECTS) {
        rc = fail(MM_EINVALID, "bundle: $.objects: %zu objects, more than %d", n, MAX_OBJECTS);
        goto done;
    }
    bundle_ctx ctx = {objects, json_object()};
    index = ctx.index;
    if (!index) {
        rc = fail(MM_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        const json_t *o = json_array_get(objects, k);
        if (!json_is_object(o)) {
            rc = fail(MM_EINVALID, "bundle: $.objects[%zu]: expected an object", k);
            goto done;
        }
        const char *id = str_member(o, "id", k, true, &rc);
        if (rc)
            goto done;
        if (json_object_set_new(index, id, json_integer((json_int_t)k))) {
            rc = fail(MM_ENOMEM, "out of memory");
            goto done;
        }
    }
    size_t wanted = 0;
    bool stix20 = false;
    for (size_t k = 0; k < n; k++) {
        const json_t *o = json_array_get(objects, k);
        if (!json_is_object(o)) {
            rc = fail(MM_EINVALID, "bundle: $.objects[%zu]: expected an object", k);
            goto done;
        }
        const char *type = str_member(o, "type", k, true, &rc);
        if (rc)
            goto done;
        if (strcmp(type, "marking-definition") == 0 || strcmp(type, "extension-definition") == 0)
            continue;
        /* every other object is checked for its markings, imported or not */
        mm_tlp t;
        json_t *kept = json_array();
        int m = kept ? object_tlp(&t, &ctx, o, k, kept) : fail(MM_ENOMEM, "out of memory");
        if (m == 0 && !default_tlp)
            m = no_tlp(k, type, json_string_value(json_object_get(o, "id")), kept);
        json_decref(kept);
        if (m < 0) {
            rc = m;
            goto done;
        }
        if (strcmp(type, "report") == 0 || strcmp(type, "note") == 0) {
            wanted++;
            const json_t *sv = json_object_get(o, "spec_version");
            if (sv && !mm_streq(json_string_value(sv), "2.1") &&
                !mm_streq(json_string_value(sv), "2.0")) {
                rc = fail(MM_EINVALID,
                          "bundle: $.objects[%zu].spec_version: expected \"2.1\" (or \"2.0\", "
                          "read as 2.1)",
                          k);
                goto done;
            }
            if (!mm_streq(json_string_value(sv), "2.1"))
                stix20 = true;
        }
    }
    /* STIX 2.0 (the bundle says so, or its objects carry no spec_version): read as 2.1, the
     * differences being in what is not imported (labels, TLP 1.0 markings are read as such) */
    const char *bv = json_string_value(json_object_get(j, "spec_version"));
    if (bv && strcmp(bv, "2.0") != 0) {
        rc = fail(MM_EINVALID,
                  "bundle: $.spec_version: \"%.20s\" (2.0 bundles say \"2.0\"; "
                  "2.1 bundles carry none)",
                  bv);
        goto done;
    }
    imp->format = bv || stix20 ? "stix-2.0 (upgraded to stix-2.1)" : "stix-2.1";
    if (wanted == 0) {
        rc = fail(MM_EINVALID, "bundle: $.objects: no report or note to import");
        goto done;
    }
    imp->items = calloc(wanted, sizeof(*imp->items));
    if (!imp->items) {
        rc = fail(MM_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++) {
        const char *type = json_string_value(json_object_get(json_array_get(objects, k), "type"));
        if (strcmp(type, "report") != 0 && strcmp(type, "note") != 0)
            continue;
        rc = import_one(&imp->items[imp->n_items], &ctx, k, default_tlp);
        if (rc)
            goto done;
        imp->n_items++;
    }
    *out = imp;
    imp = NULL;
done:
    mm_stix_import_free(imp);
    json_decref(index);
    json_decref(j);
    return rc;
}
