/*
 * The incident report file (docs/incidents.md, schemas/incident.schema.json): parsing,
 * validation and the canonical JSON form. Every error names the file and the JSON path of
 * the offending value ("report.json: $.functional_impact: ...").
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "mamori/error.h"
#include "mamori/incident.h"
#include "util/json.h"
#include "util/util.h"

#define TEXT_MAX      1024         /* a short member: a name, a contact, a level */
#define NARRATIVE_MAX (64u * 1024) /* narrative and additional information */
#define LIST_MAX      256          /* items in any list */

struct mm_incident_owner {
    mm_incident inc; /* first: the public struct */
    mm_arena *arena;
};

/* The CISA categories (tlp-stix.json: cisa_incident_notification_2017), canonical. */
static const char *const functional_impacts[] = {"NO IMPACT",
                                                 "NO IMPACT TO SERVICES",
                                                 "MINIMAL IMPACT TO NON-CRITICAL SERVICES",
                                                 "MINIMAL IMPACT TO CRITICAL SERVICES",
                                                 "SIGNIFICANT IMPACT TO NON-CRITICAL SERVICES",
                                                 "DENIAL OF NON-CRITICAL SERVICES",
                                                 "SIGNIFICANT IMPACT TO CRITICAL SERVICES",
                                                 "DENIAL OF CRITICAL SERVICES/LOSS OF CONTROL",
                                                 NULL};
static const char *const information_impacts[] = {"NO IMPACT",
                                                  "SUSPECTED BUT NOT IDENTIFIED",
                                                  "PRIVACY DATA BREACH",
                                                  "PROPRIETARY INFORMATION BREACH",
                                                  "DESTRUCTION OF NON-CRITICAL SYSTEMS",
                                                  "CRITICAL SYSTEMS DATA BREACH",
                                                  "CORE CREDENTIAL COMPROMISE",
                                                  "DESTRUCTION OF CRITICAL SYSTEM",
                                                  NULL};
static const char *const recoverabilities[] = {"REGULAR", "SUPPLEMENTED", "EXTENDED",
                                               "NOT RECOVERABLE", NULL};
static const char *const attack_vectors[] = {"Unknown",
                                             "Attrition",
                                             "Web",
                                             "Email/Phishing",
                                             "External/Removable Media",
                                             "Impersonation/Spoofing",
                                             "Improper Usage",
                                             "Loss or Theft of Equipment",
                                             "Other",
                                             NULL};
static const char *const tlp_labels[] = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED", NULL};
static const char *const report_types[] = {"initial", "follow-on", "voluntary", NULL};

typedef enum kind { K_TEXT, K_LONG, K_CAGE, K_UEI, K_NUMBER } kind;

/* The plain string members, in the order of the canonical form. */
typedef struct str_member {
    const char *key;
    size_t off;
    kind kind;
    bool required;
} str_member;

#define S(key, field, kind, req)                                                                   \
    {                                                                                              \
        key, offsetof(mm_incident, field), kind, req                                               \
    }
static const str_member str_members[] = {
    S("company_name", company_name, K_TEXT, true),
    S("company_poc", company_poc, K_TEXT, true),
    S("uei", uei, K_UEI, false),
    S("contracting_officer", contracting_officer, K_TEXT, false),
    S("program_manager", program_manager, K_TEXT, false),
    S("contract_clearance_level", contract_clearance_level, K_TEXT, false),
    S("facility_cage_code", facility_cage_code, K_CAGE, false),
    S("facility_clearance_level", facility_clearance_level, K_TEXT, false),
    S("cdi_impact", cdi_impact, K_LONG, false),
    S("operational_support_impact", operational_support_impact, K_LONG, false),
    S("incident_location_cage_code", incident_location_cage_code, K_CAGE, false),
    S("type_of_compromise", type_of_compromise, K_TEXT, false),
    S("technique", technique, K_LONG, false),
    S("outcome", outcome, K_LONG, false),
    S("narrative", narrative, K_LONG, true),
    S("additional_information", additional_information, K_LONG, false),
    S("sub_report_number", sub_report_number, K_NUMBER, false),
};
#undef S

/* The free-text lists (attack_vectors and requirements are checked apart). */
typedef struct list_member {
    const char *key;
    size_t off;
    bool required;
} list_member;

#define L(key, field, req)                                                                         \
    {                                                                                              \
        key, offsetof(mm_incident, field), req                                                     \
    }
static const list_member list_members[] = {
    L("contract_numbers", contract_numbers, true),
    L("locations_of_compromise", locations_of_compromise, false),
    L("programs_involved", programs_involved, false),
    L("affected_systems", affected_systems, false),
};
#undef L

/* Every member a file may have; anything else is refused (a misspelt key must not vanish). */
static const char *const other_members[] = {
    "$schema",
    "report_type",
    "initial_report",
    "discovered",
    "time_zone",
    "tlp",
    "functional_impact",
    "information_impact",
    "recoverability",
    "attack_vectors",
    "requirements",
    "discovered_utc", /* in the canonical form; checked against discovered */
    NULL};

typedef struct parser {
    const char *name;
    const mm_catalog *r3, *r2;
    mm_arena *arena;
    mm_incident *inc;
} parser;

static int fail(const parser *p, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(const parser *p, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = mm_json_vfail(p->name, path, fmt, ap);
    va_end(ap);
    return rc;
}

/* True for text without control characters (tab and newline allowed when multiline). */
static bool clean(const char *s, bool multiline)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f)
            return false;
    }
    return true;
}

/* A string member: absent and null give NULL; "" counts as absent. */
static int get_str(const parser *p, const json_t *doc, const char *key, kind k, bool required,
                   const char **out)
{
    char path[96];
    snprintf(path, sizeof path, "$.%s", key);
    json_t *v = json_object_get(doc, key);
    *out = NULL;
    if (v && !json_is_null(v) && !json_is_string(v))
        return fail(p, path, "must be a string, found %s", mm_json_type_name(v));
    const char *s = v ? json_string_value(v) : NULL;
    if (!s || !s[0]) {
        if (required)
            return fail(p, path, "required: %s", v ? "must not be empty" : "missing");
        return MM_OK;
    }
    size_t n = json_string_length(v);
    size_t max = k == K_LONG ? NARRATIVE_MAX : k == K_NUMBER ? MM_INCIDENT_NUMBER_MAX : TEXT_MAX;
    if (n != strlen(s))
        return fail(p, path, "must not contain NUL characters");
    if (n > max)
        return fail(p, path, "longer than %zu bytes (%zu)", max, n);
    if (!clean(s, k == K_LONG))
        return fail(p, path, "must not contain control characters%s",
                    k == K_LONG ? " (other than newlines and tabs)" : "");
    if (k == K_CAGE && !mm_is_code(s, 5, false))
        return fail(p, path, "a CAGE code is 5 characters, digits and capital letters: \"%s\"", s);
    if (k == K_UEI && !mm_is_code(s, 12, false))
        return fail(p, path, "a UEI is 12 characters, digits and capital letters: \"%s\"", s);
    if (k == K_NUMBER)
        for (const char *c = s; *c; c++)
            if (*c == ' ')
                return fail(p, path, "a report number has no spaces: \"%s\"", s);
    *out = mm_arena_strdup(p->arena, s);
    return *out ? MM_OK : MM_ENOMEM;
}

/* One of a fixed list, matched without regard to case; *out is the canonical spelling. */
static const char *one_of(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (strcasecmp(list[i], s) == 0)
            return list[i];
    return NULL;
}

static int choices(const parser *p, const char *path, const char *const *list, const char *s)
{
    char all[1024] = "";
    size_t n = 0;
    for (size_t i = 0; list[i] && n < sizeof all - 1; i++)
        n += (size_t)snprintf(all + n, sizeof all - n, "%s\"%s\"", i ? ", " : "", list[i]);
    return fail(p, path, "\"%.200s\" is not one of %s", s, all);
}

static int get_choice(const parser *p, const json_t *doc, const char *key, const char *const *list,
                      bool required, const char **out)
{
    const char *s;
    int rc = get_str(p, doc, key, K_TEXT, required, &s);
    if (rc || !s) {
        *out = NULL;
        return rc;
    }
    char path[96];
    snprintf(path, sizeof path, "$.%s", key);
    if (!(*out = one_of(list, s)))
        return choices(p, path, list, s);
    return MM_OK;
}

/* An array of non-empty strings (a single string is taken as a list of one). */
static int get_list(const parser *p, const json_t *doc, const char *key, bool required,
                    mm_incident_list *out)
{
    char path[96];
    snprintf(path, sizeof path, "$.%s", key);
    json_t *v = json_object_get(doc, key);
    out->items = NULL;
    out->n = 0;
    if (!v || json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0)) {
        if (required)
            return fail(p, path, "required: %s", v ? "must not be empty" : "missing");
        return MM_OK;
    }
    if (!json_is_array(v) && !json_is_string(v))
        return fail(p, path, "must be an array of strings, found %s", mm_json_type_name(v));
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if (n > LIST_MAX)
        return fail(p, path, "more than %d items (%zu)", LIST_MAX, n);
    out->items = mm_arena_calloc(p->arena, n + 1, sizeof(char *));
    if (!out->items)
        return MM_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
        if (json_is_array(v))
            snprintf(path, sizeof path, "$.%s[%zu]", key, i);
        if (!json_is_string(e))
            return fail(p, path, "must be a string, found %s", mm_json_type_name(e));
        const char *s = json_string_value(e);
        if (!s[0])
            return fail(p, path, "must not be empty");
        if (json_string_length(e) != strlen(s) || json_string_length(e) > TEXT_MAX)
            return fail(p, path, "must be at most %d bytes, without NUL characters", TEXT_MAX);
        if (!clean(s, false))
            return fail(p, path, "must not contain control characters");
        for (size_t j = 0; j < out->n; j++)
            if (strcmp(out->items[j], s) == 0)
                return fail(p, path, "\"%.200s\" is listed twice", s);
        if (!(out->items[out->n++] = mm_arena_strdup(p->arena, s)))
            return MM_ENOMEM;
    }
    return MM_OK;
}

static int check_attack_vectors(const parser *p, mm_incident_list *l)
{
    char path[96];
    for (size_t i = 0; i < l->n; i++) {
        snprintf(path, sizeof path, "$.attack_vectors[%zu]", i);
        const char *c = one_of(attack_vectors, l->items[i]);
        if (!c)
            return choices(p, path, attack_vectors, l->items[i]);
        for (size_t j = 0; j < i; j++)
            if (l->items[j] == c)
                return fail(p, path, "\"%s\" is listed twice", c);
        l->items[i] = c;
    }
    return MM_OK;
}

static int check_requirements(const parser *p, mm_incident_list *l)
{
    char path[96];
    for (size_t i = 0; i < l->n; i++) {
        snprintf(path, sizeof path, "$.requirements[%zu]", i);
        const mm_requirement *r = p->r3 ? mm_catalog_requirement(p->r3, l->items[i]) : NULL;
        if (!r && p->r2)
            r = mm_catalog_requirement(p->r2, l->items[i]);
        if (!r)
            return fail(p, path,
                        "\"%.100s\" is not an SP 800-171 requirement (Rev 3 \"03.01.01\" or Rev 2 "
                        "\"3.1.1\")",
                        l->items[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->items[j], r->id) == 0)
                return fail(p, path, "\"%s\" is listed twice", r->id);
        if (!(l->items[i] = mm_arena_strdup(p->arena, r->id)))
            return MM_ENOMEM;
    }
    return MM_OK;
}

static int parse_times(const parser *p, const json_t *doc, mm_incident *inc)
{
    const char *s;
    int rc = get_str(p, doc, "discovered", K_TEXT, true, &s);
    if (rc)
        return rc;
    if (mm_incident_parse_time(&inc->discovered, &inc->discovered_offset, s) != MM_OK) {
        char why[300];
        snprintf(why, sizeof why, "%s", mm_error_last());
        return fail(p, "$.discovered", "\"%.64s\": %s", s, why);
    }
    rc = get_str(p, doc, "time_zone", K_TEXT, false, &inc->time_zone);
    if (rc || !inc->time_zone)
        goto utc;
    int off;
    rc = mm_incident_zone_offset(&off, inc->time_zone, inc->discovered);
    if (rc == MM_ENOMEM)
        return rc;
    if (rc) {
        char why[300];
        snprintf(why, sizeof why, "%s", mm_error_last());
        return fail(p, "$.time_zone", "%s", why);
    }
    if (off != inc->discovered_offset) {
        char shown[MM_INCIDENT_TIME_TEXT_BYTES];
        mm_incident_format_time(shown, inc->discovered, off);
        return fail(p, "$.discovered",
                    "\"%.64s\" has the offset %+03d:%02d, but %s was at %+03d:%02d then (%s)", s,
                    inc->discovered_offset / 3600, abs(inc->discovered_offset) % 3600 / 60,
                    inc->time_zone, off / 3600, abs(off) % 3600 / 60, shown);
    }
utc:;
    /* The canonical form carries discovered_utc; when present it must agree. */
    const char *u;
    rc = get_str(p, doc, "discovered_utc", K_TEXT, false, &u);
    if (rc || !u)
        return rc;
    long long t;
    int uoff;
    if (mm_incident_parse_time(&t, &uoff, u) != MM_OK || t != inc->discovered)
        return fail(p, "$.discovered_utc", "\"%.64s\" is not the instant of $.discovered", u);
    return MM_OK;
}

static int parse_doc(parser *p, const json_t *doc)
{
    mm_incident *inc = p->inc;
    if (!json_is_object(doc))
        return fail(p, "$", "an incident report is a JSON object, found %s",
                    mm_json_type_name(doc));
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)doc, key, v)
    {
        bool known = false;
        for (size_t i = 0; other_members[i] && !known; i++)
            known = strcmp(key, other_members[i]) == 0;
        for (size_t i = 0; i < sizeof str_members / sizeof str_members[0] && !known; i++)
            known = strcmp(key, str_members[i].key) == 0;
        for (size_t i = 0; i < sizeof list_members / sizeof list_members[0] && !known; i++)
            known = strcmp(key, list_members[i].key) == 0;
        if (!known)
            return fail(p, "$", "unknown member \"%.100s\" (see docs/incidents.md)", key);
    }

    const char *t;
    int rc = get_choice(p, doc, "report_type", report_types, true, &t);
    if (rc)
        return rc;
    inc->type = strcmp(t, "initial") == 0     ? MM_INCIDENT_INITIAL
                : strcmp(t, "follow-on") == 0 ? MM_INCIDENT_FOLLOW_ON
                                              : MM_INCIDENT_VOLUNTARY;
    if ((rc = get_str(p, doc, "initial_report", K_NUMBER, false, &inc->initial_report)))
        return rc;
    if (inc->type == MM_INCIDENT_FOLLOW_ON && !inc->initial_report)
        return fail(p, "$.initial_report",
                    "required for a follow-on report: the number of the initial report");
    if (inc->type != MM_INCIDENT_FOLLOW_ON && inc->initial_report)
        return fail(p, "$.initial_report", "only a follow-on report names an initial report");
    if ((rc = parse_times(p, doc, inc)))
        return rc;
    if ((rc = get_choice(p, doc, "tlp", tlp_labels, false, &inc->tlp)))
        return rc;
    if (!inc->tlp)
        inc->tlp = MM_INCIDENT_DEFAULT_TLP;
    /* need-to-know (docs/incidents.md): a report never goes wider than the reporter and the
     * authority */
    if (strcmp(inc->tlp, "AMBER+STRICT") != 0 && strcmp(inc->tlp, "RED") != 0)
        return fail(p, "$.tlp",
                    "an incident report is AMBER+STRICT (the reporter and the authority) or RED, "
                    "never %s: the authority publishes a sanitised advisory as a separate item",
                    inc->tlp);

    for (size_t i = 0; i < sizeof str_members / sizeof str_members[0]; i++) {
        const str_member *m = &str_members[i];
        if ((rc = get_str(p, doc, m->key, m->kind, m->required,
                          (const char **)((char *)inc + m->off))))
            return rc;
    }
    for (size_t i = 0; i < sizeof list_members / sizeof list_members[0]; i++) {
        const list_member *m = &list_members[i];
        if ((rc =
                 get_list(p, doc, m->key, m->required, (mm_incident_list *)((char *)inc + m->off))))
            return rc;
    }
    if ((rc = get_choice(p, doc, "functional_impact", functional_impacts, true,
                         &inc->functional_impact)) ||
        (rc = get_choice(p, doc, "information_impact", information_impacts, true,
                         &inc->information_impact)) ||
        (rc = get_choice(p, doc, "recoverability", recoverabilities, true, &inc->recoverability)))
        return rc;
    if ((rc = get_list(p, doc, "attack_vectors", true, &inc->attack_vectors)) ||
        (rc = check_attack_vectors(p, &inc->attack_vectors)))
        return rc;
    if ((rc = get_list(p, doc, "requirements", false, &inc->requirements)) ||
        (rc = check_requirements(p, &inc->requirements)))
        return rc;
    return MM_OK;
}

int mm_incident_parse(mm_incident **out, const char *data, size_t len, const char *name,
                      const mm_catalog *r3, const mm_catalog *r2)
{
    *out = NULL;
    if (!name)
        name = "incident";
    if (len > MM_INCIDENT_MAX_BYTES) {
        mm_error_set("%s: larger than %u bytes", name, MM_INCIDENT_MAX_BYTES);
        return MM_ETOOBIG;
    }
    json_t *doc;
    int lrc = mm_json_load(&doc, data, len, name, 0);
    if (lrc)
        return lrc;
    struct mm_incident_owner *o = calloc(1, sizeof *o);
    int rc = MM_ENOMEM;
    if (!o || !(o->arena = mm_arena_new()))
        goto done;
    parser p = {name, r3, r2, o->arena, &o->inc};
    rc = parse_doc(&p, doc);
    if (rc == MM_OK && mm_arena_failed(o->arena))
        rc = MM_ENOMEM;
done:
    json_decref(doc);
    if (rc == MM_ENOMEM)
        mm_error_set("%s: out of memory", name);
    if (rc) {
        mm_incident_free(o ? &o->inc : NULL);
        return rc;
    }
    *out = &o->inc;
    return MM_OK;
}

int mm_incident_check_discovered(const mm_incident *inc, long long now, const char *name)
{
    if (inc->discovered <= now + MM_INCIDENT_CLOCK_SKEW)
        return MM_OK;
    char when[MM_INCIDENT_TIME_TEXT_BYTES], at[MM_INCIDENT_TIME_TEXT_BYTES];
    mm_incident_format_time(when, inc->discovered, inc->discovered_offset);
    mm_incident_format_time(at, now, inc->discovered_offset);
    mm_error_set("%s: $.discovered: %s is more than %d minutes after now (%s): an incident "
                 "cannot be discovered in the future (check the time and its offset)",
                 name, when, MM_INCIDENT_CLOCK_SKEW / 60, at);
    return MM_EINVALID;
}

int mm_incident_load(mm_incident **out, const char *path, const mm_catalog *r3,
                     const mm_catalog *r2)
{
    *out = NULL;
    char *data = NULL;
    size_t len = 0;
    int rc = mm_file_read(&data, &len, path, MM_INCIDENT_MAX_BYTES);
    if (rc)
        return rc;
    rc = mm_incident_parse(out, data, len, path, r3, r2);
    free(data);
    return rc;
}

void mm_incident_free(mm_incident *inc)
{
    if (!inc)
        return;
    struct mm_incident_owner *o = (struct mm_incident_owner *)inc;
    mm_arena_free(o->arena);
    free(o);
}

const char *mm_incident_type_name(mm_incident_type t)
{
    return t == MM_INCIDENT_FOLLOW_ON   ? "follow-on"
           : t == MM_INCIDENT_VOLUNTARY ? "voluntary"
                                        : "initial";
}

static int set_list(json_t *doc, const char *key, const mm_incident_list *l)
{
    if (l->n == 0)
        return 0;
    json_t *a = json_array();
    if (!a)
        return -1;
    for (size_t i = 0; i < l->n; i++)
        if (json_array_append_new(a, json_string(l->items[i])) != 0) {
            json_decref(a);
            return -1;
        }
    return json_object_set_new(doc, key, a);
}

int mm_incident_to_json(char **out, const mm_incident *inc)
{
    *out = NULL;
    char disc[MM_INCIDENT_TIME_TEXT_BYTES], utc[MM_INCIDENT_TIME_TEXT_BYTES];
    mm_incident_format_time(disc, inc->discovered, inc->discovered_offset);
    mm_incident_format_time(utc, inc->discovered, 0);
    json_t *doc = json_object();
    int bad = !doc;
    bad = bad ||
          json_object_set_new(doc, "report_type", json_string(mm_incident_type_name(inc->type)));
    if (inc->initial_report)
        bad = bad || json_object_set_new(doc, "initial_report", json_string(inc->initial_report));
    bad = bad || json_object_set_new(doc, "discovered", json_string(disc));
    bad = bad || json_object_set_new(doc, "discovered_utc", json_string(utc));
    if (inc->time_zone)
        bad = bad || json_object_set_new(doc, "time_zone", json_string(inc->time_zone));
    bad = bad || json_object_set_new(doc, "tlp", json_string(inc->tlp));
    for (size_t i = 0; i < sizeof str_members / sizeof str_members[0]; i++) {
        const char *s = *(const char *const *)((const char *)inc + str_members[i].off);
        if (s)
            bad = bad || json_object_set_new(doc, str_members[i].key, json_string(s));
    }
    for (size_t i = 0; i < sizeof list_members / sizeof list_members[0]; i++)
        bad = bad || set_list(doc, list_members[i].key,
                              (const mm_incident_list *)((const char *)inc + list_members[i].off));
    bad = bad || json_object_set_new(doc, "functional_impact", json_string(inc->functional_impact));
    bad =
        bad || json_object_set_new(doc, "information_impact", json_string(inc->information_impact));
    bad = bad || json_object_set_new(doc, "recoverability", json_string(inc->recoverability));
    bad = bad || set_list(doc, "attack_vectors", &inc->attack_vectors);
    bad = bad || set_list(doc, "requirements", &inc->requirements);
    char *text = bad ? NULL : json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (!text) {
        mm_error_set("out of memory");
        return MM_ENOMEM;
    }
    *out = text;
    return MM_OK;
}
