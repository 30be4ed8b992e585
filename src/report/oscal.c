/*
 * OSCAL 1.1.3 JSON of an evaluated assessment: a system security plan, a plan of action and
 * milestones and assessment results (what each holds, and why: docs/oscal.md).
 *
 * Every UUID is a version-5 UUID of a name built from the organization, the system, the
 * document kind and the element ("ssp/<org>/<system>/implemented-requirement/03.01.01"), and
 * every timestamp comes from mm_report_timestamp(), so equal inputs give identical bytes.
 * Strings the schemas type as OSCAL "string" (one line, no white space at either end) pass
 * through oscal_line(); required text that the assessment leaves out gets a fallback sentence.
 *
 * This file: the helpers the writers share (oscal_internal.h); the documents are in
 * oscal_ssp.c, oscal_ap.c, oscal_ar.c, oscal_poam.c, and the catalog and profile in
 * oscal_catalog.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/oscal_internal.h"

/* ---- strings ------------------------------------------------------------------------------ */

/* Length of the UTF-8 sequence at s when it is white space to ECMAScript's \s (which the
 * OSCAL schemas' patterns are checked with), else 0. */
static size_t js_space(const unsigned char *s)
{
    if (*s == ' ' || (*s >= 0x09 && *s <= 0x0d))
        return 1;
    if (s[0] == 0xc2 && s[1] == 0xa0) /* U+00A0 */
        return 2;
    if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) /* U+1680 */
        return 3;
    /* U+2000..U+200A, U+2028, U+2029, U+202F */
    if (s[0] == 0xe2 && s[1] == 0x80 &&
        ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
        return 3;
    if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) /* U+205F */
        return 3;
    if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80) /* U+3000 */
        return 3;
    if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) /* U+FEFF */
        return 3;
    return 0;
}

/* s on one line: each run of white space one space, none at either end (OSCAL's string
 * datatype, ^\S(.*\S)?$); fallback when s is NULL or nothing is left. */
const char *oscal_line(doc *d, const char *s, const char *fallback)
{
    if (!s)
        return fallback;
    char *out = mm_arena_alloc(d->ar, strlen(s) + 1);
    if (!out)
        return fallback;
    size_t k = 0;
    bool space = false;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t w = js_space(p);
        if (w) {
            space = true;
            p += w;
            continue;
        }
        if (space && k)
            out[k++] = ' ';
        space = false;
        out[k++] = (char)*p++;
    }
    out[k] = '\0';
    return k ? out : fallback;
}

/* Multi-line text (OSCAL markup-multiline) as given; fallback when NULL or only white space. */
const char *oscal_text(const char *s, const char *fallback)
{
    if (!s)
        return fallback;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t w = js_space(p);
        if (!w)
            return s;
        p += w;
    }
    return fallback;
}

/* s with "%" and "/" escaped, so that the parts of a UUID name cannot run into each other. */
static const char *name_key(doc *d, const char *s)
{
    mm_buf b = MM_BUF_INIT;
    for (; s && *s; s++) {
        if (*s == '%')
            mm_buf_puts(&b, "%25");
        else if (*s == '/')
            mm_buf_puts(&b, "%2F");
        else
            mm_buf_putc(&b, *s);
    }
    const char *out = mm_arena_strdup(d->ar, mm_buf_cstr(&b));
    mm_buf_free(&b);
    return out ? out : "";
}

static bool is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_hex(int c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* An evidence reference (a file name, a URL, "scan:host/check") as an RFC 3986 URI
 * reference: characters a URI may not hold are percent-encoded (UTF-8 bytes), a ":" in the
 * first segment of a relative reference too, and every "#" after the first. */
static const char *href(doc *d, const char *s)
{
    static const char keep[] = "-._~!$&'()*+,;=:@/?";
    mm_buf b = MM_BUF_INIT;
    size_t scheme = 0;
    if (is_alpha((unsigned char)s[0])) {
        size_t i = 1;
        while (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i]) || s[i] == '+' ||
               s[i] == '-' || s[i] == '.')
            i++;
        if (s[i] == ':')
            scheme = i + 1;
    }
    mm_buf_put(&b, s, scheme);
    bool first_segment = scheme == 0, fragment = false;
    for (const char *p = s + scheme; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '/' || c == '?')
            first_segment = false;
        if (c == '#' && !fragment) {
            fragment = true;
            first_segment = false;
            mm_buf_putc(&b, '#');
        } else if (c == '%' && is_hex((unsigned char)p[1]) && is_hex((unsigned char)p[2])) {
            mm_buf_putc(&b, '%');
        } else if ((is_alpha(c) || is_digit(c) || (c && strchr(keep, c))) &&
                   !(c == ':' && first_segment)) {
            mm_buf_putc(&b, (char)c);
        } else {
            mm_buf_printf(&b, "%%%02X", c);
        }
    }
    const char *out = mm_arena_strdup(d->ar, mm_buf_cstr(&b));
    mm_buf_free(&b);
    return out ? out : "#";
}

/* A date YYYY-MM-DD as the OSCAL date-time at its start, UTC. */
const char *oscal_date_time(doc *d, const char *date)
{
    const char *s = mm_arena_printf(d->ar, "%.10sT00:00:00Z", date);
    return s ? s : d->ts;
}

/* ---- ids ---------------------------------------------------------------------------------- */

/* The UUID of "<kind>/<org>/<system>/<element>" into out. */
void oscal_uuid_of(const doc *d, char out[37], const char *kind, const char *fmt, ...)
{
    mm_buf b = MM_BUF_INIT;
    va_list ap;
    mm_buf_printf(&b, "%s/%s/%s/", kind, d->org_key, d->sys_key);
    va_start(ap, fmt);
    mm_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    mm_uuid_v5(out, mm_buf_cstr(&b));
    mm_buf_free(&b);
}

/* The control id of a requirement in OSCAL: Rev 3 as in NIST's catalog ("SP_800_171_03.01.01"),
 * Rev 2 "sp_800_171_3.1.1" (an OSCAL token may not start with a digit). */
const char *oscal_control_id(doc *d, const mm_requirement *q)
{
    const char *s = mm_arena_printf(d->ar, "%s%s", d->r2 ? "sp_800_171_" : "SP_800_171_", q->id);
    return s ? s : "unknown";
}

/* The statement part: Rev 3 "statement_03.01.01" (NIST's catalog), Rev 2 "sp_800_171_3.1.1_smt". */
const char *oscal_statement_id(doc *d, const mm_requirement *q)
{
    const char *s = d->r2 ? mm_arena_printf(d->ar, "sp_800_171_%s_smt", q->id)
                          : mm_arena_printf(d->ar, "statement_%s", q->id);
    return s ? s : "unknown";
}

/* The objective part: Rev 3 "assessment-objective_DS-A.03.01.01.b.01" (NIST's catalog),
 * Rev 2 "3.1.1[a]" as "sp_800_171_3.1.1_obj.a". */
const char *oscal_objective_id(doc *d, const mm_objective *ob)
{
    if (!d->r2) {
        const char *s = mm_arena_printf(d->ar, "assessment-objective_DS-%s", ob->id);
        return s ? s : "unknown";
    }
    mm_buf b = MM_BUF_INIT;
    size_t n = strcspn(ob->id, "[");
    mm_buf_puts(&b, "sp_800_171_");
    mm_buf_put(&b, ob->id, n);
    mm_buf_puts(&b, "_obj");
    for (const char *p = ob->id + n; *p; p++) {
        if (*p == '[')
            mm_buf_putc(&b, '.');
        else if (is_alpha((unsigned char)*p) || is_digit((unsigned char)*p))
            mm_buf_putc(&b, *p);
        else if (*p != ']')
            mm_buf_putc(&b, '-');
    }
    const char *s = mm_arena_strdup(d->ar, mm_buf_cstr(&b));
    mm_buf_free(&b);
    return s ? s : "unknown";
}

/* ---- JSON helpers --------------------------------------------------------------------------- */

json_t *oscal_obj(doc *d)
{
    json_t *o = json_object();
    d->failed |= !o;
    return o;
}

json_t *oscal_arr(doc *d)
{
    json_t *a = json_array();
    d->failed |= !a;
    return a;
}

static json_t *str(doc *d, const char *s)
{
    json_t *v = json_string(s ? s : "");
    d->failed |= !v;
    return v;
}

void oscal_put(json_t *o, const char *key, json_t *v)
{
    json_object_set_new(o, key, v);
}

void oscal_put_str(doc *d, json_t *o, const char *key, const char *s)
{
    json_object_set_new(o, key, str(d, s));
}

/* Sets key to the array unless it is empty (OSCAL arrays hold at least one item). */
void oscal_put_arr(json_t *o, const char *key, json_t *a)
{
    if (json_array_size(a))
        json_object_set_new(o, key, a);
    else
        json_decref(a);
}

void oscal_push(json_t *a, json_t *v)
{
    json_array_append_new(a, v);
}

void oscal_push_str(doc *d, json_t *a, const char *s)
{
    json_array_append_new(a, str(d, s));
}

/* Appends a property; ours puts it in mamori's namespace. Nothing when value is empty. */
void oscal_add_prop(doc *d, json_t *props, const char *name, const char *value, bool ours,
                    const char *remarks)
{
    value = oscal_line(d, value, NULL);
    if (!value)
        return;
    json_t *p = oscal_obj(d);
    oscal_put_str(d, p, "name", name);
    if (ours)
        oscal_put_str(d, p, "ns", MM_NS);
    oscal_put_str(d, p, "value", value);
    if (remarks)
        oscal_put_str(d, p, "remarks", remarks);
    oscal_push(props, p);
}

void oscal_add_prop_int(doc *d, json_t *props, const char *name, long long v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", v);
    oscal_add_prop(d, props, name, buf, true, NULL);
}

/* The UUID of "<kind>/<org>/<system>/<element>" as a JSON string. */
json_t *oscal_uuid_json(doc *d, const char *kind, const char *fmt, ...)
{
    char u[37];
    mm_buf b = MM_BUF_INIT;
    va_list ap;
    mm_buf_printf(&b, "%s/%s/%s/", kind, d->org_key, d->sys_key);
    va_start(ap, fmt);
    mm_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    mm_uuid_v5(u, mm_buf_cstr(&b));
    mm_buf_free(&b);
    return str(d, u);
}

/* {"<key>": uuid}, as in related-observations and related-risks. */
json_t *oscal_ref(doc *d, const char *key, const char *uuid)
{
    json_t *o = oscal_obj(d);
    oscal_put_str(d, o, key, uuid);
    return o;
}

json_t *oscal_uuid_list(doc *d, const char *key, const char *uuid)
{
    json_t *a = oscal_arr(d);
    oscal_push(a, oscal_ref(d, key, uuid));
    return a;
}

/* ---- the model ------------------------------------------------------------------------------ */

bool oscal_unmet(mm_status s)
{
    return s == MM_STATUS_NOT_MET || s == MM_STATUS_PARTIAL || s == MM_STATUS_NOT_ASSESSED;
}

/* OSCAL implementation-status of a requirement: met is implemented, not-applicable is
 * not-applicable, partial (or not met with some objectives satisfied) is partial, not met is
 * planned; NULL when not assessed (nothing is known). */
const char *oscal_impl_state(const mm_requirement_result *rr)
{
    switch (rr->status) {
    case MM_STATUS_MET:
        return "implemented";
    case MM_STATUS_NOT_APPLICABLE:
        return "not-applicable";
    case MM_STATUS_PARTIAL:
        return "partial";
    case MM_STATUS_NOT_MET:
        return rr->satisfied ? "partial" : "planned";
    default:
        return NULL;
    }
}

/* "not met", "partially met", ... for sentences. */
const char *oscal_status_phrase(mm_status s)
{
    switch (s) {
    case MM_STATUS_MET:
        return "met";
    case MM_STATUS_NOT_MET:
        return "not met";
    case MM_STATUS_PARTIAL:
        return "partially met";
    case MM_STATUS_NOT_APPLICABLE:
        return "not applicable";
    default:
        return "not assessed";
    }
}

bool oscal_satisfied(mm_status s)
{
    return s == MM_STATUS_MET || s == MM_STATUS_NOT_APPLICABLE;
}

/* Why 3.12.2 is scored not implemented (DoD Assessment Methodology v1.2.1 5(g)(iii)). */
const char *oscal_no_plan_text(doc *d)
{
    mm_buf ids = MM_BUF_INIT;
    for (size_t k = 0; k < d->r->nno_plan; k++)
        mm_buf_printf(&ids, "%s%s", k ? ", " : "", d->cat->requirements[d->r->no_plan[k]].id);
    const char *s = mm_arena_printf(d->ar,
                                    "Scored not implemented: unimplemented requirements have no "
                                    "plan of action (DoD Assessment Methodology v1.2.1 "
                                    "5(g)(iii)): %s.",
                                    mm_buf_cstr(&ids));
    mm_buf_free(&ids);
    return s;
}

const char *oscal_cmmc_name(mm_cmmc_status s)
{
    return s == MM_CMMC_FINAL ? "final" : s == MM_CMMC_CONDITIONAL ? "conditional" : "not-eligible";
}

/* An identifier scheme ("CAGE", "corporate-number") as a URI in mamori's namespace. */
static const char *scheme_uri(doc *d, const char *scheme)
{
    mm_buf b = MM_BUF_INIT;
    mm_buf_puts(&b, MM_NS "/party-id/");
    for (const unsigned char *p = (const unsigned char *)scheme; *p; p++) {
        if (is_alpha(*p) || is_digit(*p) || *p == '-' || *p == '.' || *p == '_')
            mm_buf_putc(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
        else
            mm_buf_printf(&b, "%%%02X", *p);
    }
    const char *s = mm_arena_strdup(d->ar, mm_buf_cstr(&b));
    mm_buf_free(&b);
    return s ? s : MM_NS;
}

static const char *role_of(const doc *d, const char *title)
{
    for (size_t i = 0; title && i < d->nroles; i++)
        if (strcmp(d->roles[i].title, title) == 0)
            return d->roles[i].id;
    return NULL;
}

static void add_role(doc *d, const char *responsible)
{
    const char *title = oscal_line(d, responsible, NULL);
    if (!title || role_of(d, title))
        return;
    mm_buf b = MM_BUF_INIT;
    mm_buf_puts(&b, "responsible-");
    size_t start = b.len;
    for (const unsigned char *p = (const unsigned char *)title; *p; p++) {
        if (is_alpha(*p) || is_digit(*p))
            mm_buf_putc(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
        else if (b.len > start && b.data[b.len - 1] != '-')
            mm_buf_putc(&b, '-');
    }
    while (b.len > start && b.data[b.len - 1] == '-')
        b.len--;
    bool empty = b.len == start;
    const char *id = mm_arena_strndup(d->ar, mm_buf_cstr(&b), b.len);
    mm_buf_free(&b);
    bool taken = !id || empty;
    for (size_t i = 0; !taken && i < d->nroles; i++)
        taken = strcmp(d->roles[i].id, id) == 0;
    if (taken)
        id = mm_arena_printf(d->ar, "responsible-%zu", d->nroles + 1);
    if (!id)
        return;
    d->roles[d->nroles].title = title;
    d->roles[d->nroles].id = id;
    d->nroles++;
}

int oscal_doc_init(doc *d, const mm_result *r, const mm_report_options *o)
{
    memset(d, 0, sizeof(*d));
    d->r = r;
    d->a = r->assessment;
    d->cat = d->a->catalog;
    d->o = o;
    d->r2 = d->cat->framework == MM_FW_R2;
    d->ar = mm_arena_new();
    if (!d->ar)
        return MM_ENOMEM;
    d->org = oscal_line(d, d->a->org_name, NO_ORG);
    d->sys = oscal_line(d, d->a->system_name, NO_SYSTEM);
    d->org_key = name_key(d, d->a->org_name);
    d->sys_key = name_key(d, d->a->system_name);
    d->fw_label = d->r2 ? "NIST SP 800-171 Rev 2" : "NIST SP 800-171 Rev 3";
    mm_report_timestamp(d->ts, r, o);
    oscal_uuid_of(d, d->org_party, "party", "organization");
    if (oscal_line(d, d->a->assessor, NULL))
        oscal_uuid_of(d, d->assessor_party, "party", "assessor");
    if (oscal_line(d, d->a->affirming_official, NULL))
        oscal_uuid_of(d, d->official_party, "party", "affirming-official");
    oscal_uuid_of(d, d->component, "component", SYSTEM_SUBJECT);
    oscal_uuid_of(d, d->system_id, "system", "system-id");
    d->roles = mm_arena_calloc(d->ar, d->cat->nrequirements + d->a->npoam + 1, sizeof(resp_role));
    for (size_t i = 0; d->roles && i < d->cat->nrequirements; i++)
        if (!d->cat->requirements[i].withdrawn)
            add_role(d, d->a->requirements[i].responsible);
    for (size_t k = 0; d->roles && k < d->a->npoam; k++)
        add_role(d, d->a->poam[k].responsible);
    return mm_arena_failed(d->ar) ? MM_ENOMEM : MM_OK;
}

/* Serializes root (which it consumes) into b. */
int oscal_doc_finish(doc *d, mm_buf *b, json_t *root, const char *what)
{
    char *s = d->failed || mm_arena_failed(d->ar)
                  ? NULL
                  : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    mm_arena_free(d->ar);
    d->ar = NULL;
    if (!s) {
        mm_error_set("%s: out of memory while building the document", what);
        return MM_ENOMEM;
    }
    mm_buf_puts(b, s);
    mm_buf_putc(b, '\n');
    free(s);
    return MM_OK;
}

/* ---- parts shared by the three documents ---------------------------------------------------- */

static json_t *role(doc *d, const char *id, const char *title, const char *description)
{
    json_t *o = oscal_obj(d);
    oscal_put_str(d, o, "id", id);
    oscal_put_str(d, o, "title", title);
    if (description)
        oscal_put_str(d, o, "description", description);
    return o;
}

static json_t *person(doc *d, const char *uuid, const char *name, bool member, const char *remarks)
{
    json_t *p = oscal_obj(d);
    oscal_put_str(d, p, "uuid", uuid);
    oscal_put_str(d, p, "type", "person");
    oscal_put_str(d, p, "name", oscal_line(d, name, NOT_PROVIDED));
    if (member) {
        json_t *m = oscal_arr(d);
        oscal_push_str(d, m, d->org_party);
        oscal_put(p, "member-of-organizations", m);
    }
    oscal_put_str(d, p, "remarks", remarks);
    return p;
}

json_t *oscal_responsible_party(doc *d, const char *role_id, const char *party)
{
    json_t *o = oscal_obj(d);
    oscal_put_str(d, o, "role-id", role_id);
    json_t *u = oscal_arr(d);
    oscal_push_str(d, u, party);
    oscal_put(o, "party-uuids", u);
    return o;
}

json_t *oscal_responsible_roles(doc *d, const char *responsible)
{
    json_t *a = oscal_arr(d);
    const char *id = role_of(d, oscal_line(d, responsible, NULL));
    if (id) {
        json_t *o = oscal_obj(d);
        oscal_put_str(d, o, "role-id", id);
        oscal_push(a, o);
    }
    return a;
}

/* metadata: title, timestamps, versions, roles and parties (the organization, the assessor,
 * the affirming official), responsible parties; remarks may be NULL. */
json_t *oscal_metadata(doc *d, const char *kind_title, const char *remarks)
{
    const mm_assessment *a = d->a;
    json_t *m = oscal_obj(d);
    oscal_put_str(
        d, m, "title",
        mm_arena_printf(d->ar, "%s for %s of %s (%s)", kind_title, d->sys, d->org, d->fw_label));
    oscal_put_str(d, m, "last-modified", d->ts);
    /* the document's version is the date of the assessment it reports */
    char date[11];
    memcpy(date, d->ts, 10);
    date[10] = '\0';
    oscal_put_str(d, m, "version", a->assessed ? a->assessed : date);
    oscal_put_str(d, m, "oscal-version", OSCAL_VERSION);
    json_t *props = oscal_arr(d);
    oscal_add_prop(d, props, "framework", mm_framework_name(d->cat->framework), true, NULL);
    oscal_add_prop(
        d, props, "generator",
        mm_arena_printf(d->ar, "mamori %s", d->o->tool_version ? d->o->tool_version : "?"), true,
        NULL);
    oscal_put_arr(m, "props", props);

    json_t *roles = oscal_arr(d);
    oscal_push(roles, role(d, "prepared-for", "Prepared for",
                           "The organization that operates the system and holds the CUI."));
    oscal_push(roles, role(d, "system-owner", "System owner", NULL));
    if (d->assessor_party[0])
        oscal_push(roles, role(d, "assessor", "Assessor", "Who assessed the system."));
    if (d->official_party[0])
        oscal_push(roles,
                   role(d, "affirming-official", "Affirming official",
                        "The senior official who affirms the assessment (CMMC, 32 CFR 170.22)."));
    for (size_t i = 0; i < d->nroles; i++)
        oscal_push(roles,
                   role(d, d->roles[i].id, d->roles[i].title,
                        "Named in the assessment as responsible for implementing requirements "
                        "or for remediating POA&M items."));
    oscal_put(m, "roles", roles);

    json_t *parties = oscal_arr(d);
    json_t *org = oscal_obj(d);
    oscal_put_str(d, org, "uuid", d->org_party);
    oscal_put_str(d, org, "type", "organization");
    if (oscal_line(d, a->org_name, NULL))
        oscal_put_str(d, org, "name", d->org);
    json_t *ext = oscal_arr(d);
    for (size_t i = 0; i < a->norg_ids; i++) {
        const char *v = oscal_line(d, a->org_ids[i].value, NULL);
        if (!v || !a->org_ids[i].scheme)
            continue;
        json_t *e = oscal_obj(d);
        oscal_put_str(d, e, "scheme", scheme_uri(d, a->org_ids[i].scheme));
        oscal_put_str(d, e, "id", v);
        oscal_push(ext, e);
    }
    oscal_put_arr(org, "external-ids", ext);
    json_t *oprops = oscal_arr(d);
    for (size_t i = 0; i < a->norg_ids; i++)
        if (a->org_ids[i].scheme && oscal_line(d, a->org_ids[i].value, NULL))
            oscal_add_prop(d, oprops, "identifier", a->org_ids[i].value, true,
                           mm_arena_printf(d->ar, "Scheme: %s", a->org_ids[i].scheme));
    oscal_put_arr(org, "props", oprops);
    if (!oscal_line(d, a->org_name, NULL))
        oscal_put_str(d, org, "remarks", "The assessment names no organization.");
    oscal_push(parties, org);
    if (d->assessor_party[0])
        oscal_push(parties, person(d, d->assessor_party, a->assessor, false, "The assessor."));
    if (d->official_party[0])
        oscal_push(parties,
                   person(d, d->official_party, a->affirming_official, true,
                          "The affirming official, a senior official of the organization."));
    oscal_put(m, "parties", parties);

    json_t *rp = oscal_arr(d);
    oscal_push(rp, oscal_responsible_party(d, "prepared-for", d->org_party));
    oscal_push(rp, oscal_responsible_party(d, "system-owner", d->org_party));
    if (d->assessor_party[0])
        oscal_push(rp, oscal_responsible_party(d, "assessor", d->assessor_party));
    if (d->official_party[0])
        oscal_push(rp, oscal_responsible_party(d, "affirming-official", d->official_party));
    oscal_put(m, "responsible-parties", rp);
    if (remarks)
        oscal_put_str(d, m, "remarks", remarks);
    return m;
}

json_t *oscal_system_id(doc *d)
{
    json_t *o = oscal_obj(d);
    oscal_put_str(d, o, "identifier-type", RFC4122);
    oscal_put_str(d, o, "id", d->system_id);
    return o;
}

json_t *oscal_subjects(doc *d)
{
    json_t *a = oscal_arr(d);
    json_t *s = oscal_obj(d);
    oscal_put_str(d, s, "subject-uuid", d->component);
    oscal_put_str(d, s, "type", "component");
    oscal_put_str(d, s, "title", d->sys);
    oscal_push(a, s);
    return a;
}

/* Evidence references as links (SSP) or relevant-evidence (observations). */
void oscal_add_evidence_links(doc *d, json_t *links, const char *const *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *e = oscal_line(d, ev[i], NULL);
        if (!e)
            continue;
        json_t *l = oscal_obj(d);
        oscal_put_str(d, l, "href", href(d, e));
        oscal_put_str(d, l, "rel", "evidence");
        oscal_put_str(d, l, "text", e);
        oscal_push(links, l);
    }
}

void oscal_add_relevant_evidence(doc *d, json_t *out, const char *const *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *e = oscal_line(d, ev[i], NULL);
        if (!e)
            continue;
        json_t *o = oscal_obj(d);
        oscal_put_str(d, o, "href", href(d, e));
        oscal_put_str(d, o, "description", e);
        oscal_push(out, o);
    }
}

/* "Justification: ...\n\nNotes: ..." of what is given, or NULL. */
const char *oscal_remarks_of(doc *d, const char *justification, const char *notes)
{
    justification = oscal_text(justification, NULL);
    notes = oscal_text(notes, NULL);
    if (justification && notes)
        return mm_arena_printf(d->ar, "Justification: %s\n\nNotes: %s", justification, notes);
    if (justification)
        return mm_arena_printf(d->ar, "Justification: %s", justification);
    if (notes)
        return mm_arena_printf(d->ar, "Notes: %s", notes);
    return NULL;
}

/* The reviewed-controls of the assessment plan and of the results: every requirement that
 * is not withdrawn, and all of their objectives. */
json_t *oscal_reviewed_controls(doc *d)
{
    json_t *rc_ = oscal_obj(d);
    oscal_put_str(
        d, rc_, "description",
        mm_arena_printf(d->ar, "Every requirement of %s that is not withdrawn.", d->fw_label));
    json_t *sels = oscal_arr(d);
    json_t *sel = oscal_obj(d);
    json_t *inc = oscal_arr(d);
    for (size_t i = 0; i < d->cat->nrequirements; i++) {
        if (d->cat->requirements[i].withdrawn)
            continue;
        json_t *c = oscal_obj(d);
        oscal_put_str(d, c, "control-id", oscal_control_id(d, &d->cat->requirements[i]));
        oscal_push(inc, c);
    }
    oscal_put(sel, "include-controls", inc);
    oscal_push(sels, sel);
    oscal_put(rc_, "control-selections", sels);
    json_t *osels = oscal_arr(d);
    json_t *osel = oscal_obj(d);
    oscal_put(osel, "include-all", oscal_obj(d));
    oscal_push(osels, osel);
    oscal_put(rc_, "control-objective-selections", osels);
    return rc_;
}
