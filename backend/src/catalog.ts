/**
 * The dataset catalog: which datasets exist, where they are (a local path or an s3:// URI — known
 * only to the service), their columns, and the groups allowed to read them. Loaded from a JSON
 * file (SHEETSCALE_CATALOG) or the built-in catalog over examples/data.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cellFromText, guessColumnType, type CellValue, type ColumnType } from './excel-values';
import { parseCsv } from './csv';
import { ForbiddenError } from './errors';
import type { Storage } from './storage/storage';
import type { ParquetFiles } from './parquet-files';
import { cellFromParquet } from './result-reader';
import type { Principal } from './token-verifier';
import { repoRoot } from './service-config';

export interface DatasetColumn {
  name: string;
  type: ColumnType;
}

/** A dataset as the service knows it. `location` and `groups` never leave the service. */
export interface Dataset {
  id: string;
  name: string;
  description: string;
  columns: DatasetColumn[];
  rowCount?: number;
  groups: string[];
  location: string;
  format: { type: 'csv'; delimiter?: string; header?: boolean } | { type: 'parquet' } | { type: 'jsonl' };
}

/** The catalog file's shape. */
interface CatalogFile {
  datasets: Array<Omit<Dataset, 'columns' | 'format' | 'description'> & { columns?: DatasetColumn[]; format?: Dataset['format']; description?: string }>;
}

/** The built-in catalog: the example datasets helper C ships under examples/data. */
export const defaultCatalogPath = path.join(repoRoot, 'backend', 'catalog.default.json');

const SAMPLE_BYTES = 1024 * 1024;

function isAbsoluteLocation(loc: string): boolean {
  return /^(s3a?|file):\/\//.test(loc) || path.isAbsolute(loc);
}

export class Catalog {
  private constructor(
    private readonly datasets: Map<string, Dataset>,
    private readonly storage: Storage,
    private readonly parquet: ParquetFiles | null,
  ) {}

  /**
   * Reads the catalog file. Relative locations are relative to the file. Entries without columns
   * get them from the file's header and first rows; an entry whose file is missing is left out
   * (with a warning) so that the service still starts.
   */
  static async load(file: string, storage: Storage, warn: (msg: string) => void = () => undefined, parquet: ParquetFiles | null = null): Promise<Catalog> {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as CatalogFile;
    if (!raw || !Array.isArray(raw.datasets)) throw new Error(`${file}: expected {"datasets": [...]}`);
    const map = new Map<string, Dataset>();
    for (const [i, d] of raw.datasets.entries()) {
      const where = `${file}: datasets[${i}]`;
      if (typeof d.id !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(d.id)) throw new Error(`${where}: id must match [A-Za-z0-9_.-]{1,64}`);
      if (!Array.isArray(d.groups) || d.groups.length === 0) throw new Error(`${where} (${d.id}): groups must name at least one group`);
      if (typeof d.location !== 'string') throw new Error(`${where} (${d.id}): location is required`);
      const location = isAbsoluteLocation(d.location) ? d.location : path.resolve(path.dirname(file), d.location);
      const format = d.format ?? { type: 'csv', header: true };
      if (!/^s3a?:\/\//.test(location) && !existsSync(location.replace(/^file:\/\//, ''))) {
        warn(`dataset "${d.id}" left out of the catalog: ${location} does not exist`);
        continue;
      }
      let columns = d.columns;
      if (!columns) {
        if (format.type !== 'csv') throw new Error(`${where} (${d.id}): columns are required for ${format.type} datasets`);
        const head = await storage.readHead(location, SAMPLE_BYTES);
        if (head == null) {
          warn(`dataset "${d.id}" left out of the catalog: ${location} does not exist`);
          continue;
        }
        const rows = parseCsv(head.toString('utf8'), { delimiter: format.delimiter, maxRows: 201 });
        const header = rows[0] ?? [];
        columns = header.map((name, c) => ({ name, type: guessColumnType(rows.slice(1, -1).map((r) => r[c] ?? '')) }));
      }
      map.set(d.id, { ...d, description: d.description ?? '', location, format, columns });
    }
    return new Catalog(map, storage, parquet);
  }

  /** May this caller read this dataset? (admin reads everything) */
  static mayRead(principal: Principal, dataset: Dataset): boolean {
    return principal.admin || dataset.groups.some((g) => principal.groups.includes(g));
  }

  /** The datasets the caller may read. */
  readable(principal: Principal): Dataset[] {
    return [...this.datasets.values()].filter((d) => Catalog.mayRead(principal, d));
  }

  /**
   * The dataset, if the caller may read it. An unknown id and a forbidden one get the same 403,
   * so the answer does not reveal which datasets exist.
   */
  requireReadable(principal: Principal, id: string): Dataset {
    const d = this.datasets.get(id);
    if (!d || !Catalog.mayRead(principal, d)) {
      throw new ForbiddenError(`Dataset "${id}" does not exist or your groups (${principal.groups.join(', ') || 'none'}) may not read it.`, 'DATASET_FORBIDDEN');
    }
    return d;
  }

  /** The first `rows` rows of a dataset (CSV or Parquet), typed by its columns. */
  async sample(dataset: Dataset, rows: number): Promise<CellValue[][]> {
    if (dataset.format.type === 'parquet') return this.parquetSample(dataset, rows);
    const { header, body } = await this.sampleTexts(dataset, rows);
    const index = dataset.columns.map((c, i) => (header.length ? header.indexOf(c.name) : i));
    return body.map((r) => dataset.columns.map((c, i) => cellFromText(r[index[i] ?? -1] ?? '', c.type)));
  }

  /** The first rows of a Parquet dataset: a .parquet file, or the part files under a folder. */
  private async parquetSample(dataset: Dataset, rows: number): Promise<CellValue[][]> {
    if (!this.parquet) throw new Error('the catalog was loaded without a Parquet reader');
    const files = /\.parquet$/.test(dataset.location) ? [dataset.location] : (await this.storage.list(dataset.location)).filter((u) => /\.parquet$/.test(u) && !/\/[._][^/]*$/.test(u));
    const out: CellValue[][] = [];
    for (const f of files) {
      if (out.length >= rows) break;
      const got = await this.parquet.rows(f, 0, rows - out.length);
      for (const obj of got) out.push(dataset.columns.map((c) => cellFromParquet(obj[c.name])));
    }
    return out;
  }

  /** The header and first `rows` rows of a CSV dataset, as the texts in the file. */
  async sampleTexts(dataset: Dataset, rows: number): Promise<{ header: string[]; body: string[][] }> {
    if (dataset.format.type !== 'csv') throw new Error(`sampleTexts reads CSV datasets, not ${dataset.format.type}`);
    const head = await this.storage.readHead(dataset.location, SAMPLE_BYTES * 4);
    if (head == null) throw new Error(`dataset ${dataset.id}: ${dataset.location} is missing`);
    const complete = head.length < SAMPLE_BYTES * 4;
    const parsed = parseCsv(head.toString('utf8'), { delimiter: dataset.format.delimiter, maxRows: rows + 2 });
    const header = dataset.format.header === false ? [] : (parsed.shift() ?? []);
    // The last row of a truncated read may be cut in half: drop it unless the file was read whole.
    const body = complete ? parsed.slice(0, rows) : parsed.slice(0, Math.min(rows, Math.max(parsed.length - 1, 0)));
    return { header, body: body.filter((r) => !(r.length === 1 && r[0] === '')) };
  }
}
