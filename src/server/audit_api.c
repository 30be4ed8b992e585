/* mamori serve: the audit log read and verified (docs/api.md "The audit log",
 * docs/dashboard.md "Audit log"): GET /api/v1/audit, POST /api/v1/audit/verify, and what the
 * /audit page (web_audit.c) shares with them. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "server/internal.h"

/* Every action written today (grep mm_audited_commit, mm_audit_note, mm_store_audit_append):
 * a new one belongs here too, or it cannot be filtered on. */
const char *const audit_actions[] = {"account.locked",
                                     "admin.init",
                                     "affirmation.create",
                                     "clause.statement",
                                     "clearance.grant",
                                     "clearance.revoke",
                                     "community.create",
                                     "community.member.add",
                                     "community.member.remove",
                                     "community.update",
                                     "federation.pull",
                                     "federation.push",
                                     "federation.push-failed",
                                     "federation.refused",
                                     "federation.withheld",
                                     "incident.create",
                                     "item.create",
                                     "item.import",
                                     "item.merge",
                                     "item.permission",
                                     "item.read",
                                     "item.refused",
                                     "item.reshare",
                                     "item.share",
                                     "key.register",
                                     "key.revoke",
                                     "logon.failure",
                                     "logon.refused-locked",
                                     "logon.success",
                                     "logout",
                                     "notification.read",
                                     "notify.preferences",
                                     "ntk.add",
                                     "ntk.create",
                                     "ntk.remove",
                                     "org.country",
                                     "organization.consent",
                                     "organization.create",
                                     "organization.profile",
                                     "organization.sector",
                                     "organization.update",
                                     "password.change",
                                     "password.change-refused",
                                     "password.refused-locked",
                                     "person.nationality",
                                     "plan.deadline",
                                     "plan.file",
                                     "plan.report",
                                     "plan.state",
                                     "policy.add",
                                     "policy.remove",
                                     "product.create",
                                     "product.label",
                                     "product.recognize",
                                     "server_key.rotate",
                                     "session.expired",
                                     "submission.create",
                                     "supply.confirm",
                                     "supply.consent",
                                     "supply.create",
                                     "supply.end",
                                     "supply.withdraw",
                                     "taxii.add-refused",
                                     "token.create",
                                     "token.revoke",
                                     "user.create",
                                     "user.delete",
                                     "user.delete-refused",
                                     "user.disable",
                                     "user.disable-refused",
                                     "user.enable",
                                     "user.enable-refused",
                                     "user.reset",
                                     "user.reset-refused",
                                     "user.unlock",
                                     "user.unlock-refused",
                                     NULL};

static const char *query(http_req *r, const char *name)
{
    const char *v = req_query(r, name);
    return v && v[0] ? v : NULL;
}

void audit_filter_read(http_req *r, mm_audit_filter *f)
{
    const char *before = query(r, "before"), *after = query(r, "after"), *limit = query(r, "limit");
    *f = (mm_audit_filter){
        .actor = query(r, "actor"),
        .action = query(r, "action"),
        .org_id = query(r, "org"),
        .from = query(r, "from"),
        .to = query(r, "to"),
        .before = before ? strtoll(before, NULL, 10) : 0,
        .after = after ? strtoll(after, NULL, 10) : 0,
        .limit = limit ? strtoll(limit, NULL, 10) : 0,
    };
}

int audit_page(mm_store *st, const mm_audit_filter *f, json_t **out)
{
    int rc = mm_store_audit_list(st, out, f);
    if (rc)
        return rc;
    /* a shared item's title is its contents: whoever may not read the item (TLP, the
     * item's recipients) must not read it here either */
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(*out, "items"), i, it)
    {
        const char *action = json_string_value(json_object_get(it, "action"));
        if (action && strncmp(action, "item.", 5) == 0)
            json_object_del(json_object_get(it, "detail"), "title");
    }
    return MM_OK;
}

bool audit_verify_run(http_req *r, mm_audit_report *rep, int *rc)
{
    /* a walk reads every record: one at a time per process */
    static atomic_bool running;
    if (atomic_exchange(&running, true))
        return false;
    *rc = mm_store_audit_verify(r->st, rep);
    atomic_store(&running, false);
    return true;
}

void h_audit_list(http_req *r, reply *out)
{
    mm_audit_filter f;
    audit_filter_read(r, &f);
    json_t *page = NULL;
    int rc = audit_page(r->st, &f, &page);
    if (rc == MM_EINVALID) {
        reply_error(out, 400, "bad_request", "?%s", mm_error_last());
        return;
    }
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, page);
}

void h_audit_verify(http_req *r, reply *out)
{
    mm_audit_report rep;
    int rc = MM_OK;
    if (!audit_verify_run(r, &rep, &rc)) {
        out->retry_after = 10;
        reply_error(out, 429, "busy", "a verification of the audit log is running; try again");
        return;
    }
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    json_t *j = json_pack(
        "{s:b,s:I,s:o,s:s?,s:s?,s:s?}", "intact", !rep.bad_id, "records", (json_int_t)rep.records,
        "bad_id", rep.bad_id ? json_integer(rep.bad_id) : json_null(), "what",
        rep.bad_id ? rep.what : NULL, "expected", rep.expected[0] ? rep.expected : NULL, "found",
        rep.found[0] ? rep.found : NULL);
    if (!j) {
        reply_error(out, 503, "unavailable", "out of memory; try again");
        return;
    }
    reply_json(out, 200, j);
}
