#!/usr/bin/env python3
"""Submissions taken in at once share one transaction (the group commit of
src/server/ingest.c), each with its own answer.

One `mamori serve --threads 4`; 8 client threads send, all at once, 3 copies of each of 20
distinct signed documents in a shuffled order, so that batches mix first copies and
replays (a replay inside the batch that stores its original, or in a later one). Then:

- each document is answered 201 exactly once and 409 twice, every 409 naming the 201's
  submission id (`submission_id`), and no other answer;
- every 201's receipt verifies with the server key and its submission is stored with the
  document's body, byte for byte;
- one submission row and one audit record per 201, none for a 409;
- `mamori audit verify` passes (one chain);
- a document with a signature that does not match, sent among them, is refused 422 and
  stores nothing.

Runs on SQLite and, with MM_TEST_DB_URL (the CTest fixture pg), on PostgreSQL.
Env: MAMORI, MM_SOURCE_DIR, MM_TMP (MM_TEST_DB_URL).
"""

import http.client
import json
import os
import random
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

DOCS = 20
COPIES = 3
THREADS = 8


def main():
    C = mm.Checker()
    T = mm.fresh_tmp()
    db = os.path.join(T, "group.db")
    _, otp = mm.admin_init(db, "root")
    A = mm.Server(db, os.path.join(T, "serve.log"), ["--threads", "4"]).start()
    try:
        root = mm.token_client(A, mm.activate(A, "root", otp), "root")
        org = mm.create_org(root, "Matomete K.K.")
        adm = mm.make_user(A, root, org["id"], "group-admin", "contractor-admin")
        keyf = os.path.join(T, "group.key")
        pub, sec = mm.keygen("Matomete K.K.", keyf)
        mm.expect(mm.register_key(adm, org["id"], pub), 201, "register key")
        server_key = (mm.request(A.port, "GET", "/api/v1/server-key").json or {})
        with open(mm.EXAMPLE_R3, "rb") as f:
            base = json.loads(f.read())
        docs = []
        for i in range(DOCS):
            a = dict(base)
            a["_note"] = "group commit doc %d" % i
            docs.append(mm.sign_envelope(mm.make_envelope(a), sec))
        # one forged: a valid document of ours whose envelope was changed after signing
        forged = json.loads(docs[0])
        forged["envelope"]["assessment"]["_note"] = "changed after signing"
        forged = json.dumps(forged, indent=2, sort_keys=True).encode("utf-8")
        work = [(i, docs[i]) for i in range(DOCS) for _ in range(COPIES)] + [(-1, forged)]
        random.Random(13).shuffle(work)
        lock = threading.Lock()
        answers = []  # (doc index, status, json)
        errors = []
        start = threading.Barrier(THREADS)

        def client():
            cl = mm.Client(A, token=adm.token)
            start.wait()
            while True:
                with lock:
                    if not work:
                        return
                    i, doc = work.pop()
                try:
                    r = cl.post("/api/v1/submissions", doc,
                                headers={"Content-Type": "application/json"}, timeout=60)
                except (OSError, http.client.HTTPException) as e:
                    with lock:
                        errors.append("doc %d: %s" % (i, e))
                    continue
                with lock:
                    answers.append((i, r.status, r.json if isinstance(r.json, dict) else {}))

        threads = [threading.Thread(target=client, daemon=True) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        C.check(not errors and len(answers) == DOCS * COPIES + 1,
                "every request answered", "%d answers; %s" % (len(answers), errors[:3]))

        created, bad = {}, []
        for i, status, j in answers:
            if i < 0:
                C.check(status == 422, "the forged document is refused 422",
                        "%s %s" % (status, j))
                continue
            if status == 201:
                rec = j.get("receipt") if isinstance(j.get("receipt"), dict) else j
                if i in created:
                    bad.append("doc %d: two 201s" % i)
                created[i] = (rec.get("submission_id"), j)
            elif status != 409:
                bad.append("doc %d: %s %s" % (i, status, j))
        C.check(len(created) == DOCS and not bad, "each document answered 201 exactly once",
                "%d of %d; %s" % (len(created), DOCS, bad[:5]))
        replays = [(i, j) for i, status, j in answers if status == 409]
        wrong = [(i, j.get("submission_id")) for i, j in replays
                 if i not in created or j.get("submission_id") != created[i][0]]
        C.check(len(replays) == DOCS * (COPIES - 1) and not wrong,
                "every copy after the first answered 409 naming the stored submission",
                "%d replays; wrong: %s" % (len(replays), wrong[:5]))
        bad_sig, bad_body = [], []
        for i, (sid, j) in created.items():
            if not mm.verify_receipt(j, server_key.get("public_key", "")):
                bad_sig.append(sid)
            g = adm.get("/api/v1/submissions/%s?body=1" % sid)
            if g.status != 200 or (g.json or {}).get("body") != docs[i].decode():
                bad_body.append("%s: %s" % (sid, g.status))
        C.check(not bad_sig, "every receipt verifies with the server key", str(bad_sig[:5]))
        C.check(not bad_body, "every stored body is the document sent", str(bad_body[:5]))
        con = mm.db_ro(db)
        try:
            n_rows = con.execute("SELECT count(*) FROM submissions").fetchone()[0]
            n_audit = con.execute("SELECT count(*) FROM audit_log"
                                  " WHERE action = 'submission.create'").fetchone()[0]
            n_obj = con.execute("SELECT count(DISTINCT object) FROM audit_log"
                                " WHERE action = 'submission.create'").fetchone()[0]
        finally:
            con.close()
        C.check(n_rows == DOCS, "one stored submission per document", "%d rows" % n_rows)
        C.check(n_audit == DOCS and n_obj == DOCS, "one audit record per stored submission",
                "%d records for %d objects" % (n_audit, n_obj))
        C.check(A.stop() == 0, "the server exits 0 after SIGTERM")
        cp = mm.run(["audit", "verify", "--db", mm.db_url(db)])
        C.check(cp.returncode == 0 and "chain intact" in cp.stdout, "audit verify: one intact chain",
                cp.stdout + cp.stderr)
    finally:
        A.kill()
    C.finish()


if __name__ == "__main__":
    mm.need_env()
    main()
