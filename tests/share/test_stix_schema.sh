#!/bin/sh
# STIX 2.1 exports against the OASIS STIX 2.1 JSON Schemas with an independent validator
# (ajv, draft 2020-12; tests/tools/validate-stix.mjs): a bundle for each TLP 2.0 label and
# one with all five, and an incident report (a STIX incident with the incident core
# extension, checked against sdos/incident.json too), made by mm_stix_export through the test
# helper stix_export (built next to the mamori binary); broken bundles are rejected by the
# validator. The same bundles, and OASIS's APT1 and Poison Ivy examples (2.1 and 2.0) and a
# bundle with statement and ACS-style markings imported and exported again, against what
# python-stix2 requires (tests/tools/check-stix-consumer.py).
# Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
cd "$MM_SOURCE_DIR" || exit 1
T=$MM_TMP
fails=0

ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }

command -v node >/dev/null 2>&1 || { echo "FAIL node is required: run 'make deps'"; exit 1; }
if [ ! -f node_modules/ajv/dist/2020.js ] || [ ! -f node_modules/ajv-formats/package.json ]; then
    echo "FAIL node_modules/ajv or node_modules/ajv-formats is missing: run 'npm ci' (or 'make deps') in $MM_SOURCE_DIR"
    exit 1
fi
V="node tests/tools/validate-stix.mjs tests/schemas/stix"
HELPER=$(dirname "$MAMORI")/stix_export

if "$HELPER" "$T" 2>"$T/err"; then ok "stix_export wrote the bundles"; else no "stix_export"; cat "$T/err"; fi
for f in clear green amber amber-strict red all incident; do
    if $V "$T/bundle-$f.json" >"$T/v.out" 2>&1; then
        ok "bundle-$f.json is valid STIX 2.1"
    else
        no "bundle-$f.json"; cat "$T/v.out"
    fi
done

# what python-stix2 (stix2.parse, allow_custom=False) requires, and mamori's own rules: an
# identity, created_by_ref everywhere, object_refs never only markings, indicators described
# (tests/tools/check-stix-consumer.py, which cites the python-stix2 files it follows)
C="python3 tests/tools/check-stix-consumer.py"
for f in clear green amber amber-strict red all incident; do
    if $C "$T/bundle-$f.json" >"$T/c.out" 2>&1; then
        ok "bundle-$f.json: what python-stix2 and mamori require of consumers' bundles"
    else
        no "bundle-$f.json: consumer rules"; cat "$T/c.out"
    fi
done

# OASIS's own examples (tests/fixtures/stix/PROVENANCE.md) imported, then exported again
for f in apt1 poisonivy poisonivy-stix20 marked-statement-acs; do
    if "$HELPER" --reimport "tests/fixtures/stix/$f.json" "$T/re-$f.json" TLP:GREEN 2>"$T/err" &&
        $V "$T/re-$f.json" >"$T/v.out" 2>&1 && $C "$T/re-$f.json" >"$T/c.out" 2>&1; then
        ok "$f.json imported and exported again: valid STIX 2.1, consumer rules"
    else
        no "$f.json re-export"; cat "$T/err" "$T/v.out" "$T/c.out" 2>/dev/null
    fi
done
# APT1: its lower-case file:hashes.md5 indicators come back as MD5 hashes, valid_from kept
if node -e '
    const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const ind = b.objects.filter((o) => o.type === "indicator");
    const md5 = ind.filter((o) => /^\[file:hashes\.MD5 = .[0-9a-f]{32}.\]$/.test(o.pattern));
    const ok = md5.length === 3 && ind.length === 10 &&
        ind.every((o) => o.valid_from === "2015-05-15T09:12:16.432Z");
    process.exit(ok ? 0 : 1);' "$T/re-apt1.json"; then
    ok "APT1: 3 file:hashes.md5 indicators read as MD5, 10 indicators, valid_from kept"
else
    no "APT1: hashes or valid_from lost"
fi
# statement and ACS-style markings kept on the item and exported again beside TLP:CLEAR
if node -e '
    const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const st = "marking-definition--2b1f3a5e-6c7d-4e8f-9a0b-1c2d3e4f5a6b";
    const acs = "marking-definition--7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f";
    const clear = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
    const md = (id) => b.objects.find((o) => o.id === id);
    const rep = b.objects.find((o) => o.type === "report");
    const ind = b.objects.find((o) => o.type === "indicator");
    const ok = md(st).definition.statement.startsWith("Copyright 2026, Example Supplier") &&
        md(acs).extensions["extension-definition--0d4e4f3a-9b8c-4d7e-a6f5-e4d3c2b1a090"] &&
        [rep, ind].every((o) => [clear, st, acs].every((m) => o.object_marking_refs.includes(m))) &&
        ind.valid_from === "2026-11-19T00:00:00.000Z" &&
        ind.pattern === "[file:hashes.\u0027SHA-256\u0027 = \u0027e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\u0027]";
    process.exit(ok ? 0 : 1);' "$T/re-marked-statement-acs.json"; then
    ok "statement and ACS-style markings kept and exported again; sha-256 key read; valid_from kept"
else
    no "statement/ACS markings"; cat "$T/re-marked-statement-acs.json"
fi

# the consumer check rejects what python-stix2 refuses
consumer_rejects() {
    what=$1; script=$2
    node -e '
        const fs = require("fs");
        const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
        const report = b.objects.find((o) => o.type === "report");
        const ind = b.objects.find((o) => o.type === "indicator");
        const md = b.objects.find((o) => o.type === "marking-definition");
        '"$script"'
        fs.writeFileSync(process.argv[2], JSON.stringify(b));' "$T/bundle-amber.json" "$T/broken.json"
    if $C "$T/broken.json" >"$T/c.out" 2>&1; then
        no "consumer check accepts: $what"
    else
        ok "consumer check rejects: $what"
    fi
}
consumer_rejects "report whose object_refs name only its marking" 'report.object_refs = [md.id];'
consumer_rejects "report without created_by_ref" 'delete report.created_by_ref;'
consumer_rejects "indicator without description" 'delete ind.description;'
consumer_rejects "created_by_ref to an identity not in the bundle" 'ind.created_by_ref = "identity--00000000-0000-4000-8000-000000000000";'
consumer_rejects "a custom property" 'report.x_mamori = 1;'
consumer_rejects "spec_version on the bundle" 'b.spec_version = "2.1";'

# every label's official marking definition, and every object marked
for pair in clear:94868c89 green:bab4a63c amber:55d920b0 amber-strict:939a9414 red:e828b379; do
    f=${pair%%:*}; id=marking-definition--${pair#*:}
    if node -e '
        const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const id = process.argv[2];
        const md = b.objects.filter((o) => o.type === "marking-definition");
        const ext = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
        const ok = md.length === 1 && md[0].id.startsWith(id) && md[0].extensions[ext] &&
            b.objects.every((o) => o.type === "marking-definition" ||
                (o.object_marking_refs.length === 1 && o.object_marking_refs[0] === md[0].id));
        process.exit(ok ? 0 : 1);' "$T/bundle-$f.json" "$id"; then
        ok "bundle-$f.json: the TLP 2.0 marking definition, on every object"
    else
        no "bundle-$f.json: marking"
    fi
done

# the incident: the core extension under its official id, its required members, values from
# its vocabularies, CISA's recoverability mapped, AMBER+STRICT on it
if node -e '
    const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const inc = b.objects.filter((o) => o.type === "incident");
    const ext = "extension-definition--ef765651-680c-498d-9894-99799f2fa126";
    const amberStrict = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
    const e = inc.length === 1 && inc[0].extensions && inc[0].extensions[ext];
    const det = ["blocked", "failed-attempt", "false-positive", "low-value",
                 "successful-attempt", "suspected"];
    const ok = e && Object.keys(inc[0].extensions).length === 1 &&
        e.extension_type === "property-extension" && det.includes(e.determination) &&
        e.determination === "suspected" && e.investigation_status === "open" &&
        e.recoverability === "not-recoverable" &&
        inc[0].object_marking_refs.length === 1 && inc[0].object_marking_refs[0] === amberStrict &&
        b.objects.some((o) => o.id === amberStrict) &&
        inc[0].external_references[0].external_id === "2026-0001";
    process.exit(ok ? 0 : 1);' "$T/bundle-incident.json"; then
    ok "bundle-incident.json: the incident core extension (suspected, open, not-recoverable), AMBER+STRICT"
else
    no "bundle-incident.json: incident core extension"; cat "$T/bundle-incident.json"
fi
if node -e '
    const fs = require("fs");
    const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    delete b.objects.find((o) => o.type === "incident").name;
    fs.writeFileSync(process.argv[2], JSON.stringify(b));' "$T/bundle-incident.json" "$T/broken.json" &&
    ! $V "$T/broken.json" >"$T/v.out" 2>&1; then
    ok "validator rejects: incident without a name (the incident schema is applied)"
else
    no "validator accepts an incident without a name"
fi

# broken bundles: the validator must reject them
broken() {
    what=$1; script=$2
    node -e '
        const fs = require("fs");
        const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
        const report = b.objects.find((o) => o.type === "report");
        const ind = b.objects.find((o) => o.type === "indicator");
        const md = b.objects.find((o) => o.type === "marking-definition");
        '"$script"'
        fs.writeFileSync(process.argv[2], JSON.stringify(b));' "$T/bundle-amber.json" "$T/broken.json"
    if $V "$T/broken.json" >"$T/v.out" 2>&1; then
        no "validator accepts a broken bundle: $what"
    else
        ok "validator rejects: $what"
    fi
}
broken "report without object_refs" 'delete report.object_refs;'
broken "timestamp without a time zone" 'report.created = "2026-11-23T10:00:00.000";'
broken "indicator without pattern" 'delete ind.pattern;'
broken "bundle type" 'b.type = "collection";'
broken "TLP 1.0 marking with a wrong id" 'md.definition_type = "tlp"; md.definition = {tlp: "amber"}; delete md.extensions;'
broken "object id not a UUID" 'ind.id = "indicator--1";'

[ "$fails" -eq 0 ] && echo "test_stix_schema: all passed" && exit 0
echo "test_stix_schema: $fails failed"
exit 1
