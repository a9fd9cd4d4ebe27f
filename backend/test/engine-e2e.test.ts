/**
 * End to end with the real engine: `sheetscale_engine.job` (PySpark, local) through the local
 * runner, on a small ledger. Slow (a Spark start-up), so one test covers submit → run → summary →
 * rows → download.
 */
import { makeTestApp, waitForJob, type TestApp } from './helpers';

jest.setTimeout(400_000);

let t: TestApp;
afterAll(async () => t?.close());

test('a config runs on the real engine and its summary and rows come back', async () => {
  // An empty SHEETSCALE_ENGINE_CMD means the default: spark/.venv/bin/python -m sheetscale_engine.job
  t = await makeTestApp({ SHEETSCALE_ENGINE_CMD: '' });
  const alice = t.token('alice', ['finance']);
  const headers = { authorization: `Bearer ${alice}` };
  const config = {
    version: 1,
    main: 'ledger',
    sources: [{ name: 'ledger', dataset: 'ledger', columns: [{ name: 'Account', type: 'text' }, { name: 'Amount', type: 'number' }, { name: 'Date', type: 'date' }], format: { type: 'csv' } }],
    steps: [
      {
        op: 'formula',
        id: 's1',
        provenance: { sheet: 'Ledger', cell: 'D2', formula: '=ROUND(B2*2,0)' },
        column: 'Double',
        expr: { kind: 'call', name: 'ROUND', args: [{ kind: 'binary', op: '*', left: { kind: 'column', name: 'Amount' }, right: { kind: 'number', value: 2 } }, { kind: 'number', value: 0 }] },
      },
    ],
    output: { summary: { totals: ['Amount'] } },
  };
  const r = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers, payload: { config } });
  expect(r.statusCode).toBe(202);
  const job = await waitForJob(t, alice, r.json().job.id, 380_000, 500);
  expect(job).toMatchObject({ state: 'succeeded', rowCount: 3, steps: [{ id: 's1', op: 'formula', rowsIn: 3, rowsOut: 3 }] });
  const summary = (await t.app.inject({ method: 'GET', url: `/v1/jobs/${job.id}/summary`, headers })).json();
  // ROUND(10.5*2,0) = 21, ROUND(-3*2,0) = -6, ROUND(7*2,0) = 14; SUM(10.5,-3,7) = 14.5; the dates
  // are 1900-system serials (2024-01-31 = 45322).
  expect(summary.firstRows).toEqual([['4000', 10.5, 45322, 21], ['4100', -3, 45351, -6], ['4000', 7, 45352, 14]]);
  expect(summary.totals).toEqual({ Amount: 14.5 });
  const rows = (await t.app.inject({ method: 'GET', url: `/v1/jobs/${job.id}/rows?offset=1&limit=2`, headers })).json();
  expect(rows).toMatchObject({ rows: summary.firstRows.slice(1), offset: 1, total: 3 });
  expect((await t.app.inject({ method: 'GET', url: `/v1/jobs/${job.id}/download`, headers })).json().url).toMatch(/\/files\//);

  // Preview on rows from the workbook: the service writes them as CSV for the engine (dates as ISO
  // text, blanks empty). In Excel a blank cell counts as 0 in arithmetic: ROUND(blank*2,0) = 0.
  const preview = await t.app.inject({ method: 'POST', url: '/v1/preview', headers, payload: { config, inputs: { ledger: { rows: [['4000', 1.5, 45351], ['4100', null, null]] } } } });
  expect(preview.statusCode).toBe(200);
  expect(preview.json().rows).toEqual([['4000', 1.5, 45351, 3], ['4100', null, null, 0]]);
});
