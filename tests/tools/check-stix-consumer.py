#!/usr/bin/env python3
"""What python-stix2 requires of a bundle parsed with stix2.parse(text, allow_custom=False),
for the object types mamori exports, checked with the standard library only (python-stix2 is
not installable here). Read from github.com/oasis-open/cti-python-stix2 at commit
2270361774215de49717c1a6028a80c91075b400:
  stix2/v21/bundle.py       Bundle: type, id, objects only (no spec_version on a 2.1 bundle)
  stix2/v21/sdo.py          Identity, Incident, Indicator, Note, Report: their _properties
                            (anything else is custom content, refused without allow_custom);
                            required: identity.name, incident.name, indicator.pattern and
                            pattern_type, report.name, published and object_refs; object_refs
                            are ReferenceProperty(valid_types=["SCO", "SDO", "SRO"]): a marking
                            definition there is refused; created_by_ref has valid_types
                            'identity'; Indicator._check_object_constraints: valid_until after
                            valid_from
  stix2/v21/common.py       ExtensionDefinition: its _properties (no extensions of its own);
                            required: created_by_ref (an identity), name, schema, version,
                            extension_types
  stix2/v21/common.py       MarkingDefinition: definition_type and definition, or extensions;
                            TLP 1.0 definitions only under their official ids and created time
                            (stix2/markings/utils.py check_tlp_marking)
  stix2/properties.py       ExtensionsProperty.clean: an extension not registered with the
                            library is accepted only under an "extension-definition--" id
                            (its content is then not checked); any other key is custom content
  stix2/properties.py       _check_uuid: a 2.1 id's UUID is of the RFC 4122 variant (any
                            version; 2.0 asks for version 4); TimestampProperty
                            precision='millisecond', precision_constraint='min'
and mamori's own rules on top (issue 12): an identity for the originator in the bundle,
created_by_ref on every SDO and SRO resolving to it, every reference resolving inside the
bundle, indicators with a name and a description.
Usage: check-stix-consumer.py BUNDLE...; prints one line per problem, exit 1 if any."""
import json
import re
import sys
import uuid

COMMON = ["type", "spec_version", "id", "created_by_ref", "created", "modified", "revoked",
          "labels", "confidence", "lang", "external_references", "object_marking_refs",
          "granular_markings", "extensions"]
PROPS = {
    "identity": COMMON + ["name", "description", "roles", "identity_class", "sectors",
                          "contact_information"],
    "incident": COMMON + ["name", "description", "kill_chain_phases"],
    "indicator": COMMON + ["name", "description", "indicator_types", "pattern", "pattern_type",
                           "pattern_version", "valid_from", "valid_until", "kill_chain_phases"],
    "note": COMMON + ["abstract", "content", "authors", "object_refs"],
    "report": COMMON + ["name", "description", "report_types", "published", "object_refs"],
    "extension-definition": ["type", "spec_version", "id", "created_by_ref", "created", "modified",
                             "name", "description", "schema", "version", "extension_types",
                             "extension_properties", "revoked", "labels", "external_references",
                             "object_marking_refs", "granular_markings"],
    "marking-definition": ["type", "spec_version", "id", "created_by_ref", "created",
                           "definition_type", "name", "definition", "external_references",
                           "object_marking_refs", "granular_markings", "extensions"],
}
REQUIRED = {
    "identity": ["name"], "incident": ["name"], "indicator": ["pattern", "pattern_type"],
    "note": ["content", "object_refs"], "report": ["name", "published", "object_refs"],
    "extension-definition": ["created_by_ref", "name", "schema", "version", "extension_types"],
}
# mamori's own: what a reader needs to act on an indicator
REQUIRED_MAMORI = {"indicator": ["name", "description", "valid_from"]}
SMO = {"marking-definition", "language-content", "extension-definition"}
TLP1 = {
    "white": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "green": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "amber": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "red": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}
TLP2_EXT = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2 = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,}Z$")


def check(path):
    bad = []

    def no(where, what):
        bad.append("%s: %s: %s" % (path, where, what))

    with open(path, encoding="utf-8") as f:
        b = json.load(f)
    extra = set(b) - {"type", "id", "objects"}
    if b.get("type") != "bundle" or extra:
        no("$", "not a 2.1 bundle (type %r, custom properties %s)" % (b.get("type"), sorted(extra)))
    objs = b.get("objects", [])
    by_id = {o.get("id"): o for o in objs}

    def ref_ok(where, ref, types):
        t = ref.split("--")[0] if isinstance(ref, str) else None
        if t not in types if isinstance(types, set) else t != types:
            no(where, "%r is not a reference to %s" % (ref, types))
        elif ref not in by_id:
            no(where, "%s is not in the bundle" % ref)

    for k, o in enumerate(objs):
        w = "$.objects[%d]" % k
        t = o.get("type")
        oid = o.get("id", "")
        if not oid.startswith(str(t) + "--"):
            no(w + ".id", "%r does not start with %s--" % (oid, t))
        else:
            try:
                if uuid.UUID(oid[len(t) + 2:]).variant != uuid.RFC_4122:
                    no(w + ".id", "not an RFC 4122 UUID")
            except ValueError:
                no(w + ".id", "not a UUID")
        if o.get("spec_version") != "2.1":
            no(w + ".spec_version", "expected \"2.1\"")
        if t not in PROPS:
            no(w, "type %r: not one mamori exports (checked here)" % t)
            continue
        custom = set(o) - set(PROPS[t])
        if custom:
            no(w, "custom properties %s (refused with allow_custom=False)" % sorted(custom))
        for p in REQUIRED.get(t, []) + REQUIRED_MAMORI.get(t, []):
            if p not in o or o[p] in ("", []):
                no(w + "." + p, "required")
        for p in ("created", "modified", "published", "valid_from", "valid_until"):
            if p in o and not TIME.match(o[p]):
                no(w + "." + p, "%r: not a UTC timestamp with millisecond precision" % o[p])
        for key in o.get("extensions", {}) if isinstance(o.get("extensions"), dict) else []:
            if not key.startswith("extension-definition--"):
                no(w + ".extensions", "%r: an unregistered extension that is not an extension-definition" % key)
        for i, r in enumerate(o.get("object_marking_refs", [])):
            ref_ok("%s.object_marking_refs[%d]" % (w, i), r, "marking-definition")
        if t != "marking-definition":
            if "created_by_ref" not in o:
                no(w + ".created_by_ref", "missing (every SDO and SRO names its creator)")
            else:
                ref_ok(w + ".created_by_ref", o["created_by_ref"], "identity")
        if t in ("report", "note"):
            refs = o.get("object_refs", [])
            for i, r in enumerate(refs):
                rt = r.split("--")[0] if isinstance(r, str) else None
                if rt in SMO or rt == "bundle":
                    no("%s.object_refs[%d]" % (w, i), "%s: not an SCO, SDO or SRO" % r)
                elif r not in by_id:
                    no("%s.object_refs[%d]" % (w, i), "%s is not in the bundle" % r)
        if t == "indicator":
            if o.get("valid_until") and o["valid_until"] <= o.get("valid_from", ""):
                no(w + ".valid_until", "not after valid_from")
        if t == "marking-definition":
            has_def = "definition_type" in o and "definition" in o
            if not has_def and "extensions" not in o:
                no(w, "neither definition_type and definition nor extensions")
            if o.get("definition_type") == "tlp":
                colour = o.get("definition", {}).get("tlp")
                if TLP1.get(colour) != oid or o.get("created") != "2017-01-20T00:00:00.000Z":
                    no(w, "a TLP 1.0 definition that is not the official one")
            if o.get("definition_type") == "statement" and \
                    not isinstance(o.get("definition", {}).get("statement"), str):
                no(w + ".definition.statement", "required")
            tlp2 = o.get("extensions", {}).get(TLP2_EXT)
            if tlp2 is not None and TLP2.get(tlp2.get("tlp_2_0")) != oid:
                no(w, "a TLP 2.0 definition under an id that is not the official one")
    return bad


def main():
    bad = []
    for p in sys.argv[1:]:
        bad += check(p)
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
