#!/usr/bin/env python3
"""The administration pages of `mamori serve` (docs/dashboard.md "Administration"): the
organizations' list and forms for authority-admins, and an organization's consent page.
What this holds to: a form refused field by field (400, the stored organization unchanged),
the page and the API doing the same action (PUT /api/v1/organizations/{org} and the edit form
change the same row, each with its audit record), and the forbidden cases: an analyst or a
contractor posting the administration forms gets 403 and changes nothing, a contractor
reading another organization's consent page gets 404, a form without its CSRF field is
refused (403) and changes nothing.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402
from test_web import Browser  # noqa: E402

C = mm.Checker()


def org_of(rt, oid):
    r = rt.get("/api/v1/organizations/%s" % oid)
    mm.expect(r, 200, "GET the organization")
    return r.json


def audit_count(rt, oid):
    """the audit records about oid, read from the store's audit table"""
    con = mm.db_ro(rt.db)
    try:
        return con.execute("SELECT count(*) FROM audit_log WHERE object = ?", (oid,)).fetchone()[0]
    finally:
        con.close()


def audit_details(rt, oid, action):
    """the details (parsed) of the audit records of action about oid, oldest first"""
    con = mm.db_ro(rt.db)
    try:
        rows = con.execute("SELECT detail FROM audit_log WHERE object = ? AND action = ? ORDER BY id",
                           (oid, action)).fetchall()
        return [json.loads(d) for (d,) in rows]
    finally:
        con.close()


def sector_of(rt, oid):
    con = mm.db_ro(rt.db)
    try:
        row = con.execute("SELECT sector FROM org_sectors WHERE org_id = ?", (oid,)).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def refuse_sector(db, key):
    """A rule of the stored data that refuses sector key: a store failure the form cannot see."""
    if mm.on_pg():
        sqls = ["ALTER TABLE org_sectors ADD CONSTRAINT sector_refused CHECK (sector <> '%s')" % key]
    else:
        sqls = ["CREATE TRIGGER sector_refused_%s BEFORE %s ON org_sectors WHEN NEW.sector = '%s'"
                " BEGIN SELECT RAISE(ABORT, 'sector_refused: the test refuses %s'); END" % (op, op, key, key)
                for op in ("INSERT", "UPDATE")]
    con = mm.db_rw(db)
    try:
        for sql in sqls:
            con.execute(sql)
        con.commit()
    finally:
        con.close()


def browser(srv, login, lang=None):
    b = Browser(srv, lang)
    r = b.login(login, mm.GOOD_PASSWORD)
    C.check(r.status == 303, "%s logs on through the form" % login, str(r.status))
    return b


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    auth_org, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, os.path.join(T, "serve.log"), ["--threads", "4"]).start()
    try:
        rt = mm.activate(srv, "root", otp)
        rt.db = db
        run(srv, rt, auth_org)
        rc = srv.stop()
        C.check(rc == 0, "exit 0 after SIGTERM", "exit %s" % rc)
        C.check("AddressSanitizer" not in srv.log_text(), "no sanitizer report in the log")
    finally:
        srv.kill()
    C.finish()


def run(srv, rt, auth_org):
    prime = mm.create_org(rt, "Prime K.K.", identifiers={"cage": "1PR17"})["id"]
    sub = mm.create_org(rt, "Sub K.K.", parent_id=prime, identifiers={"cage": "2SB55", "sector": "metal"})["id"]
    other = mm.create_org(rt, "Other K.K.")["id"]
    mm.make_user(srv, rt, auth_org, "ana", "authority-analyst")
    mm.make_user(srv, rt, auth_org, "adm2", "authority-admin")
    sub_adm = mm.make_user(srv, rt, sub, "sub-adm", "contractor-admin")
    mm.make_user(srv, rt, sub, "sub-mem", "contractor-member")
    prime_adm = mm.make_user(srv, rt, prime, "prime-adm", "contractor-admin")
    mm.make_user(srv, rt, other, "oth-adm", "contractor-admin")
    # a supply edge sub -> prime, so that sub has a customer to consent to
    r = prime_adm.post("/api/v1/organizations/%s/suppliers" % prime,
                       {"supplier_id": sub, "contract": "C-1", "clauses": ["dfars-252.204-7012"],
                        "handles": ["cui"]})
    mm.expect(r, 201, "an edge sub -> prime")

    adm = browser(srv, "adm2")
    ana = browser(srv, "ana")
    sadm = browser(srv, "sub-adm")
    smem = browser(srv, "sub-mem")
    oadm = browser(srv, "oth-adm")

    # ---- who sees the pages -------------------------------------------------------------
    r = adm.get("/organizations?q=2SB55")
    C.status(r, 200, "an authority-admin gets /organizations")
    C.check(sub in r.text and prime not in r.text, "the search by CAGE code finds the one organization")
    C.check('id="nav-organizations"' in r.text, "the menu links Organizations for an authority-admin")
    for b, who in ((ana, "an analyst"), (sadm, "a contractor-admin")):
        for path in ("/organizations", "/organizations/new", "/organizations/%s/edit" % sub):
            C.status(b.get(path), 403, "%s gets 403 for GET %s" % (who, path))
        C.check('id="nav-organizations"' not in b.get("/communities").text,
                "no Organizations link in the menu of %s" % who)

    # ---- the forbidden posts: nothing changes ---------------------------------------------
    before = org_of(rt, sub)
    n_audit = audit_count(rt, sub)
    token_page = sadm.get("/organizations/%s/consent" % sub)
    edit = {"name": "Hijacked", "cage": "9ZZ99", "uei": "", "corporate_number": "", "sector": ""}
    for b, page, who in ((sadm, token_page, "a contractor-admin"), (ana, ana.get("/communities"), "an analyst")):
        C.status(b.post("/organizations/%s" % sub, edit, page=page), 403,
                 "%s posting the edit form gets 403" % who)
        C.status(b.post("/organizations", {"name": "Made by %s" % who}, page=page), 403,
                 "%s posting the create form gets 403" % who)
    # a contractor posting another organization's consent: 404 (as the API), its own as a member: 403
    C.status(oadm.post("/organizations/%s/consent" % sub, {"prime_may_see_status": "1"},
                       page=oadm.get("/my/tokens")), 404,
             "another contractor's admin posting the consent form gets 404")
    C.status(oadm.get("/organizations/%s/consent" % sub), 404,
             "another contractor reading the consent page gets 404")
    C.status(smem.post("/organizations/%s/consent" % sub, {"prime_may_see_status": "1"},
                       page=smem.get("/organizations/%s/consent" % sub)), 403,
             "a contractor-member posting the consent form gets 403")
    C.status(adm.post("/organizations/%s/consent" % sub, {"prime_may_see_status": "1"},
                      page=adm.get("/organizations")), 403,
             "the authority posting the consent form gets 403 (the organization decides)")
    # the admin's own forms without the CSRF field, or with a wrong one
    C.status(adm.post("/organizations/%s" % sub, edit, csrf=False), 403, "the edit form without csrf: 403")
    C.status(adm.post("/organizations/%s" % sub, edit, csrf="0" * 64), 403, "the edit form with a wrong csrf: 403")
    C.status(adm.post("/organizations", {"name": "No CSRF K.K."}, csrf=False), 403, "the create form without csrf: 403")
    C.status(sadm.post("/organizations/%s/consent" % sub, {"prime_may_see_status": "1"}, csrf=False), 403,
             "the consent form without csrf: 403")
    C.status(sadm.post("/organizations/%s/supply-consent/%s" % (sub, prime), {"see_status": "1"}, csrf=False),
             403, "the supply consent form without csrf: 403")
    # a community: renaming it is the authority-admin's
    comm = rt.post("/api/v1/communities", {"name": "Castings", "description": "d"}).json["id"]
    C.status(ana.post("/communities/%s" % comm, {"name": "Renamed", "description": ""}, page=ana.get("/communities")),
             403, "an analyst posting the community rename gets 403")
    C.status(sadm.post("/communities/%s" % comm, {"name": "Renamed", "description": ""}, page=token_page),
             403, "a contractor posting the community rename gets 403")
    C.status(adm.post("/communities/%s" % comm, {"name": "Renamed", "description": ""}, csrf=False), 403,
             "the community rename without csrf: 403")
    C.status(sub_adm.put("/api/v1/communities/%s" % comm, {"name": "Renamed"}), 403,
             "the API's rename: a contractor gets 403")
    cm = [c for c in rt.get("/api/v1/communities").json["items"] if c["id"] == comm]
    C.check(cm and cm[0]["name"] == "Castings" and cm[0]["description"] == "d", "the community is unchanged", str(cm))
    r = adm.post("/communities/%s" % comm, {"name": "Castings and forgings", "description": "metal parts"},
                 page=adm.get("/communities"))
    C.status(r, 200, "an authority-admin renames the community")
    cm = [c for c in rt.get("/api/v1/communities").json["items"] if c["id"] == comm]
    C.check(cm and cm[0]["name"] == "Castings and forgings" and cm[0]["description"] == "metal parts",
            "the API shows the new name and description", str(cm))
    rt.post("/api/v1/communities", {"name": "Taken"})
    r = rt.put("/api/v1/communities/%s" % comm, {"name": "Taken"})
    C.status(r, 409, "the API's rename to a name taken: 409")
    C.status(rt.put("/api/v1/communities/00000000-0000-4000-8000-000000000000", {"name": "X"}), 404,
             "the API's rename of an unknown community: 404")

    after = org_of(rt, sub)
    C.check(after == before, "the refused posts changed nothing", "%r\n%r" % (before, after))
    C.check(audit_count(rt, sub) == n_audit, "the refused posts wrote no audit record")
    names = [o["name"] for o in rt.get("/api/v1/contractors?q=K.K.&per_page=100").json["items"]]
    C.check(not any(n.startswith(("Made by", "No CSRF")) for n in names), "no organization was created", str(names))

    # ---- the edit form: per-field errors, data intact ----------------------------------------
    page = adm.get("/organizations/%s/edit" % sub)
    C.status(page, 200, "the edit form")
    C.check('id="legacy-sector"' in page.text and "metal" in page.text,
            "the identifiers' free-text sector is shown as a legacy note")
    bad = {"name": "", "cage": "12ab", "uei": "TOO-SHORT", "corporate_number": "12345", "sector": "no-such"}
    r = adm.post("/organizations/%s" % sub, bad, page=page)
    C.status(r, 400, "a bad form: 400")
    for f in ("name", "cage", "uei", "corporate_number", "sector"):
        C.check('id="err-%s"' % f in r.text and bool(re.search(r'id="f-%s"[^>]*aria-invalid="true"' % f, r.text)),
                "the message beside the field %s" % f)
    C.check('value="12ab"' in r.text, "the form keeps what was typed")
    C.check(org_of(rt, sub) == before, "the refused form changed nothing")
    r = adm.post("/organizations/%s" % sub, {"name": "Sub Renamed K.K.", "cage": "3SB77", "uei": "JX4MZ1KT5Q87",
                                             "corporate_number": "4010401099999", "sector": "railway"}, page=page)
    C.check(r.status == 303 and r.header("Location", "").endswith("/edit?saved=1"), "a good form: 303 to the form",
            "%s %s" % (r.status, r.header("Location")))
    o = org_of(rt, sub)
    C.check(o["name"] == "Sub Renamed K.K." and o["identifiers"] == {
        "cage": "3SB77", "uei": "JX4MZ1KT5Q87", "corporate-number": "4010401099999", "sector": "metal"},
        "the API shows the new name and identifiers, the other keys kept", str(o))
    page = adm.get("/organizations/%s/edit" % sub)
    # the sector by the name the data gives (content/screening/espa-sectors.json), never its key
    # alone nor a name mamori made up: railway has only an English label, telecommunications
    # the Act's Japanese one
    C.check(re.search(r'<option value="railway" selected>railroad transport / Railroad</option>', page.text),
            "the form shows the sector chosen, by the data's English label")
    ja = browser(srv, "adm2", "ja")
    page = ja.get("/organizations/%s/edit" % sub)
    opts = dict(re.findall(r'<option value="([a-z-]+)"[^>]*>([^<]*)</option>', page.text))
    C.check(opts.get("telecommunications") == "電気通信事業" and opts.get("water") == "水道事業及び水道用水供給事業"
            and opts.get("railway") == "railroad transport / Railroad",
            "the Japanese form: the data's Japanese label where it has one, else its English one", str(opts))
    C.check(len(opts) == 15 and not any(k == v for k, v in opts.items()),
            "no sector option shows its key alone", str(opts))
    page = ja.get("/designations")
    C.status(page, 200, "the designations' page in Japanese")
    row = re.search(r'<tr data-org="%s"[^>]*>(.*?)</tr>' % sub, page.text, re.S)
    C.check(row and '<td><span lang="en">railroad transport / Railroad</span></td>' in row.group(1)
            and ">railway<" not in row.group(1),
            "the designations' table: the data's English label marked lang=en on a Japanese page, not the key",
            row.group(0) if row else page.text[:300])
    opts = dict(re.findall(r'<option value="([a-z-]+)">([^<]*)</option>', page.text))
    C.check(opts.get("postal") == "郵便事業" and len(opts) == 15, "the designation form's sectors as the data names them",
            str(opts))
    # the API's action: the same function
    r = rt.put("/api/v1/organizations/%s" % sub, {"identifiers": {"uei": "", "cage": "bad"}})
    C.check(r.status == 400 and "$.identifiers.cage" in (r.error_message() or ""), "the API refuses a bad CAGE code, naming it",
            "%s %s" % (r.status, r.text[:200]))
    r = rt.put("/api/v1/organizations/%s" % sub, {"identifiers": {"uei": ""}})
    C.status(r, 200, "PUT /api/v1/organizations/{org} removes an identifier")
    C.check("uei" not in r.json["identifiers"] and r.json["identifiers"]["cage"] == "3SB77", "only that one")
    # the list's sector filter offers the sector an edit gave (its choices are cached until the
    # contractors or their identifiers change)
    sector_opts = lambda: re.findall(r'<select[^>]*name="sector".*?</select>', adm.get("/contractors").text, re.S)
    C.check(sector_opts() and 'value="forging"' not in sector_opts()[0], "the sector filter before the edit")
    C.status(rt.put("/api/v1/organizations/%s" % sub, {"identifiers": {"sector": "forging"}}), 200,
             "PUT sets the identifiers' sector")
    C.check(sector_opts() and 'value="forging"' in sector_opts()[0],
            "the contractor list's sector filter offers the edited sector at once", str(sector_opts())[:300])
    C.status(rt.put("/api/v1/organizations/%s" % sub, {"identifiers": {"sector": "metal"}}), 200,
             "and back")
    C.status(sub_adm.put("/api/v1/organizations/%s" % sub, {"name": "X"}), 403, "the API: a contractor gets 403")
    C.status(rt.put("/api/v1/organizations/00000000-0000-4000-8000-000000000000", {"name": "X"}), 404,
             "the API: an unknown organization 404")

    # ---- one edit, one transaction, audited once with what changed ------------------------
    refuse_sector(rt.db, "water")
    before, n_audit = org_of(rt, sub), audit_count(rt, sub)
    C.check(sector_of(rt, sub) == "railway", "the sector before", str(sector_of(rt, sub)))
    page = adm.get("/organizations/%s/edit" % sub)
    r = adm.post("/organizations/%s" % sub, {"name": "Half Saved K.K.", "cage": "5HS01", "uei": "",
                                             "corporate_number": "", "sector": "water"}, page=page)
    C.check(r.status >= 400 and "Half Saved" not in r.header("Location", ""),
            "a sector the store refuses: the edit fails", "%s" % r.status)
    C.check(org_of(rt, sub) == before, "a failing sector write leaves name and identifiers unchanged",
            "%r\n%r" % (before, org_of(rt, sub)))
    C.check(sector_of(rt, sub) == "railway", "and the sector", str(sector_of(rt, sub)))
    C.check(audit_count(rt, sub) == n_audit, "and writes no audit record")
    edit = {"name": "Sub Edited K.K.", "cage": "6SE02", "uei": "", "corporate_number": "", "sector": "gas"}
    r = adm.post("/organizations/%s" % sub, edit, page=page)
    C.check(r.status == 303 and r.header("Location", "").endswith("/edit?saved=1"), "name, CAGE code and sector: saved",
            "%s %s" % (r.status, r.header("Location")))
    o = org_of(rt, sub)
    C.check(o["name"] == "Sub Edited K.K." and o["identifiers"]["cage"] == "6SE02" and sector_of(rt, sub) == "gas",
            "all three written", str(o))
    C.check(audit_count(rt, sub) == n_audit + 1, "one audit record for the edit",
            "%d -> %d" % (n_audit, audit_count(rt, sub)))
    last = audit_details(rt, sub, "organization.update")[-1]
    C.check(last == {"changed": {"name": "Sub Edited K.K.", "cage": "6SE02", "corporate-number": "", "sector": "gas"}},
            "it names what changed, the sector with the rest", str(last))
    r = rt.get("/api/v1/audit?action=organization.update")
    C.check(r.status == 200 and any(i.get("object") == sub for i in (r.json or {}).get("items", [])),
            "the audit log's API filters by organization.update", "%s %s" % (r.status, r.text[:200]))
    # ---- an edit that changes nothing writes nothing -----------------------------------------
    n_audit = audit_count(rt, sub)
    r = adm.post("/organizations/%s" % sub, edit, page=adm.get("/organizations/%s/edit" % sub))
    C.check(r.status == 303 and r.header("Location", "").endswith("/edit?saved=0"), "the same form again: 303",
            "%s %s" % (r.status, r.header("Location")))
    page = adm.get(r.header("Location", "/"))
    C.check('id="org-result"' in page.text and "No changes" in page.text and "Saved." not in page.text,
            "the page says No changes")
    C.check(audit_count(rt, sub) == n_audit, "no audit record for an edit that changes nothing",
            "%d -> %d" % (n_audit, audit_count(rt, sub)))
    o = org_of(rt, sub)
    r = rt.put("/api/v1/organizations/%s" % sub, {"name": o["name"], "identifiers": {"cage": "6SE02", "uei": ""}})
    same = r.json and all(r.json.get(k) == o[k] for k in ("id", "name", "identifiers", "parent_id"))
    C.check(r.status == 200 and same, "the API: the same name and identifiers, 200 with the organization unchanged",
            "%s %s" % (r.status, r.text[:200]))
    C.check(audit_count(rt, sub) == n_audit, "and no audit record")
    r = rt.put("/api/v1/organizations/%s" % sub, {"name": "Sub K.K."})
    C.check(r.status == 200 and audit_details(rt, sub, "organization.update")[-1] == {"changed": {"name": "Sub K.K."}},
            "a rename through the API: one record naming it")

    # ---- the list: searched and paged ------------------------------------------------------------
    for i in range(55):
        mm.create_org(rt, "Paged Works %02d" % i)
    r = adm.get("/organizations?q=paged+works")
    C.check(r.text.count("<tr data-org-id=") == 50, "the first page: 50 rows", str(r.text.count("<tr data-org-id=")))
    C.check('rel="next" href="/organizations?page=2&amp;q=paged%20works"' in r.text, "the next page keeps the search")
    C.check(">55 organizations<" in r.text, "the count of the search", mm.short(r.text, 100))
    r = adm.get("/organizations?page=2&q=paged+works")
    C.check(r.text.count("<tr data-org-id=") == 5 and "Paged Works 54" in r.text, "the second page: the last 5")
    C.status(adm.get("/organizations?page=0"), 400, "a page number out of range: 400")

    # ---- the create form --------------------------------------------------------------------
    page = adm.get("/organizations/new")
    r = adm.post("/organizations", {"name": "New Co.", "cage": "ABCDEF", "uei": "", "corporate_number": "",
                                    "sector": ""}, page=page)
    C.status(r, 400, "the create form with a bad CAGE code: 400")
    C.check('id="err-cage"' in r.text, "the message beside the CAGE code")
    r = adm.post("/organizations", {"name": "New Co.", "cage": "4NC01", "uei": "", "corporate_number": "",
                                    "sector": "electricity"}, page=page)
    C.status(r, 303, "the create form: 303")
    m = re.search(r"/organizations/([0-9a-f-]{36})/edit", r.header("Location", ""))
    C.check(m, "to the new organization's form")
    if m:
        o = org_of(rt, m.group(1))
        C.check(o["name"] == "New Co." and o["identifiers"] == {"cage": "4NC01"} and o["kind"] == "contractor",
                "the API shows the new organization", str(o))

    # ---- the community's member picker: found by name or identifier, no JavaScript ---------
    pk = rt.post("/api/v1/communities", {"name": "Picker test"}).json["id"]
    mm.expect(rt.post("/api/v1/communities/%s/members" % pk, {"org_id": prime}), 201, "prime is a member")
    page = adm.get("/communities")
    C.check('action="/communities/%s/add"' % pk in page.text and 'name="org_id"' not in page.text,
            "the communities page has a search form per community, no field for a typed id")
    for b, who in ((ana, "an analyst"), (sadm, "a contractor-admin")):
        C.status(b.get("/communities/%s/add?q=K.K." % pk), 403, "%s gets 403 for the picker" % who)
    C.status(adm.get("/communities/00000000-0000-4000-8000-000000000000/add?q=x"), 404, "an unknown community: 404")
    r = adm.get("/communities/%s/add" % pk)
    C.status(r, 200, "the picker without a search")
    C.check('id="member-q"' in r.text and 'id="member-candidates"' not in r.text, "a search field, no list yet")
    r = adm.get("/communities/%s/add?q=k.k." % pk)
    rows = re.findall(r'<tr data-org-id="([0-9a-f-]{36})"', r.text)
    C.check(sub in rows and other in rows and prime not in rows,
            "a search by a part of the name lists the organizations, not the current member", str(rows))
    C.check(len(re.findall(r'<form method="post" class="add-candidate"', r.text)) == len(rows)
            and r.text.count('name="csrf"') >= len(rows), "an Add form with its CSRF field per organization")
    C.check('id="candidates-more"' not in r.text, "all found are shown: no note of more")
    r = adm.get("/communities/%s/add?q=paged+works" % pk)
    C.check(r.text.count("<tr data-org-id=") == 20 and 'id="candidates-more"' in r.text,
            "55 found: the first 20 by name and a note to refine the search", str(r.text.count("<tr data-org-id=")))
    r = adm.get("/communities/%s/add?q=6se02" % pk)
    rows = re.findall(r'<tr data-org-id="([0-9a-f-]{36})"', r.text)
    C.check(rows == [sub], "a search by CAGE code finds the one organization", str(rows))
    r = adm.get("/communities/%s/add?q=%s" % (pk, other))
    C.check(re.findall(r'<tr data-org-id="([0-9a-f-]{36})"', r.text) == [other], "a search by id finds it")
    r = adm.get("/communities/%s/add?q=Prime" % pk)
    C.check('id="no-candidates"' in r.text, "the member only: none to add", mm.short(r.text, 200))
    C.status(adm.post("/communities/%s/members" % pk, {"org_id": sub, "q": "6se02"}, csrf=False), 403,
             "the Add form without csrf: 403")
    C.status(ana.post("/communities/%s/members" % pk, {"org_id": sub, "q": "6se02"}, page=ana.get("/communities")),
             403, "an analyst posting the Add form: 403")
    members = lambda: [c for c in rt.get("/api/v1/communities").json["items"] if c["id"] == pk][0]["members"]
    C.check(sorted(members()) == [prime], "nothing was added", str(members()))
    page = adm.get("/communities/%s/add?q=6se02" % pk)
    r = adm.post("/communities/%s/members" % pk, {"org_id": sub, "q": "6se02"}, page=page)
    C.status(r, 200, "Add: 200")
    C.check('id="community-result"' in r.text and 'id="no-candidates"' in r.text and 'value="6se02"' in r.text,
            "the picker again, the search kept, the new member no longer listed")
    C.check(sorted(members()) == sorted([prime, sub]), "the API shows the new member", str(members()))
    r = adm.post("/communities/%s/members" % pk, {"org_id": sub, "q": "6se02"}, page=page)
    C.check(r.status == 409 and 'role="alert"' in r.text, "added twice: 409 on the picker, with the message",
            str(r.status))

    # ---- the consent page ---------------------------------------------------------------------
    r = ana.get("/organizations/%s/consent" % sub)
    C.status(r, 200, "an analyst reads the consent page")
    C.check('id="consent-readonly"' in r.text and "<form" not in r.text.split("<main", 1)[-1].split("</main>")[0],
            "read only for the authority: no form")
    page = sadm.get("/organizations/%s/consent" % sub)
    C.check('id="nav-consent"' in page.text, "the menu links Consent for a contractor")
    C.check('id="prime-consent-form"' in page.text, "the contractor-admin gets the forms")
    r = sadm.post("/organizations/%s/consent" % sub, {"prime_may_see_status": "1"}, page=page)
    C.status(r, 200, "granting the prime's consent")
    C.check(org_of(rt, sub)["prime_consent"] is True, "the API shows the prime's consent")
    r = sadm.post("/organizations/%s/supply-consent/%s" % (sub, prime), {"see_status": "1", "pass_up": "1"}, page=r)
    C.status(r, 200, "granting the customer's consent")
    cu = rt.get("/api/v1/organizations/%s/customers" % sub).json["items"]
    C.check(cu and cu[0]["consent"] is True and cu[0]["pass_up"] is True, "the API shows the consent with pass_up", str(cu))
    r = sadm.post("/organizations/%s/supply-consent/%s" % (sub, prime), {"see_status": "0"}, page=r)
    C.status(r, 200, "withdrawing it")
    cu = rt.get("/api/v1/organizations/%s/customers" % sub).json["items"]
    C.check(cu and cu[0]["consent"] is False, "the API shows it withdrawn", str(cu))
    C.status(sadm.post("/organizations/%s/supply-consent/%s" % (sub, other), {"see_status": "1"}, page=r), 404,
             "a consent towards an organization that is no customer: 404")


if __name__ == "__main__":
    main()
