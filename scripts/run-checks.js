#!/usr/bin/env node
// `npm test`: every check of the project, in one run. Each check runs even when an earlier one
// failed, so one run shows everything that is wrong; the exit code is non-zero if any failed.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('./python-env');

const npx = (bin, ...args) => [path.join(root, 'node_modules', '.bin', bin), args];
const node = (script, ...args) => [process.execPath, [path.join(root, script), ...args]];

/** @type {{name: string, cmd: [string, string[]], when?: () => boolean}[]} */
const checks = [
  { name: 'config types match the schema', cmd: node('scripts/generate-config-types.js', '--check') },
  { name: 'type-check (tsc)', cmd: npx('tsc', '-p', 'tsconfig.json') },
  { name: 'lint (eslint)', cmd: npx('eslint', '.', '--max-warnings', '0') },
  { name: 'python lint (ruff)', cmd: node('scripts/run-python.js', '-m', 'ruff', 'check', '.', '../bench', '../examples') },
  { name: 'python types (mypy)', cmd: node('scripts/run-python.js', '-m', 'mypy') },
  { name: 'manifest schema (xmllint)', cmd: node('scripts/validate-manifest.js'), when: () => fs.existsSync(path.join(root, 'scripts/validate-manifest.js')) },
  { name: 'jest', cmd: npx('jest', '--ci') },
  { name: 'pytest (engine, golden cases)', cmd: node('scripts/run-python.js', '-m', 'pytest', '-q') },
  { name: 'add-in build (webpack)', cmd: npx('webpack', '--mode', 'production'), when: () => fs.existsSync(path.join(root, 'src/taskpane')) },
  { name: 'browser end-to-end (chromium)', cmd: npx('jest', '--ci', '-c', 'jest.e2e.config.js'), when: () => fs.existsSync(path.join(root, 'jest.e2e.config.js')) },
];

const only = process.argv.slice(2);
const results = [];
for (const check of checks) {
  if (only.length && !only.some((o) => check.name.includes(o))) continue;
  if (check.when && !check.when()) continue;
  console.log(`\n=== ${check.name} ===`);
  const started = Date.now();
  const [cmd, args] = check.cmd;
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
  const ok = r.status === 0;
  results.push({ name: check.name, ok, seconds: (Date.now() - started) / 1000 });
}

console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name}  (${r.seconds.toFixed(1)} s)`);
const failed = results.filter((r) => !r.ok).length;
console.log(`checks: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
