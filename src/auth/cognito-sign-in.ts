/**
 * Sign-in with the Amazon Cognito Hosted UI: authorization code + PKCE (S256) with a public app
 * client, in an Office dialog (the Hosted UI refuses to load in a frame). The dialog's first page
 * is on the add-in's own origin and redirects to Cognito; the callback page sends `{code, state}`
 * back; we check `state` and exchange the code at the token endpoint ourselves.
 */
import type { SignInDialog } from './dialog';
import { SignInError } from './dialog-errors';
import { newPkcePair } from './pkce';
import type { Tokens } from './tokens';

export interface CognitoSettings {
  /** Hosted UI domain, e.g. "https://sheetscale.auth.eu-west-1.amazoncognito.com". */
  domain: string;
  clientId: string;
  /** The add-in's callback page, registered as a callback URL of the app client. */
  redirectUri: string;
  /** The add-in's page that opens first in the dialog and redirects to `?to=`. */
  startUri: string;
  scopes?: string[];
}

interface TokenResponse {
  id_token: string;
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
}

/** The message the callback page sends with messageParent. */
export interface CallbackMessage {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

export function authorizeUrl(settings: CognitoSettings, challenge: string, state: string): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: (settings.scopes ?? ['openid', 'email', 'profile']).join(' '),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${settings.domain.replace(/\/+$/, '')}/oauth2/authorize?${params.toString()}`;
}

function toTokens(r: TokenResponse, now: number, previousRefresh?: string): Tokens {
  // Refresh a minute early so that a request never leaves with a token about to expire.
  const tokens: Tokens = { idToken: r.id_token, accessToken: r.access_token, expiresAt: now + (r.expires_in - 60) * 1000 };
  const refresh = r.refresh_token ?? previousRefresh;
  if (refresh) tokens.refreshToken = refresh;
  return tokens;
}

async function postToken(settings: CognitoSettings, body: Record<string, string>, fetchImpl: typeof fetch): Promise<TokenResponse> {
  const response = await fetchImpl(`${settings.domain.replace(/\/+$/, '')}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
  const json = (await response.json().catch(() => ({}))) as Partial<TokenResponse> & { error?: string };
  if (!response.ok || !json.id_token || !json.access_token) {
    throw new SignInError(
      `Cognito refused the sign-in (${json.error ?? response.status}). Sign in again; if it keeps failing, ask your administrator to check the app client's callback URL and that PKCE is allowed.`,
      json.error ?? response.status,
    );
  }
  return json as TokenResponse;
}

/** Runs the whole sign-in: dialog, state check, code exchange. */
export async function signInWithCognito(
  settings: CognitoSettings,
  dialog: SignInDialog,
  fetchImpl: typeof fetch = (i, init) => fetch(i, init),
  now: () => number = Date.now,
): Promise<Tokens> {
  const pkce = await newPkcePair();
  const target = authorizeUrl(settings, pkce.challenge, pkce.state);
  const raw = await dialog.open(`${settings.startUri}?to=${encodeURIComponent(target)}`);
  let message: CallbackMessage;
  try {
    message = JSON.parse(raw) as CallbackMessage;
  } catch {
    throw new SignInError('The sign-in window sent back something unexpected. Try signing in again.', 'BAD_MESSAGE');
  }
  if (message.error) {
    throw new SignInError(`Cognito did not sign you in: ${message.error_description ?? message.error}.`, message.error);
  }
  if (!message.state || message.state !== pkce.state) {
    // A state that does not match is an answer to some other request (or a forgery): never use its code.
    throw new SignInError('The sign-in answer did not match this sign-in request, so it was ignored. Try signing in again.', 'STATE_MISMATCH');
  }
  if (!message.code) throw new SignInError('The sign-in window closed without an authorization code. Try again.', 'NO_CODE');
  const response = await postToken(settings, {
    grant_type: 'authorization_code',
    client_id: settings.clientId,
    code: message.code,
    redirect_uri: settings.redirectUri,
    code_verifier: pkce.verifier,
  }, fetchImpl);
  return toTokens(response, now());
}

/** Trades a refresh token for fresh id/access tokens (Cognito keeps the refresh token). */
export async function refreshCognitoTokens(
  settings: CognitoSettings,
  refreshToken: string,
  fetchImpl: typeof fetch = (i, init) => fetch(i, init),
  now: () => number = Date.now,
): Promise<Tokens> {
  const response = await postToken(settings, { grant_type: 'refresh_token', client_id: settings.clientId, refresh_token: refreshToken }, fetchImpl);
  return toTokens(response, now(), refreshToken);
}
