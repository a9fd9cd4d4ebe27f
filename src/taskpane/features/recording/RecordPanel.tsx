/**
 * Record: start/stop, the live list of steps, and the pane's own actions. While recording, every
 * change Excel reports (and every pane action) is followed by a snapshot of the workbook that the
 * recorder core turns into steps — so each formula shows whether it translates, and why not.
 * Stopping takes a last snapshot, which also catches sorts, filters and pivots made in Excel's UI.
 */
import { Button, Spinner, makeStyles, tokens } from '@fluentui/react-components';
import { RecordRegular, StopRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Step } from '../../../config/types.generated';
import type { CaptureHandle } from '../../../office/host';
import { RecordError, recordWorkbook } from '../../../recorder/record';
import type { AppState, Dispatch } from '../../app/app-state';
import { messageOf, type Services } from '../../app/services';
import { ErrorBar, InfoBar, Section } from '../../app/ui';
import { ActionsPanel } from './ActionsPanel';
import { refusedItems, visibleSteps } from './recording-slice';
import { StepList } from './StepList';

const useStyles = makeStyles({ row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' } });

/** How long to wait after a change before taking a snapshot (a fill-down fires several events). */
const SNAPSHOT_DELAY_MS = 300;

export function RecordPanel(props: { state: AppState; dispatch: Dispatch; services: Services }) {
  const { state, dispatch, services } = props;
  const styles = useStyles();
  const target = state.sample.target;
  const rec = state.recording;
  const capture = useRef<CaptureHandle | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [columns, setColumns] = useState<string[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const snapshot = useCallback(async () => {
    if (!target) return;
    try {
      const workbook = await services.host.snapshot();
      dispatch({ type: 'recording/recorded', result: recordWorkbook(workbook, { sheet: target.sheet, recorder: 'sheetscale add-in' }) });
    } catch (err) {
      dispatch({ type: 'recording/failed', message: err instanceof RecordError ? err.message : `Could not record the sample: ${messageOf(err)}` });
    }
  }, [services, dispatch, target]);

  const refreshColumns = useCallback(async () => {
    if (!target) return;
    try {
      setColumns((await services.host.readData(target)).columns.map((c) => c.name));
    } catch (err) {
      setError(messageOf(err));
    }
  }, [services, target]);

  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
    void capture.current?.stop();
  }, []);

  const start = async () => {
    if (!target) return;
    setError(null);
    setBusy('Starting…');
    try {
      const sheets = (await services.host.listSheets()).map((s) => s.name);
      capture.current = await services.host.startCapture(
        sheets,
        (formulas) => {
          dispatch({ type: 'recording/captured', formulas });
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => void snapshot().then(refreshColumns), SNAPSHOT_DELAY_MS);
        },
        (message) => setError(message),
      );
      dispatch({ type: 'recording/started' });
      await refreshColumns();
      await snapshot();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  };

  const stop = async () => {
    setBusy('Taking a snapshot…');
    try {
      if (timer.current) clearTimeout(timer.current);
      await capture.current?.stop();
      capture.current = null;
      dispatch({ type: 'recording/stopped' });
      await snapshot();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  };

  const steps = visibleSteps(rec);
  const refused = refusedItems(rec);
  const pivotCount = steps.filter((s) => s.op === 'pivot').length;

  return (
    <>
      <Section title="Record" hint={target ? 'Add formula columns to the sample and fill them down; each appears below.' : 'Choose the sample table first (Sample tab).'}>
        <div className={styles.row}>
          {rec.recording ? (
            <Button appearance="primary" icon={<StopRegular />} onClick={() => void stop()} disabled={busy !== null}>Stop recording</Button>
          ) : (
            <Button appearance="primary" icon={<RecordRegular />} onClick={() => void start()} disabled={!target || busy !== null}>Start recording</Button>
          )}
          {rec.result && !rec.recording ? <Button appearance="subtle" onClick={() => dispatch({ type: 'recording/cleared' })}>Clear</Button> : null}
          {busy ? <Spinner size="tiny" label={busy} /> : null}
        </div>
        <StepList steps={steps} refused={refused} captured={rec.captured} renames={rec.renames} dispatch={dispatch} disabled={busy !== null} />
        <InfoBar message={rec.result?.warnings.length ? rec.result.warnings.join(' ') : null} intent="warning" />
        <ErrorBar message={rec.error ?? error} />
      </Section>
      {target && rec.recording ? (
        <ActionsPanel
          services={services}
          target={target}
          columns={columns}
          pivotCount={pivotCount}
          onManualStep={(step: Step) => dispatch({ type: 'recording/manualStep', step })}
          onApplied={async () => {
            await snapshot();
            await refreshColumns();
          }}
        />
      ) : null}
    </>
  );
}
