/**
 * Authentication for a scope of routes: a verified bearer token or 401. The verified caller is
 * `request.principal`; authorization (groups, ownership) is the routes' and services' business.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors';
import type { Principal, TokenVerifier } from '../token-verifier';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The caller of an authenticated route (set by the hook below). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
}

/** Adds the onRequest hook that verifies `Authorization: Bearer <jwt>` to this scope. */
export function requireBearerToken(scope: FastifyInstance, verifier: TokenVerifier): void {
  scope.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m) throw new UnauthorizedError();
    request.principal = await verifier.verify(m[1]!);
  });
}
