#!/usr/bin/env node
// Offline check of the add-in manifest: xmllint against the manifest XML schemas in
// test/fixtures/manifest-schemas/ (see the README there for their source), then what a schema
// cannot say: every resid is defined, every asset URL exists in assets/, the ribbon button opens
// the task pane from the Home tab, and ExcelApi 1.12 is the minimum requirement.
//   node scripts/validate-manifest.js [manifest.xml ...]   (default: manifest.xml and dist/manifest.xml if built)
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const schema = path.join(root, 'test', 'fixtures', 'manifest-schemas', 'appforoffice-1.1.xsd');

/** Problems beyond the schema, as sentences. */
function semanticProblems(xml, file) {
  const problems = [];
  const defined = new Set([...xml.matchAll(/<bt:(?:Image|Url|String)\s+id="([^"]+)"/g)].map((m) => m[1]));
  for (const m of xml.matchAll(/resid="([^"]+)"/g)) {
    if (!defined.has(m[1])) problems.push(`${file}: resid "${m[1]}" is used but not defined under <Resources>.`);
  }
  for (const m of xml.matchAll(/"https?:\/\/[^"/]+\/(assets\/[^"]+)"/g)) {
    if (!fs.existsSync(path.join(root, m[1]))) problems.push(`${file}: ${m[1]} is referenced but missing (run node scripts/generate-icons.js).`);
  }
  if (!/<Set Name="ExcelApi" MinVersion="1\.12"\s*\/>/.test(xml)) problems.push(`${file}: the minimum requirement must be <Set Name="ExcelApi" MinVersion="1.12"/>.`);
  if (!/<OfficeTab id="TabHome">[\s\S]*<Action xsi:type="ShowTaskpane">/.test(xml)) problems.push(`${file}: the Home tab (TabHome) needs a button whose action is ShowTaskpane.`);
  return problems;
}

function validate(file) {
  const r = spawnSync('xmllint', ['--noout', '--schema', schema, file], { encoding: 'utf8' });
  if (r.error) {
    console.error(`cannot run xmllint (${r.error.message}); install it with: apt-get install libxml2-utils`);
    return false;
  }
  const problems = r.status === 0 ? [] : [r.stderr.trim()];
  problems.push(...semanticProblems(fs.readFileSync(file, 'utf8'), path.relative(root, file)));
  if (problems.length) {
    console.error(problems.join('\n'));
    return false;
  }
  console.log(`${path.relative(root, file)}: valid`);
  return true;
}

const files = process.argv.slice(2).length
  ? process.argv.slice(2).map((f) => path.resolve(f))
  : [path.join(root, 'manifest.xml'), path.join(root, 'dist', 'manifest.xml')].filter((f) => fs.existsSync(f));
const ok = files.map(validate).every(Boolean);
process.exit(ok ? 0 : 1);
