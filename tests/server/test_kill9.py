#!/usr/bin/env python3
"""Reliability of `mamori serve` under SIGKILL: two client threads send distinct signed
submissions as fast as they can while the server is killed (SIGKILL, by its PID) at random
moments (0.05-0.5 s after it starts listening) and restarted on a new port, for about 60 s
and at least 15 kills. Afterwards:

- every receipt received (201 with a body) names a stored submission: GET
  /api/v1/submissions/{id}?body=1 answers it with the receipt's body_hash, and the stored
  body is byte for byte the document sent (and hashes to that body_hash);
- every receipt's Ed25519 signature verifies with the server's key (checked in Python: the
  standard library has no Ed25519, so mmserver.py carries RFC 8032's verification), and that
  key is the same before and after the kills;
- no submission is stored twice, every stored one is one that was sent, the history's total
  matches the database, each submission has its audit record, and `mamori audit verify` and
  SQLite's integrity_check pass.

The documents are signed in Python (mmserver.sign_envelope; the first is checked with
`mamori verify`), so that signing does not limit the rate.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. KILL9_SECONDS (default 60) and KILL9_MIN_KILLS (15).
"""

import http.client
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

DURATION = float(os.environ.get("KILL9_SECONDS", "60"))
MIN_KILLS = int(os.environ.get("KILL9_MIN_KILLS", "15"))
HARD_LIMIT = DURATION * 2.5 + 60  # seconds: never loop longer than this


class Shared:
    def __init__(self):
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self.generation = 0  # bumped at each restart
        self.stop = False
        self.sent = {}  # note -> bytes sent
        self.receipts = []  # (note, receipt document)
        self.statuses = {}  # status -> count
        self.no_answer = 0
        self.errors = []


def client_thread(S, srv, token, envelope_base, sec, tid):
    cl = mm.Client(srv, token=token)
    n = 0
    while True:
        with S.lock:
            if S.stop:
                return
            gen = S.generation
        n += 1
        note = "kill9 thread %d doc %d" % (tid, n)
        a = dict(envelope_base)
        a["_note"] = note
        doc = mm.sign_envelope(mm.make_envelope(a), sec)
        with S.lock:
            S.sent[note] = doc
        try:
            r = cl.post("/api/v1/submissions", doc, headers={"Content-Type": "application/json"}, timeout=30)
        except (OSError, http.client.HTTPException):
            with S.lock:
                S.no_answer += 1
                # wait for the next server (bounded), then go on
                deadline = time.monotonic() + 30
                while S.generation == gen and not S.stop and time.monotonic() < deadline:
                    S.cond.wait(0.5)
            continue
        with S.lock:
            S.statuses[r.status] = S.statuses.get(r.status, 0) + 1
            if r.status == 201:
                if isinstance(r.json, dict) and r.json:
                    S.receipts.append((note, r.json))
                else:
                    S.errors.append("201 without a receipt body: %r" % r.text[:200])
            elif r.status != 503:
                S.errors.append("%s for %s: %s" % (r.status, note, r.text[:200]))


def main():
    C = mm.Checker()
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    _, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, log, ["--threads", "4"]).start()
    S = Shared()
    threads = []
    kills = 0
    try:
        root = mm.token_client(srv, mm.activate(srv, "root", otp), "root")
        org = mm.create_org(root, "Kill Nine K.K.")
        adm = mm.make_user(srv, root, org["id"], "k9-admin", "contractor-admin")
        keyf = os.path.join(T, "k9.key")
        pub, sec = mm.keygen("Kill Nine K.K.", keyf)
        mm.expect(mm.register_key(adm, org["id"], pub), 201, "register key")
        sk0 = mm.request(srv.port, "GET", "/api/v1/server-key").json or {}
        with open(mm.EXAMPLE_R3, "rb") as f:
            base = json.loads(f.read())

        # our Python signature is mamori's
        probe = mm.sign_envelope(mm.make_envelope(dict(base, _note="probe")), sec)
        pp = os.path.join(T, "probe.json")
        with open(pp, "wb") as f:
            f.write(probe)
        cp = mm.run(["verify", pp, "--pub", keyf + ".pub"])
        if not C.check(cp.returncode == 0, "a document signed in Python verifies with mamori verify", cp.stdout + cp.stderr):
            C.finish()

        for i in range(2):
            t = threading.Thread(target=client_thread, args=(S, srv, adm.token, base, sec, i), daemon=True)
            t.start()
            threads.append(t)

        rng = random.Random(os.environ.get("KILL9_SEED") or None)
        t0 = time.monotonic()
        restart_fail = None
        while True:
            el = time.monotonic() - t0
            if (el >= DURATION and kills >= MIN_KILLS) or el >= HARD_LIMIT:
                break
            time.sleep(rng.uniform(0.05, 0.5))
            srv.kill()  # SIGKILL to its PID
            kills += 1
            try:
                srv.start()
            except mm.ServerError as e:
                restart_fail = str(e)
                break
            with S.lock:
                S.generation += 1
                S.cond.notify_all()
        with S.lock:
            S.stop = True
            S.cond.notify_all()
        for t in threads:
            t.join(60)
        C.check(restart_fail is None, "the server restarts after every SIGKILL", str(restart_fail)[-2000:])
        C.check(not any(t.is_alive() for t in threads), "client threads finished")
        if not srv.alive():
            srv.start()

        print("sent %d submissions, %d receipts, %d without an answer, %d kills, statuses %s, %.0f s"
              % (len(S.sent), len(S.receipts), S.no_answer, kills, S.statuses, time.monotonic() - t0))
        C.check(kills >= MIN_KILLS, "at least %d kills" % MIN_KILLS, str(kills))
        C.check(len(S.receipts) > 0, "receipts between the kills", "%d receipts" % len(S.receipts))
        C.check(not S.errors, "no answer other than 201 (or 503)", "; ".join(S.errors[:10]))

        sk1 = mm.request(srv.port, "GET", "/api/v1/server-key").json or {}
        C.check(sk0.get("public_key") and sk0 == sk1, "the server key is the same after the kills", "%s / %s" % (sk0, sk1))
        seen_ids = set()
        bad_get, bad_hash, bad_body, bad_sig, dup_ids = [], [], [], [], []
        for note, doc in S.receipts:
            rec = doc.get("receipt") if isinstance(doc.get("receipt"), dict) else doc
            sid = rec.get("submission_id")
            if sid in seen_ids:
                dup_ids.append(sid)
            seen_ids.add(sid)
            if not mm.verify_receipt(doc, sk1.get("public_key", "")):
                bad_sig.append(sid)
            g = adm.get("/api/v1/submissions/%s?body=1" % sid)
            if g.status != 200:
                bad_get.append("%s: %s" % (sid, g.status))
                continue
            j = g.json or {}
            if j.get("body_hash") != rec.get("body_hash") or rec.get("body_hash") != mm.envelope_hash(S.sent[note]):
                bad_hash.append(sid)
            if j.get("body") != S.sent[note].decode():
                bad_body.append(sid)
        C.check(not bad_get, "every receipt's submission is stored (GET 200)", str(bad_get[:10]))
        C.check(not bad_hash, "stored body_hash = the receipt's = hash of what was sent", str(bad_hash[:10]))
        C.check(not bad_body, "stored body = the document sent", str(bad_body[:10]))
        C.check(not bad_sig, "every receipt's signature verifies (%d)" % len(S.receipts), str(bad_sig[:10]))
        C.check(not dup_ids, "no two receipts with one submission id", str(dup_ids[:10]))

        con = mm.db_ro(db)
        try:
            rows = con.execute("SELECT id, body, body_hash FROM submissions").fetchall()
            n_hash = con.execute("SELECT count(DISTINCT body_hash) FROM submissions").fetchone()[0]
            integ = con.execute("PRAGMA integrity_check").fetchone()[0]
            n_audit = con.execute("SELECT count(*) FROM audit_log WHERE action LIKE '%submi%'").fetchone()[0]
        finally:
            con.close()
        notes = []
        unknown = []
        for sid, body, h in rows:
            b = body if isinstance(body, str) else body.decode()
            try:
                note = json.loads(b)["envelope"]["assessment"].get("_note")
            except (ValueError, KeyError, TypeError):
                note = None
            notes.append(note)
            if note not in S.sent or S.sent[note].decode() != b:
                unknown.append(sid)
        C.check(len(rows) == n_hash and len(set(notes)) == len(notes), "no submission stored twice",
                "%d rows, %d hashes, %d notes" % (len(rows), n_hash, len(set(notes))))
        C.check(not unknown, "every stored submission is one that was sent, byte for byte", str(unknown[:10]))
        C.check(len(rows) >= len(S.receipts), "at least as many stored as receipted",
                "%d stored, %d receipts" % (len(rows), len(S.receipts)))
        C.check(integ == "ok", "SQLite integrity_check ok", integ)
        C.check(n_audit == len(rows), "one audit record per stored submission", "%d records, %d submissions" % (n_audit, len(rows)))
        h = adm.get("/api/v1/organizations/%s/submissions?per_page=1" % org["id"])
        C.check(h.status == 200 and (h.json or {}).get("total") == len(rows), "history total = stored submissions",
                "%s %s vs %d" % (h.status, h.text[:200], len(rows)))
        print("stored %d submissions (%d with a receipt, %d stored without one: killed after the commit)"
              % (len(rows), len(S.receipts), len(rows) - len(S.receipts)))
        rc = srv.stop()
        C.check(rc == 0, "exit 0 after SIGTERM", str(rc))
        cp = mm.audit_verify(db)
        C.check(cp.returncode == 0, "audit verify after %d kills: exit 0" % kills, cp.stdout + cp.stderr)
        print(cp.stdout.strip())
    finally:
        with S.lock:
            S.stop = True
            S.cond.notify_all()
        srv.kill()
    C.finish()


if __name__ == "__main__":
    mm.need_env()
    main()
