/*
 * The command line's and the reports' strings in English and Japanese: a message catalog
 * compiled into the binary (content/i18n/{en,ja}.json, embedded by CMake as the rest of
 * content/), layered over the dashboard's (content/web/i18n/{en,ja}.json), so a word the
 * dashboard already translates has one translation. A copied binary needs no locale files.
 * Internal: the CLI and src/report use it; not part of the public API under include/.
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

/* Appends the string key in lang with {0}..{3} replaced by args[0..3] (NULL or a missing
 * arg: nothing). html: the text escaped for element content (&, <, >; quotes stay as they
 * are) and each arg escaped for HTML, isolated in <bdi> when it holds a bidirectional
 * control; otherwise everything appended as it is. */
void mm_i18n_put(mm_buf *b, const char *lang, bool html, const char *key, const char *a0,
                 const char *a1, const char *a2, const char *a3);

/* A date of the assessment ("2026-03-07", or a timestamp starting with one) for people
 * reading lang: Japanese "2026年3月7日" (the rest of a timestamp kept after a space);
 * English and anything not starting with a date: unchanged. Written into out (size bytes,
 * truncated, always terminated); returns out. */
const char *mm_i18n_date(char *out, size_t size, const char *lang, const char *iso);

#endif
