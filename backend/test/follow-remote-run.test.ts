import { followRemoteRun, type RemoteRun, type RemoteRunState } from '../src/runners/follow-remote-run';
import type { RunCallbacks, RunSpec } from '../src/runners/runner';
import { MemoryStorage } from './memory-storage';

const spec = (over: Partial<RunSpec> = {}): RunSpec => ({ jobId: 'job-1', attempt: 1, attemptKey: 'a1', configUri: 's3://b/c.json', inputs: {}, outputUri: 's3://b/out', externalId: null, ...over });
const why = { code: 'RUN_FAILED', message: 'run r-1 failed' };

/** A run that goes through the given states, then stays in the last one. */
function fakeRun(states: RemoteRunState[]): RemoteRun & { started: number; cancelled: string[] } {
  let i = 0;
  const run = {
    service: 'Fake',
    started: 0,
    cancelled: [] as string[],
    findOrStart: async (_pace: unknown, cancelled: () => boolean) => {
      await Promise.resolve(); // looking for an earlier run, as the EMR step runner does
      if (cancelled()) return null;
      run.started++;
      return 'r-1';
    },
    poll: async () => states[Math.min(i++, states.length - 1)]!,
    cancel: async (id: string) => {
      run.cancelled.push(id);
    },
  };
  return run;
}

function callbacks(): RunCallbacks & { ids: string[]; phases: (string | null)[] } {
  const ids: string[] = [];
  const phases: (string | null)[] = [];
  return { ids, phases, onExternalId: (id) => ids.push(id), onProgress: (_f, phase) => phases.push(phase) };
}

let storage: MemoryStorage;
beforeEach(() => {
  storage = new MemoryStorage();
});

test('polls while active, shows the phase, reports the id, then reads the summary', async () => {
  const run = fakeRun([{ is: 'active', state: 'PENDING', running: false }, { is: 'active', state: 'RUNNING', running: true }, { is: 'succeeded', ifNoSummary: why }]);
  await storage.write('s3://b/out/summary.json', JSON.stringify({ status: 'succeeded', rowCount: 2 }));
  const cb = callbacks();
  expect(await followRemoteRun(run, spec(), cb, { storage, pollBaseMs: 1 }).done).toEqual({ kind: 'succeeded', summary: { status: 'succeeded', rowCount: 2 } });
  expect(cb.ids).toEqual(['r-1']);
  expect(cb.phases).toEqual(['pending', 'running']);
});

test('a stored id is followed, not started again; no summary after success is transient', async () => {
  const run = fakeRun([{ is: 'succeeded', ifNoSummary: { code: 'SUMMARY_MISSING', message: 'no summary' } }]);
  expect(await followRemoteRun(run, spec({ externalId: 'r-0' }), callbacks(), { storage, pollBaseMs: 1 }).done).toEqual({ kind: 'transient', error: { code: 'SUMMARY_MISSING', message: 'no summary' } });
  expect(run.started).toBe(0);
});

test('a failed run is explained by the engine’s error.json; a run that ended otherwise is not', async () => {
  await storage.write('s3://b/out/error.json', JSON.stringify({ code: 'BAD_INPUT_ROW', message: 'row 3' }));
  expect(await followRemoteRun(fakeRun([{ is: 'failed', why }]), spec(), callbacks(), { storage, pollBaseMs: 1 }).done).toEqual({ kind: 'failed', error: { code: 'BAD_INPUT_ROW', message: 'row 3' } });
  expect(await followRemoteRun(fakeRun([{ is: 'ended', why }]), spec(), callbacks(), { storage, pollBaseMs: 1 }).done).toEqual({ kind: 'transient', error: why });
  expect(await followRemoteRun(fakeRun([{ is: 'lost', why }]), spec(), callbacks(), { storage, pollBaseMs: 1 }).done).toEqual({ kind: 'transient', error: why });
});

test('cancel asks the service to stop the run; detach leaves it running', async () => {
  const running: RemoteRunState = { is: 'active', state: 'RUNNING', running: true };
  const toCancel = fakeRun([running]);
  const exec = followRemoteRun(toCancel, spec(), callbacks(), { storage, pollBaseMs: 1 });
  await new Promise((res) => setTimeout(res, 5));
  await exec.cancel();
  expect(toCancel.cancelled).toEqual(['r-1']);

  const toDetach = fakeRun([running]);
  const detached = followRemoteRun(toDetach, spec(), callbacks(), { storage, pollBaseMs: 1 });
  await new Promise((res) => setTimeout(res, 5));
  detached.detach!();
  expect(await detached.done).toEqual({ kind: 'detached' });
  expect(toDetach.cancelled).toEqual([]);

  // The cancelled run keeps polling until the service says it ended; here it never does.
  exec.detach!();
  expect(await exec.done).toEqual({ kind: 'detached' });
});

test('cancelled before it started: nothing is started', async () => {
  const run = fakeRun([{ is: 'cancelled' }]);
  const exec = followRemoteRun(run, spec(), callbacks(), { storage, pollBaseMs: 1 });
  await exec.cancel();
  expect(await exec.done).toEqual({ kind: 'cancelled' });
  expect(run.started).toBe(0);
});

test('AWS unreachable is transient; other errors are thrown', async () => {
  const down = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const unreachable = { ...fakeRun([]), poll: async (): Promise<RemoteRunState> => Promise.reject(down) };
  expect(await followRemoteRun(unreachable, spec(), callbacks(), { storage, pollBaseMs: 1 }).done).toMatchObject({ kind: 'transient', error: { code: 'AWS_UNAVAILABLE', message: 'Fake could not be reached: Error: socket hang up' } });
  const broken = { ...fakeRun([]), poll: async (): Promise<RemoteRunState> => Promise.reject(new Error('bug')) };
  await expect(followRemoteRun(broken, spec(), callbacks(), { storage, pollBaseMs: 1 }).done).rejects.toThrow('bug');
});
