/* mamori serve: TAXII 2.1 (taxii.c: the resources; taxii_edge.c: media types, Basic
 * credentials and error messages at the edge). docs/taxii.md. */
#ifndef MAMORI_SERVER_TAXII_H
#define MAMORI_SERVER_TAXII_H

#include "server/internal.h"

/* the route table's handlers (taxii.c) */
void h_taxii_discovery(http_req *r, reply *out);
void h_taxii_root(http_req *r, reply *out);
void h_taxii_status(http_req *r, reply *out);
void h_taxii_collections(http_req *r, reply *out);
void h_taxii_collection(http_req *r, reply *out);
void h_taxii_objects(http_req *r, reply *out);
void h_taxii_add(http_req *r, reply *out);
void h_taxii_object(http_req *r, reply *out);
void h_taxii_versions(http_req *r, reply *out);
void h_taxii_manifest(http_req *r, reply *out);

/* true for a path under /taxii2/ */
bool taxii_path(const char *url);
/* The media types of a TAXII request: Accept (406) and, for a POST, Content-Type (415).
 * false after filling out. */
bool taxii_media_ok(http_req *r, reply *out);
/* Credentials of a TAXII request: "Basic" (login and password through the logon check,
 * with its lockout: auth_basic) or whatever mm_auth_resolve takes. 0, or the status after
 * filling out. */
int taxii_auth(http_req *r, reply *out);
/* Rewrites an error answer into a TAXII error message (section 3.6.1) and sets the TAXII
 * media type on every answer; a 401 asks for Basic credentials. r may be NULL (an answer
 * given before the request is routed: a body over the limit, a malformed request). */
void taxii_finish(http_req *r, reply *out);

#endif
