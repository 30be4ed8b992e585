/* Internal parts of the submit module shared by its files (sign.c, affirm.c, receipt.c, summary.c).
 */
#ifndef MM_SUBMIT_INTERNAL_H
#define MM_SUBMIT_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "mamori/submit.h"

/* Initialises libsodium; MM_ERROR with a message when it cannot. */
int mm_submit_init_sodium(void);

/* The canonical bytes of v (compact, sorted members, ASCII-escaped; see docs/signing.md),
 * malloc'd and NUL-terminated; NULL when out of memory. */
char *mm_submit_canonical_bytes(const json_t *v);

/* Standard base64 with padding of len bytes (malloc'd), or NULL when out of memory. */
char *mm_submit_b64(const unsigned char *bin, size_t len);

/* Decodes base64 of exactly want bytes into out; false otherwise (s may be NULL). */
bool mm_submit_unb64(unsigned char *out, size_t want, const char *s);

/* True when obj is an object with exactly the n members named. */
bool mm_submit_has_exactly(const json_t *obj, const char *const *names, size_t n);

/* What inspecting a signed document (a submission or an affirmation) gives: the key id (16
 * hex digits, checked: MM_EINVALID naming name), the SHA-256 of the envelope's canonical bytes
 * in hex, and a new reference to the envelope in *envelope (the caller's). */
int mm_submit_envelope_id(json_t **envelope, char key_id[17], char hash[65], json_t *env,
                          const char *kid, const char *name);

/* Checks the detached Ed25519 signature sig64 (base64) over the canonical bytes of env with
 * public_key (32 bytes): *status VALID, BAD_ENCODING or TAMPERED (message set). Returns
 * MM_ENOMEM when out of memory, else MM_OK. */
int mm_submit_signature_check(mm_verify_status *status, const char *sig64, const json_t *env,
                              const unsigned char *public_key);

/* True when s is 64 lowercase hex digits. */
bool mm_submit_is_hex64(const char *s);

#endif
