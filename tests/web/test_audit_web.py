#!/usr/bin/env python3
"""The audit log's page in a browser (issue 18 item 4): makes a database with some activity
(organizations, users, failed logons, tokens: more than a page of records), starts `mamori
serve`, and runs tests/web/audit.mjs (playwright-core driving Debian's /usr/bin/chromium): the
filter by action, the pages, the "Verify the chain" button, axe-core in English and Japanese.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Needs node, node_modules (`npm ci`) and /usr/bin/chromium.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
import mmserver as mm  # noqa: E402
from test_dashboard import preflight, stop_node  # noqa: E402

NODE_KILL = 300


def main():
    mm.need_env()
    preflight()
    src = mm.SRC
    if not os.path.isfile(os.path.join(src, "node_modules", "axe-core", "axe.min.js")):
        print("FAIL node_modules/axe-core is missing: run 'npm ci' (or 'make deps') in %s" % src)
        return 1
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    _, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    rc = 1
    try:
        root_s = mm.activate(srv, "root", otp)
        root = mm.token_client(srv, root_s, "root")
        org = mm.create_org(root, "Audit Web Corp")["id"]
        mm.make_user(srv, root, org, "aw-alice", "contractor-admin")
        for _ in range(2):
            for who in ("aw-alice", "nobody-here"):
                mm.request(srv.port, "POST", "/api/v1/session", {"login": who, "password": "not the password!"})
        for i in range(40):
            mm.new_token(root, "audit-web-%d" % i)
        con = mm.db_ro(db)
        try:
            records = con.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        finally:
            con.close()
        env = dict(os.environ, MM_URL=srv.url, MM_ROOT_LOGIN="root", MM_ROOT_PASSWORD=mm.GOOD_PASSWORD,
                   MM_RECORDS=str(records), NODE_PATH=os.path.join(src, "node_modules"))
        node = subprocess.Popen(["node", os.path.join(HERE, "audit.mjs")], env=env, cwd=src)
        try:
            rc = node.wait(timeout=NODE_KILL)
        except subprocess.TimeoutExpired:
            print("FAIL audit.mjs did not end within %d s" % NODE_KILL)
            stop_node(node)
            rc = 1
        stop = srv.stop()
        if stop != 0:
            print("FAIL exit %s after SIGTERM" % stop)
            rc = 1
        if "AddressSanitizer" in srv.log_text() or "runtime error" in srv.log_text():
            print("FAIL a sanitizer report in the log")
            rc = 1
    finally:
        srv.kill()
    return rc


if __name__ == "__main__":
    sys.exit(main())
