/**
 * What the job routes do: turn a submission into a stored job (validated config, every source
 * bound to a dataset the user may read or to her own upload, locations chosen by the service),
 * and answer for jobs the caller may see.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { EngineChoice, Job } from '../../src/api/types';
import { validateConfig } from '../../src/config/validate';
import type { SheetscaleConfig } from '../../src/config/types.generated';
import type { Catalog} from './catalog';
import { type Dataset } from './catalog';
import { cellToText, isCellValue, type CellValue, type ColumnType } from './excel-values';
import { writeCsv } from './csv';
import type { Dispatcher } from './dispatcher';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, PayloadTooLargeError } from './errors';
import type { JobRecord, JobState, JobStore, UploadRecord } from './job-store';
import { readEngineOutcome, type EngineSummary } from './runners/runner';
import type { Storage } from './storage/storage';
import { joinUri } from './storage/storage';
import type { Principal } from './token-verifier';

/** A source binding in a submission. */
export type Binding = { dataset: string } | { upload: string };

/** The body of POST /v1/jobs. */
export interface JobSubmission {
  config: unknown;
  bindings?: Record<string, Binding>;
  /** The engine to run on; absent = the service's SHEETSCALE_ENGINE. EMR runners always run Spark. */
  engine?: EngineChoice;
}

/** The API view of a stored job: no locations, no handles. */
export function toApiJob(j: JobRecord): Job {
  return {
    id: j.id,
    user: j.user,
    state: j.state,
    progress: j.progress,
    ...(j.phase ? { phase: j.phase } : {}),
    attempts: j.attempts,
    createdAt: j.createdAt,
    ...(j.startedAt ? { startedAt: j.startedAt } : {}),
    ...(j.finishedAt ? { finishedAt: j.finishedAt } : {}),
    datasets: j.datasets,
    configHash: j.configHash,
    ...(j.error ? { error: j.error } : {}),
    ...(j.steps ? { steps: j.steps } : {}),
    ...(j.rowCount != null ? { rowCount: j.rowCount } : {}),
    ...(j.engine ? { engine: j.engine } : {}),
  };
}

/** JSON with sorted keys, so that equal bodies hash equally whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** Does a cell fit a column of this type? Blanks and errors fit every column. */
export function fitsColumn(v: CellValue, type: ColumnType): boolean {
  if (v === null || typeof v === 'object') return true;
  switch (type) {
    case 'number':
    case 'date':
      return typeof v === 'number';
    case 'text':
      return typeof v === 'string';
    case 'logical':
      return typeof v === 'boolean';
    case 'mixed':
      return true;
  }
}

const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** Throws a 400 listing the config's problems, or returns it typed. */
export function requireValidConfig(config: unknown): SheetscaleConfig {
  const r = validateConfig(config);
  if (!r.ok) throw new BadRequestError(`The config is invalid: ${r.errors.map((e) => `${e.path}: ${e.message}`).slice(0, 5).join('; ')}`, { errors: r.errors }, 'CONFIG_INVALID');
  return r.config;
}

/**
 * The binding of a source the request does not bind: its `dataset`, else the dataset named like
 * the source (a config recorded over a catalog sample names its sources after the datasets).
 * Whether the caller may read it is checked where it is used, like any binding.
 */
export function defaultBinding(src: { name: string; dataset?: string }): { dataset: string } {
  return { dataset: src.dataset ?? src.name };
}

/** requireReadable, with a hint when the source was bound by its name only. */
function readableFor(catalog: Catalog, principal: Principal, src: { name: string; dataset?: string }, b: { dataset: string }, explicit: boolean): Dataset {
  try {
    return catalog.requireReadable(principal, b.dataset);
  } catch (err) {
    if (explicit || src.dataset || !(err instanceof ForbiddenError)) throw err;
    throw new ForbiddenError(`${err.message} Source "${src.name}" names no dataset, so it was bound to the dataset of the same name; bind it with bindings["${src.name}"] = {"dataset": id} or {"upload": id}.`, err.code);
  }
}

/** A time-sortable job id (creation order reads naturally in logs and S3 listings). */
export function newJobId(now = Date.now()): string {
  return `job-${now.toString(36).padStart(9, '0')}-${randomUUID().slice(0, 8)}`;
}

export interface JobServiceOptions {
  store: JobStore;
  catalog: Catalog;
  storage: Storage;
  dispatcher: Dispatcher;
  uploadMaxRows: number;
  uploadTtlMs: number;
}

export class JobService {
  constructor(private readonly o: JobServiceOptions) {}

  /** The job, if the caller may see it (her own, or any for an admin); 404 otherwise. */
  visibleJob(principal: Principal, id: string): JobRecord {
    const job = this.o.store.get(id);
    if (!job || (job.user !== principal.user && !principal.admin)) throw new NotFoundError(`No job "${id}" of yours.`, 'JOB_NOT_FOUND');
    return job;
  }

  list(principal: Principal, state?: JobState): JobRecord[] {
    return this.o.store.list({ user: principal.admin ? null : principal.user, ...(state ? { state } : {}) });
  }

  /** The upload, if it is the caller's and not expired. */
  private requireUpload(principal: Principal, id: string, now: Date): UploadRecord {
    const u = this.o.store.getUpload(id);
    if (!u || u.user !== principal.user) throw new NotFoundError(`No upload "${id}" of yours.`, 'UPLOAD_NOT_FOUND');
    if (Date.parse(u.expiresAt) < now.getTime()) throw new NotFoundError(`Upload "${id}" expired at ${u.expiresAt}; upload the table again.`, 'UPLOAD_EXPIRED');
    return u;
  }

  /**
   * Binds every source of the config: to a dataset (the binding, else the source's default
   * `dataset`) the caller may read, or to one of her uploads. The format of each source becomes
   * the bound data's own format — the service knows it, the request does not choose it.
   */
  resolveBindings(principal: Principal, config: SheetscaleConfig, bindings: Record<string, Binding>, now = new Date()): { config: SheetscaleConfig; inputs: Record<string, string>; datasets: string[] } {
    const names = new Set(config.sources.map((s) => s.name));
    for (const name of Object.keys(bindings)) {
      if (!names.has(name)) throw new BadRequestError(`bindings["${name}"]: the config has no source "${name}" (sources: ${[...names].join(', ')}).`, undefined, 'BINDING_INVALID');
    }
    const inputs: Record<string, string> = {};
    const datasets: string[] = [];
    const sources = config.sources.map((src) => {
      const explicit = bindings[src.name] !== undefined;
      const b: Binding = bindings[src.name] ?? defaultBinding(src);
      if ('dataset' in b && typeof b.dataset === 'string') {
        const d: Dataset = readableFor(this.o.catalog, principal, src, b, explicit);
        inputs[src.name] = d.location;
        if (!datasets.includes(d.id)) datasets.push(d.id);
        // The catalog knows the file; reading options the catalog leaves open (a CSV delimiter,
        // encoding) may come from the recorded config when both say CSV.
        const format = src.format.type === 'csv' && d.format.type === 'csv' ? { ...src.format, ...d.format } : d.format;
        return { ...src, format };
      }
      if ('upload' in b && typeof b.upload === 'string') {
        const u = this.requireUpload(principal, b.upload, now);
        inputs[src.name] = u.uri;
        // Uploads are written as CSV with ISO dates (see upload()).
        return { ...src, columns: src.columns.map(({ dateFormat: _d, ...c }) => c), format: { type: 'csv' as const, header: true } };
      }
      throw new BadRequestError(`bindings["${src.name}"] must be {"dataset": id} or {"upload": id}.`, undefined, 'BINDING_INVALID');
    });
    return { config: { ...config, sources }, inputs, datasets };
  }

  /**
   * Stores a new job (config first, then the row), or returns the job an idempotency key already
   * names. `created` says which, for 202 vs 200.
   */
  async submit(principal: Principal, body: JobSubmission, idempotencyKey: string | null): Promise<{ job: JobRecord; created: boolean }> {
    // The engine counts only when asked for, so that the hashes of requests without one stay as they were.
    const requestHash = sha256(canonicalJson({ config: body.config, bindings: body.bindings ?? {}, ...(body.engine ? { engine: body.engine } : {}) }));
    if (idempotencyKey) {
      const existing = this.o.store.byIdempotencyKey(principal.user, idempotencyKey);
      if (existing) {
        if (existing.requestHash !== requestHash) throw new ConflictError(`Idempotency-Key "${idempotencyKey}" was already used for a different job (${existing.id}); use a new key for a new job.`, 'IDEMPOTENCY_KEY_REUSED');
        return { job: existing, created: false };
      }
    }
    const config = requireValidConfig(body.config);
    const bound = this.resolveBindings(principal, config, body.bindings ?? {});
    const id = newJobId();
    const configText = JSON.stringify(bound.config, null, 2);
    const configUri = this.o.storage.uriFor(`jobs/${id}/config.json`);
    await this.o.storage.write(configUri, configText);
    let job: JobRecord;
    try {
      job = this.o.store.insert({
        id,
        user: principal.user,
        datasets: bound.datasets,
        configHash: `sha256:${sha256(configText)}`,
        requestHash,
        idempotencyKey,
        configUri,
        inputs: bound.inputs,
        outputUri: this.o.storage.uriFor(`jobs/${id}/output`),
        engine: body.engine ?? null,
      });
    } catch (err) {
      // Two concurrent requests with the same key: the second insert loses the race.
      const again = idempotencyKey ? this.o.store.byIdempotencyKey(principal.user, idempotencyKey) : null;
      if (again && again.requestHash === requestHash) return { job: again, created: false };
      if (again) throw new ConflictError(`Idempotency-Key "${idempotencyKey}" was already used for a different job (${again.id}).`, 'IDEMPOTENCY_KEY_REUSED');
      throw err;
    }
    this.o.dispatcher.kick();
    return { job, created: true };
  }

  async cancel(principal: Principal, id: string): Promise<JobRecord> {
    const job = this.visibleJob(principal, id);
    if (job.state === 'queued' || job.state === 'running') await this.o.dispatcher.cancel(job);
    return this.o.store.get(id)!;
  }

  resubmit(principal: Principal, id: string): JobRecord {
    const job = this.visibleJob(principal, id);
    if (!this.o.store.resubmit(job.id)) throw new ConflictError(`Job ${id} is ${job.state}; only failed or dead-lettered jobs can be resubmitted.`, 'JOB_NOT_RESUBMITTABLE');
    this.o.dispatcher.kick();
    return this.o.store.get(id)!;
  }

  /** The summary of a succeeded job (409 while it is not). */
  async summary(principal: Principal, id: string): Promise<{ job: JobRecord; summary: EngineSummary }> {
    const job = this.visibleJob(principal, id);
    if (job.state !== 'succeeded') throw new ConflictError(`Job ${id} is ${job.state}; its summary exists once it has succeeded.`, 'JOB_NOT_SUCCEEDED');
    const outcome = await readEngineOutcome(this.o.storage, job.outputUri);
    if (outcome?.kind !== 'succeeded') throw new Error(`job ${id} succeeded but ${joinUri(job.outputUri, 'summary.json')} is missing`);
    return { job, summary: outcome.summary };
  }

  /** Deletes expired uploads no waiting job needs; returns how many. */
  async sweepExpiredUploads(now = new Date()): Promise<number> {
    const expired = this.o.store.expiredUploads(now);
    for (const u of expired) {
      await this.o.storage.remove(u.uri);
      this.o.store.deleteUpload(u.id);
    }
    return expired.length;
  }

  /** Stores an uploaded lookup table as CSV for the caller's jobs. */
  async upload(principal: Principal, body: { name: string; columns: Array<{ name: string; type: string }>; rows: unknown[][] }, now = new Date()): Promise<UploadRecord> {
    if (body.rows.length > this.o.uploadMaxRows) throw new PayloadTooLargeError(`The upload "${body.name}" has ${body.rows.length} rows; at most ${this.o.uploadMaxRows} are accepted.`);
    const names = new Set<string>();
    for (const c of body.columns) {
      if (names.has(c.name)) throw new BadRequestError(`columns: "${c.name}" appears twice.`, undefined, 'UPLOAD_INVALID');
      names.add(c.name);
    }
    const width = body.columns.length;
    const lines: string[][] = [body.columns.map((c) => c.name)];
    body.rows.forEach((row, r) => {
      if (row.length !== width) throw new BadRequestError(`rows[${r}] has ${row.length} cells; the upload has ${width} columns.`, undefined, 'UPLOAD_INVALID');
      lines.push(
        row.map((v, c) => {
          if (!isCellValue(v)) throw new BadRequestError(`rows[${r}][${c}] is not a cell value (number, text, true/false, null or {"error": "#N/A"}).`, undefined, 'UPLOAD_INVALID');
          const column = body.columns[c]!;
          if (!fitsColumn(v, column.type as ColumnType)) {
            throw new BadRequestError(`rows[${r}][${c}] (${JSON.stringify(v)}) does not fit column "${column.name}" of type ${column.type}; declare the column "mixed" or fix the cell.`, undefined, 'UPLOAD_INVALID');
          }
          return cellToText(v as CellValue, body.columns[c]!.type as ColumnType);
        }),
      );
    });
    const id = `upl-${randomUUID()}`;
    const uri = this.o.storage.uriFor(`uploads/${id}.csv`);
    await this.o.storage.write(uri, writeCsv(lines));
    const rec: UploadRecord = { id, user: principal.user, name: body.name, columns: body.columns, uri, rowCount: body.rows.length, expiresAt: new Date(now.getTime() + this.o.uploadTtlMs).toISOString() };
    this.o.store.insertUpload(rec);
    return rec;
  }
}
