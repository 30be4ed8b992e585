#!/usr/bin/env node
// The table of scanner rules in docs/rules.md, made from content/rules/*.json.
//
//   node scripts/rules-table.mjs                  print the table (Markdown) to stdout
//   node scripts/rules-table.mjs --write FILE     replace the table between the markers in FILE
//   node scripts/rules-table.mjs --check FILE     exit 1 when FILE's table is out of date
//
// Markers: "<!-- rules-table:begin -->" and "<!-- rules-table:end -->".
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const rulesDir = path.join(here, '..', 'content', 'rules');
const BEGIN = '<!-- rules-table:begin -->';
const END = '<!-- rules-table:end -->';

const FAMILIES = {
  ac: 'Access Control (03.01)', au: 'Audit and Accountability (03.03)', cm: 'Configuration Management (03.04)',
  ia: 'Identification and Authentication (03.05)', mp: 'Media Protection (03.08)',
  sc: 'System and Communications Protection (03.13)', si: 'System and Information Integrity (03.14)',
};

function load() {
  const rules = [];
  for (const f of fs.readdirSync(rulesDir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    const doc = JSON.parse(fs.readFileSync(path.join(rulesDir, f), 'utf8'));
    for (const r of doc.rules) rules.push({ ...r, _file: f.replace(/\.json$/, '') });
  }
  return rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(rules) {
  const out = [];
  const req3 = new Set(rules.flatMap((r) => r.requirements));
  const byFam = {};
  for (const q of req3) (byFam[q.slice(0, 5)] ||= new Set()).add(q);
  out.push(`${rules.length} rules (${rules.filter((r) => r.deep).length} of them deep) give evidence for ` +
    `${req3.size} Rev 3 requirements and ${new Set(rules.flatMap((r) => r.objectives)).size} objectives, ` +
    `and ${new Set(rules.flatMap((r) => r.requirements_r2)).size} Rev 2 requirements.`);
  out.push('');
  out.push('| Rev 3 family | requirements with rules |');
  out.push('|---|---|');
  for (const fam of Object.keys(byFam).sort())
    out.push(`| ${fam} | ${[...byFam[fam]].sort().join(', ')} (${byFam[fam].size}) |`);
  const groups = {};
  for (const r of rules) (groups[r._file] ||= []).push(r);
  for (const fam of Object.keys(groups).sort()) {
    out.push('');
    out.push(`### ${FAMILIES[fam] || fam} — ${groups[fam].length} rules`);
    out.push('');
    out.push('| id | title | Rev 3 | Rev 2 | platforms |');
    out.push('|---|---|---|---|---|');
    for (const r of groups[fam]) {
      const plat = [r.platforms ? r.platforms.join(', ') : 'any', r.deep ? 'deep' : ''].filter(Boolean).join('; ');
      out.push(`| \`${r.id}\` | ${cell(r.title)} | ${r.requirements.join(', ')} | ${r.requirements_r2.join(', ') || '—'} | ${plat} |`);
    }
  }
  return out.join('\n') + '\n';
}

const [mode, file] = process.argv.slice(2);
const text = table(load());
if (!mode) {
  process.stdout.write(text);
} else if ((mode === '--write' || mode === '--check') && file) {
  const doc = fs.readFileSync(file, 'utf8');
  const b = doc.indexOf(BEGIN), e = doc.indexOf(END);
  if (b < 0 || e < b) {
    console.error(`${file}: no ${BEGIN} ... ${END} markers`);
    process.exit(2);
  }
  const updated = `${doc.slice(0, b + BEGIN.length)}\n${text}${doc.slice(e)}`;
  if (mode === '--check') {
    if (updated !== doc) {
      console.error(`${file}: the rules table is out of date: run node scripts/rules-table.mjs --write ${file}`);
      process.exit(1);
    }
  } else if (updated !== doc) {
    fs.writeFileSync(file, updated);
  }
} else {
  console.error('usage: rules-table.mjs [--write FILE | --check FILE]');
  process.exit(2);
}
