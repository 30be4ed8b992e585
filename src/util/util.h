/*
 * Helpers shared by every part of mamori: an arena, a growable buffer, a string map,
 * file input/output, SHA-1 name-based UUIDs and small string functions. Internal: not
 * part of the public API under include/.
 */
#ifndef MM_UTIL_H
#define MM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- arena: many small allocations freed together ---------------------------------- */

typedef struct mm_arena mm_arena;

mm_arena *mm_arena_new(void);
void mm_arena_free(mm_arena *a);
/* Zeroed memory that lives as long as the arena; NULL when out of memory. */
void *mm_arena_alloc(mm_arena *a, size_t size);
void *mm_arena_calloc(mm_arena *a, size_t n, size_t size);
/* Copy of s (NULL stays NULL); NULL when out of memory. */
char *mm_arena_strdup(mm_arena *a, const char *s);
char *mm_arena_strndup(mm_arena *a, const char *s, size_t n);
char *mm_arena_printf(mm_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True once any allocation from this arena failed. */
bool mm_arena_failed(const mm_arena *a);

/* ---- buffer: text built by appending; the first failed append makes it sticky ------- */

typedef struct mm_buf {
    char *data; /* always NUL-terminated when len > 0 or after mm_buf_cstr */
    size_t len;
    size_t cap;
    bool failed;
} mm_buf;

#define MM_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

void mm_buf_free(mm_buf *b);
void mm_buf_reset(mm_buf *b);
void mm_buf_put(mm_buf *b, const char *s, size_t n);
void mm_buf_puts(mm_buf *b, const char *s);
void mm_buf_putc(mm_buf *b, char c);
void mm_buf_printf(mm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mm_buf_vprintf(mm_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s with &, <, >, " and ' escaped for HTML text and attribute values. */
void mm_buf_put_html(mm_buf *b, const char *s);
/* Bidirectional controls ("Trojan Source", CVE-2021-42574): the embeddings and overrides
 * U+202A..U+202E, the isolates U+2066..U+2069 and the marks U+200E, U+200F, U+061C. The
 * code point when s begins with one (*len its UTF-8 length), else 0. */
unsigned mm_bidi_control(const char *s, size_t *len);
/* True when s holds a bidirectional control. */
bool mm_has_bidi(const char *s);
/* Appends s with each bidirectional control shown as the text "<U+202E>" (text and CSV
 * output: a reader sees the character instead of text reordered by it). */
void mm_buf_put_bidi_safe(mm_buf *b, const char *s);
/* Appends s as one CSV field (RFC 4180 quoting; a leading =,+,-,@ is neutralised; bidi
 * controls shown as "<U+202E>"). */
void mm_buf_put_csv(mm_buf *b, const char *s);
/* The contents as a C string (never NULL; "" when empty). */
const char *mm_buf_cstr(mm_buf *b);

/* ---- map: string key -> pointer, open addressing; keys are borrowed ----------------- */

typedef struct mm_map {
    const char **keys;
    void **vals;
    size_t cap;
    size_t count;
} mm_map;

#define MM_MAP_INIT                                                                                \
    {                                                                                              \
        NULL, NULL, 0, 0                                                                           \
    }

int mm_map_put(mm_map *m, const char *key, void *val);
void *mm_map_get(const mm_map *m, const char *key);
void mm_map_free(mm_map *m);

/* ---- files --------------------------------------------------------------------------- */

/* Reads a whole file into a NUL-terminated malloc'd buffer. Files larger than max_bytes
 * fail with MM_ETOOBIG before they are read. "-" reads standard input. */
int mm_file_read(char **out, size_t *out_len, const char *path, size_t max_bytes);

/* Writes data to path atomically: a temporary file in the same folder, fsync, rename.
 * On failure nothing is left at path that was not there before. "-" writes stdout. */
int mm_file_write_atomic(const char *path, const char *data, size_t len);

/* ---- ids ------------------------------------------------------------------------------ */

void mm_sha1(uint8_t out[20], const void *data, size_t len);
/* A version-5 (SHA-1, name-based) UUID of name in mamori's namespace, as 36 chars + NUL. */
void mm_uuid_v5(char out[37], const char *name);

/* ---- strings --------------------------------------------------------------------------- */

bool mm_streq(const char *a, const char *b); /* NULL-safe */
/* The first day mm_is_date takes. */
#define MM_DATE_MIN "1900-01-01"
/* True when s is a calendar date YYYY-MM-DD, MM_DATE_MIN or later. */
bool mm_is_date(const char *s);
/* True when s is exactly n characters, each a digit or a capital letter A-Z (digits_only:
 * digits alone): the shape of a CAGE code, a UEI, a corporate number. */
bool mm_is_code(const char *s, size_t n, bool digits_only);
/* Days since 1970-01-01 of a YYYY-MM-DD date (s must pass mm_is_date). */
long mm_date_days(const char *s);
/* Formats t (UTC) as RFC 3339 "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void mm_time_rfc3339(char out[21], long long t);
/* Formats days since the epoch as YYYY-MM-DD into out[11]. */
void mm_date_format(char out[11], long days);

#endif
