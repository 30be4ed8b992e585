/* TLP 2.0: the labels, the merge, the one read decision (docs/sharing.md), and the parser
 * of an item's body (outside input: tests/fuzz/fuzz_share_item.c). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mamori/share.h"
#include "util/json.h"

static const char *const labels[] = {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT",
                                     "TLP:RED"};

int mm_tlp_parse(mm_tlp *out, const char *text)
{
    if (text) {
        const char *name = strncmp(text, "TLP:", 4) == 0 ? text + 4 : text;
        for (int i = 0; i < 5; i++)
            if (strcmp(name, labels[i] + 4) == 0) {
                *out = (mm_tlp)i;
                return MM_OK;
            }
    }
    mm_error_set("not a TLP 2.0 label (expected TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
                 "TLP:AMBER+STRICT or TLP:RED)");
    return MM_EINVALID;
}

const char *mm_tlp_label(mm_tlp t)
{
    return (int)t >= 0 && (int)t < 5 ? labels[t] : "TLP:RED";
}

const char *mm_tlp_name(mm_tlp t)
{
    return mm_tlp_label(t) + 4;
}

mm_tlp mm_tlp_merge(mm_tlp a, mm_tlp b)
{
    return a > b ? a : b;
}

static bool same(const char *a, const char *b)
{
    return a && b && a[0] && strcmp(a, b) == 0;
}

/* org is the item's originator or one of its recipient organizations */
static bool item_org(const mm_share_access *it, const char *org)
{
    if (same(it->originator_org, org))
        return true;
    for (size_t i = 0; i < it->n_recipient_orgs; i++)
        if (same(it->recipient_orgs[i], org))
            return true;
    return false;
}

/* org is one an AMBER item was re-shared with by a recipient (need-to-know) */
static bool reshared_to(const mm_share_access *it, const char *org)
{
    for (size_t i = 0; i < it->n_reshared_orgs; i++)
        if (same(it->reshared_orgs[i], org))
            return true;
    return false;
}

static bool tlp_may_read(const mm_share_access *it, const mm_share_reader *r, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (!it || (int)it->tlp < 0 || (int)it->tlp > 4) {
        *why = "no valid label: nobody";
        return false;
    }
    if (it->tlp == MM_TLP_CLEAR) {
        *why = "TLP:CLEAR: anyone";
        return true;
    }
    if (!r || r->anonymous) {
        *why = "only TLP:CLEAR is for readers who are not signed in";
        return false;
    }
    if (r->user_id > 0) {
        if (r->user_id == it->originator_user) {
            *why = "the user who shared it";
            return true;
        }
        for (size_t i = 0; i < it->n_recipient_users; i++)
            if (it->recipient_users[i] == r->user_id) {
                *why = "a named recipient";
                return true;
            }
    }
    if (it->tlp == MM_TLP_RED) {
        *why = "TLP:RED: named recipients only";
        return false;
    }
    if (item_org(it, r->org_id)) {
        *why = "a user of the originator or of a recipient organization";
        return true;
    }
    if (it->tlp == MM_TLP_AMBER_STRICT) {
        *why = "TLP:AMBER+STRICT: the originator's and the recipient organizations only";
        return false;
    }
    /* need-to-know: nobody is a reader by being someone's client, only by a recipient's
     * recorded re-share (AMBER only; a wider label keeps the narrower label's readers) */
    if (reshared_to(it, r->org_id)) {
        *why = "an organization a recipient re-shared it with";
        return true;
    }
    if (it->tlp == MM_TLP_AMBER) {
        *why = "TLP:AMBER: the organizations concerned and those a recipient re-shared it with "
               "only";
        return false;
    }
    /* GREEN */
    if (it->community_id)
        for (size_t i = 0; i < r->n_communities; i++)
            if (same(r->communities[i], it->community_id)) {
                *why = "a member of the item's community";
                return true;
            }
    *why = "TLP:GREEN: the item's community only";
    return false;
}

/* ---- the gates (schema 10; docs/sharing.md, "Gated items") ------------------------------ */

static const char *const gate_names[] = {"ok",          "tlp",     "need-to-know",
                                         "clearance",   "expired", "reciprocity",
                                         "nationality", "country", "facility"};

const char *mm_share_gate_name(mm_share_gate g)
{
    return (int)g >= 0 && (int)g < 9 ? gate_names[g] : "tlp";
}

bool mm_share_gated(const mm_share_access *it)
{
    return it && ((it->clearance_regime && it->clearance_regime[0]) ||
                  (it->ntk_group && it->ntk_group[0]) || it->n_nationalities > 0 ||
                  it->n_org_countries > 0 || it->facility_required);
}

static bool in_list(const char *const *list, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (same(list[i], v))
            return true;
    return false;
}

/* held satisfies the requirement: the same regime and level, or a policy row says so */
static bool satisfies(const mm_share_reader *r, const mm_clearance *c, const char *regime,
                      const char *level)
{
    if (same(c->regime, regime) && same(c->level, level))
        return true;
    for (size_t i = 0; i < r->n_policy; i++) {
        const mm_clearance_rule *p = &r->policy[i];
        if (same(p->held_regime, c->regime) && same(p->held_level, c->level) &&
            same(p->required_regime, regime) && same(p->required_level, level))
            return true;
    }
    return false;
}

/* valid on the day: granted <= today <= expires (dates as YYYY-MM-DD compare as text) */
static bool valid_on(const mm_clearance *c, const char *today)
{
    if (!today || strlen(today) != 10 || !c->granted || strlen(c->granted) != 10)
        return false;
    if (strcmp(c->granted, today) > 0)
        return false;
    return !c->expires || !c->expires[0] || strcmp(today, c->expires) <= 0;
}

/* the clearance gate over the reader's personnel clearances (facility false) or the
 * organization's facility certifications (facility true) */
static mm_share_gate clearance_gate(const mm_share_access *it, const mm_share_reader *r,
                                    bool facility)
{
    bool held = false, same_regime = false, other_regime = false;
    for (size_t i = 0; i < r->n_clearances; i++) {
        const mm_clearance *c = &r->clearances[i];
        if (c->facility != facility)
            continue;
        if (satisfies(r, c, it->clearance_regime, it->clearance_level)) {
            if (valid_on(c, r->today))
                return MM_GATE_OK;
            held = true;
        } else if (same(c->regime, it->clearance_regime)) {
            same_regime = true;
        } else {
            other_regime = true;
        }
    }
    if (facility)
        return MM_GATE_FACILITY;
    if (held)
        return MM_GATE_EXPIRED;
    if (other_regime && !same_regime)
        return MM_GATE_RECIPROCITY;
    return MM_GATE_CLEARANCE;
}

mm_share_gate mm_share_decide(const mm_share_access *it, const mm_share_reader *r, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    bool gated = mm_share_gated(it);
    if (gated && (!r || r->anonymous)) {
        *why = "a gated item is for signed-in readers only";
        return MM_GATE_TLP;
    }
    if (!tlp_may_read(it, r, why))
        return MM_GATE_TLP;
    if (!gated || (r->user_id > 0 && r->user_id == it->originator_user))
        return MM_GATE_OK;
    if (it->ntk_group && it->ntk_group[0] && !in_list(r->groups, r->n_groups, it->ntk_group)) {
        *why = "not a member of the item's need-to-know group";
        return MM_GATE_NEED_TO_KNOW;
    }
    if (it->n_nationalities > 0 &&
        !in_list(it->nationalities, it->n_nationalities, r->nationality)) {
        *why = "the reader's nationality is not among the item's";
        return MM_GATE_NATIONALITY;
    }
    if (it->n_org_countries > 0 &&
        !in_list(it->org_countries, it->n_org_countries, r->org_country)) {
        *why = "the reader's organization's country is not among the item's";
        return MM_GATE_COUNTRY;
    }
    if (it->clearance_regime && it->clearance_regime[0]) {
        mm_share_gate g = clearance_gate(it, r, false);
        if (g == MM_GATE_OK && it->facility_required)
            g = clearance_gate(it, r, true);
        switch (g) {
        case MM_GATE_OK:
            break;
        case MM_GATE_EXPIRED:
            *why = "the clearance is not valid on the day of the read";
            return g;
        case MM_GATE_RECIPROCITY:
            *why = "a clearance of another regime, which the authority's policy does not accept";
            return g;
        case MM_GATE_FACILITY:
            *why = "the organization holds no facility certification valid today";
            return g;
        default:
            *why = "no clearance that satisfies the item's requirement";
            return MM_GATE_CLEARANCE;
        }
    } else if (it->facility_required) {
        *why = "a facility certification is asked without a clearance requirement";
        return MM_GATE_FACILITY;
    }
    *why = "every gate holds";
    return MM_GATE_OK;
}

bool mm_tlp_may_read(const mm_share_access *it, const mm_share_reader *r, const char **why)
{
    return mm_share_decide(it, r, why) == MM_GATE_OK;
}

/* ---- the item body --------------------------------------------------------------------- */

void mm_share_item_clear(mm_share_item_body *b)
{
    if (!b)
        return;
    json_decref(b->json);
    memset(b, 0, sizeof(*b));
}

static int bad(mm_share_item_body *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(mm_share_item_body *b, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mm_error_set("%s", msg);
    mm_share_item_clear(b);
    return MM_EINVALID;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

static bool has_control(const char *s, bool newlines_ok)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && !(newlines_ok && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f)
            return true;
    }
    return false;
}

/* a string member of at most max characters (min at least), no control characters */
static bool text_ok(const json_t *v, size_t min, size_t max, bool newlines_ok)
{
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v)) /* an embedded NUL */
        return false;
    size_t n = utf8_chars(s);
    return n >= min && n <= max && !has_control(s, newlines_ok);
}

static bool only_members(const json_t *o, const char *const *names)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        bool known = false;
        for (size_t i = 0; names[i]; i++)
            known = known || strcmp(key, names[i]) == 0;
        if (!known)
            return false;
    }
    return true;
}

static bool hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!isxdigit((unsigned char)*s) || isupper((unsigned char)*s))
            return false;
    return true;
}

/* a regime or need-to-know group id: 1..64 of [a-z0-9-] */
static bool token_ok(const json_t *v)
{
    if (!text_ok(v, 1, 64, false))
        return false;
    for (const char *s = json_string_value(v); *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
            return false;
    return true;
}

static bool countries_ok(const json_t *a)
{
    if (!json_is_array(a) || json_array_size(a) < 1 || json_array_size(a) > 250)
        return false;
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        const char *c = json_string_value(x);
        if (!c || strlen(c) != 2 || !isupper((unsigned char)c[0]) || !isupper((unsigned char)c[1]))
            return false;
    }
    return true;
}

/* $.gate (schema 10; docs/sharing.md "Gated items") */
static int parse_gate(mm_share_item_body *b, const json_t *g)
{
    static const char *const gm[] = {"clearance",     "facility",      "ntk_group",
                                     "nationalities", "org_countries", NULL};
    static const char *const cm[] = {"regime", "level", NULL};
    if (!json_is_object(g) || !only_members(g, gm) || json_object_size(g) == 0)
        return bad(b,
                   "%s: expected {\"clearance\": {\"regime\", \"level\"}, \"facility\": "
                   "bool, \"ntk_group\": id, \"nationalities\": [XX], \"org_countries\": "
                   "[XX]} with at least one of them",
                   "$.gate");
    json_t *c = json_object_get(g, "clearance");
    if (c &&
        (!json_is_object(c) || !only_members(c, cm) || !token_ok(json_object_get(c, "regime")) ||
         !text_ok(json_object_get(c, "level"), 1, 64, false)))
        return bad(b,
                   "%s: expected {\"regime\": e.g. \"jp-iesi\", \"level\": 1..64 "
                   "characters}",
                   "$.gate.clearance");
    json_t *f = json_object_get(g, "facility");
    if (f && (!json_is_boolean(f) || (json_is_true(f) && !c)))
        return bad(b, "%s: expected true or false (true only with a clearance)", "$.gate.facility");
    json_t *n = json_object_get(g, "ntk_group");
    if (n && !token_ok(n))
        return bad(b, "%s: expected a need-to-know group id", "$.gate.ntk_group");
    json_t *a = json_object_get(g, "nationalities");
    if (a && !countries_ok(a))
        return bad(b, "%s: expected 1 to 250 ISO 3166-1 alpha-2 codes (\"JP\", \"US\")",
                   "$.gate.nationalities");
    a = json_object_get(g, "org_countries");
    if (a && !countries_ok(a))
        return bad(b, "%s: expected 1 to 250 ISO 3166-1 alpha-2 codes (\"JP\", \"US\")",
                   "$.gate.org_countries");
    if (!c && !n && !json_object_get(g, "nationalities") && !json_object_get(g, "org_countries"))
        return bad(b, "%s: a gate needs a clearance, a need-to-know group or a country", "$.gate");
    return MM_OK;
}

int mm_share_parse_item(mm_share_item_body *out, const char *text, size_t len)
{
    memset(out, 0, sizeof(*out));
    json_t *j;
    if (mm_json_load(&j, text, len, "body", 0))
        return MM_EPARSE;
    out->json = j;
    if (!json_is_object(j))
        return bad(out, "%s: expected an object", "$");
    static const char *const top[] = {"title",      "tlp",         "description",
                                      "indicators", "attachments", "recipients",
                                      "community",  "gate",        NULL};
    if (!only_members(j, top))
        return bad(out,
                   "%s: only title, tlp, description, indicators, attachments, recipients, "
                   "community and gate are allowed",
                   "$");
    json_t *v = json_object_get(j, "title");
    if (!text_ok(v, 1, 300, false))
        return bad(out, "%s: expected a string of 1 to 300 characters", "$.title");
    out->title = json_string_value(v);
    v = json_object_get(j, "tlp");
    if (!json_is_string(v) || mm_tlp_parse(&out->tlp, json_string_value(v)) != MM_OK)
        return bad(out,
                   "%s: expected TLP:CLEAR, TLP:GREEN, TLP:AMBER, TLP:AMBER+STRICT or "
                   "TLP:RED",
                   "$.tlp");
    v = json_object_get(j, "description");
    if (v && !text_ok(v, 0, 100000, true))
        return bad(out, "%s: expected a string of at most 100000 characters", "$.description");
    out->description = v ? json_string_value(v) : "";

    v = json_object_get(j, "indicators");
    if (v) {
        if (!json_is_array(v) || json_array_size(v) > 1000)
            return bad(out, "%s: expected an array of at most 1000 indicators", "$.indicators");
        static const char *const im[] = {"type", "value", NULL};
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (!json_is_object(x) || !only_members(x, im) ||
                !text_ok(json_object_get(x, "type"), 1, 64, false) ||
                !text_ok(json_object_get(x, "value"), 1, 2048, false))
                return bad(out,
                           "%s: each indicator is {\"type\": 1..64 characters, \"value\": "
                           "1..2048 characters}",
                           "$.indicators");
        }
        out->indicators = v;
    }
    v = json_object_get(j, "attachments");
    if (v) {
        if (!json_is_array(v) || json_array_size(v) > 100)
            return bad(out, "%s: expected an array of at most 100 attachments", "$.attachments");
        static const char *const am[] = {"name", "sha256", NULL};
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            json_t *h = json_object_get(x, "sha256");
            if (!json_is_object(x) || !only_members(x, am) ||
                !text_ok(json_object_get(x, "name"), 1, 255, false) || !json_is_string(h) ||
                !hex64(json_string_value(h)))
                return bad(out,
                           "%s: each attachment is {\"name\": 1..255 characters, "
                           "\"sha256\": 64 lowercase hex digits} (the file itself is not "
                           "stored)",
                           "$.attachments");
        }
        out->attachments = v;
    }
    v = json_object_get(j, "recipients");
    if (v) {
        static const char *const rm[] = {"users", "orgs", NULL};
        if (!json_is_object(v) || !only_members(v, rm))
            return bad(out, "%s: expected {\"users\": [logins], \"orgs\": [organization ids]}",
                       "$.recipients");
        const char *names[2] = {"users", "orgs"};
        for (int k = 0; k < 2; k++) {
            json_t *a = json_object_get(v, names[k]);
            if (!a)
                continue;
            if (!json_is_array(a) || json_array_size(a) > 200)
                return bad(out, "$.recipients.%s: expected an array of at most 200 strings",
                           names[k]);
            size_t i;
            json_t *x;
            json_array_foreach(a, i, x)
            {
                if (!text_ok(x, 1, 128, false))
                    return bad(out, "$.recipients.%s: expected strings of 1 to 128 characters",
                               names[k]);
            }
            if (k == 0)
                out->recipient_users = a;
            else
                out->recipient_orgs = a;
        }
    }
    v = json_object_get(j, "community");
    if (v && !json_is_null(v)) {
        if (!text_ok(v, 1, 64, false))
            return bad(out, "%s: expected a community id", "$.community");
        out->community = json_string_value(v);
    }
    v = json_object_get(j, "gate");
    if (v && !json_is_null(v)) {
        if (parse_gate(out, v))
            return MM_EINVALID;
        out->gate = v;
    }
    /* the label's recipient kinds */
    size_t nu = out->recipient_users ? json_array_size(out->recipient_users) : 0;
    size_t no = out->recipient_orgs ? json_array_size(out->recipient_orgs) : 0;
    if (out->tlp == MM_TLP_RED && nu == 0)
        return bad(out, "%s: TLP:RED is for named individuals: give recipients.users",
                   "$.recipients");
    if (out->tlp == MM_TLP_RED && no > 0)
        return bad(out, "%s: TLP:RED goes to named individuals only, never to organizations",
                   "$.recipients.orgs");
    if (out->community && out->tlp != MM_TLP_GREEN)
        return bad(out, "%s: a community is the audience of TLP:GREEN only", "$.community");
    return MM_OK;
}

json_t *mm_share_item_stored_body(const mm_share_item_body *b)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (json_object_set_new(o, "description", json_string(b->description ? b->description : "")) ||
        json_object_set_new(o, "indicators",
                            b->indicators ? json_deep_copy(b->indicators) : json_array()) ||
        json_object_set_new(o, "attachments",
                            b->attachments ? json_deep_copy(b->attachments) : json_array())) {
        json_decref(o);
        return NULL;
    }
    return o;
}
