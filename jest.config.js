// jest for every TypeScript part. Browser end-to-end tests run separately (jest.e2e.config.js).
'use strict';
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/backend', '<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/test/e2e/'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  moduleNameMapper: {
    // office-addin-mock pulls office-addin-manifest, whose ESM-only dependencies break jest.
    '^office-addin-manifest$': 'office-addin-manifest/lib/officeApp.js',
    '\\.(css|png|svg)$': '<rootDir>/test/support/file-stub.js',
  },
};
