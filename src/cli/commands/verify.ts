/** `sheetscale verify BOOK.xlsx [--sheet NAME] [--report report.json]`. */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { RecordError } from '../../recorder/record';
import { EngineUnavailableError } from '../engine';
import { showValue } from '../../verify/compare-cells';
import { progressDisplay } from '../progress-display';
import { verifyRecording, VerifyRunError, type ComparedCell, type VerifyReport } from '../verify-workbook';
import { recordFile } from './record';

/** The lines verify prints for a report. */
export function formatVerifyReport(report: VerifyReport): string[] {
  const lines: string[] = [];
  const mismatches = report.cells.filter((c) => !c.match);
  const isPivot = (c: ComparedCell): boolean => c.formula.startsWith('PivotTable ');
  const isRows = (c: ComparedCell): boolean => /^(AutoFilter|Sort)/.test(c.formula);
  const formulaCells = report.cells.filter((c) => !isPivot(c) && !isRows(c)).length;
  const pivotCells = report.cells.filter(isPivot).length;
  const rowChecks = report.cells.filter(isRows);
  const parts = [`${formulaCells} formula cell${formulaCells === 1 ? '' : 's'}`];
  if (pivotCells) parts.push(`${pivotCells} pivot cell${pivotCells === 1 ? '' : 's'}`);
  if (rowChecks.length) parts.push(`the rows kept by ${rowChecks.map((c) => c.formula).join(', ')}`);
  const listed = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  lines.push(`Compared ${listed} with the values Excel cached: ${mismatches.length === 0 ? 'all match' : `${mismatches.length} mismatch${mismatches.length === 1 ? '' : 'es'}`}.`);
  for (const m of mismatches) {
    if (isRows(m)) lines.push(`  MISMATCH ${m.cell} ${m.formula}: ${String(m.expected)}; ${String(m.actual)}`);
    else lines.push(`  MISMATCH ${m.cell} ${m.formula}: Excel ${showValue(m.expected)}, sheetscale ${showValue(m.actual)}`);
  }
  for (const r of report.refused) lines.push(`  REFUSED ${r.cell}${r.formula ? ` ${r.formula}` : ''}: ${r.reason}`);
  for (const n of report.notCompared ?? []) lines.push(`  NOT COMPARED pivot ${n.pivot}: ${n.reason}`);
  return lines;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description("Record a sample sheet, run it with the engine on the sample's own data, and compare every formula cell with the value Excel cached.")
    .argument('<book>', 'the workbook (.xlsx), saved by Excel so that formula cells hold their computed values')
    .option('-s, --sheet <name>', 'the sample sheet (default: the first sheet with a table, else the first with data)')
    .option('-r, --report <file>', 'write the report as JSON: {cells: [{cell, formula, expected, actual, match}], refused: [{cell, formula, reason}]}')
    .option('--keep-temp', 'keep the temporary folder (config, CSV inputs, engine output) and print its path')
    .addHelpText(
      'after',
      `
verify exports the sample's input columns and the lookup sheets to temporary CSV files, runs the
recorded config on them with the engine (--engine auto: the files are local, so DuckDB; filters
and sorts are left out so that rows stay in sheet order), and compares each formula cell — and each recorded PivotTable's body — with
Excel's cached value (numbers to 15 significant digits, text exactly, errors by code).
Values in the report are JSON: numbers, strings, booleans, null for blank, {"error": "#N/A"}.

Exit codes: 0 every cell matches; 1 a cell differs or a formula was refused; 2 could not record or run.

Example:
  sheetscale verify ledger.xlsx --sheet Ledger --report verify-report.json`,
    )
    .action(async (book: string, opts: { sheet?: string; report?: string; keepTemp?: boolean }) => {
      const progress = progressDisplay();
      try {
        const rec = await recordFile(book, opts.sheet);
        const { report, tempDir } = await verifyRecording(rec, { ...(opts.keepTemp ? { keepTemp: true } : {}), onProgress: progress.onProgress });
        progress.done();
        for (const line of formatVerifyReport(report)) process.stdout.write(`${line}\n`);
        for (const w of rec.warnings) process.stderr.write(`warning: ${w}\n`);
        if (opts.keepTemp) process.stderr.write(`temporary files kept in ${tempDir}\n`);
        if (opts.report) await writeFile(opts.report, `${JSON.stringify(report, null, 2)}\n`);
        process.exitCode = report.cells.some((c) => !c.match) || report.refused.length > 0 ? 1 : 0;
      } catch (err) {
        progress.done();
        if (err instanceof RecordError || err instanceof VerifyRunError || err instanceof EngineUnavailableError) {
          process.stderr.write(`sheetscale verify: ${err.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    });
}
