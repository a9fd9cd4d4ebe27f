import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  validateConfig,
  assertValidConfig,
  ConfigValidationError,
  formatIssue,
  formatPath,
  FUNCTIONS,
  getFunction,
  isScalarFunction,
  LIMITS,
  ERROR_CODES,
  isErrorCode,
  type SheetscaleConfig,
} from './index';
import { closest, describeValue } from './words';
import { finishIssues } from './issues';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(__dirname, '..', '..', 'test', 'fixtures', 'configs', name), 'utf8');

describe('validateConfig', () => {
  it('returns the typed config when valid', () => {
    const result = validateConfig(JSON.parse(fixture('valid/reconciliation.json')) as unknown);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.config.steps.map((s) => s.op)).toContain('lookup');
  });

  it('accepts JSON text and reports text that is not JSON at the root', () => {
    expect(validateConfig(fixture('valid/sort.json')).ok).toBe(true);
    const result = validateConfig('{"version": 1,');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]?.path).toBe('(root)');
      expect(result.errors[0]?.message).toMatch(/^is not valid JSON \(/);
    }
  });

  it('measures the size of text on its UTF-8 bytes', () => {
    const text = fixture('valid/sort.json');
    const bytes = new TextEncoder().encode(text).length;
    expect(validateConfig(text, { limits: { maxConfigBytes: bytes } }).ok).toBe(true);
    const result = validateConfig(text, { limits: { maxConfigBytes: bytes - 1 } });
    expect(result.ok ? [] : result.errors.map(formatIssue)).toEqual([
      `(root): config is ${bytes} bytes; the limit is ${bytes - 1} bytes`,
    ]);
  });

  it('assertValidConfig throws ConfigValidationError listing every issue', () => {
    const config = JSON.parse(fixture('invalid/function-calls.json')) as unknown;
    let caught: unknown;
    try {
      assertValidConfig(config);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const error = caught as ConfigValidationError;
    expect(error.issues).toHaveLength(7);
    expect(error.message).toContain('invalid sheetscale config (7 problems):');
    expect(error.message).toContain('  steps[3].expr: ROUND takes 2 arguments, got 1');
  });

  it('assertValidConfig returns the config typed', () => {
    const config: SheetscaleConfig = assertValidConfig(JSON.parse(fixture('valid/group.json')) as unknown);
    expect(config.main).toBe('ledger');
  });
});

describe('facts read from the schema', () => {
  it('functions come from schema/functions.json', () => {
    expect(FUNCTIONS.length).toBeGreaterThan(50);
    expect(getFunction('ROUND')).toEqual({ name: 'ROUND', category: 'math', minArgs: 2, maxArgs: 2 });
    expect(getFunction('VLOOKUP')?.becomesStep).toBe('lookup');
    expect(getFunction('TODAY')?.pinnedToRunStart).toBe(true);
    expect(isScalarFunction('IF')).toBe(true);
    expect(isScalarFunction('SUMIFS')).toBe(false);
    expect(isScalarFunction('NOPE')).toBe(false);
  });

  it('limits and error codes come from the schema', () => {
    expect(LIMITS.maxExpressionDepth).toBe(64);
    expect(LIMITS.maxConfigBytes).toBe(1048576);
    expect(ERROR_CODES).toContain('#N/A');
    expect(ERROR_CODES).toContain('#DIV/0!');
    expect(isErrorCode('#VALUE!')).toBe(true);
    expect(isErrorCode('#WHAT?')).toBe(false);
  });
});

describe('paths, ordering and words', () => {
  it('writes paths like steps[3].expr.args[1]', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['steps', 3, 'expr', 'args', 1])).toBe('steps[3].expr.args[1]');
    expect(formatPath(['$schema'])).toBe('$schema');
    expect(formatPath(['output', 'odd key'])).toBe('output["odd key"]');
  });

  it('sorts indexes numerically and removes repeats', () => {
    const issues = finishIssues([
      { segments: ['steps', 10], message: 'b' },
      { segments: ['steps', 2, 'id'], message: 'a' },
      { segments: ['steps', 2], message: 'z' },
      { segments: ['steps', 2], message: 'z' },
      { segments: [], message: 'root' },
    ]);
    expect(issues.map(formatIssue)).toEqual(['(root): root', 'steps[2]: z', 'steps[2].id: a', 'steps[10]: b']);
  });

  it('suggests only likely typos', () => {
    expect(closest('Amout', ['Account', 'Amount'])).toBe('Amount');
    expect(closest('amount', ['Amount'])).toBe('Amount');
    expect(closest('Descr', ['Description'])).toBeUndefined();
    expect(closest('xyz', ['formula', 'lookup'])).toBeUndefined();
  });

  it('describes values as JSON, cutting long text', () => {
    expect(describeValue('a"b')).toBe('"a\\"b"');
    expect(describeValue('x'.repeat(50))).toBe(`"${'x'.repeat(40)}..."`);
    expect(describeValue(1e21)).toBe('1e+21');
    expect(describeValue([])).toBe('an array');
    expect(describeValue({})).toBe('an object');
    expect(describeValue(null)).toBe('null');
  });
});
