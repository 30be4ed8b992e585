#!/usr/bin/env python3
"""`mamori admin export / import / migrate`: the portable dump (docs/store.md, "Dump format").

A SQLite database filled through the real server (admin init, organizations with a prime and
a subcontractor, users, a revoked token, a key, 3 submissions, failed logons) is exported,
imported into a fresh SQLite database and exported again: the dumps are the same but for the
header's time (byte for byte with SOURCE_DATE_EPOCH); `audit verify` passes on the import; a
server on it answers GET /api/v1/contractors and the submission bodies byte for byte, keeps
the receipt key and the tokens, and takes a new submission whose audit record continues the
chain. Refused, with nothing imported: a non-empty database, a truncated dump (cut at a line
and inside one), a trailer whose hash does not match, an edited audit record (trailer hash
recomputed: the chain check refuses it).

With MM_TEST_DB_URL (the CTest fixture pg: test_dump_py_pg) also the round trip
SQLite -> PostgreSQL -> SQLite through `admin migrate --from --to`, a server on the
PostgreSQL copy, and `admin migrate --db`.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (and MM_TEST_DB_URL).
"""

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
import mmserver as mm  # noqa: E402


def sq(path):
    """An explicit SQLite URL (mmserver maps plain paths to PostgreSQL under MM_TEST_DB_URL)."""
    return "sqlite://" + os.path.abspath(path)


def read_lines(path):
    with open(path, "rb") as f:
        return f.read().split(b"\n")


def same_but_time(a, b):
    """(equal, why): two dumps equal except the header's exported time (and so the hash)."""
    la, lb = read_lines(a), read_lines(b)
    if len(la) != len(lb):
        return False, "%d lines vs %d" % (len(la), len(lb))
    ha, hb = json.loads(la[0]), json.loads(lb[0])
    ha.pop("exported", None)
    hb.pop("exported", None)
    if ha != hb:
        return False, "headers differ: %s / %s" % (ha, hb)
    # the last line is "" (the file ends with a newline); the one before is the trailer
    for i in range(1, len(la) - 2):
        if la[i] != lb[i]:
            return False, "line %d differs:\n%s\n%s" % (i + 1, la[i][:300], lb[i][:300])
    ta, tb = json.loads(la[-2]), json.loads(lb[-2])
    if ta["rows"] != tb["rows"]:
        return False, "trailer counts differ"
    return True, ""


def sqlite_counts(path):
    con = sqlite3.connect(path)
    try:
        return {t: con.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                for t in ("organizations", "users", "api_tokens", "signing_keys", "submissions",
                          "submission_gaps", "submission_milestones", "audit_log", "server_keys",
                          "communities", "community_members", "shared_items", "item_recipients",
                          "item_permissions", "incidents", "item_reshares",
                          "affirmations",
                          "products", "product_labels",
                          "taxii_status", "federation_log",
                          "clearances", "clearance_policy", "ntk_groups", "ntk_members",
                          "item_gates", "user_nationality",
                          # schema 13: the supply chain
                          "supply_edges", "supply_consent", "clause_statements", "org_profiles",
                          "notifications",
                          # schema 16: sectors, designations, installation plans
                          "org_sectors", "install_plans", "install_plan_events",
                          # schema 17: notifications delivered
                          "notify_prefs", "notify_outbox", "notify_attempts",
                          # schema 18: read marks per user
                          "notification_reads", "notification_read_marks")}
    finally:
        con.close()


def write_with_trailer(lines, path):
    """Writes row lines (bytes, no newline) with a header first and a fresh, matching
    trailer."""
    body = b"".join(l + b"\n" for l in lines[:-1])
    trailer = json.loads(lines[-1])
    trailer["sha256"] = hashlib.sha256(body).hexdigest()
    with open(path, "wb") as f:
        f.write(body + json.dumps(trailer, separators=(",", ":")).encode() + b"\n")


def fill(C, T, db):
    """Fills db through the server; returns what to compare later."""
    _, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, os.path.join(T, "src.log")).start()
    try:
        root = mm.token_client(srv, mm.activate(srv, "root", otp), "root")
        prime = mm.create_org(root, "Dump Prime K.K.", identifiers={"cage": "1DMP1"})
        sub = mm.create_org(root, "Dump Sub 株式会社", parent_id=prime["id"],
                            identifiers={"cage": "1DMP2"})
        adm = mm.make_user(srv, root, prime["id"], "dump-admin", "contractor-admin")
        mm.make_user(srv, root, sub["id"], "dump-sub", "contractor-admin")
        spare = mm.new_token(adm.session, "to revoke")
        mm.expect(adm.session.delete("/api/v1/tokens/%s" % spare["id"]), (200, 204), "revoke")
        for _ in range(2):
            r, _ = mm.logon(srv, "dump-sub", "wrong password, twice")
            C.check(r.status == 401, "a failed logon", str(r.status))
        keyf = os.path.join(T, "dump.key")
        pub, sec = mm.keygen("Dump Prime K.K.", keyf)
        mm.expect(mm.register_key(adm, prime["id"], pub), 201, "register key")
        with open(mm.EXAMPLE_R3, "rb") as f:
            base = json.loads(f.read())
        ids = []
        for i in range(3):
            a = dict(base, _note="dump %d: «quoted» \\ \"text\" \u2028 ✓" % i)
            doc = mm.sign_envelope(mm.make_envelope(a), sec)
            r = mm.submit(adm, doc)
            mm.expect(r, 201, "submission %d" % i)
            ids.append(mm.receipt_of(r)["submission_id"])
        # an annual affirmation of the latest submission (32 CFR 170.22; schema 5)
        latest = root.get("/api/v1/organizations/%s" % prime["id"]).json["latest"]["id"]
        env = {"affirming_official": {"date": "2026-11-20", "name": "Dump «Official»"},
               "kind": "mamori-affirmation", "submission_id": latest, "version": 1}
        r = adm.post("/api/v1/organizations/%s/affirmations" % prime["id"],
                     mm.sign_envelope(env, sec), headers={"Content-Type": "application/json"})
        mm.expect(r, 201, "affirmation")
        # an IoT product with a label (schema 10)
        r = mm.expect(adm.post("/api/v1/organizations/%s/products" % prime["id"],
                               {"name": "Dump «Cam»", "model": "D-1", "firmware": "1.0"}), 201, "product")
        product = r.json["id"]
        mm.expect(adm.post("/api/v1/organizations/%s/products/%s/labels" % (prime["id"], product),
                           {"scheme": "jc-star", "level": "1", "label_id": "JC-1", "issued": "2025-04-01",
                            "expires": "2027-03-31", "evidence_sha256": "ab" * 32}), 201, "label")
        # schema 12: a clearance (revoked too), a facility certification, a policy row, a
        # need-to-know group with members, a gated item, a nationality and a country
        for body in ({"login": "dump-admin", "regime": "jp-iesi", "level": "designated «L»",
                      "granting_body": "Cabinet Office", "granted": "2026-04-01",
                      "expires": "2031-03-31", "evidence": "CO-2026-0142"},
                     {"org_id": prime["id"], "regime": "jp-iesi", "level": "designated «L»",
                      "granting_body": "Cabinet Office", "granted": "2026-04-01",
                      "evidence": "facility ref"}):
            mm.expect(root.post("/api/v1/clearances", body), 201, "clearance")
        mm.expect(root.post("/api/v1/clearances/1/revoke", {}), 200, "revoke a clearance")
        mm.expect(root.post("/api/v1/clearance-policy", {
            "held_regime": "xa-test", "held_level": "L3", "required_regime": "xa-test",
            "required_level": "L2", "source": "test data, not a real equivalence"}), 201, "policy")
        mm.expect(root.post("/api/v1/ntk-groups", {"id": "dump-cell", "name": "Dump «cell»",
                                                   "owner_org": prime["id"], "hide_members": True}),
                  201, "group")
        mm.expect(root.post("/api/v1/ntk-groups/dump-cell/members", {"login": "dump-admin",
                                                                     "manager": True}), 201, "member")
        gated = mm.expect(adm.post("/api/v1/items", {
            "title": "Dump gated", "tlp": "TLP:AMBER+STRICT",
            "gate": {"clearance": {"regime": "jp-iesi", "level": "designated «L»"}, "facility": True,
                     "ntk_group": "dump-cell", "nationalities": ["JP"], "org_countries": ["JP", "US"]}}),
            201, "gated item").json["id"]
        for args in (["--user", "dump-admin", "--nationality", "JP"], ["--org", prime["id"], "--country", "JP"]):
            cp = mm.run(["admin", "clearance", "person", "--db", mm.db_url(db)] + args)
            C.check(cp.returncode == 0, "admin clearance person " + " ".join(args), cp.stderr)
        seen = {
            "product": adm.get("/api/v1/organizations/%s/products/%s" % (prime["id"], product)).raw,
            "product_id": product,
            "gated": adm.get("/api/v1/items/%s" % gated).raw,
            "gated_id": gated,
            "clearances": root.get("/api/v1/clearances").raw,
            "policy": root.get("/api/v1/clearance-policy").raw,
            "groups": root.get("/api/v1/ntk-groups").raw,
            "affirmations": adm.get("/api/v1/organizations/%s/affirmations" % prime["id"]).raw,
            "contractors": root.get("/api/v1/contractors?per_page=100").raw,
            "bodies": {i: adm.get("/api/v1/submissions/%s?body=1" % i).raw for i in ids},
            "server_key": mm.request(srv.port, "GET", "/api/v1/server-key").raw,
            "root_token": root.token,
            "adm_token": adm.token,
            "sec": sec,
            "base": base,
            "prime": prime["id"],
        }
    finally:
        C.check(srv.stop() == 0, "the source server stops")
    return seen


def same_answers(C, T, url, seen, tag, submit_new):
    """A server on url answers as the source did; optionally takes a new submission."""
    srv = mm.Server(url, os.path.join(T, tag + ".log")).start()
    try:
        root = mm.Client(srv, token=seen["root_token"])
        adm = mm.Client(srv, token=seen["adm_token"])
        r = root.get("/api/v1/contractors?per_page=100")
        C.check(r.status == 200 and r.raw == seen["contractors"],
                "%s: GET /api/v1/contractors byte for byte (the tokens work)" % tag,
                "%s\n%s\n%s" % (r.status, r.raw[:300], seen["contractors"][:300]))
        bad = [i for i, raw in seen["bodies"].items()
               if adm.get("/api/v1/submissions/%s?body=1" % i).raw != raw]
        C.check(not bad, "%s: the submissions and their bodies byte for byte" % tag, str(bad))
        k = mm.request(srv.port, "GET", "/api/v1/server-key").raw
        C.check(k == seen["server_key"], "%s: the same receipt key" % tag)
        r = adm.get("/api/v1/organizations/%s/affirmations" % seen["prime"])
        C.check(r.raw == seen["affirmations"] and '"total":1' in r.text,
                "%s: the affirmation byte for byte" % tag, r.text[:300])
        r = adm.get("/api/v1/organizations/%s/products/%s" % (seen["prime"], seen["product_id"]))
        C.check(r.raw == seen["product"] and "JC-1" in r.text, "%s: the product and its label byte for byte" % tag,
                r.text[:300])
        for what, path, who in (("clearances", "/api/v1/clearances", root),
                                ("policy", "/api/v1/clearance-policy", root),
                                ("groups", "/api/v1/ntk-groups", root),
                                ("gated", "/api/v1/items/%s" % seen["gated_id"], adm)):
            r = who.get(path)
            C.check(r.raw == seen[what], "%s: %s byte for byte (schema 12)" % (tag, path), r.text[:300])
        if submit_new:
            a = dict(seen["base"], _note="after the import (%s)" % tag)
            doc = mm.sign_envelope(mm.make_envelope(a), seen["sec"])
            r = mm.submit(adm, doc)
            C.check(r.status == 201, "%s: a new submission is taken in" % tag,
                    "%s %s" % (r.status, r.text[:200]))
            rec = r.json or {}
            C.check(mm.verify_receipt(rec, json.loads(k)["public_key"]),
                    "%s: its receipt verifies with the imported key" % tag)
    finally:
        C.check(srv.stop() == 0, "%s: the server stops" % tag)


def main():
    C = mm.Checker()
    T = mm.fresh_tmp()
    src = os.path.join(T, "src.db")
    seen = fill(C, T, sq(src))
    before = sqlite_counts(src)

    # ---- export, import, export ----
    d1, d2 = os.path.join(T, "one.dump"), os.path.join(T, "two.dump")
    cp = mm.run(["admin", "export", "--db", sq(src), "-o", d1])
    C.check(cp.returncode == 0, "admin export", cp.stdout + cp.stderr)
    C.check(stat.S_IMODE(os.stat(d1).st_mode) == 0o600, "the dump is mode 0600",
            oct(os.stat(d1).st_mode))
    C.check("receipt secret key" in cp.stdout, "export says the dump holds secrets", cp.stdout)
    lines = read_lines(d1)
    head, trail = json.loads(lines[0]), json.loads(lines[-2])
    C.check(head.get("kind") == "mamori-dump" and head.get("version") == 1 and
            head.get("schema") == 20 and "sessions" not in head.get("tables", []),
            "the header (sessions are not in a dump)", lines[0][:300])
    C.check(trail.get("sha256") == hashlib.sha256(b"".join(l + b"\n" for l in lines[:-2]))
            .hexdigest(), "the trailer's sha256 is that of every line before it")
    C.check(trail.get("rows") == before, "the trailer counts every row of every table",
            "%s / %s" % (trail.get("rows"), before))
    rows = [json.loads(l) for l in lines[1:-2]]
    users = {r["row"]["login"]: r["row"] for r in rows if r["table"] == "users"}
    C.check(users.get("dump-sub", {}).get("failed_logons") == 2 and
            users["dump-sub"]["password_hash"].startswith("$argon2id$"),
            "users with their password hashes and lockout state", str(users.get("dump-sub")))
    C.check(any(r["table"] == "api_tokens" and r["row"]["revoked"] for r in rows),
            "a revoked token stays revoked")
    con = sqlite3.connect(src)
    try:
        stored = {i: b for i, b in con.execute("SELECT id, body FROM submissions")}
    finally:
        con.close()
    dumped = {r["row"]["id"]: r["row"]["body"] for r in rows if r["table"] == "submissions"}
    C.check(dumped == stored and len(stored) == 3, "submission bodies exactly as stored")

    dst = os.path.join(T, "dst.db")
    cp = mm.run(["admin", "import", "--db", sq(dst), d1])
    C.check(cp.returncode == 0 and "chain intact" in cp.stdout, "admin import into a new database",
            cp.stdout + cp.stderr)
    C.check(sqlite_counts(dst) == before, "every row imported", str(sqlite_counts(dst)))
    cp = mm.run(["admin", "export", "--db", sq(dst), "-o", d2])
    C.check(cp.returncode == 0, "export of the import", cp.stderr)
    ok, why = same_but_time(d1, d2)
    C.check(ok, "export -> import -> export: the same dump but for the header's time", why)
    cp = mm.run(["audit", "verify", "--db", sq(dst)])
    C.check(cp.returncode == 0 and "chain intact" in cp.stdout, "audit verify on the import",
            cp.stdout + cp.stderr)

    # byte for byte with a fixed time
    env_run = dict(os.environ, SOURCE_DATE_EPOCH="1790000000")
    e1, e2 = os.path.join(T, "e1.dump"), os.path.join(T, "e2.dump")
    for db, out in ((src, e1), (dst, e2)):
        subprocess.run([mm.MAMORI, "admin", "export", "--db", sq(db), "-o", out], env=env_run,
                       capture_output=True, timeout=120)
    with open(e1, "rb") as f1, open(e2, "rb") as f2:
        C.check(f1.read() == f2.read(), "with SOURCE_DATE_EPOCH the two dumps are identical")

    same_answers(C, T, sq(dst), seen, "sqlite import", True)
    cp = mm.run(["audit", "verify", "--db", sq(dst)])
    n = before["audit_log"]
    C.check(cp.returncode == 0 and "chain intact" in cp.stdout and
            sqlite_counts(dst)["audit_log"] > n,
            "the new submission's audit record continues the imported chain",
            cp.stdout + cp.stderr)

    # ---- refusals: nothing imported ----
    cp = mm.run(["admin", "import", "--db", sq(dst), d1])
    C.check(cp.returncode == 2 and "not empty" in cp.stderr, "import into a non-empty database",
            cp.stdout + cp.stderr)

    def refused(name, data, want):
        p = os.path.join(T, name + ".dump")
        with open(p, "wb") as f:
            f.write(data)
        db = os.path.join(T, name + ".db")
        cp = mm.run(["admin", "import", "--db", sq(db), p])
        counts = sqlite_counts(db) if os.path.exists(db) else {}
        C.check(cp.returncode == 2 and want in cp.stderr and not any(counts.values()),
                "refused, nothing imported: " + name, "exit %d: %s %s"
                % (cp.returncode, cp.stderr.strip(), counts))

    with open(d1, "rb") as f:
        whole = f.read()
    refused("truncated-at-a-line", b"".join(l + b"\n" for l in lines[:-2]), "truncated")
    refused("truncated-in-a-line", whole[:len(whole) // 2], "truncated")
    refused("trailer-hash", whole.replace(b"Dump Prime K.K.", b"Dump Prime K.X.", 1), "sha256")
    # an audit record edited, and the trailer's hash made to match (an attacker would)
    edited = list(lines[:-1])
    for i, l in enumerate(edited):
        if l.startswith(b'{"table":"audit_log"') and b'"id":3,' in l:
            r = json.loads(l)
            d = r["row"]["detail"]
            r["row"]["detail"] = '{"edited":1}' if d == "{}" else '{"edited":1,' + d[1:]
            edited[i] = json.dumps(r, separators=(",", ":"), ensure_ascii=False).encode()
            break
    else:
        C.check(False, "an audit record 3 in the dump")
    p = os.path.join(T, "edited-audit.dump")
    write_with_trailer(edited, p)
    with open(p, "rb") as f:
        refused("edited-audit", f.read(), "does not verify")
    refused("not-a-dump", b'{"hello":1}\n', "expected a header")

    # ---- admin migrate --db ----
    fresh = os.path.join(T, "fresh.db")
    cp = mm.run(["admin", "migrate", "--db", sq(fresh)])
    C.check(cp.returncode == 0 and "0 -> 20" in cp.stdout, "admin migrate --db on a new database",
            cp.stdout + cp.stderr)
    cp = mm.run(["admin", "migrate", "--db", sq(fresh)])
    C.check(cp.returncode == 0 and "up to date" in cp.stdout, "admin migrate --db again",
            cp.stdout + cp.stderr)

    # ---- SQLite -> PostgreSQL -> SQLite (admin migrate) ----
    if mm.on_pg():
        pg = mm.db_url(os.path.join(T, "pg.db"))  # a fresh, empty PostgreSQL database
        cp = mm.run(["admin", "migrate", "--db", pg])
        C.check(cp.returncode == 0 and "0 -> 20" in cp.stdout, "admin migrate --db on PostgreSQL",
                cp.stdout + cp.stderr)
        cp = mm.run(["admin", "migrate", "--from", sq(src), "--to", pg])
        C.check(cp.returncode == 0 and "chain intact" in cp.stdout,
                "admin migrate SQLite -> PostgreSQL", cp.stdout + cp.stderr)
        cp = mm.run(["audit", "verify", "--db", pg])
        C.check(cp.returncode == 0 and "chain intact" in cp.stdout, "audit verify on PostgreSQL",
                cp.stdout + cp.stderr)
        back = os.path.join(T, "back.db")
        cp = mm.run(["admin", "migrate", "--from", pg, "--to", sq(back)])
        C.check(cp.returncode == 0, "admin migrate PostgreSQL -> SQLite", cp.stdout + cp.stderr)
        d3 = os.path.join(T, "three.dump")
        mm.run(["admin", "export", "--db", sq(back), "-o", d3])
        ok, why = same_but_time(d1, d3)
        C.check(ok, "SQLite -> PostgreSQL -> SQLite: the same dump but for the header's time", why)
        cp = mm.run(["admin", "migrate", "--from", sq(src), "--to", pg])
        C.check(cp.returncode == 2 and "not empty" in cp.stderr,
                "migrate into a non-empty PostgreSQL database is refused", cp.stderr)
        same_answers(C, T, pg, seen, "postgresql copy", True)
        cp = mm.run(["audit", "verify", "--db", pg])
        C.check(cp.returncode == 0 and "chain intact" in cp.stdout,
                "PostgreSQL: the new record continues the chain (the ids continue too)",
                cp.stdout + cp.stderr)
        # an edited dump into PostgreSQL: the chain check refuses it, nothing stays
        pg2 = mm.db_url(os.path.join(T, "pg2.db"))
        cp = mm.run(["admin", "import", "--db", pg2, p])
        con = mm.db_ro(os.path.join(T, "pg2.db"))
        try:
            left = sum(con.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                       for t in ("organizations", "users", "audit_log", "submissions"))
        finally:
            con.close()
        C.check(cp.returncode == 2 and "does not verify" in cp.stderr and left == 0,
                "PostgreSQL: an edited audit record is refused, nothing imported",
                "%s %s" % (cp.stderr, left))
    C.finish()


if __name__ == "__main__":
    mm.need_env()
    main()
