#!/bin/sh
# The README's server flow (examples/server/flow.sh) must work as written: run it against
# the built binary and check what a user would look at. With MM_TEST_DB_URL (a postgresql://
# URL of the throwaway cluster, scripts/pg-test.sh) the flow runs on a fresh PostgreSQL database.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
fails=0
ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }

if [ -n "${MM_TEST_DB_URL:-}" ]; then
    MAMORI_DB=$(sh "$MM_SOURCE_DIR/scripts/pg-test.sh" newdb "$MM_TEST_DB_URL" mm_flow) || {
        no "a fresh PostgreSQL database"
        exit 1
    }
    export MAMORI_DB
fi
if MAMORI=$MAMORI sh "$MM_SOURCE_DIR/examples/server/flow.sh" "$MM_TMP/w" >"$MM_TMP/out" 2>&1; then
    ok "examples/server/flow.sh ran"
else
    no "examples/server/flow.sh failed"
    cat "$MM_TMP/out"
    exit 1
fi
grep -q '^submitted: .* status conditional score 106 (receipt verified' "$MM_TMP/out" &&
    ok "submission accepted, scored 106 by the server, receipt verified" ||
    no "no verified receipt line: $(cat "$MM_TMP/out")"
python3 - "$MM_TMP/w/contractors.json" <<'PY' && ok "the contractor list shows it" || no "contractor list wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["total"] == 1, d
it = d["items"][0]
assert it["name"] == "Hokuto Precision Engineering K.K.", it
assert it["latest"]["status"] == "conditional" and it["latest"]["score"] == 106, it
assert it["latest"]["framework"] == "800-171r2", it
PY
grep -q '^audit log: [0-9]* records, chain intact' "$MM_TMP/out" && ok "audit chain intact" ||
    no "audit verify: $(tail -1 "$MM_TMP/out")"
# the flow stopped its server
sleep 0.2
if grep -q '"msg":"listening"' "$MM_TMP/w/serve.log"; then
    port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9]*\).*/\1/p' "$MM_TMP/w/serve.log")
    if curl -s -m 2 "http://127.0.0.1:$port/healthz" >/dev/null; then no "the flow left its server running"; else ok "server stopped"; fi
fi
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all ok"
