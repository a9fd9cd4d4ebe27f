/**
 * Runs a job on EMR Serverless: `StartJobRun` with a client token made from the job id and the
 * attempt (idempotent: after a restart the same call returns the same job run), `GetJobRun` with
 * backoff until it ends, `CancelJobRun` to stop it; then summary.json / error.json from S3.
 * A job run always runs Spark (`--engine spark`), whatever the job asked for.
 */
import { CancelJobRunCommand, GetJobRunCommand, StartJobRunCommand, type EMRServerlessClient } from '@aws-sdk/client-emr-serverless';
import type { Storage } from '../storage/storage';
import { joinUri } from '../storage/storage';
import { describeAwsError } from './aws-errors';
import { followRemoteRun, type RemoteRun, type RemoteRunState } from './follow-remote-run';
import { engineArgs } from './local-runner';
import type { Execution, RunCallbacks, Runner, RunSpec } from './runner';

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

  run(spec: RunSpec, cb: RunCallbacks): Execution {
    const run: RemoteRun = {
      service: 'EMR Serverless',
      findOrStart: async (pace, cancelled) => {
        if (cancelled()) return null;
        const jobRunId = await pace.patiently(() => this.start(spec));
        this.o.log?.info(`job ${spec.jobId}: EMR Serverless job run ${jobRunId}`);
        return jobRunId;
      },
      poll: (jobRunId) => this.jobRunState(jobRunId),
      cancel: (jobRunId) => this.cancelRun(jobRunId),
    };
    return followRemoteRun(run, spec, cb, this.o);
  }

  /** StartJobRun (idempotent by its client token): the job run's id. */
  private async start(spec: RunSpec): Promise<string> {
    const out = await this.o.client.send(
      new StartJobRunCommand({
        applicationId: this.o.applicationId,
        executionRoleArn: this.o.executionRoleArn,
        clientToken: clientToken(spec),
        name: `sheetscale ${spec.jobId} ${spec.attemptKey}`,
        jobDriver: {
          sparkSubmit: {
            entryPoint: joinUri(this.o.jobPackageUri, 'job.py'),
            entryPointArguments: engineArgs(spec, 'spark'),
            sparkSubmitParameters: `--py-files ${joinUri(this.o.jobPackageUri, 'sheetscale_engine.zip')}`,
          },
        },
        tags: { 'sheetscale:job': spec.jobId },
      }),
    );
    if (!out.jobRunId) throw new Error('StartJobRun returned no jobRunId');
    return out.jobRunId;
  }

  /** GetJobRun's answer in the runners' words. */
  private async jobRunState(jobRunId: string): Promise<RemoteRunState> {
    const out = await this.o.client.send(new GetJobRunCommand({ applicationId: this.o.applicationId, jobRunId }));
    const state = out.jobRun?.state ?? 'UNKNOWN';
    if (ACTIVE.has(state)) return { is: 'active', state, running: state === 'RUNNING' };
    if (state === 'SUCCESS') return { is: 'succeeded', ifNoSummary: { code: 'SUMMARY_MISSING', message: `Job run ${jobRunId} succeeded but left no summary.json.` } };
    if (state === 'CANCELLED') return { is: 'cancelled' };
    return { is: 'failed', why: { code: 'JOB_RUN_FAILED', message: `EMR Serverless job run ${jobRunId} ended ${state}: ${out.jobRun?.stateDetails ?? 'no details'}` } };
  }

  private async cancelRun(jobRunId: string): Promise<void> {
    try {
      await this.o.client.send(new CancelJobRunCommand({ applicationId: this.o.applicationId, jobRunId }));
    } catch (err) {
      this.o.log?.warn(`CancelJobRun ${jobRunId} failed: ${describeAwsError(err)}`);
    }
  }
}
