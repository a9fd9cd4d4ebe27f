#!/usr/bin/env node
// A stand-in for `python -m sheetscale_engine.job` in the backend's tests: same command line, same
// outputs (progress JSON lines on stdout, OUTPUT/summary.json or OUTPUT/error.json, OUTPUT/result/
// as CSV), in milliseconds instead of a Spark start-up. `--engine auto|duckdb|spark` picks the
// engine summary.json names (auto: duckdb when every input is local, spark otherwise, as the real
// job decides); `--memory-limit`, `--master` and `--local-small` are accepted and ignored; its
// command line is kept in summary.json's `args`. Behaviour from the environment:
//   FAKE_ENGINE_SLEEP_MS  how long "computing" takes (default 0)
//   FAKE_ENGINE_MODE      succeed (default) | fail (error.json, exit 1) | crash (exit 3, no output)
//   FAKE_ENGINE_LOG       a file to append "start <output>" / "done <output>" lines to
'use strict';
/* global setTimeout */
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const inputs = {};
let config;
let output;
let requested = 'auto';
for (let i = 0; i < args.length; i += 2) {
  const [flag, value] = [args[i], args[i + 1]];
  if (flag === '--config') config = value;
  else if (flag === '--output') output = value;
  else if (flag === '--input') {
    const eq = value.indexOf('=');
    inputs[value.slice(0, eq)] = value.slice(eq + 1);
  } else if (flag === '--engine') {
    if (!['auto', 'duckdb', 'spark'].includes(value)) {
      process.stderr.write(`fake engine: --engine must be auto, duckdb or spark, got ${value}\n`);
      process.exit(2);
    }
    requested = value;
  } else if (flag === '--memory-limit' || flag === '--master') {
    // Accepted and ignored, like the real job does for the engine that does not use them.
  } else if (flag === '--local-small') {
    i -= 1; // a switch without a value
  } else {
    process.stderr.write(`fake engine: unknown flag ${flag}\n`);
    process.exit(2);
  }
}
if (!config || !output) process.exit(2);
const remote = Object.values(inputs).find((u) => u.includes('://') && !u.startsWith('file://'));
const [engine, engineReason] =
  requested !== 'auto' ? [requested, `asked for (--engine ${requested})`]
  : remote ? ['spark', `auto: input ${remote} is not on this machine`]
  : ['duckdb', 'auto: every input is on this machine'];
const log = (line) => process.env.FAKE_ENGINE_LOG && fs.appendFileSync(process.env.FAKE_ENGINE_LOG, `${line}\n`);
const say = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const startedAt = new Date().toISOString();
log(`start ${output}`);
say({ event: 'progress', phase: 'reading', fraction: 0.1, message: 'reading' });

setTimeout(() => {
  const mode = process.env.FAKE_ENGINE_MODE || 'succeed';
  if (mode === 'crash') process.exit(3);
  fs.mkdirSync(output, { recursive: true });
  if (mode === 'fail') {
    fs.writeFileSync(path.join(output, 'error.json'), JSON.stringify({ status: 'failed', code: 'STEP_FAILED', message: 'Step s1 (=VLOOKUP(A2,Accounts!A:B,2,FALSE)) failed: fake failure.', step: { id: 's1', op: 'lookup', provenance: {} }, location: null, hint: 'fix it', startedAt, failedAt: new Date().toISOString() }));
    say({ event: 'done', status: 'failed' });
    log(`failed ${output}`);
    process.exit(1);
  }
  const cfg = JSON.parse(fs.readFileSync(config, 'utf8'));
  const main = cfg.sources.find((s) => s.name === cfg.main);
  const text = fs.readFileSync(inputs[cfg.main], 'utf8');
  const lines = text.split(/\r?\n/).filter(Boolean);
  const rows = lines.slice(1).map((l) => l.split(',').map((v, i) => (main.columns[i] && main.columns[i].type === 'number' && v !== '' ? Number(v) : v === '' ? null : v)));
  fs.mkdirSync(path.join(output, 'result'), { recursive: true });
  fs.writeFileSync(path.join(output, 'result', 'part-00000.csv'), `${lines.join('\n')}\n`);
  fs.writeFileSync(path.join(output, 'result', '_SUCCESS'), '');
  say({ event: 'progress', phase: 'writing', fraction: 0.9, message: 'writing' });
  fs.writeFileSync(
    path.join(output, 'summary.json'),
    JSON.stringify({
      status: 'succeeded', engine, engineReason, engineVersion: '0-fake', args, configVersion: 1, configHash: 'sha256:x', startedAt, finishedAt: new Date().toISOString(), today: startedAt.slice(0, 10),
      rowCount: rows.length, columns: main.columns.map((c) => ({ name: c.name, type: c.type })), firstRows: rows.slice(0, 100), totals: {}, pivots: [],
      steps: [{ id: 'all', op: 'fake', rowsIn: rows.length, rowsOut: rows.length, seconds: 0 }], badRows: { count: 0, examples: [] },
      timings: { totalSeconds: 0 }, result: { format: 'csv', path: 'result', rowCount: rows.length },
    }),
  );
  say({ event: 'done', status: 'succeeded' });
  log(`done ${output}`);
}, Number(process.env.FAKE_ENGINE_SLEEP_MS || 0));
