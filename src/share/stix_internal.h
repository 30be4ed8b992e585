/* STIX 2.1: what export (stix.c) and import (stix_import.c) share. Not a public header. */
#ifndef MM_SHARE_STIX_INTERNAL_H
#define MM_SHARE_STIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "mamori/share.h"

#define TLP2_EXT     "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
#define TLP2_CREATED "2022-10-01T00:00:00.000Z"
#define INCIDENT_EXT "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
#define MAX_DEPTH    32
#define MAX_OBJECTS  10000
#define MAX_STRING   (1024 * 1024)

/* TLP 2.0 marking-definition ids, by label (mm_tlp order). */
extern const char *const stix_tlp2_ids[5];

/* Indicator types written as STIX patterns: our type, the pattern's object path, and the
 * other names accepted for it on export. */
typedef struct stix_pattern {
    const char *type;
    const char *path;
    const char *alias;
} stix_pattern;
extern const stix_pattern stix_patterns[];
extern const size_t stix_npatterns;

/* The official TLP 2.0 marking-definition of label t (a new reference; NULL out of memory). */
json_t *stix_marking_definition(mm_tlp t);

/* Sets the error message and returns rc. */
int stix_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A formatted string (the caller frees it), NULL when out of memory. */
char *stix_mk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s starts with an RFC 3339 date-time (dddd-dd-ddTdd:dd:dd). */
bool stix_is_timestamp(const char *s);

#endif
