/* Unit tests for framework packs and crosswalks (src/catalog/pack.c, crosswalk.c,
 * frameworks.c): the built-in packs and crosswalks, a small pack and mapping written for the
 * tests (tests/fixtures/frameworks), and bad input refused with its JSON path, loading
 * nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mamori/error.h"
#include "mamori/framework.h"

#define FIX MM_SOURCE_DIR "/tests/fixtures/frameworks"

static mm_frameworks *set; /* built-ins + the test folder */

/* How many packs and crosswalks are built in (the IoT schemes included): the folder tests
 * count what a folder adds on top of them. */
static size_t builtin_npacks(void)
{
    mm_frameworks *b = NULL;
    assert_int_equal(mm_frameworks_load(&b, NULL), MM_OK);
    size_t n = mm_frameworks_npacks(b);
    mm_frameworks_free(b);
    return n;
}

static size_t builtin_ncrosswalks(void)
{
    mm_frameworks *b = NULL;
    assert_int_equal(mm_frameworks_load(&b, NULL), MM_OK);
    size_t n = mm_frameworks_ncrosswalks(b);
    mm_frameworks_free(b);
    return n;
}

static int group_setup(void **state)
{
    (void)state;
    if (mm_frameworks_load(&set, FIX) != MM_OK) {
        fprintf(stderr, "setup: %s\n", mm_error_last());
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    mm_frameworks_free(set);
    mm_frameworks_free(NULL);
    mm_pack_free(NULL);
    mm_crosswalk_free(NULL);
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return s;
}

/* Replaces the first occurrence of from with to in s (malloc'd result). */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *hit = strstr(s, from);
    assert_non_null(hit);
    size_t n = strlen(s) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    assert_non_null(out);
    size_t pre = (size_t)(hit - s);
    memcpy(out, s, pre);
    strcpy(out + pre, to);
    strcat(out, hit + strlen(from));
    return out;
}

static void test_builtin_packs(void **state)
{
    (void)state;
    const mm_pack *r3 = mm_frameworks_pack(set, "800-171r3");
    const mm_pack *r2 = mm_frameworks_pack(set, "r2");
    const mm_pack *s53 = mm_frameworks_pack(set, "sp800-53r5");
    assert_non_null(r3);
    assert_non_null(r2);
    assert_non_null(s53);
    assert_true(r3->builtin && r2->builtin && s53->builtin);
    /* NIST's counts (content/catalogs/PROVENANCE.md) */
    assert_int_equal(r3->ncriteria, 130);
    assert_int_equal(mm_pack_active_count(r3), 97);
    assert_int_equal(r2->ncriteria, 110);
    assert_int_equal(s53->ncriteria, 1189);
    assert_int_equal(mm_pack_active_count(s53), 1007);
    const mm_criterion *c = mm_pack_criterion(r3, "03.01.01");
    assert_non_null(c);
    assert_ptr_equal(c, mm_pack_criterion(r3, "SP_800_171_03.01.01"));
    assert_string_equal(c->title, "Account Management");
    assert_string_equal(c->group, "03.01");
    assert_non_null(strstr(c->text, "system accounts"));
    c = mm_pack_criterion(s53, "AC-2(13)");
    assert_non_null(c);
    assert_ptr_equal(c, mm_pack_criterion(s53, "ac-2.13"));
    assert_string_equal(c->parent, "AC-2");
    assert_string_equal(mm_pack_criterion(r2, "sp_800_171_3.1.1")->id, "3.1.1");
    /* parameters as the publications print them, items by their short label */
    assert_string_equal(mm_pack_criterion(s53, "AC-2(2)")->text,
                        "Automatically [Selection: remove; disable] temporary and emergency "
                        "accounts after [Assignment: organization-defined time period for each "
                        "type of account].");
    assert_non_null(strstr(mm_pack_criterion(r3, "03.04.10")->text,
                           "\nb. Review and update the system component inventory "
                           "[Assignment: frequency]."));
    for (size_t i = 0; i < s53->ncriteria; i++)
        assert_null(strstr(mm_criterion_text(&s53->criteria[i]), "{{"));
    /* a withdrawn Rev 3 entry has no statement: never an invented text */
    c = mm_pack_criterion(r3, "03.05.06");
    assert_true(c->withdrawn);
    assert_null(c->text);
    assert_string_equal(mm_criterion_text(c), MM_TEXT_NOT_AVAILABLE);
}

static void test_test_pack(void **state)
{
    (void)state;
    const mm_pack *p = mm_frameworks_pack(set, "test-std");
    assert_non_null(p);
    assert_false(p->builtin);
    assert_int_equal(p->ncriteria, 5);
    assert_int_equal(mm_pack_active_count(p), 4);
    assert_string_equal(p->version, "0.1");
    const mm_criterion *c = mm_pack_criterion(p, "TS-1.2");
    assert_non_null(c);
    assert_string_equal(c->title, "Account review");
    assert_string_equal(c->text,
                        "Review the accounts:\na. every month; and\nb. when a person leaves.");
    assert_string_equal(c->group, "TS-1");
    assert_string_equal(c->group_title, "Accounts");
    assert_string_equal(mm_pack_criterion(p, "TS-1.1")->modal, "shall");
    /* no statement: "text not available", never an invented text */
    c = mm_pack_criterion(p, "TS-1.3");
    assert_null(c->text);
    assert_string_equal(mm_criterion_text(c), "text not available");
    assert_null(mm_pack_criterion(p, "TS-9"));
}

static void test_relations(void **state)
{
    (void)state;
    mm_relation r;
    assert_int_equal(mm_relation_parse(&r, "superset-of"), MM_OK);
    assert_int_equal(r, MM_REL_SUPERSET);
    assert_int_equal(mm_relation_parse(&r, "equal-to"), MM_OK);
    assert_int_equal(r, MM_REL_EQUIVALENT);
    assert_int_equal(mm_relation_parse(&r, "subset"), MM_OK);
    assert_int_equal(r, MM_REL_SUBSET);
    assert_int_equal(mm_relation_parse(&r, "same-as"), MM_EINVALID);
    assert_int_equal(mm_relation_inverse(MM_REL_SUBSET), MM_REL_SUPERSET);
    assert_int_equal(mm_relation_inverse(MM_REL_SUPERSET), MM_REL_SUBSET);
    assert_int_equal(mm_relation_inverse(MM_REL_INTERSECTS), MM_REL_INTERSECTS);
    assert_string_equal(mm_relation_oscal(MM_REL_NONE), "no-relationship");
    assert_string_equal(mm_relation_name(MM_REL_EQUIVALENT), "equivalent");
}

static void test_test_crosswalk(void **state)
{
    (void)state;
    mm_crosswalk *cw = NULL;
    assert_int_equal(mm_frameworks_crosswalk(&cw, set, "test-std", "800-171r3"), MM_OK);
    assert_string_equal(cw->source_pack, "test-std");
    assert_int_equal(cw->nrows, 5);
    size_t n;
    const mm_mapping_row *rows = mm_crosswalk_rows(cw, "TS-1.2", &n);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].target, "03.01.01");
    assert_int_equal(rows[0].relation, MM_REL_SUBSET);
    assert_string_equal(rows[1].target, "03.03.01");
    assert_int_equal(rows[1].relation, MM_REL_INTERSECTS);
    assert_string_equal(rows[1].citation, "Test mapping note T-1, row 4");
    assert_string_equal(rows[1].remarks, "Only the review part overlaps.");
    assert_null(mm_crosswalk_rows(cw, "TS-2.2", &n));
    assert_int_equal(n, 0);
    mm_crosswalk_free(cw);

    /* read the other way: inverted, citations kept */
    assert_int_equal(mm_frameworks_crosswalk(&cw, set, "r3", "test-std"), MM_OK);
    assert_string_equal(cw->source_pack, "800-171r3");
    rows = mm_crosswalk_rows(cw, "03.01.01", &n);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].target, "TS-1.1");
    assert_int_equal(rows[0].relation, MM_REL_SUBSET); /* TS-1.1 superset-of 03.01.01 */
    assert_string_equal(rows[0].citation, "Test mapping note T-1, row 1");
    assert_int_equal(rows[1].relation, MM_REL_SUPERSET);
    mm_crosswalk_free(cw);

    /* never composed through a third framework */
    assert_int_equal(mm_frameworks_crosswalk(&cw, set, "test-std", "800-53r5"), MM_ENOTFOUND);
    assert_null(cw);
    assert_non_null(strstr(mm_error_last(), "no crosswalk"));
}

static void test_builtin_crosswalks(void **state)
{
    (void)state;
    mm_crosswalk *cw = NULL;
    assert_int_equal(mm_frameworks_crosswalk(&cw, set, "800-171r2", "800-171r3"), MM_OK);
    size_t n;
    /* 3.1.1 carried forward: intersects, with NIST's catalog cited */
    const mm_mapping_row *rows = mm_crosswalk_rows(cw, "3.1.1", &n);
    assert_true(n >= 1);
    assert_string_equal(rows[0].target, "03.01.01");
    assert_int_equal(rows[0].relation, MM_REL_INTERSECTS);
    assert_non_null(strstr(rows[0].citation, "SP 800-171 Rev 3 OSCAL catalog"));
    /* 3.1.14 withdrawn, incorporated into 03.01.12 */
    rows = mm_crosswalk_rows(cw, "3.1.14", &n);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].target, "03.01.12");
    assert_int_equal(rows[0].relation, MM_REL_SUBSET);
    assert_non_null(strstr(rows[0].citation, "incorporated_into"));
    /* 3.5.6 withdrawn without a link: no row, so no counterpart */
    assert_null(mm_crosswalk_rows(cw, "3.5.6", &n));
    for (size_t i = 0; i < cw->nrows; i++)
        assert_true(cw->rows[i].citation && *cw->rows[i].citation);
    mm_crosswalk_free(cw);

    assert_int_equal(mm_frameworks_crosswalk(&cw, set, "800-171r3", "800-53r5"), MM_OK);
    rows = mm_crosswalk_rows(cw, "03.01.01", &n);
    assert_int_equal(n, 4); /* AC-2, AC-2(3), AC-2(5), AC-2(13) */
    assert_string_equal(rows[3].target, "AC-2(13)");
    assert_int_equal(rows[3].relation, MM_REL_INTERSECTS);
    mm_crosswalk_free(cw);
}

static void test_oscal_roundtrip(void **state)
{
    (void)state;
    mm_crosswalk *cw = NULL, *back = NULL;
    assert_int_equal(mm_frameworks_crosswalk(&cw, set, "test-std", "800-171r3"), MM_OK);
    char *text = mm_crosswalk_to_oscal(cw);
    assert_non_null(text);
    assert_int_equal(mm_crosswalk_parse(&back, text, strlen(text), "roundtrip",
                                        mm_frameworks_pack(set, "test-std"),
                                        mm_frameworks_pack(set, "800-171r3")),
                     MM_OK);
    assert_int_equal(back->nrows, cw->nrows);
    for (size_t i = 0; i < cw->nrows; i++) {
        assert_string_equal(back->rows[i].source, cw->rows[i].source);
        assert_string_equal(back->rows[i].target, cw->rows[i].target);
        assert_int_equal(back->rows[i].relation, cw->rows[i].relation);
        assert_string_equal(back->rows[i].citation, cw->rows[i].citation);
    }
    free(text);
    mm_crosswalk_free(cw);
    mm_crosswalk_free(back);
}

/* The test mapping with one edit must be refused with this JSON path. */
static void refused(const char *from, const char *to, const char *path_in_message)
{
    size_t len;
    char *base = slurp(FIX "/crosswalks/test-std-to-r3.json", &len);
    char *bad = replace(base, from, to);
    mm_crosswalk *cw = NULL;
    int rc =
        mm_crosswalk_parse(&cw, bad, strlen(bad), "bad.json", mm_frameworks_pack(set, "test-std"),
                           mm_frameworks_pack(set, "800-171r3"));
    if (rc != MM_EINVALID || !strstr(mm_error_last(), path_in_message))
        fail_msg("expected MM_EINVALID naming %s, got %d: %s", path_in_message, rc,
                 mm_error_last());
    assert_null(cw);
    free(bad);
    free(base);
}

static void test_bad_crosswalk(void **state)
{
    (void)state;
    /* a control the catalog lacks, on either side */
    refused("\"SP_800_171_03.08.04\"", "\"SP_800_171_03.99.01\"",
            "bad.json: $.mapping-collection.mappings[0].maps[1].targets[0].id-ref");
    refused("\"ts-2.1\"", "\"ts-9.9\"", "maps[1].sources[0].id-ref: 'ts-9.9' is not");
    /* the same pair twice with contradicting types */
    refused("\"id-ref\": \"ts-1.3\"}],\n            \"targets\": [{\"type\": \"control\", "
            "\"id-ref\": \"SP_800_171_03.01.02\"}]",
            "\"id-ref\": \"ts-1.1\"}],\n            \"targets\": [{\"type\": \"control\", "
            "\"id-ref\": \"SP_800_171_03.01.01\"}]",
            "maps[4].relationship: TS-1.1 -> 03.01.01 is related twice with contradicting types");
    /* an unknown type, a missing citation, a missing uuid */
    refused("\"superset-of\"", "\"covers\"", "maps[0].relationship: unknown relationship");
    refused("\"name\": \"citation\"", "\"name\": \"note\"", "maps[0].props: no citation");
    refused("\"uuid\": \"0b6c2c3e-5a1f-4e4e-8f60-73746d303031\"", "\"uid\": \"x\"",
            "maps[0]: \"uuid\" is missing");
    /* a set-level map still has each of its ids checked */
    refused("[{\"type\": \"control\", \"id-ref\": \"ts-1.1\"}]",
            "[{\"type\": \"control\", \"id-ref\": \"ts-1.1\"}, "
            "{\"type\": \"control\", \"id-ref\": \"ts-7\"}]",
            "maps[0].sources[1].id-ref: 'ts-7' is not a control of test-std");
    /* no mapping relates the two packs given */
    refused("\"value\": \"800-171r3\"", "\"value\": \"800-53r5\"",
            "$.mapping-collection.mappings: no mapping relates test-std -> 800-171r3");
}

/* A map relating several criteria at once (a whole scheme recognised) gives no row; a
 * collection relating several pairs of packs loads as one crosswalk per pair. */
static void test_set_maps_and_pairs(void **state)
{
    (void)state;
    size_t len;
    char *base = slurp(FIX "/crosswalks/test-std-to-r3.json", &len);
    char *set_map = replace(base, "[{\"type\": \"control\", \"id-ref\": \"ts-1.1\"}]",
                            "[{\"type\": \"control\", \"id-ref\": \"ts-1.1\"}, "
                            "{\"type\": \"control\", \"id-ref\": \"ts-2.1\"}]");
    mm_crosswalk *cw = NULL;
    assert_int_equal(mm_crosswalk_parse(&cw, set_map, strlen(set_map), "set.json",
                                        mm_frameworks_pack(set, "test-std"),
                                        mm_frameworks_pack(set, "800-171r3")),
                     MM_OK);
    assert_int_equal(cw->nset_maps, 1);
    assert_int_equal(cw->nrows, 4);
    size_t n;
    assert_null(mm_crosswalk_rows(cw, "TS-1.1", &n));
    mm_crosswalk_free(cw);

    /* the same collection with a second mapping, test-std -> 800-53r5 */
    char *two = replace(base, "\n    ]\n  }\n}",
                        ",\n      {\"uuid\": \"0b6c2c3e-5a1f-4e4e-8f60-000000000099\", "
                        "\"source-resource\": {\"type\": \"catalog\", \"href\": \"#t\", "
                        "\"props\": [{\"name\": \"framework-id\", \"value\": \"test-std\"}]}, "
                        "\"target-resource\": {\"type\": \"catalog\", \"href\": \"#s\", "
                        "\"props\": [{\"name\": \"framework-id\", \"value\": \"800-53r5\"}]}, "
                        "\"maps\": [{\"uuid\": \"0b6c2c3e-5a1f-4e4e-8f60-000000000098\", "
                        "\"relationship\": \"equivalent-to\", \"sources\": [{\"type\": "
                        "\"control\", \"id-ref\": \"ts-2.1\"}], \"targets\": [{\"type\": "
                        "\"control\", \"id-ref\": \"mp-3\"}], \"props\": [{\"name\": "
                        "\"citation\", \"value\": \"Test note T-2\"}]}]}\n    ]\n  }\n}");
    char dir[] = "/tmp/mm-fw2-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], cpath[256];
    snprintf(path, sizeof(path), "%s/test-std.json", dir);
    snprintf(cpath, sizeof(cpath), "%s/two.json", dir);
    char *pack = slurp(FIX "/test-std.json", &len);
    FILE *f = fopen(path, "w");
    fputs(pack, f);
    fclose(f);
    f = fopen(cpath, "w");
    fputs(two, f);
    fclose(f);
    mm_frameworks *s2 = NULL;
    if (mm_frameworks_load(&s2, dir) != MM_OK)
        fail_msg("%s", mm_error_last());
    /* the built-in crosswalks plus the two pairs two.json relates */
    assert_int_equal(mm_frameworks_ncrosswalks(s2), builtin_ncrosswalks() + 2);
    assert_int_equal(mm_frameworks_crosswalk(&cw, s2, "test-std", "800-53r5"), MM_OK);
    assert_int_equal(cw->nrows, 1);
    assert_string_equal(cw->rows[0].target, "MP-3");
    mm_crosswalk_free(cw);
    assert_int_equal(mm_frameworks_crosswalk(&cw, s2, "test-std", "800-171r3"), MM_OK);
    assert_int_equal(cw->nrows, 5);
    mm_crosswalk_free(cw);
    mm_frameworks_free(s2);
    unlink(path);
    unlink(cpath);
    rmdir(dir);
    free(pack);
    free(two);
    free(set_map);
    free(base);
}

static void pack_refused(const char *from, const char *to, const char *path_in_message)
{
    size_t len;
    char *base = slurp(FIX "/test-std.json", &len);
    char *bad = replace(base, from, to);
    mm_pack *p = NULL;
    int rc = mm_pack_parse(&p, bad, strlen(bad), "bad.json");
    if (rc != MM_EINVALID || !strstr(mm_error_last(), path_in_message))
        fail_msg("expected MM_EINVALID naming %s, got %d: %s", path_in_message, rc,
                 mm_error_last());
    assert_null(p);
    free(bad);
    free(base);
}

static void test_bad_pack(void **state)
{
    (void)state;
    pack_refused("\"title\": \"Account list\"", "\"titel\": \"Account list\"",
                 "bad.json: $.catalog.groups[0].controls[0]: \"title\" is missing");
    pack_refused("\"label\", \"value\": \"TS-1.2\"", "\"label\", \"value\": \"TS-1.1\"",
                 "$.catalog.groups[0].controls[1].id: control 'TS-1.1' is given twice");
    pack_refused("\"name\": \"statement\", \"prose\": \"Keep", "\"name\": 7, \"prose\": \"Keep",
                 "$.catalog.groups[0].controls[0].parts[0].name: expected a string");
    pack_refused("\"version\": \"0.1\"", "\"version\": 1", "$.catalog.metadata.version");
    size_t len;
    mm_pack *p = NULL;
    assert_int_equal(mm_pack_parse(&p, "[]", 2, "x.json"), MM_EINVALID);
    assert_int_equal(mm_pack_parse(&p, "{\"catalog\":", 11, "x.json"), MM_EPARSE);
    assert_null(p);
    char *base = slurp(FIX "/test-std.json", &len);
    assert_int_equal(mm_pack_parse(&p, base, len, "dir/test-std.json"), MM_OK);
    assert_string_equal(p->id, "test-std");
    mm_pack_free(p);
    free(base);
    assert_int_equal(mm_pack_builtin(&p, "mod-standard"), MM_ENOTFOUND);
}

/* One bad file refuses the whole folder, naming the file and the path. */
static void test_bad_folder(void **state)
{
    (void)state;
    char dir[] = "/tmp/mm-fw-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], sub[256];
    size_t len;
    char *pack = slurp(FIX "/test-std.json", &len);
    snprintf(path, sizeof(path), "%s/test-std.json", dir);
    FILE *f = fopen(path, "w");
    fputs(pack, f);
    fclose(f);
    snprintf(sub, sizeof(sub), "%s/crosswalks", dir);
    mkdir(sub, 0700);
    char *cw = slurp(FIX "/crosswalks/test-std-to-r3.json", &len);
    char *bad = replace(cw, "\"SP_800_171_03.08.04\"", "\"SP_800_171_03.08.99\"");
    char cpath[300];
    snprintf(cpath, sizeof(cpath), "%s/x.json", sub);
    f = fopen(cpath, "w");
    fputs(bad, f);
    fclose(f);
    mm_frameworks *s = NULL;
    assert_int_equal(mm_frameworks_load(&s, dir), MM_EINVALID);
    assert_null(s);
    assert_non_null(strstr(mm_error_last(), "x.json: $.mapping-collection.mappings[0]"));
    /* the same pack twice */
    f = fopen(cpath, "w");
    fputs(pack, f);
    fclose(f);
    assert_int_equal(mm_frameworks_load(&s, dir), MM_EINVALID);
    assert_non_null(strstr(mm_error_last(), "already loaded"));
    unlink(cpath);
    assert_int_equal(mm_frameworks_load(&s, dir), MM_OK);
    assert_int_equal(mm_frameworks_npacks(s), builtin_npacks() + 1); /* + test-std */
    mm_frameworks_free(s);
    unlink(path);
    rmdir(sub);
    rmdir(dir);
    free(pack);
    free(cw);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_packs),      cmocka_unit_test(test_test_pack),
        cmocka_unit_test(test_relations),          cmocka_unit_test(test_test_crosswalk),
        cmocka_unit_test(test_builtin_crosswalks), cmocka_unit_test(test_oscal_roundtrip),
        cmocka_unit_test(test_bad_crosswalk),      cmocka_unit_test(test_bad_pack),
        cmocka_unit_test(test_bad_folder),         cmocka_unit_test(test_set_maps_and_pairs),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
