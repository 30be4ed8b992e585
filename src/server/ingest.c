/* mamori serve: taking in a signed submission. The signature is checked with a key of the
 * caller's own organization; the assessment is parsed and scored again here (a client's
 * numbers are never read); the submission, its summary and an audit record are stored in
 * one transaction; only then is a receipt signed by the server's key sent. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/submit.h"
#include "server/internal.h"
#include "server/supply.h"

static int refuse(act_fail *f, const char *what)
{
    return act_failed(f, ACT_UNPROCESSABLE, MM_EINVALID, "%s", what);
}

/* The summary's gaps and milestones as store records (pointing into summary). */
static int collect(const json_t *summary, mm_gap_rec **gaps, size_t *ngaps, mm_milestone_rec **ms,
                   size_t *nms)
{
    json_t *g = json_object_get(summary, "gaps");
    json_t *m = json_object_get(summary, "milestones");
    size_t ng = json_array_size(g), nm = json_array_size(m);
    *gaps = calloc(ng ? ng : 1, sizeof **gaps);
    *ms = calloc(nm ? nm : 1, sizeof **ms);
    if (!*gaps || !*ms)
        return MM_ENOMEM;
    for (size_t i = 0; i < ng; i++) {
        json_t *e = json_array_get(g, i);
        (*gaps)[i].requirement = json_string_value(json_object_get(e, "requirement"));
        (*gaps)[i].status = json_string_value(json_object_get(e, "status"));
    }
    for (size_t i = 0; i < nm; i++) {
        json_t *e = json_array_get(m, i);
        (*ms)[i].requirement = json_string_value(json_object_get(e, "requirement"));
        (*ms)[i].poam_id = json_string_value(json_object_get(e, "poam_id"));
        (*ms)[i].description = json_string_value(json_object_get(e, "description"));
        (*ms)[i].due = json_string_value(json_object_get(e, "due"));
        (*ms)[i].status = json_string_value(json_object_get(e, "status"));
    }
    *ngaps = ng;
    *nms = nm;
    return MM_OK;
}

/* ---- group commit -------------------------------------------------------------------

   Submissions arriving together are stored in one transaction, so that they share one
   commit (one WAL flush: SQLite's synchronous = FULL, PostgreSQL's synchronous_commit), with
   each its own result: the first to come while no batch is being written writes every
   submission queued so far (its own among them) on its own connection, the others wait for
   their answer; whoever comes meanwhile waits for the next batch. No answer is given before
   the commit that holds its submission: a 201 means stored.

   A batch is written in three steps, so that the write lock (PostgreSQL: the audit chain's
   advisory lock, shared by every instance; SQLite's is taken at BEGIN) is held only for what
   links the chain:
   1. without the lock (mm_store_begin_late): every submission's rows, each under a savepoint
      of its own (a replay or a bad row fails that one only);
   2. still without the lock (PostgreSQL): each one's organization's latest as it is now
      (mm_store_latest_seen: its id and status, one statement each);
   3. under the lock (taken by the first mm_store_submission_latest_seen): in order, each
      one's organization's latest and the alert of a worse status (supply.c), as if they had
      come one by one: one statement each while the latest is still the one seen in step 2
      (the usual case when many organizations submit), else two (read, then update), three
      with an alert: every round trip to PostgreSQL here is time the other instances wait;
   4. their audit records, in order, with one read of the chain's head and one INSERT
      (mm_store_audit_append_many), then one commit.
   A failure in step 2, 3 or 4, or of the commit, fails every submission of the batch (none is
   stored). */

typedef struct commit_slot {
    const mm_submission_rec *rec;
    const char *actor;
    json_t *detail;      /* the audit record's (borrowed) */
    mm_latest_seen seen; /* its organization's latest before the lock (step 2) */
    int rc;
    char msg[600]; /* the error message when rc != MM_OK */
    bool done;
    struct commit_slot *next;
} commit_slot;

struct commit_group {
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    commit_slot *queue, **tail;
    bool writing; /* a batch is being written */
};

commit_group *commit_group_new(void)
{
    commit_group *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    pthread_mutex_init(&g->lock, NULL);
    pthread_cond_init(&g->done_cv, NULL);
    g->tail = &g->queue;
    return g;
}

void commit_group_free(commit_group *g)
{
    if (!g)
        return;
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->done_cv);
    free(g);
}

static void slot_fail(commit_slot *c, int rc)
{
    c->rc = rc;
    snprintf(c->msg, sizeof c->msg, "%s", mm_error_last());
}

/* Step 3: the audit records of the batch's stored submissions (n of them), in order. */
static int audit_batch(mm_store *st, commit_slot *batch, size_t n)
{
    mm_audit_rec *recs = calloc(n ? n : 1, sizeof *recs);
    char **details = calloc(n ? n : 1, sizeof *details);
    int rc = recs && details ? MM_OK : MM_ENOMEM;
    size_t k = 0;
    for (commit_slot *c = batch; rc == MM_OK && c; c = c->next) {
        if (c->rc)
            continue;
        /* as mm_audited_commit writes a detail */
        details[k] = json_dumps(c->detail, JSON_COMPACT | JSON_SORT_KEYS);
        if (!details[k])
            rc = MM_ENOMEM;
        recs[k] = (mm_audit_rec){c->actor, "submission.create", c->rec->id, details[k]};
        k++;
    }
    if (rc == MM_OK)
        rc = mm_store_audit_append_many(st, NULL, recs, k);
    for (size_t i = 0; details && i < k; i++)
        free(details[i]);
    free(details);
    free(recs);
    return rc;
}

static void write_batch(mm_store *st, commit_slot *batch)
{
    int rc = mm_store_begin_late(st);
    size_t stored = 0;
    /* 1. the rows, without the lock */
    for (commit_slot *c = batch; c; c = c->next) {
        int one = rc ? rc : mm_store_insert_submission_rows(st, c->rec);
        if (one)
            slot_fail(c, one);
        else
            stored++;
    }
    /* 2. each one's organization's latest as it is, still without the lock */
    for (commit_slot *c = batch; rc == MM_OK && c; c = c->next)
        if (c->rc == MM_OK)
            rc = mm_store_latest_seen(st, c->rec->org_id, &c->seen);
    /* 3. under the lock: each one's latest, and the customers up the chain alerted of a
     * worse status, in this transaction */
    for (commit_slot *c = batch; rc == MM_OK && c; c = c->next) {
        if (c->rc)
            continue;
        char before[32] = "", after[32] = "";
        rc = mm_store_submission_latest_seen(st, c->rec, &c->seen, before, after);
        /* (supply_alert_status reads the status after again: only when it dropped) */
        if (rc == MM_OK && mm_supply_status_worse(before, after))
            rc = supply_alert_status(st, c->rec->org_id, before, c->rec->received);
    }
    /* 4. the audit records and the commit */
    if (rc == MM_OK && stored)
        rc = audit_batch(st, batch, stored);
    if (rc == MM_OK && stored)
        rc = mm_store_commit(st);
    else
        mm_store_rollback(st);
    for (commit_slot *c = batch; rc && c; c = c->next)
        if (c->rc == MM_OK)
            slot_fail(c, rc);
}

static int group_commit(commit_group *g, mm_store *st, const mm_submission_rec *rec,
                        const char *actor, json_t *detail)
{
    commit_slot me = {.rec = rec, .actor = actor, .detail = detail};
    pthread_mutex_lock(&g->lock);
    *g->tail = &me;
    g->tail = &me.next;
    while (!me.done) {
        if (g->writing) {
            pthread_cond_wait(&g->done_cv, &g->lock);
            continue;
        }
        commit_slot *batch = g->queue;
        g->queue = NULL;
        g->tail = &g->queue;
        g->writing = true;
        pthread_mutex_unlock(&g->lock);
        write_batch(st, batch);
        pthread_mutex_lock(&g->lock);
        for (commit_slot *c = batch, *next; c; c = next) {
            next = c->next;
            c->done = true; /* its owner may return (and its slot go) once we unlock */
        }
        g->writing = false;
        pthread_cond_broadcast(&g->done_cv);
    }
    pthread_mutex_unlock(&g->lock);
    if (me.rc)
        mm_error_set("%s", me.msg);
    return me.rc;
}

int submission_ingest(const ingest_ctx *srv, mm_store *st, const char *org_id, const char *actor,
                      const char *doc, size_t len, const char *now, long long now_unix,
                      char **receipt_out, act_fail *f)
{
    int ret = MM_OK;
    *receipt_out = NULL;
    json_t *summary = NULL;
    mm_signed sd = {0};
    mm_key *key = NULL;
    mm_assessment *a = NULL;
    mm_result *res = NULL;
    char *summary_text = NULL, *receipt = NULL;
    mm_gap_rec *gaps = NULL;
    mm_milestone_rec *ms = NULL;

    /* 1. the shape of the document, and which key it names: parsed once, its envelope's
     * canonical bytes made once (for the content hash and the signature check) */
    int rc = mm_submission_open(&sd, doc, len, "submission");
    if (rc) {
        ret =
            act_failed(f, rc == MM_ETOOBIG ? ACT_TOO_BIG : ACT_INVALID, rc, "%s", mm_error_last());
        goto done;
    }
    const char *key_id = sd.key_id, *hash = sd.hash;
    json_t *env = sd.envelope;
    /* 2. the key must be one of the caller's organization's unrevoked keys */
    mm_key_rec kr;
    rc = mm_store_find_key(st, &kr, org_id, key_id);
    if (rc == MM_ENOTFOUND) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "unknown key %s: not a registered, unrevoked signing key of your organization",
                 key_id);
        ret = refuse(f, msg);
        goto done;
    }
    if (rc) {
        ret = act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
        goto done;
    }
    key = calloc(1, sizeof *key);
    size_t got = 0;
    if (!key ||
        sodium_base642bin(key->public_key, sizeof key->public_key, kr.public_key,
                          strlen(kr.public_key), NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != sizeof key->public_key) {
        ret = act_failed(f, ACT_INTERNAL, MM_ERROR, "the stored key %s cannot be read", key_id);
        goto done;
    }
    mm_key_id(key->key_id, key->public_key);
    mm_verify_status vs;
    rc = mm_signed_verify(&vs, &sd, key);
    if (rc || vs != MM_VERIFY_VALID) {
        char msg[400];
        snprintf(msg, sizeof msg, "signature %s: %s", rc ? "unreadable" : mm_verify_status_name(vs),
                 mm_error_last());
        ret = refuse(f, msg);
        goto done;
    }
    /* 3. score it ourselves */
    json_t *aj = json_object_get(env, "assessment");
    /* the catalog of its framework; when it names none, or one not known, the Rev 3 parse
     * refuses it with the parser's own message ($.framework) */
    mm_framework fw = MM_FW_R3;
    if (mm_framework_parse(&fw, json_string_value(json_object_get(aj, "framework"))) != MM_OK)
        fw = MM_FW_R3;
    rc = mm_assessment_parse_json(&a, fw == MM_FW_R2 ? srv->r2 : srv->r3, aj, "assessment");
    if (rc == MM_OK)
        rc = mm_assessment_evaluate_at(&res, a, fw == MM_FW_R2 ? NULL : srv->profile, now_unix);
    if (rc == MM_OK)
        rc = mm_submission_summary(&summary, res);
    if (rc) {
        ret = refuse(f, mm_error_last());
        goto done;
    }
    /* 3b. dates that cannot be true: after the server's today */
    json_t *official = json_object_get(env, "affirming_official");
    const char *affirmed = json_string_value(json_object_get(official, "date"));
    char today[11];
    snprintf(today, sizeof today, "%.10s", now);
    if (a->assessed && strcmp(a->assessed, today) > 0) {
        ret = act_failed(f, ACT_UNPROCESSABLE, MM_EINVALID,
                         "assessment: $.dates.assessed: %.10s is after today (%s, the server's "
                         "date): an assessment cannot be dated in the future",
                         a->assessed, today);
        goto done;
    }
    if (affirmed && strcmp(affirmed, today) > 0) {
        ret = act_failed(f, ACT_UNPROCESSABLE, MM_EINVALID,
                         "submission: $.envelope.affirming_official.date: %.10s is after today "
                         "(%s, the server's date): an affirmation cannot be dated in the future",
                         affirmed, today);
        goto done;
    }
    summary_text = json_dumps(summary, JSON_COMPACT | JSON_PRESERVE_ORDER);
    size_t ngaps = 0, nms = 0;
    if (!summary_text || collect(summary, &gaps, &ngaps, &ms, &nms) != MM_OK) {
        ret = act_failed(f, ACT_INTERNAL, MM_ENOMEM, "out of memory");
        goto done;
    }
    json_t *score = json_object_get(summary, "score");
    const char *status = mm_submission_status(res);
    char id[37];
    mm_store_new_id(id);
    mm_submission_rec rec = {
        .id = id,
        .org_id = org_id,
        .key_row = kr.id,
        .received = now,
        .body = doc,
        .body_hash = hash,
        .signature = NULL,
        .framework = mm_framework_name(fw),
        .has_score = json_is_integer(score),
        .score = json_is_integer(score) ? (int)json_integer_value(score) : 0,
        .status = status,
        .assessed = a->assessed ? a->assessed : "",
        .affirmed_by = json_string_value(json_object_get(official, "name")),
        .affirmed_on = json_string_value(json_object_get(official, "date")),
        .summary = summary_text,
        .gaps = gaps,
        .ngaps = ngaps,
        .milestones = ms,
        .nmilestones = nms,
    };
    /* the signature as sent (the document was checked, so it is there) */
    rec.signature = sd.signature;
    json_t *detail = json_pack("{s:s,s:s,s:s,s:s,s:O}", "org_id", org_id, "body_hash", hash,
                               "key_id", key_id, "status", status, "score", score);
    if (srv->group) {
        rc = detail ? group_commit(srv->group, st, &rec, actor, detail) : MM_ENOMEM;
        json_decref(detail);
    } else {
        /* a worse status alerts the customers up the chain in the same transaction */
        char before[32] = "";
        rc = mm_store_begin_late(st);
        if (rc == MM_OK)
            rc = mm_store_latest_status(st, org_id, before);
        if (rc == MM_OK)
            rc = mm_store_insert_submission(st, &rec);
        if (rc == MM_OK)
            rc = supply_alert_status(st, org_id, before, now);
        rc = mm_audited_commit(st, rc, actor, "submission.create", id, detail);
    }
    if (rc == MM_ECONFLICT) {
        /* the organization's own earlier submission of this envelope (another
         * organization's copy never conflicts: the hash is unique per organization) */
        char original[37] = "";
        if (mm_store_find_submission(st, original, org_id, hash) != MM_OK)
            original[0] = '\0';
        ret = act_failed(f, ACT_CONFLICT, rc,
                         "this signed submission was already received (same content hash %s) as "
                         "submission %s: a replay is refused; its receipt: GET "
                         "/api/v1/submissions/%s/receipt",
                         hash, original[0] ? original : "?", original[0] ? original : "{id}");
        memcpy(f->original, original, sizeof original);
        goto done;
    }
    if (rc) {
        ret = act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
        goto done;
    }
    /* 4. the receipt, signed by the server, only after the commit */
    mm_receipt rr = {
        .submission_id = id,
        .org_id = org_id,
        .body_hash = hash,
        .received = now,
        .status = status,
        .has_score = rec.has_score,
        .score = rec.score,
    };
    rc = mm_receipt_sign(&receipt, &rr, srv->server_sk);
    if (rc) {
        ret = act_failed(f, ACT_INTERNAL, rc, "stored as %s, but the receipt could not be signed",
                         id);
        goto done;
    }
    *receipt_out = receipt;
    receipt = NULL;
done:
    mm_signed_free(&sd);
    json_decref(summary);
    mm_key_free(key);
    mm_result_free(res);
    mm_assessment_free(a);
    free(summary_text);
    free(receipt);
    free(gaps);
    free(ms);
    return ret;
}

int submission_receipt(char **out, const json_t *sub, const unsigned char server_sk[64])
{
    const json_t *score = json_object_get(sub, "score");
    mm_receipt rr = {
        .submission_id = json_string_value(json_object_get(sub, "id")),
        .org_id = json_string_value(json_object_get(sub, "org_id")),
        .body_hash = json_string_value(json_object_get(sub, "body_hash")),
        .received = json_string_value(json_object_get(sub, "received")),
        .status = json_string_value(json_object_get(sub, "status")),
        .has_score = json_is_integer(score),
        .score = json_is_integer(score) ? (int)json_integer_value(score) : 0,
    };
    return mm_receipt_sign(out, &rr, server_sk);
}

int submission_ingest_request(http_req *r, const char *doc, size_t len, char **receipt, act_fail *f)
{
    ingest_ctx ctx = {.r3 = r->srv->r3,
                      .r2 = r->srv->r2,
                      .profile = r->srv->profile,
                      .server_sk = r->srv->server_sk,
                      .group = r->srv->group};
    return submission_ingest(&ctx, r->st, r->who.org_id, r->who.login, doc, len, r->now,
                             r->now_unix, receipt, f);
}
