/*
 * mamori: errors.
 *
 * Every fallible library function returns an int: MM_OK (0) on success, a negative
 * mm_error on failure. The human-readable message is kept per thread and read with
 * mm_error_last(); it names the input and the place in it where that applies.
 * The numbers never change meaning.
 */
#ifndef MAMORI_ERROR_H
#define MAMORI_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mm_error {
    MM_OK = 0,
    MM_ERROR = -1,    /* failure with no more specific code */
    MM_ENOMEM = -2,   /* out of memory */
    MM_EIO = -3,      /* a file could not be read or written */
    MM_EPARSE = -4,   /* malformed input: not JSON, truncated, not UTF-8 */
    MM_EINVALID = -5, /* well-formed input that breaks a rule: unknown id, status not allowed */
    MM_ENOTFOUND = -6,
    MM_ETOOBIG = -7,   /* input larger than the limit for its kind */
    MM_EUSAGE = -8,    /* a caller passed arguments that make no sense together */
    MM_EACCES = -9,    /* permission denied (e.g. reading /etc/shadow as non-root) */
    MM_ECONFLICT = -10 /* already exists, or already done (a replayed submission) */
} mm_error;

/* Sets the thread's last error message (printf format). */
void mm_error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The thread's last error message; "" when none. Borrowed until the next mm_error_set. */
const char *mm_error_last(void);

void mm_error_clear(void);

/* A fixed description of an error code ("out of memory", ...). */
const char *mm_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
