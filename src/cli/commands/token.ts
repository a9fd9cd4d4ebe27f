/**
 * `sheetscale token`: prints a bearer token of the embedded default's local issuer for a dev user,
 * e.g. `sheetscale token --user alice --groups finance`. The key pair is the one `serve` uses
 * (created on first use under the data directory).
 */
import type { Command } from 'commander';
import type * as LocalIssuer from '../../../backend/src/local-issuer';
import type * as ServiceConfigModule from '../../../backend/src/service-config';

export function register(program: Command): void {
  program
    .command('token')
    .description("print a local issuer token for a dev user (the embedded default's sign-in)")
    .requiredOption('-u, --user <name>', 'user name (cognito:username)')
    .option('-g, --groups <list>', 'comma-separated groups, e.g. finance,admin', '')
    .option('--ttl <duration>', 'lifetime: seconds or 90s, 15m, 1h, 7d', '1h')
    .option('-d, --data-dir <dir>', 'the data directory of `serve` (default .sheetscale, or SHEETSCALE_DATA_DIR)')
    .action(async (opts: { user: string; groups: string; ttl: string; dataDir?: string }) => {
      /* eslint-disable @typescript-eslint/no-require-imports -- loaded on use, like serve */
      const { loadServiceConfig } = require('../../../backend/src/service-config') as typeof ServiceConfigModule;
      const { loadOrCreateLocalIssuerKeys, parseTtl, signLocalToken } = require('../../../backend/src/local-issuer') as typeof LocalIssuer;
      /* eslint-enable @typescript-eslint/no-require-imports */
      const config = loadServiceConfig(process.env, opts.dataDir ? { dataDir: opts.dataDir } : {});
      if (config.auth.kind !== 'local') {
        process.stderr.write('sheetscale token: SHEETSCALE_AUTH=cognito — get a token from the Cognito user pool instead.\n');
        process.exitCode = 2;
        return;
      }
      const keys = loadOrCreateLocalIssuerKeys(config.dataDir);
      const groups = opts.groups.split(',').map((g) => g.trim()).filter(Boolean);
      const token = signLocalToken(keys, { user: opts.user, groups, ttlSeconds: parseTtl(opts.ttl), issuer: config.auth.issuer, clientId: config.auth.clientId });
      process.stdout.write(`${token}\n`);
    });
}
