/* What `mamori submit` and `mamori receipt` share: the server's receipt key (pinned in a
 * file or fetched from the server) and the check of a receipt against it. */
#ifndef MM_CLI_RECEIPT_H
#define MM_CLI_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/http.h"
#include "mamori/submit.h"

#define CLI_SERVER_KEY_KIND "mamori-server-key"
/* what a submission id may be made of, here (the server's are UUIDs) */
#define CLI_SUBMISSION_ID_CHARS "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-._"

/* The server's receipt key into pub and key_id: from the file pinned (the answer of GET
 * /api/v1/server-key saved, whose "kind" must be CLI_SERVER_KEY_KIND: an organization's key
 * file is refused by name), else fetched from base/api/v1/server-key (with a note). When
 * both a pinned file and base are given, the server's key is fetched too and a pinned key
 * that is not the key the server presents is refused before anything is sent. Prints the
 * message; MM_EXIT_OK or MM_EXIT_USAGE. h may be NULL when base is NULL. */
int cli_server_key(unsigned char pub[MM_KEY_PUBLIC_BYTES], char key_id[17], cli_http *h,
                   const char *base, const char *pinned);

/* Checks the receipt doc (len bytes) against pub (whose id is key_id) and, when want_hash is
 * not NULL, that it is the receipt of the document with that canonical hash. Returns
 * MM_EXIT_OK (valid), MM_EXIT_FINDINGS (well-formed, not valid) or MM_EXIT_USAGE (not a
 * receipt); why gets the reason. sid (64 bytes) gets the submission id when the document
 * names one, even an invalid one, else "". */
int cli_receipt_check(char why[CLI_MESSAGE_MAX + 4], char sid[64], const char *doc, size_t len,
                      const unsigned char pub[MM_KEY_PUBLIC_BYTES], const char *key_id,
                      const char *want_hash);

/* "submission ID status S score N" of a valid receipt (for the one-line summaries). */
/* A receipt signed with a retired key (docs/operations.md, "Rotating the receipt key"): when
 * wanted_id (the receipt's server_key_id) is in the "retired" list of the saved server-key
 * file pinned, *pub and key_id become that key and true is returned; else they are left as
 * they are (the check then says the key is wrong). */
bool cli_server_key_retired(unsigned char pub[MM_KEY_PUBLIC_BYTES], char key_id[17],
                            const char *pinned, const char *wanted_id);

/* {"submission_id", "status", "score", "server_key_id"} of a receipt document (each null when
 * absent), the fields of --format json; a new reference, NULL when out of memory. */
json_t *cli_receipt_fields(const char *doc, size_t len);
void cli_receipt_summary(char out[CLI_MESSAGE_MAX + 4], const char *doc, size_t len);

#endif
