#!/bin/sh
# The whole server flow of the README, end to end, on a fresh database:
# init, sign in and change the one-time password, make an API token, create a contractor
# and its admin, register the contractor's signing key, submit a signed assessment, and see
# it in the authority's contractor list.
#
#   sh examples/server/flow.sh [WORKDIR]      (MAMORI=path/to/mamori; default build/mamori)
#
# MAMORI_DB names the database (default mamori.db in WORKDIR; a postgresql:// URL of an empty
# database works the same).
#
# Needs curl and python3 (only to read fields out of JSON answers). Stops the server it
# started, by its PID, on exit.
set -eu
MAMORI=${MAMORI:-build/mamori}
case $MAMORI in /*) ;; *) MAMORI=$(pwd)/$MAMORI ;; esac
EXAMPLES=$(cd "$(dirname "$0")/.." && pwd)
DB=${MAMORI_DB:-mamori.db}
W=${1:-$(mktemp -d)}
mkdir -p "$W" && cd "$W"
rm -f mamori.db* hokuto.key hokuto.key.pub
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; true' EXIT

# 1. The authority's database and first administrator (a one-time password).
PASSWORD=$("$MAMORI" admin init --db "$DB" --login root | sed -n 's/^password: *//p')

# 2. The server (here on a free port; by default it listens on 127.0.0.1:8171).
"$MAMORI" serve --db "$DB" --listen 127.0.0.1:0 2>serve.log &
pid=$!
for _ in $(seq 50); do grep -q '"msg":"listening"' serve.log 2>/dev/null && break; sleep 0.1; done
URL=http://127.0.0.1:$(sed -n 's/.*"msg":"listening".*"port":\([0-9]*\).*/\1/p' serve.log)
echo "server: $URL"

# 3. Sign in, replace the one-time password, make an API token for the command line.
CSRF=$(curl -sf -c cookies -H 'Content-Type: application/json' \
    -d "{\"login\":\"root\",\"password\":\"$PASSWORD\"}" "$URL/api/v1/session" | field csrf_token)
CSRF=$(curl -sf -b cookies -c cookies -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    -d "{\"current\":\"$PASSWORD\",\"new\":\"a long passphrase of my own\"}" \
    "$URL/api/v1/password" | field csrf_token)
ADMIN_TOKEN=$(curl -sf -b cookies -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    -d '{"name":"cli"}' "$URL/api/v1/tokens" | field token)
AUTH="Authorization: Bearer $ADMIN_TOKEN"

# 4. A contractor, and its administrator (who gets a one-time password too).
ORG=$(curl -sf -H "$AUTH" -H 'Content-Type: application/json' \
    -d '{"name":"Hokuto Precision Engineering K.K.","identifiers":{"cage":"8HK21"}}' \
    "$URL/api/v1/organizations" | field id)
KENJI_OTP=$(curl -sf -H "$AUTH" -H 'Content-Type: application/json' \
    -d '{"login":"kenji","role":"contractor-admin"}' \
    "$URL/api/v1/organizations/$ORG/users" | field one_time_password)
echo "contractor: $ORG"

# 5. The contractor's admin signs in, sets a password, makes a token, registers a key.
CSRF=$(curl -sf -c kenji -H 'Content-Type: application/json' \
    -d "{\"login\":\"kenji\",\"password\":\"$KENJI_OTP\"}" "$URL/api/v1/session" | field csrf_token)
CSRF=$(curl -sf -b kenji -c kenji -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    -d "{\"current\":\"$KENJI_OTP\",\"new\":\"kenji's own long passphrase\"}" \
    "$URL/api/v1/password" | field csrf_token)
MAMORI_TOKEN=$(curl -sf -b kenji -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    -d '{"name":"submit"}' "$URL/api/v1/tokens" | field token)
export MAMORI_TOKEN
"$MAMORI" keygen --org "Hokuto Precision Engineering K.K." -o hokuto.key
curl -sf -H "Authorization: Bearer $MAMORI_TOKEN" -H 'Content-Type: application/json' \
    --data-binary @hokuto.key.pub "$URL/api/v1/organizations/$ORG/keys" >/dev/null

# 6. Submit: signed, scored again by the server, stored, and a signed receipt back.
curl -sf "$URL/api/v1/server-key" >server-key.json
"$MAMORI" submit "$EXAMPLES/hokuto/assessment-r2.json" --server "$URL" --key hokuto.key \
    --official "Kenji Sato" --date 2026-11-20 --server-key server-key.json -o receipt.json

# 7. The authority's contractor list, as JSON and as CSV.
curl -sf -H "$AUTH" "$URL/api/v1/contractors?sort=score&order=desc" >contractors.json
curl -sf -H "$AUTH" "$URL/api/v1/contractors?format=csv"
"$MAMORI" audit verify --db "$DB"
