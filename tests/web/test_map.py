#!/usr/bin/env python3
"""The alliance map in a browser (issue 14): seeds 10,000 organizations with their supply
network (`mamori admin seed-demo --contractors 10000 --submissions 0`), starts `mamori serve`,
and runs tests/web/map.mjs (playwright-core driving Debian's /usr/bin/chromium): the
authority's map grouped by sector and country, drawn within 2 s, zoom, filter, click-through,
and a contractor's neighbourhood. The screenshot of the map at 10,000 organizations is saved
as MM_TMP/map-10000.png (its path is printed).

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Needs node, node_modules (`npm ci`) and /usr/bin/chromium.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
import mmserver as mm  # noqa: E402


def main():
    mm.need_env()
    src = mm.SRC
    if not os.path.isfile(os.path.join(src, "node_modules", "playwright-core", "package.json")):
        print("FAIL node_modules/playwright-core is missing: run 'npm ci' (or 'make deps') in %s" % src)
        return 1
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    _, otp = mm.admin_init(db, "root")
    cp = mm.run(["admin", "seed-demo", "--db", mm.db_url(db), "--contractors", "10000", "--submissions", "0",
                 "--seed", "7"], timeout=900)
    if cp.returncode != 0:
        print("FAIL seed-demo: %s" % cp.stderr[-1000:])
        return 1
    print("ok   seeded: %s" % cp.stdout.strip())
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    rc = 1
    try:
        root = mm.activate(srv, "root", otp)
        rt = mm.token_client(srv, root, "root")
        nat = rt.get("/api/v1/supply?per_page=1").json or {}
        prime = None
        edges = rt.get("/api/v1/supply?tier=1&per_page=1000").json or {}
        counts = {}
        for e in edges.get("items", []):
            counts[e["customer_id"]] = counts.get(e["customer_id"], 0) + 1
        prime = max(counts, key=counts.get) if counts else None
        if not prime or not nat.get("total"):
            print("FAIL the seeded network has no prime with suppliers")
            return 1
        mm.make_user(srv, rt, prime, "prime-admin", "contractor-admin")
        shot = os.path.join(T, "map-10000.png")
        env = dict(os.environ, MM_URL=srv.url, MM_ROOT_LOGIN="root", MM_ROOT_PASSWORD=mm.GOOD_PASSWORD,
                   MM_C_LOGIN="prime-admin", MM_C_PASSWORD=mm.GOOD_PASSWORD, MM_C_ORG=prime,
                   MM_SCREENSHOT=shot, NODE_PATH=os.path.join(src, "node_modules"))
        p = subprocess.run(["node", os.path.join(HERE, "map.mjs")], env=env, cwd=src, timeout=240)
        rc = p.returncode
        if os.path.isfile(shot):
            print("screenshot: %s" % shot)
        else:
            print("FAIL no screenshot at %s" % shot)
            rc = 1
    finally:
        srv.stop()
    return rc


if __name__ == "__main__":
    sys.exit(main())
