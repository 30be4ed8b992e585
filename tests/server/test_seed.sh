#!/bin/sh
# Process-level test of `mamori admin seed-demo`: seeds 30 contractors x 3 submissions into
# a temporary database, then checks the database (python3's sqlite3), the contractor list
# through the real server (`mamori serve` + curl), the audit chain, and that the same seed
# gives the same organizations. Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Needs curl and python3.
# With MM_TEST_DB_URL (a postgresql:// URL of the throwaway cluster, scripts/pg-test.sh) each
# database is a fresh PostgreSQL database, read through psql.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
T=$MM_TMP
LOG=$T/serve.log
fails=0
pid=""
export SOURCE_DATE_EPOCH=1795000000 # 2026-11-18: fixes "today" for the dates

ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# newdb NAME: a fresh test database (the file T/NAME.db, or a new PostgreSQL database)
newdb() {
    if [ -n "${MM_TEST_DB_URL:-}" ]; then
        sh "$MM_SOURCE_DIR/scripts/pg-test.sh" newdb "$MM_TEST_DB_URL" "mm_seed_$1"
    else
        echo "$T/$1.db"
    fi
}
for n in seed empty b c d; do
    url=$(newdb $n) || {
        no "a fresh test database $n"
        exit 1
    }
    eval "db_$n=\$url"
done
DB=$db_seed

# sql DB QUERY: the rows, one per line, columns separated by | (on PostgreSQL through psql,
# SQLite's json_extract(col, '$.key') read as (col::jsonb ->> 'key'))
sql() {
    case "$1" in
    postgres*://*)
        q=$(printf '%s' "$2" | sed "s/json_extract(\([a-z_]*\), '\\\$\.\([a-z_]*\)')/(\1::jsonb ->> '\2')/g")
        psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 -d "$1" -c "$q"
        ;;
    *)
        python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
for row in con.execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
        ;;
    esac
}

# seed-demo refuses a database without an authority
if "$MAMORI" admin seed-demo --db "$db_empty" --contractors 2 >/dev/null 2>"$T/err"; then
    no "seed-demo without admin init should fail"
elif grep -q "admin init" "$T/err"; then ok "seed-demo without admin init: refused, names admin init"
else no "seed-demo without admin init: message: $(cat "$T/err")"; fi

"$MAMORI" admin init --db "$DB" >"$T/init.out" 2>"$T/err" || {
    no "admin init"
    cat "$T/err"
    exit 1
}
if "$MAMORI" admin seed-demo --db "$DB" --contractors 30 --submissions 3 --seed 7 --jobs 2 \
    >"$T/seed.out" 2>"$T/seed.err"; then
    ok "seed-demo 30 x 3"
else
    no "seed-demo 30 x 3 (exit $?)"
    cat "$T/seed.err"
    exit 1
fi
grep -q "90/90 submissions" "$T/seed.err" && ok "progress on stderr" || no "progress: $(cat "$T/seed.err")"

n=$(sql "$DB" "select count(*) from submissions")
[ "$n" = 90 ] && ok "90 submissions" || no "submissions: $n, want 90"
n=$(sql "$DB" "select count(*) from organizations where kind = 'contractor'")
[ "$n" = 30 ] && ok "30 contractors" || no "contractors: $n, want 30"
n=$(sql "$DB" "select count(distinct name) from organizations where kind = 'contractor'")
[ "$n" = 30 ] && ok "names are unique" || no "distinct names: $n"
n=$(sql "$DB" "select count(*) from signing_keys")
[ "$n" = 30 ] && ok "one key per contractor" || no "keys: $n"
n=$(sql "$DB" "select count(distinct status) from submissions")
[ "$n" -ge 3 ] && ok "$n distinct statuses" || no "statuses: $(sql "$DB" "select status, count(*) from submissions group by 1")"
n=$(sql "$DB" "select count(distinct framework) from submissions")
[ "$n" = 2 ] && ok "both frameworks" || no "frameworks: $n"
n=$(sql "$DB" "select count(*) from organizations where parent_id is not null")
[ "$n" -ge 1 ] && ok "$n subcontractors" || no "no subcontractors"
n=$(sql "$DB" "select count(*) from organizations where kind = 'contractor' and length(json_extract(identifiers, '\$.cage')) = 5 and json_extract(identifiers, '\$.sector') is not null")
[ "$n" = 30 ] && ok "CAGE codes and sectors" || no "CAGE and sector on $n of 30"
n=$(sql "$DB" "select count(*) from submissions where assessed < '2023-11-18'")
[ "$n" -ge 1 ] && ok "$n assessments older than three years" || no "no old assessments"
n=$(sql "$DB" "select count(*) from audit_log where action = 'submission.create'")
[ "$n" = 90 ] && ok "an audit record per submission" || no "submission.create records: $n"

# seeded early in the day (SOURCE_DATE_EPOCH 2026-11-20 00:30 UTC): a contractor affirmed that
# day is received by then, not later that day (seed 7 has such contractors)
"$MAMORI" admin init --db "$db_d" >/dev/null 2>"$T/err" || no "admin init d: $(cat "$T/err")"
if SOURCE_DATE_EPOCH=1795134600 "$MAMORI" admin seed-demo --db "$db_d" --contractors 100 \
    --submissions 2 --seed 7 >/dev/null 2>"$T/err"; then
    n=$(sql "$db_d" "select count(*) from submissions where received > '2026-11-20T00:30:00Z'")
    today=$(sql "$db_d" "select count(*) from submissions where received >= '2026-11-20T00:00:00Z'")
    [ "$n" = 0 ] && [ "$today" -ge 1 ] && ok "no submission received after the seed's now ($today today)" ||
        no "submissions received after the seed's now: $n (today: $today)"
else
    no "seed-demo at 00:30 UTC: $(cat "$T/err")"
fi

# critical infrastructure (seed_screen.c): designated operators, plans in every state
n=$(sql "$DB" "select count(*) from org_sectors where designated is not null and ministry is not null")
[ "$n" -ge 3 ] && ok "$n designated operators" || no "designated operators: $n"
n=$(sql "$DB" "select count(distinct state) from install_plans")
[ "$n" = 7 ] && ok "installation plans in all 7 states" || no "plan states: $(sql "$DB" "select state, count(*) from install_plans group by 1")"
n=$(sql "$DB" "select count(*) from install_plans p join org_sectors s on s.org_id = p.operator_id and s.sector = p.sector")
m=$(sql "$DB" "select count(*) from install_plans")
[ "$n" = "$m" ] && ok "every plan is filed by a designated operator of its sector" || no "plans of operators not designated: $n of $m"
n=$(sql "$DB" "select count(*) from install_plans where plan like '%\"name\"%'")
[ "$n" -ge 1 ] && ok "$n plans name outside parties" || no "no plan names an outside party"
n=$(sql "$DB" "select count(*) from audit_log where action like 'plan.%'")
[ "$n" -ge "$m" ] && ok "audit records of the plans" || no "plan.* records: $n"

"$MAMORI" audit verify --db "$DB" >"$T/audit.out" 2>&1 && ok "audit verify" || no "audit verify: $(cat "$T/audit.out")"

if "$MAMORI" admin seed-demo --db "$DB" --contractors 2 >/dev/null 2>"$T/err"; then
    no "seeding a database with contractors should fail"
else ok "seeding again is refused: $(cat "$T/err")"; fi

# the same seed gives the same organizations; another seed others
sql "$DB" "select name || '|' || identifiers from organizations where kind = 'contractor' order by id" >"$T/names1"
"$MAMORI" admin init --db "$db_b" >/dev/null 2>&1
"$MAMORI" admin seed-demo --db "$db_b" --contractors 30 --submissions 3 --seed 7 --jobs 1 >/dev/null 2>&1
sql "$db_b" "select name || '|' || identifiers from organizations where kind = 'contractor' order by id" >"$T/names2"
cmp -s "$T/names1" "$T/names2" && ok "the same seed gives the same organizations" || no "seed 7 twice: organizations differ"
"$MAMORI" admin init --db "$db_c" >/dev/null 2>&1
"$MAMORI" admin seed-demo --db "$db_c" --contractors 30 --submissions 1 --seed 8 >/dev/null 2>&1
sql "$db_c" "select name || '|' || identifiers from organizations where kind = 'contractor' order by id" >"$T/names3"
cmp -s "$T/names1" "$T/names3" && no "seeds 7 and 8 gave the same organizations" || ok "another seed gives other organizations"
# and the same signed documents, whatever the number of jobs (Ed25519 is deterministic)
sql "$DB" "select body_hash from submissions order by body_hash" >"$T/hash1"
sql "$db_b" "select body_hash from submissions order by body_hash" >"$T/hash2"
[ -s "$T/hash1" ] && cmp -s "$T/hash1" "$T/hash2" && ok "the same seed gives the same signed documents (2 jobs and 1)" || no "seed 7 twice: documents differ"

# the server lists them
"$MAMORI" serve --db "$DB" --listen 127.0.0.1:0 --threads 2 2>"$LOG" &
pid=$!
port=""
i=0
while [ $i -lt 100 ]; do
    port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9][0-9]*\).*/\1/p' "$LOG" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$port" ]; then
    no "server did not start"
    cat "$LOG"
    exit 1
fi
URL=http://127.0.0.1:$port
pw=$(sed -n 's/^password: *//p' "$T/init.out")
login() {
    curl -s -m 10 -c "$T/jar" -o "$T/login.json" -H 'Content-Type: application/json' \
        -d "{\"login\":\"admin\",\"password\":\"$1\"}" "$URL/api/v1/session"
    sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$T/login.json"
}
csrf=$(login "$pw")
newpw=seed-demo-test-password-1
curl -s -m 10 -b "$T/jar" -o /dev/null -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d "{\"current\":\"$pw\",\"new\":\"$newpw\"}" "$URL/api/v1/password"
login "$newpw" >/dev/null
status=$(curl -s -m 10 -b "$T/jar" -o "$T/list.json" -w '%{http_code}' \
    "$URL/api/v1/contractors?per_page=100&sort=score&order=desc")
[ "$status" = 200 ] && ok "GET /api/v1/contractors: 200" || no "GET /api/v1/contractors: $status $(cat "$T/list.json")"
python3 - "$T/list.json" <<'EOF' && ok "the contractor list: 30, with latest submissions and statuses" || no "the contractor list"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["total"] == 30, d["total"]
st = {i["latest"]["status"] for i in d["items"] if i["latest"]}
assert len([i for i in d["items"] if i["latest"]]) == 30
assert len(st) >= 2, st
print("     statuses of the latest:", sorted(st))
EOF
status=$(curl -s -m 10 -b "$T/jar" -o "$T/fail.json" -w '%{http_code}' "$URL/api/v1/requirements/failures")
[ "$status" = 200 ] && grep -q '"requirement"' "$T/fail.json" && ok "failures: 200 with rows" || no "failures: $status $(head -c 300 "$T/fail.json")"

# a seeded plan's screening report
plan=$(sql "$DB" "select id from install_plans order by id limit 1")
status=$(curl -s -m 30 -b "$T/jar" -o "$T/report.json" -w '%{http_code}' "$URL/api/v1/plans/$plan/report")
[ "$status" = 200 ] && grep -q '"findings"' "$T/report.json" && ok "a seeded plan's signed screening report" ||
    no "report: $status $(head -c 300 "$T/report.json")"

if [ "$fails" -eq 0 ]; then
    echo "test_seed: all passed"
    exit 0
fi
echo "test_seed: $fails failed"
exit 1
