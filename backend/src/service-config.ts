/**
 * The service's settings, read once from environment variables (and the `serve` flags) and
 * validated here, so that a bad setting stops the start with the variable's name instead of
 * failing on the first request. Every variable is listed in docs/backend.md.
 */
import path from 'node:path';
import { ENGINE_CHOICES, type EngineChoice } from '../../src/api/types';
import { ServiceConfigError } from './errors';

/** The repository root (backend/src/ is two levels down). */
export const repoRoot = path.resolve(__dirname, '..', '..');

export type AuthMode =
  | { kind: 'local'; issuer: string; clientId: string }
  | { kind: 'cognito'; userPoolId: string; clientId: string; tokenUse: 'id' | 'access' | null };

export type StorageMode = { kind: 'local' } | { kind: 's3'; bucket: string; prefix: string; endpoint?: string };

export type RunnerMode =
  | { kind: 'local' }
  | { kind: 'emr'; clusterId: string }
  | { kind: 'emr-serverless'; applicationId: string; executionRoleArn: string };

/** Everything the service needs to know about where it runs. */
export interface ServiceConfig {
  host: string;
  port: number;
  /** Where the embedded default keeps its database, keys, uploads and job outputs. */
  dataDir: string;
  region: string;
  auth: AuthMode;
  /** Members of this group see and cancel every job. */
  adminGroup: string;
  /** Path of the dataset catalog (JSON); null = the built-in catalog over examples/data. */
  catalogPath: string | null;
  storage: StorageMode;
  runner: RunnerMode;
  /** s3:// prefix holding job.py and sheetscale_engine.zip for EMR runners. */
  jobPackageUri: string | null;
  /** The local engine command (program + leading args); job arguments are appended. */
  engineCommand: string[];
  /**
   * The engine local jobs and previews run on when a job does not ask for one (SHEETSCALE_ENGINE):
   * auto = DuckDB when every input is a local file, Spark otherwise. EMR runners always run Spark.
   */
  engine: EngineChoice;
  /** Extra engine arguments for previews: small-machine Spark settings for the real engine. */
  previewEngineArgs: string[];
  /** Working directory of the local engine command. */
  engineCwd: string;
  /** The Python that runs `-m sheetscale_engine.spark.explain` (and the preview engine). */
  python: string;
  concurrency: number;
  maxAttempts: number;
  retryBaseMs: number;
  pollBaseMs: number;
  allowedOrigins: string[];
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  previewMaxRows: number;
  previewTimeoutMs: number;
  uploadMaxRows: number;
  uploadTtlMs: number;
  /** Base URL of this service, for local signed download links. */
  publicUrl: string;
}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw == null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ServiceConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function requiredVar(env: Env, name: string, because: string): string {
  const v = env[name];
  if (v == null || v.trim() === '') throw new ServiceConfigError(name, `is required ${because}`);
  return v.trim();
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw == null || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ServiceConfigError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** Parses a command given as a JSON array of strings or as whitespace-separated words. */
export function parseCommand(raw: string, variable: string): string[] {
  const text = raw.trim();
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ServiceConfigError(variable, 'is not valid JSON');
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === 'string')) {
      throw new ServiceConfigError(variable, 'expected a non-empty JSON array of strings');
    }
    return parsed as string[];
  }
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new ServiceConfigError(variable, 'is empty');
  return words;
}

/** Overrides from the `serve` command line, which win over the environment. */
export interface ServeOverrides {
  port?: number;
  host?: string;
  dataDir?: string;
}

/** Reads and validates the service settings. Throws {@link ServiceConfigError} naming the variable. */
export function loadServiceConfig(env: Env = process.env, overrides: ServeOverrides = {}): ServiceConfig {
  const port = overrides.port ?? intVar(env, 'SHEETSCALE_PORT', 8080, 0, 65535);
  const host = overrides.host ?? env.SHEETSCALE_HOST ?? '127.0.0.1';
  const dataDir = path.resolve(overrides.dataDir ?? env.SHEETSCALE_DATA_DIR ?? '.sheetscale');
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';

  const authKind = oneOf(env, 'SHEETSCALE_AUTH', ['local', 'cognito'] as const, 'local');
  const auth: AuthMode =
    authKind === 'cognito'
      ? {
          kind: 'cognito',
          userPoolId: requiredVar(env, 'COGNITO_USER_POOL_ID', 'when SHEETSCALE_AUTH=cognito'),
          clientId: requiredVar(env, 'COGNITO_CLIENT_ID', 'when SHEETSCALE_AUTH=cognito'),
          tokenUse: ((t) => (t === 'any' ? null : t))(oneOf(env, 'COGNITO_TOKEN_USE', ['id', 'access', 'any'] as const, 'any')),
        }
      : { kind: 'local', issuer: env.SHEETSCALE_LOCAL_ISSUER ?? 'sheetscale-local', clientId: env.SHEETSCALE_LOCAL_CLIENT_ID ?? 'sheetscale-addin' };

  const bucket = env.SHEETSCALE_S3_BUCKET;
  const storageKind = oneOf(env, 'SHEETSCALE_STORAGE', ['local', 's3'] as const, bucket ? 's3' : 'local');
  const storage: StorageMode =
    storageKind === 's3'
      ? {
          kind: 's3',
          bucket: requiredVar(env, 'SHEETSCALE_S3_BUCKET', 'when SHEETSCALE_STORAGE=s3'),
          prefix: (env.SHEETSCALE_S3_PREFIX ?? 'sheetscale/').replace(/^\/+/, ''),
          ...(env.SHEETSCALE_S3_ENDPOINT ? { endpoint: env.SHEETSCALE_S3_ENDPOINT } : {}),
        }
      : { kind: 'local' };

  const runnerKind = oneOf(env, 'SHEETSCALE_RUNNER', ['local', 'emr', 'emr-serverless'] as const, 'local');
  let runner: RunnerMode;
  if (runnerKind === 'emr') {
    runner = { kind: 'emr', clusterId: requiredVar(env, 'EMR_CLUSTER_ID', 'when SHEETSCALE_RUNNER=emr') };
  } else if (runnerKind === 'emr-serverless') {
    runner = {
      kind: 'emr-serverless',
      applicationId: requiredVar(env, 'EMR_SERVERLESS_APPLICATION_ID', 'when SHEETSCALE_RUNNER=emr-serverless'),
      executionRoleArn: requiredVar(env, 'EMR_SERVERLESS_EXECUTION_ROLE_ARN', 'when SHEETSCALE_RUNNER=emr-serverless'),
    };
  } else {
    runner = { kind: 'local' };
  }
  if (runner.kind !== 'local' && storage.kind !== 's3') {
    throw new ServiceConfigError('SHEETSCALE_S3_BUCKET', `is required when SHEETSCALE_RUNNER=${runner.kind}: EMR reads and writes S3`);
  }
  if (runner.kind === 'local' && storage.kind === 's3') {
    throw new ServiceConfigError('SHEETSCALE_RUNNER', 'the local runner reads and writes local files: use SHEETSCALE_RUNNER=emr or emr-serverless with S3 storage, or leave SHEETSCALE_S3_BUCKET unset');
  }
  const jobPackageUri = env.SHEETSCALE_JOB_PACKAGE_URI ?? null;
  if (runner.kind !== 'local' && !jobPackageUri) {
    throw new ServiceConfigError('SHEETSCALE_JOB_PACKAGE_URI', `is required when SHEETSCALE_RUNNER=${runner.kind} (the s3:// prefix with job.py and sheetscale_engine.zip from \`python -m sheetscale_engine.spark.package\`)`);
  }

  const sparkDir = path.join(repoRoot, 'spark');
  const python = env.SHEETSCALE_PYTHON ?? path.join(sparkDir, '.venv', 'bin', 'python');
  const engineCommand = env.SHEETSCALE_ENGINE_CMD
    ? parseCommand(env.SHEETSCALE_ENGINE_CMD, 'SHEETSCALE_ENGINE_CMD')
    : [python, '-m', 'sheetscale_engine.job'];
  const engine = oneOf(env, 'SHEETSCALE_ENGINE', ENGINE_CHOICES, 'auto');

  const allowedOrigins = (env.SHEETSCALE_ALLOWED_ORIGINS ?? 'https://localhost:3000')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const o of allowedOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(o)) throw new ServiceConfigError('SHEETSCALE_ALLOWED_ORIGINS', `"${o}" is not an origin like https://host:port`);
  }

  return {
    host,
    port,
    dataDir,
    region,
    auth,
    adminGroup: env.SHEETSCALE_ADMIN_GROUP ?? 'admin',
    catalogPath: env.SHEETSCALE_CATALOG ? path.resolve(env.SHEETSCALE_CATALOG) : null,
    storage,
    runner,
    jobPackageUri,
    engineCommand,
    engine,
    previewEngineArgs: env.SHEETSCALE_ENGINE_CMD ? [] : ['--local-small'],
    engineCwd: env.SHEETSCALE_ENGINE_CWD ? path.resolve(env.SHEETSCALE_ENGINE_CWD) : sparkDir,
    python,
    concurrency: intVar(env, 'SHEETSCALE_CONCURRENCY', 10, 1, 256),
    maxAttempts: intVar(env, 'SHEETSCALE_MAX_ATTEMPTS', 3, 1, 20),
    retryBaseMs: intVar(env, 'SHEETSCALE_RETRY_BASE_MS', 5000, 0, 3_600_000),
    pollBaseMs: intVar(env, 'SHEETSCALE_POLL_MS', 5000, 1, 600_000),
    allowedOrigins,
    rateLimitPerMinute: intVar(env, 'SHEETSCALE_RATE_LIMIT', 600, 1, 1_000_000),
    bodyLimitBytes: intVar(env, 'SHEETSCALE_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    previewMaxRows: intVar(env, 'SHEETSCALE_PREVIEW_MAX_ROWS', 5000, 1, 100_000),
    previewTimeoutMs: intVar(env, 'SHEETSCALE_PREVIEW_TIMEOUT_MS', 120_000, 1000, 3_600_000),
    uploadMaxRows: intVar(env, 'SHEETSCALE_UPLOAD_MAX_ROWS', 200_000, 1, 10_000_000),
    uploadTtlMs: intVar(env, 'SHEETSCALE_UPLOAD_TTL_HOURS', 24, 1, 24 * 365) * 3_600_000,
    publicUrl: (env.SHEETSCALE_PUBLIC_URL ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`).replace(/\/+$/, ''),
  };
}
