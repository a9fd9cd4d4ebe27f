/**
 * The local runner: the engine as a child process on local files (the embedded default).
 * Progress comes from the engine's stdout JSON lines; cancel kills its process group.
 *
 * The child runs in its own process group (`detached`) and its pid is stored as the attempt's
 * handle. After a crash of the service the orphaned engine may still run: the next start kills it
 * ({@link LocalRunner.abandon}) and queues the job again, so it completes exactly once.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { EngineChoice } from '../../../src/api/types';
import type { Storage } from '../storage/storage';
import { readEngineOutcome, type Execution, type RunCallbacks, type RunOutcome, type Runner, type RunSpec } from './runner';

export interface LocalRunnerOptions {
  /** Program and leading arguments; the job's arguments are appended. */
  command: string[];
  cwd: string;
  storage: Storage;
  /** The engine of jobs that do not ask for one (SHEETSCALE_ENGINE); default auto. */
  engine?: EngineChoice;
  env?: NodeJS.ProcessEnv;
  /** Diagnostics (the engine's stderr tail on failures). */
  log?: (msg: string) => void;
  /** Grace period between SIGTERM and SIGKILL on cancel. */
  killGraceMs?: number;
}

/** Builds the engine's command line arguments for one job; `engine` adds `--engine NAME`. */
export function engineArgs(spec: Pick<RunSpec, 'configUri' | 'inputs' | 'outputUri'>, engine?: EngineChoice): string[] {
  const args = ['--config', spec.configUri];
  for (const [name, uri] of Object.entries(spec.inputs)) args.push('--input', `${name}=${uri}`);
  args.push('--output', spec.outputUri);
  if (engine) args.push('--engine', engine);
  return args;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Is `pid` still the engine of this job (and not a recycled pid)? */
function isEngineOf(pid: number, jobId: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(jobId);
  } catch {
    return false; // no /proc (not Linux): do not risk killing a stranger
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export class LocalRunner implements Runner {
  readonly kind = 'local' as const;
  readonly reattaches = false;

  constructor(private readonly opts: LocalRunnerOptions) {}

  async abandon(spec: RunSpec): Promise<void> {
    const pid = Number(spec.externalId);
    if (!Number.isInteger(pid) || pid <= 0 || !isEngineOf(pid, spec.jobId)) return;
    killGroup(pid, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  }

  run(spec: RunSpec, cb: RunCallbacks): Execution {
    let cancelled = false;
    let detached = false;
    let pid: number | undefined;
    const done = (async (): Promise<RunOutcome> => {
      // A fresh attempt never sees the leftovers of an earlier one.
      await this.opts.storage.removePrefix(spec.outputUri);
      if (cancelled) return { kind: 'cancelled' };
      if (detached) return { kind: 'detached' };
      const [program, ...lead] = this.opts.command;
      const child = spawn(program!, [...lead, ...engineArgs(spec, spec.engine ?? this.opts.engine ?? 'auto')], {
        cwd: this.opts.cwd,
        env: { ...process.env, ...this.opts.env, SHEETSCALE_JOB_ID: spec.jobId },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      pid = child.pid;
      if (pid != null) cb.onExternalId(String(pid));
      let stderrTail = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => {
        stderrTail = (stderrTail + d).slice(-4000);
      });
      let buffered = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        buffered += d;
        let nl;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          try {
            const ev = JSON.parse(line) as { event?: string; fraction?: unknown; phase?: unknown };
            if (ev.event === 'progress' && typeof ev.fraction === 'number') cb.onProgress(ev.fraction, typeof ev.phase === 'string' ? ev.phase : null);
          } catch {
            // The contract says stdout carries only JSON lines; anything else is ignored, not fatal.
          }
        }
      });
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((resolve) => {
        child.on('error', (err) => resolve({ code: null, signal: null, spawnError: err }));
        child.on('close', (code, signal) => resolve({ code, signal }));
      });
      if (cancelled) return { kind: 'cancelled' };
      if (detached) return { kind: 'detached' };
      if (exit.spawnError) {
        return { kind: 'failed', error: { code: 'ENGINE_UNAVAILABLE', message: `The engine could not be started (${exit.spawnError.message}). Check SHEETSCALE_ENGINE_CMD / the Python environment (npm install).` } };
      }
      const outcome = await readEngineOutcome(this.opts.storage, spec.outputUri);
      if (exit.code === 0 && outcome?.kind === 'succeeded') return outcome;
      if (exit.code === 1 && outcome?.kind === 'failed') return outcome;
      if (exit.code === 2) {
        this.opts.log?.(`engine usage error for job ${spec.jobId}: ${stderrTail}`);
        return { kind: 'failed', error: { code: 'INTERNAL', message: 'The engine rejected its command line; this is a bug in the service, not in your config.' } };
      }
      this.opts.log?.(`engine for job ${spec.jobId} ended with code ${String(exit.code)} signal ${String(exit.signal)}: ${stderrTail}`);
      return {
        kind: 'transient',
        error: { code: 'ENGINE_CRASHED', message: `The engine stopped unexpectedly (${exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`}) without a summary or an error report.` },
      };
    })();
    return {
      done,
      // Service shutdown: stop the engine but leave the job "running" in the store; the next start
      // queues it again without counting the attempt (see abandon and the dispatcher's recover).
      detach: () => {
        detached = true;
        if (pid != null) killGroup(pid, 'SIGTERM');
      },
      cancel: async () => {
        cancelled = true;
        if (pid == null) return;
        const p = pid;
        killGroup(p, 'SIGTERM');
        setTimeout(() => {
          if (isAlive(p)) killGroup(p, 'SIGKILL');
        }, this.opts.killGraceMs ?? 5000).unref();
      },
    };
  }
}
