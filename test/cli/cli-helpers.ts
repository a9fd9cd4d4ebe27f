/** Runs the real `sheetscale` command (bin/sheetscale.js) and captures what it prints. */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<number>();

/** Ends every command still running (with the engine it started): for afterAll after a timeout. */
export function stopAll(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  running.clear();
}

export function sheetscale(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // Its own process group, so that stopAll also ends the engine (Python and Java) it spawns.
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'sheetscale.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, detached: true });
    if (child.pid !== undefined) running.add(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (child.pid !== undefined) running.delete(child.pid);
      resolve({ code, stdout, stderr });
    });
  });
}
