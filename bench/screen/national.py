#!/usr/bin/env python3
"""The national picture's read time (docs/benchmarks.md "The national picture"): a server
(the release binary, SQLite) with OPERATORS designated railway operators, SUPPLIERS supplier
organizations and PLANS installation plans (each: a supplier organization, two named
component suppliers, a maintainer organization and a named maintainer), then the median of
RUNS reads of GET /api/v1/national, /api/v1/national/sectors/railway,
/api/v1/national/aggregate?format=stix&tlp=amber and the /sectors page, one client at a
time, on loopback.

Usage: MAMORI=build/mamori MM_SOURCE_DIR=. MM_TMP=/tmp/bench-national \
       python3 bench/screen/national.py [PLANS] [RUNS]
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "server"))
import mmserver as mm  # noqa: E402


def main():
    plans = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 11
    operators, suppliers = 50, 200
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    _, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    try:
        root_s = mm.activate(srv, "root", otp)
        root = mm.token_client(srv, root_s, "root")
        ops = [mm.create_org(root, "Operator %03d" % i)["id"] for i in range(operators)]
        sups = [mm.create_org(root, "Supplier %03d" % i)["id"] for i in range(suppliers)]
        for o in ops:
            mm.expect(root.put("/api/v1/organizations/%s/sector" % o,
                               {"sector": "railway", "designated": "2024-05-17", "ministry": "MLIT"}), 200, "designate")
        t0 = time.monotonic()
        for i in range(plans):
            op = ops[i % operators]
            mm.expect(root.post("/api/v1/organizations/%s/plans" % op, {
                "operator": op, "sector": "railway",
                "equipment": {"category": "railway.1", "model": "IXL-%d" % i},
                "supplier": {"org": sups[i % suppliers]},
                "component_suppliers": [{"name": "Board maker %d" % (i % 37)}, {"name": "PSU maker %d" % (i % 11)}],
                "maintainers": [{"org": sups[(i * 7) % suppliers]}, {"name": "Field service %d" % (i % 23)}]}),
                201, "file")
        print("filed %d plans in %.1f s" % (plans, time.monotonic() - t0))
        for path, client in (("/api/v1/national", root), ("/api/v1/national/sectors/railway", root),
                             ("/api/v1/national/aggregate?format=stix&tlp=amber", root), ("/sectors", root_s)):
            times = []
            for _ in range(runs):
                t = time.monotonic()
                r = client.get(path, headers={"Accept": "text/html"}) if path == "/sectors" else client.get(path)
                times.append((time.monotonic() - t) * 1000)
                if r.status != 200:
                    print("FAIL %s: %d %s" % (path, r.status, r.text[:200]))
                    return 1
            print("%-52s median %7.1f ms (min %.1f, max %.1f, %d runs, %d bytes)" % (
                path, statistics.median(times), min(times), max(times), runs, len(r.raw)))
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
