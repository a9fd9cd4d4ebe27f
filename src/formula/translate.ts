/**
 * Excel formula of a formula column → the config's steps: one expression per row, with table
 * functions (VLOOKUP, XLOOKUP, INDEX/MATCH, MATCH, SUMIF(S), COUNTIF(S), AVERAGEIF(S)) hoisted
 * into lookup / conditionalAggregate steps. A table function nested inside a larger formula
 * becomes a hidden helper column that the formula then reads.
 */
import type {
  ConditionalAggregateStep,
  Criterion,
  Expr,
  FormulaStep,
  LookupStep,
} from '../config/types.generated';
import { getFunction, FUNCTIONS } from '../config/functions';
import { isErrorCode } from '../config/errors';
import { cellAddress, type CellValue, type RangeAddress } from '../recorder/workbook';
import { parseFormula, FormulaSyntaxError, type FormulaAst } from './parse';
import { parseReference, type Reference } from './reference';
import { FormulaRefusedError } from './refusal';

/** A step as the translator produces it; the recorder adds `id` and `provenance`. */
export type TranslatedStep =
  | Omit<FormulaStep, 'id' | 'provenance'>
  | Omit<LookupStep, 'id' | 'provenance'>
  | Omit<ConditionalAggregateStep, 'id' | 'provenance'>;

/** A range or table outside the sample table, as a lookup source. */
export interface SourceRange {
  /** The config source it reads. */
  source: string;
  /** The columns of the range, left to right (VLOOKUP's col_index_num counts them). */
  columns: string[];
}

/** Where the formula sits and how its references resolve. Built by the recorder. */
export interface TranslationContext {
  /** The sheet of the formula cell. */
  sheet: string;
  /** The formula cell (1-based). */
  row: number;
  column: number;
  /** The column the formula fills (its header). */
  target: string;
  /** The sample table: name (if an Excel table), where its data rows are, and its columns by sheet column. */
  table: {
    name?: string;
    dataRows: RangeAddress;
    /** Header of each column, index 0 = dataRows.left. */
    columns: string[];
  };
  /**
   * Resolves a reference to a range or table outside the sample table into a source;
   * returns a sentence saying why when it cannot.
   */
  resolveSource(ref: Reference, text: string): SourceRange | string;
  /** The value of a fixed cell outside the table (`$H$1`, `Settings!$B$2`): inlined as a constant. */
  fixedCell(sheet: string | undefined, row: number, column: number): CellValue | undefined;
}

/** The result of translating one formula column. */
export interface TranslatedFormula {
  /** Steps in order; the last one writes ctx.target. */
  steps: TranslatedStep[];
  /** Columns of the sample table the formula reads (for ordering steps by dependencies). */
  reads: string[];
}

/** Volatile functions: their value changes on every recalculation, so no run could match Excel. */
const VOLATILE = new Set(['OFFSET', 'INDIRECT', 'RAND', 'RANDBETWEEN', 'RANDARRAY', 'CELL', 'INFO']);
/** Dynamic-array functions: they spill into other cells; a formula column holds one value per row. */
const SPILLING = new Set(['FILTER', 'SORT', 'SORTBY', 'UNIQUE', 'SEQUENCE', 'TRANSPOSE', 'VSTACK', 'HSTACK', 'TOCOL', 'TOROW', 'WRAPROWS', 'WRAPCOLS', 'TAKE', 'DROP', 'CHOOSECOLS', 'CHOOSEROWS', 'EXPAND', 'SINGLE', 'ANCHORARRAY']);
/**
 * Functions whose arguments may be references to several cells (SUM(A2:C2)): a range on the
 * formula's own row is the same as listing its cells. Other functions would spill on a range.
 * The value is the first argument that may be a range.
 */
const RANGE_ARGUMENT_FUNCTIONS: Record<string, number> = {
  SUM: 0, AVERAGE: 0, MIN: 0, MAX: 0, PRODUCT: 0, AND: 0, OR: 0, XOR: 0, CONCAT: 0, TEXTJOIN: 2,
};

const BINARY_OPS = new Set(['+', '-', '*', '/', '^', '&', '=', '<>', '<', '>', '<=', '>=']);

function supportedList(): string {
  const scalar = FUNCTIONS.filter((f) => f.category !== 'table').map((f) => f.name);
  const table = FUNCTIONS.filter((f) => f.category === 'table').map((f) => f.name);
  return `Supported functions: ${scalar.join(', ')}; and as lookups/aggregates over another sheet or table: ${table.join(', ')}.`;
}

/** Excel writes newer functions with prefixes in files (_xlfn.XLOOKUP, _xlfn._xlws.SORT). */
function plainName(name: string): string {
  return name.toUpperCase().replace(/^(_XLFN\.|_XLWS\.|_XLUDF\.)+/, '');
}

/** Renders a syntax tree back to formula text, for naming the offending part. */
export function formulaText(node: FormulaAst): string {
  switch (node.type) {
    case 'number':
      return String(node.value);
    case 'text':
      return `"${node.value.replace(/"/g, '""')}"`;
    case 'logical':
      return node.value ? 'TRUE' : 'FALSE';
    case 'error':
      return node.value;
    case 'blank':
      return '';
    case 'reference':
      return node.text;
    case 'array':
      return node.text;
    case 'unary':
      return node.op === '%' ? `${formulaText(node.arg)}%` : `-${formulaText(node.arg)}`;
    case 'binary':
      return `${formulaText(node.left)}${node.op}${formulaText(node.right)}`;
    case 'call':
      return `${plainName(node.name)}(${node.args.map(formulaText).join(',')})`;
  }
}

/** Translates one formula; throws FormulaRefusedError naming the cell, formula and part. */
export function translateFormula(formula: string, ctx: TranslationContext): TranslatedFormula {
  return new FormulaTranslator(formula, ctx).run();
}

class FormulaTranslator {
  private readonly steps: TranslatedStep[] = [];
  private readonly reads = new Set<string>();
  private helpers = 0;
  private readonly cell: string;

  constructor(
    private readonly formula: string,
    private readonly ctx: TranslationContext,
  ) {
    this.cell = `${quoteSheet(ctx.sheet)}!${cellAddress(ctx.row, ctx.column)}`;
  }

  run(): TranslatedFormula {
    let ast: FormulaAst;
    try {
      ast = parseFormula(this.formula);
    } catch (err) {
      if (err instanceof FormulaSyntaxError) {
        const spill = /spilled-range reference (\S+)/.exec(err.detail);
        if (spill) this.refuse(spill[1] as string, `${spill[1]} refers to a spilled array; array formulas are not supported (a formula column holds one value per row).`);
        this.refuse(this.formula, `the formula could not be read: ${err.detail}.`);
      }
      throw err;
    }
    // A table function as the whole formula writes the target column itself.
    if (ast.type === 'call' && getFunction(plainName(ast.name))?.becomesStep) {
      this.tableFunction(ast, this.ctx.target, false);
    } else {
      const expr = this.expr(ast);
      this.steps.push({ op: 'formula', column: this.ctx.target, expr });
    }
    return { steps: this.steps, reads: [...this.reads] };
  }

  private refuse(part: string, reason: string): never {
    throw new FormulaRefusedError(this.cell, this.formula, part, reason);
  }

  // ---- expressions -----------------------------------------------------------------------

  private expr(node: FormulaAst): Expr {
    switch (node.type) {
      case 'number':
        if (!Number.isFinite(node.value)) this.refuse(String(node.value), 'this number is out of Excel\'s range.');
        return { kind: 'number', value: node.value };
      case 'text':
        return { kind: 'text', value: node.value };
      case 'logical':
        return { kind: 'logical', value: node.value };
      case 'blank':
        return { kind: 'blank' };
      case 'error':
        if (!isErrorCode(node.value)) this.refuse(node.value, `${node.value} is not an Excel error value.`);
        return { kind: 'error', value: node.value };
      case 'array':
        return this.refuse('{...}', 'array constants ({1,2,3}) are not supported: a formula column holds one value per row.');
      case 'unary':
        return { kind: 'unary', op: node.op, arg: this.expr(node.arg) };
      case 'binary':
        if (node.op === ' ' || node.op === ',') {
          this.refuse(formulaText(node), `the ${node.op === ' ' ? 'intersection' : 'union'} operator is not supported; refer to one cell of the row instead.`);
        }
        if (!BINARY_OPS.has(node.op)) this.refuse(node.op, `the operator ${node.op} is not supported.`);
        return { kind: 'binary', op: node.op as '+', left: this.expr(node.left), right: this.expr(node.right) };
      case 'reference':
        return this.valueReference(node.text);
      case 'call':
        return this.call(node);
    }
  }

  private call(node: Extract<FormulaAst, { type: 'call' }>): Expr {
    const name = plainName(node.name);
    if (VOLATILE.has(name)) {
      this.refuse(name, `${name} is volatile (Excel recomputes it on every change), so a run on the full data could never reproduce it. Refer to the cells directly, or use a lookup. ${supportedList()}`);
    }
    if (SPILLING.has(name)) {
      this.refuse(name, `${name} returns an array that spills into other cells; array formulas are not supported (a formula column holds one value per row). ${supportedList()}`);
    }
    const spec = getFunction(name);
    if (!spec) this.refuse(name, `${name} is not a supported function. ${supportedList()}`);
    if (spec.becomesStep) {
      const helper = this.helperColumn(name);
      this.tableFunction(node, helper, true);
      return { kind: 'column', name: helper };
    }
    this.checkArity(name, node.args.length, spec.minArgs, spec.maxArgs);
    const rangeFrom = RANGE_ARGUMENT_FUNCTIONS[name];
    const args: Expr[] = [];
    node.args.forEach((arg, i) => {
      if (rangeFrom !== undefined && i >= rangeFrom && arg.type === 'reference') {
        args.push(...this.rowRange(arg.text, name));
      } else {
        args.push(this.expr(arg));
      }
    });
    return { kind: 'call', name, args };
  }

  private checkArity(name: string, count: number, min: number, max: number): void {
    if (count < min || count > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      this.refuse(name, `${name} takes ${expected} argument${max === 1 ? '' : 's'}; this call has ${count}.`);
    }
  }

  private helperColumn(fn: string): string {
    this.helpers++;
    return `${this.ctx.target}~${fn}${this.helpers}`;
  }

  // ---- references in a value position ----------------------------------------------------

  private ownColumn(sheetColumn: number, text: string): string {
    const t = this.ctx.table;
    const name = sheetColumn >= t.dataRows.left && sheetColumn <= t.dataRows.right ? t.columns[sheetColumn - t.dataRows.left] : undefined;
    if (!name) {
      this.refuse(text, `${text} is outside the sample table (columns ${cellAddress(t.dataRows.top, t.dataRows.left).replace(/\d+/, '')} to ${cellAddress(t.dataRows.top, t.dataRows.right).replace(/\d+/, '')}); a formula column can read cells of its own row in the table.`);
    }
    if (name === this.ctx.target) this.refuse(text, `${text} refers to the formula's own column (a circular reference).`);
    this.reads.add(name);
    return name;
  }

  private isOwnSheet(sheet: string | undefined): boolean {
    return sheet === undefined || sheet.toLowerCase() === this.ctx.sheet.toLowerCase();
  }

  private constant(value: CellValue): Expr {
    switch (value.kind) {
      case 'blank':
        return { kind: 'blank' };
      case 'number':
        return { kind: 'number', value: value.value };
      case 'text':
        return { kind: 'text', value: value.value };
      case 'logical':
        return { kind: 'logical', value: value.value };
      case 'error':
        return { kind: 'error', value: value.value };
    }
  }

  private parse(text: string): Reference {
    const ref = parseReference(text);
    if (!ref) this.refuse(text, `the reference ${text} is not supported (external workbooks and unusual references cannot be recorded).`);
    return ref;
  }

  /** A reference where one value is expected: a cell of the own row, or a fixed cell. */
  private valueReference(text: string): Expr {
    const ref = this.parse(text);
    const t = this.ctx.table;
    if (ref.kind === 'structured') {
      const own = ref.table === undefined || (t.name !== undefined && ref.table.toLowerCase() === t.name.toLowerCase());
      if (ref.items.includes('#This Row') && ref.columns.length === 1) {
        if (!own) this.refuse(text, `${text} reads the current row of another table (${ref.table}); rows of other tables can only be reached with a lookup (VLOOKUP, XLOOKUP, INDEX/MATCH).`);
        const wanted = (ref.columns[0] as string).toLowerCase();
        const name = t.columns.find((c) => c.toLowerCase() === wanted);
        if (!name) this.refuse(text, `${text}: the table has no column "${ref.columns[0]}" (columns: ${t.columns.join(', ')}).`);
        if (name === this.ctx.target) this.refuse(text, `${text} refers to the formula's own column (a circular reference).`);
        this.reads.add(name);
        return { kind: 'column', name };
      }
      if (own) this.ownTableAggregate(text);
      return this.refuse(text, `${text} is a whole range where one value is expected; use it inside a lookup (VLOOKUP, XLOOKUP, INDEX/MATCH) or a conditional aggregate (SUMIF(S), COUNTIF(S), AVERAGEIF(S)).`);
    }
    if (ref.kind === 'name') {
      return this.refuse(text, `the name ${text} is not supported here: defined names are not recorded; refer to the cell, or use the table inside a lookup.`);
    }
    const { start, end } = ref;
    if (!ref.single) {
      if (this.isOwnSheet(ref.sheet) && start.row === this.ctx.row && end.row === this.ctx.row) {
        this.refuse(text, `${text} is a range where one value is expected (this would be an array formula); refer to one cell, or use it inside SUM, AVERAGE, MIN, MAX, PRODUCT, AND, OR, XOR, CONCAT or TEXTJOIN.`);
      }
      if (this.isOwnSheet(ref.sheet) && this.overlapsOwnTable(ref)) this.ownTableAggregate(text);
      this.refuse(text, `${text} is a whole range where one value is expected; use it inside a lookup (VLOOKUP, XLOOKUP, INDEX/MATCH) or a conditional aggregate (SUMIF(S), COUNTIF(S), AVERAGEIF(S)).`);
    }
    const row = start.row as number;
    const column = start.column as number;
    const insideRows = row >= t.dataRows.top && row <= t.dataRows.bottom;
    if (this.isOwnSheet(ref.sheet) && !start.rowAbsolute) {
      if (row !== this.ctx.row) {
        this.refuse(text, `${text} refers to another row (this formula is in row ${this.ctx.row}); a formula column can only read cells of its own row, e.g. ${cellAddress(this.ctx.row, column)}. Running totals and references to previous rows are not supported.`);
      }
      return { kind: 'column', name: this.ownColumn(column, text) };
    }
    if (this.isOwnSheet(ref.sheet) && insideRows && column >= t.dataRows.left && column <= t.dataRows.right) {
      this.refuse(text, `${text} is a fixed reference into the sample table's data; filled down, every row would read row ${row}. Refer to the same row (${cellAddress(this.ctx.row, column)}) instead.`);
    }
    if (!start.rowAbsolute && !this.isOwnSheet(ref.sheet)) {
      this.refuse(text, `${text} reads a row of another sheet; rows of other sheets can only be reached with a lookup (VLOOKUP, XLOOKUP, INDEX/MATCH).`);
    }
    // A fixed cell outside the table (a rate typed above the table, a parameter sheet): its value is a constant.
    const value = this.ctx.fixedCell(ref.sheet, row, column);
    if (!value) this.refuse(text, `the cell ${text} could not be read.`);
    return this.constant(value);
  }

  /** Cells of the formula's own row in a function that takes ranges: SUM(A2:C2) = SUM(A2,B2,C2). */
  private rowRange(text: string, fn: string): Expr[] {
    const ref = this.parse(text);
    if (ref.kind === 'a1' && !ref.single && this.isOwnSheet(ref.sheet) && ref.start.row === this.ctx.row && ref.end.row === this.ctx.row && !ref.start.rowAbsolute && !ref.end.rowAbsolute) {
      const from = Math.min(ref.start.column as number, ref.end.column as number);
      const to = Math.max(ref.start.column as number, ref.end.column as number);
      const out: Expr[] = [];
      for (let c = from; c <= to; c++) out.push({ kind: 'column', name: this.ownColumn(c, text) });
      return out;
    }
    if (ref.kind === 'a1' && ref.single) return [this.valueReference(text)];
    if (ref.kind === 'structured' && ref.items.includes('#This Row')) {
      if (ref.columns.length === 1) return [this.valueReference(text)];
      const t = this.ctx.table;
      const lower = t.columns.map((c) => c.toLowerCase());
      const a = lower.indexOf((ref.columns[0] ?? '').toLowerCase());
      const b = lower.indexOf((ref.columns[1] ?? '').toLowerCase());
      if (a >= 0 && b >= 0) {
        return t.columns.slice(Math.min(a, b), Math.max(a, b) + 1).map((name) => {
          this.reads.add(name);
          return { kind: 'column', name } as Expr;
        });
      }
    }
    if ((ref.kind === 'a1' && this.isOwnSheet(ref.sheet) && this.overlapsOwnTable(ref)) || (ref.kind === 'structured' && this.isOwnTable(ref.table))) {
      this.ownTableAggregate(text);
    }
    return this.refuse(text, `${fn}(${text}) aggregates a whole range of another sheet or table, which is not supported; use SUMIF(S)/COUNTIF(S)/AVERAGEIF(S) with a criterion, or a pivot.`);
  }

  private isOwnTable(table: string | undefined): boolean {
    const name = this.ctx.table.name;
    return table === undefined || (name !== undefined && table.toLowerCase() === name.toLowerCase());
  }

  private overlapsOwnTable(ref: Extract<Reference, { kind: 'a1' }>): boolean {
    const t = this.ctx.table.dataRows;
    const left = Math.min(ref.start.column ?? 1, ref.end.column ?? 16384);
    const right = Math.max(ref.start.column ?? 1, ref.end.column ?? 16384);
    const top = Math.min(ref.start.row ?? 1, ref.end.row ?? 1048576);
    const bottom = Math.max(ref.start.row ?? 1, ref.end.row ?? 1048576);
    return left <= t.right && right >= t.left && top <= t.bottom && bottom >= t.top;
  }

  private ownTableAggregate(text: string): never {
    return this.refuse(text, `${text} covers the sample table's own rows: an aggregate over the whole table (a running total, a COUNTIF for duplicates, a share of the total) is not recorded yet. Use a pivot for totals, or point the lookup/aggregate at another sheet or table.`);
  }

  // ---- table functions -------------------------------------------------------------------

  /** A range argument of a table function → the source it reads. */
  private sourceRange(arg: FormulaAst | undefined, fn: string, role: string): SourceRange {
    if (!arg || arg.type !== 'reference') {
      const text = arg ? formulaText(arg) : '(missing)';
      return this.refuse(text, `${fn}'s ${role} must be a range on another sheet or a table (e.g. Rates!$A$2:$C$500 or Rates[#All]); ${text} is not.`);
    }
    const ref = this.parse(arg.text);
    if (ref.kind === 'structured' && ref.items.includes('#This Row')) {
      this.refuse(arg.text, `${fn}'s ${role} must be a whole range; ${arg.text} is one cell of the row.`);
    }
    if (ref.kind === 'structured' && this.isOwnTable(ref.table)) this.ownTableAggregate(arg.text);
    if (ref.kind === 'a1' && this.isOwnSheet(ref.sheet) && this.overlapsOwnTable(ref)) this.ownTableAggregate(arg.text);
    if (ref.kind === 'a1' && ref.single) {
      this.refuse(arg.text, `${fn}'s ${role} must be a range of several cells; ${arg.text} is one cell.`);
    }
    if (ref.kind === 'a1' && (!ref.start.rowAbsolute || !ref.end.rowAbsolute) && ref.start.row !== undefined) {
      // A relative range moves down with the formula: every row would search a different block.
      this.refuse(arg.text, `${fn}'s ${role} ${arg.text} is a relative range, so each row would search different rows; make it absolute (${absolute(arg.text)}), or use a whole column or a table.`);
    }
    const resolved = this.ctx.resolveSource(ref, arg.text);
    if (typeof resolved === 'string') this.refuse(arg.text, resolved);
    return resolved;
  }

  private singleColumn(range: SourceRange, text: string, fn: string, role: string): string {
    if (range.columns.length !== 1) this.refuse(text, `${fn}'s ${role} must be one column; ${text} has ${range.columns.length}.`);
    return range.columns[0] as string;
  }

  private sameSource(a: SourceRange, b: SourceRange, text: string, fn: string): void {
    if (a.source !== b.source) this.refuse(text, `${fn} mixes ranges of ${a.source} and ${b.source}; all its ranges must come from the same sheet or table.`);
  }

  private literalNumber(arg: FormulaAst | undefined, fn: string, role: string, fallback: number): number {
    if (!arg || arg.type === 'blank') return fallback;
    if (arg.type === 'number') return arg.value;
    if (arg.type === 'logical') return arg.value ? 1 : 0;
    if (arg.type === 'unary' && arg.op === '-' && arg.arg.type === 'number') return -arg.arg.value;
    return this.refuse(formulaText(arg), `${fn}'s ${role} must be a constant number here; ${formulaText(arg)} is computed per row, which is not supported.`);
  }

  private argText(arg: FormulaAst | undefined): string {
    return arg ? formulaText(arg) : '';
  }

  /** Emits the step for a table-function call writing `column`. */
  private tableFunction(node: Extract<FormulaAst, { type: 'call' }>, column: string, hidden: boolean): void {
    const name = plainName(node.name);
    const spec = getFunction(name);
    if (!spec) this.refuse(name, `${name} is not a supported function. ${supportedList()}`);
    this.checkArity(name, node.args.length, spec.minArgs, spec.maxArgs);
    const a = node.args;
    const extra = hidden ? { hidden: true } : {};
    switch (name) {
      case 'VLOOKUP': {
        const key = this.expr(a[0] as FormulaAst);
        const table = this.sourceRange(a[1], name, 'table_array');
        const index = this.literalNumber(a[2], name, 'col_index_num', 1);
        if (!Number.isInteger(index) || index < 1 || index > table.columns.length) {
          this.refuse(this.argText(a[2]), `VLOOKUP's col_index_num ${index} is outside ${this.argText(a[1])} (${table.columns.length} columns).`);
        }
        // range_lookup omitted means TRUE (approximate); an empty argument (",)") means FALSE.
        const approximate = a.length < 4 ? true : this.literalNumber(a[3], name, 'range_lookup', 0) !== 0;
        this.steps.push({
          op: 'lookup', column, ...extra, function: 'VLOOKUP', key, source: table.source,
          keyColumn: table.columns[0] as string, returnColumn: table.columns[index - 1] as string,
          match: approximate ? 'approximate' : 'wildcard',
        });
        return;
      }
      case 'XLOOKUP': {
        const key = this.expr(a[0] as FormulaAst);
        const lookupRange = this.sourceRange(a[1], name, 'lookup_array');
        const returnRange = this.sourceRange(a[2], name, 'return_array');
        this.sameSource(lookupRange, returnRange, this.argText(a[2]), name);
        const keyColumn = this.singleColumn(lookupRange, this.argText(a[1]), name, 'lookup_array');
        const returnColumn = this.singleColumn(returnRange, this.argText(a[2]), name, 'return_array (several columns would spill)');
        const ifNotFound = a[3] && a[3].type !== 'blank' ? this.expr(a[3]) : undefined;
        const modes: Record<number, LookupStep['match']> = { 0: 'exact', [-1]: 'nextSmaller', 1: 'nextLarger', 2: 'wildcard' };
        const searches: Record<number, NonNullable<LookupStep['search']>> = { 1: 'firstToLast', [-1]: 'lastToFirst', 2: 'binaryAscending', [-2]: 'binaryDescending' };
        const matchMode = this.literalNumber(a[4], name, 'match_mode', 0);
        const searchMode = this.literalNumber(a[5], name, 'search_mode', 1);
        const match = modes[matchMode];
        const search = searches[searchMode];
        if (!match) this.refuse(this.argText(a[4]), `XLOOKUP's match_mode must be 0, -1, 1 or 2; found ${matchMode}.`);
        if (!search) this.refuse(this.argText(a[5]), `XLOOKUP's search_mode must be 1, -1, 2 or -2; found ${searchMode}.`);
        const step: Omit<LookupStep, 'id' | 'provenance'> = {
          op: 'lookup', column, ...extra, function: 'XLOOKUP', key, source: lookupRange.source, keyColumn, returnColumn, match,
        };
        if (search !== 'firstToLast') step.search = search;
        if (ifNotFound) step.ifNotFound = ifNotFound;
        this.steps.push(step);
        return;
      }
      case 'MATCH': {
        const key = this.expr(a[0] as FormulaAst);
        const range = this.sourceRange(a[1], name, 'lookup_array');
        const keyColumn = this.singleColumn(range, this.argText(a[1]), name, 'lookup_array');
        this.steps.push({ op: 'lookup', column, ...extra, function: 'MATCH', key, source: range.source, keyColumn, match: this.matchType(a[2]) });
        return;
      }
      case 'INDEX': {
        const inner = a[1];
        if (!inner || inner.type !== 'call' || plainName(inner.name) !== 'MATCH') {
          this.refuse(formulaText(node), `INDEX is supported only as INDEX(return_range, MATCH(value, lookup_range, match_type)[, column]), the INDEX/MATCH lookup; ${this.argText(inner)} is not a MATCH.`);
        }
        this.checkArity('MATCH', inner.args.length, 2, 3);
        const returnRange = this.sourceRange(a[0], name, 'array');
        const key = this.expr(inner.args[0] as FormulaAst);
        const lookupRange = this.sourceRange(inner.args[1], 'MATCH', 'lookup_array');
        this.sameSource(returnRange, lookupRange, this.argText(inner.args[1]), 'INDEX/MATCH');
        const keyColumn = this.singleColumn(lookupRange, this.argText(inner.args[1]), 'MATCH', 'lookup_array');
        let returnColumn: string;
        if (a.length === 3 && a[2]?.type !== 'blank') {
          const index = this.literalNumber(a[2], 'INDEX', 'column_num', 1);
          if (!Number.isInteger(index) || index < 1 || index > returnRange.columns.length) {
            this.refuse(this.argText(a[2]), `INDEX's column_num ${index} is outside ${this.argText(a[0])} (${returnRange.columns.length} columns).`);
          }
          returnColumn = returnRange.columns[index - 1] as string;
        } else {
          returnColumn = this.singleColumn(returnRange, this.argText(a[0]), 'INDEX', 'array (or give a column_num)');
        }
        this.steps.push({ op: 'lookup', column, ...extra, function: 'INDEX/MATCH', key, source: lookupRange.source, keyColumn, returnColumn, match: this.matchType(inner.args[2]) });
        return;
      }
      case 'SUMIF':
      case 'COUNTIF':
      case 'AVERAGEIF': {
        const range = this.sourceRange(a[0], name, 'range');
        const criterionColumn = this.singleColumn(range, this.argText(a[0]), name, 'range');
        const criteria: Criterion[] = [{ column: criterionColumn, criterion: this.criterion(a[1]) }];
        const step: Omit<ConditionalAggregateStep, 'id' | 'provenance'> = { op: 'conditionalAggregate', column, ...extra, function: name, source: range.source, criteria };
        if (name !== 'COUNTIF') {
          if (a[2] && a[2].type !== 'blank') {
            const valueRange = this.sourceRange(a[2], name, name === 'SUMIF' ? 'sum_range' : 'average_range');
            this.sameSource(range, valueRange, this.argText(a[2]), name);
            step.valueColumn = this.singleColumn(valueRange, this.argText(a[2]), name, 'sum_range');
          } else {
            step.valueColumn = criterionColumn;
          }
        }
        this.steps.push(step);
        return;
      }
      case 'SUMIFS':
      case 'AVERAGEIFS':
      case 'COUNTIFS': {
        const hasValue = name !== 'COUNTIFS';
        const pairs = a.slice(hasValue ? 1 : 0);
        if (pairs.length % 2 !== 0) this.refuse(formulaText(node), `${name} needs criteria ranges and criteria in pairs.`);
        let valueRange: SourceRange | undefined;
        if (hasValue) valueRange = this.sourceRange(a[0], name, name === 'SUMIFS' ? 'sum_range' : 'average_range');
        const criteria: Criterion[] = [];
        let source: SourceRange | undefined = valueRange;
        for (let i = 0; i < pairs.length; i += 2) {
          const range = this.sourceRange(pairs[i], name, `criteria_range${i / 2 + 1}`);
          if (source) this.sameSource(source, range, this.argText(pairs[i]), name);
          source = source ?? range;
          criteria.push({ column: this.singleColumn(range, this.argText(pairs[i]), name, `criteria_range${i / 2 + 1}`), criterion: this.criterion(pairs[i + 1]) });
        }
        const step: Omit<ConditionalAggregateStep, 'id' | 'provenance'> = { op: 'conditionalAggregate', column, ...extra, function: name, source: (source as SourceRange).source, criteria };
        if (valueRange) step.valueColumn = this.singleColumn(valueRange, this.argText(a[0]), name, 'sum_range');
        this.steps.push(step);
        return;
      }
      default:
        this.refuse(name, `${name} cannot be translated here. ${supportedList()}`);
    }
  }

  private criterion(arg: FormulaAst | undefined): Expr {
    // An empty criterion matches blank cells... as the text "": keep Excel's meaning with a blank literal.
    if (!arg || arg.type === 'blank') return { kind: 'blank' };
    return this.expr(arg);
  }

  private matchType(arg: FormulaAst | undefined): LookupStep['match'] {
    // match_type omitted = 1 (approximate, ascending); an empty argument (",)") = 0.
    const type = arg === undefined ? 1 : this.literalNumber(arg, 'MATCH', 'match_type', 0);
    if (type === 0) return 'wildcard';
    return type > 0 ? 'approximate' : 'approximateDescending';
  }
}

function quoteSheet(sheet: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`;
}

/** "A2:C500" → "$A$2:$C$500" (with the sheet kept), for a suggestion. */
function absolute(text: string): string {
  const bang = text.lastIndexOf('!');
  return text.slice(0, bang + 1) + text.slice(bang + 1).replace(/(\$?)([A-Za-z]{1,3})(\$?)(\d+)/g, (_m, _a, col: string, _b, row: string) => `$${col}$${row}`);
}
