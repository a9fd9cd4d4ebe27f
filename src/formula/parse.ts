/**
 * Formula text → a typed syntax tree, on excel-formula-parser (its tokenizer and AST builder,
 * which keep Excel's operator precedence: negation, %, ^, * /, + -, &, comparisons).
 *
 * The token stream is repaired before the tree is built, because the parser as published
 * mishandles constructs Excel writes into every workbook (checked against 1.1.0):
 * - structured references with commas (`Table1[[#This Row],[Amount]]`, how Excel stores
 *   `[@Amount]` in a file) are split at the comma as if it were the union operator;
 * - error literals (`#N/A`) are a syntax error; an omitted argument (`IF(A2,,1)`) shifts the
 *   other arguments; a trailing omitted argument is lost;
 * - `%` after anything but a number literal (`A2%`) is silently dropped; `1e3` reads as 1.
 * Every leaf of the token stream must reappear in the tree; a mismatch is reported rather
 * than translated wrongly.
 */
import { tokenize } from 'excel-formula-tokenizer';
import type { Token } from 'excel-formula-tokenizer';
import { buildTree } from 'excel-formula-ast';
import type { Node as ParserNode } from 'excel-formula-ast';
import type { ErrorCode } from '../config/types.generated';

/** The syntax tree the translator works on. */
export type FormulaAst =
  | { type: 'number'; value: number }
  | { type: 'text'; value: string }
  | { type: 'logical'; value: boolean }
  | { type: 'error'; value: string }
  /** An omitted argument: `IF(A2,,1)`. */
  | { type: 'blank' }
  /** A reference operand, as written (`B2`, `Rates!$A$2:$C$500`, `Table1[[#This Row],[Amount]]`). */
  | { type: 'reference'; text: string }
  | { type: 'unary'; op: '-' | '%'; arg: FormulaAst }
  | { type: 'binary'; op: string; left: FormulaAst; right: FormulaAst }
  | { type: 'call'; name: string; args: FormulaAst[] }
  /** `{1,2;3,4}`: kept so that the translator can refuse it by name. */
  | { type: 'array'; text: string };

/** A formula that cannot be parsed at all. */
export class FormulaSyntaxError extends Error {
  constructor(
    readonly formula: string,
    readonly detail: string,
  ) {
    super(`Cannot parse the formula ${formula}: ${detail}`);
    this.name = 'FormulaSyntaxError';
  }
}

// Markers carried through the parser as function names; none can be an Excel function name.
const ERROR_MARK = '\u0001ERR:';
const BLANK_MARK = '\u0001BLANK';
const PERCENT_MARK = '\u0001PCT';
const REF_MARK = '\u0001REF:';

function fnStart(name: string): Token {
  return { value: name, type: 'function', subtype: 'start' };
}
const FN_STOP: Token = { value: '', type: 'function', subtype: 'stop' };

function bracketDepth(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") i++;
    else if (ch === '[') depth++;
    else if (ch === ']') depth--;
  }
  return depth;
}

/** Glues back structured references split at their inner commas, and `1` `e3` into `1e3`. */
function mergeSplitOperands(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.type === 'operand' && t.subtype === 'range' && bracketDepth(t.value) > 0) {
      let value = t.value;
      while (bracketDepth(value) > 0 && i + 2 < tokens.length + 1) {
        const sep = tokens[i + 1];
        const next = tokens[i + 2];
        if (!sep || !next) break;
        value += (sep.type === 'operator-infix' && sep.subtype === 'union' ? ',' : sep.value) + next.value;
        i += 2;
      }
      out.push({ value, type: 'operand', subtype: 'range' });
      continue;
    }
    const next = tokens[i + 1];
    if (t.type === 'operand' && t.subtype === 'number' && next && next.type === 'operand' && /^[eE]\d+$/.test(next.value)) {
      out.push({ value: t.value + next.value, type: 'operand', subtype: 'number' });
      i++;
      continue;
    }
    out.push(t);
  }
  return out;
}

/** Index of the first token of the operand that ends at `end` (a leaf, a call or a parenthesis). */
function operandStart(tokens: Token[], end: number): number {
  const last = tokens[end];
  if (!last) return -1;
  const closes = (t: Token): boolean => (t.type === 'function' || t.type === 'subexpression') && t.subtype === 'stop';
  const opens = (t: Token): boolean => (t.type === 'function' || t.type === 'subexpression') && t.subtype === 'start';
  if (!closes(last)) return end;
  let depth = 0;
  for (let i = end; i >= 0; i--) {
    const t = tokens[i] as Token;
    if (closes(t)) depth++;
    else if (opens(t)) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * Rewrites the token stream so that the parser builds the right tree: error literals, omitted
 * arguments, postfix % and every reference become marker "function calls" the parser handles.
 */
function repairTokens(formula: string, raw: Token[]): { tokens: Token[]; leaves: number } {
  const merged = mergeSplitOperands(raw.filter((t) => t.type !== 'whitespace'));
  const out: Token[] = [];
  let leaves = 0;
  for (let i = 0; i < merged.length; i++) {
    const t = merged[i] as Token;
    const prev = out[out.length - 1];
    // An omitted argument: nothing between "(" and ",", two ",", or "," and ")".
    const argumentEnds = t.type === 'argument' || (t.type === 'function' && t.subtype === 'stop');
    const afterArgumentStart = prev !== undefined && (prev.type === 'argument' || (prev.type === 'function' && prev.subtype === 'start'));
    if (argumentEnds && afterArgumentStart && !(t.type === 'function' && prev.type === 'function')) {
      out.push(fnStart(BLANK_MARK), FN_STOP);
      leaves++;
    }
    if (t.type === 'operator-postfix' && t.value === '%') {
      const start = operandStart(out, out.length - 1);
      if (start < 0) throw new FormulaSyntaxError(formula, 'a % sign follows nothing it could apply to');
      out.splice(start, 0, fnStart(PERCENT_MARK));
      out.push(FN_STOP);
      continue;
    }
    if (t.type === 'operator-prefix' && t.value === '+') continue; // unary plus changes nothing in Excel
    if (t.type === 'unknown') {
      // The tokenizer splits a spill reference (A2#) into an unknown "A2" and an operand "#".
      if (merged[i + 1]?.value.startsWith('#')) throw new FormulaSyntaxError(formula, `spilled-range reference ${t.value}#`);
      throw new FormulaSyntaxError(formula, `unexpected "${t.value}"`);
    }
    if (t.type === 'operand') {
      leaves++;
      if (t.subtype === 'error') {
        out.push(fnStart(ERROR_MARK + t.value), FN_STOP);
        continue;
      }
      if (t.subtype === 'range') {
        if (/^(TRUE|FALSE)$/i.test(t.value)) {
          out.push({ value: t.value.toUpperCase(), type: 'operand', subtype: 'logical' });
        } else if (t.value.endsWith('#')) {
          throw new FormulaSyntaxError(formula, `spilled-range reference ${t.value}`);
        } else {
          out.push(fnStart(REF_MARK + t.value), FN_STOP);
        }
        continue;
      }
    }
    out.push(t);
  }
  return { tokens: out, leaves };
}

function countLeaves(node: FormulaAst): number {
  switch (node.type) {
    case 'unary':
      return countLeaves(node.arg);
    case 'binary':
      return countLeaves(node.left) + countLeaves(node.right);
    case 'call':
      return node.args.reduce((n, a) => n + countLeaves(a), 0);
    case 'array':
      return 0;
    default:
      return 1;
  }
}

function convert(node: ParserNode | null | undefined, formula: string): FormulaAst {
  if (!node) throw new FormulaSyntaxError(formula, 'an operand is missing');
  switch (node.type) {
    case 'number':
      return { type: 'number', value: node.value };
    case 'text':
      return { type: 'text', value: node.value };
    case 'logical':
      return { type: 'logical', value: node.value };
    case 'unary-expression':
      return { type: 'unary', op: '-', arg: convert(node.operand, formula) };
    case 'binary-expression':
      return { type: 'binary', op: node.operator, left: convert(node.left, formula), right: convert(node.right, formula) };
    case 'cell':
    case 'cell-range':
      // Every reference was turned into a marker call; a bare cell here means the repair missed one.
      throw new FormulaSyntaxError(formula, 'an unexpected reference shape');
    case 'function': {
      const name = node.name;
      if (name.startsWith(ERROR_MARK)) return { type: 'error', value: name.slice(ERROR_MARK.length) };
      if (name === BLANK_MARK) return { type: 'blank' };
      if (name.startsWith(REF_MARK)) return { type: 'reference', text: name.slice(REF_MARK.length) };
      const args = node.arguments.map((a) => convert(a, formula));
      if (name === PERCENT_MARK) {
        if (args.length !== 1) throw new FormulaSyntaxError(formula, 'a % sign after a list');
        return { type: 'unary', op: '%', arg: args[0] as FormulaAst };
      }
      if (name === 'ARRAY') return { type: 'array', text: '{...}' };
      return { type: 'call', name, args };
    }
  }
}

/**
 * Parses Excel formula text (with or without the leading "=") into a {@link FormulaAst}.
 * Throws {@link FormulaSyntaxError} for text that is not a formula the parser understands.
 */
export function parseFormula(formula: string): FormulaAst {
  const body = formula.trim().replace(/^=/, '');
  let raw: Token[];
  try {
    raw = tokenize(body);
  } catch (err) {
    throw new FormulaSyntaxError(formula, (err as Error).message);
  }
  if (raw.length === 0) throw new FormulaSyntaxError(formula, 'it is empty');
  const { tokens, leaves } = repairTokens(formula, raw);
  let tree: ParserNode;
  try {
    tree = buildTree(tokens);
  } catch (err) {
    throw new FormulaSyntaxError(formula, (err as Error).message);
  }
  const ast = convert(tree, formula);
  const hasArray = raw.some((t) => t.type === 'function' && t.value === 'ARRAY');
  if (!hasArray && countLeaves(ast) !== leaves) {
    throw new FormulaSyntaxError(formula, 'part of it was not understood (the parser dropped an operand)');
  }
  return ast;
}

/** The error codes a formula can contain, checked against the schema's list by the translator. */
export type { ErrorCode };

/**
 * The R1C1 form of an A1 formula in the cell at (row, column): how Excel shows a formula that
 * was filled down (every row reads the same). Only references change; the rest is kept as is.
 */
export function formulaToR1C1(formula: string, row: number, column: number, toR1C1: (ref: string, row: number, column: number) => string): string {
  const body = formula.trim().replace(/^=/, '');
  const raw = mergeSplitOperands(tokenize(body));
  let out = '=';
  for (const t of raw) {
    if (t.type === 'operand' && t.subtype === 'range') out += toR1C1(t.value, row, column);
    else if (t.type === 'operand' && t.subtype === 'text') out += `"${t.value.replace(/"/g, '""')}"`;
    else if (t.type === 'function' && t.subtype === 'start') out += `${t.value}(`;
    else if ((t.type === 'function' || t.type === 'subexpression') && t.subtype === 'stop') out += ')';
    else if (t.type === 'subexpression' && t.subtype === 'start') out += '(';
    else out += t.value;
  }
  return out;
}
