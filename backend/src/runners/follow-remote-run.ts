/**
 * Following a run on AWS (an EMR step, an EMR Serverless job run) until it ends: polling its
 * state at a pace AWS accepts, and turning how it ended into the attempt's outcome, with the
 * engine's summary.json / error.json read from storage. What differs between the services (how
 * a run is started or found again, what its states mean) is each runner's.
 */
import type { JobError } from '../job-store';
import type { Storage } from '../storage/storage';
import { describeAwsError, isThrottling, isTransientAwsError } from './aws-errors';
import { readEngineOutcome, sleep, type Execution, type RunCallbacks, type RunOutcome, type RunSpec } from './runner';

export interface PollPaceOptions {
  /** The service in log lines and errors: "EMR", "EMR Serverless". */
  service: string;
  /** First polling interval; grows ×1.5 up to `pollMaxMs` (default 60 s), and doubles on throttling. */
  pollBaseMs: number;
  pollMaxMs?: number;
  log?: { warn(msg: string): void };
}

/** The pace of one attempt's calls to AWS. */
export class PollPace {
  private delay: number;
  private readonly maxMs: number;

  constructor(private readonly o: PollPaceOptions) {
    this.delay = o.pollBaseMs;
    this.maxMs = o.pollMaxMs ?? 60_000;
  }

  /** Calls AWS, waiting and retrying while it throttles (the interval doubles each time). */
  async patiently<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (err) {
        if (!isThrottling(err)) throw err;
        this.delay = Math.min(this.delay * 2, this.maxMs);
        this.o.log?.warn(`${this.o.service} throttled (${describeAwsError(err)}); next call in ${this.delay} ms`);
        await sleep(this.delay);
      }
    }
  }

  /** Waits until the next poll (less if `signal` aborts), and polls less often after it. */
  async waitForNextPoll(signal: AbortSignal): Promise<void> {
    await sleep(this.delay, signal);
    this.delay = Math.min(Math.round(this.delay * 1.5), this.maxMs);
  }
}

/** The attempt's outcome when AWS could not be reached (worth retrying); any other error is thrown again. */
function awsUnavailable(service: string, err: unknown): RunOutcome {
  if (isTransientAwsError(err)) return { kind: 'transient', error: { code: 'AWS_UNAVAILABLE', message: `${service} could not be reached: ${describeAwsError(err)}` } };
  throw err;
}

/** What a poll found, in the runners' words; each runner maps its service's states to it. */
export type RemoteRunState =
  /** Queued or running: `state` is the service's, shown lower-cased as the job's phase. */
  | { is: 'active'; state: string; running: boolean }
  | { is: 'succeeded'; ifNoSummary: JobError }
  | { is: 'cancelled' }
  /** It failed: the engine's error.json says why, if it wrote one; else `why`. */
  | { is: 'failed'; why: JobError }
  /** It ended otherwise (interrupted, unknown): `why`, whatever the engine wrote. */
  | { is: 'ended'; why: JobError }
  /** The service no longer knows the run. */
  | { is: 'lost'; why: JobError };

/** A run on AWS as its runner drives it. `poll` is called through the attempt's pace (retried while AWS throttles). */
export interface RemoteRun {
  /** The service in log lines and errors: "EMR", "EMR Serverless". */
  service: string;
  /**
   * This attempt's run: found again (after a restart) or started. Null when the job was
   * cancelled before anything started.
   */
  findOrStart(pace: PollPace, cancelled: () => boolean): Promise<string | null>;
  /** Asks the service for the run's state. */
  poll(id: string): Promise<RemoteRunState>;
  /** Asks the service to stop the run; logs, never throws. */
  cancel(id: string): Promise<void>;
}

export interface FollowOptions extends Omit<PollPaceOptions, 'service'> {
  storage: Storage;
}

/**
 * One attempt on AWS: its run found again or started, its id reported, polled until it ends
 * (or until the service detaches from it), then its outcome, read from the engine's output.
 */
export function followRemoteRun(run: RemoteRun, spec: RunSpec, cb: RunCallbacks, o: FollowOptions): Execution {
  let cancelled = false;
  const isCancelled = (): boolean => cancelled;
  const detach = new AbortController();
  let runId: string | null = spec.externalId;
  const pace = new PollPace({ service: run.service, pollBaseMs: o.pollBaseMs, pollMaxMs: o.pollMaxMs, log: o.log });
  const done = (async (): Promise<RunOutcome> => {
    try {
      if (!runId) runId = await run.findOrStart(pace, isCancelled);
      if (!runId) return { kind: 'cancelled' };
      const id = runId;
      cb.onExternalId(id);
      if (detach.signal.aborted) return { kind: 'detached' };
      if (cancelled) await run.cancel(id);
      for (;;) {
        const state = await pace.patiently(() => run.poll(id));
        if (state.is === 'active') {
          cb.onProgress(state.running ? 0.1 : 0, state.state.toLowerCase());
          await pace.waitForNextPoll(detach.signal);
          if (detach.signal.aborted) return { kind: 'detached' };
          continue;
        }
        return await endOf(state, spec.outputUri, o.storage, isCancelled);
      }
    } catch (err) {
      return awsUnavailable(run.service, err);
    }
  })();
  return {
    done,
    detach: () => detach.abort(),
    cancel: async () => {
      cancelled = true;
      if (runId) await run.cancel(runId);
    },
  };
}

/** How the attempt ended, from how the run ended and what the engine wrote. */
async function endOf(state: Exclude<RemoteRunState, { is: 'active' }>, outputUri: string, storage: Storage, cancelled: () => boolean): Promise<RunOutcome> {
  if (state.is === 'lost') return { kind: 'transient', error: state.why };
  if (state.is === 'cancelled') return { kind: 'cancelled' };
  const outcome = await readEngineOutcome(storage, outputUri);
  if (state.is === 'succeeded') return outcome?.kind === 'succeeded' ? outcome : { kind: 'transient', error: state.ifNoSummary };
  if (state.is === 'failed' && outcome?.kind === 'failed') return outcome;
  if (cancelled()) return { kind: 'cancelled' };
  return { kind: 'transient', error: state.why };
}
