/* mamori serve: the API's adapters of critical infrastructure (screen.c; docs/api.md
 * "Critical infrastructure"). The route's need decides who may call: an operator's users
 * read its own plans under /organizations/{org}, the authority reads every plan; an
 * organization named in a plan as supplier or maintainer has no route to it. */
#include <string.h>

#include "server/screen.h"
#include "util/util.h"

const body_field body_org_sector[] = {
    {"sector", BODY_STRING, true, 1, 64},
    {"designated", BODY_STRING, false, 10, 10},
    {"ministry", BODY_STRING, false, 1, 200},
    {NULL, 0, false, 0, 0},
};
const body_field body_plan_state[] = {
    {"state", BODY_STRING, true, 1, 32},
    {"reason", BODY_STRING, false, 1, 2000},
    {NULL, 0, false, 0, 0},
};
const body_field body_plan_deadline[] = {
    {"due", BODY_STRING, true, 10, 10},
    {"reason", BODY_STRING, true, 1, 2000},
    {NULL, 0, false, 0, 0},
};
const body_field body_plan_withdraw[] = {
    {"reason", BODY_STRING, true, 1, 2000},
    {NULL, 0, false, 0, 0},
};

static const char *member(const http_req *r, const char *name)
{
    return json_string_value(json_object_get(r->json, name));
}

static void answer(reply *out, int rc, const act_fail *f, unsigned status, json_t *v)
{
    if (rc)
        reply_fail(out, f);
    else
        reply_json(out, status, v);
}

void h_sectors_list(http_req *r, reply *out)
{
    (void)r;
    const json_t *list = screen_sectors();
    json_t *items = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(list, "sectors"), i, s)
    {
        json_t *one = mm_sector_summary(s);
        json_t *eq = mm_sector_equipment(s);
        if (one && eq)
            json_object_set_new(one, "equipment", eq);
        else
            json_decref(eq);
        if (!one || json_array_append_new(items, one) != 0) {
            json_decref(items);
            items = NULL;
            break;
        }
    }
    if (!list || !items) {
        json_decref(items);
        reply_error(out, 500, "internal", "the sector list is not available");
        return;
    }
    json_t *meta = json_object_get(list, "_meta");
    reply_json(out, 200,
               json_pack("{s:o, s:O?, s:O?, s:O?}", "items", items, "law",
                         json_object_get(meta, "law_en_official_tentative"), "law_ja",
                         json_object_get(meta, "law_ja"), "installation_plan",
                         json_object_get(meta, "installation_plan")));
}

void h_org_sector(http_req *r, reply *out)
{
    json_t *v = NULL;
    act_fail f = {0};
    int rc = screen_sector_set(r, r->param[0], member(r, "sector"), member(r, "designated"),
                               member(r, "ministry"), &v, &f);
    answer(out, rc, &f, 200, v);
}

static void plans(http_req *r, reply *out, const char *org_id)
{
    json_t *items = NULL;
    json_t *org = NULL;
    int rc = org_id ? mm_store_get_org(r->st, &org, org_id) : MM_OK;
    json_decref(org);
    if (rc == MM_OK)
        rc = mm_store_plan_list(r->st, &items, org_id);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(
        out, 200,
        json_pack("{s:I, s:o}", "total", (json_int_t)json_array_size(items), "items", items));
}

void h_plans_all(http_req *r, reply *out)
{
    plans(r, out, NULL);
}

void h_plans_list(http_req *r, reply *out)
{
    plans(r, out, r->param[0]);
}

void h_plan_create(http_req *r, reply *out)
{
    json_t *v = NULL;
    act_fail f = {0};
    int rc = screen_plan_file(r, r->param[0], &v, &f);
    answer(out, rc, &f, 201, v);
}

void h_plan_get(http_req *r, reply *out)
{
    json_t *p = NULL;
    int rc = mm_store_plan_get(r->st, &p, r->param[1]);
    if (rc == MM_OK &&
        !mm_streq(json_string_value(json_object_get(p, "operator_id")), r->param[0])) {
        json_decref(p);
        reply_error(out, 404, "not_found", "no such installation plan");
        return;
    }
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, p);
}

void h_plan_withdraw(http_req *r, reply *out)
{
    json_t *v = NULL;
    act_fail f = {0};
    int rc =
        screen_plan_move(r, r->param[0], r->param[1], "withdrawn", member(r, "reason"), &v, &f);
    answer(out, rc, &f, 200, v);
}

void h_plan_state(http_req *r, reply *out)
{
    json_t *v = NULL;
    act_fail f = {0};
    int rc =
        screen_plan_move(r, NULL, r->param[0], member(r, "state"), member(r, "reason"), &v, &f);
    answer(out, rc, &f, 200, v);
}

void h_plan_deadline(http_req *r, reply *out)
{
    json_t *v = NULL;
    act_fail f = {0};
    int rc = screen_plan_deadline(r, r->param[0], member(r, "due"), member(r, "reason"), &v, &f);
    answer(out, rc, &f, 200, v);
}
