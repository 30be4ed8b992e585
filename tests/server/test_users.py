#!/usr/bin/env python3
"""Account administration (docs/api.md, "Managing users"; docs/cli.md, "mamori admin user"):
an administrator unlocks a locked-out user, resets a password (one-time, shown once, to be
changed at the next logon), disables a user (its session and token refused at once), enables
it again and deletes it (its audit records stay, its login is refused for 90 days); nobody
disables or deletes the last enabled authority-admin, nobody acts on itself; the same from
`mamori admin user` against the database, audited as cli:admin-user. Who may do it at all is
tests/server/test_isolation.py's matrix.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402
from test_web import CSP, Browser  # noqa: E402

C = mm.Checker()


def user_id(admin, org, login):
    items = admin.get("/api/v1/organizations/%s/users" % org).json["items"]
    return next((u["id"] for u in items if u["login"] == login), None)


def audit_rows(db, action):
    con = mm.db_ro(db)
    try:
        return list(con.execute("SELECT actor, object, detail FROM audit_log WHERE action = ?", (action,)))
    finally:
        con.close()


def dashboard(srv, root, auth_org, org_a):
    """The users page: the same actions from forms under CSRF and CSP, in both languages."""
    mm.make_user(srv, root, org_a, "ua-web-admin", "contractor-admin")
    mm.make_user(srv, root, org_a, "ua-web-member", "contractor-member")
    mm.create_user(root, org_a, "ua-carol", "contractor-member")
    carol = user_id(root, org_a, "ua-carol")
    b = Browser(srv)
    C.status(b.login("ua-web-admin", mm.GOOD_PASSWORD), 303, "the contractor-admin signs in")
    r = b.get("/users")
    C.status(r, 200, "GET /users")
    C.check(r.header("Content-Security-Policy") == CSP, "the users page has the CSP", r.header("Content-Security-Policy"))
    C.check('<tr data-user-id="%d">' % carol in r.text and "<bdi>ua-carol</bdi>" in r.text,
            "the users page lists carol (her login isolated)", mm.short(r.text, 400))
    C.check("<bdi>root</bdi>" not in r.text, "a contractor-admin sees only its organization's users")
    C.check('action="/users/%s/%d/disable"' % (org_a, carol) in r.text, "a disable button for carol")
    me = user_id(root, org_a, "ua-web-admin")
    C.check('action="/users/%s/%d/disable"' % (org_a, me) not in r.text, "no disable button for oneself")
    C.check('href="/users"' in r.text, "the header links to /users for an administrator")
    rj = b.get("/users?lang=ja")
    C.check("ユーザー" in rj.text and "無効化" in rj.text, "the users page in Japanese", mm.short(rj.text, 300))
    b.get("/users?lang=en")
    page = b.get("/users")
    r = b.post("/users/%s/%d/disable" % (org_a, carol), {}, csrf=False)
    C.status(r, 403, "a users form without the csrf field: 403")
    r = b.post("/users/%s/%d/disable" % (org_a, carol), {}, page=page)
    C.check(r.status == 200 and '<td data-state="disabled">' in r.text and 'id="user-result"' in r.text,
            "disable from the page", mm.short(r.text, 300))
    r = b.post("/users/%s/%d/enable" % (org_a, carol), {}, page=r)
    C.check(r.status == 200 and 'action="/users/%s/%d/disable"' % (org_a, carol) in r.text, "enable from the page")
    r = b.post("/users/%s/%d/reset" % (org_a, carol), {}, page=r)
    m = re.search(r'<code id="one-time-password">([^<]+)</code>', r.text)
    C.check(r.status == 200 and bool(m), "reset from the page shows the one-time password", mm.short(r.text, 300))
    if m:
        lr, _ = mm.logon(srv, "ua-carol", m.group(1))
        C.check(lr.status == 200 and lr.json.get("must_change_password") is True,
                "the page's one-time password logs on and must be changed", lr.text)
        r2 = b.get("/users")
        C.check(m.group(1) not in r2.text, "the one-time password is shown once")
    root_id = user_id(root, auth_org, "root")
    r = b.post("/users/%s/%d/disable" % (auth_org, root_id), {}, page=b.get("/users"))
    C.status(r, 404, "a contractor-admin cannot manage the authority's users (404)")
    r = b.post("/users/%s/%d/disable" % (org_a, root_id), {}, page=b.get("/users"))
    C.status(r, 404, "a user of another organization under one's own: 404")
    r = b.post("/users/%s/%d/delete" % (org_a, me), {}, page=b.get("/users"))
    C.check(r.status == 409 and 'role="alert"' in r.text, "deleting oneself from the page: 409 with a message")
    r = b.post("/users/%s/%d/delete" % (org_a, carol), {}, page=b.get("/users"))
    C.check(r.status == 200 and "<bdi>ua-carol</bdi>" not in r.text, "delete from the page")
    m_b = Browser(srv)
    m_b.login("ua-web-member", mm.GOOD_PASSWORD)
    C.status(m_b.get("/users"), 403, "a member may not open /users")
    C.check('href="/users"' not in m_b.get("/my/tokens").text, "no /users link for a member")
    a_b = Browser(srv)
    a_b.login("root", mm.GOOD_PASSWORD)
    r = a_b.get("/users")
    C.check(r.status == 200 and "<bdi>ua-web-admin</bdi>" in r.text and "<bdi>root</bdi>" in r.text,
            "the authority-admin's page lists every organization's users")


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    auth_org, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, log, ["--lockout-attempts", "2", "--lockout-duration", "600"]).start()
    try:
        root_s = mm.activate(srv, "root", otp)
        root = mm.token_client(srv, root_s, "root")
        org_a = mm.create_org(root, "Users A Corp")["id"]
        aadm = mm.make_user(srv, root, org_a, "ua-admin", "contractor-admin")
        bob = mm.make_user(srv, root, org_a, "ua-bob", "contractor-member")
        bob_id = user_id(root, org_a, "ua-bob")
        base = "/api/v1/organizations/%s/users/%d" % (org_a, bob_id)

        # unlock: two wrong passwords lock bob; the right one is refused until unlocked
        for _ in range(2):
            mm.request(srv.port, "POST", "/api/v1/session", {"login": "ua-bob", "password": "wrong password!"})
        r, _ = mm.logon(srv, "ua-bob", mm.GOOD_PASSWORD)
        C.check(r.status == 423, "bob is locked out", str(r.status))
        C.status(aadm.post(base + "/unlock"), 200, "the contractor-admin unlocks bob")
        r, _ = mm.logon(srv, "ua-bob", mm.GOOD_PASSWORD)
        C.check(r.status == 200, "bob logs on after the unlock", str(r.status))

        # reset: a one-time password; the old one no longer works; bob must change it
        r = aadm.post(base + "/reset")
        C.status(r, 200, "reset")
        new_otp = (r.json or {}).get("one_time_password")
        C.check(bool(new_otp) and (r.json or {}).get("must_change") is True, "reset shows a one-time password", r.text)
        r, _ = mm.logon(srv, "ua-bob", mm.GOOD_PASSWORD)
        C.check(r.status == 401, "the old password is refused after the reset", str(r.status))
        r, c = mm.logon(srv, "ua-bob", new_otp)
        C.check(r.status == 200 and r.json.get("must_change_password") is True,
                "the one-time password logs on with must_change_password", r.text)
        C.check(c.get("/api/v1/tokens").status == 403, "only a password change before it is changed")
        bob_s = mm.activate(srv, "ua-bob", new_otp)
        bob = mm.token_client(srv, bob_s, "bob-again")

        # disable: the session and the token end at once; logon refused; enable lets it back
        C.status(aadm.post(base + "/disable"), 200, "disable")
        C.check(bob_s.get("/api/v1/session").status == 401, "the disabled user's session ends at once")
        C.check(bob.get("/api/v1/session").status == 401, "the disabled user's token ends at once")
        r, _ = mm.logon(srv, "ua-bob", mm.GOOD_PASSWORD)
        C.check(r.status == 401, "a disabled user cannot log on", str(r.status))
        C.status(aadm.post(base + "/enable"), 200, "enable")
        r, _ = mm.logon(srv, "ua-bob", mm.GOOD_PASSWORD)
        C.check(r.status == 200, "an enabled user logs on again", str(r.status))
        C.check(bob.get("/api/v1/session").status == 401, "the revoked token stays revoked after enable")

        # self: nobody disables, deletes or resets itself
        aadm_id = user_id(root, org_a, "ua-admin")
        for verb in ("disable", "reset"):
            r = aadm.post("/api/v1/organizations/%s/users/%d/%s" % (org_a, aadm_id, verb))
            C.check(r.status == 409 and "own account" in (r.error_message() or ""), "no %s of oneself" % verb, r.text)
        r = aadm.delete("/api/v1/organizations/%s/users/%d" % (org_a, aadm_id))
        C.check(r.status == 409, "no delete of oneself", r.text)
        C.check(any(a == "ua-admin" and o == "user:%d" % aadm_id and "own account" in d
                    for a, o, d in audit_rows(db, "user.disable-refused")),
                "a refusal is audited with its reason")

        # the last enabled authority-admin
        root_id = user_id(root, auth_org, "root")
        admin2 = mm.make_user(srv, root, auth_org, "second-admin", "authority-admin")
        C.status(admin2.post("/api/v1/organizations/%s/users/%d/disable" % (auth_org, root_id)), 200,
                 "an admin disables another while one is left")
        r = mm.run(["admin", "user", "disable", "--db", mm.db_url(db), "second-admin"])
        C.check(r.returncode == 2 and "last enabled authority-admin" in r.stderr,
                "the CLI refuses to disable the last enabled authority-admin", r.stdout + r.stderr)
        r = mm.run(["admin", "user", "delete", "--db", mm.db_url(db), "second-admin"])
        C.check(r.returncode == 2 and "last enabled authority-admin" in r.stderr,
                "the CLI refuses to delete the last enabled authority-admin", r.stdout + r.stderr)
        C.check(any(a == "cli:admin-user" and "last enabled" in d for a, _, d in audit_rows(db, "user.delete-refused")),
                "the CLI's refusal is audited as cli:admin-user")
        r = mm.run(["admin", "user", "enable", "--db", mm.db_url(db), "root"])
        C.check(r.returncode == 0, "the CLI enables root", r.stdout + r.stderr)
        r = root.get("/api/v1/session")
        C.check(r.status == 401, "root's old token stayed revoked", str(r.status))
        r, root_s = mm.logon(srv, "root", mm.GOOD_PASSWORD)
        mm.expect(r, 200, "root logs on again")
        root = mm.token_client(srv, root_s, "root-again")
        C.status(root.post("/api/v1/organizations/%s/users/%d/disable" % (
            auth_org, user_id(root, auth_org, "second-admin"))), 200, "root disables the second admin")
        r = admin2.session.post("/api/v1/organizations/%s/users/%d/disable" % (auth_org, root_id))
        C.check(r.status == 401, "a disabled admin can do nothing", str(r.status))
        # root is now the last enabled authority-admin: disabling it would need another admin,
        # and it may not act on itself anyway; the message for the last one is the CLI's above

        # delete: logon refused, gone from the list, audit records kept, login quarantined
        C.status(root.delete(base), 200, "delete bob")
        r, _ = mm.logon(srv, "ua-bob", mm.GOOD_PASSWORD)
        C.check(r.status == 401, "a deleted user cannot log on", str(r.status))
        C.check(user_id(root, org_a, "ua-bob") is None, "a deleted user leaves the list")
        C.check(root.post(base + "/enable").status == 404, "a deleted user cannot be enabled")
        C.check(any(a == "ua-bob" for a, _, _ in audit_rows(db, "logon.success")),
                "the audit records still name the deleted user")
        dels = audit_rows(db, "user.delete")
        C.check(any(o == "user:%d" % bob_id and "ua-bob" in d for _, o, d in dels),
                "the deletion is audited with the login", str(dels))
        r = root.post("/api/v1/organizations/%s/users" % org_a, {"login": "ua-bob", "role": "contractor-member"})
        C.check(r.status == 409 and "deleted user" in (r.error_message() or ""),
                "a deleted login cannot be taken again within 90 days", r.text)
        r = root.post("/api/v1/organizations/%s/users" % org_a, {"login": "deleted:%d" % bob_id,
                                                                   "role": "contractor-member"})
        C.check(r.status in (400, 409), "the renamed login of a deleted user cannot be taken", r.text)

        # the CLI: list, reset (the password shown once), audited as cli:admin-user
        r = mm.run(["admin", "user", "list", "--db", mm.db_url(db), "--org", org_a])
        C.check(r.returncode == 0 and "ua-admin" in r.stdout and "ua-bob" not in r.stdout,
                "admin user list shows the organization's live users", r.stdout + r.stderr)
        r = mm.run(["admin", "user", "reset", "--db", mm.db_url(db), "ua-admin"])
        C.check(r.returncode == 0 and "one-time password:" in r.stdout, "admin user reset", r.stdout + r.stderr)
        cli_otp = r.stdout.split("one-time password:")[1].split()[0]
        r, _ = mm.logon(srv, "ua-admin", cli_otp)
        C.check(r.status == 200 and r.json.get("must_change_password") is True,
                "the CLI's one-time password logs on and must be changed", r.text)
        C.check(any(a == "cli:admin-user" for a, _, _ in audit_rows(db, "user.reset")),
                "the CLI's reset is audited as cli:admin-user")
        r = mm.run(["admin", "user", "unlock", "--db", mm.db_url(db), "nobody-here"])
        C.check(r.returncode == 2 and "nobody-here" in r.stderr, "an unknown login: exit 2 naming it", r.stderr)
        r = mm.run(["admin", "user", "frobnicate", "--db", mm.db_url(db), "root"])
        C.check(r.returncode == 2 and "frobnicate" in r.stderr, "an unknown action: exit 2", r.stderr)

        dashboard(srv, root, auth_org, org_a)

        cp = mm.audit_verify(db)
        C.check(cp.returncode == 0, "audit verify: chain intact", cp.stdout + cp.stderr)
        C.check(srv.alive(), "server alive")
    finally:
        rc = srv.stop()
    C.check(rc == 0, "server exit 0", str(rc))
    C.finish()


if __name__ == "__main__":
    mm.need_env()
    main()
