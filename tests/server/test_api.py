#!/usr/bin/env python3
"""Process-level test of the HTTP API of `mamori serve` against docs/api.md: logon and
cookies, one-time passwords, sessions, CSRF, tokens, lockout, idle timeout, submissions
(receipt, server-side score, signature rejections, replay), history and diff, the
authority's views (contractor list, CSV, failures, overdue POA&M), malformed and hostile
requests, the audit chain and what reaches the log.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (as CMake sets them). Standard library only.
"""

import base64
import datetime
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

C = mm.Checker()
SECRETS = set()  # every password, token, cookie value and CSRF token: never in the log
CSRFS = set()  # the CSRF tokens among them (not credentials: the database may keep them)


def secret(s):
    if s:
        SECRETS.add(s)
    return s


def csrf(s):
    if s:
        SECRETS.add(s)
        CSRFS.add(s)
    return s


def status_of(path, assessment):
    """The status and score `mamori assess` computes (the server must compute the same)."""
    cp = mm.run(["assess", assessment, "--format", "json"])
    if cp.returncode not in (0, 1):
        return None
    return json.loads(cp.stdout)


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    auth_org, otp = mm.admin_init(db, "root")
    secret(otp)
    lock_flags = ["--lockout-attempts", "3", "--lockout-window", "60", "--lockout-duration", "2",
                  "--threads", "4", "--max-body", "262144"]
    srv = mm.Server(db, log, lock_flags).start()
    try:
        ctx = {"T": T, "db": db, "log": log, "srv": srv, "auth_org": auth_org, "flags": list(lock_flags)}
        logon_and_otp(ctx, otp)  # the rest needs root
        for part in (sessions_csrf_logout, tokens, lockout, password_guessing, submissions, statuses, authority_views, hostile,
                     receipts_and_dates, idle_timeout):
            try:
                part(ctx)
            except Exception as e:  # a set-up step failed: report it, go on with the next part
                import traceback
                traceback.print_exc()
                C.check(False, "%s ran to the end" % part.__name__, "%s: %s" % (type(e).__name__, e))
                if not srv.alive():
                    srv.extra = list(lock_flags)
                    srv.start()
        rc = srv.stop()
        C.check(rc == 0, "exit 0 after SIGTERM", "exit %s" % rc)
        audit(ctx)
        log_hygiene(ctx)
    finally:
        srv.kill()
    C.finish()


# ---- logon, cookies, one-time password ---------------------------------------------------------


def logon_and_otp(ctx, otp):
    srv = ctx["srv"]
    r = mm.request(srv.port, "POST", "/api/v1/session", {"login": "root", "password": "wrong-password-1"})
    C.status(r, 401, "logon with a wrong password: 401")
    C.check(r.error_code() == "unauthenticated", "wrong password: code unauthenticated", r.text)
    C.check(mm.parse_set_cookie(r)[0] is None, "wrong password: no cookie")
    r2 = mm.request(srv.port, "POST", "/api/v1/session", {"login": "nobody-here", "password": "wrong-password-1"})
    C.status(r2, 401, "logon of an unknown login: 401")
    C.check(r2.text == r.text, "unknown login and wrong password answer the same (no user enumeration)",
            "%s vs %s" % (r2.text, r.text))

    r, c = mm.logon(srv, "root", otp)
    C.status(r, 200, "logon with the one-time password: 200")
    if not c:
        raise SystemExit("cannot log on as root; stopping")
    value, attrs = mm.parse_set_cookie(r)
    secret(value)
    csrf(c.csrf)
    low = [a.lower() for a in attrs]
    C.check(value is not None and "." in value, "Set-Cookie mm_session=<id>.<secret>", str(r.header_all("Set-Cookie")))
    C.check("httponly" in low, "cookie HttpOnly", str(attrs))
    C.check("samesite=strict" in low, "cookie SameSite=Strict", str(attrs))
    C.check("path=/" in low, "cookie Path=/", str(attrs))
    C.check("secure" not in low, "no Secure on plain http", str(attrs))
    j = r.json or {}
    for k in ("user", "csrf_token", "must_change_password", "idle_timeout", "expires"):
        C.check(k in j, "logon answer has %s" % k, r.text)
    C.check(j.get("must_change_password") is True, "one-time password: must_change_password true", r.text)
    C.check(value not in r.text if value else True, "the cookie secret is not in the body")
    C.check("no-store" in (r.header("Cache-Control") or ""), "logon answer (CSRF token) is Cache-Control: no-store",
            str(r.header("Cache-Control")))

    # Every other request: 403 password_change_required
    for method, path, body in (("GET", "/api/v1/contractors", None),
                               ("GET", "/api/v1/tokens", None),
                               ("POST", "/api/v1/tokens", {"name": "x"}),
                               ("POST", "/api/v1/organizations", {"name": "Sneaky K.K."})):
        rr = c.req(method, path, body)
        C.status(rr, 403, "one-time password: %s %s -> 403" % (method, path))
        C.check("password_change_required" in rr.text, "one-time password: %s %s says password_change_required" % (method, path), rr.text)

    # Password rules
    rr = mm.change_password(c, otp, "short-11chr")
    C.status(rr, 400, "new password of 11 characters: 400")
    rr = mm.change_password(c, otp, otp)
    C.status(rr, 400, "new password equal to the current one: 400")
    rr = mm.change_password(c, otp, "x" * 1025)
    C.status(rr, 400, "new password of 1025 characters: 400")
    rr = mm.change_password(c, "not-the-current-password", mm.GOOD_PASSWORD)
    C.check(400 <= rr.status < 500 and rr.status != 404, "password change with a wrong current password: 4xx", "%s %s" % (rr.status, rr.text))
    rr = mm.change_password(c, otp, mm.GOOD_PASSWORD)
    C.status(rr, (200, 204), "password change: 2xx")
    secret(mm.GOOD_PASSWORD)
    r, _ = mm.logon(srv, "root", otp)
    C.status(r, 401, "the one-time password no longer logs on")
    r, root = mm.logon(srv, "root", mm.GOOD_PASSWORD)
    C.status(r, 200, "the new password logs on")
    C.check((r.json or {}).get("must_change_password") is False, "new password: must_change_password false", r.text)
    secret(mm.parse_set_cookie(r)[0])
    csrf(root.csrf)
    rr = root.get("/api/v1/session")
    C.status(rr, 200, "GET /api/v1/session: 200")
    u = (rr.json or {}).get("user", {})
    C.check(u.get("login") == "root" and u.get("role") == "authority-admin" and u.get("org_kind") == "authority",
            "who am I: root, authority-admin, authority", rr.text)
    if ctx["auth_org"]:
        C.check(u.get("org_id") == ctx["auth_org"], "who am I: the authority's org id", rr.text)
    ctx["auth_org"] = u.get("org_id") or ctx["auth_org"]
    ctx["root"] = root
    ctx["root_token"] = mm.token_client(srv, root, "root-api")
    secret(ctx["root_token"].token)


def sessions_csrf_logout(ctx):
    srv, root = ctx["srv"], ctx["root"]
    # a second user, to change passwords without touching root
    org = mm.create_org(ctx["root_token"], "Sessions Test K.K.")
    ctx["sess_org"] = org["id"]
    otp = secret(mm.create_user(ctx["root_token"], org["id"], "sess-admin", "contractor-admin"))
    s1 = mm.activate(srv, "sess-admin", otp)
    r, s2 = mm.logon(srv, "sess-admin", mm.GOOD_PASSWORD)
    secret(s1.cookie), secret(s2.cookie), csrf(s1.csrf), csrf(s2.csrf)
    C.status(s2.get("/api/v1/session"), 200, "second session works")

    # CSRF
    rr = s1.post("/api/v1/tokens", {"name": "csrf-none"}, csrf=False)
    C.status(rr, 403, "cookie POST without X-CSRF-Token: 403")
    rr = s1.post("/api/v1/tokens", {"name": "csrf-wrong"}, csrf=False, headers={"X-CSRF-Token": s2.csrf})
    C.status(rr, 403, "cookie POST with another session's X-CSRF-Token: 403")
    rr = s1.post("/api/v1/tokens", {"name": "csrf-bad"}, csrf=False, headers={"X-CSRF-Token": "0" * 64})
    C.status(rr, 403, "cookie POST with a made-up X-CSRF-Token: 403")
    rr = s1.get("/api/v1/tokens")
    names = [t.get("name") for t in (rr.json or {}).get("items", rr.json or [])] if rr.status == 200 else []
    C.check(not any(n and n.startswith("csrf-") for n in names), "no token made by the refused CSRF requests", str(names))
    rr = s1.post("/api/v1/tokens", {"name": "csrf-ok"})
    C.status(rr, 201, "cookie POST with X-CSRF-Token: 201")
    tok = (rr.json or {}).get("token")
    secret(tok)
    tid = (rr.json or {}).get("id")
    b = mm.Client(srv, token=tok)
    rr = b.post("/api/v1/tokens", {"name": "bearer-no-csrf"})
    C.status(rr, 201, "Bearer POST without X-CSRF-Token: 201")
    secret((rr.json or {}).get("token"))
    rr = s1.delete("/api/v1/tokens/%s" % tid, csrf=False)
    C.status(rr, 403, "cookie DELETE without X-CSRF-Token: 403")
    C.status(b.get("/api/v1/session"), 200, "token still valid after the refused DELETE")
    rr = s1.put("/api/v1/organizations/%s/consent" % org["id"], {"prime_may_see_status": True}, csrf=False)
    C.status(rr, 403, "cookie PUT without X-CSRF-Token: 403")

    # The password change ends the other sessions
    rr = mm.change_password(s1, mm.GOOD_PASSWORD, mm.GOOD_PASSWORD + "-2")
    C.status(rr, (200, 204), "second password change: 2xx")
    C.status(s2.get("/api/v1/session"), 401, "password change ends the other session: 401")
    r, s3 = mm.logon(srv, "sess-admin", mm.GOOD_PASSWORD + "-2")
    secret(mm.GOOD_PASSWORD + "-2")
    C.status(r, 200, "logon with the changed password")
    secret(s3.cookie), csrf(s3.csrf)
    # logout
    C.status(s3.delete("/api/v1/session", csrf=False), 403, "cookie logout without X-CSRF-Token: 403")
    C.status(s3.post("/api/v1/password", {"current": mm.GOOD_PASSWORD + "-2", "new": "y" * 20}, csrf=False), 403,
             "cookie password change without X-CSRF-Token: 403")
    rr = s3.delete("/api/v1/session")
    C.status(rr, (200, 204), "logout: 2xx")
    C.status(s3.get("/api/v1/session"), 401, "after logout the cookie gives 401")
    rr = s3.post("/api/v1/tokens", {"name": "after-logout"})
    C.status(rr, 401, "after logout a POST gives 401")
    C.status(mm.request(srv.port, "DELETE", "/api/v1/session"), 401, "logout without a session: 401")
    # a forged cookie
    C.status(mm.Client(srv, cookie="mm_session=" + "a" * 32 + "." + "b" * 43).get("/api/v1/session"), 401,
             "made-up session cookie: 401")
    if s3.cookie and "." in s3.cookie:
        sid = s3.cookie.split("=", 1)[1].split(".", 1)[0]
        r, s4 = mm.logon(srv, "sess-admin", mm.GOOD_PASSWORD + "-2")
        secret(s4.cookie), csrf(s4.csrf)
        real = s4.cookie.split("=", 1)[1]
        forged = mm.Client(srv, cookie="mm_session=" + real.split(".", 1)[0] + "." + "A" * len(real.split(".", 1)[1]))
        C.status(forged.get("/api/v1/session"), 401, "right session id with a wrong secret: 401")
        del sid


# ---- tokens ---------------------------------------------------------------------------------


def tokens(ctx):
    srv, root = ctx["srv"], ctx["root"]
    rr = root.post("/api/v1/tokens", {"name": "cli", "expires_days": 30})
    C.status(rr, 201, "POST /api/v1/tokens: 201")
    j = rr.json or {}
    for k in ("id", "token", "name", "expires"):
        C.check(k in j, "token answer has %s" % k, rr.text)
    tok = secret(j.get("token", ""))
    C.check(tok.startswith("mm_%s_" % j.get("id")), "token is mm_<id>_<secret>", "id %s" % j.get("id"))
    lst = root.get("/api/v1/tokens")
    C.status(lst, 200, "GET /api/v1/tokens: 200")
    C.check(tok and tok.split("_")[-1] not in lst.text, "the token's secret is never listed")
    C.check("token_hash" not in lst.text, "no token hash in the list")
    b = mm.Client(srv, token=tok)
    rr = b.get("/api/v1/session")
    C.status(rr, 200, "Bearer token works")
    C.check(((rr.json or {}).get("user") or {}).get("login") == "root", "Bearer: the token's user", rr.text)
    for bad in ("mm_%s_%s" % (j.get("id"), "A" * 43), "mm_999999_" + "A" * 43, "garbage", "", "mm__",
                "mm_%s_" % j.get("id"), tok + "x"):
        C.status(mm.Client(srv, token=bad).get("/api/v1/session") if bad else
                 mm.request(srv.port, "GET", "/api/v1/session", headers={"Authorization": "Bearer "}),
                 401, "bad Bearer %r: 401" % (bad[:20] + "..."))
    C.status(mm.request(srv.port, "GET", "/api/v1/session", headers={"Authorization": "Basic cm9vdDp4"}),
             401, "Basic authorization: 401")
    # another user's token
    sess = mm.logon(srv, "sess-admin", mm.GOOD_PASSWORD + "-2")[1]
    other = mm.token_client(srv, sess, "other")
    secret(other.token), secret(sess.cookie), csrf(sess.csrf)
    rr = root.delete("/api/v1/tokens/%s" % other.token_id)
    C.status(rr, 404, "DELETE another user's token: 404")
    C.status(other.get("/api/v1/session"), 200, "the other user's token still works")
    C.status(root.delete("/api/v1/tokens/999999"), 404, "DELETE an unknown token: 404")
    C.status(root.delete("/api/v1/tokens/abc"), (400, 404), "DELETE a non-numeric token id: 400/404")
    rr = root.delete("/api/v1/tokens/%s" % j.get("id"))
    C.status(rr, (200, 204), "revoke own token: 2xx")
    C.status(b.get("/api/v1/session"), 401, "revoked token: 401")
    C.status(b.post("/api/v1/tokens", {"name": "from-revoked"}), 401, "revoked token cannot make a token")
    lst = root.get("/api/v1/tokens")
    items = lst.json.get("items", []) if isinstance(lst.json, dict) else (lst.json or [])
    rev = [t for t in items if str(t.get("id")) == str(j.get("id"))]
    C.check(rev and rev[0].get("revoked") not in (None, False), "the list shows the token revoked", lst.text)


# ---- lockout ----------------------------------------------------------------------------------


def lockout(ctx):
    srv = ctx["srv"]
    otp = secret(mm.create_user(ctx["root_token"], ctx["sess_org"], "lock-me", "contractor-member"))
    mm.activate(srv, "lock-me", otp)
    for i in range(3):
        # the lock starts while the third attempt is answered: time it from before that request,
        # so a slow answer on a loaded machine cannot shorten the measured lock
        t_locked = time.monotonic()
        r, _ = mm.logon(srv, "lock-me", "wrong-password-%d" % i)
        C.status(r, (401, 423) if i == 2 else 401, "lockout: wrong password %d" % (i + 1))
    r, _ = mm.logon(srv, "lock-me", mm.GOOD_PASSWORD)
    C.status(r, 423, "locked: the right password answers 423")
    C.check(r.error_code() == "locked", "423 code locked", r.text)
    ra = r.header("Retry-After")
    C.check(ra is not None and ra.isdigit() and 1 <= int(ra) <= 2, "423 has Retry-After (1..2 s)", str(ra))
    C.check(mm.parse_set_cookie(r)[0] is None, "locked: no cookie")
    r, _ = mm.logon(srv, "lock-me", "wrong-password-x")
    C.status(r, 423, "locked: a wrong password answers 423 too")
    # poll until the lock ends (2 s), bounded
    ok = False
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        r, _ = mm.logon(srv, "lock-me", mm.GOOD_PASSWORD)
        if r.status == 200:
            ok = True
            break
        if r.status != 423:
            break
        time.sleep(0.25)
    waited = time.monotonic() - t_locked
    C.check(ok, "after the lockout the right password works", "last %s %s" % (r.status, r.text))
    C.check(waited >= 1.0, "the lock lasted about its duration", "%.2f s" % waited)
    con = mm.db_ro(ctx["db"])
    try:
        acts = [a for (a,) in con.execute("SELECT action FROM audit_log")]
    finally:
        con.close()
    C.check(any("lock" in a for a in acts), "the lockout is in the audit log", str(sorted(set(acts))))
    C.check(any("fail" in a for a in acts), "failed logons are in the audit log", str(sorted(set(acts))))

    # concurrent guesses cannot get past the limit: 12 at once, at most 3 are judged. The lock
    # must outlast twelve Argon2 checks on a loaded machine (2 s may not), so this part runs
    # on the same database with a 600 s lock, then the server goes back to its flags.
    otp = secret(mm.create_user(ctx["root_token"], ctx["sess_org"], "race-me", "contractor-member"))
    mm.activate(srv, "race-me", otp)
    srv.stop()
    long_lock = list(ctx["flags"])
    long_lock[long_lock.index("--lockout-duration") + 1] = "600"
    srv.extra = long_lock
    srv.start()
    got = []
    lock = threading.Lock()

    def guess(i):
        r, _ = mm.logon(srv, "race-me", "wrong-password-race-%d" % i)
        with lock:
            got.append(r.status)
    ts = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    C.check(got.count(401) <= 3 and got.count(401) + got.count(423) == 12,
            "12 concurrent wrong passwords: at most 3 answered 401, the rest 423", str(sorted(got)))
    r, _ = mm.logon(srv, "race-me", mm.GOOD_PASSWORD)
    C.status(r, 423, "after the concurrent guesses the account is locked")
    srv.stop()
    srv.extra = list(ctx["flags"])
    srv.start()


def password_guessing(ctx):
    """A stolen session cannot guess the password without limit: a wrong current password in
    POST /api/v1/password counts toward the lockout like a failed logon, and the lockout ends
    the account's sessions and answers 423."""
    srv = ctx["srv"]
    otp = secret(mm.create_user(ctx["root_token"], ctx["sess_org"], "guess-me", "contractor-member"))
    s1 = mm.activate(srv, "guess-me", otp)
    r, s2 = mm.logon(srv, "guess-me", mm.GOOD_PASSWORD)
    secret(s1.cookie), secret(s2.cookie), csrf(s1.csrf), csrf(s2.csrf)
    # the lock lasts 2 s: sign on again and check that it is gone before each part
    for i in range(2):
        rr = mm.change_password(s1, "wrong-current-%d" % i, mm.GOOD_PASSWORD + "-new")
        C.status(rr, 403, "password change with a wrong current password %d: 403" % (i + 1))
    C.status(s2.get("/api/v1/session"), 200, "two wrong current passwords: the other session still works")
    rr = mm.change_password(s1, "wrong-current-2", mm.GOOD_PASSWORD + "-new")
    C.status(rr, 423, "the third wrong current password (limit 3) locks the account: 423")
    C.check(rr.error_code() == "locked", "423 code locked", rr.text)
    ra = rr.header("Retry-After")
    C.check(ra is not None and ra.isdigit() and 1 <= int(ra) <= 2, "423 has Retry-After (1..2 s)", str(ra))
    C.status(s1.get("/api/v1/session"), 401, "the lockout ends the guessing session: 401")
    C.status(s2.get("/api/v1/session"), 401, "the lockout ends every session of the account: 401")
    con = mm.db_ro(ctx["db"])
    try:
        uid = con.execute("SELECT id FROM users WHERE login = 'guess-me'").fetchone()[0]
        acts = [a for (a,) in con.execute("SELECT action FROM audit_log WHERE object = ?",
                                           ("user:%s" % uid,))]
    finally:
        con.close()
    C.check(acts.count("password.change-refused") == 3, "three refused password changes in the audit log",
            str(acts))
    C.check("account.locked" in acts, "the lockout is in the audit log", str(acts))
    # failed logons and wrong current passwords share one count: 2 failed logons, then one
    # wrong current password locks
    deadline = time.monotonic() + 15
    s3 = None
    while time.monotonic() < deadline:
        r, s3 = mm.logon(srv, "guess-me", mm.GOOD_PASSWORD)
        if r.status == 200:
            break
        time.sleep(0.25)
    C.check(s3 is not None, "after the lock the right password logs on", r.text)
    if s3 is None:
        return
    secret(s3.cookie), csrf(s3.csrf)
    for i in range(2):
        r, _ = mm.logon(srv, "guess-me", "wrong-logon-%d" % i)
        C.status(r, 401, "a failed logon %d after the lock" % (i + 1))
    rr = mm.change_password(s3, "wrong-current-x", mm.GOOD_PASSWORD + "-new")
    C.status(rr, 423, "2 failed logons + 1 wrong current password lock the account: 423")
    C.status(s3.get("/api/v1/session"), 401, "... and end the session")


# ---- submissions ------------------------------------------------------------------------------


def submissions(ctx):
    srv, T = ctx["srv"], ctx["T"]
    rt = ctx["root_token"]
    org = mm.create_org(rt, "Hokuto Precision Engineering K.K.", identifiers={"cage": "SJ4K7"})
    ctx["hokuto"] = org["id"]
    otp = secret(mm.create_user(rt, org["id"], "hokuto-admin", "contractor-admin"))
    sess = mm.activate(srv, "hokuto-admin", otp)
    secret(sess.cookie), csrf(sess.csrf)
    adm = mm.token_client(srv, sess, "hokuto")
    secret(adm.token)
    ctx["hokuto_admin"] = adm
    other = mm.create_org(rt, "Other Co.")
    ctx["other_org"] = other["id"]
    ootp = secret(mm.create_user(rt, other["id"], "other-admin", "contractor-admin"))
    osess = mm.activate(srv, "other-admin", ootp)
    secret(osess.cookie), csrf(osess.csrf)
    oadm = mm.token_client(srv, osess, "other")
    secret(oadm.token)

    key = os.path.join(T, "hokuto.key")
    pub, sec = mm.keygen("Hokuto Precision Engineering K.K.", key)
    r = mm.register_key(adm, org["id"], pub)
    C.status(r, 201, "register the key: 201")
    C.status(mm.register_key(adm, org["id"], pub), 409, "register the same key again: 409")
    C.status(mm.register_key(oadm, other["id"], pub), 409, "register the same key for another org: 409")
    kl = adm.get("/api/v1/organizations/%s/keys" % org["id"])
    C.status(kl, 200, "GET keys: 200")
    C.check(sec["key_id"] in kl.text and "secret_key" not in kl.text, "key list: the key id, no secret", kl.text)
    bad_pub = json.loads(pub)
    bad_pub["public_key"] = base64.b64encode(b"\x01" * 31).decode()
    C.status(mm.register_key(adm, org["id"], json.dumps(bad_pub).encode()), 400, "register a 31-byte public key: 400")
    bad_pub = json.loads(pub)
    bad_pub["key_id"] = "0000000000000000"
    C.status(mm.register_key(adm, org["id"], json.dumps(bad_pub).encode()), (400, 422), "register a key whose key_id does not match: 400/422")

    with open(key, "rb") as f:
        secret_file = f.read()
    n_keys = mm.table_counts(ctx["db"]).get("signing_keys")
    rr = mm.register_key(adm, org["id"], secret_file)
    C.status(rr, 400, "registering the SECRET key file by mistake: 400")
    con = mm.db_ro(ctx["db"])
    try:
        dump = "\n".join(str(row) for row in con.execute("SELECT * FROM signing_keys"))
    finally:
        con.close()
    C.check(sec["secret_key"] not in dump and mm.table_counts(ctx["db"]).get("signing_keys") == n_keys,
            "the secret key is not stored")
    okey = os.path.join(T, "other.key")
    opub, _ = mm.keygen("Other Co.", okey)
    C.status(mm.register_key(oadm, other["id"], opub), 201, "register the other org's key")
    stray = os.path.join(T, "stray.key")
    mm.keygen("Hokuto Precision Engineering K.K.", stray)

    srvkey = mm.request(srv.port, "GET", "/api/v1/server-key")
    C.status(srvkey, 200, "GET /api/v1/server-key: 200")
    server_pub = (srvkey.json or {}).get("public_key")

    # a good submission (Rev 3)
    a1 = mm.variant(mm.EXAMPLE_R3, os.path.join(T, "a1.json"), "first")
    s1 = mm.sign(a1, key, os.path.join(T, "s1.json"))
    before = count_subs(ctx)
    r = mm.submit(adm, s1)
    C.status(r, 201, "submit: 201")
    rec = mm.receipt_of(r)
    want_hash = mm.envelope_hash(s1)
    C.check(rec.get("body_hash") == want_hash, "receipt body_hash = SHA-256 of the canonical envelope",
            "%s vs %s" % (rec.get("body_hash"), want_hash))
    C.check(rec.get("org_id") == org["id"], "receipt org_id is the caller's org", r.text)
    C.check(rec.get("kind") == "mamori-receipt", "receipt kind mamori-receipt", r.text)
    C.check(server_pub and mm.verify_receipt(r.json, server_pub), "receipt signature verifies with the server key (Ed25519 in Python)")
    C.check(count_subs(ctx) == before + 1, "one submission stored")
    sid = rec.get("submission_id")
    ctx["sub1"] = sid
    ctx.update(s1=s1, a1=a1, key=key, okey=okey, oadm=oadm, receipt1=r.raw, server_pub=server_pub)
    g = adm.get("/api/v1/submissions/%s" % sid)
    C.status(g, 200, "GET /api/v1/submissions/{id}: 200")
    gj = g.json or {}
    expect_res = status_of(None, a1)
    if expect_res:
        C.check(gj.get("score") == expect_res["requirements_met"], "Rev 3 score = requirements met, as mamori assess computes",
                "%s vs %s" % (gj.get("score"), expect_res["requirements_met"]))
    C.check(gj.get("status") in ("meets", "conditional", "not-met", "no-valid-score"), "a status", g.text)
    C.check(gj.get("status") == rec.get("status") and gj.get("score") == rec.get("score"), "receipt and submission agree on status and score")
    C.check(gj.get("body_hash") == want_hash, "stored body_hash = the receipt's")
    C.check("body" not in gj, "no body without ?body=1")
    gb = adm.get("/api/v1/submissions/%s?body=1" % sid)
    C.status(gb, 200, "GET ?body=1: 200")
    C.check((gb.json or {}).get("body") == s1.decode(), "?body=1: the signed document exactly as sent")
    gx = adm.get("/api/v1/submissions/%s?body=yes" % sid)
    C.check(gx.status == 400 and "?body=" in (gx.error_message() or "") and "0, 1" in (gx.error_message() or ""),
            "GET ?body=yes: 400 naming ?body= and 0, 1", gx.text[:200])
    C.status(adm.get("/api/v1/submissions/00000000-0000-4000-8000-000000000000"), 404, "unknown submission: 404")
    C.status(oadm.get("/api/v1/submissions/%s" % sid), 404, "another org's submission: 404")

    # the server computes the score itself: a client "score" member is ignored
    a_fake = json.load(open(mm.EXAMPLE_R2))
    a_fake["_score"] = 110
    a_fake["_note"] = "claims 110"
    p = os.path.join(T, "fake.json")
    json.dump(a_fake, open(p, "w"))
    sf = mm.sign(p, key, os.path.join(T, "sfake.json"))
    r = mm.submit(adm, sf)
    C.status(r, 201, "submit Rev 2: 201")
    exp2 = status_of(None, p)
    fr = mm.receipt_of(r)
    if exp2:
        C.check(fr.get("score") == exp2["score"]["sprs"], "Rev 2 score = SPRS score mamori assess computes",
                "%s vs %s" % (fr.get("score"), exp2["score"]["sprs"]))
    ctx["sub2"] = fr.get("submission_id")

    # rejections: each 422 (409 for the replay) and nothing stored
    def refused(doc, want, name, client=adm):
        n0 = count_subs(ctx)
        a0 = audit_count(ctx)
        rr = mm.submit(client, doc)
        C.status(rr, want, name)
        C.check(count_subs(ctx) == n0, name + ": nothing stored", "%d -> %d" % (n0, count_subs(ctx)))
        C.check(rr.error_code() == {400: "bad_request", 409: "conflict", 422: "invalid_submission"}.get(rr.status),
                name + ": error code matches the status", rr.text)
        return rr, a0

    d = json.loads(s1)
    d["envelope"]["affirming_official"]["name"] = "Someone Else"
    refused(json.dumps(d).encode(), 422, "tampered envelope: 422")
    d = json.loads(s1)
    d["envelope"]["assessment"]["requirements"]["03.01.02"] = "not-met"
    refused(json.dumps(d).encode(), 422, "tampered assessment value: 422")
    d = json.loads(s1)
    d["signature"] = base64.b64encode(b"\0" * 64).decode()
    refused(json.dumps(d).encode(), 422, "zero signature: 422")
    a3 = mm.variant(mm.EXAMPLE_R3, os.path.join(T, "a3.json"), "stray key")
    refused(mm.sign(a3, stray, os.path.join(T, "s3.json")), 422, "signed with an unregistered key: 422")
    refused(mm.sign(a3, okey, os.path.join(T, "s3o.json")), 422, "signed with another org's registered key: 422")
    # revoked key
    rkey = os.path.join(T, "revoked.key")
    rpub, rsec = mm.keygen("Hokuto Precision Engineering K.K.", rkey)
    rr = mm.register_key(adm, org["id"], rpub)
    C.status(rr, 201, "register a second key")
    kid = mm.key_row_id(rr)
    a4 = mm.variant(mm.EXAMPLE_R3, os.path.join(T, "a4.json"), "revoked key")
    s4 = mm.sign(a4, rkey, os.path.join(T, "s4.json"))
    C.status(oadm.delete("/api/v1/organizations/%s/keys/%s" % (org["id"], kid)), 404, "another org revoking our key: 404")
    C.status(oadm.delete("/api/v1/organizations/%s/keys/%s" % (other["id"], kid)), 404, "revoking our key through its own org path: 404")
    C.status(adm.delete("/api/v1/organizations/%s/keys/%s" % (org["id"], kid)), (200, 204), "revoke the key: 2xx")
    refused(s4, 422, "signed with a revoked key: 422")
    # replay
    refused(s1, 409, "replay of the same signed document: 409")
    refused(json.dumps(json.loads(s1), separators=(",", ":")).encode(), 409,
            "replay with another layout (same canonical envelope): 409")
    n0 = count_subs(ctx)
    rr = mm.submit(oadm, s1)
    C.check(rr.status in (409, 422) and count_subs(ctx) == n0, "the signed document sent by another org: 409/422, nothing stored", "%s" % rr.status)
    # the same new document sent 8 times at once: one 201, seven 409, one stored
    a7 = mm.variant(mm.EXAMPLE_R3, os.path.join(T, "a7.json"), "race")
    s7 = mm.sign(a7, key, os.path.join(T, "s7.json"))
    n0 = count_subs(ctx)
    got = []
    lock = threading.Lock()

    def send():
        rr = mm.submit(adm, s7)
        with lock:
            got.append(rr.status)
    ts = [threading.Thread(target=send) for _ in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    C.check(sorted(got) == [201] + [409] * 7, "8 concurrent copies: one 201, seven 409", str(sorted(got)))
    C.check(count_subs(ctx) == n0 + 1, "8 concurrent copies: one stored", "%d -> %d" % (n0, count_subs(ctx)))
    # not a signed document
    refused(b'{"envelope": {}, "key_id": "x", "signature": "y"}', (400, 422), "malformed signed document: 400/422")
    # a rule broken in the assessment itself: an unknown requirement
    bad = json.load(open(mm.EXAMPLE_R3))
    bad["requirements"]["03.99.99"] = "met"
    pb = os.path.join(T, "badrule.json")
    json.dump(bad, open(pb, "w"))
    rr, _ = refused(mm.sign(pb, key, os.path.join(T, "sbad.json")), 422, "assessment breaking a rule: 422")
    C.check("03.99.99" in rr.text, "the rule message names the requirement", rr.text)
    # authority users cannot submit
    a5 = mm.variant(mm.EXAMPLE_R3, os.path.join(T, "a5.json"), "by root")
    s5 = mm.sign(a5, key, os.path.join(T, "s5.json"))
    C.status(mm.submit(rt, s5), 403, "authority-admin submitting: 403")

    # history and diff
    a6 = mm.variant(mm.EXAMPLE_R3, os.path.join(T, "a6.json"), "second r3", assessed="2026-11-20")
    a6j = json.load(open(a6))
    a6j["requirements"]["03.01.02"] = "not-met"
    json.dump(a6j, open(a6, "w"))
    s6 = mm.sign(a6, key, os.path.join(T, "s6.json"))
    # "received" has whole seconds: start a new second, so that "newest first" has one answer
    time.sleep(1.05 - (time.time() % 1.0) if time.time() % 1.0 > 0.05 else 0.05)
    time.sleep(1.0)
    r6 = mm.submit(adm, s6)
    C.status(r6, 201, "second Rev 3 submission: 201")
    sid6 = mm.receipt_of(r6).get("submission_id")
    h = adm.get("/api/v1/organizations/%s/submissions" % org["id"])
    C.status(h, 200, "history: 200")
    hj = h.json or {}
    items = hj.get("items", [])
    con = mm.db_ro(ctx["db"])
    try:
        n_org = con.execute("SELECT count(*) FROM submissions WHERE org_id = ?", (org["id"],)).fetchone()[0]
    finally:
        con.close()
    C.check(hj.get("total") == n_org and len(items) == n_org, "history: all %d submissions" % n_org, h.text[:300])
    C.check([i.get("id") for i in items][:1] == [sid6], "history: newest first", str([i.get("id") for i in items]))
    rec_times = [i.get("received") for i in items]
    C.check(rec_times == sorted(rec_times, reverse=True), "history ordered by received, descending", str(rec_times))
    C.check(all("body" not in i for i in items), "history items carry no body")
    p1 = adm.get("/api/v1/organizations/%s/submissions?per_page=1&page=2" % org["id"])
    pj = p1.json or {}
    C.check(p1.status == 200 and pj.get("per_page") == 1 and pj.get("page") == 2 and len(pj.get("items", [])) == 1
            and pj.get("total") == n_org and pj["items"][0].get("id") == items[1].get("id"),
            "history pagination per_page=1&page=2", p1.text[:300])
    for q in ("per_page=0", "per_page=1001", "page=0", "page=-1", "per_page=abc", "page=1e3"):
        C.status(adm.get("/api/v1/organizations/%s/submissions?%s" % (org["id"], q)), 400, "history ?%s: 400" % q)
    df = adm.get("/api/v1/submissions/%s/diff/%s" % (sid, sid6))
    C.status(df, 200, "diff: 200")
    C.check("03.01.02" in df.text, "the diff names the changed requirement 03.01.02", df.text[:400])
    C.status(adm.get("/api/v1/submissions/%s/diff/00000000-0000-4000-8000-000000000000" % sid), 404, "diff with an unknown id: 404")
    ctx["sub6"] = sid6


def receipts_and_dates(ctx):
    """A receipt fetched again, a replay that names its original, another organization's copy
    of the same envelope, short forms without dates, dates in the future, a broken store rule."""
    srv, T, rt = ctx["srv"], ctx["T"], ctx["root_token"]
    adm, oadm, sid = ctx["hokuto_admin"], ctx["oadm"], ctx["sub1"]
    # ---- the receipt again -------------------------------------------------------------------
    g = adm.get("/api/v1/submissions/%s/receipt" % sid)
    C.status(g, 200, "GET receipt: 200")
    C.check(g.raw == ctx["receipt1"], "GET receipt: the same bytes as the 201 sent", g.text[:300])
    C.check(mm.verify_receipt(g.json or {}, ctx["server_pub"]), "GET receipt: verifies with the server key")
    C.status(oadm.get("/api/v1/submissions/%s/receipt" % sid), 404, "another org's receipt: 404")
    r = rt.get("/api/v1/submissions/%s/receipt" % sid)
    C.status(r, 403, "the authority asking for a receipt: 403")
    C.check(r.error_code() == "forbidden", "the authority: forbidden", r.text)
    C.status(adm.get("/api/v1/submissions/00000000-0000-4000-8000-000000000000/receipt"), 404,
             "the receipt of an unknown submission: 404")
    # the CLI against this server: mamori receipt get, then verify
    skf, got = os.path.join(T, "server-key.json"), os.path.join(T, "got-receipt.json")
    with open(skf, "wb") as f:
        f.write(mm.request(srv.port, "GET", "/api/v1/server-key").raw)
    env = dict(os.environ, MAMORI_TOKEN=adm.token)
    p = subprocess.run([mm.MAMORI, "receipt", "get", sid, "--server", srv.url, "--server-key", skf, "-o", got],
                       capture_output=True, text=True, env=env, timeout=60)
    C.check(p.returncode == 0 and open(got, "rb").read().rstrip(b"\n") == ctx["receipt1"].rstrip(b"\n"),
            "mamori receipt get: exit 0, the receipt of the 201", p.stderr)
    p = subprocess.run([mm.MAMORI, "receipt", "verify", got, "--server-key", skf, "--signed",
                        os.path.join(T, "s1.json")], capture_output=True, text=True, timeout=60)
    C.check(p.returncode == 0 and sid in p.stdout, "mamori receipt verify --signed: valid", p.stdout + p.stderr)
    env = dict(os.environ, MAMORI_TOKEN=oadm.token)
    p = subprocess.run([mm.MAMORI, "receipt", "get", sid, "--server", srv.url, "--server-key", skf],
                       capture_output=True, text=True, env=env, timeout=60)
    C.check(p.returncode == 2 and "HTTP 404" in p.stderr and "signature" not in p.stdout,
            "mamori receipt get by another organization: exit 2, HTTP 404, nothing", p.stdout + p.stderr)
    # ---- a replay names the original, to its own organization --------------------------------
    n0 = count_subs(ctx)
    r = mm.submit(adm, ctx["s1"])
    C.status(r, 409, "replay: 409")
    j = r.json or {}
    C.check(j.get("submission_id") == sid and j.get("receipt") == "/api/v1/submissions/%s/receipt" % sid,
            "replay: the original's id and receipt link", r.text)
    C.check(sid in (r.error_message() or ""), "replay: the message names the original", r.text)
    # another organization signs the very same envelope with its own key: its own submission,
    # and nothing in the answer says that Hokuto sent it before
    so = mm.sign(ctx["a1"], ctx["okey"], os.path.join(T, "s1-other.json"))
    C.check(mm.envelope_hash(so) == mm.envelope_hash(ctx["s1"]), "the other org's envelope is the same")
    r = mm.submit(oadm, so)
    C.status(r, 201, "another org, the same envelope with its own key: 201, not a replay")
    osid = mm.receipt_of(r).get("submission_id")
    C.check(osid and osid != sid and sid not in r.text, "another org: its own id, nothing of the original",
            r.text[:300])
    r = mm.submit(oadm, so)
    C.status(r, 409, "the other org's replay of its own: 409")
    C.check((r.json or {}).get("submission_id") == osid and sid not in r.text,
            "the other org's replay names its own original only", r.text)
    C.check(count_subs(ctx) == n0 + 1, "one more submission stored")
    # ---- short forms without dates -----------------------------------------------------------
    short_r2 = os.path.join(mm.SRC, "examples", "short-r2.json")
    ss = mm.sign(short_r2, ctx["key"], os.path.join(T, "short-r2-signed.json"))
    r = mm.submit(adm, ss)
    C.status(r, 201, "the documented short form (Rev 2, no dates): 201")
    ssid = mm.receipt_of(r).get("submission_id")
    g = adm.get("/api/v1/submissions/%s" % ssid)
    gj = g.json or {}
    C.check(g.status == 200 and gj.get("assessed") is None, "short form: assessed is null", g.text[:300])
    exp = status_of(None, short_r2)
    if exp:
        C.check(gj.get("score") == exp["score"]["sprs"], "short form: the score mamori assess computes",
                "%s vs %s" % (gj.get("score"), exp["score"]["sprs"]))
    o = adm.get("/api/v1/organizations/%s" % ctx["hokuto"])
    oj = o.json or {}
    latest = oj.get("latest") or (oj.get("organization") or {}).get("latest") or {}
    C.check(latest.get("id") == ssid and latest.get("status") != "stale",
            "short form: the latest (its status date is the day received), not stale", o.text[:400])
    short_r3 = os.path.join(T, "short-r3.json")
    with open(short_r3, "w") as f:
        json.dump({"framework": "800-171r3", "requirements": {"03.01.01": "met", "03.01.02": "not-met"}}, f)
    if mm.run(["assess", short_r3]).returncode in (0, 1):
        r = mm.submit(adm, mm.sign(short_r3, ctx["key"], os.path.join(T, "short-r3-signed.json")))
        C.status(r, 201, "a Rev 3 short form without dates, as mamori assess accepts it: 201")
    else:
        C.check(False, "mamori assess accepts the Rev 3 short form")
    # ---- dates that cannot be true -----------------------------------------------------------
    today = datetime.date.today()
    tomorrow = (today + datetime.timedelta(days=2)).isoformat()
    fut = mm.variant(mm.EXAMPLE_R3, os.path.join(T, "future.json"), "future", assessed=tomorrow)
    with open(ctx["key"]) as f:
        secret_json = json.load(f)
    n0 = count_subs(ctx)
    doc = mm.sign_envelope(mm.make_envelope(json.load(open(fut))), secret_json)
    r = mm.submit(adm, doc)
    C.status(r, 422, "an assessment dated after today: 422")
    C.check("$.dates.assessed" in (r.error_message() or ""), "the message names $.dates.assessed", r.text)
    doc = mm.sign_envelope(mm.make_envelope(json.load(open(mm.EXAMPLE_R3)), date=tomorrow), secret_json)
    r = mm.submit(adm, doc)
    C.status(r, 422, "an affirmation dated after today: 422")
    C.check("affirming_official.date" in (r.error_message() or ""), "the message names the affirmation date", r.text)
    C.check(count_subs(ctx) == n0, "future dates: nothing stored")
    p = mm.run(["sign", mm.EXAMPLE_R3, "--key", ctx["key"], "--official", "K", "--date", tomorrow,
                "-o", os.path.join(T, "never.json")])
    C.check(p.returncode == 2 and "--date: %s is after today" % tomorrow in p.stderr
            and not os.path.exists(os.path.join(T, "never.json")),
            "mamori sign --date after today: exit 2, nothing written", p.stderr)
    p = mm.run(["sign", fut, "--key", ctx["key"], "--official", "K", "--date", today.isoformat(),
                "-o", os.path.join(T, "never.json")])
    C.check(p.returncode == 2 and "$.dates.assessed" in p.stderr, "mamori sign of an assessment dated after today: exit 2",
            p.stderr)
    # ---- a broken rule of the stored data: 422 naming the rule, never the database -----------
    db = ctx["db"]
    if mm.on_pg():
        sql = ("ALTER TABLE organizations ADD CONSTRAINT org_name_not_reserved"
               " CHECK (name <> 'Reserved Name')")
    else:
        sql = ("CREATE TRIGGER org_name_not_reserved BEFORE INSERT ON organizations"
               " WHEN NEW.name = 'Reserved Name'"
               " BEGIN SELECT RAISE(ABORT, 'org_name_not_reserved: the name Reserved Name is reserved'); END")
    con = mm.db_rw(db)
    try:
        con.execute(sql)
        con.commit()
    finally:
        con.close()
    r = rt.post("/api/v1/organizations", {"name": "Reserved Name"})
    C.status(r, 422, "a broken rule of the stored data: 422")
    msg = r.error_message() or ""
    C.check(r.error_code() == "rule_broken" and "org_name_not_reserved" in msg,
            "422 rule_broken, the message names the rule", r.text)
    C.check(db not in msg and "mamori.db" not in msg and "postgres" not in msg.lower(),
            "the message does not name the database", msg)


def statuses(ctx):
    """The server's status of each kind of assessment (docs/api.md, "Status"), and its score:
    Rev 3 requirements met, Rev 2 the SPRS score (null without a valid one)."""
    srv, T, rt = ctx["srv"], ctx["T"], ctx["root_token"]
    org = mm.create_org(rt, "Status Test Co")
    otp = secret(mm.create_user(rt, org["id"], "status-admin", "contractor-admin"))
    sess = mm.activate(srv, "status-admin", otp)
    secret(sess.cookie), csrf(sess.csrf)
    c = mm.token_client(srv, sess, "st")
    secret(c.token)
    k = os.path.join(T, "status.key")
    pub, _ = mm.keygen("Status Test Co", k)
    mm.expect(mm.register_key(c, org["id"], pub), 201, "status key")

    def ids(fw):
        d = json.loads(mm.run(["catalog", "list", "--framework", fw, "--format", "json"], check=True).stdout)
        return [r["id"] for r in d["requirements"] if not r.get("withdrawn")]

    def make(fw, changes, poam=None, drop=None):
        req = {i: "met" for i in ids(fw) if i != drop}
        req.update(changes)
        a = {"framework": fw, "organization": "Status Test Co", "dates": {"assessed": "2026-11-01"},
             "requirements": req}
        if poam:
            a["poam"] = [{"id": "POAM-1", "requirement": poam, "weakness": "w", "status": "open",
                          "detected": "2026-11-01", "scheduled_completion": "2027-01-15",
                          "milestones": [{"description": "fix", "due": "2027-01-15", "status": "planned"}]}]
        return a
    # (case, assessment, status, score)
    cases = [
        ("Rev 3 gap on an open POA&M item", make("800-171r3", {"03.13.11": "not-met"}, poam="03.13.11"), "conditional", 96),
        ("Rev 3 gap without POA&M", make("800-171r3", {"03.13.11": "not-met"}), "not-met", 96),
        ("Rev 3 a requirement not assessed", make("800-171r3", {}, drop="03.01.02"), "no-valid-score", 96),
        ("Rev 2 all met (CMMC final)", make("800-171r2", {}), "meets", 110),
        ("Rev 2 1-point gap on POA&M (CMMC conditional)", make("800-171r2", {"3.1.8": "not-met"}, poam="3.1.8"), "conditional", 109),
        # 110 - 5 (3.1.1) - 3 (3.12.2: "A lack of plan of action for unimplemented security
        # requirements will result in Security Requirement 3.12.2 being assessed as 'not
        # implemented'", DoD Assessment Methodology v1.2.1 5(g)(iii))
        ("Rev 2 5-point gap (not eligible)", make("800-171r2", {"3.1.1": "not-met"}), "not-met", 102),
        ("Rev 2 3.12.4 not met (no SPRS score)", make("800-171r2", {"3.12.4": "not-met"}), "no-valid-score", None),
        ("Rev 3 all met", make("800-171r3", {}), "meets", 97),  # last: the org's latest is "meets"
    ]
    for i, (name, a, want_status, want_score) in enumerate(cases):
        p = os.path.join(T, "status%d.json" % i)
        with open(p, "w") as f:
            json.dump(a, f)
        r = mm.submit(c, mm.sign(p, k, os.path.join(T, "status%d.signed.json" % i)))
        if not C.status(r, 201, "%s: 201" % name):
            continue
        rec = mm.receipt_of(r)
        g = c.get("/api/v1/submissions/%s" % rec.get("submission_id"))
        gj = g.json or {}
        C.check(rec.get("status") == want_status and gj.get("status") == want_status,
                "%s: status %s" % (name, want_status), "receipt %s, stored %s" % (rec.get("status"), gj.get("status")))
        C.check(rec.get("score") == want_score and gj.get("score") == want_score,
                "%s: score %s" % (name, want_score), "receipt %s, stored %s" % (rec.get("score"), gj.get("score")))


def count_subs(ctx):
    con = mm.db_ro(ctx["db"])
    try:
        return con.execute("SELECT count(*) FROM submissions").fetchone()[0]
    finally:
        con.close()


def audit_count(ctx):
    con = mm.db_ro(ctx["db"])
    try:
        return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    finally:
        con.close()


# ---- the authority's views --------------------------------------------------------------------


def authority_views(ctx):
    srv, T, rt = ctx["srv"], ctx["T"], ctx["root_token"]
    evil = "=cmd|' /C calc'!A0"
    names = {}
    for n, ident in (("Zeta Works", {"cage": "ZZ001"}), ("Alpha Industries", {"cage": "AA001", "uei": "UEIALPHA0001"}),
                     (evil, {"cage": "EV001"}), ("Stale Old Co", None), ("Never Submitted", None)):
        names[n] = mm.create_org(rt, n, identifiers=ident)["id"]
    sub_of_zeta = mm.create_org(rt, "Zeta Sub", parent_id=names["Zeta Works"])["id"]
    zotp = secret(mm.create_user(rt, sub_of_zeta, "zeta-sub-admin", "contractor-admin"))
    zs = mm.activate(srv, "zeta-sub-admin", zotp)
    secret(zs.cookie), csrf(zs.csrf)
    rr = zs.put("/api/v1/organizations/%s/consent" % sub_of_zeta, {"prime_may_see_status": True})
    C.status(rr, (200, 204), "a subcontractor's admin gives consent (session + CSRF): 2xx")
    # each org that submits: admin + key + one submission
    plans = {"Zeta Works": ("meets-ish", "2026-11-10", None), "Alpha Industries": ("overdue", "2026-10-01", "2026-01-15"),
             "Stale Old Co": ("stale", "2020-01-01", None), evil: ("evil", "2026-11-05", None)}
    for n, (note, assessed, overdue) in plans.items():
        login = "adm-%s" % names[n][:8]
        otp = secret(mm.create_user(rt, names[n], login, "contractor-admin"))
        sess = mm.activate(srv, login, otp)
        secret(sess.cookie), csrf(sess.csrf)
        c = mm.token_client(srv, sess, "t")
        secret(c.token)
        k = os.path.join(T, "k-%s" % names[n])
        pub, _ = mm.keygen(n, k)
        mm.expect(mm.register_key(c, names[n], pub), 201, "key of %s" % n)
        a = mm.variant(mm.EXAMPLE_R3, os.path.join(T, "v-%s.json" % names[n]), note, assessed=assessed)
        if overdue:
            aj = json.load(open(a))
            aj["poam"][2]["milestones"][0]["due"] = overdue
            json.dump(aj, open(a, "w"))
        r = mm.submit(c, mm.sign(a, k, os.path.join(T, "sv-%s.json" % names[n])))
        C.status(r, 201, "submission of %s" % n)

    r = rt.get("/api/v1/contractors?per_page=1000")
    C.status(r, 200, "GET /api/v1/contractors: 200")
    j = r.json or {}
    items = j.get("items", [])
    by = {i.get("name"): i for i in items}
    C.check(all(i.get("kind") == "contractor" for i in items), "the list holds contractors only", str([i.get("kind") for i in items]))
    C.check(all(k in (items[0] if items else {}) for k in ("id", "name", "kind", "identifiers", "parent_id", "latest")),
            "items have id, name, kind, identifiers, parent_id, latest", json.dumps(items[:1]))
    C.check(by.get("Never Submitted", {}).get("latest", "x") is None, "never submitted: latest null", json.dumps(by.get("Never Submitted")))
    C.check((by.get("Stale Old Co", {}).get("latest") or {}).get("status") == "stale", "assessed in 2020: stale",
            json.dumps(by.get("Stale Old Co")))
    lat = by.get("Zeta Works", {}).get("latest") or {}
    for k in ("id", "received", "framework", "score", "status", "assessed", "affirmed_by"):
        C.check(k in lat, "latest has %s" % k, json.dumps(lat))
    C.check(by.get("Zeta Sub", {}).get("parent_id") == names["Zeta Works"], "parent_id of a subcontractor", json.dumps(by.get("Zeta Sub")))

    def names_of(q):
        rr = rt.get("/api/v1/contractors?" + q)
        if rr.status != 200:
            return None, rr
        return [i.get("name") for i in (rr.json or {}).get("items", [])], rr

    got, rr = names_of("status=stale")
    C.check(got == ["Stale Old Co"], "status=stale filter", str(got) + " " + rr.text[:200])
    got, rr = names_of("status=none&per_page=1000")
    C.check(got is not None and "Never Submitted" in got and "Zeta Works" not in got, "status=none filter", str(got))
    for st in ("meets", "conditional", "not-met", "no-valid-score", "stale", "none"):
        rr = rt.get("/api/v1/contractors?per_page=1000&status=" + st)
        its = (rr.json or {}).get("items", []) if rr.status == 200 else None
        good = its is not None and all(
            (i.get("latest") is None) if st == "none" else ((i.get("latest") or {}).get("status") == st) for i in its)
        want_n = sum(1 for i in items if ((i.get("latest") or {}).get("status") if i.get("latest") else "none") == st)
        C.check(good and len(its) == want_n, "status=%s: exactly the contractors with that status (%d)" % (st, want_n),
                rr.text[:300])
    got, rr = names_of("q=alpha")
    C.check(got == ["Alpha Industries"], "q= substring of the name (case-insensitive)", str(got))
    got, rr = names_of("q=UEIALPHA")
    C.check(got == ["Alpha Industries"], "q= an identifier (UEI)", str(got))
    got, rr = names_of("q=ZZ001")
    C.check(got == ["Zeta Works"], "q= a CAGE code", str(got))
    got, rr = names_of("q=%27%20OR%201%3D1%20--")
    C.check(got == [], "q= SQL injection text matches nothing", str(got))
    got, rr = names_of("q=%25")
    C.check(got == [], "q=% is a literal percent (no LIKE wildcard)", str(got))
    got, rr = names_of("parent=%s" % names["Zeta Works"])
    C.check(got == ["Zeta Sub"], "parent= filter", str(got))
    got, rr = names_of("sort=name&order=asc&per_page=1000")
    C.check(got is not None and got == sorted(got, key=lambda s: s.encode()) or got == sorted(got, key=str.lower),
            "sort=name asc", str(got))
    got2, rr = names_of("sort=name&order=desc&per_page=1000")
    C.check(got2 is not None and got is not None and got2 == list(reversed(got)), "sort=name desc is the reverse", str(got2))
    rr = rt.get("/api/v1/contractors?sort=score&order=desc&per_page=1000")
    sc = [(i.get("latest") or {}).get("score") for i in (rr.json or {}).get("items", [])]
    nums = [s for s in sc if isinstance(s, int)]
    C.check(rr.status == 200 and nums == sorted(nums, reverse=True), "sort=score desc", str(sc))
    p = rt.get("/api/v1/contractors?sort=name&per_page=2&page=2")
    pj = p.json or {}
    C.check(p.status == 200 and pj.get("page") == 2 and pj.get("per_page") == 2 and
            [i.get("name") for i in pj.get("items", [])] == (got or [])[2:4] and pj.get("total") == len(got or []),
            "pagination per_page=2&page=2", p.text[:300])
    for q in ("status=bogus", "sort=password_hash", "order=sideways", "per_page=0", "per_page=1001", "page=0",
              "per_page=99999999999999999999999"):
        C.status(rt.get("/api/v1/contractors?" + q), 400, "contractors ?%s: 400" % q)
    # strict parameters: an unknown value of an enumerated one is a 400 naming the parameter
    # and its allowed values (not JSON by default, not an empty answer)
    for q, name, values in (("format=xml", "format", "json, csv"), ("format=CSV", "format", "json, csv"),
                            ("status=bogus", "status", "meets, conditional, conditional-expired, not-met"),
                            ("sort=password_hash", "sort", "name, score, status, assessed, received"),
                            ("order=sideways", "order", "asc, desc")):
        rr = rt.get("/api/v1/contractors?" + q)
        msg = rr.error_message() or ""
        C.check(rr.status == 400 and rr.error_code() == "bad_request" and ("?%s=" % name) in msg
                and values in msg, "contractors ?%s: 400 naming ?%s= and %s" % (q, name, values), rr.text[:300])
    rr = rt.get("/api/v1/contractors?format=json&status=&sort=&order=")
    C.check(rr.status == 200 and rr.header("Content-Type", "").startswith("application/json"),
            "contractors ?format=json and empty values: 200 JSON", rr.text[:200])
    for q in ("parent=00000000-0000-4000-8000-000000000000", "parent=%27"):
        rr = rt.get("/api/v1/contractors?" + q)
        C.check(rr.status in (400, 404) or (rr.status == 200 and (rr.json or {}).get("total") == 0),
                "contractors ?%s: nothing (200 empty, 400 or 404)" % q, rr.text[:200])

    # CSV
    for how, rr in (("?format=csv", rt.get("/api/v1/contractors?format=csv&per_page=1000")),
                    ("Accept: text/csv", rt.get("/api/v1/contractors?per_page=1000", headers={"Accept": "text/csv"}))):
        C.status(rr, 200, "CSV (%s): 200" % how)
        C.check((rr.header("Content-Type") or "").startswith("text/csv"), "CSV (%s): Content-Type text/csv" % how,
                str(rr.header("Content-Type")))
        lines = rr.text.splitlines()
        C.check(lines and "name" in lines[0].lower() and "status" in lines[0].lower(), "CSV (%s): a header row" % how,
                lines[0] if lines else "")
        import csv
        import io
        rows = list(csv.reader(io.StringIO(rr.text)))
        cells = [c for row in rows for c in row]
        C.check(not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells if c and not c.lstrip("-").isdigit()),
                "CSV (%s): no cell starts with = + - @ (formula injection)" % how,
                str([c for c in cells if c[:1] in "=+-@"]))
        C.check(any("cmd|' /C calc'!A0" in c for c in cells), "CSV (%s): the org name is still there, neutralised" % how,
                str([c for c in cells if "calc" in c]))
        C.check(len(rows) - 1 == (j.get("total") or 0) or len(rows) - 1 == len(items), "CSV (%s): one row per contractor" % how,
                "%d rows vs %s" % (len(rows) - 1, j.get("total")))

    f = rt.get("/api/v1/requirements/failures")
    C.status(f, 200, "GET /api/v1/requirements/failures: 200")
    fj = f.json if isinstance(f.json, (dict, list)) else {}
    fitems = fj.get("items", []) if isinstance(fj, dict) else fj
    C.check(any(i.get("requirement") == "03.13.11" for i in fitems), "failures list 03.13.11 (a Hokuto gap)", f.text[:300])
    counts = [i.get("contractors") for i in fitems]
    C.check(counts == sorted(counts, reverse=True), "failures: most first", str(counts))
    o = rt.get("/api/v1/poam/overdue")
    C.status(o, 200, "GET /api/v1/poam/overdue: 200")
    oitems = (o.json or {}).get("items", []) if isinstance(o.json, dict) else []
    C.check(any(i.get("due") == "2026-01-15" and i.get("org_id") == names["Alpha Industries"] for i in oitems),
            "overdue: Alpha's milestone due 2026-01-15", o.text[:400])
    C.check(all(i.get("due", "9999") < time.strftime("%Y-%m-%d", time.gmtime()) for i in oitems), "overdue: only past dues", o.text[:400])
    C.check(all(i.get("status") != "completed" for i in oitems), "overdue: none completed")
    # contractors may not see these
    c = ctx["hokuto_admin"]
    for path in ("/api/v1/contractors", "/api/v1/contractors?format=csv", "/api/v1/requirements/failures", "/api/v1/poam/overdue"):
        C.status(c.get(path), 403, "contractor-admin GET %s: 403" % path)


# ---- malformed and hostile requests -------------------------------------------------------------


def hostile(ctx):
    srv, rt = ctx["srv"], ctx["root_token"]
    before = mm.table_counts(ctx["db"])
    port = srv.port
    P = "/api/v1/organizations"

    r = mm.request(port, "POST", "/api/v1/session", b'{"login": "root", "password": ', {"Content-Type": "application/json"})
    C.status(r, 400, "logon with invalid JSON: 400")
    C.check(r.error_code() == "bad_request" and bool(r.error_message()), "400 with code bad_request and a message", r.text)
    r = mm.request(port, "POST", "/api/v1/session", {"login": 5, "password": "x"})
    C.status(r, 400, "logon with a number for login: 400")
    C.check("$.login" in (r.error_message() or ""), "the message names $.login", r.text)
    r = mm.request(port, "POST", "/api/v1/session", {"login": "root", "password": ["x"]})
    C.status(r, 400, "logon with an array for password: 400")
    C.check("$.password" in (r.error_message() or ""), "the message names $.password", r.text)
    r = mm.request(port, "POST", "/api/v1/session", [1, 2])
    C.status(r, 400, "logon with a JSON array: 400")
    r = mm.request(port, "POST", "/api/v1/session", b'{"login":"root","login":"x","password":"y"}', {"Content-Type": "application/json"})
    C.status(r, 400, "duplicate member: 400")
    r = mm.request(port, "POST", "/api/v1/session", b'{"login":"ro\\u0000ot","password":"y"}', {"Content-Type": "application/json"})
    C.status(r, (400, 401), "\\u0000 in a string: 400 (or 401)")
    r = mm.request(port, "POST", "/api/v1/session", b'\xff\xfe{}', {"Content-Type": "application/json"})
    C.status(r, 400, "invalid UTF-8: 400")
    r = rt.post(P, {"name": 7})
    C.status(r, 400, "organization name a number: 400")
    C.check("$.name" in (r.error_message() or ""), "the message names $.name", r.text)
    r = rt.post(P, {"name": "X", "kind": "authority"})
    C.status(r, (400, 403), "a second authority: refused (400/403)")
    r = rt.post(P, {"name": "X", "identifiers": "cage"})
    C.status(r, 400, "identifiers a string: 400")
    C.check("$.identifiers" in (r.error_message() or ""), "the message names $.identifiers", r.text)
    r = rt.post(P, {"name": "X", "parent_id": "00000000-0000-4000-8000-000000000000"})
    C.status(r, (400, 404, 422), "unknown parent_id: 4xx")
    r = rt.post(P, {"name": "X", "parent_id": ctx["auth_org"]})
    C.status(r, 400, "the authority as a contractor's prime: 400")
    r = rt.post(P, {"name": "X", "identifiers": {"cage": 5}})
    C.status(r, 400, "an identifier that is not a string: 400")
    r = rt.post(P, {"name": "X", "admin": True})
    C.status(r, 400, "unknown member: 400")
    r = rt.post(P, {"name": ""})
    C.status(r, 400, "empty name: 400")
    r = rt.post("/api/v1/tokens", {"name": "x", "expires_days": "30"})
    C.status(r, 400, "expires_days a string: 400")
    C.check("$.expires_days" in (r.error_message() or ""), "the message names $.expires_days", r.text)
    r = rt.post("/api/v1/tokens", {"name": "x", "expires_days": -1})
    C.status(r, 400, "expires_days -1: 400")
    r = rt.post("/api/v1/organizations/%s/users" % ctx["hokuto"], {"login": "x-user", "role": "superuser"})
    C.status(r, 400, "unknown role: 400")
    r = ctx["hokuto_admin"].post("/api/v1/organizations/%s/users" % ctx["hokuto"], {"login": "x-user2", "role": "authority-admin"})
    C.status(r, (400, 403), "contractor-admin making an authority-admin: refused")
    r = rt.post("/api/v1/organizations/%s/users" % ctx["hokuto"], {"login": "root", "role": "contractor-member"})
    C.status(r, 409, "a login already taken: 409")
    C.check(ctx["db"] not in r.text and "UNIQUE" not in r.text and "constraint" not in r.text,
            "an error message reveals neither the database path nor SQL", r.text)
    r = rt.post("/api/v1/organizations/%s/users" % ctx["auth_org"], {"login": "x-user3", "role": "contractor-member"})
    C.status(r, 400, "a contractor role in the authority: 400")
    r = rt.put("/api/v1/organizations/%s/consent" % ctx["hokuto"], {"prime_may_see_status": "yes"})
    C.status(r, (400, 403), "consent a string (by authority-admin): 400/403")
    r = ctx["hokuto_admin"].put("/api/v1/organizations/%s/consent" % ctx["hokuto"], {"prime_may_see_status": "yes"})
    C.status(r, 400, "consent a string: 400")

    big = b'{"login":"' + b"x" * 300000 + b'","password":"y"}'
    r = mm.request(port, "POST", "/api/v1/session", big, {"Content-Type": "application/json"})
    C.status(r, 413, "body over --max-body: 413")
    C.check(r.error_code() == "payload_too_large", "413 code payload_too_large", r.text[:200])
    r = mm.request(port, "POST", "/api/v1/session", json.dumps({"login": "root", "password": "y"}), {"Content-Type": "text/plain"})
    C.status(r, 415, "Content-Type text/plain: 415")
    C.check(r.error_code() == "unsupported_media_type", "415 code", r.text)
    r = mm.request(port, "POST", "/api/v1/session", json.dumps({"login": "root", "password": "y"}), {"Content-Type": "application/x-www-form-urlencoded"})
    C.status(r, 415, "Content-Type form-urlencoded (a CSRF form post): 415")
    r = ctx["hokuto_admin"].post("/api/v1/submissions", b"{}", headers={"Content-Type": "multipart/form-data; boundary=x"})
    C.status(r, 415, "submission as multipart: 415")

    C.status(mm.request(port, "GET", "/api/v1/nope"), 404, "unknown path: 404")
    C.status(mm.request(port, "GET", "/api/v2/version"), 404, "unknown API version: 404")
    C.status(rt.get("/api/v1/organizations/%s/nope" % ctx["hokuto"]), 404, "unknown sub-resource: 404")
    r = mm.request(port, "PUT", "/api/v1/session")
    C.status(r, 405, "PUT /api/v1/session: 405")
    C.check(r.error_code() == "method_not_allowed" and r.header("Allow") is not None, "405 with Allow", str(r.headers))
    allow = {a.strip() for a in (r.header("Allow") or "").split(",")}
    C.check({"GET", "POST", "DELETE"} <= allow, "Allow lists GET, POST, DELETE", str(allow))
    r = rt.req("PATCH", "/api/v1/contractors")
    C.status(r, 405, "PATCH /api/v1/contractors: 405")
    r = rt.req("POST", "/api/v1/submissions/%s" % ctx["sub1"], {})
    C.status(r, 405, "POST to a submission (they never change): 405")
    r = rt.req("DELETE", "/api/v1/submissions/%s" % ctx["sub1"])
    C.status(r, 405, "DELETE a submission: 405")

    for path in ("/api/v1/../../../../etc/passwd", "/api/v1/organizations/..%2F..%2F..%2Fetc%2Fpasswd",
                 "/api/v1/organizations/%2e%2e/users", "/api/v1/submissions/%00", "/api/v1/submissions/%zz",
                 "/api/v1/organizations/%ff%fe/keys", "/api/v1/organizations/" + "a" * 5000,
                 "/api/v1/submissions/x%27%20OR%20%271%27%3D%271", "/api/v1//session", "/api/v1/tokens/1;DROP",
                 "/%2e%2e/%2e%2e/etc/passwd", "/api/v1/contractors?q=%zz&status=%00"):
        r = rt.get(path)
        C.check(400 <= r.status < 500, "hostile path %s: 4xx" % mm.short(path, 60), "%s %s" % (r.status, r.text[:200]))
        C.check("root:" not in r.text, "hostile path %s: no file content" % mm.short(path, 60))
    r = rt.get("/api/v1/version?" + "x" * 200000)
    C.check(400 <= r.status < 500, "very long URL: 4xx", str(r.status))
    for raw in (b"GET /api/v1/session\x00/../healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                # (a NUL inside a header value is not here: libmicrohttpd 0.9.75 cuts the value
                # at the NUL before the server sees it, so "Bearer <valid token>\0x" reads as the
                # valid token. It gains nothing: the part before the NUL must be a valid
                # credential already. Other control bytes in headers are refused with 400.)
                b"GET /api/v1/session HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ctx["root_token"].token.encode() + b"\x01x\r\nConnection: close\r\n\r\n",
                b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\x00text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n",
                b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n",
                b"GET /api/v1/session HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + b"A" * 100000 + b"\r\nConnection: close\r\n\r\n",
                b"GET /api/v1/session HTTP/1.1\r\nHost: x\r\nCookie: mm_session=" + b"\xff" * 300 + b"\r\nConnection: close\r\n\r\n",
                b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64):
            st, out = mm.raw_request(port, raw)
            C.check(st is None or 400 <= st < 500, "raw hostile request %r: 4xx or closed" % raw[:40], "%s" % st)
    r = mm.request(port, "GET", "/healthz")
    C.status(r, 200, "the server still answers /healthz after the hostile requests")
    C.check(srv.alive(), "server process alive")
    after = mm.table_counts(ctx["db"])
    # the notification round (a background thread, docs/notifications.md) may record events
    # meanwhile: its tables are not the requests' doing
    extra = {t: (before.get(t), n) for t, n in after.items() if n != before.get(t)
             and t not in ("sessions", "notifications", "notify_outbox", "notify_attempts")}
    C.check(not extra, "no rows added by malformed or refused requests", str(extra))
    ctx["counts"] = after
    r = mm.request(port, "POST", "/api/v1/session", json.dumps({"login": "root", "password": "y"}), {"Content-Type": "application/json; charset=utf-8"})
    C.status(r, 401, "application/json; charset=utf-8 is accepted (401 for the wrong password)")
    mm.logon(srv, "root", mm.GOOD_PASSWORD)  # the failure above counts towards a lockout: clear it


# ---- idle timeout (a restart with --idle-timeout 2) -------------------------------------------------


def idle_timeout(ctx):
    srv = ctx["srv"]
    srv.stop()
    srv.extra = ctx["flags"] + ["--idle-timeout", "2"]
    srv.start()
    r, s = mm.logon(srv, "root", mm.GOOD_PASSWORD)
    C.status(r, 200, "logon (idle timeout 2 s)")
    secret(s.cookie), csrf(s.csrf)
    C.check((r.json or {}).get("idle_timeout") == 2, "logon answer idle_timeout 2", r.text)
    # used every 0.5 s for 3 s: stays alive
    t0 = time.monotonic()
    alive = True
    while time.monotonic() - t0 < 3:
        if s.get("/api/v1/session").status != 200:
            alive = False
            break
        time.sleep(0.5)
    C.check(alive, "a session in use outlives the idle timeout")
    time.sleep(3.0)  # the time to expire: nothing to poll
    C.status(s.get("/api/v1/session"), 401, "a session unused for 3 s: 401")
    C.status(s.post("/api/v1/tokens", {"name": "late"}), 401, "an idle-expired session cannot write")
    C.status(ctx["root_token"].get("/api/v1/session"), 200, "tokens do not idle out")

    # the absolute lifetime: a session in constant use still ends after --session-lifetime
    srv.stop()
    srv.extra = ctx["flags"] + ["--idle-timeout", "600", "--session-lifetime", "3"]
    srv.start()
    # the lifetime starts while the logon is answered: time it from before the request, and allow
    # for how long the answer took (Argon2 on a loaded machine)
    t0 = time.monotonic()
    r, s = mm.logon(srv, "root", mm.GOOD_PASSWORD)
    took = time.monotonic() - t0
    C.status(r, 200, "logon (session lifetime 3 s)")
    secret(s.cookie), csrf(s.csrf)
    end = None
    while time.monotonic() - t0 < 8 + took:
        if s.get("/api/v1/session").status == 401:
            end = time.monotonic() - t0
            break
        time.sleep(0.25)
    C.check(end is not None and 1.5 <= end <= 4.5 + took, "a session in use ends after its 3 s lifetime",
            "%s (logon took %.2f s)" % (end, took))


# ---- audit ------------------------------------------------------------------------------------


def audit(ctx):
    db = ctx["db"]
    cp = mm.audit_verify(db)
    C.check(cp.returncode == 0 and "chain intact" in cp.stdout, "audit verify: exit 0, chain intact", cp.stdout + cp.stderr)
    con = mm.db_ro(db)
    try:
        acts = sorted({a for (a,) in con.execute("SELECT action FROM audit_log")})
        n = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        triggers = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'")]
        sub_rows = con.execute("SELECT count(*) FROM submissions").fetchone()[0]
        sub_audit = con.execute("SELECT count(*) FROM audit_log WHERE action LIKE '%submi%'").fetchone()[0]
    finally:
        con.close()
    print("audit actions: %s" % ", ".join(acts))
    for want in ("session", "password", "token", "key", "consent", "org", "user", "submi"):
        C.check(any(want in a for a in acts), "an audit record for %s" % want, str(acts))
    C.check(sub_audit >= sub_rows, "an audit record per submission", "%d records, %d submissions" % (sub_audit, sub_rows))
    # the attacker with file access: drop the trigger, edit one record's detail
    target = max(2, n // 2)
    con = mm.db_rw(db)
    try:
        for t in triggers:
            con.execute('DROP TRIGGER "%s"' % t.replace('"', '""'))
        con.execute("UPDATE audit_log SET detail = ? WHERE id = ?", ('{"edited":true}', target))
        con.commit()
    finally:
        con.close()
    cp = mm.audit_verify(db)
    C.check(cp.returncode == 1, "audit verify after an edit: exit 1", "exit %d: %s" % (cp.returncode, cp.stdout + cp.stderr))
    C.check(("record %d:" % target) in (cp.stdout + cp.stderr), "audit verify names record %d" % target, cp.stdout + cp.stderr)
    # submissions cannot be updated or deleted (triggers)
    con = mm.db_rw(db)
    try:
        for sql in ("UPDATE submissions SET status='meets'", "DELETE FROM submissions"):
            try:
                con.execute(sql)
                con.commit()
                C.check(False, "trigger refuses: " + sql)
            except mm.DatabaseError:
                C.check(True, "trigger refuses: " + sql)
                con.rollback()
    finally:
        con.close()


def log_hygiene(ctx):
    with open(ctx["log"], "rb") as f:
        text = f.read().decode("utf-8", "replace")
    leaked = []
    for s in sorted(x for x in SECRETS if x and len(x) >= 8):
        parts = [s]
        if s.startswith("mm_session="):
            parts = [s.split("=", 1)[1]] + s.split("=", 1)[1].split(".")
        elif s.startswith("mm_"):
            parts = [s, s.rsplit("_", 1)[-1]]
        for p in parts:
            if len(p) >= 8 and p in text:
                leaked.append(mm.short(p, 24))
    C.check(not leaked, "the log holds no password, token, cookie or CSRF value (%d checked)" % len(SECRETS), str(leaked))
    C.check("wrong-password" not in text, "no attempted password in the log")
    # nor the database: passwords, token secrets and cookie secrets are stored only as hashes
    csrfs = set(CSRFS)
    creds = set()
    for s in SECRETS:
        if not s or s in csrfs:
            continue
        if s.startswith("mm_session="):
            creds.add(s.split("=", 1)[1].split(".", 1)[-1])  # the secret half (the id is a lookup key)
        elif s.startswith("mm_"):
            creds.add(s.rsplit("_", 1)[-1])
        elif "." in s and len(s) > 40:
            creds.add(s.split(".", 1)[-1])
        else:
            creds.add(s)
    creds = {c for c in creds if len(c) >= 8}
    con = mm.db_ro(ctx["db"])
    found = []
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for t in tables:
            for row in con.execute('SELECT * FROM "%s"' % t):
                cells = " ".join(str(c) for c in row)
                for c in creds:
                    if c in cells:
                        found.append("%s: %s" % (t, mm.short(c, 12)))
    finally:
        con.close()
    C.check(not found, "the database holds no password, token secret or cookie secret (%d checked)" % len(creds), str(found[:10]))
    bad = [l for l in text.splitlines() if l.strip() and not (l.startswith("{") and l.endswith("}"))]
    C.check(not bad, "every log line is a JSON object", "\n".join(bad[:5]))


if __name__ == "__main__":
    mm.need_env()
    main()
