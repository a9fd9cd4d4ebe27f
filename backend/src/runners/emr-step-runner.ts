/**
 * Runs a job as a step on a long-running EMR cluster: `AddJobFlowSteps` with
 * `command-runner.jar spark-submit ... job.py --config s3://... --input ... --output s3://...`,
 * `ActionOnFailure: CONTINUE` (the only value a cluster with step concurrency > 1 accepts), the
 * job id and attempt in the step name; then `DescribeStep` with backoff until the step ends, and
 * summary.json / error.json from S3.
 *
 * `AddJobFlowSteps` has no idempotency token. The step id is stored as soon as it is known, and
 * before submitting, `ListSteps` is searched for a step of this attempt — so a restart between
 * the submission and storing its id finds the step again instead of submitting it twice.
 */
import {
  AddJobFlowStepsCommand,
  CancelStepsCommand,
  DescribeStepCommand,
  ListStepsCommand,
  type EMRClient,
} from '@aws-sdk/client-emr';
import type { Storage } from '../storage/storage';
import { describeAwsError, isThrottling, isTransientAwsError } from './aws-errors';
import { engineArgs } from './local-runner';
import { readEngineOutcome, sleep, type Execution, type RunCallbacks, type RunOutcome, type Runner, type RunSpec } from './runner';
import { joinUri } from '../storage/storage';

export interface EmrStepRunnerOptions {
  emr: EMRClient;
  clusterId: string;
  storage: Storage;
  /** s3:// prefix with job.py and sheetscale_engine.zip. */
  jobPackageUri: string;
  /** First polling interval; grows ×1.5 up to `pollMaxMs`, and doubles on throttling. */
  pollBaseMs: number;
  pollMaxMs?: number;
  /** Extra spark-submit options (e.g. --conf spark.executor.memory=8g). */
  sparkSubmitOptions?: string[];
  log?: { info(msg: string): void; warn(msg: string): void };
}

/** The step name: carries the job id and the attempt, so ListSteps can find it after a restart. */
export function stepName(spec: Pick<RunSpec, 'jobId' | 'attemptKey'>): string {
  return `sheetscale ${spec.jobId} ${spec.attemptKey}`;
}

/** The step's arguments for command-runner.jar. */
export function sparkSubmitArgs(spec: RunSpec, jobPackageUri: string, extra: string[] = []): string[] {
  return ['spark-submit', '--deploy-mode', 'cluster', ...extra, '--py-files', joinUri(jobPackageUri, 'sheetscale_engine.zip'), joinUri(jobPackageUri, 'job.py'), ...engineArgs(spec)];
}

const ACTIVE = new Set(['PENDING', 'CANCEL_PENDING', 'RUNNING']);

export class EmrStepRunner implements Runner {
  readonly kind = 'emr' as const;
  readonly reattaches = true;

  constructor(private readonly o: EmrStepRunnerOptions) {}

  /** The id of this attempt's step, if it was submitted already (newest first, paged). */
  async findStep(spec: RunSpec): Promise<string | null> {
    const name = stepName(spec);
    let marker: string | undefined;
    for (let page = 0; page < 100; page++) {
      const out = await this.o.emr.send(new ListStepsCommand({ ClusterId: this.o.clusterId, ...(marker ? { Marker: marker } : {}) }));
      const hit = (out.Steps ?? []).find((s) => s.Name === name);
      if (hit?.Id) return hit.Id;
      marker = out.Marker;
      if (!marker) break;
    }
    return null;
  }

  private async submit(spec: RunSpec): Promise<string> {
    const out = await this.o.emr.send(
      new AddJobFlowStepsCommand({
        JobFlowId: this.o.clusterId,
        Steps: [
          {
            Name: stepName(spec),
            ActionOnFailure: 'CONTINUE',
            HadoopJarStep: { Jar: 'command-runner.jar', Args: sparkSubmitArgs(spec, this.o.jobPackageUri, this.o.sparkSubmitOptions) },
          },
        ],
      }),
    );
    const id = out.StepIds?.[0];
    if (!id) throw new Error('AddJobFlowSteps returned no step id');
    return id;
  }

  /** Calls AWS, waiting and retrying while it throttles (the poll interval doubles each time). */
  private async patiently<T>(call: () => Promise<T>, state: { delay: number }): Promise<T> {
    const max = this.o.pollMaxMs ?? 60_000;
    for (;;) {
      try {
        return await call();
      } catch (err) {
        if (!isThrottling(err)) throw err;
        state.delay = Math.min(state.delay * 2, max);
        this.o.log?.warn(`EMR throttled (${describeAwsError(err)}); next call in ${state.delay} ms`);
        await sleep(state.delay);
      }
    }
  }

  run(spec: RunSpec, cb: RunCallbacks): Execution {
    let cancelled = false;
    const detach = new AbortController();
    const detached = (): boolean => detach.signal.aborted;
    let stepId: string | null = spec.externalId;
    const poll = { delay: this.o.pollBaseMs };
    const max = this.o.pollMaxMs ?? 60_000;
    const done = (async (): Promise<RunOutcome> => {
      try {
        if (!stepId) stepId = await this.patiently(() => this.findStep(spec), poll);
        if (!stepId) {
          if (cancelled) return { kind: 'cancelled' };
          await this.o.storage.removePrefix(spec.outputUri);
          stepId = await this.patiently(() => this.submit(spec), poll);
          this.o.log?.info(`job ${spec.jobId}: EMR step ${stepId} submitted`);
        }
        cb.onExternalId(stepId);
        if (detached()) return { kind: 'detached' };
        if (cancelled) await this.cancelStep(stepId);
        for (;;) {
          let out;
          try {
            out = await this.patiently(() => this.o.emr.send(new DescribeStepCommand({ ClusterId: this.o.clusterId, StepId: stepId! })), poll);
          } catch (err) {
            if ((err as { name?: string }).name === 'InvalidRequestException') {
              return { kind: 'transient', error: { code: 'STEP_LOST', message: `EMR no longer knows step ${stepId} of this job (${describeAwsError(err)}).` } };
            }
            throw err;
          }
          const status = out.Step?.Status;
          const state = status?.State ?? 'UNKNOWN';
          if (ACTIVE.has(state)) {
            cb.onProgress(state === 'RUNNING' ? 0.1 : 0, state.toLowerCase());
            await sleep(poll.delay, detach.signal);
            if (detached()) return { kind: 'detached' };
            poll.delay = Math.min(Math.round(poll.delay * 1.5), max);
            continue;
          }
          if (state === 'CANCELLED') return { kind: 'cancelled' };
          const outcome = await readEngineOutcome(this.o.storage, spec.outputUri);
          if (state === 'COMPLETED') {
            return outcome?.kind === 'succeeded' ? outcome : { kind: 'transient', error: { code: 'SUMMARY_MISSING', message: `EMR step ${stepId} completed but left no summary.json.` } };
          }
          if (state === 'FAILED' && outcome?.kind === 'failed') return outcome;
          if (cancelled) return { kind: 'cancelled' };
          const d = status?.FailureDetails;
          const why = [d?.Reason, d?.Message].filter(Boolean).join(': ') || `the step ended ${state}`;
          return { kind: 'transient', error: { code: state === 'INTERRUPTED' ? 'STEP_INTERRUPTED' : 'STEP_FAILED', message: `EMR step ${stepId}: ${why}${d?.LogFile ? ` (log: ${d.LogFile})` : ''}` } };
        }
      } catch (err) {
        if (isTransientAwsError(err)) return { kind: 'transient', error: { code: 'AWS_UNAVAILABLE', message: `EMR could not be reached: ${describeAwsError(err)}` } };
        throw err;
      }
    })();
    return {
      done,
      detach: () => detach.abort(),
      cancel: async () => {
        cancelled = true;
        if (stepId) await this.cancelStep(stepId);
      },
    };
  }

  private async cancelStep(stepId: string): Promise<void> {
    try {
      const out = await this.o.emr.send(new CancelStepsCommand({ ClusterId: this.o.clusterId, StepIds: [stepId], StepCancellationOption: 'TERMINATE_PROCESS' }));
      const info = out.CancelStepsInfoList?.[0];
      if (info?.Status === 'FAILED') this.o.log?.warn(`CancelSteps ${stepId}: ${info.Reason ?? 'failed'}`);
    } catch (err) {
      this.o.log?.warn(`CancelSteps ${stepId} failed: ${describeAwsError(err)}`);
    }
  }
}
