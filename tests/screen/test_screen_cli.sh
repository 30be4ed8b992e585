#!/bin/sh
# Process-level tests of `mamori screen` (docs/screening.md): the sector list with the data's
# own verification marks, a plan file checked offline with the JSON path in each error, and
# the report of a database's free-text sectors (exact matches recorded with --apply, unknown
# ones reported and kept). Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
T=$MM_TMP
DB=$T/mamori.db
fails=0

ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" = "$want" ]; then ok "$what"; else no "$what (exit $got, want $want)"; cat "$T/err"; fi
}
out_has() {
    if grep -Eq -- "$1" "$T/out"; then ok "$2"; else no "$2: stdout was:"; cat "$T/out"; fi
}
err_has() {
    if grep -Fq -- "$1" "$T/err"; then ok "$2"; else no "$2: stderr was:"; cat "$T/err"; fi
}

expect 0 "screen sectors" -- "$MAMORI" screen sectors
n=$(wc -l <"$T/out")
[ "$n" = 15 ] && ok "15 sectors" || no "$n sectors"
out_has '^\{"key":"gas",.*"ministry":null,"ministry_verified":false,"equipment_status":"not read"' \
    "gas: no ministry in the data, marked not verified"
out_has '^\{"key":"railway",.*"ministry":"MLIT","ministry_verified":true,.*"equipment_categories":1\}' \
    "railway: ministry verified, one equipment category"
expect 0 "screen sectors --equipment electricity" -- "$MAMORI" screen sectors --equipment electricity
[ "$(wc -l <"$T/out")" = 6 ] && ok "electricity: 6 equipment items" || no "electricity items"
out_has '"id":"electricity.6"' "numbered ids"
expect 0 "no equipment in the data for gas" -- "$MAMORI" screen sectors --equipment gas
[ -s "$T/out" ] && no "gas equipment printed" || ok "gas: nothing made up"
err_has "the data gives no equipment for 'gas' (not read)" "says the data does not give it"
expect 2 "unknown sector" -- "$MAMORI" screen sectors --equipment medical
err_has "mamori: screen sectors: --equipment: 'medical' is not a sector of the list" "names it"

cat >"$T/plan.json" <<'JSON'
{"kind": "mamori-installation-plan", "operator": "op1", "sector": "trucking",
 "equipment": {"category": "trucking.1", "model": "Dispatch-7", "version": "7.2"},
 "supplier": {"name": "Acme Logistics Software", "country": "JP"},
 "maintainers": [{"name": "Remote Ops KK", "scope": "remote maintenance"}],
 "planned_start": "2027-02-01"}
JSON
expect 0 "a good plan" -- "$MAMORI" screen "$T/plan.json"
out_has '"category":"trucking.1"' "prints the plan as checked"
sed 's/"trucking.1"/"trucking.2"/' "$T/plan.json" >"$T/bad1.json"
expect 2 "unknown equipment category" -- "$MAMORI" screen "$T/bad1.json"
err_has "mamori: $T/bad1.json: \$.equipment.category: 'trucking.2' is not an equipment category of sector 'trucking'" \
    "names the JSON path"
sed 's/"trucking"/"medical"/' "$T/plan.json" >"$T/bad2.json"
expect 2 "unknown sector" -- "$MAMORI" screen "$T/bad2.json"
err_has "\$.sector: 'medical' is not a sector of the list" "names the sector"
sed 's/"scope": "remote maintenance"}\]/"scope": "x"}, {"name": "Remote Ops KK"}]/' "$T/plan.json" >"$T/bad3.json"
expect 2 "a party twice" -- "$MAMORI" screen "$T/bad3.json"
err_has "\$.maintainers[1]: Remote Ops KK is already \$.maintainers[0]" "names both places"
printf '{"operator": "op1",\n "sector": }' >"$T/bad4.json"
expect 2 "not JSON" -- "$MAMORI" screen "$T/bad4.json"
err_has "$T/bad4.json:2:" "line of the syntax error"

# a database with old free-text sectors: one matches the list exactly, one does not
expect 0 "admin init" -- "$MAMORI" admin init --db "$DB"
expect 0 "seed-demo" -- "$MAMORI" admin seed-demo --db "$DB" --contractors 3 --submissions 0
python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ids = [r[0] for r in db.execute("SELECT id FROM organizations WHERE kind = 'contractor' ORDER BY id")]
db.execute("UPDATE org_profiles SET sector = 'railway' WHERE org_id = ?", (ids[0],))
db.execute("UPDATE organizations SET identifiers = '{\"sector\":\"電気通信事業\"}' WHERE id = ?", (ids[1],))
db.commit()
PY
before=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM org_profiles WHERE sector IS NOT NULL').fetchone()[0])" "$DB")
expect 1 "sectors --db: unknown text found" -- "$MAMORI" screen sectors --db "$DB"
out_has '"value":"railway","sector":null,"match":"railway"' "exact match reported"
out_has '"value":"電気通信事業","sector":null,"match":"telecommunications"|"value":"\\u96FB\\u6C17\\u901A\\u4FE1\\u4E8B\\u696D","sector":null,"match":"telecommunications"' \
    "Japanese label matched"
out_has '"match":null' "unknown text reported"
err_has "match the list exactly" "summary on stderr"
expect 1 "sectors --db --apply" -- "$MAMORI" screen sectors --db "$DB" --apply
err_has "; 2 recorded" "the two matches recorded"
n=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM org_sectors').fetchone()[0])" "$DB")
[ "$n" = 2 ] && ok "org_sectors has 2 rows" || no "org_sectors has $n rows"
after=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM org_profiles WHERE sector IS NOT NULL').fetchone()[0])" "$DB")
[ "$before" = "$after" ] && ok "old sector text kept ($after)" || no "old text changed: $before -> $after"
expect 1 "apply twice records nothing more" -- "$MAMORI" screen sectors --db "$DB" --apply
err_has "; 0 recorded" "nothing recorded again"
expect 2 "--apply without --db" -- "$MAMORI" screen sectors --apply

[ "$fails" = 0 ] || { echo "$fails failure(s)"; exit 1; }
