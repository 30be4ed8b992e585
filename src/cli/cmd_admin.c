/* mamori admin init: the server's database, the authority and its first administrator.
 * mamori admin seed-demo: demo contractors and signed submissions (src/server/seed.c).
 * mamori admin export / import / migrate: the portable dump (src/store/dump.c).
 * mamori admin user: list and manage users (src/server/users.c, mm_user_admin). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "mamori/server.h"
#include "mamori/store.h"
#include "mamori/submit.h"
#include "util/util.h"

static const char usage_text[] =
    "usage: mamori admin init --db PATH [--org NAME] [--login LOGIN]\n"
    "       mamori admin seed-demo --db PATH [--contractors N] [--submissions M] [--seed S]\n"
    "                              [--jobs J]\n"
    "       mamori admin export --db URL -o DUMP\n"
    "       mamori admin import --db URL DUMP\n"
    "       mamori admin migrate --from URL --to URL | --db URL\n"
    "       mamori admin user list --db URL [--org ORG-ID]\n"
    "       mamori admin user unlock|reset|disable|enable|delete --db URL LOGIN\n"
    "       mamori admin clearance grant|revoke|list|policy|ntk|person ... (--help)\n"
    "       mamori admin rotate-key --db URL\n"
    "\n"
    "  Creates the database (mode 0600), the authority organization and its first\n"
    "  authority-admin user, and prints that user's one-time password once.\n"
    "\n"
    "  --db PATH       the database: sqlite:PATH, a file path or postgresql://URL\n"
    "  --org NAME      the authority's name (default: Authority)\n"
    "  --login LOGIN   the administrator's login (default: admin)\n"
    "\n"
    "  seed-demo fills a database made by `admin init` (and without contractors) with\n"
    "  demo data: N contractors (default 1000) with made-up names, CAGE codes and sectors,\n"
    "  some of them subcontractors, one signing key each, and M signed submissions each\n"
    "  (default 5) over the last four years, taken in and scored as the server does.\n"
    "  The same --seed (default 1) gives the same data; SOURCE_DATE_EPOCH fixes \"today\".\n"
    "  --jobs J (default: the number of CPUs) threads generate, sign and verify.\n"
    "\n"
    "  export, import and migrate move a whole database (docs/store.md, \"Dump format\");\n"
    "  `mamori admin export --help` tells more.\n"
    "\n"
    "  rotate-key makes a new receipt key; the old ones stay (retired, published by\n"
    "  GET /api/v1/server-key) so old receipts still verify; restart the server after it.\n"
    "\n"
    "  init, user, migrate and rotate-key take --format json: one object on standard output\n"
    "  with the fields of docs/cli.md (\"Machine-readable output\").\n";

#define PASSWORD_LEN 20

static char *detail_json(const char *k1, const char *v1, const char *k2, const char *v2,
                         const char *k3, const char *v3)
{
    json_t *o = json_object();
    json_object_set_new(o, k1, json_string(v1));
    json_object_set_new(o, k2, json_string(v2));
    json_object_set_new(o, k3, json_string(v3));
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return s;
}

static int admin_init(int argc, char **argv)
{
    const char *db = NULL, *org_name = "Authority", *login = "admin", *format = NULL;
    bool json = false;
    const cli_option opts[] = {
        {.name = "db", .takes_value = true, .value = &db},
        {.name = "org", .takes_value = true, .value = &org_name},
        {.name = "login", .takes_value = true, .value = &login},
        {.name = "format", .takes_value = true, .value = &format},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (a.npos || !db) {
        cli_error("%s",
                  a.npos ? "admin init takes no arguments" : "admin init: --db PATH is required");
        return MM_EXIT_USAGE;
    }
    if (!org_name[0] || !login[0]) {
        cli_error("admin init: --org and --login must not be empty");
        return MM_EXIT_USAGE;
    }
    if (cli_format_option(&json, "admin init", format) != MM_EXIT_OK)
        return MM_EXIT_USAGE;

    mm_store *s = NULL;
    char password[PASSWORD_LEN + 1] = "";
    char hash[128] = "";
    char org_id[37];
    char *d1 = NULL, *d2 = NULL;
    int64_t admins = 0, user_id = 0;
    int code = MM_EXIT_USAGE;
    int rc = mm_store_open(&s, db);
    if (rc)
        goto fail;
    rc = mm_store_begin(s);
    if (rc)
        goto fail;
    rc = mm_store_count_users(s, &admins, "authority-admin");
    if (rc)
        goto fail;
    if (admins > 0) {
        mm_store_rollback(s);
        cli_error("%s: already initialised (it has an authority admin)", db);
        goto done;
    }
    mm_store_new_id(org_id);
    rc = mm_password_generate(password, sizeof(password), PASSWORD_LEN);
    if (rc == MM_OK)
        rc = mm_password_hash(hash, password);
    if (rc)
        goto fail;
    mm_org org = {.id = org_id, .kind = "authority", .name = org_name};
    mm_user user = {.org_id = org_id,
                    .login = (char *)login,
                    .role = (char *)"authority-admin",
                    .password_hash = hash,
                    .must_change = true};
    char object[64];
    snprintf(object, sizeof(object), "org:%s", org_id);
    d1 = detail_json("kind", "authority", "name", org_name, "id", org_id);
    d2 = detail_json("login", login, "org", org_id, "role", "authority-admin");
    if (!d1 || !d2) {
        mm_error_set("out of memory");
        rc = MM_ENOMEM;
        goto fail;
    }
    rc = mm_store_create_org(s, &org);
    if (rc == MM_OK)
        rc = mm_store_audit_append(s, NULL, "cli:admin-init", "admin.init", object, d1);
    if (rc == MM_OK)
        rc = mm_store_create_user(s, &user_id, &user);
    if (rc == MM_OK) {
        char uobj[48];
        snprintf(uobj, sizeof(uobj), "user:%lld", (long long)user_id);
        rc = mm_store_audit_append(s, NULL, "cli:admin-init", "user.create", uobj, d2);
    }
    if (rc == MM_OK)
        rc = mm_store_commit(s);
    if (rc)
        goto fail;
    if (json) {
        code = cli_print_json(json_pack("{s:{s:s,s:s},s:s,s:I,s:s,s:b}", "authority", "id", org_id,
                                        "name", org_name, "login", login, "user_id",
                                        (json_int_t)user_id, "one_time_password", password,
                                        "must_change_password", 1));
        goto done;
    }
    printf("authority:       %s (%s)\n"
           "login:           %s\n"
           "password:        %s\n"
           "This password is shown once; it is stored only as an Argon2id hash, and must be\n"
           "changed at the first logon (POST /api/v1/password).\n",
           org_name, org_id, login, password);
    code = MM_EXIT_OK;
    goto done;
fail:
    if (s)
        mm_store_rollback(s);
    code = cli_fail(rc);
done:
    sodium_memzero(password, sizeof(password));
    free(d1);
    free(d2);
    mm_store_free(s);
    return code;
}

/* An unsigned number option into *out; false (with a message) when it is not one. */
static bool number_opt(unsigned long long *out, const char *name, const char *text,
                       unsigned long long max)
{
    if (!text)
        return true;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || v > max) {
        cli_error("admin seed-demo: --%s %s: expected a whole number up to %llu", name, text, max);
        return false;
    }
    *out = v;
    return true;
}

typedef struct seed_progress {
    struct timespec start;
    bool tty;
} seed_progress;

static double elapsed(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void seed_report(void *ctx, unsigned long long done, unsigned long long total)
{
    seed_progress *p = ctx;
    double s = elapsed(&p->start);
    fprintf(stderr, "%sseed-demo: %llu/%llu submissions, %.0f s, %.0f/s%s", p->tty ? "\r" : "",
            done, total, s, s > 0 ? (double)done / s : 0.0, p->tty ? "" : "\n");
    fflush(stderr);
}

static int admin_seed_demo(int argc, char **argv)
{
    const char *db = NULL, *n_text = NULL, *m_text = NULL, *seed_text = NULL, *jobs_text = NULL;
    const cli_option opts[] = {
        {.name = "db", .takes_value = true, .value = &db},
        {.name = "contractors", .takes_value = true, .value = &n_text},
        {.name = "submissions", .takes_value = true, .value = &m_text},
        {.name = "seed", .takes_value = true, .value = &seed_text},
        {.name = "jobs", .takes_value = true, .value = &jobs_text},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (a.npos || !db) {
        cli_error("%s", a.npos ? "admin seed-demo takes no arguments"
                               : "admin seed-demo: --db PATH is required");
        return MM_EXIT_USAGE;
    }
    if (!cli_db_exists(db))
        return MM_EXIT_USAGE;
    mm_seed_options o;
    mm_seed_options_init(&o);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned long long n = o.contractors, m = o.submissions, seed = o.seed,
                       jobs = cpus > 0 ? (unsigned long long)cpus : 1;
    if (!number_opt(&n, "contractors", n_text, 1000000) ||
        !number_opt(&m, "submissions", m_text, 10000) ||
        !number_opt(&seed, "seed", seed_text, ~0ULL) || !number_opt(&jobs, "jobs", jobs_text, 256))
        return MM_EXIT_USAGE;
    if (n < 1 || jobs < 1) {
        cli_error("admin seed-demo: --contractors and --jobs must be at least 1");
        return MM_EXIT_USAGE;
    }
    o.contractors = (unsigned)n;
    o.submissions = (unsigned)m;
    o.seed = seed;
    o.jobs = (unsigned)jobs;
    o.now = cli_now();
    seed_progress p = {.tty = isatty(STDERR_FILENO) == 1};
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    o.progress = seed_report;
    o.progress_ctx = &p;
    int rc = mm_seed_demo(db, &o);
    if (p.tty)
        fputc('\n', stderr);
    if (rc)
        return cli_fail(rc);
    printf("seeded %s: %u contractors, %llu submissions in %.1f s (seed %llu, %u jobs)\n", db,
           o.contractors, (unsigned long long)o.contractors * o.submissions, elapsed(&p.start),
           o.seed, o.jobs);
    return MM_EXIT_OK;
}

/* ---- admin export / import / migrate (docs/store.md, "Dump format") --------------------- */

/* the usage lines of export, import and migrate */
static const char dump_usage[] =
    "usage: mamori admin export --db URL -o DUMP\n"
    "       mamori admin import --db URL DUMP\n"
    "       mamori admin migrate --from URL --to URL\n"
    "       mamori admin migrate --db URL\n"
    "\n"
    "  export writes every table but sessions (JSON Lines, a SHA-256 trailer) to DUMP,\n"
    "  created with mode 0600: it holds password hashes and the server's receipt secret key.\n"
    "  import loads a dump into an EMPTY database (SQLite or PostgreSQL) in one transaction:\n"
    "  ids and values as they are, the trailer and the audit chain checked; all or nothing.\n"
    "  migrate --from --to does both in one go; migrate --db applies the schema migrations\n"
    "  and prints the schema version before and after.\n";

static void dump_time(char out[21])
{
    mm_time_rfc3339(out, cli_now());
}

/* Parses the options of one of the dump commands; -1 after a usage message, 1 for --help. */
static int dump_args(int argc, char **argv, const cli_option *opts, cli_args *a, const char *cmd,
                     size_t npos)
{
    if (cli_parse_args(a, argc, argv, opts) != 0) {
        fputs(dump_usage, stderr);
        return -1;
    }
    if (a->help) {
        fputs(dump_usage, stdout);
        return 1;
    }
    if (a->npos != npos) {
        cli_error("admin %s: %s", cmd,
                  npos ? "expected one DUMP file (or - for standard input)" : "takes no arguments");
        return -1;
    }
    return 0;
}

static int admin_export(int argc, char **argv)
{
    const char *db = NULL, *path = NULL;
    const cli_option opts[] = {
        {.name = "db", .takes_value = true, .value = &db},
        {.name = "output", .short_name = 'o', .takes_value = true, .value = &path},
        {.name = NULL},
    };
    cli_args a;
    int x = dump_args(argc, argv, opts, &a, "export", 0);
    if (x)
        return x < 0 ? MM_EXIT_USAGE : MM_EXIT_OK;
    if (!db || !path) {
        cli_error("admin export: --db URL and -o DUMP are required");
        return MM_EXIT_USAGE;
    }
    if (!cli_db_exists(db))
        return MM_EXIT_USAGE;
    mm_store *s = NULL;
    int rc = mm_store_open(&s, db);
    if (rc)
        return cli_fail(rc);
    bool std_out = strcmp(path, "-") == 0;
    /* the dump holds secrets: 0600 from its first moment, also when it already existed */
    int fd = std_out ? dup(STDOUT_FILENO)
                     : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || (!std_out && fchmod(fd, 0600) != 0)) {
        cli_error("%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        mm_store_free(s);
        return MM_EXIT_USAGE;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        mm_store_free(s);
        cli_error("%s: %s", path, strerror(errno));
        return MM_EXIT_USAGE;
    }
    char now[21];
    dump_time(now);
    mm_dump_stats st;
    rc = mm_store_export(s, f, now, &st);
    if (rc == MM_OK && !std_out && fsync(fileno(f)) != 0) {
        mm_error_set("%s: %s", path, strerror(errno));
        rc = MM_EIO;
    }
    if (fclose(f) != 0 && rc == MM_OK) {
        mm_error_set("%s: %s", path, strerror(errno));
        rc = MM_EIO;
    }
    mm_store_free(s);
    if (rc) {
        if (!std_out)
            unlink(path); /* no partial dump left behind */
        return cli_fail(rc);
    }
    /* with -o - the dump is standard output: the summary goes to standard error */
    fprintf(std_out ? stderr : stdout,
            "exported %lld rows (%lld audit records) of schema %d to %s%s\n"
            "sha256 %s\n"
            "The dump holds password hashes and the server's receipt secret key: keep it as\n"
            "safe as the database.\n",
            (long long)st.rows, (long long)st.audit_records, st.schema,
            std_out ? "standard output" : path, std_out ? "" : " (mode 0600)", st.sha256);
    return MM_EXIT_OK;
}

static int admin_import(int argc, char **argv)
{
    const char *db = NULL;
    const cli_option opts[] = {
        {.name = "db", .takes_value = true, .value = &db},
        {.name = NULL},
    };
    cli_args a;
    int x = dump_args(argc, argv, opts, &a, "import", 1);
    if (x)
        return x < 0 ? MM_EXIT_USAGE : MM_EXIT_OK;
    if (!db) {
        cli_error("admin import: --db URL is required");
        return MM_EXIT_USAGE;
    }
    const char *path = a.pos[0];
    bool std_in = strcmp(path, "-") == 0;
    FILE *f = std_in ? stdin : fopen(path, "r");
    if (!f) {
        cli_error("%s: %s", path, strerror(errno));
        return MM_EXIT_USAGE;
    }
    mm_store *s = NULL;
    int rc = mm_store_open(&s, db);
    mm_dump_stats st;
    if (rc == MM_OK)
        rc = mm_store_import(s, f, std_in ? "(stdin)" : path, &st);
    mm_store_free(s);
    if (!std_in)
        fclose(f);
    if (rc)
        return cli_fail(rc);
    printf("imported %lld rows (%lld audit records, chain intact) of schema %d into %s\n",
           (long long)st.rows, (long long)st.audit_records, st.schema, db);
    return MM_EXIT_OK;
}

/* migrate --db URL: the migrations are applied at open; show the version before and after */
static int migrate_schema(const char *db, bool json)
{
    int before = 0, after = 0;
    int rc = mm_store_schema_peek(db, &before);
    if (rc)
        return cli_fail(rc);
    mm_store *s = NULL;
    rc = mm_store_open(&s, db);
    if (rc == MM_OK)
        rc = mm_store_schema_version(s, &after);
    mm_store_free(s);
    if (rc)
        return cli_fail(rc);
    if (json)
        return cli_print_json(json_pack("{s:i,s:i,s:i,s:b}", "schema_before", before, "schema",
                                        after, "schema_known", mm_store_schema_latest(), "migrated",
                                        before != after));
    if (before == after)
        printf("schema version %d (up to date; this mamori knows %d)\n", after,
               mm_store_schema_latest());
    else
        printf("schema version %d -> %d (migrated)\n", before, after);
    return MM_EXIT_OK;
}

static int admin_migrate(int argc, char **argv)
{
    const char *db = NULL, *from = NULL, *to = NULL, *format = NULL;
    const cli_option opts[] = {
        {.name = "db", .takes_value = true, .value = &db},
        {.name = "from", .takes_value = true, .value = &from},
        {.name = "to", .takes_value = true, .value = &to},
        {.name = "format", .takes_value = true, .value = &format},
        {.name = NULL},
    };
    cli_args a;
    int x = dump_args(argc, argv, opts, &a, "migrate", 0);
    if (x)
        return x < 0 ? MM_EXIT_USAGE : MM_EXIT_OK;
    bool json = false;
    if (cli_format_option(&json, "admin migrate", format) != MM_EXIT_OK)
        return MM_EXIT_USAGE;
    if (db && !from && !to)
        return migrate_schema(db, json);
    if (db || !from || !to) {
        cli_error("admin migrate: either --db URL, or --from URL and --to URL");
        return MM_EXIT_USAGE;
    }
    if (strcmp(from, to) == 0) {
        cli_error("admin migrate: --from and --to are the same database");
        return MM_EXIT_USAGE;
    }
    if (!cli_db_exists(from))
        return MM_EXIT_USAGE;
    /* the dump goes through an unnamed temporary file (mode 0600, gone when closed) */
    FILE *f = tmpfile();
    if (!f) {
        cli_error("admin migrate: a temporary file: %s", strerror(errno));
        return MM_EXIT_USAGE;
    }
    mm_store *src = NULL, *dst = NULL;
    mm_dump_stats out, in;
    char now[21];
    dump_time(now);
    int rc = mm_store_open(&src, from);
    if (rc == MM_OK)
        rc = mm_store_export(src, f, now, &out);
    mm_store_free(src);
    if (rc == MM_OK && fseek(f, 0, SEEK_SET) != 0) {
        mm_error_set("admin migrate: the temporary file: %s", strerror(errno));
        rc = MM_EIO;
    }
    if (rc == MM_OK)
        rc = mm_store_open(&dst, to);
    if (rc == MM_OK)
        rc = mm_store_import(dst, f, "(the dump of --from)", &in);
    mm_store_free(dst);
    fclose(f);
    if (rc)
        return cli_fail(rc);
    if (json)
        return cli_print_json(json_pack("{s:I,s:I,s:i,s:s,s:s,s:s}", "rows", (json_int_t)in.rows,
                                        "audit_records", (json_int_t)in.audit_records, "schema",
                                        in.schema, "from", from, "to", to, "dump_sha256",
                                        in.sha256));
    printf("migrated %lld rows (%lld audit records, chain intact) of schema %d\n"
           "from %s\n"
           "to   %s\n"
           "sha256 of the dump %s\n",
           (long long)in.rows, (long long)in.audit_records, in.schema, from, to, in.sha256);
    return MM_EXIT_OK;
}

/* ---- admin user (src/server/users.c; docs/cli.md, "mamori admin user") ------------------- */

static const char user_usage[] =
    "usage: mamori admin user list --db URL [--org ORG-ID]\n"
    "       mamori admin user unlock|reset|disable|enable|delete --db URL LOGIN\n"
    "\n"
    "  list prints the users (deleted ones left out): id, login, role, organization, state.\n"
    "  unlock clears a lockout; reset prints a new one-time password once (the user must\n"
    "  change it at the next logon); disable ends the user's sessions and tokens at once;\n"
    "  enable lets it log on again; delete disables it for good, keeps its audit records\n"
    "  and keeps its login from being taken again for 90 days. Nobody disables or deletes\n"
    "  the last enabled authority-admin. Each change is audited as cli:admin-user.\n"
    "  Bidirectional control characters in names are shown as <U+202E>.\n"
    "  --format json: list {\"items\": [{\"id\", \"login\", \"role\", \"org_id\", \"state\",\n"
    "  \"locked_until\"}]}; the others {\"action\", \"login\", \"id\", \"one_time_password\"}.\n";

/* One line of text with bidi controls shown escaped (docs/cli.md). */
static void put_safe(mm_buf *b, const char *s)
{
    mm_buf_put_bidi_safe(b, s ? s : "");
}

static int user_list(mm_store *s, const char *org, bool json)
{
    json_t *items = NULL;
    int rc = mm_store_list_users(s, &items, org);
    if (rc)
        return cli_fail(rc);
    json_t *list = json ? json_array() : NULL;
    mm_buf b = MM_BUF_INIT;
    mm_buf_printf(&b, "%-6s %-24s %-18s %-36s %s\n", "ID", "LOGIN", "ROLE", "ORGANIZATION",
                  "STATE");
    size_t i;
    json_t *u;
    char now[21]; /* RFC 3339 UTC times sort as text */
    mm_time_rfc3339(now, cli_now());
    json_array_foreach(items, i, u)
    {
        const char *login = json_string_value(json_object_get(u, "login"));
        const char *locked = json_string_value(json_object_get(u, "locked_until"));
        mm_buf_printf(&b, "%-6lld ", (long long)json_integer_value(json_object_get(u, "id")));
        size_t before = b.len;
        put_safe(&b, login);
        for (size_t w = b.len - before; w < 24; w++)
            mm_buf_putc(&b, ' ');
        mm_buf_printf(&b, " %-18s ", json_string_value(json_object_get(u, "role")));
        put_safe(&b, json_string_value(json_object_get(u, "org_id")));
        const char *state = json_is_true(json_object_get(u, "disabled")) ? "disabled"
                            : locked && strcmp(locked, now) > 0          ? "locked"
                            : json_is_true(json_object_get(u, "must_change"))
                                ? "must-change-password"
                                : "enabled";
        mm_buf_printf(&b, " %s", state);
        if (strcmp(state, "locked") == 0)
            mm_buf_printf(&b, " until %s", locked);
        mm_buf_putc(&b, '\n');
        if (list)
            json_array_append_new(
                list, json_pack("{s:O,s:s?,s:O,s:O,s:s,s:s?}", "id", json_object_get(u, "id"),
                                "login", login, "role", json_object_get(u, "role"), "org_id",
                                json_object_get(u, "org_id"), "state", state, "locked_until",
                                strcmp(state, "locked") == 0 ? locked : NULL));
    }
    json_decref(items);
    if (json) {
        mm_buf_free(&b);
        return cli_print_json(json_pack("{s:o}", "items", list));
    }
    fputs(mm_buf_cstr(&b), stdout);
    mm_buf_free(&b);
    return MM_EXIT_OK;
}

static int admin_user(int argc, char **argv)
{
    const char *db = NULL, *org = NULL, *format = NULL;
    bool json = false;
    const cli_option opts[] = {
        {.name = "db", .takes_value = true, .value = &db},
        {.name = "org", .takes_value = true, .value = &org},
        {.name = "format", .takes_value = true, .value = &format},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        fputs(user_usage, stderr);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        fputs(user_usage, stdout);
        return MM_EXIT_OK;
    }
    const char *verb = a.npos ? a.pos[0] : NULL;
    bool list = verb && strcmp(verb, "list") == 0;
    int action = mm_user_action_parse(verb);
    if (!verb || (!list && action < 0)) {
        cli_error("admin user: expected list, unlock, reset, disable, enable or delete%s%s",
                  verb ? ", not " : "", verb ? verb : "");
        return MM_EXIT_USAGE;
    }
    if (!db || a.npos != (list ? 1u : 2u) || (org && !list)) {
        cli_error("admin user %s: %s", verb,
                  !db    ? "--db URL is required"
                  : list ? "takes no LOGIN (--org ORG-ID picks one organization)"
                         : "expected one LOGIN");
        return MM_EXIT_USAGE;
    }
    if (cli_format_option(&json, "admin user", format) != MM_EXIT_OK)
        return MM_EXIT_USAGE;
    if (!cli_db_exists(db))
        return MM_EXIT_USAGE;
    mm_store *s = NULL;
    int rc = mm_store_open(&s, db);
    if (rc)
        return cli_fail(rc);
    if (list) {
        int code = user_list(s, org, json);
        mm_store_free(s);
        return code;
    }
    const char *login = a.pos[1];
    mm_user *u = NULL;
    rc = mm_store_get_user(s, &u, login);
    int64_t id = u ? u->id : 0;
    mm_user_free(u);
    char otp[32] = "";
    if (rc == MM_OK) {
        mm_user_admin_ctx ctx = {.actor = "cli:admin-user", .now = cli_now()};
        rc = mm_user_admin(s, &ctx, (mm_user_action)action, id, otp, sizeof otp);
    }
    mm_store_free(s);
    if (rc)
        return cli_fail(rc);
    if (json) {
        int x = cli_print_json(json_pack(
            "{s:s,s:s,s:I,s:s?}", "action", mm_user_action_name((mm_user_action)action), "login",
            login, "id", (json_int_t)id, "one_time_password", otp[0] ? otp : NULL));
        sodium_memzero(otp, sizeof otp);
        return x;
    }
    mm_buf b = MM_BUF_INIT;
    mm_buf_printf(&b, "%s: user ", mm_user_action_name((mm_user_action)action));
    put_safe(&b, login);
    mm_buf_printf(&b, " (id %lld) done\n", (long long)id);
    if (otp[0])
        mm_buf_printf(&b,
                      "one-time password: %s\n"
                      "This password is shown once; the user must change it at the next logon.\n",
                      otp);
    fputs(mm_buf_cstr(&b), stdout);
    sodium_memzero(otp, sizeof otp);
    if (b.data)
        sodium_memzero(b.data, b.len);
    mm_buf_free(&b);
    return MM_EXIT_OK;
}

/* rotate-key: the receipt key (docs/operations.md, "Rotating the receipt key") */
static int admin_rotate_key(int argc, char **argv)
{
    const char *db = NULL, *format = NULL;
    bool json = false;
    const cli_option opts[] = {
        {.name = "db", .takes_value = true, .value = &db},
        {.name = "format", .takes_value = true, .value = &format},
        {.name = NULL},
    };
    cli_args a;
    if (cli_parse_args(&a, argc, argv, opts) != 0) {
        cli_usage(stderr, usage_text);
        return MM_EXIT_USAGE;
    }
    if (a.help) {
        cli_usage(stdout, usage_text);
        return MM_EXIT_OK;
    }
    if (a.npos || !db) {
        cli_error("%s", a.npos ? "admin rotate-key takes no arguments"
                               : "admin rotate-key: --db URL is required");
        return MM_EXIT_USAGE;
    }
    if (cli_format_option(&json, "admin rotate-key", format) != MM_EXIT_OK || !cli_db_exists(db))
        return MM_EXIT_USAGE;
    mm_store *s = NULL;
    unsigned char pk[32], sk[64];
    json_t *retired = NULL;
    int rc = mm_store_open(&s, db);
    if (rc == MM_OK)
        rc = mm_store_server_key_rotate(s, "cli:admin-rotate-key");
    if (rc == MM_OK)
        rc = mm_store_server_key(s, pk, sk);
    sodium_memzero(sk, sizeof sk);
    if (rc == MM_OK)
        rc = mm_store_server_keys_retired(s, &retired);
    mm_store_free(s);
    if (rc)
        return cli_fail(rc);
    char kid[17], old[17] = "";
    mm_key_id(kid, pk);
    const char *b64 = json_string_value(json_object_get(json_array_get(retired, 0), "public_key"));
    unsigned char opk[32];
    size_t got = 0;
    if (b64 &&
        sodium_base642bin(opk, sizeof opk, b64, strlen(b64), NULL, &got, NULL,
                          sodium_base64_VARIANT_ORIGINAL) == 0 &&
        got == sizeof opk)
        mm_key_id(old, opk);
    size_t nretired = json_array_size(retired);
    json_decref(retired);
    if (json)
        return cli_print_json(json_pack("{s:s,s:s,s:I}", "key_id", kid, "retired_key_id", old,
                                        "retired_keys", (json_int_t)nretired));
    printf("receipt key rotated: new key %s; key %s retired (%zu retired in all, published by "
           "GET /api/v1/server-key)\n"
           "Restart the server to sign with the new key.\n",
           kid, old, nretired);
    return MM_EXIT_OK;
}

const mm_command cli_admin_commands[] = {
    {"init", admin_init, "create the database, the authority and its first administrator"},
    {"user", admin_user, "list, unlock, reset, disable, enable or delete a user"},
    {"seed-demo", admin_seed_demo, "fill a new database with demo contractors and submissions"},
    {"export", admin_export, "write the whole database to a dump file"},
    {"import", admin_import, "read a dump file into an empty database"},
    {"migrate", admin_migrate, "copy a database to another (SQLite, PostgreSQL) or migrate it"},
    {"rotate-key", admin_rotate_key, "make a new receipt key; the old ones stay, retired"},
    {"clearance", cli_admin_clearance, "clearances, the clearance policy and need-to-know groups"},
};
const size_t cli_admin_ncommands = sizeof cli_admin_commands / sizeof cli_admin_commands[0];

int cmd_admin(int argc, char **argv)
{
    return cli_dispatch(argc, argv, "admin", cli_admin_commands, cli_admin_ncommands, usage_text);
}
