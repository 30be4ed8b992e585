#!/usr/bin/env python3
"""End-to-end browser tests of the dashboard's shared items (issue 17 item 5): starts a
server with two contractors (A shares, B receives), a need-to-know group and a gated item of A
for B's organization whose group B's user is not in, then runs tests/web/items_e2e.mjs: the
shared items' pages, and the incident report form (fields, and the report file) with the
report's page
(playwright-core driving Debian's /usr/bin/chromium). Screenshots go to MM_TMP/screenshots/.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Needs node, node_modules (npm ci) and /usr/bin/chromium.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
import mmserver as mm  # noqa: E402
from test_dashboard import preflight, stop_node  # noqa: E402

NODE_BUDGET = 150
NODE_KILL = 170


def main():
    mm.need_env()
    preflight()
    T = mm.fresh_tmp()
    db = os.path.join(T, "items.db")
    shots = os.path.join(T, "screenshots")
    _, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    node = None
    rc = 1
    try:
        root = mm.token_client(srv, mm.activate(srv, "root", otp), "items-root")
        org_a = mm.create_org(root, "Items A K.K.")
        org_b = mm.create_org(root, "Items B Ltd")
        a = mm.make_user(srv, root, org_a["id"], "items-a", "contractor-admin")
        mm.make_user(srv, root, org_b["id"], "items-b", "contractor-member")
        mm.expect(root.post("/api/v1/ntk-groups", {"id": "e2e-cell", "name": "E2E cell",
                                                   "owner_org": org_a["id"], "hide_members": True}),
                  201, "group")
        mm.expect(root.post("/api/v1/ntk-groups/e2e-cell/members", {"login": "items-a", "manager": True}),
                  201, "A manages the group")
        r = mm.expect(a.post("/api/v1/items", {
            "title": "Gated pointer", "tlp": "TLP:AMBER+STRICT", "recipients": {"orgs": [org_b["id"]]},
            "description": "available to cleared staff at the authority's reading room",
            "gate": {"ntk_group": "e2e-cell"}}), 201, "gated item")
        # C is B's subcontractor (B's client); A's AMBER item for B, which B may re-share with C
        org_c = mm.create_org(root, "Items C Sub", parent_id=org_b["id"])
        amber = mm.expect(a.post("/api/v1/items", {"title": "Amber for B", "tlp": "TLP:AMBER",
                                                   "recipients": {"orgs": [org_b["id"]]}}), 201, "amber")
        env = dict(os.environ)
        env.update({"MM_URL": srv.url, "MM_TOKEN": root.token, "MM_A_LOGIN": "items-a",
                    "MM_B_LOGIN": "items-b", "MM_PASSWORD": mm.GOOD_PASSWORD, "MM_B_ORG": org_b["id"],
                    "MM_GATED_ID": r.json["id"], "MM_SCREENSHOTS": shots, "MM_SOURCE_DIR": mm.SRC,
                    "MM_A_ORG": org_a["id"], "MM_C_ORG": org_c["id"], "MM_AMBER_ID": amber.json["id"],
                    "MM_DEADLINE_MS": str(NODE_BUDGET * 1000)})
        node = subprocess.Popen(["node", os.path.join(HERE, "items_e2e.mjs")], env=env, cwd=mm.SRC,
                                stdin=subprocess.DEVNULL)
        try:
            rc = node.wait(NODE_KILL)
        except subprocess.TimeoutExpired:
            print("FAIL items_e2e.mjs still running after %d s: stopped" % NODE_KILL)
            rc = 1
    finally:
        if node is not None:
            stop_node(node)
        rc_srv = srv.stop()
        srv.kill()
    if rc_srv not in (0, None):
        print("FAIL the server exited %s after SIGTERM" % rc_srv)
        rc = rc or 1
    log = srv.log_text()
    if "AddressSanitizer" in log or "runtime error:" in log:
        print("FAIL the server's log has a sanitizer report:\n" + log[-3000:])
        rc = rc or 1
    print("shared items end-to-end: %s" % ("passed" if rc == 0 else "FAILED"))
    sys.exit(0 if rc == 0 else 1)


if __name__ == "__main__":
    main()
