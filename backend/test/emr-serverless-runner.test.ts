import { CancelJobRunCommand, EMRServerlessClient, GetJobRunCommand, StartJobRunCommand, type GetJobRunCommandOutput, type JobRunState } from '@aws-sdk/client-emr-serverless';
import { mockClient } from 'aws-sdk-client-mock';
import { clientToken, EmrServerlessRunner } from '../src/runners/emr-serverless-runner';
import type { RunCallbacks, RunSpec } from '../src/runners/runner';
import { MemoryStorage } from './memory-storage';

const mock = mockClient(EMRServerlessClient);
let storage: MemoryStorage;
let runner: EmrServerlessRunner;
const spec = (over: Partial<RunSpec> = {}): RunSpec => ({
  jobId: 'job-7',
  attempt: 2,
  attemptKey: 'a2-xyz',
  configUri: 's3://bucket/p/jobs/job-7/config.json',
  inputs: { ledger: 's3://data/ledger/' },
  outputUri: 's3://bucket/p/jobs/job-7/output',
  externalId: null,
  ...over,
});
const run = (state: JobRunState, stateDetails?: string): GetJobRunCommandOutput =>
  ({ $metadata: {}, jobRun: { applicationId: 'app-1', jobRunId: 'jr-1', arn: 'arn', createdBy: 'x', createdAt: new Date(), updatedAt: new Date(), executionRole: 'role', state, stateDetails: stateDetails ?? '', releaseLabel: 'emr-7.12.0', jobDriver: { sparkSubmit: { entryPoint: 'job.py' } } } });
const cb = (): RunCallbacks & { ids: string[] } => {
  const ids: string[] = [];
  return { ids, onExternalId: (id) => ids.push(id), onProgress: () => undefined };
};
const summary = () => storage.write('s3://bucket/p/jobs/job-7/output/summary.json', JSON.stringify({ status: 'succeeded', rowCount: 3 }));

beforeEach(() => {
  mock.reset();
  storage = new MemoryStorage();
  runner = new EmrServerlessRunner({ client: new EMRServerlessClient({ region: 'us-east-1' }), applicationId: 'app-1', executionRoleArn: 'arn:aws:iam::1:role/r', storage, jobPackageUri: 's3://bucket/pkg', pollBaseMs: 1, pollMaxMs: 4 });
  mock.on(StartJobRunCommand).resolves({ applicationId: 'app-1', jobRunId: 'jr-1', arn: 'arn' });
});

test('StartJobRun with the job id in the client token; SUBMITTED → SCHEDULED → RUNNING → SUCCESS', async () => {
  mock.on(GetJobRunCommand).resolvesOnce(run('SUBMITTED')).resolvesOnce(run('SCHEDULED')).resolvesOnce(run('RUNNING')).callsFake(async () => {
    await summary();
    return run('SUCCESS');
  });
  const c = cb();
  expect(await runner.run(spec(), c).done).toEqual({ kind: 'succeeded', summary: { status: 'succeeded', rowCount: 3 } });
  expect(c.ids).toEqual(['jr-1']);
  const input = mock.commandCalls(StartJobRunCommand)[0]!.args[0].input;
  expect(input).toMatchObject({
    applicationId: 'app-1',
    executionRoleArn: 'arn:aws:iam::1:role/r',
    clientToken: 'job-7-a2-xyz',
    jobDriver: {
      sparkSubmit: {
        entryPoint: 's3://bucket/pkg/job.py',
        entryPointArguments: ['--config', 's3://bucket/p/jobs/job-7/config.json', '--input', 'ledger=s3://data/ledger/', '--output', 's3://bucket/p/jobs/job-7/output', '--engine', 'spark'],
        sparkSubmitParameters: '--py-files s3://bucket/pkg/sheetscale_engine.zip',
      },
    },
  });
  expect(clientToken({ jobId: 'j'.repeat(80), attemptKey: 'a1' })).toHaveLength(64);
});

test('FAILED: error.json → failed; without it → transient with the state details', async () => {
  mock.on(GetJobRunCommand).callsFake(async () => {
    await storage.write('s3://bucket/p/jobs/job-7/output/error.json', JSON.stringify({ code: 'SOURCE_NOT_FOUND', message: 'No file at s3://data/ledger/.' }));
    return run('FAILED', 'exit 1');
  });
  expect(await runner.run(spec(), cb()).done).toEqual({ kind: 'failed', error: { code: 'SOURCE_NOT_FOUND', message: 'No file at s3://data/ledger/.' } });
  storage.objects.clear();
  mock.on(GetJobRunCommand).resolves(run('FAILED', 'Driver lost'));
  expect(await runner.run(spec({ externalId: 'jr-1' }), cb()).done).toEqual({ kind: 'transient', error: { code: 'JOB_RUN_FAILED', message: 'EMR Serverless job run jr-1 ended FAILED: Driver lost' } });
});

test('cancel → CancelJobRun; CANCELLING → CANCELLED → cancelled', async () => {
  let cancelled = false;
  mock.on(CancelJobRunCommand).callsFake(async () => {
    cancelled = true;
    return { applicationId: 'app-1', jobRunId: 'jr-1' };
  });
  let polls = 0;
  mock.on(GetJobRunCommand).callsFake(async () => run(cancelled ? (++polls > 2 ? 'CANCELLED' : 'CANCELLING') : 'RUNNING'));
  const exec = runner.run(spec(), cb());
  await new Promise((r) => setTimeout(r, 20));
  await exec.cancel();
  expect(await exec.done).toEqual({ kind: 'cancelled' });
  expect(mock.commandCalls(CancelJobRunCommand)[0]!.args[0].input).toEqual({ applicationId: 'app-1', jobRunId: 'jr-1' });
});

test('throttled calls are retried; a restart re-attaches by id, or by the idempotent client token', async () => {
  const throttle = Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
  mock.on(GetJobRunCommand).rejectsOnce(throttle).callsFake(async () => {
    await summary();
    return run('SUCCESS');
  });
  expect((await runner.run(spec({ externalId: 'jr-1' }), cb()).done).kind).toBe('succeeded');
  expect(mock.commandCalls(StartJobRunCommand)).toHaveLength(0);
  // No stored id (crash between StartJobRun and storing it): the same token returns the same run.
  await runner.run(spec(), cb()).done;
  await runner.run(spec(), cb()).done;
  const tokens = mock.commandCalls(StartJobRunCommand).map((c) => c.args[0].input.clientToken);
  expect(tokens).toEqual(['job-7-a2-xyz', 'job-7-a2-xyz']);
});

test('an unreachable service → transient AWS_UNAVAILABLE', async () => {
  mock.on(StartJobRunCommand).rejects(Object.assign(new Error('boom'), { name: 'InternalServerException', $metadata: { httpStatusCode: 500 } }));
  expect(await runner.run(spec(), cb()).done).toMatchObject({ kind: 'transient', error: { code: 'AWS_UNAVAILABLE' } });
});
