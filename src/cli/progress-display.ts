/** A one-line progress display on a terminal, from the engine's JSON-lines progress. */
import type { ProgressEvent } from './engine';

/** Returns an onProgress handler and a `done` to clear the line; silent when stderr is not a TTY. */
export function progressDisplay(stream: NodeJS.WriteStream = process.stderr): { onProgress: (e: ProgressEvent) => void; done: () => void } {
  if (!stream.isTTY) return { onProgress: () => undefined, done: () => undefined };
  let shown = false;
  return {
    onProgress: (e) => {
      const pct = Math.round(Math.max(0, Math.min(1, e.fraction)) * 100);
      const width = 20;
      const filled = Math.round((pct / 100) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${e.phase}${e.message ? `: ${e.message}` : ''}`;
      const columns = stream.columns || 80;
      stream.write(`\r${line.slice(0, columns - 1).padEnd(columns - 1)}`);
      shown = true;
    },
    done: () => {
      if (shown) stream.write(`\r${' '.repeat((stream.columns || 80) - 1)}\r`);
    },
  };
}
