// Browser end-to-end tests of the add-in (test/e2e): the built task pane in Debian's Chromium
// (playwright-core) with a fake Office/Excel host, against the backend started in process with
// the real local engine. Slow (a Spark job runs), so kept out of the main jest run.
'use strict';
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  testTimeout: 600_000,
  maxWorkers: 1,
};
