/* mamori serve: cyber incident reports (docs/incidents.md, docs/api.md "Incident reports").
 *
 * Each report is a shared item of kind "incident" (its TLP label and recipients: by default
 * AMBER+STRICT to the reporter's organization and the authority) plus an incidents row. Who
 * may read a report is decided only by the sharing core: every read here starts from
 * share_visible_items (mm_tlp_may_read), and a report the reader may not see answers 404,
 * exactly as one that does not exist. RED and AMBER reads are audited like other items. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/incident.h"
#include "mamori/share.h"
#include "server/share_core.h"
#include "server/supply.h"
#include "util/util.h"

/* Unix seconds of a stored UTC time ("...Z"); -1 when missing. */
static long long utc_of(const json_t *v)
{
    long long t;
    int off;
    const char *s = json_string_value(v);
    return s && mm_incident_parse_time(&t, &off, s) == MM_OK ? t : -1;
}

/* A report as the API shows it: the row, the label, the deadline state at now and the due
 * time in the reporter's local time. A new reference. */
static json_t *incident_out(const json_t *row, const char *tlp, long long now)
{
    json_t *body = json_object_get(row, "body");
    long long due = utc_of(json_object_get(row, "due"));
    long long reported = utc_of(json_object_get(row, "reported"));
    int off = (int)json_integer_value(json_object_get(row, "discovered_offset"));
    const char *zone = json_string_value(json_object_get(body, "time_zone"));
    if (zone && mm_incident_zone_offset(&off, zone, due) != MM_OK)
        off = (int)json_integer_value(json_object_get(row, "discovered_offset"));
    char due_local[MM_INCIDENT_TIME_TEXT_BYTES];
    mm_incident_format_time(due_local, due, off);
    mm_deadline_state st = mm_incident_state(due, reported, now, MM_INCIDENT_DUE_SOON_HOURS);
    mm_tlp t = MM_TLP_RED;
    if (mm_tlp_parse(&t, tlp ? tlp : "") != MM_OK)
        t = MM_TLP_RED;
    return json_pack(
        "{s:O,s:O,s:O,s:O,s:O,s:s,s:O,s:O,s:O,s:O,s:O,s:s,s:s,s:O,s:O,s:O,s:O}", "id",
        json_object_get(row, "id"), "report_number", json_object_get(row, "report_number"),
        "report_type", json_object_get(row, "report_type"), "initial_report",
        json_object_get(row, "initial_report"), "org_id", json_object_get(row, "org_id"), "tlp",
        mm_tlp_label(t), "item_id", json_object_get(row, "item_id"), "discovered",
        json_object_get(body, "discovered"), "discovered_utc", json_object_get(row, "discovered"),
        "reported", json_object_get(row, "reported"), "due", json_object_get(row, "due"),
        "due_local", due_local, "deadline_state", mm_deadline_state_name(st), "preserve_until",
        json_object_get(row, "preserve_until"), "sub_report_number",
        json_object_get(row, "sub_report_number"), "report", body, "created",
        json_object_get(row, "created"));
}

/* The visible incident items by id: {item id: item} into *out. */
static int visible_incident_items(http_req *r, json_t **out)
{
    json_t *vis = NULL;
    int rc = share_visible(r, NULL, &vis);
    if (rc)
        return rc;
    json_t *map = json_object();
    size_t i;
    json_t *it;
    json_array_foreach(vis, i, it)
    {
        const char *kind = json_string_value(json_object_get(it, "kind"));
        const char *id = json_string_value(json_object_get(it, "id"));
        if (map && kind && id && strcmp(kind, "incident") == 0)
            json_object_set(map, id, it);
    }
    json_decref(vis);
    *out = map;
    return map ? MM_OK : MM_ENOMEM;
}

/* The reports of rows (stolen) the requester may read, audited as via, into *list (a new
 * array). */
static int readable_reports(http_req *r, json_t *rows, const char *via, json_t **list)
{
    *list = NULL;
    json_t *items = NULL;
    int rc = visible_incident_items(r, &items);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    json_t *shown = json_array(), *read = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *it = json_object_get(items, json_string_value(json_object_get(row, "item_id")));
        if (!it || !shown || !read)
            continue;
        json_array_append_new(
            shown, incident_out(row, json_string_value(json_object_get(it, "tlp")), r->now_unix));
        json_array_append(read, it);
    }
    json_decref(rows);
    json_decref(items);
    rc = shown && read ? share_audit_reads(r, read, via) : MM_ENOMEM;
    json_decref(read);
    if (rc) {
        json_decref(shown);
        return rc;
    }
    *list = shown;
    return MM_OK;
}

int incidents_list(http_req *r, json_t **list)
{
    json_t *rows = NULL;
    *list = NULL;
    int rc = mm_store_list_incidents(r->st, &rows, NULL, 0, NULL);
    return rc ? rc : readable_reports(r, rows, "list", list);
}

void h_incidents_list(http_req *r, reply *out)
{
    json_t *list = NULL;
    int rc = incidents_list(r, &list);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "incidents", list));
}

int incident_get(http_req *r, const char *key, json_t **out)
{
    char *end = NULL;
    long long id = strtoll(key, &end, 10);
    json_t *rows = NULL, *list = NULL;
    *out = NULL;
    int rc = key[0] && end && !*end && id > 0
                 ? mm_store_list_incidents(r->st, &rows, NULL, id, NULL)
                 : mm_store_list_incidents(r->st, &rows, NULL, 0, key);
    if (rc == MM_OK)
        rc = readable_reports(r, rows, "get", &list);
    if (rc)
        return rc;
    if (json_array_size(list) == 0) {
        json_decref(list);
        mm_error_set("no such incident report");
        return MM_ENOTFOUND;
    }
    *out = json_incref(json_array_get(list, 0));
    json_decref(list);
    return MM_OK;
}

void h_incident_get(http_req *r, reply *out)
{
    json_t *one = NULL;
    int rc = incident_get(r, r->param[0], &one);
    if (rc == MM_ENOTFOUND) {
        reply_error(out, 404, "not_found", "no such incident report");
        return;
    }
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, json_pack("{s:o}", "incident", one));
}

int incident_attach(http_req *r, json_t *item)
{
    const char *item_id = json_string_value(json_object_get(item, "id"));
    json_t *rows = NULL;
    int rc = mm_store_list_incidents(
        r->st, &rows, json_string_value(json_object_get(item, "originator_org")), 0, NULL);
    if (rc)
        return rc;
    rc = MM_ENOTFOUND;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (!item_id || !mm_streq(json_string_value(json_object_get(row, "item_id")), item_id))
            continue;
        json_t *o = incident_out(row, json_string_value(json_object_get(item, "tlp")), r->now_unix);
        rc = o && json_object_set_new(item, "incident", o) == 0 ? MM_OK : MM_ENOMEM;
        break;
    }
    json_decref(rows);
    return rc;
}

/* The authority organization's id (borrowed from tree), or NULL. */
static const char *authority_of(const json_t *tree)
{
    size_t i;
    json_t *row;
    json_array_foreach(tree, i, row)
    {
        const char *kind = json_string_value(json_array_get(row, 1));
        if (kind && strcmp(kind, "authority") == 0)
            return json_string_value(json_array_get(row, 0));
    }
    return NULL;
}

int incident_create(http_req *r, const char *text, size_t len, int64_t *out_id, act_fail *f)
{
    mm_incident *inc = NULL;
    *out_id = 0;
    mm_error_clear();
    int rc = mm_incident_parse(&inc, text ? text : "", len, "body", r->srv->r3, r->srv->r2);
    if (rc == MM_OK)
        rc = mm_incident_check_discovered(inc, r->now_unix, "body");
    if (rc == MM_ENOMEM) {
        mm_incident_free(inc);
        return act_failed(f, ACT_BUSY, rc, "out of memory");
    }
    if (rc) {
        mm_incident_free(inc);
        return act_failed(f, rc == MM_EINVALID ? ACT_UNPROCESSABLE : ACT_INVALID, rc, "%s",
                          mm_error_last());
    }
    json_t *tree = NULL, *initial = NULL, *users = NULL, *orgs = NULL, *rows = NULL;
    char *body = NULL;
    int64_t initial_id = 0, new_id = 0;
    char number[32] = "", item_id[37];
    rc = mm_store_org_tree(r->st, &tree);
    if (rc == MM_OK && inc->type == MM_INCIDENT_FOLLOW_ON) {
        rc = mm_store_list_incidents(r->st, &initial, r->who.org_id, 0, inc->initial_report);
        json_t *first = json_array_get(initial, 0);
        const char *type = json_string_value(json_object_get(first, "report_type"));
        if (rc == MM_OK && (!type || strcmp(type, "initial") != 0)) {
            rc = act_failed(f, ACT_UNPROCESSABLE, MM_EINVALID,
                            "body: $.initial_report: \"%.64s\" is not an initial report of your "
                            "organization",
                            inc->initial_report);
            goto done;
        }
        initial_id = json_integer_value(json_object_get(first, "id"));
    }
    if (rc) {
        act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
        goto done;
    }
    const char *authority = authority_of(tree);
    if (strcmp(inc->tlp, "RED") == 0) {
        users = json_pack("[I]", (json_int_t)r->who.user_id); /* RED: the reporter only */
    } else {
        orgs = json_pack("[s]", r->who.org_id);
        if (orgs && authority && strcmp(authority, r->who.org_id) != 0)
            json_array_append_new(orgs, json_string(authority));
    }
    rc = mm_incident_to_json(&body, inc);
    if (rc || (!users && !orgs)) {
        rc = act_failed(f, ACT_BUSY, MM_ENOMEM, "out of memory");
        goto done;
    }
    long long due = mm_incident_due(inc->discovered, r->srv->incident_hours);
    long long pres = mm_incident_preserve_until(r->now_unix, MM_INCIDENT_PRESERVE_DAYS);
    char disc[MM_INCIDENT_TIME_TEXT_BYTES], now[MM_INCIDENT_TIME_TEXT_BYTES],
        due_s[MM_INCIDENT_TIME_TEXT_BYTES], pres_s[MM_INCIDENT_TIME_TEXT_BYTES];
    mm_incident_format_time(disc, inc->discovered, 0);
    mm_incident_format_time(now, r->now_unix, 0);
    mm_incident_format_time(due_s, due, 0);
    mm_incident_format_time(pres_s, pres, 0);
    char title[160];
    snprintf(title, sizeof title, "Cyber incident report (%s), discovered %s",
             mm_incident_type_name(inc->type), disc);
    mm_store_new_id(item_id);
    mm_item_rec item = {.id = item_id,
                        .kind = "incident",
                        .originator_org = r->who.org_id,
                        .originator_user = r->who.user_id,
                        .tlp = inc->tlp,
                        .title = title,
                        .body = "{}",
                        .sources = "[]",
                        .created = now,
                        .recipient_users = users,
                        .recipient_orgs = orgs,
                        .added_by = r->who.login};
    mm_incident_rec rec = {.item_id = item_id,
                           .org_id = r->who.org_id,
                           .report_type = mm_incident_type_name(inc->type),
                           .initial_id = initial_id,
                           .discovered = disc,
                           .discovered_offset = inc->discovered_offset,
                           .reported = now,
                           .due = due_s,
                           .preserve_until = pres_s,
                           .body = body,
                           .sub_report_number = inc->sub_report_number,
                           .created = now};
    /* The report number is the year's count + 1: two reports at once on PostgreSQL can
     * draw the same one, and the second insert then fails on its UNIQUE: try again. */
    for (int attempt = 0; attempt < 5; attempt++) {
        if (attempt)
            mm_store_new_id(item_id);
        rc = mm_store_begin(r->st);
        if (rc == MM_OK)
            rc = mm_store_create_item(r->st, &item);
        if (rc == MM_OK)
            rc = mm_store_create_incident(r->st, &new_id, number, &rec);
        if (rc == MM_OK) /* the customers up the chain that may see its status (supply.c) */
            rc = supply_alert_incident(r->st, r->who.org_id, number, r->now);
        rc = mm_audited_commit(r->st, rc, r->who.login, "incident.create", item_id,
                               json_pack("{s:s,s:s,s:s}", "report_number", number, "tlp", inc->tlp,
                                         "report_type", rec.report_type));
        if (rc != MM_ECONFLICT)
            break;
    }
    if (rc)
        act_failed(f, ACT_STORE, rc, "%s", mm_error_last());
    else
        *out_id = new_id;
done:
    json_decref(rows);
    json_decref(tree);
    json_decref(initial);
    json_decref(users);
    json_decref(orgs);
    free(body);
    mm_incident_free(inc);
    return rc;
}

void h_incidents_create(http_req *r, reply *out)
{
    int64_t id = 0;
    act_fail f = {0};
    json_t *rows = NULL;
    int rc = incident_create(r, r->body, r->body_len, &id, &f);
    if (rc) {
        if (f.kind == ACT_UNPROCESSABLE) /* the codes this endpoint has always answered */
            reply_error(out, 422, "invalid", "%s", f.msg);
        else
            reply_fail(out, &f);
        return;
    }
    rc = mm_store_list_incidents(r->st, &rows, NULL, id, NULL);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    json_t *row = json_array_get(rows, 0);
    json_t *o = incident_out(
        row, json_string_value(json_object_get(json_object_get(row, "body"), "tlp")), r->now_unix);
    reply_json(out, 201, json_pack("{s:o}", "incident", o));
    json_decref(rows);
}
