#!/bin/sh
# Process-level tests of the mamori binary: catalog counts, exit codes, error messages for
# bad input, atomic output, templates, golden outputs. Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
cd "$MM_SOURCE_DIR" || exit 1
T=$MM_TMP
fails=0
export NO_COLOR=1 SOURCE_DATE_EPOCH=1790000000

ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
# expect CODE DESCRIPTION -- command...: checks the exit code
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" = "$want" ]; then ok "$what"; else no "$what (exit $got, want $want)"; cat "$T/err"; fi
}
# err_has PATTERN DESCRIPTION: the last command's stderr matches an extended regex
err_has() {
    if grep -Eq -- "$1" "$T/err"; then ok "$2"; else no "$2: stderr was:"; cat "$T/err"; fi
}
# one line, starting "mamori: "
one_line() {
    n=$(wc -l <"$T/err")
    if [ "$n" -eq 1 ] && grep -q '^mamori: ' "$T/err"; then ok "$1: one-line message"; else no "$1: message is not one 'mamori:' line"; cat "$T/err"; fi
}
js() { node -e "const d=JSON.parse(require('fs').readFileSync(process.argv[1],'utf8'));$1" "$2"; }

command -v node >/dev/null || { echo "node is required (run make deps)"; exit 1; }

# ---- catalog ---------------------------------------------------------------------------
expect 0 "catalog list r3 json" -- "$MAMORI" catalog list --format json
cp "$T/out" "$T/r3.json"
got=$(js 'const r=d.requirements;console.log(r.length, r.filter(x=>!x.withdrawn).length, r.filter(x=>x.withdrawn===true).length, r.reduce((n,x)=>n+x.objectives.length,0), r.every(x=>typeof x.id=="string"&&typeof x.family=="string"&&typeof x.title=="string"&&Array.isArray(x.objectives)))' "$T/r3.json")
[ "$got" = "130 97 33 422 true" ] && ok "r3: 97 active, 33 withdrawn, 422 objectives" || no "r3 counts: $got"
got=$(js 'const x=d.requirements.find(r=>r.id=="03.01.13");console.log(x.withdrawn, x.withdrawn_to.join(","), x.objectives.length)' "$T/r3.json")
[ "$got" = "true 03.13.08 0" ] && ok "r3: withdrawn 03.01.13 points to 03.13.08" || no "r3 withdrawn: $got"
expect 0 "catalog list r2 json" -- "$MAMORI" catalog list --framework 800-171r2 --format json
got=$(js 'const r=d.requirements;console.log(r.length, r.filter(x=>!x.withdrawn).length, r.reduce((n,x)=>n+x.objectives.length,0), r.find(x=>x.id=="3.5.3").objectives.join(","))' "$T/out")
[ "$got" = "110 110 320 3.5.3[a],3.5.3[b],3.5.3[c],3.5.3[d]" ] && ok "r2: 110 requirements, 320 objectives" || no "r2 counts: $got"
expect 0 "catalog list text" -- "$MAMORI" catalog list
grep -q '^  03.01.08  Unsuccessful Logon Attempts' "$T/out" && ok "text list shows titles" || no "text list"
expect 0 "catalog show with DoD profile" -- "$MAMORI" catalog show 03.01.01
grep -q 'at most 90 days' "$T/out" && ok "show fills ODPs from the DoD profile" || no "show ODP values"
cat >"$T/profile.json" <<'P'
{"_meta": {"title": "Japan MOD ODP profile (test)"}, "values": {"A.03.01.01.ODP.01": "at most 45 days"}}
P
expect 0 "catalog show with --odp" -- "$MAMORI" catalog show 03.01.01 --odp "$T/profile.json"
grep -q 'at most 45 days' "$T/out" && ! grep -q 'at most 90 days' "$T/out" && ok "show uses the given profile" || no "show --odp"
expect 0 "catalog show json" -- "$MAMORI" catalog show 03.05.03 --format json
got=$(js 'console.log(d.id, d.objectives.length, d.methods.map(m=>m.method).join(","))' "$T/out")
[ "$got" = "03.05.03 2 examine,interview,test" ] && ok "show json has objectives and methods" || no "show json: $got"
expect 0 "catalog search" -- "$MAMORI" catalog search unsuccessful logon
grep -q '03.01.08' "$T/out" && ok "search finds 03.01.08" || no "search"
expect 2 "catalog show unknown id" -- "$MAMORI" catalog show 03.99.99
one_line "unknown id"
expect 2 "catalog bad framework" -- "$MAMORI" catalog list --framework 800-53
err_has "unknown framework" "bad framework named"
expect 2 "catalog: unknown option" -- "$MAMORI" catalog list --bogus

# ---- assess: results ---------------------------------------------------------------------
expect 0 "assess r2 example json" -- "$MAMORI" assess examples/hokuto/assessment-r2.json --format json
got=$(js 'console.log(d.framework, d.score.sprs, d.score.sprs_valid, d.requirements_met, d.requirements_total, d.objectives_total, d.cmmc_level2.status, d.families.length, d.poam.length)' "$T/out")
[ "$got" = "800-171r2 106 true 108 110 320 conditional 14 2" ] && ok "r2 example: 106, conditional" || no "r2 example: $got"
expect 0 "assess short form" -- "$MAMORI" assess examples/short-r2.json --format json
got=$(js 'console.log(d.score.sprs, d.score.sprs_valid, d.requirements_not_assessed, d.cmmc_level2.eligible, /3.12.4/.test(d.score.sprs_invalid_reason))' "$T/out")
[ "$got" = "null false 107 false true" ] && ok "short form: no SSP -> no score, 107 not assessed" || no "short form: $got"
expect 0 "assess r3 example json" -- "$MAMORI" assess examples/hokuto/assessment-r3.json --format json
got=$(js 'console.log(d.requirements_total, d.objectives_total, d.score.sprs, d.odp_conflicts.length, d.odp_conflicts[0].odp, d.gaps[0].id, d.cmmc_level2)' "$T/out")
[ "$got" = "97 422 null 1 A.03.01.08.ODP.01 03.14.06 null" ] && ok "r3 example: 97/422, ODP conflict, gaps ordered" || no "r3 example: $got"
expect 0 "fail-on-gaps: all met" -- sh -c "printf '%s' '{\"framework\":\"800-171r2\",\"requirements\":{$(node -e 'const d=JSON.parse(require("fs").readFileSync("content/catalogs/sp800-171r2.json"));console.log(d.requirements.map(r=>JSON.stringify(r.id)+":\"met\"").join(","))')}}' > '$T/allmet.json'; '$MAMORI' assess '$T/allmet.json' --fail-on-gaps --format json"
got=$(js 'console.log(d.score.sprs, d.cmmc_level2.status)' "$T/out")
[ "$got" = "110 final" ] && ok "all met: 110, final" || no "all met: $got"
expect 1 "fail-on-gaps with gaps exits 1" -- "$MAMORI" assess examples/hokuto/assessment-r2.json --fail-on-gaps
expect 0 "gaps without --fail-on-gaps exit 0" -- "$MAMORI" assess examples/hokuto/assessment-r2.json
expect 2 "assess --odp on Rev 2" -- "$MAMORI" assess examples/short-r2.json --odp "$T/profile.json"
expect 2 "assess --framework mismatch" -- "$MAMORI" assess examples/short-r2.json --framework 800-171r3
err_has 'short-r2.json: \$\.framework' "framework mismatch names file and path"
expect 0 "assess with --odp profile" -- "$MAMORI" assess examples/hokuto/assessment-r3.json --odp "$T/profile.json" --format json
got=$(js 'console.log(d.odp_profile.name, d.odp_conflicts.length, d.odp_conflicts[0].fixed)' "$T/out")
[ "$got" = "Japan MOD ODP profile (test) 1 at most 45 days" ] && ok "profile named in the report" || no "profile: $got"
expect 0 "text output names the profile" -- "$MAMORI" assess examples/hokuto/assessment-r3.json
grep -q 'ODP profile: DoD' "$T/out" && ok "DoD profile named in text" || no "text profile"
if grep -q "$(printf '\033')" "$T/out"; then no "colour when not a tty"; else ok "no colour when not a tty"; fi

# ---- assess: bad input -------------------------------------------------------------------
bad() { # bad NAME CONTENT PATTERN
    printf '%s' "$2" >"$T/$1.json"
    expect 2 "bad input: $1" -- "$MAMORI" assess "$T/$1.json"
    one_line "$1"
    err_has "$3" "$1: message"
}
bad malformed '{"framework": "800-171r2", "requirements": {"3.1.1": met}}' 'malformed.json:1:[0-9]+: '
bad truncated '{"framework": "800-171r2", "requirements": {"3.1.1": "met"' 'truncated.json:1:[0-9]+: '
bad unknown-req '{"framework": "800-171r2", "requirements": {"3.1.99": "met"}}' 'unknown-req.json: \$\.requirements\["3\.1\.99"\]: unknown requirement'
bad unknown-obj '{"framework": "800-171r3", "objectives": {"A.03.01.01.z.09": "satisfied"}}' 'unknown objective'
bad r3-id-in-r2 '{"framework": "800-171r2", "requirements": {"03.01.01": "met"}}' 'Rev 3 id'
bad r2-id-in-r3 '{"framework": "800-171r3", "requirements": {"3.1.1": "met"}}' 'Rev 2 id'
bad partial-not-allowed '{"framework": "800-171r2", "requirements": {"3.1.1": "partial"}}' 'partial.*not allowed for 3\.1\.1'
bad partial-r3 '{"framework": "800-171r3", "requirements": {"03.05.03": "partial"}}' 'not allowed for 03\.05\.03'
bad bad-status '{"framework": "800-171r2", "requirements": {"3.1.1": "done"}}' 'unknown status "done"'
bad no-framework '{"requirements": {"3.1.1": "met"}}' '\$\.framework: missing'
bad withdrawn '{"framework": "800-171r3", "requirements": {"03.01.13": "met"}}' 'withdrawn'
bad wrong-type '{"framework": "800-171r2", "requirements": ["3.1.1"]}' '\$\.requirements: expected an object'
bad bad-date '{"framework": "800-171r2", "poam": [{"requirement": "3.1.1", "weakness": "w", "milestones": [{"description": "d", "due": "2026-13-01"}]}]}' 'milestones\[0\].*YYYY-MM-DD'
bad poam-withdrawn '{"framework": "800-171r3", "poam": [{"requirement": "03.01.13", "weakness": "w"}]}' 'poam\[0\]: requirement 03\.01\.13 is withdrawn'
bad r2-obj-in-r3 '{"framework": "800-171r3", "objectives": {"3.1.1[a]": "satisfied"}}' 'Rev 2 objective'
bad duplicate '{"framework": "800-171r2", "framework": "800-171r3"}' 'duplicate'
bad not-object '[1,2,3]' 'expected a JSON object'
bad empty '' 'empty.json'
printf '{"framework": "800-171r2", "organization": {"name": "Bad \377\376 name"}}' >"$T/latin1.json"
expect 2 "bad input: non-UTF-8" -- "$MAMORI" assess "$T/latin1.json"
one_line "non-UTF-8"
err_has 'latin1.json:1:[0-9]+: .*(UTF-8|decode)' "non-UTF-8 names the place"
expect 2 "missing file" -- "$MAMORI" assess "$T/nope.json"
one_line "missing file"
err_has 'nope.json: No such file' "missing file named"
# 100 MB file: refused before reading it all
dd if=/dev/zero of="$T/huge.json" bs=1M count=0 seek=100 2>/dev/null
expect 2 "100 MB file" -- "$MAMORI" assess "$T/huge.json"
one_line "100 MB file"
err_has 'huge.json: .*larger than the limit' "100 MB file: limit named"
# a huge stream on stdin is also cut off
expect 2 "huge stdin" -- sh -c "head -c 20000000 /dev/zero | '$MAMORI' assess -"
err_has 'larger than the limit' "huge stdin refused"
expect 2 "unknown format" -- "$MAMORI" assess examples/short-r2.json --format pdf
err_has "unknown format 'pdf'" "unknown format named"
expect 2 "no file" -- "$MAMORI" assess
expect 2 "unknown command" -- "$MAMORI" frobnicate

# ---- output files are written atomically ----------------------------------------------
mkdir -p "$T/o"
printf 'previous report\n' >"$T/o/report.json"
expect 2 "bad input with -o" -- "$MAMORI" assess "$T/malformed.json" --format json -o "$T/o/report.json"
[ "$(cat "$T/o/report.json")" = "previous report" ] && ok "bad input leaves the old output intact" || no "output clobbered"
expect 0 "good input with -o" -- "$MAMORI" assess examples/short-r2.json --format json -o "$T/o/report.json"
js 'process.exit(d.framework==="800-171r2"?0:1)' "$T/o/report.json" && ok "output replaced" || no "output not replaced"
[ "$(ls "$T/o" | wc -l)" -eq 1 ] && ok "no temporary files left" || { no "temporary files left"; ls "$T/o"; }
expect 0 "output to /dev/null (a device, written in place)" -- "$MAMORI" assess examples/short-r2.json -o /dev/null
[ -c /dev/null ] && ok "/dev/null is still a device" || no "/dev/null replaced"
expect 2 "output to a directory" -- "$MAMORI" assess examples/short-r2.json -o "$T/o"
one_line "output to a directory"
expect 2 "output into a missing folder" -- "$MAMORI" assess examples/short-r2.json -o "$T/missing/dir/r.json"
one_line "unwritable output"

# ---- templates ---------------------------------------------------------------------------
for fw in 800-171r3 800-171r2; do
    expect 0 "assess init $fw" -- "$MAMORI" assess init --framework $fw -o "$T/init-$fw.json"
    got=$(js 'let n=0;for(const r of Object.values(d.requirements))for(const o of Object.values(r.objectives)){if(!o.text)throw 1;n++}console.log(Object.keys(d.requirements).length,n)' "$T/init-$fw.json")
    case $fw in 800-171r3) want="97 422";; *) want="110 320";; esac
    [ "$got" = "$want" ] && ok "template $fw has every objective with its text ($got)" || no "template $fw: $got"
    expect 0 "template $fw parses back" -- "$MAMORI" assess "$T/init-$fw.json" --format json
    got=$(js 'console.log(d.requirements_not_assessed===d.requirements_total)' "$T/out")
    [ "$got" = "true" ] && ok "fresh template: everything not assessed" || no "template eval: $got"
done
expect 2 "assess init needs a framework" -- "$MAMORI" assess init
expect 2 "assess init --odp on Rev 2" -- "$MAMORI" assess init --framework 800-171r2 --odp "$T/profile.json"
# a profile whose "fixed" is not a boolean is refused, not silently read as fixed
printf '{"values": {"A.03.01.01.ODP.01": {"value": "30 days", "fixed": "false"}}}' >"$T/badprof.json"
expect 2 "profile with a non-boolean fixed" -- "$MAMORI" catalog show 03.01.01 --odp "$T/badprof.json"
err_has 'badprof.json: \$\.values\["A\.03\.01\.01\.ODP\.01"\]: "fixed"' "profile error names the path"

# ---- golden outputs ------------------------------------------------------------------------
G=tests/fixtures/golden
for case in hokuto/assessment-r3 hokuto/assessment-r2 short-r2; do
    name=$(echo "$case" | tr / -)
    for fmt in text json; do
        "$MAMORI" assess "examples/$case.json" --format $fmt -o "$T/$name.$fmt" 2>"$T/err"
        if [ -n "${UPDATE_GOLDEN:-}" ]; then cp "$T/$name.$fmt" "$G/$name.$fmt"; fi
        if cmp -s "$T/$name.$fmt" "$G/$name.$fmt"; then ok "golden $name.$fmt"; else no "golden $name.$fmt differs:"; diff -u "$G/$name.$fmt" "$T/$name.$fmt" | head -20; fi
    done
done

echo "test_cli: $fails failure(s)"
[ "$fails" -eq 0 ]
