#!/usr/bin/env python3
"""The analyst's views in a browser (issue 18, part 2): seeds 1,200 contractors with a
submission each (`mamori admin seed-demo`: both frameworks, sectors, a supply network), starts
`mamori serve`, and runs tests/web/views.mjs (playwright-core driving Debian's
/usr/bin/chromium): the filters (a filter URL reloads to the same result), the streamed CSV
(its rows equal the filtered total; the whole list's past the first 1,000), the trend, what
changed, and the contractor page printed to PDF (saved as MM_TMP/contractor.pdf).

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Needs node, node_modules (`npm ci`) and /usr/bin/chromium.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
import mmserver as mm  # noqa: E402

SEEDED = 1200


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
        mm.activate(srv, "root", otp)
        pdf = os.path.join(T, "contractor.pdf")
        env = dict(os.environ, MM_URL=srv.url, MM_ROOT_LOGIN="root", MM_ROOT_PASSWORD=mm.GOOD_PASSWORD,
                   MM_CONTRACTORS=str(SEEDED), MM_PDF=pdf, NODE_PATH=os.path.join(src, "node_modules"))
        p = subprocess.run(["node", os.path.join(HERE, "views.mjs")], env=env, cwd=src, timeout=300)
        rc = p.returncode
        if os.path.isfile(pdf):
            print("pdf: %s" % pdf)
        stop = srv.stop()
        if stop != 0:
            print("FAIL exit %s after SIGTERM" % stop)
            rc = 1
        if "AddressSanitizer" in srv.log_text():
            print("FAIL a sanitizer report in the log")
            rc = 1
    finally:
        srv.kill()
    return rc


if __name__ == "__main__":
    sys.exit(main())
