/**
 * GET /files/:token — the embedded default's signed download links (the S3 presigned URL's local
 * twin). The token is the authorization: an HMAC over the path and expiry, no bearer token.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../errors';
import type { Services } from '../services';
import { LocalStorage } from '../storage/local-storage';

export default async function fileRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get<{ Params: { token: string } }>('/files/:token', { schema: { hide: true } }, async (req, reply) => {
    const storage = services.storage;
    const file = storage instanceof LocalStorage ? storage.verifyToken(req.params.token) : null;
    if (!file) throw new NotFoundError('This download link is invalid or has expired; ask for a new one.', 'LINK_INVALID');
    return reply
      .type(file.endsWith('.csv') ? 'text/csv' : 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${path.basename(file)}"`)
      .send(createReadStream(file));
  });
}
