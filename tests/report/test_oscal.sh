#!/bin/sh
# OSCAL 1.1.3 outputs of the mamori binary (oscal-ssp, oscal-ap, oscal-poam, oscal-ar, the
# --oscal-dir folder and the Rev 2 catalog and profile): for the examples
# and two fixtures (special characters, blank fields) every document is valid against NIST's
# schemas (ajv, tests/tools/validate-oscal.mjs), two runs give the same bytes, and the
# documents hold what a user relies on (one implemented-requirement per active requirement,
# ODP values, one poam-item per POA&M entry with its milestone dates, not-satisfied findings
# for unmet requirements, SPRS/CMMC props). Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
set -u
: "${MAMORI:?}" "${MM_SOURCE_DIR:?}" "${MM_TMP:?}"
rm -rf "$MM_TMP" && mkdir -p "$MM_TMP"
cd "$MM_SOURCE_DIR" || exit 1
T=$MM_TMP
fails=0
export NO_COLOR=1 SOURCE_DATE_EPOCH=1790000000

ok() { printf 'ok   %s\n' "$1"; }
no() { printf 'FAIL %s\n' "$1"; fails=$((fails + 1)); }

command -v node >/dev/null 2>&1 || { echo "FAIL node is required: run 'make deps'"; exit 1; }
if [ ! -f node_modules/ajv/dist/ajv.js ] || [ ! -f node_modules/ajv-formats/package.json ]; then
    echo "FAIL node_modules/ajv or node_modules/ajv-formats is missing: run 'npm ci' (or 'make deps') in $MM_SOURCE_DIR"
    exit 1
fi

V="node tests/tools/validate-oscal.mjs"
S=tests/schemas

# name=input: the documents are written as $T/<name>-<kind>.json
INPUTS="hokuto-r3=examples/hokuto/assessment-r3.json
hokuto-r2=examples/hokuto/assessment-r2.json
short-r2=examples/short-r2.json
special-r3=tests/fixtures/oscal-special-r3.json
blank-r2=tests/fixtures/oscal-blank-r2.json"

# ---- produce each document twice: exit 0, identical bytes -----------------------------------
for pair in $INPUTS; do
    name=${pair%%=*}; in=${pair#*=}
    for kind in ssp poam ar; do
        out="$T/$name-$kind.json"
        if "$MAMORI" assess "$in" --format "oscal-$kind" -o "$out" 2>"$T/err" &&
           "$MAMORI" assess "$in" --format "oscal-$kind" -o "$T/again.json" 2>>"$T/err"; then
            if cmp -s "$out" "$T/again.json"; then ok "$name oscal-$kind: written, same bytes twice"
            else no "$name oscal-$kind: two runs differ"; diff "$out" "$T/again.json" | head -20; fi
        else
            no "$name oscal-$kind: mamori failed"; cat "$T/err"
        fi
    done
done

# the clock does not matter when the assessment gives its date
if SOURCE_DATE_EPOCH=1 "$MAMORI" assess examples/hokuto/assessment-r3.json --format oscal-ar \
       -o "$T/clock.json" 2>"$T/err" && cmp -s "$T/clock.json" "$T/hokuto-r3-ar.json"; then
    ok "hokuto-r3 oscal-ar: same bytes under another SOURCE_DATE_EPOCH"
else
    no "hokuto-r3 oscal-ar depends on the clock"; cat "$T/err"
fi

# ---- NIST's OSCAL 1.1.3 schemas ---------------------------------------------------------------
# valid SCHEMA KIND: every <name>-KIND.json is valid
valid() {
    if $V "$S/$1" "$T"/*-"$2".json >"$T/v.out" 2>&1; then ok "all oscal-$2 valid against $1"
    else no "oscal-$2 against $1:"; cat "$T/v.out"; fi
}
valid oscal_ssp_schema.json ssp
valid oscal_poam_schema.json poam
valid oscal_assessment-results_schema.json ar

# the validator itself rejects an invalid document (so that "valid" above means something)
node -e '
const fs = require("fs"), f = process.argv[1];
const d = JSON.parse(fs.readFileSync(f, "utf8")), s = d["system-security-plan"];
s.uuid = "not-a-uuid";
s["system-characteristics"]["system-name"] = " ";
s["control-implementation"]["implemented-requirements"][0]["control-id"] = "3.1.1";
fs.writeFileSync(process.argv[2], JSON.stringify(d));' "$T/hokuto-r3-ssp.json" "$T/broken.json"
$V "$S/oscal_ssp_schema.json" "$T/broken.json" >"$T/v.out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q '/system-security-plan/uuid' "$T/v.out" &&
   grep -q 'system-name' "$T/v.out" && grep -q 'control-id' "$T/v.out"; then
    ok "validator rejects a broken SSP and names each instance path"
else
    no "validator on a broken SSP (exit $rc, want 1):"; cat "$T/v.out"
fi

# ---- one folder where every href resolves (--oscal-dir) --------------------------------------
# SSP, assessment plan, results and POA&M (Rev 2 also its catalog and profile), each valid
# against its OSCAL 1.1.3 schema; every import href resolves in the folder (Rev 3: NIST's
# catalog URL, whose file mamori carries) and every control, statement and objective id is
# in the catalog the chain ends in; no prop in OSCAL's namespace that the 1.1.3 metaschema
# does not allow where it stands (tests/tools/check-oscal-links.py)
L="python3 tests/tools/check-oscal-links.py"
for pair in $INPUTS; do
    name=${pair%%=*}; in=${pair#*=}
    D="$T/dir-$name"
    if ! "$MAMORI" assess "$in" --oscal-dir "$D" 2>"$T/err"; then
        no "$name --oscal-dir: mamori failed"; cat "$T/err"; continue
    fi
    want="ssp.json assessment-plan.json assessment-results.json poam.json"
    case $name in *-r2) want="$want catalog-800-171r2.json profile-800-171r2.json" ;; esac
    have=$(cd "$D" && ls | sort | tr '\n' ' ')
    exp=$(printf '%s\n' $want | sort | tr '\n' ' ')
    if [ "$have" = "$exp" ]; then ok "$name --oscal-dir: $have"
    else no "$name --oscal-dir wrote '$have', want '$exp'"; fi
    vf=0
    for f in $want; do
        case $f in
            ssp.json) sc=oscal_ssp_schema.json ;;
            assessment-plan.json) sc=oscal_assessment-plan_schema.json ;;
            assessment-results.json) sc=oscal_assessment-results_schema.json ;;
            poam.json) sc=oscal_poam_schema.json ;;
            catalog-*) sc=oscal_catalog_schema.json ;;
            profile-*) sc=oscal_profile_schema.json ;;
        esac
        $V "$S/$sc" "$D/$f" >"$T/v.out" 2>&1 || { vf=1; cat "$T/v.out"; }
    done
    if [ $vf = 0 ]; then ok "$name --oscal-dir: every file valid against its OSCAL 1.1.3 schema"
    else no "$name --oscal-dir: schema errors"; fi
    if $L "$D" . >"$T/l.out" 2>&1; then
        ok "$name --oscal-dir: every href resolves, every id is in the catalog, OSCAL-namespace props allowed"
    else
        no "$name --oscal-dir: links"; head -20 "$T/l.out"
    fi
    # the documents in the folder are those --format writes
    for kind in ssp ar poam; do
        case $kind in ssp) f=ssp.json ;; ar) f=assessment-results.json ;; poam) f=poam.json ;; esac
        cmp -s "$D/$f" "$T/$name-$kind.json" || no "$name --oscal-dir: $f differs from --format oscal-$kind"
    done
    if "$MAMORI" assess "$in" --format oscal-ap -o "$T/ap.json" 2>"$T/err" && cmp -s "$T/ap.json" "$D/assessment-plan.json"; then
        ok "$name --format oscal-ap: the folder's assessment plan"
    else
        no "$name --format oscal-ap"; cat "$T/err"
    fi
done
# the Rev 2 catalog: every requirement and objective of mamori's Rev 2 data, the export command
if "$MAMORI" catalog export --framework 800-171r2 --format oscal -o "$T/cat-r2.json" 2>"$T/err" &&
   "$MAMORI" catalog export --framework 800-171r2 --format oscal-profile -o "$T/prof-r2.json" 2>>"$T/err" &&
   cmp -s "$T/prof-r2.json" "$T/dir-hokuto-r2/profile-800-171r2.json" &&
   node -e '
    const fs = require("fs");
    const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).catalog;
    const r2 = JSON.parse(fs.readFileSync("content/catalogs/sp800-171r2.json", "utf8")).requirements;
    const ctl = c.groups.flatMap((g) => g.controls);
    const objs = ctl.flatMap((x) => x.parts.filter((p) => p.name === "assessment-objective")
        .flatMap((p) => p.parts));
    const want = r2.reduce((n, r) => n + r.objectives.length, 0);
    const ok = ctl.length === r2.length && ctl.length === 110 && objs.length === want &&
        ctl.every((x, i) => x.id === "sp_800_171_" + r2[i].id) &&
        /not by NIST/.test(c.metadata.remarks) && c.metadata["oscal-version"] === "1.1.3";
    process.exit(ok ? 0 : 1);' "$T/cat-r2.json"; then
    ok "catalog export: Rev 2 as an OSCAL catalog (110 controls, every objective, provenance), its profile"
else
    no "catalog export --framework 800-171r2"; cat "$T/err"
fi
if "$MAMORI" catalog export --framework 800-171r3 --format oscal >/dev/null 2>"$T/err"; then
    no "catalog export of Rev 3 should be refused (NIST publishes it)"
elif grep -q "NIST publishes the Rev 3 catalog" "$T/err"; then
    ok "catalog export of Rev 3 is refused, pointing at NIST's catalog"
else
    no "catalog export of Rev 3: message"; cat "$T/err"
fi
"$MAMORI" assess examples/short-r2.json --oscal-dir "$T/x" --format json >/dev/null 2>"$T/err"
rc=$?
if [ "$rc" = 2 ] && grep -q "oscal-dir" "$T/err"; then ok "--oscal-dir with --format is refused (exit 2)"
else no "--oscal-dir with --format: exit $rc"; cat "$T/err"; fi
# the link check catches what it is there for
cp -r "$T/dir-hokuto-r2" "$T/dir-bad"
node -e '
const fs = require("fs"), f = process.argv[1];
const d = JSON.parse(fs.readFileSync(f, "utf8")), s = d["system-security-plan"];
s["control-implementation"]["implemented-requirements"][0].props.push({name: "implementation-status", value: "implemented"});
s["import-profile"].href = "https://doi.org/10.6028/NIST.SP.800-171r2";
fs.writeFileSync(f, JSON.stringify(d));' "$T/dir-bad/ssp.json"
rm "$T/dir-bad/assessment-plan.json"
if $L "$T/dir-bad" . >"$T/l.out" 2>&1; then no "link check accepts a broken folder"
elif grep -q "implementation-status in OSCAL's namespace" "$T/l.out" &&
     grep -q "doi.org" "$T/l.out" && grep -q "assessment-plan.json" "$T/l.out"; then
    ok "link check rejects: OSCAL-namespace implementation-status, a DOI import-profile, a missing plan"
else
    no "link check on a broken folder"; cat "$T/l.out"
fi

# ---- what the documents hold ------------------------------------------------------------------
cat >"$T/check.cjs" <<'JS'
const fs = require('fs');
const T = process.argv[2];
let fails = 0;
const ok = (what) => console.log('ok   ' + what);
const no = (what) => { console.log('FAIL ' + what); fails++; };
const check = (cond, what) => (cond ? ok(what) : no(what));
const load = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const doc = (name, kind) => {
    const d = load(`${T}/${name}-${kind}.json`);
    return d[{ ssp: 'system-security-plan', poam: 'plan-of-action-and-milestones',
               ar: 'assessment-results' }[kind]];
};
const uuids = (o, out = []) => {
    if (Array.isArray(o)) o.forEach((x) => uuids(x, out));
    else if (o && typeof o === 'object')
        for (const [k, v] of Object.entries(o)) (k === 'uuid' ? out.push(v) : uuids(v, out));
    return out;
};
const prop = (o, name) => ((o.props || []).find((p) => p.name === name) || {}).value;

// the Rev 3 catalog, for ids
const cat = load('content/catalogs/sp800-171r3-catalog.json').catalog;
const controls = new Map(), params = new Set(), parts = new Set();
for (const g of cat.groups) for (const c of g.controls) {
    controls.set(c.id, c);
    for (const p of c.params || []) params.add(p.id);
    const walk = (ps) => (ps || []).forEach((p) => { if (p.id) parts.add(p.id); walk(p.parts); });
    walk(c.parts);
}
const r2ids = load('content/catalogs/sp800-171r2.json').requirements.map((r) => r.id);

const inputs = { 'hokuto-r3': 'examples/hokuto/assessment-r3.json',
                 'hokuto-r2': 'examples/hokuto/assessment-r2.json',
                 'short-r2': 'examples/short-r2.json',
                 'special-r3': 'tests/fixtures/oscal-special-r3.json',
                 'blank-r2': 'tests/fixtures/oscal-blank-r2.json' };

for (const [name, input] of Object.entries(inputs)) {
    const r2 = name.endsWith('r2');
    const src = load(input);
    const ssp = doc(name, 'ssp'), poam = doc(name, 'poam'), ar = doc(name, 'ar');
    for (const [kind, d] of [['ssp', ssp], ['poam', poam], ['ar', ar]]) {
        const u = uuids(d);
        check(new Set(u).size === u.length, `${name} ${kind}: ${u.length} uuids, all distinct`);
        check(d.metadata['oscal-version'] === '1.1.3', `${name} ${kind}: oscal-version 1.1.3`);
    }

    // SSP: one implemented-requirement per active requirement, ids that resolve
    const irs = ssp['control-implementation']['implemented-requirements'];
    const want = r2 ? 110 : 97;
    check(irs.length === want, `${name} ssp: ${irs.length} implemented-requirements, want ${want}`);
    check(new Set(irs.map((x) => x['control-id'])).size === irs.length,
          `${name} ssp: control-ids distinct`);
    if (r2) {
        check(irs.every((x, i) => x['control-id'] === 'sp_800_171_' + r2ids[i]),
              `${name} ssp: Rev 2 control-ids sp_800_171_<id> in catalog order`);
    } else {
        check(irs.every((x) => controls.has(x['control-id'])),
              `${name} ssp: every control-id is in NIST's Rev 3 catalog`);
        check(irs.every((x) => (x['set-parameters'] || []).every((p) => params.has(p['param-id']))),
              `${name} ssp: every param-id is an ODP of the catalog`);
        check(irs.every((x) => x.statements.every((s) => parts.has(s['statement-id']))),
              `${name} ssp: every statement-id is a part of the catalog`);
    }
    check(irs.every((x) => x.statements[0]['by-components'][0]['component-uuid'] ===
                           ssp['system-implementation'].components[0].uuid),
          `${name} ssp: statements point at the this-system component`);

    // POA&M: one item per entry, milestones as dated tasks
    const items = src.poam || [];
    const pitems = poam['poam-items'].filter((p) => prop(p, 'placeholder') !== 'true');
    check(pitems.length === items.length,
          `${name} poam: ${pitems.length} poam-items for ${items.length} POA&M entries`);
    check(poam['import-ssp'].href === 'ssp.json', `${name} poam: import-ssp ssp.json`);
    items.forEach((it, k) => {
        const pi = pitems[k];
        const risk = (poam.risks || []).find((r) => r.uuid === pi['related-risks'][0]['risk-uuid']);
        const tasks = (risk && risk.remediations[0].tasks) || [];
        const due = (it.milestones || []).map((m) => m.due + 'T00:00:00Z');
        check(JSON.stringify(tasks.map((t) => t.timing['on-date'].date)) === JSON.stringify(due),
              `${name} poam: item ${k + 1} milestones due ${due.join(', ') || '(none)'}`);
        const st = { open: 'open', closed: 'closed', 'risk-accepted': 'deviation-approved' };
        check(risk && risk.status === st[it.status || 'open'],
              `${name} poam: item ${k + 1} risk status ${risk && risk.status}`);
        const req = it.requirement.replace(/^SP_800_171_/, '');
        check(prop(pi, 'requirement') === req, `${name} poam: item ${k + 1} names ${req}`);
        const f = poam.findings.find((x) => x.uuid === pi['related-findings'][0]['finding-uuid']);
        const stmt = irs.find((x) => x['control-id'].endsWith('_' + req)).statements[0];
        check(f && f['implementation-statement-uuid'] === stmt.uuid,
              `${name} poam: item ${k + 1} finding points at the SSP statement`);
    });
    if (!items.length)
        check(poam['poam-items'].length === 1 && /not-assessed|not-met/.test(
                  poam.metadata.remarks || ''),
              `${name} poam: placeholder item, unmet requirements listed in remarks`);

    // AR: a finding per requirement (statement-id), state from the evaluation
    const res = ar.results[0];
    const rf = res.findings.filter((f) => f.target.type === 'statement-id');
    check(rf.length === want, `${name} ar: ${rf.length} requirement findings, want ${want}`);
    check(res['reviewed-controls']['control-selections'][0]['include-controls'].length === want,
          `${name} ar: reviewed-controls selects ${want} requirements`);
    check(res.findings.filter((f) => f.target.type === 'objective-id')
              .every((f) => r2 ? /^sp_800_171_3\.\d+\.\d+_obj\.[a-z]+$/.test(f.target['target-id'])
                               : parts.has(f.target['target-id'])),
          `${name} ar: objective-id targets resolve`);
    const obs = new Set((res.observations || []).map((o) => o.uuid));
    check(res.findings.every((f) => (f['related-observations'] || [])
                                        .every((o) => obs.has(o['observation-uuid']))),
          `${name} ar: related-observations resolve`);
}

// specific facts of the examples
const finding = (name, id) => doc(name, 'ar').results[0].findings.find(
    (f) => f.target['target-id'] === id);
const ir = (name, id) => doc(name, 'ssp')['control-implementation']['implemented-requirements']
    .find((x) => x['control-id'] === id);
const sp = (x, id) => ((x['set-parameters'] || []).find((p) => p['param-id'] === id) || {}).values;

check(finding('hokuto-r3', 'statement_03.13.11').target.status.state === 'not-satisfied',
      'hokuto-r3 ar: 03.13.11 (not met) is not-satisfied');
check(finding('hokuto-r3', 'statement_03.01.01').target.status.state === 'satisfied',
      'hokuto-r3 ar: 03.01.01 (met) is satisfied');
check(finding('hokuto-r3', 'assessment-objective_DS-A.03.03.05.a').target.status.state ===
          'not-satisfied', 'hokuto-r3 ar: objective A.03.03.05.a is not-satisfied');
check(finding('hokuto-r2', 'sp_800_171_3.13.11_smt').target.status.state === 'not-satisfied',
      'hokuto-r2 ar: 3.13.11 (partial) is not-satisfied');
const r2res = doc('hokuto-r2', 'ar').results[0];
check(prop(r2res, 'sprs-score') === '106' && prop(r2res, 'cmmc-level-2-status') === 'conditional',
      'hokuto-r2 ar: result props SPRS 106, CMMC conditional');
const shres = doc('short-r2', 'ar').results[0];
check(prop(shres, 'sprs-score') === undefined && prop(shres, 'sprs-score-valid') === 'false',
      'short-r2 ar: no SPRS score without an SSP (3.12.4)');
check(prop(doc('hokuto-r3', 'ar').results[0], 'sprs-score') === undefined,
      'hokuto-r3 ar: no SPRS props for Rev 3');
const a0101 = ir('hokuto-r3', 'SP_800_171_03.01.01');
check(JSON.stringify(sp(a0101, 'A.03.01.01.ODP.01')) === '["at most 90 days"]',
      'hokuto-r3 ssp: 03.01.01 ODP.01 set to the effective value');
check(JSON.stringify(sp(ir('hokuto-r3', 'SP_800_171_03.01.08'), 'A.03.01.08.ODP.01')) ===
          '["at most five (5)"]', 'hokuto-r3 ssp: the profile-fixed ODP value wins');
check(/FreeIPA/.test(a0101.statements[0]['by-components'][0].description) &&
          prop(a0101, 'implementation-status') === 'implemented',
      'hokuto-r3 ssp: 03.01.01 implementation statement, implemented');
check(prop(ir('hokuto-r3', 'SP_800_171_03.08.07'), 'implementation-status') === 'not-applicable',
      'hokuto-r3 ssp: 03.08.07 not-applicable');
check(prop(ir('short-r2', 'sp_800_171_3.5.3'), 'implementation-status') === 'partial',
      'short-r2 ssp: 3.5.3 partial');
const p3 = doc('hokuto-r3', 'poam');
check(p3['poam-items'].map((p) => prop(p, 'poam-item-id')).join() === 'POAM-1,POAM-2,POAM-3',
      'hokuto-r3 poam: POAM-1..3');
check(/03\.16\.03 \(not-met\)/.test(p3.metadata.remarks || ''),
      'hokuto-r3 poam: remarks list 03.16.03, unmet without an item');

// special characters survive, blank strings get their fallbacks
const sssp = doc('special-r3', 'ssp');
const org = sssp.metadata.parties.find((p) => p.type === 'organization');
check(org.name === '"Quote" & <script>alert(1)</script> 北斗精密工業株式会社',
      'special-r3 ssp: organization name kept, trailing ideographic space dropped');
check(org['external-ids'].map((e) => e.id).join() === 'SJ4K7,4010401099999',
      'special-r3 ssp: identifiers trimmed, blank one skipped');
check(sssp['system-characteristics']['system-name'] === 'CUI エンクレーブ "A" </script> (本社)',
      'special-r3 ssp: system name on one line');
check(sssp['system-characteristics']['authorization-boundary'].description === 'Not provided.',
      'special-r3 ssp: blank boundary gets a fallback');
const s0101 = ir('special-r3', 'SP_800_171_03.01.01');
check(s0101.statements[0]['by-components'][0].description ===
          'Line one "quoted"\n<script>alert(\'x\')</script>\n日本語の説明: アカウントは申請制。',
      'special-r3 ssp: implementation statement kept as written');
check(JSON.stringify(s0101.links.map((l) => l.href)) === JSON.stringify([
          'evidence/%E3%83%9D%E3%83%AA%E3%82%B7%E3%83%BC%20v2.pdf',
          'https://example.com/a%20b#sec%232', 'C:%5Cdocs%5Cx.pdf', '100%25',
          'ticket:JIRA-1?x=%5B1%5D', '3%3Aweird']),
      'special-r3 ssp: evidence hrefs percent-encoded, blank ones skipped');
const roles = sssp.metadata.roles.map((r) => r.id);
check(new Set(roles).size === roles.length && roles.includes('responsible-1') &&
          roles.includes('responsible-it-manager'),
      'special-r3 ssp: responsible roles distinct (' + roles.filter((r) => r.startsWith('responsible-')).join(', ') + ')');
const spoam = doc('special-r3', 'poam');
check(spoam['poam-items'][0].description === 'Not provided.' &&
          spoam['poam-items'][0].uuid !== spoam['poam-items'][1].uuid,
      'special-r3 poam: blank weakness gets a fallback; equal ids get distinct uuids');
const bssp = doc('blank-r2', 'ssp');
check(bssp['system-characteristics']['system-name'] === 'Unnamed system' &&
          /Unnamed organization/.test(bssp.metadata.title),
      'blank-r2 ssp: unnamed system and organization');
check(bssp.metadata['last-modified'] === new Date(1790000000 * 1000).toISOString()
          .replace(/\.000Z$/, 'Z'),
      'blank-r2 ssp: no assessment date: last-modified from SOURCE_DATE_EPOCH');

process.exit(fails ? 1 : 0);
JS
node "$T/check.cjs" "$T" >"$T/check.out" 2>&1
rc=$?
cat "$T/check.out"
n=$(grep -c '^FAIL' "$T/check.out")
fails=$((fails + n))
if [ "$rc" != 0 ] && [ "$n" = 0 ]; then no "content checks crashed (exit $rc)"; fi

echo "$fails failed"
[ "$fails" -eq 0 ]
