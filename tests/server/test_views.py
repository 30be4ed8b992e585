#!/usr/bin/env python3
"""Process-level test of the analyst's views (issue 18, part 2; docs/dashboard.md "Filters",
"Trends", "What changed"; docs/api.md): on seeded data (`mamori admin seed-demo`, both
frameworks, a supply network),

1. the contractor list's filters (sector, score range, assessed and received dates, the
   supply graph, status conditional-expired) keep exactly the contractors the full list says
   match, in the API and on the page (the page's URL gives the same rows again); a bad value
   is a 400 naming the parameter, on the API and the page;
2. the streamed CSV (/api/v1/contractors.csv) has one row per contractor of the filtered
   total, sent chunked, with cells that start like a formula and bidirectional controls made
   harmless;
3. the portfolio trend: the last month's status counts per framework are the list's, its
   median score the median of the list's latest scores;
4. what changed since a day: the new submissions and status changes are those of the
   contractors' submission lists;
5. the overview's overdue counts agree with /api/v1/poam/overdue and the list;
6. the requirement page pages its contractors; the diff page names requirements by title; the
   contractor page has a print button.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP (as CMake sets them); MM_TEST_DB_URL for PostgreSQL.
Standard library only.
"""

import csv
import datetime
import html
import io
import os
import re
import statistics
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

C = mm.Checker()
MAX = {"800-171r2": 110, "800-171r3": 97}
HTML = {"Accept": "text/html"}
LIMIT_MS = 10000  # an allowed extreme of ?months= or ?since= answers within this (ASan build, loaded machine)


def page(c, path, want=200):
    r = c.get(path, headers=HTML)
    C.status(r, want, "GET " + path)
    return r.text


def listing(rt, query=""):
    """Every contractor of the list with query (pages of 1,000)."""
    out, n = [], 1
    while True:
        r = rt.get("/api/v1/contractors?per_page=1000&page=%d%s" % (n, query))
        C.status(r, 200, "GET /api/v1/contractors" + query)
        out += r.json["items"]
        if len(out) >= r.json["total"] or not r.json["items"]:
            return out, r.json["total"]
        n += 1


def pct(it):
    latest = it.get("latest") or {}
    sc = latest.get("score")
    return None if sc is None else 100.0 * sc / MAX[latest["framework"]]


def filters(rt, sess, items):
    ids = lambda xs: sorted(it["id"] for it in xs)  # noqa: E731
    sectors = sorted({(it.get("identifiers") or {}).get("sector") or "unknown" for it in items})
    C.check(len(sectors) > 1, "the seeded contractors have several sectors", str(sectors))
    sec = sectors[len(sectors) // 2]
    days = sorted((it.get("latest") or {}).get("assessed") for it in items if it.get("latest"))
    recv = sorted((it.get("latest") or {}).get("received")[:10] for it in items if it.get("latest"))
    a0, a1 = days[len(days) // 4], days[3 * len(days) // 4]
    r0, r1 = recv[len(recv) // 3], recv[2 * len(recv) // 3]
    cases = [
        ("sector=" + urllib.parse.quote(sec),
         lambda it: ((it.get("identifiers") or {}).get("sector") or "unknown") == sec),
        ("score_min=60&score_max=90", lambda it: pct(it) is not None and 60 <= pct(it) <= 90),
        ("score_max=0", lambda it: pct(it) is not None and pct(it) <= 0),
        ("assessed_from=%s&assessed_to=%s" % (a0, a1),
         lambda it: it.get("latest") and a0 <= it["latest"]["assessed"] <= a1),
        ("received_from=%s&received_to=%s" % (r0, r1),
         lambda it: it.get("latest") and r0 <= it["latest"]["received"][:10] <= r1),
        ("status=conditional-expired", lambda it: it["status"] == "conditional-expired"),
        ("framework=800-171r3&score_min=80",
         lambda it: (it.get("latest") or {}).get("framework") == "800-171r3" and pct(it) is not None
         and pct(it) >= 80),
    ]
    for q, keep in cases:
        want = [it for it in items if keep(it)]
        got, total = listing(rt, "&" + q)
        C.check(total == len(want) and ids(got) == ids(want),
                "?%s keeps the %d contractors it names" % (q, len(want)), "got %d" % total)
    C.check(any(it["status"] == "conditional-expired" for it in items),
            "the seeded data has a conditional-expired contractor")
    # the supply graph: primes and suppliers (active edges), and one prime's suppliers
    primes, _ = listing(rt, "&supply=prime")
    sups, _ = listing(rt, "&supply=supplier")
    C.check(primes and sups, "the seeded network has primes and suppliers",
            "%d %d" % (len(primes), len(sups)))
    p0 = primes[0]["id"]
    r = rt.get("/api/v1/organizations/%s/suppliers?per_page=1000" % p0)
    C.status(r, 200, "GET the prime's suppliers")
    direct = {e["supplier_id"] for e in (r.json.get("items") or []) if e.get("tier") == 1}
    C.check(direct, "the prime has direct suppliers")
    of, total = listing(rt, "&supplier_of=" + p0)
    C.check({it["id"] for it in of} == direct and total == len(direct),
            "?supplier_of= keeps the prime's %d active suppliers" % len(direct),
            "%s vs %s" % (sorted(it["id"] for it in of)[:5], sorted(direct)[:5]))
    # bad values: 400 naming the parameter (API and page)
    for q, name in (("score_min=abc", "score_min"), ("score_max=101", "score_max"),
                    ("assessed_from=2026-13-01", "assessed_from"), ("received_to=yesterday", "received_to"),
                    ("supply=customer", "supply"), ("sector=" + "x" * 101, "sector")):
        r = rt.get("/api/v1/contractors?" + q)
        C.check(r.status == 400 and ("?%s=" % name) in (r.error_message() or ""),
                "API ?%s: 400 naming %s" % (q[:30], name), r.text[:200])
        r = sess.get("/contractors?" + q, headers=HTML)
        C.check(r.status == 400 and ("?%s=" % name) in r.text, "page ?%s: 400 naming %s" % (q[:30], name))
        r = rt.get("/api/v1/contractors.csv?" + q)
        C.status(r, 400, "CSV ?%s: 400" % q[:30])
    # the page: the same rows as the API, again on reload, the filters shown as set, the CSV
    # link carrying them
    q = "framework=800-171r2&score_min=50&sort=score&order=desc"
    want, total = listing(rt, "&" + q)
    t1 = page(sess, "/contractors?" + q)
    t2 = page(sess, "/contractors?" + q)
    rows1 = re.findall(r'<tr data-org-id="([^"]+)"', t1)
    C.check(rows1 == [it["id"] for it in want[:50]], "the page's rows are the API's", str(rows1[:3]))
    C.check(rows1 == re.findall(r'<tr data-org-id="([^"]+)"', t2), "the URL gives the same rows again")
    C.check('id="f-score_min" name="score_min" type="number" min="-300" max="100" step="1" value="50"'
            in t1, "the page shows the score filter set")
    C.check(re.search(r'<details id="more-filters" class="filters-more" open>', t1),
            "the more-filters box is open when one of them is set")
    link = re.search(r'id="csv-export" href="([^"]+)"', t1).group(1).replace("&amp;", "&")
    C.check(link.startswith("/api/v1/contractors.csv?") and "score_min=50" in link
            and "framework=800-171r2" in link, "the CSV link carries the filters", link)
    return link


def csv_export(rt, link, total):
    r = rt.get(link)
    C.status(r, 200, "GET " + link)
    C.check(r.header("Content-Type", "").startswith("text/csv"), "CSV content type")
    C.check(r.header("Transfer-Encoding", "") == "chunked", "the CSV is streamed (chunked)",
            str(r.headers))
    rows = list(csv.reader(io.StringIO(r.text)))
    C.check(len(rows) - 1 == total, "the CSV has the filtered total's %d rows" % total, str(len(rows) - 1))
    r = rt.get("/api/v1/contractors.csv")
    _, all_total = listing(rt)
    rows = list(csv.reader(io.StringIO(r.text)))
    C.check(len(rows) - 1 == all_total, "the unfiltered CSV has all %d contractors" % all_total,
            str(len(rows) - 1))
    C.check(rows[0][0] == "id" and rows[0][-1] == "affirmation_overdue", "the CSV header: ?format=csv's",
            str(rows[0]))
    # a name that starts like a formula and one with a right-to-left override
    for name in ("=HYPERLINK(\"http://x\")", "Acme \u202egnp.exe"):
        mm.create_org(rt, name)
    r = rt.get("/api/v1/contractors.csv?q=" + urllib.parse.quote("HYPERLINK"))
    rows = list(csv.reader(io.StringIO(r.text)))
    C.check(len(rows) == 2 and rows[1][1].startswith("'="), "a formula cell is quoted as text", str(rows))
    r = rt.get("/api/v1/contractors.csv?q=Acme")
    C.check("\u202e" not in r.text and "<U+202E>" in r.text, "a bidi control is shown, not kept")


def trends(rt, sess, items):
    r = rt.get("/api/v1/trends?months=3")
    C.status(r, 200, "GET /api/v1/trends?months=3")
    months = r.json["months"]
    C.check(len(months) == 3, "three months", str(len(months)))
    today = datetime.date.today().isoformat()
    last = months[-1]
    C.check(last["month"] == today[:7] and last["as_of"] <= today, "the last month is this one",
            str(last)[:200])
    for fw in MAX:
        mine = [it for it in items if (it.get("latest") or {}).get("framework") == fw]
        f = last["frameworks"][fw]
        C.check(f["contractors"] == len(mine), "%s: every contractor on it counted" % fw,
                "%d vs %d" % (f["contractors"], len(mine)))
        want = {}
        for it in mine:
            want[it["status"]] = want.get(it["status"], 0) + 1
        C.check(f["statuses"] == want, "%s: the status counts are the list's" % fw,
                "%s vs %s" % (f["statuses"], want))
        scores = [it["latest"]["score"] for it in mine if it["latest"].get("score") is not None]
        C.check(scores and abs(f["median_score"] - statistics.median(scores)) < 1e-9,
                "%s: the median score is the list's" % fw,
                "%s vs %s" % (f["median_score"], statistics.median(scores) if scores else None))
    prev = months[0]["frameworks"]["800-171r2"]["contractors"]
    C.check(prev <= months[-1]["frameworks"]["800-171r2"]["contractors"] + 1000, "months earlier")
    for bad in ("0", "61", "x"):
        r = rt.get("/api/v1/trends?months=" + bad)
        C.check(r.status == 400 and "?months=" in (r.error_message() or ""), "?months=%s: 400" % bad)
    t = page(sess, "/trends?months=3")
    for fw in MAX:
        tab = re.search(r'<table class="data" id="trend-table-%s">.*?</table>' % fw, t, re.S)
        C.check(tab, "the trend table of %s" % fw)
        row = re.search(r'<tr data-month="%s">(.*?)</tr>' % today[:7], tab.group(0) if tab else "", re.S)
        f = last["frameworks"][fw]
        C.check(row and '<td class="num">%d</td>' % f["contractors"] in row.group(1)
                and "%.1f" % f["median_score"] in row.group(1),
                "the page's %s row of this month is the API's" % fw)
        C.check('id="fig-trend-status-%s"' % fw in t and 'id="fig-trend-median-%s"' % fw in t,
                "the %s charts" % fw)
    page(sess, "/trends?months=99", 400)
    # the allowed extreme (60 months, routes.c) answers in reasonable time; one past it is a
    # 400 naming the parameter, on the API and the page
    for path in ("/api/v1/trends?months=60", "/trends?months=60"):
        t0 = time.monotonic()
        r = (rt if path.startswith("/api") else sess).get(path, headers=HTML)
        ms = (time.monotonic() - t0) * 1000
        C.check(r.status == 200 and ms < LIMIT_MS, "%s: 200 within %d ms" % (path, LIMIT_MS),
                "%d in %.0f ms" % (r.status, ms))
        print("     %s: %.0f ms" % (path, ms))
    r = rt.get("/api/v1/trends?months=60")
    C.check(r.status == 200 and len(r.json["months"]) == 60, "60 months", str(len((r.json or {}).get("months", []))))
    r = sess.get("/trends?months=61", headers=HTML)
    err = re.search(r'<div class="error" role="alert">(.*?)</div>', r.text, re.S)
    C.check(r.status == 400 and err and "?months=61" in err.group(1), "/trends?months=61: a 400 page naming months",
            "%d %s" % (r.status, err and err.group(1)))


def changes(rt, sess, items):
    since = (datetime.date.today() - datetime.timedelta(days=120)).isoformat()
    subs = []
    for it in items:
        r = rt.get("/api/v1/organizations/%s/submissions?per_page=100" % it["id"])
        C.status(r, 200, "submissions of " + it["id"])
        lst = sorted(r.json["items"], key=lambda s: (s["received"], s["id"]))
        prev = None
        for s in lst:
            subs.append((s, prev))
            prev = s
    new = [(s, p) for s, p in subs if s["received"] >= since]
    changed = [(s, p) for s, p in new if p and p.get("status") != s.get("status")]
    r = rt.get("/api/v1/changes?since=" + since)
    C.status(r, 200, "GET /api/v1/changes")
    j = r.json
    C.check(j["new_submissions"] == len(new), "the new submissions since %s" % since,
            "%s vs %d" % (j["new_submissions"], len(new)))
    C.check(j["status_changes"] == len(changed), "the status changes since %s" % since,
            "%s vs %d" % (j["status_changes"], len(changed)))
    C.check(len(new) > 0 and len(changed) > 0, "the seeded data has some of each",
            "%d %d" % (len(new), len(changed)))
    C.check([s["id"] for s in j["submissions"]] ==
            [s["id"] for s, _ in sorted(new, key=lambda x: (x[0]["received"], x[0]["id"]), reverse=True)][:200]
            or len(j["submissions"]) == min(200, len(new)), "the newest first")
    # the conditional statuses that ran out since the day: every latest Rev 2 conditional
    # received in [since - 180, today - 180)
    d0 = (datetime.date.fromisoformat(since) - datetime.timedelta(days=180)).isoformat()
    d1 = (datetime.date.today() - datetime.timedelta(days=180)).isoformat()
    exp = [it for it in items if (it.get("latest") or {}).get("framework") == "800-171r2"
           and it["latest"].get("status") in ("conditional", "conditional-expired")
           and d0 <= it["latest"]["received"][:10] < d1]
    C.check(j["conditional_expired_total"] == len(exp) and len(j["conditional_expired"]) == min(200, len(exp)),
            "the conditional statuses expired since %s: %d" % (since, len(exp)),
            "%s vs %d" % (j["conditional_expired_total"], len(exp)))
    t = page(sess, "/changes?since=" + since)
    m = re.search(r'<li id="count-expired" data-count="(\d+)">', t)
    C.check(m and int(m.group(1)) == len(exp), "the page counts every expired status")
    m = re.search(r'<li id="count-new" data-count="(\d+)">', t)
    C.check(m and int(m.group(1)) == len(new), "the page's count of new submissions")
    m = re.search(r'<li id="count-changed" data-count="(\d+)">', t)
    C.check(m and int(m.group(1)) == len(changed), "the page's count of status changes")
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    C.status(rt.get("/api/v1/changes?since=" + future), 400, "a day after today: 400")
    page(sess, "/changes?since=" + future, 400)
    page(sess, "/changes?since=2026-02-30", 400)
    # the extremes: the oldest day a date may be (1900-01-01, mm_is_date) and today answer 200
    # in reasonable time; the day before 1900 and tomorrow are a 400 naming since
    today = datetime.date.today()
    for day in ("1900-01-01", today.isoformat()):
        for path in ("/api/v1/changes?since=" + day, "/changes?since=" + day):
            t0 = time.monotonic()
            r = (rt if path.startswith("/api") else sess).get(path, headers=HTML)
            ms = (time.monotonic() - t0) * 1000
            C.check(r.status == 200 and ms < LIMIT_MS, "%s: 200 within %d ms" % (path, LIMIT_MS),
                    "%d in %.0f ms" % (r.status, ms))
            print("     %s: %.0f ms" % (path, ms))
    r = rt.get("/api/v1/changes?since=1900-01-01")
    C.check(r.status == 200 and r.json["new_submissions"] == sum(1 for _ in subs),
            "since 1900: every submission", "%s vs %d" % ((r.json or {}).get("new_submissions"), len(subs)))
    for day in ("1899-12-31", (today + datetime.timedelta(days=1)).isoformat()):
        r = rt.get("/api/v1/changes?since=" + day)
        C.check(r.status == 400 and (r.error_message() or "").startswith("?since=%s: " % day),
                "?since=%s: 400 naming since" % day, "%d %s" % (r.status, r.text[:200]))
        r = sess.get("/changes?since=" + day, headers=HTML)
        err = re.search(r'<div class="error" role="alert">(.*?)</div>', r.text, re.S)
        C.check(r.status == 400 and err and "?since=" + day in err.group(1),
                "/changes?since=%s: a 400 page naming since" % day, "%d %s" % (r.status, err and err.group(1)))


def overdue_counts(rt, sess, items):
    r = rt.get("/api/v1/poam/overdue?per_page=1")
    total = r.json["total"]
    with_od = sum(1 for it in items if it.get("overdue", 0) > 0)
    t = page(sess, "/overview")
    m = re.search(r'<table class="data" id="overdue-ages">(.*?)</table>', t, re.S)
    C.check(m, "the overview has the overdue counts by age")
    if m:
        nums = [int(x) for x in re.findall(r'<td class="num">(\d+)</td>', m.group(1))]
        C.check(sum(nums) == total, "the ages add up to the overdue total %d" % total, str(nums))
    m = re.search(r'id="overdue-contractors" data-count="(\d+)"', t)
    C.check(m and int(m.group(1)) == with_od, "the overview counts %d contractors overdue" % with_od)
    C.check('id="overdue-requirements"' in t, "the requirements with the most overdue milestones")


def requirement_paging(rt, sess):
    r = rt.get("/api/v1/requirements/failures?limit=1000")
    C.status(r, 200, "GET /api/v1/requirements/failures")
    fails = r.json["items"] if isinstance(r.json, dict) else r.json
    top = max(fails, key=lambda f: f["contractors"])
    n = top["contractors"]
    C.check(n > 50, "a requirement fails at more than one page of contractors", str(n))
    seen = []
    for pg in range(1, (n + 49) // 50 + 1):
        t = page(sess, "/requirements/%s?page=%d" % (top["requirement"], pg))
        tab = re.search(r'<table id="failing-contractors".*?</table>', t, re.S).group(0)
        rows = re.findall(r'<tr data-org-id="([^"]+)"', tab)
        C.check(len(rows) == min(50, n - 50 * (pg - 1)), "requirement page %d: its rows" % pg, str(len(rows)))
        info = re.search(r'<span id="page-info">(.*?)</span>', t).group(1)
        C.check("of %d" % n in info, "page %d says of %d" % (pg, n), info)
        C.check(('rel="next"' in t) == (pg * 50 < n), "page %d: a next link when more follow" % pg)
        seen += rows
    C.check(len(seen) == n and len(set(seen)) == n, "the pages show each of the %d contractors once" % n,
            "%d seen, %d distinct" % (len(seen), len(set(seen))))
    page(sess, "/requirements/%s?page=0" % top["requirement"], 400)
    return {f["requirement"]: f.get("title") for f in fails}


def diff_titles(rt, sess, items, titles):
    for it in items:
        r = rt.get("/api/v1/organizations/%s/submissions?per_page=100" % it["id"])
        subs = r.json["items"]
        pairs = [(a, b) for a in subs for b in subs if a["id"] < b["id"] and a["framework"] == b["framework"]]
        if not pairs:
            continue
        a, b = pairs[0]
        t = page(sess, "/contractors/%s/diff?a=%s&b=%s" % (it["id"], a["id"], b["id"]))
        lis = re.findall(r'<ul id="(?:fixed|new-gaps|changed)" class="ids">(.*?)</ul>', t, re.S)
        items_li = [li for ul in lis for li in re.findall(r"<li>(.*?)</li>", ul, re.S)]
        if not items_li:
            continue
        C.check(all('<span class="req-title" lang="en">' in li for li in items_li),
                "the diff page names each requirement with its title", items_li[0][:200])
        named = [(re.search(r'href="/requirements/([^"]+)"', li), re.search(r'lang="en">(.*?)</span>', li))
                 for li in items_li]
        known = [(m1.group(1), m2.group(1)) for m1, m2 in named if m1 and m2 and titles.get(m1.group(1))]
        C.check(all(html.unescape(tt) == titles[rid] for rid, tt in known),
                "the titles are the catalog's", str(known[:2]))
        return
    C.check(False, "a contractor with two comparable submissions and differences")


def printable(sess, items):
    t = page(sess, "/contractors/" + items[0]["id"])
    C.check('<button type="button" id="print-report" hidden>' in t, "the contractor page has a print button")
    C.check('<p class="print-only" id="printed-note">' in t, "and a note for the printed page")
    css = sess.get("/static/app.css")
    C.status(css, 200, "GET /static/app.css")
    C.check("@media print" in css.text and ".print-only{display:block" in css.text,
            "the stylesheet prints the note")


def main():
    mm.need_env()
    T = mm.fresh_tmp()
    db = os.path.join(T, "views.db")
    _, otp = mm.admin_init(db, "root")
    cp = mm.run(["admin", "seed-demo", "--db", mm.db_url(db), "--contractors", "400", "--submissions", "2",
                 "--seed", "7"], timeout=300)
    C.check(cp.returncode == 0, "seed-demo", cp.stderr[-500:])
    srv = mm.Server(db, os.path.join(T, "serve.log")).start()
    try:
        sess = mm.activate(srv, "root", otp)
        rt = mm.token_client(srv, sess, "analyst")
        items, total = listing(rt)
        link = filters(rt, sess, items)
        _, ftotal = listing(rt, "&" + link.split("?", 1)[1])
        csv_export(rt, link, ftotal)
        items, total = listing(rt)
        trends(rt, sess, items)
        changes(rt, sess, items)
        overdue_counts(rt, sess, items)
        titles = requirement_paging(rt, sess)
        diff_titles(rt, sess, items, titles)
        printable(sess, items)
        rc = srv.stop()
        C.check(rc == 0, "exit 0 after SIGTERM", "exit %s" % rc)
        C.check("AddressSanitizer" not in srv.log_text(), "no sanitizer report in the log")
    finally:
        srv.kill()
    C.finish()


if __name__ == "__main__":
    main()
