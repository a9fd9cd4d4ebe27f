/** @jest-environment jsdom */
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TextEncoder } from 'node:util';
import type { CellValue } from '../../../api/types';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { fakeBackend, fakeServices, job, summary } from '../../testing/fake-services';
import { PAGE_ROWS, ResultsPanel } from './ResultsPanel';

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
jest.setTimeout(30_000);

const TOTAL = 12_345;
const rowsAt = (offset: number, limit: number): CellValue[][] => Array.from({ length: Math.min(limit, TOTAL - offset) }, (_, i) => [offset + i, `r${offset + i}`, null]);

test('opens every row, page by page, when they fit in a sheet', async () => {
  const user = userEvent.setup();
  const backend = fakeBackend({
    jobSummary: jest.fn(async () => summary({ rowCount: TOTAL, columns: [{ name: 'N', type: 'number' }, { name: 'Label', type: 'text' }, { name: 'Blank', type: 'mixed' }] })),
    jobRows: jest.fn(async (_id: string, offset: number, limit: number) => ({ columns: [], rows: rowsAt(offset, limit), offset, total: TOTAL })),
  });
  const { services, fake } = fakeServices(backend);
  render(<FluentProvider theme={webLightTheme}><ResultsPanel job={job({ state: 'succeeded', progress: 1 })} services={services} /></FluentProvider>);
  await user.click(await screen.findByRole('button', { name: 'Open all 12,345 rows' }));
  await screen.findByText('12,345 rows written to sheet "Result job-1" (table Result_job_1).');
  expect(backend.jobRows.mock.calls.map((c) => c[1])).toEqual([0, PAGE_ROWS, 2 * PAGE_ROWS]);
  const sheet = fake.api.dump('Result job-1');
  expect(sheet.B7?.value).toBe('12345 of 12345 rows shown');
  expect(sheet[`A${10 + TOTAL}`]).toMatchObject({ value: TOTAL - 1 });
  expect(sheet.B11).toMatchObject({ value: 'r0', type: 'String' });
});

test('too many rows for a sheet: only the summary, with the download link', async () => {
  const user = userEvent.setup();
  const backend = fakeBackend({ jobSummary: jest.fn(async () => summary({ rowCount: 5_000_000 })) });
  const { services } = fakeServices(backend);
  render(<FluentProvider theme={webLightTheme}><ResultsPanel job={job({ state: 'succeeded', progress: 1 })} services={services} /></FluentProvider>);
  const all = await screen.findByRole('button', { name: 'Open all 5,000,000 rows' });
  expect(all.hasAttribute('disabled')).toBe(true);
  expect(screen.getByText(/Too many rows for one sheet/)).toBeTruthy();
  await user.click(screen.getByRole('button', { name: 'Open summary in a new sheet' }));
  await screen.findByText(/^2 rows written to sheet/);
  await waitFor(() => expect(screen.getByRole('link', { name: 'Download the full result' })).toBeTruthy());
});

test('cancel while writing keeps what is written', async () => {
  const user = userEvent.setup();
  let release: () => void = () => undefined;
  const backend = fakeBackend({
    jobSummary: jest.fn(async () => summary({ rowCount: TOTAL, columns: [{ name: 'N', type: 'number' }, { name: 'Label', type: 'text' }, { name: 'Blank', type: 'mixed' }] })),
    jobRows: jest.fn(async (_id: string, offset: number, limit: number) => {
      if (offset > 0) await new Promise<void>((r) => { release = r; });
      return { columns: [], rows: rowsAt(offset, limit), offset, total: TOTAL };
    }),
  });
  const { services } = fakeServices(backend);
  render(<FluentProvider theme={webLightTheme}><ResultsPanel job={job({ state: 'succeeded', progress: 1 })} services={services} /></FluentProvider>);
  await user.click(await screen.findByRole('button', { name: 'Open all 12,345 rows' }));
  await screen.findByText(`${PAGE_ROWS.toLocaleString()} of 12,345 rows written`);
  await user.click(screen.getByRole('button', { name: 'Cancel' }));
  release();
  await screen.findByText(`${PAGE_ROWS.toLocaleString()} rows written to sheet "Result job-1" (table Result_job_1) before you cancelled.`);
});
