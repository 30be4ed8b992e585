#!/bin/sh
# Process-level tests of `mamori admin init` and `mamori audit verify`: the one-time
# password, a second init refused, the file mode, tamper detection. Env: MAMORI,
# MM_SOURCE_DIR, MM_TMP.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
T=$MM_TMP
DB=$T/mamori.db
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

expect 0 "admin init" -- "$MAMORI" admin init --db "$DB" --org "Ministry of Defence" --login root
out_has '^password: +[2-9a-zA-Z]{20}$' "admin init prints a 20-character password"
n=$(grep -c '^password:' "$T/out")
[ "$n" = 1 ] && ok "the password is printed once" || no "the password is printed $n times"
pw=$(sed -n 's/^password: *//p' "$T/out")
case $pw in *[01OolIi]*) no "password has look-alike characters: $pw" ;; *) ok "password alphabet" ;; esac
[ -s "$T/err" ] && no "admin init wrote to stderr" || ok "admin init: stderr empty"

mode=$(stat -c %a "$DB")
[ "$mode" = 600 ] && ok "database is mode 0600" || no "database mode is $mode"
if grep -aq -- "$pw" "$DB" "$DB-wal" 2>/dev/null; then no "password stored in clear"; else ok "password not stored in clear"; fi

expect 2 "second admin init is refused" -- "$MAMORI" admin init --db "$DB"
if grep -q 'already initialised' "$T/err"; then ok "second init says why"; else no "second init message"; cat "$T/err"; fi
if grep -q '^password' "$T/out"; then no "second init printed a password"; else ok "second init prints no password"; fi

expect 0 "audit verify on a fresh database" -- "$MAMORI" audit verify --db "sqlite:$DB"
out_has '^audit log: 2 records, chain intact$' "audit verify counts admin.init and user.create"
expect 2 "audit verify without --db" -- "$MAMORI" audit verify
expect 2 "postgresql is not built yet" -- "$MAMORI" audit verify --db postgresql://localhost/x
expect 2 "unknown admin command" -- "$MAMORI" admin frobnicate

python3 - "$DB" <<'PY' >"$T/py" 2>&1
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT action, actor FROM audit_log ORDER BY id").fetchall()
assert [r[0] for r in rows] == ["admin.init", "user.create"], rows
u = db.execute("SELECT login, role, password_hash FROM users").fetchall()
assert len(u) == 1 and u[0][0] == "root" and u[0][1] == "authority-admin", u
assert u[0][2].startswith("$argon2id$"), u
o = db.execute("SELECT kind, name FROM organizations").fetchall()
assert o == [("authority", "Ministry of Defence")], o
try:
    db.execute("UPDATE audit_log SET detail = '{}' WHERE id = 2")
    print("update allowed"); sys.exit(1)
except sqlite3.DatabaseError:
    pass
db.rollback()
db.execute("DROP TRIGGER audit_log_no_update")
db.execute("""UPDATE audit_log SET detail = '{"login":"mallory"}' WHERE id = 2""")
db.commit()
PY
[ $? = 0 ] && ok "contents checked and record 2 tampered through python3" || { no "python3 tamper"; cat "$T/py"; }

expect 1 "audit verify detects the edit" -- "$MAMORI" audit verify --db "$DB"
out_has '^audit log: record 2: .*\(expected hash [0-9a-f]{64}, found [0-9a-f]{64}\)$' "audit verify names record 2"

expect 2 "audit verify of a missing database" -- "$MAMORI" audit verify --db "$T/none.db"
[ ! -e "$T/none.db" ] && ok "audit verify does not create a database" || no "audit verify created a database"

[ "$fails" = 0 ] || { printf '%s failed\n' "$fails"; exit 1; }
echo "all passed"
