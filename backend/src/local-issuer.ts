/**
 * The embedded default's token issuer: an RSA key pair and its JWKS, created on first start under
 * the data directory, and RS256 tokens shaped like Cognito id tokens (`aud` = client id,
 * `token_use: "id"`, `cognito:groups`, `cognito:username`). They are verified by the same
 * aws-jwt-verify code as Cognito tokens (see token-verifier.ts); only the issuer differs.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Jwks } from 'aws-jwt-verify/jwk';

/** A key pair that signs local tokens, with the public half as a JWKS. */
export interface LocalIssuerKeys {
  kid: string;
  privateKey: KeyObject;
  jwks: Jwks;
}

/** What a local token says about its user. */
export interface LocalTokenRequest {
  user: string;
  groups: string[];
  /** Lifetime in seconds. */
  ttlSeconds: number;
  issuer: string;
  clientId: string;
  /** Defaults to "id"; tests set others to check that the verifier rejects them. */
  tokenUse?: string;
  /** Seconds since the epoch; defaults to now (tests back-date it). */
  issuedAt?: number;
}

function jwksOf(publicKey: KeyObject, kid: string): Jwks {
  const jwk = publicKey.export({ format: 'jwk' });
  return { keys: [{ kty: 'RSA', n: String(jwk.n), e: String(jwk.e), kid, alg: 'RS256', use: 'sig' }] };
}

/** Makes a fresh key pair in memory (tests, and forged tokens signed by a key nobody trusts). */
export function generateLocalIssuerKeys(): LocalIssuerKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return { kid, privateKey, jwks: jwksOf(publicKey, kid) };
}

/**
 * Loads the key pair from `<dataDir>/keys/`, creating it on first start. The private key file is
 * written with mode 0600: whoever reads it can mint tokens for any user.
 */
export function loadOrCreateLocalIssuerKeys(dataDir: string): LocalIssuerKeys {
  const dir = path.join(dataDir, 'keys');
  const keyFile = path.join(dir, 'local-issuer.pem');
  const kidFile = path.join(dir, 'local-issuer.kid');
  if (!existsSync(keyFile) || !existsSync(kidFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fresh = generateLocalIssuerKeys();
    writeFileSync(keyFile, fresh.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    writeFileSync(kidFile, fresh.kid);
    writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify(fresh.jwks, null, 2));
    return fresh;
  }
  const privateKey = createPrivateKey(readFileSync(keyFile));
  const kid = readFileSync(kidFile, 'utf8').trim();
  return { kid, privateKey, jwks: jwksOf(createPublicKey(privateKey), kid) };
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** Signs an RS256 token for a dev user. */
export function signLocalToken(keys: LocalIssuerKeys, req: LocalTokenRequest): string {
  const iat = req.issuedAt ?? Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid: keys.kid };
  const payload = {
    sub: req.user,
    'cognito:username': req.user,
    'cognito:groups': req.groups,
    iss: req.issuer,
    aud: req.clientId,
    token_use: req.tokenUse ?? 'id',
    iat,
    auth_time: iat,
    exp: iat + req.ttlSeconds,
    jti: randomUUID(),
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign('RSA-SHA256', Buffer.from(signingInput), keys.privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

/** Parses a duration like "90s", "15m", "1h", "7d" (or plain seconds) into seconds. */
export function parseTtl(text: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration: use e.g. 3600, 90s, 15m, 1h or 7d`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
