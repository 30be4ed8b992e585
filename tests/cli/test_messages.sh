#!/bin/sh
# Process-level tests of the messages for real files (issue 11 part 7, issue 13): the one
# JSON loader through the commands (UTF-8 BOM accepted; UTF-16, UTF-32 and Shift_JIS named;
# FILE:LINE:COL and FILE: $.path shapes), catalog show's framework and near-miss hints, no
# database created at a missing path, -o - for standard output, the POA&M CSV's BOM.
# Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
cd "$MM_SOURCE_DIR" || exit 1
T=$MM_TMP
fails=0
export NO_COLOR=1 SOURCE_DATE_EPOCH=1790000000

ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
# run CODE DESCRIPTION -- command...: checks the exit code, keeps stdout and stderr
run() {
    want=$1; what=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" = "$want" ]; then ok "$what"; else no "$what (exit $got, want $want)"; cat "$T/err"; fi
}
# err_is TEXT DESCRIPTION: stderr is exactly one line, TEXT
err_is() {
    if [ "$(cat "$T/err")" = "$1" ]; then ok "$2"; else no "$2: stderr was:"; cat "$T/err"; echo "want: $1"; fi
}
# err_has REGEX DESCRIPTION: stderr is one 'mamori: ' line matching REGEX
err_has() {
    if [ "$(wc -l <"$T/err")" -eq 1 ] && grep -Eq -- "$1" "$T/err"; then ok "$2"; else no "$2: stderr was:"; cat "$T/err"; fi
}
absent() {
    if [ ! -e "$1" ]; then ok "$2"; else no "$2: $1 exists"; fi
}
# py CODE: python3 with the standard library only (writes the encoded fixtures)
py() { python3 -c "$1"; }

# ---- the loader through the commands ----------------------------------------------------
A='{"framework": "800-171r2", "organization": "北斗精密", "requirements": {"3.1.1": "met"}}'
printf '%s\n' "$A" >"$T/a.json"
printf '\357\273\277%s\n' "$A" >"$T/bom.json"
py "import sys; t=open('$T/a.json',encoding='utf-8').read()
open('$T/u16le.json','wb').write(b'\xff\xfe'+t.encode('utf-16-le'))
open('$T/u16be.json','wb').write(t.encode('utf-16-be'))
open('$T/u32le.json','wb').write(t.encode('utf-32'))
open('$T/sjis.json','wb').write(('{\n  \"framework\": \"800-171r2\",\n  \"organization\": \"北斗精密\"\n}\n').encode('shift_jis'))"

run 0 "assess: a UTF-8 file" -- "$MAMORI" assess "$T/a.json" --format json
cp "$T/out" "$T/a.out"
run 0 "assess: the same file with a UTF-8 BOM is accepted (RFC 8259 8.1)" -- "$MAMORI" assess "$T/bom.json" --format json
sed 's/bom\.json/a.json/' "$T/out" | cmp -s - "$T/a.out" && ok "assess: the BOM changes nothing in the result" || no "assess: BOM result differs"
run 2 "assess: UTF-16LE with BOM exits 2" -- "$MAMORI" assess "$T/u16le.json"
err_is "mamori: $T/u16le.json:1:1: the file is UTF-16LE text, not UTF-8: save it as UTF-8" "assess: UTF-16LE named, save it as UTF-8"
run 2 "assess: UTF-16BE without BOM exits 2" -- "$MAMORI" assess "$T/u16be.json"
err_is "mamori: $T/u16be.json:1:1: the file is UTF-16BE text, not UTF-8: save it as UTF-8" "assess: UTF-16BE (NUL pattern) named"
run 2 "assess: UTF-32 exits 2" -- "$MAMORI" assess "$T/u32le.json"
err_has "^mamori: $T/u32le.json:1:1: the file is UTF-32LE text" "assess: UTF-32LE named"
run 2 "assess: Shift_JIS exits 2" -- "$MAMORI" assess "$T/sjis.json"
err_is "mamori: $T/sjis.json:3:20: the file is Shift_JIS text, not UTF-8: save it as UTF-8" "assess: Shift_JIS named at its first non-UTF-8 byte"
printf '{\n  "framework": "800-171r2",\n  "requirements": {"3.1.1": "met",}\n}\n' >"$T/syntax.json"
run 2 "assess: a syntax error exits 2" -- "$MAMORI" assess "$T/syntax.json"
err_has "^mamori: $T/syntax.json:3:[0-9]+: invalid JSON: " "assess: syntax error as FILE:LINE:COL"
printf '{"framework": "800-171r2", "requirements": {"3.1.1": 7}}' >"$T/type.json"
run 2 "assess: a wrong type exits 2" -- "$MAMORI" assess "$T/type.json"
err_has "^mamori: $T/type.json: \\\$\\.requirements\\[?\"?\\.?3\\.1\\.1\"?\\]?: .*found a number" "assess: wrong type as FILE: \$.path: ... found a number"
printf '{"framework": "800-171r2",\n "framework": "800-171r3"}' >"$T/dup.json"
run 2 "assess: a duplicate member exits 2" -- "$MAMORI" assess "$T/dup.json"
err_has "^mamori: $T/dup.json:2:[0-9]+: invalid JSON: duplicate object key" "assess: duplicates refused with LINE:COL"

# the scan merge and the incident check read through the same loader
cp "$T/u16le.json" "$T/scan16.json"
run 2 "assess --scan: a UTF-16 scan file exits 2" -- "$MAMORI" assess "$T/a.json" --scan "$T/scan16.json"
err_is "mamori: $T/scan16.json:1:1: the file is UTF-16LE text, not UTF-8: save it as UTF-8" "assess --scan: UTF-16 scan named"
F=tests/fixtures/incident/initial.json
run 0 "incident report: a fixture" -- env SOURCE_DATE_EPOCH=1773028800 "$MAMORI" incident report "$F"
cp "$T/out" "$T/inc.out"
printf '\357\273\277' >"$T/inc-bom.json"
cat "$F" >>"$T/inc-bom.json"
run 0 "incident report: the fixture with a UTF-8 BOM is accepted" -- env SOURCE_DATE_EPOCH=1773028800 "$MAMORI" incident report "$T/inc-bom.json"
sed "s|$T/inc-bom.json|$F|" "$T/out" | cmp -s - "$T/inc.out" && ok "incident: the BOM changes nothing" || no "incident: BOM output differs"
py "t=open('$F',encoding='utf-8').read(); open('$T/inc16.json','wb').write(t.encode('utf-16'))"
run 2 "incident report: UTF-16 exits 2" -- "$MAMORI" incident report "$T/inc16.json"
err_is "mamori: $T/inc16.json:1:1: the file is UTF-16LE text, not UTF-8: save it as UTF-8" "incident: UTF-16 named"

# serve --config: the loader and the $.path shape
printf '{"threads": true}' >"$T/cfg-type.json"
run 2 "serve --config: a wrong type exits 2" -- "$MAMORI" serve --db "$T/never.db" --config "$T/cfg-type.json"
err_is "mamori: $T/cfg-type.json: \$.threads: expected a string or a whole number, found a boolean" "serve --config: FILE: \$.path: expected ..., found a boolean"
printf '{"db": "x", "thread s": 1}' >"$T/cfg-key.json"
run 2 "serve --config: an unknown key exits 2" -- "$MAMORI" serve --db "$T/never.db" --config "$T/cfg-key.json"
err_has "^mamori: $T/cfg-key.json: \\\$\\[\"thread s\"\\]: unknown option" "serve --config: a key with a space is quoted in the path"
py "open('$T/cfg16.json','wb').write('{\"threads\": 2}'.encode('utf-16'))"
run 2 "serve --config: UTF-16 exits 2" -- "$MAMORI" serve --db "$T/never.db" --config "$T/cfg16.json"
err_has "^mamori: $T/cfg16.json:1:1: the file is UTF-16LE text" "serve --config: UTF-16 named"
printf '[1]' >"$T/cfg-arr.json"
run 2 "serve --config: an array exits 2" -- "$MAMORI" serve --db "$T/never.db" --config "$T/cfg-arr.json"
err_is "mamori: $T/cfg-arr.json: \$: expected a JSON object of options, found an array" "serve --config: not an object, as FILE: \$: ..."
absent "$T/never.db" "serve with a bad --config created no database"

# ---- catalog show: the other framework, near misses --------------------------------------
run 2 "catalog show 03.01.01 asked of Rev 2" -- "$MAMORI" catalog show 03.01.01 --framework r2
err_is "mamori: 03.01.01 is a Rev 3 id; use --framework r3" "catalog: a Rev 3 id asked of Rev 2 names Rev 3"
run 2 "catalog show 3.1.1 asked of Rev 3" -- "$MAMORI" catalog show 3.1.1
err_is "mamori: 3.1.1 is a Rev 2 id; use --framework r2" "catalog: a Rev 2 id asked of Rev 3 names Rev 2"
run 2 "catalog show a Rev 3 objective asked of Rev 2" -- "$MAMORI" catalog show A.03.01.01.b.01 --framework 800-171r2
err_is "mamori: A.03.01.01.b.01 is a Rev 3 id; use --framework r3" "catalog: a Rev 3 objective names Rev 3"
for id in 03.01.1 3.1.l 3.01.01 03-01-01; do
    run 2 "catalog show $id" -- "$MAMORI" catalog show "$id"
    err_is "mamori: unknown requirement '$id' in 800-171r3; did you mean 03.01.01?" "catalog: '$id' suggests 03.01.01"
done
run 2 "catalog show 03.01.1 asked of Rev 2" -- "$MAMORI" catalog show 03.01.1 --framework r2
err_is "mamori: unknown requirement '03.01.1' in 800-171r2; did you mean 3.1.1?" "catalog: Rev 2 near miss suggests 3.1.1"
run 2 "catalog show 3.1.22 asked of Rev 3" -- "$MAMORI" catalog show 3.1.22
err_is "mamori: 3.1.22 is a Rev 2 id; use --framework r2" "catalog: 3.1.22 (Rev 2 only) names Rev 2"
run 2 "catalog show 99.99.99" -- "$MAMORI" catalog show 99.99.99
err_is "mamori: unknown requirement '99.99.99' in 800-171r3 (try 'mamori catalog search')" "catalog: no suggestion for an id of neither"
run 0 "catalog show 03.01.01 still works" -- "$MAMORI" catalog show 03.01.01

# ---- no database created at a missing path -----------------------------------------------
NODB="mamori: $T/db/missing.db: no such database (create one with mamori admin init, mamori serve or mamori admin migrate)"
mkdir -p "$T/db"
run 2 "admin export: a missing database exits 2" -- "$MAMORI" admin export --db "$T/db/missing.db" -o "$T/db/x.dump"
err_is "$NODB" "admin export: no such database"
absent "$T/db/missing.db" "admin export created no database"
absent "$T/db/x.dump" "admin export wrote no dump"
run 2 "admin export sqlite: URL: a missing database exits 2" -- "$MAMORI" admin export --db "sqlite:$T/db/missing.db" -o -
err_is "$NODB" "admin export sqlite:PATH: no such database"
absent "$T/db/missing.db" "admin export sqlite:PATH created no database"
run 2 "admin seed-demo: a missing database exits 2" -- "$MAMORI" admin seed-demo --db "$T/db/missing.db" --contractors 1
err_is "$NODB" "admin seed-demo: no such database"
absent "$T/db/missing.db" "admin seed-demo created no database"
run 2 "audit verify: a missing database exits 2" -- "$MAMORI" audit verify --db "$T/db/missing.db"
err_is "$NODB" "audit verify: no such database"
absent "$T/db/missing.db" "audit verify created no database"
run 2 "admin migrate --from: a missing source exits 2" -- "$MAMORI" admin migrate --from "$T/db/missing.db" --to "$T/db/to.db"
err_is "$NODB" "admin migrate --from: no such database"
absent "$T/db/missing.db" "admin migrate created no source database"
absent "$T/db/to.db" "admin migrate created no target database"
# the commands that may create one still do
run 0 "admin init creates a database" -- "$MAMORI" admin init --db "$T/db/new.db"
[ -f "$T/db/new.db" ] && ok "admin init: the database exists" || no "admin init: no database"
run 0 "admin migrate --db creates (or updates) one" -- "$MAMORI" admin migrate --db "$T/db/mig.db"
[ -f "$T/db/mig.db" ] && ok "admin migrate --db: the database exists" || no "admin migrate --db: no database"

# ---- -o - is standard output -------------------------------------------------------------
cd "$T" || exit 1
run 0 "assess -o -" -- "$MAMORI" assess "$T/a.json" --format json -o -
cmp -s "$T/out" "$T/a.out" && ok "assess -o -: the report on standard output" || no "assess -o -: output differs"
run 0 "assess init -o -" -- "$MAMORI" assess init --framework r2 -o -
grep -q '"framework": "800-171r2"' "$T/out" && ok "assess init -o -: the template on standard output" || no "assess init -o -"
run 0 "admin export -o -" -- "$MAMORI" admin export --db "$T/db/new.db" -o -
head -c 24 "$T/out" | grep -q '^{"kind":"mamori-dump"' && ok "admin export -o -: the dump on standard output" || no "admin export -o -: $(head -c 80 "$T/out")"
grep -q "to standard output" "$T/err" && ok "admin export -o -: the summary on standard error" || no "admin export -o -: summary"
run 0 "admin import of the dump from standard input" -- sh -c "\"$MAMORI\" admin export --db \"$T/db/new.db\" -o - 2>/dev/null | \"$MAMORI\" admin import --db \"$T/db/copy.db\" -"
run 0 "keygen" -- "$MAMORI" keygen --org "Hokuto" -o "$T/k.key"
run 0 "sign -o -" -- "$MAMORI" sign "$T/a.json" --key "$T/k.key" --official "Taro" --date 2026-11-02 -o -
grep -q '"signature"' "$T/out" && ok "sign -o -: the signed document on standard output" || no "sign -o -"
run 2 "keygen -o - is refused" -- "$MAMORI" keygen --org "Hokuto" -o -
err_has "^mamori: keygen: -o - is not possible" "keygen -o -: says why"
absent "$T/-" "keygen -o -: no file named -"
absent "$T/-.pub" "keygen -o -: no file named -.pub"

# ---- receipts and server keys: one line, exit 2 ------------------------------------------
run 2 "receipt verify: an organization's key as the server key" -- \
    "$MAMORI" receipt verify "$T/a.json" --server-key "$T/k.key.pub"
err_has "^mamori: $T/k.key.pub: \\\$.kind: \"mamori-ed25519-public\" is an organization's signing key" \
    "receipt verify: the organization's key named as such"
run 2 "receipt verify: the secret key as the server key" -- \
    "$MAMORI" receipt verify "$T/a.json" --server-key "$T/k.key"
err_has "^mamori: $T/k.key: \\\$.kind: \"mamori-ed25519-secret\"" "receipt verify: the secret key file named, one line"
grep -q '"secret_key"' "$T/k.key" && ! grep -q "$(py "import json; print(json.load(open('$T/k.key'))['secret_key'])")" "$T/err" "$T/out" \
    && ok "receipt verify: the secret key is not printed" || no "receipt verify: secret key printed"
printf '{"kind": "mamori-server-key",\n "public_key": 5,}' >"$T/sk-syntax.json"
run 2 "receipt verify: a server key file that is not JSON" -- \
    "$MAMORI" receipt verify "$T/a.json" --server-key "$T/sk-syntax.json"
err_has "^mamori: $T/sk-syntax.json:2:" "receipt verify: FILE:LINE:COL of the key file"
py "import base64,hashlib,json
pub=bytes(range(32)); kid=hashlib.sha256(pub).hexdigest()[:16]
json.dump({'kind':'mamori-server-key','public_key':base64.b64encode(pub).decode(),'key_id':kid},open('$T/sk.json','w'))"
run 2 "receipt verify: an assessment as the receipt" -- "$MAMORI" receipt verify "$T/a.json" --server-key "$T/sk.json"
err_has "^mamori: $T/a.json: not a receipt" "receipt verify: not a receipt, one line"
printf '{"receipt": {}, \n"signature": "x",}' >"$T/r-syntax.json"
run 2 "receipt verify: a receipt that is not JSON" -- "$MAMORI" receipt verify "$T/r-syntax.json" --server-key "$T/sk.json"
err_has "^mamori: $T/r-syntax.json:2:[0-9]+: " "receipt verify: FILE:LINE:COL"
absent "$T/-.dump" "no stray files"
[ -z "$(ls "$T" | grep -x -- '-')" ] && ok "no file named - anywhere" || no "a file named - was written"
cd "$MM_SOURCE_DIR" || exit 1

# ---- POA&M CSV: a UTF-8 BOM by default, --no-bom leaves it out ---------------------------
run 0 "csv-poam" -- "$MAMORI" assess examples/hokuto/assessment-r2.json --format csv-poam
cp "$T/out" "$T/bom.csv"
[ "$(head -c 3 "$T/bom.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] && ok "csv-poam starts with the UTF-8 BOM" || no "csv-poam: no BOM"
run 0 "csv-poam --no-bom" -- "$MAMORI" assess examples/hokuto/assessment-r2.json --format csv-poam --no-bom
cp "$T/out" "$T/nobom.csv"
[ "$(head -c 4 "$T/nobom.csv")" = "POA&" ] && ok "csv-poam --no-bom starts with the header" || no "csv-poam --no-bom: $(head -c 8 "$T/nobom.csv" | od -c | head -1)"
tail -c +4 "$T/bom.csv" | cmp -s - "$T/nobom.csv" && ok "the BOM is the only difference" || no "BOM and no-BOM differ beyond the mark"
run 0 "csv-poam -o FILE" -- "$MAMORI" assess examples/hokuto/assessment-r2.json --format csv-poam -o "$T/file.csv"
cmp -s "$T/file.csv" "$T/bom.csv" && ok "csv-poam -o FILE has the BOM too" || no "csv-poam -o FILE differs"
run 0 "json output has no BOM" -- "$MAMORI" assess examples/hokuto/assessment-r2.json --format json
[ "$(head -c 1 "$T/out")" = "{" ] && ok "only the CSV gets a BOM" || no "json output starts with $(head -c 3 "$T/out" | od -c | head -1)"

echo
if [ "$fails" -eq 0 ]; then echo "all passed"; else echo "$fails failed"; fi
[ "$fails" -eq 0 ]
