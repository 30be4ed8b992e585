/*
 * mamori: IoT security labels. The label schemes mamori knows (each with its criteria pack,
 * content/frameworks/iot/), the checks of a label a product holds, and recognition: from the
 * published relations only (content/crosswalks/iot-psti-etsi-jcstar.json), which criteria of a
 * target scheme a product's labels already cover on a date, which remain, and whether any
 * published arrangement relates the schemes. docs/iot.md.
 *
 * Ownership: *out values are the caller's (json_decref, mm_iot_free); scheme records are
 * static.
 */
#ifndef MAMORI_IOT_H
#define MAMORI_IOT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A label scheme. pack is the framework id of its criteria pack, or NULL for a level that
 * has none. */
typedef struct mm_iot_scheme {
    const char *id;     /* "jc-star", "uk-psti", "etsi-en-303-645", "us-cyber-trust-mark" */
    const char *name;   /* "JC-STAR", ... */
    const char *levels; /* the levels a label may have, "|"-separated ("1|2|3|4"), or "" */
    const char *source; /* where the scheme (and its levels) is described */
} mm_iot_scheme;

/* The scheme with this id, or NULL. */
const mm_iot_scheme *mm_iot_scheme_find(const char *id);
/* All schemes, in a fixed order; *n gets their number. */
const mm_iot_scheme *mm_iot_schemes(size_t *n);
/* The framework id of the criteria pack of (scheme, level), or NULL when mamori has none
 * (e.g. JC-STAR ★2). */
const char *mm_iot_scheme_pack(const mm_iot_scheme *s, const char *level);

/* Checks a label's scheme and level: MM_OK, or MM_EINVALID with a message naming the member
 * ("$.scheme: ...", "$.level: ..."). */
int mm_iot_label_check(const char *scheme, const char *level) __attribute__((warn_unused_result));

/* A label's state on date (YYYY-MM-DD): "current" (issued <= date <= expires, or no expiry),
 * "expired" (expires < date) or "not-yet-valid" (issued > date). */
const char *mm_iot_label_state(const char *issued, const char *expires, const char *date);

/* The packs and the published relations recognition reads (embedded in mamori, or read from
 * content_dir when not NULL). */
typedef struct mm_iot mm_iot;

/* Loads the IoT packs and the relations. Errors: MM_EPARSE, MM_EINVALID (a relation names a
 * criterion its pack lacks, with the file and JSON path), MM_ENOMEM. */
int mm_iot_load(mm_iot **out, const char *content_dir) __attribute__((warn_unused_result));
void mm_iot_free(mm_iot *iot);

/* The recognition claim (unsigned; mm_recognition_sign signs it) for product (as
 * mm_store_get_product gives it: "id", "org_id", "org_name", "name", "model", "firmware",
 * "labels": [{"scheme", "level", "label_id", "issued", "expires", "evidence_sha256",
 * "evidence_ref"}]) as scheme as_scheme (a scheme id or a pack's framework id) on date
 * (YYYY-MM-DD); issued is the time written in the claim. Errors: MM_EINVALID (unknown
 * scheme, with the list of known ones; bad date), MM_ENOMEM. */
int mm_iot_recognize(json_t **out, const mm_iot *iot, const json_t *product, const char *as_scheme,
                     const char *date, const char *issued) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
