/* Critical infrastructure (schema 16; docs/screening.md): organizations' sectors and
 * designations, installation plans and their examination clock. One set of statements for
 * both databases, every value a typed parameter. The sector list itself is content, checked
 * by the callers (src/screen); the moves a plan may make are src/screen/plan.c's. */
#include <stdio.h>
#include <string.h>

#include "mamori/screen.h"
#include "mamori/store.h"
#include "store/driver.h"
#include "util/util.h"

static int org_exists(mm_store *s, const char *org_id, const char *what)
{
    json_t *org = NULL;
    int rc = mm_need(org_id, what);
    if (rc == MM_OK)
        rc = mm_store_get_org(s, &org, org_id);
    json_decref(org);
    return rc;
}

int mm_store_org_sector_set(mm_store *s, const char *org_id, const char *sector,
                            const char *designated, const char *ministry, const char *by,
                            const char *now)
{
    int rc = org_exists(s, org_id, "sector: organization id");
    if (rc == MM_OK)
        rc = mm_need(sector, "sector: the sector key");
    if (rc == MM_OK && (designated != NULL) != (ministry != NULL)) {
        mm_error_set("sector: a designation needs both its date and its ministry");
        rc = MM_EINVALID;
    }
    if (rc == MM_OK && designated && !mm_is_date(designated)) {
        mm_error_set("sector: designated '%s' is not a date YYYY-MM-DD", designated);
        rc = MM_EINVALID;
    }
    if (rc == MM_OK && ministry && !mm_nonempty(ministry)) {
        mm_error_set("sector: the ministry is empty");
        rc = MM_EINVALID;
    }
    const mm_param p[] = {P_TEXT(org_id),   P_TEXT(sector), P_TEXT(designated),
                          P_TEXT(ministry), P_TEXT(now),    P_TEXT(by)};
    if (rc == MM_OK)
        rc = mm_db_exec(s,
                        "INSERT INTO org_sectors (org_id, sector, designated, ministry, recorded,"
                        " recorded_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO"
                        " UPDATE SET sector = $2, designated = $3, ministry = $4, recorded = $5,"
                        " recorded_by = $6",
                        NPARAMS(p), p, NULL, NULL, NULL);
    return rc;
}

int mm_store_org_sector_get(mm_store *s, json_t **out, const char *org_id)
{
    *out = NULL;
    json_t *row = NULL;
    int rc = mm_need(org_id, "sector: organization id");
    const mm_param p[] = {P_TEXT(org_id)};
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, "the organization has no sector recorded",
                       "SELECT org_id, sector, designated, ministry, recorded, recorded_by"
                       " FROM org_sectors WHERE org_id = $1",
                       1, p);
    static const char *const keys[] = {"org_id",   "sector",      "designated", "ministry",
                                       "recorded", "recorded_by", NULL};
    if (rc == MM_OK && !(*out = mm_row_object(row, 0, keys, "ssssss")))
        rc = mm_oom();
    json_decref(row);
    return rc;
}

int mm_store_sector_texts(mm_store *s, json_t **out)
{
    *out = NULL;
    json_t *rows = NULL, *list = json_array();
    if (!list)
        return mm_oom();
    int rc = mm_db_rows(s, &rows, NULL,
                        "SELECT o.id, o.name, pr.sector, o.identifiers, os.sector"
                        " FROM organizations o LEFT JOIN org_profiles pr ON pr.org_id = o.id"
                        " LEFT JOIN org_sectors os ON os.org_id = o.id ORDER BY o.name, o.id",
                        0, NULL);
    size_t i;
    json_t *row;
    bool ok = rc == MM_OK;
    json_array_foreach(rows, i, row)
    {
        json_t *ids = mm_cell_json(row, 3, true);
        const char *texts[2][2] = {
            {"org_profiles.sector", mm_cell(row, 2)},
            {"identifiers.sector", json_string_value(json_object_get(ids, "sector"))}};
        for (size_t t = 0; t < 2 && ok; t++)
            if (mm_nonempty(texts[t][1]))
                ok = json_array_append_new(
                         list, json_pack("{s:s, s:s, s:s, s:s, s:o}", "org_id", mm_cell(row, 0),
                                         "name", mm_cell(row, 1), "from", texts[t][0], "value",
                                         texts[t][1], "sector", mm_cell_text(row, 4))) == 0;
        json_decref(ids);
    }
    json_decref(rows);
    if (rc == MM_OK && !ok)
        rc = mm_oom();
    if (rc)
        json_decref(list);
    else
        *out = list;
    return rc;
}

/* ---- installation plans --------------------------------------------------------------- */

static int add_event(mm_store *s, const char *id, const char *now, const char *by, const char *from,
                     const char *to, const char *due, const char *reason)
{
    const mm_param p[] = {P_TEXT(id), P_TEXT(now), P_TEXT(by),    P_TEXT(from),
                          P_TEXT(to), P_TEXT(due), P_TEXT(reason)};
    return mm_db_exec(s,
                      "INSERT INTO install_plan_events (plan_id, at, by_user, from_state, to_state,"
                      " due, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                      NPARAMS(p), p, NULL, NULL, NULL);
}

int mm_store_plan_file(mm_store *s, const char *id, const json_t *plan, int days, const char *by,
                       const char *now)
{
    const char *op = json_string_value(json_object_get(plan, "operator"));
    const char *sector = json_string_value(json_object_get(plan, "sector"));
    int rc = mm_need(id, "plan: id");
    if (rc == MM_OK)
        rc = mm_need(sector, "plan: sector");
    if (rc == MM_OK)
        rc = mm_need(now, "plan: time filed");
    if (rc == MM_OK)
        rc = org_exists(s, op, "plan: operator");
    if (rc == MM_OK && (days < 1 || days > 366)) {
        mm_error_set("plan: an examination period of %d days is out of range (1 to 366)", days);
        rc = MM_EINVALID;
    }
    char day[11] = "", due[11] = "";
    if (rc == MM_OK) {
        memcpy(day, now, 10);
        if (!mm_is_date(day)) {
            mm_error_set("plan: '%s' is not a time", now);
            rc = MM_EINVALID;
        } else {
            mm_date_format(due, mm_date_days(day) + days);
        }
    }
    char *text = rc == MM_OK ? json_dumps(plan, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (rc == MM_OK && !text)
        rc = mm_oom();
    if (rc == MM_OK)
        rc = mm_db_tx_begin(s);
    if (rc == MM_OK) {
        const mm_param p[] = {P_TEXT(id),  P_TEXT(op), P_TEXT(sector), P_TEXT(text),
                              P_TEXT(now), P_TEXT(by), P_TEXT(due)};
        int w = mm_db_exec(s,
                           "INSERT INTO install_plans (id, operator_id, sector, plan, state, filed,"
                           " filed_by, due, updated) VALUES ($1, $2, $3, $4, 'submitted', $5, $6,"
                           " $7, $5)",
                           NPARAMS(p), p, NULL, NULL, NULL);
        if (w == MM_OK)
            w = add_event(s, id, now, by, NULL, "submitted", due, NULL);
        rc = mm_db_tx_end(s, w);
    }
    free(text);
    return rc;
}

#define PLAN_COLS "id, operator_id, sector, state, filed, filed_by, due, updated"
static const char *const plan_keys[] = {"id",       "operator_id", "sector",  "state", "filed",
                                        "filed_by", "due",         "updated", "plan",  NULL};

int mm_store_plan_get(mm_store *s, json_t **out, const char *id)
{
    *out = NULL;
    json_t *row = NULL, *events = NULL;
    int rc = mm_need(id, "plan: id");
    const mm_param p[] = {P_TEXT(id)};
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, "no such installation plan",
                       "SELECT " PLAN_COLS ", plan FROM install_plans WHERE id = $1", 1, p);
    static const char *const ev_keys[] = {"at", "by", "from", "to", "due", "reason", NULL};
    if (rc == MM_OK)
        rc = mm_db_objects(s, &events,
                           "SELECT at, by_user, from_state, to_state, due, reason"
                           " FROM install_plan_events WHERE plan_id = $1 ORDER BY id",
                           1, p, ev_keys, "ssssss");
    if (rc == MM_OK && (!(*out = mm_row_object(row, 0, plan_keys, "sssssssso")) ||
                        json_object_set_new(*out, "events", events) != 0)) {
        json_decref(*out);
        *out = NULL;
        rc = mm_oom();
    } else if (rc) {
        json_decref(events);
    }
    json_decref(row);
    return rc;
}

int mm_store_plan_list(mm_store *s, json_t **out, const char *operator_id)
{
    const mm_param p[] = {P_TEXT(operator_id)};
    return mm_db_objects(s, out,
                         "SELECT " PLAN_COLS " FROM install_plans WHERE $1 IS NULL OR"
                         " operator_id = $1 ORDER BY filed DESC, id",
                         1, p, plan_keys, "ssssssss");
}

/* The plan's state and due date into state[32] and due[11]. */
static int plan_state(mm_store *s, const char *id, char *state, char *due)
{
    json_t *row = NULL;
    const mm_param p[] = {P_TEXT(id)};
    int rc = mm_need(id, "plan: id");
    if (rc == MM_OK)
        rc = mm_db_row(s, &row, "no such installation plan",
                       "SELECT state, due FROM install_plans WHERE id = $1", 1, p);
    if (rc == MM_OK) {
        mm_cell_copy(state, 32, row, 0);
        mm_cell_copy(due, 11, row, 1);
    }
    json_decref(row);
    return rc;
}

static int set_state(mm_store *s, const char *id, const char *from, const char *to, const char *due,
                     const char *reason, const char *by, const char *now)
{
    int rc = mm_db_tx_begin(s);
    if (rc)
        return rc;
    const mm_param p[] = {P_TEXT(id), P_TEXT(to), P_TEXT(due), P_TEXT(now), P_TEXT(from)};
    int w = mm_db_change(s, "the plan changed meanwhile; read it again",
                         "UPDATE install_plans SET state = $2, due = $3, updated = $4"
                         " WHERE id = $1 AND state = $5",
                         NPARAMS(p), p);
    if (w == MM_OK)
        w = add_event(s, id, now, by, from, to, due, reason);
    return mm_db_tx_end(s, w);
}

int mm_store_plan_move(mm_store *s, const char *id, const char *to, const char *reason,
                       const char *by, const char *now)
{
    char state[32], due[11];
    int rc = plan_state(s, id, state, due);
    if (rc)
        return rc;
    if (!mm_plan_transition_ok(state, to)) {
        mm_error_set("plan %s: a plan that is %s cannot become %s", id, state, to ? to : "(none)");
        return MM_ECONFLICT;
    }
    if (strcmp(to, "extended") == 0) {
        mm_error_set("plan %s: extend the examination with a new deadline and a reason", id);
        return MM_EINVALID;
    }
    bool needs_reason = strcmp(to, "recommendation") == 0 || strcmp(to, "order") == 0 ||
                        strcmp(to, "withdrawn") == 0;
    if (needs_reason && !mm_nonempty(reason)) {
        mm_error_set("plan %s: %s needs a reason", id, to);
        return MM_EINVALID;
    }
    return set_state(s, id, state, to, due, reason, by, now);
}

int mm_store_plan_clock(mm_store *s, const char *id, const char *due, const char *reason,
                        const char *by, const char *now)
{
    char state[32], old[11];
    int rc = plan_state(s, id, state, old);
    if (rc)
        return rc;
    if (!mm_nonempty(reason)) {
        mm_error_set("plan %s: changing the examination deadline needs a reason", id);
        return MM_EINVALID;
    }
    if (!mm_is_date(due)) {
        mm_error_set("plan %s: deadline '%s' is not a date YYYY-MM-DD", id, due ? due : "");
        return MM_EINVALID;
    }
    if (strcmp(state, "submitted") != 0 && strcmp(state, "under-examination") != 0 &&
        strcmp(state, "extended") != 0) {
        mm_error_set("plan %s: the examination of a plan that is %s has ended", id, state);
        return MM_ECONFLICT;
    }
    if (strcmp(due, old) == 0) {
        mm_error_set("plan %s: the deadline is already %s", id, due);
        return MM_EINVALID;
    }
    if (strncmp(due, now, 10) < 0) {
        mm_error_set("plan %s: deadline %s is before today", id, due);
        return MM_EINVALID;
    }
    const char *to = strcmp(due, old) > 0 ? "extended" : state;
    if (strcmp(to, "extended") == 0 && strcmp(state, "submitted") == 0) {
        mm_error_set("plan %s: start the examination (under-examination) before extending it", id);
        return MM_ECONFLICT;
    }
    return set_state(s, id, state, to, due, reason, by, now);
}
