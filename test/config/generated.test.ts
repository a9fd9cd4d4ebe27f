// The generated files (TypeScript types, the config reference) must match the schema: a schema
// change without regenerating fails here, and in `npm test`'s types drift check.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

function runCheck(script: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', script), '--check'], { cwd: root, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('generated from the schema', () => {
  it('docs/config-reference.md is up to date', () => {
    const r = runCheck('generate-config-reference.js');
    expect(r.output).toContain('matches the schema');
    expect(r.status).toBe(0);
  });

  it('src/config/types.generated.ts is up to date', () => {
    const r = runCheck('generate-config-types.js');
    expect(r.output).toContain('matches the schema');
    expect(r.status).toBe(0);
  }, 30_000);
});
