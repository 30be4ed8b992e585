/* TAXII 2.1's outside input (src/share/taxii.c, src/share/taxii_peers.c): media types
 * (section 1.6.8), Basic credentials (RFC 7617's own example), timestamps (1.6.10), the
 * filters (3.4), the envelope of Add Objects (3.7, 5.5) and the peers file of federation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mamori/share.h"
#include "mamori/taxii.h"

static void test_media(void **state)
{
    (void)state;
    static const char *const good[] = {"application/taxii+json;version=2.1",
                                       "application/taxii+json",
                                       "application/taxii+json; version=2.1",
                                       "Application/TAXII+json;version=2.1",
                                       "text/html, application/taxii+json;version=2.1",
                                       "application/taxii+json;version=2.1;q=0.9"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        if (!mm_taxii_media_ok(good[i], true))
            fail_msg("refused: %s", good[i]);
    static const char *const bad[] = {"application/json",
                                      "application/taxii+json;version=2.0",
                                      "*/*",
                                      "application/stix+json;version=2.1",
                                      "application/taxii+jsonx",
                                      "application/taxii+json;charset=utf-8",
                                      "application/taxii+json;q=0",
                                      ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (mm_taxii_media_ok(bad[i], true))
            fail_msg("accepted: %s", bad[i]);
    assert_false(mm_taxii_media_ok(NULL, true));
    /* a Content-Type is one type, not a list */
    assert_false(mm_taxii_media_ok("text/html, application/taxii+json;version=2.1", false));
    assert_true(mm_taxii_media_ok("application/taxii+json;version=2.1", false));
}

static void test_basic(void **state)
{
    (void)state;
    char l[129], p[1025];
    /* RFC 7617 section 2: Aladdin / open sesame */
    assert_int_equal(mm_taxii_basic("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", l, sizeof l, p, sizeof p),
                     MM_OK);
    assert_string_equal(l, "Aladdin");
    assert_string_equal(p, "open sesame");
    /* "a:b:c": the password holds the second colon */
    assert_int_equal(mm_taxii_basic("basic YTpiOmM=", l, sizeof l, p, sizeof p), MM_OK);
    assert_string_equal(l, "a");
    assert_string_equal(p, "b:c");
    static const char *const bad[] = {
        "Bearer x",      "Basic", "Basic !!!", "Basic OmI=" /* ":b" */, "Basic YWI=" /* "ab" */,
        "Basic YQBiOmM=" /* "a\0b:c" */};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (mm_taxii_basic(bad[i], l, sizeof l, p, sizeof p) == MM_OK)
            fail_msg("accepted: %s", bad[i]);
    char tiny[3];
    assert_int_not_equal(
        mm_taxii_basic("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", tiny, sizeof tiny, p, sizeof p),
        MM_OK);
}

static void test_time(void **state)
{
    (void)state;
    char t[28];
    assert_int_equal(mm_taxii_time(t, "2016-01-01T01:01:01.000Z"), MM_OK);
    assert_string_equal(t, "2016-01-01T01:01:01.000000Z");
    assert_int_equal(mm_taxii_time(t, "2016-11-01T03:04:05Z"), MM_OK);
    assert_string_equal(t, "2016-11-01T03:04:05.000000Z");
    assert_int_equal(mm_taxii_time(t, "2016-11-01T03:04:05.123456789Z"), MM_OK);
    assert_string_equal(t, "2016-11-01T03:04:05.123456Z");
    static const char *const bad[] = {"2016-01-01",
                                      "2016-01-01T01:01:01",
                                      "2016-13-01T00:00:00Z",
                                      "2016-01-01T01:01:01.Z",
                                      "2016-01-01T01:01:01+09:00",
                                      "yesterday",
                                      ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (mm_taxii_time(t, bad[i]) == MM_OK)
            fail_msg("accepted: %s", bad[i]);
    /* canonical forms compare in time order */
    char a[28], b[28];
    assert_int_equal(mm_taxii_time(a, "2016-01-01T01:01:01Z"), MM_OK);
    assert_int_equal(mm_taxii_time(b, "2016-01-01T01:01:01.5Z"), MM_OK);
    assert_true(strcmp(a, b) < 0);
}

static void test_filters(void **state)
{
    (void)state;
    mm_taxii_filter f;
    assert_int_equal(mm_taxii_filter_parse(&f, NULL, NULL, NULL, NULL, NULL, NULL, NULL), MM_OK);
    assert_int_equal(f.limit, MM_TAXII_LIMIT_DEFAULT);
    assert_true(f.v_last && !f.v_first && !f.v_all && f.spec_21);
    mm_taxii_filter_clear(&f);
    /* section 3.4's example: match[type]=incident,ttp,actor (any of them) */
    assert_int_equal(mm_taxii_filter_parse(&f, "2016-02-01T00:00:01.000Z", "incident,ttp,actor",
                                           NULL, "first,2016-04-06T20:03:48.000Z", "2.0,2.1", "2",
                                           "4"),
                     MM_OK);
    assert_true(mm_taxii_filter_object(&f, "ttp", "ttp--1", "2016-02-01T00:00:02.000000Z"));
    assert_false(mm_taxii_filter_object(&f, "indicator", "i--1", "2016-02-01T00:00:02.000000Z"));
    /* added_after is strictly after */
    assert_false(mm_taxii_filter_object(&f, "ttp", "ttp--1", "2016-02-01T00:00:01.000000Z"));
    assert_true(mm_taxii_filter_version(&f, "2016-04-06T20:03:48.000000Z", "x", "y"));
    assert_true(mm_taxii_filter_version(&f, "a", "a", "b"));  /* first */
    assert_false(mm_taxii_filter_version(&f, "b", "a", "b")); /* last is not asked */
    assert_int_equal(f.limit, 2);
    assert_int_equal(f.offset, 4);
    mm_taxii_filter_clear(&f);
    assert_int_equal(mm_taxii_filter_parse(&f, NULL, NULL, NULL, NULL, "2.0", NULL, NULL), MM_OK);
    assert_false(mm_taxii_filter_object(&f, "ttp", "ttp--1", "2016-02-01T00:00:02.000000Z"));
    mm_taxii_filter_clear(&f);
    const char *bad[][2] = {{"limit", "0"},         {"limit", "1001"},     {"limit", "x"},
                            {"next", "-1"},         {"version", "newest"}, {"type", "a,,b"},
                            {"added_after", "now"}, {"version", ""}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *k = bad[i][0], *v = bad[i][1];
        int rc = mm_taxii_filter_parse(
            &f, strcmp(k, "added_after") == 0 ? v : NULL, strcmp(k, "type") == 0 ? v : NULL, NULL,
            strcmp(k, "version") == 0 ? v : NULL, NULL, strcmp(k, "limit") == 0 ? v : NULL,
            strcmp(k, "next") == 0 ? v : NULL);
        if (rc == MM_OK)
            fail_msg("accepted %s=%s", k, v);
        assert_non_null(strstr(mm_error_last(), k));
    }
}

static void test_envelope(void **state)
{
    (void)state;
    json_t *b = NULL;
    const char *env = "{\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\","
                      "\"id\":\"indicator--252c7c11-daf2-42bd-843b-be65edca9f61\","
                      "\"created\":\"2016-04-06T20:03:48.000Z\","
                      "\"modified\":\"2016-04-06T20:03:48.000Z\"}],\"more\":false}";
    assert_int_equal(mm_taxii_envelope(&b, env, strlen(env)), MM_OK);
    assert_string_equal(json_string_value(json_object_get(b, "type")), "bundle");
    assert_int_equal(strncmp(json_string_value(json_object_get(b, "id")), "bundle--", 8), 0);
    assert_int_equal(json_array_size(json_object_get(b, "objects")), 1);
    assert_string_equal(mm_taxii_object_version(json_array_get(json_object_get(b, "objects"), 0)),
                        "2016-04-06T20:03:48.000Z");
    json_decref(b);
    static const char *const bad[] = {"[]",
                                      "{}",
                                      "{\"objects\":[]}",
                                      "{\"objects\":[1]}",
                                      "{\"objects\":[{\"type\":\"x\"}]}",
                                      "{\"objects\":[{\"type\":\"x\",\"id\":\"x--1\"}],\"x\":1}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (mm_taxii_envelope(&b, bad[i], strlen(bad[i])) == MM_OK)
            fail_msg("accepted: %s", bad[i]);
        assert_null(b);
        assert_non_null(strstr(mm_error_last(), "envelope"));
    }
    assert_int_equal(mm_taxii_envelope(&b, "{", 1), MM_EPARSE);
}

static void test_peers(void **state)
{
    (void)state;
    const char *good = "{\"peers\":[{\"name\":\"us-partner\",\"api_root\":"
                       "\"https://t.example/taxii2/api/\",\"token\":\"t\",\"org_id\":\"o\","
                       "\"pull\":[{\"collection\":\"c\",\"labels\":[\"TLP:AMBER\","
                       "\"TLP:AMBER+STRICT\"]}],\"interval\":60}]}";
    mm_taxii_peers *p = NULL;
    assert_int_equal(mm_taxii_peers_parse(&p, good, strlen(good), "peers.json"), MM_OK);
    assert_int_equal(p->n, 1);
    assert_string_equal(p->peer[0].name, "us-partner");
    assert_int_equal(p->peer[0].pull[0].labels, (1u << MM_TLP_AMBER) | (1u << MM_TLP_AMBER_STRICT));
    assert_false(p->peer[0].may_reshare);
    assert_int_equal(p->peer[0].interval, 60);
    mm_taxii_peers_free(p);
    struct {
        const char *text, *where;
    } bad[] = {
        {"{\"peers\":[{\"name\":\"a\",\"api_root\":\"http://x/\",\"token\":\"t\",\"org_id\":\"o\","
         "\"push\":[{\"collection\":\"c\",\"labels\":[\"TLP:RED\"]}]}]}",
         "$.peers[0].push[0].labels[0]"},
        {"{\"peers\":[{\"name\":\"a\",\"api_root\":\"ftp://x/\",\"token\":\"t\",\"org_id\":\"o\","
         "\"push\":[{\"collection\":\"c\",\"labels\":[\"TLP:CLEAR\"]}]}]}",
         "$.peers[0].api_root"},
        {"{\"peers\":[{\"name\":\"a\",\"api_root\":\"http://x/\",\"org_id\":\"o\","
         "\"push\":[{\"collection\":\"c\",\"labels\":[\"TLP:CLEAR\"]}]}]}",
         "token"},
        {"{\"peers\":[{\"name\":\"a\",\"api_root\":\"http://x/"
         "\",\"token\":\"t\",\"org_id\":\"o\"}]}",
         "nothing to pull or push"},
        {"{\"peers\":[{\"name\":\"a\",\"api_root\":\"http://x/\",\"token\":\"t\",\"org_id\":\"o\","
         "\"pull\":[{\"collection\":\"c\",\"labels\":[\"TLP:CLEAR\"]}],\"colour\":1}]}",
         "$.peers[0].colour"},
        {"{\"peers\":[]}", "$"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (mm_taxii_peers_parse(&p, bad[i].text, strlen(bad[i].text), "peers.json") == MM_OK)
            fail_msg("accepted: %s", bad[i].text);
        assert_null(p);
        if (!strstr(mm_error_last(), bad[i].where) || !strstr(mm_error_last(), "peers.json"))
            fail_msg("message '%s' does not name '%s'", mm_error_last(), bad[i].where);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_media),    cmocka_unit_test(test_basic),
        cmocka_unit_test(test_time),     cmocka_unit_test(test_filters),
        cmocka_unit_test(test_envelope), cmocka_unit_test(test_peers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
