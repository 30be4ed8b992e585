#!/usr/bin/env python3
"""Process-level test of the analyst's numbers on the dashboard (issue 18, part 1;
docs/dashboard.md): on seeded data (`mamori admin seed-demo`, both frameworks),

1. honest rankings: sorting contractors by score ranks Rev 2 (SPRS, out of 110) and Rev 3
   (requirements met, out of 97) on one scale, score / maximum, in the API and on the page;
   the framework filter keeps one framework; "Requirements that fail most" is ranked by the
   share of the framework's contractors with the gap; the overview's "No valid score" card and
   the chart's note give the same number, the API's;
2. "who is overdue?": each contractor's count of overdue milestones sums to the overdue total,
   the overdue filter keeps exactly the contractors with one, and /overdue pages through all;
3. the heatmap: five colour classes fitted to the cells (quintiles) with a legend giving the
   cells' real minimum and maximum, and labels whose stylesheet fill is at least 4.5:1 against
   their cell.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (as CMake sets them); MM_TEST_DB_URL for PostgreSQL.
Standard library only.
"""

import html
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

C = mm.Checker()
# the maximum score of each framework: DoD Assessment Methodology (SPRS) 110 for Rev 2;
# SP 800-171 Rev 3 has 97 requirements (content/catalogs/sp800-171r3-catalog.json)
MAX = {"800-171r2": 110, "800-171r3": 97}
HTML = {"Accept": "text/html"}


def page(c, path):
    r = c.get(path, headers=HTML)
    C.status(r, 200, "GET " + path)
    return r.text


def all_contractors(rt, query=""):
    r = rt.get("/api/v1/contractors?per_page=1000" + query)
    C.status(r, 200, "GET /api/v1/contractors?per_page=1000" + query)
    return r.json


def norm(it):
    latest = it.get("latest") or {}
    sc = latest.get("score")
    return None if sc is None else sc / MAX[latest["framework"]]


def rankings(rt, sess):
    res = all_contractors(rt, "&sort=score&order=desc")
    items = res["items"]
    fws = {(it.get("latest") or {}).get("framework") for it in items}
    C.check({"800-171r2", "800-171r3"} <= fws, "the seeded data has both frameworks", str(fws))
    # one scale: score / maximum, descending, nulls last, ties by id
    want = sorted(items, key=lambda it: (norm(it) is None, -(norm(it) or 0), it["id"]))
    C.check([it["id"] for it in items] == [it["id"] for it in want],
            "sort=score ranks both frameworks on score / maximum")
    best3 = max((norm(it) for it in items if norm(it) is not None
                 and it["latest"]["framework"] == "800-171r3"), default=None)
    first3 = next(i for i, it in enumerate(items) if it.get("latest") and it["latest"]["framework"] == "800-171r3")
    below = [it for it in items[:first3] if norm(it) is not None and norm(it) < best3]
    C.check(not below, "the best Rev 3 contractor is behind no Rev 2 contractor with a lower share",
            str([(it["latest"]["score"], it["latest"]["framework"]) for it in below][:5]))
    # the page shows the same order
    t = page(sess, "/contractors?sort=score&order=desc")
    ids = re.findall(r'<tr data-org-id="([^"]+)"', t)
    C.check(ids == [it["id"] for it in items[:50]], "the page's score order is the API's",
            str(ids[:5]))
    C.check("/ 97</span>" in t and "/ 110</span>" in t, "the page shows each score's maximum")
    # the framework filter
    for fw, label in (("800-171r3", "Rev 3"), ("800-171r2", "Rev 2")):
        n = sum(1 for it in items if (it.get("latest") or {}).get("framework") == fw)
        r = all_contractors(rt, "&framework=" + fw)
        C.check(r["total"] == n and all(it["latest"]["framework"] == fw for it in r["items"]),
                "?framework=%s: its %d contractors only" % (fw, n), str(r["total"]))
        t = page(sess, "/contractors?framework=%s&sort=score&order=desc" % fw)
        rows = re.findall(r'<tr data-org-id="[^"]+">.*?</tr>', t, re.S)
        # "Rev" and its number are joined by a no-break space (they never break apart)
        cell = "<td>%s</td>" % label.replace(" ", "\u00a0")
        C.check(rows and all(cell in row for row in rows),
                "the page's framework filter %s keeps %s rows" % (fw, label))
        C.check('<option value="%s" selected>' % fw in t, "the filter shows %s selected" % fw)
    r = rt.get("/api/v1/contractors?framework=800-171r4")
    C.status(r, 400, "?framework=800-171r4: 400")

    # requirements that fail most: by share of the framework's contractors
    assessed = {}
    for it in items:
        fw = (it.get("latest") or {}).get("framework")
        if fw:
            assessed[fw] = assessed.get(fw, 0) + 1
    r = rt.get("/api/v1/requirements/failures?limit=1000")
    C.status(r, 200, "GET /api/v1/requirements/failures")
    fails = r.json["items"] if isinstance(r.json, dict) else r.json
    C.check(fails and all(f.get("assessed") == assessed.get(f["framework"]) for f in fails),
            "each failure row names how many contractors are on its framework",
            str(fails[:1]) + str(assessed))
    shares = [f["contractors"] / f["assessed"] for f in fails if f.get("assessed")]
    C.check(shares == sorted(shares, reverse=True), "failures ranked by share, largest first")
    t = page(sess, "/overview")
    top = re.search(r'<table id="top-failures".*?</table>', t, re.S).group(0)
    rows = re.findall(r"<tr><td>.*?</tr>", top, re.S)
    C.check(len(rows) == min(15, len(fails)), "the overview lists the top 15", str(len(rows)))
    for row, f in zip(rows, fails):
        want = "%.1f%%" % (100.0 * f["contractors"] / f["assessed"])
        C.check(html.escape(f["requirement"]) in row and want in row
                and "%d / %d" % (f["contractors"], f["assessed"]) in row,
                "top failure %s (%s): share and count as the API" % (f["requirement"], want))
    r3_top = [f for f in fails[:15] if f["framework"] == "800-171r3"]
    r3_any = [f for f in fails if f["framework"] == "800-171r3"]
    C.check(not r3_any or r3_top or shares[14] >= r3_any[0]["contractors"] / r3_any[0]["assessed"],
            "a Rev 3 requirement is in the top 15 unless 15 rows have a larger share")

    # "No valid score": the card, the chart's note and the API agree
    nvs = all_contractors(rt, "&status=no-valid-score&per_page=1")["total"]
    card = re.search(r'data-status="no-valid-score">.*?<span class="count">(\d+)</span>', t, re.S)
    C.check(card and int(card.group(1)) == nvs, "the card counts the API's no-valid-score", str(nvs))
    note = re.search(r'<span id="no-score-note">(.*?)</span>', t, re.S)
    if nvs:
        C.check(note and re.search(r"\b%d\b" % nvs, note.group(1)), "the chart's note says %d" % nvs,
                note.group(1) if note else "no note")
    else:
        C.check(not note, "no note when none has no valid score")
    hist = re.search(r'id="score-histogram".*?</figure>', t, re.S).group(0)
    in_chart = sum(int(x) for x in re.findall(r'<td class="num">(\d+)</td>', hist))
    scored = sum(1 for it in items if it["status"] not in ("no-valid-score", "none")
                 and (it.get("latest") or {}).get("score") is not None)
    C.check(in_chart == scored, "the chart holds every contractor with a valid score",
            "%d vs %d" % (in_chart, scored))


def overdue(rt, sess):
    items = all_contractors(rt)["items"]
    r = rt.get("/api/v1/poam/overdue?per_page=1")
    C.status(r, 200, "GET /api/v1/poam/overdue")
    total = r.json["total"]
    C.check(total > 50, "the seeded data has more than one page of overdue milestones", str(total))
    C.check(all(isinstance(it.get("overdue"), int) for it in items), "each contractor has an overdue count")
    C.check(sum(it["overdue"] for it in items) == total, "per-contractor counts sum to the total",
            "%d vs %d" % (sum(it["overdue"] for it in items), total))
    late = sorted(it["id"] for it in items if it["overdue"] > 0)
    r = all_contractors(rt, "&overdue=1")
    C.check(sorted(it["id"] for it in r["items"]) == late and r["total"] == len(late),
            "?overdue=1 keeps exactly the %d contractors with an overdue milestone" % len(late))
    t = page(sess, "/contractors?overdue=1")
    C.check(re.search(r'id="result-count"[^>]*>[^<]*\b%d\b' % len(late), t),
            "the page's overdue filter counts them")
    C.check('id="overdue-only" name="overdue" value="1" checked' in t, "the overdue box is checked")
    C.check("overdue=1" in re.search(r'id="csv-export" href="([^"]*)"', t).group(1),
            "the CSV export keeps the overdue filter")
    # the paged list of every overdue milestone
    t = page(sess, "/overview")
    C.check('href="/overdue"' in t, "the overview links to every overdue milestone")
    pages = math.ceil(total / 50)
    seen = 0
    for n in range(1, pages + 1):
        t = page(sess, "/overdue?page=%d" % n)
        tab = re.search(r'<table id="overdue".*?</table>', t, re.S).group(0)
        seen += len(re.findall(r"<tr><td>", tab))
        C.check(('rel="next"' in t) == (n < pages), "/overdue?page=%d: next link iff more" % n)
    C.check(seen == total, "/overdue pages through all %d milestones" % total, str(seen))


def luminance(hexcol):
    c = [int(hexcol[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def contrast(a, b):
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def heatmap(sess):
    t = page(sess, "/overview")
    fig = re.search(r'id="family-heatmap".*?</figure>', t, re.S).group(0)
    with open(os.path.join(mm.SRC,
                           "content", "web", "app.css")) as f:
        css = f.read()
    # the fill the stylesheet gives a cell label of each class (the last matching rule wins
    # among equal specificity; these are the most specific)
    fills = {}
    for cls in ("on-dark", "on-light"):
        m = re.findall(r"figure\.chart text\.cell\.%s\{[^}]*fill:(#[0-9a-fA-F]{6})" % cls, css)
        C.check(m, "app.css gives text.cell.%s a fill" % cls)
        fills[cls] = m[-1] if m else "#000000"
    cells = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"[^>]*data-class="(\d)"><title>[^<]*: (\d+)%</title>'
                       r'</rect><text [^>]*class="cell ([a-z-]+)"', fig)
    C.check(len(cells) > 20, "the heatmap has its cells", str(len(cells)))
    classes = {int(c[1]) for c in cells}
    values = sorted(int(c[2]) for c in cells)
    C.check(len(classes) == min(5, len(set(values))), "the cells use all five colour classes",
            "%s over %d distinct values" % (sorted(classes), len(set(values))))
    worst = min((contrast(fill, fills[lab]) for fill, _, _, lab in cells), default=0)
    C.check(worst >= 4.5, "every cell label is at least 4.5:1 against its cell", "%.2f" % worst)
    # classes rise with the value: no cell of a higher class has a lower value
    by = {}
    for _, k, v, _ in cells:
        by.setdefault(int(k), []).append(int(v))
    ks = sorted(by)
    C.check(all(max(by[a]) <= min(by[b]) for a, b in zip(ks, ks[1:])), "classes are ordered by value")
    legend = re.search(r'<g id="heatmap-legend">(.*?)</g>', fig, re.S)
    C.check(legend and len(re.findall(r"data-class=", legend.group(1))) == 5, "a legend of five classes")
    # the classes' ranges of whole percents: disjoint, rising, and each cell's shown value in
    # its own class's range only (they once read "88–95%", "95–96%"), in both languages
    for lang in ("en", "ja"):
        lt = page(sess, "/overview?lang=" + lang)
        lg = re.search(r'<g id="heatmap-legend">(.*?)</g>', lt, re.S)
        ranges = []
        for k, text in re.findall(r'data-class="(\d)"></rect><text [^>]*>([^<]*)</text>', lg.group(1) if lg else ""):
            m = re.fullmatch(r"(\d+)(?:–(\d+))?%", text)
            ranges.append((int(k), int(m.group(1)), int(m.group(2) or m.group(1))) if m else (int(k), None, text))
        ok = len(ranges) == 5 and all(r[1] is not None and r[1] <= r[2] for r in ranges) \
            and all(a[2] < b[1] for a, b in zip(ranges, ranges[1:]))
        C.check(ok, "%s: the legend's classes are disjoint ranges of whole percents, rising" % lang, str(ranges))
        bad = [(k, v) for _, k, v, _ in cells if ok and not ranges[int(k)][1] <= int(v) <= ranges[int(k)][2]]
        C.check(ok and not bad, "%s: every cell's value is in its class's range" % lang, str(bad[:5]))
    note = re.search(r'<p class="note" id="heatmap-scale">(.*?)</p>', t, re.S)
    C.check(note and "%d%%" % values[0] in note.group(1) and "%d%%" % values[-1] in note.group(1),
            "the legend's note gives the cells' real minimum and maximum",
            (note.group(1) if note else "none") + " %d..%d" % (values[0], values[-1]))


def main():
    mm.need_env()
    T = mm.fresh_tmp()
    db = os.path.join(T, "analyst.db")
    _, otp = mm.admin_init(db, "root")
    cp = mm.run(["admin", "seed-demo", "--db", mm.db_url(db), "--contractors", "60", "--submissions", "2",
                 "--seed", "1"], timeout=120)
    C.check(cp.returncode == 0, "seed-demo", cp.stderr[-500:])
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    try:
        sess = mm.activate(srv, "root", otp)
        rt = mm.token_client(srv, sess, "analyst")
        # a Rev 3 contractor whose submission has a score (met count) but requirements not
        # assessed: status no-valid-score with a number, where the card and the chart's note
        # used to disagree
        org = mm.create_org(rt, "Hokuto Test K.K.", identifiers={"cage": "8HK99"})
        admin = mm.make_user(srv, rt, org["id"], "hokuto", "contractor-admin")
        pub, _ = mm.keygen("Hokuto Test K.K.", os.path.join(T, "h.key"))
        mm.expect(mm.register_key(admin, org["id"], pub), 201, "key of Hokuto")
        signed = mm.sign(mm.EXAMPLE_R3, os.path.join(T, "h.key"), os.path.join(T, "h.signed.json"))
        mm.expect(mm.submit(admin, signed), 201, "submission of Hokuto")
        latest = [it for it in all_contractors(rt)["items"] if it["id"] == org["id"]][0]["latest"]
        C.check(latest["status"] == "no-valid-score" and isinstance(latest["score"], int),
                "Hokuto: no valid score, yet a number", str(latest))
        rankings(rt, sess)
        overdue(rt, sess)
        heatmap(sess)
        rc = srv.stop()
        C.check(rc == 0, "exit 0 after SIGTERM", "exit %s" % rc)
        C.check("AddressSanitizer" not in srv.log_text(), "no sanitizer report in the log")
    finally:
        srv.kill()
    C.finish()


if __name__ == "__main__":
    main()
