#!/bin/sh
# bench/server/run.sh: the authority server under load (not a test; by hand or `make bench`).
#
#   BUILD=build bench/server/run.sh
#
# (a) builds BUILD (default build/) with `make build` and the bench programs (MM_BENCH);
# (b) seeds BENCH_CONTRACTORS (10000) x BENCH_SUBMISSIONS (20) with `mamori admin seed-demo
#     --seed BENCH_SEED` (1), cached in BUILD/bench-server.db (+ .meta) keyed by those and
#     by src/server/seed.c's hash; each run works on a copy;
# (c) starts `mamori serve` (BENCH_SERVE_THREADS, default 4) on a free loopback port and
#     makes, through the API (bench/server/api_setup.py), an authority-analyst token and a
#     contractor that can submit;
# (d) runs wrk (BENCH_DURATION s, default 10; 2 threads, 32 connections, BENCH_RUNS runs,
#     default 3, medians) with the analyst's token against three read endpoints;
# (e) serves the same bytes (fetched from mamori) as static files with nginx (2 workers, a
#     temporary config) and runs the same wrk against it;
# (f) submissions per second: in process (bench_ingest: mm_ingest on one thread into a fresh
#     database, median of 3) and over HTTP (wrk POSTing distinct pre-signed documents;
#     only 201s are counted);
# then writes the section between <!-- server-bench:begin --> and <!-- server-bench:end -->
# of BENCH_OUT (default docs/benchmarks.md). Needs wrk and nginx (`make bench-deps`),
# curl and python3. Every process it starts is stopped by its PID on exit. Shared functions
# (also used by bench/server/run-pg.sh, the same on PostgreSQL) in bench/server/lib.sh.
set -eu
cd "$(dirname "$0")/../.."
. bench/server/lib.sh
BUILD=${BUILD:-build}
CONTRACTORS=${BENCH_CONTRACTORS:-10000}
SUBS=${BENCH_SUBMISSIONS:-20}
SEED=${BENCH_SEED:-1}
DURATION=${BENCH_DURATION:-10}
RUNS=${BENCH_RUNS:-3}
SERVE_THREADS=${BENCH_SERVE_THREADS:-4}
POST_BODIES=${BENCH_POST_BODIES:-30000}
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
serve_pid=""
nginx_pid=""
cleanup() {
    bench_stop "$serve_pid" "$nginx_pid"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# (b) the seeded database, cached
cache=$BUILD/bench-server.db
meta=$BUILD/bench-server.meta
key="contractors=$CONTRACTORS submissions=$SUBS seed=$SEED generator=$(sha256sum src/server/seed.c | cut -c1-16)"
if [ -f "$cache" ] && [ -f "$meta" ] && [ "$(sed -n 's/^key=//p' "$meta")" = "$key" ]; then
    echo "bench/server: using the cached $cache ($key)" >&2
else
    echo "bench/server: seeding $CONTRACTORS x $SUBS (seed $SEED, $JOBS jobs) into $cache" >&2
    rm -f "$cache" "$cache-wal" "$cache-shm" "$meta" "$BUILD/bench-server.seeding.db"*
    pw=$("$BIN" admin init --db "$BUILD/bench-server.seeding.db" | sed -n 's/^password: *//p')
    t0=$(date +%s)
    "$BIN" admin seed-demo --db "$BUILD/bench-server.seeding.db" --contractors "$CONTRACTORS" \
        --submissions "$SUBS" --seed "$SEED" --jobs "$JOBS" >&2
    t1=$(date +%s)
    mv "$BUILD/bench-server.seeding.db" "$cache"
    printf 'key=%s\npassword=%s\nseed_seconds=%s\nseeded_on=%s\n' "$key" "$pw" $((t1 - t0)) \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$meta"
fi
chmod 600 "$meta"
admin_pw=$(sed -n 's/^password=//p' "$meta")
seed_seconds=$(sed -n 's/^seed_seconds=//p' "$meta")
seeded_on=$(sed -n 's/^seeded_on=//p' "$meta")
db=$tmp/bench.db
cp "$cache" "$db"
db_mib=$(du -mL "$cache" | cut -f1)

load0=$(bench_loadavg)

# (c) the server, an analyst's token, a contractor that submits
port=$(bench_free_port)
"$BIN" serve --db "$db" --listen "127.0.0.1:$port" --threads "$SERVE_THREADS" \
    2>"$tmp/serve.log" &
serve_pid=$!
bench_wait_http "http://127.0.0.1:$port/readyz" "$serve_pid" "$tmp/serve.log" "mamori serve"
URL=http://127.0.0.1:$port
"$BIN" keygen --org "Benchmark Poster K.K." -o "$tmp/poster.key" >/dev/null
python3 bench/server/api_setup.py "$URL" "$admin_pw" "$tmp/poster.key.pub" >"$tmp/setup.env"
. "$tmp/setup.env"
AUTH="Authorization: Bearer $ANALYST_TOKEN"
sub_id=$(curl -sf -H "$AUTH" "$URL/api/v1/contractors?page=1&per_page=1&sort=received&order=desc" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["latest"]["id"])')

# the endpoints: name, path on mamori, file under nginx
ep_paths="/api/v1/contractors?page=1&per_page=50&sort=score&order=desc /api/v1/submissions/$sub_id /api/v1/requirements/failures"
mkdir -p "$tmp/www"
n=0
for p in $ep_paths; do
    n=$((n + 1))
    curl -sf -H "$AUTH" -o "$tmp/www/e$n.json" "$URL$p"
done

# uncached: the authority views are cached by the store's version (the last audit id), so
# wrk below mostly measures cache hits; here each request has a query never asked before
# (another page, another limit), so the server computes the answer from the database
: >"$tmp/uncached"
for i in 2 3 4 5 6 7 8 9 10 11 12; do
    curl -sf -o /dev/null -w '%{time_total}\n' -H "$AUTH" \
        "$URL/api/v1/contractors?page=$i&per_page=50&sort=score&order=desc" |
        awk '{ print "contractors", $1 * 1000 }' >>"$tmp/uncached"
    curl -sf -o /dev/null -w '%{time_total}\n' -H "$AUTH" \
        "$URL/api/v1/requirements/failures?limit=$((180 + i))" |
        awk '{ print "failures", $1 * 1000 }' >>"$tmp/uncached"
done

# (e) nginx with the same bytes
bench_nginx_start "$tmp/www"
nport=$nginx_port

# (d) and (e): mamori and nginx, alternately, RUNS times each
echo "bench/server: wrk, $RUNS x ${DURATION}s per endpoint and server" >&2
: >"$tmp/results"
r=1
while [ $r -le "$RUNS" ]; do
    n=0
    for p in $ep_paths; do
        n=$((n + 1))
        bench_wrk "$WRK_THREADS" "$WRK_CONNS" "$tmp/wrk.out" -H "$AUTH" "$URL$p"
        echo "mamori e$n $(bench_wrk_parse "$tmp/wrk.out")" >>"$tmp/results"
        bench_wrk "$WRK_THREADS" "$WRK_CONNS" "$tmp/wrk.out" "http://127.0.0.1:$nport/e$n.json"
        echo "nginx e$n $(bench_wrk_parse "$tmp/wrk.out")" >>"$tmp/results"
    done
    r=$((r + 1))
done

# (f) submissions per second: over HTTP (distinct pre-signed documents; only 201s count)
echo "bench/server: signing $POST_BODIES submissions for POST" >&2
"$BUILD/bench_ingest" --write-bodies "$tmp/bodies" --key "$tmp/poster.key" -n "$POST_BODIES" 2>/dev/null
per=$((POST_BODIES / RUNS))
# the server's CPU time (user + system, all its threads) in seconds: per submission, what the
# machine spent on one, whatever the load of other work did to the wall clock
serve_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$serve_pid/stat"; }
: >"$tmp/post"
r=1
while [ $r -le "$RUNS" ]; do
    sed -n "$(((r - 1) * per + 1)),$((r * per))p" "$tmp/bodies" >"$tmp/bodies.$r"
    c0=$(serve_cpu)
    (
        export BODIES="$tmp/bodies.$r" TOKEN="$POSTER_TOKEN" WRK_THREADS
        bench_wrk "$WRK_THREADS" "$WRK_CONNS" "$tmp/wrk.out" -s bench/server/post.lua "$URL"
    )
    # "rate p50 p99 other exhausted created cpu_ms_per_submission"
    res=$(bench_post_parse "$tmp/wrk.out")
    echo "$res $(awk -v a="$c0" -v b="$(serve_cpu)" -v n="$(echo "$res" | cut -d' ' -f6)" \
        'BEGIN { printf "%.2f", (n > 0) ? (b - a) * 1000 / n : 0 }')" >>"$tmp/post"
    r=$((r + 1))
done
# in process, one thread, a fresh database
echo "bench/server: bench_ingest (in process)" >&2
"$BUILD/bench_ingest" -n 2000 -r 3 --dir "$tmp" >"$tmp/ingest.out" 2>/dev/null
ingest=$(sed -n 's/^median //p' "$tmp/ingest.out")
ingest_runs=$(sed -n 's/^run [0-9]*: [0-9]* submissions, \([0-9]*\)\/s$/\1/p' "$tmp/ingest.out" | tr '\n' ' ')

# the report
col() { awk -v s="$1" -v e="$2" -v c="$3" '$1 == s && $2 == e { print $c }' "$tmp/results" | bench_median; }
cpu=$(bench_cpu)
names="contractors submission failures"
{
    echo "<!-- server-bench:begin -->"
    echo "## The server under load (bench/server/run.sh)"
    echo
    echo "Written by \`bench/server/run.sh\`; do not edit by hand."
    echo
    echo "- machine: $cpu, $(nproc) online CPUs (\`nproc\`), $(uname -sr); wrk, mamori and nginx share them"
    echo "  (load average when the run began: $load0; other work on the machine shows in the figures)"
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(bench_describe_build "$BUILD")"
    echo "- data: \`mamori admin seed-demo --contractors $CONTRACTORS --submissions $SUBS --seed $SEED --jobs $JOBS\`:"
    echo "  $CONTRACTORS contractors, $((CONTRACTORS * SUBS)) signed submissions, each verified and scored by"
    echo "  \`mm_ingest\`; seeding took ${seed_seconds} s (on $seeded_on); the SQLite file is $db_mib MiB"
    echo "- \`mamori serve --threads $SERVE_THREADS\` (one JSON log line per request, to a file);"
    echo "  nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') with \`worker_processes 2\`, an access log, serving the"
    echo "  same bytes as static files (fetched from mamori just before)"
    echo "- wrk $(wrk --version 2>&1 | head -n 1 | awk '{ print $2 }'): $WRK_THREADS threads, $WRK_CONNS connections, ${DURATION} s per run,"
    echo "  keep-alive; each figure is the median of $RUNS runs, mamori and nginx alternating;"
    echo "  mamori's requests carry an authority-analyst's API token (\`Authorization: Bearer\`)"
    echo
    echo "| endpoint | bytes | mamori req/s | p50 (ms) | p99 (ms) | nginx req/s | p50 (ms) | p99 (ms) | mamori / nginx |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    n=0
    for p in $ep_paths; do
        n=$((n + 1))
        shown=$(echo "$p" | sed "s/$sub_id/{id}/")
        m_rps=$(col mamori "e$n" 3)
        g_rps=$(col nginx "e$n" 3)
        errs=$(awk -v e="e$n" '$1 == "mamori" && $2 == e { s += $6 } END { print s + 0 }' "$tmp/results")
        note=""
        [ "$errs" -gt 0 ] && note=" ($errs non-2xx or socket errors)"
        printf '| `GET %s`%s | %s | %.0f | %s | %s | %.0f | %s | %s | %s |\n' "$shown" "$note" \
            "$(wc -c <"$tmp/www/e$n.json" | tr -d ' ')" "$m_rps" "$(col mamori "e$n" 4)" \
            "$(col mamori "e$n" 5)" "$g_rps" "$(col nginx "e$n" 4)" "$(col nginx "e$n" 5)" \
            "$(awk -v a="$m_rps" -v b="$g_rps" 'BEGIN { if (a > 0 && b > 0) printf "%.3g (1/%.0f)", a / b, b / a; else printf "-" }')"
    done
    echo
    echo "The contractor list and the failure counts are cached until the store changes (every"
    echo "change appends an audit record; the cache is keyed by the last audit id), so the rows"
    echo "above are mostly cache hits, as they are in use: the data changes when a submission"
    echo "arrives. Computed from the database (a query not asked before; median of 11, one at a"
    echo "time with curl): contractor list $(awk '$1 == "contractors" { print $2 }' "$tmp/uncached" | bench_median) ms,"
    echo "failure counts $(awk '$1 == "failures" { print $2 }' "$tmp/uncached" | bench_median) ms."
    echo
    echo "Submissions taken in per second (signature verification, scoring, storing, receipt; the server"
    echo "CPU is user + system time of \`mamori serve\` over each run, per 201, from /proc):"
    echo
    echo "| how | submissions/s | p50 (ms) | p99 (ms) | server CPU ms per submission | notes |"
    echo "|---|---:|---:|---:|---:|---|"
    printf '| in process: `bench_ingest`, one thread, `mm_ingest` into a fresh database | %s | | | | runs: %s; 2000 distinct signed copies of the Hokuto examples (Rev 3 and Rev 2 alternately), signed before timing |\n' \
        "$ingest" "$ingest_runs"
    post_rate=$(cut -d' ' -f1 "$tmp/post" | bench_median)
    post_p50=$(cut -d' ' -f2 "$tmp/post" | bench_median)
    post_p99=$(cut -d' ' -f3 "$tmp/post" | bench_median)
    post_other=$(awk '{ s += $4 } END { print s + 0 }' "$tmp/post")
    post_exh=$(awk '{ s += $5 } END { print s + 0 }' "$tmp/post")
    printf '| HTTP: wrk POST /api/v1/submissions, %s connections, into the seeded database | %s | %s | %s | %s | 201s only, per run: %s; other answers: %s; replays for lack of fresh bodies: %s; CPU per run: %s |\n' \
        "$WRK_CONNS" "$post_rate" "$post_p50" "$post_p99" "$(cut -d' ' -f7 "$tmp/post" | bench_median)" \
        "$(cut -d' ' -f1 "$tmp/post" | tr '\n' ' ')" \
        "$post_other" "$post_exh" "$(cut -d' ' -f7 "$tmp/post" | tr '\n' ' ')"
    echo
    echo "Reproduce: \`make bench\` (all benchmarks) or \`BUILD=build bench/server/run.sh\`; the seeded"
    echo "database is cached in \`BUILD/bench-server.db\` (the first run seeds it). Knobs:"
    echo "\`BENCH_CONTRACTORS\`, \`BENCH_SUBMISSIONS\`, \`BENCH_SEED\`, \`BENCH_DURATION\`, \`BENCH_RUNS\`,"
    echo "\`BENCH_SERVE_THREADS\`, \`BENCH_NO_BUILD=1\`. On 2 CPUs wrk takes a large share of the"
    echo "machine from either server; compare the ratio rather than the absolute figures."
    echo "<!-- server-bench:end -->"
} >"$tmp/section.md"
cat "$tmp/section.md" >&2
bench_write_section "$OUT" server-bench "$tmp/section.md"
echo "bench/server: wrote the server-bench section of $OUT" >&2
