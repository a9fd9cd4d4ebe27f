/**
 * The backend's HTTP API as the add-in sees it (contract: backend/ serves /openapi.json).
 * Values in rows use the JSON value encoding: number, string, boolean, null = blank,
 * {"error": "#N/A"} = an Excel error.
 */
import type { ColumnType, ErrorCode, SheetscaleConfig } from '../config/types.generated';

/** One cell value as the backend and the engine exchange it. */
export type CellValue = number | string | boolean | null | { error: ErrorCode | string };

/** A column of a dataset, an upload or a result. */
export interface ColumnInfo {
  name: string;
  type: ColumnType;
}

export interface Me {
  user: string;
  groups: string[];
  admin: boolean;
}

export interface Dataset {
  id: string;
  name: string;
  description?: string;
  columns: ColumnInfo[];
  rowCount?: number;
}

export interface DatasetSample {
  columns: ColumnInfo[];
  rows: CellValue[][];
}

export interface ValidationResult {
  ok: boolean;
  errors?: { path: string; message: string }[];
}

/**
 * The engines a run may ask for: `auto` (DuckDB when every input is on the machine that runs the
 * job, Spark otherwise), `duckdb` or `spark`. The CLI's `run --engine`, the service's
 * SHEETSCALE_ENGINE and a job's `engine` take these values.
 */
export const ENGINE_CHOICES = ['auto', 'duckdb', 'spark'] as const;

export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** summary.json of a run (engine contract). Only the fields the add-in reads are typed strictly. */
export interface RunSummary {
  status: string;
  /** The engine that ran: "duckdb" or "spark". */
  engine: string;
  /** Why that engine ran, e.g. "auto: every input is on this machine (12,345 bytes)". */
  engineReason?: string;
  engineVersion?: string;
  configHash?: string;
  startedAt?: string;
  finishedAt?: string;
  today?: string;
  rowCount: number;
  columns: ColumnInfo[];
  firstRows: CellValue[][];
  totals?: Record<string, number>;
  pivots?: { name: string; header: CellValue[]; rows: CellValue[][] }[];
  steps?: { id: string; op: string; rowsIn?: number; rowsOut?: number; errors?: Record<string, number> }[];
  badRows?: { count: number };
  result?: { format: string; path: string; rowCount: number };
}

export interface PreviewResult {
  summary: RunSummary;
  rows: CellValue[][];
}

/** Inputs of a preview: rows taken from the workbook, or a catalog dataset's sample. */
export type PreviewInput = { rows: CellValue[][] } | { dataset: string };

/** A job's states, in the order a job moves through them (the API's and the job store's). */
export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'dead'] as const;

export type JobState = (typeof JOB_STATES)[number];

/** The states a job does not leave. */
export const FINISHED_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled', 'dead'];

/** Why a job failed. */
export interface JobError {
  code: string;
  message: string;
  /** The config step that failed, when one did. */
  step?: string;
  /** What the user can do about it. */
  hint?: string;
}

/**
 * A job as the API returns it: the one definition, which the backend serves. Its OpenAPI schema
 * (backend/src/routes/schemas.ts, jobSchema) is checked against it by tsc (backend/test/job-schema.test.ts).
 */
export interface Job {
  id: string;
  user: string;
  state: JobState;
  /** 0 to 1. */
  progress: number;
  phase?: string;
  attempts: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The catalog datasets the job reads. */
  datasets: string[];
  configHash: string;
  error?: JobError;
  /** The engine's per-step metrics (summary.json's steps). */
  steps?: unknown[];
  rowCount?: number;
  /** The engine the submission asked for; absent = the service's default (SHEETSCALE_ENGINE). */
  engine?: EngineChoice;
}

/** Where a source's full data comes from when a job runs. */
export type SourceBinding = { dataset: string } | { upload: string };

export interface JobRequest {
  config: SheetscaleConfig;
  bindings: Record<string, SourceBinding>;
  /** The engine to run on (default: the service's SHEETSCALE_ENGINE). EMR runners always run Spark. */
  engine?: EngineChoice;
}

export interface RowsPage {
  columns: ColumnInfo[];
  rows: CellValue[][];
  offset: number;
  total: number;
}

/** True when a job will not change any more. */
export function isFinished(state: JobState): boolean {
  return FINISHED_JOB_STATES.includes(state);
}
