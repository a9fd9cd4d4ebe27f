#!/usr/bin/env node
// Runs the project-local Python (spark/.venv) with the given arguments, from spark/.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root, venvPython } = require('./python-env');

if (!fs.existsSync(venvPython)) {
  console.error('spark/.venv is missing: run `npm install` (it prepares the Python side).');
  process.exit(2);
}
const r = spawnSync(venvPython, process.argv.slice(2), {
  stdio: 'inherit',
  cwd: path.join(root, 'spark'),
  env: { ...process.env, PYSPARK_PYTHON: venvPython, PYSPARK_DRIVER_PYTHON: venvPython },
});
process.exit(r.status ?? 1);
