/* mamori serve: notifications delivered (docs/notifications.md). A background thread runs a
 * round every notify-interval seconds: the sweep (the time-based events and new submissions,
 * each recorded once per cause for the authority and the organization concerned), the
 * deliveries planned from each user's preferences, and the due outbox rows sent by email
 * (libcurl's SMTP through the configured relay) or signed webhook, each attempt recorded and a
 * failure retried with exponential backoff. Nothing is sent inside a request. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "i18n/i18n.h"
#include "mamori/supply.h"
#include "server/notify.h"
#include "server/web.h"
#include "util/util.h"

#define DAY_S         86400LL
#define BACKOFF_MAX_S 21600LL /* 6 hours */
#define LEASE_S       300
#define CLAIM_BATCH   50
#define SCAN_LIMIT    500
/* the notice periods (issue 18): a conditional status 30 days before it expires; an
 * incident report's evidence preservation 7 days before it ends; new submissions looked for
 * in the last 2 days (a round missed for longer loses none: they stay within the window) */
#define EXPIRY_NOTICE_DAYS   30
#define INCIDENT_NOTICE_DAYS 7
#define NEW_WINDOW_DAYS      2

struct mm_notifier {
    mm_notify_smtp smtp;
    char *smtp_url, *from, *user, *password, *url, *cacert;
    long long clock_offset; /* MAMORI_TEST_NOTIFY_OFFSET: tests only */
    char **prefixes;
    size_t nprefixes;
    unsigned interval, retry;
    pthread_t thread;
    bool running;
    _Atomic bool stop;
    pthread_mutex_t round_lock, wait_lock;
    pthread_cond_t wake;
};

/* the rounds' clock: now, plus the tests' offset */
static long long clock_now(const struct mm_notifier *nf)
{
    return (long long)time(NULL) + nf->clock_offset;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

int notify_load(mm_server *srv, const mm_server_config *cfg)
{
    struct mm_notifier *n = calloc(1, sizeof *n);
    if (!n)
        return MM_ENOMEM;
    srv->notifier = n;
    pthread_mutex_init(&n->round_lock, NULL);
    pthread_mutex_init(&n->wait_lock, NULL);
    pthread_cond_init(&n->wake, NULL);
    n->interval = cfg->notify_interval ? cfg->notify_interval : 60;
    n->retry = cfg->notify_retry ? cfg->notify_retry : 60;
    n->smtp_url = dup_or_null(cfg->notify_smtp);
    n->from = dup_or_null(cfg->notify_from);
    n->user = dup_or_null(cfg->notify_smtp_user);
    n->url = dup_or_null(cfg->notify_url);
    n->cacert = dup_or_null(cfg->notify_smtp_cacert);
    /* for tests only (docs/notifications.md "Tests"): seconds added to the rounds' clock, so
     * that a test reaches a digest's hour without waiting for it */
    const char *offset = getenv("MAMORI_TEST_NOTIFY_OFFSET");
    if (offset && *offset) {
        char *end = NULL;
        n->clock_offset = strtoll(offset, &end, 10);
        if (*end || n->clock_offset < 0 || n->clock_offset > 366 * DAY_S) {
            mm_error_set("MAMORI_TEST_NOTIFY_OFFSET %s: expected seconds from 0 to a year", offset);
            return MM_EUSAGE;
        }
        mm_server_log_json("warn", "notify: the rounds' clock is moved (a test's setting)",
                           json_pack("{s:I}", "seconds", (json_int_t)n->clock_offset));
    }
    if (n->cacert && access(n->cacert, R_OK) != 0) {
        mm_error_set("notify-smtp-cacert %s: not a readable file", n->cacert);
        return MM_EUSAGE;
    }
    if (n->smtp_url && strncmp(n->smtp_url, "smtp://", 7) != 0 &&
        strncmp(n->smtp_url, "smtps://", 8) != 0) {
        mm_error_set("notify-smtp %s: expected smtp://HOST:PORT or smtps://HOST:PORT", n->smtp_url);
        return MM_EUSAGE;
    }
    if (n->smtp_url && !mm_notify_address_ok(n->from)) {
        mm_error_set("notify-from: an address local@domain is needed with notify-smtp");
        return MM_EUSAGE;
    }
    if (cfg->notify_smtp_password_file) {
        char *text = NULL;
        size_t len = 0;
        int rc = mm_file_read(&text, &len, cfg->notify_smtp_password_file, 4096);
        if (rc)
            return rc;
        while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
            text[--len] = '\0';
        n->password = text;
    }
    if (cfg->notify_webhooks) {
        char *copy = strdup(cfg->notify_webhooks), *save = NULL;
        for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t;
             t = strtok_r(NULL, ",", &save)) {
            while (*t == ' ')
                t++;
            const char *why = NULL;
            if (!mm_notify_prefix_ok(t, &why)) {
                mm_error_set("notify-webhooks: '%s': %s", t, why);
                free(copy);
                return MM_EUSAGE;
            }
            char **grown = realloc(n->prefixes, (n->nprefixes + 1) * sizeof *grown);
            if (!grown || !(grown[n->nprefixes] = strdup(t))) {
                free(grown ? grown : n->prefixes);
                n->prefixes = NULL;
                n->nprefixes = 0;
                free(copy);
                return MM_ENOMEM;
            }
            n->prefixes = grown;
            n->nprefixes++;
        }
        free(copy);
    }
    n->smtp = (mm_notify_smtp){.url = n->smtp_url,
                               .user = n->user,
                               .password = n->password,
                               .require_tls = cfg->notify_smtp_require_tls,
                               .cacert = n->cacert,
                               .timeout_s = 10};
    return MM_OK;
}

int notify_webhook_check(const mm_server *srv, const char *url, const char **why)
{
    const struct mm_notifier *n = srv->notifier;
    return mm_notify_url_check(url, n ? (const char *const *)n->prefixes : NULL,
                               n ? n->nprefixes : 0, why);
}

/* ---- the sweep -------------------------------------------------------------------------- */

static void year_shift(char out[11], const char *d, int years)
{
    snprintf(out, 11, "%04d%.6s", atoi(d) + years, d + 4);
    if (strcmp(out + 4, "-02-29") == 0)
        memcpy(out + 4, "-02-28", 7);
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

typedef struct sweep {
    mm_store *st;
    const json_t *authorities;
    const char *now;
    int64_t recorded;
} sweep;

/* one event for the authorities and the organization concerned: detail gets org_id, org_name
 * and args (what the subject's template fills in, docs/notifications.md) */
static int record(sweep *w, const char *kind, const char *cause, const json_t *it, const char *a1,
                  const char *a2)
{
    const char *org = str(it, "org_id"), *name = str(it, "org_name");
    char subject[600];
    json_t *d = json_deep_copy(it);
    json_object_del(d, "cause");
    json_object_set_new(d, "args", json_pack("[sss]", name, a1 ? a1 : "", a2 ? a2 : ""));
    /* the stored subject: English, with the labels the reader's one has (notify_subject) */
    mm_buf sb = MM_BUF_INIT;
    notify_subject(&sb, "en", mm_notify_kind_of(kind, cause), d, NULL);
    snprintf(subject, sizeof subject, "%s", mm_buf_cstr(&sb));
    mm_buf_free(&sb);
    char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    if (!detail)
        return MM_ENOMEM;
    int rc = MM_OK;
    int64_t wrote = 0;
    size_t i;
    json_t *a;
    json_array_foreach(w->authorities, i, a)
    {
        if (rc == MM_OK)
            rc = mm_store_notify_record(w->st, json_string_value(a), kind, cause, subject, detail,
                                        w->now, &wrote);
        w->recorded += wrote;
    }
    if (rc == MM_OK)
        rc = mm_store_notify_record(w->st, org, kind, cause, subject, detail, w->now, &wrote);
    w->recorded += wrote;
    free(detail);
    return rc;
}

int notify_status_drop(mm_store *st, const char *org_id, const char *before, const char *after,
                       const char *now)
{
    json_t *auth = NULL, *org = NULL;
    int rc = mm_store_notify_authorities(st, &auth);
    if (rc == MM_OK)
        rc = mm_store_get_org(st, &org, org_id);
    const char *sub = json_string_value(json_object_get(org, "latest_submission"));
    if (rc == MM_OK && !sub) {
        json_decref(org);
        json_decref(auth);
        return MM_OK;
    }
    char cause[120];
    snprintf(cause, sizeof cause, "status-drop:%s", sub ? sub : "");
    json_t *it =
        json_pack("{s:s, s:s, s:s, s:s, s:s}", "org_id", org_id, "org_name", str(org, "name"),
                  "submission_id", sub ? sub : "", "before", before, "status", after);
    sweep w = {.st = st, .authorities = json_object_get(auth, "items"), .now = now};
    if (rc == MM_OK)
        rc = it ? record(&w, "status-drop", cause, it, before, after) : MM_ENOMEM;
    json_decref(it);
    json_decref(org);
    json_decref(auth);
    return rc;
}

static int scan(sweep *w, mm_notify_scan which, const char *a, const char *b, json_t **items)
{
    json_t *o = NULL;
    int rc = mm_store_notify_scan(w->st, &o, which, a, b, SCAN_LIMIT);
    *items = json_incref(json_object_get(o, "items"));
    json_decref(o);
    return rc;
}

static int sweep_all(sweep *w, const char *today, long long now_unix)
{
    json_t *items = NULL, *it;
    size_t i;
    char since[21], bound[21], lo[11], hi[11], date[11];
    long t = mm_date_days(today);
    /* new submissions (a status drop is recorded by the submission itself: notify_status_drop) */
    mm_time_rfc3339(since, now_unix - NEW_WINDOW_DAYS * DAY_S);
    int rc = scan(w, MM_NOTIFY_SCAN_SUBMISSIONS, since, NULL, &items);
    json_array_foreach(items, i, it)
    {
        if (rc)
            break;
        rc = record(w, "submission", str(it, "cause"), it, str(it, "framework"), str(it, "status"));
    }
    json_decref(items);
    /* a conditional status that expires within 30 days: received in [today - 180, today -
     * 150]; it expires after received + 180 (cmmc.c) */
    mm_date_format(lo, t - MM_CMMC_CLOSEOUT_DAYS);
    mm_date_format(hi, t - MM_CMMC_CLOSEOUT_DAYS + EXPIRY_NOTICE_DAYS);
    if (rc == MM_OK)
        rc = scan(w, MM_NOTIFY_SCAN_CONDITIONAL, lo, hi, &items);
    json_array_foreach(items, i, it)
    {
        if (rc)
            break;
        mm_date_format(date, mm_date_days(str(it, "status_date")) + MM_CMMC_CLOSEOUT_DAYS);
        rc = record(w, "conditional-expiring", str(it, "cause"), it, date, NULL);
    }
    json_decref(items);
    items = NULL;
    /* open milestones of latest submissions due before today */
    if (rc == MM_OK)
        rc = scan(w, MM_NOTIFY_SCAN_OVERDUE, today, NULL, &items);
    json_array_foreach(items, i, it)
    {
        if (rc == MM_OK)
            rc = record(w, "milestone-overdue", str(it, "cause"), it, str(it, "requirement"),
                        str(it, "due"));
    }
    json_decref(items);
    items = NULL;
    /* incident reports whose evidence preservation ends within 7 days of today (00:00 UTC:
     * the server's "today", so that --today moves it as it moves the other dates) */
    mm_date_format(date, t);
    snprintf(since, sizeof since, "%sT00:00:00Z", date);
    mm_date_format(date, t + INCIDENT_NOTICE_DAYS);
    snprintf(bound, sizeof bound, "%sT00:00:00Z", date);
    if (rc == MM_OK)
        rc = scan(w, MM_NOTIFY_SCAN_INCIDENT, since, bound, &items);
    json_array_foreach(items, i, it)
    {
        if (rc == MM_OK)
            rc = record(w, "incident-deadline", str(it, "cause"), it, str(it, "report_number"),
                        str(it, "preserve_until"));
    }
    json_decref(items);
    items = NULL;
    /* the annual affirmation due within 30 days (or overdue): base <= (today + 30) - 1 year */
    char soon[11], cutoff[11], due_by[11];
    mm_date_format(soon, t + MM_AFFIRM_NOTICE_DAYS);
    year_shift(cutoff, soon, -1);
    if (rc == MM_OK)
        rc = scan(w, MM_NOTIFY_SCAN_AFFIRMATION, cutoff, NULL, &items);
    json_array_foreach(items, i, it)
    {
        if (rc)
            break;
        year_shift(due_by, str(it, "base"), 1);
        rc = record(w, "affirmation-due", str(it, "cause"), it, due_by, NULL);
    }
    json_decref(items);
    return rc;
}

/* ---- delivery ------------------------------------------------------------------------------ */

/* t in the template of key for lang, {0}..{2} from args */
static void fill(mm_buf *b, const char *lang, const char *key, const json_t *args)
{
    const char *a[3];
    for (size_t i = 0; i < 3; i++)
        a[i] = json_string_value(json_array_get(args, i));
    mm_i18n_put_esc(b, lang, MM_I18N_PLAIN, key, a[0], a[1], a[2], NULL);
}

void notify_subject(mm_buf *b, const char *lang, const char *klass, const json_t *detail,
                    const char *stored)
{
    char key[80];
    snprintf(key, sizeof key, "notify.subject.%s", klass ? klass : "");
    const json_t *args = json_object_get(detail, "args");
    json_t *own = NULL;
    if (!json_is_array(args)) {
        args = own = json_pack("[s]", stored ? stored : "");
    } else if (mm_streq(klass, "status-drop") || mm_streq(klass, "submission")) {
        /* the statuses as the reader's labels ("status.not-met"); a submission's framework as
         * its label ("Rev 3"), split from its status where an older record kept them in one
         * argument ("800-171r3, met") */
        own = json_deep_copy(args);
        const char *one = json_string_value(json_array_get(own, 1));
        const char *comma = one ? strstr(one, ", ") : NULL;
        const char *two = json_string_value(json_array_get(own, 2));
        if (own && mm_streq(klass, "submission") && comma && (!two || !*two)) {
            json_array_set_new(own, 2, json_string(comma + 2));
            json_array_set_new(own, 1, json_stringn(one, (size_t)(comma - one)));
        }
        const char *fw = json_string_value(json_array_get(own, 1));
        if (mm_streq(klass, "submission") && fw && !mm_streq(web_fw_label(fw), "–")) {
            char label[32]; /* "Rev 3": the page's no-break space a plain one in a subject */
            const char *l = web_fw_label(fw), *nbsp = strstr(l, "\xc2\xa0");
            snprintf(label, sizeof label, "%.*s %s", nbsp ? (int)(nbsp - l) : (int)strlen(l), l,
                     nbsp ? nbsp + 2 : "");
            json_array_set_new(own, 1, json_string(label));
        }
        for (size_t i = mm_streq(klass, "submission") ? 2 : 1; own && i < 3; i++) {
            const char *st = json_string_value(json_array_get(own, i));
            char sk[80];
            snprintf(sk, sizeof sk, "status.%s", st ? st : "");
            const char *label = web_tr_lang(lang, sk);
            if (st && label != sk)
                json_array_set_new(own, i, json_string(label));
        }
        if (own)
            args = own;
    }
    fill(b, lang, key, args);
    json_decref(own);
}

/* the subject of one notification in the user's language */
static void put_subject(mm_buf *b, const char *lang, const json_t *n)
{
    const char *kind = str(n, "kind"), *cause = json_string_value(json_object_get(n, "cause"));
    notify_subject(b, lang, mm_notify_kind_of(kind, cause), json_object_get(n, "detail"),
                   str(n, "subject"));
}

static long long backoff(const struct mm_notifier *nf, long long attempts)
{
    long long d = nf->retry;
    for (long long i = 0; i < attempts && d < BACKOFF_MAX_S; i++)
        d *= 2;
    return d < BACKOFF_MAX_S ? d : BACKOFF_MAX_S;
}

static const char *domain_of(const char *addr)
{
    const char *at = addr ? strchr(addr, '@') : NULL;
    return at ? at + 1 : "localhost";
}

/* one mail for items (one, or a user's digest); err gets the relay's answer */
static int send_mail(const struct mm_notifier *nf, const json_t *items, char *err, size_t errsize)
{
    const json_t *first = json_array_get(items, 0);
    const char *lang = mm_streq(str(first, "lang"), "ja") ? "ja" : "en";
    const char *to = str(first, "email");
    if (!nf->smtp_url) {
        snprintf(err, errsize, "no SMTP relay configured (notify-smtp)");
        return MM_EIO;
    }
    mm_buf subj = MM_BUF_INIT, body = MM_BUF_INIT;
    size_t count = json_array_size(items);
    mm_buf_puts(&subj, "[mamori] ");
    if (count == 1) {
        put_subject(&subj, lang, json_object_get(first, "notification"));
    } else {
        char num[24];
        snprintf(num, sizeof num, "%zu", count);
        json_t *args = json_pack("[s]", num);
        fill(&subj, lang, "notify.mail.digest", args);
        json_decref(args);
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const json_t *n = json_object_get(it, "notification");
        char key[80];
        snprintf(key, sizeof key, "notify.kind.%s",
                 mm_notify_kind_of(str(n, "kind"), json_string_value(json_object_get(n, "cause"))));
        mm_buf_printf(&body, "%s%s\n", count > 1 ? "- " : "", web_tr_lang(lang, key));
        mm_buf_puts(&body, count > 1 ? "  " : "");
        put_subject(&body, lang, n);
        mm_buf_printf(&body, "\n%s%s: %s\n\n", count > 1 ? "  " : "",
                      web_tr_lang(lang, "notifications.created"), str(n, "created"));
    }
    if (nf->url)
        mm_buf_printf(&body, "%s/notifications\n\n", nf->url);
    mm_buf_printf(&body, "-- \n%s\n", web_tr_lang(lang, "notify.mail.footer"));
    char mid[200];
    snprintf(mid, sizeof mid, "<mamori.%lld.%lld@%s>",
             (long long)json_integer_value(json_object_get(first, "id")), (long long)count,
             domain_of(nf->from));
    mm_notify_mail m = {.from = nf->from,
                        .to = to,
                        .subject = mm_buf_cstr(&subj),
                        .body = mm_buf_cstr(&body),
                        .message_id = mid,
                        .date = time(NULL),
                        .lang = lang};
    char *msg = NULL;
    size_t len = 0;
    int rc = subj.failed || body.failed ? MM_ENOMEM : mm_notify_mail_render(&msg, &len, &m);
    if (rc == MM_OK)
        rc = mm_notify_smtp_send(&nf->smtp, nf->from, to, msg, len, err, errsize);
    else if (!err[0])
        snprintf(err, errsize, "%s", rc == MM_ENOMEM ? "out of memory" : mm_error_last());
    free(msg);
    mm_buf_free(&subj);
    mm_buf_free(&body);
    return rc;
}

static int send_webhook(const json_t *it, char *err, size_t errsize)
{
    const json_t *n = json_object_get(it, "notification");
    const char *cause = json_string_value(json_object_get(n, "cause"));
    char id[80];
    snprintf(id, sizeof id, "ntf-%lld-u%lld",
             (long long)json_integer_value(json_object_get(n, "id")),
             (long long)json_integer_value(json_object_get(it, "user_id")));
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:s, s:I}", "id", id, "type",
                             mm_notify_kind_of(str(n, "kind"), cause), "kind", str(n, "kind"),
                             "created", str(n, "created"), "subject", str(n, "subject"), "detail",
                             json_object_get(n, "detail"), "organization", str(n, "recipient_org"),
                             "user", str(it, "login"), "attempt",
                             (json_int_t)(json_integer_value(json_object_get(it, "attempts")) + 1));
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text) {
        snprintf(err, errsize, "out of memory");
        return MM_ENOMEM;
    }
    const char *url = str(it, "webhook_url"), *secret = str(it, "webhook_secret");
    int rc = *url && *secret ? mm_notify_webhook_post(url, secret, id, text, 10, err, errsize)
                             : MM_EINVALID;
    if (rc == MM_EINVALID && !err[0])
        snprintf(err, errsize, "no webhook URL or secret");
    free(text);
    return rc;
}

static void note_attempt(mm_server *srv, mm_store *st, const json_t *it, int rc, const char *result,
                         json_t *sum)
{
    struct mm_notifier *nf = srv->notifier;
    long long now = clock_now(nf);
    char at[21], next[21];
    mm_time_rfc3339(at, now);
    long long attempts = json_integer_value(json_object_get(it, "attempts"));
    mm_time_rfc3339(next, now + backoff(nf, attempts));
    int64_t id = json_integer_value(json_object_get(it, "id"));
    int w = mm_store_notify_attempt(st, id, rc == MM_OK, result, at, next);
    if (w)
        mm_server_log_json(
            "error", "notify: the attempt is not recorded",
            json_pack("{s:I, s:s}", "outbox", (json_int_t)id, "error", mm_error_last()));
    const char *k = rc == MM_OK ? "sent" : "failed";
    json_object_set_new(sum, k, json_integer(json_integer_value(json_object_get(sum, k)) + 1));
    if (rc != MM_OK)
        mm_server_log_json("warn", "notify: delivery failed",
                           json_pack("{s:I, s:s, s:s}", "outbox", (json_int_t)id, "channel",
                                     str(it, "channel"), "result", result));
}

/* why a claimed row is given up for good, or NULL: the user is no longer there to receive it,
 * or took away the address or URL after it was planned */
static const char *drop_reason(const json_t *it)
{
    if (json_integer_value(json_object_get(it, "active")) != 1)
        return "not sent: the user is disabled or deleted";
    if (mm_streq(str(it, "channel"), "email") && !*str(it, "email"))
        return "not sent: the user has no email address now";
    if (mm_streq(str(it, "channel"), "webhook") && !*str(it, "webhook_url"))
        return "not sent: the user has no webhook URL now";
    return NULL;
}

static void drop(const struct mm_notifier *nf, mm_store *st, const json_t *it, const char *reason,
                 json_t *sum)
{
    char at[21];
    mm_time_rfc3339(at, clock_now(nf));
    int64_t id = json_integer_value(json_object_get(it, "id"));
    if (mm_store_notify_drop(st, id, reason, at) != MM_OK)
        mm_server_log_json(
            "error", "notify: the drop is not recorded",
            json_pack("{s:I, s:s}", "outbox", (json_int_t)id, "error", mm_error_last()));
    json_object_set_new(sum, "dropped",
                        json_integer(json_integer_value(json_object_get(sum, "dropped")) + 1));
}

static int deliver(mm_server *srv, mm_store *st, json_t *sum)
{
    struct mm_notifier *nf = srv->notifier;
    for (int batch = 0; batch < 20 && !atomic_load(&nf->stop); batch++) {
        long long now = clock_now(nf);
        char at[21], lease[21];
        mm_time_rfc3339(at, now);
        mm_time_rfc3339(lease, now + LEASE_S);
        json_t *claimed = NULL;
        int rc = mm_store_notify_claim(st, &claimed, at, lease, CLAIM_BATCH);
        if (rc)
            return rc;
        json_t *items = json_object_get(claimed, "items");
        if (json_array_size(items) == 0) {
            json_decref(claimed);
            return MM_OK;
        }
        json_t *digests = json_object(); /* user id -> [items] */
        size_t i;
        json_t *it;
        bool relay_failed = false; /* once the relay fails, the round's other mail waits */
        json_array_foreach(items, i, it)
        {
            char err[300] = "";
            const char *why = drop_reason(it);
            /* the operator may have narrowed notify-webhooks since the URL was set */
            if (!why && mm_streq(str(it, "channel"), "webhook") &&
                mm_notify_url_check(str(it, "webhook_url"), (const char *const *)nf->prefixes,
                                    nf->nprefixes, NULL) != 0)
                why = "not sent: the URL is not under a notify-webhooks prefix now";
            if (atomic_load(&nf->stop))
                break; /* the rest keep their lease and go in a later round */
            if (why) {
                drop(nf, st, it, why, sum);
            } else if (mm_streq(str(it, "channel"), "email") && relay_failed) {
                note_attempt(srv, st, it, MM_EIO,
                             "not tried: the relay failed earlier in this round", sum);
            } else if (mm_streq(str(it, "channel"), "webhook")) {
                int r = send_webhook(it, err, sizeof err);
                note_attempt(srv, st, it, r, err, sum);
            } else if (!mm_streq(str(it, "digest"), "none")) {
                char uid[24];
                snprintf(uid, sizeof uid, "%lld",
                         (long long)json_integer_value(json_object_get(it, "user_id")));
                json_t *list = json_object_get(digests, uid);
                if (!list)
                    json_object_set_new(digests, uid, list = json_array());
                json_array_append(list, it);
            } else {
                json_t *one = json_pack("[O]", it);
                int r = send_mail(nf, one, err, sizeof err);
                json_decref(one);
                relay_failed = r != MM_OK;
                note_attempt(srv, st, it, r, err, sum);
            }
        }
        const char *uid;
        json_t *list;
        json_object_foreach(digests, uid, list)
        {
            char err[300] = "";
            int r = relay_failed || atomic_load(&nf->stop) ? MM_EIO
                                                           : send_mail(nf, list, err, sizeof err);
            if (r != MM_OK && !err[0])
                snprintf(err, sizeof err, "not tried: the relay failed earlier in this round");
            relay_failed = r != MM_OK;
            json_array_foreach(list, i, it)
            {
                note_attempt(srv, st, it, r, err, sum);
            }
        }
        json_decref(digests);
        /* the secrets in the claimed rows are wiped before they are freed */
        json_array_foreach(items, i, it)
        {
            const char *s = json_string_value(json_object_get(it, "webhook_secret"));
            if (s)
                sodium_memzero((void *)s, strlen(s));
        }
        json_decref(claimed);
    }
    return MM_OK;
}

json_t *notify_run(mm_server *srv, mm_store *given)
{
    struct mm_notifier *nf = srv->notifier;
    json_t *sum = json_pack("{s:i, s:i, s:i, s:i, s:i}", "recorded", 0, "planned", 0, "sent", 0,
                            "failed", 0, "dropped", 0);
    if (!nf || !sum)
        return sum;
    pthread_mutex_lock(&nf->round_lock);
    mm_store *st = given ? given : mm_pool_get(srv);
    long long now = clock_now(nf);
    char at[21], today[11], hour[21], day[21];
    mm_time_rfc3339(at, now);
    if (srv->today[0])
        memcpy(today, srv->today, 11);
    else
        memcpy(today, at, 10), today[10] = '\0';
    json_t *auth = NULL;
    sweep w = {.st = st, .now = at};
    int rc = mm_store_notify_authorities(st, &auth);
    w.authorities = json_object_get(auth, "items");
    if (rc == MM_OK)
        rc = mm_store_begin(st);
    if (rc == MM_OK) {
        rc = sweep_all(&w, today, now);
        rc = rc == MM_OK ? mm_store_commit(st) : (mm_store_rollback(st), rc);
    }
    json_decref(auth);
    json_object_set_new(sum, "recorded", json_integer(rc == MM_OK ? w.recorded : 0));
    /* digests go out at the next whole hour or day (UTC) */
    mm_time_rfc3339(hour, now - now % 3600 + 3600);
    mm_time_rfc3339(day, now - now % DAY_S + DAY_S);
    int64_t planned = 0;
    if (rc == MM_OK)
        rc = mm_store_notify_fanout(st, at, hour, day, SCAN_LIMIT, &planned);
    json_object_set_new(sum, "planned", json_integer(planned));
    if (rc == MM_OK)
        rc = deliver(srv, st, sum);
    if (rc) {
        json_object_set_new(sum, "error", json_string(mm_error_last()));
        mm_server_log_json("error", "notify: round failed",
                           json_pack("{s:s}", "error", mm_error_last()));
    }
    if (!given)
        mm_pool_put(srv, st);
    pthread_mutex_unlock(&nf->round_lock);
    return sum;
}

static void *loop(void *cls)
{
    mm_server *srv = cls;
    struct mm_notifier *nf = srv->notifier;
    while (!atomic_load(&nf->stop)) {
        json_t *sum = notify_run(srv, NULL);
        if (json_integer_value(json_object_get(sum, "recorded")) ||
            json_integer_value(json_object_get(sum, "sent")) ||
            json_integer_value(json_object_get(sum, "failed")))
            mm_server_log_json("info", "notify round", json_incref(sum));
        json_decref(sum);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += nf->interval;
        pthread_mutex_lock(&nf->wait_lock);
        while (!atomic_load(&nf->stop) &&
               pthread_cond_timedwait(&nf->wake, &nf->wait_lock, &until) == 0)
            ;
        pthread_mutex_unlock(&nf->wait_lock);
    }
    return NULL;
}

void notify_start(mm_server *srv)
{
    struct mm_notifier *nf = srv->notifier;
    if (!nf)
        return;
    atomic_init(&nf->stop, false);
    nf->running = pthread_create(&nf->thread, NULL, loop, srv) == 0;
}

void notify_stop(mm_server *srv)
{
    struct mm_notifier *nf = srv->notifier;
    if (!nf || !nf->running)
        return;
    pthread_mutex_lock(&nf->wait_lock);
    atomic_store(&nf->stop, true);
    pthread_cond_broadcast(&nf->wake);
    pthread_mutex_unlock(&nf->wait_lock);
    pthread_join(nf->thread, NULL);
    nf->running = false;
}

void notify_free(mm_server *srv)
{
    struct mm_notifier *nf = srv->notifier;
    if (!nf)
        return;
    if (nf->password) {
        sodium_memzero(nf->password, strlen(nf->password));
        free(nf->password);
    }
    free(nf->smtp_url);
    free(nf->from);
    free(nf->user);
    free(nf->url);
    free(nf->cacert);
    for (size_t i = 0; i < nf->nprefixes; i++)
        free(nf->prefixes[i]);
    free(nf->prefixes);
    pthread_mutex_destroy(&nf->round_lock);
    pthread_mutex_destroy(&nf->wait_lock);
    pthread_cond_destroy(&nf->wake);
    free(nf);
    srv->notifier = NULL;
}
