/**
 * Running the engine from the command line: spawns the job
 * (`spark/.venv/bin/python -m sheetscale_engine.job --engine auto|duckdb|spark`), relays its
 * JSON-lines progress and reads summary.json / error.json afterwards. Shared by `run` and `verify`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ENGINE_CHOICES, type EngineChoice } from '../api/types';

/** The repository root (this file is src/cli/engine.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The engines `run --engine` accepts: auto (DuckDB when every input is a local path or file://
 * URI and they add up to at most SHEETSCALE_DUCKDB_MAX_BYTES, default 200 GB; Spark otherwise),
 * duckdb or spark. The job decides `auto` itself; summary.json says which engine ran and why.
 */
export const ENGINES = ENGINE_CHOICES;
export type EngineName = EngineChoice;

/** Is `name` one of {@link ENGINES}? */
export function isEngineName(name: string): name is EngineName {
  return (ENGINES as readonly string[]).includes(name);
}

/** One progress line of the engine. */
export interface ProgressEvent {
  event: 'progress';
  phase: string;
  fraction: number;
  message?: string;
}

/** What the job left behind. */
export interface EngineOutcome {
  /** The job's exit code (0 ok, 1 job failed, 2 bad usage) or null when it was killed. */
  exitCode: number | null;
  /** summary.json, when the job succeeded. */
  summary?: EngineSummary;
  /** error.json, when the job failed. */
  error?: EngineError;
  /** The last lines of the engine's stderr (for diagnosing a crash). */
  stderrTail: string;
}

/** JSON value encoding shared by summaries and reports: blank → null, error → {error}. */
export type JsonCell = number | string | boolean | null | { error: string };

/** The parts of summary.json the CLI reads (see the engine contract). */
export interface EngineSummary {
  status: string;
  /** The engine that ran ("duckdb" or "spark"). */
  engine?: string;
  /** Why it ran, e.g. "auto: every input is on this machine (12,345 bytes)". */
  engineReason?: string;
  rowCount: number;
  columns: Array<{ name: string; type: string }>;
  firstRows: JsonCell[][];
  totals?: Record<string, JsonCell>;
  pivots?: Array<{ name: string; header: JsonCell[]; rows: JsonCell[][] }>;
  steps?: Array<{ id: string; op: string; rowsIn?: number; rowsOut?: number; unmatched?: number; duplicateKeys?: number; errors?: Record<string, number>; seconds?: number }>;
  badRows?: { count: number; examples?: Array<Record<string, unknown>> };
  timings?: { totalSeconds?: number; readSeconds?: number; computeSeconds?: number; writeSeconds?: number };
  result?: { format: string; path: string; rowCount: number };
  today?: string;
}

/** error.json (see the engine contract). */
export interface EngineError {
  status: 'failed';
  code: string;
  message: string;
  step?: { id: string; op: string; provenance?: { sheet?: string; cell?: string; formula?: string } } | null;
  location?: { source?: string; file?: string; line?: number; column?: string } | null;
  hint?: string;
}

/** The engine could not be started at all. */
export class EngineUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUnavailableError';
  }
}

export interface EngineRunOptions {
  config: string;
  inputs: Array<{ name: string; uri: string }>;
  output: string;
  /** The engine (default auto: DuckDB for local inputs). */
  engine?: EngineName;
  /** DuckDB's memory limit, e.g. 2GB (the job's default when absent). */
  memoryLimit?: string;
  today?: string;
  firstRows?: number;
  /** Small-machine Spark settings (tests, laptops); DuckDB ignores them. */
  localSmall?: boolean;
  onProgress?: (e: ProgressEvent) => void;
}

/** The Python interpreter of the project's venv (SHEETSCALE_PYTHON overrides it). */
export function enginePython(): string {
  const override = process.env.SHEETSCALE_PYTHON;
  if (override) return override;
  const venv = path.join(REPO_ROOT, 'spark', '.venv', process.platform === 'win32' ? 'Scripts' : 'bin', process.platform === 'win32' ? 'python.exe' : 'python');
  return venv;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Runs the engine job and resolves when it exits. */
export async function runEngine(options: EngineRunOptions): Promise<EngineOutcome> {
  const python = enginePython();
  if (!existsSync(python)) {
    throw new EngineUnavailableError(`The engine's Python is missing (${python}). Run \`npm install\` (it creates spark/.venv), or set SHEETSCALE_PYTHON.`);
  }
  const args = ['-m', 'sheetscale_engine.job', '--config', path.resolve(options.config), '--output', path.resolve(options.output)];
  for (const i of options.inputs) args.push('--input', `${i.name}=${/^[a-z][a-z0-9+.-]*:\/\//i.test(i.uri) ? i.uri : path.resolve(i.uri)}`);
  args.push('--engine', options.engine ?? 'auto');
  // --master and --local-small only matter when the job runs on Spark; DuckDB ignores them.
  args.push('--master', 'local[*]');
  if (options.memoryLimit) args.push('--memory-limit', options.memoryLimit);
  if (options.today) args.push('--today', options.today);
  if (options.firstRows !== undefined) args.push('--first-rows', String(options.firstRows));
  if (options.localSmall) args.push('--local-small');
  const child = spawn(python, args, { cwd: path.join(REPO_ROOT, 'spark'), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdoutBuffer = '';
  let stderrTail = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdoutBuffer += chunk;
    let nl: number;
    while ((nl = stdoutBuffer.indexOf('\n')) >= 0) {
      const line = stdoutBuffer.slice(0, nl).trim();
      stdoutBuffer = stdoutBuffer.slice(nl + 1);
      if (!line) continue;
      try {
        const e = JSON.parse(line) as { event?: string };
        if (e.event === 'progress' && options.onProgress) options.onProgress(e as ProgressEvent);
      } catch {
        // The contract says stdout carries only JSON lines; ignore anything else rather than fail.
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (err) => reject(new EngineUnavailableError(`Could not start the engine (${python}): ${err.message}`)));
    child.on('close', (code) => resolve(code));
  });
  const outcome: EngineOutcome = { exitCode, stderrTail };
  const summary = await readJson<EngineSummary>(path.join(options.output, 'summary.json'));
  const error = await readJson<EngineError>(path.join(options.output, 'error.json'));
  if (summary) outcome.summary = summary;
  if (error) outcome.error = error;
  return outcome;
}

/** A one-paragraph description of a failed job. */
export function describeEngineFailure(outcome: EngineOutcome): string {
  const e = outcome.error;
  if (e) {
    const parts = [`${e.code}: ${e.message}`];
    if (e.step) {
      const p = e.step.provenance;
      parts.push(`  step ${e.step.id} (${e.step.op})${p?.cell ? ` from ${p.sheet ? `${p.sheet}!` : ''}${p.cell}` : ''}${p?.formula ? ` ${p.formula}` : ''}`);
    }
    if (e.location) {
      const l = e.location;
      parts.push(`  at ${[l.source && `source ${l.source}`, l.file, l.line !== undefined && `line ${l.line}`, l.column && `column ${l.column}`].filter(Boolean).join(', ')}`);
    }
    if (e.hint) parts.push(`  hint: ${e.hint}`);
    return parts.join('\n');
  }
  const tail = outcome.stderrTail.trim().split('\n').slice(-15).join('\n');
  return `the engine exited with code ${outcome.exitCode ?? 'null (killed)'} and left no error.json.${tail ? `\nLast engine output:\n${tail}` : ''}`;
}
