/* mamori serve: the sharing core (share_core.c): who is reading, what an item allows, and
 * the one decision every read path asks (share_readable, over mm_tlp_may_read). Used by the
 * shared items' API (share_api.c, share_merge.c) and the incident reports (incident_api.c). */
#ifndef MAMORI_SERVER_SHARE_CORE_H
#define MAMORI_SERVER_SHARE_CORE_H

#include "mamori/share.h"
#include "server/bodies.h"
#include "server/internal.h"

/* What every decision of a request needs: the organizations (id, kind, parent) and the
 * communities with their members, read once per request. */
typedef struct share_ctx {
    json_t *tree;  /* [[id, kind, parent_id|null], ...] */
    json_t *comms; /* [{"id", "members": [...]}, ...] */
    const char *authority;
    mm_store *st;   /* the request's store: each reader's clearances, groups (schema 10) */
    char today[11]; /* the day of the read, YYYY-MM-DD (UTC) */
} share_ctx;

typedef struct reader_buf {
    mm_share_reader r;
    const char **comms;
    json_t *gates;             /* the reader's clearances, groups, policy (schema 10) */
    mm_clearance *clearances;  /* r.clearances */
    const char **groups;       /* r.groups */
    mm_clearance_rule *policy; /* r.policy */
    char today[11];            /* r.today */
} reader_buf;

typedef struct access_buf {
    mm_share_access a;
    const char **orgs;
    int64_t *users;
    const char **reshared;  /* the organizations the item was re-shared with */
    const char **nats;      /* a.nationalities */
    const char **countries; /* a.org_countries */
} access_buf;

void share_ctx_free(share_ctx *c);
/* Reads the organizations and communities once for the request's decisions. */
int share_ctx_load(http_req *r, share_ctx *c);

void share_reader_free(reader_buf *b);
/* A reader: user_id of org_id (user_id 0: any plain user of the organization, who holds
 * no clearance and is in no need-to-know group); org_id NULL is an anonymous reader. Also
 * reads what the gates ask (mm_store_reader_facts). false when out of memory or the store
 * fails (fail closed: the caller answers an error). */
bool share_reader_of(const share_ctx *c, reader_buf *b, int64_t user_id, const char *org_id);
/* The requester as a reader. */
bool share_reader_of_request(const share_ctx *c, reader_buf *b, const http_req *r);

void share_access_free(access_buf *b);
/* The access data of an item as the store gives it (mm_store_list_items). */
bool share_access_of(const json_t *item, access_buf *b);

/* THE helper every read path uses: may this reader see this item (mm_tlp_may_read)? */
bool share_readable(const reader_buf *rd, const json_t *item);
/* The same decision with the condition that decided (mm_share_decide): MM_GATE_OK when
 * readable. The item's "gate" member (as mm_store_list_items gives it) carries its gates. */
mm_share_gate share_decide(const reader_buf *rd, const json_t *item);
/* Writes "item.refused" {via, gate (mm_share_gate_name), tlp, org_id} for item_id by the
 * requester, in its own audited transaction. Call it for every refused read of a gated
 * item (mm_share_gated) that the reader asked for by id, and for every gated item a list
 * leaves out although its label alone would have let the reader see it. Never tell the
 * reader the gate. */
int share_audit_refusal(http_req *r, const char *item_id, mm_share_gate gate, const char *via);

/* The item's label (RED when it cannot be read: fail closed). */
mm_tlp share_tlp_of(const json_t *item);
/* An item as the API shows it: the label as FIRST writes it. A new reference. */
json_t *share_item_out(const json_t *item);

/* Appends "item.read" for every RED, AMBER+STRICT or AMBER item of items (one
 * transaction). via: "list", "search", "get", "export". */
int share_audit_reads(http_req *r, json_t *items, const char *via);

/* Every item the requester may read and matching q (NULL: all) into *out (a new array):
 * MM_OK, MM_ENOMEM or the store's code. */
int share_visible(http_req *r, const char *q, json_t **out);
/* The item id if the requester may read it (a new reference), else NULL after a 404 that
 * does not say whether it exists (or the store's error). */
json_t *share_readable_item(http_req *r, reply *out, const char *id);

bool share_community_exists(http_req *r, const char *id);
/* Stores the items of a parsed STIX bundle as the caller's organization's (share_api.c):
 * labels at least floor (NULL: as marked), bodies marked "imported" with via ("api",
 * "taxii"), one audited transaction ("item.import") to which also(r, ctx) (may be NULL)
 * adds its writes before the commit. *ids gets the new item ids. */
int share_import_items(http_req *r, const mm_stix_import *imp, const mm_tlp *floor, const char *via,
                       int (*also)(http_req *r, void *ctx), void *ctx, json_t **ids);
/* The domain action of creating an item (share_api.c): the parsed item of the requester,
 * recipients resolved, community and gate checked, audited "item.create". id: the new
 * item's. ACT_INVALID (the member named) or ACT_STORE. */
/* The domain actions on communities (share_api.c; the API's and the dashboard's
 * /communities): create one (id: the new one's; ACT_CONFLICT for a name taken), add or remove
 * a member organization (ACT_NOT_FOUND no such community or, removing, not a member;
 * ACT_INVALID no such organization; ACT_CONFLICT already a member), each audited. */
int community_create(http_req *r, const char *name, const char *desc, char id[37], act_fail *f);
int community_member(http_req *r, const char *community, const char *org, bool add, act_fail *f);
/* Renames community id (name NULL: kept) and sets its description (NULL: kept), audited as
 * community.update: ACT_CONFLICT for a name taken, ACT_NOT_FOUND "no such community". */
int community_update(http_req *r, const char *id, const char *name, const char *desc, act_fail *f);
void h_community_update(http_req *r, reply *out);
extern const body_field body_community_update[];
int share_item_create(http_req *r, const mm_share_item_body *b, char id[37], act_fail *f);
/* The domain action of re-sharing (share_merge.c; POST /api/v1/items/{id}/reshare and the
 * item page's form): orgs (a JSON array of ids, checked by the caller to be strings) are the
 * requester's clients to re-share the AMBER item with (docs/sharing.md "Re-sharing").
 * ACT_NOT_FOUND (not readable: nothing said), ACT_FORBIDDEN, ACT_INVALID, ACT_STORE. */
int share_item_reshare(http_req *r, const char *item_id, const json_t *orgs, act_fail *f);
/* The domain action of widening (share_merge.c; POST /api/v1/items/{id}/share and the item
 * page's form): body {"tlp", "community", "recipients": {"users", "orgs"}} (its members'
 * shapes checked by the caller); the originator's organization, or with its recorded
 * permission; audited "item.share". ACT_NOT_FOUND, ACT_INVALID, ACT_FORBIDDEN, ACT_STORE. */
int share_item_widen(http_req *r, const char *item_id, const json_t *body, act_fail *f);
/* logins -> [user id, ...] into *out_users, orgs checked to exist: ACT_INVALID naming the
 * member. */
int share_resolve(http_req *r, const json_t *logins, const json_t *orgs, json_t **out_users,
                  act_fail *f);
/* The domain action of importing a STIX 2.1 bundle (share_api.c; POST /api/v1/items/import and
 * the dashboard's upload): one item per report or note, the requester's organization its
 * originator, dflt the label of unmarked ones (NULL: refused), audited "item.import". *out_ids:
 * the new items' ids (a new array). ACT_INVALID (not JSON), ACT_UNPROCESSABLE (a refused
 * bundle), ACT_STORE. */
int share_items_import(http_req *r, const char *text, size_t len, const mm_tlp *dflt,
                       json_t **out_ids, act_fail *f);
/* Answers status with the item id as the API shows it. */
void share_reply_item(http_req *r, reply *out, unsigned status, const char *id);

#endif
