"""A store failure on a dashboard page is a 503 page, never a page with an empty table.

Each page is asked for once while the tables (or a column) it reads are renamed away (between a stop and a
start of the server, so that every pooled connection sees it) (the store then fails
on them: "no such table" / "relation does not exist"), and once after they are back (200).
The sign-in (sessions, users, organizations) stays intact, so the request reaches the page.
The broken answer must be 503, an HTML page, and must not contain the page's data table.
Runs on SQLite, and on PostgreSQL with MM_TEST_DB_URL (test_store_failure_py_pg).

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (as CMake sets them). Standard library only.
"""

import http.client
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
import mmserver as mm  # noqa: E402

C = mm.Checker()


def get(srv, cookie, path):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Accept": "text/html"})
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def rename(db, tables, back=False):
    con = mm.db_rw(db)
    for t in tables:
        if "." in t:  # a column: TABLE.COLUMN (the table itself is read by the sign-in)
            table, col = t.split(".")
            a, b = (col + "_away", col) if back else (col, col + "_away")
            con.execute("ALTER TABLE %s RENAME COLUMN %s TO %s" % (table, a, b))
            continue
        a, b = (t + "_away", t) if back else (t, t + "_away")
        con.execute("ALTER TABLE %s RENAME TO %s" % (a, b))
    con.commit()
    con.close()


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    _, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, os.path.join(T, "serve.log"), ["--threads", "2"]).start()
    mm.activate(srv, "root", otp)
    _, root = mm.logon(srv, "root", mm.GOOD_PASSWORD)
    org = mm.create_org(root, "Hokuto Test K.K.", identifiers={"cage": "1ABC2"})
    alice = mm.make_user(srv, root, org["id"], "alice", "contractor-admin")
    key = os.path.join(T, "alice.key")
    pub, _ = mm.keygen("Hokuto Test K.K.", key)
    mm.expect(mm.register_key(alice, org["id"], pub), 201, "alice's key")
    signed = mm.sign(mm.EXAMPLE_R3, key, os.path.join(T, "a1.signed.json"))
    mm.expect(mm.submit(alice, signed), 201, "a submission")
    mm.expect(alice.post("/api/v1/organizations/%s/products" % org["id"], {"name": "Cam", "model": "C-1"}),
              201, "a product")
    # a designated operator's installation plan (docs/screening.md)
    mm.expect(root.put("/api/v1/organizations/%s/sector" % org["id"],
                       {"sector": "railway", "designated": "2024-05-17", "ministry": "MLIT"}), 200, "designated")
    r = mm.expect(alice.post("/api/v1/organizations/%s/plans" % org["id"],
                             {"operator": org["id"], "sector": "railway",
                              "equipment": {"category": "railway.1", "model": "IXL-1"},
                              "supplier": {"name": "Outside Signal Works"}}), 201, "a plan")
    pid = r.json["id"]
    # the cookies of a signed-in authority user and contractor user
    root_cookie = root.cookie
    alice_cookie = alice.session.cookie
    oid = org["id"]
    # page, who asks, the tables it reads that are taken away, the id of its data table
    pages = [
        ("/overview", root_cookie, ["submission_gaps"], 'id="top-failures"'),
        # the list reads only organizations (the latest submission's copy on its row, schema
        # 5): a column of that copy is taken away, the sign-in's columns stay
        ("/contractors", root_cookie, ["organizations.latest_status"], 'id="contractors"'),
        ("/contractors/%s" % oid, root_cookie, ["submissions"], 'id="submissions"'),
        ("/overdue", root_cookie, ["submission_milestones"], 'id="overdue"'),
        ("/requirements/03.01.01", root_cookie, ["submissions"], 'id="failing-contractors"'),
        ("/incidents", alice_cookie, ["shared_items"], 'id="incidents"'),
        ("/my", alice_cookie, ["submissions"], 'id="my-submissions"'),
        ("/my/tokens", alice_cookie, ["api_tokens"], 'id="tokens"'),
        ("/my/keys", alice_cookie, ["signing_keys"], 'id="keys"'),
        ("/products", alice_cookie, ["product_labels"], 'id="products"'),
        # the alliance map: a contractor's neighbourhood, the authority's whole
        ("/map", alice_cookie, ["supply_edges"], 'id="map"'),
        ("/map", root_cookie, ["org_profiles"], 'id="map"'),
        # installation plans (docs/screening.md): the authority's list
        ("/plans", root_cookie, ["install_plans"], 'id="plans"'),
        # the analyst's views (issue 18): the trend, what changed
        ("/trends", root_cookie, ["submissions"], 'id="trend-table-800-171r2"'),
        ("/changes", root_cookie, ["submissions"], 'id="changes"'),
        # the national picture (docs/screening.md): its sectors' operators
        ("/sectors", root_cookie, ["org_sectors"], 'id="sectors"'),
        # a plan's screening report, and the designations
        ("/plans/%s" % pid, root_cookie, ["install_plan_events"], 'id="findings"'),
        ("/designations", root_cookie, ["org_sectors"], 'id="designations"'),
        # notifications delivered (docs/notifications.md): the list and the preferences
        ("/notifications", alice_cookie, ["notify_prefs"], 'id="notifications"'),
        ("/notifications/preferences", alice_cookie, ["notify_prefs"], 'id="notify-prefs"'),
        # the administration pages (docs/dashboard.md): the organizations, the form, consent
        ("/organizations", root_cookie, ["organizations.latest_status"], 'id="orgs"'),
        ("/organizations/%s/edit" % oid, root_cookie, ["org_profiles"], 'id="org-form"'),
        ("/organizations/%s/consent" % oid, alice_cookie, ["supply_edges"], 'id="prime-consent"'),
        # the audit log (docs/dashboard.md): its rows are joined to their actors' users
        ("/audit", root_cookie, ["users.deleted_login"], 'id="audit"'),
    ]
    for path, cookie, tables, marker in pages:
        # renamed while the server is stopped: every connection of its pool then sees it
        srv.stop()
        rename(db, tables)
        srv.start()
        st, body = get(srv, cookie, path)
        srv.stop()
        rename(db, tables, back=True)
        srv.start()
        C.check(st == 503, "%s with %s gone: 503" % (path, ",".join(tables)),
                "got %d: %s" % (st, mm.short(body)))
        C.check("<html" in body and marker not in body,
                "%s with %s gone: an error page, no data table" % (path, ",".join(tables)),
                mm.short(body))
        st, body = get(srv, cookie, path)
        C.check(st == 200, "%s again with the tables back: 200" % path, "got %d" % st)
    C.check(srv.alive(), "the server is still running")
    srv.stop()
    C.finish()


if __name__ == "__main__":
    main()
