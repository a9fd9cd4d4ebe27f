/**
 * Wires the service's parts from its settings: storage, store, catalog, token verifier, runner,
 * dispatcher. Tests pass overrides (a runner with a fake engine, a JWKS from moto, ...).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { EMRClient } from '@aws-sdk/client-emr';
import { EMRServerlessClient } from '@aws-sdk/client-emr-serverless';
import path from 'node:path';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { Catalog, defaultCatalogPath } from './catalog';
import { Dispatcher } from './dispatcher';
import { EngineTools } from './engine-tools';
import { JobService } from './job-service';
import { JobStore } from './job-store';
import { loadOrCreateLocalIssuerKeys, type LocalIssuerKeys } from './local-issuer';
import { Metrics } from './metrics';
import { ParquetFiles } from './parquet-files';
import { ResultReader } from './result-reader';
import { EmrServerlessRunner } from './runners/emr-serverless-runner';
import { EmrStepRunner } from './runners/emr-step-runner';
import { LocalRunner } from './runners/local-runner';
import type { Runner } from './runners/runner';
import type { ServiceConfig } from './service-config';
import { LocalStorage } from './storage/local-storage';
import { S3Storage } from './storage/s3-storage';
import type { Storage } from './storage/storage';
import { createTokenVerifier, type TokenVerifier } from './token-verifier';

/** Everything the routes use. */
export interface Services {
  config: ServiceConfig;
  storage: Storage;
  store: JobStore;
  catalog: Catalog;
  verifier: TokenVerifier;
  /** The local issuer's keys (embedded default only). */
  localKeys: LocalIssuerKeys | null;
  runner: Runner;
  dispatcher: Dispatcher;
  jobs: JobService;
  engine: EngineTools;
  results: ResultReader;
  metrics: Metrics;
  /** Stops dispatching and closes the store and the worker. */
  close(): Promise<void>;
}

export interface ServiceOverrides {
  runner?: Runner;
  storage?: Storage;
  s3?: S3Client;
  /** A JWKS to trust for Cognito tokens without fetching it (tests with moto). */
  cognitoJwks?: Jwks;
  log?: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Builds the services; call `dispatcher.start()` (done by startServer) to begin running jobs. */
export async function createServices(config: ServiceConfig, o: ServiceOverrides = {}): Promise<Services> {
  const log = o.log ?? silent;
  const s3 = config.storage.kind === 's3' ? (o.s3 ?? new S3Client({ region: config.region, ...(config.storage.endpoint ? { endpoint: config.storage.endpoint, forcePathStyle: true } : {}) })) : null;
  const storage: Storage = o.storage ?? (config.storage.kind === 's3' ? new S3Storage(s3!, config.storage.bucket, config.storage.prefix) : new LocalStorage(config.dataDir, config.publicUrl));
  const store = new JobStore(path.join(config.dataDir, 'sheetscale.db'));
  const parquet = new ParquetFiles(storage);
  const catalog = await Catalog.load(config.catalogPath ?? defaultCatalogPath, storage, (m) => log.warn(m), parquet);
  const localKeys = config.auth.kind === 'local' ? loadOrCreateLocalIssuerKeys(config.dataDir) : null;
  const verifier = createTokenVerifier({ auth: config.auth, adminGroup: config.adminGroup, ...(localKeys ? { jwks: localKeys.jwks } : o.cognitoJwks ? { jwks: o.cognitoJwks } : {}) });
  let runner: Runner;
  if (o.runner) runner = o.runner;
  else if (config.runner.kind === 'emr') {
    runner = new EmrStepRunner({ emr: new EMRClient({ region: config.region }), clusterId: config.runner.clusterId, storage, jobPackageUri: config.jobPackageUri!, pollBaseMs: config.pollBaseMs, log });
  } else if (config.runner.kind === 'emr-serverless') {
    runner = new EmrServerlessRunner({
      client: new EMRServerlessClient({ region: config.region }),
      applicationId: config.runner.applicationId,
      executionRoleArn: config.runner.executionRoleArn,
      storage,
      jobPackageUri: config.jobPackageUri!,
      pollBaseMs: config.pollBaseMs,
      log,
    });
  } else {
    runner = new LocalRunner({ command: config.engineCommand, cwd: config.engineCwd, storage, engine: config.engine, log: (m) => log.warn(m) });
  }
  const metrics = new Metrics(store);
  const dispatcher = new Dispatcher({
    store,
    runner,
    concurrency: config.concurrency,
    maxAttempts: config.maxAttempts,
    retryBaseMs: config.retryBaseMs,
    log,
    onFinished: (job) => metrics.jobFinished(job),
  });
  const jobs = new JobService({ store, catalog, storage, dispatcher, uploadMaxRows: config.uploadMaxRows, uploadTtlMs: config.uploadTtlMs });
  const engine = new EngineTools({ python: config.python, engineCommand: config.engineCommand, engine: config.engine, previewEngineArgs: config.previewEngineArgs, cwd: config.engineCwd, previewTimeoutMs: config.previewTimeoutMs, log: (m) => log.warn(m) });
  const results = new ResultReader(storage, parquet);
  // Expired uploads are deleted hourly (those a waiting job still reads are kept until it ran).
  const sweeper = setInterval(() => {
    jobs.sweepExpiredUploads().then(
      (n) => n > 0 && log.info(`deleted ${n} expired upload(s)`),
      (err: unknown) => log.warn(`upload sweep failed: ${String(err)}`),
    );
  }, 3_600_000);
  sweeper.unref();
  return {
    config,
    storage,
    store,
    catalog,
    verifier,
    localKeys,
    runner,
    dispatcher,
    jobs,
    engine,
    results,
    metrics,
    async close() {
      clearInterval(sweeper);
      dispatcher.stop();
      // Attempts let go quickly once detached; do not hang a shutdown on a stuck one.
      await Promise.race([dispatcher.drain(), new Promise((r) => setTimeout(r, 10_000).unref())]);
      await results.close();
      store.close();
    },
  };
}
