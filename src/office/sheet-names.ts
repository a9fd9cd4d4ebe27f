/**
 * Worksheet names as Excel allows them: at most 31 characters, none of : \ / ? * [ ], not
 * starting or ending with an apostrophe, not "History", unique ignoring case.
 */

const MAX_SHEET_NAME = 31;
const FORBIDDEN = /[:\\/?*[\]]/g;

/** A valid, unique sheet name close to `wanted` ("Result 2", "Result 3"... on a clash). */
export function uniqueSheetName(wanted: string, existing: readonly string[]): string {
  let base = wanted.replace(FORBIDDEN, ' ').replace(/\s+/g, ' ').trim().replace(/^'+|'+$/g, '');
  if (!base || base.toLowerCase() === 'history') base = 'Result';
  const taken = new Set(existing.map((n) => n.toLowerCase()));
  const fit = (text: string, suffix: string) => `${text.slice(0, MAX_SHEET_NAME - suffix.length).trimEnd()}${suffix}`;
  let candidate = fit(base, '');
  for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = fit(base, ` (${i})`);
  return candidate;
}

/** A table name Excel accepts (letters, digits, underscore; starts with a letter; ≤ 255). */
export function tableNameFor(sheetName: string, existing: readonly string[]): string {
  let base = sheetName.replace(/[^A-Za-z0-9_]/g, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[A-Za-z]/.test(base)) base = `Result_${base}`;
  base = base.slice(0, 200);
  const taken = new Set(existing.map((n) => n.toLowerCase()));
  let candidate = base;
  for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${base}_${i}`;
  return candidate;
}
