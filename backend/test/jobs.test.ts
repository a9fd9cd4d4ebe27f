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

test('a dataset outside the user’s groups → 403 and nothing is stored or run', async () => {
  const bob = t.token('bob', ['sales']);
  const r = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(bob), payload: { config: ledgerConfig() } });
  expect(r.statusCode).toBe(403);
  expect(r.json().error.code).toBe('DATASET_FORBIDDEN');
  // Binding another source to a forbidden dataset is refused the same way, as is an unknown id.
  const viaBinding = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: ledgerConfig(), bindings: { ledger: { dataset: 'payroll' } } } });
  expect(viaBinding.statusCode).toBe(403);
  const unknown = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: ledgerConfig(), bindings: { ledger: { dataset: 'nope' } } } });
  expect(unknown.statusCode).toBe(403);
  expect(t.services.store.list({ user: null })).toHaveLength(0);
});

test('a request cannot name a location: bindings take dataset or upload ids only', async () => {
  const r = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: ledgerConfig(), bindings: { ledger: { path: '/etc/passwd' } } } });
  expect(r.statusCode).toBe(400);
  const extra = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: ledgerConfig(), output: 's3://elsewhere/' } });
  expect(extra.statusCode).toBe(400);
});

test('an invalid config → 400 CONFIG_INVALID naming the place', async () => {
  const r = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: { ...ledgerConfig(), version: 2 } } });
  expect(r.statusCode).toBe(400);
  expect(r.json().error.code).toBe('CONFIG_INVALID');
  expect(r.json().error.details.errors[0].path).toBe('version');
});

test('idempotency: same key + same body → the same job; same key + other body → 409', async () => {
  const headers = { ...auth(alice), 'idempotency-key': 'k-1' };
  const first = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers, payload: { config: ledgerConfig() } });
  const again = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers, payload: { config: ledgerConfig() } });
  expect(first.statusCode).toBe(202);
  expect(again.statusCode).toBe(200);
  expect(again.json().job.id).toBe(first.json().job.id);
  const other = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers, payload: { config: ledgerConfig({ name: 'other' }) } });
  expect(other.statusCode).toBe(409);
  expect(other.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  // Keys are per user: bob's k-1 is his own.
  const bob = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: { ...auth(t.token('bob', ['finance'])), 'idempotency-key': 'k-1' }, payload: { config: ledgerConfig() } });
  expect(bob.statusCode).toBe(202);
  expect(t.services.store.list({ user: null })).toHaveLength(2);
});

test('users see only their own jobs; the admin group sees all', async () => {
  const bobToken = t.token('bob', ['finance']);
  const a = (await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: ledgerConfig() } })).json().job;
  await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(bobToken), payload: { config: ledgerConfig() } });
  const bobs = (await t.app.inject({ method: 'GET', url: '/v1/jobs', headers: auth(bobToken) })).json().jobs;
  expect(bobs.map((j: { user: string }) => j.user)).toEqual(['bob']);
  expect((await t.app.inject({ method: 'GET', url: `/v1/jobs/${a.id}`, headers: auth(bobToken) })).statusCode).toBe(404);
  expect((await t.app.inject({ method: 'POST', url: `/v1/jobs/${a.id}/cancel`, headers: auth(bobToken) })).statusCode).toBe(404);
  const all = (await t.app.inject({ method: 'GET', url: '/v1/jobs', headers: auth(t.token('root', ['admin'])) })).json().jobs;
  expect(all.map((j: { user: string }) => j.user).sort()).toEqual(['alice', 'bob']);
});

test('uploads: stored for their owner, bound as a source, refused to others', async () => {
  const up = await t.app.inject({
    method: 'POST',
    url: '/v1/uploads',
    headers: auth(alice),
    payload: { name: 'Budget', columns: [{ name: 'Account', type: 'text' }, { name: 'Amount', type: 'number' }, { name: 'Date', type: 'date' }], rows: [['9000', 1.5, 45351], ['9100', null, null]] },
  });
  expect(up.statusCode).toBe(201);
  const uploadId = up.json().uploadId;
  const r = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config: ledgerConfig(), bindings: { ledger: { upload: uploadId } } } });
  expect(r.statusCode).toBe(202);
  const job = await waitForJob(t, alice, r.json().job.id);
  expect(job).toMatchObject({ state: 'succeeded', rowCount: 2, datasets: [] });
  const rows = (await t.app.inject({ method: 'GET', url: `/v1/jobs/${job.id}/rows`, headers: auth(alice) })).json().rows;
  expect(rows).toEqual([['9000', 1.5, 45351], ['9100', null, null]]);
  const bob = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(t.token('bob', ['finance'])), payload: { config: ledgerConfig(), bindings: { ledger: { upload: uploadId } } } });
  expect(bob.statusCode).toBe(404);
  const ragged = await t.app.inject({ method: 'POST', url: '/v1/uploads', headers: auth(alice), payload: { name: 'x', columns: [{ name: 'A', type: 'text' }], rows: [['a', 'b']] } });
  expect(ragged.statusCode).toBe(400);
  // Once expired, an upload that no waiting job reads is deleted (file and record).
  const later = new Date(Date.now() + 48 * 3_600_000);
  expect(await t.services.jobs.sweepExpiredUploads(later)).toBe(1);
  expect(t.services.store.getUpload(uploadId)).toBeNull();
  const misfit = await t.app.inject({ method: 'POST', url: '/v1/uploads', headers: auth(alice), payload: { name: 'x', columns: [{ name: 'A', type: 'number' }], rows: [[1], ['2']] } });
  expect(misfit.statusCode).toBe(400);
  expect(misfit.json().error.message).toMatch(/rows\[1\]\[0\].*column "A" of type number/);
});

test('datasets: listed by group, sampled typed, forbidden ones 403', async () => {
  const list = (await t.app.inject({ method: 'GET', url: '/v1/datasets', headers: auth(alice) })).json().datasets;
  expect(list.map((d: { id: string }) => d.id)).toEqual(['ledger', 'accounts']);
  expect(list[1].columns).toEqual([{ name: 'Account', type: 'number' }, { name: 'Name', type: 'text' }]);
  expect(JSON.stringify(list)).not.toMatch(/location|groups|csv/);
  const sample = (await t.app.inject({ method: 'GET', url: '/v1/datasets/ledger/sample?rows=2', headers: auth(alice) })).json();
  // 2024-01-31 is serial 45322 in the 1900 date system.
  expect(sample.rows).toEqual([['4000', 10.5, 45322], ['4100', -3, 45351]]);
  expect((await t.app.inject({ method: 'GET', url: '/v1/datasets/payroll/sample', headers: auth(alice) })).statusCode).toBe(403);
  const auditor = (await t.app.inject({ method: 'GET', url: '/v1/datasets', headers: auth(t.token('ann', ['audit'])) })).json().datasets;
  expect(auditor.map((d: { id: string }) => d.id)).toEqual(['accounts']);
});

test('configs/validate answers ok or the problems', async () => {
  const ok = await t.app.inject({ method: 'POST', url: '/v1/configs/validate', headers: auth(alice), payload: ledgerConfig() });
  expect(ok.json()).toEqual({ ok: true });
  const bad = await t.app.inject({ method: 'POST', url: '/v1/configs/validate', headers: auth(alice), payload: { ...ledgerConfig(), main: 'nope' } });
  expect(bad.json().ok).toBe(false);
  expect(bad.json().errors[0]).toEqual({ path: expect.any(String), message: expect.any(String) });
});

test('a source without a binding or dataset binds to the dataset named like it', async () => {
  const config = ledgerConfig();
  delete (config.sources as Array<Record<string, unknown>>)[0]!.dataset;
  const r = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(alice), payload: { config } });
  expect(r.statusCode).toBe(202);
  expect(r.json().job.datasets).toEqual(['ledger']);
  const bob = await t.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(t.token('bob', ['sales'])), payload: { config } });
  expect(bob.statusCode).toBe(403);
  expect(bob.json().error.message).toMatch(/bound to the dataset of the same name/);
  expect(t.services.store.list({ user: 'bob' })).toHaveLength(0);
});

test('a job may ask for an engine: the local runner passes --engine, the summary names the engine that ran', async () => {
  const submit = async (extra: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/v1/jobs', headers: { ...auth(alice), ...headers }, payload: { config: ledgerConfig(), ...extra } });
  const summaryOf = async (id: string) => {
    expect((await waitForJob(t, alice, id)).state).toBe('succeeded');
    return (await t.app.inject({ method: 'GET', url: `/v1/jobs/${id}/summary`, headers: auth(alice) })).json<{ engine: string; engineReason: string; args: string[] }>();
  };
  const engineArg = (args: string[]) => args.slice(args.indexOf('--engine'), args.indexOf('--engine') + 2);

  const spark = await submit({ engine: 'spark' });
  expect(spark.statusCode).toBe(202);
  expect(spark.json().job.engine).toBe('spark');
  const s = await summaryOf(spark.json().job.id);
  expect(engineArg(s.args)).toEqual(['--engine', 'spark']);
  expect(s).toMatchObject({ engine: 'spark', engineReason: 'asked for (--engine spark)' });
  expect((await t.app.inject({ method: 'GET', url: `/v1/jobs/${spark.json().job.id}`, headers: auth(alice) })).json().job.engine).toBe('spark');

  // Without one, the service's default (SHEETSCALE_ENGINE, auto): the catalog's files are local, so DuckDB.
  const plain = await submit({});
  expect(plain.json().job).not.toHaveProperty('engine');
  const p = await summaryOf(plain.json().job.id);
  expect(engineArg(p.args)).toEqual(['--engine', 'auto']);
  expect(p).toMatchObject({ engine: 'duckdb', engineReason: expect.stringMatching(/^auto: /) });

  const bad = await submit({ engine: 'foo' });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.message).toMatch(/engine/);

  // The engine is part of the request an Idempotency-Key stands for.
  expect((await submit({}, { 'idempotency-key': 'k-engine' })).statusCode).toBe(202);
  expect((await submit({ engine: 'duckdb' }, { 'idempotency-key': 'k-engine' })).statusCode).toBe(409);
});

test('SHEETSCALE_ENGINE is the engine of jobs that ask for none, and of previews', async () => {
  const s = await makeTestApp({ SHEETSCALE_ENGINE: 'spark' });
  try {
    const token = s.token('alice', ['finance']);
    const r = await s.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(token), payload: { config: ledgerConfig() } });
    expect((await waitForJob(s, token, r.json().job.id)).state).toBe('succeeded');
    const summary = (await s.app.inject({ method: 'GET', url: `/v1/jobs/${r.json().job.id}/summary`, headers: auth(token) })).json();
    expect(summary.args).toEqual(expect.arrayContaining(['--engine', 'spark']));
    const asked = await s.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(token), payload: { config: ledgerConfig(), engine: 'duckdb' } });
    expect((await waitForJob(s, token, asked.json().job.id)).state).toBe('succeeded');
    expect((await s.app.inject({ method: 'GET', url: `/v1/jobs/${asked.json().job.id}/summary`, headers: auth(token) })).json().engine).toBe('duckdb');
    const preview = await s.app.inject({ method: 'POST', url: '/v1/preview', headers: auth(token), payload: { config: ledgerConfig(), inputs: { ledger: { rows: [['4000', 1.5, 45351]] } } } });
    expect(preview.statusCode).toBe(200);
    expect(preview.json().summary).toMatchObject({ engine: 'spark', args: expect.arrayContaining(['--engine', 'spark']) });
  } finally {
    await s.close();
  }
});
