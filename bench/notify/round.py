#!/usr/bin/env python3
"""How long one notification round takes (docs/notifications.md, docs/benchmarks.md).

Seeds a demo database (`mamori admin seed-demo --contractors N --submissions M --seed 1`),
starts `mamori serve` with --notify-interval 86400 (its own round runs once at start), then
times POST /api/v1/notify/run: the first rounds record the backlog (at most 500 events of
each kind per round), later ones find nothing new; each figure is a median.

Usage: MAMORI=build/mamori python3 bench/notify/round.py [N] [M] [RUNS]
"""

import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "server"))
os.environ.setdefault("MM_SOURCE_DIR", os.path.join(HERE, "..", ".."))
os.environ.setdefault("MM_TMP", tempfile.mkdtemp(prefix="mm-bench-notify-"))
import mmserver as mm  # noqa: E402


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    T = mm.fresh_tmp()
    db = os.path.join(T, "bench.db")
    _, otp = mm.admin_init(db, "root")
    t0 = time.monotonic()
    mm.run(["admin", "seed-demo", "--db", db, "--contractors", str(n), "--submissions", str(m),
            "--seed", "1", "--jobs", "2"], check=True, timeout=3600)
    print("seeded %d contractors x %d submissions in %.0f s" % (n, m, time.monotonic() - t0))
    srv = mm.Server(db, os.path.join(T, "serve.log"), ["--notify-interval", "86400"]).start()
    try:
        root = mm.token_client(srv, mm.activate(srv, "root", otp), "root")
        backlog, steady = [], []
        while True:
            t = time.monotonic()
            r = root.post("/api/v1/notify/run", timeout=600)
            ms = (time.monotonic() - t) * 1000
            if r.status != 200:
                raise SystemExit("run: %s %s" % (r.status, r.text[:200]))
            if r.json["recorded"] == 0:
                steady.append(ms)
                break
            backlog.append((ms, r.json["recorded"]))
        for _ in range(runs - 1):
            t = time.monotonic()
            r = root.post("/api/v1/notify/run", timeout=600)
            steady.append((time.monotonic() - t) * 1000)
        total = mm.table_counts(db).get("notifications") if hasattr(mm, "table_counts") else None
        print("backlog rounds: %d, each recording up to 500 events of a kind: median %.1f ms"
              " (%s)" % (len(backlog), statistics.median(b[0] for b in backlog) if backlog else 0,
                         ", ".join("%.0f ms/%d" % b for b in backlog)))
        print("steady rounds (nothing new): median of %d %.1f ms (min %.1f, max %.1f)"
              % (len(steady), statistics.median(steady), min(steady), max(steady)))
        print("notifications rows: %s" % total)
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
