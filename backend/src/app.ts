/**
 * Builds the Fastify app of the job service (server.ts starts it). Plugins for the cross-cutting
 * concerns — errors, CORS, OpenAPI, auth, per-user rate limits — then one module per resource.
 * Everything under /v1 needs a verified bearer token; health, readiness, metrics and the OpenAPI
 * document do not.
 */
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ApiError } from './errors';
import { requireBearerToken } from './plugins/auth';
import { registerErrorHandler } from './plugins/error-handler';
import configRoutes from './routes/configs';
import datasetRoutes from './routes/datasets';
import fileRoutes from './routes/files';
import healthRoutes from './routes/health';
import jobRoutes from './routes/jobs';
import { errorSchema, jobSchema } from './routes/schemas';
import uploadRoutes from './routes/uploads';
import type { Services } from './services';
import { packageVersion } from '../../src/cli/main';

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp(services: Services, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(), // unique across restarts, so a quoted id finds its log line
    routerOptions: { maxParamLength: 1000 }, // signed download tokens are long
    // The API takes JSON; keep unknown-property stripping off so that validation errors are seen.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  app.decorateRequest('principal', null);
  registerErrorHandler(app);
  app.addSchema(errorSchema);
  app.addSchema(jobSchema);

  await app.register(cors, {
    origin: config.allowedOrigins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'X-RateLimit-Remaining'],
    maxAge: 600,
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'sheetscale job service', version: packageVersion(), description: 'Runs transformation configs recorded in Excel on the full data. See docs/backend.md.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [{ name: 'health' }, { name: 'datasets' }, { name: 'configs' }, { name: 'uploads' }, { name: 'jobs' }, { name: 'results' }],
    },
    // Shared schemas keep their names (Job, Error) in components.schemas instead of def-N.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });

  app.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });

  await app.register(healthRoutes, { services });
  await app.register(fileRoutes, { services });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (v1) => {
      requireBearerToken(v1, services.verifier);
      await v1.register(rateLimit, {
        hook: 'preHandler', // after the onRequest auth hook: the key is the verified user
        max: config.rateLimitPerMinute,
        timeWindow: 60_000,
        keyGenerator: (req) => (req.principal ? `user:${req.principal.user}` : `ip:${req.ip}`),
        errorResponseBuilder: (_req, ctx) => new ApiError(429, 'RATE_LIMITED', `Too many requests: at most ${ctx.max} per minute per user; retry in ${Math.ceil(ctx.ttl / 1000)} s.`),
      });
      await v1.register(datasetRoutes, { services });
      await v1.register(configRoutes, { services });
      await v1.register(uploadRoutes, { services });
      await v1.register(jobRoutes, { services });
    },
    { prefix: '/v1' },
  );
  await app.ready();
  return app;
}
