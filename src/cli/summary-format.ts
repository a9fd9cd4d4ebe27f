/** The summary `run` prints at the end of a job: rows, columns, engine, per-step metrics, pivots, timings. */
import { showValue } from '../verify/compare-cells';
import type { EngineSummary, JsonCell } from './engine';

/** A value as Excel would show it in a General-format cell: numbers to 15 significant digits, text unquoted. */
export function displayValue(v: JsonCell): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(Number(v.toPrecision(15)));
  return showValue(v);
}

function table(header: JsonCell[], rows: JsonCell[][], maxRows: number): string[] {
  const cells = [header, ...rows.slice(0, maxRows)].map((r) => r.map(displayValue));
  const widths = cells[0]?.map((_c, j) => Math.min(30, Math.max(...cells.map((r) => (r[j] ?? '').length)))) ?? [];
  const lines = cells.map((r) => `  ${r.map((c, j) => c.slice(0, 30).padEnd(widths[j] ?? 0)).join('  ')}`.trimEnd());
  if (rows.length > maxRows) lines.push(`  ... ${rows.length - maxRows} more rows`);
  return lines;
}

/** The line naming the engine that ran and why, e.g. `engine: duckdb (auto: every input is on this machine (12,345 bytes))`. */
export function engineLine(s: Pick<EngineSummary, 'engine' | 'engineReason'>): string | null {
  if (!s.engine) return null;
  return `engine: ${s.engine}${s.engineReason ? ` (${s.engineReason})` : ''}`;
}

/** Human-readable lines for a succeeded job's summary. */
export function formatSummary(s: EngineSummary, outputDir: string, firstRowsShown = 10): string[] {
  const lines: string[] = [];
  lines.push(`Succeeded: ${s.rowCount} row${s.rowCount === 1 ? '' : 's'}, ${s.columns.length} column${s.columns.length === 1 ? '' : 's'}${s.timings?.totalSeconds !== undefined ? ` in ${s.timings.totalSeconds.toFixed(1)} s` : ''}.`);
  const engine = engineLine(s);
  if (engine) lines.push(engine);
  if (s.result) lines.push(`Result: ${outputDir}/${s.result.path} (${s.result.format}, ${s.result.rowCount} rows); summary: ${outputDir}/summary.json`);
  for (const st of s.steps ?? []) {
    const parts = [`${st.id} ${st.op}`];
    if (st.rowsIn !== undefined && st.rowsOut !== undefined && st.rowsIn !== st.rowsOut) parts.push(`${st.rowsIn} → ${st.rowsOut} rows`);
    if (st.unmatched) parts.push(`${st.unmatched} unmatched`);
    if (st.duplicateKeys) parts.push(`${st.duplicateKeys} duplicate keys (first match used)`);
    const errors = Object.entries(st.errors ?? {}).filter(([, n]) => n > 0);
    if (errors.length) parts.push(`errors: ${errors.map(([c, n]) => `${c} ${n}`).join(', ')}`);
    if (parts.length > 1) lines.push(`  step ${parts.join('; ')}`);
  }
  if (s.badRows && s.badRows.count > 0) {
    lines.push(`Bad input rows: ${s.badRows.count}`);
    for (const e of s.badRows.examples ?? []) lines.push(`  ${JSON.stringify(e)}`);
  }
  const totals = Object.entries(s.totals ?? {});
  if (totals.length) lines.push(`Totals: ${totals.map(([c, v]) => `${c} = ${displayValue(v)}`).join(', ')}`);
  for (const p of s.pivots ?? []) {
    lines.push(`Pivot ${p.name}:`);
    lines.push(...table(p.header, p.rows, 50));
  }
  if (s.firstRows.length && firstRowsShown > 0) {
    lines.push(`First ${Math.min(firstRowsShown, s.firstRows.length)} rows:`);
    lines.push(...table(s.columns.map((c) => c.name), s.firstRows, firstRowsShown));
  }
  return lines;
}
