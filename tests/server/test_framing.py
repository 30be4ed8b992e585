#!/usr/bin/env python3
"""Process-level test of request framing in `mamori serve` (docs/api.md, "Request framing";
RFC 9112 sections 6.1 and 6.3), at the socket level: raw bytes out, the status line and
whether the server closed the connection in.

- two Content-Length field lines (differing, identical, or 0 then N with a smuggled request
  behind) -> 400 and close; the list value "5, 5" -> 400 (libmicrohttpd's own) and close;
- whitespace between a field name and its colon -> 400 and close;
- Transfer-Encoding with Content-Length -> 400 and close;
- a transfer coding other than chunked alone ("gzip, chunked", "xchunked", two chunked field
  lines) -> 501 at once and close; chunked in HTTP/1.0 -> 400 and close;
- a control byte in the decoded path or query (%00, %01, %0a, %1f, %7f) -> 400 and close;
- nothing refused is stored (an organization POST and a signed submission POST);
- a keep-alive connection serves two requests, a correct chunked POST is stored and the
  connection stays open; percent-decoding of ordinary bytes still works (/health%7a).

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (as CMake sets them). Standard library only.
"""

import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

C = mm.Checker()

# No answer within this many seconds counts as none (the idle timeout is 30 s).
ANSWER_S = 5.0
# After an answer, the server closes within this many seconds, or it kept the connection.
CLOSE_S = 3.0


class Conn:
    """One raw TCP connection to the server."""

    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=ANSWER_S)
        self.buf = b""
        self.closed = False

    def send(self, data):
        self.s.sendall(data)

    def _more(self, timeout):
        self.s.settimeout(timeout)
        try:
            chunk = self.s.recv(65536)
        except socket.timeout:
            return None
        except (ConnectionResetError, BrokenPipeError):
            chunk = b""
        if not chunk:
            self.closed = True
        self.buf += chunk
        return chunk

    def response(self):
        """(status, headers dict lower-case, body) of the next response, or (None, {}, b"")
        when none came within ANSWER_S."""
        deadline = time.monotonic() + ANSWER_S
        while b"\r\n\r\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                return None, {}, b""
            if self._more(left) is None:
                return None, {}, b""
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        m = re.match(rb"HTTP/1\.[01] (\d{3}) ", lines[0] + b" ")
        status = int(m.group(1)) if m else None
        hdrs = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(b":")
            hdrs[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
        n = int(hdrs.get("content-length", "0") or 0)
        self.buf = rest
        while len(self.buf) < n and not self.closed:
            if self._more(max(deadline - time.monotonic(), 0.1)) is None:
                break
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, hdrs, body

    def is_closed(self, drain=False):
        """True when the server closes the connection (recv gives b'') within CLOSE_S and sent
        nothing more (drain: ignoring more bytes); False when it stays open (or sent more)."""
        if self.buf and not drain:
            return False
        deadline = time.monotonic() + CLOSE_S
        while not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            chunk = self._more(left)
            if chunk is None:
                return False
            if chunk and not drain:
                return False  # more bytes: a second answer (smuggled request) or garbage
        return True

    def close(self):
        self.s.close()


def req_bytes(method, path, headers, body=b"", version="HTTP/1.1"):
    lines = ["%s %s %s" % (method, path, version), "Host: 127.0.0.1"]
    lines += ["%s: %s" % kv for kv in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def chunked(body, size=7):
    out = b""
    for i in range(0, len(body), size):
        part = body[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


def ch_once(body):
    return chunked(body, max(len(body), 1))


def one(port, data, want, name, close=True, error_code=None, drain=False):
    """Sends data on a fresh connection; checks the status, that the connection is closed
    after the answer (close=True) and the error code. Returns (status, body)."""
    c = Conn(port)
    try:
        c.send(data)
        status, hdrs, body = c.response()
        C.check(status == want, "%s: %s" % (name, want), "got %s: %s" % (status, mm.short(body.decode("utf-8", "replace"))))
        if error_code:
            try:
                code = json.loads(body)["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = None
            C.check(code == error_code, "%s: code %s" % (name, error_code), body[:200].decode("utf-8", "replace"))
        if close:
            C.check(status is not None and c.is_closed(drain), "%s: the connection is closed after the answer" % name,
                    "headers %s" % hdrs)
            C.check(status is None or hdrs.get("connection", "").lower() == "close" or error_code is None,
                    "%s: Connection: close" % name, str(hdrs))
        return status, body
    finally:
        c.close()


def org_count(db):
    return mm.table_counts(db).get("organizations")


def sub_count(db):
    return mm.table_counts(db).get("submissions")


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    _, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, log).start()
    try:
        run(srv, db, otp, T)
        rc = srv.stop()
        C.check(rc == 0, "exit 0 after SIGTERM", "exit %s" % rc)
    finally:
        srv.kill()
    C.finish()


def run(srv, db, otp, T):
    port = srv.port
    root = mm.token_client(srv, mm.activate(srv, "root", otp), "framing")
    auth = ("Authorization", "Bearer " + root.token)
    jct = ("Content-Type", "application/json")

    # ---- what still works ----------------------------------------------------------------
    c = Conn(port)
    try:
        c.send(req_bytes("GET", "/healthz", []))
        s1, _, _ = c.response()
        c.send(req_bytes("GET", "/health%7a", []))
        s2, _, _ = c.response()
        C.check(s1 == 200 and s2 == 200, "keep-alive: two requests on one connection, both 200 "
                "(the second /health%7a: ordinary percent-decoding still works)", "%s %s" % (s1, s2))
        C.check(not c.is_closed(), "keep-alive: the connection stays open")
    finally:
        c.close()

    n = org_count(db)
    body = json.dumps({"name": "Chunked Works K.K."}).encode()
    c = Conn(port)
    try:
        c.send(req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Transfer-Encoding", "chunked")], chunked(body)))
        s, _, b = c.response()
        C.check(s == 201, "a correct chunked POST: 201", "%s %s" % (s, b[:200]))
        c.send(req_bytes("GET", "/healthz", []))
        s2, _, _ = c.response()
        C.check(s2 == 200 and not c.is_closed(), "after a chunked POST the connection serves another request")
    finally:
        c.close()
    C.check(org_count(db) == n + 1, "the chunked POST stored one organization")

    # ---- Content-Length --------------------------------------------------------------------
    n = org_count(db)
    body = json.dumps({"name": "Smuggled One K.K."}).encode()
    one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Content-Length", str(len(body))), ("Content-Length", "5")], body),
        400, "two differing Content-Length", error_code="bad_request")
    one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Content-Length", "5"), ("Content-Length", str(len(body)))], body),
        400, "two differing Content-Length (the body's length second)", error_code="bad_request")
    one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Content-Length", str(len(body))), ("Content-Length", str(len(body)))], body),
        400, "two identical Content-Length", error_code="bad_request")
    one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Content-Length", "%d, %d" % (len(body), len(body)))], body),
        400, "Content-Length as a list (\"N, N\", libmicrohttpd's own 400)", drain=True)
    # 0 then N: without the check the body would be read as a second request on the connection
    smuggled = req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Content-Length", str(len(body)))], body)
    one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Content-Length", "0"), ("Content-Length", str(len(smuggled)))], smuggled),
        400, "Content-Length 0 then N with a request as the body (no second answer)", error_code="bad_request")
    # whitespace before the colon: MHD keeps "Content-Length " as another field and would read
    # no body, so the body (a request) would be answered as the next one
    one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Content-Length ", str(len(smuggled)))], smuggled),
        400, "whitespace between Content-Length and the colon", error_code="bad_request")
    one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Transfer-Encoding\t", "chunked")], ch_once(smuggled)),
        400, "a tab between Transfer-Encoding and the colon", error_code="bad_request")
    C.check(org_count(db) == n, "nothing stored from the refused Content-Length requests",
            "%s -> %s" % (n, org_count(db)))

    # ---- Transfer-Encoding -----------------------------------------------------------------
    n = org_count(db)
    ch = chunked(body)
    one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Content-Length", str(len(ch))), ("Transfer-Encoding", "chunked")], ch),
        400, "Transfer-Encoding chunked with Content-Length", error_code="bad_request")
    one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Transfer-Encoding", "chunked"), ("Content-Length", "3")], ch),
        400, "Content-Length after Transfer-Encoding chunked", error_code="bad_request")
    for te in ("gzip, chunked", "xchunked", "chunked, gzip", "identity", "chunked,"):
        t0 = time.monotonic()
        one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Transfer-Encoding", te)], ch),
            501, "Transfer-Encoding: %s" % te, error_code="not_implemented")
        C.check(time.monotonic() - t0 < ANSWER_S, "Transfer-Encoding: %s answered at once" % te)
    one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")], ch),
        501, "two Transfer-Encoding chunked field lines", error_code="not_implemented")
    one(port, req_bytes("POST", "/api/v1/organizations", [auth, jct, ("Transfer-Encoding", "chunked")], ch, version="HTTP/1.0"),
        400, "Transfer-Encoding chunked in HTTP/1.0", error_code="bad_request")
    C.check(org_count(db) == n, "nothing stored from the refused Transfer-Encoding requests",
            "%s -> %s" % (n, org_count(db)))

    # ---- control bytes in the decoded target ----------------------------------------------------
    for target in ("/healthz%00", "/healthz%00/x", "/health%00z", "/healthz%01", "/healthz%0a", "/healthz%0d%0a",
                   "/healthz%1f", "/healthz%7f", "/healthz%7F", "/api/v1/organizations%00"):
        one(port, req_bytes("GET", target, [auth]), 400, "GET %s" % target, error_code="bad_request")
    for target in ("/healthz?a=%00", "/healthz?a%00=1", "/healthz?a=x%00y", "/healthz?a=%1b", "/healthz?a=1&b=%7f",
                   "/healthz?%0a", "/api/v1/organizations?page=1%00"):
        one(port, req_bytes("GET", target, [auth]), 400, "GET %s" % target, error_code="bad_request")
    n = org_count(db)
    one(port, req_bytes("POST", "/api/v1/organizations%00", [auth, jct, ("Content-Length", str(len(body)))], body),
        400, "POST to a path with %00", error_code="bad_request")
    C.check(org_count(db) == n, "nothing stored from the POST to a path with %00")
    # ---- a signed submission with conflicting Content-Length is not stored ------------------------
    org = mm.create_org(root, "Framing Precision K.K.")
    adm = mm.make_user(srv, root, org["id"], "framing-admin", "contractor-admin")
    key = os.path.join(T, "framing.key")
    pub, _ = mm.keygen("Framing Precision K.K.", key)
    mm.expect(mm.register_key(adm, org["id"], pub), 201, "register the key")
    signed = mm.sign(mm.variant(mm.EXAMPLE_R3, os.path.join(T, "a.json"), "framing"), key, os.path.join(T, "s.json"))
    aauth = ("Authorization", "Bearer " + adm.token)
    n = sub_count(db)
    one(port, req_bytes("POST", "/api/v1/submissions", [aauth, jct, ("Content-Length", str(len(signed))), ("Content-Length", "1")], signed),
        400, "a submission with two Content-Length", error_code="bad_request")
    one(port, req_bytes("POST", "/api/v1/submissions", [aauth, jct, ("Transfer-Encoding", "chunked"), ("Content-Length", str(len(signed)))],
                        chunked(signed, 4096)),
        400, "a submission with Transfer-Encoding and Content-Length", error_code="bad_request")
    one(port, req_bytes("POST", "/api/v1/submissions", [aauth, jct, ("Transfer-Encoding", "gzip, chunked")], chunked(signed, 4096)),
        501, "a submission with Transfer-Encoding gzip, chunked", error_code="not_implemented")
    C.check(sub_count(db) == n, "no submission stored from the refused requests", "%s -> %s" % (n, sub_count(db)))
    # the same document, framed correctly (chunked), is stored: the refusals above were the framing
    c = Conn(port)
    try:
        c.send(req_bytes("POST", "/api/v1/submissions", [aauth, jct, ("Transfer-Encoding", "chunked")], chunked(signed, 4096)))
        s, _, b = c.response()
        C.check(s == 201, "the same submission, chunked: 201", "%s %s" % (s, b[:300]))
    finally:
        c.close()
    C.check(sub_count(db) == n + 1, "the chunked submission is stored")


if __name__ == "__main__":
    main()
