/*
 * OSCAL 1.1.3 JSON of an evaluated assessment: a system security plan, a plan of action and
 * milestones and assessment results (what each holds, and why: docs/oscal.md).
 *
 * Every UUID is a version-5 UUID of a name built from the organization, the system, the
 * document kind and the element ("ssp/<org>/<system>/implemented-requirement/03.01.01"), and
 * every timestamp comes from mm_report_timestamp(), so equal inputs give identical bytes.
 * Strings the schemas type as OSCAL "string" (one line, no white space at either end) pass
 * through line(); required text that the assessment leaves out gets a fallback sentence.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mamori/error.h"
#include "report/report_internal.h"

#define OSCAL_VERSION "1.1.3"
#define MM_NS         "https://mamori.dev/ns/oscal"
#define RFC4122       "https://ietf.org/rfc/rfc4122"
#define R3_CATALOG_HREF                                                                            \
    "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-171/rev3/"      \
    "json/NIST_SP800-171_rev3_catalog.json"
#define R2_HREF        "https://doi.org/10.6028/NIST.SP.800-171r2"
#define SSP_HREF       "ssp.json"
#define AP_HREF        "assessment-plan.json"
#define CUI_REGISTRY   "https://www.archives.gov/cui/registry/category-list"
#define MODERATE       "fips-199-moderate"
#define NO_ORG         "Unnamed organization"
#define NO_SYSTEM      "Unnamed system"
#define NOT_PROVIDED   "Not provided."
#define NO_STATEMENT   "No implementation statement was provided in the assessment."
#define SYSTEM_SUBJECT "this-system"

/* A role for each distinct "responsible" text of the assessment. */
typedef struct resp_role {
    const char *title; /* the text, on one line */
    const char *id;    /* "responsible-it-manager" */
} resp_role;

typedef struct doc {
    const mm_result *r;
    const mm_assessment *a;
    const mm_catalog *cat;
    const mm_report_options *o;
    mm_arena *ar;
    bool r2;
    bool failed;             /* a jansson constructor returned NULL */
    const char *org, *sys;   /* display names, never NULL */
    const char *org_key;     /* org and system as they go into UUID names */
    const char *sys_key;     /* ("/" and "%" escaped) */
    const char *fw_label;    /* "NIST SP 800-171 Rev 3" */
    char ts[21];             /* the report's timestamp */
    char org_party[37];      /* UUIDs shared by the three documents */
    char assessor_party[37]; /* "" when the assessment names no assessor */
    char official_party[37]; /* "" when it names no affirming official */
    char component[37];      /* the component "this-system" */
    char system_id[37];
    resp_role *roles;
    size_t nroles;
} doc;

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
static const char *line(doc *d, const char *s, const char *fallback)
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
static const char *text(const char *s, const char *fallback)
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
static const char *date_time(doc *d, const char *date)
{
    const char *s = mm_arena_printf(d->ar, "%.10sT00:00:00Z", date);
    return s ? s : d->ts;
}

/* ---- ids ---------------------------------------------------------------------------------- */

/* The UUID of "<kind>/<org>/<system>/<element>" into out. */
static void uuid_of(const doc *d, char out[37], const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void uuid_of(const doc *d, char out[37], const char *kind, const char *fmt, ...)
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
static const char *control_id(doc *d, const mm_requirement *q)
{
    const char *s = mm_arena_printf(d->ar, "%s%s", d->r2 ? "sp_800_171_" : "SP_800_171_", q->id);
    return s ? s : "unknown";
}

/* The statement part: Rev 3 "statement_03.01.01" (NIST's catalog), Rev 2 "sp_800_171_3.1.1_smt". */
static const char *statement_id(doc *d, const mm_requirement *q)
{
    const char *s = d->r2 ? mm_arena_printf(d->ar, "sp_800_171_%s_smt", q->id)
                          : mm_arena_printf(d->ar, "statement_%s", q->id);
    return s ? s : "unknown";
}

/* The objective part: Rev 3 "assessment-objective_DS-A.03.01.01.b.01" (NIST's catalog),
 * Rev 2 "3.1.1[a]" as "sp_800_171_3.1.1_obj.a". */
static const char *objective_id(doc *d, const mm_objective *ob)
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

static json_t *obj(doc *d)
{
    json_t *o = json_object();
    d->failed |= !o;
    return o;
}

static json_t *arr(doc *d)
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

static void put(json_t *o, const char *key, json_t *v)
{
    json_object_set_new(o, key, v);
}

static void put_str(doc *d, json_t *o, const char *key, const char *s)
{
    json_object_set_new(o, key, str(d, s));
}

/* Sets key to the array unless it is empty (OSCAL arrays hold at least one item). */
static void put_arr(json_t *o, const char *key, json_t *a)
{
    if (json_array_size(a))
        json_object_set_new(o, key, a);
    else
        json_decref(a);
}

static void push(json_t *a, json_t *v)
{
    json_array_append_new(a, v);
}

static void push_str(doc *d, json_t *a, const char *s)
{
    json_array_append_new(a, str(d, s));
}

/* Appends a property; ours puts it in mamori's namespace. Nothing when value is empty. */
static void add_prop(doc *d, json_t *props, const char *name, const char *value, bool ours,
                     const char *remarks)
{
    value = line(d, value, NULL);
    if (!value)
        return;
    json_t *p = obj(d);
    put_str(d, p, "name", name);
    if (ours)
        put_str(d, p, "ns", MM_NS);
    put_str(d, p, "value", value);
    if (remarks)
        put_str(d, p, "remarks", remarks);
    push(props, p);
}

static void add_prop_int(doc *d, json_t *props, const char *name, long long v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", v);
    add_prop(d, props, name, buf, true, NULL);
}

static json_t *uuid_json(doc *d, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The UUID of "<kind>/<org>/<system>/<element>" as a JSON string. */
static json_t *uuid_json(doc *d, const char *kind, const char *fmt, ...)
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
static json_t *ref(doc *d, const char *key, const char *uuid)
{
    json_t *o = obj(d);
    put_str(d, o, key, uuid);
    return o;
}

static json_t *uuid_list(doc *d, const char *key, const char *uuid)
{
    json_t *a = arr(d);
    push(a, ref(d, key, uuid));
    return a;
}

/* ---- the model ------------------------------------------------------------------------------ */

static bool unmet(mm_status s)
{
    return s == MM_STATUS_NOT_MET || s == MM_STATUS_PARTIAL || s == MM_STATUS_NOT_ASSESSED;
}

/* OSCAL implementation-status of a requirement: met is implemented, not-applicable is
 * not-applicable, partial (or not met with some objectives satisfied) is partial, not met is
 * planned; NULL when not assessed (nothing is known). */
static const char *impl_state(const mm_requirement_result *rr)
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
static const char *status_phrase(mm_status s)
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

static bool satisfied(mm_status s)
{
    return s == MM_STATUS_MET || s == MM_STATUS_NOT_APPLICABLE;
}

/* Why 3.12.2 is scored not implemented (DoD Assessment Methodology v1.2.1 5(g)(iii)). */
static const char *no_plan_text(doc *d)
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

static const char *cmmc_name(mm_cmmc_status s)
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
    const char *title = line(d, responsible, NULL);
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

static int doc_init(doc *d, const mm_result *r, const mm_report_options *o)
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
    d->org = line(d, d->a->org_name, NO_ORG);
    d->sys = line(d, d->a->system_name, NO_SYSTEM);
    d->org_key = name_key(d, d->a->org_name);
    d->sys_key = name_key(d, d->a->system_name);
    d->fw_label = d->r2 ? "NIST SP 800-171 Rev 2" : "NIST SP 800-171 Rev 3";
    mm_report_timestamp(d->ts, r, o);
    uuid_of(d, d->org_party, "party", "organization");
    if (line(d, d->a->assessor, NULL))
        uuid_of(d, d->assessor_party, "party", "assessor");
    if (line(d, d->a->affirming_official, NULL))
        uuid_of(d, d->official_party, "party", "affirming-official");
    uuid_of(d, d->component, "component", SYSTEM_SUBJECT);
    uuid_of(d, d->system_id, "system", "system-id");
    d->roles = mm_arena_calloc(d->ar, d->cat->nrequirements + d->a->npoam + 1, sizeof(resp_role));
    for (size_t i = 0; d->roles && i < d->cat->nrequirements; i++)
        if (!d->cat->requirements[i].withdrawn)
            add_role(d, d->a->requirements[i].responsible);
    for (size_t k = 0; d->roles && k < d->a->npoam; k++)
        add_role(d, d->a->poam[k].responsible);
    return mm_arena_failed(d->ar) ? MM_ENOMEM : MM_OK;
}

/* Serializes root (which it consumes) into b. */
static int doc_finish(doc *d, mm_buf *b, json_t *root, const char *what)
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
    json_t *o = obj(d);
    put_str(d, o, "id", id);
    put_str(d, o, "title", title);
    if (description)
        put_str(d, o, "description", description);
    return o;
}

static json_t *person(doc *d, const char *uuid, const char *name, bool member, const char *remarks)
{
    json_t *p = obj(d);
    put_str(d, p, "uuid", uuid);
    put_str(d, p, "type", "person");
    put_str(d, p, "name", line(d, name, NOT_PROVIDED));
    if (member) {
        json_t *m = arr(d);
        push_str(d, m, d->org_party);
        put(p, "member-of-organizations", m);
    }
    put_str(d, p, "remarks", remarks);
    return p;
}

static json_t *responsible_party(doc *d, const char *role_id, const char *party)
{
    json_t *o = obj(d);
    put_str(d, o, "role-id", role_id);
    json_t *u = arr(d);
    push_str(d, u, party);
    put(o, "party-uuids", u);
    return o;
}

static json_t *responsible_roles(doc *d, const char *responsible)
{
    json_t *a = arr(d);
    const char *id = role_of(d, line(d, responsible, NULL));
    if (id) {
        json_t *o = obj(d);
        put_str(d, o, "role-id", id);
        push(a, o);
    }
    return a;
}

/* metadata: title, timestamps, versions, roles and parties (the organization, the assessor,
 * the affirming official), responsible parties; remarks may be NULL. */
static json_t *metadata(doc *d, const char *kind_title, const char *remarks)
{
    const mm_assessment *a = d->a;
    json_t *m = obj(d);
    put_str(
        d, m, "title",
        mm_arena_printf(d->ar, "%s for %s of %s (%s)", kind_title, d->sys, d->org, d->fw_label));
    put_str(d, m, "last-modified", d->ts);
    /* the document's version is the date of the assessment it reports */
    char date[11];
    memcpy(date, d->ts, 10);
    date[10] = '\0';
    put_str(d, m, "version", a->assessed ? a->assessed : date);
    put_str(d, m, "oscal-version", OSCAL_VERSION);
    json_t *props = arr(d);
    add_prop(d, props, "framework", mm_framework_name(d->cat->framework), true, NULL);
    add_prop(d, props, "generator",
             mm_arena_printf(d->ar, "mamori %s", d->o->tool_version ? d->o->tool_version : "?"),
             true, NULL);
    put_arr(m, "props", props);

    json_t *roles = arr(d);
    push(roles, role(d, "prepared-for", "Prepared for",
                     "The organization that operates the system and holds the CUI."));
    push(roles, role(d, "system-owner", "System owner", NULL));
    if (d->assessor_party[0])
        push(roles, role(d, "assessor", "Assessor", "Who assessed the system."));
    if (d->official_party[0])
        push(roles, role(d, "affirming-official", "Affirming official",
                         "The senior official who affirms the assessment (CMMC, 32 CFR 170.22)."));
    for (size_t i = 0; i < d->nroles; i++)
        push(roles, role(d, d->roles[i].id, d->roles[i].title,
                         "Named in the assessment as responsible for implementing requirements "
                         "or for remediating POA&M items."));
    put(m, "roles", roles);

    json_t *parties = arr(d);
    json_t *org = obj(d);
    put_str(d, org, "uuid", d->org_party);
    put_str(d, org, "type", "organization");
    if (line(d, a->org_name, NULL))
        put_str(d, org, "name", d->org);
    json_t *ext = arr(d);
    for (size_t i = 0; i < a->norg_ids; i++) {
        const char *v = line(d, a->org_ids[i].value, NULL);
        if (!v || !a->org_ids[i].scheme)
            continue;
        json_t *e = obj(d);
        put_str(d, e, "scheme", scheme_uri(d, a->org_ids[i].scheme));
        put_str(d, e, "id", v);
        push(ext, e);
    }
    put_arr(org, "external-ids", ext);
    json_t *oprops = arr(d);
    for (size_t i = 0; i < a->norg_ids; i++)
        if (a->org_ids[i].scheme && line(d, a->org_ids[i].value, NULL))
            add_prop(d, oprops, "identifier", a->org_ids[i].value, true,
                     mm_arena_printf(d->ar, "Scheme: %s", a->org_ids[i].scheme));
    put_arr(org, "props", oprops);
    if (!line(d, a->org_name, NULL))
        put_str(d, org, "remarks", "The assessment names no organization.");
    push(parties, org);
    if (d->assessor_party[0])
        push(parties, person(d, d->assessor_party, a->assessor, false, "The assessor."));
    if (d->official_party[0])
        push(parties, person(d, d->official_party, a->affirming_official, true,
                             "The affirming official, a senior official of the organization."));
    put(m, "parties", parties);

    json_t *rp = arr(d);
    push(rp, responsible_party(d, "prepared-for", d->org_party));
    push(rp, responsible_party(d, "system-owner", d->org_party));
    if (d->assessor_party[0])
        push(rp, responsible_party(d, "assessor", d->assessor_party));
    if (d->official_party[0])
        push(rp, responsible_party(d, "affirming-official", d->official_party));
    put(m, "responsible-parties", rp);
    if (remarks)
        put_str(d, m, "remarks", remarks);
    return m;
}

static json_t *system_id(doc *d)
{
    json_t *o = obj(d);
    put_str(d, o, "identifier-type", RFC4122);
    put_str(d, o, "id", d->system_id);
    return o;
}

static json_t *subjects(doc *d)
{
    json_t *a = arr(d);
    json_t *s = obj(d);
    put_str(d, s, "subject-uuid", d->component);
    put_str(d, s, "type", "component");
    put_str(d, s, "title", d->sys);
    push(a, s);
    return a;
}

/* Evidence references as links (SSP) or relevant-evidence (observations). */
static void add_evidence_links(doc *d, json_t *links, const char *const *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *e = line(d, ev[i], NULL);
        if (!e)
            continue;
        json_t *l = obj(d);
        put_str(d, l, "href", href(d, e));
        put_str(d, l, "rel", "evidence");
        put_str(d, l, "text", e);
        push(links, l);
    }
}

static void add_relevant_evidence(doc *d, json_t *out, const char *const *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *e = line(d, ev[i], NULL);
        if (!e)
            continue;
        json_t *o = obj(d);
        put_str(d, o, "href", href(d, e));
        put_str(d, o, "description", e);
        push(out, o);
    }
}

/* "Justification: ...\n\nNotes: ..." of what is given, or NULL. */
static const char *remarks_of(doc *d, const char *justification, const char *notes)
{
    justification = text(justification, NULL);
    notes = text(notes, NULL);
    if (justification && notes)
        return mm_arena_printf(d->ar, "Justification: %s\n\nNotes: %s", justification, notes);
    if (justification)
        return mm_arena_printf(d->ar, "Justification: %s", justification);
    if (notes)
        return mm_arena_printf(d->ar, "Notes: %s", notes);
    return NULL;
}

/* ---- system security plan ------------------------------------------------------------------ */

static json_t *ssp_characteristics(doc *d)
{
    const mm_assessment *a = d->a;
    json_t *sc = obj(d);
    json_t *ids = arr(d);
    push(ids, system_id(d));
    put(sc, "system-ids", ids);
    put_str(d, sc, "system-name", d->sys);
    put_str(d, sc, "description", text(a->system_description, NOT_PROVIDED));
    json_t *props = arr(d);
    add_prop(d, props, "assessment-scope", a->scope, true, NULL);
    add_prop(d, props, "contract-number", a->contract, true, NULL);
    add_prop(d, props, "assessment-date", a->assessed, true, NULL);
    add_prop(d, props, "assessment-valid-until", a->valid_until, true, NULL);
    put_arr(sc, "props", props);
    put_str(d, sc, "security-sensitivity-level", "moderate");

    json_t *info = obj(d);
    json_t *types = arr(d);
    json_t *t = obj(d);
    put(t, "uuid", uuid_json(d, "ssp", "information-type/%s", "cui"));
    put_str(d, t, "title", "Controlled Unclassified Information (CUI)");
    put_str(d, t, "description",
            "CUI that the system processes, stores or transmits. NIST SP 800-171 protects its "
            "confidentiality at the FIPS 199 moderate impact level.");
    json_t *cats = arr(d);
    json_t *c = obj(d);
    put_str(d, c, "system", CUI_REGISTRY);
    push(cats, c);
    put(t, "categorizations", cats);
    const char *impacts[] = {"confidentiality-impact", "integrity-impact", "availability-impact"};
    for (size_t i = 0; i < 3; i++) {
        json_t *im = obj(d);
        put_str(d, im, "base", MODERATE);
        put_str(d, im, "selected", MODERATE);
        put(t, impacts[i], im);
    }
    push(types, t);
    put(info, "information-types", types);
    put(sc, "system-information", info);

    json_t *sil = obj(d);
    put_str(d, sil, "security-objective-confidentiality", MODERATE);
    put_str(d, sil, "security-objective-integrity", MODERATE);
    put_str(d, sil, "security-objective-availability", MODERATE);
    put(sc, "security-impact-level", sil);
    json_t *st = obj(d);
    put_str(d, st, "state", "operational");
    put(sc, "status", st);
    json_t *ab = obj(d);
    put_str(d, ab, "description", text(a->boundary, NOT_PROVIDED));
    if (a->scope)
        put_str(d, ab, "remarks",
                a->contract
                    ? mm_arena_printf(d->ar, "Scope: %s (contract %s).", a->scope, a->contract)
                    : mm_arena_printf(d->ar, "Scope: %s.", a->scope));
    put(sc, "authorization-boundary", ab);
    json_t *rp = arr(d);
    push(rp, responsible_party(d, "system-owner", d->org_party));
    put(sc, "responsible-parties", rp);
    return sc;
}

static json_t *ssp_implementation(doc *d)
{
    json_t *si = obj(d);
    json_t *users = arr(d);
    json_t *u = obj(d);
    put(u, "uuid", uuid_json(d, "ssp", "user/%s", "authorized-users"));
    put_str(d, u, "title", "Authorized users");
    put_str(d, u, "description",
            mm_arena_printf(d->ar,
                            "People authorized to use %s and the CUI it processes, stores "
                            "or transmits.",
                            d->sys));
    json_t *props = arr(d);
    add_prop(d, props, "type", "internal", false, NULL);
    put(u, "props", props);
    push(users, u);
    put(si, "users", users);
    json_t *comps = arr(d);
    json_t *c = obj(d);
    put_str(d, c, "uuid", d->component);
    put_str(d, c, "type", "this-system");
    put_str(d, c, "title", d->sys);
    put_str(d, c, "description", text(d->a->system_description, "The system as a whole."));
    json_t *st = obj(d);
    put_str(d, st, "state", "operational");
    put(c, "status", st);
    push(comps, c);
    put(si, "components", comps);
    return si;
}

static json_t *set_parameters(doc *d, const mm_requirement *q)
{
    const mm_result *r = d->r;
    json_t *sp = arr(d);
    for (size_t j = 0; j < q->nodps; j++) {
        size_t i = (size_t)(&q->odps[j] - d->cat->odps);
        const char *v = line(d, r->odp_effective[i], NULL);
        if (!v)
            continue;
        json_t *o = obj(d);
        put_str(d, o, "param-id", q->odps[j].id);
        json_t *vals = arr(d);
        push_str(d, vals, v);
        put(o, "values", vals);
        for (size_t k = 0; k < r->nconflicts; k++)
            if (r->conflicts[k].odp == i)
                put_str(d, o, "remarks",
                        mm_arena_printf(d->ar,
                                        "The assessment gives \"%s\"; the ODP profile fixes "
                                        "this value.",
                                        r->conflicts[k].given));
        push(sp, o);
    }
    return sp;
}

static json_t *implemented_requirement(doc *d, size_t i)
{
    const mm_requirement *q = &d->cat->requirements[i];
    const mm_requirement_answer *ra = &d->a->requirements[i];
    const mm_requirement_result *rr = &d->r->requirements[i];
    const char *state = impl_state(rr);
    json_t *ir = obj(d);
    put(ir, "uuid", uuid_json(d, "ssp", "implemented-requirement/%s", q->id));
    put_str(d, ir, "control-id", control_id(d, q));
    json_t *props = arr(d);
    if (state)
        add_prop(d, props, "implementation-status", state, false, NULL);
    add_prop(d, props, "assessment-status", mm_status_name(rr->status), true, NULL);
    if (d->r2)
        add_prop(d, props, "cmmc-practice-id", q->cmmc_id, true, NULL);
    put_arr(ir, "props", props);
    json_t *links = arr(d);
    add_evidence_links(d, links, ra->evidence, ra->nevidence);
    put_arr(ir, "links", links);
    put_arr(ir, "set-parameters", set_parameters(d, q));
    put_arr(ir, "responsible-roles", responsible_roles(d, ra->responsible));

    json_t *stmts = arr(d);
    json_t *s = obj(d);
    put_str(d, s, "statement-id", statement_id(d, q));
    put(s, "uuid", uuid_json(d, "ssp", "statement/%s", q->id));
    json_t *bcs = arr(d);
    json_t *bc = obj(d);
    put_str(d, bc, "component-uuid", d->component);
    put(bc, "uuid", uuid_json(d, "ssp", "by-component/%s/this-system", q->id));
    char *cite = mm_report_scan_citation(d->r, i);
    if (cite) {
        char *desc = NULL;
        size_t dl = strlen(cite) + (ra->implementation ? strlen(ra->implementation) : 0) + 4;
        if ((desc = malloc(dl)))
            snprintf(desc, dl, "%s%s%s", ra->implementation ? ra->implementation : "",
                     ra->implementation ? "\n\n" : "", cite);
        put_str(d, bc, "description", desc ? desc : cite);
        free(desc);
        free(cite);
    } else {
        put_str(d, bc, "description", text(ra->implementation, NO_STATEMENT));
    }
    if (state) {
        json_t *is = obj(d);
        put_str(d, is, "state", state);
        if (rr->no_plan_rule)
            put_str(d, is, "remarks", no_plan_text(d));
        else if (rr->status == MM_STATUS_NOT_MET || rr->status == MM_STATUS_PARTIAL)
            put_str(d, is, "remarks",
                    rr->on_poam ? "Not fully implemented; an open POA&M item plans the rest."
                                : "Not fully implemented; no open POA&M item names it.");
        put(bc, "implementation-status", is);
    }
    push(bcs, bc);
    put(s, "by-components", bcs);
    push(stmts, s);
    put(ir, "statements", stmts);
    const char *rem = remarks_of(d, ra->justification, ra->notes);
    if (rr->status == MM_STATUS_NOT_ASSESSED)
        rem = rem ? mm_arena_printf(d->ar, "Not assessed.\n\n%s", rem) : "Not assessed.";
    if (rem)
        put_str(d, ir, "remarks", rem);
    return ir;
}

int mm_report_oscal_ssp(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    doc dd, *d = &dd;
    int rc = doc_init(d, r, o);
    if (rc) {
        mm_arena_free(d->ar);
        mm_error_set("oscal-ssp: out of memory");
        return rc;
    }
    const mm_catalog *cat = d->cat;
    json_t *root = obj(d);
    json_t *ssp = obj(d);
    put(ssp, "uuid", uuid_json(d, "ssp", "%s", "document"));
    put(ssp, "metadata", metadata(d, "System Security Plan", NULL));

    json_t *ip = obj(d);
    put_str(d, ip, "href", d->r2 ? R2_HREF : R3_CATALOG_HREF);
    if (d->r2)
        put_str(d, ip, "remarks",
                "NIST publishes no OSCAL catalog or profile of SP 800-171 Rev 2: this href "
                "names the publication. Control ids have the form sp_800_171_3.1.1 (an OSCAL "
                "token may not start with a digit), statement ids sp_800_171_3.1.1_smt.");
    else
        put_str(d, ip, "remarks",
                r->profile
                    ? mm_arena_printf(d->ar,
                                      "NIST's OSCAL catalog of SP 800-171 Rev 3 (catalog version "
                                      "%s), imported whole. ODP values in set-parameters are the "
                                      "effective ones: those the ODP profile \"%s\" fixes, else "
                                      "the assessment's, else the profile's guidance.",
                                      cat->version ? cat->version : "?",
                                      r->profile->name ? r->profile->name : "?")
                    : mm_arena_printf(d->ar,
                                      "NIST's OSCAL catalog of SP 800-171 Rev 3 (catalog version "
                                      "%s), imported whole. ODP values in set-parameters are the "
                                      "assessment's.",
                                      cat->version ? cat->version : "?"));
    put(ssp, "import-profile", ip);
    put(ssp, "system-characteristics", ssp_characteristics(d));
    put(ssp, "system-implementation", ssp_implementation(d));

    json_t *ci = obj(d);
    put_str(d, ci, "description",
            mm_arena_printf(d->ar,
                            "How %s implements the requirements of %s in %s. Implementation "
                            "status is that found by the assessment of %.10s: %zu of %zu "
                            "requirements met.",
                            d->org, d->fw_label, d->sys, d->ts, r->requirements_met,
                            r->requirements_total));
    json_t *irs = arr(d);
    for (size_t i = 0; i < cat->nrequirements; i++)
        if (!cat->requirements[i].withdrawn)
            push(irs, implemented_requirement(d, i));
    put(ci, "implemented-requirements", irs);
    put(ssp, "control-implementation", ci);
    put(root, "system-security-plan", ssp);
    return doc_finish(d, b, root, "oscal-ssp");
}

/* ---- plan of action and milestones ---------------------------------------------------------- */

/* The key of POA&M item k in UUID names: its id, with "#k" when an earlier item has the same. */
static const char *poam_key(doc *d, size_t k)
{
    const char *id = d->a->poam[k].id ? d->a->poam[k].id : "";
    for (size_t j = 0; j < k; j++)
        if (mm_streq(d->a->poam[j].id, id))
            return mm_arena_printf(d->ar, "%s#%zu", id, k + 1);
    return id;
}

/* The unmet requirements that no open POA&M item names, or NULL when there are none. */
static const char *unmet_without_item(doc *d)
{
    const mm_catalog *cat = d->cat;
    mm_buf b = MM_BUF_INIT;
    size_t n = 0;
    for (size_t i = 0; i < cat->nrequirements; i++) {
        const mm_requirement_result *rr = &d->r->requirements[i];
        if (cat->requirements[i].withdrawn || !unmet(rr->status) || rr->on_poam)
            continue;
        mm_buf_printf(&b, "%s%s (%s)", n ? ", " : "", cat->requirements[i].id,
                      mm_status_name(rr->status));
        n++;
    }
    const char *s = n ? mm_arena_printf(d->ar,
                                        "Unmet requirements without an open POA&M item (%zu): "
                                        "%s.",
                                        n, mm_buf_cstr(&b))
                      : NULL;
    mm_buf_free(&b);
    return s;
}

static const char *risk_status(const char *status)
{
    if (mm_streq(status, "closed"))
        return "closed";
    if (mm_streq(status, "risk-accepted"))
        return "deviation-approved";
    return "open";
}

static json_t *milestone_task(doc *d, const mm_poam_item *it, const char *key, size_t j)
{
    const mm_milestone *m = &it->milestones[j];
    json_t *t = obj(d);
    put(t, "uuid", uuid_json(d, "poam", "milestone/%s/%zu", key, j + 1));
    put_str(d, t, "type", "milestone");
    put_str(d, t, "title",
            line(d, m->description, mm_arena_printf(d->ar, "Milestone due %s", m->due)));
    json_t *props = arr(d);
    add_prop(d, props, "milestone-status", m->status, true, NULL);
    add_prop(d, props, "completed-date", m->completed, true, NULL);
    put_arr(t, "props", props);
    json_t *timing = obj(d);
    json_t *on = obj(d);
    put_str(d, on, "date", date_time(d, m->due));
    put(timing, "on-date", on);
    put(t, "timing", timing);
    put_arr(t, "responsible-roles", responsible_roles(d, it->responsible));
    return t;
}

/* The latest date an item plans to finish: its scheduled completion or last milestone. */
static const char *poam_deadline(const mm_poam_item *it)
{
    const char *last = it->scheduled_completion;
    for (size_t j = 0; j < it->nmilestones; j++)
        if (!last || strcmp(it->milestones[j].due, last) > 0)
            last = it->milestones[j].due;
    return last;
}

int mm_report_oscal_poam(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    doc dd, *d = &dd;
    int rc = doc_init(d, r, o);
    if (rc) {
        mm_arena_free(d->ar);
        mm_error_set("oscal-poam: out of memory");
        return rc;
    }
    const mm_assessment *a = d->a;
    const mm_catalog *cat = d->cat;
    const char *missing = unmet_without_item(d);
    json_t *root = obj(d);
    json_t *p = obj(d);
    put(p, "uuid", uuid_json(d, "poam", "%s", "document"));
    put(p, "metadata", metadata(d, "Plan of Action and Milestones", missing));
    json_t *imp = obj(d);
    put_str(d, imp, "href", SSP_HREF);
    put_str(d, imp, "remarks",
            "The system security plan of the same assessment (mamori assess --format "
            "oscal-ssp), expected as " SSP_HREF " next to this file.");
    put(p, "import-ssp", imp);
    put(p, "system-id", system_id(d));

    json_t *observations = arr(d), *risks = arr(d), *findings = arr(d), *items = arr(d);
    for (size_t k = 0; k < a->npoam; k++) {
        const mm_poam_item *it = &a->poam[k];
        const mm_requirement *q = &cat->requirements[it->requirement_index];
        const mm_requirement_result *rr = &r->requirements[it->requirement_index];
        const char *key = poam_key(d, k);
        const char *id = line(d, it->id, NOT_PROVIDED);
        const char *title = line(d, q->title, q->id);
        const char *weakness = text(it->weakness, NOT_PROVIDED);
        char obs_uuid[37], risk_uuid[37], finding_uuid[37];
        uuid_of(d, obs_uuid, "poam", "observation/%s", key);
        uuid_of(d, risk_uuid, "poam", "risk/%s", key);
        uuid_of(d, finding_uuid, "poam", "finding/%s", key);

        json_t *ob = obj(d);
        put_str(d, ob, "uuid", obs_uuid);
        put_str(d, ob, "title", mm_arena_printf(d->ar, "Weakness %s: %s %s", id, q->id, title));
        put_str(d, ob, "description", weakness);
        json_t *methods = arr(d);
        push_str(d, methods, "UNKNOWN");
        put(ob, "methods", methods);
        json_t *types = arr(d);
        push_str(d, types, "finding");
        put(ob, "types", types);
        put(ob, "subjects", subjects(d));
        put_str(d, ob, "collected", it->detected ? date_time(d, it->detected) : d->ts);
        push(observations, ob);

        json_t *rk = obj(d);
        put_str(d, rk, "uuid", risk_uuid);
        put_str(d, rk, "title", mm_arena_printf(d->ar, "Weakness in %s %s", q->id, title));
        put_str(d, rk, "description", weakness);
        put_str(d, rk, "statement",
                mm_arena_printf(d->ar, "%s (%s) is %s in %s: %s", q->id, title,
                                status_phrase(rr->status), d->sys,
                                line(d, it->weakness, NOT_PROVIDED)));
        json_t *rprops = arr(d);
        add_prop(d, rprops, "poam-item-id", id, true, NULL);
        put(rk, "props", rprops);
        put_str(d, rk, "status", risk_status(it->status));
        const char *deadline = poam_deadline(it);
        if (deadline)
            put_str(d, rk, "deadline", date_time(d, deadline));
        json_t *rems = arr(d);
        json_t *resp = obj(d);
        put(resp, "uuid", uuid_json(d, "poam", "remediation/%s", key));
        put_str(d, resp, "lifecycle", mm_streq(it->status, "closed") ? "completed" : "planned");
        put_str(d, resp, "title", mm_arena_printf(d->ar, "Remediation of %s", id));
        put_str(d, resp, "description",
                text(it->remediation, it->nmilestones
                                          ? "The assessment describes the remediation by its "
                                            "milestones only."
                                          : "The assessment gives no planned remediation."));
        json_t *assets = arr(d);
        if (line(d, it->resources, NULL)) {
            json_t *as = obj(d);
            put(as, "uuid", uuid_json(d, "poam", "required-asset/%s", key));
            put_str(d, as, "description", text(it->resources, NOT_PROVIDED));
            push(assets, as);
        }
        put_arr(resp, "required-assets", assets);
        json_t *tasks = arr(d);
        for (size_t j = 0; j < it->nmilestones; j++)
            push(tasks, milestone_task(d, it, key, j));
        put_arr(resp, "tasks", tasks);
        push(rems, resp);
        put(rk, "remediations", rems);
        put(rk, "related-observations", uuid_list(d, "observation-uuid", obs_uuid));
        push(risks, rk);

        json_t *f = obj(d);
        put_str(d, f, "uuid", finding_uuid);
        put_str(d, f, "title", mm_arena_printf(d->ar, "%s %s", q->id, title));
        put_str(d, f, "description", weakness);
        json_t *target = obj(d);
        put_str(d, target, "type", "statement-id");
        put_str(d, target, "target-id", statement_id(d, q));
        json_t *ts = obj(d);
        put_str(d, ts, "state", satisfied(rr->status) ? "satisfied" : "not-satisfied");
        put(target, "status", ts);
        put(f, "target", target);
        put(f, "implementation-statement-uuid", uuid_json(d, "ssp", "statement/%s", q->id));
        put(f, "related-observations", uuid_list(d, "observation-uuid", obs_uuid));
        put(f, "related-risks", uuid_list(d, "risk-uuid", risk_uuid));
        push(findings, f);

        json_t *pi = obj(d);
        put(pi, "uuid", uuid_json(d, "poam", "poam-item/%s", key));
        put_str(d, pi, "title", mm_arena_printf(d->ar, "%s: %s %s", id, q->id, title));
        put_str(d, pi, "description", weakness);
        json_t *props = arr(d);
        add_prop(d, props, "poam-item-id", id, true, NULL);
        add_prop(d, props, "requirement", q->id, true, NULL);
        add_prop(d, props, "control-id", control_id(d, q), true, NULL);
        add_prop(d, props, "status", it->status, true, NULL);
        add_prop(d, props, "detected", it->detected, true, NULL);
        add_prop(d, props, "scheduled-completion", it->scheduled_completion, true, NULL);
        add_prop(d, props, "responsible", it->responsible, true, NULL);
        put(pi, "props", props);
        put(pi, "related-findings", uuid_list(d, "finding-uuid", finding_uuid));
        put(pi, "related-observations", uuid_list(d, "observation-uuid", obs_uuid));
        put(pi, "related-risks", uuid_list(d, "risk-uuid", risk_uuid));
        push(items, pi);
    }
    if (a->npoam == 0) {
        /* the schema needs one poam-item: say that the assessment has none */
        json_t *pi = obj(d);
        put(pi, "uuid", uuid_json(d, "poam", "poam-item/%s", "none"));
        put_str(d, pi, "title", "No POA&M items");
        put_str(d, pi, "description", "The assessment lists no plan of action items.");
        json_t *props = arr(d);
        add_prop(d, props, "placeholder", "true", true, NULL);
        put(pi, "props", props);
        if (missing)
            put_str(d, pi, "remarks", missing);
        push(items, pi);
    }
    put_arr(p, "observations", observations);
    put_arr(p, "risks", risks);
    put_arr(p, "findings", findings);
    put(p, "poam-items", items);
    put(root, "plan-of-action-and-milestones", p);
    return doc_finish(d, b, root, "oscal-poam");
}

/* ---- assessment results --------------------------------------------------------------------- */

/* An observation of what backs a requirement or objective (evidence, notes, justification);
 * NULL when there is nothing. */
static json_t *observation(doc *d, const char *uuid, const char *title, const char *const *ev,
                           size_t nev, const char *justification, const char *notes)
{
    const char *rem = remarks_of(d, justification, notes);
    json_t *evidence = arr(d);
    add_relevant_evidence(d, evidence, ev, nev);
    size_t n = json_array_size(evidence);
    if (!rem && !n) {
        json_decref(evidence);
        return NULL;
    }
    mm_buf desc = MM_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        mm_buf_printf(
            &desc, "%s%s", i ? ", " : "Evidence examined: ",
            json_string_value(json_object_get(json_array_get(evidence, i), "description")));
    json_t *ob = obj(d);
    put_str(d, ob, "uuid", uuid);
    put_str(d, ob, "title", title);
    put_str(d, ob, "description", desc.len ? mm_buf_cstr(&desc) : rem);
    mm_buf_free(&desc);
    json_t *methods = arr(d);
    push_str(d, methods, n ? "EXAMINE" : "UNKNOWN");
    put(ob, "methods", methods);
    json_t *types = arr(d);
    push_str(d, types, "control-objective");
    put(ob, "types", types);
    put(ob, "subjects", subjects(d));
    put_arr(ob, "relevant-evidence", evidence);
    put_str(d, ob, "collected", d->ts);
    if (rem && n)
        put_str(d, ob, "remarks", rem);
    return ob;
}

static json_t *target(doc *d, const char *type, const char *id, bool sat, const char *reason,
                      const char *remarks)
{
    json_t *t = obj(d);
    put_str(d, t, "type", type);
    put_str(d, t, "target-id", id);
    json_t *st = obj(d);
    put_str(d, st, "state", sat ? "satisfied" : "not-satisfied");
    put_str(d, st, "reason", reason);
    if (remarks)
        put_str(d, st, "remarks", remarks);
    put(t, "status", st);
    return t;
}

static const char *det_reason(mm_determination det)
{
    return det == MM_DET_SATISFIED ? "pass" : det == MM_DET_NOT_APPLICABLE ? "other" : "fail";
}

/* The findings of requirement i (one for the requirement, one per objective with a
 * determination) and the observations they relate to. */
static void ar_requirement(doc *d, size_t i, json_t *observations, json_t *findings)
{
    const mm_catalog *cat = d->cat;
    const mm_requirement *q = &cat->requirements[i];
    const mm_requirement_answer *ra = &d->a->requirements[i];
    const mm_requirement_result *rr = &d->r->requirements[i];
    const char *title = line(d, q->title, q->id);
    json_t *req_obs = arr(d);
    char u[37];
    uuid_of(d, u, "ar", "observation/%s", q->id);
    json_t *ob = observation(d, u, mm_arena_printf(d->ar, "Observation: %s %s", q->id, title),
                             ra->evidence, ra->nevidence, ra->justification, ra->notes);
    if (ob) {
        push(observations, ob);
        push(req_obs, ref(d, "observation-uuid", u));
    }
    json_t *obj_findings = arr(d);
    for (size_t j = 0; j < q->nobjectives; j++) {
        const mm_objective *o = &q->objectives[j];
        const mm_answer *ans = &d->a->answers[o - cat->objectives];
        char ou[37];
        uuid_of(d, ou, "ar", "observation/%s", o->id);
        json_t *oo = observation(d, ou, mm_arena_printf(d->ar, "Observation: %s", o->id),
                                 ans->evidence, ans->nevidence, ans->justification, ans->notes);
        if (oo) {
            push(observations, oo);
            push(req_obs, ref(d, "observation-uuid", ou));
        }
        if (ans->determination == MM_DET_NOT_ASSESSED)
            continue;
        json_t *f = obj(d);
        put(f, "uuid", uuid_json(d, "ar", "finding/%s", o->id));
        char *otext = mm_report_render_text(d->r, o->text);
        put_str(d, f, "title",
                mm_arena_printf(d->ar, "%s: %s", o->id, line(d, otext, NOT_PROVIDED)));
        free(otext);
        const char *why = ans->justification ? ans->justification : ra->justification;
        const char *scanned =
            ans->scan == MM_DET_NOT_ASSESSED
                ? ""
                : mm_arena_printf(d->ar, " Host scans: %s (%zu result%s).",
                                  mm_determination_name(ans->scan), ans->nscan_evidence,
                                  ans->nscan_evidence == 1 ? "" : "s");
        const char *over = ans->override
                               ? mm_arena_printf(d->ar,
                                                 " Override: the assessor's answer is kept against "
                                                 "the host scans; justification: %s",
                                                 why ? why : NOT_PROVIDED)
                               : "";
        put_str(d, f, "description",
                mm_arena_printf(d->ar, "Determination: %s%s.%s%s",
                                mm_determination_name(ans->determination),
                                ans->from_requirement && ans->scan == MM_DET_NOT_ASSESSED
                                    ? " (from the requirement's status)"
                                    : "",
                                scanned, over));
        json_t *props = arr(d);
        add_prop(d, props, "determination", mm_determination_name(ans->determination), true, NULL);
        if (ans->scan != MM_DET_NOT_ASSESSED)
            add_prop(d, props, "scan-determination", mm_determination_name(ans->scan), true, NULL);
        if (ans->override)
            add_prop(d, props, "override", "true", true, NULL);
        put(f, "props", props);
        put(f, "target",
            target(d, "objective-id", objective_id(d, o),
                   ans->determination != MM_DET_OTHER_THAN_SATISFIED,
                   det_reason(ans->determination),
                   ans->determination == MM_DET_NOT_APPLICABLE ? "Not applicable." : NULL));
        if (oo)
            put(f, "related-observations", uuid_list(d, "observation-uuid", ou));
        push(obj_findings, f);
    }

    json_t *f = obj(d);
    put(f, "uuid", uuid_json(d, "ar", "finding/%s", q->id));
    put_str(d, f, "title", mm_arena_printf(d->ar, "%s %s", q->id, title));
    mm_buf desc = MM_BUF_INIT;
    mm_buf_printf(&desc,
                  "Requirement %s: of %zu determination statement%s, %zu satisfied, %zu other "
                  "than satisfied, %zu not applicable, %zu not assessed.",
                  status_phrase(rr->status), q->nobjectives, q->nobjectives == 1 ? "" : "s",
                  rr->satisfied, rr->other_than_satisfied, rr->not_applicable, rr->not_assessed);
    if (d->r2 && rr->points_lost)
        mm_buf_printf(&desc, " SPRS points lost: %d.", rr->points_lost);
    if (unmet(rr->status))
        mm_buf_puts(&desc, rr->on_poam ? " An open POA&M item names it."
                                       : " No open POA&M item names it.");
    if (rr->no_plan_rule)
        mm_buf_printf(&desc, " %s", no_plan_text(d));
    put_str(d, f, "description", mm_buf_cstr(&desc));
    mm_buf_free(&desc);
    json_t *props = arr(d);
    add_prop(d, props, "requirement-status", mm_status_name(rr->status), true, NULL);
    if (d->r2)
        add_prop_int(d, props, "sprs-points-lost", rr->points_lost);
    add_prop(d, props, "on-poam", rr->on_poam ? "true" : "false", true, NULL);
    put(f, "props", props);
    const char *state = impl_state(rr);
    bool na = rr->status == MM_STATUS_NOT_APPLICABLE, nas = rr->status == MM_STATUS_NOT_ASSESSED;
    json_t *t = target(d, "statement-id", statement_id(d, q), satisfied(rr->status),
                       rr->status == MM_STATUS_MET ? "pass"
                       : na || nas                 ? "other"
                                                   : "fail",
                       nas  ? "Not assessed."
                       : na ? "Not applicable."
                            : NULL);
    if (state) {
        json_t *is = obj(d);
        put_str(d, is, "state", state);
        put(t, "implementation-status", is);
    }
    put(f, "target", t);
    put(f, "implementation-statement-uuid", uuid_json(d, "ssp", "statement/%s", q->id));
    put_arr(f, "related-observations", req_obs);
    push(findings, f);
    for (size_t k = 0; k < json_array_size(obj_findings); k++)
        push(findings, json_incref(json_array_get(obj_findings, k)));
    json_decref(obj_findings);
}

static json_t *result_props(doc *d)
{
    const mm_result *r = d->r;
    json_t *props = arr(d);
    add_prop_int(d, props, "requirements-met", (long long)r->requirements_met);
    add_prop_int(d, props, "requirements-total", (long long)r->requirements_total);
    add_prop_int(d, props, "requirements-not-assessed", (long long)r->requirements_not_assessed);
    add_prop_int(d, props, "objectives-met", (long long)r->objectives_met);
    add_prop_int(d, props, "objectives-total", (long long)r->objectives_total);
    if (!d->r2) {
        if (r->profile)
            add_prop(d, props, "odp-profile", r->profile->name, true, r->profile->source);
        return props;
    }
    add_prop(d, props, "assessment-methodology", "DoD Assessment Methodology v1.2.1", true, NULL);
    add_prop(d, props, "sprs-score-valid", r->sprs_valid ? "true" : "false", true,
             r->sprs_valid ? NULL : r->sprs_invalid_reason);
    if (r->sprs_valid)
        add_prop_int(d, props, "sprs-score", r->sprs);
    mm_buf reasons = MM_BUF_INIT;
    for (size_t i = 0; i < r->ncmmc_reasons; i++)
        mm_buf_printf(&reasons, "%s- %s", i ? "\n" : "", r->cmmc_reasons[i]);
    mm_buf l1 = MM_BUF_INIT;
    for (size_t i = 0; i < r->ncmmc1_reasons; i++)
        mm_buf_printf(&l1, "%s- %s", i ? "\n" : "", r->cmmc1_reasons[i]);
    add_prop(d, props, "cmmc-level-1-status", cmmc_name(r->cmmc1), true,
             r->ncmmc1_reasons ? mm_arena_strdup(d->ar, mm_buf_cstr(&l1)) : NULL);
    mm_buf_free(&l1);
    add_prop(d, props, "cmmc-level-2-status", mm_cmmc_level2_status_name(&r->cmmc2), true,
             r->ncmmc_reasons ? mm_arena_strdup(d->ar, mm_buf_cstr(&reasons)) : NULL);
    mm_buf_free(&reasons);
    add_prop(d, props, "cmmc-poam-closeout-date", r->cmmc_closeout, true, NULL);
    return props;
}

int mm_report_oscal_ar(mm_buf *b, const mm_result *r, const mm_report_options *o)
{
    doc dd, *d = &dd;
    int rc = doc_init(d, r, o);
    if (rc) {
        mm_arena_free(d->ar);
        mm_error_set("oscal-ar: out of memory");
        return rc;
    }
    const mm_catalog *cat = d->cat;
    json_t *root = obj(d);
    json_t *ar = obj(d);
    put(ar, "uuid", uuid_json(d, "ar", "%s", "document"));
    put(ar, "metadata", metadata(d, "Assessment Results", NULL));
    json_t *ap = obj(d);
    put_str(d, ap, "href", AP_HREF);
    put_str(
        d, ap, "remarks",
        "mamori writes no assessment plan: this href names the plan the assessor keeps as " AP_HREF
        " next to this file. The system security plan is the oscal-ssp output.");
    put(ar, "import-ap", ap);

    json_t *results = arr(d);
    json_t *res = obj(d);
    put(res, "uuid", uuid_json(d, "ar", "result/%s", "assessment"));
    put_str(d, res, "title",
            mm_arena_printf(d->ar, "Assessment of %s against %s", d->sys, d->fw_label));
    mm_buf desc = MM_BUF_INIT;
    mm_buf_printf(&desc,
                  "%s of %s: %zu of %zu requirements met, %zu of %zu determination "
                  "statements met.",
                  d->a->assessor ? "Assessment" : "Self-assessment", d->org, r->requirements_met,
                  r->requirements_total, r->objectives_met, r->objectives_total);
    if (d->r2 && r->sprs_valid)
        mm_buf_printf(&desc, " SPRS score %d (DoD Assessment Methodology v1.2.1).", r->sprs);
    if (d->r2)
        mm_buf_printf(&desc, " CMMC Level 2: %s.", mm_cmmc_level2_status_name(&r->cmmc2));
    put_str(d, res, "description", mm_buf_cstr(&desc));
    mm_buf_free(&desc);
    put_str(d, res, "start", d->ts);
    put_arr(res, "props", result_props(d));

    json_t *rc_ = obj(d);
    put_str(d, rc_, "description",
            mm_arena_printf(d->ar, "Every requirement of %s that is not withdrawn.", d->fw_label));
    json_t *sels = arr(d);
    json_t *sel = obj(d);
    json_t *inc = arr(d);
    for (size_t i = 0; i < cat->nrequirements; i++) {
        if (cat->requirements[i].withdrawn)
            continue;
        json_t *c = obj(d);
        put_str(d, c, "control-id", control_id(d, &cat->requirements[i]));
        push(inc, c);
    }
    put(sel, "include-controls", inc);
    push(sels, sel);
    put(rc_, "control-selections", sels);
    json_t *osels = arr(d);
    json_t *osel = obj(d);
    put(osel, "include-all", obj(d));
    push(osels, osel);
    put(rc_, "control-objective-selections", osels);
    put(res, "reviewed-controls", rc_);

    json_t *observations = arr(d), *findings = arr(d);
    for (size_t i = 0; i < cat->nrequirements; i++)
        if (!cat->requirements[i].withdrawn)
            ar_requirement(d, i, observations, findings);
    put_arr(res, "observations", observations);
    put_arr(res, "findings", findings);
    if (r->nwarnings) {
        mm_buf w = MM_BUF_INIT;
        mm_buf_puts(&w, "Warnings of the evaluation:");
        for (size_t i = 0; i < r->nwarnings; i++)
            mm_buf_printf(&w, "\n- %s", r->warnings[i]);
        put_str(d, res, "remarks", mm_buf_cstr(&w));
        mm_buf_free(&w);
    }
    push(results, res);
    put(ar, "results", results);
    put(root, "assessment-results", ar);
    return doc_finish(d, b, root, "oscal-ar");
}
