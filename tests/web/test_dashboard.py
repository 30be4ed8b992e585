#!/usr/bin/env python3
"""End-to-end browser tests of the dashboard (issue 5).

Seeds a temporary database (`mamori admin init`, `mamori admin seed-demo`: 60 contractors
x 3 submissions), makes through the API the users the tests need (an authority analyst
left with its one-time password, a contractor-admin of contractor A, one of contractor B,
which is named `<script>alert(1)</script> K.K.`), starts `mamori serve` on a free loopback
port, runs tests/web/e2e.mjs (playwright-core driving Debian's /usr/bin/chromium) with the
URL and the credentials in its environment, and stops the server by its PID. Screenshots go
to MM_TMP/screenshots/.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (as CMake sets them). Needs node, node_modules
(`npm ci`, or `make deps`) and /usr/bin/chromium (scripts/deps.sh).
"""

import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
import mmserver as mm  # noqa: E402

NODE_BUDGET = 70  # seconds for e2e.mjs (it stops itself at MM_DEADLINE_MS)
NODE_KILL = 80  # seconds after which the wrapper kills it and its browser
SCRIPT_ORG = "<script>alert(1)</script> K.K."


def descendants(pid):
    """PIDs of every process under pid (from /proc), deepest first."""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
            ppid = int(st[st.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    out = []

    def walk(p):
        for c in kids.get(p, []):
            walk(c)
            out.append(c)

    walk(pid)
    return out


def stop_node(proc):
    """SIGTERM to node (playwright closes its browser), then SIGKILL to node and to every
    process it started, by PID."""
    if proc.poll() is not None:
        return
    under = descendants(proc.pid)
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        pass
    for pid in under + ([proc.pid] if proc.poll() is None else []):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        pass


def preflight():
    src = mm.SRC
    problems = []
    if not os.access("/usr/bin/chromium", os.X_OK):
        problems.append("/usr/bin/chromium is missing: run scripts/deps.sh (make deps)")
    if not os.path.isfile(os.path.join(src, "node_modules", "playwright-core", "package.json")):
        problems.append("node_modules/playwright-core is missing: run 'npm ci' (or 'make deps') in %s" % src)
    try:
        subprocess.run(["node", "--version"], capture_output=True, check=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        problems.append("node is missing: run 'make deps'")
    if problems:
        for p in problems:
            print("FAIL " + p)
        sys.exit(1)


def main():
    t0 = time.monotonic()
    mm.need_env()
    preflight()
    T = mm.fresh_tmp()
    db = os.path.join(T, "dash.db")
    log = os.path.join(T, "serve.log")
    shots = os.path.join(T, "screenshots")
    os.makedirs(shots, exist_ok=True)

    _, root_otp = mm.admin_init(db, "root")
    cp = mm.run(["admin", "seed-demo", "--db", mm.db_url(db), "--contractors", "60", "--submissions", "3",
                 "--seed", "1"], timeout=60)
    if cp.returncode != 0:
        print("FAIL mamori admin seed-demo: exit %d: %s" % (cp.returncode, cp.stderr[-2000:]))
        sys.exit(1)
    print("ok   seeded: %s" % cp.stdout.strip())

    srv = mm.Server(db, log).start()
    node = None
    try:
        root = mm.activate(srv, "root", root_otp)
        rt = mm.token_client(srv, root, "e2e-root")
        me = rt.get("/api/v1/session").json["user"]

        # an analyst of the authority, left with its one-time password (the browser sets it)
        analyst_otp = mm.create_user(rt, me["org_id"], "analyst", "authority-analyst")

        # contractor A with a key and a Rev 2 submission (POA&M items); its admin is active
        org_a = mm.create_org(rt, "Kitakami Seimitsu K.K.", identifiers={"cage": "7KT11"})
        a = mm.make_user(srv, rt, org_a["id"], "a-admin", "contractor-admin")
        pub, _ = mm.keygen("Kitakami Seimitsu K.K.", os.path.join(T, "a.key"))
        mm.expect(mm.register_key(a, org_a["id"], pub), 201, "key of A")
        signed = mm.sign(mm.EXAMPLE_R2, os.path.join(T, "a.key"), os.path.join(T, "a-r2.signed.json"))
        mm.expect(mm.submit(a, signed), 201, "submission of A")

        # the same key signs the document uploaded through the browser (a new envelope)
        a_upload = os.path.join(T, "a-r3.signed.json")
        mm.sign(mm.variant(mm.EXAMPLE_R3, os.path.join(T, "a-r3.json"), "browser upload"),
                os.path.join(T, "a.key"), a_upload)

        # contractor B, the hostile name, with a submission of its own
        org_b = mm.create_org(rt, SCRIPT_ORG, identifiers={"cage": "9XS55"})
        b = mm.make_user(srv, rt, org_b["id"], "b-admin", "contractor-admin")
        pub, _ = mm.keygen("B", os.path.join(T, "b.key"))
        mm.expect(mm.register_key(b, org_b["id"], pub), 201, "key of B")
        signed = mm.sign(mm.variant(mm.EXAMPLE_R3, os.path.join(T, "b-r3.json"), "b"),
                         os.path.join(T, "b.key"), os.path.join(T, "b-r3.signed.json"))
        mm.expect(mm.submit(b, signed), 201, "submission of B")

        # a seeded prime with subcontractors, for the contractor page
        items = rt.get("/api/v1/contractors?per_page=1000").json["items"]
        parents = {}
        for c in items:
            if c.get("parent_id"):
                parents[c["parent_id"]] = parents.get(c["parent_id"], 0) + 1
        if not parents:
            print("FAIL the seeded data has no prime with subcontractors")
            sys.exit(1)
        prime = sorted(parents.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

        broken = os.path.join(T, "broken.json")
        with open(broken, "w") as f:
            f.write('{"framework": "800-171r3", "requirements": [ {"id": "03.01.01",')

        env = dict(os.environ)
        env.update({
            "MM_URL": srv.url,
            "MM_TOKEN": rt.token,
            "MM_ANALYST_LOGIN": "analyst",
            "MM_ANALYST_OTP": analyst_otp,
            "MM_NEW_PASSWORD": "analyst password, long enough 42",
            "MM_A_LOGIN": "a-admin",
            "MM_A_PASSWORD": mm.GOOD_PASSWORD,
            "MM_A_ORG": org_a["id"],
            "MM_B_ORG": org_b["id"],
            "MM_B_NAME": SCRIPT_ORG,
            "MM_B_LOGIN": "b-admin",
            "MM_B_PASSWORD": mm.GOOD_PASSWORD,
            "MM_PRIME_ORG": prime,
            "MM_VALID_FILE": mm.EXAMPLE_R3,
            "MM_INVALID_FILE": broken,
            "MM_SIGNED_FILE": a_upload,
            "MM_SCREENSHOTS": shots,
            "MM_DEADLINE_MS": str(NODE_BUDGET * 1000),
        })
        print("--   set-up done in %.1f s; server %s (pid %d)" % (time.monotonic() - t0, srv.url, srv.proc.pid),
              flush=True)
        node = subprocess.Popen(["node", os.path.join(HERE, "e2e.mjs")], env=env, cwd=mm.SRC,
                                stdin=subprocess.DEVNULL)
        try:
            rc = node.wait(NODE_KILL)
        except subprocess.TimeoutExpired:
            print("FAIL e2e.mjs still running after %d s: stopped" % NODE_KILL)
            stop_node(node)
            rc = 1
    finally:
        if node is not None:
            stop_node(node)
        rc_srv = srv.stop()
        srv.kill()
    if rc_srv not in (0, None):
        print("FAIL the server exited %s after SIGTERM" % rc_srv)
        rc = rc or 1
    if "AddressSanitizer" in srv.log_text() or "runtime error:" in srv.log_text():
        print("FAIL the server's log has a sanitizer report:\n" + srv.log_text()[-3000:])
        rc = rc or 1
    print("screenshots in %s: %s" % (shots, " ".join(sorted(os.listdir(shots)))))
    print("dashboard end-to-end: %s in %.1f s" % ("passed" if rc == 0 else "FAILED", time.monotonic() - t0))
    sys.exit(0 if rc == 0 else 1)


if __name__ == "__main__":
    main()
