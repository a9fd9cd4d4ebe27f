/**
 * Sign-in against the backend's local token issuer (the embedded default of `npm start`, no
 * Cognito): the backend mints a JWT for a user name, verified by the same code as Cognito tokens.
 * Only ever enabled when the backend says it runs with the local issuer.
 */
import { SignInError } from './dialog-errors';
import type { Tokens } from './tokens';

export interface LocalIssuerSettings {
  /** Full URL of the backend's local token endpoint. */
  tokenUrl: string;
}

export async function signInWithLocalIssuer(
  settings: LocalIssuerSettings,
  user: string,
  fetchImpl: typeof fetch = (i, init) => fetch(i, init),
  now: () => number = Date.now,
): Promise<Tokens> {
  let response: Response;
  try {
    response = await fetchImpl(settings.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user }),
    });
  } catch (cause) {
    throw new SignInError(`Cannot reach the local sign-in at ${settings.tokenUrl} (${(cause as Error).message}). Is the backend running (npm start)?`, 'NETWORK');
  }
  const json = (await response.json().catch(() => ({}))) as { token?: string; idToken?: string; accessToken?: string; expiresIn?: number; error?: { message?: string } };
  const token = json.token ?? json.idToken ?? json.accessToken;
  if (!response.ok || !token) {
    throw new SignInError(json.error?.message ?? `The local sign-in answered ${response.status}. Check that the backend runs with the local token issuer.`, response.status);
  }
  return { idToken: token, accessToken: json.accessToken ?? token, expiresAt: now() + ((json.expiresIn ?? 3600) - 60) * 1000 };
}
