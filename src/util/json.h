/*
 * The one JSON loader and validator for outside input (issue 13). Every parser of a file,
 * a request body or a stored document reads its JSON through mm_json_load and reports a
 * wrong member through these helpers, so every message has one of two shapes:
 *
 *     NAME:LINE:COL: what          (the text is not JSON, or not UTF-8)
 *     NAME: $.path: what           (well-formed JSON with a wrong member)
 *
 * Internal: not part of the public API under include/.
 */
#ifndef MM_UTIL_JSON_H
#define MM_UTIL_JSON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Parses len bytes of JSON text named name (a file name, "body", ...) into *out, which
 * is the caller's (json_decref). Duplicate object keys are refused (JSON_REJECT_DUPLICATES;
 * flags adds more jansson decoding flags). A UTF-8 byte order mark at the start is ignored
 * (RFC 8259 section 8.1). Text in UTF-16 or UTF-32 (with or without a byte order mark) and
 * Shift_JIS text are named as such with "save it as UTF-8". Errors (message set, *out NULL):
 * MM_EPARSE "NAME:LINE:COL: invalid JSON: ..." or "NAME: the file is UTF-16LE text ...". */
int mm_json_load(json_t **out, const char *data, size_t len, const char *name, size_t flags)
    __attribute__((warn_unused_result));

/* The encoding of data when it is text that is not UTF-8 but recognisably UTF-16LE,
 * UTF-16BE, UTF-32LE, UTF-32BE or Shift_JIS ("UTF-16LE", ...); NULL otherwise (UTF-8,
 * ASCII, or bytes of no recognisable encoding). For Shift_JIS, *line and *col (when not
 * NULL) get the place of its first byte that is not UTF-8. */
const char *mm_json_foreign_encoding(const char *data, size_t len, int *line, int *col);

/* "an object", "an array", "a string", "a number", "a boolean" or "null" (v NULL: "nothing"). */
const char *mm_json_type_name(const json_t *v);

/* Sets the message "NAME: PATH: what" and returns MM_EINVALID. */
int mm_json_fail(const char *name, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int mm_json_vfail(const char *name, const char *path, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* The path of member key of the value at path, into out[size]: "$.a" + "b" is "$.a.b";
 * a key that is not a plain name (letters, digits, _, $ and -, not starting with a digit)
 * is quoted: $.values["a b"], $["03.01.01"]. Control characters become '?'. Cut at size. */
void mm_json_path_key(char *out, size_t size, const char *path, const char *key);
/* The path of item i of the array at path: "$.poam[3]". */
void mm_json_path_index(char *out, size_t size, const char *path, size_t i);

/* Typed member getters. obj is the object at path in the input named name. An absent or
 * null member gives MM_OK with *out NULL (0 for numbers, *present false) unless required,
 * when it fails "NAME: PATH: \"key\" is missing (expected a string)". A member of another
 * type fails "NAME: PATH.key: expected a string, found a number". Borrowed values live as
 * long as obj. Errors: MM_EINVALID. */
int mm_json_get_string(const char **out, const json_t *obj, const char *key, bool required,
                       const char *name, const char *path) __attribute__((warn_unused_result));
int mm_json_get_object(json_t **out, const json_t *obj, const char *key, bool required,
                       const char *name, const char *path) __attribute__((warn_unused_result));
int mm_json_get_array(json_t **out, const json_t *obj, const char *key, bool required,
                      const char *name, const char *path) __attribute__((warn_unused_result));
/* A whole number (a JSON integer; 3.0 is not one). */
int mm_json_get_integer(json_int_t *out, bool *present, const json_t *obj, const char *key,
                        bool required, const char *name, const char *path)
    __attribute__((warn_unused_result));
int mm_json_get_bool(bool *out, bool *present, const json_t *obj, const char *key, bool required,
                     const char *name, const char *path) __attribute__((warn_unused_result));

/* Fails "NAME: PATH.key: unknown member" for the first member of obj whose key is not in
 * allowed (NULL-terminated), so a misspelt key is never silently ignored. MM_EINVALID. */
int mm_json_check_members(const json_t *obj, const char *const *allowed, const char *name,
                          const char *path) __attribute__((warn_unused_result));

#endif
