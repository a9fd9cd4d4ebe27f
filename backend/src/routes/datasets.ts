/** GET /v1/me, /v1/datasets and dataset samples. */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../plugins/auth';
import type { Services } from '../services';
import { bearer, columnSchema, errorResponses, rowsSchema } from './schemas';

const datasetSchema = {
  type: 'object',
  required: ['id', 'name', 'description', 'columns'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' }, columns: { type: 'array', items: columnSchema }, rowCount: { type: 'integer' } },
} as const;

export default async function datasetRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get(
    '/me',
    { schema: { tags: ['datasets'], summary: 'Who the token says you are', security: bearer, response: { 200: { type: 'object', properties: { user: { type: 'string' }, groups: { type: 'array', items: { type: 'string' } }, admin: { type: 'boolean' } } }, ...errorResponses } } },
    async (req) => principalOf(req),
  );

  app.get(
    '/datasets',
    { schema: { tags: ['datasets'], summary: 'The datasets you may read', security: bearer, response: { 200: { type: 'object', properties: { datasets: { type: 'array', items: datasetSchema } } }, ...errorResponses } } },
    async (req) => ({
      datasets: services.catalog.readable(principalOf(req)).map((d) => ({ id: d.id, name: d.name, description: d.description, columns: d.columns, ...(d.rowCount != null ? { rowCount: d.rowCount } : {}) })),
    }),
  );

  app.get<{ Params: { id: string }; Querystring: { rows: number } }>(
    '/datasets/:id/sample',
    {
      schema: {
        tags: ['datasets'],
        summary: 'The first rows of a dataset, typed, to load into a sheet',
        security: bearer,
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        querystring: { type: 'object', properties: { rows: { type: 'integer', minimum: 1, maximum: 10000, default: 100 } } },
        response: { 200: { type: 'object', properties: { columns: { type: 'array', items: columnSchema }, rows: rowsSchema } }, ...errorResponses },
      },
    },
    async (req) => {
      const d = services.catalog.requireReadable(principalOf(req), req.params.id);
      return { columns: d.columns, rows: await services.catalog.sample(d, req.query.rows) };
    },
  );
}
