/**
 * The seam between the dispatcher and the places a job can run (a local child process, an EMR
 * step, an EMR Serverless job run). A runner runs one attempt of a job and reports how it ended;
 * the dispatcher decides about retries, dead letters and the job's state.
 */
import type { EngineChoice } from '../../../src/api/types';
import type { JobError } from '../job-store';
import type { Storage } from '../storage/storage';
import { joinUri } from '../storage/storage';

/** One attempt of a job, with every location already resolved by the service. */
export interface RunSpec {
  jobId: string;
  attempt: number;
  /**
   * Unique per attempt and stable across restarts (attempt number + its start time): names the
   * EMR step and makes the Serverless client token, so that a resubmitted job never finds the
   * step of an earlier attempt.
   */
  attemptKey: string;
  configUri: string;
  /** Source name → data URI. */
  inputs: Record<string, string>;
  outputUri: string;
  /**
   * The engine the job asked for (auto, duckdb, spark); null or absent = the runner's default
   * (SHEETSCALE_ENGINE for the local runner). EMR runners always run Spark.
   */
  engine?: EngineChoice | null;
  /** The handle stored for this attempt before a restart (step id, job run id, pid), if any. */
  externalId: string | null;
}

/** The engine's summary.json (only the fields the service reads are typed). */
export interface EngineSummary {
  status: 'succeeded';
  rowCount?: number;
  columns?: Array<{ name: string; type: string }>;
  firstRows?: unknown[][];
  steps?: unknown[];
  result?: { format?: string; path?: string; rowCount?: number };
  [key: string]: unknown;
}

/** How an attempt ended. */
export type RunOutcome =
  | { kind: 'succeeded'; summary: EngineSummary }
  /** The job itself failed (bad config, bad input row): retrying would fail again. */
  | { kind: 'failed'; error: JobError }
  /** The infrastructure failed (crash, throttling, interrupted step): worth retrying. */
  | { kind: 'transient'; error: JobError }
  | { kind: 'cancelled' }
  /** This process stopped following the attempt (shutdown); it keeps running and is re-attached on the next start. */
  | { kind: 'detached' };

export interface RunCallbacks {
  /** Called as soon as the attempt has a handle, so that a restart can find it again. */
  onExternalId(id: string): void;
  onProgress(fraction: number, phase: string | null): void;
}

/** A running attempt. */
export interface Execution {
  readonly done: Promise<RunOutcome>;
  /** Asks the attempt to stop; `done` then resolves (usually to cancelled). */
  cancel(): Promise<void>;
  /**
   * Stops following a remote attempt without stopping it (service shutdown); `done` resolves to
   * detached. Runners whose attempts die with the service (local) do not have it.
   */
  detach?(): void;
}

export interface Runner {
  readonly kind: 'local' | 'emr' | 'emr-serverless';
  /**
   * True when `run` with a stored externalId re-attaches to the attempt that was running before a
   * restart. False (local runner): the attempt is abandoned with {@link Runner.abandon} and the
   * job is queued again.
   */
  readonly reattaches: boolean;
  /** Starts the attempt, or re-attaches to it (see `reattaches`). */
  run(spec: RunSpec, cb: RunCallbacks): Execution;
  /** Makes sure an attempt from before a restart is no longer running. */
  abandon?(spec: RunSpec): Promise<void>;
}

interface EngineErrorJson {
  code?: string;
  message?: string;
  hint?: string;
  step?: { id?: string } | null;
}

/** The job error of the engine's error.json. */
export function jobErrorFromEngine(e: EngineErrorJson): JobError {
  return {
    code: typeof e.code === 'string' ? e.code : 'INTERNAL',
    message: typeof e.message === 'string' ? e.message : 'The engine failed without a message.',
    ...(e.step && typeof e.step.id === 'string' ? { step: e.step.id } : {}),
    ...(typeof e.hint === 'string' ? { hint: e.hint } : {}),
  };
}

/**
 * Reads what the engine left at the output location: summary.json → succeeded, error.json →
 * failed, neither → null (the engine did not get to write either: treat as transient).
 */
export async function readEngineOutcome(storage: Storage, outputUri: string): Promise<RunOutcome | null> {
  const summary = await storage.read(joinUri(outputUri, 'summary.json'));
  if (summary) return { kind: 'succeeded', summary: JSON.parse(summary.toString('utf8')) as EngineSummary };
  const error = await storage.read(joinUri(outputUri, 'error.json'));
  if (error) return { kind: 'failed', error: jobErrorFromEngine(JSON.parse(error.toString('utf8')) as EngineErrorJson) };
  return null;
}

/** Waits `ms` milliseconds, or less if `signal` aborts. */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
