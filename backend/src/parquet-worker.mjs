// Reads Parquet result files for the rows endpoint, in a worker thread: hyparquet is an ES module
// (which the CommonJS service and jest cannot require) and decoding stays off the event loop.
// Messages: {id, op: "count" | "rows", path?, bytes?, rowStart?, rowEnd?} → {id, count} | {id, rows} | {id, error}.
import { parentPort } from 'node:worker_threads';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';

const toPlain = (v) => {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return { date: v.toISOString() };
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  return v;
};

parentPort.on('message', async (msg) => {
  try {
    const file = msg.path ? await asyncBufferFromFile(msg.path) : msg.bytes;
    if (msg.op === 'count') {
      const md = await parquetMetadataAsync(file);
      parentPort.postMessage({ id: msg.id, count: Number(md.num_rows) });
    } else {
      const rows = await parquetReadObjects({ file, rowStart: msg.rowStart, rowEnd: msg.rowEnd });
      parentPort.postMessage({ id: msg.id, rows: rows.map(toPlain) });
    }
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
