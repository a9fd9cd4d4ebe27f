/**
 * Services for panel tests: the real Office adapter over the fake Excel host (in-memory
 * workbook), a scripted backend, and a local sign-in.
 */
import type { Dataset, Job, PreviewResult, RunSummary } from '../../api/types';
import { fakeOffice } from '../../office/fake-office-host';
import { createOfficeHost } from '../../office/office-host';
import type { Backend, Services } from '../app/services';

export const LEDGER_DATASET: Dataset = {
  id: 'ledger', name: 'General ledger', columns: [{ name: 'Account', type: 'number' }, { name: 'Amount', type: 'number' }], rowCount: 1_200_000,
};

export function job(patch: Partial<Job> = {}): Job {
  return { id: 'job-1', user: 'alice', state: 'queued', progress: 0, attempts: 0, createdAt: '2026-01-01T10:00:00Z', datasets: ['ledger'], configHash: 'sha256:c0ffee', ...patch };
}

export function summary(patch: Partial<RunSummary> = {}): RunSummary {
  return {
    status: 'succeeded', engine: 'spark', engineVersion: '3.5.6', configHash: 'sha256:c0ffee', rowCount: 1_200_000,
    columns: [{ name: 'Account', type: 'number' }, { name: 'Amount', type: 'number' }, { name: 'Name', type: 'text' }],
    firstRows: [[4000, 10, 'Sales'], [4010, 20, '=HYPERLINK("x")']],
    totals: { Amount: 30 },
    pivots: [{ name: 'PivotTable1', header: ['Row Labels', 'Sum of Amount'], rows: [['Sales', 10], ['Grand Total', 30]] }],
    ...patch,
  };
}

/** A backend whose methods are jest mocks with sensible answers. */
export function fakeBackend(overrides: Partial<Record<keyof Backend, jest.Mock>> = {}): Record<keyof Backend, jest.Mock> {
  const preview: PreviewResult = { summary: summary({ rowCount: 3, firstRows: [] }), rows: [] };
  return {
    me: jest.fn(async () => ({ user: 'alice', groups: ['finance'], admin: false })),
    datasets: jest.fn(async () => [LEDGER_DATASET]),
    datasetSample: jest.fn(async () => ({ columns: LEDGER_DATASET.columns, rows: [[4000, 10], [4010, 20]] })),
    validateConfig: jest.fn(async () => ({ ok: true })),
    preview: jest.fn(async () => preview),
    upload: jest.fn(async () => ({ uploadId: 'up-1', expiresAt: '2026-01-02T00:00:00Z' })),
    submitJob: jest.fn(async () => job()),
    jobs: jest.fn(async () => []),
    job: jest.fn(async () => job({ state: 'succeeded', progress: 1, rowCount: 1_200_000 })),
    cancelJob: jest.fn(async () => job({ state: 'cancelled' })),
    jobSummary: jest.fn(async () => summary()),
    jobRows: jest.fn(async () => ({ columns: [], rows: [], offset: 0, total: 0 })),
    jobDownload: jest.fn(async () => ({ url: 'https://results.example/job-1.parquet', expiresAt: '2026-01-02T00:00:00Z' })),
    ...overrides,
  };
}

export function fakeServices(backend = fakeBackend()) {
  const fake = fakeOffice();
  (globalThis as { Office?: unknown }).Office = fake.Office;
  let signedIn = false;
  const services: Services = {
    host: createOfficeHost(fake.run, fake.runWithContext),
    backend: backend as unknown as Backend,
    auth: {
      kind: 'local',
      get signedIn() { return signedIn; },
      userName: 'alice',
      signIn: jest.fn(async (token?: string) => {
        if (!token) throw new Error('That is not a token.');
        signedIn = true;
      }),
      signOut: () => { signedIn = false; },
    },
    newIdempotencyKey: () => 'idem-1',
    pollMs: 20,
  };
  return { services, fake, backend };
}
