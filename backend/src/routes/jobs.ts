/** Jobs: submit, list, get, cancel, resubmit, and their results (summary, rows, download). */
import type { FastifyInstance } from 'fastify';
import { ENGINE_CHOICES, JOB_STATES, type EngineChoice } from '../../../src/api/types';
import { ConflictError } from '../errors';
import { toApiJob, type Binding } from '../job-service';
import type { JobState } from '../job-store';
import { principalOf } from '../plugins/auth';
import type { Services } from '../services';
import { joinUri } from '../storage/storage';
import { bearer, columnSchema, configSchema, errorResponses, jobReplySchema, rowsSchema, summarySchema } from './schemas';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const;

export default async function jobRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.post<{ Body: { config: Record<string, unknown>; bindings?: Record<string, Binding>; engine?: EngineChoice } }>(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Submit a job (stored before the reply; same Idempotency-Key + same body → the same job)',
        security: bearer,
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } } },
        body: {
          type: 'object',
          required: ['config'],
          properties: {
            config: configSchema,
            bindings: {
              type: 'object',
              additionalProperties: { oneOf: [{ type: 'object', required: ['dataset'], properties: { dataset: { type: 'string' } }, additionalProperties: false }, { type: 'object', required: ['upload'], properties: { upload: { type: 'string' } }, additionalProperties: false }] },
            },
            engine: {
              type: 'string',
              enum: ENGINE_CHOICES,
              description: "The engine (default: the service's SHEETSCALE_ENGINE). auto = DuckDB when every input is a local file, Spark otherwise; EMR runners always run Spark.",
            },
          },
          additionalProperties: false,
        },
        response: { 200: jobReplySchema, 202: jobReplySchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      const { job, created } = await services.jobs.submit(principalOf(req), req.body, typeof key === 'string' ? key : null);
      return reply.status(created ? 202 : 200).send({ job: toApiJob(job) });
    },
  );

  app.get<{ Querystring: { state?: JobState } }>(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Your jobs, newest first (an admin sees everyone’s)',
        security: bearer,
        querystring: { type: 'object', properties: { state: { type: 'string', enum: JOB_STATES } } },
        response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: { $ref: 'Job#' } } } }, ...errorResponses },
      },
    },
    async (req) => ({ jobs: services.jobs.list(principalOf(req), req.query.state).map(toApiJob) }),
  );

  app.get<{ Params: { id: string } }>('/jobs/:id', { schema: { tags: ['jobs'], summary: 'A job: state, progress, per-step metrics, failure reason', security: bearer, params: idParams, response: { 200: jobReplySchema, ...errorResponses } } }, async (req) => ({
    job: toApiJob(services.jobs.visibleJob(principalOf(req), req.params.id)),
  }));

  app.post<{ Params: { id: string } }>('/jobs/:id/cancel', { schema: { tags: ['jobs'], summary: 'Cancel a queued or running job', security: bearer, params: idParams, response: { 200: jobReplySchema, ...errorResponses } } }, async (req) => ({
    job: toApiJob(await services.jobs.cancel(principalOf(req), req.params.id)),
  }));

  app.post<{ Params: { id: string } }>(
    '/jobs/:id/resubmit',
    { schema: { tags: ['jobs'], summary: 'Run a failed or dead-lettered job again, with fresh attempts', security: bearer, params: idParams, response: { 202: jobReplySchema, ...errorResponses } } },
    async (req, reply) => reply.status(202).send({ job: toApiJob(services.jobs.resubmit(principalOf(req), req.params.id)) }),
  );

  app.get<{ Params: { id: string } }>('/jobs/:id/summary', { schema: { tags: ['results'], summary: 'The engine’s summary.json of a succeeded job', security: bearer, params: idParams, response: { 200: summarySchema, ...errorResponses } } }, async (req) => {
    const { summary } = await services.jobs.summary(principalOf(req), req.params.id);
    return summary;
  });

  app.get<{ Params: { id: string }; Querystring: { offset: number; limit: number } }>(
    '/jobs/:id/rows',
    {
      schema: {
        tags: ['results'],
        summary: 'The full result, a page of rows at a time',
        security: bearer,
        params: idParams,
        querystring: { type: 'object', properties: { offset: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 } } },
        response: { 200: { type: 'object', properties: { columns: { type: 'array', items: columnSchema }, rows: rowsSchema, offset: { type: 'integer' }, total: { type: 'integer' } } }, ...errorResponses },
      },
    },
    async (req) => {
      const { job, summary } = await services.jobs.summary(principalOf(req), req.params.id);
      return services.results.page(job.outputUri, summary, req.query.offset, req.query.limit);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/jobs/:id/download',
    {
      schema: {
        tags: ['results'],
        summary: 'Time-limited links to the full result files (presigned S3 URLs, or signed local links)',
        security: bearer,
        params: idParams,
        response: {
          200: { type: 'object', properties: { url: { type: 'string' }, expiresAt: { type: 'string' }, files: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, url: { type: 'string' } } } } } },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { job, summary } = await services.jobs.summary(principalOf(req), req.params.id);
      const files = await services.results.files(job.outputUri, summary);
      if (files.length === 0) throw new ConflictError(`Job ${job.id} has no result files.`, 'RESULT_MISSING');
      const ttl = 3600;
      const base = joinUri(job.outputUri, summary.result?.path ?? 'result');
      const links = await Promise.all(files.map(async (f) => ({ name: f.uri.slice(base.length + 1), ...(await services.storage.signedUrl(f.uri, ttl)) })));
      return { url: links[0]!.url, expiresAt: links[0]!.expiresAt, files: links.map((l) => ({ name: l.name, url: l.url })) };
    },
  );

}
