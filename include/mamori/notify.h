/*
 * mamori: notifications delivered (issue 18, docs/notifications.md).
 *
 * Events are rows of the `notifications` table (one per recipient organization), written in
 * the transaction of their cause (the supply chain's alerts) or by the server's periodic
 * sweep (a new submission, a status drop, a conditional status 30 days from expiry, an
 * overdue POA&M milestone, an incident's preservation deadline, an affirmation due), each
 * sweep record keyed by its cause so that a cause is recorded once. Each user chooses the
 * kinds and channels (dashboard, email, webhook) and a digest; email and webhook deliveries go
 * through an outbox whose every attempt is recorded and retried with exponential backoff.
 *
 * Two halves: the message formats and transports (src/notify/: RFC 5322 mail with RFC 2047
 * subjects, the webhook's HMAC-SHA256 signature, libcurl's SMTP and HTTP POST), and the store's
 * tables (src/store/notify.c). Every json_t that comes back through **out is the caller's.
 */
#ifndef MAMORI_NOTIFY_H
#define MAMORI_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "mamori/error.h"
#include "mamori/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kinds a user chooses from, in this order (docs/notifications.md "Events"). */
#define MM_NOTIFY_NKINDS 7
extern const char *const mm_notify_kinds[MM_NOTIFY_NKINDS];
/* The kind a user's choice names for a notification row: a row without a cause is the supply
 * chain's alert (written by mm_store_notify_up), "supply-alert"; else its kind. */
const char *mm_notify_kind_of(const char *kind, const char *cause);
bool mm_notify_kind_valid(const char *kind);

/* ---- messages (src/notify/message.c): pure, no I/O ------------------------------------- */

/* The header line "NAME: value" (no CRLF at the end): value as RFC 2047 encoded words when it
 * is not printable ASCII ("=?UTF-8?B?...?=" of at most 75 characters each, split between UTF-8
 * characters, folded with CRLF SP), else as it is (folded at spaces past 78 columns). CR and LF
 * in value become spaces. *out is the caller's (free). MM_ENOMEM. */
int mm_notify_header(char **out, const char *name, const char *value)
    __attribute__((warn_unused_result));

/* True when s is an address this sender writes into To/From: local@domain, printable ASCII
 * without spaces, quotes, angle brackets, CR or LF, at most 254 bytes. */
bool mm_notify_address_ok(const char *s);

typedef struct mm_notify_mail {
    const char *from;       /* the relay's envelope sender, mm_notify_address_ok */
    const char *to;         /* mm_notify_address_ok */
    const char *subject;    /* UTF-8 */
    const char *body;       /* UTF-8 text, LF line ends */
    const char *message_id; /* "<...@...>" */
    time_t date;
    const char *lang; /* Content-Language: "en" or "ja" */
} mm_notify_mail;

/* An RFC 5322 message (CRLF line ends): Date, From, To, Subject, Message-ID, MIME-Version,
 * Content-Type text/plain; charset=UTF-8, Content-Transfer-Encoding base64 (lines of 76).
 * *out (NUL-terminated, *len bytes) is the caller's. MM_EINVALID (the message says which) for
 * an address that is not mm_notify_address_ok. */
int mm_notify_mail_render(char **out, size_t *len, const mm_notify_mail *m)
    __attribute__((warn_unused_result));

/* The webhook signature: hex HMAC-SHA256 with key secret over "<t>.<body>" (t in decimal
 * Unix seconds). out gets 64 hex digits and a NUL. MM_EINVALID for an empty secret. */
int mm_notify_sign(char out[65], const char *secret, long long t, const char *body, size_t len)
    __attribute__((warn_unused_result));

/* Checks a "Mamori-Signature: t=<unix>,v1=<hex>" header value against body with secret,
 * in constant time, and that t is within tolerance seconds of now (0: no time check). */
bool mm_notify_verify(const char *header, const char *secret, const char *body, size_t len,
                      long long now, long long tolerance);

/* ---- transports (src/notify/send.c): libcurl ------------------------------------------- */

typedef struct mm_notify_smtp {
    const char *url;      /* smtp://HOST:PORT (STARTTLS when the relay offers it) or smtps:// */
    const char *user;     /* NULL: no AUTH */
    const char *password; /* never logged */
    bool require_tls;     /* STARTTLS required, not only tried */
    const char *cacert;   /* the CA certificates (PEM file) to check the relay's against; NULL:
                           * the system's */
    long timeout_s;
} mm_notify_smtp;

/* Sends one message to one recipient through the relay. On failure err gets a one-line
 * reason without credentials (curl's error text, the SMTP reply code) and MM_EIO returns. */
int mm_notify_smtp_send(const mm_notify_smtp *relay, const char *from, const char *to,
                        const char *msg, size_t len, char *err, size_t errsize)
    __attribute__((warn_unused_result));

/* POSTs body (application/json) to url with the headers Mamori-Signature (t=...,v1=...),
 * Mamori-Event-Id and User-Agent. A 2xx answer is success; anything else MM_EIO with err
 * ("HTTP 500", curl's text). The secret is never in err. */
int mm_notify_webhook_post(const char *url, const char *secret, const char *event_id,
                           const char *body, long timeout_s, char *err, size_t errsize)
    __attribute__((warn_unused_result));

/* ---- where webhooks may go (src/notify/url.c) ------------------------------------------- */

/* Checks a webhook URL against the operator's prefixes, each compared as the parts libcurl's
 * URL parser finds (scheme, host, port: case-insensitive, the port defaulted; the path under
 * the prefix's at a "/" boundary), never as text. 0: allowed; 1: well formed but under no
 * prefix; -1: refused whatever the prefixes (not http(s), user information, a backslash, an encoded
 * ".", "/" or "\" in the path). *why (when why is not NULL) gets a static reason for 1 and -1. */
int mm_notify_url_check(const char *url, const char *const *prefixes, size_t n, const char **why);

/* Whether prefix is an acceptable notify-webhooks prefix (as a URL above), *why if not. */
bool mm_notify_prefix_ok(const char *prefix, const char **why);

/* ---- the store (src/store/notify.c) ---------------------------------------------------- */

typedef enum mm_notify_scan {
    MM_NOTIFY_SCAN_SUBMISSIONS, /* a = received since (RFC 3339): new submissions, each with
                                 * the status of the one before it */
    MM_NOTIFY_SCAN_CONDITIONAL, /* a..b = received dates (YYYY-MM-DD) of a latest conditional
                                 * Rev 2 status that expires within 30 days */
    MM_NOTIFY_SCAN_OVERDUE,     /* a = today: open milestones of latest submissions due before */
    MM_NOTIFY_SCAN_INCIDENT,    /* a..b = now..now + 7 days: incident preservation ending */
    MM_NOTIFY_SCAN_AFFIRMATION, /* a = the last base date whose affirmation is due */
} mm_notify_scan;

/* Candidates of one sweep kind not yet recorded for their own organization, at most limit:
 * {"items": [{"cause", "org_id", "org_name", ...the kind's fields}]} (docs/notifications.md). */
int mm_store_notify_scan(mm_store *s, json_t **out, mm_notify_scan which, const char *a,
                         const char *b, int64_t limit) __attribute__((warn_unused_result));

/* The authority organizations' ids: {"items": ["id", ...]}. */
int mm_store_notify_authorities(mm_store *s, json_t **out) __attribute__((warn_unused_result));

/* One notification for recipient_org, unless one with this cause is there already (*written 0
 * or 1). Inside the caller's transaction. */
int mm_store_notify_record(mm_store *s, const char *recipient_org, const char *kind,
                           const char *cause, const char *subject, const char *detail_json,
                           const char *now, int64_t *written) __attribute__((warn_unused_result));

/* Plans deliveries for at most limit notifications not yet planned (oldest first): for each
 * enabled, undeleted user of the recipient organization whose preferences choose the kind and
 * the channel (email with an address, webhook with a URL), one outbox row, due now or at the
 * digest's next boundary (digest_hour / digest_day: the next whole hour / day, RFC 3339).
 * *planned: outbox rows written. Runs its own write transaction. */
int mm_store_notify_fanout(mm_store *s, const char *now, const char *digest_hour,
                           const char *digest_day, int64_t limit, int64_t *planned)
    __attribute__((warn_unused_result));

/* Leases at most limit pending outbox rows due at now (their lease ended or none) until
 * lease_until, in one write transaction, and returns them with what delivery needs:
 * {"items": [{"id", "channel", "digest", "attempts", "user_id", "login", "email", "lang",
 * "webhook_url", "webhook_secret", "active" (1: enabled, not deleted), "notification": {"id",
 * "kind", "cause", "subject", "detail", "created", "recipient_org"}}]}. The secret is the caller's
 * to keep from logs. */
int mm_store_notify_claim(mm_store *s, json_t **out, const char *now, const char *lease_until,
                          int64_t limit) __attribute__((warn_unused_result));

/* Gives up outbox row id for good (state "dropped"), recording why as a failed attempt: its
 * user is disabled or deleted, or no longer has the address or URL. Its own write
 * transaction. */
int mm_store_notify_drop(mm_store *s, int64_t id, const char *reason, const char *at)
    __attribute__((warn_unused_result));

/* Records one attempt of outbox row id (at, ok, result) and its outcome: sent at `at`, or
 * pending again from next_attempt, the lease ended. Its own write transaction. */
int mm_store_notify_attempt(mm_store *s, int64_t id, bool ok, const char *result, const char *at,
                            const char *next_attempt) __attribute__((warn_unused_result));

/* A user's preferences: {"events": [...], "channels": [...], "email", "lang", "digest",
 * "webhook_url", "webhook_secret_set": bool, "updated"}; the defaults (every kind, the
 * dashboard only, English, no digest) when the user has chosen nothing. */
int mm_store_notify_prefs_get(mm_store *s, json_t **out, int64_t user_id)
    __attribute__((warn_unused_result));

/* The user's webhook secret ("" when none) into out (size >= 80). */
int mm_store_notify_secret(mm_store *s, int64_t user_id, char *out, size_t size)
    __attribute__((warn_unused_result));

/* Writes a user's preferences (already checked: events and channels are JSON arrays of known
 * names as text, lang en|ja, digest none|hourly|daily); webhook_secret NULL keeps the one
 * stored. Inside the caller's transaction. */
int mm_store_notify_prefs_put(mm_store *s, int64_t user_id, const char *events_json,
                              const char *channels_json, const char *email, const char *lang,
                              const char *digest, const char *webhook_url,
                              const char *webhook_secret, const char *now)
    __attribute__((warn_unused_result));

/* A user's deliveries, newest first, with every attempt: {"total", "items": [{"id",
 * "notification_id", "kind", "subject", "channel", "digest", "state", "attempts",
 * "next_attempt", "created", "sent", "tries": [{"at", "ok", "result"}]}]}, one page. */
int mm_store_notify_deliveries(mm_store *s, json_t **out, int64_t user_id, int64_t offset,
                               int64_t limit) __attribute__((warn_unused_result));

/* The notifications of org_id filtered by the user's chosen kinds (all kinds when kinds is
 * NULL), read or not for user_id (docs/notifications.md "Read marks"): {"unread", "total",
 * "items": [{"id", "kind", "class" (the kind the choice names), "subject", "detail",
 * "created", "read" (when this user read it, or null)}]}, newest first, one page. */
int mm_store_notify_list(mm_store *s, json_t **out, const char *org_id, int64_t user_id,
                         const json_t *kinds, bool unread_only, int64_t offset, int64_t limit)
    __attribute__((warn_unused_result));

/* The header's count: org_id's notifications of the kinds user_id chose (its notify_prefs;
 * all without) that user_id has not read, counted up to cap (cap means "cap or more"). One
 * statement over the rows after the user's mark, reading at most cap unread rows. */
int mm_store_notify_unread(mm_store *s, int64_t *count, const char *org_id, int64_t user_id,
                           int64_t cap) __attribute__((warn_unused_result));

/* Marks org_id's notification id read for user_id at now (again: no change); MM_ENOTFOUND when
 * it is not org_id's. */
int mm_store_notify_read(mm_store *s, const char *org_id, int64_t user_id, int64_t id,
                         const char *now) __attribute__((warn_unused_result));

/* Marks every notification of org_id read for user_id at now (its mark moves to the newest);
 * *count: how many were unread for it. */
int mm_store_notify_read_all(mm_store *s, const char *org_id, int64_t user_id, const char *now,
                             int64_t *count) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif

#endif
