#!/usr/bin/env node
// Validates STIX 2.1 bundles against the OASIS STIX 2.1 JSON Schemas (draft 2020-12) with
// ajv, an implementation independent of mamori: the bundle against common/bundle.json, and
// each object against its own type's schema (sdos/, sros/, observables/, common/).
//
//   node tests/tools/validate-stix.mjs SCHEMA_DIR FILE...
//
// common/bundle.json does not list every SDO of the specification among a bundle's objects
// (incident, note, grouping, location, opinion are missing: such an object matches both
// core.json and cyber-observable-core.json in its "custom object" branch and is refused). The
// bundle is therefore checked against an in-memory copy of bundle.json whose list also names
// the sdos/ schemas it omits and the extension-definition SMO (common/extension-definition.json,
// missing too); the files are not changed, and each object is still checked against its own
// type's schema as well.
//
// SCHEMA_DIR is tests/schemas/stix (a copy: see its PROVENANCE.md). Prints "ok FILE" or
// "invalid FILE" and one line per error. Exit: 0 all valid, 1 one is not, 2 usage or an
// unreadable schema or file.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let Ajv2020, addFormats;
try {
    Ajv2020 = require('ajv/dist/2020').default;
    addFormats = require('ajv-formats').default;
} catch (e) {
    console.error('validate-stix: ajv and ajv-formats are not installed: run "npm ci" ' +
                  '(or "make deps") in the source folder (' + e.message.split('\n')[0] + ')');
    process.exit(2);
}

const [dir, ...files] = process.argv.slice(2);
if (!dir || files.length === 0) {
    console.error('usage: validate-stix.mjs SCHEMA_DIR FILE...');
    process.exit(2);
}

function load(path) {
    try {
        return JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
        console.error(`validate-stix: ${path}: ${e.message}`);
        process.exit(2);
    }
}

// The OASIS schemas use keywords ajv's strict mode does not know of; formats are asserted.
// Their patterns are ECMAScript without the u flag ("\\-" is not a valid Unicode escape).
const ajv = new Ajv2020({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
// ajv-formats has no idn-hostname (domain-name.json uses it): accepted as any string
ajv.addFormat('idn-hostname', true);
const byFile = {};
for (const sub of ['common', 'sdos', 'sros', 'observables']) {
    for (const f of readdirSync(join(dir, sub)).filter((n) => n.endsWith('.json')).sort()) {
        const s = load(join(dir, sub, f));
        ajv.addSchema(s);
        byFile[`${sub}/${f}`] = s.$id;
    }
}

function schemaFor(type) {
    for (const sub of ['sdos', 'sros', 'observables', 'common']) {
        if (byFile[`${sub}/${type}.json`]) return byFile[`${sub}/${type}.json`];
    }
    return null;
}

// bundle.json with the SDOs it omits added to its list (see above)
const bundleSchema = JSON.parse(JSON.stringify(load(join(dir, 'common', 'bundle.json'))));
const listed = bundleSchema.properties.objects.items.anyOf[0].oneOf;
// and the extension-definition SMO (STIX 2.1 section 7.3), also missing from that list
for (const f of Object.keys(byFile).filter((k) => k.startsWith('sdos/') ||
                                            k === 'common/extension-definition.json')) {
    const ref = `../${f}`;
    if (!listed.some((r) => r.$ref === ref)) listed.push({ $ref: ref });
}
bundleSchema.$id = byFile['common/bundle.json'].replace(/bundle\.json$/, 'bundle-all-sdos.json');
ajv.addSchema(bundleSchema);

let bundle;
try {
    bundle = ajv.getSchema(bundleSchema.$id);
} catch (e) {
    console.error(`validate-stix: ${dir}: not valid schemas: ${e.message}`);
    process.exit(2);
}

function report(errors, prefix) {
    for (const err of errors) {
        const extra = err.params && err.params.allowedValues
            ? ` (${err.params.allowedValues.join(', ')})` : '';
        console.log(`  ${prefix}${err.instancePath || '/'}: ${err.message}${extra}`);
    }
}

let failed = 0;
for (const file of files) {
    const doc = load(file);
    let ok = true;
    const lines = [];
    if (!bundle(doc)) {
        ok = false;
        lines.push(['', bundle.errors]);
    }
    const objects = Array.isArray(doc && doc.objects) ? doc.objects : [];
    objects.forEach((o, i) => {
        const id = schemaFor(o && o.type);
        if (!id) {
            ok = false;
            lines.push([`/objects/${i}`, [{ instancePath: '', message: `no schema for type ${o && o.type}` }]]);
            return;
        }
        const v = ajv.getSchema(id);
        if (!v(o)) {
            ok = false;
            lines.push([`/objects/${i}`, v.errors]);
        }
    });
    if (ok) {
        console.log(`ok      ${file}`);
        continue;
    }
    failed++;
    console.log(`invalid ${file}`);
    for (const [p, errs] of lines) report(errs, p);
}
process.exit(failed ? 1 : 0);
