/* The compiled-in message catalog (i18n.h): lookup, the language of the environment,
 * {0} substitution and dates. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "i18n/i18n.h"
#include "mamori/catalog.h"

/* Most specific first: the CLI's own strings, then the dashboard's. */
static const char *const files_en[] = {"i18n/en.json", "web/i18n/en.json"};
static const char *const files_ja[] = {"i18n/ja.json", "web/i18n/ja.json"};
#define NFILES (sizeof files_en / sizeof files_en[0])

static pthread_once_t once = PTHREAD_ONCE_INIT;
static json_t *cat_en[NFILES], *cat_ja[NFILES];

static json_t *load(const char *name)
{
    size_t len = 0;
    const char *data = mm_content_embedded(name, &len);
    json_t *j = data ? json_loadb(data, len, 0, NULL) : NULL;
    if (!json_is_object(j)) {
        json_decref(j); /* a broken catalog shows keys; tests/cli/test_i18n.py fails on it */
        return NULL;
    }
    return j;
}

static void load_all(void)
{
    for (size_t i = 0; i < NFILES; i++) {
        cat_en[i] = load(files_en[i]);
        cat_ja[i] = load(files_ja[i]);
    }
}

static const char *find(json_t *const cats[], const char *key)
{
    for (size_t i = 0; i < NFILES; i++) {
        const char *s = json_string_value(json_object_get(cats[i], key));
        if (s)
            return s;
    }
    return NULL;
}

const char *mm_i18n_tr(const char *lang, const char *key)
{
    pthread_once(&once, load_all);
    const char *s = NULL;
    if (lang && strcmp(lang, "ja") == 0)
        s = find(cat_ja, key);
    if (!s)
        s = find(cat_en, key);
    return s ? s : key;
}

const char *mm_i18n_locale_lang(const char *locale)
{
    if (locale && strncmp(locale, "ja", 2) == 0 &&
        (!locale[2] || locale[2] == '_' || locale[2] == '.' || locale[2] == '@'))
        return "ja";
    return "en";
}

const char *mm_i18n_env_lang(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && v[0])
            return mm_i18n_locale_lang(v);
    }
    return "en";
}

bool mm_i18n_known(const char *lang)
{
    return lang && (strcmp(lang, "en") == 0 || strcmp(lang, "ja") == 0);
}

/* s[0..n) of a catalog string, written as esc says */
static void put_text(mm_buf *b, const char *s, size_t n, mm_i18n_esc esc)
{
    if (esc == MM_I18N_PLAIN || esc == MM_I18N_MARKUP) {
        mm_buf_put(b, s, n);
        return;
    }
    bool quotes = esc != MM_I18N_TEXT;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = s[i] == '&'              ? "&amp;"
                          : s[i] == '<'            ? "&lt;"
                          : s[i] == '>'            ? "&gt;"
                          : quotes && s[i] == '"'  ? "&quot;"
                          : quotes && s[i] == '\'' ? "&#39;"
                                                   : NULL;
        if (!rep)
            continue;
        mm_buf_put(b, s + run, i - run);
        mm_buf_puts(b, rep);
        run = i + 1;
    }
    mm_buf_put(b, s + run, n - run);
}

/* one argument, written as esc says */
static void put_arg(mm_buf *b, const char *a, mm_i18n_esc esc)
{
    if (!a)
        return;
    if (esc == MM_I18N_PLAIN || esc == MM_I18N_MARKUP) {
        mm_buf_puts(b, a);
        return;
    }
    if (!mm_has_bidi(a)) {
        mm_buf_put_html(b, a);
        return;
    }
    if (esc == MM_I18N_ATTR) {
        mm_buf t = MM_BUF_INIT;
        mm_buf_put_bidi_safe(&t, a);
        mm_buf_put_html(b, mm_buf_cstr(&t));
        mm_buf_free(&t);
        return;
    }
    mm_buf_puts(b, "<bdi>");
    mm_buf_put_html(b, a);
    mm_buf_puts(b, "</bdi>");
}

void mm_i18n_put_esc(mm_buf *b, const char *lang, mm_i18n_esc esc, const char *key, const char *a0,
                     const char *a1, const char *a2, const char *a3)
{
    const char *args[4] = {a0, a1, a2, a3};
    const char *s = mm_i18n_tr(lang, key), *run = s;
    for (const char *c = s; *c; c++) {
        if (c[0] != '{' || c[1] < '0' || c[1] > '3' || c[2] != '}')
            continue;
        put_text(b, run, (size_t)(c - run), esc);
        put_arg(b, args[c[1] - '0'], esc);
        c += 2;
        run = c + 1;
    }
    put_text(b, run, strlen(run), esc);
}

void mm_i18n_put(mm_buf *b, const char *lang, bool html, const char *key, const char *a0,
                 const char *a1, const char *a2, const char *a3)
{
    mm_i18n_put_esc(b, lang, html ? MM_I18N_TEXT : MM_I18N_PLAIN, key, a0, a1, a2, a3);
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

const char *mm_i18n_date(char *out, size_t size, const char *lang, const char *iso)
{
    if (!size)
        return out;
    const char *s = iso ? iso : "";
    bool date = strlen(s) >= 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
                digits(s + 8, 2);
    if (!date || !lang || strcmp(lang, "ja") != 0) {
        snprintf(out, size, "%s", s);
        return out;
    }
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    const char *rest = s + 10;
    if (*rest == 'T')
        rest++;
    snprintf(out, size, "%d年%d月%d日%s%s", y, m, d, *rest ? " " : "", rest);
    return out;
}
