#!/bin/sh
# Process-level tests of `mamori scan` and `mamori assess --scan`: the built-in rules on the
# real machine, determinism across --jobs, never reading outside --root, permission errors
# reported as errors, and scan results merged into an assessment with overrides.
# Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
cd "$MM_SOURCE_DIR" || exit 1
T=$MM_TMP
fails=0
export NO_COLOR=1 SOURCE_DATE_EPOCH=1790000000 MAMORI_NO_PROGRESS=1
ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }
js() { node -e "const d=JSON.parse(require('fs').readFileSync(process.argv[1],'utf8'));$1" "$2"; }

# ---- a tiny root and rule set made here -------------------------------------------------
R=$T/root
mkdir -p "$R/etc/ssh/sshd_config.d" "$R/etc/security" "$T/rules"
printf 'ID=debian\nPRETTY_NAME="Test Debian"\n' >"$R/etc/os-release"
printf 'testhost\n' >"$R/etc/hostname"
printf 'root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\nshadow:x:42:\n' >"$R/etc/group"
printf 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n' >"$R/etc/ssh/sshd_config"
printf 'PermitRootLogin no\n' >"$R/etc/ssh/sshd_config.d/10-hardening.conf"
printf 'deny = 8\n' >"$R/etc/security/faillock.conf"
printf 'OUTSIDE-SECRET\n' >"$T/secret"
ln -s "../../../../secret" "$R/etc/security/pwquality.conf"   # climbs out: must not be read
cat >"$T/rules/t.json" <<'J'
{"rules": [
 {"id": "t-sshd-root", "title": "SSH refuses root", "requirements": ["03.01.06"], "objectives": ["A.03.01.06.a"], "requirements_r2": ["3.1.6"],
  "applies_if": {"file": "/etc/ssh/sshd_config", "exists": true},
  "check": {"config": "sshd", "key": "PermitRootLogin", "op": "eq", "value": "no", "default": "prohibit-password"}},
 {"id": "t-faillock", "title": "Lockout", "requirements": ["03.01.08"], "objectives": ["A.03.01.08.a"], "requirements_r2": ["3.1.8"],
  "check": {"config": "faillock", "key": "deny", "op": "le", "odp": "A.03.01.08.ODP.01"}},
 {"id": "t-pwquality", "title": "Password length", "requirements": ["03.05.07"], "objectives": ["A.03.05.07.f"], "requirements_r2": ["3.5.7"],
  "check": {"config": "pwquality", "key": "minlen", "op": "ge", "value": 16}},
 {"id": "t-uid0", "title": "Only root has UID 0", "requirements": ["03.01.01"], "objectives": ["A.03.01.01.a.01"], "requirements_r2": ["3.1.1"],
  "check": {"accounts": "uid0_only_root"}},
 {"id": "t-shadow", "title": "No empty passwords", "requirements": ["03.05.07"], "objectives": ["A.03.05.07.d"], "requirements_r2": ["3.5.10"],
  "check": {"accounts": "no_empty_passwords"}}
]}
J
"$MAMORI" scan --root "$R" --rules "$T/rules" --format json -o "$T/s.json"
rc=$?
[ $rc = 0 ] && ok "scan of a fixture root exits 0" || no "scan exit $rc"
got=$(js 'const m={};d.results.forEach(r=>m[r.rule]=r.status);console.log(d.host,d.os_id,m["t-sshd-root"],m["t-faillock"],m["t-pwquality"],m["t-uid0"],m["t-shadow"])' "$T/s.json")
[ "$got" = "testhost debian pass fail fail fail error" ] && ok "fixture results: Include order, ODP, uid 0 ($got)" || no "fixture results: $got"
got=$(js 'const r=d.results.find(r=>r.rule=="t-sshd-root");const e=r.evidence[0];console.log(e.source,e.line,e.observed)' "$T/s.json")
[ "$got" = "/etc/ssh/sshd_config.d/10-hardening.conf 1 no" ] && ok "evidence names the file and line that decided" || no "evidence: $got"
got=$(js 'const r=d.results.find(r=>r.rule=="t-faillock");console.log(r.evidence[0].observed, /<= 5/.test(r.evidence[0].expected), r.requirements[0], r.requirements_r2[0])' "$T/s.json")
[ "$got" = "8 true 03.01.08 3.1.8" ] && ok "ODP value from the DoD profile is the expectation" || no "ODP: $got"
if grep -q OUTSIDE-SECRET "$T/s.json"; then no "read a file outside --root"; else ok "a symlink out of --root is not followed"; fi


# an ODP value without a number cannot give an expectation: error, not pass or fail
printf '{"values": {"A.03.01.08.ODP.01": "1) a few, 2) not many"}}' >"$T/wordy.json"
"$MAMORI" scan --root "$R" --rules "$T/rules" --odp "$T/wordy.json" --format json -o "$T/w.json"
got=$(js 'const r=d.results.find(r=>r.rule=="t-faillock");console.log(r.status, /gives no number/.test(r.message))' "$T/w.json")
[ "$got" = "error true" ] && ok "an ODP value without a number is an error result" || no "wordy ODP: $got"
# a huge configuration file is not slurped: the rule reports an error naming the limit
H=$T/hugeroot
mkdir -p "$H/etc/security"
cp "$R/etc/os-release" "$R/etc/passwd" "$R/etc/group" "$H/etc/"
dd if=/dev/zero of="$H/etc/security/faillock.conf" bs=1M count=0 seek=2048 2>/dev/null
"$MAMORI" scan --root "$H" --rules "$T/rules" --format json -o "$T/h.json"
got=$(js 'const r=d.results.find(r=>r.rule=="t-faillock");console.log(r.status, /larger than the limit/.test(r.message))' "$T/h.json")
[ "$got" = "error true" ] && ok "a 2 GB configuration file: error result, not read" || no "huge config: $got"
rm -f "$H/etc/security/faillock.conf"
"$MAMORI" scan --root "$R" --rules "$T/rules" --jobs 0 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q -- '--jobs must be a number' "$T/err" && ok "--jobs 0 is refused" || no "--jobs 0 exit $rc"
"$MAMORI" scan --root "$R" --rules "$T/rules" --format pdf 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q "unknown format 'pdf'" "$T/err" && ok "unknown scan format is refused" || no "scan format exit $rc"
"$MAMORI" scan --root "$R" --rules "$T/rules" --format json --jobs 4 -o "$T/s4.json"
a=$(js 'console.log(JSON.stringify(d.results))' "$T/s.json"); b=$(js 'console.log(JSON.stringify(d.results))' "$T/s4.json")
[ "$a" = "$b" ] && ok "--jobs 4 gives the same results in the same order" || no "--jobs changes results"
"$MAMORI" scan --root "$R" --rules "$T/rules" --fail-on-fail >/dev/null; rc=$?
[ $rc = 1 ] && ok "--fail-on-fail exits 1" || no "--fail-on-fail exit $rc"
"$MAMORI" scan --root "$T/nope" --rules "$T/rules" 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q 'nope' "$T/err" && ok "missing root: exit 2, named" || no "missing root exit $rc"
printf '{"rules": [{"id": "x", "title": "x", "requirements": ["03.99.01"], "objectives": ["A.03.99.01"], "check": {"fips": true}}]}' >"$T/bad.json"
mkdir -p "$T/badrules" && cp "$T/bad.json" "$T/badrules/"
"$MAMORI" scan --root "$R" --rules "$T/badrules" 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q 'bad.json: \$.rules\[0\](x): "03.99.01"' "$T/err" && ok "a rule with an unknown id is refused with its place" || { no "bad rule: exit $rc"; cat "$T/err"; }
# deep rules: one walk, only with --deep, allow lists respected
mkdir -p "$T/deeprules" "$R/srv" "$R/usr/bin"
printf 'x' >"$R/srv/open"; chmod 0666 "$R/srv/open"
printf 'x' >"$R/usr/bin/sudo"; chmod 4755 "$R/usr/bin/sudo"
printf 'x' >"$R/srv/tool"; chmod 4755 "$R/srv/tool"
cat >"$T/deeprules/d.json" <<'J'
{"rules": [
 {"id": "d-ww", "title": "No world-writable files", "deep": true, "requirements": ["03.04.02"], "objectives": ["A.03.04.02.b.01"], "check": {"walk": "world_writable"}},
 {"id": "d-suid", "title": "Only expected set-uid programs", "deep": true, "requirements": ["03.04.02"], "objectives": ["A.03.04.02.b.01"], "check": {"walk": "suid", "allow": ["/usr/bin/sudo"]}}
]}
J
"$MAMORI" scan --root "$R" --rules "$T/deeprules" --format json -o "$T/d0.json"
got=$(js 'console.log(d.results.map(r=>r.status).join(","))' "$T/d0.json")
[ "$got" = "not-applicable,not-applicable" ] && ok "deep rules do not run without --deep" || no "deep without --deep: $got"
"$MAMORI" scan --root "$R" --rules "$T/deeprules" --deep --format json -o "$T/d1.json"
got=$(js 'const m={};d.results.forEach(r=>m[r.rule]=r.status+":"+r.evidence.map(e=>e.source).join("|"));console.log(m["d-suid"],m["d-ww"])' "$T/d1.json")
[ "$got" = "fail:/srv/tool fail:/srv/open" ] && ok "--deep finds world-writable and unexpected set-uid files ($got)" || no "deep: $got"
"$MAMORI" scan --root "$R" --rules "$T/rules" --format html -o "$T/s.html"
grep -q "<table>" "$T/s.html" && ! grep -Eq "https?://" "$T/s.html" && ok "html output, no external request" || no "html"

# ---- the built-in rules on this machine ---------------------------------------------------
# the built-in rules are not re-checked at run time (that would cost the catalogs' loading):
# check every id of content/rules against the catalogs here, with --rules
"$MAMORI" scan --rules content/rules --root "$R" --format json -o "$T/checked.json" 2>"$T/err"; rc=$?
[ $rc = 0 ] && ok "content/rules: every id exists in the Rev 3 and Rev 2 catalogs" || { no "content/rules ids (exit $rc)"; cat "$T/err"; }
"$MAMORI" scan --root "$R" --format json -o "$T/fast.json"
a=$(js 'console.log(JSON.stringify(d.results))' "$T/checked.json"); b=$(js 'console.log(JSON.stringify(d.results))' "$T/fast.json")
[ "$a" = "$b" ] && ok "the built-in rules give the same results as content/rules checked" || no "built-in vs checked differ"
"$MAMORI" scan --format json -o "$T/real.json"; rc=$?
[ $rc = 0 ] && ok "scan of / with the built-in rules" || no "scan of / exit $rc"
got=$(js 'console.log(d.results.length>=80, d.results.every(r=>r.requirements.length&&Array.isArray(r.requirements_r2)&&Array.isArray(r.evidence)), typeof d.duration_ms, d.root)' "$T/real.json")
[ "$got" = "true true number /" ] && ok "every result has requirements, Rev 2 ids and evidence" || no "real scan shape: $got"
# errors on the real machine may only be permission problems
got=$(js 'const e=d.results.filter(r=>r.status=="error"&&!/ermission/.test(r.message));console.log(e.length, e.map(r=>r.rule+": "+r.message).join("; "))' "$T/real.json")
[ "${got%% *}" = "0" ] && ok "no error results on / except permission problems" || no "errors on /: $got"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    # as nobody: /etc/shadow cannot be read -> error, never pass or fail
    chmod -R a+rX "$T"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$MAMORI" scan --root "$R" --rules "$T/rules" --format json -o - >"$T/nobody.json" 2>"$T/err"
    printf 'root:*:19000:0:99999:7:::\n' >"$R/etc/shadow"; chmod 600 "$R/etc/shadow"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$MAMORI" scan --root "$R" --rules "$T/rules" --format json -o - >"$T/nobody.json" 2>"$T/err"
    got=$(js 'console.log(d.results.find(r=>r.rule=="t-shadow").status)' "$T/nobody.json")
    [ "$got" = "error" ] && ok "unreadable /etc/shadow as non-root is an error, not pass/fail" || no "non-root shadow: $got"
fi

# ---- into an assessment --------------------------------------------------------------------
cat >"$T/a.json" <<'J'
{"framework": "800-171r3", "dates": {"assessed": "2026-11-02"},
 "requirements": {"03.01.06": "met", "03.01.08": "met",
                  "03.01.01": {"status": "met", "justification": "toor is the break-glass account approved in the SSP"}}}
J
"$MAMORI" assess "$T/a.json" --scan "$T/s.json" --format json -o "$T/ar.json"; rc=$?
[ $rc = 0 ] && ok "assess --scan" || no "assess --scan exit $rc"
got=$(js 'const q=id=>d.requirements.find(r=>r.id==id);console.log(q("03.01.06").status,q("03.01.08").status,q("03.01.01").status,d.scans.hosts.join(","),d.scans.overrides.length,d.scans.overrides[0].objective, /t-faillock: fail/.test(q("03.01.08").scan_evidence))' "$T/ar.json")
[ "$got" = "met not-met met testhost 1 A.03.01.01.a.01 true" ] && ok "scan decides; justified answer kept as an override ($got)" || no "merge: $got"
got=$(js 'console.log(d.warnings.some(w=>/^03.01.08 \(A.03.01.08.a\): answered satisfied, but the scans say other-than-satisfied/.test(w)), d.warnings.some(w=>/^override: 03.01.01 \(A.03.01.01.a.01\) kept satisfied/.test(w)))' "$T/ar.json")
[ "$got" = "true true" ] && ok "contradictions and overrides are reported" || no "warnings: $got"
"$MAMORI" assess "$T/a.json" --scan "$T/s.json" --format oscal-ssp -o "$T/ssp.json"
grep -q 'Automated evidence (mamori scan): testhost: t-faillock: fail' "$T/ssp.json" && ok "the SSP cites the scan evidence" || no "SSP citation"
"$MAMORI" assess "$T/a.json" --scan "$T/s.json" --format oscal-ar -o "$T/ar-oscal.json"
if node tests/tools/validate-oscal.mjs tests/schemas/oscal_assessment-results_schema.json "$T/ar-oscal.json" >"$T/err" 2>&1 &&
    node tests/tools/validate-oscal.mjs tests/schemas/oscal_ssp_schema.json "$T/ssp.json" >>"$T/err" 2>&1; then
    ok "SSP and assessment results with scans merged pass NIST's OSCAL schemas"
else
    no "OSCAL with scans invalid"; cat "$T/err"
fi
grep -q 'Override: the assessor' "$T/ar-oscal.json" && grep -q '"scan-determination"' "$T/ar-oscal.json" && ok "the assessment results mark the override" || no "AR override"
"$MAMORI" assess "$T/a.json" --scan "$T/s.json" --format html -o "$T/ar.html"
grep -q 'override: 03.01.01' "$T/ar.html" && ok "the HTML report shows the override" || no "HTML override"
printf '{"host": "h", "results": [{"rule": "x", "status": "pass"' >"$T/truncscan.json"
"$MAMORI" assess "$T/a.json" --scan "$T/truncscan.json" 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q 'truncscan.json:1:[0-9]*: invalid JSON' "$T/err" && ok "a truncated scan file: exit 2 with line and column" || { no "truncated scan exit $rc"; cat "$T/err"; }
printf '{"host": "h", "results": [{"rule": "x", "status": "maybe", "objectives": []}]}' >"$T/badstatus.json"
"$MAMORI" assess "$T/a.json" --scan "$T/badstatus.json" 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q 'badstatus.json: \$.results\[0\]: status must be' "$T/err" && ok "a scan with a bad status is refused with its path" || { no "bad scan status exit $rc"; cat "$T/err"; }
printf '{"host": "h"}' >"$T/notscan.json"
"$MAMORI" assess "$T/a.json" --scan "$T/notscan.json" 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q 'notscan.json: \$: not a mamori scan result' "$T/err" && ok "a file that is not a scan is refused" || no "notscan exit $rc"

# ---- roots that are not operating systems --------------------------------------------------
mkdir -p "$T/empty"
"$MAMORI" scan --root "$T/empty" --format json -o "$T/e.json" 2>"$T/err"; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "^mamori: $T/empty: not the root of an operating system" "$T/err" &&
    [ ! -e "$T/e.json" ] && ok "an empty folder is refused: exit 2, one line" || { no "empty root exit $rc"; cat "$T/err"; }
mkdir -p "$T/usronly/usr/lib" && printf 'ID=debian\n' >"$T/usronly/usr/lib/os-release"
"$MAMORI" scan --root "$T/usronly" --format json -o "$T/u.json" 2>"$T/err"; rc=$?
[ $rc = 0 ] && ok "usr/lib/os-release alone marks an operating system" || { no "usr/lib/os-release root exit $rc"; cat "$T/err"; }
got=$(js 'const m={};d.results.forEach(r=>m[r.rule]=r);console.log(m["ac-fips-mode"]?m["ac-fips-mode"].status:"-", JSON.stringify(d.results.filter(r=>(r.evidence||[]).some(e=>/^\/proc\//.test(e.source||""))).map(r=>r.rule)))' "$T/u.json")
case "$got" in *'[]') ok "no runtime probe (/proc) for a root other than / ($got)" ;; *) no "runtime probes on a root: $got" ;; esac

# ---- equivalent forms are read as the programs read them ------------------------------------
E=$T/eq
status_of() { js "const r=d.results.find(r=>r.rule==='$1');console.log(r?r.status:'missing')" "$2"; }
scan_eq() { "$MAMORI" scan --root "$E" --format json -o "$T/eq.json" 2>"$T/err" || cat "$T/err"; }
mkdir -p "$E/etc/profile.d" "$E/etc/audit/rules.d"
printf 'ID=debian\n' >"$E/etc/os-release"
n=0
while IFS='|' read -r want text; do
    n=$((n + 1))
    printf '%b' "$text" >"$E/etc/profile.d/tmout.sh"
    scan_eq
    got=$(status_of ac-shell-timeout "$T/eq.json")
    [ "$got" = "$want" ] && ok "TMOUT form $n ($text): $got" || no "TMOUT form $n ($text): $got, expected $want"
done <<'F'
pass|readonly TMOUT=900\n
pass|TMOUT=900\n
pass|export TMOUT=900\n
pass|declare -r TMOUT=900\n
pass|declare -x TMOUT=900\n
pass|declare -rx TMOUT=900\n
pass|typeset -xr TMOUT=900\n
pass|TMOUT=900; readonly TMOUT; export TMOUT\n
pass|TMOUT='900'\n
pass|TMOUT="900"\n
pass|TMOUT=0\nTMOUT=900\n
fail|TMOUT=900\nTMOUT=0\n
fail|TMOUT=900\nunset TMOUT\n
pass|readonly TMOUT=900\nunset TMOUT\nTMOUT=0\n
fail|[ -n "$SSH_TTY" ] && TMOUT=900\n
fail|#TMOUT=900\n
fail|TMOUT=86401\n
F
printf 'TMOUT=900\n' >"$E/etc/profile.d/tmout.sh"
printf 'TMOUT=0\n' >"$E/etc/bash.bashrc"
scan_eq
[ "$(status_of ac-shell-timeout "$T/eq.json")" = fail ] && ok "TMOUT: /etc/bash.bashrc is read after profile.d" || no "bash.bashrc order"
printf 'TMOUT=0\n' >"$E/etc/profile.d/00-first.sh" && printf 'TMOUT=900\n' >"$E/etc/bash.bashrc"
scan_eq
[ "$(status_of ac-shell-timeout "$T/eq.json")" = pass ] && ok "TMOUT: profile.d in glob order, bash.bashrc last" || no "profile.d order"
rm -f "$E/etc/profile.d/"* "$E/etc/bash.bashrc"

n=0
while IFS='|' read -r rule want text; do
    n=$((n + 1))
    printf '%b' "$text" >"$E/etc/audit/rules.d/50-test.rules"
    scan_eq
    got=$(status_of "$rule" "$T/eq.json")
    [ "$got" = "$want" ] && ok "audit form $n $rule: $got" || { no "audit form $n $rule ($text): $got, expected $want"; }
done <<'F'
au-audit-rules-privileged|pass|-a always,exit -F arch=b64 -C euid!=uid -F auid!=unset -S execve -k user_emulation\n
au-audit-rules-privileged|pass|-a always,exit -F arch=b64 -C uid!=euid -F auid!=unset -S execve -k user_emulation\n
au-audit-rules-privileged|pass|-a exit,always -S execve -C uid!=euid -F arch=b64\n
au-audit-rules-privileged|pass|-a always,exit -S execve -C uid!=euid\n
au-audit-rules-privileged|fail|-a always,exit -F arch=b64 -C uid=euid -S execve\n
au-audit-rules-privileged|fail|-a never,exit -F arch=b64 -C uid!=euid -S execve\n
au-audit-rules-privileged|fail|-a always,exit -F arch=b64 -C uid!=euid -S execve\n-a always,exit -F arch=b32 -S open\n
au-audit-rules-privileged|pass|-a always,exit -F arch=b64 -C uid!=euid -S execve\n-a always,exit -F arch=b32 -S execve -C euid!=uid\n
au-audit-rules-privileged|pass|-w /usr/bin/sudo -p x -k priv\n
au-audit-rules-privileged|pass|-a always,exit -F path=/usr/bin/sudo -F perm=x -F key=priv\n
au-audit-rules-mounts|pass|-a always,exit -F arch=b64 -S mount -S umount2 -k mounts\n
au-audit-rules-mounts|pass|-a always,exit -F arch=b64 -S umount2,mount -F key=mounts\n
au-audit-rules-mounts|pass|-a always,exit -F arch=x86_64 -S mount\n-a always,exit -F arch=i386 -S mount\n
au-audit-rules-mounts|fail|-a always,exit -F arch=b64 -S mount\n-a always,exit -F arch=b32 -S umask\n
au-audit-rules-access-denied|pass|-a always,exit -F arch=b64 -S open -F exit=-13\n-a always,exit -F arch=b64 -S open -F exit=-1\n
au-audit-rules-access-denied|fail|-a always,exit -F arch=b64 -S open -F exit=-EACCES\n
au-audit-rules-sudoers|pass|-w /etc/sudoers -p wa -k scope\n-w /etc/sudoers.d/ -p wa -k scope\n
au-audit-rules-sudoers|pass|-a always,exit -F path=/etc/sudoers -F perm=aw -k scope\n-a always,exit -F dir=/etc/sudoers.d -F perm=wa -k scope\n
au-audit-rules-sudoers|pass|-w /etc/sudoers\n-w /etc/sudoers.d\n
au-audit-rules-sudoers|fail|-w /etc/sudoers -p r\n-w /etc/sudoers.d -p wa\n
au-audit-rules-immutable|pass|-e 1\n-e 2\n
au-audit-rules-immutable|fail|-e 2\n-e 1\n
au-audit-rules-immutable|pass|# lock\n-e   2  \n
F

# each line: RULE|EXPECTED|FILE=TEXT[;FILE=TEXT...] (files under the root, emptied before each)
n=0
while IFS='|' read -r rule want files; do
    n=$((n + 1))
    rm -rf "$E/etc/ssh" "$E/etc/login.defs" "$E/etc/sysctl.d" "$E/etc/sysctl.conf" "$E/usr" \
        "$E/etc/modprobe.d" "$E/etc/pam.d"
    old_ifs=$IFS
    IFS=';'
    for spec in $files; do
        f=${spec%%=*}
        mkdir -p "$(dirname "$E$f")"
        printf '%b' "${spec#*=}" >"$E$f"
    done
    IFS=$old_ifs
    scan_eq
    got=$(status_of "$rule" "$T/eq.json")
    [ "$got" = "$want" ] && ok "form $n $rule: $got" || no "form $n $rule ($files): $got, expected $want"
done <<'F'
ac-sshd-permit-root-login|pass|/etc/ssh/sshd_config=PermitRootLogin no\n
ac-sshd-permit-root-login|pass|/etc/ssh/sshd_config=permitrootlogin NO\n
ac-sshd-permit-root-login|pass|/etc/ssh/sshd_config=PermitRootLogin=no\n
ac-sshd-permit-root-login|pass|/etc/ssh/sshd_config=PermitRootLogin no\nPermitRootLogin yes\n
ac-sshd-permit-root-login|fail|/etc/ssh/sshd_config=PermitRootLogin yes\nPermitRootLogin no\n
ac-sshd-permit-root-login|pass|/etc/ssh/sshd_config=Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n;/etc/ssh/sshd_config.d/10-cis.conf=PermitRootLogin no\n
ac-sshd-permit-root-login|pass|/etc/ssh/sshd_config=Include sshd_config.d/*.conf\n;/etc/ssh/sshd_config.d/10-cis.conf=PermitRootLogin no\n
ac-sshd-permit-root-login|fail|/etc/ssh/sshd_config=Match User backup\n  PermitRootLogin no\n
ac-sshd-permit-root-login|pass|/etc/ssh/sshd_config=PermitRootLogin yes\nMatch all\n  PermitRootLogin no\n
ac-sshd-permit-root-login|fail|/etc/ssh/sshd_config=PermitRootLogin no\nmatch ALL\n  PermitRootLogin yes\n
ac-sshd-permit-root-login|fail|/etc/ssh/sshd_config=# PermitRootLogin no\n
ia-login-defs-pass-max-days|pass|/etc/login.defs=PASS_MAX_DAYS\t365\n
ia-login-defs-pass-max-days|pass|/etc/login.defs=PASS_MAX_DAYS "365"\n
ia-login-defs-pass-max-days|pass|/etc/login.defs=PASS_MAX_DAYS 365 # one year\n
ia-login-defs-pass-max-days|pass|/etc/login.defs=PASS_MAX_DAYS 99999\nPASS_MAX_DAYS 365\n
ia-login-defs-pass-max-days|fail|/etc/login.defs=PASS_MAX_DAYS 365\nPASS_MAX_DAYS 99999\n
ia-login-defs-pass-max-days|fail|/etc/login.defs=pass_max_days 365\n
sc-sysctl-send-redirects|pass|/etc/sysctl.d/60-cis.conf=net.ipv4.conf.all.send_redirects = 0\nnet.ipv4.conf.default.send_redirects=0\n
sc-sysctl-send-redirects|pass|/etc/sysctl.d/60-cis.conf=net/ipv4/conf/all/send_redirects = 0\nnet/ipv4/conf/default/send_redirects = 0\n
sc-sysctl-send-redirects|pass|/usr/lib/sysctl.d/60-cis.conf=net.ipv4.conf.all.send_redirects = 1\n;/etc/sysctl.d/60-cis.conf=net.ipv4.conf.all.send_redirects = 0\nnet.ipv4.conf.default.send_redirects = 0\n
sc-sysctl-send-redirects|fail|/etc/sysctl.d/10-a.conf=net.ipv4.conf.all.send_redirects = 0\nnet.ipv4.conf.default.send_redirects = 0\n;/usr/lib/sysctl.d/20-b.conf=net.ipv4.conf.all.send_redirects = 1\n
sc-sysctl-send-redirects|fail|/etc/sysctl.d/99-z.conf=net.ipv4.conf.all.send_redirects = 0\nnet.ipv4.conf.default.send_redirects = 0\n;/etc/sysctl.conf=net.ipv4.conf.default.send_redirects = 1\n
cm-module-cramfs-disabled|pass|/etc/modprobe.d/cis.conf=install cramfs /bin/false\n
cm-module-cramfs-disabled|pass|/etc/modprobe.d/cis.conf=install  cramfs\t/bin/true\n
cm-module-cramfs-disabled|pass|/etc/modprobe.d/cis.conf=blacklist cramfs\ninstall cramfs /usr/bin/false\n
cm-module-cramfs-disabled|fail|/etc/modprobe.d/cis.conf=blacklist cramfs\n
cm-module-cramfs-disabled|fail|/usr/lib/modprobe.d/cis.conf=install cramfs /bin/false\n;/etc/modprobe.d/cis.conf=blacklist cramfs\n
mp-usb-storage-disabled|pass|/etc/modprobe.d/cis.conf=install usb-storage /bin/false\n
mp-usb-storage-disabled|pass|/etc/modprobe.d/cis.conf=install usb_storage /bin/false\n
ia-pam-unix-no-nullok|pass|/etc/pam.d/common-auth=auth\t[success=1 default=ignore]\tpam_unix.so\nauth requisite pam_deny.so\n
ia-pam-unix-no-nullok|fail|/etc/pam.d/common-auth=auth\t[success=1 default=ignore]\tpam_unix.so nullok\n
ia-pam-unix-no-nullok|fail|/etc/pam.d/common-auth=auth [success=1 default=ignore] /lib/x86_64-linux-gnu/security/pam_unix.so nullok\n
ia-pam-unix-no-nullok|fail|/etc/pam.d/common-auth=@include common-unix\n;/etc/pam.d/common-unix=auth sufficient pam_unix.so nullok\n
ia-pam-unix-no-nullok|fail|/etc/pam.d/common-auth=-auth sufficient pam_unix.so \\\n  nullok\n
F

echo "test_scan: $fails failure(s)"
[ "$fails" -eq 0 ]
