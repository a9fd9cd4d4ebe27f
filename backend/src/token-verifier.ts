/**
 * Verifies bearer tokens and turns them into a {@link Principal}. Both modes go through
 * aws-jwt-verify: Cognito tokens through `CognitoJwtVerifier` (issuer from the pool, signature,
 * expiry, token use, client id), local tokens through the generic `JwtVerifier` with the local
 * issuer's JWKS cached, checking the same claims. The rest of the service only sees `verify()`.
 */
import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import { KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import { findJwkInJwks, type Jwks, type JwksCache, type JwkWithKid } from 'aws-jwt-verify/jwk';
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { UnauthorizedError } from './errors';
import type { AuthMode } from './service-config';

/** The verified caller. */
export interface Principal {
  user: string;
  groups: string[];
  admin: boolean;
}

/** Verifies a raw JWT (without "Bearer "). Rejects with {@link UnauthorizedError}. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

function principalOf(payload: JwtPayload, adminGroup: string): Principal {
  const name = payload['cognito:username'] ?? payload.username ?? payload.sub;
  if (typeof name !== 'string' || name === '') throw new UnauthorizedError('The token names no user (cognito:username, username or sub).');
  const rawGroups = payload['cognito:groups'];
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : [];
  return { user: name, groups, admin: groups.includes(adminGroup) };
}

/** Says which check failed without echoing the token: e.g. "JwtExpiredError: Token expired at ...". */
function rejection(err: unknown): UnauthorizedError {
  const what = err instanceof Error ? `${err.name}: ${err.message}` : 'invalid token';
  return new UnauthorizedError(`The bearer token was rejected (${what}).`);
}

/**
 * A JWKS cache that only knows one JWKS and never fetches: a token whose key id is not in the
 * local issuer's JWKS (a forged token) fails at once instead of triggering a network fetch.
 */
class StaticJwksCache implements JwksCache {
  constructor(private readonly jwks: Jwks) {}
  getCachedJwk(_jwksUri: string, jwt: DecomposedJwt): JwkWithKid {
    const kid = jwt.header.kid;
    const jwk = typeof kid === 'string' ? findJwkInJwks(this.jwks, kid) : undefined;
    if (!jwk) throw new KidNotFoundInJwksError('The token was not signed by the local issuer (unknown kid).');
    return jwk;
  }
  async getJwk(jwksUri: string, jwt: DecomposedJwt): Promise<JwkWithKid> {
    return this.getCachedJwk(jwksUri, jwt);
  }
  addJwks(): void {
    // The local JWKS is fixed for the life of the process.
  }
  async getJwks(): Promise<Jwks> {
    return this.jwks;
  }
}

/** Options for {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  auth: AuthMode;
  adminGroup: string;
  /** The JWKS to trust without fetching: the local issuer's, or (tests) one fetched from moto. */
  jwks?: Jwks;
}

/** Builds the verifier for the configured auth mode. */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const { auth, adminGroup } = opts;
  let verifyJwt: (token: string) => Promise<JwtPayload>;
  if (auth.kind === 'cognito') {
    const verifier = CognitoJwtVerifier.create({ userPoolId: auth.userPoolId, clientId: auth.clientId, tokenUse: auth.tokenUse });
    if (opts.jwks) verifier.cacheJwks(opts.jwks);
    verifyJwt = (t) => verifier.verify(t) as Promise<JwtPayload>;
  } else {
    if (!opts.jwks) throw new Error('the local issuer needs its JWKS');
    const verifier = JwtVerifier.create(
      {
        issuer: auth.issuer,
        audience: auth.clientId,
        // Never fetched: the static cache below holds the only trusted JWKS.
        jwksUri: 'http://127.0.0.1/.well-known/jwks.json',
        customJwtCheck: ({ payload }) => {
          if (payload.token_use !== 'id') throw new Error(`token_use must be "id", got "${String(payload.token_use)}"`);
        },
      },
      { jwksCache: new StaticJwksCache(opts.jwks) },
    );
    verifyJwt = (t) => verifier.verify(t);
  }
  return {
    async verify(token) {
      let payload: JwtPayload;
      try {
        payload = await verifyJwt(token);
      } catch (err) {
        throw rejection(err);
      }
      return principalOf(payload, adminGroup);
    },
  };
}
