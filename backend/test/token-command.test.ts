/** `sheetscale token`: prints a token that the service's verifier accepts, for the named groups. */
import { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { register } from '../../src/cli/commands/token';
import { loadOrCreateLocalIssuerKeys } from '../src/local-issuer';
import { createTokenVerifier } from '../src/token-verifier';

test('the printed token verifies as the user with her groups, and expires after --ttl', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sheetscale-token-'));
  const out: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const program = new Command('sheetscale').exitOverride();
    register(program);
    await program.parseAsync(['node', 'sheetscale', 'token', '--user', 'alice', '--groups', 'finance, admin', '--ttl', '15m', '--data-dir', dir]);
    write.mockRestore();
    const token = out.join('').trim();
    const verifier = createTokenVerifier({ auth: { kind: 'local', issuer: 'sheetscale-local', clientId: 'sheetscale-addin' }, adminGroup: 'admin', jwks: loadOrCreateLocalIssuerKeys(dir).jwks });
    expect(await verifier.verify(token)).toEqual({ user: 'alice', groups: ['finance', 'admin'], admin: true });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number };
    expect(claims.exp - claims.iat).toBe(900);
  } finally {
    write.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
});
