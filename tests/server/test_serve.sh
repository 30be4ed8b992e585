#!/bin/sh
# Process-level test of `mamori serve`: starts the real server on a free loopback port
# against a temporary database, checks the endpoints, the limits and a graceful stop. With
# MM_TEST_DB_URL (a postgresql:// URL of the throwaway cluster, scripts/pg-test.sh) the
# database is a fresh PostgreSQL database instead of a file.
# Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Needs curl and node.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
T=$MM_TMP
DB=$T/mamori.db
LOG=$T/serve.log
fails=0
pid=""

ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
if [ -n "${MM_TEST_DB_URL:-}" ]; then
    DB=$(sh "$MM_SOURCE_DIR/scripts/pg-test.sh" newdb "$MM_TEST_DB_URL" mm_serve) || {
        no "a fresh PostgreSQL database"
        exit 1
    }
fi
# Never leave the server running: kill it (by its PID only) on any exit.
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

"$MAMORI" admin init --db "$DB" --login root >/dev/null 2>"$T/err" || {
    no "admin init"
    cat "$T/err"
    exit 1
}

"$MAMORI" serve --db "$DB" --listen 127.0.0.1:0 --threads 2 --max-body 1024 2>"$LOG" &
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
if [ -z "$port" ] || [ "$port" = 0 ]; then
    no "server did not log its port within 10 s"
    cat "$LOG"
    exit 1
fi
ok "server listening on port $port"
URL=http://127.0.0.1:$port

# get NAME WANT_STATUS PATH [curl options...]: status into $T/status, body into $T/body,
# headers into $T/headers
get() {
    name=$1; want=$2; path=$3; shift 3
    status=$(curl -s -m 10 -D "$T/headers" -o "$T/body" -w '%{http_code}' "$@" "$URL$path")
    if [ "$status" = "$want" ]; then ok "$name: $status"; else no "$name: status $status, want $want"; fi
}
body_is() {
    if [ "$(cat "$T/body")" = "$1" ]; then ok "$2"; else no "$2: body was: $(cat "$T/body")"; fi
}
header_has() {
    if tr -d '\r' <"$T/headers" | grep -qi "^$1\$"; then ok "$2"; else no "$2: headers:"; cat "$T/headers"; fi
}

get "GET /healthz" 200 /healthz
body_is '{"status":"ok"}' "healthz body"
header_has 'Content-Type: application/json; charset=utf-8' "healthz Content-Type"
header_has 'X-Content-Type-Options: nosniff' "healthz nosniff"
header_has 'Cache-Control: no-store' "healthz no-store"

get "GET /readyz" 200 /readyz
body_is '{"status":"ready","schema":20}' "readyz body"

get "GET /api/v1/version" 200 /api/v1/version
ver=$("$MAMORI" version | sed 's/^mamori //')
body_is "{\"mamori\":\"$ver\",\"schema\":20}" "version body"

get "GET /nope" 404 /nope
body_is '{"error":{"code":"not_found","message":"no such resource"}}' "404 body"
header_has 'X-Content-Type-Options: nosniff' "404 nosniff"

get "DELETE /healthz" 405 /healthz -X DELETE
header_has 'Allow: GET, HEAD' "405 Allow header"
if grep -q '"code":"method_not_allowed"' "$T/body"; then ok "405 body"; else no "405 body: $(cat "$T/body")"; fi

# A body over --max-body: the server answers 413 before reading it (the client waits for
# 100 Continue, so no unread bytes race the answer), then keeps serving.
head -c 4096 /dev/zero | tr '\0' 'x' >"$T/big"
get "POST 4 KiB over a 1 KiB limit" 413 /healthz -H 'Expect: 100-continue' \
    --expect100-timeout 10 --data-binary "@$T/big"
if grep -q '"code":"payload_too_large"' "$T/body"; then ok "413 body"; else no "413 body: $(cat "$T/body")"; fi
get "GET /healthz after 413" 200 /healthz

# A malformed request line: answered or closed, never a crash.
node -e '
const net = require("net");
const s = net.connect(Number(process.argv[1]), "127.0.0.1", () => s.end("GARBAGE \x01\x02 NOT-HTTP\r\n\r\n"));
s.setTimeout(5000, () => s.destroy());
s.on("data", () => {}); s.on("error", () => {}); s.on("close", () => process.exit(0));
' "$port"
if kill -0 "$pid" 2>/dev/null; then ok "server alive after a malformed request line"; else no "server died on a malformed request line"; fi
get "GET /healthz after malformed request" 200 /healthz

if grep -q '"msg":"request","method":"GET","path":"/healthz","status":200,"duration_ms":' "$LOG"; then
    ok "request log line"
else
    no "no request log line"
fi
if grep -qv '^{.*}$' "$LOG"; then no "a log line is not a JSON object"; grep -v '^{.*}$' "$LOG"; else ok "every log line is a JSON object"; fi
if grep -q 'xxxx' "$LOG"; then no "a request body reached the log"; else ok "no request body in the log"; fi

# Graceful stop: SIGTERM -> exit 0 within 10 s, with a shutdown line.
kill -TERM "$pid"
i=0
while [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
    no "server still running 10 s after SIGTERM"
else
    wait "$pid"
    rc=$?
    pid=""
    if [ "$rc" = 0 ]; then ok "exit 0 after SIGTERM"; else no "exit $rc after SIGTERM"; cat "$LOG"; fi
fi
if grep -q '"msg":"shutdown: SIGTERM"' "$LOG" && grep -q '"msg":"stopped"' "$LOG"; then
    ok "shutdown logged"
else
    no "no shutdown line in the log"
    cat "$LOG"
fi

# HTTPS with a self-signed certificate, options from a config file; the session cookie
# carries Secure under TLS.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$T/tls.key" -out "$T/tls.crt" 2>/dev/null || no "openssl could not make a certificate"
cat >"$T/serve.json" <<CFG
{"db": "$DB", "listen": "127.0.0.1:0", "threads": 2, "tls-cert": "$T/tls.crt", "tls-key": "$T/tls.key", "idle-timeout": 600}
CFG
LOG2=$T/serve-tls.log
"$MAMORI" serve --config "$T/serve.json" 2>"$LOG2" &
pid=$!
port=""
i=0
while [ $i -lt 100 ]; do
    port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9][0-9]*\).*/\1/p' "$LOG2" | head -n 1)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
if [ -z "$port" ]; then
    no "TLS server did not start"
    cat "$LOG2"
else
    if grep -q '"tls":true' "$LOG2"; then ok "config file: TLS on"; else no "config file: tls not on"; fi
    if grep -q '"idle_timeout_s":{"value":600,"from":"flag"}' "$LOG2"; then
        ok "config file: idle-timeout 600 s"
    else
        no "config file: idle-timeout not taken: $(grep 'security policy' "$LOG2")"
    fi
    status=$(curl -s -m 10 --cacert "$T/tls.crt" -o "$T/body" -w '%{http_code}' "https://127.0.0.1:$port/healthz")
    if [ "$status" = 200 ]; then ok "HTTPS /healthz: 200"; else no "HTTPS /healthz: $status"; fi
    status=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/healthz")
    if [ "$status" = 000 ]; then ok "HTTPS refused without trusting the certificate"; else no "untrusted certificate accepted: $status"; fi
    curl -s -m 10 --cacert "$T/tls.crt" -D "$T/headers" -o /dev/null -H 'Content-Type: application/json' \
        -d '{"login":"nobody","password":"wrong password"}' "https://127.0.0.1:$port/api/v1/session"
    if grep -qi '^Strict-Transport-Security:' "$T/headers"; then ok "HSTS under TLS"; else no "no HSTS under TLS"; fi
    kill -TERM "$pid"
    wait "$pid"
    pid=""
fi
printf '{"db": "%s", "bogus": 1}\n' "$DB" >"$T/bad.json"
if "$MAMORI" serve --config "$T/bad.json" 2>"$T/err"; then no "unknown config option accepted"; \
elif grep -q 'bogus: unknown option' "$T/err"; then ok "unknown config option refused"; \
else no "unknown config option: $(cat "$T/err")"; fi
# a malformed config file: cut off, not an object, a wrong type, a directory; each refused
# with exit 2 and a message naming the file, and no server started
printf '{"db": "%s", "threads": ' "$DB" >"$T/cut.json"
printf '["db"]\n' >"$T/array.json"
printf '{"db": "%s", "threads": true}\n' "$DB" >"$T/type.json"
for f in cut.json array.json type.json .; do
    "$MAMORI" serve --config "$T/$f" >/dev/null 2>"$T/err"
    rc=$?
    if [ "$rc" = 2 ] && grep -q "$T/$f" "$T/err"; then
        ok "config $f refused: $(head -c 120 "$T/err")"
    else
        no "config $f: exit $rc: $(cat "$T/err")"
    fi
done

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "all ok"
