#!/usr/bin/env python3
"""--format json of submit, verify, receipt verify, incident report and admin (docs/cli.md,
"Machine-readable output"): one JSON object on standard output with the documented field
names and values, the exit codes of the text form, and --format anything-else refused (2).
Run against a real server for submit, receipt verify and incident report --server.
"""

import copy
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
import mmserver as mm  # noqa: E402

EPOCH = "1773028800"  # 2026-03-09T04:00:00Z


def cli(args, env=None):
    e = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    e.update(env or {})
    return subprocess.run([mm.MAMORI] + args, capture_output=True, text=True, env=e, timeout=120)


def one_object(c, p, name, keys):
    """The output is exactly one line of JSON, an object with exactly these keys."""
    lines = p.stdout.splitlines()
    try:
        o = json.loads(lines[0]) if len(lines) == 1 else None
    except ValueError:
        o = None
    c.check(isinstance(o, dict) and sorted(o) == sorted(keys), name + ": one object with "
            + ", ".join(sorted(keys)), p.stdout[:600] + p.stderr[:600])
    return o if isinstance(o, dict) else {}


def main():
    tmp = mm.fresh_tmp()
    c = mm.Checker()
    db = os.path.join(tmp, "mamori.db")
    url = mm.db_url(db)

    # admin init / user / migrate
    p = cli(["admin", "init", "--db", url, "--login", "root", "--format", "json"])
    o = one_object(c, p, "admin init", ["authority", "login", "user_id", "one_time_password",
                                        "must_change_password"])
    c.check(p.returncode == 0 and o.get("login") == "root" and len(o.get("one_time_password", ""))
            >= 16 and sorted(o.get("authority", {})) == ["id", "name"], "admin init: values")
    otp = o.get("one_time_password")
    auth_org = o.get("authority", {}).get("id")
    p = cli(["admin", "user", "list", "--db", url, "--format", "json"])
    o = one_object(c, p, "admin user list", ["items"])
    items = o.get("items", [])
    c.check(len(items) == 1 and sorted(items[0]) == ["id", "locked_until", "login", "org_id",
                                                      "role", "state"]
            and items[0]["state"] == "must-change-password" and items[0]["org_id"] == auth_org,
            "admin user list: the fields of a user", str(items))
    p = cli(["admin", "user", "reset", "--db", url, "root", "--format", "json"])
    o = one_object(c, p, "admin user reset", ["action", "login", "id", "one_time_password"])
    c.check(o.get("action") == "reset" and o.get("one_time_password") not in (None, otp),
            "admin user reset: a new one-time password")
    otp = o.get("one_time_password")
    p = cli(["admin", "user", "unlock", "--db", url, "root", "--format", "json"])
    o = one_object(c, p, "admin user unlock", ["action", "login", "id", "one_time_password"])
    c.check(o.get("one_time_password", 1) is None, "admin user unlock: no password")
    p = cli(["admin", "migrate", "--db", url, "--format", "json"])
    o = one_object(c, p, "admin migrate --db", ["schema_before", "schema", "schema_known",
                                                "migrated"])
    c.check(o.get("migrated") is False and o.get("schema") == o.get("schema_known"),
            "admin migrate --db: up to date")
    for args in (["admin", "user", "list", "--db", url], ["verify", "x.json", "--pub", "k"],
                 ["incident", "report", "x.json"]):
        p = cli(args + ["--format", "yaml"])
        c.check(p.returncode == 2 and "--format yaml: expected text or json" in p.stderr
                and p.stdout == "", " ".join(args[:2]) + " --format yaml: exit 2")

    # verify
    key = os.path.join(tmp, "k.json")
    mm.keygen("JSON Contractor", key)
    other = os.path.join(tmp, "other.json")
    mm.keygen("Somebody Else", other)
    signed = os.path.join(tmp, "s.json")
    mm.sign(mm.EXAMPLE_R3, key, signed)
    vkeys = ["valid", "status", "org", "key_id", "reason"]
    p = cli(["verify", signed, "--pub", key + ".pub", "--format", "json"])
    o = one_object(c, p, "verify (valid)", vkeys)
    c.check(p.returncode == 0 and o.get("valid") is True and o.get("status") == "valid"
            and o.get("reason") is None and o.get("org") == "JSON Contractor", "verify: valid, exit 0")
    p = cli(["verify", signed, "--pub", other + ".pub", "--format", "json"])
    o = one_object(c, p, "verify (wrong key)", vkeys)
    c.check(p.returncode == 1 and o.get("valid") is False and o.get("status") == "wrong key"
            and "not with key" in (o.get("reason") or ""), "verify: wrong key, exit 1")

    # a server: submit, receipt verify, incident report --server
    srv = mm.Server(db, os.path.join(tmp, "serve.log"))
    srv.start()
    admin = mm.activate(srv, "root", otp)
    org = mm.create_org(admin, "JSON Contractor")
    kt = mm.make_user(srv, admin, org["id"], "kadmin", "contractor-admin")
    with open(key + ".pub", "rb") as f:
        mm.expect(mm.register_key(kt, org["id"], f.read()), 201, "register the key")
    skf = os.path.join(tmp, "server-key.json")
    with open(skf, "wb") as f:
        f.write(mm.request(srv.port, "GET", "/api/v1/server-key").raw)
    env = {"MAMORI_TOKEN": kt.token}
    base = ["submit", mm.EXAMPLE_R3, "--server", srv.url, "--key", key, "--official", "K. Sato",
            "--date", "2026-03-01", "--server-key", skf, "--format", "json"]
    skeys = ["submission_id", "status", "score", "server_key_id", "submitted", "receipt_verified",
             "http_status", "receipt", "receipt_file"]
    p = cli(base, env)
    o = one_object(c, p, "submit", skeys)
    c.check(p.returncode == 0 and o.get("submitted") is True and o.get("receipt_verified") is True
            and o.get("http_status") == 201 and isinstance(o.get("receipt"), dict)
            and o["receipt"].get("receipt", {}).get("submission_id") == o.get("submission_id")
            and o.get("receipt_file") is None, "submit: accepted, the receipt inside")
    sid = o.get("submission_id")
    receipt = os.path.join(tmp, "receipt.json")
    with open(receipt, "w") as f:
        json.dump(o.get("receipt"), f)
    # the same again: Ed25519 signs deterministically, so this is a replay, refused
    p = cli(base, env)
    o = one_object(c, p, "submit (replay)", ["submitted", "http_status", "error",
                                             "submission_id"])
    c.check(p.returncode == 1 and o.get("submitted") is False and o.get("http_status") == 409
            and o.get("submission_id") == sid and (o.get("error") or {}).get("code") == "conflict",
            "submit (replay): refused, the original named, exit 1")
    other_a = mm.variant(mm.EXAMPLE_R3, os.path.join(tmp, "a2.json"), "second")
    r2 = os.path.join(tmp, "r2.json")
    p = cli(["submit", other_a] + base[2:-2] + ["-o", r2, "--format", "json"], env)
    o = one_object(c, p, "submit -o", skeys)
    c.check(p.returncode == 0 and o.get("receipt") is None and o.get("receipt_file") == r2
            and os.path.exists(r2), "submit -o: the receipt in the file")

    rkeys = ["valid", "submission_id", "status", "score", "server_key_id", "reason"]
    p = cli(["receipt", "verify", receipt, "--server-key", skf, "--format", "json"])
    o = one_object(c, p, "receipt verify (valid)", rkeys)
    c.check(p.returncode == 0 and o.get("valid") is True and o.get("submission_id") == sid
            and o.get("reason") is None, "receipt verify: valid, exit 0")
    with open(receipt) as f:
        bad = json.load(f)
    bad2 = copy.deepcopy(bad)
    bad2["receipt"]["score"] = (bad2["receipt"].get("score") or 0) + 1
    with open(receipt + ".bad", "w") as f:
        json.dump(bad2, f)
    p = cli(["receipt", "verify", receipt + ".bad", "--server-key", skf, "--format", "json"])
    o = one_object(c, p, "receipt verify (tampered)", rkeys)
    c.check(p.returncode == 1 and o.get("valid") is False and o.get("reason"),
            "receipt verify: a changed score is invalid, exit 1")

    # incident report: offline, then --server
    fixture = os.path.join(mm.SRC, "tests", "fixtures", "incident", "initial.json")
    ikeys = ["file", "valid", "type", "tlp", "initial_report", "discovered", "time_zone", "due",
             "hours", "state", "seconds_left", "preserve_until"]
    p = cli(["incident", "report", fixture, "--format", "json"])
    o = one_object(c, p, "incident report (offline)", ikeys)
    c.check(p.returncode == 0 and o.get("discovered") == "2026-03-08T04:00:00Z"
            and o.get("due") == "2026-03-11T04:00:00Z" and o.get("seconds_left") == 172800
            and o.get("hours") == 72 and o.get("state") == "open", "incident report: the deadline")
    with open(fixture) as f:
        rep = json.load(f)
    rep.pop("$schema", None)
    rep.pop("time_zone", None)
    import datetime
    rep["discovered"] = (datetime.datetime.now(datetime.timezone.utc)
                         - datetime.timedelta(hours=2)).replace(microsecond=0).isoformat()
    rpath = os.path.join(tmp, "incident.json")
    with open(rpath, "w") as f:
        json.dump(rep, f)
    e2 = dict(os.environ, MAMORI_TOKEN=kt.token)
    p = subprocess.run([mm.MAMORI, "incident", "report", rpath, "--server", srv.url, "--format",
                        "json"], capture_output=True, text=True, env=e2, timeout=60)
    o = one_object(c, p, "incident report --server", ["sent", "http_status", "incident"])
    c.check(p.returncode == 0 and o.get("sent") is True and o.get("http_status") == 201
            and (o.get("incident") or {}).get("report_number", "").startswith("MAM-"),
            "incident report --server: the server's incident")
    rep["report_type"] = "follow-on"
    rep["initial_report"] = "MAM-1999-000009"
    with open(rpath, "w") as f:
        json.dump(rep, f)
    p = subprocess.run([mm.MAMORI, "incident", "report", rpath, "--server", srv.url, "--format",
                        "json"], capture_output=True, text=True, env=e2, timeout=60)
    o = one_object(c, p, "incident report --server (refused)", ["sent", "http_status", "error"])
    c.check(p.returncode == 1 and o.get("sent") is False and o.get("http_status") == 422
            and "code" in (o.get("error") or {}), "incident report --server refused: exit 1")
    srv.stop()
    c.finish()


if __name__ == "__main__":
    main()
