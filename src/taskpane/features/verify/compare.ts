/**
 * Verify: the recorded config run on the sample by the backend's preview, compared cell by cell
 * with what Excel computed. Formula columns are compared on a config holding only the per-row
 * steps (so that rows line up with the sample's); pivots are compared on the full config, row by
 * row matched by their labels.
 */
import type { CellValue as JsonCellValue, PreviewInput, PreviewResult } from '../../../api/types';
import type { SheetscaleConfig } from '../../../config/types.generated';
import type { FormulaCell, PivotSample, SourceSample } from '../../../recorder/record';
import { sameValue, showValue, toJsonValue, type SameValueOptions } from '../../../verify/compare-cells';

export interface Mismatch {
  /** "Ledger!D7" or "PivotTable1 row East". */
  where: string;
  column: string;
  excel: string;
  sheetscale: string;
  formula?: string;
}

export interface VerifyReport {
  compared: number;
  mismatches: Mismatch[];
  pivotsCompared: number;
}

/** Preview inputs from the recorder's samples. */
export function previewInputs(samples: readonly SourceSample[]): Record<string, PreviewInput> {
  return Object.fromEntries(samples.map((s) => [s.source, { rows: s.rows.map((r) => r.map(toJsonValue)) }]));
}

/** The preview gets the sample as CSV, where empty text and blank are one empty field. */
const SAME_AS_PREVIEW: SameValueOptions = { blankMatchesEmptyText: true };

const PER_ROW_OPS = new Set(['formula', 'lookup', 'conditionalAggregate']);

/** Whether the output rows are the sample's rows, in order (pivots do not change the flowing rows). */
export function keepsSampleRows(config: SheetscaleConfig): boolean {
  return config.steps.every((s) => PER_ROW_OPS.has(s.op) || s.op === 'pivot');
}

/** The config with only its per-row column steps, so that output rows are the sample's rows. */
export function perRowConfig(config: SheetscaleConfig): SheetscaleConfig {
  const { columns: _columns, ...output } = config.output;
  return { ...config, steps: config.steps.filter((s) => PER_ROW_OPS.has(s.op)), output: { ...output, summary: { ...(output.summary ?? {}), firstRows: 10000 } } };
}

/** The config as it is, with every output column kept (hidden ones aside) and all rows in the preview. */
export function perRowConfigKeepingPivots(config: SheetscaleConfig): SheetscaleConfig {
  const { columns: _columns, ...output } = config.output;
  return { ...config, output: { ...output, summary: { ...(output.summary ?? {}), firstRows: 10000 } } };
}

export function compareFormulaCells(cells: readonly FormulaCell[], preview: PreviewResult, sheet: string): Mismatch[] {
  const columnIndex = new Map(preview.summary.columns.map((c, i) => [c.name.toLowerCase(), i]));
  const rows = preview.rows.length ? preview.rows : preview.summary.firstRows;
  const out: Mismatch[] = [];
  for (const cell of cells) {
    const i = columnIndex.get(cell.column.toLowerCase());
    const got = i === undefined ? undefined : rows[cell.rowIndex]?.[i];
    const want = toJsonValue(cell.expected);
    if (!sameValue(want, got, SAME_AS_PREVIEW)) {
      out.push({ where: `${sheet}!${cell.cell}`, column: cell.column, excel: showValue(want), sheetscale: showValue(got), formula: cell.formula });
    }
  }
  return out;
}

function labelOf(row: readonly JsonCellValue[]): string {
  return String(row[0] ?? '').trim().toLowerCase();
}

/** Pivots: Excel's cached body against the preview's, rows matched by their first cell (the label). */
export function comparePivots(samples: readonly PivotSample[], preview: PreviewResult): { compared: number; mismatches: Mismatch[] } {
  const mismatches: Mismatch[] = [];
  let compared = 0;
  for (const sample of samples) {
    const got = preview.summary.pivots?.find((p) => p.name === sample.name);
    if (!got) {
      mismatches.push({ where: sample.name, column: '', excel: 'a PivotTable', sheetscale: '(none in the preview)' });
      continue;
    }
    const byLabel = new Map(got.rows.map((r) => [labelOf(r), r]));
    for (const excelRow of sample.cells.map((r) => r.map(toJsonValue))) {
      const label = labelOf(excelRow);
      const numbers = excelRow.slice(1).filter((v) => typeof v === 'number');
      if (!label || numbers.length === 0) continue; // header rows ("Row Labels", "Sum of Amount")
      const mine = byLabel.get(label);
      excelRow.slice(1).forEach((v, j) => {
        compared++;
        const w = mine?.[j + 1];
        if (!sameValue(v, w, SAME_AS_PREVIEW)) {
          mismatches.push({ where: `${sample.name} row "${String(excelRow[0])}"`, column: String(got.header[j + 1] ?? `column ${j + 2}`), excel: showValue(v), sheetscale: showValue(w) });
        }
      });
    }
  }
  return { compared, mismatches };
}
