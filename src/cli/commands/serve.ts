/**
 * `sheetscale serve`: the job service. With no environment it is the embedded default — local
 * token issuer, SQLite job store, local disk, local engine — and needs no cloud account.
 * Production settings come from environment variables (docs/backend.md).
 */
import type { Command } from 'commander';
import type * as ServerModule from '../../../backend/src/server';

export function register(program: Command): void {
  program
    .command('serve')
    .description('start the job service (embedded default: local issuer, SQLite store, local engine)')
    .option('-p, --port <port>', 'port to listen on (default 8080, or SHEETSCALE_PORT)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port: "${v}" is not a port number`);
      return n;
    })
    .option('--host <host>', 'address to listen on (default 127.0.0.1, or SHEETSCALE_HOST)')
    .option('-d, --data-dir <dir>', 'where the store, keys, uploads and results live (default .sheetscale, or SHEETSCALE_DATA_DIR)')
    .action(async (opts: { port?: number; host?: string; dataDir?: string }) => {
      // Loaded on use: the service pulls in Fastify and the AWS SDK, which other commands never need.
      const { startServer } = require('../../../backend/src/server') as typeof ServerModule; // eslint-disable-line @typescript-eslint/no-require-imports
      const server = await startServer({ ...(opts.port != null ? { port: opts.port } : {}), ...(opts.host ? { host: opts.host } : {}), ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          server.app.log.info('shutting down (running jobs are recovered on the next start)');
          void server.close().then(resolve, resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
