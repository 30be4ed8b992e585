#!/usr/bin/env node
// Validates OSCAL JSON documents against NIST's OSCAL 1.1.3 JSON Schemas (draft-07) with
// ajv, an implementation independent of mamori.
//
//   node tests/tools/validate-oscal.mjs SCHEMA FILE...
//
// SCHEMA is one of tests/schemas/oscal_{ssp,poam,assessment-results}_schema.json. Prints
// "ok FILE" or "invalid FILE" followed by one line per error with its instance path. Exit: 0
// every file is valid, 1 at least one is not, 2 usage error or an unreadable schema or file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let Ajv, addFormats;
try {
    Ajv = require('ajv').default; // draft-07, as NIST's OSCAL schemas declare
    addFormats = require('ajv-formats').default;
} catch (e) {
    console.error('validate-oscal: ajv and ajv-formats are not installed: run "npm ci" ' +
                  '(or "make deps") in the source folder (' + e.message.split('\n')[0] + ')');
    process.exit(2);
}

const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
    console.error('usage: validate-oscal.mjs SCHEMA FILE...');
    process.exit(2);
}

function load(path) {
    try {
        return JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
        console.error(`validate-oscal: ${path}: ${e.message}`);
        process.exit(2);
    }
}

// strict: false because NIST's schemas use keywords ajv's strict mode rejects; allErrors so
// that one run lists every problem. Formats (date-time, uri, uri-reference, email) are
// asserted, as the OSCAL datatypes require.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
let validate;
try {
    validate = ajv.compile(load(schemaPath));
} catch (e) {
    console.error(`validate-oscal: ${schemaPath}: not a valid schema: ${e.message}`);
    process.exit(2);
}

function detail(err) {
    const p = err.params || {};
    if (p.additionalProperty !== undefined)
        return ` ("${p.additionalProperty}")`;
    if (p.allowedValues)
        return ` (${p.allowedValues.join(', ')})`;
    return '';
}

let failed = 0;
for (const file of files) {
    const doc = load(file);
    if (validate(doc)) {
        console.log(`ok      ${file}`);
        continue;
    }
    failed++;
    console.log(`invalid ${file}`);
    // anyOf/oneOf branches repeat the same failure: print each distinct line once
    const seen = new Set();
    for (const err of validate.errors) {
        const line = `  ${err.instancePath || '/'}: ${err.message}${detail(err)}`;
        if (!seen.has(line)) {
            seen.add(line);
            console.log(line);
        }
    }
}
process.exit(failed ? 1 : 0);
