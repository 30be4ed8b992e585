#!/usr/bin/env python3
"""The procedures of docs/operations.md, run as an operator would (what each section says is
run here, or in the test the section names).

- Backup while serving: SQLite's online backup (`sqlite3 LIVE ".backup FILE"`, the backup API)
  taken while submissions are being written; on PostgreSQL (MM_TEST_DB_URL, the _pg run)
  `pg_dump -Fc` of the live database. Restore: the copy into place (SQLite) or `pg_restore`
  into a new, empty database; `mamori audit verify` passes on the restored database, a server
  on it is ready (/readyz) and has every submission the backup was taken after.
- Upgrade: `mamori admin migrate --db` says the schema is up to date (or migrates it, as every
  start does).
- Downgrade: a database whose schema is newer than the binary (as after an upgrade, when the
  older package is installed again) is refused by `serve` and `audit verify` with exit 2 and
  "schema version N is newer than this mamori knows", nothing in it changed; the way back is
  the backup taken before the upgrade.
- Log rotation of a log file (not the journal): `copytruncate`, as logrotate does it: the
  server's stderr is opened for appending, so after the copy and the truncation its next line
  starts at the beginning of the file (no hole of NUL bytes), and the copy has the old lines.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402


def sq(path):
    return "sqlite://" + os.path.abspath(path)


def count_submissions(db):
    con = mm.db_ro(db)
    try:
        return con.execute("SELECT count(*) FROM submissions").fetchone()[0]
    finally:
        con.close()


def main():
    tmp = mm.fresh_tmp()
    c = mm.Checker()
    db = os.path.join(tmp, "live.db")
    auth_org, otp = mm.admin_init(db)
    log = os.path.join(tmp, "serve.log")
    srv = mm.Server(db, log)
    srv.start()
    admin = mm.activate(srv, "root", otp)
    org = mm.create_org(admin, "Backup Contractor")
    kt = mm.make_user(srv, admin, org["id"], "kadmin", "contractor-admin")
    pub, _ = mm.keygen("Backup Contractor", os.path.join(tmp, "k.json"))
    mm.expect(mm.register_key(kt, org["id"], pub), 201, "register the key")

    def submit_one(i):
        a = mm.variant(mm.EXAMPLE_R3, os.path.join(tmp, "a%d.json" % i), "n%d" % i)
        signed = mm.sign(a, os.path.join(tmp, "k.json"), os.path.join(tmp, "s%d.json" % i))
        return mm.submit(kt, signed).status

    for i in range(3):
        c.check(submit_one(i) == 201, "submission %d before the backup" % i)
    done_before = count_submissions(db)

    # writes go on while the backup is taken
    stop = threading.Event()
    statuses = []

    def writer():
        i = 100
        while not stop.is_set() and i < 110:
            statuses.append(submit_one(i))
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    backup = os.path.join(tmp, "backup.db")
    if mm.on_pg():
        url = mm.db_url(db)
        dump = os.path.join(tmp, "backup.pgdump")
        r = subprocess.run([mm._pg_bin("pg_dump"), "-Fc", "-f", dump, "-d", url],
                           capture_output=True, text=True, timeout=120)
        c.check(r.returncode == 0, "pg_dump -Fc of the live database", r.stderr)
    else:
        r = subprocess.run(["sqlite3", db, ".backup '%s'" % backup], capture_output=True,
                           text=True, timeout=120)
        c.check(r.returncode == 0, "sqlite3 .backup of the live database", r.stderr)
    stop.set()
    t.join()
    c.check(statuses and all(s == 201 for s in statuses), "the writes during the backup succeed",
            str(statuses))

    # restore into a new place, check the chain, serve it
    if mm.on_pg():
        restored = os.path.join(tmp, "restored-pg")  # a fresh, empty PostgreSQL database
        rurl = mm.db_url(restored)
        r = subprocess.run([mm._pg_bin("pg_restore"), "--no-owner", "-d", rurl, dump],
                           capture_output=True, text=True, timeout=120)
        c.check(r.returncode == 0, "pg_restore into an empty database", r.stderr)
    else:
        restored = os.path.join(tmp, "restored.db")
        shutil.copy(backup, restored)
        os.chmod(restored, 0o600)
    v = mm.audit_verify(restored)
    c.check(v.returncode == 0, "audit verify on the restored database", v.stdout + v.stderr)
    n = count_submissions(restored)
    c.check(n >= done_before, "the restored database has every submission from before the "
            "backup (%d >= %d)" % (n, done_before))
    srv2 = mm.Server(restored, os.path.join(tmp, "serve2.log"))
    srv2.start()
    c.status(mm.request(srv2.port, "GET", "/readyz"), 200, "a server on the restored database "
             "is ready")
    srv2.stop()

    # log rotation (copytruncate) of the live server's log file
    with open(log, "rb") as f:
        old = f.read()
    rotated = log + ".1"
    shutil.copy(log, rotated)
    with open(log, "r+b") as f:
        f.truncate(0)
    mm.request(srv.port, "GET", "/healthz")
    deadline = time.time() + 5
    while time.time() < deadline and os.path.getsize(log) == 0:
        time.sleep(0.05)
    with open(log, "rb") as f:
        new = f.read()
    c.check(new.startswith(b'{"ts":'), "after copytruncate the next line starts the file",
            repr(new[:80]))
    c.check(b"\0" not in new, "no hole of NUL bytes (stderr is opened for appending)")
    with open(rotated, "rb") as f:
        c.check(f.read() == old and b'"listening"' in old, "the rotated copy has the old lines")
    srv.stop()

    # upgrade: migrate (a no-op here: the schema is current)
    m = mm.run(["admin", "migrate", "--db", mm.db_url(db)])
    c.check(m.returncode == 0 and "up to date" in m.stdout, "admin migrate --db: up to date",
            m.stdout + m.stderr)
    known = int(m.stdout.split("this mamori knows ")[1].split(")")[0])

    # downgrade: a schema newer than this binary is refused, and nothing changes
    con = mm.db_rw(db)
    con.execute("INSERT INTO schema_version (version, applied) VALUES (?, ?)",
                (known + 1, "2099-01-01T00:00:00Z"))
    con.commit()
    con.close()
    before = mm.table_counts(db)
    if not mm.on_pg():
        with open(db, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    for args in (["audit", "verify", "--db", mm.db_url(db)],
                 ["serve", "--db", mm.db_url(db), "--listen", "127.0.0.1:0"]):
        r = mm.run(args, timeout=60)
        c.check(r.returncode == 2 and ("schema version %d is newer than this mamori knows (%d)"
                                       % (known + 1, known)) in r.stderr,
                "%s refuses a newer schema (exit 2, named)" % args[0], r.stdout + r.stderr)
    c.check(mm.table_counts(db) == before, "the newer database is left as it was")
    if not mm.on_pg():
        with open(db, "rb") as f:
            c.check(hashlib.sha256(f.read()).hexdigest() == digest, "byte for byte")
    c.finish()


if __name__ == "__main__":
    main()
