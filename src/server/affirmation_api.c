/* mamori serve: the API's adapters of annual affirmations (affirmation.c): POST and GET
 * /api/v1/organizations/{org}/affirmations (docs/api.md "Annual affirmations"). */
#include <stdlib.h>
#include <string.h>

#include "server/internal.h"

void h_affirm_create(http_req *r, reply *out)
{
    json_t *a = NULL;
    act_fail f = {0};
    if (affirmation_receive(r, r->param[0], &a, &f) != MM_OK) {
        reply_fail(out, &f);
        return;
    }
    char due_by[11];
    bool due, overdue;
    affirmation_dates(r, json_string_value(json_object_get(a, "affirmed_on")), due_by, &due,
                      &overdue);
    json_object_set_new(a, "next_due_by", json_string(due_by));
    reply_json(out, 201, a);
}

void h_affirm_list(http_req *r, reply *out)
{
    const char *pg = req_query(r, "page"), *pp = req_query(r, "per_page");
    long long page_no = pg ? strtoll(pg, NULL, 10) : 1, per_page = pp ? strtoll(pp, NULL, 10) : 50;
    if (page_no < 1 || page_no > 1000000 || per_page < 1 || per_page > 1000) {
        reply_error(out, 400, "bad_request", "?page: 1 or more; ?per_page: 1 to 1000");
        return;
    }
    json_t *res = NULL;
    int rc =
        mm_store_list_affirmations(r->st, &res, r->param[0], (page_no - 1) * per_page, per_page);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    json_object_set_new(res, "page", json_integer(page_no));
    json_object_set_new(res, "per_page", json_integer(per_page));
    reply_json(out, 200, res);
}
