#!/usr/bin/env python3
"""bench/server/orgs.py: the organizations' administration pages at scale (not a test; by hand).

    mamori admin init --db DB --login root          # note the one-time password
    mamori admin seed-demo --db DB --contractors 10000 --submissions 1 --seed 1
    MAMORI=build/mamori BENCH_OTP=<it> python3 bench/server/orgs.py DB [PATH ...]

Starts `mamori serve --threads 1` on DB (a path or a postgresql:// URL) on a free loopback
port, logs on as root (BENCH_OTP: the one-time password of a fresh database, which it
changes to mmserver.GOOD_PASSWORD; without it, that password), makes a community "Bench" for
the member picker if there is none, and requests each PATH (default: the list, a deep page,
searches by name, by CAGE code, with no match, and the picker's) RUNS (15) times after one
warm-up, one at a time. Prints the median and the minimum of the wall time, and the server's
CPU time per request (user + system of the process from /proc/PID/stat, over the RUNS: the
figure to compare on a loaded machine; on PostgreSQL with the backends serving DB's
database, where the queries run). Stops the server it started by its PID.
"""
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", ".."))
os.environ.setdefault("MM_SOURCE_DIR", SRC)
os.environ.setdefault("MM_TMP", tempfile.mkdtemp(prefix="mm-bench-orgs-"))
sys.path.insert(0, os.path.join(SRC, "tests", "server"))
import mmserver as mm  # noqa: E402
from test_web import Browser  # noqa: E402

RUNS = int(os.environ.get("RUNS", "15"))


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backends(db):
    """On PostgreSQL: the pids of the backends serving db's database (their CPU is the
    queries'); none on SQLite."""
    if not db.startswith("postgresql://"):
        return []
    name = db.rsplit("/", 1)[1].split("?")[0]
    pids = []
    for d in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                cmd = f.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            continue
        if cmd.startswith("postgres: ") and (" %s " % name) in cmd:
            pids.append(int(d))
    return pids


def cpu_all(pids):
    total = 0.0
    for pid in pids:
        try:
            total += cpu_s(pid)
        except OSError:
            pass
    return total


def main():
    db = sys.argv[1]
    srv = mm.Server(db, os.path.join(os.environ["MM_TMP"], "serve.log"), ["--threads", "1"]).start()
    try:
        if os.environ.get("BENCH_OTP"):
            mm.activate(srv, "root", os.environ["BENCH_OTP"])
        r, api = mm.logon(srv, "root", mm.GOOD_PASSWORD)
        mm.expect(r, 200, "logon of root")
        cs = [c for c in api.get("/api/v1/communities").json["items"] if c["name"] == "Bench"]
        comm = cs[0]["id"] if cs else api.post("/api/v1/communities", {"name": "Bench"}).json["id"]
        b = Browser(srv)
        assert b.login("root", mm.GOOD_PASSWORD).status == 303
        paths = sys.argv[2:] or [
            "/organizations", "/organizations?page=100", "/organizations?q=analytics",
            "/organizations?q=66AW7", "/organizations?q=zzzz-nothing",
            "/communities/%s/add?q=analytics" % comm, "/communities/%s/add?q=zzzz-nothing" % comm]
        print("load average before: %s" % open("/proc/loadavg").read().strip())
        for p in paths:
            r = b.get(p)
            assert r.status == 200, (p, r.status, r.text[:300])
            walls = []
            pids = [srv.proc.pid] + backends(db)
            c0 = cpu_all(pids)
            for _ in range(RUNS):
                t = time.monotonic()
                r = b.get(p)
                walls.append(time.monotonic() - t)
            c1 = cpu_all(pids)
            print("| `GET %s` | %.1f | %.1f | %.1f | %d |" % (
                p.replace(comm, "{id}"), 1000 * (c1 - c0) / RUNS, 1000 * statistics.median(walls),
                1000 * min(walls), len(r.raw)), flush=True)
        print("load average after: %s" % open("/proc/loadavg").read().strip())
    finally:
        srv.stop()
        srv.kill()


if __name__ == "__main__":
    main()
