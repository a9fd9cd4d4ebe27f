import { Dispatcher, retryDelayMs } from '../src/dispatcher';
import { JobStore, type JobRecord } from '../src/job-store';
import type { Execution, RunCallbacks, RunOutcome, Runner, RunSpec } from '../src/runners/runner';

/** A runner whose attempts end when the test says so. */
class ScriptedRunner implements Runner {
  readonly kind = 'local' as const;
  readonly reattaches: boolean;
  readonly started: RunSpec[] = [];
  readonly abandoned: string[] = [];
  private readonly finishers = new Map<string, (o: RunOutcome) => void>();
  constructor(
    private readonly script: (spec: RunSpec) => RunOutcome | null = () => null,
    reattaches = false,
  ) {
    this.reattaches = reattaches;
  }
  run(spec: RunSpec, cb: RunCallbacks): Execution {
    this.started.push(spec);
    cb.onExternalId(`ext-${spec.jobId}-${spec.attempt}`);
    const done = new Promise<RunOutcome>((resolve) => {
      this.finishers.set(spec.jobId, resolve);
      const scripted = this.script(spec);
      if (scripted) setImmediate(() => resolve(scripted));
    });
    return { done, cancel: async () => this.finish(spec.jobId, { kind: 'cancelled' }) };
  }
  finish(jobId: string, o: RunOutcome): void {
    this.finishers.get(jobId)?.(o);
  }
  async abandon(spec: RunSpec): Promise<void> {
    this.abandoned.push(spec.externalId ?? '');
  }
}

const ok: RunOutcome = { kind: 'succeeded', summary: { status: 'succeeded', rowCount: 7, steps: [{ id: 's1' }] } };
let seq = 0;
function addJob(store: JobStore, user: string): JobRecord {
  const id = `job-${String(++seq).padStart(4, '0')}`;
  return store.insert({ id, user, datasets: ['ledger'], configHash: 'sha256:x', requestHash: id, idempotencyKey: null, configUri: `/c/${id}`, inputs: { ledger: '/d/ledger.csv' }, outputUri: `/o/${id}` });
}
const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

let store: JobStore;
beforeEach(() => {
  store = new JobStore(':memory:');
});
afterEach(() => store.close());

test('at most `concurrency` attempts run, round-robin across users', async () => {
  const runner = new ScriptedRunner();
  const d = new Dispatcher({ store, runner, concurrency: 2, maxAttempts: 3, retryBaseMs: 1 });
  // alice floods the queue first; bob and carol submit one each afterwards.
  const alice = [1, 2, 3, 4].map(() => addJob(store, 'alice'));
  const bob = addJob(store, 'bob');
  const carol = addJob(store, 'carol');
  await d.start();
  await until(() => runner.started.length === 2);
  await new Promise((r) => setTimeout(r, 30));
  expect(runner.started.map((s) => s.jobId)).toEqual([alice[0]!.id, bob.id]);
  expect(store.countByState().running).toBe(2);
  runner.finish(alice[0]!.id, ok);
  await until(() => runner.started.length === 3);
  expect(runner.started[2]!.jobId).toBe(carol.id);
  runner.finish(bob.id, ok);
  await until(() => runner.started.length === 4);
  expect(runner.started[3]!.jobId).toBe(alice[1]!.id);
  expect(store.get(alice[0]!.id)).toMatchObject({ state: 'succeeded', rowCount: 7, steps: [{ id: 's1' }], progress: 1 });
  d.stop();
  for (const s of runner.started) runner.finish(s.jobId, ok);
  await d.drain();
});

test('transient failures are retried with backoff, then dead-lettered with the reason; resubmit runs it again', async () => {
  let fail = true;
  const runner = new ScriptedRunner(() => (fail ? { kind: 'transient', error: { code: 'ENGINE_CRASHED', message: 'signal SIGKILL' } } : ok));
  const d = new Dispatcher({ store, runner, concurrency: 1, maxAttempts: 3, retryBaseMs: 5 });
  const job = addJob(store, 'alice');
  await d.start();
  await until(() => store.get(job.id)!.state === 'dead');
  const dead = store.get(job.id)!;
  expect(dead.attempts).toBe(3);
  expect(dead.error).toMatchObject({ code: 'ENGINE_CRASHED', message: expect.stringContaining('Gave up after 3 attempts: signal SIGKILL') });
  expect(runner.started.map((s) => s.attempt)).toEqual([1, 2, 3]);
  expect(new Set(runner.started.map((s) => s.attemptKey)).size).toBe(3);
  fail = false;
  expect(store.resubmit(job.id)).toBe(true);
  d.kick();
  await until(() => store.get(job.id)!.state === 'succeeded');
  expect(store.get(job.id)).toMatchObject({ attempts: 1, error: null });
  d.stop();
  await d.drain();
});

test('a job failure (engine error.json) is not retried', async () => {
  const runner = new ScriptedRunner(() => ({ kind: 'failed', error: { code: 'STEP_FAILED', message: 'bad lookup', step: 's3' } }));
  const d = new Dispatcher({ store, runner, concurrency: 1, maxAttempts: 3, retryBaseMs: 1 });
  const job = addJob(store, 'alice');
  await d.start();
  await until(() => store.get(job.id)!.state === 'failed');
  expect(store.get(job.id)).toMatchObject({ attempts: 1, error: { code: 'STEP_FAILED', step: 's3' } });
  d.stop();
  await d.drain();
});

test('cancel: a queued job at once, a running one through its runner', async () => {
  const runner = new ScriptedRunner();
  const d = new Dispatcher({ store, runner, concurrency: 1, maxAttempts: 3, retryBaseMs: 1 });
  const running = addJob(store, 'alice');
  const queued = addJob(store, 'alice');
  await d.start();
  await until(() => store.get(running.id)!.state === 'running');
  await d.cancel(store.get(queued.id)!);
  expect(store.get(queued.id)!.state).toBe('cancelled');
  await d.cancel(store.get(running.id)!);
  await until(() => store.get(running.id)!.state === 'cancelled');
  expect(runner.started).toHaveLength(1);
  d.stop();
  await d.drain();
});

test('restart: local attempts are abandoned and queued again (attempt not counted); EMR-like runners re-attach', async () => {
  const job = addJob(store, 'alice');
  store.claimNext('alice', new Date());
  store.setExternalId(job.id, '4242');
  const local = new ScriptedRunner(() => ok);
  const d1 = new Dispatcher({ store, runner: local, concurrency: 1, maxAttempts: 3, retryBaseMs: 1 });
  await d1.start();
  await until(() => store.get(job.id)!.state === 'succeeded');
  expect(local.abandoned).toEqual(['4242']);
  expect(store.get(job.id)!.attempts).toBe(1);
  d1.stop();
  await d1.drain();

  const job2 = addJob(store, 'bob');
  store.claimNext('bob', new Date());
  store.setExternalId(job2.id, 's-STEP');
  const emr = new ScriptedRunner(() => ok, true);
  const d2 = new Dispatcher({ store, runner: emr, concurrency: 1, maxAttempts: 3, retryBaseMs: 1 });
  await d2.start();
  await until(() => store.get(job2.id)!.state === 'succeeded');
  expect(emr.started[0]).toMatchObject({ jobId: job2.id, externalId: 's-STEP', attempt: 1 });
  d2.stop();
  await d2.drain();
});

test('retry delays grow exponentially with jitter and a cap', () => {
  const mid = () => 0.5;
  expect([1, 2, 3, 4].map((a) => retryDelayMs(1000, a, mid))).toEqual([1000, 2000, 4000, 8000]);
  expect(retryDelayMs(1000, 30, mid)).toBe(600_000);
  expect(retryDelayMs(1000, 1, () => 0)).toBe(750);
});
