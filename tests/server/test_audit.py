#!/usr/bin/env python3
"""The audit log read and verified (docs/api.md "Audit", docs/dashboard.md `/audit`): GET
/api/v1/audit filters by actor, action, organization and UTC days, pages by id both ways and
answers every bad parameter with a 400 naming it; only an authority-admin reads it (a
contractor, with or without ?org= of its own organization, and an analyst get 403); a shared
item's title stays out of the details; POST /api/v1/audit/verify and the page's "Verify the
chain" button report the chain intact, then, after one record is edited in the database, broken
at that record, as `mamori audit verify` does.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (MM_TEST_DB_URL: on PostgreSQL). Standard library only.
"""

import datetime
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402
from test_web import Browser  # noqa: E402

C = mm.Checker()


def db_records(db, where="1 = 1", params=()):
    con = mm.db_ro(db)
    try:
        return [tuple(r) for r in con.execute(
            "SELECT id, actor, action FROM audit_log WHERE %s ORDER BY id DESC" % where, params)]
    finally:
        con.close()


def walk(client, query, limit):
    """Every page of query, older and older: the ids in order, and the pages' ids."""
    ids, pages, before = [], [], None
    for _ in range(1000):
        q = query + "&limit=%d" % limit + ("&before=%d" % before if before else "")
        r = client.get("/api/v1/audit?" + q)
        if r.status != 200:
            C.check(False, "a page of ?%s" % q, r.text)
            return ids, pages
        page = [it["id"] for it in r.json["items"]]
        pages.append((page, r.json["newer"], r.json["older"]))
        ids += page
        before = r.json["older"]
        if before is None:
            break
    return ids, pages


def filters(root, db, org_a, org_b):
    everything = db_records(db)
    r = root.get("/api/v1/audit")
    C.status(r, 200, "GET /api/v1/audit")
    items = r.json["items"]
    C.check([it["id"] for it in items] == [e[0] for e in everything[:50]],
            "the newest 50 records, newest first", str([it["id"] for it in items][:5]))
    C.check(set(items[0]) == {"id", "ts", "actor", "action", "object", "detail", "org_id", "org_name"},
            "an item's members", str(sorted(items[0])))

    # action: exactly those records
    want = [e[0] for e in everything if e[2] == "logon.failure"]
    r = root.get("/api/v1/audit?action=logon.failure")
    C.check(r.status == 200 and [it["id"] for it in r.json["items"]] == want and len(want) >= 2,
            "?action=logon.failure: its %d records" % len(want), r.text[:300])
    # actor
    want = [e[0] for e in everything if e[1] == "au-alice"]
    r = root.get("/api/v1/audit?actor=au-alice")
    C.check(r.status == 200 and [it["id"] for it in r.json["items"]] == want and want,
            "?actor=au-alice: her records", r.text[:300])
    C.check(all(it["org_id"] == org_a and it["org_name"] == "Audit A Corp" for it in r.json["items"]),
            "her organization on each record", r.text[:300])
    # organization: A's users' records (alice and bob), never B's
    want = [e[0] for e in everything if e[1] in ("au-alice", "au-bob")]
    ids, _ = walk(root, "org=" + org_a, 200)
    C.check(ids == want and want, "?org=A: the records of A's users (%d)" % len(want),
            "%s vs %s" % (ids[:8], want[:8]))
    r = root.get("/api/v1/audit?org=%s&action=logon.failure" % org_a)
    C.check(r.status == 200 and [it["id"] for it in r.json["items"]]
            == [e[0] for e in everything if e[1] in ("au-alice", "au-bob") and e[2] == "logon.failure"],
            "?org=A&action=logon.failure: both filters", r.text[:300])
    r = root.get("/api/v1/audit?org=" + org_b)
    C.check(r.status == 200 and r.json["items"] and all(it["actor"] == "au-carol" for it in r.json["items"]),
            "?org=B: carol's records only", r.text[:300])
    # dates (UTC days, both included)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    day = datetime.timedelta(days=1)
    r = root.get("/api/v1/audit?from=%s&to=%s&limit=200" % (today - day, today + day))
    C.check(r.status == 200 and len(r.json["items"]) == min(200, len(everything)),
            "?from=yesterday&to=tomorrow: every record", str(len(r.json.get("items", []))))
    r = root.get("/api/v1/audit?to=%s" % (today - day))
    C.check(r.status == 200 and r.json["items"] == [] and r.json["older"] is None,
            "?to=yesterday: none (every record is of today)", r.text[:200])
    r = root.get("/api/v1/audit?from=%s" % (today + day))
    C.check(r.status == 200 and r.json["items"] == [], "?from=tomorrow: none", r.text[:200])
    r = root.get("/api/v1/audit?from=%s&to=%s&actor=au-alice" % (today, today))
    C.check(r.status == 200 and [it["id"] for it in r.json["items"]] == [e[0] for e in everything if e[1] == "au-alice"],
            "?from=today&to=today&actor=: today's own day is included", r.text[:200])

    # paging: older pages of 4 cover every record once, in order; newer goes back
    ids, pages = walk(root, "x=1", 4)
    C.check(ids == [e[0] for e in everything], "pages of 4, older and older: every record once, in order",
            "%d ids vs %d records" % (len(ids), len(everything)))
    C.check(pages[0][1] is None and pages[-1][2] is None and all(len(p[0]) == 4 for p in pages[:-1]),
            "the first page has no newer, the last no older, the others are full")
    if len(pages) >= 3:
        page2, newer, _ = pages[1]
        r = root.get("/api/v1/audit?limit=4&after=%d" % newer)
        C.check(r.status == 200 and [it["id"] for it in r.json["items"]] == pages[0][0] and r.json["newer"] is None,
                "?after= the second page's newer: the first page again", r.text[:300])
        r = root.get("/api/v1/audit?limit=4&after=%d" % pages[2][1])
        C.check(r.status == 200 and [it["id"] for it in r.json["items"]] == page2,
                "?after= the third page's newer: the second page again", r.text[:300])
    ids, _ = walk(root, "action=logon.success", 1)
    C.check(ids == [e[0] for e in everything if e[2] == "logon.success"],
            "pages of 1 under a filter: the filter's records only")
    r = root.get("/api/v1/audit?limit=200")
    C.check(r.status == 200 and len(r.json["items"]) == min(200, len(everything)), "?limit=200: the largest page")

    # every action written so far can be filtered on (a new action missing from the server's
    # list would be a 400 here)
    for action in sorted({e[2] for e in everything}):
        r = root.get("/api/v1/audit?limit=1&action=" + urllib.parse.quote(action))
        C.check(r.status == 200 and r.json["items"] and r.json["items"][0]["action"] == action,
                "?action=%s: a known action" % action, r.text[:200])

    # every bad parameter: 400 naming it
    for q, name in (("limit=0", "limit"), ("limit=201", "limit"), ("limit=ten", "limit"),
                    ("before=0", "before"), ("before=x", "before"), ("after=-1", "after"),
                    ("from=2026-02-30", "from"), ("to=yesterday", "to"), ("action=nope", "action"),
                    ("action=LOGON.SUCCESS", "action"), ("actor=" + "x" * 101, "actor"),
                    ("org=" + "o" * 65, "org"), ("from=2026-12-02&to=2026-12-01", "from"),
                    ("before=5&after=2", "before")):
        r = root.get("/api/v1/audit?" + q)
        C.check(r.status == 400 and r.error_code() == "bad_request" and ("?" + name) in r.error_message(),
                "?%s: 400 naming ?%s" % (q[:40], name), "%d %s" % (r.status, r.text[:200]))


def csv_export(root, db, org_a):
    import csv
    import io
    everything = db_records(db)
    C.check(len(everything) > 200, "more records than one page of the CSV", str(len(everything)))
    r = root.get("/api/v1/audit.csv")
    C.check(r.status == 200 and r.header("Content-Type", "").startswith("text/csv"), "GET /api/v1/audit.csv",
            "%d %s" % (r.status, r.header("Content-Type")))
    rows = list(csv.reader(io.StringIO(r.text)))
    C.check(rows and rows[0] == ["id", "ts", "actor", "action", "org_id", "org_name", "object", "detail"],
            "the CSV's header", str(rows[:1]))
    C.check([int(x[0]) for x in rows[1:]] == [e[0] for e in everything],
            "the CSV: every record once, newest first, across its pages (%d)" % len(everything),
            "%d rows" % (len(rows) - 1))
    r = root.get("/api/v1/audit.csv?org=%s&action=logon.failure" % org_a)
    rows = list(csv.reader(io.StringIO(r.text)))
    want = [e[0] for e in everything if e[1] in ("au-alice", "au-bob") and e[2] == "logon.failure"]
    C.check(r.status == 200 and [int(x[0]) for x in rows[1:]] == want and want,
            "the CSV of ?org=A&action=logon.failure: those records", str(rows[:3]))
    C.check(all(x[5] == "Audit A Corp" and x[3] == "logon.failure" for x in rows[1:]), "its organization and action columns")
    for q, name in (("action=nope", "action"), ("from=2026-13-01", "from"), ("from=2026-12-02&to=2026-12-01", "from")):
        r = root.get("/api/v1/audit.csv?" + q)
        C.check(r.status == 400 and ("?" + name) in r.error_message(), "the CSV with ?%s: 400 naming ?%s" % (q, name),
                "%d %s" % (r.status, r.text[:200]))


def access(srv, root, alice, carol, analyst, org_a):
    for who, c in (("a contractor-admin", alice), ("a contractor-member", carol), ("an analyst", analyst)):
        for path in ("/api/v1/audit", "/api/v1/audit?org=" + org_a, "/api/v1/audit?actor=au-alice",
                     "/api/v1/audit.csv", "/api/v1/audit.csv?org=" + org_a):
            C.status(c.get(path), 403, "%s: GET %s is 403" % (who, path))
        C.status(c.post("/api/v1/audit/verify"), 403, "%s: POST /api/v1/audit/verify is 403" % who)
    r = mm.request(srv.port, "GET", "/api/v1/audit")
    C.status(r, 401, "anonymous: 401")
    r = mm.request(srv.port, "POST", "/api/v1/audit/verify")
    C.status(r, 401, "anonymous verify: 401")


def redaction(root, alice):
    r = mm.expect(alice.post("/api/v1/items", {"title": "secret-red-title-7731", "tlp": "TLP:RED",
                                               "recipients": {"users": ["au-bob"]}}), 201, "a RED item")
    item = r.json["id"]
    r = root.get("/api/v1/audit?action=item.create")
    it = next((i for i in r.json.get("items", []) if i["object"] == item), None)
    C.check(it is not None and "title" not in it["detail"] and it["detail"].get("tlp") == "TLP:RED"
            and "secret-red-title-7731" not in r.text,
            "item.create: the item's title is left out of its details, its label kept", r.text[:300])


def verify_api(root, db, tamper_id):
    n = len(db_records(db))
    r = root.post("/api/v1/audit/verify")
    C.check(r.status == 200 and r.json == {"intact": True, "records": n, "bad_id": None, "what": None,
                                           "expected": None, "found": None},
            "verify: intact, every record checked (%d)" % n, r.text)
    cp = mm.audit_verify(db)
    C.check(cp.returncode == 0 and ("%d records, chain intact" % n) in cp.stdout,
            "mamori audit verify agrees", cp.stdout + cp.stderr)


def tamper(db, tamper_id):
    con = mm.db_ro(db)
    try:
        triggers = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'")]
    finally:
        con.close()
    con = mm.db_rw(db)
    try:
        for t in triggers:
            con.execute('DROP TRIGGER "%s"' % t.replace('"', '""'))
        con.execute("UPDATE audit_log SET detail = ? WHERE id = ?", ('{"edited":true}', tamper_id))
        con.commit()
    finally:
        con.close()


def verify_broken(root, db, tamper_id):
    r = root.post("/api/v1/audit/verify")
    C.check(r.status == 200 and r.json.get("intact") is False and r.json.get("bad_id") == tamper_id
            and "contents do not match" in (r.json.get("what") or "")
            and re.fullmatch(r"[0-9a-f]{64}", r.json.get("expected") or "")
            and r.json.get("records") == tamper_id,
            "verify after an edit: broken at record %d, contents edited" % tamper_id, r.text)
    cp = mm.audit_verify(db)
    C.check(cp.returncode == 1 and ("record %d:" % tamper_id) in cp.stdout and r.json.get("expected", "x") in cp.stdout,
            "mamori audit verify names the same record and hash", cp.stdout + cp.stderr)


def page(srv, db, tamper_id=None):
    b = Browser(srv)
    C.status(b.login("root", mm.GOOD_PASSWORD), 303, "root signs in to the dashboard")
    r = b.get("/audit?lang=en")
    C.status(r, 200, "GET /audit")
    C.check('id="nav-audit"' in r.text, "the navigation links to /audit for an authority-admin")
    C.check('id="audit-csv" href="/api/v1/audit.csv"' in r.text, "the page links to the CSV")
    m = re.search(r'id="audit-csv" href="([^"]+)"', b.get("/audit?action=logon.failure&limit=5").text)
    C.check(bool(m) and m.group(1) == "/api/v1/audit.csv?action=logon.failure",
            "the CSV link keeps the filters, not the page size", m.group(1) if m else "")
    C.check('<table id="audit"' in r.text and "<time" in r.text and 'id="audit-filter"' in r.text
            and 'method="get" action="/audit"' in r.text, "the filters and the table with <time>", mm.short(r.text, 400))
    rows = re.findall(r'<tr data-id="(\d+)">', r.text)
    C.check(len(rows) == 50 and 'id="audit-older"' in r.text and 'id="audit-newer"' not in r.text,
            "the newest 50 records and a link to older ones", str(len(rows)))
    r = b.get("/audit?action=logon.failure")
    acts = re.findall(r"<td><code>([a-z.-]+)</code></td>", r.text)
    C.check(r.status == 200 and acts and set(acts) == {"logon.failure"}
            and '<option selected>logon.failure</option>' in r.text,
            "/audit?action=logon.failure: those rows only, the filter kept in the form", str(acts[:5]))
    m = re.search(r'id="audit-older" href="([^"]+)"', b.get("/audit?limit=5").text)
    C.check(bool(m) and "limit=5" in m.group(1) and "before=" in m.group(1), "the older link keeps the filters",
            m.group(1) if m else "")
    if m:
        r2 = b.get(m.group(1).replace("&amp;", "&"))
        m2 = re.search(r'id="audit-newer" href="([^"]+)"', r2.text)
        C.check(r2.status == 200 and bool(m2), "the older page links back to newer ones")
    r = b.get("/audit?limit=500")
    C.check(r.status == 400 and "limit" in r.text, "/audit?limit=500: a 400 page naming limit", mm.short(r.text, 200))
    r = b.get("/audit?from=2026-12-02&to=2026-12-01")
    C.check(r.status == 400 and "2026-12-02" in r.text, "/audit with from after to: a 400 page", mm.short(r.text, 200))
    p = b.get("/audit")
    r = b.post("/audit/verify", {}, csrf=False)
    C.status(r, 403, "verify without the csrf field: 403")
    r = b.post("/audit/verify?action=logon.failure", {}, page=p)
    if tamper_id is None:
        n = len(db_records(db))
        C.check(r.status == 200 and 'data-intact="true"' in r.text and ('data-records="%d"' % n) in r.text,
                "the page's verify button: intact", mm.short(r.text, 400))
        acts = re.findall(r"<td><code>([a-z.-]+)</code></td>", r.text)
        C.check(set(acts) == {"logon.failure"}, "the verified page keeps its filters", str(acts[:4]))
        rj = b.post("/audit/verify?lang=ja", {}, page=b.get("/audit?lang=ja"))
        C.check(rj.status == 200 and "チェーンは完全です" in rj.text and "監査ログ" in rj.text,
                "the result in Japanese", mm.short(rj.text, 300))
        b.get("/audit?lang=en")
    else:
        C.check(r.status == 200 and 'data-intact="false"' in r.text and ('data-bad-id="%d"' % tamper_id) in r.text
                and "contents do not match" in r.text,
                "the page's verify button: broken at record %d" % tamper_id, mm.short(r.text, 600))


def contractor_page(srv):
    b = Browser(srv)
    C.status(b.login("au-alice", mm.GOOD_PASSWORD), 303, "alice signs in to the dashboard")
    C.check('id="nav-audit"' not in b.get("/my").text, "no /audit link for a contractor")
    C.status(b.get("/audit"), 403, "a contractor: /audit is 403")
    C.status(b.post("/audit/verify", {}, page=b.get("/my")), 403, "a contractor: POST /audit/verify is 403")


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    auth_org, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, log).start()
    try:
        root = mm.token_client(srv, mm.activate(srv, "root", otp), "root")
        org_a = mm.create_org(root, "Audit A Corp")["id"]
        org_b = mm.create_org(root, "Audit B Corp")["id"]
        alice = mm.make_user(srv, root, org_a, "au-alice", "contractor-admin")
        mm.make_user(srv, root, org_a, "au-bob", "contractor-member")
        carol = mm.make_user(srv, root, org_b, "au-carol", "contractor-member")
        analyst = mm.make_user(srv, root, auth_org, "au-ana", "authority-analyst")
        for who in ("au-alice", "au-carol", "au-bob"):
            mm.request(srv.port, "POST", "/api/v1/session", {"login": who, "password": "not the password!"})
        mm.new_token(alice, "audit-test")
        for i in range(200):  # more than a page of the dashboard (50) and of the CSV (200)
            mm.new_token(root, "audit-%d" % i)
        access(srv, root, alice, carol, analyst, org_a)
        redaction(root, alice)
        filters(root, db, org_a, org_b)
        csv_export(root, db, org_a)
        verify_api(root, db, None)
        page(srv, db)
        contractor_page(srv)
        tamper_id = max(3, len(db_records(db)) // 2)
        tamper(db, tamper_id)
        verify_broken(root, db, tamper_id)
        page(srv, db, tamper_id)
    finally:
        srv.stop()
    C.finish()


if __name__ == "__main__":
    main()
