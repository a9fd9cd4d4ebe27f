/**
 * PKCE (RFC 7636) with the S256 method, and the random `state` that ties a sign-in answer to the
 * request that asked for it. Uses Web Crypto (the task pane's browser, or Node's globalThis.crypto).
 */

const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** A random string of `length` characters from the URL-safe alphabet RFC 7636 allows. */
export function randomUrlSafeString(length: number): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  // 66 symbols: the modulo bias is irrelevant next to 43+ characters of entropy.
  return Array.from(bytes, (b) => UNRESERVED[b % UNRESERVED.length]).join('');
}

/** base64url without padding, as RFC 7636 §4.2 asks. */
export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The S256 code challenge of a verifier: BASE64URL(SHA256(ASCII(verifier))). */
export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export interface PkcePair {
  verifier: string;
  challenge: string;
  state: string;
}

/** A fresh verifier (64 characters, within RFC 7636's 43..128), its challenge and a state. */
export async function newPkcePair(): Promise<PkcePair> {
  const verifier = randomUrlSafeString(64);
  return { verifier, challenge: await codeChallengeS256(verifier), state: randomUrlSafeString(32) };
}
