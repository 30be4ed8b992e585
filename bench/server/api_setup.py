#!/usr/bin/env python3
"""bench/server/api_setup.py URL ADMIN_PASSWORD PUBKEY_FILE [PUBKEY_FILE...]

Prepares a seeded server for bench/server/run.sh through the API only, as docs/api.md
describes: the admin (made by `mamori admin init`, one-time password) changes its password;
makes an authority-analyst, who changes its one-time password and makes an API token; makes
a contractor "Benchmark Poster" with a contractor-admin who registers PUBKEY_FILE (made by
`mamori keygen`) and makes a token for POST /api/v1/submissions; with more than one
PUBKEY_FILE, one such contractor per key ("Benchmark Poster K.K." for the first, then
"Benchmark Poster N K.K.", each key made with the same --org name). Prints shell assignments:
ANALYST_TOKEN, POSTER_TOKEN and POSTER_ORG (the first contractor's), POSTER_TOKENS (every
contractor's token, in the order of the keys, separated by spaces). Standard library only.
"""
import http.cookiejar
import json
import sys
import urllib.request

URL, ADMIN_PW, PUBKEYS = sys.argv[1], sys.argv[2], sys.argv[3:]
if not PUBKEYS:
    sys.exit("usage: api_setup.py URL ADMIN_PASSWORD PUBKEY_FILE [PUBKEY_FILE...]")


class Client:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None

    def call(self, method, path, body=None, raw=None, want=(200, 201)):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(URL + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.csrf:
            req.add_header("X-CSRF-Token", self.csrf)
        try:
            with self.op.open(req, timeout=30) as r:
                status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        if status not in want:
            sys.exit(f"api_setup: {method} {path}: {status} {text[:300]!r}")
        return json.loads(text) if text else None

    def logon(self, login, password, new_password=None):
        """Logs on; with new_password, changes a one-time password and logs on again."""
        r = self.call("POST", "/api/v1/session", {"login": login, "password": password})
        self.csrf = r["csrf_token"]
        if new_password:
            self.call("POST", "/api/v1/password", {"current": password, "new": new_password})
            r = self.call("POST", "/api/v1/session", {"login": login, "password": new_password})
            self.csrf = r["csrf_token"]
        return r


admin = Client()
me = admin.logon("admin", ADMIN_PW, "bench-admin-password-1")
authority = me["user"]["org_id"]

u = admin.call("POST", f"/api/v1/organizations/{authority}/users",
               {"login": "bench-analyst", "role": "authority-analyst"})
analyst = Client()
analyst.logon("bench-analyst", u["one_time_password"], "bench-analyst-password-1")
analyst_token = analyst.call("POST", "/api/v1/tokens", {"name": "bench", "expires_days": 30})["token"]


def poster(n, pubkey):
    """Contractor n (0 first) with a contractor-admin who registers pubkey: (org id, token)."""
    name = "Benchmark Poster K.K." if n == 0 else f"Benchmark Poster {n} K.K."
    login = "bench-poster" if n == 0 else f"bench-poster-{n}"
    org = admin.call("POST", "/api/v1/organizations",
                     {"name": name, "kind": "contractor",
                      "identifiers": {"cage": f"SZ{n:03d}", "sector": "benchmark"}})
    u = admin.call("POST", f"/api/v1/organizations/{org['id']}/users",
                   {"login": login, "role": "contractor-admin"})
    c = Client()
    c.logon(login, u["one_time_password"], "bench-poster-password-1")
    with open(pubkey, "rb") as f:
        c.call("POST", f"/api/v1/organizations/{org['id']}/keys", raw=f.read())
    return org["id"], c.call("POST", "/api/v1/tokens", {"name": "bench", "expires_days": 30})["token"]


posters = [poster(n, k) for n, k in enumerate(PUBKEYS)]
print(f"ANALYST_TOKEN='{analyst_token}'")
print(f"POSTER_TOKEN='{posters[0][1]}'")
print(f"POSTER_ORG='{posters[0][0]}'")
print("POSTER_TOKENS='%s'" % " ".join(t for _, t in posters))
