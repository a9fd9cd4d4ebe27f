/**
 * Test helpers: a temp data directory with a small catalog, service settings pointing at the fake
 * engine, tokens from the local issuer, and an app to drive with `inject`.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { generateLocalIssuerKeys, signLocalToken, type LocalIssuerKeys } from '../src/local-issuer';
import { createServices, type ServiceOverrides, type Services } from '../src/services';
import { loadServiceConfig, repoRoot } from '../src/service-config';

// light-my-request (behind app.inject) requires cookie@2, which is ESM-only: jest on Node 20
// cannot load it. It is only used to set cookies on injected requests, which this API never does.
jest.mock('cookie', () => ({
  stringifySetCookie: () => {
    throw new Error('cookies are not used by the sheetscale API');
  },
}));

export const fakeEngine = path.join(repoRoot, 'backend', 'test-support', 'fake-engine.js');

/** A temp dir with ledger/accounts (group finance) and payroll (group hr) datasets. */
export function makeDataDir(): { dir: string; catalog: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sheetscale-test-'));
  const data = path.join(dir, 'data');
  mkdirSync(data);
  writeFileSync(path.join(data, 'ledger.csv'), 'Account,Amount,Date\n4000,10.5,2024-01-31\n4100,-3,2024-02-29\n4000,7,2024-03-01\n');
  writeFileSync(path.join(data, 'accounts.csv'), 'Account,Name\n4000,Sales\n4100,Returns\n');
  writeFileSync(path.join(data, 'payroll.csv'), 'Employee,Salary\nBob,100\n');
  const catalog = path.join(dir, 'catalog.json');
  writeFileSync(
    catalog,
    JSON.stringify({
      datasets: [
        { id: 'ledger', name: 'Ledger', groups: ['finance'], location: 'data/ledger.csv', columns: [{ name: 'Account', type: 'text' }, { name: 'Amount', type: 'number' }, { name: 'Date', type: 'date' }] },
        { id: 'accounts', name: 'Accounts', groups: ['finance', 'audit'], location: 'data/accounts.csv' },
        { id: 'payroll', name: 'Payroll', groups: ['hr'], location: 'data/payroll.csv' },
      ],
    }),
  );
  return { dir, catalog, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal valid config over the ledger dataset. */
export function ledgerConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    main: 'ledger',
    sources: [{ name: 'ledger', dataset: 'ledger', columns: [{ name: 'Account', type: 'text' }, { name: 'Amount', type: 'number' }, { name: 'Date', type: 'date' }], format: { type: 'csv' } }],
    steps: [],
    output: {},
    ...extra,
  };
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  dataDir: string;
  token(user: string, groups: string[], opts?: { ttlSeconds?: number; clientId?: string; tokenUse?: string; issuedAt?: number }): string;
  close(): Promise<void>;
}

let sharedKeys: LocalIssuerKeys | null = null;

/** Puts one RSA key pair (made once per test file: key generation is slow) where serve keeps it. */
export function seedIssuerKeys(stateDir: string): void {
  sharedKeys ??= generateLocalIssuerKeys();
  mkdirSync(path.join(stateDir, 'keys'), { recursive: true });
  writeFileSync(path.join(stateDir, 'keys', 'local-issuer.pem'), sharedKeys.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  writeFileSync(path.join(stateDir, 'keys', 'local-issuer.kid'), sharedKeys.kid);
}

/** Builds services + app over a fresh data dir (fake engine unless `env` says otherwise). */
export async function makeTestApp(env: Record<string, string> = {}, overrides: ServiceOverrides = {}): Promise<TestApp> {
  const data = makeDataDir();
  seedIssuerKeys(path.join(data.dir, 'state'));
  const config = loadServiceConfig({
    SHEETSCALE_DATA_DIR: path.join(data.dir, 'state'),
    SHEETSCALE_CATALOG: data.catalog,
    SHEETSCALE_ENGINE_CMD: JSON.stringify([process.execPath, fakeEngine]),
    SHEETSCALE_RETRY_BASE_MS: '10',
    SHEETSCALE_ALLOWED_ORIGINS: 'https://localhost:3000',
    ...env,
  });
  const services = await createServices(config, overrides);
  const app = await buildApp(services);
  await services.dispatcher.start();
  return {
    app,
    services,
    dataDir: data.dir,
    token(user, groups, opts = {}) {
      const auth = config.auth.kind === 'local' ? config.auth : { issuer: 'x', clientId: 'x' };
      return signLocalToken(services.localKeys!, { user, groups, ttlSeconds: opts.ttlSeconds ?? 3600, issuer: auth.issuer, clientId: opts.clientId ?? auth.clientId, ...(opts.tokenUse ? { tokenUse: opts.tokenUse } : {}), ...(opts.issuedAt ? { issuedAt: opts.issuedAt } : {}) });
    },
    async close() {
      services.dispatcher.stop();
      await services.dispatcher.drain();
      await app.close();
      await services.close();
      data.cleanup();
    },
  };
}

/** Polls a job until it leaves queued/running (or the time is up). */
export async function waitForJob(t: TestApp, token: string, id: string, timeoutMs = 10_000, pollMs = 25): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await t.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: { authorization: `Bearer ${token}` } });
    const job = r.json<{ job: Record<string, unknown> }>().job;
    if (!['queued', 'running'].includes(String(job.state)) || Date.now() > until) return job;
    await new Promise((res) => setTimeout(res, pollMs));
  }
}
