#!/usr/bin/env node
// Validates JSON files against a JSON Schema (draft 2020-12) with ajv, an implementation
// independent of mamori's own parser.
//
//   node tests/tools/validate-schema.mjs SCHEMA FILE...
//
// Prints "ok FILE" or "invalid FILE" followed by one line per error. Exit: 0 every file is
// valid, 1 at least one is not, 2 usage error or an unreadable schema or file.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let Ajv2020, addFormats;
try {
    Ajv2020 = require('ajv/dist/2020').default;
    addFormats = require('ajv-formats').default;
} catch (e) {
    console.error('validate-schema: ajv and ajv-formats are not installed: run "npm ci" ' +
                  '(or "make deps") in the source folder (' + e.message.split('\n')[0] + ')');
    process.exit(2);
}

const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
    console.error('usage: validate-schema.mjs SCHEMA FILE...');
    process.exit(2);
}

function load(path) {
    try {
        return JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
        console.error(`validate-schema: ${path}: ${e.message}`);
        process.exit(2);
    }
}

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv); // "format": "date" is asserted: 2026-02-30 is not a date
let validate;
try {
    validate = ajv.compile(load(schemaPath));
} catch (e) {
    console.error(`validate-schema: ${schemaPath}: not a valid schema: ${e.message}`);
    process.exit(2);
}

let failed = 0;
for (const file of files) {
    if (validate(load(file))) {
        console.log(`ok      ${file}`);
        continue;
    }
    failed++;
    console.log(`invalid ${file}`);
    for (const err of validate.errors) {
        const extra = err.params && err.params.additionalProperty !== undefined
            ? ` ("${err.params.additionalProperty}")`
            : err.params && err.params.unevaluatedProperty !== undefined
                ? ` ("${err.params.unevaluatedProperty}")`
                : err.params && err.params.allowedValues
                    ? ` (${err.params.allowedValues.join(', ')})`
                    : '';
        console.log(`  ${err.instancePath || '/'}: ${err.message}${extra}`);
    }
}
process.exit(failed ? 1 : 0);
