/** The recorded steps, each with where it came from and whether it translates; edit, delete, reorder. */
import { Badge, Button, Caption1, Input, Text, Tooltip, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { ArrowDownRegular, ArrowUpRegular, CheckmarkCircleFilled, DeleteRegular, DismissCircleFilled, EditRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import type { Step } from '../../../config/types.generated';
import type { CapturedFormula } from '../../../office/change-capture';
import type { RefusedItem } from '../../../recorder/record';
import type { Dispatch } from '../../app/app-state';
import { renamableColumn, stepOrigin, stepTitle } from './describe-step';
import { stepKey } from './recording-slice';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  item: {
    display: 'grid', gridTemplateColumns: 'auto 1fr auto', gap: tokens.spacingHorizontalS, alignItems: 'start',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`, borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`, backgroundColor: tokens.colorNeutralBackground1,
  },
  refused: { backgroundColor: tokens.colorPaletteRedBackground1, border: `1px solid ${tokens.colorPaletteRedBorder1}` },
  body: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  origin: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground3, overflowWrap: 'anywhere' },
  ok: { color: tokens.colorPaletteGreenForeground1 },
  bad: { color: tokens.colorPaletteRedForeground1 },
  tools: { display: 'flex' },
  rename: { display: 'flex', gap: tokens.spacingHorizontalXS, marginTop: tokens.spacingVerticalXS },
});

export function StepList(props: {
  steps: Step[];
  refused: RefusedItem[];
  captured: CapturedFormula[];
  renames: Record<string, string>;
  dispatch: Dispatch;
  disabled?: boolean;
}) {
  const styles = useStyles();
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const recordedCells = new Set(props.steps.map((s) => `${s.provenance.sheet}!${s.provenance.cell ?? ''}`));
  const refusedCells = new Set(props.refused.map((r) => r.cell));
  // Formulas seen live that the recorder has not accounted for yet.
  const pending = props.captured.filter((c) => !recordedCells.has(`${c.sheet}!${c.cell}`) && !refusedCells.has(`${c.sheet}!${c.cell}`));
  if (props.steps.length === 0 && props.refused.length === 0 && pending.length === 0) {
    return <Caption1>No steps yet. Type a formula in a new column of the sample and fill it down, or use the actions below.</Caption1>;
  }
  return (
    <ol className={styles.list} aria-label="Recorded steps">
      {props.steps.map((step, i) => {
        const key = stepKey(step);
        const column = renamableColumn(step);
        const renamed = props.renames[key];
        return (
          <li key={key} className={styles.item} aria-label={stepTitle(step)}>
            <Tooltip content="Translates to the full data" relationship="description">
              <CheckmarkCircleFilled className={styles.ok} aria-label="translates" />
            </Tooltip>
            <div className={styles.body}>
              <Text weight="semibold">{stepTitle(step)}{renamed ? ` (shown as ${renamed})` : ''}</Text>
              <Caption1 className={styles.origin}>{stepOrigin(step)}</Caption1>
              {editing === key ? (
                <form className={styles.rename} onSubmit={(e) => { e.preventDefault(); props.dispatch({ type: 'recording/renamed', key, column: draft }); setEditing(null); }}>
                  <Input size="small" aria-label={`New name for ${column ?? ''}`} value={draft} onChange={(_, d) => setDraft(d.value)} />
                  <Button size="small" type="submit" appearance="primary">Save</Button>
                  <Button size="small" onClick={() => setEditing(null)}>Cancel</Button>
                </form>
              ) : null}
            </div>
            <div className={styles.tools}>
              {column ? (
                <Button size="small" appearance="subtle" icon={<EditRegular />} aria-label={`Rename ${column}`} disabled={props.disabled}
                  onClick={() => { setEditing(key); setDraft(renamed ?? column); }} />
              ) : null}
              <Button size="small" appearance="subtle" icon={<ArrowUpRegular />} aria-label={`Move up: ${stepTitle(step)}`} disabled={props.disabled || i === 0}
                onClick={() => props.dispatch({ type: 'recording/moved', key, by: -1 })} />
              <Button size="small" appearance="subtle" icon={<ArrowDownRegular />} aria-label={`Move down: ${stepTitle(step)}`} disabled={props.disabled || i === props.steps.length - 1}
                onClick={() => props.dispatch({ type: 'recording/moved', key, by: 1 })} />
              <Button size="small" appearance="subtle" icon={<DeleteRegular />} aria-label={`Delete: ${stepTitle(step)}`} disabled={props.disabled}
                onClick={() => props.dispatch({ type: 'recording/deleted', key })} />
            </div>
          </li>
        );
      })}
      {props.refused.map((r) => (
        <li key={`refused|${r.cell}`} className={mergeClasses(styles.item, styles.refused)} aria-label={`Not translatable: ${r.cell}`}>
          <DismissCircleFilled className={styles.bad} aria-label="does not translate" />
          <div className={styles.body}>
            <Text weight="semibold">Not translatable: {r.cell}</Text>
            {r.formula ? <Caption1 className={styles.origin}>{r.formula}</Caption1> : null}
            <Caption1>{r.reason}</Caption1>
          </div>
          <span />
        </li>
      ))}
      {pending.map((c) => (
        <li key={`pending|${c.sheet}|${c.column}`} className={styles.item} aria-label={`Seen: ${c.sheet}!${c.cell}`}>
          <Badge appearance="outline" size="small">new</Badge>
          <div className={styles.body}>
            <Text weight="semibold">Formula at {c.sheet}!{c.cell}</Text>
            <Caption1 className={styles.origin}>{c.formula}</Caption1>
            {!c.consistent ? <Caption1>Not the same formula on every row yet: fill it down the whole column.</Caption1> : null}
          </div>
          <span />
        </li>
      ))}
    </ol>
  );
}
