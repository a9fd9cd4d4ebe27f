#!/usr/bin/env node
// Creates spark/.venv with the pinned Python environment (spark/requirements.txt) and the engine
// installed in editable mode. Runs on `npm install`; does nothing when the pins have not changed.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { root, venvDir, venvPython } = require('./python-env');

const requirements = path.join(root, 'spark', 'requirements.txt');
const pyproject = path.join(root, 'spark', 'pyproject.toml');
const stamp = path.join(venvDir, '.sheetscale-stamp');

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    console.error(`sheetscale setup: ${what} failed (${cmd} ${args.join(' ')}).`);
    process.exit(r.status ?? 1);
  }
}

function findPython() {
  for (const candidate of [process.env.SHEETSCALE_PYTHON, 'python3.11', 'python3', 'python']) {
    if (!candidate) continue;
    const r = spawnSync(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() === '3.11') return candidate;
  }
  console.error('sheetscale setup: Python 3.11 is needed (pyspark 3.5 and the EMR 7 clusters use it). Install it, or set SHEETSCALE_PYTHON to its path.');
  process.exit(1);
}

function checkJava() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.warn('sheetscale setup: warning: `java` is not on PATH; Spark needs Java 17 to run the engine.');
  }
}

if (process.env.SHEETSCALE_SKIP_PYTHON === '1') {
  console.log('sheetscale setup: SHEETSCALE_SKIP_PYTHON=1, not preparing spark/.venv.');
  process.exit(0);
}

const digest = crypto
  .createHash('sha256')
  .update(fs.readFileSync(requirements))
  .update(fs.readFileSync(pyproject))
  .digest('hex');
if (fs.existsSync(venvPython) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) {
  console.log('sheetscale setup: spark/.venv is up to date.');
  process.exit(0);
}

checkJava();
if (!fs.existsSync(venvPython)) {
  console.log('sheetscale setup: creating spark/.venv ...');
  run(findPython(), ['-m', 'venv', venvDir], 'creating the virtualenv');
}
console.log('sheetscale setup: installing the pinned Python packages (pyspark is ~320 MB the first time) ...');
run(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', requirements], 'pip install');
run(venvPython, ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '--no-deps', '-e', path.join(root, 'spark')], 'installing the engine');
fs.writeFileSync(stamp, digest);
console.log('sheetscale setup: spark/.venv is ready.');
