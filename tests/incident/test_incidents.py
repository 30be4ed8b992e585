#!/usr/bin/env python3
"""Incident reports through the real server (docs/incidents.md): a contractor reports
(POST /api/v1/incidents, and `mamori incident report --server`), the server assigns the
report number, the deadline and the preservation date; deadline states on-time and late, and
the authority's --incident-hours; follow-on linking (only to an initial report of the same
organization); isolation (another contractor gets 404 and an empty list); the authority's
list; a report marked RED is not the authority's to read; a prime sees its sub's report
number only on its own report, never the sub's report; invalid bodies refused with the JSON
path.

On SQLite by default; on PostgreSQL with MM_TEST_DB_URL (CTest test_incidents_py_pg).
Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
import mmserver as mm  # noqa: E402

FIXTURE = os.path.join(os.environ.get("MM_SOURCE_DIR", "."), "tests", "fixtures", "incident",
                       "initial.json")


def report(discovered, **extra):
    with open(FIXTURE) as f:
        d = json.load(f)
    d.pop("$schema", None)
    d["discovered"] = discovered
    d.pop("time_zone", None)
    d.update(extra)
    return d


def ago(hours, offset_hours=-5):
    tz = datetime.timezone(datetime.timedelta(hours=offset_hours))
    t = datetime.datetime.now(tz) - datetime.timedelta(hours=hours)
    return t.replace(microsecond=0).isoformat()


def utc(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def main():
    mm.need_env()
    C = mm.Checker()
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    auth_id, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, os.path.join(T, "serve.log"), ["--threads", "4"]).start()
    try:
        sess = mm.activate(srv, "root", otp)
        root = mm.token_client(srv, sess, "inc-root")
        prime = mm.create_org(root, "Prime Corp")["id"]
        sub = mm.create_org(root, "Sub Ltd", parent_id=prime)["id"]
        other = mm.create_org(root, "Other Inc")["id"]
        pc = mm.make_user(srv, root, prime, "inc-prime", "contractor-member")
        sc = mm.make_user(srv, root, sub, "inc-sub", "contractor-member")
        oc = mm.make_user(srv, root, other, "inc-other", "contractor-member")

        # ---- report: on time --------------------------------------------------------------
        r = pc.post("/api/v1/incidents", report(ago(1)))
        C.status(r, 201, "a contractor reports an incident")
        inc = (r.json or {}).get("incident", {})
        first_no = inc.get("report_number", "")
        year = datetime.datetime.now(datetime.timezone.utc).year
        C.check(first_no == "MAM-%d-000001" % year, "the server assigns the report number",
                first_no)
        C.check(inc.get("deadline_state") == "on-time", "reported 1 h after discovery: on-time",
                mm.short(r.text))
        C.check(inc.get("tlp") == "TLP:AMBER+STRICT", "default label AMBER+STRICT",
                inc.get("tlp"))
        if inc:
            due, disc, rep = utc(inc["due"]), utc(inc["discovered_utc"]), utc(inc["reported"])
            C.check(due - disc == datetime.timedelta(hours=72), "due = discovered + 72 h (UTC)",
                    "%s %s" % (inc["due"], inc["discovered_utc"]))
            C.check(utc(inc["preserve_until"]) - rep == datetime.timedelta(days=90),
                    "preserve until = reported + 90 days", inc["preserve_until"])
            C.check(inc["discovered"].endswith("-05:00") and inc["due_local"].endswith("-05:00"),
                    "the reporter's offset kept for display", inc["discovered"])
            C.check(inc["report"]["functional_impact"] == "MINIMAL IMPACT TO NON-CRITICAL SERVICES",
                    "CISA categories stored canonical", inc["report"]["functional_impact"])

        # ---- late ---------------------------------------------------------------------------
        r = pc.post("/api/v1/incidents", report(ago(100, 9)))
        C.status(r, 201, "a late report is accepted")

        # ---- discovered in the future: cannot be true (5 minutes of clock skew allowed) ----
        n_items = mm.table_counts(db).get("incidents")
        rf = pc.post("/api/v1/incidents", report(ago(-1)))
        C.status(rf, 422, "discovered an hour from now: 422")
        C.check("$.discovered" in (rf.error_message() or "") and "future" in (rf.error_message() or ""),
                "the message names $.discovered and says why", rf.text)
        rf = pc.post("/api/v1/incidents", report(ago(-1, 9)))
        C.status(rf, 422, "discovered an hour from now, written at +09:00: 422")
        C.check(mm.table_counts(db).get("incidents") == n_items, "a future discovery stores nothing")
        late = (r.json or {}).get("incident", {})
        C.check(late.get("deadline_state") == "late", "reported 100 h after discovery: late",
                mm.short(r.text))

        # ---- follow-on linking ------------------------------------------------------------
        r = pc.post("/api/v1/incidents", report(ago(1), report_type="follow-on",
                                                initial_report=first_no))
        C.status(r, 201, "a follow-on to the organization's initial report")
        fo = (r.json or {}).get("incident", {})
        C.check(fo.get("initial_report") == first_no, "the follow-on links its initial report",
                mm.short(r.text))
        r = pc.post("/api/v1/incidents", report(ago(1), report_type="follow-on",
                                                initial_report=fo.get("report_number", "x")))
        C.status(r, 422, "a follow-on to a follow-on: 422")
        r = pc.post("/api/v1/incidents", report(ago(1), report_type="follow-on",
                                                initial_report="MAM-1999-000001"))
        C.status(r, 422, "a follow-on to an unknown report: 422")
        r = oc.post("/api/v1/incidents", report(ago(1), report_type="follow-on",
                                                initial_report=first_no))
        C.status(r, 422, "a follow-on to another organization's report: 422")
        C.check("$.initial_report" in (r.error_message() or ""), "the message names the path",
                mm.short(r.text))

        # ---- invalid bodies -----------------------------------------------------------------
        r = pc.post("/api/v1/incidents", report(ago(1), functional_impact="SOME"))
        C.status(r, 422, "an unknown functional impact: 422")
        C.check("$.functional_impact" in (r.error_message() or ""),
                "the message names $.functional_impact", mm.short(r.text))
        r = pc.post("/api/v1/incidents", report("2026-03-07T23:00:00"))
        C.status(r, 422, "discovered without an offset: 422")
        r = root.post("/api/v1/incidents", report(ago(1)))
        C.check(r.status in (403, 404), "the authority does not file contractor reports",
                r.status)
        # need-to-know: a report is AMBER+STRICT or RED, never wider
        for label in ("AMBER", "GREEN", "CLEAR"):
            r = pc.post("/api/v1/incidents", report(ago(1), tlp=label))
            C.status(r, 422, "a report labelled %s: 422" % label)
            C.check("$.tlp" in (r.error_message() or "") and
                    "sanitised advisory as a separate item" in (r.error_message() or ""),
                    "%s: the message names $.tlp and the advisory as a separate item" % label,
                    mm.short(r.text))
        r = pc.get("/api/v1/incidents")
        item_id = ((r.json or {}).get("incidents") or [{}])[0].get("item_id", "x")
        for label in ("TLP:AMBER", "TLP:GREEN", "TLP:CLEAR"):
            r = pc.post("/api/v1/items/%s/share" % item_id, {"tlp": label})
            C.status(r, 400, "the reporter cannot widen its report to %s: 400" % label)
        r = pc.post("/api/v1/items/%s/reshare" % item_id, {"orgs": [sub]})
        C.status(r, 403, "an AMBER+STRICT report is never re-shared: 403")
        r = sc.get("/api/v1/incidents")
        C.check(r.status == 200 and r.json["incidents"] == [],
                "the reporter's subcontractor sees none of its prime's reports", mm.short(r.text))

        # ---- isolation and the authority's list ----------------------------------------------
        r = oc.get("/api/v1/incidents")
        C.check(r.status == 200 and r.json["incidents"] == [],
                "another contractor sees none of them", mm.short(r.text))
        r = oc.get("/api/v1/incidents/%s" % first_no)
        C.status(r, 404, "another contractor: GET by number 404")
        r = oc.get("/api/v1/incidents/%s" % inc.get("id"))
        C.status(r, 404, "another contractor: GET by id 404")
        r = pc.get("/api/v1/incidents")
        C.check(r.status == 200 and len(r.json["incidents"]) == 3, "the reporter sees its own",
                mm.short(r.text))
        r = root.get("/api/v1/incidents")
        states = sorted(i["deadline_state"] for i in (r.json or {}).get("incidents", []))
        C.check(r.status == 200 and states == ["late", "on-time", "on-time"],
                "the authority sees every report with its deadline state", mm.short(r.text))
        r = root.get("/api/v1/incidents/%s" % first_no)
        C.status(r, 200, "the authority reads a report by number")
        # ---- the dashboard's page: the same reports, the same TLP decision ----------------------
        page = sess.get("/incidents", headers={"Accept": "text/html"})
        rows = sorted(re.findall(r'<tr data-report="(MAM-[0-9-]+)"', page.text))
        api = sorted(i["report_number"] for i in (root.get("/api/v1/incidents").json or {}).get(
            "incidents", []))
        C.check(page.status == 200 and rows == api and len(rows) == 3,
                "the /incidents page lists exactly the reports the API gives the authority",
                "%s %s vs %s" % (page.status, rows, api))
        C.check('data-state="late"' in page.text and 'data-state="on-time"' in page.text,
                "the page shows each report's deadline state")
        _, oc_sess = mm.logon(srv, "inc-other", mm.GOOD_PASSWORD)
        op = oc_sess.get("/incidents", headers={"Accept": "text/html"}) if oc_sess else None
        C.check(op is not None and op.status == 200 and first_no not in op.text
                and 'id="no-incidents"' in op.text, "another contractor's page lists none of them")
        r = pc.get("/api/v1/items")
        kinds = [i.get("kind") for i in (r.json or {}).get("items", [])]
        C.check(r.status == 200 and kinds.count("incident") == 3,
                "reports are shared items of kind incident", mm.short(r.text))

        # ---- RED: as the label says -----------------------------------------------------------
        r = pc.post("/api/v1/incidents", report(ago(2), tlp="RED"))
        C.status(r, 201, "a RED report")
        red = (r.json or {}).get("incident", {})
        r = root.get("/api/v1/incidents/%s" % red.get("report_number"))
        C.status(r, 404, "RED: the authority is not a named recipient: 404")
        r = pc.get("/api/v1/incidents/%s" % red.get("report_number"))
        C.status(r, 200, "RED: the reporter reads it")

        # ---- a sub's report number passed up to its prime -------------------------------------
        r = sc.post("/api/v1/incidents", report(ago(3)))
        C.status(r, 201, "the subcontractor reports")
        sub_no = (r.json or {}).get("incident", {}).get("report_number")
        r = pc.get("/api/v1/incidents/%s" % sub_no)
        C.status(r, 404, "the prime cannot read its sub's report")
        r = pc.post("/api/v1/incidents", report(ago(3), report_type="voluntary",
                                                sub_report_number=sub_no))
        C.status(r, 201, "the prime reports with its sub's report number")
        r = pc.get("/api/v1/incidents")
        nos = [i.get("sub_report_number") for i in (r.json or {}).get("incidents", [])]
        C.check(sub_no in nos, "the prime sees the number on its own report", mm.short(r.text))
        C.check(all(i["org_id"] == prime for i in r.json["incidents"]),
                "and no report of its sub", mm.short(r.text))

        # ---- concurrent reports: distinct numbers, none lost ------------------------------------
        results = []

        def post():
            results.append(pc.post("/api/v1/incidents", report(ago(1))))

        threads = [threading.Thread(target=post) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        nums = [(x.json or {}).get("incident", {}).get("report_number") for x in results]
        C.check([x.status for x in results] == [201] * 8 and len(set(nums)) == 8,
                "8 reports at once: 8 distinct report numbers",
                "%s %s" % ([x.status for x in results], nums))

        # ---- the CLI --------------------------------------------------------------------------
        path = os.path.join(T, "r.json")
        with open(path, "w") as f:
            json.dump(report(ago(5)), f)
        env = dict(os.environ, MAMORI_TOKEN=pc.token)
        p = subprocess.run([os.environ["MAMORI"], "incident", "report", path, "--server",
                            srv.url], capture_output=True, text=True, env=env, timeout=60)
        C.check(p.returncode == 0 and "reported: MAM-%d-" % year in p.stdout
                and "deadline: on-time" in p.stdout,
                "mamori incident report --server", p.stdout + p.stderr)
        with open(path, "w") as f:
            json.dump(report(ago(5), report_type="follow-on", initial_report="MAM-1999-000009"), f)
        p = subprocess.run([os.environ["MAMORI"], "incident", "report", path, "--server",
                            srv.url], capture_output=True, text=True, env=env, timeout=60)
        C.check(p.returncode == 1 and "HTTP 422" in p.stderr,
                "--server: a refused report exits 1", p.stdout + p.stderr)

        # ---- a few minutes ahead is clock skew; more cannot be true, here or offline --------
        r = pc.post("/api/v1/incidents", report(ago(-2.0 / 60)))
        C.status(r, 201, "discovered 2 minutes 'from now' (clock skew): accepted")
        with open(path, "w") as f:
            json.dump(report(ago(-1)), f)
        p = subprocess.run([os.environ["MAMORI"], "incident", "report", path], capture_output=True,
                           text=True, timeout=60)
        C.check(p.returncode == 2 and p.stderr.startswith("mamori: %s: $.discovered: " % path)
                and p.stderr.count("\n") == 1,
                "mamori incident report: discovered an hour from now: exit 2, one line", p.stderr)
    finally:
        srv.stop()

    # ---- the authority's deadline: --incident-hours ----------------------------------------
    srv = mm.Server(db, os.path.join(T, "serve2.log"),
                    ["--threads", "2", "--incident-hours", "200"]).start()
    try:
        c2 = mm.Client(srv, token=pc.token)
        r = c2.post("/api/v1/incidents", report(ago(100)))
        inc = (r.json or {}).get("incident", {})
        C.check(r.status == 201 and inc.get("deadline_state") == "on-time",
                "--incident-hours 200: 100 h after discovery is on time", mm.short(r.text))
        if inc:
            C.check(utc(inc["due"]) - utc(inc["discovered_utc"]) == datetime.timedelta(hours=200),
                    "due = discovered + 200 h", inc["due"])
    finally:
        srv.stop()
    cp = mm.audit_verify(db)
    C.check(cp.returncode == 0, "the audit chain verifies", cp.stdout + cp.stderr)
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
