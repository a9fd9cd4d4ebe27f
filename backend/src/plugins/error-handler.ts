/**
 * The one error handler: every error becomes `{"error": {"code", "message", "details"?}}`.
 * Known errors keep their status and words; a 5xx is logged with the request id and answered
 * without its message, so no internals (paths, SQL, stack) reach the client.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../errors';

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
};

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError | Error, request, reply) => {
    if (err instanceof ApiError) {
      if (err.statusCode >= 500) request.log.error({ err, reqId: request.id }, 'request failed');
      return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.status(400).send({
        error: {
          code: 'BAD_REQUEST',
          message: `The request ${fe.validationContext ?? 'body'} is invalid: ${fe.message}`,
          details: fe.validation.map((v) => ({ path: v.instancePath || '(root)', message: v.message ?? 'invalid' })),
        },
      });
    }
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status < 500) {
      const code = FASTIFY_CODES[fe.code] ?? (status === 404 ? 'NOT_FOUND' : status === 429 ? 'RATE_LIMITED' : 'BAD_REQUEST');
      return reply.status(status).send({ error: { code, message: fe.message } });
    }
    request.log.error({ err, reqId: request.id }, 'internal error');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: `Internal error; quote request id ${request.id} when reporting it.` } });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}.` } });
  });
}
