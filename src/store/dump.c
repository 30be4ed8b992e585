/* The store's portable dump (mamori admin export / import / migrate): the fixed list of
 * tables and columns, the line parser (no database: tests/fuzz/fuzz_dump.c) and the export
 * and import, in SQL built only from the fixed descriptors (never from a dump) with every
 * value a typed parameter. docs/store.md, "Dump format". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "mamori/store.h"
#include "store/driver.h"
#include "util/json.h"

/* ---- the tables, in dependency order ------------------------------------------------ */

/* clang-format off */
#define TEXT(n)  {n, MM_COL_TEXT, false, false}
#define TEXTN(n) {n, MM_COL_TEXT, true, false}
#define INT(n)   {n, MM_COL_INT, false, false}
#define INTN(n)  {n, MM_COL_INT, true, false}
#define BOOL(n)  {n, MM_COL_BOOL, false, false}
#define LATER(n) {n, MM_COL_TEXT, true, true}
/* clang-format on */
#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* One row a table: its name, its key (the first column; rows go in its order), its columns
 * and whether the key is a counter (reset after an import). The organizations come first,
 * the one table with deferred columns: parent_id and latest_submission point at rows that
 * may come later (another organization, a submission), so they are set once every table is
 * in. */
#define COLS(...)                                                                                  \
    (const mm_dump_column[]){__VA_ARGS__},                                                         \
        sizeof((const mm_dump_column[]){__VA_ARGS__}) / sizeof(mm_dump_column)
/* clang-format off */
const mm_dump_table mm_dump_tables[] = {
    {"organizations", "id", COLS(
        TEXT("id"), TEXT("kind"), TEXT("name"), TEXT("identifiers"), LATER("parent_id"),
        TEXT("created"), BOOL("prime_consent"), LATER("latest_submission")), false},
    {"users", "id", COLS(
        INT("id"), TEXT("org_id"), TEXT("login"), TEXT("role"), TEXT("password_hash"),
        INT("failed_logons"), TEXTN("locked_until"), BOOL("disabled"), TEXT("created"),
        BOOL("must_change"), TEXTN("failed_since"), TEXTN("deleted"), TEXTN("deleted_login"),
        TEXTN("login_reusable")), true},
    {"api_tokens", "id", COLS(
        INT("id"), INT("user_id"), TEXT("token_hash"), TEXT("name"), TEXT("created"),
        TEXTN("expires"), TEXTN("revoked")), true},
    {"signing_keys", "id", COLS(
        INT("id"), TEXT("org_id"), TEXT("public_key"), TEXT("created"), TEXTN("revoked"),
        TEXTN("key_id"), TEXT("label")), true},
    {"submissions", "id", COLS(
        TEXT("id"), TEXT("org_id"), INT("key_id"), TEXT("received"), TEXT("body"),
        TEXT("body_hash"), TEXT("signature"), INTN("score"), TEXT("affirmed_by"),
        TEXT("affirmed_on"), TEXTN("supersedes"), TEXTN("framework"), TEXTN("status"),
        TEXTN("assessed"), TEXT("summary")), false},
    {"submission_gaps", "id", COLS(
        INT("id"), TEXT("submission_id"), TEXT("requirement"), TEXT("status")), true},
    {"submission_milestones", "id", COLS(
        INT("id"), TEXT("submission_id"), TEXT("requirement"), TEXT("poam_id"), TEXT("description"),
        TEXT("due"), TEXT("status")), true},
    {"audit_log", "id", COLS(
        INT("id"), TEXT("prev_hash"), TEXT("hash"), TEXT("ts"), TEXT("actor"), TEXT("action"),
        TEXT("object"), TEXT("detail")), false},
    {"server_keys", "id", COLS(
        INT("id"), TEXT("public_key"), TEXT("secret_key"), TEXT("created")), false},
    /* schema 3: sharing (share.c) */
    {"communities", "id", COLS(
        TEXT("id"), TEXT("name"), TEXT("description"), TEXT("created")), false},
    {"community_members", "id", COLS(
        INT("id"), TEXT("community_id"), TEXT("org_id"), TEXT("added")), true},
    {"shared_items", "id", COLS(
        TEXT("id"), TEXT("kind"), TEXT("originator_org"), INTN("originator_user"), TEXT("tlp"),
        TEXTN("community_id"), TEXT("title"), TEXT("body"), TEXT("sources"), TEXT("created"),
        TEXT("modified")), false},
    {"item_recipients", "id", COLS(
        INT("id"), TEXT("item_id"), TEXTN("org_id"), INTN("user_id"), TEXT("added"),
        TEXT("added_by")), true},
    {"item_permissions", "id", COLS(
        INT("id"), TEXT("item_id"), TEXT("grantee_org"), TEXT("what"), TEXT("granted_by"),
        TEXT("granted")), true},
    /* schema 4: incident reports (incident.c) */
    {"incidents", "id", COLS(
        INT("id"), TEXT("item_id"), TEXT("org_id"), TEXT("report_type"), INTN("initial_id"),
        TEXT("report_number"), TEXT("discovered"), INT("discovered_offset"), TEXT("reported"),
        TEXT("due"), TEXT("preserve_until"), TEXT("body"), TEXTN("sub_report_number"),
        TEXT("created")), true},
    /* schema 5: re-shares (need-to-know) */
    {"item_reshares", "id", COLS(
        INT("id"), TEXT("item_id"), TEXT("from_org"), TEXT("to_org"), TEXT("reshared_by"),
        TEXT("reshared")), true},
    /* schema 6: annual affirmations (affirmations.c) */
    {"affirmations", "id", COLS(
        TEXT("id"), TEXT("org_id"), TEXT("submission_id"), INT("key_id"), TEXT("affirmed_by"),
        TEXT("affirmed_on"), TEXT("received"), TEXT("received_by"), TEXT("body"), TEXT("body_hash"),
        TEXT("signature")), false},
    /* schema 10: IoT products and their labels (products.c) */
    {"products", "id", COLS(
        TEXT("id"), TEXT("org_id"), TEXT("name"), TEXT("model"), TEXT("firmware"), TEXT("created"),
        TEXT("created_by")), false},
    {"product_labels", "id", COLS(
        INT("id"), TEXT("product_id"), TEXT("scheme"), TEXT("level"), TEXT("label_id"),
        TEXT("issued"), TEXTN("expires"), TEXTN("evidence_sha256"), TEXTN("evidence_ref"),
        TEXT("added"), TEXT("added_by")), true},
    /* schema 11: TAXII 2.1 status resources, the federation log (taxii.c) */
    {"taxii_status", "id", COLS(
        TEXT("id"), INT("user_id"), TEXT("org_id"), TEXT("collection"), TEXT("created"),
        TEXT("body")), false},
    {"federation_log", "id", COLS(
        INT("id"), TEXT("peer"), TEXT("direction"), TEXT("ref"), TEXTN("item_id"),
        TEXT("at")), true},
    /* schema 12: clearances and gated items (gates.c) */
    {"clearances", "id", COLS(
        INT("id"), INTN("user_id"), TEXTN("org_id"), TEXT("regime"), TEXT("level"),
        TEXT("granting_body"), TEXT("granted"), TEXTN("expires"), TEXT("evidence"),
        TEXT("recorded"), TEXT("recorded_by"), TEXTN("revoked")), true},
    {"clearance_policy", "id", COLS(
        INT("id"), TEXT("held_regime"), TEXT("held_level"), TEXT("required_regime"),
        TEXT("required_level"), TEXT("source"), TEXT("added"), TEXT("added_by")), true},
    {"ntk_groups", "id", COLS(
        TEXT("id"), TEXT("name"), TEXT("owner_org"), BOOL("hide_members"), TEXT("created")), false},
    {"ntk_members", "id", COLS(
        INT("id"), TEXT("group_id"), INT("user_id"), BOOL("manager"), TEXT("added"),
        TEXT("added_by")), true},
    {"item_gates", "item_id", COLS(
        TEXT("item_id"), TEXTN("clearance_regime"), TEXTN("clearance_level"), BOOL("facility"),
        TEXTN("ntk_group"), TEXT("nationalities"), TEXT("org_countries")), false},
    {"user_nationality", "user_id", COLS(INT("user_id"), TEXT("nationality")), false},
    /* schema 13: the supply chain (supply.c) */
    {"supply_edges", "id", COLS(
        TEXT("id"), TEXT("supplier_id"), TEXT("customer_id"), TEXT("contract"), TEXT("clauses"),
        TEXT("handles"), INTN("tier_hint"), TEXTN("since"), TEXTN("until"), TEXT("state"),
        TEXT("created"), TEXT("created_by"), TEXTN("confirmed"), TEXTN("confirmed_by"),
        TEXTN("ended"), TEXTN("ended_by")), false},
    {"supply_consent", "id", COLS(
        INT("id"), TEXT("supplier_id"), TEXT("customer_id"), INT("pass_up"), TEXT("granted"),
        TEXT("granted_by")), true},
    {"clause_statements", "clause_id", COLS(
        TEXT("clause_id"), TEXT("text"), TEXTN("check_rule"), TEXT("stated"),
        TEXT("stated_by")), false},
    {"org_profiles", "org_id", COLS(TEXT("org_id"), TEXTN("sector"), TEXTN("country")), false},
    {"notifications", "id", COLS(
        INT("id"), TEXT("recipient_org"), TEXT("kind"), TEXT("subject"), TEXT("detail"),
        TEXT("created"), TEXTN("read"), TEXTN("cause"), TEXTN("fanned")), true},
    /* schema 16: sectors, designations, installation plans (screen.c) */
    {"org_sectors", "org_id", COLS(
        TEXT("org_id"), TEXT("sector"), TEXTN("designated"), TEXTN("ministry"), TEXT("recorded"),
        TEXT("recorded_by")), false},
    {"install_plans", "id", COLS(
        TEXT("id"), TEXT("operator_id"), TEXT("sector"), TEXT("plan"), TEXT("state"), TEXT("filed"),
        TEXT("filed_by"), TEXT("due"), TEXT("updated")), false},
    {"install_plan_events", "id", COLS(
        INT("id"), TEXT("plan_id"), TEXT("at"), TEXT("by_user"), TEXTN("from_state"),
        TEXT("to_state"), TEXT("due"), TEXTN("reason")), true},
    /* schema 17: notifications delivered (src/store/notify.c) */
    {"notify_prefs", "user_id", COLS(
        INT("user_id"), TEXT("events"), TEXT("channels"), TEXTN("email"), TEXT("lang"),
        TEXT("digest"), TEXTN("webhook_url"), TEXTN("webhook_secret"), TEXT("updated")), false},
    {"notify_outbox", "id", COLS(
        INT("id"), INT("notification_id"), INT("user_id"), TEXT("channel"), TEXT("digest"),
        TEXT("state"), INT("attempts"), TEXT("next_attempt"), TEXTN("lease_until"), TEXT("created"),
        TEXTN("sent")), true},
    {"notify_attempts", "id", COLS(
        INT("id"), INT("outbox_id"), TEXT("at"), INT("ok"), TEXT("result")), true},
    /* schema 18: read marks per user (notify.c) */
    {"notification_reads", "user_id, notification_id", COLS(
        INT("user_id"), INT("notification_id"), TEXT("at")), false},
    {"notification_read_marks", "user_id", COLS(INT("user_id"), INT("upto"), TEXT("at")), false},
};
/* clang-format on */
const size_t mm_dump_ntables = NCOLS(mm_dump_tables);

_Static_assert(NCOLS(mm_dump_tables) <= MM_DUMP_MAX_TABLES, "MM_DUMP_MAX_TABLES");

size_t mm_dump_table_count(void)
{
    return mm_dump_ntables;
}

#define DUMP_KIND  "mamori-dump"
#define TRAIL_KIND "mamori-dump-end"
#define VERSION    1

/* ---- the line parser (outside input: fuzzed) ---------------------------------------- */

void mm_dump_line_clear(mm_dump_line *l)
{
    if (!l)
        return;
    json_decref(l->row);
    memset(l, 0, sizeof(*l));
}

static int bad(json_t *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets the message, frees j (may be NULL): MM_EINVALID. */
static int bad(json_t *j, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mm_error_set("%s", msg);
    json_decref(j);
    return MM_EINVALID;
}

static bool only_keys(json_t *o, const char *const *keys)
{
    size_t n = 0;
    for (; keys[n]; n++)
        if (!json_object_get(o, keys[n]))
            return false;
    return json_object_size(o) == n;
}

/* The index of the table called name, or mm_dump_ntables. */
static size_t find_table(const char *name)
{
    size_t i = 0;
    while (i < mm_dump_ntables && !(name && strcmp(mm_dump_tables[i].name, name) == 0))
        i++;
    return i;
}

static int parse_header(mm_dump_line *out, json_t *j)
{
    static const char *const keys[] = {"kind", "version", "schema", "exported", "tables", NULL};
    if (!only_keys(j, keys))
        return bad(j, "header: expected exactly kind, version, schema, exported, tables");
    json_t *v = json_object_get(j, "version");
    if (!json_is_integer(v) || json_integer_value(v) != VERSION)
        return bad(j, "header: the dump format version is not 1");
    json_t *sc = json_object_get(j, "schema");
    if (!json_is_integer(sc) || json_integer_value(sc) < 1 || json_integer_value(sc) > 1000)
        return bad(j, "header: schema must be a whole number (1 to 1000)");
    if (!json_is_string(json_object_get(j, "exported")))
        return bad(j, "header: exported must be a time (string)");
    json_t *t = json_object_get(j, "tables");
    if (!json_is_array(t) || json_array_size(t) != mm_dump_ntables)
        return bad(j, "header: tables must list the tables of this format");
    for (size_t i = 0; i < mm_dump_ntables; i++)
        if (find_table(json_string_value(json_array_get(t, i))) != i)
            return bad(j, "header: tables[] must be, in order, the tables of this format (%s...)",
                       mm_dump_tables[0].name);
    out->kind = MM_DUMP_HEADER;
    out->schema = (int)json_integer_value(sc);
    json_decref(j);
    return MM_OK;
}

static int parse_trailer(mm_dump_line *out, json_t *j)
{
    static const char *const keys[] = {"kind", "rows", "sha256", NULL};
    if (!only_keys(j, keys))
        return bad(j, "trailer: expected exactly kind, rows, sha256");
    json_t *rows = json_object_get(j, "rows");
    if (!json_is_object(rows) || json_object_size(rows) != mm_dump_ntables)
        return bad(j, "trailer: rows must give the count of each table");
    for (size_t i = 0; i < mm_dump_ntables; i++) {
        json_t *c = json_object_get(rows, mm_dump_tables[i].name);
        if (!json_is_integer(c) || json_integer_value(c) < 0)
            return bad(j, "trailer: rows.%s must be a count", mm_dump_tables[i].name);
        out->counts[i] = json_integer_value(c);
    }
    json_t *h = json_object_get(j, "sha256");
    if (!json_is_string(h) || !mm_is_hex(json_string_value(h), 64))
        return bad(j, "trailer: sha256 must be 64 lowercase hex digits");
    snprintf(out->sha256, sizeof(out->sha256), "%s", json_string_value(h));
    out->kind = MM_DUMP_TRAILER;
    json_decref(j);
    return MM_OK;
}

static int parse_row(mm_dump_line *out, json_t *j)
{
    static const char *const keys[] = {"table", "row", NULL};
    if (!only_keys(j, keys))
        return bad(j, "expected a header, a row {\"table\", \"row\"} or the trailer");
    size_t ti = find_table(json_string_value(json_object_get(j, "table")));
    if (ti == mm_dump_ntables)
        return bad(j, "table: not a table of this format");
    const mm_dump_table *t = &mm_dump_tables[ti];
    json_t *row = json_object_get(j, "row");
    if (!json_is_object(row) || json_object_size(row) != t->ncols)
        return bad(j, "%s: row must be an object of exactly the table's columns", t->name);
    for (size_t c = 0; c < t->ncols; c++) {
        const mm_dump_column *col = &t->cols[c];
        json_t *v = json_object_get(row, col->name);
        bool text = col->type == MM_COL_TEXT, whole = col->type == MM_COL_INT;
        bool ok = v && (json_is_null(v) ? col->nullable
                        : text          ? json_is_string(v) &&
                                     strlen(json_string_value(v)) == json_string_length(v)
                        : whole ? json_is_integer(v)
                                : json_is_boolean(v));
        if (!ok)
            return bad(j, "%s.%s: missing, or not %s", t->name, col->name,
                       text    ? "text"
                       : whole ? "a whole number"
                               : "true or false");
    }
    out->kind = MM_DUMP_ROW;
    out->table = ti;
    out->row = json_incref(row);
    json_decref(j);
    return MM_OK;
}

int mm_dump_parse_line(mm_dump_line *out, const char *line, size_t len)
{
    memset(out, 0, sizeof(*out));
    /* jansson refuses "\u0000" in strings (no JSON_ALLOW_NUL) and anything after the value */
    json_t *j;
    if (mm_json_load(&j, line, len, "not a JSON line", 0))
        return MM_EINVALID;
    if (!json_is_object(j))
        return bad(j, "not a JSON object");
    json_t *kind = json_object_get(j, "kind");
    if (!kind)
        return parse_row(out, j);
    if (json_is_string(kind) && strcmp(json_string_value(kind), DUMP_KIND) == 0)
        return parse_header(out, j);
    if (json_is_string(kind) && strcmp(json_string_value(kind), TRAIL_KIND) == 0)
        return parse_trailer(out, j);
    return bad(j, "kind: not \"" DUMP_KIND "\" or \"" TRAIL_KIND "\"");
}

/* ---- the database side: SQL text from the descriptors, values as parameters ---------- */

enum { Q_SELECT, Q_INSERT, Q_LINK };

static void add(char sql[1024], size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Appends to sql at *len; *len passes 1023 when it does not fit. */
static void add(char sql[1024], size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (*len < 1024)
        *len += (size_t)vsnprintf(sql + *len, 1024 - *len, fmt, ap);
    va_end(ap);
}

/* The statement of kind for t: its rows by key (Q_SELECT), one row (Q_INSERT: $1..$n for
 * every column) or the deferred columns of the row with a key (Q_LINK: $1..$k, the key
 * $k+1). *n gets the count of parameters. MM_ERROR when it does not fit. */
static int table_sql(char sql[1024], int *n, const mm_dump_table *t, int kind)
{
    size_t len = 0;
    *n = 0;
    if (kind == Q_SELECT)
        add(sql, &len, "SELECT ");
    else
        add(sql, &len, "%s %s%s", kind == Q_INSERT ? "INSERT INTO" : "UPDATE", t->name,
            kind == Q_INSERT ? " (" : " SET ");
    for (size_t c = 0; c < t->ncols; c++) {
        if (kind == Q_LINK && !t->cols[c].deferred)
            continue;
        add(sql, &len, "%s%s", (*n)++ ? ", " : "", t->cols[c].name);
        if (kind == Q_LINK)
            add(sql, &len, " = $%d", *n);
    }
    for (int i = 0; kind == Q_INSERT && i < *n; i++)
        add(sql, &len, "%s$%d", i ? ", " : ") VALUES (", i + 1);
    if (kind == Q_SELECT)
        add(sql, &len, " FROM %s ORDER BY %s", t->name, t->key);
    else if (kind == Q_INSERT)
        add(sql, &len, ")");
    else
        add(sql, &len, " WHERE %s = $%d", t->key, *n + 1);
    if (len < 1024)
        return MM_OK;
    mm_error_set("%s: the dump statement is too long", t->name);
    return MM_ERROR;
}

static mm_param dump_param(const mm_dump_column *c, json_t *v)
{
    if (!v || json_is_null(v))
        return c->type == MM_COL_TEXT ? P_TEXT(NULL) : P_NULL;
    if (c->type == MM_COL_INT)
        return P_INT(json_integer_value(v));
    if (c->type == MM_COL_BOOL)
        return P_BOOL(json_is_true(v));
    return P_TEXT(json_string_value(v));
}

/* Inserts one row as it is (ids too; deferred columns as NULL), or with link, sets the
 * deferred columns of the row with its key (once every table is in). */
static int put_row(mm_store *s, const mm_dump_table *t, json_t *row, bool link)
{
    char sql[1024];
    mm_param p[32]; /* the widest table has 15 columns */
    int n = 0, k = 0;
    bool any = !link;
    int rc = t->ncols < NCOLS(p) ? table_sql(sql, &n, t, link ? Q_LINK : Q_INSERT) : MM_ERROR;
    for (size_t c = 0; rc == MM_OK && c < t->ncols; c++) {
        json_t *v = json_object_get(row, t->cols[c].name);
        if (link && t->cols[c].deferred)
            any = any || !json_is_null(v);
        if (!link || t->cols[c].deferred)
            p[k++] = dump_param(&t->cols[c], !link && t->cols[c].deferred ? NULL : v);
    }
    if (link)
        p[k++] = dump_param(&t->cols[0], json_object_get(row, t->key));
    return rc || !any ? rc : s->drv->exec(s->db, sql, k, p, NULL, NULL, NULL);
}

/* ---- export ------------------------------------------------------------------------- */

typedef struct writer {
    FILE *f;
    crypto_hash_sha256_state h;
    int64_t counts[MM_DUMP_MAX_TABLES];
    int64_t rows;
    const mm_dump_table *t; /* the table being read */
} writer;

/* Writes obj (consumed; NULL: out of memory) as one compact line (members in insertion
 * order, UTF-8 as it is), hashed unless it is the trailer. */
static int write_line(writer *w, json_t *obj, bool hashed)
{
    char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (!text) {
        mm_error_set("out of memory (or text that is not UTF-8)");
        return MM_ENOMEM;
    }
    size_t n = strlen(text);
    int rc = MM_OK;
    if (fwrite(text, 1, n, w->f) != n || fputc('\n', w->f) == EOF) {
        mm_error_set("writing the dump failed");
        rc = MM_EIO;
    }
    if (hashed) {
        crypto_hash_sha256_update(&w->h, (const unsigned char *)text, n);
        crypto_hash_sha256_update(&w->h, (const unsigned char *)"\n", 1);
    }
    free(text);
    return rc;
}

/* A row of w->t's SELECT, written as {"table", "row"}. */
static int export_row(void *ctx, int n, const char *const *v, const size_t *len)
{
    writer *w = ctx;
    const mm_dump_table *t = w->t;
    json_t *o = json_object();
    int rc = o ? MM_OK : mm_oom();
    for (size_t c = 0; rc == MM_OK && c < t->ncols && (int)c < n; c++) {
        const mm_dump_column *col = &t->cols[c];
        json_t *x = !v[c]                      ? json_null()
                    : col->type == MM_COL_INT  ? json_integer(strtoll(v[c], NULL, 10))
                    : col->type == MM_COL_BOOL ? json_boolean(mm_cell_bool(v[c]))
                                               : json_stringn(v[c], len[c]);
        if (!x || json_object_set_new(o, col->name, x)) {
            mm_error_set("%s.%s of a row is not UTF-8 text (or out of memory)", t->name, col->name);
            rc = MM_EINVALID;
        }
    }
    if (rc == MM_OK)
        rc = write_line(w, json_pack("{s:s,s:O}", "table", t->name, "row", o), true);
    json_decref(o);
    if (rc == MM_OK) {
        w->counts[t - mm_dump_tables]++;
        w->rows++;
    }
    return rc;
}

int mm_store_export(mm_store *s, FILE *f, const char *exported, mm_dump_stats *out)
{
    memset(out, 0, sizeof(*out));
    mm_audit_report rep;
    int rc = mm_store_audit_verify(s, &rep);
    if (rc)
        return rc;
    if (rep.bad_id) {
        mm_error_set("the audit log does not verify (record %lld: %s): not exported",
                     (long long)rep.bad_id, rep.what);
        return MM_EINVALID;
    }
    if ((rc = mm_store_schema_version(s, &out->schema)))
        return rc;
    if (s->in_tx) {
        mm_error_set("export inside a transaction");
        return MM_EUSAGE;
    }
    writer w = {.f = f};
    crypto_hash_sha256_init(&w.h);
    json_t *tables = json_array();
    for (size_t i = 0; tables && i < mm_dump_ntables; i++)
        json_array_append_new(tables, json_string(mm_dump_tables[i].name));
    rc = write_line(&w,
                    json_pack("{s:s,s:i,s:i,s:s,s:o}", "kind", DUMP_KIND, "version", VERSION,
                              "schema", out->schema, "exported", exported, "tables", tables),
                    true);
    /* every row of every table, each by its key, from one read snapshot */
    if (rc == MM_OK && (rc = s->drv->begin(s->db, MM_TX_READ)) == MM_OK) {
        for (size_t i = 0; rc == MM_OK && i < mm_dump_ntables; i++) {
            char sql[1024];
            int n = 0;
            w.t = &mm_dump_tables[i];
            if ((rc = table_sql(sql, &n, w.t, Q_SELECT)) == MM_OK)
                rc = mm_db_exec(s, sql, 0, NULL, export_row, &w, NULL);
        }
        s->drv->rollback(s->db);
    }
    if (rc)
        return rc;
    unsigned char digest[32];
    crypto_hash_sha256_final(&w.h, digest);
    sodium_bin2hex(out->sha256, sizeof(out->sha256), digest, sizeof(digest));
    json_t *counts = json_object();
    for (size_t i = 0; counts && i < mm_dump_ntables; i++)
        json_object_set_new(counts, mm_dump_tables[i].name, json_integer(w.counts[i]));
    rc = write_line(
        &w, json_pack("{s:s,s:o,s:s}", "kind", TRAIL_KIND, "rows", counts, "sha256", out->sha256),
        false);
    if (rc == MM_OK && (fflush(f) != 0 || ferror(f))) {
        mm_error_set("writing the dump failed");
        rc = MM_EIO;
    }
    out->rows = w.rows;
    out->audit_records = w.counts[find_table("audit_log")];
    return rc;
}

/* ---- import ------------------------------------------------------------------------- */

typedef struct importer {
    mm_store *s;
    mm_dump_stats *out;
    crypto_hash_sha256_state h;
    int64_t counts[MM_DUMP_MAX_TABLES];
    json_t *later; /* rows with deferred columns, set at the end */
    size_t table;  /* the table of the last row */
    bool header, trailer;
} importer;

/* One parsed line, in its place in the dump. */
static int import_line(importer *im, const mm_dump_line *l)
{
    if (!im->header && l->kind != MM_DUMP_HEADER)
        return bad(NULL, "the first line is not a mamori dump header");
    if (l->kind == MM_DUMP_HEADER) {
        if (im->header)
            return bad(NULL, "a second header");
        im->header = true;
        im->out->schema = l->schema;
        if (l->schema != mm_store_schema_latest())
            return bad(NULL,
                       "a dump of schema %d; this mamori imports schema %d (export it with "
                       "the same version of mamori)",
                       l->schema, mm_store_schema_latest());
        return MM_OK;
    }
    if (l->kind == MM_DUMP_ROW) {
        if (l->table < im->table)
            return bad(NULL, "a %s row after the %s rows: tables must come in the header's order",
                       mm_dump_tables[l->table].name, mm_dump_tables[im->table].name);
        const mm_dump_table *t = &mm_dump_tables[im->table = l->table];
        im->counts[l->table]++;
        im->out->rows++;
        int rc = put_row(im->s, t, l->row, false);
        return rc == MM_OK && t == mm_dump_tables && json_array_append(im->later, l->row)
                   ? MM_ENOMEM
                   : rc;
    }
    im->trailer = true;
    unsigned char digest[32];
    crypto_hash_sha256_final(&im->h, digest);
    sodium_bin2hex(im->out->sha256, sizeof(im->out->sha256), digest, sizeof(digest));
    if (strcmp(im->out->sha256, l->sha256) != 0)
        return bad(NULL,
                   "the trailer's sha256 %s is not that of the lines before it (%s): "
                   "the dump was changed or damaged",
                   l->sha256, im->out->sha256);
    for (size_t i = 0; i < mm_dump_ntables; i++)
        if (im->counts[i] != l->counts[i])
            return bad(NULL, "the trailer counts %lld %s rows; the dump has %lld",
                       (long long)l->counts[i], mm_dump_tables[i].name, (long long)im->counts[i]);
    return MM_OK;
}

static int import_lines(importer *im, FILE *f, const char *name)
{
    char *buf = NULL;
    size_t cap = 0;
    long long lineno = 0;
    ssize_t n;
    int rc = MM_OK;
    while (rc == MM_OK && (n = getline(&buf, &cap, f)) >= 0) {
        lineno++;
        mm_dump_line l = {0};
        if (im->trailer)
            rc = bad(NULL, "data after the trailer");
        else if (buf[n - 1] != '\n')
            rc = bad(NULL, "the last line has no newline: the dump is truncated");
        else if ((rc = mm_dump_parse_line(&l, buf, (size_t)n - 1)) == MM_OK)
            rc = import_line(im, &l);
        if (rc == MM_OK && l.kind != MM_DUMP_TRAILER)
            crypto_hash_sha256_update(&im->h, (const unsigned char *)buf, (size_t)n);
        mm_dump_line_clear(&l);
    }
    free(buf);
    if (rc) { /* "name:line: what" */
        char msg[600];
        snprintf(msg, sizeof(msg), "%s", mm_error_last());
        mm_error_set("%s:%lld: %s", name, lineno, msg);
    } else if (ferror(f)) {
        mm_error_set("%s: read error", name);
        rc = MM_EIO;
    } else if (!im->trailer) {
        mm_error_set("%s: the dump ends before its trailer (after %lld lines): truncated", name,
                     lineno);
        rc = MM_EINVALID;
    }
    /* the links (organizations' parent and latest submission), then the id counters */
    size_t i;
    json_t *row;
    json_array_foreach(im->later, i, row)
    {
        if (rc == MM_OK)
            rc = put_row(im->s, &mm_dump_tables[0], row, true);
    }
    /* the latest submission's copy on each organization's row (not in the dump: derived) */
    if (rc == MM_OK)
        rc = mm_db_exec(im->s, MM_ORG_LATEST_REFRESH, 0, NULL, NULL, NULL, NULL);
    for (size_t t = 0; rc == MM_OK && t < mm_dump_ntables; t++)
        if (mm_dump_tables[t].identity)
            rc = im->s->drv->reset_sequence(im->s->db, mm_dump_tables[t].name,
                                            mm_dump_tables[t].key);
    im->out->audit_records = im->counts[find_table("audit_log")];
    return rc;
}

int mm_store_import(mm_store *s, FILE *f, const char *name, mm_dump_stats *out)
{
    memset(out, 0, sizeof(*out));
    importer im = {.s = s, .out = out, .later = json_array()};
    crypto_hash_sha256_init(&im.h);
    int rc = im.later ? mm_store_begin(s) : mm_oom();
    /* every table of the dump, and sessions, must be empty */
    int64_t rows = 0;
    const char *what = "sessions";
    for (size_t i = 0; rc == MM_OK && !rows && i <= mm_dump_ntables; i++) {
        what = i < mm_dump_ntables ? mm_dump_tables[i].name : "sessions";
        char sql[160];
        snprintf(sql, sizeof(sql), "SELECT CASE WHEN EXISTS (SELECT 1 FROM %s) THEN 1 ELSE 0 END",
                 what);
        rc = mm_db_int(s, &rows, sql, 0, NULL);
    }
    if (rc == MM_OK && rows) {
        mm_error_set("the database is not empty (%s has rows): a dump is imported only into a "
                     "new, empty database",
                     what);
        rc = MM_ECONFLICT;
    }
    if (rc == MM_OK)
        rc = import_lines(&im, f, name);
    json_decref(im.later);
    mm_audit_report rep;
    if (rc == MM_OK && (rc = mm_store_audit_verify(s, &rep)) == MM_OK && rep.bad_id) {
        mm_error_set("%s: the imported audit log does not verify (record %lld: %s): nothing "
                     "imported",
                     name, (long long)rep.bad_id, rep.what);
        rc = MM_EINVALID;
    }
    if (rc == MM_OK)
        return mm_store_commit(s);
    mm_store_rollback(s);
    return rc;
}
