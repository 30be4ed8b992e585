#!/bin/sh
# The scanner's rules (content/rules/*.json) against the fixture roots of
# tests/fixtures/roots: every rule's status in every root must be the one in
# tests/fixtures/roots/expected.json, every rule must pass in some root and fail in another,
# every result must name its requirements and carry evidence, and docs/rules.md's table of
# rules must be up to date. Env: MAMORI, MM_SOURCE_DIR, MM_TMP (a scratch folder this test
# creates).
#
# Each root is copied to MM_TMP (cp -a keeps the symbolic links), every file is set to 0644
# and every folder to 0755, then modes.txt ("MODE PATH") sets the modes that matter (git
# records only the executable bit). The RHEL roots get their RPM database built from
# ROOT.rpms by make-rpmdb.sh. The rules expect root-owned files: as another user the
# scans run in a user namespace (unshare -r) where the copies are root's.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
command -v node >/dev/null || { echo "node is required (run make deps)"; exit 1; }
FIX=$MM_SOURCE_DIR/tests/fixtures/roots
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP/roots" "$MM_TMP/out" || exit 1
fails=0
ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }

AS_ROOT=""
if [ "$(id -u)" -ne 0 ]; then
    if unshare -r true 2>/dev/null; then
        AS_ROOT="unshare -r"
    else
        echo "SKIP: the fixture roots must be owned by root: run as root or allow unshare -r"
        exit 0
    fi
fi

roots=""
for d in "$FIX"/*/; do
    roots="$roots $(basename "$d")"
done

for r in $roots; do
    copy=$MM_TMP/roots/$r
    if ! cp -a "$FIX/$r" "$copy"; then
        no "$r: copy"
        continue
    fi
    if ! find "$copy" -type d -exec chmod 0755 {} + || ! find "$copy" -type f -exec chmod 0644 {} +; then
        no "$r: chmod"
    fi
    # modes.txt: "MODE ROOT/PATH"
    while read -r mode path; do
        case $mode in '' | '#'*) continue ;; esac
        case $path in
        "$r"/*) chmod "$mode" "$MM_TMP/roots/$path" || no "$r: chmod $mode $path" ;;
        esac
    done <"$FIX/modes.txt"
    if [ -f "$FIX/$r.rpms" ]; then
        sh "$FIX/make-rpmdb.sh" "$copy" "$FIX/$r.rpms" || no "$r: make-rpmdb.sh"
    fi
    $AS_ROOT "$MAMORI" scan --root "$copy" --deep --format json -o "$MM_TMP/out/$r.json" \
        2>"$MM_TMP/out/$r.err"
    rc=$?
    if [ "$rc" -eq 0 ]; then ok "$r: scan --deep exits 0"; else
        no "$r: scan --deep exit $rc"
        cat "$MM_TMP/out/$r.err"
    fi
done

# Without --deep the whole-filesystem rules are not applicable and nothing else changes.
$AS_ROOT "$MAMORI" scan --root "$MM_TMP/roots/debian-hardened" --format json \
    -o "$MM_TMP/out/debian-hardened.shallow.json" 2>"$MM_TMP/out/shallow.err" ||
    { no "scan without --deep"; cat "$MM_TMP/out/shallow.err"; }

# shellcheck disable=SC2086 # $roots is a list of folder names, split on purpose
node - "$FIX/expected.json" "$MM_TMP/out" "$MM_SOURCE_DIR/content/rules" $roots <<'EOF' || fails=$((fails + 1))
const fs = require('fs');
const [expFile, outDir, rulesDir, ...roots] = process.argv.slice(2);
const deepRules = new Set();
for (const f of fs.readdirSync(rulesDir).filter((n) => n.endsWith('.json')))
  for (const r of JSON.parse(fs.readFileSync(`${rulesDir}/${f}`, 'utf8')).rules) if (r.deep) deepRules.add(r.id);
const exp = JSON.parse(fs.readFileSync(expFile, 'utf8'));
const liveOnly = new Set(exp._live_only || []);
let bad = 0;
const fail = (m) => { console.log('FAIL ' + m); bad++; };
const seen = {}; // rule -> Set of statuses over all roots
const show = (res) => {
  console.log(`       message: ${res.message}`);
  for (const e of res.evidence || [])
    console.log(`       evidence: ${e.source}${e.line ? ':' + e.line : ''} ${e.key ?? ''}: observed ${JSON.stringify(e.observed)}, expected ${JSON.stringify(e.expected)}${e.note ? ' (' + e.note + ')' : ''}`);
};
let allRules = null;
for (const root of roots) {
  const want = exp[root];
  if (!want) { fail(`${root}: no expectations in expected.json`); continue; }
  let scan;
  try { scan = JSON.parse(fs.readFileSync(`${outDir}/${root}.json`, 'utf8')); }
  catch (e) { fail(`${root}: no scan output (${e.message})`); continue; }
  const results = scan.results || [];
  if (!allRules) allRules = results.map((r) => r.rule);
  let mismatches = 0;
  for (const res of results) {
    (seen[res.rule] ||= new Set()).add(res.status);
    for (const k of ['requirements', 'requirements_r2', 'evidence'])
      if (!Array.isArray(res[k])) fail(`${root} ${res.rule}: result has no "${k}" array`);
    if (!res.requirements?.length) fail(`${root} ${res.rule}: no Rev 3 requirements`);
    if (['pass', 'fail'].includes(res.status) && !res.evidence?.length)
      fail(`${root} ${res.rule}: ${res.status} without evidence`);
    if (!(res.rule in want)) { fail(`${root} ${res.rule}: not in expected.json (got ${res.status})`); show(res); continue; }
    if (want[res.rule] !== res.status) {
      fail(`${root} ${res.rule}: ${res.status}, expected ${want[res.rule]}`);
      show(res);
      mismatches++;
    }
  }
  for (const id of Object.keys(want))
    if (!results.some((r) => r.rule === id)) fail(`${root} ${id}: expected but the scan has no such rule`);
  if (!mismatches) console.log(`ok   ${root}: ${results.length} rules as expected`);
}
for (const [id, st] of Object.entries(seen)) {
  if (liveOnly.has(id)) continue;
  if (!st.has('pass') || !st.has('fail')) fail(`${id}: never ${st.has('pass') ? 'fails' : 'passes'} in any fixture root`);
}
// the same root without --deep: deep rules not applicable, the rest unchanged
try {
  const deep = JSON.parse(fs.readFileSync(`${outDir}/debian-hardened.json`, 'utf8'));
  const shallow = JSON.parse(fs.readFileSync(`${outDir}/debian-hardened.shallow.json`, 'utf8'));
  const d = new Map(deep.results.map((r) => [r.rule, r.status]));
  let diff = 0;
  for (const r of shallow.results) {
    const want = deepRules.has(r.rule) ? 'not-applicable' : d.get(r.rule);
    if (r.status !== want) { fail(`without --deep: ${r.rule} is ${r.status}, expected ${want}`); diff++; }
  }
  if (!diff) console.log('ok   without --deep: the deep rules are not applicable, the rest unchanged');
} catch (e) { fail(`without --deep: ${e.message}`); }
if (bad) { console.log(`${bad} problem(s)`); process.exit(1); }
console.log(`ok   every rule passes in one root and fails in another (${Object.keys(seen).length} rules, ${roots.length} roots)`);
EOF

# docs/rules.md's table of rules is made from the rule files
if node "$MM_SOURCE_DIR/scripts/rules-table.mjs" --check "$MM_SOURCE_DIR/docs/rules.md"; then
    ok "docs/rules.md: the table of rules is up to date"
else
    no "docs/rules.md: the table of rules is out of date"
fi

if [ "$fails" -eq 0 ]; then echo "all rule tests passed"; else echo "$fails failure(s)"; fi
[ "$fails" -eq 0 ]
