import { displayValue, engineLine, formatSummary } from './summary-format';
import type { EngineSummary } from './engine';

describe('the summary printed by run and demo', () => {
  it('shows numbers as a General-format cell does (15 significant digits) and errors by their code', () => {
    expect(displayValue(-109518.06000000004)).toBe('-109518.06');
    expect(displayValue(0.1 + 0.2)).toBe('0.3');
    expect(displayValue({ error: '#N/A' })).toBe('#N/A');
    expect(displayValue(null)).toBe('(blank)');
    expect(displayValue('text')).toBe('text');
  });

  it('prints totals that are errors as the error, not as an object', () => {
    const summary: EngineSummary = {
      status: 'succeeded',
      rowCount: 2,
      columns: [{ name: 'Amount', type: 'number' }],
      firstRows: [[1], [2]],
      totals: { Amount: 1278684.0299999996, 'Amount USD': { error: '#N/A' } },
    } as EngineSummary;
    const totals = formatSummary(summary, '/out').find((l) => l.startsWith('Totals:'));
    expect(totals).toBe('Totals: Amount = 1278684.03, Amount USD = #N/A');
  });

  it('names the engine that ran and why, after the row count', () => {
    const summary = { status: 'succeeded', engine: 'duckdb', engineReason: 'auto: every input is on this machine (12,345 bytes)', rowCount: 1, columns: [{ name: 'A', type: 'number' }], firstRows: [[1]] } as EngineSummary;
    expect(formatSummary(summary, '/out', 0)).toEqual(['Succeeded: 1 row, 1 column.', 'engine: duckdb (auto: every input is on this machine (12,345 bytes))']);
    expect(engineLine({ engine: 'spark' })).toBe('engine: spark');
    expect(engineLine({})).toBeNull();
  });
});
