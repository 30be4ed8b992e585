#!/bin/sh
# bench/server/profile.sh: where a read request's instructions go (not a test; by hand).
#
#   bench/server/profile.sh BUILD/mamori [N]
#
# Seeds a small database (200 contractors x 2 submissions), starts `mamori serve --threads 1`
# under valgrind --tool=callgrind (instruction counts: repeatable on a loaded machine, unlike
# wall time), makes an analyst's token (bench/server/api_setup.py), sends N (default 200)
# keep-alive requests to each of the three endpoints of bench/server/run.sh (one callgrind
# run per endpoint, each after 20 untimed requests that fill the caches), and prints per
# endpoint the instructions per request of the request handler and of its main parts
# (inclusive, from callgrind_annotate). Needs valgrind, curl and python3. Every process it
# starts is stopped by its PID on exit. PROFILE_KEEP=DIR keeps the callgrind files.
set -eu
cd "$(dirname "$0")/../.."
. bench/server/lib.sh
BIN=$1
N=${2:-200}
tmp=$(mktemp -d)
serve_pid=""
cleanup() {
    bench_stop "$serve_pid"
    if [ -n "${PROFILE_KEEP:-}" ]; then
        mkdir -p "$PROFILE_KEEP" && cp "$tmp"/cg.* "$PROFILE_KEEP"/ 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

pw=$("$BIN" admin init --db "$tmp/p.db" | sed -n 's/^password: *//p')
"$BIN" admin seed-demo --db "$tmp/p.db" --contractors 200 --submissions 2 --seed 1 --jobs 1 \
    >/dev/null 2>&1
"$BIN" keygen --org "Profile Poster K.K." -o "$tmp/poster.key" >/dev/null

start() { # start NAME: serve under callgrind, instrumentation off until the requests to count
    port=$(bench_free_port)
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$tmp/cg.$1" \
        "$BIN" serve --db "$tmp/p.db" --listen "127.0.0.1:$port" --threads 1 \
        2>"$tmp/serve.log" &
    serve_pid=$!
    i=0
    until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do
        i=$((i + 1))
        [ $i -lt 600 ] || { tail -n 5 "$tmp/serve.log" >&2; exit 1; }
        sleep 0.2
    done
    URL=http://127.0.0.1:$port
}
stop() {
    bench_stop "$serve_pid"
    serve_pid=""
}

start setup
python3 bench/server/api_setup.py "$URL" "$pw" "$tmp/poster.key.pub" >"$tmp/setup.env"
. "$tmp/setup.env"
AUTH="Authorization: Bearer $ANALYST_TOKEN"
sub_id=$(curl -sf -H "$AUTH" "$URL/api/v1/contractors?page=1&per_page=1&sort=received&order=desc" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["latest"]["id"])')
stop

for e in contractors submission failures; do
    case $e in
    contractors) p="/api/v1/contractors?page=1&per_page=50&sort=score&order=desc" ;;
    submission) p="/api/v1/submissions/$sub_id" ;;
    failures) p="/api/v1/requirements/failures" ;;
    esac
    start "$e"
    urls=""
    i=0
    while [ $i -lt 20 ]; do urls="$urls $URL$p"; i=$((i + 1)); done
    # shellcheck disable=SC2086
    curl -sf -H "$AUTH" $urls >/dev/null
    callgrind_control -i on "$serve_pid" >/dev/null
    urls=""
    i=0
    while [ $i -lt "$N" ]; do urls="$urls $URL$p"; i=$((i + 1)); done
    # shellcheck disable=SC2086
    curl -sf -H "$AUTH" $urls >/dev/null
    callgrind_control -i off "$serve_pid" >/dev/null
    callgrind_control -d "$serve_pid" >/dev/null
    stop
    f=$(ls "$tmp"/cg."$e".1* | head -n 1)
    echo "== GET $p: instructions per request (inclusive), N=$N"
    callgrind_annotate --inclusive=yes --threshold=100 "$f" 2>/dev/null |
        awk -v n="$N" '/^ *[0-9,]+ .*:/ {
            c = $1; gsub(",", "", c); fn = $0; sub(/^ *[0-9,]+ +(\([^)]*\) +)?/, "", fn)
            sub(/ \[.*$/, "", fn)
            if (c / n >= 2000) printf "%12.0f  %s\n", c / n, fn }' | head -n 60
done
