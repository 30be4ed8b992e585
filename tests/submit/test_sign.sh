#!/bin/sh
# Process-level tests of `mamori keygen`, `mamori sign` and `mamori verify`: a round trip,
# one edited character, the wrong public key, a malformed file. Env: MAMORI,
# MM_SOURCE_DIR, MM_TMP.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
T=$MM_TMP
fails=0

ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
# expect CODE DESCRIPTION -- command...: checks the exit code
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" = "$want" ]; then ok "$what"; else no "$what (exit $got, want $want)"; cat "$T/err"; fi
}
out_has() {
    if grep -Eq -- "$1" "$T/out"; then ok "$2"; else no "$2: stdout was:"; cat "$T/out"; fi
}
err_is_one_line() {
    n=$(wc -l <"$T/err")
    if [ "$n" = 1 ] && grep -q '^mamori: ' "$T/err"; then ok "$1"; else no "$1: stderr was:"; cat "$T/err"; fi
}

A=$MM_SOURCE_DIR/examples/hokuto/assessment-r3.json
printf 'firewall ruleset export\n' >"$T/evidence.txt"

expect 0 "keygen" -- "$MAMORI" keygen --org "Hokuto Precision Engineering K.K." -o "$T/org.key"
out_has '^key id: +[0-9a-f]{16}$' "keygen prints the key id"
mode=$(stat -c %a "$T/org.key")
[ "$mode" = 600 ] && ok "secret key is mode 0600" || no "secret key mode is $mode"
[ -f "$T/org.key.pub" ] && ok "public key written" || no "no public key file"
if grep -q secret_key "$T/org.key.pub"; then no "public file holds the secret"; else ok "public file has no secret"; fi
cp "$T/org.key" "$T/org.key.before"
expect 2 "keygen refuses to overwrite" -- "$MAMORI" keygen --org X -o "$T/org.key"
err_is_one_line "keygen refusal is one line"
cmp -s "$T/org.key" "$T/org.key.before" && ok "secret key unchanged" || no "secret key was changed"
expect 0 "second key pair" -- "$MAMORI" keygen --org "Other K.K." -o "$T/other.key"

expect 0 "sign" -- "$MAMORI" sign "$A" --key "$T/org.key" --official "Kenji Sato" \
    --date 2026-11-20 --evidence "$T/evidence.txt" -o "$T/signed.json"
sum=$(sha256sum "$T/evidence.txt" | cut -c1-64)
grep -q "$sum" "$T/signed.json" && ok "evidence hash in the signed file" || no "evidence hash missing"
expect 2 "sign with a public key is refused" -- "$MAMORI" sign "$A" --key "$T/org.key.pub" \
    --official "Kenji Sato" --date 2026-11-20 -o "$T/nope.json"
[ -e "$T/nope.json" ] && no "a file was written" || ok "nothing written"
expect 2 "sign with a bad date" -- "$MAMORI" sign "$A" --key "$T/org.key" \
    --official "Kenji Sato" --date 2026-02-30 -o "$T/nope.json"

expect 0 "verify" -- "$MAMORI" verify "$T/signed.json" --pub "$T/org.key.pub"
out_has '^signature valid: org Hokuto Precision Engineering K\.K\., key [0-9a-f]{16}$' "verify says valid"

sed 's/Hokuto Precision Engineering K\.K\./Hokuto Precision Engineering K.J./' \
    "$T/signed.json" >"$T/edited.json"
cmp -s "$T/signed.json" "$T/edited.json" && no "the edit changed nothing" || ok "edited one character"
expect 1 "edited file fails" -- "$MAMORI" verify "$T/edited.json" --pub "$T/org.key.pub"
out_has '^signature INVALID: tampered' "verify says tampered"

expect 1 "wrong public key fails" -- "$MAMORI" verify "$T/signed.json" --pub "$T/other.key.pub"
out_has '^signature INVALID: wrong key' "verify says wrong key"

head -c 200 "$T/signed.json" >"$T/malformed.json"
expect 2 "malformed file" -- "$MAMORI" verify "$T/malformed.json" --pub "$T/org.key.pub"
err_is_one_line "malformed file: one-line message"
expect 2 "missing file" -- "$MAMORI" verify "$T/none.json" --pub "$T/org.key.pub"
err_is_one_line "missing file: one-line message"

[ "$fails" = 0 ] && echo "all passed" || echo "$fails failed"
[ "$fails" = 0 ]
