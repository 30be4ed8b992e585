#!/usr/bin/env python3
"""Frameworks on the server (docs/frameworks.md, docs/dashboard.md): `mamori serve
--frameworks DIR --frameworks-shown LIST` loads an authority's packs and crosswalks (a bad
file or an unknown id refuses to start, naming it), a contractor's page shows its status in
each selected framework, projected from its latest submission (the same figures as `mamori
assess --as`), never as answered directly, and GET /frameworks puts two frameworks side by side
with the no-counterpart rows first and each relation's source.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only.
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

C = mm.Checker()
FIX = os.path.join(mm.SRC, "tests", "fixtures", "frameworks")
HTML = {"Accept": "text/html"}


def cli_summary(target, extra=()):
    cp = mm.run(["assess", mm.EXAMPLE_R3, "--as", target, "--format", "json"] + list(extra))
    return json.loads(cp.stdout)["summary"] if cp.returncode == 0 else None


def row_counts(html, fw):
    m = re.search(r'<tr data-framework="%s">(.*?)</tr>' % re.escape(fw), html, re.S)
    if not m:
        return None
    cells = dict(re.findall(r'data-col="([a-z_]+)">(\d+)<', m.group(1)))
    return {k: int(v) for k, v in cells.items()}


_inited = []


def refused_start(T, args, want):
    db = os.path.join(T, "refuse.db")
    if not _inited:
        mm.admin_init(db, "root")
        _inited.append(db)
    cp = subprocess.run([mm.MAMORI, "serve", "--db", mm.db_url(db), "--listen", "127.0.0.1:0"] +
                        args, capture_output=True, text=True, timeout=60)
    return cp.returncode == 2 and want in cp.stderr, cp.stderr.strip()[-300:]


def main():
    mm.need_env()
    T = mm.fresh_tmp()
    # ---- bad configuration refuses to start -------------------------------------------
    bad = os.path.join(T, "bad")
    os.makedirs(os.path.join(bad, "crosswalks"))
    shutil.copy(os.path.join(FIX, "test-std.json"), bad)
    text = open(os.path.join(FIX, "crosswalks", "test-std-to-r3.json")).read()
    open(os.path.join(bad, "crosswalks", "m.json"), "w").write(
        text.replace("SP_800_171_03.08.04", "SP_800_171_03.08.99"))
    ok, err = refused_start(T, ["--frameworks", bad],
                            "m.json: $.mapping-collection.mappings[0].maps[1].targets[0].id-ref: "
                            "'SP_800_171_03.08.99' is not a control of 800-171r3")
    C.check(ok, "serve --frameworks with a bad crosswalk: exit 2, the file and JSON path", err)
    ok, err = refused_start(T, ["--frameworks-shown", "800-171r2,mod-standard"],
                            "unknown framework 'mod-standard'")
    C.check(ok, "serve --frameworks-shown with an unknown id: exit 2", err)

    # ---- a contractor's status in the selected frameworks --------------------------------
    db = os.path.join(T, "fw.db")
    _, root_otp = mm.admin_init(db, "root")
    srv = mm.Server(db, os.path.join(T, "serve.log"),
                    extra=["--frameworks", FIX,
                           "--frameworks-shown", "800-171r2,test-std,800-53r5"]).start()
    try:
        root = mm.activate(srv, "root", root_otp)
        rt = mm.token_client(srv, root, "root")
        org = mm.create_org(rt, "Hokuto Precision Engineering K.K.")
        a = mm.make_user(srv, rt, org["id"], "a-admin", "contractor-admin")
        pub, _ = mm.keygen("Hokuto", os.path.join(T, "a.key"))
        mm.expect(mm.register_key(a, org["id"], pub), 201, "key")
        signed = mm.sign(mm.EXAMPLE_R3, os.path.join(T, "a.key"), os.path.join(T, "a.signed"))
        mm.expect(mm.submit(a, signed), 201, "submission")

        for who, client in (("the authority", root), ("the contractor itself", a)):
            r = client.get("/contractors/%s" % org["id"], headers=HTML)
            h = r.text
            C.check(r.status == 200 and 'id="framework-status"' in h,
                    "contractor page (%s): a section of its status in other frameworks" % who,
                    "%s %s" % (r.status, mm.short(h)))
        want = cli_summary("800-171r2")
        got = row_counts(h, "800-171r2")
        C.check(want and got == {"projected_met": want["projected_met"],
                                 "projected_not_met": want["projected_not_met"],
                                 "to_answer": want["to_answer"]},
                "800-171r2: the page's projected figures are mamori assess --as 800-171r2's",
                "page %s, cli %s" % (got, want))
        want = cli_summary("test-std", ["--frameworks", FIX])
        got = row_counts(h, "test-std")
        C.check(want and got and got["projected_met"] == want["projected_met"] == 2 and
                got["to_answer"] == want["to_answer"] == 2,
                "test-std (the authority's pack): 2 projected met, 2 still to answer",
                "page %s, cli %s" % (got, want))
        got = row_counts(h, "800-53r5")
        C.check(got == {"projected_met": 0, "projected_not_met": 0, "to_answer": 1007},
                "800-53r5: intersects relations project nothing; all 1007 still to answer",
                str(got))
        C.check('data-framework="800-171r3"' not in h,
                "the assessed framework itself is not projected")
        C.check("Projected answers are not answers given directly" in h and
                'href="/frameworks?a=800-171r3&amp;b=800-171r2"' in h,
                "projected figures are labelled as projected, with a link to the side-by-side view")

        # ---- GET /frameworks ------------------------------------------------------------
        r = root.get("/frameworks", headers=HTML)
        C.check(r.status == 200 and 'id="crosswalks"' in r.text and
                'href="/frameworks?a=test-std&amp;b=800-171r3"' in r.text and
                'id="side-by-side"' not in r.text,
                "/frameworks lists the crosswalks both ways", "%s" % r.status)
        r = a.get("/frameworks?a=800-171r2&b=800-171r3", headers=HTML)
        h = r.text
        C.check(r.status == 200 and 0 < h.find('id="only-a"') < h.find('id="only-b"') <
                h.find('id="related"') and "no counterpart in 800-171r3 (6 of 110)" in h,
                "/frameworks?a=800-171r2&b=800-171r3: no-counterpart rows first (a contractor too)",
                "%s %s" % (r.status, mm.short(h)))
        rel = h[h.find('id="related"'):]
        rows = [x for x in rel.split("<tr>")[1:] if x.startswith("<td")]
        C.check(len(rows) == 118 and all("Source: NIST SP 800-171 Rev 3 OSCAL catalog" in x
                                         for x in rows),
                "/frameworks: each of the 118 relations with its type and source", str(len(rows)))
        # in the viewer's language: the side by side's headings too; NIST's words stay English
        r = a.get("/frameworks?a=800-171r2&b=800-171r3&lang=ja", headers=HTML)
        h = r.text
        C.check(r.status == 200 and "800-171r2: 800-171r3 に対応のない項目（110 件中 6 件）" in h and
                "<h2>対応関係（118 件）</h2>" in h and
                '出典: <span lang="en">NIST SP 800-171 Rev 3 OSCAL catalog' in h and
                "no counterpart" not in h and "Source:" not in h,
                "/frameworks?lang=ja: the side by side in Japanese, sources English and marked",
                "%s %s" % (r.status, mm.short(h)))
        r = a.get("/frameworks?a=800-171r2&b=800-171r3&lang=en", headers=HTML)
        C.check(r.status == 200 and "no counterpart in 800-171r3 (6 of 110)" in r.text,
                "/frameworks?lang=en: back in English", str(r.status))
        r = root.get("/frameworks?a=test-std&b=800-53r5", headers=HTML)
        C.check(r.status == 404, "/frameworks for two frameworks no crosswalk relates: 404",
                str(r.status))
        r = mm.request(srv.port, "GET", "/frameworks", headers=HTML)
        C.check(r.status in (302, 303, 401), "/frameworks needs a signed-in user", str(r.status))
    finally:
        srv.stop()
    return C.finish()


if __name__ == "__main__":
    sys.exit(main())
