#!/usr/bin/env python3
"""Writes the IoT criteria packs (OSCAL 1.1.3 catalogs) in content/frameworks/iot/ and the
published IoT relations (an OSCAL mapping collection) in content/crosswalks/ from the project's
reference data (DIR, normally ../shared/data/iot). Run by hand when the reference data changes;
nothing reads the reference data at run time. Nothing is added that the data does not say: a
text that was not read (or, for ETSI, is not shipped) becomes "text not available: ...".

    python3 scripts/iot-content.py DIR [OUT]     (OUT: the source tree, default .)
"""
import json
import os
import sys
import uuid

NS = "https://mamori.dev/ns/oscal"
ROOT_UUID = uuid.UUID("6f1c3a52-6a0e-5b8e-9d43-0b5a3e6f2a11")
MODIFIED = "2026-12-07T00:00:00Z"  # the day the reference data was read


def uid(*parts):
    return str(uuid.uuid5(ROOT_UUID, "/".join(parts)))


def prop(name, value, ns=True):
    p = {"name": name, "value": str(value)}
    if ns:
        p["ns"] = NS
    return p


def resource(key, title, href, remarks=None):
    r = {"uuid": uid("resource", key), "title": title, "rlinks": [{"href": href}]}
    if remarks:
        r["remarks"] = remarks
    return r


def note(cid, text):
    """a control's note on its source (OSCAL controls have no remarks)"""
    return {"id": cid + "_note", "name": "source-note", "ns": NS, "prose": text}


def not_available(why):
    return "text not available: " + why


def catalog(key, title, version, props, groups, resources, remarks):
    meta = {"title": title, "last-modified": MODIFIED, "version": version,
            "oscal-version": "1.1.3", "props": props, "remarks": remarks}
    cat = {"uuid": uid("catalog", key), "metadata": meta, "groups": groups}
    if resources:
        cat["back-matter"] = {"resources": resources}
    return {"catalog": cat}


def etsi(d):
    meta = d["_meta"]
    res = [resource("etsi-pdf", "ETSI EN 303 645 V2.1.1 (2020-06) (not read; not shipped)",
                    meta["official_url"]),
           resource("etsi-ics", "Annex B ICS pro forma, third-party transcription "
                    "(vsang181/EN-303-645---v2.1.1 @ 444fd060)",
                    "https://github.com/vsang181/EN-303-645---v2.1.1/blob/"
                    "444fd06019d6b8c5b3ddb8dd84926dc5b4aff77e/"
                    "Implementation_Conformance_Statement_Pro_Forma.md")]
    conds = meta["conditions"]
    groups = []
    for c in d["clauses"]:
        controls = []
        for p in (p for p in d["provisions"] if p["clause"] == c["id"]):
            props = [prop("label", p["id"], ns=False), prop("modal", p["modal_verb"]),
                     prop("ics-status", p["ics_status"]),
                     prop("ics-obligation", "mandatory" if p["ics_obligation"] == "M"
                          else "recommended"),
                     prop("text-status", "not-shipped")]
            for n in p["ics_conditions"]:
                props.append(prop("ics-condition", "(%d) %s" % (n, conds[str(n)])))
            controls.append({
                "id": "etsi-" + p["id"], "title": "Provision " + p["id"], "props": props,
                "links": [{"href": "#" + res[1]["uuid"], "rel": "reference"}],
                "parts": [{"id": "etsi-%s_smt" % p["id"], "name": "statement",
                           "prose": not_available(
                               "the provision's wording is ETSI copyright and is not shipped "
                               "(ETSI EN 303 645 V2.1.1, provision %s; a \"%s\" statement)"
                               % (p["id"], p["modal_verb"]))}]})
        assert len(controls) == c["provision_count"], c
        groups.append({"id": "etsi-clause-" + c["id"], "class": "clause",
                       "title": "%s %s" % (c["id"], c["title"]),
                       "props": [prop("label", c["id"], ns=False)], "controls": controls})
    assert sum(len(g["controls"]) for g in groups) == 67
    return catalog("etsi", "ETSI EN 303 645 V2.1.1 (2020-06) Cyber Security for Consumer "
                   "Internet of Things: Baseline Requirements (provision ids, clause titles, "
                   "shall/should; no provision text)", "V2.1.1",
                   [prop("framework-id", "etsi-en-303-645"), prop("label-scheme", "etsi-en-303-645")], groups, res,
                   "Ids, clause titles, modal verbs and Annex B status only. " +
                   meta["provision_text_note"] + " " + meta["why_v2_1_1"] + " " + meta["checks"])


def psti(d):
    meta = d["_meta"]
    res = [resource("psti-sch1", "SI 2023/1007 Schedule 1 (legislation.gov.uk; Crown copyright, "
                    "Open Government Licence v3.0)",
                    "https://www.legislation.gov.uk/uksi/2023/1007/schedule/1/made"),
           resource("psti-sch2", "SI 2023/1007 Schedule 2 (legislation.gov.uk)",
                    "https://www.legislation.gov.uk/uksi/2023/1007/schedule/2")]
    controls = []
    for r in d["schedule1_requirements"]:
        n = r["para"]
        props = [prop("label", "Sch.1-" + n, ns=False),
                 prop("heading-verified", "yes" if r["heading_verified"] else "no")]
        if r["text_read"]:
            prose = " ".join("%s %s" % (k, v) for k, v in r["text_read"].items())
            props.append(prop("text-status", "partial"))
            remarks = "Read: sub-paragraphs %s. Not read: %s." % (
                ", ".join(r["text_read"].keys()), r["not_read"])
        else:
            prose = not_available(r["not_read"] + " (SI 2023/1007 Schedule 1 paragraph %s)" % n)
            props.append(prop("text-status", "not-read"))
            remarks = r.get("heading_source", "")
        c = {"id": "psti-sch1-" + n, "title": r["heading"], "props": props,
             "links": [{"href": "#" + res[0]["uuid"], "rel": "reference"}],
             "parts": [{"id": "psti-sch1-%s_smt" % n, "name": "statement", "prose": prose}]}
        if remarks:
            c["parts"].append(note(c["id"], remarks))
        controls.append(c)
    assert len(controls) == 3
    return catalog("psti", "UK PSTI regime: the security requirements of SI 2023/1007 "
                   "Schedule 1 for relevant connectable products", "SI 2023/1007",
                   [prop("framework-id", "uk-psti"), prop("label-scheme", "uk-psti")],
                   [{"id": "psti-schedule-1", "title": "Schedule 1: security requirements",
                     "controls": controls}], res,
                   meta["instrument"] + ". In force " + meta["in_force"] + ". " + meta["licence"]
                   + ".")


def jcstar(d):
    meta = d["_meta"]
    res = [resource("jcstar-ntt", "NTT Docomo Business, JC-STAR page reproducing IPA's ★1 "
                    "checklist (secondary)", "https://www.ntt.com/business/services/dds/jcs.html"),
           resource("jcstar-ipa-psti", "IPA, JC-STAR and PSTI (official)",
                    "https://www.ipa.go.jp/security/jc-star/shinsei/psti.html")]
    controls = []
    for r in d["requirements"]:
        props = [prop("label", r["id"], ns=False)]
        links = []
        if r.get("text_ja"):
            prose = r["text_ja"]
            props += [prop("text-language", "ja"), prop("text-status", "read-secondary")]
            links.append({"href": "#" + res[0]["uuid"], "rel": "reference"})
        elif r.get("text_ja_fragment"):
            prose = not_available("only the opening words were read (「%s」…); %s" % (
                r["text_ja_fragment"], r["text_ja_fragment_note"]))
            props.append(prop("text-status", "partial"))
            links.append({"href": "#" + res[0]["uuid"], "rel": "reference"})
        else:
            prose = not_available("JC-STAR ★1 requirement %s: %s" % (r["id"], r["status"]))
            props.append(prop("text-status", "not-read"))
        title = r["id"]
        if r.get("short_title_ja"):
            title = "%s %s" % (r["id"], r["short_title_ja"])
            props.append(prop("title-language", "ja"))
            links.append({"href": "#" + res[1]["uuid"], "rel": "reference"})
        ctl = {"id": r["id"], "title": title, "props": props,
               "parts": [{"id": r["id"] + "_smt", "name": "statement", "prose": prose}]}
        if links:
            ctl["links"] = links
        controls.append(ctl)
    assert len(controls) == meta["requirement_count"] == 16
    return catalog("jcstar", "JC-STAR ★1 (STAR-1) conformity requirements (ids; Japanese text "
                   "where read)", "JST-CR-01-01-2024R1 (ids only checked against secondary "
                   "sources)", [prop("framework-id", "jc-star-star1"), prop("label-scheme", "jc-star"),
                    prop("label-level", "1")],
                   [{"id": "jcstar-star1", "title": "★1 (STAR-1)", "controls": controls}], res,
                   meta["official_criteria_document"] + " " + meta["ids_note"] + " " +
                   meta["english"])


def nistir(d):
    meta = d["_meta"]
    res = [resource("nistir-olir", "NIST OLIR tool data ConIoTDesc.txt on nist.gov (first ~2,000 "
                    "characters read)", "https://www.nist.gov/ir8204valjar:/tmp/"
                    "tarfile_extract_30ubfgbc/ConIoTDesc.txt"),
           resource("nistir-pdf", "NIST IR 8425 (Sept. 2022) (not read)", meta["official_pdf"])]
    controls = []
    for c in d["capabilities"]:
        props = [prop("order", str(c["order"])), prop("capability-type", c["type"])]
        if c["outcome"]:
            parts = [{"id": c["id"] + "_smt", "name": "statement", "prose": c["outcome"]}]
            if c["sub_capabilities"]:
                parts[0]["parts"] = [{"id": "%s_smt.%d" % (c["id"], s["n"]), "name": "item",
                                      "props": [prop("label", str(s["n"]), ns=False)],
                                      "prose": s["text"]} for s in c["sub_capabilities"]]
            props.append(prop("text-status", "complete" if c["text_status"] == "complete"
                              else "partial"))
            links = [{"href": "#" + res[0]["uuid"], "rel": "reference"}]
        else:
            parts = [{"id": c["id"] + "_smt", "name": "statement",
                      "prose": not_available("the outcome of %s was not read (NIST IR 8425)"
                                             % c["name"])}]
            props.append(prop("text-status", "not-read"))
            links = []
        ctl = {"id": c["id"], "title": c["name"], "props": props, "parts": parts}
        if links:
            ctl["links"] = links
        if c["text_status"] not in ("complete", "not read"):
            parts.append(note(c["id"], c["text_status"]))
        controls.append(ctl)
    assert len(controls) == 10
    return catalog("nistir", "NIST IR 8425 Profile of the IoT Core Baseline for Consumer IoT "
                   "Products: the ten capabilities (basis of the U.S. Cyber Trust Mark)",
                   "NIST IR 8425 (2022-09)", [prop("framework-id", "nistir-8425"),
                    prop("label-scheme", "us-cyber-trust-mark")],
                   [{"id": "nistir-capabilities", "title": "Capabilities",
                     "controls": controls}], res,
                   meta["id_note"] + " " + meta["fcc_link"])


REL_META = {
    # the relation's own words are kept in the remarks; "superset-of" says which way the
    # recognition goes: meeting the source counts as meeting the target
    "psti-etsi-1": ("etsi-en-303-645", ["etsi-5.1-1", "etsi-5.1-2"], "uk-psti", ["psti-sch1-1"]),
    "psti-etsi-2": ("etsi-en-303-645", ["etsi-5.2-1"], "uk-psti", ["psti-sch1-2"]),
    "psti-etsi-3": ("etsi-en-303-645", ["etsi-5.3-13"], "uk-psti", ["psti-sch1-3"]),
    "jcstar-psti-uk": ("jc-star-star1", None, "uk-psti",
                       ["psti-sch1-1", "psti-sch1-2", "psti-sch1-3"]),
    "psti-jcstar-jp": ("uk-psti", ["psti-sch1-1", "psti-sch1-2", "psti-sch1-3"],
                       "jc-star-star1", ["S1.1-02", "S1.1-05", "S1.1-16"]),
}
FILES = {"etsi-en-303-645": "etsi-en-303-645-v2.1.1.json", "uk-psti": "uk-psti.json",
         "jc-star-star1": "jc-star-star1.json", "nistir-8425": "nistir-8425.json"}


def crosswalk(d, jc):
    meta = d["_meta"]
    all_jc = [r["id"] for r in jc["requirements"]]
    by_pair = {}
    resources = []
    arrangements = []
    for rel in d["relations"]:
        res = resource("rel-" + rel["id"], "%s (%s)" % (rel["published_by"], rel["id"]),
                       rel["source"].split(" ")[0], rel["source"])
        resources.append(res)
        if rel["id"] not in REL_META:
            arrangements.append((rel, res))
            continue
        src, sids, tgt, tids = REL_META[rel["id"]]
        sids = sids or all_jc
        props = [prop("relation-id", rel["id"]),
                 prop("citation", "%s: %s" % (rel["published_by"], rel["source"])),
                 prop("published-by", rel["published_by"]),
                 prop("verified", "yes" if rel["verified"] else "no"),
                 prop("recognition", rel["relation"])]
        if rel.get("effective"):
            props.append(prop("effective", rel["effective"]))
        remarks = "From %s: %s. To %s: %s. %s." % (
            rel["from"]["scheme"], rel["from"]["item"], rel["to"]["scheme"],
            ", ".join(rel["to"]["items"]), rel["relation"])
        if rel["to"].get("alternative"):
            remarks += " Alternative: " + rel["to"]["alternative"] + "."
        if rel.get("note"):
            remarks += " Note: " + rel["note"] + "."
        by_pair.setdefault((src, tgt), []).append({
            "uuid": uid("map", rel["id"]), "props": props,
            "links": [{"href": "#" + res["uuid"], "rel": "reference"}],
            "relationship": "superset-of",
            "sources": [{"type": "control", "id-ref": i} for i in sids],
            "targets": [{"type": "control", "id-ref": i} for i in tids],
            "remarks": remarks})
    mappings = []
    for (src, tgt), maps in by_pair.items():
        mp = {"uuid": uid("mapping", src, tgt),
              "source-resource": {"type": "catalog", "href": "../frameworks/iot/" + FILES[src],
                                  "props": [prop("framework-id", src)]},
              "target-resource": {"type": "catalog", "href": "../frameworks/iot/" + FILES[tgt],
                                  "props": [prop("framework-id", tgt)]},
              "maps": maps}
        mappings.append(mp)
    # the published arrangements between schemes as a whole (no criterion named)
    for rel, res in arrangements:
        for mp in mappings:
            s = mp["source-resource"]["href"]
            t = mp["target-resource"]["href"]
            if {s, t} == {"../frameworks/iot/" + FILES["uk-psti"],
                          "../frameworks/iot/" + FILES["jc-star-star1"]}:
                mp.setdefault("props", []).append(prop("arrangement", rel["id"]))
                mp.setdefault("links", []).append({"href": "#" + res["uuid"],
                                                   "rel": "reference"})
                mp["remarks"] = "%s. Published by %s. Verified: %s. %s" % (
                    rel["relation"], rel["published_by"], "yes" if rel["verified"] else "no",
                    rel.get("note", ""))
    meta_props = [prop("not-found", s) for s in meta["not_found"]]
    return {"mapping-collection": {
        "uuid": uid("crosswalk", "iot"),
        "metadata": {"title": meta["title"], "last-modified": MODIFIED,
                     "version": meta["date_read"], "oscal-version": "1.2.0",
                     "props": meta_props, "remarks": meta["rule"]},
        "provenance": {"method": "human", "matching-rationale": "functional", "status": "complete",
                       "mapping-description": meta["rule"] + " Each relation names the "
                       "instrument that states it; superset-of means that meeting the source "
                       "counts as meeting the target under that instrument (no claim of equal "
                       "wording). Read on " + meta["date_read"] + "."},
        "mappings": mappings,
        "back-matter": {"resources": resources}}}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "."

    def load(name):
        with open(os.path.join(src, name), encoding="utf-8") as f:
            return json.load(f)

    jc = load("jc-star-star1.json")
    docs = {
        "content/frameworks/iot/" + FILES["etsi-en-303-645"]: etsi(load("etsi-en-303-645.json")),
        "content/frameworks/iot/" + FILES["uk-psti"]: psti(load("uk-psti.json")),
        "content/frameworks/iot/" + FILES["jc-star-star1"]: jcstar(jc),
        "content/frameworks/iot/" + FILES["nistir-8425"]: nistir(load("nistir8425-baseline.json")),
        "content/crosswalks/iot-psti-etsi-jcstar.json":
            crosswalk(load("crosswalk-psti-etsi-jcstar.json"), jc),
    }
    for path, doc in docs.items():
        full = os.path.join(out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
            f.write("\n")
        print(path)


if __name__ == "__main__":
    main()
