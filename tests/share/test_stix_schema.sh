#!/bin/sh
# STIX 2.1 exports against the OASIS STIX 2.1 JSON Schemas with an independent validator
# (ajv, draft 2020-12; tests/tools/validate-stix.mjs): a bundle for each TLP 2.0 label and
# one with all five, and an incident report (a STIX incident with the incident core
# extension, checked against sdos/incident.json too), made by mm_stix_export through the test helper stix_export (built next
# to the mamori binary); broken bundles are rejected by the validator.
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
