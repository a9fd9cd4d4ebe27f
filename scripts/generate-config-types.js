#!/usr/bin/env node
// Generates src/config/types.generated.ts from schema/config.schema.json (the one definition of
// the config contract). `--check` regenerates in memory and fails when the committed file differs,
// so CI catches a schema change whose types were not regenerated.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { compile } = require('json-schema-to-typescript');

const root = path.resolve(__dirname, '..');
const schemaPath = path.join(root, 'schema', 'config.schema.json');
const outPath = path.join(root, 'src', 'config', 'types.generated.ts');

const BANNER = [
  '/* eslint-disable */',
  '// GENERATED FILE, DO NOT EDIT.',
  '// Generated from schema/config.schema.json by scripts/generate-config-types.js.',
  '// Change the schema, then run `npm run generate:types`.',
].join('\n');

async function generate() {
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  const ts = await compile(schema, 'SheetscaleConfig', {
    bannerComment: BANNER,
    cwd: path.dirname(schemaPath),
    additionalProperties: false,
    // minItems would become tuple types ([Step, ...Step[]]), awkward to build configs with;
    // the validators enforce the counts.
    ignoreMinAndMaxItems: true,
    unreachableDefinitions: true,
    style: { singleQuote: true, printWidth: 110 },
  });
  return ts;
}

async function main() {
  const check = process.argv.includes('--check');
  const generated = await generate();
  if (check) {
    const current = fs.existsSync(outPath) ? fs.readFileSync(outPath, 'utf8') : null;
    if (current !== generated) {
      console.error(
        `${path.relative(root, outPath)} is out of date with schema/config.schema.json` +
          (current === null ? ' (the file is missing)' : '') +
          '.\nRun `node scripts/generate-config-types.js` (npm run generate:types) and commit the result.',
      );
      process.exit(1);
    }
    console.log(`${path.relative(root, outPath)} matches the schema.`);
    return;
  }
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  fs.writeFileSync(outPath, generated);
  console.log(`wrote ${path.relative(root, outPath)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
