/**
 * Reads Parquet files (Spark part files of results, Parquet datasets) through one worker thread
 * running hyparquet: hyparquet is an ES module, which the CommonJS service and jest cannot require,
 * and decoding stays off the event loop. Local files are read by path, S3 objects fetched whole.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Storage } from './storage/storage';

type WorkerReply = { id: number; count?: number; rows?: Array<Record<string, unknown>>; error?: string };

/** One worker thread shared by every read; started on first use. */
class ParquetWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(path.join(__dirname, 'parquet-worker.mjs'));
    w.unref();
    w.on('message', (m: WorkerReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(`parquet: ${m.error}`));
      else p.resolve(m);
    });
    w.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = null;
    });
    this.worker = w;
    return w;
  }

  call(msg: Record<string, unknown>, transfer?: ArrayBuffer[]): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ensure().postMessage({ ...msg, id }, transfer ?? []);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

/** Row counts and row ranges of Parquet files, as plain objects keyed by column name. */
export class ParquetFiles {
  private readonly worker = new ParquetWorker();

  constructor(private readonly storage: Storage) {}

  private async source(uri: string): Promise<{ path?: string; bytes?: ArrayBuffer }> {
    if (this.storage.kind === 'local') return { path: uri };
    const buf = await this.storage.read(uri);
    if (!buf) throw new Error(`Parquet file ${uri} disappeared`);
    return { bytes: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer };
  }

  async count(uri: string): Promise<number> {
    const src = await this.source(uri);
    return (await this.worker.call({ op: 'count', ...src }, src.bytes ? [src.bytes] : undefined)).count ?? 0;
  }

  /** Rows [start, end) of one file. */
  async rows(uri: string, start: number, end: number): Promise<Array<Record<string, unknown>>> {
    const src = await this.source(uri);
    return (await this.worker.call({ op: 'rows', ...src, rowStart: start, rowEnd: end }, src.bytes ? [src.bytes] : undefined)).rows ?? [];
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
