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

/* What kind of signed document mm_signed_parse reads: its name in messages ("a signed
 * submission"), its size limit, and the check of its envelope's shape (MM_EINVALID naming
 * name and the $.path). */
typedef struct mm_signed_kind {
    const char *what;
    size_t max_bytes;
    int (*check_envelope)(json_t *env, const char *name);
} mm_signed_kind;

/* Parses a signed document {"envelope", "signature", "key_id"} of kind and checks its shape:
 * d->root, d->envelope, d->signature and d->key_id (free with mm_signed_free); no canonical
 * bytes yet. Errors: MM_ETOOBIG (over kind->max_bytes), MM_EPARSE, MM_EINVALID, MM_ERROR. */
int mm_signed_parse(mm_signed *d, const mm_signed_kind *kind, const char *doc, size_t len,
                    const char *name);

/* Checks d's key id (16 characters: MM_EINVALID naming name) and fills d->canonical and
 * d->hash (the SHA-256 of the envelope's canonical bytes, hex). MM_ENOMEM. */
int mm_signed_digest(mm_signed *d, const char *name);

/* Checks the detached Ed25519 signature sig64 (base64) over canon (the canonical bytes of
 * an envelope, canon_len bytes) with public_key (32 bytes): *status VALID, BAD_ENCODING or
 * TAMPERED (message set). Returns MM_OK. */
int mm_submit_signature_check(mm_verify_status *status, const char *sig64, const char *canon,
                              size_t canon_len, const unsigned char *public_key);

/* True when s is 64 lowercase hex digits. */
bool mm_submit_is_hex64(const char *s);

/* A document the server signs with its receipt key (docs/signing.md): {"<member>": object,
 * "signature": base64} where the object has "kind", "version": 1 and "server_key_id", and the
 * signature is over its canonical bytes. Recognition claims and screening reports are two;
 * what names the document in messages ("recognition"), desc in "not a signed <desc>". */
typedef struct mm_server_doc {
    const char *member, *kind, *what, *desc;
} mm_server_doc;

/* Sets obj's server_key_id to secret_key's and writes the signed document (indented, sorted)
 * into *out (malloc'd). MM_EINVALID when obj is not an object of d->kind; MM_ENOMEM. */
int mm_server_doc_sign(char **out, const mm_server_doc *d, json_t *obj,
                       const unsigned char secret_key[64]);

/* Checks a signed document of len bytes against public_key: MM_OK with *valid set once it is
 * well formed (*obj_out, when asked, a reference to the signed object when valid; the reason
 * in mm_error_last otherwise); MM_EPARSE or MM_EINVALID when it is not such a document. The
 * caller checks the size limit first. */
int mm_server_doc_verify(bool *valid, json_t **obj_out, const mm_server_doc *d, const char *doc,
                         size_t len, const unsigned char public_key[32]);

#endif
