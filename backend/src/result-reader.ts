/**
 * Reads a finished job's full result (the engine's OUTPUT/result/, Parquet or CSV part files)
 * page by page, as typed JSON rows, so that the add-in can stream a whole result into a sheet.
 */
import { parseCsv } from './csv';
import { cellFromText, isCellValue, type CellValue, type ColumnType } from './excel-values';
import { isErrorCode } from '../../src/config/errors';
import type { Storage } from './storage/storage';
import { joinUri } from './storage/storage';
import type { EngineSummary } from './runners/runner';
import { ParquetFiles } from './parquet-files';

export interface ResultColumn {
  name: string;
  type: string;
}

export interface ResultPage {
  columns: ResultColumn[];
  rows: CellValue[][];
  offset: number;
  total: number;
}

const XV_KINDS = ['blank', 'number', 'text', 'logical', 'error'] as const;

/**
 * A Parquet cell as a JSON cell. The engine writes single-kind columns with their natural type
 * (double, string, boolean; null = blank) and every other column as a string holding the JSON
 * value encoding (`summary.result.encodings[column] === "json"`). An XV struct {k, n, s, b} is
 * decoded too.
 */
export function cellFromParquet(v: unknown, encoding?: string): CellValue {
  if (v == null) return null;
  if (encoding === 'json' && typeof v === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      return v;
    }
    return isCellValue(parsed) ? parsed : v;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : { error: '#NUM!' };
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    const o = v as { k?: unknown; n?: unknown; s?: unknown; b?: unknown; date?: unknown };
    if (typeof o.k === 'number') {
      const kind = XV_KINDS[o.k];
      if (kind === 'number') return typeof o.n === 'number' ? o.n : null;
      if (kind === 'text') return typeof o.s === 'string' ? o.s : '';
      if (kind === 'logical') return o.b === true;
      if (kind === 'error') return { error: typeof o.s === 'string' ? o.s : '#VALUE!' };
      return null;
    }
    if (typeof o.date === 'string') return cellFromText(o.date.slice(0, 10), 'date');
    if (isCellValue(v)) return v;
  }
  return String(v);
}

/** A CSV result cell as a JSON cell for its column type; error codes stay errors. */
export function cellFromResultText(text: string, type: string): CellValue {
  if (type === 'text') return text === '' ? null : text;
  if (isErrorCode(text)) return { error: text };
  if (type === 'date' && /^[+-]?\d+(\.\d+)?$/.test(text)) return Number(text);
  const known: ColumnType[] = ['number', 'text', 'logical', 'date', 'mixed'];
  return cellFromText(text, known.includes(type as ColumnType) ? (type as ColumnType) : 'mixed');
}

interface ResultFile {
  uri: string;
  format: 'parquet' | 'csv';
}

export class ResultReader {
  private readonly parquet: ParquetFiles;
  private readonly counts = new Map<string, number>();
  private readonly csvCache = new Map<string, string[][]>();

  /** Pass the service's ParquetFiles to share its worker; without one the reader makes its own. */
  constructor(
    private readonly storage: Storage,
    parquet?: ParquetFiles,
  ) {
    this.parquet = parquet ?? new ParquetFiles(storage);
  }

  async close(): Promise<void> {
    await this.parquet.close();
  }

  /** The data files of the result, in order (Spark's part files; markers and checksums skipped). */
  async files(outputUri: string, summary: EngineSummary): Promise<ResultFile[]> {
    const dir = joinUri(outputUri, summary.result?.path ?? 'result');
    const all = await this.storage.list(dir);
    return all
      .filter((u) => !/(^|\/)[._]/.test(u.slice(dir.length)))
      .flatMap((uri): ResultFile[] => (uri.endsWith('.parquet') ? [{ uri, format: 'parquet' }] : uri.endsWith('.csv') ? [{ uri, format: 'csv' }] : []));
  }

  private async csvRows(uri: string): Promise<string[][]> {
    const cached = this.csvCache.get(uri);
    if (cached) return cached;
    const buf = await this.storage.read(uri);
    if (!buf) throw new Error(`result file ${uri} disappeared`);
    const rows = parseCsv(buf.toString('utf8')).slice(1); // Spark writes a header in every part
    if (this.csvCache.size > 8) this.csvCache.clear();
    this.csvCache.set(uri, rows);
    return rows;
  }

  private async count(file: ResultFile): Promise<number> {
    const known = this.counts.get(file.uri);
    if (known != null) return known;
    let n: number;
    if (file.format === 'csv') {
      n = (await this.csvRows(file.uri)).length;
    } else {
      n = await this.parquet.count(file.uri);
    }
    this.counts.set(file.uri, n);
    return n;
  }

  /** Rows [offset, offset + limit) of the result. */
  async page(outputUri: string, summary: EngineSummary, offset: number, limit: number): Promise<ResultPage> {
    const columns = (summary.columns ?? []).map((c) => ({ name: c.name, type: c.type }));
    const files = await this.files(outputUri, summary);
    const rows: CellValue[][] = [];
    let total = 0;
    for (const file of files) {
      const n = await this.count(file);
      const start = Math.max(offset - total, 0);
      const end = Math.min(offset + limit - total, n);
      if (start < end) {
        if (file.format === 'csv') {
          for (const r of (await this.csvRows(file.uri)).slice(start, end)) rows.push(columns.map((c, i) => cellFromResultText(r[i] ?? '', c.type)));
        } else {
          const got = { rows: await this.parquet.rows(file.uri, start, end) };
          const encodings = (summary.result as { encodings?: Record<string, string> } | undefined)?.encodings ?? {};
          for (const obj of got.rows ?? []) rows.push(columns.map((c) => cellFromParquet(obj[c.name], encodings[c.name])));
        }
      }
      total += n;
    }
    return { columns, rows, offset, total: typeof summary.rowCount === 'number' ? summary.rowCount : total };
  }
}
