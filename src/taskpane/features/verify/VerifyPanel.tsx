/** Verify: run the recorded config on the sample through the backend's preview and compare with Excel. */
import { Button, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, makeStyles, tokens } from '@fluentui/react-components';
import { CheckmarkStarburstRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { AppState } from '../../app/app-state';
import { messageOf, type Services } from '../../app/services';
import { ErrorBar, InfoBar, Section } from '../../app/ui';
import { curatedConfig } from '../recording/recording-slice';
import { compareFormulaCells, comparePivots, keepsSampleRows, perRowConfig, perRowConfigKeepingPivots, previewInputs, type VerifyReport } from './compare';

const useStyles = makeStyles({
  mono: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: 'anywhere' },
  table: { tableLayout: 'auto' },
});

const SHOWN = 50;

export function VerifyPanel(props: { state: AppState; services: Services }) {
  const styles = useStyles();
  const { services } = props;
  const rec = props.state.recording;
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const config = curatedConfig(rec);

  const verify = async () => {
    if (!config || !rec.result) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const validation = await services.backend.validateConfig(config);
      if (!validation.ok) {
        setError(`The config is not valid: ${(validation.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ')}`);
        return;
      }
      const inputs = previewInputs(rec.result.samples);
      const sheet = config.recordedFrom?.sheet ?? props.state.sample.target?.sheet ?? '';
      // One engine run when the rows stay the sample's (formula columns, pivots); otherwise the
      // formula columns are compared on a run of the per-row steps alone, the pivots on the full one.
      const full = keepsSampleRows(config) ? await services.backend.preview(perRowConfigKeepingPivots(config), inputs) : null;
      const perRow = full ?? (await services.backend.preview(perRowConfig(config), inputs));
      const cells = compareFormulaCells(rec.result.formulaCells, perRow, sheet);
      let pivots = { compared: 0, mismatches: [] as VerifyReport['mismatches'] };
      if (rec.result.pivots.length) pivots = comparePivots(rec.result.pivots, full ?? (await services.backend.preview(config, inputs)));
      setReport({ compared: rec.result.formulaCells.length + pivots.compared, mismatches: [...cells, ...pivots.mismatches], pivotsCompared: rec.result.pivots.length });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Verify" hint="Runs the recorded steps on the sample with the engine and compares every cell with what Excel computed.">
      <Button appearance="primary" icon={<CheckmarkStarburstRegular />} disabled={!config || busy || rec.recording} onClick={() => void verify()}>
        Verify on the sample
      </Button>
      {!config ? <InfoBar message="Record some steps first." /> : null}
      {busy ? <Spinner size="tiny" label="Running the preview…" /> : null}
      {report && report.mismatches.length === 0 ? (
        <InfoBar intent="success" message={`All ${report.compared} cells match Excel${report.pivotsCompared ? ` (including ${report.pivotsCompared} PivotTable${report.pivotsCompared > 1 ? 's' : ''})` : ''}.`} />
      ) : null}
      {report && report.mismatches.length > 0 ? (
        <>
          <ErrorBar title="Mismatches" message={`${report.mismatches.length} of ${report.compared} cells differ from Excel.`} />
          <Table size="extra-small" aria-label="Mismatches" className={styles.table}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Cell</TableHeaderCell>
                <TableHeaderCell>Excel</TableHeaderCell>
                <TableHeaderCell>sheetscale</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {report.mismatches.slice(0, SHOWN).map((m, i) => (
                <TableRow key={`${m.where}|${m.column}|${i}`}>
                  <TableCell className={styles.mono}>{m.where}{m.column ? ` (${m.column})` : ''}</TableCell>
                  <TableCell className={styles.mono}>{m.excel}</TableCell>
                  <TableCell className={styles.mono}>{m.sheetscale}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {report.mismatches.length > SHOWN ? <InfoBar message={`${report.mismatches.length - SHOWN} more not shown.`} /> : null}
        </>
      ) : null}
      <ErrorBar message={error} />
    </Section>
  );
}
