/** One line per step, in the user's words, for the step list. */
import type { Step } from '../../../config/types.generated';

export function stepTitle(step: Step): string {
  switch (step.op) {
    case 'formula':
      return `${step.hidden ? 'Helper column' : 'Formula column'} ${step.column}`;
    case 'lookup':
      return `${step.function} into ${step.source} → ${step.column}`;
    case 'conditionalAggregate':
      return `${step.function} over ${step.source} → ${step.column}`;
    case 'filter':
      return `Filter on ${step.conditions.map((c) => c.column).join(', ')}`;
    case 'sort':
      return `Sort by ${step.keys.map((k) => `${k.column}${k.descending ? ' (descending)' : ''}`).join(', ')}`;
    case 'removeDuplicates':
      return `Remove duplicates on ${step.columns.join(', ')}`;
    case 'pivot':
      return `PivotTable ${step.name}: ${step.values.map((v) => `${v.summarizeBy ?? 'sum'} of ${v.column}`).join(', ')} by ${step.rows.join(', ') || '(no rows)'}`;
    case 'group':
      return `Group by ${step.by.join(', ')}`;
    case 'selectColumns':
      return `Keep columns ${step.columns.join(', ')}`;
    case 'renameColumns':
      return `Rename ${step.renames.map((r) => `${r.from} → ${r.to}`).join(', ')}`;
    case 'deleteColumns':
      return `Delete columns ${step.columns.join(', ')}`;
    case 'append':
      return `Append ${step.sources.join(', ')}`;
  }
}

/** Where the step came from: "Ledger!F2  =VLOOKUP(...)" or the Excel command. */
export function stepOrigin(step: Step): string {
  const p = step.provenance;
  const place = p.cell ? `${p.sheet}!${p.cell}` : p.range ? `${p.sheet}!${p.range}` : p.sheet;
  return p.formula ? `${place}  ${p.formula}` : `${place}  ${p.action ?? ''}`.trim();
}

/** The column a step writes (formula, lookup, aggregate), which the user may rename. */
export function renamableColumn(step: Step): string | undefined {
  return step.op === 'formula' || step.op === 'lookup' || step.op === 'conditionalAggregate' ? step.column : undefined;
}
