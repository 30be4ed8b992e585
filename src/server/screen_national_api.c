/* mamori serve: the API's adapters of the national picture (screen_national.h; docs/api.md
 * "Critical infrastructure"). Authority only (the routes' need): the picture names
 * organizations and plans; the aggregate names none, and every export of it is an audit
 * record (national.aggregate: format, label), since it is what leaves for an ally. */
#include <ctype.h>
#include <string.h>

#include "mamori/share.h"
#include "server/screen_national.h"
#include "util/util.h"

void h_national(http_req *r, reply *out)
{
    json_t *v = NULL;
    int rc = national_picture(r, NULL, NULL, &v);
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, v);
}

void h_national_sector(http_req *r, reply *out)
{
    json_t *v = NULL;
    int rc = national_picture(r, r->param[0], NULL, &v);
    if (rc == MM_ENOTFOUND) {
        reply_error(out, 404, "not_found", "no such sector (GET /api/v1/sectors)");
        return;
    }
    if (rc) {
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, v);
}

/* "amber-strict" (the query's spelling) -> "AMBER+STRICT" (mm_tlp_parse's). */
static void tlp_label(char out[16], const char *q)
{
    size_t i = 0;
    for (; q && q[i] && i < 15; i++)
        out[i] = q[i] == '-' ? '+' : (char)toupper((unsigned char)q[i]);
    out[i] = '\0';
}

void h_national_aggregate(http_req *r, reply *out)
{
    const char *format = req_query(r, "format");
    const char *q = req_query(r, "tlp");
    bool stix = mm_streq(format, "stix");
    if (!stix && q && *q) {
        reply_error(out, 400, "invalid", "tlp: a label is for format=stix (the JSON has none)");
        return;
    }
    if (stix && !(q && *q)) {
        reply_error(out, 400, "invalid",
                    "tlp: required with format=stix: the label the aggregate is shared under "
                    "(clear, green, amber, amber-strict, red)");
        return;
    }
    char tlp[16];
    tlp_label(tlp, q);
    json_t *v = NULL;
    int rc = stix ? national_aggregate_stix(r, tlp, &v) : national_aggregate(r, &v);
    if (rc == MM_OK)
        rc = mm_audit_note(
            r->st, r->who.login, "national.aggregate", r->who.org_id,
            json_pack("{s:s, s:s?}", "format", stix ? "stix" : "json", "tlp", stix ? tlp : NULL));
    if (rc) {
        json_decref(v);
        reply_store_error(out, rc);
        return;
    }
    reply_json(out, 200, v);
}
