import type { CellValue } from '../recorder/workbook';
import { FUNCTIONS } from '../config/functions';
import { FormulaRefusedError } from './refusal';
import { parseReference } from './reference';
import { translateFormula, type SourceRange, type TranslationContext } from './translate';

/**
 * The sample: sheet Ledger, table Ledger at A1:F11 (header row 1, data rows 2..11), columns
 * A Account, B Qty, C Price, D Amount, E Date, F Target (the formula column under test, row 2).
 * Lookup sheets: Rates (Code, Rate, Name at A:C), table Codes (Code, Label).
 */
const COLUMNS = ['Account', 'Qty', 'Price', 'Amount', 'Date', 'Target'];

function ctx(overrides: Partial<TranslationContext> = {}): TranslationContext {
  return {
    sheet: 'Ledger',
    row: 2,
    column: 6,
    target: 'Target',
    table: { name: 'Ledger', dataRows: { top: 2, left: 1, bottom: 11, right: 6 }, columns: COLUMNS },
    resolveSource: (ref, text): SourceRange | string => {
      if (ref.kind === 'a1' && ref.sheet === 'Rates') {
        const all = ['Code', 'Rate', 'Name'];
        const l = (ref.start.column ?? 1) - 1;
        const r = (ref.end.column ?? 3) - 1;
        return { source: 'Rates', columns: all.slice(l, r + 1) };
      }
      if (ref.kind === 'structured' && ref.table === 'Codes') {
        const all = ['Code', 'Label'];
        if (ref.columns.length === 0) return { source: 'Codes', columns: all };
        const a = all.indexOf(ref.columns[0] as string);
        const b = all.indexOf((ref.columns[1] ?? ref.columns[0]) as string);
        return { source: 'Codes', columns: all.slice(a, b + 1) };
      }
      if (ref.kind === 'name' && ref.name === 'Codes') return { source: 'Codes', columns: ['Code', 'Label'] };
      return `cannot resolve ${text}`;
    },
    fixedCell: (sheet, row, column): CellValue | undefined => (sheet === undefined && row === 1 && column === 8 ? { kind: 'number', value: 0.2 } : undefined),
    ...overrides,
  };
}

function expr(formula: string): unknown {
  const t = translateFormula(formula, ctx());
  const last = t.steps[t.steps.length - 1];
  if (!last || last.op !== 'formula') throw new Error(`not a formula step: ${JSON.stringify(t.steps)}`);
  return last.expr;
}

function refusal(formula: string, c: TranslationContext = ctx()): FormulaRefusedError {
  try {
    translateFormula(formula, c);
  } catch (err) {
    if (err instanceof FormulaRefusedError) return err;
    throw err;
  }
  throw new Error(`${formula} was not refused`);
}

const col = (name: string) => ({ kind: 'column', name });
const num = (value: number) => ({ kind: 'number', value });

describe('references on the same row', () => {
  it('resolves A1 cells of the row to columns by header', () => {
    expect(expr('=B2*C2')).toEqual({ kind: 'binary', op: '*', left: col('Qty'), right: col('Price') });
    expect(expr('=$B2*C$2'.replace('C$2', 'C2'))).toEqual({ kind: 'binary', op: '*', left: col('Qty'), right: col('Price') });
  });

  it('resolves structured references of the row in every spelling Excel uses', () => {
    expect(expr('=[@Qty]*2')).toEqual({ kind: 'binary', op: '*', left: col('Qty'), right: num(2) });
    expect(expr('=Ledger[@Qty]')).toEqual(col('Qty'));
    expect(expr('=Ledger[[#This Row],[Qty]]')).toEqual(col('Qty'));
    expect(expr('=[@[Qty]]')).toEqual(col('Qty'));
  });

  it('lists the columns a formula reads', () => {
    expect(translateFormula('=B2*C2+[@Amount]', ctx()).reads.sort()).toEqual(['Amount', 'Price', 'Qty']);
  });

  it('expands a range of the row inside SUM-like functions', () => {
    expect(expr('=SUM(B2:D2)')).toEqual({ kind: 'call', name: 'SUM', args: [col('Qty'), col('Price'), col('Amount')] });
  });

  it('inlines a fixed cell outside the table as a constant', () => {
    expect(expr('=D2*$H$1')).toEqual({ kind: 'binary', op: '*', left: col('Amount'), right: num(0.2) });
  });
});

describe('literals and operators', () => {
  it('keeps Excel precedence: negation before ^, ^ before * before + before & before =', () => {
    expect(expr('=-2^2')).toEqual({ kind: 'binary', op: '^', left: { kind: 'unary', op: '-', arg: num(2) }, right: num(2) });
    expect(expr('=1+2*3')).toEqual({ kind: 'binary', op: '+', left: num(1), right: { kind: 'binary', op: '*', left: num(2), right: num(3) } });
    expect(expr('=1-2-3')).toEqual({ kind: 'binary', op: '-', left: { kind: 'binary', op: '-', left: num(1), right: num(2) }, right: num(3) });
    expect(expr('=2^3^2')).toEqual({ kind: 'binary', op: '^', left: { kind: 'binary', op: '^', left: num(2), right: num(3) }, right: num(2) });
    expect(expr('="a"&B2="a1"')).toEqual({
      kind: 'binary', op: '=',
      left: { kind: 'binary', op: '&', left: { kind: 'text', value: 'a' }, right: col('Qty') },
      right: { kind: 'text', value: 'a1' },
    });
    expect(expr('=(B2+C2)*2')).toEqual({ kind: 'binary', op: '*', left: { kind: 'binary', op: '+', left: col('Qty'), right: col('Price') }, right: num(2) });
  });

  it('reads %, error literals, logicals, text with quotes, exponents and omitted arguments', () => {
    expect(expr('=B2%')).toEqual({ kind: 'unary', op: '%', arg: col('Qty') });
    expect(expr('=(B2+1)%')).toEqual({ kind: 'unary', op: '%', arg: { kind: 'binary', op: '+', left: col('Qty'), right: num(1) } });
    expect(expr('=IFERROR(B2/C2,#DIV/0!)')).toEqual({ kind: 'call', name: 'IFERROR', args: [{ kind: 'binary', op: '/', left: col('Qty'), right: col('Price') }, { kind: 'error', value: '#DIV/0!' }] });
    expect(expr('=IF(B2>0,TRUE,FALSE)')).toEqual({ kind: 'call', name: 'IF', args: [{ kind: 'binary', op: '>', left: col('Qty'), right: num(0) }, { kind: 'logical', value: true }, { kind: 'logical', value: false }] });
    expect(expr('="say ""hi"""')).toEqual({ kind: 'text', value: 'say "hi"' });
    expect(expr('=1e3+1.5E-3')).toEqual({ kind: 'binary', op: '+', left: num(1000), right: num(0.0015) });
    expect(expr('=IF(B2>0,,1)')).toEqual({ kind: 'call', name: 'IF', args: [{ kind: 'binary', op: '>', left: col('Qty'), right: num(0) }, { kind: 'blank' }, num(1)] });
    expect(expr('=+B2')).toEqual(col('Qty'));
  });

  it('drops the _xlfn. prefix Excel writes into files', () => {
    expect(expr('=_xlfn.IFS(B2>1,"a",TRUE,"b")')).toMatchObject({ kind: 'call', name: 'IFS' });
  });
});

describe('every scalar function of schema/functions.json', () => {
  const scalar = FUNCTIONS.filter((f) => f.category !== 'table');
  it.each(scalar.map((f) => [f.name, f.minArgs, f.maxArgs] as const))('%s translates to a call with its arguments', (name, min, max) => {
    const n = Math.max(min, Math.min(max, 2));
    const args = Array.from({ length: n }, (_v, i) => (i % 2 === 0 ? 'B2' : 'C2')).join(',');
    const e = expr(`=${name}(${args})`) as { kind: string; name: string; args: unknown[] };
    expect(e.kind).toBe('call');
    expect(e.name).toBe(name);
    expect(e.args).toHaveLength(n);
  });

  it('refuses a wrong number of arguments', () => {
    expect(refusal('=ROUND(B2)').reason).toBe('ROUND takes 2 arguments; this call has 1.');
  });
});

describe('lookups', () => {
  it('VLOOKUP exact (FALSE) into a range on another sheet', () => {
    expect(translateFormula('=VLOOKUP(A2,Rates!$A$2:$C$500,2,FALSE)', ctx()).steps).toEqual([
      { op: 'lookup', column: 'Target', function: 'VLOOKUP', key: col('Account'), source: 'Rates', keyColumn: 'Code', returnColumn: 'Rate', match: 'wildcard' },
    ]);
  });

  it('VLOOKUP approximate: TRUE, omitted, or 1; an empty fourth argument is FALSE', () => {
    for (const f of ['=VLOOKUP(A2,Rates!$A$2:$C$500,3,TRUE)', '=VLOOKUP(A2,Rates!$A$2:$C$500,3)', '=VLOOKUP(A2,Rates!A:C,3,1)']) {
      expect(translateFormula(f, ctx()).steps[0]).toMatchObject({ match: 'approximate', returnColumn: 'Name' });
    }
    expect(translateFormula('=VLOOKUP(A2,Rates!A:C,3,)', ctx()).steps[0]).toMatchObject({ match: 'wildcard' });
  });

  it('VLOOKUP into a table by name and by [#All]', () => {
    expect(translateFormula('=VLOOKUP([@Account],Codes[#All],2,FALSE)', ctx()).steps[0]).toMatchObject({ source: 'Codes', keyColumn: 'Code', returnColumn: 'Label' });
    expect(translateFormula('=VLOOKUP([@Account],Codes,2,0)', ctx()).steps[0]).toMatchObject({ source: 'Codes', keyColumn: 'Code', returnColumn: 'Label' });
  });

  it('XLOOKUP with if_not_found, match and search modes', () => {
    expect(translateFormula('=_xlfn.XLOOKUP(A2,Codes[Code],Codes[Label],"none",-1,-1)', ctx()).steps).toEqual([
      { op: 'lookup', column: 'Target', function: 'XLOOKUP', key: col('Account'), source: 'Codes', keyColumn: 'Code', returnColumn: 'Label', match: 'nextSmaller', search: 'lastToFirst', ifNotFound: { kind: 'text', value: 'none' } },
    ]);
    expect(translateFormula('=XLOOKUP(A2,Codes[Code],Codes[Label])', ctx()).steps[0]).toMatchObject({ match: 'exact' });
    expect(translateFormula('=XLOOKUP(A2,Codes[Code],Codes[Label],,2)', ctx()).steps[0]).toMatchObject({ match: 'wildcard' });
  });

  it('INDEX/MATCH is one lookup', () => {
    expect(translateFormula('=INDEX(Rates!$B$2:$B$9,MATCH(A2,Rates!$A$2:$A$9,0))', ctx()).steps).toEqual([
      { op: 'lookup', column: 'Target', function: 'INDEX/MATCH', key: col('Account'), source: 'Rates', keyColumn: 'Code', returnColumn: 'Rate', match: 'wildcard' },
    ]);
    expect(translateFormula('=INDEX(Rates!$A$2:$C$9,MATCH(A2,Rates!$A$2:$A$9,-1),3)', ctx()).steps[0]).toMatchObject({ returnColumn: 'Name', match: 'approximateDescending' });
  });

  it('MATCH alone returns the position', () => {
    expect(translateFormula('=MATCH(A2,Codes[Code],0)', ctx()).steps[0]).toEqual({ op: 'lookup', column: 'Target', function: 'MATCH', key: col('Account'), source: 'Codes', keyColumn: 'Code', match: 'wildcard' });
  });

  it('hoists a nested lookup into a hidden helper column', () => {
    const t = translateFormula('=IFERROR(VLOOKUP(A2,Rates!$A$2:$C$500,2,FALSE),0)*B2', ctx());
    expect(t.steps).toEqual([
      { op: 'lookup', column: 'Target~VLOOKUP1', hidden: true, function: 'VLOOKUP', key: col('Account'), source: 'Rates', keyColumn: 'Code', returnColumn: 'Rate', match: 'wildcard' },
      { op: 'formula', column: 'Target', expr: { kind: 'binary', op: '*', left: { kind: 'call', name: 'IFERROR', args: [col('Target~VLOOKUP1'), num(0)] }, right: col('Qty') } },
    ]);
  });
});

describe('conditional aggregates', () => {
  it('SUMIF with and without sum_range, COUNTIF, AVERAGEIF', () => {
    expect(translateFormula('=SUMIF(Rates!$A:$A,A2,Rates!$B:$B)', ctx()).steps).toEqual([
      { op: 'conditionalAggregate', column: 'Target', function: 'SUMIF', source: 'Rates', criteria: [{ column: 'Code', criterion: col('Account') }], valueColumn: 'Rate' },
    ]);
    expect(translateFormula('=SUMIF(Rates!$B:$B,">100")', ctx()).steps[0]).toMatchObject({ valueColumn: 'Rate', criteria: [{ column: 'Rate', criterion: { kind: 'text', value: '>100' } }] });
    expect(translateFormula('=COUNTIF(Codes[Code],[@Account])', ctx()).steps[0]).toEqual({ op: 'conditionalAggregate', column: 'Target', function: 'COUNTIF', source: 'Codes', criteria: [{ column: 'Code', criterion: col('Account') }] });
    expect(translateFormula('=AVERAGEIF(Rates!$A:$A,A2,Rates!$B:$B)', ctx()).steps[0]).toMatchObject({ function: 'AVERAGEIF', valueColumn: 'Rate' });
  });

  it('SUMIFS / COUNTIFS / AVERAGEIFS with criteria built from the row', () => {
    expect(translateFormula('=SUMIFS(Rates!$B:$B,Rates!$A:$A,A2,Rates!$C:$C,">"&B2)', ctx()).steps[0]).toEqual({
      op: 'conditionalAggregate', column: 'Target', function: 'SUMIFS', source: 'Rates', valueColumn: 'Rate',
      criteria: [
        { column: 'Code', criterion: col('Account') },
        { column: 'Name', criterion: { kind: 'binary', op: '&', left: { kind: 'text', value: '>' }, right: col('Qty') } },
      ],
    });
    expect(translateFormula('=COUNTIFS(Rates!$A:$A,A2)', ctx()).steps[0]).toMatchObject({ function: 'COUNTIFS' });
    expect(translateFormula('=AVERAGEIFS(Rates!$B:$B,Rates!$A:$A,A2)', ctx()).steps[0]).toMatchObject({ function: 'AVERAGEIFS', valueColumn: 'Rate' });
  });

  it('hoists a nested aggregate', () => {
    const t = translateFormula('=D2/SUMIF(Rates!$A:$A,A2,Rates!$B:$B)', ctx());
    expect(t.steps.map((s) => [s.op, s.column, 'hidden' in s ? s.hidden : undefined])).toEqual([
      ['conditionalAggregate', 'Target~SUMIF1', true],
      ['formula', 'Target', undefined],
    ]);
  });
});

describe('refusals name the cell, the formula, the part and what is supported', () => {
  it('an unknown function, listing the supported ones', () => {
    const e = refusal('=B2+FOO(C2)');
    expect(e.cell).toBe('Ledger!F2');
    expect(e.part).toBe('FOO');
    expect(e.message).toMatch(/^Cell Ledger!F2 =B2\+FOO\(C2\): FOO is not a supported function\. Supported functions: IF, IFS, AND, .*; and as lookups\/aggregates over another sheet or table: VLOOKUP, XLOOKUP, INDEX, MATCH, SUMIF/);
  });

  it('the exact message for a reference to another row', () => {
    expect(refusal('=B3*C2').message).toBe(
      'Cell Ledger!F2 =B3*C2: B3 refers to another row (this formula is in row 2); a formula column can only read cells of its own row, e.g. B2. Running totals and references to previous rows are not supported.',
    );
  });

  it('volatile functions', () => {
    for (const f of ['OFFSET(B2,0,1)', 'INDIRECT("B2")', 'RAND()', 'RANDBETWEEN(1,2)']) {
      const e = refusal(`=${f}`);
      expect(e.reason).toMatch(/is volatile/);
    }
  });

  it('aggregation over the own table', () => {
    expect(refusal('=COUNTIF($A$2:$A$11,A2)').reason).toMatch(/covers the sample table's own rows: an aggregate over the whole table/);
    expect(refusal('=SUM(Ledger[Amount])').reason).toMatch(/covers the sample table's own rows/);
    expect(refusal('=D2/SUM($D$2:$D$11)').reason).toMatch(/covers the sample table's own rows/);
  });

  it('array and spill constructs', () => {
    expect(refusal('=SUM({1,2,3})').reason).toMatch(/array constants/);
    expect(refusal('=_xlfn.FILTER(Rates!A:A,Rates!B:B>1)').reason).toMatch(/spills/);
    expect(refusal('=B2:C2').reason).toMatch(/array formula/);
    expect(refusal('=SUM(A2#)').reason).toMatch(/spilled array/);
    expect(refusal('=B2 C2').reason).toMatch(/intersection operator/);
  });

  it('lookup arguments that cannot be recorded', () => {
    expect(refusal('=VLOOKUP(A2,Rates!A2:C500,2,FALSE)').reason).toMatch(/is a relative range, so each row would search different rows; make it absolute \(Rates!\$A\$2:\$C\$500\)/);
    expect(refusal('=VLOOKUP(A2,Rates!$A$2:$C$500,B2,FALSE)').reason).toMatch(/col_index_num must be a constant number/);
    expect(refusal('=VLOOKUP(A2,Rates!$A$2:$C$500,5,FALSE)').reason).toMatch(/col_index_num 5 is outside/);
    expect(refusal('=INDEX(Rates!$B:$B,3)').reason).toMatch(/INDEX is supported only as INDEX\(return_range, MATCH/);
    expect(refusal('=VLOOKUP(A2,Nowhere!$A:$B,2,FALSE)').reason).toBe('cannot resolve Nowhere!$A:$B');
  });

  it('other rows of other sheets, and the own column', () => {
    expect(refusal('=Rates!B2').reason).toMatch(/reads a row of another sheet/);
    expect(refusal('=F2+1').reason).toMatch(/circular reference/);
    expect(refusal('=Z2').reason).toMatch(/outside the sample table/);
  });
});

describe('parseReference', () => {
  it('reads sheets, absolute parts, whole columns and structured references', () => {
    expect(parseReference("'My Sheet'!$A$2:C9")).toMatchObject({ kind: 'a1', sheet: 'My Sheet', start: { row: 2, column: 1, rowAbsolute: true }, end: { row: 9, column: 3 } });
    expect(parseReference('Rates!A:C')).toMatchObject({ kind: 'a1', start: { column: 1 }, end: { column: 3 } });
    expect(parseReference('Rates[[Code]:[Rate]]')).toEqual({ kind: 'structured', table: 'Rates', items: [], columns: ['Code', 'Rate'] });
    expect(parseReference("T[[#This Row],[a'[b']]]")).toEqual({ kind: 'structured', table: 'T', items: ['#This Row'], columns: ['a[b]'] });
  });
});
