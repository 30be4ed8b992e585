/* Unit tests for src/screen/report*.c (docs/screening.md "Ranking", "Signed reports"): the
 * ranking rules R1 to R8 and their order on a report made by hand, the signature (valid,
 * altered, another key, not a report), and the HTML page: drawn the same twice, verified
 * through the document it embeds, refused once edited. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mamori/error.h"
#include "mamori/screen_report.h"

static json_t *sample(void)
{
    json_error_t e;
    json_t *r = json_loads(
        "{\"kind\": \"mamori-screening-report\", \"version\": 1, \"generated\": "
        "\"2026-12-07T00:00:00Z\", \"plan\": {\"id\": \"p1\"}, \"selection\": {\"frameworks\": "
        "[\"800-171r2\", \"800-53r5\"], \"months\": 12, \"since\": \"2025-12-07\"},"
        " \"equipment\": {\"model\": \"IXL <3>\"}, \"product\": null,"
        " \"parties\": ["
        "  {\"role\": \"supplier\", \"path\": \"$.supplier\", \"org\": \"S\", \"known\": true,"
        "   \"status_visible\": true, \"assessment\": {\"submission_id\": \"sub-1\", \"framework\":"
        "   \"800-171r2\", \"status\": \"meets\", \"status_date\": \"2026-01-02\", \"valid\": "
        "true},"
        "   \"supply_edges\": [{\"id\": \"e1\", \"contract\": \"C-1\", \"tier\": 1, \"check\": "
        "\"ok\"}],"
        "   \"frameworks\": [{\"framework\": \"800-171r2\", \"assessed\": true},"
        "                    {\"framework\": \"800-53r5\", \"assessed\": false, \"crosswalk\": "
        "null}],"
        "   \"incidents\": {\"months\": 12, \"count\": 1, \"items\": [{\"reported\": "
        "\"2026-06-01T00:00:00Z\"}]}},"
        "  {\"role\": \"component-supplier\", \"path\": \"$.component_suppliers[0]\", \"name\":"
        "   \"Boards Ltd\", \"known\": false},"
        "  {\"role\": \"maintainer\", \"path\": \"$.maintainers[0]\", \"org\": \"M\", \"known\": "
        "true,"
        "   \"status_visible\": true, \"assessment\": null, \"supply_edges\": [{\"id\": \"e2\","
        "   \"contract\": \"M-1\", \"tier\": 1, \"check\": \"missing\"}]},"
        "  {\"role\": \"maintainer\", \"path\": \"$.maintainers[1]\", \"org\": \"Q\", \"known\": "
        "true,"
        "   \"status_visible\": false, \"supply_edges\": []}"
        " ]}",
        0, &e);
    assert_non_null(r);
    return r;
}

static const json_t *finding(const json_t *rep, const char *path, const char *rule)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(rep, "findings"), i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "path")), path) == 0 &&
            strcmp(json_string_value(json_object_get(f, "rule")), rule) == 0)
            return f;
    }
    return NULL;
}

static const char *sev(const json_t *f)
{
    return json_string_value(json_object_get(f, "severity"));
}

static void test_rank(void **state)
{
    (void)state;
    json_t *r = sample();
    assert_int_equal(mm_screen_report_rank(r), MM_OK);
    /* R2: a maintainer without assessment is high; R1: an unknown component supplier medium */
    assert_string_equal(sev(finding(r, "$.maintainers[0]", "R2")), "high");
    assert_string_equal(sev(finding(r, "$.component_suppliers[0]", "R1")), "medium");
    /* R3: withheld status, a maintainer: medium, and nothing else said of it */
    assert_string_equal(sev(finding(r, "$.maintainers[1]", "R3")), "medium");
    assert_null(finding(r, "$.maintainers[1]", "R6"));
    /* R5 for the check that is not ok, with the edge as evidence; none for an ok edge */
    const json_t *f = finding(r, "$.maintainers[0]", "R5");
    assert_non_null(f);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(f, "evidence"), 0), "id")),
        "e2");
    assert_null(finding(r, "$.supplier", "R5"));
    /* a valid supplier: no R2; its incident is R4 with the date; R7 for the framework no
     * crosswalk reaches; R8 for the missing product */
    assert_null(finding(r, "$.supplier", "R2"));
    f = finding(r, "$.supplier", "R4");
    assert_non_null(f);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(f, "evidence"), 0), "reported")),
                        "2026-06-01T00:00:00Z");
    assert_string_equal(sev(finding(r, "$.supplier", "R7")), "low");
    assert_string_equal(sev(finding(r, "$.equipment.product", "R8")), "info");
    /* ranked: 1..n, severities in order, maintainers first among equals */
    const json_t *all = json_object_get(r, "findings");
    static const char *const order[] = {"high", "medium", "low", "info"};
    int last = 0;
    for (size_t i = 0; i < json_array_size(all); i++) {
        const json_t *x = json_array_get(all, i);
        assert_int_equal(json_integer_value(json_object_get(x, "rank")), (json_int_t)i + 1);
        int s = 0;
        while (strcmp(order[s], sev(x)) != 0)
            s++;
        assert_true(s >= last);
        last = s;
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "role")),
                        "maintainer");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "summary"), "high")), 1);
    json_decref(r);
    json_t *bad = json_object();
    assert_int_equal(mm_screen_report_rank(bad), MM_EINVALID);
    json_decref(bad);
}

static void test_sign_verify(void **state)
{
    (void)state;
    unsigned char pk[32], sk[64], pk2[32], sk2[64];
    assert_int_equal(sodium_init() >= 0, 1);
    crypto_sign_keypair(pk, sk);
    crypto_sign_keypair(pk2, sk2);
    json_t *r = sample();
    assert_int_equal(mm_screen_report_rank(r), MM_OK);
    char *doc = NULL;
    assert_int_equal(mm_screen_report_sign(&doc, r, sk), MM_OK);
    bool valid = false;
    json_t *got = NULL;
    assert_int_equal(mm_screen_report_verify(&valid, &got, doc, strlen(doc), pk), MM_OK);
    assert_true(valid);
    assert_string_equal(json_string_value(json_object_get(json_object_get(got, "plan"), "id")),
                        "p1");
    json_decref(got);
    /* another key */
    assert_int_equal(mm_screen_report_verify(&valid, NULL, doc, strlen(doc), pk2), MM_OK);
    assert_false(valid);
    assert_non_null(strstr(mm_error_last(), "not by key"));
    /* altered after signing */
    char *alt = strdup(doc);
    char *p = strstr(alt, "Boards Ltd");
    assert_non_null(p);
    p[0] = 'b';
    assert_int_equal(mm_screen_report_verify(&valid, NULL, alt, strlen(alt), pk), MM_OK);
    assert_false(valid);
    assert_non_null(strstr(mm_error_last(), "does not match"));
    /* not a report */
    assert_int_equal(mm_screen_report_verify(&valid, NULL, "{\"a\": 1}", 8, pk), MM_EINVALID);
    assert_int_equal(mm_screen_report_verify(&valid, NULL, "{", 1, pk), MM_EPARSE);
    json_t *wrong = json_pack("{s:s}", "kind", "mamori-recognition");
    char *d2 = NULL;
    assert_int_equal(mm_screen_report_sign(&d2, wrong, sk), MM_EINVALID);
    json_decref(wrong);

    /* the HTML page: the same bytes twice, valid, refused once edited */
    char *h1 = NULL, *h2 = NULL;
    assert_int_equal(mm_screen_report_html(&h1, doc, strlen(doc)), MM_OK);
    assert_int_equal(mm_screen_report_html(&h2, doc, strlen(doc)), MM_OK);
    assert_string_equal(h1, h2);
    assert_null(strstr(h1, "<script"));
    assert_non_null(strstr(h1, "IXL &lt;3&gt;"));
    assert_int_equal(mm_screen_report_verify(&valid, NULL, h1, strlen(h1), pk), MM_OK);
    assert_true(valid);
    char *edited = strdup(h1);
    p = strstr(edited, "<td>high</td>");
    assert_non_null(p);
    memcpy(p + 4, "low ", 4);
    assert_int_equal(mm_screen_report_verify(&valid, NULL, edited, strlen(edited), pk), MM_OK);
    assert_false(valid);
    assert_non_null(strstr(mm_error_last(), "differs"));
    assert_int_equal(mm_screen_report_verify(&valid, NULL, "<html></html>", 13, pk), MM_EINVALID);
    free(edited);
    free(h1);
    free(h2);
    free(alt);
    free(doc);
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank),
        cmocka_unit_test(test_sign_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
