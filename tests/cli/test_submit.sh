#!/bin/sh
# Process-level test of `mamori submit` against a fake server (Python's http.server on a
# free loopback port, started here): the request it sends (token, content type, a signed
# document `mamori verify` accepts), a verified receipt, and every way to fail: refused
# (409), server error (500), a receipt that is garbage, signed by another key or for another
# document, a redirect, an answer over 1 MiB, no server, no token, bad options.
# The fake server signs its receipts with Python's `cryptography` (Ed25519), making the
# canonical bytes as docs/signing.md shows; the real server's endpoint is tested in
# tests/server. Env: MAMORI, MM_SOURCE_DIR, MM_TMP. Needs python3 and python3-cryptography.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
T=$MM_TMP
fails=0
pid=""
unset MAMORI_TOKEN http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
TOKEN=mmt_s3cr3t-t0ken-never-printed

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

# expect CODE DESCRIPTION -- command...: checks the exit code
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" = "$want" ]; then ok "$what"; else no "$what (exit $got, want $want)"; cat "$T/err"; fi
    if grep -q "$TOKEN" "$T/out" "$T/err"; then no "$what: the token was printed"; fi
}
err_has() {
    if grep -Eq -- "$1" "$T/err"; then ok "$2"; else no "$2: stderr was:"; cat "$T/err"; fi
}
err_lacks() {
    if grep -Eq -- "$1" "$T/err"; then no "$2: stderr was:"; cat "$T/err"; else ok "$2"; fi
}

python3 -c 'import cryptography' 2>/dev/null || {
    no "python3 cryptography is missing (scripts/deps.sh installs python3-cryptography)"
    exit 1
}

cat >"$T/fake_server.py" <<'EOF'
# A stand-in for the authority's server. The answer to POST /api/v1/submissions depends on
# the word in DIR/mode; each request's headers and body are saved in DIR.
import base64, hashlib, json, os, re, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

d = sys.argv[1]
raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
def key_json(k):
    pub = k.public_key().public_bytes(*raw)
    return {"kind": "mamori-server-key", "public_key": base64.b64encode(pub).decode(),
            "key_id": hashlib.sha256(pub).hexdigest()[:16]}
json.dump(key_json(key), open(os.path.join(d, "server-key.json"), "w"))
json.dump(key_json(other), open(os.path.join(d, "other-key.json"), "w"))

def canonical(v):  # docs/signing.md, "Verifying by hand"
    c = json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return re.sub(rb"\\(\\|u[0-9a-f]{4})", lambda m: m.group(0)[:2] + m.group(0)[2:].upper(), c.encode("ascii"))

def receipt(k, body_hash):
    rec = {"kind": "mamori-receipt", "version": 1, "submission_id": "sub-0001", "org_id": "org-7",
           "body_hash": body_hash, "received": "2026-11-23T14:25:38Z", "status": "conditional",
           "score": 97, "server_key_id": key_json(k)["key_id"]}
    sig = base64.b64encode(k.sign(canonical(rec))).decode()
    return json.dumps({"receipt": rec, "signature": sig}, indent=2)

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def answer(self, status, body, extra=()):
        b = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(b)))
        for h in extra:
            self.send_header(*h)
        self.end_headers()
        self.wfile.write(b)
    def do_GET(self):
        open(os.path.join(d, "get-log"), "a").write(self.path + "\n")
        mode = open(os.path.join(d, "mode")).read().strip()
        last = os.path.join(d, "last-hash")
        if self.path == "/api/v1/server-key":
            self.answer(200, json.dumps(key_json(key)))
        elif self.path == "/api/v1/submissions/sub-0001/receipt" and os.path.exists(last):
            open(os.path.join(d, "get-headers"), "w").write(str(self.headers))
            k = other if mode == "otherkey" else key
            self.answer(200, receipt(k, open(last).read()))
        else:
            self.answer(404, '{"error":{"code":"not_found","message":"no such resource"}}')
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        open(os.path.join(d, "req-headers"), "w").write(str(self.headers))
        open(os.path.join(d, "req-body"), "wb").write(body)
        mode = open(os.path.join(d, "mode")).read().strip()
        if self.path != "/api/v1/submissions":
            return self.answer(404, '{"error":{"code":"not_found","message":"no such resource"}}')
        h = hashlib.sha256(canonical(json.loads(body)["envelope"])).hexdigest()
        open(os.path.join(d, "last-hash"), "w").write(h)
        if mode == "ok":
            self.answer(201, receipt(key, h))
        elif mode == "otherkey":
            self.answer(201, receipt(other, h))
        elif mode == "badhash":
            self.answer(201, receipt(key, "0" * 64))
        elif mode == "garbage":
            self.answer(201, "this is not a receipt")
        elif mode == "escape":  # well-formed, with control characters where messages quote it
            doc = json.loads(receipt(key, h))
            doc["receipt"]["server_key_id"] = "\x1b[31m\x1b]0;x\x07"
            self.answer(201, json.dumps(doc))
        elif mode == "conflict":
            self.answer(409, '{"error":{"code":"conflict","message":"this document was already submitted\\u001b[31m"},'
                        '"submission_id":"sub-0001","receipt":"/api/v1/submissions/sub-0001/receipt"}')
        elif mode == "error500":
            self.answer(500, '{"error":{"code":"internal","message":"database is locked"}}')
        elif mode == "redirect":
            self.answer(302, "{}", [("Location", "http://127.0.0.1:1/steal")])
        elif mode == "big":
            self.answer(201, b" " * (2 * 1024 * 1024))

srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
open(os.path.join(d, "port.tmp"), "w").write(str(srv.server_address[1]))
os.rename(os.path.join(d, "port.tmp"), os.path.join(d, "port"))
srv.serve_forever()
EOF

echo ok >"$T/mode"
python3 "$T/fake_server.py" "$T" 2>"$T/server.log" &
pid=$!
i=0
while [ $i -lt 100 ] && [ ! -f "$T/port" ]; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
if [ ! -f "$T/port" ]; then
    no "fake server did not start"
    cat "$T/server.log"
    exit 1
fi
URL=http://127.0.0.1:$(cat "$T/port")
ok "fake server on $URL"

# a copy: a receipt that does not verify is kept next to the assessment, never in the tree
cp "$MM_SOURCE_DIR/examples/hokuto/assessment-r3.json" "$T/assessment-r3.json"
A=$T/assessment-r3.json
printf 'firewall ruleset export\n' >"$T/evidence.txt"
"$MAMORI" keygen --org "Hokuto Precision Engineering K.K." -o "$T/org.key" >/dev/null || {
    no "keygen"
    exit 1
}
set -- "$A" --server "$URL" --key "$T/org.key" --official "Kenji Sato" --date 2026-11-20 \
    --evidence "$T/evidence.txt"
KID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key_id"])' "$T/server-key.json")

# ---- accepted, receipt verified --------------------------------------------------------
export MAMORI_TOKEN=$TOKEN
expect 0 "submit: accepted, key fetched" -- "$MAMORI" submit "$@" -o "$T/receipt.json"
err_has "^submitted: sub-0001 status conditional score 97 \(receipt verified with server key $KID\)\$" \
    "the one-line summary"
err_has "server key fetched from the server, not pinned" "says the key was not pinned"
if tr -d '\r' <"$T/req-headers" | grep -qx "Authorization: Bearer $TOKEN"; then
    ok "the server got the token from MAMORI_TOKEN"
else
    no "no Authorization: Bearer header"; cat "$T/req-headers"
fi
if tr -d '\r' <"$T/req-headers" | grep -qix 'Content-Type: application/json'; then
    ok "Content-Type: application/json"
else
    no "Content-Type"; cat "$T/req-headers"
fi
expect 0 "the body sent is a signed document mamori verify accepts" -- \
    "$MAMORI" verify "$T/req-body" --pub "$T/org.key.pub"
"$MAMORI" sign "$A" --key "$T/org.key" --official "Kenji Sato" --date 2026-11-20 \
    --evidence "$T/evidence.txt" -o "$T/signed.json" 2>/dev/null
if [ "$(cat "$T/req-body")" = "$(cat "$T/signed.json")" ]; then
    ok "the body sent is what mamori sign makes"
else
    no "the body sent differs from mamori sign's output"
fi
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))["receipt"]["submission_id"]' "$T/receipt.json" 2>/dev/null; then
    ok "receipt written to -o"
else
    no "no receipt in -o"
fi

expect 0 "submit: pinned key, receipt on stdout, --token" -- \
    env -u MAMORI_TOKEN "$MAMORI" submit "$@" --server-key "$T/server-key.json" --token "$TOKEN"
err_lacks "not pinned" "no not-pinned note with --server-key"
if grep -q '"signature"' "$T/out"; then ok "receipt on stdout"; else no "no receipt on stdout"; fi

# ---- refused, failed, invalid ------------------------------------------------------------
echo conflict >"$T/mode"
expect 1 "409: refused" -- "$MAMORI" submit "$@"
err_has '^mamori: server refused the submission: HTTP 409: this document was already submitted\?\[31m$' \
    "409 message, control characters neutralised"

echo error500 >"$T/mode"
expect 2 "500: server error" -- "$MAMORI" submit "$@"
err_has '^mamori: server error: HTTP 500: database is locked$' "500 message"

echo garbage >"$T/mode"
rm -f "$T/receipt.json"
expect 1 "201 with a garbage receipt" -- "$MAMORI" submit "$@" -o "$T/receipt.json"
err_has 'receipt is invalid' "garbage receipt message"
[ -e "$T/receipt.json" ] && no "an invalid receipt was written" || ok "no receipt written"
if [ "$(cat "$T/receipt.json.unverified-receipt.json" 2>/dev/null)" = "this is not a receipt" ]; then
    ok "what the server sent is kept next to -o"
else
    no "the unverified answer was not kept in receipt.json.unverified-receipt.json"
fi
err_has "saved in $T/receipt.json.unverified-receipt.json" "says where it was kept"
err_has 'mamori receipt get SUBMISSION-ID --server' "says how to get the receipt again"

echo escape >"$T/mode"
expect 1 "201 with a receipt whose server_key_id holds control characters" -- "$MAMORI" submit "$@" -o "$T/esc.json"
if tr -d '\n' <"$T/err" | LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')"; then
    no "a control character from the server reached the terminal"
else
    ok "no control character from the server on the terminal"
fi

echo otherkey >"$T/mode"
cp "$A" "$T/a.json"
expect 1 "201 with a receipt signed by another key" -- "$MAMORI" submit "$T/a.json" --server "$URL" \
    --key "$T/org.key" --official "Kenji Sato" --date 2026-11-20 --evidence "$T/evidence.txt"
err_has 'receipt is invalid' "another key: message"
err_has 'mamori receipt get sub-0001 --server http://127.0.0.1:[0-9]+ ' \
    "another key: names the submission id to get its receipt again"
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))["receipt"]["submission_id"]' "$T/a.json.unverified-receipt.json" 2>/dev/null; then
    ok "without -o, what the server sent is kept next to the assessment"
else
    no "no a.json.unverified-receipt.json"
fi
expect 1 "receipt verify: the kept receipt, signed by another key: invalid" -- \
    "$MAMORI" receipt verify "$T/a.json.unverified-receipt.json" --server-key "$T/server-key.json"
if grep -q '^receipt INVALID: signed by server key' "$T/out"; then ok "receipt verify: the reason"; else no "receipt verify: no reason"; cat "$T/out"; fi
expect 0 "receipt verify: the same, with the key that signed it" -- \
    "$MAMORI" receipt verify "$T/a.json.unverified-receipt.json" --server-key "$T/other-key.json"
expect 1 "another key, with the right key pinned" -- \
    "$MAMORI" submit "$@" --server-key "$T/server-key.json"

echo badhash >"$T/mode"
rm -f "$A.unverified-receipt.json"
expect 1 "201 with a receipt for another document" -- "$MAMORI" submit "$@"
[ -s "$A.unverified-receipt.json" ] && ok "badhash: kept next to the assessment" || no "badhash: nothing kept"
err_has 'receipt is invalid: its body_hash 0{64} is not the hash of what was sent' "body_hash message"

echo redirect >"$T/mode"
expect 2 "a redirect is not followed" -- "$MAMORI" submit "$@"
err_has 'HTTP 302: a redirect, not followed' "redirect message"

echo big >"$T/mode"
expect 2 "an answer over 1 MiB" -- "$MAMORI" submit "$@"
err_has 'larger than 1048576 bytes' "too big message"

# ---- network, usage, files ---------------------------------------------------------------
echo ok >"$T/mode"
expect 2 "connection refused" -- "$MAMORI" submit "$A" --server http://127.0.0.1:1 --key "$T/org.key" \
    --official "Kenji Sato" --date 2026-11-20 --server-key "$T/server-key.json"
err_has '^mamori: cannot reach http://127.0.0.1:1/api/v1/server-key: ' "connection refused message (the pinned key is checked against the server's first)"

expect 2 "no token" -- env -u MAMORI_TOKEN "$MAMORI" submit "$@"
err_has 'no API token: set MAMORI_TOKEN' "no token message"
expect 2 "a token with a newline" -- "$MAMORI" submit "$@" --token "$(printf 'a\r\nX-Evil: 1')"
expect 2 "a server URL that is not http(s)" -- "$MAMORI" submit "$A" --server file:///etc/passwd \
    --key "$T/org.key" --official "Kenji Sato" --date 2026-11-20
expect 2 "--timeout 0" -- "$MAMORI" submit "$@" --timeout 0
expect 2 "a public key as --key" -- "$MAMORI" submit "$A" --server "$URL" --key "$T/org.key.pub" \
    --official "Kenji Sato" --date 2026-11-20
expect 2 "a missing assessment" -- "$MAMORI" submit "$T/nope.json" --server "$URL" \
    --key "$T/org.key" --official "Kenji Sato" --date 2026-11-20
expect 2 "missing --official" -- "$MAMORI" submit "$A" --server "$URL" --key "$T/org.key" \
    --date 2026-11-20
python3 -c 'import json,sys; k=json.load(open(sys.argv[1])); k["key_id"]="0"*16; json.dump(k,open(sys.argv[2],"w"))' \
    "$T/server-key.json" "$T/bad-key.json"
expect 2 "a pinned key file whose key_id does not match" -- "$MAMORI" submit "$@" --server-key "$T/bad-key.json"
err_has 'bad-key.json: \$.key_id' "key_id mismatch message"
expect 2 "a missing pinned key file" -- "$MAMORI" submit "$@" --server-key "$T/nope.json"
expect 0 "--help" -- "$MAMORI" submit --help

# ---- the pinned key must be the server's receipt key -------------------------------------
rm -f "$T/req-body"
expect 2 "the organization's public key as --server-key" -- "$MAMORI" submit "$@" --server-key "$T/org.key.pub"
err_has '^mamori: .*org.key.pub: \$.kind: "mamori-ed25519-public" is an organization.s signing key \(mamori keygen\), not the server.s receipt key' \
    "org key as server key: the one-line message"
expect 2 "the organization's secret key as --server-key" -- "$MAMORI" submit "$@" --server-key "$T/org.key"
if grep -q "secret_key\|$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["secret_key"])' "$T/org.key")" "$T/err"; then
    no "the secret key was printed"
else
    ok "the secret key is not printed"
fi
python3 -c 'import json,sys; k=json.load(open(sys.argv[1])); del k["kind"]; json.dump(k,open(sys.argv[2],"w"))' \
    "$T/server-key.json" "$T/nokind-key.json"
expect 2 "a key file without kind" -- "$MAMORI" submit "$@" --server-key "$T/nokind-key.json"
err_has 'nokind-key.json: \$.kind: not a server key' "no kind: message"
expect 2 "a valid server key that is not the server's" -- "$MAMORI" submit "$@" --server-key "$T/other-key.json"
err_has "other-key.json: the pinned server key [0-9a-f]{16} is not the key the server presents \($KID\): nothing was sent" \
    "another server's key: message"
[ -e "$T/req-body" ] && no "a submission was sent with a wrong server key" || ok "nothing sent with a wrong server key"

# ---- a replay names the original ---------------------------------------------------------
echo conflict >"$T/mode"
expect 1 "409 with the original's id" -- "$MAMORI" submit "$@"
err_has '^note: already stored as submission sub-0001; its receipt: mamori receipt get sub-0001 --server ' \
    "409: how to get the original's receipt"

# ---- mamori receipt verify ---------------------------------------------------------------
echo ok >"$T/mode"
expect 0 "submit for the receipt checks" -- "$MAMORI" submit "$@" -o "$T/good-receipt.json" --server-key "$T/server-key.json"
expect 0 "receipt verify: valid" -- "$MAMORI" receipt verify "$T/good-receipt.json" --server-key "$T/server-key.json"
if grep -Eq "^receipt valid: submission sub-0001 status conditional score 97 \(server key $KID\)\$" "$T/out"; then
    ok "receipt verify: the summary"
else
    no "receipt verify: summary"; cat "$T/out"
fi
"$MAMORI" sign "$A" --key "$T/org.key" --official "Kenji Sato" --date 2026-11-20 \
    --evidence "$T/evidence.txt" -o "$T/signed-again.json" 2>/dev/null
expect 0 "receipt verify --signed: the document it is for" -- \
    "$MAMORI" receipt verify "$T/good-receipt.json" --server-key "$T/server-key.json" --signed "$T/signed-again.json"
"$MAMORI" sign "$A" --key "$T/org.key" --official "Someone Else" --date 2026-11-20 -o "$T/signed-other.json" 2>/dev/null
expect 1 "receipt verify --signed: another document" -- \
    "$MAMORI" receipt verify "$T/good-receipt.json" --server-key "$T/server-key.json" --signed "$T/signed-other.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["receipt"]["score"]=110; json.dump(d,open(sys.argv[2],"w"))' \
    "$T/good-receipt.json" "$T/tampered-receipt.json"
expect 1 "receipt verify: a changed score" -- "$MAMORI" receipt verify "$T/tampered-receipt.json" --server-key "$T/server-key.json"
if grep -q '^receipt INVALID: the signature does not match' "$T/out"; then ok "tampered: the reason"; else no "tampered: reason"; cat "$T/out"; fi
printf '{"receipt": 1,' >"$T/broken-receipt.json"
expect 2 "receipt verify: not JSON" -- "$MAMORI" receipt verify "$T/broken-receipt.json" --server-key "$T/server-key.json"
err_has '^mamori: .*broken-receipt.json' "not JSON: the one-line message names the file"
[ "$(wc -l <"$T/err")" -eq 1 ] && ok "not JSON: one line" || no "not JSON: more than one line"
printf '{"something": "else"}' >"$T/odd-receipt.json"
expect 2 "receipt verify: JSON that is not a receipt" -- "$MAMORI" receipt verify "$T/odd-receipt.json" --server-key "$T/server-key.json"
err_has '^mamori: .*odd-receipt.json: not a receipt' "not a receipt: message"
expect 2 "receipt verify: a missing file" -- "$MAMORI" receipt verify "$T/nope.json" --server-key "$T/server-key.json"
expect 2 "receipt verify: an organization key as --server-key" -- \
    "$MAMORI" receipt verify "$T/good-receipt.json" --server-key "$T/org.key.pub"
expect 2 "receipt verify: no --server-key" -- "$MAMORI" receipt verify "$T/good-receipt.json"
expect 2 "receipt: no subcommand" -- "$MAMORI" receipt
expect 0 "receipt --help" -- "$MAMORI" receipt --help

# ---- mamori receipt get ------------------------------------------------------------------
rm -f "$T/got.json"
expect 0 "receipt get: fetched and verified" -- "$MAMORI" receipt get sub-0001 --server "$URL" \
    --server-key "$T/server-key.json" -o "$T/got.json"
if cmp -s "$T/got.json" "$T/good-receipt.json"; then ok "receipt get: the same receipt"; else no "receipt get: differs"; fi
if tr -d '\r' <"$T/get-headers" | grep -qx "Authorization: Bearer $TOKEN"; then
    ok "receipt get: sends the token"
else
    no "receipt get: no token"
fi
expect 2 "receipt get: an id the server does not give" -- "$MAMORI" receipt get sub-0002 --server "$URL" \
    --server-key "$T/server-key.json"
err_has 'HTTP 404' "receipt get 404: message"
expect 2 "receipt get: an id with a slash" -- "$MAMORI" receipt get "../server-key" --server "$URL"
expect 2 "receipt get: no token" -- env -u MAMORI_TOKEN "$MAMORI" receipt get sub-0001 --server "$URL"
echo otherkey >"$T/mode"
rm -f "$T/got.json"
expect 1 "receipt get: a receipt that does not verify" -- "$MAMORI" receipt get sub-0001 --server "$URL" \
    --server-key "$T/server-key.json" -o "$T/got.json"
[ -e "$T/got.json" ] && no "receipt get wrote an invalid receipt" || ok "receipt get: nothing written when invalid"
echo ok >"$T/mode"

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "all ok"
