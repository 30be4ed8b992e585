/* mamori serve: request bodies. Each JSON body is checked against a small table of the
 * members it may have (no others), their types and lengths, before any handler reads it. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/error.h"
#include "server/bodies.h"
#include "util/json.h"

const body_field body_login[] = {
    {"login", BODY_STRING, true, 1, 128},
    {"password", BODY_STRING, true, 1, 1024},
    {NULL, 0, false, 0, 0},
};
const body_field body_password[] = {
    {"current", BODY_STRING, true, 1, 1024},
    {"new", BODY_STRING, true, 12, 1024},
    {NULL, 0, false, 0, 0},
};
const body_field body_token[] = {
    {"name", BODY_STRING, true, 1, 100},
    {"expires_days", BODY_INTEGER, false, 1, 366},
    {NULL, 0, false, 0, 0},
};
const body_field body_org[] = {
    {"name", BODY_STRING, true, 1, 200},
    {"kind", BODY_STRING, false, 1, 20},
    {"identifiers", BODY_OBJECT, false, 0, 20},
    {"parent_id", BODY_STRING, false, 1, 64},
    {NULL, 0, false, 0, 0},
};
const body_field body_user[] = {
    {"login", BODY_STRING, true, 1, 128},
    {"role", BODY_STRING, true, 1, 32},
    {NULL, 0, false, 0, 0},
};
const body_field body_consent[] = {
    {"prime_may_see_status", BODY_BOOL, true, 0, 0},
    {NULL, 0, false, 0, 0},
};
const body_field body_community[] = {
    {"name", BODY_STRING, true, 1, 100},
    {"description", BODY_STRING, false, 0, 2000},
    {NULL, 0, false, 0, 0},
};
const body_field body_member[] = {
    {"org_id", BODY_STRING, true, 1, 64},
    {NULL, 0, false, 0, 0},
};
/* schema 10: clearances, the policy table, need-to-know groups (clearance_api.c) */
const body_field body_clearance[] = {
    {"login", BODY_STRING, false, 1, 128},
    {"org_id", BODY_STRING, false, 1, 64},
    {"regime", BODY_STRING, true, 1, 64},
    {"level", BODY_STRING, true, 1, 64},
    {"granting_body", BODY_STRING, true, 1, 200},
    {"granted", BODY_STRING, true, 10, 10},
    {"expires", BODY_STRING, false, 10, 10},
    {"evidence", BODY_STRING, true, 1, 500},
    {NULL, 0, false, 0, 0},
};
const body_field body_policy[] = {
    {"held_regime", BODY_STRING, true, 1, 64},     {"held_level", BODY_STRING, true, 1, 64},
    {"required_regime", BODY_STRING, true, 1, 64}, {"required_level", BODY_STRING, true, 1, 64},
    {"source", BODY_STRING, true, 1, 1000},        {NULL, 0, false, 0, 0},
};
const body_field body_ntk_group[] = {
    {"id", BODY_STRING, true, 1, 64},
    {"name", BODY_STRING, true, 1, 100},
    {"owner_org", BODY_STRING, true, 1, 64},
    {"hide_members", BODY_BOOL, false, 0, 0},
    {NULL, 0, false, 0, 0},
};
const body_field body_ntk_member[] = {
    {"login", BODY_STRING, true, 1, 128},
    {"manager", BODY_BOOL, false, 0, 0},
    {NULL, 0, false, 0, 0},
};
const body_field body_key[] = {
    {"kind", BODY_STRING, true, 1, 64},
    {"public_key", BODY_STRING, true, 44, 44},
    {"key_id", BODY_STRING, false, 16, 16},
    {"org", BODY_STRING, false, 0, 200},
    {"created", BODY_STRING, false, 0, 40},
    {"label", BODY_STRING, false, 0, 200},
    {NULL, 0, false, 0, 0},
};
/* the supply chain (supply_api.c) */
const body_field body_supply_consent[] = {
    {"see_status", BODY_BOOL, true, 0, 0},
    {"pass_up", BODY_BOOL, false, 0, 0},
    {NULL, 0, false, 0, 0},
};
const body_field body_clause_statement[] = {
    {"text", BODY_STRING, true, 1, 4000},
    {"check", BODY_STRING, false, 1, 40},
    {NULL, 0, false, 0, 0},
};
const body_field body_org_profile[] = {
    {"sector", BODY_STRING, false, 1, 100},
    {"country", BODY_STRING, false, 2, 2},
    {NULL, 0, false, 0, 0},
};

static const char *type_name(body_type t)
{
    switch (t) {
    case BODY_STRING:
        return "a string";
    case BODY_INTEGER:
        return "an integer";
    case BODY_BOOL:
        return "true or false";
    case BODY_OBJECT:
        return "an object";
    }
    return "?";
}

/* Characters in a UTF-8 string (jansson has checked it is valid UTF-8). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* A string member's rules: no control characters, min to max characters. */
static int string_check(const body_field *f, const char *s, char *msg, size_t size)
{
    size_t n = utf8_chars(s);
    if (has_control(s)) {
        snprintf(msg, size, "$.%s: control characters are not allowed", f->name);
        return -1;
    }
    if ((long long)n < f->min || (long long)n > f->max) {
        snprintf(msg, size, "$.%s: expected %lld to %lld characters, got %zu", f->name, f->min,
                 f->max, n);
        return -1;
    }
    return 0;
}

static int integer_check(const body_field *f, long long v, char *msg, size_t size)
{
    if (v < f->min || v > f->max) {
        snprintf(msg, size, "$.%s: expected %lld to %lld", f->name, f->min, f->max);
        return -1;
    }
    return 0;
}

int mm_body_check_value(const body_field *fields, const char *name, const char *value, char *msg,
                        size_t size)
{
    const body_field *f = fields;
    while (f->name && strcmp(f->name, name) != 0)
        f++;
    if (!f->name || (f->type != BODY_STRING && f->type != BODY_INTEGER)) {
        snprintf(msg, size, "$.%.64s: unknown member", name);
        return -1;
    }
    if (!value || !value[0]) {
        if (f->required) {
            snprintf(msg, size, "$.%s: required", f->name);
            return -1;
        }
        return 0;
    }
    if (f->type == BODY_STRING)
        return string_check(f, value, msg, size);
    char *end = NULL;
    long long v = strtoll(value, &end, 10);
    if (*end) {
        snprintf(msg, size, "$.%s: expected an integer", f->name);
        return -1;
    }
    return integer_check(f, v, msg, size);
}

int mm_body_check(const json_t *body, const body_field *fields, char *msg, size_t size)
{
    if (!json_is_object(body)) {
        snprintf(msg, size, "$: expected a JSON object");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        const body_field *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (!f->name) {
            snprintf(msg, size, "$.%.64s: unknown member", key);
            return -1;
        }
    }
    for (const body_field *f = fields; f->name; f++) {
        json_t *m = json_object_get(body, f->name);
        if (!m || json_is_null(m)) {
            if (f->required) {
                snprintf(msg, size, "$.%s: required", f->name);
                return -1;
            }
            continue;
        }
        bool ok = false;
        switch (f->type) {
        case BODY_STRING:
            ok = json_is_string(m);
            if (ok && json_string_length(m) != strlen(json_string_value(m))) {
                snprintf(msg, size, "$.%s: control characters are not allowed", f->name);
                return -1;
            }
            if (ok && string_check(f, json_string_value(m), msg, size) != 0)
                return -1;
            break;
        case BODY_INTEGER:
            ok = json_is_integer(m);
            if (ok && integer_check(f, json_integer_value(m), msg, size) != 0)
                return -1;
            break;
        case BODY_BOOL:
            ok = json_is_boolean(m);
            break;
        case BODY_OBJECT:
            ok = json_is_object(m);
            if (ok && (long long)json_object_size(m) > f->max) {
                snprintf(msg, size, "$.%s: at most %lld members", f->name, f->max);
                return -1;
            }
            if (ok) {
                const char *k2;
                json_t *v2;
                json_object_foreach(m, k2, v2)
                {
                    if (!json_is_string(v2) || json_string_length(v2) > 200 || strlen(k2) > 64 ||
                        has_control(json_string_value(v2))) {
                        snprintf(msg, size,
                                 "$.%s.%.64s: expected a string of at most 200 characters", f->name,
                                 k2);
                        return -1;
                    }
                }
            }
            break;
        }
        if (!ok) {
            snprintf(msg, size, "$.%s: expected %s", f->name, type_name(f->type));
            return -1;
        }
    }
    return 0;
}

json_t *mm_body_parse(const char *data, size_t len, char *msg, size_t size)
{
    json_t *j = NULL;
    if (mm_json_load(&j, data, len, "body", 0) != MM_OK) {
        snprintf(msg, size, "%s", mm_error_last());
        return NULL;
    }
    return j;
}
