/* mamori store: notifications delivered (schemas 17 and 18; include/mamori/notify.h,
 * docs/notifications.md): the sweep's candidates and its idempotent records, each user's
 * preferences, the outbox of email and webhook deliveries and every attempt. One SQL text for
 * both databases, every value a typed parameter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/notify.h"
#include "store/driver.h"
#include "util/util.h"

/* ---- the sweep ---------------------------------------------------------------------------- */

/* each query: $1 (and $2) the bounds, the last parameter the limit; the first three columns
 * are the cause, the organization and its name, then the kind's own fields */
static const char scan_submissions[] =
    "SELECT 'submission:' || s.id, o.id, o.name, s.id, s.framework, s.status, s.received,"
    " (SELECT p.status FROM submissions p WHERE p.org_id = s.org_id AND"
    "  (p.received < s.received OR (p.received = s.received AND p.id < s.id))"
    "  ORDER BY p.received DESC, p.id DESC LIMIT 1)"
    " FROM organizations o JOIN submissions s ON s.org_id = o.id AND s.received >= $1"
    " WHERE o.kind = 'contractor' AND o.latest_received >= $1"
    " AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_org = o.id"
    "  AND n.cause = 'submission:' || s.id)"
    " ORDER BY s.received, s.id LIMIT $2";
static const char *const keys_submissions[] = {"cause",         "org_id",    "org_name",
                                               "submission_id", "framework", "status",
                                               "received",      "before",    NULL};

static const char scan_conditional[] =
    "SELECT 'conditional-expiring:' || o.latest_submission, o.id, o.name, o.latest_submission,"
    " substr(o.latest_received, 1, 10)"
    " FROM organizations o WHERE o.kind = 'contractor' AND o.latest_framework = '800-171r2'"
    " AND o.latest_status = 'conditional' AND substr(o.latest_received, 1, 10) >= $1"
    " AND substr(o.latest_received, 1, 10) <= $2"
    " AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_org = o.id"
    "  AND n.cause = 'conditional-expiring:' || o.latest_submission)"
    " ORDER BY o.id LIMIT $3";
static const char *const keys_conditional[] = {"cause",         "org_id",      "org_name",
                                               "submission_id", "status_date", NULL};

static const char scan_overdue[] =
    "SELECT 'milestone-overdue:' || m.id, o.id, o.name, m.submission_id, m.requirement,"
    " m.poam_id, m.due"
    " FROM organizations o JOIN submission_milestones m ON m.submission_id = o.latest_submission"
    " WHERE o.kind = 'contractor' AND m.due < $1 AND m.status <> 'completed'"
    " AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_org = o.id"
    "  AND n.cause = 'milestone-overdue:' || m.id)"
    " ORDER BY m.due, m.id LIMIT $2";
static const char *const keys_overdue[] = {"cause",       "org_id",  "org_name", "submission_id",
                                           "requirement", "poam_id", "due",      NULL};

static const char scan_incident[] =
    "SELECT 'incident-deadline:' || i.id, o.id, o.name, i.report_number, i.preserve_until"
    " FROM incidents i JOIN organizations o ON o.id = i.org_id"
    " WHERE i.preserve_until > $1 AND i.preserve_until <= $2"
    " AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.recipient_org = o.id"
    "  AND n.cause = 'incident-deadline:' || i.id)"
    " ORDER BY i.preserve_until, i.id LIMIT $3";
static const char *const keys_incident[] = {"cause",         "org_id",         "org_name",
                                            "report_number", "preserve_until", NULL};

/* the base of the annual affirmation as the contractor list reads it (orgs.c): the latest
 * affirmation of the latest submission, else the day it was received */
static const char scan_affirmation[] =
    "SELECT 'affirmation-due:' || b.id || ':' || b.base, b.id, b.name, b.base FROM"
    " (SELECT o.id, o.name, coalesce((SELECT max(a.affirmed_on) FROM affirmations a"
    "   WHERE a.submission_id = o.latest_submission), substr(o.latest_received, 1, 10)) AS base"
    "  FROM organizations o WHERE o.kind = 'contractor' AND o.latest_submission IS NOT NULL) b"
    " WHERE b.base <= $1 AND NOT EXISTS (SELECT 1 FROM notifications n"
    "  WHERE n.recipient_org = b.id AND n.cause = 'affirmation-due:' || b.id || ':' || b.base)"
    " ORDER BY b.base, b.id LIMIT $2";
static const char *const keys_affirmation[] = {"cause", "org_id", "org_name", "base", NULL};

int mm_store_notify_scan(mm_store *s, json_t **out, mm_notify_scan which, const char *a,
                         const char *b, int64_t limit)
{
    *out = NULL;
    const char *sql = NULL;
    const char *const *keys = NULL;
    bool two = false;
    switch (which) {
    case MM_NOTIFY_SCAN_SUBMISSIONS:
        sql = scan_submissions, keys = keys_submissions;
        break;
    case MM_NOTIFY_SCAN_CONDITIONAL:
        sql = scan_conditional, keys = keys_conditional, two = true;
        break;
    case MM_NOTIFY_SCAN_OVERDUE:
        sql = scan_overdue, keys = keys_overdue;
        break;
    case MM_NOTIFY_SCAN_INCIDENT:
        sql = scan_incident, keys = keys_incident, two = true;
        break;
    case MM_NOTIFY_SCAN_AFFIRMATION:
        sql = scan_affirmation, keys = keys_affirmation;
        break;
    }
    if (!sql || !a || (two && !b)) {
        mm_error_set("notify: scan %d: bounds missing", (int)which);
        return MM_EINVALID;
    }
    const mm_param p2[] = {P_TEXT(a), P_INT(limit)};
    const mm_param p3[] = {P_TEXT(a), P_TEXT(two ? b : a), P_INT(limit)};
    json_t *items = NULL;
    int rc = mm_db_objects(s, &items, sql, two ? 3 : 2, two ? p3 : p2, keys, "ssssssss");
    if (rc == MM_OK && !(*out = json_pack("{s:o}", "items", items)))
        rc = mm_oom();
    return rc;
}

int mm_store_notify_authorities(mm_store *s, json_t **out)
{
    *out = NULL;
    json_t *rows = NULL;
    int rc =
        mm_db_rows(s, &rows, NULL,
                   "SELECT id FROM organizations WHERE kind = 'authority' ORDER BY id", 0, NULL);
    json_t *ids = rc == MM_OK ? json_array() : NULL;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (!ids || json_array_append_new(ids, mm_cell_text(row, 0)))
            rc = mm_oom();
    }
    json_decref(rows);
    if (rc == MM_OK && !(*out = json_pack("{s:o}", "items", ids)))
        rc = mm_oom();
    else if (rc)
        json_decref(ids);
    return rc;
}

int mm_store_notify_record(mm_store *s, const char *recipient_org, const char *kind,
                           const char *cause, const char *subject, const char *detail_json,
                           const char *now, int64_t *written)
{
    *written = 0;
    int rc = mm_need(recipient_org, "notification: recipient");
    if (rc == MM_OK)
        rc = mm_need(kind, "notification: kind");
    if (rc == MM_OK)
        rc = mm_need(cause, "notification: cause");
    if (rc == MM_OK)
        rc = mm_need(subject, "notification: subject");
    if (rc == MM_OK && detail_json && !mm_json_object_text(detail_json)) {
        mm_error_set("notification: detail is not a JSON object");
        rc = MM_EINVALID;
    }
    const mm_param p[] = {P_TEXT(recipient_org), P_TEXT(kind),
                          P_TEXT(subject),       P_TEXT(detail_json ? detail_json : "{}"),
                          P_TEXT(now),           P_TEXT(cause)};
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "INSERT INTO notifications (recipient_org, kind, subject, detail, created,"
                        " cause) SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS"
                        " (SELECT 1 FROM notifications WHERE recipient_org = $1 AND cause = $6)",
                        NPARAMS(p), p, NULL, NULL, written);
    return rc;
}

/* ---- planning deliveries ------------------------------------------------------------------ */

static bool json_has(const json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (mm_streq(json_string_value(v), s))
            return true;
    }
    return false;
}

/* the outbox rows of one notification (row: id, kind, cause, recipient_org) */
static int plan_one(mm_store *s, const json_t *n, const char *now, const char *digest_hour,
                    const char *digest_day, int64_t *planned)
{
    int64_t nid = mm_cell_i64(n, 0);
    const char *klass = mm_notify_kind_of(mm_cell(n, 1), mm_cell(n, 2));
    const mm_param q[] = {P_TEXT(mm_cell(n, 3)), P_BOOL(false)};
    json_t *users = NULL;
    int rc = mm_db_rows(s, &users, NULL,
                        "SELECT u.id, p.events, p.channels, p.digest, p.email, p.webhook_url"
                        " FROM users u JOIN notify_prefs p ON p.user_id = u.id"
                        " WHERE u.org_id = $1 AND u.disabled = $2 AND u.deleted IS NULL"
                        " ORDER BY u.id",
                        NPARAMS(q), q);
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        if (rc)
            break;
        json_t *events = mm_cell_json(u, 1, false), *channels = mm_cell_json(u, 2, false);
        const char *digest = mm_cell(u, 3) ? mm_cell(u, 3) : "none";
        bool wants = json_has(events, klass);
        for (int c = 0; rc == MM_OK && wants && c < 2; c++) {
            const char *ch = c == 0 ? "email" : "webhook";
            if (!json_has(channels, ch) || !mm_nonempty(mm_cell(u, c == 0 ? 4 : 5)))
                continue;
            const char *dg = c == 0 ? digest : "none";
            const char *due = strcmp(dg, "hourly") == 0  ? digest_hour
                              : strcmp(dg, "daily") == 0 ? digest_day
                                                         : now;
            const mm_param p[] = {P_INT(nid),  P_INT(mm_cell_i64(u, 0)),
                                  P_TEXT(ch),  P_TEXT(dg),
                                  P_TEXT(due), P_TEXT(now)};
            int64_t w = 0;
            rc = mm_db_exec(s,
                            "INSERT INTO notify_outbox (notification_id, user_id, channel, digest,"
                            " state, attempts, next_attempt, created)"
                            " SELECT $1, $2, $3, $4, 'pending', 0, $5, $6 WHERE NOT EXISTS"
                            " (SELECT 1 FROM notify_outbox WHERE notification_id = $1"
                            "  AND user_id = $2 AND channel = $3)",
                            NPARAMS(p), p, NULL, NULL, &w);
            *planned += w;
        }
        json_decref(events);
        json_decref(channels);
    }
    json_decref(users);
    const mm_param m[] = {P_INT(nid), P_TEXT(now)};
    if (rc == MM_OK)
        rc = mm_db_exec(s, "UPDATE notifications SET fanned = $2 WHERE id = $1", NPARAMS(m), m,
                        NULL, NULL, NULL);
    return rc;
}

int mm_store_notify_fanout(mm_store *s, const char *now, const char *digest_hour,
                           const char *digest_day, int64_t limit, int64_t *planned)
{
    *planned = 0;
    int rc = mm_db_tx_begin(s);
    if (rc)
        return rc;
    const mm_param p[] = {P_INT(limit)};
    json_t *rows = NULL;
    int w = mm_db_rows(s, &rows, NULL,
                       "SELECT id, kind, cause, recipient_org FROM notifications"
                       " WHERE fanned IS NULL ORDER BY id LIMIT $1",
                       NPARAMS(p), p);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (w)
            break;
        w = plan_one(s, row, now, digest_hour, digest_day, planned);
    }
    json_decref(rows);
    return mm_db_tx_end(s, w);
}

/* ---- delivering ----------------------------------------------------------------------------- */

static const char claim_row[] =
    "SELECT o.id, o.channel, o.digest, o.attempts, o.user_id, u.login, p.email, p.lang,"
    " p.webhook_url, p.webhook_secret,"
    " CASE WHEN u.disabled = $2 AND u.deleted IS NULL THEN 1 ELSE 0 END,"
    " n.id, n.kind, n.cause, n.subject, n.detail, n.created, n.recipient_org"
    " FROM notify_outbox o JOIN users u ON u.id = o.user_id"
    " JOIN notifications n ON n.id = o.notification_id"
    " LEFT JOIN notify_prefs p ON p.user_id = o.user_id WHERE o.id = $1";

int mm_store_notify_claim(mm_store *s, json_t **out, const char *now, const char *lease_until,
                          int64_t limit)
{
    *out = NULL;
    int rc = mm_db_tx_begin(s);
    if (rc)
        return rc;
    const mm_param p[] = {P_TEXT(now), P_INT(limit)};
    json_t *ids = NULL, *items = json_array();
    int w = items
                ? mm_db_rows(s, &ids, NULL,
                             "SELECT id FROM notify_outbox WHERE state = 'pending'"
                             " AND next_attempt <= $1 AND (lease_until IS NULL OR lease_until < $1)"
                             " ORDER BY next_attempt, id LIMIT $2",
                             NPARAMS(p), p)
                : mm_oom();
    static const char *const keys[] = {"id",          "channel",        "digest", "attempts",
                                       "user_id",     "login",          "email",  "lang",
                                       "webhook_url", "webhook_secret", "active", NULL};
    static const char *const nkeys[] = {"id",     "kind",    "cause",         "subject",
                                        "detail", "created", "recipient_org", NULL};
    size_t i;
    json_t *idrow;
    json_array_foreach(ids, i, idrow)
    {
        if (w)
            break;
        const mm_param q[] = {P_INT(mm_cell_i64(idrow, 0)), P_TEXT(lease_until), P_BOOL(false)};
        w = mm_db_exec(s, "UPDATE notify_outbox SET lease_until = $2 WHERE id = $1", 2, q, NULL,
                       NULL, NULL);
        json_t *row = NULL;
        const mm_param q3[] = {q[0], q[2]};
        if (w == MM_OK)
            w = mm_db_row(s, &row, "the outbox row is gone", claim_row, NPARAMS(q3), q3);
        json_t *it = w == MM_OK ? mm_row_object(row, 0, keys, "issiisssssi") : NULL;
        json_t *n = w == MM_OK ? mm_row_object(row, 11, nkeys, "isssoss") : NULL;
        if (w == MM_OK && (!it || !n || json_object_set_new(it, "notification", n) ||
                           json_array_append_new(items, it))) {
            w = mm_oom();
        }
        json_decref(row);
    }
    json_decref(ids);
    rc = mm_db_tx_end(s, w);
    if (rc == MM_OK && !(*out = json_pack("{s:o}", "items", items)))
        rc = mm_oom();
    else if (rc)
        json_decref(items);
    return rc;
}

int mm_store_notify_drop(mm_store *s, int64_t id, const char *reason, const char *at)
{
    int rc = mm_db_tx_begin(s);
    if (rc)
        return rc;
    const mm_param a[] = {P_INT(id), P_TEXT(at), P_TEXT(reason)};
    int w = mm_db_exec(s,
                       "INSERT INTO notify_attempts (outbox_id, at, ok, result)"
                       " VALUES ($1, $2, 0, $3)",
                       NPARAMS(a), a, NULL, NULL, NULL);
    if (w == MM_OK)
        w = mm_db_change(s, "no such outbox row",
                         "UPDATE notify_outbox SET attempts = attempts + 1, lease_until = NULL,"
                         " state = 'dropped' WHERE id = $1",
                         1, a);
    return mm_db_tx_end(s, w);
}

int mm_store_notify_attempt(mm_store *s, int64_t id, bool ok, const char *result, const char *at,
                            const char *next_attempt)
{
    int rc = mm_db_tx_begin(s);
    if (rc)
        return rc;
    const mm_param a[] = {P_INT(id), P_TEXT(at), P_INT(ok ? 1 : 0), P_TEXT(result ? result : "")};
    int w = mm_db_exec(s,
                       "INSERT INTO notify_attempts (outbox_id, at, ok, result)"
                       " VALUES ($1, $2, $3, $4)",
                       NPARAMS(a), a, NULL, NULL, NULL);
    const mm_param u[] = {P_INT(id), P_TEXT(at), P_INT(ok ? 1 : 0),
                          P_TEXT(next_attempt ? next_attempt : at)};
    if (w == MM_OK)
        w = mm_db_change(s, "no such outbox row",
                         "UPDATE notify_outbox SET attempts = attempts + 1, lease_until = NULL,"
                         " state = CASE WHEN $3 = 1 THEN 'sent' ELSE 'pending' END,"
                         " sent = CASE WHEN $3 = 1 THEN $2 ELSE NULL END,"
                         " next_attempt = CASE WHEN $3 = 1 THEN next_attempt ELSE $4 END"
                         " WHERE id = $1",
                         NPARAMS(u), u);
    return mm_db_tx_end(s, w);
}

/* ---- preferences ----------------------------------------------------------------------------- */

int mm_store_notify_prefs_get(mm_store *s, json_t **out, int64_t user_id)
{
    *out = NULL;
    const mm_param p[] = {P_INT(user_id)};
    json_t *rows = NULL;
    int rc = mm_db_rows(s, &rows, NULL,
                        "SELECT events, channels, email, lang, digest, webhook_url,"
                        " CASE WHEN webhook_secret IS NULL THEN 0 ELSE 1 END, updated"
                        " FROM notify_prefs WHERE user_id = $1",
                        NPARAMS(p), p);
    if (rc)
        return rc;
    json_t *row = json_array_get(rows, 0);
    if (row) {
        static const char *const keys[] = {"events",      "channels",   "email",   "lang", "digest",
                                           "webhook_url", "secret_set", "updated", NULL};
        *out = mm_row_object(row, 0, keys, "aassssis");
        if (*out) {
            json_t *set = json_object_get(*out, "secret_set");
            json_object_set_new(*out, "webhook_secret_set",
                                json_boolean(json_integer_value(set) == 1));
            json_object_del(*out, "secret_set");
        }
    } else {
        json_t *all = json_array();
        for (size_t i = 0; all && i < MM_NOTIFY_NKINDS; i++)
            json_array_append_new(all, json_string(mm_notify_kinds[i]));
        *out = json_pack("{s:o, s:[s], s:n, s:s, s:s, s:n, s:b, s:n}", "events",
                         all ? all : json_array(), "channels", "dashboard", "email", "lang", "en",
                         "digest", "none", "webhook_url", "webhook_secret_set", 0, "updated");
    }
    json_decref(rows);
    return *out ? MM_OK : mm_oom();
}

int mm_store_notify_secret(mm_store *s, int64_t user_id, char *out, size_t size)
{
    out[0] = '\0';
    const mm_param p[] = {P_INT(user_id)};
    json_t *rows = NULL;
    int rc = mm_db_rows(s, &rows, NULL,
                        "SELECT webhook_secret FROM notify_prefs WHERE user_id = $1", 1, p);
    json_t *row = json_array_get(rows, 0);
    if (rc == MM_OK && row)
        mm_cell_copy(out, size, row, 0);
    json_decref(rows);
    return rc;
}

int mm_store_notify_prefs_put(mm_store *s, int64_t user_id, const char *events_json,
                              const char *channels_json, const char *email, const char *lang,
                              const char *digest, const char *webhook_url,
                              const char *webhook_secret, const char *now)
{
    const mm_param p[] = {P_INT(user_id),
                          P_TEXT(events_json),
                          P_TEXT(channels_json),
                          email ? P_TEXT(email) : P_NULL,
                          P_TEXT(lang),
                          P_TEXT(digest),
                          webhook_url ? P_TEXT(webhook_url) : P_NULL,
                          webhook_secret ? P_TEXT(webhook_secret) : P_NULL,
                          P_TEXT(now)};
    int rc = mm_db_tx_begin(s);
    if (rc)
        return rc;
    int64_t have = 0;
    int w = mm_db_int(s, &have, "SELECT count(*) FROM notify_prefs WHERE user_id = $1", 1, p);
    /* the webhook: none (its secret goes too), a URL with a new secret, or a URL keeping the
     * secret stored (each its own text: no parameter is typed by a NULL) */
    const char *sql = !webhook_url ? "UPDATE notify_prefs SET events = $2, channels = $3,"
                                     " email = $4, lang = $5, digest = $6, webhook_url = NULL,"
                                     " webhook_secret = NULL, updated = $9 WHERE user_id = $1"
                      : webhook_secret
                          ? "UPDATE notify_prefs SET events = $2, channels = $3, email = $4,"
                            " lang = $5, digest = $6, webhook_url = $7, webhook_secret = $8,"
                            " updated = $9 WHERE user_id = $1"
                          : "UPDATE notify_prefs SET events = $2, channels = $3, email = $4,"
                            " lang = $5, digest = $6, webhook_url = $7, updated = $9"
                            " WHERE user_id = $1";
    const mm_param q[] = {P_INT(user_id),
                          P_TEXT(events_json),
                          P_TEXT(channels_json),
                          email ? P_TEXT(email) : P_NULL,
                          P_TEXT(lang),
                          P_TEXT(digest),
                          P_TEXT(webhook_url ? webhook_url : ""),
                          P_TEXT(webhook_secret ? webhook_secret : ""),
                          P_TEXT(now)};
    if (w == MM_OK && have)
        w = mm_db_exec(s, sql, NPARAMS(q), q, NULL, NULL, NULL);
    else if (w == MM_OK)
        w = mm_db_exec(s,
                       "INSERT INTO notify_prefs (user_id, events, channels, email, lang, digest,"
                       " webhook_url, webhook_secret, updated)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                       NPARAMS(p), p, NULL, NULL, NULL);
    return mm_db_tx_end(s, w);
}

/* ---- reading -----------------------------------------------------------------------------------
 */

int mm_store_notify_deliveries(mm_store *s, json_t **out, int64_t user_id, int64_t offset,
                               int64_t limit)
{
    *out = NULL;
    int rc = mm_check_page("deliveries", offset, limit);
    if (rc)
        return rc;
    const mm_param p[] = {P_INT(user_id), P_INT(limit), P_INT(offset)};
    int64_t total = 0;
    rc = mm_db_int(s, &total, "SELECT count(*) FROM notify_outbox WHERE user_id = $1", 1, p);
    json_t *items = NULL;
    static const char *const keys[] = {
        "id",    "notification_id", "kind",         "cause",   "subject", "channel", "digest",
        "state", "attempts",        "next_attempt", "created", "sent",    NULL};
    if (rc == MM_OK)
        rc = mm_db_objects(s, &items,
                           "SELECT o.id, o.notification_id, n.kind, n.cause, n.subject, o.channel,"
                           " o.digest, o.state, o.attempts, o.next_attempt, o.created, o.sent"
                           " FROM notify_outbox o JOIN notifications n ON n.id = o.notification_id"
                           " WHERE o.user_id = $1 ORDER BY o.id DESC LIMIT $2 OFFSET $3",
                           NPARAMS(p), p, keys, "iissssssisss");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (rc)
            break;
        json_t *cause = json_object_get(it, "cause");
        json_object_set_new(
            it, "class",
            json_string(mm_notify_kind_of(json_string_value(json_object_get(it, "kind")),
                                          json_string_value(cause))));
        json_object_del(it, "cause");
        const mm_param q[] = {P_INT(json_integer_value(json_object_get(it, "id")))};
        json_t *tries = NULL;
        static const char *const tkeys[] = {"at", "ok", "result", NULL};
        rc = mm_db_objects(s, &tries,
                           "SELECT at, ok, result FROM notify_attempts WHERE outbox_id = $1"
                           " ORDER BY id",
                           1, q, tkeys, "sbs");
        if (rc == MM_OK && json_object_set_new(it, "tries", tries))
            rc = mm_oom();
    }
    if (rc == MM_OK &&
        !(*out = json_pack("{s:I, s:o}", "total", (json_int_t)total, "items", items)))
        rc = mm_oom();
    else if (rc)
        json_decref(items);
    return rc;
}

/* a user's high-water mark: every notification of its organization up to *upto is read, at
 * at (0 and "" when the user has none) */
static int read_mark(mm_store *s, int64_t user_id, int64_t *upto, char at[32])
{
    *upto = 0;
    at[0] = '\0';
    const mm_param p[] = {P_INT(user_id)};
    json_t *rows = NULL;
    int rc = mm_db_rows(s, &rows, NULL,
                        "SELECT upto, at FROM notification_read_marks WHERE user_id = $1", 1, p);
    json_t *row = json_array_get(rows, 0);
    if (rc == MM_OK && row) {
        *upto = mm_cell_i64(row, 0);
        mm_cell_copy(at, 32, row, 1);
    }
    json_decref(rows);
    return rc;
}

int mm_store_notify_list(mm_store *s, json_t **out, const char *org_id, int64_t user_id,
                         const json_t *kinds, bool unread_only, int64_t offset, int64_t limit)
{
    *out = NULL;
    int rc = mm_need(org_id, "notifications: organization id");
    if (rc == MM_OK)
        rc = mm_check_page("notifications", offset, limit);
    int64_t upto = 0;
    char mark_at[32];
    if (rc == MM_OK)
        rc = read_mark(s, user_id, &upto, mark_at);
    if (rc)
        return rc;
    /* the kinds chosen, as the SQL tests them: a cause-less row is a supply-chain alert */
    bool supply = !kinds || json_has(kinds, "supply-alert");
    char *kinds_text = kinds ? json_dumps(kinds, JSON_COMPACT) : NULL;
    const mm_param p[] = {P_TEXT(org_id),
                          P_INT(unread_only ? 1 : 0),
                          P_TEXT(kinds_text ? kinds_text : ""),
                          P_INT(supply ? 1 : 0),
                          P_INT(limit),
                          P_INT(offset),
                          P_INT(upto),
                          P_INT(user_id),
                          P_TEXT(mark_at)};
    /* read by this user: up to its mark, or one by one (notification_reads); a kind is in the
     * chosen list when its quoted name is in the list's JSON text ("": every kind; a text, not
     * a NULL, so that PostgreSQL knows the parameter's type) */
    static const char from[] =
        " FROM notifications n LEFT JOIN notification_reads r ON r.user_id = $8"
        "  AND r.notification_id = n.id"
        " WHERE n.recipient_org = $1 AND ($2 = 0 OR (n.id > $7 AND r.at IS NULL))"
        " AND ($3 = '' OR (n.cause IS NULL AND $4 = 1) OR"
        "  (n.cause IS NOT NULL AND {INSTR}($3, '\"' || n.kind || '\"') > 0))";
    char sql[1800];
    snprintf(sql, sizeof sql,
             "SELECT t.total, t.unread, p.* FROM"
             " (SELECT count(*) AS total,"
             "  sum(CASE WHEN n.id > $7 AND r.at IS NULL THEN 1 ELSE 0 END) AS unread%s) t"
             " LEFT JOIN (SELECT n.id, n.kind, n.cause, n.subject, n.detail, n.created,"
             "  coalesce(r.at, CASE WHEN n.id <= $7 THEN $9 ELSE NULL END) AS read%s"
             "  ORDER BY n.created DESC, n.id DESC LIMIT $5 OFFSET $6) p ON true"
             " ORDER BY p.created DESC, p.id DESC",
             from, from);
    json_t *rows = NULL;
    rc = mm_db_rows(s, &rows, NULL, sql, NPARAMS(p), p);
    free(kinds_text);
    if (rc)
        return rc;
    static const char *const keys[] = {"id",     "kind",    "cause", "subject",
                                       "detail", "created", "read",  NULL};
    json_t *items = json_array();
    int64_t total = 0, unread = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        total = mm_cell_i64(row, 0);
        unread = mm_cell_i64(row, 1);
        if (!mm_cell(row, 2))
            continue;
        json_t *it = mm_row_object(row, 2, keys, "isssoss");
        if (it) {
            json_object_set_new(it, "class",
                                json_string(mm_notify_kind_of(mm_cell(row, 3), mm_cell(row, 4))));
            json_object_del(it, "cause");
        }
        if (!items || !it || json_array_append_new(items, it))
            rc = mm_oom();
    }
    json_decref(rows);
    if (rc == MM_OK && !(*out = json_pack("{s:I, s:I, s:o}", "unread", (json_int_t)unread, "total",
                                          (json_int_t)total, "items", items)))
        return mm_oom();
    if (rc)
        json_decref(items);
    return rc;
}

int mm_store_notify_unread(mm_store *s, int64_t *count, const char *org_id, int64_t user_id,
                           int64_t cap)
{
    *count = 0;
    int rc = mm_need(org_id, "notifications: organization id");
    const mm_param p[] = {P_TEXT(org_id), P_INT(user_id), P_INT(cap)};
    /* one statement: the range after the user's mark on notifications_org_id, a primary-key
     * probe of notification_reads per row in it, the kinds of its preferences (all without);
     * it stops at cap unread, so it reads at most cap rows and those read one by one since the
     * mark (docs/notifications.md "Read marks") */
    return rc ? rc
              : mm_db_int(s, count,
                          "SELECT count(*) FROM (SELECT 1 FROM notifications n"
                          " WHERE n.recipient_org = $1"
                          " AND n.id > coalesce((SELECT m.upto FROM notification_read_marks m"
                          "  WHERE m.user_id = $2), 0)"
                          " AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.user_id = $2"
                          "  AND r.notification_id = n.id)"
                          " AND coalesce({INSTR}((SELECT f.events FROM notify_prefs f"
                          "  WHERE f.user_id = $2), '\"' || CASE WHEN n.cause IS NULL"
                          "  THEN 'supply-alert' ELSE n.kind END || '\"'), 1) > 0 LIMIT $3) c",
                          NPARAMS(p), p);
}

int mm_store_notify_read(mm_store *s, const char *org_id, int64_t user_id, int64_t id,
                         const char *now)
{
    int64_t mine = 0;
    const mm_param p[] = {P_INT(id), P_TEXT(org_id), P_INT(user_id), P_TEXT(now)};
    int rc = mm_need(org_id, "notification: organization id");
    if (rc == MM_OK)
        rc = mm_db_int(s, &mine,
                       "SELECT count(*) FROM notifications WHERE id = $1 AND recipient_org = $2", 2,
                       p);
    if (rc == MM_OK && !mine) {
        mm_error_set("no such notification");
        rc = MM_ENOTFOUND;
    }
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "INSERT INTO notification_reads (user_id, notification_id, at)"
                        " SELECT $3, $1, $4 WHERE $1 > coalesce((SELECT m.upto FROM"
                        " notification_read_marks m WHERE m.user_id = $3), 0) AND NOT EXISTS"
                        " (SELECT 1 FROM notification_reads r WHERE r.user_id = $3"
                        "  AND r.notification_id = $1)",
                        NPARAMS(p), p, NULL, NULL, NULL);
    return rc;
}

int mm_store_notify_read_all(mm_store *s, const char *org_id, int64_t user_id, const char *now,
                             int64_t *count)
{
    *count = 0;
    const mm_param p[] = {P_TEXT(org_id), P_INT(user_id), P_TEXT(now)};
    int rc = mm_need(org_id, "notifications: organization id");
    /* how many were unread (every kind), then the mark moves to the newest, and the marks one
     * by one under it go (the mark covers them) */
    if (rc == MM_OK)
        rc = mm_db_int(s, count,
                       "SELECT count(*) FROM notifications n WHERE n.recipient_org = $1"
                       " AND n.id > coalesce((SELECT m.upto FROM notification_read_marks m"
                       "  WHERE m.user_id = $2), 0)"
                       " AND NOT EXISTS (SELECT 1 FROM notification_reads r"
                       "  WHERE r.user_id = $2 AND r.notification_id = n.id)",
                       2, p);
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "INSERT INTO notification_read_marks (user_id, upto, at)"
                        " SELECT $2, coalesce(max(id), 0), $3 FROM notifications"
                        " WHERE recipient_org = $1"
                        " ON CONFLICT (user_id) DO UPDATE SET upto = excluded.upto,"
                        " at = excluded.at",
                        NPARAMS(p), p, NULL, NULL, NULL);
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "DELETE FROM notification_reads WHERE user_id = $2 AND notification_id <="
                        " (SELECT m.upto FROM notification_read_marks m WHERE m.user_id = $2)",
                        NPARAMS(p), p, NULL, NULL, NULL);
    return rc;
}
