/**
 * The sample: pick a table (or the selected range) to record on and the catalog dataset it stands
 * for, or load a dataset's sample rows into a new sheet. Sources the formulas look up into are
 * bound here too once recorded: to a dataset, or uploaded from the workbook with the job.
 */
import { Button, Field, Select, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowDownloadRegular, TableRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useState } from 'react';
import type { SheetOverview } from '../../../office/excel-actions';
import { describeTarget } from '../../../office/sample-target';
import type { AppState, Dispatch } from '../../app/app-state';
import { messageOf, type Services } from '../../app/services';
import { ErrorBar, InfoBar, Section } from '../../app/ui';

const useStyles = makeStyles({
  row: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  chosen: { color: tokens.colorNeutralForeground2 },
});

export function SamplePanel(props: { state: AppState; dispatch: Dispatch; services: Services }) {
  const { state, dispatch, services } = props;
  const styles = useStyles();
  const [sheets, setSheets] = useState<SheetOverview[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setSheets(await services.host.listSheets());
      dispatch({ type: 'sample/datasetsLoaded', datasets: await services.backend.datasets() });
    } catch (err) {
      setError(messageOf(err));
    }
  }, [services, dispatch]);

  useEffect(() => {
    // On mount; the Refresh button reloads on demand.
    let live = true;
    services.host.listSheets().then((s) => live && setSheets(s), (err: unknown) => live && setError(messageOf(err)));
    services.backend.datasets().then(
      (datasets) => live && dispatch({ type: 'sample/datasetsLoaded', datasets }),
      (err: unknown) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [services, dispatch]);

  const tables = sheets.flatMap((s) => s.tables.map((t) => ({ sheet: s.name, table: t.name, columns: t.columns })));
  const target = state.sample.target;
  const targetValue = target?.table ? `table:${target.table}` : '';

  const chooseSelection = async () => {
    setError(null);
    try {
      const sel = await services.host.selection();
      dispatch({ type: 'sample/targetChosen', target: { sheet: sel.sheet, range: sel.address } });
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const loadDatasetSample = async () => {
    const id = state.sample.datasetId;
    const dataset = state.sample.datasets.find((d) => d.id === id);
    if (!id || !dataset) return;
    setBusy('Loading the sample…');
    setError(null);
    try {
      const sample = await services.backend.datasetSample(id, 500);
      const written = await services.host.writeSampleSheet(dataset.name, sample.columns, sample.rows);
      dispatch({ type: 'sample/targetChosen', target: { sheet: written.sheet, table: written.table } });
      setInfo(`${sample.rows.length} sample rows of ${dataset.name} are in sheet "${written.sheet}" (table ${written.table}).`);
      await refresh();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Section title="Sample" hint="The table your steps are recorded on. Work on a sample; the same steps run on the full data.">
        <Field label="Sample table">
          <Select
            value={targetValue}
            onChange={(_, d) => {
              const t = tables.find((x) => `table:${x.table}` === d.value);
              dispatch({ type: 'sample/targetChosen', target: t ? { sheet: t.sheet, table: t.table } : null });
            }}
          >
            <option value="">{tables.length ? 'Choose a table…' : 'No tables in this workbook'}</option>
            {tables.map((t) => (
              <option key={t.table} value={`table:${t.table}`}>{`${t.table} (${t.sheet})`}</option>
            ))}
          </Select>
        </Field>
        <div className={styles.row}>
          <Button icon={<TableRegular />} onClick={() => void chooseSelection()}>Use selected range</Button>
          <Button appearance="subtle" onClick={() => void refresh()}>Refresh</Button>
        </div>
        {target ? <Text className={styles.chosen}>Recording on {describeTarget(target)}.</Text> : null}
      </Section>
      <Section title="Dataset" hint="The catalog dataset this sample stands for: the job reads it in full.">
        <Field label="Dataset">
          <Select value={state.sample.datasetId ?? ''} onChange={(_, d) => dispatch({ type: 'sample/datasetBound', datasetId: d.value || null })}>
            <option value="">Choose a dataset…</option>
            {state.sample.datasets.map((d) => (
              <option key={d.id} value={d.id}>{d.rowCount !== undefined ? `${d.name} (${d.rowCount.toLocaleString()} rows)` : d.name}</option>
            ))}
          </Select>
        </Field>
        <div className={styles.row}>
          <Button icon={<ArrowDownloadRegular />} disabled={!state.sample.datasetId || busy !== null} onClick={() => void loadDatasetSample()}>
            Load its sample into a new sheet
          </Button>
        </div>
        {busy ? <Spinner size="tiny" label={busy} /> : null}
      </Section>
      <InfoBar message={info} intent="success" />
      <ErrorBar message={error} />
    </>
  );
}
