#!/usr/bin/env python3
"""The access matrix of `mamori serve` (docs/api.md, "Roles and who sees what"): every
endpoint of the spec's table x every role (and anonymous) x own / other organization, prime ->
subcontractor with and without consent, a nonexistent organization; and need-to-know re-sharing
of a TLP:AMBER item (POST /api/v1/items/{id}/reshare) subject by subject. Each cell asserts the
exact status (401 anonymous, 404 a resource of an organization the caller may not read, 403
a readable organization but a role that does not allow it, 2xx allowed) and, for allowed
reads, that the body holds only what that caller may see.

The expectations are computed from the spec's rules (want() below), kept as data next to the
endpoint list (ENDPOINTS), which is checked against docs/api.md's table.

Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mmserver as mm  # noqa: E402

NX = "00000000-0000-4000-8000-000000000000"  # an organization / submission that does not exist

# The endpoints of docs/api.md's table, with its "needs" column verbatim. One place only.
ENDPOINTS = [
    ("GET", "/healthz", "nothing"),
    ("GET", "/readyz", "nothing"),
    ("GET", "/metrics", "authority-read"),
    ("GET", "/api/v1/audit", "authority-admin"),
    ("POST", "/api/v1/audit/verify", "authority-admin"),
    ("GET", "/api/v1/audit.csv", "authority-admin"),
    ("GET", "/api/v1/version", "nothing"),
    ("GET", "/api/v1/server-key", "nothing"),
    ("POST", "/api/v1/session", "nothing"),
    ("GET", "/api/v1/session", "self"),
    ("DELETE", "/api/v1/session", "self"),
    ("POST", "/api/v1/password", "self"),
    ("GET", "/api/v1/tokens", "self"),
    ("POST", "/api/v1/tokens", "self"),
    ("DELETE", "/api/v1/tokens/{id}", "self"),
    ("GET", "/api/v1/contractors", "authority-read"),
    ("POST", "/api/v1/organizations", "authority-admin"),
    ("GET", "/api/v1/organizations/{org}", "org: summary"),
    ("PUT", "/api/v1/organizations/{org}", "authority-admin"),
    ("GET", "/api/v1/organizations/{org}/subcontractors", "org: read"),
    ("PUT", "/api/v1/organizations/{org}/consent", "org: admin (contractor-admin)"),
    ("GET", "/api/v1/organizations/{org}/users", "org: users"),
    ("POST", "/api/v1/organizations/{org}/users", "org: users"),
    ("POST", "/api/v1/organizations/{org}/users/{id}/unlock", "org: users"),
    ("POST", "/api/v1/organizations/{org}/users/{id}/reset", "org: users"),
    ("POST", "/api/v1/organizations/{org}/users/{id}/disable", "org: users"),
    ("POST", "/api/v1/organizations/{org}/users/{id}/enable", "org: users"),
    ("DELETE", "/api/v1/organizations/{org}/users/{id}", "org: users"),
    ("GET", "/api/v1/organizations/{org}/keys", "org: read"),
    ("POST", "/api/v1/organizations/{org}/keys", "org: keys (contractor-admin)"),
    ("DELETE", "/api/v1/organizations/{org}/keys/{id}", "org: keys"),
    ("GET", "/api/v1/organizations/{org}/submissions", "org: read"),
    ("POST", "/api/v1/organizations/{org}/affirmations", "org: admin (contractor-admin)"),
    ("GET", "/api/v1/organizations/{org}/affirmations", "org: read"),
    ("POST", "/api/v1/submissions", "submit (contractor)"),
    ("GET", "/api/v1/submissions/{id}", "org of it: read"),
    ("GET", "/api/v1/submissions/{id}/diff/{other}", "org of both: read"),
    ("GET", "/api/v1/submissions/{id}/receipt", "the submitting organization only"),
    ("GET", "/api/v1/requirements/failures", "authority-read"),
    ("GET", "/api/v1/poam/overdue", "authority-read"),
    # the analyst's views (issue 18, docs/dashboard.md): the whole filtered list as CSV, the
    # portfolio trend, what changed since a day
    ("GET", "/api/v1/contractors.csv", "authority-read"),
    ("GET", "/api/v1/trends", "authority-read"),
    ("GET", "/api/v1/changes", "authority-read"),
    ("GET", "/api/v1/products", "authority-read"),
    ("GET", "/api/v1/organizations/{org}/products", "org: read"),
    ("POST", "/api/v1/organizations/{org}/products", "org: admin (contractor-admin)"),
    ("GET", "/api/v1/organizations/{org}/products/{id}", "org: read"),
    ("POST", "/api/v1/organizations/{org}/products/{id}/labels", "org: admin (contractor-admin)"),
    ("GET", "/api/v1/organizations/{org}/products/{id}/recognition", "org: read"),
    # TAXII 2.1 (docs/taxii.md): what a collection holds is the sharing core's decision
    ("GET", "/taxii2/", "self"),
    ("GET", "/taxii2/api/", "self"),
    ("GET", "/taxii2/api/status/{id}/", "self (its poster)"),
    ("GET", "/taxii2/api/collections/", "self"),
    ("GET", "/taxii2/api/collections/{id}/", "self (its collections)"),
    ("GET", "/taxii2/api/collections/{id}/manifest/", "self (its collections)"),
    ("GET", "/taxii2/api/collections/{id}/objects/", "self (its collections)"),
    ("POST", "/taxii2/api/collections/{id}/objects/", "self (its collections)"),
    ("GET", "/taxii2/api/collections/{id}/objects/{object}/", "self (its collections)"),
    ("GET", "/taxii2/api/collections/{id}/objects/{object}/versions/", "self (its collections)"),
    ("POST", "/api/v1/federation/run", "authority-admin"),
    ("GET", "/api/v1/clearances", "authority-read"),
    ("POST", "/api/v1/clearances", "authority-admin"),
    ("POST", "/api/v1/clearances/{id}/revoke", "authority-admin"),
    ("GET", "/api/v1/clearance-policy", "authority-read"),
    ("POST", "/api/v1/clearance-policy", "authority-admin"),
    ("DELETE", "/api/v1/clearance-policy/{id}", "authority-admin"),
    ("GET", "/api/v1/ntk-groups", "self"),
    ("POST", "/api/v1/ntk-groups", "authority-admin"),
    ("POST", "/api/v1/ntk-groups/{id}/members", "self"),
    ("DELETE", "/api/v1/ntk-groups/{id}/members/{login}", "self"),
    # the supply chain (issue 14, docs/supply-chain.md)
    ("GET", "/api/v1/clauses", "self"),
    ("PUT", "/api/v1/clauses/{id}/statement", "authority-admin"),
    ("POST", "/api/v1/organizations/{org}/suppliers", "org: admin (contractor-admin)"),
    ("GET", "/api/v1/organizations/{org}/suppliers", "org: read"),
    ("GET", "/api/v1/organizations/{org}/customers", "org: read"),
    ("POST", "/api/v1/organizations/{org}/supply/{id}/confirm", "org: admin (contractor-admin)"),
    ("POST", "/api/v1/organizations/{org}/supply/{id}/end", "org: admin (contractor-admin)"),
    ("PUT", "/api/v1/organizations/{org}/supply-consent/{customer}", "org: admin (contractor-admin)"),
    ("GET", "/api/v1/organizations/{org}/affected", "authority-read"),
    ("PUT", "/api/v1/organizations/{org}/profile", "authority-admin"),
    ("GET", "/api/v1/supply", "authority-read"),
    ("GET", "/api/v1/notifications", "self"),
    ("POST", "/api/v1/notifications/{id}/read", "self"),
    ("GET", "/api/v1/supply/map", "self"),
    # notifications delivered (issue 18, docs/notifications.md): each user's own
    ("GET", "/api/v1/notify/preferences", "self"),
    ("PUT", "/api/v1/notify/preferences", "self"),
    ("GET", "/api/v1/notify/deliveries", "self"),
    ("POST", "/api/v1/notify/run", "authority-admin"),
    # critical infrastructure (issue 16, docs/screening.md): suppliers named in a plan see nothing
    ("GET", "/api/v1/sectors", "self"),
    ("PUT", "/api/v1/organizations/{org}/sector", "authority-admin"),
    ("GET", "/api/v1/plans", "authority-read"),
    ("GET", "/api/v1/organizations/{org}/plans", "org: read"),
    ("POST", "/api/v1/organizations/{org}/plans", "org: users"),
    ("GET", "/api/v1/organizations/{org}/plans/{id}", "org: read"),
    ("POST", "/api/v1/organizations/{org}/plans/{id}/withdraw", "org: users"),
    ("POST", "/api/v1/plans/{id}/state", "authority-admin"),
    ("POST", "/api/v1/plans/{id}/deadline", "authority-admin"),
    ("GET", "/api/v1/plans/{id}/screening", "authority-read"),
    # the national picture and its shareable aggregate (docs/screening.md, docs/sharing.md)
    ("GET", "/api/v1/national", "authority-read"),
    ("GET", "/api/v1/national/aggregate", "authority-read"),
    ("GET", "/api/v1/national/sectors/{key}", "authority-read"),
    ("GET", "/api/v1/plans/{id}/report", "authority-read"),
    ("GET", "/api/v1/organizations/{org}/plans/{id}/report", "org: read"),
]
N_ENDPOINTS = 103

# Subjects: (name, organization, role). None: anonymous.
SUBJECTS = [
    ("anon", None, None),
    ("AUadm", "AUTH", "authority-admin"),
    ("AUana", "AUTH", "authority-analyst"),
    ("Aadm", "A", "contractor-admin"),
    ("Amem", "A", "contractor-member"),
    ("Badm", "B", "contractor-admin"),
    ("Cadm", "C", "contractor-admin"),
    ("Cmem", "C", "contractor-member"),
]
ORG_TARGETS = ["AUTH", "A", "B", "C", "NX"]
PARENT = {"B": "A"}  # B is A's subcontractor
FORBIDDEN_ANYWHERE = ("password_hash", "$argon2", "token_hash", "secret_key", "csrf_hash", "id_hash",
                      "secret_hash")
# a prime's view of a consenting subcontractor: summary status only
NOT_IN_SUMMARY = {"users", "submissions", "gaps", "milestones", "summary", "body", "keys", "poam",
                  "requirements", "families", "signature"}


class World:
    pass


W = World()
W.consent = {"B": False}
RESULTS = []  # (endpoint, target, subject, got, want, ok, note)


def check_endpoint_list(C):
    with open(os.path.join(mm.SRC, "docs", "api.md"), encoding="utf-8") as f:
        doc = f.read()
    rows = re.findall(r"^\| `(GET|POST|PUT|PATCH|DELETE|HEAD) ([^`]+)` \| ([^|]+?) \|", doc, re.M)
    spec = {(m, p): n.strip().replace("`", "") for m, p, n in rows}
    ours = {(m, p): n for m, p, n in ENDPOINTS}
    C.check(len(ENDPOINTS) == N_ENDPOINTS, "the matrix has %d endpoints" % N_ENDPOINTS, str(len(ENDPOINTS)))
    C.check(len(spec) == N_ENDPOINTS, "docs/api.md lists %d endpoints" % N_ENDPOINTS, str(sorted(spec)))
    missing = sorted(set(spec) - set(ours))
    extra = sorted(set(ours) - set(spec))
    C.check(not missing, "every endpoint of docs/api.md is in the matrix", str(missing))
    C.check(not extra, "every endpoint of the matrix is in docs/api.md", str(extra))
    changed = sorted(k for k in spec if k in ours and spec[k] != ours[k])
    C.check(not changed, "the 'needs' column matches the matrix", str([(k, spec[k], ours[k]) for k in changed]))


# ---- expectations (the rules of docs/api.md as code) -------------------------------------------


def subj(name):
    return next(s for s in SUBJECTS if s[0] == name)


def rel(sname, target):
    """"read" (the authority, or a user of that organization), "summary" (a prime whose
    subcontractor consented), or "none"."""
    _, org, role = subj(sname)
    if target == "NX" or org is None:
        return "none"
    if org == "AUTH":
        return "read"
    if org == target:
        return "read"
    if PARENT.get(target) == org and W.consent.get(target):
        return "summary"
    return "none"


def org_rule(level, sname, target, ok):
    """Expected status of an org route: level in summary|read|admin|users|keys."""
    _, org, role = subj(sname)
    if org is None:
        return 401
    r = rel(sname, target)
    if level == "summary":
        return ok if r in ("read", "summary") else 404
    if r != "read":
        return 404
    if level == "read":
        return ok
    if level == "admin":
        return ok if (role == "contractor-admin" and org == target) else 403
    if level == "users":
        return ok if (role == "authority-admin" or (role == "contractor-admin" and org == target)) else 403
    if level == "keys":
        return ok if (role == "contractor-admin" and org == target) else 403
    raise ValueError(level)


def self_rule(sname, target, ok):
    if subj(sname)[1] is None:
        return 401
    return ok if target in ("own", "-") else 404


def authority_rule(sname, admin_only, ok):
    _, org, role = subj(sname)
    if org is None:
        return 401
    if org != "AUTH":
        return 403
    if admin_only and role != "authority-admin":
        return 403
    return ok


def submit_rule(sname, target):
    _, org, role = subj(sname)
    if org is None:
        return 401
    if org == "AUTH":
        return 403
    return 201 if target == "own" else 422


def sub_rule(sname, target_orgs):
    _, org, role = subj(sname)
    if org is None:
        return 401
    if "NX" in target_orgs:
        return 404
    if len(set(target_orgs)) > 1 and all(rel(sname, t) == "read" for t in target_orgs):
        return (400, 404, 422)  # two organizations' submissions: not one organization's diff
    return 200 if all(rel(sname, t) == "read" for t in target_orgs) else 404


def receipt_rule(sname, target):
    """A receipt: the submitting organization's users only; 404 to every other organization
    (a consenting prime too), 403 to the authority (it may read the submission itself)."""
    _, org, role = subj(sname)
    if org is None:
        return 401
    if target == "NX":
        return 404
    if org == target:
        return 200
    return 403 if org == "AUTH" else 404


OK2 = (200, 204)  # the spec gives no status for these successes: 200 or 204

# ---- the cells ---------------------------------------------------------------------------


def client(sname):
    return W.clients[sname]


def do_get(path):
    return lambda s, t: client(s).get(path.format(org=W.org.get(t, NX)))


def plan_body(t):
    """An installation plan of t (railway; A's name C as the supplier)."""
    supplier = {"org": W.org["C"]} if t == "A" else {"name": "Outside Signal Works"}
    return {"operator": W.org.get(t, NX), "sector": "railway",
            "equipment": {"category": "railway.1", "model": "IXL-%s" % t},
            "supplier": supplier, "maintainers": [{"name": "Matrix Maintenance KK", "scope": "on site"}]}


def content_ok(method, path, sname, target, resp):
    """Extra checks on an allowed answer; returns "" or what is wrong."""
    text = resp.text
    for bad in FORBIDDEN_ANYWHERE:
        if bad in text:
            return "body contains %r" % bad
    if resp.status >= 300 or method != "GET":
        return ""
    j = resp.json
    keys = set(mm.walk_keys(j))
    org = W.org.get(target)
    if path == "/api/v1/organizations/{org}":
        if rel(sname, target) == "summary":
            leak = keys & NOT_IN_SUMMARY
            if leak:
                return "a prime's summary view shows %s" % sorted(leak)
            lat = (j or {}).get("latest") or (j or {}).get("organization", {}).get("latest")
            if not (isinstance(lat, dict) and lat.get("status")):
                return "the consented summary has no latest status"
        if org and org not in text:
            return "not the organization asked for"
    if path == "/api/v1/organizations/{org}/subcontractors":
        items = (j or {}).get("items", []) if isinstance(j, dict) else (j or [])
        ids = [i.get("id") for i in items]
        want_ids = [W.org[x] for x, p in PARENT.items() if W.org.get(p) == org]
        if sorted(ids) != sorted(want_ids):
            return "subcontractors %s, want %s" % (ids, want_ids)
        for i in items:
            leak = set(mm.walk_keys(i)) & NOT_IN_SUMMARY
            if leak:
                return "a subcontractor item shows %s" % sorted(leak)
            sub = next(x for x, v in W.org.items() if v == i.get("id"))
            lat = i.get("latest")
            see = subj(sname)[1] == "AUTH" or W.consent.get(sub)
            if not see and (lat not in (None, {}) or i.get("status") not in (None,) or i.get("score") is not None
                            or i.get("last_affirmed") is not None):
                return "status of a subcontractor without consent is shown: %s" % json.dumps(i)
            if see and not (isinstance(lat, dict) and lat.get("status")):
                return "status of a consenting subcontractor is missing: %s" % json.dumps(i)
    if path in ("/api/v1/organizations/{org}/users",):
        items = (j or {}).get("items", j) if isinstance(j, dict) else j
        if not isinstance(items, list) or any(u.get("org_id") != org for u in items):
            return "users of another organization listed"
    if path in ("/api/v1/organizations/{org}/keys",):
        items = (j or {}).get("items", j) if isinstance(j, dict) else j
        if not isinstance(items, list):
            return "no list"
        kids = {k.get("key_id") for k in items}
        if not kids <= W.key_ids.get(target, set()):
            return "keys of another organization: %s" % sorted(kids - W.key_ids.get(target, set()))
    if path == "/api/v1/organizations/{org}/submissions":
        items = (j or {}).get("items", []) if isinstance(j, dict) else []
        ids = {i.get("id") for i in items}
        if not ids <= set(W.subs.get(target, [])):
            return "submissions of another organization: %s" % sorted(ids - set(W.subs.get(target, [])))
        if any(i.get("org_id") not in (None, org) for i in items):
            return "an item of another org"
    if path == "/api/v1/organizations/{org}/affirmations":
        items = (j or {}).get("items", []) if isinstance(j, dict) else []
        if any(i.get("org_id") != org for i in items):
            return "an affirmation of another organization: %s" % json.dumps(items)[:300]
    if path == "/api/v1/products":
        orgs = {i.get("org_id") for i in (j or {}).get("items", [])}
        if not {W.org["A"], W.org["B"], W.org["C"]} <= orgs:
            return "the authority's list misses a manufacturer: %s" % sorted(orgs)
    if path == "/api/v1/organizations/{org}/products":
        items = (j or {}).get("items", []) if isinstance(j, dict) else []
        if (target in W.product and not items) or any(i.get("org_id") != org for i in items):
            return "products of another organization, or none: %s" % json.dumps(items)[:300]
    if path == "/api/v1/organizations/{org}/products/{id}":
        if (j or {}).get("org_id") != org or (j or {}).get("id") != W.product.get(target):
            return "product of %s, want %s's" % ((j or {}).get("org_id"), org)
    if path == "/api/v1/organizations/{org}/products/{id}/recognition":
        claim = (j or {}).get("recognition") or {}
        if ((claim.get("product") or {}).get("manufacturer") or {}).get("id") != org:
            return "a claim about another organization's product"
        try:
            ok = mm.ed25519_verify(mm.base64.b64decode(W.server_pub),
                                   mm.canonical_bytes(claim), mm.base64.b64decode(j["signature"]))
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            return "the claim does not verify with the server key"
    if path == "/api/v1/tokens":
        items = (j or {}).get("items", j) if isinstance(j, dict) else j
        ids = {str(t.get("id")) for t in (items or [])}
        others = set()
        for s2, ids2 in W.token_ids.items():
            if s2 != sname:
                others |= ids2
        if ids & others:
            return "another user's tokens listed: %s" % sorted(ids & others)
    if path == "/api/v1/session":
        if ((j or {}).get("user") or {}).get("login") != W.logins.get(sname):
            return "not the caller"
    if path == "/api/v1/submissions/{id}/receipt":
        rec = (j or {}).get("receipt") or {}
        if rec.get("org_id") != org or rec.get("submission_id") != W.subs0[target][0]:
            return "a receipt of %s/%s, want %s/%s" % (rec.get("org_id"), rec.get("submission_id"),
                                                       org, W.subs0[target][0])
        if not mm.verify_receipt(j, W.server_pub):
            return "the receipt does not verify with the server key"
    if path == "/api/v1/submissions/{id}":
        if (j or {}).get("org_id") != org:
            return "org_id %s, want %s" % ((j or {}).get("org_id"), org)
    if path == "/api/v1/organizations/{org}/suppliers":
        items = (j or {}).get("items", [])
        # A's only supplier is B (C's edges to A are proposed or ended); nobody else has one
        want = [W.org["B"]] if target == "A" else []
        if sorted(i.get("supplier_id") for i in items) != want:
            return "suppliers %s, want %s" % ([i.get("supplier_id") for i in items], want)
        see = subj(sname)[1] == "AUTH" or W.consent.get("B")
        for i in items:
            if not see and (i.get("latest") is not None or i.get("status_visible") or i.get("check") != "no-consent"):
                return "status of a supplier without consent is shown: %s" % json.dumps(i)
            if see and not (isinstance(i.get("latest"), dict) and i["latest"].get("status")):
                return "status of a consenting supplier is missing: %s" % json.dumps(i)
        if sum((j or {}).get("counts", {}).values()) != len(items):
            return "counts that do not match the items shown: %s" % json.dumps(j)
    if path == "/api/v1/organizations/{org}/customers":
        items = (j or {}).get("items", [])
        want = {W.org["A"]} if target == "B" else set()
        got = {i.get("customer_id") for i in items if i.get("state") == "active"}
        if got != want:
            return "customers %s, want %s" % (sorted(got), sorted(want))
        # never another supplier of its customers: the items name only the customer
        if any(k.startswith("supplier") for i in items for k in i):
            return "a customer list item names a supplier: %s" % json.dumps(items)[:300]
        if W.cross_edge.get("B") in text and target == "B":
            return "B's customer list shows A's edge with C (A's other supplier)"
    if path == "/api/v1/notifications":
        # the matrix's own note, and whatever the notification rounds recorded (docs/
        # notifications.md): for a contractor, only events about itself
        own = subj(sname)[1]
        items = (j or {}).get("items", [])
        notes = [i for i in items if i.get("subject", "").startswith("matrix note for ")]
        if len(notes) != 1 or notes[0].get("subject") != "matrix note for " + own:
            return "notifications of another organization: %s" % json.dumps(j)[:300]
        if own != "AUTH" and any((i.get("detail") or {}).get("org_id") not in (None, W.org[own])
                                 for i in items):
            return "an event about another organization: %s" % json.dumps(j)[:300]
    if path == "/api/v1/notify/deliveries":
        # the caller's own deliveries only: the matrix's notes are for each organization, and a
        # delivery names its notification's subject
        own = subj(sname)[1]
        if any(i.get("subject") != "matrix note for " + own for i in (j or {}).get("items", [])):
            return "deliveries about another organization: %s" % json.dumps(j)[:300]
    if path == "/api/v1/supply/map":
        own = subj(sname)[1]
        ids = {n.get("id") for n in (j or {}).get("nodes", [])}
        if own == "AUTH":
            if (j or {}).get("scope") is not None or not {W.org["A"], W.org["B"], W.org["C"]} <= ids:
                return "the authority's map is not the whole: %s" % json.dumps(j)[:300]
        else:
            want = {"A": {"A", "B"}, "B": {"A", "B"}, "C": {"C"}}[own]
            if (j or {}).get("scope") != W.org[own] or ids != {W.org[x] for x in want}:
                return "%s's neighbourhood is %s, want %s" % (own, sorted(ids), sorted(want))
            for n in j.get("nodes", []):
                hidden = n["id"] not in (W.org[own],) and not (own == "A" and n["id"] == W.org["B"]
                                                               and W.consent.get("B"))
                if hidden and n.get("status") is not None:
                    return "a status on %s's map it may not see: %s" % (own, json.dumps(n))
    if path == "/api/v1/plans":
        ops = {i.get("operator_id") for i in (j or {}).get("items", [])}
        if not {W.org["A"], W.org["B"], W.org["C"]} <= ops:
            return "the authority's list misses an operator's plan: %s" % sorted(ops)
    if path == "/api/v1/organizations/{org}/plans":
        items = (j or {}).get("items", []) if isinstance(j, dict) else []
        if (target in W.plan and not items) or any(i.get("operator_id") != org for i in items):
            return "plans of another operator, or none: %s" % json.dumps(items)[:300]
        # C is the supplier named in A's plans: it never sees them
        if target == "C" and any(i.get("id") in W.plans_naming_c for i in items):
            return "a supplier sees a plan that names it"
    if path == "/api/v1/organizations/{org}/plans/{id}":
        if (j or {}).get("operator_id") != org or (j or {}).get("id") != W.plan.get(target):
            return "plan of %s, want %s's" % ((j or {}).get("operator_id"), org)
    if path == "/api/v1/national/sectors/{key}":
        ids = {p.get("id") for p in (j or {}).get("plans", [])}
        if W.plan["A"] not in ids:
            return "the railway drill-down misses A's plan: %s" % sorted(ids)
    if path == "/api/v1/national/aggregate":
        text = json.dumps(j)
        named = [x for x in list(W.org.values()) + list(W.plan.values()) if x and x in text]
        if named or "<5" not in text:
            return "the aggregate names an organization or plan, or shows a small count: %s" % named
    if path == "/api/v1/plans/{id}/screening":
        sup = ((j or {}).get("parties") or [{}])[0]
        if sup.get("org") != W.org["C"] or sup.get("known") is not True:
            return "the screening view does not show A's plan's supplier C: %s" % json.dumps(j)[:300]
    if path in ("/api/v1/plans/{id}/report", "/api/v1/organizations/{org}/plans/{id}/report"):
        rep = (j or {}).get("screening_report") or {}
        want = W.plan.get(target) if path.startswith("/api/v1/organizations") else W.plan["A"]
        if rep.get("plan", {}).get("id") != want or not (j or {}).get("signature"):
            return "not the signed report of the plan asked for: %s" % json.dumps(j)[:300]
        # an operator reads its own plans' reports; C, named in A's plan, never reaches one
        reader = rep.get("reader", {}).get("org_id")
        if subj(sname)[1] not in ("AUTH",) and reader != W.org.get(subj(sname)[1]):
            return "a report read as someone else: %s" % reader
    if path == "/api/v1/contractors":
        items = (j or {}).get("items", [])
        if any(i.get("kind") != "contractor" for i in items):
            return "a non-contractor listed"
    return ""


def make_rows():
    """[(method, path, targets, do(s, t), want(s, t), phase)]. phase: "main", or "last"
    (changes the caller's credentials)."""
    rows = []

    def add(method, path, targets, do, want, phase="main"):
        rows.append((method, path, targets, do, want, phase))

    add("GET", "/healthz", ["-"], lambda s, t: client(s).get("/healthz"), lambda s, t: 200)
    add("GET", "/readyz", ["-"], lambda s, t: client(s).get("/readyz"), lambda s, t: 200)
    add("GET", "/metrics", ["-"], lambda s, t: client(s).get("/metrics"),
        lambda s, t: authority_rule(s, False, 200))
    # the audit log names every organization's users: the authority-admin's alone
    add("GET", "/api/v1/audit", ["-"], lambda s, t: client(s).get("/api/v1/audit"),
        lambda s, t: authority_rule(s, True, 200))
    add("POST", "/api/v1/audit/verify", ["-"], lambda s, t: client(s).post("/api/v1/audit/verify"),
        lambda s, t: authority_rule(s, True, 200))
    add("GET", "/api/v1/audit.csv", ["-"], lambda s, t: client(s).get("/api/v1/audit.csv"),
        lambda s, t: authority_rule(s, True, 200))
    add("GET", "/api/v1/version", ["-"], lambda s, t: client(s).get("/api/v1/version"), lambda s, t: 200)
    add("GET", "/api/v1/server-key", ["-"], lambda s, t: client(s).get("/api/v1/server-key"), lambda s, t: 200)
    add("POST", "/api/v1/session", ["-"], lambda s, t: mm.request(
        W.srv.port, "POST", "/api/v1/session",
        {"login": W.logins.get(s, "anon-logon"), "password": W.passwords.get(s, mm.GOOD_PASSWORD)}),
        lambda s, t: 200)
    add("GET", "/api/v1/session", ["-"], lambda s, t: client(s).get("/api/v1/session"),
        lambda s, t: self_rule(s, t, 200))
    add("GET", "/api/v1/tokens", ["-"], lambda s, t: client(s).get("/api/v1/tokens"),
        lambda s, t: self_rule(s, t, 200))

    def post_token(s, t):
        r = client(s).post("/api/v1/tokens", {"name": "matrix-extra"})
        if r.status == 201:
            W.token_ids.setdefault(s, set()).add(str((r.json or {}).get("id")))
        return r
    add("POST", "/api/v1/tokens", ["-"], post_token, lambda s, t: self_rule(s, t, 201))

    def del_token(s, t):
        if t == "own":
            if s == "anon":
                tid = next(iter(W.token_ids["Aadm"]))
            else:
                r = client(s).post("/api/v1/tokens", {"name": "to-revoke"})
                tid = (r.json or {}).get("id")
                W.token_ids.setdefault(s, set()).add(str(tid))
        else:
            tid = W.victim_token_id
        return client(s).delete("/api/v1/tokens/%s" % tid)
    add("DELETE", "/api/v1/tokens/{id}", ["own", "other"], del_token, lambda s, t: self_rule(s, t, OK2))

    add("GET", "/api/v1/contractors", ["-"], lambda s, t: client(s).get("/api/v1/contractors"),
        lambda s, t: authority_rule(s, False, 200))

    def post_org(s, t):
        W.n += 1
        return client(s).post("/api/v1/organizations", {"name": "Matrix Org %d" % W.n})
    add("POST", "/api/v1/organizations", ["-"], post_org, lambda s, t: authority_rule(s, True, 201))

    add("GET", "/api/v1/organizations/{org}", ORG_TARGETS, do_get("/api/v1/organizations/{org}"),
        lambda s, t: org_rule("summary", s, t, 200))
    # renaming nothing: the organization's own name again, an identifier it lacks removed
    add("PUT", "/api/v1/organizations/{org}", ORG_TARGETS,
        lambda s, t: client(s).put("/api/v1/organizations/%s" % W.org.get(t, NX),
                                   {"identifiers": {"uei": ""}}),
        lambda s, t: authority_rule(s, True, 404 if t == "NX" else 200))
    add("GET", "/api/v1/organizations/{org}/subcontractors", ORG_TARGETS,
        do_get("/api/v1/organizations/{org}/subcontractors"), lambda s, t: org_rule("read", s, t, 200))
    add("PUT", "/api/v1/organizations/{org}/consent", ORG_TARGETS,
        lambda s, t: client(s).put("/api/v1/organizations/%s/consent" % W.org.get(t, NX),
                                   {"prime_may_see_status": bool(W.consent.get(t, False))}),
        lambda s, t: org_rule("admin", s, t, OK2))
    add("GET", "/api/v1/organizations/{org}/users", ORG_TARGETS, do_get("/api/v1/organizations/{org}/users"),
        lambda s, t: org_rule("users", s, t, 200))

    def post_user(s, t):
        W.n += 1
        role = "authority-analyst" if t == "AUTH" else "contractor-member"
        return client(s).post("/api/v1/organizations/%s/users" % W.org.get(t, NX),
                              {"login": "matrix-user-%d" % W.n, "role": role})
    add("POST", "/api/v1/organizations/{org}/users", ORG_TARGETS, post_user,
        lambda s, t: org_rule("users", s, t, 201))

    # account administration: on a standing user of the target organization (made once), or,
    # for an allowed delete, on a fresh one; NX names a user of A under an organization that
    # does not exist
    def managed_user(t, fresh):
        org = t if t != "NX" else "A"
        if fresh or org not in W.managed:
            W.n += 1
            role = "authority-analyst" if org == "AUTH" else "contractor-member"
            login = "managed-%s-%d" % (org.lower(), W.n)
            mm.create_user(W.clients["AUadm"], W.org[org], login, role)
            uid = next(u["id"] for u in W.clients["AUadm"].get(
                "/api/v1/organizations/%s/users" % W.org[org]).json["items"] if u["login"] == login)
            if fresh:
                return uid
            W.managed[org] = uid
        return W.managed[org]

    def user_action(verb):
        def do(s, t):
            fresh = verb == "delete" and org_rule("users", s, t, 200) == 200
            uid = managed_user(t, fresh)
            path = "/api/v1/organizations/%s/users/%s" % (W.org.get(t, NX), uid)
            if verb == "delete":
                return client(s).delete(path)
            r = client(s).post(path + "/" + verb)
            if r.status == 200 and verb == "disable":  # the standing user stays usable
                mm.expect(W.clients["AUadm"].post(path + "/enable"), 200, "enable again")
            return r
        return do
    for verb in ("unlock", "reset", "disable", "enable"):
        add("POST", "/api/v1/organizations/{org}/users/{id}/" + verb, ORG_TARGETS, user_action(verb),
            lambda s, t: org_rule("users", s, t, 200))
    add("DELETE", "/api/v1/organizations/{org}/users/{id}", ORG_TARGETS, user_action("delete"),
        lambda s, t: org_rule("users", s, t, 200))

    def manage_cross(s, t):
        # the path names the caller's own organization, the user is another's: 404 for those
        # who may manage their own organization's users
        own = subj(s)[1] or "A"
        other = "C" if own != "C" else "A"
        return client(s).post("/api/v1/organizations/%s/users/%s/disable" % (W.org[own], managed_user(other, False)))
    add("POST", "/api/v1/organizations/{org}/users/{id}/disable", ["own-path-other-user"], manage_cross,
        lambda s, t: 401 if subj(s)[1] is None else (
            404 if subj(s)[2] in ("authority-admin", "contractor-admin") else 403))
    add("GET", "/api/v1/organizations/{org}/keys", ORG_TARGETS, do_get("/api/v1/organizations/{org}/keys"),
        lambda s, t: org_rule("read", s, t, 200))

    def post_key(s, t):
        W.n += 1
        pub, sec = mm.keygen("matrix %d" % W.n, os.path.join(W.T, "mk%d.key" % W.n))
        r = client(s).post("/api/v1/organizations/%s/keys" % W.org.get(t, NX), pub,
                           headers={"Content-Type": "application/json"})
        if r.status == 201:
            W.key_ids.setdefault(t, set()).add(sec["key_id"])
        return r
    add("POST", "/api/v1/organizations/{org}/keys", ORG_TARGETS, post_key,
        lambda s, t: org_rule("keys", s, t, 201))

    def del_key(s, t):
        if org_rule("keys", s, t, 200) == 200:
            kid = spare_key(t)  # a key made for this, so the org's main key stays
        elif t in W.main_key:
            kid = W.main_key[t]
        else:
            kid = 999999
        return client(s).delete("/api/v1/organizations/%s/keys/%s" % (W.org.get(t, NX), kid))
    add("DELETE", "/api/v1/organizations/{org}/keys/{id}", ORG_TARGETS, del_key,
        lambda s, t: org_rule("keys", s, t, OK2))

    def del_key_cross(s, t):
        # the path names the caller's own org, the key is another org's: 404 for everyone
        own = subj(s)[1] or "A"
        other = "C" if own != "C" else "A"
        return client(s).delete("/api/v1/organizations/%s/keys/%s" % (W.org[own], W.main_key[other]))
    add("DELETE", "/api/v1/organizations/{org}/keys/{id}", ["own-path-other-key"], del_key_cross,
        lambda s, t: 401 if subj(s)[1] is None else (403 if subj(s)[1] == "AUTH" or subj(s)[2] != "contractor-admin" else 404))

    add("GET", "/api/v1/organizations/{org}/submissions", ORG_TARGETS,
        do_get("/api/v1/organizations/{org}/submissions"), lambda s, t: org_rule("read", s, t, 200))

    # IoT products (docs/iot.md): a manufacturer's own, the authority's all
    add("GET", "/api/v1/products", ["-"], lambda s, t: client(s).get("/api/v1/products"),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/organizations/{org}/products", ORG_TARGETS,
        do_get("/api/v1/organizations/{org}/products"), lambda s, t: org_rule("read", s, t, 200))

    def post_product(s, t):
        W.n += 1
        return client(s).post("/api/v1/organizations/%s/products" % W.org.get(t, NX),
                              {"name": "Matrix %d" % W.n, "model": "M-%d" % W.n})
    add("POST", "/api/v1/organizations/{org}/products", ORG_TARGETS, post_product,
        lambda s, t: org_rule("admin", s, t, 201))

    def product_path(t, tail=""):
        return "/api/v1/organizations/%s/products/%s%s" % (W.org.get(t, NX), W.product.get(t, NX), tail)

    def product_rule(level, s, t, ok):
        # the authority (and an unknown organization) has no product: 404 once access passes
        want = org_rule(level, s, t, ok)
        return 404 if t not in W.product and want == ok else want
    add("GET", "/api/v1/organizations/{org}/products/{id}", ORG_TARGETS,
        lambda s, t: client(s).get(product_path(t)), lambda s, t: product_rule("read", s, t, 200))

    def get_product_cross(s, t):
        # the path names the caller's own organization, the product is another's: 404
        own = subj(s)[1] or "A"
        other = "C" if own != "C" else "A"
        return client(s).get("/api/v1/organizations/%s/products/%s" % (W.org[own], W.product[other]))
    add("GET", "/api/v1/organizations/{org}/products/{id}", ["own-path-other-product"], get_product_cross,
        lambda s, t: 401 if subj(s)[1] is None else 404)

    def post_label(s, t):
        W.n += 1
        return client(s).post(product_path(t, "/labels"),
                              {"scheme": "uk-psti", "label_id": "SoC-%d" % W.n, "issued": "2025-06-01"})
    add("POST", "/api/v1/organizations/{org}/products/{id}/labels", ORG_TARGETS, post_label,
        lambda s, t: product_rule("admin", s, t, 201))
    add("GET", "/api/v1/organizations/{org}/products/{id}/recognition", ORG_TARGETS,
        lambda s, t: client(s).get(product_path(t, "/recognition?as=jc-star")),
        lambda s, t: product_rule("read", s, t, 200))

    def post_affirmation(s, t):
        # a valid affirmation of the target's latest submission, signed with its key (A's for
        # the authority and an unknown organization): only access decides the answer
        W.n += 1
        signer = t if t in ("A", "B", "C") else "A"
        org = W.org.get(t, NX)
        latest = ((W.clients["AUadm"].get("/api/v1/organizations/%s" % W.org[signer]).json or {})
                  .get("latest") or {}).get("id")
        env = {"affirming_official": {"date": "2026-01-02", "name": "Matrix Official %d" % W.n},
               "kind": "mamori-affirmation", "submission_id": latest, "version": 1}
        with open(W.keyfile[signer]) as f:
            sec = json.load(f)
        return client(s).post("/api/v1/organizations/%s/affirmations" % org, mm.sign_envelope(env, sec),
                              headers={"Content-Type": "application/json"})
    add("POST", "/api/v1/organizations/{org}/affirmations", ORG_TARGETS, post_affirmation,
        lambda s, t: org_rule("admin", s, t, 201))
    add("GET", "/api/v1/organizations/{org}/affirmations", ORG_TARGETS,
        do_get("/api/v1/organizations/{org}/affirmations"), lambda s, t: org_rule("read", s, t, 200))

    def post_sub(s, t):
        own = subj(s)[1]
        if own in (None, "AUTH"):
            signer = "A"
        else:
            signer = own if t == "own" else ("C" if own != "C" else "A")
        doc = signed_doc(signer)
        r = client(s).post("/api/v1/submissions", doc, headers={"Content-Type": "application/json"})
        if r.status == 201:
            W.subs.setdefault(own, []).append(mm.receipt_of(r).get("submission_id"))
        return r
    add("POST", "/api/v1/submissions", ["own", "other"], post_sub, lambda s, t: submit_rule(s, t))

    add("GET", "/api/v1/submissions/{id}", ["A", "B", "C", "NX"],
        lambda s, t: client(s).get("/api/v1/submissions/%s" % (W.subs0[t][0] if t != "NX" else NX)),
        lambda s, t: sub_rule(s, [t]))
    add("GET", "/api/v1/submissions/{id}/receipt", ["A", "B", "C", "NX"],
        lambda s, t: client(s).get("/api/v1/submissions/%s/receipt" % (W.subs0[t][0] if t != "NX" else NX)),
        lambda s, t: receipt_rule(s, t))
    pairs = {"A": ("A", "A"), "B": ("B", "B"), "C": ("C", "C"), "A+C": ("A", "C"), "A+NX": ("A", "NX")}
    add("GET", "/api/v1/submissions/{id}/diff/{other}", list(pairs),
        lambda s, t: client(s).get("/api/v1/submissions/%s/diff/%s" % (
            W.subs0[pairs[t][0]][0], W.subs0[pairs[t][1]][-1] if pairs[t][1] != "NX" else NX)),
        lambda s, t: sub_rule(s, list(pairs[t])))
    add("GET", "/api/v1/requirements/failures", ["-"], lambda s, t: client(s).get("/api/v1/requirements/failures"),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/poam/overdue", ["-"], lambda s, t: client(s).get("/api/v1/poam/overdue"),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/contractors.csv", ["-"], lambda s, t: client(s).get("/api/v1/contractors.csv"),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/trends", ["-"], lambda s, t: client(s).get("/api/v1/trends?months=2"),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/changes", ["-"], lambda s, t: client(s).get("/api/v1/changes"),
        lambda s, t: authority_rule(s, False, 200))

    # clearances, the policy table, need-to-know groups (schema 10; docs/sharing.md)
    def clearance_body():
        return {"login": W.logins["Amem"], "regime": "us-eo13526", "level": "Secret",
                "granting_body": "matrix", "granted": "2026-01-01", "evidence": "ref-%d" % W.n}
    add("GET", "/api/v1/clearances", ["-"], lambda s, t: client(s).get("/api/v1/clearances"),
        lambda s, t: authority_rule(s, False, 200))

    def post_clearance(s, t):
        W.n += 1
        return client(s).post("/api/v1/clearances", clearance_body())
    add("POST", "/api/v1/clearances", ["-"], post_clearance, lambda s, t: authority_rule(s, True, 201))

    def revoke_clearance(s, t):
        W.n += 1
        r = mm.expect(client("AUadm").post("/api/v1/clearances", clearance_body()), 201, "a record")
        return client(s).post("/api/v1/clearances/%s/revoke" % (r.json or {}).get("id"), {})
    add("POST", "/api/v1/clearances/{id}/revoke", ["-"], revoke_clearance,
        lambda s, t: authority_rule(s, True, 200))
    add("GET", "/api/v1/clearance-policy", ["-"], lambda s, t: client(s).get("/api/v1/clearance-policy"),
        lambda s, t: authority_rule(s, False, 200))

    def policy_body():
        W.n += 1
        return {"held_regime": "xa-test", "held_level": "L%d" % W.n, "required_regime": "xa-test",
                "required_level": "L0", "source": "test data, not a real equivalence"}
    add("POST", "/api/v1/clearance-policy", ["-"], lambda s, t: client(s).post(
        "/api/v1/clearance-policy", policy_body()), lambda s, t: authority_rule(s, True, 201))

    def del_policy(s, t):
        r = mm.expect(client("AUadm").post("/api/v1/clearance-policy", policy_body()), 201, "a row")
        return client(s).delete("/api/v1/clearance-policy/%s" % (r.json or {}).get("id"))
    add("DELETE", "/api/v1/clearance-policy/{id}", ["-"], del_policy,
        lambda s, t: authority_rule(s, True, OK2))
    add("GET", "/api/v1/ntk-groups", ["-"], lambda s, t: client(s).get("/api/v1/ntk-groups"),
        lambda s, t: self_rule(s, t, 200))

    def post_group(s, t):
        W.n += 1
        return client(s).post("/api/v1/ntk-groups", {"id": "g%d" % W.n, "name": "Group %d" % W.n,
                                                     "owner_org": W.org["C"], "hide_members": True})
    add("POST", "/api/v1/ntk-groups", ["-"], post_group, lambda s, t: authority_rule(s, True, 201))

    def group_for(s, t):
        """A fresh group where s is a manager ("managed"), a plain member ("member") or not in
        it ("other"), with a victim member; returns (group id, victim login)."""
        W.n += 1
        gid = "grp%d" % W.n
        root = client("AUadm")
        mm.expect(root.post("/api/v1/ntk-groups", {"id": gid, "name": "Managed %d" % W.n,
                                                   "owner_org": W.org["C"], "hide_members": True}),
                  201, "a group")
        if s != "anon" and t != "other":
            mm.expect(root.post("/api/v1/ntk-groups/%s/members" % gid,
                                {"login": W.logins[s], "manager": t == "managed"}), 201, "subject in")
        victim = W.logins["Cmem" if s != "Cmem" else "Amem"]
        spare = W.logins["Badm" if s != "Badm" else "Aadm"]
        mm.expect(root.post("/api/v1/ntk-groups/%s/members" % gid, {"login": victim}), 201, "victim in")
        return gid, victim, spare

    def group_rule(s, t, ok):
        _, org, role = subj(s)
        if org is None:
            return 401
        if role == "authority-admin" or t == "managed":
            return ok
        if t == "member" or org == "AUTH":
            return 403
        return 404

    def add_member(s, t):
        gid, _, spare = group_for(s, t)
        return client(s).post("/api/v1/ntk-groups/%s/members" % gid, {"login": spare})
    add("POST", "/api/v1/ntk-groups/{id}/members", ["managed", "member", "other"], add_member,
        lambda s, t: group_rule(s, t, 201))

    def del_member(s, t):
        gid, victim, _ = group_for(s, t)
        return client(s).delete("/api/v1/ntk-groups/%s/members/%s" % (gid, victim))
    add("DELETE", "/api/v1/ntk-groups/{id}/members/{login}", ["managed", "member", "other"], del_member,
        lambda s, t: group_rule(s, t, OK2))
    # the supply chain: B supplies A (W.supply_ba); C is an unrelated organization
    add("GET", "/api/v1/clauses", ["-"], lambda s, t: client(s).get("/api/v1/clauses"),
        lambda s, t: self_rule(s, t, 200))
    add("PUT", "/api/v1/clauses/{id}/statement", ["-"],
        lambda s, t: client(s).put("/api/v1/clauses/mod-security-special-clause/statement",
                                   {"text": "matrix statement"}),
        lambda s, t: authority_rule(s, True, 200))

    def fresh_edge(customer, supplier):
        """a proposal of customer's (by its admin) naming supplier; returns its id"""
        W.n += 1
        r = W.clients[W.admin_of[customer]].post(
            "/api/v1/organizations/%s/suppliers" % W.org[customer],
            {"supplier_id": W.org[supplier], "contract": "matrix-%d" % W.n, "clauses": [], "handles": ["none"]})
        return mm.expect(r, 201, "proposal %s -> %s" % (supplier, customer)).json["id"]

    def post_supplier(s, t):
        W.n += 1
        sup = "C" if t != "C" else "B"
        r = client(s).post("/api/v1/organizations/%s/suppliers" % W.org.get(t, NX),
                           {"supplier_id": W.org[sup], "contract": "matrix-%d" % W.n,
                            "clauses": ["dfars-252.204-7012"], "handles": ["cui"]})
        if r.status == 201:  # ended at once: the graph stays B -> A only
            mm.expect(client(s).post("/api/v1/organizations/%s/supply/%s/end" % (W.org[t], r.json["id"])),
                      200, "end the matrix proposal")
        return r
    add("POST", "/api/v1/organizations/{org}/suppliers", ORG_TARGETS, post_supplier,
        lambda s, t: org_rule("admin", s, t, 201))
    add("GET", "/api/v1/organizations/{org}/suppliers", ORG_TARGETS,
        do_get("/api/v1/organizations/{org}/suppliers"), lambda s, t: org_rule("read", s, t, 200))
    add("GET", "/api/v1/organizations/{org}/customers", ORG_TARGETS,
        do_get("/api/v1/organizations/{org}/customers"), lambda s, t: org_rule("read", s, t, 200))

    def edge_action(verb):
        def do(s, t):
            if org_rule("admin", s, t, 200) == 200:
                # the target is the supplier of a fresh proposal (C's customer: A)
                eid = fresh_edge("A" if t != "A" else "C", t)
                r = client(s).post("/api/v1/organizations/%s/supply/%s/%s" % (W.org[t], eid, verb))
                W.clients[W.admin_of[t]].post("/api/v1/organizations/%s/supply/%s/end" % (W.org[t], eid))
                return r
            return client(s).post("/api/v1/organizations/%s/supply/%s/%s" % (W.org.get(t, NX), W.supply_ba, verb))
        return do
    for verb in ("confirm", "end"):
        add("POST", "/api/v1/organizations/{org}/supply/{id}/" + verb, ORG_TARGETS, edge_action(verb),
            lambda s, t: org_rule("admin", s, t, 200))

        def cross(s, t, verb=verb):
            # the path names the caller's own organization, the edge is one it is no party to
            own = subj(s)[1] or "C"
            return client(s).post("/api/v1/organizations/%s/supply/%s/%s" % (
                W.org[own], W.cross_edge.get(own, W.supply_ba), verb))
        add("POST", "/api/v1/organizations/{org}/supply/{id}/" + verb, ["own-path-other-edge"], cross,
            lambda s, t: 401 if subj(s)[1] is None else (
                403 if subj(s)[1] == "AUTH" or subj(s)[2] != "contractor-admin" else 404))

    def put_consent(s, t):
        on = bool(W.consent.get("B"))
        return client(s).put("/api/v1/organizations/%s/supply-consent/%s" % (W.org.get(t, NX), W.org["A"]),
                             {"see_status": on, "pass_up": on})
    add("PUT", "/api/v1/organizations/{org}/supply-consent/{customer}", ORG_TARGETS, put_consent,
        lambda s, t: org_rule("admin", s, t, 200 if t == "B" else 404))
    add("GET", "/api/v1/organizations/{org}/affected", ORG_TARGETS,
        do_get("/api/v1/organizations/{org}/affected"),
        lambda s, t: authority_rule(s, False, 404 if t == "NX" else 200))
    add("PUT", "/api/v1/organizations/{org}/profile", ORG_TARGETS,
        lambda s, t: client(s).put("/api/v1/organizations/%s/profile" % W.org.get(t, NX),
                                   {"sector": "matrix", "country": "JP"}),
        lambda s, t: authority_rule(s, True, 404 if t == "NX" else 200))
    add("GET", "/api/v1/supply", ["-"], lambda s, t: client(s).get("/api/v1/supply"),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/notifications", ["-"], lambda s, t: client(s).get("/api/v1/notifications"),
        lambda s, t: self_rule(s, t, 200))

    add("GET", "/api/v1/supply/map", ["-"], lambda s, t: client(s).get("/api/v1/supply/map?group=none"),
        lambda s, t: self_rule(s, t, 200))

    def read_note(s, t):
        own = subj(s)[1]
        org = own if t == "own" else ("C" if own != "C" else "A")
        return client(s).post("/api/v1/notifications/%s/read" % W.notes.get(org or "A"))
    add("POST", "/api/v1/notifications/{id}/read", ["own", "other"], read_note,
        lambda s, t: self_rule(s, t, 200))

    # notifications delivered: preferences and deliveries are the caller's own (no target)
    add("GET", "/api/v1/notify/preferences", ["-"],
        lambda s, t: client(s).get("/api/v1/notify/preferences"), lambda s, t: self_rule(s, t, 200))
    add("PUT", "/api/v1/notify/preferences", ["-"],
        lambda s, t: client(s).put("/api/v1/notify/preferences", {"lang": "ja"}),
        lambda s, t: self_rule(s, t, 200))
    add("GET", "/api/v1/notify/deliveries", ["-"],
        lambda s, t: client(s).get("/api/v1/notify/deliveries"), lambda s, t: self_rule(s, t, 200))
    add("POST", "/api/v1/notify/run", ["-"], lambda s, t: client(s).post("/api/v1/notify/run"),
        lambda s, t: authority_rule(s, True, 200))

    # critical infrastructure: sectors, designations, installation plans
    add("GET", "/api/v1/sectors", ["-"], lambda s, t: client(s).get("/api/v1/sectors"),
        lambda s, t: self_rule(s, t, 200))
    add("PUT", "/api/v1/organizations/{org}/sector", ORG_TARGETS,
        lambda s, t: client(s).put("/api/v1/organizations/%s/sector" % W.org.get(t, NX),
                                   {"sector": "railway", "designated": "2024-05-17", "ministry": "MLIT"}),
        lambda s, t: authority_rule(s, True, {"NX": 404, "AUTH": 422}.get(t, 200)))
    add("GET", "/api/v1/plans", ["-"], lambda s, t: client(s).get("/api/v1/plans"),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/organizations/{org}/plans", ORG_TARGETS,
        do_get("/api/v1/organizations/{org}/plans"), lambda s, t: org_rule("read", s, t, 200))

    def file_plan(s, t):
        return client(s).post("/api/v1/organizations/%s/plans" % W.org.get(t, NX), plan_body(t))

    def file_rule(s, t):
        # the authority's own organization is no designated operator: 422 once access passes
        want = org_rule("users", s, t, 201)
        return 422 if t == "AUTH" and want == 201 else want
    add("POST", "/api/v1/organizations/{org}/plans", ORG_TARGETS, file_plan, file_rule)

    def plan_rule(level, s, t, ok):
        want = org_rule(level, s, t, ok)
        return 404 if t not in W.plan and want == ok else want
    add("GET", "/api/v1/organizations/{org}/plans/{id}", ORG_TARGETS,
        lambda s, t: client(s).get("/api/v1/organizations/%s/plans/%s" % (W.org.get(t, NX), W.plan.get(t, NX))),
        lambda s, t: plan_rule("read", s, t, 200))

    def get_plan_cross(s, t):
        own = subj(s)[1] or "A"
        other = "C" if own != "C" else "A"
        return client(s).get("/api/v1/organizations/%s/plans/%s" % (W.org[own], W.plan[other]))
    add("GET", "/api/v1/organizations/{org}/plans/{id}", ["own-path-other-plan"], get_plan_cross,
        lambda s, t: 401 if subj(s)[1] is None else 404)

    def fresh_plan(t):
        """A new plan of t, filed by its own contractor-admin, or NX for an organization
        without one."""
        if t not in W.plan:
            return NX
        r = mm.expect(W.clients[W.admin_of[t]].post("/api/v1/organizations/%s/plans" % W.org[t],
                                                    plan_body(t)), 201, "a fresh plan of %s" % t)
        return r.json["id"]

    def withdraw(s, t):
        return client(s).post("/api/v1/organizations/%s/plans/%s/withdraw" % (W.org.get(t, NX), fresh_plan(t)),
                              {"reason": "matrix"})
    add("POST", "/api/v1/organizations/{org}/plans/{id}/withdraw", ORG_TARGETS, withdraw,
        lambda s, t: plan_rule("users", s, t, 200))
    add("POST", "/api/v1/plans/{id}/state", ["-"],
        lambda s, t: client(s).post("/api/v1/plans/%s/state" % fresh_plan("A"), {"state": "under-examination"}),
        lambda s, t: authority_rule(s, True, 200))

    def deadline(s, t):
        pid = fresh_plan("A")
        mm.expect(W.clients["AUadm"].post("/api/v1/plans/%s/state" % pid, {"state": "under-examination"}),
                  200, "examination started")
        return client(s).post("/api/v1/plans/%s/deadline" % pid, {"due": "2099-01-01", "reason": "matrix"})
    add("POST", "/api/v1/plans/{id}/deadline", ["-"], deadline, lambda s, t: authority_rule(s, True, 200))
    add("GET", "/api/v1/plans/{id}/screening", ["-"],
        lambda s, t: client(s).get("/api/v1/plans/%s/screening" % W.plan["A"]),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/national", ["-"], lambda s, t: client(s).get("/api/v1/national"),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/national/aggregate", ["-"],
        lambda s, t: client(s).get("/api/v1/national/aggregate?format=stix&tlp=amber"),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/national/sectors/{key}", ["-"],
        lambda s, t: client(s).get("/api/v1/national/sectors/railway"),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/plans/{id}/report", ["-"],
        lambda s, t: client(s).get("/api/v1/plans/%s/report?months=1" % W.plan["A"]),
        lambda s, t: authority_rule(s, False, 200))
    add("GET", "/api/v1/organizations/{org}/plans/{id}/report", ORG_TARGETS,
        lambda s, t: client(s).get("/api/v1/organizations/%s/plans/%s/report" % (W.org.get(t, NX),
                                                                                  W.plan.get(t, NX))),
        lambda s, t: plan_rule("read", s, t, 200))

    def report_cross(s, t):
        own = subj(s)[1] or "A"
        other = "C" if own != "C" else "A"
        return client(s).get("/api/v1/organizations/%s/plans/%s/report" % (W.org[own], W.plan[other]))
    add("GET", "/api/v1/organizations/{org}/plans/{id}/report", ["own-path-other-plan"], report_cross,
        lambda s, t: 401 if subj(s)[1] is None else 404)

    # last: they change the caller's credentials
    def post_password(s, t):
        if s == "anon":
            return mm.request(W.srv.port, "POST", "/api/v1/password",
                              {"current": mm.GOOD_PASSWORD, "new": mm.GOOD_PASSWORD + "-new"})
        r, c = mm.logon(W.srv, W.logins[s], W.passwords[s])
        if not c:
            return r
        new = W.passwords[s] + "-new"
        r = mm.change_password(c, W.passwords[s], new)
        if r.status in (200, 204):
            W.passwords[s] = new
        return r
    add("POST", "/api/v1/password", ["-"], post_password, lambda s, t: self_rule(s, t, OK2), "last")

    def del_session(s, t):
        if s == "anon":
            return mm.request(W.srv.port, "DELETE", "/api/v1/session")
        r, c = mm.logon(W.srv, W.logins[s], W.passwords[s])
        if not c:
            return r
        r = c.delete("/api/v1/session")
        if r.status in (200, 204) and c.get("/api/v1/session").status != 401:
            r.text += " [but the session still works]"
            r.status = 299
        return r
    add("DELETE", "/api/v1/session", ["-"], del_session, lambda s, t: self_rule(s, t, OK2), "last")
    # TAXII 2.1: every caller has the label collections; a community collection only its
    # members' organizations (and the authority); an object and a status only where the
    # sharing core / the poster allows; 404 otherwise (a collection or object not shown is
    # not found)
    taxii_fixture()
    TX = {"Accept": "application/taxii+json;version=2.1"}

    def tget(path):
        return lambda s, t: client(s).get(path.format(**W.tx.get(t, W.tx["-"])), headers=TX)

    def tpost(s, t):
        env = {"objects": [dict(o, id=o["id"][:-12] + "%012d" % W.n) for o in W.tx_env["objects"]]}
        env["objects"][1]["object_refs"] = [env["objects"][0]["id"]]
        W.n += 1
        return client(s).post("/taxii2/api/collections/{coll}/objects/".format(**W.tx.get(t, W.tx["-"])),
                              json.dumps(env), headers=dict(TX, **{"Content-Type": TX["Accept"]}))

    def t_self(s, t, ok=200):
        return self_rule(s, "-", ok)

    def t_comm(s, t):
        if subj(s)[1] is None:
            return 401
        return 200 if t == "-" or subj(s)[1] in ("A", "AUTH") else 404

    def t_obj(s, t):
        if subj(s)[1] is None:
            return 401
        return 200 if t == "-" or s in ("Cadm", "Cmem") else 404

    def t_status(s, t):
        if subj(s)[1] is None:
            return 401
        return 200 if s == "Aadm" else 404

    # no peers configured here: a round with nobody (tests/server/test_federation.py runs real ones)
    add("POST", "/api/v1/federation/run", ["-"], lambda s, t: client(s).post("/api/v1/federation/run"),
        lambda s, t: authority_rule(s, True, 200))
    add("GET", "/taxii2/", ["-"], tget("/taxii2/"), t_self)
    add("GET", "/taxii2/api/", ["-"], tget("/taxii2/api/"), t_self)
    add("GET", "/taxii2/api/status/{id}/", ["A"], tget("/taxii2/api/status/{status}/"), t_status)
    add("GET", "/taxii2/api/collections/", ["-"], tget("/taxii2/api/collections/"), t_self)
    for p in ("/taxii2/api/collections/{id}/", "/taxii2/api/collections/{id}/manifest/",
              "/taxii2/api/collections/{id}/objects/"):
        add("GET", p, ["-", "A"], tget(p.replace("{id}", "{coll}")), t_comm)
    add("POST", "/taxii2/api/collections/{id}/objects/", ["-"], tpost, lambda s, t: t_self(s, t, 202))
    for p in ("/taxii2/api/collections/{id}/objects/{object}/",
              "/taxii2/api/collections/{id}/objects/{object}/versions/"):
        add("GET", p, ["-", "C"], tget(p.replace("{id}", "{coll}")), t_obj)
    return rows


def spare_key(t):
    W.n += 1
    pub, sec = mm.keygen("spare %d" % W.n, os.path.join(W.T, "spare%d.key" % W.n))
    r = mm.expect(W.clients[W.admin_of[t]].post("/api/v1/organizations/%s/keys" % W.org[t], pub,
                                                headers={"Content-Type": "application/json"}),
                  201, "spare key for %s" % t)
    W.key_ids.setdefault(t, set()).add(sec["key_id"])
    return mm.key_row_id(r)


def signed_doc(org):
    W.n += 1
    a = mm.variant(mm.EXAMPLE_R3, os.path.join(W.T, "as%d.json" % W.n), "matrix %d" % W.n)
    return mm.sign(a, W.keyfile[org], os.path.join(W.T, "sd%d.json" % W.n))


# ---- set-up ------------------------------------------------------------------------------------


def setup():
    W.T = mm.fresh_tmp()
    W.db = os.path.join(W.T, "mamori.db")
    W.log = os.path.join(W.T, "serve.log")
    W.n = 0
    auth_id, otp = mm.admin_init(W.db, "root")
    W.srv = mm.Server(W.db, W.log, ["--threads", "4"]).start()
    root_sess = mm.activate(W.srv, "root", otp)
    root = mm.token_client(W.srv, root_sess, "matrix-root")
    W.org = {"AUTH": root_sess.user.get("org_id") if root_sess.user else auth_id}
    W.org["A"] = mm.create_org(root, "Prime A Corp", identifiers={"cage": "AAAA1"})["id"]
    W.org["B"] = mm.create_org(root, "Sub B Ltd", parent_id=W.org["A"], identifiers={"cage": "BBBB1"})["id"]
    W.org["C"] = mm.create_org(root, "Unrelated C Inc", identifiers={"cage": "CCCC1"})["id"]
    W.clients = {"anon": mm.Client(W.srv), "AUadm": root}
    W.logins = {"AUadm": "root"}
    W.passwords = {"AUadm": mm.GOOD_PASSWORD}
    W.token_ids = {"AUadm": {str(root.token_id)}}
    for name, org, role in SUBJECTS:
        if name in W.clients:
            continue
        login = "m-" + name.lower()
        c = mm.make_user(W.srv, root, W.org[org], login, role)
        W.clients[name] = c
        W.logins[name] = login
        W.passwords[name] = mm.GOOD_PASSWORD
        W.token_ids[name] = {str(c.token_id)}
    # a user anonymous logs on as, and a victim whose token others try to revoke
    mm.activate(W.srv, "anon-logon", mm.create_user(root, W.org["C"], "anon-logon", "contractor-member"))
    victim = mm.make_user(W.srv, root, W.org["B"], "victim", "contractor-member")
    W.victim = victim
    W.victim_token_id = victim.token_id
    W.admin_of = {"A": "Aadm", "B": "Badm", "C": "Cadm"}
    W.keyfile, W.main_key, W.key_ids = {}, {}, {}
    W.subs = {}
    W.managed = {}
    for o in ("A", "B", "C"):
        kf = os.path.join(W.T, "%s.key" % o)
        pub, sec = mm.keygen("org %s" % o, kf)
        r = mm.expect(mm.register_key(W.clients[W.admin_of[o]], W.org[o], pub), 201, "key of %s" % o)
        W.keyfile[o] = kf
        W.main_key[o] = mm.key_row_id(r)
        W.key_ids[o] = {sec["key_id"]}
        for i in range(2):
            submitter = W.clients[W.admin_of[o]] if i == 0 or o == "B" else W.clients[o[0] + "mem"]
            r = mm.expect(mm.submit(submitter, signed_doc(o)), 201, "submission %d of %s" % (i, o))
            W.subs.setdefault(o, []).append(mm.receipt_of(r).get("submission_id"))
        # an annual affirmation of its latest submission, so every view has one to leak or not
        latest = (W.clients["AUadm"].get("/api/v1/organizations/%s" % W.org[o]).json or {})["latest"]["id"]
        env = {"affirming_official": {"date": "2026-01-01", "name": "Official of %s" % o},
               "kind": "mamori-affirmation", "submission_id": latest, "version": 1}
        mm.expect(W.clients[W.admin_of[o]].post("/api/v1/organizations/%s/affirmations" % W.org[o],
                                                mm.sign_envelope(env, sec),
                                                headers={"Content-Type": "application/json"}),
                  201, "affirmation of %s" % o)
    W.subs0 = {k: list(v) for k, v in W.subs.items()}
    W.product = {}
    for o in ("A", "B", "C"):
        r = mm.expect(W.clients[W.admin_of[o]].post("/api/v1/organizations/%s/products" % W.org[o],
                                                    {"name": "Camera of %s" % o, "model": "C-1", "firmware": "1.0"}),
                      201, "product of %s" % o)
        W.product[o] = r.json["id"]
    # critical infrastructure: A, B and C designated railway operators, each with a plan; A's
    # plans name C as their supplier (C must never see them)
    W.plan, W.plans_naming_c = {}, set()
    for o in ("A", "B", "C"):
        mm.expect(W.clients["AUadm"].put("/api/v1/organizations/%s/sector" % W.org[o],
                                         {"sector": "railway", "designated": "2024-05-17", "ministry": "MLIT"}),
                  200, "%s designated" % o)
    for o in ("A", "B", "C"):
        r = mm.expect(W.clients[W.admin_of[o]].post("/api/v1/organizations/%s/plans" % W.org[o], plan_body(o)),
                      201, "plan of %s" % o)
        W.plan[o] = r.json["id"]
    W.plans_naming_c.add(W.plan["A"])
    # the supply chain: B supplies A (proposed by A, confirmed by B); one notification per
    # organization, written as the store writes them (a test of reads, not of their causes)
    r = mm.expect(W.clients["Aadm"].post("/api/v1/organizations/%s/suppliers" % W.org["A"],
                                         {"supplier_id": W.org["B"], "contract": "matrix-BA",
                                          "clauses": ["dfars-252.204-7012", "dfars-252.204-7021"],
                                          "handles": ["cui"]}), 201, "A proposes B")
    W.supply_ba = r.json["id"]
    mm.expect(W.clients["Badm"].post("/api/v1/organizations/%s/supply/%s/confirm" % (W.org["B"], W.supply_ba)),
              200, "B confirms")
    # for each contractor an edge it is no party to: C's is B -> A; A's and B's are ended
    W.cross_edge = {"C": W.supply_ba}
    for own, (cust, sup) in (("A", ("C", "B")), ("B", ("C", "A"))):
        r = mm.expect(W.clients[W.admin_of[cust]].post(
            "/api/v1/organizations/%s/suppliers" % W.org[cust],
            {"supplier_id": W.org[sup], "contract": "matrix-cross", "clauses": [], "handles": ["none"]}),
            201, "cross edge for %s" % own)
        W.cross_edge[own] = r.json["id"]
        mm.expect(W.clients[W.admin_of[cust]].post("/api/v1/organizations/%s/supply/%s/end" % (
            W.org[cust], r.json["id"])), 200, "end the cross edge")
    con = mm.db_rw(W.db)
    W.notes = {}
    for o in ("AUTH", "A", "B", "C"):
        con.execute("INSERT INTO notifications (recipient_org, kind, subject, detail, created)"
                    " VALUES (?, 'status-drop', ?, '{}', '2026-01-01T00:00:00Z')", (W.org[o], "matrix note for " + o))
    con.commit()
    for o in ("AUTH", "A", "B", "C"):
        W.notes[o] = con.execute("SELECT id FROM notifications WHERE recipient_org = ?", (W.org[o],)).fetchone()[0]
    con.close()
    W.server_pub = (mm.request(W.srv.port, "GET", "/api/v1/server-key").json or {}).get("public_key")
    set_consent(False)


def taxii_fixture():
    """The TAXII cells' fixtures: "-" the CLEAR collection and a CLEAR report every caller
    reads; "A" the community of A only (with a GREEN item) and a status A's admin posted;
    "C" the RED collection and a RED report of C's admin naming C's member."""
    tx = {"Accept": "application/taxii+json;version=2.1"}
    ids = {}
    for key, who, body in (
            ("clear", "Aadm", {"title": "taxii clear", "tlp": "TLP:CLEAR",
                               "indicators": [{"type": "domain-name", "value": "c.example"}]}),
            ("red", "Cadm", {"title": "taxii red", "tlp": "TLP:RED",
                             "recipients": {"users": [W.logins["Cmem"]]}})):
        r = mm.expect(W.clients[who].post("/api/v1/items", body), 201, "TAXII item %s" % key)
        ids[key] = r.json["id"]
    r = mm.expect(W.clients["AUadm"].post("/api/v1/communities", {"name": "matrix A only"}), 201, "community")
    comm = r.json["id"]
    mm.expect(W.clients["AUadm"].post("/api/v1/communities/%s/members" % comm, {"org_id": W.org["A"]}),
              201, "A joins")
    mm.expect(W.clients["Aadm"].post("/api/v1/items", {"title": "taxii green", "tlp": "TLP:GREEN",
                                                       "community": comm}), 201, "community item")
    cols = {c.get("alias", c["id"]): c["id"] for c in
            mm.expect(W.clients["Cadm"].get("/taxii2/api/collections/", headers=tx), 200,
                      "collections").json["collections"]}

    def report_of(who, coll, title):
        objs = mm.expect(W.clients[who].get("/taxii2/api/collections/%s/objects/" % coll, headers=tx),
                         200, "objects").json.get("objects", [])
        return [o["id"] for o in objs if o["type"] == "report" and o["name"] == title][0]

    W.tx_env = {"objects": [
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--252c7c11-daf2-42bd-843b-be65edca9f61",
         "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
         "pattern": "[ domain-name:value = 'm.example' ]", "pattern_type": "stix",
         "valid_from": "2016-01-01T00:00:00Z"},
        {"type": "report", "spec_version": "2.1", "id": "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
         "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
         "name": "matrix envelope", "published": "2016-04-06T20:03:48.000Z", "object_refs": []}]}
    env = json.loads(json.dumps(W.tx_env))
    env["objects"][1]["object_refs"] = [env["objects"][0]["id"]]
    r = mm.expect(W.clients["Aadm"].post("/taxii2/api/collections/%s/objects/" % cols["tlp-green"],
                                         json.dumps(env), headers=dict(tx, **{"Content-Type": tx["Accept"]})),
                  202, "A's envelope")
    W.tx = {"-": {"coll": cols["tlp-clear"], "object": report_of("Aadm", cols["tlp-clear"], "taxii clear"),
                  "status": r.json["id"]},
            "A": {"coll": comm, "object": "", "status": r.json["id"]},
            "C": {"coll": cols["tlp-red"], "object": report_of("Cadm", cols["tlp-red"], "taxii red"),
                  "status": r.json["id"]}}


def set_consent(on):
    r = W.clients["Badm"].put("/api/v1/organizations/%s/consent" % W.org["B"], {"prime_may_see_status": on})
    mm.expect(r, OK2, "B's consent %s" % on)
    if getattr(W, "supply_ba", None):  # and its consent towards A as A's supplier
        r = W.clients["Badm"].put("/api/v1/organizations/%s/supply-consent/%s" % (W.org["B"], W.org["A"]),
                                  {"see_status": on, "pass_up": on})
        mm.expect(r, 200, "B's supply consent %s" % on)
    W.consent["B"] = on


# ---- running ------------------------------------------------------------------------------------


def run_rows(C, rows, phase, only_targets=None, label=""):
    for method, path, targets, do, want in ((r[0], r[1], r[2], r[3], r[4]) for r in rows if r[5] == phase):
        for t in targets:
            if only_targets and t not in only_targets:
                continue
            cells = []
            for sname, _, _ in SUBJECTS:
                w = want(sname, t)
                wants = w if isinstance(w, tuple) else (w,)
                try:
                    r = do(sname, t)
                    got = r.status
                    note = content_ok(method, path, sname, t, r) if got in wants else ""
                    body = r.text
                except Exception as e:  # a dead connection, a set-up failure
                    got, note, body = "ERR", "%s: %s" % (type(e).__name__, e), ""
                ok = got in wants and not note
                RESULTS.append((method, path, t, sname, got, w, ok, note))
                cells.append("%s%s" % (got, "" if ok else "!"))
                if not ok:
                    C.check(False, "%s %s [%s] as %s%s" % (method, path, t, sname, label),
                            "got %s, want %s%s; body: %s" % (got, "/".join(map(str, wants)),
                                                           ("; " + note) if note else "", mm.short(body, 160)))
                else:
                    C.oks += 1
            print("%-6s %-44s %-18s %s" % (method, path[:44], (t + label)[:18], " ".join("%-5s" % c for c in cells)),
                  flush=True)


# ---- need-to-know: re-sharing a TLP:AMBER item (docs/sharing.md), subject by subject ----------

# POST /api/v1/items/{id}/reshare {"orgs": [B]} on a fresh AMBER item of C sent to A (B is A's
# subcontractor): A's users may (B is their client); C's users hold it but B is not their
# client; the authority and B do not read it at all.
RESHARE_WANT = {"anon": 401, "AUadm": 404, "AUana": 404, "Aadm": 200, "Amem": 200, "Badm": 404,
                "Cadm": 403, "Cmem": 403}
# GET /api/v1/items/{id} once A re-shared it with B; and before any re-share
READ_AFTER = {"anon": 404, "AUadm": 404, "AUana": 404, "Aadm": 200, "Amem": 200, "Badm": 200,
              "Cadm": 200, "Cmem": 200}


def amber_item(C, owner, to_orgs, label="TLP:AMBER"):
    r = W.clients[owner].post("/api/v1/items", {"title": "need-to-know %d" % W.n, "tlp": label,
                                                "recipients": {"orgs": [W.org[o] for o in to_orgs]}})
    W.n += 1
    C.status(r, 201, "%s shares a %s item with %s" % (owner, label, to_orgs))
    return (r.json or {}).get("id", NX)


def need_to_know(C):
    C.check(set(RESHARE_WANT) == set(READ_AFTER) == {s[0] for s in SUBJECTS},
            "the re-share matrix has every subject")
    for sname, want in RESHARE_WANT.items():
        iid = amber_item(C, "Cadm", ["A"])
        C.status(W.clients["Badm"].get("/api/v1/items/" + iid), 404,
                 "reshare/%s: before, A's client B does not read it" % sname)
        r = W.clients[sname].post("/api/v1/items/%s/reshare" % iid, {"orgs": [W.org["B"]]})
        C.status(r, want, "POST /api/v1/items/{id}/reshare to B x %s" % sname)
    iid = amber_item(C, "Cadm", ["A"])
    mm.expect(W.clients["Aadm"].post("/api/v1/items/%s/reshare" % iid, {"orgs": [W.org["B"]]}), 200,
              "A re-shares with B")
    for sname, want in READ_AFTER.items():
        C.status(W.clients[sname].get("/api/v1/items/" + iid), want,
                 "GET /api/v1/items/{id} after A re-shared with B x %s" % sname)
    # no visibility by being a client: A's AMBER item (B is A's subcontractor), C's AMBER item
    # to the authority (every contractor is the authority's client)
    a_item = amber_item(C, "Aadm", ["C"])
    to_auth = amber_item(C, "Cadm", ["AUTH"])
    for sname in ("Badm", "anon"):
        C.status(W.clients[sname].get("/api/v1/items/" + a_item), 404,
                 "%s does not read A's AMBER item unless re-shared" % sname)
    for sname in ("Aadm", "Amem", "Badm"):
        C.status(W.clients[sname].get("/api/v1/items/" + to_auth), 404,
                 "%s does not read an AMBER item sent to the authority unless re-shared" % sname)
    C.status(W.clients["AUana"].get("/api/v1/items/" + to_auth), 200, "the authority reads it")
    # AMBER+STRICT and RED are never re-shared, even by a recipient with a real client
    strict = amber_item(C, "Cadm", ["A"], "TLP:AMBER+STRICT")
    C.status(W.clients["Aadm"].post("/api/v1/items/%s/reshare" % strict, {"orgs": [W.org["B"]]}), 403,
             "AMBER+STRICT: a recipient's re-share is refused")
    C.status(W.clients["Badm"].get("/api/v1/items/" + strict), 404, "AMBER+STRICT: B still does not read it")


def main():
    C = mm.Checker()
    check_endpoint_list(C)
    setup()
    try:
        rows = make_rows()
        covered = {(r[0], r[1]) for r in rows}
        C.check(covered == {(m, p) for m, p, _ in ENDPOINTS}, "every endpoint has matrix rows",
                str({(m, p) for m, p, _ in ENDPOINTS} ^ covered))
        print("%-6s %-44s %-18s %s" % ("", "endpoint", "target", " ".join("%-5s" % s[0][:5] for s in SUBJECTS)))
        run_rows(C, rows, "main")
        # the prime's view once B consents, and again after B withdraws it
        set_consent(True)
        run_rows(C, rows, "main", only_targets=["A", "B", "A+C"], label=" consent")
        set_consent(False)
        run_rows(C, rows, "main", only_targets=["A", "B"], label=" withdrawn")
        run_rows(C, rows, "last")
        need_to_know(C)
        C.check(W.victim.get("/api/v1/session").status == 200, "the victim's token survived the others' DELETE attempts")
        cp = mm.audit_verify(W.db)
        C.check(cp.returncode == 0, "audit verify: chain intact", cp.stdout + cp.stderr)
        C.check(W.srv.alive(), "server alive at the end")
    finally:
        rc = W.srv.stop()
    C.check(rc == 0, "server exit 0 after SIGTERM", str(rc))
    bad = [r for r in RESULTS if not r[6]]
    print("%d cells, %d mismatches" % (len(RESULTS), len(bad)))
    C.finish()


if __name__ == "__main__":
    mm.need_env()
    main()
