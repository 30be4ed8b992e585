/* The store's SQL layer: opens a store through the driver its --db URL names, runs the
 * domain files' statements (dialect words substituted), transactions and savepoints, the
 * argument checks every domain file shares, and the random ids and password helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "mamori/store.h"
#include "store/driver.h"
#include "util/util.h"

int mm_crypto_ready(void)
{
    if (sodium_init() < 0) {
        mm_error_set("libsodium could not be initialised");
        return MM_ERROR;
    }
    return MM_OK;
}

int mm_oom(void)
{
    mm_error_set("out of memory");
    return MM_ENOMEM;
}

void mm_now(char out[21])
{
    mm_time_rfc3339(out, (long long)time(NULL));
}

/* ---- open -------------------------------------------------------------------------- */

/* The driver for url and the path or URL it takes. */
static int pick(const mm_driver **out, const char **path_out, const char *url)
{
    const mm_driver *drv = &mm_driver_sqlite;
    const char *path = url;
    if (!url || !url[0]) {
        mm_error_set("--db: no database given");
        return MM_EUSAGE;
    }
    if (strncmp(url, "sqlite:", 7) == 0) {
        path = url + 7;
        if (strncmp(path, "//", 2) == 0)
            path += 2;
    } else if (strncmp(url, "postgresql:", 11) == 0 || strncmp(url, "postgres:", 9) == 0) {
        drv = &mm_driver_postgres; /* libpq takes the whole URL */
    } else {
        const char *colon = strchr(url, ':');
        const char *slash = strchr(url, '/');
        if (colon && strncmp(colon, "://", 3) == 0 && (!slash || colon < slash)) {
            mm_error_set("%s: unknown database scheme (use sqlite:PATH or a file path)", url);
            return MM_EUSAGE;
        }
    }
    if (!path[0]) {
        mm_error_set("%s: no database path", url);
        return MM_EUSAGE;
    }
    *out = drv;
    *path_out = path;
    return MM_OK;
}

int mm_store_open(mm_store **out, const char *url)
{
    *out = NULL;
    const mm_driver *drv = NULL;
    const char *path = NULL;
    int rc = mm_crypto_ready();
    if (rc == MM_OK)
        rc = pick(&drv, &path, url);
    if (rc)
        return rc;
    mm_store *s = calloc(1, sizeof(*s));
    if (!s)
        return mm_oom();
    s->drv = drv;
    rc = drv->open(&s->db, path);
    if (rc == MM_OK)
        rc = mm_schema_migrate(s);
    if (rc) {
        mm_store_free(s);
        return rc;
    }
    *out = s;
    return MM_OK;
}

void mm_store_free(mm_store *s)
{
    if (!s)
        return;
    if (s->db)
        s->drv->close(s->db);
    free(s);
}

int mm_store_schema_peek(const char *url, int *out)
{
    *out = 0;
    const mm_driver *drv = NULL;
    const char *path = NULL;
    int rc = pick(&drv, &path, url);
    return rc ? rc : drv->schema_peek(path, out);
}

/* ---- transactions ------------------------------------------------------------------ */

int mm_store_begin(mm_store *s)
{
    if (s->in_tx) {
        mm_error_set("a transaction is already open");
        return MM_EUSAGE;
    }
    int rc = s->drv->begin(s->db, MM_TX_WRITE);
    s->in_tx = rc == MM_OK;
    return rc;
}

int mm_store_commit(mm_store *s)
{
    if (!s->in_tx) {
        mm_error_set("no transaction is open");
        return MM_EUSAGE;
    }
    s->in_tx = false;
    return s->drv->commit(s->db);
}

int mm_store_rollback(mm_store *s)
{
    if (!s->in_tx)
        return MM_OK;
    s->in_tx = false;
    return s->drv->rollback(s->db);
}

int mm_db_tx_begin(mm_store *s)
{
    int rc = s->in_tx ? s->drv->exec(s->db, "SAVEPOINT mm_write", 0, NULL, NULL, NULL, NULL)
                      : s->drv->begin(s->db, MM_TX_WRITE);
    if (rc == MM_OK)
        s->depth++;
    return rc;
}

int mm_db_tx_end(mm_store *s, int rc)
{
    s->depth--;
    if (s->in_tx && rc == MM_OK)
        return s->drv->exec(s->db, "RELEASE SAVEPOINT mm_write", 0, NULL, NULL, NULL, NULL);
    if (s->in_tx) {
        char msg[600];
        snprintf(msg, sizeof(msg), "%s", mm_error_last());
        s->drv->exec(s->db, "ROLLBACK TO SAVEPOINT mm_write; RELEASE SAVEPOINT mm_write", 0, NULL,
                     NULL, NULL, NULL);
        mm_error_set("%s", msg);
        return rc;
    }
    if (rc == MM_OK)
        return s->drv->commit(s->db);
    s->drv->rollback(s->db);
    return rc;
}

/* ---- statements -------------------------------------------------------------------- */

/* sql with its {WORD}s replaced by drv's words; the caller frees. NULL: out of memory. */
static char *expand(const mm_driver *drv, const char *sql)
{
    mm_buf out = MM_BUF_INIT;
    for (const char *p = sql; !out.failed && *p;) {
        size_t name = p[0] == '{' ? strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") : 0;
        const mm_word *w = NULL;
        for (const mm_word *x = drv->words; name && x->name; x++)
            if (strlen(x->name) == name && strncmp(p + 1, x->name, name) == 0)
                w = x;
        const char *end = w ? strchr(p, '}') : NULL;
        if (!end || (p[1 + name] != '}' && p[1 + name] != ':')) {
            mm_buf_putc(&out, *p++);
            continue;
        }
        /* {NAME:a:b}: "@" in the word's text is a, "#" is b */
        const char *a = p + 1 + name + (p[1 + name] == ':'), *b = memchr(a, ':', (size_t)(end - a));
        const char *arg[2] = {a, b ? b + 1 : end};
        size_t len[2] = {(size_t)((b ? b : end) - a), b ? (size_t)(end - b - 1) : 0};
        for (const char *t = w->text; *t; t++) {
            int i = *t == '@' ? 0 : *t == '#' ? 1 : -1;
            mm_buf_put(&out, i < 0 ? t : arg[i], i < 0 ? 1 : len[i]);
        }
        p = end + 1;
    }
    if (out.failed)
        mm_buf_free(&out);
    else if (!out.data) /* the words came to nothing */
        out.data = strdup("");
    return out.data;
}

int mm_db_exec(mm_store *s, const char *sql, int n, const mm_param *p, mm_row_fn row, void *ctx,
               int64_t *changes)
{
    char *text = NULL;
    if (strchr(sql, '{') && !(sql = text = expand(s->drv, sql)))
        return mm_oom();
    /* a write inside the caller's transaction: under a savepoint, so that a failure leaves
     * the transaction open (PostgreSQL would abort it) */
    bool own = s->in_tx && !s->depth && strncmp(sql, "SELECT", 6) != 0;
    int rc = own ? mm_db_tx_begin(s) : MM_OK;
    if (rc == MM_OK)
        rc = s->drv->exec(s->db, sql, n, p, row, ctx, changes);
    if (own)
        rc = mm_db_tx_end(s, rc);
    free(text);
    return rc;
}

int mm_row_int(void *ctx, int n, const char *const *v, const size_t *len)
{
    (void)len;
    *(int *)ctx = n > 0 && v[0] ? atoi(v[0]) : 0;
    return MM_OK;
}

static int collect(void *ctx, int n, const char *const *v, const size_t *len)
{
    json_t *row = json_array();
    for (int i = 0; row && i < n; i++)
        if (json_array_append_new(row, v[i] ? json_stringn(v[i], len[i]) : json_null())) {
            json_decref(row);
            row = NULL;
        }
    return row && json_array_append_new(ctx, row) == 0 ? MM_OK : mm_oom();
}

int mm_db_rows(mm_store *s, json_t **out, int64_t *changes, const char *sql, int n,
               const mm_param *p)
{
    json_t *rows = out ? json_array() : NULL;
    if (out && !rows)
        return mm_oom();
    int rc = mm_db_exec(s, sql, n, p, out ? collect : NULL, rows, changes);
    if (rc)
        json_decref(rows);
    else if (out)
        *out = rows;
    return rc;
}

int mm_db_int(mm_store *s, int64_t *out, const char *sql, int n, const mm_param *p)
{
    json_t *rows = NULL;
    int rc = mm_db_rows(s, &rows, NULL, sql, n, p);
    *out = rc ? 0 : mm_cell_i64(json_array_get(rows, 0), 0);
    json_decref(rows);
    return rc;
}

int mm_db_row(mm_store *s, json_t **out, const char *notfound, const char *sql, int n,
              const mm_param *p)
{
    json_t *rows = NULL;
    int rc = mm_db_rows(s, &rows, NULL, sql, n, p);
    *out = rc ? NULL : json_incref(json_array_get(rows, 0));
    json_decref(rows);
    if (rc == MM_OK && !*out) {
        mm_error_set("%s", notfound);
        rc = MM_ENOTFOUND;
    }
    return rc;
}

int mm_db_change(mm_store *s, const char *notfound, const char *sql, int n, const mm_param *p)
{
    int64_t changed = 0;
    int rc = mm_db_rows(s, NULL, &changed, sql, n, p);
    if (rc == MM_OK && changed == 0) {
        mm_error_set("%s", notfound);
        rc = MM_ENOTFOUND;
    }
    return rc;
}

/* The message of fmt and ap as the error message. */
__attribute__((format(printf, 1, 0))) static void set_vmessage(const char *fmt, va_list ap)
{
    char msg[600];
    vsnprintf(msg, sizeof msg, fmt, ap);
    mm_error_set("%s", msg);
}

int mm_db_insert(mm_store *s, int64_t *out_id, const char *sql, int n, const mm_param *p,
                 const char *notfound, const char *conflict, ...)
{
    int64_t id = 0;
    int rc = mm_db_int(s, &id, sql, n, p);
    va_list ap;
    va_start(ap, conflict);
    if (rc == MM_ENOTFOUND && notfound)
        mm_error_set("%s", notfound);
    else if (rc == MM_ECONFLICT && conflict)
        set_vmessage(conflict, ap);
    va_end(ap);
    if (out_id)
        *out_id = id;
    return rc;
}

int mm_db_exists(mm_store *s, const char *sql, int n, const mm_param *p, const char *notfound, ...)
{
    int64_t count = 0;
    int rc = mm_db_int(s, &count, sql, n, p);
    va_list ap;
    va_start(ap, notfound);
    if (rc == MM_OK && count == 0) {
        set_vmessage(notfound, ap);
        rc = MM_ENOTFOUND;
    }
    va_end(ap);
    return rc;
}

/* ---- reading rows ------------------------------------------------------------------ */

const char *mm_cell(const json_t *row, size_t i)
{
    return json_string_value(json_array_get(row, i));
}

json_t *mm_cell_text(const json_t *row, size_t i)
{
    json_t *v = json_array_get(row, i);
    return v ? json_incref(v) : json_null();
}

int64_t mm_cell_i64(const json_t *row, size_t i)
{
    const char *t = mm_cell(row, i);
    return t ? strtoll(t, NULL, 10) : 0;
}

json_t *mm_cell_int(const json_t *row, size_t i)
{
    return mm_cell(row, i) ? json_integer(mm_cell_i64(row, i)) : json_null();
}

json_t *mm_cell_json(const json_t *row, size_t i, bool object)
{
    const char *t = mm_cell(row, i);
    json_t *v = t ? json_loads(t, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (!v || (object ? !json_is_object(v) : !json_is_array(v))) {
        json_decref(v);
        v = object ? json_object() : json_array();
    }
    return v;
}

void mm_cell_copy(char *dst, size_t size, const json_t *row, size_t i)
{
    snprintf(dst, size, "%s", mm_cell(row, i) ? mm_cell(row, i) : "");
}

bool mm_cell_bool(const char *v)
{
    return v && (v[0] == 't' || (v[0] >= '1' && v[0] <= '9'));
}

void mm_put(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (!v || json_object_set_new(o, key, v) != 0)
        *ok = false;
}

json_t *mm_row_object(const json_t *row, size_t first, const char *const *keys, const char *types)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    for (size_t c = 0; ok && keys[c]; c++) {
        size_t i = first + c;
        mm_put(o, keys[c],
               types[c] == 'i'   ? mm_cell_int(row, i)
               : types[c] == 'b' ? json_boolean(mm_cell_bool(mm_cell(row, i)))
               : types[c] == 'o' ? mm_cell_json(row, i, true)
               : types[c] == 'a' ? mm_cell_json(row, i, false)
                                 : mm_cell_text(row, i),
               &ok);
    }
    if (!ok)
        json_decref(o);
    return ok ? o : NULL;
}

int mm_db_groups(json_t **out, json_t *rows, const char *const *keys, const char *types,
                 json_t *(*member)(const json_t *row), const char *one)
{
    *out = NULL;
    json_t *list = json_array(), *cur = NULL, *row;
    int rc = list ? MM_OK : mm_oom();
    size_t i;
    json_array_foreach(rows, i, row)
    {
        if (rc)
            break;
        if (!cur || strcmp(json_string_value(json_object_get(cur, keys[0])), mm_cell(row, 0))) {
            bool ok = (cur = mm_row_object(row, 0, keys, types)) != NULL;
            mm_put(cur, "members", json_array(), &ok);
            if (!ok)
                json_decref(cur);
            if (!ok || json_array_append_new(list, cur))
                rc = mm_oom();
        }
        json_t *m = rc == MM_OK && mm_cell(row, strlen(types)) ? member(row) : NULL;
        if (m && json_array_append_new(json_object_get(cur, "members"), m))
            rc = mm_oom();
    }
    json_decref(rows);
    if (rc == MM_OK && one && json_array_size(list) == 0) {
        mm_error_set("%s", one);
        rc = MM_ENOTFOUND;
    }
    if (rc == MM_OK)
        *out = json_incref(one ? json_array_get(list, 0) : list);
    json_decref(list);
    return rc;
}

int mm_db_objects(mm_store *s, json_t **out, const char *sql, int n, const mm_param *p,
                  const char *const *keys, const char *types)
{
    *out = NULL;
    json_t *rows = NULL, *list = json_array();
    int rc = list ? mm_db_rows(s, &rows, NULL, sql, n, p) : mm_oom();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *o = mm_row_object(row, 0, keys, types);
        if (!o || json_array_append_new(list, o)) {
            rc = mm_oom();
            break;
        }
    }
    json_decref(rows);
    if (rc)
        json_decref(list);
    else
        *out = list;
    return rc;
}

/* ---- checks shared by the domain files ---------------------------------------------- */

bool mm_nonempty(const char *s)
{
    return s && s[0];
}

bool mm_is_hex(const char *s, size_t len)
{
    if (!s || strlen(s) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

bool mm_one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

int mm_need(const char *value, const char *what)
{
    if (!mm_nonempty(value)) {
        mm_error_set("%s is required", what);
        return MM_EINVALID;
    }
    return MM_OK;
}

int mm_check_page(const char *what, int64_t offset, int64_t limit)
{
    if (limit < 1 || limit > 1000) {
        mm_error_set("%s: limit %lld is not in 1..1000", what, (long long)limit);
        return MM_EUSAGE;
    }
    if (offset < 0) {
        mm_error_set("%s: offset %lld is negative", what, (long long)offset);
        return MM_EUSAGE;
    }
    return MM_OK;
}

bool mm_json_object_text(const char *text)
{
    /* the database checks with its JSON functions too; here only the shape */
    return text && text[0] == '{';
}

bool mm_store_valid_kind(const char *kind)
{
    return kind && (strcmp(kind, "authority") == 0 || strcmp(kind, "contractor") == 0);
}

bool mm_store_valid_role(const char *role)
{
    static const char *const roles[] = {"authority-admin", "authority-analyst", "contractor-admin",
                                        "contractor-member"};
    return mm_one_of(role, roles, sizeof(roles) / sizeof(roles[0]));
}

/* ---- credentials ----------------------------------------------------------------------- */

void mm_store_new_id(char out[37])
{
    unsigned char b[16];
    (void)mm_crypto_ready(); /* randombytes works without it; this only picks the fastest source */
    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

int mm_password_generate(char *out, size_t size, size_t len)
{
    static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    if (len == 0 || len >= size) {
        mm_error_set("password length %zu does not fit", len);
        return MM_EUSAGE;
    }
    int rc = mm_crypto_ready();
    if (rc)
        return rc;
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof(alphabet) - 1))];
    out[len] = '\0';
    return MM_OK;
}

int mm_password_hash(char out[128], const char *password)
{
    int rc = mm_crypto_ready();
    if (rc)
        return rc;
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        mm_error_set("password hashing ran out of memory");
        return MM_ENOMEM;
    }
    return MM_OK;
}

bool mm_password_verify(const char *hash, const char *password)
{
    if (!hash || !password || mm_crypto_ready())
        return false;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int mm_db_paged(json_t **out, json_t *rows, json_t *(*make)(const json_t *row))
{
    json_t *items = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *o = !items || json_is_null(json_array_get(row, 1)) ? NULL : make(row);
        if (items && o && json_array_append_new(items, o))
            o = NULL;
        if (!items || (!o && !json_is_null(json_array_get(row, 1)))) {
            json_decref(items);
            items = NULL;
        }
    }
    *out = items ? json_pack("{s:I,s:o}", "total",
                             (json_int_t)mm_cell_i64(json_array_get(rows, 0), 0), "items", items)
                 : NULL;
    json_decref(rows);
    return *out ? MM_OK : mm_oom();
}

int mm_db_org_page(mm_store *s, json_t **out, const char *what, const char *org_id, int64_t offset,
                   int64_t limit, const char *sql, json_t *(*make)(const json_t *row))
{
    *out = NULL;
    char need[120];
    snprintf(need, sizeof need, "%s: organization id", what);
    int rc = mm_need(org_id, need);
    if (rc == MM_OK)
        rc = mm_check_page(what, offset, limit);
    json_t *org = NULL, *rows = NULL;
    if (rc == MM_OK)
        rc = mm_store_get_org(s, &org, org_id);
    json_decref(org);
    const mm_param p[] = {P_TEXT(org_id), P_INT(limit), P_INT(offset)};
    if (rc == MM_OK)
        rc = mm_db_rows(s, &rows, NULL, sql, NPARAMS(p), p);
    return rc ? rc : mm_db_paged(out, rows, make);
}
