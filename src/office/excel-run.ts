/**
 * The doors to Office.js that everything in src/office goes through, so that tests can pass their
 * own `run` (office-addin-mock, or the in-memory fake host of the browser tests).
 */

/** `Excel.run` as a value: a batch against a request context. */
export type ExcelRunner = <T>(batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;

/** The real Excel.run (only callable inside Office). */
export const excelRun: ExcelRunner = (batch) => Excel.run(batch);

/** Whether the host supports a requirement set; false outside Office (and in tests without it). */
export function isSetSupported(name: string, version: string): boolean {
  return typeof Office !== 'undefined' && Boolean(Office.context?.requirements?.isSetSupported(name, version));
}

/** Sets one number format on every cell of a range (Office.js accepts a single value for a range). */
export function setRangeNumberFormat(range: Excel.Range, format: string): void {
  // The typings only show the 2D-array form; a single string applies to the whole range.
  (range as unknown as { numberFormat: string }).numberFormat = format;
}

/** `Excel.run(context, batch)`: a batch on an existing context (e.g. to remove an event handler). */
export type ExcelRunnerWithContext = <T>(context: Excel.RequestContext, batch: (context: Excel.RequestContext) => Promise<T>) => Promise<T>;

export const excelRunWithContext: ExcelRunnerWithContext = (context, batch) => Excel.run(context, batch);
