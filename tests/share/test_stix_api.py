#!/usr/bin/env python3
"""STIX 2.1 through the real server (docs/sharing.md "STIX 2.1", docs/api.md "Shared
items"): GET /api/v1/items/{id}/stix goes through the sharing core (404 to a reader the label
excludes, RED/AMBER reads audited); POST /api/v1/items/import stores a bundle's reports as
items of the caller's organization marked as imported, with the bundle's most restrictive
TLP 1.0 or 2.0 marking, refuses unmarked bundles unless ?default= is given, and stores
nothing when the bundle is refused.

Incident reports export as a STIX incident with the incident core extension.

On SQLite, and on PostgreSQL as test_stix_api_py_pg (MM_TEST_DB_URL). Env: MAMORI,
MM_SOURCE_DIR, MM_TMP. Standard library only.
"""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
import mmserver as mm  # noqa: E402

TLP2 = {"TLP:CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "TLP:AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "TLP:RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"}
TLP1_WHITE = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
JSON = {"Content-Type": "application/json"}
TLP1_AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
AMBER_STRICT = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
INCIDENT_EXT = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"


class W:
    pass


def setup(C):
    W.T = mm.fresh_tmp()
    W.db = os.path.join(W.T, "mamori.db")
    _, otp = mm.admin_init(W.db, "root")
    W.srv = mm.Server(W.db, os.path.join(W.T, "serve.log"), ["--threads", "2"]).start()
    root = mm.token_client(W.srv, mm.activate(W.srv, "root", otp), "stix-root")
    a = mm.create_org(root, "Sharer Corp")["id"]
    b = mm.create_org(root, "Importer Ltd")["id"]
    W.sharer = mm.make_user(W.srv, root, a, "st-sharer", "contractor-member")
    W.colleague = mm.make_user(W.srv, root, a, "st-colleague", "contractor-member")
    W.importer = mm.make_user(W.srv, root, b, "st-importer", "contractor-member")
    W.anon = mm.Client(W.srv)
    W.org_b = b


def count(c):
    r = c.get("/api/v1/items/count")
    return (r.json or {}).get("count", -1)


def create(C, label):
    body = {"title": "Phishing %s" % label, "tlp": label, "description": "seen twice",
            "indicators": [{"type": "domain-name", "value": "login-update.example"},
                           {"type": "url", "value": "http://x.example/it's"}],
            "attachments": [{"name": "mail.eml", "sha256": "ab" * 32}]}
    if label == "TLP:RED":
        body["recipients"] = {"users": ["st-colleague"]}
    r = W.sharer.post("/api/v1/items", body)
    C.status(r, 201, "create a %s item" % label)
    return (r.json or {}).get("id", "x")


def export(C):
    W.bundles = {}
    for label in ["TLP:CLEAR", "TLP:AMBER", "TLP:RED"]:
        iid = create(C, label)
        r = W.colleague.get("/api/v1/items/%s/stix" % iid)
        C.status(r, 200, "%s: a reader gets the STIX bundle" % label)
        b = r.json or {}
        W.bundles[label] = b
        marks = [o["id"] for o in b.get("objects", []) if o.get("type") == "marking-definition"]
        C.check(b.get("type") == "bundle" and marks == [TLP2[label]],
                "%s: the bundle carries the official TLP 2.0 marking" % label, mm.short(r.text))
        C.check(all(o.get("object_marking_refs") == [TLP2[label]] for o in b.get("objects", [])
                    if o.get("type") != "marking-definition"),
                "%s: every object is marked" % label)
        want = 200 if label == "TLP:CLEAR" else 404
        C.status(W.importer.get("/api/v1/items/%s/stix" % iid), want,
                 "%s: another organization's user" % label)
        C.status(W.anon.get("/api/v1/items/%s/stix" % iid), want, "%s: anonymous" % label)


def incident(C):
    """An incident report's item exports as a STIX incident with the incident core extension,
    through the same TLP-enforcing read (AMBER+STRICT: the reporter's organization only)."""
    fixture = os.path.join(os.environ.get("MM_SOURCE_DIR", "."), "tests", "fixtures",
                           "incident", "initial.json")
    with open(fixture) as f:
        rep = json.load(f)
    rep.pop("$schema", None)
    r = W.sharer.post("/api/v1/incidents", rep)
    C.status(r, 201, "report an incident")
    iid = ((r.json or {}).get("incident") or {}).get("item_id", "x")
    r = W.colleague.get("/api/v1/items/%s/stix" % iid)
    C.status(r, 200, "incident: a colleague gets the STIX bundle")
    objs = (r.json or {}).get("objects", [])
    inc = [o for o in objs if o.get("type") == "incident"]
    ext = (inc[0].get("extensions") or {}).get(INCIDENT_EXT, {}) if inc else {}
    C.check(len(inc) == 1 and not [o for o in objs if o.get("type") == "report"] and
            ext.get("extension_type") == "property-extension" and
            ext.get("determination") == "suspected" and
            ext.get("investigation_status") == "open" and
            inc[0].get("object_marking_refs") == [AMBER_STRICT] and
            [o["id"] for o in objs if o.get("type") == "marking-definition"] == [AMBER_STRICT],
            "incident: a STIX incident with the core extension, AMBER+STRICT", mm.short(r.text))
    C.check(r.json == W.colleague.get("/api/v1/items/%s/stix" % iid).json,
            "incident: the same bundle twice (deterministic ids)")
    C.status(W.importer.get("/api/v1/items/%s/stix" % iid), 404,
             "incident: another organization's user gets 404")
    C.status(W.anon.get("/api/v1/items/%s/stix" % iid), 404, "incident: anonymous gets 404")


def imports(C):
    before = count(W.importer)
    r = W.importer.post("/api/v1/items/import", W.bundles["TLP:AMBER"])
    C.status(r, 201, "import an AMBER bundle")
    items = (r.json or {}).get("items", [])
    it = items[0] if items else {}
    C.check(len(items) == 1 and it.get("tlp") == "TLP:AMBER" and
            it.get("originator_org") == W.org_b and it.get("title") == "Phishing TLP:AMBER",
            "the imported item: its label and title, owned by the importer's organization",
            mm.short(r.text))
    body = it.get("body", {})
    url_vf = next(o["valid_from"] for o in W.bundles["TLP:AMBER"]["objects"]
                  if o.get("pattern") == "[url:value = 'http://x.example/it\\'s']")
    C.check(body.get("imported", {}).get("format") == "stix-2.1" and
            {"type": "url", "value": "http://x.example/it's", "valid_from": url_vf}
            in body.get("indicators", []) and
            body.get("attachments") == [{"name": "mail.eml", "sha256": "ab" * 32}],
            "marked as imported, indicators and attachments read back", json.dumps(body))
    C.check(count(W.importer) == before + 1, "one item stored")
    C.status(W.colleague.get("/api/v1/items/" + it.get("id", "x")), 404,
             "the imported AMBER copy is not readable by the exporter's organization")
    r = W.importer.post("/api/v1/items/import", W.bundles["TLP:RED"])
    C.status(r, 201, "import a RED bundle")
    red = ((r.json or {}).get("items") or [{}])[0]
    C.status(W.importer.get("/api/v1/items/" + red.get("id", "x")), 200,
             "a RED import is readable by the importing user")
    # TLP 1.0, WHITE -> CLEAR; AMBER on the indicator makes the item AMBER
    b = json.loads(json.dumps(W.bundles["TLP:CLEAR"]))
    for o in b["objects"]:
        if o["type"] == "marking-definition":
            o.clear()
            o.update({"type": "marking-definition", "spec_version": "2.1", "id": TLP1_WHITE,
                      "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp",
                      "name": "TLP:WHITE", "definition": {"tlp": "white"}})
        else:
            o["object_marking_refs"] = [TLP1_WHITE]
    r = W.importer.post("/api/v1/items/import", b)
    C.check(r.status == 201 and (r.json or {}).get("items", [{}])[0].get("tlp") == "TLP:CLEAR",
            "TLP 1.0 WHITE is imported as TLP:CLEAR", mm.short(r.text))
    next(o for o in b["objects"] if o["type"] == "indicator")["object_marking_refs"] = [TLP1_AMBER]
    r = W.importer.post("/api/v1/items/import", b)
    C.check(r.status == 201 and (r.json or {}).get("items", [{}])[0].get("tlp") == "TLP:AMBER",
            "the most restrictive marking wins", mm.short(r.text))


def fixture(name):
    with open(os.path.join(os.environ["MM_SOURCE_DIR"], "tests", "fixtures", "stix", name),
              encoding="utf-8") as f:
        return json.load(f)


def public_examples(C):
    """OASIS's APT1 and Poison Ivy examples (tests/fixtures/stix/PROVENANCE.md), Poison Ivy
    also as STIX 2.0, and a bundle with statement and ACS-style markings: imported, then
    exported again through GET /stix with what a consumer needs."""
    r = W.importer.post("/api/v1/items/import?default=TLP:GREEN", fixture("apt1.json"))
    it = ((r.json or {}).get("items") or [{}])[0]
    inds = it.get("body", {}).get("indicators", [])
    C.check(r.status == 201 and it.get("tlp") == "TLP:GREEN" and
            sum(1 for i in inds if i.get("type") == "md5") == 3 and
            all(i.get("valid_from") == "2015-05-15T09:12:16.432678Z" for i in inds) and
            it["body"]["imported"]["format"] == "stix-2.1",
            "APT1: imported under ?default=TLP:GREEN, file:hashes.md5 read, valid_from kept",
            mm.short(r.text))
    r = W.importer.post("/api/v1/items/import?default=TLP:GREEN",
                        fixture("poisonivy-stix20.json"))
    it = ((r.json or {}).get("items") or [{}])[0]
    C.check(r.status == 201 and
            it.get("body", {}).get("imported", {}).get("format") ==
            "stix-2.0 (upgraded to stix-2.1)",
            "a STIX 2.0 bundle is upgraded, and imported says so", mm.short(r.text))
    r = W.importer.post("/api/v1/items/import", fixture("marked-statement-acs.json"))
    it = ((r.json or {}).get("items") or [{}])[0]
    C.check(r.status == 201 and it.get("tlp") == "TLP:CLEAR" and
            len(it.get("body", {}).get("markings", [])) == 2,
            "an ACS-style marking beside TLP:CLEAR is accepted; statement and ACS kept",
            mm.short(r.text))
    r = W.importer.get("/api/v1/items/%s/stix" % it.get("id", "x"))
    b = r.json or {}
    rep = next((o for o in b.get("objects", []) if o.get("type") == "report"), {})
    C.check(r.status == 200 and
            "marking-definition--2b1f3a5e-6c7d-4e8f-9a0b-1c2d3e4f5a6b" in
            rep.get("object_marking_refs", []) and
            "marking-definition--7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f" in
            rep.get("object_marking_refs", []),
            "exported again with its statement and ACS-style markings", mm.short(r.text))
    path = os.path.join(os.environ["MM_TMP"], "reexport.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(b, f)
    chk = subprocess.run(
        [sys.executable, os.path.join(os.environ["MM_SOURCE_DIR"], "tests", "tools",
                                      "check-stix-consumer.py"), path],
        capture_output=True, text=True)
    C.check(chk.returncode == 0 and rep.get("created_by_ref", "").startswith("identity--"),
            "the API's bundle meets python-stix2's rules (check-stix-consumer.py)",
            chk.stdout + chk.stderr)


def refused(C):
    before = count(W.importer)
    unmarked = json.loads(json.dumps(W.bundles["TLP:AMBER"]))
    unmarked["objects"] = [o for o in unmarked["objects"] if o["type"] != "marking-definition"]
    for o in unmarked["objects"]:
        del o["object_marking_refs"]
    r = W.importer.post("/api/v1/items/import", unmarked)
    C.check(r.status == 422 and "no TLP marking" in r.text, "an unmarked bundle is refused",
            mm.short(r.text))
    r = W.importer.post("/api/v1/items/import?default=TLP:GREEN", unmarked)
    C.check(r.status == 201 and (r.json or {}).get("items", [{}])[0].get("tlp") == "TLP:GREEN",
            "with ?default=TLP:GREEN it is accepted as GREEN", mm.short(r.text))
    C.status(W.importer.post("/api/v1/items/import?default=TLP:WHITE", unmarked), 400,
             "?default= takes a TLP 2.0 label")
    before += 1
    # two reports, the second with an unknown marking: nothing stored
    two = json.loads(json.dumps(W.bundles["TLP:AMBER"]))
    rep = json.loads(json.dumps(next(o for o in two["objects"] if o["type"] == "report")))
    rep["id"] = "report--00000000-0000-4000-8000-000000000001"
    rep["object_marking_refs"] = ["marking-definition--00000000-0000-4000-8000-000000000000"]
    two["objects"].append(rep)
    r = W.importer.post("/api/v1/items/import", two)
    C.check(r.status == 422 and "unknown marking definition" in r.text and
            "$.objects[" in r.text, "an unknown marking id is refused, naming the path",
            mm.short(r.text))
    r = W.importer.post("/api/v1/items/import", "[" * 40 + "]" * 40, headers=JSON)
    C.check(r.status == 422 and "nested deeper than 32" in r.text, "deep nesting is refused",
            mm.short(r.text))
    r = W.importer.post("/api/v1/items/import",
                        {"type": "bundle", "objects": [{}] * 10001})
    C.check(r.status in (413, 422), "10,001 objects are refused", mm.short(r.text))
    r = W.importer.post("/api/v1/items/import", {"type": "bundle", "objects": {"a": 1}})
    C.check(r.status == 422 and "$.objects: expected an array" in r.text,
            "wrong types are refused", mm.short(r.text))
    C.status(W.importer.post("/api/v1/items/import", "not json", headers=JSON), 400, "not JSON")
    C.status(W.anon.post("/api/v1/items/import", W.bundles["TLP:CLEAR"]), 401,
             "anonymous may not import")
    C.check(count(W.importer) == before, "nothing stored by the refused bundles")


def main():
    C = mm.Checker()
    try:
        setup(C)
        export(C)
        incident(C)
        imports(C)
        public_examples(C)
        refused(C)
    finally:
        if getattr(W, "srv", None):
            C.check(W.srv.stop() == 0, "the server stops")
            r = mm.audit_verify(W.db)
            C.check(r.returncode == 0 and "chain intact" in r.stdout,
                    "the audit chain verifies", r.stdout + r.stderr)
    sys.exit(C.finish())


if __name__ == "__main__":
    main()
