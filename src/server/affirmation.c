/* mamori serve: taking in an annual affirmation (32 CFR 170.22; docs/api.md "Annual
 * affirmations"). The affirming official signs, with a registered key of the organization,
 * that its latest submission still holds; no new assessment. The document is checked (shape,
 * the organization's own unrevoked key, the signature, a date not after today, the latest
 * submission) before anything is stored, and stored with its audit record in one
 * transaction. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/submit.h"
#include "server/internal.h"
#include "util/util.h"

int affirmation_receive(http_req *r, const char *org_id, json_t **out, act_fail *f)
{
    *out = NULL;
    json_t *env = NULL, *docj = NULL;
    char key_id[17] = "", hash[65] = "";
    mm_key *key = NULL;
    int ret = MM_OK;
    /* 1. the shape */
    int rc = mm_affirmation_inspect(&env, key_id, hash, r->body ? r->body : "", r->body_len,
                                    "affirmation");
    if (rc) {
        ret =
            act_failed(f, rc == MM_ETOOBIG ? ACT_TOO_BIG : ACT_INVALID, rc, "%s", mm_error_last());
        goto done;
    }
    /* 2. one of the organization's unrevoked keys, and its signature */
    mm_key_rec kr;
    rc = mm_store_find_key(r->st, &kr, org_id, key_id);
    if (rc == MM_ENOTFOUND) {
        ret = act_failed(f, ACT_UNPROCESSABLE, MM_EINVALID,
                         "unknown key %s: not a registered, unrevoked signing key of this "
                         "organization",
                         key_id);
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
    rc = mm_affirmation_verify(&vs, r->body, r->body_len, "affirmation", key);
    if (rc || vs != MM_VERIFY_VALID) {
        ret = act_failed(f, ACT_UNPROCESSABLE, MM_EINVALID, "signature %s: %s",
                         rc ? "unreadable" : mm_verify_status_name(vs), mm_error_last());
        goto done;
    }
    /* 3. not dated in the future: an affirmation states what holds now */
    json_t *off = json_object_get(env, "affirming_official");
    const char *date = json_string_value(json_object_get(off, "date"));
    const char *official = json_string_value(json_object_get(off, "name"));
    const char *sub = json_string_value(json_object_get(env, "submission_id"));
    if (strcmp(date, r->today) > 0) {
        ret = act_failed(f, ACT_UNPROCESSABLE, MM_EINVALID,
                         "affirmation: $.envelope.affirming_official.date: %s is after today (%s): "
                         "an affirmation cannot be dated in the future",
                         date, r->today);
        goto done;
    }
    /* 4. stored with its audit record (the store checks the latest submission) */
    docj = json_loadb(r->body, r->body_len, 0, NULL);
    char id[37];
    mm_store_new_id(id);
    mm_affirmation_rec rec = {
        .id = id,
        .org_id = org_id,
        .submission_id = sub,
        .key_row = kr.id,
        .affirmed_by = official,
        .affirmed_on = date,
        .received = r->now,
        .received_by = r->who.login,
        .body = r->body,
        .body_hash = hash,
        .signature = json_string_value(json_object_get(docj, "signature")),
    };
    rc = mm_store_begin(r->st);
    if (rc == MM_OK)
        rc = mm_store_insert_affirmation(r->st, &rec);
    char msg[400];
    snprintf(msg, sizeof msg, "%s", rc ? mm_error_last() : "");
    rc =
        mm_audited_commit(r->st, rc, r->who.login, "affirmation.create", id,
                          json_pack("{s:s,s:s,s:s,s:s,s:s}", "org_id", org_id, "submission_id", sub,
                                    "affirmed_on", date, "key_id", key_id, "body_hash", hash));
    if (rc == MM_ECONFLICT || rc == MM_EINVALID || rc == MM_ENOTFOUND) {
        ret = act_failed(f,
                         rc == MM_ECONFLICT  ? ACT_CONFLICT
                         : rc == MM_EINVALID ? ACT_UNPROCESSABLE
                                             : ACT_NOT_FOUND,
                         rc, "%s", msg[0] ? msg : mm_error_last());
        goto done;
    }
    if (rc) {
        ret = act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
        goto done;
    }
    if (mm_store_last_affirmation(r->st, out, sub) != MM_OK) {
        *out = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "submission_id", sub, "affirmed_by",
                         official, "affirmed_on", date);
    }
done:
    json_decref(env);
    json_decref(docj);
    mm_key_free(key);
    return ret;
}
