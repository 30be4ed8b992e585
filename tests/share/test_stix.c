/* STIX 2.1 export and import of shared items (src/share/stix.c): the round trip for every
 * label, TLP 1.0 bundles (WHITE read as CLEAR), unmarked bundles with and without a default
 * label, the most restrictive of several markings, and hostile bundles refused with a
 * message naming the JSON path. The OASIS schema check is tests/share/test_stix_schema.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"
#include "util/util.h"

#define TLP1_WHITE "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
#define TLP1_GREEN "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
#define TLP1_RED   "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
#define TLP2_AMBER "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
#define TLP2_RED   "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"

static const char *const labels[] = {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT",
                                     "TLP:RED"};

static json_t *item(const char *id, const char *tlp, const char *title)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s}],"
                     "s:[{s:s,s:s}]}}",
                     "id", id, "tlp", tlp, "title", title, "created", "2026-11-23T10:00:00Z",
                     "modified", "2026-11-23T10:00:00Z", "body", "description", "free text",
                     "indicators", "type", "ipv4-addr", "value", "192.0.2.1", "type", "domain-name",
                     "value", "login-update.example", "type", "url", "value",
                     "http://x.example/it's\\here", "type", "sha256", "value",
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                     "attachments", "name", "mail 'one'.eml", "sha256",
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static int import_text(mm_stix_import **out, const char *text, const mm_tlp *dflt)
{
    return mm_stix_parse(out, text, strlen(text), dflt);
}

static int import_json(mm_stix_import **out, json_t *bundle, const mm_tlp *dflt)
{
    char *text = json_dumps(bundle, JSON_COMPACT);
    assert_non_null(text);
    int rc = import_text(out, text, dflt);
    free(text);
    return rc;
}

static void test_round_trip(void **state)
{
    (void)state;
    for (int t = 0; t < 5; t++) {
        json_t *it = item("42", labels[t], "Phishing wave");
        json_t *b = NULL;
        assert_int_equal(mm_stix_export(&b, it), MM_OK);
        /* deterministic: the same item gives the same bundle */
        json_t *b2 = NULL;
        assert_int_equal(mm_stix_export(&b2, it), MM_OK);
        assert_true(json_equal(b, b2));
        json_decref(b2);
        mm_stix_import *imp = NULL;
        assert_int_equal(import_json(&imp, b, NULL), MM_OK);
        assert_int_equal(imp->n_items, 1);
        assert_int_equal((int)imp->items[0].tlp, t);
        assert_string_equal(imp->items[0].title, "Phishing wave");
        json_t *body = json_object_get(it, "body");
        /* each indicator comes back with its valid_from (the item's creation time) */
        json_t *want = json_deep_copy(json_object_get(body, "indicators"));
        size_t wi;
        json_t *wv;
        json_array_foreach(want, wi, wv)
            json_object_set_new(wv, "valid_from", json_string("2026-11-23T10:00:00.000Z"));
        assert_true(json_equal(json_object_get(imp->items[0].body, "indicators"), want));
        json_decref(want);
        assert_true(json_equal(json_object_get(imp->items[0].body, "attachments"),
                               json_object_get(body, "attachments")));
        assert_string_equal(json_string_value(json_object_get(imp->items[0].body, "description")),
                            "free text");
        assert_non_null(strstr(imp->items[0].stix_id, "report--"));
        mm_stix_import_free(imp);
        json_decref(b);
        json_decref(it);
    }
}

static void test_export_shape(void **state)
{
    (void)state;
    json_t *items = json_pack("[o,o]", item("1", "TLP:GREEN", "a"), item("2", "TLP:RED", "b"));
    json_object_set_new(json_object_get(json_array_get(items, 0), "body"), "indicators",
                        json_pack("[{s:s,s:s}]", "type", "mutex", "value", "Global\\x"));
    json_t *b = NULL;
    assert_int_equal(mm_stix_export(&b, items), MM_OK);
    size_t i;
    json_t *o;
    int markings = 0, reports = 0;
    json_array_foreach(json_object_get(b, "objects"), i, o)
    {
        const char *type = json_string_value(json_object_get(o, "type"));
        if (strcmp(type, "marking-definition") == 0) {
            markings++;
            continue;
        }
        assert_int_equal(json_array_size(json_object_get(o, "object_marking_refs")), 1);
        const char *c = json_string_value(json_object_get(o, "created"));
        assert_int_equal(strlen(c), 24); /* 2026-11-23T10:00:00.000Z */
        if (strcmp(type, "report") == 0) {
            reports++;
            if (strcmp(json_string_value(json_object_get(o, "name")), "a") == 0)
                assert_non_null(strstr(json_string_value(json_object_get(o, "description")),
                                       "- mutex: Global\\x"));
        }
    }
    assert_int_equal(markings, 2);
    assert_int_equal(reports, 2);
    /* pattern escaping */
    char *text = json_dumps(b, 0);
    assert_non_null(strstr(text, "[url:value = 'http://x.example/it\\\\'s\\\\\\\\here']"));
    free(text);
    mm_stix_import *imp = NULL;
    assert_int_equal(import_json(&imp, b, NULL), MM_OK);
    assert_int_equal(imp->n_items, 2);
    json_decref(b);
    mm_stix_import_free(imp);
    /* an item without a label or id */
    json_object_del(json_array_get(items, 1), "tlp");
    assert_int_equal(mm_stix_export(&b, items), MM_EINVALID);
    assert_null(b);
    json_decref(items);
}

/* A bundle with one report and one indicator, markings as given (NULL: none). */
static json_t *bundle(json_t *report_refs, json_t *ind_refs)
{
    json_t *ind = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "type", "indicator", "spec_version", "2.1", "id",
        "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "created", "2017-01-20T00:00:00.000Z",
        "modified", "2017-01-20T00:00:00.000Z", "pattern", "[domain-name:value = 'evil.example']",
        "pattern_type", "stix", "valid_from", "2017-01-20T00:00:00.000Z");
    json_t *rep = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}", "type", "report", "spec_version",
                            "2.1", "id", "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3", "created",
                            "2017-01-20T00:00:00.000Z", "modified", "2017-01-20T00:00:00.000Z",
                            "name", "Old report", "published", "2017-01-20T00:00:00.000Z",
                            "object_refs", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
    if (report_refs)
        json_object_set_new(rep, "object_marking_refs", report_refs);
    if (ind_refs)
        json_object_set_new(ind, "object_marking_refs", ind_refs);
    json_t *md =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s}}", "type", "marking-definition", "spec_version",
                  "2.1", "id", TLP1_WHITE, "created", "2017-01-20T00:00:00.000Z", "definition_type",
                  "tlp", "name", "TLP:WHITE", "definition", "tlp", "white");
    return json_pack("{s:s,s:s,s:[o,o,o]}", "type", "bundle", "id",
                     "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects", md, ind, rep);
}

/* An incident report: a STIX incident with the incident core extension, its required members
 * and values from the extension's vocabularies (tlp-stix.json "incident_core_extension"). */
static void test_incident(void **state)
{
    (void)state;
    static const char *const determinations[] = {
        "blocked",   "failed-attempt",     "false-positive",
        "low-value", "successful-attempt", "suspected"};
    static const char *const cisa[] = {"REGULAR", "SUPPLEMENTED", "EXTENDED", "NOT RECOVERABLE",
                                       "SOMETHING ELSE"};
    static const char *const want[] = {"regular", "supplemented", "extended", "not-recoverable",
                                       NULL};
    for (int k = 0; k < 5; k++) {
        json_t *item = json_pack(
            "{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:{s:s,s:s}}}", "id", "inc-1", "kind", "incident",
            "tlp", "TLP:AMBER+STRICT", "title", "Cyber incident report (initial)", "created",
            "2026-11-21T09:00:00Z", "incident", "report_number", "2026-0007", "report_type",
            "initial", "report", "narrative", "Phishing.", "recoverability", cisa[k]);
        json_t *b = NULL;
        assert_int_equal(mm_stix_export(&b, item), MM_OK);
        json_t *objs = json_object_get(b, "objects");
        assert_int_equal(json_array_size(objs), 3);
        json_t *md = json_array_get(objs, 0), *idy = json_array_get(objs, 1),
               *inc = json_array_get(objs, 2);
        /* the originator's identity, and the incident created by it */
        assert_string_equal(json_string_value(json_object_get(idy, "type")), "identity");
        assert_string_equal(json_string_value(json_object_get(inc, "created_by_ref")),
                            json_string_value(json_object_get(idy, "id")));
        assert_string_equal(json_string_value(json_object_get(md, "id")),
                            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
        assert_string_equal(json_string_value(json_object_get(inc, "type")), "incident");
        assert_non_null(strstr(json_string_value(json_object_get(inc, "id")), "incident--"));
        assert_string_equal(
            json_string_value(json_array_get(json_object_get(inc, "object_marking_refs"), 0)),
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
        json_t *exts = json_object_get(inc, "extensions");
        assert_int_equal(json_object_size(exts), 1);
        json_t *e =
            json_object_get(exts, "extension-definition--ef765651-680c-498d-9894-99799f2fa126");
        assert_non_null(e);
        assert_string_equal(json_string_value(json_object_get(e, "extension_type")),
                            "property-extension");
        const char *det = json_string_value(json_object_get(e, "determination"));
        assert_non_null(det);
        bool known = false;
        for (size_t i = 0; i < sizeof(determinations) / sizeof(determinations[0]); i++)
            known = known || strcmp(det, determinations[i]) == 0;
        assert_true(known);
        assert_string_equal(det, "suspected");
        assert_string_equal(json_string_value(json_object_get(e, "investigation_status")), "open");
        const char *rec = json_string_value(json_object_get(e, "recoverability"));
        if (want[k])
            assert_string_equal(rec, want[k]);
        else
            assert_null(rec);
        /* deterministic: the same item gives the same bundle */
        json_t *b2 = NULL;
        assert_int_equal(mm_stix_export(&b2, item), MM_OK);
        assert_true(json_equal(b, b2));
        json_decref(b2);
        json_decref(b);
        json_decref(item);
    }
}

static void test_tlp1(void **state)
{
    (void)state;
    mm_stix_import *imp = NULL;
    json_t *b = bundle(json_pack("[s]", TLP1_WHITE), json_pack("[s]", TLP1_WHITE));
    assert_int_equal(import_json(&imp, b, NULL), MM_OK);
    assert_int_equal((int)imp->items[0].tlp, MM_TLP_CLEAR);
    assert_string_equal(imp->items[0].title, "Old report");
    json_t *ind = json_array_get(json_object_get(imp->items[0].body, "indicators"), 0);
    assert_string_equal(json_string_value(json_object_get(ind, "type")), "domain-name");
    assert_string_equal(json_string_value(json_object_get(ind, "value")), "evil.example");
    mm_stix_import_free(imp);
    json_decref(b);
    /* the most restrictive: a GREEN report whose indicator is RED; several on one object */
    b = bundle(json_pack("[s]", TLP1_GREEN), json_pack("[s]", TLP1_RED));
    assert_int_equal(import_json(&imp, b, NULL), MM_OK);
    assert_int_equal((int)imp->items[0].tlp, MM_TLP_RED);
    mm_stix_import_free(imp);
    json_decref(b);
    b = bundle(json_pack("[s,s]", TLP1_GREEN, TLP2_AMBER), json_pack("[s]", TLP1_GREEN));
    assert_int_equal(import_json(&imp, b, NULL), MM_OK);
    assert_int_equal((int)imp->items[0].tlp, MM_TLP_AMBER);
    mm_stix_import_free(imp);
    json_decref(b);
}

static void test_unmarked(void **state)
{
    (void)state;
    mm_stix_import *imp = NULL;
    json_t *b = bundle(NULL, NULL);
    assert_int_equal(import_json(&imp, b, NULL), MM_EINVALID);
    assert_null(imp);
    assert_non_null(strstr(mm_error_last(), "carries no TLP marking"));
    assert_non_null(strstr(mm_error_last(), "$.objects[1]"));
    mm_tlp dflt = MM_TLP_AMBER_STRICT;
    assert_int_equal(import_json(&imp, b, &dflt), MM_OK);
    assert_int_equal((int)imp->items[0].tlp, MM_TLP_AMBER_STRICT);
    mm_stix_import_free(imp);
    json_decref(b);
    /* only the indicator marked: it decides, even with a default */
    b = bundle(NULL, json_pack("[s]", TLP2_RED));
    dflt = MM_TLP_CLEAR;
    assert_int_equal(import_json(&imp, b, &dflt), MM_OK);
    assert_int_equal((int)imp->items[0].tlp, MM_TLP_RED);
    mm_stix_import_free(imp);
    json_decref(b);
}

/* A bundle from tests/fixtures/stix (PROVENANCE.md there), parsed with dflt. */
static int import_fixture(mm_stix_import **out, const char *name, const mm_tlp *dflt)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/fixtures/stix/%s", MM_SOURCE_DIR, name);
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    if (!j)
        fail_msg("%s: %s", path, err.text);
    int rc = import_json(out, j, dflt);
    json_decref(j);
    return rc;
}

static size_t count_type(const json_t *list, const char *type)
{
    size_t n = 0, i;
    json_t *v;
    json_array_foreach(list, i, v) n +=
        mm_streq(json_string_value(json_object_get(v, "type")), type);
    return n;
}

/* OASIS's own examples: APT1 (2.1, file:hashes.md5 in lower case, valid_from), Poison Ivy
 * (2.1, and as it stood in STIX 2.0: upgraded, and said so). */
static void test_public_examples(void **state)
{
    (void)state;
    mm_tlp dflt = MM_TLP_GREEN;
    mm_stix_import *imp = NULL;
    /* unmarked: refused without a default, naming the first unmarked object */
    assert_int_equal(import_fixture(&imp, "apt1.json", NULL), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "carries no TLP marking"));
    assert_int_equal(import_fixture(&imp, "apt1.json", &dflt), MM_OK);
    assert_string_equal(imp->format, "stix-2.1");
    assert_int_equal(imp->n_items, 1);
    assert_int_equal((int)imp->items[0].tlp, MM_TLP_GREEN);
    assert_string_equal(imp->items[0].title, "APT1: Exposing One of China's Cyber Espionage Units");
    json_t *inds = json_object_get(imp->items[0].body, "indicators");
    assert_int_equal(count_type(inds, "md5"), 3);
    assert_int_equal(count_type(inds, "ipv4-addr"), 4);
    assert_int_equal(count_type(inds, "domain-name"), 3);
    size_t i;
    json_t *v;
    json_array_foreach(inds, i, v) assert_string_equal(
        json_string_value(json_object_get(v, "valid_from")), "2015-05-15T09:12:16.432678Z");
    /* the x509 patterns are kept as text */
    assert_non_null(strstr(json_string_value(json_object_get(imp->items[0].body, "description")),
                           "x509-certificate:issuer"));
    mm_stix_import_free(imp);

    assert_int_equal(import_fixture(&imp, "poisonivy.json", &dflt), MM_OK);
    assert_string_equal(imp->format, "stix-2.1");
    assert_int_equal(imp->n_items, 1);
    mm_stix_import_free(imp);
    assert_int_equal(import_fixture(&imp, "poisonivy-stix20.json", &dflt), MM_OK);
    assert_string_equal(imp->format, "stix-2.0 (upgraded to stix-2.1)");
    assert_int_equal(imp->n_items, 1);
    assert_string_equal(imp->items[0].title,
                        "Poison Ivy: Assessing Damage and Extracting Intelligence");
    mm_stix_import_free(imp);
}

/* Statement and other (AIS/ACS-style) marking definitions: kept beside TLP, exported again;
 * alone they name themselves in the refusal. */
static void test_other_markings(void **state)
{
    (void)state;
    mm_stix_import *imp = NULL;
    assert_int_equal(import_fixture(&imp, "marked-statement-acs.json", NULL), MM_OK);
    assert_int_equal((int)imp->items[0].tlp, MM_TLP_CLEAR);
    json_t *body = imp->items[0].body;
    json_t *marks = json_object_get(body, "markings");
    assert_int_equal(json_array_size(marks), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(marks, 0), "id")),
                        "marking-definition--2b1f3a5e-6c7d-4e8f-9a0b-1c2d3e4f5a6b");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(marks, 0), "definition"), "statement")),
                        "Copyright 2026, Example Supplier Ltd. Redistribution within the defense "
                        "industrial base only.");
    assert_string_equal(json_string_value(json_object_get(json_array_get(marks, 1), "id")),
                        "marking-definition--7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f");
    /* sha-256 in lower case, valid_from kept */
    json_t *ind = json_array_get(json_object_get(body, "indicators"), 0);
    assert_string_equal(json_string_value(json_object_get(ind, "type")), "sha256");
    assert_string_equal(json_string_value(json_object_get(ind, "valid_from")),
                        "2026-11-19T00:00:00Z");
    /* exported again: both definitions in the bundle, on the report and the indicator */
    json_t *it = json_pack("{s:s,s:s,s:s,s:s,s:O}", "id", "7", "tlp", "TLP:CLEAR", "title",
                           imp->items[0].title, "created", "2026-12-01T00:00:00Z", "body", body);
    mm_stix_import_free(imp);
    json_t *b = NULL;
    assert_int_equal(mm_stix_export(&b, it), MM_OK);
    size_t i;
    json_t *o;
    int defs = 0, marked = 0;
    json_array_foreach(json_object_get(b, "objects"), i, o)
    {
        const char *type = json_string_value(json_object_get(o, "type"));
        const char *id = json_string_value(json_object_get(o, "id"));
        if (strcmp(type, "marking-definition") == 0) {
            defs += strstr(id, "2b1f3a5e") || strstr(id, "7c8d9e0f");
            continue;
        }
        if (strcmp(type, "report") == 0 || strcmp(type, "indicator") == 0) {
            assert_int_equal(json_array_size(json_object_get(o, "object_marking_refs")), 3);
            marked++;
        }
        if (strcmp(type, "indicator") == 0)
            assert_string_equal(json_string_value(json_object_get(o, "valid_from")),
                                "2026-11-19T00:00:00.000Z");
    }
    assert_int_equal(defs, 2);
    assert_int_equal(marked, 2);
    json_decref(b);
    json_decref(it);

    /* the ACS-style marking alone: named in the refusal, kept with a default label */
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/fixtures/stix/marked-statement-acs.json", MM_SOURCE_DIR);
    json_t *j = json_load_file(path, 0, NULL);
    assert_non_null(j);
    json_t *objs = json_object_get(j, "objects");
    json_array_foreach(objs, i, o) if (json_object_get(o, "object_marking_refs"))
        json_object_set_new(o, "object_marking_refs",
                            json_pack("[s]", "marking-definition--7c8d9e0f-1a2b-4c3d-8e4f-"
                                             "5a6b7c8d9e0f"));
    assert_int_equal(import_json(&imp, j, NULL), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "carries no TLP marking, only "
                                            "marking-definition--7c8d9e0f-1a2b-4c3d-8e4f-"
                                            "5a6b7c8d9e0f (name ACS-style handling marking"));
    mm_tlp dflt = MM_TLP_AMBER;
    assert_int_equal(import_json(&imp, j, &dflt), MM_OK);
    assert_int_equal((int)imp->items[0].tlp, MM_TLP_AMBER);
    assert_int_equal(json_array_size(json_object_get(imp->items[0].body, "markings")), 1);
    mm_stix_import_free(imp);
    /* a valid_from that is not a timestamp is not kept */
    json_array_foreach(objs, i, o) if (json_object_get(o, "valid_from"))
        json_object_set_new(o, "valid_from", json_string("2026-11-19T00:00:00 or so"));
    assert_int_equal(import_json(&imp, j, &dflt), MM_OK);
    assert_null(json_object_get(
        json_array_get(json_object_get(imp->items[0].body, "indicators"), 0), "valid_from"));
    mm_stix_import_free(imp);
    json_decref(j);
}

/* Every SDO names the originator's identity; a report without indicators refers to the
 * identity (never only to its marking); indicators have a name and a description. */
static void test_consumer_shape(void **state)
{
    (void)state;
    json_t *it = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s}}", "id", "9", "tlp", "TLP:AMBER", "title",
                           "No indicators", "originator_org", "acme", "created",
                           "2026-11-23T10:00:00Z", "body", "description", "text only");
    json_t *b = NULL;
    assert_int_equal(mm_stix_export(&b, it), MM_OK);
    json_t *objs = json_object_get(b, "objects");
    const json_t *idy = NULL, *rep = NULL;
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o)
    {
        const char *type = json_string_value(json_object_get(o, "type"));
        if (strcmp(type, "identity") == 0)
            idy = o;
        if (strcmp(type, "report") == 0)
            rep = o;
    }
    assert_non_null(idy);
    assert_non_null(rep);
    assert_string_equal(json_string_value(json_object_get(idy, "name")), "acme");
    assert_string_equal(json_string_value(json_object_get(idy, "identity_class")), "organization");
    const char *iid = json_string_value(json_object_get(idy, "id"));
    assert_string_equal(json_string_value(json_object_get(rep, "created_by_ref")), iid);
    json_t *refs = json_object_get(rep, "object_refs");
    assert_int_equal(json_array_size(refs), 1);
    assert_string_equal(json_string_value(json_array_get(refs, 0)), iid);
    json_decref(b);
    json_decref(it);
    it = item("10", "TLP:GREEN", "Phishing wave");
    assert_int_equal(mm_stix_export(&b, it), MM_OK);
    int n = 0;
    json_array_foreach(json_object_get(b, "objects"), i, o)
    {
        if (!mm_streq(json_string_value(json_object_get(o, "type")), "indicator"))
            continue;
        n++;
        assert_non_null(json_string_value(json_object_get(o, "name")));
        const char *d = json_string_value(json_object_get(o, "description"));
        assert_non_null(d);
        assert_non_null(strstr(d, "shared in \"Phishing wave\""));
        assert_non_null(json_string_value(json_object_get(o, "created_by_ref")));
    }
    assert_int_equal(n, 5);
    json_decref(b);
    json_decref(it);
}

static void refused(const char *text, const char *msg)
{
    mm_stix_import *imp = NULL;
    int rc = import_text(&imp, text, NULL);
    if (rc == MM_OK)
        fail_msg("accepted: %.200s", text);
    assert_null(imp);
    if (!strstr(mm_error_last(), msg))
        fail_msg("message \"%s\" lacks \"%s\"", mm_error_last(), msg);
    assert_int_equal(strncmp(mm_error_last(), "bundle:", 7), 0);
}

static void test_hostile(void **state)
{
    (void)state;
    /* deep nesting */
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 99);
    deep[199] = '\0';
    refused(deep, "nested deeper than 32");
    /* huge arrays */
    size_t n = 10001;
    char *big = malloc(n * 3 + 64);
    assert_non_null(big);
    char *p = big + sprintf(big, "{\"type\":\"bundle\",\"objects\":[");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s{}", i ? "," : "");
    strcpy(p, "]}");
    refused(big, "$.objects: 10001 objects, more than 10000");
    free(big);
    /* a string over 1 MiB */
    size_t sl = 1024 * 1024 + 10;
    char *ls = malloc(sl + 64);
    assert_non_null(ls);
    p = ls + sprintf(ls, "{\"type\":\"");
    memset(p, 'a', sl);
    strcpy(p + sl, "\"}");
    refused(ls, "string longer than 1 MiB");
    free(ls);
    /* wrong types */
    refused("[]", "$: expected a bundle object");
    refused("{\"type\":\"bundle\",\"objects\":{}}", "$.objects: expected an array");
    refused("{\"type\":\"collection\",\"objects\":[]}", "$.type");
    refused("{\"type\":\"bundle\",\"objects\":[1]}", "$.objects[0]: expected an object");
    refused("{\"type\":\"bundle\",\"objects\":[{\"type\":7,\"id\":\"x\"}]}",
            "$.objects[0].type: expected a string");
    refused("{\"type\":\"bundle\",\"objects\":[]}", "no report or note");
    refused("{\"type\":\"bundle\",\"objects\":[{\"type\":\"report\",\"id\":\"report--1\","
            "\"name\":\"x\",\"object_marking_refs\":\"" TLP2_RED "\"}]}",
            "$.objects[0].object_marking_refs: expected an array");
    refused("{\"type\":\"bundle\",\"objects\":[{\"type\":\"report\",\"id\":\"report--1\","
            "\"name\":\"x\",\"object_marking_refs\":[3]}]}",
            "$.objects[0].object_marking_refs[0]: expected a marking id");
    refused("{\"type\":\"bundle\",\"objects\":[{\"type\":\"report\",\"id\":\"report--1\","
            "\"name\":[],\"object_marking_refs\":[\"" TLP2_RED "\"]}]}",
            "$.objects[0].name: expected a string");
    refused("{\"type\":\"bundle\",\"objects\":[{\"type\":\"report\",\"id\":\"report--1\","
            "\"name\":\"x\",\"object_marking_refs\":[\"" TLP2_RED "\"],\"object_refs\":{}}]}",
            "$.objects[0].object_refs: expected an array");
    /* unknown marking ids */
    refused("{\"type\":\"bundle\",\"objects\":[{\"type\":\"report\",\"id\":\"report--1\","
            "\"name\":\"x\",\"object_marking_refs\":[\"marking-definition--00000000-0000-4000-"
            "8000-000000000000\"]}]}",
            "$.objects[0].object_marking_refs[0]: unknown marking definition");
    refused("not json", "bundle:1:3: invalid JSON");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_export_shape),
        cmocka_unit_test(test_tlp1),
        cmocka_unit_test(test_unmarked),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_incident),
        cmocka_unit_test(test_public_examples),
        cmocka_unit_test(test_other_markings),
        cmocka_unit_test(test_consumer_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
