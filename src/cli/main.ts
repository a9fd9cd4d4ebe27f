/**
 * The `sheetscale` command line: thin commands over the recorder, the engine and the backend.
 * Each command lives in its own module under src/cli/commands/ and exports `register(program)`;
 * main picks them all up, so adding a command never touches this file.
 */
import { Command, CommanderError } from 'commander';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What every module in src/cli/commands/ exports. */
export interface CommandModule {
  register(program: Command): void;
}

/** The package version, read from package.json so there is one definition. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function commandModules(): CommandModule[] {
  const dir = path.join(__dirname, 'commands');
  return readdirSync(dir)
    .filter((f) => /\.ts$/.test(f) && !/\.(test|d)\.ts$/.test(f))
    .sort()
    .map((f) => require(path.join(dir, f)) as CommandModule) // eslint-disable-line @typescript-eslint/no-require-imports -- commands are discovered at run time
    .filter((m) => typeof m.register === 'function');
}

/** Builds the program with every command registered. */
export function buildProgram(): Command {
  const program = new Command('sheetscale')
    .description('Record what you do in Excel on a sample and run it, exactly, on the full data.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const m of commandModules()) m.register(program);
  return program;
}

/** Runs the CLI and resolves to its exit code (0 ok, 1 a check failed, 2 could not run). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code) ? 0 : 2;
    }
    throw err;
  }
}
