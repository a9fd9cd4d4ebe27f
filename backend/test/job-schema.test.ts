/**
 * The Job type (src/api/types.ts) is the one definition of a job as the API returns it; the
 * OpenAPI schema (jobSchema) must say the same. tsc checks the keys below; the test checks the
 * document the service serves and that a full job passes its serializer unchanged.
 */
import Fastify from 'fastify';
import type { Job, JobError } from '../../src/api/types';
import { toApiJob } from '../src/job-service';
import type { JobRecord } from '../src/job-store';
import { jobReplySchema, jobSchema } from '../src/routes/schemas';
import { makeTestApp, type TestApp } from './helpers';

/** The keys in which A and B differ: never when they are the same. */
type KeysDiff<A, B> = Exclude<A, B> | Exclude<B, A>;
type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
type JobSchemaDrift =
  | KeysDiff<keyof typeof jobSchema.properties, keyof Job>
  | KeysDiff<(typeof jobSchema.required)[number], RequiredKeys<Job>>
  | KeysDiff<keyof typeof jobSchema.properties.error.properties, keyof JobError>;
// A tsc error here names the keys in which the Job type and its schema differ.
const noDrift: [JobSchemaDrift] extends [never] ? 'same keys' : JobSchemaDrift = 'same keys';

/** A job with every optional field set. */
const fullJob: Required<Job> = {
  id: 'j1',
  user: 'alice',
  state: 'failed',
  progress: 0.5,
  phase: 'running',
  attempts: 2,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:01.000Z',
  finishedAt: '2026-01-01T00:00:02.000Z',
  datasets: ['ledger'],
  configHash: 'abc',
  error: { code: 'ENGINE_FAILED', message: 'Step s1 failed', step: 's1', hint: 'Check the lookup table.' },
  steps: [{ id: 's1', op: 'lookup', rowsIn: 3, rowsOut: 3 }],
  rowCount: 3,
  engine: 'spark',
};

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => {
  await t.close();
});

test('the served Job schema has exactly the Job type’s fields', async () => {
  expect(noDrift).toBe('same keys');
  const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> } }>();
  const served = doc.components.schemas.Job!;
  expect(Object.keys(served.properties).sort()).toEqual(Object.keys(fullJob).sort());
  expect([...served.required].sort()).toEqual(Object.keys(toApiJob(minimalRecord())).sort());
});

test('a job with every field is shown by toApiJob and goes through the reply serializer unchanged', async () => {
  const record: JobRecord = { ...minimalRecord(), ...fullJob };
  expect(toApiJob(record)).toEqual(fullJob);
  const app = Fastify();
  try {
    app.addSchema(jobSchema);
    app.get('/job', { schema: { response: { 200: jobReplySchema } } }, async () => ({ job: toApiJob(record) }));
    expect((await app.inject({ method: 'GET', url: '/job' })).json()).toEqual({ job: fullJob });
  } finally {
    await app.close();
  }
});

function minimalRecord(): JobRecord {
  return {
    id: 'j1', user: 'alice', state: 'queued', progress: 0, phase: null, attempts: 0, createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: null, finishedAt: null, notBefore: 0, datasets: [], configHash: 'abc', requestHash: 'r', idempotencyKey: null,
    error: null, steps: null, rowCount: null, configUri: 'file:///c.json', inputs: {}, outputUri: 'file:///out', engine: null, externalId: null, cancelRequested: false,
  };
}
