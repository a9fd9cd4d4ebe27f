#!/usr/bin/env node
// Generates docs/config-reference.md from schema/config.schema.json and schema/functions.json, so
// the reference cannot say anything the schema does not. `--check` regenerates in memory and fails
// when the committed file differs (test/config/reference.test.ts runs it under jest).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const schemaPath = path.join(root, 'schema', 'config.schema.json');
const functionsPath = path.join(root, 'schema', 'functions.json');
const outPath = path.join(root, 'docs', 'config-reference.md');

// What each limit bounds. Only the wording lives here; the numbers come from the schema.
const LIMIT_WORDS = {
  maxConfigBytes: 'Size of the config file (UTF-8 bytes).',
  maxSteps: 'Number of steps.',
  maxExpressionDepth: 'Nesting depth of one expression tree (a single literal is 1 deep).',
  maxExpressionNodes: 'Nodes in one expression tree.',
  maxSources: 'Number of sources.',
  maxColumnsPerSource: 'Columns of one source.',
  maxSummaryRows: 'Rows the summary may carry (`output.summary.firstRows`).',
};

const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (value) => `\`${JSON.stringify(value)}\``;
const anchor = (name) => name.toLowerCase().replace(/[^a-z0-9-]/g, '');
const refName = (ref) => ref.replace('#/$defs/', '');
const link = (name) => `[${name}](#${anchor(name)})`;

/** A schema node as a short type expression with links to definitions. */
function typeOf(node) {
  if (!node || typeof node !== 'object') return 'any';
  if (node.$ref) return link(refName(node.$ref));
  if ('const' in node) return code(node.const);
  if (Array.isArray(node.enum)) return node.enum.map(code).join(' \\| ');
  if (Array.isArray(node.oneOf)) return node.oneOf.map(typeOf).join(' \\| ');
  if (node.title && node.type === 'object') return link(node.title);
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  return (
    types
      .map((t) => (t === 'array' ? `${node.items ? typeOf(node.items) : 'any'}[]` : t))
      .join(' \\| ') || 'any'
  );
}

/** Constraints of a node (and of the array items / referenced definition it wraps), in words. */
function constraints(node) {
  const out = [];
  const add = (key, words) => {
    if (node[key] !== undefined) out.push(words(node[key]));
  };
  add('minItems', (v) => `at least ${v} item${v === 1 ? '' : 's'}`);
  add('maxItems', (v) => `at most ${v} item${v === 1 ? '' : 's'}`);
  add('minLength', (v) => `at least ${v} character${v === 1 ? '' : 's'}`);
  add('maxLength', (v) => `at most ${v} character${v === 1 ? '' : 's'}`);
  add('pattern', (v) => `matches \`${v}\``);
  add('minimum', (v) => `>= ${v}`);
  add('maximum', (v) => `<= ${v}`);
  add('exclusiveMinimum', (v) => `> ${v}`);
  add('exclusiveMaximum', (v) => `< ${v}`);
  return out.join('; ');
}

function propertyTable(node) {
  const required = new Set(node.required || []);
  const lines = ['| property | type | required | default | constraints | description |', '|---|---|---|---|---|---|'];
  for (const [name, prop] of Object.entries(node.properties || {})) {
    const description = prop.description || '';
    lines.push(
      `| \`${name}\` | ${typeOf(prop)} | ${required.has(name) ? 'yes' : ''} | ${
        prop.default !== undefined ? code(prop.default) : ''
      } | ${cell(constraints(prop))} | ${cell(description)} |`,
    );
  }
  return lines;
}

/** Object schemas nested inline (with a title) get their own section after their parent. */
function inlineTitled(node, found = []) {
  for (const prop of Object.values(node.properties || {})) {
    const candidates = [prop, prop.items].filter(Boolean);
    for (const c of candidates) {
      if (c.title && c.type === 'object') {
        found.push(c);
        inlineTitled(c, found);
      }
    }
  }
  return found;
}

function section(name, node, defs, level = '###') {
  const lines = [`${level} ${name}`, ''];
  if (node.description) lines.push(node.description, '');
  if (Array.isArray(node.oneOf)) {
    const branches = node.oneOf.map((b) => (b.$ref ? defs[refName(b.$ref)] : b));
    const discriminator = (branches[0].required || []).find((p) =>
      branches.every((b) => b.properties && b.properties[p] && ('const' in b.properties[p] || b.properties[p].enum)),
    );
    lines.push(`One of the following, chosen by \`${discriminator}\`:`, '');
    node.oneOf.forEach((b, i) => {
      const branch = branches[i];
      const value = typeOf(branch.properties[discriminator]);
      lines.push(`- \`${discriminator}\`: ${value} → ${b.$ref ? link(refName(b.$ref)) : link(branch.title)}`);
    });
    lines.push('');
    for (const b of node.oneOf) if (!b.$ref) lines.push(...section(b.title, b, defs, '####'));
    return lines;
  }
  if (Array.isArray(node.enum)) {
    lines.push(`One of: ${node.enum.map(code).join(', ')}.`, '');
    return lines;
  }
  if (node.type === 'object') {
    if (node.additionalProperties === false) lines.push('No other properties are allowed.', '');
    lines.push(...propertyTable(node), '');
    for (const nested of inlineTitled(node)) lines.push(...section(nested.title, nested, defs, '####'));
    return lines;
  }
  const c = constraints(node);
  lines.push(`Type: ${typeOf(node)}${c ? ` (${c})` : ''}.`, '');
  return lines;
}

function generate() {
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  const functions = JSON.parse(fs.readFileSync(functionsPath, 'utf8')).functions;
  const defs = schema.$defs;
  const out = [
    '<!-- GENERATED FILE, DO NOT EDIT: run `node scripts/generate-config-reference.js`. -->',
    '<!-- Source: schema/config.schema.json and schema/functions.json. -->',
    '',
    '# Transformation config reference',
    '',
    schema.description,
    '',
    `Schema: \`schema/config.schema.json\` (JSON Schema 2020-12, \`${schema.$id}\`), config \`version\` ${code(
      schema.properties.version.const,
    )}.`,
    'The TypeScript types (`src/config/types.generated.ts`) are generated from it; the TypeScript',
    '(`src/config`) and Python (`sheetscale_engine.config`) validators both read it and report the',
    'same issues, worded the same way, for the same config.',
    '',
    '## How a config is checked',
    '',
    '1. **Limits** (below): the size of the file and the shape of each expression.',
    '2. **The schema**: every property, type and value. For a step, an expression, a source format or',
    '   a filter condition, only the definition chosen by its `op`, `kind`, `type` or `filterOn` is',
    '   checked, so the messages are about what the config meant.',
    '3. **Meaning**: ids are unique; `main` and every source named exist; each column a step uses',
    '   exists at that step (columns are followed through the steps: formula, lookup and aggregate',
    '   columns are added, renames, deletes, selects, groups and appends change the table); a new',
    '   column does not already exist; lookup and criteria columns exist in their source; functions',
    '   are in the list below, are not table functions, and get an allowed number of arguments;',
    '   output columns, totals and pivots exist.',
    '',
    'Each stage runs only when the previous one found nothing. Each issue is one line',
    '`<path>: <message>`, the path written like `steps[3].expr.args[1]` (`(root)` for the config',
    'itself), sorted by path. Examples:',
    '',
    '```text',
    'steps[3].expr.args[1]: unknown column "Amout" (did you mean "Amount"?)',
    'steps[1].op: unknown op "vlookup" (did you mean "lookup"?)',
    'steps[2].expr: VLOOKUP cannot appear inside an expression; it is recorded as a lookup step',
    'steps[4].expr: ROUND takes 2 arguments, got 1',
    '```',
    '',
    'More, with the exact messages, in `test/fixtures/configs/invalid/*.expected.json`.',
    '',
    '## Validating a config',
    '',
    'From the command line (the engine\'s Python; exit status 1 when a config is invalid):',
    '',
    '```sh',
    'node scripts/run-python.js -m sheetscale_engine.config ../test/fixtures/configs/valid/reconciliation.json',
    '```',
    '',
    'From TypeScript:',
    '',
    '```ts',
    "import { validateConfig, assertValidConfig, formatIssue } from './src/config';",
    'const result = validateConfig(parsedJsonOrText); // { ok: true, config } | { ok: false, errors }',
    'if (!result.ok) console.error(result.errors.map(formatIssue).join("\\n"));',
    'const config = assertValidConfig(input); // or throws ConfigValidationError (.issues)',
    '```',
    '',
    'From Python (`spark/`):',
    '',
    '```python',
    'from sheetscale_engine.config import load_config, validate_config, ConfigValidationError',
    'config = load_config("config.json")  # a path or JSON text; raises ConfigValidationError (.issues)',
    'issues = validate_config(obj)         # [] when valid',
    '```',
    '',
    'Both take optional lower or higher limits (`options.limits` / `limits=`). When the engine runs',
    'from a zip (EMR), `sheetscale_engine.config.bundle_schema_files(zipfile)` puts the two schema',
    'files inside the package, where the validator finds them.',
    '',
    'After changing the schema, regenerate and commit: `node scripts/generate-config-types.js` and',
    '`node scripts/generate-config-reference.js` (`npm test` fails on drift).',
    '',
    '## Limits',
    '',
    'From the schema\'s `x-sheetscale-limits`; both validators enforce them.',
    '',
    '| limit | value | bounds |',
    '|---|---|---|',
  ];
  for (const [name, value] of Object.entries(schema['x-sheetscale-limits'])) {
    out.push(`| \`${name}\` | ${value} | ${cell(LIMIT_WORDS[name] || '')} |`);
  }
  out.push('', '## The config (root)', '');
  // The root's description opens the page; its section starts at the property table.
  out.push(...section('SheetscaleConfig', { ...schema, description: undefined }, defs).slice(2));
  out.push('## Definitions', '');
  for (const [name, node] of Object.entries(defs)) out.push(...section(name, node, defs));
  out.push('## Functions', '');
  out.push(
    'The closed list from `schema/functions.json`. Table functions never appear in an expression:',
    'the recorder turns each call into the step named.',
    '',
    '| function | category | arguments | notes |',
    '|---|---|---|---|',
  );
  for (const f of functions) {
    const args = f.minArgs === f.maxArgs ? String(f.minArgs) : `${f.minArgs} to ${f.maxArgs}`;
    const notes = [];
    if (f.becomesStep) notes.push(`becomes a \`${f.becomesStep}\` step`);
    if (f.pinnedToRunStart) notes.push('evaluated once, at the start of the run');
    out.push(`| \`${f.name}\` | ${f.category} | ${args} | ${notes.join('; ')} |`);
  }
  out.push('');
  return out.join('\n');
}

function main() {
  const generated = generate();
  const rel = path.relative(root, outPath);
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(outPath) ? fs.readFileSync(outPath, 'utf8') : null;
    if (current !== generated) {
      console.error(
        `${rel} is out of date with schema/` +
          (current === null ? ' (the file is missing)' : '') +
          '.\nRun `node scripts/generate-config-reference.js` and commit the result.',
      );
      process.exit(1);
    }
    console.log(`${rel} matches the schema.`);
    return;
  }
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  fs.writeFileSync(outPath, generated);
  console.log(`wrote ${rel}`);
}

main();
