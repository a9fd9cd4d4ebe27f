import { AddJobFlowStepsCommand, CancelStepsCommand, DescribeStepCommand, EMRClient, ListStepsCommand, type StepState } from '@aws-sdk/client-emr';
import { mockClient } from 'aws-sdk-client-mock';
import { Dispatcher } from '../src/dispatcher';
import { JobStore } from '../src/job-store';
import { EmrStepRunner, sparkSubmitArgs, stepName } from '../src/runners/emr-step-runner';
import type { RunCallbacks, RunSpec } from '../src/runners/runner';
import { MemoryStorage } from './memory-storage';

const emrMock = mockClient(EMRClient);
let storage: MemoryStorage;
let runner: EmrStepRunner;

const spec = (over: Partial<RunSpec> = {}): RunSpec => ({
  jobId: 'job-1',
  attempt: 1,
  attemptKey: 'a1-abc',
  configUri: 's3://bucket/sheetscale/jobs/job-1/config.json',
  inputs: { ledger: 's3://data/ledger/', accounts: 's3://data/accounts.csv' },
  outputUri: 's3://bucket/sheetscale/jobs/job-1/output',
  externalId: null,
  ...over,
});
const step = (State: StepState, extra: Record<string, unknown> = {}) => ({ Step: { Id: 's-1', Status: { State, ...extra } } });
const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
const callbacks = (): RunCallbacks & { ids: string[]; phases: string[] } => {
  const ids: string[] = [];
  const phases: string[] = [];
  return { ids, phases, onExternalId: (id) => ids.push(id), onProgress: (_f, p) => phases.push(String(p)) };
};
const writeSummary = () => storage.write('s3://bucket/sheetscale/jobs/job-1/output/summary.json', JSON.stringify({ status: 'succeeded', rowCount: 12 }));

beforeEach(() => {
  emrMock.reset();
  storage = new MemoryStorage();
  runner = new EmrStepRunner({ emr: new EMRClient({ region: 'us-east-1' }), clusterId: 'j-CLUSTER', storage, jobPackageUri: 's3://bucket/pkg/', pollBaseMs: 1, pollMaxMs: 4 });
  emrMock.on(ListStepsCommand).resolves({ Steps: [] });
  emrMock.on(AddJobFlowStepsCommand).resolves({ StepIds: ['s-1'] });
});

test('submits one spark-submit step (config as an S3 object, CONTINUE on failure), polls PENDING → RUNNING → COMPLETED, reads summary.json', async () => {
  emrMock
    .on(DescribeStepCommand)
    .resolvesOnce(step('PENDING'))
    .resolvesOnce(step('RUNNING'))
    .callsFake(async () => {
      await writeSummary();
      return step('COMPLETED');
    });
  const cb = callbacks();
  const outcome = await runner.run(spec(), cb).done;
  expect(outcome).toEqual({ kind: 'succeeded', summary: { status: 'succeeded', rowCount: 12 } });
  const add = emrMock.commandCalls(AddJobFlowStepsCommand);
  expect(add).toHaveLength(1);
  expect(add[0]!.args[0].input).toEqual({
    JobFlowId: 'j-CLUSTER',
    Steps: [
      {
        Name: 'sheetscale job-1 a1-abc',
        ActionOnFailure: 'CONTINUE',
        HadoopJarStep: {
          Jar: 'command-runner.jar',
          Args: [
            'spark-submit', '--deploy-mode', 'cluster', '--py-files', 's3://bucket/pkg/sheetscale_engine.zip', 's3://bucket/pkg/job.py',
            '--config', 's3://bucket/sheetscale/jobs/job-1/config.json', '--input', 'ledger=s3://data/ledger/', '--input', 'accounts=s3://data/accounts.csv', '--output', 's3://bucket/sheetscale/jobs/job-1/output',
            '--engine', 'spark',
          ],
        },
      },
    ],
  });
  expect(cb.ids).toEqual(['s-1']);
  expect(cb.phases).toEqual(['pending', 'running']);
});

test('FAILED with error.json → the job failed with the engine’s reason (no retry)', async () => {
  emrMock.on(DescribeStepCommand).callsFake(async () => {
    await storage.write('s3://bucket/sheetscale/jobs/job-1/output/error.json', JSON.stringify({ status: 'failed', code: 'BAD_INPUT_ROW', message: 'ledger.csv line 12, column Amount: "1,2x" is not a number.', step: null }));
    return step('FAILED', { FailureDetails: { Reason: 'Unknown', Message: 'exit 1' } });
  });
  expect(await runner.run(spec(), callbacks()).done).toEqual({ kind: 'failed', error: { code: 'BAD_INPUT_ROW', message: 'ledger.csv line 12, column Amount: "1,2x" is not a number.' } });
});

test('FAILED without error.json, and INTERRUPTED → transient (retried), with EMR’s failure details', async () => {
  emrMock.on(DescribeStepCommand).resolvesOnce(step('FAILED', { FailureDetails: { Reason: 'Container killed', Message: 'OOM', LogFile: 's3://logs/x' } }));
  const failed = await runner.run(spec(), callbacks()).done;
  expect(failed).toEqual({ kind: 'transient', error: { code: 'STEP_FAILED', message: 'EMR step s-1: Container killed: OOM (log: s3://logs/x)' } });
  emrMock.on(DescribeStepCommand).resolves(step('INTERRUPTED'));
  expect(await runner.run(spec({ externalId: 's-1' }), callbacks()).done).toMatchObject({ kind: 'transient', error: { code: 'STEP_INTERRUPTED' } });
});

test('cancel → CancelSteps for the step; CANCELLED → cancelled', async () => {
  let cancelled = false;
  emrMock.on(CancelStepsCommand).callsFake(async () => {
    cancelled = true;
    return { CancelStepsInfoList: [{ StepId: 's-1', Status: 'SUBMITTED' }] };
  });
  emrMock.on(DescribeStepCommand).callsFake(async () => step(cancelled ? 'CANCELLED' : 'RUNNING'));
  const exec = runner.run(spec(), callbacks());
  await new Promise((r) => setTimeout(r, 20));
  await exec.cancel();
  expect(await exec.done).toEqual({ kind: 'cancelled' });
  expect(emrMock.commandCalls(CancelStepsCommand)[0]!.args[0].input).toEqual({ ClusterId: 'j-CLUSTER', StepIds: ['s-1'], StepCancellationOption: 'TERMINATE_PROCESS' });
});

test('throttling slows polling down but does not fail the job', async () => {
  emrMock
    .on(DescribeStepCommand)
    .rejectsOnce(throttle())
    .rejectsOnce(throttle())
    .resolvesOnce(step('RUNNING'))
    .callsFake(async () => {
      await writeSummary();
      return step('COMPLETED');
    });
  emrMock.on(AddJobFlowStepsCommand).rejectsOnce(throttle()).resolves({ StepIds: ['s-1'] });
  expect((await runner.run(spec(), callbacks()).done).kind).toBe('succeeded');
  expect(emrMock.commandCalls(AddJobFlowStepsCommand)).toHaveLength(2);
  expect(emrMock.commandCalls(DescribeStepCommand)).toHaveLength(4);
});

test('a lost step (EMR no longer knows it) → transient STEP_LOST', async () => {
  emrMock.on(DescribeStepCommand).rejects(Object.assign(new Error('Step id s-1 not found'), { name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 } }));
  expect(await runner.run(spec({ externalId: 's-1' }), callbacks()).done).toMatchObject({ kind: 'transient', error: { code: 'STEP_LOST' } });
});

test('after a restart the step is found by name in ListSteps (paged) and never submitted twice', async () => {
  emrMock
    .on(ListStepsCommand)
    .resolvesOnce({ Steps: [{ Id: 's-9', Name: 'sheetscale job-2 a1-x' }], Marker: 'page2' })
    .resolvesOnce({ Steps: [{ Id: 's-old', Name: 'sheetscale job-1 a0-zzz' }, { Id: 's-1', Name: stepName(spec()) }] });
  emrMock.on(DescribeStepCommand).callsFake(async () => {
    await writeSummary();
    return step('COMPLETED');
  });
  const cb = callbacks();
  expect((await runner.run(spec(), cb).done).kind).toBe('succeeded');
  expect(emrMock.commandCalls(AddJobFlowStepsCommand)).toHaveLength(0);
  expect(emrMock.commandCalls(ListStepsCommand)[1]!.args[0].input).toEqual({ ClusterId: 'j-CLUSTER', Marker: 'page2' });
  expect(cb.ids).toEqual(['s-1']);
});

test('service restart mid-run through the dispatcher: the stored step is re-attached, AddJobFlowSteps called once', async () => {
  const store = new JobStore(':memory:');
  store.insert({ id: 'job-1', user: 'alice', datasets: ['ledger'], configHash: 'sha256:x', requestHash: 'h', idempotencyKey: null, configUri: spec().configUri, inputs: spec().inputs, outputUri: spec().outputUri });
  let state: StepState = 'RUNNING';
  emrMock.on(DescribeStepCommand).callsFake(async () => step(state));
  const first = new Dispatcher({ store, runner, concurrency: 10, maxAttempts: 3, retryBaseMs: 1 });
  await first.start();
  for (let i = 0; i < 200 && store.get('job-1')!.externalId == null; i++) await new Promise((r) => setTimeout(r, 5));
  expect(store.get('job-1')).toMatchObject({ state: 'running', externalId: 's-1' });
  first.stop(); // the process "dies": its polling loop is simply never heard from again

  const second = new Dispatcher({ store, runner: new EmrStepRunner({ emr: new EMRClient({ region: 'us-east-1' }), clusterId: 'j-CLUSTER', storage, jobPackageUri: 's3://bucket/pkg/', pollBaseMs: 1, pollMaxMs: 4 }), concurrency: 10, maxAttempts: 3, retryBaseMs: 1 });
  await second.start();
  await writeSummary();
  state = 'COMPLETED';
  await second.drain();
  second.stop();
  expect(store.get('job-1')).toMatchObject({ state: 'succeeded', rowCount: 12, attempts: 1 });
  expect(emrMock.commandCalls(AddJobFlowStepsCommand)).toHaveLength(1);
  await first.drain();
  expect(store.get('job-1')!.state).toBe('succeeded');
  store.close();
});

test('a step always runs Spark: --engine spark whatever the job asked for', () => {
  for (const engine of [undefined, null, 'auto', 'duckdb', 'spark'] as const) {
    const args = sparkSubmitArgs(spec({ engine }), 's3://bucket/pkg/');
    expect(args.slice(-2)).toEqual(['--engine', 'spark']);
    expect(args.filter((a) => a === '--engine')).toHaveLength(1);
  }
});
