#!/usr/bin/env python3
"""TAXII 2.1 through the real server (docs/taxii.md), with a client written from the
standard (taxii_client.py; the OASIS python client taxii2-client is not installable here:
PyPI is not reachable).

What a TAXII client relies on, each asserted:
- discovery, the API root, the collections (one per TLP label, one per community the
  caller's organization belongs to) with the members the standard requires;
- media types: Accept other than application/taxii+json[;version=2.1] is 406, a POST in
  another Content-Type 415; every answer, errors included, is application/taxii+json;
  version=2.1 and errors are TAXII error messages (title, description, http_status);
- credentials: Basic (the logon check: a wrong password counts toward the lockout, the
  account locks, 423) and Bearer tokens; none is 401 with WWW-Authenticate: Basic;
- the same read decision as the API: for every caller, the reports in the collections are
  exactly those of the items GET /api/v1/items shows, through their STIX export; a RED
  item's objects are 404 to anyone else;
- filters: added_after, match[type], match[id], match[version] (first, last, all, a
  timestamp), match[spec_version]; limit and paging with next / more and the
  X-TAXII-Date-Added-First/Last headers; manifest and versions agree with the objects;
- Add Objects: an envelope shaped after the standard's examples -> 202 status resource,
  readable again by its poster only; the items are stored through the STIX import, at least
  the collection's label, marked as imported via taxii, audited; a refused envelope stores
  nothing and its status lists the failures; AMBER reads are audited via taxii, and the
  audit chain verifies.

On SQLite, and on PostgreSQL as test_taxii_py_pg (MM_TEST_DB_URL). Env: MAMORI,
MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402
import taxii_client as tx  # noqa: E402

MEDIA = tx.MEDIA
ROOT = "/taxii2/api/"
TLP_AMBER_ID = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"


class W:
    pass


def setup(C):
    W.T = mm.fresh_tmp()
    W.db = os.path.join(W.T, "mamori.db")
    _, otp = mm.admin_init(W.db, "root")
    W.srv = mm.Server(W.db, os.path.join(W.T, "serve.log"),
                      ["--threads", "2", "--lockout-attempts", "3"]).start()
    W.base = "http://127.0.0.1:%d" % W.srv.port
    root_s = mm.activate(W.srv, "root", otp)
    W.root = mm.token_client(W.srv, root_s, "taxii-root")
    W.a = mm.create_org(W.root, "Sharer Corp")["id"]
    W.b = mm.create_org(W.root, "Partner KK")["id"]
    W.c = mm.create_org(W.root, "Outsider Inc")["id"]
    W.ua = mm.make_user(W.srv, W.root, W.a, "tx-a", "contractor-member")
    W.ub = mm.make_user(W.srv, W.root, W.b, "tx-b", "contractor-member")
    W.uc = mm.make_user(W.srv, W.root, W.c, "tx-c", "contractor-member")
    W.lockme = mm.make_user(W.srv, W.root, W.c, "tx-lock", "contractor-member")
    r = W.root.post("/api/v1/communities", {"name": "JP-US ISAC", "description": "t"})
    C.status(r, 201, "community")
    W.comm = r.json["id"]
    C.status(W.root.post("/api/v1/communities/%s/members" % W.comm, {"org_id": W.a}), 201, "A joins")
    C.status(W.root.post("/api/v1/communities/%s/members" % W.comm, {"org_id": W.b}), 201, "B joins")
    W.items = {}

    def item(key, body):
        r = W.ua.post("/api/v1/items", body)
        C.status(r, 201, "item %s" % key)
        W.items[key] = r.json["id"]
        time.sleep(1.1)  # distinct seconds: date_added orders them

    ind = [{"type": "domain-name", "value": "update-check.example"},
           {"type": "ipv4-addr", "value": "198.51.100.7"}]
    item("clear", {"title": "Clear advisory", "tlp": "TLP:CLEAR", "indicators": ind})
    item("green", {"title": "ISAC note", "tlp": "TLP:GREEN", "community": W.comm,
                   "indicators": [{"type": "url", "value": "http://bad.example/x"}]})
    item("amber", {"title": "Amber to B", "tlp": "TLP:AMBER", "recipients": {"orgs": [W.b]},
                   "indicators": [{"type": "domain-name", "value": "amber.example"}]})
    item("strict", {"title": "Strict to B", "tlp": "TLP:AMBER+STRICT",
                    "recipients": {"orgs": [W.b]}})
    item("red", {"title": "Red to tx-b", "tlp": "TLP:RED", "recipients": {"users": ["tx-b"]}})


def client(u, basic=False):
    if basic:
        return tx.TaxiiClient(W.base, user=u.login, password=mm.GOOD_PASSWORD)
    return tx.TaxiiClient(W.base, token=u.token)


def expect_error(C, fn, status, name):
    try:
        fn()
        C.check(False, name, "no error")
    except tx.TaxiiError as e:
        ok = (e.status == status and e.body.get("http_status") == str(status)
              and isinstance(e.body.get("title"), str) and "description" in e.body)
        C.check(ok, name, "%s %s" % (e.status, e.body))
        return e
    except tx.ProtocolError as e:
        C.check(False, name, "protocol: %s" % e)


def collections_by_alias(cl):
    return {c.get("alias", c["id"]): c for c in cl}


def discovery_and_media(C):
    anon = tx.TaxiiClient(W.base)
    e = expect_error(C, anon.discovery, 401, "discovery without credentials: 401 TAXII error")
    C.check(e is not None and e.headers.get("www-authenticate", "").startswith("Basic"),
            "401 asks for Basic credentials")
    ta = client(W.ua, basic=True)
    d = ta.discovery()
    C.check(d.get("api_roots") == [ROOT] and d.get("default") == ROOT, "discovery: one API root", str(d))
    roots = ta.api_roots()
    C.check(roots == [W.base + ROOT], "api_roots resolve against the discovery URL", str(roots))
    r = ta.api_root(ROOT)
    C.check(r["versions"] == [MEDIA] and isinstance(r["max_content_length"], int)
            and r["max_content_length"] > 0, "API root: versions and max_content_length", str(r))
    # media types: 406 on Accept, 415 on Content-Type
    for acc in ("application/json", "application/taxii+json;version=2.0", "*/*", None,
                "application/stix+json;version=2.1"):
        a = ta.raw("GET", "/taxii2/", accept=acc)
        C.check(a.status == 406 and a.headers.get("content-type") == MEDIA
                and (a.json or {}).get("http_status") == "406", "Accept %r: 406 TAXII error" % acc,
                "%s %s" % (a.status, a.json))
    for acc in ("application/taxii+json", "application/taxii+json; version=2.1",
                "text/html, application/taxii+json;version=2.1"):
        a = ta.raw("GET", "/taxii2/", accept=acc)
        C.check(a.status == 200, "Accept %r: 200" % acc, str(a.status))
    amber = label_collection(ta, "tlp-amber")
    a = ta.raw("POST", "%scollections/%s/objects/" % (ROOT, amber), {"objects": []},
               content_type="application/json")
    C.check(a.status == 415 and (a.json or {}).get("http_status") == "415",
            "POST as application/json: 415 TAXII error", "%s %s" % (a.status, a.json))
    expect_error(C, lambda: ta.collection(ROOT, "00000000-0000-4000-8000-000000000000"), 404,
                 "an unknown collection: 404")
    a = ta.raw("GET", "/taxii2/nothing-here/")
    C.check(a.status == 404 and a.headers.get("content-type") == MEDIA, "an unknown TAXII path: 404 TAXII error")
    a = ta.raw("DELETE", ROOT)
    C.check(a.status == 405 and (a.json or {}).get("http_status") == "405", "DELETE on the root: 405")


def label_collection(t, alias):
    return collections_by_alias(t.collections(ROOT))[alias]["id"]


def basic_and_lockout(C):
    good = client(W.lockme, basic=True)
    C.check(good.discovery().get("title"), "Basic with the right password")
    tok = client(W.lockme)
    C.check(tok.discovery().get("title"), "Bearer token")
    bad = tx.TaxiiClient(W.base, user=W.lockme.login, password="wrong password 123")
    statuses = []
    for _ in range(3):
        a = bad.raw("GET", "/taxii2/")
        statuses.append(a.status)
    C.check(statuses[:2] == [401, 401] and statuses[2] == 423,
            "wrong Basic passwords count toward the lockout: 401, 401, then 423", str(statuses))
    a = good.raw("GET", "/taxii2/")
    C.check(a.status == 423 and a.headers.get("retry-after"), "locked: even the right password is 423",
            "%s %s" % (a.status, a.json))
    junk = tx.TaxiiClient(W.base)
    junk.auth = "Basic %%%"
    a = junk.raw("GET", "/taxii2/")
    C.check(a.status == 401, "malformed Basic credentials: 401", str(a.status))
    rows = mm.db_ro(W.db).execute(
        "SELECT count(*) FROM audit_log WHERE action = 'account.locked'").fetchone()
    C.check(rows[0] >= 1, "the lockout is audited")


def report_ids_via_api(u):
    """The STIX report ids of every item GET /api/v1/items shows u."""
    r = u.get("/api/v1/items?per_page=1000")
    out = set()
    for it in r.json["items"]:
        b = u.get("/api/v1/items/%s/stix" % it["id"]).json
        out |= {o["id"] for o in b["objects"] if o["type"] in ("report", "incident")}
    return out


def same_as_api(C):
    for name, u in (("A", W.ua), ("B", W.ub), ("C", W.uc), ("authority", W.root)):
        t = client(u)
        seen = set()
        for col in t.collections(ROOT):
            objs, _ = t.all_pages(ROOT, col["id"], limit=3)
            seen |= {o["id"] for o in objs if o["type"] in ("report", "incident")}
        want = report_ids_via_api(u)
        C.check(seen == want and len(want) > 0 or (name == "authority" and seen == want),
                "%s: TAXII shows exactly the API's items" % name,
                "taxii %s api %s" % (sorted(seen), sorted(want)))
    # the counts per caller, from the rules (docs/sharing.md)
    want_n = {"A": 5, "B": 5, "C": 1}
    for name, u in (("A", W.ua), ("B", W.ub), ("C", W.uc)):
        n = len(report_ids_via_api(u))
        C.check(n == want_n[name], "%s reads %d items" % (name, want_n[name]), str(n))
    # collections: five labels; the community only for its members
    ca = collections_by_alias(client(W.ua).collections(ROOT))
    cc = collections_by_alias(client(W.uc).collections(ROOT))
    labels = {"tlp-clear", "tlp-green", "tlp-amber", "tlp-amber-strict", "tlp-red"}
    C.check(labels <= set(ca) and W.comm in ca and not ca[W.comm]["can_write"],
            "A: the five labels and its community (read only)", str(sorted(ca)))
    C.check(labels <= set(cc) and W.comm not in cc, "C: no community collection", str(sorted(cc)))
    C.check(all(ca[k]["id"] == cc[k]["id"] for k in labels), "label collection ids are the same for everyone")
    C.check(all(ca[k]["media_types"] == ["application/stix+json;version=2.1"] for k in labels),
            "collections hold STIX 2.1")
    # a RED item's objects: 404 to C even by id, in the RED collection
    red = ca["tlp-red"]["id"]
    objs, _ = client(W.ub).all_pages(ROOT, red)
    rep = [o for o in objs if o["type"] == "report"]
    C.check(len(rep) == 1, "B reads the RED report it is named on", str(len(rep)))
    if rep:
        expect_error(C, lambda: client(W.uc).get_object(ROOT, red, rep[0]["id"]), 404,
                     "C: the RED report by id is 404")
        a = client(W.ub).get_object(ROOT, red, rep[0]["id"])
        C.check(a.json["objects"][0]["id"] == rep[0]["id"], "B: the RED report by id")
    # the community collection holds the GREEN community item for B
    objs, _ = client(W.ub).all_pages(ROOT, W.comm)
    C.check([o["name"] for o in objs if o["type"] == "report"] == ["ISAC note"],
            "the community collection holds the community's item")


def filters_and_paging(C):
    t = client(W.ua)
    col = label_collection(t, "tlp-clear")
    allobj, pages = t.all_pages(ROOT, col)
    C.check(len(pages) == 1 and "more" in pages[0].json and pages[0].json["more"] is False,
            "one page: more is false")
    types = sorted({o["type"] for o in allobj})
    C.check({"report", "indicator", "marking-definition", "identity"} <= set(types),
            "the CLEAR collection: report, indicators, marking, identity", str(types))
    ind = t.objects_page(ROOT, col, **{"match[type]": "indicator"}).json["objects"]
    C.check(len(ind) == 2 and all(o["type"] == "indicator" for o in ind), "match[type]=indicator", str(len(ind)))
    two = t.objects_page(ROOT, col, **{"match[type]": "indicator,report"}).json["objects"]
    C.check(len(two) == 3, "match[type] with two values", str(len(two)))
    one = t.objects_page(ROOT, col, **{"match[id]": ind[0]["id"]}).json["objects"]
    C.check([o["id"] for o in one] == [ind[0]["id"]], "match[id]")
    for v in ("first", "last", "all", ind[0]["modified"], "first,last"):
        got = t.objects_page(ROOT, col, **{"match[id]": ind[0]["id"], "match[version]": v}).json
        C.check(len(got.get("objects", [])) == 1, "match[version]=%s" % v, str(got))
    got = t.objects_page(ROOT, col, **{"match[version]": "2000-01-01T00:00:00.000Z"}).json
    C.check(got == {}, "match[version] of a version that is not there: an empty envelope", str(got))
    got = t.objects_page(ROOT, col, **{"match[spec_version]": "2.0"}).json
    C.check(got == {}, "match[spec_version]=2.0: nothing", str(got))
    got = t.objects_page(ROOT, col, **{"match[spec_version]": "2.0,2.1"}).json
    C.check(len(got.get("objects", [])) == len(allobj), "match[spec_version]=2.0,2.1: all")
    # paging: limit 2, next, more, the headers
    paged, pages = t.all_pages(ROOT, col, limit=2)
    C.check([o["id"] for o in paged] == [o["id"] for o in allobj], "paging by 2 gives the same objects in order")
    C.check(all(len(p.json["objects"]) <= 2 for p in pages) and pages[0].json["more"] is True
            and pages[-1].json["more"] is False, "pages of at most 2; more until the last")
    man, mpages = t.all_pages(ROOT, col, what="manifest")
    C.check([m["id"] for m in man] == [o["id"] for o in allobj], "the manifest lists the objects in order")
    C.check(all(set(m) == {"id", "date_added", "version", "media_type"} and
                m["media_type"] == "application/stix+json;version=2.1" for m in man), "manifest entries")
    h = pages[0].headers
    C.check(h.get("x-taxii-date-added-first") == man[0]["date_added"]
            and h.get("x-taxii-date-added-last") == man[1]["date_added"],
            "X-TAXII-Date-Added-First/Last of the first page", str(h))
    for bad in ({"limit": "0"}, {"limit": "x"}, {"limit": "1001"}, {"added_after": "yesterday"},
                {"match[version]": "newest"}, {"next": "-1"}):
        expect_error(C, lambda: t.objects_page(ROOT, col, **bad), 400, "400 for %s" % bad)
    # added_after: objects added after the CLEAR item's time: none in CLEAR; in the whole
    # of AMBER (added later) the same filter keeps them
    last = man[-1]["date_added"]
    got = t.objects_page(ROOT, col, added_after=last).json
    C.check(got == {}, "added_after the last date_added: nothing", str(got))
    earlier = "2000-01-01T00:00:00Z"
    got = t.objects_page(ROOT, col, added_after=earlier).json
    C.check(len(got.get("objects", [])) == len(allobj), "added_after long ago: everything")
    amber = label_collection(t, "tlp-amber")
    got = t.objects_page(ROOT, amber, added_after=last).json
    C.check(any(o["type"] == "report" and o["name"] == "Amber to B" for o in got.get("objects", [])),
            "added_after the CLEAR item keeps the later AMBER item", str(got))
    # versions
    v = t.versions(ROOT, col, ind[0]["id"]).json
    C.check(v == {"more": False, "versions": [ind[0]["modified"]]}, "versions of an indicator", str(v))
    expect_error(C, lambda: t.versions(ROOT, col, "indicator--00000000-0000-4000-8000-000000000000"),
                 404, "versions of an unknown object: 404")


# An envelope shaped after the standard's examples (sections 3.7, 5.5): an indicator of a
# file hash and the report that names it, marked TLP:AMBER (TLP 2.0 marking-definition).
def example_envelope(name):
    ind = {"type": "indicator", "spec_version": "2.1",
           "id": "indicator--252c7c11-daf2-42bd-843b-be65edca9f61",
           "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
           "indicator_types": ["malicious-activity"], "name": "Poison Ivy Malware",
           "pattern": "[ file:hashes.'SHA-256' = "
                      "'4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877' ]",
           "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z",
           "object_marking_refs": [TLP_AMBER_ID]}
    rep = {"type": "report", "spec_version": "2.1",
           "id": "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
           "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
           "name": name, "published": "2016-04-06T20:03:48.000Z",
           "object_refs": [ind["id"]], "object_marking_refs": [TLP_AMBER_ID]}
    return {"objects": [ind, rep]}


def add_objects(C):
    t = client(W.ub, basic=True)
    amber = label_collection(t, "tlp-amber")
    before = mm.table_counts(W.db)
    a = t.add_objects(ROOT, amber, example_envelope("Poison Ivy via TAXII"))
    s = a.json
    C.check(a.status == 202 and s["status"] == "complete" and s["total_count"] == 2
            and s["success_count"] == 2 and s["failure_count"] == 0,
            "Add Objects: 202 and a complete status", str(s))
    C.check({x["id"] for x in s.get("successes", [])} ==
            {"indicator--252c7c11-daf2-42bd-843b-be65edca9f61",
             "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3"}
            and all(x["version"] == "2016-04-06T20:03:48.000Z" for x in s["successes"]),
            "the status names each object and version")
    C.check(t.status(ROOT, s["id"]) == s, "GET status gives the same status again")
    expect_error(C, lambda: client(W.uc).status(ROOT, s["id"]), 404, "another user's status: 404")
    mine = [i for i in W.ub.get("/api/v1/items?q=Poison").json["items"]]
    C.check(len(mine) == 1 and mine[0]["tlp"] == "TLP:AMBER"
            and mine[0]["body"]["imported"]["via"] == "taxii"
            and mine[0]["originator_org"] == W.b, "stored as B's AMBER item, imported via taxii",
            mm.short(json.dumps(mine)))
    C.check(W.uc.get("/api/v1/items?q=Poison").json["total"] == 0, "C does not read it")
    # into the GREEN collection: the AMBER marking stays (the most restrictive wins); an
    # unmarked report takes the collection's label
    green = label_collection(t, "tlp-green")
    env = example_envelope("Unmarked via TAXII")
    for o in env["objects"]:
        del o["object_marking_refs"]
    s2 = t.add_objects(ROOT, green, env).json
    C.check(s2["success_count"] == 2, "an unmarked envelope into GREEN", str(s2))
    got = W.ub.get("/api/v1/items?q=Unmarked").json["items"]
    C.check(len(got) == 1 and got[0]["tlp"] == "TLP:GREEN", "an unmarked report takes the collection's label")
    env = example_envelope("Strict via green")
    env["objects"][1]["object_marking_refs"] = ["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"]
    t.add_objects(ROOT, green, env)
    got = W.ub.get("/api/v1/items?q=Strict%20via").json["items"]
    C.check(len(got) == 1 and got[0]["tlp"] == "TLP:AMBER+STRICT", "a narrower marking is kept")
    # refused: nothing importable, and a marking the bundle does not define
    mid = mm.table_counts(W.db)
    only_ind = {"objects": [example_envelope("x")["objects"][0]]}
    s3 = t.add_objects(ROOT, amber, only_ind).json
    C.check(s3["success_count"] == 0 and s3["failure_count"] == 1
            and s3["failures"][0].get("message"), "an envelope with nothing to import: a failure with its reason", str(s3))
    after = mm.table_counts(W.db)
    C.check(after.get("shared_items") == mid.get("shared_items"), "nothing stored for it")
    # not an envelope: a TAXII error, nothing stored
    a = t.raw("POST", "%scollections/%s/objects/" % (ROOT, amber), b"{not json")
    C.check(a.status == 400 and (a.json or {}).get("http_status") == "400", "not JSON: 400 TAXII error")
    a = t.raw("POST", "%scollections/%s/objects/" % (ROOT, amber), {"objects": [], "x": 1})
    C.check(a.status == 422 and "envelope" in (a.json or {}).get("description", ""),
            "not an envelope: 422 naming it", str(a.json))
    expect_error(C, lambda: t.add_objects(ROOT, W.comm, example_envelope("c")), 403,
                 "the community collection cannot be written to")
    C.check(mm.table_counts(W.db).get("shared_items") == mid.get("shared_items"), "still nothing stored")
    C.check(before.get("shared_items", 0) + 3 == mid.get("shared_items"), "three envelopes, three items")
    # the reads of AMBER items through TAXII are audited, as the API's
    client(W.ub).all_pages(ROOT, amber)
    rows = mm.db_ro(W.db).execute(
        "SELECT detail FROM audit_log WHERE action = 'item.read'").fetchall()
    via = [json.loads(r[0]).get("via") for r in rows]
    C.check("taxii" in via, "AMBER reads via TAXII are audited", str(via[-5:]))
    rows = mm.db_ro(W.db).execute(
        "SELECT detail FROM audit_log WHERE action = 'item.import'").fetchall()
    C.check(any(json.loads(r[0]).get("via") == "taxii" for r in rows), "the import is audited via taxii")


def body_limit(C):
    # a POST whose body is over --max-body is refused from its headers, before routing; under
    # /taxii2/ the refusal is a TAXII error message (TAXII 2.1 section 3.6.1), as every other
    path = "%scollections/%s/objects/" % (ROOT, W.comm)
    status, raw = mm.raw_request(W.srv.port, (
        "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\n"
        "Content-Length: 99999999999\r\nConnection: close\r\n\r\n" % (path, tx.MEDIA)).encode())
    head, _, body = raw.partition(b"\r\n\r\n")
    ctype = [l.split(b":", 1)[1].strip() for l in head.split(b"\r\n")
             if l.lower().startswith(b"content-type:")]
    try:
        e = json.loads(body)
    except ValueError:
        e = {}
    C.check(status == 413, "a TAXII POST over the body limit: 413", raw[:200])
    C.check(ctype == [tx.MEDIA.encode()], "its answer is application/taxii+json", str(ctype))
    C.check(e.get("http_status") == "413" and isinstance(e.get("title"), str)
            and "larger than the limit" in e.get("description", "")
            and e.get("error_code") == "payload_too_large" and "error" not in e,
            "its body is a TAXII error message (title, description, http_status)", mm.short(str(e)))


def main():
    C = mm.Checker()
    setup(C)
    try:
        discovery_and_media(C)
        basic_and_lockout(C)
        same_as_api(C)
        filters_and_paging(C)
        add_objects(C)
        body_limit(C)
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
