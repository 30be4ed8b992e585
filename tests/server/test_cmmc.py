#!/usr/bin/env python3
"""Process-level test of CMMC status in time on the server (issue 11): the Level 2 status date
is the day the server received the submission, the conditional status expires on day 181
without a later final result, Level 1 is shown; through the API, the contractor list and its
filter, the CSV export and the dashboard. Runs on SQLite and (test_cmmc_py_pg) PostgreSQL.

The rules, as cited in content/catalogs/cmmc-status-sources.json:
- 32 CFR 170.21(b): the POA&M close-out is due "within 180 days of the Conditional CMMC Status
  Date"; if it does not land within the window, the conditional status expires.
- 32 CFR 170.21(a)(1): "A POA&M is not permitted at any time for Level 1 self-assessments."
- 32 CFR 170.22 (annual affirmation): the regulation's own text was not read (see the sources
  file); the secondary sources read say "An annual affirmation must be submitted in the SPRS
  before each anniversary of your CMMC Status Date" (klcconsulting.net) and that every level
  "requires an annual affirmation submitted to SPRS by an Affirming Official"
  (learn.ancitus.com). The server shows an affirmation due within 30 days of the anniversary
  of the last affirmation (else of the status date), and overdue after it.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (as CMake sets them). Standard library only.
"""

import datetime
import json
import os
import subprocess
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


def year_after(d):
    d = datetime.date.fromisoformat(d)
    try:
        return d.replace(year=d.year + 1).isoformat()
    except ValueError:  # February 29
        return d.replace(year=d.year + 1, day=28).isoformat()


def affirm_cli(srv, token, org, key, official, date, extra=()):
    env = dict(os.environ, MAMORI_TOKEN=token)
    return subprocess.run([mm.MAMORI, "affirm", "--server", srv.url, "--org", org, "--key", key,
                           "--official", official, "--date", date] + list(extra),
                          capture_output=True, text=True, env=env, timeout=120)


def affirmation_doc(key_path, submission_id, date, official="Kenji Sato"):
    sec = json.load(open(key_path))
    env = {"affirming_official": {"date": date, "name": official}, "kind": "mamori-affirmation",
           "submission_id": submission_id, "version": 1}
    return mm.sign_envelope(env, sec)


def post_aff(client, org, body):
    return client.post("/api/v1/organizations/%s/affirmations" % org, body,
                       headers={"Content-Type": "application/json"})


def affirmations(ctx, rdate):
    """Annual affirmations (32 CFR 170.22): accepted, refused (nothing stored), due, overdue,
    and invisible to another organization."""
    srv, rt, T = ctx["srv"], ctx["rt"], ctx["T"]
    org, adm, key = ctx["org"], ctx["adm"], ctx["key"]
    org_b, adm_b, key_b = ctx["org_b"], ctx["adm_b"], ctx["key_b"]
    t0 = day(rdate, 100)
    srv.stop()
    srv.extra = ["--today", t0]
    srv.start()
    latest = (rt.get("/api/v1/organizations/%s" % org).json or {}).get("latest", {}).get("id")

    def count():
        return (adm.get("/api/v1/organizations/%s/affirmations" % org).json or {}).get("total")

    n0 = count()
    C.check(n0 == 0, "no affirmation yet", str(n0))
    # refused, each with a clear 4xx and nothing stored
    r = post_aff(adm, org, affirmation_doc(key, latest, day(t0, 1)))
    C.status(r, 422, "an affirmation dated after today: 422")
    C.check("after today" in r.text, "the message says it is after today", r.text)
    doc = json.loads(affirmation_doc(key, latest, t0))
    doc["envelope"]["affirming_official"]["name"] = "Someone Else"
    r = post_aff(adm, org, json.dumps(doc).encode())
    C.status(r, 422, "a tampered affirmation (wrong signature): 422")
    C.check("signature" in r.text, "the message names the signature", r.text)
    r = post_aff(adm, org, affirmation_doc(key_b, latest, t0))
    C.status(r, 422, "signed with another organization's key: 422")
    C.check("unknown key" in r.text, "the message names the unknown key", r.text)
    r = post_aff(adm, org, b'{"envelope": {"kind": "mamori-affirmation"}, "key_id": "x", "signature": "y"}')
    C.status(r, 400, "a malformed affirmation: 400")
    C.check("$.envelope" in r.text, "the message names $.envelope", r.text)
    r = post_aff(adm, org, b"not json")
    C.status(r, 400, "not JSON: 400")
    r = post_aff(adm, org, affirmation_doc(key, "0" * 8 + "-0000-0000-0000-" + "0" * 12, t0))
    C.status(r, 409, "an affirmation of a submission that is not the latest: 409")
    C.check("latest" in r.text, "the message says it must be the latest", r.text)
    member = mm.make_user(srv, rt, org, "member-" + org[:8], "contractor-member")
    r = post_aff(member, org, affirmation_doc(key, latest, t0))
    C.status(r, 403, "a contractor-member cannot affirm (the contractor-admin's role): 403")
    C.check(count() == 0, "nothing stored after the refusals", str(count()))

    # accepted: `mamori affirm` builds, signs and sends it (the latest submission by default)
    cp = affirm_cli(srv, adm.token, org, key, "Kenji Sato", t0)
    C.check(cp.returncode == 0, "mamori affirm: exit 0", cp.stderr)
    C.check("next affirmation due by %s" % year_after(t0) in cp.stderr, "mamori affirm says when the next is due",
            cp.stderr)
    ans = json.loads(cp.stdout or "{}")
    C.check(ans.get("submission_id") == latest and ans.get("affirmed_on") == t0 and ans.get("affirmed_by") == "Kenji Sato",
            "the answer: the latest submission, the date and the official", cp.stdout)
    env = dict(os.environ, MAMORI_TOKEN=adm.token)
    cp3 = subprocess.run([mm.MAMORI, "affirm", "--server", srv.url, "--key", key, "--official", "K",
                          "--date", t0], capture_output=True, text=True, env=env, timeout=60)
    C.check(cp3.returncode == 2 and "--org" in cp3.stderr, "mamori affirm without --org: exit 2, says so",
            "%d %s" % (cp3.returncode, cp3.stderr))
    cp3 = affirm_cli(srv, adm.token, org, key, "Kenji Sato", "2026-02-30")
    C.check(cp3.returncode == 2 and "2026-02-30" in cp3.stderr, "mamori affirm --date 2026-02-30: exit 2",
            "%d %s" % (cp3.returncode, cp3.stderr))
    cp2 = affirm_cli(srv, adm.token, org, key, "Kenji Sato", day(t0, 1))
    C.check(cp2.returncode == 1 and "after today" in cp2.stderr, "mamori affirm dated tomorrow: exit 1, refused",
            "%d %s" % (cp2.returncode, cp2.stderr))
    lst = adm.get("/api/v1/organizations/%s/affirmations" % org).json or {}
    C.check(lst.get("total") == 1 and (lst.get("items") or [{}])[0].get("received_by") == adm.login,
            "GET affirmations lists it, with who sent it", json.dumps(lst))
    r = post_aff(adm, org, affirmation_doc(key, latest, t0))
    C.status(r, 409, "the same signed affirmation again (a replay): 409")
    C.check(count() == 1, "the replay stored nothing", str(count()))
    # isolation: org B sees nothing of org A's affirmations, and cannot add one
    C.status(adm_b.get("/api/v1/organizations/%s/affirmations" % org), 404, "org B reads org A's affirmations: 404")
    C.status(post_aff(adm_b, org, affirmation_doc(key_b, latest, t0)), 404, "org B posts to org A: 404")
    C.check(count() == 1, "nothing stored by org B", str(count()))
    # the audit chain holds the record
    cp = mm.run(["audit", "verify", "--db", mm.db_url(ctx["db"])])
    C.check(cp.returncode == 0, "audit verify after affirmations", cp.stdout + cp.stderr)

    # due and overdue: A's base is its affirmation (t0), B's its status date (rdate)
    due_b, due_a = year_after(rdate), year_after(t0)
    cases = ((day(due_b, -31), {}, {}),
             (day(due_b, -30), {org_b: "due"}, {}),
             (due_b, {org_b: "due"}, {}),
             (day(due_b, 1), {org_b: "overdue"}, {}),
             (day(due_a, -30), {org_b: "overdue", org: "due"}, {}),
             (day(due_a, 1), {org_b: "overdue", org: "overdue"}, {}))
    for today, want, _ in cases:
        srv.stop()
        srv.extra = ["--today", today]
        srv.start()
        for o, by in ((org, due_a), (org_b, due_b)):
            j = rt.get("/api/v1/organizations/%s" % o).json or {}
            w = want.get(o)
            C.check(j.get("affirmation_due") is (w == "due") and j.get("affirmation_overdue") is (w == "overdue")
                    and j.get("affirmation_due_by") == by,
                    "today %s: %s due %s overdue %s, due by %s" % (today, "A" if o == org else "B", w == "due",
                                                                   w == "overdue", by),
                    json.dumps({k: j.get(k) for k in ("affirmation_due", "affirmation_overdue", "affirmation_due_by",
                                                     "last_affirmed")}))
        for f in ("due", "overdue"):
            got = sorted(i.get("id") for i in (rt.get("/api/v1/contractors?affirmation=%s" % f).json or {})
                         .get("items", []))
            exp = sorted(o for o, w in want.items() if w == f)
            C.check(got == exp, "today %s: ?affirmation=%s" % (today, f), "%s vs %s" % (got, exp))
        root = mm.logon(srv, "root", mm.GOOD_PASSWORD)[1]
        page = root.get("/contractors/%s" % org_b)
        wb = want.get(org_b) or "none"
        C.check('id="affirmation-state" data-state="%s"' % wb in page.text, "today %s: page shows B %s" % (today, wb),
                "")
        C.check('id="affirmation-due-by">%s<' % due_b in page.text, "today %s: page shows B's due date" % today, "")
        ov = root.get("/overview").text
        n_over = sum(1 for w in want.values() if w == "overdue")
        C.check('data-affirmation="overdue"><a href="/contractors?affirmation=overdue"><span class="label">' in ov
                and ('Annual affirmation overdue</span> <span class="count">%d<' % n_over) in ov,
                "today %s: overview counts %d overdue" % (today, n_over), "")
        lp = root.get("/contractors?affirmation=overdue")
        C.check((org_b in lp.text) is (want.get(org_b) == "overdue"), "today %s: dashboard list filter" % today, "")
    r = rt.get("/api/v1/contractors?affirmation=late")
    C.status(r, 400, "?affirmation=late: 400")
    csv = rt.get("/api/v1/contractors?format=csv").text.split("\r\n")
    C.check(csv[0].endswith("last_affirmed,affirmation_due_by,affirmation_due,affirmation_overdue"),
            "CSV has the affirmation columns", csv[0])
    row = [ln for ln in csv if ln.startswith(org)]
    C.check(row and row[0].endswith("%s,%s,false,true" % (t0, due_a)), "CSV row of A: last affirmed, due by, overdue",
            str(row))


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

        srv.stop()
        srv.extra = []
        srv.start()
        org_b, adm_b, key_b, r = contractor(srv, rt, T, "Minami Parts", mm.EXAMPLE_R3)
        C.status(r, 201, "a second contractor's submission")
        affirmations({"srv": srv, "rt": rt, "T": T, "db": db, "org": org, "adm": adm, "key": key,
                      "org_b": org_b, "adm_b": adm_b, "key_b": key_b}, rdate)
    finally:
        srv.kill()
    C.finish()


if __name__ == "__main__":
    main()
