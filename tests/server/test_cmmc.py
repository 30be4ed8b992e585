#!/usr/bin/env python3
"""Process-level test of CMMC status in time on the server (issue 11): the Level 2 status date
is the day the server received the submission, the conditional status expires on day 181
without a later final result, Level 1 is shown; through the API, the contractor list and its
filter, the CSV export and the dashboard. Runs on SQLite and (test_cmmc_py_pg) PostgreSQL.

The rules, as cited in content/catalogs/cmmc-status-sources.json:
- 32 CFR 170.21(b): the POA&M close-out is due "within 180 days of the Conditional CMMC Status
  Date"; if it does not land within the window, the conditional status expires.
- 32 CFR 170.21(a)(1): "A POA&M is not permitted at any time for Level 1 self-assessments."

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (as CMake sets them). Standard library only.
"""

import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

C = mm.Checker()


def day(d, n):
    return (datetime.date.fromisoformat(d) + datetime.timedelta(days=n)).isoformat()


def contractor(srv, rt, T, name, assessment, official_date="2026-11-20"):
    """A contractor with an admin (token client), a registered key, and one submission of
    assessment; returns (org id, admin client, key path, submit response)."""
    org = mm.create_org(rt, name)["id"]
    login = "adm-" + org[:8]
    c = mm.make_user(srv, rt, org, login, "contractor-admin")
    k = os.path.join(T, "k-" + org)
    pub, _ = mm.keygen(name, k)
    mm.expect(mm.register_key(c, org, pub), 201, "key of %s" % name)
    a = mm.variant(assessment, os.path.join(T, "a-%s.json" % org), name)
    r = mm.submit(c, mm.sign(a, k, os.path.join(T, "s-%s.json" % org), date=official_date))
    return org, c, k, r


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    _, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, log).start()
    try:
        root = mm.activate(srv, "root", otp)
        rt = mm.token_client(srv, root, "root")
        # the example Rev 2 assessment is conditional (SPRS 106, 3.13.11 on the POA&M) and
        # has dates.posted 2026-11-02 and dates.assessed: the server must use neither
        ex = json.load(open(mm.EXAMPLE_R2))
        org, adm, key, r = contractor(srv, rt, T, "Kita Tools", mm.EXAMPLE_R2)
        C.status(r, 201, "a conditional Rev 2 submission is accepted")
        received = (mm.receipt_of(r) or {}).get("received", "")
        rdate = received[:10]
        C.check(len(rdate) == 10, "the receipt has the received time", received)

        o = rt.get("/api/v1/organizations/%s" % org).json or {}
        l2 = o.get("cmmc_level2") or {}
        # 32 CFR 170.21(b): "within 180 days of the Conditional CMMC Status Date"; the server's
        # status date is the day it received the submission
        C.check(l2.get("status") == "conditional", "Level 2 conditional after receipt", json.dumps(l2))
        C.check(l2.get("status_date") == rdate, "status date = the received date (%s)" % rdate, json.dumps(l2))
        C.check(l2.get("status_date") not in (ex["dates"].get("posted"), ex["dates"].get("assessed")),
                "status date is neither dates.posted nor dates.assessed", json.dumps(l2))
        C.check(l2.get("closeout_by") == day(rdate, 180), "closeout_by = status date + 180 days", json.dumps(l2))
        C.check(l2.get("eligible") is True, "conditional and not expired: eligible", json.dumps(l2))
        # 32 CFR 170.21(a)(1): no POA&M for Level 1; the example meets the 17 FAR requirements
        l1 = o.get("cmmc_level1") or {}
        C.check(l1.get("status") == "final" and l1.get("reasons") == [], "Level 1 (Self) final, shown",
                json.dumps(l1))
        C.check((o.get("latest") or {}).get("status") == "conditional", "latest status conditional",
                json.dumps(o.get("latest")))

        page = root.get("/contractors/%s" % org)
        C.status(page, 200, "the contractor page")
        C.check('id="cmmc-level2" data-status="conditional"' in page.text, "page: Level 2 conditional",
                page.text[:200])
        C.check('id="cmmc-status-date">%s<' % rdate in page.text, "page: the status date", "")
        C.check('id="cmmc-closeout">%s<' % day(rdate, 180) in page.text, "page: the close-out date", "")
        C.check('id="cmmc-level1" data-status="final"' in page.text, "page: Level 1 final", "")

        # day 180: still conditional; day 181 with a fixed today: expired everywhere
        for n, want in ((180, "conditional"), (181, "conditional-expired")):
            srv.stop()
            srv.extra = ["--today", day(rdate, n)]
            srv.start()
            o = rt.get("/api/v1/organizations/%s" % org).json or {}
            l2 = o.get("cmmc_level2") or {}
            C.check(l2.get("status") == want, "day %d: Level 2 %s (32 CFR 170.21(b))" % (n, want), json.dumps(l2))
            C.check(l2.get("eligible") is (n == 180), "day %d: eligible %s" % (n, n == 180), json.dumps(l2))
            C.check((o.get("latest") or {}).get("status") == want, "day %d: summary latest %s" % (n, want),
                    json.dumps(o.get("latest")))
            lst = rt.get("/api/v1/contractors?per_page=100").json or {}
            it = [i for i in lst.get("items", []) if i.get("id") == org]
            C.check(it and it[0].get("status") == want and (it[0].get("latest") or {}).get("status") == want,
                    "day %d: contractor list %s" % (n, want), json.dumps(it))
            f = rt.get("/api/v1/contractors?status=conditional-expired").json or {}
            got = [i.get("id") for i in f.get("items", [])]
            C.check(got == ([org] if n == 181 else []), "day %d: ?status=conditional-expired" % n, json.dumps(got))
            f = rt.get("/api/v1/contractors?status=conditional").json or {}
            got = [i.get("id") for i in f.get("items", [])]
            C.check(got == ([org] if n == 180 else []), "day %d: ?status=conditional" % n, json.dumps(got))
            csv = rt.get("/api/v1/contractors?format=csv")
            row = [ln for ln in csv.text.split("\r\n") if ln.startswith(org)]
            C.check(row and row[0].split(",")[4] == want, "day %d: CSV status %s" % (n, want), csv.text[:300])
            root = mm.logon(srv, "root", mm.GOOD_PASSWORD)[1]
            page = root.get("/contractors/%s" % org)
            C.check('id="cmmc-level2" data-status="%s"' % want in page.text, "day %d: page Level 2" % n, "")
            C.check('id="org-status"><span class="badge" data-status="%s"' % want in page.text,
                    "day %d: page status badge" % n, "")
            ov = root.get("/overview")
            C.check('data-status="conditional-expired"><a href="/contractors?status=conditional-expired">' in ov.text,
                    "day %d: overview has the expired count card" % n, "")
            ja = root.get("/contractors?status=%s&lang=ja" % want, headers={"Accept-Language": "ja"})
            C.check(org in ja.text, "day %d: dashboard list filtered by %s" % (n, want), "")
            if n == 181:
                C.check("条件付き・失効" in root.get("/contractors/%s" % org,
                                                    headers={"Accept-Language": "ja"}).text,
                        "the Japanese page names the expired status", "")

        r = rt.get("/api/v1/contractors?status=expired")
        C.status(r, 400, "an unknown status filter: 400")
        C.check("conditional-expired" in r.text, "the message lists conditional-expired", r.text)
    finally:
        srv.kill()
    C.finish()


if __name__ == "__main__":
    main()
