"""A small TAXII 2.1 client written from the OASIS standard (TAXII Version 2.1, OASIS
Standard, 10 June 2021, https://docs.oasis-open.org/cti/taxii/v2.1/os/taxii-v2.1-os.html),
for the tests: standard library only (the OASIS python client, taxii2-client, is not
installable here: PyPI is not reachable).

What it does as the standard says a client does:
- every request sends Accept: application/taxii+json;version=2.1 (section 1.6.8.1), and a
  POST sends its envelope as Content-Type: application/taxii+json;version=2.1;
- every answer must come back as application/taxii+json;version=2.1 (a ProtocolError
  otherwise), an error as an error message with title and http_status (section 3.6.1);
- discovery (4.1) -> api_roots, resolved against the discovery URL; an API root (4.2);
  collections (5.1, 5.2); objects (5.3) and manifest (5.4) with filters (3.4) and paging
  by limit / next / more (3.4, 3.7); one object (5.6) and its versions (5.8); Add Objects
  (5.5) -> a status resource (4.3), polled by its id.
- credentials: HTTP Basic (login:password) or a Bearer token (section 1.6.7: HTTP
  authentication).
"""

import base64
import http.client
import json
import urllib.parse

MEDIA = "application/taxii+json;version=2.1"


class ProtocolError(Exception):
    pass


class TaxiiError(Exception):
    def __init__(self, status, body, headers):
        super().__init__("HTTP %s: %s" % (status, body))
        self.status = status
        self.body = body
        self.headers = headers


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.json = body


class TaxiiClient:
    def __init__(self, base_url, user=None, password=None, token=None):
        self.base = base_url
        self.auth = None
        if user is not None:
            raw = ("%s:%s" % (user, password)).encode("utf-8")
            self.auth = "Basic " + base64.b64encode(raw).decode("ascii")
        elif token is not None:
            self.auth = "Bearer " + token

    def raw(self, method, url, body=None, accept=MEDIA, content_type=MEDIA, params=None):
        u = urllib.parse.urljoin(self.base, url)
        if params:
            u += "?" + urllib.parse.urlencode(params)
        p = urllib.parse.urlsplit(u)
        h = {}
        if accept is not None:
            h["Accept"] = accept
        if self.auth:
            h["Authorization"] = self.auth
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
            if content_type is not None:
                h["Content-Type"] = content_type
        conn = http.client.HTTPConnection(p.hostname, p.port, timeout=60)
        try:
            conn.request(method, p.path + ("?" + p.query if p.query else ""), body=data,
                         headers=h)
            r = conn.getresponse()
            raw = r.read()
            headers = {k.lower(): v for k, v in r.getheaders()}
        finally:
            conn.close()
        try:
            j = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            j = None
        return Answer(r.status, headers, j)

    def call(self, method, url, body=None, params=None):
        a = self.raw(method, url, body, params=params)
        ct = a.headers.get("content-type", "").replace(" ", "")
        if ct != MEDIA:
            raise ProtocolError("Content-Type %r, want %r" % (ct, MEDIA))
        if a.status >= 400:
            if not isinstance(a.json, dict) or "title" not in a.json:
                raise ProtocolError("an error without a TAXII error message: %r" % a.json)
            raise TaxiiError(a.status, a.json, a.headers)
        return a

    # ---- the endpoints --------------------------------------------------------------------

    def discovery(self):
        d = self.call("GET", "/taxii2/").json
        if "title" not in d:
            raise ProtocolError("discovery without a title")
        return d

    def api_roots(self):
        return [urllib.parse.urljoin(self.base + "/taxii2/", u)
                for u in self.discovery().get("api_roots", [])]

    def api_root(self, root):
        r = self.call("GET", root).json
        for k in ("title", "versions", "max_content_length"):
            if k not in r:
                raise ProtocolError("API root without %s" % k)
        return r

    def collections(self, root):
        c = self.call("GET", root + "collections/").json.get("collections", [])
        for x in c:
            for k in ("id", "title", "can_read", "can_write"):
                if k not in x:
                    raise ProtocolError("collection without %s" % k)
        return c

    def collection(self, root, cid):
        return self.call("GET", "%scollections/%s/" % (root, cid)).json

    def objects_page(self, root, cid, **filters):
        return self.call("GET", "%scollections/%s/objects/" % (root, cid), params=filters)

    def all_pages(self, root, cid, what="objects", limit=None, **filters):
        """Every page (limit per page), following next while more; the objects and the
        pages' answers."""
        out, pages, nxt = [], [], None
        while True:
            params = dict(filters)
            if limit is not None:
                params["limit"] = str(limit)
            if nxt is not None:
                params["next"] = nxt
            a = self.call("GET", "%scollections/%s/%s/" % (root, cid, what), params=params)
            pages.append(a)
            out.extend(a.json.get("objects", []))
            if not a.json.get("more"):
                return out, pages
            nxt = a.json.get("next")
            if not nxt:
                raise ProtocolError("more without next")

    def get_object(self, root, cid, oid, **filters):
        return self.call("GET", "%scollections/%s/objects/%s/" % (root, cid, oid), params=filters)

    def versions(self, root, cid, oid, **filters):
        return self.call("GET", "%scollections/%s/objects/%s/versions/" % (root, cid, oid),
                         params=filters)

    def add_objects(self, root, cid, envelope):
        a = self.call("POST", "%scollections/%s/objects/" % (root, cid), envelope)
        s = a.json
        for k in ("id", "status", "total_count", "success_count", "failure_count",
                  "pending_count"):
            if k not in s:
                raise ProtocolError("status without %s" % k)
        if s["success_count"] + s["failure_count"] + s["pending_count"] != s["total_count"]:
            raise ProtocolError("status counts do not add up")
        return a

    def status(self, root, sid):
        return self.call("GET", "%sstatus/%s/" % (root, sid)).json
