/**
 * Run on the full data: each source bound to a catalog dataset or uploaded from the workbook, the
 * job submitted with an idempotency key (a retry after a network error cannot start it twice),
 * live progress by polling, cancel, and the history of the user's jobs.
 */
import {
  Badge, Button, Caption1, Field, ProgressBar, Select, Text, makeStyles, tokens,
} from '@fluentui/react-components';
import { DismissRegular, PlayRegular } from '@fluentui/react-icons';
import { useCallback, useEffect } from 'react';
import type { Job } from '../../../api/types';
import { isFinished } from '../../../api/types';
import type { AppState, Dispatch } from '../../app/app-state';
import { messageOf, type Services } from '../../app/services';
import { ErrorBar, Section } from '../../app/ui';
import { curatedConfig } from '../recording/recording-slice';
import { toJsonValue } from '../../../verify/compare-cells';
import type { SourceChoice } from './run-slice';

const useStyles = makeStyles({
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  history: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  historyItem: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', justifyContent: 'space-between' },
});

const STATE_COLOR: Record<Job['state'], 'informative' | 'brand' | 'success' | 'danger' | 'warning' | 'subtle'> = {
  queued: 'informative', running: 'brand', succeeded: 'success', failed: 'danger', cancelled: 'subtle', dead: 'danger',
};

export function JobStateBadge(props: { job: Job }) {
  return <Badge appearance="tint" color={STATE_COLOR[props.job.state]}>{props.job.state}</Badge>;
}

export function RunPanel(props: { state: AppState; dispatch: Dispatch; services: Services }) {
  const { state, dispatch, services } = props;
  const styles = useStyles();
  const config = curatedConfig(state.recording);
  const run = state.run;
  const job = run.job;
  const samples = state.recording.result?.samples ?? [];

  const choiceOf = (source: string): SourceChoice | undefined =>
    run.choices[source] ?? (source === config?.main && state.sample.datasetId ? { kind: 'dataset', datasetId: state.sample.datasetId } : undefined);

  const loadHistory = useCallback(async () => {
    try {
      dispatch({ type: 'run/history', jobs: await services.backend.jobs() });
    } catch (err) {
      dispatch({ type: 'run/failed', message: messageOf(err) });
    }
  }, [services, dispatch]);

  useEffect(() => {
    void loadHistory();
  }, [loadHistory]);

  // Live progress: poll while the current job is not finished.
  useEffect(() => {
    if (!job || isFinished(job.state)) return undefined;
    const timer = setInterval(() => {
      services.backend.job(job.id).then((j) => dispatch({ type: 'run/job', job: j }), (err: unknown) => dispatch({ type: 'run/failed', message: messageOf(err) }));
    }, services.pollMs ?? 1000);
    return () => clearInterval(timer);
  }, [job, services, dispatch]);

  const unbound = (config?.sources ?? []).filter((s) => !choiceOf(s.name)).map((s) => s.name);

  const submit = async () => {
    if (!config) return;
    const key = run.idempotencyKey && !job ? run.idempotencyKey : services.newIdempotencyKey();
    dispatch({ type: 'run/submitting', idempotencyKey: key });
    try {
      const bindings: Record<string, { dataset: string } | { upload: string }> = {};
      for (const source of config.sources) {
        const choice = choiceOf(source.name);
        if (choice?.kind === 'dataset') {
          bindings[source.name] = { dataset: choice.datasetId };
        } else {
          const sample = samples.find((s) => s.source === source.name);
          if (!sample) throw new Error(`No rows of "${source.name}" to upload: record again, or bind it to a dataset.`);
          const uploaded = await services.backend.upload(source.name, sample.columns, sample.rows.map((r) => r.map(toJsonValue)));
          bindings[source.name] = { upload: uploaded.uploadId };
        }
      }
      dispatch({ type: 'run/job', job: await services.backend.submitJob({ config, bindings }, key) });
    } catch (err) {
      dispatch({ type: 'run/failed', message: messageOf(err) });
    }
  };

  const cancel = async () => {
    if (!job) return;
    try {
      dispatch({ type: 'run/job', job: await services.backend.cancelJob(job.id) });
    } catch (err) {
      dispatch({ type: 'run/failed', message: messageOf(err) });
    }
  };

  return (
    <>
      <Section title="Data" hint="Where each source's full data comes from: a catalog dataset, or this workbook's rows uploaded with the job (a rates table, a chart of accounts).">
        {(config?.sources ?? []).map((source) => {
          const choice = choiceOf(source.name);
          const value = choice?.kind === 'dataset' ? `dataset:${choice.datasetId}` : choice?.kind === 'upload' ? 'upload' : '';
          return (
            <Field key={source.name} label={source.name === config?.main ? `${source.name} (the sample)` : `${source.name} (looked up)`}>
              <Select value={value} onChange={(_, d) => dispatch({
                type: 'run/choice',
                source: source.name,
                choice: d.value === 'upload' ? { kind: 'upload' } : { kind: 'dataset', datasetId: d.value.replace(/^dataset:/, '') },
              })}>
                <option value="" disabled>Choose…</option>
                <option value="upload">Upload this workbook's rows with the job</option>
                {state.sample.datasets.map((d) => <option key={d.id} value={`dataset:${d.id}`}>{`Dataset: ${d.name}`}</option>)}
              </Select>
            </Field>
          );
        })}
        {!config ? <Caption1>Record steps first.</Caption1> : null}
      </Section>
      <Section title="Run on the full data">
        <div className={styles.row}>
          <Button appearance="primary" icon={<PlayRegular />} disabled={!config || run.busy || unbound.length > 0 || state.recording.recording || (job !== null && !isFinished(job.state))} onClick={() => void submit()}>
            Run on full data
          </Button>
          {job && !isFinished(job.state) ? <Button icon={<DismissRegular />} onClick={() => void cancel()}>Cancel</Button> : null}
        </div>
        {unbound.length && config ? <Caption1>Choose where the data of {unbound.join(', ')} comes from.</Caption1> : null}
        {job ? (
          <div aria-live="polite">
            <div className={styles.row}><Text>Job {job.id}</Text><JobStateBadge job={job} /></div>
            <ProgressBar value={job.state === 'succeeded' ? 1 : job.progress} thickness="large" aria-label="Job progress" />
            <Caption1>{job.phase ?? job.state}{job.rowCount !== undefined ? ` · ${job.rowCount.toLocaleString()} rows` : ''}</Caption1>
            {job.error ? <ErrorBar title={job.error.code} message={`${job.error.message}${job.error.step ? ` (step ${job.error.step})` : ''}`} /> : null}
          </div>
        ) : null}
        <ErrorBar message={run.error} />
      </Section>
      <Section title="History">
        {run.history.length === 0 ? <Caption1>No jobs yet.</Caption1> : (
          <ul className={styles.history} aria-label="Your jobs">
            {run.history.slice(0, 20).map((j) => (
              <li key={j.id} className={styles.historyItem}>
                <Button appearance="transparent" size="small" onClick={() => dispatch({ type: 'run/selected', job: j })}>
                  {new Date(j.createdAt).toLocaleString()}
                </Button>
                <JobStateBadge job={j} />
              </li>
            ))}
          </ul>
        )}
        <Button appearance="subtle" size="small" onClick={() => void loadHistory()}>Refresh</Button>
      </Section>
    </>
  );
}
