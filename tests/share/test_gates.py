#!/usr/bin/env python3
"""The gated-read matrix through the real server (docs/sharing.md, "Gated items"): a read of a
gated item is allowed only when TLP AND need-to-know AND a clearance valid on the day of the
read AND (for another regime) the authority's reciprocity all hold, decided in
mm_share_decide.

Every cell of tenant (3: the originator's organization, a recipient organization, an
outsider) x role (2: contractor-member, contractor-admin) x TLP (3: CLEAR, AMBER+STRICT, RED)
x need-to-know (2: in the item's group or not) x clearance level (4: none, L1 below, L2
required, L3 above through a policy row) x expiry (3: valid through today, expired yesterday,
granted tomorrow) x reciprocity (3: the required regime, another regime the policy accepts,
a regime it does not) = 1296 cells is asserted twice (in the list, and GET by id), with the
expected answer computed from the rules written out below. Every refusal of a gated item that
the label alone allows is in the audit log as item.refused with the condition that failed,
and the reader gets the same 404 as for a missing item; a refusal by id is audited whatever the
condition (the label's included). Also: hidden membership of
need-to-know groups, nationality and organization country gates, the originator, anonymous
readers, revoked clearances, the policy table shipped empty.

The regimes here (xa-test, xb-test, xc-test) and the policy rows are TEST DATA: they assert
no real equivalence between any two countries' clearances.

On SQLite by default; on PostgreSQL with MM_TEST_DB_URL (CTest test_gates_py_pg).
Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import collections
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
import mmserver as mm  # noqa: E402

TENANTS = ["orig", "recip", "outsider"]
ROLES = ["contractor-member", "contractor-admin"]
LABELS = ["TLP:CLEAR", "TLP:AMBER+STRICT", "TLP:RED"]
NTK = [True, False]
LEVELS = [None, "L1", "L2", "L3"]
EXPIRY = ["valid", "expired", "not-yet"]
RECIPROCITY = ["same", "accepted", "not-accepted"]
REGIME = {"same": "xa-test", "accepted": "xb-test", "not-accepted": "xc-test"}
REQUIRED = ("xa-test", "L2")
# the authority's policy rows of this test (test data): L3 satisfies L2 in xa-test; xb-test's
# L2 and L3 satisfy xa-test L2 (reciprocity); nothing for xc-test nor for L1
POLICY = [("xa-test", "L3", "xa-test", "L2"), ("xb-test", "L2", "xa-test", "L2"),
          ("xb-test", "L3", "xa-test", "L2")]


class W:
    pass


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def dates(expiry):
    t = today()
    d = datetime.timedelta
    if expiry == "valid":  # the last day included
        return (t - d(days=365)).isoformat(), t.isoformat()
    if expiry == "expired":
        return (t - d(days=365)).isoformat(), (t - d(days=1)).isoformat()
    return (t + d(days=1)).isoformat(), (t + d(days=365)).isoformat()


# ---- the rules, written out ------------------------------------------------------------------


def tlp_allows(label, tenant):
    if label == "TLP:CLEAR":
        return True
    if label == "TLP:AMBER+STRICT":  # the originator's and the recipient organization
        return tenant in ("orig", "recip")
    return tenant == "recip"  # RED: named users, every reader of the recipient organization


def expected_gate(label, tenant, ntk, level, expiry, recip):
    """None when readable, else the condition that fails first (mm_share_gate_name)."""
    if not tlp_allows(label, tenant):
        return "tlp"
    if not ntk:
        return "need-to-know"
    if level is None:
        return "clearance"
    satisfies = (REGIME[recip], level) == REQUIRED or \
        (REGIME[recip], level) + REQUIRED in [tuple(p) for p in POLICY]
    if satisfies:
        return None if expiry == "valid" else "expired"
    return "clearance" if recip == "same" else "reciprocity"


# ---- set-up ------------------------------------------------------------------------------------


def setup(C):
    W.T = mm.fresh_tmp()
    W.db = os.path.join(W.T, "mamori.db")
    auth_id, otp = mm.admin_init(W.db, "root")
    W.srv = mm.Server(W.db, os.path.join(W.T, "serve.log"), ["--threads", "4"]).start()
    sess = mm.activate(W.srv, "root", otp)
    W.root = mm.token_client(W.srv, sess, "gates-root")
    W.org = {t: mm.create_org(W.root, "Gates %s" % t)["id"] for t in TENANTS}
    W.sharer = mm.make_user(W.srv, W.root, W.org["orig"], "g-sharer", "contractor-member")
    W.readers = {}  # (tenant, role, ntk) -> (login, client)
    for t in TENANTS:
        for role in ROLES:
            for ntk in NTK:
                login = "g-%s-%s-%s" % (t, role.split("-")[1], "in" if ntk else "out")
                W.readers[(t, role, ntk)] = (login, mm.make_user(W.srv, W.root, W.org[t], login, role))
    # the policy table ships empty
    r = W.root.get("/api/v1/clearance-policy")
    C.check(r.status == 200 and r.json == {"items": []}, "the policy table is empty as shipped",
            mm.short(r.text))
    for hr, hl, rr, rl in POLICY:
        C.status(W.root.post("/api/v1/clearance-policy", {
            "held_regime": hr, "held_level": hl, "required_regime": rr, "required_level": rl,
            "source": "test data of tests/share/test_gates.py, not a real equivalence"}), 201,
            "policy row %s:%s -> %s:%s" % (hr, hl, rr, rl))
    C.status(W.root.post("/api/v1/clearance-policy", {
        "held_regime": "xa-test", "held_level": "L2", "required_regime": "xa-test",
        "required_level": "L2", "source": "x"}), 422, "a policy row of a level for itself: 422")
    # the need-to-know group: hides its members; the first 'in' reader of orig manages it
    C.status(W.root.post("/api/v1/ntk-groups", {"id": "gmx", "name": "Matrix group",
                                                "owner_org": W.org["orig"], "hide_members": True}),
             201, "the need-to-know group")
    for (t, role, ntk), (login, _) in sorted(W.readers.items()):
        if ntk:
            manager = (t, role) == ("orig", "contractor-admin")
            C.status(W.root.post("/api/v1/ntk-groups/gmx/members", {"login": login,
                                                                     "manager": manager}),
                     201, "%s joins the group" % login)
    # the items: one per label, gated by the group and xa-test L2
    W.items = {}
    red_to = [login for (t, _, _), (login, _) in W.readers.items() if t == "recip"]
    for label in LABELS:
        body = {"title": "Gated %s" % label, "tlp": label,
                "description": "pointer only: available to cleared staff at the authority's reading room",
                "gate": {"clearance": {"regime": REQUIRED[0], "level": REQUIRED[1]},
                         "ntk_group": "gmx"}}
        if label == "TLP:AMBER+STRICT":
            body["recipients"] = {"orgs": [W.org["recip"]]}
        if label == "TLP:RED":
            body["recipients"] = {"users": red_to}
        r = W.sharer.post("/api/v1/items", body)
        C.status(r, 201, "create the gated %s item" % label)
        W.items[label] = (r.json or {}).get("id")
        C.check((r.json or {}).get("gate", {}).get("ntk_group") == "gmx",
                "%s: the item shows its gate" % label, mm.short(r.text))
    W.clearance_id = {}


def set_profile(C, level, expiry, recip):
    """Every reader holds exactly one clearance of this profile (or none)."""
    for key, (login, _) in W.readers.items():
        old = W.clearance_id.pop(key, None)
        if old is not None:
            mm.expect(W.root.post("/api/v1/clearances/%s/revoke" % old, {}), 200, "revoke")
        if level is None:
            continue
        granted, expires = dates(expiry)
        r = mm.expect(W.root.post("/api/v1/clearances", {
            "login": login, "regime": REGIME[recip], "level": level, "granting_body": "test body",
            "granted": granted, "expires": expires, "evidence": "test-ref"}), 201, "grant")
        W.clearance_id[key] = (r.json or {}).get("id")


# ---- the matrix ---------------------------------------------------------------------------------


def matrix(C):
    cells = 0
    W.want_refused = collections.Counter()  # (login, item, gate, via)
    missing = W.sharer.get("/api/v1/items/00000000-0000-4000-8000-000000000000")
    for level in LEVELS:
        for expiry in EXPIRY:
            for recip in RECIPROCITY:
                set_profile(C, level, expiry, recip)
                for (tenant, role, ntk), (login, cl) in sorted(W.readers.items()):
                    r = cl.get("/api/v1/items?per_page=1000")
                    listed = {i["id"] for i in (r.json or {}).get("items", [])} if r.status == 200 else None
                    for label in LABELS:
                        iid = W.items[label]
                        gate = expected_gate(label, tenant, ntk, level, expiry, recip)
                        tag = "%s x %s x %s x ntk=%s x %s x %s x %s" % (
                            tenant, role, label, ntk, level, expiry, recip)
                        want = gate is None
                        if listed is None or (iid in listed) != want:
                            C.check(False, tag + " x list", "status %s, want %s" % (r.status, want))
                        else:
                            C.oks += 1
                        g = cl.get("/api/v1/items/" + iid)
                        if g.status != (200 if want else 404) or \
                                (not want and g.json != missing.json):
                            C.check(False, tag + " x get", "status %s, want %s: %s" %
                                    (g.status, 200 if want else 404, mm.short(g.text)))
                        else:
                            C.oks += 1
                        cells += 1
                        # asked for by id: every refusal of a gated item; in a list: those
                        # the label alone would have shown
                        if gate is not None:
                            W.want_refused[(login, iid, gate, "get")] += 1
                        if gate not in (None, "tlp"):
                            W.want_refused[(login, iid, gate, "list")] += 1
    n = len(TENANTS) * len(ROLES) * len(LABELS) * len(NTK) * len(LEVELS) * len(EXPIRY) * len(RECIPROCITY)
    C.check(cells == n == 1296, "the matrix has no gap: 3 x 2 x 3 x 2 x 4 x 3 x 3 = %d cells (%d)" % (n, cells))


def refusals_audited(C):
    con = mm.db_ro(W.db)
    try:
        rows = con.execute("SELECT actor, object, detail FROM audit_log WHERE action = 'item.refused'"
                           " ORDER BY id").fetchall()
    finally:
        con.close()
    got = collections.Counter()
    for actor, obj, detail in rows:
        d = json.loads(detail) if isinstance(detail, str) else detail
        got[(actor, obj, d.get("gate"), d.get("via"))] += 1
    C.check(got == W.want_refused,
            "every refusal of a gated item the label allows is audited with its condition "
            "(%d records)" % sum(W.want_refused.values()),
            "missing %s; extra %s" % (list((W.want_refused - got).items())[:5],
                                      list((got - W.want_refused).items())[:5]))
    gates = {k[2] for k in W.want_refused}
    C.check(gates == {"tlp", "need-to-know", "clearance", "expired", "reciprocity"},
            "the refusals name every condition", str(gates))


def others(C):
    # the sharer reads its own gated items without any clearance
    for label, iid in W.items.items():
        C.status(W.sharer.get("/api/v1/items/" + iid), 200, "%s: the user who shared it reads it" % label)
    # merging gated items would drop their gates: refused like any widening merge
    r = W.sharer.post("/api/v1/items/merge", {"ids": [W.items["TLP:CLEAR"], W.items["TLP:AMBER+STRICT"]],
                                              "title": "merged gated"})
    C.status(r, 409, "merging gated items is refused (the merged item would carry no gate)")
    # anonymous: never a gated item, TLP:CLEAR included
    anon = mm.Client(W.srv)
    C.status(anon.get("/api/v1/items/" + W.items["TLP:CLEAR"]), 404, "anonymous: a gated CLEAR item is 404")
    # hidden membership: a member sees the group, not its members; its manager sees them
    login, member = W.readers[("recip", "contractor-member", True)]
    g = [x for x in (member.get("/api/v1/ntk-groups").json or {}).get("items", []) if x["id"] == "gmx"]
    C.check(len(g) == 1 and "members" not in g[0], "a member does not see a hidden group's members",
            json.dumps(g)[:300])
    _, manager = W.readers[("orig", "contractor-admin", True)]
    g = [x for x in (manager.get("/api/v1/ntk-groups").json or {}).get("items", []) if x["id"] == "gmx"]
    C.check(len(g) == 1 and len(g[0].get("members", [])) == 6, "its manager sees the members",
            json.dumps(g)[:300])
    _, outsider = W.readers[("outsider", "contractor-member", False)]
    C.check((outsider.get("/api/v1/ntk-groups").json or {}).get("items") == [],
            "a non-member does not see the group at all")
    C.status(member.post("/api/v1/ntk-groups/gmx/members", {"login": "g-sharer"}), 403,
             "a member who does not manage the group cannot add members")
    C.status(outsider.post("/api/v1/ntk-groups/gmx/members", {"login": "g-sharer"}), 404,
             "a non-member is told nothing about the group")
    # a valid clearance, then revoked: refused at the next read
    set_profile(C, "L2", "valid", "same")
    login, cl = W.readers[("recip", "contractor-admin", True)]
    iid = W.items["TLP:AMBER+STRICT"]
    C.status(cl.get("/api/v1/items/" + iid), 200, "with a valid clearance: read")
    mm.expect(W.root.post("/api/v1/clearances/%s/revoke" %
                          W.clearance_id.pop(("recip", "contractor-admin", True)), {}), 200, "revoke")
    C.status(cl.get("/api/v1/items/" + iid), 404, "revoked: refused at the next read")
    # nationality and organization country (set by the CLI: mamori admin clearance person)
    url = mm.db_url(W.db)
    _, cl2 = W.readers[("recip", "contractor-member", True)]
    r = W.sharer.post("/api/v1/items", {
        "title": "Nationals only", "tlp": "TLP:AMBER+STRICT", "recipients": {"orgs": [W.org["recip"]]},
        "gate": {"clearance": {"regime": "xa-test", "level": "L2"}, "ntk_group": "gmx",
                 "nationalities": ["JP"], "org_countries": ["JP"]}})
    C.status(r, 201, "an item for JP nationals of JP organizations")
    nat = (r.json or {}).get("id")
    C.status(cl2.get("/api/v1/items/" + nat), 404, "no nationality recorded: refused")
    cp = mm.run(["admin", "clearance", "person", "--db", url, "--user", "g-recip-member-in",
                 "--nationality", "JP"])
    C.check(cp.returncode == 0, "admin clearance person --nationality", cp.stderr)
    C.status(cl2.get("/api/v1/items/" + nat), 404, "JP national, organization's country unknown: refused")
    cp = mm.run(["admin", "clearance", "person", "--db", url, "--org", W.org["recip"], "--country", "JP"])
    C.check(cp.returncode == 0, "admin clearance person --country", cp.stderr)
    C.status(cl2.get("/api/v1/items/" + nat), 200, "JP national of a JP organization, cleared: read")
    # one place for an organization's country (schema 15): the supply chain's profile and the
    # CLI's --country write the same row, and the gates read it
    r = W.root.put("/api/v1/organizations/%s/profile" % W.org["recip"], {"sector": "aerospace", "country": "US"})
    C.status(r, 200, "the supply chain's profile sets the organization's country to US")
    C.status(cl2.get("/api/v1/items/" + nat), 404, "the profile's country is the gates' country: US refused")
    cp = mm.run(["admin", "clearance", "person", "--db", url, "--org", W.org["recip"], "--country", "JP"])
    C.check(cp.returncode == 0, "admin clearance person --country JP again", cp.stderr)
    C.status(cl2.get("/api/v1/items/" + nat), 200, "the CLI's country back to JP: read")
    con = mm.db_ro(W.db)
    row = con.execute("SELECT sector, country FROM org_profiles WHERE org_id = ?", (W.org["recip"],)).fetchone()
    tables = [x[0] for x in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    con.close()
    C.check(row is not None and tuple(row) == ("aerospace", "JP"),
            "the CLI's country in the profile, its sector left as it was", str(row))
    C.check("org_country" not in tables, "no second country table", str(tables))
    cp = mm.run(["admin", "clearance", "person", "--db", url, "--user", "g-recip-member-in",
                 "--nationality", "US"])
    C.status(cl2.get("/api/v1/items/" + nat), 404, "the nationality changed: refused at the next read")
    cp = mm.run(["admin", "clearance", "person", "--db", url, "--user", "g-recip-member-in",
                 "--nationality", "jp"])
    C.check(cp.returncode == 2 and "ISO 3166-1" in cp.stderr, "a lower-case code: exit 2 naming the rule",
            cp.stderr)
    # bad gates: 400 naming the member, nothing stored
    before = W.sharer.get("/api/v1/items/count").json
    for gate, where in (({"clearance": {"regime": "XA", "level": "L2"}}, "$.gate.clearance"),
                        ({"nationalities": ["jpn"]}, "$.gate.nationalities"),
                        ({"facility": True}, "$.gate.facility"),
                        ({}, "$.gate"),
                        ({"ntk_group": "nosuch"}, "$.gate.ntk_group")):
        r = W.sharer.post("/api/v1/items", {"title": "bad", "tlp": "TLP:CLEAR", "gate": gate})
        C.check(r.status == 400 and where in r.text, "bad gate %s: 400 naming %s" % (json.dumps(gate), where),
                mm.short(r.text))
    C.check(W.sharer.get("/api/v1/items/count").json == before, "no bad gated item was stored")
    # facility certification: an item that also asks the organization's
    r = W.sharer.post("/api/v1/items", {
        "title": "Facility", "tlp": "TLP:AMBER+STRICT", "recipients": {"orgs": [W.org["recip"]]},
        "gate": {"clearance": {"regime": "xa-test", "level": "L2"}, "facility": True}})
    fac = (r.json or {}).get("id")
    _, cl3 = W.readers[("recip", "contractor-admin", False)]
    C.status(cl3.get("/api/v1/items/" + fac), 404, "a cleared user whose organization has no facility "
             "certification: refused")
    granted, expires = dates("valid")
    C.status(W.root.post("/api/v1/clearances", {
        "org_id": W.org["recip"], "regime": "xa-test", "level": "L2", "granting_body": "test body",
        "granted": granted, "expires": expires, "evidence": "facility-ref"}), 201,
        "a facility certification of the organization")
    C.status(cl3.get("/api/v1/items/" + fac), 200, "with the facility certification: read")


def cli(C):
    """mamori admin clearance: the records, audited as cli:admin-clearance; bad input exit 2
    with a message and nothing stored; the regimes and the empty policy as shipped."""
    url = mm.db_url(W.db)
    cp = mm.run(["admin", "clearance", "regimes"])
    C.check(cp.returncode == 0 and "jp-iesi" in cp.stdout and "jp-sds" in cp.stdout and
            "us-eo13526" in cp.stdout and "policy as shipped: 0 rows" in cp.stdout,
            "admin clearance regimes: the three regimes and no policy row", cp.stdout[-300:])
    with open(os.path.join(mm.SRC, "content", "sharing", "clearance-regimes.json"), encoding="utf-8") as f:
        shipped = json.load(f)
    C.check(shipped["_meta"]["policy_as_shipped"] == [] and
            all(r["levels"] == [] for r in shipped["regimes"] if r["regime"].startswith("jp-")),
            "content: no policy row and no invented Japanese level")
    n0 = len((W.root.get("/api/v1/clearances").json or {}).get("items", []))
    for args, what in ((["--granted", "2026-02-30"], "calendar days"),
                       (["--granted", "2026-01-01", "--expires", "2025-01-01"], "before it is granted"),
                       (["--granted", "2026-01-01", "--regime", "JP IESI"], "a regime is")):
        base = ["admin", "clearance", "grant", "--db", url, "--user", "g-sharer", "--regime", "jp-iesi",
                "--level", "designated", "--granted-by", "test body", "--evidence", "ref"]
        cp = mm.run(base + args)
        C.check(cp.returncode == 2 and what in cp.stderr and cp.stderr.startswith("mamori: "),
                "admin clearance grant %s: exit 2 naming the rule" % " ".join(args), cp.stderr)
    cp = mm.run(["admin", "clearance", "grant", "--db", url, "--user", "g-sharer", "--regime", "jp-iesi",
                 "--level", "designated", "--granted-by", "test body", "--granted", "2026-01-01",
                 "--evidence", "ref-cli"])
    C.check(cp.returncode == 0 and "clearance recorded:" in cp.stdout, "admin clearance grant", cp.stderr)
    items = (W.root.get("/api/v1/clearances").json or {}).get("items", [])
    C.check(len(items) == n0 + 1 and items[-1]["evidence"] == "ref-cli" and items[-1]["login"] == "g-sharer",
            "the CLI's record is the API's, and bad ones stored nothing", str(items[-1:]))
    cid = items[-1]["id"]
    cp = mm.run(["admin", "clearance", "revoke", "--db", url, str(cid)])
    C.check(cp.returncode == 0, "admin clearance revoke", cp.stderr)
    cp = mm.run(["admin", "clearance", "revoke", "--db", url, str(cid)])
    C.check(cp.returncode != 0 and "revoked already" in cp.stderr, "revoking twice is refused", cp.stderr)
    con = mm.db_ro(W.db)
    try:
        rows = con.execute("SELECT actor, action, object FROM audit_log WHERE actor = 'cli:admin-clearance'"
                           " ORDER BY id").fetchall()
    finally:
        con.close()
    acts = [(r[1], r[2]) for r in rows]
    C.check(("clearance.grant", "clearance:%s" % cid) in acts and ("clearance.revoke", "clearance:%s" % cid) in acts
            and ("person.nationality" in [a for a, _ in acts]), "the CLI's changes are audited", str(acts))


def back_to_14(con):
    """Undoes migrations 20 (the contractor list's index), 19 (the audit log's indexes), 18 (read marks per user), 17
    (notifications delivered), 16 (installation plans) and 15
    (org_country's rows moved) as far as a schema-14 database differs: their tables and columns
    gone, their versions unrecorded."""
    con.execute("DROP INDEX notifications_org_id")
    for t in ("notification_read_marks", "notification_reads", "notify_attempts", "notify_outbox", "notify_prefs",
              "install_plan_events", "install_plans", "org_sectors"):
        con.execute("DROP TABLE %s" % t)
    con.execute("DROP INDEX organizations_kind_lname")
    con.execute("DROP INDEX notifications_cause")
    con.execute("DROP INDEX notifications_fanned")
    con.execute("ALTER TABLE notifications DROP COLUMN cause")
    con.execute("ALTER TABLE notifications DROP COLUMN fanned")
    con.execute("DROP INDEX audit_log_action")
    con.execute("DROP INDEX audit_log_actor")
    con.execute("DELETE FROM schema_version WHERE version IN (15, 16, 17, 18, 19, 20)")


def country_migration(C):
    """Migration 15 moves org_country's rows into org_profiles (the gates' country winning where
    both named one) and drops org_country: a schema-14 database made from a fresh one."""
    db = os.path.join(W.T, "m15.db")
    auth, _ = mm.admin_init(db, "root")
    con = mm.db_rw(db)
    # back to schema 14 with the gates' table and one row in it, no profile yet (migration 16,
    # critical infrastructure, is undone too: a real schema-14 database has neither)
    back_to_14(con)
    con.execute("CREATE TABLE org_country (org_id TEXT PRIMARY KEY REFERENCES organizations(id),"
                " country TEXT NOT NULL)")
    con.execute("INSERT INTO org_country (org_id, country) VALUES (?, 'JP')", (auth,))
    con.commit()
    con.close()
    cp = mm.run(["admin", "migrate", "--db", mm.db_url(db)])
    C.check(cp.returncode == 0 and "14 -> 20" in cp.stdout, "admin migrate: 14 -> 20", cp.stdout + cp.stderr)
    con = mm.db_rw(db)
    row = con.execute("SELECT sector, country FROM org_profiles WHERE org_id = ?", (auth,)).fetchone()
    C.check(row is not None and tuple(row) == (None, "JP"), "migration 15: the gates' country in a new profile",
            str(row))
    # again, with a profile naming another country: the gates' one wins, the sector stays
    con.execute("UPDATE org_profiles SET sector = 'aerospace', country = 'US' WHERE org_id = ?", (auth,))
    back_to_14(con)
    con.execute("CREATE TABLE org_country (org_id TEXT PRIMARY KEY REFERENCES organizations(id),"
                " country TEXT NOT NULL)")
    con.execute("INSERT INTO org_country (org_id, country) VALUES (?, 'JP')", (auth,))
    con.commit()
    con.close()
    cp = mm.run(["admin", "migrate", "--db", mm.db_url(db)])
    C.check(cp.returncode == 0 and "14 -> 20" in cp.stdout, "admin migrate again: 14 -> 20", cp.stdout + cp.stderr)
    con = mm.db_ro(db)
    row = con.execute("SELECT sector, country FROM org_profiles WHERE org_id = ?", (auth,)).fetchone()
    tables = [x[0] for x in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    con.close()
    C.check(row is not None and tuple(row) == ("aerospace", "JP"),
            "migration 15: the gates' country wins over the profile's, the sector kept", str(row))
    C.check("org_country" not in tables, "migration 15 drops org_country", str(tables))


def main():
    C = mm.Checker()
    setup(C)
    try:
        matrix(C)
        refusals_audited(C)
        others(C)
        cli(C)
        country_migration(C)
        cp = mm.audit_verify(W.db)
        C.check(cp.returncode == 0, "audit verify: chain intact", cp.stdout + cp.stderr)
        C.check(W.srv.alive(), "server alive at the end")
    finally:
        rc = W.srv.stop()
    C.check(rc == 0, "server exit 0 after SIGTERM", str(rc))
    C.finish()


if __name__ == "__main__":
    mm.need_env()
    main()
