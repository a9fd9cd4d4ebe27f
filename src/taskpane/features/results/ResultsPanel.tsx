/**
 * Results: open a finished job's result in a new sheet — every row when they fit in a sheet,
 * fetched page by page with progress and cancel — or the summary (first rows, totals, pivots)
 * with the full row count and a link to download everything.
 */
import { Button, Caption1, Link, ProgressBar, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import { DismissRegular, DocumentTableRegular, TableSimpleRegular } from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';
import type { CellValue, Job, RunSummary } from '../../../api/types';
import { EXCEL_MAX_ROWS, type WriteResultOutcome } from '../../../office/result-writer';
import { messageOf, type Services } from '../../app/services';
import { ErrorBar, InfoBar, Section } from '../../app/ui';
import { JobStateBadge } from '../run/RunPanel';

const useStyles = makeStyles({ row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' } });

/** Rows fetched per request of /rows. */
export const PAGE_ROWS = 5000;
/** Rows a result sheet can hold below its provenance block. */
export const SHEET_ROW_BUDGET = EXCEL_MAX_ROWS - 30;

/** The backend's rows, page by page, until `total` or cancelled. */
export async function* pagedRows(services: Services, jobId: string, total: number, signal: AbortSignal): AsyncGenerator<CellValue[][]> {
  for (let offset = 0; offset < total && !signal.aborted; offset += PAGE_ROWS) {
    const page = await services.backend.jobRows(jobId, offset, Math.min(PAGE_ROWS, total - offset));
    if (page.rows.length === 0) return;
    yield page.rows;
  }
}

export function ResultsPanel(props: { job: Job | null; services: Services }) {
  const { job, services } = props;
  const styles = useStyles();
  const [summary, setSummary] = useState<RunSummary | null>(null);
  const [downloadUrl, setDownloadUrl] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ written: number; of: number } | null>(null);
  const [outcome, setOutcome] = useState<WriteResultOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  // The panel is keyed by job id (App), so a new job starts from fresh state.
  useEffect(() => {
    if (!job || job.state !== 'succeeded') return;
    let live = true;
    services.backend.jobSummary(job.id).then((s) => live && setSummary(s), (err: unknown) => live && setError(messageOf(err)));
    services.backend.jobDownload(job.id).then((d) => live && setDownloadUrl(d.url), () => undefined);
    return () => {
      live = false;
    };
  }, [job, services]);

  if (!job) return <Section title="Results"><Caption1>Run a job (or pick one in the history) to see its result.</Caption1></Section>;

  const open = async (all: boolean) => {
    if (!summary) return;
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setOutcome(null);
    const rowsToWrite = all ? summary.rowCount : summary.firstRows.length;
    setProgress({ written: 0, of: rowsToWrite });
    try {
      const rows = all
        ? pagedRows(services, job.id, summary.rowCount, controller.signal)
        : (async function* firstRows() { yield summary.firstRows; })();
      const result = await services.host.writeResult({
        sheetName: `Result ${job.id}`,
        provenance: {
          jobId: job.id,
          configHash: summary.configHash ?? job.configHash,
          datasets: job.datasets,
          engine: summary.engine,
          engineVersion: summary.engineVersion,
          totalRows: summary.rowCount,
          finishedAt: summary.finishedAt ?? job.finishedAt,
        },
        columns: summary.columns,
        rows,
        rowsToWrite,
        totals: summary.totals,
        pivots: summary.pivots,
        downloadUrl: !all && downloadUrl ? downloadUrl : undefined,
        onProgress: (written, of) => setProgress({ written, of }),
        signal: controller.signal,
      });
      setOutcome(result);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setProgress(null);
      abort.current = null;
    }
  };

  const fits = summary !== null && summary.rowCount <= SHEET_ROW_BUDGET;
  return (
    <Section title="Results">
      <div className={styles.row}><Text>Job {job.id}</Text><JobStateBadge job={job} /></div>
      {job.state !== 'succeeded' ? <Caption1>The result is available once the job has succeeded.</Caption1> : null}
      {job.state === 'succeeded' && !summary && !error ? <Spinner size="tiny" label="Loading the summary…" /> : null}
      {summary ? (
        <>
          <Text>{summary.rowCount.toLocaleString()} rows, {summary.columns.length} columns{summary.pivots?.length ? `, ${summary.pivots.length} PivotTable${summary.pivots.length > 1 ? 's' : ''}` : ''}.</Text>
          <div className={styles.row}>
            <Button appearance="primary" icon={<DocumentTableRegular />} disabled={progress !== null} onClick={() => void open(false)}>Open summary in a new sheet</Button>
            <Button icon={<TableSimpleRegular />} disabled={progress !== null || !fits} onClick={() => void open(true)}>
              Open all {summary.rowCount.toLocaleString()} rows
            </Button>
          </div>
          {!fits ? <Caption1>Too many rows for one sheet ({EXCEL_MAX_ROWS.toLocaleString()} at most): open the summary and download the full result.</Caption1> : null}
          {downloadUrl ? <Link href={downloadUrl} target="_blank" rel="noreferrer">Download the full result</Link> : null}
        </>
      ) : null}
      {progress ? (
        <div aria-live="polite">
          <ProgressBar value={progress.of ? progress.written / progress.of : 0} thickness="large" aria-label="Rows written" />
          <div className={styles.row}>
            <Caption1>{progress.written.toLocaleString()} of {progress.of.toLocaleString()} rows written</Caption1>
            <Button size="small" icon={<DismissRegular />} onClick={() => abort.current?.abort()}>Cancel</Button>
          </div>
        </div>
      ) : null}
      {outcome ? (
        <InfoBar intent={outcome.cancelled ? 'warning' : 'success'}
          message={`${outcome.rowsWritten.toLocaleString()} rows written to sheet "${outcome.sheetName}" (table ${outcome.tableName})${outcome.cancelled ? ' before you cancelled' : ''}.`} />
      ) : null}
      <ErrorBar message={error} />
    </Section>
  );
}
