/**
 * The durable job store: SQLite through better-sqlite3 in WAL mode. A job is written here before
 * the service answers 202, and every state change is a single-row UPDATE, so a crash at any point
 * (even `kill -9`) leaves a consistent picture for the next start to resume from.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { JOB_STATES, type EngineChoice, type JobError, type JobState } from '../../src/api/types';

// A job's states and its error are the API's (src/api/types.ts); the store keeps them as they are.
export type { JobError, JobState };

/** A job as stored. Locations (config, inputs, output) are the service's own, never the client's. */
export interface JobRecord {
  id: string;
  user: string;
  state: JobState;
  progress: number;
  phase: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Not dispatched before this time (ms since epoch): retry backoff. */
  notBefore: number;
  datasets: string[];
  configHash: string;
  requestHash: string;
  idempotencyKey: string | null;
  error: JobError | null;
  steps: unknown[] | null;
  rowCount: number | null;
  configUri: string;
  /** Source name → URI of its data, for the engine. */
  inputs: Record<string, string>;
  outputUri: string;
  /** The engine the submission asked for (auto, duckdb, spark); null = the service's default. */
  engine: EngineChoice | null;
  /** The runner's handle of the current attempt: a pid, an EMR step id, a Serverless job run id. */
  externalId: string | null;
  cancelRequested: boolean;
}

interface JobRow {
  id: string;
  user: string;
  state: JobState;
  progress: number;
  phase: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  not_before: number;
  datasets: string;
  config_hash: string;
  request_hash: string;
  idempotency_key: string | null;
  error: string | null;
  steps: string | null;
  row_count: number | null;
  config_uri: string;
  inputs: string;
  output_uri: string;
  engine: string | null;
  external_id: string | null;
  cancel_requested: number;
}

function fromRow(r: JobRow): JobRecord {
  return {
    id: r.id,
    user: r.user,
    state: r.state,
    progress: r.progress,
    phase: r.phase,
    attempts: r.attempts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    notBefore: r.not_before,
    datasets: JSON.parse(r.datasets) as string[],
    configHash: r.config_hash,
    requestHash: r.request_hash,
    idempotencyKey: r.idempotency_key,
    error: r.error ? (JSON.parse(r.error) as JobError) : null,
    steps: r.steps ? (JSON.parse(r.steps) as unknown[]) : null,
    rowCount: r.row_count,
    configUri: r.config_uri,
    inputs: JSON.parse(r.inputs) as Record<string, string>,
    outputUri: r.output_uri,
    engine: r.engine as EngineChoice | null,
    externalId: r.external_id,
    cancelRequested: r.cancel_requested === 1,
  };
}

/** What a new job needs (and the engine it asks for, if any). */
export type NewJob = Pick<JobRecord, 'id' | 'user' | 'datasets' | 'configHash' | 'requestHash' | 'idempotencyKey' | 'configUri' | 'inputs' | 'outputUri'> & { engine?: EngineChoice | null };

/** How a finished attempt ends, as stored. */
export interface JobFinish {
  state: Extract<JobState, 'succeeded' | 'failed' | 'cancelled' | 'dead'>;
  error?: JobError | null;
  steps?: unknown[] | null;
  rowCount?: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user TEXT NOT NULL,
  state TEXT NOT NULL,
  progress REAL NOT NULL DEFAULT 0,
  phase TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  not_before INTEGER NOT NULL DEFAULT 0,
  datasets TEXT NOT NULL,
  config_hash TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  idempotency_key TEXT,
  error TEXT,
  steps TEXT,
  row_count INTEGER,
  config_uri TEXT NOT NULL,
  inputs TEXT NOT NULL,
  output_uri TEXT NOT NULL,
  external_id TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  engine TEXT,
  UNIQUE (user, idempotency_key)
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, user, seq);
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY,
  user TEXT NOT NULL,
  name TEXT NOT NULL,
  columns TEXT NOT NULL,
  uri TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  expires_at TEXT NOT NULL
);
`;

/** An uploaded lookup table, bound as a source of its owner's jobs only. */
export interface UploadRecord {
  id: string;
  user: string;
  name: string;
  columns: Array<{ name: string; type: string }>;
  uri: string;
  rowCount: number;
  expiresAt: string;
}

export class JobStore {
  private readonly db: Database.Database;

  /** Opens (creating) the store; `file` ":memory:" for tests. */
  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a job acknowledged with 202 survives a power cut, not just a process crash.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    // Stores made before jobs could ask for an engine get the column (NULL: the service's default).
    const columns = this.db.prepare('PRAGMA table_info(jobs)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'engine')) this.db.exec('ALTER TABLE jobs ADD COLUMN engine TEXT');
  }

  close(): void {
    this.db.close();
  }

  /** Checks the database answers (readiness). */
  ping(): boolean {
    return this.db.prepare('SELECT 1 AS ok').get() != null;
  }

  insert(job: NewJob, now = new Date()): JobRecord {
    this.db
      .prepare(
        `INSERT INTO jobs (id, user, state, created_at, datasets, config_hash, request_hash, idempotency_key, config_uri, inputs, output_uri, engine)
         VALUES (@id, @user, 'queued', @createdAt, @datasets, @configHash, @requestHash, @idempotencyKey, @configUri, @inputs, @outputUri, @engine)`,
      )
      .run({ ...job, createdAt: now.toISOString(), datasets: JSON.stringify(job.datasets), inputs: JSON.stringify(job.inputs), engine: job.engine ?? null });
    return this.get(job.id)!;
  }

  get(id: string): JobRecord | null {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return r ? fromRow(r) : null;
  }

  byIdempotencyKey(user: string, key: string): JobRecord | null {
    const r = this.db.prepare('SELECT * FROM jobs WHERE user = ? AND idempotency_key = ?').get(user, key) as JobRow | undefined;
    return r ? fromRow(r) : null;
  }

  /** Jobs newest first; of one user unless `user` is null (admin). */
  list(opts: { user: string | null; state?: JobState; limit?: number }): JobRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (opts.user != null) {
      where.push('user = ?');
      args.push(opts.user);
    }
    if (opts.state) {
      where.push('state = ?');
      args.push(opts.state);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, opts.limit ?? 500) as JobRow[]).map(fromRow);
  }

  inState(state: JobState): JobRecord[] {
    return (this.db.prepare('SELECT * FROM jobs WHERE state = ? ORDER BY seq').all(state) as JobRow[]).map(fromRow);
  }

  countByState(): Record<JobState, number> {
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    for (const r of this.db.prepare('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as Array<{ state: JobState; n: number }>) counts[r.state] = r.n;
    return counts;
  }

  /** Users with a job ready to run, in a stable order (for round-robin). */
  usersWithReadyJobs(now: number): string[] {
    return (this.db.prepare("SELECT DISTINCT user FROM jobs WHERE state = 'queued' AND not_before <= ? ORDER BY user").all(now) as Array<{ user: string }>).map((r) => r.user);
  }

  /** Earliest time a queued job becomes ready (for the dispatcher's timer), or null. */
  nextReadyAt(): number | null {
    const r = this.db.prepare("SELECT MIN(not_before) AS t FROM jobs WHERE state = 'queued'").get() as { t: number | null };
    return r.t;
  }

  /**
   * Moves the user's oldest ready job to running and counts the attempt, atomically: two
   * dispatch passes can never start the same job.
   */
  claimNext(user: string, now: Date): JobRecord | null {
    return this.db.transaction(() => {
      const r = this.db.prepare("SELECT id FROM jobs WHERE state = 'queued' AND user = ? AND not_before <= ? ORDER BY seq LIMIT 1").get(user, now.getTime()) as { id: string } | undefined;
      if (!r) return null;
      this.db
        .prepare("UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?, progress = 0, phase = 'starting', external_id = NULL, error = NULL WHERE id = ? AND state = 'queued'")
        .run(now.toISOString(), r.id);
      return this.get(r.id);
    })();
  }

  setExternalId(id: string, externalId: string): void {
    this.db.prepare('UPDATE jobs SET external_id = ? WHERE id = ?').run(externalId, id);
  }

  setProgress(id: string, progress: number, phase: string | null): void {
    this.db.prepare("UPDATE jobs SET progress = ?, phase = ? WHERE id = ? AND state = 'running'").run(Math.max(0, Math.min(1, progress)), phase, id);
  }

  requestCancel(id: string): void {
    this.db.prepare('UPDATE jobs SET cancel_requested = 1 WHERE id = ?').run(id);
  }

  /** Cancels a queued job; false when it was no longer queued. */
  cancelQueued(id: string, now = new Date()): boolean {
    return this.db.prepare("UPDATE jobs SET state = 'cancelled', finished_at = ?, cancel_requested = 1 WHERE id = ? AND state = 'queued'").run(now.toISOString(), id).changes === 1;
  }

  /** Ends the running attempt. */
  finish(id: string, f: JobFinish, now = new Date()): void {
    this.db
      .prepare(
        `UPDATE jobs SET state = @state, finished_at = @now, error = @error, steps = COALESCE(@steps, steps), row_count = COALESCE(@rowCount, row_count),
           progress = CASE WHEN @state = 'succeeded' THEN 1 ELSE progress END, phase = NULL WHERE id = @id AND state = 'running'`,
      )
      .run({ id, now: now.toISOString(), state: f.state, error: f.error ? JSON.stringify(f.error) : null, steps: f.steps ? JSON.stringify(f.steps) : null, rowCount: f.rowCount ?? null });
  }

  /** Puts a running job back in the queue (transient failure with attempts left, or a restart). */
  requeue(id: string, notBefore: number, error: JobError | null): void {
    this.db
      .prepare("UPDATE jobs SET state = 'queued', not_before = ?, error = ?, progress = 0, phase = NULL, external_id = NULL WHERE id = ? AND state = 'running'")
      .run(notBefore, error ? JSON.stringify(error) : null, id);
  }

  /**
   * Queues again a job whose attempt was cut short by a restart of the service. That is not the
   * job's fault, so the attempt is not counted.
   */
  requeueInterrupted(id: string): void {
    this.db
      .prepare("UPDATE jobs SET state = 'queued', not_before = 0, progress = 0, phase = NULL, external_id = NULL, attempts = MAX(attempts - 1, 0) WHERE id = ? AND state = 'running'")
      .run(id);
  }

  /** Gives a failed or dead-lettered job a fresh set of attempts. */
  resubmit(id: string): boolean {
    return (
      this.db
        .prepare(
          "UPDATE jobs SET state = 'queued', attempts = 0, not_before = 0, error = NULL, steps = NULL, row_count = NULL, progress = 0, phase = NULL, started_at = NULL, finished_at = NULL, external_id = NULL, cancel_requested = 0 WHERE id = ? AND state IN ('failed', 'dead')",
        )
        .run(id).changes === 1
    );
  }

  /** Durations (seconds) of finished jobs, for metrics. */
  durations(): Array<{ state: JobState; seconds: number }> {
    return this.db
      .prepare("SELECT state, (julianday(finished_at) - julianday(started_at)) * 86400.0 AS seconds FROM jobs WHERE finished_at IS NOT NULL AND started_at IS NOT NULL")
      .all() as Array<{ state: JobState; seconds: number }>;
  }

  insertUpload(u: UploadRecord): void {
    this.db.prepare('INSERT INTO uploads (id, user, name, columns, uri, row_count, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(u.id, u.user, u.name, JSON.stringify(u.columns), u.uri, u.rowCount, u.expiresAt);
  }

  /** Expired uploads that no queued or running job still reads. */
  expiredUploads(now: Date): Array<{ id: string; uri: string }> {
    return this.db
      .prepare(
        `SELECT id, uri FROM uploads u WHERE expires_at < ?
           AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.state IN ('queued', 'running') AND instr(j.inputs, json_quote(u.uri)) > 0)`,
      )
      .all(now.toISOString()) as Array<{ id: string; uri: string }>;
  }

  deleteUpload(id: string): void {
    this.db.prepare('DELETE FROM uploads WHERE id = ?').run(id);
  }

  getUpload(id: string): UploadRecord | null {
    const r = this.db.prepare('SELECT * FROM uploads WHERE id = ?').get(id) as
      | { id: string; user: string; name: string; columns: string; uri: string; row_count: number; expires_at: string }
      | undefined;
    return r ? { id: r.id, user: r.user, name: r.name, columns: JSON.parse(r.columns) as UploadRecord['columns'], uri: r.uri, rowCount: r.row_count, expiresAt: r.expires_at } : null;
  }
}
