/**
 * verify: record a sample sheet, run the config with the engine on the sample's own inputs, and
 * compare every formula cell (and every recorded pivot's body) with the value Excel cached.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SheetscaleConfig } from '../config/types.generated';
import { LIMITS } from '../config/limits';
import type { PivotSample, Recording } from '../recorder/record';
import { cellAddress } from '../recorder/workbook';
import { sameValue, toJsonValue } from '../verify/compare-cells';
import { runEngine, describeEngineFailure, type JsonCell, type ProgressEvent, type EngineSummary } from './engine';
import { sampleCsv } from './sample-csv';

/** One compared cell. */
export interface ComparedCell {
  cell: string;
  formula: string;
  expected: JsonCell;
  actual: JsonCell;
  match: boolean;
}

/** The verify report (written by --report). */
export interface VerifyReport {
  cells: ComparedCell[];
  refused: Array<{ cell: string; formula: string; reason: string }>;
  /** Pivot bodies that could not be compared cell by cell (layout differs), with why. */
  notCompared?: Array<{ pivot: string; reason: string }>;
}

/** verify could not run the engine (distinct from a mismatch). */
export class VerifyRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyRunError';
  }
}

/**
 * The config verify runs: the recorded one without the steps that change which rows exist or
 * their order (filter, sort), so that result row i is sample row i.
 */
export function verificationConfig(config: SheetscaleConfig): SheetscaleConfig {
  return { ...config, steps: config.steps.filter((s) => s.op !== 'filter' && s.op !== 'sort' && s.op !== 'removeDuplicates') };
}

function comparePivot(sample: PivotSample, pivot: { header: JsonCell[]; rows: JsonCell[][] } | undefined, out: ComparedCell[], notCompared: VerifyReport['notCompared']): void {
  const where = (r: number, c: number): string => `${sample.sheet}!${cellAddress(sample.range.top + r, sample.range.left + c)}`;
  if (!pivot) {
    notCompared?.push({ pivot: sample.name, reason: 'the engine returned no pivot of that name' });
    return;
  }
  const width = sample.range.right - sample.range.left + 1;
  const height = sample.cells.length;
  const lines = [pivot.header, ...pivot.rows];
  if (pivot.header.length !== width || lines.length > height) {
    notCompared?.push({ pivot: sample.name, reason: `Excel's layout (${height}×${width} cells) differs from the engine's tabular layout (${lines.length}×${pivot.header.length}); compare by eye` });
    return;
  }
  // Excel's compact layout has its own captions in the header rows ("Row Labels"); the body rows
  // (row items and values) line up with the engine's rows from the bottom.
  const offset = height - pivot.rows.length;
  pivot.rows.forEach((row, i) => {
    row.forEach((actual, j) => {
      const expected = toJsonValue(sample.cells[offset + i]?.[j] ?? { kind: 'blank' });
      out.push({ cell: where(offset + i, j), formula: `PivotTable ${sample.name}`, expected, actual, match: sameValue(expected, actual) });
    });
  });
}

/** The input column verify adds to number the sample's rows (a name no header is likely to have). */
export const SAMPLE_ROW_COLUMN = 'sheetscale sample row';

/**
 * The config that checks filters and sorts: the recorded one without pivots, with the main source
 * carrying the sample row number through to the result.
 */
export function rowCheckConfig(config: SheetscaleConfig): SheetscaleConfig {
  return {
    ...config,
    sources: config.sources.map((s) => (s.name === config.main ? { ...s, columns: [...s.columns, { name: SAMPLE_ROW_COLUMN, type: 'number' as const }] } : s)),
    steps: config.steps.filter((s) => s.op !== 'pivot'),
    output: { format: 'parquet' },
  };
}

/** "rows 2, 4, 5" (sheet rows) for a list of 0-based sample row indexes. */
function sheetRows(indexes: JsonCell[], firstDataRow: number): string {
  if (indexes.length === 0) return 'no rows';
  const shown = indexes.slice(0, 20).map((i) => (typeof i === 'number' ? String(i + firstDataRow) : '?'));
  return `rows ${shown.join(', ')}${indexes.length > 20 ? ` and ${indexes.length - 20} more` : ''}`;
}

/** Compares the rows (and their order) the filter/sort steps keep with the rows Excel shows. */
export function compareRows(rec: Recording, summary: EngineSummary): ComparedCell | undefined {
  const steps = rec.config.steps.filter((s) => s.op === 'filter' || s.op === 'sort');
  if (steps.length === 0 || !rec.visibleRows) return undefined;
  const col = summary.columns.findIndex((c) => c.name === SAMPLE_ROW_COLUMN);
  const actual = summary.firstRows.map((r) => r[col] ?? null);
  const expected: JsonCell[] = rec.visibleRows;
  const range = rec.config.recordedFrom?.range ?? '';
  // recordedFrom.range starts at the header row; data rows start below it.
  const first = Number(/\d+/.exec(range)?.[0] ?? '1') + 1;
  const match = actual.length === expected.length && actual.every((v, i) => v === expected[i]);
  return {
    cell: `${rec.config.recordedFrom?.sheet ?? ''}!${range}`,
    formula: steps.map((s) => (s.op === 'filter' ? 'AutoFilter' : 'Sort')).join(' + '),
    expected: `Excel shows ${sheetRows(expected, first)}`,
    actual: `sheetscale keeps ${sheetRows(actual, first)}`,
    match,
  };
}

export interface VerifyOptions {
  keepTemp?: boolean;
  onProgress?: (e: ProgressEvent) => void;
}

/** Runs the recorded config on the sample and compares. */
export async function verifyRecording(rec: Recording, options: VerifyOptions = {}): Promise<{ report: VerifyReport; tempDir: string; summary: EngineSummary }> {
  const config = verificationConfig(rec.config);
  const main = rec.samples[0];
  if (!main) throw new VerifyRunError('nothing was recorded');
  const maxRows = LIMITS.maxSummaryRows;
  if (main.rows.length > maxRows) {
    throw new VerifyRunError(`the sample has ${main.rows.length} rows; verify compares at most ${maxRows} (the summary's first-rows limit). Verify a smaller sample.`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sheetscale-verify-'));
  const configPath = path.join(dir, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const inputs: Array<{ name: string; uri: string }> = [];
  for (const [i, s] of rec.samples.entries()) {
    const file = path.join(dir, `source-${i}.csv`);
    await writeFile(file, sampleCsv(s.columns, s.rows, config.options?.dateSystem ?? '1900'));
    inputs.push({ name: s.source, uri: file });
  }
  const output = path.join(dir, 'out');
  try {
    // engine auto: the sample files are local, so the job runs on DuckDB (--local-small only matters to Spark).
    const outcome = await runEngine({ config: configPath, inputs, output, engine: 'auto', firstRows: main.rows.length, localSmall: true, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    if (outcome.exitCode !== 0 || !outcome.summary) throw new VerifyRunError(`the engine failed on the sample: ${describeEngineFailure(outcome)}`);
    const summary = outcome.summary;
    const index = new Map(summary.columns.map((c, i) => [c.name, i]));
    const cells: ComparedCell[] = [];
    for (const fc of rec.formulaCells) {
      const expected = toJsonValue(fc.expected);
      const col = index.get(fc.column);
      const row = summary.firstRows[fc.rowIndex];
      const actual = col === undefined || row === undefined ? undefined : row[col];
      cells.push({ cell: fc.cell, formula: fc.formula, expected, actual: actual === undefined ? null : actual, match: sameValue(expected, actual) });
    }
    const notCompared: NonNullable<VerifyReport['notCompared']> = [];
    for (const p of rec.pivots) comparePivot(p, summary.pivots?.find((x) => x.name === p.name), cells, notCompared);
    if (rec.config.steps.some((st) => st.op === 'filter' || st.op === 'sort')) {
      // A second run with the filter and sort: the rows it keeps, in order, must be the rows Excel shows.
      const rowConfigPath = path.join(dir, 'config-rows.json');
      await writeFile(rowConfigPath, JSON.stringify(rowCheckConfig(rec.config), null, 2));
      const mainFile = path.join(dir, 'source-main-rows.csv');
      await writeFile(mainFile, sampleCsv([...main.columns, { name: SAMPLE_ROW_COLUMN, type: 'number' }], main.rows.map((r, i) => [...r, { kind: 'number', value: i }]), config.options?.dateSystem ?? '1900'));
      const rowInputs = inputs.map((i) => (i.name === main.source ? { name: i.name, uri: mainFile } : i));
      const rows = await runEngine({ config: rowConfigPath, inputs: rowInputs, output: path.join(dir, 'out-rows'), engine: 'auto', firstRows: main.rows.length, localSmall: true, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
      if (rows.exitCode !== 0 || !rows.summary) throw new VerifyRunError(`the engine failed on the sample's filter/sort: ${describeEngineFailure(rows)}`);
      const check = compareRows(rec, rows.summary);
      if (check) cells.push(check);
    }
    const report: VerifyReport = { cells, refused: rec.refused.map((r) => ({ cell: r.cell, formula: r.formula, reason: r.reason })) };
    if (notCompared.length > 0) report.notCompared = notCompared;
    return { report, tempDir: dir, summary };
  } finally {
    if (!options.keepTemp) await rm(dir, { recursive: true, force: true });
  }
}
