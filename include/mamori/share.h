/*
 * mamori: shared threat information under the Traffic Light Protocol 2.0 (FIRST, August
 * 2022, https://www.first.org/tlp/). The labels, their most-restrictive merge, and the one
 * decision every read path of the server asks: may this reader see this item?
 * docs/sharing.md is the user's manual (recipient classes, and the choices made here).
 * Pure functions: no store, no I/O.
 */
#ifndef MAMORI_SHARE_H
#define MAMORI_SHARE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mamori/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The labels, widest first: a larger value is more restrictive. */
typedef enum mm_tlp {
    MM_TLP_CLEAR = 0,
    MM_TLP_GREEN = 1,
    MM_TLP_AMBER = 2,
    MM_TLP_AMBER_STRICT = 3,
    MM_TLP_RED = 4
} mm_tlp;

/* Parses a label as FIRST writes it ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
 * "TLP:AMBER+STRICT", "TLP:RED"; upper case) or the bare name ("AMBER+STRICT"). MM_EINVALID
 * (with a message) for anything else, TLP 1.0's "TLP:WHITE" included. */
int mm_tlp_parse(mm_tlp *out, const char *text) __attribute__((warn_unused_result));
/* "TLP:AMBER+STRICT" etc.: static text. */
const char *mm_tlp_label(mm_tlp t);
/* "AMBER+STRICT" etc. (the stored form): static text. */
const char *mm_tlp_name(mm_tlp t);
/* The most restrictive of two labels (content merged from several sources takes it). */
mm_tlp mm_tlp_merge(mm_tlp a, mm_tlp b);

/* What the decision needs to know about an item: borrowed pointers, none kept. */
typedef struct mm_share_access {
    mm_tlp tlp;
    const char *originator_org;        /* the organization that shared it */
    int64_t originator_user;           /* the user who shared it (0: none) */
    const char *const *recipient_orgs; /* organizations named as recipients */
    size_t n_recipient_orgs;           /* (AMBER+STRICT and wider) */
    const int64_t *recipient_users;    /* users named as recipients (every label) */
    size_t n_recipient_users;          /* */
    const char *community_id;          /* GREEN: the item's community, or NULL */
    const char *const *reshared_orgs;  /* organizations a recipient re-shared it with (AMBER: */
    size_t n_reshared_orgs;            /* a recipient's clients, need-to-know) */
    /* ---- the gates of a gated item (schema 10; docs/sharing.md, "Gated items"), each on
     * top of the label. All NULL/0: not gated (a plain TLP item). */
    const char *clearance_regime;     /* required clearance: regime ("jp-iesi", "jp-sds", */
    const char *clearance_level;      /* "us-eo13526", ...) and level; NULL: none required */
    bool facility_required;           /* the reader's organization must also hold a facility
                                       * certification that satisfies the same requirement */
    const char *ntk_group;            /* the need-to-know group whose members only may read */
    const char *const *nationalities; /* the reader's nationality must be one of these */
    size_t n_nationalities;           /* (ISO 3166-1 alpha-2); 0: no condition */
    const char *const *org_countries; /* the reader's organization's country must be one */
    size_t n_org_countries;           /* of these (ISO 3166-1 alpha-2); 0: no condition */
} mm_share_access;

/* One clearance held: a user's personnel clearance, or (facility) an organization's
 * facility certification. Dates "YYYY-MM-DD"; valid from granted to expires, both days
 * included; expires NULL or "": no expiry recorded. Borrowed text. */
typedef struct mm_clearance {
    const char *regime;
    const char *level;
    const char *granted;
    const char *expires;
    bool facility;
} mm_clearance;

/* One row of the authority's policy table: a clearance held at (held_regime, held_level)
 * satisfies a requirement of (required_regime, required_level). Within one regime it orders
 * levels; between regimes it is reciprocity. Holding exactly the required regime and level
 * needs no row. The table ships empty (content/clearance-regimes.json says why): no row is
 * ever implied, by the product or by this function. */
typedef struct mm_clearance_rule {
    const char *held_regime;
    const char *held_level;
    const char *required_regime;
    const char *required_level;
} mm_clearance_rule;

/* Who is reading. anonymous: no credentials (only TLP:CLEAR). */
typedef struct mm_share_reader {
    bool anonymous;
    int64_t user_id;                /* 0: no particular user (a plain member of org_id) */
    const char *org_id;             /* the reader's organization */
    const char *parent_org;         /* its prime contractor (organizations.parent_id), or NULL */
    bool authority;                 /* org_id is the authority organization */
    const char *authority_org;      /* the authority organization's id (not a reader rule) */
    const char *const *communities; /* the communities org_id is a member of */
    size_t n_communities;
    /* ---- what the gates ask (schema 10); borrowed ---- */
    const char *today;               /* the day of the read, "YYYY-MM-DD" (UTC): expiry is
                                      * checked against it; NULL fails every clearance gate */
    const mm_clearance *clearances;  /* the user's clearances and the organization's facility */
    size_t n_clearances;             /* certifications (.facility), expired ones included */
    const char *const *groups;       /* the need-to-know groups the user is a member of */
    size_t n_groups;                 /* */
    const char *nationality;         /* the user's, ISO 3166-1 alpha-2, or NULL: not recorded */
    const char *org_country;         /* the organization's, ISO 3166-1 alpha-2, or NULL */
    const mm_clearance_rule *policy; /* the authority's policy table in force */
    size_t n_policy;                 /* */
} mm_share_reader;

/* Which condition decided a read (mm_share_decide). Numbers never change meaning. The
 * reader is never told which one failed (the API answers 404 as for a missing item); the
 * audit log is. */
typedef enum mm_share_gate {
    MM_GATE_OK = 0,           /* readable */
    MM_GATE_TLP = 1,          /* the label's readers do not include this reader */
    MM_GATE_NEED_TO_KNOW = 2, /* not a member of the item's need-to-know group */
    MM_GATE_CLEARANCE = 3,    /* no clearance of the required regime and level (nor any the
                               * policy's level rows accept), valid or not */
    MM_GATE_EXPIRED = 4,      /* such a clearance is held but not valid on the day of the read
                               * (expired, or not yet granted) */
    MM_GATE_RECIPROCITY = 5,  /* only a clearance of another regime is held, and no policy
                               * row accepts it (reciprocity not granted by the authority) */
    MM_GATE_NATIONALITY = 6,  /* the reader's nationality is not among the item's */
    MM_GATE_COUNTRY = 7,      /* the reader's organization's country is not among the item's */
    MM_GATE_FACILITY = 8      /* the organization holds no facility certification valid today
                               * that satisfies the requirement */
} mm_share_gate;

/* "tlp", "need-to-know", "clearance", "expired", "reciprocity", "nationality", "country",
 * "facility" ("ok" for MM_GATE_OK): static text, the audit log's words. */
const char *mm_share_gate_name(mm_share_gate g);

/* true when the item carries any gate beyond its label. */
bool mm_share_gated(const mm_share_access *item);

/* The full read decision: the label (mm_tlp_may_read's rules below) AND, for a gated item,
 * need-to-know AND nationality AND organization country AND a clearance valid on
 * reader->today that satisfies the requirement (itself, or through a policy row) AND the
 * facility certification when asked. Checked in that order; the first that fails is
 * returned. A gated item is never readable anonymously; the gates apply to every reader
 * but the user who shared it (originator_user), the originator's colleagues included. A
 * policy row is one step: rows are never chained. *why (may be NULL): a static sentence. */
mm_share_gate mm_share_decide(const mm_share_access *item, const mm_share_reader *reader,
                              const char **why);

/* The one access decision for shared items (docs/sharing.md, "Who may read"):
 *   RED          the named users, and the user who shared it;
 *   AMBER+STRICT those, and every user of the originator and of the recipient organizations;
 *   AMBER        those, and every user of an organization a recipient re-shared it with
 *                (POST /api/v1/items/{id}/reshare: the recipient's clients, on a
 *                need-to-know basis). Being someone's client gives nothing by itself;
 *   GREEN        those, and every user of a member organization of the item's community;
 *   CLEAR        everyone, anonymous readers included.
 * The authority is not special: it reads a RED or AMBER item only as a recipient. Each
 * label's readers include the next narrower label's. *why (may be NULL) gets a static
 * sentence saying which rule decided.
 * Since schema 10 this is mm_share_decide(...) == MM_GATE_OK: the gates of a gated item
 * (need-to-know, clearance on the day, reciprocity, nationality, country) are part of it. */
bool mm_tlp_may_read(const mm_share_access *item, const mm_share_reader *reader, const char **why);

/* ---- the body of POST /api/v1/items (outside input: tests/fuzz/fuzz_share_item.c) ----- */

/* A parsed, checked item body. Every pointer is borrowed from json (which it holds a
 * reference to; mm_share_item_clear drops it). */
typedef struct mm_share_item_body {
    json_t *json;
    const char *title; /* 1..300 characters */
    mm_tlp tlp;
    const char *description; /* may be "" */
    json_t *indicators;      /* [{"type", "value"}] (borrowed), at most 1000 */
    json_t *attachments;     /* [{"name", "sha256"}] (borrowed), at most 100 */
    json_t *recipient_users; /* [login, ...] (borrowed), at most 200 */
    json_t *recipient_orgs;  /* [org id, ...] (borrowed), at most 200 */
    const char *community;   /* a community id, or NULL */
    json_t *gate;            /* the gates (schema 10), borrowed, or NULL: {"clearance": {"regime",
                              * "level"}, "facility": bool, "ntk_group": id, "nationalities": [XX],
                              * "org_countries": [XX]}, each member optional, at least one gate */
} mm_share_item_body;

/* Parses and checks the JSON text of an item (docs/api.md, "Shared items"): only the known
 * members, their types and sizes, and that the label's recipient kinds make sense (RED names
 * users and nothing else; a community only with GREEN). MM_EPARSE (not JSON) or MM_EINVALID
 * with a message naming the member ("$.tlp: ..."). */
int mm_share_parse_item(mm_share_item_body *out, const char *text, size_t len)
    __attribute__((warn_unused_result));
void mm_share_item_clear(mm_share_item_body *b);
/* The stored body object {"description", "indicators", "attachments"} of a parsed item: a
 * new reference. */
json_t *mm_share_item_stored_body(const mm_share_item_body *b);

/* ---- STIX 2.1 (src/share/stix.c; docs/sharing.md, "STIX 2.1") ------------------------- */

/* Exports items (a JSON array of items as the API answers them: {"id", "tlp", "title",
 * "created", "modified", "body": {"description", "indicators", "attachments"}}, or one such
 * object) as a STIX 2.1 bundle, a new reference through *out: per item a `report` whose
 * object_refs name its `indicator`s (ipv4-addr, ipv6-addr, domain-name, url, email-addr and
 * file hashes as STIX patterns; other indicators stay in the report's description), the
 * official TLP 2.0 marking-definition of its label in the bundle and object_marking_refs on
 * every object. An item of "kind" "incident" that carries "incident" (the report as GET
 * /api/v1/incidents/{id} shows it) becomes a STIX `incident` instead, with the incident core
 * extension (extension-definition--ef765651-680c-498d-9894-99799f2fa126): determination
 * "suspected", investigation_status "open", CISA's recoverability in the extension's
 * vocabulary (docs/sharing.md, "Incident reports"). Ids are UUIDv5 of the item id, so the
 * same item gives the same bundle.
 * MM_EINVALID (with a message) for an item without an id, title or label; MM_ENOMEM. */
int mm_stix_export(json_t **out, const json_t *items) __attribute__((warn_unused_result));

/* One item read from a bundle: everything the store needs except who owns it. */
typedef struct mm_stix_item {
    char *title;   /* the report's name (1..300 characters) */
    mm_tlp tlp;    /* the most restrictive marking of the report and its indicators */
    json_t *body;  /* {"description", "indicators", "attachments"}: the stored body */
    char *stix_id; /* the report's (or note's) STIX id */
    /* body also has "markings" (the non-TLP marking definitions of the report and its
     * indicators, exported again) and indicators their "valid_from", when the bundle had them */
} mm_stix_item;

typedef struct mm_stix_import {
    mm_stix_item *items;
    size_t n_items;
    const char *format; /* "stix-2.1", or "stix-2.0 (upgraded to stix-2.1)": static text */
} mm_stix_import;

/* The national aggregate of critical infrastructure (docs/sharing.md "The national
 * aggregate") as a STIX 2.1 bundle: the TLP 2.0 marking t, the author's identity (author_key
 * names it stably, author_name is its name; created_by_ref of the report), mamori's identity
 * and the extension-definition of the aggregate (created by mamori), and one report whose
 * property extension holds the aggregate (a JSON object of counts: its keys as they are).
 * now: an RFC 3339 time, the report's created and published. Pure. */
int mm_stix_aggregate_report(json_t **out, const json_t *aggregate, mm_tlp t,
                             const char *author_key, const char *author_name, const char *now)
    __attribute__((warn_unused_result));
/* The name (for a version-5 UUID) of that extension-definition's id: docs/sharing.md gives
 * the id. */
#define MM_STIX_AGGREGATE_EXT_NAME "mamori:stix:extension-definition:national-aggregate:1.0"

/* Parses a STIX 2.1 bundle (outside input: tests/fuzz/fuzz_stix.c) into items, one per
 * `report` or `note`, without storing anything. Markings: TLP 2.0 (the extension's
 * marking-definition ids) or TLP 1.0 (WHITE is taken as CLEAR); an object that carries
 * several takes the most restrictive; an unmarked report, note or indicator is refused
 * unless default_tlp is not NULL. Refused with MM_EPARSE (not JSON) or MM_EINVALID and a
 * message naming the JSON path ("bundle: $.objects[3].object_marking_refs: ..."): nesting
 * deeper than 32, more than 10,000 objects, a string over 1 MiB, wrong types, marking ids
 * that are neither TLP nor defined in the bundle, a bundle with nothing to import. On
 * success *out is the caller's (mm_stix_import_free); on failure *out is NULL. */
int mm_stix_parse(mm_stix_import **out, const char *text, size_t len, const mm_tlp *default_tlp)
    __attribute__((warn_unused_result));
void mm_stix_import_free(mm_stix_import *imp);

#ifdef __cplusplus
}
#endif
#endif
