/**
 * Synchronous uses of the local engine for the API: `explain` (the PySpark a person would read)
 * and `preview` (a config on a few thousand sample rows). Both run a child process with a time
 * limit; neither touches the job queue.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EngineChoice } from '../../src/api/types';
import { ServiceUnavailableError, TimeoutError, BadRequestError } from './errors';
import { engineArgs } from './runners/local-runner';
import { jobErrorFromEngine } from './runners/runner';

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, killing it (and its group) after `timeoutMs`. */
export function runProcess(command: string[], opts: { cwd: string; timeoutMs: number; what: string }): Promise<ProcessResult> {
  const [program, ...args] = command;
  return new Promise((resolve, reject) => {
    const child = spawn(program!, args, { cwd: opts.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8000)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new ServiceUnavailableError(`The engine could not be started for ${opts.what} (${err.message}).`, 'ENGINE_UNAVAILABLE'));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) reject(new TimeoutError(`${opts.what} did not finish within ${Math.round(opts.timeoutMs / 1000)} s.`));
      else resolve({ code, stdout, stderr });
    });
  });
}

export interface EngineToolsOptions {
  python: string;
  engineCommand: string[];
  /** Appended to the engine's arguments for previews (e.g. --local-small). */
  previewEngineArgs?: string[];
  /** The engine previews run on (SHEETSCALE_ENGINE; default auto, which picks DuckDB for their local files). */
  engine?: EngineChoice;
  cwd: string;
  previewTimeoutMs: number;
  log?: (msg: string) => void;
}

export class EngineTools {
  constructor(private readonly opts: EngineToolsOptions) {}

  /** The readable PySpark of a (valid) config. */
  async explain(config: unknown): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sheetscale-explain-'));
    try {
      const file = path.join(dir, 'config.json');
      await writeFile(file, JSON.stringify(config));
      const r = await runProcess([this.opts.python, '-m', 'sheetscale_engine.spark.explain', file], { cwd: this.opts.cwd, timeoutMs: 60_000, what: 'explain' });
      if (r.code === 0) return r.stdout;
      this.opts.log?.(`explain failed (${String(r.code)}): ${r.stderr}`);
      if (/No module named sheetscale_engine\.explain/.test(r.stderr)) throw new ServiceUnavailableError('explain is not available in this installation yet.', 'ENGINE_UNAVAILABLE');
      throw new BadRequestError(`explain could not translate this config: ${r.stderr.trim().split('\n').pop() ?? 'unknown error'}`, undefined, 'EXPLAIN_FAILED');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Runs a config on small inputs (CSV texts per source) with the local engine and returns the
   * engine's summary. An engine error (error.json) becomes a 400 with the engine's message.
   */
  async preview(config: unknown, inputsCsv: Record<string, string>): Promise<Record<string, unknown>> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sheetscale-preview-'));
    try {
      const configUri = path.join(dir, 'config.json');
      await writeFile(configUri, JSON.stringify(config));
      const inputs: Record<string, string> = {};
      for (const [i, [name, csv]] of Object.entries(inputsCsv).entries()) {
        inputs[name] = path.join(dir, `input-${i}.csv`);
        await writeFile(inputs[name]!, csv);
      }
      const outputUri = path.join(dir, 'output');
      const r = await runProcess([...this.opts.engineCommand, ...engineArgs({ configUri, inputs, outputUri }, this.opts.engine ?? 'auto'), ...(this.opts.previewEngineArgs ?? [])], { cwd: this.opts.cwd, timeoutMs: this.opts.previewTimeoutMs, what: 'the preview' });
      const summary = await readFile(path.join(outputUri, 'summary.json'), 'utf8').catch(() => null);
      if (r.code === 0 && summary) return JSON.parse(summary) as Record<string, unknown>;
      const error = await readFile(path.join(outputUri, 'error.json'), 'utf8').catch(() => null);
      if (error) {
        const e = jobErrorFromEngine(JSON.parse(error) as Parameters<typeof jobErrorFromEngine>[0]);
        throw new BadRequestError(e.message, e, 'PREVIEW_FAILED');
      }
      this.opts.log?.(`preview engine ended with ${String(r.code)}: ${r.stderr}`);
      throw new ServiceUnavailableError('The engine stopped without a result; try again.', 'ENGINE_FAILED');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
