import { makeTestApp, ledgerConfig, waitForJob, type TestApp } from './helpers';

let t: TestApp;
let alice: string;
beforeEach(async () => {
  t = await makeTestApp();
  alice = t.token('alice', ['finance']);
});
afterEach(async () => t.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

test('submit → 202, runs, summary and rows come back', async () => {
  const r = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: ledgerConfig() } });
  expect(r.statusCode).toBe(202);
  const job = r.json().job;
  expect(job).toMatchObject({ user: 'alice', state: 'queued', datasets: ['ledger'], attempts: 0 });
  expect(job.configHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  const done = await waitForJob(t, alice, job.id);
  expect(done).toMatchObject({ state: 'succeeded', progress: 1, attempts: 1, rowCount: 3 });
  const summary = await t.app.inject({ method: 'GET', url: `/v1/jobs/${job.id}/summary`, headers: auth(alice) });
  expect(summary.statusCode).toBe(200);
  expect(summary.json()).toMatchObject({ status: 'succeeded', rowCount: 3 });
  const rows = await t.app.inject({ method: 'GET', url: `/v1/jobs/${job.id}/rows?offset=1&limit=5`, headers: auth(alice) });
  expect(rows.json()).toEqual({
    columns: [{ name: 'Account', type: 'text' }, { name: 'Amount', type: 'number' }, { name: 'Date', type: 'date' }],
    // 2024-02-29 and 2024-03-01 as 1900-system serials: 45351 and 45352
    rows: [['4100', -3, 45351], ['4000', 7, 45352]],
    offset: 1,
    total: 3,
  });
  const dl = await t.app.inject({ method: 'GET', url: `/v1/jobs/${job.id}/download`, headers: auth(alice) });
  expect(dl.statusCode).toBe(200);
  const link = new URL(dl.json().url);
  const file = await t.app.inject({ method: 'GET', url: link.pathname });
  expect(file.statusCode).toBe(200);
  expect(file.body).toContain('Account,Amount,Date');
  const forged = await t.app.inject({ method: 'GET', url: `${link.pathname}x` });
  expect(forged.statusCode).toBe(404);
});
