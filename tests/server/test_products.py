#!/usr/bin/env python3
"""IoT products and recognition claims (docs/iot.md, docs/api.md "IoT products") through the
real `mamori` CLI and the server: a manufacturer registers a product and its labels (`mamori
product`); `mamori recognize` gets the signed claim. A PSTI-compliant product covers JC-STAR
S1.1-02/05/16 from 2026-01-01 (the server's --today) and not the day before; a product with
only a U.S. Cyber Trust Mark has no published arrangement with JC-STAR, said plainly; an
expired label covers nothing; a claim changed after signing, or checked with another key, is
refused by `mamori recognize verify`, and an independent Ed25519 check (mmserver) agrees;
bad labels are refused with the member named and nothing stored; the /products page shows a
manufacturer its own products only. Who may call each route is tests/server/test_isolation.py's.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import base64
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402
from test_web import Browser  # noqa: E402

C = mm.Checker()
WAIVED = ["S1.1-02", "S1.1-05", "S1.1-16"]


def cli(token, args, what):
    env = dict(os.environ, MAMORI_TOKEN=token)
    import subprocess
    cp = subprocess.run([mm.MAMORI] + args, capture_output=True, text=True, env=env, timeout=120)
    return cp


def cli_json(token, args, what):
    cp = cli(token, args, what)
    C.check(cp.returncode == 0, what, "exit %d: %s" % (cp.returncode, cp.stderr))
    try:
        return json.loads(cp.stdout)
    except ValueError:
        return {}


def ids(arr):
    return [x.get("id") for x in arr or []]


def verify_independently(doc, server_pub_b64):
    claim = doc.get("recognition")
    return mm.ed25519_verify(base64.b64decode(server_pub_b64), mm.canonical_bytes(claim),
                             base64.b64decode(doc.get("signature", "")))


def main():
    T = mm.fresh_tmp()
    db = os.path.join(T, "mamori.db")
    log = os.path.join(T, "serve.log")
    auth_org, otp = mm.admin_init(db, "root")
    srv = mm.Server(db, log, ["--today", "2026-01-01"]).start()
    try:
        root_s = mm.activate(srv, "root", otp)
        root = mm.token_client(srv, root_s, "root")
        maker = mm.create_org(root, "Hokuto Devices KK")["id"]
        other = mm.create_org(root, "Other Maker Ltd")["id"]
        adm = mm.make_user(srv, root, maker, "iot-admin", "contractor-admin")
        mem = mm.make_user(srv, root, maker, "iot-member", "contractor-member")
        oadm = mm.make_user(srv, root, other, "iot-other", "contractor-admin")
        server_key = os.path.join(T, "server-key.json")
        with open(server_key, "wb") as f:
            f.write(mm.request(srv.port, "GET", "/api/v1/server-key").raw)
        server_pub = json.load(open(server_key))["public_key"]
        url = srv.url

        # ---- the registry through the CLI ----------------------------------------------------
        cam = cli_json(adm.token, ["product", "add", "--server", url, "--name", "Cam", "--model", "C-100",
                                   "--firmware", "2.4.1"], "product add")
        C.check(cam.get("org_id") == maker and cam.get("firmware") == "2.4.1", "the product is the maker's",
                json.dumps(cam))
        evidence = os.path.join(T, "psti-statement.pdf")
        with open(evidence, "wb") as f:
            f.write(b"statement of compliance\n")
        import hashlib
        digest = hashlib.sha256(b"statement of compliance\n").hexdigest()
        shown = cli_json(adm.token, ["product", "label", cam["id"], "--server", url, "--scheme", "uk-psti",
                                     "--label-id", "SoC-2025-001", "--issued", "2025-06-01",
                                     "--evidence", evidence], "product label (PSTI statement)")
        lab = (shown.get("labels") or [{}])[0]
        C.check(lab.get("evidence_sha256") == digest and lab.get("evidence_ref") == "psti-statement.pdf",
                "the evidence file's SHA-256 and name are recorded", json.dumps(lab))
        # a member reads but does not change
        cp = cli(mem.token, ["product", "add", "--server", url, "--name", "X", "--model", "Y"], "member add")
        C.check(cp.returncode == 2 and "HTTP 403" in cp.stderr, "a contractor-member cannot add a product",
                cp.stderr)
        listed = cli_json(mem.token, ["product", "list", "--server", url], "product list (member)")
        C.check(ids(listed.get("items")) == [cam["id"]], "the member lists the maker's product", json.dumps(listed))
        # bad labels: refused before sending, or by the server naming the member; nothing stored
        cp = cli(adm.token, ["product", "label", cam["id"], "--server", url, "--scheme", "ce", "--label-id", "x",
                             "--issued", "2025-01-01"], "bad scheme")
        C.check(cp.returncode == 2 and "--scheme" in cp.stderr and "jc-star" in cp.stderr,
                "an unknown scheme is refused, naming --scheme and the known ones", cp.stderr)
        cp = cli(adm.token, ["product", "label", cam["id"], "--server", url, "--scheme", "jc-star", "--label-id",
                             "x", "--issued", "2025-01-01"], "jc-star without a level")
        C.check(cp.returncode == 2 and "--level" in cp.stderr, "a JC-STAR label needs its level", cp.stderr)
        base = "/api/v1/organizations/%s/products/%s" % (maker, cam["id"])
        r = adm.post(base + "/labels", {"scheme": "uk-psti", "label_id": "x", "issued": "2025-13-01"})
        C.check(r.status == 400 and "issued" in r.text, "a date that is not a date: 400 naming issued", r.text)
        r = adm.post(base + "/labels", {"scheme": "uk-psti", "label_id": "x", "issued": "2025-06-01",
                                        "expires": "2025-05-01"})
        C.check(r.status == 400 and "before issued" in r.text, "an expiry before the issue: 400", r.text)
        r = adm.post(base + "/labels", {"scheme": "uk-psti", "label_id": "SoC-2025-001", "issued": "2025-06-01"})
        C.check(r.status == 409, "the same label twice: 409", r.text)
        r = oadm.post(base + "/labels", {"scheme": "uk-psti", "label_id": "y", "issued": "2025-06-01"})
        C.check(r.status == 404, "another manufacturer cannot label it (404)", r.text)
        n = len((adm.get(base).json or {}).get("labels", []))
        C.check(n == 1, "nothing was stored by the refused labels", str(n))

        # ---- recognition: PSTI -> JC-STAR from 2026-01-01 ------------------------------------
        claim_file = os.path.join(T, "claim.json")
        cp = cli(adm.token, ["recognize", "--product", cam["id"], "--as", "jc-star", "--server", url,
                             "--server-key", server_key, "-o", claim_file], "recognize")
        C.check(cp.returncode == 0, "mamori recognize on 2026-01-01", cp.stderr)
        doc = json.load(open(claim_file))
        claim = doc.get("recognition", {})
        C.check(sorted(ids(claim.get("covered"))) == WAIVED,
                "a PSTI-compliant product covers S1.1-02, S1.1-05 and S1.1-16 on 2026-01-01",
                json.dumps(ids(claim.get("covered"))))
        C.check(claim.get("remaining_count") == 13 and "S1.1-01" in ids(claim.get("remaining")),
                "the other 13 remain to be tested", str(claim.get("remaining_count")))
        by = (claim.get("covered") or [{}])[0].get("by", [{}])[0]
        C.check(by.get("relation") == "psti-jcstar-jp" and "ipa.go.jp" in by.get("citation", "")
                and by.get("effective") == "2026-01-01", "each covered criterion cites IPA's recognition",
                json.dumps(by))
        C.check("covered S1.1-02 by uk-psti SoC-2025-001" in cp.stderr, "the summary names what covers what",
                cp.stderr)
        C.check(verify_independently(doc, server_pub), "an independent Ed25519 check verifies the claim")
        cp = mm.run(["recognize", "verify", claim_file, "--server-key", server_key])
        C.check(cp.returncode == 0 and "recognition valid" in cp.stdout, "recognize verify: valid",
                cp.stdout + cp.stderr)
        # tampered: one more criterion claimed as covered
        tampered = os.path.join(T, "tampered.json")
        t = json.load(open(claim_file))
        t["recognition"]["covered_count"] = 4
        json.dump(t, open(tampered, "w"), indent=2)
        cp = mm.run(["recognize", "verify", tampered, "--server-key", server_key])
        C.check(cp.returncode == 1 and "INVALID" in cp.stdout and "changed after signing" in cp.stdout,
                "a changed claim is refused (exit 1)", cp.stdout + cp.stderr)
        C.check(not verify_independently(t, server_pub), "the independent check refuses it too")
        # another server's key
        other_key = os.path.join(T, "other-key.json")
        pub, _ = mm.keygen("x", os.path.join(T, "x.key"))
        import subprocess  # noqa: F401
        fake = {"kind": "mamori-server-key", "public_key": json.loads(pub)["public_key"],
                "key_id": json.loads(pub)["key_id"]}
        json.dump(fake, open(other_key, "w"))
        cp = mm.run(["recognize", "verify", claim_file, "--server-key", other_key])
        C.check(cp.returncode == 1 and "not by key" in cp.stdout, "another key: exit 1", cp.stdout + cp.stderr)
        with open(os.path.join(T, "junk.json"), "w") as f:
            f.write('{"receipt": {}}')
        cp = mm.run(["recognize", "verify", os.path.join(T, "junk.json"), "--server-key", server_key])
        C.check(cp.returncode == 2 and "junk.json" in cp.stderr, "not a claim: exit 2, naming the file", cp.stderr)

        # ---- no published arrangement: U.S. Cyber Trust Mark -> JC-STAR ----------------------
        hub = cli_json(adm.token, ["product", "add", "--server", url, "--name", "Hub", "--model", "H-1"],
                       "product add (hub)")
        cli_json(adm.token, ["product", "label", hub["id"], "--server", url, "--scheme", "us-cyber-trust-mark",
                             "--label-id", "USCTM-1", "--issued", "2025-09-01", "--expires", "2027-09-01"],
                 "label (Cyber Trust Mark)")
        cp = cli(adm.token, ["recognize", "--product", hub["id"], "--as", "jc-star", "--server", url,
                             "--server-key", server_key], "recognize hub")
        doc = json.loads(cp.stdout or "{}")
        claim = doc.get("recognition", {})
        arr = (claim.get("arrangements") or [{}])[0]
        C.check(cp.returncode == 0 and claim.get("covered") == [] and arr.get("exists") is False,
                "Cyber Trust Mark -> JC-STAR: nothing covered, no arrangement", json.dumps(arr))
        C.check("No published arrangement between U.S. Cyber Trust Mark" in arr.get("statement", "")
                and "No published arrangement" in cp.stderr, "and it says so plainly", cp.stderr)

        # ---- an expired label covers nothing ---------------------------------------------------
        old = cli_json(adm.token, ["product", "add", "--server", url, "--name", "Cam", "--model", "C-90"],
                       "product add (old)")
        cli_json(adm.token, ["product", "label", old["id"], "--server", url, "--scheme", "uk-psti",
                             "--label-id", "SoC-2024-9", "--issued", "2024-05-01", "--expires", "2025-12-31"],
                 "label (expired PSTI statement)")
        cp = cli(adm.token, ["recognize", "--product", old["id"], "--as", "jc-star", "--server", url,
                             "--server-key", server_key], "recognize old")
        claim = json.loads(cp.stdout or "{}").get("recognition", {})
        C.check(cp.returncode == 0 and claim.get("covered") == [] and
                (claim.get("labels") or [{}])[0].get("state") == "expired",
                "an expired PSTI statement covers nothing", json.dumps(claim.get("labels")))
        C.check("is expired: it covers nothing" in cp.stderr, "the summary says the label expired", cp.stderr)

        # ---- the page: the maker's own products; the authority's all ---------------------------
        cli_json(oadm.token, ["product", "add", "--server", url, "--name", "Secret", "--model", "S-1"],
                 "product add (other maker)")
        b = Browser(srv)
        b.login("iot-member", mm.GOOD_PASSWORD)
        page = b.get("/products")
        C.check(page.status == 200 and "C-100" in page.text and "Secret" not in page.text
                and 'data-state="current"' in page.text and 'data-state="expired"' in page.text,
                "/products: the maker's products and their label states, not another maker's",
                mm.short(page.text, 300))
        allp = cli_json(root.token, ["product", "list", "--all", "--server", url], "product list --all")
        C.check({i.get("org_id") for i in allp.get("items", [])} == {maker, other},
                "the authority lists every manufacturer's products", json.dumps(allp)[:300])

        # ---- the day before IPA's recognition: nothing covered, pending from 2026-01-01 --------
        srv.extra = ["--today", "2025-12-31"]
        srv.restart()
        url = srv.url
        cp = cli(adm.token, ["recognize", "--product", cam["id"], "--as", "jc-star", "--server", url,
                             "--server-key", server_key], "recognize on 2025-12-31")
        claim = json.loads(cp.stdout or "{}").get("recognition", {})
        C.check(cp.returncode == 0 and claim.get("covered") == [] and claim.get("date") == "2025-12-31"
                and sorted(ids(claim.get("pending"))) == WAIVED,
                "on 2025-12-31 nothing is covered yet; the three are pending from 2026-01-01",
                json.dumps({k: claim.get(k) for k in ("date", "covered", "pending")})[:400])
        C.check("not yet: S1.1-02 from 2026-01-01" in cp.stderr, "the summary says from when", cp.stderr)
        # every claim issued is in the audit log
        con = mm.db_ro(db)
        try:
            n = con.execute("SELECT count(*) FROM audit_log WHERE action = 'product.recognize'").fetchone()[0]
        finally:
            con.close()
        C.check(n == 4, "each claim issued is audited (product.recognize)", str(n))
        cpa = mm.audit_verify(db)
        C.check(cpa.returncode == 0, "the audit chain verifies", cpa.stdout + cpa.stderr)
    finally:
        rc = srv.stop()
    C.check(rc == 0, "the server stops cleanly (no sanitizer report)", str(rc))
    C.finish()


if __name__ == "__main__":
    main()
