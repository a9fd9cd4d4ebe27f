import { loadServiceConfig, parseCommand } from '../src/service-config';
import { ServiceConfigError } from '../src/errors';

test('the embedded default needs no environment', () => {
  const c = loadServiceConfig({});
  expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', auth: { kind: 'local' }, storage: { kind: 'local' }, runner: { kind: 'local' }, concurrency: 10, allowedOrigins: ['https://localhost:3000'] });
  expect(c.engineCommand.slice(-2)).toEqual(['-m', 'sheetscale_engine.job']);
  expect(c.engine).toBe('auto');
});

test('SHEETSCALE_ENGINE picks auto, duckdb or spark, and anything else stops the start naming it', () => {
  expect(loadServiceConfig({ SHEETSCALE_ENGINE: 'spark' }).engine).toBe('spark');
  expect(loadServiceConfig({ SHEETSCALE_ENGINE: 'duckdb' }).engine).toBe('duckdb');
  expect(loadServiceConfig({ SHEETSCALE_ENGINE: '' }).engine).toBe('auto');
  let err: unknown;
  try {
    loadServiceConfig({ SHEETSCALE_ENGINE: 'foo' });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ServiceConfigError);
  expect((err as ServiceConfigError).variable).toBe('SHEETSCALE_ENGINE');
  expect((err as Error).message).toMatch(/SHEETSCALE_ENGINE/);
  expect((err as Error).message).toMatch(/expected one of auto, duckdb, spark, got "foo"/);
});

test('production settings are read and checked, naming the variable', () => {
  const env = {
    SHEETSCALE_AUTH: 'cognito',
    COGNITO_USER_POOL_ID: 'eu-west-1_AbC',
    COGNITO_CLIENT_ID: 'client',
    COGNITO_TOKEN_USE: 'id',
    SHEETSCALE_S3_BUCKET: 'acme',
    SHEETSCALE_RUNNER: 'emr',
    EMR_CLUSTER_ID: 'j-1',
    SHEETSCALE_JOB_PACKAGE_URI: 's3://acme/pkg/',
    SHEETSCALE_CONCURRENCY: '20',
    SHEETSCALE_ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443',
  };
  expect(loadServiceConfig(env)).toMatchObject({
    auth: { kind: 'cognito', userPoolId: 'eu-west-1_AbC', clientId: 'client', tokenUse: 'id' },
    storage: { kind: 's3', bucket: 'acme', prefix: 'sheetscale/' },
    runner: { kind: 'emr', clusterId: 'j-1' },
    concurrency: 20,
    allowedOrigins: ['https://a.example', 'https://b.example:8443'],
  });
  const bad = (over: Record<string, string | undefined>, variable: string) => {
    let err: unknown;
    try {
      loadServiceConfig({ ...env, ...over });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ServiceConfigError);
    expect((err as ServiceConfigError).variable).toBe(variable);
  };
  bad({ SHEETSCALE_CONCURRENCY: 'ten' }, 'SHEETSCALE_CONCURRENCY');
  bad({ SHEETSCALE_CONCURRENCY: '0' }, 'SHEETSCALE_CONCURRENCY');
  bad({ COGNITO_USER_POOL_ID: undefined }, 'COGNITO_USER_POOL_ID');
  bad({ SHEETSCALE_RUNNER: 'k8s' }, 'SHEETSCALE_RUNNER');
  bad({ SHEETSCALE_S3_BUCKET: undefined }, 'SHEETSCALE_S3_BUCKET');
  bad({ SHEETSCALE_JOB_PACKAGE_URI: undefined }, 'SHEETSCALE_JOB_PACKAGE_URI');
  bad({ SHEETSCALE_RUNNER: 'emr-serverless' }, 'EMR_SERVERLESS_APPLICATION_ID');
  bad({ SHEETSCALE_ALLOWED_ORIGINS: '*' }, 'SHEETSCALE_ALLOWED_ORIGINS');
  bad({ SHEETSCALE_RUNNER: 'local' }, 'SHEETSCALE_RUNNER');
});

test('the engine command is a JSON array or words', () => {
  expect(parseCommand('["node", "a b.js"]', 'X')).toEqual(['node', 'a b.js']);
  expect(parseCommand(' python  -m x ', 'X')).toEqual(['python', '-m', 'x']);
  expect(() => parseCommand('[1]', 'X')).toThrow(ServiceConfigError);
});
