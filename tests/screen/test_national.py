#!/usr/bin/env python3
"""The national picture of critical infrastructure (docs/screening.md "The national picture",
docs/sharing.md "The national aggregate") through the real server, API, pages and CLI: two
railway operators and a water operator designated; plans naming a supplier with a submitted
assessment, one without, outside parties (one plan with ten named maintainers) and a withdrawn
plan; one examination shortened to 3 days; an incident reported by an operator. Checks the
counts per sector (withdrawn plans and repeated parties counted once), the drill-down sector ->
operator -> plan -> party on the API and the pages (English and Japanese), the overview's
plans near their deadline, the operator's own /plans, the aggregate (counts under 5 as "<5",
no organization name or id, no plan id; JSON and STIX 2.1 validated with the OASIS schemas
and the python-stix2 rules of tests/tools/check-stix-consumer.py), `mamori screen national`,
refusals (400 naming the parameter, 403 for a contractor, 404 for an unknown sector or a plan
of another sector) and the audit records of every export. Who may call each route is
tests/server/test_isolation.py's.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only (node for the STIX schemas).
"""

import datetime
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
import mmserver as mm  # noqa: E402

C = mm.Checker()
INCIDENT = os.path.join(mm.SRC, "tests", "fixtures", "incident", "initial.json")


def cli(token, args):
    env = dict(os.environ, MAMORI_TOKEN=token or "")
    return subprocess.run([mm.MAMORI] + args, capture_output=True, text=True, env=env, timeout=120)


def incident_report():
    with open(INCIDENT) as f:
        d = json.load(f)
    d.pop("$schema", None)
    d.pop("time_zone", None)
    t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
    d["discovered"] = t.replace(microsecond=0).isoformat()
    return d


def plan(op, supplier, components=(), maintainers=()):
    return {"kind": "mamori-installation-plan", "operator": op, "sector": "railway",
            "equipment": {"category": "railway.1", "model": "IXL-%s" % op[:4], "version": "1"},
            "supplier": supplier, "component_suppliers": list(components),
            "maintainers": list(maintainers)}


def page(client, path):
    c = getattr(client, "session", client)
    return c.get(path, headers={"Accept": "text/html"})


def validate_stix(path):
    v = subprocess.run(["node", os.path.join(mm.SRC, "tests", "tools", "validate-stix.mjs"),
                        os.path.join(mm.SRC, "tests", "schemas", "stix"), path],
                       capture_output=True, text=True, cwd=mm.SRC, timeout=120)
    c = subprocess.run([sys.executable, os.path.join(mm.SRC, "tests", "tools", "check-stix-consumer.py"), path],
                       capture_output=True, text=True, timeout=60)
    return v, c


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    auth_org, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    try:
        root_s = mm.activate(srv, "root", otp)
        root = mm.token_client(srv, root_s, "root")
        org = {}
        for name in ("Hokuto Rail KK", "Nankai Lines KK", "Aqua City Waterworks", "Signal Works KK",
                     "Track Service KK"):
            org[name] = mm.create_org(root, name)["id"]
        r1, r2, w1 = org["Hokuto Rail KK"], org["Nankai Lines KK"], org["Aqua City Waterworks"]
        s1, s2 = org["Signal Works KK"], org["Track Service KK"]
        adm = {o: mm.make_user(srv, root, o, "adm-%d" % i, "contractor-admin")
               for i, o in enumerate((r1, r2, w1, s1))}
        for o, sector, ministry in ((r1, "railway", "MLIT"), (r2, "railway", "MLIT"), (w1, "water", "MLIT")):
            mm.expect(root.put("/api/v1/organizations/%s/sector" % o,
                               {"sector": sector, "designated": "2024-05-17", "ministry": ministry}),
                      200, "designate")
        # S1 submits an assessment; S2 has none
        k = os.path.join(T, "k-s1")
        pub, _ = mm.keygen("Signal Works KK", k)
        mm.expect(mm.register_key(adm[s1], s1, pub), 201, "S1's key")
        a = mm.variant(mm.EXAMPLE_R2, os.path.join(T, "a-s1.json"), "s1")
        mm.expect(mm.submit(adm[s1], mm.sign(a, k, os.path.join(T, "s-s1.json"))), 201, "S1 submits")
        s1_status = ((root.get("/api/v1/organizations/%s" % s1).json or {}).get("latest") or {}).get("status")
        s1_valid = s1_status in ("meets", "conditional")

        def file(client, op, body):
            r = client.post("/api/v1/organizations/%s/plans" % op, body)
            mm.expect(r, 201, "a plan of %s" % op)
            return r.json["id"]
        p1 = file(adm[r1], r1, plan(r1, {"org": s1}, [{"name": "Boards Ltd", "component": "CPU"}],
                                    [{"org": s2, "scope": "on-site"}]))
        p2 = file(adm[r2], r2, plan(r2, {"org": s1}, [], [{"name": "Remote Ops KK"}]))
        p3 = file(adm[r1], r1, plan(r1, {"name": "Withdrawn Supplier"}))
        p4 = file(adm[r2], r2, plan(r2, {"name": "Vendor X"}, [],
                                    [{"name": "Maint %d" % i} for i in range(10)]))
        mm.expect(adm[r1].post("/api/v1/organizations/%s/plans/%s/withdraw" % (r1, p3), {"reason": "replaced"}),
                  200, "P3 withdrawn")
        mm.expect(root.post("/api/v1/plans/%s/state" % p1, {"state": "under-examination"}), 200, "P1 examined")
        today = datetime.date.fromisoformat((root.get("/api/v1/organizations/%s/plans/%s" % (r1, p1))
                                             .json or {}).get("filed", "1970-01-01")[:10])
        soon = (today + datetime.timedelta(days=3)).isoformat()
        mm.expect(root.post("/api/v1/plans/%s/deadline" % p1, {"due": soon, "reason": "urgent replacement"}),
                  200, "P1 shortened to 3 days")
        mm.expect(adm[r1].post("/api/v1/incidents", incident_report()), 201, "R1 reports an incident")

        # ---- the picture ----
        r = root.get("/api/v1/national")
        v = r.json or {}
        by = {s.get("key"): s for s in v.get("sectors", [])}
        C.check(r.status == 200 and len(by) == 15 and v.get("due_soon_days") == 7, "15 sectors", r.text[:300])
        rail, water = by.get("railway", {}), by.get("water", {})
        C.check(rail.get("operators") == 2 and water.get("operators") == 1 and by.get("gas", {}).get("operators") == 0,
                "designated operators per sector", json.dumps([rail.get("operators"), water.get("operators")]))
        C.check(rail.get("plans") == 3 and rail.get("plans_open") == 3 and rail.get("due_soon") == 1 and
                rail.get("overdue") == 0 and rail.get("next_due") == soon,
                "plans under examination and their deadlines (the withdrawn one left out)", json.dumps(rail)[:500])
        sup_without = (0 if s1_valid else 1) + 2  # S1 (once for two plans), Boards Ltd, Vendor X
        C.check(rail.get("suppliers") == {"total": 3, "without_valid": sup_without, "unknown": 2},
                "suppliers: each counted once, outside parties without a valid assessment (S1 %s)" % s1_status,
                json.dumps(rail.get("suppliers")))
        C.check(rail.get("maintainers") == {"total": 12, "without_valid": 12, "unknown": 11},
                "maintainers: S2 without an assessment, eleven outside parties", json.dumps(rail.get("maintainers")))
        share = rail.get("share_without_valid")
        C.check(isinstance(share, float) and abs(share - (sup_without + 12) / 15.0) < 1e-9,
                "the share without a valid assessment", str(share))
        C.check(rail.get("incidents", {}).get("count") == 1 and water.get("incidents", {}).get("count") == 0,
                "incidents of the sector's organizations", json.dumps(rail.get("incidents")))
        C.check(water.get("plans_open") == 0 and water.get("share_without_valid") is None, "water: no plan",
                json.dumps(water)[:300])

        # ---- the drill-down: sector -> operator -> plan -> party ----
        r = root.get("/api/v1/national/sectors/railway")
        d = r.json or {}
        ops = {o.get("org_id"): o for o in d.get("operators", [])}
        C.check(r.status == 200 and set(ops) == {r1, r2} and ops[r1].get("plans_open") == 1 and
                ops[r1].get("due_soon") == 1 and ops[r1].get("incidents") == 1 and ops[r2].get("plans_open") == 2,
                "the sector's operators with their plans", json.dumps(d.get("operators"))[:500])
        plans = {p.get("id"): p for p in d.get("plans", [])}
        C.check(set(plans) == {p1, p2, p3, p4} and plans[p3].get("state") == "withdrawn" and
                plans[p1].get("days_left") == 3 and plans[p1].get("due_soon") is True,
                "the sector's plans with their clock", json.dumps(sorted(plans)))
        parties = plans.get(p1, {}).get("parties", [])
        C.check([(p.get("role"), p.get("known"), p.get("valid")) for p in parties] ==
                [("supplier", True, s1_valid), ("component-supplier", False, False), ("maintainer", True, False)] and
                parties[2].get("status") == "none" and parties[0].get("organization_name") == "Signal Works KK",
                "a plan's parties with their standing", json.dumps(parties)[:600])
        r = root.get("/api/v1/national/sectors/medical")
        C.check(r.status == 404, "an unknown sector is 404", r.text[:200])

        # ---- the pages ----
        r = page(root_s, "/sectors")
        C.check(r.status == 200 and 'data-sector="railway" data-operators="2" data-open="3" data-due-soon="1"' in r.text
                and 'href="/sectors/railway"' in r.text and "not verified" in r.text,
                "/sectors: the railway row", r.text[-1500:])
        r = page(root_s, "/sectors?lang=ja")
        C.check(r.status == 200 and "分野別の基幹インフラ" in r.text and "特定社会基盤事業者" in r.text,
                "/sectors in Japanese", r.text[-600:])
        r = page(root_s, "/sectors/railway")
        C.check(r.status == 200 and 'data-operator="%s"' % r1 in r.text and 'data-plan="%s"' % p1 in r.text
                and "Hokuto Rail KK" in r.text and 'href="/sectors/railway/operators/%s"' % r1 in r.text,
                "/sectors/railway: operators and plans", r.text[-800:])
        r = page(root_s, "/sectors/railway/operators/%s" % r1)
        C.check(r.status == 200 and 'data-plan="%s"' % p1 in r.text and 'data-plan="%s"' % p2 not in r.text and
                'href="/sectors/railway/plans/%s"' % p1 in r.text, "an operator's page: its own plans only",
                r.text[-800:])
        r = page(root_s, "/sectors/railway/plans/%s" % p1)
        C.check(r.status == 200 and 'href="/contractors/%s"' % s1 in r.text and "Boards Ltd" in r.text and
                'data-role="maintainer" data-known="1" data-valid="0"' in r.text,
                "a plan's page: its parties, a known one linking to its page", r.text[-1000:])
        for path in ("/sectors/medical", "/sectors/water/plans/%s" % p1, "/sectors/water/operators/%s" % r1,
                     "/sectors/railway/operators/%s" % s1):
            r = page(root_s, path)
            C.check(r.status == 404, "%s is 404" % path, str(r.status))
        r = page(adm[r1], "/sectors")
        C.check(r.status == 403, "a contractor has no national picture", str(r.status))
        r = page(root_s, "/overview")
        C.check(r.status == 200 and 'id="plans-due"' in r.text and 'data-plan="%s"' % p1 in r.text and
                'data-plan="%s"' % p2 not in r.text, "the overview lists the plan near its deadline", r.text[-1200:])
        due = r.text[r.text.find('id="plans-due"'):]
        C.check("<td>Under examination</td>" in due and "<td>under-examination</td>" not in due,
                "the overview names the plan's state, not its key", due[:1200])
        C.check("<bdi>Hokuto Rail KK</bdi></a>" in due and ">%s</a>" % r1 not in due,
                "the overview names the plan's operator, not its id", due[:1200])
        r = page(root_s, "/overview?lang=ja")
        due = r.text[r.text.find('id="plans-due"'):]
        C.check("<td>審査中</td>" in due and "under-examination</td>" not in due,
                "the overview in Japanese: the plan's state in Japanese", due[:1200])
        r = page(adm[r1], "/plans")
        C.check(r.status == 200 and 'data-plan="%s" data-state="under-examination" data-due-soon="1"' % p1 in r.text
                and 'data-plan="%s" data-state="withdrawn"' % p3 in r.text and p2 not in r.text,
                "the operator sees its plans' states", r.text[-800:])
        r = page(adm[r1], "/plans?lang=ja")
        C.check(r.status == 200 and "<td>審査中</td>" in r.text and "<td>取下げ</td>" in r.text,
                "/plans in Japanese: the states in Japanese", r.text[-800:])
        r = page(adm[r1], "/my")
        C.check(r.status == 200 and 'id="my-plans"' in r.text and
                'data-plan="%s" data-state="under-examination"' % p1 in r.text and p2 not in r.text,
                "and on its own /my page", r.text[-800:])
        r = page(adm[s1], "/my")
        C.check(r.status == 200 and 'id="my-plans"' not in r.text and p1 not in r.text,
                "the supplier named in the plans sees none of them on /my", r.text[-400:])

        # ---- the shareable aggregate ----
        names = [n for n in org] + [o for o in org.values()] + [p1, p2, p3, p4, "Boards Ltd", "Vendor X",
                                                              "Remote Ops KK", "Maint 0"]
        r = root.get("/api/v1/national/aggregate")
        ag = r.json or {}
        leaked = [n for n in names if n in r.text]
        C.check(r.status == 200 and ag.get("kind") == "mamori-national-aggregate" and not leaked,
                "the aggregate names no organization and no plan", str(leaked))
        ar = next((s for s in ag.get("sectors", []) if s.get("sector") == "railway"), {})
        C.check(ar.get("operators") == "<5" and ar.get("plans_under_examination") == "<5" and
                ar.get("maintainers") == 12 and ar.get("maintainers_without_valid_assessment") == 12 and
                ar.get("suppliers") == "<5" and ar.get("percent_without_valid_assessment") == "<5 in a part" and
                ar.get("incidents") == "<5",
                "counts under 5 are \"<5\", and no share that would tell one", json.dumps(ar))
        C.check(ag.get("totals", {}).get("parties") == 15, "the totals", json.dumps(ag.get("totals")))
        for q, want, what in (("?format=stix", 400, "tlp"), ("?format=json&tlp=green", 400, "tlp"),
                              ("?format=stix&tlp=white", 400, "tlp"), ("?format=xml", 400, "format")):
            r = root.get("/api/v1/national/aggregate" + q)
            C.check(r.status == want and what in r.text, "%s is refused naming %s" % (q, what), r.text[:200])
        r = adm[r1].get("/api/v1/national/aggregate")
        C.check(r.status == 403, "a contractor cannot export it", str(r.status))

        r = root.get("/api/v1/national/aggregate?format=stix&tlp=green")
        b = r.json or {}
        path = os.path.join(T, "aggregate.stix.json")
        with open(path, "w") as f:
            f.write(r.text)
        objs = {o.get("type"): o for o in b.get("objects", [])}
        rep = objs.get("report", {})
        ext = next(iter((rep.get("extensions") or {}).values()), {})
        C.check(r.status == 200 and b.get("type") == "bundle" and
                rep.get("object_marking_refs") == ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
                "the report is marked TLP:GREEN (the official TLP 2.0 id)", r.text[:400])
        author = next((o for o in b.get("objects", []) if o.get("id") == rep.get("created_by_ref")), {})
        C.check(author.get("type") == "identity" and author.get("identity_class") == "organization",
                "created_by_ref is the authority's identity", json.dumps(author)[:300])
        C.check(ext.get("extension_type") == "property-extension" and ext.get("sectors") == ag.get("sectors") and
                objs.get("extension-definition", {}).get("id") in rep.get("extensions", {}),
                "the aggregate rides in the extension its definition names", json.dumps(ext)[:300])
        C.check(not [n for n in names if n in r.text], "the STIX bundle names no organization of the picture")
        v, c = validate_stix(path)
        C.check(v.returncode == 0, "the bundle is valid against the OASIS STIX 2.1 schemas", v.stdout + v.stderr)
        C.check(c.returncode == 0, "python-stix2 would parse it", c.stdout + c.stderr)

        # ---- the CLI ----
        out = os.path.join(T, "cli.stix.json")
        cp = cli(root.token, ["screen", "national", "--server", srv.url, "--format", "stix", "--tlp", "amber",
                              "-o", out])
        bundle = json.load(open(out)) if cp.returncode == 0 and os.path.isfile(out) else {}
        marks = [o.get("id") for o in bundle.get("objects", []) if o.get("type") == "marking-definition"]
        C.check(cp.returncode == 0 and marks == ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],
                "mamori screen national --format stix --tlp amber", cp.stderr + str(marks))
        cp = cli(root.token, ["screen", "national", "--server", srv.url])
        C.check(cp.returncode == 0 and json.loads(cp.stdout or "{}").get("kind") == "mamori-national-aggregate",
                "mamori screen national: JSON by default", cp.stderr)
        cp = cli(root.token, ["screen", "national", "--server", srv.url, "--format", "stix"])
        C.check(cp.returncode == 2 and "--tlp" in cp.stderr, "--format stix without --tlp is refused", cp.stderr)
        cp = cli(adm[r1].token, ["screen", "national", "--server", srv.url])
        C.check(cp.returncode == 2 and "403" in cp.stderr, "a contractor's token is refused", cp.stderr)
    finally:
        C.check(srv.stop() == 0, "the server stops")
    n = mm.db_ro(db).execute("SELECT count(*) FROM audit_log WHERE action = 'national.aggregate'").fetchone()[0]
    C.check(n == 4, "every export is an audit record", str(n))
    C.check(mm.audit_verify(db).returncode == 0, "the audit log verifies")
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
