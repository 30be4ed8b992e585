# shellcheck shell=sh disable=SC2154
# bench/server/lib.sh: shell functions for the server benchmarks (sourced, POSIX sh).
#
# Used by bench/server/run-pg.sh; the same steps as bench/server/run.sh (free ports, waiting
# for a server, stopping by PID, parsing wrk's output, medians, nginx on the same bytes,
# rewriting one marked section of docs/benchmarks.md). Expects $tmp (the run's temporary
# directory) to be set before bench_wrk, bench_nginx_start and bench_post are called.

# a free loopback TCP port
bench_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# bench_wait_http URL PID LOG NAME: waits (10 s at most) until URL answers 2xx; fails with the
# end of LOG when it does not or when PID is gone
bench_wait_http() {
    _i=0
    until curl -sf -o /dev/null "$1"; do
        _i=$((_i + 1))
        if [ $_i -gt 100 ] || ! kill -0 "$2" 2>/dev/null; then
            echo "bench/server: $4 did not start:" >&2
            tail -n 5 "$3" >&2 2>/dev/null || true
            return 1
        fi
        sleep 0.1
    done
}

# bench_stop PID...: TERM, up to 5 s, then KILL; only the given PIDs
bench_stop() {
    for _p in "$@"; do
        [ -n "$_p" ] || continue
        if kill -0 "$_p" 2>/dev/null; then
            kill -TERM "$_p" 2>/dev/null || true
            _i=0
            while kill -0 "$_p" 2>/dev/null && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
            kill -KILL "$_p" 2>/dev/null || true
        fi
    done
}

# bench_wrk_parse FILE: wrk --latency output -> "req_per_s p50_ms p99_ms errors"
# (errors: non-2xx/3xx answers plus socket errors)
bench_wrk_parse() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            return v
        }
        /Requests\/sec:/ { rps = $2 }
        $1 == "50.000%" || $1 == "50%" { p50 = ms($2) }
        $1 == "99.000%" || $1 == "99%" { p99 = ms($2) }
        /Non-2xx or 3xx responses:/ { err = $5 }
        /Socket errors:/ { err += $4 + $6 + $8 + $10 }
        END { printf "%s %s %s %d\n", rps + 0, p50 + 0, p99 + 0, err + 0 }' "$1"
}

# bench_post_parse FILE: wrk output with bench/server/post.lua's POSTRESULT line ->
# "submissions_per_s p50_ms p99_ms other exhausted created" (only 201s are counted)
bench_post_parse() {
    _lat=$(bench_wrk_parse "$1" | cut -d' ' -f2,3)
    _res=$(sed -n 's/^POSTRESULT //p' "$1")
    _c=$(echo "$_res" | sed -n 's/.*created=\([0-9]*\).*/\1/p')
    _o=$(echo "$_res" | sed -n 's/.*other=\([0-9]*\).*/\1/p')
    _e=$(echo "$_res" | sed -n 's/.*exhausted=\([0-9]*\).*/\1/p')
    _s=$(echo "$_res" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
    _r=$(awk -v c="${_c:-0}" -v s="${_s:-0}" 'BEGIN { printf "%.0f", (s > 0) ? c / s : 0 }')
    echo "$_r $_lat ${_o:-0} ${_e:-0} ${_c:-0}"
}

# the median of the numbers on stdin, one a line
bench_median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_nginx_start WWW: nginx (2 workers, an access log) serving the files of WWW on a free
# loopback port with a temporary config under $tmp/nginx; sets nginx_pid and nginx_port
bench_nginx_start() {
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    mkdir -p "$tmp/nginx"
    nginx_port=$(bench_free_port)
    cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 2;
user $(id -un) $(id -gn);
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
    default_type application/json;
    access_log $tmp/nginx/access.log;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nginx_port;
        root $1;
    }
}
EOF
    "$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' 2>"$tmp/nginx/stderr" &
    nginx_pid=$!
    bench_wait_http "http://127.0.0.1:$nginx_port/e1.json" "$nginx_pid" "$tmp/nginx/error.log" nginx
}

# bench_wrk THREADS CONNS OUTFILE WRK_ARGS...: one wrk run (BENCH_DURATION s, keep-alive,
# --timeout 30 s so that slow answers count in the latencies instead of being dropped)
bench_wrk() {
    _t=$1 _c=$2 _out=$3
    shift 3
    wrk -t "$_t" -c "$_c" -d "${DURATION}s" --timeout 30s --latency "$@" >"$_out" 2>&1 || true
}

# bench_describe_build BUILD: "commit ...; build type ..., compiler" for the report
bench_describe_build() {
    _commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [ -n "$(git status --porcelain --untracked-files=no -- src include content 2>/dev/null)" ]; then
        _commit="$_commit (with uncommitted changes under src/, include/ or content/)"
    fi
    _src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:[A-Z]*=//p' "$1/CMakeCache.txt" 2>/dev/null || true)
    [ -n "$_src" ] && [ "$(cd "$_src" && pwd -P)" != "$(pwd -P)" ] &&
        _commit="$_commit; the binaries were built from $_src${BENCH_SOURCE_NOTE:+ ($BENCH_SOURCE_NOTE)}"
    _bt=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$1/CMakeCache.txt" 2>/dev/null || true)
    _cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$1/CMakeCache.txt" 2>/dev/null || true)
    _ccv=$("${_cc:-cc}" --version 2>/dev/null | head -n 1 || true)
    echo "commit $_commit; build type ${_bt:-default}, ${_ccv:-unknown compiler}"
}

bench_cpu() {
    awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || uname -m
}

bench_loadavg() {
    cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown
}

# bench_write_section OUT NAME FILE: replaces the text between <!-- NAME:begin --> and
# <!-- NAME:end --> of OUT by FILE (which holds both markers), or appends FILE
bench_write_section() {
    python3 - "$1" "$2" "$3" <<'EOF'
import re, sys
out, name, sec = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().rstrip("\n")
try:
    text = open(out).read()
except FileNotFoundError:
    text = "# Benchmarks\n"
pat = re.compile(r"<!-- %s:begin -->.*?<!-- %s:end -->" % (re.escape(name), re.escape(name)), re.S)
text = pat.sub(lambda m: sec, text) if pat.search(text) else text.rstrip("\n") + "\n\n" + sec + "\n"
open(out, "w").write(text)
EOF
}

# bench_post_keys BIN DIR N: N signing keys for POSTing contractors (DIR/poster.key, made for
# "Benchmark Poster K.K.", then DIR/poster-1.key for "Benchmark Poster 1 K.K." ...); prints
# their public key files, one a line, for bench/server/api_setup.py
bench_post_keys() {
    _n=0
    while [ "$_n" -lt "$3" ]; do
        if [ "$_n" -eq 0 ]; then
            _k="$2/poster.key" _o="Benchmark Poster K.K."
        else
            _k="$2/poster-$_n.key" _o="Benchmark Poster $_n K.K."
        fi
        "$1" keygen --org "$_o" -o "$_k" >/dev/null
        echo "$_k.pub"
        _n=$((_n + 1))
    done
}

# bench_post_bodies BUILD DIR N TOTAL OUT TOKENS: TOTAL distinct signed documents in OUT for
# bench/server/post.lua, one a line. N = 1: the documents alone, signed with DIR/poster.key
# and sent with $TOKEN (the benchmark's old mode: every submission one organization's). N > 1:
# "TOKEN DOCUMENT" lines, the N organizations of bench_post_keys (TOKENS: their tokens in the
# same order, separated by spaces) in turn, so that the writes spread over N rows as they do
# when many contractors submit
bench_post_bodies() {
    if [ "$3" -le 1 ]; then
        "$1/bench_ingest" --write-bodies "$5" --key "$2/poster.key" -n "$4" 2>/dev/null
        return
    fi
    _per=$((($4 + $3 - 1) / $3))
    _n=0
    _files=""
    for _t in $6; do
        if [ "$_n" -eq 0 ]; then _k="$2/poster.key"; else _k="$2/poster-$_n.key"; fi
        "$1/bench_ingest" --write-bodies "$2/bodies-org$_n" --key "$_k" -n "$_per" 2>/dev/null
        awk -v t="$_t" '{ print t " " $0 }' "$2/bodies-org$_n" >"$2/bodies-org$_n.t"
        rm -f "$2/bodies-org$_n"
        _files="$_files $2/bodies-org$_n.t"
        _n=$((_n + 1))
    done
    # shellcheck disable=SC2086
    paste -d '\n' $_files | head -n "$4" >"$5"
    # shellcheck disable=SC2086
    rm -f $_files
}
