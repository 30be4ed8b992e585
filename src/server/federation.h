/* mamori serve: federation between authorities over TAXII 2.1 (federation.c,
 * docs/taxii.md "Federation"). */
#ifndef MAMORI_SERVER_FEDERATION_H
#define MAMORI_SERVER_FEDERATION_H

#include "server/internal.h"

/* Reads and checks --peers FILE (NULL: no federation) into srv->fed, with the peers' token
 * files. MM_EINVALID (with "FILE: $.peers[0]...: ...") or the file's error. */
int federation_load(mm_server *srv, const char *path);
/* Starts the thread that runs the rounds of peers with an interval; stops and joins it. */
void federation_start(mm_server *srv);
void federation_stop(mm_server *srv);
void federation_free(mm_server *srv);
/* One round with every peer now (pull, then push): [{"peer", "pulled", "refused",
 * "pushed", "withheld", "errors", "error"?}]. */
json_t *federation_run(mm_server *srv);

/* POST /api/v1/federation/run */
void h_federation_run(http_req *r, reply *out);

#endif
