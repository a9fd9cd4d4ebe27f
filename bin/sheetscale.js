#!/usr/bin/env node
// The `sheetscale` command. The CLI is TypeScript (src/cli); tsx compiles it on the fly so that a
// fresh clone works right after `npm install`, with no build step to forget.
'use strict';
require('tsx/cjs/api').register();
require('../src/cli/main.ts')
  .main(process.argv)
  .then((code) => { process.exitCode = code; })
  .catch((err) => {
    console.error(err instanceof Error ? err.stack ?? err.message : String(err));
    process.exitCode = 2;
  });
