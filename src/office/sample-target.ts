/** Where the sample lives: an Excel table, or a plain range (header row first) on a sheet. */
export interface SampleTarget {
  sheet: string;
  table?: string;
  /** A1 address of the range including its header row, when not a table. */
  range?: string;
}

/** "Ledger (table Sales)" / "Ledger!A1:F200", for messages. */
export function describeTarget(t: SampleTarget): string {
  return t.table ? `table ${t.table} on sheet ${t.sheet}` : `${t.sheet}!${t.range ?? ''}`;
}
