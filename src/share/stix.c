/*
 * STIX 2.1 bundles of shared items: export (report + indicators + the official TLP 2.0
 * marking definitions); import is in stix_import.c. Pure:
 * no store, no I/O. Marking ids: ../shared/data/sharing/tlp-stix.json (docs/sharing.md).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mamori/share.h"
#include "share/stix_internal.h"
#include "util/util.h"

/* TLP 2.0 marking-definition ids, by label (mm_tlp order). */
const char *const stix_tlp2_ids[5] = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", /* CLEAR */
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", /* GREEN */
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", /* AMBER */
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", /* AMBER+STRICT */
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", /* RED */
};
static const char *const tlp2_values[] = {"clear", "green", "amber", "amber+strict", "red"};

/* Indicator types written as STIX patterns: our type, the pattern's object path, and the
 * other names accepted for it on export. */
const stix_pattern stix_patterns[] = {
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
const size_t stix_npatterns = sizeof(stix_patterns) / sizeof(stix_patterns[0]);

int stix_fail(int rc, const char *fmt, ...)
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
char *stix_mk(const char *fmt, ...)
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

bool stix_is_timestamp(const char *s)
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
    for (size_t i = 0; i < stix_npatterns; i++)
        if (strcmp(type, stix_patterns[i].type) == 0 || strcmp(type, stix_patterns[i].alias) == 0)
            return (int)i;
    return -1;
}

json_t *stix_marking_definition(mm_tlp t)
{
    json_t *ext = json_pack("{s:{s:s,s:s}}", TLP2_EXT, "extension_type", "property-extension",
                            "tlp_2_0", tlp2_values[t]);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "type", "marking-definition", "spec_version",
                     "2.1", "id", stix_tlp2_ids[t], "created", TLP2_CREATED, "name",
                     mm_tlp_label(t), "extensions", ext);
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
                         stix_tlp2_ids[i]))
                was = (mm_tlp)i;
        if (t < was &&
            json_object_set_new(known, "object_marking_refs", json_pack("[s]", stix_tlp2_ids[t])))
            return stix_fail(MM_ENOMEM, "out of memory");
        return MM_OK;
    }
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}", "type", "identity",
                          "spec_version", "2.1", "id", out, "created_by_ref", out, "created",
                          created, "modified", created, "name", name, "identity_class",
                          "organization", "object_marking_refs", stix_tlp2_ids[t]);
    if (!o || json_object_set_new(ctx->identities, out, o))
        return stix_fail(MM_ENOMEM, "out of memory");
    return MM_OK;
}

/* The marking refs of an item: its TLP 2.0 marking, then the statement (and other non-TLP)
 * marking definitions an imported item kept (body "markings"), which go into ctx once. */
static json_t *marking_refs(export_ctx *ctx, const json_t *body, mm_tlp t)
{
    json_t *refs = json_pack("[s]", stix_tlp2_ids[t]);
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
        return stix_fail(MM_ENOMEM, "out of memory");
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
        return stix_fail(MM_ENOMEM, "out of memory");
    return MM_OK;
}

/* An RFC 3339 UTC timestamp as STIX writes them: YYYY-MM-DDTHH:MM:SS[.fraction]Z. */

/* valid_from of an indicator: the one it was imported with, else the item's creation. */
static void valid_from_of(char out[25], const json_t *v, const char *created)
{
    const char *vf = json_string_value(json_object_get(v, "valid_from"));
    if (stix_is_timestamp(vf))
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
        return stix_fail(MM_EINVALID, "stix export: an item needs an id and a title");
    if (mm_tlp_parse(&t, json_string_value(json_object_get(item, "tlp"))) != MM_OK)
        return stix_fail(MM_EINVALID, "stix export: item %s: %s", id, mm_error_last());
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
        return stix_fail(MM_ENOMEM, "out of memory");
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
            pat = stix_mk("[%s = %s]", stix_patterns[p].path, q);
        free(q);
        idesc = stix_mk("%s %s, shared in \"%s\"", stix_patterns[p].type, value, title);
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
            pat = stix_mk("[file:name = %s AND file:hashes.'SHA-256' = %s]", qn, qs);
        free(qn);
        free(qs);
        char *idesc = stix_mk("attachment %s (SHA-256 %s), shared in \"%s\"", name, sha, title);
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
    char *text = stix_mk("%s%s%s", desc ? desc : "",
                         extra.len ? "\n\nIndicators not expressed as STIX stix_patterns:" : "",
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
            rc = stix_fail(MM_EINVALID, "stix export: item %zu is not an object", i);
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
        if (ctx.used[t] &&
            json_array_insert_new(ctx.objects, at++, stix_marking_definition((mm_tlp)t)))
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
