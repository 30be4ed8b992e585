#!/usr/bin/env python3
"""Rotating the server's receipt key (docs/operations.md, "Rotating the receipt key").

A receipt is taken under the first key and the server key saved; `mamori admin rotate-key`
makes a new key (audited: server_key.rotate; the audit chain still verifies); after a restart
the server signs new receipts with the new key and publishes the old one under "retired" of
GET /api/v1/server-key; the old receipt still verifies with the newly saved server-key file
(`mamori receipt verify`, which finds the retired key by the id the receipt names), and does not
with a server-key file without the retired list (wrong key, exit 1); a second rotation keeps
both older keys. Runs on both back ends (test_key_rotation_py_pg).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402


def main():
    tmp = mm.fresh_tmp()
    c = mm.Checker()
    db = os.path.join(tmp, "mamori.db")
    auth_org, otp = mm.admin_init(db)
    p = mm.run(["admin", "rotate-key", "--db", mm.db_url(db)])
    c.check(p.returncode == 2 and "no server key yet" in p.stderr,
            "rotate-key before the first start: exit 2, named", p.stderr)
    srv = mm.Server(db, os.path.join(tmp, "serve.log"))
    srv.start()
    admin = mm.activate(srv, "root", otp)
    org = mm.create_org(admin, "Rotation Contractor")
    kt = mm.make_user(srv, admin, org["id"], "kadmin", "contractor-admin")
    pub, _ = mm.keygen("Rotation Contractor", os.path.join(tmp, "k.json"))
    mm.expect(mm.register_key(kt, org["id"], pub), 201, "register the key")

    def submit(note):
        a = mm.variant(mm.EXAMPLE_R3, os.path.join(tmp, note + ".json"), note)
        signed = mm.sign(a, os.path.join(tmp, "k.json"), os.path.join(tmp, note + ".signed"))
        r = mm.submit(kt, signed)
        c.status(r, 201, "submission " + note)
        path = os.path.join(tmp, note + ".receipt")
        with open(path, "wb") as f:
            f.write(r.raw)
        return path

    def save_key(name):
        r = mm.request(srv.port, "GET", "/api/v1/server-key")
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(r.raw)
        return r.json, path

    old_receipt = submit("before")
    k1, k1_file = save_key("key1.json")
    c.check(k1.get("retired") == [], "before any rotation: no retired key", str(k1))
    srv.stop()

    p = mm.run(["admin", "rotate-key", "--db", mm.db_url(db), "--format", "json"])
    o = json.loads(p.stdout or "{}")
    c.check(p.returncode == 0 and o.get("retired_key_id") == k1["key_id"]
            and o.get("key_id") not in (None, k1["key_id"]) and o.get("retired_keys") == 1,
            "rotate-key: a new key, the old one retired", p.stdout + p.stderr)
    v = mm.audit_verify(db)
    c.check(v.returncode == 0, "the audit chain verifies after the rotation", v.stdout + v.stderr)
    con = mm.db_ro(db)
    n = con.execute("SELECT count(*) FROM audit_log WHERE action = 'server_key.rotate'").fetchone()[0]
    con.close()
    c.check(n == 1, "the rotation is in the audit log")

    srv.start()
    k2, k2_file = save_key("key2.json")
    c.check(k2["key_id"] == o.get("key_id"), "after a restart the server presents the new key")
    retired = k2.get("retired") or []
    c.check(len(retired) == 1 and retired[0].get("key_id") == k1["key_id"]
            and retired[0].get("public_key") == k1["public_key"] and retired[0].get("retired"),
            "and publishes the old one as retired", str(retired))
    new_receipt = submit("after")
    with open(new_receipt) as f:
        c.check(json.load(f)["receipt"]["server_key_id"] == k2["key_id"],
                "a new receipt is signed with the new key")

    def verify(receipt, keyfile):
        return mm.run(["receipt", "verify", receipt, "--server-key", keyfile])

    p = verify(old_receipt, k2_file)
    c.check(p.returncode == 0 and "receipt valid" in p.stdout and "retired server key" in p.stderr,
            "the old receipt verifies with the new server-key file (retired key)",
            p.stdout + p.stderr)
    p = verify(new_receipt, k2_file)
    c.check(p.returncode == 0, "the new receipt verifies with it", p.stdout + p.stderr)
    p = verify(old_receipt, k1_file)
    c.check(p.returncode == 0, "the old receipt still verifies with the old file")
    bare = dict(k2)
    bare.pop("retired")
    bare_file = os.path.join(tmp, "key2-bare.json")
    with open(bare_file, "w") as f:
        json.dump(bare, f)
    p = verify(old_receipt, bare_file)
    c.check(p.returncode == 1 and "INVALID" in p.stdout,
            "without the retired list the old receipt does not verify (exit 1)", p.stdout + p.stderr)
    # a forged "retired" entry: the id is worked out from the key, not read from the file
    forged = dict(k2)
    forged["retired"] = [{"public_key": k2["public_key"], "key_id": k1["key_id"]}]
    forged_file = os.path.join(tmp, "key2-forged.json")
    with open(forged_file, "w") as f:
        json.dump(forged, f)
    p = verify(old_receipt, forged_file)
    c.check(p.returncode == 1, "a retired entry whose key_id lies is not used", p.stdout)
    srv.stop()

    p = mm.run(["admin", "rotate-key", "--db", mm.db_url(db)])
    c.check(p.returncode == 0 and "2 retired in all" in p.stdout, "a second rotation", p.stdout)
    srv.start()
    k3, k3_file = save_key("key3.json")
    c.check([k["key_id"] for k in k3.get("retired", [])] == [k2["key_id"], k1["key_id"]],
            "both older keys published, newest first", str(k3.get("retired")))
    p = verify(old_receipt, k3_file)
    c.check(p.returncode == 0, "the first receipt verifies after two rotations", p.stderr)
    srv.stop()
    c.finish()


if __name__ == "__main__":
    main()
