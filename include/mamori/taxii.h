/*
 * mamori: the parts of TAXII 2.1 (OASIS Standard, 10 June 2021,
 * https://docs.oasis-open.org/cti/taxii/v2.1/os/taxii-v2.1-os.html) that read outside input:
 * media types, HTTP Basic credentials, the query parameters of the objects, manifest and
 * versions endpoints, and the envelope a client POSTs. docs/taxii.md is the user's manual.
 * Pure functions: no store, no I/O (fuzzed by tests/fuzz/fuzz_taxii.c).
 */
#ifndef MAMORI_TAXII_H
#define MAMORI_TAXII_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "mamori/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The one media type this server speaks (TAXII 2.1 section 1.6.8). */
#define MM_TAXII_MEDIA "application/taxii+json;version=2.1"
/* The STIX media type in manifests (STIX 2.1). */
#define MM_TAXII_STIX_MEDIA "application/stix+json;version=2.1"

/* true when an Accept header (accept) or a Content-Type (!accept) names TAXII 2.1:
 * "application/taxii+json" with no version or version=2.1 (blanks ignored, letter case of
 * the type ignored). Accept may list several types separated by commas; one is enough, and
 * a "*" type or a version other than 2.1 is not. NULL is false. */
bool mm_taxii_media_ok(const char *header, bool accept);

/* Splits "Basic base64(login:password)" into login and password (NUL-terminated, the
 * password may hold ':'). MM_EINVALID (with a message) for another scheme, bad base64, no
 * ':', a NUL or control byte, or a part too long for its buffer. */
int mm_taxii_basic(const char *header, char *login, size_t login_size, char *password,
                   size_t password_size) __attribute__((warn_unused_result));

/* A TAXII timestamp (RFC 3339 UTC, "Z", with 0 to 9 fraction digits) as 27 characters of
 * the form YYYY-MM-DDTHH:MM:SS.ffffffZ (microseconds, cut not rounded), which compare as
 * strings in time order. MM_EINVALID (with a message) otherwise. */
int mm_taxii_time(char out[28], const char *text) __attribute__((warn_unused_result));

#define MM_TAXII_LIMIT_DEFAULT 100
#define MM_TAXII_LIMIT_MAX     1000

/* The filters of a request (TAXII 2.1 section 3.4), from its query parameters. */
typedef struct mm_taxii_filter {
    char added_after[28]; /* canonical (mm_taxii_time), or "" */
    char **types;         /* match[type]: NULL-terminated, or NULL for any */
    char **ids;           /* match[id] */
    char **versions;      /* match[version] timestamps, canonical */
    bool v_first, v_last, v_all;
    bool spec_21;  /* match[spec_version] absent or lists "2.1" */
    size_t limit;  /* 1..MM_TAXII_LIMIT_MAX */
    size_t offset; /* from next: the position in the matching list */
} mm_taxii_filter;

/* Parses the parameters (each NULL when absent): added_after, match[type], match[id],
 * match[version], match[spec_version] (comma-separated lists, at most 100 values, each at
 * most 300 bytes), limit (1..1000; default 100) and next (a token this server gave: a
 * position). match[version] defaults to "last". MM_EINVALID with a message naming the
 * parameter ("match[version]: ..."); *f is then empty. mm_taxii_filter_clear frees it. */
int mm_taxii_filter_parse(mm_taxii_filter *f, const char *added_after, const char *type,
                          const char *id, const char *version, const char *spec_version,
                          const char *limit, const char *next) __attribute__((warn_unused_result));
void mm_taxii_filter_clear(mm_taxii_filter *f);

/* Whether one object version passes the filters other than the version choice and paging:
 * type, id, spec version ("2.1" for every object here) and added_after (date_added canonical,
 * strictly after). */
bool mm_taxii_filter_object(const mm_taxii_filter *f, const char *type, const char *id,
                            const char *date_added);
/* Whether a version (canonical) is chosen by match[version], given the object's first and
 * last versions (canonical). */
bool mm_taxii_filter_version(const mm_taxii_filter *f, const char *version, const char *first,
                             const char *last);

/* Reads the envelope of an "Add Objects" request (TAXII 2.1 section 5.5): {"objects":
 * [STIX object, ...]} (1 to 10,000 objects, each with a string "type" and "id";
 * "more" and "next" allowed, nothing else). *bundle_out gets a STIX 2.1 bundle of those
 * objects (a new reference) for mm_stix_parse. MM_EPARSE (not JSON) or MM_EINVALID with a
 * message
 * ("envelope: $.objects[2].id: ..."). */
int mm_taxii_envelope(json_t **bundle_out, const char *text, size_t len)
    __attribute__((warn_unused_result));

/* The version of a STIX object as TAXII shows it: "modified", else "created", else NULL
 * (borrowed). */
const char *mm_taxii_object_version(const json_t *obj);

/* ---- federation: the peers of `mamori serve --peers FILE` (docs/taxii.md) ------------- */

/* One collection of a peer to pull from or push to, and the labels allowed over it (a bit
 * per mm_tlp: 1 << MM_TLP_GREEN ...). TLP:RED is never allowed (RED never leaves). */
typedef struct mm_taxii_link {
    char *collection; /* the peer's collection id */
    unsigned labels;
} mm_taxii_link;

typedef struct mm_taxii_peer {
    char *name;        /* [a-z0-9-], 1..40: in audit records and items' origin */
    char *api_root;    /* http:// or https:// URL of the peer's API root, ending in '/' */
    char *token;       /* a Bearer token for the peer, or NULL ... */
    char *token_file;  /* ... or a file holding it (read by the server) */
    char *org_id;      /* the local organization that stands for the peer: pushes go out as
                        * what it may read; pulled items are its items */
    char **deliver_to; /* local organizations that receive pulled AMBER and AMBER+STRICT
                        * items (NULL-terminated; empty: the authority) */
    bool may_reshare;  /* pulled AMBER items may be re-shared here (else 403) */
    mm_taxii_link *pull, *push;
    size_t n_pull, n_push;
    unsigned interval; /* seconds between rounds; 0: only when asked (POST
                        * /api/v1/federation/run) */
} mm_taxii_peer;

typedef struct mm_taxii_peers {
    mm_taxii_peer *peer;
    size_t n;
} mm_taxii_peers;

/* Parses a peers file (name for messages): {"peers": [{"name", "api_root", "token" |
 * "token_file", "org_id", "deliver_to"?, "may_reshare"?, "pull"?: [{"collection",
 * "labels"}], "push"?: [...], "interval"?}]}, at most 32 peers and 32 links each. Labels are
 * written as FIRST writes them ("TLP:AMBER"); "TLP:RED" is refused. MM_EPARSE or MM_EINVALID
 * with "NAME: $.peers[0].api_root: ..."; *out is the caller's (mm_taxii_peers_free). */
int mm_taxii_peers_parse(mm_taxii_peers **out, const char *text, size_t len, const char *name)
    __attribute__((warn_unused_result));
void mm_taxii_peers_free(mm_taxii_peers *p);

#ifdef __cplusplus
}
#endif
#endif
