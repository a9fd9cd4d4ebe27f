/** `sheetscale run CONFIG.json --input NAME=PATH_OR_URI ... [-o OUTDIR] [--engine auto|duckdb|spark] [--memory-limit SIZE]`. */
import type { Command } from 'commander';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { validateConfig, formatIssue } from '../../config/validate';
import { ENGINES, EngineUnavailableError, describeEngineFailure, isEngineName, runEngine } from '../engine';
import { progressDisplay } from '../progress-display';
import { formatSummary } from '../summary-format';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface RunOptions {
  input: string[];
  output?: string;
  engine: string;
  memoryLimit?: string;
  today?: string;
  firstRows?: string;
}

/** A size DuckDB's memory_limit takes: a number and a unit, e.g. 2GB, 512MB, 1.5GiB. */
const MEMORY_LIMIT = /^\d+(\.\d+)?\s*([KMGT]i?B|B)$/i;

function fail(message: string): void {
  process.stderr.write(`sheetscale run: ${message}\n`);
  process.exitCode = 2;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('Run a transformation config on full data with the engine (DuckDB or local Spark; auto picks).')
    .argument('<config>', 'the config JSON (from `sheetscale record` or the add-in)')
    .option('-i, --input <NAME=PATH_OR_URI>', 'bind a source of the config to a file, folder, glob or URI; repeat for every source', collect, [])
    .option('-o, --output <dir>', 'folder for result/, summary.json or error.json (default: <config name>.out next to the config)')
    .option('-e, --engine <name>', `engine: ${ENGINES.join(', ')}; auto runs DuckDB when every input is a local path or file:// URI, Spark otherwise`, 'auto')
    .option('--memory-limit <size>', "DuckDB's memory limit, e.g. 2GB (default: the engine's); DuckDB spills to disk beyond it")
    .option('--today <YYYY-MM-DD>', 'the date TODAY() and NOW() return (default: the day of the run, UTC)')
    .option('--first-rows <n>', "rows carried in summary.json (default: the config's output.summary.firstRows)")
    .addHelpText(
      'after',
      `
Every source of the config must be bound with --input; the source names are listed by
\`sheetscale explain\` and in the config's "sources". Progress shows on a terminal; the summary
(row count, per-step metrics such as unmatched lookups, pivots, first rows) prints at the end.

Engine: --engine auto (the default) runs DuckDB when every input is a local path or file:// URI
and they add up to at most SHEETSCALE_DUCKDB_MAX_BYTES (default 200 GB), Spark otherwise (s3://...).
The summary names the engine that ran and why.

Environment: SHEETSCALE_PYTHON overrides the engine's Python (default spark/.venv/bin/python).
Exit codes: 0 the job succeeded; 1 the job failed (error.json names the step, cell and formula);
2 could not run (bad config, missing input, engine not installed).

Example:
  sheetscale run ledger.config.json --input Ledger=data/ledger/*.csv --input Rates=rates.csv -o out/`,
    )
    .action(async (configPath: string, opts: RunOptions) => {
      if (!isEngineName(opts.engine)) return fail(`--engine ${opts.engine}: unknown engine; choose one of ${ENGINES.join(', ')}.`);
      const engine = opts.engine;
      if (opts.memoryLimit !== undefined && !MEMORY_LIMIT.test(opts.memoryLimit.trim())) return fail(`--memory-limit ${opts.memoryLimit}: write a size with its unit, e.g. 2GB or 512MB.`);
      let text: string;
      try {
        text = await readFile(configPath, 'utf8');
      } catch (err) {
        return fail(`cannot read ${configPath}: ${(err as Error).message}`);
      }
      const checked = validateConfig(text);
      if (!checked.ok) return fail(`${configPath} is not a valid config:\n${checked.errors.map((e) => `  ${formatIssue(e)}`).join('\n')}`);
      const inputs: Array<{ name: string; uri: string }> = [];
      for (const item of opts.input) {
        const eq = item.indexOf('=');
        if (eq <= 0 || eq === item.length - 1) return fail(`--input ${item}: write it as NAME=PATH_OR_URI.`);
        inputs.push({ name: item.slice(0, eq), uri: item.slice(eq + 1) });
      }
      const sources = checked.config.sources.map((s) => s.name);
      const unknown = inputs.filter((i) => !sources.includes(i.name));
      if (unknown.length) return fail(`--input ${unknown.map((u) => u.name).join(', ')}: no such source in the config (sources: ${sources.join(', ')}).`);
      const missing = sources.filter((s) => !inputs.some((i) => i.name === s));
      if (missing.length) return fail(`bind every source with --input: missing ${missing.map((m) => `--input "${m}=..."`).join(' ')}.`);
      if (opts.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.today)) return fail(`--today ${opts.today}: write the date as YYYY-MM-DD.`);
      if (opts.firstRows !== undefined && !/^\d+$/.test(opts.firstRows)) return fail(`--first-rows ${opts.firstRows}: give a whole number.`);
      const output = opts.output ?? path.join(path.dirname(configPath), `${path.basename(configPath, '.json')}.out`);
      await mkdir(output, { recursive: true });
      const progress = progressDisplay();
      try {
        const outcome = await runEngine({
          config: configPath,
          inputs,
          output,
          engine,
          ...(opts.memoryLimit !== undefined ? { memoryLimit: opts.memoryLimit.trim() } : {}),
          ...(opts.today ? { today: opts.today } : {}),
          ...(opts.firstRows !== undefined ? { firstRows: Number(opts.firstRows) } : {}),
          onProgress: progress.onProgress,
        });
        progress.done();
        if (outcome.exitCode === 0 && outcome.summary) {
          for (const line of formatSummary(outcome.summary, output)) process.stdout.write(`${line}\n`);
          process.exitCode = 0;
        } else if (outcome.exitCode === 1 || outcome.error) {
          process.stderr.write(`Job failed: ${describeEngineFailure(outcome)}\n`);
          process.exitCode = 1;
        } else {
          fail(describeEngineFailure(outcome));
        }
      } catch (err) {
        progress.done();
        if (err instanceof EngineUnavailableError) return fail(err.message);
        throw err;
      }
    });
}
