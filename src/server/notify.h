/* mamori serve: notifications delivered (notify.c, notify_api.c, docs/notifications.md). */
#ifndef MAMORI_SERVER_NOTIFY_H
#define MAMORI_SERVER_NOTIFY_H

#include "mamori/notify.h"
#include "server/internal.h"
#include "util/util.h"

/* Keeps the configuration's notify-* values in srv->notifier (the SMTP password read from its
 * file): MM_EUSAGE or the file's error, with the key named. */
int notify_load(mm_server *srv, const mm_server_config *cfg);
/* Starts the background thread (one round every notify-interval seconds); stops and joins it;
 * frees what notify_load kept. */
void notify_start(mm_server *srv);
void notify_stop(mm_server *srv);
void notify_free(mm_server *srv);

/* A status drop of org_id's latest submission (before -> after, worse), recorded in the
 * submission's transaction for the authorities and the organization itself, once per
 * submission (cause "status-drop:ID"); the supply chain's customers hear of it through
 * supply_alert_status. */
int notify_status_drop(mm_store *st, const char *org_id, const char *before, const char *after,
                       const char *now) __attribute__((warn_unused_result));

/* One round now, under the round's lock: the sweep, the deliveries planned, the due outbox
 * rows sent: {"recorded", "planned", "sent", "failed"}; a store failure in "error". On st (a
 * request's connection), or NULL: one from the pool. */
json_t *notify_run(mm_server *srv, mm_store *st);

/* Whether url may be a webhook's (mm_notify_url_check against the configured notify-webhooks
 * prefixes; none configured: no webhook may be set): 0 allowed, 1 under no prefix, -1 refused
 * whatever the prefixes; *why a static reason. */
int notify_webhook_check(const mm_server *srv, const char *url, const char **why);

/* A user's new preferences: prefs is the current ones (mm_store_notify_prefs_get) with the
 * changes laid over them; each value checked (msg names the JSON path). A new webhook URL, or
 * rotate, makes a new secret, returned once in *secret_out (size >= 80, else ""). Audited
 * "notify.preferences" on "user:ID" (never the secret). */
int notify_prefs_update(http_req *r, const json_t *changes, bool rotate, json_t **out,
                        char *secret_out, size_t secret_size, act_fail *f);

/* The subject of a notification of class klass (mm_notify_kind_of) in lang: its template
 * "notify.subject.KLASS" filled from detail's "args" (a status drop's statuses as the
 * reader's labels); a notification without args shows the stored subject in the template. */
void notify_subject(mm_buf *b, const char *lang, const char *klass, const json_t *detail,
                    const char *stored);

/* The API (notify_api.c) */
void h_notify_prefs_get(http_req *r, reply *out);
void h_notify_prefs_put(http_req *r, reply *out);
void h_notify_deliveries(http_req *r, reply *out);
void h_notify_run(http_req *r, reply *out);

/* The dashboard: POST /notifications/read (web_notifications.c); the preferences page and its
 * form (web_notify_prefs.c) */
void w_notifications_read(http_req *r, reply *out);
void w_notify_prefs(http_req *r, reply *out);
void w_notify_prefs_post(http_req *r, reply *out);

#endif
