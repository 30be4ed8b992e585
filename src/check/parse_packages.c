/*
 * Installed packages: dpkg's status file and RPM's SQLite database (rpm >= 4.16: RHEL 9,
 * Fedora 33+). The RPM database is opened read-only and immutable (no journal, WAL or
 * lock file is ever created, nothing is written) after every component of its path was
 * checked with mm_root_lstat to be a real folder or file, not a symbolic link: SQLite opens
 * the path itself, so no link may take it out of the root. Immutable also means that
 * changes still in rpmdb.sqlite-wal (rpm running, or killed before its checkpoint) are not
 * seen. The older BerkeleyDB and ndb formats are not read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "check/parse_b.h"
#include "check/probe.h"
#include "mamori/error.h"

#define WS " \t\r\v\f"

/* ---- dpkg ------------------------------------------------------------------------------- */

typedef struct stanza {
    mm_buf package, version, status;
    int line;
} stanza;

static bool installed(const char *status)
{
    /* "want flag state": the third word tells whether the files are on disk */
    const char *s = status;
    for (int i = 0; i < 2; i++) {
        s += strspn(s, WS);
        s += strcspn(s, WS);
    }
    s += strspn(s, WS);
    size_t n = strcspn(s, WS);
    return n == 9 && strncmp(s, "installed", 9) == 0;
}

static int flush(mm_facts *out, stanza *st, const char *file)
{
    int rc = MM_OK;
    if (st->package.failed || st->version.failed || st->status.failed)
        rc = MM_ENOMEM;
    else if (st->package.len && installed(mm_buf_cstr(&st->status)))
        rc = mm_facts_add(out, st->package.data, mm_buf_cstr(&st->version), file, st->line, NULL);
    mm_buf_reset(&st->package);
    mm_buf_reset(&st->version);
    mm_buf_reset(&st->status);
    st->line = 0;
    return rc;
}

static void set_field(mm_buf *b, const char *v, size_t n)
{
    while (n > 0 && strchr(WS, *v)) {
        v++;
        n--;
    }
    while (n > 0 && strchr(WS, v[n - 1]))
        n--;
    mm_buf_reset(b);
    mm_buf_put(b, v, n);
}

int mm_parse_dpkg_status_text(mm_facts *out, const char *data, size_t len, const char *file)
{
    const char *p = data, *end = data + len, *s;
    size_t n;
    int lineno = 0, rc = MM_OK;
    stanza st = {MM_BUF_INIT, MM_BUF_INIT, MM_BUF_INIT, 0};
    while (!rc && mm_next_line(&p, end, &s, &n)) {
        lineno++;
        const char *nul = memchr(s, '\0', n);
        if (nul)
            n = (size_t)(nul - s);
        size_t b = 0;
        while (b < n && strchr(WS, s[b]))
            b++;
        if (b == n) { /* a blank line ends the stanza */
            rc = flush(out, &st, file);
            continue;
        }
        if (b > 0)
            continue; /* a continuation line (Description, Conffiles, ...) */
        const char *colon = memchr(s, ':', n);
        if (!colon)
            continue;
        size_t k = (size_t)(colon - s), vn = n - k - 1;
        if (k == 7 && strncasecmp(s, "Package", 7) == 0) {
            set_field(&st.package, colon + 1, vn);
            st.line = lineno;
        } else if (k == 7 && strncasecmp(s, "Version", 7) == 0) {
            set_field(&st.version, colon + 1, vn);
        } else if (k == 6 && strncasecmp(s, "Status", 6) == 0) {
            set_field(&st.status, colon + 1, vn);
        }
    }
    if (!rc)
        rc = flush(out, &st, file);
    mm_buf_free(&st.package);
    mm_buf_free(&st.version);
    mm_buf_free(&st.status);
    return rc;
}

/* ---- RPM headers ------------------------------------------------------------------------ */

#define RPMTAG_NAME    1000
#define RPMTAG_VERSION 1001
#define RPMTAG_RELEASE 1002
#define RPMTAG_EPOCH   1003

#define RPM_INT32_TYPE        4
#define RPM_STRING_TYPE       6
#define RPM_STRING_ARRAY_TYPE 8
#define RPM_I18NSTRING_TYPE   9

#define RPM_MAX_TAGS 0xffffu /* rpm's own limits (hdrchkTags, hdrchkData) */
#define RPM_MAX_DATA (256u * 1024 * 1024)

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int bad_header(const char *why)
{
    mm_error_set("RPM header: %s", why);
    return MM_EPARSE;
}

int mm_rpm_header_parse(const uint8_t *blob, size_t len, char **name, char **evr)
{
    *name = *evr = NULL;
    if (len < 8)
        return bad_header("shorter than its 8-byte preamble");
    uint32_t il = be32(blob), dl = be32(blob + 4);
    if (il == 0 || il > RPM_MAX_TAGS || dl > RPM_MAX_DATA)
        return bad_header("index or data size out of range");
    uint64_t need = 8 + (uint64_t)il * 16 + dl;
    if (need > len)
        return bad_header("index or data store past the end of the blob");
    const uint8_t *index = blob + 8, *store = index + (size_t)il * 16;
    const char *str[3] = {NULL, NULL, NULL}; /* name, version, release */
    bool has_epoch = false;
    uint32_t epoch = 0;
    for (uint32_t i = 0; i < il; i++) {
        const uint8_t *e = index + (size_t)i * 16;
        uint32_t tag = be32(e), type = be32(e + 4), off = be32(e + 8), count = be32(e + 12);
        if (tag >= RPMTAG_NAME && tag <= RPMTAG_RELEASE) {
            const char **slot = &str[tag - RPMTAG_NAME];
            if (*slot)
                continue; /* the first one counts */
            if (type != RPM_STRING_TYPE && type != RPM_STRING_ARRAY_TYPE &&
                type != RPM_I18NSTRING_TYPE)
                return bad_header("NAME, VERSION or RELEASE is not a string");
            if (count == 0 || off >= dl || !memchr(store + off, '\0', dl - off))
                return bad_header("a string runs past the data store");
            *slot = (const char *)(store + off);
        } else if (tag == RPMTAG_EPOCH && !has_epoch) {
            if (type != RPM_INT32_TYPE || count == 0)
                return bad_header("EPOCH is not a 32-bit integer");
            if (dl < 4 || off > dl - 4)
                return bad_header("EPOCH lies past the data store");
            epoch = be32(store + off);
            has_epoch = true;
        }
    }
    if (!str[0] || !str[1] || !str[2])
        return bad_header("NAME, VERSION or RELEASE missing");
    if (!*str[0])
        return bad_header("empty NAME");
    mm_buf b = MM_BUF_INIT;
    if (has_epoch)
        mm_buf_printf(&b, "%lu:", (unsigned long)epoch);
    mm_buf_printf(&b, "%s-%s", str[1], str[2]);
    *name = strdup(str[0]);
    if (b.failed || !*name) {
        free(*name);
        *name = NULL;
        mm_buf_free(&b);
        return MM_ENOMEM;
    }
    *evr = b.data;
    return MM_OK;
}

/* ---- the RPM database ------------------------------------------------------------------ */

/* MM_OK when every component of path under r is a real folder (or, for the last, a regular
 * file) and no symbolic link; MM_ENOTFOUND when one is absent; MM_EIO otherwise. */
static int check_no_links(const mm_root *r, const char *path)
{
    char part[512];
    size_t n = strlen(path);
    if (n >= sizeof(part))
        return MM_EIO;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && path[i] != '/')
            continue;
        memcpy(part, path, i);
        part[i] = '\0';
        struct stat st;
        int rc = mm_root_lstat(r, part, &st);
        if (rc)
            return rc;
        bool last = i == n;
        if (S_ISLNK(st.st_mode) || (last ? !S_ISREG(st.st_mode) : !S_ISDIR(st.st_mode))) {
            mm_error_set("%s: %s, not opened", part,
                         S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file");
            return MM_EIO;
        }
    }
    return MM_OK;
}

/* "file:" URI of the real path of path under r, percent-encoded, read-only, immutable. */
static char *db_uri(const mm_root *r, const char *path)
{
    const char *root = mm_root_path(r);
    size_t rl = strlen(root);
    while (rl > 0 && root[rl - 1] == '/')
        rl--;
    mm_buf b = MM_BUF_INIT;
    mm_buf_puts(&b, "file:");
    for (int pass = 0; pass < 2; pass++) {
        const char *s = pass ? path : root;
        size_t n = pass ? strlen(path) : rl;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                strchr("/-._~", c))
                mm_buf_putc(&b, (char)c);
            else
                mm_buf_printf(&b, "%%%02X", c);
        }
    }
    mm_buf_puts(&b, "?mode=ro&immutable=1");
    if (b.failed) {
        mm_buf_free(&b);
        return NULL;
    }
    return b.data;
}

static int rpm_sqlite(mm_facts *out, const mm_root *r, const char *path)
{
    int rc = check_no_links(r, path);
    if (rc)
        return rc;
    char *uri = db_uri(r, path);
    if (!uri)
        return MM_ENOMEM;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    char *name = NULL, *evr = NULL;
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
        mm_error_set("%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
        rc = MM_EIO;
        goto done;
    }
    /* the file is outside input: no trust in its schema */
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    if (sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &q, NULL) !=
        SQLITE_OK) {
        mm_error_set("%s: %s", path, sqlite3_errmsg(db));
        rc = MM_EIO;
        goto done;
    }
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(q, 1);
        int n = sqlite3_column_bytes(q, 1);
        if (!blob || n <= 0 ||
            (rc = mm_rpm_header_parse(blob, (size_t)n, &name, &evr)) == MM_EPARSE) {
            char why[256];
            snprintf(why, sizeof(why), "%s", blob && n > 0 ? mm_error_last() : "empty header");
            mm_error_set("%s: package %lld: %s", path, (long long)sqlite3_column_int64(q, 0), why);
            rc = MM_EIO;
            goto done;
        }
        if (rc)
            goto done;
        rc = mm_facts_add(out, name, evr, path, 0, NULL);
        free(name);
        free(evr);
        name = evr = NULL;
        if (rc)
            goto done;
    }
    if (step != SQLITE_DONE) {
        mm_error_set("%s: %s", path, sqlite3_errmsg(db));
        rc = MM_EIO;
    }
done:
    free(name);
    free(evr);
    sqlite3_finalize(q);
    sqlite3_close(db);
    free(uri);
    return rc;
}

int mm_parse_packages(mm_facts *out, const mm_root *r)
{
    static const char dpkg[] = "/var/lib/dpkg/status";
    static const char *const rpmdbs[] = {"/var/lib/rpm/rpmdb.sqlite",
                                         "/usr/lib/sysimage/rpm/rpmdb.sqlite"};
    static const char *const legacy[] = {"/var/lib/rpm/Packages", "/var/lib/rpm/Packages.db",
                                         "/usr/lib/sysimage/rpm/Packages",
                                         "/usr/lib/sysimage/rpm/Packages.db"};
    char *data;
    size_t len;
    bool found = false;
    int rc = mm_root_read(r, dpkg, 64u * 1024 * 1024, &data, &len);
    if (!rc) {
        rc = mm_parse_dpkg_status_text(out, data, len, dpkg);
        free(data);
        found = true;
    }
    if (rc && rc != MM_ENOTFOUND)
        return rc;
    /* the first rpmdb that opens; a link or unreadable file is an error only when no other
     * one does */
    int err = MM_OK;
    char msg[512] = "";
    for (size_t i = 0; i < sizeof(rpmdbs) / sizeof(rpmdbs[0]); i++) {
        size_t before = out->n;
        rc = rpm_sqlite(out, r, rpmdbs[i]);
        if (!rc) {
            found = true;
            err = MM_OK;
            break;
        }
        out->n = before; /* facts of a database that failed half-way are dropped */
        if (rc == MM_ENOMEM)
            return rc;
        if (rc != MM_ENOTFOUND && !err) {
            err = rc;
            snprintf(msg, sizeof(msg), "%s", mm_error_last());
        }
    }
    if (err) {
        mm_error_set("%s", msg);
        return err;
    }
    if (found)
        return MM_OK;
    for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++) {
        struct stat st;
        if (mm_root_lstat(r, legacy[i], &st) == MM_OK) {
            mm_error_set("%s: a BerkeleyDB or ndb RPM database (RHEL 8 and older, SUSE): not "
                         "supported; only rpmdb.sqlite (rpm 4.16 and later) is read",
                         legacy[i]);
            return MM_EIO;
        }
    }
    mm_error_set("no package database: neither %s nor an rpmdb.sqlite", dpkg);
    return MM_ENOTFOUND;
}
