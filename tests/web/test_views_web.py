#!/usr/bin/env python3
"""The analyst's views in a browser (issue 18, part 2): seeds 1,200 contractors with a
submission each (`mamori admin seed-demo`: both frameworks, sectors, a supply network), starts
`mamori serve`, and runs tests/web/views.mjs (playwright-core driving Debian's
/usr/bin/chromium): the filters (a filter URL reloads to the same result), the streamed CSV
(its rows equal the filtered total; the whole list's past the first 1,000), the trend, what
changed, and the contractor page printed to PDF (saved as MM_TMP/contractor.pdf). Before the
browser: the streamed CSV of all 1,200 (two pages of src/server/export.c) with the client gone
after the first chunk: the server answers the next request, logs the abort as a warning (no
error, no export failure), and exits 0 with no sanitizer (ASan, LSan) report.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Needs node, node_modules (`npm ci`) and /usr/bin/chromium.
"""

import json
import os
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
import mmserver as mm  # noqa: E402

SEEDED = 1200
CSV = "/api/v1/contractors.csv"


def check(ok, what, detail=""):
    print(("ok   %s" % what) if ok else ("FAIL %s: %s" % (what, detail)))
    return bool(ok)


def log_lines(srv, offset):
    out = []
    for line in srv.log_text(offset).splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append({"raw": line})
    return out


def interrupted_export(srv, token):
    """GET the CSV with a small receive window, read the headers and the first chunk, then
    reset the connection with the rest unread. True when every check passed."""
    offset = len(srv.log_text().encode("utf-8"))
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # a small window and a small segment size: the server's socket buffer (sized from the
    # segment size) cannot take the whole CSV, so the export is still streaming at the reset
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
    s.settimeout(15)
    s.connect(("127.0.0.1", srv.port))
    s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n\r\n" % (CSV, token)).encode())
    got = b""
    while b"\r\n\r\n" not in got or b"\r\n" not in got.split(b"\r\n\r\n", 1)[1]:
        b = s.recv(4096)
        if not b:
            break
        got += b
    head, _, body = got.partition(b"\r\n\r\n")
    ok = check(head.startswith(b"HTTP/1.1 200") and b"chunked" in head.lower() and body.split(b"\r\n", 1)[0],
               "the CSV starts: 200, chunked, a first chunk", head[:200])
    time.sleep(0.5)  # the server fills the window and waits for the client
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()  # a reset, the rest unread
    aborted = []
    for _ in range(100):
        aborted = [o for o in log_lines(srv, offset) if o.get("path") == CSV]
        if aborted:
            break
        time.sleep(0.1)
    t0 = time.monotonic()
    r = mm.request(srv.port, "GET", "/healthz", timeout=10)
    ms = (time.monotonic() - t0) * 1000
    ok &= check(r.status == 200 and ms < 5000, "after the client went away the server answers the next request",
                "%d in %.0f ms" % (r.status, ms))
    r = mm.request(srv.port, "GET", CSV + "?q=zzzz-no-such", headers={"Authorization": "Bearer " + token})
    ok &= check(r.status == 200 and r.text.count("\r\n") == 1, "and the next export", "%d %r" % (r.status, r.text[:200]))
    ok &= check(len(aborted) == 1 and aborted[0].get("level") == "warn" and aborted[0].get("msg") == "request aborted"
                and aborted[0].get("status") == 200,
                "the log has the export as one warning 'request aborted' (path, status 200)", json.dumps(aborted)[:400])
    lines = log_lines(srv, offset)
    errs = [o for o in lines if o.get("level") == "error" or "raw" in o or "export failed" in o.get("msg", "")]
    ok &= check(not errs, "and no error, export failure or stray text in the log", json.dumps(errs)[:400])
    return ok


def main():
    mm.need_env()
    src = mm.SRC
    if not os.path.isfile(os.path.join(src, "node_modules", "playwright-core", "package.json")):
        print("FAIL node_modules/playwright-core is missing: run 'npm ci' (or 'make deps') in %s" % src)
        return 1
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    _, otp = mm.admin_init(db, "root")
    cp = mm.run(["admin", "seed-demo", "--db", mm.db_url(db), "--contractors", str(SEEDED), "--submissions", "1",
                 "--seed", "11"], timeout=900)
    if cp.returncode != 0:
        print("FAIL seed-demo: %s" % cp.stderr[-1000:])
        return 1
    print("ok   seeded: %s" % cp.stdout.strip())
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    rc = 1
    try:
        sess = mm.activate(srv, "root", otp)
        ok = interrupted_export(srv, mm.token_client(srv, sess, "export").token)
        pdf = os.path.join(T, "contractor.pdf")
        env = dict(os.environ, MM_URL=srv.url, MM_ROOT_LOGIN="root", MM_ROOT_PASSWORD=mm.GOOD_PASSWORD,
                   MM_CONTRACTORS=str(SEEDED), MM_PDF=pdf, NODE_PATH=os.path.join(src, "node_modules"))
        p = subprocess.run(["node", os.path.join(HERE, "views.mjs")], env=env, cwd=src, timeout=300)
        rc = p.returncode if ok else 1
        if os.path.isfile(pdf):
            print("pdf: %s" % pdf)
        stop = srv.stop()
        if stop != 0:
            print("FAIL exit %s after SIGTERM" % stop)
            rc = 1
        if "Sanitizer" in srv.log_text():
            print("FAIL a sanitizer report in the log (a leak after the interrupted export?)")
            rc = 1
    finally:
        srv.kill()
    return rc


if __name__ == "__main__":
    sys.exit(main())
