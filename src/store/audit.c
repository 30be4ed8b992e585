/* The hash-chained audit log: append under the write lock, walk and verify, the head (the
 * store's version), and the record hash. docs/store.md, "The audit chain". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mamori/store.h"
#include "store/driver.h"

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
