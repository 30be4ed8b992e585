/* mamori serve: checking request bodies against the members each endpoint accepts. */
#ifndef MAMORI_SERVER_BODIES_H
#define MAMORI_SERVER_BODIES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum body_type { BODY_STRING, BODY_INTEGER, BODY_BOOL, BODY_OBJECT } body_type;

/* One member a body may have: for strings min/max are lengths in characters, for integers
 * the range, for objects max is the most members (each a short string). */
typedef struct body_field {
    const char *name;
    body_type type;
    bool required;
    long long min, max;
} body_field;

extern const body_field body_login[], body_password[], body_token[], body_org[], body_user[],
    body_consent[], body_key[], body_community[], body_member[];
/* schema 10 (clearance_api.c) */
extern const body_field body_clearance[], body_policy[], body_ntk_group[], body_ntk_member[];
/* the supply chain (supply_api.c) */
extern const body_field body_supply_consent[], body_clause_statement[], body_org_profile[];

/* Parses a request body as JSON (duplicate members refused). NULL with msg on error. */
json_t *mm_body_parse(const char *data, size_t len, char *msg, size_t size);

/* 0 when body is an object with only members of fields, of their types and sizes; else -1
 * with msg naming the member ("$.login: expected a string"). */
int mm_body_check(const json_t *body, const body_field *fields, char *msg, size_t size);

/* The same rules for one form field given as text: a string member's length and characters,
 * an integer member's range (the text must be a whole number). An empty value is a missing
 * one. 0, or -1 with msg. */
int mm_body_check_value(const body_field *fields, const char *name, const char *value, char *msg,
                        size_t size);

#endif
