/**
 * Runs a job on EMR Serverless: `StartJobRun` with a client token made from the job id and the
 * attempt (idempotent: after a restart the same call returns the same job run), `GetJobRun` with
 * backoff until it ends, `CancelJobRun` to stop it; then summary.json / error.json from S3.
 */
import { CancelJobRunCommand, GetJobRunCommand, StartJobRunCommand, type EMRServerlessClient } from '@aws-sdk/client-emr-serverless';
import type { Storage } from '../storage/storage';
import { joinUri } from '../storage/storage';
import { describeAwsError, isThrottling, isTransientAwsError } from './aws-errors';
import { engineArgs } from './local-runner';
import { readEngineOutcome, sleep, type Execution, type RunCallbacks, type RunOutcome, type Runner, type RunSpec } from './runner';

export interface EmrServerlessRunnerOptions {
  client: EMRServerlessClient;
  applicationId: string;
  executionRoleArn: string;
  storage: Storage;
  jobPackageUri: string;
  pollBaseMs: number;
  pollMaxMs?: number;
  log?: { info(msg: string): void; warn(msg: string): void };
}

/** The idempotency token of an attempt (≤ 64 characters). */
export function clientToken(spec: Pick<RunSpec, 'jobId' | 'attemptKey'>): string {
  return `${spec.jobId}-${spec.attemptKey}`.slice(0, 64);
}

const ACTIVE = new Set(['SUBMITTED', 'PENDING', 'SCHEDULED', 'RUNNING', 'CANCELLING', 'QUEUED']);

export class EmrServerlessRunner implements Runner {
  readonly kind = 'emr-serverless' as const;
  readonly reattaches = true;

  constructor(private readonly o: EmrServerlessRunnerOptions) {}

  private async patiently<T>(call: () => Promise<T>, poll: { delay: number }): Promise<T> {
    const max = this.o.pollMaxMs ?? 60_000;
    for (;;) {
      try {
        return await call();
      } catch (err) {
        if (!isThrottling(err)) throw err;
        poll.delay = Math.min(poll.delay * 2, max);
        this.o.log?.warn(`EMR Serverless throttled (${describeAwsError(err)}); next call in ${poll.delay} ms`);
        await sleep(poll.delay);
      }
    }
  }

  run(spec: RunSpec, cb: RunCallbacks): Execution {
    let cancelled = false;
    const detach = new AbortController();
    const detached = (): boolean => detach.signal.aborted;
    let runId: string | null = spec.externalId;
    const poll = { delay: this.o.pollBaseMs };
    const max = this.o.pollMaxMs ?? 60_000;
    const done = (async (): Promise<RunOutcome> => {
      try {
        if (!runId) {
          if (cancelled) return { kind: 'cancelled' };
          const out = await this.patiently(
            () =>
              this.o.client.send(
                new StartJobRunCommand({
                  applicationId: this.o.applicationId,
                  executionRoleArn: this.o.executionRoleArn,
                  clientToken: clientToken(spec),
                  name: `sheetscale ${spec.jobId} ${spec.attemptKey}`,
                  jobDriver: {
                    sparkSubmit: {
                      entryPoint: joinUri(this.o.jobPackageUri, 'job.py'),
                      entryPointArguments: engineArgs(spec),
                      sparkSubmitParameters: `--py-files ${joinUri(this.o.jobPackageUri, 'sheetscale_engine.zip')}`,
                    },
                  },
                  tags: { 'sheetscale:job': spec.jobId },
                }),
              ),
            poll,
          );
          if (!out.jobRunId) throw new Error('StartJobRun returned no jobRunId');
          runId = out.jobRunId;
          this.o.log?.info(`job ${spec.jobId}: EMR Serverless job run ${runId}`);
        }
        cb.onExternalId(runId);
        if (detached()) return { kind: 'detached' };
        if (cancelled) await this.cancelRun(runId);
        for (;;) {
          const out = await this.patiently(() => this.o.client.send(new GetJobRunCommand({ applicationId: this.o.applicationId, jobRunId: runId! })), poll);
          const state = out.jobRun?.state ?? 'UNKNOWN';
          if (ACTIVE.has(state)) {
            cb.onProgress(state === 'RUNNING' ? 0.1 : 0, state.toLowerCase());
            await sleep(poll.delay, detach.signal);
            if (detached()) return { kind: 'detached' };
            poll.delay = Math.min(Math.round(poll.delay * 1.5), max);
            continue;
          }
          if (state === 'CANCELLED') return { kind: 'cancelled' };
          const outcome = await readEngineOutcome(this.o.storage, spec.outputUri);
          if (state === 'SUCCESS') {
            return outcome?.kind === 'succeeded' ? outcome : { kind: 'transient', error: { code: 'SUMMARY_MISSING', message: `Job run ${runId} succeeded but left no summary.json.` } };
          }
          if (outcome?.kind === 'failed') return outcome;
          if (cancelled) return { kind: 'cancelled' };
          return { kind: 'transient', error: { code: 'JOB_RUN_FAILED', message: `EMR Serverless job run ${runId} ended ${state}: ${out.jobRun?.stateDetails ?? 'no details'}` } };
        }
      } catch (err) {
        if (isTransientAwsError(err)) return { kind: 'transient', error: { code: 'AWS_UNAVAILABLE', message: `EMR Serverless could not be reached: ${describeAwsError(err)}` } };
        throw err;
      }
    })();
    return {
      done,
      detach: () => detach.abort(),
      cancel: async () => {
        cancelled = true;
        if (runId) await this.cancelRun(runId);
      },
    };
  }

  private async cancelRun(jobRunId: string): Promise<void> {
    try {
      await this.o.client.send(new CancelJobRunCommand({ applicationId: this.o.applicationId, jobRunId }));
    } catch (err) {
      this.o.log?.warn(`CancelJobRun ${jobRunId} failed: ${describeAwsError(err)}`);
    }
  }
}
