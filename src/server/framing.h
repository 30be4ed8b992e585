/* mamori serve: request framing (RFC 9112 sections 6.1 and 6.3) and the bytes of the request
 * target, checked on the first call of the access handler, before any body is accepted
 * (docs/api.md, "Request framing"). */
#ifndef MAMORI_SERVER_FRAMING_H
#define MAMORI_SERVER_FRAMING_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "server/internal.h"

/* true when the request's framing and target are acceptable. Else false with out filled as
 * the answer (400 bad_request or 501 not_implemented) and out->close set: the connection is
 * closed after it. url is the decoded path MHD passes to the access handler,
 * version its HTTP version. Reads only the connection's headers and query arguments. */
bool framing_ok(struct MHD_Connection *conn, const char *url, const char *version, reply *out);

/* Percent-decodes s in place as libmicrohttpd does (each "%XX" with two hex digits becomes
 * that byte, anything else is copied), except that "%00" becomes 0x7F (DEL): a NUL would cut
 * the C string MHD hands on short and hide the rest of the path from every check, while
 * DEL is refused like NUL by framing_ok. Returns the decoded length; s stays NUL-terminated
 * and holds no NUL before its end. */
size_t framing_percent_decode(char *s);

/* The MHD_OPTION_UNESCAPE_CALLBACK: framing_percent_decode for the path and each query
 * argument. */
size_t framing_unescape(void *cls, struct MHD_Connection *conn, char *s);

#endif
