/** Job life cycle through the API with the local runner and the fake engine. */
import path from 'node:path';
import { Dispatcher } from '../src/dispatcher';
import { makeTestApp, ledgerConfig, waitForJob, type TestApp } from './helpers';

let t: TestApp;
let alice: string;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
afterEach(async () => {
  delete process.env.FAKE_ENGINE_MODE;
  delete process.env.FAKE_ENGINE_SLEEP_MS;
  await t.close();
});

test('an engine failure (error.json) → failed with the step and message, no retry; resubmit runs it again', async () => {
  t = await makeTestApp();
  alice = t.token('alice', ['finance']);
  process.env.FAKE_ENGINE_MODE = 'fail';
  const id = (await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: ledgerConfig() } })).json().job.id;
  const failed = await waitForJob(t, alice, id);
  expect(failed).toMatchObject({ state: 'failed', attempts: 1, error: { code: 'STEP_FAILED', step: 's1', message: expect.stringContaining('VLOOKUP'), hint: 'fix it' } });
  expect((await t.app.inject({ method: 'GET', url: `/v1/jobs/${id}/summary`, headers: auth(alice) })).statusCode).toBe(409);
  delete process.env.FAKE_ENGINE_MODE;
  const again = await t.app.inject({ method: 'POST', url: `/v1/jobs/${id}/resubmit`, headers: auth(alice) });
  expect(again.statusCode).toBe(202);
  expect(await waitForJob(t, alice, id)).toMatchObject({ state: 'succeeded', attempts: 1 });
  expect((await t.app.inject({ method: 'POST', url: `/v1/jobs/${id}/resubmit`, headers: auth(alice) })).statusCode).toBe(409);
});

test('engine crashes are retried, then dead-lettered with the reason (visible in the API and metrics)', async () => {
  t = await makeTestApp({ SHEETSCALE_MAX_ATTEMPTS: '2' });
  alice = t.token('alice', ['finance']);
  process.env.FAKE_ENGINE_MODE = 'crash';
  const id = (await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: ledgerConfig() } })).json().job.id;
  const dead = await waitForJob(t, alice, id);
  expect(dead).toMatchObject({ state: 'dead', attempts: 2, error: { code: 'ENGINE_CRASHED', message: expect.stringContaining('Gave up after 2 attempts') } });
  const listed = (await t.app.inject({ method: 'GET', url: '/v1/jobs?state=dead', headers: auth(alice) })).json().jobs;
  expect(listed.map((j: { id: string }) => j.id)).toEqual([id]);
  expect((await t.app.inject({ method: 'GET', url: '/metrics' })).body).toContain('sheetscale_jobs{state="dead"} 1');
});

test('cancel a running job: the engine is killed, the job ends cancelled', async () => {
  t = await makeTestApp();
  alice = t.token('alice', ['finance']);
  process.env.FAKE_ENGINE_SLEEP_MS = '30000';
  const id = (await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: ledgerConfig() } })).json().job.id;
  for (let i = 0; i < 200; i++) {
    const job = (await t.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: auth(alice) })).json().job;
    if (job.state === 'running' && job.phase === 'reading') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const r = await t.app.inject({ method: 'POST', url: `/v1/jobs/${id}/cancel`, headers: auth(alice) });
  expect(r.statusCode).toBe(200);
  expect(await waitForJob(t, alice, id)).toMatchObject({ state: 'cancelled' });
});

test('per-user rate limit: the verified user, not the address, is limited', async () => {
  t = await makeTestApp({ SHEETSCALE_RATE_LIMIT: '3' });
  const a = t.token('alice', ['finance']);
  const codes = [];
  for (let i = 0; i < 4; i++) codes.push((await t.app.inject({ method: 'GET', url: '/v1/me', headers: auth(a) })).statusCode);
  expect(codes).toEqual([200, 200, 200, 429]);
  const limited = await t.app.inject({ method: 'GET', url: '/v1/me', headers: auth(a) });
  expect(limited.json().error.code).toBe('RATE_LIMITED');
  // Bob, from the same address, is not affected.
  expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: auth(t.token('bob', [])) })).statusCode).toBe(200);
});

test('request bodies over the limit → 413', async () => {
  t = await makeTestApp({ SHEETSCALE_BODY_LIMIT_BYTES: '2048' });
  const r = await t.app.inject({ method: 'POST', url: '/v1/uploads', headers: auth(t.token('alice', ['finance'])), payload: { name: 'big', columns: [{ name: 'A', type: 'text' }], rows: Array.from({ length: 500 }, () => ['xxxxxxxx']) } });
  expect(r.statusCode).toBe(413);
  expect(r.json().error.code).toBe('PAYLOAD_TOO_LARGE');
});

test('preview runs the config on rows from the workbook (synchronously) and returns the summary rows', async () => {
  t = await makeTestApp();
  alice = t.token('alice', ['finance']);
  const r = await t.app.inject({ method: 'POST', url: '/v1/preview', headers: auth(alice), payload: { config: ledgerConfig(), inputs: { ledger: { rows: [['4000', 1.5, 45351], ['4100', null, null]] } } } });
  expect(r.statusCode).toBe(200);
  expect(r.json().rows).toEqual([['4000', 1.5, '2024-02-29'], ['4100', null, null]]); // the fake engine echoes its CSV input
  expect(r.json().summary).toMatchObject({ status: 'succeeded', rowCount: 2 });
  const fromDataset = await t.app.inject({ method: 'POST', url: '/v1/preview', headers: auth(alice), payload: { config: ledgerConfig() } });
  expect(fromDataset.json().summary.rowCount).toBe(3);
  const forbidden = await t.app.inject({ method: 'POST', url: '/v1/preview', headers: auth(t.token('bob', ['sales'])), payload: { config: ledgerConfig() } });
  expect(forbidden.statusCode).toBe(403);
  const tooMany = await t.app.inject({ method: 'POST', url: '/v1/preview', headers: auth(alice), payload: { config: ledgerConfig(), inputs: { ledger: { rows: Array.from({ length: 5001 }, () => ['1', 1, null]) } } } });
  expect(tooMany.statusCode).toBe(413);
});

test('explain returns the engine’s PySpark text; an invalid config is refused before the engine runs', async () => {
  t = await makeTestApp({ SHEETSCALE_PYTHON: path.join(__dirname, '..', 'test-support', 'fake-python.sh') });
  alice = t.token('alice', ['finance']);
  const r = await t.app.inject({ method: 'POST', url: '/v1/configs/explain', headers: auth(alice), payload: ledgerConfig() });
  expect(r.statusCode).toBe(200);
  expect(r.json()).toEqual({ pyspark: 'df = spark.read.csv(...)  # source ledger\n' });
  const bad = await t.app.inject({ method: 'POST', url: '/v1/configs/explain', headers: auth(alice), payload: { ...ledgerConfig(), steps: 'nope' } });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.code).toBe('CONFIG_INVALID');
});

test('shutdown stops local engines but keeps their jobs: the next start runs them again', async () => {
  t = await makeTestApp();
  alice = t.token('alice', ['finance']);
  process.env.FAKE_ENGINE_SLEEP_MS = '30000';
  const id = (await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: ledgerConfig() } })).json().job.id;
  for (let i = 0; i < 200 && t.services.store.get(id)!.phase !== 'reading'; i++) await new Promise((r) => setTimeout(r, 20));
  t.services.dispatcher.stop();
  await t.services.dispatcher.drain();
  expect(t.services.store.get(id)).toMatchObject({ state: 'running', attempts: 1 });
  process.env.FAKE_ENGINE_SLEEP_MS = '0';
  const next = new Dispatcher({ store: t.services.store, runner: t.services.runner, concurrency: 2, maxAttempts: 3, retryBaseMs: 1 });
  await next.start();
  expect(await waitForJob(t, alice, id)).toMatchObject({ state: 'succeeded', attempts: 1 });
  next.stop();
  await next.drain();
});
