#!/usr/bin/env python3
"""Federation between authorities over TAXII 2.1 (docs/taxii.md "Federation"): two real
servers on loopback, a Japanese authority (JP) and a US partner (US), each configured with
the other as a peer (`mamori serve --peers FILE`), exchange items both ways, and refuse what
the markings forbid.

Each side has an organization standing for the other and a link user in it whose token the
other side uses. Asserted:
- US pulls from JP: JP's AMBER item and AMBER+STRICT item that name US's organization cross,
  delivered to US's authority only, carrying their origin (peer, API root, collection, STIX
  id); JP's AMBER+STRICT item naming only a JP contractor does not; JP's RED item naming the
  link user reaches US's pull and is refused there ("TLP:RED never comes in"), audited;
- JP pulls from US: US's AMBER item for JP and US's CLEAR item;
- JP pushes its CLEAR and GREEN items to US's collections; its AMBER items are withheld (no
  push link takes AMBER), audited once; RED never leaves;
- a second round moves nothing again (each STIX id and item version once; nothing echoes
  back);
- a pulled item may not be re-shared where the peer does not allow it (403);
- a peers file that lets TLP:RED over a link, is cut short or is over 1 MiB is refused at start
  (exit 2, naming the path and where);
- every exchange is in the audit chain, which verifies on both sides.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

TX = {"Accept": "application/taxii+json;version=2.1"}


class Side:
    pass


def make_side(C, name, peer_org_name, contractor_name):
    s = Side()
    s.name = name
    s.dir = os.path.join(W.T, name)
    os.makedirs(s.dir, exist_ok=True)
    s.db = os.path.join(s.dir, "mamori.db")
    s.log = os.path.join(s.dir, "serve.log")
    auth_id, otp = mm.admin_init(s.db, "root")
    # a fixed port, so that the other side's peers file stays right across restarts
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        s.port = so.getsockname()[1]
    s.listen = ["--threads", "2", "--listen", "127.0.0.1:%d" % s.port]
    s.srv = mm.Server(s.db, s.log, s.listen).start()
    sess = mm.activate(s.srv, "root", otp)
    s.root = mm.token_client(s.srv, sess, "fed-root")
    s.auth_org = sess.user["org_id"]
    s.peer_org = mm.create_org(s.root, peer_org_name)["id"]
    s.contractor = mm.create_org(s.root, contractor_name)["id"]
    s.link = mm.make_user(s.srv, s.root, s.peer_org, "%s-link" % name, "contractor-member")
    s.worker = mm.make_user(s.srv, s.root, s.contractor, "%s-worker" % name, "contractor-member")
    return s


def collections(side):
    r = mm.expect(side.root.get("/taxii2/api/collections/", headers=TX), 200, "collections")
    return {c.get("alias", c["id"]): c["id"] for c in r.json["collections"]}


def item(side, body):
    r = mm.expect(side.root.post("/api/v1/items", body), 201, "item %s" % body["title"])
    return r.json["id"]


def restart_with_peers(side, peers):
    path = os.path.join(side.dir, "peers.json")
    with open(path, "w") as f:
        json.dump({"peers": peers}, f)
    side.srv.stop()
    side.srv = mm.Server(side.db, side.log, side.listen + ["--peers", path]).start()
    for c in (side.root, side.link, side.worker):
        c.server = side.srv
    return path


def titles(client, q=""):
    r = client.get("/api/v1/items?per_page=1000" + q)
    return {i["title"]: i for i in (r.json or {}).get("items", [])}


def audit(side, action):
    rows = mm.db_ro(side.db).execute(
        "SELECT detail FROM audit_log WHERE action = ?", (action,)).fetchall()
    return [json.loads(r[0]) if r[0] else {} for r in rows]


class W:
    pass


def main():
    C = mm.Checker()
    W.T = mm.fresh_tmp()
    jp = make_side(C, "jp", "US Partner (peer)", "Tokyo Works KK")
    us = make_side(C, "us", "JP Authority (peer)", "Ohio Metals Inc")
    try:
        run(C, jp, us)
    finally:
        rcs = [jp.srv.stop(), us.srv.stop()]
    C.check(rcs == [0, 0], "both servers exit 0 after SIGTERM", str(rcs))
    C.finish()


def run(C, jp, us):
    # what each side shares
    item(jp, {"title": "JP amber for US", "tlp": "TLP:AMBER", "recipients": {"orgs": [jp.peer_org]},
              "indicators": [{"type": "domain-name", "value": "jp-amber.example"}]})
    item(jp, {"title": "JP strict for US", "tlp": "TLP:AMBER+STRICT", "recipients": {"orgs": [jp.peer_org]}})
    item(jp, {"title": "JP strict for Tokyo only", "tlp": "TLP:AMBER+STRICT",
              "recipients": {"orgs": [jp.contractor]}})
    item(jp, {"title": "JP red for the link", "tlp": "TLP:RED", "recipients": {"users": ["jp-link"]}})
    item(jp, {"title": "JP green for US", "tlp": "TLP:GREEN", "recipients": {"orgs": [jp.peer_org]}})
    item(jp, {"title": "JP clear", "tlp": "TLP:CLEAR"})
    item(us, {"title": "US amber for JP", "tlp": "TLP:AMBER", "recipients": {"orgs": [us.peer_org]},
              "indicators": [{"type": "ipv4-addr", "value": "203.0.113.9"}]})
    item(us, {"title": "US amber for Ohio", "tlp": "TLP:AMBER", "recipients": {"orgs": [us.contractor]}})
    item(us, {"title": "US clear", "tlp": "TLP:CLEAR"})
    cj, cu = collections(jp), collections(us)
    C.check(cj["tlp-amber"] == cu["tlp-amber"], "label collections have the same id on both servers")

    # a peers file that lets RED over a link is refused at start
    bad = os.path.join(W.T, "bad-peers.json")
    with open(bad, "w") as f:
        json.dump({"peers": [{"name": "x", "api_root": "http://127.0.0.1:9/taxii2/api/", "token": "t",
                              "org_id": jp.peer_org,
                              "pull": [{"collection": cu["tlp-red"], "labels": ["TLP:RED"]}]}]}, f)
    cp = mm.run(["serve", "--db", mm.db_url(jp.db), "--listen", "127.0.0.1:0", "--peers", bad])
    C.check(cp.returncode == 2 and "$.peers[0].pull[0].labels[0]" in cp.stderr
            and "TLP:RED" in cp.stderr, "a peers file letting TLP:RED over a link: exit 2 naming it",
            "%s %s" % (cp.returncode, cp.stderr[-300:]))
    # a peers file cut short, or too large to be one: refused at start, naming the file and
    # where (line:column) or its size against the limit
    cut = os.path.join(W.T, "cut-peers.json")
    with open(cut, "w") as f:
        f.write('{"peers": [{"name": "x", "api_root": "http://127.0.0.1:9/ta')
    cp = mm.run(["serve", "--db", mm.db_url(jp.db), "--listen", "127.0.0.1:0", "--peers", cut])
    C.check(cp.returncode == 2 and cut + ":1:59:" in cp.stderr and "end of input" in cp.stderr,
            "a truncated peers file: exit 2 naming the file, line and column",
            "%s %s" % (cp.returncode, cp.stderr[-300:]))
    huge = os.path.join(W.T, "huge-peers.json")
    with open(huge, "w") as f:
        json.dump({"peers": [], "pad": "x" * (1 << 20)}, f)
    cp = mm.run(["serve", "--db", mm.db_url(jp.db), "--listen", "127.0.0.1:0", "--peers", huge])
    C.check(cp.returncode == 2 and huge + ":" in cp.stderr
            and "larger than the limit of 1048576 bytes" in cp.stderr,
            "a peers file over 1 MiB: exit 2 naming the file and the limit",
            "%s %s" % (cp.returncode, cp.stderr[-300:]))

    # the tokens each side gives the other, in files
    def token_file(side, client):
        p = os.path.join(W.T, "%s-token" % side.name)
        with open(p, "w") as f:
            f.write(client.token + "\n")
        return p

    jp_token_for_us = token_file(jp, jp.link)  # US reads JP with it
    us_token_for_jp = token_file(us, us.link)  # JP reads and writes US with it
    restart_with_peers(jp, [{
        "name": "us-partner", "api_root": "http://127.0.0.1:%d" % us.port + "/taxii2/api/", "token_file": us_token_for_jp,
        "org_id": jp.peer_org, "may_reshare": False,
        "pull": [{"collection": cu["tlp-amber"], "labels": ["TLP:AMBER"]},
                 {"collection": cu["tlp-clear"], "labels": ["TLP:CLEAR"]}],
        "push": [{"collection": cu["tlp-clear"], "labels": ["TLP:CLEAR"]},
                 {"collection": cu["tlp-green"], "labels": ["TLP:GREEN"]}]}])
    restart_with_peers(us, [{
        "name": "jp-authority", "api_root": "http://127.0.0.1:%d" % jp.port + "/taxii2/api/", "token_file": jp_token_for_us,
        "org_id": us.peer_org,
        "pull": [{"collection": cj["tlp-amber"], "labels": ["TLP:AMBER"]},
                 {"collection": cj["tlp-amber-strict"], "labels": ["TLP:AMBER+STRICT"]},
                 {"collection": cj["tlp-red"], "labels": ["TLP:AMBER"]}]}])
    # only an authority-admin starts a round
    C.status(us.worker.post("/api/v1/federation/run"), 403, "a contractor may not start a round")
    C.status(mm.Client(us.srv).post("/api/v1/federation/run"), 401, "nor may anyone anonymous")

    # ---- US pulls from JP ----
    r = us.root.post("/api/v1/federation/run")
    C.status(r, 200, "US: a round with JP")
    s = (r.json or {}).get("peers", [{}])[0]
    C.check(s.get("peer") == "jp-authority" and s.get("pulled") == 2 and s.get("refused") == 1
            and not s.get("errors") and "error" not in s, "US pulled 2, refused 1", str(s))
    got = titles(us.root)
    C.check("JP amber for US" in got and "JP strict for US" in got, "JP's AMBER and AMBER+STRICT items for US crossed")
    C.check("JP strict for Tokyo only" not in got and "JP red for the link" not in got,
            "AMBER+STRICT for others and RED did not")
    a = got.get("JP amber for US", {})
    o = a.get("body", {}).get("origin", {})
    C.check(o.get("peer") == "jp-authority" and o.get("api_root") == "http://127.0.0.1:%d" % jp.port + "/taxii2/api/"
            and o.get("collection") == cj["tlp-amber"] and o.get("stix_id", "").startswith("report--")
            and a.get("originator_org") == us.peer_org and a.get("tlp") == "TLP:AMBER",
            "the pulled item carries its origin and stands as JP's", json.dumps(a)[:400])
    C.check(any(i.get("value") == "jp-amber.example" for i in a.get("body", {}).get("indicators", [])),
            "its indicator came with it")
    C.check(not titles(us.worker).keys() & {"JP amber for US", "JP strict for US"},
            "a US contractor does not read them (delivered to the US authority only)")
    ref = audit(us, "federation.refused")
    C.check(len(ref) == 1 and ref[0].get("tlp") == "TLP:RED" and "RED" in ref[0].get("reason", ""),
            "US refused JP's RED item, audited", str(ref))
    C.check(len(audit(us, "federation.pull")) == 2, "two pulls audited on US")
    C.status(us.root.post("/api/v1/items/%s/reshare" % a.get("id"), {"orgs": [us.contractor]}), 403,
             "US may not re-share JP's item (the peer does not allow it)")

    # ---- JP pulls from and pushes to US ----
    r = jp.root.post("/api/v1/federation/run")
    C.status(r, 200, "JP: a round with US")
    s = (r.json or {}).get("peers", [{}])[0]
    C.check(s.get("pulled") == 2 and s.get("refused") == 0 and s.get("pushed") == 2
            and s.get("withheld") == 2 and not s.get("errors"), "JP pulled 2, pushed 2, withheld 2", str(s))
    got = titles(jp.root)
    C.check("US amber for JP" in got and "US clear" in got and "US amber for Ohio" not in got,
            "US's items for JP crossed; US's item for Ohio did not")
    C.check(got.get("US amber for JP", {}).get("body", {}).get("origin", {}).get("peer") == "us-partner",
            "with their origin")
    names = [i["title"] for i in jp.root.get("/api/v1/items?per_page=1000").json["items"]]
    C.check(names.count("JP amber for US") == 1 and names.count("JP clear") == 1,
            "JP's own items did not come back as copies", str(sorted(names)))
    wh = audit(jp, "federation.withheld")
    C.check(sorted(w.get("tlp") for w in wh) == ["TLP:AMBER", "TLP:AMBER+STRICT"]
            and all(w.get("peer") == "us-partner" for w in wh), "JP's AMBER items withheld from push, audited", str(wh))
    push = audit(jp, "federation.push")
    C.check(len(push) == 2 and all(p.get("http_status") == 202 for p in push), "two pushes audited with 202", str(push))
    # on US: the pushed items, as the link user's organization's (TAXII Add Objects)
    usg = titles(us.link)
    C.check("JP clear" in usg and "JP green for US" in usg, "US holds JP's pushed CLEAR and GREEN items")
    C.check(usg.get("JP green for US", {}).get("body", {}).get("imported", {}).get("via") == "taxii",
            "marked as imported via TAXII")
    C.check("JP clear" in titles(us.worker), "JP's CLEAR item is readable by anyone on US")

    # ---- a second round on each side moves nothing ----
    s1 = us.root.post("/api/v1/federation/run").json["peers"][0]
    s2 = jp.root.post("/api/v1/federation/run").json["peers"][0]
    C.check(s1.get("pulled") == 0 and s2.get("pulled") == 0 and s2.get("pushed") == 0,
            "the second round moves nothing", "%s %s" % (s1, s2))
    C.check(len(audit(us, "federation.refused")) == 1 and len(audit(jp, "federation.withheld")) == 2,
            "refusals and withholdings are audited once")
    names = [i["title"] for i in us.root.get("/api/v1/items?per_page=1000").json["items"]]
    C.check(len(names) == len(set(names)), "no duplicates on US", str(sorted(names)))
    names = [i["title"] for i in jp.root.get("/api/v1/items?per_page=1000").json["items"]]
    C.check(len(names) == len(set(names)), "no duplicates on JP", str(sorted(names)))
    for side in (jp, us):
        cp = mm.audit_verify(side.db)
        C.check(cp.returncode == 0, "%s: audit chain intact" % side.name, cp.stdout + cp.stderr)


if __name__ == "__main__":
    mm.need_env()
    main()
