/**
 * The dispatcher: takes queued jobs from the store and runs them, at most `concurrency` at once,
 * round-robin across users (one busy user cannot starve the others). Transient failures are
 * retried with exponential backoff; after the last attempt the job is dead-lettered with its
 * reason. On start it recovers the jobs that were running when the service stopped.
 */
import type { JobRecord, JobStore } from './job-store';
import type { Execution, RunOutcome, Runner, RunSpec } from './runners/runner';

export interface DispatcherOptions {
  store: JobStore;
  runner: Runner;
  concurrency: number;
  maxAttempts: number;
  /** Backoff of the first retry; doubles with each attempt (with jitter), capped at 10 minutes. */
  retryBaseMs: number;
  log?: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
  /** Called when a job reaches a final state (metrics). */
  onFinished?: (job: JobRecord) => void;
}

const MAX_BACKOFF_MS = 10 * 60_000;

/** The delay before retry number `attempt` (1 = after the first failure). */
export function retryDelayMs(baseMs: number, attempt: number, random = Math.random): number {
  const exp = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.75 + 0.5 * random()));
}

function specOf(job: JobRecord): RunSpec {
  const started = job.startedAt ? Date.parse(job.startedAt).toString(36) : '0';
  return { jobId: job.id, attempt: job.attempts, attemptKey: `a${job.attempts}-${started}`, configUri: job.configUri, inputs: job.inputs, outputUri: job.outputUri, engine: job.engine, externalId: job.externalId };
}

export class Dispatcher {
  private readonly running = new Map<string, Execution>();
  private lastUser: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private pumping = false;
  private pumpAgain = false;
  private readonly settled = new Set<Promise<void>>();

  constructor(private readonly opts: DispatcherOptions) {}

  /** Recovers jobs left running by a previous process, then starts dispatching. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.recover();
    this.kick();
  }

  /**
   * Stops taking new jobs and detaches from running attempts: EMR steps and job runs go on and are
   * re-attached on the next start; local engines are stopped and their jobs queued again on the
   * next start. `drain` waits until every attempt has let go.
   */
  stop(): void {
    this.stopped = true;
    for (const exec of this.running.values()) exec.detach?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Waits until every attempt started by this dispatcher has settled. */
  async drain(): Promise<void> {
    while (this.settled.size) await Promise.all([...this.settled]);
  }

  /** Number of attempts running in this process. */
  get active(): number {
    return this.running.size;
  }

  /** Asks for a dispatch pass soon (a job was queued, or a slot freed up). */
  kick(): void {
    if (this.stopped) return;
    setImmediate(() => void this.pump());
  }

  /** Cancels a job: a queued one at once, a running one through its runner. */
  async cancel(job: JobRecord): Promise<void> {
    this.opts.store.requestCancel(job.id);
    if (this.opts.store.cancelQueued(job.id)) {
      const j = this.opts.store.get(job.id);
      if (j) this.opts.onFinished?.(j);
      return;
    }
    const exec = this.running.get(job.id);
    if (exec) await exec.cancel();
  }

  private async recover(): Promise<void> {
    const { store, runner, log } = this.opts;
    for (const job of store.inState('running')) {
      if (runner.reattaches) {
        log?.info(`re-attaching to job ${job.id} (attempt ${job.attempts}, handle ${job.externalId ?? 'none yet'})`);
        this.launch(job);
      } else {
        await runner.abandon?.(specOf(job));
        log?.info(`job ${job.id} was running when the service stopped: queued again`);
        store.requeueInterrupted(job.id);
      }
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.dispatchReady();
      } while (this.pumpAgain && !this.stopped);
      this.scheduleTimer();
    } catch (err) {
      this.opts.log?.error(`dispatch pass failed: ${String(err)}`);
    } finally {
      this.pumping = false;
    }
  }

  private dispatchReady(): void {
    const { store, concurrency } = this.opts;
    while (!this.stopped && this.running.size < concurrency) {
      const now = new Date();
      const users = store.usersWithReadyJobs(now.getTime());
      if (users.length === 0) return;
      // Round-robin: the first user after the one served last, wrapping around.
      const next = users.find((u) => this.lastUser == null || u > this.lastUser) ?? users[0]!;
      this.lastUser = next;
      const job = store.claimNext(next, now);
      if (job) this.launch(job);
    }
  }

  private scheduleTimer(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const next = this.opts.store.nextReadyAt();
    if (next == null) return;
    const delay = Math.max(50, Math.min(next - Date.now(), 60_000));
    this.timer = setTimeout(() => void this.pump(), delay);
    this.timer.unref();
  }

  private launch(job: JobRecord): void {
    const { store, runner, log } = this.opts;
    let exec: Execution;
    try {
      exec = runner.run(specOf(job), {
        onExternalId: (id) => store.setExternalId(job.id, id),
        onProgress: (fraction, phase) => store.setProgress(job.id, fraction, phase),
      });
    } catch (err) {
      exec = { done: Promise.reject(err instanceof Error ? err : new Error(String(err))), cancel: async () => undefined };
    }
    this.running.set(job.id, exec);
    if (job.cancelRequested) void exec.cancel();
    const settled: Promise<void> = exec.done
      .catch((err: unknown): RunOutcome => {
        log?.error(`job ${job.id} attempt ${job.attempts}: runner error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return { kind: 'transient', error: { code: 'RUNNER_ERROR', message: 'The job could not be run because of a service error; it will be retried.' } };
      })
      .then((outcome) => this.settle(job, outcome))
      .catch((err: unknown) => log?.error(`job ${job.id}: could not record its outcome: ${String(err)}`))
      .finally(() => {
        this.running.delete(job.id);
        this.settled.delete(settled);
        this.kick();
      });
    this.settled.add(settled);
  }

  private settle(job: JobRecord, outcome: RunOutcome): void {
    const { store, maxAttempts, retryBaseMs, log } = this.opts;
    if (outcome.kind === 'detached') return; // still running remotely, or re-queued on the next start
    const current = store.get(job.id);
    if (!current || current.state !== 'running') return;
    switch (outcome.kind) {
      case 'succeeded':
        store.finish(job.id, {
          state: 'succeeded',
          steps: Array.isArray(outcome.summary.steps) ? outcome.summary.steps : null,
          rowCount: typeof outcome.summary.rowCount === 'number' ? outcome.summary.rowCount : null,
        });
        break;
      case 'failed':
        store.finish(job.id, { state: 'failed', error: outcome.error });
        break;
      case 'cancelled':
        store.finish(job.id, { state: 'cancelled' });
        break;
      case 'transient':
        if (current.cancelRequested) {
          store.finish(job.id, { state: 'cancelled' });
        } else if (current.attempts < maxAttempts) {
          const delay = retryDelayMs(retryBaseMs, current.attempts);
          log?.warn(`job ${job.id} attempt ${current.attempts} failed (${outcome.error.code}); retrying in ${delay} ms`);
          store.requeue(job.id, Date.now() + delay, outcome.error);
        } else {
          log?.warn(`job ${job.id} dead-lettered after ${current.attempts} attempts: ${outcome.error.message}`);
          store.finish(job.id, {
            state: 'dead',
            error: { ...outcome.error, message: `Gave up after ${current.attempts} attempts: ${outcome.error.message}`, hint: 'Resubmit the job when the cause is fixed (POST /v1/jobs/:id/resubmit).' },
          });
        }
        break;
    }
    const after = store.get(job.id);
    if (after && after.state !== 'queued') this.opts.onFinished?.(after);
  }
}
