/*
 * The command line's and the reports' strings in English and Japanese: a message catalog
 * compiled into the binary (content/i18n/{en,ja}.json, embedded by CMake as the rest of
 * content/), layered over the dashboard's (content/web/i18n/{en,ja}.json), so a word the
 * dashboard already translates has one translation. A copied binary needs no locale files.
 * Internal: the CLI, src/report and the dashboard (src/server) use it; not part of the public API
 * under include/.
 */
#ifndef MM_I18N_H
#define MM_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* The language of messages chosen the POSIX way: the first non-empty of LC_ALL,
 * LC_MESSAGES and LANG; "ja" for "ja" and "ja_*" / "ja.*" / "ja@*" (ja_JP.UTF-8), "en" for
 * anything else (C, POSIX, en_US.UTF-8, unset, unknown). A static string. */
const char *mm_i18n_env_lang(void);
/* The same for one locale name (NULL: "en"). */
const char *mm_i18n_locale_lang(const char *locale);
/* True for a language mm_i18n_tr knows: "en" or "ja". */
bool mm_i18n_known(const char *lang);

/* The string key in lang ("ja"; anything else, NULL included, is English): the CLI catalog,
 * then the dashboard's; English when lang lacks it; the key itself when both do. Borrowed:
 * lives as long as the process. Thread-safe (the catalogs load once). */
const char *mm_i18n_tr(const char *lang, const char *key);

/* How mm_i18n_put_esc writes a string and its {0}..{3} arguments. */
typedef enum mm_i18n_esc {
    /* as they are (a terminal, a mail, plain text) */
    MM_I18N_PLAIN,
    /* element content, as the reports write it: the text's &, <, > escaped (its quotes are
     * text there and stay as they are); each arg fully escaped (mm_buf_put_html) and isolated
     * in <bdi> when it holds a bidirectional control */
    MM_I18N_TEXT,
    /* element content, as the dashboard writes it: the same with the text's quotes escaped
     * too (&quot; &#39;, as its pages always had them) */
    MM_I18N_HTML,
    /* a double-quoted attribute value: text and args fully escaped (quotes included); an
     * arg's bidirectional controls shown as "<U+202E>", since no element can isolate them
     * in an attribute */
    MM_I18N_ATTR,
    /* HTML already: a key whose text is markup (an entity such as &ldquo;), args that are
     * HTML the caller built and escaped (a <span lang="en">): all appended as they are */
    MM_I18N_MARKUP,
} mm_i18n_esc;

/* Appends the string key in lang with {0}..{3} replaced by args[0..3] (NULL or a missing
 * arg: nothing), written as esc says. */
void mm_i18n_put_esc(mm_buf *b, const char *lang, mm_i18n_esc esc, const char *key, const char *a0,
                     const char *a1, const char *a2, const char *a3);
/* mm_i18n_put_esc with MM_I18N_TEXT (html) or MM_I18N_PLAIN: the reports' form. */
void mm_i18n_put(mm_buf *b, const char *lang, bool html, const char *key, const char *a0,
                 const char *a1, const char *a2, const char *a3);

/* A date of the assessment ("2026-03-07", or a timestamp starting with one) for people
 * reading lang: Japanese "2026年3月7日" (the rest of a timestamp kept after a space);
 * English and anything not starting with a date: unchanged. Written into out (size bytes,
 * truncated, always terminated); returns out. */
const char *mm_i18n_date(char *out, size_t size, const char *lang, const char *iso);

#endif
