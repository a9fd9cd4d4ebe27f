/** POST /v1/uploads: a lookup table from the workbook, bound as a source of the caller's jobs. */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../plugins/auth';
import type { Services } from '../services';
import { bearer, columnSchema, errorResponses, rowsSchema } from './schemas';

export default async function uploadRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.post<{ Body: { name: string; columns: Array<{ name: string; type: string }>; rows: unknown[][] } }>(
    '/uploads',
    {
      schema: {
        tags: ['uploads'],
        summary: 'Upload a lookup table that exists only in the workbook',
        security: bearer,
        body: {
          type: 'object',
          required: ['name', 'columns', 'rows'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 255 }, columns: { type: 'array', minItems: 1, maxItems: 1000, items: columnSchema }, rows: rowsSchema },
          additionalProperties: false,
        },
        response: { 201: { type: 'object', properties: { uploadId: { type: 'string' }, expiresAt: { type: 'string' }, rowCount: { type: 'integer' } } }, ...errorResponses },
      },
    },
    async (req, reply) => {
      const u = await services.jobs.upload(principalOf(req), req.body);
      return reply.status(201).send({ uploadId: u.id, expiresAt: u.expiresAt, rowCount: u.rowCount });
    },
  );
}
