#!/usr/bin/env python3
"""mamori crosswalk and the shipped crosswalks, through the real binary.

* Every shipped crosswalk and the test mapping are valid against NIST's OSCAL 1.2.1 mapping
  schema, the SP 800-53 Rev 5 pack and the test pack against the OSCAL 1.1.3 catalog schema
  (ajv, tests/tools/validate-oscal.mjs); so is `--format oscal` output.
* Every shipped relation traces to its citation: the cited fact is looked up in NIST's Rev 3
  OSCAL catalog independently of scripts/crosswalks.py, and the type follows the documented
  rule; the files are what the script writes from the catalog.
* `mamori crosswalk` gives what has no counterpart either way (Rev 2 -> Rev 3: the six
  withdrawn-without-link requirements and the 18 new ones) and what covers each criterion.
* A pack folder with a bad file is refused (exit 2, the file and JSON path named).
Env: MAMORI, MM_SOURCE_DIR, MM_TMP.
"""
import json
import os
import re
import shutil
import subprocess
import sys

MAMORI = os.environ['MAMORI']
SRC = os.environ['MM_SOURCE_DIR']
TMP = os.environ['MM_TMP']
NS = 'https://mamori.dev/ns/oscal'
FIX = os.path.join(SRC, 'tests/fixtures/frameworks')
fails = 0


def check(cond, what):
    global fails
    print(('ok   ' if cond else 'FAIL ') + what)
    if not cond:
        fails += 1


def run(*args, **kw):
    return subprocess.run([MAMORI, *args], capture_output=True, text=True, timeout=120, **kw)


def validate(schema, *files):
    r = subprocess.run(['node', 'tests/tools/validate-oscal.mjs', 'tests/schemas/' + schema,
                        *files], capture_output=True, text=True, cwd=SRC, timeout=300)
    return r.returncode == 0, r.stdout + r.stderr


def maps_of(path):
    doc = json.load(open(os.path.join(SRC, path)))
    return doc['mapping-collection']['mappings'][0]['maps']


def citation(m):
    return [p['value'] for p in m['props'] if p['name'] == 'citation' and p.get('ns') == NS][0]


def trace():
    cat = json.load(open(os.path.join(SRC, 'content/catalogs/sp800-171r3-catalog.json')))
    ctl = {c['id']: c for g in cat['catalog']['groups'] for c in g['controls']}
    bm = {r['uuid']: r for r in cat['catalog']['back-matter']['resources']}
    s53 = json.load(open(os.path.join(SRC, 'content/frameworks/sp800-53r5-catalog.json')))
    ids53 = {}

    def walk(c):
        for x in c.get('controls', []):
            lab = [p['value'] for p in x['props'] if p['name'] == 'label'][0]
            ids53[x['id']] = lab
            walk(x)
    for g in s53['catalog']['groups']:
        walk(g)

    def status(c):
        return [p['value'] for p in c['props'] if p['name'] == 'status']

    bad = []
    n = 0
    for m in maps_of('content/crosswalks/sp800-171r2-to-r3.json'):
        n += 1
        cit = citation(m)
        src = m['sources'][0]['id-ref']
        tgt = m['targets'][0]['id-ref']
        old = src[len('sp_800_171_'):]
        w = re.search(r'control (\S+) \(withdrawn\), link rel=(\w+) href=(\S+)$', cit)
        a = re.search(r"control (\S+) is active under Rev 2's number (\S+) ", cit)
        if w:
            c = ctl.get(w.group(1))
            # the withdrawn entry keeps the Rev 2 number (3.1.14 -> 03.01.14)
            num = [p['value'] for p in c['props'] if p['name'] == 'sort-id'][0] if c else ''
            ok = (c is not None and status(c) == ['withdrawn'] and
                  {'rel': w.group(2), 'href': w.group(3)} in c.get('links', []) and
                  tgt == 'SP_800_171_' + w.group(3) and
                  '.'.join(str(int(x)) for x in num.split('.')) == old)
            want = 'subset-of' if w.group(2) == 'incorporated_into' else 'intersects-with'
            ok = ok and m['relationship'] == want
        elif a:
            c = ctl.get(a.group(1))
            num = [p['value'] for p in c['props'] if p['name'] == 'sort-id'][0] if c else ''
            ok = (c is not None and not status(c) and tgt == a.group(1) and a.group(2) == old and
                  '.'.join(str(int(x)) for x in num.split('.')) == old and
                  m['relationship'] == 'intersects-with')
        else:
            ok = False
        if not ok:
            bad.append(cit)
    for m in maps_of('content/crosswalks/sp800-171r3-to-sp800-53r5.json'):
        n += 1
        cit = citation(m)
        r = re.search(r'control (\S+), link rel=reference to back-matter resource (\S+) '
                      r'"([^"]+)" \((\S+)\)$', cit)
        ok = False
        if r:
            c = ctl.get(r.group(1))
            res = bm.get(r.group(2))
            lab = ids53.get(m['targets'][0]['id-ref'], '')
            cprt = re.sub(r'-0*(\d+)', r'-\1', r.group(3))
            cprt = re.sub(r'\(0*(\d+)\)', r'(\1)', cprt)
            ok = (c is not None and res is not None and
                  {'href': '#' + r.group(2), 'rel': 'reference'} in c.get('links', []) and
                  res['title'] == r.group(3) and res['rlinks'][0]['href'] == r.group(4) and
                  'SP_800_53_5_1_1' in r.group(4) and
                  m['sources'][0]['id-ref'] == r.group(1) and lab == cprt and
                  m['relationship'] == 'intersects-with')
        if not ok:
            bad.append(cit)
    check(not bad and n == 118 + 157,
          'every one of the %d shipped relations traces to its citation in NIST\'s Rev 3 '
          'catalog, typed by the documented rule%s' % (n, (': ' + bad[0]) if bad else ''))


def main():
    shutil.rmtree(TMP, ignore_errors=True)
    os.makedirs(TMP)
    os.chdir(SRC)
    # ---- schemas ----------------------------------------------------------------------
    ok, out = validate('oscal_mapping_schema.json', 'content/crosswalks/sp800-171r2-to-r3.json',
                       'content/crosswalks/sp800-171r3-to-sp800-53r5.json',
                       'tests/fixtures/frameworks/crosswalks/test-std-to-r3.json')
    check(ok, 'shipped crosswalks and the test mapping are valid OSCAL 1.2.1 mapping '
          'collections' + ('' if ok else '\n' + out))
    ok, out = validate('oscal_catalog_schema.json', 'content/frameworks/sp800-53r5-catalog.json',
                       'tests/fixtures/frameworks/test-std.json')
    check(ok, 'the SP 800-53 Rev 5 pack and the test pack are valid OSCAL 1.1.3 catalogs' +
          ('' if ok else '\n' + out))
    for a, b in (('800-171r2', '800-171r3'), ('800-171r3', '800-171r2'),
                 ('test-std', '800-171r3')):
        r = run('crosswalk', a, b, '--format', 'oscal', '--frameworks', FIX)
        path = os.path.join(TMP, '%s-%s.json' % (a, b))
        open(path, 'w').write(r.stdout)
        ok, out = validate('oscal_mapping_schema.json', path)
        check(r.returncode == 0 and ok, 'crosswalk %s %s --format oscal is valid OSCAL' % (a, b)
              + ('' if ok else '\n' + out))
    # ---- provenance -------------------------------------------------------------------
    r = subprocess.run([sys.executable, 'scripts/crosswalks.py', '--check'], capture_output=True,
                       text=True, cwd=SRC)
    check(r.returncode == 0, 'content/crosswalks is what scripts/crosswalks.py writes from '
          'NIST\'s catalog' + r.stdout)
    trace()
    # ---- the command ------------------------------------------------------------------
    r = run('crosswalk', '800-171r2', '800-171r3', '--format', 'json')
    d = json.loads(r.stdout) if r.returncode == 0 else {}
    ids = [c['id'] for c in d.get('no_counterpart_in_to', [])]
    check(ids == ['3.5.6', '3.5.8', '3.5.9', '3.7.1', '3.13.2', '3.13.14'],
          'Rev 2 -> Rev 3: the six requirements withdrawn without a link have no counterpart')
    ids = [c['id'] for c in d.get('no_counterpart_in_from', [])]
    check(len(ids) == 18 and ids[0] == '03.04.10' and ids[-1] == '03.17.03',
          'Rev 2 -> Rev 3: the 18 requirements new in Rev 3 have no counterpart in Rev 2')
    rel = [x for x in d.get('relations', []) if x['source'] == '3.1.14']
    check(rel == [{'source': '3.1.14', 'target': '03.01.12', 'relation': 'subset',
                   'citation': rel[0]['citation'] if rel else '',
                   'remarks': 'Rev 2 3.1.14 was withdrawn in Rev 3: incorporated into 03.01.12.'}]
          and 'incorporated_into' in rel[0]['citation'],
          '3.1.14 is a subset of 03.01.12, citing NIST\'s incorporated_into link')
    check(all(x['citation'] for x in d.get('relations', [])), 'every relation has a citation')
    r = run('crosswalk', 'test-std', '800-171r3', '--frameworks', FIX)
    out = r.stdout
    check(r.returncode == 0 and out.index('No counterpart in 800-171r3') <
          out.index('What covers each criterion'),
          'text: the no-counterpart rows come first')
    check('TS-1.3' in out.split('No counterpart in test-std')[0] and
          'no relationship to 03.01.02' in out,
          'text: a published no-relationship row is a no-counterpart row, with its source')
    check('superset   03.01.01' in out and 'source: Test mapping note T-1, row 1' in out,
          'text: the relation and its source on the row')
    r = run('crosswalk', 'test-std', '800-53r5', '--frameworks', FIX)
    check(r.returncode == 2 and 'no crosswalk relates test-std and 800-53r5' in r.stderr,
          'no crosswalk: exit 2, never composed through Rev 3')
    r = run('crosswalk', 'nope', '800-171r3')
    check(r.returncode == 2 and "unknown framework 'nope'" in r.stderr, 'unknown framework: exit 2')
    # ---- the side-by-side HTML report -------------------------------------------------------
    r = run('crosswalk', '800-171r2', '800-171r3', '--format', 'html')
    h = r.stdout
    rel = h[h.find('id="related"'):]
    rows = [x for x in rel.split('<tr>')[1:] if x.startswith('<td')]
    check(r.returncode == 0 and 0 < h.find('id="only-a"') < h.find('id="only-b"') <
          h.find('id="related"') and 'no counterpart in 800-171r3 (6 of 110)' in h and
          'no counterpart in 800-171r2 (18 of 97)' in h,
          'html: the no-counterpart rows first (6 of Rev 2, 18 of Rev 3), then the relations')
    check(len(rows) == 118 and all('Source: NIST SP 800-171 Rev 3 OSCAL catalog' in x
                                   for x in rows),
          'html: each of the 118 relations with its type and source on the row')
    check("Content-Security-Policy\" content=\"default-src 'none'" in h and '<script' not in h,
          'html: no script, a restrictive Content-Security-Policy')
    # ---- assess --as: answer once, see another framework ---------------------------------
    r = run('assess', 'examples/hokuto/assessment-r3.json', '--as', '800-171r2', '--format',
            'json')
    d = json.loads(r.stdout) if r.returncode == 0 else {}
    proj, todo = d.get('projected', []), d.get('to_answer', [])
    check(r.returncode == 0 and len(proj) + len(todo) == 110 and
          d['summary']['active'] == 110 and not {x['id'] for x in proj} & {x['id'] for x in todo},
          'assess --as 800-171r2: every Rev 2 requirement is projected or still to answer')
    check(proj and all(x['projected'] is True and x['relation']['type'] in ('superset',
                                                                          'equivalent') and
                           x['relation']['citation'] and x['from']['framework'] == '800-171r3'
                           for x in proj),
          'assess --as: each projected answer names its answer and relation (equivalent or '
          'superset only), with the source')
    p314 = [x for x in proj if x['id'] == '3.1.14']
    check(p314 and p314[0]['from']['criterion'] == '03.01.12' and
          p314[0]['relation']['source'] == '03.01.12',
          'assess --as: 3.1.14 comes from the answer to 03.01.12 (which incorporated it)')
    t311 = [x for x in todo if x['id'] == '3.1.1']
    check(t311 and 'subset or intersects' in t311[0]['reason'],
          'assess --as: 3.1.1 (only intersects 03.01.01) must still be answered')
    r = run('assess', 'examples/hokuto/assessment-r3.json', '--as', 'test-std', '--frameworks',
            FIX)
    out = r.stdout
    check(r.returncode == 0 and 'Projected (not answered directly)' in out and
          'TS-2.1       met (projected) from 800-171r3 03.08.04' in out and
          'source: Test mapping note T-1, row 2' in out and
          'TS-1.3       Shared accounts: no published relation' in out,
          'assess --as test-std (text): projected rows marked and sourced, the rest to answer')
    r = run('assess', 'examples/hokuto/assessment-r3.json', '--as', '800-53r5')
    check(r.returncode == 0 and '0 projected met' in r.stdout,
          'assess --as 800-53r5: intersects relations project nothing')
    # ---- a bad folder -------------------------------------------------------------------
    bad = os.path.join(TMP, 'bad')
    os.makedirs(os.path.join(bad, 'crosswalks'))
    shutil.copy(os.path.join(FIX, 'test-std.json'), bad)
    text = open(os.path.join(FIX, 'crosswalks/test-std-to-r3.json')).read()
    open(os.path.join(bad, 'crosswalks/m.json'), 'w').write(
        text.replace('"superset-of"', '"equivalent-to"', 1).replace(
            '"id-ref": "ts-1.2"}],\n            "targets": [{"type": "control", "id-ref": '
            '"SP_800_171_03.01.01"}]',
            '"id-ref": "ts-1.1"}],\n            "targets": [{"type": "control", "id-ref": '
            '"SP_800_171_03.01.01"}]', 1))
    r = run('crosswalk', '--list', '--frameworks', bad)
    check(r.returncode == 2 and 'm.json: $.mapping-collection.mappings[0].maps[2].relationship: '
          'TS-1.1 -> 03.01.01 is related twice with contradicting types' in r.stderr and
          r.stdout == '', 'contradicting types: exit 2 with the file and JSON path, nothing '
          'listed (' + r.stderr.strip() + ')')
    print('%d failure(s)' % fails)
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
