/** The offline manifest check accepts ours and rejects broken ones, naming what is wrong. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const manifest = readFileSync(path.join(root, 'manifest.xml'), 'utf8');

function validate(xml: string): { status: number | null; output: string } {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'manifest.xml');
  writeFileSync(file, xml);
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'validate-manifest.js'), file], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test('the add-in manifest is valid', () => {
  expect(validate(manifest)).toMatchObject({ status: 0 });
});

test.each([
  ['a missing Id', (x: string) => x.replace(/<Id>[^<]+<\/Id>/, ''), /Expected is .*Id/],
  ['elements out of order', (x: string) => x.replace(/(<Version>[^<]+<\/Version>)\s*(<ProviderName>[^<]+<\/ProviderName>)/, '$2$1'), /not expected/],
  ['an unknown permission', (x: string) => x.replace('ReadWriteDocument', 'Everything'), /Permissions/],
  ['a label over 125 characters', (x: string) => x.replace('DefaultValue="sheetscale"/>', `DefaultValue="${'x'.repeat(126)}"/>`), /DefaultValue/],
  ['an undefined resid', (x: string) => x.replace('resid="Taskpane.Url"', 'resid="Nowhere.Url"'), /resid "Nowhere.Url" is used but not defined/],
  ['no ExcelApi 1.12 requirement', (x: string) => x.replace('MinVersion="1.12"/>', 'MinVersion="1.7"/>'), /ExcelApi" MinVersion="1.12"/],
  ['a missing icon', (x: string) => x.replace('assets/icon-80.png', 'assets/icon-81.png'), /assets\/icon-81.png is referenced but missing/],
])('rejects %s', (_what, breakIt, message) => {
  const result = validate(breakIt(manifest));
  expect(result.status).toBe(1);
  expect(result.output).toMatch(message);
});
