/**
 * `sheetscale demo` (what `npm start` runs): the main job on the embedded default, end to end and
 * through the same path the add-in takes — start the service (local token issuer, SQLite job store,
 * local engine), sign in as a dev user, submit the example reconciliation over HTTP, follow its
 * progress, print the summary — then keep serving for the add-in unless `--once`.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as LocalIssuer from '../../../backend/src/local-issuer';
import type * as ServerModule from '../../../backend/src/server';
import type { EngineSummary } from '../engine';
import { progressDisplay } from '../progress-display';
import { formatSummary } from '../summary-format';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const EXAMPLE_CONFIG = path.join(repoRoot, 'examples', 'reconcile.config.json');
const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'dead']);

interface DemoOptions {
  port: number;
  dataDir?: string;
  config: string;
  once: boolean;
}

interface JobView {
  id: string;
  state: string;
  progress?: number;
  phase?: string;
  error?: { code: string; message: string };
}

/** Calls the service like any client would, and turns an error reply into an Error with its message. */
async function call<T>(url: string, token: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const body = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname}: ${res.status} ${body.error?.code ?? ''} ${body.error?.message ?? ''}`.trim());
  return body;
}

async function runDemo(opts: DemoOptions): Promise<number> {
  /* eslint-disable @typescript-eslint/no-require-imports -- the service is loaded on use, as in `serve` */
  const { startServer } = require('../../../backend/src/server') as typeof ServerModule;
  const { loadOrCreateLocalIssuerKeys, signLocalToken } = require('../../../backend/src/local-issuer') as typeof LocalIssuer;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const env = { SHEETSCALE_LOG_LEVEL: 'warn', ...process.env };
  const server = await startServer({ port: opts.port, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) }, env);
  const { config } = server.services;
  if (config.auth.kind !== 'local') {
    process.stderr.write('sheetscale demo: runs on the embedded default only (unset SHEETSCALE_AUTH).\n');
    await server.close();
    return 2;
  }
  const keys = loadOrCreateLocalIssuerKeys(config.dataDir);
  const token = signLocalToken(keys, { user: 'demo', groups: ['finance'], ttlSeconds: 8 * 3600, issuer: config.auth.issuer, clientId: config.auth.clientId });
  const api = server.url;
  process.stdout.write(`sheetscale service on ${api} (embedded default: local issuer, SQLite job store, local engine, SHEETSCALE_ENGINE=${config.engine})\n`);

  let code = 0;
  try {
    const jobConfig = JSON.parse(readFileSync(opts.config, 'utf8')) as unknown;
    process.stdout.write(`Submitting ${path.relative(process.cwd(), opts.config)} as user "demo" (group finance)...\n`);
    const submitted = await call<{ job: JobView }>(`${api}/v1/jobs`, token, {
      method: 'POST',
      headers: { 'idempotency-key': `demo-${Date.now()}` },
      body: JSON.stringify({ config: jobConfig }),
    });
    const display = progressDisplay();
    let job = submitted.job;
    while (!FINISHED.has(job.state)) {
      await new Promise((r) => setTimeout(r, 500));
      job = (await call<{ job: JobView }>(`${api}/v1/jobs/${job.id}`, token)).job;
      display.onProgress({ event: 'progress', phase: job.phase ?? job.state, fraction: job.progress ?? 0 });
    }
    display.done();
    if (job.state !== 'succeeded') {
      process.stderr.write(`Job ${job.id} ${job.state}: ${job.error?.message ?? 'no reason given'}\n`);
      code = 1;
    } else {
      const summary = await call<EngineSummary>(`${api}/v1/jobs/${job.id}/summary`, token);
      process.stdout.write(`Job ${job.id}\n${formatSummary(summary, path.join(config.dataDir, 'jobs', job.id)).join('\n')}\n`);
    }
  } catch (err) {
    process.stderr.write(`sheetscale demo: ${err instanceof Error ? err.message : String(err)}\n`);
    code = 2;
  }

  if (opts.once) {
    await server.close();
    return code;
  }
  process.stdout.write(
    `\nThe service keeps running on ${api} for the add-in and curl (docs/backend.md). A token:\n  ${token}\nCtrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => void server.close().then(resolve, resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return code;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('run the example reconciliation on the embedded default (what `npm start` does), then keep serving')
    .option('-p, --port <port>', 'port of the service', (v) => Number(v), 8080)
    .option('-d, --data-dir <dir>', 'the service data directory (default .sheetscale, or SHEETSCALE_DATA_DIR)')
    .option('-c, --config <file>', 'the config to run', EXAMPLE_CONFIG)
    .option('--once', 'stop the service after the job instead of serving on', false)
    .action(async (opts: DemoOptions) => {
      process.exitCode = await runDemo(opts);
    });
}
