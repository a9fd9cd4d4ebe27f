/** `sheetscale record BOOK.xlsx [--sheet NAME] [-o config.json]`: the config for a sample sheet. */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { recordWorkbook, RecordError, type Recording } from '../../recorder/record';
import { readXlsx, XlsxReadError } from '../../xlsx/read-xlsx';
import { SampleShapeError } from '../../recorder/sample-table';
import { packageVersion } from '../main';

/** Reads and records a workbook; user-facing failures become RecordError. */
export async function recordFile(file: string, sheet: string | undefined): Promise<Recording> {
  try {
    const wb = await readXlsx(file);
    return recordWorkbook(wb, { ...(sheet ? { sheet } : {}), ...(wb.name ? { workbookName: wb.name } : {}), recorder: `sheetscale ${packageVersion()}` });
  } catch (err) {
    if (err instanceof XlsxReadError || err instanceof SampleShapeError) throw new RecordError(err.message);
    throw err;
  }
}

/** Prints what was refused and the warnings, to stderr. */
export function reportRefusals(rec: Recording, out: (line: string) => void): void {
  for (const r of rec.refused) out(`refused: ${r.cell}${r.formula ? ` ${r.formula}` : ''}: ${r.reason}`);
  for (const w of rec.warnings) out(`warning: ${w}`);
}

export function register(program: Command): void {
  program
    .command('record')
    .description('Record the sample sheet of an .xlsx workbook into a transformation config (JSON).')
    .argument('<book>', 'the workbook (.xlsx) holding the sample')
    .option('-s, --sheet <name>', 'the sample sheet (default: the first sheet with a table, else the first with data)')
    .option('-o, --output <file>', 'write the config to this file (default: print it)')
    .addHelpText(
      'after',
      `
The sample sheet holds one table (an Excel table, or a range with a header row). Columns holding
the same formula on every row become formula steps; ranges and tables the formulas look into
(VLOOKUP, XLOOKUP, INDEX/MATCH, SUMIF...) become sources, read at run time; the table's AutoFilter,
sort and the PivotTables built on it are recorded too. Formulas that cannot be translated are
listed on stderr with the cell, the formula and why; the rest is still recorded.

Exit codes: 0 recorded (even with refusals), 2 could not record.

Example:
  sheetscale record ledger.xlsx --sheet Ledger -o ledger.config.json`,
    )
    .action(async (book: string, opts: { sheet?: string; output?: string }) => {
      let rec: Recording;
      try {
        rec = await recordFile(book, opts.sheet);
      } catch (err) {
        if (!(err instanceof RecordError)) throw err;
        process.stderr.write(`sheetscale record: ${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      reportRefusals(rec, (l) => process.stderr.write(`${l}\n`));
      const json = `${JSON.stringify(rec.config, null, 2)}\n`;
      if (opts.output) {
        await writeFile(opts.output, json);
        const formulas = rec.config.steps.filter((s) => !('hidden' in s && s.hidden)).length;
        process.stderr.write(`Recorded ${formulas} step${formulas === 1 ? '' : 's'} from ${rec.config.recordedFrom?.sheet ?? ''} to ${opts.output}` + (rec.refused.length ? ` (${rec.refused.length} refused, see above)` : '') + '\n');
      } else {
        process.stdout.write(json);
      }
      process.exitCode = 0;
    });
}
