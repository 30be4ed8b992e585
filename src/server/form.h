/* mamori serve: HTML form bodies (application/x-www-form-urlencoded and multipart/form-data),
 * parsed strictly with limits. Values point into the form's own memory. */
#ifndef MAMORI_SERVER_FORM_H
#define MAMORI_SERVER_FORM_H

#include <stdbool.h>
#include <stddef.h>

#define MM_FORM_MAX_FIELDS 32
#define MM_FORM_MAX_NAME   64
#define MM_FORM_MAX_VALUE  (64u * 1024) /* a urlencoded value, or a multipart non-file field */

typedef struct mm_form_field {
    char *name;
    char *value;    /* NUL-terminated (a file's bytes may also contain NULs: use len) */
    size_t len;     /* bytes of value */
    char *filename; /* multipart file parts: the file name as sent (may be ""), else NULL */
} mm_form_field;

typedef struct mm_form {
    mm_form_field fields[MM_FORM_MAX_FIELDS];
    size_t n;
    char *mem; /* one allocation holding every name and value */
} mm_form;

/* Parses body as the content type ctype says ("application/x-www-form-urlencoded" or
 * "multipart/form-data; boundary=..."). 0 on success; -1 with msg (what is wrong) when the
 * body is malformed, over a limit or of another type. f is the caller's (mm_form_free)
 * either way. A name given twice is refused. max_file bounds a multipart file part. */
int mm_form_parse(mm_form *f, const char *ctype, const char *body, size_t len, size_t max_file,
                  char *msg, size_t size);

/* The field named name, or NULL. */
const mm_form_field *mm_form_get(const mm_form *f, const char *name);
/* Its value (NUL-terminated), or NULL. */
const char *mm_form_value(const mm_form *f, const char *name);

void mm_form_free(mm_form *f);

/* Appends s percent-encoded for a URL query value to out (size bytes); false if cut. */
bool mm_url_encode(char *out, size_t size, const char *s);

#endif
