#!/usr/bin/env python3
"""The signed screening report of an installation plan (docs/screening.md "The screening
report", docs/api.md "Critical infrastructure") through the API, the dashboard's page and the
real `mamori screen report|verify|designate`: a plan whose supplier is assessed, consented to
the operator and reported two incidents (one RED the authority is no recipient of), a known
maintainer without assessment or consent, an outside maintainer and an outside component
supplier. The authority's report ranks the unknown and unassessed maintainers high, counts both
incidents with their dates but numbers only the one TLP lets it read; the operator's report
withholds what no consent covers; the supplier named in the plan learns nothing; a report
edited or signed by another key does not verify, JSON or HTML. Both back ends.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import base64
import datetime
import json
import os
import re
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "incident"))
import mmserver as mm  # noqa: E402

C = mm.Checker()
FIXTURE = os.path.join(os.environ.get("MM_SOURCE_DIR", "."), "tests", "fixtures", "incident",
                       "initial.json")


def cli(token, args):
    env = dict(os.environ, MAMORI_TOKEN=token or "")
    return subprocess.run([mm.MAMORI] + args, capture_output=True, text=True, env=env, timeout=120)


def incident(hours_ago, **extra):
    with open(FIXTURE) as f:
        d = json.load(f)
    d.pop("$schema", None)
    d.pop("time_zone", None)
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=hours_ago)
    d["discovered"] = t.replace(microsecond=0).isoformat()
    d.update(extra)
    return d


def party(rep, path):
    return next((p for p in rep.get("parties", []) if p.get("path") == path), {})


def findings(rep, path, rule=None):
    return [f for f in rep.get("findings", []) if f.get("path") == path and (rule is None or f.get("rule") == rule)]


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    auth_org, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    try:
        root_s = mm.activate(srv, "root", otp)
        root = mm.token_client(srv, root_s, "root")
        op = mm.create_org(root, "Hokuto Rail KK")["id"]
        sup = mm.create_org(root, "Signal Works KK")["id"]
        mnt = mm.create_org(root, "Quiet Maintenance KK")["id"]
        opadm = mm.make_user(srv, root, op, "rail-admin", "contractor-admin")
        supadm = mm.make_user(srv, root, sup, "signal-admin", "contractor-admin")
        mntadm = mm.make_user(srv, root, mnt, "quiet-admin", "contractor-admin")

        # ---- the designation through the CLI ----
        cp = cli(root.token, ["screen", "designate", op, "--sector", "railway", "--designated",
                              "2024-05-17", "--server", srv.url])
        C.check(cp.returncode == 2 and "--ministry" in cp.stderr, "designate: a date without its ministry", cp.stderr)
        cp = cli(root.token, ["screen", "designate", op, "--sector", "medical", "--server", srv.url])
        C.check(cp.returncode == 2 and "$.sector" in cp.stderr, "designate: an unknown sector", cp.stderr)
        cp = cli(opadm.token, ["screen", "designate", op, "--sector", "railway", "--server", srv.url])
        C.check(cp.returncode == 2 and "403" in cp.stderr, "designate: only the authority", cp.stderr)
        cp = cli(root.token, ["screen", "designate", op, "--sector", "railway", "--designated",
                              "2024-05-17", "--ministry", "MLIT", "--server", srv.url])
        C.check(cp.returncode == 0 and json.loads(cp.stdout or "{}").get("designated") == "2024-05-17",
                "designate: the authority designates the operator", cp.stdout + cp.stderr)

        # ---- the supplier: assessed, linked, consenting; two incident reports ----
        k = os.path.join(T, "k-sup")
        pub, _ = mm.keygen("Signal Works KK", k)
        mm.expect(mm.register_key(supadm, sup, pub), 201, "the supplier's key")
        a = mm.variant(mm.EXAMPLE_R2, os.path.join(T, "a.json"), "signal")
        mm.expect(mm.submit(supadm, mm.sign(a, k, os.path.join(T, "s.json"))), 201, "the supplier's submission")
        for s, c in ((sup, "IXL-2027"), (mnt, "MNT-1")):
            r = opadm.post("/api/v1/organizations/%s/suppliers" % op,
                           {"supplier_id": s, "contract": c, "clauses": ["dfars-252.204-7012"], "handles": ["cui"]})
            C.check(r.status == 201, "edge %s" % c, r.text[:200])
            who = supadm if s == sup else mntadm
            mm.expect(who.post("/api/v1/organizations/%s/supply/%s/confirm" % (s, r.json["id"])), 200, "confirmed")
        mm.expect(supadm.put("/api/v1/organizations/%s/supply-consent/%s" % (sup, op),
                             {"see_status": True, "pass_up": False}), 200, "the supplier consents")
        r = supadm.post("/api/v1/incidents", incident(30))
        C.status(r, 201, "an incident report (AMBER+STRICT to the authority)")
        amber_no = ((r.json or {}).get("incident") or {}).get("report_number")
        r = supadm.post("/api/v1/incidents", incident(20, tlp="RED"))
        C.status(r, 201, "a RED incident report: the authority is no recipient")
        red_no = ((r.json or {}).get("incident") or {}).get("report_number")

        plan = {"kind": "mamori-installation-plan", "operator": op, "sector": "railway",
                "equipment": {"category": "railway.1", "model": "IXL-3", "version": "3.4"},
                "supplier": {"org": sup},
                "component_suppliers": [{"name": "Boards Ltd", "country": "JP", "component": "CPU board"}],
                "maintainers": [{"org": mnt, "scope": "on-site maintenance"},
                                {"name": "Remote Ops KK", "scope": "remote maintenance"}]}
        r = opadm.post("/api/v1/organizations/%s/plans" % op, plan)
        C.status(r, 201, "the plan is filed")
        pid = (r.json or {}).get("id")

        # ---- the authority's report ----
        r = root.get("/api/v1/plans/%s/report?months=6" % pid)
        C.check(r.status == 200 and r.header("Content-Type", "").startswith("application/json"),
                "the authority's signed report", r.text[:300])
        doc = r.json or {}
        rep = doc.get("screening_report", {})
        C.check(set(doc) == {"screening_report", "signature"} and rep.get("kind") == "mamori-screening-report"
                and rep.get("server_key_id"), "a signed document", json.dumps(doc)[:300])
        C.check(rep.get("selection", {}).get("months") == 6 and "800-171r3" in rep["selection"].get("frameworks", []),
                "the selection: 6 months, every framework by default", json.dumps(rep.get("selection")))
        s0 = party(rep, "$.supplier")
        inc = s0.get("incidents") or {}
        items = inc.get("items", [])
        C.check(inc.get("count") == 2 and all(i.get("reported") for i in items),
                "both incident reports counted, with their dates", json.dumps(inc)[:400])
        C.check(sorted(i.get("report_number") or "" for i in items) == sorted(["", amber_no]) and
                red_no not in json.dumps(rep), "only the report TLP lets the authority read is numbered",
                json.dumps(items)[:400])
        C.check(s0.get("assessment", {}).get("submission_id") and s0.get("status_visible") is True,
                "the supplier's assessment with its submission id", json.dumps(s0)[:400])
        C.check(findings(rep, "$.supplier", "R4") and findings(rep, "$.supplier", "R4")[0]["severity"] == "medium",
                "R4: the incidents are a finding", json.dumps(findings(rep, "$.supplier"))[:400])
        m0 = party(rep, "$.maintainers[0]")
        C.check(m0.get("known") is True and m0.get("assessment") is None, "the known maintainer: no assessment",
                json.dumps(m0)[:300])
        f = findings(rep, "$.maintainers[0]", "R2")
        C.check(f and f[0]["severity"] == "high" and f[0]["evidence"][0].get("kind") == "no-submission",
                "R2: a maintainer without assessment ranks high, with its evidence", json.dumps(f)[:300])
        f = findings(rep, "$.maintainers[1]", "R1")
        C.check(f and f[0]["severity"] == "high", "R1: an unknown maintainer ranks high", json.dumps(f)[:300])
        f = findings(rep, "$.component_suppliers[0]", "R1")
        C.check(f and f[0]["severity"] == "medium", "R1: an unknown component supplier ranks medium",
                json.dumps(f)[:300])
        ranks = [x.get("rank") for x in rep.get("findings", [])]
        sev = [x.get("severity") for x in rep.get("findings", [])]
        order = {"high": 0, "medium": 1, "low": 2, "info": 3}
        C.check(ranks == list(range(1, len(ranks) + 1)) and sev == sorted(sev, key=order.get) and
                rep["findings"][0].get("role") == "maintainer", "ranked: severity first, maintainers first",
                json.dumps(sev))
        C.check(rep.get("summary", {}).get("high") == sev.count("high"), "the summary counts", json.dumps(rep.get("summary")))
        C.check(all(x.get("evidence") is not None for x in rep["findings"]), "every finding names evidence")
        with open(os.path.join(T, "report.json"), "w") as fh:
            fh.write(r.text)

        # ---- verify offline: valid, altered, forged ----
        r = root.get("/api/v1/server-key")
        with open(os.path.join(T, "server-key.json"), "w") as fh:
            fh.write(r.text)
        key = os.path.join(T, "server-key.json")
        cp = cli(None, ["screen", "verify", os.path.join(T, "report.json"), "--server-key", key])
        C.check(cp.returncode == 0 and "screening report valid" in cp.stdout, "verify: the report is valid",
                cp.stdout + cp.stderr)
        altered = json.loads(open(os.path.join(T, "report.json")).read())
        altered["screening_report"]["summary"]["high"] = 0
        with open(os.path.join(T, "altered.json"), "w") as fh:
            json.dump(altered, fh)
        cp = cli(None, ["screen", "verify", os.path.join(T, "altered.json"), "--server-key", key])
        C.check(cp.returncode == 1 and "does not match" in cp.stdout, "verify: an altered report is refused",
                cp.stdout + cp.stderr)
        forged = json.loads(open(os.path.join(T, "report.json")).read())
        forged["signature"] = base64.b64encode(bytes(range(64))).decode()
        with open(os.path.join(T, "forged.json"), "w") as fh:
            json.dump(forged, fh)
        cp = cli(None, ["screen", "verify", os.path.join(T, "forged.json"), "--server-key", key])
        C.check(cp.returncode == 1 and "INVALID" in cp.stdout, "verify: a forged signature is refused",
                cp.stdout + cp.stderr)
        other = json.loads(open(os.path.join(T, "report.json")).read())
        other["screening_report"]["server_key_id"] = "0" * 16
        with open(os.path.join(T, "otherkey.json"), "w") as fh:
            json.dump(other, fh)
        cp = cli(None, ["screen", "verify", os.path.join(T, "otherkey.json"), "--server-key", key])
        C.check(cp.returncode == 1 and "not by key" in cp.stdout, "verify: another key's report is refused",
                cp.stdout + cp.stderr)

        # ---- the HTML report, through the CLI ----
        out = os.path.join(T, "report.html")
        cp = cli(root.token, ["screen", "report", pid, "--server", srv.url, "--format", "html",
                              "--months", "6", "-o", out])
        C.check(cp.returncode == 0 and os.path.exists(out), "screen report --format html", cp.stderr)
        html = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
        C.check("<script" not in html and 'id="findings"' in html and "Remote Ops KK" in html,
                "the HTML report: findings, no script", html[:300])
        cp = cli(None, ["screen", "verify", out, "--server-key", key])
        C.check(cp.returncode == 0, "verify: the HTML report is valid", cp.stdout + cp.stderr)
        with open(os.path.join(T, "edited.html"), "w", encoding="utf-8") as fh:
            fh.write(html.replace("Remote Ops KK", "Trusted Ops KK", 1))
        cp = cli(None, ["screen", "verify", os.path.join(T, "edited.html"), "--server-key", key])
        C.check(cp.returncode == 1 and "differs" in cp.stdout, "verify: an edited HTML page is refused",
                cp.stdout + cp.stderr)

        # ---- the operator's report: consent and TLP ----
        r = opadm.get("/api/v1/organizations/%s/plans/%s/report" % (op, pid))
        C.status(r, 200, "the operator reads its own plan's report")
        orep = (r.json or {}).get("screening_report", {})
        o0 = party(orep, "$.supplier")
        C.check(o0.get("status_visible") is True and (o0.get("incidents") or {}).get("count") == 2 and
                not any(i.get("report_number") for i in o0["incidents"].get("items", [])),
                "the consenting supplier: status and incident dates, no report numbers (not a recipient)",
                json.dumps(o0)[:400])
        om = party(orep, "$.maintainers[0]")
        C.check(om.get("status_visible") is False and "assessment" not in om and "incidents" not in om and
                findings(orep, "$.maintainers[0]", "R3"), "the non-consenting maintainer: withheld (R3)",
                json.dumps(om)[:300])
        C.check(orep.get("reader", {}).get("authority") is False, "the reader is named", json.dumps(orep.get("reader")))
        cp = cli(opadm.token, ["screen", "report", pid, "--server", srv.url, "-o", os.path.join(T, "op.json")])
        C.check(cp.returncode == 0, "screen report with an operator's token", cp.stderr)
        # the supplier withdraws its consent: the operator's next report withholds it at once
        mm.expect(supadm.put("/api/v1/organizations/%s/supply-consent/%s" % (sup, op),
                             {"see_status": False, "pass_up": False}), 200, "the supplier withdraws consent")
        r = opadm.get("/api/v1/organizations/%s/plans/%s/report" % (op, pid))
        w = (r.json or {}).get("screening_report", {})
        ws = party(w, "$.supplier")
        f = findings(w, "$.supplier", "R3")
        C.check(r.status == 200 and ws.get("status_visible") is False and "incidents" not in ws and
                "assessment" not in ws and f and f[0]["severity"] == "medium" and
                not findings(w, "$.supplier", "R4"),
                "a non-consenting supplier: status and incidents withheld from the operator (R3)",
                json.dumps(ws)[:300])
        r = root.get("/api/v1/plans/%s/report" % pid)
        C.check((party((r.json or {}).get("screening_report", {}), "$.supplier").get("incidents") or {}).get("count") == 2,
                "the authority still sees them", r.text[:200])

        # ---- isolation ----
        for who, path, want in [
            (supadm, "/api/v1/organizations/%s/plans/%s/report" % (op, pid), 404),
            (supadm, "/api/v1/organizations/%s/plans/%s/report" % (sup, pid), 404),
            (supadm, "/api/v1/plans/%s/report" % pid, 403),
            (mntadm, "/api/v1/organizations/%s/plans/%s/report" % (mnt, pid), 404),
        ]:
            r = who.get(path)
            C.check(r.status == want and pid not in r.text, "%s: %d" % (path, want), "%d %s" % (r.status, r.text[:200]))
        r = supadm.session.get("/plans/%s" % pid, headers={"Accept": "text/html"})
        C.check(r.status == 404 and "Boards Ltd" not in r.text, "the page: 404 for the supplier named in it", r.text[-300:])

        # ---- bad input ----
        for q, what in [("months=0", "months"), ("months=x", "months"), ("frameworks=nope", "frameworks"),
                        ("format=pdf", "format")]:
            r = root.get("/api/v1/plans/%s/report?%s" % (pid, q))
            C.check(r.status == 400 and what in r.text, "?%s refused" % q, r.text[:200])
        r = root.get("/api/v1/plans/no-such-plan/report")
        C.check(r.status == 404, "an unknown plan", r.text[:200])
        r = root.get("/api/v1/plans/%s/report?frameworks=800-53r5&months=3" % pid)
        sel = ((r.json or {}).get("screening_report") or {}).get("selection", {})
        fw = party((r.json or {})["screening_report"], "$.supplier").get("frameworks", []) if r.json else []
        C.check(sel.get("frameworks") == ["800-53r5"] and [x.get("framework") for x in fw] == ["800-53r5"],
                "the frameworks the authority selects", json.dumps(fw)[:300])

        # ---- the dashboard's page ----
        r = root_s.get("/plans/%s" % pid, headers={"Accept": "text/html"})
        C.check(r.status == 200 and 'id="findings"' in r.text and 'data-rule="R1"' in r.text and
                'data-severity="high"' in r.text and 'id="download-json"' in r.text,
                "/plans/{id}: the authority's page", r.text[-600:])
        C.check("<script>" not in r.text and " style=" not in r.text, "the page: no inline script or style")
        r = opadm.session.get("/plans/%s?lang=ja" % pid, headers={"Accept": "text/html"})
        C.check(r.status == 200 and "スクリーニング報告" in r.text and 'data-rule="R3"' in r.text,
                "/plans/{id} in Japanese for the operator", r.text[-400:])
        r = root_s.get("/plans", headers={"Accept": "text/html"})
        C.check(r.status == 200 and 'href="/plans/%s"' % pid in r.text, "/plans links each plan's report", r.text[-400:])

        # ---- the designations page and its form ----
        r = root_s.get("/designations", headers={"Accept": "text/html"})
        m = re.search(r'name="csrf" value="([^"]+)"', r.text)
        C.check(r.status == 200 and 'data-org="%s" data-designated="1"' % op in r.text and m and
                'id="designation-form"' in r.text, "/designations: the operator, and the form", r.text[-600:])
        form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}

        def post(fields):
            f = dict(fields, csrf=m.group(1) if m else "")
            return root_s.post("/designations", urllib.parse.urlencode(f), headers=form)
        r = post({"org": mnt, "sector": "railway", "designated": "2025-01-10"})
        C.check(r.status == 400 and "ministry" in r.text and 'data-org="%s"' % mnt not in r.text,
                "the form: a date without its ministry is refused, nothing recorded", r.text[-500:])
        r = post({"org": mnt, "sector": "railway", "designated": "2025-01-10", "ministry": "MLIT"})
        C.check(r.status == 303, "the form: the authority-admin designates", "%d %s" % (r.status, r.text[-300:]))
        r = root_s.get("/designations?lang=ja", headers={"Accept": "text/html"})
        C.check('data-org="%s" data-designated="1"' % mnt in r.text and "指定事業者" in r.text,
                "the designation is listed (Japanese)", r.text[-500:])
        r = opadm.session.get("/designations", headers={"Accept": "text/html"})
        C.check(r.status == 403, "/designations: not for an operator", str(r.status))
        r = root_s.get("/plans/%s?months=999" % pid, headers={"Accept": "text/html"})
        C.check(r.status == 400 and "months" in r.text, "/plans/{id}: a bad window is a 400 page", r.text[-300:])
    finally:
        C.check(srv.stop() == 0, "the server stops")
    n = mm.db_ro(db).execute("SELECT count(*) FROM audit_log WHERE action = 'organization.sector'").fetchone()[0]
    C.check(n == 2, "two designations audited (the CLI's and the form's)", str(n))
    acts = [r[0] for r in mm.db_ro(db).execute("SELECT action FROM audit_log WHERE action = 'plan.report'").fetchall()]
    C.check(len(acts) >= 4, "every signed report is in the audit log", str(acts))
    C.check(mm.audit_verify(db).returncode == 0, "the audit log verifies")
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
