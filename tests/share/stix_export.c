/*
 * Test helper for tests/share/test_stix_schema.sh: writes STIX 2.1 bundles made by
 * mm_stix_export to OUTDIR: bundle-<label>.json for each of the 5 TLP 2.0 labels (one item
 * with every kind of indicator), bundle-all.json (five items, one per label) and
 * bundle-incident.json (an incident report: a STIX incident with the incident core extension,
 * AMBER+STRICT).
 * stix_export --reimport IN OUT LABEL: reads the bundle IN (mm_stix_parse, LABEL for what is
 * unmarked), makes items of it as the server stores them, and writes their export to OUT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"

static json_t *item(int n, const char *tlp)
{
    char id[32];
    snprintf(id, sizeof(id), "item-%d", n);
    return json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s},"
        "{s:s,s:s},{s:s,s:s},{s:s,s:s}],s:[{s:s,s:s}]}}",
        "id", id, "tlp", tlp, "title", "Phishing wave against suppliers", "created",
        "2026-11-23T10:00:00Z", "modified", "2026-11-23T11:30:00Z", "body", "description",
        "Mails with \"invoice\" links.", "indicators", "type", "ipv4-addr", "value", "192.0.2.10",
        "type", "ipv6-addr", "value", "2001:db8::1", "type", "domain-name", "value",
        "login-update.example", "type", "url", "value",
        "https://login-update.example/a?b='c'&d=\\e", "type", "email-addr", "value",
        "billing@login-update.example", "type", "sha256", "value",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "type", "md5", "value",
        "d41d8cd98f00b204e9800998ecf8427e", "type", "mutex", "value", "Global\\x1", "attachments",
        "name", "mail.eml", "sha256",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static int write(const char *dir, const char *name, const json_t *items)
{
    json_t *b = NULL;
    if (mm_stix_export(&b, items) != MM_OK) {
        fprintf(stderr, "stix_export: %s\n", mm_error_last());
        return 1;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    int rc = json_dump_file(b, path, JSON_INDENT(2) | JSON_SORT_KEYS) ? 1 : 0;
    json_decref(b);
    return rc;
}

static int reimport(const char *in, const char *out, const char *label)
{
    mm_tlp dflt;
    if (mm_tlp_parse(&dflt, label) != MM_OK) {
        fprintf(stderr, "stix_export: %s\n", mm_error_last());
        return 2;
    }
    json_error_t err;
    json_t *j = json_load_file(in, 0, &err);
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    mm_stix_import *imp = NULL;
    if (!text || mm_stix_parse(&imp, text, strlen(text), &dflt) != MM_OK) {
        fprintf(stderr, "stix_export: %s: %s\n", in, text ? mm_error_last() : err.text);
        free(text);
        return 1;
    }
    free(text);
    json_t *items = json_array();
    for (size_t i = 0; i < imp->n_items; i++) {
        char id[32];
        snprintf(id, sizeof(id), "imported-%zu", i + 1);
        json_t *body = json_deep_copy(imp->items[i].body);
        json_object_set_new(
            body, "imported",
            json_pack("{s:s,s:s}", "format", imp->format, "stix_id", imp->items[i].stix_id));
        json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "id", id, "tlp",
                                               mm_tlp_label(imp->items[i].tlp), "title",
                                               imp->items[i].title, "originator_org", "importer",
                                               "created", "2026-12-01T00:00:00Z", "modified",
                                               "2026-12-01T00:00:00Z", "body", body));
    }
    mm_stix_import_free(imp);
    json_t *b = NULL;
    int rc = mm_stix_export(&b, items) == MM_OK ? 0 : 1;
    if (rc)
        fprintf(stderr, "stix_export: %s\n", mm_error_last());
    else
        rc = json_dump_file(b, out, JSON_INDENT(2) | JSON_SORT_KEYS) ? 1 : 0;
    json_decref(b);
    json_decref(items);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--reimport") == 0)
        return reimport(argv[2], argv[3], argv[4]);
    static const char *const labels[] = {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT",
                                         "TLP:RED"};
    static const char *const files[] = {"bundle-clear.json", "bundle-green.json",
                                        "bundle-amber.json", "bundle-amber-strict.json",
                                        "bundle-red.json"};
    if (argc != 2) {
        fprintf(stderr, "usage: stix_export OUTDIR\n");
        return 2;
    }
    int rc = 0;
    json_t *all = json_array();
    for (int i = 0; i < 5; i++) {
        json_t *it = item(i + 1, labels[i]);
        rc |= write(argv[1], files[i], it);
        json_array_append_new(all, it);
    }
    rc |= write(argv[1], "bundle-all.json", all);
    json_decref(all);
    json_t *inc = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:{},s:{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s,s:[s,s],s:[s],s:[s]}}"
        "}",
        "id", "incident-item-1", "kind", "incident", "tlp", "TLP:AMBER+STRICT", "title",
        "Cyber incident report (initial), discovered 2026-11-20T14:00:00Z", "created",
        "2026-11-21T09:00:00Z", "modified", "2026-11-21T09:00:00Z", "body", "incident",
        "report_number", "2026-0001", "report_type", "initial", "discovered",
        "2026-11-20T09:00:00-05:00", "reported", "2026-11-21T09:00:00Z", "report", "narrative",
        "Credential phishing led to access to the \"engineering\" share.", "functional_impact",
        "MINIMAL IMPACT TO NON-CRITICAL SERVICES", "information_impact",
        "PROPRIETARY INFORMATION BREACH", "recoverability", "NOT RECOVERABLE", "attack_vectors",
        "Email/Phishing", "Web", "affected_systems", "eng-fs01", "requirements", "03.05.03");
    rc |= inc ? write(argv[1], "bundle-incident.json", inc) : 1;
    json_decref(inc);
    return rc;
}
