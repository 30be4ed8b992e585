/* mamori serve: the dashboard's layout and strings (web_render.c), charts (web_chart.c), the
 * submission cache (cache.c) and its pages (web_*.c). Pages
 * are built server-side from content/web/ (layout, strings in English and Japanese, CSS and
 * a little JavaScript), all compiled into the binary. */
#ifndef MAMORI_SERVER_WEB_H
#define MAMORI_SERVER_WEB_H

#include <jansson.h>

#include "server/internal.h"
#include "util/util.h"

/* One page being built: the language, the main content and what the layout needs. */
typedef struct page {
    http_req *r;
    const char *lang; /* "en" or "ja" */
    const char *tz;   /* the zone times are shown in: "jst" or "utc" (web_time) */
    const char *title;
    const char *self; /* the GET path the language links point to (NULL: the request's) */
    const char *body_class;
    mm_buf b; /* the contents of <main> */
} page;

/* Starts a page for r: picks the language (?lang=, the mm_lang cookie, Accept-Language)
 * and, when ?lang= was given, remembers it in out's cookie. */
void web_page_init(page *p, http_req *r, reply *out);
/* Puts the layout around p->b and fills out with the page (status); frees p->b. */
void web_page_finish(page *p, reply *out, unsigned status);

/* The string key in the page's language (English when missing; the key when missing in
 * both). */
const char *web_tr(const page *p, const char *key);
/* The same for a language ("ja", else English) outside a page (a notification's mail). */
const char *web_tr_lang(const char *lang, const char *key);
/* The string as element content, escaped (quotes too); {0}, {1}, {2} replaced by the escaped
 * args (NULL: nothing), an arg with a bidirectional control isolated in <bdi>
 * (mm_i18n_put_esc, MM_I18N_HTML). */
void web_put_tr(page *p, const char *key);
void web_put_trf(page *p, const char *key, const char *a0, const char *a1, const char *a2);
/* The same inside a double-quoted attribute value (aria-label, data-confirm): no <bdi>, an
 * arg's bidirectional controls shown as "<U+202E>" as web_attr does (MM_I18N_ATTR). */
void web_put_tr_attr(page *p, const char *key, const char *a0, const char *a1, const char *a2);
/* The same as plain text (not escaped) into out (size bytes, truncated). */
void web_trf_plain(const page *p, char *out, size_t size, const char *key, const char *a0,
                   const char *a1, const char *a2);
/* Escaped text for element content; text holding a bidirectional control is isolated in
 * <bdi> (a safety net: user data goes through web_user). Not for attribute values. */
void web_esc(page *p, const char *s);
/* A timestamp of the API (ISO 8601 with a zone; a bare date too) as <time>: in the viewer's
 * zone (p->tz: JST by default for Japanese, UTC for English; ?tz= and the mm_tz cookie
 * choose), the UTC time on hover (title); anything else escaped as it is. */
void web_time(page *p, const char *iso);
/* web_time's text alone, where no element may stand (an <option>). */
void web_time_text(page *p, const char *iso);
/* Text that stays in English on every page (NIST's requirement and family titles: no
 * published Japanese translation ships with mamori, docs/dashboard.md), escaped and marked
 * <span lang="en"> on a page in another language. */
void web_en(page *p, const char *s);
/* A POA&M milestone's status (planned, in-progress, completed) in p's language. */
void web_milestone_status(page *p, const char *status);
/* A user's role (authority-admin, ...) in p's language, with data-role. */
void web_role(page *p, const char *role);
/* Escaped for an attribute value (or SVG text, the <title>): bidirectional controls are
 * shown as "<U+202E>", since no element can isolate them there. */
void web_attr(page *p, const char *s);
/* "Rev 2" / "Rev 3" for a framework name. */
const char *web_fw_label(const char *fw);
/* User-supplied text (a name, a login, a title, a narrative) as the content of an element:
 * escaped and isolated in <bdi>, so that bidirectional controls in it (a U+202E "Trojan
 * Source" name) cannot reorder the text around it. Every page puts user data through this;
 * web_esc is for values mamori made (ids, dates, hashes) and for attribute values. */
void web_user(page *p, const char *s);
void web_printf(page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void web_puts(page *p, const char *s);
/* The statuses a latest submission can have, in the order the pages list them. */
#define NSTATUS 7
extern const char *const web_status_names[NSTATUS];
/* The index of s in web_status_names (the last, "none", when unknown). */
int web_status_index(const char *s);
/* <span class="badge" data-status="s">label</span> */
void web_badge(page *p, const char *status);
/* The annual affirmation (32 CFR 170.22) of an item annotated by affirmation_annotate:
 * <span class="affirmation" data-state="due|overdue|none">due by DATE</span> */
void web_put_affirmation(page *p, const json_t *item);
/* The hidden csrf field of forms of a signed-in user. */
void web_csrf_field(page *p);
/* <div class="error" role="alert">text</div> (text escaped) */
void web_error_box(page *p, const char *text);

/* A 303 to location (a path of this server). */
void web_redirect(reply *out, const char *location);
/* An HTML error page (403, 404, 400, ...) with a message key. */
void web_error_page(http_req *r, reply *out, unsigned status, const char *key);
/* The same with a message already made (text; NULL: key's). */
void web_error_page_text(http_req *r, reply *out, unsigned status, const char *text,
                         const char *key);

/* A submission as mm_store_get_submission returns it (without body), from an in-memory
 * LRU cache (cache.c): submissions never change. *out a new reference; MM_ENOTFOUND (also
 * for a NULL id) or the store's code with *out NULL. */
int web_submission(http_req *r, const char *id, json_t **out);

/* Every contractor (mm_store_list_orgs items) matching q, in pages of 1,000. A new
 * reference (an array), or NULL on a store error. */
json_t *web_all_contractors(http_req *r, const char *status, const char *parent_id);

/* ---- charts (inline SVG; each in a <figure> with a text alternative and a table) ------- */

typedef struct hist_bin {
    const char *label;
    long count;
} hist_bin;

/* A bar chart of counts (one row per group: nrows groups of nbins bins each). */
void web_chart_histogram(page *p, const char *id, const char *title, const char *const *row_titles,
                         const hist_bin *bins, size_t nrows, size_t nbins);
/* A heatmap: rows × cols of rates in [0, 1] (negative: no data), labels escaped. */
void web_chart_heatmap(page *p, const char *id, const char *title, const char *const *rows,
                       size_t nrows, const char *const *cols, size_t ncols, const double *rate,
                       const long *n);
/* A line chart of values over labels (x evenly spaced). has[i] false: no value. */
/* label_head: the table's first column's head (NULL: "Submission"). */
void web_chart_line(page *p, const char *id, const char *title, const char *const *labels,
                    const double *values, const bool *has, size_t n, const char *label_head,
                    const char *value_head);
/* Stacked bars of counts over labels: counts[k * n + i] of series k (a status, which picks
 * its colour) at label i; a legend of series_titles; the table's first column label_head. */
void web_chart_stacked(page *p, const char *id, const char *title, const char *const *labels,
                       size_t n, const char *const *series, const char *const *series_titles,
                       size_t ns, const long *counts, const char *label_head);
/* Horizontal bars met/total per row. */
void web_chart_bars(page *p, const char *id, const char *title, const char *const *labels,
                    const long *met, const long *total, size_t n);
/* Milestones on a time axis: dates YYYY-MM-DD; overdue ones marked. */
typedef struct timeline_item {
    const char *label; /* requirement / POA&M id */
    const char *description;
    const char *due;
    const char *status;
    bool overdue;
} timeline_item;
void web_chart_timeline(page *p, const char *id, const char *title, const timeline_item *items,
                        size_t n, const char *today);

/* ---- the page handlers (web_*.c, one file per page or group)
 * ---------------------------------------------------------- */

void w_static(http_req *r, reply *out);
void w_root(http_req *r, reply *out);
void w_login_form(http_req *r, reply *out);
void w_login(http_req *r, reply *out);
void w_logout(http_req *r, reply *out);
void w_password_form(http_req *r, reply *out);
void w_password(http_req *r, reply *out);
void w_overview(http_req *r, reply *out);
void w_incidents(http_req *r, reply *out);
void w_frameworks(http_req *r, reply *out);
/* A submission's status in the frameworks the authority shows (web_frameworks.c): a JSON
 * array in *out (new reference); MM_OK or the store's code. */
int framework_status(json_t **out, http_req *r, const char *submission_id);
/* The same for exactly the frameworks ids (pack ids; a framework no crosswalk relates to the
 * assessed one is {"framework", "title", "crosswalk": null}); the assessed framework itself is
 * left out (screen_report.c). */
int framework_status_in(json_t **out, http_req *r, const char *submission_id,
                        const char *const *ids, size_t nids);
/* Its section on a contractor's page (nothing for an empty array); from: the assessed
 * framework's id. */
void framework_status_render(page *p, const json_t *status, const char *from);
void w_incident(http_req *r, reply *out);
void w_incident_form(http_req *r, reply *out);
void w_incident_create(http_req *r, reply *out);
void w_items(http_req *r, reply *out);
void w_item(http_req *r, reply *out);
void w_item_form(http_req *r, reply *out);
void w_item_create(http_req *r, reply *out);
void w_item_reshare(http_req *r, reply *out);
void w_item_widen(http_req *r, reply *out);
void w_items_import(http_req *r, reply *out);
void w_groups(http_req *r, reply *out);
void w_communities(http_req *r, reply *out);
void w_community_create(http_req *r, reply *out);
void w_community_update(http_req *r, reply *out);
void w_community_member_add(http_req *r, reply *out);
void w_community_picker(http_req *r, reply *out);
void w_community_member_remove(http_req *r, reply *out);
void w_group_member_add(http_req *r, reply *out);
void w_group_member_remove(http_req *r, reply *out);
void w_contractors(http_req *r, reply *out);
void w_overdue(http_req *r, reply *out);
void w_audit(http_req *r, reply *out);        /* web_audit.c */
void w_audit_verify(http_req *r, reply *out); /* web_audit.c */
void w_trends(http_req *r, reply *out);       /* web_trends.c */
void w_changes(http_req *r, reply *out);      /* web_trends.c */
void w_contractor(http_req *r, reply *out);
void w_diff(http_req *r, reply *out);
void w_requirement(http_req *r, reply *out);
void w_my(http_req *r, reply *out);
void w_upload(http_req *r, reply *out);
void w_tokens(http_req *r, reply *out);
void w_token_create(http_req *r, reply *out);
void w_token_revoke(http_req *r, reply *out);
void w_keys(http_req *r, reply *out);
void w_key_add(http_req *r, reply *out);
void w_key_revoke(http_req *r, reply *out);
void w_users(http_req *r, reply *out);
void w_user_action(http_req *r, reply *out);

#endif
