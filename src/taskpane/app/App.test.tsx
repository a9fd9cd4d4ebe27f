/** @jest-environment jsdom */
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TextEncoder } from 'node:util';
import { App } from './App';
import { fakeBackend, fakeServices, job, summary } from '../testing/fake-services';

function seedLedger(fake: ReturnType<typeof fakeServices>['fake']) {
  fake.api.addSheet('Ledger');
  fake.api.addSheet('Accounts');
  fake.api.setValues('Ledger', 'A1', [['Account', 'Amount'], [4000, 10], [4010, 20], [4000, 5]]);
  fake.api.addTable('Ledger', 'A1:B4', 'Ledger');
  fake.api.setValues('Accounts', 'A1', [['Account', 'Name'], [4000, 'Sales'], [4010, 'Services']]);
}

/** What the user does in Excel: a VLOOKUP column C "Name" filled down, and Excel's values. */
async function typeVlookupColumn(fake: ReturnType<typeof fakeServices>['fake']) {
  fake.api.setValues('Ledger', 'C1', [['Name']]);
  fake.api.setFormulaColumn('Ledger', 'C2', [2, 3, 4].map((r) => `=VLOOKUP(A${r},Accounts!$A$2:$B$3,2,FALSE)`), '=VLOOKUP(RC[-2],Accounts!R2C1:R3C2,2,FALSE)', ['Sales', 'Services', 'Sales']);
  fake.api.resizeTable('Ledger', 'A1:C4');
  await fake.api.fireChanged('Ledger', 'C2:C4');
}

jest.setTimeout(30_000);

// Fluent's MessageBar measures itself, and the config validator measures bytes: jsdom has
// neither ResizeObserver nor TextEncoder.
beforeAll(() => {
  (globalThis as { TextEncoder?: unknown }).TextEncoder ??= TextEncoder;
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
});

afterEach(() => {
  delete (globalThis as { Office?: unknown }).Office;
});

test('sign in, pick the sample, record a VLOOKUP, verify, run, open the summary in a new sheet', async () => {
  const user = userEvent.setup();
  const backend = fakeBackend({
    // The per-row preview gives back the sample with the lookup column, as Excel computed it.
    preview: jest.fn(async () => ({ summary: summary({ rowCount: 3, columns: [{ name: 'Account', type: 'number' }, { name: 'Amount', type: 'number' }, { name: 'Name', type: 'text' }], firstRows: [] }), rows: [[4000, 10, 'Sales'], [4010, 20, 'Services'], [4000, 5, 'Sales']] })),
    job: jest.fn()
      .mockResolvedValueOnce(job({ state: 'running', progress: 0.5, phase: 'computing' }))
      .mockResolvedValue(job({ state: 'succeeded', progress: 1, rowCount: 1_200_000 })),
  });
  const { services, fake } = fakeServices(backend);
  seedLedger(fake);
  render(<App services={services} />);

  // Sign in (local issuer: a pasted token).
  await user.type(screen.getByLabelText('Token'), 'a.b.c');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));

  // Sample: the Ledger table, bound to the ledger dataset.
  const sampleSelect = await screen.findByRole('combobox', { name: 'Sample table' });
  await waitFor(() => expect(within(sampleSelect).getByRole('option', { name: 'Ledger (Ledger)' })).toBeTruthy());
  await user.selectOptions(sampleSelect, 'table:Ledger');
  await user.selectOptions(screen.getByRole('combobox', { name: 'Dataset' }), 'ledger');
  expect(screen.getByText('Recording on table Ledger on sheet Ledger.')).toBeTruthy();

  // Record: the VLOOKUP column appears as a translatable lookup step.
  await user.click(screen.getByRole('tab', { name: /Record/ }));
  await user.click(screen.getByRole('button', { name: 'Start recording' }));
  await screen.findByRole('button', { name: 'Stop recording' });
  await act(() => typeVlookupColumn(fake));
  const step = await screen.findByRole('listitem', { name: /VLOOKUP into .* → Name/ }, { timeout: 3000 });
  expect(within(step).getByLabelText('translates')).toBeTruthy();
  expect(within(step).getByText(/Ledger!C2 +=VLOOKUP\(A2,Accounts!\$A\$2:\$B\$3,2,FALSE\)/)).toBeTruthy();

  // A Remove Duplicates done from the pane is applied in Excel and recorded.
  await user.click(within(screen.getByRole('group', { name: 'Remove duplicates' })).getByRole('checkbox', { name: 'Account' }));
  await user.click(screen.getByRole('button', { name: 'Remove duplicates' }));
  await screen.findByText('Excel removed 1 duplicate row.');
  expect(await screen.findByRole('listitem', { name: 'Remove duplicates on Account' })).toBeTruthy();
  // ... and can be deleted again from the list (Excel's rows stay as they are).
  await user.click(screen.getByRole('button', { name: 'Delete: Remove duplicates on Account' }));
  expect(screen.queryByRole('listitem', { name: 'Remove duplicates on Account' })).toBeNull();
  await user.click(screen.getByRole('button', { name: 'Stop recording' }));
  await screen.findByRole('button', { name: 'Start recording' });

  // Verify: the preview agrees with Excel on every formula cell.
  await user.click(screen.getByRole('tab', { name: 'Verify' }));
  await user.click(screen.getByRole('button', { name: 'Verify on the sample' }));
  await screen.findByText(/^All 2 cells match Excel/);
  expect(backend.validateConfig).toHaveBeenCalled();

  // Run: the looked-up Accounts sheet is uploaded with the job; progress is polled.
  await user.click(screen.getByRole('tab', { name: 'Run' }));
  const accounts = await screen.findByRole('combobox', { name: /\(looked up\)/ });
  await user.selectOptions(accounts, 'upload');
  await user.click(screen.getByRole('button', { name: 'Run on full data' }));
  await screen.findByText(/1,200,000 rows/, undefined, { timeout: 3000 });
  expect(backend.upload).toHaveBeenCalledWith(expect.any(String), [{ name: 'Account', type: 'number' }, { name: 'Name', type: 'text' }], [[4000, 'Sales'], [4010, 'Services']]);
  const [request, key] = backend.submitJob.mock.calls[0] as [{ bindings: Record<string, unknown>; config: { main: string } }, string];
  expect(key).toBe('idem-1');
  expect(request.bindings[request.config.main]).toEqual({ dataset: 'ledger' });
  expect(Object.values(request.bindings)).toContainEqual({ upload: 'up-1' });

  // Results: the summary lands in a new sheet named after the job.
  await user.click(screen.getByRole('tab', { name: 'Results' }));
  await user.click(await screen.findByRole('button', { name: 'Open summary in a new sheet' }));
  await screen.findByText('2 rows written to sheet "Result job-1" (table Result_job_1).');
  const sheet = fake.api.dump('Result job-1');
  expect(sheet.B7).toMatchObject({ value: '2 of 1200000 rows shown' });
  expect(Object.values(sheet).find((c) => c.value === '=HYPERLINK("x")')).toMatchObject({ type: 'String' });
  expect(Object.values(sheet).some((c) => c.value === 'PivotTable1 (full result)')).toBe(true);
  expect(screen.getByRole('link', { name: 'Download the full result' }).getAttribute('href')).toBe('https://results.example/job-1.parquet');
});

test('a formula that does not translate is listed with the reason', async () => {
  const user = userEvent.setup();
  const { services, fake } = fakeServices();
  seedLedger(fake);
  render(<App services={services} initialTab="record" />);
  await user.type(screen.getByLabelText('Token'), 'a.b.c');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  // No sample yet: recording cannot start.
  expect((await screen.findByRole('button', { name: 'Start recording' })).hasAttribute('disabled')).toBe(true);
  await user.click(screen.getByRole('tab', { name: 'Sample' }));
  await user.selectOptions(await screen.findByRole('combobox', { name: 'Sample table' }), 'table:Ledger');
  await user.click(screen.getByRole('tab', { name: /Record/ }));
  await user.click(screen.getByRole('button', { name: 'Start recording' }));
  await screen.findByRole('button', { name: 'Stop recording' });
  fake.api.setValues('Ledger', 'C1', [['Prev']]);
  fake.api.setFormulaColumn('Ledger', 'C2', ['=OFFSET(B2,-1,0)', '=OFFSET(B3,-1,0)', '=OFFSET(B4,-1,0)'], '=OFFSET(RC[-1],-1,0)', [0, 10, 20]);
  fake.api.resizeTable('Ledger', 'A1:C4');
  await act(() => fake.api.fireChanged('Ledger', 'C2:C4'));
  const refused = await screen.findByRole('listitem', { name: /Not translatable: .*C2/ }, { timeout: 3000 });
  expect(refused.textContent).toContain('=OFFSET(B2,-1,0)');
  expect(refused.textContent).toMatch(/OFFSET is volatile/);
});

test('run errors and cancel', async () => {
  const user = userEvent.setup();
  const backend = fakeBackend({
    job: jest.fn(async () => job({ state: 'running', progress: 0.25, phase: 'reading' })),
    submitJob: jest.fn().mockRejectedValueOnce(new Error('Cannot reach the sheetscale service at http://x (fetch failed).')).mockResolvedValue(job({ state: 'running', progress: 0.1 })),
  });
  const { services, fake } = fakeServices(backend);
  seedLedger(fake);
  render(<App services={services} />);
  await user.type(screen.getByLabelText('Token'), 'a.b.c');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  await user.selectOptions(await screen.findByRole('combobox', { name: 'Sample table' }), 'table:Ledger');
  await user.selectOptions(screen.getByRole('combobox', { name: 'Dataset' }), 'ledger');
  await user.click(screen.getByRole('tab', { name: /Record/ }));
  await user.click(screen.getByRole('button', { name: 'Start recording' }));
  await user.click(await screen.findByRole('button', { name: 'Stop recording' }));
  await screen.findByRole('button', { name: 'Start recording' });
  await user.click(screen.getByRole('tab', { name: 'Run' }));
  await user.click(await screen.findByRole('button', { name: 'Run on full data' }));
  await screen.findByText(/Cannot reach the sheetscale service/);
  // The retry keeps the idempotency key of the failed attempt.
  await user.click(screen.getByRole('button', { name: 'Run on full data' }));
  await screen.findByRole('button', { name: 'Cancel' });
  expect(backend.submitJob.mock.calls.map((c) => c[1])).toEqual(['idem-1', 'idem-1']);
  await user.click(screen.getByRole('button', { name: 'Cancel' }));
  await waitFor(() => expect(backend.cancelJob).toHaveBeenCalledWith('job-1'));
});
