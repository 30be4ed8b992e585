/* The hash-chained audit log: append under the write lock, walk and verify, the head (the
 * store's version), and the record hash. docs/store.md, "The audit chain". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mamori/store.h"
#include "store/driver.h"
#include "util/util.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static void put_field(crypto_hash_sha256_state *st, const void *data, size_t len)
{
    unsigned char prefix[8];
    uint64_t n = len;
    for (int i = 7; i >= 0; i--) {
        prefix[i] = (unsigned char)(n & 0xff);
        n >>= 8;
    }
    crypto_hash_sha256_update(st, prefix, sizeof(prefix));
    if (len)
        crypto_hash_sha256_update(st, data, len);
}

void mm_audit_hash(char out[65], int64_t id, const char *prev_hash, const char *ts,
                   const char *actor, const char *action, const char *object, const char *detail)
{
    crypto_hash_sha256_state st;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char idtext[24];
    int n = snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
    crypto_hash_sha256_init(&st);
    put_field(&st, idtext, (size_t)n);
    const char *fields[] = {prev_hash, ts, actor, action, object, detail};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        put_field(&st, fields[i] ? fields[i] : "", fields[i] ? strlen(fields[i]) : 0);
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(out, 65, digest, sizeof(digest));
}

/* Audit records go in as multi-row INSERTs of at most AUDIT_PER rows (8 parameters each):
 * the statement's text depends only on its row count, so it is prepared once */
#define AUDIT_PER 16

static int insert_records(mm_store *s, const mm_audit_rec *recs, size_t n, int64_t first,
                          char prev[65])
{
    int rc = MM_OK;
    for (size_t at = 0; rc == MM_OK && at < n; at += AUDIT_PER) {
        size_t rows = n - at < AUDIT_PER ? n - at : AUDIT_PER;
        mm_param p[8 * AUDIT_PER];
        char hashes[AUDIT_PER][65], prevs[AUDIT_PER][65], ts[AUDIT_PER][21];
        char sql[128 + AUDIT_PER * 48];
        size_t len = (size_t)snprintf(sql, sizeof sql,
                                      "INSERT INTO audit_log (id, prev_hash, hash, ts, actor,"
                                      " action, object, detail) VALUES ");
        int k = 0;
        for (size_t i = 0; i < rows; i++) {
            const mm_audit_rec *r = &recs[at + i];
            const char *detail = r->detail ? r->detail : "{}";
            int64_t id = first + (int64_t)(at + i);
            memcpy(prevs[i], prev, 65);
            mm_now(ts[i]);
            mm_audit_hash(hashes[i], id, prevs[i], ts[i], r->actor, r->action, r->object, detail);
            memcpy(prev, hashes[i], 65);
            mm_param row[] = {P_INT(id),         P_TEXT(prevs[i]), P_TEXT(hashes[i]),
                              P_TEXT(ts[i]),     P_TEXT(r->actor), P_TEXT(r->action),
                              P_TEXT(r->object), P_TEXT(detail)};
            memcpy(p + k, row, sizeof row);
            len += (size_t)snprintf(sql + len, sizeof sql - len,
                                    "%s($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", i ? ", " : "",
                                    k + 1, k + 2, k + 3, k + 4, k + 5, k + 6, k + 7, k + 8);
            k += 8;
        }
        rc = mm_db_rows(s, NULL, NULL, sql, k, p);
    }
    return rc;
}

/* savepoint: inside the caller's transaction, under a savepoint of its own (a failure leaves
 * the transaction open); without, a failure leaves it to be rolled back */
static int append(mm_store *s, int64_t *first_id, const mm_audit_rec *recs, size_t n,
                  bool savepoint)
{
    for (size_t i = 0; i < n; i++) {
        const mm_audit_rec *r = &recs[i];
        if (!r->actor || !r->actor[0] || !r->action || !r->action[0] || !r->object) {
            mm_error_set("audit record: actor, action and object are required");
            return MM_EINVALID;
        }
        if (r->detail && !mm_json_object_text(r->detail)) {
            mm_error_set("audit record %s: detail must be a JSON object", r->action);
            return MM_EINVALID;
        }
    }
    if (n == 0)
        return MM_OK;
    char prev[65] = ZERO_HASH;
    json_t *rows = NULL;
    /* the write lock (taken here, by mm_store_begin, or now for mm_store_begin_late) is held
     * from this read to the commit, so no other writer, in this process or another, can
     * append in between */
    bool own = savepoint || !s->in_tx;
    int rc = own ? mm_db_tx_begin(s) : MM_OK;
    if (rc)
        return rc;
    if (!own)
        s->depth++; /* no savepoint of mm_db_exec's either */
    if (s->drv->lock)
        rc = s->drv->lock(s->db);
    if (rc == MM_OK)
        rc = mm_db_rows(s, &rows, NULL, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
                        0, NULL);
    int64_t id = 1;
    if (rc == MM_OK && json_array_size(rows)) {
        id = mm_cell_i64(json_array_get(rows, 0), 0) + 1;
        snprintf(prev, sizeof(prev), "%s", mm_cell(json_array_get(rows, 0), 1));
    }
    json_decref(rows);
    if (rc == MM_OK)
        rc = insert_records(s, recs, n, id, prev);
    if (rc == MM_OK && first_id)
        *first_id = id;
    if (!own) {
        s->depth--;
        return rc;
    }
    return mm_db_tx_end(s, rc);
}

int mm_store_audit_append(mm_store *s, int64_t *out_id, const char *actor, const char *action,
                          const char *object, const char *detail)
{
    const mm_audit_rec r = {actor, action, object, detail};
    return append(s, out_id, &r, 1, true);
}

int mm_store_audit_append_many(mm_store *s, int64_t *first_id, const mm_audit_rec *recs, size_t n)
{
    return append(s, first_id, recs, n, false);
}

int mm_store_audit_head(mm_store *s, int64_t *out)
{
    return mm_db_int(s, out, "SELECT coalesce(max(id), 0) FROM audit_log", 0, NULL);
}

int mm_store_data_version(mm_store *s, int64_t *out)
{
    /* newest first on the primary key, stopping at the first record that is a change: the
     * records skipped are those since the last change */
    int rc = mm_db_int(s, out,
                       "SELECT id FROM audit_log WHERE action NOT IN ('logon.success', "
                       "'logon.failure', 'logon.refused-locked', 'logout', 'session.expired', "
                       "'item.read', 'item.refused', 'notification.read', 'password.change', "
                       "'password.change-refused', 'password.refused-locked', 'account.locked', "
                       "'token.create', 'token.revoke', 'key.register', 'key.revoke', "
                       "'notify.preferences') ORDER BY id DESC LIMIT 1",
                       0, NULL);
    if (rc == MM_ENOTFOUND) {
        *out = 0;
        rc = MM_OK;
    }
    return rc;
}

int mm_store_audit_last_of(mm_store *s, const char *action, int64_t *out)
{
    const mm_param p[] = {P_TEXT(action)};
    return mm_db_int(s, out, "SELECT coalesce(max(id), 0) FROM audit_log WHERE action = $1", 1, p);
}

int mm_store_begin_late(mm_store *s)
{
    if (!s->drv->lock)
        return mm_store_begin(s);
    if (s->in_tx) {
        mm_error_set("a transaction is already open");
        return MM_EUSAGE;
    }
    int rc = s->drv->begin(s->db, MM_TX_WRITE_LATE);
    s->in_tx = rc == MM_OK;
    return rc;
}

int mm_store_wait_change(mm_store *s, int timeout_ms, bool *changed)
{
    *changed = false;
    if (!s->drv->wait_change) {
        mm_error_set("%s: the database cannot tell of changes", s->drv->name);
        return MM_EUSAGE;
    }
    return s->drv->wait_change(s->db, timeout_ms, changed);
}

typedef struct walk {
    mm_audit_report *r;
    char prev[65];
    int64_t want_id;
} walk;

#define STOP 1 /* a broken record: the walk ends there */

static int broken(mm_audit_report *r, int64_t id, const char *what, const char *expected,
                  const char *found)
{
    r->bad_id = id;
    snprintf(r->what, sizeof(r->what), "%s", what);
    snprintf(r->expected, sizeof(r->expected), "%s", expected);
    snprintf(r->found, sizeof(r->found), "%s", found);
    return STOP;
}

/* one record (id, prev_hash, hash, ts, actor, action, object, detail) */
static int check_record(void *ctx, int n, const char *const *v, const size_t *len)
{
    (void)len;
    walk *w = ctx;
    const char *f[8];
    for (int i = 0; i < 8; i++)
        f[i] = i < n && v[i] ? v[i] : "";
    int64_t id = strtoll(f[0], NULL, 10);
    char hash[65], what[160];
    w->r->records++;
    if (id != w->want_id) {
        snprintf(what, sizeof(what), "missing (the next record found is %lld)", (long long)id);
        return broken(w->r, w->want_id, what, "", "");
    }
    if (strcmp(f[1], w->prev) != 0)
        return broken(w->r, id,
                      id == 1 ? "prev_hash is not the zero hash of the first record"
                              : "prev_hash does not match the previous record's hash",
                      w->prev, f[1]);
    mm_audit_hash(hash, id, f[1], f[3], f[4], f[5], f[6], f[7]);
    if (strcmp(hash, f[2]) != 0)
        return broken(w->r, id, "contents do not match the record's hash", hash, f[2]);
    snprintf(w->prev, sizeof(w->prev), "%s", f[2]);
    w->want_id = id + 1;
    return MM_OK;
}

int mm_store_audit_verify(mm_store *s, mm_audit_report *out)
{
    memset(out, 0, sizeof(*out));
    walk w = {.r = out, .prev = ZERO_HASH, .want_id = 1};
    /* one read snapshot for the whole walk while writers go on */
    bool own = !s->in_tx;
    int rc = own ? s->drv->begin(s->db, MM_TX_READ) : MM_OK;
    if (rc)
        return rc;
    rc = mm_db_exec(s,
                    "SELECT id, prev_hash, hash, ts, actor, action, object, detail"
                    " FROM audit_log ORDER BY id",
                    0, NULL, check_record, &w, NULL);
    if (rc == STOP)
        rc = MM_OK;
    /* records removed from the end: the highest id ever issued is remembered */
    int64_t issued = 0;
    if (rc == MM_OK && !out->bad_id)
        rc = mm_db_int(s, &issued, "SELECT {ISSUED}", 0, NULL);
    if (rc == MM_OK && !out->bad_id && issued >= w.want_id) {
        char what[160];
        snprintf(what, sizeof(what), "missing (ids up to %lld were issued; the log ends at %lld)",
                 (long long)issued, (long long)(w.want_id - 1));
        broken(out, w.want_id, what, "", "");
    }
    if (own)
        s->drv->rollback(s->db);
    return rc;
}

/* ---- reading the log: a filtered page, newest first -------------------------------------- */

/* Appends frag to sql, each '?' of it written as the parameter's number ($n + 1), and
 * param as that parameter. */
static void add_cond(char *sql, size_t size, mm_param *p, int *n, const char *frag, mm_param param)
{
    p[(*n)++] = param;
    size_t len = strlen(sql);
    for (const char *c = frag; *c && len + 12 < size; c++) {
        if (*c == '?')
            len += (size_t)snprintf(sql + len, size - len, "$%d", *n);
        else
            sql[len++] = *c;
    }
    sql[len] = '\0';
}

/* The conditions of f (and the page's edge: " AND id < ?" with edge_id) as "AND ..."
 * fragments over audit_log's columns, their parameters appended to p from *n on. to_end:
 * the end of f->to's day, kept alive by the caller. */
static void audit_where(char *sql, size_t size, mm_param *p, int *n, const mm_audit_filter *f,
                        const char *to_end, const char *edge, int64_t edge_id)
{
    if (f->actor)
        add_cond(sql, size, p, n, " AND actor = ?", P_TEXT(f->actor));
    if (f->action)
        add_cond(sql, size, p, n, " AND action = ?", P_TEXT(f->action));
    /* the organization's users, and those deleted (their login kept in deleted_login) */
    if (f->org_id)
        add_cond(sql, size, p, n,
                 " AND actor IN (SELECT login FROM users WHERE org_id = ? UNION"
                 " SELECT deleted_login FROM users WHERE org_id = ? AND deleted_login IS NOT NULL)",
                 P_TEXT(f->org_id));
    /* ts is RFC 3339 UTC text ("2026-11-23T14:09:00Z"): it sorts as it reads */
    if (f->from)
        add_cond(sql, size, p, n, " AND ts >= ?", P_TEXT(f->from));
    if (f->to)
        add_cond(sql, size, p, n, " AND ts <= ?", P_TEXT(to_end));
    if (edge)
        add_cond(sql, size, p, n, edge, P_INT(edge_id));
}

static int audit_check_filter(const mm_audit_filter *f)
{
    if (f->from && !mm_is_date(f->from)) {
        mm_error_set("from: '%.40s' is not a date YYYY-MM-DD", f->from);
        return MM_EINVALID;
    }
    if (f->to && !mm_is_date(f->to)) {
        mm_error_set("to: '%.40s' is not a date YYYY-MM-DD", f->to);
        return MM_EINVALID;
    }
    if (f->from && f->to && strcmp(f->from, f->to) > 0) {
        mm_error_set("from: %s is after to (%s)", f->from, f->to);
        return MM_EINVALID;
    }
    if (f->before < 0 || f->after < 0 || (f->before && f->after)) {
        mm_error_set("before, after: one page edge at most, a positive record id");
        return MM_EINVALID;
    }
    if (f->limit < 0 || f->limit > MM_AUDIT_PAGE_MAX) {
        mm_error_set("limit: %lld is not from 1 to %d", (long long)f->limit, MM_AUDIT_PAGE_MAX);
        return MM_EINVALID;
    }
    return MM_OK;
}

/* Whether a record matching f lies beyond edge_id (edge: " AND id < ?" or " AND id > ..."). */
static int audit_beyond(mm_store *s, json_t *page, const char *key, const mm_audit_filter *f,
                        const char *to_end, const char *edge, int64_t edge_id)
{
    char sql[900] = "SELECT count(*) FROM (SELECT id FROM audit_log WHERE 1 = 1";
    mm_param p[8];
    int n = 0;
    audit_where(sql, sizeof sql, p, &n, f, to_end, edge, edge_id);
    strcat(sql, " LIMIT 1) x");
    int64_t any = 0;
    int rc = mm_db_int(s, &any, sql, n, p);
    if (rc == MM_OK && any && json_object_set_new(page, key, json_integer(edge_id)) != 0)
        rc = mm_oom();
    return rc;
}

int mm_store_audit_list(mm_store *s, json_t **out, const mm_audit_filter *f)
{
    *out = NULL;
    int rc = audit_check_filter(f);
    if (rc)
        return rc;
    int64_t limit = f->limit ? f->limit : MM_AUDIT_PAGE;
    char to_end[40] = "";
    if (f->to)
        snprintf(to_end, sizeof to_end, "%sT23:59:59Z", f->to);
    /* the previous page is the nearest records above after: read upwards, shown downwards */
    bool up = f->after > 0;
    char sql[1400] = "SELECT a.id, a.ts, a.actor, a.action, a.object, a.detail, o.id, o.name"
                     " FROM (SELECT id, ts, actor, action, object, detail FROM audit_log"
                     " WHERE 1 = 1";
    mm_param p[8];
    int n = 0;
    audit_where(sql, sizeof sql, p, &n, f, to_end,
                up          ? " AND id > ?"
                : f->before ? " AND id < ?"
                            : NULL,
                up ? f->after : f->before);
    p[n++] = P_INT(limit + 1);
    size_t len = strlen(sql);
    snprintf(sql + len, sizeof sql - len,
             " ORDER BY id %s LIMIT $%d) a LEFT JOIN organizations o ON o.id = coalesce("
             "(SELECT u.org_id FROM users u WHERE u.login = a.actor),"
             " (SELECT min(u.org_id) FROM users u WHERE u.deleted_login = a.actor))"
             " ORDER BY a.id DESC",
             up ? "ASC" : "DESC", n);
    json_t *rows = NULL;
    rc = mm_db_rows(s, &rows, NULL, sql, n, p);
    if (rc)
        return rc;
    /* one more than the page was read: it tells whether the page has a next one that way */
    size_t total = json_array_size(rows);
    bool more = (int64_t)total > limit;
    size_t first = up && more ? 1 : 0, last = more && !up ? total - 1 : total;
    static const char *const keys[] = {"id",     "ts",     "actor",    "action", "object",
                                       "detail", "org_id", "org_name", NULL};
    json_t *items = json_array(), *page = json_object();
    if (!items || !page || json_object_set_new(page, "items", items) != 0)
        rc = mm_oom();
    for (size_t i = first; rc == MM_OK && i < last; i++)
        if (json_array_append_new(items,
                                  mm_row_object(json_array_get(rows, i), 0, keys, "isssssss")) != 0)
            rc = mm_oom();
    /* "detail" is JSON text: parsed for the reader */
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        json_t *d = json_loads(json_string_value(json_object_get(it, "detail")), 0, NULL);
        if (rc == MM_OK && json_object_set_new(it, "detail", d ? d : json_object()) != 0)
            rc = mm_oom();
    }
    json_decref(rows);
    size_t shown = json_array_size(items);
    if (rc == MM_OK && json_object_set_new(page, "older", json_null()) != 0)
        rc = mm_oom();
    if (rc == MM_OK && json_object_set_new(page, "newer", json_null()) != 0)
        rc = mm_oom();
    int64_t top = shown ? json_integer_value(json_object_get(json_array_get(items, 0), "id")) : 0;
    int64_t bottom =
        shown ? json_integer_value(json_object_get(json_array_get(items, shown - 1), "id")) : 0;
    /* the side read knows from its extra row; the other side is asked */
    if (rc == MM_OK && shown && up && more)
        rc = json_object_set_new(page, "newer", json_integer(top)) ? mm_oom() : MM_OK;
    if (rc == MM_OK && shown && !up && more)
        rc = json_object_set_new(page, "older", json_integer(bottom)) ? mm_oom() : MM_OK;
    if (rc == MM_OK && shown && up)
        rc = audit_beyond(s, page, "older", f, to_end, " AND id < ?", bottom);
    if (rc == MM_OK && shown && !up && f->before)
        rc = audit_beyond(s, page, "newer", f, to_end, " AND id > ?", top);
    if (rc) {
        json_decref(page);
        return rc;
    }
    *out = page;
    return MM_OK;
}
