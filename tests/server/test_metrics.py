#!/usr/bin/env python3
"""GET /metrics scraped as Prometheus does (docs/api.md "Monitoring", docs/operations.md).

- who: 401 without credentials, 403 for a contractor's token, 200 for an authority-analyst's
  token (the scraper's account);
- the answer is the text exposition format 0.0.4: every sample line is NAME{LABELS} VALUE,
  every metric has its HELP and TYPE before its samples, histogram buckets are cumulative and
  end with +Inf equal to _count;
- the counters move with what happens: two 404s add 2 to code="4xx", an accepted submission
  adds 1 to result="accepted" and a refused one (a replay: 409) 1 to result="refused", the
  request count grows by at least the requests made.
"""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402
from test_web import Browser  # noqa: E402

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"'
                    r'(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*)?\})? (-?[0-9.e+-]+|\+Inf|NaN)$')


def parse(text, c):
    """{(name, labels-text): value}; checks the format on the way."""
    out, typed, helped = {}, {}, set()
    for ln in text.splitlines():
        if ln.startswith("# HELP "):
            helped.add(ln.split()[2])
            continue
        if ln.startswith("# TYPE "):
            _, _, name, kind = ln.split()
            typed[name] = kind
            continue
        m = SAMPLE.match(ln)
        if not c.check(m is not None, "a sample line: %r" % ln) or m is None:
            continue
        name = m.group(1)
        base = re.sub(r"_(bucket|sum|count)$", "", name) if name not in typed else name
        if not (base in typed and base in helped):
            c.check(False, "HELP and TYPE before %s" % name)
        out[(name, m.group(3) or "")] = float(m.group(5))
    return out, typed


def main():
    tmp = mm.fresh_tmp()
    c = mm.Checker()
    db = os.path.join(tmp, "mamori.db")
    auth_org, otp = mm.admin_init(db)
    srv = mm.Server(db, os.path.join(tmp, "serve.log"))
    srv.start()
    admin = mm.activate(srv, "root", otp)
    scraper = mm.make_user(srv, admin, auth_org, "prometheus", "authority-analyst")
    org = mm.create_org(admin, "Metrics Contractor")
    contractor = mm.make_user(srv, admin, org["id"], "kadmin", "contractor-admin")

    c.check(mm.request(srv.port, "GET", "/metrics").status == 401, "anonymous: 401")
    c.status(contractor.get("/metrics"), 403, "a contractor's token: 403")
    r = scraper.get("/metrics")
    c.status(r, 200, "an authority-analyst's token: 200")
    c.check((r.header("Content-Type") or "").startswith("text/plain; version=0.0.4"),
            "Content-Type text/plain; version=0.0.4", str(r.header("Content-Type")))
    before, typed = parse(r.text, c)
    for name, kind in (("mamori_http_requests_total", "counter"),
                       ("mamori_http_request_duration_seconds", "histogram"),
                       ("mamori_submissions_total", "counter"),
                       ("mamori_http_errors_total", "counter"),
                       ("mamori_http_requests_in_flight", "gauge"),
                       ("mamori_db_pool_waiting", "gauge"),
                       ("mamori_db_pool_idle", "gauge")):
        c.check(typed.get(name) == kind, "%s is a %s" % (name, kind), str(typed.get(name)))
    # the requests before it count as in flight until libmicrohttpd reports them complete,
    # which can come just after their answers were read: scrape until only the scrape is (5 s)
    deadline = time.time() + 5
    while before.get(("mamori_http_requests_in_flight", "")) != 1.0 and time.time() < deadline:
        time.sleep(0.05)
        before, _ = parse(scraper.get("/metrics").text, c)
    c.check(before.get(("mamori_http_requests_in_flight", "")) == 1.0,
            "in flight: the scrape itself", str(before.get(("mamori_http_requests_in_flight", ""))))

    # what happens, then the counters again
    for _ in range(2):
        mm.request(srv.port, "GET", "/api/v1/no-such-thing")
    pub, _ = mm.keygen("Metrics Contractor", os.path.join(tmp, "k.json"))
    mm.expect(mm.register_key(contractor, org["id"], pub), 201, "register the key")
    signed = mm.sign(mm.EXAMPLE_R3, os.path.join(tmp, "k.json"), os.path.join(tmp, "s.json"))
    c.status(mm.submit(contractor, signed), 201, "a submission accepted")
    c.status(mm.submit(contractor, signed), 409, "the same again: refused (replay)")
    # a request is counted when libmicrohttpd reports it complete, which can come just after
    # the client has read the answer, and on another thread than the next request's: scrape
    # again until every request above is in (at most 5 s)
    deadline = time.time() + 5
    want = ((("mamori_submissions_total", 'result="accepted"'), 1),
            (("mamori_submissions_total", 'result="refused"'), 1),
            (("mamori_http_request_duration_seconds_count", ""), 6))
    while True:
        after, _ = parse(scraper.get("/metrics").text, c)
        if all(after.get(k, 0) - before.get(k, 0) >= n for k, n in want) or time.time() > deadline:
            break
        time.sleep(0.05)

    def delta(name, labels=""):
        return after.get((name, labels), 0) - before.get((name, labels), 0)

    c.check(delta("mamori_http_requests_total", 'code="4xx"') >= 3,
            "4xx grew by the two 404s and the 409",
            str(delta("mamori_http_requests_total", 'code="4xx"')))
    c.check(delta("mamori_submissions_total", 'result="accepted"') == 1, "accepted +1")
    c.check(delta("mamori_submissions_total", 'result="refused"') == 1, "refused +1")
    c.check(delta("mamori_http_request_duration_seconds_count") >= 6, "the latency count grew")
    buckets = sorted(((float(re.search(r'le="([^"]+)"', k[1]).group(1).replace("+Inf", "inf")), v)
                      for k, v in after.items()
                      if k[0] == "mamori_http_request_duration_seconds_bucket"))
    c.check(len(buckets) == 12 and all(buckets[i][1] <= buckets[i + 1][1]
                                       for i in range(len(buckets) - 1)),
            "buckets are cumulative", str(buckets))
    c.check(buckets and buckets[-1][1] == after.get(("mamori_http_request_duration_seconds_count",
                                                      "")), "+Inf equals _count")
    c.check(after.get(("mamori_db_pool_connections", ""), 0) >= 1, "the pool's size")

    # the overview's cache: kept across logons and audited reads, built again after a write
    def page_cache():
        m, _ = parse(scraper.get("/metrics").text, c)
        return m.get(("mamori_page_cache_total", 'result="hit"'), 0), \
            m.get(("mamori_page_cache_total", 'result="miss"'), 0)

    root = Browser(srv)
    root.login("root", mm.GOOD_PASSWORD)
    c.status(root.get("/overview"), 200, "the overview")
    hit0, miss0 = page_cache()
    for i in range(3):
        b = Browser(srv)
        c.check(b.login("kadmin", mm.GOOD_PASSWORD).status == 303, "a contractor logs on (%d)" % i)
        mm.logon(srv, "prometheus", mm.GOOD_PASSWORD)
        c.status(root.get("/overview"), 200, "the overview after the logons (%d)" % i)
    hit1, miss1 = page_cache()
    c.check(miss1 == miss0 and hit1 == hit0 + 3, "logons do not rebuild the overview: 3 hits, no miss",
            "hits %s -> %s, misses %s -> %s" % (hit0, hit1, miss0, miss1))
    signed = mm.sign(mm.EXAMPLE_R3, os.path.join(tmp, "k.json"), os.path.join(tmp, "s2.json"), date="2026-11-21")
    c.status(mm.submit(contractor, signed), 201, "a new submission")
    hit2, miss2 = page_cache()
    page = root.get("/overview")
    hit3, miss3 = page_cache()
    c.check(miss3 == miss2 + 1 and hit3 == hit2, "a new submission: the next overview is built again",
            "hits %s -> %s, misses %s -> %s" % (hit2, hit3, miss2, miss3))
    c.status(page, 200, "the overview after the submission")
    srv.stop()
    c.finish()


if __name__ == "__main__":
    main()
