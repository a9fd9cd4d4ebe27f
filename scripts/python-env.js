// Where the project-local Python lives, shared by every script that runs Python.
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const venvDir = path.join(root, 'spark', '.venv');
const isWindows = process.platform === 'win32';
const venvPython = path.join(venvDir, isWindows ? 'Scripts' : 'bin', isWindows ? 'python.exe' : 'python');

module.exports = { root, venvDir, venvPython };
