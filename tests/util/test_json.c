/* Unit tests for src/util/json.c: the one JSON loader (encodings, LINE:COL) and the
 * path helpers (typed getters, type names, unknown members). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "mamori/error.h"
#include "util/json.h"

/* Loads len bytes; returns the code and leaves the message in mm_error_last(). */
static int load(json_t **out, const char *data, size_t len)
{
    mm_error_clear();
    return mm_json_load(out, data, len, "a.json", 0);
}

static void test_load_plain(void **state)
{
    (void)state;
    json_t *j;
    assert_int_equal(load(&j, "{\"a\": 1}", 8), MM_OK);
    assert_int_equal(json_integer_value(json_object_get(j, "a")), 1);
    json_decref(j);
    /* UTF-8 text outside ASCII is UTF-8, not Shift_JIS */
    const char *jp = "{\"name\": \"\xe5\xae\x88\xe3\x82\x8a\"}";
    assert_int_equal(load(&j, jp, strlen(jp)), MM_OK);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "\xe5\xae\x88\xe3\x82\x8a");
    json_decref(j);
}

static void test_load_utf8_bom(void **state)
{
    (void)state;
    json_t *j;
    const char *t = "\xEF\xBB\xBF{\"a\": \"b\"}";
    assert_int_equal(load(&j, t, strlen(t)), MM_OK);
    assert_string_equal(json_string_value(json_object_get(j, "a")), "b");
    json_decref(j);
    /* a BOM and then an error: the column counts from after the mark */
    t = "\xEF\xBB\xBF{\"a\" 1}";
    assert_int_equal(load(&j, t, strlen(t)), MM_EPARSE);
    assert_null(j);
    assert_non_null(strstr(mm_error_last(), "a.json:1:6: invalid JSON: "));
    /* a BOM alone is empty text */
    assert_int_equal(load(&j, "\xEF\xBB\xBF", 3), MM_EPARSE);
    assert_non_null(strstr(mm_error_last(), "a.json:"));
}

static void test_load_line_col(void **state)
{
    (void)state;
    json_t *j;
    const char *t = "{\n  \"a\": 1,\n  \"b\": tru\n}";
    assert_int_equal(load(&j, t, strlen(t)), MM_EPARSE);
    assert_null(j);
    assert_non_null(strstr(mm_error_last(), "a.json:3:"));
    assert_non_null(strstr(mm_error_last(), ": invalid JSON: "));
    /* duplicate members are refused */
    t = "{\"a\": 1,\n \"a\": 2}";
    assert_int_equal(load(&j, t, strlen(t)), MM_EPARSE);
    assert_non_null(strstr(mm_error_last(), "a.json:2:"));
    assert_non_null(strstr(mm_error_last(), "duplicate object key"));
    /* a name for messages is optional; NULL data is empty text */
    assert_int_equal(mm_json_load(&j, NULL, 0, NULL, 0), MM_EPARSE);
    assert_non_null(strstr(mm_error_last(), "input:"));
}

static void test_load_utf16(void **state)
{
    (void)state;
    json_t *j;
    /* {"a":1} in UTF-16LE with and without its mark, then UTF-16BE */
    static const char le_bom[] = "\xFF\xFE{\0\"\0a\0\"\0:\0001\0}\0";
    static const char le[] = "{\0\"\0a\0\"\0:\0001\0}\0";
    static const char be_bom[] = "\xFE\xFF\0{\0\"\0a\0\"\0:\0001\0}";
    static const char be[] = "\0{\0\"\0a\0\"\0:\0001\0}";
    static const char ws_le[] = " \0\n\0{\0}\0";
    assert_int_equal(load(&j, le_bom, sizeof(le_bom) - 1), MM_EPARSE);
    assert_null(j);
    assert_string_equal(mm_error_last(),
                        "a.json:1:1: the file is UTF-16LE text, not UTF-8: save it as UTF-8");
    assert_int_equal(load(&j, le, sizeof(le) - 1), MM_EPARSE);
    assert_non_null(strstr(mm_error_last(), "UTF-16LE text, not UTF-8: save it as UTF-8"));
    assert_int_equal(load(&j, be_bom, sizeof(be_bom) - 1), MM_EPARSE);
    assert_non_null(strstr(mm_error_last(), "UTF-16BE text, not UTF-8: save it as UTF-8"));
    assert_int_equal(load(&j, be, sizeof(be) - 1), MM_EPARSE);
    assert_non_null(strstr(mm_error_last(), "UTF-16BE text"));
    assert_int_equal(load(&j, ws_le, sizeof(ws_le) - 1), MM_EPARSE);
    assert_non_null(strstr(mm_error_last(), "UTF-16LE text"));
    /* UTF-32 is named as well (and its LE mark is not taken for UTF-16LE) */
    static const char u32le[] = "\xFF\xFE\0\0{\0\0\0}\0\0\0";
    static const char u32be[] = "\0\0\0{\0\0\0}";
    assert_int_equal(load(&j, u32le, sizeof(u32le) - 1), MM_EPARSE);
    assert_non_null(strstr(mm_error_last(), "UTF-32LE text"));
    assert_int_equal(load(&j, u32be, sizeof(u32be) - 1), MM_EPARSE);
    assert_non_null(strstr(mm_error_last(), "UTF-32BE text"));
}

static void test_load_shift_jis(void **state)
{
    (void)state;
    json_t *j;
    /* {"name": "守り"} saved as Shift_JIS (守 = 0x8EE7, り = 0x82E8), on line 2 */
    static const char sjis[] = "{\n  \"name\": \"\x8E\xE7\x82\xE8\"\n}";
    assert_int_equal(load(&j, sjis, sizeof(sjis) - 1), MM_EPARSE);
    assert_null(j);
    assert_string_equal(mm_error_last(),
                        "a.json:2:12: the file is Shift_JIS text, not UTF-8: save it as UTF-8");
    /* half-width katakana (ｱ = 0xB1) alone is Shift_JIS too */
    static const char kana[] = "[\"\xB1\"]";
    assert_int_equal(load(&j, kana, sizeof(kana) - 1), MM_EPARSE);
    assert_non_null(strstr(mm_error_last(), "a.json:1:3: the file is Shift_JIS text"));
    /* bytes that are neither UTF-8 nor Shift_JIS get jansson's message with LINE:COL */
    static const char latin1[] = "[\"caf\xE9\"]";
    assert_int_equal(load(&j, latin1, sizeof(latin1) - 1), MM_EPARSE);
    assert_null(strstr(mm_error_last(), "Shift_JIS"));
    assert_non_null(strstr(mm_error_last(), "a.json:1:"));
    assert_non_null(strstr(mm_error_last(), "invalid JSON"));
    int line = 0, col = 0;
    assert_null(mm_json_foreign_encoding("{}", 2, &line, &col));
    assert_string_equal(mm_json_foreign_encoding(sjis, sizeof(sjis) - 1, &line, &col), "Shift_JIS");
    assert_int_equal(line, 2);
    assert_int_equal(col, 12);
}

static void test_type_names(void **state)
{
    (void)state;
    json_t *j;
    const char *t = "[{}, [], \"s\", 1, 1.5, true, false, null]";
    assert_int_equal(load(&j, t, strlen(t)), MM_OK);
    const char *want[] = {"an object", "an array",  "a string",  "a number",
                          "a number",  "a boolean", "a boolean", "null"};
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(mm_json_type_name(json_array_get(j, i)), want[i]);
    assert_string_equal(mm_json_type_name(NULL), "nothing");
    json_decref(j);
}

static void test_paths(void **state)
{
    (void)state;
    char p[64];
    mm_json_path_key(p, sizeof(p), "$", "system");
    assert_string_equal(p, "$.system");
    mm_json_path_key(p, sizeof(p), "$.system", "name_2");
    assert_string_equal(p, "$.system.name_2");
    mm_json_path_key(p, sizeof(p), "$.values", "a b\"c");
    assert_string_equal(p, "$.values[\"a b\\\"c\"]");
    mm_json_path_key(p, sizeof(p), "$", "max-body");
    assert_string_equal(p, "$.max-body");
    mm_json_path_key(p, sizeof(p), "$", "a\x1b[31m");
    assert_string_equal(p, "$[\"a?[31m\"]");
    mm_json_path_key(p, sizeof(p), "$", "03.01.01");
    assert_string_equal(p, "$[\"03.01.01\"]");
    mm_json_path_index(p, sizeof(p), "$.poam", 3);
    assert_string_equal(p, "$.poam[3]");
    /* cut at the size, still a C string */
    char small[8];
    mm_json_path_key(small, sizeof(small), "$.abcdef", "ghijkl");
    assert_int_equal(strlen(small), 7);
    mm_json_path_key(small, sizeof(small), "$", "a b c d e f");
    assert_true(strlen(small) < 8);
}

static void test_getters(void **state)
{
    (void)state;
    json_t *j;
    const char *t = "{\"s\": \"x\", \"n\": 3, \"r\": 2.5, \"b\": true, \"o\": {}, \"a\": [], "
                    "\"z\": null}";
    assert_int_equal(load(&j, t, strlen(t)), MM_OK);
    const char *s;
    json_t *v;
    json_int_t n;
    bool b, present;

    assert_int_equal(mm_json_get_string(&s, j, "s", true, "a.json", "$.org"), MM_OK);
    assert_string_equal(s, "x");
    /* absent and null are "none" unless required */
    assert_int_equal(mm_json_get_string(&s, j, "missing", false, "a.json", "$.org"), MM_OK);
    assert_null(s);
    assert_int_equal(mm_json_get_string(&s, j, "z", false, "a.json", "$.org"), MM_OK);
    assert_null(s);
    assert_int_equal(mm_json_get_string(&s, j, "missing", true, "a.json", "$.org"), MM_EINVALID);
    assert_string_equal(mm_error_last(),
                        "a.json: $.org: \"missing\" is missing (expected a string)");
    /* the wrong type names the member's path, what was expected and what was found */
    assert_int_equal(mm_json_get_string(&s, j, "n", false, "a.json", "$.org"), MM_EINVALID);
    assert_string_equal(mm_error_last(), "a.json: $.org.n: expected a string, found a number");
    assert_null(s);

    assert_int_equal(mm_json_get_integer(&n, &present, j, "n", true, "a.json", "$"), MM_OK);
    assert_int_equal(n, 3);
    assert_true(present);
    assert_int_equal(mm_json_get_integer(&n, &present, j, "r", true, "a.json", "$"), MM_EINVALID);
    assert_string_equal(mm_error_last(), "a.json: $.r: expected a whole number, found a number");
    assert_int_equal(mm_json_get_integer(&n, &present, j, "z", false, "a.json", "$"), MM_OK);
    assert_false(present);

    assert_int_equal(mm_json_get_bool(&b, &present, j, "b", false, "a.json", "$"), MM_OK);
    assert_true(b);
    assert_true(present);
    assert_int_equal(mm_json_get_bool(&b, NULL, j, "s", false, "a.json", "$"), MM_EINVALID);
    assert_string_equal(mm_error_last(), "a.json: $.s: expected true or false, found a string");

    assert_int_equal(mm_json_get_object(&v, j, "o", true, "a.json", "$"), MM_OK);
    assert_true(json_is_object(v));
    assert_int_equal(mm_json_get_object(&v, j, "a", true, "a.json", "$"), MM_EINVALID);
    assert_string_equal(mm_error_last(), "a.json: $.a: expected an object, found an array");
    assert_int_equal(mm_json_get_array(&v, j, "a", true, "a.json", "$"), MM_OK);
    assert_true(json_is_array(v));
    assert_int_equal(mm_json_get_array(&v, j, "b", true, "a.json", "$"), MM_EINVALID);
    assert_string_equal(mm_error_last(), "a.json: $.b: expected an array, found a boolean");
    json_decref(j);
}

static void test_unknown_members(void **state)
{
    (void)state;
    json_t *j;
    const char *t = "{\"title\": \"x\", \"tlp\": \"TLP:CLEAR\", \"titel\": \"y\"}";
    assert_int_equal(load(&j, t, strlen(t)), MM_OK);
    static const char *const allowed[] = {"title", "tlp", NULL};
    static const char *const all[] = {"title", "tlp", "titel", NULL};
    assert_int_equal(mm_json_check_members(j, allowed, "item.json", "$"), MM_EINVALID);
    assert_string_equal(mm_error_last(), "item.json: $.titel: unknown member");
    assert_int_equal(mm_json_check_members(j, all, "item.json", "$"), MM_OK);
    assert_int_equal(mm_json_fail("b.json", "$.x[2]", "too long (%d)", 7), MM_EINVALID);
    assert_string_equal(mm_error_last(), "b.json: $.x[2]: too long (7)");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_plain),      cmocka_unit_test(test_load_utf8_bom),
        cmocka_unit_test(test_load_line_col),   cmocka_unit_test(test_load_utf16),
        cmocka_unit_test(test_load_shift_jis),  cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_paths),           cmocka_unit_test(test_getters),
        cmocka_unit_test(test_unknown_members),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
