#!/usr/bin/env python3
"""Installation plans on the server (docs/screening.md, docs/api.md "Critical
infrastructure") through the real `mamori` CLI and API: the authority designates an operator
in a sector of the list; the operator files a plan with `mamori screen PLAN.json --server`
(30 days on the clock); bad plans, an unknown party, an operator that is not designated and a
plan for another operator are refused with the member named and nothing stored; the authority
starts the examination, extends it only with a reason, and moves the plan only along the
allowed transitions; the supplier named in the plan cannot read it; every change is in the
audit log and the log verifies. Who may call each route is tests/server/test_isolation.py's.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import datetime
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
import mmserver as mm  # noqa: E402

C = mm.Checker()
JSON = {"Content-Type": "application/json"}


def cli(token, args):
    env = dict(os.environ, MAMORI_TOKEN=token or "")
    return subprocess.run([mm.MAMORI] + args, capture_output=True, text=True, env=env, timeout=120)


def plan_count(db):
    return mm.db_ro(db).execute("SELECT count(*) FROM install_plans").fetchone()[0]


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    auth_org, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, log).start()
    try:
        root_s = mm.activate(srv, "root", otp)
        root = mm.token_client(srv, root_s, "root")
        op = mm.create_org(root, "Hokuto Rail KK")["id"]
        sup = mm.create_org(root, "Signal Works KK")["id"]
        other = mm.create_org(root, "Other Rail KK")["id"]
        opadm = mm.make_user(srv, root, op, "rail-admin", "contractor-admin")
        supadm = mm.make_user(srv, root, sup, "signal-admin", "contractor-admin")
        othadm = mm.make_user(srv, root, other, "other-admin", "contractor-admin")

        # ---- the sector list and designations ----
        r = root.get("/api/v1/sectors")
        items = (r.json or {}).get("items", [])
        C.check(r.status == 200 and len(items) == 15, "15 sectors", r.text[:200])
        rail = next((i for i in items if i.get("key") == "railway"), {})
        C.check(len(rail.get("equipment", [])) == 1 and rail["equipment"][0]["id"] == "railway.1",
                "railway's one equipment item", json.dumps(rail)[:300])
        gas = next((i for i in items if i.get("key") == "gas"), {})
        C.check(gas.get("equipment") == [] and gas.get("ministry_verified") is False,
                "gas: no equipment, ministry not verified", json.dumps(gas)[:300])
        r = root.put("/api/v1/organizations/%s/sector" % op, {"sector": "medical"})
        C.check(r.status == 400 and "$.sector" in r.text, "an unknown sector is refused", r.text)
        r = root.put("/api/v1/organizations/%s/sector" % op, {"sector": "railway", "designated": "2024-05-17"})
        C.check(r.status == 400 and "ministry" in r.text, "a designation without its ministry", r.text)
        r = root.put("/api/v1/organizations/%s/sector" % op,
                     {"sector": "railway", "designated": "2024-05-17", "ministry": "MLIT"})
        C.check(r.status == 200 and (r.json or {}).get("designated") == "2024-05-17",
                "the operator is designated", r.text)
        r = root.put("/api/v1/organizations/%s/sector" % other, {"sector": "railway"})
        C.check(r.status == 200 and (r.json or {}).get("designated") is None,
                "a sector without designation", r.text)

        # ---- filing through the CLI ----
        plan = {"kind": "mamori-installation-plan", "operator": op, "sector": "railway",
                "equipment": {"category": "railway.1", "model": "IXL-3", "version": "3.4"},
                "supplier": {"org": sup},
                "component_suppliers": [{"name": "Boards Ltd", "country": "JP", "component": "CPU board"}],
                "maintainers": [{"name": "Remote Ops KK", "scope": "remote maintenance"}]}
        path = os.path.join(T, "plan.json")
        with open(path, "w") as f:
            json.dump(plan, f)
        bad = dict(plan, sector="medical")
        badpath = os.path.join(T, "bad.json")
        with open(badpath, "w") as f:
            json.dump(bad, f)
        cp = cli(opadm.token, ["screen", badpath, "--server", srv.url])
        C.check(cp.returncode == 2 and "bad.json: $.sector: 'medical' is not a sector" in cp.stderr,
                "a bad plan is refused before anything is sent", cp.stderr)
        C.check(plan_count(db) == 0, "nothing stored")
        cp = cli(opadm.token, ["screen", path, "--server", srv.url])
        C.check(cp.returncode == 0, "mamori screen --server files the plan", cp.stderr)
        filed = json.loads(cp.stdout or "{}")
        pid = filed.get("id")
        day = datetime.date.fromisoformat((filed.get("filed") or "1970-01-01")[:10])
        C.check(filed.get("state") == "submitted" and filed.get("operator_id") == op and
                filed.get("due") == (day + datetime.timedelta(days=30)).isoformat(),
                "submitted, due 30 days after filing", cp.stdout[:400])

        # ---- refusals, nothing stored ----
        n = plan_count(db)
        for body, want, what, msg in [
            (dict(plan, maintainers=[{"org": mm.NX if hasattr(mm, "NX") else "00000000-0000-4000-8000-000000000000"}]),
             400, "an unknown organization as a party", "body: $.maintainers[0].org: no such organization"),
            (dict(plan, operator=other), 400, "a plan for another operator", "body: $.operator"),
            (dict(plan, equipment={"category": "railway.2", "model": "x"}), 400, "an unknown category",
             "body: $.equipment.category: 'railway.2'"),
            (dict(plan, equipment={"category": "railway.1", "model": "x", "product": "no-such"}), 400,
             "a product not the supplier's", "body: $.equipment.product"),
        ]:
            r = opadm.post("/api/v1/organizations/%s/plans" % op, body)
            C.check(r.status == want and msg in r.text, what, "%d %s" % (r.status, r.text[:300]))
        r = othadm.post("/api/v1/organizations/%s/plans" % other, dict(plan, operator=other))
        C.check(r.status == 422 and "not a designated operator" in r.text,
                "an operator that is not designated cannot file", r.text[:300])
        C.check(plan_count(db) == n, "no refused plan is stored")

        # ---- a plan file cut short mid-JSON, and one over the size limit (1 MiB): the CLI
        # names the file and where, exit 2, nothing sent; the API answers 400 / 413 ----
        text = json.dumps(plan, indent=1)
        cut = text[: len(text) // 2]
        cutpath = os.path.join(T, "cut.json")
        with open(cutpath, "w") as f:
            f.write(cut)
        cp = cli(opadm.token, ["screen", cutpath, "--server", srv.url])
        where = "%s:%d:" % (cutpath, cut.count("\n") + 1)
        C.check(cp.returncode == 2 and cp.stderr.startswith("mamori: " + where) and "invalid JSON" in cp.stderr
                and not cp.stdout, "a plan cut short: exit 2, the file and the line where it stops", cp.stderr)
        r = opadm.post("/api/v1/organizations/%s/plans" % op, cut.encode(), headers=JSON)
        C.check(r.status == 400 and (r.error_message() or "").startswith("body:%d:" % (cut.count("\n") + 1))
                and "invalid JSON" in (r.error_message() or ""),
                "the API: 400 naming the line of the body where it stops", "%d %s" % (r.status, r.text[:300]))
        big = json.dumps(dict(plan, note="x" * (1 << 20)))
        bigpath = os.path.join(T, "big.json")
        with open(bigpath, "w") as f:
            f.write(big)
        cp = cli(opadm.token, ["screen", bigpath, "--server", srv.url])
        C.check(cp.returncode == 2 and "mamori: %s: %d bytes is larger than the limit of 1048576 bytes"
                % (bigpath, len(big)) in cp.stderr and not cp.stdout,
                "a plan file over 1 MiB: exit 2, the file and the limit named", cp.stderr)
        r = opadm.post("/api/v1/organizations/%s/plans" % op, big.encode(), headers=JSON)
        C.check(r.status == 413 and "1048576" in (r.error_message() or "")
                and (r.json or {}).get("error", {}).get("code") == "payload_too_large",
                "the API: 413 for a plan over 1 MiB", "%d %s" % (r.status, r.text[:300]))
        C.check(plan_count(db) == n, "neither the cut nor the big plan is stored",
                "%d plans, %d before" % (plan_count(db), n))

        # ---- who reads it ----
        r = opadm.get("/api/v1/organizations/%s/plans/%s" % (op, pid))
        C.check(r.status == 200 and (r.json or {}).get("plan", {}).get("supplier") == {"org": sup},
                "the operator reads its plan", r.text[:300])
        r = supadm.get("/api/v1/organizations/%s/plans/%s" % (op, pid))
        C.check(r.status == 404, "the supplier named in it cannot", r.text[:200])
        r = supadm.get("/api/v1/organizations/%s/plans" % sup)
        C.check(r.status == 200 and (r.json or {}).get("items") == [], "nor list it as its own", r.text[:200])
        r = supadm.get("/api/v1/notifications")
        C.check(r.status == 200 and pid not in r.text and "plan" not in r.text.lower(),
                "nor is it notified", r.text[:200])
        r = root.get("/api/v1/plans")
        C.check(r.status == 200 and pid in [i.get("id") for i in (r.json or {}).get("items", [])],
                "the authority lists it", r.text[:200])

        # ---- the dashboard's page ----
        r = opadm.session.get("/plans", headers={"Accept": "text/html"})
        C.check(r.status == 200 and 'data-plan="%s"' % pid in r.text and 'data-state="submitted"' in r.text
                and 'data-due-soon="0"' in r.text, "/plans: the operator sees its plan", r.text[-600:])
        r = supadm.session.get("/plans", headers={"Accept": "text/html"})
        C.check(r.status == 200 and pid not in r.text and 'id="no-plans"' in r.text,
                "/plans: the supplier named in it does not", r.text[-400:])
        r = root_s.get("/plans", headers={"Accept": "text/html"})
        C.check(r.status == 200 and 'data-plan="%s"' % pid in r.text, "/plans: the authority sees it", r.text[-400:])

        # ---- the authority's screening view ----
        r = opadm.post("/api/v1/organizations/%s/suppliers" % op,
                       {"supplier_id": sup, "contract": "IXL-2027", "clauses": ["dfars-252.204-7012"],
                        "handles": ["cui"]})
        C.check(r.status == 201, "the operator records the supplier in the supply graph", r.text[:200])
        mm.expect(supadm.post("/api/v1/organizations/%s/supply/%s/confirm" % (sup, r.json["id"])), 200,
                  "the supplier confirms")
        r = supadm.get("/api/v1/plans/%s/screening" % pid)
        C.check(r.status == 403, "a contractor has no screening view", r.text[:200])
        r = root.get("/api/v1/plans/%s/screening" % pid)
        v = r.json or {}
        parties = v.get("parties", [])
        C.check(r.status == 200 and [p.get("role") for p in parties] ==
                ["supplier", "component-supplier", "maintainer"], "every party, in order", r.text[:300])
        s0 = parties[0] if parties else {}
        edges = s0.get("supply_edges", [])
        C.check(s0.get("known") is True and s0.get("organization_name") == "Signal Works KK" and
                s0.get("latest_status") is None and "no assessment on file" in s0.get("notes", []),
                "the supplier: known, no assessment", json.dumps(s0)[:400])
        C.check(len(edges) == 1 and edges[0].get("contract") == "IXL-2027" and edges[0].get("check") and
                edges[0].get("tier") == 1, "its supply edge with tier and flow-down check", json.dumps(edges)[:400])
        C.check(edges and edges[0]["check"] != "ok" and
                any(n.startswith("flow-down check '%s'" % edges[0]["check"]) for n in s0.get("notes", [])),
                "a check that is not ok is a note", json.dumps(s0.get("notes")))
        s1 = parties[1] if len(parties) > 1 else {}
        C.check(s1.get("known") is False and s1.get("name") == "Boards Ltd" and
                any("named only" in n for n in s1.get("notes", [])), "an outside party is said to be unknown",
                json.dumps(s1))
        C.check((v.get("category") or {}).get("id") == "railway.1" and v.get("product") is None,
                "the equipment's category as the data gives it", json.dumps(v.get("category"))[:200])
        r = root.get("/api/v1/plans/no-such-plan/screening")
        C.check(r.status == 404, "an unknown plan", r.text[:200])

        # ---- the examination ----
        r = root.post("/api/v1/plans/%s/deadline" % pid, {"due": "2099-01-01", "reason": "x"})
        C.check(r.status == 409, "no extension before the examination starts", r.text[:200])
        r = root.post("/api/v1/plans/%s/state" % pid, {"state": "order", "reason": "x"})
        C.check(r.status == 409, "no order straight from submitted", r.text[:200])
        r = root.post("/api/v1/plans/%s/state" % pid, {"state": "under-examination"})
        C.check(r.status == 200 and (r.json or {}).get("state") == "under-examination", "examination starts",
                r.text[:200])
        r = root.post("/api/v1/plans/%s/deadline" % pid, {"due": "2099-01-01"})
        C.check(r.status == 400 and "reason" in r.text, "an extension without a reason is refused", r.text[:200])
        r = root.post("/api/v1/plans/%s/deadline" % pid, {"due": "2099-01-01", "reason": "vendor audit"})
        C.check(r.status == 200 and (r.json or {}).get("state") == "extended" and
                (r.json or {}).get("due") == "2099-01-01", "extended with a reason", r.text[:300])
        r = root.post("/api/v1/plans/%s/state" % pid, {"state": "recommendation"})
        C.check(r.status == 400 and "reason" in r.text, "a recommendation needs a reason", r.text[:200])
        r = root.post("/api/v1/plans/%s/state" % pid, {"state": "recommendation", "reason": "replace the maintainer"})
        C.check(r.status == 200, "a recommendation", r.text[:200])
        r = root.post("/api/v1/plans/%s/state" % pid, {"state": "bogus"})
        C.check(r.status == 400 and "$.state" in r.text, "an unknown state", r.text[:200])
        r = root.post("/api/v1/plans/%s/state" % pid, {"state": "order", "reason": "not followed"})
        C.check(r.status == 200 and (r.json or {}).get("state") == "order", "an order", r.text[:200])
        r = opadm.post("/api/v1/organizations/%s/plans/%s/withdraw" % (op, pid), {"reason": "too late"})
        C.check(r.status == 409, "an ordered plan cannot be withdrawn", r.text[:200])
        r = opadm.get("/api/v1/organizations/%s/plans/%s" % (op, pid))
        ev = (r.json or {}).get("events", [])
        r = root_s.get("/plans?lang=ja", headers={"Accept": "text/html"})
        C.check(r.status == 200 and "導入等計画書" in r.text and 'data-state="order"' in r.text,
                "/plans in Japanese, the plan ordered", r.text[-400:])
        C.check([e.get("to") for e in ev] == ["submitted", "under-examination", "extended", "recommendation", "order"],
                "every move is an event", json.dumps(ev)[:500])
        C.check(ev[2].get("reason") == "vendor audit" and ev[2].get("by") == "root", "the extension's reason and who",
                json.dumps(ev[2:3]))
    finally:
        C.check(srv.stop() == 0, "the server stops")
    acts = {r[0] for r in mm.db_ro(db).execute("SELECT action FROM audit_log WHERE action LIKE 'plan.%'"
                                                " OR action = 'organization.sector'").fetchall()}
    C.check({"plan.file", "plan.state", "plan.deadline", "organization.sector"} <= acts,
            "every change is in the audit log", str(sorted(acts)))
    C.check(mm.audit_verify(db).returncode == 0, "the audit log verifies")
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
