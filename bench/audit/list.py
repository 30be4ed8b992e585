#!/usr/bin/env python3
"""bench/audit/list.py: GET /api/v1/audit at 100,000 audit records (docs/benchmarks.md,
"Audit log").

    MAMORI=build/mamori MM_SOURCE_DIR=. MM_TMP=/tmp/bench-audit python3 bench/audit/list.py [-n N] [-r REPEAT]

Makes a fresh database (SQLite; PostgreSQL with MM_TEST_DB_URL, e.g. under
scripts/pg-test.sh run STATE MM_TEST_DB_URL ...) (admin init, 20 organizations with one user each through the
API), appends N records (default 100,000) straight to audit_log as a year of activity, each
hashed and chained as mm_store_audit_append does (so `audit verify` passes: it is timed too),
then asks the running server for filtered pages and prints, per query, the median and the
largest of the server's own duration_ms (its request log line) over REPEAT runs (default 9).
Standard library only; tests/server/mmserver.py starts and stops the server.
"""

import argparse
import hashlib
import os
import random
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "server"))
import mmserver as mm  # noqa: E402

# (action, weight): common reads and logons, rare administration
ACTIONS = [("logon.success", 30), ("item.read", 30), ("logout", 10), ("submission.create", 8),
           ("logon.failure", 6), ("token.create", 5), ("item.create", 4), ("password.change", 3),
           ("key.register", 2), ("user.create", 1), ("key.revoke", 0.1)]


def field(h, b):
    h.update(len(b).to_bytes(8, "big"))
    h.update(b)


def record_hash(rid, prev, ts, actor, action, obj, detail):
    h = hashlib.sha256()
    for v in (str(rid), prev, ts, actor, action, obj, detail):
        field(h, v.encode())
    return h.hexdigest()


def fill(db, n, logins):
    con = mm.db_ro(db)
    try:
        rid, prev = con.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    names = [a for a, _ in ACTIONS]
    weights = [w for _, w in ACTIONS]
    rnd = random.Random(7)
    start = time.mktime((2025, 12, 1, 0, 0, 0, 0, 0, 0))
    rows = []
    for i in range(n):
        rid += 1
        ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i * (365 * 86400 / n)))
        actor = rnd.choice(logins) if rnd.random() < 0.95 else "system"
        action = rnd.choices(names, weights)[0]
        obj = "item:%d" % rnd.randrange(5000)
        detail = '{"via":"api"}'
        h = record_hash(rid, prev, ts, actor, action, obj, detail)
        rows.append((rid, prev, h, ts, actor, action, obj, detail))
        prev = h
    cols = "audit_log (id, prev_hash, hash, ts, actor, action, object, detail)"
    if mm.on_pg():
        # one COPY (no value holds a tab or a backslash); then the statistics autovacuum would
        # gather on a live database
        data = "".join("\t".join(str(c) for c in r) + "\n" for r in rows)
        url = mm.db_url(db)
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c",
                        "COPY %s FROM STDIN" % cols], input=data.encode(), check=True, timeout=600)
        mm._psql(url, "ANALYZE audit_log")
        return
    import sqlite3
    con = sqlite3.connect(db)
    con.executemany("INSERT INTO %s VALUES (?, ?, ?, ?, ?, ?, ?, ?)" % cols, rows)
    con.commit()
    con.close()


def duration(srv, offset):
    """The duration_ms of the last request line after offset in the server's log."""
    import json
    last = None
    with open(srv.log, "rb") as f:
        f.seek(offset)
        for line in f.read().split(b"\n"):
            if b'"request"' in line and b"/api/v1/audit" in line:
                last = json.loads(line)
    return last


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("-r", type=int, default=9)
    a = ap.parse_args()
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    auth_org, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, log).start()
    try:
        root = mm.token_client(srv, mm.activate(srv, "root", otp), "root")
        orgs, logins = [], []
        for i in range(20):
            org = mm.create_org(root, "Bench %02d" % i)["id"]
            mm.create_user(root, org, "bench-user-%02d" % i, "contractor-member")
            orgs.append(org)
            logins.append("bench-user-%02d" % i)
        t0 = time.monotonic()
        fill(db, a.n, logins)
        print("filled %d records in %.1f s" % (a.n, time.monotonic() - t0))
        queries = [
            ("newest page", ""),
            ("action common", "?action=logon.success"),
            ("action rare", "?action=key.revoke"),
            ("actor", "?actor=bench-user-03"),
            ("organization", "?org=" + orgs[5]),
            ("org + rare action", "?org=%s&action=key.revoke" % orgs[5]),
            ("one week", "?from=2026-05-01&to=2026-05-07"),
            ("week + actor", "?from=2026-05-01&to=2026-05-07&actor=bench-user-03"),
            ("deep page", "?before=%d" % (a.n // 2)),
            ("deep page + org", "?org=%s&before=%d" % (orgs[5], a.n // 2)),
            ("limit 200", "?limit=200"),
        ]
        for name, q in queries:
            ms = []
            for _ in range(a.r):
                off = os.path.getsize(log)
                r = root.get("/api/v1/audit" + q)
                if r.status != 200:
                    raise SystemExit("%s: %d %s" % (q, r.status, r.text[:200]))
                line = None
                while line is None:  # logged when the answer is done, just after it is sent
                    time.sleep(0.01)
                    line = duration(srv, off)
                ms.append(line["duration_ms"])
            print("%-20s %4d items  median %7.2f ms  max %7.2f ms" % (
                name, len(r.json["items"]), statistics.median(ms), max(ms)))
        off = os.path.getsize(log)
        t0 = time.monotonic()
        r = root.post("/api/v1/audit/verify")
        print("verify: %s in %.2f s" % (r.text[:80], time.monotonic() - t0))
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
