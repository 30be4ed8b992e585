#!/bin/sh
# The JSON Schemas in schemas/ against an independent validator (ajv, draft 2020-12) and
# against the binary: every example, both templates of `mamori assess init` and the DoD ODP
# profile are valid; invalid files are rejected by the schema AND by mamori (exit 2); a few
# unusual but valid files are accepted by both. Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
cd "$MM_SOURCE_DIR" || exit 1
T=$MM_TMP
fails=0
export NO_COLOR=1

ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }

command -v node >/dev/null 2>&1 || { echo "FAIL node is required: run 'make deps'"; exit 1; }
if [ ! -f node_modules/ajv/dist/2020.js ] || [ ! -f node_modules/ajv-formats/package.json ]; then
    echo "FAIL node_modules/ajv or node_modules/ajv-formats is missing: run 'npm ci' (or 'make deps') in $MM_SOURCE_DIR"
    exit 1
fi

V="node tests/tools/validate-schema.mjs"
A=schemas/assessment.schema.json
P=schemas/odp-profile.schema.json

# valid SCHEMA DESCRIPTION FILE...: ajv accepts every file
valid() {
    schema=$1; what=$2; shift 2
    if $V "$schema" "$@" >"$T/v.out" 2>&1; then ok "$what"; else no "$what"; cat "$T/v.out"; fi
}

# ---- the shipped files are valid ---------------------------------------------------------
valid $A "examples are valid" examples/*.json examples/*/*.json
for fw in 800-171r3 800-171r2; do
    if "$MAMORI" assess init --framework $fw -o "$T/init-$fw.json" 2>"$T/err"; then
        valid $A "assess init --framework $fw is valid" "$T/init-$fw.json"
    else
        no "assess init --framework $fw"; cat "$T/err"
    fi
done
valid $P "DoD ODP profile is valid" content/odp/dod-odp-r3.json

# ---- both reject, both accept -------------------------------------------------------------
n=0
# case EXPECT(accept|reject) SCHEMA JSON: ajv and mamori agree with EXPECT
case_() {
    want=$1; schema=$2; json=$3
    n=$((n + 1)); f="$T/case$n.json"
    printf '%s\n' "$json" >"$f"
    if [ "$schema" = "$P" ]; then
        printf '{"framework": "800-171r3", "requirements": {"03.01.01": "met"}}\n' >"$T/a.json"
        "$MAMORI" assess "$T/a.json" --odp "$f" >/dev/null 2>"$T/err"
    else
        "$MAMORI" assess "$f" >/dev/null 2>"$T/err"
    fi
    bin=$?
    $V "$schema" "$f" >"$T/v.out" 2>&1
    sch=$?
    if [ "$want" = reject ]; then
        if [ "$bin" = 2 ] && [ "$sch" = 1 ]; then ok "rejected by both: $json"; else
            no "want rejected by both (mamori exit $bin, want 2; ajv exit $sch, want 1): $json"
            cat "$T/err" "$T/v.out"
        fi
    else
        if [ "$bin" = 0 ] && [ "$sch" = 0 ]; then ok "accepted by both: $json"; else
            no "want accepted by both (mamori exit $bin, ajv exit $sch): $json"
            cat "$T/err" "$T/v.out"
        fi
    fi
}

case_ reject $A '{"framework": "800-171r2", "requirements": {"3.1.1": "done"}}'
case_ reject $A '{"framework": "800-171r3", "requirements": {"03.01.01": {"status": "implemented"}}}'
case_ reject $A '{"framework": "800-171r3", "objectives": {"A.03.01.01.b.01": "partial"}}'
case_ reject $A '{"framework": "800-171r2", "requirements": {"3.1.1": "partial"}}'
case_ reject $A '{"framework": "800-171r3", "requirements": {"03.05.03": "partial"}}'
case_ reject $A '{"framework": "800-171r3", "requirments": {}}'
case_ reject $A '{"framework": "800-171r3", "requirements": {"03.01.01": {"status": "met", "comment": "x"}}}'
case_ reject $A '{"framework": "800-171r3", "system": {"name": "CUI enclave", "owner": "IT"}}'
case_ reject $A '{"framework": "800-171r3", "poam": [{"requirement": "03.01.01", "weakness": "x", "milestones": [{"description": "d", "due": "2027-01-01", "owner": "x"}]}]}'
case_ reject $A '{"framework": "800-171r3", "requirements": {"3.1.1": "met"}}'
case_ reject $A '{"framework": "800-171r2", "objectives": {"A.03.01.01.b.01": "satisfied"}}'
case_ reject $A '{"framework": "800-171r2", "odp": {"A.03.01.01.ODP.01": "90 days"}}'
case_ reject $A '{"framework": "800-171r3", "scope": "site"}'
case_ reject $A '{"framework": "800-171r3", "dates": {"assessed": "2026-02-30"}}'
case_ reject $A '{"framework": "800-171r3", "dates": {"assessed": "02/11/2026"}}'
case_ reject $A '{"framework": "800-171r3", "poam": [{"requirement": "03.01.01"}]}'
case_ reject $A '{"framework": "800-171r3", "poam": [{"requirement": "03.01.01", "weakness": "x", "status": "done"}]}'
case_ reject $A '{"framework": "800-171r3", "organization": {"identifiers": [{"value": "SJ4K7"}]}}'
case_ reject $A '{"framework": "800-53"}'
case_ reject $A '{"requirements": {}}'
case_ accept $A '{"framework": "800-171r2", "requirements": {"3.5.3": "partial", "3.13.11": {"status": "partial"}}}'
case_ accept $A '{"framework": "800-171r3", "title": "x", "_note": 1, "$schema": "../schemas/assessment.schema.json", "objectives": {"A.03.01.01.b[01]": "met", "03.01.01.b.02": {"determination": "", "text": "t"}}}'
case_ accept $A '{"framework": "rev2", "organization": {"name": "A", "identifiers": {"CAGE": "SJ4K7"}}, "system": "CUI enclave", "scope": "", "dates": {"assessed": "2028-02-29"}, "requirements": {"3.1.1": {"status": "", "evidence": "a.pdf"}}}'
case_ reject $P '{"values": {"A.03.01.01.ODP.01": {"fixed": true}}}'
case_ reject $P '{"values": {"A.03.01.01.ODP.01": null}}'
case_ reject $P '{"values": []}'
case_ accept $P '{"_meta": {"title": "Authority"}, "values": {"A.03.01.01.ODP.01": "at most 45 days", "A.03.01.01.ODP.02": {"value": "8 hours", "fixed": false, "note": "x"}}}'

echo "$fails failed"
[ "$fails" -eq 0 ]
