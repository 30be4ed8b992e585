/* mamori serve: the domain actions on accounts, sessions, tokens and signing keys. Both faces
 * call them: the API's handlers (api_account.c) and the dashboard's pages (web_login.c,
 * web_account.c) are thin adapters that read their input (a JSON body, a form), call one
 * action and write its result or failure in their own way. Each action returns MM_OK or an
 * mm_error and, on failure, fills an act_fail saying what kind of failure it was. */
#ifndef MAMORI_SERVER_ACCOUNT_H
#define MAMORI_SERVER_ACCOUNT_H

#include <stdint.h>

#include "server/internal.h"

/* ---- sessions and passwords -------------------------------------------------------------- */

typedef struct login_result {
    principal who;
    char csrf[65];
    char cookie[256]; /* the Set-Cookie value of the new session */
    char expires[32];
} login_result;

/* Checks login and password under the lockout policy (failures counted and audited, the
 * account locked after too many) and makes a session. */
int auth_login(http_req *r, const char *login, const char *password, login_result *res,
               act_fail *f);

/* The same check for HTTP Basic credentials (TAXII, taxii_edge.c): no session; r->who is
 * filled when login and password are right. A good password clears earlier failures. */
int auth_basic(http_req *r, const char *login, const char *password, act_fail *f);

/* Ends the request's session (audited); *cookie gets the Set-Cookie value that clears it. */
int auth_logout(http_req *r, const char **cookie, act_fail *f);

typedef struct password_result {
    char csrf[65];    /* of the new session ("" for a token request) */
    char cookie[256]; /* its Set-Cookie value ("" for a token request) */
} password_result;

/* Changes the requester's password after checking the current one; ends its other sessions
 * and, for a session request, makes a new one. */
int password_change(http_req *r, const char *current, const char *new_password,
                    password_result *res, act_fail *f);

/* ---- API tokens --------------------------------------------------------------------------- */

typedef struct token_result {
    int64_t id;
    char token[128]; /* shown once */
    char expires[32];
} token_result;

/* A token for the requester, valid for days days (1 to 366). Wipe res->token after use. */
int token_create(http_req *r, const char *name, long days, token_result *res, act_fail *f);
/* Revokes the requester's token id (text, from a path); *id gets its number. */
int token_revoke(http_req *r, const char *id_text, long long *id, act_fail *f);

/* ---- signing keys --------------------------------------------------------------------------- */

typedef struct key_input {
    const char *kind; /* "mamori-ed25519-public" */
    const char *public_key;
    const char *key_id; /* NULL, or the id the file gives, checked */
    const char *label;  /* NULL or "" for none */
} key_input;

typedef struct key_result {
    int64_t id;
    char key_id[17];
} key_result;

/* Registers a public key for org_id. */
int key_add(http_req *r, const char *org_id, const key_input *in, key_result *res, act_fail *f);
/* Revokes org_id's key id (text, from a path); *id gets its number. */
int key_revoke(http_req *r, const char *org_id, const char *id_text, long long *id, act_fail *f);

#endif
