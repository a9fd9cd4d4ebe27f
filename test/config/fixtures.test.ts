// Runs every shared config fixture through the TypeScript validator and asserts the exact issues.
// spark/tests/test_config_fixtures.py asserts the same files against the Python validator, so the
// two validators provably agree (architecture contract 1).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateConfig, formatIssue, type ValidateOptions } from '../../src/config';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'configs');

interface Expected {
  why: string;
  options?: ValidateOptions;
  errors: string[];
}

function configFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(FIXTURES, dir))
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
    .sort();
}

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;

describe('valid config fixtures', () => {
  const files = configFiles('valid');

  it('has at least one fixture for every op', () => {
    const ops = new Set<string>();
    for (const f of files) {
      const config = readJson(path.join(FIXTURES, 'valid', f)) as { steps: { op: string }[] };
      for (const step of config.steps) ops.add(step.op);
    }
    const schema = readJson(path.join(__dirname, '..', '..', 'schema', 'config.schema.json')) as {
      $defs: { Step: { oneOf: { $ref: string }[] } } & Record<string, { properties?: { op?: { const?: string } } }>;
    };
    const allOps = schema.$defs.Step.oneOf.map((b) => schema.$defs[b.$ref.replace('#/$defs/', '')]?.properties?.op?.const);
    expect([...ops].sort()).toEqual([...allOps].sort());
  });

  it.each(files)('%s is accepted', (f) => {
    const text = fs.readFileSync(path.join(FIXTURES, 'valid', f), 'utf8');
    const result = validateConfig(JSON.parse(text) as unknown);
    expect(result.ok ? [] : result.errors.map(formatIssue)).toEqual([]);
    // Same answer when given the file's text (size measured on the bytes).
    expect(validateConfig(text).ok).toBe(true);
  });
});

describe('invalid config fixtures', () => {
  const files = configFiles('invalid');

  it('are many and each has its expected errors', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
    for (const f of files) {
      expect(fs.existsSync(path.join(FIXTURES, 'invalid', f.replace(/\.json$/, '.expected.json')))).toBe(true);
    }
  });

  it.each(files)('%s is rejected with exactly the expected issues', (f) => {
    const expected = readJson(path.join(FIXTURES, 'invalid', f.replace(/\.json$/, '.expected.json'))) as Expected;
    expect(expected.errors.length).toBeGreaterThan(0);
    const result = validateConfig(readJson(path.join(FIXTURES, 'invalid', f)), expected.options ?? {});
    expect(result.ok ? [] : result.errors.map(formatIssue)).toEqual(expected.errors);
  });
});
