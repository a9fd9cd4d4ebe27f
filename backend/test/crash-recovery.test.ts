/**
 * The service is killed with SIGKILL while a job runs (and another waits); after a restart both
 * complete, the interrupted one exactly once: the orphaned engine of the first attempt is killed
 * and the job runs again from the queue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateLocalIssuerKeys, signLocalToken } from '../src/local-issuer';
import { repoRoot } from '../src/service-config';
import { fakeEngine, ledgerConfig, makeDataDir, seedIssuerKeys } from './helpers';

jest.setTimeout(60_000);

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

/**
 * Whether a process ends within a few seconds. A killed orphan is re-parented to the machine's init,
 * which reaps it when it gets to it: until then it is a zombie ("Z" in /proc/<pid>/stat), dead but
 * still answering signal 0.
 */
async function processEnds(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    if (/^\d+ \(.*\) Z/.test(stat)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

let data: ReturnType<typeof makeDataDir>;
let tmp: string;
const children: ChildProcess[] = [];
beforeAll(() => {
  data = makeDataDir();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sheetscale-crash-'));
});
afterAll(() => {
  for (const c of children) if (c.exitCode == null && c.signalCode == null) c.kill('SIGKILL');
  data.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

async function startServe(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'sheetscale.js'), 'serve', '--port', String(port), '--data-dir', path.join(data.dir, 'state')], {
    cwd: repoRoot,
    env: { ...process.env, SHEETSCALE_CATALOG: data.catalog, SHEETSCALE_ENGINE_CMD: JSON.stringify([process.execPath, fakeEngine]), SHEETSCALE_CONCURRENCY: '1', SHEETSCALE_LOG_LEVEL: 'warn', FAKE_ENGINE_LOG: path.join(tmp, 'engine.log'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stdout!.resume();
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.ok) return child;
    } catch {
      // not listening yet
    }
    if (child.exitCode != null || Date.now() > until) throw new Error(`serve did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const engineLog = (): string[] => (existsSync(path.join(tmp, 'engine.log')) ? readFileSync(path.join(tmp, 'engine.log'), 'utf8').trim().split('\n') : []);

test('kill -9 mid-run: after a restart every job completes, the running one exactly once', async () => {
  const stateDir = path.join(data.dir, 'state');
  seedIssuerKeys(stateDir);
  const token = signLocalToken(loadOrCreateLocalIssuerKeys(stateDir), { user: 'alice', groups: ['finance'], ttlSeconds: 600, issuer: 'sheetscale-local', clientId: 'sheetscale-addin' });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;

  // First life: the engine takes "forever"; concurrency 1, so the second job waits in the queue.
  const first = await startServe(port, { FAKE_ENGINE_SLEEP_MS: '120000' });
  const submit = async (key: string) => (await (await fetch(`${base}/v1/jobs`, { method: 'POST', headers: { ...headers, 'idempotency-key': key }, body: JSON.stringify({ config: ledgerConfig() }) })).json()) as { job: { id: string } };
  const a = (await submit('a')).job.id;
  const b = (await submit('b')).job.id;
  let orphanPid = 0;
  for (let i = 0; i < 100 && !orphanPid; i++) {
    const job = (await (await fetch(`${base}/v1/jobs/${a}`, { headers })).json()) as { job: { state: string } };
    if (job.job.state === 'running' && engineLog().length === 1) {
      // Find the engine of job a through /proc, to check later that the restart kills it.
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          if (cmd.includes('fake-engine.js') && cmd.includes(a)) orphanPid = Number(pid);
        } catch {
          // process ended while listing
        }
      }
    }
    if (!orphanPid) await new Promise((r) => setTimeout(r, 50));
  }
  expect(orphanPid).toBeGreaterThan(0);
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  // The orphaned engine survives its parent (own process group)...
  expect(() => process.kill(orphanPid, 0)).not.toThrow();

  // Second life: a fast engine. Recovery kills the orphan and runs job a again, then job b.
  await startServe(port, { FAKE_ENGINE_SLEEP_MS: '200' });
  const wait = async (id: string) => {
    for (let i = 0; i < 200; i++) {
      const { job } = (await (await fetch(`${base}/v1/jobs/${id}`, { headers })).json()) as { job: { state: string; attempts: number } };
      if (!['queued', 'running'].includes(job.state)) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${id} did not finish`);
  };
  expect(await wait(a)).toMatchObject({ state: 'succeeded', attempts: 1 });
  expect(await wait(b)).toMatchObject({ state: 'succeeded', attempts: 1 });
  // ...until the restarted service kills it.
  expect(await processEnds(orphanPid)).toBe(true);
  const log = engineLog();
  const outA = path.join(stateDir, 'jobs', a, 'output');
  expect(log.filter((l) => l === `done ${outA}`)).toHaveLength(1);
  expect(log.filter((l) => l === `start ${outA}`)).toHaveLength(2);
  expect(log.filter((l) => l.startsWith('done '))).toHaveLength(2);
  const summary = (await (await fetch(`${base}/v1/jobs/${a}/summary`, { headers })).json()) as { rowCount: number };
  expect(summary.rowCount).toBe(3);
});
