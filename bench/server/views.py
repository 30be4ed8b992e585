#!/usr/bin/env python3
"""bench/server/views.py: the analyst's views at scale (not a test; by hand).

    MAMORI=build/mamori python3 bench/server/views.py [CONTRACTORS [SUBMISSIONS]]

Seeds CONTRACTORS (10000) x SUBMISSIONS (2) with `mamori admin seed-demo --seed 1` into a
temporary SQLite database (or MM_TEST_DB_URL's PostgreSQL), starts `mamori serve` on a free
loopback port, and times each request below RUNS (7) times after one warm-up, one at a time,
printing the median and the range of the wall time (ms) and the answer's size. The pages and
API answers timed are not in the view cache (the contractor page, the CSV, the trend and
changes API), so each run computes them. Stops what it started by its PID.
BENCH_DB=path: a copy of that database (a previous run's, its root's password
mmserver.GOOD_PASSWORD) instead of seeding.
"""
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", ".."))
os.environ.setdefault("MM_SOURCE_DIR", SRC)
os.environ.setdefault("MM_TMP", tempfile.mkdtemp(prefix="mm-bench-views-"))
sys.path.insert(0, os.path.join(SRC, "tests", "server"))
import mmserver as mm  # noqa: E402

RUNS = int(os.environ.get("RUNS", "7"))


def cpu_ms(pid):
    """The server's CPU time so far (user + system), in ms."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")


def timed(c, path, pid, headers=None):
    c.get(path, headers=headers, timeout=300)
    ms, size, status = [], 0, 0
    c0 = cpu_ms(pid)
    for _ in range(RUNS):
        t0 = time.monotonic()
        r = c.get(path, headers=headers, timeout=300)
        ms.append((time.monotonic() - t0) * 1000)
        size, status = len(r.raw), r.status
    cpu = (cpu_ms(pid) - c0) / RUNS
    return statistics.median(ms), min(ms), max(ms), cpu, size, status


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    subs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    T = mm.fresh_tmp()
    db = os.path.join(T, "bench.db")
    otp = None
    if os.environ.get("BENCH_DB"):
        shutil.copy(os.environ["BENCH_DB"], db)
    else:
        _, otp = mm.admin_init(db, "root")
        t0 = time.monotonic()
        cp = mm.run(["admin", "seed-demo", "--db", mm.db_url(db), "--contractors", str(n), "--submissions",
                     str(subs), "--seed", "1", "--jobs", "2"], timeout=3600)
        if cp.returncode:
            sys.exit(cp.stderr)
        print("seeded %d x %d in %.0f s" % (n, subs, time.monotonic() - t0))
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    try:
        sess = mm.activate(srv, "root", otp) if otp else mm.logon(srv, "root", mm.GOOD_PASSWORD)[1]
        rt = mm.token_client(srv, sess, "bench")
        html = {"Accept": "text/html"}
        since = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()
        sector = rt.get("/api/v1/contractors?per_page=1").json["items"][0]["identifiers"].get("sector", "unknown")
        rows = [
            ("page", "/contractors", html),
            ("page", "/contractors?framework=800-171r2&score_min=50&score_max=90&sort=score&order=desc", html),
            ("page", "/contractors?sector=%s&assessed_from=2025-01-01&assessed_to=2025-12-31" % sector, html),
            ("page", "/contractors?received_from=2026-01-01&status=conditional-expired", html),
            ("page", "/contractors?supply=prime&overdue=1&sort=status", html),
            ("page", "/contractors?supply=supplier&affirmation=due", html),
            ("api", "/api/v1/contractors.csv", None),
            ("api", "/api/v1/contractors.csv?framework=800-171r3&score_min=80", None),
            ("api", "/api/v1/trends?months=12", None),
            ("api", "/api/v1/trends?months=36", None),
            ("api", "/api/v1/changes?since=" + since, None),
            ("page", "/overview", html),
        ]
        print("load average before: %.1f" % os.getloadavg()[0])
        print("| request | server CPU ms (mean) | wall ms (median) | wall min–max | bytes |")
        print("|---|---:|---:|---:|---:|")
        only = os.environ.get("BENCH_ONLY")  # a part of the paths to time, e.g. /contractors
        for kind, path, h in rows:
            if only and only not in path:
                continue
            c = sess if kind == "page" else rt
            med, lo, hi, cpu, size, st = timed(c, path, srv.proc.pid, h)
            print("| `GET %s`%s | %.1f | %.1f | %.1f–%.1f | %d |" % (
                path, "" if st == 200 else " (%d)" % st, cpu, med, lo, hi, size), flush=True)
        print("load average after: %.1f" % os.getloadavg()[0])
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
