#!/bin/sh
# bench/server/run-pg.sh: the authority server under load on PostgreSQL, with one and with two
# instances on the same database (not a test; by hand or `make bench`).
#
#   BUILD=build bench/server/run-pg.sh
#
# The PostgreSQL counterpart of bench/server/run.sh (same data, endpoints, wrk settings and
# nginx comparison; shared functions in bench/server/lib.sh):
# (a) builds BUILD (default build/) with `make build` and the bench programs (MM_BENCH);
# (b) a PostgreSQL cluster (Debian's postgresql package, the newest /usr/lib/postgresql/*/bin)
#     with the default durability (fsync, synchronous_commit, full_page_writes on) and
#     shared_buffers = BENCH_PG_SHARED_BUFFERS (256MB), on 127.0.0.1 only, on a free port, in
#     a temporary directory (as the postgres user when run as root), stopped on exit;
# (c) seeds BENCH_CONTRACTORS (10000) x BENCH_SUBMISSIONS (20) with `mamori admin seed-demo
#     --seed BENCH_SEED` (1) straight into PostgreSQL, with the same durability; the seeded
#     cluster is cached in BUILD/bench-pg/cN-sM-seedS/ keyed by those, src/server/seed.c's hash
#     and PostgreSQL's major version; each run works on a copy of the cluster's directory;
# (d) starts two `mamori serve --db postgresql://...` (BENCH_SERVE_THREADS, default 4, each;
#     --db-pool at its default, threads + 1) on free loopback ports, and makes an
#     authority-analyst token and BENCH_POST_ORGS (32) contractors that can submit, each with
#     its own key and token (bench/server/api_setup.py);
# (e) runs wrk (BENCH_DURATION s, default 10; BENCH_RUNS runs, default 3, medians) against the
#     three read endpoints of run.sh: one instance (2 threads, 32 connections), both instances
#     at once (two wrk, one per instance, 1 thread and 16 connections each: req/s summed, the
#     worse p50 and p99), and nginx on the same bytes (as run.sh), alternately;
# (f) submissions per second over HTTP (wrk POSTing distinct pre-signed documents,
#     bench/server/post.lua; only 201s count), the BENCH_POST_ORGS contractors' in turn
#     (BENCH_POST_ORGS=1: every one the same contractor's, as before, so that every write
#     updates one row): one instance and both at once, alternately,
#     with the CPU time of the servers and of PostgreSQL per submission;
# (g) `mamori audit verify --db URL` and a count of the submissions (seeded + every 201);
# then writes the section between <!-- server-bench-pg:begin --> and <!-- server-bench-pg:end -->
# of BENCH_OUT (default docs/benchmarks.md). Needs wrk and nginx (`make bench-deps`),
# PostgreSQL (`make deps`), curl and python3. Every process it starts is stopped by its PID
# (the cluster by pg_ctl stop on its own directory) on exit.
set -eu
cd "$(dirname "$0")/../.."
. bench/server/lib.sh
BUILD=${BUILD:-build}
CONTRACTORS=${BENCH_CONTRACTORS:-10000}
SUBS=${BENCH_SUBMISSIONS:-20}
SEED=${BENCH_SEED:-1}
DURATION=${BENCH_DURATION:-10}
RUNS=${BENCH_RUNS:-3}
GET_RUNS=${BENCH_GET_RUNS:-$RUNS}
SERVE_THREADS=${BENCH_SERVE_THREADS:-4}
POST_BODIES=${BENCH_POST_BODIES:-60000}
POST_ORGS=${BENCH_POST_ORGS:-32}
SHARED_BUFFERS=${BENCH_PG_SHARED_BUFFERS:-256MB}
OUT=${BENCH_OUT:-docs/benchmarks.md}
WRK_THREADS=2
WRK_CONNS=32
JOBS=$(nproc 2>/dev/null || echo 2)

for t in wrk nginx curl python3; do
    command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] || {
        echo "bench/server: $t is not installed (make bench-deps)" >&2
        exit 1
    }
done
PGBIN=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then PGBIN=$d; break; fi
done
[ -n "$PGBIN" ] || { echo "bench/server: no PostgreSQL server binaries (make deps)" >&2; exit 1; }
pg_major=$("$PGBIN/postgres" --version | sed 's/.* \([0-9][0-9]*\)\..*/\1/')
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# (a) the build
if [ -z "${BENCH_NO_BUILD:-}" ]; then
    make build BUILD="$BUILD" >&2
    cmake -S . -B "$BUILD" -DMM_BENCH=ON >/dev/null
    cmake --build "$BUILD" -j "$JOBS" >&2
fi
BIN=$BUILD/mamori
for x in "$BIN" "$BUILD/bench_ingest"; do
    [ -x "$x" ] || { echo "bench/server: $x not found (configure $BUILD with -DMM_BENCH=ON)" >&2; exit 1; }
done

tmp=$(mktemp -d)
cluster=""    # the running cluster's directory (ours: made by this run)
serve_pids=""
nginx_pid=""
pg_stop() {
    if [ -n "$cluster" ] && [ -f "$cluster/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" stop -D "$cluster/data" -m fast -w >/dev/null 2>&1 ||
            as_owner "$PGBIN/pg_ctl" stop -D "$cluster/data" -m immediate -w >/dev/null 2>&1 || true
    fi
}
cleanup() {
    bench_stop $serve_pids $nginx_pid
    pg_stop
    case "$cluster" in /tmp/mamori-pgbench.*) rm -rf "$cluster" ;; esac
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# pg_start DIR: starts the cluster in DIR/data (loopback, a free port, the socket in DIR)
# and sets cluster, pg_port and URL
pg_start() {
    cluster=$1
    pg_port=$(bench_free_port)
    if ! as_owner "$PGBIN/pg_ctl" start -D "$cluster/data" -l "$cluster/log" -w -t 120 \
        -o "-c port=$pg_port -c unix_socket_directories=$cluster" >/dev/null 2>&1; then
        cat "$cluster/log" >&2 2>/dev/null || true
        echo "bench/server: pg_ctl start failed (port $pg_port)" >&2
        exit 1
    fi
    URL="postgresql://mamori_bench@127.0.0.1:$pg_port/mamori_bench"
}
# a directory for a cluster, owned by its owner, mode 0700
pg_dir() {
    _d=$(mktemp -d "$1")
    [ "$(id -u)" -eq 0 ] && chown postgres "$_d"
    chmod 700 "$_d"
    echo "$_d"
}
psql_q() {
    as_owner "$PGBIN/psql" -X -q -t -A -h "$cluster" -p "$pg_port" -U mamori_bench -d mamori_bench -c "$1"
}

# (b), (c) the seeded cluster, cached
cache=$BUILD/bench-pg/c$CONTRACTORS-s$SUBS-seed$SEED
meta=$cache/meta
key="contractors=$CONTRACTORS submissions=$SUBS seed=$SEED generator=$(sha256sum src/server/seed.c | cut -c1-16) postgresql=$pg_major"
if [ -d "$cache/data" ] && [ -f "$meta" ] && [ "$(sed -n 's/^key=//p' "$meta")" = "$key" ]; then
    echo "bench/server: using the cached cluster $cache ($key)" >&2
else
    echo "bench/server: seeding $CONTRACTORS x $SUBS (seed $SEED, $JOBS jobs) into PostgreSQL $pg_major, cached in $cache" >&2
    rm -rf "$cache"
    mkdir -p "$BUILD/bench-pg"
    d=$(pg_dir /tmp/mamori-pgbench.XXXXXX)
    as_owner "$PGBIN/initdb" -D "$d/data" -U mamori_bench --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; exit 1; }
    # the default durability: fsync, synchronous_commit and full_page_writes stay on
    cat >>"$d/data/postgresql.conf" <<EOF
# bench/server/run-pg.sh
listen_addresses = '127.0.0.1'
shared_buffers = $SHARED_BUFFERS
EOF
    cat >"$d/data/pg_hba.conf" <<EOF
local all mamori_bench trust
host all mamori_bench 127.0.0.1/32 trust
EOF
    pg_start "$d"
    as_owner "$PGBIN/createdb" -h "$cluster" -p "$pg_port" -U mamori_bench mamori_bench
    pw=$("$BIN" admin init --db "$URL" | sed -n 's/^password: *//p')
    t0=$(date +%s)
    "$BIN" admin seed-demo --db "$URL" --contractors "$CONTRACTORS" --submissions "$SUBS" \
        --seed "$SEED" --jobs "$JOBS" >&2
    t1=$(date +%s)
    as_owner "$PGBIN/psql" -X -q -h "$cluster" -p "$pg_port" -U mamori_bench -d mamori_bench \
        -c 'VACUUM ANALYZE' >&2
    t2=$(date +%s)
    pg_stop
    cluster=""
    mkdir "$cache"
    mv "$d/data" "$cache/data"
    rm -rf "$d"
    printf 'key=%s\npassword=%s\nseed_seconds=%s\nvacuum_seconds=%s\nseeded_on=%s\nload=%s\n' \
        "$key" "$pw" $((t1 - t0)) $((t2 - t1)) "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(bench_loadavg)" >"$meta"
fi
chmod 600 "$meta"
admin_pw=$(sed -n 's/^password=//p' "$meta")
seed_seconds=$(sed -n 's/^seed_seconds=//p' "$meta")
vacuum_seconds=$(sed -n 's/^vacuum_seconds=//p' "$meta")
seeded_on=$(sed -n 's/^seeded_on=//p' "$meta")
seed_load=$(sed -n 's/^load=//p' "$meta")
[ -n "${BENCH_SEED_ONLY:-}" ] && exit 0

# a copy of the cached cluster for this run (the POSTs below add to it)
echo "bench/server: copying the cluster" >&2
d=$(pg_dir /tmp/mamori-pgbench.XXXXXX)
cp -a "$cache/data" "$d/data"
pg_start "$d"
pg_version=$(psql_q 'SHOW server_version')
pg_settings=$(psql_q "SELECT string_agg(name || ' = ' || current_setting(name), ', ' ORDER BY name)
    FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method',
    'shared_buffers', 'max_connections', 'max_wal_size', 'checkpoint_timeout')")
db_mib=$(psql_q 'SELECT pg_database_size(current_database()) / 1048576')
subs_before=$(psql_q 'SELECT count(*) FROM submissions')

load0=$(bench_loadavg)

# (d) two servers on the database, an analyst's token, a contractor that submits
for n in 1 2; do
    p=$(bench_free_port)
    "$BIN" serve --db "$URL" --listen "127.0.0.1:$p" --threads "$SERVE_THREADS" 2>"$tmp/serve$n.log" &
    pid=$!
    serve_pids="$serve_pids $pid"
    bench_wait_http "http://127.0.0.1:$p/readyz" "$pid" "$tmp/serve$n.log" "mamori serve ($n)"
    eval "URL$n=http://127.0.0.1:$p"
done
# shellcheck disable=SC2046
python3 bench/server/api_setup.py "$URL1" "$admin_pw" $(bench_post_keys "$BIN" "$tmp" "$POST_ORGS") \
    >"$tmp/setup.env"
. "$tmp/setup.env"
AUTH="Authorization: Bearer $ANALYST_TOKEN"
sub_id=$(curl -sf -H "$AUTH" "$URL1/api/v1/contractors?page=1&per_page=1&sort=received&order=desc" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["latest"]["id"])')

# the endpoints of run.sh; both instances must give the same bytes
ep_paths="/api/v1/contractors?page=1&per_page=50&sort=score&order=desc /api/v1/submissions/$sub_id /api/v1/requirements/failures"
mkdir -p "$tmp/www"
n=0
for p in $ep_paths; do
    n=$((n + 1))
    curl -sf -H "$AUTH" -o "$tmp/www/e$n.json" "$URL1$p"
    curl -sf -H "$AUTH" -o "$tmp/e$n.2.json" "$URL2$p"
    cmp -s "$tmp/www/e$n.json" "$tmp/e$n.2.json" || {
        echo "bench/server: the two instances answer $p differently" >&2
        exit 1
    }
done

# uncached (as in run.sh): queries never asked before, computed from the database
: >"$tmp/uncached"
for i in 2 3 4 5 6 7 8 9 10 11 12; do
    curl -sf -o /dev/null -w '%{time_total}\n' -H "$AUTH" \
        "$URL1/api/v1/contractors?page=$i&per_page=50&sort=score&order=desc" |
        awk '{ print "contractors", $1 * 1000 }' >>"$tmp/uncached"
    curl -sf -o /dev/null -w '%{time_total}\n' -H "$AUTH" \
        "$URL1/api/v1/requirements/failures?limit=$((180 + i))" |
        awk '{ print "failures", $1 * 1000 }' >>"$tmp/uncached"
done

bench_nginx_start "$tmp/www"

# wrk_two PATH WRK_ARGS...: both instances at once, one wrk each; prints
# "req_per_s p50 p99 errors" (summed, the worse, the worse, summed)
wrk_two() {
    _path=$1
    shift
    bench_wrk 1 $((WRK_CONNS / 2)) "$tmp/wrk.a" "$@" "$URL1$_path" &
    wa=$!
    bench_wrk 1 $((WRK_CONNS / 2)) "$tmp/wrk.b" "$@" "$URL2$_path" &
    wb=$!
    wait $wa $wb
    { bench_wrk_parse "$tmp/wrk.a"; bench_wrk_parse "$tmp/wrk.b"; } |
        awk '{ r += $1; if ($2 > p50) p50 = $2; if ($3 > p99) p99 = $3; e += $4 }
             END { printf "%s %s %s %d\n", r, p50, p99, e }'
}

# (e) one instance, two instances, nginx, alternately, GET_RUNS times each
echo "bench/server: wrk, $GET_RUNS x ${DURATION}s per endpoint: one instance, two, nginx" >&2
: >"$tmp/results"
r=1
while [ "$r" -le "$GET_RUNS" ]; do
    n=0
    for p in $ep_paths; do
        n=$((n + 1))
        bench_wrk "$WRK_THREADS" "$WRK_CONNS" "$tmp/wrk.out" -H "$AUTH" "$URL1$p"
        echo "one e$n $(bench_wrk_parse "$tmp/wrk.out")" >>"$tmp/results"
        echo "two e$n $(wrk_two "$p" -H "$AUTH")" >>"$tmp/results"
        bench_wrk "$WRK_THREADS" "$WRK_CONNS" "$tmp/wrk.out" "http://127.0.0.1:$nginx_port/e$n.json"
        echo "nginx e$n $(bench_wrk_parse "$tmp/wrk.out")" >>"$tmp/results"
    done
    r=$((r + 1))
done
load1=$(bench_loadavg)

# (f) submissions per second over HTTP: distinct pre-signed documents, RUNS runs with one
# instance and RUNS with both, alternately (each wrk its own half of that run's documents),
# with the CPU time (user + system, /proc/PID/stat) of both servers and of every PostgreSQL
# process of the cluster over each run: the CPU a submission cost, whatever the load of other
# work did to the wall clock
echo "bench/server: signing $POST_BODIES submissions of $POST_ORGS contractors for POST" >&2
bench_post_bodies "$BUILD" "$tmp" "$POST_ORGS" "$POST_BODIES" "$tmp/bodies" "$POSTER_TOKENS"
per=$((POST_BODIES / (2 * RUNS)))
export TOKEN="$POSTER_TOKEN" # post.lua's environment
chunk() { sed -n "$((($1 - 1) * per + 1)),$(($1 * per))p" "$tmp/bodies"; }
pg_pids() { # the postmaster and its children
    _pm=$(head -n 1 "$cluster/data/postmaster.pid")
    echo "$_pm" $(ps -o pid= --ppid "$_pm")
}
cpu_of() { # cpu_of PID...: user + system seconds, summed
    for _p in "$@"; do cat "/proc/$_p/stat" 2>/dev/null || true; done |
        awk -v hz="$(getconf CLK_TCK)" '{ s += $14 + $15 } END { printf "%.2f", s / hz }'
}
# shellcheck disable=SC2086
cpu_pair() { echo "$(cpu_of $serve_pids) $(cpu_of $(pg_pids))"; }
# per_sub BEFORE_MAMORI BEFORE_PG RESULT: RESULT and the CPU ms per 201 since BEFORE
per_sub() {
    awk -v a="$1" -v b="$2" -v c="$(cpu_pair)" -v n="$(echo "$3" | cut -d' ' -f6)" -v res="$3" \
        'BEGIN { split(c, x, " "); printf "%s %.2f %.2f\n", res, (n > 0) ? (x[1] - a) * 1000 / n : 0, (n > 0) ? (x[2] - b) * 1000 / n : 0 }'
}
: >"$tmp/post"
r=1
while [ "$r" -le "$RUNS" ]; do
    chunk $((2 * r - 1)) >"$tmp/bodies.1"
    c0=$(cpu_pair)
    (
        export BODIES="$tmp/bodies.1" WRK_THREADS
        bench_wrk "$WRK_THREADS" "$WRK_CONNS" "$tmp/wrk.out" -s bench/server/post.lua "$URL1"
    )
    # shellcheck disable=SC2086
    echo "one $(per_sub $c0 "$(bench_post_parse "$tmp/wrk.out")")" >>"$tmp/post"
    chunk $((2 * r)) >"$tmp/bodies.2"
    half=$((per / 2))
    sed -n "1,${half}p" "$tmp/bodies.2" >"$tmp/bodies.a"
    sed -n "$((half + 1)),\$p" "$tmp/bodies.2" >"$tmp/bodies.b"
    c0=$(cpu_pair)
    (
        export BODIES="$tmp/bodies.a" WRK_THREADS=1
        bench_wrk 1 $((WRK_CONNS / 2)) "$tmp/wrk.a" -s bench/server/post.lua "$URL1"
    ) &
    wa=$!
    (
        export BODIES="$tmp/bodies.b" WRK_THREADS=1
        bench_wrk 1 $((WRK_CONNS / 2)) "$tmp/wrk.b" -s bench/server/post.lua "$URL2"
    ) &
    wb=$!
    wait $wa $wb
    res=$({ bench_post_parse "$tmp/wrk.a"; bench_post_parse "$tmp/wrk.b"; } |
        awk '{ r += $1; if ($2 > p50) p50 = $2; if ($3 > p99) p99 = $3; o += $4; e += $5; c += $6 }
             END { printf "%d %s %s %d %d %d\n", r, p50, p99, o, e, c }')
    # shellcheck disable=SC2086
    echo "two $(per_sub $c0 "$res")" >>"$tmp/post"
    echo "bench/server: POST run $r: $(tail -n 2 "$tmp/post" | tr '\n' ';') load $(bench_loadavg)" >&2
    r=$((r + 1))
done
load2=$(bench_loadavg)

# (g) the audit chain after both instances wrote, and nothing lost
bench_stop $serve_pids
serve_pids=""
verify_rc=0
"$BIN" audit verify --db "$URL" >"$tmp/verify.out" 2>&1 || verify_rc=$?
echo "bench/server: mamori audit verify --db $URL: exit $verify_rc" >&2
cat "$tmp/verify.out" >&2
subs_after=$(psql_q 'SELECT count(*) FROM submissions')
created_total=$(awk '{ s += $7 } END { print s + 0 }' "$tmp/post")
audit_records=$(psql_q 'SELECT count(*) FROM audit_log')

# the report
col() { awk -v s="$1" -v e="$2" -v c="$3" '$1 == s && $2 == e { print $c }' "$tmp/results" | bench_median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.3g", a / b; else printf "-" }'; }
pcol() { awk -v s="$1" -v c="$2" '$1 == s { print $c }' "$tmp/post" | bench_median; }
{
    echo "<!-- server-bench-pg:begin -->"
    echo "## The server under load on PostgreSQL, one and two instances (bench/server/run-pg.sh)"
    echo
    echo "Written by \`bench/server/run-pg.sh\`; do not edit by hand."
    echo
    echo "- machine: $(bench_cpu), $(nproc) online CPUs (\`nproc\`), $(uname -sr); wrk, mamori, PostgreSQL"
    echo "  and nginx share them (load average when the run began: $load0; after the GETs: $load1;"
    echo "  after the POSTs: $load2; other work on the machine shows in the figures)"
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(bench_describe_build "$BUILD")"
    echo "- PostgreSQL $pg_version (Debian's package), its own cluster on 127.0.0.1 (TCP, trust"
    echo "  authentication) with the **default durability**: $pg_settings."
    echo "  Only shared_buffers (default 128 MB) and the listen address are changed; unlike the"
    echo "  test clusters (scripts/pg-test.sh) fsync and synchronous_commit are on, so every commit"
    echo "  waits for its WAL flush, as SQLite's \`synchronous = FULL\` does in run.sh"
    echo "- data: \`mamori admin seed-demo --db postgresql://... --contractors $CONTRACTORS --submissions $SUBS --seed $SEED --jobs $JOBS\`"
    echo "  (the same data as run.sh): $CONTRACTORS contractors, $((CONTRACTORS * SUBS)) signed submissions, each"
    echo "  verified, scored and committed by \`mm_ingest\`; seeding took ${seed_seconds} s, then VACUUM ANALYZE"
    echo "  ${vacuum_seconds} s (on $seeded_on, load average $seed_load when it ended); the database is $db_mib MiB"
    echo "- \`mamori serve --db postgresql://... --threads $SERVE_THREADS\` (\`--db-pool\` at its default, $((SERVE_THREADS + 1))"
    echo "  connections), one or two processes on the same database, both started for the whole run;"
    echo "  nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') with \`worker_processes 2\`, an access log, serving the same bytes"
    echo "- wrk $(wrk --version 2>&1 | head -n 1 | awk '{ print $2 }'), ${DURATION} s per run, keep-alive, $WRK_CONNS connections in all; one"
    echo "  instance: $WRK_THREADS threads, $WRK_CONNS connections; two instances: two wrk at once, one per instance,"
    echo "  1 thread and $((WRK_CONNS / 2)) connections each, req/s summed, p50 and p99 the worse of the two;"
    echo "  each figure is the median of $GET_RUNS runs (one, two, nginx alternating); the analyst's API token"
    echo
    echo "| endpoint | bytes | 1 instance req/s | p50 (ms) | p99 (ms) | 2 instances req/s | p50 (ms) | p99 (ms) | 2 / 1 | nginx req/s | p50 (ms) | p99 (ms) | 1 instance / nginx |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    n=0
    for p in $ep_paths; do
        n=$((n + 1))
        shown=$(echo "$p" | sed "s/$sub_id/{id}/")
        one=$(col one "e$n" 3)
        two=$(col two "e$n" 3)
        ngx=$(col nginx "e$n" 3)
        errs=$(awk -v e="e$n" '($1 == "one" || $1 == "two") && $2 == e { s += $6 } END { print s + 0 }' "$tmp/results")
        note=""
        [ "$errs" -gt 0 ] && note=" ($errs non-2xx or socket errors)"
        printf '| `GET %s`%s | %s | %.0f | %s | %s | %.0f | %s | %s | %s | %.0f | %s | %s | %s |\n' "$shown" "$note" \
            "$(wc -c <"$tmp/www/e$n.json" | tr -d ' ')" \
            "$one" "$(col one "e$n" 4)" "$(col one "e$n" 5)" \
            "$two" "$(col two "e$n" 4)" "$(col two "e$n" 5)" "$(ratio "$two" "$one")" \
            "$ngx" "$(col nginx "e$n" 4)" "$(col nginx "e$n" 5)" \
            "$(awk -v a="$one" -v b="$ngx" 'BEGIN { if (a > 0 && b > 0) printf "%.3g (1/%.0f)", a / b, b / a; else printf "-" }')"
    done
    echo
    echo "The contractor list and the failure counts are cached in each server process until the"
    echo "store changes (keyed by the last audit id, pushed by NOTIFY: docs/store.md), so the rows above are"
    echo "mostly cache hits, each instance keeping its own cache. Computed from PostgreSQL (a query"
    echo "not asked before; median of 11, one at a time with curl, one instance): contractor list"
    echo "$(awk '$1 == "contractors" { print $2 }' "$tmp/uncached" | bench_median) ms, failure counts $(awk '$1 == "failures" { print $2 }' "$tmp/uncached" | bench_median) ms."
    echo
    echo "Submissions taken in per second over HTTP (wrk POST /api/v1/submissions, distinct pre-signed"
    echo "documents, $WRK_CONNS connections in all; signature verification, scoring, storing, receipt;"
    echo "only 201s count; medians of $RUNS runs, one and two instances alternating; CPU: user + system"
    echo "time of the servers and of every PostgreSQL process over the run, per 201):"
    echo
    echo "| how | submissions/s | p50 (ms) | p99 (ms) | CPU ms per submission: mamori + PostgreSQL | notes |"
    echo "|---|---:|---:|---:|---:|---|"
    for s in one two; do
        case $s in
        one) how="1 instance, one wrk (2 threads, $WRK_CONNS connections)" ;;
        two) how="2 instances at once, one wrk each (1 thread, $((WRK_CONNS / 2)) connections), summed" ;;
        esac
        printf '| %s | %s | %s | %s | %s + %s | per run: %s; other answers: %s; replays for lack of fresh bodies: %s |\n' \
            "$how" "$(pcol $s 2)" "$(pcol $s 3)" "$(pcol $s 4)" "$(pcol $s 8)" "$(pcol $s 9)" \
            "$(awk -v s=$s '$1 == s { printf "%s ", $2 }' "$tmp/post")" \
            "$(awk -v s=$s '$1 == s { t += $5 } END { print t + 0 }' "$tmp/post")" \
            "$(awk -v s=$s '$1 == s { t += $6 } END { print t + 0 }' "$tmp/post")"
    done
    echo
    echo "A submission's signature verification and scoring run before its transaction, in parallel"
    echo "in every worker of every instance; each instance writes the submissions that arrive together"
    echo "in one transaction (group commit); all their rows go in without the write lock, and each one's"
    echo "organization's latest is read; the lock (\`pg_advisory_xact_lock\`) is then taken for each"
    echo "one's latest (one statement while it is still the one read, else two), one append of their"
    echo "audit records and the commit with its WAL flush, so that part is serialised"
    if [ "$POST_ORGS" -le 1 ]; then
        echo "across instances; here every submission is the same organization's (one row updated by all,"
        echo "\`BENCH_POST_ORGS=1\`), and on $(nproc) CPUs shared with wrk and PostgreSQL there is little CPU"
        echo "for a second instance to add."
    else
        echo "across instances. The documents are $POST_ORGS contractors' in turn (\`BENCH_POST_ORGS\`), each"
        echo "sent with its own contractor's token, so the latest-submission updates spread over $POST_ORGS rows."
    fi
    echo
    echo "After the POSTs: \`mamori audit verify --db postgresql://...\` exit $verify_rc:"
    echo
    echo '```'
    cat "$tmp/verify.out"
    echo '```'
    echo
    echo "Nothing lost: submissions in the database before the POSTs $subs_before, answered 201"
    echo "$created_total, counted after $subs_after (the $((subs_after - subs_before - created_total)) more were in flight when a wrk stopped: taken"
    echo "in, their answers never read; at most $WRK_CONNS per run, $((2 * RUNS * WRK_CONNS)) in all); audit records $audit_records."
    echo
    echo "Reproduce: \`make bench\` (all benchmarks) or \`BUILD=build bench/server/run-pg.sh\`; the seeded"
    echo "cluster is cached in \`BUILD/bench-pg/\` (the first run seeds it). Knobs: \`BENCH_CONTRACTORS\`,"
    echo "\`BENCH_SUBMISSIONS\`, \`BENCH_SEED\`, \`BENCH_DURATION\`, \`BENCH_RUNS\`, \`BENCH_GET_RUNS\`, \`BENCH_SERVE_THREADS\`,"
    echo "\`BENCH_POST_BODIES\`, \`BENCH_POST_ORGS\`, \`BENCH_PG_SHARED_BUFFERS\`, \`BENCH_NO_BUILD=1\`, \`BENCH_SEED_ONLY=1\`."
    echo "On 2 CPUs, two instances compete with each other, wrk and PostgreSQL for the same cores:"
    echo "the two-instance rows show that nothing breaks or serialises on reads, not how it scales."
    echo "<!-- server-bench-pg:end -->"
} >"$tmp/section.md"
cat "$tmp/section.md" >&2
bench_write_section "$OUT" server-bench-pg "$tmp/section.md"
echo "bench/server: wrote the server-bench-pg section of $OUT" >&2
extra=$((subs_after - subs_before - created_total))
[ "$verify_rc" -eq 0 ] && [ "$extra" -ge 0 ] && [ "$extra" -le $((2 * RUNS * WRK_CONNS)) ] || {
    echo "bench/server: the audit chain or the submission count is wrong (see above)" >&2
    exit 1
}
