#!/usr/bin/env python3
"""Process-level test of the dashboard pages of `mamori serve` (docs/dashboard.md): each page
for the right role and a redirect, 403 or 404 for the wrong one (a contractor who changes the
URL to another contractor's page gets 404), the security headers, escaping of an organization
named <script>, CSRF on every form, logon (double-submit cookie), logout, password change,
the idle timeout, the language switch, and the contractor's upload: a valid and an invalid
assessment (previews) and a signed document (a submission with a receipt).

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (as CMake sets them). Standard library only.
"""

import http.client
import datetime
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

C = mm.Checker()
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
EVIL = "<script>alert(1)</script>"


class Browser:
    """Cookies kept by name; no redirects followed (the tests look at them)."""

    def __init__(self, srv, lang=None):
        self.srv = srv
        self.cookies = {}
        self.lang = lang

    def _send(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if self.lang:
            h["Accept-Language"] = self.lang
        h.setdefault("Accept", "text/html")
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        try:
            conn.request(method, path, body, h)
            resp = conn.getresponse()
            r = mm.Resp(resp.status, resp.getheaders(), resp.read())
        finally:
            conn.close()
        for sc in r.header_all("Set-Cookie"):
            nv = sc.split(";")[0]
            name, _, value = nv.partition("=")
            if "max-age=0" in sc.lower() or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return r

    def get(self, path, **kw):
        return self._send("GET", path, **kw)

    def post(self, path, fields, csrf=True, page=None):
        """A urlencoded form; the csrf field from the last page (or page) unless csrf=False."""
        f = dict(fields)
        if csrf is True:
            f["csrf"] = self.csrf_of(page)
        elif isinstance(csrf, str):
            f["csrf"] = csrf
        return self._send("POST", path, urllib.parse.urlencode(f),
                          {"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path, fields, files, csrf=True):
        boundary = "----mamoriTestBoundary7MA4YWxkTrZu0gW"
        f = dict(fields)
        if csrf:
            f["csrf"] = self.csrf_of(None)
        parts = []
        for k, v in f.items():
            parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, k)).encode()
                         + v.encode() + b"\r\n")
        for k, (fname, data) in files.items():
            parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                          "Content-Type: application/json\r\n\r\n" % (boundary, k, fname)).encode()
                         + data + b"\r\n")
        body = b"".join(parts) + ("--%s--\r\n" % boundary).encode()
        return self._send("POST", path, body,
                          {"Content-Type": "multipart/form-data; boundary=" + boundary})

    def csrf_of(self, page):
        if page is None:
            page = self.get("/my/tokens")
        m = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
        return m.group(1) if m else ""

    def login(self, login, password, next_=None):
        p = self.get("/login")
        f = {"login": login, "password": password}
        if next_:
            f["next"] = next_
        return self.post("/login", f, page=p)


def has_alert(r, needle=None):
    m = re.search(r'<div class="error" role="alert">(.*?)</div>', r.text, re.S)
    return bool(m) and (needle is None or needle in m.group(1))


def page_ok(r, name):
    C.status(r, 200, name + ": 200")
    C.check(r.header("Content-Type", "").startswith("text/html"), name + ": text/html", r.header("Content-Type"))


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    auth_org, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, log, ["--threads", "4"]).start()
    try:
        run(T, srv, otp)
        idle(srv)
        password_lockout(srv)
        rc = srv.stop()
        C.check(rc == 0, "exit 0 after SIGTERM", "exit %s" % rc)
        C.check("AddressSanitizer" not in srv.log_text(), "no sanitizer report in the log")
    finally:
        srv.kill()
    C.finish()


def run(T, srv, otp):
    # ---- logon: one-time password, then /password -----------------------------------------
    b = Browser(srv)
    p = b.get("/login")
    page_ok(p, "GET /login")
    for sel in ('id="login-form"', 'name="login"', 'id="login"', 'name="password"', 'id="password"',
                'id="signin"', 'id="lang-ja"', 'id="lang-en"'):
        C.check(sel in p.text, "login page has %s" % sel)
    C.check("mm_prelogin" in b.cookies, "GET /login sets the mm_prelogin cookie")
    pre = [c for c in p.header_all("Set-Cookie") if c.startswith("mm_prelogin=")]
    C.check(pre and "HttpOnly" in pre[0] and "SameSite=Strict" in pre[0], "mm_prelogin is HttpOnly, SameSite=Strict", str(pre))
    C.check("15 minutes of inactivity" in p.text, "the idle timeout is on the page")
    C.check(p.header("Content-Security-Policy") == CSP, "CSP of pages", p.header("Content-Security-Policy"))
    C.check(p.header("X-Content-Type-Options") == "nosniff", "nosniff")
    C.check(p.header("Referrer-Policy") == "no-referrer", "Referrer-Policy: no-referrer")
    C.check(not re.search(r"<script(?![^>]*\bsrc=)", p.text), "no inline script")
    C.check(" style=" not in p.text and "<style" not in p.text, "no inline style")

    # the double-submit check
    r = b.post("/login", {"login": "root", "password": otp}, csrf=False)
    C.status(r, 403, "POST /login without the csrf field: 403")
    r = b.post("/login", {"login": "root", "password": otp}, csrf="0" * 64)
    C.status(r, 403, "POST /login with a wrong csrf field: 403")
    other = Browser(srv)
    r = other.post("/login", {"login": "root", "password": otp}, csrf=b.csrf_of(b.get("/login")))
    C.status(r, 403, "POST /login with a csrf field but no mm_prelogin cookie: 403")

    r = b.login("root", "wrong password!")
    C.status(r, 200, "wrong password: the form again")
    C.check(has_alert(r, "wrong"), "wrong password: .error[role=alert] says so", r.text[:300])
    r = b.login("root", otp)
    C.status(r, 303, "logon with a one-time password: 303")
    C.check(r.header("Location") == "/password", "one-time password: to /password", r.header("Location"))
    C.check("mm_session" in b.cookies, "a session cookie")
    r = b.get("/overview")
    C.status(r, 303, "one-time password: /overview redirects")
    C.check(r.header("Location") == "/password", "... to /password", r.header("Location"))
    p = b.get("/password")
    page_ok(p, "GET /password")
    for sel in ('id="password-form"', 'id="current"', 'id="new"', 'id="confirm"'):
        C.check(sel in p.text, "password page has %s" % sel)
    r = b.post("/password", {"current": otp, "new": mm.GOOD_PASSWORD, "confirm": mm.GOOD_PASSWORD + "x"}, page=p)
    C.check(has_alert(r, "differ"), "password mismatch: says the two differ", r.text[:400])
    r = b.post("/password", {"current": otp, "new": "short", "confirm": "short"}, page=p)
    C.check(has_alert(r, "12"), "short password: says at least 12", r.text[:400])
    r = b.post("/password", {"current": "not it at all", "new": mm.GOOD_PASSWORD, "confirm": mm.GOOD_PASSWORD}, page=p)
    C.check(has_alert(r, "current password"), "wrong current password: says so")
    r = b.post("/password", {"current": otp, "new": mm.GOOD_PASSWORD, "confirm": mm.GOOD_PASSWORD}, csrf=False)
    C.status(r, 403, "POST /password without csrf: 403")
    r = b.post("/password", {"current": otp, "new": mm.GOOD_PASSWORD, "confirm": mm.GOOD_PASSWORD}, page=p)
    C.status(r, 303, "password changed: 303")
    C.check(r.header("Location") == "/overview", "authority: to /overview", r.header("Location"))

    # ---- the data: organizations, users, a key ------------------------------------------
    _, root = mm.logon(srv, "root", mm.GOOD_PASSWORD)
    a = mm.create_org(root, EVIL + " K.K.", identifiers={"cage": "1ABC2", "sector": "aerospace"})
    bo = mm.create_org(root, "Beta Works", identifiers={"cage": "2BCD3"})
    sub = mm.create_org(root, "Sub One", parent_id=a["id"])
    sub2 = mm.create_org(root, "Sub Two", parent_id=a["id"])
    a_admin = mm.make_user(srv, root, a["id"], "alice", "contractor-admin")
    b_user = mm.make_user(srv, root, bo["id"], "bob", "contractor-member")
    s_admin = mm.make_user(srv, root, sub["id"], "sam", "contractor-admin")
    mm.expect(s_admin.put("/api/v1/organizations/%s/consent" % sub["id"], {"prime_may_see_status": True}),
              200, "consent of Sub One")
    key = os.path.join(T, "alice.key")
    pub, _ = mm.keygen(EVIL + " K.K.", key)
    mm.expect(mm.register_key(a_admin, a["id"], pub), 201, "alice's key")
    signed = mm.sign(mm.EXAMPLE_R3, key, os.path.join(T, "a1.signed.json"))
    mm.expect(mm.submit(a_admin, signed), 201, "a first submission of A")

    # ---- the authority's pages -------------------------------------------------------------
    t0 = time.monotonic()
    for path in ("/overview", "/contractors", "/contractors/" + a["id"], "/requirements/03.01.01",
                 "/requirements/3.1.1", "/my/tokens", "/contractors?q=script&status=&sort=score&order=desc"):
        page_ok(b.get(path), "root GET " + path)
    ov = b.get("/overview")
    for sel in ('id="status-counts"', 'data-status="meets"', 'data-status="none"', 'class="count"',
                'svg id="score-histogram"', 'svg id="family-heatmap"', 'id="top-failures"',
                'id="overdue"', 'id="stale"', "<details", "<title>"):
        C.check(sel in ov.text, "overview has %s" % sel)
    m = re.search(r'data-status="none">.*?class="count">(\d+)<', ov.text, re.S)
    C.check(m and m.group(1) == "3", "overview: 3 contractors without a submission", m and m.group(1))
    # the overview is cached until the store changes: a new contractor shows at once
    mm.create_org(root, "Gamma Late Joiner")
    ov2 = b.get("/overview")
    m = re.search(r'data-status="none">.*?class="count">(\d+)<', ov2.text, re.S)
    C.check(m and m.group(1) == "4", "overview after a new contractor: 4 without a submission",
            m and m.group(1))
    lst = b.get("/contractors")
    for sel in ('id="filter"', 'name="q"', 'name="status"', 'id="contractors"', 'data-sort="name"',
                'data-sort="score"', 'data-sort="status"', 'data-sort="assessed"', 'data-org-id="%s"' % a["id"],
                'class="badge"', 'class="pagination"', 'id="page-info"', 'id="csv-export"'):
        C.check(sel in lst.text, "contractor list has %s" % sel)
    C.check(EVIL not in lst.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in lst.text,
            "the <script> name is escaped on /contractors")
    f = b.get("/contractors?q=Beta&status=none&sort=name&order=desc")
    C.check('data-org-id="%s"' % bo["id"] in f.text and 'data-org-id="%s"' % a["id"] not in f.text,
            "filter q=Beta shows Beta Works only")
    m = re.search(r'id="csv-export" href="([^"]+)"', f.text)
    href = m.group(1).replace("&amp;", "&") if m else ""
    C.check(href.startswith("/api/v1/contractors.csv?") and "q=Beta" in href and "status=none" in href
            and "order=desc" in href, "CSV link keeps the view", href)
    csv = b.get(href)
    C.check(csv.status == 200 and "Beta Works" in csv.text and "Sub One" not in csv.text, "the CSV is the current view",
            csv.text[:200])
    m = re.search(r'data-sort="name" href="([^"]+)"', f.text)
    C.check(m and "order=asc" in m.group(1), "clicking the current sort column toggles the order", m and m.group(1))
    cp = b.get("/contractors/" + a["id"])
    for sel in ('svg id="score-history"', 'svg id="family-bars"', 'id="gaps"', 'svg id="poam-timeline"',
                'id="submissions"', 'id="subcontractors"', 'role="img"'):
        C.check(sel in cp.text, "contractor page has %s" % sel)
    C.check(EVIL not in cp.text and "<h1><bdi>&lt;script&gt;alert(1)&lt;/script&gt; K.K.</bdi></h1>" in cp.text,
            "the <script> name is escaped on /contractors/{id}")
    # the score as the list gives it, out of its maximum, and its framework: "92 / 97 (Rev 3)"
    row = re.search(r'<tr[^>]*data-org-id="%s".*?</tr>' % a["id"], b.get("/contractors").text, re.S)
    ls = row and re.search(r'<td class="num">(-?\d+) <span class="muted">/ (\d+)</span></td><td>Rev\xa03</td>',
                           row.group(0))
    sc = re.search(r'<dd id="org-score">(-?\d+) <span class="muted">/ (\d+)</span> '
                   r'<span class="muted">\(Rev\xa03\)</span></dd>', cp.text)
    C.check(ls and sc and ls.groups() == sc.groups() and int(sc.group(2)) > 0,
            "the contractor page's score as the list's: out of the maximum, with the framework",
            "%s %s" % (ls and ls.groups(), mm.short(cp.text[cp.text.find('id="org-score"'):][:200])))
    rq = b.get("/requirements/03.01.01")
    for sel in ('id="met-count"', 'id="failing-contractors"', 'id="failing-objectives"'):
        C.check(sel in rq.text, "requirement page has %s" % sel)
    # a gap of the example (03.03.05 not met): its objectives are counted, most failed first
    rq = b.get("/requirements/03.03.05")
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td></tr>',
                                         rq.text.split('id="failing-objectives"', 1)[-1])]
    C.check(counts and counts[0] >= 1 and counts == sorted(counts, reverse=True),
            "failing objectives of 03.03.05 counted, most first", counts)
    # on a Japanese page NIST's determination statements stay English, marked so (lang="en")
    rq = b.get("/requirements/03.03.05?lang=ja").text.split('id="failing-objectives"', 1)[-1]
    cells = re.findall(r'<td>(A\.03\.03\.05[^<]*)</td><td>(.*?)</td>', rq)
    C.check(cells and all(t.startswith('<span lang="en">') for _, t in cells),
            "the objectives' statements are marked lang=en on a Japanese page", mm.short(cells))
    # and their parameters are written as the publication prints them, not as OSCAL's template
    C.check(cells and "{{" not in rq and any("[Assignment: " in t for _, t in cells),
            "the objectives' parameters shown as [Assignment: ...]", mm.short(cells))
    C.check('data-detail="objectives"' in cp.text, "the contractor page lists a gap's objectives not met")
    C.status(b.get("/requirements/99.99.99"), 404, "unknown requirement: 404")
    r = b.get("/my")
    C.status(r, 403, "root GET /my: 403 (contractors only)")
    C.check(has_alert(r), "403 is an HTML page with the reason")
    # the authority's users and the /my pages (docs/dashboard.md): tokens are every signed-in
    # user's; /my, the upload and the keys are a contractor's
    mm.make_user(srv, root, root.user["org_id"], "analyst-1", "authority-analyst")
    an = Browser(srv)
    C.status(an.login("analyst-1", mm.GOOD_PASSWORD), 303, "analyst logon")
    for path, want in (("/my/tokens", 200), ("/my", 403), ("/my/keys", 403)):
        r = an.get(path)
        C.status(r, want, "analyst GET %s: %d" % (path, want))
        if want == 403:
            C.check(has_alert(r), "analyst %s: the 403 page says why" % path)
    r = an.post("/my/keys", {"pub": "x"}, page=an.get("/my/tokens"))
    C.status(r, 403, "analyst POST /my/keys: 403")
    nav = an.get("/overview").text
    nav = nav.split('class="main-nav"', 1)[-1].split("</nav>", 1)[0]
    C.check('href="/my/tokens"' in nav and 'href="/my/keys"' not in nav and 'href="/my"' not in nav
            and 'href="/overview"' in nav and 'href="/contractors"' in nav,
            "the analyst's navigation: overview, contractors, incidents, tokens; no /my, no keys", nav)
    # strict parameters: an unknown value of an enumerated parameter is a 400 naming both
    for path, name in (("/contractors?status=great", "status"), ("/contractors?sort=size", "sort"),
                       ("/contractors?order=up", "order"), ("/overview?lang=fr", "lang"),
                       ("/login?reason=bored", "reason")):
        r = b.get(path)
        C.status(r, 400, "GET %s: 400" % path)
        C.check(has_alert(r, "?%s=" % name), "GET %s: the page names ?%s= and its values" % (path, name),
                r.text[:600])
    r = b.get("/contractors?sort=size")
    C.check("name, score, status, assessed" in r.text, "the 400 page lists the allowed values")
    page_ok(b.get("/contractors?status=&sort=&order="), "empty values are the same as none")
    C.check(time.monotonic() - t0 < 30, "the authority's pages answer quickly")

    # ---- a contractor ---------------------------------------------------------------------
    al = Browser(srv)
    r = al.login("alice", mm.GOOD_PASSWORD, next_="/contractors/" + a["id"])
    C.status(r, 303, "alice logs on")
    C.check(r.header("Location") == "/contractors/" + a["id"], "logon goes to next", r.header("Location"))
    r = al.login("alice", mm.GOOD_PASSWORD, next_="//evil.example/")
    C.check(r.header("Location") == "/my", "an off-site next is ignored: /my", r.header("Location"))
    for path, want in (("/my", 200), ("/my/keys", 200), ("/my/tokens", 200), ("/contractors/" + a["id"], 200),
                       ("/contractors/" + sub["id"], 200), ("/contractors/" + sub2["id"], 404),
                       ("/contractors/" + bo["id"], 404), ("/contractors/" + bo["id"] + "/diff?a=x&b=y", 404),
                       ("/contractors/no-such-org", 404), ("/overview", 403), ("/contractors", 403),
                       ("/requirements/03.01.01", 403)):
        r = al.get(path)
        C.status(r, want, "alice GET %s" % path)
        if want != 200:
            C.check(r.header("Content-Type", "").startswith("text/html"), "alice GET %s: an HTML page" % path)
    r = al.get("/contractors/" + sub["id"])
    C.check('id="summary-only"' in r.text and 'id="gaps"' not in r.text, "a prime sees a consenting sub's summary only")
    cp = al.get("/contractors/" + a["id"])
    C.check("Sub One" in cp.text and "not shared" in cp.text, "subcontractor tree: Sub Two not shared")
    my = al.get("/my")
    for sel in ('id="my-status"', 'id="my-poam"', 'id="my-submissions"', 'id="upload-form"',
                'enctype="multipart/form-data"', 'id="assessment-file"', 'name="assessment"', 'id="upload"',
                'href="/my/tokens"', 'href="/my/keys"'):
        C.check(sel in my.text, "/my has %s" % sel)
    C.check(EVIL not in my.text, "the <script> name is escaped on /my")
    # uploads
    with open(mm.EXAMPLE_R3, "rb") as fh:
        good = fh.read()
    r = al.post_multipart("/my/upload", {}, {"assessment": ("assessment-r3.json", good)})
    C.status(r, 200, "upload of a valid assessment: 200")
    C.check('id="upload-result"' in r.text and 'data-kind="preview"' in r.text and 'id="upload-status"' in r.text
            and 'id="upload-score"' in r.text, "valid assessment: a preview with status and score", r.text[-800:])
    C.check("mamori submit" in r.text and not has_alert(r), "preview says how to submit; no error")
    r = al.post_multipart("/my/upload", {}, {"assessment": ("broken.json", b'{"framework": "800-171r3",\n  oops')})
    C.check(has_alert(r, "broken.json:2:") and "invalid JSON" in r.text, "invalid file: the CLI's FILE:LINE:COL message",
            re.findall(r'role="alert">(.*?)<', r.text))
    r = al.post_multipart("/my/upload", {}, {"assessment": ("a.json", good)}, csrf=False)
    C.status(r, 403, "upload without the csrf field: 403")
    signed2 = mm.sign(mm.variant(mm.EXAMPLE_R3, os.path.join(T, "a2.json"), "web"), key,
                      os.path.join(T, "a2.signed.json"))
    r = al.post_multipart("/my/upload", {}, {"assessment": ("a2.signed.json", signed2)})
    m = re.search(r'id="receipt-id">([0-9a-f-]{36})<', r.text)
    C.check('data-kind="submission"' in r.text and m, "a signed upload is submitted: a receipt", r.text[-600:])
    if m:
        my = al.get("/my")
        C.check(m.group(1) in my.text, "the new submission is in #my-submissions")
        got = a_admin.get("/api/v1/submissions/" + m.group(1))
        C.status(got, 200, "the submission is stored")
    r = al.post_multipart("/my/upload", {}, {"assessment": ("a2.signed.json", signed2)})
    C.check(has_alert(r, "replay"), "the same signed file again: refused as a replay")
    # diff
    cp = al.get("/contractors/" + a["id"])
    ids = re.findall(r'<option value="([0-9a-f-]{36})"', cp.text)
    C.check('id="diff-form"' in cp.text and len(ids) >= 2, "diff form with the submissions")
    if len(ids) >= 2:
        d = al.get("/contractors/%s/diff?a=%s&b=%s" % (a["id"], ids[1], ids[0]))
        page_ok(d, "diff page")
        C.check('id="fixed"' in d.text and 'id="new-gaps"' in d.text and 'id="diff-score"' in d.text, "diff shows fixed/new gaps and the score")
    # bob may not see A's submissions through the diff page either
    bb = Browser(srv)
    bb.login("bob", mm.GOOD_PASSWORD)
    if len(ids) >= 2:
        C.status(bb.get("/contractors/%s/diff?a=%s&b=%s" % (bo["id"], ids[1], ids[0])), 404,
                 "bob: A's submissions under his own organization's diff: 404")
    C.status(bb.get("/contractors/" + a["id"]), 404, "bob GET A's page: 404")
    r = bb.get("/my/keys")
    C.check('id="keys"' in r.text and 'id="key-form"' not in r.text, "a contractor-member sees keys, no form")
    # tokens and keys
    tp = al.get("/my/tokens")
    C.check('id="tokens"' in tp.text and 'id="token-form"' in tp.text, "tokens page")
    r = al.post("/my/tokens", {"name": "ci", "expires_days": "30"}, page=tp)
    m = re.search(r'id="new-token">(mm_\d+_[0-9a-f]{64})<', r.text)
    C.check(m, "a new token is shown once in #new-token")
    if m:
        api = mm.Client(srv, token=m.group(1))
        C.status(api.get("/api/v1/session"), 200, "the token works")
    r = al.post("/my/tokens", {"name": "ci2"}, csrf=False)
    C.status(r, 403, "token form without csrf: 403")
    kp = al.get("/my/keys")
    C.check('id="keys"' in kp.text and 'id="key-form"' in kp.text, "keys page with the form for an admin")
    pub2, _ = mm.keygen("A second", os.path.join(T, "alice2.key"))
    r = al.post_multipart("/my/keys", {"pub": pub2.decode()}, {})
    C.check('id="key-added"' in r.text, "a public key registered from the form", re.findall(r'role="alert">(.*?)<', r.text))
    r = al.post_multipart("/my/keys", {"pub": '{"kind": "mamori-ed25519-secret"}'}, {})
    C.check(has_alert(r), "a wrong key file: an error")

    # ---- language ------------------------------------------------------------------------
    j = Browser(srv, lang="ja,en;q=0.8")
    p = j.get("/login")
    C.check('<html lang="ja">' in p.text and "ログイン" in p.text, "Accept-Language ja: a Japanese page")
    C.check("セッションは15分操作がないと終了します" in p.text, "the idle timeout in Japanese")
    p = j.get("/login?lang=en")
    C.check('<html lang="en">' in p.text and "Sign in" in p.text, "?lang=en: English")
    C.check(j.cookies.get("mm_lang") == "en", "?lang=en sets mm_lang=en")
    p = j.get("/login")
    C.check('<html lang="en">' in p.text, "the choice is remembered over Accept-Language")
    e = Browser(srv, lang="en-US,en;q=0.9")
    C.check('<html lang="en">' in e.get("/login").text, "Accept-Language en: English")
    C.check('<html lang="en">' in Browser(srv).get("/login").text, "no Accept-Language: English")
    r = b.get("/overview?lang=ja")
    C.check('<html lang="ja">' in r.text and "概況" in r.text, "the overview in Japanese")
    # every table scrolls in its own named box (the page never scrolls sideways on a phone)
    C.check(r.text.count("<table") > 0 and r.text.count("<table") == r.text.count('<div class="scroll" role="region"'),
            "every table of the overview is inside a scroll box", "%d tables" % r.text.count("<table"))
    # times in the viewer's zone (JST for Japanese), UTC on hover; ?tz=utc is remembered
    r = b.get("/contractors/" + a["id"])  # its submissions: the times they were received
    m = re.search(r'<time datetime="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)" title="([^"]+) UTC">([^<]+)</time>', r.text)
    if C.check(m is not None, "a contractor's page shows a time as <time datetime=...Z title=... UTC>"):
        utc = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ")
        C.check(m.group(3) == (utc + datetime.timedelta(hours=9)).strftime("%Y-%m-%d %H:%M JST"),
                "... shown in JST on a Japanese page", m.group(0))
        r = b.get("/contractors/%s?tz=utc" % a["id"])
        C.check(b.cookies.get("mm_tz") == "utc" and (utc.strftime("%Y-%m-%d %H:%M UTC") in r.text),
                "?tz=utc: UTC, remembered in mm_tz")
        b.get("/contractors/%s?tz=jst" % a["id"])

    # ---- redirects, CSRF on logout, logout ----------------------------------------------------
    anon = Browser(srv)
    r = anon.get("/contractors?status=meets")
    C.status(r, 303, "anonymous GET /contractors: 303")
    loc = r.header("Location") or ""
    C.check(loc.startswith("/login?next=") and "contractors" in urllib.parse.unquote(loc),
            "... to /login?next=", loc)
    r = anon.get("/")
    C.check(r.status == 303 and (r.header("Location") or "").startswith("/login"), "anonymous GET /: to /login")
    r = al.post("/logout", {}, csrf=False)
    C.status(r, 403, "POST /logout without csrf: 403")
    r = al.post("/logout", {}, page=al.get("/my"))
    C.status(r, 303, "POST /logout: 303")
    C.check(r.header("Location") == "/login", "logout: to /login")
    C.check("mm_session" not in al.cookies, "logout clears the cookie")
    old = Browser(srv)
    r = old.get("/api/v1/session")
    r = al.get("/my")
    C.status(r, 303, "after logout /my redirects to /login")
    r = b.get("/no/such/page")
    C.status(r, 404, "unknown page: 404")


def idle(srv):
    """A session idle past the timeout: back to /login?reason=idle, which says why."""
    srv.stop()
    srv.extra = ["--threads", "2", "--idle-timeout", "2"]
    srv.start()
    b = Browser(srv)
    r = b.login("root", mm.GOOD_PASSWORD)
    C.status(r, 303, "logon (idle timeout 2 s)")
    C.check("2 minutes" not in b.get("/overview").text, "sanity")
    time.sleep(3.2)
    r = b.get("/overview")
    C.status(r, 303, "idle session: 303")
    loc = r.header("Location") or ""
    C.check(loc.startswith("/login?reason=idle"), "idle session: to /login?reason=idle", loc)
    p = b.get(loc)
    C.check(has_alert(p, "inactivity"), "the logon page says the session ended after inactivity", p.text[:500])


def password_lockout(srv):
    """The password form counts a wrong current password toward the lockout like a failed
    logon; the lockout ends the account's sessions, this one too (423, back to the logon)."""
    srv.stop()
    srv.extra = ["--threads", "2", "--lockout-attempts", "3", "--lockout-duration", "600"]
    srv.start()
    _, root = mm.logon(srv, "root", mm.GOOD_PASSWORD)
    org = mm.create_org(root, "Lockout Works")
    tok = mm.make_user(srv, root, org["id"], "guesser", "contractor-member")
    b = Browser(srv)
    C.status(b.login("guesser", mm.GOOD_PASSWORD), 303, "logon of guesser")
    other = Browser(srv)
    C.status(other.login("guesser", mm.GOOD_PASSWORD), 303, "a second session of guesser")
    for i in range(2):
        p = b.get("/password")
        r = b.post("/password", {"current": "guess number %d" % i, "new": mm.GOOD_PASSWORD + "-n",
                                 "confirm": mm.GOOD_PASSWORD + "-n"}, page=p)
        C.status(r, 200, "form: wrong current password %d: the form again" % (i + 1))
        C.check(has_alert(r, "current password"), "form: wrong current password %d: says so" % (i + 1))
    p = b.get("/password")
    r = b.post("/password", {"current": "guess number 3", "new": mm.GOOD_PASSWORD + "-n",
                             "confirm": mm.GOOD_PASSWORD + "-n"}, page=p)
    C.status(r, 423, "form: the third wrong current password (limit 3) locks the account: 423")
    C.check(has_alert(r, "locked"), "form: the 423 page says the account is locked", r.text[:600])
    C.check("mm_session" not in b.cookies, "form: the lockout clears the session cookie")
    r = b.get("/my")
    C.status(r, 303, "form: after the lockout /my sends to the logon")
    r = other.get("/my")
    C.check(r.status == 303 and (r.header("Location") or "").startswith("/login"),
            "form: the lockout ended the other session too", "%s %s" % (r.status, r.header("Location")))
    r = Browser(srv).login("guesser", mm.GOOD_PASSWORD)
    C.status(r, 423, "form: locked: the right password at the logon answers 423")
    # a token (not a session) is still a credential, but while the lock lasts a password
    # change answers 423 whatever the current password, so it cannot be used to guess
    r = tok.post("/api/v1/password", {"current": mm.GOOD_PASSWORD, "new": mm.GOOD_PASSWORD + "-t"})
    C.status(r, 423, "locked: a password change with the right current password answers 423")
    r = tok.post("/api/v1/password", {"current": "another guess!", "new": mm.GOOD_PASSWORD + "-t"})
    C.status(r, 423, "locked: a password change with a wrong one answers 423 too")


if __name__ == "__main__":
    main()
