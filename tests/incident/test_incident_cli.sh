#!/bin/sh
# `mamori incident report` offline: the fixtures are valid for the JSON Schema (ajv, an
# independent validator) and for mamori; invalid reports are refused by both (exit 2) with
# the JSON path in mamori's message; the due time, state and preservation date printed at a
# fixed "now" (SOURCE_DATE_EPOCH); usage errors; --server to a closed port fails with exit 2.
# Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
cd "$MM_SOURCE_DIR" || exit 1
T=$MM_TMP
fails=0
export NO_COLOR=1
unset MAMORI_TOKEN

ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }

command -v node >/dev/null 2>&1 || { echo "FAIL node is required: run 'make deps'"; exit 1; }
V="node tests/tools/validate-schema.mjs"
S=schemas/incident.schema.json
F=tests/fixtures/incident

if $V $S $F/initial.json $F/follow-on.json >"$T/v.out" 2>&1; then ok "fixtures valid (ajv)"
else no "fixtures valid (ajv)"; cat "$T/v.out"; fi

# initial report, now = 2026-03-09T04:00:00Z (24 h after discovery: 48 h left)
if SOURCE_DATE_EPOCH=1773028800 "$MAMORI" incident report $F/initial.json >"$T/out" 2>"$T/err"; then
    ok "initial report valid (exit 0)"
else no "initial report valid"; cat "$T/err"; fi
expect() {
    if grep -qF -- "$2" "$T/out"; then ok "$1"; else no "$1: no '$2' in"; cat "$T/out"; fi
}
expect "discovered shown local and UTC" "discovered:     2026-03-07T23:00:00-05:00 America/New_York (2026-03-08T04:00:00Z)"
expect "due after the spring-forward" "due:            2026-03-11T00:00:00-04:00 America/New_York (2026-03-11T04:00:00Z), 72 hours after discovery"
expect "state open" "state now:      open, 48 h 00 min left"
expect "preservation 90 days" "preserve until: 2026-06-07T00:00:00-04:00 America/New_York (2026-06-07T04:00:00Z)"

SOURCE_DATE_EPOCH=1773129600 "$MAMORI" incident report $F/initial.json >"$T/out" 2>&1 # 2026-03-10T08:00Z
expect "state due-soon" "state now:      due-soon, 20 h 00 min left"
SOURCE_DATE_EPOCH=1773129600 "$MAMORI" incident report $F/initial.json --due-soon-hours 12 >"$T/out" 2>&1
expect "--due-soon-hours 12" "state now:      open, 20 h 00 min left"
SOURCE_DATE_EPOCH=1773216000 "$MAMORI" incident report $F/initial.json >"$T/out" 2>&1 # 2026-03-11T08:00Z
expect "state overdue" "state now:      overdue by 4 h 00 min"
SOURCE_DATE_EPOCH=1773028800 "$MAMORI" incident report $F/initial.json --hours 96 >"$T/out" 2>&1
expect "--hours 96" "due:            2026-03-12T00:00:00-04:00 America/New_York (2026-03-12T04:00:00Z), 96 hours after discovery"
SOURCE_DATE_EPOCH=1773028800 "$MAMORI" incident report $F/follow-on.json >"$T/out" 2>&1
expect "follow-on links its initial report" "follow-on to:   MAM-2026-000001"

# invalid reports: refused by the schema and by mamori, with the JSON path
invalid() { # NAME JQ-LIKE-PYTHON-EDIT WANT
    name=$1; edit=$2; want=$3
    python3 -c "import json,sys; d=json.load(open('$F/initial.json')); $edit; json.dump(d, open('$T/bad.json','w'))"
    if $V $S "$T/bad.json" >/dev/null 2>&1; then no "$name: the schema accepts it"; else ok "$name: schema refuses"; fi
    "$MAMORI" incident report "$T/bad.json" >/dev/null 2>"$T/err"; rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$want" "$T/err"; then ok "$name: mamori refuses (exit 2)"
    else no "$name: exit $rc, wanted 2 and '$want'"; cat "$T/err"; fi
}
invalid "unknown impact" "d['functional_impact']='SOME IMPACT'" "bad.json: \$.functional_impact: \"SOME IMPACT\" is not one of"
invalid "no offset" "d['discovered']='2026-03-07T23:00:00'" "bad.json: \$.discovered: \"2026-03-07T23:00:00\": no UTC offset"
invalid "missing narrative" "del d['narrative']" "bad.json: \$.narrative: required: missing"
invalid "follow-on without initial" "d['report_type']='follow-on'" "bad.json: \$.initial_report: required for a follow-on"
invalid "initial with initial_report" "d['initial_report']='MAM-2026-000001'" "bad.json: \$.initial_report: only a follow-on"
invalid "unknown member" "d['severity']='high'" "bad.json: \$: unknown member \"severity\""
invalid "attack vector" "d['attack_vectors']=['Magic']" "bad.json: \$.attack_vectors[0]: \"Magic\" is not one of"
invalid "bad CAGE" "d['facility_cage_code']='12'" "bad.json: \$.facility_cage_code: a CAGE code"
invalid "bad requirement" "d['requirements']=['3.1.99x']" "bad.json: \$.requirements[0]"

# well-formed for the schema, refused by mamori: checks the schema cannot express
python3 -c "import json; d=json.load(open('$F/initial.json')); d['requirements']=['03.99.99']; json.dump(d, open('$T/r.json','w'))"
"$MAMORI" incident report "$T/r.json" >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 2 ] && grep -qF '$.requirements[0]: "03.99.99" is not an SP 800-171 requirement' "$T/err"; then ok "unknown requirement id"; else no "unknown requirement id (exit $rc)"; cat "$T/err"; fi
python3 -c "import json; d=json.load(open('$F/initial.json')); d['discovered']='2026-03-08T02:30:00-05:00'; json.dump(d, open('$T/r.json','w'))"
"$MAMORI" incident report "$T/r.json" >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 2 ] && grep -qF 'but America/New_York was at -04:00 then' "$T/err"; then ok "offset not the zone's"; else no "offset not the zone's (exit $rc)"; cat "$T/err"; fi
printf '{"report_type": ' >"$T/r.json"
"$MAMORI" incident report "$T/r.json" >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 2 ] && grep -q 'r.json:1:[0-9]*: invalid JSON' "$T/err"; then ok "not JSON"; else no "not JSON (exit $rc)"; cat "$T/err"; fi

# usage
for args in "" "--hours 0 $F/initial.json" "--hours x $F/initial.json" "--token t $F/initial.json" "$F/initial.json $F/follow-on.json" "--server ftp://x $F/initial.json"; do
    # shellcheck disable=SC2086
    MAMORI_TOKEN=t "$MAMORI" incident report $args >/dev/null 2>&1; rc=$?
    if [ $rc -eq 2 ]; then ok "usage: '$args' exit 2"; else no "usage: '$args' exit $rc"; fi
done
"$MAMORI" incident report "$T/missing.json" >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 2 ]; then ok "missing file exit 2"; else no "missing file exit $rc"; fi
"$MAMORI" incident report $F/initial.json --server http://127.0.0.1:1 >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "no API token" "$T/err"; then ok "--server without a token"; else no "--server without a token (exit $rc)"; cat "$T/err"; fi
MAMORI_TOKEN=t "$MAMORI" incident report $F/initial.json --server http://127.0.0.1:1 --timeout 5 >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "cannot reach" "$T/err"; then ok "closed port exit 2"; else no "closed port (exit $rc)"; cat "$T/err"; fi
"$MAMORI" incident report --help | grep -q "usage: mamori incident report" && ok "--help" || no "--help"

[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
[ $fails -eq 0 ]
