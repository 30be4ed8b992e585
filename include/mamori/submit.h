/*
 * mamori: signed submissions. Ed25519 key pairs of an organization (key files), the
 * canonical form of a submission (the assessment, the hashes of its evidence files and
 * the affirming official), signing it and verifying a signed submission document.
 * The format is described byte by byte in docs/signing.md.
 */
#ifndef MAMORI_SUBMIT_H
#define MAMORI_SUBMIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MM_KEY_PUBLIC_BYTES   32
#define MM_KEY_SECRET_BYTES   64
#define MM_EVIDENCE_MAX_BYTES (1024ull * 1024 * 1024) /* 1 GiB per evidence file */
#define MM_SIGNED_MAX_BYTES   (32u * 1024 * 1024)     /* a signed submission document */

/* A key of an organization: a public key, and the secret key when loaded from a secret
 * key file. Owned by the caller (mm_key_free, which wipes the secret). */
typedef struct mm_key {
    char *org;
    char key_id[17]; /* first 16 hex digits of SHA-256 of the public key */
    unsigned char public_key[MM_KEY_PUBLIC_BYTES];
    unsigned char secret_key[MM_KEY_SECRET_BYTES]; /* all zero when has_secret is false */
    bool has_secret;
} mm_key;

/* Makes a new key pair for org. Errors: MM_EINVALID (empty org), MM_ENOMEM, MM_ERROR. */
int mm_key_generate(mm_key **out, const char *org) __attribute__((warn_unused_result));

/* Writes the secret key file at path (mode 0600) and the public key file at path + ".pub";
 * neither is ever overwritten: an existing file fails with MM_EINVALID and nothing is left
 * behind. created is a Unix time for the "created" member. Errors: MM_EIO, MM_EINVALID. */
int mm_key_write(const mm_key *k, const char *path, long long created)
    __attribute__((warn_unused_result));

/* Reads a secret or a public key file (its "kind" says which). Errors: MM_EIO, MM_EPARSE,
 * MM_EINVALID (wrong kind, bad base64, wrong length, halves that do not match). */
int mm_key_load(mm_key **out, const char *path) __attribute__((warn_unused_result));

/* The key_id of a public key, as 16 hex digits + NUL. */
void mm_key_id(char out[17], const unsigned char public_key[MM_KEY_PUBLIC_BYTES]);

void mm_key_free(mm_key *k);

/* One evidence file of a submission: its path as given, and its SHA-256 in lowercase hex. */
typedef struct mm_evidence_hash {
    const char *path; /* borrowed */
    char sha256[65];
} mm_evidence_hash;

/* Hashes a file with SHA-256, streaming. Errors: MM_EIO, MM_ETOOBIG (over
 * MM_EVIDENCE_MAX_BYTES), MM_EINVALID (not a regular file). */
int mm_evidence_hash_file(char out[65], const char *path) __attribute__((warn_unused_result));

/* What a submission is made of. All borrowed. */
typedef struct mm_submission {
    const char *assessment; /* the assessment file's bytes (JSON object) */
    size_t assessment_len;
    const char *name; /* the assessment file's name, for messages */
    const mm_evidence_hash *evidence;
    size_t nevidence;
    const char *official; /* the affirming official's name */
    const char *date;     /* YYYY-MM-DD */
} mm_submission;

/* The canonical bytes of the submission's envelope (malloc'd, NUL-terminated; the caller
 * frees). Errors: MM_EPARSE (assessment not JSON), MM_EINVALID (not an object, a
 * non-integer number, empty official, bad date, duplicate evidence path), MM_ENOMEM. */
int mm_submission_canonical(char **out, size_t *out_len, const mm_submission *s)
    __attribute__((warn_unused_result));

/* Signs the submission with k (which must hold a secret key) and returns the signed
 * submission document {"envelope", "signature", "key_id"} as JSON text (malloc'd).
 * Errors: as mm_submission_canonical, and MM_EUSAGE for a public-only key. */
int mm_submission_sign(char **out, const mm_submission *s, const mm_key *k)
    __attribute__((warn_unused_result));

/* The outcome of verifying a well-formed signed document. */
typedef enum mm_verify_status {
    MM_VERIFY_VALID = 0,
    MM_VERIFY_WRONG_KEY,    /* its key_id is not the key_id of the public key */
    MM_VERIFY_BAD_ENCODING, /* the signature is not base64 of 64 bytes */
    MM_VERIFY_TAMPERED      /* the signature does not match the envelope */
} mm_verify_status;

const char *mm_verify_status_name(mm_verify_status st);

/* Verifies a signed submission document against the public key pub. Returns MM_OK when
 * the document is well-formed, with *status the outcome (and the message of
 * mm_error_last() saying why when not valid); MM_EPARSE or MM_EINVALID for a malformed
 * document (not JSON, missing or extra members, an envelope of the wrong shape), MM_ETOOBIG
 * over MM_SIGNED_MAX_BYTES. name is used in messages. */
int mm_submission_verify(mm_verify_status *status, const char *doc, size_t len, const char *name,
                         const mm_key *pub) __attribute__((warn_unused_result));
/* Parses and checks a signed submission document without verifying the signature: fills
 * *key_id (17 bytes) and *envelope (a new reference to the "envelope" object; the caller
 * json_decrefs it) and the canonical bytes' SHA-256 in hex (hash[65]). Errors as
 * mm_submission_verify for malformed documents. Used by the server to find the key. */
int mm_submission_inspect(json_t **envelope, char key_id[17], char hash[65], const char *doc,
                          size_t len, const char *name) __attribute__((warn_unused_result));

/* A signed document (a submission or an affirmation) parsed and checked once, for the
 * server: the one parse, the envelope's canonical bytes and their hash serve the key look-up,
 * the signature check and the stored row. Filled by mm_submission_open or
 * mm_affirmation_open; the caller frees it with mm_signed_free. */
typedef struct mm_signed {
    json_t *root;          /* the document */
    json_t *envelope;      /* borrowed from root */
    const char *signature; /* borrowed from root: the base64 text as sent */
    const char *key_id;    /* borrowed from root: 16 characters once opened */
    char *canonical;       /* the envelope's canonical bytes (NUL-terminated) */
    size_t canonical_len;
    char hash[65]; /* their SHA-256 in lowercase hex */
} mm_signed;

/* Parses and checks a signed submission document once (as mm_submission_inspect: the same
 * errors and messages) into *d. */
int mm_submission_open(mm_signed *d, const char *doc, size_t len, const char *name)
    __attribute__((warn_unused_result));
/* Verifies an opened document's signature with pub, from its canonical bytes (not made
 * again): MM_OK with *status (and mm_error_last() saying why when not valid), as
 * mm_submission_verify; MM_ENOMEM. */
int mm_signed_verify(mm_verify_status *status, mm_signed *d, const mm_key *pub)
    __attribute__((warn_unused_result));
void mm_signed_free(mm_signed *d);

/* ---- annual affirmations (32 CFR 170.22) -------------------------------------------------
 * The affirming official's signed statement that the organization's latest submission still
 * holds, without a new assessment (src/submit/affirm.c, docs/signing.md "Affirmations"). */
#define MM_AFFIRMATION_MAX_BYTES (64u * 1024)

/* What an affirmation says. All borrowed. */
typedef struct mm_affirmation {
    const char *submission_id; /* the server's id of the submission affirmed */
    const char *official;      /* the affirming official's name */
    const char *date;          /* YYYY-MM-DD */
} mm_affirmation;

/* The signed affirmation document {"envelope", "key_id", "signature"} as JSON text
 * (malloc'd). Errors: MM_EINVALID (empty official, bad date or id), MM_EUSAGE (a public-only
 * key), MM_ENOMEM. */
int mm_affirmation_sign(char **out, const mm_affirmation *a, const mm_key *k)
    __attribute__((warn_unused_result));

/* Parses and checks a signed affirmation without verifying the signature: *envelope (a new
 * reference), key_id[17], and hash[65] the SHA-256 of the envelope's canonical bytes.
 * Errors: MM_EPARSE (not JSON), MM_EINVALID (the wrong shape, with its $.path), MM_ETOOBIG
 * (over MM_AFFIRMATION_MAX_BYTES). */
int mm_affirmation_inspect(json_t **envelope, char key_id[17], char hash[65], const char *doc,
                           size_t len, const char *name) __attribute__((warn_unused_result));

/* Parses and checks a signed affirmation once (as mm_affirmation_inspect) into *d. */
int mm_affirmation_open(mm_signed *d, const char *doc, size_t len, const char *name)
    __attribute__((warn_unused_result));

/* Verifies a signed affirmation against pub: MM_OK with *status, or the errors of
 * mm_affirmation_inspect. */
int mm_affirmation_verify(mm_verify_status *status, const char *doc, size_t len, const char *name,
                          const mm_key *pub) __attribute__((warn_unused_result));

/* ---- receipts ---------------------------------------------------------------------------
 * The server's answer to an accepted submission: {"receipt": {"kind": "mamori-receipt",
 * "version": 1, "submission_id", "org_id", "body_hash", "received", "status",
 * "score": int|null, "server_key_id"}, "signature": base64 Ed25519 over the canonical
 * bytes of "receipt" (the same serialisation as the envelope's)}. */
typedef struct mm_receipt {
    const char *submission_id, *org_id, *body_hash, *received, *status;
    bool has_score;
    int score;
} mm_receipt;

/* The receipt document as JSON text (malloc'd), signed with the server's 64-byte secret
 * key. Errors: MM_EINVALID (a missing member), MM_ENOMEM. */
int mm_receipt_sign(char **out, const mm_receipt *r, const unsigned char secret_key[64])
    __attribute__((warn_unused_result));

/* Verifies a receipt document against the server's 32-byte public key: MM_OK with *valid,
 * MM_EPARSE/MM_EINVALID when it is not a receipt. body_hash_out (65, may be NULL) gets the
 * receipt's body_hash, submission_id_out (64, may be NULL) its submission id. */
int mm_receipt_verify(bool *valid, const char *doc, size_t len, const unsigned char public_key[32],
                      char *body_hash_out, char *submission_id_out)
    __attribute__((warn_unused_result));

/* Parses the server's receipt key, the answer of GET /api/v1/server-key saved in a file:
 * {"kind": "mamori-server-key", "public_key": base64 of 32 bytes, "key_id": its key_id};
 * name is for messages. Errors: MM_EPARSE (not JSON), MM_EINVALID ("NAME: $.kind: ..." for
 * an organization's key file, named as such, or another kind; "NAME: $.public_key: ..."; a
 * key_id that is not the public key's). */
int mm_server_key_parse(unsigned char public_key[32], char key_id[17], const char *text, size_t len,
                        const char *name) __attribute__((warn_unused_result));

/* ---- the server's summary of a submission ------------------------------------------------ */
struct mm_result;
/* The status of an evaluated assessment: "meets", "conditional", "not-met" or
 * "no-valid-score" (see docs/signing.md, "Status and summary"). */
const char *mm_submission_status(const struct mm_result *r);

/* The server's summary of an evaluated assessment (a new JSON object):
 * {"framework", "assessed", "organization", "status", "score": int|null,
 *  "sprs": {"valid", "score", "reason"} (Rev 2 only), "cmmc": {"status", "reasons",
 *  "closeout"} (Rev 2 only), "requirements": {"met", "total", "not_assessed"},
 *  "objectives": {"met", "total", "not_assessed"},
 *  "families": [{"id", "title", "met", "total"}],
 *  "gaps": [{"requirement", "title", "status", "points_lost", "on_poam"}],
 *  "milestones": [{"requirement", "poam_id", "description", "due", "status"}] (open POA&M
 *  items' milestones not completed), "warnings": [...]} */
int mm_submission_summary(json_t **out, const struct mm_result *r)
    __attribute__((warn_unused_result));

/* What changed between two summaries of one organization (older, newer):
 * {"from", "to" (their "assessed"), "score": {"from", "to", "delta"}, "status": {"from",
 * "to"}, "fixed": [requirement ids gap in older, not in newer], "new_gaps": [...],
 * "changed": [{"requirement", "from", "to"}] (gap in both with another status)}. */
int mm_summary_diff(json_t **out, const json_t *older, const json_t *newer)
    __attribute__((warn_unused_result));

/* ---- recognition claims (docs/iot.md) ---------------------------------------------------
 * An IoT recognition claim ({"kind": "mamori-recognition", ...}, mm_iot_recognize) signed by
 * the server's receipt key: {"recognition": {..., "server_key_id"}, "signature": base64 of the
 * Ed25519 signature over the canonical bytes of "recognition"}. */
#define MM_RECOGNITION_MAX_BYTES (4u * 1024 * 1024)

/* Adds "server_key_id" to claim and returns the signed document as JSON text (malloc'd).
 * Errors: MM_EINVALID (not a recognition claim), MM_ENOMEM, MM_ERROR. */
int mm_recognition_sign(char **out, json_t *claim, const unsigned char secret_key[64])
    __attribute__((warn_unused_result));

/* Verifies a signed claim against the server's 32-byte public key: MM_OK with *valid (when
 * false, the message says why: another key, bad encoding, changed after signing), and the
 * claim in *claim_out (may be NULL; a new reference, only when valid); MM_EPARSE or
 * MM_EINVALID when it is not a signed recognition claim. */
int mm_recognition_verify(bool *valid, json_t **claim_out, const char *doc, size_t len,
                          const unsigned char public_key[32]) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
