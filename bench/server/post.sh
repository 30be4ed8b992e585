#!/bin/sh
# bench/server/post.sh: submissions over HTTP only, for iterating on the write path (not a
# test; by hand). run.sh's POST part on a copy of its cached database, with the server's
# CPU time per submission beside the wall-clock rate (the machine is shared: wall clock moves
# with the load, CPU time much less).
#
#   BUILD=build bench/server/post.sh [BIN]
#
# Needs BUILD/bench-server.db (+ .meta), seeded by bench/server/run.sh, and BUILD/bench_ingest
# (-DMM_BENCH=ON); BIN (default BUILD/mamori) is the server to measure, so that two builds can
# be compared on the same bodies. Runs BENCH_RUNS (3) runs of BENCH_DURATION (10) s with wrk
# (2 threads, 32 connections, bench/server/post.lua), each on fresh pre-signed bodies, and
# prints per run: submissions/s (201s only), p50 and p99 (ms), the server's CPU seconds (user
# + system, from /proc/PID/stat) per 1,000 submissions, and the load average; then the
# medians. PERF=1 also records the server with `perf record -g` (cpu-clock) into
# $PERF_OUT (default /tmp/post.perf.data). Every process it starts is stopped by its PID.
set -eu
cd "$(dirname "$0")/../.."
. bench/server/lib.sh
BUILD=${BUILD:-build}
BIN=${1:-$BUILD/mamori}
DURATION=${BENCH_DURATION:-10}
RUNS=${BENCH_RUNS:-3}
SERVE_THREADS=${BENCH_SERVE_THREADS:-4}
PER_RUN=${BENCH_POST_BODIES_PER_RUN:-15000}
WRK_THREADS=2
WRK_CONNS=32
cache=$BUILD/bench-server.db
meta=$BUILD/bench-server.meta
[ -f "$cache" ] && [ -f "$meta" ] || {
    echo "bench/server/post.sh: $cache not found (run bench/server/run.sh once)" >&2
    exit 1
}
tmp=$(mktemp -d)
serve_pid=""
perf_pid=""
cleanup() {
    bench_stop "$perf_pid" "$serve_pid"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

cp "$cache" "$tmp/bench.db"
admin_pw=$(sed -n 's/^password=//p' "$meta")
port=$(bench_free_port)
"$BIN" serve --db "$tmp/bench.db" --listen "127.0.0.1:$port" --threads "$SERVE_THREADS" \
    2>"$tmp/serve.log" &
serve_pid=$!
bench_wait_http "http://127.0.0.1:$port/readyz" "$serve_pid" "$tmp/serve.log" "mamori serve"
URL=http://127.0.0.1:$port
"$BUILD/mamori" keygen --org "Benchmark Poster K.K." -o "$tmp/poster.key" >/dev/null
python3 bench/server/api_setup.py "$URL" "$admin_pw" "$tmp/poster.key.pub" >"$tmp/setup.env"
. "$tmp/setup.env"
"$BUILD/bench_ingest" --write-bodies "$tmp/bodies" --key "$tmp/poster.key" \
    -n $((PER_RUN * RUNS)) 2>/dev/null

# the server's user + system CPU time in seconds (all its threads)
cpu_s() {
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$serve_pid/stat"
}
if [ -n "${PERF:-}" ]; then
    perf record -e cpu-clock -F 999 -g -p "$serve_pid" -o "${PERF_OUT:-/tmp/post.perf.data}" \
        >/dev/null 2>"$tmp/perf.log" &
    perf_pid=$!
    sleep 1
fi
: >"$tmp/post"
r=1
while [ "$r" -le "$RUNS" ]; do
    sed -n "$(((r - 1) * PER_RUN + 1)),$((r * PER_RUN))p" "$tmp/bodies" >"$tmp/bodies.$r"
    c0=$(cpu_s)
    (
        export BODIES="$tmp/bodies.$r" TOKEN="$POSTER_TOKEN" WRK_THREADS
        bench_wrk "$WRK_THREADS" "$WRK_CONNS" "$tmp/wrk.out" -s bench/server/post.lua "$URL"
    )
    c1=$(cpu_s)
    set -- $(bench_post_parse "$tmp/wrk.out")
    cpu_per_k=$(awk -v a="$c0" -v b="$c1" -v n="$6" 'BEGIN { printf "%.2f", (n > 0) ? (b - a) * 1000 / n : 0 }')
    echo "$1 $2 $3 $cpu_per_k $4 $5 $(bench_loadavg | cut -d' ' -f1)" >>"$tmp/post"
    echo "run $r: $1/s p50 $2 ms p99 $3 ms; server CPU $cpu_per_k s per 1000; other $4, replays $5; load $(bench_loadavg)"
    r=$((r + 1))
done
if [ -n "$perf_pid" ]; then
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
    perf_pid=""
fi
m() { cut -d' ' -f"$1" "$tmp/post" | bench_median; }
echo "median: $(m 1)/s p50 $(m 2) ms p99 $(m 3) ms; server CPU $(m 4) s per 1000 submissions ($(awk -v c="$(m 4)" 'BEGIN { printf "%.2f", c }') ms each); load $(m 7)"
