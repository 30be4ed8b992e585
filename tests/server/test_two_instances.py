#!/usr/bin/env python3
"""Two `mamori serve` instances on different ports sharing one PostgreSQL database (issue 7).

Needs MM_TEST_DB_URL (the throwaway cluster of the CTest fixture pg, scripts/pg-test.sh);
without it the test fails: it never skips. Instance A gets `--db-pool 3` on the command
line, B `"db-pool": 2` from a config file (both logged in the "listening" line).

- sessions live in the database: a logon on A gives a cookie that B accepts (GET and a
  CSRF-checked POST), and a logout on B ends it on A too;
- tokens: B accepts a token (three times: cached after the first), refuses it with a wrong
  secret, and refuses it once it is revoked on A: every request B begins BOUND (0.25 s,
  MM_VERSION_BOUND_MS of src/server/cache.h) after A's answer or later, and every one
  after its first refusal; A itself at its very next request; the same for a user's token
  once the user is disabled on A, and for a prime's reading of its subcontractor once the
  subcontractor withdraws its consent on A (the per-process token and organization caches
  are valid only while the store's version is unchanged; on PostgreSQL each instance learns
  the version from a LISTEN connection, src/server/cache.c);
- the LISTEN connections cut (pg_terminate_backend): a revocation on A is still refused by
  B within BOUND (B reads the version itself meanwhile), both instances log the loss and
  listen again, and a revocation after that is refused within BOUND too;
- submissions through both at once: two client threads per instance send distinct signed
  documents (signed in Python, mmserver.sign_envelope) for TWO_SECONDS (default 12 s);
  a third of the way in, B is killed with SIGKILL (by its PID) and started again on a new
  port, and its threads follow it;
- afterwards: every receipt's submission is stored, byte for byte, with the receipt's
  body_hash, readable through either instance; every receipt's signature verifies with the
  one server key both instances share; no submission is stored twice; one audit record per
  submission; `mamori audit verify --db URL` passes (one chain although two processes
  appended at once).

Bounded: the whole test stays under 60 s (checked).
Env: MAMORI, MM_SOURCE_DIR, MM_TMP, MM_TEST_DB_URL. TWO_SECONDS (default 12).
"""

import http.client
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

DURATION = float(os.environ.get("TWO_SECONDS", "12"))
LIMIT = 60.0
BOUND = 0.25  # MM_VERSION_BOUND_MS (src/server/cache.h): how stale a version may be


def refused_within_bound(C, client, path, refused, what, t_change):
    """After a change whose answer came at t_change (time.monotonic()): GETs path on client
    until one that began BOUND after t_change has been answered; checks that each answer
    from the first refusal on, and every one begun BOUND after t_change, is in refused."""
    first, bad, n = None, [], 0
    while True:
        t = time.monotonic()
        g = client.get(path)
        n += 1
        late = t - t_change >= BOUND
        if g.status in refused:
            if first is None:
                first = t - t_change
        elif first is not None or late:
            bad.append("%s at %.0f ms" % (g.status, (t - t_change) * 1000))
        if late or n > 500:
            break
        time.sleep(0.01)
    C.check(first is not None and not bad,
            "%s: refused within %.0f ms, and from then on" % (what, BOUND * 1000),
            "first refusal at %s ms; wrong answers: %s" % (
                "%.1f" % (first * 1000) if first is not None else "never", bad[:5]))
    if first is not None:
        print("%s: first refused %.1f ms after the change's answer" % (what, first * 1000))


def watch_log_count(srv, msg):
    n = 0
    for line in srv.log_text().splitlines():
        try:
            j = json.loads(line)
        except ValueError:
            continue
        if isinstance(j, dict) and j.get("msg") == msg:
            n += 1
    return n


class Shared:
    def __init__(self):
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.stop = False
        self.generation = {"A": 0, "B": 0}
        self.sent = {}  # note -> bytes
        self.receipts = []  # (instance, note, receipt document)
        self.statuses = {}
        self.no_answer = 0
        self.errors = []


def client_thread(S, srv, name, token, base, sec, tid):
    cl = mm.Client(srv, token=token)
    n = 0
    while True:
        with S.lock:
            if S.stop:
                return
            gen = S.generation[name]
        n += 1
        note = "two instances %s thread %d doc %d" % (name, tid, n)
        a = dict(base)
        a["_note"] = note
        doc = mm.sign_envelope(mm.make_envelope(a), sec)
        with S.lock:
            S.sent[note] = doc
        try:
            r = cl.post("/api/v1/submissions", doc, headers={"Content-Type": "application/json"},
                        timeout=30)
        except (OSError, http.client.HTTPException):
            with S.lock:
                S.no_answer += 1
                deadline = time.monotonic() + 20
                while S.generation[name] == gen and not S.stop and time.monotonic() < deadline:
                    S.cond.wait(0.2)
            continue
        with S.lock:
            S.statuses[r.status] = S.statuses.get(r.status, 0) + 1
            if r.status == 201 and isinstance(r.json, dict) and r.json:
                S.receipts.append((name, note, r.json))
            elif r.status != 503:
                S.errors.append("%s: %s for %s: %s" % (name, r.status, note, r.text[:200]))


def pool_logged(srv):
    """db_pool of the last "listening" line in the server's log."""
    last = None
    for line in srv.log_text().splitlines():
        try:
            j = json.loads(line)
        except ValueError:
            continue
        if isinstance(j, dict) and j.get("msg") == "listening":
            last = j.get("db_pool")
    return last


def main():
    t_start = time.monotonic()
    C = mm.Checker()
    T = mm.fresh_tmp()
    if not mm.on_pg():
        C.check(False, "MM_TEST_DB_URL is set (run through the CTest fixture pg: "
                "ctest -R test_two_instances)")
        C.finish()
    db = os.path.join(T, "shared.db")  # mapped to a fresh PostgreSQL database
    url = mm.db_url(db)
    _, otp = mm.admin_init(db, "root")
    conf = os.path.join(T, "b.json")
    with open(conf, "w") as f:
        json.dump({"threads": 4, "db-pool": 2}, f)
    A = mm.Server(db, os.path.join(T, "a.log"), ["--threads", "4", "--db-pool", "3"]).start()
    B = mm.Server(db, os.path.join(T, "b.log"), ["--config", conf]).start()
    S = Shared()
    threads = []
    try:
        C.check(A.port != B.port, "two instances on two ports", "%d %d" % (A.port, B.port))
        C.check(pool_logged(A) == 3 and pool_logged(B) == 2,
                "--db-pool 3 (flag) and \"db-pool\": 2 (config file) are the pool sizes",
                "%s %s" % (pool_logged(A), pool_logged(B)))
        root = mm.token_client(A, mm.activate(A, "root", otp), "root")
        org = mm.create_org(root, "Futatsu K.K.")
        adm = mm.make_user(A, root, org["id"], "two-admin", "contractor-admin")

        # ---- sessions: made on A, valid on B ----
        r, sa = mm.logon(A, "two-admin", mm.GOOD_PASSWORD)
        mm.expect(r, 200, "logon on A")
        sb = mm.Client(B, cookie=sa.cookie, csrf=sa.csrf)
        g = sb.get("/api/v1/session")
        C.check(g.status == 200 and (g.json or {}).get("user", {}).get("login") == "two-admin",
                "a session made on A is valid on B", "%s %s" % (g.status, g.text[:200]))
        t = sb.post("/api/v1/tokens", {"name": "made on B with A's session"})
        C.check(t.status == 201, "B accepts A's session and CSRF token for a POST",
                "%s %s" % (t.status, t.text[:200]))
        nb = mm.Client(B, cookie=sa.cookie)
        C.check(nb.post("/api/v1/tokens", {"name": "x"}, csrf=False).status == 403,
                "B refuses A's session for a POST without the CSRF token")
        C.check(sb.delete("/api/v1/session").status in (200, 204), "logout on B")
        g = sa.get("/api/v1/session")
        C.check(g.status == 401, "the session ended on B is gone on A", "%s" % g.status)

        # ---- tokens: a revocation or a disable on A is refused by B at once ----
        # (each instance keeps good tokens in a per-process cache valid while the store's
        # version is unchanged: B must see A's change at its next request, without waiting)
        tok = mm.new_token(adm, "revoked on A")
        tb = mm.Client(B, token=tok["token"])
        for i in range(3):  # B has it cached after the first
            g = tb.get("/api/v1/session")
            C.check(g.status == 200, "B accepts the new token (request %d)" % (i + 1),
                    "%s %s" % (g.status, g.text[:200]))
        C.check(mm.Client(B, token=tok["token"][:-1] + ("0" if tok["token"][-1] != "0" else "1"))
                .get("/api/v1/session").status == 401,
                "B refuses the cached token's id with a wrong secret")
        ta = mm.Client(A, token=tok["token"])
        C.check(ta.get("/api/v1/session").status == 200, "A accepts the new token")
        d = adm.delete("/api/v1/tokens/%s" % tok["id"])
        t_change = time.monotonic()
        C.check(d.status in (200, 204), "the token revoked on A", "%s %s" % (d.status, d.text[:200]))
        g = ta.get("/api/v1/session")
        C.check(g.status == 401, "A refuses the token it revoked at its next request",
                "%s %s" % (g.status, g.text[:200]))
        refused_within_bound(C, tb, "/api/v1/session", (401,), "B refuses the token revoked on A",
                             t_change)
        victim = mm.make_user(A, root, org["id"], "two-victim", "contractor-member")
        vb = mm.Client(B, token=victim.token)
        vs = None
        for i in range(3):
            g = vb.get("/api/v1/session")
            C.check(g.status == 200, "B accepts the user's token (request %d)" % (i + 1),
                    "%s %s" % (g.status, g.text[:200]))
            vs = ((g.json or {}).get("user") or {}).get("id", vs)
        d = root.post("/api/v1/organizations/%s/users/%s/disable" % (org["id"], vs), {})
        t_change = time.monotonic()
        C.check(d.status in (200, 204), "the user disabled on A", "%s %s" % (d.status, d.text[:200]))
        refused_within_bound(C, vb, "/api/v1/session", (401,),
                             "B refuses the token of the user disabled on A", t_change)

        # ---- consent: a prime reads its subcontractor's summary on B only while it consents ----
        sub = mm.create_org(root, "Futatsu Sub K.K.", parent_id=org["id"])
        sub_adm = mm.make_user(A, root, sub["id"], "two-sub-admin", "contractor-admin")
        prime_b = mm.Client(B, token=adm.token)
        path = "/api/v1/organizations/%s" % sub["id"]
        C.check(prime_b.get(path).status == 404, "B: the prime does not see its subcontractor "
                "before consent")
        c = sub_adm.put("/api/v1/organizations/%s/consent" % sub["id"],
                        {"prime_may_see_status": True})
        C.check(c.status in (200, 204), "consent given on A", "%s %s" % (c.status, c.text[:200]))
        time.sleep(BOUND)
        for i in range(3):  # the organization's facts cached by B after the first
            g = prime_b.get(path)
            C.check(g.status == 200, "B: the prime sees its consenting subcontractor (request %d)"
                    % (i + 1), "%s %s" % (g.status, g.text[:200]))
        c = sub_adm.put("/api/v1/organizations/%s/consent" % sub["id"],
                        {"prime_may_see_status": False})
        t_change = time.monotonic()
        C.check(c.status in (200, 204), "consent withdrawn on A", "%s %s" % (c.status, c.text[:200]))
        refused_within_bound(C, prime_b, path, (404,),
                             "B refuses the prime once consent is withdrawn on A", t_change)

        # ---- the LISTEN connections cut: per-request reads meanwhile, then listening again ----
        lost0 = (watch_log_count(A, "store version watch: connection lost"),
                 watch_log_count(B, "store version watch: connection lost"))
        cut = mm._psql(url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                       " WHERE application_name = 'mamori version watch'"
                       " AND datname = current_database()").strip()
        C.check(cut == "2", "one LISTEN connection per instance, both cut", cut)
        for k in ("cut", "back"):
            tk = mm.new_token(adm, "revoked on A, listening %s" % k)
            tkb = mm.Client(B, token=tk["token"])
            C.check(tkb.get("/api/v1/session").status == 200, "B accepts a new token (%s)" % k)
            d = adm.delete("/api/v1/tokens/%s" % tk["id"])
            t_change = time.monotonic()
            C.check(d.status in (200, 204), "the token revoked on A (%s)" % k)
            refused_within_bound(C, tkb, "/api/v1/session", (401,),
                                 "B refuses the token revoked on A (LISTEN connection %s)" % k,
                                 t_change)
            if k == "cut":
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and not all(
                        watch_log_count(srv, "store version watch: listening again") > 0
                        for srv in (A, B)):
                    time.sleep(0.05)
                C.check(watch_log_count(A, "store version watch: connection lost") > lost0[0] and
                        watch_log_count(B, "store version watch: connection lost") > lost0[1],
                        "both instances log the lost LISTEN connection")
                C.check(all(watch_log_count(srv, "store version watch: listening again") > 0
                            for srv in (A, B)), "both instances listen again")

        keyf = os.path.join(T, "two.key")
        pub, sec = mm.keygen("Futatsu K.K.", keyf)
        mm.expect(mm.register_key(adm, org["id"], pub), 201, "register key (on A)")
        ka = mm.request(A.port, "GET", "/api/v1/server-key").json or {}
        kb = mm.request(B.port, "GET", "/api/v1/server-key").json or {}
        C.check(ka.get("public_key") and ka == kb, "both instances have the one server key",
                "%s / %s" % (ka, kb))
        with open(mm.EXAMPLE_R3, "rb") as f:
            base = json.loads(f.read())

        # ---- submissions through both at once; B killed mid-way ----
        for name, srv in (("A", A), ("B", B)):
            for i in range(2):
                th = threading.Thread(target=client_thread,
                                      args=(S, srv, name, adm.token, base, sec, i), daemon=True)
                th.start()
                threads.append(th)
        t0 = time.monotonic()
        time.sleep(DURATION / 3)
        with S.lock:
            before_kill = len(S.receipts)
        B.kill()  # SIGKILL, by its PID
        restart_fail = None
        try:
            B.start()
        except mm.ServerError as e:
            restart_fail = str(e)
        with S.lock:
            S.generation["B"] += 1
            S.cond.notify_all()
        time.sleep(max(0.0, DURATION - (time.monotonic() - t0)))
        with S.lock:
            S.stop = True
            S.cond.notify_all()
        for th in threads:
            th.join(30)
        C.check(restart_fail is None, "B starts again after SIGKILL", str(restart_fail)[-2000:])
        C.check(not any(th.is_alive() for th in threads), "client threads finished")
        by = {"A": 0, "B": 0}
        for name, _, _ in S.receipts:
            by[name] += 1
        print("sent %d, receipts %d (A %d, B %d; %d before the kill), %d without an answer, "
              "statuses %s, %.1f s" % (len(S.sent), len(S.receipts), by["A"], by["B"],
                                       before_kill, S.no_answer, S.statuses,
                                       time.monotonic() - t0))
        C.check(by["A"] > 0 and by["B"] > 0, "receipts from both instances", str(by))
        C.check(not S.errors, "no answer other than 201 (or 503)", "; ".join(S.errors[:5]))

        bad_get, bad_hash, bad_body, bad_sig, dups = [], [], [], [], []
        seen = set()
        for i, (name, note, doc) in enumerate(S.receipts):
            rec = doc.get("receipt") if isinstance(doc.get("receipt"), dict) else doc
            sid = rec.get("submission_id")
            if sid in seen:
                dups.append(sid)
            seen.add(sid)
            if not mm.verify_receipt(doc, ka.get("public_key", "")):
                bad_sig.append(sid)
            other = A if i % 2 else B  # read through either instance
            g = mm.Client(other, token=adm.token).get("/api/v1/submissions/%s?body=1" % sid)
            if g.status != 200:
                bad_get.append("%s: %s" % (sid, g.status))
                continue
            j = g.json or {}
            if j.get("body_hash") != rec.get("body_hash") or \
                    rec.get("body_hash") != mm.envelope_hash(S.sent[note]):
                bad_hash.append(sid)
            if j.get("body") != S.sent[note].decode():
                bad_body.append(sid)
        C.check(not bad_get, "every receipt's submission is stored (GET 200 on either instance)",
                str(bad_get[:10]))
        C.check(not bad_hash, "stored body_hash = the receipt's = hash of what was sent",
                str(bad_hash[:10]))
        C.check(not bad_body, "stored body = the document sent, byte for byte", str(bad_body[:10]))
        C.check(not bad_sig, "every receipt's signature verifies with the shared server key",
                str(bad_sig[:10]))
        C.check(not dups, "no two receipts with one submission id", str(dups[:10]))

        con = mm.db_ro(db)
        try:
            n_rows = con.execute("SELECT count(*) FROM submissions").fetchone()[0]
            n_hash = con.execute("SELECT count(DISTINCT body_hash) FROM submissions").fetchone()[0]
            n_audit = con.execute(
                "SELECT count(*) FROM audit_log WHERE action LIKE '%submi%'").fetchone()[0]
            # the organization's latest, written by concurrent transactions (the audit lock is
            # taken after it, mm_store_begin_late): a submission of the latest date, its
            # columns copied onto the organization's row
            latest = con.execute(
                "SELECT o.latest_submission, o.latest_received, o.latest_score,"
                " o.latest_status, s.received, s.score, s.status,"
                " coalesce(s.assessed, substr(s.received, 1, 10)),"
                " (SELECT max(coalesce(assessed, substr(received, 1, 10))) FROM submissions"
                "  WHERE org_id = o.id)"
                " FROM organizations o LEFT JOIN submissions s ON s.id = o.latest_submission"
                " WHERE o.id = ?", (org["id"],)).fetchone()
        finally:
            con.close()
        C.check(n_rows == n_hash, "no submission stored twice", "%d rows, %d hashes"
                % (n_rows, n_hash))
        C.check(n_rows >= len(S.receipts), "at least as many stored as receipted",
                "%d stored, %d receipts" % (n_rows, len(S.receipts)))
        C.check(latest is not None and latest[0] is not None and
                [str(x) for x in latest[1:4]] == [str(x) for x in latest[4:7]] and
                latest[7] == latest[8],
                "the organization's latest is a submission of its latest date, copied onto its row",
                str(latest))
        C.check(n_audit == n_rows, "one audit record per stored submission",
                "%d records, %d submissions" % (n_audit, n_rows))
        for name, srv in (("A", A), ("B", B)):
            C.check(srv.stop() == 0, "%s exits 0 after SIGTERM" % name)
        cp = mm.run(["audit", "verify", "--db", url])
        C.check(cp.returncode == 0 and "chain intact" in cp.stdout,
                "audit verify --db URL: one intact chain from two instances",
                cp.stdout + cp.stderr)
        print(cp.stdout.strip())
    finally:
        with S.lock:
            S.stop = True
            S.cond.notify_all()
        A.kill()
        B.kill()
    took = time.monotonic() - t_start
    C.check(took < LIMIT, "the test took under %.0f s" % LIMIT, "%.1f s" % took)
    print("took %.1f s" % took)
    C.finish()


if __name__ == "__main__":
    mm.need_env()
    main()
