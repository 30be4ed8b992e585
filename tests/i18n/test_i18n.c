/* Unit tests for src/i18n/i18n.c: the language of a locale and of the environment (LC_ALL,
 * then LC_MESSAGES, then LANG), lookup with its fallbacks, {0} substitution and escaping,
 * and dates written for Japanese. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "i18n/i18n.h"

static void test_locale_lang(void **state)
{
    (void)state;
    static const char *const ja[] = {"ja",       "ja_JP.UTF-8", "ja_JP",
                                     "ja.UTF-8", "ja_JP.eucJP", "ja@cjknarrow"};
    static const char *const en[] = {"C",     "POSIX", "C.UTF-8", "en_US.UTF-8", "fr_FR.UTF-8",
                                     "japan", "jam",   "",        "JA_JP.UTF-8", "xx"};
    for (size_t i = 0; i < sizeof ja / sizeof ja[0]; i++)
        assert_string_equal(mm_i18n_locale_lang(ja[i]), "ja");
    for (size_t i = 0; i < sizeof en / sizeof en[0]; i++)
        assert_string_equal(mm_i18n_locale_lang(en[i]), "en");
    assert_string_equal(mm_i18n_locale_lang(NULL), "en");
    assert_true(mm_i18n_known("en") && mm_i18n_known("ja"));
    assert_false(mm_i18n_known("fr") || mm_i18n_known(NULL) || mm_i18n_known("JA"));
}

static void set(const char *all, const char *messages, const char *lang)
{
    const char *const names[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    const char *const values[] = {all, messages, lang};
    for (size_t i = 0; i < 3; i++) {
        if (values[i])
            setenv(names[i], values[i], 1);
        else
            unsetenv(names[i]);
    }
}

static void test_env_lang(void **state)
{
    (void)state;
    set(NULL, NULL, NULL);
    assert_string_equal(mm_i18n_env_lang(), "en");
    set(NULL, NULL, "ja_JP.UTF-8");
    assert_string_equal(mm_i18n_env_lang(), "ja");
    set("C", NULL, "ja_JP.UTF-8"); /* LC_ALL first */
    assert_string_equal(mm_i18n_env_lang(), "en");
    set("", "ja_JP.UTF-8", "C"); /* an empty variable counts as unset */
    assert_string_equal(mm_i18n_env_lang(), "ja");
    set(NULL, "en_US.UTF-8", "ja_JP.UTF-8"); /* LC_MESSAGES before LANG */
    assert_string_equal(mm_i18n_env_lang(), "en");
    set("ja_JP.UTF-8", "C", "C");
    assert_string_equal(mm_i18n_env_lang(), "ja");
    set(NULL, NULL, "de_DE.UTF-8");
    assert_string_equal(mm_i18n_env_lang(), "en");
    set(NULL, NULL, NULL);
}

static void test_lookup(void **state)
{
    (void)state;
    /* the CLI's catalog, and the dashboard's under it */
    assert_string_equal(mm_i18n_tr("en", "htm.summary"), "Summary");
    assert_string_equal(mm_i18n_tr("ja", "htm.summary"), "概要");
    assert_string_equal(mm_i18n_tr("ja", "col.due"), "期限");
    assert_string_equal(mm_i18n_tr("en", "col.due"), "Due");
    /* anything but "ja" is English; a key in neither catalog is itself */
    assert_string_equal(mm_i18n_tr(NULL, "htm.summary"), "Summary");
    assert_string_equal(mm_i18n_tr("fr", "htm.summary"), "Summary");
    assert_string_equal(mm_i18n_tr("ja", "no.such.key"), "no.such.key");
    /* a command's help has Japanese only: English comes from the command table */
    assert_string_equal(mm_i18n_tr("en", "cli.cmd.version"), "cli.cmd.version");
    assert_string_equal(mm_i18n_tr("ja", "cli.cmd.version"), "バージョンを表示する");
}

static void test_put(void **state)
{
    (void)state;
    mm_buf b = MM_BUF_INIT;
    /* a key missing from both catalogs is its own template */
    mm_i18n_put(&b, "en", false, "a<b {0} & {1}{2} {9}", "x\"y", "z", NULL, NULL);
    assert_string_equal(mm_buf_cstr(&b), "a<b x\"y & z {9}");
    mm_buf_reset(&b);
    mm_i18n_put(&b, "en", true, "a<b {0} & it's {1}", "x\"<y>", NULL, NULL, NULL);
    assert_string_equal(mm_buf_cstr(&b), "a&lt;b x&quot;&lt;y&gt; &amp; it's ");
    mm_buf_reset(&b);
    /* an argument with a bidirectional control is isolated in HTML */
    mm_i18n_put(&b, "ja", true, "[{0}]",
                "a\xe2\x80\xae"
                "b",
                NULL, NULL, NULL);
    assert_string_equal(mm_buf_cstr(&b), "[<bdi>a\xe2\x80\xae"
                                         "b</bdi>]");
    mm_buf_reset(&b);
    mm_i18n_put(&b, "ja", true, "htm.gaps_n", "3", NULL, NULL, NULL);
    assert_string_equal(mm_buf_cstr(&b), "未達の要件（3件）");
    mm_buf_reset(&b);
    mm_i18n_put(&b, "en", true, "htm.poam_n", "2", NULL, NULL, NULL);
    assert_string_equal(mm_buf_cstr(&b), "Plan of action and milestones (2)");
    assert_false(b.failed);
    mm_buf_free(&b);
}

/* The dashboard's two forms (src/server/web_render.c): element content with the quotes of
 * the text escaped as its pages always had them, and a double-quoted attribute value, where
 * <bdi> cannot stand and a bidirectional control is shown instead. */
static void test_put_esc(void **state)
{
    (void)state;
    mm_buf b = MM_BUF_INIT;
    const char *rlo = "a\xe2\x80\xae"
                      "b";
    mm_i18n_put_esc(&b, "en", MM_I18N_HTML, "it's \"{0}\" & <{1}>", "x'y", rlo, NULL, NULL);
    assert_string_equal(mm_buf_cstr(&b), "it&#39;s &quot;x&#39;y&quot; &amp; &lt;<bdi>a\xe2\x80\xae"
                                         "b</bdi>&gt;");
    mm_buf_reset(&b);
    mm_i18n_put_esc(&b, "en", MM_I18N_ATTR, "it's \"{0}\" [{1}]", "x<y", rlo, NULL, NULL);
    assert_string_equal(mm_buf_cstr(&b), "it&#39;s &quot;x&lt;y&quot; [a&lt;U+202E&gt;b]");
    mm_buf_reset(&b);
    /* the report's form (MM_I18N_TEXT) is mm_i18n_put's html; PLAIN leaves everything */
    mm_i18n_put_esc(&b, "en", MM_I18N_TEXT, "it's {0}", "\"", NULL, NULL, NULL);
    assert_string_equal(mm_buf_cstr(&b), "it's &quot;");
    mm_buf_reset(&b);
    mm_i18n_put_esc(&b, "en", MM_I18N_PLAIN, "it's <{0}>", rlo, NULL, NULL, NULL);
    assert_string_equal(mm_buf_cstr(&b), "it's <a\xe2\x80\xae"
                                         "b>");
    mm_buf_reset(&b);
    /* markup: a key whose text is HTML, args the caller escaped */
    mm_i18n_put_esc(&b, "en", MM_I18N_MARKUP, "htm.cmp.through_html", "<span lang=\"en\">T</span>",
                    NULL, NULL, NULL);
    assert_string_equal(mm_buf_cstr(&b), ", through &ldquo;<span lang=\"en\">T</span>&rdquo;. ");
    mm_buf_reset(&b);
    /* a dashboard string in both languages, through the one lookup */
    mm_i18n_put_esc(&b, "ja", MM_I18N_HTML, "affirmation.due", "2026-03-01", NULL, NULL, NULL);
    assert_string_equal(mm_buf_cstr(&b), "2026-03-01までに提出");
    assert_false(b.failed);
    mm_buf_free(&b);
}

static void test_date(void **state)
{
    (void)state;
    char d[64];
    assert_string_equal(mm_i18n_date(d, sizeof d, "ja", "2026-03-07"), "2026年3月7日");
    assert_string_equal(mm_i18n_date(d, sizeof d, "ja", "2026-11-20T09:30:00+09:00"),
                        "2026年11月20日 09:30:00+09:00");
    assert_string_equal(mm_i18n_date(d, sizeof d, "en", "2026-03-07"), "2026-03-07");
    assert_string_equal(mm_i18n_date(d, sizeof d, NULL, "2026-03-07"), "2026-03-07");
    assert_string_equal(mm_i18n_date(d, sizeof d, "ja", "soon"), "soon");
    assert_string_equal(mm_i18n_date(d, sizeof d, "ja", "2026-3-7"), "2026-3-7");
    assert_string_equal(mm_i18n_date(d, sizeof d, "ja", NULL), "");
    char small[8];
    assert_string_equal(mm_i18n_date(small, sizeof small, "ja", "2026-03-07"), "2026年");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locale_lang), cmocka_unit_test(test_env_lang),
        cmocka_unit_test(test_lookup),      cmocka_unit_test(test_put),
        cmocka_unit_test(test_put_esc),     cmocka_unit_test(test_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
