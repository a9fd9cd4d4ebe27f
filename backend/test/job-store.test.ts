import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobStore } from '../src/job-store';

const newJob = (id: string, user: string, inputs: Record<string, string> = { ledger: '/d/l.csv' }, key: string | null = null) => ({
  id,
  user,
  datasets: ['ledger'],
  configHash: 'sha256:x',
  requestHash: `h-${id}`,
  idempotencyKey: key,
  configUri: `/c/${id}`,
  inputs,
  outputUri: `/o/${id}`,
});

test('the store survives reopening (WAL file on disk) and keeps every field', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sheetscale-store-'));
  try {
    const file = path.join(dir, 'db', 'sheetscale.db');
    const a = new JobStore(file);
    a.insert(newJob('j1', 'alice', { ledger: '/d/l.csv', fx: '/d/fx.csv' }, 'key-1'));
    a.claimNext('alice', new Date());
    a.setExternalId('j1', 's-123');
    a.setProgress('j1', 0.4, 'computing');
    // No close(): as after a crash, the next process opens the same file.
    const b = new JobStore(file);
    expect(b.get('j1')).toMatchObject({ state: 'running', attempts: 1, externalId: 's-123', progress: 0.4, phase: 'computing', inputs: { ledger: '/d/l.csv', fx: '/d/fx.csv' }, idempotencyKey: 'key-1' });
    expect(b.byIdempotencyKey('alice', 'key-1')!.id).toBe('j1');
    expect(() => b.insert(newJob('j2', 'alice', undefined, 'key-1'))).toThrow(/UNIQUE/);
    a.close();
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a job keeps the engine it asked for; a store made before the engine column gets it on open', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sheetscale-store-'));
  try {
    const file = path.join(dir, 'sheetscale.db');
    const a = new JobStore(file);
    a.insert({ ...newJob('j1', 'alice'), engine: 'spark' });
    a.insert(newJob('j2', 'alice'));
    expect(a.get('j1')!.engine).toBe('spark');
    expect(a.get('j2')!.engine).toBeNull();
    a.close();
    // The jobs table as it was before jobs could ask for an engine.
    const old = new Database(file);
    old.exec('ALTER TABLE jobs DROP COLUMN engine');
    old.close();
    const b = new JobStore(file);
    expect(b.get('j1')).toMatchObject({ id: 'j1', engine: null });
    b.insert({ ...newJob('j3', 'alice'), engine: 'duckdb' });
    expect(b.get('j3')!.engine).toBe('duckdb');
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('expired uploads are swept only when no waiting job reads them', () => {
  const s = new JobStore(':memory:');
  const uri = '/data/uploads/upl-1.csv';
  s.insertUpload({ id: 'upl-1', user: 'alice', name: 'Budget', columns: [], uri, rowCount: 1, expiresAt: '2020-01-01T00:00:00.000Z' });
  s.insertUpload({ id: 'upl-2', user: 'alice', name: 'Other', columns: [], uri: '/data/uploads/upl-2.csv', rowCount: 1, expiresAt: '2999-01-01T00:00:00.000Z' });
  s.insert(newJob('j1', 'alice', { budget: uri }));
  expect(s.expiredUploads(new Date())).toEqual([]);
  s.cancelQueued('j1');
  expect(s.expiredUploads(new Date())).toEqual([{ id: 'upl-1', uri }]);
  s.close();
});
