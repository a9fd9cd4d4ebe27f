/**
 * Runs a job as a step on a long-running EMR cluster: `AddJobFlowSteps` with
 * `command-runner.jar spark-submit ... job.py --config s3://... --input ... --output s3://... --engine spark`,
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
import { describeAwsError } from './aws-errors';
import { followRemoteRun, type RemoteRun, type RemoteRunState } from './follow-remote-run';
import { engineArgs } from './local-runner';
import type { Execution, RunCallbacks, Runner, RunSpec } from './runner';
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

/** The step's arguments for command-runner.jar. An EMR step always runs Spark, whatever the job asked for. */
export function sparkSubmitArgs(spec: RunSpec, jobPackageUri: string, extra: string[] = []): string[] {
  return ['spark-submit', '--deploy-mode', 'cluster', ...extra, '--py-files', joinUri(jobPackageUri, 'sheetscale_engine.zip'), joinUri(jobPackageUri, 'job.py'), ...engineArgs(spec, 'spark')];
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

  run(spec: RunSpec, cb: RunCallbacks): Execution {
    const run: RemoteRun = {
      service: 'EMR',
      findOrStart: async (pace, cancelled) => {
        const found = await pace.patiently(() => this.findStep(spec));
        if (found || cancelled()) return found;
        await this.o.storage.removePrefix(spec.outputUri);
        const stepId = await pace.patiently(() => this.submit(spec));
        this.o.log?.info(`job ${spec.jobId}: EMR step ${stepId} submitted`);
        return stepId;
      },
      poll: (stepId) => this.stepState(stepId),
      cancel: (stepId) => this.cancelStep(stepId),
    };
    return followRemoteRun(run, spec, cb, this.o);
  }

  /** DescribeStep's answer in the runners' words. */
  private async stepState(stepId: string): Promise<RemoteRunState> {
    let out;
    try {
      out = await this.o.emr.send(new DescribeStepCommand({ ClusterId: this.o.clusterId, StepId: stepId }));
    } catch (err) {
      if ((err as { name?: string }).name !== 'InvalidRequestException') throw err;
      return { is: 'lost', why: { code: 'STEP_LOST', message: `EMR no longer knows step ${stepId} of this job (${describeAwsError(err)}).` } };
    }
    const status = out.Step?.Status;
    const state = status?.State ?? 'UNKNOWN';
    if (ACTIVE.has(state)) return { is: 'active', state, running: state === 'RUNNING' };
    if (state === 'COMPLETED') return { is: 'succeeded', ifNoSummary: { code: 'SUMMARY_MISSING', message: `EMR step ${stepId} completed but left no summary.json.` } };
    if (state === 'CANCELLED') return { is: 'cancelled' };
    const d = status?.FailureDetails;
    const why = [d?.Reason, d?.Message].filter(Boolean).join(': ') || `the step ended ${state}`;
    const error = { code: state === 'INTERRUPTED' ? 'STEP_INTERRUPTED' : 'STEP_FAILED', message: `EMR step ${stepId}: ${why}${d?.LogFile ? ` (log: ${d.LogFile})` : ''}` };
    return state === 'FAILED' ? { is: 'failed', why: error } : { is: 'ended', why: error };
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
