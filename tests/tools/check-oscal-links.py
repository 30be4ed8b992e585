#!/usr/bin/env python3
"""Checks a folder written by `mamori assess FILE --oscal-dir DIR`: every import href
(import-profile, import-ssp, import-ap, a profile's imports) resolves to a file in the folder,
or, for NIST's Rev 3 catalog URL, to the copy of that file mamori carries
(content/catalogs/sp800-171r3-catalog.json, content/catalogs/PROVENANCE.md); the chain
AR -> AP -> SSP -> profile -> catalog (POA&M -> SSP) holds; every control-id, statement-id
and objective id the documents use exists in the catalog the chain ends in; and no prop in
OSCAL's namespace has a name the OSCAL 1.1.3 metaschema does not allow where it stands
(read from usnistgov/OSCAL tag v1.1.3, commit b123c11bd12c8b8f1bcc8bf85763e5775c0423e9:
src/metaschema/oscal_ssp_metaschema.xml, implemented-requirement and its statements and
by-components: control-origination only; oscal_implementation-common_metaschema.xml,
system-user: type and privilege-level; oscal_catalog_metaschema.xml /
oscal_control-common_metaschema.xml and shared-constraints/allowed-values-control-group-
property-name.ent, control, group and part: label, sort-id, alt-identifier, and status on a
control). Props elsewhere in OSCAL's namespace
are reported too unless listed here: mamori writes its own in https://mamori.dev/ns/oscal.
Usage: check-oscal-links.py DIR SOURCE_DIR; one line per problem, exit 1 if any."""
import json
import os
import sys

R3_URL = ("https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-171/"
          "rev3/json/NIST_SP800-171_rev3_catalog.json")
LABELS = {"label", "sort-id", "alt-identifier"}  # allowed-values-control-group-property-name.ent
# where (the member holding the props) -> names allowed in OSCAL's namespace
ALLOWED = {
    "implemented-requirements": {"control-origination"},
    "statements": {"control-origination"},
    "by-components": {"control-origination"},
    "users": {"type", "privilege-level"},
    "controls": LABELS | {"status"},
    "groups": LABELS,
    "parts": LABELS,
}


def main():
    folder, src = sys.argv[1], sys.argv[2]
    bad = []

    def load(name):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            return json.load(f)

    def resolve(href, where):
        if href == R3_URL:
            return os.path.join(src, "content", "catalogs", "sp800-171r3-catalog.json")
        if "://" in href or href.startswith("/") or ".." in href:
            bad.append("%s: href %s does not resolve in the folder" % (where, href))
            return None
        p = os.path.join(folder, href)
        if not os.path.isfile(p):
            bad.append("%s: href %s: no such file in the folder" % (where, href))
            return None
        return p

    def read(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    docs = {}
    for n in ("ssp.json", "assessment-plan.json", "assessment-results.json", "poam.json"):
        try:
            docs[n] = load(n)
        except OSError as e:
            bad.append("%s: %s" % (n, e.strerror))
            docs[n] = {}
    ar = docs["assessment-results.json"].get("assessment-results", {"import-ap": {"href": ""}})
    ap = docs["assessment-plan.json"].get("assessment-plan", {"import-ssp": {"href": ""}})
    ssp = docs["ssp.json"].get("system-security-plan", {"import-profile": {"href": ""}})
    poam = docs["poam.json"].get("plan-of-action-and-milestones", {})
    if resolve(ar["import-ap"]["href"], "AR import-ap") != os.path.join(folder,
                                                                         "assessment-plan.json"):
        bad.append("AR import-ap is not the folder's assessment-plan.json")
    for name, d in (("AP import-ssp", ap["import-ssp"]), ("POA&M import-ssp",
                                                          poam.get("import-ssp", {}))):
        if resolve(d.get("href", ""), name) != os.path.join(folder, "ssp.json"):
            bad.append("%s is not the folder's ssp.json" % name)
    # SSP -> profile (or catalog) -> catalog
    target = resolve(ssp["import-profile"]["href"], "SSP import-profile")
    catalog = None
    if target:
        t = read(target)
        if "profile" in t:
            for imp in t["profile"]["imports"]:
                c = resolve(imp["href"], "profile import")
                if c:
                    catalog = read(c).get("catalog")
            if not catalog:
                bad.append("the profile imports no catalog")
        else:
            catalog = t.get("catalog")
    if catalog is None:
        bad.append("the SSP's import-profile does not lead to a catalog")
        catalog = {}
    ids = set()

    def walk_ids(node):
        if isinstance(node, dict):
            if "id" in node and isinstance(node["id"], str):
                ids.add(node["id"])
            for v in node.values():
                walk_ids(v)
        elif isinstance(node, list):
            for v in node:
                walk_ids(v)
    walk_ids(catalog.get("groups", []))
    walk_ids(catalog.get("controls", []))
    if not ids:
        bad.append("the catalog holds no controls")

    def check(node, path, parent_key):
        if isinstance(node, dict):
            for k, v in node.items():
                p = path + "." + k
                if k in ("control-id", "statement-id") and isinstance(v, str) and v not in ids:
                    bad.append("%s: %s is not in the catalog" % (p, v))
                if k == "target" and isinstance(v, dict) and v.get("target-id") not in ids:
                    bad.append("%s.target-id: %s is not in the catalog" % (p, v.get("target-id")))
                if k == "props" and isinstance(v, list):
                    for i, pr in enumerate(v):
                        ns = pr.get("ns", "http://csrc.nist.gov/ns/oscal")
                        if ns == "http://csrc.nist.gov/ns/oscal" and \
                                pr.get("name") not in ALLOWED.get(parent_key, set()):
                            bad.append("%s[%d]: %s in OSCAL's namespace is not allowed on %s"
                                       % (p, i, pr.get("name"), parent_key))
                check(v, p, parent_key if k == "props" else k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                check(v, "%s[%d]" % (path, i), parent_key)
    for n, d in docs.items():
        check(d, n, "")
    if "groups" in catalog and os.path.basename(target or "").startswith("profile"):
        check({"groups": catalog["groups"]}, "catalog", "")
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
