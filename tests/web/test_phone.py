#!/usr/bin/env python3
"""Every dashboard page type at desktop and phone width, in both languages (issue 18 item 5):
no page scrolls sideways at 390 px (WCAG 1.4.10) and axe-core finds no WCAG 2.2 AA violation.

Seeds a temporary database (`mamori admin seed-demo`, 60 contractors x 3 submissions by
default), makes contractor A (a Rev 2 submission with POA&M items, an incident report, a shared
item for contractor B), starts `mamori serve` on a free loopback port and runs
tests/web/phone.mjs (playwright-core driving Debian's /usr/bin/chromium), which visits every
page type as the authority's admin and as A's contractor-admin, in English and Japanese, at
1280 px and 390 px. Stops the server and the browser by their PIDs.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (as CMake sets them). Optional: MM_PHONE_CONTRACTORS and
MM_PHONE_SUBMISSIONS (the seed's size), MM_PHONE_SHOTS (a folder: the screenshots of the
overview, the contractor list and one contractor, both languages at both widths, go there;
default MM_TMP/screenshots).
"""

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
import mmserver as mm  # noqa: E402
from test_dashboard import preflight, stop_node  # noqa: E402

NODE_BUDGET = 600  # seconds for phone.mjs (it stops itself at MM_DEADLINE_MS)
NODE_KILL = 630
INCIDENT = os.path.join(mm.SRC, "tests", "fixtures", "incident", "initial.json")


def incident_report():
    import datetime
    with open(INCIDENT) as f:
        d = json.load(f)
    d.pop("$schema", None)
    d.pop("time_zone", None)
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
    d["discovered"] = t.replace(microsecond=0).isoformat()
    return d


def main():
    t0 = time.monotonic()
    mm.need_env()
    preflight()
    if not os.path.isfile(os.path.join(mm.SRC, "node_modules", "axe-core", "axe.min.js")):
        print("FAIL node_modules/axe-core is missing: run 'npm ci' (or 'make deps') in %s" % mm.SRC)
        sys.exit(1)
    T = mm.fresh_tmp()
    db = os.path.join(T, "phone.db")
    shots = os.environ.get("MM_PHONE_SHOTS") or os.path.join(T, "screenshots")
    n_orgs = os.environ.get("MM_PHONE_CONTRACTORS", "60")
    n_subs = os.environ.get("MM_PHONE_SUBMISSIONS", "3")

    _, root_otp = mm.admin_init(db, "root")
    cp = mm.run(["admin", "seed-demo", "--db", mm.db_url(db), "--contractors", n_orgs, "--submissions", n_subs,
                 "--seed", "1"], timeout=900)
    if cp.returncode != 0:
        print("FAIL mamori admin seed-demo: exit %d: %s" % (cp.returncode, cp.stderr[-2000:]))
        sys.exit(1)
    print("ok   seeded: %s" % cp.stdout.strip())

    # /map's Graphviz loads fontconfig, whose process-wide cache LeakSanitizer reports at exit
    os.environ["LSAN_OPTIONS"] = "suppressions=" + os.path.join(HERE, "lsan-fontconfig.supp")
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    node = None
    rc = 1
    try:
        rt = mm.token_client(srv, mm.activate(srv, "root", root_otp), "phone-root")
        org_a = mm.create_org(rt, "北上精密株式会社 Kitakami Seimitsu K.K.", identifiers={"cage": "7KT11"})
        org_b = mm.create_org(rt, "Items B Ltd")
        a = mm.make_user(srv, rt, org_a["id"], "a-admin", "contractor-admin")
        pub, _ = mm.keygen("Kitakami Seimitsu K.K.", os.path.join(T, "a.key"))
        mm.expect(mm.register_key(a, org_a["id"], pub), 201, "key of A")
        signed = mm.sign(mm.EXAMPLE_R2, os.path.join(T, "a.key"), os.path.join(T, "a-r2.signed.json"))
        mm.expect(mm.submit(a, signed), 201, "submission of A")
        inc = mm.expect(a.post("/api/v1/incidents", incident_report()), 201, "incident of A").json["incident"]
        item = mm.expect(a.post("/api/v1/items", {"title": "Phishing wave against suppliers", "tlp": "TLP:GREEN",
                                                  "recipients": {"orgs": [org_b["id"]]},
                                                  "description": "Sender domains and subjects."}),
                         201, "item of A").json

        # a seeded prime with subcontractors, and two of its submissions for the diff page
        items = rt.get("/api/v1/contractors?per_page=1000").json["items"]
        parents = {}
        for c in items:
            if c.get("parent_id"):
                parents[c["parent_id"]] = parents.get(c["parent_id"], 0) + 1
        prime = sorted(parents.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        subs = rt.get("/api/v1/organizations/%s/submissions?per_page=10" % prime).json["items"]
        req = rt.get("/api/v1/requirements/failures?limit=1").json["items"][0]["requirement"]
        community = mm.expect(rt.post("/api/v1/communities", {"name": "Phone ISAC"}), 201, "a community").json["id"]

        env = dict(os.environ)
        env.update({
            "MM_URL": srv.url,
            "MM_ROOT_LOGIN": "root",
            "MM_A_LOGIN": "a-admin",
            "MM_PASSWORD": mm.GOOD_PASSWORD,
            "MM_A_ORG": org_a["id"],
            "MM_PRIME_ORG": prime,
            "MM_DIFF": "a=%s&b=%s" % (subs[-1]["id"], subs[0]["id"]),
            "MM_REQUIREMENT": req,
            "MM_COMMUNITY": community,
            "MM_INCIDENT": str(inc["id"]),
            "MM_ITEM": str(item.get("id") or item.get("item", {}).get("id")),
            "MM_SCREENSHOTS": shots,
            "MM_DEADLINE_MS": str(NODE_BUDGET * 1000),
        })
        print("--   set-up done in %.1f s; server %s (pid %d)" % (time.monotonic() - t0, srv.url, srv.proc.pid),
              flush=True)
        node = subprocess.Popen(["node", os.path.join(HERE, "phone.mjs")], env=env, cwd=mm.SRC,
                                stdin=subprocess.DEVNULL)
        try:
            rc = node.wait(NODE_KILL)
        except subprocess.TimeoutExpired:
            print("FAIL phone.mjs still running after %d s: stopped" % NODE_KILL)
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
    print("screenshots in %s" % shots)
    print("phone and accessibility: %s in %.1f s" % ("passed" if rc == 0 else "FAILED", time.monotonic() - t0))
    sys.exit(0 if rc == 0 else 1)


if __name__ == "__main__":
    main()
