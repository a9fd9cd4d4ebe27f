// The TypeScript and Python validators must word every issue identically. The shared fixtures pin
// the messages; this test also compares both on a few hundred configs mutated at random (seeded,
// so a failure reproduces) from the valid fixtures: deleted, retyped, misspelt and duplicated
// values anywhere in the tree. Python runs once, in batch mode (python -m sheetscale_engine.config --jsonl).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateConfig, formatIssue } from '../../src/config';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JS helper shared with the scripts
const { venvPython } = require('../../scripts/python-env') as { venvPython: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const root = path.join(__dirname, '..', '..');
const validDir = path.join(root, 'test', 'fixtures', 'configs', 'valid');

/** mulberry32: a small seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Parent = { [key: string]: Json } | Json[];
interface Slot {
  parent: Parent;
  key: string | number;
}

function slots(node: Json, out: Slot[] = []): Slot[] {
  if (Array.isArray(node)) {
    node.forEach((child, i) => {
      out.push({ parent: node, key: i });
      slots(child, out);
    });
  } else if (node !== null && typeof node === 'object') {
    for (const [k, child] of Object.entries(node)) {
      out.push({ parent: node, key: k });
      slots(child, out);
    }
  }
  return out;
}

const REPLACEMENTS: Json[] = [
  null, 5, -1, 0, -0, 2.5, 0.1, 1e6, 1e300, 'x', '', true, [], {},
  'Amount', 'AMOUNT', 'Ämount', '😀x', 'ROUND', 'formula', 'kind',
];

function typo(s: string, next: () => number): string {
  if (s.length === 0) return 'x';
  const i = Math.floor(next() * s.length);
  const choice = next();
  if (choice < 0.4) return s.slice(0, i) + s.slice(i + 1);
  if (choice < 0.7) return s.slice(0, i) + s.charAt(i).toUpperCase() + s.charAt(i).toLowerCase() + s.slice(i + 1);
  return `${s}s`;
}

function mutate(config: Json, next: () => number): void {
  const all = slots(config);
  const slot = all[Math.floor(next() * all.length)];
  if (slot === undefined) return;
  const { parent, key } = slot;
  const get = (): Json => (Array.isArray(parent) ? (parent[key as number] as Json) : (parent[key as string] as Json));
  const set = (v: Json): void => {
    if (Array.isArray(parent)) parent[key as number] = v;
    else parent[key as string] = v;
  };
  const current = get();
  const r = next();
  if (r < 0.2) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else if (r < 0.35 && !Array.isArray(parent)) {
    delete parent[key as string];
    parent[typo(key as string, next)] = current;
  } else if (r < 0.55 && typeof current === 'string') {
    set(typo(current, next));
  } else if (r < 0.65 && Array.isArray(parent)) {
    parent.splice(key as number, 0, JSON.parse(JSON.stringify(current)) as Json);
  } else {
    set(REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)] as Json);
  }
}

function mutatedConfigs(count: number, seed: number): Json[] {
  const next = rng(seed);
  const bases = fs
    .readdirSync(validDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(validDir, f), 'utf8')) as Json);
  const out: Json[] = [];
  for (let i = 0; i < count; i++) {
    const config = JSON.parse(JSON.stringify(bases[i % bases.length])) as Json;
    const times = 1 + Math.floor(next() * 3);
    for (let k = 0; k < times; k++) mutate(config, next);
    out.push(config);
  }
  return out;
}

function pythonIssues(configs: Json[]): string[][] {
  const input = configs.map((config) => JSON.stringify({ config })).join('\n') + '\n';
  const r = spawnSync(venvPython, ['-m', 'sheetscale_engine.config', '--jsonl'], {
    cwd: path.join(root, 'spark'),
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python validator failed (${String(r.status)}): ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as string[]);
}

describe('TypeScript and Python validators agree', () => {
  it('on 300 randomly mutated configs', () => {
    const configs = mutatedConfigs(300, 20251126);
    const ts = configs.map((c) => {
      const r = validateConfig(c);
      return r.ok ? [] : r.errors.map(formatIssue);
    });
    const py = pythonIssues(configs);
    expect(py).toHaveLength(configs.length);
    const disagreements = configs
      .map((config, i) => ({ i, ts: ts[i], py: py[i], config }))
      .filter((d) => JSON.stringify(d.ts) !== JSON.stringify(d.py));
    expect(disagreements.slice(0, 3)).toEqual([]);
    // The mutations must exercise rejections, not only accept configs.
    expect(ts.filter((issues) => issues.length > 0).length).toBeGreaterThan(180);
  }, 60_000);
});
