/**
 * Starts the job service: settings from the environment (and `serve` flags), services, the
 * dispatcher (which first recovers jobs left running by an earlier process), then the HTTP server.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { createServices, type Services } from './services';
import { loadServiceConfig, type ServeOverrides } from './service-config';
import { uploadJobPackage } from './job-package';

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  url: string;
  close(): Promise<void>;
}

export async function startServer(overrides: ServeOverrides = {}, env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const config = loadServiceConfig(env, overrides);
  const logLevel = env.SHEETSCALE_LOG_LEVEL ?? 'info';
  // Build the app first so the services log through Fastify's (pino) logger.
  let appLog: { info(m: string): void; warn(m: string): void; error(m: string): void } = console;
  const services = await createServices(config, {
    log: {
      info: (m) => appLog.info(m),
      warn: (m) => appLog.warn(m),
      error: (m) => appLog.error(m),
    },
  });
  const app = await buildApp(services, { logger: { level: logLevel } });
  appLog = { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m), error: (m) => app.log.error(m) };
  if (env.SHEETSCALE_JOB_PACKAGE_DIR && config.jobPackageUri) {
    await uploadJobPackage(services.storage, env.SHEETSCALE_JOB_PACKAGE_DIR, config.jobPackageUri);
    app.log.info(`job package uploaded to ${config.jobPackageUri}`);
  }
  await services.dispatcher.start();
  const url = await app.listen({ port: config.port, host: config.host });
  app.log.info(`sheetscale service on ${url} (auth ${config.auth.kind}, runner ${config.runner.kind}, storage ${config.storage.kind}, data ${config.dataDir})`);
  return {
    app,
    services,
    url,
    async close() {
      await app.close();
      await services.close();
    },
  };
}
