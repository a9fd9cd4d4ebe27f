/**
 * Actions Excel fires no event for — sort, filter, remove duplicates, PivotTable — done from the
 * pane: applied in Excel through the host, then recorded (by the snapshot that follows, or as the
 * pane's own step when Excel keeps no trace of it).
 */
import { Button, Caption1, Checkbox, Field, Input, Select, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowSortRegular, DataBarVerticalRegular, FilterRegular, TableDismissRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { Step } from '../../../config/types.generated';
import type { PivotSummary } from '../../../office/excel-actions';
import type { SampleTarget } from '../../../office/sample-target';
import { messageOf, type Services } from '../../app/services';
import { ErrorBar, InfoBar, Section } from '../../app/ui';

const useStyles = makeStyles({
  group: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, paddingBlock: tokens.spacingVerticalXS, borderTop: `1px solid ${tokens.colorNeutralStroke2}` },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end', flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: '110px' },
  checks: { display: 'flex', flexWrap: 'wrap' },
});

const SUMMARIZE: PivotSummary[] = ['Sum', 'Count', 'Average', 'Max', 'Min'];

export function ActionsPanel(props: {
  services: Services;
  target: SampleTarget;
  columns: string[];
  /** Records a step Excel keeps no trace of. */
  onManualStep: (step: Step) => void;
  /** Called after every action, to take a new snapshot. */
  onApplied: () => Promise<void>;
  pivotCount: number;
}) {
  const { services, target, columns } = props;
  const styles = useStyles();
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [sortColumn, setSortColumn] = useState('');
  const [descending, setDescending] = useState(false);
  const [filterColumn, setFilterColumn] = useState('');
  const [filterText, setFilterText] = useState('');
  const [dedupe, setDedupe] = useState<string[]>([]);
  const [pivotRow, setPivotRow] = useState('');
  const [pivotValue, setPivotValue] = useState('');
  const [summarize, setSummarize] = useState<PivotSummary>('Sum');
  const [busy, setBusy] = useState(false);
  const index = (name: string) => columns.indexOf(name);
  const provenance = (action: string) => ({ sheet: target.sheet, action, ...(target.table ? { table: target.table } : {}), ...(target.range ? { range: target.range } : {}) });

  const act = async (what: () => Promise<string | null>) => {
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      setInfo(await what());
      await props.onApplied();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const sort = () => act(async () => {
    await services.host.sort(target, [{ columnIndex: index(sortColumn), descending }]);
    // A table keeps its sort state (the snapshot reads it); a plain range does not.
    if (!target.table) props.onManualStep({ op: 'sort', id: `m${Date.now().toString(36)}`, provenance: provenance('Sort'), keys: [{ column: sortColumn, descending }] });
    return `Sorted by ${sortColumn}${descending ? ' (descending)' : ''}.`;
  });

  const filter = () => act(async () => {
    const text = filterText.trim();
    // ">100", "<>x", "=a*": a custom criterion; anything else: the values to keep.
    const criteria: Excel.FilterCriteria = /^(<>|>=|<=|=|>|<)/.test(text)
      ? { filterOn: 'Custom', criterion1: text }
      : { filterOn: 'Values', values: text.split(',').map((v) => v.trim()).filter(Boolean) };
    await services.host.filter(target, index(filterColumn), criteria);
    return `Filtered ${filterColumn}.`;
  });

  const removeDuplicates = () => act(async () => {
    const removed = await services.host.removeDuplicates(target, dedupe.map(index));
    props.onManualStep({ op: 'removeDuplicates', id: `m${Date.now().toString(36)}`, provenance: provenance('Remove Duplicates'), columns: dedupe });
    return `Excel removed ${removed} duplicate row${removed === 1 ? '' : 's'}.`;
  });

  const pivot = () => act(async () => {
    const name = `PivotTable${props.pivotCount + 1}`;
    const sheet = await services.host.addPivot(target, { name, rows: [pivotRow], columns: [], values: [{ field: pivotValue, summarizeBy: summarize }] });
    return `${name} (${summarize} of ${pivotValue} by ${pivotRow}) is on sheet "${sheet}".`;
  });

  const columnSelect = (label: string, value: string, set: (v: string) => void) => (
    <Field label={label} className={styles.grow}>
      <Select value={value} onChange={(_, d) => set(d.value)}>
        <option value="">Column…</option>
        {columns.map((c) => <option key={c} value={c}>{c}</option>)}
      </Select>
    </Field>
  );

  return (
    <Section title="Actions" hint="Excel reports no event for these: do them here and they are applied in Excel and recorded.">
      <div className={styles.group} role="group" aria-label="Sort">
        <div className={styles.row}>
          {columnSelect('Sort by', sortColumn, setSortColumn)}
          <Field label="Order" className={styles.grow}>
            <Select value={descending ? 'desc' : 'asc'} onChange={(_, d) => setDescending(d.value === 'desc')}>
              <option value="asc">Ascending</option>
              <option value="desc">Descending</option>
            </Select>
          </Field>
          <Button icon={<ArrowSortRegular />} disabled={busy || !sortColumn} onClick={() => void sort()}>Sort</Button>
        </div>
      </div>
      <div className={styles.group} role="group" aria-label="Filter">
        <div className={styles.row}>
          {columnSelect('Filter', filterColumn, setFilterColumn)}
          <Field label="Keep" hint='Values (a, b) or a criterion (">100")' className={styles.grow}>
            <Input value={filterText} onChange={(_, d) => setFilterText(d.value)} />
          </Field>
          <Button icon={<FilterRegular />} disabled={busy || !filterColumn || !filterText.trim()} onClick={() => void filter()}>Filter</Button>
        </div>
      </div>
      <div className={styles.group} role="group" aria-label="Remove duplicates">
        <Caption1 id="dedupe-label">Remove duplicates on</Caption1>
        <div className={styles.checks} role="group" aria-labelledby="dedupe-label">
          {columns.map((c) => (
            <Checkbox key={c} label={c} checked={dedupe.includes(c)}
              onChange={(_, d) => setDedupe(d.checked ? [...dedupe, c] : dedupe.filter((x) => x !== c))} />
          ))}
        </div>
        <div className={styles.row}>
          <Button icon={<TableDismissRegular />} disabled={busy || dedupe.length === 0} onClick={() => void removeDuplicates()}>Remove duplicates</Button>
        </div>
      </div>
      <div className={styles.group} role="group" aria-label="PivotTable">
        <div className={styles.row}>
          {columnSelect('Rows', pivotRow, setPivotRow)}
          {columnSelect('Values', pivotValue, setPivotValue)}
          <Field label="Summarize by" className={styles.grow}>
            <Select value={summarize} onChange={(_, d) => setSummarize(d.value as PivotSummary)}>
              {SUMMARIZE.map((s) => <option key={s} value={s}>{s}</option>)}
            </Select>
          </Field>
          <Button icon={<DataBarVerticalRegular />} disabled={busy || !pivotRow || !pivotValue} onClick={() => void pivot()}>Insert PivotTable</Button>
        </div>
      </div>
      <InfoBar message={info} intent="success" />
      <ErrorBar message={error} />
    </Section>
  );
}
