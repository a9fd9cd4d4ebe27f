/** Health, readiness and metrics: no token needed (metrics expose counts only). */
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services';

export default async function healthRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/health', { schema: { tags: ['health'], summary: 'Liveness', response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));

  app.get(
    '/ready',
    { schema: { tags: ['health'], summary: 'Readiness: the job store answers and the dispatcher runs', response: { 200: { type: 'object', additionalProperties: true }, 503: { type: 'object', additionalProperties: true } } } },
    async (_req, reply) => {
      let storeOk = false;
      try {
        storeOk = services.store.ping();
      } catch {
        storeOk = false;
      }
      const body = { status: storeOk ? 'ready' : 'not ready', store: storeOk, runner: services.runner.kind, datasets: services.catalog.readable({ user: '', groups: [], admin: true }).length };
      return reply.status(storeOk ? 200 : 503).send(body);
    },
  );

  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics (job counts by state, queue depth, durations)' } }, async (_req, reply) =>
    reply.type('text/plain; version=0.0.4').send(services.metrics.render(services.dispatcher.active)),
  );
}
