/** The ExcelHost over Office.js. The add-in's own writes are kept out of the recording. */
import { ChangeCapture } from './change-capture';
import {
  addPivotForSample, currentSelection, filterSample, listSheets, readSampleData, removeDuplicatesInSample,
  sortSample, writeSampleSheet,
} from './excel-actions';
import { excelRun, excelRunWithContext, type ExcelRunner, type ExcelRunnerWithContext } from './excel-run';
import type { ExcelHost } from './host';
import { writeResultSheet } from './result-writer';
import { loadWorkbookSnapshot } from './workbook-snapshot';

export function createOfficeHost(run: ExcelRunner = excelRun, runWithContext: ExcelRunnerWithContext = excelRunWithContext): ExcelHost {
  let capture: ChangeCapture | null = null;
  // Writes made by the add-in while recording must not come back as recorded steps.
  const own = <T>(write: () => Promise<T>): Promise<T> => (capture ? capture.whileSuppressed(write) : write());
  return {
    listSheets: () => listSheets(run),
    selection: () => currentSelection(run),
    readData: (target) => readSampleData(target, run),
    writeSampleSheet: (name, columns, rows) => own(() => writeSampleSheet(name, columns, rows, run)),
    async startCapture(sheets, onFormulas, onError) {
      const c = new ChangeCapture({ sheets, onFormulas, onError, run, runWithContext });
      await c.start();
      capture = c;
      return {
        stop: async () => {
          capture = null;
          await c.stop();
        },
      };
    },
    sort: (target, keys) => own(() => sortSample(target, keys, run)),
    filter: (target, columnIndex, criteria) => own(() => filterSample(target, columnIndex, criteria, run)),
    removeDuplicates: (target, columns) => own(() => removeDuplicatesInSample(target, columns, run)),
    addPivot: (target, spec) => own(() => addPivotForSample(target, spec, run)),
    snapshot: (sheets) => loadWorkbookSnapshot(sheets, run),
    writeResult: (options) => own(() => writeResultSheet({ ...options, run })),
  };
}
