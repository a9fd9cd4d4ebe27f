/** `sheetscale explain CONFIG.json`: the equivalent PySpark, for a person to read. */
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, enginePython } from '../engine';

export function register(program: Command): void {
  program
    .command('explain')
    .description('Print the PySpark the engine runs for a config, with each step\'s Excel formula and cell, for a person to read.')
    .argument('<config>', 'the config JSON')
    .addHelpText('after', `
Runs the engine's explainer (python -m sheetscale_engine.spark.explain); nothing is executed on data.
Exit codes: 0 printed; 2 the config is invalid or the engine is not installed.

Example:
  sheetscale explain ledger.config.json > ledger.py`)
    .action(async (configPath: string) => {
      const python = enginePython();
      if (!existsSync(python)) {
        process.stderr.write(`sheetscale explain: the engine's Python is missing (${python}); run \`npm install\`, or set SHEETSCALE_PYTHON.\n`);
        process.exitCode = 2;
        return;
      }
      if (!existsSync(configPath)) {
        process.stderr.write(`sheetscale explain: no such file ${configPath}.\n`);
        process.exitCode = 2;
        return;
      }
      const child = spawn(python, ['-m', 'sheetscale_engine.spark.explain', path.resolve(configPath)], { cwd: path.join(REPO_ROOT, 'spark'), stdio: ['ignore', 'inherit', 'inherit'] });
      const code = await new Promise<number | null>((resolve) => {
        child.on('error', () => resolve(null));
        child.on('close', (c) => resolve(c));
      });
      process.exitCode = code === 0 ? 0 : 2;
    });
}
