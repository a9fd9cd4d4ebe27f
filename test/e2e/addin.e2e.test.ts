/**
 * The add-in end to end, in a real browser: the built task pane (dist/) in Debian's Chromium via
 * playwright-core, office.js replaced by the fake Office/Excel host (fake-office/), the backend
 * started in process (backend/src/server.ts) with the local token issuer and the real local Spark
 * engine. The test signs in, loads a dataset's sample into a new sheet, records a VLOOKUP column
 * (typed into the fake workbook, with the values Excel would show) and a PivotTable (from the
 * pane), verifies on the sample, runs on the full data and finds the summary in a new sheet.
 * Screenshots of each panel go to test-results/screenshots/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { signLocalToken } from '../../backend/src/local-issuer';
import { startServer, type RunningServer } from '../../backend/src/server';
import { serveDirectory } from './static-server';

const root = path.resolve(__dirname, '..', '..');
const dist = path.join(root, 'dist');
const shots = path.join(root, 'test-results', 'screenshots');
const FAKE_OFFICE = path.join(__dirname, 'fake-office', 'fake-office.js');

// ---- the data: a ledger of 1,200 postings (the "full data"), a chart of accounts
const ACCOUNTS: [number, string][] = [[4000, 'Sales'], [4010, 'Services'], [5000, 'Cost of sales'], [5010, 'Freight']];
const REGIONS = ['East', 'West', 'North'];
const LEDGER = Array.from({ length: 1200 }, (_, i) => ({
  Account: [4000, 4010, 5000, 5010, 6000][i % 5] as number, // 6000 is not in the chart: #N/A
  Region: REGIONS[(i * 7) % 3] as string,
  Amount: ((i * 37) % 1000) - 200,
}));
const SAMPLE_ROWS = 500; // what the pane asks the backend for

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (/\.test\.tsx?$/.test(entry.name)) continue; // tests are not in the bundle
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/ unless it is newer than every source file. */
function ensureBuilt(): void {
  const built = (() => {
    try {
      return statSync(path.join(dist, 'taskpane.html')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = Math.max(newestMtime(path.join(root, 'src')), statSync(path.join(root, 'manifest.xml')).mtimeMs, statSync(path.join(root, 'webpack.config.js')).mtimeMs);
  if (built > sources) return;
  const r = spawnSync(path.join(root, 'node_modules', '.bin', 'webpack'), ['--mode', 'production'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`webpack failed:\n${r.stdout}\n${r.stderr}`);
}

let work: string;
let backend: RunningServer;
let addin: { origin: string; close(): Promise<void> };
let context: BrowserContext;
let page: Page;
let token: string;
const browserLog: string[] = [];

beforeAll(async () => {
  ensureBuilt();
  work = mkdtempSync(path.join(os.tmpdir(), 'sheetscale-e2e-'));
  writeFileSync(path.join(work, 'ledger.csv'), `Account,Region,Amount\n${LEDGER.map((r) => `${r.Account},${r.Region},${r.Amount}`).join('\n')}\n`);
  writeFileSync(path.join(work, 'accounts.csv'), `Account,Name\n${ACCOUNTS.map(([a, n]) => `${a},${n}`).join('\n')}\n`);
  writeFileSync(path.join(work, 'catalog.json'), JSON.stringify({
    datasets: [
      { id: 'ledger', name: 'General ledger', groups: ['finance'], location: 'ledger.csv', format: { type: 'csv', header: true } },
      { id: 'accounts', name: 'Chart of accounts', groups: ['finance'], location: 'accounts.csv', format: { type: 'csv', header: true } },
    ],
  }));
  addin = await serveDirectory(dist);
  backend = await startServer({ port: 0, dataDir: path.join(work, 'data') }, {
    ...process.env,
    SHEETSCALE_CATALOG: path.join(work, 'catalog.json'),
    SHEETSCALE_ALLOWED_ORIGINS: addin.origin,
    SHEETSCALE_LOG_LEVEL: 'warn',
    SHEETSCALE_POLL_MS: '200',
  });
  const auth = backend.services.config.auth;
  if (auth.kind !== 'local' || !backend.services.localKeys) throw new Error('the e2e backend must run with the local issuer');
  token = signLocalToken(backend.services.localKeys, { user: 'alice', groups: ['finance'], ttlSeconds: 3600, issuer: auth.issuer, clientId: auth.clientId });

  mkdirSync(shots, { recursive: true });
  context = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 380, height: 900 },
  });
  page = await openPane(context.pages()[0] ?? (await context.newPage()), { kind: 'local' });
}, 300_000);

/** Prepares a page: office.js → the fake host, config.json → this backend with the given sign-in. */
async function openPane(p: Page, auth: unknown): Promise<Page> {
  p.on('console', (m) => browserLog.push(`[${m.type()}] ${m.text()}`));
  p.on('pageerror', (e) => browserLog.push(`[pageerror] ${e.message}`));
  await p.route('https://appsforoffice.microsoft.com/**', (route) => route.fulfill({ contentType: 'text/javascript', body: readFileSync(FAKE_OFFICE, 'utf8') }));
  await p.route(`${addin.origin}/config.json`, (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ apiUrl: backend.url, auth }) }));
  // The workbook the user has open: a chart of accounts typed into a sheet (uploaded with the job).
  await p.addInitScript((accounts: [number, string][]) => {
    (window as unknown as { __fakeOfficeSetup: (api: { addSheet(n: string): void; setValues(s: string, a: string, r: unknown[][]): void }) => void }).__fakeOfficeSetup = (api) => {
      api.addSheet('Accounts');
      api.setValues('Accounts', 'A1', [['Account', 'Name'], ...accounts]);
    };
  }, ACCOUNTS);
  return p;
}

afterAll(async () => {
  await context?.close();
  await backend?.close();
  await addin?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

afterEach(() => {
  const state = expect.getState();
  if (state.assertionCalls !== state.numPassingAsserts || browserLog.some((l) => l.startsWith('[pageerror]'))) {
    console.log(`browser console:\n${browserLog.join('\n')}`);
  }
});

async function shot(name: string, p: Page = page): Promise<void> {
  await p.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

interface CellView { value: unknown; type: string; formula?: string; numberFormat?: string }
const fake = <T>(fn: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(([f, a]) => (window as unknown as { fakeOffice: Record<string, (...x: unknown[]) => unknown> }).fakeOffice[f as string]!(...(a as unknown[])), [fn, args] as const) as Promise<T>;

const phases: string[] = [];
let phaseStart = Date.now();
function phase(name: string): void {
  phases.push(`${name} ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
  phaseStart = Date.now();
}

test('record a VLOOKUP column and a pivot on a sample, run on the full data, get the summary in a new sheet', async () => {
  phaseStart = Date.now();
  await page.goto(`${addin.origin}/taskpane.html`);

  // 1. Sign in with a local issuer token.
  // office.js (here the fake, which does the same) nulls history.pushState/replaceState; the pane restores them.
  expect(await page.evaluate(() => typeof history.pushState === 'function' && typeof history.replaceState === 'function')).toBe(true);
  await page.getByLabel('Token').fill(token);
  await shot('1-sign-in');
  await page.getByLabel('Token').press('Enter'); // the keyboard is enough

  // 2. Sample: load the ledger dataset's sample into a new sheet.
  await page.getByRole('combobox', { name: 'Dataset' }).selectOption('ledger');
  await page.getByRole('button', { name: 'Load its sample into a new sheet' }).click();
  await page.getByText(/sample rows of General ledger are in sheet/).waitFor();
  const tables = await fake<{ name: string; sheet: string; address: string }[]>('tables');
  const sample = tables.find((t) => t.sheet === 'General ledger');
  expect(sample).toEqual({ name: 'General_ledger', sheet: 'General ledger', address: `A1:C${SAMPLE_ROWS + 1}` });
  await shot('2-sample');
  phase('sign-in + sample');

  // 3. Record: the user types a VLOOKUP in D2 and fills it down; Excel shows the looked-up names.
  await page.getByRole('tab', { name: /Record/ }).click();
  await page.getByRole('button', { name: 'Start recording' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Stop recording' }).waitFor();
  const names = new Map(ACCOUNTS);
  const sampleRows = LEDGER.slice(0, SAMPLE_ROWS);
  await fake('setValues', 'General ledger', 'D1', [['Name']]);
  await fake('setFormulaColumn', 'General ledger', 'D2',
    sampleRows.map((_, i) => `=VLOOKUP(A${i + 2},Accounts!$A$2:$B$5,2,FALSE)`),
    '=VLOOKUP(RC[-3],Accounts!R2C1:R5C2,2,FALSE)',
    sampleRows.map((r) => names.get(r.Account) ?? { error: '#N/A' }));
  await fake('resizeTable', 'General_ledger', `A1:D${SAMPLE_ROWS + 1}`);
  await fake('fireChanged', 'General ledger', `D2:D${SAMPLE_ROWS + 1}`);
  const lookup = page.getByRole('listitem', { name: /VLOOKUP into .* → Name/ });
  await lookup.waitFor();
  await expect(lookup.getByLabel('translates').count()).resolves.toBe(1);

  // ... and builds a PivotTable from the pane (Excel fires no event for it).
  const pivotGroup = page.getByRole('group', { name: 'PivotTable' });
  await pivotGroup.getByRole('combobox', { name: 'Rows' }).selectOption('Region');
  await pivotGroup.getByRole('combobox', { name: 'Values' }).selectOption('Amount');
  await pivotGroup.getByRole('button', { name: 'Insert PivotTable' }).click();
  await page.getByRole('listitem', { name: /PivotTable PivotTable1: sum of Amount by Region/ }).waitFor();
  await shot('3-record');
  await page.getByRole('button', { name: 'Stop recording' }).click();
  await page.getByRole('button', { name: 'Start recording' }).waitFor();
  phase('record');

  // 4. Verify on the sample with the real engine: every formula cell and the pivot match Excel.
  await page.getByRole('tab', { name: 'Verify' }).click();
  await page.getByRole('button', { name: 'Verify on the sample' }).click();
  const verdict = page.getByText(/cells match Excel|cells differ from Excel/).or(page.getByRole('alert'));
  await verdict.first().waitFor({ timeout: 240_000 });
  await shot('4-verify');
  await expect(page.getByText(/^All \d+ cells match Excel \(including 1 PivotTable\)\.$/).count()).resolves.toBe(1);
  phase('verify (preview on the engine)');

  // 5. Run on the full data: the ledger dataset, the Accounts sheet uploaded with the job.
  await page.getByRole('tab', { name: 'Run' }).click();
  await page.getByRole('combobox', { name: /\(looked up\)/ }).selectOption('upload');
  await page.getByRole('button', { name: 'Run on full data' }).click();
  await page.getByText(/^Job \S+$/).first().waitFor();
  const finished = page.locator('[aria-live="polite"]').getByText(/^(succeeded|failed|dead|cancelled)$/);
  await finished.waitFor({ timeout: 300_000 });
  await shot('5-run');
  expect(await finished.textContent()).toBe('succeeded');
  phase('run on the full data (job)');

  // 6. Results: the summary in a new sheet named after the job.
  await page.getByRole('tab', { name: 'Results' }).click();
  await page.getByRole('button', { name: 'Open summary in a new sheet' }).click();
  const written = page.getByText(/rows written to sheet "(Result [^"]+)"/);
  await written.waitFor({ timeout: 60_000 });
  await shot('6-results');
  const sheetName = /sheet "([^"]+)"/.exec((await written.textContent()) ?? '')?.[1] ?? '';
  expect(sheetName.length).toBeLessThanOrEqual(31);
  expect(await fake<string[]>('sheetNames')).toContain(sheetName);
  const cells = await fake<Record<string, CellView>>('dump', sheetName);
  const byValue = (v: unknown) => Object.entries(cells).find(([, c]) => c.value === v)?.[0];
  expect(cells.B7?.value).toBe(`100 of ${LEDGER.length} rows shown`);
  expect(cells.B6?.value).toBe(LEDGER.length);
  expect(cells.B4?.value).toBe('ledger');
  expect(String(cells.B3?.value)).toMatch(/^sha256:[0-9a-f]{64}$/);
  // The first rows with the looked-up names (and #N/A as an Excel error for account 6000).
  expect(cells.D11).toMatchObject({ value: 'Name' });
  expect(cells.D12).toMatchObject({ value: 'Sales', type: 'String' });
  expect(cells.D16).toMatchObject({ value: '#N/A', type: 'Error' });
  // The pivot over all 1,200 rows (not the 500 of the sample).
  const pivotTitle = byValue('PivotTable1 (full result)');
  expect(pivotTitle).toBeDefined();
  const top = Number(pivotTitle?.slice(1));
  for (const region of REGIONS) {
    const row = Object.entries(cells).find(([a, c]) => a.startsWith('A') && Number(a.slice(1)) > top && c.value === region)?.[0];
    expect(row).toBeDefined();
    const expected = LEDGER.filter((r) => r.Region === region).reduce((s, r) => s + r.Amount, 0);
    expect(cells[`B${row?.slice(1)}`]?.value).toBe(expected);
  }
  const grand = Object.entries(cells).find(([a, c]) => a.startsWith('A') && Number(a.slice(1)) > top && c.value === 'Grand Total')?.[0];
  expect(cells[`B${grand?.slice(1)}`]?.value).toBe(LEDGER.reduce((s, r) => s + r.Amount, 0));
  // No value from the data became a formula.
  expect(Object.values(cells).some((c) => c.formula !== undefined)).toBe(false);
  phase('results');
  console.log(`e2e phases: ${phases.join(', ')}`);
});

test('Cognito sign-in: Hosted UI in the Office dialog, code + PKCE S256, state checked, tokens used on the API', async () => {
  const domain = 'https://sheetscale-test.auth.eu-west-1.amazoncognito.com';
  const p = await openPane(await context.newPage(), { kind: 'cognito', cognito: { domain, clientId: 'addin-client' } });
  // The token endpoint checks the PKCE verifier against the challenge the dialog was opened with.
  let challenge = '';
  const exchanges: URLSearchParams[] = [];
  await p.route(`${domain}/oauth2/token`, async (route) => {
    const form = new URLSearchParams(route.request().postData() ?? '');
    exchanges.push(form);
    const { createHash } = await import('node:crypto');
    challenge = String(await p.evaluate(() => (window as unknown as { __challenge?: string }).__challenge ?? ''));
    const ok = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') === challenge && form.get('code') === 'code-from-cognito';
    await route.fulfill({
      status: ok ? 200 : 400,
      headers: { 'Access-Control-Allow-Origin': addin.origin },
      contentType: 'application/json',
      body: JSON.stringify(ok ? { id_token: token, access_token: token, refresh_token: 'refresh-1', expires_in: 3600, token_type: 'Bearer' } : { error: 'invalid_grant' }),
    });
  });
  await p.goto(`${addin.origin}/taskpane.html`);
  await p.getByText('You will sign in with your organisation\'s account in a separate window.').waitFor();
  // The "dialog": what Cognito + auth-callback.html would send back for the authorize URL it was opened with.
  await p.evaluate(() => {
    const api = (window as unknown as { fakeOffice: { dialog: { nextMessage: (url: string) => string } } }).fakeOffice;
    api.dialog.nextMessage = (url: string) => {
      const authorize = new URL(new URL(url).searchParams.get('to') ?? '');
      (window as unknown as { __challenge: string }).__challenge = authorize.searchParams.get('code_challenge') ?? '';
      return JSON.stringify({ code: 'code-from-cognito', state: authorize.searchParams.get('state') });
    };
  });
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('combobox', { name: 'Dataset' }).locator('option', { hasText: 'General ledger' }).waitFor({ state: 'attached' });
  const dialogs = await p.evaluate(() => (window as unknown as { fakeOffice: { log: { dialogs: string[] } } }).fakeOffice.log.dialogs);
  expect(dialogs[0]).toMatch(new RegExp(`^${addin.origin}/auth-start\\.html\\?to=`));
  const authorize = new URL(new URL(dialogs[0] ?? '').searchParams.get('to') ?? '');
  expect(authorize.origin).toBe(domain);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${addin.origin}/auth-callback.html`);
  expect(exchanges).toHaveLength(1);
  expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(exchanges[0]?.get('grant_type')).toBe('authorization_code');
  await shot('7-signed-in-with-cognito', p);
  await p.close();
});
